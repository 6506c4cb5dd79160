/**
 * ovf — overflow connection (net/netfilter/ipvs/ip_vs_ovf.c): among destinations that are not
 * OVERLOAD, have weight > 0 and no more active connections than their weight, the highest
 * weight (strict `>`: ties keep the earlier = newer destination). Inactive connections do
 * not count.
 */
import type { Dest } from '../dest.ts';
import { result, step, type Scheduler, type SchedStep } from './sched.ts';

export const ovf: Scheduler = {
  name: 'ovf',
  init() { /* stateless */ },
  schedule(svc) {
    const steps: SchedStep[] = [];
    let h: Dest | null = null;
    for (const d of svc.dests) {
      const w = d.weight;
      if (d.overloaded) { steps.push(step(d, undefined, 'OVERLOAD')); continue; }
      if (d.activeConns > w) { steps.push(step(d, `${d.activeConns} active > weight ${w}`, 'full')); continue; }
      if (w === 0) { steps.push(step(d, undefined, 'weight 0 (quiesced)')); continue; }
      steps.push(step(d, `weight ${w}, ${d.activeConns} active`));
      if (!h || w > h.weight) h = d;
    }
    return result('ovf', h, steps, steps.filter((s) => s.value && !s.note).map((s) => `${s.dest} ${s.value}`).join(', '));
  },
};
