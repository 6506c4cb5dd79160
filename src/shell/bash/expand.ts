/**
 * Word expansion, in bash's order: brace expansion, then (left to right) tilde, parameter,
 * command and arithmetic expansion, then word splitting, pathname expansion and quote removal.
 *
 * An expanded word is built as a string in which quoted characters carry a CTLESC marker
 * (so globbing and pattern matching treat them literally) plus the list of "regions" that
 * came from unquoted expansions — only those are split on IFS. The splitting follows dash's
 * ifsbreakup(), which matches bash: IFS whitespace collapses and is trimmed, each
 * non-whitespace IFS character delimits a field. `"$@"` and `${a[@]}` end fields inside
 * double quotes ("hard breaks"); an empty `"$@"` leaves no field at all.
 */
import type { ParamPart, Word, WordPart } from './ast.ts';
import type { Run } from './control.ts';
import type { Interp } from './exec.ts';
import { CTLESC, globPaths, hasGlob, quotePattern, removePrefix, removeSuffix, replacePattern, stripCtl } from './pattern.ts';
import { Attr, arrayKeys, arrayValues } from './vars.ts';

// ---- brace expansion -------------------------------------------------------------------------

type Item = string | WordPart; // a single unquoted literal character, or an opaque part

function toItems(w: Word): Item[] {
  const items: Item[] = [];
  for (const p of w.parts) {
    if (p.t === 'lit') for (const c of p.s) items.push(c);
    else items.push(p);
  }
  return items;
}

function fromItems(items: Item[]): Word {
  const parts: WordPart[] = [];
  let lit = '';
  for (const it of items) {
    if (typeof it === 'string') lit += it;
    else {
      if (lit) { parts.push({ t: 'lit', s: lit }); lit = ''; }
      parts.push(it);
    }
  }
  if (lit) parts.push({ t: 'lit', s: lit });
  return { parts, text: '' };
}

const SEQ_RE = /^(?:(-?[0-9]+)\.\.(-?[0-9]+)(?:\.\.(-?[0-9]+))?|([A-Za-z])\.\.([A-Za-z])(?:\.\.(-?[0-9]+))?)$/;

function braceAlternatives(inner: Item[]): Item[][] | null {
  // Comma alternatives at depth 0
  const alts: Item[][] = [];
  let depth = 0;
  let cur: Item[] = [];
  let sawComma = false;
  for (const it of inner) {
    if (it === '{') depth++;
    else if (it === '}') depth--;
    if (it === ',' && depth === 0) { alts.push(cur); cur = []; sawComma = true; continue; }
    cur.push(it);
  }
  alts.push(cur);
  if (sawComma) return alts;
  if (inner.some((x) => typeof x !== 'string')) return null;
  const m = SEQ_RE.exec((inner as string[]).join(''));
  if (!m) return null;
  const out: string[] = [];
  if (m[1] !== undefined) {
    const a = parseInt(m[1], 10), b = parseInt(m[2], 10);
    let step = Math.abs(m[3] ? parseInt(m[3], 10) : 1) || 1;
    const width = (/^-?0[0-9]/.test(m[1]) || /^-?0[0-9]/.test(m[2])) ? Math.max(m[1].length, m[2].length) : 0;
    const n = Math.floor(Math.abs(b - a) / step) + 1;
    if (n > 10_000_000) return null;
    if (a > b) step = -step;
    for (let i = 0, v = a; i < n; i++, v += step) {
      let s = String(Math.abs(v));
      if (width) s = s.padStart(v < 0 ? width - 1 : width, '0');
      out.push(v < 0 ? '-' + s : s);
    }
  } else {
    const a = m[4].charCodeAt(0), b = m[5].charCodeAt(0);
    let step = Math.abs(m[6] ? parseInt(m[6], 10) : 1) || 1;
    if (a > b) step = -step;
    for (let v = a; step > 0 ? v <= b : v >= b; v += step) out.push(String.fromCharCode(v));
  }
  return out.map((s) => [...s]);
}

function expandBraceItems(items: Item[], out: Item[][]): void {
  for (let i = 0; i < items.length; i++) {
    if (items[i] !== '{') continue;
    // find the matching close
    let depth = 0;
    let j = i + 1;
    for (; j < items.length; j++) {
      if (items[j] === '{') depth++;
      else if (items[j] === '}') { if (depth === 0) break; depth--; }
    }
    if (j >= items.length) return void out.push(items);
    const alts = braceAlternatives(items.slice(i + 1, j));
    if (!alts) continue;
    const prefix = items.slice(0, i);
    const suffix = items.slice(j + 1);
    const simple = !suffix.includes('{');
    for (const a of alts) {
      const combined = prefix.length || suffix.length ? prefix.concat(a, suffix) : a;
      if (simple && !a.includes('{')) out.push(combined); else expandBraceItems(combined, out);
    }
    return;
  }
  out.push(items);
}

/** Brace-expand a word (cached on the word). */
export function braceExpand(w: Word): Word[] {
  if (w.braced !== undefined) return w.braced ?? [w];
  if (!w.parts.some((p) => p.t === 'lit' && p.s.includes('{'))) {
    w.braced = null;
    return [w];
  }
  if (w.parts.length === 1 && w.parts[0].t === 'lit') {
    // Fast path: plain text, expanded as strings ({1..10000} in a for loop).
    const strs: string[] = [];
    const chars = [...w.parts[0].s];
    const outItems: Item[][] = [];
    expandBraceItems(chars, outItems);
    if (outItems.length === 1 && outItems[0] === chars) { w.braced = null; return [w]; }
    for (const it of outItems) strs.push((it as string[]).join(''));
    // An empty alternative leaves no word at all (`echo {,a}` prints `a`).
    w.braced = strs.map((x) => (x === '' || /[*?[{~]/.test(x) ? { parts: x ? [{ t: 'lit', s: x }] : [], text: x } : { parts: [{ t: 'lit', s: x }], text: x, plain: x }));
    return w.braced;
  }
  const out: Item[][] = [];
  const items = toItems(w);
  expandBraceItems(items, out);
  if (out.length === 1 && out[0] === items) { w.braced = null; return [w]; }
  w.braced = out.map(fromItems);
  return w.braced;
}

// ---- field building ------------------------------------------------------------------------

const QUOTE_SPECIAL = /[*?[\]\\\uE000]/;

function quoteText(s: string): string {
  return QUOTE_SPECIAL.test(s) ? quotePattern(s) : s;
}

function escCtl(s: string): string {
  return s.includes(CTLESC) ? s.replace(/\uE000/g, CTLESC + CTLESC) : s;
}

interface Field { s: string; regions: number[] | null; qmarks: number[] | null }

class Fields {
  readonly done: Field[] = [];
  s = '';
  regions: number[] | null = null;
  qmarks: number[] | null = null;
  /** Some part produced a field (even an empty quoted one). */
  any = false;

  lit(t: string): void { this.s += escCtl(t); this.any = true; }
  quoted(t: string): void {
    (this.qmarks ??= []).push(this.s.length);
    this.s += quoteText(t);
    this.any = true;
  }
  exp(t: string): void {
    const start = this.s.length;
    this.s += escCtl(t);
    (this.regions ??= []).push(start, this.s.length);
    this.any = true;
  }
  /** End the current field ("$@" between elements); `keep`: keep it even when empty. */
  hardBreak(keep: boolean): void {
    this.done.push({ s: this.s, regions: this.regions, qmarks: keep ? this.qmarks ?? [this.s.length] : this.qmarks });
    this.s = '';
    this.regions = null;
    this.qmarks = keep ? [0] : null;
  }
  finish(): Field[] {
    if (this.any || this.done.length) this.done.push({ s: this.s, regions: this.regions, qmarks: this.qmarks });
    return this.done;
  }
}

function isIfsWs(c: string): boolean { return c === ' ' || c === '\t' || c === '\n'; }

function hasQ(q: number[] | null, a: number, b: number): boolean {
  if (!q) return false;
  for (const x of q) if (x >= a && x <= b) return true;
  return false;
}

/**
 * Limits of one expansion, where a real shell would have run out of memory long before a
 * browser tab does: the characters of a word (`x=$x$x` in a loop) and the number of fields
 * (`a+=("${a[@]}")` in a loop). Past them, bash's xmalloc failure ends the command line.
 * `echo $(yes | head -c 10000000)` (5 million fields) still works.
 */
export const MAX_WORD = 32 * 1024 * 1024;
export const MAX_FIELDS = 6_000_000;
/** Fields of one "$@" / "${a[@]}" (each costs far more than a split word). */
export const MAX_LIST_FIELDS = 1_000_000;

/** Characters built so far; more than BIG_FIELD of them is worth a tick. */
function checkSize(sh: Interp, fb: Fields): number {
  let n = fb.s.length;
  for (const f of fb.done) n += f.s.length;
  if (n > MAX_WORD) sh.expError(`xrealloc: cannot allocate ${n + 1} bytes`, true);
  return n;
}

/** Fields longer than this are split in slices, with a tick between them (`echo $(cat 10MB)`). */
const BIG_FIELD = 1 << 18;

/** The whole field is one unquoted expansion and IFS is the default (blank runs delimit). */
function isWholeDefaultSplit(f: Field, ifs: string): boolean {
  const rg = f.regions;
  return ifs === ' \t\n' && !f.qmarks && !!rg && rg.length === 2 && rg[0] === 0 && rg[1] === f.s.length && !f.s.includes(CTLESC);
}

/**
 * splitField for a huge field of that kind: the same fields, a slice at a time (cut at a
 * blank), yielding between slices so that Ctrl-C and the other terminals get in.
 */
function* splitBig(sh: Interp, s: string, out: string[]): Run<void> {
  const blank = /[ \t\n]+/;
  for (let i = 0; i < s.length;) {
    let j = Math.min(s.length, i + BIG_FIELD);
    while (j < s.length && !isIfsWs(s[j])) j++;
    for (const x of s.slice(i, j).split(blank)) if (x !== '') out.push(x);
    i = j;
    yield* sh.tick();
  }
}

/** Split one field on IFS within its regions (dash's ifsbreakup). */
function splitField(f: Field, ifs: string, out: string[]): void {
  const s = f.s;
  if (!f.regions || ifs === '') {
    if (s !== '' || f.qmarks) out.push(s);
    return;
  }
  const rg = f.regions;
  let start = 0;
  for (let r = 0; r < rg.length; r += 2) {
    let p = Math.max(rg[r], start);
    const end = rg[r + 1];
    while (p < end) {
      const c = s[p];
      if (c === CTLESC) { p += 2; continue; }
      if (!ifs.includes(c)) { p++; continue; }
      let ifsspc = isIfsWs(c);
      if (p === start && ifsspc && !hasQ(f.qmarks, start, p)) { p++; start = p; continue; }
      out.push(s.slice(start, p));
      p++;
      while (p < end) {
        const d = s[p];
        if (!ifs.includes(d)) break;
        if (!isIfsWs(d)) {
          if (ifsspc) { p++; ifsspc = false; } else break;
        } else p++;
      }
      start = p;
    }
  }
  if (start < s.length || hasQ(f.qmarks, start, s.length)) out.push(s.slice(start));
}

// ---- the expander --------------------------------------------------------------------------

type PV = { multi: false; v: string | undefined } | { multi: true; vs: string[]; star: boolean };

/** Expand words into fields (brace, all expansions, splitting, globbing, quote removal). */
export function* expandWords(sh: Interp, words: readonly Word[]): Run<string[]> {
  const out: string[] = [];
  for (const w0 of words) {
    if (w0.plain !== undefined) { out.push(w0.plain); continue; }
    if (w0.array) { out.push(yield* arrayWordText(sh, w0)); continue; }
    for (const w of braceExpand(w0)) {
      if (w.plain !== undefined) { out.push(w.plain); continue; }
      const fb = new Fields();
      yield* addParts(sh, fb, w.parts, false, 'word');
      if (checkSize(sh, fb) > BIG_FIELD || fb.done.length > 16384) yield* sh.tick();
      const raw: string[] = [];
      const ifs = sh.ifs();
      for (const f of fb.finish()) {
        if (f.s.length > BIG_FIELD && isWholeDefaultSplit(f, ifs)) yield* splitBig(sh, f.s, raw);
        else splitField(f, ifs, raw);
      }
      let n = 0;
      for (const r of raw) {
        globOrStrip(sh, r, out);
        if (++n % 16384 === 0) yield* sh.tick();
      }
      if (out.length > MAX_FIELDS) sh.expError(`xrealloc: cannot allocate ${out.length * 8} bytes`, true);
    }
  }
  return out;
}

/** `name=(a b [k]=v)` as an argument (declare, local, readonly): expanded, re-quoted for the builtin. */
function* arrayWordText(sh: Interp, w: Word): Run<string> {
  const head = yield* expandString(sh, { parts: w.parts, text: '' });
  const q = (s: string) => '"' + s.replace(/(["\\$`])/g, '\\$1') + '"';
  const els: string[] = [];
  for (const el of w.array!) {
    const kv = /^\[([^\]]*)\]=/.exec(el.text);
    if (kv) {
      const v = yield* expandString(sh, { parts: el.parts, text: el.text });
      const m = /^\[([^\]]*)\]=([^]*)$/.exec(v);
      els.push(m ? `[${m[1]}]=${q(m[2])}` : q(v));
      continue;
    }
    for (const f of yield* expandWords(sh, [el])) els.push(q(f));
  }
  return `${head}(${els.join(' ')})`;
}

function globOrStrip(sh: Interp, r: string, out: string[]): void {
  if (!sh.opts.noglob && hasGlob(r)) {
    const m = globPaths(sh.w.fs, sh.cwd, r);
    if (m) { for (const x of m) out.push(x); return; }
    if (sh.opts.nullglob) return;
  }
  out.push(stripCtl(r));
}

/** Expand a word to a single string: no splitting, no globbing (assignments, case, [[ ]], here-strings). */
export function* expandString(sh: Interp, w: Word, assign = false): Run<string> {
  if (w.plain !== undefined && !(assign && w.plain.includes('~'))) return w.plain;
  const fb = new Fields();
  yield* addParts(sh, fb, w.parts, false, assign ? 'assign' : 'string');
  if (checkSize(sh, fb) > BIG_FIELD || fb.done.length > 16384) yield* sh.tick();
  const fs = fb.finish();
  if (fs.length === 1) return stripCtl(fs[0].s);
  return fs.map((f) => stripCtl(f.s)).join(' ');
}

/** Expand a word as a pattern: quoted characters are marked literal (CTLESC). */
export function* expandPattern(sh: Interp, w: Word): Run<string> {
  if (w.plain !== undefined) return w.plain.includes('\\') ? w.plain.replace(/\\/g, CTLESC + '\\') : w.plain;
  const fb = new Fields();
  yield* addParts(sh, fb, w.parts, false, 'pattern');
  return fb.finish().map((f) => f.s).join(' ');
}

/** Expand a here-document body (already parsed as double-quoted text). */
export function* expandHeredoc(sh: Interp, w: Word): Run<string> {
  return yield* expandString(sh, w);
}

/** Expand an arithmetic expression's text (for $((...)), ((...)), subscripts). */
export function* expandArithText(sh: Interp, w: Word): Run<string> {
  if (w.plain !== undefined) return w.plain;
  const fb = new Fields();
  yield* addParts(sh, fb, w.parts, true, 'string');
  return fb.finish().map((f) => stripCtl(f.s)).join(' ');
}

/** word: split+glob; string: one string, all quoted; pattern: one string, unquoted expansions stay patterns. */
type Mode = 'word' | 'string' | 'assign' | 'arg' | 'pattern';

function* addParts(sh: Interp, fb: Fields, parts: readonly WordPart[], inDq: boolean, mode: Mode): Run<void> {
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    switch (p.t) {
      case 'lit': {
        let s = p.s;
        if (inDq) { fb.quoted(s); break; }
        if (i === 0 && s[0] === '~' && (mode === 'word' || mode === 'assign' || mode === 'arg')) {
          const slash = s.indexOf('/');
          if (slash >= 0 || parts.length === 1) {
            const user = s.slice(1, slash < 0 ? s.length : slash);
            const home = sh.tildeDir(user);
            if (home !== undefined) { fb.quoted(home); s = slash < 0 ? '' : s.slice(slash); }
          }
        }
        if (mode === 'assign' && s.includes(':~')) s = s.replace(/:~([^:/]*)/g, (m, u: string) => { const h = sh.tildeDir(u); return h === undefined ? m : ':' + h; });
        if (mode === 'arg') fb.exp(s);
        else if (s) fb.lit(s);
        else fb.any = true;
        break;
      }
      case 'sq':
        fb.quoted(p.s);
        break;
      case 'dq': {
        if (p.parts.length === 0) { fb.quoted(''); break; }
        const only = p.parts.length === 1 && p.parts[0].t === 'param' ? p.parts[0] : null;
        if (!(only && isAtLike(only))) fb.quoted('');
        yield* addParts(sh, fb, p.parts, true, mode === 'arg' || mode === 'pattern' ? 'string' : mode);
        break;
      }
      case 'param':
        yield* addParam(sh, fb, p, inDq, mode);
        break;
      case 'cmd': {
        const out = yield* sh.commandSubst(p);
        if (inDq || mode === 'string' || mode === 'assign') fb.quoted(out); else fb.exp(out);
        break;
      }
      case 'procsubst': {
        const path = yield* sh.procSubst(p);
        fb.quoted(path);
        break;
      }
      case 'arith': {
        const text = yield* expandArithText(sh, p.src);
        const v = sh.arith(text).toString();
        if (inDq || mode !== 'word' && mode !== 'arg') fb.quoted(v); else fb.exp(v);
        break;
      }
    }
  }
}

function isAtLike(p: ParamPart): boolean {
  if (p.length || p.op !== '' && p.op !== '@') return false;
  if (p.name === '@') return true;
  return !!p.index && p.index.text.trim() === '@';
}

function* emit(fb: Fields, pv: PV, inDq: boolean, mode: Mode, sh: Interp): Run<void> {
  const quotedCtx = inDq || mode === 'string' || mode === 'assign';
  if (!pv.multi) {
    const v = pv.v ?? '';
    if (quotedCtx) fb.quoted(v); else fb.exp(v);
    return;
  }
  const vs = pv.vs;
  if (pv.star && (inDq || mode !== 'word' && mode !== 'arg')) {
    const ifs = sh.ifs();
    const sep = mode === 'word' || inDq ? ifs.slice(0, 1) : ' ';
    if (quotedCtx) fb.quoted(vs.join(sep)); else fb.exp(vs.join(sep));
    return;
  }
  if (mode === 'string' || mode === 'assign' || mode === 'pattern') {
    if (quotedCtx) fb.quoted(vs.join(' ')); else fb.exp(vs.join(' '));
    return;
  }
  if (fb.done.length + vs.length > MAX_LIST_FIELDS) sh.expError(`xrealloc: cannot allocate ${(fb.done.length + vs.length) * 8} bytes`, true);
  for (let i = 0; i < vs.length; i++) {
    if (i > 0) fb.hardBreak(inDq);
    if (inDq) fb.quoted(vs[i]); else fb.exp(vs[i]);
    if ((i & 16383) === 16383) yield* sh.tick();
  }
}

/** The value(s) a parameter reference names, before any operator. */
function* paramValue(sh: Interp, p: ParamPart, name = p.name, index = p.index): Run<PV> {
  if (index) {
    const it = index.text.trim();
    if (name === 'FUNCNAME' && !sh.vars.lookup(name)) {
      const fns = sh.funcNames();
      if (it === '@' || it === '*') return { multi: true, vs: fns, star: it === '*' };
      const n = Number(sh.arith(yield* expandArithText(sh, index)));
      return { multi: false, v: fns[n < 0 ? fns.length + n : n] };
    }
    if (it === '@' || it === '*') {
      const v = sh.vars.lookup(name);
      return { multi: true, vs: arrayValues(v), star: it === '*' };
    }
    const v = sh.vars.lookup(name);
    if (v && v.attrs & Attr.ASSOC) {
      const key = yield* expandString(sh, index);
      const m = v.value instanceof Map ? v.value : undefined;
      return { multi: false, v: m?.get(key) };
    }
    const n = Number(sh.arith(yield* expandArithText(sh, index)));
    if (!v || v.value === undefined) return { multi: false, v: undefined };
    const val = v.value;
    if (typeof val === 'string') return { multi: false, v: n === 0 || n === -1 ? val : undefined };
    if (Array.isArray(val)) {
      let i = n;
      if (i < 0) {
        i += val.length;
        if (i < 0) { sh.expError(`${name}[${n}]: bad array subscript`, false); }
      }
      return { multi: false, v: val[i] };
    }
    return { multi: false, v: val.get(String(n)) };
  }
  switch (name) {
    case '@': return { multi: true, vs: sh.pos.slice(), star: false };
    case '*': return { multi: true, vs: sh.pos.slice(), star: true };
    default: return { multi: false, v: sh.special(name) };
  }
}

function* addParam(sh: Interp, fb: Fields, p: ParamPart, inDq: boolean, mode: Mode): Run<void> {
  if (p.bad) sh.expError(`${p.raw}: bad substitution`, false);
  // Fast path: $x / ${x}
  if (p.op === '' && !p.index && !p.length && !p.indirect && p.name !== '@' && p.name !== '*') {
    const v = sh.special(p.name);
    if (v === undefined && sh.opts.nounset) sh.unbound(/^[0-9]/.test(p.name) ? '$' + p.name : p.name);
    yield* emit(fb, { multi: false, v }, inDq, mode, sh);
    return;
  }
  let pv: PV;
  if (p.indirect) {
    if (p.op === '@' && p.arg && !p.index) {
      // ${!prefix*} / ${!prefix@}
      const names = sh.vars.all().map(([n]) => n).filter((n) => n.startsWith(p.name));
      pv = { multi: true, vs: names, star: p.arg.text === '*' };
      yield* emit(fb, pv, inDq, mode, sh);
      return;
    }
    if (p.index && (p.index.text.trim() === '@' || p.index.text.trim() === '*')) {
      pv = { multi: true, vs: arrayKeys(sh.vars.lookup(p.name)), star: p.index.text.trim() === '*' };
    } else {
      const ref = (yield* paramValue(sh, p)) as { multi: false; v: string | undefined };
      const target = ref.multi ? '' : ref.v ?? '';
      if (ref.v === undefined && sh.opts.nounset) sh.unbound(p.name);
      if (ref.v === undefined && (p.op === '' || p.op === '#' || p.op === '%')) sh.expError(`${p.name}: invalid indirect expansion`, false);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[(.*)\])?$|^([0-9]+|[@*#?$!\-])$/.exec(target);
      if (!m) {
        if (target === '' && !p.op) { pv = { multi: false, v: undefined }; }
        else sh.expError(`${target}: invalid indirect expansion`, false);
      }
      if (m && m[3] !== undefined) pv = yield* paramValue(sh, p, m[3], undefined);
      else if (m) pv = yield* paramValue(sh, p, m[1], m[2] !== undefined ? { parts: [{ t: 'lit', s: m[2] }], text: m[2] } : undefined);
      else pv = { multi: false, v: undefined };
    }
  } else {
    pv = yield* paramValue(sh, p);
  }

  if (p.length) {
    if (pv.multi) { yield* emit(fb, { multi: false, v: String(pv.vs.length) }, inDq, mode, sh); return; }
    if (pv.v === undefined && sh.opts.nounset) sh.unbound(p.name);
    yield* emit(fb, { multi: false, v: String(strlen(pv.v ?? '')) }, inDq, mode, sh);
    return;
  }

  const op = p.op;
  const isUnset = pv.multi ? pv.vs.length === 0 : pv.v === undefined;
  const isNull = isUnset || (pv.multi ? pv.vs.length === 1 && pv.vs[0] === '' || pv.vs.every((x) => x === '') : pv.v === '');
  switch (op) {
    case '': case '@': case '#': case '##': case '%': case '%%': case '/': case '//': case '/#': case '/%':
    case ':': case '^': case '^^': case ',': case ',,': case '~': case '~~':
      if (isUnset && sh.opts.nounset && !pv.multi) {
        sh.unbound(p.index ? `${p.name}[${p.index.text}]` : p.name.match(/^[0-9]+$/) ? `$${p.name}` : p.name);
      }
      break;
  }
  switch (op) {
    case '':
      yield* emit(fb, pv, inDq, mode, sh);
      return;
    case '-': case ':-': {
      if (op === '-' ? isUnset : isNull) { yield* addParts(sh, fb, p.arg!.parts, inDq, mode === 'word' || mode === 'pattern' ? 'arg' : mode); return; }
      yield* emit(fb, pv, inDq, mode, sh);
      return;
    }
    case '+': case ':+': {
      if (!(op === '+' ? isUnset : isNull)) yield* addParts(sh, fb, p.arg!.parts, inDq, mode === 'word' || mode === 'pattern' ? 'arg' : mode);
      else if (inDq) fb.quoted('');
      return;
    }
    case '=': case ':=': {
      if (op === '=' ? isUnset : isNull) {
        const v = yield* expandString(sh, p.arg!, true);
        if (p.indirect || !/^[A-Za-z_]/.test(p.name)) sh.expError(`$${p.name}: cannot assign in this way`, false);
        sh.assignFromExpansion(p.name, v, p.index);
        yield* emit(fb, { multi: false, v }, inDq, mode, sh);
        return;
      }
      yield* emit(fb, pv, inDq, mode, sh);
      return;
    }
    case '?': case ':?': {
      if (op === '?' ? isUnset : isNull) {
        const msg = p.arg && p.arg.parts.length ? yield* expandString(sh, p.arg) : (op === '?' ? 'parameter not set' : 'parameter null or not set');
        const nm = /^[0-9]+$/.test(p.name) ? p.name : p.name;
        sh.expError(`${nm}: ${msg}`, true);
      }
      yield* emit(fb, pv, inDq, mode, sh);
      return;
    }
    case '#': case '##': case '%': case '%%': {
      const pat = p.arg ? yield* expandPattern(sh, p.arg) : '';
      const f = (s: string) => op[0] === '#' ? removePrefix(s, pat, op === '##') : removeSuffix(s, pat, op === '%%');
      yield* emit(fb, mapPV(pv, f), inDq, mode, sh);
      return;
    }
    case '/': case '//': case '/#': case '/%': {
      const pat = p.arg ? yield* expandPattern(sh, p.arg) : '';
      const rep = p.arg2 ? yield* expandString(sh, p.arg2) : '';
      yield* emit(fb, mapPV(pv, (s) => replacePattern(s, pat, rep, op)), inDq, mode, sh);
      return;
    }
    case ':': {
      const offText = yield* expandArithText(sh, p.arg!);
      const off = Number(sh.arith(offText));
      let len: number | undefined;
      if (p.arg2) len = Number(sh.arith(yield* expandArithText(sh, p.arg2)));
      if (pv.multi) {
        let vs = pv.vs;
        let o = off;
        if (p.name === '@' || p.name === '*') {
          vs = [sh.arg0, ...vs];
          if (o < 0) o += vs.length;
          else if (o === 0) o = 0;
        } else if (o < 0) o += vs.length;
        if (o < 0 || o > vs.length) { yield* emit(fb, { multi: true, vs: [], star: pv.star }, inDq, mode, sh); return; }
        if (len !== undefined && len < 0) sh.expError(`${len}: substring expression < 0`, false);
        const res = len === undefined ? vs.slice(o) : vs.slice(o, o + len);
        yield* emit(fb, { multi: true, vs: res, star: pv.star }, inDq, mode, sh);
        return;
      }
      const s = pv.v ?? '';
      const chars = [...s];
      let o = off < 0 ? chars.length + off : off;
      if (o < 0 || o > chars.length) { yield* emit(fb, { multi: false, v: '' }, inDq, mode, sh); return; }
      let e = chars.length;
      if (len !== undefined) {
        if (len < 0) {
          e = chars.length + len;
          if (e < o) sh.expError(`${len}: substring expression < 0`, false);
        } else e = Math.min(chars.length, o + len);
      }
      o = Math.max(0, o);
      yield* emit(fb, { multi: false, v: chars.slice(o, e).join('') }, inDq, mode, sh);
      return;
    }
    case '^': case '^^': case ',': case ',,': case '~': case '~~': {
      const all = op.length === 2;
      const conv = (c: string) => (op[0] === '^' ? c.toUpperCase() : op[0] === ',' ? c.toLowerCase()
        : c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase());
      const f = (s: string) => {
        if (!s) return s;
        if (all) return op[0] === '~' ? [...s].map(conv).join('') : conv(s);
        return conv(s[0]) + s.slice(1);
      };
      yield* emit(fb, mapPV(pv, f), inDq, mode, sh);
      return;
    }
    case '@': {
      const t = p.arg?.text ?? '';
      let f: (s: string) => string;
      switch (t) {
        case 'Q': f = shellQuote; break;
        case 'E': f = (s) => decodeAnsi(s); break;
        case 'U': f = (s) => s.toUpperCase(); break;
        case 'L': f = (s) => s.toLowerCase(); break;
        case 'u': f = (s) => s ? s[0].toUpperCase() + s.slice(1) : s; break;
        case 'P': f = (s) => sh.expandPrompt(s); break;
        case 'A': f = (s) => `${p.name}=${shellQuote(s)}`; break;
        case 'a': f = () => sh.attrFlags(p.name); break;
        default: sh.expError(`${p.raw ?? '${' + p.name + '@' + t + '}'}: bad substitution`, false);
      }
      if (isUnset && !pv.multi) { yield* emit(fb, pv, inDq, mode, sh); return; }
      yield* emit(fb, mapPV(pv, f), inDq, mode, sh);
      return;
    }
  }
}

function mapPV(pv: PV, f: (s: string) => string): PV {
  if (pv.multi) return { multi: true, vs: pv.vs.map(f), star: pv.star };
  return { multi: false, v: pv.v === undefined ? undefined : f(pv.v) };
}

/** Length in characters (code points), as bash counts in a UTF-8 locale. */
export function strlen(s: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0xd800) return [...s].length;
  }
  return s.length;
}

/** Quote a string for reuse as shell input, as ${x@Q} and `printf %q`-like users do. */
export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (/[\x00-\x1f\x7f]/.test(s)) {
    return "$'" + s.replace(/[\\']/g, (c) => '\\' + c).replace(/[\x00-\x1f\x7f]/g, (c) => {
      const m: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\x1b': '\\E', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\v': '\\v' };
      return m[c] ?? '\\' + c.charCodeAt(0).toString(8).padStart(3, '0');
    }) + "'";
  }
  return "'" + s.replace(/'/g, "'\\''") + "'";
}

function decodeAnsi(s: string): string {
  return s.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (m, c: string) => {
    if (c[0] === 'x') return String.fromCharCode(parseInt(c.slice(1), 16));
    if (/^[0-7]/.test(c)) return String.fromCharCode(parseInt(c, 8));
    const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"' };
    return map[c] ?? m;
  });
}
