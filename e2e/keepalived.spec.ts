/**
 * keepalived in the page (preset ha): both directors get keepalived from dnf and a
 * configuration typed in their terminals with a heredoc, as a student does; their topology
 * nodes then show the VRRP state (lvs MASTER holding the VIP, lvs2 BACKUP) and the real
 * servers show the health checkers' verdict. `poweroff` on the master: lvs2's node turns
 * MASTER and the VIP appears on its NIC (keepalived-reference §9.2: after 3 × advert_int +
 * skew ≈ 3.65 s of silence).
 */
import { expect, test, type Page } from '@playwright/test';
import { openLab, openTerminal, waitIdle } from './helpers.ts';

const VIP = '192.168.137.254';

function conf(state: 'MASTER' | 'BACKUP', priority: number): string[] {
  return [
    `cat > /etc/keepalived/keepalived.conf <<'EOF'`,
    'vrrp_instance VI_1 {',
    `    state ${state}`,
    '    interface eth0',
    '    virtual_router_id 51',
    `    priority ${priority}`,
    '    advert_int 1',
    '    authentication {',
    '        auth_type PASS',
    '        auth_pass 1111',
    '    }',
    '    virtual_ipaddress {',
    `        ${VIP}`,
    '    }',
    '}',
    `virtual_server ${VIP} 80 {`,
    '    delay_loop 3',
    '    lb_algo rr',
    '    lb_kind DR',
    '    protocol TCP',
    '    real_server 192.168.137.130 80 {',
    '        weight 1',
    '        TCP_CHECK {',
    '            connect_timeout 1',
    '        }',
    '    }',
    '    real_server 192.168.137.200 80 {',
    '        weight 1',
    '        TCP_CHECK {',
    '            connect_timeout 1',
    '        }',
    '    }',
    '}',
    'EOF',
  ];
}

/** Type lines at a host's prompt, Enter after each (a heredoc's lines go to its `> ` prompt). */
async function typeLines(page: Page, host: string, lines: readonly string[]): Promise<void> {
  const t = await openTerminal(page, host);
  await t.locator('.xterm-helper-textarea').focus();
  for (const l of lines) {
    await page.keyboard.type(l);
    await page.keyboard.press('Enter');
  }
  await waitIdle(page, host, 60_000);
}

test('ha: VRRP state on the directors\' nodes, checkers on the real servers, failover to lvs2 after poweroff', async ({ page }) => {
  test.setTimeout(180_000);
  await openLab(page, 'ha', 'animate=0');
  const topo = page.getByRole('region', { name: 'Topology' });
  const lvs = topo.locator('[data-host="lvs"]');
  const lvs2 = topo.locator('[data-host="lvs2"]');

  for (const h of ['lvs', 'lvs2']) await typeLines(page, h, ['dnf install keepalived ipvsadm -y']);
  await typeLines(page, 'lvs', conf('MASTER', 100));
  await typeLines(page, 'lvs2', conf('BACKUP', 90));
  await typeLines(page, 'lvs', ['systemctl start keepalived']);
  await typeLines(page, 'lvs2', ['systemctl start keepalived']);

  // lvs: BACKUP (init), then MASTER about a second later, with the VIP on eth0.
  await expect(lvs.locator('[data-vrrp-state="MASTER"]')).toBeVisible({ timeout: 15_000 });
  await expect(lvs.locator('[data-vrrp-state]')).toContainText('priority 100');
  await expect(lvs.locator('.ka__vip--here')).toContainText(VIP);
  await expect(lvs.locator('.nic__addr--vip')).toHaveText(`${VIP}/32`);
  await expect(lvs2.locator('[data-vrrp-state="BACKUP"]')).toBeVisible();
  await expect(lvs2.locator('[data-vrrp-state]')).toContainText('priority 90');
  await expect(lvs2.locator('.nic__addr--vip')).toHaveCount(0);

  // The checkers' first results (delay_loop 3): both real servers up, as seen by both directors.
  for (const rs of ['RS1', 'RS2']) {
    const node = topo.locator(`[data-host="${rs}"]`);
    await expect(node.locator('[data-check="up"]')).toHaveCount(2, { timeout: 15_000 });
    await expect(node.locator('[data-check="up"]').first()).toContainText('TCP_CHECK');
    await expect(node.locator('[data-check="up"]').first()).toContainText('success');
  }

  // Power the master off: lvs2 hears no advert for 3 × 1 s + skew, takes over.
  await typeLines(page, 'lvs', ['poweroff']);
  await expect(lvs).toContainText('powered off');
  await expect(lvs.locator('[data-vrrp-state]')).toHaveCount(0);
  await expect(lvs2.locator('[data-vrrp-state="MASTER"]')).toBeVisible({ timeout: 15_000 });
  await expect(lvs2.locator('.ka__vip--here')).toContainText(VIP);
  await expect(lvs2.locator('.nic__addr--vip')).toHaveText(`${VIP}/32`);
  // Only lvs2 checks the real servers now.
  await expect(topo.locator('[data-host="RS1"] [data-check="up"]')).toHaveCount(1);
});
