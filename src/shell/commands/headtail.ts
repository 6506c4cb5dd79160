/**
 * head and tail (coreutils 8.32): -n N, -n -N (head: all but the last N), -n +N (tail: from
 * line N), the same for -c with bytes, the obsolete `-5`, `-5c`, `+3` forms, `==> f <==`
 * headers for several files (-q/-v), and GNU's messages.
 *
 * Both stream: head stops reading once it has enough, so `cat /dev/zero | head -c 10` ends;
 * tail keeps only a window of the last N lines. Byte counts are UTF-8 bytes; a multibyte
 * character that would straddle the limit is left out (GNU would cut it in half).
 *
 * tail -f follows files when the command runs interactively (stdout is the terminal): it
 * polls once per virtual second (a `sim` wait), prints what was appended, and stops at
 * Ctrl-C. Headless (a pipe or a file), it prints the tail and exits, since nothing could ever
 * interrupt it there.
 */
import type { CmdContext, Co } from '../types.ts';
import { waitSim } from '../types.ts';
import {
  byteLength, defineCommand, errText, getopt, type Io, LineReader, lq, openSrc, parseCount, passSignal, q, readAll,
  type Src, stdinSrc,
} from './util.ts';

/** Rewrite the obsolete `-5`, `-5c`, `+5` first operand into -n/-c options. */
function obsolete(argv: readonly string[], allowPlus: boolean): string[] {
  const a = [...argv];
  const m = a.length > 1 ? /^([-+])(\d+)([bclkmn]?)([fqv]*)$/.exec(a[1]) : null;
  if (m && (m[1] === '-' || allowPlus) && !(m[1] === '+' && a.length > 3)) {
    const unit = m[3] === 'c' || m[3] === 'b' || m[3] === 'k' || m[3] === 'm' ? 'c' : 'n';
    let n = m[2];
    if (m[3] === 'b') n += 'b';
    if (m[3] === 'k') n += 'K';
    if (m[3] === 'm') n += 'M';
    const extra = m[4] ? ['-' + m[4]] : [];
    a.splice(1, 1, `-${unit}`, (m[1] === '+' ? '+' : '') + n, ...extra);
  }
  return a;
}

/** Take UTF-8 bytes from the front of `s`: [taken text, bytes taken]. */
function takeBytes(s: string, max: number): [string, number] {
  let n = 0;
  let i = 0;
  while (i < s.length) {
    const c = s.codePointAt(i)!;
    const w = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (n + w > max) break;
    n += w;
    i += c >= 0x10000 ? 2 : 1;
  }
  return [s.slice(0, i), n];
}

/** Drop UTF-8 bytes from the front of `s`. */
function dropBytes(s: string, count: number): string {
  return s.slice(takeBytes(s, count)[0].length);
}

interface HeadTailSpec { unit: 'n' | 'c'; n: number; sign: '' | '-' | '+' }

function parseSpec(io: Io, unit: 'n' | 'c', v: string, tail: boolean): HeadTailSpec | undefined {
  let sign: '' | '-' | '+' = '';
  let t = v.trim();
  if (t.startsWith('-')) { sign = '-'; t = t.slice(1); } else if (t.startsWith('+')) { sign = '+'; t = t.slice(1); }
  const n = parseCount(t);
  if (n === undefined || t === '') {
    io.err(`invalid number of ${unit === 'n' ? 'lines' : 'bytes'}: ${lq(io, v)}`);
    return undefined;
  }
  if (tail && sign === '-') sign = '';
  if (!tail && sign === '+') sign = '';
  return { unit, n, sign };
}

/** The Src for an operand; null for a directory (reported by the caller after its header), undefined on error. */
function* openNamed(io: Io, ctx: CmdContext, name: string): Co<Src | null | undefined> {
  try {
    return name === '-' ? stdinSrc(ctx) : openSrc(ctx, name);
  } catch (e) {
    passSignal(e);
    if (errText(e) === 'Is a directory') return null;
    io.err(`cannot open ${q(name)} for reading: ${errText(e)}`);
    return undefined;
  }
}

export const head = defineCommand('head', function* (io, ctx) {
  const p = getopt(io, obsolete(ctx.argv, false), {
    short: 'c:n:qvz',
    long: [{ name: 'bytes', key: 'c', arg: 'req' }, { name: 'lines', key: 'n', arg: 'req' }, { name: 'quiet', key: 'q' },
      { name: 'silent', key: 'q' }, { name: 'verbose', key: 'v' }],
  });
  if (typeof p === 'number') return p;
  let spec: HeadTailSpec = { unit: 'n', n: 10, sign: '' };
  let headers: boolean | undefined;
  for (const [k, v] of p.opts) {
    if (k === 'c' || k === 'n') {
      const s = parseSpec(io, k, v ?? '', false);
      if (!s) return 1;
      spec = s;
    } else if (k === 'q') headers = false;
    else if (k === 'v') headers = true;
  }
  const files = p.args.length ? p.args : ['-'];
  const showHeaders = headers ?? files.length > 1;
  let status = 0;
  let first = true;
  for (const name of files) {
    const src = yield* openNamed(io, ctx, name);
    if (src === undefined) { status = 1; continue; }
    if (showHeaders) {
      io.out(`${first ? '' : '\n'}==> ${name === '-' ? 'standard input' : name} <==\n`);
    }
    first = false;
    if (src === null) {
      io.err(`error reading ${q(name)}: Is a directory`);
      status = 1;
      continue;
    }
    yield* headOne(io, src, spec);
  }
  return status;
});

function* headOne(io: Io, src: Src, spec: HeadTailSpec): Co<void> {
  if (spec.unit === 'n' && spec.sign === '') {
    if (spec.n === 0) return;
    const lr = new LineReader(src);
    let left = spec.n;
    while (left > 0) {
      const line = yield* lr.next();
      if (line === null) break;
      io.out(lr.nl ? line + '\n' : line);
      left--;
      yield* io.flow();
    }
    return;
  }
  if (spec.unit === 'n') {
    // all but the last N lines: hold a window of N
    const lr = new LineReader(src);
    const win: string[] = [];
    for (;;) {
      const line = yield* lr.next();
      if (line === null) break;
      win.push(lr.nl ? line + '\n' : line);
      if (win.length > spec.n) io.out(win.shift()!);
      yield* io.flow();
    }
    return;
  }
  if (spec.sign === '') {
    let left = spec.n;
    while (left > 0) {
      const chunk = yield* src.read();
      if (chunk === null) break;
      const [t, used] = takeBytes(chunk, left);
      io.out(t);
      left -= used;
      if (t.length < chunk.length) break;
      yield* io.flow();
    }
    return;
  }
  const all = yield* readAll(src);
  const total = byteLength(all);
  io.out(takeBytes(all, Math.max(0, total - spec.n))[0]);
}

// ---- tail ----------------------------------------------------------------------------------

export const tail = defineCommand('tail', function* (io, ctx) {
  const p = getopt(io, obsolete(ctx.argv, true), {
    short: 'c:n:fFqvs:z',
    long: [{ name: 'bytes', key: 'c', arg: 'req' }, { name: 'lines', key: 'n', arg: 'req' }, { name: 'follow', key: 'f', arg: 'opt' },
      { name: 'quiet', key: 'q' }, { name: 'silent', key: 'q' }, { name: 'verbose', key: 'v' }, { name: 'sleep-interval', key: 's', arg: 'req' },
      { name: 'retry' }, { name: 'pid', arg: 'req' }],
  });
  if (typeof p === 'number') return p;
  let spec: HeadTailSpec = { unit: 'n', n: 10, sign: '' };
  let headers: boolean | undefined;
  let follow = false;
  let interval = 1;
  for (const [k, v] of p.opts) {
    if (k === 'c' || k === 'n') {
      const s = parseSpec(io, k, v ?? '', true);
      if (!s) return 1;
      spec = s;
    } else if (k === 'q') headers = false;
    else if (k === 'v') headers = true;
    else if (k === 'f' || k === 'F') follow = true;
    else if (k === 's') {
      const n = Number(v);
      if (!(n >= 0)) { io.err(`invalid number of seconds: ${lq(io, v ?? '')}`); return 1; }
      interval = n || 1;
    }
  }
  const files = p.args.length ? p.args : ['-'];
  const showHeaders = headers ?? files.length > 1;
  let status = 0;
  let first = true;
  const followed: { name: string; path: string; len: number }[] = [];
  for (const name of files) {
    const src = yield* openNamed(io, ctx, name);
    if (src === undefined) { status = 1; continue; }
    if (showHeaders) io.out(`${first ? '' : '\n'}==> ${name === '-' ? 'standard input' : name} <==\n`);
    first = false;
    if (src === null) {
      io.err(`error reading ${q(name)}: Is a directory`);
      status = 1;
      continue;
    }
    yield* tailOne(io, src, spec);
    if (follow && name !== '-' && src.whole !== undefined) followed.push({ name, path: ctx.resolve(name), len: src.whole.length });
  }
  yield* io.flush();
  if (!follow || !ctx.stdout.isTty || !ctx.tty) return status;
  if (files.includes('-') && !ctx.stdin.isTty) io.err("warning: following standard input indefinitely is ineffective");
  if (!followed.length) return status;
  // Follow: poll each virtual `interval` seconds until interrupted.
  let last = followed[followed.length - 1].name;
  for (;;) {
    yield* waitSim(undefined, ctx.host.now() + interval * 1_000_000);
    for (const f of followed) {
      let data: string;
      try { data = ctx.fs.readFile(f.path); } catch { continue; }
      if (data.length < f.len) {
        io.err(`${f.name}: file truncated`);
        f.len = 0;
      }
      if (data.length > f.len) {
        if (followed.length > 1 && last !== f.name) io.out(`\n==> ${f.name} <==\n`);
        last = f.name;
        io.out(data.slice(f.len));
        f.len = data.length;
      }
    }
    yield* io.flush();
  }
});

function* tailOne(io: Io, src: Src, spec: HeadTailSpec): Co<void> {
  if (spec.unit === 'n') {
    const lr = new LineReader(src);
    if (spec.sign === '+') {
      let n = 0;
      for (;;) {
        const line = yield* lr.next();
        if (line === null) break;
        if (++n >= spec.n) io.out(lr.nl ? line + '\n' : line);
        yield* io.flow();
      }
      return;
    }
    if (spec.n === 0) {
      while ((yield* lr.next()) !== null) { /* drain */ }
      return;
    }
    // a ring of the last N lines
    const ring: string[] = [];
    let pos = 0;
    for (;;) {
      const line = yield* lr.next();
      if (line === null) break;
      const s = lr.nl ? line + '\n' : line;
      if (ring.length < spec.n) ring.push(s);
      else { ring[pos] = s; pos = (pos + 1) % spec.n; }
    }
    io.out(ring.slice(pos).join('') + ring.slice(0, pos).join(''));
    return;
  }
  const all = yield* readAll(src);
  if (spec.sign === '+') io.out(dropBytes(all, Math.max(0, spec.n - 1)));
  else io.out(dropBytes(all, Math.max(0, byteLength(all) - spec.n)));
}
