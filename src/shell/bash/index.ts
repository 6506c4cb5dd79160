/**
 * The bash interpreter's public surface: the interactive Shell, the streams a terminal
 * plugs into it, the bash/sh/which commands, and parser helpers. The process table and the
 * drivers are in ../proc.ts.
 */
export { Shell, DEFAULT_PATH, RHEL_PROFILE_ALIASES, RHEL_ROOT_ALIASES } from './shell.ts';
export type { ShellOptions, Completion, Completer } from './shell.ts';
export type { CompletionContext } from './complete.ts';
export { createShellCommands, makeBashCommand, makeWhichCommand } from './commands.ts';
export type { ShellCommandDeps } from './commands.ts';
export { BufOut, FnOut, NULL_OUT, NullIn, StringIn, TermIn, TermOut } from './streams.ts';
export { isCompleteSource, parseAll, ParseError } from './parser.ts';
export { BASH_VERSION, FUNCNEST, TICK_EVERY } from './exec.ts';
