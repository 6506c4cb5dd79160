/**
 * wc (coreutils 8.32): -l -w -c -m -L, in GNU's fixed column order, with GNU's column width
 * (compute_number_width: the digits of the total size of the regular files, at least 7 when
 * an input is not a regular file such as a pipe, and 1 for a single count of a single file),
 * a `total` line for several files, and a line of zeros after `wc: d: Is a directory`.
 *
 * Counting is streamed chunk by chunk, so wc on an endless pipe runs in bounded memory.
 * Bytes are UTF-8 bytes; -m counts characters; words are runs of non-space characters.
 */
import type { Co } from '../types.ts';
import { byteLength, defineCommand, errText, getopt, openSrc, passSignal, qf, type Src, stdinSrc } from './util.ts';

interface Counts { lines: number; words: number; chars: number; bytes: number; maxLen: number }

const SPACE = /[ \t\n\v\f\r\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;

function* count(src: Src, wantWidth: boolean): Co<Counts> {
  const c: Counts = { lines: 0, words: 0, chars: 0, bytes: 0, maxLen: 0 };
  let inWord = false;
  let col = 0;
  for (;;) {
    const chunk = yield* src.read();
    if (chunk === null) break;
    c.bytes += byteLength(chunk);
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i];
      const code = chunk.charCodeAt(i);
      if (code >= 0xd800 && code < 0xdc00) { i++; c.chars++; inWord = true; col += 2; continue; }
      c.chars++;
      if (ch === '\n') {
        c.lines++;
        if (col > c.maxLen) c.maxLen = col;
        col = 0;
        inWord = false;
        continue;
      }
      if (code < 0x80 ? (code === 32 || (code >= 9 && code <= 13)) : SPACE.test(ch)) {
        inWord = false;
        if (wantWidth) col = ch === '\t' ? col + 8 - (col % 8) : ch === '\r' || ch === '\f' ? 0 : col + (ch === ' ' ? 1 : 0);
        continue;
      }
      if (!inWord) { c.words++; inWord = true; }
      if (wantWidth && code >= 0x20 && code !== 0x7f) col++;
    }
  }
  if (col > c.maxLen) c.maxLen = col;
  return c;
}

export const wc = defineCommand('wc', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'clLmw',
    long: [{ name: 'bytes', key: 'c' }, { name: 'chars', key: 'm' }, { name: 'lines', key: 'l' }, { name: 'words', key: 'w' },
      { name: 'max-line-length', key: 'L' }, { name: 'files0-from', arg: 'req' }, { name: 'help' }, { name: 'version' }],
  });
  if (typeof p === 'number') return p;
  const f = new Set(p.opts.map(([k]) => k));
  if (f.has('files0-from')) {
    const v = p.opts.find(([k]) => k === 'files0-from')![1] ?? '';
    io.err(`cannot open ${qf(v)} for reading: No such file or directory`);
    return 1;
  }
  let [lines, words, chars, bytes, maxLen] = ['l', 'w', 'm', 'c', 'L'].map((k) => f.has(k));
  if (!lines && !words && !chars && !bytes && !maxLen) lines = words = bytes = true;
  const nCounts = [lines, words, chars, bytes, maxLen].filter(Boolean).length;
  const files = p.args.length ? p.args : ['-'];
  // Open everything first: the column width depends on all inputs (as GNU's fstat pass).
  const opened: { name: string; src?: Src; err?: string; dir?: boolean }[] = [];
  for (const name of files) {
    try {
      opened.push({ name, src: name === '-' ? stdinSrc(ctx) : openSrc(ctx, name) });
    } catch (e) {
      passSignal(e);
      if (errText(e) === 'Is a directory') opened.push({ name, dir: true });
      else opened.push({ name, err: errText(e) });
    }
  }
  let width = 1;
  if (!(files.length === 1 && nCounts === 1) && opened.length && !opened[0].err) {
    let minimum = 1;
    let total = 0;
    for (const o of opened) {
      if (o.err) continue;
      if (o.src?.whole !== undefined) total += byteLength(o.src.whole);
      else minimum = 7;
    }
    width = Math.max(minimum, String(total).length);
  }
  const fmt = (c: Counts, name: string | null): string => {
    const cols: number[] = [];
    if (lines) cols.push(c.lines);
    if (words) cols.push(c.words);
    if (chars) cols.push(c.chars);
    if (bytes) cols.push(c.bytes);
    if (maxLen) cols.push(c.maxLen);
    return cols.map((n) => String(n).padStart(width)).join(' ') + (name === null ? '' : ' ' + name) + '\n';
  };
  const tot: Counts = { lines: 0, words: 0, chars: 0, bytes: 0, maxLen: 0 };
  let status = 0;
  for (const o of opened) {
    if (o.err) {
      io.err(`${qf(o.name)}: ${o.err}`);
      status = 1;
      continue;
    }
    const c = o.dir ? { lines: 0, words: 0, chars: 0, bytes: 0, maxLen: 0 } : yield* count(o.src!, maxLen);
    if (o.dir) {
      io.err(`${qf(o.name)}: Is a directory`);
      status = 1;
    }
    tot.lines += c.lines; tot.words += c.words; tot.chars += c.chars; tot.bytes += c.bytes;
    tot.maxLen = Math.max(tot.maxLen, c.maxLen);
    io.out(fmt(c, p.args.length ? o.name : null));
    yield* io.flow();
  }
  if (files.length > 1) io.out(fmt(tot, 'total'));
  return status;
});
