/**
 * The misconfiguration detector in the page: a broken setup makes a finding appear, marked on
 * the frame where it goes wrong (packet list and flow graph), with what happened and a fix
 * button that types the fix into the right terminal; once the lab is fixed the finding says so.
 * Two of the classic traps: ip_forward off on the NAT director, and a DR real server answering
 * ARP for the VIP.
 */
import { expect, test, type Page } from '@playwright/test';
import { openLab, packetRows, packets, runAll, sidePanel, terminal, termLines, waitIdle } from './helpers.ts';

async function problems(page: Page) {
  const side = sidePanel(page);
  if (!(await side.isVisible())) await page.getByRole('button', { name: 'Guide', exact: true }).click();
  await side.getByRole('tab', { name: /Problems/ }).click();
  return side;
}

test('ip_forward off on the NAT director: the dropped reply is marked, Fix it clears it', async ({ page }) => {
  test.setTimeout(120_000);
  await openLab(page, 'nat', 'animate=0');
  await runAll(page, 'lvs', ['dnf install ipvsadm -y', 'ipvsadm -A -t 192.168.1.100:80 -s rr', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m']);
  await runAll(page, 'client', ['curl -m 2 192.168.1.100']);
  const side = await problems(page);
  const card = side.locator('.finding[data-kind="ip-forward"]').first();
  await expect(card).toContainText('lvs does not forward the real server\'s reply');
  await expect(card).toContainText('net.ipv4.ip_forward is 0');
  const frame = Number(await card.getAttribute('data-frame'));
  // The marked frame is the real server's reply that the director dropped.
  const row = packetRows(page).and(page.locator(`[data-no="${frame}"]`));
  await card.getByRole('button', { name: `Show frame ${frame}` }).click();
  await expect(row).toHaveAttribute('data-finding', 'open');
  await expect(row).toHaveClass(/prow--drop/);
  await expect(row.locator('.c-src')).toHaveText('192.168.137.130');
  await expect(row.locator('.c-dst')).toHaveText('192.168.1.111');
  await expect(row).toHaveAttribute('aria-selected', 'true');
  // The packet details show the finding too, with its fix.
  const detail = page.getByRole('region', { name: 'Packet details' });
  await expect(detail.locator('.finding')).toContainText('sysctl -w net.ipv4.ip_forward=1');
  // On the flow graph the same frame is marked.
  await page.getByRole('tab', { name: 'Flow graph' }).click();
  await expect(page.locator(`.frow[data-no="${frame}"]`)).toHaveAttribute('data-finding', 'open');
  await page.getByRole('tab', { name: 'Packets' }).click();

  // Fix it: typed into lvs's terminal; the finding turns to "fixed" and curl works.
  await card.getByRole('button', { name: 'Fix it' }).click();
  await expect(terminal(page, 'lvs').locator('.xterm-rows')).toContainText('sysctl -w net.ipv4.ip_forward=1', { timeout: 20_000 });
  await expect(card).toHaveClass(/finding--fixed/, { timeout: 30_000 });
  await expect(card).toContainText('fixed');
  await expect(row).toHaveAttribute('data-finding', 'fixed');
  await waitIdle(page, 'lvs');
  await runAll(page, 'client', ['curl -m 2 192.168.1.100']);
  expect((await termLines(page, 'client')).join('\n')).toContain('RS1 - 192.168.137.130');
  await expect(side.getByText('Everything found so far is fixed now.')).toBeVisible();
});

test('a DR real server answering ARP for the VIP: its ARP reply is marked, the fix clears it', async ({ page }) => {
  test.setTimeout(180_000);
  await openLab(page, 'dr', 'animate=0');
  await runAll(page, 'lvs', ['ip addr add 192.168.137.254/32 dev eth0', 'dnf install ipvsadm -y', 'ipvsadm -A -t 192.168.137.254:80 -s rr',
    'ipvsadm -a -t 192.168.137.254:80 -r 192.168.137.130:80 -g', 'ipvsadm -a -t 192.168.137.254:80 -r 192.168.137.200:80 -g']);
  await runAll(page, 'RS1', ['ip addr add 192.168.137.254/32 dev lo']);
  await runAll(page, 'RS2', ['ip addr add 192.168.137.254/32 dev lo', 'sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2']);
  await runAll(page, 'client', ['for i in 1 2 3 4; do curl -s -m 2 192.168.137.254; done']);
  const side = await problems(page);
  const card = side.locator('.finding[data-kind="arp-vip"]').first();
  await expect(card).toContainText('RS1 answers ARP for the VIP');
  const frame = Number(await card.getAttribute('data-frame'));
  await card.getByRole('button', { name: `Show frame ${frame}` }).click();
  const row = packetRows(page).and(page.locator(`[data-no="${frame}"]`));
  // The frame is RS1's ARP reply claiming the VIP.
  await expect(row).toHaveAttribute('data-finding', 'open');
  await expect(row.locator('.c-proto')).toHaveText('ARP');
  await expect(row.locator('.c-info')).toContainText('192.168.137.254 is at');
  await expect(packets(page).locator('[data-finding="open"]').first()).toBeVisible();

  await card.getByRole('button', { name: 'Fix it' }).click();
  await expect(terminal(page, 'RS1').locator('.xterm-rows')).toContainText('net.ipv4.conf.all.arp_ignore = 1', { timeout: 30_000 });
  await expect(card).toHaveClass(/finding--fixed/, { timeout: 30_000 });
  await expect(row).toHaveAttribute('data-finding', 'fixed');
  // The router still has the VIP at RS1's MAC: that consequence clears when its entry is flushed.
  await waitIdle(page, 'RS1');
  await runAll(page, 'route', ['ip neigh flush dev eth1']);
  await expect(side.locator('.finding:not(.finding--fixed)')).toHaveCount(0, { timeout: 30_000 });
});
