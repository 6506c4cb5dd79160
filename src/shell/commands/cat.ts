/**
 * cat (-A -b -e -E -n -s -t -T -u -v), tac, rev, and the pagers more/less (which behave like
 * cat, as they do when their output is not a terminal; the lab has no interactive pager).
 *
 * cat streams: it copies chunk by chunk and drains between them, so `cat /dev/zero | head -c 10`
 * ends when head does. Numbering and -s state carry across files, as in GNU cat (a file
 * without a final newline continues the line into the next file).
 */
import type { CmdContext, Co } from '../types.ts';
import {
  coreutilsVersion, defineCommand, passSignal, errText, flagsOf, getopt, type Io, LineReader, openSrc, q, qf, readAll, type Src,
  stdinSrc,
} from './util.ts';

const encoder = new TextEncoder();

/** cat -v notation for one character (as its UTF-8 bytes). */
function showNonprinting(c: string, tabs: boolean): string {
  const n = c.charCodeAt(0);
  if (n < 0x80) {
    if (c === '\t') return tabs ? '^I' : '\t';
    if (n < 0x20) return '^' + String.fromCharCode(n + 64);
    if (n === 0x7f) return '^?';
    return c;
  }
  let s = '';
  for (const b of encoder.encode(c)) {
    const x = b - 128;
    if (x < 0x20) s += 'M-^' + String.fromCharCode(x + 64);
    else if (x === 0x7f) s += 'M-^?';
    else s += 'M-' + String.fromCharCode(x);
  }
  return s;
}

/** Calls `fn` for each operand (or stdin); prints `prog: name: error` for unreadable ones. */
export function* forEachInput(io: Io, ctx: CmdContext, operands: readonly string[], fn: (src: Src) => Co<void>,
  onError?: (name: string, e: unknown) => void): Co<boolean> {
  let ok = true;
  const list = operands.length ? operands : ['-'];
  for (const name of list) {
    let src: Src;
    try {
      src = name === '-' ? stdinSrc(ctx) : openSrc(ctx, name);
    } catch (e) {
      if (onError) onError(name, e);
      else io.err(`${qf(name)}: ${errText(e)}`);
      ok = false;
      continue;
    }
    yield* fn(src);
  }
  return ok;
}

export const cat = defineCommand('cat', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'AbeEnstTuv',
    long: [
      { name: 'show-all', key: 'A' }, { name: 'number-nonblank', key: 'b' }, { name: 'show-ends', key: 'E' },
      { name: 'number', key: 'n' }, { name: 'squeeze-blank', key: 's' }, { name: 'show-tabs', key: 'T' },
      { name: 'show-nonprinting', key: 'v' }, { name: 'help' }, { name: 'version' },
    ],
  });
  if (typeof p === 'number') return p;
  let numberAll = false, numberNonblank = false, ends = false, squeeze = false, tabs = false, nonprint = false;
  for (const [k] of p.opts) {
    switch (k) {
      case 'A': nonprint = ends = tabs = true; break;
      case 'b': numberNonblank = true; break;
      case 'e': nonprint = ends = true; break;
      case 'E': ends = true; break;
      case 'n': numberAll = true; break;
      case 's': squeeze = true; break;
      case 't': nonprint = tabs = true; break;
      case 'T': tabs = true; break;
      case 'v': nonprint = true; break;
      case 'help': io.out('Usage: cat [OPTION]... [FILE]...\nConcatenate FILE(s) to standard output.\n'); return 0;
      case 'version': return coreutilsVersion(io, 'cat', 'Torbjorn Granlund and Richard M. Stallman');
      default: break;
    }
  }
  const number = numberAll || numberNonblank;
  const plain = !number && !ends && !squeeze && !tabs && !nonprint;
  let atStart = true, blankRun = 0, lineNo = 0;
  const transform = (s: string): string => {
    if (!nonprint && !tabs) return s;
    let o = '';
    for (const c of s) o += nonprint ? showNonprinting(c, tabs) : c === '\t' ? '^I' : c;
    return o;
  };
  const format = (chunk: string): void => {
    let pos = 0;
    while (pos < chunk.length) {
      const k = chunk.indexOf('\n', pos);
      const hasNl = k >= 0;
      const piece = chunk.slice(pos, hasNl ? k : undefined);
      pos = hasNl ? k + 1 : chunk.length;
      if (atStart && piece === '' && hasNl) {
        blankRun++;
        if (squeeze && blankRun > 1) continue;
        if (numberAll && !numberNonblank) io.out(String(++lineNo).padStart(6) + '\t');
      } else if (atStart && piece !== '') {
        blankRun = 0;
        if (number) io.out(String(++lineNo).padStart(6) + '\t');
      }
      io.out(transform(piece));
      if (hasNl) io.out(ends ? '$\n' : '\n');
      atStart = hasNl;
    }
  };
  const ok = yield* forEachInput(io, ctx, p.args, function* (src) {
    try {
      for (;;) {
        const chunk = yield* src.read();
        if (chunk === null) break;
        if (plain) io.out(chunk);
        else format(chunk);
        yield* io.flow();
      }
    } catch (e) {
      passSignal(e);
      io.err(`${qf(src.name)}: ${errText(e)}`);
    }
  });
  return ok ? 0 : 1;
});

export const tac = defineCommand('tac', function* (io, ctx) {
  const p = getopt(io, ctx.argv, { short: 'brs:', long: [{ name: 'separator', key: 's', arg: 'req' }, { name: 'before', key: 'b' }] });
  if (typeof p === 'number') return p;
  const f = flagsOf(p);
  const sep = typeof f.get('s') === 'string' ? (f.get('s') as string) || '\n' : '\n';
  const before = f.has('b');
  let ok = true;
  for (const name of p.args.length ? p.args : ['-']) {
    let text: string;
    try {
      text = yield* readAll(name === '-' ? stdinSrc(ctx) : openSrc(ctx, name));
    } catch (e) {
      passSignal(e);
      io.err(errText(e) === 'Is a directory' ? `${qf(name)}: read error: Is a directory` : `failed to open ${q(name)} for reading: ${errText(e)}`);
      ok = false;
      continue;
    }
    if (text === '') continue;
    const parts = text.split(sep);
    if (before) {
      // separators attach to the start of each record
      const recs: string[] = [];
      if (parts[0] !== '') recs.push(parts[0]);
      for (let i = 1; i < parts.length; i++) recs.push(sep + parts[i]);
      for (let i = recs.length - 1; i >= 0; i--) { io.out(recs[i]); yield* io.flow(); }
    } else {
      const trailing = parts[parts.length - 1] === '';
      if (trailing) parts.pop();
      const last = trailing ? undefined : parts.pop();
      if (last !== undefined) io.out(last);
      for (let i = parts.length - 1; i >= 0; i--) { io.out(parts[i] + sep); yield* io.flow(); }
    }
  }
  return ok ? 0 : 1;
});

export const rev = defineCommand('rev', function* (io, ctx) {
  const p = getopt(io, ctx.argv, { short: 'V', long: [{ name: 'version', key: 'V' }, { name: 'help', key: 'h' }] });
  if (typeof p === 'number') return p;
  if (p.opts.some(([k]) => k === 'V')) { io.out('rev from util-linux 2.37.4\n'); return 0; }
  const ok = yield* forEachInput(io, ctx, p.args, function* (src) {
    const lr = new LineReader(src);
    for (;;) {
      const line = yield* lr.next();
      if (line === null) break;
      io.out([...line].reverse().join('') + (lr.nl ? '\n' : ''));
      yield* io.flow();
    }
  }, (name, e) => io.err(`cannot open ${name}: ${errText(e)}`));
  return ok ? 0 : 1;
});

function pager(name: string) {
  return defineCommand(name, function* (io, ctx) {
    const args = ctx.argv.slice(1).filter((a) => !a.startsWith('-') || a === '-');
    let ok = true;
    for (const f of args.length ? args : ['-']) {
      try {
        const src = f === '-' ? stdinSrc(ctx) : openSrc(ctx, f);
        for (;;) {
          const c = yield* src.read();
          if (c === null) break;
          io.out(c);
          yield* io.flow();
        }
      } catch (e) {
        passSignal(e);
        ok = false;
        if (name === 'less') io.errRaw(errText(e) === 'Is a directory' ? `${f} is a directory\n` : `${f}: ${errText(e)}\n`);
        else io.err(errText(e) === 'Is a directory' ? `\n*** ${f}: directory ***\n` : `cannot open ${f}: ${errText(e)}`);
      }
    }
    return ok ? 0 : 1;
  });
}

export const more = pager('more');
export const less = pager('less');
