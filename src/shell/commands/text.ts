/**
 * Line and character filters: cut, tr, tee, nl, paste, fold (coreutils 8.32) and column
 * (util-linux 2.37). All stream their input except paste and column, which need every line.
 *
 * tr works on characters (a UTF-8 `é` is one character, where GNU tr would see two bytes);
 * its complement set (-c) is taken over the 256 byte values, as GNU's, with anything beyond
 * mapping to the last character of SET2. cut -b and -c both count characters.
 */
import { forEachInput } from './cat.ts';
import {
  defineCommand, errText, getopt, type Io, LineReader, lq, openSrc, passSignal, qf, readAll, type Src, stdinSrc,
} from './util.ts';

// ---- cut -----------------------------------------------------------------------------------

type Range = [number, number];

/** Parse a cut list (`1,3-5,7-`); returns ranges or an error message. */
function parseList(list: string, fields: boolean, io: Io): Range[] | string {
  const ranges: Range[] = [];
  for (const part of list.split(/[,\s]/)) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    const what = fields ? 'field' : 'byte/character position';
    if (!m || (part === '-') || part === '') {
      return fields ? 'invalid field range' : 'invalid byte or character range';
    }
    const lo = m[1] === '' ? 1 : Number(m[1]);
    const hi = m[2] ? (m[3] === '' ? Infinity : Number(m[3])) : lo;
    if ((m[1] !== '' && lo === 0) || (m[3] !== '' && Number(m[3]) === 0)) {
      return fields ? 'fields are numbered from 1' : 'byte/character positions are numbered from 1';
    }
    if (!/^\d*-?\d*$/.test(part)) return `invalid ${what} ${lq(io, part)}`;
    if (hi < lo) return 'invalid decreasing range';
    ranges.push([lo, hi]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Range[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

export const cut = defineCommand('cut', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'b:c:d:f:nsz',
    long: [{ name: 'bytes', key: 'b', arg: 'req' }, { name: 'characters', key: 'c', arg: 'req' }, { name: 'delimiter', key: 'd', arg: 'req' },
      { name: 'fields', key: 'f', arg: 'req' }, { name: 'only-delimited', key: 's' }, { name: 'complement' },
      { name: 'output-delimiter', arg: 'req' }, { name: 'zero-terminated', key: 'z' }],
  });
  if (typeof p === 'number') return p;
  let mode: 'b' | 'c' | 'f' | undefined;
  let list = '';
  let delim: string | undefined;
  let onlyDelim = false, complement = false, zero = false;
  let outDelim: string | undefined;
  const fail = (msg: string): number => { io.err(msg); io.tryHelp(); return 1; };
  for (const [k, v] of p.opts) {
    if (k === 'b' || k === 'c' || k === 'f') {
      if (mode) return fail('only one list may be specified');
      mode = k;
      list = v ?? '';
    } else if (k === 'd') delim = v;
    else if (k === 's') onlyDelim = true;
    else if (k === 'complement') complement = true;
    else if (k === 'output-delimiter') outDelim = v;
    else if (k === 'z') zero = true;
  }
  if (!mode) return fail('you must specify a list of bytes, characters, or fields');
  if (delim !== undefined && mode !== 'f') return fail('an input delimiter may be specified only when operating on fields');
  if (onlyDelim && mode !== 'f') return fail('suppressing non-delimited lines makes sense\n\tonly when operating on fields');
  if (delim !== undefined && [...delim].length > 1) return fail('the delimiter must be a single character');
  const d = delim === undefined || delim === '' ? (delim === '' ? '\0' : '\t') : delim;
  const ranges = parseList(list, mode === 'f', io);
  if (typeof ranges === 'string') return fail(ranges);
  const selected = (i: number): boolean => {
    const inR = ranges.some(([lo, hi]) => i >= lo && i <= hi);
    return complement ? !inR : inR;
  };
  const od = outDelim ?? (mode === 'f' ? d : undefined);
  const sep = zero ? '\0' : '\n';
  const ok = yield* forEachInput(io, ctx, p.args, function* (src) {
    const lr = new LineReader(src, sep);
    for (;;) {
      const line = yield* lr.next();
      if (line === null) break;
      if (mode === 'f') {
        if (!line.includes(d)) {
          if (!onlyDelim) io.out(line + sep);
        } else {
          const parts = line.split(d);
          const out: string[] = [];
          parts.forEach((f, i) => { if (selected(i + 1)) out.push(f); });
          io.out(out.join(od) + sep);
        }
      } else {
        const chars = [...line];
        let out = '';
        let prevSel = false;
        let any = false;
        chars.forEach((c, i) => {
          const s = selected(i + 1);
          if (s) {
            if (od !== undefined && any && !prevSel) out += od;
            out += c;
            any = true;
          }
          prevSel = s;
        });
        io.out(out + sep);
      }
      yield* io.flow();
    }
  });
  return ok ? 0 : 1;
});

// ---- tr ------------------------------------------------------------------------------------

const TR_CLASSES: Record<string, () => string[]> = {
  alpha: () => [...range('A', 'Z'), ...range('a', 'z')],
  digit: () => range('0', '9'),
  alnum: () => [...range('0', '9'), ...range('A', 'Z'), ...range('a', 'z')],
  upper: () => range('A', 'Z'),
  lower: () => range('a', 'z'),
  space: () => ['\t', '\n', '\v', '\f', '\r', ' '],
  blank: () => ['\t', ' '],
  punct: () => [...range('!', '/'), ...range(':', '@'), ...range('[', '`'), ...range('{', '~')],
  print: () => range(' ', '~'),
  graph: () => range('!', '~'),
  cntrl: () => [...range('\0', '\x1f'), '\x7f'],
  xdigit: () => [...range('0', '9'), ...range('A', 'F'), ...range('a', 'f')],
};

function range(a: string, b: string): string[] {
  const out: string[] = [];
  for (let c = a.codePointAt(0)!; c <= b.codePointAt(0)!; c++) out.push(String.fromCodePoint(c));
  return out;
}

interface TrSet { chars: string[]; classes: string[]; repeatAt?: number }

/** Expand a tr SET; throws a message string on error. */
function expandSet(s: string, isSet2: boolean, io: Io): TrSet {
  const out: string[] = [];
  const classes: string[] = [];
  let repeatAt: number | undefined;
  const cs = [...s];
  let i = 0;
  const readChar = (): string => {
    const c = cs[i];
    if (c === '\\' && i + 1 < cs.length) {
      const d = cs[i + 1];
      const esc: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\' };
      if (d in esc) { i += 2; return esc[d]; }
      if (/[0-7]/.test(d)) {
        let j = i + 1;
        let o = '';
        while (j < cs.length && o.length < 3 && /[0-7]/.test(cs[j])) o += cs[j++];
        i = j;
        return String.fromCharCode(parseInt(o, 8) & 0xff);
      }
      i += 2;
      return d;
    }
    i++;
    return c;
  };
  while (i < cs.length) {
    if (cs[i] === '[' && cs[i + 1] === ':') {
      const end = s.indexOf(':]', [...cs.slice(0, i + 2)].join('').length);
      if (end >= 0) {
        const name = s.slice([...cs.slice(0, i + 2)].join('').length, end);
        const cls = TR_CLASSES[name];
        if (!cls) throw `invalid character class ${lq(io, name)}`;
        if (isSet2 && name !== 'upper' && name !== 'lower') {
          throw "when translating, the only character classes that may appear in\nstring2 are 'upper' and 'lower'";
        }
        classes.push(name);
        out.push(...cls());
        i += 2 + [...name].length + 2;
        continue;
      }
    }
    if (cs[i] === '[' && cs[i + 1] === '=' ) {
      const close = cs.indexOf('=', i + 2);
      if (close === i + 3 && cs[close + 1] === ']') { out.push(cs[i + 2]); i = close + 2; continue; }
    }
    if (cs[i] === '[' && i + 2 < cs.length) {
      // [c*n] or [c*]
      const save = i;
      i++;
      const c = readChar();
      if (cs[i] === '*') {
        let j = i + 1;
        let num = '';
        while (j < cs.length && /[0-9]/.test(cs[j])) num += cs[j++];
        if (cs[j] === ']') {
          if (!isSet2) throw `the [c*] repeat construct may not appear in string1`;
          const n = num === '' ? 0 : num.startsWith('0') ? parseInt(num, 8) : Number(num);
          if (n === 0) { repeatAt = out.length; out.push(c); } else for (let k = 0; k < n; k++) out.push(c);
          i = j + 1;
          continue;
        }
      }
      i = save;
    }
    const c = readChar();
    if (cs[i] === '-' && i + 1 < cs.length) {
      i++;
      const e = readChar();
      if (e.codePointAt(0)! < c.codePointAt(0)!) {
        throw `range-endpoints of '${c}-${e}' are in reverse collating sequence order`;
      }
      out.push(...range(c, e));
      continue;
    }
    out.push(c);
  }
  return { chars: out, classes, repeatAt };
}

export const tr = defineCommand('tr', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'cCdst',
    long: [{ name: 'complement', key: 'c' }, { name: 'delete', key: 'd' }, { name: 'squeeze-repeats', key: 's' }, { name: 'truncate-set1', key: 't' }],
  });
  if (typeof p === 'number') return p;
  let comp = false, del = false, squeeze = false, trunc = false;
  for (const [k] of p.opts) {
    if (k === 'c' || k === 'C') comp = true;
    else if (k === 'd') del = true;
    else if (k === 's') squeeze = true;
    else if (k === 't') trunc = true;
  }
  const args = p.args;
  const need = del && squeeze ? 2 : del || (squeeze && args.length < 2) ? 1 : 2;
  if (args.length < need || args.length === 0) {
    if (!args.length) io.err('missing operand');
    else {
      io.err(`missing operand after ${lq(io, args[args.length - 1])}`);
      io.errRaw(del ? '' : 'Two strings must be given when translating.\n');
    }
    io.tryHelp();
    return 1;
  }
  if (args.length > need) {
    io.err(`extra operand ${lq(io, args[need])}`);
    if (del && !squeeze) io.errRaw('Only one string may be given when deleting without squeezing repeats.\n');
    io.tryHelp();
    return 1;
  }
  let s1: TrSet, s2: TrSet | undefined;
  try {
    s1 = expandSet(args[0], false, io);
    s2 = args.length > 1 ? expandSet(args[1], !del, io) : undefined;
  } catch (e) {
    passSignal(e);
    io.err(String(e instanceof Error ? e.message : e));
    return 1;
  }
  const set1 = new Set(s1.chars);
  const in1 = (c: string): boolean => set1.has(c) !== comp;
  const translating = !del && s2 !== undefined;
  let map: Map<string, string> | undefined;
  let compTarget: string[] | undefined;
  if (translating) {
    let t = s2!.chars;
    if (!t.length) {
      io.err('when not truncating set1, string2 must be non-empty');
      return 1;
    }
    const src = comp ? range('\0', '\xff').filter((c) => !set1.has(c)) : s1.chars;
    if (s2!.repeatAt !== undefined) {
      const fill = src.length - (t.length - 1);
      const c = t[s2!.repeatAt];
      t = [...t.slice(0, s2!.repeatAt), ...Array<string>(Math.max(0, fill)).fill(c), ...t.slice(s2!.repeatAt + 1)];
    }
    if (!trunc) while (t.length < src.length) t.push(t[t.length - 1]);
    map = new Map();
    const n = Math.min(src.length, t.length);
    for (let k = 0; k < n; k++) map.set(src[k], t[k]);
    if (comp) compTarget = t;
  }
  const sqSet = squeeze ? new Set((translating || (del && s2)) ? s2!.chars : comp ? [] : s1.chars) : undefined;
  const inSq = (c: string): boolean => {
    if (!sqSet) return false;
    if (!translating && !(del && s2) && comp) return !set1.has(c);
    return sqSet.has(c);
  };
  let last: string | null = null;
  const src = stdinSrc(ctx);
  // Fast path: a table indexed by UTF-16 code unit (-1 = delete), when every set member is
  // a single code unit; it turns `tr a-z A-Z` on megabytes into a tight loop.
  const bmp = [...set1].every((c) => c.length === 1) && (!map || [...map.values()].every((c) => c.length === 1))
    && (!sqSet || [...sqSet].every((c) => c.length === 1)) && (!compTarget || compTarget.every((c) => c.length === 1));
  let table: Int32Array | undefined;
  let sqTable: Uint8Array | undefined;
  if (bmp) {
    table = new Int32Array(65536);
    for (let c = 0; c < 65536; c++) {
      const ch = String.fromCharCode(c);
      let out = c;
      if (del) { if (in1(ch)) out = -1; }
      else if (map && in1(ch)) out = (map.get(ch) ?? (comp ? compTarget![compTarget!.length - 1] : ch)).charCodeAt(0);
      table[c] = out;
    }
    if (sqSet) {
      sqTable = new Uint8Array(65536);
      for (let c = 0; c < 65536; c++) if (inSq(String.fromCharCode(c))) sqTable[c] = 1;
    }
  }
  let lastCode = -1;
  for (;;) {
    let chunk: string | null;
    try { chunk = yield* src.read(); } catch (e) {
      passSignal(e);
      io.err(`read error: ${errText(e)}`);
      return 1;
    }
    if (chunk === null) break;
    if (table) {
      const buf = new Uint16Array(chunk.length);
      let n = 0;
      for (let i = 0; i < chunk.length; i++) {
        const c = table[chunk.charCodeAt(i)];
        if (c < 0) continue;
        if (sqTable && sqTable[c] && c === lastCode) continue;
        lastCode = c;
        buf[n++] = c;
      }
      let out = '';
      for (let i = 0; i < n; i += 8192) out += String.fromCharCode(...buf.subarray(i, Math.min(n, i + 8192)));
      io.out(out);
      yield* io.flow();
      continue;
    }
    let out = '';
    for (const ch of chunk) {
      let c = ch;
      if (del) {
        if (in1(c)) continue;
      } else if (map) {
        if (in1(c)) c = map.get(c) ?? (comp ? compTarget![compTarget!.length - 1] : c);
      }
      if (sqSet && inSq(c) && last === c) continue;
      last = c;
      out += c;
    }
    io.out(out);
    yield* io.flow();
  }
  return 0;
});

// ---- tee -----------------------------------------------------------------------------------

export const tee = defineCommand('tee', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'aip',
    long: [{ name: 'append', key: 'a' }, { name: 'ignore-interrupts', key: 'i' }, { name: 'output-error', arg: 'opt' }],
  });
  if (typeof p === 'number') return p;
  const append = p.opts.some(([k]) => k === 'a');
  let status = 0;
  const targets: string[] = [];
  for (const f of p.args) {
    if (f === '-') { targets.push('-'); continue; }
    const path = ctx.resolve(f);
    try {
      ctx.fs.writeFile(path, '', { append });
      targets.push(path);
    } catch (e) {
      passSignal(e);
      io.err(`${qf(f)}: ${errText(e)}`);
      status = 1;
    }
  }
  const src = stdinSrc(ctx);
  for (;;) {
    const chunk = yield* src.read();
    if (chunk === null) break;
    io.out(chunk);
    for (const t of targets) {
      if (t === '-') { io.out(chunk); continue; }
      try { ctx.fs.writeFile(t, chunk, { append: true }); } catch { /* reported at open */ }
    }
    yield* io.flush();
  }
  return status;
});

// ---- nl ------------------------------------------------------------------------------------

export const nl = defineCommand('nl', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'b:d:f:h:i:l:n:ps:v:w:',
    long: [{ name: 'body-numbering', key: 'b', arg: 'req' }, { name: 'number-format', key: 'n', arg: 'req' },
      { name: 'number-separator', key: 's', arg: 'req' }, { name: 'starting-line-number', key: 'v', arg: 'req' },
      { name: 'line-increment', key: 'i', arg: 'req' }, { name: 'number-width', key: 'w', arg: 'req' }],
  });
  if (typeof p === 'number') return p;
  let style = 't';
  let re: RegExp | undefined;
  let fmt = 'rn', sep = '\t', start = 1, incr = 1, width = 6;
  for (const [k, v] of p.opts) {
    const val = v ?? '';
    switch (k) {
      case 'b':
        if (/^[atn]$/.test(val)) style = val;
        else if (val.startsWith('p')) {
          style = 'p';
          try { re = new RegExp(val.slice(1)); } catch { io.err(`invalid body numbering style: ${lq(io, val)}`); io.tryHelp(); return 1; }
        } else { io.err(`invalid body numbering style: ${lq(io, val)}`); io.tryHelp(); return 1; }
        break;
      case 'n':
        if (!/^(ln|rn|rz)$/.test(val)) { io.err(`invalid line numbering format: ${lq(io, val)}`); io.tryHelp(); return 1; }
        fmt = val;
        break;
      case 's': sep = val; break;
      case 'v': if (!/^-?\d+$/.test(val)) { io.err(`invalid starting line number: ${lq(io, val)}`); return 1; } start = Number(val); break;
      case 'i': if (!/^\d+$/.test(val)) { io.err(`invalid line number increment: ${lq(io, val)}`); return 1; } incr = Number(val); break;
      case 'w': if (!/^\d+$/.test(val) || Number(val) < 1) { io.err(`invalid line number field width: ${lq(io, val)}`); return 1; } width = Number(val); break;
      default: break;
    }
  }
  let n = start;
  const num = (x: number): string => fmt === 'ln' ? String(x).padEnd(width) : fmt === 'rz' ? String(x).padStart(width, '0') : String(x).padStart(width);
  const ok = yield* forEachInput(io, ctx, p.args, function* (src) {
    const lr = new LineReader(src);
    for (;;) {
      const line = yield* lr.next();
      if (line === null) break;
      const numbered = style === 'a' || (style === 't' && line !== '') || (style === 'p' && re!.test(line));
      if (numbered) { io.out(num(n) + sep + line + '\n'); n += incr; }
      else io.out(' '.repeat(width + sep.length) + line + '\n');
      yield* io.flow();
    }
  });
  return ok ? 0 : 1;
});

// ---- paste ---------------------------------------------------------------------------------

function pasteDelims(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && i + 1 < s.length) {
      const d = s[++i];
      out.push(d === 'n' ? '\n' : d === 't' ? '\t' : d === '0' ? '' : d === '\\' ? '\\' : d);
    } else out.push(s[i]);
  }
  return out;
}

export const paste = defineCommand('paste', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'd:sz',
    long: [{ name: 'delimiters', key: 'd', arg: 'req' }, { name: 'serial', key: 's' }, { name: 'zero-terminated', key: 'z' }],
  });
  if (typeof p === 'number') return p;
  let delims = ['\t'];
  let serial = false;
  for (const [k, v] of p.opts) {
    if (k === 'd') {
      delims = pasteDelims(v ?? '');
      if (!delims.length) delims = [''];
    } else if (k === 's') serial = true;
  }
  const files = p.args.length ? p.args : ['-'];
  const contents: string[][] = [];
  let stdinLines: string[] | undefined;
  for (const f of files) {
    if (f === '-') {
      if (!stdinLines) {
        const t = yield* ctx.stdin.readAll();
        stdinLines = t === '' ? [] : t.replace(/\n$/, '').split('\n');
      }
      contents.push(stdinLines);
      continue;
    }
    try {
      const t = yield* readAll(openSrc(ctx, f));
      contents.push(t === '' ? [] : t.replace(/\n$/, '').split('\n'));
    } catch (e) {
      passSignal(e);
      io.err(`${qf(f)}: ${errText(e)}`);
      return 1;
    }
  }
  if (serial) {
    for (const lines of contents) {
      let out = '';
      lines.forEach((l, i) => { out += (i ? delims[(i - 1) % delims.length] : '') + l; });
      io.out(out + '\n');
    }
    return 0;
  }
  // Several `-` operands take successive lines of stdin in turn.
  const dashCount = files.filter((f) => f === '-').length;
  const cursors = contents.map(() => 0);
  let dashSeen = 0;
  const dashIndex = files.map((f) => (f === '-' ? dashSeen++ : -1));
  for (let row = 0; ; row++) {
    let any = false;
    let out = '';
    for (let c = 0; c < contents.length; c++) {
      const lines = contents[c];
      const idx = dashIndex[c] >= 0 ? row * dashCount + dashIndex[c] : cursors[c]++;
      const cell = lines[idx];
      if (cell !== undefined) any = true;
      if (c > 0) out += delims[(c - 1) % delims.length];
      out += cell ?? '';
    }
    if (!any) break;
    io.out(out + '\n');
    yield* io.flow();
  }
  return 0;
});

// ---- fold ----------------------------------------------------------------------------------

export const fold = defineCommand('fold', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'bsw:0123456789',
    long: [{ name: 'bytes', key: 'b' }, { name: 'spaces', key: 's' }, { name: 'width', key: 'w', arg: 'req' }],
  });
  if (typeof p === 'number') return p;
  let width = 80, spaces = false, bytes = false;
  let digits = '';
  for (const [k, v] of p.opts) {
    if (/^\d$/.test(k)) { digits += k; width = Number(digits); continue; }
    digits = '';
    if (k === 's') spaces = true;
    else if (k === 'b') bytes = true;
    else if (k === 'w') {
      if (!/^\d+$/.test(v ?? '') || Number(v) < 1) { io.err(`invalid number of columns: ${lq(io, v ?? '')}`); return 1; }
      width = Number(v);
    }
  }
  const adjust = (col: number, c: string): number => {
    if (bytes) return col + 1;
    if (c === '\b') return col > 0 ? col - 1 : 0;
    if (c === '\r') return 0;
    if (c === '\t') return col + 8 - (col % 8);
    return col + 1;
  };
  const ok = yield* forEachInput(io, ctx, p.args, function* (src) {
    const lr = new LineReader(src);
    for (;;) {
      const line = yield* lr.next();
      if (line === null) break;
      let buf: string[] = [];
      let col = 0;
      const chars = [...line];
      for (let i = 0; i < chars.length; i++) {
        const c = chars[i];
        const nc = adjust(col, c);
        if (nc > width && buf.length) {
          if (spaces) {
            let k = buf.length - 1;
            while (k >= 0 && buf[k] !== ' ' && buf[k] !== '\t') k--;
            if (k >= 0) {
              io.out(buf.slice(0, k + 1).join('') + '\n');
              buf = buf.slice(k + 1);
              col = 0;
              for (const b of buf) col = adjust(col, b);
              i--;
              continue;
            }
          }
          io.out(buf.join('') + '\n');
          buf = [];
          col = 0;
          i--;
          continue;
        }
        buf.push(c);
        col = nc;
      }
      io.out(buf.join('') + (lr.nl ? '\n' : ''));
      yield* io.flow();
    }
  });
  return ok ? 0 : 1;
});

// ---- column --------------------------------------------------------------------------------

export const column = defineCommand('column', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'ts:o:xc:neLR:N:J',
    long: [{ name: 'table', key: 't' }, { name: 'separator', key: 's', arg: 'req' }, { name: 'output-separator', key: 'o', arg: 'req' },
      { name: 'fillrows', key: 'x' }, { name: 'columns', key: 'c', arg: 'req' }, { name: 'table-right', key: 'R', arg: 'req' }],
  });
  if (typeof p === 'number') return p;
  let table = false, fillRows = false;
  let sepChars: string | undefined;
  let outSep = '  ';
  let termWidth = ctx.tty?.cols ?? (Number(ctx.env.get('COLUMNS')) || 80);
  const right = new Set<number>();
  for (const [k, v] of p.opts) {
    if (k === 't') table = true;
    else if (k === 's') sepChars = v;
    else if (k === 'o') outSep = v ?? '';
    else if (k === 'x') fillRows = true;
    else if (k === 'c') {
      if (!/^\d+$/.test(v ?? '')) { io.err(`invalid columns argument: '${v}'`); return 1; }
      termWidth = Number(v);
    } else if (k === 'R') for (const n of (v ?? '').split(',')) right.add(Number(n));
  }
  const lines: string[] = [];
  for (const f of p.args.length ? p.args : ['-']) {
    try {
      const src: Src = f === '-' ? stdinSrc(ctx) : openSrc(ctx, f);
      const t = yield* readAll(src);
      if (t !== '') lines.push(...t.replace(/\n$/, '').split('\n'));
    } catch (e) {
      passSignal(e);
      io.err(`${f}: ${errText(e)}`);
      return 1;
    }
  }
  const width = (s: string): number => [...s].length;
  if (table) {
    const rows = lines.filter((l) => l.trim() !== '' || sepChars !== undefined).map((l) => {
      if (sepChars === undefined) return l.trim().split(/[ \t]+/);
      const cls = '[' + sepChars.replace(/[\\\]^-]/g, '\\$&') + ']';
      return l.split(new RegExp(cls));
    }).filter((r) => !(r.length === 1 && r[0] === ''));
    const ncol = Math.max(0, ...rows.map((r) => r.length));
    const w = new Array<number>(ncol).fill(0);
    for (const r of rows) r.forEach((c, i) => { w[i] = Math.max(w[i], width(c)); });
    // libsmartcols prints every column of every row (short rows get empty cells), padding
    // all but the last column
    for (const r of rows) {
      let out = '';
      for (let i = 0; i < ncol; i++) {
        const c = r[i] ?? '';
        const last = i === ncol - 1;
        const pad = ' '.repeat(w[i] - width(c));
        out += right.has(i + 1) ? pad + c : last ? c : c + pad;
        if (!last) out += outSep;
      }
      io.out(out + '\n');
      yield* io.flow();
    }
    return 0;
  }
  // util-linux fill mode: entries padded with tabs to a multiple of 8
  const items = lines.filter((l) => l !== '');
  if (!items.length) return 0;
  const maxLen = (Math.max(...items.map(width)) + 8) & ~7;
  const cols = Math.max(1, Math.floor(termWidth / maxLen));
  const pad = (chcnt: number, endcol: number): string => {
    let s = '';
    for (let cnt = (chcnt + 8) & ~7; cnt <= endcol; cnt = (chcnt + 8) & ~7) { s += '\t'; chcnt = cnt; }
    return s;
  };
  if (fillRows) {
    let out = '';
    let chcnt = 0, col = 0, endcol = maxLen;
    for (let k = 0; k < items.length; k++) {
      const it = items[k];
      out += it;
      chcnt += width(it);
      if (++col === cols || k === items.length - 1) { chcnt = col = 0; endcol = maxLen; out += '\n'; }
      else { out += pad(chcnt, endcol); chcnt = endcol; endcol += maxLen; }
    }
    io.out(out);
    return 0;
  }
  const rows = Math.ceil(items.length / cols);
  for (let r = 0; r < rows; r++) {
    let out = '';
    let endcol = maxLen;
    let chcnt = 0;
    for (let c = 0; c < cols; c++) {
      const i = r + c * rows;
      if (i >= items.length) break;
      out += items[i];
      chcnt += width(items[i]);
      if (i + rows < items.length) {
        out += pad(chcnt, endcol);
        chcnt = endcol;
      }
      endcol += maxLen;
    }
    io.out(out + '\n');
  }
  return 0;
});
