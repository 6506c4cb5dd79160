/**
 * A headless harness for command tests: a fresh Vfs with a small RHEL-like tree, a fake
 * HostApi on a fake virtual clock (2024-05-14 08:00:00 UTC at lab start), string stdin,
 * collecting stdout/stderr, and a driver that runs a command's coroutine to completion,
 * satisfying `sim` waits by jumping the clock.
 *
 * `runLine` is a deliberately naive stand-in for the bash interpreter (quotes and words only,
 * commands looked up in the coreutils registry) so xargs, env and find -exec can be tested
 * without src/shell/bash.
 */
import { Vfs } from '../../core/fs/vfs.ts';
import type { HostApi } from '../../core/lab/api.ts';
import type { Host } from '../../core/net/host.ts';
import { ShellSignal, type CmdContext, type Co, type Command, type EnvApi, type InStream, type OutStream } from '../types.ts';

export const EPOCH0 = 1715673600; // Tue May 14 08:00:00 UTC 2024

export class FakeClock {
  us = 0;
}

export interface Machine {
  readonly fs: Vfs;
  readonly clock: FakeClock;
  readonly host: HostApi;
  readonly packages: Set<string>;
}

const PASSWD = `root:x:0:0:root:/root:/bin/bash
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
adm:x:3:4:adm:/var/adm:/sbin/nologin
nobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin
sshd:x:74:74:Privilege-separated SSH:/usr/share/empty.sshd:/sbin/nologin
`;
const GROUP = 'root:x:0:\nbin:x:1:\ndaemon:x:2:\nadm:x:4:\nwheel:x:10:\nnobody:x:65534:\n';

/** A machine with a small root filesystem. */
export function machine(opts: { packages?: string[]; hostname?: string } = {}): Machine {
  const clock = new FakeClock();
  const fs = new Vfs({ now: () => EPOCH0 + Math.floor(clock.us / 1e6) });
  for (const d of ['/bin', '/dev', '/etc', '/root', '/tmp', '/usr/bin', '/usr/sbin', '/var/log', '/var/www/html', '/home']) {
    fs.mkdir(d, { parents: true });
  }
  fs.chmod('/root', 0o550);
  fs.chmod('/tmp', 0o1777);
  fs.mknodChar('/dev/null', 'null');
  fs.mknodChar('/dev/zero', 'zero');
  fs.mknodChar('/dev/urandom', 'urandom');
  fs.mknodChar('/dev/full', 'full');
  fs.install('/etc/passwd', PASSWD);
  fs.install('/etc/group', GROUP);
  fs.install('/etc/hostname', (opts.hostname ?? 'lvs') + '\n');
  fs.install('/var/www/html/index.html', '<h1>Hello from rs1</h1>\n');
  const packages = new Set(opts.packages ?? ['coreutils', 'grep', 'sed', 'gawk']);
  let pid = 1000;
  const host: HostApi = {
    hostname: opts.hostname ?? 'lvs',
    fs,
    now: () => clock.us,
    epochSeconds: () => EPOCH0 + Math.floor(clock.us / 1e6),
    allocPid: () => pid++,
    hasPackage: (n: string) => packages.has(n),
    kernel: {} as Host,
  };
  return { fs, clock, host, packages };
}

/** stdin over a string, delivered in chunks of `chunk` characters. */
export function stringIn(text: string, chunk = 1 << 30, isTty = false): InStream {
  let pos = 0;
  const self: InStream = {
    isTty,
    *read() {
      if (pos >= text.length) return null;
      const c = text.slice(pos, pos + chunk);
      pos += c.length;
      return c;
    },
    *readAll() {
      const c = text.slice(pos);
      pos = text.length;
      return c;
    },
    *readLine() {
      if (pos >= text.length) return null;
      const k = text.indexOf('\n', pos);
      const line = text.slice(pos, k < 0 ? undefined : k);
      pos = k < 0 ? text.length : k + 1;
      return line;
    },
  };
  return self;
}

/** stdout collecting text; with `limit`, writing past it throws SIGPIPE (a closed pipe). */
export function collect(isTty = false, limit = Infinity): OutStream & { text: string; drains: number } {
  const o = {
    text: '',
    drains: 0,
    isTty,
    write(s: string) {
      if (o.text.length >= limit) throw new ShellSignal('PIPE');
      o.text += s;
    },
    *drain(): Co<void> { o.drains++; },
  };
  return o;
}

export function envOf(vars: Record<string, string>): EnvApi {
  const m = new Map(Object.entries(vars));
  const exportedNames = new Set(m.keys());
  return {
    get: (n) => m.get(n),
    set: (n, v) => { m.set(n, v); },
    exported: () => Object.fromEntries([...m].filter(([k]) => exportedNames.has(k))),
  };
}

export interface RunOpts {
  stdin?: string;
  /** Deliver stdin in chunks of this size (to exercise chunk boundaries). */
  chunk?: number;
  stdinTty?: boolean;
  cwd?: string;
  tty?: boolean;
  cols?: number;
  env?: Record<string, string>;
  /** Make stdout a pipe whose reader goes away after this many characters. */
  stdoutLimit?: number;
  /** Abort the driver after this many yields (catches runaway loops in tests). */
  maxSteps?: number;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  status: number;
  /** The signal the command died of, if any. */
  signal?: string;
  steps: number;
}

/** Drive a coroutine to completion; `sim` waits jump the fake clock. */
export function drive<T>(co: Co<T>, clock: FakeClock, maxSteps = 10_000_000): { value: T; steps: number } {
  let steps = 0;
  for (;;) {
    const r = co.next();
    if (r.done) return { value: r.value, steps };
    if (++steps > maxSteps) throw new Error(`coroutine did not finish in ${maxSteps} steps`);
    const w = r.value;
    if (w.kind === 'sim') {
      if (w.until !== undefined && w.until > clock.us) clock.us = w.until;
      else if (w.until === undefined && !w.ready) throw new Error('sim wait with neither until nor ready');
    }
  }
}

export class Kit {
  readonly m: Machine;
  readonly registry: Map<string, Command>;
  cwd = '/root';
  env: Record<string, string> = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/root/bin', HOME: '/root', USER: 'root', SHELL: '/bin/bash', LANG: 'en_US.UTF-8' };

  constructor(commands: readonly Command[], m: Machine = machine()) {
    this.m = m;
    this.registry = new Map(commands.map((c) => [c.name, c]));
  }

  get fs(): Vfs { return this.m.fs; }

  /** Build a context. */
  ctx(argv: string[], o: RunOpts, stdout: OutStream, stderr: OutStream): CmdContext {
    const cwd = o.cwd ?? this.cwd;
    const env = envOf({ ...this.env, ...(o.env ?? {}), PWD: cwd });
    const fs = this.m.fs;
    const kit = this;
    const ctx: CmdContext = {
      argv,
      stdin: stringIn(o.stdin ?? '', o.chunk, o.stdinTty),
      stdout,
      stderr,
      env,
      cwd,
      fs,
      host: this.m.host,
      tty: o.tty ? { cols: o.cols ?? 80, rows: 24 } : undefined,
      resolve: (p: string) => Vfs.normalize(cwd, p),
      *runLine(line: string, io?: { stdout?: OutStream; stderr?: OutStream }): Co<number> {
        const words = splitWords(line);
        if (!words.length) return 0;
        const assigns: Record<string, string> = {};
        while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0])) {
          const w = words.shift()!;
          const k = w.indexOf('=');
          assigns[w.slice(0, k)] = w.slice(k + 1);
        }
        if (!words.length) return 0;
        const err = io?.stderr ?? stderr;
        if (words[0] === 'echo') {
          // bash's builtin, for xargs/find -exec tests
          (io?.stdout ?? stdout).write(words.slice(1).join(' ') + '\n');
          return 0;
        }
        const cmd = kit.registry.get(words[0].replace(/^.*\//, ''));
        if (!cmd) {
          err.write(`bash: ${words[0]}: command not found\n`);
          return 127;
        }
        const sub = kit.ctx(words, { ...o, env: { ...(o.env ?? {}), ...assigns } }, io?.stdout ?? stdout, err);
        return yield* cmd.run({ ...sub, stdin: ctx.stdin });
      },
    };
    return ctx;
  }

  /** Run `argv` (argv[0] names the command) and collect its output. */
  run(argv: string[], o: RunOpts = {}): RunResult {
    const cmd = this.registry.get(argv[0].replace(/^.*\//, ''));
    if (!cmd) throw new Error(`no command ${argv[0]}`);
    const out = collect(!!o.tty, o.stdoutLimit);
    const err = collect(!!o.tty);
    const ctx = this.ctx(argv, o, out, err);
    let status: number;
    let signal: string | undefined;
    let steps = 0;
    try {
      const r = drive(cmd.run(ctx), this.m.clock, o.maxSteps);
      status = r.value;
      steps = r.steps;
    } catch (e) {
      if (!(e instanceof ShellSignal)) throw e;
      status = e.status;
      signal = e.sig;
    }
    return { stdout: out.text, stderr: err.text, status, signal, steps };
  }

  /** Shorthand: split a simple command line into words and run it. */
  sh(line: string, o: RunOpts = {}): RunResult {
    return this.run(splitWords(line), o);
  }

  write(path: string, data: string, mode?: number): void {
    this.m.fs.install(path, data, mode);
  }

  read(path: string): string {
    return this.m.fs.readFile(path);
  }
}

/** Split a line into words with '...' and "..." quoting and backslash escapes (no expansion). */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let have = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const k = line.indexOf("'", i + 1);
      const end = k < 0 ? line.length : k;
      cur += line.slice(i + 1, end);
      i = end;
      have = true;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) i++;
        cur += line[i++];
      }
      have = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      have = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (have) words.push(cur);
      cur = '';
      have = false;
    } else {
      cur += c;
      have = true;
    }
  }
  if (have) words.push(cur);
  return words;
}
