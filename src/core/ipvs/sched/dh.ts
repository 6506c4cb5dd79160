/**
 * dh — destination hashing (net/netfilter/ipvs/ip_vs_dh.c, 5.x): 256 buckets filled round
 * robin from the list (one per destination per turn, weights ignored); a packet's bucket is
 * hash_32(ntohl(daddr), 8). The bucket's destination is used unless it is not AVAILABLE,
 * has weight <= 0 or is OVERLOAD (then no destination; there is no fallback).
 */
import type { Dest } from '../dest.ts';
import type { Service } from '../service.ts';
import { fmtIp } from '../../wire/types.ts';
import { hash32, result, step, type Scheduler } from './sched.ts';

export const DH_TAB_SIZE = 256;

interface DhState { buckets: (Dest | null)[] }

export function dhHashkey(addr: number): number { return hash32(addr >>> 0, 8); }

export function dhTable(dests: readonly Dest[]): (Dest | null)[] {
  const t: (Dest | null)[] = new Array(DH_TAB_SIZE).fill(null);
  if (dests.length) for (let i = 0; i < DH_TAB_SIZE; i++) t[i] = dests[i % dests.length];
  return t;
}

function reassign(svc: Service): void { (svc.schedData as DhState).buckets = dhTable(svc.dests); }

export const dh: Scheduler = {
  name: 'dh',
  init(svc) { svc.schedData = { buckets: dhTable(svc.dests) } satisfies DhState; },
  addDest: reassign,
  delDest: reassign,
  updDest: reassign,
  schedule(svc, pkt) {
    const s = svc.schedData as DhState;
    const b = dhHashkey(pkt.daddr);
    const d = s.buckets[b];
    const what = `${fmtIp(pkt.daddr)} → bucket ${b}`;
    if (!d) return result('dh', null, [], `${what} (empty)`, { bucket: b });
    const why = !d.available ? 'not available' : d.weight <= 0 ? 'weight 0 (quiesced)' : d.overloaded ? 'OVERLOAD' : null;
    return result('dh', why ? null : d, [step(d, `bucket ${b}`, why ?? 'chosen')], what, { bucket: b });
  },
};
