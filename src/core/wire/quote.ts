/**
 * The datagram an ICMP error quotes, both ways.
 *
 * RFC 792 asks for the IP header plus the first 8 bytes of payload; Linux quotes as much of
 * the offending datagram as keeps the error within 576 bytes (`icmp_send` in
 * net/ipv4/icmp.c: room = 576 − 20 − 8), which a capture of a real port-unreachable shows.
 * `icmpQuote` does the Linux thing by default and the RFC minimum with `maxLen` = header + 8.
 *
 * `parseIcmpQuote` reads a quote back for the error handlers of TCP and UDP, which need the
 * addresses and ports. A quote that holds the whole datagram parses like any other; a cut one
 * gives a best-effort Repr: TCP/UDP/ICMP header fields that are present, zeros for those that
 * are not, no options, an empty payload.
 */
import * as bytesM from './bytes.ts';
import { isWireError } from './error.ts';
import * as ipv4M from './ipv4.ts';
import * as typesM from './types.ts';
import type { IpPayload, Ipv4Addr, Ipv4Repr } from './types.ts';

// Bound once rather than read through the import at each use: see "Imports on the hot path" in bytes.ts.
const { copyBytes, get16, get32 } = bytesM;
const { emitIpv4, ipv4BufferLen, Ipv4View, parseIpv4 } = ipv4M;
const { EMPTY, IpProto } = typesM;

/** 576 − IP header − ICMP header: what Linux quotes at most. */
export const ICMP_QUOTE_LINUX = 548;

/** The first `maxLen` bytes of `ip` as it was on the wire (checksums included). */
export function icmpQuote(ip: Ipv4Repr, maxLen: number = ICMP_QUOTE_LINUX): Uint8Array {
  const full = new Uint8Array(ipv4BufferLen(ip));
  emitIpv4(ip, full, 0);
  return full.length <= maxLen ? full : full.slice(0, maxLen);
}

/** The quoted datagram of an ICMP error, or null when not even its IP header is there. */
export function parseIcmpQuote(b: Uint8Array): Ipv4Repr | null {
  if (b.length < 20 || b[0] >> 4 !== 4) return null;
  const hl = (b[0] & 15) * 4;
  if (hl < 20 || hl > b.length) return null;
  const tl = get16(b, 2);
  if (tl >= hl && tl <= b.length) {
    const v = Ipv4View.check(b, 0, tl);
    if (!isWireError(v)) {
      const r = parseIpv4(v);
      if (!isWireError(r)) return r;
    }
  }
  // Cut short: decode the header by hand (Ipv4View would call it truncated), then what is
  // left of the transport header.
  const fo = get16(b, 6);
  const p = b.subarray(hl, Math.min(Math.max(tl, hl), b.length));
  const n = p.length;
  const protocol = b[9];
  let payload: IpPayload;
  if (protocol === IpProto.TCP && n >= 4) {
    payload = {
      kind: 'tcp', srcPort: get16(p, 0), dstPort: get16(p, 2),
      seq: n >= 8 ? get32(p, 4) : 0, ack: n >= 12 ? get32(p, 8) : 0, flags: n >= 14 ? p[13] : 0,
      window: n >= 16 ? get16(p, 14) : 0, options: [], payload: EMPTY,
    };
  } else if (protocol === IpProto.UDP && n >= 4) {
    payload = { kind: 'udp', srcPort: get16(p, 0), dstPort: get16(p, 2), payload: EMPTY };
  } else if (protocol === IpProto.ICMP && n >= 8) {
    payload = { kind: 'icmp', type: p[0], code: p[1], rest: get32(p, 4), payload: copyBytes(p, 8) };
  } else {
    payload = { kind: 'raw', bytes: copyBytes(p) };
  }
  let r: Ipv4Repr = {
    kind: 'ipv4', tos: b[1], id: get16(b, 4), df: (fo & 0x4000) !== 0, ttl: b[8], protocol,
    src: get32(b, 12) as Ipv4Addr, dst: get32(b, 16) as Ipv4Addr, payload,
  };
  if (fo & 0x2000) r = { ...r, mf: true };
  if (fo & 0x1fff) r = { ...r, fragOffset: fo & 0x1fff };
  if (hl > 20) r = { ...r, options: copyBytes(b, 20, hl) };
  return r;
}
