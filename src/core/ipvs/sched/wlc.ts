/**
 * wlc — weighted least connection, the default scheduler (net/netfilter/ipvs/ip_vs_wlc.c).
 *
 * `least` starts as the first destination that is not OVERLOAD with weight > 0; each later
 * non-OVERLOAD destination replaces it when loh * w(d) > doh * w(least) (cross-multiplied,
 * 64-bit, strict: ties keep the earlier = newer destination). Later weight-0 destinations
 * are not skipped explicitly but can never win (loh * 0 > x is false).
 */
import type { Dest } from '../dest.ts';
import type { Service } from '../service.ts';
import { ratio, result, step, type Scheduler, type SchedStep } from './sched.ts';

/** Shared by wlc and sed: they differ only in the overhead. */
export function weightedLeast(name: string, svc: Service, oh: (d: Dest) => number, show: (d: Dest) => string) {
  const steps: SchedStep[] = [];
  const L = svc.dests;
  let i = 0;
  let least: Dest | null = null;
  let loh = 0;
  for (; i < L.length; i++) {
    const d = L[i];
    if (!d.overloaded && d.weight > 0) { least = d; loh = oh(d); steps.push(step(d, `${show(d)}/${d.weight} = ${ratio(loh, d.weight)}`)); i++; break; }
    steps.push(step(d, undefined, d.overloaded ? 'OVERLOAD' : 'weight 0 (quiesced)'));
  }
  if (!least) return result(name, null, steps, '');
  for (; i < L.length; i++) {
    const d = L[i];
    if (d.overloaded) { steps.push(step(d, undefined, 'OVERLOAD')); continue; }
    const doh = oh(d);
    steps.push(step(d, `${show(d)}/${d.weight} = ${ratio(doh, d.weight)}`, d.weight === 0 ? 'weight 0 (quiesced)' : undefined));
    // (__s64)loh * weight(d) > (__s64)doh * weight(least): exact in doubles for lab-sized numbers.
    if (loh * d.weight > doh * least.weight) { least = d; loh = doh; }
  }
  return result(name, least, steps, steps.filter((s) => s.value).map((s) => `${s.dest} ${s.value}`).join(', '));
}

export const wlc: Scheduler = {
  name: 'wlc',
  init() { /* stateless */ },
  schedule(svc) {
    return weightedLeast('wlc', svc, (d) => d.overhead, (d) => `(${d.activeConns}*256+${d.inactConns})`);
  },
};
