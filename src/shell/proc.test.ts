/**
 * The process table and the headless driver, with plain coroutines (no shell).
 */
import { describe, expect, it } from 'vitest';
import { MAX_PROCS, ProcTable, STORM_LOW, runToCompletion, runUntilIdle } from './proc.ts';
import { FakeSim, makeHost } from './bash/testkit.ts';
import type { Co } from './types.ts';
import { ShellSignal, TICK, waitSim } from './types.ts';

function* sleeper(sim: FakeSim, us: number, log: string[], name: string): Co<number> {
  const until = sim.now() + us;
  yield* waitSim(undefined, until);
  log.push(`${name}@${sim.now()}`);
  return 7;
}

function* spinner(): Co<number> {
  for (;;) yield TICK;
}

describe('ProcTable', () => {
  it('runs waiting processes in deadline order through the SimDriver', () => {
    const sim = new FakeSim();
    const host = makeHost(sim);
    const t = new ProcTable();
    const log: string[] = [];
    t.spawn(sleeper(sim, 3000, log, 'b'), { host });
    const st = runToCompletion(sleeper(sim, 5000, log, 'a'), sim, { table: t, host });
    expect(st).toBe(7);
    expect(log).toEqual(['b@3000', 'a@5000']);
  });

  it('delivers signals at the next step; uncaught ones end the process with 128+n', () => {
    const t = new ProcTable(() => 0);
    let cleaned = false;
    const p = t.spawn((function* () { try { for (;;) yield TICK; } finally { cleaned = true; } })());
    t.runRound();
    t.signal(p, 'TERM');
    t.runRound();
    expect(p.done).toBe(true);
    expect(p.status).toBe(143);
    expect(p.termSig).toBe('TERM');
    expect(cleaned).toBe(true);
  });

  it('SIGKILL cannot be caught and still runs finally blocks', () => {
    const t = new ProcTable(() => 0);
    let cleaned = false;
    const p = t.spawn((function* () {
      for (;;) {
        try { yield TICK; } catch { /* ignores every catchable signal */ } finally { cleaned = true; }
      }
    })());
    t.runRound();
    t.signal(p, 'INT');
    t.runRound();
    expect(p.done).toBe(false);
    t.signal(p, 'KILL');
    expect(p.done).toBe(true);
    expect(p.status).toBe(137);
    expect(cleaned).toBe(true);
  });

  it('a signal wakes a process waiting on the simulation', () => {
    const t = new ProcTable(() => 0);
    const p = t.spawn((function* (): Co<number> {
      try { yield { kind: 'sim', ready: () => false }; return 0; } catch (e) { return e instanceof ShellSignal ? 99 : 1; }
    })());
    t.runRound();
    expect(t.anyRunnable()).toBe(false);
    t.signal(p, 'INT');
    expect(t.anyRunnable()).toBe(true);
    t.runRound();
    expect(p.status).toBe(99);
  });

  it('with a CPU quantum, a tick parks the process until the virtual clock has moved that much', () => {
    let now = 0;
    const t = new ProcTable(() => now, { cpuQuantumUs: 1000 });
    const p = t.spawn(spinner());
    t.runRound();
    expect(p.cpuRun).toBe(1);
    expect(t.anyRunnable()).toBe(false);
    expect(t.wakeCondition().until).toBe(1000);
    now = 999;
    expect(t.anyRunnable()).toBe(false);
    now = 1000;
    expect(t.anyRunnable()).toBe(true);
    t.runRound();
    expect([p.cpuRun, t.ticks, p.waits]).toEqual([2, 2, 0]);
    t.signal(p, 'INT'); // Ctrl-C does not wait for the quantum
    expect(t.anyRunnable()).toBe(true);
    t.runRound();
    expect(p.status).toBe(130);
  });

  it('onExit callbacks run once, also when registered late', () => {
    const t = new ProcTable(() => 0);
    const p = t.spawn((function* () { return 3; })());
    const seen: number[] = [];
    p.onExit((s) => seen.push(s));
    t.runRound();
    p.onExit((s) => seen.push(s + 10));
    expect(seen).toEqual([3, 13]);
  });
});

describe('runToCompletion', () => {
  it('interrupts a process that waits for something that can never happen', () => {
    const sim = new FakeSim();
    const why: string[] = [];
    const st = runToCompletion((function* (): Co<number> {
      try { yield { kind: 'sim', ready: () => false }; return 0; } catch (e) { return (e as ShellSignal).status; }
    })(), sim, { onInterrupt: (w) => why.push(w) });
    expect(st).toBe(130);
    expect(why).toEqual(['deadlock']);
  });

  it('interrupts a CPU runaway after the step budget, and kills it if it ignores SIGINT', () => {
    const sim = new FakeSim();
    expect(runToCompletion(spinner(), sim, { maxSteps: 100 })).toBe(130);
    const stubborn = (function* (): Co<number> { for (;;) { try { yield TICK; } catch { /* ignore */ } } })();
    expect(runToCompletion(stubborn, sim, { maxSteps: 10 })).toBe(137);
  });

  it('resets the budget while virtual time moves', () => {
    const sim = new FakeSim();
    const co = (function* (): Co<number> {
      for (let i = 0; i < 100; i++) { yield TICK; yield* waitSim(undefined, sim.now() + 1000); }
      return 0;
    })();
    expect(runToCompletion(co, sim, { maxSteps: 50 })).toBe(0);
    expect(sim.now()).toBe(100_000);
  });

  it('runUntilIdle lets background processes finish', () => {
    const sim = new FakeSim();
    const host = makeHost(sim);
    const t = new ProcTable();
    const log: string[] = [];
    for (let i = 1; i <= 3; i++) t.spawn(sleeper(sim, i * 1000, log, `p${i}`), { host });
    runUntilIdle(t, sim);
    expect(log).toEqual(['p1@1000', 'p2@2000', 'p3@3000']);
    expect(t.list().length).toBe(0);
  });
});

describe('fork accounting', () => {
  it('limits live processes per host and burns out a storm', () => {
    const sim = new FakeSim();
    const host = makeHost(sim);
    const other = makeHost(sim);
    const t = new ProcTable();
    const leader = t.fork(host, null, 'bash', true)!;
    const kids = [];
    for (let i = 1; i < MAX_PROCS; i++) kids.push(t.fork(host, leader, 'x')!);
    expect(t.liveCount(host)).toBe(MAX_PROCS);
    expect(t.fork(host, leader, 'x')).toBeNull();
    // other hosts are not affected
    expect(t.fork(other, null, 'y')).not.toBeNull();
    // the storm: processes alive at that moment can never fork again
    expect(kids[0].doomed).toBe(true);
    expect(leader.doomed).toBe(false);
    for (const k of kids.slice(0, 100)) t.release(k);
    expect(t.fork(host, leader, 'x')).toBeNull(); // still above STORM_LOW
    for (const k of kids.slice(100)) t.release(k);
    expect(t.liveCount(host)).toBeLessThanOrEqual(STORM_LOW);
    expect(t.fork(host, kids[200], 'x')).toBeNull(); // doomed parent
    expect(t.fork(host, leader, 'x')).not.toBeNull(); // the leader may fork again
  });

  it('release is idempotent', () => {
    const sim = new FakeSim();
    const host = makeHost(sim);
    const t = new ProcTable();
    const a = t.fork(host, null, 'a')!;
    t.release(a);
    t.release(a);
    expect(t.liveCount(host)).toBe(0);
  });
});
