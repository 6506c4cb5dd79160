/**
 * sed — shortest expected delay (net/netfilter/ipvs/ip_vs_sed.c): wlc with the cost
 * activeconns + 1 (inactive connections are ignored), compared as (Ca+1)/W by
 * cross-multiplication, ties keep the earlier (newer) destination.
 */
import { type Scheduler } from './sched.ts';
import { weightedLeast } from './wlc.ts';

export const sed: Scheduler = {
  name: 'sed',
  init() { /* stateless */ },
  schedule(svc) {
    return weightedLeast('sed', svc, (d) => d.activeConns + 1, (d) => `(${d.activeConns}+1)`);
  },
};
