/**
 * The scheduler playground runs the kernel's schedulers on hand-set counters, and shows the
 * seed's formulas with each server's numbers (table-driven, as the scheduler tests).
 */
import { describe, expect, it } from 'vitest';
import { SCHEDULER_ORDER, SCHEDULERS, SchedulerPlayground, explainDecision, formulaFor } from './playground.ts';
import type { PlaygroundPreset } from './types.ts';

const two = (scheduler: string, rs1: object = {}, rs2: object = {}): PlaygroundPreset => ({
  scheduler,
  dests: [{ name: 'RS1', addr: '192.168.137.130:80', weight: 3, ...rs1 }, { name: 'RS2', addr: '192.168.137.200:80', weight: 1, ...rs2 }],
});

describe('SchedulerPlayground', () => {
  it('knows all 13 schedulers, each with the seed\'s words where the seed has them', () => {
    expect(SCHEDULER_ORDER).toHaveLength(13);
    for (const s of SCHEDULER_ORDER) expect(SCHEDULERS[s].formula.zh.length).toBeGreaterThan(0);
    expect(SCHEDULERS.sed.correction?.en).toMatch(/does not/);
    expect(SCHEDULERS.mh.seed).toBeNull();
  });

  it.each([
    // scheduler, counters, keep, picks
    ['rr', {}, {}, 'inactive', ['RS2', 'RS1', 'RS2', 'RS1']],
    ['wrr', {}, {}, 'inactive', ['RS2', 'RS1', 'RS1', 'RS1', 'RS2', 'RS1', 'RS1', 'RS1']],
    ['lc', { active: 2 }, { inactive: 5 }, 'inactive', ['RS2', 'RS2', 'RS2', 'RS2']],
    ['wlc', {}, {}, 'inactive', ['RS2', 'RS1', 'RS1', 'RS1']],
    ['sed', {}, {}, 'inactive', ['RS1', 'RS1', 'RS1', 'RS1']],
    ['nq', {}, {}, 'active', ['RS2', 'RS1', 'RS1', 'RS1']],
    ['fo', {}, {}, 'active', ['RS1', 'RS1', 'RS1', 'RS1']],
    ['ovf', {}, {}, 'active', ['RS1', 'RS1', 'RS1', 'RS1', 'RS2']],
  ] as const)('%s', (sched, rs1, rs2, keep, want) => {
    const p = new SchedulerPlayground(two(sched, rs1, rs2));
    expect(p.fire(want.length, { keep }).map((x) => x.chosenName)).toEqual(want);
  });

  it('shows every server in list order with the seed formula filled in', () => {
    const p = new SchedulerPlayground(two('lc', { active: 2, inactive: 3 }, { inactive: 5 }));
    const [pick] = p.fire(1);
    expect(pick.rows.map((r) => [r.name, r.expr, r.chosen])).toEqual([['RS2', '0×256+5 = 5', true], ['RS1', '2×256+3 = 515', false]]);
    expect(pick.text).toBe('lc: 192.168.137.200:80 0*256+5 = 5, 192.168.137.130:80 2*256+3 = 515 → 192.168.137.200:80');
    expect(p.dests().find((d) => d.name === 'RS2')!.inactive).toBe(6);
  });

  it('rr lists the servers it did not need to look at too; weight 0 is skipped; removing a server', () => {
    const p = new SchedulerPlayground(two('rr'));
    p.setDest('RS2', { weight: 0 });
    const [a] = p.fire(1);
    expect(a.chosenName).toBe('RS1');
    expect(a.rows.map((r) => [r.name, r.kernel])).toEqual([['RS2', 'weight 0 (quiesced)'], ['RS1', null]]);
    p.removeDest('RS1');
    expect(p.fire(1)[0].chosen).toBeNull();
  });

  it('sh and mh: the same client always lands on the same server', () => {
    for (const s of ['sh', 'mh'] as const) {
      const p = new SchedulerPlayground(two(s));
      const picks = p.fire(8, { clients: ['192.168.1.111', '192.168.1.112'] });
      expect(new Set(picks.filter((x) => x.client.startsWith('192.168.1.111:')).map((x) => x.chosen)).size).toBe(1);
      expect(picks[0].bucket).toBeTypeOf('number');
    }
  });

  it('formulas and lab decisions use the same table', () => {
    expect(formulaFor('sed', { weight: 3, active: 1, inactive: 9 })).toBe('(1+1)/3 = 0.67');
    expect(formulaFor('wlc', { weight: 2, active: 1, inactive: 2 })).toBe('(1×256+2)/2 = 129');
    const view = explainDecision({
      time: 0, connId: 1, service: 'TCP 192.168.1.100:80', client: '192.168.1.111:4000', dest: '192.168.137.200:80', template: null, text: 'x',
      sched: { dest: null, text: 'wlc: … → 192.168.137.200:80', steps: [
        { dest: '192.168.137.200:80', weight: 1, active: 0, inactive: 1, value: '(0*256+1)/1 = 1' },
        { dest: '192.168.137.130:80', weight: 1, active: 0, inactive: 2, value: '(0*256+2)/1 = 2' },
      ] },
    }, (d) => (d.startsWith('192.168.137.200') ? 'RS2' : 'RS1'));
    expect(view.scheduler).toBe('wlc');
    expect(view.chosenName).toBe('RS2');
    expect(view.rows.map((r) => [r.name, r.expr, r.chosen])).toEqual([['RS2', '(0×256+1)/1 = 1', true], ['RS1', '(0×256+2)/1 = 2', false]]);
  });
});
