/**
 * MD5 (RFC 1321) of a byte array, as HTTP_GET/SSL_GET `digest` and genhash compute it over
 * the response body. (The shell's md5sum has its own incremental copy; the core may not
 * import the shell.)
 */

const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const K = Array.from({ length: 64 }, (_v, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) >>> 0);

/** Lower-case hex MD5 of `data`. */
export function md5Hex(data: Uint8Array): string {
  const bits = data.length * 8;
  const padLen = ((data.length % 64) < 56 ? 56 : 120) - (data.length % 64);
  const msg = new Uint8Array(data.length + padLen + 8);
  msg.set(data);
  msg[data.length] = 0x80;
  const dv = new DataView(msg.buffer);
  dv.setUint32(msg.length - 8, bits >>> 0, true);
  dv.setUint32(msg.length - 4, Math.floor(bits / 2 ** 32), true);
  let h0 = 0x67452301, h1 = 0xefcdab89, h2 = 0x98badcfe, h3 = 0x10325476;
  const m = new Array<number>(16);
  for (let off = 0; off < msg.length; off += 64) {
    for (let i = 0; i < 16; i++) m[i] = dv.getUint32(off + i * 4, true);
    let a = h0, b = h1, c = h2, d = h3;
    for (let i = 0; i < 64; i++) {
      let f: number, g: number;
      if (i < 16) { f = (b & c) | (~b & d); g = i; }
      else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) % 16; }
      else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) % 16; }
      else { f = c ^ (b | ~d); g = (7 * i) % 16; }
      const t = d;
      d = c;
      c = b;
      const x = (a + f + K[i] + m[g]) | 0;
      const s = S[(i >> 4) * 4 + (i & 3)];
      b = (b + ((x << s) | (x >>> (32 - s)))) | 0;
      a = t;
    }
    h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
  }
  const out = new Uint8Array(16);
  const ov = new DataView(out.buffer);
  [h0, h1, h2, h3].forEach((v, i) => ov.setUint32(i * 4, v >>> 0, true));
  return [...out].map((x) => x.toString(16).padStart(2, '0')).join('');
}
