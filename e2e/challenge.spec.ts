/**
 * Challenge mode (predict what the director sends next, scored field by field with the
 * reason) and the scheduler playground (the 13 schedulers, weights and open connections set
 * by hand, each choice worked out with the notes' formula).
 */
import { expect, test } from '@playwright/test';
import { openLab, packetRows, runAll, sidePanel } from './helpers.ts';

test('challenge: the director\'s next frame is hidden until predicted, then scored with reasons', async ({ page }) => {
  test.setTimeout(120_000);
  await openLab(page, 'nat', 'animate=0');
  await runAll(page, 'lvs', ['sysctl -w net.ipv4.ip_forward=1', 'dnf install ipvsadm -y', 'ipvsadm -A -t 192.168.1.100:80 -s rr',
    'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.200:80 -m']);
  await runAll(page, 'client', ['curl -s 192.168.1.100']);
  const side = sidePanel(page);
  await side.getByRole('tab', { name: 'Challenge' }).click();
  await side.getByRole('button', { name: 'Start' }).click();
  const arrives = side.getByText(/^Frame \d+ arrives at lvs on vmnet8:$/);
  await expect(arrives).toBeVisible();
  const frame = Number(/Frame (\d+)/.exec((await arrives.textContent())!)![1]);
  // The lab is shown as it was when that frame arrived: nothing after it is in the list.
  await expect(page.getByRole('status').filter({ hasText: `Viewing the lab at frame ${frame}` })).toBeVisible();
  await expect(packetRows(page).last()).toHaveAttribute('data-no', String(frame));
  await expect(side).toContainText('What will lvs send on vmnet1?');

  await side.getByLabel('Source IP').selectOption('192.168.1.111');
  await side.getByLabel('Destination IP').selectOption('192.168.1.100');
  await side.getByLabel('Destination port').fill('80');
  await side.getByRole('button', { name: 'Check my answer' }).click();
  const result = side.locator('.chresult');
  await expect(result).toContainText('What the director did: NAT');
  await expect(side.locator('.chfield--ok')).toHaveCount(2);
  await expect(side.locator('.chfield', { hasText: 'Destination IP' })).toHaveClass(/chfield--bad/);
  await expect(side.locator('.chfield', { hasText: 'Destination IP' })).toContainText('answer: 192.168.137.200');
  await expect(side.locator('.chfield', { hasText: 'Source MAC' })).toContainText('the sending NIC\'s own MAC');
  await expect(side.getByText('Score: 2 of 6')).toBeVisible();
  // Revealed: the director's frame is now in the list, selected.
  const answer = Number(/frame (\d+)/.exec((await result.getByText(/The director's frame is frame/).textContent())!)![1]);
  await expect(packetRows(page).and(page.locator(`[data-no="${answer}"]`))).toHaveAttribute('aria-selected', 'true');
  await expect(packetRows(page).and(page.locator(`[data-no="${answer}"]`)).locator('.c-dst')).toHaveText('192.168.137.200');

  await side.getByRole('button', { name: /Next frame/ }).click();
  await expect(side.getByText(/^Frame \d+ arrives at lvs on /)).not.toHaveText(`Frame ${frame} arrives at lvs on vmnet8:`);
  await side.getByRole('tab', { name: 'Guide' }).click();
  // Leaving the challenge goes back to the live lab.
  await expect(page.getByRole('status').filter({ hasText: 'Viewing the lab at frame' })).toHaveCount(0);
});

test('playground: all 13 schedulers; wlc with open connections, worked out with the formula', async ({ page }) => {
  await openLab(page, 'nat', 'animate=0');
  const side = sidePanel(page);
  await side.getByRole('tab', { name: 'Playground' }).click();
  const sched = side.getByRole('combobox', { name: 'Scheduler' });
  await expect(sched.locator('option')).toHaveText(['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'sh', 'dh', 'mh', 'lblc', 'lblcr', 'fo', 'ovf']);
  await sched.selectOption('wlc');
  await expect(side).toContainText('Weighted least connection');
  await expect(side).toContainText('Overhead=(activeconns x 256+inactiveconns)/weight');
  await side.getByLabel('RS1 ActiveConn').fill('3');
  await side.getByRole('button', { name: 'Fire', exact: true }).click();
  const pick = side.locator('.pick').first();
  await expect(pick.locator('.pick__chosen')).toHaveText('RS2');
  await expect(pick.locator('tr', { hasText: 'RS1' })).toContainText('(3×256+0)/1 = 768');
  await expect(pick.locator('tr.on')).toContainText('RS2');
  // RS2 quiesced (weight 0): RS1 gets the connection whatever its load.
  await side.getByLabel('RS2 Weight').fill('0');
  await side.getByRole('button', { name: 'Fire', exact: true }).click();
  await expect(side.locator('.pick').first().locator('.pick__chosen')).toHaveText('RS1');
  await sched.selectOption('sh');
  await expect(side).toContainText('Source Hashing');
  await side.getByRole('button', { name: 'Fire', exact: true }).click();
  await expect(side.locator('.pick').first()).toContainText('bucket');
});
