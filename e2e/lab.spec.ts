/**
 * The lab page as a student meets it, with whichever shell is built in: start page, the
 * topology, terminals, the capture pane, the animation, time travel, themes and languages.
 */
import { expect, test } from '@playwright/test';
import { openLab, openTerminal, packetRows, packets, run, terminal, termLines, waitIdle } from './helpers.ts';

test('the start page lists the labs with a picture each and opens one', async ({ page }) => {
  await page.goto('/');
  const cards = page.locator('.card');
  await expect(cards).toHaveCount(5);
  for (const name of ['LVS-NAT', 'LVS-DR', 'LVS-TUN', 'LVS-FULLNAT']) await expect(page.getByRole('link', { name: new RegExp(`^${name} [A-Z]`) })).toBeVisible();
  await expect(cards.first().locator('svg')).toBeVisible();
  await page.getByRole('link', { name: /^LVS-NAT / }).click();
  await expect(page).toHaveURL(/\?lab=nat/);
  await expect(page.getByRole('region', { name: 'Topology' })).toBeVisible();
});

test('the NAT topology shows every host, network and NIC', async ({ page }) => {
  await openLab(page, 'nat');
  const topo = page.getByRole('region', { name: 'Topology' });
  for (const h of ['client', 'lvs', 'RS1', 'RS2', 'gateway']) await expect(topo.locator(`[data-host="${h}"]`)).toBeVisible();
  for (const s of ['vmnet1', 'vmnet8']) await expect(topo.locator(`[data-segment="${s}"]`)).toBeVisible();
  const lvs = topo.locator('[data-host="lvs"]');
  await expect(lvs).toContainText('192.168.1.100/24');
  await expect(lvs).toContainText('192.168.137.100/24');
  await expect(lvs).toContainText(/00:0c:29(:[0-9a-f]{2}){3}/);
  await expect(lvs).toContainText('director');
  await expect(topo.locator('.react-flow__edge')).toHaveCount(6);
});

test('terminals open from the topology and keep their scrollback', async ({ page }) => {
  await openLab(page, 'nat');
  await expect(terminal(page, 'lvs')).toBeVisible();
  await page.getByRole('button', { name: 'Open terminal on RS1' }).click();
  await openTerminal(page, 'RS1');
  await run(page, 'RS1', 'echo hello from RS1');
  await expect(terminal(page, 'RS1').locator('.xterm-rows')).toContainText('hello from RS1');
  await page.getByRole('button', { name: 'Close terminal RS1' }).click();
  await expect(terminal(page, 'RS1')).toHaveCount(0);
  await page.getByRole('tab', { name: 'RS1', exact: true }).click();
  await expect(terminal(page, 'RS1').locator('.xterm-rows')).toContainText('hello from RS1');
});

test('line editing: cursor keys, Ctrl-A/E/U/W, history, Ctrl-C', async ({ page }) => {
  await openLab(page, 'nat');
  const t = await openTerminal(page, 'lvs');
  await t.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type('cho hi there');
  await page.keyboard.press('Control+a');
  await page.keyboard.type('e');
  await page.keyboard.press('Control+e');
  await page.keyboard.press('Control+w');
  await page.keyboard.type('you');
  await page.keyboard.press('Enter');
  await expect(t.locator('.xterm-rows')).toContainText(/\]# echo hi you\s*hi you/);
  await page.keyboard.press('ArrowUp');
  await expect(t.locator('.xterm-rows')).toContainText(/\]# echo hi you\s*$/);
  await page.keyboard.press('Control+u');
  await page.keyboard.type('abandoned');
  await page.keyboard.press('Control+c');
  await expect(t.locator('.xterm-rows')).toContainText('abandoned^C');
  const lines = await termLines(page, 'lvs');
  expect(lines[lines.length - 1]).toMatch(/\[root@lvs ~\]# $/);
});

test('a request fills the packet list; a row shows its layers and bytes; filters work', async ({ page }) => {
  await openLab(page, 'nat', 'animate=0');
  await run(page, 'lvs', 'curl 192.168.137.130');
  await expect(terminal(page, 'lvs').locator('.xterm-rows')).toContainText('RS1 - 192.168.137.130');
  await expect(packets(page)).toContainText('GET / HTTP/1.1');
  await expect(packets(page)).toContainText('HTTP/1.1 200 OK');
  const rows = packetRows(page);
  expect(await rows.count()).toBeGreaterThanOrEqual(8);

  await packets(page).getByText('GET / HTTP/1.1').click();
  const details = page.getByRole('region', { name: 'Packet details' });
  for (const l of ['Ethernet II', 'Internet Protocol Version 4', 'Transmission Control Protocol', 'Hypertext Transfer Protocol']) await expect(details).toContainText(l);
  await details.getByRole('button', { name: /^.?Ethernet II/ }).click();
  await details.getByRole('button', { name: /^Source: / }).first().click();
  await expect(page.getByRole('region', { name: 'Packet bytes' }).locator('.hx--on')).toHaveCount(12);

  const filter = page.getByRole('textbox', { name: 'Display filter' });
  await filter.fill('tcp.flags.syn == 1 and tcp.flags.ack == 0');
  await filter.press('Enter');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('[SYN]');
  await filter.fill('ip.addr == 192.168.1');
  await expect(page.locator('form.filter')).toHaveClass(/filter--bad/);
  await expect(page.getByRole('alert').filter({ hasText: /192\.168\.1/ })).toBeVisible();
  await filter.fill('arp or http');
  await filter.press('Enter');
  await expect(page.locator('form.filter')).toHaveClass(/filter--ok/);
  await expect(rows).toHaveCount(4);
});

test('capture on one network only, and the flow graph draws a lane per host', async ({ page }) => {
  await openLab(page, 'nat', 'animate=0');
  await run(page, 'lvs', 'curl 192.168.137.130');
  await expect(packets(page)).toContainText('HTTP/1.1 200 OK');
  await page.getByLabel('Capture on').selectOption('seg:vmnet8');
  await expect(packets(page)).toContainText('No frames yet');
  await page.getByLabel('Capture on').selectOption('seg:vmnet1');
  await expect(packets(page)).toContainText('HTTP/1.1 200 OK');
  await page.getByRole('tab', { name: 'Flow graph' }).click();
  const flow = page.getByRole('table', { name: 'Flow graph' });
  for (const h of ['client', 'lvs', 'RS1', 'RS2']) await expect(flow.getByRole('columnheader', { name: new RegExp(`^${h}`) })).toBeVisible();
  await expect(flow).toContainText('GET / HTTP/1.1');
  await flow.locator('[data-no]').filter({ hasText: 'GET /' }).first().click();
  await expect(page.getByRole('region', { name: 'Packet details' })).toContainText('Hypertext Transfer Protocol');
});

test('frames travel on the topology, labelled, and a click selects one', async ({ page }) => {
  await openLab(page, 'nat', 'speed=1');
  await run(page, 'lvs', 'curl 192.168.137.130');
  const label = page.locator('.anim-layer .pkt__text').filter({ hasText: '192.168.137.130' }).first();
  await expect(label).toBeVisible({ timeout: 15_000 });
  await expect(page.locator('.anim-layer .pkt__text').filter({ hasText: /TCP SYN 192\.168\.137\.100:\d+ → 192\.168\.137\.130:80/ })).toHaveCount(1, { timeout: 15_000 });
  await page.locator('.anim-layer .pkt').last().click({ force: true });
  await expect(page.locator('.prow--sel')).toHaveCount(1);
  await waitIdle(page, 'lvs');
});

test('stepping back restores the lab at an earlier frame; live brings it back', async ({ page }) => {
  await openLab(page, 'nat', 'animate=0');
  await run(page, 'lvs', 'curl 192.168.137.130');
  await expect(packets(page)).toContainText('HTTP/1.1 200 OK');
  await waitIdle(page, 'lvs');
  const total = await packetRows(page).count();
  await page.getByRole('button', { name: 'Step back one frame' }).click();
  await expect(page.getByRole('status')).toContainText(`Viewing the lab at frame ${total - 1}`);
  await expect(packetRows(page)).toHaveCount(total - 1);
  await page.getByRole('button', { name: 'Step back one frame' }).click();
  await expect(packetRows(page)).toHaveCount(total - 2);
  await page.getByRole('button', { name: 'Step one frame' }).click();
  await expect(packetRows(page)).toHaveCount(total - 1);
  await page.getByRole('button', { name: 'Back to live' }).click();
  await expect(page.getByRole('status')).toHaveCount(0);
  await expect(packetRows(page)).toHaveCount(total);
});

test('dark and light themes, English and 简体中文', async ({ page }) => {
  await openLab(page, 'nat');
  const html = page.locator('html');
  const before = await html.getAttribute('data-theme');
  await page.getByRole('button', { name: /^Theme:/ }).click();
  await expect(html).not.toHaveAttribute('data-theme', before!);
  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  await expect(page.getByRole('region', { name: '拓扑' })).toBeVisible();
  await expect(page.getByRole('region', { name: '终端 lvs' })).toBeVisible();
  await expect(page.getByRole('tab', { name: '数据包' })).toBeVisible();
  await page.getByRole('combobox', { name: '语言' }).selectOption('en');
  await expect(page.getByRole('region', { name: 'Topology' })).toBeVisible();
});

test('the page forbids inline script (Content-Security-Policy)', async ({ page, request }) => {
  const res = await request.get('/');
  expect(res.headers()['content-security-policy']).toContain("script-src 'self'");
  const html = await res.text();
  expect(html).toContain('http-equiv="Content-Security-Policy"');
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  const violations: string[] = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  await openLab(page, 'nat');
  await openTerminal(page, 'lvs');
  expect(violations).toEqual([]);
});

test('a long loop in slow motion offers full speed, which finishes it', async ({ page }) => {
  await openLab(page, 'nat');
  await expect(page.getByRole('switch', { name: 'Animate' })).toBeChecked();
  await run(page, 'lvs', 'for i in {1..30}; do curl -s 192.168.137.130; done');
  const hint = page.getByRole('status').filter({ hasText: 'Slow motion: every frame is drawn' });
  await expect(hint).toBeVisible({ timeout: 15_000 });
  await hint.getByRole('button', { name: 'Run at full speed' }).click();
  await expect(page.getByRole('switch', { name: 'Animate' })).not.toBeChecked();
  await waitIdle(page, 'lvs', 30_000);
  expect((await termLines(page, 'lvs')).filter((l) => l === 'RS1 - 192.168.137.130')).toHaveLength(30);
  await expect(hint).toHaveCount(0);
});
