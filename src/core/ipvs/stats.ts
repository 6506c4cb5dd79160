/**
 * IPVS statistics (struct ip_vs_stats) and the rate estimator of ip_vs_est.c.
 *
 * Counters are 64-bit in the kernel; JavaScript numbers are exact up to 2^53, far beyond what
 * a lab can send. `-Z` does not clear the counters: as ip_vs_zero_stats() it remembers the
 * current values as the zero point (kstats0) and resets the estimator.
 *
 * The estimator runs every 2 s on the kernel's timer (estimation_timer): for each counter,
 * rate = delta << 9 (scaled by 2^10, divided by 2 s) for conns/packets and delta << 4
 * (2^5 / 2) for bytes, then avg += (rate - avg) >> 2 (a signed shift). Readers get
 * (avg + 0x1FF) >> 10 and (avg + 0xF) >> 5. We do not put a periodic timer on the event queue
 * (a lab that never quiesces could not be run to completion): `Estimator.catchUp(now)` runs the
 * ticks that are due, lazily, before any counter changes and before any reader looks. This
 * gives the same numbers because the counters are constant between two updates.
 */
import { SEC } from '../sim/events.ts';

export interface Counters {
  conns: number;
  inpkts: number;
  outpkts: number;
  inbytes: number;
  outbytes: number;
}

export interface Rates {
  cps: number;
  inpps: number;
  outpps: number;
  inbps: number;
  outbps: number;
}

const zero = (): Counters => ({ conns: 0, inpkts: 0, outpkts: 0, inbytes: 0, outbytes: 0 });

/** Floor division by 4 of a signed value (the kernel's `(s64)x >> 2`). */
const sar2 = (x: number): number => Math.floor(x / 4);

export class Stats {
  /** Counters since creation (kstats). */
  readonly k: Counters = zero();
  /** The zero point set by -Z (kstats0). */
  readonly k0: Counters = zero();
  /** Estimator state (scaled averages and the values at the last tick). */
  readonly last: Counters = zero();
  readonly avg: Rates = { cps: 0, inpps: 0, outpps: 0, inbps: 0, outbps: 0 };

  /** What ipvsadm shows: counters minus the zero point. */
  shown(): Counters {
    const { k, k0 } = this;
    return {
      conns: k.conns - k0.conns, inpkts: k.inpkts - k0.inpkts, outpkts: k.outpkts - k0.outpkts,
      inbytes: k.inbytes - k0.inbytes, outbytes: k.outbytes - k0.outbytes,
    };
  }

  /** ip_vs_read_estimator(). */
  rates(): Rates {
    const a = this.avg;
    return {
      cps: Math.floor((a.cps + 0x1ff) / 1024), inpps: Math.floor((a.inpps + 0x1ff) / 1024),
      outpps: Math.floor((a.outpps + 0x1ff) / 1024), inbps: Math.floor((a.inbps + 0xf) / 32),
      outbps: Math.floor((a.outbps + 0xf) / 32),
    };
  }

  /** One estimation_timer() step for this object. */
  tick(): void {
    const { k, last, avg } = this;
    let rate = (k.conns - last.conns) * 512; last.conns = k.conns; avg.cps += sar2(rate - avg.cps);
    rate = (k.inpkts - last.inpkts) * 512; last.inpkts = k.inpkts; avg.inpps += sar2(rate - avg.inpps);
    rate = (k.outpkts - last.outpkts) * 512; last.outpkts = k.outpkts; avg.outpps += sar2(rate - avg.outpps);
    rate = (k.inbytes - last.inbytes) * 16; last.inbytes = k.inbytes; avg.inbps += sar2(rate - avg.inbps);
    rate = (k.outbytes - last.outbytes) * 16; last.outbytes = k.outbytes; avg.outbps += sar2(rate - avg.outbps);
  }

  /** Nothing would change on a tick (all averages 0 and no new counts). */
  idle(): boolean {
    const { k, last, avg } = this;
    return avg.cps === 0 && avg.inpps === 0 && avg.outpps === 0 && avg.inbps === 0 && avg.outbps === 0
      && k.conns === last.conns && k.inpkts === last.inpkts && k.outpkts === last.outpkts
      && k.inbytes === last.inbytes && k.outbytes === last.outbytes;
  }

  /** ip_vs_zero_stats(): current counters become the zero point, rates restart. */
  zero(): void {
    Object.assign(this.k0, this.k);
    Object.assign(this.last, this.k);
    this.avg.cps = this.avg.inpps = this.avg.outpps = this.avg.inbps = this.avg.outbps = 0;
  }

  /** Forget everything (a revived destination bound to another service). */
  reset(): void {
    for (const c of [this.k, this.k0, this.last]) c.conns = c.inpkts = c.outpkts = c.inbytes = c.outbytes = 0;
    this.avg.cps = this.avg.inpps = this.avg.outpps = this.avg.inbps = this.avg.outbps = 0;
  }
}

/** Estimation period (2 s) and the list of estimated objects of one netns. */
export const EST_PERIOD = 2 * SEC;

export class Estimator {
  readonly list = new Set<Stats>();
  /** Virtual time of the next tick. */
  private next: number;

  constructor(start: number) { this.next = start + EST_PERIOD; }

  add(s: Stats): void { this.list.add(s); }
  remove(s: Stats): void { this.list.delete(s); }

  /** Run every tick due at or before `now`. */
  catchUp(now: number): void {
    while (this.next <= now) {
      let busy = false;
      for (const s of this.list) if (!s.idle()) { busy = true; break; }
      if (!busy) {
        // Nothing moves until the next counter update: jump to the first tick after now.
        const n = Math.floor((now - this.next) / EST_PERIOD) + 1;
        this.next += n * EST_PERIOD;
        return;
      }
      for (const s of this.list) s.tick();
      this.next += EST_PERIOD;
    }
  }
}
