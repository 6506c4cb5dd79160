/**
 * Runaway input on one terminal, driven the way the browser worker drives the lab: slices of
 * at most SLICE_MS of real time through LabSession.pump, the virtual clock paced against the
 * real one (src/worker/pacer.ts), nothing else. For each runaway:
 *  - while it runs, a command typed on another host (one that needs the network and virtual
 *    time: a ping to the runaway's own host, whose kernel still answers) completes;
 *  - no pump call overruns its budget by more than STEP_BUDGET_MS (a key or a Ctrl-C waits
 *    no longer than that);
 *  - it ends by itself with bash's own message, or on Ctrl-C (session.interrupt) within
 *    100 ms of real time, and its host takes the next command at once;
 *  - nothing it started is left behind in the process table.
 * The same runaways through the headless runner (runLine) end with the runner's automatic
 * Ctrl-C, and a journal of a session with a runaway replays to the same state.
 */
import { describe, expect, it } from 'vitest';
import { LabSession, PTY_BUFFER, PTY_RATE } from '../../src/shell/session.ts';
import { Pacer } from '../../src/worker/pacer.ts';
import { SLICE_MS } from '../../src/worker/engine.ts';
import { stopwatch } from './clock.ts';

const INTERRUPT_BUDGET_MS = 100;
/** How much longer than its budget a pump call may run (a key or Ctrl-C waits that long). */
const STEP_BUDGET_MS = 100;

interface Term { out: string; prompts: number }

function lab(preset = 'nat') {
  const terms = new Map<string, Term>();
  const t = (h: string) => { let x = terms.get(h); if (!x) terms.set(h, (x = { out: '', prompts: 0 })); return x; };
  const s = LabSession.fromPreset(preset, {
    // The last 64 KB of each terminal (a runaway prints gigabytes).
    output: (h, d) => { const x = t(h); x.out = (x.out + d.slice(-65536)).slice(-65536); },
    prompt: (h) => { t(h).prompts++; },
  });
  const now = () => performance.now();
  const pacer = new Pacer(s.lab.now, now());
  let worstOverrun = 0;
  /** One worker slice (engine.ts `slice`, without the animation). */
  const slice = () => {
    const t0 = now();
    const left = () => SLICE_MS - (now() - t0);
    for (;;) {
      const budget = Math.max(1, left());
      const a = stopwatch();
      const r = s.pump(budget, now, pacer.target(now()));
      worstOverrun = Math.max(worstOverrun, a.ms() - budget);
      if (left() <= 0) return;
      const due = Math.min(s.lab.q.peekTime(), s.procs.wakeCondition().until ?? Infinity);
      if (pacer.skipGap(s.lab.now, due, now())) continue;
      if (!r.idle && !r.waitingOnTime && s.procs.anyRunnable()) continue;
      return;
    }
  };
  /** Slices until `done()` or `ms` of real time; returns the real time taken. */
  const drive = (done: () => boolean, ms: number) => {
    const t0 = now();
    while (!done() && now() - t0 < ms) slice();
    return now() - t0;
  };
  return { s, term: t, slice, drive, worstOverrun: () => worstOverrun };
}

const RUNAWAYS: [string, string][] = [
  ['a busy loop', 'while true; do :; done'],
  ['a fork bomb', ':(){ :|:& };:'],
  ['a 10 MB echo', 'x=$(printf "%10000000s" ""); echo "$x"'],
  ['a 10 MB echo of a pipeline', 'echo "$(head -c 10000000 /dev/zero | tr "\\0" a)"'],
  ['a 10 MB echo, word-split', 'echo $(yes | head -c 10000000)'],
  ['yes | head -c 1G', 'yes | head -c 1G'],
  ['yes | head -c 1G | wc -c', 'yes | head -c 1G | wc -c'],
  ['a recursive function', 'f(){ f; }; f'],
  ['a recursive function with output', 'f(){ echo $1; f $(( $1 + 1 )); }; f 1'],
  ['cat /dev/zero', 'cat /dev/zero'],
  ['cat /dev/urandom', 'cat /dev/urandom'],
  ['a growing variable', 'x=a; while true; do x=$x$x; done'],
  ['a runaway in the background', 'while :; do :; done & wait'],
  ['an array doubling', 'a=(x); while true; do a+=("${a[@]}"); done'],
];

describe('runaway input in a terminal (driven like the browser)', () => {
  for (const [what, line] of RUNAWAYS) {
    // Real-time limits on a shared machine: a run may be retried (a deterministic slowness fails every time).
    it(`${what}: \`${line}\` keeps the other terminals going and stops on Ctrl-C within ${INTERRUPT_BUDGET_MS} ms`, { retry: 2 }, () => {
      const L = lab();
      const { s } = L;
      s.submit('lvs', line);
      L.drive(() => false, 30);
      // Another host: a ping to the runaway's host needs the network and 200 ms of virtual time.
      const before = L.term('client').prompts;
      s.submit('client', 'ping -c 2 -i 0.2 192.168.1.100');
      const took = L.drive(() => L.term('client').prompts > before, 5000);
      expect(L.term('client').prompts, `client still busy after ${took.toFixed(0)} ms`).toBe(before + 1);
      expect(L.term('client').out).toContain('2 packets transmitted, 2 received');
      // Ctrl-C.
      const t0 = stopwatch();
      if (s.busy('lvs')) s.interrupt('lvs');
      const stop = L.drive(() => !s.busy('lvs'), 2000);
      expect(s.busy('lvs'), `lvs still busy ${stop.toFixed(0)} ms after Ctrl-C`).toBe(false);
      expect(t0.ms(), 'real ms from Ctrl-C to the prompt').toBeLessThan(INTERRUPT_BUDGET_MS);
      expect(L.worstOverrun(), 'real ms a pump call ran over its budget').toBeLessThan(STEP_BUDGET_MS);
      // Its host answers at once, and nothing is left running.
      L.drive(() => false, 20);
      const p = L.term('lvs').prompts;
      // (Ctrl-C stops the foreground job only: a background one is killed as a user would.)
      s.submit('lvs', 'kill %1 2>/dev/null; echo still here');
      L.drive(() => L.term('lvs').prompts > p, 1000);
      expect(L.term('lvs').out).toContain('still here\n');
      L.drive(() => s.procs.list().length === 0, 1000);
      expect(s.procs.list().map((q) => q.name)).toEqual([]);
      expect(L.term('lvs').out).not.toMatch(/internal error|TypeError|RangeError|Cannot read|undefined/);
    });
  }

  it('two runaways on two hosts still let a third one work', { retry: 2 }, () => {
    const L = lab();
    L.s.submit('lvs', 'while true; do :; done');
    L.s.submit('RS1', 'cat /dev/zero');
    L.drive(() => false, 30);
    const before = L.term('client').prompts;
    L.s.submit('client', 'sleep 0.5; ping -c 1 192.168.1.100');
    L.drive(() => L.term('client').prompts > before, 5000);
    expect(L.term('client').out).toContain('1 received');
    L.s.interrupt('lvs');
    L.s.interrupt('RS1');
    L.drive(() => !L.s.busy('lvs') && !L.s.busy('RS1'), 200);
    expect([L.s.busy('lvs'), L.s.busy('RS1')]).toEqual([false, false]);
  });
});

describe('terminal flow control', () => {
  for (const line of ['cat /dev/zero', 'yes', 'yes | head -c 1G', 'while true; do echo hello; done']) {
    it(`\`${line}\` writes no faster than the terminal takes it (PTY_RATE per virtual second)`, () => {
      let n = 0;
      const s = LabSession.fromPreset('nat', { output: (_h, d) => { n += d.length; }, prompt: () => {} });
      s.submit('lvs', line);
      const v0 = s.lab.now;
      for (let i = 0; i < 200; i++) s.pump(5, () => performance.now(), Infinity);
      const virtualS = (s.lab.now - v0) / 1e6;
      expect(n).toBeGreaterThan(PTY_BUFFER);
      expect(n).toBeLessThanOrEqual(PTY_RATE * virtualS + PTY_BUFFER + 65536);
      s.interrupt('lvs');
      for (let i = 0; i < 10 && s.busy('lvs'); i++) s.pump(5, () => performance.now(), Infinity);
      expect(s.busy('lvs')).toBe(false);
    });
  }
});

describe('runaway input through the headless runner', () => {
  for (const [what, line] of RUNAWAYS) {
    it(`${what} ends with bash's message or the runner's Ctrl-C, and the host takes the next line`, () => {
      let out = '';
      const s = LabSession.fromPreset('nat', { output: (_h, d) => { if (out.length < 1 << 16) out += d.slice(0, 1024); }, prompt: () => {} }, { maxIdleSteps: 500 });
      const t0 = performance.now();
      const st = s.runLine('lvs', line);
      expect(performance.now() - t0).toBeLessThan(20_000);
      expect(st).toBeGreaterThanOrEqual(0);
      s.settle();
      out = '';
      expect(s.runLine('lvs', 'kill %1 2>/dev/null; echo next')).toBe(0);
      expect(out).toMatch(/^next\n/);
    });
  }

  it('a session with a runaway and traffic on another host replays to the same frames', () => {
    const run = () => {
      const s = LabSession.fromPreset('nat', { output: () => {}, prompt: () => {} });
      s.submit('lvs', 'while true; do :; done');
      s.submit('client', 'ping -c 3 -i 0.2 192.168.1.100');
      for (let i = 0; i < 400 && s.busy('client'); i++) s.pump(5, () => performance.now(), s.lab.now + 5000 * (i + 1));
      s.interrupt('lvs');
      s.settle();
      return s;
    };
    const a = run();
    expect(a.busy('client')).toBe(false);
    const b = LabSession.fromPreset('nat', { output: () => {}, prompt: () => {} });
    b.replay(a.journal());
    b.settle(a.lab.now - b.lab.now);
    const frames = (x: LabSession) => [...x.lab.capture.range()].map((r) => `${r.time} ${Buffer.from(r.bytes).toString('hex')}`);
    expect(frames(b)).toEqual(frames(a));
  });
});
