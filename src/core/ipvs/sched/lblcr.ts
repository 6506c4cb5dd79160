/**
 * lblcr — locality-based least connection with replication (net/netfilter/ipvs/ip_vs_lblcr.c).
 *
 * The cache maps a destination address to a SET of servers (new members at the set's head).
 * With an entry: the weighted-least member (first with weight > 0, AVAILABLE and not OVERLOAD,
 * then strict wlc comparison) is used unless it is locality-overloaded; if the set has more
 * than one member and was not modified for lblcr_expiration, its weighted-most-loaded member
 * is dropped. If no member is usable the wlc rule picks from the whole service and the pick
 * joins the set. Without an entry: wlc pick and a new entry. Garbage collection as lblc.
 */
import type { Dest } from '../dest.ts';
import { fmtIp } from '../../wire/types.ts';
import { lazyGc, localityOverloaded, wlcPick } from './lblc.ts';
import { result, step, type SchedEnv, type Scheduler, type SchedStep } from './sched.ts';

interface DestSet { list: Dest[]; lastmod: number }
interface Entry { set: DestSet; lastuse: number }
interface LblcrState { started: number; gcDone: number; cache: Map<number, Entry> }

function setInsert(set: DestSet, d: Dest, check: boolean, now: number): void {
  if (check && set.list.includes(d)) return;
  set.list.unshift(d);
  set.lastmod = now;
}

/** ip_vs_dest_set_min() */
function setMin(set: DestSet): Dest | null {
  let i = 0;
  let least: Dest | null = null;
  let loh = 0;
  for (; i < set.list.length; i++) {
    const d = set.list[i];
    if (d.overloaded) continue;
    if (d.weight > 0 && d.available) { least = d; loh = d.overhead; i++; break; }
  }
  if (!least) return null;
  for (; i < set.list.length; i++) {
    const d = set.list[i];
    if (d.overloaded) continue;
    const doh = d.overhead;
    if (loh * d.weight > doh * least.weight && d.available) { least = d; loh = doh; }
  }
  return least;
}

/** ip_vs_dest_set_max() */
function setMax(set: DestSet): Dest | null {
  let i = 0;
  let most: Dest | null = null;
  let moh = 0;
  for (; i < set.list.length; i++) {
    const d = set.list[i];
    if (d.weight > 0) { most = d; moh = d.overhead; i++; break; }
  }
  if (!most) return null;
  for (; i < set.list.length; i++) {
    const d = set.list[i];
    const doh = d.overhead;
    if (moh * d.weight < doh * most.weight && d.weight > 0) { most = d; moh = doh; }
  }
  return most;
}

export const lblcr: Scheduler = {
  name: 'lblcr',
  init(svc, env: SchedEnv) { svc.schedData = { started: env.now, gcDone: 0, cache: new Map() } satisfies LblcrState; },
  done(svc) { (svc.schedData as LblcrState).cache.clear(); },
  schedule(svc, pkt, env) {
    const st = svc.schedData as LblcrState;
    lazyGc(st, env.now, env.lblcrExpiration());
    const steps: SchedStep[] = [];
    const who = fmtIp(pkt.daddr);
    const en = st.cache.get(pkt.daddr);
    if (en) {
      en.lastuse = env.now;
      let d = setMin(en.set);
      if (en.set.list.length > 1 && env.now > en.set.lastmod + env.lblcrExpiration()) {
        const m = setMax(en.set);
        if (m) { en.set.list.splice(en.set.list.indexOf(m), 1); en.set.lastmod = env.now; }
      }
      if (d && !localityOverloaded(d, svc)) return result('lblcr', d, [step(d, `least loaded of ${en.set.list.length} in set`, 'chosen')], `${who} cached set`);
      if (d) steps.push(step(d, 'least loaded in set', 'overloaded (active > weight)'));
      d = wlcPick(svc, steps);
      if (!d) return result('lblcr', null, steps, `${who} set unusable;`);
      setInsert(en.set, d, true, env.now);
      return result('lblcr', d, steps, `${who} set unusable, wlc (added to set):`);
    }
    const d = wlcPick(svc, steps);
    if (!d) return result('lblcr', null, steps, `${who} not cached;`);
    const set: DestSet = { list: [], lastmod: env.now };
    setInsert(set, d, false, env.now);
    st.cache.set(pkt.daddr, { set, lastuse: env.now });
    return result('lblcr', d, steps, `${who} not cached, wlc:`);
  },
};
