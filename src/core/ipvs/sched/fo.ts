/**
 * fo — weighted fail over (net/netfilter/ipvs/ip_vs_fo.c): the non-OVERLOAD destination
 * with the highest weight (strict `>`, starting from 0, so weight 0 never wins and ties keep
 * the earlier = newer destination).
 */
import type { Dest } from '../dest.ts';
import { result, step, type Scheduler, type SchedStep } from './sched.ts';

export const fo: Scheduler = {
  name: 'fo',
  init() { /* stateless */ },
  schedule(svc) {
    const steps: SchedStep[] = [];
    let best: Dest | null = null;
    let hw = 0;
    for (const d of svc.dests) {
      if (d.overloaded) { steps.push(step(d, undefined, 'OVERLOAD')); continue; }
      steps.push(step(d, `weight ${d.weight}`));
      if (d.weight > hw) { best = d; hw = d.weight; }
    }
    return result('fo', best, steps, steps.filter((s) => s.value).map((s) => `${s.dest} ${s.value}`).join(', ') + (best ? '; highest weight' : ''));
  },
};
