/**
 * Test harness for the shell: an in-memory RHEL-like Vfs, a fake HostApi on a fake virtual
 * clock (a counter + the core's EventQueue), a FakeSim implementing SimDriver, and a few
 * minimal commands (cat, yes, head, wc, sleep, seq, grep, chmod, ls, touch, rm, mkdir) so
 * tests do not depend on the real command implementations being written elsewhere.
 */
import { FsError, Vfs } from '../../core/fs/vfs.ts';
import type { HostApi } from '../../core/lab/api.ts';
import type { Host } from '../../core/net/host.ts';
import { EventQueue } from '../../core/sim/events.ts';
import { ProcTable, runToCompletion, type RunOptions, type SimDriver } from '../proc.ts';
import type { CmdContext, Co, Command, CommandRegistry } from '../types.ts';
import { waitSim } from '../types.ts';
import { FnOut } from './streams.ts';
import { Shell, type ShellOptions } from './shell.ts';

export const EPOCH0 = 1715673600; // 2024-05-14 08:00:00 UTC

/** SimDriver over an EventQueue: time only moves by running events or jumping to a deadline. */
export class FakeSim implements SimDriver {
  constructor(readonly q = new EventQueue()) {}
  now(): number { return this.q.now; }
  runUntil(ready?: () => boolean, until?: number): boolean {
    for (;;) {
      if (ready?.()) return true;
      const t = this.q.peekTime();
      if (t === Infinity || (until !== undefined && t > until)) {
        if (until === undefined) return false;
        this.q.advanceTo(until);
        return true;
      }
      this.q.runNext();
    }
  }
}

export interface TestHost extends HostApi {
  readonly packages: Set<string>;
  hostname: string;
}

export function makeHost(sim: FakeSim, opts: { hostname?: string; packages?: string[] } = {}): TestHost {
  const fs = new Vfs({ now: () => EPOCH0 + Math.floor(sim.now() / 1e6) });
  for (const d of ['/etc', '/root', '/tmp', '/usr/bin', '/usr/sbin', '/usr/local/bin', '/var/log', '/home', '/dev', '/proc/sys/net/ipv4']) {
    fs.mkdir(d, { parents: true });
  }
  fs.chmod('/root', 0o550);
  fs.chmod('/tmp', 0o1777);
  fs.symlink('usr/bin', '/bin');
  fs.symlink('usr/sbin', '/sbin');
  fs.mknodChar('/dev/null', 'null');
  fs.mknodChar('/dev/zero', 'zero');
  fs.mknodChar('/dev/urandom', 'urandom');
  fs.install('/etc/passwd', 'root:x:0:0:root:/root:/bin/bash\nbin:x:1:1:bin:/bin:/sbin/nologin\napache:x:48:48:Apache:/usr/share/httpd:/sbin/nologin\n');
  fs.install('/etc/hosts', '127.0.0.1   localhost localhost.localdomain\n::1         localhost localhost.localdomain\n');
  let ipf = '0\n';
  fs.mount('/proc/sys/net/ipv4/ip_forward', fs.procNode({
    read: () => ipf,
    write: (d) => { if (!/^\s*[01]\s*$/.test(d)) throw new FsError('EINVAL', '/proc/sys/net/ipv4/ip_forward'); ipf = d.trim() + '\n'; },
  }));
  let pid = 1000;
  const packages = new Set(opts.packages ?? ['coreutils', 'bash', 'grep', 'ipvsadm']);
  return {
    hostname: opts.hostname ?? 'lvs',
    fs,
    now: () => sim.now(),
    epochSeconds: () => EPOCH0 + sim.now() / 1e6,
    allocPid: () => ++pid,
    hasPackage: (n) => packages.has(n),
    packages,
    // Tests of the shell never reach the kernel; commands that need it use a real Lab.
    kernel: undefined as unknown as Host,
  };
}

function cmd(name: string, run: (ctx: CmdContext) => Co<number>, extra: Partial<Command> = {}): Command {
  return { name, run, ...extra };
}

function* readInputs(ctx: CmdContext, files: string[]): Generator<import('../types.ts').Wait, string | null, void> {
  if (!files.length) return yield* ctx.stdin.readAll();
  let s = '';
  for (const f of files) {
    try { s += ctx.fs.readFile(ctx.resolve(f)); } catch {
      ctx.stderr.write(`${ctx.argv[0]}: ${f}: No such file or directory\n`);
      return null;
    }
  }
  return s;
}

/** Minimal commands for tests. */
export function testRegistry(): Map<string, Command> {
  const m = new Map<string, Command>();
  const add = (c: Command) => m.set(c.name, c);
  add(cmd('cat', function* (ctx) {
    const files = ctx.argv.slice(1);
    if (!files.length) {
      for (;;) {
        const c = yield* ctx.stdin.read();
        if (c === null) return 0;
        ctx.stdout.write(c);
        yield* ctx.stdout.drain();
      }
    }
    let st = 0;
    for (const f of files) {
      const p = ctx.resolve(f);
      if (p === '/dev/zero') {
        for (;;) { ctx.stdout.write('\0'.repeat(4096)); yield* ctx.stdout.drain(); }
      }
      try { ctx.stdout.write(ctx.fs.readFile(p)); } catch { ctx.stderr.write(`cat: ${f}: No such file or directory\n`); st = 1; }
      yield* ctx.stdout.drain();
    }
    return st;
  }, { pkg: 'coreutils' }));
  add(cmd('yes', function* (ctx) {
    const line = (ctx.argv.slice(1).join(' ') || 'y') + '\n';
    const chunk = line.repeat(Math.max(1, Math.floor(8192 / line.length)));
    for (;;) { ctx.stdout.write(chunk); yield* ctx.stdout.drain(); }
  }, { pkg: 'coreutils' }));
  add(cmd('head', function* (ctx) {
    let n = 10;
    let bytes: number | undefined;
    const args = ctx.argv.slice(1);
    const files: string[] = [];
    for (let i = 0; i < args.length; i++) {
      if (args[i] === '-n') n = Number(args[++i]);
      else if (args[i] === '-c') {
        const v = args[++i];
        const m = /^(\d+)([KMG]?)$/.exec(v)!;
        bytes = Number(m[1]) * ({ '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 } as Record<string, number>)[m[2]];
      } else if (/^-\d+$/.test(args[i])) n = Number(args[i].slice(1));
      else files.push(args[i]);
    }
    if (files.length) {
      const s = ctx.fs.readFile(ctx.resolve(files[0]));
      ctx.stdout.write(bytes !== undefined ? s.slice(0, bytes) : s.split('\n').slice(0, n).map((l) => l + '\n').join(''));
      return 0;
    }
    if (bytes !== undefined) {
      let left = bytes;
      while (left > 0) {
        const c = yield* ctx.stdin.read();
        if (c === null) break;
        const part = c.length > left ? c.slice(0, left) : c;
        ctx.stdout.write(part);
        yield* ctx.stdout.drain();
        left -= part.length;
      }
      return 0;
    }
    for (let i = 0; i < n; i++) {
      const l = yield* ctx.stdin.readLine();
      if (l === null) break;
      ctx.stdout.write(l + '\n');
    }
    return 0;
  }, { pkg: 'coreutils' }));
  add(cmd('wc', function* (ctx) {
    const flags = ctx.argv.slice(1).filter((a) => a.startsWith('-')).join('');
    const files = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
    let chars = 0, lines = 0, words = 0;
    if (files.length) {
      const s = (yield* readInputs(ctx, files)) ?? '';
      chars = s.length; lines = (s.match(/\n/g) ?? []).length; words = s.split(/\s+/).filter(Boolean).length;
    } else {
      let prevSpace = true;
      for (;;) {
        const c = yield* ctx.stdin.read();
        if (c === null) break;
        chars += c.length;
        for (let i = 0; i < c.length; i++) {
          const ch = c.charCodeAt(i);
          if (ch === 10) lines++;
          const sp = ch === 10 || ch === 32 || ch === 9;
          if (!sp && prevSpace) words++;
          prevSpace = sp;
        }
      }
    }
    const parts: number[] = [];
    if (!flags || flags.includes('l')) parts.push(lines);
    if (!flags || flags.includes('w')) parts.push(words);
    if (!flags || flags.includes('c')) parts.push(chars);
    ctx.stdout.write(parts.length === 1 ? `${parts[0]}\n` : parts.map((x) => String(x).padStart(7)).join(' ') + '\n');
    return 0;
  }, { pkg: 'coreutils' }));
  add(cmd('sleep', function* (ctx) {
    const s = Number(ctx.argv[1] ?? 'x');
    if (Number.isNaN(s)) { ctx.stderr.write('sleep: missing operand\n'); return 1; }
    const until = ctx.host.now() + Math.round(s * 1e6);
    while (ctx.host.now() < until) yield* waitSim(undefined, until);
    return 0;
  }, { pkg: 'coreutils' }));
  add(cmd('seq', function* (ctx) {
    const a = ctx.argv.slice(1).map(Number);
    const [first, last] = a.length === 1 ? [1, a[0]] : [a[0], a[a.length - 1]];
    const step = a.length === 3 ? a[1] : 1;
    for (let i = first; step > 0 ? i <= last : i >= last; i += step) ctx.stdout.write(`${i}\n`);
    return 0;
  }, { pkg: 'coreutils' }));
  add(cmd('grep', function* (ctx) {
    const args = ctx.argv.slice(1);
    const count = args.includes('-c');
    const invert = args.includes('-v');
    const rest = args.filter((a) => !a.startsWith('-'));
    const pat = rest[0];
    const s = (yield* readInputs(ctx, rest.slice(1))) ?? '';
    const lines = s.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const hits = lines.filter((l) => l.includes(pat) !== invert);
    if (count) ctx.stdout.write(`${hits.length}\n`);
    else for (const l of hits) ctx.stdout.write(l + '\n');
    return hits.length ? 0 : 1;
  }, { pkg: 'grep' }));
  add(cmd('chmod', function* (ctx) {
    const [mode, ...files] = ctx.argv.slice(1);
    for (const f of files) {
      const p = ctx.resolve(f);
      const st = ctx.fs.stat(p);
      let m = st.mode;
      if (/^[0-7]+$/.test(mode)) m = parseInt(mode, 8);
      else if (mode.includes('+x')) m |= 0o111;
      else if (mode.includes('-x')) m &= ~0o111;
      ctx.fs.chmod(p, m);
    }
    return 0;
  }, { pkg: 'coreutils' }));
  add(cmd('ls', function* (ctx) {
    const dirs = ctx.argv.slice(1).filter((a) => !a.startsWith('-'));
    for (const d of dirs.length ? dirs : ['.']) {
      const p = ctx.resolve(d);
      if (!ctx.fs.isDir(p)) { ctx.stdout.write(d + '\n'); continue; }
      for (const n of ctx.fs.readdir(p).filter((x) => !x.startsWith('.')).sort()) ctx.stdout.write(n + '\n');
    }
    return 0;
  }, { pkg: 'coreutils' }));
  add(cmd('touch', function* (ctx) {
    for (const f of ctx.argv.slice(1)) ctx.fs.touch(ctx.resolve(f));
    return 0;
  }, { pkg: 'coreutils' }));
  add(cmd('mkdir', function* (ctx) {
    const p = ctx.argv.includes('-p');
    for (const f of ctx.argv.slice(1).filter((a) => !a.startsWith('-'))) ctx.fs.mkdir(ctx.resolve(f), { parents: p });
    return 0;
  }, { pkg: 'coreutils' }));
  add(cmd('rm', function* (ctx) {
    for (const f of ctx.argv.slice(1).filter((a) => !a.startsWith('-'))) ctx.fs.unlink(ctx.resolve(f));
    return 0;
  }, { pkg: 'coreutils' }));
  add(cmd('tr', function* (ctx) {
    const [a, b] = ctx.argv.slice(1);
    const s = yield* ctx.stdin.readAll();
    let out = '';
    for (const c of s) { const i = a.indexOf(c); out += i >= 0 ? (b[Math.min(i, b.length - 1)] ?? '') : c; }
    ctx.stdout.write(out);
    return 0;
  }, { pkg: 'coreutils' }));
  add(cmd('env', function* (ctx) {
    const e = ctx.env.exported();
    for (const k of Object.keys(e).sort()) ctx.stdout.write(`${k}=${e[k]}\n`);
    return 0;
  }, { pkg: 'coreutils' }));
  add(cmd('ipvsadm', function* (ctx) {
    ctx.stdout.write(`ipvsadm ${ctx.argv.slice(1).join(' ')}\n`);
    return 0;
  }, { pkg: 'ipvsadm', path: '/usr/sbin/ipvsadm' }));
  add(cmd('httpd', function* () { return 0; }, { pkg: 'httpd', path: '/usr/sbin/httpd' }));
  /** A trivial command for benchmarks. */
  add(cmd('f', function* () { return 0; }));
  return m;
}

export interface Session {
  readonly sim: FakeSim;
  readonly host: TestHost;
  readonly shell: Shell;
  readonly procs: ProcTable;
  /** Everything written to the terminal (stdout and stderr interleaved). */
  output: string;
  /** Run a complete source text; returns what it printed and its status. */
  run(src: string, opts?: RunOptions): { out: string; status: number };
}

export function session(opts: Partial<ShellOptions> & { registry?: CommandRegistry; hostname?: string; packages?: string[] } = {}): Session {
  const sim = new FakeSim();
  const host = makeHost(sim, { hostname: opts.hostname, packages: opts.packages });
  const procs = new ProcTable();
  const s: Session = {
    sim, host, procs, output: '',
    shell: undefined as unknown as Shell,
    run(src, ro) {
      const start = s.output.length;
      const st = runToCompletion(s.shell.execute(src), sim, { table: procs, host, ...ro });
      return { out: s.output.slice(start), status: st };
    },
  };
  const out = new FnOut((t) => { s.output += t; }, true);
  (s as { shell: Shell }).shell = new Shell({
    fs: host.fs, host, registry: opts.registry ?? testRegistry(), out, procs, ...opts,
  });
  return s;
}

/** Run `src` in a fresh shell; stdout and stderr interleaved. */
export function sh(src: string, opts?: RunOptions): string {
  return session().run(src, opts).out;
}

/**
 * Type `lines` into the shell as a terminal would and return the screen as text:
 * `$ ` + line for each line (`> ` for continuation lines), then what it printed. Markers:
 * `#sleep N` lets N seconds of virtual time pass (background jobs run), `#intr` presses
 * Ctrl-C during the previous command (after it has started and yielded once).
 */
export function transcript(s: Session, lines: string[]): string {
  let got = '';
  let pending = '';
  const sh = s.shell;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.startsWith('#sleep ')) {
      const t = s.sim.now() + Number(l.slice(7)) * 1e6;
      while (s.sim.now() < t) {
        if (s.procs.anyRunnable()) { s.procs.runRound(); continue; }
        const w = s.procs.wakeCondition();
        s.sim.runUntil(w.ready, w.until === undefined ? t : Math.min(w.until, t));
      }
      while (s.procs.anyRunnable()) s.procs.runRound();
      continue;
    }
    if (l === '#intr') continue;
    pending = pending ? pending + '\n' + l : l;
    got += (pending === l ? '$ ' : '> ') + l + '\n';
    if (!sh.isComplete(pending)) continue;
    const start = s.output.length;
    if (lines[i + 1] === '#intr') {
      const p = s.procs.spawn(sh.execute(pending), { host: s.host });
      for (let k = 0; k < 50 && !p.done && s.procs.anyRunnable(); k++) s.procs.runRound();
      if (!p.done) s.procs.signal(p, 'INT');
      while (!p.done) {
        if (s.procs.anyRunnable()) { s.procs.runRound(); continue; }
        const w = s.procs.wakeCondition();
        if (!s.sim.runUntil(w.ready, w.until)) break;
      }
    } else {
      runToCompletion(sh.execute(pending), s.sim, { table: s.procs, host: s.host, maxSteps: 5000 });
    }
    got += s.output.slice(start);
    pending = '';
  }
  return got;
}
