/**
 * ICMPv4 (RFC 792): a type, a code, four type-specific bytes (`rest`) and a body.
 *
 * The Repr does not interpret `rest` (echo id/sequence, next-hop MTU, redirect gateway) or
 * the body (echo data, or the quoted datagram of an error) so that every message type round
 * trips; accessors below and quote.ts interpret them. The checksum covers the whole message.
 */
import * as bytesM from './bytes.ts';
import * as checksumM from './checksum.ts';
import { wireError, type ParseOptions, type WireError } from './error.ts';
import type { IcmpRepr } from './types.ts';

// Bound once rather than read through the import at each use: see "Imports on the hot path" in bytes.ts.
const { copyBytes, copyInto, get16, get32, put16, put32 } = bytesM;
const { checksumValid, internetChecksum } = checksumM;

export const ICMP_FIELD = {
  TYPE: 0,
  CODE: 1,
  CHECKSUM: [2, 4],
  REST: [4, 8],   // echo: IDENT [4,6] + SEQ [6,8]; unreachable code 4: MTU [6,8]; redirect: gateway
  IDENT: [4, 6],
  SEQ: [6, 8],
  MTU: [6, 8],
  PAYLOAD: 8,
} as const;
export const ICMP_HEADER_LEN = 8;

export class IcmpView {
  private constructor(readonly buf: Uint8Array, readonly off: number, readonly len: number) {}

  static check(buf: Uint8Array, off = 0, len = buf.length - off): IcmpView | WireError {
    if (off < 0 || len < 0 || off + len > buf.length) return wireError('icmp', 'truncated', 'view outside buffer');
    if (len < ICMP_HEADER_LEN) return wireError('icmp', 'truncated', `${len} bytes, header needs 8`);
    return new IcmpView(buf, off, len);
  }
  static unchecked(buf: Uint8Array, off = 0, len = buf.length - off): IcmpView {
    return new IcmpView(buf, off, len);
  }

  get type(): number { return this.buf[this.off + ICMP_FIELD.TYPE]; }
  set type(v: number) { this.buf[this.off + ICMP_FIELD.TYPE] = v; }
  get code(): number { return this.buf[this.off + ICMP_FIELD.CODE]; }
  set code(v: number) { this.buf[this.off + ICMP_FIELD.CODE] = v; }
  get checksum(): number { return get16(this.buf, this.off + ICMP_FIELD.CHECKSUM[0]); }
  set checksum(v: number) { put16(this.buf, this.off + ICMP_FIELD.CHECKSUM[0], v); }
  get rest(): number { return get32(this.buf, this.off + ICMP_FIELD.REST[0]); }
  set rest(v: number) { put32(this.buf, this.off + ICMP_FIELD.REST[0], v); }
  get ident(): number { return get16(this.buf, this.off + ICMP_FIELD.IDENT[0]); }
  set ident(v: number) { put16(this.buf, this.off + ICMP_FIELD.IDENT[0], v); }
  get seq(): number { return get16(this.buf, this.off + ICMP_FIELD.SEQ[0]); }
  set seq(v: number) { put16(this.buf, this.off + ICMP_FIELD.SEQ[0], v); }
  get payload(): Uint8Array { return this.buf.subarray(this.off + ICMP_FIELD.PAYLOAD, this.off + this.len); }

  verifyChecksum(): boolean { return checksumValid(this.buf, this.off, this.off + this.len); }
  fillChecksum(): void {
    this.checksum = 0;
    this.checksum = internetChecksum(this.buf, this.off, this.off + this.len);
  }
}

/** `rest` of an echo request/reply. */
export function echoRest(ident: number, seq: number): number {
  return ((ident & 0xffff) * 65536 + (seq & 0xffff));
}
export function echoIdent(r: IcmpRepr): number { return r.rest >>> 16; }
export function echoSeq(r: IcmpRepr): number { return r.rest & 0xffff; }

export function parseIcmp(v: IcmpView, opts?: ParseOptions): IcmpRepr | WireError {
  if (opts?.verifyChecksums && !v.verifyChecksum()) return wireError('icmp', 'checksum', 'bad ICMP checksum');
  return { kind: 'icmp', type: v.type, code: v.code, rest: v.rest, payload: copyBytes(v.buf, v.off + ICMP_HEADER_LEN, v.off + v.len) };
}

export function icmpBufferLen(r: IcmpRepr): number {
  return ICMP_HEADER_LEN + r.payload.length;
}

export function emitIcmp(r: IcmpRepr, buf: Uint8Array, off: number): number {
  const len = ICMP_HEADER_LEN + r.payload.length;
  buf[off] = r.type;
  buf[off + 1] = r.code;
  buf[off + 2] = 0;
  buf[off + 3] = 0;
  put32(buf, off + 4, r.rest);
  copyInto(buf, off + ICMP_HEADER_LEN, r.payload);
  put16(buf, off + 2, internetChecksum(buf, off, off + len));
  return len;
}
