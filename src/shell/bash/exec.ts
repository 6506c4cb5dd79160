/**
 * The executor: walks the syntax tree and runs commands, as bash's execute_cmd.c does.
 *
 * One `Interp` is one shell process's state (variables, functions, options, cwd, open file
 * descriptors, traps, jobs). Subshells, pipeline stages, command substitutions and
 * background jobs run in a clone (copy-on-write variables), so their changes never leak.
 * Everything is a coroutine (`Run<T>`); function calls go through the trampoline so deep
 * shell recursion does not use the JS stack. Every simple command and loop iteration counts
 * a step; every TICK_EVERY steps the interpreter yields `tick` so a driver can interrupt or
 * repaint. Ctrl-C arrives as ShellSignal('INT') thrown in at a yield point; a trap handler
 * runs if one is set, otherwise the signal unwinds to the top level.
 *
 * Command lookup: functions, builtins, then the CommandRegistry searched along $PATH (a
 * command's install path is `cmd.path` or /usr/bin/NAME; commands of packages the host has
 * not installed do not exist), then executable files in the Vfs (scripts with a `#!` line
 * or none run in a child bash). Lookups are remembered in a hash table, as bash does.
 */
import type { Vfs } from '../../core/fs/vfs.ts';
import { FsError, STRERROR } from '../../core/fs/vfs.ts';
import type { HostApi } from '../../core/lab/api.ts';
import type { ProcInfo, ProcTable } from '../proc.ts';
import type { CmdContext, Command as ExtCommand, CommandRegistry, EnvApi, InStream, OutStream, SignalName, TtyApi } from '../types.ts';
import { ShellSignal, TICK } from '../types.ts';
import type {
  AndOr, Assign, CaseItem, Command, CondExpr, FuncDef, List, Pipeline, Redir, SimpleCommand, Word, WordPart,
} from './ast.ts';
import { ArithError, evalArith } from './arith.ts';
import { BUILTINS } from './builtins.ts';
import { AbortEx, BreakEx, Call, ContinueEx, ExitEx, ReturnEx, trampoline } from './control.ts';
import type { Run } from './control.ts';
import { expandArithText, expandHeredoc, expandPattern, expandString, expandWords, shellQuote } from './expand.ts';
import { Jobs } from './jobs.ts';
import { ParseError, Parser, parseAll } from './parser.ts';
import { collate, matchPattern, patternSource, stripCtl } from './pattern.ts';
import { printJob } from './print.ts';
import {
  BufOut, DevIn, FileOut, NULL_OUT, NullIn, Pipe, PipeWriter, StringIn, pipeActivity,
} from './streams.ts';
import { Attr, Vars, arrayValues, scalarOf } from './vars.ts';
import type { Var } from './vars.ts';

export const TICK_EVERY = 1000;
export const FUNCNEST = 1000;
export const BASH_VERSION = '5.1.8(1)-release';

/** What every shell process on a host shares. */
export interface World {
  readonly fs: Vfs;
  readonly host: HostApi;
  readonly registry: CommandRegistry;
  readonly procs: ProcTable;
  readonly tty?: TtyApi;
  readonly termIn: InStream;
  readonly termOut: OutStream;
  readonly termErr: OutStream;
  /** Commands the shell provides itself if the registry lacks them (bash, sh, which). */
  readonly own: Map<string, ExtCommand>;
  /** @internal path → command index of the registry */
  pathIndex?: Map<string, ExtCommand>;
  pathIndexSize?: number;
}

export interface Fd { r?: InStream; w?: OutStream }

export interface Opts {
  errexit: boolean; nounset: boolean; xtrace: boolean; pipefail: boolean; noglob: boolean;
  noclobber: boolean; allexport: boolean; verbose: boolean; hashall: boolean; monitor: boolean;
  noexec: boolean; notify: boolean; ignoreeof: boolean; braceexpand: boolean; histexpand: boolean;
  interactiveComments: boolean; expandAliases: boolean; nocasematch: boolean; nullglob: boolean;
  dotglob: boolean; extglob: boolean; lastpipe: boolean; history: boolean; emacs: boolean; vi: boolean;
}

export function defaultOpts(interactive: boolean): Opts {
  return {
    errexit: false, nounset: false, xtrace: false, pipefail: false, noglob: false, noclobber: false,
    allexport: false, verbose: false, hashall: true, monitor: interactive, noexec: false, notify: false,
    // histexpand shows in $- as in bash, but `!` history expansion is not performed.
    ignoreeof: false, braceexpand: true, histexpand: interactive, interactiveComments: true,
    expandAliases: interactive, nocasematch: false, nullglob: false, dotglob: false, extglob: false,
    lastpipe: false, history: interactive, emacs: interactive, vi: false,
  };
}

/** `set -o` names in bash's order, mapped to Opts keys (null = accepted, always off). */
export const SET_O: [string, keyof Opts | null][] = [
  ['allexport', 'allexport'], ['braceexpand', 'braceexpand'], ['emacs', 'emacs'], ['errexit', 'errexit'],
  ['errtrace', null], ['functrace', null], ['hashall', 'hashall'], ['histexpand', 'histexpand'],
  ['history', 'history'], ['ignoreeof', 'ignoreeof'], ['interactive-comments', 'interactiveComments'],
  ['keyword', null], ['monitor', 'monitor'], ['noclobber', 'noclobber'], ['noexec', 'noexec'],
  ['noglob', 'noglob'], ['nolog', null], ['notify', 'notify'], ['nounset', 'nounset'], ['onecmd', null],
  ['physical', null], ['pipefail', 'pipefail'], ['posix', null], ['privileged', null], ['verbose', 'verbose'],
  ['vi', 'vi'], ['xtrace', 'xtrace'],
];

/** Single-letter set flags. */
export const SET_FLAGS: Record<string, keyof Opts> = {
  a: 'allexport', B: 'braceexpand', e: 'errexit', f: 'noglob', h: 'hashall', H: 'histexpand', m: 'monitor',
  n: 'noexec', b: 'notify', u: 'nounset', v: 'verbose', x: 'xtrace', C: 'noclobber',
};

type HashEntry = ({ cmd: ExtCommand; path: string } | { file: string; path: string }) & { hits?: number };

const SIGNAMES: SignalName[] = ['HUP', 'INT', 'QUIT', 'KILL', 'PIPE', 'TERM', 'TSTP'];

/** A redirection error: message printed, command skipped, status 1. */
class RedirError { constructor(readonly msg: string) {} }

let randomSeedCounter = 12345;

export class Interp {
  vars: Vars;
  funcs: Map<string, FuncDef>;
  aliases: Map<string, string>;
  opts: Opts;
  pos: string[] = [];
  arg0 = 'bash';
  cwd = '/';
  fds: Fd[];
  status = 0;
  lastBg: number | undefined;
  lastArg = '';
  traps = new Map<string, string>();
  jobs = new Jobs();
  interactive: boolean;
  /** Running a `bash -c` string (error messages say `bash: -c: line N:`). */
  cmdMode = false;
  /** Running a script file (error messages say `FILE: line N:`). */
  scriptFile: string | null = null;
  lineno = 0;
  funcStack: string[] = [];
  loopDepth = 0;
  /** >0 while errexit is ignored (if/while conditions, && || lists, ! pipelines). */
  errexitOff = 0;
  private noErrexitOnce = false;
  /** This process in the fork accounting (null for the interactive shell itself). */
  proc: ProcInfo | null = null;
  /** $$ */
  pid: number;
  /** $BASHPID */
  bashpid: number;
  ppid = 1;
  /** Command-substitution nesting (for xtrace's ++). */
  substDepth = 0;
  hash = new Map<string, HashEntry>();
  dirStack: string[] = [];
  pipestatus: number[] = [0];
  /** $? of the last command substitution (status of an assignment-only command). */
  private substStatus = 0;
  private ticker: { n: number };
  private rand: number;
  private startSec: number;
  /** History list (interactive shells). */
  history: string[] = [];
  /** Source files being read (for `return` from a sourced script). */
  sourceDepth = 0;
  /** Set by `exec` without a command: keep this command's redirections. */
  execRedirsPermanent = false;
  /** getopts' position inside a cluster of options (-abc). */
  getoptsSub = 1;
  getoptsLast = 0;
  /** The main interactive shell (job control, `[1] PID` messages). */
  jobControl = false;
  /** What `exit` prints in the main interactive shell (`exit`, or `logout` for a login shell). */
  exitMessage = 'exit';
  /** Files of <(...) substitutions to remove when the command that used them ends. */
  tempFiles: string[] = [];
  /** Called when a command's exit should end the session (interactive `exit`). */
  readonly w: World;

  constructor(w: World, interactive: boolean, pid?: number) {
    this.w = w;
    this.interactive = interactive;
    this.vars = new Vars();
    this.funcs = new Map();
    this.aliases = new Map();
    this.opts = defaultOpts(interactive);
    this.fds = [{ r: w.termIn }, { w: w.termOut }, { w: w.termErr }];
    this.pid = pid ?? w.host.allocPid();
    this.bashpid = this.pid;
    this.ticker = { n: 0 };
    this.rand = (this.pid * 2654435761 + randomSeedCounter++) >>> 0;
    this.startSec = w.host.epochSeconds();
  }

  /** A subshell: a copy of this shell's state (the child of a fork). */
  clone(info: ProcInfo | null): Interp {
    const c: Interp = Object.create(Interp.prototype);
    Object.assign(c, this);
    c.vars = this.vars.clone();
    c.funcs = new Map(this.funcs);
    c.aliases = new Map(this.aliases);
    c.opts = { ...this.opts };
    c.pos = this.pos.slice();
    c.fds = this.fds.slice();
    c.funcStack = this.funcStack.slice();
    c.dirStack = this.dirStack.slice();
    c.jobs = new Jobs();
    c.hash = new Map(this.hash);
    // Traps are reset in subshells (ignored signals stay ignored).
    c.traps = new Map([...this.traps].filter(([, v]) => v === ''));
    c.proc = info;
    if (info) c.bashpid = info.pid;
    c.noErrexitOnce = false;
    c.history = this.history;
    c.jobControl = false;
    c.arithEnv = c.makeArithEnv();
    c.tempFiles = [];
    return c;
  }

  // ---- output & errors -------------------------------------------------------------------------

  out(s: string): void { (this.fds[1]?.w ?? NULL_OUT).write(s); }
  errOut(s: string): void { (this.fds[2]?.w ?? NULL_OUT).write(s); }

  /** The prefix bash puts before error messages. */
  errPrefix(): string {
    if (this.interactive && !this.scriptFile && !this.cmdMode) return 'bash: ';
    if (this.scriptFile !== null) return `${this.scriptFile}: line ${this.lineno}: `;
    return `${this.arg0}: line ${this.lineno}: `;
  }

  /** Print `bash: MSG` (or `FILE: line N: MSG`) to stderr. */
  error(msg: string): void { this.errOut(`${this.errPrefix()}${msg}\n`); }

  /** An expansion error: print and abort the current command (exit if fatal and not interactive). */
  expError(msg: string, fatal: boolean): never {
    this.error(msg);
    throw new AbortEx(fatal ? this.fatalStatus() : 1, fatal);
  }

  unbound(name: string): never {
    this.error(`${name}: unbound variable`);
    throw new AbortEx(this.fatalStatus(), true);
  }

  /** bash 5.1 exits a `-c` shell with 127 after a fatal expansion error, a script with 1. */
  fatalStatus(): number { return this.cmdMode ? 127 : 1; }

  // ---- variables -------------------------------------------------------------------------------

  /** The scalar value of a parameter: variables, positional and special parameters. */
  special(name: string): string | undefined {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) {
      if (name === '0') return this.arg0;
      const i = Number(name);
      return i <= this.pos.length ? this.pos[i - 1] : undefined;
    }
    switch (name) {
      case '?': return String(this.status);
      case '#': return String(this.pos.length);
      case '$': return String(this.pid);
      case '!': return this.lastBg === undefined ? undefined : String(this.lastBg);
      case '-': return this.flagString();
      case '@': case '*': return this.pos.join(name === '*' ? this.ifs().slice(0, 1) : ' ');
      case '_': return this.lastArg;
    }
    const always = ALWAYS_DYNAMIC[name];
    if (always) return always(this);
    const v = this.vars.lookup(name);
    if (v !== undefined) {
      const s = scalarOf(v);
      if (s !== undefined || !(name in DYNAMIC)) return s;
    }
    const dyn = DYNAMIC[name];
    return dyn ? dyn(this) : undefined;
  }

  getVar(name: string): string | undefined { return this.special(name); }

  ifs(): string {
    const v = this.vars.lookup('IFS');
    if (!v || v.value === undefined) return ' \t\n';
    return scalarOf(v) ?? '';
  }

  flagString(): string {
    let s = '';
    const o = this.opts;
    if (o.allexport) s += 'a';
    if (o.notify) s += 'b';
    if (o.errexit) s += 'e';
    if (o.noglob) s += 'f';
    if (o.hashall) s += 'h';
    if (this.interactive && !this.cmdMode && !this.scriptFile) s += 'i';
    if (o.monitor) s += 'm';
    if (o.noexec) s += 'n';
    if (o.nounset) s += 'u';
    if (o.verbose) s += 'v';
    if (o.xtrace) s += 'x';
    if (o.braceexpand) s += 'B';
    if (o.noclobber) s += 'C';
    if (o.histexpand) s += 'H';
    if (this.cmdMode) s += 'c';
    if (!this.interactive && !this.cmdMode && this.scriptFile === null) s += 's';
    return s;
  }

  /** Set a scalar variable; prints bash's error and returns false if readonly. */
  setVar(name: string, value: string, opts: { export?: boolean; append?: boolean } = {}): boolean {
    let v = this.vars.lookup(name);
    if (v && v.attrs & Attr.READONLY) { this.error(`${name}: readonly variable`); return false; }
    v = this.vars.writable(name)!;
    if (v.attrs & Attr.INTEGER) {
      const cur = opts.append ? Number(this.arith(scalarOf(v) || '0')) : 0;
      value = String(BigInt(cur) + this.arith(value));
    } else if (opts.append) value = (scalarOf(v) ?? '') + value;
    if (v.attrs & Attr.UPPER) value = value.toUpperCase();
    else if (v.attrs & Attr.LOWER) value = value.toLowerCase();
    if (Array.isArray(v.value)) v.value[0] = value;
    else if (v.value instanceof Map) v.value.set('0', value);
    else v.value = value;
    if (opts.export || this.opts.allexport) v.attrs |= Attr.EXPORT;
    this.varChanged(name);
    return true;
  }

  /** Hook for variables with side effects. */
  private varChanged(name: string): void {
    if (name === 'PATH') this.hash.clear();
    else if (name === 'RANDOM') { this.rand = (Number(scalarOf(this.vars.lookup('RANDOM')) ?? 0) * 2654435761 + 1) >>> 0; this.vars.unset('RANDOM'); }
    else if (name === 'SECONDS') { this.setSeconds(Number(scalarOf(this.vars.lookup('SECONDS'))) || 0); this.vars.unset('SECONDS'); }
  }

  /** Set element `index` (already expanded) of an array variable. */
  setElement(name: string, index: string, value: string, append = false): boolean {
    let v = this.vars.lookup(name);
    if (v && v.attrs & Attr.READONLY) { this.error(`${name}: readonly variable`); return false; }
    v = this.vars.writable(name)!;
    if (v.attrs & Attr.ASSOC) {
      if (!(v.value instanceof Map)) v.value = new Map();
      const m = v.value;
      m.set(index, append ? (m.get(index) ?? '') + value : value);
      return true;
    }
    let i: number;
    try { i = Number(this.arithRaw(index)); } catch (e) {
      if (e instanceof ArithError) { this.error(e.text); return false; }
      throw e;
    }
    if (!Array.isArray(v.value)) v.value = v.value === undefined ? [] : [typeof v.value === 'string' ? v.value : undefined];
    v.attrs |= Attr.ARRAY;
    const arr = v.value as (string | undefined)[];
    if (i < 0) {
      i += arr.length;
      if (i < 0) { this.error(`${name}[${index}]: bad array subscript`); return false; }
    }
    if (v.attrs & Attr.INTEGER) value = String(this.arith(value) + (append ? this.arith(arr[i] ?? '0') : 0n));
    else if (append) value = (arr[i] ?? '') + value;
    arr[i] = value;
    return true;
  }

  /** Assign a whole array: a=(x y) / a+=(z) / declare -A m=([k]=v). */
  *assignArray(name: string, els: Word[], append: boolean, assoc: boolean): Run<boolean> {
    let v = this.vars.lookup(name);
    if (v && v.attrs & Attr.READONLY) { this.error(`${name}: readonly variable`); return false; }
    v = this.vars.writable(name)!;
    const isAssoc = assoc || !!(v.attrs & Attr.ASSOC);
    if (isAssoc) {
      v.attrs |= Attr.ASSOC;
      const m = append && v.value instanceof Map ? v.value : new Map<string, string>();
      for (const el of els) {
        const kv = /^\[([^\]]*)\]=/.exec(el.text);
        if (!kv) { this.error(`${name}: ${el.text}: must use subscript when assigning associative array`); continue; }
        const key = yield* expandString(this, { parts: [{ t: 'lit', s: kv[1] }], text: kv[1] });
        const valWord = stripPrefixWord(el, kv[0].length);
        m.set(key, yield* expandString(this, valWord));
      }
      v.value = m;
      return true;
    }
    v.attrs |= Attr.ARRAY;
    const arr: (string | undefined)[] = append ? (Array.isArray(v.value) ? v.value : v.value === undefined ? [] : [scalarOf(v)]) : [];
    let idx = append ? arr.length : 0;
    for (const el of els) {
      const kv = /^\[([^\]]*)\]=/.exec(el.text);
      if (kv) {
        idx = Number(this.arith(kv[1]));
        arr[idx++] = yield* expandString(this, stripPrefixWord(el, kv[0].length));
        continue;
      }
      for (const s of yield* expandWords(this, [el])) arr[idx++] = s;
    }
    v.value = arr;
    return true;
  }

  /** ${x:=v} */
  assignFromExpansion(name: string, value: string, index?: Word): void {
    const ok = index ? this.setElement(name, stripCtl(index.text), value) : this.setVar(name, value);
    if (!ok) throw new AbortEx(1, false);
  }

  /** Exported variables (plus temporary assignments). */
  exportedEnv(extra?: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of this.vars.all()) {
      if (v.attrs & Attr.EXPORT && v.value !== undefined) env[k] = scalarOf(v) ?? '';
    }
    if (extra) Object.assign(env, extra);
    return env;
  }

  tildeDir(user: string): string | undefined {
    if (user === '') return this.special('HOME') ?? '/root';
    if (user === '+') return this.special('PWD');
    if (user === '-') return this.special('OLDPWD');
    if (user === 'root') return '/root';
    try {
      for (const line of this.w.fs.readFile('/etc/passwd').split('\n')) {
        const f = line.split(':');
        if (f[0] === user && f.length >= 6) return f[5];
      }
    } catch { /* no passwd */ }
    return undefined;
  }

  nextRandom(): number {
    // xorshift; seeded per shell so transcripts are reproducible
    let x = this.rand || 1;
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    this.rand = x;
    return x & 0x7fff;
  }

  seconds(): number { return Math.max(0, Math.floor(this.w.host.epochSeconds() - this.startSec)); }
  setSeconds(v: number): void { this.startSec = this.w.host.epochSeconds() - v; }

  attrFlags(name: string): string {
    const v = this.vars.lookup(name);
    if (!v) return '';
    let s = '';
    if (v.attrs & Attr.ARRAY) s += 'a';
    if (v.attrs & Attr.ASSOC) s += 'A';
    if (v.attrs & Attr.INTEGER) s += 'i';
    if (v.attrs & Attr.LOWER) s += 'l';
    if (v.attrs & Attr.READONLY) s += 'r';
    if (v.attrs & Attr.UPPER) s += 'u';
    if (v.attrs & Attr.EXPORT) s += 'x';
    return s;
  }

  // ---- arithmetic ------------------------------------------------------------------------------

  private arithEnv = this.makeArithEnv();

  /** Variable access for the arithmetic evaluator (per instance: clones need their own). */
  private makeArithEnv() {
    return {
    get: (name: string, sub?: string): string | undefined => {
      if (sub === undefined) return this.special(name);
      const v = this.vars.lookup(name);
      if (!v) return undefined;
      if (v.attrs & Attr.ASSOC) return v.value instanceof Map ? v.value.get(stripCtl(sub)) : undefined;
      const t = sub.trim();
      if (t === '@' || t === '*') return arrayValues(v).join(' ');
      let i = Number(this.arithRaw(sub));
      if (Array.isArray(v.value)) { if (i < 0) i += v.value.length; return v.value[i]; }
      return i === 0 ? scalarOf(v) : undefined;
    },
    set: (name: string, value: string, sub?: string): void => {
      const ok = sub === undefined ? this.setVar(name, value) : this.setElement(name, sub, value);
      if (!ok) throw new AbortEx(1, false);
    },
    unbound: (name: string): never => this.unbound(name),
    };
  }

  /** Evaluate arithmetic; throws ArithError. */
  arithRaw(expr: string): bigint {
    return evalArith(expr, this.opts.nounset ? this.arithEnv : { get: this.arithEnv.get, set: this.arithEnv.set });
  }

  /** Evaluate arithmetic; on error print bash's message and abort the command. */
  arith(expr: string, who = ''): bigint {
    try {
      return this.arithRaw(expr);
    } catch (e) {
      if (e instanceof ArithError) {
        this.error(`${who}${e.text}`);
        throw new AbortEx(1, false);
      }
      throw e;
    }
  }

  // ---- top level -------------------------------------------------------------------------------

  /**
   * Parse and run `src` one complete command at a time (as bash reads input), reporting
   * syntax errors as bash does. ExitEx propagates to the caller.
   */
  *runSource(src: string, startLine = 1): Run<number> {
    const parser = new Parser(src, { aliases: this.opts.expandAliases ? this.aliases : undefined, line: startLine });
    for (;;) {
      let unit: List | null;
      try {
        unit = parser.parseUnit();
      } catch (e) {
        if (e instanceof ParseError) {
          this.reportParseError(e);
          this.status = e.status;
          if (!this.interactive || this.cmdMode || this.scriptFile !== null) throw new ExitEx(e.status);
          parser.recover();
          continue;
        }
        if (e instanceof RangeError) {
          this.error('syntax error: nesting too deep');
          this.status = 2;
          if (!this.interactive) throw new ExitEx(2);
          return this.status;
        }
        throw e;
      }
      for (const w of parser.warnings.splice(0)) this.errOut(`${this.parsePrefix(w.line)}${w.text}\n`);
      if (!unit) break;
      if (this.opts.noexec && !this.interactive) continue;
      try {
        this.status = yield* this.execList(unit);
      } catch (e) {
        if (e instanceof AbortEx) {
          this.status = e.status;
          if (e.fatal && (!this.interactive || this.cmdMode || this.scriptFile !== null)) throw new ExitEx(e.status);
          continue;
        }
        if (e instanceof BreakEx || e instanceof ContinueEx) continue;
        throw e;
      }
    }
    return this.status;
  }

  private parsePrefix(line: number): string {
    if (this.scriptFile !== null) return `${this.scriptFile}: line ${line}: `;
    if (this.cmdMode) return `${this.arg0}: -c: line ${line}: `;
    if (!this.interactive) return `${this.arg0}: line ${line}: `;
    return 'bash: ';
  }

  reportParseError(e: ParseError): void {
    for (const m of e.msgs) this.errOut(`${this.parsePrefix(m.line)}${m.text}\n`);
    if (e.lineText !== undefined && (this.scriptFile !== null || this.cmdMode || !this.interactive)) {
      const line = e.msgs[0].line;
      this.errOut(`${this.parsePrefix(line)}\`${e.lineText}'\n`);
    }
  }

  // ---- steps and signals -----------------------------------------------------------------------

  /** Count a step; yield a tick every TICK_EVERY steps. */
  private *step(): Run<void> {
    if (++this.ticker.n < TICK_EVERY) return;
    this.ticker.n = 0;
    yield* this.tick();
  }

  /** Yield `tick`, handling a signal thrown in at that point (traps). */
  *tick(): Run<void> {
    try {
      yield TICK;
    } catch (e) {
      if (e instanceof ShellSignal && this.traps.has(e.sig)) {
        yield* this.runTrap(e.sig);
        return;
      }
      throw e;
    }
  }

  /** Run the handler of a trapped signal. */
  *runTrap(sig: string): Run<void> {
    const h = this.traps.get(sig);
    if (!h) return;
    const saved = this.status;
    try {
      yield new Call(this.evalString(h));
    } finally {
      this.status = saved;
    }
  }

  /** eval: parse and run a string in this shell. */
  *evalString(src: string, who?: string): Run<number> {
    let list: List;
    try {
      list = parseAll(src, { aliases: this.opts.expandAliases ? this.aliases : undefined, line: who ? 1 : this.lineno || 1 });
    } catch (e) {
      if (e instanceof ParseError) {
        // bash: `FILE: eval: line 2: syntax error...` (the prefix names the file, not its line)
        const inter = this.interactive && this.scriptFile === null && !this.cmdMode;
        if (!who || inter) {
          for (const m of e.msgs) this.errOut(`${this.errPrefix()}${m.text}\n`);
          return 2;
        }
        const pre = (this.scriptFile !== null ? `${this.scriptFile}: ` : `${this.arg0}: `) + `${who}: `;
        for (const m of e.msgs) this.errOut(`${pre}line ${m.line}: ${m.text}\n`);
        if (e.lineText !== undefined) this.errOut(`${pre}line ${e.msgs[0].line}: \`${e.lineText}'\n`);
        return 2;
      }
      throw e;
    }
    return yield* this.execList(list);
  }

  // ---- fork accounting -------------------------------------------------------------------------

  /** Account for a new process; on failure print bash's messages and abort the command line. */
  fork(name: string): ProcInfo | null {
    const info = this.w.procs.fork(this.w.host, this.proc, name);
    if (info) return info;
    this.error('fork: retry: Resource temporarily unavailable');
    this.error('fork: Resource temporarily unavailable');
    throw new AbortEx(126, false);
  }

  /** Run `cmd` as a subshell body: exit/abort/SIGPIPE end it with a status. */
  *runSub(cmd: Command | List, release = true): Run<number> {
    let st: number;
    try {
      st = cmd.t === 'list' ? yield* this.execList(cmd) : yield* this.exec(cmd);
    } catch (e) {
      if (e instanceof ExitEx || e instanceof AbortEx || e instanceof ReturnEx) st = e.status;
      else if (e instanceof ShellSignal && e.sig === 'PIPE') st = 141;
      else if (e instanceof BreakEx || e instanceof ContinueEx) st = this.status;
      else throw e;
    } finally {
      if (release) this.w.procs.release(this.proc);
    }
    if (this.traps.has('EXIT')) {
      const h = this.traps.get('EXIT')!;
      this.traps.delete('EXIT');
      try { yield new Call(this.evalString(h)); } catch (e) { if (e instanceof ExitEx) st = e.status; else throw e; }
    }
    return st;
  }

  // ---- dispatch --------------------------------------------------------------------------------

  *exec(c: Command): Run<number> {
    switch (c.t) {
      case 'simple': return yield* this.execSimple(c);
      case 'pipeline': return yield* this.execPipeline(c);
      case 'andor': return yield* this.execAndOr(c);
      case 'list': return yield* this.execList(c);
      case 'func':
        this.funcs.set(c.name, this.scriptFile ? { ...c, file: this.scriptFile } : c);
        return 0;
      default: return yield* this.execCompound(c);
    }
  }

  *execList(l: List): Run<number> {
    let st = this.status;
    const items = l.items;
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (it.async) {
        yield* this.execAsync(it.cmd);
        st = 0;
      } else {
        this.noErrexitOnce = false;
        st = yield* this.exec(it.cmd);
      }
      this.status = st;
      if (st !== 0 && this.opts.errexit && this.errexitOff === 0 && !this.noErrexitOnce && !it.async) {
        throw new ExitEx(st);
      }
    }
    return st;
  }

  private *execAndOr(c: AndOr): Run<number> {
    this.errexitOff++;
    let st: number;
    let last = c.rest.length === 0;
    try {
      st = yield* this.exec(c.first);
    } finally { this.errexitOff--; }
    this.status = st;
    for (let i = 0; i < c.rest.length; i++) {
      const r = c.rest[i];
      if ((r.op === '&&') !== (st === 0)) { last = false; continue; }
      const isLast = i === c.rest.length - 1;
      if (!isLast) this.errexitOff++;
      try {
        st = yield* this.exec(r.cmd);
      } finally { if (!isLast) this.errexitOff--; }
      last = isLast;
      this.status = st;
    }
    if (!last) this.noErrexitOnce = true;
    return st;
  }

  // ---- simple commands -------------------------------------------------------------------------

  private *execSimple(c: SimpleCommand): Run<number> {
    if (this.tempFiles.length === 0 && !c.procSubst) return yield* this.execSimple1(c);
    const mark = this.tempFiles.length;
    try { return yield* this.execSimple1(c); } finally { this.dropTemp(mark); }
  }

  private *execSimple1(c: SimpleCommand): Run<number> {
    this.lineno = c.line;
    if (++this.ticker.n >= TICK_EVERY) { this.ticker.n = 0; yield* this.tick(); }
    let argv: string[];
    const ws = c.words;
    if (ws.length === 1 && ws[0].plain !== undefined) argv = [ws[0].plain];
    else argv = yield* expandWords(this, ws);

    if (argv.length === 0) return yield* this.assignOnly(c);
    if (this.opts.xtrace) this.trace(argv);
    const name = argv[0];
    this.lastArg = argv[argv.length - 1];

    const fn = this.funcs.get(name);
    if (fn) return yield* this.withTemp(c, () => this.callFunction(fn, argv));
    const bi = BUILTINS.get(name);
    if (bi) return yield* this.withTemp(c, () => this.runBuiltin(bi, argv));
    return yield* this.execExternal(c, argv);
  }

  private trace(argv: string[]): void {
    const ps4 = this.special('PS4') ?? '+ ';
    const prefix = ps4.slice(0, 1).repeat(this.substDepth) + ps4;
    this.errOut(prefix + argv.map(traceQuote).join(' ') + '\n');
  }

  /** `x=1 y=2` (and possibly redirections) without a command. */
  private *assignOnly(c: SimpleCommand): Run<number> {
    this.substStatus = 0;
    let st = 0;
    const traced: string[] = [];
    for (const a of c.assigns) {
      // A failed assignment (readonly) aborts the command line; a script exits.
      if (!(yield* this.doAssign(a, false))) { st = 1; throw new AbortEx(1, true); }
      if (this.opts.xtrace) traced.push(`${a.name}=${a.array ? '(' + a.array.map((w) => w.text).join(' ') + ')' : scalarOf(this.vars.lookup(a.name)) ?? ''}`);
    }
    if (traced.length) {
      const ps4 = this.special('PS4') ?? '+ ';
      for (const t of traced) this.errOut(ps4.slice(0, 1).repeat(this.substDepth) + ps4 + t + '\n');
    }
    if (c.redirs.length) {
      const fds = yield* this.redirect(c.redirs);
      if (!fds) return 1;
    }
    return st || this.substStatus;
  }

  /** Perform one assignment (`local`-free); returns false on error. */
  *doAssign(a: Assign, exportIt: boolean): Run<boolean> {
    if (a.array) return yield* this.assignArray(a.name, a.array, a.append, false);
    const v = yield* expandString(this, a.value, true);
    if (a.index) {
      const v0 = this.vars.lookup(a.name);
      const idx = v0 && v0.attrs & Attr.ASSOC ? yield* expandString(this, a.index) : yield* expandArithText(this, a.index);
      return this.setElement(a.name, idx, v, a.append);
    }
    return this.setVar(a.name, v, { export: exportIt, append: a.append });
  }

  /** Run `fn` with the command's prefix assignments as temporary (exported) variables and its redirections. */
  private *withTemp(c: SimpleCommand, fn: () => Run<number>): Run<number> {
    let scoped = false;
    if (c.assigns.length) {
      this.vars.pushScope();
      scoped = true;
      for (const a of c.assigns) {
        const val = a.array ? '' : yield* expandString(this, a.value, true);
        const cur = this.vars.lookup(a.name);
        if (cur && cur.attrs & Attr.READONLY) {
          this.error(`${a.name}: readonly variable`);
          continue;
        }
        const lv = this.vars.local(a.name);
        lv.value = a.append ? (scalarOf(cur) ?? '') + val : val;
        lv.attrs = (cur?.attrs ?? 0) | Attr.EXPORT;
      }
    }
    let savedFds = this.fds;
    try {
      if (c.redirs.length) {
        const fds = yield* this.redirect(c.redirs);
        if (!fds) return 1;
        this.fds = fds;
      }
      const st = yield* fn();
      if (this.execRedirsPermanent) { this.execRedirsPermanent = false; savedFds = this.fds; }
      // A builtin that filled a pipe waits for the reader here.
      const o = this.fds[1]?.w;
      if (o instanceof PipeWriter && o.full) yield* o.drain();
      return st;
    } finally {
      this.fds = savedFds;
      if (scoped) this.vars.popScope();
    }
  }

  private *runBuiltin(bi: Builtin, argv: string[]): Run<number> {
    try {
      const r = bi(this, argv);
      if (typeof r === 'number') return r;
      return yield* r;
    } catch (e) {
      // A write to a file that refuses it (/proc with a bad value, /dev/full)
      if (e instanceof FsError) {
        this.fds = this.fds.slice();
        // ENOMEM: an endless line read (`read x < /dev/zero`) ran out of memory.
        this.error(e.code === 'ENOMEM' ? `${argv[0]}: ${STRERROR[e.code]}` : `${argv[0]}: write error: ${STRERROR[e.code]}`);
        return 1;
      }
      throw e;
    }
  }

  /** Call a shell function (through the trampoline: recursion stays off the JS stack). */
  *callFunction(fn: FuncDef, argv: string[]): Run<number> {
    if (this.funcStack.length >= FUNCNEST) {
      // bash 5.1 without FUNCNEST set would recurse until it segfaults; we behave as if FUNCNEST=1000.
      this.error(`${fn.name}: maximum function nesting level exceeded (${FUNCNEST})`);
      throw new AbortEx(1, true);
    }
    return (yield new Call(this.funcBody(fn, argv))) as number;
  }

  private *funcBody(fn: FuncDef, argv: string[]): Run<number> {
    const savedPos = this.pos;
    const savedLine = this.lineno;
    this.pos = argv.slice(1);
    this.vars.pushScope();
    this.funcStack.push(fn.name);
    let st: number;
    try {
      try {
        st = yield* this.exec(fn.body);
      } catch (e) {
        if (e instanceof ReturnEx) st = e.status;
        else throw e;
      }
      if (this.traps.has('RETURN')) { this.status = st; yield* this.runTrap('RETURN'); }
    } finally {
      this.funcStack.pop();
      this.vars.popScope();
      this.pos = savedPos;
      this.lineno = savedLine;
    }
    return st;
  }

  // ---- external commands -----------------------------------------------------------------------

  private pathIndex(): Map<string, ExtCommand> {
    const w = this.w;
    if (!w.pathIndex || w.pathIndexSize !== w.registry.size) {
      const m = new Map<string, ExtCommand>();
      for (const [name, cmd] of w.registry) m.set(cmd.path ?? `/usr/bin/${name}`, cmd);
      for (const [name, cmd] of w.own) {
        const p = cmd.path ?? `/usr/bin/${name}`;
        if (!m.has(p) && !w.registry.has(name)) m.set(p, cmd);
      }
      w.pathIndex = m;
      w.pathIndexSize = w.registry.size;
    }
    return w.pathIndex;
  }

  private installed(cmd: ExtCommand): boolean {
    return !cmd.pkg || this.w.host.hasPackage(cmd.pkg);
  }

  /** A registry command by name, if installed. */
  registryCommand(name: string): ExtCommand | undefined {
    const c = this.w.registry.get(name) ?? this.w.own.get(name);
    return c && this.installed(c) ? c : undefined;
  }

  /** Where `name` would be found along $PATH (no functions/builtins). */
  lookupPath(name: string): HashEntry | undefined {
    const hit = this.hash.get(name);
    if (hit) {
      if ('cmd' in hit ? this.installed(hit.cmd) : this.isExecFile(hit.file)) { hit.hits = (hit.hits ?? 1) + 1; return hit; }
      this.hash.delete(name);
    }
    const path = this.special('PATH') ?? '';
    const idx = this.pathIndex();
    for (let dir of path.split(':')) {
      if (dir === '') dir = this.cwd;
      const p = (dir.endsWith('/') ? dir : dir + '/') + name;
      const canon = canonBin(p);
      const c = idx.get(canon) ?? idx.get(p);
      if (c && this.installed(c)) {
        const e: HashEntry = { cmd: c, path: p };
        this.hash.set(name, e);
        return e;
      }
      if (this.isExecFile(Vfs_normalize(this.cwd, p))) {
        const stub = this.registryCommand(name);
        const e: HashEntry = stub && !this.isScript(Vfs_normalize(this.cwd, p)) ? { cmd: stub, path: p } : { file: Vfs_normalize(this.cwd, p), path: p };
        this.hash.set(name, e);
        return e;
      }
    }
    return undefined;
  }

  private isExecFile(p: string): boolean {
    try {
      const st = this.w.fs.stat(p);
      return st.kind !== 'dir' && (st.mode & 0o111) !== 0;
    } catch { return false; }
  }

  private isScript(p: string): boolean {
    try {
      const d = this.w.fs.readFile(p);
      return !d.startsWith('\x7fELF');
    } catch { return false; }
  }

  private *execExternal(c: SimpleCommand, argv: string[]): Run<number> {
    const name = argv[0];
    // Temporary environment
    let temp: Record<string, string> | undefined;
    if (c.assigns.length) {
      temp = {};
      for (const a of c.assigns) {
        if (a.array) continue;
        const cur = this.vars.lookup(a.name);
        if (cur && cur.attrs & Attr.READONLY) { this.error(`${a.name}: readonly variable`); continue; }
        const v = yield* expandString(this, a.value, true);
        temp[a.name] = a.append ? (scalarOf(cur) ?? '') + v : v;
      }
    }
    let fds = this.fds;
    if (c.redirs.length) {
      const r = yield* this.redirect(c.redirs);
      if (!r) return 1;
      fds = r;
    }
    const target = this.resolveCommand(name);
    if ('err' in target) {
      (fds[2]?.w ?? NULL_OUT).write(`${this.errPrefix()}${target.err}\n`);
      return target.status;
    }
    if ('file' in target) {
      const av = target.argv0 ? [target.argv0, ...argv.slice(1)] : argv;
      return yield* this.runScriptFile(target.file, av, fds, temp, target.interp);
    }
    return yield* this.runCommand(target.cmd, argv, fds, temp);
  }

  /** Resolve a command word to a registry command, a script file, or an error. */
  resolveCommand(name: string): { cmd: ExtCommand } | { file: string; interp?: string[]; argv0?: string } | { err: string; status: number } {
    if (!name.includes('/')) {
      const e = this.lookupPath(name);
      if (!e) return { err: `${name}: command not found`, status: 127 };
      if ('cmd' in e) return { cmd: e.cmd };
      const r = this.checkFile(name, e.file);
      if ('file' in r) return { ...r, argv0: e.path };
      return r;
    }
    const p = Vfs_normalize(this.cwd, name);
    const fs = this.w.fs;
    let exists = true;
    try { fs.stat(p); } catch { exists = false; }
    if (!exists) {
      const c = this.binaryAt(p);
      if (c) return { cmd: c };
      return { err: `${name}: No such file or directory`, status: 127 };
    }
    return this.checkFile(name, p);
  }

  /** A registry command installed at `p` (or at p with /bin ≡ /usr/bin), if any. */
  private binaryAt(p: string): ExtCommand | undefined {
    const idx = this.pathIndex();
    const c = idx.get(canonBin(p)) ?? idx.get(p);
    if (c && this.installed(c)) return c;
    const base = p.slice(p.lastIndexOf('/') + 1);
    const dir = canonBin(p.slice(0, p.lastIndexOf('/')) || '/');
    if (STD_BIN_DIRS.has(dir)) {
      const rc = this.registryCommand(base);
      if (rc) return rc;
    }
    return undefined;
  }

  private checkFile(name: string, p: string): { cmd: ExtCommand } | { file: string; interp?: string[] } | { err: string; status: number } {
    const fs = this.w.fs;
    let st;
    try { st = fs.stat(p); } catch { return { err: `${name}: No such file or directory`, status: 127 }; }
    if (st.kind === 'dir') return { err: `${name}: Is a directory`, status: 126 };
    if ((st.mode & 0o111) === 0) return { err: `${name}: Permission denied`, status: 126 };
    let data = '';
    try { data = fs.readFile(p); } catch { /* device etc. */ }
    if (data.startsWith('\x7fELF') || (data === '' && st.kind !== 'file')) {
      const c = this.binaryAt(p) ?? this.registryCommand(p.slice(p.lastIndexOf('/') + 1));
      if (c) return { cmd: c };
      // A program RHEL 9 installs that the lab does not run (tar, chronyc …): say so plainly
      // rather than pretend the binary is broken. Anything else that looks like ELF is.
      if (data.startsWith('\x7fELF') && /^\/usr\/s?bin\/[^/]+$/.test(p)) return { err: `${name}: not simulated in LVS Lab (installed on RHEL 9, but this lab does not run it)`, status: 126 };
      if (data.startsWith('\x7fELF')) return { err: `${name}: cannot execute binary file: Exec format error`, status: 126 };
    }
    if (data.startsWith('#!')) {
      const line = data.slice(2, data.indexOf('\n') < 0 ? data.length : data.indexOf('\n')).trim();
      const parts = line.split(/\s+/).filter(Boolean);
      if (parts.length) {
        let interp = parts[0];
        let args = parts.slice(1, 2);
        if (interp.endsWith('/env') && args.length) { interp = args[0]; args = []; }
        const base = interp.slice(interp.lastIndexOf('/') + 1);
        if (base === 'bash' || base === 'sh') return { file: p };
        const c = interp.includes('/') ? this.binaryAt(interp) : this.lookupPath(interp);
        if (c && 'cmd' in c) return { file: p, interp: [interp, ...args] };
        if (c && !('cmd' in c)) return { file: p, interp: [interp, ...args] };
        if (!interp.includes('/')) return { err: `${name}: ${interp}: No such file or directory`, status: 127 };
        return { err: `${name}: ${interp}: bad interpreter: No such file or directory`, status: 126 };
      }
    }
    return { file: p };
  }

  /** The context a registry command runs with. */
  makeContext(argv: string[], fds: Fd[], temp?: Record<string, string>): CmdContext {
    const sh = this;
    const env: EnvApi = {
      get: (n) => (temp && n in temp ? temp[n] : sh.special(n)),
      set: (n, v) => { if (temp && n in temp) temp[n] = v; else sh.setVar(n, v); },
      exported: () => sh.exportedEnv(temp),
    };
    const cwd = this.cwd;
    return {
      argv,
      stdin: fds[0]?.r ?? new NullIn(),
      stdout: fds[1]?.w ?? NULL_OUT,
      stderr: fds[2]?.w ?? NULL_OUT,
      env,
      cwd,
      fs: this.w.fs,
      host: this.w.host,
      tty: this.w.tty,
      resolve: (p: string) => Vfs_normalize(cwd, p),
      runLine: (line: string, io?: { stdout?: OutStream; stderr?: OutStream }) => {
        const child = sh.clone(null);
        child.fds = fds.slice();
        if (io?.stdout) child.fds[1] = { w: io.stdout };
        if (io?.stderr) child.fds[2] = { w: io.stderr };
        return trampoline(child.runLineSub(line));
      },
    };
  }

  /** Run a line in this (already cloned) shell, as a subshell. */
  *runLineSub(line: string): Run<number> {
    let st = 0;
    try {
      st = yield* this.evalString(line);
    } catch (e) {
      if (e instanceof ExitEx || e instanceof AbortEx || e instanceof ReturnEx) st = e.status;
      else if (e instanceof ShellSignal && e.sig === 'PIPE') st = 141;
      else if (e instanceof BreakEx || e instanceof ContinueEx) st = this.status;
      else throw e;
    }
    return st;
  }

  /** Run a registry command (an "external" program). */
  *runCommand(cmd: ExtCommand, argv: string[], fds: Fd[], temp?: Record<string, string>): Run<number> {
    const ctx = this.makeContext(argv, fds, temp);
    try {
      return yield* cmd.run(ctx);
    } catch (e) {
      if (e instanceof ShellSignal) {
        if (e.sig === 'PIPE') return 141;
        // Without job control (scripts) the shell gets the signal too: a trap runs and the
        // script goes on. With job control only the foreground job gets it; the shell then
        // breaks out of loops as bash does (jobs.c: "act as if the shell received SIGINT").
        if (this.traps.has(e.sig) && !this.jobControl) {
          yield* this.runTrap(e.sig);
          return e.status;
        }
        throw e;
      }
      if (e instanceof FsError) {
        ctx.stderr.write(`${argv[0]}: ${e.path ? e.path + ': ' : ''}${STRERROR[e.code]}\n`);
        return 1;
      }
      if (e instanceof ExitEx || e instanceof AbortEx || e instanceof ReturnEx || e instanceof BreakEx || e instanceof ContinueEx) throw e;
      // A bug in a command must not take the shell down.
      ctx.stderr.write(`${argv[0]}: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
  }

  /** Run a script file in a child bash (the kernel's exec of a `#!` file). */
  *runScriptFile(file: string, argv: string[], fds: Fd[], temp?: Record<string, string>, interp?: string[]): Run<number> {
    if (interp) {
      // #!/usr/bin/python3 and friends: run the interpreter command with the file as argument.
      const ip = interp[0];
      const c = ip.includes('/') ? this.binaryAt(ip) : this.registryCommand(ip);
      if (!c) {
        (fds[2]?.w ?? NULL_OUT).write(`${this.errPrefix()}${argv[0]}: ${ip}: bad interpreter: No such file or directory\n`);
        return 126;
      }
      return yield* this.runCommand(c, [...interp, argv[0], ...argv.slice(1)], fds, temp);
    }
    let text: string;
    try { text = this.w.fs.readFile(file); } catch (e) {
      (fds[2]?.w ?? NULL_OUT).write(`${this.errPrefix()}${argv[0]}: ${e instanceof FsError ? STRERROR[e.code] : 'error'}\n`);
      return 126;
    }
    const child = this.childShell(temp);
    child.fds = fds.slice();
    child.scriptFile = argv[0];
    child.arg0 = argv[0];
    child.pos = argv.slice(1);
    return yield* child.runScript(text);
  }

  /** A fresh non-interactive bash that inherits only the environment and cwd (bash SCRIPT). */
  childShell(temp?: Record<string, string>): Interp {
    const info = this.fork('bash');
    const c = new Interp(this.w, false, info?.pid);
    c.proc = info;
    c.ppid = this.pid;
    c.cwd = this.cwd;
    c.fds = this.fds.slice();
    const env = this.exportedEnv(temp);
    for (const [k, v] of Object.entries(env)) {
      const vv = c.vars.writable(k)!;
      vv.value = v;
      vv.attrs = Attr.EXPORT;
    }
    const lvl = Number(env.SHLVL ?? '0');
    c.setVar('SHLVL', String((Number.isFinite(lvl) ? lvl : 0) + 1), { export: true });
    c.initShellVars();
    return c;
  }

  /** Variables every bash sets at startup (when not inherited). */
  initShellVars(): void {
    const set = (k: string, v: string, attrs = 0) => {
      const x = this.vars.writable(k)!;
      if (x.value === undefined) x.value = v;
      x.attrs |= attrs;
    };
    set('BASH', '/usr/bin/bash');
    set('BASH_VERSION', BASH_VERSION);
    set('IFS', ' \t\n');
    set('OPTIND', '1');
    set('PS4', '+ ');
    set('PS2', '> ');
    set('HOSTNAME', this.w.host.hostname);
    set('HOSTTYPE', 'x86_64');
    set('OSTYPE', 'linux-gnu');
    set('MACHTYPE', 'x86_64-redhat-linux-gnu');
    const vi = this.vars.writable('BASH_VERSINFO')!;
    vi.value = ['5', '1', '8', '1', 'release', 'x86_64-redhat-linux-gnu'];
    vi.attrs |= Attr.ARRAY | Attr.READONLY;
    const uid = this.vars.writable('UID')!; uid.value = '0'; uid.attrs |= Attr.READONLY;
    const euid = this.vars.writable('EUID')!; euid.value = '0'; euid.attrs |= Attr.READONLY;
    const ppid = this.vars.writable('PPID')!; ppid.value = String(this.ppid); ppid.attrs |= Attr.READONLY;
    set('PWD', this.cwd, Attr.EXPORT);
    const pwd = this.vars.writable('PWD')!;
    pwd.value = this.cwd;
    if (this.vars.lookup('PATH') === undefined) set('PATH', '/usr/local/bin:/usr/bin:/usr/local/sbin:/usr/sbin');
  }

  /** Run a whole script in this (child) shell; returns the exit status. */
  *runScript(text: string): Run<number> {
    let st: number;
    try {
      st = yield* this.runSource(text);
    } catch (e) {
      if (e instanceof ExitEx) st = e.status;
      else if (e instanceof ReturnEx) st = e.status;
      else if (e instanceof ShellSignal && e.sig === 'PIPE') st = 141;
      else { this.w.procs.release(this.proc); throw e; }
    }
    st = yield* this.runExitTrap(st);
    this.w.procs.release(this.proc);
    return st;
  }

  *runExitTrap(st: number): Run<number> {
    const h = this.traps.get('EXIT');
    if (h === undefined || h === '') return st;
    this.traps.delete('EXIT');
    this.status = st;
    try {
      yield new Call(this.evalString(h));
    } catch (e) {
      if (e instanceof ExitEx) return e.status;
      if (!(e instanceof AbortEx)) throw e;
    }
    return st;
  }

  // ---- redirections ----------------------------------------------------------------------------

  /** Apply redirections to a copy of the fd table; null (after printing bash's error) on failure. */
  *redirect(redirs: readonly Redir[], base: Fd[] = this.fds): Run<Fd[] | null> {
    const fds = base.slice();
    try {
      for (const r of redirs) yield* this.redirOne(r, fds);
    } catch (e) {
      if (e instanceof RedirError) {
        (fds[2]?.w ?? this.fds[2]?.w ?? NULL_OUT).write(`${this.errPrefix()}${e.msg}\n`);
        return null;
      }
      throw e;
    }
    return fds;
  }

  private *redirTarget(w: Word): Run<string> {
    const fields = yield* expandWords(this, [w]);
    if (fields.length !== 1) throw new RedirError(`${w.text}: ambiguous redirect`);
    return fields[0];
  }

  private *redirOne(r: Redir, fds: Fd[]): Run<void> {
    const op = r.op;
    switch (op) {
      case '<<': case '<<-': {
        const body = r.quoted ? r.target.parts.map((p) => (p as { s: string }).s).join('') : yield* expandHeredoc(this, r.target);
        fds[r.fd >= 0 ? r.fd : 0] = { r: new StringIn(body) };
        return;
      }
      case '<<<': {
        const s = yield* expandString(this, r.target);
        fds[r.fd >= 0 ? r.fd : 0] = { r: new StringIn(s + '\n') };
        return;
      }
      case '<&': case '>&': {
        const fd = r.fd >= 0 ? r.fd : op === '<&' ? 0 : 1;
        const t = yield* this.redirTarget(r.target);
        if (t === '-') { fds[fd] = {}; return; }
        if (/^[0-9]+-?$/.test(t)) {
          const src = Number(t.replace('-', ''));
          const f = fds[src];
          if (!f || (!f.r && !f.w)) throw new RedirError(`${src}: Bad file descriptor`);
          fds[fd] = f;
          if (t.endsWith('-')) fds[src] = {};
          return;
        }
        if (op === '<&' || r.fd >= 0) throw new RedirError(`${t}: ambiguous redirect`);
        const o = this.openWrite(t, false, r.target.text);
        fds[1] = { w: o };
        fds[2] = { w: o };
        return;
      }
      case '&>': case '&>>': {
        const t = yield* this.redirTarget(r.target);
        const o = this.openWrite(t, op === '&>>', r.target.text);
        fds[1] = { w: o };
        fds[2] = { w: o };
        return;
      }
      case '>': case '>>': case '>|': {
        const t = yield* this.redirTarget(r.target);
        const fd = r.fd >= 0 ? r.fd : 1;
        if (op === '>' && this.opts.noclobber) {
          try {
            const st = this.w.fs.stat(Vfs_normalize(this.cwd, t));
            if (st.kind === 'file') throw new RedirError(`${t}: cannot overwrite existing file`);
          } catch (e) { if (e instanceof RedirError) throw e; }
        }
        fds[fd] = { w: this.openWrite(t, op === '>>', r.target.text, fds) };
        return;
      }
      case '<': case '<>': {
        const t = yield* this.redirTarget(r.target);
        const fd = r.fd >= 0 ? r.fd : 0;
        fds[fd] = { r: this.openRead(t, fds) };
        return;
      }
    }
  }

  private openRead(t: string, fds: Fd[]): InStream {
    switch (t) {
      case '/dev/null': return new NullIn();
      case '/dev/zero': return new DevIn('zero');
      case '/dev/urandom': case '/dev/random': return new DevIn('urandom', this.nextRandom() * 65537 + 1);
      case '/dev/stdin': return fds[0]?.r ?? new NullIn();
      case '/dev/tty': return this.w.termIn;
    }
    const m = /^\/dev\/fd\/([0-9]+)$/.exec(t);
    if (m) {
      const f = fds[Number(m[1])];
      if (!f?.r) throw new RedirError(`${t}: No such file or directory`);
      return f.r;
    }
    const p = Vfs_normalize(this.cwd, t);
    const fs = this.w.fs;
    try {
      const node = fs.lookup(p);
      if (node.kind === 'dir') return new NullIn();
      if (node.kind === 'chardev') {
        if (node.dev === 'zero') return new DevIn('zero');
        if (node.dev === 'urandom' || node.dev === 'random') return new DevIn('urandom', this.nextRandom() * 65537 + 1);
        if (node.dev === 'tty') return this.w.termIn;
        return new NullIn();
      }
      return new StringIn(fs.readNode(node, p));
    } catch (e) {
      if (e instanceof FsError) throw new RedirError(`${t}: ${STRERROR[e.code]}`);
      throw e;
    }
  }

  private openWrite(t: string, append: boolean, _text: string, fds: Fd[] = this.fds): OutStream {
    switch (t) {
      case '/dev/null': return NULL_OUT;
      case '/dev/stdout': return fds[1]?.w ?? NULL_OUT;
      case '/dev/stderr': return fds[2]?.w ?? NULL_OUT;
      case '/dev/tty': return this.w.termOut;
    }
    const m = /^\/dev\/fd\/([0-9]+)$/.exec(t);
    if (m) {
      const f = fds[Number(m[1])];
      if (!f?.w) throw new RedirError(`${t}: No such file or directory`);
      return f.w;
    }
    if (t === '') throw new RedirError(`: No such file or directory`);
    const p = Vfs_normalize(this.cwd, t);
    const fs = this.w.fs;
    try {
      let node;
      try { node = fs.lookup(p); } catch (e) { if (!(e instanceof FsError) || e.code !== 'ENOENT') throw e; }
      if (node) {
        if (node.kind === 'dir') throw new FsError('EISDIR', p);
        if (node.kind === 'chardev') {
          if (node.dev === 'null') return NULL_OUT;
          if (node.dev === 'tty') return this.w.termOut;
        }
        if (node.kind === 'file' && !append) fs.writeNode(node, '', false, p);
      } else {
        if (t.endsWith('/')) throw new FsError('EISDIR', p);
        fs.writeFile(p, '');
        node = fs.lookup(p);
      }
      return new FileOut(fs, node, p);
    } catch (e) {
      if (e instanceof FsError) throw new RedirError(`${t}: ${STRERROR[e.code]}`);
      throw e;
    }
  }

  // ---- pipelines -------------------------------------------------------------------------------

  private *execPipeline(p: Pipeline): Run<number> {
    if (!p.time) return yield* this.execPipelineBody(p);
    const t0 = this.w.host.now();
    try {
      return yield* this.execPipelineBody(p);
    } finally {
      // Only virtual time passes in the lab; CPU time is reported as zero.
      const secs = (this.w.host.now() - t0) / 1e6;
      if (p.time === 'posix') this.errOut(`real ${secs.toFixed(2)}\nuser 0.00\nsys 0.00\n`);
      else {
        const fmt = (x: number) => `${Math.floor(x / 60)}m${(x % 60).toFixed(3)}s`;
        this.errOut(`\nreal\t${fmt(secs)}\nuser\t0m0.000s\nsys\t0m0.000s\n`);
      }
    }
  }

  private *execPipelineBody(p: Pipeline): Run<number> {
    this.lineno = p.line;
    let st: number;
    if (p.cmds.length === 1) {
      if (p.bang) this.errexitOff++;
      try {
        st = yield* this.exec(p.cmds[0]);
      } finally { if (p.bang) this.errexitOff--; }
      this.pipestatus = [st];
    } else {
      const n = p.cmds.length;
      const pipes: Pipe[] = [];
      for (let i = 0; i < n - 1; i++) pipes.push(new Pipe());
      const stages: ReturnType<typeof trampoline<number>>[] = [];
      const infos: (ProcInfo | null)[] = [];
      try {
        for (let i = 0; i < n; i++) {
          const info = this.fork(stageName(p.cmds[i]));
          infos.push(info);
          const child = this.clone(info);
          if (i > 0) child.fds[0] = { r: pipes[i - 1].reader };
          if (i < n - 1) {
            child.fds[1] = { w: pipes[i].writer };
            if (p.stderrToo[i]) child.fds[2] = { w: pipes[i].writer };
          }
          stages.push(trampoline(stageBody(child, p.cmds[i], i > 0 ? pipes[i - 1] : null, i < n - 1 ? pipes[i] : null)));
        }
      } catch (e) {
        // fork failed part-way: the stages already created never run
        for (const s of stages) { try { s.return(1); } catch { /* ignore */ } }
        for (const inf of infos) this.w.procs.release(inf);
        throw e;
      }
      let sts: number[];
      try {
        sts = yield* runStages(stages, this.w.host);
      } finally {
        for (const inf of infos) this.w.procs.release(inf);
      }
      this.pipestatus = sts;
      st = sts[n - 1];
      if (this.opts.pipefail) for (let i = n - 1; i >= 0; i--) if (sts[i] !== 0) { st = sts[i]; break; }
    }
    this.setPipestatus();
    if (p.bang) { st = st === 0 ? 1 : 0; this.noErrexitOnce = true; }
    return st;
  }

  private setPipestatus(): void {
    const v = this.vars.writable('PIPESTATUS')!;
    v.value = this.pipestatus.map(String);
    v.attrs |= Attr.ARRAY;
  }

  // ---- background jobs -------------------------------------------------------------------------

  private *execAsync(cmd: Command): Run<void> {
    const info = this.fork(stageName(cmd));
    const child = this.clone(info);
    // bash gives background jobs /dev/null as stdin without job control; with it, a job
    // reading the terminal would be stopped (SIGTTIN). We give them an empty input in both cases.
    if (child.fds[0]?.r === this.w.termIn) child.fds[0] = { r: new NullIn() };
    child.errexitOff = 0;
    // `( list ) &` needs no second fork: the background child runs the list itself.
    const body = cmd.t === 'subshell' && !cmd.redirs.length ? cmd.body : cmd;
    const co = trampoline(child.runSub(body));
    const proc = this.w.procs.spawn(co, { info, name: stageName(cmd), host: this.w.host });
    this.lastBg = proc.pid;
    if (this.jobControl && this.opts.monitor) {
      const job = this.jobs.add(proc, printJob(cmd));
      this.errOut(`[${job.id}] ${proc.pid}\n`);
    } else {
      this.jobs.add(proc, printJob(cmd));
    }
    yield* this.step();
  }

  // ---- compound commands -----------------------------------------------------------------------

  private *execCompound(c: Exclude<Command, SimpleCommand | Pipeline | AndOr | List | FuncDef>): Run<number> {
    const mark = this.tempFiles.length;
    try { return yield* this.execCompound1(c); } finally { if (this.tempFiles.length > mark) this.dropTemp(mark); }
  }

  private *execCompound1(c: Exclude<Command, SimpleCommand | Pipeline | AndOr | List | FuncDef>): Run<number> {
    const saved = this.fds;
    if (c.redirs.length) {
      const fds = yield* this.redirect(c.redirs);
      if (!fds) return 1;
      this.fds = fds;
    }
    try {
      switch (c.t) {
        case 'group': return yield* this.execList(c.body);
        case 'subshell': {
          const info = this.fork('bash');
          const child = this.clone(info);
          return yield* child.runSub(c.body);
        }
        case 'if': {
          for (const cl of c.clauses) {
            this.errexitOff++;
            let st: number;
            try { st = yield* this.execList(cl.cond); } finally { this.errexitOff--; }
            if (st === 0) return yield* this.execList(cl.body);
          }
          if (c.else) return yield* this.execList(c.else);
          return 0;
        }
        case 'while': return yield* this.execWhile(c.cond, c.body, c.until);
        case 'for': return c.select ? yield* this.execSelect(c.name, c.words, c.body, c.line) : yield* this.execFor(c.name, c.words, c.body, c.line);
        case 'arithfor': return yield* this.execArithFor(c.init, c.cond, c.step, c.body, c.line);
        case 'case': return yield* this.execCase(c.word, c.items, c.line);
        case 'arith': {
          this.lineno = c.line;
          const text = yield* expandArithText(this, c.expr);
          if (this.opts.xtrace) this.errOut(`${this.special('PS4') ?? '+ '}(( ${text.trim()} ))\n`);
          return this.arith(text, '((: ') !== 0n ? 0 : 1;
        }
        case 'cond': {
          this.lineno = c.line;
          if (this.opts.xtrace) this.errOut(`${this.special('PS4') ?? '+ '}[[ ... ]]\n`);
          return (yield* this.evalCond(c.expr)) ? 0 : 1;
        }
      }
    } finally {
      this.fds = saved;
    }
    return 0;
  }

  private *execWhile(cond: List, body: List, until: boolean): Run<number> {
    let st = 0;
    this.loopDepth++;
    try {
      for (;;) {
        if (++this.ticker.n >= TICK_EVERY) { this.ticker.n = 0; yield* this.tick(); }
        this.errexitOff++;
        let cs: number;
        try { cs = yield* this.execList(cond); } finally { this.errexitOff--; }
        if ((cs === 0) === until) break;
        try {
          st = yield* this.execList(body);
        } catch (e) {
          if (e instanceof BreakEx) { if (--e.n > 0) throw e; break; }
          if (e instanceof ContinueEx) { if (--e.n > 0) throw e; continue; }
          throw e;
        }
      }
    } finally { this.loopDepth--; }
    return st;
  }

  private *execFor(name: string, words: Word[] | undefined, body: List, line: number): Run<number> {
    this.lineno = line;
    const items = words ? yield* expandWords(this, words) : this.pos.slice();
    let st = 0;
    this.loopDepth++;
    try {
      for (const it of items) {
        if (++this.ticker.n >= TICK_EVERY) { this.ticker.n = 0; yield* this.tick(); }
        if (!this.setVar(name, it)) { st = 1; break; }
        try {
          st = yield* this.execList(body);
        } catch (e) {
          if (e instanceof BreakEx) { if (--e.n > 0) throw e; break; }
          if (e instanceof ContinueEx) { if (--e.n > 0) throw e; continue; }
          throw e;
        }
      }
    } finally { this.loopDepth--; }
    return st;
  }

  /** select: a numbered menu on stderr, PS3 prompt, REPLY from stdin; ends at EOF or break. */
  private *execSelect(name: string, words: Word[] | undefined, body: List, line: number): Run<number> {
    this.lineno = line;
    const items = words ? yield* expandWords(this, words) : this.pos.slice();
    if (!items.length) return 0;
    const w = String(items.length).length;
    const menu = items.map((it, i) => `${String(i + 1).padStart(w)}) ${it}\n`).join('');
    let st = 0;
    let show = true;
    this.loopDepth++;
    try {
      for (;;) {
        if (show) this.errOut(menu);
        show = false;
        this.errOut(this.special('PS3') ?? '#? ');
        const input = this.fds[0]?.r;
        const l = input ? yield* input.readLine() : null;
        if (l === null) { this.errOut('\n'); break; }
        if (l.trim() === '') { show = true; continue; }
        this.setVar('REPLY', l);
        const n = Number(l.trim());
        this.setVar(name, Number.isInteger(n) && n >= 1 && n <= items.length ? items[n - 1] : '');
        try {
          st = yield* this.execList(body);
        } catch (e) {
          if (e instanceof BreakEx) { if (--e.n > 0) throw e; break; }
          if (e instanceof ContinueEx) { if (--e.n > 0) throw e; continue; }
          throw e;
        }
      }
    } finally { this.loopDepth--; }
    return st;
  }

  private *execArithFor(init: Word, cond: Word, step: Word, body: List, line: number): Run<number> {
    this.lineno = line;
    let st = 0;
    const ev = function* (sh: Interp, w: Word): Run<bigint> {
      const t = yield* expandArithText(sh, w);
      return t.trim() === '' ? 1n : sh.arith(t, '((: ');
    };
    yield* ev(this, init);
    this.loopDepth++;
    try {
      for (;;) {
        if (++this.ticker.n >= TICK_EVERY) { this.ticker.n = 0; yield* this.tick(); }
        if ((yield* ev(this, cond)) === 0n) break;
        try {
          st = yield* this.execList(body);
        } catch (e) {
          if (e instanceof BreakEx) { if (--e.n > 0) throw e; break; }
          if (e instanceof ContinueEx) { if (--e.n > 0) throw e; yield* ev(this, step); continue; }
          throw e;
        }
        yield* ev(this, step);
      }
    } finally { this.loopDepth--; }
    return st;
  }

  private *execCase(word: Word, items: CaseItem[], line: number): Run<number> {
    this.lineno = line;
    const s = yield* expandString(this, word);
    let st = 0;
    let fall = false;
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      let matched = fall;
      if (!matched) {
        for (const pw of it.patterns) {
          const pat = yield* expandPattern(this, pw);
          if (this.opts.nocasematch ? matchPattern(pat.toLowerCase(), s.toLowerCase()) : matchPattern(pat, s)) { matched = true; break; }
        }
      }
      if (!matched) continue;
      st = it.body ? yield* this.execList(it.body) : 0;
      if (it.term === ';;') return st;
      fall = it.term === ';&';
    }
    return st;
  }

  // ---- [[ ... ]] ---------------------------------------------------------------------------------

  *evalCond(e: CondExpr): Run<boolean> {
    switch (e.t) {
      case 'and': return (yield* this.evalCond(e.a)) && (yield* this.evalCond(e.b));
      case 'or': return (yield* this.evalCond(e.a)) || (yield* this.evalCond(e.b));
      case 'not': return !(yield* this.evalCond(e.a));
      case 'word': return (yield* expandString(this, e.a)) !== '';
      case 'unary': {
        const a = yield* expandString(this, e.a);
        return unaryTest(this, e.op, a);
      }
      case 'binary': {
        const a = yield* expandString(this, e.a);
        switch (e.op) {
          case '==': case '=': case '!=': {
            const pat = yield* expandPattern(this, e.b);
            const m = this.opts.nocasematch ? matchPattern(pat.toLowerCase(), a.toLowerCase()) : matchPattern(pat, a);
            return e.op === '!=' ? !m : m;
          }
          case '=~': return yield* this.regexMatch(a, e.b);
          case '<': return collate(a, yield* expandString(this, e.b)) < 0;
          case '>': return collate(a, yield* expandString(this, e.b)) > 0;
          case '-eq': case '-ne': case '-lt': case '-le': case '-gt': case '-ge': {
            const x = this.arith(a);
            const y = this.arith(yield* expandString(this, e.b));
            return intCompare(e.op, x, y);
          }
          default: return binaryFileTest(this, e.op, a, yield* expandString(this, e.b));
        }
      }
    }
  }

  private *regexMatch(s: string, w: Word): Run<boolean> {
    // Unquoted parts are regex syntax, quoted parts match literally.
    let src = '';
    for (const p of w.parts) src += yield* regexPart(this, p, false);
    let re: RegExp;
    try {
      re = new RegExp(ereToJs(src));
    } catch {
      throw new CondError(2);
    }
    const m = re.exec(s);
    const v = this.vars.writable('BASH_REMATCH')!;
    v.attrs = (v.attrs | Attr.ARRAY) & ~Attr.READONLY;
    v.value = m ? [...m].map((x) => x ?? '') : [];
    return !!m;
  }

  // ---- command substitution ----------------------------------------------------------------------

  *commandSubst(part: Extract<WordPart, { t: 'cmd' }>): Run<string> {
    let body = part.body;
    if (!body) {
      try {
        body = parseAll(part.src, { line: part.line });
        if (!part.backtick) (part as { body?: List }).body = body;
        else (part as { body?: List }).body = body;
      } catch (e) {
        if (e instanceof ParseError) {
          for (const m of e.msgs) this.errOut(`${this.errPrefix()}command substitution: line ${m.line}: ${m.text}\n`);
          this.substStatus = 2;
          return '';
        }
        throw e;
      }
    }
    // $(< file) reads the file without forking
    if (body.items.length === 1 && !body.items[0].async) {
      const c = body.items[0].cmd;
      if (c.t === 'simple' && c.words.length === 0 && c.assigns.length === 0 && c.redirs.length === 1 && c.redirs[0].op === '<') {
        const fds = yield* this.redirect(c.redirs);
        if (!fds) { this.substStatus = 1; return ''; }
        const data = yield* (fds[0].r ?? new NullIn()).readAll();
        this.substStatus = 0;
        return data.replace(/\n+$/, '');
      }
    }
    const info = this.fork('bash');
    const child = this.clone(info);
    const out = new BufOut();
    child.fds[1] = { w: out };
    child.substDepth = this.substDepth + 1;
    child.errexitOff = this.opts.errexit ? 0 : child.errexitOff;
    const st = yield* child.runSub(body);
    this.substStatus = st;
    this.status = st;
    const text = out.text();
    let e = text.length;
    while (e > 0 && text.charCodeAt(e - 1) === 10) e--;
    return e === text.length ? text : text.slice(0, e);
  }

  /** ${FUNCNAME[@]}: innermost first, `main` at the bottom outside interactive shells. */
  funcNames(): string[] {
    const f = this.funcStack.slice().reverse();
    if (f.length && (!this.interactive || this.scriptFile !== null || this.cmdMode)) f.push('main');
    return f;
  }

  /**
   * <(list): run the list now and hand the command a file holding its output. Without
   * /dev/fd in the Vfs this is what bash does on such systems: a file in /tmp
   * (/tmp/sh-np.XXXXXX), removed when the command finishes. >(list) is not supported.
   */
  *procSubst(p: Extract<WordPart, { t: 'procsubst' }>): Run<string> {
    if (p.dir === '>') this.expError(`>(${p.src}): process substitution for writing is not supported here`, false);
    const info = this.fork('bash');
    const child = this.clone(info);
    const out = new BufOut();
    child.fds[1] = { w: out };
    yield* child.runSub(p.body);
    const name = `/tmp/sh-np.${(this.nextRandom() * 32768 + this.nextRandom()).toString(36).padStart(6, 'a').slice(-6)}`;
    try {
      this.w.fs.writeFile(name, out.text());
    } catch (e) {
      if (e instanceof FsError) this.expError(`${name}: ${STRERROR[e.code]}`, false);
      throw e;
    }
    this.tempFiles.push(name);
    return name;
  }

  /** Remove process-substitution files made since `mark`. */
  dropTemp(mark: number): void {
    while (this.tempFiles.length > mark) {
      const f = this.tempFiles.pop()!;
      try { this.w.fs.unlink(f); } catch { /* already gone */ }
    }
  }

  /** Expand PS1-style escapes (\u \h \W \w \$ ...). */
  expandPrompt(ps: string): string {
    return expandPromptString(this, ps);
  }
}

/** The first-line text of a command, as `ps`/job names use. */
function stageName(c: Command): string {
  if (c.t === 'simple' && c.words.length) return c.words[0].text;
  return 'bash';
}

function* stageBody(child: Interp, cmd: Command, inPipe: Pipe | null, outPipe: Pipe | null): Run<number> {
  try {
    return yield* child.runSub(cmd);
  } finally {
    // Our end of each pipe closes when the stage ends: the reader sees EOF, the writer SIGPIPE.
    outPipe?.closeWriter();
    inPipe?.closeReader();
  }
}

/**
 * Run pipeline stages round-robin until all have finished. `io` waits stay inside; when no
 * stage can move but some wait on the simulation, their waits are combined and yielded out.
 */
function* runStages(stages: Generator<import('../types.ts').Wait, number, void>[], host: HostApi): Run<number[]> {
  const n = stages.length;
  const status = new Array<number>(n).fill(0);
  const waits: (import('../types.ts').Wait | null)[] = new Array(n).fill(null);
  const done = new Array<boolean>(n).fill(false);
  let live = n;
  let rounds = 0;
  try {
    while (live > 0) {
      const before = pipeActivity.count;
      let ticked = false;
      const now = host.now();
      for (let i = 0; i < n; i++) {
        if (done[i]) continue;
        const w = waits[i];
        if (w && w.kind === 'sim' && !(w.ready?.() || (w.until !== undefined && now >= w.until))) continue;
        let r: IteratorResult<import('../types.ts').Wait, number>;
        try {
          r = stages[i].next();
        } catch (e) {
          if (e instanceof ShellSignal) { r = { done: true, value: e.status }; }
          else throw e;
        }
        if (r.done) { status[i] = r.value; done[i] = true; live--; waits[i] = null; continue; }
        const y = r.value;
        if (y.kind === 'tick') { waits[i] = null; ticked = true; } else waits[i] = y;
      }
      if (live === 0) break;
      const progressed = pipeActivity.count !== before;
      if (ticked || ++rounds >= 64) { rounds = 0; yield TICK; continue; }
      if (progressed) continue;
      // Nothing moved: everybody waits on a pipe or on the simulation.
      let until: number | undefined;
      const readies: (() => boolean)[] = [];
      let sims = 0;
      for (let i = 0; i < n; i++) {
        const w = waits[i];
        if (done[i] || !w || w.kind !== 'sim') continue;
        sims++;
        if (w.until !== undefined && (until === undefined || w.until < until)) until = w.until;
        if (w.ready) readies.push(w.ready);
      }
      if (sims) {
        yield { kind: 'sim', until, ready: readies.length ? () => readies.some((f) => f()) : undefined };
      } else {
        // Dead-locked pipes (cannot happen in a linear pipeline); wait until interrupted.
        yield { kind: 'sim', ready: () => pipeActivity.count !== before };
      }
      rounds = 0;
    }
  } catch (e) {
    // A signal (Ctrl-C, kill) for the pipeline goes to every stage still running.
    for (let i = 0; i < n; i++) {
      if (done[i]) continue;
      try {
        const r = stages[i].throw(e);
        if (!r.done) stages[i].return(130);
      } catch { /* the stage died of it */ }
      done[i] = true;
    }
    throw e;
  } finally {
    for (let i = 0; i < n; i++) if (!done[i]) { try { stages[i].return(1); } catch { /* ignore */ } }
  }
  return status;
}

// ---- helpers -------------------------------------------------------------------------------------

export type Builtin = (sh: Interp, argv: string[]) => number | Run<number>;

const STD_BIN_DIRS = new Set(['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin', '/usr/libexec']);

/** /bin and /sbin are symlinks to /usr/bin and /usr/sbin on RHEL 9. */
function canonBin(p: string): string {
  if (p.startsWith('/bin/')) return '/usr' + p;
  if (p.startsWith('/sbin/')) return '/usr' + p;
  return p;
}

function Vfs_normalize(cwd: string, p: string): string {
  const abs = p.startsWith('/') ? p : (cwd.endsWith('/') ? cwd : cwd + '/') + p;
  if (!abs.includes('/.') && !abs.includes('//') && (abs.length === 1 || !abs.endsWith('/'))) return abs;
  const out: string[] = [];
  for (const part of abs.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}
export { Vfs_normalize as normalizePath };

function stripPrefixWord(w: Word, n: number): Word {
  // Drop the first n characters of the word's leading literal text ([key]= of an array element).
  const parts = w.parts.slice();
  let left = n;
  while (left > 0 && parts.length) {
    const p = parts[0];
    const s = p.t === 'lit' || p.t === 'sq' ? p.s : '';
    if (s.length <= left) { left -= s.length; parts.shift(); continue; }
    parts[0] = { ...p, s: s.slice(left) } as WordPart;
    left = 0;
  }
  return { parts, text: w.text.slice(n) };
}

function traceQuote(s: string): string {
  if (s === '') return "''";
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s)) return s;
  return shellQuote(s);
}

export class CondError { constructor(readonly status: number) {} }

function intCompare(op: string, x: bigint, y: bigint): boolean {
  switch (op) {
    case '-eq': return x === y;
    case '-ne': return x !== y;
    case '-lt': return x < y;
    case '-le': return x <= y;
    case '-gt': return x > y;
    default: return x >= y;
  }
}

/** File and string unary tests shared by [[ ]] and test/[. */
export function unaryTest(sh: Interp, op: string, a: string): boolean {
  const fs = sh.w.fs;
  const p = Vfs_normalize(sh.cwd, a);
  const st = () => { try { return fs.stat(p); } catch { return null; } };
  switch (op) {
    case '-z': return a === '';
    case '-n': return a !== '';
    case '-e': case '-a': return a !== '' && st() !== null;
    case '-f': { const s = a !== '' ? st() : null; return !!s && (s.kind === 'file' || s.kind === 'proc'); }
    case '-d': { const s = a !== '' ? st() : null; return !!s && s.kind === 'dir'; }
    case '-c': { const s = a !== '' ? st() : null; return !!s && s.kind === 'chardev'; }
    case '-b': case '-p': case '-S': return false;
    case '-h': case '-L': try { return a !== '' && fs.lstat(p).kind === 'symlink'; } catch { return false; }
    case '-r': case '-w': return a !== '' && st() !== null;
    case '-x': { const s = a !== '' ? st() : null; return !!s && (s.kind === 'dir' || (s.mode & 0o111) !== 0); }
    case '-s': { const s = a !== '' ? st() : null; return !!s && (s.size > 0 || s.kind === 'proc' && fs.readFile(p).length > 0); }
    case '-g': { const s = st(); return !!s && (s.mode & 0o2000) !== 0; }
    case '-u': { const s = st(); return !!s && (s.mode & 0o4000) !== 0; }
    case '-k': { const s = st(); return !!s && (s.mode & 0o1000) !== 0; }
    case '-O': case '-G': return st() !== null;
    case '-N': { const s = st(); return !!s && s.mtime > s.atime; }
    case '-t': return a === '0' ? !!sh.fds[0]?.r?.isTty : a === '1' || a === '2' ? !!sh.fds[Number(a)]?.w?.isTty : false;
    case '-v': {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(.*)\])?$/.exec(a);
      if (!m) return false;
      const v = sh.vars.lookup(m[1]);
      if (!v || v.value === undefined) return sh.special(m[1]) !== undefined && !/^[A-Za-z_]/.test(m[1]) ? true : false;
      if (m[2] === undefined) return scalarOf(v) !== undefined;
      return true;
    }
    case '-o': {
      const o = SET_O.find(([n]) => n === a);
      return !!o && !!o[1] && !!sh.opts[o[1]];
    }
    case '-R': return false;
  }
  return false;
}

export function binaryFileTest(sh: Interp, op: string, a: string, b: string): boolean {
  const fs = sh.w.fs;
  const st = (x: string) => { try { return fs.stat(Vfs_normalize(sh.cwd, x)); } catch { return null; } };
  switch (op) {
    case '-nt': { const x = st(a), y = st(b); return !!x && (!y || x.mtime > y.mtime); }
    case '-ot': { const x = st(a), y = st(b); return !!y && (!x || x.mtime < y.mtime); }
    case '-ef': { const x = st(a), y = st(b); return !!x && !!y && x.ino === y.ino; }
  }
  return false;
}

function* regexPart(sh: Interp, p: WordPart, quoted: boolean): Run<string> {
  switch (p.t) {
    case 'lit': return quoted ? reQuote(p.s) : p.s;
    case 'sq': return reQuote(p.s);
    case 'dq': {
      let s = '';
      for (const q of p.parts) s += yield* regexPart(sh, q, true);
      return s;
    }
    default: {
      const v = yield* expandString(sh, { parts: [p], text: '' });
      return quoted ? reQuote(v) : v;
    }
  }
}

function reQuote(s: string): string { return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&'); }

/** POSIX ERE → JavaScript RegExp source (bracket classes like [[:digit:]]). */
function ereToJs(src: string): string {
  return src.replace(/\[:([a-z]+):\]/g, (m, name: string) => {
    const CL: Record<string, string> = {
      alpha: 'A-Za-z', digit: '0-9', alnum: '0-9A-Za-z', upper: 'A-Z', lower: 'a-z', space: '\\s', blank: ' \\t',
      punct: '!-\\/:-@\\[-`{-~', print: ' -~', graph: '!-~', cntrl: '\\x00-\\x1f', xdigit: '0-9A-Fa-f',
    };
    return CL[name] ?? m;
  });
}

/** PS1 escapes. */
export function expandPromptString(sh: Interp, ps: string): string {
  const host = sh.w.host.hostname;
  const home = sh.special('HOME') ?? '/root';
  const cwd = sh.special('PWD') ?? sh.cwd;
  let out = '';
  for (let i = 0; i < ps.length; i++) {
    const c = ps[i];
    if (c !== '\\') { out += c; continue; }
    const n = ps[++i];
    switch (n) {
      case 'u': out += sh.special('USER') ?? 'root'; break;
      case 'h': out += host.split('.')[0]; break;
      case 'H': out += host; break;
      case 'w': out += cwd === home ? '~' : cwd.startsWith(home + '/') ? '~' + cwd.slice(home.length) : cwd; break;
      case 'W': out += cwd === home ? '~' : cwd === '/' ? '/' : cwd.slice(cwd.lastIndexOf('/') + 1); break;
      case '$': out += sh.special('EUID') === '0' || sh.special('UID') === '0' ? '#' : '$'; break;
      case 's': out += 'bash'; break;
      case 'v': out += '5.1'; break;
      case 'V': out += '5.1.8'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\x07'; break;
      case 'e': out += '\x1b'; break;
      case '\\': out += '\\'; break;
      case '[': case ']': break;
      case '#': out += String(sh.history.length + 1); break;
      case '!': out += String(sh.history.length + 1); break;
      case 'j': out += String(sh.jobs.list.length); break;
      case 'l': out += 'pts/0'; break;
      case 't': case 'T': case '@': case 'A': case 'd': {
        const d = new Date(sh.w.host.epochSeconds() * 1000);
        const p2 = (x: number) => String(x).padStart(2, '0');
        if (n === 't') out += `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
        else if (n === 'A') out += `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`;
        else if (n === 'T') out += `${p2(d.getUTCHours() % 12 || 12)}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
        else if (n === '@') out += `${p2(d.getUTCHours() % 12 || 12)}:${p2(d.getUTCMinutes())} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
        else out += d.toUTCString().slice(0, 10).replace(',', '');
        break;
      }
      case undefined: out += '\\'; break;
      default:
        if (n >= '0' && n <= '7') {
          const m = /^[0-7]{1,3}/.exec(ps.slice(i))![0];
          out += String.fromCharCode(parseInt(m, 8));
          i += m.length - 1;
        } else out += '\\' + n;
    }
  }
  return out;
}

/** Variables that are always computed (assigning RANDOM seeds it, SECONDS resets it). */
const ALWAYS_DYNAMIC: Record<string, (sh: Interp) => string> = {
  RANDOM: (sh) => String(sh.nextRandom()),
  SECONDS: (sh) => String(sh.seconds()),
  LINENO: (sh) => String(sh.lineno),
  BASHPID: (sh) => String(sh.bashpid),
  EPOCHSECONDS: (sh) => String(Math.floor(sh.w.host.epochSeconds())),
  EPOCHREALTIME: (sh) => (sh.w.host.epochSeconds()).toFixed(6),
};

/** Dynamic variables computed on access (when not set by the user). */
const DYNAMIC: Record<string, (sh: Interp) => string | undefined> = {
  FUNCNAME: (sh) => sh.funcStack[sh.funcStack.length - 1],
  HOSTNAME: (sh) => sh.w.host.hostname,
  SHELLOPTS: (sh) => SET_O.filter(([, k]) => k && sh.opts[k]).map(([n]) => n).join(':'),
  BASHOPTS: () => 'checkwinsize:cmdhist:complete_fullquote:expand_aliases:extquote:force_fignore:globasciiranges:hostcomplete:interactive_comments:progcomp:promptvars:sourcepath',
  BASH_SUBSHELL: () => '0',
  HISTCMD: (sh) => String(sh.history.length + 1),
};

export function isDynamic(name: string): boolean { return name in DYNAMIC || name in ALWAYS_DYNAMIC; }

export { SIGNAMES, patternSource, type Var };
