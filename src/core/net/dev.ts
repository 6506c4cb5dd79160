/**
 * Network devices of a host: Ethernet NICs, the loopback and the IPIP tunnel device tunl0,
 * with their IPv4 addresses as `ip addr` shows them.
 *
 * A NIC is plugged into a Segment (a network such as vmnet1) through a cable that can be
 * pulled; it has carrier when it is plugged, the segment exists and the host is powered on.
 * `up` is the administrative state (`ip link set eth0 up/down`).
 */
import type { Ipv4Addr, MacAddr } from '../wire/types.ts';
import type { Segment } from './segment.ts';

export type DevKind = 'ether' | 'loopback' | 'ipip';

export interface IfAddr {
  addr: Ipv4Addr;
  prefix: number;
  /** Broadcast address, if set (NetworkManager sets one; plain `ip addr add` does not). */
  brd: Ipv4Addr | null;
  scope: 'global' | 'host' | 'link';
  secondary: boolean;
  noprefixroute: boolean;
  /** Who added it: NetworkManager removes only its own on deactivation. */
  owner: 'nm' | 'manual' | 'kernel' | 'keepalived';
  label?: string;
}

export interface DevStats {
  rxPackets: number; rxBytes: number; rxDropped: number;
  txPackets: number; txBytes: number; txDropped: number;
}

export class Dev {
  /** Lab-wide unique id (capture records refer to NICs by it). */
  readonly id: number;
  name: string;
  readonly kind: DevKind;
  readonly ifindex: number;
  mac: MacAddr;
  mtu: number;
  /** Administrative state (IFF_UP). */
  up: boolean;
  /** The cable is plugged (ether only). */
  plugged = true;
  segment: Segment | null = null;
  addrs: IfAddr[] = [];
  promisc = false;
  readonly stats: DevStats = { rxPackets: 0, rxBytes: 0, rxDropped: 0, txPackets: 0, txBytes: 0, txDropped: 0 };
  /** Owning host id. */
  readonly hostId: number;

  constructor(id: number, hostId: number, name: string, kind: DevKind, ifindex: number, mac: MacAddr, mtu: number) {
    this.id = id;
    this.hostId = hostId;
    this.name = name;
    this.kind = kind;
    this.ifindex = ifindex;
    this.mac = mac;
    this.mtu = mtu;
    this.up = kind === 'loopback';
  }

  /** Lower layer up: for Ethernet, plugged into an existing segment; loopback always. */
  get carrier(): boolean {
    if (this.kind === 'ether') return this.plugged && this.segment !== null;
    return true;
  }

  /** Usable for traffic: administratively up and lower layer up. */
  get running(): boolean { return this.up && this.carrier; }

  primaryAddrs(): IfAddr[] { return this.addrs.filter((a) => !a.secondary); }
  hasAddr(a: number): boolean { return this.addrs.some((x) => x.addr === a); }
}

