/**
 * md5sum and sha256sum (coreutils 8.32): real MD5 (RFC 1321) and SHA-256 (FIPS 180-4)
 * digests of the UTF-8 bytes of each input, computed incrementally chunk by chunk. Output is
 * `digest  name` (`*name` with -b, `MD5 (name) = digest` with --tag); -c checks a list.
 */
import { Md5, Sha256, type Hasher } from '../../core/util/hash.ts';
import type { Co } from '../types.ts';
import { defineCommand, errText, getopt, type Io, openSrc, passSignal, qf, readAll, type Src, stdinSrc } from './util.ts';

const encoder = new TextEncoder();

function* hashSrc(src: Src, make: () => Hasher): Co<string> {
  const h = make();
  for (;;) {
    const c = yield* src.read();
    if (c === null) break;
    h.update(encoder.encode(c));
  }
  return h.hex();
}

/** Convenience for tests and other commands. */
export function md5Hex(s: string): string { const h = new Md5(); h.update(encoder.encode(s)); return h.hex(); }
export function sha256Hex(s: string): string { const h = new Sha256(); h.update(encoder.encode(s)); return h.hex(); }

function digestCommand(name: string, tag: string, make: () => Hasher, hexLen: number) {
  return defineCommand(name, function* (io, ctx) {
    const p = getopt(io, ctx.argv, {
      short: 'bctwz',
      long: [{ name: 'binary', key: 'b' }, { name: 'check', key: 'c' }, { name: 'text', key: 't' }, { name: 'tag' },
        { name: 'quiet' }, { name: 'status' }, { name: 'strict' }, { name: 'warn', key: 'w' }, { name: 'ignore-missing' },
        { name: 'zero', key: 'z' }, { name: 'help' }, { name: 'version' }],
    });
    if (typeof p === 'number') return p;
    const f = new Set(p.opts.map(([k]) => k));
    const files = p.args.length ? p.args : ['-'];
    const open = (n: string): Src => (n === '-' ? stdinSrc(ctx) : openSrc(ctx, n));
    if (f.has('c')) return yield* check(io, files, open, make, hexLen, tag, f);
    let status = 0;
    for (const n of files) {
      let hex: string;
      try {
        hex = yield* hashSrc(open(n), make);
      } catch (e) {
        passSignal(e);
        io.err(`${qf(n)}: ${errText(e)}`);
        status = 1;
        continue;
      }
      // GNU escapes names holding a backslash or newline and prefixes the line with `\`
      const esc = /[\\\n]/.test(n);
      const shown = esc ? n.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : n;
      if (f.has('tag')) io.out(`${esc ? '\\' : ''}${tag} (${shown}) = ${hex}\n`);
      else io.out(`${esc ? '\\' : ''}${hex} ${f.has('b') ? '*' : ' '}${shown}\n`);
      yield* io.flow();
    }
    return status;
  });
}

function* check(io: Io, lists: string[], open: (n: string) => Src, make: () => Hasher,
  hexLen: number, tag: string, f: Set<string>): Co<number> {
  let status = 0;
  for (const list of lists) {
    let text: string;
    try { text = yield* readAll(open(list)); } catch (e) {
      passSignal(e);
      io.err(`${qf(list)}: ${errText(e)}`);
      status = 1;
      continue;
    }
    let good = 0, bad = 0, unreadable = 0, malformed = 0;
    const lines = text.split('\n').filter((l) => l !== '');
    for (const line of lines) {
      const m = new RegExp(`^\\\\?([0-9a-fA-F]{${hexLen}}) [ *](.+)$`).exec(line)
        ?? new RegExp(`^\\\\?${tag} \\((.+)\\) = ([0-9a-fA-F]{${hexLen}})$`).exec(line);
      if (!m) { malformed++; continue; }
      const [hex, name] = m[1].length === hexLen && /^[0-9a-fA-F]+$/.test(m[1]) ? [m[1], m[2]] : [m[2], m[1]];
      let got: string;
      try { got = yield* hashSrc(open(name), make); } catch (e) {
        passSignal(e);
        if (f.has('ignore-missing')) continue;
        io.err(`${name}: ${errText(e)}`);
        if (!f.has('status')) io.out(`${name}: FAILED open or read\n`);
        unreadable++;
        continue;
      }
      if (got === hex.toLowerCase()) { good++; if (!f.has('quiet') && !f.has('status')) io.out(`${name}: OK\n`); }
      else { bad++; if (!f.has('status')) io.out(`${name}: FAILED\n`); }
    }
    if (good + bad + unreadable === 0) {
      io.err(`${qf(list)}: no properly formatted checksum lines found`);
      status = 1;
      continue;
    }
    if (!f.has('status')) {
      if (malformed) io.err(`WARNING: ${malformed} line${malformed > 1 ? 's are' : ' is'} improperly formatted`);
      if (unreadable) io.err(`WARNING: ${unreadable} listed file${unreadable > 1 ? 's' : ''} could not be read`);
      if (bad) io.err(`WARNING: ${bad} computed checksum${bad > 1 ? 's' : ''} did NOT match`);
    }
    if (bad || unreadable || (f.has('strict') && malformed)) status = 1;
  }
  return status;
}

export const md5sum = digestCommand('md5sum', 'MD5', () => new Md5(), 32);
export const sha256sum = digestCommand('sha256sum', 'SHA256', () => new Sha256(), 64);
