/**
 * The headless lab runner (../shared/spec/lab-runner.md): parse a transcript, run each
 * command on its host's shell in a fresh lab, and render what the terminals showed.
 *
 * Transcript lines: `[root@HOST DIR]# command` (the seed's way) or `HOST# command`; `# ...`
 * comments; `# lab: NAME` before the first command selects the preset. Extension (never
 * clashing with the spec, since such lines were errors before): a line without a prompt
 * right after a command that is still open (an unterminated quote, a heredoc, an `if`
 * without `fi`) continues that command, as a terminal's `> ` prompt would.
 */
import type { PresetName } from '../core/lab/presets.ts';
import { PRESET_NAMES } from '../core/lab/presets.ts';

export interface TranscriptCommand {
  readonly line: number;      // 1-based line of the transcript where it starts
  readonly host: string;      // as written
  readonly text: string;      // the command (continuation lines joined with "\n")
}

export interface Transcript {
  readonly lab: string | null;
  readonly commands: TranscriptCommand[];
}

export class TranscriptError extends Error {
  constructor(readonly line: number, message: string) { super(`line ${line}: ${message}`); }
}

const SEED_PROMPT = /^\[[^@\]\s]+@([^\]\s]+)(?:\s[^\]]*)?\]#(?: (.*)|)$/;
const SHORT_PROMPT = /^([A-Za-z0-9][A-Za-z0-9_.-]*)#(?: (.*)|)$/;
const LAB_LINE = /^#\s*lab:\s*(\S+)\s*$/;

/**
 * Split a transcript into commands. `isOpen(text)` says whether a command still needs a
 * continuation line (the shell decides; the runner passes its parser in).
 */
export function parseTranscript(src: string, isOpen: (text: string) => boolean = () => false): Transcript {
  const lines = src.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  let lab: string | null = null;
  const commands: TranscriptCommand[] = [];
  let open: { line: number; host: string; parts: string[] } | null = null;
  const close = () => {
    if (open) commands.push({ line: open.line, host: open.host, text: open.parts.join('\n') });
    open = null;
  };
  lines.forEach((raw, i) => {
    const n = i + 1;
    if (open && isOpen(open.parts.join('\n'))) {
      const m = SEED_PROMPT.exec(raw) ?? SHORT_PROMPT.exec(raw);
      if (!m) { open.parts.push(raw); return; }
    }
    close();
    const line = raw.replace(/\s+$/, '');
    if (line.trim() === '') return;
    if (/^#( |$)/.test(line) || /^#\s*lab:/.test(line)) {
      const m = LAB_LINE.exec(line);
      if (m && commands.length === 0 && lab === null) lab = m[1];
      return;
    }
    const m = SEED_PROMPT.exec(raw) ?? SHORT_PROMPT.exec(raw);
    if (!m) throw new TranscriptError(n, `not a command line (expected "HOST# command" or "[root@HOST DIR]# command"): ${truncate(line)}`);
    open = { line: n, host: m[1], parts: [m[2] ?? ''] };
  });
  close();
  return { lab, commands };
}

function truncate(s: string): string { return s.length > 60 ? s.slice(0, 57) + '...' : s; }

export function isPreset(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

export interface CommandResult {
  readonly host: string;
  readonly command: string;
  /** The prompt the terminal showed before the command (`[root@lvs ~]# `). */
  readonly prompt: string;
  readonly output: string;
  readonly exit: number;
}

/** The default text rendering: prompt + command echoed, then what the command printed. */
export function renderText(results: readonly CommandResult[]): string {
  let s = '';
  for (const r of results) s += `${r.prompt}${r.command}\n${r.output}`;
  return s;
}

/** The --json rendering. */
export function renderJson(results: readonly CommandResult[]): string {
  return JSON.stringify(results.map((r) => ({ host: r.host, command: r.command, output: r.output, exit: r.exit }))) + '\n';
}
