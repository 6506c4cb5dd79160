/**
 * Test driver for iptables and friends before (and independently of) the bash interpreter:
 * runs a Command's coroutine on a lab host with collected stdout/stderr, satisfying `sim`
 * waits with lab.runUntil, and splits simple command lines (quotes, no expansion) into argv.
 * Test-only; imports shell types but nothing in the core depends on it.
 */
import { HostFacade } from '../lab/api.ts';
import type { Lab } from '../lab/lab.ts';
import type { CmdContext, Co, Command, EnvApi, InStream, OutStream, Wait } from '../../shell/types.ts';

export interface RunResult { stdout: string; stderr: string; status: number }

function collector(): OutStream & { text: string } {
  const o = {
    text: '',
    isTty: false,
    write(s: string) { o.text += s; },
    *drain(): Co<void> { /* never blocks */ },
  };
  return o;
}

function stringIn(text: string): InStream {
  let done = false;
  let pos = 0;
  return {
    isTty: false,
    *read() { if (done) return null; done = true; return text || null; },
    *readAll() { done = true; return text; },
    *readLine() {
      if (pos >= text.length) return null;
      const i = text.indexOf('\n', pos);
      const l = i < 0 ? text.slice(pos) : text.slice(pos, i);
      pos = i < 0 ? text.length : i + 1;
      return l;
    },
  };
}

/** Run one command on a host of the lab. */
export function runCommand(lab: Lab, hostName: string, cmd: Command, argv: readonly string[], stdin = ''): RunResult {
  const h = lab.host(hostName);
  if (!h) throw new Error(`no host ${hostName}`);
  const out = collector();
  const err = collector();
  const vars = new Map<string, string>();
  const env: EnvApi = { get: (n) => vars.get(n), set: (n, v) => { vars.set(n, v); }, exported: () => Object.fromEntries(vars) };
  const ctx: CmdContext = {
    argv, stdin: stringIn(stdin), stdout: out, stderr: err, env, cwd: '/root', fs: h.fs,
    host: new HostFacade(h),
    resolve: (p) => (p.startsWith('/') ? p : `/root/${p}`),
  };
  const gen = cmd.run(ctx);
  let guard = 0;
  for (;;) {
    const r = gen.next();
    if (r.done) return { stdout: out.text, stderr: err.text, status: r.value };
    const w = r.value as Wait;
    if (w.kind === 'sim') {
      const ok = lab.runUntil(w.ready, w.until);
      if (!ok && !w.ready?.()) throw new Error('simulation stalled');
    }
    if (++guard > 1e7) throw new Error('runaway command');
  }
}

/** Split a simple command line: whitespace, single and double quotes, backslash. */
export function splitWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let have = false;
  let q: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (q) {
      if (ch === q) { q = null; continue; }
      if (q === '"' && ch === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) { cur += line[++i]; continue; }
      cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") { q = ch; have = true; continue; }
    if (ch === '\\' && i + 1 < line.length) { cur += line[++i]; have = true; continue; }
    if (/\s/.test(ch)) { if (have) { out.push(cur); cur = ''; have = false; } continue; }
    cur += ch;
    have = true;
  }
  if (have) out.push(cur);
  return out;
}

/** A tiny shell: `sh(lab, 'lvs', 'iptables -L -n')` with the given commands available. */
export function makeSh(commands: readonly Command[]) {
  const byName = new Map(commands.map((c) => [c.name, c]));
  return (lab: Lab, host: string, line: string, stdin = ''): RunResult => {
    const argv = splitWords(line);
    const c = byName.get(argv[0]);
    if (!c) return { stdout: '', stderr: `bash: ${argv[0]}: command not found\n`, status: 127 };
    return runCommand(lab, host, c, argv, stdin);
  };
}
