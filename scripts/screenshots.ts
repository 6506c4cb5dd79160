/**
 * The README's screenshots, taken from the built app in Debian's chromium as a student would
 * see it: the seed's NAT lab typed into the terminals with a request mid-animation, the
 * capture pane with a frame selected, and the DR lab after the client's curl loop.
 *
 *   npx vite build && npx tsx scripts/screenshots.ts [OUT_DIR]   (default docs/screenshots)
 */
import { chromium, type Page } from '@playwright/test';
import { preview } from 'vite';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const OUT = process.argv[2] ?? join(ROOT, 'docs', 'screenshots');
mkdirSync(OUT, { recursive: true });

type Lvs = { __lvs: { store: { getState(): { status: { busy: string[] } | null } }; terminals: { view(h: string): { lines(): string[] } | null } } };

async function run(page: Page, host: string, line: string): Promise<void> {
  const t = page.getByRole('region', { name: `Terminal ${host}`, exact: true });
  if (!(await t.isVisible())) await page.getByRole('tab', { name: host, exact: true }).click();
  await t.locator('.xterm-rows').filter({ hasText: `@${host}` }).waitFor();
  await t.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(line, { delay: 5 });
  await page.keyboard.press('Enter');
}

async function idle(page: Page, host: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    await page.waitForTimeout(100);
    const done = await page.evaluate((h) => {
      const w = window as unknown as Lvs;
      const lines = w.__lvs.terminals.view(h)?.lines() ?? [];
      return /\]# ?$/.test(lines[lines.length - 1] ?? '') && !(w.__lvs.store.getState().status?.busy.includes(h) ?? false);
    }, host);
    if (done) return;
  }
  throw new Error(`${host} still busy`);
}

async function lines(page: Page, host: string, cmds: string[]): Promise<void> {
  for (const c of cmds) { await run(page, host, c); await idle(page, host); }
}

const server = await preview({ root: ROOT, preview: { port: 4293, strictPort: false, host: '127.0.0.1' }, logLevel: 'warn' });
const base = server.resolvedUrls?.local[0]?.replace(/\/$/, '') ?? 'http://127.0.0.1:4293';
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });
  page.on('pageerror', (e) => console.error('pageerror:', e.message));

  // 1. The seed's NAT lab: the director set up, the client's request caught mid-flight.
  await page.goto(`${base}/?lab=nat&animate=0`);
  await page.getByRole('region', { name: 'Topology' }).waitFor();
  await page.getByRole('button', { name: 'Close the guide panel' }).click();
  await lines(page, 'lvs', [
    'sysctl -w net.ipv4.ip_forward=1',
    'dnf install ipvsadm -y',
    'ipvsadm -A -t 192.168.1.100:80 -s rr',
    'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m',
    'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.200:80 -m',
    'ipvsadm -Ln',
  ]);
  await lines(page, 'client', ['for i in {1..4}; do curl 192.168.1.100; done']);
  await page.getByRole('switch', { name: 'Animate' }).check();
  await page.getByLabel('Speed').selectOption('0.5');
  await run(page, 'client', 'curl 192.168.1.100');
  // The SYN-ACK on its way back through the director: a rewritten label and its callout.
  await page.locator('.anim-layer .pkt__text').filter({ hasText: /192\.168\.137\.(130|200):80 → 192\.168\.1\.111/ }).first().waitFor({ timeout: 30_000 });
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(OUT, 'nat-animation.png') });
  await idle(page, 'client');

  // 2. The capture pane: the request at the real server selected, its layers and bytes.
  await page.getByRole('switch', { name: 'Animate' }).uncheck();
  const filter = page.getByRole('textbox', { name: 'Display filter' });
  await filter.fill('http');
  await filter.press('Enter');
  const rows = page.getByRole('table', { name: 'Packets' }).locator('[role="row"][data-no]');
  await rows.filter({ hasText: 'GET / HTTP/1.1' }).last().click();
  const details = page.getByRole('region', { name: 'Packet details' });
  await details.getByRole('button', { name: /^.?Internet Protocol Version 4/ }).first().click().catch(() => undefined);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(OUT, 'capture-pane.png') });

  // 3. The DR lab with its guide: VIP on the director's eth0 and on the real servers' lo, ARP
  //    tamed, ten requests; the guide's checks turn green as the lab gets there.
  await page.goto(`${base}/?lab=dr&animate=0`);
  await page.getByRole('region', { name: 'Topology' }).waitFor();
  if (!(await page.getByRole('button', { name: /^Start: LVS-DR/ }).isVisible())) await page.getByRole('button', { name: 'Guide', exact: true }).click();
  await page.getByRole('button', { name: /^Start: LVS-DR/ }).click();
  const VIP = '192.168.137.254';
  await lines(page, 'route', ['sysctl net.ipv4.ip_forward']);
  await lines(page, 'lvs', [`ip addr add ${VIP}/32 dev eth0`, 'dnf install ipvsadm -y', `ipvsadm -A -t ${VIP}:80 -s rr`,
    `ipvsadm -a -t ${VIP}:80 -r 192.168.137.130:80 -g`, `ipvsadm -a -t ${VIP}:80 -r 192.168.137.200:80 -g`]);
  for (const rs of ['RS1', 'RS2']) {
    await lines(page, rs, [`ip addr add ${VIP}/32 dev lo`, 'sysctl -w net.ipv4.conf.all.arp_ignore=1', 'sysctl -w net.ipv4.conf.all.arp_announce=2']);
  }
  await lines(page, 'lvs', ['clear']);
  await lines(page, 'client', ['clear', `for i in {1..6}; do curl ${VIP}; done`]);
  await lines(page, 'lvs', ['ipvsadm -Ln']);
  const filter3 = page.getByRole('textbox', { name: 'Display filter' });
  await filter3.fill('arp or http.request');
  await filter3.press('Enter');
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(OUT, 'dr-lab.png') });
  console.log(`screenshots in ${OUT}`);
} finally {
  await browser.close();
  await new Promise<void>((r) => server.httpServer.close(() => r()));
}
