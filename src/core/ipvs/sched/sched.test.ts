/**
 * Table-driven scheduler tests against ../shared/spec/ipvs-reference.md §3-4 and the 5.x
 * kernel sources. Destinations are added one at a time as `ipvsadm -a` does (each one goes to
 * the head of the list and the scheduler's add_dest runs), or exist before the scheduler is
 * bound (`-E -s NAME`, the init path). "Completed" picks leave one inactive connection on the
 * chosen server, as a finished curl does (TIME_WAIT/FIN_WAIT for 120 s).
 *
 * Where the spec and the kernel differ, the kernel decided: sh and dh hash with hash_32()
 * (GOLDEN_RATIO_32, top bits) in every kernel since 4.x — checked in 4.19 and 5.15 trees — not
 * with the `* 2654435761 & 255` of 2.6/3.x the spec's worked buckets use.
 */
import { describe, expect, it } from 'vitest';
import { ip, type Ipv4Addr } from '../../wire/types.ts';
import { Dest } from '../dest.ts';
import { Service } from '../service.ts';
import { DestF, SH_FALLBACK, SH_PORT, MH_FALLBACK } from '../types.ts';
import { SEC } from '../../sim/events.ts';
import { bindDest, Conn, unbindDest } from '../conn.ts';
import { schedulerByName, schedulerNames, type SchedEnv, type SchedPacket } from './index.ts';
import { dhHashkey } from './dh.ts';
import { shHashkey, shTable } from './sh.ts';
import { mhHashkey, mhSetup, MH_TAB_SIZE } from './mh.ts';
import { siphash } from './siphash.ts';
import { hash32 } from './sched.ts';

const VIP = ip('192.168.1.100');
const ADDR: Record<string, Ipv4Addr> = { RS1: ip('192.168.137.130'), RS2: ip('192.168.137.200'), A: ip('10.0.0.1'), B: ip('10.0.0.2'), C: ip('10.0.0.3') };

interface DSpec { name: string; w?: number; act?: number; inact?: number; over?: boolean }

let clock = 0;
const env = (): SchedEnv => ({ now: clock, lblcExpiration: () => 86400 * SEC, lblcrExpiration: () => 86400 * SEC });

class Fixture {
  readonly svc = new Service(6, VIP, 80, 0);
  readonly by = new Map<string, Dest>();
  readonly names = new Map<Dest, string>();

  constructor(sched: string, specs: DSpec[], mode: 'add' | 'init' = 'add', flags = 0) {
    const s = schedulerByName(sched)!;
    this.svc.flags = flags;
    if (mode === 'add') { this.svc.sched = s; s.init(this.svc, env()); }
    for (const sp of specs) this.add(sp);
    if (mode === 'init') { this.svc.sched = s; s.init(this.svc, env()); }
  }

  add(sp: DSpec): Dest {
    const d = new Dest(ADDR[sp.name], 80);
    d.weight = d.lastWeight = sp.w ?? 1;
    d.activeConns = sp.act ?? 0;
    d.inactConns = sp.inact ?? 0;
    d.flags = DestF.AVAILABLE | (sp.over ? DestF.OVERLOAD : 0);
    d.svc = this.svc;
    this.by.set(sp.name, d);
    this.names.set(d, sp.name);
    this.svc.dests.unshift(d);
    this.svc.sched?.addDest?.(this.svc, d);
    return d;
  }

  del(name: string): void {
    const d = this.by.get(name)!;
    const i = this.svc.dests.indexOf(d);
    this.svc.dests.splice(i, 1);
    d.flags &= ~DestF.AVAILABLE;
    this.svc.sched?.delDest?.(this.svc, d, i);
  }

  edit(name: string, w: number): void {
    const d = this.by.get(name)!;
    if (w !== 0) d.lastWeight = w;
    d.weight = w;
    this.svc.sched?.updDest?.(this.svc, d);
  }

  pick(pkt: Partial<SchedPacket> = {}): string | null {
    const r = this.svc.sched!.schedule(this.svc, { proto: 6, saddr: ip('192.168.1.111'), sport: 40000, daddr: VIP, dport: 80, ...pkt }, env());
    return r.dest ? this.names.get(r.dest)! : null;
  }

  /** n picks, each leaving an inactive connection on its server when `complete`. */
  picks(n: number, complete = false): (string | null)[] {
    const out: (string | null)[] = [];
    for (let i = 0; i < n; i++) {
      const p = this.pick();
      out.push(p);
      if (p && complete) this.by.get(p)!.inactConns++;
    }
    return out;
  }
}

const seq = (s: string) => s.split(/\s+/).filter((x) => x && x !== '|');

describe('the registry', () => {
  it('has the 13 schedulers of ipvsadm 1.31 -h', () => {
    expect(schedulerNames().sort()).toEqual(['dh', 'fo', 'lblc', 'lblcr', 'lc', 'mh', 'nq', 'ovf', 'rr', 'sed', 'sh', 'wlc', 'wrr']);
  });
});

describe('rr (ip_vs_rr.c)', () => {
  it.each([
    ['NAT lab: RS1 then RS2 added → RS2 first', [{ name: 'RS1' }, { name: 'RS2' }], 'RS2 RS1 RS2 RS1 RS2 RS1'],
    ['weight 0 is quiesced', [{ name: 'RS1', w: 0 }, { name: 'RS2' }], 'RS2 RS2 RS2'],
    ['OVERLOAD is skipped', [{ name: 'RS1' }, { name: 'RS2', over: true }], 'RS1 RS1 RS1'],
    ['three servers, newest first', [{ name: 'A' }, { name: 'B' }, { name: 'C' }], 'C B A C B A'],
  ] as const)('%s', (_t, specs, expected) => {
    const f = new Fixture('rr', specs.map((s) => ({ ...s })));
    expect(f.picks(seq(expected).length)).toEqual(seq(expected));
  });

  it('nothing usable: NULL and the cursor stays', () => {
    const f = new Fixture('rr', [{ name: 'RS1', w: 0 }, { name: 'RS2', over: true }]);
    expect(f.picks(2)).toEqual([null, null]);
  });

  it('deleting the cursor moves it to the entry before it (ip_vs_rr_del_dest)', () => {
    const f = new Fixture('rr', [{ name: 'A' }, { name: 'B' }, { name: 'C' }]);
    expect(f.picks(2)).toEqual(['C', 'B']);
    f.del('B');            // list [C, A], cursor → C
    expect(f.picks(3)).toEqual(['A', 'C', 'A']);
  });

  it('a destination added later goes to the head: it is reached after the wrap', () => {
    const f = new Fixture('rr', [{ name: 'A' }, { name: 'B' }]);
    expect(f.picks(1)).toEqual(['B']);
    f.add({ name: 'C' });  // [C, B, A], cursor B
    expect(f.picks(3)).toEqual(['A', 'C', 'B']);
  });
});

describe('wrr (ip_vs_wrr.c): the spec\'s worked sequences', () => {
  it.each([
    ['RS1 w3 then RS2 w1 added', [{ name: 'RS1', w: 3 }, { name: 'RS2', w: 1 }], 'add', 'RS2 RS1 RS1 RS1 | RS2 RS1 RS1 RS1 | RS2 RS1 RS1 RS1'],
    ['RS1 w5 then RS2 w3 added', [{ name: 'RS1', w: 5 }, { name: 'RS2', w: 3 }], 'add',
      'RS2 RS1 RS1 RS1 RS2 RS1 RS2 RS1 RS2 RS1 | RS1 RS1 RS2 RS1 RS2 RS1 RS2 RS1 | RS1 RS1 RS2 RS1 RS2 RS1 RS2 RS1'],
    ['A w5, B w3, C w2 added in that order', [{ name: 'A', w: 5 }, { name: 'B', w: 3 }, { name: 'C', w: 2 }], 'add',
      'C B A A A B A C B A C B A | A A B A C B A C B A | A A B A C B A C B A'],
    ['RS1 w3, RS2 w1 existing, then -E -s wrr (init path, cw = 3)', [{ name: 'RS1', w: 3 }, { name: 'RS2', w: 1 }], 'init', 'RS1 RS1 RS2 RS1 | RS1 RS1 RS2 RS1'],
  ] as const)('%s', (_t, specs, mode, expected) => {
    const f = new Fixture('wrr', specs.map((s) => ({ ...s })), mode);
    expect(f.picks(seq(expected).length)).toEqual(seq(expected));
  });

  it('over one steady cycle each server\'s share of picks equals its share of the weight', () => {
    const f = new Fixture('wrr', [{ name: 'A', w: 5 }, { name: 'B', w: 3 }, { name: 'C', w: 2 }], 'init');
    const cycle = f.picks(10);
    expect(cycle.filter((x) => x === 'A')).toHaveLength(5);
    expect(cycle.filter((x) => x === 'B')).toHaveLength(3);
    expect(cycle.filter((x) => x === 'C')).toHaveLength(2);
  });

  it('gcd > 1: weights 4 and 2 step cw by di = 2 (mw = 4 - (2 - 1) = 3, then cw 1)', () => {
    const f = new Fixture('wrr', [{ name: 'RS1', w: 4 }, { name: 'RS2', w: 2 }], 'init');
    expect(f.picks(6)).toEqual(['RS1', 'RS2', 'RS1', 'RS1', 'RS2', 'RS1']);
  });

  it('weight 0 never serves (cw >= 1); all weights 0: no destination', () => {
    const f = new Fixture('wrr', [{ name: 'RS1', w: 0 }, { name: 'RS2', w: 2 }], 'init');
    expect(f.picks(4)).toEqual(['RS2', 'RS2', 'RS2', 'RS2']);
    const g = new Fixture('wrr', [{ name: 'RS1', w: 0 }, { name: 'RS2', w: 0 }], 'init');
    expect(g.pick()).toBe(null);
  });

  it('all servers OVERLOAD: NULL with the kernel\'s message', () => {
    const f = new Fixture('wrr', [{ name: 'RS1', w: 2, over: true }, { name: 'RS2', w: 1, over: true }], 'init');
    const r = f.svc.sched!.schedule(f.svc, { proto: 6, saddr: 1, sport: 1, daddr: VIP, dport: 80 }, env());
    expect(r.dest).toBe(null);
    expect(r.err).toBe('no destination available: all destinations are overloaded');
  });
});

describe('lc / wlc / sed / nq: integer comparisons and ties', () => {
  it.each([
    ['lc: completed curls alternate newest first', 'lc', [{ name: 'RS1' }, { name: 'RS2' }], 'RS2 RS1 RS2 RS1 RS2 RS1'],
    ['wlc: completed curls alternate newest first', 'wlc', [{ name: 'RS1' }, { name: 'RS2' }], 'RS2 RS1 RS2 RS1 RS2 RS1'],
    ['sed: inactive is ignored, always the head', 'sed', [{ name: 'RS1' }, { name: 'RS2' }], 'RS2 RS2 RS2 RS2'],
    ['nq: the first idle server, always the newest', 'nq', [{ name: 'RS1' }, { name: 'RS2' }], 'RS2 RS2 RS2 RS2'],
    ['wlc weighted: 3:1 over completed curls', 'wlc', [{ name: 'RS1', w: 3 }, { name: 'RS2', w: 1 }], 'RS2 RS1 RS1 RS1 RS2 RS1 RS1 RS1'],
  ] as const)('%s', (_t, sched, specs, expected) => {
    const f = new Fixture(sched, specs.map((s) => ({ ...s })));
    expect(f.picks(seq(expected).length, true)).toEqual(seq(expected));
  });

  it.each([
    // [scheduler, servers (added in order), chosen]
    ['wlc', [{ name: 'RS1', inact: 3 }, { name: 'RS2', inact: 4 }], 'RS1'],          // 3/1 vs 4/1
    ['wlc', [{ name: 'RS1', inact: 4 }, { name: 'RS2', inact: 4 }], 'RS2'],          // tie: head (newest) kept
    ['wlc', [{ name: 'RS1', w: 3, inact: 6 }, { name: 'RS2', w: 1, inact: 3 }], 'RS1'], // 6/3=2 < 3/1
    ['wlc', [{ name: 'RS1', act: 1 }, { name: 'RS2', inact: 255 }], 'RS2'],          // 256 vs 255
    ['wlc', [{ name: 'RS1', act: 1 }, { name: 'RS2', inact: 256 }], 'RS2'],          // 256 vs 256: tie, head
    ['wlc', [{ name: 'RS1', w: 0 }, { name: 'RS2', inact: 9 }], 'RS2'],              // later weight 0 never wins
    ['wlc', [{ name: 'RS1', inact: 1 }, { name: 'RS2', w: 0 }], 'RS1'],              // first usable skips weight 0
    ['lc', [{ name: 'RS1', w: 5, inact: 2 }, { name: 'RS2', w: 1, inact: 1 }], 'RS2'], // weights ignored
    ['lc', [{ name: 'RS1', act: 1 }, { name: 'RS2', inact: 200 }], 'RS2'],
    ['sed', [{ name: 'RS1', w: 1 }, { name: 'RS2', w: 10, act: 5 }], 'RS2'],        // 1/1 vs 6/10
    ['sed', [{ name: 'RS1', w: 1, act: 1 }, { name: 'RS2', w: 2, act: 3 }], 'RS2'], // 4/2 vs 2/1: tie keeps the head
    ['nq', [{ name: 'RS1', w: 1 }, { name: 'RS2', w: 10, act: 1 }], 'RS1'],         // idle RS1 wins at once
    ['nq', [{ name: 'RS1', w: 1, act: 1 }, { name: 'RS2', w: 10, act: 5 }], 'RS2'], // both busy: sed rule
  ] as const)('%s with %j → %s', (sched, specs, chosen) => {
    const f = new Fixture(sched, specs.map((s) => ({ ...s })));
    expect(f.pick()).toBe(chosen);
  });

  it('wlc explains the numbers it compared', () => {
    const f = new Fixture('wlc', [{ name: 'RS1', inact: 3 }, { name: 'RS2', inact: 4 }]);
    const r = f.svc.sched!.schedule(f.svc, { proto: 6, saddr: 1, sport: 1, daddr: VIP, dport: 80 }, env());
    expect(r.text).toBe('wlc: 192.168.137.200:80 (0*256+4)/1 = 4, 192.168.137.130:80 (0*256+3)/1 = 3 → 192.168.137.130:80');
    expect(r.steps.map((s) => s.value)).toEqual(['(0*256+4)/1 = 4', '(0*256+3)/1 = 3']);
  });
});

describe('fo / ovf', () => {
  it.each([
    ['fo', [{ name: 'RS1', w: 3 }, { name: 'RS2', w: 1 }], 'RS1'],
    ['fo', [{ name: 'RS1', w: 1 }, { name: 'RS2', w: 1 }], 'RS2'],
    ['fo', [{ name: 'RS1', w: 3, over: true }, { name: 'RS2', w: 1 }], 'RS2'],
    ['fo', [{ name: 'RS1', w: 0 }, { name: 'RS2', w: 0 }], null],
    ['ovf', [{ name: 'RS1', w: 3 }, { name: 'RS2', w: 1 }], 'RS1'],
    ['ovf', [{ name: 'RS1', w: 3, act: 4 }, { name: 'RS2', w: 1 }], 'RS2'],       // 4 active > weight 3
    ['ovf', [{ name: 'RS1', w: 3, act: 3 }, { name: 'RS2', w: 1 }], 'RS1'],       // equal is still fine
    ['ovf', [{ name: 'RS1', w: 3, act: 4 }, { name: 'RS2', w: 1, act: 2 }], null],
    ['ovf', [{ name: 'RS1', w: 2, inact: 100 }, { name: 'RS2', w: 2 }], 'RS2'],   // inactive not counted, tie → head
  ] as const)('%s with %j → %s', (sched, specs, chosen) => {
    expect(new Fixture(sched, specs.map((s) => ({ ...s }))).pick()).toBe(chosen);
  });

  it('fo: RS1 w3, RS2 w1 → RS1 until RS1 is set to weight 0', () => {
    const f = new Fixture('fo', [{ name: 'RS1', w: 3 }, { name: 'RS2', w: 1 }]);
    expect(f.picks(3)).toEqual(['RS1', 'RS1', 'RS1']);
    f.edit('RS1', 0);
    expect(f.picks(2)).toEqual(['RS2', 'RS2']);
  });
});

describe('sh (ip_vs_sh.c, 5.x: hash_32)', () => {
  it('hash_32 is (v * 0x61C88647) >> (32 - bits)', () => {
    expect(hash32(0xc0a8016f, 8)).toBe(141);
    expect(hash32(1, 8)).toBe(0x61);
  });

  it('the spec\'s buckets come from the 2.6/3.x formula; a 5.14 kernel computes others', () => {
    const old = (a: number) => Number((BigInt(a) * 2654435761n) & 255n);
    expect([111, 112, 113, 114, 115].map((i) => old(ip(`192.168.1.${i}`)))).toEqual([191, 112, 33, 210, 131]);
    expect([111, 112, 113, 114, 115].map((i) => shHashkey(ip(`192.168.1.${i}`), 0, 0))).toEqual([141, 238, 80, 178, 20]);
  });

  it.each([
    [111, 141, 'RS1'], [112, 238, 'RS2'], [113, 80, 'RS2'], [114, 178, 'RS2'], [115, 20, 'RS2'],
    [116, 117, 'RS1'], [117, 215, 'RS1'], [118, 57, 'RS1'], [119, 155, 'RS1'], [120, 253, 'RS1'],
  ])('NAT lab, RS1 and RS2 weight 1: 192.168.1.%i → bucket %i → %s', (last, bucket, rs) => {
    const f = new Fixture('sh', [{ name: 'RS1' }, { name: 'RS2' }]);
    const r = f.svc.sched!.schedule(f.svc, { proto: 6, saddr: ip(`192.168.1.${last}`), sport: 40000, daddr: VIP, dport: 80 }, env());
    expect(r.bucket).toBe(bucket);
    expect(f.names.get(r.dest!)).toBe(rs);
  });

  it('the table: each server fills `weight` consecutive buckets, a weight-0 server one', () => {
    const f = new Fixture('sh', [{ name: 'RS1' }, { name: 'RS2', w: 2 }]);
    const t = shTable(f.svc.dests).slice(0, 6).map((d) => f.names.get(d!));
    expect(t).toEqual(['RS2', 'RS2', 'RS1', 'RS2', 'RS2', 'RS1']);
    const g = new Fixture('sh', [{ name: 'RS1', w: 0 }, { name: 'RS2', w: 2 }]);
    expect(shTable(g.svc.dests).slice(0, 6).map((d) => g.names.get(d!))).toEqual(['RS2', 'RS2', 'RS1', 'RS2', 'RS2', 'RS1']);
  });

  it('an unavailable bucket means no destination, unless sh-fallback', () => {
    const f = new Fixture('sh', [{ name: 'RS1' }, { name: 'RS2' }]);
    f.edit('RS1', 0);
    expect(f.pick({ saddr: ip('192.168.1.111') })).toBe(null);
    const g = new Fixture('sh', [{ name: 'RS1' }, { name: 'RS2' }], 'add', SH_FALLBACK);
    g.edit('RS1', 0);
    expect(g.pick({ saddr: ip('192.168.1.111') })).toBe('RS2');
    expect(g.pick({ saddr: ip('192.168.1.112') })).toBe('RS2');
  });

  it('sh-port mixes in the client port', () => {
    const f = new Fixture('sh', [{ name: 'RS1' }, { name: 'RS2' }], 'add', SH_PORT);
    const r1 = f.pick({ saddr: ip('192.168.1.111'), sport: 40000 });
    const r2 = f.pick({ saddr: ip('192.168.1.111'), sport: 40001 });
    expect(new Set([r1, r2])).toEqual(new Set(['RS1', 'RS2']));
    expect(shHashkey(ip('192.168.1.111'), 40000, 0)).toBe(hash32((ip('192.168.1.111') + 40000) >>> 0, 8));
  });
});

describe('dh (ip_vs_dh.c, 5.x: hash_32)', () => {
  it('one VIP: every connection hashes to the same bucket', () => {
    expect(dhHashkey(VIP)).toBe(89);
    expect(dhHashkey(ip('192.168.137.254'))).toBe(179);
    const f = new Fixture('dh', [{ name: 'RS1' }, { name: 'RS2' }]);
    expect(f.picks(4)).toEqual(['RS1', 'RS1', 'RS1', 'RS1']);   // bucket 89 = [RS2, RS1][89 % 2]
  });

  it('weights are ignored for the table, and an unusable server means none', () => {
    const f = new Fixture('dh', [{ name: 'RS1', w: 5 }, { name: 'RS2' }]);
    expect(f.pick()).toBe('RS1');
    f.edit('RS1', 0);
    expect(f.pick()).toBe(null);
  });
});

describe('mh (ip_vs_mh.c): SipHash-1-3 Maglev', () => {
  it('the SipHash core matches the reference SipHash-2-4 vector', () => {
    const msg = new Uint8Array(15).map((_, i) => i);
    expect(siphash(msg, 0x0706050403020100n, 0x0f0e0d0c0b0a0908n).toString(16)).toBe('a129ca6149be45e5');
    expect(siphash(new Uint8Array(0), 0x0706050403020100n, 0x0f0e0d0c0b0a0908n).toString(16)).toBe('726fdb47dd0e0e31');
  });

  it('permutation seeds of the NAT lab servers (spec values)', () => {
    const f = new Fixture('mh', [{ name: 'RS1' }, { name: 'RS2' }]);
    expect(mhSetup(f.svc.dests).setup.map((s) => [s.offset, s.skip])).toEqual([[1993, 2699], [3099, 1131]]);
  });

  it.each([
    [111, 2028, 'RS1'], [112, 1290, 'RS2'], [113, 3017, 'RS2'], [114, 815, 'RS1'], [115, 3000, 'RS2'],
    [116, 3077, 'RS1'], [117, 4049, 'RS1'], [118, 175, 'RS2'], [119, 2925, 'RS2'], [120, 1783, 'RS2'],
  ])('192.168.1.%i → slot %i → %s', (last, slot, rs) => {
    const f = new Fixture('mh', [{ name: 'RS1' }, { name: 'RS2' }]);
    expect(mhHashkey(ip(`192.168.1.${last}`), 0, 1, 0) % MH_TAB_SIZE).toBe(slot);
    expect(f.pick({ saddr: ip(`192.168.1.${last}`) })).toBe(rs);
  });

  it('weight 0 keeps last_weight: nobody else is remapped; mh-fallback moves only its clients', () => {
    const f = new Fixture('mh', [{ name: 'RS1' }, { name: 'RS2' }]);
    const before = [111, 112, 113, 114].map((i) => f.pick({ saddr: ip(`192.168.1.${i}`) }));
    f.edit('RS2', 0);
    const after = [111, 112, 113, 114].map((i) => f.pick({ saddr: ip(`192.168.1.${i}`) }));
    expect(after).toEqual(before.map((x) => (x === 'RS2' ? null : x)));
    const g = new Fixture('mh', [{ name: 'RS1' }, { name: 'RS2' }], 'add', MH_FALLBACK);
    g.edit('RS2', 0);
    expect([111, 112, 113, 114].map((i) => g.pick({ saddr: ip(`192.168.1.${i}`) }))).toEqual(['RS1', 'RS1', 'RS1', 'RS1']);
  });

  it('weights: RS1 w3 takes three slots per round', () => {
    const f = new Fixture('mh', [{ name: 'RS1', w: 3 }, { name: 'RS2', w: 1 }]);
    const counts = { RS1: 0, RS2: 0 };
    for (let i = 0; i < 400; i++) counts[f.pick({ saddr: ip(`10.1.${i >> 8}.${i & 255}`) }) as 'RS1' | 'RS2']++;
    expect(counts.RS1).toBeGreaterThan(counts.RS2 * 2);
  });
});

describe('lblc / lblcr', () => {
  it('lblc: the first pick by wlc is cached for the destination address', () => {
    const f = new Fixture('lblc', [{ name: 'RS1' }, { name: 'RS2' }]);
    expect(f.picks(5, true)).toEqual(['RS2', 'RS2', 'RS2', 'RS2', 'RS2']);
  });

  it('lblc: locality overload (active > weight while another has active*2 < weight) reschedules', () => {
    const f = new Fixture('lblc', [{ name: 'RS1', w: 4 }, { name: 'RS2', w: 1 }]);
    expect(f.pick()).toBe('RS2');          // wlc with no connections: the head
    f.by.get('RS2')!.activeConns = 2;       // 2 > 1, and RS1: 0*2 < 4
    expect(f.pick()).toBe('RS1');
    expect(f.pick()).toBe('RS1');          // the cache now holds RS1
  });

  it('lblc: an unused entry is collected by the 30-minute full check after lblc_expiration', () => {
    clock = 0;
    const f = new Fixture('lblc', [{ name: 'RS1' }, { name: 'RS2' }]);
    expect(f.pick()).toBe('RS2');
    f.by.get('RS2')!.inactConns = 5;
    clock = 86400 * SEC + 30 * 60 * SEC;   // a full check ran after expiry
    expect(f.pick()).toBe('RS1');
    clock = 0;
  });

  it('lblcr: the set grows with the wlc pick when its members are overloaded', () => {
    const f = new Fixture('lblcr', [{ name: 'RS1', w: 4 }, { name: 'RS2', w: 1 }]);
    expect(f.pick()).toBe('RS2');
    f.by.get('RS2')!.activeConns = 2;
    expect(f.pick()).toBe('RS1');          // set {RS1, RS2}
    f.by.get('RS2')!.activeConns = 0;
    f.by.get('RS1')!.activeConns = 5;
    expect(f.pick()).toBe('RS2');          // weighted least of the set: 0/1 < 1280/4
  });
});

describe('thresholds set and clear OVERLOAD (ip_vs_bind_dest / ip_vs_unbind_dest)', () => {
  const conn = () => new Conn(6, 1, 1, VIP, 80, 0, 80, 0, 0, 0);
  it.each([
    // [u, l, connections bound, overloaded after binding, unbinds until cleared]
    [2, 0, 2, true, 1],     // clear when total*4 < u*3: 1*4 < 6
    [4, 0, 4, true, 2],     // 3*4 = 12 < 12? no; 2*4 < 12 yes
    [3, 2, 3, true, 2],     // l=2: clear when total < 2
    [0, 0, 5, false, 0],
  ])('u=%i l=%i, %i connections → OVERLOAD %s, cleared after %i unbinds', (u, l, n, over, unbinds) => {
    const d = new Dest(ADDR.RS1, 80);
    d.flags = DestF.AVAILABLE;
    d.connFlags = 0x100;
    d.uThreshold = u; d.lThreshold = l;
    const cs = Array.from({ length: n }, () => { const c = conn(); bindDest(c, d); return c; });
    expect(d.overloaded).toBe(over);
    for (let i = 0; i < unbinds; i++) {
      expect(d.overloaded).toBe(true);
      unbindDest(cs[i], 0);
    }
    expect(d.overloaded).toBe(false);
  });

  it('an OVERLOAD server is skipped by every scheduler', () => {
    for (const s of ['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'fo', 'ovf', 'lblc', 'lblcr']) {
      const f = new Fixture(s, [{ name: 'RS1' }, { name: 'RS2', over: true }]);
      expect([s, f.pick()]).toEqual([s, 'RS1']);
    }
  });
});
