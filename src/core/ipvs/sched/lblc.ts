/**
 * lblc — locality-based least connection (net/netfilter/ipvs/ip_vs_lblc.c).
 *
 * A cache maps a packet's destination address to a real server. A cached server is used
 * (and its entry's lastuse refreshed) while it is AVAILABLE, has weight > 0 and is not
 * "locality-overloaded" (more active connections than its weight while some destination of
 * the service has active*2 < weight). Otherwise the wlc rule picks (skipping OVERLOAD and
 * starting from the first destination with weight > 0) and the entry is created/replaced.
 *
 * The kernel's garbage collector runs every 60 s and, every 30th run, drops entries unused for
 * net.ipv4.vs.lblc_expiration (24 h). It is evaluated lazily here, when scheduling: only the
 * latest full check that would have run matters, since lastuse changes only when scheduling.
 */
import type { Dest } from '../dest.ts';
import type { Service } from '../service.ts';
import { SEC } from '../../sim/events.ts';
import { fmtIp } from '../../wire/types.ts';
import { ratio, result, step, type SchedEnv, type Scheduler, type SchedStep } from './sched.ts';

export const CHECK_EXPIRE_INTERVAL = 60 * SEC;
export const COUNT_FOR_FULL_EXPIRATION = 30;
export const FULL_CHECK_PERIOD = CHECK_EXPIRE_INTERVAL * COUNT_FOR_FULL_EXPIRATION;

interface Entry { dest: Dest; lastuse: number }
interface LblcState { started: number; gcDone: number; cache: Map<number, Entry> }

/** __ip_vs_lblc_schedule / __ip_vs_lblcr_schedule: the wlc pick over the whole service. */
export function wlcPick(svc: Service, steps: SchedStep[]): Dest | null {
  const L = svc.dests;
  let i = 0;
  let least: Dest | null = null;
  let loh = 0;
  for (; i < L.length; i++) {
    const d = L[i];
    if (d.overloaded) { steps.push(step(d, undefined, 'OVERLOAD')); continue; }
    if (d.weight > 0) { least = d; loh = d.overhead; steps.push(step(d, `(${d.activeConns}*256+${d.inactConns})/${d.weight} = ${ratio(loh, d.weight)}`)); i++; break; }
    steps.push(step(d, undefined, 'weight 0 (quiesced)'));
  }
  if (!least) return null;
  for (; i < L.length; i++) {
    const d = L[i];
    if (d.overloaded) { steps.push(step(d, undefined, 'OVERLOAD')); continue; }
    const doh = d.overhead;
    steps.push(step(d, `(${d.activeConns}*256+${d.inactConns})/${d.weight} = ${ratio(doh, d.weight)}`));
    if (loh * d.weight > doh * least.weight) { least = d; loh = doh; }
  }
  return least;
}

/** is_overloaded() of lblc/lblcr: busier than its weight while another server is half idle. */
export function localityOverloaded(d: Dest, svc: Service): boolean {
  if (d.activeConns > d.weight) {
    for (const x of svc.dests) if (x.activeConns * 2 < x.weight) return true;
  }
  return false;
}

/** The full expiration checks due since the last look, run lazily (see the module comment). */
export function lazyGc<E extends { lastuse: number }>(st: { started: number; gcDone: number; cache: Map<number, E> }, now: number, exp: number, free?: (e: E) => void): void {
  const k = Math.floor((now - st.started) / FULL_CHECK_PERIOD);
  if (k <= st.gcDone) return;
  st.gcDone = k;
  const t = st.started + k * FULL_CHECK_PERIOD;
  for (const [a, e] of st.cache) if (e.lastuse + exp <= t) { st.cache.delete(a); free?.(e); }
}

export const lblc: Scheduler = {
  name: 'lblc',
  init(svc, env: SchedEnv) { svc.schedData = { started: env.now, gcDone: 0, cache: new Map() } satisfies LblcState; },
  done(svc) { (svc.schedData as LblcState).cache.clear(); },
  schedule(svc, pkt, env) {
    const st = svc.schedData as LblcState;
    lazyGc(st, env.now, env.lblcExpiration());
    const steps: SchedStep[] = [];
    const who = fmtIp(pkt.daddr);
    const en = st.cache.get(pkt.daddr);
    if (en) {
      en.lastuse = env.now;
      const d = en.dest;
      if (d.available && d.weight > 0 && !localityOverloaded(d, svc)) {
        return result('lblc', d, [step(d, 'cached', 'chosen')], `${who} cached`);
      }
      steps.push(step(d, 'cached', !d.available ? 'not available' : d.weight <= 0 ? 'weight 0 (quiesced)' : 'overloaded (active > weight)'));
    }
    const d = wlcPick(svc, steps);
    if (!d) return result('lblc', null, steps, `${who} not cached;`);
    if (!en || en.dest !== d) st.cache.set(pkt.daddr, { dest: d, lastuse: env.now });
    return result('lblc', d, steps, `${who} ${en ? 'cache entry unusable' : 'not cached'}, wlc:`);
  },
};
