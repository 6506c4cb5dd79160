/**
 * File names and metadata: basename, dirname, realpath, readlink, stat (coreutils 8.32) and
 * file (file 5.39, a few magic tests).
 *
 * stat prints 8.32's default format on an SELinux host (with the `Context:` line and the
 * statx `Birth:` line). The lab's root file system is XFS on LVM (`Device: fd00h/64768d`),
 * /dev is devtmpfs; SELinux labels come from a small table of RHEL 9's file contexts.
 */
import { Vfs, type StatResult } from '../../core/fs/vfs.ts';
import type { CmdContext } from '../types.ts';
import { blocks1k } from './ls.ts';
import { selinuxContext } from './selinux.ts';
import { defineCommand, errText, getopt, groups, lq, modeString, q, qf, strftime, users } from './util.ts';

// ---- basename / dirname --------------------------------------------------------------------

export function baseName(s: string, suffix = ''): string {
  if (s === '') return '';
  let t = s.replace(/\/+$/, '');
  if (t === '') return '/';
  t = t.slice(t.lastIndexOf('/') + 1);
  if (suffix && t !== suffix && t.endsWith(suffix)) t = t.slice(0, -suffix.length);
  return t;
}

export function dirName(s: string): string {
  let t = s.replace(/\/+$/, '');
  if (t === '') return s.startsWith('/') ? '/' : '.';
  const k = t.lastIndexOf('/');
  if (k < 0) return '.';
  t = t.slice(0, k).replace(/\/+$/, '');
  return t === '' ? '/' : t;
}

export const basename = defineCommand('basename', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'as:z',
    long: [{ name: 'multiple', key: 'a' }, { name: 'suffix', key: 's', arg: 'req' }, { name: 'zero', key: 'z' }],
  });
  if (typeof p === 'number') return p;
  let multiple = false, suffix = '', end = '\n';
  for (const [k, v] of p.opts) {
    if (k === 'a') multiple = true;
    else if (k === 's') { suffix = v ?? ''; multiple = true; }
    else if (k === 'z') end = '\0';
  }
  const a = p.args;
  if (!a.length) { io.err('missing operand'); io.tryHelp(); return 1; }
  if (multiple) {
    for (const n of a) io.out(baseName(n, suffix) + end);
    return 0;
  }
  if (a.length > 2) { io.err(`extra operand ${lq(io, a[2])}`); io.tryHelp(); return 1; }
  io.out(baseName(a[0], a[1] ?? '') + end);
  return 0;
});

export const dirname = defineCommand('dirname', function* (io, ctx) {
  const p = getopt(io, ctx.argv, { short: 'z', long: [{ name: 'zero', key: 'z' }] });
  if (typeof p === 'number') return p;
  if (!p.args.length) { io.err('missing operand'); io.tryHelp(); return 1; }
  const end = p.opts.length ? '\0' : '\n';
  for (const n of p.args) io.out(dirName(n) + end);
  return 0;
});

// ---- realpath / readlink -------------------------------------------------------------------

type Canon = 'f' | 'e' | 'm';

/** Canonicalize like realpath(3) with GNU's -e/-f/-m modes; throws FsError. */
function canonicalize(ctx: CmdContext, name: string, mode: Canon): string {
  const fs = ctx.fs;
  const abs = ctx.resolve(name);
  if (mode === 'e') return fs.realpath(abs);
  try { return fs.realpath(abs); } catch (e) {
    if (mode === 'm') {
      // resolve the longest existing prefix, then append the rest lexically
      const parts = abs.split('/').filter(Boolean);
      for (let i = parts.length - 1; i >= 0; i--) {
        const head = '/' + parts.slice(0, i).join('/');
        try { return Vfs.normalize(fs.realpath(head), parts.slice(i).join('/')); } catch { /* shorter */ }
      }
      return abs;
    }
    // -f: all but the last component must exist
    const k = abs.lastIndexOf('/');
    const parent = k <= 0 ? '/' : abs.slice(0, k);
    const last = abs.slice(k + 1);
    const rp = fs.realpath(parent);
    if (!fs.isDir(rp)) throw e;
    return Vfs.normalize(rp, last);
  }
}

export const realpath = defineCommand('realpath', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'emLPqsz',
    long: [{ name: 'canonicalize-existing', key: 'e' }, { name: 'canonicalize-missing', key: 'm' }, { name: 'logical', key: 'L' },
      { name: 'physical', key: 'P' }, { name: 'quiet', key: 'q' }, { name: 'strip', key: 's' }, { name: 'no-symlinks', key: 's' },
      { name: 'zero', key: 'z' }, { name: 'relative-to', arg: 'req' }, { name: 'relative-base', arg: 'req' }],
  });
  if (typeof p === 'number') return p;
  let mode: Canon = 'f', quiet = false, strip = false, end = '\n';
  for (const [k] of p.opts) {
    if (k === 'e') mode = 'e';
    else if (k === 'm') mode = 'm';
    else if (k === 'q') quiet = true;
    else if (k === 's') strip = true;
    else if (k === 'z') end = '\0';
  }
  if (!p.args.length) { io.err('missing operand'); io.tryHelp(); return 1; }
  let status = 0;
  for (const n of p.args) {
    try {
      io.out((strip ? ctx.resolve(n) : canonicalize(ctx, n, mode)) + end);
    } catch (e) {
      if (!quiet) io.err(`${qf(n)}: ${errText(e)}`);
      status = 1;
    }
  }
  return status;
});

export const readlink = defineCommand('readlink', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'femnqsvz',
    long: [{ name: 'canonicalize', key: 'f' }, { name: 'canonicalize-existing', key: 'e' }, { name: 'canonicalize-missing', key: 'm' },
      { name: 'no-newline', key: 'n' }, { name: 'quiet', key: 'q' }, { name: 'silent', key: 's' }, { name: 'verbose', key: 'v' },
      { name: 'zero', key: 'z' }],
  });
  if (typeof p === 'number') return p;
  let mode: Canon | undefined, noNl = false, verbose = false, end = '\n';
  for (const [k] of p.opts) {
    if (k === 'f' || k === 'e' || k === 'm') mode = k;
    else if (k === 'n') noNl = true;
    else if (k === 'v') verbose = true;
    else if (k === 'q' || k === 's') verbose = false;
    else if (k === 'z') end = '\0';
  }
  if (!p.args.length) { io.err('missing operand'); io.tryHelp(); return 1; }
  let status = 0;
  p.args.forEach((n, i) => {
    try {
      const r = mode ? canonicalize(ctx, n, mode) : ctx.fs.readlink(ctx.resolve(n));
      io.out(r + (noNl && i === p.args.length - 1 ? '' : end));
    } catch (e) {
      if (verbose) io.err(`${qf(n)}: ${errText(e)}`);
      status = 1;
    }
  });
  return status;
});

// ---- SELinux labels and devices ------------------------------------------------------------

const DEVNUM: Record<string, [number, number]> = {
  null: [1, 3], zero: [1, 5], full: [1, 7], random: [1, 8], urandom: [1, 9], tty: [5, 0],
};

function fileType(st: StatResult): string {
  switch (st.kind) {
    case 'dir': return 'directory';
    case 'symlink': return 'symbolic link';
    case 'chardev': return 'character special file';
    default: return st.size === 0 ? 'regular empty file' : 'regular file';
  }
}

function deviceOf(path: string): [number, number] {
  if (/^\/dev(\/|$)/.test(path)) return [0, 5];
  if (/^\/proc(\/|$)/.test(path)) return [0, 21];
  if (/^\/boot(\/|$)/.test(path)) return [8, 1];
  return [253, 0];
}

// ---- stat ----------------------------------------------------------------------------------

const DEFAULT_FMT = '  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\nDevice: %Dh/%dd\tInode: %-10i  Links: %h\nAccess: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\nContext: %C\nAccess: %x\nModify: %y\nChange: %z\n Birth: %w\n';
const DEVICE_FMT = '  File: %N\n  Size: %-10s\tBlocks: %-10b IO Block: %-6o %F\nDevice: %Dh/%dd\tInode: %-10i  Links: %-5h Device type: %t,%T\nAccess: (%04a/%10.10A)  Uid: (%5u/%8U)   Gid: (%5g/%8G)\nContext: %C\nAccess: %x\nModify: %y\nChange: %z\n Birth: %w\n';

export const stat = defineCommand('stat', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'c:fLt',
    long: [{ name: 'format', key: 'c', arg: 'req' }, { name: 'printf', arg: 'req' }, { name: 'dereference', key: 'L' },
      { name: 'file-system', key: 'f' }, { name: 'terse', key: 't' }, { name: 'cached', arg: 'req' }],
  });
  if (typeof p === 'number') return p;
  let fmt: string | undefined;
  let deref = false, terse = false, fsMode = false;
  for (const [k, v] of p.opts) {
    if (k === 'c') fmt = (v ?? '') + '\n';
    else if (k === 'printf') fmt = unescapePrintf(v ?? '');
    else if (k === 'L') deref = true;
    else if (k === 't') terse = true;
    else if (k === 'f') fsMode = true;
  }
  if (!p.args.length) { io.err('missing operand'); io.tryHelp(); return 1; }
  const us = users(ctx), gs = groups(ctx);
  let status = 0;
  for (const n of p.args) {
    const path = ctx.resolve(n);
    let st: StatResult;
    try {
      st = deref ? ctx.fs.stat(path) : ctx.fs.lstat(path);
    } catch (e) {
      io.err(`cannot ${fsMode ? 'read file system information for' : 'statx'} ${q(n)}: ${errText(e)}`);
      status = 1;
      continue;
    }
    if (fsMode) {
      io.out(`  File: "${n}"\n    ID: fd0000000000 Namelen: 255     Type: xfs\nBlock size: 4096       Fundamental block size: 4096\nBlocks: Total: 4452864    Free: 4009632    Available: 4009632\nInodes: Total: 8910848    Free: 8846017\n`);
      continue;
    }
    const node = ctx.fs.lookup(path, !deref ? false : true);
    const dev = st.kind === 'chardev' ? DEVNUM[node.dev ?? 'null'] ?? [0, 0] : undefined;
    const time = (t: number): string => strftime('%Y-%m-%d %H:%M:%S.000000000 +0000', t);
    const [dmaj, dmin] = deviceOf(path);
    const devNum = dmaj * 256 + dmin;
    const conv = (c: string): string | number => {
      switch (c) {
        case 'n': return n;
        case 'N': return st.kind === 'symlink' ? `${qf(n)} -> ${qf(ctx.fs.readlink(path))}` : qf(n);
        case 's': return st.size;
        case 'b': return blocks1k(st) * 2;
        case 'B': return 512;
        case 'o': return 4096;
        case 'F': return fileType(st);
        case 'D': return devNum.toString(16);
        case 'd': return devNum;
        case 'i': return st.ino;
        case 'h': return st.nlink;
        case 'a': return (st.mode & 0o7777).toString(8);
        case 'A': return modeString(st.kind, st.mode);
        case 'f': return st.stMode.toString(16);
        case 'u': return st.uid;
        case 'U': return us.byId.get(st.uid) ?? 'UNKNOWN';
        case 'g': return st.gid;
        case 'G': return gs.byId.get(st.gid) ?? 'UNKNOWN';
        case 'C': return selinuxContext(path);
        case 'x': return time(st.atime);
        case 'X': return st.atime;
        case 'y': return time(st.mtime);
        case 'Y': return st.mtime;
        case 'z': return time(st.ctime);
        case 'Z': return st.ctime;
        case 'w': return time(Math.min(st.ctime, st.mtime));
        case 'W': return Math.min(st.ctime, st.mtime);
        case 't': return (dev?.[0] ?? 0).toString(16);
        case 'T': return (dev?.[1] ?? 0).toString(16);
        case 'm': return /^\/dev(\/|$)/.test(path) ? '/dev' : /^\/boot(\/|$)/.test(path) ? '/boot' : '/';
        default: return '?';
      }
    };
    const f = fmt ?? (terse ? '%n %s %b %f %u %g %D %i %h %t %T %X %Y %Z %W %o %C\n' : dev ? DEVICE_FMT : DEFAULT_FMT);
    io.out(f.replace(/%([-#0 +']*)(\d*)(?:\.(\d+))?([a-zA-Z%])/g, (_m, flags: string, width: string, prec: string | undefined, c: string) => {
      if (c === '%') return '%';
      let v = String(conv(c));
      if (prec !== undefined) v = /^\d+$/.test(v) && c !== 'A' ? v.padStart(Number(prec), '0') : v.slice(0, Number(prec));
      const w = Number(width || 0);
      if (flags.includes('-')) return v.padEnd(w);
      if (flags.includes('0') || (width.startsWith('0') && /^\d+$/.test(v))) return v.padStart(w, '0');
      return v.padStart(w);
    }));
  }
  return status;
});

function unescapePrintf(s: string): string {
  return s.replace(/\\(n|t|\\|"|a|b|f|r|v|[0-7]{1,3})/g, (_m, c: string) => {
    const m: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', '"': '"', a: '\x07', b: '\b', f: '\f', r: '\r', v: '\v' };
    return m[c] ?? String.fromCharCode(parseInt(c, 8));
  });
}

// ---- file ----------------------------------------------------------------------------------

function describe(ctx: CmdContext, path: string): string {
  const fs = ctx.fs;
  const lst = fs.lstat(path);
  if (lst.kind === 'symlink') return `symbolic link to ${fs.readlink(path)}`;
  if (lst.kind === 'dir') return `${lst.mode & 0o1000 ? 'sticky, ' : ''}directory`;
  if (lst.kind === 'chardev') {
    const d = DEVNUM[fs.lookup(path, false).dev ?? 'null'] ?? [0, 0];
    return `character special (${d[0]}/${d[1]})`;
  }
  const data = fs.readFile(path);
  if (data === '') return 'empty';
  if (data.includes('\0')) return 'data';
  const ascii = !/[^\x00-\x7f]/.test(data);
  const enc = ascii ? 'ASCII text' : 'UTF-8 Unicode text';
  const lines = data.split('\n');
  const extras: string[] = [];
  if (lines.some((l) => l.length > 300)) extras.push('with very long lines');
  if (/\r\n/.test(data)) extras.push('with CRLF line terminators');
  else if (/\r/.test(data)) extras.push('with CR line terminators');
  if (/[\x1b]/.test(data)) extras.push('with escape sequences');
  if (!data.endsWith('\n') && !extras.length) extras.push('with no line terminators');
  const suffix = extras.length ? ', ' + extras.join(', ') : '';
  const first = lines[0];
  const exec = lst.mode & 0o111 ? ' executable' : '';
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
  if (shebang) {
    const interp = (shebang[1].endsWith('/env') ? shebang[2] ?? '' : shebang[1]).replace(/^.*\//, '');
    const kind = interp === 'bash' ? 'Bourne-Again shell script' : interp === 'sh' ? 'POSIX shell script'
      : interp.startsWith('python') ? 'Python script' : interp === 'perl' ? 'Perl script' : `a ${interp} script`;
    return `${kind}, ${enc}${exec}${suffix}`;
  }
  if (/^\s*(<!DOCTYPE html|<html|<head|<body|<h1|<title)/i.test(data)) return `HTML document, ${enc}${suffix}`;
  if (/^\s*<\?xml/.test(data)) return `XML 1.0 document, ${enc}${suffix}`;
  if (/^\s*[{[]/.test(data)) {
    try { JSON.parse(data); return 'JSON data'; } catch { /* not JSON */ }
  }
  return `${enc}${suffix}`;
}

export const file = defineCommand('file', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'bLhiz',
    long: [{ name: 'brief', key: 'b' }, { name: 'dereference', key: 'L' }, { name: 'no-dereference', key: 'h' },
      { name: 'mime', key: 'i' }, { name: 'version', key: 'v' }],
  });
  if (typeof p === 'number') return p;
  const brief = p.opts.some(([k]) => k === 'b');
  const deref = p.opts.some(([k]) => k === 'L');
  const mime = p.opts.some(([k]) => k === 'i');
  if (p.opts.some(([k]) => k === 'v')) { io.out('file-5.39\nmagic file from /usr/share/misc/magic\n'); return 0; }
  if (!p.args.length) {
    io.errRaw('Usage: file [-bcCdEhikLlNnprsSvzZ0] [--apple] [--extension] [--mime-encoding]\n            [--mime-type] [-e <testname>] [-F <separator>]  [-f <namefile>]\n            [-m <magicfiles>] [-P <parameter=value>] [--exclude-quiet]\n            <file> ...\n       file -C [-m <magicfiles>]\n       file [--help]\n');
    return 1;
  }
  const width = Math.max(...p.args.map((a) => a.length)) + 1;
  for (const n of p.args) {
    let path = ctx.resolve(n);
    let desc: string;
    try {
      if (deref) path = ctx.fs.realpath(path);
      desc = describe(ctx, path);
      if (mime) {
        const st = ctx.fs.lstat(path);
        desc = st.kind === 'dir' ? 'inode/directory; charset=binary' : st.kind === 'symlink' ? 'inode/symlink; charset=binary'
          : st.kind === 'chardev' ? 'inode/chardevice; charset=binary' : desc === 'empty' ? 'inode/x-empty; charset=binary'
            : desc.startsWith('HTML') ? 'text/html; charset=us-ascii' : desc === 'data' ? 'application/octet-stream; charset=binary'
              : `text/plain; charset=${desc.includes('UTF-8') ? 'utf-8' : 'us-ascii'}`;
      }
    } catch (e) {
      desc = `cannot open \`${n}' (${errText(e)})`;
    }
    io.out(brief ? desc + '\n' : `${(n + ':').padEnd(width)} ${desc}\n`);
  }
  return 0;
});
