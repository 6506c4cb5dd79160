/**
 * sort, uniq and comm (coreutils 8.32).
 *
 * sort: keys (-k F[.C][opts][,F[.C][opts]]) with GNU's field rules (without -t a field keeps
 * its leading blanks), -t, -n -g -h -V -M -f -d -i -b -r per key or global, -u, -s, -c/-C,
 * -o, -z, -m (same as sorting). Ties on every key fall back to comparing whole lines unless
 * -s or -u, as GNU does. Text compares in the locale's collation (en_US.UTF-8 by default,
 * byte order under LC_ALL=C; see collate.ts). Array.prototype.sort is stable, so -s holds.
 *
 * uniq: -c (`%7d `), -d, -D, -u, -i, -f, -s, -w; streams. comm: -1 -2 -3, order warnings.
 */
import { collatorFor } from './collate.ts';
import { ByteRng, defineCommand, errText, getopt, type Io, LineReader, lq, openSrc, passSignal, qf, readAll, type Src, stdinSrc } from './util.ts';

interface KeyOpts { b: boolean; d: boolean; f: boolean; g: boolean; i: boolean; M: boolean; h: boolean; n: boolean; R: boolean; r: boolean; V: boolean }
interface Key extends KeyOpts { sf: number; sc: number; ef: number; ec: number; eb: boolean }

const noOpts = (): KeyOpts => ({ b: false, d: false, f: false, g: false, i: false, M: false, h: false, n: false, R: false, r: false, V: false });
const hasOrdering = (k: KeyOpts): boolean => k.b || k.d || k.f || k.g || k.i || k.M || k.h || k.n || k.R || k.r || k.V;

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

function isBlank(c: string | undefined): boolean { return c === ' ' || c === '\t'; }

/** Parse one -k argument; returns an error message on failure. */
function parseKey(spec: string, io: Io): Key | string {
  const m = /^(\d+)(?:\.(\d+))?([bdfgiMhnRrV]*)(?:,(\d+)(?:\.(\d+))?([bdfgiMhnRrV]*))?$/.exec(spec);
  if (!m) {
    const bad = /^(\d*)/.exec(spec)![1];
    if (bad === '') return `invalid number at field start: invalid count at start of ${lq(io, spec)}`;
    if (/^\d+\./.test(spec)) return `invalid number after '.': invalid count at start of ${lq(io, spec.slice(spec.indexOf('.') + 1))}`;
    if (/^\d+(\.\d+)?[a-zA-Z]*,/.test(spec)) return `invalid number after ',': invalid count at start of ${lq(io, spec.slice(spec.indexOf(',') + 1))}`;
    return `stray character in field spec: invalid field specification ${lq(io, spec)}`;
  }
  const sf = Number(m[1]);
  if (sf === 0) return `field number is zero: invalid field specification ${lq(io, spec)}`;
  if (m[2] !== undefined && Number(m[2]) === 0) return `character offset is zero: invalid field specification ${lq(io, spec)}`;
  if (m[4] !== undefined && Number(m[4]) === 0) return `field number is zero: invalid field specification ${lq(io, spec)}`;
  const k: Key = { ...noOpts(), sf, sc: m[2] ? Number(m[2]) : 1, ef: m[4] ? Number(m[4]) : 0, ec: m[5] ? Number(m[5]) : 0, eb: false };
  for (const c of m[3] ?? '') (k as unknown as Record<string, boolean>)[c] = true;
  for (const c of m[6] ?? '') { if (c === 'b') k.eb = true; else (k as unknown as Record<string, boolean>)[c] = true; }
  return k;
}

/** [start, end) offsets of each field. */
function fieldSpans(line: string, tab: string | undefined): [number, number][] {
  const spans: [number, number][] = [];
  if (tab !== undefined) {
    let s = 0;
    for (;;) {
      const k = line.indexOf(tab, s);
      if (k < 0) { spans.push([s, line.length]); break; }
      spans.push([s, k]);
      s = k + 1;
    }
    return spans;
  }
  let i = 0;
  while (i < line.length) {
    const s = i;
    while (i < line.length && isBlank(line[i])) i++;
    while (i < line.length && !isBlank(line[i])) i++;
    spans.push([s, i]);
  }
  return spans;
}

function keyText(line: string, k: Key, tab: string | undefined): string {
  const spans = fieldSpans(line, tab);
  let start: number;
  if (k.sf - 1 >= spans.length) start = line.length;
  else {
    const [fs, fe] = spans[k.sf - 1];
    start = fs;
    if (k.b) while (start < fe && isBlank(line[start])) start++;
    start = Math.min(start + k.sc - 1, fe);
  }
  let end: number;
  if (!k.ef) end = line.length;
  else if (k.ef - 1 >= spans.length) end = line.length;
  else {
    const [fs, fe] = spans[k.ef - 1];
    if (!k.ec) end = fe;
    else {
      let s = fs;
      if (k.eb) while (s < fe && isBlank(line[s])) s++;
      end = Math.min(s + k.ec, fe);
    }
  }
  return end > start ? line.slice(start, end) : '';
}

function numPrefix(s: string): number {
  const m = /^[ \t]*(-?)(\d*)(\.\d*)?/.exec(s)!;
  if (!m[2] && (!m[3] || m[3] === '.')) return 0;
  return Number((m[1] ?? '') + (m[2] || '0') + (m[3] && m[3] !== '.' ? m[3] : ''));
}

/** strtold's prefix parse, as sort -g uses it: decimal, hex (0x10) and inf/nan. */
function strtold(s: string): number {
  const t = s.replace(/^[ \t]+/, '');
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]+)/.exec(t);
  if (hex) return (hex[1] === '-' ? -1 : 1) * parseInt(hex[2], 16);
  const inf = /^([+-]?)(inf(inity)?|nan)/i.exec(t);
  if (inf) return /nan/i.test(inf[2]) ? NaN : inf[1] === '-' ? -Infinity : Infinity;
  return parseFloat(t);
}

function humanVal(s: string): [number, number] {
  const m = /^[ \t]*(-?\d*\.?\d*)([KMGTPEZYk]?)/.exec(s)!;
  const v = Number(m[1]) || 0;
  const order = m[2] ? 'kKMGTPEZY'.indexOf(m[2]) : 0;
  const o = m[2] === 'k' ? 1 : order;
  return [v < 0 ? -o : v === 0 ? 0 : o, v];
}

function verOrder(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c >= '0' && c <= '9') return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

/** Debian's verrevcmp, as GNU's filevercmp uses it (sort -V, ls -v). */
export function verrevcmp(a: string, b: string): number {
  let i = 0, j = 0;
  const dig = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !dig(a[i])) || (j < b.length && !dig(b[j]))) {
      const ac = verOrder(a[i]), bc = verOrder(b[j]);
      if (ac !== bc) return ac - bc;
      i++; j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (dig(a[i]) && dig(b[j])) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++; j++;
    }
    if (dig(a[i])) return 1;
    if (dig(b[j])) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

export function filevercmp(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return -1;
  if (b === '') return 1;
  const suf = /(\.[A-Za-z~][A-Za-z0-9~]*)*$/;
  const pa = a.replace(suf, ''), pb = b.replace(suf, '');
  const r = pa === pb ? 0 : verrevcmp(pa, pb);
  return r || verrevcmp(a, b);
}

export const sort = defineCommand('sort', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'bcCdfghik:mMno:rRsS:t:T:uVz',
    usageStatus: 2,
    long: [
      { name: 'ignore-leading-blanks', key: 'b' }, { name: 'check', key: 'c', arg: 'opt' }, { name: 'dictionary-order', key: 'd' },
      { name: 'ignore-case', key: 'f' }, { name: 'general-numeric-sort', key: 'g' }, { name: 'human-numeric-sort', key: 'h' },
      { name: 'ignore-nonprinting', key: 'i' }, { name: 'key', key: 'k', arg: 'req' }, { name: 'merge', key: 'm' },
      { name: 'month-sort', key: 'M' }, { name: 'numeric-sort', key: 'n' }, { name: 'output', key: 'o', arg: 'req' },
      { name: 'reverse', key: 'r' }, { name: 'random-sort', key: 'R' }, { name: 'stable', key: 's' },
      { name: 'buffer-size', key: 'S', arg: 'req' }, { name: 'field-separator', key: 't', arg: 'req' },
      { name: 'temporary-directory', key: 'T', arg: 'req' }, { name: 'unique', key: 'u' }, { name: 'version-sort', key: 'V' },
      { name: 'zero-terminated', key: 'z' }, { name: 'parallel', arg: 'req' }, { name: 'sort', arg: 'req' },
      { name: 'files0-from', arg: 'req' }, { name: 'debug' }, { name: 'random-source', arg: 'req' },
    ],
  });
  if (typeof p === 'number') return p;
  const g = noOpts();
  const keys: Key[] = [];
  let tab: string | undefined;
  let unique = false, stable = false, check: '' | 'c' | 'C' = '', output: string | undefined, zero = false;
  for (const [k, v] of p.opts) {
    switch (k) {
      case 'b': case 'd': case 'f': case 'g': case 'i': case 'M': case 'h': case 'n': case 'R': case 'r': case 'V':
        (g as unknown as Record<string, boolean>)[k] = true; break;
      case 'sort': {
        const m: Record<string, string> = { general: 'g', human: 'h', month: 'M', numeric: 'n', random: 'R', version: 'V' };
        if (!m[v ?? '']) { io.err(`invalid argument ${lq(io, v ?? '')} for '--sort'`); io.tryHelp(); return 2; }
        (g as unknown as Record<string, boolean>)[m[v ?? '']] = true;
        break;
      }
      case 'k': {
        const key = parseKey(v ?? '', io);
        if (typeof key === 'string') { io.err(key); return 2; }
        keys.push(key);
        break;
      }
      case 't': {
        const t = v ?? '';
        if (t === '\\0') tab = '\0';
        else if ([...t].length !== 1) {
          io.err(t === '' ? 'empty tab' : `multi-character tab ${lq(io, t)}`);
          return 2;
        } else {
          if (tab !== undefined && tab !== t) { io.err('incompatible tabs'); return 2; }
          tab = t;
        }
        break;
      }
      case 'u': unique = true; break;
      case 's': stable = true; break;
      case 'c': check = v === 'quiet' || v === 'silent' ? 'C' : 'c'; break;
      case 'C': check = 'C'; break;
      case 'o': output = v; break;
      case 'z': zero = true; break;
      default: break;
    }
  }
  for (const k of keys) {
    if (!hasOrdering(k) && !k.eb) Object.assign(k, { ...g, sf: k.sf, sc: k.sc, ef: k.ef, ec: k.ec, eb: g.b });
  }
  const textCmp = collatorFor(ctx.env);
  const rng = new ByteRng(`${ctx.host.hostname}/${ctx.host.now()}/sort`);
  const salt = rng.next().toString(36);
  const hash = (s: string): number => {
    let h = 2166136261;
    const t = salt + s;
    for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), 16777619);
    return h >>> 0;
  };
  const numCache = new Map<string, number>();
  const num = (s: string): number => {
    let v = numCache.get(s);
    if (v === undefined) { v = numPrefix(s); numCache.set(s, v); }
    return v;
  };
  const cmpKey = (a: string, b: string, k: KeyOpts): number => {
    let r: number;
    if (k.n) r = num(a) - num(b);
    else if (k.g) {
      const x = strtold(a), y = strtold(b);
      const xn = Number.isNaN(x), yn = Number.isNaN(y);
      r = xn && yn ? 0 : xn ? -1 : yn ? 1 : x - y;
    } else if (k.h) {
      const [oa, va] = humanVal(a), [ob, vb] = humanVal(b);
      r = oa - ob || va - vb;
    } else if (k.M) {
      const ma = MONTHS.indexOf(a.trim().slice(0, 3).toUpperCase()), mb = MONTHS.indexOf(b.trim().slice(0, 3).toUpperCase());
      r = ma - mb;
    } else if (k.V) r = filevercmp(a, b);
    else if (k.R) r = hash(a) - hash(b);
    else {
      let x = a, y = b;
      if (k.b) { x = x.replace(/^[ \t]+/, ''); y = y.replace(/^[ \t]+/, ''); }
      if (k.d) { x = x.replace(/[^ \t\p{L}\p{N}]/gu, ''); y = y.replace(/[^ \t\p{L}\p{N}]/gu, ''); }
      if (k.i) { x = x.replace(/[\x00-\x1f\x7f]/g, ''); y = y.replace(/[\x00-\x1f\x7f]/g, ''); }
      if (k.f) { x = x.toUpperCase(); y = y.toUpperCase(); }
      r = textCmp(x, y);
    }
    r = Math.sign(r);
    return k.r ? -r : r;
  };
  const allKeys: Key[] = keys.length ? keys : [{ ...g, sf: 1, sc: 1, ef: 0, ec: 0, eb: false }];
  // Key extraction is the expensive part: cache each line's keys (lines are compared many times).
  const keyCache = new Map<string, string[]>();
  const keysOf = (line: string): string[] => {
    let ks = keyCache.get(line);
    if (!ks) {
      ks = allKeys.map((k) => (keys.length ? keyText(line, k, tab) : (k.b ? line.replace(/^[ \t]+/, '') : line)));
      keyCache.set(line, ks);
    }
    return ks;
  };
  const keyCmp = (a: string, b: string): number => {
    const ka = keysOf(a), kb = keysOf(b);
    for (let i = 0; i < allKeys.length; i++) {
      const r = cmpKey(ka[i], kb[i], allKeys[i]);
      if (r) return r;
    }
    return 0;
  };
  const fullCmp = (a: string, b: string): number => {
    const r = keyCmp(a, b);
    if (r || stable || unique) return r;
    const last = Math.sign(textCmp(a, b));
    return g.r ? -last : last;
  };
  const sep = zero ? '\0' : '\n';
  // Read all inputs.
  const lines: string[] = [];
  const files = p.args.length ? p.args : ['-'];
  for (const name of files) {
    let text: string;
    try {
      text = yield* readAll(name === '-' ? stdinSrc(ctx) : openSrc(ctx, name));
    } catch (e) {
      passSignal(e);
      io.err(errText(e) === 'Is a directory' ? `read failed: ${qf(name)}: Is a directory` : `cannot read: ${qf(name)}: ${errText(e)}`);
      return 2;
    }
    if (text === '') continue;
    const parts = text.split(sep);
    if (parts[parts.length - 1] === '') parts.pop();
    for (const l of parts) lines.push(l);
    if (check && files.length > 1) { io.err(`extra operand ${lq(io, files[1])} not allowed with -${check}`); return 2; }
  }
  if (check) {
    for (let i = 1; i < lines.length; i++) {
      const r = fullCmp(lines[i - 1], lines[i]);
      if (r > 0 || (unique && r === 0)) {
        if (check === 'c') io.err(`${files[0]}:${i + 1}: disorder: ${lines[i]}`);
        return 1;
      }
    }
    return 0;
  }
  let work = 0;
  lines.sort((a, b) => { work++; return fullCmp(a, b); });
  if (work > 200_000) yield* io.flush();
  let out = lines;
  if (unique) {
    out = [];
    for (const l of lines) if (!out.length || keyCmp(out[out.length - 1], l) !== 0) out.push(l);
  }
  if (output !== undefined) {
    try {
      ctx.fs.writeFile(ctx.resolve(output), out.map((l) => l + sep).join(''));
    } catch (e) {
      passSignal(e);
      io.err(`open failed: ${qf(output)}: ${errText(e)}`);
      return 2;
    }
    return 0;
  }
  for (let i = 0; i < out.length; i++) {
    io.out(out[i] + sep);
    if ((i & 1023) === 0) yield* io.flow();
  }
  return 0;
});

// ---- uniq ----------------------------------------------------------------------------------

export const uniq = defineCommand('uniq', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'cdDf:is:uw:z',
    long: [{ name: 'count', key: 'c' }, { name: 'repeated', key: 'd' }, { name: 'all-repeated', key: 'D', arg: 'opt' },
      { name: 'skip-fields', key: 'f', arg: 'req' }, { name: 'ignore-case', key: 'i' }, { name: 'skip-chars', key: 's', arg: 'req' },
      { name: 'unique', key: 'u' }, { name: 'check-chars', key: 'w', arg: 'req' }, { name: 'zero-terminated', key: 'z' },
      { name: 'group', arg: 'opt' }],
  });
  if (typeof p === 'number') return p;
  let count = false, repeated = false, allRepeated = false, onlyUnique = false, icase = false, zero = false;
  let skipF = 0, skipC = 0, checkW = Infinity;
  for (const [k, v] of p.opts) {
    const num = (what: string): number | undefined => {
      if (!/^\d+$/.test(v ?? '')) { io.err(`${v}: invalid number of ${what}`); return undefined; }
      return Number(v);
    };
    switch (k) {
      case 'c': count = true; break;
      case 'd': repeated = true; break;
      case 'D': allRepeated = true; break;
      case 'u': onlyUnique = true; break;
      case 'i': icase = true; break;
      case 'z': zero = true; break;
      case 'f': { const n = num('fields to skip'); if (n === undefined) return 1; skipF = n; break; }
      case 's': { const n = num('bytes to skip'); if (n === undefined) return 1; skipC = n; break; }
      case 'w': { const n = num('bytes to compare'); if (n === undefined) return 1; checkW = n; break; }
      default: break;
    }
  }
  if (allRepeated && count) {
    io.err('printing all duplicated lines and repeat counts is meaningless');
    io.tryHelp();
    return 1;
  }
  if (p.args.length > 2) { io.err(`extra operand ${lq(io, p.args[2])}`); io.tryHelp(); return 1; }
  const inName = p.args[0] ?? '-';
  let src: Src;
  try { src = inName === '-' ? stdinSrc(ctx) : openSrc(ctx, inName); } catch (e) {
    passSignal(e);
    io.err(`${qf(inName)}: ${errText(e)}`);
    return 1;
  }
  const outName = p.args[1];
  let collected = '';
  const emit = (s: string): void => { if (outName !== undefined) collected += s; else io.out(s); };
  const keyOf = (l: string): string => {
    let i = 0;
    for (let f = 0; f < skipF; f++) {
      while (i < l.length && isBlank(l[i])) i++;
      while (i < l.length && !isBlank(l[i])) i++;
    }
    let k = l.slice(i + skipC);
    if (checkW !== Infinity) k = k.slice(0, checkW);
    return icase ? k.toLowerCase() : k;
  };
  const sep = zero ? '\0' : '\n';
  const lr = new LineReader(src, sep);
  let prev: string | null = null;
  let prevKey = '';
  let n = 0;
  const flushGroup = (): void => {
    if (prev === null) return;
    if (allRepeated) return;
    if ((repeated && n < 2) || (onlyUnique && n > 1)) return;
    emit((count ? String(n).padStart(7) + ' ' : '') + prev + sep);
  };
  let group: string[] = [];
  for (;;) {
    let line: string | null;
    try { line = yield* lr.next(); } catch (e) {
      passSignal(e);
      io.err(`error reading ${qf(inName)}`);
      return 1;
    }
    if (line === null) break;
    const k = keyOf(line);
    if (prev !== null && k === prevKey) {
      n++;
      if (allRepeated) group.push(line);
    } else {
      if (allRepeated && group.length > 1) for (const gl of group) emit(gl + sep);
      flushGroup();
      prev = line;
      prevKey = k;
      n = 1;
      group = [line];
    }
    yield* io.flow();
  }
  if (allRepeated && group.length > 1) for (const gl of group) emit(gl + sep);
  flushGroup();
  if (outName !== undefined) {
    try { ctx.fs.writeFile(ctx.resolve(outName), collected); } catch (e) {
      passSignal(e);
      io.err(`${qf(outName)}: ${errText(e)}`);
      return 1;
    }
  }
  return 0;
});

// ---- comm ----------------------------------------------------------------------------------

export const comm = defineCommand('comm', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: '123z',
    long: [{ name: 'check-order' }, { name: 'nocheck-order' }, { name: 'output-delimiter', arg: 'req' }, { name: 'total' },
      { name: 'zero-terminated', key: 'z' }],
  });
  if (typeof p === 'number') return p;
  const has = (k: string): boolean => p.opts.some(([x]) => x === k);
  const delim = p.opts.find(([k]) => k === 'output-delimiter')?.[1] ?? '\t';
  const show = [!has('1'), !has('2'), !has('3')];
  const checkOrder = !has('nocheck-order');
  if (p.args.length < 2) {
    io.err(p.args.length ? `missing operand after ${lq(io, p.args[0])}` : 'missing operand');
    io.tryHelp();
    return 1;
  }
  if (p.args.length > 2) { io.err(`extra operand ${lq(io, p.args[2])}`); io.tryHelp(); return 1; }
  const texts: string[][] = [];
  for (const name of p.args) {
    try {
      const t = yield* readAll(name === '-' ? stdinSrc(ctx) : openSrc(ctx, name));
      const ls = t === '' ? [] : t.replace(/\n$/, '').split('\n');
      texts.push(ls);
    } catch (e) {
      passSignal(e);
      io.err(`${qf(name)}: ${errText(e)}`);
      return 1;
    }
  }
  const cmp = collatorFor(ctx.env);
  const [a, b] = texts;
  let i = 0, j = 0;
  let unsorted = false;
  const warned = [false, false];
  const checkSorted = (arr: string[], k: number, which: number): void => {
    if (!checkOrder || warned[which] || k === 0) return;
    if (cmp(arr[k - 1], arr[k]) > 0) {
      io.err(`file ${which + 1} is not in sorted order`);
      warned[which] = true;
      unsorted = true;
    }
  };
  const col = (c: number, s: string): void => {
    if (!show[c]) return;
    let pre = '';
    for (let x = 0; x < c; x++) if (show[x]) pre += delim;
    io.out(pre + s + '\n');
  };
  const totals = [0, 0, 0];
  while (i < a.length || j < b.length) {
    if (i < a.length) checkSorted(a, i, 0);
    if (j < b.length) checkSorted(b, j, 1);
    const r = i >= a.length ? 1 : j >= b.length ? -1 : cmp(a[i], b[j]);
    if (r < 0) { col(0, a[i++]); totals[0]++; }
    else if (r > 0) { col(1, b[j++]); totals[1]++; }
    else { col(2, a[i]); i++; j++; totals[2]++; }
    yield* io.flow();
  }
  if (has('total')) io.out(`${totals[0]}${delim}${totals[1]}${delim}${totals[2]}${delim}total\n`);
  if (unsorted) {
    io.err('input is not in sorted order');
    return 1;
  }
  return 0;
});
