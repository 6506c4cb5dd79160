/**
 * A real server of a virtual service (struct ip_vs_dest).
 *
 * Besides its configuration (forwarding method, weight, thresholds, tunnel type) a
 * destination carries the connection counters every scheduler reads: activeconns,
 * inactconns, persistconns. They are changed only by binding/unbinding connections and by TCP
 * state changes (conn.ts), exactly where the kernel changes them.
 *
 * `lastWeight` is the latest non-zero weight (used by mh only). `svc` stays set while the
 * destination sits in the trash after -d/-D/-C, so that re-adding the same address:port to
 * the same service revives it with its counters (ip_vs_trash_get_dest).
 */
import { fmtIp, type Ipv4Addr } from '../wire/types.ts';
import { Stats } from './stats.ts';
import { ConnF, DestF, Fwd, type FwdMethod } from './types.ts';
import type { Service } from './service.ts';

let nextDestId = 1;

export class Dest {
  readonly id = nextDestId++;
  readonly af = 2;
  readonly addr: Ipv4Addr;
  readonly port: number;
  /** dest->conn_flags: forwarding method | INACTIVE | NOOUTPUT (for non-NAT). */
  connFlags = 0;
  weight = 1;
  lastWeight = 1;
  uThreshold = 0;
  lThreshold = 0;
  activeConns = 0;
  inactConns = 0;
  persistConns = 0;
  flags = 0;
  readonly stats = new Stats();
  /** The service this destination is bound to (kept while in the trash). */
  svc: Service | null = null;
  /** Service identity recorded at creation (for trash matching, as dest->vaddr/vport/vfwmark). */
  protocol = 0;
  vaddr = 0;
  vport = 0;
  vfwmark = 0;
  tunType = 0;
  tunPort = 0;
  tunFlags = 0;
  /** References from connections and templates (the kernel's refcnt minus the service's). */
  refs = 0;
  /** In the trash since (virtual µs), or -1. */
  trashedAt = -1;
  /** When the last reference went away (for trash expiry). */
  unrefAt = 0;

  constructor(addr: Ipv4Addr, port: number) {
    this.addr = addr;
    this.port = port;
  }

  get fwd(): FwdMethod { return (this.connFlags & ConnF.FWD_MASK) as FwdMethod; }
  get available(): boolean { return (this.flags & DestF.AVAILABLE) !== 0; }
  get overloaded(): boolean { return (this.flags & DestF.OVERLOAD) !== 0; }
  /** ip_vs_dest_totalconns() */
  get totalConns(): number { return this.activeConns + this.inactConns; }
  /** ip_vs_dest_conn_overhead(): activeconns * 256 + inactconns. */
  get overhead(): number { return this.activeConns * 256 + this.inactConns; }

  /** "192.168.137.130:80" */
  /** "192.168.137.130:80" (address and port never change: computed once). */
  get label(): string { return this._label ??= `${fmtIp(this.addr)}:${this.port}`; }
  private _label?: string;

  get isNat(): boolean { return this.fwd === Fwd.MASQ; }
}
