/**
 * A tiny driver for running commands on a lab host in tests, before the bash interpreter is
 * wired in: it builds a CmdContext on the host (HostFacade), collects stdout/stderr, and
 * satisfies the coroutine's `sim` waits with `lab.runUntil(ready, until)` — so a `curl` really
 * goes through the simulated network. Lines are split into words (quotes only, no expansion).
 */
import { HostFacade } from '../../core/lab/api.ts';
import type { Lab } from '../../core/lab/lab.ts';
import { installPackage } from '../../core/services/packages.ts';
import { Vfs } from '../../core/fs/vfs.ts';
import type { CmdContext, Command } from '../types.ts';
import { ShellSignal } from '../types.ts';
import { collect, envOf, splitWords, stringIn } from './testkit.ts';
import { ipvsadmCommands } from './ipvsadm.ts';
import { curlCommand } from './net/curl.ts';
import { sysctlCommand } from './net/sysctl.ts';
import { ipCommand } from './net/ip.ts';

const REGISTRY = new Map<string, Command>([...ipvsadmCommands, curlCommand, sysctlCommand, ipCommand].map((c) => [c.name, c]));

export interface Ran { stdout: string; stderr: string; status: number; /** stdout and stderr in the order written */ output: string }

/** Run argv (argv[0] names one of the registered commands) on `hostName`. */
export function runArgv(lab: Lab, hostName: string, argv: string[], o: { stdin?: string } = {}): Ran {
  const h = lab.host(hostName);
  if (!h) throw new Error(`no host ${hostName}`);
  const cmd = REGISTRY.get(argv[0].replace(/^.*\//, ''));
  if (!cmd) throw new Error(`no command ${argv[0]}`);
  const out = collect();
  const err = collect();
  let output = '';
  const tee = (c: ReturnType<typeof collect>) => ({ ...c, write(s: string) { c.write(s); output += s; } });
  const host = new HostFacade(h);
  const ctx: CmdContext = {
    argv, stdin: stringIn(o.stdin ?? ''), stdout: tee(out), stderr: tee(err),
    env: envOf({ PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin', HOME: '/root', LANG: 'en_US.UTF-8' }),
    cwd: '/root', fs: h.fs, host, resolve: (p) => Vfs.normalize('/root', p),
  };
  const co = cmd.run(ctx);
  let status: number;
  try {
    for (;;) {
      const r = co.next();
      if (r.done) { status = r.value; break; }
      const w = r.value;
      if (w.kind === 'sim') {
        const ok = lab.runUntil(w.ready, w.until);
        if (!ok && !w.ready?.()) throw new Error(`${argv.join(' ')}: waits for something that can never happen`);
      }
    }
  } catch (e) {
    if (!(e instanceof ShellSignal)) throw e;
    status = e.status;
  }
  return { stdout: out.text, stderr: err.text, status, output };
}

/** Run a command line on a host: `sh(lab, 'lvs', 'ipvsadm -Ln')`. */
export function sh(lab: Lab, hostName: string, line: string, o: { stdin?: string } = {}): Ran {
  return runArgv(lab, hostName, splitWords(line), o);
}

/** Run several lines; throws on the first nonzero status (for setup). */
export function setup(lab: Lab, hostName: string, lines: string[]): void {
  for (const l of lines) {
    const r = sh(lab, hostName, l);
    if (r.status !== 0) throw new Error(`${hostName}# ${l}\n${r.output}(exit ${r.status})`);
  }
}

/** `dnf install ipvsadm -y` without the transcript. */
export function installIpvsadm(lab: Lab, hostName = 'lvs'): void {
  installPackage(lab.host(hostName)!, 'ipvsadm');
}
