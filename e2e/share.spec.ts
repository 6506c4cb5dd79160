/**
 * Nothing a student did is lost, and a lab travels by link: a Share link opened in another
 * browser rebuilds the same lab by replay (terminals, capture, ipvsadm -Ln, guide progress);
 * a tampered or oversized link says so plainly and opens a fresh lab; text from a link is
 * only ever text; a reload restores the lab; Reset can be undone; a snapshot rolls back;
 * export and import a file.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { expectStepDone, guideFile, openLab, packetRows, run, runAll, sidePanel, startGuide, step, terminal, termLines, waitIdle } from './helpers.ts';

const SEED_NAT = [
  'sysctl -a | grep ip_forward',
  'echo "net.ipv4.ip_forward = 1" >> /etc/sysctl.conf',
  'sysctl -p',
  'dnf install ipvsadm -y',
  'ipvsadm -A -t 192.168.1.100:80 -s rr',
  'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.200:80',
  'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.200:80 -m',
  'ipvsadm -e -t 192.168.1.100:80 -r 192.168.137.200:80 -m',
  'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m',
  'ipvsadm -Ln',
  'ipvsadm -Sn > /etc/sysconfig/ipvsadm',
  'systemctl start ipvsadm.service',
];

async function frames(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __lvs: { store: { getState(): { status: { frames: number } | null } } } }).__lvs.store.getState().status?.frames ?? -1);
}

async function rowTexts(page: Page, n: number): Promise<string[]> {
  const rows = packetRows(page);
  await expect(rows.first()).toBeVisible();
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await rows.nth(i).innerText()).replace(/\s+/g, ' '));
  return out;
}

async function shareUrl(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const input = page.getByTestId('share-url');
  await expect(input).toHaveValue(/#lab=1\./);
  const url = await input.inputValue();
  await page.keyboard.press('Escape');
  return url;
}

async function openIn(browser: Browser, url: string): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 850 } });
  const page = await ctx.newPage();
  await page.goto(url);
  await expect(page.getByRole('region', { name: 'Topology' })).toBeVisible();
  return page;
}

test('a shared link rebuilds the lab in another browser: terminals, capture, ipvsadm -Ln, guide progress', async ({ page, browser }) => {
  test.setTimeout(180_000);
  await openLab(page, 'nat', 'animate=0');
  await startGuide(page, guideFile('nat').title.en);
  await runAll(page, 'lvs', SEED_NAT);
  await runAll(page, 'client', ['for i in {1..10}; do curl 192.168.1.100; done']);
  await expectStepDone(page, 'test');
  // Mid-way: the counters step is done, the capture step is not.
  await expect(step(page, 'capture')).not.toHaveAttribute('data-state', 'done');
  await runAll(page, 'lvs', ['ipvsadm -Ln']);
  const url = await shareUrl(page);
  // The seed's whole NAT lab fits in a short link.
  expect(url.length).toBeLessThan(2000);
  const want = { lvs: await termLines(page, 'lvs'), client: await termLines(page, 'client'), frames: await frames(page), rows: await rowTexts(page, 12) };
  expect(want.lvs.join('\n')).toMatch(/-> 192\.168\.137\.200:80\s+Masq\s+1\s+0\s+5/);

  const other = await openIn(browser, url);
  await expect(other.getByTestId('lab-banner')).toContainText('Opened a shared lab');
  await expect(other).toHaveURL(/\?lab=nat$/);
  await expect(terminal(other, 'lvs').locator('.xterm-rows')).toContainText('systemctl start ipvsadm.service');
  expect(await termLines(other, 'lvs')).toEqual(want.lvs);
  await other.getByRole('tab', { name: 'client', exact: true }).click();
  expect(await termLines(other, 'client')).toEqual(want.client);
  // The lab goes on running from there (timers): at least the same frames, the first ones identical.
  await expect.poll(() => frames(other)).toBeGreaterThanOrEqual(want.frames);
  expect(await rowTexts(other, 12)).toEqual(want.rows);
  await expect(other.getByRole('table', { name: /IPVS table lvs/ })).toContainText('192.168.137.130:80');
  // The guide and its progress came along.
  await expect(sidePanel(other).getByRole('heading', { name: guideFile('nat').title.en })).toBeVisible();
  await expectStepDone(other, 'test');
  await expect(step(other, 'capture')).toHaveAttribute('data-state', 'current');
  // And it goes on from there.
  await runAll(other, 'client', ['curl -s 192.168.1.100']);
  await expectStepDone(other, 'capture');
  await other.context().close();
});

test('a tampered or oversized link says so plainly and opens a fresh lab', async ({ page, browser }) => {
  test.setTimeout(120_000);
  await openLab(page, 'nat', 'animate=0');
  await runAll(page, 'lvs', ['sysctl -w net.ipv4.ip_forward=1']);
  const url = await shareUrl(page);
  const token = url.slice(url.indexOf('#lab=') + 5);
  // Flip characters in the middle of the token.
  const mid = Math.floor(token.length / 2);
  const tampered = url.replace(token, token.slice(0, mid) + (token[mid] === 'A' ? 'B' : 'A') + (token[mid + 1] === 'x' ? 'y' : 'x') + token.slice(mid + 2));
  for (const [bad, words] of [
    [tampered, /This lab link is broken or incomplete|not valid/],
    [url.slice(0, url.length - 30), /This lab link is broken or incomplete/],
    [`${url.slice(0, url.indexOf('#'))}#lab=1.${'A'.repeat(20_000)}`, /This lab link is too long to open/],
  ] as const) {
    const p = await openIn(browser, bad);
    const banner = p.getByRole('alert').filter({ hasText: 'A fresh lab was opened instead' });
    await expect(banner).toContainText(words);
    await expect(terminal(p, 'lvs').locator('.xterm-rows')).toContainText('[root@lvs ~]#');
    expect((await termLines(p, 'lvs')).join('\n')).not.toContain('ip_forward');
    expect(await frames(p)).toBe(0);
    // A fresh lab works.
    await runAll(p, 'lvs', ['echo fresh']);
    await p.context().close();
  }
});

test('text from a link is shown as text, never run as code', async ({ page, browser }) => {
  await openLab(page, 'nat', 'animate=0');
  await runAll(page, 'client', [`echo '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'`]);
  const url = await shareUrl(page);
  const other = await openIn(browser, url);
  await other.getByRole('tab', { name: 'client', exact: true }).click();
  await expect(terminal(other, 'client').locator('.xterm-rows')).toContainText('<img src=x onerror="window.__pwned=1">');
  expect(await other.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(other.locator('img[src="x"], body script:not([src])')).toHaveCount(0);
  await other.context().close();
});

test('a reload brings everything back: terminals, capture, tables, guide progress', async ({ page }) => {
  test.setTimeout(120_000);
  await openLab(page, 'nat', 'animate=0');
  await startGuide(page, guideFile('nat').title.en);
  await runAll(page, 'lvs', SEED_NAT.slice(1));
  await runAll(page, 'client', ['curl 192.168.1.100; curl 192.168.1.100']);
  await expectStepDone(page, 'test');
  await expect(page.getByTestId('saved')).toContainText('Saved');
  const want = { lvs: await termLines(page, 'lvs'), frames: await frames(page) };
  await page.reload();
  await expect(page.getByTestId('lab-notice')).toContainText('Your lab is back as you left it');
  await expect(terminal(page, 'lvs').locator('.xterm-rows')).toContainText('systemctl start ipvsadm.service');
  expect(await termLines(page, 'lvs')).toEqual(want.lvs);
  await expect.poll(() => frames(page)).toBeGreaterThanOrEqual(want.frames);
  await expect(page.getByRole('table', { name: /IPVS table lvs/ })).toContainText('192.168.137.200:80');
  await expectStepDone(page, 'test');
  await expect(step(page, 'counters')).toHaveAttribute('data-state', /done|current/);
  await page.getByRole('tab', { name: 'client', exact: true }).click();
  await expect(terminal(page, 'client').locator('.xterm-rows')).toContainText('RS1 - 192.168.137.130');
});

async function labMenu(page: Page) {
  await page.getByRole('button', { name: /^Lab/ }).click();
  return page.getByRole('dialog', { name: 'Lab' });
}

test('Reset lab can be undone; a snapshot rolls back; export and import a file', async ({ page }) => {
  test.setTimeout(120_000);
  await openLab(page, 'nat', 'animate=0');
  await runAll(page, 'lvs', ['dnf install ipvsadm -y', 'ipvsadm -A -t 192.168.1.100:80 -s rr', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m']);

  // Snapshot, break things, roll back.
  let menu = await labMenu(page);
  await menu.getByRole('textbox', { name: 'Snapshot name' }).fill('service ready');
  await menu.getByRole('button', { name: 'Save snapshot' }).click();
  await expect(menu.locator('.snaps')).toContainText('service ready');
  await page.keyboard.press('Escape');
  await runAll(page, 'lvs', ['ipvsadm -C', 'ipvsadm -Ln']);
  await expect(page.getByRole('region', { name: 'Topology' })).toContainText('IPVS: no virtual services');
  menu = await labMenu(page);
  await menu.getByRole('button', { name: 'Roll back: service ready' }).click();
  await expect(page.getByTestId('lab-notice')).toContainText('Rolled back to the snapshot');
  await expect(page.getByRole('table', { name: /IPVS table lvs/ })).toContainText('192.168.137.130:80');
  expect((await termLines(page, 'lvs')).join('\n')).not.toContain('ipvsadm -C');
  await runAll(page, 'lvs', ['ipvsadm -Ln']);
  expect((await termLines(page, 'lvs')).join('\n')).toMatch(/-> 192\.168\.137\.130:80\s+Masq/);

  // Export to a file.
  menu = await labMenu(page);
  const [download] = await Promise.all([page.waitForEvent('download'), menu.getByRole('button', { name: 'Export to a file' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^lvs-lab-nat-.*\.json$/);
  const file = await download.path().then((p) => import('node:fs').then((fs) => fs.readFileSync(p!)));
  expect(JSON.parse(file.toString()).format).toBe('lvs-lab');
  await page.keyboard.press('Escape');

  // Reset, then undo.
  menu = await labMenu(page);
  await menu.getByRole('button', { name: /Reset lab/ }).click();
  await expect(page.getByTestId('lab-notice')).toContainText('starts again from scratch');
  await expect(page.getByRole('region', { name: 'Topology' })).not.toContainText('192.168.137.130:80 ');
  expect((await termLines(page, 'lvs')).join('\n')).not.toContain('ipvsadm');
  expect(await frames(page)).toBe(0);
  menu = await labMenu(page);
  await menu.getByRole('button', { name: /Undo reset/ }).click();
  await expect(page.getByTestId('lab-notice')).toContainText('Undone: the lab is back');
  await expect(terminal(page, 'lvs').locator('.xterm-rows')).toContainText('ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m');
  await expect(page.getByRole('table', { name: /IPVS table lvs/ })).toContainText('192.168.137.130:80');

  // Reset again, and import the exported file instead.
  menu = await labMenu(page);
  await menu.getByRole('button', { name: /Reset lab/ }).click();
  await expect(page.getByTestId('lab-notice')).toContainText('starts again from scratch');
  menu = await labMenu(page);
  await menu.getByLabel('Import a file…').setInputFiles({ name: 'lab.json', mimeType: 'application/json', buffer: file });
  await expect(page.getByTestId('lab-notice')).toContainText('Imported the lab');
  await expect(page.getByRole('table', { name: /IPVS table lvs/ })).toContainText('192.168.137.130:80');
  await waitIdle(page, 'lvs');
  await run(page, 'lvs', 'ipvsadm -Ln');
  await expect(terminal(page, 'lvs').locator('.xterm-rows')).toContainText('Masq');
});
