/**
 * awk (as GNU Awk 5.1 behaves, RHEL 9's /usr/bin/awk): a practical POSIX awk with the gawk
 * extensions people use in one-liners.
 *
 * Values follow awk's rules: numbers, strings and "strnums" (fields, getline input, split
 * elements, -v values) that compare numerically when they look like numbers; uninitialized
 * values are both "" and 0. Numbers print as integers when integral, else through OFMT /
 * CONVFMT (%.6g). Fields split on FS (" " = runs of blanks, one character = literally,
 * longer = ERE, "" = characters) and $0 is rebuilt with OFS when a field or NF is assigned.
 * RS may be "\n", one character, "" (paragraphs) or a regex.
 *
 * I/O: print/printf to files (`>` truncates once, `>>` appends), "/dev/stdout",
 * "/dev/stderr", and `| "cmd"`; `getline` in all its forms; `"cmd" | getline`, system() and
 * output pipes run through ctx.runLine when the shell provides it (output pipes feed the
 * command a here-document). Statements run as a coroutine that yields every few thousand
 * steps, so `BEGIN { while (1) ; }` can be interrupted.
 * Left out: printf %c of values > 255 as bytes, locale-aware comparisons, PROCINFO, @include.
 */
import { TICK, type CmdContext, type Co } from '../types.ts';
import {
  AwkSyntaxError, type Expr, type Func, parseAwk, type Program, type Redir, type Rule, type Stmt, stmtLine, unescape,
} from './awkparse.ts';
import { formatOne, parseFormat } from './cfmt.ts';
import { jsRegExp, RegexError, translate } from './regex.ts';
import { substitute } from './sed.ts';
import {
  ByteRng, collector, defineCommand, epochNow, errText, type Io, LineReader, MemoryExhausted, openSrc, passSignal, readAll, type Src, stdinSrc, strftime,
} from './util.ts';

// ---- values --------------------------------------------------------------------------------

/** A string that came from input: compares as a number when it looks like one. */
class SN {
  private n?: number | null;
  constructor(readonly s: string) {}
  get num(): number | null {
    if (this.n === undefined) this.n = NUMERIC.test(this.s) ? Number(this.s.trim()) : null;
    return this.n;
  }
}

type Val = number | string | SN | undefined;
type AwkArr = Map<string, Val>;
type Cell = Val | AwkArr;

const NUMERIC = /^[ \t\n\r\f\v]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[ \t\n\r\f\v]*$/;
const NUM_PREFIX = /^[ \t\n\r\f\v]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/;

function strtod(s: string): number {
  const m = NUM_PREFIX.exec(s);
  if (m) return Number(m[0].trim());
  const inf = /^[ \t]*([+-])(inf|infinity|nan)/i.exec(s);
  if (inf) return /nan/i.test(inf[2]) ? NaN : inf[1] === '-' ? -Infinity : Infinity;
  return 0;
}

function isArr(c: Cell): c is AwkArr { return c instanceof Map; }

class Fatal extends Error {
  constructor(msg: string, readonly noLocation = false) { super(msg); }
}
class NextSig {}
class NextFileSig {}
class BreakSig {}
class ContinueSig {}
class ExitSig { constructor(readonly code: number) {} }
class ReturnSig { constructor(readonly v: Val) {} }

const BREAK = new BreakSig();
const CONTINUE = new ContinueSig();
const NEXT = new NextSig();
const NEXTFILE = new NextFileSig();

// ---- record readers ------------------------------------------------------------------------

interface RecReader { next(): Co<string | null> }

function recReader(src: Src, rs: string, regexFor: (s: string) => RegExp): RecReader {
  if (rs === '\n' || rs.length === 1) {
    const lr = new LineReader(src, rs);
    return { next: () => lr.next() };
  }
  if (rs === '') {
    const lr = new LineReader(src, '\n');
    return {
      *next() {
        let line = yield* lr.next();
        while (line === '') line = yield* lr.next();
        if (line === null) return null;
        const parts = [line];
        for (;;) {
          const l = yield* lr.next();
          if (l === null || l === '') break;
          parts.push(l);
        }
        return parts.join('\n');
      },
    };
  }
  let recs: string[] | null = null;
  let pos = 0;
  return {
    *next() {
      if (!recs) {
        const text = yield* readAll(src);
        const re = regexFor(rs);
        recs = [];
        let last = 0;
        re.lastIndex = 0;
        for (;;) {
          const m = re.exec(text);
          if (!m) break;
          if (m[0] === '') { re.lastIndex++; continue; }
          recs.push(text.slice(last, m.index));
          last = m.index + m[0].length;
        }
        if (last < text.length) recs.push(text.slice(last));
      }
      return pos < recs.length ? recs[pos++] : null;
    },
  };
}

// ---- the interpreter ------------------------------------------------------------------------

const MAX_DEPTH = 1000;

class Awk {
  private g = new Map<string, Cell>();
  private frames: Cell[][] = [];
  private rec = '';
  private flds: string[] | null = [];
  private nf = 0;
  private recFS = ' ';
  private reCache = new Map<string, RegExp>();
  private outFiles = new Map<string, { path: string }>();
  private pipes = new Map<string, string>();
  private inFiles = new Map<string, RecReader | null>();
  private cmdIn = new Map<string, { recs: string[]; pos: number }>();
  private steps = 0;
  private curLine = 1;
  private depth = 0;
  private seed = 0;
  private rng = new ByteRng('awk/0');
  private exitCode = 0;
  private inputSeen = false;
  private main: MainInput;
  private arrayParams = new Map<string, Set<number>>();

  constructor(private readonly io: Io, private readonly ctx: CmdContext, private readonly prog: Program,
    private readonly progName: string, private readonly srcName: string, args: string[], assigns: [string, string][],
    fs: string | undefined) {
    const defaults: Record<string, Val> = {
      FS: ' ', OFS: ' ', ORS: '\n', RS: '\n', SUBSEP: '\x1c', CONVFMT: '%.6g', OFMT: '%.6g', NR: 0, FNR: 0,
      RSTART: 0, RLENGTH: -1, FILENAME: '', IGNORECASE: 0,
    };
    for (const [k, v] of Object.entries(defaults)) this.g.set(k, v);
    const env: AwkArr = new Map();
    for (const [k, v] of Object.entries(ctx.env.exported())) env.set(k, new SN(v));
    this.g.set('ENVIRON', env);
    const argv: AwkArr = new Map();
    argv.set('0', 'awk');
    args.forEach((a, i) => argv.set(String(i + 1), new SN(a)));
    this.g.set('ARGV', argv);
    this.g.set('ARGC', args.length + 1);
    if (fs !== undefined) this.g.set('FS', fs);
    for (const [k, v] of assigns) this.g.set(k, new SN(unescape(v)));
    for (const f of prog.funcs.values()) this.arrayParams.set(f.name, arrayParamsOf(f));
    this.main = new MainInput(this, ctx);
  }

  // -- conversions --

  num(v: Val): number {
    if (typeof v === 'number') return v;
    if (v === undefined) return 0;
    if (typeof v === 'string') return strtod(v);
    return v.num ?? strtod(v.s);
  }

  private fmtNum(n: number, fmtVar: 'CONVFMT' | 'OFMT'): string {
    if (Number.isInteger(n)) return Math.abs(n) < 1e16 ? String(n) : BigInt(n).toString();
    if (Number.isNaN(n)) return 'nan';
    if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
    return this.sprintf(this.str(this.g.get(fmtVar) as Val), [n]);
  }

  str(v: Val): string {
    if (typeof v === 'string') return v;
    if (v === undefined) return '';
    if (typeof v === 'number') return this.fmtNum(v, 'CONVFMT');
    return v.s;
  }

  private outStr(v: Val): string {
    return typeof v === 'number' ? this.fmtNum(v, 'OFMT') : this.str(v);
  }

  private truthy(v: Val): boolean {
    if (typeof v === 'number') return v !== 0;
    if (v === undefined) return false;
    if (typeof v === 'string') return v !== '';
    const n = v.num;
    return n !== null ? n !== 0 : v.s !== '';
  }

  private compare(a: Val, b: Val): number {
    const na = typeof a === 'number' || a === undefined || (a instanceof SN && a.num !== null);
    const nb = typeof b === 'number' || b === undefined || (b instanceof SN && b.num !== null);
    if (na && nb) {
      const x = this.num(a), y = this.num(b);
      return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
    }
    const x = this.str(a), y = this.str(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  // -- errors --

  fatal(msg: string): never {
    throw new Fatal(msg);
  }

  private fatalText(msg: string, noLocation: boolean): string {
    if (noLocation) return `${this.progName}: fatal: ${msg}`;
    const where = this.inputSeen ? `(FILENAME=${this.str(this.g.get('FILENAME') as Val) || '-'} FNR=${this.str(this.g.get('FNR') as Val)}) ` : '';
    return `${this.progName}: ${this.srcName}:${this.curLine}: ${where}fatal: ${msg}`;
  }

  warn(msg: string): void {
    this.io.errRaw(`${this.progName}: ${msg}\n`);
  }

  // -- regexes --

  regex(src: string): RegExp {
    const icase = this.truthy(this.g.get('IGNORECASE') as Val);
    const key = (icase ? 'i:' : 's:') + src;
    let re = this.reCache.get(key);
    if (!re) {
      try {
        re = jsRegExp(translate(src, true, 'awk').source, { icase, global: true });
      } catch (e) {
        if (e instanceof RegexError) this.fatal(`invalid regexp: ${e.message}: /${src}/`);
        throw e;
      }
      if (this.reCache.size > 500) this.reCache.clear();
      this.reCache.set(key, re);
    }
    re.lastIndex = 0;
    return re;
  }

  private regexOf(e: Expr, v?: Val): RegExp {
    if (e.t === 'regex') return this.regex(e.src);
    return this.regex(this.str(v !== undefined ? v : this.ev(e)));
  }

  // -- records and fields --

  setRecord(s: string): void {
    this.rec = s;
    this.flds = null;
    this.recFS = this.str(this.g.get('FS') as Val);
  }

  private split(): void {
    if (this.flds) return;
    const parts = this.splitWith(this.rec, this.recFS, this.str(this.g.get('RS') as Val) === '');
    this.flds = ['', ...parts];
    this.nf = parts.length;
  }

  splitWith(s: string, fs: string, paragraph: boolean): string[] {
    if (s === '') return [];
    if (fs === ' ') {
      const t = s.replace(/^[ \t\n]+|[ \t\n]+$/g, '');
      return t === '' ? [] : t.split(/[ \t\n]+/);
    }
    let parts: string[];
    if (fs === '') parts = [...s];
    else if (fs.length === 1 && fs !== '\\') {
      if (this.truthy(this.g.get('IGNORECASE') as Val) && /[a-z]/i.test(fs)) parts = s.split(new RegExp(fs.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'));
      else parts = s.split(fs);
    } else parts = s.split(this.regexNoGlobal(fs));
    if (paragraph && fs !== ' ') parts = parts.flatMap((p) => p.split('\n'));
    return parts;
  }

  private regexNoGlobal(src: string): RegExp {
    const re = this.regex(src);
    return new RegExp(re.source, re.flags.replace('g', ''));
  }

  private getField(i: number): Val {
    if (i === 0) return new SN(this.rec);
    this.split();
    // a field past NF is the null string, which compares as a string (`$5 == 0` is false)
    return new SN(i <= this.nf ? this.flds![i] : '');
  }

  private rebuild(): void {
    this.rec = this.flds!.slice(1, this.nf + 1).join(this.str(this.g.get('OFS') as Val));
  }

  private setField(i: number, v: string): void {
    if (i === 0) { this.setRecord(v); return; }
    this.split();
    while (this.nf < i) { this.flds!.push(''); this.nf++; }
    this.flds![i] = v;
    this.rebuild();
  }

  private setNF(n: number): void {
    this.split();
    if (n < 0) this.fatal('NF set to negative value');
    while (this.nf < n) { this.flds!.push(''); this.nf++; }
    this.flds!.length = n + 1;
    this.nf = n;
    this.rebuild();
  }

  private fieldIndex(v: Val): number {
    const n = Math.trunc(this.num(v));
    if (n < 0) this.fatal(`attempt to access field ${n}`);
    return n;
  }

  // -- variables --

  private cellOf(name: string, local?: number): Cell {
    if (local !== undefined) return this.frames[this.frames.length - 1][local];
    if (name === 'NF') { this.split(); return this.nf; }
    return this.g.get(name);
  }

  private scalar(name: string, local?: number): Val {
    const c = this.cellOf(name, local);
    if (isArr(c)) this.fatal(`attempt to use array \`${name}' in a scalar context`);
    return c;
  }

  private setScalar(name: string, local: number | undefined, v: Val): void {
    if (local !== undefined) {
      const f = this.frames[this.frames.length - 1];
      if (isArr(f[local])) this.fatal(`attempt to use array \`${name}' in a scalar context`);
      f[local] = v;
      return;
    }
    if (name === 'NF') { this.setNF(Math.trunc(this.num(v))); return; }
    if (isArr(this.g.get(name))) this.fatal(`attempt to use array \`${name}' in a scalar context`);
    this.g.set(name, v);
  }

  arr(name: string, local?: number): AwkArr {
    let c: Cell;
    if (local !== undefined) {
      const f = this.frames[this.frames.length - 1];
      c = f[local];
      if (c === undefined) { c = new Map(); f[local] = c; }
    } else {
      c = this.g.get(name);
      if (c === undefined) { c = new Map(); this.g.set(name, c); }
    }
    if (!isArr(c)) this.fatal(`attempt to use scalar \`${name}' as an array`);
    return c;
  }

  private subscript(vals: Val[]): string {
    if (vals.length === 1) return this.str(vals[0]);
    return vals.map((v) => this.str(v)).join(this.str(this.g.get('SUBSEP') as Val));
  }

  // -- lvalues --

  private getLv(lv: Expr, subs?: Val[]): Val {
    switch (lv.t) {
      case 'var': return this.scalar(lv.name, lv.local);
      case 'field': return this.getField(this.fieldIndex(subs![0]));
      case 'index': {
        const a = this.arr(lv.name, lv.local);
        const k = this.subscript(subs!);
        if (!a.has(k)) a.set(k, undefined);
        return a.get(k);
      }
      default: return this.fatal('assignment to non-lvalue');
    }
  }

  private setLv(lv: Expr, subs: Val[] | undefined, v: Val): void {
    switch (lv.t) {
      case 'var': this.setScalar(lv.name, lv.local, v); return;
      case 'field': this.setField(this.fieldIndex(subs![0]), this.str(v)); return;
      case 'index': this.arr(lv.name, lv.local).set(this.subscript(subs!), v); return;
      default: this.fatal('assignment to non-lvalue');
    }
  }

  /** Evaluate an lvalue's subscripts (or field index) once. */
  private lvSubs(lv: Expr): Val[] | undefined {
    if (lv.t === 'field') return [this.ev(lv.e)];
    if (lv.t === 'index') return lv.subs.map((s) => this.ev(s));
    return undefined;
  }

  private *lvSubsCo(lv: Expr): Co<Val[] | undefined> {
    if (lv.t === 'field') return [yield* this.evc(lv.e)];
    if (lv.t === 'index') {
      const out: Val[] = [];
      for (const s of lv.subs) out.push(yield* this.evc(s));
      return out;
    }
    return undefined;
  }

  private assignOp(op: string, cur: Val, v: Val): Val {
    if (op === '=') return v instanceof SN ? v : typeof v === 'string' ? v : v;
    return this.arith(op.slice(0, -1), cur, v);
  }

  private arith(op: string, a: Val, b: Val): number {
    const x = this.num(a), y = this.num(b);
    switch (op) {
      case '+': return x + y;
      case '-': return x - y;
      case '*': return x * y;
      case '/': if (y === 0) this.fatal('division by zero attempted'); return x / y;
      case '%': if (y === 0) this.fatal('division by zero attempted in `%\''); return x % y;
      case '^': return Math.pow(x, y);
      default: return 0;
    }
  }

  private cmpOp(op: string, a: Val, b: Val): number {
    const c = this.compare(a, b);
    switch (op) {
      case '<': return c < 0 ? 1 : 0;
      case '<=': return c <= 0 ? 1 : 0;
      case '>': return c > 0 ? 1 : 0;
      case '>=': return c >= 0 ? 1 : 0;
      case '==': return c === 0 ? 1 : 0;
      default: return c !== 0 ? 1 : 0;
    }
  }

  // -- expressions (synchronous path) --

  ev(e: Expr): Val {
    switch (e.t) {
      case 'num': return e.v;
      case 'str': return e.v;
      case 'regex': return this.regex(e.src).test(this.rec) ? 1 : 0;
      case 'var': return this.scalar(e.name, e.local);
      case 'field': return this.getField(this.fieldIndex(this.ev(e.e)));
      case 'index': {
        const a = this.arr(e.name, e.local);
        const k = this.subscript(e.subs.map((s) => this.ev(s)));
        if (!a.has(k)) a.set(k, undefined);
        return a.get(k);
      }
      case 'group': return this.ev(e.e);
      case 'grouplist': return this.subscript(e.list.map((x) => this.ev(x)));
      case 'assign': {
        const subs = this.lvSubs(e.lv);
        const v = this.ev(e.e);
        const nv = e.op === '=' ? v : this.assignOp(e.op, this.getLv(e.lv, subs), v);
        this.setLv(e.lv, subs, nv);
        return nv;
      }
      case 'cond': return this.truthy(this.ev(e.c)) ? this.ev(e.a) : this.ev(e.b);
      case 'and': return this.truthy(this.ev(e.a)) && this.truthy(this.ev(e.b)) ? 1 : 0;
      case 'or': return this.truthy(this.ev(e.a)) || this.truthy(this.ev(e.b)) ? 1 : 0;
      case 'not': return this.truthy(this.ev(e.e)) ? 0 : 1;
      case 'neg': return -this.num(this.ev(e.e));
      case 'plus': return this.num(this.ev(e.e));
      case 'bin': return this.arith(e.op, this.ev(e.a), this.ev(e.b));
      case 'cmp': return this.cmpOp(e.op, this.ev(e.a), this.ev(e.b));
      case 'match': {
        const s = this.str(this.ev(e.a));
        const r = this.regexOf(e.re).test(s);
        return r !== e.neg ? 1 : 0;
      }
      case 'concat': {
        let s = '';
        for (const p of e.parts) s += this.str(this.ev(p));
        return s;
      }
      case 'in': {
        const k = this.subscript(e.subs.map((s) => this.ev(s)));
        return this.arr(e.name, e.local).has(k) ? 1 : 0;
      }
      case 'incdec': {
        const subs = this.lvSubs(e.lv);
        const old = this.num(this.getLv(e.lv, subs));
        const nv = e.op === '++' ? old + 1 : old - 1;
        this.setLv(e.lv, subs, nv);
        return e.prefix ? nv : old;
      }
      case 'builtin': return this.builtin(e.name, e.args, e.args.map((a) => (needsRaw(e.name, a, e.args.indexOf(a)) ? undefined : this.ev(a))));
      default: return this.fatal(`internal: ${e.t} in synchronous context`);
    }
  }

  // -- expressions (coroutine path, for calls, getline, system, pipes) --

  *evc(e: Expr): Co<Val> {
    if (!e.co) return this.ev(e);
    switch (e.t) {
      case 'field': return this.getField(this.fieldIndex(yield* this.evc(e.e)));
      case 'index': {
        const subs: Val[] = [];
        for (const s of e.subs) subs.push(yield* this.evc(s));
        const a = this.arr(e.name, e.local);
        const k = this.subscript(subs);
        if (!a.has(k)) a.set(k, undefined);
        return a.get(k);
      }
      case 'group': return yield* this.evc(e.e);
      case 'grouplist': {
        const vals: Val[] = [];
        for (const x of e.list) vals.push(yield* this.evc(x));
        return this.subscript(vals);
      }
      case 'assign': {
        const subs = yield* this.lvSubsCo(e.lv);
        const v = yield* this.evc(e.e);
        const nv = e.op === '=' ? v : this.assignOp(e.op, this.getLv(e.lv, subs), v);
        this.setLv(e.lv, subs, nv);
        return nv;
      }
      case 'cond': return this.truthy(yield* this.evc(e.c)) ? yield* this.evc(e.a) : yield* this.evc(e.b);
      case 'and': return this.truthy(yield* this.evc(e.a)) && this.truthy(yield* this.evc(e.b)) ? 1 : 0;
      case 'or': return this.truthy(yield* this.evc(e.a)) || this.truthy(yield* this.evc(e.b)) ? 1 : 0;
      case 'not': return this.truthy(yield* this.evc(e.e)) ? 0 : 1;
      case 'neg': return -this.num(yield* this.evc(e.e));
      case 'plus': return this.num(yield* this.evc(e.e));
      case 'bin': { const a = yield* this.evc(e.a); const b = yield* this.evc(e.b); return this.arith(e.op, a, b); }
      case 'cmp': { const a = yield* this.evc(e.a); const b = yield* this.evc(e.b); return this.cmpOp(e.op, a, b); }
      case 'match': {
        const s = this.str(yield* this.evc(e.a));
        const re = e.re.t === 'regex' ? this.regex(e.re.src) : this.regex(this.str(yield* this.evc(e.re)));
        return re.test(s) !== e.neg ? 1 : 0;
      }
      case 'concat': {
        let s = '';
        for (const p of e.parts) s += this.str(yield* this.evc(p));
        return s;
      }
      case 'in': {
        const vals: Val[] = [];
        for (const s of e.subs) vals.push(yield* this.evc(s));
        return this.arr(e.name, e.local).has(this.subscript(vals)) ? 1 : 0;
      }
      case 'incdec': {
        const subs = yield* this.lvSubsCo(e.lv);
        const old = this.num(this.getLv(e.lv, subs));
        const nv = e.op === '++' ? old + 1 : old - 1;
        this.setLv(e.lv, subs, nv);
        return e.prefix ? nv : old;
      }
      case 'call': return yield* this.call(e.name, e.args);
      case 'builtin': {
        const vals: Val[] = [];
        for (let i = 0; i < e.args.length; i++) vals.push(needsRaw(e.name, e.args[i], i) ? undefined : yield* this.evc(e.args[i]));
        if (e.name === 'system') return yield* this.system(this.str(vals[0]));
        if (e.name === 'close') return yield* this.close(this.str(vals[0]));
        if (e.name === 'fflush') { this.io.sync(); return 0; }
        return this.builtin(e.name, e.args, vals);
      }
      case 'getline': return yield* this.getline(e);
      default: return this.ev(e);
    }
  }

  // -- user functions --

  private *call(name: string, args: Expr[]): Co<Val> {
    const f = this.prog.funcs.get(name);
    if (!f) this.fatal(`function \`${name}' not defined`);
    if (args.length > f.params.length) this.fatal(`function \`${name}' called with more arguments than declared`);
    const arrParams = this.arrayParams.get(name)!;
    const frame: Cell[] = new Array(f.params.length).fill(undefined);
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a.t === 'var') {
        const c = this.cellOf(a.name, a.local);
        if (isArr(c)) { frame[i] = c; continue; }
        if (c === undefined && arrParams.has(i)) {
          // an untyped variable passed where the callee uses an array becomes that array
          frame[i] = this.arr(a.name, a.local);
          continue;
        }
        frame[i] = c;
        continue;
      }
      frame[i] = yield* this.evc(a);
    }
    if (++this.depth > MAX_DEPTH) this.fatal('function call nesting too deep');
    this.frames.push(frame);
    try {
      yield* this.execList(f.body);
      return undefined;
    } catch (e) {
      if (e instanceof ReturnSig) return e.v;
      throw e;
    } finally {
      this.frames.pop();
      this.depth--;
    }
  }

  // -- builtins --

  private builtin(name: string, args: Expr[], vals: Val[]): Val {
    const arg = (i: number): string => this.str(vals[i]);
    switch (name) {
      case 'length': {
        if (!args.length) return [...this.rec].length;
        const a = args[0];
        if (a.t === 'var') {
          const c = this.cellOf(a.name, a.local);
          if (isArr(c)) return c.size;
        }
        return [...this.str(vals[0] ?? this.ev(a))].length;
      }
      case 'substr': {
        const s = arg(0);
        let start = Math.trunc(this.num(vals[1]));
        if (Number.isNaN(start)) start = 1;
        if (start < 1) start = 1;
        const cs = [...s];
        if (args.length < 3) return cs.slice(start - 1).join('');
        const n = Math.trunc(this.num(vals[2]));
        if (!(n > 0)) return '';
        return cs.slice(start - 1, start - 1 + n).join('');
      }
      case 'index': {
        const s = arg(0), t = arg(1);
        const k = s.indexOf(t);
        return k < 0 ? 0 : [...s.slice(0, k)].length + 1;
      }
      case 'split': {
        const target = args[1];
        if (target?.t !== 'var') this.fatal('split: second argument is not an array');
        const a = this.arr(target.name, target.local);
        a.clear();
        const s = arg(0);
        let parts: string[];
        let seps: string[] = [];
        if (args.length < 3) parts = this.splitWith(s, this.str(this.g.get('FS') as Val), false);
        else if (args[2].t === 'regex') parts = this.splitRe(s, args[2].src, seps = []);
        else {
          const fs = this.str(vals[2] ?? this.ev(args[2]));
          if (fs === ' ' || fs.length === 1 || fs === '') parts = this.splitWith(s, fs, false);
          else parts = this.splitRe(s, fs, seps = []);
        }
        parts.forEach((p, i) => a.set(String(i + 1), new SN(p)));
        if (args[3]?.t === 'var') {
          const sa = this.arr(args[3].name, args[3].local);
          sa.clear();
          seps.forEach((p, i) => sa.set(String(i + 1), p));
        }
        return parts.length;
      }
      case 'sub': case 'gsub': return this.sub(name === 'gsub', args, vals);
      case 'gensub': return this.gensub(args, vals);
      case 'match': {
        const s = arg(0);
        const re = this.regexOf(args[1], vals[1]);
        const m = re.exec(s);
        const start = m ? [...s.slice(0, m.index)].length + 1 : 0;
        const len = m ? [...m[0]].length : -1;
        this.g.set('RSTART', start);
        this.g.set('RLENGTH', len);
        if (args[2]?.t === 'var') {
          const a = this.arr(args[2].name, args[2].local);
          a.clear();
          if (m) {
            const sub = this.str(this.g.get('SUBSEP') as Val);
            m.forEach((g, i) => {
              if (g === undefined) return;
              a.set(String(i), new SN(g));
              const off = s.indexOf(g, m.index);
              a.set(`${i}${sub}start`, [...s.slice(0, off)].length + 1);
              a.set(`${i}${sub}length`, [...g].length);
            });
          }
        }
        return start;
      }
      case 'sprintf': return args.length ? this.sprintf(arg(0), vals.slice(1)) : this.fatal('sprintf: no arguments');
      case 'sin': return Math.sin(this.num(vals[0]));
      case 'cos': return Math.cos(this.num(vals[0]));
      case 'atan2': return Math.atan2(this.num(vals[0]), this.num(vals[1]));
      case 'exp': return Math.exp(this.num(vals[0]));
      case 'log': return Math.log(this.num(vals[0]));
      case 'sqrt': return Math.sqrt(this.num(vals[0]));
      case 'int': return Math.trunc(this.num(vals[0]));
      case 'rand': return (this.rng.next() >>> 0) / 4294967296;
      case 'srand': {
        const prev = this.seed;
        this.seed = args.length ? Math.trunc(this.num(vals[0])) : epochNow(this.ctx);
        this.rng = new ByteRng(`awk/${this.seed}`);
        return prev;
      }
      case 'tolower': return arg(0).toLowerCase();
      case 'toupper': return arg(0).toUpperCase();
      case 'systime': return epochNow(this.ctx);
      case 'strftime': {
        const fmt = args.length ? arg(0) : '%a %b %e %H:%M:%S %Z %Y';
        const ts = args.length > 1 ? Math.trunc(this.num(vals[1])) : epochNow(this.ctx);
        return strftime(fmt, ts);
      }
      case 'mktime': {
        const p = arg(0).trim().split(/\s+/).map(Number);
        if (p.length < 6 || p.some((x) => Number.isNaN(x))) return -1;
        return Date.UTC(p[0], p[1] - 1, p[2], p[3], p[4], p[5]) / 1000;
      }
      case 'asort': case 'asorti': {
        const src = args[0];
        if (src?.t !== 'var') this.fatal(`${name}: first argument not an array`);
        const a = this.arr(src.name, src.local);
        const items = name === 'asort' ? [...a.values()] : [...a.keys()].map((k) => new SN(k));
        items.sort((x, y) => {
          const xn = typeof x === 'number' || (x instanceof SN && x.num !== null);
          const yn = typeof y === 'number' || (y instanceof SN && y.num !== null);
          if (xn && yn) return this.num(x) - this.num(y);
          if (xn !== yn) return xn ? -1 : 1;
          const s = this.str(x), t = this.str(y);
          return s < t ? -1 : s > t ? 1 : 0;
        });
        const dst = args[1]?.t === 'var' ? this.arr(args[1].name, args[1].local) : a;
        dst.clear();
        items.forEach((v, i) => dst.set(String(i + 1), v));
        return items.length;
      }
      case 'system': case 'close': case 'fflush':
        return 0;
      default: return this.fatal(`function \`${name}' not defined`);
    }
  }

  private splitRe(s: string, src: string, seps: string[]): string[] {
    if (s === '') return [];
    const re = this.regex(src);
    const parts: string[] = [];
    let last = 0;
    re.lastIndex = 0;
    for (;;) {
      const m = re.exec(s);
      if (!m) break;
      if (m[0] === '') { re.lastIndex++; if (re.lastIndex > s.length) break; continue; }
      parts.push(s.slice(last, m.index));
      seps.push(m[0]);
      last = m.index + m[0].length;
    }
    parts.push(s.slice(last));
    return parts;
  }

  private sub(global: boolean, args: Expr[], vals: Val[]): number {
    if (args.length < 2) this.fatal(`${global ? 'gsub' : 'sub'}: not enough arguments`);
    const re = this.regexOf(args[0], vals[0]);
    const repl = this.str(vals[1]);
    const target = args[2] ?? ({ t: 'field', e: { t: 'num', v: 0 } } as Expr);
    const isLv = target.t === 'var' || target.t === 'field' || target.t === 'index';
    const subs = isLv ? this.lvSubs(target) : undefined;
    const text = isLv ? this.str(this.getLv(target, subs)) : this.str(this.ev(target));
    let count = 0;
    const out = substitute(re, text, 1, global, (m) => {
      count++;
      let r = '';
      for (let i = 0; i < repl.length; i++) {
        const c = repl[i];
        if (c === '\\' && (repl[i + 1] === '&' || repl[i + 1] === '\\')) { r += repl[++i]; continue; }
        r += c === '&' ? m[0] : c;
      }
      return r;
    });
    if (out !== null && isLv) this.setLv(target, subs, out);
    return count;
  }

  private gensub(args: Expr[], vals: Val[]): Val {
    if (args.length < 3) this.fatal('gensub: not enough arguments');
    const re = this.regexOf(args[0], vals[0]);
    const repl = this.str(vals[1]);
    const how = this.str(vals[2]);
    const text = args.length > 3 ? this.str(vals[3]) : this.rec;
    const global = /^[gG]/.test(how);
    let nth = global ? 1 : Math.trunc(this.num(vals[2]));
    if (!global && nth < 1) nth = 1;
    const out = substitute(re, text, nth, global, (m) => {
      let r = '';
      for (let i = 0; i < repl.length; i++) {
        const c = repl[i];
        if (c === '\\' && i + 1 < repl.length) {
          const d = repl[++i];
          if (d === '&') r += '&';
          else if (/[0-9]/.test(d)) r += m[Number(d)] ?? '';
          else r += d === '\\' ? '\\' : '\\' + d;
          continue;
        }
        r += c === '&' ? m[0] : c;
      }
      return r;
    });
    return out ?? text;
  }

  sprintf(fmt: string, vals: Val[]): string {
    const pieces = parseFormat(fmt);
    let k = 0;
    let out = '';
    const next = (): Val => {
      if (k >= vals.length) this.fatal(`not enough arguments to satisfy format string\n\t\`${fmt}'\n\t${' '.repeat(Math.max(0, fmt.length - 1))}^ ran out for this one`);
      return vals[k++];
    };
    for (const p of pieces) {
      if (typeof p === 'string') { out += p; continue; }
      const c = { ...p };
      if (p.starW) { const w = Math.trunc(this.num(next())); if (w < 0) { c.flags += '-'; c.width = -w; } else c.width = w; }
      if (p.starP) { const pr = Math.trunc(this.num(next())); c.prec = pr < 0 ? undefined : pr; }
      const v = next();
      if (c.conv === 'c') {
        if (typeof v === 'number' || (v instanceof SN && v.num !== null)) {
          let code = Math.trunc(this.num(v));
          if (!(code >= 0 && code <= 0x10ffff) || (code >= 0xd800 && code < 0xe000)) code = ((code % 256) + 256) % 256 || 0;
          out += formatOne(c, 0, String.fromCodePoint(code));
        }
        else {
          // gawk prints a NUL for %c of an empty string
          const sv = this.str(v);
          out += formatOne(c, 0, sv === '' ? '\0' : sv);
        }
        continue;
      }
      if (c.conv === 's') { out += formatOne(c, 0, this.str(v)); continue; }
      out += formatOne(c, this.num(v), '');
    }
    return out;
  }

  // -- I/O --

  private outTarget(r: Redir, name: string): (s: string) => void {
    if (name === '/dev/stdout' || name === '-') return (s) => this.io.out(s);
    if (name === '/dev/stderr') return (s) => this.io.errRaw(s);
    if (r.kind === '|') return (s) => this.pipes.set(name, (this.pipes.get(name) ?? '') + s);
    let f = this.outFiles.get(name);
    if (!f) {
      const path = this.ctx.resolve(name);
      try {
        if (r.kind === '>') this.ctx.fs.writeFile(path, '');
        else this.ctx.fs.writeFile(path, '', { append: true });
      } catch (e) {
        this.fatal(`can't redirect to \`${name}' (${errText(e)})`);
      }
      f = { path };
      this.outFiles.set(name, f);
    }
    const path = f.path;
    return (s) => {
      try { this.ctx.fs.writeFile(path, s, { append: true }); } catch (e) { this.fatal(`can't redirect to \`${name}' (${errText(e)})`); }
    };
  }

  private *runPipe(cmd: string, input: string): Co<number> {
    const run = this.ctx.runLine;
    if (!run) { this.warn(`cannot open pipe \`${cmd}' (Function not implemented)`); return -1; }
    this.io.sync();
    let tag = 'AWK_EOF';
    while (input.includes(tag)) tag += '_';
    const body = input.endsWith('\n') || input === '' ? input : input + '\n';
    return yield* run.call(this.ctx, `${cmd} <<'${tag}'\n${body}${tag}`);
  }

  private *close(name: string): Co<number> {
    if (this.pipes.has(name)) {
      const data = this.pipes.get(name)!;
      this.pipes.delete(name);
      return yield* this.runPipe(name, data);
    }
    if (this.outFiles.delete(name)) return 0;
    if (this.inFiles.delete(name)) return 0;
    if (this.cmdIn.delete(name)) return 0;
    return -1;
  }

  *closeAll(): Co<void> {
    for (const name of [...this.pipes.keys()]) yield* this.close(name);
  }

  private *system(cmd: string): Co<number> {
    const run = this.ctx.runLine;
    this.io.sync();
    for (const name of [...this.pipes.keys()]) yield* this.close(name);
    if (!run) return 127;
    return yield* run.call(this.ctx, cmd);
  }

  private *getline(e: Extract<Expr, { t: 'getline' }>): Co<Val> {
    let rec: string | null;
    if (e.kind === 'simple') {
      rec = yield* this.main.next();
      if (rec === null) return 0;
      this.bump('NR');
      if (!e.lv) this.setRecord(rec);
    } else if (e.kind === 'file') {
      const name = this.str(yield* this.evc(e.src!));
      let r = this.inFiles.get(name);
      if (r === undefined) {
        try {
          const src = name === '-' || name === '/dev/stdin' ? stdinSrc(this.ctx) : openSrc(this.ctx, name);
          r = recReader(src, this.str(this.g.get('RS') as Val), (s) => this.regex(s));
        } catch {
          r = null;
        }
        this.inFiles.set(name, r);
      }
      if (r === null) return -1;
      rec = yield* r.next();
      if (rec === null) return 0;
      if (!e.lv) { this.setRecord(rec); this.bump('NR'); }
    } else {
      const cmd = this.str(yield* this.evc(e.src!));
      let c = this.cmdIn.get(cmd);
      if (!c) {
        const run = this.ctx.runLine;
        if (!run) return -1;
        this.io.sync();
        const out = collector();
        yield* run.call(this.ctx, cmd, { stdout: out });
        const t = out.text;
        const recs = t === '' ? [] : t.replace(/\n$/, '').split('\n');
        c = { recs, pos: 0 };
        this.cmdIn.set(cmd, c);
      }
      if (c.pos >= c.recs.length) return 0;
      rec = c.recs[c.pos++];
      this.bump('NR');
      if (!e.lv) this.setRecord(rec);
    }
    if (e.lv) {
      const subs = yield* this.lvSubsCo(e.lv);
      this.setLv(e.lv, subs, new SN(rec));
    }
    return 1;
  }

  bump(name: 'NR' | 'FNR'): void {
    this.g.set(name, this.num(this.g.get(name) as Val) + 1);
  }

  // -- statements --

  private *execList(list: Stmt[]): Co<void> {
    for (const s of list) yield* this.exec(s);
  }

  private *tick(): Co<void> {
    if (++this.steps % 5000 === 0) {
      yield* this.io.flow();
      yield TICK;
    }
  }

  private *exec(s: Stmt): Co<void> {
    const line = stmtLine.get(s);
    if (line !== undefined) this.curLine = line;
    switch (s.t) {
      case 'block': yield* this.execList(s.body); return;
      case 'expr': if (s.e.co) yield* this.evc(s.e); else this.ev(s.e); return;
      case 'getline': yield* this.evc(s.e); return;
      case 'print': case 'printf': {
        const vals: Val[] = [];
        for (const a of s.args) vals.push(a.co ? yield* this.evc(a) : this.ev(a));
        let text: string;
        if (s.t === 'print') {
          text = vals.length ? vals.map((v) => this.outStr(v)).join(this.str(this.g.get('OFS') as Val)) : this.rec;
          text += this.str(this.g.get('ORS') as Val);
        } else text = this.sprintf(this.str(vals[0]), vals.slice(1));
        if (s.redir) {
          const name = this.str(s.redir.e.co ? yield* this.evc(s.redir.e) : this.ev(s.redir.e));
          this.outTarget(s.redir, name)(text);
        } else {
          this.io.out(text);
          yield* this.io.flow();
        }
        return;
      }
      case 'if': {
        const c = s.c.co ? yield* this.evc(s.c) : this.ev(s.c);
        if (this.truthy(c)) yield* this.exec(s.then);
        else if (s.else) yield* this.exec(s.else);
        return;
      }
      case 'while':
        for (;;) {
          const c = s.c.co ? yield* this.evc(s.c) : this.ev(s.c);
          if (!this.truthy(c)) return;
          try { yield* this.exec(s.body); } catch (e) {
            if (e === BREAK) return;
            if (e !== CONTINUE) throw e;
          }
          yield* this.tick();
        }
      case 'do':
        for (;;) {
          try { yield* this.exec(s.body); } catch (e) {
            if (e === BREAK) return;
            if (e !== CONTINUE) throw e;
          }
          const c = s.c.co ? yield* this.evc(s.c) : this.ev(s.c);
          if (!this.truthy(c)) return;
          yield* this.tick();
        }
      case 'for':
        if (s.init) yield* this.exec(s.init);
        for (;;) {
          if (s.c) {
            const c = s.c.co ? yield* this.evc(s.c) : this.ev(s.c);
            if (!this.truthy(c)) return;
          }
          try { yield* this.exec(s.body); } catch (e) {
            if (e === BREAK) return;
            if (e !== CONTINUE) throw e;
          }
          if (s.step) yield* this.exec(s.step);
          yield* this.tick();
        }
      case 'forin': {
        const a = this.arr(s.name, s.local);
        for (const k of [...a.keys()]) {
          if (!a.has(k)) continue;
          this.setLv(s.v, undefined, new SN(k));
          try { yield* this.exec(s.body); } catch (e) {
            if (e === BREAK) return;
            if (e !== CONTINUE) throw e;
          }
          yield* this.tick();
        }
        return;
      }
      case 'break': throw BREAK;
      case 'continue': throw CONTINUE;
      case 'next': throw NEXT;
      case 'nextfile': throw NEXTFILE;
      case 'exit': {
        const v = s.e ? (s.e.co ? yield* this.evc(s.e) : this.ev(s.e)) : undefined;
        throw new ExitSig(v === undefined ? this.exitCode : Math.trunc(this.num(v)) & 0xff);
      }
      case 'return': {
        if (!this.frames.length) this.fatal('`return\' used outside function context');
        const v = s.e ? (s.e.co ? yield* this.evc(s.e) : this.ev(s.e)) : undefined;
        throw new ReturnSig(v);
      }
      case 'delete': {
        const a = this.arr(s.name, s.local);
        if (!s.subs) { a.clear(); return; }
        const vals: Val[] = [];
        for (const x of s.subs) vals.push(x.co ? yield* this.evc(x) : this.ev(x));
        a.delete(this.subscript(vals));
        return;
      }
      default: return;
    }
  }

  // -- the main loop --

  private *matches(r: Rule): Co<boolean> {
    const test = function* (this: Awk, e: Expr): Co<boolean> {
      return this.truthy(e.co ? yield* this.evc(e) : this.ev(e));
    }.bind(this);
    if (r.range) {
      if (r.inRange) {
        if (yield* test(r.range[1])) r.inRange = false;
        return true;
      }
      if (yield* test(r.range[0])) {
        r.inRange = !(yield* test(r.range[1]));
        return true;
      }
      return false;
    }
    return r.pattern ? yield* test(r.pattern) : true;
  }

  *run(): Co<number> {
    try {
      try {
        for (const b of this.prog.begin) yield* this.execList(b);
        if (this.prog.rules.length || this.prog.end.length) {
          this.inputSeen = true;
          records: for (;;) {
            const rec = yield* this.main.next();
            if (rec === null) break;
            this.bump('NR');
            this.setRecord(rec);
            for (const r of this.prog.rules) {
              try {
                if (!(yield* this.matches(r))) continue;
                if (r.action) yield* this.execList(r.action);
                else { this.io.out(this.rec + this.str(this.g.get('ORS') as Val)); yield* this.io.flow(); }
              } catch (e) {
                if (e === NEXT) continue records;
                if (e === NEXTFILE) { this.main.skipFile(); continue records; }
                throw e;
              }
            }
            yield* this.tick();
          }
        }
      } catch (e) {
        if (!(e instanceof ExitSig)) throw e;
        this.exitCode = e.code;
      }
      try {
        for (const b of this.prog.end) yield* this.execList(b);
      } catch (e) {
        if (!(e instanceof ExitSig)) throw e;
        this.exitCode = e.code;
      }
      yield* this.closeAll();
      return this.exitCode;
    } catch (e) {
      if (e === BREAK || e === CONTINUE) { this.reportFatal('`break\' or `continue\' used outside a loop'); return 2; }
      if (e === NEXT || e === NEXTFILE) { this.reportFatal('`next\' used in BEGIN or END action'); return 2; }
      if (e instanceof Fatal) { this.reportFatal(e.message, e.noLocation); return 2; }
      if (e instanceof MemoryExhausted) { this.reportFatal('memory exhausted'); return 2; }
      throw e;
    }
  }

  private reportFatal(msg: string, noLocation = false): void {
    this.io.errRaw(this.fatalText(msg, noLocation) + '\n');
  }

  // main input access for MainInput
  getVar(name: string): Cell { return this.g.get(name); }
  setVar(name: string, v: Val): void { this.g.set(name, v); }
  newSN(s: string): Val { return new SN(s); }
}

/** Which parameters a function uses as arrays (so an untyped argument can become one). */
function arrayParamsOf(f: Func): Set<number> {
  const out = new Set<number>();
  const visitE = (e: Expr | undefined): void => {
    if (!e) return;
    switch (e.t) {
      case 'index': if (e.local !== undefined) out.add(e.local); e.subs.forEach(visitE); return;
      case 'in': if (e.local !== undefined) out.add(e.local); e.subs.forEach(visitE); return;
      case 'builtin':
        if (['split', 'match', 'asort', 'asorti'].includes(e.name)) {
          const t = e.name === 'split' || e.name === 'match' ? e.args[e.name === 'split' ? 1 : 2] : e.args[0];
          if (t?.t === 'var' && t.local !== undefined) out.add(t.local);
        }
        e.args.forEach(visitE);
        return;
      default:
        for (const v of Object.values(e)) {
          if (v && typeof v === 'object') {
            if (Array.isArray(v)) v.forEach((x) => { if (x && typeof x === 'object' && 't' in x) visitE(x as Expr); });
            else if ('t' in v) visitE(v as Expr);
          }
        }
    }
  };
  const visitS = (s: Stmt | undefined): void => {
    if (!s) return;
    if ((s.t === 'delete' || s.t === 'forin') && s.local !== undefined) out.add(s.local);
    for (const v of Object.values(s)) {
      if (v && typeof v === 'object') {
        if (Array.isArray(v)) v.forEach((x) => { if (x && typeof x === 'object' && 't' in x) { if (isStmt(x)) visitS(x as Stmt); else visitE(x as Expr); } });
        else if ('t' in v) { if (isStmt(v)) visitS(v as Stmt); else visitE(v as Expr); }
      }
    }
  };
  f.body.forEach(visitS);
  return out;
}

const STMT_KINDS = new Set(['block', 'expr', 'print', 'printf', 'if', 'while', 'do', 'for', 'forin', 'break', 'continue', 'next', 'nextfile', 'exit', 'return', 'delete']);
function isStmt(x: object): boolean {
  const t = (x as { t: string }).t;
  return STMT_KINDS.has(t) || (t === 'getline' && !('kind' in x));
}

/** Builtin arguments that are not evaluated as values (arrays, regex literals, lvalues). */
function needsRaw(name: string, a: Expr, i: number): boolean {
  switch (name) {
    case 'split': return i === 1 || i === 3 || (i === 2 && a.t === 'regex');
    case 'match': return i === 2 || (i === 1 && a.t === 'regex');
    case 'sub': case 'gsub': return i === 2 || (i === 0 && a.t === 'regex');
    case 'gensub': return i === 0 && a.t === 'regex';
    case 'asort': case 'asorti': return true;
    case 'length': return a.t === 'var';
    default: return false;
  }
}

/** The records of the files named in ARGV (or stdin), with `var=value` operands applied in order. */
class MainInput {
  private idx = 1;
  private reader: RecReader | null = null;
  private usedFile = false;

  constructor(private readonly awk: Awk, private readonly ctx: CmdContext) {}

  skipFile(): void { this.reader = null; }

  *next(): Co<string | null> {
    for (;;) {
      if (this.reader) {
        const r = yield* this.reader.next();
        if (r !== null) { this.awk.bump('FNR'); return r; }
        this.reader = null;
      }
      const argc = Math.trunc(this.awk.num(this.awk.getVar('ARGC') as Val));
      const argv = this.awk.getVar('ARGV');
      if (this.idx >= argc) {
        if (this.usedFile) return null;
        this.usedFile = true;
        this.open('-', stdinSrc(this.ctx));
        continue;
      }
      const a = argv instanceof Map ? this.awk.str(argv.get(String(this.idx)) as Val) : '';
      this.idx++;
      if (a === '') continue;
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(a);
      if (m) {
        this.awk.setVar(m[1], this.awk.newSN(unescape(m[2])));
        continue;
      }
      this.usedFile = true;
      if (a === '-' || a === '/dev/stdin') { this.open(a, stdinSrc(this.ctx)); continue; }
      try {
        this.open(a, openSrc(this.ctx, a));
      } catch (e) {
        passSignal(e);
        if (errText(e) === 'Is a directory') {
          this.awk.warn(`warning: command line argument \`${a}' is a directory: skipped`);
          continue;
        }
        throw new Fatal(`cannot open file \`${a}' for reading: ${errText(e)}`, true);
      }
    }
  }

  private open(name: string, src: Src): void {
    this.awk.setVar('FILENAME', name);
    this.awk.setVar('FNR', 0);
    this.reader = recReader(src, this.awk.str(this.awk.getVar('RS') as Val), (s) => this.awk.regex(s));
  }
}

// ---- the command ---------------------------------------------------------------------------

const USAGE = (name: string): string => `Usage: ${name} [POSIX or GNU style options] -f progfile [--] file ...
Usage: ${name} [POSIX or GNU style options] [--] 'program' file ...
POSIX options:\t\tGNU long options: (standard)
\t-f progfile\t\t--file=progfile
\t-F fs\t\t\t--field-separator=fs
\t-v var=val\t\t--assign=var=val
Short options:\t\tGNU long options: (extensions)
\t-b\t\t\t--characters-as-bytes
\t-c\t\t\t--traditional
\t-C\t\t\t--copyright
\t-d[file]\t\t--dump-variables[=file]
\t-D[file]\t\t--debug[=file]
\t-e 'program-text'\t--source='program-text'
\t-E file\t\t\t--exec=file
\t-g\t\t\t--gen-pot
\t-h\t\t\t--help
\t-i includefile\t\t--include=includefile
\t-l library\t\t--load=library
\t-L[fatal|invalid|no-ext]\t--lint[=fatal|invalid|no-ext]
\t-M\t\t\t--bignum
\t-N\t\t\t--use-lc-numeric
\t-n\t\t\t--non-decimal-data
\t-o[file]\t\t--pretty-print[=file]
\t-O\t\t\t--optimize
\t-p[file]\t\t--profile[=file]
\t-P\t\t\t--posix
\t-r\t\t\t--re-interval
\t-s\t\t\t--no-optimize
\t-S\t\t\t--sandbox
\t-t\t\t\t--lint-old
\t-V\t\t\t--version

To report bugs, see node \`Bugs' in \`gawk.info'
which is section \`Reporting Problems and Bugs' in the
printed version.  This same information may be found at
https://www.gnu.org/software/gawk/manual/html_node/Bugs.html.
PLEASE do NOT try to report bugs by posting in comp.lang.awk,
or by using a web forum such as Stack Overflow.

gawk is a pattern scanning and processing language.
By default it reads standard input and writes standard output.

Examples:
\tgawk '{ sum += $1 }; END { print sum }' file
\tgawk -F: '{ print $1 }' /etc/passwd
`;

function awkCommand(name: string) {
  return defineCommand(name, function* (io, ctx) {
    const argv = ctx.argv;
    const prog = io.prog.replace(/^.*\//, '');
    let fs: string | undefined;
    const assigns: [string, string][] = [];
    const sources: { text: string; name: string }[] = [];
    let i = 1;
    const usage = (st: number): number => { (st ? io.errRaw.bind(io) : io.out.bind(io))(USAGE(prog)); return st; };
    for (; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--') { i++; break; }
      if (!a.startsWith('-') || a === '-') break;
      const takeArg = (flag: string, long: string): string | undefined => {
        if (a.startsWith('--')) {
          const eq = a.indexOf('=');
          if (eq >= 0) return a.slice(eq + 1);
          if (i + 1 < argv.length) return argv[++i];
          io.err(`option '--${long}' requires an argument`);
          return undefined;
        }
        if (a.length > 2) return a.slice(2);
        if (i + 1 < argv.length) return argv[++i];
        io.err(`option requires an argument -- '${flag}'`);
        return undefined;
      };
      const key = a.startsWith('--') ? a.slice(2).split('=')[0] : a[1];
      switch (key) {
        case 'F': case 'field-separator': {
          const v = takeArg('F', 'field-separator');
          if (v === undefined) return usage(1);
          fs = v === 't' ? '\t' : unescape(v);
          break;
        }
        case 'v': case 'assign': {
          const v = takeArg('v', 'assign');
          if (v === undefined) return usage(1);
          const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(v);
          if (!m) { io.err(`\`${v}' argument to \`-v' not in \`var=value' form`); return usage(1); }
          assigns.push([m[1], m[2]]);
          break;
        }
        case 'f': case 'file': {
          const v = takeArg('f', 'file');
          if (v === undefined) return usage(1);
          try {
            sources.push({ text: v === '-' ? yield* ctx.stdin.readAll() : ctx.fs.readFile(ctx.resolve(v)), name: v });
          } catch (e) {
            passSignal(e);
            io.err(`fatal: can't open source file \`${v}' for reading: ${errText(e)}`);
            return 2;
          }
          break;
        }
        case 'e': case 'source': {
          const v = takeArg('e', 'source');
          if (v === undefined) return usage(1);
          sources.push({ text: v, name: 'cmd. line' });
          break;
        }
        case 'V': case 'version':
          io.out('GNU Awk 5.1.0, API: 3.0 (GNU MPFR 4.1.0-p13, GNU MP 6.2.0)\nCopyright (C) 1989, 1991-2020 Free Software Foundation.\n\nThis program is free software; you can redistribute it and/or modify\nit under the terms of the GNU General Public License as published by\nthe Free Software Foundation; either version 3 of the License, or\n(at your option) any later version.\n\nThis program is distributed in the hope that it will be useful,\nbut WITHOUT ANY WARRANTY; without even the implied warranty of\nMERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE. See the\nGNU General Public License for more details.\n\nYou should have received a copy of the GNU General Public License\nalong with this program. If not, see http://www.gnu.org/licenses/.\n');
          return 0;
        case 'h': case 'help': return usage(0);
        case 'b': case 'c': case 'C': case 'g': case 'M': case 'N': case 'n': case 'O': case 'P': case 'r': case 's': case 'S': case 't':
        case 'traditional': case 'posix': case 're-interval': case 'sandbox': case 'characters-as-bytes': case 'bignum':
        case 'non-decimal-data': case 'optimize': case 'no-optimize': case 'lint-old': case 'use-lc-numeric':
          break;
        default:
          if (a.startsWith('--')) io.err(`unrecognized option '${a}'`);
          else io.err(`invalid option -- '${a[1]}'`);
          return usage(1);
      }
    }
    const rest = argv.slice(i);
    if (!sources.length) {
      if (!rest.length) return usage(1);
      sources.push({ text: rest.shift()!, name: 'cmd. line' });
    }
    const text = sources.map((s) => s.text).join('\n');
    let program: Program;
    try {
      program = parseAwk(text);
    } catch (e) {
      if (!(e instanceof AwkSyntaxError)) throw e;
      // map the line back to its source
      let line = e.line;
      let src = sources[0];
      for (const s of sources) {
        const n = s.text.split('\n').length;
        if (line <= n) { src = s; break; }
        line -= n;
      }
      if (e.col < 0) io.errRaw(`${prog}: ${src.name}:${line}: error: ${e.message}\n`);
      else io.errRaw(`${prog}: ${src.name}:${line}: ${e.lineText}\n${prog}: ${src.name}:${line}: ${' '.repeat(e.col)}^ ${e.message}\n`);
      return 1;
    }
    const awk = new Awk(io, ctx, program, prog, sources[0].name, rest, assigns, fs);
    return yield* awk.run();
  });
}

export const awk = awkCommand('awk');
export const gawk = awkCommand('gawk');
