#!/usr/bin/env node
/**
 * Bundles bench/run.ts with esbuild (as the app ships: one module, no loader) and runs it
 * with --expose-gc; then the browser figures (bench/ui.ts) when chromium is available.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const outDir = join(root, 'node_modules', '.cache', 'lvslab-bench');
mkdirSync(outDir, { recursive: true });
const out = join(outDir, 'run.mjs');
execFileSync(join(root, 'node_modules', '.bin', 'esbuild'), [join(root, 'bench', 'run.ts'), '--bundle', '--platform=node', '--format=esm', `--outfile=${out}`, '--log-level=warning'], { stdio: 'inherit' });
const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=4096', out], { stdio: 'inherit', env: process.env });
if (r.status !== 0) process.exit(r.status ?? 1);
const only = process.env.BENCH_ONLY;
let built = false;
if ((!only || only.split(',').some((o) => 'ui'.startsWith(o) || o.startsWith('ui'))) && existsSync(join(root, 'bench', 'ui.ts'))) {
  if (existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
    const u = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'ui.ts')], { stdio: 'inherit', cwd: root, env: process.env });
    if (u.status !== 0) process.exit(u.status ?? 1);
    built = true;
  } else {
    console.error('[bench] chromium not found: ui.* figures skipped');
  }
}
// The UI soak (bench/soak.ui.ts): 100,000 requests typed into the built app, heap of page and worker.
if ((!only || only.split(',').some((o) => o.startsWith('soak_ui') || 'soak_ui'.startsWith(o) && o.length > 4)) && existsSync(join(root, 'bench', 'soak.ui.ts'))) {
  if (existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
    const u = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'soak.ui.ts'), ...(built ? ['--no-build'] : [])], { stdio: 'inherit', cwd: root, env: process.env });
    if (u.status !== 0) process.exit(u.status ?? 1);
  } else {
    console.error('[bench] chromium not found: soak_ui.* figures skipped');
  }
}
