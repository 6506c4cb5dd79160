/**
 * The contract between the shell, the commands it runs, and whoever drives them.
 *
 * Everything that runs in a host's shell is a coroutine: a generator (`Co<T>`) that returns
 * its result (an exit status) and yields a `Wait` whenever it cannot go on by itself:
 *  - `tick`:  "I have run for a while" — the driver may check for Ctrl-C, repaint, or let
 *             another terminal run, then resume at once. Interpreter loops yield it every few
 *             hundred steps, so `while true; do :; done` never freezes a tab.
 *  - `sim`:   "I need the simulated network to move" — resume when `ready()` is true or the
 *             virtual clock reaches `until` (curl waiting for a SYN/ACK, `sleep 5`, ping -i).
 *             `pty: true` marks a writer held back by the terminal's flow control (it
 *             counts as computing, not waiting, for the runaway guards).
 *  - `io`:    "I am blocked on a pipe" — only seen inside a pipeline, which runs its stages
 *             round-robin; it never reaches the driver.
 * A driver interrupts a coroutine with `gen.throw(new ShellSignal('INT'))` (Ctrl-C): the
 * signal unwinds through the command (finally blocks run) to the shell, which reports it as
 * bash does (status 130).
 *
 * Headless (the runner, tests) a driver satisfies `sim` waits by running the event queue as
 * fast as it can; in the browser a driver paces the virtual clock against real time.
 */
import type { Vfs } from '../core/fs/vfs.ts';
import type { HostApi } from '../core/lab/api.ts';

export type Micros = number;

export type Wait =
  | { readonly kind: 'tick' }
  | { readonly kind: 'sim'; readonly until?: Micros; readonly ready?: () => boolean; readonly pty?: boolean }
  | { readonly kind: 'io' };

export type Co<T> = Generator<Wait, T, void>;

export const TICK: Wait = Object.freeze({ kind: 'tick' });
export const IO_WAIT: Wait = Object.freeze({ kind: 'io' });

/** Wait until `ready()` holds or the virtual clock reaches `until`. */
export function* waitSim(ready?: () => boolean, until?: Micros): Co<void> {
  if (ready?.()) return;
  yield { kind: 'sim', ready, until };
}

export type SignalName = 'INT' | 'PIPE' | 'TERM' | 'KILL' | 'HUP' | 'QUIT' | 'TSTP';
export const SIGNUM: Record<SignalName, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, PIPE: 13, TERM: 15, TSTP: 20 };

/** A signal delivered to a running coroutine (thrown into it). */
export class ShellSignal extends Error {
  constructor(readonly sig: SignalName) {
    super(`SIG${sig}`);
    this.name = 'ShellSignal';
  }
  get status(): number { return 128 + SIGNUM[this.sig]; }
}

/** A readable stream: a pipe, a file, /dev/zero, or the terminal. */
export interface InStream {
  /** The next chunk, or null at end of file. Yields `io`/`sim` while nothing is available. */
  read(): Co<string | null>;
  /** Everything up to end of file. */
  readAll(): Co<string>;
  /** The next line without its "\n", or null at end of file. */
  readLine(): Co<string | null>;
  readonly isTty: boolean;
}

/** A writable stream: a pipe, a file, /dev/null, or the terminal. */
export interface OutStream {
  /** Write text; throws ShellSignal('PIPE') when the reading end has gone (as SIGPIPE). */
  write(s: string): void;
  /** Yield while a pipe's reader is behind; writers of unbounded output call it between chunks. */
  drain(): Co<void>;
  readonly isTty: boolean;
}

/** Shell variables as a command sees them (exported ones form the environment). */
export interface EnvApi {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
  /** Exported variables. */
  exported(): Record<string, string>;
}

/** Terminal features a command may use when its stdout is the terminal. */
export interface TtyApi {
  readonly cols: number;
  readonly rows: number;
  /** Open a full-screen editor on `path` (vi, nano); resolves when the user quits. */
  edit?(path: string, mode: 'vi' | 'nano'): Co<number>;
}

export interface CmdContext {
  /** argv[0] is the name as typed. */
  readonly argv: readonly string[];
  readonly stdin: InStream;
  readonly stdout: OutStream;
  readonly stderr: OutStream;
  readonly env: EnvApi;
  /** Current directory (absolute, as $PWD). */
  readonly cwd: string;
  readonly fs: Vfs;
  /** The machine the command runs on: the core's API for this host. */
  readonly host: HostApi;
  readonly tty?: TtyApi;
  /** An absolute path for `p` relative to cwd (lexical; no symlink resolution). */
  resolve(p: string): string;
  /** Run another command line in a child shell on the same host (watch, xargs-like uses). */
  runLine?(line: string, io?: { stdout?: OutStream; stderr?: OutStream }): Co<number>;
}

export interface Command {
  readonly name: string;
  /** The package that provides the command; absent = always installed. */
  readonly pkg?: string;
  /** Where the command is installed (`/usr/sbin/ipvsadm`); default `/usr/bin/NAME`. */
  readonly path?: string;
  run(ctx: CmdContext): Co<number>;
}

export type CommandRegistry = ReadonlyMap<string, Command>;
