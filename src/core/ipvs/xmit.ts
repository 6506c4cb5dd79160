/**
 * The packet transmitters of ip_vs_xmit.c: how a scheduled packet leaves the director.
 *
 *  - natXmit (VS/NAT, -m): destination address and port rewritten to the real server's.
 *  - drXmit (VS/DR, -g): nothing in the IP packet changes; it is sent to the real server's
 *    MAC address (the route to the real server is used as the next hop, FLOWI_FLAG_KNOWN_NH).
 *  - tunnelXmit (VS/TUN, -i): an outer IPv4 header (protocol 4, IPIP) from the director's
 *    address towards the real server is put around the packet. GUE and GRE are encapsulated
 *    too (UDP / protocol 47 with the inner packet as opaque bytes) though no lab host decodes them.
 *  - fullnatXmit (FULLNAT, Alibaba LVS/DPVS): source rewritten to a local address and port of
 *    the director, destination to the real server; the client's address travels in a TCP
 *    option TOA (kind 254) on the first ACK after the SYN, where Alibaba's toa module reads it
 *    (tcp_v4_syn_recv_sock). `fullnatReply` translates the real server's replies back.
 *
 * As __ip_vs_get_out_rt(): the route to the real server is looked up; a local real server
 * gets the packet through the local stack (the hook returns ACCEPT); otherwise the TTL is
 * decremented (decrement_ttl, kernels >= 5.3: ICMP time exceeded when it would reach 0) and the
 * packet goes out through LOCAL_OUT (iptables OUTPUT sees it, IPVS skips it: ipvs_property)
 * and POSTROUTING, untracked by conntrack (ip_vs_notrack). No route: ICMP host unreachable to
 * the sender (dst_link_failure) and the packet is gone.
 */
import type { Host, RouteResult } from '../net/host.ts';
import { Hook, Verdict, type Skb } from '../netfilter/hooks.ts';
import { CtState, Dir as CtDir } from '../netfilter/conntrack.ts';
import { emitIpv4, ipv4BufferLen } from '../wire/ipv4.ts';
import { tcpOptionsLen } from '../wire/tcp.ts';
import {
  EMPTY, IcmpType, IcmpUnreach, IpProto, TcpFlag, fmtIp, rewriteIpv4, rewriteTcpPorts, type Ipv4Addr, type Ipv4Repr, type UdpRepr,
} from '../wire/types.ts';
import type { Conn } from './conn.ts';
import { TunType } from './types.ts';

export const TOA_LEN = 8;

/** ip_vs_notrack(): the packet leaves conntrack alone (no entry is confirmed for it). */
function notrack(skb: Skb): void {
  skb.ct = UNTRACKED;
}
/** Nothing writes to a CtRef, so every untracked packet shares this one. */
const UNTRACKED = Object.freeze({ entry: null, dir: CtDir.ORIGINAL, state: CtState.UNTRACKED });

/** Route to `dst` for a packet IPVS sends: the result, 'local', or null (unreachable, already reported). */
function outRoute(host: Host, skb: Skb, dst: Ipv4Addr, src: Ipv4Addr | 0 = 0): RouteResult | 'local' | null {
  if (host.isLocal(dst)) return 'local';
  const rr = host.routeOutput(dst, src);
  if (typeof rr === 'string') {
    host.dropSkb(skb, `${host.hostname}: IPVS: no route to real server ${fmtIp(dst)}`, 'no-route');
    host.icmpError(skb, IcmpType.DestUnreachable, IcmpUnreach.Host);
    return null;
  }
  return rr;
}

/** decrement_ttl(): false (and ICMP time exceeded) when the packet must die here. */
function decTtl(host: Host, skb: Skb): boolean {
  if (skb.ip.ttl <= 1) {
    host.dropSkb(skb, `${host.hostname}: IPVS: TTL exceeded in transit`, 'ttl-exceeded');
    host.icmpError(skb, IcmpType.TimeExceeded, 0);
    return false;
  }
  const ip = skb.ip;
  skb.ip = rewriteIpv4(ip, ip.ttl - 1, ip.src, ip.dst, ip.payload);
  return true;
}

/** ip_vs_send_or_cont() for a non-local destination: LOCAL_OUT, then dst_output. */
export function sendOut(host: Host, skb: Skb, dev: string, nexthop: number): Verdict {
  skb.outDev = dev;
  skb.nexthop = nexthop;
  skb.ipvsDone = true;
  notrack(skb);
  if (!host.hooks.isEmpty(Hook.LOCAL_OUT)) {
    const v = host.hooks.run(Hook.LOCAL_OUT, skb);
    if (v === Verdict.DROP) { host.dropSkb(skb, skb.dropReason ?? `${host.hostname}: dropped in OUTPUT`, 'netfilter'); return Verdict.STOLEN; }
    if (v === Verdict.STOLEN) return Verdict.STOLEN;
  }
  host.postRouting(skb);
  return Verdict.STOLEN;
}

function withPorts(ip: Ipv4Repr, sport: number | null, dport: number | null): Ipv4Repr['payload'] {
  const p = ip.payload;
  if (p.kind === 'tcp') return rewriteTcpPorts(p, sport ?? p.srcPort, dport ?? p.dstPort);
  if (p.kind === 'udp') return { ...p, srcPort: sport ?? p.srcPort, dstPort: dport ?? p.dstPort } satisfies UdpRepr;
  return p;
}

/** ip_vs_nat_xmit() */
export function natXmit(host: Host, skb: Skb, cp: Conn): Verdict {
  const r = outRoute(host, skb, cp.daddr as Ipv4Addr);
  if (r === null) return Verdict.STOLEN;
  const ip = skb.ip;
  if (r !== 'local' && ip.ttl > 1) {
    // The rewrite and decrement_ttl() in one copy.
    skb.ip = rewriteIpv4(ip, ip.ttl - 1, ip.src, cp.daddr as Ipv4Addr, withPorts(ip, null, cp.dport));
    return sendOut(host, skb, r.dev.name, r.nexthop);
  }
  skb.ip = rewriteIpv4(ip, ip.ttl, ip.src, cp.daddr as Ipv4Addr, withPorts(ip, null, cp.dport));
  if (r === 'local') {
    // DNAT to this host: continue through the local stack (but never from the world to 127/8).
    if ((cp.daddr >>> 24) === 127 && skb.inDev !== null) {
      host.dropSkb(skb, `${host.hostname}: IPVS: stopping DNAT to loopback address`, 'ipvs');
      return Verdict.STOLEN;
    }
    skb.ipvsDone = true;
    return Verdict.ACCEPT;
  }
  if (!decTtl(host, skb)) return Verdict.STOLEN;
  return sendOut(host, skb, r.dev.name, r.nexthop);
}

/** ip_vs_dr_xmit() */
export function drXmit(host: Host, skb: Skb, cp: Conn): Verdict {
  const r = outRoute(host, skb, cp.daddr as Ipv4Addr);
  if (r === null) return Verdict.STOLEN;
  if (r === 'local') { skb.ipvsDone = true; return Verdict.ACCEPT; }
  if (!decTtl(host, skb)) return Verdict.STOLEN;
  return sendOut(host, skb, r.dev.name, r.nexthop);
}

/** ip_vs_tunnel_xmit() */
export function tunnelXmit(host: Host, skb: Skb, cp: Conn): Verdict {
  const r = outRoute(host, skb, cp.daddr as Ipv4Addr);
  if (r === null) return Verdict.STOLEN;
  if (r === 'local') { skb.ipvsDone = true; return Verdict.ACCEPT; }
  if (!decTtl(host, skb)) return Verdict.STOLEN;
  const inner = skb.ip;
  const d = cp.dest;
  const tunType = d?.tunType ?? TunType.IPIP;
  let protocol: number = IpProto.IPIP;
  let payload: Ipv4Repr['payload'] = inner;
  if (tunType !== TunType.IPIP) {
    const bytes = new Uint8Array(ipv4BufferLen(inner));
    emitIpv4(inner, bytes, 0);
    if (tunType === TunType.GRE) {
      // GRE header: no flags, protocol 0x0800 (IPv4).
      const g = new Uint8Array(4 + bytes.length);
      g[2] = 0x08; g[3] = 0x00;
      g.set(bytes, 4);
      protocol = IpProto.GRE;
      payload = { kind: 'raw', bytes: g };
    } else {
      // GUE: a UDP datagram to the configured port; 4-byte GUE header (version 0, proto 4).
      const g = new Uint8Array(4 + bytes.length);
      g[1] = IpProto.IPIP;
      g.set(bytes, 4);
      protocol = IpProto.UDP;
      payload = { kind: 'udp', srcPort: d?.tunPort ?? 0, dstPort: d?.tunPort ?? 0, payload: g };
    }
  }
  skb.ip = {
    kind: 'ipv4', tos: inner.tos, id: host.nextIpId(), df: inner.df, ttl: Number(host.sysctl.get('net.ipv4.ip_default_ttl') ?? 64),
    protocol, src: r.src, dst: cp.daddr as Ipv4Addr, payload,
  };
  return sendOut(host, skb, r.dev.name, r.nexthop);
}

/** FULLNAT towards the real server: both addresses rewritten, TOA on the first ACK. */
export function fullnatXmit(host: Host, skb: Skb, cp: Conn): Verdict {
  const r = outRoute(host, skb, cp.daddr as Ipv4Addr, cp.laddr as Ipv4Addr);
  if (r === null) return Verdict.STOLEN;
  if (r !== 'local' && !decTtl(host, skb)) return Verdict.STOLEN;
  const ip = skb.ip;
  let payload = withPorts(ip, cp.lport, cp.dport);
  if (payload.kind === 'tcp' && !cp.toaDone) {
    const t = payload;
    const f = t.flags;
    // Alibaba's tcp_fnat_in_handler: "add toa to first ack packet" (not SYN, RST or FIN).
    if (f & TcpFlag.ACK && !(f & (TcpFlag.SYN | TcpFlag.RST | TcpFlag.FIN))) {
      cp.toaDone = true;
      if (tcpOptionsLen(t.options) + TOA_LEN <= 40) {
        payload = { ...t, options: [...t.options, { kind: 'toa', port: cp.cport, addr: cp.caddr as Ipv4Addr }] };
      }
    }
  }
  skb.ip = { ...ip, src: cp.laddr as Ipv4Addr, dst: cp.daddr as Ipv4Addr, payload };
  if (r === 'local') { skb.ipvsDone = true; return Verdict.ACCEPT; }
  return sendOut(host, skb, r.dev.name, r.nexthop);
}

/** FULLNAT reply from the real server: back to VIP→client, routed to the client. */
export function fullnatReply(host: Host, skb: Skb, cp: Conn): Verdict {
  const ip = skb.ip;
  skb.ip = { ...ip, src: cp.vaddr as Ipv4Addr, dst: cp.caddr as Ipv4Addr, payload: withPorts(ip, cp.vport, cp.cport) };
  const r = outRoute(host, skb, cp.caddr as Ipv4Addr, cp.vaddr as Ipv4Addr);
  if (r === null) return Verdict.STOLEN;
  if (r === 'local') { skb.ipvsDone = true; return Verdict.ACCEPT; }
  if (!decTtl(host, skb)) return Verdict.STOLEN;
  return sendOut(host, skb, r.dev.name, r.nexthop);
}

/** handle_response() for VS/NAT: the source becomes the virtual address and port. */
export function natReply(skb: Skb, cp: Conn): void {
  const ip = skb.ip;
  skb.ip = rewriteIpv4(ip, ip.ttl, cp.vaddr as Ipv4Addr, ip.dst, withPorts(ip, cp.vport, null));
  skb.ipvsDone = true;
  notrack(skb);
}

/** skb->len as IPVS counts it: the IP packet's total length. */
export function pktLen(ip: Ipv4Repr): number { return ipv4BufferLen(ip); }

export const NO_PAYLOAD = EMPTY;
