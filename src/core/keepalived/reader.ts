/**
 * keepalived's configuration reader and keyword engine (lib/parser.c of keepalived 2.2.8),
 * reproduced closely enough that a mistake in keepalived.conf gives the same messages, in the
 * same order, with the same side effects (a block swallowed, a keyword applied at the wrong
 * level) as the real daemon.
 *
 * - read_line(): `!` and `#` start a comment outside double quotes; `include GLOB` pulls in
 *   files; a line is split before its first `{` or `}` (outside quotes), so
 *   `real_server 1.2.3.4 80 { weight 1 }` is read as four lines: `real_server 1.2.3.4 80`,
 *   `{`, `weight 1`, `}`. A lone `}` at depth 0 gives `Extra '}' found`.
 * - alloc_strvec(): words split on blanks, `"..."` and `'...'` quoted, backslash escapes.
 * - process_stream(): the keyword table of the current level; a keyword with a block needs a
 *   `{` next (`Missing '{' at beginning of configuration block` otherwise, and the line is
 *   read at the inner level anyway); `}` ends the level; an unknown word gives
 *   `Unknown keyword '%s'` and the rest of its line is ignored (a block that follows is then
 *   read at the *current* level — the cascade a typo in `real_servr` causes); a keyword of
 *   another process's section (virtual_server in the VRRP child) is skipped whole.
 * - report_config_error(): while reading, messages get `(Line N) ` — or `(FILE: Line N) ` when
 *   the text comes from another file, which is always the case in the children (they read
 *   the parent's consolidated copy, whose name is the configuration file's).
 * - A keyword whose handler reads a parameter that is missing ends the process:
 *   `*** Configuration line starting `%s` is missing a parameter after keyword `%s` at word
 *   position %zu` (keepalived exits with KEEPALIVED_EXIT_CONFIG).
 *
 * Not modelled: `$VARIABLE` definitions, `~SEQ`/`~LST`, `@system_id` line prefixes,
 * `include` depth limits and the `include_check` options.
 */
import type { Vfs } from '../fs/vfs.ts';

/** One logical line after brace splitting: its words and where it came from. */
export interface Words {
  readonly words: readonly string[];
  /** The line's raw text (after comment removal), for handlers that want it (misc_path). */
  readonly raw: string;
  readonly line: number;
  readonly file: string;
}

/** Thrown when a handler reads a parameter the line does not have (null_strvec()). */
export class MissingParameter extends Error {
  constructor(readonly text: string) { super(text); }
}

/** A keyword of one level. */
export interface Keyword {
  /** Called with the line's words (the keyword is words[0]); null when inactive in this process. */
  readonly handler?: (w: Args | null) => void;
  /** The keywords inside its `{ }` block, when it has one. */
  readonly sub?: () => KeywordTable;
  /** Called when its block ends (install_level_end_handler / sublevel_end). */
  readonly close?: () => void;
  /** Whether handlers run (install_keyword_root's `active`). Default true. */
  readonly active?: boolean;
  /**
   * The handlers inside this keyword's block, and its close, run only while this returns
   * true (keepalived's `ptr`: current_vs set). Inner levels inherit it unless they set theirs.
   */
  readonly ptr?: () => boolean;
}

export type KeywordTable = ReadonlyMap<string, Keyword>;

/** What a handler sees: the words, with keepalived's strvec_slot() semantics. */
export class Args {
  constructor(readonly w: Words, private readonly r: ConfReader) {}
  get size(): number { return this.w.words.length; }
  get raw(): string { return this.w.raw; }
  /** strvec_slot(): a missing parameter ends the process, as null_strvec() does. */
  slot(i: number): string {
    const v = this.w.words[i];
    if (v !== undefined) return v;
    const ws = this.w.words;
    const msg = i > 0 && ws[i - 1] !== undefined
      ? `*** Configuration line starting \`${ws[0] ?? '***MISSING ***'}\` is missing a parameter after keyword \`${ws[i - 1]}\` at word position ${i + 1}`
      : `*** Configuration line starting \`${ws[0] ?? '***MISSING ***'}\` is missing a parameter at word position ${i + 1}`;
    this.r.report(msg);
    throw new MissingParameter(msg);
  }
  /** The word or undefined (vector_size checks). */
  opt(i: number): string | undefined { return this.w.words[i]; }
}

interface Src { text: string[]; name: string; idx: number; named: boolean; dir: string }

const BLANK = /[ \t\r\v\f]/;

/** decomment(): cut at the first `!` or `#` outside double quotes. */
export function decomment(s: string): string {
  let quote = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && quote) { i++; continue; }
    if (c === '"') quote = !quote;
    else if (!quote && (c === '!' || c === '#')) return s.slice(0, i).replace(/[ \t]+$/, '');
  }
  return s;
}

/** alloc_strvec(): the words of a line, quotes removed, escapes applied. */
export function splitWords(s: string, report?: (m: string) => void): string[] | null {
  const out: string[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && BLANK.test(s[i])) i++;
    if (i >= n) break;
    if (out.length === 0 && (s[i] === '!' || s[i] === '#')) break;
    let word = '';
    let quote = '';
    for (; i < n; i++) {
      const c = s[i];
      if (c === '\\') {
        i++;
        if (i >= n) return out.length ? out : null;
        const e = s[i];
        word += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
        continue;
      }
      if (quote) {
        if (c === quote) { quote = ''; continue; }
        word += c;
        continue;
      }
      if (c === '"' || c === '\'') { quote = c; continue; }
      if (BLANK.test(c)) break;
      word += c;
    }
    if (quote) {
      report?.(`String '${s}': missing terminating ${quote}`);
      return out.length ? out : null;
    }
    out.push(word);
  }
  return out.length ? out : null;
}

/** The files an `include` pattern names: `*`, `?` and `[...]` in the last component only. */
function globFiles(fs: Vfs, pattern: string): string[] {
  const slash = pattern.lastIndexOf('/');
  const dir = slash > 0 ? pattern.slice(0, slash) : slash === 0 ? '/' : '.';
  const base = pattern.slice(slash + 1);
  if (!/[*?[]/.test(base)) return fs.exists(pattern) ? [pattern] : [];
  const re = new RegExp('^' + base.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  try {
    return fs.readdir(dir).filter((f) => re.test(f) && !f.startsWith('.')).sort().map((f) => (dir === '/' ? `/${f}` : `${dir}/${f}`));
  } catch {
    return [];
  }
}

export class ConfReader {
  private readonly stack: Src[] = [];
  private residue: { text: string; line: number; src: Src } | null = null;
  private blockDepth = 0;
  private kwLevel = 0;
  private skipSublevel = 0;
  /** Where the line being processed came from (for the `(Line N)` prefix). */
  private cur: { line: number; src: Src | null } = { line: 0, src: null };
  /** Messages in order, already prefixed. */
  readonly messages: string[] = [];
  private finished = false;
  private readonly child: boolean;

  /**
   * `named`: prefix every message with the file name (the children read the parent's
   * consolidated copy, which carries the configuration file's name).
   */
  constructor(private readonly fs: Vfs, path: string, text: string, named: boolean) {
    this.child = named;
    this.stack.push({ text: text.split('\n'), name: path, idx: 0, named, dir: path.slice(0, path.lastIndexOf('/')) || '/' });
  }

  /** report_config_error(): with the location while reading, plain after. */
  report(msg: string): void {
    const c = this.cur;
    let text = msg;
    if (!this.finished && c.src) text = c.src.named ? `(${c.src.name}: Line ${c.line}) ${msg}` : `(Line ${c.line}) ${msg}`;
    this.messages.push(text);
  }

  /** A log_message() during parsing (no location prefix). */
  note(msg: string): void { this.messages.push(msg); }

  /** The next physical line with comments removed, following includes; null at the end. */
  private physical(): { text: string; line: number; src: Src } | null {
    for (;;) {
      const src = this.stack[this.stack.length - 1];
      if (!src) return null;
      if (src.idx >= src.text.length) {
        this.stack.pop();
        continue;
      }
      const line = src.idx + 1;
      let t = src.text[src.idx++].replace(/\r$/, '');
      t = t.replace(/^[ \t]+/, '');
      t = decomment(t).replace(/[ \t]+$/, '');
      if (!t) continue;
      const inc = /^include[ \t]+(.*)$/.exec(t);
      if (inc) {
        this.include(inc[1].trim(), src, line);
        continue;
      }
      return { text: t, line, src };
    }
  }

  private include(arg: string, from: Src, line: number): void {
    const words = splitWords(arg) ?? [];
    const pat0 = words[0] ?? '';
    const pat = pat0.startsWith('/') ? pat0 : `${from.dir}/${pat0}`;
    const files = globFiles(this.fs, pat);
    if (!files.length) {
      this.cur = { line, src: from };
      this.note(`No config files matched '${pat0}'.`);
      return;
    }
    for (const f of files.reverse()) {
      let text: string;
      try { text = this.fs.readFile(f); } catch { continue; }
      this.stack.push({ text: text.split('\n'), name: f, idx: 0, named: true, dir: f.slice(0, f.lastIndexOf('/')) || '/' });
      // The children read the parent's consolidated copy: only the parent opens the files.
      if (!this.child) this.note(`Opening file '${f}'.`);
    }
  }

  /** read_line(): one logical line (split before the first brace), or null at the end. */
  readLine(): Words | null {
    let cur = this.residue;
    this.residue = null;
    if (!cur) cur = this.physical();
    if (!cur) return null;
    let buf = cur.text;
    // Search for the first '{' or '}' not in double quotes.
    let p = -1;
    if (buf[0] !== '{' && buf[0] !== '}') {
      let q = false;
      for (let i = 0; i < buf.length; i++) {
        const c = buf[i];
        if (c === '"') q = !q;
        else if (!q && (c === '{' || c === '}')) { p = i; break; }
      }
    } else {
      p = 0;
    }
    if (p >= 0) {
      let skip = 0;
      if (p === 0) {
        skip = 1;
        while (buf[skip] === ' ' || buf[skip] === '\t') skip++;
      }
      const rest = buf.slice(p + skip).replace(/[ \t]+$/, '');
      if (rest) {
        this.residue = { text: rest, line: cur.line, src: cur.src };
        buf = buf.slice(0, p + skip);
      }
    }
    buf = buf.replace(/[ \t]+$/, '');
    this.cur = { line: cur.line, src: cur.src };
    if (buf === '{') this.blockDepth++;
    else if (buf === '}') {
      if (this.blockDepth-- < 1) {
        this.report("Extra '}' found");
        this.blockDepth = 0;
      }
    }
    const words = splitWords(buf, (m) => this.report(m)) ?? [];
    return { words, raw: buf, line: cur.line, file: cur.src.name };
  }

  /** skip_block(): do not process the rest of the block being opened. */
  skipBlock(needBlockStart: boolean): void {
    if (needBlockStart) this.skipSublevel = -1;
  }

  /**
   * alloc_value_block(): the lines of a `{ }` value block (virtual_ipaddress, group,
   * unicast_peer, notification_email), each passed to `each`.
   */
  valueBlock(a: Args, each: (w: Args) => void): void {
    let needBob = true;
    let first: string[] | null = null;
    let hadEob = false;
    const ws = a.w.words;
    if (ws.length > 1) {
      if (ws[1] === '{') {
        needBob = false;
        if (ws.length > 2) {
          first = ws.slice(2);
          if (first[first.length - 1] === '}') { first.pop(); hadEob = true; }
        }
      } else {
        this.report(`Block ${ws[0]} has extra parameters ${ws[1]} ...`);
      }
    }
    for (;;) {
      let vec: string[];
      let w: Words;
      if (first) {
        vec = first;
        w = { ...a.w, words: vec };
        first = null;
      } else {
        const l = this.readLine();
        if (!l) break;
        if (!l.words.length) continue;
        vec = [...l.words];
        if (needBob) {
          needBob = false;
          if (vec[0] === '{') {
            if (vec.length === 1) continue;
            vec.shift();
          } else {
            this.note(`'{' missing from beginning of block ${ws[0]}`);
          }
        }
        if (vec[vec.length - 1] === '}') {
          if (vec.length === 1) break;
          hadEob = true;
          vec.pop();
        }
        w = { ...l, words: vec };
      }
      if (vec.length) each(new Args(w, this));
      if (hadEob) break;
    }
  }

  /** process_stream(): returns true when a skipped block ended the level (ret_err). */
  process(table: KeywordTable, needBob: boolean, guard?: () => boolean): boolean {
    let retErr = false;
    let bobNeeded = false;
    for (;;) {
      const l = this.readLine();
      if (!l) break;
      if (!l.words.length) continue;
      let str = l.words[0];
      if (this.skipSublevel === -1) {
        if (str === '{') {
          this.skipSublevel = 1;
          needBob = false;
          continue;
        }
        this.skipSublevel = 0;
      }
      if (this.skipSublevel) {
        for (const w of l.words) {
          str = w;
          if (w === '{') this.skipSublevel++;
          else if (w === '}') { if (--this.skipSublevel === 0) break; }
        }
        if (str === '}' && this.skipSublevel === 0 && this.kwLevel > 0) { retErr = true; break; }
        continue;
      }
      if (needBob) {
        needBob = false;
        if (str === '{' && this.kwLevel > 0) continue;
        this.report("Missing '{' at beginning of configuration block");
      } else if (str === '{') {
        this.report("Unexpected '{' - ignoring");
        continue;
      }
      if (str === '}' && this.kwLevel > 0) break;
      const kw = table.get(str);
      if (!kw) {
        this.report(`Unknown keyword '${str}'`);
        continue;
      }
      const active = kw.active ?? true;
      if (!active) {
        this.skipSublevel = l.words[l.words.length - 1] === '{' ? 1 : -1;
        kw.handler?.(null);
      }
      let words = l.words;
      if (kw.sub) {
        if (words[words.length - 1] === '{') { words = words.slice(0, -1); bobNeeded = false; } else bobNeeded = true;
      }
      if (active && kw.handler && (!guard || guard())) kw.handler(new Args({ ...l, words }, this));
      if (kw.sub) {
        const inner = kw.ptr ?? guard;
        this.kwLevel++;
        const ret = this.process(kw.sub(), bobNeeded, inner);
        this.kwLevel--;
        if (!ret && active && kw.close && (!inner || inner())) kw.close();
      }
    }
    return retErr;
  }

  /** init_data()'s end: report unbalanced blocks; later reports have no location. */
  finish(): void {
    if (this.blockDepth > 0) this.report(`There are ${this.blockDepth} missing '}'s or extra '{'s`);
    this.finished = true;
  }
}

// ---- number readers (read_unsigned_func, read_decimal_unsigned_long_func, read_timer) ----------

export const TIMER_HZ = 1_000_000;
export const UINT_MAX = 4294967295;

/** strtoul() prefix: the number and whether the whole string was used. */
function strtoul(s: string): { val: number; all: boolean; neg: boolean } {
  const t = s.replace(/^[ \t\n\r\v\f]+/, '');
  const m = /^[+-]?\d+/.exec(t);
  if (!m) return { val: 0, all: t.length === 0, neg: t.startsWith('-') };
  return { val: Number(m[0]), all: m[0].length === t.length, neg: t.startsWith('-') };
}

/** read_unsigned_strvec(): the value, or null (after its own report) when unusable. */
export function readUnsigned(r: ConfReader, s: string, min: number, max: number, ignoreError: boolean): number | null {
  const warn = ignoreError ? 'WARNING - ' : '';
  const { val, all, neg } = strtoul(s);
  if (neg) r.report(`${warn}negative number '${s}'`);
  else if (!all) r.report(`${warn}invalid number '${s}'`);
  else if (val > UINT_MAX) r.report(`${warn}number '${s}' outside unsigned integer range`);
  else if (val < min || val > max) r.report(`${warn}number '${s}' outside range [${min}, ${max}]`);
  else return val;
  return ignoreError && !neg && val >= min && val <= max ? val : null;
}

/** read_timer(): seconds with up to 6 decimals, in µs (TIMER_HZ); null when unusable. */
export function readTimer(r: ConfReader, s: string, min: number, max: number, ignoreError: boolean): number | null {
  const warn = ignoreError ? 'WARNING - ' : '';
  if (!max) max = UINT_MAX * TIMER_HZ;
  if (s.startsWith('-')) { r.report(`${warn}negative number '${s}'`); return null; }
  const shift = 6;
  const dp = s.indexOf('.');
  let intPart = dp >= 0 ? s.slice(0, dp) : s;
  let frac = dp >= 0 ? s.slice(dp + 1) : '';
  let roundUp = false;
  if (frac.length > shift) {
    r.report(`${warn}number '${s}' has too many decimal places`);
    roundUp = frac[shift] >= '5';
    frac = frac.slice(0, shift);
  }
  const digits = intPart + frac.padEnd(shift, '0');
  const m = /^[+]?\d+/.exec(digits);
  const valid = !!m && m[0].length === digits.length;
  let val = m ? Number(m[0]) : 0;
  if (roundUp) val++;
  intPart = '';
  if (!valid) {
    r.report(`${warn}invalid number '${s}'`);
  } else if (val < min || val > max) {
    const f = (v: number) => `${Math.floor(v / TIMER_HZ)}.${String(v % TIMER_HZ).padStart(6, '0')}`;
    r.report(`${warn}number '${s}' outside range [${f(min)}, ${f(max)}]`);
  } else {
    return val;
  }
  return ignoreError && val >= min && val <= max ? val : null;
}

/** check_true_false(): 1, 0 or -1. */
export function trueFalse(s: string): number {
  if (s === 'true' || s === 'on' || s === 'yes') return 1;
  if (s === 'false' || s === 'off' || s === 'no') return 0;
  return -1;
}

/** A table from [name, keyword] pairs, plus names that are accepted and ignored. */
export function table(entries: readonly (readonly [string, Keyword])[], ignored: readonly string[] = []): KeywordTable {
  const m = new Map<string, Keyword>();
  for (const n of ignored) m.set(n, { handler: () => {} });
  for (const [n, k] of entries) m.set(n, k);
  return m;
}
