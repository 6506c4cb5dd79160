/**
 * A tiny driver to run commands in tests before the bash interpreter is wired in: builds a
 * CmdContext for a lab host (stdout/stderr collected, stdin empty), runs the command's
 * coroutine and satisfies its `sim` waits with `lab.runUntil(ready, until)`.
 */
import { HostFacade } from '../../core/lab/api.ts';
import type { Lab } from '../../core/lab/lab.ts';
import { Vfs } from '../../core/fs/vfs.ts';
import type { CmdContext, Co, Command, InStream, OutStream } from '../types.ts';

export interface RunResult { out: string; err: string; code: number; /** stdout and stderr interleaved, as a terminal shows them */ all: string }

function collector(sink: (s: string) => void): OutStream {
  return { write: (s: string) => sink(s), *drain(): Co<void> { /* never blocks */ }, isTty: false };
}

const EMPTY_IN: InStream = {
  *read(): Co<string | null> { return null; },
  *readAll(): Co<string> { return ''; },
  *readLine(): Co<string | null> { return null; },
  isTty: false,
};

/** Split a command line on blanks, honouring '…' and "…" quoting (enough for tests). */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let q: string | null = null;
  for (const ch of line) {
    if (q) { if (ch === q) q = null; else cur += ch; continue; }
    if (ch === '"' || ch === "'") { q = ch; has = true; continue; }
    if (ch === ' ' || ch === '\t') { if (has || cur) out.push(cur); cur = ''; has = false; continue; }
    cur += ch;
  }
  if (has || cur) out.push(cur);
  return out;
}

/** Run `cmd` with `argv` on host `hostName` of `lab`. */
export function runCommand(lab: Lab, hostName: string, cmd: Command, argv: readonly string[], cwd = '/root'): RunResult {
  const host = lab.host(hostName);
  if (!host) throw new Error(`no host ${hostName}`);
  let out = '', err = '', all = '';
  const env = new Map<string, string>([['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/root/bin'], ['HOME', '/root']]);
  const ctx: CmdContext = {
    argv, stdin: EMPTY_IN,
    stdout: collector((s) => { out += s; all += s; }),
    stderr: collector((s) => { err += s; all += s; }),
    env: { get: (n) => env.get(n), set: (n, v) => { env.set(n, v); }, exported: () => Object.fromEntries(env) },
    cwd, fs: host.fs, host: new HostFacade(host),
    resolve: (p) => Vfs.normalize(cwd, p),
  };
  const gen = cmd.run(ctx);
  let code = 0;
  for (let steps = 0; ; steps++) {
    const r = gen.next();
    if (r.done) { code = r.value; break; }
    const w = r.value;
    if (w.kind === 'sim') {
      if (!lab.runUntil(w.ready, w.until)) { code = 130; break; }
    }
    if (steps > 1_000_000) throw new Error('command never finished');
  }
  return { out, err, code, all };
}

/** `run(lab, 'lvs', 'nmcli c s', commands)`: look the command up by argv[0]. */
export function run(lab: Lab, hostName: string, line: string, commands: Record<string, Command>): RunResult {
  const argv = splitArgs(line);
  const cmd = commands[argv[0]];
  if (!cmd) throw new Error(`no command ${argv[0]}`);
  return runCommand(lab, hostName, cmd, argv);
}
