/**
 * sh — source hashing (net/netfilter/ipvs/ip_vs_sh.c, 5.x kernels).
 *
 * A 256-bucket table, refilled on every destination add/edit/delete: walking the list head
 * first and cyclically, each destination fills `weight` consecutive buckets (a weight-0
 * destination still fills one, because the check is `++count >= weight`).
 *
 * The bucket of a client is `(offset + hash_32(port + ntohl(saddr), 8)) & 255` where hash_32
 * multiplies by GOLDEN_RATIO_32 (0x61C88647) and keeps the TOP 8 bits. Kernels since 4.x use
 * hash_32 (checked in 4.19 and 5.15 trees); the older `(… * 2654435761UL) & 255` of 2.6/3.x
 * kernels, which ../shared/spec/ipvs-reference.md uses for its worked mapping, is NOT what a
 * RHEL 9 (5.14) kernel computes. `port` is the client's source port only with -b sh-port.
 * Without sh-fallback an unavailable bucket (weight <= 0 or OVERLOAD) means no destination;
 * with it, offsets (k + bucket) % 256 are tried in turn until an available one, stopping at an
 * empty bucket.
 */
import type { Dest } from '../dest.ts';
import type { Service } from '../service.ts';
import { SH_FALLBACK, SH_PORT } from '../types.ts';
import { fmtIp } from '../../wire/types.ts';
import { hash32, result, step, type Scheduler } from './sched.ts';

export const SH_TAB_SIZE = 256;

interface ShState { buckets: (Dest | null)[] }

/** ip_vs_sh_hashkey() */
export function shHashkey(addr: number, port: number, offset: number): number {
  return (offset + hash32((port + addr) >>> 0, 8)) & (SH_TAB_SIZE - 1);
}

/** ip_vs_sh_reassign(): the bucket table for a destination list. */
export function shTable(dests: readonly Dest[]): (Dest | null)[] {
  const t: (Dest | null)[] = new Array(SH_TAB_SIZE).fill(null);
  if (dests.length === 0) return t;
  let p = 0, count = 0;
  for (let i = 0; i < SH_TAB_SIZE; i++) {
    const d = dests[p];
    t[i] = d;
    if (++count >= d.weight) { p = (p + 1) % dests.length; count = 0; }
  }
  return t;
}

const unavailable = (d: Dest) => d.weight <= 0 || d.overloaded;

function reassign(svc: Service): void { (svc.schedData as ShState).buckets = shTable(svc.dests); }

export const sh: Scheduler = {
  name: 'sh',
  init(svc) { svc.schedData = { buckets: shTable(svc.dests) } satisfies ShState; },
  addDest: reassign,
  delDest: reassign,
  updDest: reassign,
  schedule(svc, pkt) {
    const s = svc.schedData as ShState;
    const port = svc.flags & SH_PORT ? pkt.sport : 0;
    const who = `${fmtIp(pkt.saddr)}${port ? ':' + port : ''}`;
    const ihash = shHashkey(pkt.saddr, port, 0);
    const first = s.buckets[ihash];
    const steps = first ? [step(first, `bucket ${ihash}`)] : [];
    if (!first) return result('sh', null, steps, `${who} → bucket ${ihash} (empty)`, { bucket: ihash });
    if (!unavailable(first)) return result('sh', first, steps, `${who} → bucket ${ihash}`, { bucket: ihash });
    if (!(svc.flags & SH_FALLBACK)) {
      return result('sh', null, [step(first, `bucket ${ihash}`, first.overloaded ? 'OVERLOAD' : 'weight 0 (quiesced)')], `${who} → bucket ${ihash}`, { bucket: ihash });
    }
    for (let off = 0; off < SH_TAB_SIZE; off++) {
      const roff = (off + ihash) % SH_TAB_SIZE;
      const h = shHashkey(pkt.saddr, port, roff);
      const d = s.buckets[h];
      if (!d) break;
      if (!unavailable(d)) {
        return result('sh', d, [...steps, step(d, `fallback offset ${roff} → bucket ${h}`, 'chosen')], `${who} → bucket ${ihash} unavailable, fallback bucket ${h}`, { bucket: h });
      }
    }
    return result('sh', null, steps, `${who} → bucket ${ihash}, no fallback available`, { bucket: ihash });
  },
};
