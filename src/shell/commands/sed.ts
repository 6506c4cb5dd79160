/**
 * sed (GNU sed 4.8): the script language with GNU's extensions.
 *
 * Commands: s (flags g p N i I m M w; `&`, `\1`..`\9`, `\n`, `\U \L \u \l \E` in the
 * replacement), y, d D p P n N g G h H x z l = q Q a i c (one-liner and `a\` forms) r R w W
 * b t T :label { } ! #. Addresses: N, $, /re/ and \cREc with I/M, first~step, addr1,+N,
 * addr1,~N, 0,/re/, `!`. Options: -n -e -f -E/-r -i[SUFFIX] -s -z -l --posix -u --debug(ignored).
 * Parse errors are reported as `sed: -e expression #1, char 5: unterminated `s' command`.
 *
 * Input is one continuous stream across files (each file separately with -s or -i), read a
 * line ahead so `$` is known; the final line keeps its missing newline, as GNU does. Branch
 * loops yield to the scheduler, so `:a;ba` can be interrupted.
 * Left out: the `e` command and the `e` flag (no subprocesses from sed), `F` prints `-` for stdin.
 */
import type { CmdContext, Co } from '../types.ts';
import { TICK } from '../types.ts';
import { jsRegExp, RegexError, translate } from './regex.ts';
import { defineCommand, errText, getopt, type Io, LineReader, openSrc, passSignal, readAll, type Src, stdinSrc } from './util.ts';

type Addr =
  | { k: 'line'; n: number }
  | { k: 'last' }
  | { k: 're'; re: RegExp | null }
  | { k: 'step'; first: number; step: number }
  | { k: 'plus'; n: number }
  | { k: 'mult'; n: number };

interface Cmd {
  a1?: Addr;
  a2?: Addr;
  neg: boolean;
  name: string;
  // range state
  active?: boolean;
  endLine?: number;
  text?: string;            // a i c
  label?: string;           // b t T :
  target?: number;          // resolved jump index; for `{` the index of the matching `}`
  file?: string;            // r R w W, s///w
  re?: RegExp | null;       // s
  repl?: ReplPart[];
  global?: boolean;
  print?: number;           // s///p count
  nth?: number;
  ymap?: Map<string, string>;
  code?: number;            // q Q
  num?: number;             // l
}

type ReplPart = { t: 'lit'; s: string } | { t: 'grp'; n: number } | { t: 'case'; c: 'U' | 'L' | 'E' | 'u' | 'l' };

class SedError extends Error {
  constructor(msg: string, readonly pos: number) { super(msg); }
}

const USAGE = `Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
      --debug
                 annotate program execution
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  --follow-symlinks
                 follow symlinks when processing in place
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -l N, --line-length=N
                 specify the desired line-wrap length for the \`l' command
  --posix
                 disable all GNU extensions.
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single,
                 continuous long stream.
      --sandbox
                 operate in sandbox mode (disable e/r/w commands).
  -u, --unbuffered
                 load minimal amounts of data from the input files and flush
                 the output buffers more often
  -z, --null-data
                 separate lines by NUL characters
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
E-mail bug reports to: <bug-sed@gnu.org>.
`;

// ---- parser --------------------------------------------------------------------------------

class Parser {
  i = 0;
  cmds: Cmd[] = [];
  private blocks: number[] = [];

  constructor(private readonly s: string, private readonly ere: boolean) {}

  private err(msg: string, at = this.i): never { throw new SedError(msg, at); }
  private peek(): string | undefined { return this.s[this.i]; }
  private eof(): boolean { return this.i >= this.s.length; }
  private skipWs(): void { while (!this.eof() && /[ \t]/.test(this.s[this.i])) this.i++; }

  parse(): Cmd[] {
    for (;;) {
      while (!this.eof() && /[ \t\n;]/.test(this.s[this.i])) this.i++;
      if (this.eof()) break;
      if (this.peek() === '#') {
        while (!this.eof() && this.peek() !== '\n') this.i++;
        continue;
      }
      this.command();
    }
    if (this.blocks.length) throw new SedError("unmatched `{'", -1);
    // resolve labels
    const labels = new Map<string, number>();
    this.cmds.forEach((c, k) => {
      if (c.name === ':') {
        if (labels.has(c.label!)) throw new SedError(`duplicate label \`${c.label}'`, -2);
        labels.set(c.label!, k);
      }
    });
    for (const c of this.cmds) {
      if ((c.name === 'b' || c.name === 't' || c.name === 'T') && c.label) {
        const t = labels.get(c.label);
        if (t === undefined) throw new SedError(`can't find label for jump to \`${c.label}'`, -3);
        c.target = t;
      }
    }
    return this.cmds;
  }

  private regexUntil(delim: string, what: string): string {
    // Read a regex up to an unescaped delimiter; `\delim` becomes a literal delim, and a
    // newline may be written `\n`. Brackets are copied verbatim (a delimiter inside [] counts).
    let out = '';
    for (;;) {
      if (this.eof()) this.err(what);
      const c = this.s[this.i++];
      if (c === '\\') {
        if (this.eof()) this.err(what);
        const d = this.s[this.i++];
        if (d === delim) out += delim === '&' ? '\\&' : delim;
        else if (d === '\n') out += '\\n';
        else out += '\\' + d;
        continue;
      }
      if (c === delim) return out;
      if (c === '\n') this.err(what);
      if (c === '[') {
        // GNU's match_slash skips bracket expressions: `s/[/]/x/` has a literal slash
        out += c + this.bracketBody(what);
        continue;
      }
      out += c;
    }
  }

  /** The rest of a bracket expression after its `[`, verbatim up to and including `]`. */
  private bracketBody(what: string): string {
    let out = '';
    if (this.peek() === '^') out += this.s[this.i++];
    if (this.peek() === ']') out += this.s[this.i++];
    for (;;) {
      if (this.eof() || this.peek() === '\n') this.err(what);
      const c = this.s[this.i++];
      out += c;
      if (c === '[' && (this.peek() === ':' || this.peek() === '.' || this.peek() === '=')) {
        const kind = this.s[this.i];
        const end = this.s.indexOf(kind + ']', this.i + 1);
        if (end >= 0 && !this.s.slice(this.i, end).includes('\n')) {
          out += this.s.slice(this.i, end + 2);
          this.i = end + 2;
        }
        continue;
      }
      if (c === ']') return out;
    }
  }

  private compileRe(src: string, flags: string): RegExp | null {
    if (src === '') return null;
    try {
      const t = translate(src, this.ere, 'sed');
      return jsRegExp(t.source, { icase: flags.includes('I') || flags.includes('i'), multiline: flags.includes('M') || flags.includes('m'), global: true });
    } catch (e) {
      if (e instanceof RegexError) this.err(e.message);
      throw e;
    }
  }

  private number(): number {
    const m = /^\d+/.exec(this.s.slice(this.i))!;
    this.i += m[0].length;
    return Number(m[0]);
  }

  private address(second: boolean): Addr | undefined {
    const c = this.peek();
    if (c === undefined) return undefined;
    if (/\d/.test(c)) {
      const n = this.number();
      if (!second && this.peek() === '~') {
        this.i++;
        const step = /\d/.test(this.peek() ?? '') ? this.number() : 0;
        return { k: 'step', first: n, step };
      }
      return { k: 'line', n };
    }
    if (c === '$') { this.i++; return { k: 'last' }; }
    if (second && (c === '+' || c === '~')) {
      this.i++;
      if (!/\d/.test(this.peek() ?? '')) this.err('expected newer version of sed');
      const n = this.number();
      return c === '+' ? { k: 'plus', n } : { k: 'mult', n };
    }
    if (c === '/' || c === '\\') {
      this.i++;
      let delim = '/';
      if (c === '\\') {
        if (this.eof()) this.err('unexpected `,\'');
        delim = this.s[this.i++];
      }
      const src = this.regexUntil(delim, 'unterminated address regex');
      let flags = '';
      while (this.peek() === 'I' || this.peek() === 'M') flags += this.s[this.i++];
      return { k: 're', re: this.compileRe(src, flags) };
    }
    return undefined;
  }

  private textArg(): string {
    // GNU: `a text`, `a\` NEWLINE text, `a\text`. Continuation lines end with a backslash.
    this.skipWs();
    if (this.peek() === '\\') {
      this.i++;
      if (this.peek() === '\n') this.i++;
    } else if (this.eof() || this.peek() === '\n') {
      this.err("expected \\ after `a', `c' or `i'");
    }
    let out = '';
    while (!this.eof()) {
      const c = this.s[this.i++];
      if (c === '\\') {
        if (this.eof()) break;
        const d = this.s[this.i++];
        out += d === '\n' ? '\n' : d === 't' ? '\t' : d === 'n' ? '\n' : d;
        continue;
      }
      if (c === '\n') break;
      out += c;
    }
    return out;
  }

  private label(): string {
    this.skipWs();
    let l = '';
    while (!this.eof() && !/[\n;]/.test(this.s[this.i])) l += this.s[this.i++];
    return l.replace(/[ \t]+$/, '');
  }

  private filename(): string {
    this.skipWs();
    let f = '';
    while (!this.eof() && this.s[this.i] !== '\n') f += this.s[this.i++];
    return f;
  }

  private endOfCommand(): void {
    this.skipWs();
    const c = this.peek();
    if (c === undefined || c === '\n' || c === ';') { if (c !== undefined) this.i++; return; }
    if (c === '}' || c === '#') return;
    this.err('extra characters after command', this.i + 1);
  }

  private command(): void {
    const cmd: Cmd = { neg: false, name: '' };
    cmd.a1 = this.address(false);
    if (cmd.a1) {
      this.skipWs();
      if (this.peek() === ',') {
        this.i++;
        this.skipWs();
        cmd.a2 = this.address(true);
        if (!cmd.a2) this.err("unexpected `,'");
      }
      if (cmd.a1.k === 'line' && cmd.a1.n === 0 && !(cmd.a2 && cmd.a2.k === 're')) this.err('invalid usage of line address 0');
    }
    this.skipWs();
    while (this.peek() === '!') {
      if (cmd.neg) this.err("multiple `!'s", this.i + 1);
      cmd.neg = true;
      this.i++;
      this.skipWs();
    }
    if (this.eof()) this.err('missing command');
    const name = this.s[this.i++];
    cmd.name = name;
    switch (name) {
      case '{':
        this.blocks.push(this.cmds.length);
        this.cmds.push(cmd);
        return;
      case '}': {
        if (cmd.a1) this.err('} doesn\'t want any addresses');
        const open = this.blocks.pop();
        if (open === undefined) this.err("unexpected `}'");
        this.cmds[open].target = this.cmds.length;
        this.cmds.push(cmd);
        this.endOfCommand();
        return;
      }
      case '=': case 'd': case 'D': case 'g': case 'G': case 'h': case 'H': case 'n': case 'N':
      case 'p': case 'P': case 'x': case 'z': case 'F':
        this.cmds.push(cmd);
        this.endOfCommand();
        return;
      case 'l': case 'q': case 'Q': case 'L': {
        this.skipWs();
        if (/\d/.test(this.peek() ?? '')) {
          const n = this.number();
          if (name === 'l') cmd.num = n; else cmd.code = n;
        }
        if ((name === 'q' || name === 'Q') && cmd.a2) this.err('command only uses one address');
        this.cmds.push(cmd);
        this.endOfCommand();
        return;
      }
      case 'a': case 'i': case 'c':
        cmd.text = this.textArg();
        this.cmds.push(cmd);
        return;
      case ':': {
        if (cmd.a1) this.err(': doesn\'t want any addresses');
        const l = this.label();
        if (!l) this.err('":" lacks a label');
        cmd.label = l;
        this.cmds.push(cmd);
        if (this.peek() === ';' || this.peek() === '\n') this.i++;
        return;
      }
      case 'b': case 't': case 'T':
        cmd.label = this.label();
        this.cmds.push(cmd);
        if (this.peek() === ';' || this.peek() === '\n') this.i++;
        return;
      case 'r': case 'R': case 'w': case 'W':
        cmd.file = this.filename();
        if (!cmd.file) this.err('missing filename in r/R/w/W commands');
        this.cmds.push(cmd);
        return;
      case 's':
        this.subst(cmd);
        this.cmds.push(cmd);
        return;
      case 'y':
        this.translit(cmd);
        this.cmds.push(cmd);
        this.endOfCommand();
        return;
      case 'e':
        this.err('unknown command: `e\'');
        return;
      default:
        this.err(`unknown command: \`${name}'`);
    }
  }

  private subst(cmd: Cmd): void {
    if (this.eof()) this.err("unterminated `s' command");
    const delim = this.s[this.i++];
    if (delim === '\n' || delim === '\\') this.err("unterminated `s' command");
    const pat = this.regexUntil(delim, "unterminated `s' command");
    // replacement
    const parts: ReplPart[] = [];
    let lit = '';
    const flushLit = (): void => { if (lit) { parts.push({ t: 'lit', s: lit }); lit = ''; } };
    let maxRef = 0;
    for (;;) {
      if (this.eof()) this.err("unterminated `s' command");
      const c = this.s[this.i++];
      if (c === delim) break;
      if (c === '\\') {
        if (this.eof()) this.err("unterminated `s' command");
        const d = this.s[this.i++];
        if (d === delim) { lit += d; continue; }
        if (/[0-9]/.test(d)) { flushLit(); parts.push({ t: 'grp', n: Number(d) }); maxRef = Math.max(maxRef, Number(d)); continue; }
        if (d === '&') { lit += '&'; continue; }
        if (d === 'n') { lit += '\n'; continue; }
        if (d === 't') { lit += '\t'; continue; }
        if (d === 'r') { lit += '\r'; continue; }
        if (d === 'a') { lit += '\x07'; continue; }
        if (d === 'f') { lit += '\f'; continue; }
        if (d === 'v') { lit += '\v'; continue; }
        if (d === '\n') { lit += '\n'; continue; }
        if ('ULEul'.includes(d)) { flushLit(); parts.push({ t: 'case', c: d as 'U' }); continue; }
        lit += d;
        continue;
      }
      if (c === '&') { flushLit(); parts.push({ t: 'grp', n: 0 }); continue; }
      lit += c;
    }
    flushLit();
    // flags
    let flags = '';
    let nth: number | undefined;
    let print = 0;
    let global = false;
    for (;;) {
      const c = this.peek();
      if (c === undefined) break;
      if (c === 'g') { if (global) this.err("multiple `g' options to `s' command", this.i + 1); global = true; this.i++; continue; }
      if (c === 'p') { if (print) this.err("multiple `p' options to `s' command", this.i + 1); print++; this.i++; continue; }
      if (c === 'i' || c === 'I' || c === 'm' || c === 'M') { flags += c; this.i++; continue; }
      if (c === 'e') this.err("unknown option to `s'", this.i + 1);
      if (/\d/.test(c)) {
        if (nth !== undefined) this.err("multiple number options to `s' command", this.i + 1);
        const start = this.i;
        nth = this.number();
        if (nth === 0) this.err("number option to `s' command may not be zero", start + 1);
        continue;
      }
      if (c === 'w') {
        this.i++;
        cmd.file = this.filename();
        if (!cmd.file) this.err('missing filename in r/R/w/W commands');
        break;
      }
      if (c === '}' || c === '#' || c === ';' || c === '\n' || c === ' ' || c === '\t') break;
      this.err("unknown option to `s'", this.i + 1);
    }
    cmd.re = this.compileRe(pat, flags);
    if (cmd.re) {
      const groups = translate(pat, this.ere, 'sed').groups;
      if (maxRef > groups) this.err(`invalid reference \\${maxRef} on \`s' command's RHS`);
    }
    cmd.repl = parts;
    cmd.global = global;
    cmd.print = print;
    cmd.nth = nth;
    cmd.text = flags;
    if (!cmd.file) this.endOfCommand();
  }

  private translit(cmd: Cmd): void {
    if (this.eof()) this.err("unterminated `y' command");
    const delim = this.s[this.i++];
    const part = (): string[] => {
      const out: string[] = [];
      for (;;) {
        if (this.eof()) this.err("unterminated `y' command");
        const c = this.s[this.i++];
        if (c === delim) return out;
        if (c === '\\') {
          const d = this.s[this.i++];
          if (d === undefined) this.err("unterminated `y' command");
          out.push(d === 'n' ? '\n' : d === 't' ? '\t' : d === '\\' ? '\\' : d === delim ? delim : '\\' + d);
          continue;
        }
        out.push(c);
      }
    };
    const a = part();
    const b = part();
    if (a.length !== b.length) this.err("strings for `y' command are different lengths");
    cmd.ymap = new Map(a.map((c, k) => [c, b[k]]));
  }
}

// ---- execution -----------------------------------------------------------------------------

interface Input {
  next(): Co<{ line: string; nl: boolean; file: string } | null>;
  /** Whether the line last returned is the last one of the stream. */
  isLast(): Co<boolean>;
}

class StreamInput implements Input {
  private readers: { lr: LineReader; name: string }[] = [];
  private idx = 0;
  private ahead: { line: string; nl: boolean; file: string } | null | undefined;

  constructor(srcs: { src: Src; name: string }[], sep: string) {
    this.readers = srcs.map((s) => ({ lr: new LineReader(s.src, sep), name: s.name }));
  }

  private *pull(): Co<{ line: string; nl: boolean; file: string } | null> {
    while (this.idx < this.readers.length) {
      const r = this.readers[this.idx];
      const line = yield* r.lr.next();
      if (line !== null) return { line, nl: r.lr.nl, file: r.name };
      this.idx++;
    }
    return null;
  }

  *next(): Co<{ line: string; nl: boolean; file: string } | null> {
    if (this.ahead !== undefined) {
      const a = this.ahead;
      this.ahead = undefined;
      return a;
    }
    return yield* this.pull();
  }

  *isLast(): Co<boolean> {
    if (this.ahead === undefined) this.ahead = yield* this.pull();
    return this.ahead === null;
  }
}

interface RunState {
  ps: string;
  hs: string;
  /** Whether the hold space's last line had its newline (GNU tracks this like the pattern space's). */
  hsNl: boolean;
  lineNo: number;
  lastNl: boolean;
  tflag: boolean;
  quit: number | null;
  appendQ: string[];
  lastRe: RegExp | null;
  fileName: string;
  rFiles: Map<string, { lines: string[]; pos: number }>;
  wFiles: Map<string, string>;
}

function escapeL(s: string, width: number): string {
  let out = '';
  let col = 0;
  const emit = (piece: string): void => {
    if (width > 1 && col + piece.length > width - 1) {
      out += '\\\n';
      col = 0;
    }
    out += piece;
    col += piece.length;
  };
  const enc = new TextEncoder();
  for (const c of s) {
    const m: Record<string, string> = { '\\': '\\\\', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
    if (m[c]) { emit(m[c]); continue; }
    const n = c.charCodeAt(0);
    if (n < 0x20 || n === 0x7f) { emit('\\' + n.toString(8).padStart(3, '0')); continue; }
    if (n >= 0x80) { for (const b of enc.encode(c)) emit('\\' + b.toString(8).padStart(3, '0')); continue; }
    emit(c);
  }
  return out + '$\n';
}

function applyCase(s: string, mode: { one?: 'u' | 'l'; all?: 'U' | 'L' }): string {
  let r = s;
  if (mode.all === 'U') r = r.toUpperCase();
  else if (mode.all === 'L') r = r.toLowerCase();
  if (mode.one && r) {
    r = (mode.one === 'u' ? r[0].toUpperCase() : r[0].toLowerCase()) + r.slice(1);
    delete mode.one;
  }
  return r;
}

function expandRepl(parts: ReplPart[], m: RegExpExecArray): string {
  let out = '';
  const mode: { one?: 'u' | 'l'; all?: 'U' | 'L' } = {};
  for (const p of parts) {
    if (p.t === 'case') {
      if (p.c === 'U' || p.c === 'L') { mode.all = p.c; delete mode.one; }
      else if (p.c === 'E') { delete mode.all; delete mode.one; }
      else mode.one = p.c;
      continue;
    }
    const s = p.t === 'lit' ? p.s : m[p.n] ?? '';
    out += mode.all || mode.one ? applyCase(s, mode) : s;
  }
  return out;
}

// Substitute; returns the new text or null when nothing was replaced. GNU skips an empty
// match right after the previous match (`echo baaac | sed 's/a*/x/g'` gives xbxcx).
export function substitute(re: RegExp, text: string, nth: number, global: boolean, make: (m: RegExpExecArray) => string): string | null {
  re.lastIndex = 0;
  let out = '';
  let pos = 0;
  let count = 0;
  let replaced = false;
  let prevEnd = -1;
  for (;;) {
    if (re.lastIndex > text.length) break;
    const m = re.exec(text);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    if (m[0] === '' && start === prevEnd) {
      re.lastIndex = start + 1;
      continue;
    }
    count++;
    if (count >= nth) {
      out += text.slice(pos, start) + make(m);
      pos = end;
      replaced = true;
      if (!global) break;
    }
    prevEnd = end;
    re.lastIndex = m[0] === '' ? end + 1 : end;
  }
  if (!replaced) return null;
  return out + text.slice(pos);
}

function* execute(io: Io, ctx: CmdContext, cmds: Cmd[], input: Input, quiet: boolean, lineLen: number, sep: string,
  st: RunState, out: (s: string) => void): Co<void> {
  const matchAddr = function* (a: Addr): Co<boolean> {
    switch (a.k) {
      case 'line': return st.lineNo === a.n;
      case 'last': return yield* input.isLast();
      case 'step': return a.step <= 0 ? st.lineNo === a.first : st.lineNo >= a.first && (st.lineNo - a.first) % a.step === 0;
      case 're': {
        const re = a.re ?? st.lastRe;
        if (!re) throw new SedError('no previous regular expression', -4);
        st.lastRe = re;
        re.lastIndex = 0;
        return re.test(st.ps);
      }
      default: return false;
    }
  };
  const selected = function* (c: Cmd): Co<boolean> {
    if (!c.a1) return true;
    if (!c.a2) return (yield* matchAddr(c.a1)) !== c.neg;
    let r: boolean;
    if (c.active) {
      r = true;
      const a2 = c.a2;
      if (a2.k === 'line') { if (st.lineNo >= a2.n) c.active = false; }
      else if (a2.k === 'plus') { if (st.lineNo >= c.endLine!) c.active = false; }
      else if (a2.k === 'mult') { if (a2.n <= 0 || st.lineNo % a2.n === 0) c.active = false; }
      else if (yield* matchAddr(a2)) c.active = false;
    } else {
      const zeroStart = c.a1.k === 'line' && c.a1.n === 0;
      const start = zeroStart ? st.lineNo === 1 : yield* matchAddr(c.a1);
      if (start) {
        r = true;
        c.active = true;
        const a2 = c.a2;
        if (a2.k === 'line') { if (a2.n <= st.lineNo) c.active = false; }
        else if (a2.k === 'plus') { c.endLine = st.lineNo + a2.n; if (a2.n === 0) c.active = false; }
        else if (a2.k === 'mult') { if (a2.n <= 0 || st.lineNo % a2.n === 0) c.active = false; }
        else if (a2.k === 'last') { if (yield* input.isLast()) c.active = false; }
        else if (zeroStart && (yield* matchAddr(a2))) c.active = false;
      } else r = false;
    }
    return r !== c.neg;
  };
  // GNU sed prints a last line that had no newline without one, and adds the missing newline
  // only if something else is printed after it (output_missing_newline).
  let missing = false;
  const emit = (s: string): void => {
    if (!s) return;
    if (missing) { out('\n'); missing = false; }
    out(s);
  };
  const emitPS = (text: string): void => {
    emit(text);
    if (st.lastNl) emit(sep);
    else missing = true;
  };
  const flushAppends = (): void => {
    for (const a of st.appendQ) emit(a);
    st.appendQ = [];
  };
  const writeFile = (name: string, text: string): void => {
    if (name === '/dev/stdout') { emit(text); return; }
    if (name === '/dev/stderr') { io.errRaw(text); return; }
    st.wFiles.set(name, (st.wFiles.get(name) ?? '') + text);
    try { ctx.fs.writeFile(ctx.resolve(name), st.wFiles.get(name)!); } catch { /* reported at open */ }
  };
  const readLineInto = function* (append: boolean): Co<boolean> {
    const r = yield* input.next();
    if (!r) return false;
    st.lineNo++;
    st.lastNl = r.nl;
    st.fileName = r.file;
    st.ps = append ? st.ps + '\n' + r.line : r.line;
    return true;
  };
  const endCycleOutput = (): void => {
    if (!quiet) emitPS(st.ps);
    flushAppends();
  };

  let restartWithoutRead = false;
  let steps = 0;
  cycle: for (;;) {
    if (!restartWithoutRead) {
      if (!(yield* readLineInto(false))) break;
      st.tflag = false;
    }
    restartWithoutRead = false;
    let pc = 0;
    while (pc < cmds.length) {
      const c = cmds[pc];
      if (++steps % 2000 === 0) yield TICK;
      if (c.name === '}' || c.name === ':') { pc++; continue; }
      if (!(yield* selected(c))) {
        pc = c.name === '{' ? c.target! + 1 : pc + 1;
        continue;
      }
      switch (c.name) {
        case '{': break;
        case '=': emit(`${st.lineNo}\n`); break;
        case 'a': st.appendQ.push(c.text + '\n'); break;
        case 'i': emit(c.text + '\n'); break;
        case 'c':
          // with a range, the text is printed at the range's end only
          if (!c.a2 || !c.active || c.neg) emit(c.text + '\n');
          flushAppends();
          continue cycle;
        case 'd':
          flushAppends();
          continue cycle;
        case 'D': {
          const k = st.ps.indexOf('\n');
          if (k < 0) { flushAppends(); continue cycle; }
          st.ps = st.ps.slice(k + 1);
          flushAppends();
          restartWithoutRead = true;
          continue cycle;
        }
        case 'p': emitPS(st.ps); break;
        case 'P': { const k = st.ps.indexOf('\n'); if (k < 0) emitPS(st.ps); else emit(st.ps.slice(0, k) + '\n'); break; }
        case 'g': st.ps = st.hs; st.lastNl = st.hsNl; break;
        case 'G': st.ps += '\n' + st.hs; st.lastNl = st.hsNl; break;
        case 'h': st.hs = st.ps; st.hsNl = st.lastNl; break;
        case 'H': st.hs += '\n' + st.ps; st.hsNl = st.lastNl; break;
        case 'x': [st.ps, st.hs] = [st.hs, st.ps]; [st.lastNl, st.hsNl] = [st.hsNl, st.lastNl]; break;
        case 'z': st.ps = ''; break;
        case 'F': emit((st.fileName === '-' ? '-' : st.fileName) + '\n'); break;
        case 'l': emit(escapeL(st.ps, c.num ?? lineLen)); break;
        case 'n':
          if (yield* input.isLast()) {
            // GNU: no next line -> print (unless -n) and exit without running the rest
            endCycleOutput();
            return;
          }
          if (!quiet) emitPS(st.ps);
          flushAppends();
          yield* readLineInto(false);
          break;
        case 'N':
          if (yield* input.isLast()) {
            endCycleOutput();
            return;
          }
          flushAppends();
          yield* readLineInto(true);
          break;
        case 'q':
          endCycleOutput();
          st.quit = c.code ?? 0;
          return;
        case 'Q':
          st.quit = c.code ?? 0;
          return;
        case 'r': {
          const f = c.file!;
          if (f === '/dev/stdin') { st.appendQ.push(yield* ctx.stdin.readAll()); break; }
          try { st.appendQ.push(ctx.fs.readFile(ctx.resolve(f))); } catch { /* silently ignored, as GNU */ }
          break;
        }
        case 'R': {
          let rf = st.rFiles.get(c.file!);
          if (!rf) {
            let lines: string[] = [];
            try { lines = ctx.fs.readFile(ctx.resolve(c.file!)).split('\n'); if (lines[lines.length - 1] === '') lines.pop(); } catch { /* none */ }
            rf = { lines, pos: 0 };
            st.rFiles.set(c.file!, rf);
          }
          if (rf.pos < rf.lines.length) st.appendQ.push(rf.lines[rf.pos++] + '\n');
          break;
        }
        case 'w': writeFile(c.file!, st.ps + '\n'); break;
        case 'W': { const k = st.ps.indexOf('\n'); writeFile(c.file!, (k < 0 ? st.ps : st.ps.slice(0, k)) + '\n'); break; }
        case 'b':
          pc = c.label ? c.target! : cmds.length;
          continue;
        case 't':
          if (st.tflag) { st.tflag = false; pc = c.label ? c.target! : cmds.length; continue; }
          break;
        case 'T':
          if (!st.tflag) { pc = c.label ? c.target! : cmds.length; continue; }
          st.tflag = false;
          break;
        case 'y': {
          let r = '';
          for (const ch of st.ps) r += c.ymap!.get(ch) ?? ch;
          st.ps = r;
          break;
        }
        case 's': {
          const re = c.re ?? st.lastRe;
          if (!re) throw new SedError('no previous regular expression', -4);
          st.lastRe = re;
          const r = substitute(re.global ? re : new RegExp(re.source, re.flags + 'g'), st.ps, c.nth ?? 1, !!c.global, (m) => expandRepl(c.repl!, m));
          if (r !== null) {
            st.ps = r;
            st.tflag = true;
            for (let k = 0; k < (c.print ?? 0); k++) emitPS(st.ps);
            if (c.file) writeFile(c.file, st.ps + '\n');
          }
          break;
        }
        default: break;
      }
      pc++;
    }
    endCycleOutput();
    yield* io.flow();
  }
}

export const sed = defineCommand('sed', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'ne:f:EPri::l:suzb',
    long: [
      { name: 'quiet', key: 'n' }, { name: 'silent', key: 'n' }, { name: 'expression', key: 'e', arg: 'req' },
      { name: 'file', key: 'f', arg: 'req' }, { name: 'regexp-extended', key: 'E' }, { name: 'in-place', key: 'i', arg: 'opt' },
      { name: 'line-length', key: 'l', arg: 'req' }, { name: 'separate', key: 's' }, { name: 'unbuffered', key: 'u' },
      { name: 'null-data', key: 'z' }, { name: 'zero-terminated', key: 'z' }, { name: 'posix' }, { name: 'debug' },
      { name: 'sandbox' }, { name: 'follow-symlinks' }, { name: 'binary', key: 'b' }, { name: 'help' }, { name: 'version' },
    ],
    usageLine: USAGE.trimEnd(),
  });
  if (typeof p === 'number') return p;
  let quiet = false, ere = false, inPlace: string | undefined, separate = false, zero = false, lineLen = 70;
  const scripts: { text: string; kind: 'e' | 'f'; name: string }[] = [];
  for (const [k, v] of p.opts) {
    switch (k) {
      case 'n': quiet = true; break;
      case 'e': scripts.push({ text: v ?? '', kind: 'e', name: '' }); break;
      case 'f': {
        try {
          const t = v === '-' ? yield* ctx.stdin.readAll() : ctx.fs.readFile(ctx.resolve(v ?? ''));
          scripts.push({ text: t.replace(/\n$/, ''), kind: 'f', name: v ?? '' });
        } catch (e) {
          passSignal(e);
          io.err(`couldn't open file ${v}: ${errText(e)}`);
          return 1;
        }
        break;
      }
      case 'E': case 'r': ere = true; break;
      case 'i': inPlace = v ?? ''; separate = true; break;
      case 'l': lineLen = Number(v); if (!/^\d+$/.test(v ?? '')) { io.err(`invalid line length: ${v}`); return 1; } break;
      case 's': separate = true; break;
      case 'z': zero = true; break;
      case 'help': io.out(USAGE); return 0;
      case 'version':
        io.out('sed (GNU sed) 4.8\nCopyright (C) 2020 Free Software Foundation, Inc.\nLicense GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\nThis is free software: you are free to change and redistribute it.\nThere is NO WARRANTY, to the extent permitted by law.\n\nWritten by Jay Fenlason, Tom Lord, Ken Pizzini,\nPaolo Bonzini, Jim Meyering, and Assaf Gordon.\n');
        return 0;
      default: break;
    }
  }
  const args = [...p.args];
  if (!scripts.length) {
    if (!args.length) { io.errRaw(USAGE); return 1; }
    scripts.push({ text: args.shift()!, kind: 'e', name: '' });
  }
  // Join the pieces; map error offsets back to "-e expression #N, char M".
  const joined = scripts.map((s) => s.text).join('\n');
  let cmds: Cmd[];
  try {
    cmds = new Parser(joined, ere).parse();
  } catch (e) {
    if (!(e instanceof SedError)) throw e;
    // a missing label is found after parsing and reported through panic() (exit 4)
    if (e.pos === -3) { io.err(e.message); return 4; }
    if (e.pos === -2) { io.err(e.message); return 1; }
    let pos = e.pos < 0 ? joined.length : e.pos;
    let k = 0;
    while (k < scripts.length - 1 && pos > scripts[k].text.length) { pos -= scripts[k].text.length + 1; k++; }
    const s = scripts[k];
    if (e.pos === -1) pos = 0;
    const where = s.kind === 'e' ? `-e expression #${scripts.slice(0, k + 1).filter((x) => x.kind === 'e').length}, char ${pos}`
      : `file ${s.name} line ${s.text.slice(0, pos).split('\n').length}`;
    io.err(`${where}: ${e.message}`);
    return 1;
  }
  const sep = zero ? '\0' : '\n';
  const st: RunState = {
    ps: '', hs: '', hsNl: true, lineNo: 0, lastNl: true, tflag: false, quit: null, appendQ: [], lastRe: null, fileName: '-',
    rFiles: new Map(), wFiles: new Map(),
  };
  // w files are created (truncated) before any input is read
  for (const c of cmds) {
    if (c.file && (c.name === 'w' || c.name === 'W' || c.name === 's') && !c.file.startsWith('/dev/std')) {
      try { ctx.fs.writeFile(ctx.resolve(c.file), ''); st.wFiles.set(c.file, ''); } catch (e) {
        io.err(`couldn't open file ${c.file}: ${errText(e)}`);
        return 4;
      }
    }
  }
  const files = args.length ? args : ['-'];
  let status = 0;
  const open = (name: string): { src: Src; name: string } | null => {
    try {
      return { src: name === '-' ? stdinSrc(ctx) : openSrc(ctx, name), name };
    } catch (e) {
      passSignal(e);
      if (errText(e) === 'Is a directory') io.err(inPlace !== undefined ? `couldn't edit ${name}: not a regular file` : `read error on ${name}: Is a directory`);
      else io.err(`can't read ${name}: ${errText(e)}`);
      status = 2;
      return null;
    }
  };
  try {
    if (inPlace !== undefined) {
      for (const f of files) {
        if (f === '-') { io.err("couldn't edit -: not a regular file"); status = 4; continue; }
        const o = open(f);
        if (!o) continue;
        const original = yield* readAll(o.src);
        let buf = '';
        st.lineNo = 0;
        for (const c of cmds) c.active = false;
        yield* execute(io, ctx, cmds, new StreamInput([{ src: stringSrc(original, f), name: f }], sep), quiet, lineLen, sep, st,
          (s) => { buf += s; });
        const path = ctx.resolve(f);
        if (inPlace) {
          // GNU: `*` in the suffix stands for the file's base name; without a `/` the backup goes
          // next to the file.
          const slash = f.lastIndexOf('/');
          const dir = slash >= 0 ? f.slice(0, slash + 1) : '';
          const base = f.slice(slash + 1);
          let bak = inPlace.includes('*') ? inPlace.replace(/\*/g, base) : base + inPlace;
          if (!bak.includes('/')) bak = dir + bak;
          try { ctx.fs.writeFile(ctx.resolve(bak), original); } catch { /* best effort */ }
        }
        ctx.fs.writeFile(path, buf);
        if (st.quit !== null) break;
      }
    } else if (separate) {
      for (const f of files) {
        const o = open(f);
        if (!o) continue;
        st.lineNo = 0;
        for (const c of cmds) c.active = false;
        yield* execute(io, ctx, cmds, new StreamInput([o], sep), quiet, lineLen, sep, st, (s) => io.out(s));
        if (st.quit !== null) break;
      }
    } else {
      const srcs = files.map(open).filter((x): x is { src: Src; name: string } => x !== null);
      yield* execute(io, ctx, cmds, new StreamInput(srcs, sep), quiet, lineLen, sep, st, (s) => io.out(s));
    }
  } catch (e) {
    if (e instanceof SedError) { io.err(e.message); return 4; }
    throw e;
  }
  if (st.quit !== null) return st.quit;
  return status;
});

function stringSrc(data: string, name: string): Src {
  let done = false;
  return { name, whole: data, *read() { if (done) return null; done = true; return data; } };
}
