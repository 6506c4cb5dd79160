/**
 * MD5 (RFC 1321) and SHA-256 (FIPS 180-4), incremental: md5sum/sha256sum hash their input
 * chunk by chunk; NetworkManager's name-based UUIDs and keepalived's HTTP_GET digest hash a
 * whole buffer (`md5`).
 */

export interface Hasher { update(b: Uint8Array): void; digest(): Uint8Array; hex(): string }

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

  /** Pads and finishes: the digest bytes (the hasher is spent afterwards). */
  digest(): Uint8Array {
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
    return this.out();
  }

  hex(): string {
    return toHex(this.digest());
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

/** MD5 digest of `data` (16 bytes). */
export function md5(data: Uint8Array): Uint8Array {
  const h = new Md5();
  h.update(data);
  return h.digest();
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** Lower-case hex MD5 of `data` (keepalived's HTTP_GET/SSL_GET `digest`, genhash). */
export function md5Hex(data: Uint8Array): string {
  return toHex(md5(data));
}
