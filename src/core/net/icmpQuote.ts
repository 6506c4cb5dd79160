/**
 * What an ICMP error carries: as much of the offending packet as fits in 576 bytes with the
 * new IP and ICMP headers (Linux's icmp_send(): room = 576 - 20 - 8; RFC 792's minimum is the
 * IP header and 8 bytes), and the way back from those bytes to "which socket sent this".
 */
import { emitIpv4, ipv4BufferLen } from '../wire/ipv4.ts';
import { EMPTY, IpProto, type Ipv4Addr, type Ipv4Repr } from '../wire/types.ts';

const QUOTE_MAX = 576 - 20 - 8;

export function icmpQuote(ip: Ipv4Repr): Uint8Array {
  const full = new Uint8Array(ipv4BufferLen(ip));
  emitIpv4(ip, full, 0);
  return full.length <= QUOTE_MAX ? full : full.slice(0, QUOTE_MAX);
}

/** The quoted packet with a partial transport header (ports, and TCP's sequence number). */
export function icmpUnquote(b: Uint8Array): Ipv4Repr | null {
  if (b.length < 28 || b[0] >> 4 !== 4) return null;
  const ihl = (b[0] & 0x0f) * 4;
  if (ihl < 20 || b.length < ihl + 8) return null;
  const u32 = (o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  const protocol = b[9];
  const src = u32(12) as Ipv4Addr, dst = u32(16) as Ipv4Addr;
  const sp = (b[ihl] << 8) | b[ihl + 1], dp = (b[ihl + 2] << 8) | b[ihl + 3];
  const base = { kind: 'ipv4' as const, tos: b[1], id: (b[4] << 8) | b[5], df: (b[6] & 0x40) !== 0, ttl: b[8], protocol, src, dst };
  if (protocol === IpProto.TCP) {
    return { ...base, payload: { kind: 'tcp', srcPort: sp, dstPort: dp, seq: u32(ihl + 4), ack: 0, flags: 0, window: 0, options: [], payload: EMPTY } };
  }
  if (protocol === IpProto.UDP) return { ...base, payload: { kind: 'udp', srcPort: sp, dstPort: dp, payload: EMPTY } };
  if (protocol === IpProto.ICMP) {
    return { ...base, payload: { kind: 'icmp', type: b[ihl], code: b[ihl + 1], rest: u32(ihl + 4), payload: EMPTY } };
  }
  return { ...base, payload: { kind: 'raw', bytes: b.slice(ihl) } };
}
