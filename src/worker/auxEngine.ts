/**
 * The auxiliary worker's core, independent of `self` (like engine.ts): runs one bench at a
 * time in slices of SLICE_MS, so a cancel or a new request is handled between two slices,
 * and answers four-mode comparisons (computed once, then kept: the labs are always the same).
 */
import { compareModes, type ModesComparison } from '../labs/modes.ts';
import type { FromAux, ToAux } from './auxProtocol.ts';
import { BenchJob } from './benchRunner.ts';

const SLICE_MS = 30;
const POST_EVERY_MS = 150;

export interface AuxHost {
  post(msg: FromAux): void;
  /** Run `fn` after pending messages. */
  soon(fn: () => void): void;
  now(): number;
}

export class AuxEngine {
  private job: { id: number; job: BenchJob; lastPost: number; lastIndex: number } | null = null;
  private scheduled = false;
  private modes: ModesComparison | null = null;

  constructor(private readonly host: AuxHost) {}

  handle(m: ToAux): void {
    switch (m.t) {
      case 'bench': {
        if (this.job) this.finish(true);
        const job = new BenchJob(m.req, { now: () => this.host.now() });
        this.job = { id: m.id, job, lastPost: -Infinity, lastIndex: 0 };
        job.runs.forEach((run, index) => this.host.post({ t: 'bench', id: m.id, index, run }));
        this.kick();
        break;
      }
      case 'cancel':
        if (this.job?.id === m.id) this.finish(true);
        break;
      case 'modes':
        try {
          this.modes ??= compareModes();
          this.host.post({ t: 'modes', id: m.id, result: this.modes });
        } catch (e) {
          this.host.post({ t: 'modes', id: m.id, result: null, error: e instanceof Error ? e.message : String(e) });
        }
        break;
    }
  }

  private kick(): void {
    if (this.scheduled || !this.job) return;
    this.scheduled = true;
    this.host.soon(() => { this.scheduled = false; this.slice(); });
  }

  private slice(): void {
    const j = this.job;
    if (!j) return;
    const done = j.job.step(SLICE_MS);
    const now = this.host.now();
    const cur = j.job.current;
    // A run that finished is posted at once (its summary), the running one every POST_EVERY_MS.
    for (let i = j.lastIndex; i < cur; i++) this.host.post({ t: 'bench', id: j.id, index: i, run: j.job.runs[i] });
    if (done || cur !== j.lastIndex || now - j.lastPost >= POST_EVERY_MS) {
      j.lastPost = now;
      this.host.post({ t: 'bench', id: j.id, index: cur, run: j.job.runs[cur] });
    }
    j.lastIndex = cur;
    if (done) this.finish(false);
    else this.kick();
  }

  private finish(cancelled: boolean): void {
    const j = this.job!;
    if (cancelled) j.job.cancelled = true;
    this.job = null;
    this.host.post({ t: 'benchDone', id: j.id, cancelled });
  }
}
