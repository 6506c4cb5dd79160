/**
 * A real LabSession driven line by line for the robustness tests, recording what each line
 * did: exit status, stdout and stderr apart (capped), real time taken, whether the runner's
 * guards had to press Ctrl-C, and any "process crashed:" report from the process table (a
 * JavaScript exception inside a command: always a bug).
 *
 * The session's guards are those of a student who gives up: a command that computes for 150
 * CPU quanta without waiting for anything, or runs 120 s of virtual time, gets Ctrl-C.
 */
import { createLab } from '../../src/core/lab/presets.ts';
import { installPackage } from '../../src/core/services/packages.ts';
import { LabSession } from '../../src/shell/session.ts';
import { stopwatch } from './clock.ts';

export const FUZZ_PACKAGES = ['ipvsadm', 'keepalived', 'tcpdump', 'traceroute', 'conntrack-tools', 'nano', 'vim-enhanced'];

export interface LineOutcome {
  readonly host: string;
  readonly line: string;
  readonly status: number;
  readonly out: string;
  readonly err: string;
  /** Real milliseconds runLine took (clock.ts: the lab's share on a busy machine). */
  readonly ms: number;
  /** The runner's guards pressed Ctrl-C. */
  readonly interrupted: boolean;
  /** Real milliseconds from the first automatic Ctrl-C to the end of the command. */
  readonly afterInterruptMs: number;
  /** The longest single scheduler step (real ms): how long the lab could not answer a key. */
  readonly maxStepMs: number;
  /** Exceptions the process table reported ("process crashed:"), with their stacks. */
  readonly crashes: readonly string[];
  /** runLine itself threw (it never should). */
  readonly thrown: string | null;
}

const CAP = 16 * 1024;

class Capture {
  out = '';
  err = '';
  outN = 0;
  errN = 0;
  interrupted = false;
  sinceInterrupt: ReturnType<typeof stopwatch> | null = null;
  reset(): void { this.out = this.err = ''; this.outN = this.errN = 0; this.interrupted = false; this.sinceInterrupt = null; }
  add(which: 'out' | 'err', s: string): void {
    if (which === 'out') {
      if (s === '^C\n' && !this.interrupted) { this.interrupted = true; this.sinceInterrupt = stopwatch(); }
      this.outN += s.length;
      if (this.out.length < CAP) this.out += s.slice(0, CAP - this.out.length);
    } else {
      this.errN += s.length;
      if (this.err.length < CAP) this.err += s.slice(0, CAP - this.err.length);
    }
  }
}

export class FuzzLab {
  readonly session: LabSession;
  readonly hosts: string[];
  private readonly cap = new Capture();
  private current = '';

  constructor(readonly preset: string) {
    const lab = createLab(preset);
    for (const h of lab.hosts) if (!h.ext.noShell) for (const p of FUZZ_PACKAGES) installPackage(h, p);
    const cap = this.cap;
    this.session = new LabSession(lab, {
      output: (h, d) => { if (h === this.current) cap.add('out', d); },
      error: (h, d) => { if (h === this.current) cap.add('err', d); },
      prompt: () => {},
      // An editor: saves a line added to the file, or quits without saving.
      edit: (h, _path, content) => { this.session.finishEdit(h, content.length % 2 ? null : `${content}# edited\n`); },
    }, { maxIdleSteps: 150, maxCommandSeconds: 120 });
    this.hosts = this.session.shellHosts();
    const procs = this.session.procs;
    const step = procs.step.bind(procs);
    procs.step = (p) => {
      const t = stopwatch();
      step(p);
      const d = t.ms();
      if (d > this.maxStep) this.maxStep = d;
    };
  }

  private maxStep = 0;

  /** `host` if the lab has it, else the first host whose name starts alike, else the first one. */
  pick(host: string): string {
    const l = host.toLowerCase();
    return this.hosts.find((h) => h.toLowerCase() === l) ?? this.hosts.find((h) => h.toLowerCase()[0] === l[0]) ?? this.hosts[0];
  }

  run(host: string, line: string): LineOutcome {
    const h = this.pick(host);
    const lab = this.session.lab.host(h)!;
    if (!lab.powered) this.session.topology({ op: 'power', host: h, on: true });
    this.current = h;
    this.cap.reset();
    this.maxStep = 0;
    const crashes: string[] = [];
    const orig = console.error;
    console.error = (...a: unknown[]) => {
      if (a[0] === 'process crashed:') crashes.push(a[1] instanceof Error ? a[1].stack ?? String(a[1]) : String(a[1]));
      else orig(...a);
    };
    let status = -1;
    let thrown: string | null = null;
    const t0 = stopwatch();
    try {
      status = this.session.runLine(h, line);
    } catch (e) {
      thrown = e instanceof Error ? e.stack ?? e.message : String(e);
    } finally {
      console.error = orig;
    }
    const ms = t0.ms();
    this.current = '';
    return {
      host: h, line, status, out: this.cap.out, err: this.cap.err, ms, interrupted: this.cap.interrupted,
      afterInterruptMs: this.cap.sinceInterrupt?.ms() ?? 0, maxStepMs: this.maxStep, crashes, thrown,
    };
  }
}
