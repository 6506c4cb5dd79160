/**
 * mh — Maglev hashing (net/netfilter/ipvs/ip_vs_mh.c, kernel >= 4.18).
 *
 * Lookup table of M = 4093 slots (primes[CONFIG_IP_VS_MH_TAB_INDEX(12) - 8]). Each
 * destination gets a permutation from two keyed hashes of its address and port (offset and
 * skip); populating takes slots round by round over the list, each destination taking
 * `turns` slots per round, where turns = (last_weight / gcd) >> rshift (at least 1 when
 * last_weight != 0). last_weight is the latest non-zero weight, so setting a weight to 0
 * keeps the table (its slots just become unavailable) — other clients are not remapped.
 * A client's slot is hsiphash(ntohl(saddr) + port) % M; port only with -b mh-port;
 * -b mh-fallback retries offsets (k + slot) % M like sh.
 */
import type { Dest } from '../dest.ts';
import type { Service } from '../service.ts';
import { MH_FALLBACK, MH_PORT } from '../types.ts';
import { fmtIp } from '../../wire/types.ts';
import { gcd, result, step, type Scheduler } from './sched.ts';
import { hsiphash32 } from './siphash.ts';

export const MH_TAB_SIZE = 4093;
const MH_TAB_BITS = 6;
const K1 = 2654435761n, K2 = 2654446892n;

interface MhState { lookup: (Dest | null)[]; gcd: number; rshift: number }

/** ip_vs_mh_hashkey() with key 1 (k=1) or key 2 (k=2). */
export function mhHashkey(addr: number, port: number, k: 1 | 2, offset: number): number {
  const v = (offset + port + addr) >>> 0;
  return k === 1 ? hsiphash32(v, K1, K1) : hsiphash32(v, K2, K2);
}

function fls(x: number): number { return x ? 32 - Math.clz32(x) : 0; }

export interface MhSetup { offset: number; skip: number; turns: number }

/** The per-destination permutation seeds (ip_vs_mh_permutate). */
export function mhSetup(dests: readonly Dest[]): { g: number; rshift: number; setup: MhSetup[] } {
  let g = 0;
  for (const d of dests) if (d.lastWeight > 0) g = g > 0 ? gcd(d.lastWeight, g) : d.lastWeight;
  let rshift = 0;
  if (g >= 1) {
    let w = 0;
    for (const d of dests) if (d.lastWeight > w) w = d.lastWeight;
    rshift = Math.max(0, fls(Math.trunc(w / g)) - MH_TAB_BITS);
  }
  const setup = dests.map((d) => {
    const lw = d.lastWeight;
    const t = g >= 1 ? (Math.trunc(lw / g) >> rshift) : 0;
    return {
      offset: mhHashkey(d.addr, d.port, 1, 0) % MH_TAB_SIZE,
      skip: (mhHashkey(d.addr, d.port, 2, 0) % (MH_TAB_SIZE - 1)) + 1,
      turns: t || (lw !== 0 ? 1 : 0),
    };
  });
  return { g, rshift, setup };
}

/** ip_vs_mh_populate(): the lookup table. */
export function mhTable(dests: readonly Dest[]): (Dest | null)[] {
  const lookup: (Dest | null)[] = new Array(MH_TAB_SIZE).fill(null);
  const { g, setup } = mhSetup(dests);
  if (g < 1 || dests.length === 0) return lookup;
  const taken = new Uint8Array(MH_TAB_SIZE);
  const perm = setup.map((s) => s.offset);
  let n = 0, dt = 0;
  for (;;) {
    for (let i = 0; i < dests.length;) {
      const ds = setup[i];
      if (ds.turns < 1) { i++; continue; }
      let c = perm[i];
      while (taken[c]) { perm[i] += ds.skip; if (perm[i] >= MH_TAB_SIZE) perm[i] -= MH_TAB_SIZE; c = perm[i]; }
      taken[c] = 1;
      lookup[c] = dests[i];
      if (++n === MH_TAB_SIZE) return lookup;
      if (++dt >= ds.turns) { dt = 0; i++; }
    }
  }
}

const unavailable = (d: Dest) => d.weight <= 0 || d.overloaded;

function reassign(svc: Service): void {
  const s = svc.schedData as MhState;
  const { g, rshift } = mhSetup(svc.dests);
  s.gcd = g; s.rshift = rshift;
  s.lookup = mhTable(svc.dests);
}

export const mh: Scheduler = {
  name: 'mh',
  init(svc) { svc.schedData = { lookup: [], gcd: 0, rshift: 0 } satisfies MhState; reassign(svc); },
  addDest: reassign,
  delDest: reassign,
  updDest: reassign,
  schedule(svc, pkt) {
    const s = svc.schedData as MhState;
    const port = svc.flags & MH_PORT ? pkt.sport : 0;
    const who = `${fmtIp(pkt.saddr)}${port ? ':' + port : ''}`;
    const ihash = mhHashkey(pkt.saddr, port, 1, 0) % MH_TAB_SIZE;
    const d = s.lookup[ihash];
    if (!d) return result('mh', null, [], `${who} → slot ${ihash} (empty)`, { bucket: ihash });
    if (!unavailable(d)) return result('mh', d, [step(d, `slot ${ihash}`, 'chosen')], `${who} → slot ${ihash}`, { bucket: ihash });
    const first = step(d, `slot ${ihash}`, d.overloaded ? 'OVERLOAD' : 'weight 0 (quiesced)');
    if (!(svc.flags & MH_FALLBACK)) return result('mh', null, [first], `${who} → slot ${ihash}`, { bucket: ihash });
    for (let off = 0; off < MH_TAB_SIZE; off++) {
      const roff = (off + ihash) % MH_TAB_SIZE;
      const h = mhHashkey(pkt.saddr, port, 1, roff) % MH_TAB_SIZE;
      const x = s.lookup[h];
      if (!x) break;
      if (!unavailable(x)) return result('mh', x, [first, step(x, `fallback offset ${roff} → slot ${h}`, 'chosen')], `${who} → slot ${ihash} unavailable, fallback slot ${h}`, { bucket: h });
    }
    return result('mh', null, [first], `${who} → slot ${ihash}, no fallback available`, { bucket: ihash });
  },
};
