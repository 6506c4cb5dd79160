/**
 * The UI soak: `for i in {1..N}; do curl -s VIP; done` typed on the client of the NAT lab in
 * the built app (headless Debian chromium), with the animation off, and the JavaScript heap of
 * the page and of the lab's Web Worker before and after (both after a forced GC, read over the
 * DevTools protocol: Runtime.getHeapUsage; performance.memory does not exist in a worker).
 * Prints `NAME VALUE UNIT` lines:
 *
 *   soak_ui.requests                 N (SOAK_UI_REQUESTS, default 100,000)
 *   soak_ui.seconds                  real time the loop took
 *   soak_ui.page_heap_mb_start/end   the page (React, xterm, packet list)
 *   soak_ui.worker_heap_mb_start/end the lab (simulation, shells, capture index)
 *   soak_ui.worker_buffers_mb_end    the worker's ArrayBuffers (the capture ring: bounded)
 *
 * "start" is measured after a warm-up of SOAK_UI_WARMUP requests (default 12,000: about
 * 240,000 frames, past the capture ring's 200,000 records), so that the ring and its index in
 * the worker, the terminal's scrollback, the caches and the JIT have all reached their caps.
 * Run: `npx tsx bench/soak.ui.ts [--no-build]` (or BENCH_ONLY=soak_ui npm run bench).
 */
import { chromium, type Browser, type CDPSession, type Page } from '@playwright/test';
import { build, preview } from 'vite';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const VIP = '192.168.1.100';

/** A DevTools session on the page's dedicated worker (not flattened: Playwright's CDPSession cannot address child sessions). */
async function workerSession(browser: Browser): Promise<(method: string, params?: object) => Promise<Record<string, number>>> {
  const b = await browser.newBrowserCDPSession();
  const { targetInfos } = await b.send('Target.getTargets') as { targetInfos: { targetId: string; type: string }[] };
  const w = targetInfos.find((t) => t.type === 'worker');
  if (!w) throw new Error('no lab worker');
  const pending = new Map<number, (v: Record<string, number>) => void>();
  b.on('Target.receivedMessageFromTarget', (e: { message: string }) => {
    const m = JSON.parse(e.message) as { id?: number; result?: Record<string, number> };
    if (m.id !== undefined) pending.get(m.id)?.(m.result ?? {});
  });
  const { sessionId } = await b.send('Target.attachToTarget', { targetId: w.targetId, flatten: false }) as { sessionId: string };
  let id = 1;
  return (method, params = {}) => new Promise((res) => {
    const n = id++;
    pending.set(n, res);
    void b.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: n, method, params }) });
  });
}

async function pageHeap(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const u = await cdp.send('Runtime.getHeapUsage');
  return u.usedSize / 1048576;
}

async function workerHeap(send: (m: string, p?: object) => Promise<Record<string, number>>): Promise<{ used: number; buffers: number }> {
  await send('HeapProfiler.collectGarbage');
  await send('HeapProfiler.collectGarbage');
  const u = await send('Runtime.getHeapUsage');
  return { used: u.usedSize / 1048576, buffers: (u.backingStorageSize ?? 0) / 1048576 };
}

async function typeLine(page: Page, host: string, line: string): Promise<void> {
  const t = page.getByRole('region', { name: `Terminal ${host}`, exact: true });
  if (!(await t.isVisible())) await page.getByRole('tab', { name: host, exact: true }).click();
  await t.locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

const busy = (page: Page, host: string) => page.evaluate(
  (h) => (window as unknown as { __lvs: { store: { getState(): { status: { busy: string[] } | null } } } }).__lvs.store.getState().status?.busy.includes(h) ?? false, host);

async function waitIdle(page: Page, host: string, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  await page.waitForTimeout(300);
  while (await busy(page, host)) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`${host} still busy after ${timeoutMs} ms`);
    await page.waitForTimeout(500);
  }
}

export async function uiSoak(opts: { build?: boolean; requests?: number; warmup?: number } = {}): Promise<Record<string, number>> {
  const n = opts.requests ?? Number(process.env.SOAK_UI_REQUESTS ?? 100_000);
  const warm = opts.warmup ?? Number(process.env.SOAK_UI_WARMUP ?? 12_000);
  if (opts.build !== false) await build({ root: ROOT, logLevel: 'warn' });
  const server = await preview({ root: ROOT, preview: { port: 4183, strictPort: false, host: '127.0.0.1' }, logLevel: 'warn' });
  const base = server.resolvedUrls?.local[0]?.replace(/\/$/, '') ?? 'http://127.0.0.1:4183';
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 850 } });
    let crashed = false;
    page.on('crash', () => { crashed = true; });
    await page.goto(`${base}/?lab=nat&animate=0`);
    await page.waitForFunction(() => document.querySelector('[aria-label="Terminal lvs"] .xterm-rows')?.textContent?.includes(']#'), undefined, { timeout: 30_000 });
    for (const l of ['sysctl -w net.ipv4.ip_forward=1', 'dnf install -y ipvsadm', `ipvsadm -A -t ${VIP}:80 -s rr`,
      `ipvsadm -a -t ${VIP}:80 -r 192.168.137.130:80 -m`, `ipvsadm -a -t ${VIP}:80 -r 192.168.137.200:80 -m`]) {
      await typeLine(page, 'lvs', l);
      await waitIdle(page, 'lvs', 30_000);
    }
    await typeLine(page, 'client', `for i in {1..${warm}}; do curl -s ${VIP}; done`);
    await waitIdle(page, 'client', 600_000);
    const pcdp = await page.context().newCDPSession(page);
    const wsend = await workerSession(browser);
    const p0 = await pageHeap(pcdp);
    const w0 = await workerHeap(wsend);
    const t0 = Date.now();
    await typeLine(page, 'client', `for i in {1..${n}}; do curl -s ${VIP}; done`);
    await waitIdle(page, 'client', 3_600_000);
    const seconds = (Date.now() - t0) / 1000;
    const p1 = await pageHeap(pcdp);
    const w1 = await workerHeap(wsend);
    const lines = await page.evaluate((h) => (window as unknown as { __lvs: { terminals: { view(h: string): { lines(): string[] } | null } } }).__lvs.terminals.view(h)?.lines() ?? [], 'client');
    const served = lines.filter((l) => /^RS[12] - /.test(l)).length;
    if (crashed) throw new Error('the page crashed');
    if (served === 0) throw new Error('no response on the client terminal');
    return {
      'soak_ui.requests': n, 'soak_ui.seconds': Math.round(seconds),
      'soak_ui.page_heap_mb_start': p0, 'soak_ui.page_heap_mb_end': p1,
      'soak_ui.worker_heap_mb_start': w0.used, 'soak_ui.worker_heap_mb_end': w1.used,
      'soak_ui.worker_buffers_mb_end': w1.buffers,
    };
  } finally {
    await browser.close();
    await new Promise<void>((r) => server.httpServer.close(() => r()));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await uiSoak({ build: !process.argv.includes('--no-build') });
  const unit = (k: string) => (k.endsWith('_mb_start') || k.endsWith('_mb_end') ? 'MB' : k.endsWith('seconds') ? 's' : 'requests');
  for (const [k, v] of Object.entries(r)) console.log(`${k} ${Number.isInteger(v) ? v : v.toFixed(1)} ${unit(k)}`);
}
