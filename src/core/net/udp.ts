/**
 * UDP sockets: bind, send, receive, and ICMP port-unreachable for closed ports (rate limits
 * aside, as Linux does). Used by `ipvsadm -u` services, the connection-sync daemon and tools.
 */
import type { Skb } from '../netfilter/hooks.ts';
import { IcmpType, IcmpUnreach, IpProto, fmtIp, type Ipv4Addr, type Ipv4Repr, type UdpRepr } from '../wire/types.ts';
import type { Host, NetErrno } from './host.ts';

export interface UdpSocket {
  readonly addr: Ipv4Addr | 0;
  readonly port: number;
  readonly owner: string;
  /** A datagram arrived. */
  onMessage: (data: Uint8Array, from: Ipv4Addr, fromPort: number, to: Ipv4Addr) => void;
  /** An ICMP error came back for something we sent. */
  onError?: (e: NetErrno, to: Ipv4Addr, toPort: number) => void;
  /** Receive broadcast/multicast too. */
  broadcast?: boolean;
}

export class UdpStack {
  private readonly socks: UdpSocket[] = [];
  private nextPort: number;

  constructor(readonly host: Host) {
    this.nextPort = 32768 + (host.rng.u32() % 28000);
  }

  bind(addr: Ipv4Addr | 0, port: number, owner: string, onMessage: UdpSocket['onMessage'], opts: { broadcast?: boolean } = {}): UdpSocket | NetErrno {
    if (port === 0) port = this.ephemeral();
    if (this.socks.some((s) => s.port === port && (s.addr === 0 || addr === 0 || s.addr === addr))) return 'EADDRINUSE';
    const s: UdpSocket = { addr, port, owner, onMessage, broadcast: opts.broadcast };
    this.socks.push(s);
    return s;
  }

  close(s: UdpSocket): void {
    const i = this.socks.indexOf(s);
    if (i >= 0) this.socks.splice(i, 1);
  }

  all(): readonly UdpSocket[] { return this.socks; }

  private ephemeral(): number {
    for (let i = 0; i < 28232; i++) {
      const p = 32768 + ((this.nextPort - 32768 + i) % 28232);
      if (!this.socks.some((s) => s.port === p)) { this.nextPort = p + 1; return p; }
    }
    return 0;
  }

  send(s: UdpSocket | null, dst: Ipv4Addr, dport: number, data: Uint8Array, opts: { src?: Ipv4Addr; sport?: number; ttl?: number; oif?: string } = {}): NetErrno | null {
    const udp: UdpRepr = { kind: 'udp', srcPort: opts.sport ?? s?.port ?? this.ephemeral(), dstPort: dport, payload: data };
    return this.host.sendIp(dst, IpProto.UDP, udp, { src: opts.src ?? ((s?.addr || undefined) as Ipv4Addr | undefined), ttl: opts.ttl, df: false, oif: opts.oif });
  }

  rcv(skb: Skb, u: UdpRepr, broadcast: boolean): void {
    const ip = skb.ip;
    const s = this.socks.find((x) => x.port === u.dstPort && (x.addr === 0 || x.addr === ip.dst) && (!broadcast || x.broadcast));
    if (s) { s.onMessage(u.payload, ip.src, u.srcPort, ip.dst); return; }
    if (broadcast) return;
    if (skb.frameNo) this.host.net.markDropped(skb.frameNo, this.host.id, `${this.host.hostname}: nothing listens on UDP ${fmtIp(ip.dst)}:${u.dstPort} (ICMP port unreachable sent)`, 'no-listener');
    this.host.icmpError(skb, IcmpType.DestUnreachable, IcmpUnreach.Port);
  }

  icmpError(inner: Ipv4Repr, e: NetErrno): void {
    const u = inner.payload;
    if (u.kind !== 'udp') return;
    const s = this.socks.find((x) => x.port === u.srcPort);
    s?.onError?.(e, inner.dst, u.dstPort);
  }

  unreachable(ip: Ipv4Repr, u: UdpRepr, e: NetErrno): void {
    const s = this.socks.find((x) => x.port === u.srcPort);
    s?.onError?.(e, ip.dst, u.dstPort);
  }
}
