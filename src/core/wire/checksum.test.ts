import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checksumValid, finishChecksum, foldSum, internetChecksum, pseudoHeaderSum, sum16 } from './checksum.ts';

/** RFC 1071 §4.1, word by word: the reference the fast version must match. */
function reference(b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += (b[i] << 8) | (i + 1 < b.length ? b[i + 1] : 0);
  while (s >> 16) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

describe('checksum', () => {
  it('matches the RFC 1071 example', () => {
    // RFC 1071 §3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2 (folded).
    expect(foldSum(sum16(Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7), 0, 8))).toBe(0xddf2);
    expect(internetChecksum(Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7))).toBe(~0xddf2 & 0xffff);
  });

  it('pads an odd length with a zero byte', () => {
    expect(internetChecksum(Uint8Array.of(0x12, 0x34, 0x56))).toBe(~(0x1234 + 0x5600) & 0xffff);
  });

  it('equals the word-by-word reference for any bytes and any start', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(7), (b, s) => {
      const start = Math.min(s, b.length);
      expect(internetChecksum(b, start)).toBe(reference(b.subarray(start)));
    }));
  });

  it('verifies data that carries its own checksum', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 4, maxLength: 200 }), (b0) => {
      const b = b0.slice();
      b[2] = 0; b[3] = 0;
      const c = internetChecksum(b);
      b[2] = c >> 8; b[3] = c & 255;
      expect(checksumValid(b, 0, b.length)).toBe(true);
    }));
  });

  it('adds the pseudo-header', () => {
    expect(pseudoHeaderSum(0xc0a8016f, 0xc0a80164, 6, 40)).toBe(0xc0a8 + 0x016f + 0xc0a8 + 0x0164 + 6 + 40);
    expect(finishChecksum(0xffff)).toBe(0);
  });
});
