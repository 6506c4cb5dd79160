/**
 * A tiny driver for testing the system commands on a real lab, before (and without) the
 * bash interpreter: build a CmdContext for a host of `createLab(preset)`, run a command's
 * coroutine, satisfy its `sim` waits with `lab.runUntil(ready, until)`, collect stdout and
 * stderr (and both interleaved, as a terminal shows them).
 */
import { Vfs } from '../../core/fs/vfs.ts';
import { HostFacade } from '../../core/lab/api.ts';
import type { Lab } from '../../core/lab/lab.ts';
import { createLab } from '../../core/lab/presets.ts';
import { ShellSignal, type CmdContext, type Co, type Command, type OutStream } from '../types.ts';
import { envOf, splitWords, stringIn } from './testkit.ts';
import { systemCommands } from './system.ts';

export interface SysRun {
  stdout: string;
  stderr: string;
  /** stdout and stderr in the order written. */
  all: string;
  status: number;
  /** The ShellSignal the command ended with (PowerSignal for reboot), if any. */
  signal?: ShellSignal;
}

export interface SysRunOpts {
  stdin?: string;
  tty?: boolean;
  cols?: number;
  cwd?: string;
  maxSteps?: number;
}

export class SysKit {
  readonly lab: Lab;
  readonly registry: Map<string, Command>;

  constructor(preset: string | Lab = 'nat', commands: readonly Command[] = systemCommands) {
    this.lab = typeof preset === 'string' ? createLab(preset) : preset;
    this.registry = new Map(commands.map((c) => [c.name, c]));
  }

  host(name: string) {
    const h = this.lab.host(name);
    if (!h) throw new Error(`no host ${name}`);
    return h;
  }

  /** Run `line` (split into words, no expansion) on host `hostName`. */
  run(hostName: string, line: string | string[], o: SysRunOpts = {}): SysRun {
    const argv = typeof line === 'string' ? splitWords(line) : line;
    const cmd = this.registry.get(argv[0]);
    if (!cmd) throw new Error(`no command ${argv[0]}`);
    const h = this.host(hostName);
    let all = '';
    const stream = (isTty: boolean): OutStream & { text: string } => {
      const s = {
        text: '',
        isTty,
        write(x: string) { s.text += x; all += x; },
        *drain(): Co<void> { /* never blocks */ },
      };
      return s;
    };
    const out = stream(!!o.tty);
    const err = stream(!!o.tty);
    const cwd = o.cwd ?? '/root';
    const ctx: CmdContext = {
      argv,
      stdin: stringIn(o.stdin ?? ''),
      stdout: out,
      stderr: err,
      env: envOf({ PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin', HOME: '/root', LANG: 'en_US.UTF-8', PWD: cwd }),
      cwd,
      fs: h.fs,
      host: new HostFacade(h),
      tty: o.tty ? { cols: o.cols ?? 80, rows: 24 } : undefined,
      resolve: (p: string) => Vfs.normalize(cwd, p),
    };
    const co = cmd.run(ctx);
    let status = 0;
    let signal: ShellSignal | undefined;
    let steps = 0;
    try {
      for (;;) {
        const r = co.next();
        if (r.done) { status = r.value; break; }
        if (++steps > (o.maxSteps ?? 1_000_000)) throw new Error(`${argv.join(' ')}: did not finish`);
        const w = r.value;
        if (w.kind === 'sim') {
          if (!this.lab.runUntil(w.ready, w.until)) throw new Error(`${argv.join(' ')}: waits for something that never happens`);
        }
      }
    } catch (e) {
      if (!(e instanceof ShellSignal)) throw e;
      signal = e;
      status = e.status;
    }
    return { stdout: out.text, stderr: err.text, all, status, signal };
  }

  /** Let `seconds` of virtual time pass. */
  sleep(seconds: number): void {
    this.lab.runUntil(undefined, this.lab.now + seconds * 1_000_000);
  }
}
