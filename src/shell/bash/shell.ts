/**
 * The interactive bash of one host terminal: a RHEL 9 root login shell (bash 5.1.8).
 *
 * State (variables, functions, aliases, options, cwd, `$?`, jobs, history) persists between
 * `execute()` calls, as between lines typed at a prompt. `execute()` returns a coroutine the
 * terminal's driver steps (see ../proc.ts); Ctrl-C is `gen.throw(new ShellSignal('INT'))`,
 * after which the shell reports status 130 and is ready for the next line (the terminal
 * echoes `^C` itself). Finished background jobs are reported (`[1]+  Done ...`) at the end of
 * each `execute()`, i.e. just before the next prompt.
 *
 * The terminal asks `isComplete()` whether to show the `> ` continuation prompt, `prompt()`
 * for PS1, and `complete()` for Tab. Typed input for a running program (`read`) goes to
 * `stdin.feed()`.
 */
import type { Vfs } from '../../core/fs/vfs.ts';
import type { HostApi } from '../../core/lab/api.ts';
import { ProcTable } from '../proc.ts';
import type { Co, Command, CommandRegistry, EnvApi, InStream, OutStream, TtyApi } from '../types.ts';
import { ShellSignal } from '../types.ts';
import { createShellCommands } from './commands.ts';
import { complete, type Completer, type Completion } from './complete.ts';
import { AbortEx, ExitEx, trampoline } from './control.ts';
import type { Run } from './control.ts';
import { Interp, expandPromptString, type World } from './exec.ts';
import { isCompleteSource } from './parser.ts';
import { TermIn, TermOut } from './streams.ts';
import { Attr, scalarOf } from './vars.ts';
import { RHEL_ROOT_ALIASES } from './aliases.ts';

export { RHEL_PROFILE_ALIASES, RHEL_ROOT_ALIASES } from './aliases.ts';

export const DEFAULT_PATH = '/root/.local/bin:/root/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin';

export interface ShellOptions {
  fs: Vfs;
  host: HostApi;
  registry: CommandRegistry;
  /** The terminal (stdout). */
  out: OutStream;
  /** The terminal's stderr (default: same as `out`). */
  err?: OutStream;
  tty?: TtyApi;
  /** Shared process table (one per lab); a private one is created if absent. */
  procs?: ProcTable;
  /** Terminal input for programs (`read`); a TermIn is created if absent. */
  stdin?: InStream;
  home?: string;
  user?: string;
  /** Aliases to define (default: RHEL root's rm/cp/mv -i). */
  aliases?: Readonly<Record<string, string>>;
  /** Print `logout` rather than `exit` when the shell exits. */
  login?: boolean;
  /** Source /etc/bashrc and ~/.bashrc at start if they exist (off by default). */
  loadRc?: boolean;
}

export class Shell {
  readonly interp: Interp;
  readonly procs: ProcTable;
  /** Terminal input (feed typed lines here while a program reads). */
  readonly stdin: InStream;
  private readonly completers: Completer[] = [];
  private readonly world: World;
  private readonly login: boolean;
  /** Set when the shell has exited (`exit`); the terminal should close or restart. */
  exited: number | null = null;

  constructor(opts: ShellOptions) {
    this.procs = opts.procs ?? new ProcTable();
    this.stdin = opts.stdin ?? new TermIn();
    this.login = opts.login ?? false;
    const registry = opts.registry;
    const procs = this.procs;
    const own = createShellCommands({ registry: () => registry, procs });
    this.world = {
      fs: opts.fs, host: opts.host, registry, procs, tty: opts.tty,
      termIn: this.stdin, termOut: new TermOut(opts.out), termErr: new TermOut(opts.err ?? opts.out),
      own: own as Map<string, Command>,
    };
    const sh = new Interp(this.world, true);
    this.interp = sh;
    sh.jobControl = true;
    sh.exitMessage = this.login ? 'logout' : 'exit';
    const home = opts.home ?? '/root';
    const user = opts.user ?? 'root';
    sh.cwd = opts.fs.isDir(home) ? home : '/';
    const set = (k: string, v: string, exp = true) => {
      const x = sh.vars.writable(k)!;
      x.value = v;
      if (exp) x.attrs |= Attr.EXPORT;
    };
    set('HOME', home);
    set('USER', user);
    set('LOGNAME', user);
    set('SHELL', '/bin/bash');
    set('PATH', DEFAULT_PATH);
    set('PWD', sh.cwd);
    set('HOSTNAME', opts.host.hostname);
    set('TERM', 'xterm-256color');
    set('LANG', 'en_US.UTF-8');
    set('MAIL', `/var/spool/mail/${user}`);
    set('SHLVL', '1');
    set('HISTSIZE', '1000');
    set('HISTCONTROL', 'ignoredups');
    set('PS1', '[\\u@\\h \\W]\\$ ', false);
    set('PS2', '> ', false);
    set('HISTFILE', `${home}/.bash_history`, false);
    set('HISTFILESIZE', '1000', false);
    sh.ppid = 1;
    sh.initShellVars();
    for (const [k, v] of Object.entries(opts.aliases ?? RHEL_ROOT_ALIASES)) sh.aliases.set(k, v);
    if (opts.loadRc) {
      for (const f of ['/etc/bashrc', `${home}/.bashrc`]) {
        if (!opts.fs.exists(f)) continue;
        const co = trampoline(this.quiet(`. ${f}`));
        // rc files run synchronously at login; anything that would wait is cut short
        for (let i = 0; i < 100000; i++) { const r = co.next(); if (r.done) break; }
      }
    }
  }

  private *quiet(src: string): Run<number> {
    try { return yield* this.interp.runSource(src); } catch { return 1; }
  }

  // ---- prompts ------------------------------------------------------------------------------------

  /** PS1, expanded (`[root@lvs ~]# `); the hostname is read from the host each time. */
  prompt(): string {
    const ps1 = this.interp.special('PS1') ?? '';
    return expandPromptString(this.interp, ps1);
  }

  /** PS2 (`> `). */
  ps2(): string {
    return expandPromptString(this.interp, this.interp.special('PS2') ?? '');
  }

  /** Does `src` form complete commands, or does the terminal need a continuation line? */
  isComplete(src: string): boolean {
    return isCompleteSource(src, this.interp.opts.expandAliases ? this.interp.aliases : undefined);
  }

  // ---- running -----------------------------------------------------------------------------------

  /** Parse and run `src` (one or more lines) in the shell's persistent state. */
  execute(src: string): Co<number> {
    return trampoline(this.run(src));
  }

  private *run(src: string): Run<number> {
    const sh = this.interp;
    if (this.exited !== null) return this.exited;
    try {
      try {
        yield* sh.runSource(src);
      } catch (e) {
        if (e instanceof ShellSignal) {
          sh.status = e.status;
          // An interactive bash ignores SIGTERM and SIGQUIT; SIGHUP ends it.
          if (e.sig === 'HUP' || e.sig === 'KILL') yield* this.doExit(e.status, true);
        } else if (e instanceof ExitEx) {
          yield* this.doExit(e.status);
        } else if (e instanceof AbortEx) {
          sh.status = e.status;
        } else {
          // A bug (ours or a command's) must not take the terminal down.
          this.world.termErr.write(`bash: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
          sh.status = 1;
        }
      }
    } finally {
      this.reportJobs();
    }
    return this.exited ?? sh.status;
  }

  private *doExit(status: number, announce = false): Run<void> {
    const sh = this.interp;
    if (announce) this.world.termErr.write(sh.exitMessage + '\n');
    let st = status;
    try { st = yield* sh.runExitTrap(status); } catch { /* ignore */ }
    sh.status = st;
    this.exited = st;
    for (const j of sh.jobs.list) this.procs.signal(j.proc, 'HUP');
  }

  /** Print `[N]+  Done ...` for background jobs that finished (called after each command). */
  reportJobs(): void {
    const lines = this.interp.jobs.takeDone();
    if (lines.length) this.world.termErr.write(lines.map((l) => l + '\n').join(''));
  }

  // ---- state access ------------------------------------------------------------------------------

  get cwd(): string { return this.interp.cwd; }
  /** $$ (drivers may spawn execute() under this pid). */
  get pid(): number { return this.interp.pid; }
  get lastStatus(): number { return this.interp.status; }

  /** Shell variables (as commands see them). */
  get env(): EnvApi {
    const sh = this.interp;
    return {
      get: (n) => sh.special(n),
      set: (n, v) => { sh.setVar(n, v); },
      exported: () => sh.exportedEnv(),
    };
  }

  /** The value of a variable (undefined if unset). */
  getVar(name: string): string | undefined { return scalarOf(this.interp.vars.lookup(name)) ?? this.interp.special(name); }

  readonly history = {
    add: (line: string): void => {
      const h = this.interp.history;
      const t = line.replace(/\n+$/, '');
      if (!t.trim()) return;
      const ctl = this.interp.special('HISTCONTROL') ?? '';
      if (/ignorespace|ignoreboth/.test(ctl) && t.startsWith(' ')) return;
      if (/ignoredups|ignoreboth/.test(ctl) && h[h.length - 1] === t) return;
      h.push(t);
      const max = Number(this.interp.special('HISTSIZE') ?? 1000);
      if (Number.isFinite(max) && max >= 0 && h.length > max) h.splice(0, h.length - max);
    },
    list: (): readonly string[] => this.interp.history,
    clear: (): void => { this.interp.history.length = 0; },
  };

  /** Background jobs of this shell. */
  get jobs() { return this.interp.jobs.list; }

  // ---- completion ----------------------------------------------------------------------------------

  /** Candidates for Tab at `cursor` in `line`. */
  complete(line: string, cursor = line.length): Completion {
    return complete(this.interp, this.completers, line, cursor);
  }

  /** Add a completer (consulted before the defaults, most recent first). */
  addCompleter(c: Completer): () => void {
    this.completers.unshift(c);
    return () => { const i = this.completers.indexOf(c); if (i >= 0) this.completers.splice(i, 1); };
  }
}

export type { Completion, Completer };
