/**
 * Addresses and the decoded form ("Repr") of every header the lab puts on the wire.
 *
 * A frame in flight is an immutable tree of Reprs: Ethernet → ARP | IPv4 → TCP | UDP | ICMP |
 * IPv4 (IPIP) | VRRP. The network core works on Reprs; `emitFrame` (frame.ts) turns one into
 * the exact bytes a NIC would send, checksums included, and `parseFrame` turns bytes back
 * into the same Repr. Checksums, header lengths and total lengths are not stored in a Repr:
 * they are derived when emitting, so a Repr can never be inconsistent with its bytes.
 *
 * Rewriting a packet (IPVS, NAT, a router decrementing TTL) builds a new Repr with spread
 * syntax; nothing mutates a Repr after it was sent, so the capture log can keep references.
 */

/** An IPv4 address as an unsigned 32-bit integer in host order (192.168.1.1 = 0xC0A80101). */
export type Ipv4Addr = number & { readonly __brand: 'Ipv4Addr' };
/** A MAC address as an unsigned 48-bit integer (exact in a double). */
export type MacAddr = number & { readonly __brand: 'MacAddr' };

export const BROADCAST_MAC = 0xffffffffffff as MacAddr;
export const ZERO_MAC = 0 as MacAddr;
export const ANY_ADDR = 0 as Ipv4Addr;
export const LIMITED_BROADCAST = 0xffffffff as Ipv4Addr;

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parse a dotted quad strictly ("192.168.1.1"); null when it is not one. */
export function parseIpv4(s: string): Ipv4Addr | null {
  const m = DOTTED.exec(s);
  if (!m) return null;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return null;
    v = v * 256 + o;
  }
  return v as Ipv4Addr;
}

/** Parse a dotted quad that is known to be valid (presets, tests). Throws otherwise. */
export function ip(s: string): Ipv4Addr {
  const a = parseIpv4(s);
  if (a === null) throw new Error(`not an IPv4 address: ${s}`);
  return a;
}

export function fmtIp(a: number): string {
  return `${(a >>> 24) & 255}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** The netmask of a prefix length (24 → 0xFFFFFF00). */
export function prefixMask(len: number): number {
  return len <= 0 ? 0 : len >= 32 ? 0xffffffff : (0xffffffff << (32 - len)) >>> 0;
}

/** The prefix length of a contiguous netmask, or -1 when it is not contiguous. */
export function maskPrefix(mask: number): number {
  let n = 0;
  while (n < 32 && ((mask >>> (31 - n)) & 1)) n++;
  return prefixMask(n) === mask >>> 0 ? n : -1;
}

export function sameSubnet(a: number, b: number, prefix: number): boolean {
  const m = prefixMask(prefix);
  return ((a & m) >>> 0) === ((b & m) >>> 0);
}

export function parseMac(s: string): MacAddr | null {
  const m = /^([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})[:-]([0-9a-fA-F]{1,2})$/.exec(s);
  if (!m) return null;
  let v = 0;
  for (let i = 1; i <= 6; i++) v = v * 256 + parseInt(m[i], 16);
  return v as MacAddr;
}

export function mac(s: string): MacAddr {
  const a = parseMac(s);
  if (a === null) throw new Error(`not a MAC address: ${s}`);
  return a;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** "00:0c:29:3a:5b:7c" (lower case, as ip(8) prints it). */
export function fmtMac(a: number): string {
  const hi = Math.floor(a / 4294967296);
  const lo = a >>> 0;
  return `${HEX[(hi >>> 8) & 255]}:${HEX[hi & 255]}:${HEX[lo >>> 24]}:${HEX[(lo >>> 16) & 255]}:${HEX[(lo >>> 8) & 255]}:${HEX[lo & 255]}`;
}

export function isMulticastMac(a: number): boolean {
  return (Math.floor(a / 1099511627776) & 1) === 1; // bit 0 of the first octet
}

export const EtherType = { IPv4: 0x0800, ARP: 0x0806, IPv6: 0x86dd, VLAN: 0x8100 } as const;
export const IpProto = { ICMP: 1, IPIP: 4, TCP: 6, UDP: 17, GRE: 47, VRRP: 112 } as const;
export const ArpOp = { Request: 1, Reply: 2 } as const;
export const TcpFlag = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16, URG: 32, ECE: 64, CWR: 128 } as const;
export const IcmpType = {
  EchoReply: 0, DestUnreachable: 3, Redirect: 5, EchoRequest: 8, TimeExceeded: 11, ParamProblem: 12,
} as const;
/** ICMP destination-unreachable codes. */
export const IcmpUnreach = { Net: 0, Host: 1, Protocol: 2, Port: 3, FragNeeded: 4, AdminProhibited: 13 } as const;

export interface EthernetRepr {
  readonly src: MacAddr;
  readonly dst: MacAddr;
  readonly ethertype: number;
  readonly payload: EthPayload;
}
export type EthPayload = ArpRepr | Ipv4Repr | RawRepr;

export interface ArpRepr {
  readonly kind: 'arp';
  readonly op: number;            // 1 request, 2 reply
  readonly sha: MacAddr;
  readonly spa: Ipv4Addr;
  readonly tha: MacAddr;
  readonly tpa: Ipv4Addr;
}

export interface Ipv4Repr {
  readonly kind: 'ipv4';
  readonly tos: number;           // DSCP + ECN byte
  readonly id: number;            // identification (16 bit)
  readonly df: boolean;           // don't fragment
  readonly mf?: boolean;          // more fragments (never set by the lab; parsed)
  readonly fragOffset?: number;   // in 8-byte units (parsed)
  readonly ttl: number;
  readonly protocol: number;      // IpProto
  readonly src: Ipv4Addr;
  readonly dst: Ipv4Addr;
  readonly options?: Uint8Array;  // raw option bytes, length a multiple of 4
  readonly payload: IpPayload;
}
export type IpPayload = TcpRepr | UdpRepr | IcmpRepr | Ipv4Repr | VrrpRepr | RawRepr;

export type TcpOption =
  | { readonly kind: 'eol' }
  | { readonly kind: 'nop' }
  | { readonly kind: 'mss'; readonly value: number }
  | { readonly kind: 'ws'; readonly shift: number }
  | { readonly kind: 'sackPerm' }
  | { readonly kind: 'sack'; readonly blocks: readonly (readonly [number, number])[] }
  | { readonly kind: 'ts'; readonly val: number; readonly ecr: number }
  /** Alibaba/DPVS FULLNAT "TCP option address" (kind 254, length 8): the client's port and address. */
  | { readonly kind: 'toa'; readonly port: number; readonly addr: Ipv4Addr }
  | { readonly kind: 'unknown'; readonly type: number; readonly data: Uint8Array };

export interface TcpRepr {
  readonly kind: 'tcp';
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;           // unsigned 32 bit
  readonly ack: number;           // unsigned 32 bit
  readonly flags: number;         // TcpFlag bits (low 8 bits; NS is not used)
  readonly window: number;        // raw 16-bit field (unscaled)
  readonly urgent?: number;
  readonly options: readonly TcpOption[];
  readonly payload: Uint8Array;
}

export interface UdpRepr {
  readonly kind: 'udp';
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
}

export interface IcmpRepr {
  readonly kind: 'icmp';
  readonly type: number;
  readonly code: number;
  /** The 4 bytes after the checksum: id<<16|seq for echo, unused/next-hop MTU for errors, gateway for redirects. */
  readonly rest: number;
  /** Echo data, or for errors the offending IP header plus the first 8 bytes of its payload. */
  readonly payload: Uint8Array;
}

/** VRRPv2 advertisement (RFC 3768), IP protocol 112. */
export interface VrrpRepr {
  readonly kind: 'vrrp';
  readonly version: number;       // 2
  readonly type: number;          // 1 = advertisement
  readonly vrid: number;
  readonly priority: number;
  readonly authType: number;      // 0 none, 1 simple text password
  readonly advInt: number;        // seconds
  readonly addrs: readonly Ipv4Addr[];
  readonly authData: Uint8Array;  // 8 bytes
}

/** Bytes the lab does not decode further (an unknown ethertype or IP protocol, a truncated header). */
export interface RawRepr {
  readonly kind: 'raw';
  readonly bytes: Uint8Array;
}

export const EMPTY = new Uint8Array(0);

// ---- rewriting (the packet path's copies) ---------------------------------------------------
//
// `{ ...ip, dst }` gives every call site's copies a hidden class of their own, so the encoders
// and the stack, which read every packet, meet many shapes of the same Repr and slow down. These
// build the copy as a literal with the fields in the canonical order (the order every Repr
// literal and the parser use), so copies share the originals' shape. A Repr with optional fields
// (IP options, fragment fields, TCP urgent pointer) is copied with the spread as before.

/** `{ ...ip, ttl, src, dst, payload }`. */
export function rewriteIpv4(ip: Ipv4Repr, ttl: number, src: Ipv4Addr, dst: Ipv4Addr, payload: IpPayload): Ipv4Repr {
  if (ip.mf !== undefined || ip.fragOffset !== undefined || ip.options !== undefined) return { ...ip, ttl, src, dst, payload };
  return { kind: 'ipv4', tos: ip.tos, id: ip.id, df: ip.df, ttl, protocol: ip.protocol, src, dst, payload };
}

/** `{ ...t, srcPort, dstPort }`. */
export function rewriteTcpPorts(t: TcpRepr, srcPort: number, dstPort: number): TcpRepr {
  if (t.urgent !== undefined) return { ...t, srcPort, dstPort };
  return { kind: 'tcp', srcPort, dstPort, seq: t.seq, ack: t.ack, flags: t.flags, window: t.window, options: t.options, payload: t.payload };
}
