/**
 * Small coreutils: seq, yes, expr, factor, sleep, true, false, clear, nproc.
 *
 * `yes` and long `seq` runs write in chunks and drain between them, so `yes | head -3` ends
 * and a terminal stays responsive. `sleep` advances the virtual clock (a `sim` wait), it
 * never blocks real time by itself; Ctrl-C interrupts it like any other wait.
 */
import { waitSim } from '../types.ts';
import { formatOne, parseFormat } from './cfmt.ts';
import { collatorFor } from './collate.ts';
import { compile, RegexError } from './regex.ts';
import { defineCommand, getopt, type Io, lq } from './util.ts';

// ---- seq -----------------------------------------------------------------------------------

interface SeqNum { v: number; prec: number; width: number; intLike: boolean }

function parseSeqNum(s: string): SeqNum | undefined {
  const t = s.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) && !/^[+-]?(inf|infinity|nan)$/i.test(t)) return undefined;
  const v = Number(t.replace(/^\+/, '').replace(/^(-?)inf(inity)?$/i, '$1Infinity'));
  if (Number.isNaN(v)) return undefined;
  const m = /^[+-]?\d*(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(t);
  const frac = m?.[1]?.length ?? 0;
  const exp = m?.[2] ? Number(m[2]) : 0;
  const prec = Math.max(0, frac - exp);
  return { v, prec, width: t.replace(/^\+/, '').length, intLike: !t.includes('.') && !/[eE]/.test(t) };
}

export const seq = defineCommand('seq', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'f:s:w',
    numbersAreOperands: true,
    long: [{ name: 'format', key: 'f', arg: 'req' }, { name: 'separator', key: 's', arg: 'req' }, { name: 'equal-width', key: 'w' }],
  });
  if (typeof p === 'number') return p;
  let fmt: string | undefined;
  let sep = '\n';
  let equal = false;
  for (const [k, v] of p.opts) {
    if (k === 'f') fmt = v;
    else if (k === 's') sep = v ?? '';
    else if (k === 'w') equal = true;
  }
  const a = p.args;
  if (!a.length) { io.err('missing operand'); io.tryHelp(); return 1; }
  if (a.length > 3) { io.err(`extra operand ${lq(io, a[3])}`); io.tryHelp(); return 1; }
  const nums: SeqNum[] = [];
  for (const s of a) {
    const n = parseSeqNum(s);
    if (!n) { io.err(`invalid floating point argument: ${lq(io, s)}`); io.tryHelp(); return 1; }
    nums.push(n);
  }
  const first = a.length > 1 ? nums[0] : { v: 1, prec: 0, width: 1, intLike: true };
  const step = a.length === 3 ? nums[1] : { v: 1, prec: 0, width: 1, intLike: true };
  const last = nums[nums.length - 1];
  if (step.v === 0) { io.err(`invalid Zero increment value: ${lq(io, a[1])}`); io.tryHelp(); return 1; }
  if (fmt !== undefined && equal) {
    io.err('format string may not be specified when printing equal width strings');
    io.tryHelp();
    return 1;
  }
  let render: (x: number) => string;
  if (fmt !== undefined) {
    const pieces = parseFormat(fmt);
    const convs = pieces.filter((x) => typeof x !== 'string');
    if (convs.length === 0) { io.err(`format ${lq(io, fmt)} has no % directive`); return 1; }
    if (convs.length > 1) { io.err(`format ${lq(io, fmt)} has too many % directives`); return 1; }
    const c = convs[0];
    if (typeof c !== 'string' && !'eEfFgGaA'.includes(c.conv)) {
      io.err(`format ${lq(io, fmt)} has unknown %${c.conv} directive`);
      return 1;
    }
    render = (x) => pieces.map((pc) => (typeof pc === 'string' ? pc : formatOne(pc, x, ''))).join('');
  } else {
    const prec = Math.max(first.prec, step.prec);
    const width = equal ? Math.max(...[first, last].map((n) => (n.v < 0 ? 1 : 0) + String(Math.trunc(Math.abs(n.v))).length + (prec ? prec + 1 : 0))) : 0;
    render = (x) => {
      let s = prec ? x.toFixed(prec) : String(Math.round(x) === x ? x : Number(x.toFixed(10)));
      if (Object.is(x, -0)) s = prec ? '-' + (0).toFixed(prec) : '-0';
      if (equal && s.length < width) {
        const neg = s.startsWith('-');
        s = (neg ? '-' : '') + (neg ? s.slice(1) : s).padStart(width - (neg ? 1 : 0), '0');
      }
      return s;
    };
  }
  let out = '';
  let any = false;
  for (let i = 0; ; i++) {
    const x = first.v + i * step.v;
    if (step.v > 0 ? x > last.v + 1e-10 * Math.abs(step.v) : x < last.v - 1e-10 * Math.abs(step.v)) break;
    out += (any ? sep : '') + render(x);
    any = true;
    if (out.length >= 16384) {
      io.out(out);
      out = '';
      yield* io.flush();
    }
    if (!Number.isFinite(x)) break;
  }
  if (any) io.out(out + '\n');
  return 0;
});

// ---- yes -----------------------------------------------------------------------------------

export const yes = defineCommand('yes', function* (io, ctx) {
  const args = ctx.argv.slice(1);
  if (args[0] === '--help') { io.out('Usage: yes [STRING]...\n  or:  yes OPTION\n'); return 0; }
  if (args[0] === '--version') { io.out('yes (GNU coreutils) 8.32\n'); return 0; }
  const words = args[0] === '--' ? args.slice(1) : args;
  if (words[0]?.startsWith('-') && words[0] !== '-' && args[0] !== '--') {
    io.err(words[0].startsWith('--') ? `unrecognized option '${words[0]}'` : `invalid option -- '${words[0][1]}'`);
    io.tryHelp();
    return 1;
  }
  const line = (words.length ? words.join(' ') : 'y') + '\n';
  const chunk = line.repeat(Math.max(1, Math.floor(8192 / line.length)));
  for (;;) {
    io.out(chunk);
    yield* io.flush();
  }
});

// ---- expr ----------------------------------------------------------------------------------

class ExprError extends Error {
  constructor(msg: string, readonly status: number) { super(msg); }
}

type EVal = string | bigint;

const isInt = (v: EVal): boolean => typeof v === 'bigint' || /^\s*[-+]?\d+\s*$/.test(v);
const toInt = (v: EVal): bigint => {
  if (typeof v === 'bigint') return v;
  if (!isInt(v)) throw new ExprError('non-integer argument', 2);
  return BigInt(v.trim());
};
const str = (v: EVal): string => (typeof v === 'bigint' ? v.toString() : v);
const isNull = (v: EVal): boolean => (typeof v === 'bigint' ? v === 0n : v === '' || (isInt(v) && BigInt(v.trim()) === 0n));

function exprEval(io: Io, toks: string[], cmp: (a: string, b: string) => number): EVal {
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const need = (after: string): string => {
    if (i >= toks.length) throw new ExprError(`syntax error: missing argument after ${lq(io, after)}`, 2);
    return toks[i++];
  };
  const primary = (): EVal => {
    const t = toks[i];
    if (t === undefined) throw new ExprError(i === 0 ? 'missing operand' : `syntax error: missing argument after ${lq(io, toks[i - 1])}`, 2);
    if (t === '(') {
      i++;
      const v = or();
      if (toks[i] !== ')') {
        if (toks[i] === undefined) throw new ExprError(`syntax error: expecting ')' after ${lq(io, toks[i - 1])}`, 2);
        throw new ExprError(`syntax error: expecting ')' instead of ${lq(io, toks[i])}`, 2);
      }
      i++;
      return v;
    }
    if (t === '+') { i++; return need('+'); }
    if (t === 'length') { i++; return BigInt([...str(primaryArg('length'))].length); }
    if (t === 'substr') {
      i++;
      const s = str(primaryArg('substr'));
      const pos = primaryArg('substr'), len = primaryArg('substr');
      if (!isInt(pos) || !isInt(len)) return '';
      const p0 = Number(toInt(pos)), l = Number(toInt(len));
      const cs = [...s];
      if (p0 < 1 || l < 1 || p0 > cs.length) return '';
      return cs.slice(p0 - 1, p0 - 1 + l).join('');
    }
    if (t === 'index') {
      i++;
      const s = [...str(primaryArg('index'))], chars = str(primaryArg('index'));
      const k = s.findIndex((c) => chars.includes(c));
      return BigInt(k + 1);
    }
    if (t === 'match') {
      i++;
      const s = str(primaryArg('match')), re = str(primaryArg('match'));
      return match(s, re);
    }
    if (t === ')') throw new ExprError(`syntax error: unexpected ')'`, 2);
    i++;
    return t;
  };
  const primaryArg = (op: string): EVal => {
    if (i >= toks.length) throw new ExprError(`syntax error: missing argument after ${lq(io, op)}`, 2);
    return primary();
  };
  const match = (s: string, pat: string): EVal => {
    let re: RegExp;
    try { re = compile(pat, { ere: false, flavor: 'grep' }); } catch (e) {
      throw new ExprError(e instanceof RegexError ? e.message : 'invalid regex', 2);
    }
    const anchored = new RegExp('^(?:' + re.source + ')', re.flags);
    const m = anchored.exec(s);
    if (m && m.length > 1) return m[1] ?? '';
    if (!m) return /\\\(/.test(pat) ? '' : 0n;
    return BigInt([...m[0]].length);
  };
  const colon = (): EVal => {
    let v = primary();
    while (peek() === ':') { i++; v = match(str(v), str(primaryArg(':'))); }
    return v;
  };
  const mul = (): EVal => {
    let v = colon();
    for (let op = peek(); op === '*' || op === '/' || op === '%'; op = peek()) {
      i++;
      const r = toks[i] === undefined ? (() => { throw new ExprError(`syntax error: missing argument after ${lq(io, op)}`, 2); })() : colon();
      const a = toInt(v), b = toInt(r);
      if (op !== '*' && b === 0n) throw new ExprError('division by zero', 2);
      v = op === '*' ? a * b : op === '/' ? a / b : a % b;
    }
    return v;
  };
  const add = (): EVal => {
    let v = mul();
    for (let op = peek(); op === '+' || op === '-'; op = peek()) {
      i++;
      if (toks[i] === undefined) throw new ExprError(`syntax error: missing argument after ${lq(io, op)}`, 2);
      const r = mul();
      v = op === '+' ? toInt(v) + toInt(r) : toInt(v) - toInt(r);
    }
    return v;
  };
  const rel = (): EVal => {
    let v = add();
    for (let op = peek(); op && ['<', '<=', '=', '==', '!=', '>=', '>'].includes(op); op = peek()) {
      i++;
      if (toks[i] === undefined) throw new ExprError(`syntax error: missing argument after ${lq(io, op)}`, 2);
      const r = add();
      let c: number;
      if (isInt(v) && isInt(r)) { const a = toInt(v), b = toInt(r); c = a < b ? -1 : a > b ? 1 : 0; }
      else c = cmp(str(v), str(r));
      const res = op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '=' || op === '==' ? c === 0 : op === '!=' ? c !== 0 : op === '>=' ? c >= 0 : c > 0;
      v = res ? 1n : 0n;
    }
    return v;
  };
  const and = (): EVal => {
    let v = rel();
    while (peek() === '&') {
      i++;
      if (toks[i] === undefined) throw new ExprError(`syntax error: missing argument after ${lq(io, '&')}`, 2);
      const r = rel();
      v = isNull(v) || isNull(r) ? 0n : v;
    }
    return v;
  };
  const or = (): EVal => {
    let v = and();
    while (peek() === '|') {
      i++;
      if (toks[i] === undefined) throw new ExprError(`syntax error: missing argument after ${lq(io, '|')}`, 2);
      const r = and();
      v = !isNull(v) ? v : !isNull(r) ? r : 0n;
    }
    return v;
  };
  const v = or();
  if (i < toks.length) throw new ExprError(`syntax error: unexpected argument ${lq(io, toks[i])}`, 2);
  return v;
}

export const expr = defineCommand('expr', function* (io, ctx) {
  let toks = ctx.argv.slice(1);
  if (toks[0] === '--help') { io.out('Usage: expr EXPRESSION\n  or:  expr OPTION\n'); return 0; }
  if (toks[0] === '--version') { io.out('expr (GNU coreutils) 8.32\n'); return 0; }
  if (toks[0] === '--') toks = toks.slice(1);
  if (!toks.length) { io.err('missing operand'); io.tryHelp(); return 2; }
  try {
    const v = exprEval(io, toks, collatorFor(ctx.env));
    io.out(str(v) + '\n');
    return isNull(v) ? 1 : 0;
  } catch (e) {
    if (e instanceof ExprError) { io.err(e.message); return e.status; }
    throw e;
  }
});

// ---- factor --------------------------------------------------------------------------------

function modpow(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

function isPrime(n: bigint): boolean {
  if (n < 2n) return false;
  for (const p of [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n]) {
    if (n === p) return true;
    if (n % p === 0n) return false;
  }
  let d = n - 1n, s = 0;
  while ((d & 1n) === 0n) { d >>= 1n; s++; }
  for (const a of [2n, 3n, 5n, 7n, 11n, 13n, 17n, 19n, 23n, 29n, 31n, 37n]) {
    let x = modpow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    let comp = true;
    for (let r = 1; r < s; r++) {
      x = (x * x) % n;
      if (x === n - 1n) { comp = false; break; }
    }
    if (comp) return false;
  }
  return true;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

/** Pollard's rho; gives up (returns n) after a bounded amount of work so a huge semiprime
 * cannot freeze the terminal. */
function rho(n: bigint): bigint {
  if (n % 2n === 0n) return 2n;
  let budget = 2_000_000;
  for (let c = 1n; c < 20n; c++) {
    let x = 2n, y = 2n, d = 1n;
    const f = (v: bigint): bigint => (v * v + c) % n;
    while (d === 1n && budget-- > 0) {
      x = f(x);
      y = f(f(y));
      d = gcd(x - y, n);
    }
    if (budget <= 0) return n;
    if (d !== n) return d;
  }
  return n;
}

export function factorize(n: bigint): bigint[] {
  const out: bigint[] = [];
  for (const p of [2n, 3n, 5n, 7n, 11n, 13n]) while (n % p === 0n && n > 1n) { out.push(p); n /= p; }
  for (let p = 17n; p * p <= n && p < 10000n; p += 2n) while (n % p === 0n) { out.push(p); n /= p; }
  const stack = n > 1n ? [n] : [];
  while (stack.length) {
    const m = stack.pop()!;
    if (m === 1n) continue;
    if (isPrime(m)) { out.push(m); continue; }
    const d = rho(m);
    if (d === m) { out.push(m); continue; }
    stack.push(d, m / d);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export const factor = defineCommand('factor', function* (io, ctx) {
  const p = getopt(io, ctx.argv, { short: '', long: [{ name: 'help' }, { name: 'version' }] });
  if (typeof p === 'number') return p;
  let nums = p.args;
  if (!nums.length) {
    const t = yield* ctx.stdin.readAll();
    nums = t.split(/\s+/).filter(Boolean);
  }
  let status = 0;
  for (const s of nums) {
    if (!/^\s*\+?\d+\s*$/.test(s)) {
      io.err(`${lq(io, s)} is not a valid positive integer`);
      status = 1;
      continue;
    }
    const n = BigInt(s.trim().replace(/^\+/, ''));
    io.out(`${n}:${factorize(n).map((f) => ' ' + f).join('')}\n`);
    yield* io.flow();
  }
  return status;
});

// ---- sleep ---------------------------------------------------------------------------------

export const sleep = defineCommand('sleep', function* (io, ctx) {
  const p = getopt(io, ctx.argv, { short: '', numbersAreOperands: true, long: [{ name: 'help' }, { name: 'version' }] });
  if (typeof p === 'number') return p;
  if (!p.args.length) { io.err('missing operand'); io.tryHelp(); return 1; }
  let secs = 0;
  let bad = false;
  for (const a of p.args) {
    const m = /^\s*\+?((?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity)([smhd]?)$/i.exec(a);
    if (!m) { io.err(`invalid time interval ${lq(io, a)}`); bad = true; continue; }
    const v = /^inf/i.test(m[1]) ? Infinity : Number(m[1]);
    secs += v * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 } as Record<string, number>)[m[2]];
  }
  if (bad) { io.tryHelp(); return 1; }
  if (secs <= 0) return 0;
  const until = Number.isFinite(secs) ? ctx.host.now() + Math.round(secs * 1_000_000) : Number.MAX_SAFE_INTEGER;
  yield* waitSim(undefined, until);
  return 0;
});

// ---- true, false, clear, nproc -------------------------------------------------------------

export const trueCmd = defineCommand('true', function* () { return 0; });
export const falseCmd = defineCommand('false', function* () { return 1; });

export const clear = defineCommand('clear', function* (io) {
  io.out('\x1b[H\x1b[2J\x1b[3J');
  return 0;
});

/** The lab's VMs have two vCPUs. */
export const NPROC = 2;

export const nproc = defineCommand('nproc', function* (io, ctx) {
  const p = getopt(io, ctx.argv, { short: '', long: [{ name: 'all' }, { name: 'ignore', arg: 'req' }, { name: 'help' }, { name: 'version' }] });
  if (typeof p === 'number') return p;
  if (p.args.length) { io.err(`extra operand ${lq(io, p.args[0])}`); io.tryHelp(); return 1; }
  let n = NPROC;
  for (const [k, v] of p.opts) {
    if (k === 'ignore') {
      if (!/^\d+$/.test(v ?? '')) { io.err(`invalid number: ${lq(io, v ?? '')}`); return 1; }
      n = Math.max(1, NPROC - Number(v));
    }
  }
  io.out(`${n}\n`);
  return 0;
});
