/**
 * `bash`, `sh` and `which` as Command objects (the programs /usr/bin/bash, /usr/bin/sh and
 * /usr/bin/which), so `bash script.sh`, `bash -c '...'`, `ls | bash`, `sh -x run.sh` and
 * `which bash` work like any other command. A child bash is a new, non-interactive shell
 * that inherits only the exported environment and the current directory, as after exec(2).
 *
 * With no script and a terminal on stdin, `bash` starts a nested interactive shell that
 * reads lines from the terminal (prompting with PS1/PS2 on stderr) until `exit` or EOF.
 */
import type { ProcTable } from '../proc.ts';
import type { CmdContext, Co, Command, CommandRegistry } from '../types.ts';
import { ShellSignal } from '../types.ts';
import { AbortEx, ExitEx, trampoline } from './control.ts';
import type { Run } from './control.ts';
import { Interp, expandPromptString, type World } from './exec.ts';
import { whichOutput } from './builtins.ts';
import { isCompleteSource } from './parser.ts';
import { Attr } from './vars.ts';
import { RHEL_PROFILE_ALIASES, RHEL_ROOT_ALIASES } from './aliases.ts';

export interface ShellCommandDeps {
  /** The registry child shells look commands up in (a getter: the registry may be built later). */
  registry: () => CommandRegistry;
  procs: ProcTable;
  /** Commands to use when the registry lacks them (normally these very commands). */
  own?: () => Map<string, Command>;
}

function worldFor(ctx: CmdContext, deps: ShellCommandDeps): World {
  return {
    fs: ctx.fs, host: ctx.host, registry: deps.registry(), procs: deps.procs, tty: ctx.tty,
    termIn: ctx.stdin, termOut: ctx.stdout, termErr: ctx.stderr, own: deps.own?.() ?? new Map(),
  };
}

const SHORT_OPTS: Record<string, keyof Interp['opts']> = {
  x: 'xtrace', e: 'errexit', u: 'nounset', v: 'verbose', n: 'noexec', f: 'noglob', C: 'noclobber', a: 'allexport',
};

/** /usr/bin/bash (and /usr/bin/sh when `name` is 'sh'). */
export function makeBashCommand(name: 'bash' | 'sh', deps: ShellCommandDeps): Command {
  return {
    name,
    path: `/usr/bin/${name}`,
    run(ctx: CmdContext): Co<number> {
      return trampoline(runBash(name, ctx, deps));
    },
  };
}

function* runBash(name: string, ctx: CmdContext, deps: ShellCommandDeps): Run<number> {
  const args = ctx.argv.slice(1);
  const w = worldFor(ctx, deps);
  const info = deps.procs.fork(ctx.host, null, name);
  if (!info) {
    ctx.stderr.write(`${name}: fork: retry: Resource temporarily unavailable\n${name}: fork: Resource temporarily unavailable\n`);
    return 126;
  }
  const sh = new Interp(w, false, info.pid);
  sh.proc = info;
  sh.cwd = ctx.cwd;
  sh.arg0 = name;
  const env = ctx.env.exported();
  for (const [k, v] of Object.entries(env)) {
    const vv = sh.vars.writable(k)!;
    vv.value = v;
    vv.attrs = Attr.EXPORT;
  }
  const lvl = Number(env.SHLVL ?? '0');
  sh.setVar('SHLVL', String((Number.isFinite(lvl) ? lvl : 0) + 1), { export: true });
  sh.initShellVars();
  sh.setVar('PWD', ctx.cwd, { export: true });

  let cmdString: string | undefined;
  let readStdin = false;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === '--') { i++; break; }
    if (a === '--version') {
      ctx.stdout.write('GNU bash, version 5.1.8(1)-release (x86_64-redhat-linux-gnu)\nCopyright (C) 2020 Free Software Foundation, Inc.\nLicense GPLv3+: GNU GPL version 3 or later <http://gnu.org/licenses/gpl.html>\n\nThis is free software; you are free to change and redistribute it.\nThere is NO WARRANTY, to the extent permitted by law.\n');
      deps.procs.release(info);
      return 0;
    }
    if (a === '--norc' || a === '--noprofile' || a === '--login' || a === '--posix' || a === '--noediting') continue;
    if (a === '-o' || a === '+o') {
      const o = args[++i];
      const k = o === 'pipefail' ? 'pipefail' : o === 'errexit' ? 'errexit' : o === 'nounset' ? 'nounset' : o === 'xtrace' ? 'xtrace' : null;
      if (k) sh.opts[k] = a === '-o';
      continue;
    }
    if (/^[-+][A-Za-z]+$/.test(a)) {
      for (const c of a.slice(1)) {
        if (c === 'c') cmdString = '';
        else if (c === 's') readStdin = true;
        else if (c === 'i' || c === 'l') { /* accepted */ } else if (SHORT_OPTS[c]) sh.opts[SHORT_OPTS[c]] = a[0] === '-';
        else {
          ctx.stderr.write(`${name}: ${a[0]}${c}: invalid option\nUsage:\t${name} [GNU long option] [option] ...\n\t${name} [GNU long option] [option] script-file ...\n`);
          deps.procs.release(info);
          return 2;
        }
      }
      continue;
    }
    break;
  }
  const rest = args.slice(i);
  let st: number;
  try {
    if (cmdString !== undefined) {
      if (!rest.length) {
        ctx.stderr.write(`${name}: -c: option requires an argument\n`);
        deps.procs.release(info);
        return 2;
      }
      sh.cmdMode = true;
      if (rest.length > 1) { sh.arg0 = rest[1]; sh.pos = rest.slice(2); }
      st = yield* sh.runScript(rest[0]);
    } else if (rest.length && !readStdin) {
      const file = rest[0];
      const p = ctx.resolve(file);
      let text: string;
      try {
        if (ctx.fs.stat(p).kind === 'dir') {
          ctx.stderr.write(`${name}: ${file}: Is a directory\n`);
          deps.procs.release(info);
          return 126;
        }
        text = ctx.fs.readFile(p);
      } catch {
        ctx.stderr.write(`${name}: ${file}: No such file or directory\n`);
        deps.procs.release(info);
        return 127;
      }
      if (text.startsWith('\x7fELF')) {
        ctx.stderr.write(`${file}: ${file}: cannot execute binary file\n`);
        deps.procs.release(info);
        return 126;
      }
      sh.scriptFile = file;
      sh.arg0 = file;
      sh.pos = rest.slice(1);
      st = yield* sh.runScript(text);
    } else if (ctx.stdin.isTty && !readStdin) {
      st = yield* interactiveLoop(sh, ctx);
      deps.procs.release(info);
    } else {
      // Script on standard input (`ls | bash`, `bash -s args < file`)
      sh.pos = rest;
      const text = yield* ctx.stdin.readAll();
      st = yield* sh.runScript(text);
    }
  } catch (e) {
    deps.procs.release(info);
    throw e;
  }
  return st;
}

/** A nested interactive bash reading the terminal line by line. */
function* interactiveLoop(sh: Interp, ctx: CmdContext): Run<number> {
  sh.interactive = true;
  sh.opts.expandAliases = true;
  // What RHEL's ~/.bashrc and /etc/bashrc give every interactive bash.
  if (sh.special('PS1') === undefined) sh.setVar('PS1', '[\\u@\\h \\W]\\$ ');
  for (const [k, v] of Object.entries({ ...RHEL_PROFILE_ALIASES, ...RHEL_ROOT_ALIASES })) sh.aliases.set(k, v);
  for (;;) {
    ctx.stderr.write(expandPromptString(sh, sh.special('PS1') ?? ''));
    let src = yield* ctx.stdin.readLine();
    if (src === null) { ctx.stderr.write('exit\n'); return sh.status; }
    while (!isCompleteSource(src, sh.aliases)) {
      ctx.stderr.write(sh.special('PS2') ?? '> ');
      const more = yield* ctx.stdin.readLine();
      if (more === null) break;
      src += '\n' + more;
    }
    try {
      yield* sh.runSource(src);
    } catch (e) {
      if (e instanceof ExitEx) {
        ctx.stderr.write('exit\n');
        return yield* sh.runExitTrap(e.status);
      }
      if (e instanceof AbortEx) { sh.status = e.status; continue; }
      if (e instanceof ShellSignal && e.sig === 'INT') { sh.status = 130; continue; }
      throw e;
    }
  }
}

/** /usr/bin/which (GNU which: searches $PATH only). */
export function makeWhichCommand(deps: ShellCommandDeps): Command {
  return {
    name: 'which',
    path: '/usr/bin/which',
    *run(ctx: CmdContext): Co<number> {
      const w = worldFor(ctx, deps);
      const sh = new Interp(w, false, 0);
      sh.cwd = ctx.cwd;
      const path = ctx.env.get('PATH');
      if (path !== undefined) sh.vars.writable('PATH')!.value = path;
      const args = ctx.argv.slice(1);
      if (!args.filter((a) => !a.startsWith('-')).length) {
        ctx.stderr.write('Usage: /usr/bin/which [options] [--] COMMAND [...]\n');
        return 1;
      }
      const r = whichOutput(sh, args);
      ctx.stdout.write(r.out);
      ctx.stderr.write(r.err);
      return r.status;
    },
  };
}

/** bash, sh and which, sharing `deps`. */
export function createShellCommands(deps: ShellCommandDeps): Map<string, Command> {
  const m = new Map<string, Command>();
  const d: ShellCommandDeps = { ...deps, own: deps.own ?? (() => m) };
  m.set('bash', makeBashCommand('bash', d));
  m.set('sh', makeBashCommand('sh', d));
  m.set('which', makeWhichCommand(d));
  return m;
}
