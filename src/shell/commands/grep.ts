/**
 * grep (GNU grep 3.6), egrep and fgrep.
 *
 * Patterns are POSIX BRE (default), ERE (-E) or fixed strings (-F) translated to one
 * JavaScript RegExp (see regex.ts); -P hands the pattern to JavaScript's own engine, which is
 * close to PCRE for everyday use. -w is "not preceded or followed by a word character" with
 * backtracking into shorter or later matches, as GNU does; -x anchors the whole line.
 *
 * Output prefixes (`file:`, `12:`, byte offsets), `-`/`:` separators for context lines, `--`
 * between context groups, `(standard input)`, `binary file matches` on stderr for data with
 * NUL bytes (grep >= 3.5), and exit status 0/1/2 (2 on error even when something matched,
 * unless -q found a match) are GNU's. Input is read line by line, so `yes | grep -m1 y` ends.
 * Left out: --color highlighting (accepted, ignored), -z, -U, --line-buffered (no-op).
 */
import type { CmdContext, Co } from '../types.ts';
import { jsLiteral, jsRegExp, RegexError, translate } from './regex.ts';
import { byteLength, defineCommand, errText, getopt, type Io, LineReader, openSrc, passSignal, qf, type Src, stdinSrc } from './util.ts';

interface GrepOpts {
  mode: 'G' | 'E' | 'F' | 'P';
  icase: boolean; invert: boolean; count: boolean; lineNum: boolean; word: boolean; line: boolean;
  only: boolean; listMatch: boolean; listNon: boolean; quiet: boolean; noMsgs: boolean; recursive: 0 | 1 | 2;
  names: boolean | undefined; after: number; before: number; max: number; byteOffset: boolean;
  label: string; include: RegExp[]; exclude: RegExp[]; excludeDir: RegExp[]; nullAfterName: boolean;
}

/** fnmatch-style glob to RegExp (for --include/--exclude and find -name). */
export function globToRegExp(glob: string, icase = false): RegExp {
  let s = '^';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') s += '.*';
    else if (c === '?') s += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', glob[i + 1] === ']' ? i + 2 : glob[i + 1] === '!' || glob[i + 1] === '^' ? (glob[i + 2] === ']' ? i + 3 : i + 2) : i + 1);
      if (end < 0) { s += '\\['; continue; }
      let body = glob.slice(i + 1, end);
      let neg = false;
      if (body[0] === '!' || body[0] === '^') { neg = true; body = body.slice(1); }
      body = body.replace(/\[:(\w+):\]/g, (_m, n: string) => ({ alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: '\\s' } as Record<string, string>)[n] ?? '')
        .replace(/\\/g, '\\\\').replace(/\]/g, '\\]');
      const cls = '[' + (neg ? '^' : '') + body + ']';
      try { new RegExp(cls); } catch { s += '\\['; continue; } // fnmatch: a bad bracket is a literal `[`
      s += cls;
      i = end;
    } else if (c === '\\' && i + 1 < glob.length) s += jsLiteral(glob[++i]);
    else s += jsLiteral(c);
  }
  try {
    return new RegExp(s + '$', icase ? 'is' : 's');
  } catch {
    return new RegExp('^' + jsLiteral(glob) + '$', icase ? 'is' : 's');
  }
}

function usage(io: Io): number {
  io.errRaw(`Usage: ${io.prog} [OPTION]... PATTERNS [FILE]...\nTry '${io.prog} --help' for more information.\n`);
  return 2;
}

function grepCommand(name: 'grep' | 'egrep' | 'fgrep') {
  return defineCommand(name, function* (io, ctx) {
    const p = getopt(io, ctx.argv, {
      short: 'EFGPiyvcnwxolLqsrRhHA:B:C:e:f:m:baIUTZz0123456789',
      usageStatus: 2,
      usageLine: `Usage: ${ctx.argv[0] ?? name} [OPTION]... PATTERNS [FILE]...`,
      long: [
        { name: 'extended-regexp', key: 'E' }, { name: 'fixed-strings', key: 'F' }, { name: 'basic-regexp', key: 'G' },
        { name: 'perl-regexp', key: 'P' }, { name: 'ignore-case', key: 'i' }, { name: 'no-ignore-case' },
        { name: 'invert-match', key: 'v' }, { name: 'count', key: 'c' }, { name: 'line-number', key: 'n' },
        { name: 'word-regexp', key: 'w' }, { name: 'line-regexp', key: 'x' }, { name: 'only-matching', key: 'o' },
        { name: 'files-with-matches', key: 'l' }, { name: 'files-without-match', key: 'L' }, { name: 'quiet', key: 'q' },
        { name: 'silent', key: 'q' }, { name: 'no-messages', key: 's' }, { name: 'recursive', key: 'r' },
        { name: 'dereference-recursive', key: 'R' }, { name: 'no-filename', key: 'h' }, { name: 'with-filename', key: 'H' },
        { name: 'after-context', key: 'A', arg: 'req' }, { name: 'before-context', key: 'B', arg: 'req' },
        { name: 'context', key: 'C', arg: 'req' }, { name: 'regexp', key: 'e', arg: 'req' }, { name: 'file', key: 'f', arg: 'req' },
        { name: 'max-count', key: 'm', arg: 'req' }, { name: 'byte-offset', key: 'b' }, { name: 'text', key: 'a' },
        { name: 'label', arg: 'req' }, { name: 'include', arg: 'req' }, { name: 'exclude', arg: 'req' },
        { name: 'exclude-dir', arg: 'req' }, { name: 'color', arg: 'opt' }, { name: 'colour', key: 'color', arg: 'opt' },
        { name: 'line-buffered' }, { name: 'null', key: 'Z' }, { name: 'help' }, { name: 'version', key: 'V' },
      ],
    });
    if (typeof p === 'number') return p;
    const o: GrepOpts = {
      mode: name === 'egrep' ? 'E' : name === 'fgrep' ? 'F' : 'G',
      icase: false, invert: false, count: false, lineNum: false, word: false, line: false, only: false,
      listMatch: false, listNon: false, quiet: false, noMsgs: false, recursive: 0, names: undefined,
      after: 0, before: 0, max: Infinity, byteOffset: false, label: '(standard input)', include: [], exclude: [], excludeDir: [],
      nullAfterName: false,
    };
    const patterns: string[] = [];
    let havePatterns = false;
    let numCtx = '';
    const ctxNum = (v: string | undefined): number | undefined => {
      if (!/^\d+$/.test(v ?? '')) {
        io.err(`${v}: invalid context length argument`);
        return undefined;
      }
      return Number(v);
    };
    for (const [k, v] of p.opts) {
      if (/^\d$/.test(k)) { numCtx += k; o.after = o.before = Number(numCtx); continue; }
      numCtx = '';
      switch (k) {
        case 'E': case 'F': case 'G': case 'P': o.mode = k; break;
        case 'i': case 'y': o.icase = true; break;
        case 'no-ignore-case': o.icase = false; break;
        case 'v': o.invert = true; break;
        case 'c': o.count = true; break;
        case 'n': o.lineNum = true; break;
        case 'w': o.word = true; break;
        case 'x': o.line = true; break;
        case 'o': o.only = true; break;
        case 'l': o.listMatch = true; o.listNon = false; break;
        case 'L': o.listNon = true; o.listMatch = false; break;
        case 'q': o.quiet = true; break;
        case 's': o.noMsgs = true; break;
        case 'r': o.recursive = 1; break;
        case 'R': o.recursive = 2; break;
        case 'h': o.names = false; break;
        case 'H': o.names = true; break;
        case 'A': case 'B': case 'C': {
          const n = ctxNum(v);
          if (n === undefined) return 2;
          if (k !== 'B') o.after = n;
          if (k !== 'A') o.before = n;
          break;
        }
        case 'e': patterns.push(...(v ?? '').split('\n')); havePatterns = true; break;
        case 'f': {
          try {
            const text = v === '-' ? yield* ctx.stdin.readAll() : ctx.fs.readFile(ctx.resolve(v ?? ''));
            const lines = text.split('\n');
            if (lines[lines.length - 1] === '') lines.pop();
            patterns.push(...lines);
            havePatterns = true;
          } catch (e) {
            passSignal(e);
            io.err(`${v}: ${errText(e)}`);
            return 2;
          }
          break;
        }
        case 'm': {
          if (!/^-?\d+$/.test(v ?? '')) { io.err('invalid max count'); return 2; }
          const n = Number(v);
          o.max = n < 0 ? Infinity : n;
          break;
        }
        case 'b': o.byteOffset = true; break;
        case 'label': o.label = v ?? ''; break;
        case 'include': o.include.push(globToRegExp(v ?? '')); break;
        case 'exclude': o.exclude.push(globToRegExp(v ?? '')); break;
        case 'exclude-dir': o.excludeDir.push(globToRegExp(v ?? '')); break;
        case 'Z': o.nullAfterName = true; break;
        case 'help': io.out(`Usage: ${io.prog} [OPTION]... PATTERNS [FILE]...\nSearch for PATTERNS in each FILE.\n`); return 0;
        case 'V':
          io.out('grep (GNU grep) 3.6\nCopyright (C) 2020 Free Software Foundation, Inc.\nLicense GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\nThis is free software: you are free to change and redistribute it.\nThere is NO WARRANTY, to the extent permitted by law.\n\nWritten by Mike Haertel and others; see\n<https://git.sv.gnu.org/cgit/grep.git/tree/AUTHORS>.\n');
          return 0;
        default: break;
      }
    }
    const args = [...p.args];
    if (!havePatterns) {
      if (!args.length) return usage(io);
      patterns.push(...args.shift()!.split('\n'));
    }
    let re: RegExp | null;
    try {
      re = buildRegExp(patterns, o);
    } catch (e) {
      passSignal(e);
      io.err(e instanceof RegexError ? e.message : errText(e));
      return 2;
    }
    if (o.quiet) { o.count = false; o.listMatch = false; o.listNon = false; }
    if (!args.length) args.push(o.recursive ? '.' : '-');
    const implicitDot = p.args.length === (havePatterns ? 0 : 1) && o.recursive !== 0;
    if (o.names === undefined) o.names = args.length > 1 || o.recursive !== 0;
    const st = { matched: false, error: false, printedGroup: false, stop: false };

    const searchSrc = function* (src: Src, label: string): Co<void> {
      yield* searchOne(io, o, re, src, label, st);
    };
    for (const a of args) {
      if (st.stop) break;
      if (a === '-') {
        yield* searchSrc(stdinSrc(ctx), o.label);
        continue;
      }
      yield* searchPath(io, ctx, o, a, implicitDot ? '' : a, true, st, searchSrc);
    }
    if (st.error && !(o.quiet && st.matched)) return 2;
    return st.matched ? 0 : 1;
  });
}

function buildRegExp(patterns: string[], o: GrepOpts): RegExp | null {
  if (!patterns.length) return null; // `grep -f /dev/null` matches nothing
  const parts: string[] = [];
  let groups = 0;
  for (const pat of patterns) {
    let src: string;
    if (o.mode === 'F') src = jsLiteral(pat);
    else if (o.mode === 'P') {
      src = pat;
      try { new RegExp(src); } catch (e) { throw new RegexError(e instanceof Error ? e.message.replace(/^Invalid regular expression: /, '') : 'invalid'); }
    } else {
      const t = translate(pat, o.mode === 'E', 'grep', groups);
      groups += t.groups;
      src = t.source;
    }
    parts.push(src);
  }
  let body = parts.length === 1 ? parts[0] : parts.map((s) => `(?:${s})`).join('|');
  if (o.line) body = `^(?:${body})$`;
  else if (o.word) body = `(?<!\\w)(?:${body})(?!\\w)`;
  return o.mode === 'P' ? new RegExp(body, o.icase ? 'ig' : 'g') : jsRegExp(body, { icase: o.icase, global: true });
}

interface State { matched: boolean; error: boolean; printedGroup: boolean; stop: boolean }

function* searchPath(io: Io, ctx: CmdContext, o: GrepOpts, operand: string, label: string, top: boolean, st: State,
  search: (src: Src, label: string) => Co<void>): Co<void> {
  const fs = ctx.fs;
  const path = ctx.resolve(operand);
  let node;
  try {
    const l = fs.lookup(path, false);
    if (l.kind === 'symlink' && !top && o.recursive === 1) return; // -r skips symlinks below the top
    node = fs.lookup(path);
  } catch (e) {
    if (!o.noMsgs) io.err(`${qf(operand)}: ${errText(e)}`);
    st.error = true;
    return;
  }
  const base = operand.slice(operand.replace(/\/+$/, '').lastIndexOf('/') + 1);
  if (node.kind === 'dir') {
    if (!o.recursive) {
      if (!o.noMsgs) io.err(`${qf(operand)}: Is a directory`);
      st.error = true;
      return;
    }
    if (!top && o.excludeDir.some((r) => r.test(base))) return;
    let names: string[];
    try { names = fs.readdir(path); } catch (e) {
      if (!o.noMsgs) io.err(`${qf(operand)}: ${errText(e)}`);
      st.error = true;
      return;
    }
    for (const n of names) {
      if (st.stop) return;
      const child = operand.endsWith('/') ? operand + n : operand + '/' + n;
      const childLabel = label === '' ? n : label.endsWith('/') ? label + n : label + '/' + n;
      yield* searchPath(io, ctx, o, child, childLabel, false, st, search);
    }
    return;
  }
  if (!top && node.kind === 'chardev') return; // devices are skipped while recursing (-D read applies to operands)
  if (o.include.length && !o.include.some((r) => r.test(base)) && !(top && !o.recursive)) return;
  if (o.exclude.some((r) => r.test(base)) && !(top && !o.recursive)) return;
  let src: Src;
  try { src = openSrc(ctx, operand); } catch (e) {
    if (!o.noMsgs) io.err(`${qf(operand)}: ${errText(e)}`);
    st.error = true;
    return;
  }
  yield* search(src, label || operand);
}

function* searchOne(io: Io, o: GrepOpts, re: RegExp | null, src: Src, label: string, st: State): Co<void> {
  const lr = new LineReader(src);
  const contextOn = (o.after > 0 || o.before > 0) && !o.count && !o.listMatch && !o.listNon && !o.quiet;
  const before: { line: string; n: number; off: number }[] = [];
  let afterLeft = 0;
  let lastPrinted = 0; // line number of the last line printed (0 = none in this file)
  let count = 0;
  let n = 0;
  let off = 0;
  let binary = src.whole !== undefined && src.whole.includes('\0');
  let binaryMatched = false;
  const prefix = (num: number, byteOff: number, sep: string): string => {
    let s = '';
    if (o.names) s += label + (o.nullAfterName ? '\0' : sep);
    if (o.lineNum) s += num + sep;
    if (o.byteOffset) s += byteOff + sep;
    return s;
  };
  const emit = (line: string, num: number, byteOff: number, sep: string): void => {
    if (contextOn && st.printedGroup && lastPrinted > 0 && num > lastPrinted + 1) io.out('--\n');
    else if (contextOn && st.printedGroup && lastPrinted === 0) io.out('--\n');
    io.out(prefix(num, byteOff, sep) + line + '\n');
    lastPrinted = num;
    st.printedGroup = true;
  };
  const test = (line: string): boolean => {
    if (!re) return false;
    re.lastIndex = 0;
    return re.test(line);
  };
  for (;;) {
    if (count >= o.max && afterLeft <= 0) break;
    const line = yield* lr.next();
    if (line === null) break;
    n++;
    const lineOff = off;
    off += byteLength(line) + 1;
    if (!binary && line.includes('\0')) binary = true;
    const selected = test(line) !== o.invert;
    if (count >= o.max) {
      // only trailing context is still wanted after the last selected line (matching or not)
      if (afterLeft > 0) { emit(line, n, lineOff, '-'); afterLeft--; }
      continue;
    }
    if (selected) {
      count++;
      st.matched = true;
      if (o.quiet) { st.stop = true; return; }
      if (o.listMatch || o.listNon) break;
      if (o.count) continue;
      if (binary) { binaryMatched = true; break; }
      for (const b of before) emit(b.line, b.n, b.off, '-');
      before.length = 0;
      if (o.only && !o.invert) {
        re!.lastIndex = 0;
        let m: RegExpExecArray | null;
        while ((m = re!.exec(line)) !== null) {
          if (m[0] === '') { re!.lastIndex++; continue; }
          if (contextOn && st.printedGroup && lastPrinted > 0 && n > lastPrinted + 1) io.out('--\n');
          io.out(prefix(n, lineOff + byteLength(line.slice(0, m.index)), ':') + m[0] + '\n');
          lastPrinted = n;
          st.printedGroup = true;
        }
      } else if (!o.only) emit(line, n, lineOff, ':');
      afterLeft = o.after;
    } else if (contextOn) {
      if (afterLeft > 0) {
        emit(line, n, lineOff, '-');
        afterLeft--;
      } else if (o.before > 0) {
        before.push({ line, n, off: lineOff });
        if (before.length > o.before) before.shift();
      }
    }
    yield* io.flow();
  }
  if (o.count) io.out((o.names ? label + (o.nullAfterName ? '\0' : ':') : '') + count + '\n');
  if (o.listMatch && count > 0) io.out(label + (o.nullAfterName ? '\0' : '\n'));
  if (o.listNon && count === 0) io.out(label + (o.nullAfterName ? '\0' : '\n'));
  if (binaryMatched) {
    io.sync();
    io.err(`${label}: binary file matches`);
  }
}

export const grep = grepCommand('grep');
export const egrep = grepCommand('egrep');
export const fgrep = grepCommand('fgrep');
