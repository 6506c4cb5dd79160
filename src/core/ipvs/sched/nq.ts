/**
 * nq — never queue (net/netfilter/ipvs/ip_vs_nq.c): walking the list (skipping OVERLOAD and
 * weight 0), the first destination with no active connection is returned at once;
 * otherwise the smallest (activeconns + 1) / weight wins, as sed.
 */
import type { Dest } from '../dest.ts';
import { ratio, result, step, type Scheduler, type SchedStep } from './sched.ts';

export const nq: Scheduler = {
  name: 'nq',
  init() { /* stateless */ },
  schedule(svc) {
    const steps: SchedStep[] = [];
    let least: Dest | null = null;
    let loh = 0;
    for (const d of svc.dests) {
      if (d.overloaded || !d.weight) { steps.push(step(d, undefined, d.overloaded ? 'OVERLOAD' : 'weight 0 (quiesced)')); continue; }
      const doh = d.activeConns + 1;
      if (d.activeConns === 0) {
        steps.push(step(d, '0 active', 'idle: chosen at once'));
        return result('nq', d, steps, `${d.label} has no active connection`);
      }
      steps.push(step(d, `(${d.activeConns}+1)/${d.weight} = ${ratio(doh, d.weight)}`));
      if (!least || loh * d.weight > doh * least.weight) { least = d; loh = doh; }
    }
    return result('nq', least, steps, steps.filter((s) => s.value).map((s) => `${s.dest} ${s.value}`).join(', '));
  },
};
