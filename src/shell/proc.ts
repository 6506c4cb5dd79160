/**
 * The process table: schedules the coroutines that run on the lab's hosts (each terminal's
 * foreground job, background jobs) and keeps the per-host process count that `fork` checks.
 *
 * A process is a `Co<number>`. Stepping it resumes it until it yields: `tick` means "still
 * runnable", `sim` means "resume me when ready() or the virtual clock reaches until", `io`
 * is treated as `tick` (pipes are handled inside pipelines and never reach this level).
 * Signals are delivered on the next step by throwing ShellSignal into the coroutine
 * (SIGKILL uses `return()` so finally blocks still run, then status 137).
 *
 * Two drivers are provided: `runToCompletion` for headless use (tests, the transcript
 * runner), which resolves `sim` waits through a SimDriver and turns "nothing can ever happen"
 * and CPU runaways into an automatic Ctrl-C; and `ProcTable.runSlice` for the browser, which
 * steps processes for a given real-time budget (the caller passes a `performance.now`-like
 * clock: nothing here reads a real clock by itself).
 *
 * CPU time (opt-in, `cpuQuantumUs`): a process that yields `tick` has been computing for a
 * while, and on a real machine the clock moves while it does. With a quantum set, a `tick`
 * parks the process until the virtual clock has advanced by that much, so a busy loop on one
 * host lets the network, the daemons and every other terminal go on (without it, nothing that
 * waits on virtual time could ever run again while `while true; do :; done` spins). The
 * charge depends only on the schedule, never on real time, so runs stay deterministic.
 * `Proc.cpuRun` counts the ticks since the process last waited for something else, which is
 * how a headless driver still recognises a runaway although the clock now moves.
 *
 * Fork accounting: at most MAX_PROCS live processes per host. When the limit is reached, the
 * host goes into a "fork storm": every process alive at that moment (except interactive
 * shells) loses the right to fork, and forks keep failing until the count drops back to
 * STORM_LOW. That is what makes `:(){ :|:& };:` burn out instead of running forever (a real
 * kernel would keep it alive until someone kills it; a teaching lab should not).
 */
import type { HostApi } from '../core/lab/api.ts';
import type { Co, SignalName, Wait } from './types.ts';
import { ShellSignal } from './types.ts';

export interface SimDriver {
  now(): number;
  /** Run simulated events until ready() or the clock reaches until; false if nothing more can ever happen (no events, no deadline). */
  runUntil(ready?: () => boolean, until?: number): boolean;
}

export const MAX_PROCS = 256;
export const STORM_LOW = 16;

/** A process as the fork accounting sees it (pipeline stages and subshells are processes too). */
export interface ProcInfo {
  readonly pid: number;
  readonly host: HostApi | null;
  /** Interactive shells never lose the right to fork. */
  readonly leader: boolean;
  /** Lost the right to fork in a fork storm. */
  doomed: boolean;
  name: string;
  readonly ppid: number;
  alive: boolean;
}

interface HostProcs { live: Set<ProcInfo>; storm: boolean }

export type ProcState = 'run' | 'wait' | 'done';

/** A scheduled coroutine. */
export class Proc {
  wait: Wait | null = null;
  done = false;
  status = 0;
  /** Signal to deliver at the next step. */
  pendingSig: SignalName | null = null;
  /** Number of times the process was resumed. */
  steps = 0;
  /** The signal that ended the process, if one did. */
  termSig: SignalName | null = null;
  /** Consecutive steps that ended in `tick` (computing, not waiting): reset by any other wait. */
  cpuRun = 0;
  /** Steps that ended in a `sim` wait (the process waited for something other than the CPU). */
  waits = 0;
  private readonly exitFns: ((status: number) => void)[] = [];
  constructor(
    readonly pid: number,
    readonly co: Co<number>,
    readonly name: string,
    readonly host: HostApi | null,
    readonly info: ProcInfo | null,
  ) {}
  get state(): ProcState { return this.done ? 'done' : this.wait ? 'wait' : 'run'; }
  onExit(fn: (status: number) => void): void {
    if (this.done) fn(this.status);
    else this.exitFns.push(fn);
  }
  /** @internal */
  finish(status: number): void {
    if (this.done) return;
    this.done = true;
    this.status = status;
    this.wait = null;
    for (const f of this.exitFns.splice(0)) f(status);
  }
}

export interface SpawnOptions {
  host?: HostApi | null;
  name?: string;
  /** Accounting record (already counted by `fork`); released when the process ends. */
  info?: ProcInfo | null;
  pid?: number;
}

export interface SliceResult {
  /** Some process can run right now (the caller should schedule another slice soon). */
  runnable: boolean;
  /** Processes waiting on the simulation. */
  waiting: number;
  /** The earliest `until` among waiting processes (virtual µs), if any. */
  nextUntil?: number;
  /** Steps taken in this slice. */
  steps: number;
}

let fallbackPid = 100000;
/** Ids for processes spawned without a host pid (a terminal's foreground shell command). */
let anonPid = -1;

export class ProcTable {
  private procs: Proc[] = [];
  private readonly hosts = new WeakMap<HostApi, HostProcs>();
  private readonly noHost: HostProcs = { live: new Set(), storm: false };
  private readonly cpuQuantum: number;
  /** Steps, over all processes, that ended in `tick`. */
  ticks = 0;
  /**
   * `clock`: optional clock used to decide whether a `sim` wait's deadline has passed.
   * `opts.cpuQuantumUs`: virtual time a `tick` costs (see the module comment); 0 = none.
   */
  constructor(private readonly clock?: () => number, opts: { cpuQuantumUs?: number } = {}) {
    this.cpuQuantum = clock ? Math.max(0, opts.cpuQuantumUs ?? 0) : 0;
  }

  // ---- accounting ------------------------------------------------------------------------------

  private hp(host: HostApi | null): HostProcs {
    if (!host) return this.noHost;
    let h = this.hosts.get(host);
    if (!h) { h = { live: new Set(), storm: false }; this.hosts.set(host, h); }
    return h;
  }

  /** Live processes on `host` (as counted for the fork limit). */
  liveCount(host: HostApi | null): number { return this.hp(host).live.size; }

  /** Processes counted on `host`. */
  liveInfos(host: HostApi | null): ProcInfo[] { return [...this.hp(host).live]; }

  /**
   * Account for a new process (fork). Returns null when the host cannot take another one
   * (the caller prints bash's `fork: Resource temporarily unavailable`).
   */
  fork(host: HostApi | null, parent: ProcInfo | null, name: string, leader = false): ProcInfo | null {
    const h = this.hp(host);
    if (parent?.doomed) return null;
    if (h.storm) {
      if (h.live.size > STORM_LOW) return null;
      h.storm = false;
    }
    if (h.live.size >= MAX_PROCS) {
      h.storm = true;
      for (const p of h.live) if (!p.leader) p.doomed = true;
      return null;
    }
    const pid = host ? host.allocPid() : fallbackPid++;
    const info: ProcInfo = { pid, host, leader, doomed: false, name, ppid: parent?.pid ?? 1, alive: true };
    h.live.add(info);
    return info;
  }

  /** The process behind `info` has ended. */
  release(info: ProcInfo | null | undefined): void {
    if (!info || !info.alive) return;
    info.alive = false;
    this.hp(info.host).live.delete(info);
  }

  // ---- scheduling ------------------------------------------------------------------------------

  spawn(co: Co<number>, opts: SpawnOptions = {}): Proc {
    const host = opts.host ?? opts.info?.host ?? null;
    const pid = opts.pid ?? opts.info?.pid ?? anonPid--;
    const p = new Proc(pid, co, opts.name ?? 'bash', host, opts.info ?? null);
    this.procs.push(p);
    p.onExit(() => this.release(p.info));
    return p;
  }

  /** Scheduled processes (live ones first). */
  list(): readonly Proc[] { return this.procs; }

  get(pid: number): Proc | undefined { return this.procs.find((p) => p.pid === pid && !p.done); }

  /** Deliver a signal at the process's next step. */
  signal(p: Proc, sig: SignalName): void {
    if (p.done) return;
    if (sig === 'KILL') { this.kill9(p); return; }
    p.pendingSig = sig;
  }

  private kill9(p: Proc): void {
    try { p.co.return(137); } catch { /* finally blocks may throw; the process is gone anyway */ }
    p.termSig = 'KILL';
    p.finish(137);
    this.reap();
  }

  private now(p: Proc): number {
    if (this.clock) return this.clock();
    return p.host ? p.host.now() : 0;
  }

  /** Can `p` be resumed now? */
  runnable(p: Proc): boolean {
    if (p.done) return false;
    if (p.pendingSig) return true;
    const w = p.wait;
    if (!w || w.kind !== 'sim') return true;
    if (w.ready?.()) return true;
    return w.until !== undefined && this.now(p) >= w.until;
  }

  /** Resume `p` once. */
  step(p: Proc): void {
    if (p.done) return;
    let r: IteratorResult<Wait, number>;
    p.steps++;
    try {
      if (p.pendingSig) {
        const s = p.pendingSig;
        p.pendingSig = null;
        r = p.co.throw(new ShellSignal(s));
      } else r = p.co.next();
    } catch (e) {
      if (e instanceof ShellSignal) p.termSig = e.sig;
      p.finish(e instanceof ShellSignal ? e.status : 1);
      if (!(e instanceof ShellSignal)) reportBug(e);
      return;
    }
    if (r.done) { p.finish(r.value ?? 0); return; }
    const w = r.value;
    if (w.kind === 'sim') {
      p.wait = w;
      if (w.pty) { p.cpuRun++; this.ticks++; } else { p.cpuRun = 0; p.waits++; }
      return;
    }
    if (w.kind === 'tick') {
      p.cpuRun++;
      this.ticks++;
      if (this.cpuQuantum) { p.wait = { kind: 'sim', until: this.clock!() + this.cpuQuantum }; return; }
    }
    p.wait = null;
  }

  /** Step every runnable process once. Returns the number of steps taken. */
  runRound(): number {
    let n = 0;
    const ps = this.procs;
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i];
      if (this.runnable(p)) { this.step(p); n++; }
    }
    this.reap();
    return n;
  }

  /** Forget finished processes (drivers that step processes one by one call it). */
  reap(): void {
    if (this.procs.some((p) => p.done)) this.procs = this.procs.filter((p) => !p.done);
  }

  anyRunnable(): boolean {
    for (const p of this.procs) if (this.runnable(p)) return true;
    return false;
  }

  /** What the waiting processes wait for: the earliest deadline and a combined ready(). */
  wakeCondition(): { until?: number; ready: () => boolean; waiting: number } {
    let until: number | undefined;
    const readies: (() => boolean)[] = [];
    let waiting = 0;
    for (const p of this.procs) {
      if (p.done) continue;
      const w = p.wait;
      if (!w || w.kind !== 'sim') continue;
      waiting++;
      if (w.until !== undefined && (until === undefined || w.until < until)) until = w.until;
      if (w.ready) readies.push(w.ready);
    }
    const ready = () => {
      for (const r of readies) if (r()) return true;
      return this.procs.some((p) => p.pendingSig !== null && !p.done);
    };
    return { until, ready, waiting };
  }

  /**
   * Browser driver: step runnable processes round-robin until `budgetMs` of real time (per
   * `realNow`) has been spent or nothing can run. Virtual time is left to the caller.
   */
  runSlice(realNow: () => number, budgetMs: number): SliceResult {
    const start = realNow();
    let steps = 0;
    while (this.anyRunnable()) {
      steps += this.runRound();
      if (realNow() - start >= budgetMs) break;
    }
    const w = this.wakeCondition();
    return { runnable: this.anyRunnable(), waiting: w.waiting, nextUntil: w.until, steps };
  }
}

function reportBug(e: unknown): void {
  // A coroutine died of a JavaScript error: a bug in a command. Keep the lab running.
  if (typeof console !== 'undefined') console.error('process crashed:', e);
}

export interface RunOptions {
  /** The table to schedule in (other processes in it keep running too). */
  table?: ProcTable;
  host?: HostApi | null;
  name?: string;
  /** Process id to list the run under (default: an anonymous negative id). */
  pid?: number;
  /**
   * Steps (resumptions) of runnable processes allowed without virtual time moving before
   * the target gets an automatic Ctrl-C. Interpreters yield `tick` about every 1,000 commands,
   * so the default (5,000) is a few million commands.
   */
  maxSteps?: number;
  /** Called when the driver interrupts the target (why: 'deadlock' | 'runaway'). */
  onInterrupt?(why: 'deadlock' | 'runaway'): void;
}

/**
 * Run `co` to completion headlessly: step it (and everything else in the table), resolve
 * `sim` waits by running the simulation, and interrupt it (SIGINT) when nothing can ever wake
 * it or it spins too long. Returns its exit status.
 */
export function runToCompletion(co: Co<number>, sim: SimDriver, opts: RunOptions = {}): number {
  const table = opts.table ?? new ProcTable(() => sim.now());
  const p = table.spawn(co, { host: opts.host ?? null, name: opts.name ?? 'bash', pid: opts.pid });
  const budget = opts.maxSteps ?? 5000;
  let steps = 0;
  let interrupts = 0;
  const interrupt = (why: 'deadlock' | 'runaway') => {
    opts.onInterrupt?.(why);
    interrupts++;
    if (interrupts > 20) table.signal(p, 'KILL');
    else table.signal(p, 'INT');
  };
  while (!p.done) {
    if (table.anyRunnable()) {
      steps += table.runRound();
      if (!p.done && steps > budget) { steps = 0; interrupt('runaway'); }
      continue;
    }
    const { until, ready } = table.wakeCondition();
    const before = sim.now();
    sim.runUntil(ready, until);
    if (sim.now() !== before) steps = 0;
    if (!table.anyRunnable()) interrupt('deadlock');
  }
  return p.status;
}

/** Keep stepping until no process in the table can ever run again (background jobs finished or stuck). */
export function runUntilIdle(table: ProcTable, sim: SimDriver, maxSteps = 1_000_000): void {
  let steps = 0;
  for (;;) {
    if (table.anyRunnable()) {
      steps += table.runRound();
      if (steps > maxSteps) return;
      continue;
    }
    if (!table.list().some((q) => !q.done)) return;
    const { until, ready } = table.wakeCondition();
    if (!sim.runUntil(ready, until) && !table.anyRunnable()) return;
  }
}
