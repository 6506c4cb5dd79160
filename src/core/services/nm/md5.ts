/**
 * The UUIDs NetworkManager derives with MD5 (core/util/hash.ts).
 *
 * NetworkManager gives a keyfile without `uuid=` a stable name-based UUID: RFC 4122 version 3
 * (MD5) over namespace `b425e9fb-7598-44b4-9e3b-5a2e3aaa4905` and the bytes
 * `keyfile\0<full path>\0` (nm_keyfile_read_ensure_uuid → nm_uuid_generate_from_strings_old).
 * New profiles (`nmcli connection add`, `clone`) get a random version-4 UUID, here from the
 * host's seeded RNG so a transcript always prints the same UUIDs.
 */
import type { Rng } from '../../sim/rng.ts';
import { md5, toHex } from '../../util/hash.ts';

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
