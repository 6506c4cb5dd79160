/**
 * awk's lexer and parser (the POSIX grammar plus the gawk extensions people type: `**`,
 * `func`, `nextfile`, `delete arr`, gensub/strftime/systime, IGNORECASE).
 *
 * The lexer decides whether `/` starts a regex from the previous token, as awk's own does;
 * newlines end statements except after `{ && || , do else` and a backslash. The parser builds
 * the tree the interpreter (awk.ts) walks and marks expressions that need the coroutine path
 * (user function calls, getline, system, pipes): everything else evaluates synchronously.
 * Syntax errors carry gawk's wording and the column for its `^` marker.
 */

export type Expr =
  | { t: 'num'; v: number; co?: boolean }
  | { t: 'str'; v: string; co?: boolean }
  | { t: 'regex'; src: string; co?: boolean }
  | { t: 'var'; name: string; local?: number; co?: boolean }
  | { t: 'field'; e: Expr; co?: boolean }
  | { t: 'index'; name: string; local?: number; subs: Expr[]; co?: boolean }
  | { t: 'assign'; op: string; lv: Expr; e: Expr; co?: boolean }
  | { t: 'cond'; c: Expr; a: Expr; b: Expr; co?: boolean }
  | { t: 'and' | 'or'; a: Expr; b: Expr; co?: boolean }
  | { t: 'not' | 'neg' | 'plus'; e: Expr; co?: boolean }
  | { t: 'bin'; op: string; a: Expr; b: Expr; co?: boolean }
  | { t: 'cmp'; op: string; a: Expr; b: Expr; co?: boolean }
  | { t: 'match'; neg: boolean; a: Expr; re: Expr; co?: boolean }
  | { t: 'concat'; parts: Expr[]; co?: boolean }
  | { t: 'in'; subs: Expr[]; name: string; local?: number; co?: boolean }
  | { t: 'incdec'; op: '++' | '--'; prefix: boolean; lv: Expr; co?: boolean }
  | { t: 'call'; name: string; args: Expr[]; co?: boolean }
  | { t: 'builtin'; name: string; args: Expr[]; co?: boolean }
  | { t: 'getline'; kind: 'simple' | 'file' | 'cmd'; lv?: Expr; src?: Expr; co?: boolean }
  | { t: 'group'; e: Expr; co?: boolean }
  | { t: 'grouplist'; list: Expr[]; co?: boolean };

export interface Redir { kind: '>' | '>>' | '|'; e: Expr }

export type Stmt =
  | { t: 'block'; body: Stmt[] }
  | { t: 'expr'; e: Expr }
  | { t: 'print'; args: Expr[]; redir?: Redir }
  | { t: 'printf'; args: Expr[]; redir?: Redir }
  | { t: 'if'; c: Expr; then: Stmt; else?: Stmt }
  | { t: 'while'; c: Expr; body: Stmt }
  | { t: 'do'; body: Stmt; c: Expr }
  | { t: 'for'; init?: Stmt; c?: Expr; step?: Stmt; body: Stmt }
  | { t: 'forin'; v: Expr; name: string; local?: number; body: Stmt }
  | { t: 'break' | 'continue' | 'next' | 'nextfile' }
  | { t: 'exit' | 'return'; e?: Expr }
  | { t: 'delete'; name: string; local?: number; subs?: Expr[] }
  | { t: 'getline'; e: Expr };

/** The source line a statement starts on (for `awk: cmd. line:N: fatal: ...`). */
export const stmtLine = new WeakMap<Stmt, number>();

export interface Rule {
  pattern?: Expr;
  range?: [Expr, Expr];
  inRange?: boolean;
  action?: Stmt[];
}

export interface Func { name: string; params: string[]; body: Stmt[] }

export interface Program {
  begin: Stmt[][];
  end: Stmt[][];
  rules: Rule[];
  funcs: Map<string, Func>;
}

export class AwkSyntaxError extends Error {
  constructor(msg: string, readonly line: number, readonly col: number, readonly lineText: string) {
    super(msg);
  }
}

type TokT = 'num' | 'str' | 'ere' | 'name' | 'funcname' | 'builtin' | 'kw' | 'op' | 'nl' | 'eof';
interface Tok { t: TokT; v: string; n?: number; line: number; col: number; pos: number }

export const BUILTINS = new Set([
  'length', 'substr', 'index', 'split', 'sub', 'gsub', 'match', 'sprintf', 'sin', 'cos', 'atan2', 'exp', 'log',
  'sqrt', 'int', 'rand', 'srand', 'tolower', 'toupper', 'system', 'close', 'fflush', 'systime', 'strftime', 'gensub',
  'asort', 'asorti', 'mktime',
]);
const KEYWORDS = new Set(['BEGIN', 'END', 'function', 'func', 'if', 'else', 'while', 'for', 'do', 'break', 'continue',
  'next', 'nextfile', 'exit', 'return', 'delete', 'in', 'getline', 'print', 'printf']);

/** Process a string literal's escapes (also used for -v values). */
export function unescape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i + 1 >= s.length) { out += c; continue; }
    const d = s[++i];
    switch (d) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case '/': out += '/'; break;
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        let o = d;
        while (o.length < 3 && /[0-7]/.test(s[i + 1] ?? '')) o += s[++i];
        out += String.fromCharCode(parseInt(o, 8));
        break;
      }
      default: out += d; // gawk: "escape sequence `\c' treated as plain `c'"
    }
  }
  return out;
}

class Lexer {
  pos = 0;
  line = 1;
  lineStart = 0;
  last: Tok | null = null;

  constructor(readonly src: string) {}

  lineText(line: number): string {
    return this.src.split('\n')[line - 1] ?? '';
  }

  private mk(t: TokT, v: string, start: number): Tok {
    const tok: Tok = { t, v, line: this.line, col: start - this.lineStart, pos: start };
    this.last = tok;
    return tok;
  }

  private regexAllowed(): boolean {
    const l = this.last;
    if (!l) return true;
    if (l.t === 'num' || l.t === 'str' || l.t === 'ere' || l.t === 'name' || l.t === 'builtin') return false;
    if (l.t === 'kw') return l.v !== 'getline';
    if (l.t === 'op') return !(l.v === ')' || l.v === ']' || l.v === '$' || l.v === '++' || l.v === '--');
    return true;
  }

  next(): Tok {
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) return this.mk('eof', '', this.pos);
      if (c === ' ' || c === '\t' || c === '\r') { this.pos++; continue; }
      if (c === '\\' && this.src[this.pos + 1] === '\n') { this.pos += 2; this.line++; this.lineStart = this.pos; continue; }
      if (c === '\\' && this.src[this.pos + 1] === '\r' && this.src[this.pos + 2] === '\n') { this.pos += 3; this.line++; this.lineStart = this.pos; continue; }
      if (c === '#') { while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++; continue; }
      break;
    }
    const start = this.pos;
    const c = this.src[this.pos];
    if (c === '\n') {
      const t = this.mk('nl', '\n', start);
      this.pos++;
      this.line++;
      this.lineStart = this.pos;
      return t;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(this.src[this.pos + 1] ?? ''))) {
      const m = /^(0[xX][0-9a-fA-F]+|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/.exec(this.src.slice(this.pos))!;
      this.pos += m[0].length;
      const t = this.mk('num', m[0], start);
      t.n = Number(m[0]);
      return t;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos))!;
      this.pos += m[0].length;
      const w = m[0];
      if (KEYWORDS.has(w)) return this.mk('kw', w === 'func' ? 'function' : w, start);
      if (BUILTINS.has(w)) return this.mk('builtin', w, start);
      if (this.src[this.pos] === '(') return this.mk('funcname', w, start);
      return this.mk('name', w, start);
    }
    if (c === '"') {
      let i = this.pos + 1;
      let raw = '';
      for (;;) {
        const d = this.src[i];
        if (d === undefined || d === '\n') {
          this.pos = i;
          throw new AwkSyntaxError('unterminated string', this.line, start - this.lineStart, this.lineText(this.line));
        }
        if (d === '\\' && i + 1 < this.src.length) {
          if (this.src[i + 1] === '\n') { i += 2; this.line++; continue; }
          raw += d + this.src[i + 1];
          i += 2;
          continue;
        }
        if (d === '"') break;
        raw += d;
        i++;
      }
      this.pos = i + 1;
      return this.mk('str', unescape(raw), start);
    }
    if (c === '/' && this.regexAllowed()) {
      let i = this.pos + 1;
      let raw = '';
      let inBracket = false;
      for (;;) {
        const d = this.src[i];
        if (d === undefined || d === '\n') {
          throw new AwkSyntaxError('unterminated regexp', this.line, start - this.lineStart + 1, this.lineText(this.line));
        }
        if (d === '\\' && i + 1 < this.src.length) {
          raw += this.src[i + 1] === '/' ? '/' : d + this.src[i + 1];
          i += 2;
          continue;
        }
        if (d === '[' && !inBracket) {
          inBracket = true;
          raw += d;
          i++;
          if (this.src[i] === '^') { raw += '^'; i++; }
          if (this.src[i] === ']') { raw += ']'; i++; }
          continue;
        }
        if (d === ']' && inBracket) { inBracket = false; raw += d; i++; continue; }
        if (d === '/' && !inBracket) break;
        raw += d;
        i++;
      }
      this.pos = i + 1;
      return this.mk('ere', raw, start);
    }
    const ops = ['**=', '...', '+=', '-=', '*=', '/=', '%=', '^=', '==', '<=', '>=', '!=', '++', '--', '&&', '||', '>>', '!~', '**',
      '{', '}', '(', ')', '[', ']', ';', ',', '+', '-', '*', '/', '%', '^', '!', '>', '<', '|', '?', ':', '~', '$', '='];
    for (const op of ops) {
      if (this.src.startsWith(op, this.pos)) {
        this.pos += op.length;
        return this.mk('op', op === '**' ? '^' : op === '**=' ? '^=' : op, start);
      }
    }
    this.pos++;
    throw new AwkSyntaxError(`invalid char '${c}' in expression`, this.line, start - this.lineStart, this.lineText(this.line));
  }
}

export function parseAwk(src: string): Program {
  return new Parser(src).program();
}

class Parser {
  private lx: Lexer;
  private tok: Tok;
  private peeked: Tok[] = [];
  private locals: Map<string, number> | null = null;
  private noGt = 0; // >0 while parsing print arguments: `>` is a redirection
  private funcNames = new Set<string>();
  private prog: Program = { begin: [], end: [], rules: [], funcs: new Map() };

  constructor(src: string) {
    this.lx = new Lexer(src);
    this.tok = this.lx.next();
  }

  private advance(): Tok {
    const t = this.tok;
    this.tok = this.peeked.length ? this.peeked.shift()! : this.lx.next();
    return t;
  }

  private peek(k = 0): Tok {
    while (this.peeked.length <= k) this.peeked.push(this.lx.next());
    return this.peeked[k];
  }

  private err(msg = 'syntax error', tok = this.tok): never {
    if (tok.t === 'eof' || tok.t === 'nl') {
      throw new AwkSyntaxError('unexpected newline or end of string', tok.line, tok.col, this.lx.lineText(tok.line));
    }
    throw new AwkSyntaxError(msg, tok.line, tok.col, this.lx.lineText(tok.line));
  }

  private is(v: string): boolean { return (this.tok.t === 'op' || this.tok.t === 'kw') && this.tok.v === v; }

  private expect(v: string): Tok {
    if (!this.is(v)) {
      if (this.tok.t === 'nl' || this.tok.t === 'eof') {
        throw new AwkSyntaxError('unexpected newline or end of string', this.tok.line, this.tok.col, this.lx.lineText(this.tok.line));
      }
      this.err();
    }
    return this.advance();
  }

  private optNewlines(): void { while (this.tok.t === 'nl') this.advance(); }

  private terminators(): void { while (this.tok.t === 'nl' || this.is(';')) this.advance(); }

  program(): Program {
    this.terminators();
    while (this.tok.t !== 'eof') {
      this.item();
      this.terminators();
    }
    // calls to undefined functions are reported at parse end, as gawk does
    return this.prog;
  }

  private item(): void {
    if (this.is('BEGIN')) {
      this.advance();
      this.optNewlines();
      if (!this.is('{')) this.err();
      this.prog.begin.push(this.block());
      return;
    }
    if (this.is('END')) {
      this.advance();
      this.optNewlines();
      if (!this.is('{')) this.err();
      this.prog.end.push(this.block());
      return;
    }
    if (this.is('function')) {
      this.advance();
      const nameTok = this.advance();
      if (nameTok.t !== 'name' && nameTok.t !== 'funcname') this.err('syntax error', nameTok);
      const name = nameTok.v;
      if (this.prog.funcs.has(name)) this.err(`function \`${name}' previously defined`, nameTok);
      this.funcNames.add(name);
      this.expect('(');
      const params: string[] = [];
      this.optNewlines();
      while (!this.is(')')) {
        const p = this.advance();
        if (p.t !== 'name') this.err('syntax error', p);
        params.push(p.v);
        this.optNewlines();
        if (this.is(',')) { this.advance(); this.optNewlines(); } else if (!this.is(')')) this.err();
      }
      this.advance();
      this.optNewlines();
      this.locals = new Map(params.map((p, i) => [p, i]));
      const fn: Func = { name, params, body: [] };
      this.prog.funcs.set(name, fn);
      fn.body = this.block();
      this.locals = null;
      return;
    }
    const rule: Rule = {};
    if (!this.is('{')) {
      const a = this.expr();
      if (this.is(',')) {
        this.advance();
        this.optNewlines();
        rule.range = [a, this.expr()];
      } else rule.pattern = a;
    }
    if (this.is('{')) rule.action = this.block();
    this.prog.rules.push(rule);
  }

  private block(): Stmt[] {
    this.expect('{');
    const body: Stmt[] = [];
    this.terminators();
    while (!this.is('}')) {
      if (this.tok.t === 'eof') this.err();
      body.push(this.stmt());
      this.terminators();
    }
    this.advance();
    return body;
  }

  private simpleEnd(): void {
    // a simple statement ends at ; newline } or EOF
    if (this.is(';') || this.tok.t === 'nl') { this.advance(); return; }
    if (this.is('}') || this.tok.t === 'eof') return;
    this.err();
  }

  private stmtBody(): Stmt {
    this.optNewlines();
    if (this.is(';')) { this.advance(); return { t: 'block', body: [] }; }
    return this.stmt();
  }

  private stmt(): Stmt {
    const line = this.tok.line;
    const s = this.stmtInner();
    stmtLine.set(s, line);
    return s;
  }

  private stmtInner(): Stmt {
    if (this.is('{')) return { t: 'block', body: this.block() };
    if (this.is('if')) {
      this.advance();
      this.expect('(');
      const c = this.expr();
      this.expect(')');
      const then = this.stmtBody();
      // `else` may follow after newlines or a semicolon
      let k = 0;
      while (this.peekAt(k).t === 'nl' || (this.peekAt(k).t === 'op' && this.peekAt(k).v === ';')) k++;
      const after = this.peekAt(k);
      if (after.t === 'kw' && after.v === 'else') {
        for (let x = 0; x < k; x++) this.advance();
        this.advance();
        return { t: 'if', c, then, else: this.stmtBody() };
      }
      return { t: 'if', c, then };
    }
    if (this.is('while')) {
      this.advance();
      this.expect('(');
      const c = this.expr();
      this.expect(')');
      if (this.is(';')) { this.advance(); return { t: 'while', c, body: { t: 'block', body: [] } }; }
      return { t: 'while', c, body: this.stmtBody() };
    }
    if (this.is('do')) {
      this.advance();
      const body = this.stmtBody();
      this.terminators();
      this.expect('while');
      this.expect('(');
      const c = this.expr();
      this.expect(')');
      this.simpleEnd();
      return { t: 'do', body, c };
    }
    if (this.is('for')) {
      this.advance();
      this.expect('(');
      // for (var in array)
      if ((this.tok.t === 'name') && this.peek(0).t === 'kw' && this.peek(0).v === 'in' && this.peek(1).t === 'name' && this.peek(2).t === 'op' && this.peek(2).v === ')') {
        const v = this.varRef(this.advance().v);
        this.advance();
        const arr = this.advance().v;
        this.advance();
        return { t: 'forin', v, name: arr, local: this.locals?.get(arr), body: this.stmtBody() };
      }
      const init = this.is(';') ? undefined : this.simpleStmt();
      this.expect(';');
      this.optNewlines();
      const c = this.is(';') ? undefined : this.expr();
      this.expect(';');
      this.optNewlines();
      const step = this.is(')') ? undefined : this.simpleStmt();
      this.expect(')');
      if (this.is(';')) { this.advance(); return { t: 'for', init, c, step, body: { t: 'block', body: [] } }; }
      return { t: 'for', init, c, step, body: this.stmtBody() };
    }
    if (this.is(';')) { this.advance(); return { t: 'block', body: [] }; }
    const s = this.simpleStmt();
    this.simpleEnd();
    return s;
  }

  private peekAt(k: number): Tok {
    return k === 0 ? this.tok : this.peek(k - 1);
  }

  private simpleStmt(): Stmt {
    const t = this.tok;
    if (t.t === 'kw') {
      switch (t.v) {
        case 'break': case 'continue': case 'next': case 'nextfile':
          this.advance();
          return { t: t.v };
        case 'exit': case 'return': {
          this.advance();
          if (this.is(';') || this.is('}') || this.tok.t === 'nl' || this.tok.t === 'eof') return { t: t.v };
          return { t: t.v, e: this.expr() };
        }
        case 'delete': {
          this.advance();
          const n = this.advance();
          if (n.t !== 'name') this.err('syntax error', n);
          if (this.is('[')) {
            this.advance();
            const subs = this.exprList(']');
            return { t: 'delete', name: n.v, local: this.locals?.get(n.v), subs };
          }
          return { t: 'delete', name: n.v, local: this.locals?.get(n.v) };
        }
        case 'print': case 'printf': {
          this.advance();
          let args: Expr[] = [];
          this.noGt++;
          if (!this.printArgsEnd()) {
            if (this.is('(')) {
              // print (a, b) > "f"  vs  print (a)(b)
              const save = this.saveState();
              this.advance();
              this.noGt--;
              const list = this.exprList(')');
              this.noGt++;
              if (this.printArgsEnd()) {
                args = list;
              } else {
                this.restoreState(save);
                args = this.exprListNoParen();
              }
            } else args = this.exprListNoParen();
          }
          this.noGt--;
          let redir: Redir | undefined;
          if (this.is('>') || this.is('>>') || this.is('|')) {
            const kind = this.advance().v as '>' | '>>' | '|';
            redir = { kind, e: this.concatExpr() };
          }
          if (t.v === 'printf' && !args.length) this.err();
          return { t: t.v as 'print' | 'printf', args, redir };
        }
        default: break;
      }
    }
    return { t: 'expr', e: this.expr() };
  }

  private printArgsEnd(): boolean {
    return this.is(';') || this.is('}') || this.is('>') || this.is('>>') || this.is('|') || this.tok.t === 'nl' || this.tok.t === 'eof';
  }

  private saveState(): SavedState {
    return { lx: { pos: this.lx.pos, line: this.lx.line, lineStart: this.lx.lineStart, last: this.lx.last }, tok: this.tok, peeked: [...this.peeked] };
  }

  private restoreState(s: SavedState): void {
    this.lx.pos = s.lx.pos; this.lx.line = s.lx.line; this.lx.lineStart = s.lx.lineStart; this.lx.last = s.lx.last;
    this.tok = s.tok;
    this.peeked = s.peeked;
  }

  private exprListNoParen(): Expr[] {
    const list = [this.expr()];
    while (this.is(',')) {
      this.advance();
      this.optNewlines();
      list.push(this.expr());
    }
    return list;
  }

  private exprList(close: string): Expr[] {
    const list: Expr[] = [];
    this.optNewlines();
    if (this.is(close)) { this.advance(); return list; }
    const saveGt = this.noGt;
    this.noGt = 0;
    for (;;) {
      list.push(this.expr());
      this.optNewlines();
      if (this.is(',')) { this.advance(); this.optNewlines(); continue; }
      break;
    }
    this.noGt = saveGt;
    this.expect(close);
    return list;
  }

  private varRef(name: string): Expr {
    const local = this.locals?.get(name);
    return local === undefined ? { t: 'var', name } : { t: 'var', name, local };
  }

  // ---- expressions ----

  expr(): Expr {
    return this.ternary();
  }

  private isLvalue(e: Expr): boolean { return e.t === 'var' || e.t === 'field' || e.t === 'index'; }

  private ternary(): Expr {
    const c = this.orExpr();
    if (this.is('?')) {
      this.advance();
      this.optNewlines();
      const a = this.ternary();
      this.optNewlines();
      this.expect(':');
      this.optNewlines();
      const b = this.ternary();
      return co({ t: 'cond', c, a, b }, c, a, b);
    }
    if (this.tok.t === 'op' && ['=', '+=', '-=', '*=', '/=', '%=', '^='].includes(this.tok.v) && this.isLvalue(c)) {
      // `/=` right after an operand is division-assignment; awk's lexer ambiguity with regex is rare
      const op = this.advance().v;
      this.optNewlines();
      const e = this.ternary();
      return co({ t: 'assign', op, lv: c, e }, c, e);
    }
    return c;
  }

  private orExpr(): Expr {
    let a = this.andExpr();
    while (this.is('||')) {
      this.advance();
      this.optNewlines();
      const b = this.andExpr();
      a = co({ t: 'or', a, b }, a, b);
    }
    return a;
  }

  private andExpr(): Expr {
    let a = this.inExpr();
    while (this.is('&&')) {
      this.advance();
      this.optNewlines();
      const b = this.inExpr();
      a = co({ t: 'and', a, b }, a, b);
    }
    return a;
  }

  private inExpr(): Expr {
    let a = this.matchExpr();
    while (this.is('in')) {
      this.advance();
      const n = this.advance();
      if (n.t !== 'name') this.err('syntax error', n);
      const subs = a.t === 'grouplist' ? a.list : [a];
      a = co({ t: 'in', subs, name: n.v, local: this.locals?.get(n.v) }, ...subs);
    }
    return a;
  }

  private matchExpr(): Expr {
    let a = this.relExpr();
    while (this.is('~') || this.is('!~')) {
      const neg = this.advance().v === '!~';
      const re = this.relExpr();
      a = co({ t: 'match', neg, a, re }, a, re);
    }
    return a;
  }

  private relExpr(): Expr {
    const a = this.concatExpr();
    if (this.tok.t === 'op' && ['<', '<=', '==', '!=', '>=', '>'].includes(this.tok.v)) {
      if (this.tok.v === '>' && this.noGt) return a;
      const op = this.advance().v;
      const b = this.concatExpr();
      return co({ t: 'cmp', op, a, b }, a, b);
    }
    // cmd | getline [var]
    if (this.is('|') && this.peek(0).t === 'kw' && this.peek(0).v === 'getline') {
      this.advance();
      this.advance();
      const lv = this.optLvalue();
      let e: Expr = { t: 'getline', kind: 'cmd', src: a, lv, co: true };
      // chains like `"cmd" | getline > 0`
      if (this.tok.t === 'op' && ['<', '<=', '==', '!=', '>=', '>'].includes(this.tok.v) && !(this.tok.v === '>' && this.noGt)) {
        const op = this.advance().v;
        const b = this.concatExpr();
        e = co({ t: 'cmp', op, a: e, b }, e, b);
      }
      return e;
    }
    return a;
  }

  private startsOperand(): boolean {
    const t = this.tok;
    if (t.t === 'num' || t.t === 'str' || t.t === 'ere' || t.t === 'name' || t.t === 'funcname' || t.t === 'builtin') return true;
    if (t.t === 'op') return t.v === '$' || t.v === '!' || t.v === '(' || t.v === '-' || t.v === '+' || t.v === '++' || t.v === '--';
    return false;
  }

  /** Concatenation: operands side by side; a leading `-`/`+` is binary, never a new operand. */
  private concatExpr(): Expr {
    const parts = [this.additive()];
    for (;;) {
      const t = this.tok;
      if (t.t === 'op' && (t.v === '-' || t.v === '+' || t.v === '!')) break; // binary, or not a concat operand
      if (t.t === 'kw' && t.v === 'in') break;
      if (!this.startsOperand()) break;
      parts.push(this.additive());
    }
    return parts.length === 1 ? parts[0] : co({ t: 'concat', parts }, ...parts);
  }

  private additive(): Expr {
    let a = this.multiplicative();
    while (this.is('+') || this.is('-')) {
      const op = this.advance().v;
      const b = this.multiplicative();
      a = co({ t: 'bin', op, a, b }, a, b);
    }
    return a;
  }

  private multiplicative(): Expr {
    let a = this.unary();
    while (this.is('*') || this.is('/') || this.is('%')) {
      const opTok = this.advance();
      const op = opTok.v;
      const b = this.unary();
      if (op !== '*' && a.t === 'num' && b.t === 'num' && b.v === 0) {
        // gawk folds constants while parsing and reports this as a plain error
        throw new AwkSyntaxError(op === '/' ? 'division by zero attempted' : "division by zero attempted in `%'", opTok.line, -1, '');
      }
      a = co({ t: 'bin', op, a, b }, a, b);
    }
    return a;
  }

  private unary(): Expr {
    if (this.is('!')) { this.advance(); const e = this.unary(); return co({ t: 'not', e }, e); }
    if (this.is('-')) { this.advance(); const e = this.unary(); return co({ t: 'neg', e }, e); }
    if (this.is('+')) { this.advance(); const e = this.unary(); return co({ t: 'plus', e }, e); }
    return this.power();
  }

  private power(): Expr {
    const a = this.postfix();
    if (this.is('^')) {
      this.advance();
      // right associative; the exponent may carry a unary sign
      let b: Expr;
      if (this.is('-')) { this.advance(); const e = this.powerOperand(); b = co({ t: 'neg', e }, e); }
      else if (this.is('+')) { this.advance(); b = this.powerOperand(); }
      else if (this.is('!')) { this.advance(); const e = this.powerOperand(); b = co({ t: 'not', e }, e); }
      else b = this.powerOperand();
      return co({ t: 'bin', op: '^', a, b }, a, b);
    }
    return a;
  }

  private powerOperand(): Expr {
    return this.power();
  }

  private postfix(): Expr {
    if (this.is('++') || this.is('--')) {
      const op = this.advance().v as '++' | '--';
      const lv = this.postfix();
      if (!this.isLvalue(lv)) this.err();
      return co({ t: 'incdec', op, prefix: true, lv }, lv);
    }
    const e = this.primary();
    if (this.isLvalue(e) && (this.is('++') || this.is('--'))) {
      const op = this.advance().v as '++' | '--';
      return co({ t: 'incdec', op, prefix: false, lv: e }, e);
    }
    return e;
  }

  private optLvalue(): Expr | undefined {
    if (this.tok.t === 'name') return this.nameExpr(this.advance().v);
    if (this.is('$')) {
      this.advance();
      const e = this.fieldOperand();
      return co({ t: 'field', e }, e);
    }
    return undefined;
  }

  private nameExpr(name: string): Expr {
    if (this.is('[')) {
      this.advance();
      const subs = this.exprList(']');
      if (!subs.length) this.err();
      return co({ t: 'index', name, local: this.locals?.get(name), subs }, ...subs);
    }
    return this.varRef(name);
  }

  private fieldOperand(): Expr {
    // $ binds tighter than ++/--, so $i++ is ($i)++; $-1 and $++i are allowed
    if (this.is('++') || this.is('--')) {
      const op = this.advance().v as '++' | '--';
      const lv = this.fieldOperand();
      return co({ t: 'incdec', op, prefix: true, lv }, lv);
    }
    if (this.is('-')) { this.advance(); const e = this.fieldOperand(); return co({ t: 'neg', e }, e); }
    if (this.is('+')) { this.advance(); return this.fieldOperand(); }
    if (this.is('!')) { this.advance(); const e = this.fieldOperand(); return co({ t: 'not', e }, e); }
    return this.primary();
  }

  private primary(): Expr {
    const t = this.tok;
    switch (t.t) {
      case 'num': this.advance(); return { t: 'num', v: t.n! };
      case 'str': this.advance(); return { t: 'str', v: t.v };
      case 'ere': this.advance(); return { t: 'regex', src: t.v };
      case 'name': this.advance(); return this.nameExpr(t.v);
      case 'funcname': {
        this.advance();
        this.expect('(');
        const args = this.exprList(')');
        return { t: 'call', name: t.v, args, co: true };
      }
      case 'builtin': {
        this.advance();
        let args: Expr[] = [];
        if (this.is('(')) {
          this.advance();
          args = this.exprList(')');
        } else if (t.v !== 'length') this.err();
        const needsCo = t.v === 'system' || t.v === 'close' || t.v === 'fflush';
        return co({ t: 'builtin', name: t.v, args, co: needsCo }, ...args);
      }
      case 'kw':
        if (t.v === 'getline') {
          this.advance();
          const lv = this.optLvalue();
          if (this.is('<')) {
            this.advance();
            const src = this.getlineFile();
            return { t: 'getline', kind: 'file', lv, src, co: true };
          }
          return { t: 'getline', kind: 'simple', lv, co: true };
        }
        this.err();
        break;
      case 'op':
        if (t.v === '$') {
          this.advance();
          const e = this.fieldOperand();
          return co({ t: 'field', e }, e);
        }
        if (t.v === '(') {
          this.advance();
          const saveGt = this.noGt;
          this.noGt = 0;
          this.optNewlines();
          const first = this.expr();
          this.optNewlines();
          if (this.is(',')) {
            const list = [first];
            while (this.is(',')) { this.advance(); this.optNewlines(); list.push(this.expr()); this.optNewlines(); }
            this.expect(')');
            this.noGt = saveGt;
            if (!this.is('in')) this.err();
            return co({ t: 'grouplist', list }, ...list);
          }
          this.expect(')');
          this.noGt = saveGt;
          return co({ t: 'group', e: first }, first);
        }
        if (t.v === '-' || t.v === '+' || t.v === '!') return this.unary();
        if (t.v === '++' || t.v === '--') return this.postfix();
        break;
      default: break;
    }
    if (t.t === 'nl' || t.t === 'eof') {
      throw new AwkSyntaxError('unexpected newline or end of string', t.line, t.col, this.lx.lineText(t.line));
    }
    return this.err();
  }

  private getlineFile(): Expr {
    // the file operand of `getline < file` is a primary (no concatenation)
    if (this.is('$')) { this.advance(); const e = this.fieldOperand(); return co({ t: 'field', e }, e); }
    return this.primary();
  }
}

interface SavedState { lx: { pos: number; line: number; lineStart: number; last: Tok | null }; tok: Tok; peeked: Tok[] }

function co<T extends Expr>(e: T, ...kids: (Expr | undefined)[]): T {
  if (kids.some((k) => k?.co)) e.co = true;
  return e;
}
