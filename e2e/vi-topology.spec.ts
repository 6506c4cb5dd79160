/**
 * vi in a terminal opens the real editor in place of that terminal; :wq writes the file in
 * the lab (sysctl -p sees it), :q! leaves it alone. And the hardware from the topology: power
 * a machine off and on, pull a cable and plug it back, add a network and a machine, rename —
 * with the mouse and with the keyboard.
 */
import { expect, test, type Page } from '@playwright/test';
import { openLab, run, runAll, terminal, termLines, waitIdle } from './helpers.ts';

async function ex(page: Page, cmd: string): Promise<void> {
  await page.keyboard.type(':');
  await expect(page.locator('.cm-vim-panel input')).toBeFocused();
  await page.keyboard.type(cmd);
  await page.keyboard.press('Enter');
}

test('vi edits /etc/sysctl.conf in place of the terminal; sysctl -p sees the change', async ({ page }) => {
  test.setTimeout(90_000);
  await openLab(page, 'nat', 'animate=0');
  const t = terminal(page, 'lvs');
  await run(page, 'lvs', 'vi /etc/sysctl.conf');
  const ed = t.getByRole('application', { name: 'vi /etc/sysctl.conf' });
  await expect(ed).toBeVisible({ timeout: 20_000 });
  await expect(t.getByTestId('editor-message')).toContainText('"/etc/sysctl.conf"');
  await expect(ed.locator('.cm-content')).toBeFocused();
  await page.keyboard.type('G');
  await page.keyboard.type('o');
  await page.keyboard.type('net.ipv4.ip_forward = 1');
  await page.keyboard.press('Escape');
  await ex(page, 'wq');
  await expect(ed).toHaveCount(0);
  await waitIdle(page, 'lvs');
  await run(page, 'lvs', 'sysctl -p');
  await waitIdle(page, 'lvs');
  expect((await termLines(page, 'lvs')).slice(-3).join('\n')).toContain('net.ipv4.ip_forward = 1');
  await runAll(page, 'lvs', ['cat /proc/sys/net/ipv4/ip_forward']);
  expect((await termLines(page, 'lvs')).slice(-2)[0]).toBe('1');

  // :q! quits without writing.
  await run(page, 'lvs', 'vim /etc/hostname');
  await expect(t.getByRole('application', { name: 'vi /etc/hostname' })).toBeVisible();
  await page.keyboard.type('dd');
  await ex(page, 'q!');
  await expect(t.getByRole('application')).toHaveCount(0);
  await waitIdle(page, 'lvs');
  await runAll(page, 'lvs', ['cat /etc/hostname']);
  expect((await termLines(page, 'lvs')).slice(-2)[0]).toBe('lvs');
});

test('power a machine off and on, pull a cable and plug it back, from the topology', async ({ page }) => {
  test.setTimeout(120_000);
  await openLab(page, 'nat', 'animate=0');
  const topo = page.getByRole('region', { name: 'Topology' });
  const rs2 = topo.locator('[data-host="RS2"]');

  // Power off RS2 from its ⋯ menu.
  await rs2.getByRole('button', { name: 'Actions for RS2' }).click();
  const menu = page.getByRole('menu', { name: 'Actions for RS2' });
  await menu.getByRole('menuitem', { name: 'Power off' }).click();
  await expect(rs2).toContainText('powered off');
  await run(page, 'RS2', 'hostname');
  await expect(terminal(page, 'RS2').locator('.xterm-rows')).toContainText('RS2 is powered off');
  await waitIdle(page, 'RS2');
  await runAll(page, 'RS1', ['ping -c 1 -W 1 192.168.137.200']);
  expect((await termLines(page, 'RS1')).join('\n')).toContain('100% packet loss');

  // And on again (right-click this time).
  await rs2.click({ button: 'right' });
  await page.getByRole('menu', { name: 'Actions for RS2' }).getByRole('menuitem', { name: 'Power on' }).click();
  await expect(rs2).not.toContainText('powered off');
  // A machine that was just switched on answers once it has booted (a student pings again).
  await expect.poll(async () => {
    await runAll(page, 'RS1', ['clear; ping -c 1 -W 1 192.168.137.200']);
    return (await termLines(page, 'RS1')).join('\n');
  }, { timeout: 30_000 }).toContain('1 received, 0% packet loss');

  // Pull RS1's cable with the keyboard: focus its ⋯ button, Enter, arrow down to the item, Enter.
  const rs1 = topo.locator('[data-host="RS1"]');
  await rs1.getByRole('button', { name: 'Actions for RS1' }).focus();
  await page.keyboard.press('Enter');
  const m1 = page.getByRole('menu', { name: 'Actions for RS1' });
  await expect(m1.getByRole('menuitem').first()).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(m1.getByRole('menuitem', { name: 'Pull the cable of eth0' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(rs1).toContainText('no carrier');
  await expect(topo.locator('.wire--down')).toHaveCount(1);
  await runAll(page, 'lvs', ['ping -c 1 -W 1 192.168.137.130']);
  expect((await termLines(page, 'lvs')).join('\n')).toContain('100% packet loss');
  await rs1.getByRole('button', { name: 'Actions for RS1' }).click();
  await page.getByRole('menu', { name: 'Actions for RS1' }).getByRole('menuitem', { name: 'Plug the cable of eth0 back in' }).click();
  await expect(rs1).not.toContainText('no carrier');
  await expect(topo.locator('.wire--down')).toHaveCount(0);
  await expect.poll(async () => {
    await runAll(page, 'lvs', ['clear; ping -c 1 -W 1 192.168.137.130']);
    return (await termLines(page, 'lvs')).join('\n');
  }, { timeout: 30_000 }).toContain('1 received, 0% packet loss');
});

test('add a network and a machine on it, give it a NIC on another network, rename it', async ({ page }) => {
  await openLab(page, 'nat', 'animate=0');
  const topo = page.getByRole('region', { name: 'Topology' });
  await topo.getByRole('button', { name: /Edit/ }).click();
  await page.getByRole('menu', { name: 'Add to the topology' }).getByRole('menuitem', { name: 'Add a network…' }).click();
  const dlg = page.getByRole('dialog', { name: 'Add a network…' });
  await dlg.getByRole('textbox').fill('vmnet2');
  await dlg.getByRole('button', { name: 'OK' }).click();
  await expect(topo.locator('[data-segment="vmnet2"]')).toBeVisible();

  await topo.locator('[data-segment="vmnet2"]').getByRole('button', { name: 'Actions for vmnet2' }).click();
  await page.getByRole('menu', { name: 'Actions for vmnet2' }).getByRole('menuitem', { name: 'Add a machine…' }).click();
  const add = page.getByRole('dialog', { name: 'Add a machine…' });
  await add.getByRole('textbox').fill('web3');
  await add.getByRole('combobox', { name: 'Role' }).selectOption('realserver');
  await add.getByRole('button', { name: 'OK' }).click();
  const web3 = topo.locator('[data-host="web3"]');
  await expect(web3).toBeVisible();
  await expect(web3).toContainText('eth0');
  await expect(page.getByRole('tab', { name: 'web3', exact: true })).toBeVisible();

  await web3.getByRole('button', { name: 'Actions for web3' }).click();
  await page.getByRole('menu', { name: 'Actions for web3' }).getByRole('menuitem', { name: 'Connect eth0 to… vmnet1' }).click();
  await runAll(page, 'web3', ['ip addr add 192.168.137.210/24 dev eth0', 'ip link set eth0 up', 'ping -c 1 -W 1 192.168.137.130']);
  expect((await termLines(page, 'web3')).join('\n')).toMatch(/1 received/);

  await web3.getByRole('button', { name: 'Actions for web3' }).click();
  await page.getByRole('menu', { name: 'Actions for web3' }).getByRole('menuitem', { name: 'Rename…' }).click();
  const ren = page.getByRole('dialog', { name: 'Rename…' });
  await ren.getByRole('textbox').fill('RS3');
  await ren.getByRole('button', { name: 'OK' }).click();
  await expect(topo.locator('[data-host="RS3"]')).toBeVisible();
  await expect(page.getByRole('tab', { name: 'RS3', exact: true })).toBeVisible();
  // The terminal went with it, scrollback and all.
  await runAll(page, 'RS3', ['cat /etc/hostname']);
  const lines = await termLines(page, 'RS3');
  expect(lines.join('\n')).toContain('1 received');
  expect(lines.slice(-2)[0]).toBe('RS3');
});
