/**
 * `npm run bench`: every figure as `NAME VALUE UNIT`, one per line.
 *   engine.*  the core alone (client → IPVS NAT director → real servers, every frame encoded and logged)
 *   shell.*   the same traffic typed as one shell command line
 *   soak.*    memory at the start and end of a long run (SOAK_REQUESTS, default 1,000,000)
 *   ui.*      the built app in headless chromium (bench/ui.ts; skipped without chromium)
 * Run bundled (scripts/bench.mjs) so the code measured is the code that ships.
 */
import { engineBench, natDirector } from './engine.ts';
import { shellLoopBench } from './shell.loop.ts';

const gc = (globalThis as { gc?: () => void }).gc;
const heapMb = () => { gc?.(); gc?.(); return process.memoryUsage().heapUsed / 1048576; };
const out = (name: string, value: number, unit: string, digits = 0) => console.log(`${name} ${value.toFixed(digits)} ${unit}`);
const only = process.env.BENCH_ONLY;
const want = (k: string) => !only || only.split(',').some((o) => k.startsWith(o));

if (want('engine')) {
  engineBench(3000); // warm the JIT
  const r = engineBench(10_000);
  out('engine.curl10k_ms', r.ms, 'ms');
  out('engine.frames_per_s', r.frames / (r.ms / 1000), 'frames/s');
  const lab = natDirector();
  engineBench(100_000, lab);
  out('engine.heap_mb_after_100k_curl', heapMb(), 'MB', 1);
  out('engine.capture_frames_evicted', lab.capture.evicted, 'frames');
}

if (want('shell')) {
  shellLoopBench(2000);
  const r = shellLoopBench(10_000);
  out('shell.curl_loop_10k_ms', r.ms, 'ms');
  out('shell.curl_loop_frames_per_s', r.frames / (r.ms / 1000), 'frames/s');
}

if (want('soak')) {
  const total = Number(process.env.SOAK_REQUESTS ?? 1_000_000);
  const lab = natDirector();
  const warm = Math.min(50_000, Math.floor(total / 10));
  engineBench(warm, lab);
  const start = heapMb();
  engineBench(total - warm, lab);
  const end = heapMb();
  out('soak.requests', total, 'requests');
  out('soak.heap_mb_start', start, 'MB', 1);
  out('soak.heap_mb_end', end, 'MB', 1);
}
