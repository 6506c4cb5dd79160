/**
 * VRRP version 2 advertisements (RFC 3768 §5.3), IP protocol 112, sent by keepalived to
 * 224.0.0.18 with TTL 255. The checksum covers the VRRP message only (no pseudo-header, unlike
 * VRRPv3). Authentication data is always 8 bytes on the wire, zero for auth type 0.
 *
 * Not modelled: VRRPv3 (RFC 5798, centisecond intervals, pseudo-header checksum): a version
 * other than 2 is `unsupported` and stays raw.
 */
import * as bytesM from './bytes.ts';
import * as checksumM from './checksum.ts';
import { wireError, type ParseOptions, type WireError } from './error.ts';
import type { Ipv4Addr, VrrpRepr } from './types.ts';

// Bound once rather than read through the import at each use: see "Imports on the hot path" in bytes.ts.
const { copyBytes, copyInto, get16, get32, put16, put32 } = bytesM;
const { checksumValid, internetChecksum } = checksumM;

export const VRRP_FIELD = {
  VER_TYPE: 0,
  VRID: 1,
  PRIORITY: 2,
  COUNT: 3,
  AUTH_TYPE: 4,
  ADVER_INT: 5,
  CHECKSUM: [6, 8],
  ADDRS: 8, // COUNT × 4 bytes, then 8 bytes of authentication data
} as const;
export const VRRP_HEADER_LEN = 8;
export const VRRP_AUTH_LEN = 8;
export const VRRP_MULTICAST = 0xe0000012 as Ipv4Addr; // 224.0.0.18

export class VrrpView {
  private constructor(readonly buf: Uint8Array, readonly off: number, readonly len: number) {}

  static check(buf: Uint8Array, off = 0, len = buf.length - off): VrrpView | WireError {
    if (off < 0 || len < 0 || off + len > buf.length) return wireError('vrrp', 'truncated', 'view outside buffer');
    if (len < VRRP_HEADER_LEN) return wireError('vrrp', 'truncated', `${len} bytes, header needs 8`);
    const v = new VrrpView(buf, off, len);
    if (len < v.messageLen) return wireError('vrrp', 'truncated', `${len} bytes, ${v.count} addresses need ${v.messageLen}`);
    return v;
  }
  static unchecked(buf: Uint8Array, off = 0, len = buf.length - off): VrrpView {
    return new VrrpView(buf, off, len);
  }

  get version(): number { return this.buf[this.off] >> 4; }
  get type(): number { return this.buf[this.off] & 15; }
  setVersionAndType(version: number, type: number): void { this.buf[this.off] = (version << 4) | (type & 15); }
  get vrid(): number { return this.buf[this.off + VRRP_FIELD.VRID]; }
  set vrid(v: number) { this.buf[this.off + VRRP_FIELD.VRID] = v; }
  get priority(): number { return this.buf[this.off + VRRP_FIELD.PRIORITY]; }
  set priority(v: number) { this.buf[this.off + VRRP_FIELD.PRIORITY] = v; }
  get count(): number { return this.buf[this.off + VRRP_FIELD.COUNT]; }
  set count(v: number) { this.buf[this.off + VRRP_FIELD.COUNT] = v; }
  get authType(): number { return this.buf[this.off + VRRP_FIELD.AUTH_TYPE]; }
  set authType(v: number) { this.buf[this.off + VRRP_FIELD.AUTH_TYPE] = v; }
  get advInt(): number { return this.buf[this.off + VRRP_FIELD.ADVER_INT]; }
  set advInt(v: number) { this.buf[this.off + VRRP_FIELD.ADVER_INT] = v; }
  get checksum(): number { return get16(this.buf, this.off + VRRP_FIELD.CHECKSUM[0]); }
  set checksum(v: number) { put16(this.buf, this.off + VRRP_FIELD.CHECKSUM[0], v); }
  addr(i: number): Ipv4Addr { return get32(this.buf, this.off + VRRP_FIELD.ADDRS + 4 * i) as Ipv4Addr; }
  setAddr(i: number, a: Ipv4Addr): void { put32(this.buf, this.off + VRRP_FIELD.ADDRS + 4 * i, a); }
  get authOffset(): number { return this.off + VRRP_FIELD.ADDRS + 4 * this.count; }
  get authData(): Uint8Array { return this.buf.subarray(this.authOffset, this.authOffset + VRRP_AUTH_LEN); }
  /** Header + addresses + authentication data. */
  get messageLen(): number { return VRRP_HEADER_LEN + 4 * this.count + VRRP_AUTH_LEN; }

  verifyChecksum(): boolean { return checksumValid(this.buf, this.off, this.off + this.messageLen); }
  fillChecksum(): void {
    this.checksum = 0;
    this.checksum = internetChecksum(this.buf, this.off, this.off + this.messageLen);
  }
}

export function parseVrrp(v: VrrpView, opts?: ParseOptions): VrrpRepr | WireError {
  if (v.version !== 2) return wireError('vrrp', 'unsupported', `VRRP version ${v.version}`);
  if (opts?.verifyChecksums && !v.verifyChecksum()) return wireError('vrrp', 'checksum', 'bad VRRP checksum');
  const addrs: Ipv4Addr[] = [];
  for (let i = 0; i < v.count; i++) addrs.push(v.addr(i));
  return {
    kind: 'vrrp', version: v.version, type: v.type, vrid: v.vrid, priority: v.priority,
    authType: v.authType, advInt: v.advInt, addrs, authData: copyBytes(v.buf, v.authOffset, v.authOffset + VRRP_AUTH_LEN),
  };
}

export function vrrpBufferLen(r: VrrpRepr): number {
  return VRRP_HEADER_LEN + 4 * r.addrs.length + VRRP_AUTH_LEN;
}

/** Writes the advertisement; `authData` is cut or zero-padded to 8 bytes. */
export function emitVrrp(r: VrrpRepr, buf: Uint8Array, off: number): number {
  const n = r.addrs.length;
  if (n > 255) throw new RangeError(`${n} VRRP addresses`);
  buf[off] = (r.version << 4) | (r.type & 15);
  buf[off + 1] = r.vrid;
  buf[off + 2] = r.priority;
  buf[off + 3] = n;
  buf[off + 4] = r.authType;
  buf[off + 5] = r.advInt;
  buf[off + 6] = 0;
  buf[off + 7] = 0;
  for (let i = 0; i < n; i++) put32(buf, off + 8 + 4 * i, r.addrs[i]);
  const a = off + 8 + 4 * n;
  buf.fill(0, a, a + VRRP_AUTH_LEN);
  copyInto(buf, a, r.authData.length > VRRP_AUTH_LEN ? r.authData.subarray(0, VRRP_AUTH_LEN) : r.authData);
  const len = a + VRRP_AUTH_LEN - off;
  put16(buf, off + 6, internetChecksum(buf, off, off + len));
  return len;
}
