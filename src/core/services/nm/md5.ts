/**
 * MD5 (RFC 1321) in pure TypeScript, and the UUIDs NetworkManager derives with it.
 *
 * NetworkManager gives a keyfile without `uuid=` a stable name-based UUID: RFC 4122 version 3
 * (MD5) over namespace `b425e9fb-7598-44b4-9e3b-5a2e3aaa4905` and the bytes
 * `keyfile\0<full path>\0` (nm_keyfile_read_ensure_uuid → nm_uuid_generate_from_strings_old).
 * New profiles (`nmcli connection add`, `clone`) get a random version-4 UUID, here from the
 * host's seeded RNG so a transcript always prints the same UUIDs.
 */
import type { Rng } from '../../sim/rng.ts';

const S = [7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21];
const K = Array.from({ length: 64 }, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000) >>> 0);

/** MD5 digest of `data` (16 bytes). */
export function md5(data: Uint8Array): Uint8Array {
  const len = data.length;
  const padded = new Uint8Array(((len + 8) >>> 6) * 64 + 64);
  padded.set(data);
  padded[len] = 0x80;
  const bits = len * 8;
  const dv = new DataView(padded.buffer);
  dv.setUint32(padded.length - 8, bits >>> 0, true);
  dv.setUint32(padded.length - 4, Math.floor(bits / 0x100000000), true);
  let a0 = 0x67452301, b0 = 0xefcdab89, c0 = 0x98badcfe, d0 = 0x10325476;
  const m = new Uint32Array(16);
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) m[i] = dv.getUint32(off + i * 4, true);
    let a = a0, b = b0, c = c0, d = d0;
    for (let i = 0; i < 64; i++) {
      let f: number, g: number;
      if (i < 16) { f = (b & c) | (~b & d); g = i; }
      else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) % 16; }
      else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) % 16; }
      else { f = c ^ (b | ~d); g = (7 * i) % 16; }
      const t = (a + f + K[i] + m[g]) | 0;
      a = d; d = c; c = b;
      b = (b + ((t << S[i]) | (t >>> (32 - S[i])))) | 0;
    }
    a0 = (a0 + a) | 0; b0 = (b0 + b) | 0; c0 = (c0 + c) | 0; d0 = (d0 + d) | 0;
  }
  const out = new Uint8Array(16);
  const ov = new DataView(out.buffer);
  ov.setUint32(0, a0 >>> 0, true); ov.setUint32(4, b0 >>> 0, true); ov.setUint32(8, c0 >>> 0, true); ov.setUint32(12, d0 >>> 0, true);
  return out;
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

function fmtUuid(b: Uint8Array): string {
  const h = toHex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function parseUuid(s: string): Uint8Array {
  const h = s.replace(/-/g, '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(h.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const utf8 = new TextEncoder();

/** RFC 4122 version-3 UUID of `name` in namespace `ns`. */
export function uuidV3(ns: string, name: Uint8Array): string {
  const nsb = parseUuid(ns);
  const buf = new Uint8Array(16 + name.length);
  buf.set(nsb);
  buf.set(name, 16);
  const h = md5(buf);
  h[6] = (h[6] & 0x0f) | 0x30;
  h[8] = (h[8] & 0x3f) | 0x80;
  return fmtUuid(h);
}

export const NM_KEYFILE_UUID_NS = 'b425e9fb-7598-44b4-9e3b-5a2e3aaa4905';

/** The UUID NetworkManager gives a keyfile that has no `uuid=` line. */
export function keyfileUuid(fullPath: string): string {
  const p = utf8.encode(fullPath);
  const name = new Uint8Array(8 + p.length + 1);
  name.set(utf8.encode('keyfile\0'));
  name.set(p, 8);
  return uuidV3(NM_KEYFILE_UUID_NS, name);
}

/** A random (version 4) UUID drawn from `rng`. */
export function uuidV4(rng: Rng): string {
  const b = new Uint8Array(16);
  for (let i = 0; i < 16; i += 4) {
    const v = rng.u32();
    b[i] = v >>> 24; b[i + 1] = (v >>> 16) & 0xff; b[i + 2] = (v >>> 8) & 0xff; b[i + 3] = v & 0xff;
  }
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  return fmtUuid(b);
}
