/**
 * A virtual service (struct ip_vs_service): `<protocol, vaddr, vport>` or a firewall mark,
 * its scheduler and persistence settings, and its destination list.
 *
 * THE LIST ORDER MATTERS: the kernel inserts a new destination at the head of the list
 * (list_add_rcu in __ip_vs_update_dest), and every scheduler walks it head first. `dests[0]`
 * is the head, so after `-a RS1` then `-a RS2` the list is [RS2, RS1] and rr picks RS2 first.
 * Listings sort by address unless --nosort, which is why ipvsadm -Ln hides this.
 */
import { fmtIp, type Ipv4Addr } from '../wire/types.ts';
import type { Dest } from './dest.ts';
import type { Scheduler } from './sched/sched.ts';
import { Stats } from './stats.ts';
import { SvcF, protoName } from './types.ts';

let nextSvcId = 1;

/** A FULLNAT local address (Alibaba LVS / DPVS `--add-laddr`). */
export interface LocalAddr {
  readonly addr: Ipv4Addr;
  readonly ifname: string;
  /** Connections currently using it. */
  conns: number;
  /** Port allocation conflicts seen (DPVS's CONFLICTS column). */
  conflicts: number;
}

export class Service {
  readonly id = nextSvcId++;
  readonly af = 2;
  readonly protocol: number;
  readonly addr: Ipv4Addr;
  readonly port: number;
  readonly fwmark: number;
  flags = 0;
  /** Persistence timeout in seconds. */
  timeout = 0;
  /** Persistence granularity (IPv4 netmask, host order). */
  netmask = 0xffffffff;
  pe = '';
  sched: Scheduler | null = null;
  schedData: unknown = null;
  /** Destination list, head first (newest first). */
  readonly dests: Dest[] = [];
  readonly stats = new Stats();
  readonly laddrs: LocalAddr[] = [];
  /** Round-robin cursor over laddrs. */
  laddrCursor = 0;

  constructor(protocol: number, addr: Ipv4Addr, port: number, fwmark: number) {
    this.protocol = protocol;
    this.addr = addr;
    this.port = port;
    this.fwmark = fwmark;
  }

  get persistent(): boolean { return (this.flags & SvcF.PERSISTENT) !== 0; }
  get schedName(): string { return this.sched?.name ?? 'none'; }

  /** "TCP 192.168.1.100:80" or "FWM 6666", for logs and the UI. */
  /** "TCP 192.168.1.100:80" or "FWM 1" (the identity never changes: computed once). */
  get label(): string {
    return this._label ??= this.fwmark ? `FWM ${this.fwmark}` : `${protoName(this.protocol)} ${fmtIp(this.addr)}:${this.port}`;
  }
  private _label?: string;
}

/** How a service is named in commands: by fwmark, or by protocol/address/port. */
export interface SvcKey {
  readonly fwmark: number;
  readonly protocol: number;
  readonly addr: number;
  readonly port: number;
}

export function keyOf(s: SvcKey): string {
  return s.fwmark ? `f${s.fwmark}` : `${s.protocol}/${s.addr}/${s.port}`;
}
