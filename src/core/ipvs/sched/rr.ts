/**
 * rr — round robin (net/netfilter/ipvs/ip_vs_rr.c).
 *
 * A cursor is either the list head or a destination. Scheduling walks from the entry after
 * the cursor to the end of the list, then (only if the cursor was not the head) from the
 * first entry up to and including the cursor, and takes the first destination that is not
 * OVERLOAD and has weight > 0 (weight 0 = quiesced). The cursor moves to it. Adding a
 * destination does not move the cursor: the new one is linked at the head, so from a fresh
 * service `-a RS1; -a RS2` schedules RS2 first. Deleting the cursor's destination moves the
 * cursor to the entry before it (ip_vs_rr_del_dest).
 */
import type { Dest } from '../dest.ts';
import type { Service } from '../service.ts';
import { result, step, unusable, type Scheduler, type SchedStep } from './sched.ts';

interface RrState { cursor: Dest | null }

export const rr: Scheduler = {
  name: 'rr',
  init(svc) { svc.schedData = { cursor: null } satisfies RrState; },
  delDest(svc: Service, dest: Dest, index: number) {
    const s = svc.schedData as RrState;
    if (s.cursor === dest) s.cursor = index > 0 ? svc.dests[index - 1] : null;
  },
  schedule(svc) {
    const s = svc.schedData as RrState;
    const L = svc.dests;
    let start = s.cursor ? L.indexOf(s.cursor) : -1;
    if (start < 0) start = -1; // a stale cursor behaves as the head
    const last = start;
    const steps: SchedStep[] = [];
    const from = start < 0 ? 'head' : L[start].label;
    const tryAt = (i: number): Dest | null => {
      const d = L[i];
      const why = unusable(d);
      steps.push(step(d, undefined, why ?? 'chosen'));
      return why ? null : d;
    };
    for (let i = start + 1; i < L.length; i++) {
      const d = tryAt(i);
      if (d) { s.cursor = d; return result('rr', d, steps, `cursor after ${from};`); }
    }
    if (last >= 0) {
      for (let i = 0; i <= last; i++) {
        const d = tryAt(i);
        if (d) { s.cursor = d; return result('rr', d, steps, `cursor after ${from}, wrapped;`); }
      }
    }
    return result('rr', null, steps, `cursor after ${from}; every destination is quiesced or overloaded`);
  },
};
