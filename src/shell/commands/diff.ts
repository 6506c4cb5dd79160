/**
 * diff (GNU diffutils 3.7): normal, unified (-u/-U N) and context (-c/-C N) output from a
 * Myers O(ND) shortest edit script; -q, -s, -i, -w, -b, -N, -r for directories, --label,
 * `\ No newline at end of file`, `Binary files a and b differ`, exit 0/1/2.
 * GNU diff's heuristics can pick a different (equally short) alignment in ambiguous cases.
 */
import type { CmdContext, Co } from '../types.ts';
import {
  defineCommand, epochNow, errText, getopt, type Io, openSrc, passSignal, readAll, stdinSrc, strftime,
} from './util.ts';

type Op = { t: '=' | '-' | '+'; a: number; b: number };

/** Myers' algorithm on already-normalized keys; returns the edit script. */
export function editScript(a: string[], b: string[]): Op[] {
  const n = a.length, m = b.length;
  const max = n + m;
  const v = new Int32Array(2 * max + 2);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[max + k - 1] < v[max + k + 1]) ? v[max + k + 1] : v[max + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) { x++; y++; }
      v[max + k] = x;
      if (x >= n && y >= m) { found = true; break; }
    }
  }
  // backtrack
  const ops: Op[] = [];
  let x = n, y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vv = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vv[max + k - 1] < vv[max + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vv[max + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) { ops.push({ t: '=', a: x - 1, b: y - 1 }); x--; y--; }
    if (d > 0) {
      if (x === prevX) ops.push({ t: '+', a: x, b: y - 1 });
      else ops.push({ t: '-', a: x - 1, b: y });
    }
    x = prevX;
    y = prevY;
  }
  ops.reverse();
  return ops;
}

interface FileText { lines: string[]; lastNl: boolean; label: string; time: number }

const range = (s: number, e: number): string => (s === e ? String(s) : `${s},${e}`);

/** Change blocks: maximal runs of non-equal ops. */
function blocks(ops: Op[]): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (let i = 0; i < ops.length;) {
    if (ops[i].t === '=') { i++; continue; }
    const s = i;
    while (i < ops.length && ops[i].t !== '=') i++;
    out.push({ start: s, end: i });
  }
  return out;
}

function lineOut(f: FileText, idx: number, prefix: string): string {
  let s = prefix + f.lines[idx] + '\n';
  if (idx === f.lines.length - 1 && !f.lastNl) s += '\\ No newline at end of file\n';
  return s;
}

function normal(ops: Op[], A: FileText, B: FileText): string {
  let out = '';
  for (const blk of blocks(ops)) {
    const seg = ops.slice(blk.start, blk.end);
    const dels = seg.filter((o) => o.t === '-');
    const adds = seg.filter((o) => o.t === '+');
    const aFirst = dels.length ? dels[0].a + 1 : seg[0].a;
    const bFirst = adds.length ? adds[0].b + 1 : seg[0].b;
    if (dels.length && adds.length) {
      out += `${range(aFirst, dels[dels.length - 1].a + 1)}c${range(bFirst, adds[adds.length - 1].b + 1)}\n`;
      for (const o of dels) out += lineOut(A, o.a, '< ');
      out += '---\n';
      for (const o of adds) out += lineOut(B, o.b, '> ');
    } else if (dels.length) {
      out += `${range(aFirst, dels[dels.length - 1].a + 1)}d${bFirst}\n`;
      for (const o of dels) out += lineOut(A, o.a, '< ');
    } else {
      out += `${aFirst}a${range(bFirst, adds[adds.length - 1].b + 1)}\n`;
      for (const o of adds) out += lineOut(B, o.b, '> ');
    }
  }
  return out;
}

/** Group change blocks into hunks with `ctx` lines of context. */
function hunks(ops: Op[], ctxLines: number): { start: number; end: number }[] {
  const bl = blocks(ops);
  const out: { start: number; end: number }[] = [];
  for (const b of bl) {
    const s = Math.max(0, b.start - ctxLines);
    const e = Math.min(ops.length, b.end + ctxLines);
    const last = out[out.length - 1];
    if (last && s <= last.end) last.end = e;
    else out.push({ start: s, end: e });
  }
  return out;
}

function counts(seg: Op[]): { aStart: number; aLen: number; bStart: number; bLen: number } {
  const aLines = seg.filter((o) => o.t !== '+');
  const bLines = seg.filter((o) => o.t !== '-');
  const aStart = aLines.length ? aLines[0].a + 1 : seg[0].a;
  const bStart = bLines.length ? bLines[0].b + 1 : seg[0].b;
  return { aStart, aLen: aLines.length, bStart, bLen: bLines.length };
}

const stamp = (t: number): string => strftime('%Y-%m-%d %H:%M:%S.000000000 +0000', t);

function unified(ops: Op[], A: FileText, B: FileText, ctxLines: number): string {
  let out = `--- ${A.label}\t${stamp(A.time)}\n+++ ${B.label}\t${stamp(B.time)}\n`;
  for (const h of hunks(ops, ctxLines)) {
    const seg = ops.slice(h.start, h.end);
    const c = counts(seg);
    const r = (s: number, l: number): string => (l === 1 ? String(s) : `${l === 0 ? s : s},${l}`);
    out += `@@ -${r(c.aStart, c.aLen)} +${r(c.bStart, c.bLen)} @@\n`;
    for (const o of seg) {
      if (o.t === '=') out += lineOut(A, o.a, ' ');
      else if (o.t === '-') out += lineOut(A, o.a, '-');
      else out += lineOut(B, o.b, '+');
    }
  }
  return out;
}

function context(ops: Op[], A: FileText, B: FileText, ctxLines: number): string {
  let out = `*** ${A.label}\t${stamp(A.time)}\n--- ${B.label}\t${stamp(B.time)}\n`;
  for (const h of hunks(ops, ctxLines)) {
    const seg = ops.slice(h.start, h.end);
    const c = counts(seg);
    // a line is `!` when its change block has both deletions and insertions
    const mark = new Map<Op, string>();
    for (const b of blocks(seg)) {
      const part = seg.slice(b.start, b.end);
      const both = part.some((o) => o.t === '-') && part.some((o) => o.t === '+');
      for (const o of part) mark.set(o, both ? '! ' : o.t === '-' ? '- ' : '+ ');
    }
    const r = (s: number, l: number): string => (l === 0 ? String(s) : range(s, s + l - 1));
    out += '***************\n';
    out += `*** ${r(c.aStart, c.aLen)} ****\n`;
    if (seg.some((o) => o.t === '-')) for (const o of seg) if (o.t !== '+') out += lineOut(A, o.a, mark.get(o) ?? '  ');
    out += `--- ${r(c.bStart, c.bLen)} ----\n`;
    if (seg.some((o) => o.t === '+')) for (const o of seg) if (o.t !== '-') out += lineOut(B, o.b, mark.get(o) ?? '  ');
  }
  return out;
}

interface DiffOpts {
  format: 'normal' | 'unified' | 'context';
  ctxLines: number;
  brief: boolean;
  same: boolean;
  icase: boolean;
  allSpace: boolean;
  spaceChange: boolean;
  newFile: boolean;
  recursive: boolean;
  labels: string[];
  argsText: string;
}

export const diff = defineCommand('diff', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'uU:cC:qsiwbBNrate',
    usageStatus: 2,
    long: [
      { name: 'unified', key: 'U', arg: 'opt' }, { name: 'context', key: 'C', arg: 'opt' }, { name: 'brief', key: 'q' },
      { name: 'report-identical-files', key: 's' }, { name: 'ignore-case', key: 'i' }, { name: 'ignore-all-space', key: 'w' },
      { name: 'ignore-space-change', key: 'b' }, { name: 'ignore-blank-lines', key: 'B' }, { name: 'new-file', key: 'N' },
      { name: 'recursive', key: 'r' }, { name: 'text', key: 'a' }, { name: 'label', arg: 'req' }, { name: 'color', arg: 'opt' },
      { name: 'normal' },
    ],
  });
  if (typeof p === 'number') return p;
  const o: DiffOpts = {
    format: 'normal', ctxLines: 3, brief: false, same: false, icase: false, allSpace: false, spaceChange: false,
    newFile: false, recursive: false, labels: [], argsText: ctx.argv.slice(1, -2).join(' '),
  };
  for (const [k, v] of p.opts) {
    switch (k) {
      case 'u': o.format = 'unified'; break;
      case 'c': o.format = 'context'; break;
      case 'U': case 'C': {
        o.format = k === 'U' ? 'unified' : 'context';
        if (v !== undefined) {
          if (!/^\d+$/.test(v)) { io.err(`invalid context length '${v}'`); io.tryHelp(); return 2; }
          o.ctxLines = Number(v);
        }
        break;
      }
      case 'normal': o.format = 'normal'; break;
      case 'q': o.brief = true; break;
      case 's': o.same = true; break;
      case 'i': o.icase = true; break;
      case 'w': o.allSpace = true; break;
      case 'b': o.spaceChange = true; break;
      case 'N': o.newFile = true; break;
      case 'r': o.recursive = true; break;
      case 'label': o.labels.push(v ?? ''); break;
      default: break;
    }
  }
  if (p.args.length < 2) {
    io.err(p.args.length ? `missing operand after '${p.args[0]}'` : 'missing operand after \'diff\'');
    io.tryHelp();
    return 2;
  }
  if (p.args.length > 2) { io.err(`extra operand '${p.args[2]}'`); io.tryHelp(); return 2; }
  return yield* diffPaths(io, ctx, o, p.args[0], p.args[1]);
});

function* load(io: Io, ctx: CmdContext, name: string, o: DiffOpts, label: string): Co<FileText | null> {
  try {
    const st = name === '-' ? null : ctx.fs.stat(ctx.resolve(name));
    const text = yield* readAll(name === '-' ? stdinSrc(ctx) : openSrc(ctx, name));
    const lastNl = text === '' || text.endsWith('\n');
    const lines = text === '' ? [] : (lastNl ? text.slice(0, -1) : text).split('\n');
    return { lines, lastNl, label, time: st?.mtime ?? epochNow(ctx) };
  } catch (e) {
    passSignal(e);
    if (o.newFile && errText(e) === 'No such file or directory') return { lines: [], lastNl: true, label, time: 0 };
    io.err(`${name}: ${errText(e)}`);
    return null;
  }
}

function* diffPaths(io: Io, ctx: CmdContext, o: DiffOpts, a: string, b: string): Co<number> {
  const fs = ctx.fs;
  const aDir = a !== '-' && fs.isDir(ctx.resolve(a));
  const bDir = b !== '-' && fs.isDir(ctx.resolve(b));
  if (aDir && bDir) return yield* diffDirs(io, ctx, o, a, b);
  if (aDir) a = a.replace(/\/+$/, '') + '/' + b.replace(/\/+$/, '').split('/').pop();
  else if (bDir) b = b.replace(/\/+$/, '') + '/' + a.replace(/\/+$/, '').split('/').pop();
  const A = yield* load(io, ctx, a, o, o.labels[0] ?? a);
  const B = yield* load(io, ctx, b, o, o.labels[1] ?? b);
  if (!A || !B) return 2;
  const key = (l: string): string => {
    let s = l;
    if (o.allSpace) s = s.replace(/\s+/g, '');
    else if (o.spaceChange) s = s.replace(/\s+/g, ' ').replace(/ $/, '');
    if (o.icase) s = s.toLowerCase();
    return s;
  };
  const ka = A.lines.map(key), kb = B.lines.map(key);
  const identical = ka.length === kb.length && ka.every((l, i) => l === kb[i]) && (A.lastNl === B.lastNl || o.allSpace);
  if (identical) {
    if (o.same) io.out(`Files ${a} and ${b} are identical\n`);
    return 0;
  }
  if (A.lines.some((l) => l.includes('\0')) || B.lines.some((l) => l.includes('\0'))) {
    io.out(`Binary files ${a} and ${b} differ\n`);
    return 1;
  }
  if (o.brief) { io.out(`Files ${a} and ${b} differ\n`); return 1; }
  // a missing final newline makes the last lines differ
  if (!A.lastNl && ka.length) ka[ka.length - 1] += '\u0000nonl';
  if (!B.lastNl && kb.length) kb[kb.length - 1] += '\u0000nonl';
  const ops = editScript(ka, kb);
  io.out(o.format === 'unified' ? unified(ops, A, B, o.ctxLines) : o.format === 'context' ? context(ops, A, B, o.ctxLines) : normal(ops, A, B));
  return 1;
}

function* diffDirs(io: Io, ctx: CmdContext, o: DiffOpts, a: string, b: string): Co<number> {
  const fs = ctx.fs;
  const la = fs.readdir(ctx.resolve(a)), lb = fs.readdir(ctx.resolve(b));
  const names = [...new Set([...la, ...lb])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  let status = 0;
  const join = (d: string, n: string): string => (d.endsWith('/') ? d + n : d + '/' + n);
  for (const n of names) {
    const inA = la.includes(n), inB = lb.includes(n);
    if (!inA || !inB) {
      if (o.newFile && !(inA ? fs.isDir(ctx.resolve(join(a, n))) : fs.isDir(ctx.resolve(join(b, n))))) {
        io.out(`diff ${o.argsText ? o.argsText + ' ' : ''}${join(a, n)} ${join(b, n)}\n`);
        status = Math.max(status, yield* diffPaths(io, ctx, o, join(a, n), join(b, n)));
        continue;
      }
      io.out(`Only in ${inA ? a : b}: ${n}\n`);
      status = Math.max(status, 1);
      continue;
    }
    const pa = join(a, n), pb = join(b, n);
    const da = fs.isDir(ctx.resolve(pa)), db = fs.isDir(ctx.resolve(pb));
    if (da && db) {
      if (o.recursive) status = Math.max(status, yield* diffDirs(io, ctx, o, pa, pb));
      else io.out(`Common subdirectories: ${pa} and ${pb}\n`);
      continue;
    }
    if (da !== db) {
      io.out(`File ${da ? pa : pb} is a directory while file ${da ? pb : pa} is a regular file\n`);
      status = Math.max(status, 1);
      continue;
    }
    status = Math.max(status, yield* diffQuiet(io, ctx, o, pa, pb));
  }
  return status;
}

/** Compare two files inside a directory diff, printing GNU's `diff a b` header when they differ. */
function* diffQuiet(io: Io, ctx: CmdContext, o: DiffOpts, pa: string, pb: string): Co<number> {
  const A = ctx.fs.readFile(ctx.resolve(pa)), B = ctx.fs.readFile(ctx.resolve(pb));
  if (A === B) { if (o.same) io.out(`Files ${pa} and ${pb} are identical\n`); return 0; }
  if (!o.brief) io.out(`diff ${o.argsText ? o.argsText + ' ' : ''}${pa} ${pb}\n`);
  return yield* diffPaths(io, ctx, o, pa, pb);
}
