/**
 * The ARP neighbour table of one host (net/core/neighbour.c + net/ipv4/arp.c, simplified
 * but with the kernel's states and timers):
 *
 *   INCOMPLETE --reply--> REACHABLE --reachable_time--> STALE --used--> DELAY --5 s--> PROBE
 *   INCOMPLETE --3 unanswered requests, 1 s apart--> FAILED (queued packets get EHOSTUNREACH)
 *   PROBE --reply--> REACHABLE;  PROBE --3 unanswered unicast probes--> FAILED
 *
 * reachable_time is drawn in [base/2, 3·base/2] (base_reachable_time 30 s) from the lab's
 * seeded RNG. A TCP connection making progress confirms its next hop (dst_confirm), which
 * keeps a busy neighbour REACHABLE. Entries are kept per (device, address).
 */
import type { Ipv4Addr, MacAddr } from '../wire/types.ts';
import type { EventQueue, Timer } from '../sim/events.ts';
import { SEC } from '../sim/events.ts';
import type { Rng } from '../sim/rng.ts';

export type NudState = 'INCOMPLETE' | 'REACHABLE' | 'STALE' | 'DELAY' | 'PROBE' | 'FAILED' | 'PERMANENT' | 'NOARP';

export interface Neigh {
  readonly ip: Ipv4Addr;
  readonly dev: string;
  mac: MacAddr | null;
  state: NudState;
  /** Time of the last state/address change (µs). */
  updated: number;
  confirmed: number;
  used: number;
  probes: number;
  /** Packets waiting for resolution (the kernel queues a few per entry). */
  queue: unknown[];
  timer: Timer | null;
  reachableTime: number;
}

export interface NeighCallbacks {
  /** Send an ARP request for `n` (broadcast when `unicastTo` is null). */
  solicit(n: Neigh, unicastTo: MacAddr | null): void;
  /** `n` became usable: send what was queued. */
  resolved(n: Neigh): void;
  /** Resolution failed: drop what was queued (with host-unreachable errors). */
  failed(n: Neigh, queued: unknown[]): void;
  /** sysctl neigh parameters for a device. */
  param(dev: string, name: 'base_reachable_time_ms' | 'retrans_time_ms' | 'delay_first_probe_time' | 'mcast_solicit' | 'ucast_solicit' | 'locktime'): number;
}

const QUEUE_MAX = 101; // unres_qlen_bytes 212992 / ~2 KB truesize, as the kernel ends up with

/** Entries per device, keyed by address (numbers, not strings: this is on every packet's path). */
class NeighMap {
  private readonly byDev = new Map<string, Map<number, Neigh>>();
  // The last lookup and its answer (a flow's packets ask for the same next hop); set and delete forget it.
  private hitDev: string | null = null; private hitIp = -1; private hit: Neigh | undefined = undefined;
  get(dev: string, ip: number): Neigh | undefined {
    if (ip === this.hitIp && dev === this.hitDev) return this.hit;
    const n = this.byDev.get(dev)?.get(ip);
    this.hitDev = dev; this.hitIp = ip; this.hit = n;
    return n;
  }
  set(n: Neigh): void {
    this.hitDev = null; this.hit = undefined;
    let m = this.byDev.get(n.dev);
    if (!m) { m = new Map(); this.byDev.set(n.dev, m); }
    m.set(n.ip, n);
  }
  delete(n: Neigh): void { this.hitDev = null; this.hit = undefined; this.byDev.get(n.dev)?.delete(n.ip); }
  *values(): IterableIterator<Neigh> { for (const m of this.byDev.values()) yield* m.values(); }
}

export class NeighTable {
  private readonly map = new NeighMap();

  constructor(private readonly q: EventQueue, private readonly rng: Rng, private readonly cb: NeighCallbacks) {}

  get(dev: string, ip: number): Neigh | undefined { return this.map.get(dev, ip); }

  all(): Neigh[] { return [...this.map.values()]; }

  private newReachableTime(dev: string): number {
    const base = this.cb.param(dev, 'base_reachable_time_ms') * 1000;
    return Math.floor(base / 2 + this.rng.float() * base);
  }

  private create(dev: string, ip: Ipv4Addr, state: NudState, mac: MacAddr | null): Neigh {
    const now = this.q.now;
    const n: Neigh = {
      ip, dev, mac, state, updated: now, confirmed: now, used: now, probes: 0, queue: [], timer: null,
      reachableTime: this.newReachableTime(dev),
    };
    this.map.set(n);
    return n;
  }

  /**
   * Output path: the MAC to send to now, or null if the packet was queued (resolution
   * started or in progress) — `pkt` is then owned by the table until resolved/failed.
   * A FAILED entry restarts resolution, as the kernel does on the next packet.
   */
  resolve(dev: string, ip: Ipv4Addr, pkt: unknown): MacAddr | null {
    let n = this.map.get(dev, ip);
    const now = this.q.now;
    if (!n) {
      n = this.create(dev, ip, 'INCOMPLETE', null);
      this.startIncomplete(n, pkt);
      return null;
    }
    n.used = now;
    switch (n.state) {
      case 'PERMANENT': case 'NOARP': case 'REACHABLE': case 'DELAY': case 'PROBE':
        if (n.state === 'REACHABLE' && now - n.confirmed > n.reachableTime) {
          this.setState(n, 'DELAY');
          this.armDelay(n);
        }
        return n.mac;
      case 'STALE':
        this.setState(n, 'DELAY');
        this.armDelay(n);
        return n.mac;
      case 'INCOMPLETE':
        if (n.queue.length >= QUEUE_MAX) n.queue.shift();
        n.queue.push(pkt);
        return null;
      case 'FAILED':
        this.startIncomplete(n, pkt);
        return null;
    }
  }

  private startIncomplete(n: Neigh, pkt: unknown): void {
    this.setState(n, 'INCOMPLETE');
    n.mac = null;
    n.probes = 0;
    n.queue.push(pkt);
    this.probe(n, null);
  }

  private probe(n: Neigh, unicast: MacAddr | null): void {
    n.probes++;
    this.cb.solicit(n, unicast);
    this.q.cancel(n.timer);
    n.timer = this.q.after(this.cb.param(n.dev, 'retrans_time_ms') * 1000, () => this.onProbeTimer(n));
  }

  private onProbeTimer(n: Neigh): void {
    n.timer = null;
    if (n.state === 'INCOMPLETE') {
      if (n.probes < this.cb.param(n.dev, 'mcast_solicit')) { this.probe(n, null); return; }
      this.fail(n);
    } else if (n.state === 'PROBE') {
      if (n.probes < this.cb.param(n.dev, 'ucast_solicit')) { this.probe(n, n.mac); return; }
      this.fail(n);
    }
  }

  private fail(n: Neigh): void {
    this.setState(n, 'FAILED');
    n.mac = null;
    const q = n.queue;
    n.queue = [];
    this.cb.failed(n, q);
  }

  private armDelay(n: Neigh): void {
    this.q.cancel(n.timer);
    n.timer = this.q.after(this.cb.param(n.dev, 'delay_first_probe_time') * SEC, () => {
      n.timer = null;
      if (n.state !== 'DELAY') return;
      if (this.q.now - n.confirmed < n.reachableTime) { this.setState(n, 'REACHABLE'); this.armReachable(n); return; }
      this.setState(n, 'PROBE');
      n.probes = 0;
      this.probe(n, n.mac);
    });
  }

  private armReachable(n: Neigh): void {
    this.q.cancel(n.timer);
    const left = n.confirmed + n.reachableTime - this.q.now;
    n.timer = this.q.after(Math.max(left, 1), () => {
      n.timer = null;
      if (n.state !== 'REACHABLE') return;
      if (this.q.now - n.confirmed >= n.reachableTime) this.setState(n, 'STALE');
      else this.armReachable(n);
    });
  }

  private setState(n: Neigh, s: NudState): void {
    if (n.state !== s) { n.state = s; n.updated = this.q.now; }
  }

  /**
   * An ARP packet told us `ip` is at `mac` (arp_process → neigh_update). `reachable` = a
   * reply addressed to this host (→ REACHABLE); otherwise (a request, a broadcast reply) →
   * STALE. `create` = make an entry if none exists (requests for our own addresses do).
   * Within `locktime` of the last change a different address does not override a valid
   * entry: the first ARP reply wins, as on Linux when two hosts answer for one address.
   */
  update(dev: string, ip: Ipv4Addr, mac: MacAddr, reachable: boolean, create: boolean, override?: boolean): void {
    let n = this.map.get(dev, ip);
    const now = this.q.now;
    if (!n) {
      if (!create) return;
      n = this.create(dev, ip, 'STALE', mac);
      if (reachable) { this.setState(n, 'REACHABLE'); n.confirmed = now; this.armReachable(n); }
      return;
    }
    if (n.state === 'PERMANENT' || n.state === 'NOARP') return;
    const valid = n.state === 'REACHABLE' || n.state === 'STALE' || n.state === 'DELAY' || n.state === 'PROBE';
    const ovr = override ?? (now - n.updated >= this.cb.param(dev, 'locktime') * 10_000);
    if (valid && n.mac !== mac && !ovr) return;
    let newState: NudState = reachable ? 'REACHABLE' : 'STALE';
    if (valid && n.mac === mac && newState === 'STALE') newState = n.state;
    const macChanged = n.mac !== mac;
    n.mac = mac;
    if (macChanged) n.updated = now;
    if (newState === 'REACHABLE') {
      n.confirmed = now;
      n.probes = 0;
      this.setState(n, 'REACHABLE');
      this.armReachable(n);
    } else if (newState !== n.state) {
      this.q.cancel(n.timer);
      n.timer = null;
      this.setState(n, newState);
    }
    if (n.queue.length) this.cb.resolved(n);
  }

  /** Forward progress on a connection through this neighbour (dst_confirm). */
  confirm(dev: string, ip: number): void {
    const n = this.map.get(dev, ip);
    if (!n || n.mac === null) return;
    n.confirmed = this.q.now;
    if (n.state === 'DELAY' || n.state === 'PROBE' || n.state === 'STALE') {
      this.setState(n, 'REACHABLE');
      n.probes = 0;
      this.armReachable(n);
    }
  }

  /** `ip neigh add/replace ... lladdr X nud permanent|reachable|stale|noarp`. */
  set(dev: string, ip: Ipv4Addr, mac: MacAddr | null, state: NudState): void {
    let n = this.map.get(dev, ip);
    if (!n) n = this.create(dev, ip, state, mac);
    this.q.cancel(n.timer);
    n.timer = null;
    n.mac = mac;
    this.setState(n, state);
    n.confirmed = this.q.now;
    if (state === 'REACHABLE') this.armReachable(n);
    if (n.queue.length && mac !== null) this.cb.resolved(n);
  }

  delete(dev: string, ip: number): boolean {
    const n = this.map.get(dev, ip);
    if (!n) return false;
    this.q.cancel(n.timer);
    this.map.delete(n);
    return true;
  }

  /**
   * `ip neigh flush`: removes matching non-permanent entries (iproute2 flushes everything
   * except PERMANENT and NOARP unless `nud all`). Returns how many were removed.
   */
  flush(pred: (n: Neigh) => boolean, includePermanent = false): number {
    let k = 0;
    for (const n of [...this.map.values()]) {
      if (!includePermanent && (n.state === 'PERMANENT' || n.state === 'NOARP')) continue;
      if (!pred(n)) continue;
      this.q.cancel(n.timer);
      this.map.delete(n);
      k++;
    }
    return k;
  }

  /** Forget everything about a device (it went down or was removed). */
  flushDev(dev: string): void {
    for (const n of [...this.map.values()]) if (n.dev === dev) { this.q.cancel(n.timer); this.map.delete(n); }
  }

  /** Drain a resolved entry's queue (called by the host from `resolved`). */
  takeQueue(n: Neigh): unknown[] { const q = n.queue; n.queue = []; return q; }
}
