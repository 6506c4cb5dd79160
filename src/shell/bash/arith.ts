/**
 * Shell arithmetic: `$((...))`, `((...))`, `let`, `for ((;;))`, array subscripts, `declare -i`.
 *
 * A port of the structure of bash's expr.c: a recursive-descent evaluator that evaluates
 * while it parses (with a `noeval` counter for the untaken side of `&&`, `||`, `?:`), so
 * side effects (`x++`, `y=3`) and error messages come out as bash's do — including the
 * "(error token is ...)" suffix, which is the text from the last token read onwards.
 * Values are 64-bit two's complement (BigInt, wrapped with asIntN), as intmax_t in bash.
 * Variables holding expressions are evaluated recursively (x='y+1').
 */

export class ArithError {
  constructor(
    /** The expression as bash prints it (leading blanks removed). */
    readonly expr: string,
    readonly msg: string,
    readonly token: string,
  ) {}
  /** `1/0: division by 0 (error token is "0")` */
  get text(): string { return `${this.expr}: ${this.msg} (error token is "${this.token}")`; }
}

/** How the evaluator reads and writes shell variables. */
export interface ArithEnv {
  /** A variable's value (subscript text given for `a[...]`), or undefined when unset. */
  get(name: string, subscript?: string): string | undefined;
  set(name: string, value: string, subscript?: string): void;
  /** Called for an unset variable when `set -u` is on; must throw. */
  unbound?(name: string): never;
}

const enum T {
  EOF = 0, NUM, STR, LPAR, RPAR, COMMA, EQ, OP_ASSIGN, QUES, COL, LOR, LAND, BOR, BXOR, BAND,
  EQEQ, NEQ, LEQ, GEQ, LT, GT, LSH, RSH, PLUS, MINUS, MUL, DIV, MOD, POWER, NOT, BNOT,
  PREINC, PREDEC, POSTINC, POSTDEC, COND,
}

const MULTIOP = new Set([T.EQEQ, T.NEQ, T.LEQ, T.GEQ, T.LAND, T.LOR, T.LSH, T.RSH, T.OP_ASSIGN, T.COND,
  T.POWER, T.PREINC, T.PREDEC, T.POSTINC, T.POSTDEC]);
const ARITHOP = new Set([T.EQ, T.GT, T.LT, T.PLUS, T.MINUS, T.MUL, T.DIV, T.MOD, T.NOT, T.LPAR, T.RPAR,
  T.BAND, T.BOR, T.BXOR, T.BNOT, T.QUES, T.COL, T.COMMA]);

const SINGLE: Record<string, T> = {
  '(': T.LPAR, ')': T.RPAR, ',': T.COMMA, '=': T.EQ, '?': T.QUES, ':': T.COL, '|': T.BOR, '^': T.BXOR,
  '&': T.BAND, '<': T.LT, '>': T.GT, '+': T.PLUS, '-': T.MINUS, '*': T.MUL, '/': T.DIV, '%': T.MOD,
  '!': T.NOT, '~': T.BNOT,
};

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);
const MIN = -(1n << 63n);

function isWs(c: string): boolean { return c === ' ' || c === '\t' || c === '\n' || c === '\r'; }
function isVarStart(c: string): boolean { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_'; }
function isVarChar(c: string): boolean { return isVarStart(c) || (c >= '0' && c <= '9'); }
function isAlnum(c: string): boolean { return isVarChar(c) && c !== '_'; }

const MAX_DEPTH = 1024;

class Evaluator {
  private tp = 0;
  private lasttp = 0;
  private curtok: T = T.EOF;
  private lasttok: T = T.EOF;
  private tokval = 0n;
  private tokstr: string | null = null;
  /** subscript of the current STR token (a[...]) */
  private toksub: string | undefined;
  private assigntok: T = T.EOF;
  private noeval = 0;
  /** lvalue of the last variable token */
  private lvName: string | null = null;
  private lvSub: string | undefined;

  constructor(private readonly s: string, private readonly env: ArithEnv, private readonly depth: number) {}

  private cur(): T { return this.curtok; }
  private lastTok(): T { return this.lasttok; }

  run(): bigint {
    let p = 0;
    while (p < this.s.length && isWs(this.s[p])) p++;
    if (p >= this.s.length) return 0n;
    this.readtok();
    const v = this.expcomma();
    if (this.cur() !== T.EOF) this.err('syntax error in expression');
    return v;
  }

  /** While a number is converted bash NUL-terminates the expression at the number's end. */
  private cut = -1;

  private err(msg: string): never {
    let t = 0;
    while (t < this.s.length && (this.s[t] === ' ' || this.s[t] === '\t')) t++;
    const end = this.cut >= 0 ? this.cut : this.s.length;
    throw new ArithError(this.s.slice(t, end), msg, this.s.slice(this.lasttp, end));
  }

  private expcomma(): bigint {
    let v = this.expassign();
    while (this.cur() === T.COMMA) { this.readtok(); v = this.expassign(); }
    return v;
  }

  private expassign(): bigint {
    let value = this.expcond();
    if (this.cur() === T.EQ || this.cur() === T.OP_ASSIGN) {
      const special = this.cur() === T.OP_ASSIGN;
      if (this.lasttok !== T.STR) this.err('attempted assignment to non-variable');
      const op = this.assigntok;
      const lvalue = value;
      if (this.tokstr === null) this.err('syntax error in variable assignment');
      const lhs = this.tokstr;
      const lsub = this.toksub;
      this.readtok();
      value = this.expassign();
      if (special) {
        if ((op === T.DIV || op === T.MOD) && value === 0n) {
          if (this.noeval === 0) this.err('division by 0');
          value = 1n;
        }
        value = binop(op, lvalue, value);
      }
      if (this.noeval === 0) this.env.set(lhs, value.toString(), lsub);
      this.tokstr = null;
    }
    return value;
  }

  private expcond(): bigint {
    const cval = this.explor();
    if (this.cur() !== T.QUES) return cval;
    let setNoeval = false;
    if (cval === 0n) { setNoeval = true; this.noeval++; }
    this.readtok();
    if (this.cur() === T.EOF || this.cur() === T.COL) this.err('expression expected');
    const v1 = this.expcomma();
    if (setNoeval) this.noeval--;
    if (this.cur() !== T.COL) this.err("`:' expected for conditional expression");
    setNoeval = false;
    if (cval !== 0n) { setNoeval = true; this.noeval++; }
    this.readtok();
    if (this.cur() === T.EOF) this.err('expression expected');
    const v2 = this.expcond();
    if (setNoeval) this.noeval--;
    this.lasttok = T.COND;
    return cval !== 0n ? v1 : v2;
  }

  private explor(): bigint {
    let v1 = this.expland();
    while (this.cur() === T.LOR) {
      let set = false;
      if (v1 !== 0n) { this.noeval++; set = true; }
      this.readtok();
      const v2 = this.expland();
      if (set) this.noeval--;
      v1 = v1 !== 0n || v2 !== 0n ? 1n : 0n;
      this.lasttok = T.LOR;
    }
    return v1;
  }

  private expland(): bigint {
    let v1 = this.expbor();
    while (this.cur() === T.LAND) {
      let set = false;
      if (v1 === 0n) { this.noeval++; set = true; }
      this.readtok();
      const v2 = this.expbor();
      if (set) this.noeval--;
      v1 = v1 !== 0n && v2 !== 0n ? 1n : 0n;
      this.lasttok = T.LAND;
    }
    return v1;
  }

  private level(next: () => bigint, ops: readonly T[]): bigint {
    let v1 = next();
    while (ops.includes(this.cur())) {
      const op = this.curtok;
      this.readtok();
      const v2 = next();
      v1 = binop(op, v1, v2);
      this.lasttok = T.NUM;
    }
    return v1;
  }

  private expbor(): bigint { return this.level(() => this.expbxor(), [T.BOR]); }
  private expbxor(): bigint { return this.level(() => this.expband(), [T.BXOR]); }
  private expband(): bigint { return this.level(() => this.exp5(), [T.BAND]); }
  private exp5(): bigint { return this.level(() => this.exp4(), [T.EQEQ, T.NEQ]); }
  private exp4(): bigint { return this.level(() => this.expshift(), [T.LEQ, T.GEQ, T.LT, T.GT]); }
  private expshift(): bigint { return this.level(() => this.exp3(), [T.LSH, T.RSH]); }
  private exp3(): bigint { return this.level(() => this.expmuldiv(), [T.PLUS, T.MINUS]); }

  private expmuldiv(): bigint {
    let v1 = this.exppower();
    while (this.cur() === T.MUL || this.cur() === T.DIV || this.cur() === T.MOD) {
      const op = this.curtok;
      const stp = this.tp;
      this.readtok();
      let v2 = this.exppower();
      if ((op === T.DIV || op === T.MOD) && v2 === 0n) {
        if (this.noeval === 0) {
          let p = stp;
          while (p < this.s.length && (this.s[p] === ' ' || this.s[p] === '\t')) p++;
          this.lasttp = p;
          this.err('division by 0');
        }
        v2 = 1n;
      }
      v1 = binop(op, v1, v2);
      this.lasttok = T.NUM;
    }
    return v1;
  }

  private exppower(): bigint {
    let v1 = this.exp1();
    while (this.cur() === T.POWER) {
      this.readtok();
      const v2 = this.exppower();
      this.lasttok = T.NUM;
      if (v2 === 0n) return 1n;
      if (v2 < 0n) this.err('exponent less than 0');
      v1 = ipow(v1, v2);
    }
    return v1;
  }

  private exp1(): bigint {
    switch (this.curtok) {
      case T.NOT: { this.readtok(); const v = this.exp1(); this.lasttok = T.NUM; return v === 0n ? 1n : 0n; }
      case T.BNOT: { this.readtok(); const v = this.exp1(); this.lasttok = T.NUM; return wrap(~v); }
      case T.MINUS: { this.readtok(); const v = this.exp1(); this.lasttok = T.NUM; return wrap(-v); }
      case T.PLUS: { this.readtok(); const v = this.exp1(); this.lasttok = T.NUM; return v; }
      default: return this.exp0();
    }
  }

  private exp0(): bigint {
    let val = 0n;
    if (this.cur() === T.PREINC || this.cur() === T.PREDEC) {
      const stok = this.curtok;
      this.lasttok = stok;
      this.readtok();
      if (this.cur() !== T.STR) this.err('identifier expected after pre-increment or pre-decrement');
      const v2 = wrap(this.tokval + (stok === T.PREINC ? 1n : -1n));
      if (this.noeval === 0 && this.tokstr !== null) this.env.set(this.tokstr, v2.toString(), this.toksub);
      val = v2;
      this.curtok = T.NUM;
      this.readtok();
    } else if (this.cur() === T.LPAR) {
      this.readtok();
      val = this.expcomma();
      if (this.cur() !== T.RPAR) this.err("missing `)'");
      this.readtok();
    } else if (this.cur() === T.NUM || this.cur() === T.STR) {
      val = this.tokval;
      if (this.cur() === T.STR) {
        const saved = this.save();
        this.tokstr = null;
        this.noeval = 1;
        this.readtok();
        const stok = this.curtok;
        if (stok === T.POSTINC || stok === T.POSTDEC) {
          this.tokstr = saved.tokstr;
          this.toksub = saved.toksub;
          this.noeval = saved.noeval;
          this.lasttok = T.STR;
          const v2 = wrap(val + (stok === T.POSTINC ? 1n : -1n));
          if (this.noeval === 0 && this.tokstr !== null) this.env.set(this.tokstr, v2.toString(), this.toksub);
          this.curtok = T.NUM;
        } else {
          this.restore(saved);
        }
      }
      this.readtok();
    } else {
      this.err('syntax error: operand expected');
    }
    return val;
  }

  private save() {
    return {
      tp: this.tp, lasttp: this.lasttp, curtok: this.curtok, lasttok: this.lasttok, tokval: this.tokval,
      tokstr: this.tokstr, toksub: this.toksub, noeval: this.noeval, lvName: this.lvName, lvSub: this.lvSub,
    };
  }

  private restore(x: ReturnType<Evaluator['save']>): void {
    this.tp = x.tp; this.lasttp = x.lasttp; this.curtok = x.curtok; this.lasttok = x.lasttok;
    this.tokval = x.tokval; this.tokstr = x.tokstr; this.toksub = x.toksub; this.noeval = x.noeval;
    this.lvName = x.lvName; this.lvSub = x.lvSub;
  }

  private streval(name: string, sub: string | undefined): bigint {
    if (this.noeval) return 0n;
    const v = this.env.get(name, sub);
    if (v === undefined && this.env.unbound) this.env.unbound(sub !== undefined ? `${name}[${sub}]` : name);
    if (v === undefined || v === '') return 0n;
    return evalDepth(v, this.env, this.depth + 1);
  }

  private readtok(): void {
    const s = this.s;
    let cp = this.tp;
    while (cp < s.length && isWs(s[cp])) cp++;
    if (cp >= s.length) {
      this.lasttok = this.curtok;
      this.curtok = T.EOF;
      this.tp = cp;
      return;
    }
    const start = cp;
    this.lasttp = this.tp = start;
    const c = s[cp++];
    if (isVarStart(c)) {
      while (cp < s.length && isVarChar(s[cp])) cp++;
      const name = s.slice(start, cp);
      let sub: string | undefined;
      if (s[cp] === '[') {
        const e = skipSubscript(s, cp + 1);
        if (e < 0) this.err('bad substitution');
        sub = s.slice(cp + 1, e);
        cp = e + 1;
      }
      // peek at the next token: an assignment does not read the variable
      const saved = this.save();
      this.tokstr = null;
      this.tp = cp;
      this.noeval = 1;
      this.curtok = T.STR;
      this.readtok();
      const peektok = this.curtok;
      this.restore(saved);
      this.tokstr = name;
      this.toksub = sub;
      if (this.lastTok() === T.PREINC || this.lastTok() === T.PREDEC || (peektok as T) !== T.EQ) {
        this.tokval = this.streval(name, sub);
      } else this.tokval = 0n;
      this.lasttok = this.curtok;
      this.curtok = T.STR;
      this.tp = cp;
      return;
    }
    if (c >= '0' && c <= '9') {
      while (cp < s.length && (isAlnum(s[cp]) || s[cp] === '#' || s[cp] === '@' || s[cp] === '_')) cp++;
      this.cut = cp;
      this.tokval = this.strlong(s.slice(start, cp));
      this.cut = -1;
      this.lasttok = this.curtok;
      this.curtok = T.NUM;
      this.tp = cp;
      return;
    }
    const c1 = s[cp++] ?? '';
    let tok: T;
    if (c === '=' && c1 === '=') tok = T.EQEQ;
    else if (c === '!' && c1 === '=') tok = T.NEQ;
    else if (c === '>' && c1 === '=') tok = T.GEQ;
    else if (c === '<' && c1 === '=') tok = T.LEQ;
    else if (c === '<' && c1 === '<') {
      if (s[cp] === '=') { this.assigntok = T.LSH; tok = T.OP_ASSIGN; cp++; } else tok = T.LSH;
    } else if (c === '>' && c1 === '>') {
      if (s[cp] === '=') { this.assigntok = T.RSH; tok = T.OP_ASSIGN; cp++; } else tok = T.RSH;
    } else if (c === '&' && c1 === '&') tok = T.LAND;
    else if (c === '|' && c1 === '|') tok = T.LOR;
    else if (c === '*' && c1 === '*') tok = T.POWER;
    else if ((c === '-' || c === '+') && c1 === c && this.cur() === T.STR) tok = c === '-' ? T.POSTDEC : T.POSTINC;
    else if ((c === '-' || c === '+') && c1 === c && this.cur() === T.NUM && (this.lasttok === T.PREINC || this.lasttok === T.PREDEC)) {
      this.err(c === '-' ? '--: assignment requires lvalue' : '++: assignment requires lvalue');
    } else if ((c === '-' || c === '+') && c1 === c) {
      let xp = cp;
      while (xp < s.length && isWs(s[xp])) xp++;
      if (xp < s.length && isVarStart(s[xp])) tok = c === '-' ? T.PREDEC : T.PREINC;
      else { cp--; tok = SINGLE[c]; }
    } else if (c1 === '=' && '*/%+-&^|'.includes(c)) {
      this.assigntok = SINGLE[c];
      tok = T.OP_ASSIGN;
    } else if (SINGLE[c] === undefined) {
      cp--;
      if (this.cur() === T.EOF || ARITHOP.has(this.curtok) || MULTIOP.has(this.curtok)) this.err('syntax error: operand expected');
      this.err('syntax error: invalid arithmetic operator');
    } else {
      cp--;
      tok = SINGLE[c];
    }
    this.lasttok = this.curtok;
    this.curtok = tok;
    this.tp = cp;
  }

  private strlong(num: string): bigint {
    let i = 0;
    let base = 10n;
    let foundbase = 0;
    if (num[0] === '0') {
      i++;
      if (i >= num.length) return 0n;
      if (num[i] === 'x' || num[i] === 'X') { base = 16n; i++; } else base = 8n;
      foundbase++;
    }
    let val = 0n;
    for (; i < num.length; i++) {
      const c = num[i];
      if (c === '#') {
        if (foundbase) this.err('invalid number');
        if (val < 2n || val > 64n) this.err('invalid arithmetic base');
        base = val;
        val = 0n;
        foundbase++;
        const n = num[i + 1];
        if (n === undefined || !(isVarChar(n) || n === '@')) this.err('invalid integer constant');
        continue;
      }
      let d: number;
      if (c >= '0' && c <= '9') d = c.charCodeAt(0) - 48;
      else if (c >= 'a' && c <= 'z') d = c.charCodeAt(0) - 97 + 10;
      else if (c >= 'A' && c <= 'Z') d = c.charCodeAt(0) - 65 + (base <= 36n ? 10 : 36);
      else if (c === '@') d = 62;
      else if (c === '_') d = 63;
      else break;
      if (BigInt(d) >= base) this.err('value too great for base');
      val = wrap(val * base + BigInt(d));
    }
    return val;
  }
}

function skipSubscript(s: string, from: number): number {
  let depth = 0;
  for (let i = from; i < s.length; i++) {
    if (s[i] === '[') depth++;
    else if (s[i] === ']') { if (depth === 0) return i; depth--; }
  }
  return -1;
}

function ipow(base: bigint, exp: bigint): bigint {
  let result = 1n;
  while (exp) {
    if (exp & 1n) result = wrap(result * base);
    exp >>= 1n;
    base = wrap(base * base);
  }
  return result;
}

function binop(op: T, a: bigint, b: bigint): bigint {
  switch (op) {
    case T.MUL: return wrap(a * b);
    case T.DIV: return a === MIN && b === -1n ? MIN : wrap(a / b);
    case T.MOD: return a === MIN && b === -1n ? 0n : wrap(a % b);
    case T.PLUS: return wrap(a + b);
    case T.MINUS: return wrap(a - b);
    case T.LSH: return wrap(a << (b & 63n));
    case T.RSH: return wrap(a >> (b & 63n));
    case T.BAND: return a & b;
    case T.BOR: return a | b;
    case T.BXOR: return a ^ b;
    case T.EQEQ: return a === b ? 1n : 0n;
    case T.NEQ: return a !== b ? 1n : 0n;
    case T.LEQ: return a <= b ? 1n : 0n;
    case T.GEQ: return a >= b ? 1n : 0n;
    case T.LT: return a < b ? 1n : 0n;
    case T.GT: return a > b ? 1n : 0n;
    default: return 0n;
  }
}

const DEC_RE = /^\s*-?[0-9]+\s*$/;

function evalDepth(expr: string, env: ArithEnv, depth: number): bigint {
  // Fast path: a plain decimal number (most variable values).
  if (DEC_RE.test(expr) && !/^\s*-?0[0-9]/.test(expr)) {
    const t = expr.trim();
    if (t.length < 16) return BigInt(Number(t));
    return wrap(BigInt(t));
  }
  if (depth > MAX_DEPTH) throw new ArithError(expr.trimStart(), 'expression recursion level exceeded', expr);
  return new Evaluator(expr, env, depth).run();
}

/** Evaluate an (already expanded) arithmetic expression. Throws ArithError. */
export function evalArith(expr: string, env: ArithEnv): bigint {
  return evalDepth(expr, env, 0);
}
