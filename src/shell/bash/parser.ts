/**
 * Lexer and recursive-descent parser for bash's grammar.
 *
 * As in bash (parse.y), lexing depends on the parser's state: reserved words are recognised
 * only where a command may start, `((` starts arithmetic only in command position, `[[`
 * switches to conditional-expression rules (where `<` compares and `=~` takes a regex word),
 * here-document bodies are read when the line holding `<<WORD` ends, and `$(...)` is parsed
 * recursively (so `case` inside it works). Aliases are expanded here, at parse time, from the
 * table current when a line is parsed — which is why `alias x=y; x` on one line does not see
 * the alias, as in bash.
 *
 * The parser reads one "complete command" (everything up to an unnested newline) per call
 * of `parseUnit`, so a script's earlier lines run before a later line's syntax error is
 * found, exactly as bash behaves. Errors carry bash's wording; `eof` marks errors caused by
 * running out of input (the terminal then asks for a continuation line instead).
 * Left out: process substitution, extglob, coproc, `select`, `{fd}>` redirections.
 */
import type {
  Assign, CaseItem, Command, Compound, SimpleCommand, CondExpr, List, ListItem, ParamOp, ParamPart, Redir, RedirOp, Word, WordPart,
} from './ast.ts';

export interface ParseMsg { readonly line: number; readonly text: string }

export class ParseError {
  constructor(
    /** Messages in the order bash prints them. */
    readonly msgs: ParseMsg[],
    /** The error came from reaching the end of the input (the command is incomplete). */
    readonly eof: boolean,
    /** For `near unexpected token` errors: the text of the line holding the token. */
    readonly lineText?: string,
    /** Exit status of a shell that stops here (bash 5.1 gives 1 for an unclosed `a=(`). */
    readonly status = 2,
  ) {}
}

interface Token {
  /** w = word, op = operator, nl = newline, eof */
  k: 'w' | 'op' | 'nl' | 'eof';
  /** Operator text, or the raw text of a word. */
  s: string;
  word?: Word;
  /** For words: the fd number when the word is digits directly followed by `<` or `>`. */
  ionum?: number;
  line: number;
  /** Names of aliases this token came from (no recursive expansion). */
  fromAlias?: Set<string>;
  /** The token ends an alias value that ended in a blank: check the next word too. */
  aliasBlank?: boolean;
}

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until',
  'for', 'in', 'function', 'select', '{', '}', '[[', ']]', '!', 'time']);
/** Words that end a compound list. */
const TERMINATORS = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}']);
const OPS = [
  '&&', '&>>', '&>', '&', '||', '|&', '|', ';;&', ';;', ';&', ';', '((', '(', ')',
  '<<<', '<<-', '<<', '<&', '<>', '<', '>>', '>&', '>|', '>',
];
const REDIR_OPS = new Set(['<', '>', '>>', '>|', '<>', '<&', '>&', '&>', '&>>', '<<', '<<-', '<<<']);
const COND_UNARY = new Set(['-a', '-b', '-c', '-d', '-e', '-f', '-g', '-h', '-k', '-p', '-r', '-s', '-t', '-u',
  '-w', '-x', '-G', '-L', '-N', '-O', '-S', '-z', '-n', '-v', '-o', '-R']);
const COND_BINARY = new Set(['==', '=', '!=', '=~', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt',
  '-ot', '-ef']);

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GLOBISH = /[*?[{~]/;

function isMeta(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === ';' || c === '&' || c === '|' || c === '<' || c === '>'
    || c === '(' || c === ')';
}

export interface ParserOptions {
  /** Alias table consulted while parsing (absent = no alias expansion). */
  aliases?: ReadonlyMap<string, string>;
  /** Line number of the first line (default 1). */
  line?: number;
  /**
   * Treat an unterminated here-document as incomplete input (isComplete) instead of
   * accepting it with bash's warning.
   */
  strictHeredoc?: boolean;
}

export class Parser {
  private pos = 0;
  line: number;
  private peeked: Token | null = null;
  private queue: Token[] = [];
  private pendingHeredocs: { redir: Redir; strip: boolean; quoted: boolean; delim: string; line: number }[] = [];
  /** Warnings produced while parsing (here-document delimited by end-of-file). */
  readonly warnings: ParseMsg[] = [];
  private aliases?: ReadonlyMap<string, string>;
  private checkAliasNext = false;
  private finalNl = false;
  private readonly strictHeredoc: boolean;

  constructor(readonly src: string, opts: ParserOptions = {}) {
    this.line = opts.line ?? 1;
    this.aliases = opts.aliases;
    this.strictHeredoc = opts.strictHeredoc ?? false;
  }

  get offset(): number { return this.peeked ? -1 : this.pos; }

  /** Parse the next complete command (up to an unnested newline); null at end of input. */
  parseUnit(): List | null {
    for (;;) {
      const t = this.peek();
      if (t.k === 'nl') { this.next(); continue; }
      if (t.k === 'eof') { this.next(); return null; }
      break;
    }
    const list = this.parseList(false);
    const t = this.peek();
    if (t.k === 'nl' || t.k === 'eof') this.next();
    else this.unexpected(t);
    return list;
  }

  /** Skip the rest of the current line after a syntax error (bash discards the input line). */
  recover(): void {
    this.peeked = null;
    this.queue = [];
    this.pendingHeredocs = [];
    const nl = this.src.indexOf('\n', this.pos);
    if (nl < 0) { this.pos = this.src.length; return; }
    this.pos = nl + 1;
    this.line++;
  }

  /** The text of the line containing offset `pos` (for bash's "`...'" echo of a bad line). */
  lineAt(pos: number): string {
    const s = this.src.lastIndexOf('\n', pos - 1) + 1;
    let e = this.src.indexOf('\n', pos);
    if (e < 0) e = this.src.length;
    return this.src.slice(s, e);
  }

  // ---- errors --------------------------------------------------------------------------------

  private eofLine(): number {
    // bash counts the line after the last newline (and -c strings get an implicit one).
    return this.line + (this.src.endsWith('\n') ? 0 : 1);
  }

  private unexpected(t: Token): never {
    if (t.k === 'eof') {
      throw new ParseError([{ line: this.eofLine(), text: 'syntax error: unexpected end of file' }], true);
    }
    const text = t.k === 'nl' ? 'newline' : t.s;
    const at = Math.min(this.pos, this.src.length);
    const lineText = this.lineAt(t.k === 'nl' ? Math.max(0, at - 1) : Math.max(0, at - 1));
    throw new ParseError([{ line: t.line, text: `syntax error near unexpected token \`${text}'` }], false, lineText);
  }

  private unterminated(ch: string, startLine: number): never {
    throw new ParseError([
      { line: startLine, text: `unexpected EOF while looking for matching \`${ch}'` },
      { line: this.eofLine(), text: 'syntax error: unexpected end of file' },
    ], true);
  }

  // ---- tokens --------------------------------------------------------------------------------

  private peek(): Token {
    if (!this.peeked) this.peeked = this.queue.length ? this.queue.shift()! : this.lex();
    return this.peeked;
  }

  private next(): Token {
    const t = this.peek();
    this.peeked = null;
    return t;
  }

  /** Peek in command position: expand aliases. */
  private peekCmd(): Token {
    let t = this.peek();
    for (let guard = 0; guard < 100 && this.aliases && t.k === 'w' && t.word?.plain !== undefined; guard++) {
      const name = t.s;
      const val = this.aliases.get(name);
      if (val === undefined || t.fromAlias?.has(name)) break;
      const from = new Set(t.fromAlias ?? []);
      from.add(name);
      const toks: Token[] = [];
      const sub = new Parser(val + '\n', { line: t.line });
      try {
        for (;;) {
          const st = sub.lex();
          if (st.k === 'eof' || (st.k === 'nl' && sub.pos >= val.length + 1)) break;
          st.line = t.line;
          st.fromAlias = from;
          toks.push(st);
        }
      } catch {
        break; // an alias that does not lex on its own is used literally
      }
      if (/[ \t]$/.test(val)) {
        if (toks.length) toks[toks.length - 1].aliasBlank = true;
        else this.checkAliasNext = true;
      }
      this.peeked = null;
      this.queue.unshift(...toks);
      t = this.peek();
    }
    return t;
  }

  private isWord(t: Token, s: string): boolean {
    return t.k === 'w' && t.s === s && t.word?.plain === s;
  }

  private reservedOf(t: Token): string | null {
    if (t.k !== 'w') return null;
    const p = t.word?.plain;
    if (p === undefined && t.s !== '[[' && t.s !== '{' && t.s !== '}') return null;
    return RESERVED.has(t.s) && (p === t.s || this.plainish(t)) ? t.s : null;
  }

  /** `{`, `}` and `[[` are not "plain" (they hold glob/brace characters) but are reserved when unquoted. */
  private plainish(t: Token): boolean {
    const w = t.word!;
    return w.parts.length === 1 && w.parts[0].t === 'lit' && w.parts[0].s === t.s;
  }

  private lex(): Token {
    const src = this.src;
    for (;;) {
      const c = src[this.pos];
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && src[this.pos + 1] === '\n') { this.pos += 2; this.line++; }
      else if (c === '#') {
        const nl = src.indexOf('\n', this.pos);
        this.pos = nl < 0 ? src.length : nl;
      } else break;
    }
    const line = this.line;
    if (this.pos >= src.length) {
      if (this.pendingHeredocs.length) this.readHeredocs();
      // Input not ending in a newline (a -c string, a typed line) ends as if it did:
      // `echo >` is "unexpected token `newline'", as in bash.
      if (!this.finalNl && src.length && !src.endsWith('\n')) {
        this.finalNl = true;
        return { k: 'nl', s: '\n', line };
      }
      return { k: 'eof', s: '', line };
    }
    const c = src[this.pos];
    if (c === '\n') {
      this.pos++;
      this.line++;
      if (this.pendingHeredocs.length) this.readHeredocs();
      return { k: 'nl', s: '\n', line };
    }
    if ((c === '<' || c === '>') && src[this.pos + 1] === '(') {
      const start = this.pos;
      const word = this.readWord(false, true);
      return { k: 'w', s: src.slice(start, this.pos), word, line };
    }
    if (isMeta(c)) {
      for (const op of OPS) {
        if (src.startsWith(op, this.pos)) {
          this.pos += op.length;
          return { k: 'op', s: op, line };
        }
      }
    }
    const start = this.pos;
    const word = this.readWord();
    const t: Token = { k: 'w', s: word.text, word, line };
    if (word.plain !== undefined && /^[0-9]+$/.test(word.plain) && (src[this.pos] === '<' || src[this.pos] === '>')) {
      t.ionum = Number(word.plain);
    }
    if (this.pos === start) this.unexpected({ k: 'op', s: src[this.pos], line });
    return t;
  }

  // ---- words ---------------------------------------------------------------------------------

  /** Read an unquoted word at the current position (stops at a metacharacter). */
  private readWord(stopAtBrace = false, procSubst = false): Word {
    const src = this.src;
    const start = this.pos;
    const parts: WordPart[] = [];
    let lit = '';
    let array: Word[] | undefined;
    if (procSubst) parts.push(this.readProcSubst());
    for (;;) {
      const c = src[this.pos];
      if (c === undefined || isMeta(c)) break;
      if (stopAtBrace && c === '}') break;
      if (c === '\\') {
        const n = src[this.pos + 1];
        if (n === '\n') { this.pos += 2; this.line++; continue; }
        if (n === undefined) { lit += '\\'; this.pos++; continue; }
        if (lit) { parts.push({ t: 'lit', s: lit }); lit = ''; }
        parts.push({ t: 'sq', s: n });
        this.pos += 2;
        continue;
      }
      if (c === "'") {
        if (lit) { parts.push({ t: 'lit', s: lit }); lit = ''; }
        parts.push({ t: 'sq', s: this.readSingle() });
        continue;
      }
      if (c === '"') {
        if (lit) { parts.push({ t: 'lit', s: lit }); lit = ''; }
        this.pos++;
        parts.push({ t: 'dq', parts: this.readDquoteParts('"') });
        continue;
      }
      if (c === '$') {
        const p = this.readDollar(false);
        if (p) {
          if (lit) { parts.push({ t: 'lit', s: lit }); lit = ''; }
          parts.push(p);
        } else { lit += '$'; this.pos++; }
        continue;
      }
      if (c === '`') {
        if (lit) { parts.push({ t: 'lit', s: lit }); lit = ''; }
        parts.push(this.readBacktick());
        continue;
      }
      if (c === '=' && src[this.pos + 1] === '(' && parts.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?$/.test(lit)) {
        lit += '=';
        this.pos += 2;
        array = this.readArrayElements();
        break;
      }
      lit += c;
      this.pos++;
    }
    if (lit) parts.push({ t: 'lit', s: lit });
    const text = src.slice(start, this.pos);
    const w: { parts: WordPart[]; text: string; plain?: string; array?: Word[] } = { parts, text };
    if (array) w.array = array;
    else if (parts.length === 1 && parts[0].t === 'lit' && !GLOBISH.test(parts[0].s)) w.plain = parts[0].s;
    else if (parts.length === 0) w.plain = '';
    return w;
  }

  private readArrayElements(): Word[] {
    const els: Word[] = [];
    const startLine = this.line;
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) throw new ParseError([{ line: startLine, text: "unexpected EOF while looking for matching `)'" }], true, undefined, 1);
      if (c === ' ' || c === '\t') { this.pos++; continue; }
      if (c === '\n') { this.pos++; this.line++; continue; }
      if (c === '\\' && this.src[this.pos + 1] === '\n') { this.pos += 2; this.line++; continue; }
      if (c === '#') { const nl = this.src.indexOf('\n', this.pos); this.pos = nl < 0 ? this.src.length : nl; continue; }
      if (c === ')') { this.pos++; return els; }
      if (isMeta(c)) this.unexpected({ k: 'op', s: c, line: this.line });
      els.push(this.readWord());
    }
  }

  private readSingle(): string {
    const startLine = this.line;
    const end = this.src.indexOf("'", this.pos + 1);
    if (end < 0) { this.countLines(this.src.length); this.unterminated("'", startLine); }
    const s = this.src.slice(this.pos + 1, end);
    this.countLines(end + 1);
    return s;
  }

  private countLines(to: number): void {
    const src = this.src;
    for (let i = this.pos; i < to; i++) if (src.charCodeAt(i) === 10) this.line++;
    this.pos = to;
  }

  /**
   * Parts of a double-quoted string (after the opening quote), up to `close`.
   * close = '"' for "...", '' for a here-document body (to end of text).
   */
  readDquoteParts(close: '"' | ''): WordPart[] {
    const src = this.src;
    const parts: WordPart[] = [];
    const startLine = this.line;
    let s = '';
    for (;;) {
      const c = src[this.pos];
      if (c === undefined) {
        if (close) this.unterminated('"', startLine);
        break;
      }
      if (c === close) { this.pos++; break; }
      if (c === '\\') {
        const n = src[this.pos + 1];
        if (n === '\n') { this.pos += 2; this.line++; continue; }
        if (n === '$' || n === '`' || n === '\\' || (n === '"' && close === '"')) { s += n; this.pos += 2; continue; }
        s += '\\'; this.pos++; continue;
      }
      if (c === '$') {
        const p = this.readDollar(true);
        if (p) {
          if (s) { parts.push({ t: 'sq', s }); s = ''; }
          parts.push(p);
        } else { s += '$'; this.pos++; }
        continue;
      }
      if (c === '`') {
        if (s) { parts.push({ t: 'sq', s }); s = ''; }
        parts.push(this.readBacktick());
        continue;
      }
      if (c === '\n') this.line++;
      s += c;
      this.pos++;
    }
    if (s) parts.push({ t: 'sq', s });
    return parts;
  }

  private readBacktick(): WordPart {
    const src = this.src;
    const startLine = this.line;
    this.pos++;
    let s = '';
    for (;;) {
      const c = src[this.pos];
      if (c === undefined) this.unterminated('`', startLine);
      if (c === '`') { this.pos++; break; }
      if (c === '\\') {
        const n = src[this.pos + 1];
        if (n === '$' || n === '`' || n === '\\') { s += n; this.pos += 2; continue; }
        if (n === '\n') { this.pos += 2; this.line++; continue; }
        s += c; this.pos++; continue;
      }
      if (c === '\n') this.line++;
      s += c;
      this.pos++;
    }
    return { t: 'cmd', src: s, backtick: true, line: startLine };
  }

  /** At a `$`: read an expansion, or return null when the `$` is literal. */
  private readDollar(inDq: boolean): WordPart | null {
    const src = this.src;
    const n = src[this.pos + 1];
    if (n === '(') {
      if (src[this.pos + 2] === '(') {
        const a = this.tryArith(this.pos + 3);
        if (a) return a;
      }
      return this.readCmdSubst();
    }
    if (n === '{') return this.readBraceParam(inDq);
    if (n === '[') {
      // $[expr]: the old arithmetic expansion
      const e = findClose(this.src, this.pos + 2, this.src.length, '[', ']');
      if (e > 0) {
        const line = this.line;
        const inner = this.src.slice(this.pos + 2, e);
        this.countLines(e + 1);
        return { t: 'arith', src: parseArithWord(inner, line) };
      }
    }
    if (n === "'" && !inDq) {
      this.pos += 2;
      return { t: 'sq', s: this.readAnsiC() };
    }
    if (n === '"' && !inDq) {
      this.pos += 2;
      return { t: 'dq', parts: this.readDquoteParts('"') };
    }
    if (n === undefined) return null;
    if (/[A-Za-z_]/.test(n)) {
      let e = this.pos + 2;
      while (e < src.length && /[A-Za-z0-9_]/.test(src[e])) e++;
      const name = src.slice(this.pos + 1, e);
      this.pos = e;
      return { t: 'param', name, op: '', braced: false };
    }
    if (/[0-9@*#?$!\-]/.test(n)) {
      this.pos += 2;
      return { t: 'param', name: n, op: '', braced: false };
    }
    return null;
  }

  /** `$((` at `start-3`: arithmetic if a matching `))` closes it, else null (it is `$( (`). */
  private tryArith(start: number): WordPart | null {
    const src = this.src;
    let depth = 0;
    let i = start;
    let q = '';
    for (; i < src.length; i++) {
      const c = src[i];
      if (q) { if (c === q) q = ''; else if (c === '\\' && q === '"') i++; continue; }
      if (c === '"' || c === "'") { q = c; continue; }
      if (c === '\\') { i++; continue; }
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) {
          if (src[i + 1] === ')') break;
          return null;
        }
        depth--;
      }
    }
    if (i >= src.length) {
      const startLine = this.line;
      this.countLines(src.length);
      this.unterminated(')', startLine);
    }
    const inner = src.slice(start, i);
    const line = this.line;
    this.countLines(i + 2);
    return { t: 'arith', src: parseArithWord(inner, line) };
  }

  /** `<(list)` / `>(list)` at the current position. */
  private readProcSubst(): WordPart {
    const dir = this.src[this.pos] as '<' | '>';
    const line = this.line;
    const p = this.readCmdSubst() as { src: string; body?: List };
    return { t: 'procsubst', dir, src: p.src, body: p.body!, line };
  }

  private readCmdSubst(): WordPart {
    const startLine = this.line;
    this.pos += 2;
    const start = this.pos;
    const savedQueue = this.queue;
    const savedAliasNext = this.checkAliasNext;
    this.queue = [];
    let body: List;
    try {
      this.skipNewlines();
      const e = this.peek();
      body = e.k === 'op' && e.s === ')' ? { t: 'list', line: startLine, items: [] } : this.parseCompoundList(true);
      const t = this.peek();
      if (t.k === 'eof') this.unterminated(')', startLine);
      if (t.k !== 'op' || t.s !== ')') this.unexpected(t);
    } catch (e) {
      if (e instanceof ParseError && e.eof && e.msgs.length === 1) this.unterminated(')', startLine);
      throw e;
    }
    const end = this.pos - 1;
    this.peeked = null;
    this.queue = savedQueue;
    this.checkAliasNext = savedAliasNext;
    return { t: 'cmd', src: this.src.slice(start, end), body, backtick: false, line: startLine };
  }

  private readAnsiC(): string {
    const src = this.src;
    const startLine = this.line;
    let s = '';
    for (;;) {
      const c = src[this.pos];
      if (c === undefined) this.unterminated("'", startLine);
      if (c === "'") { this.pos++; return s; }
      if (c === '\n') this.line++;
      if (c !== '\\') { s += c; this.pos++; continue; }
      const r = decodeEscape(src, this.pos + 1, true);
      s += r.s;
      this.pos = r.end;
    }
  }

  /** `${...}` */
  private readBraceParam(inDq: boolean): WordPart {
    const src = this.src;
    const startLine = this.line;
    const open = this.pos;
    this.pos += 2;
    // Find the raw extent first (for bad-substitution messages).
    const rawEnd = this.findBraceEnd(this.pos, startLine);
        const bad = (): ParamPart => {
      this.countLines(rawEnd + 1);
      return { t: 'param', name: '', op: '', braced: true, raw: src.slice(open, rawEnd + 1), bad: true };
    };
    let length = false;
    let indirect = false;
    let i = this.pos;
    if (src[i] === '#' && i + 1 < rawEnd && !/^[:}]/.test(src[i + 1]) && !(src[i + 1] === '-' || src[i + 1] === '=' || src[i + 1] === '?' || src[i + 1] === '+') ) {
      length = true; i++;
    } else if (src[i] === '!' && i + 1 < rawEnd && /[A-Za-z_@*#0-9]/.test(src[i + 1])) {
      indirect = true; i++;
    }
    let name: string;
    let m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, rawEnd));
    if (m) name = m[0];
    else if ((m = /^[0-9]+/.exec(src.slice(i, rawEnd)))) name = m[0];
    else if (/[@*#?$!\-]/.test(src[i] ?? '')) name = src[i];
    else return bad();
    i += name.length;
    let index: Word | undefined;
    if (src[i] === '[' && NAME_RE.test(name)) {
      const close = findClose(src, i + 1, rawEnd, '[', ']');
      if (close < 0) return bad();
      index = parseArithWord(src.slice(i + 1, close), this.line);
      i = close + 1;
    }
    if (indirect && (src[i] === '*' || src[i] === '@') && i + 1 === rawEnd) {
      // ${!prefix*} / ${!prefix@}: names starting with prefix
      this.countLines(rawEnd + 1);
      return { t: 'param', name, op: '@', indirect: true, arg: { parts: [{ t: 'lit', s: src[i] }], text: src[i] }, braced: true };
    }
    if (i === rawEnd) {
      this.countLines(rawEnd + 1);
      return { t: 'param', name, index, length, indirect, op: '', braced: true };
    }
    if (length) return bad();
    let op: ParamOp | null = null;
    for (const o of [':-', ':=', ':+', ':?', '##', '%%', '//', '/#', '/%', '^^', ',,', '~~', '-', '=', '+', '?', '#', '%', '/', '^', ',', '~', ':', '@'] as ParamOp[]) {
      if (src.startsWith(o, i)) { op = o; break; }
    }
    if (!op) return bad();
    this.countLines(i + op.length);
    let arg: Word | undefined;
    let arg2: Word | undefined;
    if (op === '/' || op === '//' || op === '/#' || op === '/%') {
      arg = this.readParamWord(inDq, '/');
      if (src[this.pos] === '/') { this.pos++; arg2 = this.readParamWord(inDq, ''); }
    } else if (op === ':') {
      arg = this.readParamWord(inDq, ':', true);
      if (src[this.pos] === ':') { this.pos++; arg2 = this.readParamWord(inDq, '', true); }
    } else {
      arg = this.readParamWord(inDq, '');
    }
    if (src[this.pos] !== '}') return bad();
    this.pos++;
    return { t: 'param', name, index, indirect, op, arg, arg2, braced: true };
  }

  /** End offset (of the closing `}`) of a `${` whose content starts at `from`. */
  private findBraceEnd(from: number, startLine: number): number {
    const src = this.src;
    let depth = 0;
    for (let i = from; i < src.length; i++) {
      const c = src[i];
      if (c === '\\') { i++; continue; }
      if (c === "'") {
        // single quotes are literal inside "${...}" in some ops; treat as quotes here
        const e = src.indexOf("'", i + 1);
        if (e < 0) break;
        i = e; continue;
      }
      if (c === '"') {
        let j = i + 1;
        for (; j < src.length && src[j] !== '"'; j++) if (src[j] === '\\') j++;
        i = j; continue;
      }
      if (c === '$' && src[i + 1] === '{') { depth++; i++; continue; }
      if (c === '$' && src[i + 1] === '(') {
        const e = findClose(src, i + 2, src.length, '(', ')');
        if (e < 0) break;
        i = e; continue;
      }
      if (c === '`') { const e = src.indexOf('`', i + 1); if (e < 0) break; i = e; continue; }
      if (c === '}') { if (depth === 0) return i; depth--; }
    }
    this.countLines(src.length);
    this.unterminated('}', startLine);
  }

  /** The operand of a ${...} operator, up to `}` (or `stop`). */
  private readParamWord(inDq: boolean, stop: string, arith = false): Word {
    const src = this.src;
    const start = this.pos;
    const parts: WordPart[] = [];
    let lit = '';
    const flush = () => { if (lit) { parts.push({ t: 'lit', s: lit }); lit = ''; } };
    let depth = 0;
    for (;;) {
      const c = src[this.pos];
      if (c === undefined) break;
      if (c === '}' && depth === 0) break;
      if (stop && c === stop && depth === 0) break;
      if (arith && c === '(') depth++;
      if (arith && c === ')') depth--;
      if (c === '\\') {
        const n = src[this.pos + 1];
        if (n === '\n') { this.pos += 2; this.line++; continue; }
        if (n === undefined) { lit += c; this.pos++; continue; }
        if (inDq && !'$`"\\}'.includes(n)) { lit += '\\'; this.pos++; continue; }
        flush();
        parts.push({ t: 'sq', s: n });
        this.pos += 2;
        continue;
      }
      if (c === "'" && !inDq) { flush(); parts.push({ t: 'sq', s: this.readSingle() }); continue; }
      if (c === '"') { flush(); this.pos++; parts.push({ t: 'dq', parts: this.readDquoteParts('"') }); continue; }
      if (c === '$') {
        const p = this.readDollar(inDq);
        if (p) { flush(); parts.push(p); } else { lit += '$'; this.pos++; }
        continue;
      }
      if (c === '`') { flush(); parts.push(this.readBacktick()); continue; }
      if (c === '\n') this.line++;
      lit += c;
      this.pos++;
    }
    flush();
    return { parts, text: src.slice(start, this.pos) };
  }

  // ---- here-documents ------------------------------------------------------------------------

  private readHeredocs(): void {
    const src = this.src;
    const docs = this.pendingHeredocs;
    this.pendingHeredocs = [];
    for (const d of docs) {
      let body = '';
      let found = false;
      while (this.pos < src.length) {
        const eol = src.indexOf('\n', this.pos);
        const lineText = src.slice(this.pos, eol < 0 ? src.length : eol);
        this.pos = eol < 0 ? src.length : eol + 1;
        if (eol >= 0) this.line++;
        const check = d.strip ? lineText.replace(/^\t+/, '') : lineText;
        if (check === d.delim) { found = true; break; }
        body += check + '\n';
      }
      if (!found) {
        if (this.strictHeredoc) {
          throw new ParseError([{ line: this.line, text: 'syntax error: unexpected end of file' }], true);
        }
        this.warnings.push({
          line: this.eofLine() - 1,
          text: `warning: here-document at line ${d.line} delimited by end-of-file (wanted \`${d.delim}')`,
        });
      }
      if (d.quoted) d.redir.target = { parts: body ? [{ t: 'sq', s: body }] : [], text: body };
      else {
        const sub = new Parser(body, { line: d.line + 1 });
        d.redir.target = { parts: sub.readDquoteParts(''), text: body };
      }
    }
  }

  // ---- grammar -------------------------------------------------------------------------------

  /**
   * and_or ((';' | '&' | newline) and_or)*.
   * compound = true: inside a compound command (newlines separate; ends at a terminator).
   * compound = false: a top-level unit (ends at a newline).
   */
  private parseList(compound: boolean, inParen = false): List {
    const items: ListItem[] = [];
    const line = this.peek().line;
    for (;;) {
      const cmd = this.parseAndOr();
      const t = this.peek();
      let async = false;
      if (t.k === 'op' && (t.s === ';' || t.s === '&')) {
        this.next();
        async = t.s === '&';
      } else if (t.k === 'nl' && compound) {
        // separator
      } else {
        items.push({ cmd, async });
        break;
      }
      items.push({ cmd, async });
      if (!compound) {
        const n = this.peek();
        if (n.k === 'nl' || n.k === 'eof') break;
        continue;
      }
      this.skipNewlines();
      const n = this.peekCmd();
      if (n.k === 'eof') break;
      if (n.k === 'op' && (n.s === ')' || n.s === ';;' || n.s === ';&' || n.s === ';;&')) break;
      if (n.k === 'w' && TERMINATORS.has(n.s) && this.reservedOf(n)) break;
      void inParen;
    }
    return { t: 'list', line, items };
  }

  private skipNewlines(): void {
    while (this.peek().k === 'nl') this.next();
  }

  /** A compound list: newlines allowed before; at least one command. */
  private parseCompoundList(inParen = false): List {
    this.skipNewlines();
    return this.parseList(true, inParen);
  }

  private parseAndOr(): Command {
    const first = this.parsePipeline();
    const rest: { op: '&&' | '||'; cmd: Command }[] = [];
    for (;;) {
      const t = this.peek();
      if (t.k !== 'op' || (t.s !== '&&' && t.s !== '||')) break;
      this.next();
      this.skipNewlines();
      rest.push({ op: t.s as '&&' | '||', cmd: this.parsePipeline() });
    }
    if (!rest.length) return first;
    return { t: 'andor', line: (first as { line: number }).line, first, rest };
  }

  private parsePipeline(): Command {
    let t = this.peekCmd();
    let bang = false;
    let time: 'posix' | 'bash' | undefined;
    const line = t.line;
    for (;;) {
      if (this.isWord(t, 'time')) {
        this.next();
        time = 'bash';
        t = this.peekCmd();
        if (this.isWord(t, '-p')) { this.next(); time = 'posix'; t = this.peekCmd(); }
        if (t.k === 'nl' || t.k === 'eof' || (t.k === 'op' && (t.s === ';' || t.s === '&'))) {
          // `time` alone times nothing
          return { t: 'pipeline', line, cmds: [{ t: 'simple', line, assigns: [], words: [], redirs: [] }], stderrToo: [], bang, time };
        }
        continue;
      }
      if (this.isWord(t, '!')) { this.next(); bang = !bang; t = this.peekCmd(); continue; }
      break;
    }
    const cmds: Command[] = [this.parseCommand()];
    const stderrToo: boolean[] = [];
    for (;;) {
      const p = this.peek();
      if (p.k !== 'op' || (p.s !== '|' && p.s !== '|&')) break;
      this.next();
      stderrToo.push(p.s === '|&');
      this.skipNewlines();
      cmds.push(this.parseCommand());
    }
    if (cmds.length === 1 && !bang && !time) return cmds[0];
    return { t: 'pipeline', line, cmds, stderrToo, bang, time };
  }

  private parseCommand(): Command {
    const t = this.peekCmd();
    if (t.k === 'op') {
      if (t.s === '(') return this.withRedirs(this.parseSubshell());
      if (t.s === '((') {
        const a = this.parseArithCommand();
        if (a) return this.withRedirs(a);
        return this.withRedirs(this.parseSubshell());
      }
      if (!REDIR_OPS.has(t.s)) this.unexpected(t);
    }
    if (t.k === 'nl' || t.k === 'eof') this.unexpected(t);
    const r = this.reservedOf(t);
    if (r) {
      switch (r) {
        case 'if': return this.withRedirs(this.parseIf());
        case 'while': case 'until': return this.withRedirs(this.parseWhile(r === 'until'));
        case 'for': case 'select': return this.withRedirs(this.parseFor());
        case 'case': return this.withRedirs(this.parseCase());
        case '{': return this.withRedirs(this.parseGroup());
        case '[[': return this.withRedirs(this.parseCond());
        case 'function': return this.parseFunction();
        case '!': case 'time': return this.parsePipeline();
        case 'in': case ']]': break; // plain words in command position
        default: this.unexpected(t);
      }
    }
    return this.parseSimple();
  }

  private withRedirs<T extends { redirs: Redir[] }>(c: T): T {
    for (;;) {
      const t = this.peek();
      if ((t.k === 'op' && REDIR_OPS.has(t.s)) || (t.k === 'w' && t.ionum !== undefined)) {
        c.redirs.push(this.parseRedir());
      } else break;
    }
    const t = this.peek();
    if (t.k === 'w' && !(TERMINATORS.has(t.s) && this.reservedOf(t))) this.unexpected(t);
    if (t.k === 'op' && (t.s === '(' || t.s === '((')) this.unexpected({ ...t, s: '(' });
    return c;
  }

  private parseRedir(): Redir {
    let t = this.next();
    let fd = -1;
    if (t.k === 'w') { fd = t.ionum!; t = this.next(); }
    const op = t.s as RedirOp;
    const w = this.next();
    if (w.k !== 'w') this.unexpected(w);
    if (op === '<<' || op === '<<-') {
      const word = w.word!;
      const quoted = word.parts.some((p) => p.t !== 'lit');
      const delim = word.parts.map((p) => partText(p)).join('');
      const redir: Redir = { op, fd, target: { parts: [], text: '' }, quoted, delim };
      this.pendingHeredocs.push({ redir, strip: op === '<<-', quoted, delim, line: t.line });
      return redir;
    }
    return { op, fd, target: w.word! };
  }

  private parseSimple(): Command {
    const assigns: Assign[] = [];
    const words: Word[] = [];
    const redirs: Redir[] = [];
    const line = this.peek().line;
    for (;;) {
      const t = words.length === 0 || this.checkAliasNext ? this.peekCmd() : this.peek();
      if (t.k === 'w' && t.ionum !== undefined) { redirs.push(this.parseRedir()); continue; }
      if (t.k === 'op' && REDIR_OPS.has(t.s)) { redirs.push(this.parseRedir()); continue; }
      if (t.k !== 'w') {
        if (t.k === 'op' && (t.s === '(' || t.s === '((') && words.length === 1 && !assigns.length && !redirs.length) {
          return this.parseFuncAfterName(words[0], line);
        }
        if (t.k === 'op' && (t.s === '(' || t.s === '((')) this.unexpected({ ...t, s: '(' });
        break;
      }
      this.next();
      this.checkAliasNext = !!t.aliasBlank && words.length === 0;
      if (words.length === 0) {
        const a = splitAssign(t.word!);
        if (a) { assigns.push(a); continue; }
      }
      words.push(t.word!);
    }
    if (!assigns.length && !words.length && !redirs.length) this.unexpected(this.peek());
    const c: SimpleCommand = { t: 'simple', line, assigns, words, redirs };
    if (words.some((w) => w.parts.some((p) => p.t === 'procsubst')) || redirs.some((r) => r.target.parts.some((p) => p.t === 'procsubst'))) c.procSubst = true;
    return c;
  }

  private parseFuncAfterName(nameWord: Word, line: number): Command {
    const t = this.next();
    if (t.s === '((') {
      // `f(())` is not a function definition
      this.unexpected({ ...t, s: '(' });
    }
    const c = this.next();
    if (c.k !== 'op' || c.s !== ')') this.unexpected(c);
    return this.parseFuncBody(nameWord.text, line);
  }

  private parseFuncBody(name: string, line: number): Command {
    this.skipNewlines();
    const t = this.peekCmd();
    const r = this.reservedOf(t);
    let body: Command;
    if (t.k === 'op' && t.s === '(') body = this.withRedirs(this.parseSubshell());
    else if (t.k === 'op' && t.s === '((') body = this.withRedirs(this.parseArithCommand() ?? this.parseSubshell());
    else if (r === '{') body = this.withRedirs(this.parseGroup());
    else if (r === 'if') body = this.withRedirs(this.parseIf());
    else if (r === 'while' || r === 'until') body = this.withRedirs(this.parseWhile(r === 'until'));
    else if (r === 'for') body = this.withRedirs(this.parseFor());
    else if (r === 'case') body = this.withRedirs(this.parseCase());
    else if (r === '[[') body = this.withRedirs(this.parseCond());
    else this.unexpected(t);
    return { t: 'func', line, name, body };
  }

  private parseFunction(): Command {
    const line = this.next().line;
    const n = this.next();
    if (n.k !== 'w') this.unexpected(n);
    const p = this.peek();
    if (p.k === 'op' && p.s === '(') {
      this.next();
      const c = this.next();
      if (c.k !== 'op' || c.s !== ')') this.unexpected(c);
    } else if (p.k === 'op' && p.s === '((') {
      this.unexpected({ ...p, s: '(' });
    }
    return this.parseFuncBody(n.s, line);
  }

  private expectWord(s: string): void {
    const t = this.peekCmd();
    if (!(t.k === 'w' && t.s === s && this.reservedOf(t))) this.unexpected(t);
    this.next();
  }

  private parseIf(): Compound {
    const line = this.next().line;
    const clauses: { cond: List; body: List }[] = [];
    let elseBody: List | undefined;
    const cond = this.parseCompoundList();
    this.expectWord('then');
    clauses.push({ cond, body: this.parseCompoundList() });
    for (;;) {
      const t = this.peekCmd();
      const r = this.reservedOf(t);
      if (r === 'elif') {
        this.next();
        const c = this.parseCompoundList();
        this.expectWord('then');
        clauses.push({ cond: c, body: this.parseCompoundList() });
        continue;
      }
      if (r === 'else') {
        this.next();
        elseBody = this.parseCompoundList();
      }
      break;
    }
    this.expectWord('fi');
    return { t: 'if', line, clauses, else: elseBody, redirs: [] };
  }

  private parseWhile(until: boolean): Compound {
    const line = this.next().line;
    const cond = this.parseCompoundList();
    const body = this.parseDoGroup();
    return { t: 'while', line, until, cond, body, redirs: [] };
  }

  private parseDoGroup(): List {
    const t = this.peekCmd();
    if (this.reservedOf(t) === '{') {
      this.next();
      const body = this.parseCompoundList();
      this.expectWord('}');
      return body;
    }
    this.expectWord('do');
    const body = this.parseCompoundList();
    this.expectWord('done');
    return body;
  }

  private parseFor(): Compound {
    const kw = this.next();
    const line = kw.line;
    const select = kw.s === 'select';
    const t = this.peek();
    if (t.k === 'op' && t.s === '((' && !select) {
      this.next();
      const inner = this.readArithFor();
      const p = this.peek();
      if (p.k === 'op' && p.s === ';') this.next();
      this.skipNewlines();
      const body = this.parseDoGroup();
      return { t: 'arithfor', line, init: inner[0], cond: inner[1], step: inner[2], body, redirs: [] };
    }
    if (t.k !== 'w') this.unexpected(t);
    this.next();
    const name = t.s;
    if (!NAME_RE.test(name)) {
      throw new ParseError([{ line: t.line, text: `\`${name}': not a valid identifier` }], false);
    }
    let words: Word[] | undefined;
    this.skipNewlines();
    let p = this.peekCmd();
    if (this.isWord(p, 'in')) {
      this.next();
      words = [];
      for (;;) {
        p = this.peek();
        if (p.k === 'w') { words.push(this.next().word!); continue; }
        if (p.k === 'op' && p.s === ';') { this.next(); break; }
        if (p.k === 'nl') break;
        this.unexpected(p);
      }
    } else if (p.k === 'op' && p.s === ';') {
      this.next();
    }
    this.skipNewlines();
    const body = this.parseDoGroup();
    return { t: 'for', line, name, words, body, redirs: [], select };
  }

  /** After `for ((`: the three expressions up to `))`. */
  private readArithFor(): Word[] {
    const src = this.src;
    const startLine = this.line;
    let depth = 0;
    let i = this.pos;
    const segs: string[] = [];
    let segStart = i;
    for (;; i++) {
      if (i >= src.length) { this.countLines(src.length); this.unterminated(')', startLine); }
      const c = src[i];
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0 && src[i + 1] === ')') break;
        depth--;
      } else if (c === ';' && depth === 0) { segs.push(src.slice(segStart, i)); segStart = i + 1; }
    }
    segs.push(src.slice(segStart, i));
    const line = this.line;
    this.countLines(i + 2);
    if (segs.length !== 3) {
      throw new ParseError([{ line, text: 'syntax error: arithmetic expression required' }], false);
    }
    return segs.map((s) => parseArithWord(s, line));
  }

  private parseCase(): Compound {
    const line = this.next().line;
    const wt = this.next();
    if (wt.k !== 'w') this.unexpected(wt);
    this.skipNewlines();
    const inTok = this.peek();
    if (!this.isWord(inTok, 'in')) this.unexpected(inTok);
    this.next();
    const items: CaseItem[] = [];
    for (;;) {
      this.skipNewlines();
      let t = this.peek();
      if (this.isWord(t, 'esac')) { this.next(); break; }
      if (t.k === 'op' && t.s === '(') { this.next(); t = this.peek(); }
      const patterns: Word[] = [];
      for (;;) {
        t = this.next();
        if (t.k !== 'w') this.unexpected(t);
        patterns.push(t.word!);
        const s = this.next();
        if (s.k === 'op' && s.s === '|') continue;
        if (s.k === 'op' && s.s === ')') break;
        this.unexpected(s);
      }
      this.skipNewlines();
      let body: List | null = null;
      t = this.peekCmd();
      const endsItem = (x: Token) => (x.k === 'op' && (x.s === ';;' || x.s === ';&' || x.s === ';;&')) || this.isWord(x, 'esac');
      if (!endsItem(t)) body = this.parseList(true);
      t = this.peek();
      if (t.k === 'op' && (t.s === ';;' || t.s === ';&' || t.s === ';;&')) {
        this.next();
        items.push({ patterns, body, term: t.s as CaseItem['term'] });
        continue;
      }
      if (this.isWord(t, 'esac')) {
        this.next();
        items.push({ patterns, body, term: ';;' });
        break;
      }
      this.unexpected(t);
    }
    return { t: 'case', line, word: wt.word!, items, redirs: [] };
  }

  private parseGroup(): Compound {
    const line = this.next().line;
    const body = this.parseCompoundList();
    this.expectWord('}');
    return { t: 'group', line, body, redirs: [] };
  }

  private parseSubshell(): Compound {
    const open = this.next();
    const line = open.line;
    if (open.s === '((') {
      // `((` that is not arithmetic: two nested subshells
      const inner = this.parseCompoundList(true);
      const c = this.next();
      if (c.k !== 'op' || c.s !== ')') this.unexpected(c);
      const body: List = { t: 'list', line, items: [{ cmd: { t: 'subshell', line, body: inner, redirs: [] }, async: false }] };
      const more = this.peek();
      let outer = body;
      if (!(more.k === 'op' && more.s === ')')) {
        const rest = this.parseCompoundList(true);
        outer = { t: 'list', line, items: [...body.items, ...rest.items] };
      }
      const c2 = this.next();
      if (c2.k !== 'op' || c2.s !== ')') this.unexpected(c2);
      return { t: 'subshell', line, body: outer, redirs: [] };
    }
    const body = this.parseCompoundList(true);
    const c = this.next();
    if (c.k !== 'op' || c.s !== ')') this.unexpected(c);
    return { t: 'subshell', line, body, redirs: [] };
  }

  /** At a `((` token in command position: arithmetic command, or null if no `))` closes it. */
  private parseArithCommand(): Compound | null {
    const t = this.peek();
    const src = this.src;
    const start = this.pos;
    let depth = 0;
    let i = start;
    for (; i < src.length; i++) {
      const c = src[i];
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) {
          if (src[i + 1] === ')') break;
          return null;
        }
        depth--;
      }
    }
    if (i >= src.length) {
      this.countLines(src.length);
      this.unterminated(')', t.line);
    }
    this.next();
    const line = this.line;
    const expr = parseArithWord(src.slice(start, i), line);
    this.countLines(i + 2);
    return { t: 'arith', line: t.line, expr, redirs: [] };
  }

  // ---- [[ ... ]] -----------------------------------------------------------------------------

  /** Tokens inside [[ ]]: newlines are skipped (bash keeps reading). */
  private cpeek(): Token {
    while (this.peek().k === 'nl') this.next();
    return this.peek();
  }

  private cnext(): Token {
    this.cpeek();
    return this.next();
  }

  private condLine = 0;

  private parseCond(): Compound {
    const line = this.cnext().line;
    this.condLine = line;
    const expr = this.condOr();
    const t = this.cnext();
    if (!this.isWordRaw(t, ']]')) this.condUnexpected(t);
    return { t: 'cond', line, expr, redirs: [] };
  }

  private isWordRaw(t: Token, s: string): boolean {
    return t.k === 'w' && t.s === s;
  }

  private condUnexpected(t: Token): never {
    if (t.k === 'eof') {
      throw new ParseError([
        { line: this.condLine, text: "unexpected EOF while looking for `]]'" },
        { line: this.eofLine(), text: 'syntax error: unexpected end of file' },
      ], true);
    }
    const text = t.k === 'nl' ? 'newline' : t.s;
    throw new ParseError([
      { line: t.line, text: `syntax error in conditional expression: unexpected token \`${text}'` },
      { line: t.line, text: `syntax error near \`${text}'` },
    ], false, this.lineAt(Math.max(0, this.pos - 1)));
  }

  private condOr(): CondExpr {
    let a = this.condAnd();
    for (;;) {
      const t = this.cpeek();
      if (t.k !== 'op' || t.s !== '||') return a;
      this.cnext();
      this.skipNewlines();
      a = { t: 'or', a, b: this.condAnd() };
    }
  }

  private condAnd(): CondExpr {
    let a = this.condNot();
    for (;;) {
      const t = this.cpeek();
      if (t.k !== 'op' || t.s !== '&&') return a;
      this.cnext();
      this.skipNewlines();
      a = { t: 'and', a, b: this.condNot() };
    }
  }

  private condNot(): CondExpr {
    const t = this.cpeek();
    if (this.isWordRaw(t, '!')) { this.cnext(); return { t: 'not', a: this.condNot() }; }
    return this.condPrimary();
  }

  private condPrimary(): CondExpr {
    const t = this.cnext();
    if (t.k === 'op' && (t.s === '(' || t.s === '((')) {
      const e = this.condOr();
      const c = this.cnext();
      if (!(c.k === 'op' && c.s === ')')) this.condUnexpected(c);
      if (t.s === '((') {
        const c2 = this.cnext();
        if (!(c2.k === 'op' && c2.s === ')')) this.condUnexpected(c2);
      }
      return e;
    }
    if (t.k !== 'w' || this.isWordRaw(t, ']]')) this.condUnexpected(t);
    const n = this.cpeek();
    if (COND_UNARY.has(t.s) && t.word!.plain !== undefined && n.k === 'w' && !this.isWordRaw(n, ']]')) {
      // `-n -eq 1`-like ambiguity is rare; treat as unary when the next word is not a binary op.
      this.cnext();
      return { t: 'unary', op: t.s, a: n.word! };
    }
    if ((n.k === 'w' && COND_BINARY.has(n.s)) || (n.k === 'op' && (n.s === '<' || n.s === '>'))) {
      this.cnext();
      if (n.s === '=~') {
        const b = this.readRegexWord();
        if (!b) this.condUnexpected(this.cpeek());
        return { t: 'binary', op: '=~', a: t.word!, b };
      }
      const b = this.cnext();
      if (b.k !== 'w') this.condUnexpected(b);
      return { t: 'binary', op: n.s, a: t.word!, b: b.word! };
    }
    if (n.k === 'w' && !this.isWordRaw(n, ']]')) {
      throw new ParseError([
        { line: n.line, text: 'conditional binary operator expected' },
        { line: n.line, text: `syntax error near \`${n.s}'` },
      ], false, this.lineAt(Math.max(0, this.pos - 1)));
    }
    return { t: 'word', a: t.word! };
  }

  /** The right side of `=~`: parentheses and `|` are part of the word. */
  private readRegexWord(): Word | null {
    const src = this.src;
    while (src[this.pos] === ' ' || src[this.pos] === '\t') this.pos++;
    const start = this.pos;
    const parts: WordPart[] = [];
    let lit = '';
    let depth = 0;
    for (;;) {
      const c = src[this.pos];
      if (c === undefined || c === '\n') break;
      if ((c === ' ' || c === '\t') && depth === 0) break;
      if (depth === 0 && (c === '&' || c === ';' || c === '>' || c === '<') ) break;
      if (depth === 0 && c === '|' && src[this.pos + 1] === '|') break;
      if (c === '(') depth++;
      if (c === ')') { if (depth === 0) break; depth--; }
      if (c === '\\') {
        const n = src[this.pos + 1];
        if (n === undefined) { lit += c; this.pos++; continue; }
        if (lit) { parts.push({ t: 'lit', s: lit }); lit = ''; }
        parts.push({ t: 'sq', s: n });
        this.pos += 2;
        continue;
      }
      if (c === "'") { if (lit) { parts.push({ t: 'lit', s: lit }); lit = ''; } parts.push({ t: 'sq', s: this.readSingle() }); continue; }
      if (c === '"') { if (lit) { parts.push({ t: 'lit', s: lit }); lit = ''; } this.pos++; parts.push({ t: 'dq', parts: this.readDquoteParts('"') }); continue; }
      if (c === '$') {
        const p = this.readDollar(false);
        if (p) { if (lit) { parts.push({ t: 'lit', s: lit }); lit = ''; } parts.push(p); } else { lit += c; this.pos++; }
        continue;
      }
      lit += c;
      this.pos++;
    }
    if (lit) parts.push({ t: 'lit', s: lit });
    if (this.pos === start) return null;
    return { parts, text: src.slice(start, this.pos) };
  }
}

// ---- helpers ---------------------------------------------------------------------------------

function findClose(src: string, from: number, limit: number, open: string, close: string): number {
  let depth = 0;
  for (let i = from; i < limit; i++) {
    const c = src[i];
    if (c === '\\') { i++; continue; }
    if (c === open) depth++;
    else if (c === close) { if (depth === 0) return i; depth--; }
  }
  return -1;
}

function partText(p: WordPart): string {
  switch (p.t) {
    case 'lit': case 'sq': return p.s;
    case 'dq': return p.parts.map(partText).join('');
    case 'param': return p.braced ? `\${${p.name}}` : `$${p.name}`;
    case 'cmd': return p.backtick ? `\`${p.src}\`` : `$(${p.src})`;
    case 'procsubst': return `${p.dir}(${p.src})`;
    case 'arith': return `$((${p.src.text}))`;
  }
}

/**
 * Parse the text of an arithmetic expression (or array subscript) into a word: `$` expansions
 * and backquotes are recognised, double quotes are removed, everything else is literal.
 */
export function parseArithWord(text: string, line = 1): Word {
  const p = new Parser(text.replace(/"/g, ''), { line });
  const parts = p.readDquoteParts('');
  const w: { parts: WordPart[]; text: string; plain?: string } = { parts, text };
  if (parts.length === 0) w.plain = '';
  else if (parts.length === 1 && parts[0].t === 'sq') w.plain = parts[0].s;
  return w;
}

/** Parse `text` as the body of a here-document / double-quoted string (for tests and `eval`-like uses). */
export function parseDquoteText(text: string): Word {
  const p = new Parser(text);
  const parts = p.readDquoteParts('');
  return { parts, text };
}

/** Split `NAME=value`, `NAME+=value`, `NAME[i]=value` words into assignments. */
export function splitAssign(w: Word): Assign | null {
  const first = w.parts[0];
  if (!first || first.t !== 'lit') return null;
  const s = first.s;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/.exec(s);
  if (m) {
    const rest = s.slice(m[0].length);
    const parts: WordPart[] = rest ? [{ t: 'lit', s: rest }, ...w.parts.slice(1)] : w.parts.slice(1);
    const text = w.text.slice(m[0].length);
    const value: Word = mkWord(parts, text);
    return { name: m[1], append: m[2] === '+', value, array: w.array };
  }
  // NAME[subscript]=value, where the subscript may contain expansions.
  const mm = /^([A-Za-z_][A-Za-z0-9_]*)\[/.exec(s);
  if (!mm) return null;
  // Flatten to find the closing `]=` within literal parts.
  let depth = 0;
  const idxParts: WordPart[] = [];
  const headLit = s.slice(mm[0].length);
  const partsAll: WordPart[] = [{ t: 'lit', s: headLit }, ...w.parts.slice(1)];
  for (let pi = 0; pi < partsAll.length; pi++) {
    const p = partsAll[pi];
    if (p.t !== 'lit') { idxParts.push(p); continue; }
    for (let i = 0; i < p.s.length; i++) {
      const c = p.s[i];
      if (c === '[') depth++;
      else if (c === ']') {
        if (depth > 0) { depth--; continue; }
        const after = p.s.slice(i + 1);
        const am = /^(\+?)=/.exec(after);
        if (!am) return null;
        if (p.s.slice(0, i)) idxParts.push({ t: 'lit', s: p.s.slice(0, i) });
        const rest = after.slice(am[0].length);
        const valueParts: WordPart[] = rest ? [{ t: 'lit', s: rest }, ...partsAll.slice(pi + 1)] : partsAll.slice(pi + 1);
        const eq = w.text.indexOf(']' + am[0]);
        const index = mkWord(idxParts.map((x) => (x.t === 'lit' ? { t: 'sq' as const, s: x.s } : x)), w.text.slice(mm[0].length, eq));
        return { name: mm[1], index, append: am[1] === '+', value: mkWord(valueParts, w.text.slice(eq + 1 + am[0].length)), array: w.array };
      }
    }
    idxParts.push(p);
  }
  return null;
}

function mkWord(parts: WordPart[], text: string): Word {
  const w: { parts: WordPart[]; text: string; plain?: string } = { parts, text };
  if (parts.length === 0) w.plain = '';
  else if (parts.length === 1 && parts[0].t === 'lit' && !GLOBISH.test(parts[0].s)) w.plain = parts[0].s;
  return w;
}

/** Decode one backslash escape ($'...' and echo -e share most of it). `i` is after the `\`. */
export function decodeEscape(s: string, i: number, ansiC: boolean): { s: string; end: number } {
  const c = s[i];
  switch (c) {
    case 'a': return { s: '\x07', end: i + 1 };
    case 'b': return { s: '\b', end: i + 1 };
    case 'e': case 'E': return { s: '\x1b', end: i + 1 };
    case 'f': return { s: '\f', end: i + 1 };
    case 'n': return { s: '\n', end: i + 1 };
    case 'r': return { s: '\r', end: i + 1 };
    case 't': return { s: '\t', end: i + 1 };
    case 'v': return { s: '\v', end: i + 1 };
    case '\\': return { s: '\\', end: i + 1 };
    case "'": return { s: ansiC ? "'" : "\\'", end: i + 1 };
    case '"': return { s: ansiC ? '"' : '\\"', end: i + 1 };
    case '?': return { s: ansiC ? '?' : '\\?', end: i + 1 };
    case 'x': {
      const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1, i + 3));
      if (!m) return { s: '\\x', end: i + 1 };
      return { s: String.fromCharCode(parseInt(m[0], 16)), end: i + 1 + m[0].length };
    }
    case 'u': case 'U': {
      const m = new RegExp(`^[0-9a-fA-F]{1,${c === 'u' ? 4 : 8}}`).exec(s.slice(i + 1, i + 9));
      if (!m) return { s: '\\' + c, end: i + 1 };
      const cp = parseInt(m[0], 16);
      return { s: cp <= 0x10ffff ? String.fromCodePoint(cp) : '', end: i + 1 + m[0].length };
    }
    case 'c': {
      if (!ansiC) return { s: '', end: -1 }; // echo: stop output
      const n = s[i + 1];
      if (n === undefined) return { s: '\\c', end: i + 1 };
      return { s: String.fromCharCode(n.toUpperCase().charCodeAt(0) & 0x1f), end: i + 2 };
    }
    case undefined: return { s: '\\', end: i };
    default: {
      if (c >= '0' && c <= '7') {
        // $'\NNN' takes up to 3 octal digits; echo -e's \0NNN is handled by the caller.
        const m = /^[0-7]{1,3}/.exec(s.slice(i, i + 3))!;
        return { s: String.fromCharCode(parseInt(m[0], 8) & 0xff), end: i + m[0].length };
      }
      return { s: '\\' + c, end: i + 1 };
    }
  }
}

/** Parse a whole program (all units); throws ParseError. For tests and function bodies. */
export function parseAll(src: string, opts: ParserOptions = {}): List {
  const p = new Parser(src, opts);
  const items: ListItem[] = [];
  for (;;) {
    const u = p.parseUnit();
    if (!u) break;
    items.push(...u.items);
  }
  return { t: 'list', line: 1, items };
}

/** Does `src` form complete commands (no open quote, here-document, compound or operator)? */
export function isCompleteSource(src: string, aliases?: ReadonlyMap<string, string>): boolean {
  // A line ending in an unquoted backslash continues on the next line.
  if (/(^|[^\\])(\\\\)*\\$/.test(src) && !/'[^']*$/.test(src.slice(src.lastIndexOf('\n') + 1))) return false;
  const p = new Parser(src, { aliases, strictHeredoc: true });
  try {
    while (p.parseUnit()) { /* parse on */ }
    return true;
  } catch (e) {
    if (e instanceof ParseError) return !e.eof;
    return true;
  }
}
