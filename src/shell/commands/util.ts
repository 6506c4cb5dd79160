/**
 * Shared machinery for the everyday utilities: GNU-style option parsing, coreutils' file-name
 * quoting, buffered output that yields to the pipeline, readers for files, pipes and character
 * devices, the passwd/group tables, and a C-locale strftime.
 *
 * Guarantees: every command built with `defineCommand` returns an exit status and never lets
 * a JavaScript error escape (a ShellSignal, i.e. SIGPIPE or Ctrl-C, still unwinds through it).
 * Output is buffered in chunks and `drain()`ed between them, so a reader that stops (`head`)
 * stops an endless writer (`yes`, `cat /dev/zero`) with bounded memory.
 * Left out: locales other than C/UTF-8, multibyte-aware column counting in most tools.
 */
import { FsError, byteLength, type Inode } from '../../core/fs/vfs.ts';
import { helpOrVersion } from './help.ts';
import { ShellSignal, TICK, type CmdContext, type Co, type Command, type InStream, type OutStream } from '../types.ts';

// ---- quoting (gnulib quotearg, as coreutils 8.32 uses it) ------------------------------------

const SAFE = /^[A-Za-z0-9%+,\-./:@_\]{}#~\u0080-\uffff]*$/;

function isCtl(c: string): boolean {
  const n = c.charCodeAt(0);
  return n < 0x20 || n === 0x7f;
}

function escCtl(c: string): string {
  const m: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\v': '\\v' };
  return m[c] ?? '\\' + c.charCodeAt(0).toString(8).padStart(3, '0');
}

/** Shell-escape quoting: 'a b', "it's", 'a'$'\n''b'. `always` = quote even a plain name. */
export function shellQuote(s: string, always: boolean): string {
  const needs = s === '' || !SAFE.test(s) || /^[#~]/.test(s) || s === '{' || s === '}';
  if (!needs && !always) return s;
  const hasCtl = [...s].some(isCtl);
  if (s.includes("'") && !hasCtl && /^[A-Za-z0-9%+,\-./:_\]@ '\u0080-\uffff]*$/.test(s)) return `"${s}"`;
  let out = "'";
  let open = true;
  for (const c of s) {
    if (isCtl(c)) {
      if (open) out += "'";
      out += `$'${escCtl(c)}'`;
      open = false;
      continue;
    }
    if (!open) { out += "'"; open = true; }
    out += c === "'" ? "'\\''" : c;
  }
  if (open) out += "'";
  return out;
}

/** quote(): always quoted, as in `ls: cannot access 'x': ...`. */
export const q = (s: string): string => shellQuote(s, true);
/** quotef(): quoted only when needed, as in `cat: x: No such file or directory`. */
export const qf = (s: string): string => shellQuote(s, false);

/**
 * quote() in the locale's style, for the messages where coreutils uses it (`mkdir: cannot
 * create directory ‘d’`, `chown: invalid user: ‘bob’`): curved quotes in a UTF-8 locale
 * (RHEL's default LANG=en_US.UTF-8), ASCII quotes under LANG=C.
 */
export function lq(io: { ctx: CmdContext }, s: string): string {
  const env = io.ctx.env;
  const loc = env.get('LC_ALL') || env.get('LC_MESSAGES') || env.get('LANG') || 'en_US.UTF-8';
  return /utf-?8/i.test(loc) ? `\u2018${s}\u2019` : `'${s}'`;
}

// ---- errors --------------------------------------------------------------------------------

/** libc's strerror text for an error thrown by the Vfs (or anything else). */
export function errText(e: unknown): string {
  if (e instanceof FsError) return e.message;
  if (e instanceof MemoryExhausted) return 'memory exhausted';
  return e instanceof Error ? e.message : String(e);
}

export function errCode(e: unknown): string | undefined {
  return e instanceof FsError ? e.code : undefined;
}

/** Thrown by readers when a "line" grows without bound (grep x /dev/zero). */
export class MemoryExhausted extends Error {
  constructor() { super('memory exhausted'); this.name = 'MemoryExhausted'; }
}

/** Let signals (SIGPIPE, Ctrl-C) unwind; anything else is the caller's to report. */
export function passSignal(e: unknown): void {
  if (e instanceof ShellSignal) throw e;
}

// ---- output --------------------------------------------------------------------------------

const CHUNK = 16384;

/** Per-invocation I/O helper: buffered stdout, prefixed stderr messages. */
export class Io {
  readonly prog: string;
  private buf = '';
  private sinceTick = 0;

  constructor(readonly ctx: CmdContext, prog?: string) {
    this.prog = prog ?? ctx.argv[0] ?? 'sh';
  }

  /** Queue text for stdout. */
  out(s: string): void { this.buf += s; }

  /** Flush if enough output has accumulated; call in loops. */
  *flow(): Co<void> {
    if (this.buf.length >= CHUNK) yield* this.flush();
  }

  /** Write everything queued and wait for the reader. */
  *flush(): Co<void> {
    this.sync();
    yield* this.ctx.stdout.drain();
    if (this.sinceTick >= 4 * CHUNK) {
      this.sinceTick = 0;
      yield TICK;
    }
  }

  /** Write queued output without waiting (before an error message, so order is kept). */
  sync(): void {
    if (!this.buf) return;
    const b = this.buf;
    this.buf = '';
    this.sinceTick += b.length;
    this.ctx.stdout.write(b);
  }

  /** `prog: msg` on stderr. */
  err(msg: string): void {
    this.sync();
    this.ctx.stderr.write(`${this.prog}: ${msg}\n`);
  }

  /** Raw text on stderr. */
  errRaw(s: string): void {
    this.sync();
    this.ctx.stderr.write(s);
  }

  /** The usual "Try 'prog --help'" epilogue. */
  tryHelp(): void {
    this.errRaw(`Try '${this.prog} --help' for more information.\n`);
  }
}

/** A Command whose body gets an Io; any stray JS error becomes an `internal error` message. */
export function defineCommand(name: string, body: (io: Io, ctx: CmdContext) => Co<number>, pkg?: string): Command {
  return {
    name,
    ...(pkg ? { pkg } : {}),
    *run(outer: CmdContext): Co<number> {
      // Queued output is written before any read of stdin: a command waiting for the terminal
      // or a pipe has shown everything it produced so far (as cat's and a tty's line buffering).
      let io: Io | undefined;
      const inner = outer.stdin;
      const stdin: InStream = {
        get isTty() { return inner.isTty; },
        read: () => { io?.sync(); return inner.read(); },
        readAll: () => { io?.sync(); return inner.readAll(); },
        readLine: () => { io?.sync(); return inner.readLine(); },
      };
      const ctx: CmdContext = {
        argv: outer.argv, stdin, stdout: outer.stdout, stderr: outer.stderr, env: outer.env, cwd: outer.cwd,
        fs: outer.fs, host: outer.host, tty: outer.tty, resolve: (p: string) => outer.resolve(p),
        runLine: outer.runLine ? (line, o) => outer.runLine!(line, o) : undefined,
      };
      io = new Io(ctx);
      const hv = helpOrVersion(name, outer.argv[1]);
      if (hv !== undefined) {
        io.out(hv);
        yield* io.flush();
        return name === 'false' ? 1 : 0;
      }
      try {
        const st = yield* body(io, ctx);
        yield* io.flush();
        return st;
      } catch (e) {
        if (e instanceof ShellSignal) throw e;
        if (e instanceof MemoryExhausted) {
          io.err('memory exhausted');
          return 2;
        }
        io.err(`internal error: ${e instanceof Error ? e.message : String(e)}`);
        return 1;
      }
    },
  };
}

// ---- option parsing (getopt_long with GNU argument permutation) ----------------------------

export interface LongOpt {
  readonly name: string;
  /** The key reported in `opts`; defaults to the name. */
  readonly key?: string;
  readonly arg?: 'req' | 'opt';
}

export interface OptDef {
  /** getopt's short option string: letters, `x:` takes an argument. */
  readonly short?: string;
  readonly long?: readonly LongOpt[];
  /** Stop at the first operand (POSIX order, as `+` in getopt's string). */
  readonly stopAtOperand?: boolean;
  /** Exit status for usage errors (ls and grep use 2). */
  readonly usageStatus?: number;
  /** Treat `-5`-style numbers as operands (seq, expr). */
  readonly numbersAreOperands?: boolean;
  /** A line printed between the error and "Try ... --help" (grep's `Usage: ...`). */
  readonly usageLine?: string;
}

export interface Parsed {
  /** Options in the order given: [key, argument]. */
  readonly opts: [string, string | undefined][];
  readonly args: string[];
}

/** Parse argv[1..]; on a usage error prints GNU's message and returns the exit status. */
export function getopt(io: Io, argv: readonly string[], def: OptDef): Parsed | number {
  const opts: [string, string | undefined][] = [];
  const args: string[] = [];
  const short = def.short ?? '';
  const st = def.usageStatus ?? 1;
  const tryHelp = (): void => {
    if (def.usageLine) io.errRaw(def.usageLine + '\n');
    io.tryHelp();
  };
  const shortArg = (c: string): number => {
    const k = short.indexOf(c);
    if (k < 0 || c === ':') return -1;
    if (short[k + 1] === ':') return short[k + 2] === ':' ? 2 : 1;
    return 0;
  };
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    if (a.startsWith('--') && def.long) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      const exact = def.long.find((l) => l.name === name);
      const cands = exact ? [exact] : def.long.filter((l) => l.name.startsWith(name));
      const uniq = new Set(cands.map((c) => c.key ?? c.name));
      if (cands.length === 0 || name === '') {
        io.err(`unrecognized option '${a}'`);
        tryHelp();
        return st;
      }
      if (uniq.size > 1) {
        io.err(`option '${a}' is ambiguous; possibilities:${cands.map((c) => ` '--${c.name}'`).join('')}`);
        tryHelp();
        return st;
      }
      const lo = cands[0];
      const key = lo.key ?? lo.name;
      if (!lo.arg) {
        if (eq >= 0) {
          io.err(`option '--${lo.name}' doesn't allow an argument`);
          tryHelp();
          return st;
        }
        opts.push([key, undefined]);
      } else if (eq >= 0) opts.push([key, a.slice(eq + 1)]);
      else if (lo.arg === 'opt') opts.push([key, undefined]);
      else if (i + 1 < argv.length) opts.push([key, argv[++i]]);
      else {
        io.err(`option '--${lo.name}' requires an argument`);
        tryHelp();
        return st;
      }
      continue;
    }
    if (a.length > 1 && a[0] === '-' && !(def.numbersAreOperands && /^-[0-9.]/.test(a))) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        const kind = shortArg(c);
        if (kind < 0) {
          io.err(`invalid option -- '${c}'`);
          tryHelp();
          return st;
        }
        if (kind === 0) { opts.push([c, undefined]); continue; }
        if (j + 1 < a.length) { opts.push([c, a.slice(j + 1)]); break; }
        if (kind === 2) { opts.push([c, undefined]); break; }
        if (i + 1 < argv.length) { opts.push([c, argv[++i]]); break; }
        io.err(`option requires an argument -- '${c}'`);
        tryHelp();
        return st;
      }
      continue;
    }
    args.push(a);
    if (def.stopAtOperand) { i++; break; }
  }
  for (; i < argv.length; i++) args.push(argv[i]);
  return { opts, args };
}

/** Options as a set of flags (last value wins for options with arguments). */
export function flagsOf(p: Parsed): Map<string, string | true> {
  const m = new Map<string, string | true>();
  for (const [k, v] of p.opts) m.set(k, v ?? true);
  return m;
}

// ---- --version ---------------------------------------------------------------------------

export function coreutilsVersion(io: Io, name: string, authors: string): number {
  io.out(`${name} (GNU coreutils) 8.32
Copyright (C) 2020 Free Software Foundation, Inc.
License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.
This is free software: you are free to change and redistribute it.
There is NO WARRANTY, to the extent permitted by law.

Written by ${authors}.
`);
  return 0;
}

// ---- input ---------------------------------------------------------------------------------

/** Something to read text from: a file, stdin, or a character device. */
export interface Src {
  /** The operand as given ('-' for stdin). */
  readonly name: string;
  read(): Co<string | null>;
  /** Whole content, if the source is a finite in-memory file (fast path). */
  readonly whole?: string;
}

const DEV_CHUNK = 4096;

/** A tiny deterministic generator for /dev/urandom (xorshift32), seeded from the host. */
export class ByteRng {
  private s: number;
  constructor(seed: string) {
    let h = 2166136261;
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
    this.s = (h >>> 0) || 0x9e3779b9;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.s = x;
    return x;
  }
}

let urandomCounter = 0;

function stringSrc(name: string, data: string): Src {
  let done = false;
  return {
    name,
    whole: data,
    *read() {
      if (done) return null;
      done = true;
      return data;
    },
  };
}

/** A Src for a character device (zero, urandom, null, full, tty). */
export function devSrc(ctx: CmdContext, name: string, dev: string | undefined): Src {
  switch (dev) {
    case 'zero':
    case 'full': {
      const chunk = '\0'.repeat(DEV_CHUNK);
      let n = 0;
      return {
        name,
        *read() {
          // an endless source: let the scheduler in now and then (wc /dev/zero prints nothing)
          if (++n % 16 === 0) yield TICK;
          return chunk;
        },
      };
    }
    case 'urandom':
    case 'random': {
      const rng = new ByteRng(`${ctx.host.hostname}/${ctx.host.now()}/${urandomCounter++}`);
      let n = 0;
      return {
        name,
        *read() {
          if (++n % 16 === 0) yield TICK;
          let s = '';
          // 7-bit bytes: the lab's files are UTF-8 text, and a byte >= 0x80 would count as two
          // there, so `head -c 16 /dev/urandom | wc -c` would not print 16.
          for (let i = 0; i < DEV_CHUNK / 4; i++) {
            const x = rng.next();
            s += String.fromCharCode(x & 0x7f, (x >>> 8) & 0x7f, (x >>> 16) & 0x7f, (x >>> 24) & 0x7f);
          }
          return s;
        },
      };
    }
    case 'tty':
      return { name, read: () => ctx.stdin.read() };
    default:
      return { name, *read() { return null; } };
  }
}

/**
 * Open an operand for reading: `-` is stdin; directories throw EISDIR (as read(2) does);
 * missing files throw ENOENT. Device files stream.
 */
export function openSrc(ctx: CmdContext, operand: string): Src {
  if (operand === '-') return { name: '-', read: () => ctx.stdin.read() };
  const path = ctx.resolve(operand);
  const node: Inode = ctx.fs.lookup(path);
  if (node.kind === 'dir') throw new FsError('EISDIR', path);
  if (node.kind === 'chardev') return devSrc(ctx, operand, node.dev);
  return stringSrc(operand, ctx.fs.readNode(node, path));
}

/** The stdin Src. */
export function stdinSrc(ctx: CmdContext): Src {
  return { name: '-', read: () => ctx.stdin.read() };
}

/** Read a whole Src. Endless sources fail with MemoryExhausted instead of eating the tab. */
export function* readAll(src: Src, limit = 64 * 1024 * 1024): Co<string> {
  if (src.whole !== undefined) return src.whole;
  const parts: string[] = [];
  let n = 0;
  for (;;) {
    const c = yield* src.read();
    if (c === null) break;
    parts.push(c);
    n += c.length;
    if (n > limit) throw new MemoryExhausted();
  }
  return parts.join('');
}

/** Reads lines (without their terminator) from a Src; `nl` tells if the last one had one. */
export class LineReader {
  private buf = '';
  private pos = 0;
  private eof = false;
  /** The start of a line still waiting for its separator, in pieces: joining only once the
   * line is complete keeps a long line (`nl /dev/zero`) linear instead of quadratic. */
  private partial: string[] = [];
  private partialLen = 0;
  /** Whether the line last returned was terminated (false only for a final partial line). */
  nl = true;

  constructor(private readonly src: Src, private readonly sep = '\n', private readonly limit = 32 * 1024 * 1024) {}

  *next(): Co<string | null> {
    for (;;) {
      const k = this.buf.indexOf(this.sep, this.pos);
      if (k >= 0) {
        let line = this.buf.slice(this.pos, k);
        if (this.partial.length) { this.partial.push(line); line = this.partial.join(''); this.partial = []; this.partialLen = 0; }
        this.pos = k + 1;
        this.nl = true;
        return line;
      }
      if (this.pos < this.buf.length) {
        const rest = this.buf.slice(this.pos);
        this.partial.push(rest);
        this.partialLen += rest.length;
      }
      this.buf = '';
      this.pos = 0;
      if (this.partialLen > this.limit) throw new MemoryExhausted();
      if (this.eof) {
        if (!this.partial.length) return null;
        const line = this.partial.join('');
        this.partial = [];
        this.partialLen = 0;
        this.nl = false;
        return line;
      }
      const chunk = yield* this.src.read();
      if (chunk === null) this.eof = true;
      else this.buf = chunk;
    }
  }

  /** True when nothing more can be read (after a null from next()). */
  get done(): boolean { return this.eof && this.pos >= this.buf.length && !this.partial.length; }
}

/** Split text into lines; the final line's lack of "\n" is reported. */
export function splitLines(s: string, sep = '\n'): { lines: string[]; lastNl: boolean } {
  if (s === '') return { lines: [], lastNl: true };
  const lastNl = s.endsWith(sep);
  const lines = (lastNl ? s.slice(0, -1) : s).split(sep);
  return { lines, lastNl };
}

// ---- users and groups ----------------------------------------------------------------------

export interface Ids { readonly byName: Map<string, number>; readonly byId: Map<number, string> }

function table(ctx: CmdContext, path: string): Ids {
  const byName = new Map<string, number>();
  const byId = new Map<number, string>();
  let text = '';
  try { text = ctx.fs.readFile(path); } catch { /* no table */ }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || !/^\d+$/.test(f[2])) continue;
    const id = Number(f[2]);
    if (!byName.has(f[0])) byName.set(f[0], id);
    if (!byId.has(id)) byId.set(id, f[0]);
  }
  if (!byName.has('root')) { byName.set('root', 0); if (!byId.has(0)) byId.set(0, 'root'); }
  // httpd's %pre scriptlet adds apache (uid/gid 48) on RHEL; the lab's package does not write it.
  if (!byName.has('apache') && ctx.host.hasPackage('httpd')) {
    byName.set('apache', 48);
    if (!byId.has(48)) byId.set(48, 'apache');
  }
  return { byName, byId };
}

export function users(ctx: CmdContext): Ids { return table(ctx, '/etc/passwd'); }
export function groups(ctx: CmdContext): Ids { return table(ctx, '/etc/group'); }

// ---- time ----------------------------------------------------------------------------------

/** Whole seconds since the epoch on the host's virtual clock. */
export function epochNow(ctx: CmdContext): number {
  return Math.floor(ctx.host.epochSeconds());
}

export const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
  'October', 'November', 'December'];

function isoWeek(d: Date): { year: number; week: number } {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = (t.getUTCDay() + 6) % 7;
  t.setUTCDate(t.getUTCDate() - day + 3);
  const year = t.getUTCFullYear();
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const week = 1 + Math.round(((t.getTime() - jan4.getTime()) / 86400000 - 3 + ((jan4.getUTCDay() + 6) % 7)) / 7);
  return { year, week };
}

/** strftime in the C locale, time zone UTC (the lab's hosts run in UTC). */
export function strftime(fmt: string, epoch: number, nanos = 0): string {
  const d = new Date(epoch * 1000);
  const Y = d.getUTCFullYear(), m = d.getUTCMonth(), day = d.getUTCDate();
  const H = d.getUTCHours(), M = d.getUTCMinutes(), S = d.getUTCSeconds(), wd = d.getUTCDay();
  const yday = Math.floor((Date.UTC(Y, m, day) - Date.UTC(Y, 0, 1)) / 86400000);
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== '%' || i + 1 >= fmt.length) { out += c; continue; }
    const start = i;
    let j = i + 1;
    let flag = '';
    while ('-_0^#'.includes(fmt[j]) && j < fmt.length) flag += fmt[j++];
    let width = '';
    while (/[0-9]/.test(fmt[j] ?? '')) width += fmt[j++];
    let colons = 0;
    while (fmt[j] === ':') { colons++; j++; }
    if (fmt[j] === 'E' || fmt[j] === 'O') {
      if (j + 1 < fmt.length && /[a-zA-Z]/.test(fmt[j + 1])) j++;
    }
    const conv = fmt[j];
    i = j;
    // numeric: [value, default width, default pad]
    let num: [number, number, string] | undefined;
    let str: string | undefined;
    switch (conv) {
      case 'a': str = DAYS[wd].slice(0, 3); break;
      case 'A': str = DAYS[wd]; break;
      case 'b': case 'h': str = MONTHS[m].slice(0, 3); break;
      case 'B': str = MONTHS[m]; break;
      case 'c': str = strftime('%a %b %e %H:%M:%S %Y', epoch); break;
      case 'C': num = [Math.floor(Y / 100), 2, '0']; break;
      case 'd': num = [day, 2, '0']; break;
      case 'D': case 'x': str = strftime('%m/%d/%y', epoch); break;
      case 'e': num = [day, 2, ' ']; break;
      case 'F': str = strftime('%Y-%m-%d', epoch); break;
      case 'g': num = [isoWeek(d).year % 100, 2, '0']; break;
      case 'G': num = [isoWeek(d).year, 1, '0']; break;
      case 'H': num = [H, 2, '0']; break;
      case 'I': num = [H % 12 || 12, 2, '0']; break;
      case 'j': num = [yday + 1, 3, '0']; break;
      case 'k': num = [H, 2, ' ']; break;
      case 'l': num = [H % 12 || 12, 2, ' ']; break;
      case 'm': num = [m + 1, 2, '0']; break;
      case 'M': num = [M, 2, '0']; break;
      case 'n': str = '\n'; break;
      case 'N': str = String(nanos).padStart(9, '0'); if (width) str = str.slice(0, Number(width)); width = ''; break;
      case 'p': str = H < 12 ? 'AM' : 'PM'; break;
      case 'P': str = H < 12 ? 'am' : 'pm'; break;
      case 'q': num = [Math.floor(m / 3) + 1, 1, '0']; break;
      case 'r': str = strftime('%I:%M:%S %p', epoch); break;
      case 'R': str = strftime('%H:%M', epoch); break;
      case 's': num = [epoch, 1, '0']; break;
      case 'S': num = [S, 2, '0']; break;
      case 't': str = '\t'; break;
      case 'T': case 'X': str = strftime('%H:%M:%S', epoch); break;
      case 'u': num = [wd || 7, 1, '0']; break;
      case 'U': num = [Math.floor((yday + 7 - wd) / 7), 2, '0']; break;
      case 'V': num = [isoWeek(d).week, 2, '0']; break;
      case 'w': num = [wd, 1, '0']; break;
      case 'W': num = [Math.floor((yday + 7 - ((wd + 6) % 7)) / 7), 2, '0']; break;
      case 'y': num = [Y % 100, 2, '0']; break;
      case 'Y': num = [Y, 1, '0']; break;
      case 'z': str = ['+0000', '+00:00', '+00:00:00', '+00'][Math.min(colons, 3)]; break;
      case 'Z': str = flag.includes('#') ? 'utc' : 'UTC'; break;
      case '%': str = '%'; break;
      default:
        out += fmt.slice(start, j + 1);
        continue;
    }
    if (num) {
      const [v, w0, pad0] = num;
      let pad = pad0;
      if (flag.includes('_')) pad = ' ';
      if (flag.includes('0')) pad = '0';
      const w = width ? Number(width) : w0;
      let s = String(Math.abs(v));
      if (!flag.includes('-')) s = s.padStart(w - (v < 0 ? 1 : 0), pad === ' ' ? ' ' : '0');
      if (v < 0) s = '-' + s;
      out += s;
    } else {
      let s = str ?? '';
      if (flag.includes('^') || (flag.includes('#') && /[a-z]/.test(s) && conv !== 'Z')) s = s.toUpperCase();
      if (width && !flag.includes('-')) s = s.padStart(Number(width), flag.includes('0') ? '0' : ' ');
      out += s;
    }
  }
  return out;
}

// ---- misc ----------------------------------------------------------------------------------

/** The mode string `-rw-r--r--` (without the SELinux dot). */
export function modeString(kind: string, mode: number): string {
  const t = kind === 'dir' ? 'd' : kind === 'symlink' ? 'l' : kind === 'chardev' ? 'c' : '-';
  const rwx = (v: number, special: boolean, ch: string): string =>
    (v & 4 ? 'r' : '-') + (v & 2 ? 'w' : '-') + (special ? (v & 1 ? ch : ch.toUpperCase()) : v & 1 ? 'x' : '-');
  return t + rwx((mode >> 6) & 7, !!(mode & 0o4000), 's') + rwx((mode >> 3) & 7, !!(mode & 0o2000), 's')
    + rwx(mode & 7, !!(mode & 0o1000), 't');
}

/** UTF-8 byte length (re-exported for the commands). */
export { byteLength };

/** Encode a string as UTF-8 bytes, except that a string made only of U+0000..U+00FF whose
 * high characters came from a byte device is still UTF-8 encoded: the lab's files are text. */
export function utf8(s: string): Uint8Array { return new TextEncoder().encode(s); }

/** A stream writing into a string (for runLine captures). */
export function collector(): OutStream & { text: string } {
  const o = {
    text: '',
    isTty: false,
    write(s: string) { o.text += s; },
    *drain(): Co<void> { /* never blocks */ },
  };
  return o;
}

/** Parse a non-negative decimal integer (GNU xstrtoumax-ish, with optional suffixes). */
export function parseCount(s: string, suffixes = true): number | undefined {
  const m = /^\s*\+?(\d+)([a-zA-Z]*)$/.exec(s);
  if (!m) return undefined;
  let n = Number(m[1]);
  const suf = m[2];
  if (suf) {
    if (!suffixes) return undefined;
    const mult: Record<string, number> = {
      b: 512, kB: 1000, K: 1024, k: 1024, KiB: 1024, MB: 1e6, M: 1024 ** 2, MiB: 1024 ** 2, GB: 1e9, G: 1024 ** 3,
      GiB: 1024 ** 3, TB: 1e12, T: 1024 ** 4, TiB: 1024 ** 4, PB: 1e15, P: 1024 ** 5, EB: 1e18, E: 1024 ** 6,
    };
    const k = mult[suf];
    if (k === undefined) return undefined;
    n *= k;
  }
  return n;
}
