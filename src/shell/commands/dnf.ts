/**
 * dnf 4.14 (RHEL 9.4) and its `yum` alias, over the package catalogue of
 * core/services/packages.ts: install (the whole transaction output: the table laid out by
 * dnf's own column algorithm, the summary, downloads, the rpm transaction lines, the
 * installed list), reinstall, remove/erase (with dependent packages and unused
 * dependencies), list, info, search, provides, repolist, makecache, clean, check-update,
 * upgrade, autoremove. Without -y it asks `Is this ok [y/N]: ` and reads stdin.
 *
 * Installing takes virtual time (downloads at a few MB/s, a few hundred ms per package),
 * so the clock moves as a real install would; the work itself is installPackage's.
 * Where the text goes follows dnf's logging: informational lines on stdout, errors
 * (`Error: ...`, `Operation aborted.`) on stderr; `search` sends its progress to stderr.
 *
 * Left out: groups, modules, history undo, local RPM files, repositories other than
 * RHEL 9's BaseOS and AppStream, GPG key import, upgrades (everything is at its newest).
 */
import type { Host } from '../../core/net/host.ts';
import {
  REPOS, allPackages, dependents, dnfCache, evr, findPackage, installOne, installedPackages, nevra, packageFiles,
  removePackage, resolveInstallMany, rpmDbEntry, unusedAfterRemove, type InstallReason, type PackageDef,
} from '../../core/services/packages.ts';
import { waitSim, type CmdContext, type Co, type Command } from '../types.ts';
import { calcColumns, dnfNumber, dnfTime, fmtColumns, lengths, selectShortLong } from './sysfmt.ts';
import { strftime } from './util.ts';

const SUBSCRIPTION = 'Updating Subscription Management repositories.';
const METADATA_EXPIRE_S = 48 * 3600;
const PROTECTED = ['dnf', 'systemd', 'yum', 'rpm', 'bash'];
const DL_RATE = 2_400_000;         // bytes per second from the CDN
const DL_LATENCY = 0.09;           // seconds per request
const INSTALL_US = 180_000;        // rpm unpacking per package
const SCRIPTLET_US = 90_000;
const VERIFY_US = 15_000;

interface DnfOpts {
  yes: boolean;
  no: boolean;
  quiet: boolean;
  weak: boolean;
  cacheonly: boolean;
  refresh: boolean;
  downloadonly: boolean;
  showdups: boolean;
  listWhat: string | null;
}

interface Io {
  ctx: CmdContext;
  h: Host;
  o: DnfOpts;
  prog: string;
  /** The terminal's width when stdout is one, else null (dnf then lays out for 80 columns). */
  realCols: number | null;
  cols: number;
  out(s: string): void;
  err(s: string): void;
}

// ---- metadata ------------------------------------------------------------------------------------

/** `Last metadata expiration check: 0:12:34 ago on Tue 14 May 2024 07:47:26 AM UTC.` (downloading first if expired). */
function* metadata(io: Io, toErr = false): Co<boolean> {
  const cache = dnfCache(io.h);
  const now = io.ctx.host.epochSeconds();
  const say = (s: string) => (toErr ? io.err(s.replace(/\n$/, '')) : io.out(s));
  if (cache.lastCheck === null || io.o.refresh || now - cache.lastCheck > METADATA_EXPIRE_S) {
    if (io.o.cacheonly) {
      io.err(`Error: Cache-only enabled but no cache for '${REPOS[0].id}'`);
      return false;
    }
    for (const r of REPOS) {
      const secs = 0.4 + r.size / 30_000_000;
      yield* waitSim(undefined, io.ctx.host.now() + Math.round(secs * 1e6));
      say(progressLine(r.name, r.size / secs, r.size, secs));
    }
    cache.lastCheck = io.ctx.host.epochSeconds();
  }
  const t = io.ctx.host.epochSeconds();
  const ago = t - cache.lastCheck!;
  say(`Last metadata expiration check: ${timedelta(ago)} ago on ${strftime('%a %d %b %Y %I:%M:%S %p UTC', cache.lastCheck!)}.\n`);
  return true;
}

/** Python's str(timedelta(seconds=n)). */
function timedelta(s: number): string {
  const days = Math.floor(s / 86400);
  const r = s % 86400;
  const hms = `${Math.floor(r / 3600)}:${String(Math.floor((r % 3600) / 60)).padStart(2, '0')}:${String(r % 60).padStart(2, '0')}`;
  return days ? `${days} day${days === 1 ? '' : 's'}, ${hms}` : hms;
}

/** A finished download (MultiFileProgressMeter.end): name, then ` 123 kB/s |  54 kB     00:00    `. */
function progressLine(text: string, rate: number, size: number, secs: number, width = 80): string {
  const msg = ` ${dnfNumber(rate).padStart(5)}B/s | ${dnfNumber(size, true).padStart(5)}B ${dnfTime(secs).padStart(9)}    \n`;
  const left = width - msg.length;
  return text.slice(0, left).padEnd(left) + msg;
}

// ---- the transaction table ------------------------------------------------------------------------

interface Row { readonly p: PackageDef; readonly repo: string; readonly size: number }
interface Section { readonly action: string; readonly rows: Row[] }

/** list_transaction() of dnf/cli/output.py. */
function transactionTable(io: Io, sections: Section[]): string {
  const all = sections.flatMap((s) => s.rows);
  const n = lengths(all.map((r) => r.p.name));
  const v = lengths(all.map((r) => evr(r.p)));
  const rp = lengths(all.map((r) => r.repo));
  const aWid = Math.max(...all.map((r) => r.p.arch.length));
  const [nW, aW, vW, rW, sW] = calcColumns([n, new Map(), v, rp, new Map()], {
    indent: '  ', columns: [1, aWid, 1, 1, 5], remainder: 2, totalWidth: io.realCols, termColumns: io.cols,
  });
  const realWidth = nW + aW + vW + rW + sW + 5;
  const width = Math.max(io.cols, realWidth);
  const rule = '='.repeat(width);
  let out = `${rule}\n${fmtColumns([[selectShortLong(nW, 'Package', 'Package'), -nW], [selectShortLong(aW, 'Arch', 'Architecture'), -aW],
    [selectShortLong(vW, 'Version', 'Version'), -vW], [selectShortLong(rW, 'Repo', 'Repository'), -rW], [selectShortLong(sW, 'Size', 'Size'), sW]], ' ')}\n${rule}\n`;
  for (const s of sections) {
    if (!s.rows.length) continue;
    out += `${s.action}:\n`;
    for (const r of [...s.rows].sort((a, b) => (a.p.name < b.p.name ? -1 : 1))) {
      out += fmtColumns([[r.p.name, -nW], [r.p.arch, -aW], [evr(r.p), -vW], [r.repo, -rW], [dnfNumber(r.size, true), sW]], ' ', '\n');
    }
  }
  out += `\nTransaction Summary\n${rule}\n`;
  const inst = sections.filter((s) => s.action.startsWith('Installing') || s.action === 'Reinstalling').reduce((a, s) => a + s.rows.length, 0);
  const rem = sections.filter((s) => s.action.startsWith('Removing')).reduce((a, s) => a + s.rows.length, 0);
  const summary: [string, number][] = [['Install', inst], ['Remove', rem]].filter(([, c]) => (c as number) > 0) as [string, number][];
  if (sections.some((s) => s.action === 'Reinstalling')) summary.splice(0, summary.length);
  const maxA = Math.max(0, ...summary.map(([a]) => a.length));
  const maxC = Math.max(0, ...summary.map(([, c]) => String(c).length));
  for (const [a, c] of summary) out += `${a.padEnd(maxA)}  ${String(c).padStart(maxC)} ${c === 1 ? 'Package' : 'Packages'}\n`;
  return out;
}

/** A line of rpm's transaction progress (CliTransactionDisplay._makefmt, not a terminal: 100% lines only). */
function txLine(io: Io, action: string, pkg: string, done: number, total: number): string {
  const wid1 = 17;
  const l = String(total).length;
  const doneStr = `${String(done).padStart(l)}/${String(total).padStart(l)}`;
  const overhead = 2 * l + 2 + 2 + wid1 + 2 + 1 + 2 + 1;
  let width = Math.max(io.cols, overhead) - overhead;
  let pnl = pkg.length;
  if (pnl > Math.floor(width / 2)) pnl = Math.floor(width / 2);
  const marks = io.cols - (overhead + pnl);
  width = pnl + marks + 1;
  return `  ${action.padEnd(wid1)}: ${pkg.slice(0, width).padEnd(width)}   ${doneStr} \n`;
}

/** The post-transaction list ("Installed:" and names in as many columns as fit). */
function postList(io: Io, action: string, names: string[]): string {
  if (!names.length) return '';
  const fits = (num: number): number[] => {
    if (names.length < num) return [];
    let left = io.cols - ((num - 1) + 2);
    if (left <= 0) return [];
    const lens = Array(num).fill(0);
    let col = 0;
    for (const m of names) {
      if (m.length > lens[col]) {
        const diff = m.length - lens[col];
        if (left <= diff) return [];
        left -= diff;
        lens[col] = m.length;
      }
      col = (col + 1) % num;
    }
    return lens.map((x) => -(x + Math.floor(left / num)));
  };
  let cols: number[] = [];
  for (const num of [8, 7, 6, 5, 4, 3, 2]) { cols = fits(num); if (cols.length) break; }
  if (!cols.length) cols = [-(io.cols - 2)];
  let out = `${action}:\n`;
  for (let i = 0; i < names.length; i += cols.length) {
    const chunk = names.slice(i, i + cols.length);
    out += `  ${fmtColumns(chunk.map((m, k) => [m, cols[k]] as [string, number]))}\n`;
  }
  return out;
}

/** userconfirm(): `Is this ok [y/N]: `, again on anything but y/yes/n/no/empty; EOF is no. */
function* confirm(io: Io): Co<boolean> {
  if (io.o.yes) return true;
  if (io.o.no) return false;
  for (;;) {
    io.out('Is this ok [y/N]: ');
    const line = yield* io.ctx.stdin.readLine();
    if (line === null) return false;
    const c = line.trim().toLowerCase();
    if (c === 'y' || c === 'yes') return true;
    if (c === '' || c === 'n' || c === 'no') return false;
  }
}

function aborted(io: Io): number {
  io.err('Operation aborted.');
  return 1;
}

// ---- install / reinstall --------------------------------------------------------------------------

function* downloadPackages(io: Io, pkgs: PackageDef[]): Co<void> {
  io.out('Downloading Packages:\n');
  const sorted = [...pkgs].sort((a, b) => (a.name < b.name ? -1 : 1));
  let total = 0;
  let longest = 0;
  let k = 0;
  for (const p of sorted) {
    const secs = DL_LATENCY + p.size / DL_RATE;
    yield* waitSim(undefined, io.ctx.host.now() + Math.round(secs * 1e6 / Math.min(3, sorted.length)));
    k++;
    const file = `${p.name}-${p.version}-${p.release}.${p.arch}.rpm`;
    io.out(progressLine(sorted.length > 1 ? `(${k}/${sorted.length}): ${file}` : file, p.size / secs, p.size, secs, io.cols));
    total += p.size;
    longest = Math.max(longest, secs);
  }
  const dl = Math.max(0.01, sorted.reduce((a, p) => a + DL_LATENCY + p.size / DL_RATE, 0) / Math.min(3, sorted.length));
  io.out('-'.repeat(io.cols) + '\n');
  const msg = ` ${dnfNumber(Math.floor(total / dl)).padStart(5)}B/s | ${dnfNumber(total, true).padStart(5)}B ${dnfTime(dl).padStart(9)}     `;
  io.out('Total'.padEnd(io.cols - msg.length) + msg + '\n');
  void longest;
}

function* runInstall(io: Io, plan: { p: PackageDef; reason: InstallReason }[], reinstall: boolean): Co<void> {
  const T = plan.length;
  io.out('Running transaction check\n');
  yield* waitSim(undefined, io.ctx.host.now() + 40_000);
  io.out('Transaction check succeeded.\nRunning transaction test\n');
  yield* waitSim(undefined, io.ctx.host.now() + 60_000);
  io.out('Transaction test succeeded.\nRunning transaction\n');
  io.out(txLine(io, 'Preparing', '', 1, 1));
  let i = 0;
  for (const { p, reason } of plan) {
    i++;
    const n = nevra(p);
    if (p.scriptlets?.pre) io.out(txLine(io, 'Running scriptlet', n, i, T));
    yield* waitSim(undefined, io.ctx.host.now() + INSTALL_US + Math.floor(p.installSize / 40));
    io.out(txLine(io, reinstall ? 'Reinstalling' : 'Installing', n, i, T));
    installOne(io.h, p, reinstall ? (rpmDbEntry(io.h, p.name)?.reason ?? reason) : reason);
    if (p.scriptlets?.post) {
      yield* waitSim(undefined, io.ctx.host.now() + SCRIPTLET_US);
      io.out(txLine(io, 'Running scriptlet', n, i, T));
    }
  }
  if (reinstall) {
    i = 0;
    for (const { p } of plan) { i++; io.out(txLine(io, 'Cleanup', nevra(p), i, T)); }
  }
  i = 0;
  for (const { p } of [...plan].sort((a, b) => (a.p.name < b.p.name ? -1 : 1))) {
    i++;
    yield* waitSim(undefined, io.ctx.host.now() + VERIFY_US);
    io.out(txLine(io, 'Verifying', nevra(p), i, T));
  }
  io.out('Installed products updated.\n');
}

function* install(io: Io, specs: string[], reinstall = false): Co<number> {
  if (!specs.length) {
    io.err(`usage: ${io.prog} install [-c [config file]] [-q] [-v] [--version]\n${' '.repeat(io.prog.length + 8)}... PACKAGE [PACKAGE ...]\n${io.prog} install: error: the following arguments are required: PACKAGE`);
    return 2;
  }
  io.out(SUBSCRIPTION + '\n');
  if (!(yield* metadata(io))) return 1;
  const missing: string[] = [];
  const wanted: PackageDef[] = [];
  const notInstalled: string[] = [];
  for (const s of specs) {
    const p = findPackage(s);
    if (!p) { missing.push(s); io.out(`No match for argument: ${s}\n`); continue; }
    if (reinstall) {
      if (!io.h.packages.has(p.name)) { notInstalled.push(s); io.out(`Package ${s} available, but not installed.\nNo match for argument: ${s}\n`); continue; }
      wanted.push(p);
    } else if (io.h.packages.has(p.name)) io.out(`Package ${nevra(p)} is already installed.\n`);
    else wanted.push(p);
  }
  if (missing.length) {
    io.err(`Error: Unable to find a match: ${missing.join(' ')}`);
    return 1;
  }
  if (reinstall && notInstalled.length) {
    io.err(`Error: No packages marked for reinstall.`);
    return 1;
  }
  io.out('Dependencies resolved.\n');
  const plan = reinstall
    ? wanted.map((p) => ({ p, reason: 'user' as InstallReason }))
    : resolveInstallMany(io.h, wanted.map((p) => p.name), { weak: io.o.weak }).map((x) => ({ p: x.pkg, reason: x.reason }));
  if (!plan.length) {
    io.out('Nothing to do.\nComplete!\n');
    return 0;
  }
  const row = (p: PackageDef): Row => ({ p, repo: p.repo, size: p.size });
  const sections: Section[] = reinstall
    ? [{ action: 'Reinstalling', rows: plan.map((x) => row(x.p)) }]
    : [
      { action: 'Installing', rows: plan.filter((x) => x.reason === 'user').map((x) => row(x.p)) },
      { action: 'Installing dependencies', rows: plan.filter((x) => x.reason === 'dependency').map((x) => row(x.p)) },
      { action: 'Installing weak dependencies', rows: plan.filter((x) => x.reason === 'weak-dependency').map((x) => row(x.p)) },
    ];
  io.out(transactionTable(io, sections) + '\n');
  const dl = plan.reduce((a, x) => a + x.p.size, 0);
  const inst = plan.reduce((a, x) => a + x.p.installSize, 0);
  io.out(`${reinstall ? 'Total size' : 'Total download size'}: ${dnfNumber(dl, true)}\n`);
  if (!reinstall) io.out(`Installed size: ${dnfNumber(inst, true)}\n`);
  if (io.o.downloadonly) io.out('DNF will only download packages for the transaction.\n');
  if (!(yield* confirm(io))) return aborted(io);
  yield* downloadPackages(io, plan.map((x) => x.p));
  if (io.o.downloadonly) {
    io.out('Complete!\nThe downloaded packages were saved in cache until the next successful transaction.\nYou can remove cached packages by executing \'dnf clean packages\'.\n');
    return 0;
  }
  yield* runInstall(io, plan, reinstall);
  io.out('\n' + postList(io, reinstall ? 'Reinstalled' : 'Installed', plan.map((x) => nevra(x.p)).sort()) + '\nComplete!\n');
  return 0;
}

// ---- remove ------------------------------------------------------------------------------------------

function* remove(io: Io, specs: string[], autoremove = false): Co<number> {
  if (!specs.length && !autoremove) {
    io.err(`usage: ${io.prog} remove [-c [config file]] [-q] [-v] [--version]\n${' '.repeat(io.prog.length + 8)}... PACKAGE [PACKAGE ...]\n${io.prog} remove: error: the following arguments are required: PACKAGE`);
    return 2;
  }
  io.out(SUBSCRIPTION + '\n');
  const targets: PackageDef[] = [];
  for (const s of specs) {
    const p = findPackage(s);
    if (!p || !io.h.packages.has(p.name)) { io.out(`No match for argument: ${s}\n`); continue; }
    if (!targets.includes(p)) targets.push(p);
  }
  if (!targets.length && !autoremove) io.err('No packages marked for removal.');
  const names = targets.map((p) => p.name);
  const deps = dependents(io.h, names);
  const gone = [...names, ...deps.map((p) => p.name)];
  const unused = unusedAfterRemove(io.h, gone);
  const prot = [...targets, ...deps].filter((p) => PROTECTED.includes(p.name));
  if (prot.length) {
    io.err(`Error: \n Problem: The operation would result in removing the following protected packages: ${prot.map((p) => p.name).join(', ')}`);
    io.out("(try to add '--skip-broken' to skip uninstallable packages)\n");
    return 1;
  }
  io.out('Dependencies resolved.\n');
  const plan = [...targets, ...deps, ...unused];
  if (!plan.length) {
    io.out('Nothing to do.\nComplete!\n');
    return 0;
  }
  const row = (p: PackageDef): Row => ({ p, repo: `@${rpmDbEntry(io.h, p.name)?.fromRepo ?? 'System'}`, size: p.installSize });
  io.out(transactionTable(io, [
    { action: 'Removing', rows: targets.map(row) },
    { action: 'Removing dependent packages', rows: deps.map(row) },
    { action: 'Removing unused dependencies', rows: unused.map(row) },
  ]) + '\n');
  io.out(`Freed space: ${dnfNumber(plan.reduce((a, p) => a + p.installSize, 0), true)}\n`);
  if (!(yield* confirm(io))) return aborted(io);
  io.out('Running transaction check\nTransaction check succeeded.\nRunning transaction test\nTransaction test succeeded.\nRunning transaction\n');
  io.out(txLine(io, 'Preparing', '', 1, 1));
  const T = plan.length;
  let i = 0;
  for (const p of plan) {
    i++;
    const n = nevra(p);
    if (p.scriptlets?.post) io.out(txLine(io, 'Running scriptlet', n, i, T));
    yield* waitSim(undefined, io.ctx.host.now() + INSTALL_US / 2);
    io.out(txLine(io, 'Erasing', n, i, T));
    removePackage(io.h, p.name);
    if (p.scriptlets?.post) io.out(txLine(io, 'Running scriptlet', n, i, T));
  }
  i = 0;
  for (const p of [...plan].sort((a, b) => (a.name < b.name ? -1 : 1))) { i++; io.out(txLine(io, 'Verifying', nevra(p), i, T)); }
  io.out('Installed products updated.\n');
  io.out('\n' + postList(io, 'Removed', plan.map(nevra).sort()) + '\nComplete!\n');
  return 0;
}

// ---- queries -------------------------------------------------------------------------------------------

function matchSpec(p: PackageDef, spec: string): boolean {
  if (/[*?[]/.test(spec)) {
    const re = new RegExp('^' + spec.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
    return re.test(p.name) || re.test(`${p.name}.${p.arch}`);
  }
  return findPackage(spec) === p;
}

function* list(io: Io, args: string[]): Co<number> {
  let what = io.o.listWhat ?? 'all';
  let specs = args;
  if (['installed', 'available', 'all', 'updates', 'upgrades', 'extras', 'obsoletes', 'recent', 'autoremove'].includes(args[0] ?? '')) {
    what = args[0];
    specs = args.slice(1);
  }
  io.out(SUBSCRIPTION + '\n');
  if (what !== 'installed' && !(yield* metadata(io))) return 1;
  const match = (p: PackageDef) => !specs.length || specs.some((s) => matchSpec(p, s));
  const installed = what === 'all' || what === 'installed' ? installedPackages(io.h).filter(match) : [];
  const available = what === 'all' || what === 'available' ? allPackages().filter((p) => !io.h.packages.has(p.name) && match(p)) : [];
  const rows = [
    ...installed.map((p) => ({ na: `${p.name}.${p.arch}`, v: evr(p), r: `@${rpmDbEntry(io.h, p.name)?.fromRepo ?? 'System'}`, sec: 0 })),
    ...available.map((p) => ({ na: `${p.name}.${p.arch}`, v: evr(p), r: p.repo, sec: 1 })),
  ];
  if (!rows.length) {
    if (what === 'updates' || what === 'upgrades' || what === 'recent' || what === 'obsoletes' || what === 'autoremove' || what === 'extras') return specs.length ? (io.err('Error: No matching Packages to list'), 1) : 0;
    io.err('Error: No matching Packages to list');
    return 1;
  }
  const widths = calcColumns([lengths(rows.map((r) => r.na)), lengths(rows.map((r) => r.v)), lengths(rows.map((r) => r.r))], { remainder: 1, totalWidth: io.realCols, termColumns: io.cols });
  const print = (title: string, sec: number) => {
    const rs = rows.filter((r) => r.sec === sec).sort((a, b) => (a.na.toLowerCase() < b.na.toLowerCase() ? -1 : a.na.toLowerCase() > b.na.toLowerCase() ? 1 : 0));
    if (!rs.length) return;
    io.out(title + '\n');
    for (const r of rs) io.out(fmtColumns([[r.na, -widths[0]], [r.v, -widths[1]], [r.r, -widths[2]]]) + '\n');
  };
  print('Installed Packages', 0);
  print('Available Packages', 1);
  return 0;
}

function wrapField(key: string, val: string, cols: number | null): string {
  const head = `${key.padEnd(12)} : `;
  const lines = val.split('\n');
  const width = cols ?? Infinity;
  const out: string[] = [];
  let first = true;
  for (const raw of lines) {
    const words = raw.split(/(?<= )/);
    let cur = first ? head : '             : ';
    let curHasText = false;
    for (const w of words) {
      if (curHasText && (cur + w).trimEnd().length > width) {
        out.push(cur.trimEnd());
        cur = '             : ';
        curHasText = false;
      }
      cur += curHasText ? w : w;
      curHasText = true;
    }
    out.push(cur.trimEnd());
    first = false;
  }
  return out.join('\n');
}

function* info(io: Io, args: string[]): Co<number> {
  io.out(SUBSCRIPTION + '\n');
  if (!(yield* metadata(io))) return 1;
  const match = (p: PackageDef) => !args.length || args.some((s) => matchSpec(p, s));
  const installed = installedPackages(io.h).filter(match);
  const available = allPackages().filter((p) => !io.h.packages.has(p.name) && match(p));
  if (!installed.length && !available.length) { io.err('Error: No matching Packages to list'); return 1; }
  const block = (p: PackageDef, inst: boolean): string => {
    const f = (k: string, v: string) => `${k.padEnd(12)} : ${v}`;
    const lines = [f('Name', p.name)];
    if (p.epoch) lines.push(f('Epoch', String(p.epoch)));
    lines.push(f('Version', p.version), f('Release', p.release), f('Architecture', p.arch),
      f('Size', dnfNumber(inst ? p.installSize : p.size)), f('Source', `${p.name}-${p.version}-${p.release}.src.rpm`),
      f('Repository', inst ? '@System' : p.repo));
    if (inst) lines.push(f('From repo', rpmDbEntry(io.h, p.name)?.fromRepo ?? 'anaconda'));
    lines.push(wrapField('Summary', p.summary, io.realCols));
    if (p.url) lines.push(f('URL', p.url));
    lines.push(wrapField('License', p.license ?? 'GPLv2+', io.realCols));
    lines.push(wrapField('Description', p.description ?? `${p.summary}.`, io.realCols));
    return lines.join('\n') + '\n';
  };
  if (installed.length) io.out('Installed Packages\n' + installed.sort((a, b) => (a.name < b.name ? -1 : 1)).map((p) => block(p, true)).join('\n') + '\n');
  if (available.length) io.out('Available Packages\n' + available.sort((a, b) => (a.name < b.name ? -1 : 1)).map((p) => block(p, false)).join('\n') + '\n');
  return 0;
}

function fmtSection(name: string, cols: number): string {
  const c = cols - 2;
  if (name.length >= c - 4) return `== ${name} ==`;
  const beg = '='.repeat(Math.floor((c - name.length) / 2));
  const end = '='.repeat(c - name.length - beg.length);
  return `${beg} ${name} ${end}`;
}

function* search(io: Io, args: string[]): Co<number> {
  if (!args.length) {
    io.err(`usage: ${io.prog} search [-c [config file]] [-q] [-v] [--version]\n${' '.repeat(io.prog.length + 8)}... KEYWORD [KEYWORD ...]\n${io.prog} search: error: the following arguments are required: KEYWORD`);
    return 2;
  }
  io.err(SUBSCRIPTION);
  if (!(yield* metadata(io, true))) return 1;
  const kw = args.map((a) => a.toLowerCase());
  type Hit = { p: PackageDef; name: boolean; summary: boolean; exact: boolean };
  const hits: Hit[] = [];
  for (const p of allPackages()) {
    const name = kw.every((k) => p.name.toLowerCase().includes(k) || p.summary.toLowerCase().includes(k));
    if (!name) continue;
    const inName = kw.some((k) => p.name.toLowerCase().includes(k));
    const inSummary = kw.some((k) => p.summary.toLowerCase().includes(k));
    hits.push({ p, name: inName, summary: inSummary, exact: kw.length === 1 && p.name.toLowerCase() === kw[0] });
  }
  if (!hits.length) { io.err('No matches found.'); return 0; }
  const groups: [string, (h: Hit) => boolean][] = [
    ['Name Exactly Matched', (h) => h.exact],
    ['Name & Summary Matched', (h) => !h.exact && h.name && h.summary],
    ['Name Matched', (h) => !h.exact && h.name && !h.summary],
    ['Summary Matched', (h) => !h.name && h.summary],
  ];
  for (const [title, f] of groups) {
    const g = hits.filter(f).sort((a, b) => (a.p.name < b.p.name ? -1 : 1));
    if (!g.length) continue;
    io.out(fmtSection(`${title}: ${args.join(', ')}`, io.cols) + '\n');
    for (const h of g) io.out(`${h.p.name}.${h.p.arch} : ${h.p.summary}\n`);
  }
  return 0;
}

function* provides(io: Io, args: string[]): Co<number> {
  io.out(SUBSCRIPTION + '\n');
  if (!(yield* metadata(io))) return 1;
  let found = false;
  for (const a of args) {
    const needle = a.includes('/') ? a : null;
    for (const p of allPackages()) {
      const files = packageFiles(p);
      const hit = needle
        ? files.find((f) => f === needle || (needle.includes('*') && new RegExp('^' + needle.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*') + '$').test(f)))
        : files.find((f) => f.endsWith(`/bin/${a}`) || f.endsWith(`/sbin/${a}`)) ?? (p.name === a || p.provides?.includes(a) ? a : undefined);
      if (!hit) continue;
      found = true;
      io.out(`${nevra(p)} : ${p.summary}\nRepo        : ${io.h.packages.has(p.name) ? '@System' : p.repo}\nMatched from:\n${hit.startsWith('/') ? `Filename    : ${hit}` : `Provide    : ${hit} = ${p.version}-${p.release}`}\n\n`);
    }
  }
  if (!found) {
    io.err(`Error: No matches found. If searching for a file, try specifying the full path or using a wildcard prefix ("*/") at the beginning.`);
    return 1;
  }
  return 0;
}

function* repolist(io: Io, args: string[]): Co<number> {
  io.out(SUBSCRIPTION + '\n');
  const which = args[0] ?? 'enabled';
  if (which === 'disabled') return 0;
  const withStatus = which === 'all';
  const idLen = Math.max('repo id'.length, ...REPOS.map((r) => r.id.length));
  if (withStatus) {
    const nm = Math.min(Math.max(...REPOS.map((r) => r.name.length)), io.cols - (idLen + 'status'.length + 2));
    io.out(`${'repo id'.padEnd(idLen)} ${'repo name'.padEnd(nm)} status\n`);
    for (const r of REPOS) io.out(`${r.id.padEnd(idLen)} ${r.name.slice(0, nm).padEnd(nm)} enabled\n`);
    return 0;
  }
  io.out(`${'repo id'.padEnd(idLen)} repo name\n`);
  for (const r of REPOS) io.out(`${r.id.padEnd(idLen)} ${r.name}\n`);
  return 0;
}

function* history(io: Io): Co<number> {
  io.out(SUBSCRIPTION + '\n');
  io.out('ID     | Command line                                                                         | Date and time    | Action(s)      | Altered\n');
  io.out('-'.repeat(149) + '\n');
  io.out(`     1 |                                                                                      | ${strftime('%Y-%m-%d %H:%M', Math.floor(io.h.net.epochUs / 1e6) - 86400 * 3)} | Install        |  ${String(installedPackages(io.h).length).padStart(3)} EE\n`);
  return 0;
}

// ---- the command -----------------------------------------------------------------------------------

const COMMANDS: Record<string, string> = {
  install: 'install', in: 'install', 'install-n': 'install', 'install-na': 'install', 'install-nevra': 'install',
  reinstall: 'reinstall', rei: 'reinstall',
  remove: 'remove', erase: 'remove', rm: 'remove', 'remove-n': 'remove', 'remove-na': 'remove', 'remove-nevra': 'remove',
  list: 'list', ls: 'list', info: 'info', if: 'info', search: 'search', se: 'search', provides: 'provides', whatprovides: 'provides', prov: 'provides',
  repolist: 'repolist', repoinfo: 'repolist', makecache: 'makecache', mc: 'makecache', clean: 'clean',
  'check-update': 'check-update', 'check-upgrade': 'check-update', update: 'upgrade', upgrade: 'upgrade', up: 'upgrade', 'upgrade-minimal': 'upgrade',
  'update-minimal': 'upgrade', distrosync: 'upgrade', 'distro-sync': 'upgrade', autoremove: 'autoremove', history: 'history', hist: 'history',
  help: 'help', repoquery: 'repoquery', rq: 'repoquery',
};

function* dnfMain(ctx: CmdContext): Co<number> {
  const prog = ctx.argv[0].replace(/^.*\//, '') === 'yum' ? 'yum' : 'dnf';
  const o: DnfOpts = { yes: false, no: false, quiet: false, weak: true, cacheonly: false, refresh: false, downloadonly: false, showdups: false, listWhat: null };
  const pos: string[] = [];
  const argv = ctx.argv;
  const bad = (m: string) => {
    ctx.stderr.write(`usage: ${prog} [options] COMMAND\n\n${prog}: error: ${m}\n`);
    return 1;
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { pos.push(...argv.slice(i + 1)); break; }
    if (a === '-y' || a === '--assumeyes') o.yes = true;
    else if (a === '-n' || a === '--assumeno') o.no = true;
    else if (a === '-q' || a === '--quiet') o.quiet = true;
    else if (a === '-C' || a === '--cacheonly') o.cacheonly = true;
    else if (a === '--refresh') o.refresh = true;
    else if (a === '--downloadonly') o.downloadonly = true;
    else if (a === '--showduplicates') o.showdups = true;
    else if (a === '--installed' || a === '--available' || a === '--all') o.listWhat = a.slice(2);
    else if (a.startsWith('--setopt=') || a === '--setopt') {
      const v = a === '--setopt' ? argv[++i] ?? '' : a.slice(9);
      if (/^install_weak_deps=(False|false|0|no)$/.test(v)) o.weak = false;
    } else if (a === '--version') {
      ctx.stdout.write('4.14.0\n  Installed: dnf-0:4.14.0-9.el9.noarch at Tue 07 May 2024 09:14:02 AM GMT\n  Built    : Red Hat, Inc. <http://bugzilla.redhat.com/bugzilla> at Thu 18 Jan 2024 10:21:50 AM GMT\n');
      return 0;
    } else if (a === '-h' || a === '--help' || a === '--help-cmd') {
      ctx.stdout.write(`usage: ${prog} [options] COMMAND\n\nList of Main Commands:\n\ncheck-update              check for available package upgrades\nclean                     remove cached data\ninfo                      display details about a package or group of packages\ninstall                   install a package or packages on your system\nlist                      list a package or groups of packages\nmakecache                 generate the metadata cache\nprovides                  find what package provides the given value\nreinstall                 reinstall a package\nremove                    remove a package or packages from your system\nrepolist                  display the configured software repositories\nsearch                    search package details for the given string\nupgrade                   upgrade a package or packages on your system\n`);
      return 0;
    } else if (['--nogpgcheck', '--best', '--nobest', '--allowerasing', '--skip-broken', '--nodocs', '-v', '--verbose', '--noautoremove', '--disableplugin', '--color=never', '--nodeps'].includes(a)
      || a.startsWith('--enablerepo') || a.startsWith('--disablerepo') || a.startsWith('--repo=') || a.startsWith('--releasever') || a.startsWith('-x') || a.startsWith('--exclude')) {
      if ((a === '--enablerepo' || a === '--disablerepo' || a === '--exclude' || a === '-x') && i + 1 < argv.length) i++;
    } else if (a.startsWith('-') && a.length > 1) {
      if (/^-[yqnC]+$/.test(a)) {
        for (const c of a.slice(1)) { if (c === 'y') o.yes = true; else if (c === 'q') o.quiet = true; else if (c === 'n') o.no = true; else o.cacheonly = true; }
      } else return bad(`unrecognized arguments: ${a}`);
    } else pos.push(a);
  }
  const h = ctx.host.kernel;
  const realCols = ctx.stdout.isTty && ctx.tty ? ctx.tty.cols : null;
  const io: Io = {
    ctx, h, o, prog, realCols, cols: realCols ?? 80,
    out: (s) => { if (!o.quiet || /Is this ok|^Error/.test(s)) ctx.stdout.write(s); },
    err: (s) => ctx.stderr.write(s + '\n'),
  };
  if (!pos.length) {
    ctx.stderr.write(`usage: ${prog} [options] COMMAND\n\nList of Main Commands:\n\nalias                     List or create command aliases\nautoremove                remove all unneeded packages that were originally installed as dependencies\ncheck-update              check for available package upgrades\nclean                     remove cached data\ninfo                      display details about a package or group of packages\ninstall                   install a package or packages on your system\nlist                      list a package or groups of packages\nmakecache                 generate the metadata cache\nprovides                  find what package provides the given value\nreinstall                 reinstall a package\nremove                    remove a package or packages from your system\nrepolist                  display the configured software repositories\nsearch                    search package details for the given string\nupgrade                   upgrade a package or packages on your system\n\nError: No such command. Please use /usr/bin/${prog} --help\n`);
    return 1;
  }
  const cmd = COMMANDS[pos[0]];
  const args = pos.slice(1);
  switch (cmd) {
    case 'install': return yield* install(io, args);
    case 'reinstall': return yield* install(io, args, true);
    case 'remove': return yield* remove(io, args);
    case 'autoremove': return yield* remove(io, [], true);
    case 'list': return yield* list(io, args);
    case 'info': return yield* info(io, args);
    case 'search': return yield* search(io, args);
    case 'provides': {
      if (!args.length) { io.err(`usage: ${prog} provides [-c [config file]] [-q] [-v] [--version]\n${' '.repeat(prog.length + 8)}... dependency [dependency ...]\n${prog} provides: error: the following arguments are required: dependency`); return 2; }
      return yield* provides(io, args);
    }
    case 'repolist': return yield* repolist(io, args);
    case 'history': return yield* history(io);
    case 'makecache': {
      io.out(SUBSCRIPTION + '\n');
      if (!(yield* metadata(io))) return 1;
      io.out('Metadata cache created.\n');
      return 0;
    }
    case 'clean': {
      const what = args[0];
      if (!what) { io.err(`usage: ${prog} clean [-c [config file]] [-q] [-v] [--version]\n${' '.repeat(prog.length + 8)}... {metadata,packages,dbcache,expire-cache,all} [{metadata,packages,dbcache,expire-cache,all} ...]\n${prog} clean: error: the following arguments are required: type`); return 2; }
      if (!['all', 'metadata', 'packages', 'dbcache', 'expire-cache'].includes(what)) {
        io.err(`usage: ${prog} clean [-c [config file]] [-q] [-v] [--version]\n${' '.repeat(prog.length + 8)}... {metadata,packages,dbcache,expire-cache,all} [{metadata,packages,dbcache,expire-cache,all} ...]\n${prog} clean: error: argument type: invalid choice: '${what}' (choose from 'metadata', 'packages', 'dbcache', 'expire-cache', 'all')`);
        return 2;
      }
      io.out(SUBSCRIPTION + '\n');
      const cache = dnfCache(h);
      if (what === 'expire-cache') { if (cache.lastCheck !== null) cache.lastCheck = 0; io.out('Cache was expired\n0 files removed\n'); return 0; }
      const n = what === 'packages' ? 0 : cache.lastCheck === null ? 0 : what === 'all' ? 43 : 26;
      if (what !== 'packages') cache.lastCheck = null;
      io.out(`${n} files removed\n`);
      return 0;
    }
    case 'check-update': {
      io.out(SUBSCRIPTION + '\n');
      if (!(yield* metadata(io))) return 1;
      return 0;
    }
    case 'upgrade': {
      io.out(SUBSCRIPTION + '\n');
      if (!(yield* metadata(io))) return 1;
      for (const a of args) {
        const p = findPackage(a);
        if (!p) { io.out(`No match for argument: ${a}\n`); io.err(`Error: No packages marked for upgrade.`); return 1; }
        if (!h.packages.has(p.name)) { io.out(`Package ${a} available, but not installed.\nNo match for argument: ${a}\n`); io.err(`Error: No packages marked for upgrade.`); return 1; }
      }
      io.out('Dependencies resolved.\nNothing to do.\nComplete!\n');
      return 0;
    }
    case 'repoquery': {
      io.out(SUBSCRIPTION + '\n');
      if (!(yield* metadata(io))) return 1;
      const match = (p: PackageDef) => !args.length || args.some((s) => matchSpec(p, s));
      for (const p of allPackages().filter(match).sort((a, b) => (a.name < b.name ? -1 : 1))) io.out(`${p.name}-${p.epoch ?? 0}:${p.version}-${p.release}.${p.arch}\n`);
      return 0;
    }
    case 'help':
      return yield* dnfMain({ ...ctx, argv: [ctx.argv[0], '--help'] });
    default:
      ctx.stderr.write(`No such command: ${pos[0]}. Please use /usr/bin/${prog} --help\nIt could be a DNF plugin command, try: "${prog} install 'dnf-command(${pos[0]})'"\n`);
      return 1;
  }
}

export const dnf: Command = { name: 'dnf', pkg: 'dnf', run: dnfMain };
export const yum: Command = { name: 'yum', pkg: 'yum', run: dnfMain };
