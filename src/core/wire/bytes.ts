/**
 * Big-endian field access on a plain `Uint8Array`, shared by every header codec.
 *
 * Why not `DataView`: creating one per frame costs an allocation, and the encoder must run
 * millions of times a second into a shared arena. These helpers are tiny and monomorphic, so
 * V8 inlines them. They do no bounds checking themselves: callers check lengths first (the
 * `XView.check*` constructors), as smoltcp does with `new_checked`. Out-of-range typed-array
 * reads yield `undefined` (→ NaN/0 after bit ops) and writes are ignored, so a missed check
 * can corrupt a value but never throws.
 *
 * Imports on the hot path: the encoder modules bind what they import once, at the top
 * (`const { put16, put32 } = bytesM;`), instead of using the imported names directly. A
 * bundle (vite) does not care, but tsx, which runs `npm run lab` and the benches, compiles
 * each file to CommonJS where every use of an imported binding is a getter call; with about
 * twenty such calls per frame that made emitFrameInto four times slower.
 */
import type { MacAddr } from './types.ts';

export function get8(b: Uint8Array, o: number): number {
  return b[o];
}
export function get16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}
/** Unsigned 32-bit. */
export function get32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
export function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v;
}
export function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = v >>> 16;
  b[o + 2] = v >>> 8;
  b[o + 3] = v;
}
const TWO32 = 4294967296;
export function getMac(b: Uint8Array, o: number): MacAddr {
  return (((b[o] << 8) | b[o + 1]) * TWO32 + get32(b, o + 2)) as MacAddr;
}
export function putMac(b: Uint8Array, o: number, v: number): void {
  const hi = (v / TWO32) | 0;
  b[o] = hi >>> 8;
  b[o + 1] = hi;
  put32(b, o + 2, v >>> 0);
}

/** Copy `src` into `dst` at `o`: a loop for the short payloads that dominate, `set` otherwise. */
export function copyInto(dst: Uint8Array, o: number, src: Uint8Array): void {
  const n = src.length;
  if (n > 32) dst.set(src, o);
  else for (let i = 0; i < n; i++) dst[o + i] = src[i];
}

/**
 * A copy of `b[start, end)` as a plain Uint8Array. Not `b.slice`: on a Node Buffer that
 * returns a view (and a Buffer), and a decoded Repr must not alias the capture ring it came
 * from.
 */
export function copyBytes(b: Uint8Array, start = 0, end = b.length): Uint8Array {
  const v = b.subarray(start, end);
  const out = new Uint8Array(v.length);
  out.set(v);
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
export function hex2(v: number): string {
  return HEX[v & 255];
}
/** "0a1b2c…" (lower case, no separators), as Wireshark prints byte fields. */
export function toHex(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += HEX[b[i]];
  return s;
}
/** Test helper and vector loader: "00 0c 29 ..." or "000c29..." → bytes (whitespace ignored). */
export function fromHex(s: string): Uint8Array {
  const t = s.replace(/\s+/g, '');
  if (t.length % 2 !== 0 || /[^0-9a-fA-F]/.test(t)) throw new Error('bad hex string');
  const out = new Uint8Array(t.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(t.substr(i * 2, 2), 16);
  return out;
}

/** ASCII text of bytes (Latin-1; the wire formats here are ASCII). */
export function latin1(b: Uint8Array, start = 0, end = b.length): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
  return s;
}
export function fromLatin1(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 255;
  return out;
}

/** One array holding `parts` one after the other. */
export function concatBytes(parts: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
