/**
 * IPv4 header (RFC 791) and the dispatch to what it carries: TCP, UDP, ICMP, VRRP and, for
 * IP-in-IP tunnels (RFC 2003, what LVS-TUN sends), another IPv4 packet (protocol 4).
 *
 * Emitting derives the header length from the options, the total length from the payload,
 * and fills the header checksum and the payload's own checksum. Options are raw bytes (the
 * lab never sends any); they must be a multiple of 4 bytes (shorter ones are zero-padded,
 * which is the EOL option) and at most 40.
 *
 * Parsing trusts the total length (Ethernet padding after it is ignored) and decodes the
 * payload only for an unfragmented datagram: a fragment, an unknown protocol, or a payload
 * that does not decode stays a RawRepr. Canonical form: `mf`, `fragOffset` and `options` are
 * absent when false, 0 and empty. The reserved ("evil") flag bit is not modelled.
 */
import * as bytesM from './bytes.ts';
import * as checksumM from './checksum.ts';
import { isWireError, wireError, type ParseOptions, type WireError } from './error.ts';
import * as icmpM from './icmp.ts';
import * as tcpM from './tcp.ts';
import * as udpM from './udp.ts';
import * as vrrpM from './vrrp.ts';
import * as typesM from './types.ts';
import type { IpPayload, Ipv4Addr, Ipv4Repr } from './types.ts';

// Bound once rather than read through the import at each use: see "Imports on the hot path" in bytes.ts.
const { copyBytes, copyInto, get16, get32, put16, put32 } = bytesM;
const { checksumValid, internetChecksum, sum16, finishChecksum } = checksumM;
const { emitIcmp, icmpBufferLen, IcmpView, parseIcmp } = icmpM;
const { emitTcp, parseTcp, tcpBufferLen, TcpView } = tcpM;
const { emitUdp, parseUdp, udpBufferLen, UdpView } = udpM;
const { emitVrrp, parseVrrp, vrrpBufferLen, VrrpView } = vrrpM;
const { IpProto } = typesM;

export const IPV4_FIELD = {
  VER_IHL: 0,
  TOS: 1,
  LENGTH: [2, 4],
  IDENT: [4, 6],
  FLG_OFF: [6, 8],
  TTL: 8,
  PROTOCOL: 9,
  CHECKSUM: [10, 12],
  SRC: [12, 16],
  DST: [16, 20],
  OPTIONS: 20,
} as const;
export const IPV4_HEADER_LEN = 20;
export const IPV4_MAX_OPTIONS_LEN = 40;
const FLAG_RESERVED = 0x8000;
const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;

export class Ipv4View {
  private constructor(readonly buf: Uint8Array, readonly off: number, readonly len: number) {}

  /**
   * A view over one datagram. Checks that the header and the total length fit in `len`
   * (a datagram cut short by a capture is `truncated`).
   */
  static check(buf: Uint8Array, off = 0, len = buf.length - off): Ipv4View | WireError {
    if (off < 0 || len < 0 || off + len > buf.length) return wireError('ip', 'truncated', 'view outside buffer');
    if (len < IPV4_HEADER_LEN) return wireError('ip', 'truncated', `${len} bytes, header needs 20`);
    const v = new Ipv4View(buf, off, len);
    if (v.version !== 4) return wireError('ip', 'malformed', `version ${v.version}`);
    const hl = v.headerLen;
    if (hl < IPV4_HEADER_LEN) return wireError('ip', 'malformed', `header length ${hl} < 20`);
    if (hl > len) return wireError('ip', 'truncated', `header length ${hl} > ${len} bytes`);
    const tl = v.totalLen;
    if (tl < hl) return wireError('ip', 'malformed', `total length ${tl} < header length ${hl}`);
    if (tl > len) return wireError('ip', 'truncated', `total length ${tl} > ${len} bytes`);
    return v;
  }
  static unchecked(buf: Uint8Array, off = 0, len = buf.length - off): Ipv4View {
    return new Ipv4View(buf, off, len);
  }

  get version(): number { return this.buf[this.off] >> 4; }
  /** Header length in bytes (IHL × 4). */
  get headerLen(): number { return (this.buf[this.off] & 15) * 4; }
  setVersionAndHeaderLen(headerLen: number): void { this.buf[this.off] = 0x40 | ((headerLen >> 2) & 15); }
  get tos(): number { return this.buf[this.off + IPV4_FIELD.TOS]; }
  set tos(v: number) { this.buf[this.off + IPV4_FIELD.TOS] = v; }
  get totalLen(): number { return get16(this.buf, this.off + IPV4_FIELD.LENGTH[0]); }
  set totalLen(v: number) { put16(this.buf, this.off + IPV4_FIELD.LENGTH[0], v); }
  get ident(): number { return get16(this.buf, this.off + IPV4_FIELD.IDENT[0]); }
  set ident(v: number) { put16(this.buf, this.off + IPV4_FIELD.IDENT[0], v); }
  get flagsAndOffset(): number { return get16(this.buf, this.off + IPV4_FIELD.FLG_OFF[0]); }
  set flagsAndOffset(v: number) { put16(this.buf, this.off + IPV4_FIELD.FLG_OFF[0], v); }
  get reservedFlag(): boolean { return (this.flagsAndOffset & FLAG_RESERVED) !== 0; }
  get df(): boolean { return (this.flagsAndOffset & FLAG_DF) !== 0; }
  get mf(): boolean { return (this.flagsAndOffset & FLAG_MF) !== 0; }
  /** In 8-byte units. */
  get fragOffset(): number { return this.flagsAndOffset & 0x1fff; }
  get ttl(): number { return this.buf[this.off + IPV4_FIELD.TTL]; }
  set ttl(v: number) { this.buf[this.off + IPV4_FIELD.TTL] = v; }
  get protocol(): number { return this.buf[this.off + IPV4_FIELD.PROTOCOL]; }
  set protocol(v: number) { this.buf[this.off + IPV4_FIELD.PROTOCOL] = v; }
  get checksum(): number { return get16(this.buf, this.off + IPV4_FIELD.CHECKSUM[0]); }
  set checksum(v: number) { put16(this.buf, this.off + IPV4_FIELD.CHECKSUM[0], v); }
  get src(): Ipv4Addr { return get32(this.buf, this.off + IPV4_FIELD.SRC[0]) as Ipv4Addr; }
  set src(v: Ipv4Addr) { put32(this.buf, this.off + IPV4_FIELD.SRC[0], v); }
  get dst(): Ipv4Addr { return get32(this.buf, this.off + IPV4_FIELD.DST[0]) as Ipv4Addr; }
  set dst(v: Ipv4Addr) { put32(this.buf, this.off + IPV4_FIELD.DST[0], v); }
  get options(): Uint8Array { return this.buf.subarray(this.off + IPV4_HEADER_LEN, this.off + this.headerLen); }
  get payloadStart(): number { return this.off + this.headerLen; }
  get payloadEnd(): number { return this.off + this.totalLen; }
  get payload(): Uint8Array { return this.buf.subarray(this.payloadStart, this.payloadEnd); }

  verifyChecksum(): boolean { return checksumValid(this.buf, this.off, this.off + this.headerLen); }
  fillChecksum(): void {
    this.checksum = 0;
    this.checksum = internetChecksum(this.buf, this.off, this.off + this.headerLen);
  }
}

function rawOf(b: Uint8Array, start: number, end: number): IpPayload {
  return { kind: 'raw', bytes: copyBytes(b, start, end) };
}

/** Decodes the payload of a checked view, or a RawRepr when it does not decode. */
function parsePayload(v: Ipv4View, opts?: ParseOptions): IpPayload {
  const b = v.buf, s = v.payloadStart, e = v.payloadEnd, n = e - s;
  if (v.mf || v.fragOffset !== 0) return rawOf(b, s, e);
  let r: IpPayload | WireError;
  switch (v.protocol) {
    case IpProto.TCP: {
      const t = TcpView.check(b, s, n);
      r = isWireError(t) ? t : parseTcp(t, v.src, v.dst, opts);
      break;
    }
    case IpProto.UDP: {
      const u = UdpView.check(b, s, n);
      r = isWireError(u) ? u : parseUdp(u, v.src, v.dst, opts);
      break;
    }
    case IpProto.ICMP: {
      const c = IcmpView.check(b, s, n);
      r = isWireError(c) ? c : parseIcmp(c, opts);
      break;
    }
    case IpProto.IPIP: {
      const i = Ipv4View.check(b, s, n);
      // The inner datagram must fill the outer payload exactly, or a round trip would lose bytes.
      r = isWireError(i) ? i : i.totalLen !== n ? wireError('ip', 'malformed', 'inner datagram shorter than tunnel payload') : parseIpv4(i, opts);
      break;
    }
    case IpProto.VRRP: {
      const w = VrrpView.check(b, s, n);
      r = isWireError(w) ? w : w.messageLen !== n ? wireError('vrrp', 'malformed', 'trailing bytes') : parseVrrp(w, opts);
      break;
    }
    default:
      return rawOf(b, s, e);
  }
  return isWireError(r) ? rawOf(b, s, e) : r;
}

export function parseIpv4(v: Ipv4View, opts?: ParseOptions): Ipv4Repr | WireError {
  if (opts?.verifyChecksums && !v.verifyChecksum()) return wireError('ip', 'checksum', 'bad header checksum');
  const fo = v.flagsAndOffset;
  const hl = v.headerLen;
  let r: Ipv4Repr = {
    kind: 'ipv4',
    tos: v.tos,
    id: v.ident,
    df: (fo & FLAG_DF) !== 0,
    ttl: v.ttl,
    protocol: v.protocol,
    src: v.src,
    dst: v.dst,
    payload: parsePayload(v, opts),
  };
  if (fo & FLAG_MF) r = { ...r, mf: true };
  if (fo & 0x1fff) r = { ...r, fragOffset: fo & 0x1fff };
  if (hl > IPV4_HEADER_LEN) r = { ...r, options: copyBytes(v.buf, v.off + IPV4_HEADER_LEN, v.off + hl) };
  return r;
}

function optionsLen(r: Ipv4Repr): number {
  const o = r.options;
  return o === undefined ? 0 : (o.length + 3) & ~3;
}

export function ipPayloadBufferLen(p: IpPayload): number {
  switch (p.kind) {
    case 'tcp': return tcpBufferLen(p);
    case 'udp': return udpBufferLen(p);
    case 'icmp': return icmpBufferLen(p);
    case 'ipv4': return ipv4BufferLen(p);
    case 'vrrp': return vrrpBufferLen(p);
    case 'raw': return p.bytes.length;
  }
}

export function ipv4BufferLen(r: Ipv4Repr): number {
  return IPV4_HEADER_LEN + optionsLen(r) + ipPayloadBufferLen(r.payload);
}

/**
 * Writes the datagram at `off`: payload first (so its length is known without a second walk
 * of the Repr), then the header and its checksum. Returns the total length.
 */
export function emitIpv4(r: Ipv4Repr, buf: Uint8Array, off: number): number {
  let hl = IPV4_HEADER_LEN;
  const opts = r.options;
  if (opts !== undefined && opts.length !== 0) {
    const ol = (opts.length + 3) & ~3;
    if (ol > IPV4_MAX_OPTIONS_LEN) throw new RangeError(`IPv4 options take ${ol} bytes, at most 40 fit`);
    copyInto(buf, off + IPV4_HEADER_LEN, opts);
    for (let i = opts.length; i < ol; i++) buf[off + IPV4_HEADER_LEN + i] = 0;
    hl += ol;
  }
  const p = r.payload;
  const po = off + hl;
  let pl: number;
  switch (p.kind) {
    case 'tcp': pl = emitTcp(p, buf, po, r.src, r.dst); break;
    case 'udp': pl = emitUdp(p, buf, po, r.src, r.dst); break;
    case 'icmp': pl = emitIcmp(p, buf, po); break;
    case 'ipv4': pl = emitIpv4(p, buf, po); break;
    case 'vrrp': pl = emitVrrp(p, buf, po); break;
    case 'raw': copyInto(buf, po, p.bytes); pl = p.bytes.length; break;
  }
  const tl = hl + pl;
  if (tl > 0xffff) throw new RangeError(`IPv4 datagram of ${tl} bytes`);
  buf[off] = 0x40 | (hl >> 2);
  buf[off + 1] = r.tos;
  put16(buf, off + 2, tl);
  put16(buf, off + 4, r.id);
  put16(buf, off + 6, (r.df ? FLAG_DF : 0) | (r.mf ? FLAG_MF : 0) | ((r.fragOffset ?? 0) & 0x1fff));
  buf[off + 8] = r.ttl;
  buf[off + 9] = r.protocol;
  buf[off + 10] = 0;
  buf[off + 11] = 0;
  put32(buf, off + 12, r.src);
  put32(buf, off + 16, r.dst);
  put16(buf, off + 10, finishChecksum(sum16(buf, off, off + hl)));
  return tl;
}
