/**
 * The course notes' NAT lab (shared/seed), typed into the terminals as a student would:
 * forwarding on, ipvsadm installed, a round-robin service with two masqueraded real
 * servers, then ten requests from the client. Checks what the student sees: the terminals,
 * the packet list, the director's table on the topology, a frame label changing at the
 * director.
 */
import { expect, test, type Page } from '@playwright/test';
import { openLab, packets, run, terminal, termLines, waitIdle } from './helpers.ts';

const SETUP = [
  'sysctl -w net.ipv4.ip_forward=1',
  'dnf install ipvsadm -y',
  'ipvsadm -A -t 192.168.1.100:80 -s rr',
  'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m',
  'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.200:80 -m',
];

async function setUpDirector(page: Page): Promise<void> {
  for (const c of SETUP) {
    await run(page, 'lvs', c);
    await waitIdle(page, 'lvs', 60_000);
  }
}

test.describe('the seed NAT lab', () => {
  test.beforeEach(async ({ page }) => {
    await openLab(page, 'nat', 'animate=0');
  });

  test('set up the director, list the table, ten requests alternate between RS1 and RS2', async ({ page }) => {
    const lvs = terminal(page, 'lvs').locator('.xterm-rows');
    await run(page, 'lvs', 'sysctl -w net.ipv4.ip_forward=1');
    await expect(lvs).toContainText('net.ipv4.ip_forward = 1');
    await run(page, 'lvs', 'dnf install ipvsadm -y');
    await expect(lvs).toContainText('Complete!', { timeout: 60_000 });
    await waitIdle(page, 'lvs');
    for (const c of SETUP.slice(2)) { await run(page, 'lvs', c); await waitIdle(page, 'lvs'); }
    await run(page, 'lvs', 'ipvsadm -Ln');
    await expect(lvs).toContainText('IP Virtual Server version 1.2.1 (size=4096)');
    await expect(lvs).toContainText('TCP 192.168.1.100:80 rr');
    await expect(lvs).toContainText('-> 192.168.137.130:80 Masq 1 0 0');
    await expect(lvs).toContainText('-> 192.168.137.200:80 Masq 1 0 0');

    // The director's node shows the same table, live.
    const table = page.getByRole('region', { name: 'Topology' }).getByRole('table', { name: /IPVS table lvs/ });
    await expect(table).toContainText('TCP 192.168.1.100:80');
    await expect(table).toContainText('192.168.137.130:80');
    await expect(table).toContainText('Masq');

    await run(page, 'client', 'for i in {1..10}; do curl 192.168.1.100; done');
    await waitIdle(page, 'client', 60_000);
    const out = (await termLines(page, 'client')).filter((l) => /^RS[12] - /.test(l));
    expect(out).toHaveLength(10);
    expect(out.filter((l) => l === 'RS1 - 192.168.137.130')).toHaveLength(5);
    expect(out.filter((l) => l === 'RS2 - 192.168.137.200')).toHaveLength(5);
    for (let i = 1; i < out.length; i++) expect(out[i]).not.toBe(out[i - 1]);
    await expect(terminal(page, 'client').locator('.xterm-rows')).toContainText(/RS[12] - 192\.168\.137\.(130|200)/);

    // Every request shows in the capture, on both networks.
    await expect(packets(page)).toContainText('GET / HTTP/1.1');
    const filter = page.getByRole('textbox', { name: 'Display filter' });
    await filter.fill('http.request and ip.dst == 192.168.1.100');
    await filter.press('Enter');
    await expect(packets(page).locator('[data-no]')).toHaveCount(10);
    await filter.fill('http.request and ip.dst == 192.168.137.0/24');
    await filter.press('Enter');
    await expect(packets(page).locator('[data-no]')).toHaveCount(10);

    // The connections are closed: ten inactive, five per real server.
    await expect(table.locator('tr', { hasText: '192.168.137.130:80' }).locator('td').last()).toHaveText('5');
    await expect(table.locator('tr', { hasText: '192.168.137.200:80' }).locator('td').last()).toHaveText('5');

    // The scheduler tab explains each choice.
    await page.getByRole('tab', { name: 'Scheduler', exact: true }).click();
    await expect(page.getByRole('region', { name: 'Scheduler' })).toContainText('rr');
    await expect(page.getByRole('region', { name: 'Scheduler' })).toContainText('192.168.137.130:80');
  });

  test('the label changes at the director: NAT rewrites the destination address', async ({ page }) => {
    test.setTimeout(120_000);
    await setUpDirector(page);
    await page.getByRole('switch', { name: 'Animate' }).check();
    await page.getByLabel('Speed').selectOption('2');
    await expect(page.locator('.anim-layer')).toHaveCount(1);
    // Record every label drawn on the topology, however briefly it was shown.
    await page.evaluate(`(() => {
      window.__drawn = [];
      const layer = document.querySelector('.anim-layer');
      new MutationObserver(() => {
        for (const el of layer.querySelectorAll('.pkt__text, .callout__text')) if (!window.__drawn.includes(el.textContent)) window.__drawn.push(el.textContent);
      }).observe(layer, { subtree: true, childList: true, characterData: true });
    })()`);
    await run(page, 'client', 'curl 192.168.1.100');
    const labels = page.locator('.anim-layer .pkt__text');
    await expect(labels.filter({ hasText: /192\.168\.1\.111/ }).first()).toBeVisible({ timeout: 20_000 });
    await waitIdle(page, 'client', 90_000);
    await expect(terminal(page, 'client').locator('.xterm-rows')).toContainText(/RS[12] - 192\.168\.137\./);
    const drawn = await page.evaluate('window.__drawn') as string[];
    // Before the director: to the VIP. After it: to a real server. And the callout at the director says why.
    expect(drawn.some((l) => /^TCP SYN 192\.168\.1\.111:\d+ → 192\.168\.1\.100:80$/.test(l)), drawn.join('\n')).toBe(true);
    expect(drawn.some((l) => /^TCP SYN 192\.168\.1\.111:\d+ → 192\.168\.137\.(130|200):80$/.test(l))).toBe(true);
    expect(drawn.some((l) => /dst IP 192\.168\.1\.100 → 192\.168\.137\.(130|200)/.test(l))).toBe(true);
    expect(drawn.some((l) => /src IP 192\.168\.137\.(130|200) → 192\.168\.1\.100/.test(l))).toBe(true);
  });

  test('without ip_forward the reply is dropped at the director, and the capture says why', async ({ page }) => {
    for (const c of SETUP.slice(1)) { await run(page, 'lvs', c); await waitIdle(page, 'lvs', 60_000); }
    await run(page, 'client', 'curl -m 2 192.168.1.100');
    await waitIdle(page, 'client', 60_000);
    await expect(page.locator('.prow--drop').first()).toBeVisible();
  });
});
