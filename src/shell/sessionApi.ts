/**
 * The lab session: one Lab plus one interactive bash per host, as the browser and the
 * headless runner use it. This file is the contract (types only); session.ts implements it.
 *
 * Terminal text uses "\n" line endings (the terminal widget converts to "\r\n").
 * Everything is deterministic: the same inputs at the same virtual times give the same
 * output, frames and state, which is what URL sharing and time travel replay rely on.
 */

/**
 * One thing a student did, in order: the unit of replay (share-by-URL, reload, time travel).
 * `at` is the virtual time and `step` the session's scheduler step count when it happened:
 * together they pin it exactly, even in the middle of a running loop.
 */
export type InputEvent =
  | { readonly kind: 'line'; readonly host: string; readonly text: string; readonly at: number; readonly step: number }
  | { readonly kind: 'stdin'; readonly host: string; readonly text: string; readonly at: number; readonly step: number }
  | { readonly kind: 'interrupt'; readonly host: string; readonly at: number; readonly step: number }
  | { readonly kind: 'edit'; readonly host: string; readonly content: string | null; readonly at: number; readonly step: number }
  | { readonly kind: 'topology'; readonly op: TopologyOp; readonly at: number; readonly step: number };

/** Changes a student or teacher makes to the lab's hardware (issue 5 extends this). */
export type TopologyOp =
  | { readonly op: 'power'; readonly host: string; readonly on: boolean }
  | { readonly op: 'cable'; readonly host: string; readonly dev: string; readonly plugged: boolean }
  | { readonly op: 'addHost'; readonly host: string; readonly role: string }
  | { readonly op: 'removeHost'; readonly host: string }
  | { readonly op: 'addNic'; readonly host: string; readonly dev: string; readonly segment: string }
  | { readonly op: 'removeNic'; readonly host: string; readonly dev: string }
  | { readonly op: 'connect'; readonly host: string; readonly dev: string; readonly segment: string | null }
  | { readonly op: 'addSegment'; readonly segment: string }
  | { readonly op: 'removeSegment'; readonly segment: string }
  | { readonly op: 'rename'; readonly host: string; readonly to: string };

export interface TerminalSink {
  /** Text a host's terminal shows (command output, job notices). */
  output(host: string, data: string): void;
  /**
   * Text a command wrote to its stderr, when the sink wants it apart (tests checking that a
   * failure is explained); absent = it goes to `output` like everything else.
   */
  error?(host: string, data: string): void;
  /** The host's shell is ready for the next line; show this prompt. */
  prompt(host: string, prompt: string): void;
  /** A command wants a full-screen editor on a file (vi, nano). Answer with LabSession.finishEdit. */
  edit?(host: string, path: string, content: string, mode: 'vi' | 'nano'): void;
  /** The terminal should be cleared (clear, Ctrl-L). */
  clear?(host: string): void;
}

export interface PumpResult {
  /** No shell has anything to do and no command is running. */
  readonly idle: boolean;
  /** Virtual time of the next scheduled event (Infinity if none). */
  readonly nextEvent: number;
  /** Some command is waiting for virtual time to pass (curl, sleep, ping). */
  readonly waitingOnTime: boolean;
}

export interface LabSessionApi {
  /** Names of hosts that have a shell (not the NAT gateway). */
  shellHosts(): string[];
  prompt(host: string): string;
  /** Would this text need a continuation line (PS2) before it can run? */
  needsMore(host: string, text: string): boolean;
  /** Tab completion candidates for `line` with the cursor at `cursor`. */
  complete(host: string, line: string, cursor: number): { replaceFrom: number; candidates: string[] };
  /** A line typed at a host's prompt (recorded in the journal). */
  submit(host: string, line: string): void;
  /** Text typed while a command runs (its stdin: `dnf` asking y/N, `read`). */
  feedStdin(host: string, text: string): void;
  /** Ctrl-C on a host's terminal. */
  interrupt(host: string): void;
  /** Save the editor's content and resume the command that opened it. */
  finishEdit(host: string, content: string | null): void;
  /** Is a command running on this host? */
  busy(host: string): boolean;
  /**
   * Let shells and the simulation run: at most `budgetMs` of real time (measured with the
   * caller's `realNow`), and the virtual clock at most up to `simUntil` (the browser's
   * real-time pacing; Infinity = as fast as possible, which is what headless use wants).
   */
  pump(budgetMs: number, realNow: () => number, simUntil: number): PumpResult;
  /** Everything done so far, for replay. */
  journal(): readonly InputEvent[];
  /** Apply a hardware change (power, cables, hosts, NICs, networks). */
  topology(op: TopologyOp): string | null;
}
