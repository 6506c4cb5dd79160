/**
 * The job table of one shell: background jobs (`cmd &`), their `[N]+` numbering and the
 * `jobs` / "Done" lines in bash's exact layout (`[1]+  Running                 sleep 10 &`).
 * Numbers are reused as bash does: a new job gets one more than the highest live number.
 */
import type { Proc } from '../proc.ts';

export interface Job {
  readonly id: number;
  readonly proc: Proc;
  readonly pid: number;
  /** The command as bash prints it (without the trailing ` &`). */
  readonly text: string;
  /** Done and already reported. */
  reported: boolean;
}

const SIGTEXT: Record<number, string> = {
  129: 'Hangup', 130: 'Interrupt', 131: 'Quit', 134: 'Aborted', 137: 'Killed', 139: 'Segmentation fault',
  141: 'Broken pipe', 143: 'Terminated', 148: 'Stopped',
};

export function jobStatusText(p: Proc): string {
  if (!p.done) return 'Running';
  const st = p.status;
  if (p.termSig && SIGTEXT[st]) return SIGTEXT[st];
  if (st === 0) return 'Done';
  return `Exit ${st}`;
}

export class Jobs {
  list: Job[] = [];
  private order: Job[] = []; // most recent last (for + and -)

  add(proc: Proc, text: string): Job {
    const id = this.list.reduce((m, j) => Math.max(m, j.id), 0) + 1;
    const job: Job = { id, proc, pid: proc.pid, text, reported: false };
    this.list.push(job);
    this.order.push(job);
    return job;
  }

  remove(job: Job): void {
    this.list = this.list.filter((j) => j !== job);
    this.order = this.order.filter((j) => j !== job);
  }

  current(): Job | undefined { return this.order[this.order.length - 1]; }
  previous(): Job | undefined { return this.order[this.order.length - 2]; }

  marker(job: Job): string {
    if (job === this.current()) return '+';
    if (job === this.previous()) return '-';
    return ' ';
  }

  /** `[1]+  Running                 sleep 10 &` */
  format(job: Job, withPid = false): string {
    const st = jobStatusText(job.proc);
    const amp = job.proc.done ? '' : ' &';
    const pid = withPid ? `${job.pid} ` : '';
    return `[${job.id}]${this.marker(job)}  ${pid}${st.padEnd(24)}${job.text}${amp}`;
  }

  /** Resolve a job spec: %N, %%, %+, %-, %name, %?text. */
  find(spec: string): Job | undefined {
    const s = spec.startsWith('%') ? spec.slice(1) : spec;
    if (s === '' || s === '%' || s === '+') return this.current();
    if (s === '-') return this.previous();
    if (/^[0-9]+$/.test(s)) return this.list.find((j) => j.id === Number(s));
    if (s.startsWith('?')) return this.list.find((j) => j.text.includes(s.slice(1)));
    return this.list.find((j) => j.text.startsWith(s));
  }

  byPid(pid: number): Job | undefined { return this.list.find((j) => j.pid === pid); }

  /** Lines for jobs that finished since the last report (and drops them). */
  takeDone(): string[] {
    const out: string[] = [];
    const done = this.list.filter((j) => j.proc.done);
    for (const j of done) out.push(this.format(j));
    for (const j of done) this.remove(j);
    return out;
  }
}
