/**
 * lc — least connection (net/netfilter/ipvs/ip_vs_lc.c): the smallest overhead
 * activeconns*256 + inactconns among destinations that are not OVERLOAD and have weight != 0;
 * a strict `<` keeps the earlier (newer) destination on ties. Weights are otherwise ignored.
 */
import { result, step, type Scheduler, type SchedStep } from './sched.ts';
import type { Dest } from '../dest.ts';

export const lc: Scheduler = {
  name: 'lc',
  init() { /* stateless */ },
  schedule(svc) {
    let least: Dest | null = null;
    let loh = 0;
    const steps: SchedStep[] = [];
    for (const d of svc.dests) {
      if (d.overloaded || d.weight === 0) { steps.push(step(d, undefined, d.overloaded ? 'OVERLOAD' : 'weight 0 (quiesced)')); continue; }
      const doh = d.overhead;
      steps.push(step(d, `${d.activeConns}*256+${d.inactConns} = ${doh}`));
      if (!least || doh < loh) { least = d; loh = doh; }
    }
    return result('lc', least, steps, steps.filter((s) => s.value).map((s) => `${s.dest} ${s.value}`).join(', '));
  },
};
