/**
 * The scheduler bench in a real browser: a wrr service typed in the director's terminal,
 * then the bench fires the same load under wrr, rr and wlc in its own copies of the lab.
 * wrr follows the weights (3:1), rr splits evenly, wlc sends less to the slow server, and the
 * charts draw a line per real server.
 */
import { expect, test } from '@playwright/test';
import { openLab, run, waitIdle } from './helpers.ts';

const VIP = '192.168.1.100';

test('the bench loads the lab\'s own virtual service under several schedulers', async ({ page }) => {
  test.setTimeout(120_000);
  await openLab(page, 'nat', 'animate=0');
  for (const line of [
    'sysctl -w net.ipv4.ip_forward=1', 'dnf install ipvsadm -y', `ipvsadm -A -t ${VIP}:80 -s wrr`,
    `ipvsadm -a -t ${VIP}:80 -r 192.168.137.130:80 -m -w 3`, `ipvsadm -a -t ${VIP}:80 -r 192.168.137.200:80 -m -w 1`,
  ]) {
    await run(page, 'lvs', line);
    await waitIdle(page, 'lvs');
  }
  await page.getByRole('tab', { name: 'Scheduler bench' }).click();
  const bench = page.getByRole('region', { name: 'Scheduler bench' });
  await expect(bench.getByRole('combobox', { name: 'Load' }).or(bench.locator('select').first())).toContainText(`TCP ${VIP}:80 @ lvs (wrr)`);
  // The form shows the lab's weights.
  await expect(bench.getByLabel('RS1 Weight')).toHaveValue('3');
  await expect(bench.getByLabel('RS2 Weight')).toHaveValue('1');

  // Evenly spaced arrivals for 5 s: 200 connections.
  await bench.locator('label', { hasText: 'Duration' }).locator('input').fill('5');
  await bench.locator('label', { hasText: 'Arrivals' }).locator('select').selectOption('uniform');
  const chips = bench.getByRole('group', { name: 'Schedulers' });
  for (const s of ['lc', 'sed', 'nq', 'sh', 'mh']) await chips.getByRole('button', { name: s, exact: true }).click();
  await expect(chips.locator('[aria-pressed="true"]')).toHaveText(['rr', 'wrr', 'wlc']);

  await bench.getByRole('button', { name: 'Run bench' }).click();
  const cards = bench.getByRole('group', { name: 'Schedulers compared' });
  await expect(cards.locator('[data-sched]')).toHaveCount(3);
  await expect(cards.locator('.runcard--done')).toHaveCount(3, { timeout: 60_000 });

  const conns = async (sched: string, rs: string) => Number(await page.getByTestId(`conns-${sched}-${rs}`).textContent());
  expect([await conns('wrr', 'RS1'), await conns('wrr', 'RS2')]).toEqual([150, 50]);
  expect([await conns('rr', 'RS1'), await conns('rr', 'RS2')]).toEqual([100, 100]);
  // wlc with weights 3:1 still sends RS1 (2 workers × 100 ms) less than wrr does: its connections last longer.
  expect(await conns('wlc', 'RS1')).toBeLessThan(150);
  expect((await conns('wlc', 'RS1')) + (await conns('wlc', 'RS2'))).toBe(200);

  // The run in focus: four charts, a line per real server.
  await cards.locator('[data-sched="rr"]').click();
  await expect(bench.getByRole('heading', { name: /^rr: / })).toBeVisible();
  for (const id of ['chart-requests', 'chart-active', 'chart-inactive', 'chart-queue']) {
    await expect(bench.getByTestId(id).locator('path')).toHaveCount(2);
  }
  // The bench did not touch the running lab: its table still lists wrr with no connections.
  await expect(page.locator('[data-host="lvs"] .ipvs__svc')).toContainText('wrr');
});
