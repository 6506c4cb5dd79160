/**
 * UDP header (RFC 768). The checksum is always filled in (a computed 0 is sent as 0xFFFF, as
 * RFC 768 says); a received checksum of 0 means "none" and is never reported as bad.
 *
 * The UDP length field is authoritative: bytes after it (inside the IP total length) are
 * ignored, and a length that is smaller than 8 or larger than the datagram is malformed.
 */
import * as bytesM from './bytes.ts';
import * as checksumM from './checksum.ts';
import { wireError, type ParseOptions, type WireError } from './error.ts';
import * as typesM from './types.ts';
import type { UdpRepr } from './types.ts';

// Bound once rather than read through the import at each use: see "Imports on the hot path" in bytes.ts.
const { copyBytes, copyInto, get16, put16 } = bytesM;
const { checksumValid, finishChecksum, pseudoHeaderSum, sum16 } = checksumM;
const { IpProto } = typesM;

export const UDP_FIELD = {
  SRC_PORT: [0, 2],
  DST_PORT: [2, 4],
  LENGTH: [4, 6],
  CHECKSUM: [6, 8],
  PAYLOAD: 8,
} as const;
export const UDP_HEADER_LEN = 8;

export class UdpView {
  private constructor(readonly buf: Uint8Array, readonly off: number, readonly len: number) {}

  static check(buf: Uint8Array, off = 0, len = buf.length - off): UdpView | WireError {
    if (off < 0 || len < 0 || off + len > buf.length) return wireError('udp', 'truncated', 'view outside buffer');
    if (len < UDP_HEADER_LEN) return wireError('udp', 'truncated', `${len} bytes, header needs 8`);
    const v = new UdpView(buf, off, len);
    const l = v.length;
    if (l < UDP_HEADER_LEN) return wireError('udp', 'malformed', `length field ${l} < 8`);
    if (l > len) return wireError('udp', 'truncated', `length field ${l} > datagram ${len}`);
    return v;
  }
  static unchecked(buf: Uint8Array, off = 0, len = buf.length - off): UdpView {
    return new UdpView(buf, off, len);
  }

  get srcPort(): number { return get16(this.buf, this.off + UDP_FIELD.SRC_PORT[0]); }
  set srcPort(v: number) { put16(this.buf, this.off + UDP_FIELD.SRC_PORT[0], v); }
  get dstPort(): number { return get16(this.buf, this.off + UDP_FIELD.DST_PORT[0]); }
  set dstPort(v: number) { put16(this.buf, this.off + UDP_FIELD.DST_PORT[0], v); }
  get length(): number { return get16(this.buf, this.off + UDP_FIELD.LENGTH[0]); }
  set length(v: number) { put16(this.buf, this.off + UDP_FIELD.LENGTH[0], v); }
  get checksum(): number { return get16(this.buf, this.off + UDP_FIELD.CHECKSUM[0]); }
  set checksum(v: number) { put16(this.buf, this.off + UDP_FIELD.CHECKSUM[0], v); }
  get payload(): Uint8Array { return this.buf.subarray(this.off + UDP_FIELD.PAYLOAD, this.off + this.length); }

  /** True when the checksum is right or absent (0). */
  verifyChecksum(src: number, dst: number): boolean {
    if (this.checksum === 0) return true;
    const l = this.length;
    return checksumValid(this.buf, this.off, this.off + l, pseudoHeaderSum(src, dst, IpProto.UDP, l));
  }
  fillChecksum(src: number, dst: number): void {
    const l = this.length;
    this.checksum = 0;
    this.checksum = finishChecksum(sum16(this.buf, this.off, this.off + l, pseudoHeaderSum(src, dst, IpProto.UDP, l))) || 0xffff;
  }
}

export function parseUdp(v: UdpView, src: number, dst: number, opts?: ParseOptions): UdpRepr | WireError {
  if (opts?.verifyChecksums && !v.verifyChecksum(src, dst)) return wireError('udp', 'checksum', 'bad UDP checksum');
  return { kind: 'udp', srcPort: v.srcPort, dstPort: v.dstPort, payload: copyBytes(v.buf, v.off + UDP_HEADER_LEN, v.off + v.length) };
}

export function udpBufferLen(r: UdpRepr): number {
  return UDP_HEADER_LEN + r.payload.length;
}

export function emitUdp(r: UdpRepr, buf: Uint8Array, off: number, src: number, dst: number): number {
  const len = UDP_HEADER_LEN + r.payload.length;
  if (len > 0xffff) throw new RangeError(`UDP datagram of ${len} bytes`);
  copyInto(buf, off + UDP_HEADER_LEN, r.payload);
  put16(buf, off, r.srcPort);
  put16(buf, off + 2, r.dstPort);
  put16(buf, off + 4, len);
  buf[off + 6] = 0;
  buf[off + 7] = 0;
  put16(buf, off + 6, finishChecksum(sum16(buf, off, off + len, pseudoHeaderSum(src, dst, IpProto.UDP, len))) || 0xffff);
  return len;
}
