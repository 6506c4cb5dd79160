/**
 * md5sum and sha256sum (coreutils 8.32): real MD5 (RFC 1321) and SHA-256 (FIPS 180-4)
 * digests of the UTF-8 bytes of each input, computed incrementally chunk by chunk. Output is
 * `digest  name` (`*name` with -b, `MD5 (name) = digest` with --tag); -c checks a list.
 */
import type { Co } from '../types.ts';
import { defineCommand, errText, getopt, type Io, openSrc, passSignal, qf, readAll, type Src, stdinSrc } from './util.ts';

interface Hasher { update(b: Uint8Array): void; hex(): string }

/** Shared block buffering for the Merkle–Damgård hashes. */
abstract class BlockHash implements Hasher {
  private buf = new Uint8Array(64);
  private n = 0;
  private len = 0;
  protected abstract block(b: Uint8Array): void;
  protected abstract bigEndian: boolean;
  protected abstract out(): Uint8Array;

  update(data: Uint8Array): void {
    this.len += data.length;
    let i = 0;
    while (i < data.length) {
      const take = Math.min(64 - this.n, data.length - i);
      this.buf.set(data.subarray(i, i + take), this.n);
      this.n += take;
      i += take;
      if (this.n === 64) { this.block(this.buf); this.n = 0; }
    }
  }

  hex(): string {
    const bits = this.len * 8;
    const pad = new Uint8Array(((this.n < 56 ? 56 : 120) - this.n) + 8);
    pad[0] = 0x80;
    const hi = Math.floor(bits / 2 ** 32), lo = bits >>> 0;
    const dv = new DataView(pad.buffer);
    if (this.bigEndian) { dv.setUint32(pad.length - 8, hi); dv.setUint32(pad.length - 4, lo); }
    else { dv.setUint32(pad.length - 8, lo, true); dv.setUint32(pad.length - 4, hi, true); }
    const saveLen = this.len;
    this.update(pad);
    this.len = saveLen;
    return [...this.out()].map((b) => b.toString(16).padStart(2, '0')).join('');
  }
}

const MD5_S = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21];
const MD5_K = Array.from({ length: 64 }, (_v, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);

export class Md5 extends BlockHash {
  protected bigEndian = false;
  private h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];

  protected block(b: Uint8Array): void {
    const dv = new DataView(b.buffer, b.byteOffset, 64);
    const m = Array.from({ length: 16 }, (_v, i) => dv.getUint32(i * 4, true));
    let [a, bb, c, d] = this.h;
    for (let i = 0; i < 64; i++) {
      let f: number, g: number;
      if (i < 16) { f = (bb & c) | (~bb & d); g = i; }
      else if (i < 32) { f = (d & bb) | (~d & c); g = (5 * i + 1) % 16; }
      else if (i < 48) { f = bb ^ c ^ d; g = (3 * i + 5) % 16; }
      else { f = c ^ (bb | ~d); g = (7 * i) % 16; }
      const t = d;
      d = c;
      c = bb;
      const x = (a + f + MD5_K[i] + m[g]) | 0;
      bb = (bb + ((x << MD5_S[i]) | (x >>> (32 - MD5_S[i])))) | 0;
      a = t;
    }
    this.h = [(this.h[0] + a) | 0, (this.h[1] + bb) | 0, (this.h[2] + c) | 0, (this.h[3] + d) | 0];
  }

  protected out(): Uint8Array {
    const o = new Uint8Array(16);
    const dv = new DataView(o.buffer);
    this.h.forEach((v, i) => dv.setUint32(i * 4, v >>> 0, true));
    return o;
  }
}

const SHA_K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

export class Sha256 extends BlockHash {
  protected bigEndian = true;
  private h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  private w = new Array<number>(64);

  protected block(b: Uint8Array): void {
    const dv = new DataView(b.buffer, b.byteOffset, 64);
    const w = this.w;
    for (let i = 0; i < 16; i++) w[i] = dv.getUint32(i * 4);
    const rot = (x: number, n: number): number => (x >>> n) | (x << (32 - n));
    for (let i = 16; i < 64; i++) {
      const s0 = rot(w[i - 15], 7) ^ rot(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rot(w[i - 2], 17) ^ rot(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let [a, bb, c, d, e, f, g, h] = this.h;
    for (let i = 0; i < 64; i++) {
      const S1 = rot(e, 6) ^ rot(e, 11) ^ rot(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + SHA_K[i] + w[i]) | 0;
      const S0 = rot(a, 2) ^ rot(a, 13) ^ rot(a, 22);
      const maj = (a & bb) ^ (a & c) ^ (bb & c);
      const t2 = (S0 + maj) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = bb; bb = a; a = (t1 + t2) | 0;
    }
    const v = [a, bb, c, d, e, f, g, h];
    this.h = this.h.map((x, i) => (x + v[i]) | 0);
  }

  protected out(): Uint8Array {
    const o = new Uint8Array(32);
    const dv = new DataView(o.buffer);
    this.h.forEach((v, i) => dv.setUint32(i * 4, v >>> 0));
    return o;
  }
}

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
