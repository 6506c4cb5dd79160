/**
 * hsiphash() of lib/siphash.c as a 64-bit kernel computes it: "HalfSipHash" there is really
 * SipHash-1-3 (one compression round, three finalization rounds) on 64-bit words, truncated
 * to 32 bits. Only what ip_vs_mh.c needs: hashing one 32-bit value with a 128-bit key.
 * `siphash` is the general SipHash-c-d used to check the core against the reference vectors.
 */
const M64 = (1n << 64n) - 1n;
const rotl = (x: bigint, b: bigint) => ((x << b) | (x >> (64n - b))) & M64;

interface V { v0: bigint; v1: bigint; v2: bigint; v3: bigint }

function round(s: V): void {
  s.v0 = (s.v0 + s.v1) & M64; s.v1 = rotl(s.v1, 13n); s.v1 ^= s.v0; s.v0 = rotl(s.v0, 32n);
  s.v2 = (s.v2 + s.v3) & M64; s.v3 = rotl(s.v3, 16n); s.v3 ^= s.v2;
  s.v0 = (s.v0 + s.v3) & M64; s.v3 = rotl(s.v3, 21n); s.v3 ^= s.v0;
  s.v2 = (s.v2 + s.v1) & M64; s.v1 = rotl(s.v1, 17n); s.v1 ^= s.v2; s.v2 = rotl(s.v2, 32n);
}

/** SipHash-c-d of `msg` with the key (k0, k1), as a 64-bit unsigned BigInt. */
export function siphash(msg: Uint8Array, k0: bigint, k1: bigint, c = 2, d = 4): bigint {
  const s: V = {
    v0: 0x736f6d6570736575n ^ k0, v1: 0x646f72616e646f6dn ^ k1,
    v2: 0x6c7967656e657261n ^ k0, v3: 0x7465646279746573n ^ k1,
  };
  const len = msg.length;
  const full = len - (len % 8);
  for (let i = 0; i < full; i += 8) {
    let m = 0n;
    for (let j = 7; j >= 0; j--) m = (m << 8n) | BigInt(msg[i + j]);
    s.v3 ^= m;
    for (let r = 0; r < c; r++) round(s);
    s.v0 ^= m;
  }
  let b = BigInt(len & 0xff) << 56n;
  for (let j = len - 1; j >= full; j--) b |= BigInt(msg[j]) << BigInt(8 * (j - full));
  s.v3 ^= b;
  for (let r = 0; r < c; r++) round(s);
  s.v0 ^= b;
  s.v2 ^= 0xffn;
  for (let r = 0; r < d; r++) round(s);
  return (s.v0 ^ s.v1 ^ s.v2 ^ s.v3) & M64;
}

/** hsiphash(&v, 4, key) on 64-bit: SipHash-1-3 of the little-endian bytes of v, low 32 bits. */
export function hsiphash32(v: number, k0: bigint, k1: bigint): number {
  const b = new Uint8Array([v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255]);
  return Number(siphash(b, k0, k1, 1, 3) & 0xffffffffn);
}
