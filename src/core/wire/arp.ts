/**
 * ARP for IPv4 over Ethernet (RFC 826): the only hardware/protocol pair the lab speaks.
 *
 * A packet with another hardware type, protocol type or address sizes is `unsupported` and
 * stays raw. Opcodes other than request/reply are kept as numbers (RARP etc. are not sent).
 */
import * as bytesM from './bytes.ts';
import { wireError, type WireError } from './error.ts';
import type { ArpRepr, Ipv4Addr, MacAddr } from './types.ts';

// Bound once rather than read through the import at each use: see "Imports on the hot path" in bytes.ts.
const { get16, get32, getMac, put16, put32, putMac } = bytesM;

export const ARP_FIELD = {
  HTYPE: [0, 2],
  PTYPE: [2, 4],
  HLEN: 4,
  PLEN: 5,
  OPER: [6, 8],
  SHA: [8, 14],
  SPA: [14, 18],
  THA: [18, 24],
  TPA: [24, 28],
} as const;
export const ARP_LEN = 28;
export const ARP_HTYPE_ETHERNET = 1;
export const ARP_PTYPE_IPV4 = 0x0800;

export class ArpView {
  private constructor(readonly buf: Uint8Array, readonly off: number, readonly len: number) {}

  static check(buf: Uint8Array, off = 0, len = buf.length - off): ArpView | WireError {
    if (off < 0 || len < 0 || off + len > buf.length) return wireError('arp', 'truncated', 'view outside buffer');
    if (len < 8) return wireError('arp', 'truncated', `${len} bytes, header needs 8`);
    const v = new ArpView(buf, off, len);
    if (len < 8 + 2 * (v.hlen + v.plen)) return wireError('arp', 'truncated', `${len} bytes, addresses need ${8 + 2 * (v.hlen + v.plen)}`);
    return v;
  }
  static unchecked(buf: Uint8Array, off = 0, len = buf.length - off): ArpView {
    return new ArpView(buf, off, len);
  }

  get htype(): number { return get16(this.buf, this.off + ARP_FIELD.HTYPE[0]); }
  set htype(v: number) { put16(this.buf, this.off + ARP_FIELD.HTYPE[0], v); }
  get ptype(): number { return get16(this.buf, this.off + ARP_FIELD.PTYPE[0]); }
  set ptype(v: number) { put16(this.buf, this.off + ARP_FIELD.PTYPE[0], v); }
  get hlen(): number { return this.buf[this.off + ARP_FIELD.HLEN]; }
  set hlen(v: number) { this.buf[this.off + ARP_FIELD.HLEN] = v; }
  get plen(): number { return this.buf[this.off + ARP_FIELD.PLEN]; }
  set plen(v: number) { this.buf[this.off + ARP_FIELD.PLEN] = v; }
  get oper(): number { return get16(this.buf, this.off + ARP_FIELD.OPER[0]); }
  set oper(v: number) { put16(this.buf, this.off + ARP_FIELD.OPER[0], v); }
  // Address accessors assume Ethernet/IPv4 sizes (check `hlen`/`plen` first).
  get sha(): MacAddr { return getMac(this.buf, this.off + ARP_FIELD.SHA[0]); }
  set sha(v: MacAddr) { putMac(this.buf, this.off + ARP_FIELD.SHA[0], v); }
  get spa(): Ipv4Addr { return get32(this.buf, this.off + ARP_FIELD.SPA[0]) as Ipv4Addr; }
  set spa(v: Ipv4Addr) { put32(this.buf, this.off + ARP_FIELD.SPA[0], v); }
  get tha(): MacAddr { return getMac(this.buf, this.off + ARP_FIELD.THA[0]); }
  set tha(v: MacAddr) { putMac(this.buf, this.off + ARP_FIELD.THA[0], v); }
  get tpa(): Ipv4Addr { return get32(this.buf, this.off + ARP_FIELD.TPA[0]) as Ipv4Addr; }
  set tpa(v: Ipv4Addr) { put32(this.buf, this.off + ARP_FIELD.TPA[0], v); }
}

export function parseArp(v: ArpView): ArpRepr | WireError {
  if (v.htype !== ARP_HTYPE_ETHERNET || v.ptype !== ARP_PTYPE_IPV4 || v.hlen !== 6 || v.plen !== 4) {
    return wireError('arp', 'unsupported', `htype ${v.htype} ptype 0x${v.ptype.toString(16)} hlen ${v.hlen} plen ${v.plen}`);
  }
  return { kind: 'arp', op: v.oper, sha: v.sha, spa: v.spa, tha: v.tha, tpa: v.tpa };
}

export function arpBufferLen(_repr: ArpRepr): number {
  return ARP_LEN;
}

/** Writes all 28 bytes at `off`; returns 28. */
export function emitArp(r: ArpRepr, buf: Uint8Array, off: number): number {
  put16(buf, off, ARP_HTYPE_ETHERNET);
  put16(buf, off + 2, ARP_PTYPE_IPV4);
  buf[off + 4] = 6;
  buf[off + 5] = 4;
  put16(buf, off + 6, r.op);
  putMac(buf, off + 8, r.sha);
  put32(buf, off + 14, r.spa);
  putMac(buf, off + 18, r.tha);
  put32(buf, off + 24, r.tpa);
  return ARP_LEN;
}
