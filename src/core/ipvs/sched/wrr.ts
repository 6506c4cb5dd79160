/**
 * wrr — weighted round robin (net/netfilter/ipvs/ip_vs_wrr.c, the 5.x version).
 *
 * State `{cl, cw, mw, di}`: cursor (head or a destination), current weight, maximum weight
 * reduced by (di - 1), and di = gcd of the positive weights. Each pass walks the list after
 * the cursor and picks the first non-OVERLOAD destination with weight >= cw; at the end of the
 * list cw drops by di (wrapping to mw), with the kernel's last-pass/stop logic so that a pass
 * over all destinations for weight >= 1 is always made before giving up. Any add, edit or
 * delete resets the cursor to the head and recomputes di/mw, keeping cw where it can
 * (ip_vs_wrr_dest_changed) — which is why a service filled one destination at a time starts
 * with cw = 1 and first serves "one each, newest first".
 */
import type { Dest } from '../dest.ts';
import type { Service } from '../service.ts';
import { gcd, result, step, type Scheduler, type SchedStep } from './sched.ts';

interface Mark { cl: Dest | null; cw: number; mw: number; di: number }

function gcdWeight(svc: Service): number {
  let g = 0;
  for (const d of svc.dests) if (d.weight > 0) g = g > 0 ? gcd(d.weight, g) : d.weight;
  return g || 1;
}

function maxWeight(svc: Service): number {
  let w = 0;
  for (const d of svc.dests) if (d.weight > w) w = d.weight;
  return w;
}

function changed(svc: Service): void {
  const m = svc.schedData as Mark;
  m.cl = null;
  m.di = gcdWeight(svc);
  m.mw = maxWeight(svc) - (m.di - 1);
  if (m.cw > m.mw || !m.cw) m.cw = m.mw;
  else if (m.di > 1) m.cw = Math.trunc(m.cw / m.di) * m.di + 1;
}

export const wrr: Scheduler = {
  name: 'wrr',
  init(svc) {
    const di = gcdWeight(svc);
    const mw = maxWeight(svc) - (di - 1);
    svc.schedData = { cl: null, di, mw, cw: mw } satisfies Mark;
  },
  addDest: changed,
  delDest: changed,
  updDest: changed,
  schedule(svc) {
    const m = svc.schedData as Mark;
    const L = svc.dests;
    const steps: SchedStep[] = [];
    const cw0 = m.cw;
    if (m.mw === 0) return result('wrr', null, steps, 'no positive weight (mw = 0)');
    let pos = m.cl ? L.indexOf(m.cl) : -1;
    const last = pos;
    let stop = -2;
    let lastPass = false, restarted = false;
    for (let guard = 0; guard < 1_000_000; guard++) {
      for (let i = pos + 1; i < L.length; i++) {
        const d = L[i];
        if (!d.overloaded && d.weight >= m.cw) {
          steps.push(step(d, `weight ${d.weight} >= cw ${m.cw}`, 'chosen'));
          m.cl = d;
          return result('wrr', d, steps, `cw ${cw0}${m.cw !== cw0 ? `→${m.cw}` : ''}, di ${m.di}, mw ${m.mw};`);
        }
        steps.push(step(d, `weight ${d.weight} < cw ${m.cw}`, d.overloaded ? 'OVERLOAD' : undefined));
        if (i === stop) {
          m.cl = d;
          return result('wrr', null, steps, `cw ${m.cw};`, { err: 'no destination available: all destinations are overloaded' });
        }
      }
      pos = -1;
      m.cw -= m.di;
      if (m.cw <= 0) {
        m.cw = m.mw;
        if (lastPass || last === -1) {
          m.cl = null;
          return result('wrr', null, steps, 'every pass failed;', { err: 'no destination available: all destinations are overloaded' });
        }
        restarted = true;
      }
      lastPass = m.cw <= m.di;
      if (lastPass && restarted && last !== -1) stop = last;
    }
    return result('wrr', null, steps, 'gave up');
  },
};
