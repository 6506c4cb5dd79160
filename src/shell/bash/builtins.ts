/**
 * Shell builtins, with bash 5.1's option handling, output layout and error messages
 * (verified against a bash 5.1 build). A builtin is `(sh, argv) => status` or a coroutine
 * when it has to wait (read, wait, fg, source, eval, exec of a command).
 *
 * Left out or simplified: `select`, `coproc`, `disown -h`, `suspend`, `ulimit` limits (it
 * reports "unlimited"), `enable`, `compgen`/`complete` (accepted, no effect), `bind`.
 */
import { FsError, STRERROR } from '../../core/fs/vfs.ts';
import type { CommandRegistry } from '../types.ts';
import { ShellSignal, SIGNUM } from '../types.ts';
import type { SignalName } from '../types.ts';
import { ArithError } from './arith.ts';
import { AbortEx, BreakEx, Call, ContinueEx, ExitEx, ReturnEx } from './control.ts';
import type { Run } from './control.ts';
import type { Builtin, Interp } from './exec.ts';
import { CondError, SET_FLAGS, SET_O, binaryFileTest, normalizePath, unaryTest } from './exec.ts';
import { shellQuote, strlen } from './expand.ts';
import { decodeEscape } from './parser.ts';
import { collate, matchPattern } from './pattern.ts';
import { printFunction } from './print.ts';
import { BufferedIn } from './streams.ts';
import { Attr, arrayKeys, arrayValues, scalarOf } from './vars.ts';
import type { Var } from './vars.ts';

export const BUILTINS = new Map<string, Builtin>();

const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'case', 'esac', 'for', 'select', 'while', 'until',
  'do', 'done', 'in', 'function', 'time', '{', '}', '!', '[[', ']]', 'coproc']);

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function def(names: string | string[], fn: Builtin): void {
  for (const n of Array.isArray(names) ? names : [names]) BUILTINS.set(n, fn);
}

/** `bash: NAME: msg` */
function err(sh: Interp, who: string, msg: string): void { sh.error(`${who}: ${msg}`); }

/** Parse leading single-letter options. Returns [opts, rest] or null after printing an error. */
function getopts(sh: Interp, who: string, argv: string[], spec: string, usage?: string): { o: Map<string, string | true>; rest: string[]; plus: Set<string> } | null {
  const o = new Map<string, string | true>();
  const plus = new Set<string>();
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    if (a.length < 2 || (a[0] !== '-' && a[0] !== '+') || (a[0] === '+' && !spec.includes('+'))) break;
    const isPlus = a[0] === '+';
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      const k = spec.indexOf(c);
      if (k < 0 || c === '+' || c === ':') {
        err(sh, who, `${a[0]}${c}: invalid option`);
        if (usage) sh.errOut(`${who}: usage: ${usage}\n`);
        return null;
      }
      if (spec[k + 1] === ':') {
        const v = a.slice(j + 1) || argv[++i];
        if (v === undefined) {
          err(sh, who, `-${c}: option requires an argument`);
          if (usage) sh.errOut(`${who}: usage: ${usage}\n`);
          return null;
        }
        o.set(c, v);
        break;
      }
      if (isPlus) plus.add(c); else o.set(c, true);
    }
  }
  return { o, rest: argv.slice(i), plus };
}

// ---- trivial -----------------------------------------------------------------------------------

def([':', 'true'], () => 0);
def('false', () => 1);

// ---- echo / printf -------------------------------------------------------------------------------

def('echo', (sh, argv) => {
  let i = 1;
  let nl = true;
  let esc = false;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (!/^-[neE]+$/.test(a)) break;
    for (const c of a.slice(1)) { if (c === 'n') nl = false; else if (c === 'e') esc = true; else esc = false; }
  }
  let s = argv.slice(i).join(' ');
  if (esc) {
    const r = echoEscapes(s);
    s = r.s;
    if (r.stop) nl = false;
  }
  sh.out(nl ? s + '\n' : s);
  return 0;
});

function echoEscapes(s: string): { s: string; stop: boolean } {
  if (!s.includes('\\')) return { s, stop: false };
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '\\' || i + 1 >= s.length) { out += c; continue; }
    const n = s[i + 1];
    if (n === 'c') return { s: out, stop: true };
    if (n === '0') {
      const m = /^[0-7]{0,3}/.exec(s.slice(i + 2))![0];
      out += String.fromCharCode(parseInt(m || '0', 8) & 0xff);
      i += 1 + m.length;
      continue;
    }
    if (n >= '1' && n <= '7') { out += '\\' + n; i++; continue; }
    const r = decodeEscape(s, i + 1, false);
    out += r.s;
    i = r.end - 1;
  }
  return { s: out, stop: false };
}

def('printf', (sh, argv) => {
  let i = 1;
  let v: string | undefined;
  if (argv[i] === '-v') {
    v = argv[i + 1];
    if (v === undefined) { err(sh, 'printf', '-v: option requires an argument'); sh.errOut('printf: usage: printf [-v var] format [arguments]\n'); return 2; }
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\[.*\])?$/.test(v)) { err(sh, 'printf', `\`${v}': not a valid identifier`); return 2; }
    i += 2;
  }
  if (argv[i] === '--') i++;
  const fmt = argv[i];
  if (fmt === undefined) { sh.errOut('printf: usage: printf [-v var] format [arguments]\n'); return 2; }
  const args = argv.slice(i + 1);
  const r = formatPrintf(fmt, args, (m) => err(sh, 'printf', m), sh);
  if (v !== undefined) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\[(.*)\]$/.exec(v);
    if (m) sh.setElement(m[1], m[2], r.out);
    else if (!sh.setVar(v, r.out)) return 1;
  } else sh.out(r.out);
  return r.status;
});

/** bash's printf: format reused for extra arguments, %b %q %(fmt)T, integer checks. */
export function formatPrintf(fmt: string, args: string[], onErr: (m: string) => void, sh?: Interp): { out: string; status: number } {
  let out = '';
  let status = 0;
  let ai = 0;
  let stop = false;
  const next = (): string | undefined => (ai < args.length ? args[ai++] : undefined);
  const intArg = (a: string | undefined): bigint => {
    if (a === undefined || a === '') return 0n;
    const r = parseIntArg(a);
    if (r.err) { onErr(`${a}: invalid number`); status = 1; }
    if (r.range) onErr(`warning: ${a}: Numerical result out of range`);
    return r.v;
  };
  const numArg = (a: string | undefined): number => {
    if (a === undefined || a === '') return 0;
    if (/^['"]/.test(a)) return a.length > 1 ? a.codePointAt(1)! : 0;
    const n = Number(a.trim());
    if (Number.isNaN(n)) {
      const m = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?/i.exec(a);
      onErr(`${a}: invalid number`);
      status = 1;
      return m ? Number(m[0]) : 0;
    }
    return n;
  };
  do {
    const startAi = ai;
    for (let i = 0; i < fmt.length && !stop; i++) {
      const c = fmt[i];
      if (c === '\\') {
        const n = fmt[i + 1];
        if (n === undefined) { out += '\\'; continue; }
        if (n >= '0' && n <= '7') {
          const m = /^[0-7]{1,3}/.exec(fmt.slice(i + 1))![0];
          out += String.fromCharCode(parseInt(m, 8) & 0xff);
          i += m.length;
          continue;
        }
        if (n === 'c') { stop = true; break; }
        const r = decodeEscape(fmt, i + 1, false);
        out += r.s === "\\'" ? "'" : r.s === '\\"' ? '"' : r.s;
        i = r.end - 1;
        continue;
      }
      if (c !== '%') { out += c; continue; }
      if (fmt[i + 1] === '%') { out += '%'; i++; continue; }
      const m = /^%([-+ #0']*)(\*|\d+)?(?:\.(\*|\d*))?(\([^)]*\))?[hjlLtz]*([^])?/.exec(fmt.slice(i));
      if (!m || !m[5]) {
        onErr(`\`%': missing format character`);
        return { out, status: 1 };
      }
      i += m[0].length - 1;
      const flags = m[1];
      let width = m[2] === '*' ? Number(intArg(next())) : m[2] ? Number(m[2]) : undefined;
      let leftAlign = flags.includes('-');
      if (width !== undefined && width < 0) { leftAlign = true; width = -width; }
      const prec = m[3] === '*' ? Number(intArg(next())) : m[3] !== undefined ? Number(m[3] || '0') : undefined;
      const conv = m[5];
      let s: string;
      switch (conv) {
        case 's': { s = next() ?? ''; if (prec !== undefined) s = [...s].slice(0, prec).join(''); break; }
        case 'b': {
          const r = echoEscapes(next() ?? '');
          s = r.s;
          if (r.stop) stop = true;
          if (prec !== undefined) s = s.slice(0, prec);
          break;
        }
        case 'q': s = printfQuote(next() ?? ''); break;
        case 'c': { const a = next(); s = a === undefined ? '\0' : [...a][0] ?? ''; break; }
        case 'd': case 'i': {
          const v = intArg(next());
          s = signed(v, flags, prec);
          break;
        }
        case 'u': case 'o': case 'x': case 'X': {
          let v = intArg(next());
          if (v < 0n) v = BigInt.asUintN(64, v);
          s = v.toString(conv === 'o' ? 8 : conv === 'u' ? 10 : 16);
          if (conv === 'X') s = s.toUpperCase();
          if (prec !== undefined) s = s.padStart(prec, '0');
          if (flags.includes('#') && v !== 0n) s = conv === 'o' ? '0' + s : conv === 'x' ? '0x' + s : conv === 'X' ? '0X' + s : s;
          break;
        }
        case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A': {
          const v = numArg(next());
          s = fmtFloat(v, conv, prec ?? 6, flags);
          break;
        }
        case 'T': {
          const a = next();
          const t = a === undefined || a === '' || a === '-1' ? (sh ? sh.w.host.epochSeconds() : 0) : Number(a);
          s = strftime(m[4] ? m[4].slice(1, -1) : '%X', t);
          break;
        }
        default:
          onErr(`\`${conv}': invalid format character`);
          return { out, status: 1 };
      }
      if (width !== undefined) {
        const len = strlen(s);
        if (len < width) {
          const padZero = flags.includes('0') && !leftAlign && 'diouxXfFeEgG'.includes(conv) && !(prec !== undefined && 'diouxX'.includes(conv));
          if (leftAlign) s += ' '.repeat(width - len);
          else if (padZero) {
            const sign = /^[-+ ]/.test(s) ? s[0] : '';
            const pre = /^0[xX]/.test(s.slice(sign.length)) ? s.slice(sign.length, sign.length + 2) : '';
            s = sign + pre + '0'.repeat(width - len) + s.slice(sign.length + pre.length);
          } else s = ' '.repeat(width - len) + s;
        }
      }
      out += s;
    }
    if (ai === startAi) break;
  } while (ai < args.length && !stop);
  return { out, status };
}

function signed(v: bigint, flags: string, prec?: number): string {
  let s = (v < 0n ? -v : v).toString();
  if (prec !== undefined) s = s.padStart(prec, '0');
  if (v < 0n) return '-' + s;
  if (flags.includes('+')) return '+' + s;
  if (flags.includes(' ')) return ' ' + s;
  return s;
}

function parseIntArg(a: string): { v: bigint; err: boolean; range?: boolean } {
  if (/^['"]/.test(a)) return { v: BigInt(a.length > 1 ? a.codePointAt(1)! : 0), err: false };
  const t = a.trim();
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)/.exec(t);
  if (!m) return { v: 0n, err: true };
  const body = m[2];
  let v = /^0[xX]/.test(body) ? BigInt(body) : body.length > 1 && body[0] === '0' ? BigInt('0o' + body.slice(1)) : BigInt(body);
  if (m[1] === '-') v = -v;
  // strtoimax clamps and sets ERANGE
  const MAX = (1n << 63n) - 1n;
  if (v > MAX) return { v: MAX, err: m[0].length !== t.length, range: true };
  if (v < -MAX - 1n) return { v: -MAX - 1n, err: m[0].length !== t.length, range: true };
  return { v, err: m[0].length !== t.length };
}

function fmtFloat(v: number, conv: string, prec: number, flags: string): string {
  let s: string;
  const lower = conv.toLowerCase();
  if (!Number.isFinite(v)) s = Number.isNaN(v) ? 'nan' : v < 0 ? '-inf' : 'inf';
  else if (lower === 'f') s = v.toFixed(prec);
  else if (lower === 'e') s = expo(v.toExponential(prec));
  else if (lower === 'g') {
    const p = prec === 0 ? 1 : prec;
    const e = v === 0 ? 0 : Math.floor(Math.log10(Math.abs(v)));
    if (e < -4 || e >= p) {
      s = expo(v.toExponential(p - 1));
      if (!flags.includes('#')) s = s.replace(/\.?0+e/, 'e');
    } else {
      s = v.toFixed(Math.max(0, p - 1 - e));
      if (!flags.includes('#') && s.includes('.')) s = s.replace(/\.?0+$/, '');
    }
  } else s = v.toString(16);
  if (conv === conv.toUpperCase()) s = s.toUpperCase();
  if (v >= 0 && flags.includes('+')) s = '+' + s;
  else if (v >= 0 && flags.includes(' ')) s = ' ' + s;
  return s;
}

function expo(s: string): string {
  // JS: 1.2e+3 → C: 1.2e+03
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** printf %q: backslash style, $'...' for control characters (bash's sh_backslash_quote). */
function printfQuote(s: string): string {
  if (s === '') return "''";
  if (/[\x00-\x1f\x7f]/.test(s)) return shellQuote(s);
  return s.replace(/[^A-Za-z0-9_./%+,:=@-]/g, (c) => (c.charCodeAt(0) > 127 ? c : '\\' + c)).replace(/^~/, '\\~');
}

function strftime(fmt: string, t: number): string {
  const d = new Date(t * 1000);
  const p2 = (x: number) => String(x).padStart(2, '0');
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return fmt.replace(/%([a-zA-Z%])/g, (m, c: string) => {
    switch (c) {
      case 'Y': return String(d.getUTCFullYear());
      case 'm': return p2(d.getUTCMonth() + 1);
      case 'd': return p2(d.getUTCDate());
      case 'H': return p2(d.getUTCHours());
      case 'M': return p2(d.getUTCMinutes());
      case 'S': return p2(d.getUTCSeconds());
      case 'X': case 'T': return `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
      case 'F': return `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`;
      case 'D': return `${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())}/${String(d.getUTCFullYear()).slice(2)}`;
      case 's': return String(Math.floor(t));
      case 'a': return days[d.getUTCDay()];
      case 'b': return months[d.getUTCMonth()];
      case 'y': return String(d.getUTCFullYear()).slice(2);
      case 'j': return String(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1).padStart(3, '0');
      case '%': return '%';
      default: return m;
    }
  });
}

// ---- directories ---------------------------------------------------------------------------------

def('cd', (sh, argv) => {
  let args = argv.slice(1);
  while (args[0] === '-L' || args[0] === '-P' || args[0] === '-e' || args[0] === '-@') args = args.slice(1);
  if (args[0] === '--') args = args.slice(1);
  if (args.length > 1) { err(sh, 'cd', 'too many arguments'); return 1; }
  let dir: string | undefined = args[0];
  let print = false;
  if (dir === undefined) {
    dir = sh.special('HOME');
    if (dir === undefined) { err(sh, 'cd', 'HOME not set'); return 1; }
  } else if (dir === '-') {
    dir = sh.special('OLDPWD');
    if (dir === undefined) { err(sh, 'cd', 'OLDPWD not set'); return 1; }
    print = true;
  }
  if (dir === '') return 0;
  return cdTo(sh, dir, print, 'cd');
});

function cdTo(sh: Interp, dir: string, print: boolean, who: string): number {
  const target = normalizePath(sh.cwd, dir);
  const fs = sh.w.fs;
  try {
    const st = fs.stat(target);
    if (st.kind !== 'dir') { err(sh, who, `${dir}: Not a directory`); return 1; }
  } catch (e) {
    err(sh, who, `${dir}: ${e instanceof FsError ? STRERROR[e.code] : 'No such file or directory'}`);
    return 1;
  }
  const old = sh.cwd;
  sh.cwd = target;
  sh.setVar('OLDPWD', old);
  sh.setVar('PWD', target);
  if (print) sh.out(target + '\n');
  return 0;
}

def('pwd', (sh, argv) => {
  const physical = argv.includes('-P');
  let p = sh.cwd;
  if (physical) { try { p = sh.w.fs.realpath(p); } catch { /* keep */ } }
  sh.out(p + '\n');
  return 0;
});

def('pushd', (sh, argv) => {
  const d = argv[1];
  if (d === undefined) {
    if (!sh.dirStack.length) { err(sh, 'pushd', 'no other directory'); return 1; }
    const top = sh.dirStack.shift()!;
    const cur = sh.cwd;
    if (cdTo(sh, top, false, 'pushd')) { sh.dirStack.unshift(top); return 1; }
    sh.dirStack.unshift(cur);
  } else {
    const cur = sh.cwd;
    if (cdTo(sh, d, false, 'pushd')) return 1;
    sh.dirStack.unshift(cur);
  }
  sh.out(dirsLine(sh) + '\n');
  return 0;
});

def('popd', (sh) => {
  if (!sh.dirStack.length) { err(sh, 'popd', 'directory stack empty'); return 1; }
  const d = sh.dirStack.shift()!;
  if (cdTo(sh, d, false, 'popd')) return 1;
  sh.out(dirsLine(sh) + '\n');
  return 0;
});

def('dirs', (sh, argv) => {
  if (argv.includes('-c')) { sh.dirStack = []; return 0; }
  if (argv.includes('-v')) {
    [sh.cwd, ...sh.dirStack].forEach((d, i) => sh.out(`${String(i).padStart(2)}  ${tildeShort(sh, d)}\n`));
    return 0;
  }
  sh.out(dirsLine(sh) + '\n');
  return 0;
});

function tildeShort(sh: Interp, d: string): string {
  const home = sh.special('HOME') ?? '/root';
  return d === home ? '~' : d.startsWith(home + '/') ? '~' + d.slice(home.length) : d;
}
function dirsLine(sh: Interp): string { return [sh.cwd, ...sh.dirStack].map((d) => tildeShort(sh, d)).join(' '); }

// ---- variables ------------------------------------------------------------------------------------

/** Quote a value as `declare -p` does: "..." with \ before " $ ` \. */
function dq(s: string): string { return '"' + s.replace(/(["$`\\])/g, '\\$1') + '"'; }

function declLine(name: string, v: Var): string {
  let flags = '';
  if (v.attrs & Attr.ARRAY) flags += 'a';
  if (v.attrs & Attr.ASSOC) flags += 'A';
  if (v.attrs & Attr.INTEGER) flags += 'i';
  if (v.attrs & Attr.LOWER) flags += 'l';
  if (v.attrs & Attr.READONLY) flags += 'r';
  if (v.attrs & Attr.UPPER) flags += 'u';
  if (v.attrs & Attr.EXPORT) flags += 'x';
  const f = flags ? '-' + flags : '--';
  if (v.value === undefined) return `declare ${f} ${name}`;
  if (Array.isArray(v.value)) {
    const els: string[] = [];
    v.value.forEach((x, i) => { if (x !== undefined) els.push(`[${i}]=${dq(x)}`); });
    return `declare ${f} ${name}=(${els.join(' ')})`;
  }
  if (v.value instanceof Map) {
    const els = [...v.value].map(([k, x]) => `[${/^[A-Za-z0-9_]+$/.test(k) ? k : dq(k)}]=${dq(x)}`);
    return `declare ${f} ${name}=(${els.join(' ')}${els.length ? ' ' : ''})`;
  }
  return `declare ${f} ${name}=${dq(v.value)}`;
}

/** `set` output quoting: bare when safe, else '...' or $'...'. */
function setQuote(s: string): string {
  if (s === '') return "''";
  if (/^[A-Za-z0-9_./:,+@%=-]+$/.test(s) && !/^[=~]/.test(s)) return s;
  return shellQuote(s);
}

const ATTR_OPTS: Record<string, Attr> = { a: Attr.ARRAY, A: Attr.ASSOC, i: Attr.INTEGER, x: Attr.EXPORT, r: Attr.READONLY, l: Attr.LOWER, u: Attr.UPPER };

function* declare(sh: Interp, argv: string[], who: string): Run<number> {
  const isLocal = who === 'local';
  if (isLocal && sh.funcStack.length === 0) { err(sh, who, 'can only be used in a function'); return 1; }
  const g = getopts(sh, who, argv, who === 'local' ? 'aAilrux+' : 'aAfFgilprux+', `${who} [-aAfFgilnrtux] [-p] [name[=value] ...]`);
  if (!g) return 2;
  const { o, rest, plus } = g;
  let set = 0;
  let clear = 0;
  for (const k of Object.keys(ATTR_OPTS)) {
    if (o.has(k)) set |= ATTR_OPTS[k];
    if (plus.has(k)) clear |= ATTR_OPTS[k];
  }
  const fnMode = o.has('f') || o.has('F');
  if (fnMode) {
    const names = rest.length ? rest : [...sh.funcs.keys()].sort(collate);
    let st = 0;
    for (const n of names) {
      const f = sh.funcs.get(n);
      if (!f) { if (rest.length) st = 1; continue; }
      sh.out(o.has('F') ? `declare -f ${n}\n` : printFunction(n, f.body) + '\n');
    }
    return st;
  }
  if (o.has('p') || (rest.length === 0 && !isLocal)) {
    let st = 0;
    if (rest.length) {
      for (const n of rest) {
        const v = sh.vars.lookup(n);
        if (!v) { err(sh, who, `${n}: not found`); st = 1; continue; }
        sh.out(declLine(n, v) + '\n');
      }
      return st;
    }
    for (const [n, v] of sh.vars.all()) {
      if (set && (v.attrs & set) !== set) continue;
      if (o.has('p') || set) sh.out(declLine(n, v) + '\n');
      else if (v.value !== undefined) sh.out(`${n}=${setQuoteVar(v)}\n`);
    }
    if (!o.has('p') && !set) for (const n of [...sh.funcs.keys()].sort(collate)) sh.out(printFunction(n, sh.funcs.get(n)!.body) + '\n');
    return 0;
  }
  if (rest.length === 0 && isLocal) {
    const top = sh.vars.scopes[sh.vars.scopes.length - 1];
    for (const [n, v] of top) sh.out(declLine(n, v) + '\n');
    return 0;
  }
  let st = 0;
  const inFunc = sh.funcStack.length > 0 && !o.has('g');
  for (const a of rest) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?(\+?=)?([^]*)$/.exec(a);
    if (!m) { err(sh, who, `\`${a}': not a valid identifier`); st = 1; continue; }
    const name = m[1];
    const existing = sh.vars.lookup(name);
    if (existing && existing.attrs & Attr.READONLY && (m[3] || set & ~Attr.READONLY || clear)) {
      err(sh, who, `${name}: readonly variable`); st = 1; continue;
    }
    const v = inFunc || isLocal ? sh.vars.local(name) : sh.vars.writable(name)!;
    if (isLocal && existing && v !== existing && v.value === undefined && !m[3]) {
      // `local x` shadows with an unset variable (bash keeps the value invisible)
    }
    v.attrs = (v.attrs | set) & ~clear;
    if (set & Attr.ASSOC && !(v.value instanceof Map)) v.value = v.value === undefined ? undefined : new Map();
    if (set & Attr.ARRAY && typeof v.value === 'string') v.value = [v.value];
    if (m[3]) {
      const val = m[4];
      if (m[2]) { if (!sh.setElement(name, m[2].slice(1, -1), val, m[3] === '+=')) st = 1; continue; }
      if (val.startsWith('(') && val.endsWith(')') && (set & (Attr.ARRAY | Attr.ASSOC) || v.attrs & (Attr.ARRAY | Attr.ASSOC) || true)) {
        const words = splitCompound(val.slice(1, -1));
        const ro = v.attrs & Attr.READONLY;
        v.attrs &= ~Attr.READONLY;
        const ok = yield* sh.assignArray(name, words, m[3] === '+=', !!(v.attrs & Attr.ASSOC));
        v.attrs |= ro;
        if (!ok) st = 1;
        continue;
      }
      const ro = v.attrs & Attr.READONLY;
      v.attrs &= ~Attr.READONLY;
      if (!sh.setVar(name, val, { append: m[3] === '+=' })) st = 1;
      v.attrs |= ro;
    } else if (isLocal && v.value === undefined && existing === undefined) {
      // declared, unset
    }
    if (set & Attr.INTEGER && typeof v.value === 'string' && v.value !== '') {
      try { v.value = String(sh.arithRaw(v.value)); } catch { /* keep */ }
    }
    if (set & Attr.UPPER && typeof v.value === 'string') v.value = v.value.toUpperCase();
    if (set & Attr.LOWER && typeof v.value === 'string') v.value = v.value.toLowerCase();
  }
  return st;
}

function setQuoteVar(v: Var): string {
  if (Array.isArray(v.value)) {
    const els: string[] = [];
    v.value.forEach((x, i) => { if (x !== undefined) els.push(`[${i}]=${dq(x)}`); });
    return `(${els.join(' ')})`;
  }
  if (v.value instanceof Map) return `(${[...v.value].map(([k, x]) => `[${k}]=${dq(x)}`).join(' ')} )`;
  return setQuote(v.value ?? '');
}

/** Split the inside of `(a "b c" [k]=v)` given as an already-expanded argument. */
function splitCompound(s: string): import('./ast.ts').Word[] {
  const words: import('./ast.ts').Word[] = [];
  const re = /(?:[^\s"']+|"(?:[^"\\]|\\.)*"|'[^']*')+/g;
  for (const m of s.match(re) ?? []) {
    const text = m;
    const val = m.replace(/"((?:[^"\\]|\\.)*)"|'([^']*)'/g, (_x, a?: string, b?: string) => (a !== undefined ? a.replace(/\\(.)/g, '$1') : b ?? ''));
    const kv = /^\[([^\]]*)\]=/.exec(text);
    if (kv) words.push({ parts: [{ t: 'sq', s: `[${kv[1]}]=` }, { t: 'sq', s: val.slice(val.indexOf(']=') + 2) }], text: `[${kv[1]}]=${val.slice(val.indexOf(']=') + 2)}` });
    else words.push({ parts: [{ t: 'sq', s: val }], text: val });
  }
  return words;
}

def(['declare', 'typeset'], (sh, argv) => declare(sh, argv, argv[0]));
def('local', (sh, argv) => declare(sh, argv, 'local'));

def('export', function* (sh, argv) {
  const g = getopts(sh, 'export', argv, 'fnp', 'export [-fn] [name[=value] ...] or export -p');
  if (!g) return 2;
  const { o, rest } = g;
  if (rest.length === 0) {
    for (const [n, v] of sh.vars.all()) if (v.attrs & Attr.EXPORT) sh.out(declLine(n, v) + '\n');
    return 0;
  }
  let st = 0;
  for (const a of rest) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(\+?=)?([^]*)$/.exec(a);
    if (!m) { err(sh, 'export', `\`${a}': not a valid identifier`); st = 1; continue; }
    if (o.has('n')) { const v = sh.vars.writable(m[1], false); if (v) v.attrs &= ~Attr.EXPORT; continue; }
    if (m[2]) {
      if (!sh.setVar(m[1], m[3], { export: true, append: m[2] === '+=' })) st = 1;
    } else {
      const cur = sh.vars.lookup(m[1]);
      if (cur && cur.attrs & Attr.READONLY) { cur.attrs |= Attr.EXPORT; continue; }
      const v = sh.vars.writable(m[1])!;
      v.attrs |= Attr.EXPORT;
    }
  }
  return st;
});

def('readonly', function* (sh, argv) {
  const g = getopts(sh, 'readonly', argv, 'aAfp', 'readonly [-aAf] [name[=value] ...] or readonly -p');
  if (!g) return 2;
  const { o, rest } = g;
  if (rest.length === 0) {
    for (const [n, v] of sh.vars.all()) if (v.attrs & Attr.READONLY) sh.out(declLine(n, v) + '\n');
    return 0;
  }
  let st = 0;
  for (const a of rest) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(\+?=)?([^]*)$/.exec(a);
    if (!m) { err(sh, 'readonly', `\`${a}': not a valid identifier`); st = 1; continue; }
    if (m[2]) {
      if (m[3].startsWith('(') && (o.has('a') || o.has('A'))) {
        if (o.has('A')) { const v = sh.vars.writable(m[1])!; v.attrs |= Attr.ASSOC; }
        if (!(yield* sh.assignArray(m[1], splitCompound(m[3].slice(1, -1)), false, o.has('A')))) { st = 1; continue; }
      } else if (!sh.setVar(m[1], m[3], { append: m[2] === '+=' })) { st = 1; continue; }
    }
    const v = sh.vars.writable(m[1])!;
    v.attrs |= Attr.READONLY;
  }
  return st;
});

def('unset', (sh, argv) => {
  const g = getopts(sh, 'unset', argv, 'fvn', 'unset [-f] [-v] [-n] [name ...]');
  if (!g) return 2;
  const { o, rest } = g;
  let st = 0;
  for (const n of rest) {
    if (o.has('f')) { sh.funcs.delete(n); continue; }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(.*)\])?$/.exec(n);
    if (!m) { err(sh, 'unset', `\`${n}': not a valid identifier`); st = 1; continue; }
    if (m[2] !== undefined) {
      const v = sh.vars.writable(m[1], false);
      if (!v) continue;
      if (v.attrs & Attr.READONLY) { err(sh, 'unset', `${m[1]}: cannot unset: readonly variable`); st = 1; continue; }
      if (m[2] === '@' || m[2] === '*') { sh.vars.unset(m[1]); continue; }
      if (v.value instanceof Map) v.value.delete(m[2]);
      else if (Array.isArray(v.value)) {
        let i = Number(sh.arith(m[2]));
        if (i < 0) i += v.value.length;
        if (i >= 0 && i < v.value.length) delete v.value[i];
      } else if (Number(sh.arith(m[2])) === 0) v.value = undefined;
      continue;
    }
    const v = sh.vars.lookup(n);
    if (!v && !o.has('v') && sh.funcs.has(n)) { sh.funcs.delete(n); continue; }
    if (!sh.vars.unset(n)) { err(sh, 'unset', `${n}: cannot unset: readonly variable`); st = 1; }
    if (n === 'PATH') sh.hash.clear();
  }
  return st;
});

def('set', (sh, argv) => {
  if (argv.length === 1) {
    for (const [n, v] of sh.vars.all()) if (v.value !== undefined) sh.out(`${n}=${setQuoteVar(v)}\n`);
    for (const n of [...sh.funcs.keys()].sort(collate)) sh.out(printFunction(n, sh.funcs.get(n)!.body) + '\n');
    return 0;
  }
  let i = 1;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; sh.pos = argv.slice(i); return 0; }
    if (a === '-' || a === '+') { i++; break; }
    if (a[0] !== '-' && a[0] !== '+') break;
    const on = a[0] === '-';
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      if (c === 'o') {
        const name = argv[i + 1];
        if (name === undefined) {
          if (on) for (const [n, k] of SET_O) sh.out(`${n.padEnd(15)}\t${k && sh.opts[k] ? 'on' : 'off'}\n`);
          else for (const [n, k] of SET_O) sh.out(`set ${k && sh.opts[k] ? '-' : '+'}o ${n}\n`);
          continue;
        }
        i++;
        const opt = SET_O.find(([n]) => n === name);
        if (!opt) { err(sh, 'set', `${name}: invalid option name`); return 2; }
        if (opt[1]) (sh.opts as unknown as Record<string, boolean>)[opt[1]] = on;
        if (name === 'emacs' && on) sh.opts.vi = false;
        if (name === 'vi' && on) sh.opts.emacs = false;
        continue;
      }
      const k = SET_FLAGS[c];
      if (!k) {
        err(sh, 'set', `${a[0]}${c}: invalid option`);
        sh.errOut('set: usage: set [-abefhkmnptuvxBCHP] [-o option-name] [--] [arg ...]\n');
        return 2;
      }
      (sh.opts as unknown as Record<string, boolean>)[k] = on;
    }
  }
  if (i < argv.length || argv[i - 1] === '-' || argv[i - 1] === '+') sh.pos = argv.slice(i);
  return 0;
});

def('shopt', (sh, argv) => {
  const g = getopts(sh, 'shopt', argv, 'supqo', 'shopt [-pqsu] [-o] [optname ...]');
  if (!g) return 2;
  const { o, rest } = g;
  const map: Record<string, keyof Interp['opts'] | null> = {
    expand_aliases: 'expandAliases', nocasematch: 'nocasematch', nullglob: 'nullglob', dotglob: 'dotglob',
    extglob: 'extglob', lastpipe: 'lastpipe', globstar: null, checkwinsize: null, histappend: null, cmdhist: null,
    interactive_comments: 'interactiveComments', failglob: null, nocaseglob: null, sourcepath: null, autocd: null,
    progcomp: null, promptvars: null, login_shell: null, huponexit: null, shift_verbose: null, xpg_echo: null,
  };
  const names = rest.length ? rest : Object.keys(map).sort();
  let st = 0;
  for (const n of names) {
    if (!(n in map)) { err(sh, 'shopt', `${n}: invalid shell option name`); st = 1; continue; }
    const k = map[n];
    if (o.has('s') || o.has('u')) { if (k) (sh.opts as unknown as Record<string, boolean>)[k] = o.has('s'); continue; }
    const on = k ? sh.opts[k] : ['checkwinsize', 'cmdhist', 'progcomp', 'promptvars', 'sourcepath', 'interactive_comments'].includes(n);
    if (!on && rest.length) st = 1;
    if (o.has('q')) continue;
    if (o.has('p')) sh.out(`shopt ${on ? '-s' : '-u'} ${n}\n`);
    else sh.out(`${n.padEnd(15)}\t${on ? 'on' : 'off'}\n`);
  }
  return st;
});

def('shift', (sh, argv) => {
  let n = 1;
  if (argv[1] !== undefined) {
    if (!/^-?[0-9]+$/.test(argv[1])) { err(sh, 'shift', `${argv[1]}: numeric argument required`); return 1; }
    n = Number(argv[1]);
    if (n < 0) { err(sh, 'shift', `${argv[1]}: shift count out of range`); return 1; }
  }
  if (n > sh.pos.length) return 1;
  sh.pos = sh.pos.slice(n);
  return 0;
});

def('let', (sh, argv) => {
  if (argv.length < 2) { err(sh, 'let', 'expression expected'); return 1; }
  let v = 0n;
  for (const a of argv.slice(1)) v = sh.arith(a, 'let: ');
  return v !== 0n ? 0 : 1;
});

// ---- control ------------------------------------------------------------------------------------

def('return', (sh, argv) => {
  if (sh.funcStack.length === 0 && sh.sourceDepth === 0) {
    err(sh, 'return', "can only `return' from a function or sourced script");
    return 2;
  }
  let st = sh.status;
  if (argv[1] !== undefined) {
    if (!/^-?[0-9]+$/.test(argv[1])) { err(sh, 'return', `${argv[1]}: numeric argument required`); st = 2; }
    else st = Number(BigInt.asUintN(8, BigInt(argv[1])));
  }
  throw new ReturnEx(st);
});

def(['exit', 'logout'], (sh, argv) => {
  if (argv[0] === 'logout' && !(sh.jobControl && sh.exitMessage === 'logout')) { err(sh, 'logout', 'not login shell: use `exit\''); return 1; }
  if (sh.jobControl) sh.errOut(sh.exitMessage + '\n');
  let st = sh.status;
  if (argv[1] !== undefined) {
    if (!/^\s*[-+]?[0-9]+\s*$/.test(argv[1])) { err(sh, 'exit', `${argv[1]}: numeric argument required`); st = 2; }
    else if (argv.length > 2) { err(sh, 'exit', 'too many arguments'); return 1; }
    else st = Number(BigInt.asUintN(8, BigInt(argv[1].trim())));
  }
  throw new ExitEx(st);
});

function loopCtl(name: 'break' | 'continue'): Builtin {
  return (sh, argv) => {
    let n = 1;
    if (argv[1] !== undefined) {
      if (!/^-?[0-9]+$/.test(argv[1])) { err(sh, name, `${argv[1]}: numeric argument required`); return 1; }
      n = Number(argv[1]);
      if (n < 1) { err(sh, name, `${argv[1]}: loop count out of range`); return 1; }
    }
    if (sh.loopDepth === 0) { err(sh, name, "only meaningful in a `for', `while', or `until' loop"); return 0; }
    n = Math.min(n, sh.loopDepth);
    throw name === 'break' ? new BreakEx(n) : new ContinueEx(n);
  };
}
def('break', loopCtl('break'));
def('continue', loopCtl('continue'));

def('eval', function* (sh, argv) {
  const src = argv.slice(1).join(' ');
  if (!src.trim()) return 0;
  return (yield new Call(sh.evalString(src, 'eval'))) as number;
});

def(['source', '.'], function* (sh, argv) {
  const who = argv[0];
  let args = argv.slice(1);
  if (args[0] === '--') args = args.slice(1);
  if (!args.length) {
    err(sh, who, 'filename argument required');
    sh.errOut(`${who}: usage: ${who} filename [arguments]\n`);
    return 2;
  }
  const file = args[0];
  let path = file;
  if (!file.includes('/')) {
    // search PATH first (sourcepath), then the current directory
    for (const dir of (sh.special('PATH') ?? '').split(':')) {
      const p = normalizePath(sh.cwd, (dir || '.') + '/' + file);
      try { if (sh.w.fs.stat(p).kind === 'file') { path = p; break; } } catch { /* next */ }
    }
  }
  const abs = normalizePath(sh.cwd, path);
  let text: string;
  try {
    if (sh.w.fs.stat(abs).kind === 'dir') { err(sh, who, `${file}: is a directory`); return 1; }
    text = sh.w.fs.readFile(abs);
  } catch (e) {
    sh.error(`${file}: ${e instanceof FsError ? STRERROR[e.code] : 'No such file or directory'}`);
    return 1;
  }
  const savedPos = sh.pos;
  if (args.length > 1) sh.pos = args.slice(1);
  sh.sourceDepth++;
  const savedFile = sh.scriptFile;
  if (sh.scriptFile !== null || !sh.interactive) sh.scriptFile = file;
  try {
    return (yield new Call(sourceBody(sh, text))) as number;
  } finally {
    sh.sourceDepth--;
    sh.scriptFile = savedFile;
    if (args.length > 1) sh.pos = savedPos;
  }
});

function* sourceBody(sh: Interp, text: string): Run<number> {
  const savedLine = sh.lineno;
  try {
    return yield* sh.evalString(text);
  } catch (e) {
    if (e instanceof ReturnEx) return e.status;
    throw e;
  } finally { sh.lineno = savedLine; }
}

def('exec', function* (sh, argv) {
  const args = argv.slice(1);
  while (args[0] === '-c' || args[0] === '-l' || args[0] === '--') args.shift();
  if (args[0] === '-a') args.splice(0, 2);
  if (!args.length) {
    // Redirections only: they were applied to this command's fds; make them permanent.
    sh.execRedirsPermanent = true;
    return 0;
  }
  const name = args[0];
  const f = sh.funcs.get(name);
  let st: number;
  if (f) st = yield* sh.callFunction(f, args);
  else {
    const bi = BUILTINS.get(name);
    if (bi) { const r = bi(sh, args); st = typeof r === 'number' ? r : yield* r; }
    else {
      const t = sh.resolveCommand(name);
      if ('err' in t) {
        sh.error(`${name === t.err.split(':')[0] ? '' : ''}${t.err.replace('command not found', 'not found')}`);
        if (!sh.interactive) throw new ExitEx(t.status);
        return t.status;
      }
      st = 'file' in t ? yield* sh.runScriptFile(t.file, args, sh.fds, undefined, t.interp) : yield* sh.runCommand(t.cmd, args, sh.fds);
    }
  }
  throw new ExitEx(st);
});

// ---- test / [ -------------------------------------------------------------------------------------

def(['test', '['], (sh, argv) => {
  let args = argv.slice(1);
  const who = argv[0];
  if (who === '[') {
    if (args[args.length - 1] !== ']') { err(sh, '[', "missing `]'"); return 2; }
    args = args.slice(0, -1);
  }
  try {
    return testExpr(sh, who, args) ? 0 : 1;
  } catch (e) {
    if (e instanceof CondError) return e.status;
    throw e;
  }
});

const TEST_BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef']);
const TEST_UNARY = new Set(['-a', '-b', '-c', '-d', '-e', '-f', '-g', '-h', '-k', '-p', '-r', '-s', '-t', '-u', '-w',
  '-x', '-G', '-L', '-N', '-O', '-S', '-z', '-n', '-v', '-o', '-R']);

function testExpr(sh: Interp, who: string, a: string[]): boolean {
  const fail = (msg: string): never => { err(sh, who, msg); throw new CondError(2); };
  const intOf = (s: string): bigint => {
    const t = s.trim();
    if (!/^[-+]?[0-9]+$/.test(t)) fail(`${s}: integer expression expected`);
    return BigInt(t);
  };
  const binary = (x: string, op: string, y: string): boolean => {
    switch (op) {
      case '=': case '==': return x === y;
      case '!=': return x !== y;
      case '<': return collate(x, y) < 0;
      case '>': return collate(x, y) > 0;
      case '-eq': return intOf(x) === intOf(y);
      case '-ne': return intOf(x) !== intOf(y);
      case '-lt': return intOf(x) < intOf(y);
      case '-le': return intOf(x) <= intOf(y);
      case '-gt': return intOf(x) > intOf(y);
      case '-ge': return intOf(x) >= intOf(y);
      default: return binaryFileTest(sh, op, x, y);
    }
  };
  const unary = (op: string, x: string): boolean => unaryTest(sh, op, x);
  // POSIX rules by argument count
  const n = a.length;
  if (n === 0) return false;
  if (n === 1) return a[0] !== '';
  if (n === 2) {
    if (a[0] === '!') return a[1] === '';
    if (TEST_UNARY.has(a[0])) return unary(a[0], a[1]);
    fail(`${a[0]}: unary operator expected`);
  }
  if (n === 3) {
    if (TEST_BINARY.has(a[1])) return binary(a[0], a[1], a[2]);
    if (a[1] === '-a') return a[0] !== '' && a[2] !== '';
    if (a[1] === '-o') return a[0] !== '' || a[2] !== '';
    if (a[0] === '!') return !testExpr(sh, who, a.slice(1));
    if (a[0] === '(' && a[2] === ')') return a[1] !== '';
    fail(`${a[1]}: binary operator expected`);
  }
  if (n === 4) {
    if (a[0] === '!') return !testExpr(sh, who, a.slice(1));
    if (a[0] === '(' && a[3] === ')') return testExpr(sh, who, a.slice(1, 3));
  }
  // General recursive descent: expr -o expr, -a, !, ( )
  let i = 0;
  const primary = (): boolean => {
    if (i >= n) fail('argument expected');
    const t = a[i];
    if (t === '!') { i++; return !primary(); }
    if (t === '(') {
      i++;
      const v = orExpr();
      if (a[i] !== ')') fail("`)' expected");
      i++;
      return v;
    }
    if (i + 2 < n + 1 && TEST_BINARY.has(a[i + 1] ?? '')) { const v = binary(a[i], a[i + 1], a[i + 2] ?? ''); i += 3; return v; }
    if (TEST_UNARY.has(t) && i + 1 < n) { const v = unary(t, a[i + 1]); i += 2; return v; }
    i++;
    return t !== '';
  };
  const andExpr = (): boolean => {
    let v = primary();
    while (a[i] === '-a') { i++; const r = primary(); v = v && r; }
    return v;
  };
  const orExpr = (): boolean => {
    let v = andExpr();
    while (a[i] === '-o') { i++; const r = andExpr(); v = v || r; }
    return v;
  };
  const v = orExpr();
  if (i < n) fail('too many arguments');
  return v;
}

// ---- aliases ---------------------------------------------------------------------------------------

def('alias', (sh, argv) => {
  let args = argv.slice(1);
  if (args[0] === '-p') args = args.slice(1);
  if (!args.length) {
    for (const n of [...sh.aliases.keys()].sort()) sh.out(`alias ${n}=${aliasQuote(sh.aliases.get(n)!)}\n`);
    return 0;
  }
  let st = 0;
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq > 0) {
      const name = a.slice(0, eq);
      if (/[\s$`'"\\/|&;()<>=]/.test(name)) { err(sh, 'alias', `\`${name}': invalid alias name`); st = 1; continue; }
      sh.aliases.set(name, a.slice(eq + 1));
    } else {
      const v = sh.aliases.get(a);
      if (v === undefined) { err(sh, 'alias', `${a}: not found`); st = 1; continue; }
      sh.out(`alias ${a}=${aliasQuote(v)}\n`);
    }
  }
  return st;
});

function aliasQuote(v: string): string { return "'" + v.replace(/'/g, "'\\''") + "'"; }

def('unalias', (sh, argv) => {
  const args = argv.slice(1);
  if (args[0] === '-a') { sh.aliases.clear(); return 0; }
  if (!args.length) { sh.errOut('unalias: usage: unalias [-a] name [name ...]\n'); return 2; }
  let st = 0;
  for (const a of args) {
    if (!sh.aliases.delete(a)) { err(sh, 'unalias', `${a}: not found`); st = 1; }
  }
  return st;
});

// ---- type / command / hash / which -----------------------------------------------------------------

type Kind = { k: 'alias'; v: string } | { k: 'keyword' } | { k: 'function' } | { k: 'builtin' } | { k: 'file'; path: string; hashed: boolean };

function kinds(sh: Interp, name: string, all: boolean, pathOnly = false): Kind[] {
  const out: Kind[] = [];
  if (!pathOnly) {
    if (sh.opts.expandAliases && sh.aliases.has(name)) { out.push({ k: 'alias', v: sh.aliases.get(name)! }); if (!all) return out; }
    if (KEYWORDS.has(name)) { out.push({ k: 'keyword' }); if (!all) return out; }
    if (sh.funcs.has(name)) { out.push({ k: 'function' }); if (!all) return out; }
    if (BUILTINS.has(name)) { out.push({ k: 'builtin' }); if (!all) return out; }
  }
  if (name.includes('/')) {
    const r = sh.resolveCommand(name);
    if (!('err' in r)) out.push({ k: 'file', path: name, hashed: false });
    return out;
  }
  if (!all) {
    const hashed = sh.hash.has(name);
    const e = sh.lookupPath(name);
    if (e) out.push({ k: 'file', path: e.path, hashed });
    return out;
  }
  for (const p of allPaths(sh, name)) out.push({ k: 'file', path: p, hashed: false });
  return out;
}

/** Every place along $PATH where `name` exists (type -a, which -a). */
function allPaths(sh: Interp, name: string): string[] {
  const out: string[] = [];
  const saved = new Map(sh.hash);
  for (const dir of (sh.special('PATH') ?? '').split(':')) {
    sh.hash.clear();
    const savedPath = sh.special('PATH');
    const v = sh.vars.writable('PATH')!;
    const old = v.value;
    v.value = dir;
    const e = sh.lookupPath(name);
    v.value = old;
    void savedPath;
    if (e && !out.includes(e.path)) out.push(e.path);
  }
  sh.hash = saved;
  return out;
}

def('type', (sh, argv) => {
  const g = getopts(sh, 'type', argv, 'afptP', 'type [-afptP] name [name ...]');
  if (!g) return 2;
  const { o, rest } = g;
  let st = 0;
  for (const name of rest) {
    const ks = kinds(sh, name, o.has('a'), o.has('P'));
    const files = ks.filter((k) => k.k === 'file');
    if (!ks.length || ((o.has('p') || o.has('P')) && !files.length && !o.has('a'))) {
      if (!o.has('t') && !o.has('p') && !o.has('P')) err(sh, 'type', `${name}: not found`);
      st = 1;
      continue;
    }
    for (const k of ks) {
      if (o.has('t')) { sh.out(k.k + '\n'); if (!o.has('a')) break; continue; }
      if (o.has('p') || o.has('P')) { if (k.k === 'file') sh.out(k.path + '\n'); else if (!o.has('a')) break; continue; }
      switch (k.k) {
        case 'alias': sh.out(`${name} is aliased to \`${k.v}'\n`); break;
        case 'keyword': sh.out(`${name} is a shell keyword\n`); break;
        case 'function': sh.out(`${name} is a function\n${printFunction(name, sh.funcs.get(name)!.body)}\n`); break;
        case 'builtin': sh.out(`${name} is a shell builtin\n`); break;
        case 'file': sh.out(k.hashed ? `${name} is hashed (${k.path})\n` : `${name} is ${k.path}\n`); break;
      }
    }
  }
  return st;
});

def('command', function* (sh, argv) {
  let i = 1;
  let v = false, V = false;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    if (!/^-[pvV]+$/.test(a)) break;
    if (a.includes('v')) v = true;
    if (a.includes('V')) V = true;
  }
  const rest = argv.slice(i);
  if (!rest.length) return 0;
  if (v || V) {
    let st = 0;
    for (const name of rest) {
      const ks = kinds(sh, name, false);
      if (!ks.length) { if (V) err(sh, 'command', `${name}: not found`); st = 1; continue; }
      const k = ks[0];
      if (V) {
        switch (k.k) {
          case 'alias': sh.out(`${name} is aliased to \`${k.v}'\n`); break;
          case 'keyword': sh.out(`${name} is a shell keyword\n`); break;
          case 'function': sh.out(`${name} is a function\n${printFunction(name, sh.funcs.get(name)!.body)}\n`); break;
          case 'builtin': sh.out(`${name} is a shell builtin\n`); break;
          case 'file': sh.out(k.hashed ? `${name} is hashed (${k.path})\n` : `${name} is ${k.path}\n`); break;
        }
      } else {
        sh.out(k.k === 'alias' ? `alias ${name}=${aliasQuote(k.v)}\n` : k.k === 'file' ? k.path + '\n' : name + '\n');
      }
    }
    return st;
  }
  // Run skipping functions
  const name = rest[0];
  const bi = BUILTINS.get(name);
  if (bi) { const r = bi(sh, rest); return typeof r === 'number' ? r : yield* r; }
  const t = sh.resolveCommand(name);
  if ('err' in t) { sh.error(t.err); return t.status; }
  if ('file' in t) return yield* sh.runScriptFile(t.file, rest, sh.fds, undefined, t.interp);
  return yield* sh.runCommand(t.cmd, rest, sh.fds);
});

def('builtin', function* (sh, argv) {
  const name = argv[1];
  if (name === undefined) return 0;
  const bi = BUILTINS.get(name);
  if (!bi) { err(sh, 'builtin', `${name}: not a shell builtin`); return 1; }
  const r = bi(sh, argv.slice(1));
  return typeof r === 'number' ? r : yield* r;
});

def('hash', (sh, argv) => {
  const g = getopts(sh, 'hash', argv, 'rdtlp:', 'hash [-lr] [-p pathname] [-dt] [name ...]');
  if (!g) return 2;
  const { o, rest } = g;
  if (o.has('r')) { sh.hash.clear(); return 0; }
  if (!rest.length) {
    if (!sh.hash.size) { sh.out('hash: hash table empty\n'); return 0; }
    sh.out('hits\tcommand\n');
    for (const e of sh.hash.values()) sh.out(`${String(e.hits ?? 1).padStart(4)}\t${e.path}\n`);
    return 0;
  }
  let st = 0;
  for (const n of rest) {
    if (o.has('d')) { sh.hash.delete(n); continue; }
    if (BUILTINS.has(n)) continue;
    sh.hash.delete(n);
    if (!sh.lookupPath(n)) { err(sh, 'hash', `${n}: not found`); st = 1; }
    else if (o.has('t')) sh.out(sh.hash.get(n)!.path + '\n');
  }
  return st;
});

// ---- jobs ---------------------------------------------------------------------------------------------

def('jobs', (sh, argv) => {
  const g = getopts(sh, 'jobs', argv, 'lnprs', 'jobs [-lnprs] [jobspec ...] or jobs -x command [args]');
  if (!g) return 2;
  const { o, rest } = g;
  let list = sh.jobs.list;
  if (rest.length) {
    const sel = [];
    for (const s of rest) {
      const j = sh.jobs.find(s);
      if (!j) { err(sh, 'jobs', `${s}: no such job`); return 1; }
      sel.push(j);
    }
    list = sel;
  }
  for (const j of list) {
    if (o.has('r') && j.proc.done) continue;
    if (o.has('s')) continue;
    if (o.has('p')) { sh.out(`${j.pid}\n`); continue; }
    sh.out(sh.jobs.format(j, o.has('l')) + '\n');
  }
  // Finished jobs shown here are not reported again.
  for (const j of list) if (j.proc.done) sh.jobs.remove(j);
  return 0;
});

function* waitProc(p: import('../proc.ts').Proc): Run<number> {
  while (!p.done) yield { kind: 'sim', ready: () => p.done };
  return p.status;
}

def('wait', function* (sh, argv) {
  const args = argv.slice(1).filter((a) => a !== '-n' && a !== '-f');
  const anyOne = argv.includes('-n');
  try {
    if (!args.length) {
      if (anyOne) {
        const live = sh.jobs.list.filter((j) => !j.proc.done);
        if (!live.length) return 127;
        while (!live.some((j) => j.proc.done)) yield { kind: 'sim', ready: () => live.some((j) => j.proc.done) };
        const j = live.find((x) => x.proc.done)!;
        sh.jobs.remove(j);
        return j.proc.status;
      }
      for (const j of sh.jobs.list.slice()) yield* waitProc(j.proc);
      return 0;
    }
    let st = 0;
    for (const a of args) {
      let job;
      if (a.startsWith('%')) {
        job = sh.jobs.find(a);
        if (!job) { err(sh, 'wait', `${a}: no such job`); st = 127; continue; }
      } else if (/^[0-9]+$/.test(a)) {
        job = sh.jobs.byPid(Number(a));
        if (!job) { err(sh, 'wait', `pid ${a} is not a child of this shell`); st = 127; continue; }
      } else { err(sh, 'wait', `\`${a}': not a pid or valid job spec`); st = 2; continue; }
      st = yield* waitProc(job.proc);
      sh.jobs.remove(job);
    }
    return st;
  } catch (e) {
    if (e instanceof ShellSignal && e.sig === 'INT' && !sh.traps.has('INT')) return 130;
    throw e;
  }
});

def('fg', function* (sh, argv) {
  const spec = argv[1] ?? '%+';
  const job = sh.jobs.find(spec);
  if (!job) { err(sh, 'fg', argv[1] ? `${argv[1]}: no such job` : 'current: no such job'); return 1; }
  sh.out(job.text + '\n');
  try {
    const st = yield* waitProc(job.proc);
    sh.jobs.remove(job);
    return st;
  } catch (e) {
    if (e instanceof ShellSignal) {
      // Ctrl-C now goes to the job brought to the foreground.
      sh.w.procs.signal(job.proc, e.sig);
      sh.jobs.remove(job);
      throw e;
    }
    throw e;
  }
});

def('bg', (sh, argv) => {
  const spec = argv[1] ?? '%+';
  const job = sh.jobs.find(spec);
  if (!job) { err(sh, 'bg', argv[1] ? `${argv[1]}: no such job` : 'current: no such job'); return 1; }
  if (!job.proc.done) { err(sh, 'bg', `job ${job.id} already in background`); return 0; }
  return 0;
});

def('disown', (sh, argv) => {
  const args = argv.slice(1).filter((a) => !a.startsWith('-') || a.startsWith('%'));
  if (argv.includes('-a')) { sh.jobs.list.slice().forEach((j) => sh.jobs.remove(j)); return 0; }
  const j = sh.jobs.find(args[0] ?? '%+');
  if (!j) { err(sh, 'disown', `${args[0] ?? 'current'}: no such job`); return 1; }
  sh.jobs.remove(j);
  return 0;
});

const ALL_SIGS: [number, string][] = [
  [1, 'HUP'], [2, 'INT'], [3, 'QUIT'], [4, 'ILL'], [5, 'TRAP'], [6, 'ABRT'], [7, 'BUS'], [8, 'FPE'], [9, 'KILL'],
  [10, 'USR1'], [11, 'SEGV'], [12, 'USR2'], [13, 'PIPE'], [14, 'ALRM'], [15, 'TERM'], [16, 'STKFLT'], [17, 'CHLD'],
  [18, 'CONT'], [19, 'STOP'], [20, 'TSTP'], [21, 'TTIN'], [22, 'TTOU'], [23, 'URG'], [24, 'XCPU'], [25, 'XFSZ'],
  [26, 'VTALRM'], [27, 'PROF'], [28, 'WINCH'], [29, 'IO'], [30, 'PWR'], [31, 'SYS'],
];

function sigByName(s: string): number | undefined {
  if (/^[0-9]+$/.test(s)) { const n = Number(s); return n <= 64 ? n : undefined; }
  const u = s.toUpperCase().replace(/^SIG/, '');
  return ALL_SIGS.find(([, n]) => n === u)?.[0];
}

function toSignalName(num: number): SignalName | null {
  const e = Object.entries(SIGNUM).find(([, n]) => n === num);
  return e ? (e[0] as SignalName) : null;
}

def('kill', (sh, argv) => {
  const args = argv.slice(1);
  if (!args.length) { sh.errOut('kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n'); return 2; }
  if (args[0] === '-l' || args[0] === '-L') {
    if (args.length > 1) {
      let st = 0;
      for (const a of args.slice(1)) {
        if (/^[0-9]+$/.test(a)) {
          const n = Number(a) > 128 ? Number(a) - 128 : Number(a);
          const s = ALL_SIGS.find(([k]) => k === n);
          if (!s) { err(sh, 'kill', `${a}: invalid signal specification`); st = 1; } else sh.out(s[1] + '\n');
        } else {
          const n = sigByName(a);
          if (n === undefined) { err(sh, 'kill', `${a}: invalid signal specification`); st = 1; } else sh.out(n + '\n');
        }
      }
      return st;
    }
    let line = '';
    const all: [number, string][] = [...ALL_SIGS];
    for (let i = 34; i <= 64; i++) all.push([i, i <= 49 ? (i === 34 ? 'RTMIN' : `RTMIN+${i - 34}`) : (i === 64 ? 'RTMAX' : `RTMAX-${64 - i}`)]);
    all.forEach(([n, s], i) => {
      line += `${String(n).padStart(2)}) SIG${s}`;
      if ((i + 1) % 5 === 0) { sh.out(line + '\n'); line = ''; } else if (i === all.length - 1) sh.out(line + '\t\n'); else line += '\t';
    });
    return 0;
  }
  let sig = 15;
  let i = 0;
  if (args[0] === '-s' || args[0] === '-n') {
    if (args[1] === undefined) { err(sh, 'kill', `${args[0]}: option requires an argument`); return 1; }
    const s = sigByName(args[1]);
    if (s === undefined) { err(sh, 'kill', `${args[1]}: invalid signal specification`); return 1; }
    sig = s; i = 2;
  } else if (/^-./.test(args[0]) && args[0] !== '--') {
    const s = sigByName(args[0].slice(1));
    if (s === undefined) { err(sh, 'kill', `${args[0].slice(1)}: invalid signal specification`); return 1; }
    sig = s; i = 1;
  }
  if (args[i] === '--') i++;
  let st = 0;
  const sname = toSignalName(sig);
  for (const a of args.slice(i)) {
    let proc: import('../proc.ts').Proc | undefined;
    if (a.startsWith('%')) {
      const j = sh.jobs.find(a);
      if (!j) { err(sh, 'kill', `${a}: no such job`); st = 1; continue; }
      proc = j.proc;
    } else if (/^-?[0-9]+$/.test(a)) {
      proc = sh.w.procs.get(Number(a));
      if (!proc || proc.host && proc.host !== sh.w.host) { err(sh, 'kill', `(${a}) - No such process`); st = 1; continue; }
    } else { err(sh, 'kill', `${a}: arguments must be process or job IDs`); st = 1; continue; }
    if (proc.done) { err(sh, 'kill', `(${proc.pid}) - No such process`); st = 1; continue; }
    if (sig === 0) continue;
    if (sname) sh.w.procs.signal(proc, sname);
    else sh.w.procs.signal(proc, 'TERM');
  }
  return st;
});

// ---- traps ----------------------------------------------------------------------------------------

const TRAP_NAMES: Record<string, string> = { EXIT: 'EXIT', '0': 'EXIT', ERR: 'ERR', DEBUG: 'DEBUG', RETURN: 'RETURN' };

function trapKey(s: string): string | null {
  const u = s.toUpperCase().replace(/^SIG/, '');
  if (TRAP_NAMES[u]) return TRAP_NAMES[u];
  const n = sigByName(u);
  if (n === undefined) return null;
  return ALL_SIGS.find(([k]) => k === n)?.[1] ?? null;
}

def('trap', (sh, argv) => {
  let args = argv.slice(1);
  if (args[0] === '-l') { return (BUILTINS.get('kill')!(sh, ['kill', '-l']) as number); }
  const printOne = (k: string) => {
    const v = sh.traps.get(k);
    if (v !== undefined) sh.out(`trap -- ${aliasQuote(v)} ${k === 'EXIT' || k === 'ERR' || k === 'DEBUG' || k === 'RETURN' ? k : 'SIG' + k}\n`);
  };
  if (args[0] === '-p' || !args.length) {
    const names = args.slice(1);
    if (names.length) for (const n of names) { const k = trapKey(n); if (k) printOne(k); }
    else for (const k of sh.traps.keys()) printOne(k);
    return 0;
  }
  if (args[0] === '--') args = args.slice(1);
  if (!args.length) { for (const k of sh.traps.keys()) printOne(k); return 0; } // `trap --` lists, as `trap`
  let action: string | null = args[0];
  let sigs = args.slice(1);
  if (sigs.length === 0 || /^[0-9]+$/.test(action)) {
    // `trap INT` / `trap 2` resets
    if (sigs.length === 0) { sigs = [action]; action = null; } else if (/^[0-9]+$/.test(action) && sigByName(action) !== undefined) { sigs = args; action = null; }
  }
  if (action === '-') action = null;
  let st = 0;
  for (const s of sigs) {
    const k = trapKey(s);
    if (!k) { err(sh, 'trap', `${s}: invalid signal specification`); st = 1; continue; }
    if (action === null) sh.traps.delete(k);
    else sh.traps.set(k, action);
  }
  return st;
});

// ---- read / mapfile ---------------------------------------------------------------------------------

function* withTimeout<T>(sh: Interp, co: Run<T>, seconds: number | undefined): Run<{ v: T } | null> {
  if (seconds === undefined) return { v: yield* co };
  const deadline = sh.w.host.now() + Math.round(seconds * 1e6);
  try {
    for (;;) {
      const r = co.next();
      if (r.done) return { v: r.value };
      if (sh.w.host.now() >= deadline) return null;
      const w = r.value;
      if (w instanceof Call) throw new Error('call inside read');
      if (w.kind === 'sim') {
        yield { kind: 'sim', ready: w.ready, until: w.until === undefined ? deadline : Math.min(w.until, deadline) };
      } else if (w.kind === 'io') {
        yield { kind: 'sim', ready: () => true, until: deadline };
      } else yield w;
      if (sh.w.host.now() >= deadline) return null;
    }
  } finally {
    co.return(undefined as T);
  }
}

def('read', function* (sh, argv) {
  const g = getopts(sh, 'read', argv, 'ersa:d:i:n:N:p:t:u:', 'read [-ers] [-a array] [-d delim] [-i text] [-n nchars] [-N nchars] [-p prompt] [-t timeout] [-u fd] [name ...]');
  if (!g) return 2;
  const { o, rest } = g;
  const raw = o.has('r');
  const fd = o.has('u') ? Number(o.get('u')) : 0;
  const input = sh.fds[fd]?.r;
  if (!input) { err(sh, 'read', `${o.get('u') ?? fd}: invalid file descriptor: Bad file descriptor`); return 1; }
  for (const n of rest) if (!NAME.test(n)) { err(sh, 'read', `\`${n}': not a valid identifier`); return 1; }
  if (o.has('p') && input.isTty) sh.errOut(String(o.get('p')));
  const delim = o.has('d') ? (String(o.get('d'))[0] ?? '\0') : '\n';
  const nchars = o.has('n') ? Number(o.get('n')) : o.has('N') ? Number(o.get('N')) : undefined;
  const timeout = o.has('t') ? Number(o.get('t')) : undefined;
  if (timeout !== undefined && Number.isNaN(timeout)) { err(sh, 'read', `${o.get('t')}: invalid timeout specification`); return 1; }
  const buf = input instanceof BufferedIn ? input : null;

  const readRaw = function* (): Run<{ s: string; eof: boolean }> {
    if (nchars !== undefined && buf) {
      const s = yield* buf.readN(nchars);
      if (s === null) return { s: '', eof: true };
      const i = o.has('N') ? -1 : s.indexOf(delim);
      if (i >= 0) { buf.unread(s.slice(i + 1)); return { s: s.slice(0, i), eof: false }; }
      return { s, eof: false };
    }
    let acc = '';
    for (;;) {
      let line: string | null;
      let hitDelim = true;
      if (delim === '\n') {
        line = yield* input.readLine();
        if (line !== null && buf === null) hitDelim = true;
      } else if (buf) {
        line = null;
        let chunk = '';
        for (;;) {
          const c = yield* buf.read();
          if (c === null) { if (chunk) line = chunk; hitDelim = false; break; }
          const i = (chunk + c).indexOf(delim);
          if (i >= 0) { const all = chunk + c; buf.unread(all.slice(i + 1)); line = all.slice(0, i); break; }
          chunk += c;
        }
        if (line === null && !chunk) return { s: acc, eof: true };
      } else { line = yield* input.readLine(); }
      if (line === null) return { s: acc, eof: true };
      // readLine cannot tell us whether the final line had its newline; treat as complete.
      if (!raw && line.endsWith('\\') && !/(^|[^\\])(\\\\)*$/.test(line.slice(0, -1) + 'x')) {
        acc += line.slice(0, -1);
        continue;
      }
      if (!raw && /(?:^|[^\\])(?:\\\\)*\\$/.test(line)) { acc += line.slice(0, -1); continue; }
      return { s: acc + line, eof: !hitDelim };
    }
  };
  let res: { v: { s: string; eof: boolean } } | null;
  try {
    res = yield* withTimeout(sh, readRaw(), timeout === 0 ? 0.000001 : timeout);
  } catch (e) {
    if (e instanceof ShellSignal && e.sig === 'INT' && !sh.traps.has('INT')) throw e;
    throw e;
  }
  if (res === null) return 142;
  const { s, eof } = res.v;
  if (eof && s === '') {
    // assign empties
    if (o.has('a')) { sh.vars.writable(String(o.get('a')))!.value = []; }
    else for (const n of rest.length ? rest : ['REPLY']) sh.setVar(n, '');
    return 1;
  }
  const ifs = sh.ifs();
  const unesc = (x: string) => (raw ? x : x.replace(/\\(.)/g, '$1'));
  if (o.has('a')) {
    const fields = splitRead(s, ifs, Infinity, raw).map(unesc);
    const v = sh.vars.lookup(String(o.get('a')));
    if (v && v.attrs & Attr.READONLY) { err(sh, 'read', `${o.get('a')}: readonly variable`); return 1; }
    const w = sh.vars.writable(String(o.get('a')))!;
    w.value = fields;
    w.attrs |= Attr.ARRAY;
    return eof ? 1 : 0;
  }
  if (!rest.length) { sh.setVar('REPLY', unesc(s)); return eof ? 1 : 0; }
  const fields = splitRead(s, ifs, rest.length, raw);
  for (let i = 0; i < rest.length; i++) {
    if (!sh.setVar(rest[i], unesc(fields[i] ?? ''))) return 1;
  }
  return eof ? 1 : 0;
});

/** Split a line for `read` into at most `n` fields (the last takes the rest), as bash does. */
function splitRead(s: string, ifs: string, n: number, raw: boolean): string[] {
  const isIfs = (c: string) => ifs.includes(c);
  const isWs = (c: string) => (c === ' ' || c === '\t' || c === '\n') && ifs.includes(c);
  const out: string[] = [];
  let i = 0;
  while (i < s.length && isWs(s[i])) i++;
  while (i < s.length) {
    if (out.length === n - 1) {
      // the rest, minus trailing IFS whitespace; a single trailing non-ws delimiter is dropped
      let rest = s.slice(i);
      let e = rest.length;
      while (e > 0 && isWs(rest[e - 1]) && !(rest[e - 2] === '\\' && !raw)) e--;
      rest = rest.slice(0, e);
      if (rest.length && isIfs(rest[rest.length - 1]) && !isWs(rest[rest.length - 1]) && !(rest[rest.length - 2] === '\\' && !raw)) {
        const inner = rest.slice(0, -1);
        let hasOther = false;
        for (let k = 0; k < inner.length; k++) { if (!raw && inner[k] === '\\') { k++; continue; } if (isIfs(inner[k]) && !isWs(inner[k])) { hasOther = true; break; } }
        if (!hasOther) rest = inner;
      }
      out.push(rest);
      return out;
    }
    let f = '';
    while (i < s.length && !isIfs(s[i])) {
      if (!raw && s[i] === '\\' && i + 1 < s.length) { f += s[i] + s[i + 1]; i += 2; continue; }
      f += s[i++];
    }
    out.push(f);
    // consume the delimiter: IFS whitespace, at most one non-whitespace IFS char, more whitespace
    while (i < s.length && isWs(s[i])) i++;
    if (i < s.length && isIfs(s[i]) && !isWs(s[i])) { i++; while (i < s.length && isWs(s[i])) i++; }
  }
  return out;
}

def(['mapfile', 'readarray'], function* (sh, argv) {
  const g = getopts(sh, argv[0], argv, 'd:n:O:s:tu:C:c:', `${argv[0]} [-d delim] [-n count] [-O origin] [-s count] [-t] [-u fd] [-C callback] [-c quantum] [array]`);
  if (!g) return 2;
  const { o, rest } = g;
  const name = rest[0] ?? 'MAPFILE';
  const input = sh.fds[o.has('u') ? Number(o.get('u')) : 0]?.r;
  if (!input) return 1;
  const text = yield* input.readAll();
  const delim = o.has('d') ? (String(o.get('d'))[0] ?? '\0') : '\n';
  let lines = text.split(delim);
  if (lines[lines.length - 1] === '') lines.pop();
  if (!o.has('t')) lines = lines.map((l, i) => (i < lines.length - 1 || text.endsWith(delim) ? l + delim : l));
  const skip = o.has('s') ? Number(o.get('s')) : 0;
  lines = lines.slice(skip);
  if (o.has('n') && Number(o.get('n')) > 0) lines = lines.slice(0, Number(o.get('n')));
  const v = sh.vars.writable(name)!;
  const origin = o.has('O') ? Number(o.get('O')) : 0;
  const arr: (string | undefined)[] = o.has('O') && Array.isArray(v.value) ? v.value : [];
  lines.forEach((l, i) => { arr[origin + i] = l; });
  v.value = arr;
  v.attrs |= Attr.ARRAY;
  return 0;
});

def('getopts', (sh, argv) => {
  if (argv.length < 3) { sh.errOut('getopts: usage: getopts optstring name [arg ...]\n'); return 2; }
  const optstring = argv[1];
  const name = argv[2];
  const args = argv.length > 3 ? argv.slice(3) : sh.pos;
  const silent = optstring.startsWith(':');
  const spec = silent ? optstring.slice(1) : optstring;
  let optind = Number(sh.special('OPTIND') ?? '1') || 1;
  let sub = sh.getoptsSub ?? 1;
  if (sh.getoptsLast !== optind) sub = 1;
  const arg = args[optind - 1];
  const done = () => { sh.setVar(name, '?'); sh.getoptsSub = 1; sh.getoptsLast = optind; return 1; };
  if (arg === undefined || arg[0] !== '-' || arg === '-') return done();
  if (arg === '--') { optind++; sh.setVar('OPTIND', String(optind)); return done(); }
  const c = arg[sub];
  sub++;
  const finishArg = () => { if (sub >= arg.length) { optind++; sub = 1; } };
  const k = spec.indexOf(c);
  if (k < 0 || c === ':') {
    finishArg();
    sh.setVar('OPTIND', String(optind));
    sh.getoptsSub = sub; sh.getoptsLast = optind;
    if (silent) { sh.setVar(name, '?'); sh.setVar('OPTARG', c); }
    else { sh.error(`illegal option -- ${c}`); sh.setVar(name, '?'); sh.vars.unset('OPTARG'); }
    return 0;
  }
  if (spec[k + 1] === ':') {
    let val: string | undefined;
    if (sub < arg.length) { val = arg.slice(sub); optind++; sub = 1; }
    else { val = args[optind]; optind += 2; sub = 1; }
    if (val === undefined) {
      sh.setVar('OPTIND', String(optind - 1));
      sh.getoptsSub = 1; sh.getoptsLast = optind - 1;
      if (silent) { sh.setVar(name, ':'); sh.setVar('OPTARG', c); }
      else { sh.error(`option requires an argument -- ${c}`); sh.setVar(name, '?'); sh.vars.unset('OPTARG'); }
      return 0;
    }
    sh.setVar('OPTARG', val);
  } else {
    finishArg();
    sh.vars.unset('OPTARG');
  }
  sh.setVar(name, c);
  sh.setVar('OPTIND', String(optind));
  sh.getoptsSub = sub;
  sh.getoptsLast = optind;
  return 0;
});

// ---- misc ---------------------------------------------------------------------------------------------

def('umask', (sh, argv) => {
  const fs = sh.w.fs;
  const sym = argv.includes('-S');
  const p = argv.includes('-p');
  const val = argv.slice(1).find((a) => !a.startsWith('-'));
  if (val === undefined) {
    const m = fs.umask;
    if (sym) {
      const r = (bits: number) => (bits & 4 ? 'r' : '') + (bits & 2 ? 'w' : '') + (bits & 1 ? 'x' : '');
      const a = ~m & 0o777;
      sh.out(`u=${r(a >> 6)},g=${r((a >> 3) & 7)},o=${r(a & 7)}\n`);
    } else sh.out(`${p ? 'umask ' : ''}${m.toString(8).padStart(4, '0')}\n`);
    return 0;
  }
  if (/^[0-7]+$/.test(val)) { fs.umask = parseInt(val, 8) & 0o777; return 0; }
  // symbolic: u=rwx,g=rx,o=
  let mask = ~fs.umask & 0o777;
  for (const clause of val.split(',')) {
    const m = /^([ugoa]*)([=+-])([rwx]*)$/.exec(clause);
    if (!m) { err(sh, 'umask', `\`${clause.slice(-1)}': invalid symbolic mode operator`); return 1; }
    const who = m[1] || 'a';
    let bits = 0;
    for (const c of m[3]) bits |= c === 'r' ? 4 : c === 'w' ? 2 : 1;
    for (const w of who === 'a' ? 'ugo' : who) {
      const sh8 = w === 'u' ? 6 : w === 'g' ? 3 : 0;
      if (m[2] === '=') mask = (mask & ~(7 << sh8)) | (bits << sh8);
      else if (m[2] === '+') mask |= bits << sh8;
      else mask &= ~(bits << sh8);
    }
  }
  fs.umask = ~mask & 0o777;
  return 0;
});

def('times', (sh) => {
  sh.out('0m0.000s 0m0.000s\n0m0.000s 0m0.000s\n');
  return 0;
});

def('ulimit', (sh, argv) => {
  if (argv.includes('-a')) {
    sh.out([
      'core file size          (blocks, -c) unlimited', 'data seg size           (kbytes, -d) unlimited',
      'scheduling priority             (-e) 0', 'file size               (blocks, -f) unlimited',
      'pending signals                 (-i) 30446', 'max locked memory       (kbytes, -l) 64',
      'max memory size         (kbytes, -m) unlimited', 'open files                      (-n) 1024',
      'pipe size            (512 bytes, -p) 8', 'POSIX message queues     (bytes, -q) 819200',
      'real-time priority              (-r) 0', 'stack size              (kbytes, -s) 8192',
      'cpu time               (seconds, -t) unlimited', 'max user processes              (-u) 30446',
      'virtual memory          (kbytes, -v) unlimited', 'file locks                      (-x) unlimited',
    ].join('\n') + '\n');
    return 0;
  }
  sh.out(argv.includes('-n') ? '1024\n' : argv.includes('-u') ? '30446\n' : 'unlimited\n');
  return 0;
});

def('history', (sh, argv) => {
  const args = argv.slice(1);
  if (args[0] === '-c') { sh.history.length = 0; return 0; }
  if (args[0] === '-d') {
    if (args[1] === undefined) {
      err(sh, 'history', '-d: option requires an argument');
      sh.errOut('history: usage: history [-c] [-d offset] [n] or history -anrw [filename] or history -ps arg [arg...]\n');
      return 2;
    }
    const n = Number(args[1]);
    if (!Number.isInteger(n) || n < 1 || n > sh.history.length) { err(sh, 'history', `${args[1]}: history position out of range`); return 1; }
    sh.history.splice(n - 1, 1);
    return 0;
  }
  if (args[0] === '-s') { sh.history.push(args.slice(1).join(' ')); return 0; }
  if (args[0] !== undefined && !/^[0-9]+$/.test(args[0])) { err(sh, 'history', `${args[0]}: numeric argument required`); return 1; }
  const n = args[0] !== undefined ? Number(args[0]) : sh.history.length;
  const start = Math.max(0, sh.history.length - n);
  for (let i = start; i < sh.history.length; i++) sh.out(`${String(i + 1).padStart(5)}  ${sh.history[i]}\n`);
  return 0;
});

def(['complete', 'compgen', 'compopt', 'bind', 'enable', 'suspend', 'caller'], () => 0);

def('help', (sh, argv) => {
  if (argv[1]) {
    const n = argv[1];
    const h = HELP[n];
    if (!h) { err(sh, 'help', `no help topics match \`${n}'.  Try \`help help' or \`man -k ${n}' or \`info ${n}'.`); return 1; }
    sh.out(`${n}: ${h}\n`);
    return 0;
  }
  sh.out(`GNU bash, version 5.1.8(1)-release (x86_64-redhat-linux-gnu)
These shell commands are defined internally.  Type \`help' to see this list.
Type \`help name' to find out more about the function \`name'.

${Object.entries(HELP).map(([k, v]) => ` ${k} ${v}`.slice(0, 79)).join('\n')}
`);
  return 0;
});

const HELP: Record<string, string> = {
  alias: 'alias [-p] [name[=value] ... ]', bg: 'bg [job_spec ...]', break: 'break [n]', builtin: 'builtin [shell-builtin [arg ...]]',
  cd: 'cd [-L|[-P [-e]] [-@]] [dir]', command: 'command [-pVv] command [arg ...]', continue: 'continue [n]',
  declare: 'declare [-aAfFgiIlnrtux] [-p] [name[=value] ...]', echo: 'echo [-neE] [arg ...]', eval: 'eval [arg ...]',
  exec: 'exec [-cl] [-a name] [command [argument ...]] [redirection ...]', exit: 'exit [n]',
  export: 'export [-fn] [name[=value] ...] or export -p', false: 'false', fg: 'fg [job_spec]',
  getopts: 'getopts optstring name [arg ...]', hash: 'hash [-lr] [-p pathname] [-dt] [name ...]', help: 'help [-dms] [pattern ...]',
  history: 'history [-c] [-d offset] [n] or history -anrw [filename] or history -ps arg [arg...]',
  jobs: 'jobs [-lnprs] [jobspec ...] or jobs -x command [args]', kill: 'kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]',
  let: 'let arg [arg ...]', local: 'local [option] name[=value] ...', logout: 'logout [n]', mapfile: 'mapfile [-d delim] [-n count] [-O origin] [-s count] [-t] [-u fd] [-C callback] [-c quantum] [array]',
  popd: 'popd [-n] [+N | -N]', printf: 'printf [-v var] format [arguments]', pushd: 'pushd [-n] [+N | -N | dir]', pwd: 'pwd [-LP]',
  read: 'read [-ers] [-a array] [-d delim] [-i text] [-n nchars] [-N nchars] [-p prompt] [-t timeout] [-u fd] [name ...]',
  readonly: 'readonly [-aAf] [name[=value] ...] or readonly -p', return: 'return [n]',
  set: 'set [-abefhkmnptuvxBCHP] [-o option-name] [--] [arg ...]', shift: 'shift [n]', shopt: 'shopt [-pqsu] [-o] [optname ...]',
  source: 'source filename [arguments]', test: 'test [expr]', times: 'times', trap: 'trap [-lp] [[arg] signal_spec ...]',
  true: 'true', type: 'type [-afptP] name [name ...]', typeset: 'typeset [-aAfFgiIlnrtux] [-p] name[=value] ...',
  ulimit: 'ulimit [-SHabcdefiklmnpqrstuvxPT] [limit]', umask: 'umask [-p] [-S] [mode]', unalias: 'unalias [-a] name [name ...]',
  unset: 'unset [-f] [-v] [-n] [name ...]', wait: 'wait [-fn] [-p var] [id ...]',
};

/** `which` as on RHEL 9 (GNU which 2.21, without the alias/function reading bash's alias adds). */
export function whichOutput(sh: Interp, args: string[], _reg?: CommandRegistry): { out: string; err: string; status: number } {
  let out = '';
  let errs = '';
  let st = 0;
  const all = args.includes('-a');
  for (const name of args.filter((a) => !a.startsWith('-'))) {
    if (name.includes('/')) {
      const r = sh.resolveCommand(name);
      if ('err' in r) { errs += `which: no ${name.slice(name.lastIndexOf('/') + 1)} in (${name.slice(0, name.lastIndexOf('/')) || '/'})\n`; st = 1; } else out += name + '\n';
      continue;
    }
    const paths = all ? allPaths(sh, name) : (() => { const e = sh.lookupPath(name); return e ? [e.path] : []; })();
    if (!paths.length) { errs += `/usr/bin/which: no ${name} in (${sh.special('PATH') ?? ''})\n`; st = 1; continue; }
    for (const p of paths) out += p + '\n';
  }
  return { out, err: errs, status: st };
}

export { ArithError, AbortEx, matchPattern, arrayKeys, arrayValues, scalarOf };
