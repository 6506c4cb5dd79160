/**
 * The four-mode view in a real browser: one curl through NAT, DR, TUN and FULLNAT (four labs
 * built and configured in the auxiliary worker), four diagrams in step, and a per-hop table
 * whose highlighted cells are exactly the fields each mode's director rewrites.
 */
import { expect, test, type Page } from '@playwright/test';
import { openLab } from './helpers.ts';

/** The highlighted fields of the per-hop table, per mode. */
async function highlighted(page: Page): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const mode of ['nat', 'dr', 'tun', 'fullnat']) {
    out[mode] = await page.locator(`.mtable tr[data-mode="${mode}"] td.chg`).evaluateAll((tds) => tds.map((td) => (td as HTMLElement).dataset.field!));
  }
  return out;
}

test('four modes: the per-hop table highlights only what each director changed', async ({ page }) => {
  await openLab(page, 'nat', 'animate=0');
  await page.getByRole('tab', { name: 'Four modes' }).click();
  const view = page.getByRole('region', { name: 'Four modes side by side' });
  await expect(view.locator('.mtable[data-packet="c:SYN"]')).toBeVisible({ timeout: 30_000 });
  for (const m of ['NAT', 'DR', 'TUN', 'FULLNAT']) await expect(view.getByRole('region', { name: m, exact: true })).toBeVisible();

  // The client's SYN, hop by hop.
  expect(await highlighted(page)).toEqual({ nat: ['dstIp'], dr: ['macDst'], tun: ['outer'], fullnat: ['srcIp', 'dstIp', 'sport'] });
  await expect(page.locator('.mtable tr[data-mode="nat"] td.chg')).toHaveText('192.168.137.130');
  await expect(page.locator('.mtable tr[data-mode="dr"] td.chg')).toContainText('RS1');
  await expect(page.locator('.mtable tr[data-mode="tun"] td.chg')).toHaveText('192.168.137.100 → 192.168.137.130');
  await expect(page.locator('.mtable tr[data-mode="fullnat"] td.chg[data-field="srcIp"]')).toContainText('192.168.137.100');

  // Pick the first ACK in the DR diagram: all four diagrams and the table follow.
  await view.locator('[data-mode="dr"] .mband[data-key="c:ACK"]').click({ position: { x: 20, y: 5 } });
  await expect(view.locator('.mband--sel[data-key="c:ACK"]')).toHaveCount(4);
  await expect(view.locator('.mtable[data-packet="c:ACK"]')).toBeVisible();
  expect(await highlighted(page)).toEqual({ nat: ['dstIp'], dr: ['macDst'], tun: ['outer'], fullnat: ['srcIp', 'dstIp', 'sport', 'toa'] });
  await expect(page.locator('.mtable tr[data-mode="fullnat"] td.chg[data-field="toa"]')).toHaveText(/^192\.168\.1\.111:\d+$/);

  // The SYN-ACK on its way back: DR and TUN bypass the director.
  await page.getByRole('combobox', { name: 'Packet of the exchange' }).selectOption('s:SYN,ACK');
  expect(await highlighted(page)).toEqual({ nat: ['srcIp'], dr: [], tun: [], fullnat: ['srcIp', 'dstIp', 'dport'] });

  // What RS1's access log records; FULLNAT with the toa module would log the client.
  await expect(page.getByTestId('log-nat')).toHaveText('192.168.1.111');
  await expect(page.getByTestId('log-fullnat')).toHaveText('192.168.137.100');
  await expect(page.getByTestId('log-fullnat-toa')).toHaveText('192.168.1.111');
});
