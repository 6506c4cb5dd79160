/**
 * Browser benchmarks of the built app in headless Debian chromium with `--disable-gpu`
 * (software raster, as on school laptops and projector PCs). Prints `NAME VALUE UNIT` lines:
 *
 *   ui.first_interactive_ms        navigation to /?lab=nat → the lvs prompt has echoed a typed key
 *                                  (median of 5 cold loads)                        goal < 800
 *   ui.js_initial_gzip_kb          JavaScript the page loads before any lazy chunk goal < 300
 *   ui.anim_p95_frame_ms           frame time p95 with 200 frames in flight        goal < 17
 *   ui.capture_scroll_p95_frame_ms frame time p95 scrolling a 100,000-frame list   goal < 17
 *
 * Run alone with `npx tsx bench/ui.ts`, or through `npm run bench` (bench/run.ts calls uiBench).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from '@playwright/test';
import { build, preview } from 'vite';

const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface UiBench {
  'ui.first_interactive_ms': number;
  'ui.js_initial_gzip_kb': number;
  'ui.anim_p95_frame_ms': number;
  'ui.capture_scroll_p95_frame_ms': number;
}

/**
 * gzip size of the JavaScript a page loads before any lazy chunk: every script the start
 * page fetches (the entry, the app it imports at once, React, the store). The lab page's
 * chunks (xterm, xyflow, the worker) are all loaded on demand and not counted.
 */
async function initialJs(browser: Browser, base: string): Promise<number> {
  const page = await browser.newPage();
  const files = new Set<string>();
  page.on('request', (r) => { if (r.resourceType() === 'script') files.add(new URL(r.url()).pathname); });
  await page.goto(`${base}/`, { waitUntil: 'networkidle' });
  await page.close();
  let total = 0;
  for (const f of files) total += gzipSync(readFileSync(join(DIST, f.replace(/^\//, ''))), { level: 9 }).length;
  return total / 1024;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN;
}

function median(xs: number[]): number { return percentile(xs, 50); }

async function firstInteractive(browser: Browser, base: string): Promise<number> {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 800 } });
  const page = await ctx.newPage();
  const rows = '[aria-label="Terminal lvs"] .xterm-rows';
  await page.goto(`${base}/?lab=nat`, { waitUntil: 'commit' });
  await page.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes(']#') ?? false, rows, { polling: 'raf', timeout: 30_000 });
  await page.locator('[aria-label="Terminal lvs"] .xterm-helper-textarea').focus();
  await page.keyboard.type('x');
  await page.waitForFunction((sel) => /\]#\s*x/.test(document.querySelector(sel)?.textContent ?? ''), rows, { polling: 'raf', timeout: 30_000 });
  const ms = await page.evaluate(() => performance.now());
  await ctx.close();
  return ms;
}

/** Frame intervals (ms) measured in the page with requestAnimationFrame while `during` runs. */
// Page-side code is passed as source text: tsx would otherwise wrap named functions in a
// `__name()` helper that does not exist in the page.
const FRAME_TIMES = `(dur) => new Promise((resolve) => {
  const out = [];
  let last = performance.now();
  const end = last + dur;
  const tick = (t) => { out.push(t - last); last = t; if (t < end) requestAnimationFrame(tick); else resolve(out.slice(2)); };
  requestAnimationFrame(tick);
})`;

/** Frame intervals (ms) measured in the page with requestAnimationFrame for `ms`. */
async function frameTimes(page: Page, ms: number): Promise<number[]> {
  return page.evaluate(`(${FRAME_TIMES})(${ms})`) as Promise<number[]>;
}

async function animP95(browser: Browser, base: string): Promise<number> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
  await page.goto(`${base}/?lab=nat`);
  await page.waitForFunction(() => (window as unknown as { __lvs?: { animator(): unknown } }).__lvs?.animator() != null, undefined, { timeout: 30_000 });
  await page.waitForTimeout(500);
  // 200 frames in flight between every pair of NICs that share a network, 6 s each.
  await page.evaluate(`(() => {
    const w = window.__lvs;
    const topo = w.store.getState().topology;
    const nics = topo.hosts.flatMap((h) => h.nics.filter((n) => n.segment !== null).map((n) => ({ host: h.id, nic: n.id, seg: n.segment })));
    const pairs = nics.flatMap((a) => nics.filter((b) => b.seg === a.seg && b.nic !== a.nic).map((b) => [a, b]));
    const an = w.animator();
    an.hopMs = 6000;
    const cls = ['tcp', 'http', 'arp', 'icmp', 'ipip'];
    const hops = Array.from({ length: 200 }, (_, i) => {
      const [x, y] = pairs[i % pairs.length];
      return { no: i + 1, time: i, seg: x.seg, fromHost: x.host, fromNic: x.nic, toNics: [y.nic], cls: cls[i % cls.length],
        label: 'TCP SYN 192.168.1.111:' + (40000 + i) + ' → 192.168.1.100:80', macs: '00:0c:29:00:00:01 → 00:0c:29:00:00:02' };
    });
    for (let i = 0; i < 200; i += 20) an.add(hops.slice(i, i + 20));
  })()`);
  const times = await frameTimes(page, 3000);
  await page.close();
  return percentile(times, 95);
}

async function scrollP95(browser: Browser, base: string): Promise<number> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
  await page.goto(`${base}/?lab=nat&animate=0`);
  const t = page.locator('[aria-label="Terminal lvs"] .xterm-helper-textarea');
  await page.waitForFunction(() => document.querySelector('[aria-label="Terminal lvs"] .xterm-rows')?.textContent?.includes(']#'), undefined, { timeout: 30_000 });
  await t.focus();
  await page.keyboard.type('curl 192.168.137.130\n');
  await page.waitForFunction(() => ((window as unknown as { __lvs: { store: { getState(): { viewCount: number } } } }).__lvs.store.getState().viewCount ?? 0) >= 10, undefined, { timeout: 30_000 });
  await page.evaluate(() => (window as unknown as { __lvs: { client: { send(m: unknown): void } } }).__lvs.client.send({ t: 'synth', count: 100_000 }));
  await page.waitForFunction(() => (window as unknown as { __lvs: { store: { getState(): { viewCount: number } } } }).__lvs.store.getState().viewCount >= 100_000, undefined, { timeout: 60_000 });
  await page.waitForTimeout(300);
  // Scroll as a student flicking the wheel: 40 rows a frame, then jumps across the list.
  const times = await page.evaluate(`new Promise((resolve) => {
    const el = document.querySelector('[aria-label="Packets"] .plist__scroll');
    el.scrollTop = 0;
    const out = [];
    let last = performance.now();
    let n = 0;
    const tick = (t) => {
      out.push(t - last);
      last = t;
      n++;
      if (n % 60 === 0) el.scrollTop = Math.random() * el.scrollHeight;
      else el.scrollTop += 40 * 22;
      if (n < 240) requestAnimationFrame(tick); else resolve(out.slice(2));
    };
    requestAnimationFrame(tick);
  })`) as number[];
  await page.close();
  return percentile(times, 95);
}

export async function uiBench(opts: { build?: boolean; only?: readonly string[] } = {}): Promise<Partial<UiBench>> {
  if (opts.build !== false) await build({ root: ROOT, logLevel: 'warn' });
  const server = await preview({ root: ROOT, preview: { port: 4179, strictPort: false, host: '127.0.0.1' }, logLevel: 'warn' });
  const base = server.resolvedUrls?.local[0]?.replace(/\/$/, '') ?? 'http://127.0.0.1:4179';
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS, headless: true });
  const want = (k: string) => !opts.only?.length || opts.only.some((o) => k.includes(o));
  const out: Partial<UiBench> = {};
  try {
    if (want('first_interactive')) {
      await firstInteractive(browser, base); // warm the OS file cache; every measured load is a fresh, cold browser context
      const fi: number[] = [];
      for (let i = 0; i < 5; i++) fi.push(await firstInteractive(browser, base));
      out['ui.first_interactive_ms'] = Math.round(median(fi));
    }
    if (want('js_initial')) out['ui.js_initial_gzip_kb'] = Math.round((await initialJs(browser, base)) * 10) / 10;
    if (want('anim')) out['ui.anim_p95_frame_ms'] = Math.round((await animP95(browser, base)) * 10) / 10;
    if (want('scroll')) out['ui.capture_scroll_p95_frame_ms'] = Math.round((await scrollP95(browser, base)) * 10) / 10;
    return out;
  } finally {
    await browser.close();
    await new Promise<void>((r) => server.httpServer.close(() => r()));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const r = await uiBench({ build: !process.argv.includes('--no-build'), only });
  const unit: Record<string, string> = { 'ui.js_initial_gzip_kb': 'KB' };
  for (const [k, v] of Object.entries(r)) console.log(`${k} ${v} ${unit[k] ?? 'ms'}`);
}
