/**
 * A lab session: one Lab, one interactive bash per host, one process table, and the driver
 * that interleaves shells with the simulated network (the contract is sessionApi.ts).
 *
 * Scheduling is deterministic. Processes are stepped one at a time in table order; when
 * none can run, the simulation runs until the earliest thing a process waits for (a frame
 * that makes `ready()` true, or a deadline) and stops right there, so a process always
 * resumes at the virtual time its wait was satisfied, however the browser slices real time.
 * Every input is journaled with its virtual time and the scheduler's step count, so
 * `replay()` reproduces a session byte for byte (share-by-URL, reload, time travel).
 *
 * Headless use (`runLine`) adds the runner's guards: a command that spins without the
 * virtual clock moving, waits for something that can never come, or runs longer than
 * `maxCommandSeconds` of virtual time gets an automatic Ctrl-C, shown as `^C`, so a
 * transcript never hangs.
 */
import { SEC, MS } from '../core/sim/events.ts';
import type { Lab } from '../core/lab/lab.ts';
import { HostFacade } from '../core/lab/api.ts';
import { createLab } from '../core/lab/presets.ts';
import type { Host } from '../core/net/host.ts';
import { RHEL_PROFILE_ALIASES, RHEL_ROOT_ALIASES } from './bash/aliases.ts';
import { Shell } from './bash/shell.ts';
import { TermIn } from './bash/streams.ts';
import { commandRegistry } from './commands/index.ts';
import { ProcTable, type Proc } from './proc.ts';
import type { InputEvent, LabSessionApi, PumpResult, TerminalSink, TopologyOp } from './sessionApi.ts';
import type { Co, OutStream, TtyApi } from './types.ts';
import { applyTopology } from './topology.ts';

/** A root login on RHEL 9: /etc/profile.d's colour aliases (ll, l., ls, grep …) and ~/.bashrc's rm/cp/mv -i. */
const INTERACTIVE_ALIASES: Readonly<Record<string, string>> = { ...RHEL_PROFILE_ALIASES, ...RHEL_ROOT_ALIASES };

/**
 * Virtual CPU time a `tick` costs (proc.ts): about what a real bash takes for the ~1,000
 * simple commands between two ticks. Without it a busy loop on one host would stop the
 * virtual clock for the whole lab.
 */
export const CPU_QUANTUM_US = 1000;

/**
 * A terminal's flow control: it takes PTY_RATE characters per second of virtual time, and a
 * command more than PTY_BUFFER characters ahead waits, as a writer to a real pty blocks when
 * the terminal cannot keep up. Ordinary output never fills the buffer; `cat /dev/zero` or
 * `yes` on a terminal now run at the terminal's speed instead of flooding the page with
 * gigabytes (which crashed the tab).
 */
export const PTY_RATE = 2 * 1024 * 1024;
export const PTY_BUFFER = 256 * 1024;

class Pty {
  private busyUntil = 0;
  constructor(private readonly now: () => number) {}
  wrote(n: number): void { this.busyUntil = Math.max(this.busyUntil, this.now()) + (n * SEC) / PTY_RATE; }
  /** Past the high-water mark (a full buffer), wait until it is half empty: waits long enough
   * (64 ms) for the browser's pacer to honour them rather than skip them as a short gap. */
  *drain(): Co<void> {
    const full = (PTY_BUFFER * SEC) / PTY_RATE;
    if (this.busyUntil - this.now() > full) yield { kind: 'sim', until: this.busyUntil - full / 2, pty: true };
  }
}

/** One side (stdout or stderr) of a terminal, through its Pty. */
class PtyOut implements OutStream {
  readonly isTty = true;
  constructor(private readonly fn: (s: string) => void, private readonly pty: Pty) {}
  write(s: string): void {
    if (!s) return;
    this.fn(s);
    this.pty.wrote(s.length);
  }
  *drain(): Co<void> { yield* this.pty.drain(); }
}

export interface SessionOptions {
  /** Virtual seconds a headless command may run before an automatic Ctrl-C (default 3600). */
  maxCommandSeconds?: number;
  /**
   * Scheduler steps without the virtual clock moving, or ticks (CPU quanta, any process's)
   * without the foreground command waiting for anything, before an automatic Ctrl-C (default 20,000).
   */
  maxIdleSteps?: number;
  /** Virtual µs a `tick` costs (default CPU_QUANTUM_US). */
  cpuQuantumUs?: number;
  /** Terminal width for commands that format to it. */
  cols?: number;
}

class HostTerm {
  shell!: Shell;
  readonly stdin = new TermIn();
  fg: Proc | null = null;
  readonly queue: string[] = [];
  /** Virtual time the foreground command started (headless budget). */
  started = 0;
  /** A pending editor request (vi/nano) and its answer. */
  edit: { done: boolean; content: string | null } | null = null;
  constructor(readonly host: Host, readonly facade: HostFacade) {}
  /** The lab's name for the machine: what the journal and the terminal use (it follows a rename). */
  get key(): string { return (this.host.ext.labName as string | undefined) ?? this.host.hostname; }
}

export class LabSession implements LabSessionApi {
  readonly procs: ProcTable;
  private readonly terms = new Map<number, HostTerm>();
  private readonly events: InputEvent[] = [];
  /** Total process steps taken (the journal's `step`). */
  steps = 0;
  private readonly maxCommandUs: number;
  private readonly maxIdleSteps: number;
  private readonly cols: number;

  constructor(readonly lab: Lab, public sink: TerminalSink, opts: SessionOptions = {}) {
    this.procs = new ProcTable(() => this.lab.now, { cpuQuantumUs: opts.cpuQuantumUs ?? CPU_QUANTUM_US });
    this.maxCommandUs = (opts.maxCommandSeconds ?? 3600) * SEC;
    this.maxIdleSteps = opts.maxIdleSteps ?? 20_000;
    this.cols = opts.cols ?? 80;
  }

  static fromPreset(preset: string, sink: TerminalSink, opts: SessionOptions & { seed?: string } = {}): LabSession {
    return new LabSession(createLab(preset, { seed: opts.seed }), sink, opts);
  }

  // ---- hosts and shells --------------------------------------------------------------------

  shellHosts(): string[] {
    return this.lab.hosts.filter((h) => !h.ext.noShell).map((h) => (h.ext.labName as string | undefined) ?? h.hostname);
  }

  /** The terminal of a host (created on first use), or null for an unknown or shell-less host. */
  term(name: string): HostTerm | null {
    const h = this.lab.host(name);
    if (!h || h.ext.noShell) return null;
    let t = this.terms.get(h.id);
    if (!t) {
      t = new HostTerm(h, new HostFacade(h));
      this.newShell(t);
      this.terms.set(h.id, t);
    }
    return t;
  }

  private newShell(t: HostTerm): void {
    const pty = new Pty(() => this.lab.now);
    const out = new PtyOut((s) => this.sink.output(t.key, s), pty);
    const err = new PtyOut((s) => (this.sink.error ? this.sink.error(t.key, s) : this.sink.output(t.key, s)), pty);
    const tty: TtyApi = {
      cols: this.cols,
      rows: 24,
      edit: this.sink.edit ? (path, mode) => this.editCo(t, path, mode) : undefined,
    };
    t.shell = new Shell({ fs: t.host.fs, host: t.facade, registry: commandRegistry(), out, err, tty, procs: this.procs, stdin: t.stdin, login: true, aliases: INTERACTIVE_ALIASES });
  }

  private *editCo(t: HostTerm, path: string, mode: 'vi' | 'nano'): Co<number> {
    let content = '';
    try { content = t.host.fs.readFile(path); } catch { /* new file */ }
    t.edit = { done: false, content: null };
    this.sink.edit?.(t.key, path, content, mode);
    const req = t.edit;
    yield { kind: 'sim', ready: () => req.done };
    t.edit = null;
    if (req.content !== null) {
      try { t.host.fs.writeFile(path, req.content); } catch { return 1; }
    }
    return 0;
  }

  prompt(host: string): string {
    return this.term(host)?.shell.prompt() ?? '';
  }

  needsMore(host: string, text: string): boolean {
    const t = this.term(host);
    return !!t && !t.shell.isComplete(text);
  }

  complete(host: string, line: string, cursor: number): { replaceFrom: number; candidates: string[] } {
    const t = this.term(host);
    if (!t) return { replaceFrom: cursor, candidates: [] };
    const c = t.shell.complete(line, cursor);
    return { replaceFrom: c.start, candidates: c.candidates };
  }

  busy(host: string): boolean {
    const t = this.term(host);
    return !!t && (t.fg !== null || t.queue.length > 0);
  }

  // ---- input -----------------------------------------------------------------------------------

  private record(e: InputEvent): void { this.events.push(e); }

  journal(): readonly InputEvent[] { return this.events; }

  submit(host: string, line: string): void {
    const t = this.term(host);
    if (!t) return;
    this.record({ kind: 'line', host: t.key, text: line, at: this.lab.now, step: this.steps });
    t.queue.push(line);
    this.startNext(t);
  }

  feedStdin(host: string, text: string): void {
    const t = this.term(host);
    if (!t) return;
    this.record({ kind: 'stdin', host: t.key, text, at: this.lab.now, step: this.steps });
    t.stdin.feed(text);
  }

  interrupt(host: string): void {
    const t = this.term(host);
    if (!t) return;
    this.record({ kind: 'interrupt', host: t.key, at: this.lab.now, step: this.steps });
    this.doInterrupt(t);
  }

  private doInterrupt(t: HostTerm): void {
    t.queue.length = 0;
    if (t.fg && !t.fg.done) this.procs.signal(t.fg, 'INT');
    else this.sink.prompt(t.key, t.shell.prompt());
  }

  finishEdit(host: string, content: string | null): void {
    const t = this.term(host);
    if (!t || !t.edit) return;
    this.record({ kind: 'edit', host: t.key, content, at: this.lab.now, step: this.steps });
    t.edit.content = content;
    t.edit.done = true;
  }

  topology(op: TopologyOp): string | null {
    this.record({ kind: 'topology', op, at: this.lab.now, step: this.steps });
    return applyTopology(this.lab, op);
  }

  /** Start the next queued line on an idle terminal. */
  private startNext(t: HostTerm): void {
    if (t.fg || !t.queue.length) return;
    const line = t.queue.shift()!;
    if (!t.host.powered) {
      this.sink.output(t.key, `${t.key} is powered off\n`);
      this.sink.prompt(t.key, t.shell.prompt());
      return;
    }
    t.shell.history.add(line);
    t.started = this.lab.now;
    const p = this.procs.spawn(t.shell.execute(line), { host: t.facade, name: 'bash', pid: t.shell.pid });
    t.fg = p;
    p.onExit(() => {
      t.fg = null;
      if (t.shell.exited !== null) this.newShell(t); // logout or power: a fresh login
      if (t.queue.length) this.startNext(t);
      else this.sink.prompt(t.key, t.shell.prompt());
    });
  }

  // ---- driving ----------------------------------------------------------------------------------

  /** Step runnable processes one at a time. Stops when none can run, at `stopStep`, or when `out()` says so. */
  private runProcs(stopStep = Infinity, out?: () => boolean): 'idle' | 'stop' | 'budget' {
    for (;;) {
      let any = false;
      const list = this.procs.list();
      for (let i = 0; i < list.length; i++) {
        if (this.steps >= stopStep) return 'stop';
        const p = list[i];
        if (!this.procs.runnable(p)) continue;
        this.procs.step(p);
        this.steps++;
        any = true;
        if (out && (this.steps & 7) === 0 && out()) { this.procs.reap(); return 'budget'; }
      }
      this.procs.reap();
      if (!any) return 'idle';
    }
  }

  pump(budgetMs: number, realNow: () => number, simUntil: number): PumpResult {
    const start = realNow();
    const out = () => realNow() - start >= budgetMs;
    for (;;) {
      const r = this.runProcs(Infinity, out);
      if (r === 'budget') break;
      const w = this.procs.wakeCondition();
      const target = Math.min(w.until ?? Infinity, simUntil);
      if (target <= this.lab.now && !w.ready()) break;
      if (target === Infinity) {
        // Nothing waits on time and no bound was given: run what is due now and stop.
        this.lab.runUntil(w.waiting ? w.ready : undefined, this.lab.now);
        if (!this.procs.anyRunnable()) break;
        continue;
      }
      this.lab.runUntil(w.waiting ? w.ready : undefined, target);
      if (!this.procs.anyRunnable() && this.lab.now >= simUntil) break;
      if (out()) break;
    }
    const w = this.procs.wakeCondition();
    return { idle: !this.procs.list().some((p) => !p.done), nextEvent: this.lab.q.peekTime(), waitingOnTime: w.until !== undefined };
  }

  /**
   * Headless: run one command line on a host to completion (with the runner's guards) and
   * return the exit status. Output goes to the sink as it is produced.
   */
  runLine(host: string, line: string): number {
    const t = this.term(host);
    if (!t) throw new Error(`unknown host ${host}`);
    this.submit(host, line);
    let exit = 0;
    const fg = t.fg;
    if (!fg) return t.shell.lastStatus;
    fg.onExit((s) => { exit = s; });
    let idleSteps = 0;
    let lastNow = this.lab.now;
    let interrupts = 0;
    // CPU time moves the clock (CPU_QUANTUM_US), so a runaway is also recognised by ticks
    // piling up while the foreground command has not waited for anything.
    let fgWaits = fg.waits;
    let tickMark = this.procs.ticks;
    const autoInterrupt = () => {
      interrupts++;
      this.sink.output(t.key, '^C\n');
      if (interrupts > 5) this.procs.signal(fg, 'KILL');
      else this.procs.signal(fg, 'INT');
      idleSteps = 0;
      tickMark = this.procs.ticks;
    };
    while (!fg.done) {
      const before = this.steps;
      this.runProcs(this.steps + 1000);
      idleSteps += this.steps - before;
      if (this.lab.now !== lastNow) { lastNow = this.lab.now; idleSteps = 0; }
      if (fg.waits !== fgWaits) { fgWaits = fg.waits; tickMark = this.procs.ticks; }
      if (fg.done) break;
      if (idleSteps > this.maxIdleSteps || this.procs.ticks - tickMark > this.maxIdleSteps) { autoInterrupt(); continue; }
      if (this.procs.anyRunnable()) continue;
      const w = this.procs.wakeCondition();
      const budgetEnd = t.started + this.maxCommandUs * (interrupts + 1);
      if (this.lab.now >= budgetEnd) { autoInterrupt(); continue; }
      const target = Math.min(w.until ?? Infinity, budgetEnd);
      const moved = this.lab.runUntil(w.ready, target);
      if (!moved && !this.procs.anyRunnable()) autoInterrupt();
    }
    return exit;
  }

  /** Let a few milliseconds of virtual time pass, as between two commands typed by hand. */
  settle(us = 10 * MS): void {
    const end = this.lab.now + us;
    for (;;) {
      this.runProcs(this.steps + 100_000);
      const w = this.procs.wakeCondition();
      const target = Math.min(w.until ?? Infinity, end);
      this.lab.runUntil(w.waiting ? w.ready : undefined, target);
      if (this.lab.now >= end && !this.procs.anyRunnable()) break;
    }
  }

  /**
   * Replay a journal into this (fresh) session: each event is applied at the virtual time
   * and scheduler step it originally happened at (the schedule alternates "run every
   * runnable process" and "advance the simulation to the next wake-up", so it is the same
   * whatever real-time slicing the original run had). `stop.frame` ends the replay as soon
   * as the capture holds that many frames (time travel).
   */
  replay(events: readonly InputEvent[], stop: { frame?: number; time?: number } = {}): void {
    const want = stop.frame;
    const reached = () => want !== undefined && this.lab.capture.total >= want;
    // Past the last input the simulation runs on by itself (frames still to come, timers):
    // bounded by `stop.time` when given (the frame's own time), else by an hour of virtual time.
    const lastAt = events.length ? events[events.length - 1].at : 0;
    const horizon = stop.time ?? lastAt + 3600 * SEC;
    for (const e of events) {
      if (!this.runTo(e.at, e.step, reached)) return;
      switch (e.kind) {
        case 'line': this.submit(e.host, e.text); break;
        case 'stdin': this.feedStdin(e.host, e.text); break;
        case 'interrupt': this.interrupt(e.host); break;
        case 'edit': this.finishEdit(e.host, e.content); break;
        case 'topology': this.topology(e.op); break;
      }
    }
    if (want !== undefined) this.runTo(horizon, Infinity, reached);
  }

  /** Follow the canonical schedule up to virtual time `at` and step `step`; false if `halt()` fired. */
  private runTo(at: number, step: number, halt: () => boolean): boolean {
    for (let guard = 0; guard < 10_000_000; guard++) {
      if (halt()) return false;
      const r = this.runProcs(step, halt);
      if (r === 'budget') return false;
      if (r === 'stop' || this.steps >= step) { if (this.lab.now >= at || r === 'stop') return true; }
      if (this.procs.anyRunnable()) continue;
      const w = this.procs.wakeCondition();
      const target = Math.min(w.until ?? Infinity, at);
      if (target === Infinity) return !halt();
      const ready = w.waiting ? () => w.ready() || halt() : halt;
      this.lab.runUntil(ready, target);
      if (halt()) return false;
      if (this.lab.now >= at && !this.procs.anyRunnable()) return true;
    }
    return true;
  }
}
