#!/usr/bin/env node
/**
 * Installs what is missing, with nothing but Node itself: used by `npm start` (mode "app")
 * and `npm test` (mode "test"). Safe to run again: it only does what is not done yet.
 *  - Node >= 20.19 (Vite 8 needs it)
 *  - node_modules from package-lock.json (npm ci), when missing or older than the lock
 *  - test mode: Debian's chromium (Playwright drives it) and tshark (pcapng cross-checks),
 *    through apt-get when available and running as root
 */
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const mode = process.argv[2] ?? 'app';
const say = (s) => process.stderr.write(`[setup] ${s}\n`);

const [maj, min] = process.versions.node.split('.').map(Number);
if (maj < 20 || (maj === 20 && min < 19)) {
  say(`Node ${process.versions.node} is too old: LVS Lab needs Node >= 20.19 (Vite 8).`);
  process.exit(1);
}

const lock = 'package-lock.json';
const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000);
if (stale) {
  say('installing npm packages (npm ci) ...');
  execSync(existsSync(lock) ? 'npm ci --no-audit --no-fund' : 'npm install --no-audit --no-fund', { stdio: 'inherit' });
}

function haveCmd(c) {
  try { execSync(`command -v ${c}`, { stdio: 'ignore', shell: '/bin/sh' }); return true; } catch { return false; }
}

if (mode === 'test') {
  const missing = [];
  if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) missing.push('chromium');
  if (!haveCmd('tshark')) missing.push('tshark');
  if (missing.length) {
    const root = typeof process.getuid === 'function' && process.getuid() === 0;
    if (haveCmd('apt-get') && root) {
      say(`installing ${missing.join(', ')} with apt-get (about a minute) ...`);
      execSync(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')} >/dev/null`, { stdio: 'inherit', shell: '/bin/sh' });
    } else {
      say(`missing ${missing.join(', ')}: install ${missing.join(' and ')} (Debian: apt-get install ${missing.join(' ')}); browser/tshark tests need them.`);
      if (missing.includes('chromium')) process.exit(1);
    }
  }
}
