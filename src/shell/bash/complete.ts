/**
 * Tab completion for the interactive shell, in the spirit of bash's default (no
 * bash-completion package): command names in command position (aliases, keywords,
 * functions, builtins, installed commands, executables on $PATH), `$VAR` names, and file
 * names from the Vfs (directories get a trailing `/`). Other code can add completers (for a
 * command's options, host addresses, ...); the first one that answers wins.
 */
import { BUILTINS } from './builtins.ts';
import type { Interp } from './exec.ts';
import { normalizePath } from './exec.ts';
import { collate } from './pattern.ts';

export interface Completion {
  /** The range of `line` the candidates replace. */
  readonly start: number;
  readonly end: number;
  /** Candidates, sorted, each a full replacement of line[start, end). */
  readonly candidates: string[];
}

export interface CompletionContext {
  readonly line: string;
  readonly cursor: number;
  /** Words before the cursor (roughly split, quotes removed). */
  readonly words: string[];
  /** Index of the word being completed in `words` (words[index] is its text so far). */
  readonly index: number;
  /** The text being completed. */
  readonly word: string;
  /** Completing a command name. */
  readonly commandPosition: boolean;
  /** Default file-name candidates for `word` (for completers that want to extend them). */
  files(word?: string): string[];
}

/** Returns candidates, or undefined to let the next completer (or the default) answer. */
export type Completer = (ctx: CompletionContext) => string[] | undefined;

const KEYWORDS = ['if', 'then', 'else', 'elif', 'fi', 'case', 'esac', 'for', 'select', 'while', 'until', 'do', 'done',
  'in', 'function', 'time', '{', '}', '!', '[[', ']]', 'coproc'];
const BREAK = ' \t\n;|&<>()';
const CMD_AFTER = new Set(['', ';', '|', '||', '&', '&&', '(', '$(', '`', '{', 'then', 'do', 'else', 'elif', 'if', 'while', 'until', '!', 'time', 'sudo', 'exec', 'command', 'builtin', 'nohup', 'watch', 'xargs']);

export function complete(sh: Interp, completers: readonly Completer[], line: string, cursor: number): Completion {
  let start = cursor;
  while (start > 0 && (!BREAK.includes(line[start - 1]) || (start >= 2 && line[start - 2] === '\\'))) start--;
  // Keep `$(` / `` ` `` out of the word
  const word = line.slice(start, cursor);
  const before = line.slice(0, start);
  const words = splitRough(before);
  const prev = prevToken(before);
  const commandPosition = CMD_AFTER.has(prev) && !word.includes('/') || (CMD_AFTER.has(prev) && word.startsWith('./'));
  const ctx: CompletionContext = {
    line, cursor, words: [...words, word], index: words.length, word,
    commandPosition,
    files: (w = word) => fileCandidates(sh, w, false),
  };
  for (const c of completers) {
    const r = c(ctx);
    if (r !== undefined) return { start, end: cursor, candidates: uniqSort(r.filter((x) => x.startsWith(word))) };
  }
  let cands: string[];
  if (word.startsWith('$') && !word.includes('/')) {
    const p = word.slice(1).replace(/^\{/, '');
    const brace = word.startsWith('${');
    cands = sh.vars.all().map(([n]) => n).filter((n) => n.startsWith(p)).map((n) => (brace ? '${' + n + '}' : '$' + n));
  } else if (commandPosition && !word.includes('/')) {
    cands = commandNames(sh).filter((n) => n.startsWith(word));
  } else {
    cands = fileCandidates(sh, word, commandPosition);
  }
  return { start, end: cursor, candidates: uniqSort(cands) };
}

function uniqSort(a: string[]): string[] {
  return [...new Set(a)].sort(collate);
}

function prevToken(before: string): string {
  const t = before.replace(/\s+$/, '');
  if (!t) return '';
  const m = /(\|\||&&|\$\(|[;|&(`{!]|[^\s;|&(`]+)$/.exec(t);
  return m ? m[1] : '';
}

function splitRough(s: string): string[] {
  return (s.match(/(?:[^\s'"]+|'[^']*'|"(?:[^"\\]|\\.)*")+/g) ?? []).map((w) => w.replace(/^['"]|['"]$/g, ''));
}

/** Every command name the shell knows. */
export function commandNames(sh: Interp): string[] {
  const names = new Set<string>();
  for (const k of sh.aliases.keys()) names.add(k);
  for (const k of KEYWORDS) names.add(k);
  for (const k of sh.funcs.keys()) names.add(k);
  for (const k of BUILTINS.keys()) names.add(k);
  const path = (sh.special('PATH') ?? '').split(':');
  const dirs = new Set(path.map((d) => d.replace(/\/$/, '')));
  const canon = (d: string) => (d.startsWith('/bin') || d.startsWith('/sbin') ? '/usr' + d : d);
  const inPath = (p: string) => {
    const dir = p.slice(0, p.lastIndexOf('/'));
    return dirs.has(dir) || dirs.has(canon(dir)) || [...dirs].some((d) => canon(d) === dir);
  };
  for (const [name, c] of sh.w.registry) {
    if (c.pkg && !sh.w.host.hasPackage(c.pkg)) continue;
    if (inPath(c.path ?? `/usr/bin/${name}`)) names.add(name);
  }
  for (const [name, c] of sh.w.own) if (inPath(c.path ?? `/usr/bin/${name}`)) names.add(name);
  const fs = sh.w.fs;
  for (const d of dirs) {
    if (!d) continue;
    try {
      for (const n of fs.readdir(d)) {
        try {
          const st = fs.stat(`${d}/${n}`);
          if (st.kind !== 'dir' && st.mode & 0o111) names.add(n);
        } catch { /* dangling */ }
      }
    } catch { /* no such dir */ }
  }
  return [...names];
}

/** File names completing `word` (directories with a trailing /). */
export function fileCandidates(sh: Interp, word: string, execOnly: boolean): string[] {
  let w = word.replace(/\\(.)/g, '$1');
  let tildePrefix = '';
  if (w.startsWith('~')) {
    const slash = w.indexOf('/');
    if (slash < 0) {
      // ~user completion: just ~ and ~root
      return ['~/', '~root/'].filter((x) => x.startsWith(w) && x !== w + '/');
    }
    const home = sh.tildeDir(w.slice(1, slash));
    if (home === undefined) return [];
    tildePrefix = w.slice(0, slash);
    w = home + w.slice(slash);
  }
  const slash = w.lastIndexOf('/');
  const dirPart = slash >= 0 ? w.slice(0, slash + 1) : '';
  const shownDir = escapeName(dirPart).replace(/\\\//g, '/');
  const base = slash >= 0 ? w.slice(slash + 1) : w;
  const dir = normalizePath(sh.cwd, dirPart || '.');
  const fs = sh.w.fs;
  let names: string[];
  try { names = fs.readdir(dir); } catch { return []; }
  const out: string[] = [];
  for (const n of names) {
    if (!n.startsWith(base)) continue;
    if (n.startsWith('.') && !base.startsWith('.')) continue;
    const full = dir === '/' ? '/' + n : dir + '/' + n;
    let isDir = false;
    let exec = false;
    try { const st = fs.stat(full); isDir = st.kind === 'dir'; exec = (st.mode & 0o111) !== 0; } catch { /* dangling link */ }
    if (execOnly && !isDir && !exec) continue;
    let shown = shownDir + escapeName(n) + (isDir ? '/' : '');
    if (tildePrefix) shown = tildePrefix + shown.slice(sh.tildeDir(tildePrefix.slice(1))!.length);
    out.push(shown);
  }
  return out;
}

/** Backslash-escape characters the shell would otherwise interpret (as readline does). */
function escapeName(n: string): string {
  return n.replace(/[ \t'"\\$&;()<>|*?[\]!{}#`~]/g, (c) => '\\' + c);
}
