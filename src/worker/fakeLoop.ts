/**
 * For the worker's tests: a fake page and event loop around an EngineHost, where real time
 * is a number moved by hand. `run(ms)` runs queued tasks (0.5 ms each) and due timers in
 * order until `ms` of fake time have passed.
 */
import type { EngineHost } from './engine.ts';
import type { FromWorker } from './protocol.ts';

export function fakeLoop(extra: Partial<EngineHost> = {}): { host: EngineHost; msgs: FromWorker[]; run(ms: number): void } {
  let now = 0;
  const msgs: FromWorker[] = [];
  const tasks: (() => void)[] = [];
  const timers: { at: number; fn: () => void; dead: boolean }[] = [];
  const host: EngineHost = {
    post: (m) => { msgs.push(m); },
    soon: (fn) => { tasks.push(fn); },
    later: (fn, ms) => { const t = { at: now + ms, fn, dead: false }; timers.push(t); return () => { t.dead = true; }; },
    now: () => now,
    ...extra,
  };
  const run = (ms: number): void => {
    const end = now + ms;
    for (let guard = 0; guard < 1_000_000; guard++) {
      if (tasks.length) { now += 0.5; tasks.shift()!(); continue; }
      const live = timers.filter((t) => !t.dead).sort((a, b) => a.at - b.at);
      const t = live[0];
      if (!t || t.at > end) { now = end; return; }
      now = Math.max(now, t.at);
      t.dead = true;
      t.fn();
    }
  };
  return { host, msgs, run };
}
