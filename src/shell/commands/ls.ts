/**
 * ls, as coreutils 8.32 prints it on RHEL 9: long format with the SELinux `.` after the mode
 * bits, `total N` in 1K blocks, `May 14 08:00` times (with the year instead of the time for
 * files more than six months old or in the future), multi-column output on a terminal laid
 * out as GNU's calculate_columns does (tabs every 8 columns for padding), one name per line
 * otherwise, `dir:` headers for several operands and -R, and names quoted shell-style on a
 * terminal (`'a b'`).
 *
 * Options: -a -A -d -R -1 -C -x -m -l -n -g -o -G -h -i -s -t -S -U -r -F -p -L -N -Z and
 * --color (accepted; output is never coloured). Sizes and block counts model XFS with 4 KiB
 * blocks: small directories and symlinks are stored inline and use no blocks.
 */
import type { StatResult } from '../../core/fs/vfs.ts';
import { Vfs } from '../../core/fs/vfs.ts';
import type { CmdContext } from '../types.ts';
import { collatorFor } from './collate.ts';
import { selinuxContext } from './selinux.ts';
import {
  coreutilsVersion, defineCommand, epochNow, errText, getopt, groups, type Io, modeString, q, qf, strftime, users,
} from './util.ts';

interface Entry {
  /** Name as displayed (operand text, or the basename inside a directory). */
  name: string;
  /** Absolute path. */
  path: string;
  st: StatResult;
  target?: string;
  /** For symlinks: the target's stat, when it resolves. */
  tst?: StatResult;
  dev?: string;
}

const DEVNUM: Record<string, [number, number]> = {
  null: [1, 3], zero: [1, 5], full: [1, 7], random: [1, 8], urandom: [1, 9], tty: [5, 0],
};

/** st_blocks in 1K units, XFS-like. */
export function blocks1k(st: StatResult): number {
  if (st.kind !== 'file' && !(st.kind === 'dir' && st.size > 4096)) return 0;
  return Math.ceil(st.size / 4096) * 4;
}

/** GNU human_readable with ceiling rounding (ls -h, df -h, du -h). */
export function human(n: number, base = 1024): string {
  const units = ['', 'K', 'M', 'G', 'T', 'P', 'E'];
  let u = 0;
  let v = n;
  while (v >= base && u < units.length - 1) { v /= base; u++; }
  if (u === 0) return String(n);
  if (v < 10) {
    let r = Math.ceil(v * 10 - 1e-9) / 10;
    if (r >= 10) return String(Math.ceil(r)) + units[u];
    return r.toFixed(1) + units[u];
  }
  const r = Math.ceil(v - 1e-9);
  if (r >= base && u < units.length - 1) return '1.0' + units[u + 1];
  return String(r) + units[u];
}

interface Opts {
  all: boolean; almost: boolean; dirSelf: boolean; recursive: boolean;
  format: 'long' | 'one' | 'cols' | 'across' | 'commas';
  numeric: boolean; noOwner: boolean; noGroup: boolean; humanSizes: boolean; inode: boolean; size: boolean;
  sort: 'name' | 'time' | 'size' | 'none'; reverse: boolean; classify: 'none' | 'F' | 'p'; deref: boolean;
  quote: boolean; width: number; context: boolean;
  /** strftime formats for recent and old files. */
  timeFmt: [string, string];
}

export const ls = defineCommand('ls', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'aAdR1CxmlnogGhistSUrFpLNw:TqZ',
    usageStatus: 2,
    long: [
      { name: 'all', key: 'a' }, { name: 'almost-all', key: 'A' }, { name: 'directory', key: 'd' },
      { name: 'recursive', key: 'R' }, { name: 'human-readable', key: 'h' }, { name: 'inode', key: 'i' },
      { name: 'reverse', key: 'r' }, { name: 'size', key: 's' }, { name: 'classify', key: 'F' },
      { name: 'dereference', key: 'L' }, { name: 'literal', key: 'N' }, { name: 'numeric-uid-gid', key: 'n' },
      { name: 'no-group', key: 'G' }, { name: 'width', key: 'w', arg: 'req' }, { name: 'color', arg: 'opt' },
      { name: 'colour', key: 'color', arg: 'opt' }, { name: 'context', key: 'Z' }, { name: 'time-style', arg: 'req' },
      { name: 'full-time' }, { name: 'help' }, { name: 'version' },
    ],
  });
  if (typeof p === 'number') return p;
  const tty = ctx.stdout.isTty;
  const o: Opts = {
    all: false, almost: false, dirSelf: false, recursive: false, format: tty ? 'cols' : 'one',
    numeric: false, noOwner: false, noGroup: false, humanSizes: false, inode: false, size: false,
    sort: 'name', reverse: false, classify: 'none', deref: false, quote: tty, width: 0, context: false,
    timeFmt: ['%b %e %H:%M', '%b %e  %Y'],
  };
  for (const [k, v] of p.opts) {
    switch (k) {
      case 'a': o.all = true; o.almost = false; break;
      case 'A': o.almost = true; o.all = false; break;
      case 'd': o.dirSelf = true; break;
      case 'R': o.recursive = true; break;
      case '1': o.format = 'one'; break;
      case 'C': o.format = 'cols'; break;
      case 'x': o.format = 'across'; break;
      case 'm': o.format = 'commas'; break;
      case 'l': o.format = 'long'; break;
      case 'n': o.format = 'long'; o.numeric = true; break;
      case 'g': o.format = 'long'; o.noOwner = true; break;
      case 'o': o.format = 'long'; o.noGroup = true; break;
      case 'G': o.noGroup = true; break;
      case 'h': o.humanSizes = true; break;
      case 'i': o.inode = true; break;
      case 's': o.size = true; break;
      case 't': o.sort = 'time'; break;
      case 'S': o.sort = 'size'; break;
      case 'U': o.sort = 'none'; break;
      case 'r': o.reverse = true; break;
      case 'F': o.classify = 'F'; break;
      case 'p': o.classify = 'p'; break;
      case 'L': o.deref = true; break;
      case 'N': o.quote = false; break;
      case 'Z': o.context = true; break;
      case 'full-time': o.format = 'long'; o.timeFmt = ['%Y-%m-%d %H:%M:%S.000000000 %z', '%Y-%m-%d %H:%M:%S.000000000 %z']; break;
      case 'time-style': {
        const st = (v ?? '').replace(/^posix-/, '');
        const styles: Record<string, [string, string]> = {
          'full-iso': ['%Y-%m-%d %H:%M:%S.000000000 %z', '%Y-%m-%d %H:%M:%S.000000000 %z'],
          'long-iso': ['%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M'],
          iso: ['%m-%d %H:%M', '%Y-%m-%d '],
          locale: ['%b %e %H:%M', '%b %e  %Y'],
        };
        if (st.startsWith('+')) {
          const [a, b] = st.slice(1).split('\n');
          o.timeFmt = [b ?? a, a];
        } else if (styles[st]) o.timeFmt = styles[st];
        else {
          io.err(`invalid argument ${q(v ?? '')} for '--time-style'\nValid arguments are:\n  - [posix-]full-iso\n  - [posix-]long-iso\n  - [posix-]iso\n  - [posix-]locale\n  - +FORMAT (e.g., +%H:%M) for a 'date'-style format`);
          io.tryHelp();
          return 2;
        }
        break;
      }
      case 'q': case 'T': case 'color': break;
      case 'w': {
        const n = Number(v);
        if (!/^\d+$/.test(v ?? '')) {
          io.err(`invalid line width: ${q(v ?? '')}`);
          return 2;
        }
        o.width = n;
        break;
      }
      case 'help': io.out('Usage: ls [OPTION]... [FILE]...\nList information about the FILEs (the current directory by default).\n'); return 0;
      case 'version': return coreutilsVersion(io, 'ls', 'Richard M. Stallman and David MacKenzie');
      default: break;
    }
  }
  if (!o.width) {
    const cols = ctx.tty?.cols ?? Number(ctx.env.get('COLUMNS') ?? '');
    o.width = Number.isFinite(cols) && cols > 0 ? cols : 80;
  }
  return yield* listAll(io, ctx, o, p.args);
});

function* listAll(io: Io, ctx: CmdContext, o: Opts, operands: string[]) {
  const fs = ctx.fs;
  const cmp = collatorFor(ctx.env);
  const uids = users(ctx), gids = groups(ctx);
  let status = 0;
  const now = epochNow(ctx);

  const entryOf = (name: string, path: string, followLink: boolean): Entry => {
    const lst = fs.lstat(path);
    let st = lst;
    if (lst.kind === 'symlink' && followLink) {
      try { st = fs.stat(path); } catch { /* dangling: keep the link */ }
    }
    const e: Entry = { name, path, st };
    if (st.kind === 'symlink') {
      e.target = fs.readlink(path);
      try { e.tst = fs.stat(path); } catch { /* dangling */ }
    }
    if (st.kind === 'chardev') e.dev = fs.lookup(path).dev;
    return e;
  };

  const sortEntries = (list: Entry[]): Entry[] => {
    if (o.sort !== 'none') {
      list.sort((a, b) => {
        if (o.sort === 'time' && a.st.mtime !== b.st.mtime) return b.st.mtime - a.st.mtime;
        if (o.sort === 'size' && a.st.size !== b.st.size) return b.st.size - a.st.size;
        return cmp(a.name, b.name);
      });
    }
    if (o.reverse) list.reverse();
    return list;
  };

  const display = (name: string): string => (o.quote ? qf(name) : name);
  const suffix = (e: Entry): string => {
    if (o.classify === 'none') return '';
    const st = e.st;
    if (st.kind === 'dir') return '/';
    if (o.classify === 'p') return '';
    if (st.kind === 'symlink') return '@';
    if (st.kind === 'file' && st.mode & 0o111) return '*';
    return '';
  };

  const printGroup = (list: Entry[], isDir: boolean): void => {
    if (!list.length && !(isDir && (o.format === 'long' || o.size))) return;
    const names = list.map((e) => display(e.name));
    const anyQuoted = o.quote && names.some((n, i) => n !== list[i].name);
    const shown = names.map((n, i) => (anyQuoted && n === list[i].name ? ' ' + n : n) + suffix(list[i]));
    if (isDir && (o.format === 'long' || o.size)) {
      const total = list.reduce((s, e) => s + blocks1k(e.st), 0);
      io.out(`total ${o.humanSizes ? human(total * 1024) : total}\n`);
    }
    const inodeW = Math.max(0, ...list.map((e) => String(e.st.ino).length));
    const blockStr = (e: Entry): string => (o.humanSizes ? human(blocks1k(e.st) * 1024) : String(blocks1k(e.st)));
    const blocksW = Math.max(0, ...list.map((e) => blockStr(e).length));
    if (o.format === 'long') {
      const owner = (e: Entry): string => (o.numeric ? String(e.st.uid) : uids.byId.get(e.st.uid) ?? String(e.st.uid));
      const group = (e: Entry): string => (o.numeric ? String(e.st.gid) : gids.byId.get(e.st.gid) ?? String(e.st.gid));
      const sizeOf = (e: Entry): string => (o.humanSizes ? human(e.st.size) : String(e.st.size));
      const devs = list.filter((e) => e.st.kind === 'chardev');
      const majW = Math.max(0, ...devs.map((e) => String(DEVNUM[e.dev ?? 'null']?.[0] ?? 0).length));
      const minW = Math.max(0, ...devs.map((e) => String(DEVNUM[e.dev ?? 'null']?.[1] ?? 0).length));
      const sizeW = Math.max(0, ...list.map((e) => sizeOf(e).length), devs.length ? majW + 2 + minW : 0);
      const linkW = Math.max(0, ...list.map((e) => String(e.st.nlink).length));
      const ownW = Math.max(0, ...list.map((e) => owner(e).length));
      const grpW = Math.max(0, ...list.map((e) => group(e).length));
      const ctxW = o.context ? Math.max(0, ...list.map((e) => selinuxContext(e.path).length)) : 0;
      list.forEach((e, i) => {
        let line = '';
        if (o.inode) line += String(e.st.ino).padStart(inodeW) + ' ';
        if (o.size) line += blockStr(e).padStart(blocksW) + ' ';
        line += modeString(e.st.kind, e.st.mode) + '. ' + String(e.st.nlink).padStart(linkW) + ' ';
        if (!o.noOwner) line += owner(e).padEnd(ownW) + ' ';
        if (!o.noGroup) line += group(e).padEnd(grpW) + ' ';
        if (o.context) line += selinuxContext(e.path).padEnd(ctxW) + ' ';
        if (e.st.kind === 'chardev') {
          const [ma, mi] = DEVNUM[e.dev ?? 'null'] ?? [0, 0];
          line += (String(ma).padStart(majW) + ', ' + String(mi).padStart(minW)).padStart(sizeW) + ' ';
        } else line += sizeOf(e).padStart(sizeW) + ' ';
        const t = e.st.mtime;
        const recent = t > now - 15778476 && t <= now + 1;
        line += strftime(recent ? o.timeFmt[0] : o.timeFmt[1], t) + ' ';
        line += shown[i];
        if (e.st.kind === 'symlink' && e.target !== undefined) line += ' -> ' + display(e.target);
        io.out(line + '\n');
      });
      return;
    }
    const cells = shown.map((n, i) => {
      let pre = '';
      // GNU pads inode numbers and block counts in every format but -m
      if (o.inode) pre += String(list[i].st.ino).padStart(o.format === 'commas' ? 0 : inodeW) + ' ';
      if (o.size) pre += blockStr(list[i]).padStart(o.format === 'commas' ? 0 : blocksW) + ' ';
      if (o.context) pre += selinuxContext(list[i].path) + ' ';
      return pre + n;
    });
    if (o.format === 'one') { for (const c of cells) io.out(c + '\n'); return; }
    if (o.format === 'commas') { io.out(commas(cells, o.width)); return; }
    io.out(columns(cells, o.width, o.format === 'across'));
  };

  // Sort operands into files and directories.
  const files: Entry[] = [];
  const dirs: Entry[] = [];
  const args = operands.length ? operands : ['.'];
  for (const a of args) {
    const path = ctx.resolve(a);
    let e: Entry;
    try {
      const lk = fs.lstat(path);
      let follow = o.deref;
      if (lk.kind === 'symlink' && !o.deref && !(o.format === 'long' || o.dirSelf || o.classify === 'F')) {
        // GNU's default: follow command-line symlinks that point to directories
        try { follow = fs.stat(path).kind === 'dir'; } catch { follow = false; }
      }
      e = entryOf(a, path, follow);
    } catch (err) {
      io.err(`cannot access ${q(a)}: ${errText(err)}`);
      status = 2;
      continue;
    }
    if (e.st.kind === 'dir' && !o.dirSelf) dirs.push(e);
    else files.push(e);
  }
  sortEntries(files);
  sortEntries(dirs);
  printGroup(files, false);
  yield* io.flow();
  const header = args.length > 1 || o.recursive;
  let first = files.length === 0;

  const listDir = function* (label: string, path: string): Generator<import('../types.ts').Wait, void, void> {
    let names: string[];
    try {
      names = fs.readdir(path);
    } catch (err) {
      io.err(`cannot open directory ${q(label)}: ${errText(err)}`);
      status = 2;
      return;
    }
    if (!first) io.out('\n');
    first = false;
    if (header) io.out(`${o.quote ? qf(label) : label}:\n`);
    const list: Entry[] = [];
    if (o.all) {
      list.push({ ...entryOf('.', path, true), name: '.' });
      list.push({ ...entryOf('..', Vfs.normalize(path, '..'), true), name: '..' });
    }
    for (const n of names) {
      if (n.startsWith('.') && !o.all && !o.almost) continue;
      const child = path === '/' ? '/' + n : path + '/' + n;
      try {
        list.push(entryOf(n, child, o.deref));
      } catch (err) {
        io.err(`cannot access ${q(label.endsWith('/') ? label + n : label + '/' + n)}: ${errText(err)}`);
        status = 1;
      }
    }
    sortEntries(list);
    printGroup(list, true);
    yield* io.flow();
    if (o.recursive) {
      for (const e of list) {
        if (e.st.kind !== 'dir' || e.name === '.' || e.name === '..') continue;
        yield* listDir(label.endsWith('/') ? label + e.name : label + '/' + e.name, e.path);
      }
    }
  };
  for (const d of dirs) yield* listDir(d.name, d.path);
  return status;
}

/** GNU's `indent`: pad from column `from` to `to` with tabs (tab stops every 8) and spaces. */
function indent(from: number, to: number): string {
  let s = '';
  while (from < to) {
    if (Math.floor(to / 8) > Math.floor((from + 1) / 8)) {
      s += '\t';
      from += 8 - (from % 8);
    } else {
      s += ' ';
      from++;
    }
  }
  return s;
}

const width = (s: string): number => [...s].length;

/** Multi-column layout (ls -C / -x), after coreutils ls.c calculate_columns and print_*. */
export function columns(cells: string[], lineWidth: number, across: boolean): string {
  const n = cells.length;
  if (!n) return '';
  const w = cells.map(width);
  const MIN = 3;
  const maxIdx = Math.min(n, Math.max(1, Math.floor(lineWidth / MIN)));
  let cols = 1;
  let colArr: number[] = [Math.max(...w)];
  for (let c = maxIdx; c >= 1; c--) {
    const rows = Math.ceil(n / c);
    const arr = new Array<number>(c).fill(MIN);
    for (let i = 0; i < n; i++) {
      const idx = across ? i % c : Math.floor(i / rows);
      const real = w[i] + (idx === c - 1 ? 0 : 2);
      if (real > arr[idx]) arr[idx] = real;
    }
    if (arr.reduce((a, b) => a + b, 0) < lineWidth || c === 1) {
      cols = c;
      colArr = arr;
      break;
    }
  }
  let out = '';
  if (across) {
    let pos = 0;
    let nameLen = w[0];
    let maxLen = colArr[0];
    out += cells[0];
    for (let i = 1; i < n; i++) {
      const col = i % cols;
      if (col === 0) { out += '\n'; pos = 0; } else { out += indent(pos + nameLen, pos + maxLen); pos += maxLen; }
      out += cells[i];
      nameLen = w[i];
      maxLen = colArr[col];
    }
    return out + '\n';
  }
  const rows = Math.ceil(n / cols);
  for (let r = 0; r < rows; r++) {
    let col = 0;
    let i = r;
    let pos = 0;
    for (;;) {
      out += cells[i];
      const nameLen = w[i];
      const maxLen = colArr[col++];
      i += rows;
      if (i >= n) break;
      out += indent(pos + nameLen, pos + maxLen);
      pos += maxLen;
    }
    out += '\n';
  }
  return out;
}

/** ls -m: names separated by ", ", wrapped at the line width. */
function commas(cells: string[], lineWidth: number): string {
  let out = '';
  let pos = 0;
  cells.forEach((c, i) => {
    const sep = i < cells.length - 1 ? ',' : '';
    const len = width(c) + sep.length;
    if (i > 0) {
      if (pos + 1 + len > lineWidth) { out += '\n'; pos = 0; } else { out += ' '; pos++; }
    }
    out += c + sep;
    pos += len;
  });
  return out + '\n';
}
