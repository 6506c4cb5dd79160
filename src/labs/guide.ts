/**
 * Following a guide: `GuideRun` tracks which steps of a guide are done in a running lab.
 *
 * Steps are done in order. `update()` evaluates the current step's check against the lab
 * (state and traffic, never the typed text); when it holds, the step is done — it stays done,
 * with the frame number and virtual time it was completed at — and the next step is
 * evaluated at once, so one update can complete several steps whose state is already there.
 *
 * A traffic check of step k looks at the frames since step k-1 was completed. When step
 * k-1 was completed by this very update, the run only knows that it became true somewhere
 * since the previous update (one command line may both finish step k-1 and send step k's
 * traffic: `ipvsadm -E ... -p 300; curl ...`), so if the check fails on that window it is
 * tried once more on the frames since the previous update — but never on frames from before
 * the last completed step that itself checked traffic, so one step's traffic is not counted
 * twice.
 *
 * Call `update()` whenever the lab may have changed: after each command finishes (the
 * prompt comes back), after a topology operation, and every so often while a long command
 * runs. Evaluation is cheap (a few table lookups, or one pass over the new frames).
 *
 * Time travel: `rewind(frame)` forgets the steps completed after that frame; with
 * `rebind(lab)` the run follows the replayed lab (the lab is deterministic, so the frames
 * and times recorded for the earlier steps are the same there).
 */
import type { Lab } from '../core/lab/lab.ts';
import type { LabSession } from '../shell/session.ts';
import { evaluate, resolveText, type EvalContext } from './checks.ts';
import type { Action, Bi, Check, CheckResult, Guide, Lang, Step } from './types.ts';

export interface StepStatus {
  readonly id: string;
  readonly index: number;
  readonly state: 'done' | 'current' | 'todo';
  /** When it was completed: the capture's last frame number then, and the virtual time (µs). */
  readonly doneAt?: { readonly frame: number; readonly time: number };
  /** The latest evaluation (the current step), or the one that completed it. */
  readonly result?: CheckResult;
}

export interface GuideProgress {
  readonly guide: string;
  readonly steps: readonly StepStatus[];
  /** Index of the current step (steps.length when the guide is complete). */
  readonly current: number;
  readonly complete: boolean;
  readonly done: number;
  readonly total: number;
}

/** When a step was completed (capture and clock), and at which update. */
interface Done {
  frame: number;
  time: number;
  /** The capture and clock at the update before the one that completed it. */
  pollFrame: number;
  pollTime: number;
  /** Does its check read traffic? */
  traffic: boolean;
  result?: CheckResult;
  /** The update that completed it (not serialized). */
  update?: number;
}

/** Serializable progress, to keep across reloads. */
export interface GuideRunState {
  readonly guide: string;
  readonly done: readonly { readonly frame: number; readonly time: number; readonly pollFrame: number; readonly pollTime: number; readonly traffic: boolean }[];
}

export class GuideRun {
  private lab: Lab;
  private readonly doneAt: Done[] = [];
  /** The capture and clock at the previous update(). */
  private lastPoll: { frame: number; time: number };
  private updates = 0;
  private last: CheckResult | undefined;
  /** Where the window of the first step starts (the capture when the run began). */
  private readonly startFrame: number;
  private readonly startTime: number;

  /** Follow `guide` in a lab (or a LabSession's lab); `state` restores saved progress. */
  constructor(readonly guide: Guide, lab: Lab | { readonly lab: Lab }, state?: GuideRunState) {
    lab = 'capture' in lab ? lab : lab.lab;
    this.lab = lab;
    this.startFrame = lab.capture.lastNo + 1;
    this.startTime = lab.now;
    this.lastPoll = { frame: lab.capture.lastNo, time: lab.now };
    if (state && state.guide === guide.id) for (const d of state.done.slice(0, guide.steps.length)) this.doneAt.push({ ...d });
  }

  /** Follow another Lab (time travel replaced it). */
  rebind(lab: Lab): void { this.lab = lab; this.last = undefined; }

  get current(): number { return this.doneAt.length; }
  get complete(): boolean { return this.doneAt.length >= this.guide.steps.length; }

  /**
   * The evaluation context of step `i`: its traffic window starts where step i-1 was
   * completed; `loose`: since the update before the one that completed step i-1, but never
   * before the completion of the last traffic step (i-1 included).
   */
  contextOf(i: number, loose = false): EvalContext {
    const prev = i > 0 ? this.doneAt[i - 1] : undefined;
    if (!prev) return { vars: this.guide.vars, stepFrom: this.startFrame, stepTime: this.startTime };
    if (!loose) return { vars: this.guide.vars, stepFrom: prev.frame + 1, stepTime: prev.time };
    let floor = this.startFrame, floorTime = this.startTime;
    for (let j = i - 1; j >= 0; j--) {
      if (this.doneAt[j].traffic) { floor = this.doneAt[j].frame + 1; floorTime = this.doneAt[j].time; break; }
    }
    return { vars: this.guide.vars, stepFrom: Math.max(prev.pollFrame + 1, floor), stepTime: Math.max(prev.pollTime, floorTime) };
  }

  /** Evaluate step `i`'s check now (for any step: the UI may preview a later one). */
  evaluateStep(i: number, loose = false): CheckResult {
    const s = this.guide.steps[i];
    if (!s.check) return { ok: true, detail: 'nothing to check', detailZh: '无需检查' };
    return evaluate(this.lab, s.check, this.contextOf(i, loose));
  }

  /** Evaluate from the current step on; completes every step that holds, in order. */
  update(): GuideProgress {
    this.last = undefined;
    const u = ++this.updates;
    while (!this.complete) {
      const i = this.current;
      let r = this.evaluateStep(i);
      const prev = this.doneAt[i - 1];
      if (!r.ok && prev && prev.update === u) {
        const again = this.evaluateStep(i, true);
        if (again.ok) r = again;
      }
      if (!r.ok) { this.last = r; break; }
      const s = this.guide.steps[i];
      this.doneAt.push({
        frame: this.lab.capture.lastNo, time: this.lab.now, pollFrame: this.lastPoll.frame, pollTime: this.lastPoll.time,
        traffic: !!s.check && usesTraffic(s.check), result: r, update: u,
      });
    }
    this.lastPoll = { frame: this.lab.capture.lastNo, time: this.lab.now };
    return this.progress();
  }

  progress(): GuideProgress {
    const steps = this.guide.steps.map((s, i): StepStatus => {
      const d = this.doneAt[i];
      if (d) return { id: s.id, index: i, state: 'done', doneAt: { frame: d.frame, time: d.time }, result: d.result };
      if (i === this.current) return { id: s.id, index: i, state: 'current', result: this.last };
      return { id: s.id, index: i, state: 'todo' };
    });
    return { guide: this.guide.id, steps, current: this.current, complete: this.complete, done: this.doneAt.length, total: this.guide.steps.length };
  }

  /** Forget steps completed after capture frame `frame` (time travel to that frame). */
  rewind(frame: number): void {
    while (this.doneAt.length && this.doneAt[this.doneAt.length - 1].frame > frame) this.doneAt.pop();
    const last = this.doneAt[this.doneAt.length - 1];
    this.lastPoll = last ? { frame: last.frame, time: last.time } : { frame: this.startFrame - 1, time: this.startTime };
    this.last = undefined;
  }

  /** Start again from the first step. */
  reset(): void { this.doneAt.length = 0; this.last = undefined; this.lastPoll = { frame: this.lab.capture.lastNo, time: this.lab.now }; }

  state(): GuideRunState {
    return { guide: this.guide.id, done: this.doneAt.map(({ frame, time, pollFrame, pollTime, traffic }) => ({ frame, time, pollFrame, pollTime, traffic })) };
  }

  // ---- text for the UI -------------------------------------------------------------------------

  step(i: number): Step { return this.guide.steps[i]; }
  title(i: number, lang: Lang): string { return this.text(this.guide.steps[i].title, lang); }
  explain(i: number, lang: Lang): string { return this.text(this.guide.steps[i].explain, lang); }
  hint(i: number, lang: Lang): string { return this.text(this.guide.steps[i].hint, lang); }

  /** A Bi text in one language, with `{{VAR}}` placeholders filled in. */
  text(t: Bi, lang: Lang): string { return resolveText(this.lab, t[lang], this.guide.vars); }

  /** What "show me" does for step `i`, in order, placeholders filled in. */
  showMe(i: number): Action[] { return showMeActions(this.guide, this.guide.steps[i], this.lab); }
}

const TRAFFIC_KINDS = new Set(['answers', 'sticky', 'frames', 'drops', 'rewrite', 'decisions']);

/** Does a check (or a part of it) read the traffic (or the scheduling decisions traffic causes)? */
export function usesTraffic(c: Check): boolean {
  const [k, v] = Object.entries(c)[0] as [string, unknown];
  if (k === 'all' || k === 'any') return (v as Check[]).some(usesTraffic);
  if (k === 'not') return usesTraffic(v as Check);
  return TRAFFIC_KINDS.has(k);
}

/** The actions of a step: its `sequence`, or its `commands` host by host. */
export function showMeActions(guide: Guide, step: Step, lab?: Lab): Action[] {
  const fill = (s: string) => (lab ? resolveText(lab, s, guide.vars) : fillVars(s, guide.vars));
  if (step.sequence) return step.sequence.map((a) => ('run' in a ? { host: a.host, run: fill(a.run) } : a));
  const out: Action[] = [];
  for (const [host, lines] of Object.entries(step.commands ?? {})) for (const l of lines) out.push({ host, run: fill(l) });
  return out;
}

/** The commands of a step per host (for per-terminal "show me" buttons). */
export function commandsByHost(guide: Guide, step: Step, lab?: Lab): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const a of showMeActions(guide, step, lab)) if ('run' in a) m.set(a.host, [...(m.get(a.host) ?? []), a.run]);
  return m;
}

function fillVars(s: string, vars: Readonly<Record<string, string>> = {}): string {
  return s.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (w, n: string) => (Object.hasOwn(vars, n) ? vars[n] : w));
}

/**
 * Headless "show me": type the actions into the session's terminals, one after the other,
 * each to completion (as the runner does), with the few milliseconds between commands a
 * person would take. Returns the exit status of each command (null for topology actions).
 */
export function runActions(session: LabSession, actions: readonly Action[], after?: () => void): (number | null)[] {
  const out: (number | null)[] = [];
  for (const a of actions) {
    if ('run' in a) out.push(session.runLine(a.host, a.run));
    else { session.topology(a.topology); out.push(null); }
    session.settle();
    after?.();
  }
  return out;
}
