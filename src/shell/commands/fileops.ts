/**
 * Commands that change the file tree: mkdir, rmdir, touch, cp, mv, rm, ln, chmod, chown, chgrp.
 *
 * Messages follow coreutils 8.32 word for word (`cp: -r not specified; omitting directory 'd'`,
 * `rm: cannot remove 'x': Is a directory`, `mkdir: cannot create directory ‘a/b’: ...`),
 * including which ones use the locale's quotes. Interactive prompts (`cp -i`, `rm -i`, `mv -i`;
 * RHEL's root has `alias cp='cp -i'`) go to stderr and read one line from stdin, as GNU's
 * yesno() does.
 *
 * Hard links: the Vfs has none, so `ln` without -s attaches the same inode at a second path
 * (writes through either name are seen by both; the link count still reads 1).
 * Left out: ACLs, SELinux contexts (`chcon`), backups (`--backup`), sparse files.
 */
import { FsError, Vfs, type StatResult } from '../../core/fs/vfs.ts';
import type { CmdContext, Co } from '../types.ts';
import { parseDate } from './date.ts';
import {
  defineCommand, epochNow, errCode, errText, getopt, groups, type Io, lq, modeString, passSignal, q, users,
} from './util.ts';

// ---- modes ---------------------------------------------------------------------------------

/**
 * Apply a chmod-style mode (octal or symbolic, e.g. `u+x,go-w`, `a=r`, `+X`) to `old`.
 * Returns undefined for a malformed mode. `umask` masks who-less symbolic changes, as GNU's
 * mode_adjust does.
 */
export function applyMode(spec: string, old: number, isDir: boolean, umask: number): number | undefined {
  if (/^[0-7]+$/.test(spec)) {
    if (spec.length > 4) return undefined;
    const v = parseInt(spec, 8);
    // GNU: an octal mode with fewer than 5 digits keeps a directory's set-id bits
    return isDir && spec.length < 5 ? (v & 0o7777) | (old & 0o6000) : v & 0o7777;
  }
  let mode = old & 0o7777;
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)((?:[-+=](?:[ugo]|[rwxXst]*))+)$/.exec(clause);
    if (!m) return undefined;
    let who = 0;
    for (const c of m[1]) {
      if (c === 'u') who |= 0o4700;
      else if (c === 'g') who |= 0o2070;
      else if (c === 'o') who |= 0o1007;
      else who |= 0o7777;
    }
    const masked = m[1] === '';
    if (masked) who = 0o7777 & ~umask;
    const ops = m[2].match(/[-+=](?:[ugo]|[rwxXst]*)/g)!;
    for (const op of ops) {
      const o = op[0];
      const perms = op.slice(1);
      let bits = 0;
      if (perms === 'u' || perms === 'g' || perms === 'o') {
        const src = perms === 'u' ? (mode >> 6) & 7 : perms === 'g' ? (mode >> 3) & 7 : mode & 7;
        bits = (src << 6) | (src << 3) | src;
      } else {
        for (const c of perms) {
          if (c === 'r') bits |= 0o444;
          else if (c === 'w') bits |= 0o222;
          else if (c === 'x') bits |= 0o111;
          else if (c === 'X') { if (isDir || mode & 0o111) bits |= 0o111; }
          else if (c === 's') bits |= 0o6000;
          else if (c === 't') bits |= 0o1000;
        }
      }
      const eff = bits & (masked ? who | 0 : who);
      if (o === '+') mode |= eff;
      else if (o === '-') mode &= ~eff;
      else {
        const clearMask = masked ? 0o7777 : who;
        mode = (mode & ~(clearMask & (isDir ? ~0o6000 : 0o7777))) | eff;
      }
    }
  }
  return mode & 0o7777;
}

const octal4 = (m: number): string => m.toString(8).padStart(4, '0');

// ---- helpers -------------------------------------------------------------------------------

function basename(p: string): string {
  const t = p.replace(/\/+$/, '');
  if (t === '') return p.startsWith('/') ? '/' : '';
  return t.slice(t.lastIndexOf('/') + 1);
}

function joinLabel(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : dir + '/' + name;
}

function lstatOrNull(fs: Vfs, path: string): StatResult | null {
  try { return fs.lstat(path); } catch { return null; }
}

function statOrNull(fs: Vfs, path: string): StatResult | null {
  try { return fs.stat(path); } catch { return null; }
}

/** Print a prompt on stderr and read the answer (GNU yesno: starts with y or Y). */
function* ask(io: Io, prompt: string): Co<boolean> {
  io.errRaw(`${io.prog}: ${prompt}`);
  const line = yield* io.ctx.stdin.readLine();
  return line !== null && /^\s*[yY]/.test(line);
}

function missing(io: Io, what = 'missing operand'): number {
  io.err(what);
  io.tryHelp();
  return 1;
}

function setTimes(fs: Vfs, path: string, st: StatResult): void {
  const n = fs.lookup(path, false);
  n.mtime = st.mtime;
  n.atime = st.atime;
}

// ---- mkdir / rmdir -------------------------------------------------------------------------

export const mkdir = defineCommand('mkdir', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'pvm:Z',
    long: [{ name: 'parents', key: 'p' }, { name: 'verbose', key: 'v' }, { name: 'mode', key: 'm', arg: 'req' }, { name: 'context', key: 'Z', arg: 'opt' }],
  });
  if (typeof p === 'number') return p;
  let parents = false, verbose = false, modeSpec: string | undefined;
  for (const [k, v] of p.opts) {
    if (k === 'p') parents = true;
    else if (k === 'v') verbose = true;
    else if (k === 'm') modeSpec = v;
  }
  if (!p.args.length) return missing(io);
  const fs = ctx.fs;
  let mode: number | undefined;
  if (modeSpec !== undefined) {
    mode = applyMode(modeSpec, 0o777, true, fs.umask);
    if (mode === undefined) { io.err(`invalid mode ${lq(io, modeSpec)}`); return 1; }
  }
  let status = 0;
  for (const a of p.args) {
    const path = ctx.resolve(a);
    try {
      if (parents) {
        // Create each missing component, reporting it with -v as the operand spells it.
        const parts = a.split('/');
        let label = '';
        for (let i = 0; i < parts.length; i++) {
          label = i === 0 ? parts[0] : label + '/' + parts[i];
          if (parts[i] === '' || parts[i] === '.' || parts[i] === '..') continue;
          const abs = ctx.resolve(label || '/');
          const st = statOrNull(fs, abs);
          if (st) {
            if (st.kind !== 'dir') throw new FsError(i === parts.length - 1 ? 'EEXIST' : 'ENOTDIR', abs);
            continue;
          }
          fs.mkdir(abs);
          const last = parts.slice(i + 1).every((x) => x === '');
          if (last && mode !== undefined) fs.chmod(abs, mode);
          else fs.chmod(abs, (0o777 & ~fs.umask) | 0o300);
          if (verbose) io.out(`mkdir: created directory ${q(label)}\n`);
        }
      } else {
        fs.mkdir(path);
        if (mode !== undefined) fs.chmod(path, mode);
        if (verbose) io.out(`mkdir: created directory ${q(a)}\n`);
      }
    } catch (e) {
      passSignal(e);
      if (parents && errCode(e) === 'EEXIST' && fs.isDir(path)) continue;
      io.err(`cannot create directory ${lq(io, a)}: ${errText(e)}`);
      status = 1;
    }
  }
  return status;
});

export const rmdir = defineCommand('rmdir', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'pv',
    long: [{ name: 'parents', key: 'p' }, { name: 'verbose', key: 'v' }, { name: 'ignore-fail-on-non-empty', key: 'I' }],
  });
  if (typeof p === 'number') return p;
  const has = (k: string): boolean => p.opts.some(([x]) => x === k);
  const parents = has('p'), verbose = has('v'), ignoreNonEmpty = has('I');
  if (!p.args.length) return missing(io);
  let status = 0;
  const remove = (label: string): boolean => {
    if (verbose) io.out(`rmdir: removing directory, ${q(label)}\n`);
    try {
      ctx.fs.rmdir(ctx.resolve(label));
      return true;
    } catch (e) {
      passSignal(e);
      if (ignoreNonEmpty && errCode(e) === 'ENOTEMPTY') return false;
      io.err(`failed to remove ${q(label)}: ${errText(e)}`);
      status = 1;
      return false;
    }
  };
  for (const a of p.args) {
    if (!remove(a)) continue;
    if (parents) {
      let cur = a.replace(/\/+$/, '');
      for (;;) {
        const k = cur.lastIndexOf('/');
        if (k <= 0) break;
        cur = cur.slice(0, k).replace(/\/+$/, '');
        if (!cur || !remove(cur)) break;
      }
    }
  }
  return status;
});

// ---- touch ---------------------------------------------------------------------------------

export const touch = defineCommand('touch', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'acd:fhmr:t:',
    long: [{ name: 'no-create', key: 'c' }, { name: 'date', key: 'd', arg: 'req' }, { name: 'reference', key: 'r', arg: 'req' },
      { name: 'no-dereference', key: 'h' }, { name: 'time', arg: 'req' }],
  });
  if (typeof p === 'number') return p;
  const fs = ctx.fs;
  let noCreate = false, onlyA = false, onlyM = false;
  let t: number | undefined;
  for (const [k, v] of p.opts) {
    if (k === 'c') noCreate = true;
    else if (k === 'a') onlyA = true;
    else if (k === 'm') onlyM = true;
    else if (k === 'time') { if (/^(atime|access|use)$/.test(v ?? '')) onlyA = true; else onlyM = true; }
    else if (k === 'd') {
      t = parseDate(v ?? '', epochNow(ctx));
      if (t === undefined) { io.err(`invalid date format ${lq(io, v ?? '')}`); return 1; }
    } else if (k === 't') {
      const m = /^(\d{2}|\d{4})?(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{2}))?$/.exec(v ?? '');
      if (!m) { io.err(`invalid date format ${lq(io, v ?? '')}`); return 1; }
      const nowY = new Date(epochNow(ctx) * 1000).getUTCFullYear();
      let y = nowY;
      if (m[1]) y = m[1].length === 4 ? Number(m[1]) : (Number(m[1]) < 69 ? 2000 : 1900) + Number(m[1]);
      t = Date.UTC(y, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)) / 1000;
    } else if (k === 'r') {
      try { t = fs.stat(ctx.resolve(v ?? '')).mtime; } catch (e) {
        io.err(`failed to get attributes of ${q(v ?? '')}: ${errText(e)}`);
        return 1;
      }
    }
  }
  if (!p.args.length) return missing(io, 'missing file operand');
  let status = 0;
  for (const a of p.args) {
    const path = ctx.resolve(a);
    try {
      if (!fs.exists(path)) {
        if (noCreate) continue;
        fs.writeFile(path, '');
      }
      const n = fs.lookup(path);
      const when = t ?? epochNow(ctx);
      if (!onlyM || onlyA) n.atime = when;
      if (!onlyA || onlyM) n.mtime = when;
      n.ctime = epochNow(ctx);
    } catch (e) {
      passSignal(e);
      io.err(`cannot touch ${q(a)}: ${errText(e)}`);
      status = 1;
    }
  }
  return status;
});

// ---- cp ------------------------------------------------------------------------------------

interface CpOpts {
  recursive: boolean; force: boolean; interactive: boolean; noClobber: boolean; verbose: boolean;
  preserve: boolean; noDeref: boolean; derefAll: boolean; update: boolean;
}

export const cp = defineCommand('cp', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'adfHiLnPprRsTt:uvx',
    long: [
      { name: 'archive', key: 'a' }, { name: 'force', key: 'f' }, { name: 'interactive', key: 'i' },
      { name: 'dereference', key: 'L' }, { name: 'no-clobber', key: 'n' }, { name: 'no-dereference', key: 'P' },
      { name: 'preserve', arg: 'opt' }, { name: 'recursive', key: 'R' }, { name: 'target-directory', key: 't', arg: 'req' },
      { name: 'no-target-directory', key: 'T' }, { name: 'update', key: 'u' }, { name: 'verbose', key: 'v' },
    ],
  });
  if (typeof p === 'number') return p;
  const o: CpOpts = { recursive: false, force: false, interactive: false, noClobber: false, verbose: false, preserve: false, noDeref: false, derefAll: false, update: false };
  let targetDir: string | undefined;
  let noTargetDir = false;
  for (const [k, v] of p.opts) {
    switch (k) {
      case 'a': o.recursive = o.preserve = o.noDeref = true; break;
      case 'd': case 'P': o.noDeref = true; o.derefAll = false; break;
      case 'L': o.derefAll = true; o.noDeref = false; break;
      case 'f': o.force = true; o.interactive = false; o.noClobber = false; break;
      case 'i': o.interactive = true; o.noClobber = false; break;
      case 'n': o.noClobber = true; o.interactive = false; break;
      case 'p': case 'preserve': o.preserve = true; break;
      case 'r': case 'R': o.recursive = true; break;
      case 't': targetDir = v; break;
      case 'T': noTargetDir = true; break;
      case 'u': o.update = true; break;
      case 'v': o.verbose = true; break;
      default: break;
    }
  }
  if (o.recursive && !o.derefAll) o.noDeref = true;
  return yield* copyOrMove(io, ctx, p.args, targetDir, noTargetDir, (src, dst, sLabel, dLabel) => cpOne(io, ctx, o, src, dst, sLabel, dLabel, true));
});

/** Shared operand handling for cp and mv: SOURCE DEST, SOURCE... DIR, -t DIR SOURCE... */
function* copyOrMove(io: Io, ctx: CmdContext, args: string[], targetDir: string | undefined, noTargetDir: boolean,
  one: (src: string, dst: string, sLabel: string, dLabel: string) => Co<boolean>): Co<number> {
  const fs = ctx.fs;
  if (!args.length) return missing(io, 'missing file operand');
  let sources: string[];
  let dest: string;
  if (targetDir !== undefined) {
    sources = args;
    dest = targetDir;
    if (!fs.isDir(ctx.resolve(dest))) {
      io.err(statOrNull(fs, ctx.resolve(dest)) ? `target ${q(dest)} is not a directory` : `target directory ${q(dest)}: No such file or directory`);
      return 1;
    }
  } else {
    if (args.length === 1) return missing(io, `missing destination file operand after ${q(args[0])}`);
    sources = args.slice(0, -1);
    dest = args[args.length - 1];
    if (noTargetDir && args.length > 2) {
      io.err(`extra operand ${q(args[2])}`);
      io.tryHelp();
      return 1;
    }
    if (sources.length > 1 && !fs.isDir(ctx.resolve(dest))) {
      io.err(`target ${q(dest)} is not a directory`);
      return 1;
    }
  }
  const destIsDir = !noTargetDir && fs.isDir(ctx.resolve(dest));
  let status = 0;
  for (const s of sources) {
    const dLabel = destIsDir ? joinLabel(dest, basename(s)) : dest;
    const ok = yield* one(ctx.resolve(s), ctx.resolve(dLabel), s, dLabel);
    if (!ok) status = 1;
    yield* io.flow();
  }
  return status;
}

function* cpOne(io: Io, ctx: CmdContext, o: CpOpts, src: string, dst: string, sLabel: string, dLabel: string, top: boolean): Co<boolean> {
  const fs = ctx.fs;
  let st: StatResult;
  try {
    st = o.noDeref && !(top && o.derefAll) ? fs.lstat(src) : fs.stat(src);
  } catch (e) {
    io.err(`cannot stat ${q(sLabel)}: ${errText(e)}`);
    return false;
  }
  const dstL = lstatOrNull(fs, dst);
  const dstSt = statOrNull(fs, dst);
  if (dstSt && st.kind !== 'symlink') {
    try {
      if (fs.lookup(src) === fs.lookup(dst)) {
        io.err(`${q(sLabel)} and ${q(dLabel)} are the same file`);
        return false;
      }
    } catch { /* unreachable source: reported below */ }
  }
  if (st.kind === 'dir') {
    if (!o.recursive) {
      io.err(`-r not specified; omitting directory ${q(sLabel)}`);
      return false;
    }
    const rs = fs.realpath(src);
    const rdParent = statOrNull(fs, dst) ? fs.realpath(dst) : (() => {
      const k = dst.lastIndexOf('/');
      const par = k <= 0 ? '/' : dst.slice(0, k);
      try { return Vfs.normalize(fs.realpath(par), dst.slice(k + 1)); } catch { return dst; }
    })();
    if (rdParent === rs || rdParent.startsWith(rs + '/')) {
      io.err(`cannot copy a directory, ${q(sLabel)}, into itself, ${q(dLabel)}`);
      return false;
    }
    if (dstSt && dstSt.kind !== 'dir') {
      io.err(`cannot overwrite non-directory ${q(dLabel)} with directory ${q(sLabel)}`);
      return false;
    }
    if (!dstSt) {
      try {
        fs.mkdir(dst);
        fs.chmod(dst, st.mode & ~fs.umask);
      } catch (e) {
        io.err(`cannot create directory ${q(dLabel)}: ${errText(e)}`);
        return false;
      }
      if (o.verbose) io.out(`${q(sLabel)} -> ${q(dLabel)}\n`);
    }
    let ok = true;
    let names: string[] = [];
    try { names = fs.readdir(src); } catch (e) {
      io.err(`cannot access ${q(sLabel)}: ${errText(e)}`);
      return false;
    }
    for (const n of names) {
      const r = yield* cpOne(io, ctx, o, joinLabel(src, n), joinLabel(dst, n), joinLabel(sLabel, n), joinLabel(dLabel, n), false);
      if (!r) ok = false;
      yield* io.flow();
    }
    if (o.preserve) {
      fs.chmod(dst, st.mode);
      fs.chown(dst, st.uid, st.gid);
      setTimes(fs, dst, st);
    }
    return ok;
  }
  if (dstSt && dstSt.kind === 'dir') {
    io.err(`cannot overwrite directory ${q(dLabel)} with non-directory`);
    return false;
  }
  if (dstL) {
    if (o.noClobber) return true;
    if (o.update && dstSt && dstSt.mtime >= st.mtime) return true;
    if (o.interactive && !(yield* ask(io, `overwrite ${q(dLabel)}? `))) return true;
  }
  try {
    if (st.kind === 'symlink') {
      if (dstL) fs.unlink(dst);
      fs.symlink(fs.readlink(src), dst);
    } else if (st.kind === 'chardev' && o.recursive) {
      if (dstL) fs.unlink(dst);
      fs.mknodChar(dst, fs.lookup(src).dev ?? 'null', st.mode);
    } else {
      const node = fs.lookup(src);
      let data: string;
      if (node.kind === 'chardev') {
        if (node.dev === 'zero' || node.dev === 'urandom' || node.dev === 'random' || node.dev === 'full') {
          // An endless source: the real cp would fill the disk.
          if (!dstL) fs.writeFile(dst, '', { mode: st.mode });
          io.err(`error writing ${q(dLabel)}: No space left on device`);
          return false;
        }
        data = '';
      } else data = fs.readNode(node, src);
      if (dstL) {
        try { fs.writeFile(dst, data); } catch (e) {
          if (!o.force) throw e;
          fs.unlink(dst);
          fs.writeFile(dst, data, { mode: st.mode });
        }
      } else fs.writeFile(dst, data, { mode: st.mode });
    }
    if (o.preserve && st.kind !== 'symlink') {
      fs.chmod(dst, st.mode);
      fs.chown(dst, st.uid, st.gid);
      setTimes(fs, dst, st);
    }
  } catch (e) {
    passSignal(e);
    io.err(`cannot create regular file ${q(dLabel)}: ${errText(e)}`);
    return false;
  }
  if (o.verbose) io.out(`${q(sLabel)} -> ${q(dLabel)}\n`);
  return true;
}

// ---- mv ------------------------------------------------------------------------------------

export const mv = defineCommand('mv', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'finTt:uv',
    long: [
      { name: 'force', key: 'f' }, { name: 'interactive', key: 'i' }, { name: 'no-clobber', key: 'n' },
      { name: 'target-directory', key: 't', arg: 'req' }, { name: 'no-target-directory', key: 'T' },
      { name: 'update', key: 'u' }, { name: 'verbose', key: 'v' },
    ],
  });
  if (typeof p === 'number') return p;
  let interactive = false, noClobber = false, verbose = false, update = false, noTarget = false;
  let targetDir: string | undefined;
  for (const [k, v] of p.opts) {
    if (k === 'f') { interactive = false; noClobber = false; }
    else if (k === 'i') { interactive = true; noClobber = false; }
    else if (k === 'n') { noClobber = true; interactive = false; }
    else if (k === 'v') verbose = true;
    else if (k === 'u') update = true;
    else if (k === 't') targetDir = v;
    else if (k === 'T') noTarget = true;
  }
  const fs = ctx.fs;
  return yield* copyOrMove(io, ctx, p.args, targetDir, noTarget, function* (src, dst, sLabel, dLabel) {
    let st: StatResult;
    try { st = fs.lstat(src); } catch (e) {
      io.err(`cannot stat ${q(sLabel)}: ${errText(e)}`);
      return false;
    }
    const dstL = lstatOrNull(fs, dst);
    if (dstL) {
      let same = false;
      try { same = fs.lookup(src, false) === fs.lookup(dst, false); } catch { /* no */ }
      if (same) {
        io.err(`${q(sLabel)} and ${q(dLabel)} are the same file`);
        return false;
      }
      if (noClobber) return true;
      if (update && dstL.mtime >= st.mtime) return true;
      if (interactive && !(yield* ask(io, `overwrite ${q(dLabel)}? `))) return true;
      if (st.kind === 'dir' && dstL.kind !== 'dir') {
        io.err(`cannot overwrite non-directory ${q(dLabel)} with directory ${q(sLabel)}`);
        return false;
      }
      if (st.kind !== 'dir' && dstL.kind === 'dir') {
        io.err(`cannot overwrite directory ${q(dLabel)} with non-directory`);
        return false;
      }
    }
    if (st.kind === 'dir') {
      const a = fs.realpath(src);
      const k = dst.lastIndexOf('/');
      let b = dst;
      try { b = Vfs.normalize(fs.realpath(k <= 0 ? '/' : dst.slice(0, k)), dst.slice(k + 1)); } catch { /* parent missing */ }
      if (b.startsWith(a + '/')) {
        io.err(`cannot move ${q(sLabel)} to a subdirectory of itself, ${q(dLabel)}`);
        return false;
      }
    }
    try {
      fs.rename(src, dst);
    } catch (e) {
      passSignal(e);
      io.err(`cannot move ${q(sLabel)} to ${q(dLabel)}: ${errText(e)}`);
      return false;
    }
    if (verbose) io.out(`renamed ${q(sLabel)} -> ${q(dLabel)}\n`);
    return true;
  });
});

// ---- rm ------------------------------------------------------------------------------------

function kindWords(st: StatResult): string {
  switch (st.kind) {
    case 'dir': return 'directory';
    case 'symlink': return 'symbolic link';
    case 'chardev': return 'character special file';
    default: return st.size === 0 ? 'regular empty file' : 'regular file';
  }
}

export const rm = defineCommand('rm', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'dfiIrRv',
    long: [
      { name: 'force', key: 'f' }, { name: 'interactive', arg: 'opt' }, { name: 'recursive', key: 'r' },
      { name: 'dir', key: 'd' }, { name: 'verbose', key: 'v' }, { name: 'no-preserve-root' }, { name: 'preserve-root', arg: 'opt' },
      { name: 'one-file-system' },
    ],
  });
  if (typeof p === 'number') return p;
  let force = false, interactive: 'never' | 'once' | 'always' = 'never', recursive = false, dirOk = false, verbose = false, preserveRoot = true;
  for (const [k, v] of p.opts) {
    switch (k) {
      case 'f': force = true; interactive = 'never'; break;
      case 'i': interactive = 'always'; force = false; break;
      case 'I': interactive = 'once'; force = false; break;
      case 'interactive': interactive = v === 'never' || v === 'no' || v === 'none' ? 'never' : v === 'once' ? 'once' : 'always'; break;
      case 'r': case 'R': recursive = true; break;
      case 'd': dirOk = true; break;
      case 'v': verbose = true; break;
      case 'no-preserve-root': preserveRoot = false; break;
      default: break;
    }
  }
  if (!p.args.length) {
    if (force) return 0;
    return missing(io);
  }
  const fs = ctx.fs;
  if (interactive === 'once' && (recursive || p.args.length > 3)) {
    const n = p.args.length;
    const what = `remove ${n} argument${n === 1 ? '' : 's'}${recursive ? ' recursively' : ''}? `;
    if (!(yield* ask(io, what))) return 0;
  }
  let status = 0;
  const removeTree = function* (path: string, label: string): Co<boolean> {
    let st: StatResult;
    try { st = fs.lstat(path); } catch (e) {
      if (force && errCode(e) === 'ENOENT') return true;
      io.err(`cannot remove ${q(label)}: ${errText(e)}`);
      return false;
    }
    if (st.kind === 'dir') {
      if (!recursive) {
        if (dirOk) {
          if (interactive === 'always' && !(yield* ask(io, `remove directory ${q(label)}? `))) return true;
          try { fs.rmdir(path); } catch (e) {
            io.err(`cannot remove ${q(label)}: ${errText(e)}`);
            return false;
          }
          if (verbose) io.out(`removed directory ${q(label)}\n`);
          return true;
        }
        io.err(`cannot remove ${q(label)}: Is a directory`);
        return false;
      }
      let names: string[];
      try { names = fs.readdir(path); } catch (e) {
        io.err(`cannot remove ${q(label)}: ${errText(e)}`);
        return false;
      }
      if (interactive === 'always' && names.length && !(yield* ask(io, `descend into directory ${q(label)}? `))) return true;
      let ok = true;
      for (const n of names) {
        if (!(yield* removeTree(joinLabel(path, n), joinLabel(label, n)))) ok = false;
        yield* io.flow();
      }
      if (interactive === 'always' && !(yield* ask(io, `remove directory ${q(label)}? `))) return ok;
      try { fs.rmdir(path); } catch (e) {
        if (ok) io.err(`cannot remove ${q(label)}: ${errText(e)}`);
        return false;
      }
      if (verbose) io.out(`removed directory ${q(label)}\n`);
      return ok;
    }
    if (interactive === 'always' && !(yield* ask(io, `remove ${kindWords(st)} ${q(label)}? `))) return true;
    try { fs.unlink(path); } catch (e) {
      io.err(`cannot remove ${q(label)}: ${errText(e)}`);
      return false;
    }
    if (verbose) io.out(`removed ${q(label)}\n`);
    return true;
  };
  for (const a of p.args) {
    const path = ctx.resolve(a);
    const base = a.replace(/\/+$/, '').split('/').pop();
    if (base === '.' || base === '..') {
      io.err(`refusing to remove '.' or '..' directory: skipping ${q(a)}`);
      status = 1;
      continue;
    }
    if (path === '/' && recursive && preserveRoot) {
      io.err(`it is dangerous to operate recursively on ${q('/')}`);
      io.err('use --no-preserve-root to override this failsafe');
      status = 1;
      continue;
    }
    if (!(yield* removeTree(path, a))) status = 1;
  }
  return status;
});

// ---- ln ------------------------------------------------------------------------------------

export const ln = defineCommand('ln', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'fsnvTt:rLP',
    long: [
      { name: 'force', key: 'f' }, { name: 'symbolic', key: 's' }, { name: 'no-dereference', key: 'n' },
      { name: 'verbose', key: 'v' }, { name: 'target-directory', key: 't', arg: 'req' }, { name: 'no-target-directory', key: 'T' },
      { name: 'relative', key: 'r' },
    ],
  });
  if (typeof p === 'number') return p;
  let force = false, symbolic = false, noDeref = false, verbose = false, noTarget = false;
  let targetDir: string | undefined;
  for (const [k, v] of p.opts) {
    if (k === 'f') force = true;
    else if (k === 's') symbolic = true;
    else if (k === 'n') noDeref = true;
    else if (k === 'v') verbose = true;
    else if (k === 'T') noTarget = true;
    else if (k === 't') targetDir = v;
  }
  const fs = ctx.fs;
  const args = p.args;
  if (!args.length) return missing(io, 'missing file operand');
  let pairs: [string, string][];
  const isDirDest = (d: string): boolean => {
    if (noTarget) return false;
    const abs = ctx.resolve(d);
    if (noDeref) { const l = lstatOrNull(fs, abs); if (l?.kind === 'symlink') return false; }
    return fs.isDir(abs);
  };
  if (targetDir !== undefined) pairs = args.map((a) => [a, joinLabel(targetDir!, basename(a))]);
  else if (args.length === 1) pairs = [[args[0], basename(args[0])]];
  else {
    const dest = args[args.length - 1];
    const srcs = args.slice(0, -1);
    if (isDirDest(dest)) pairs = srcs.map((a) => [a, joinLabel(dest, basename(a))]);
    else if (srcs.length > 1) { io.err(`target ${q(dest)} is not a directory`); return 1; }
    else pairs = [[srcs[0], dest]];
  }
  let status = 0;
  for (const [target, link] of pairs) {
    const path = ctx.resolve(link);
    try {
      let node;
      if (!symbolic) {
        try { node = fs.lookup(ctx.resolve(target)); } catch (e) {
          io.err(`failed to access ${q(target)}: ${errText(e)}`);
          status = 1;
          continue;
        }
        if (node.kind === 'dir') {
          io.err(`${target}: hard link not allowed for directory`);
          status = 1;
          continue;
        }
      }
      const existing = lstatOrNull(fs, path);
      if (existing) {
        if (!force) throw new FsError('EEXIST', path);
        if (existing.kind === 'dir') throw new FsError('EISDIR', path);
        fs.unlink(path);
      }
      if (symbolic) fs.symlink(target, path);
      else fs.mount(path, node!);
      if (verbose) io.out(`${q(link)} ${symbolic ? '->' : '=>'} ${q(target)}\n`);
    } catch (e) {
      passSignal(e);
      io.err(`failed to create ${symbolic ? 'symbolic' : 'hard'} link ${q(link)}: ${errText(e)}`);
      status = 1;
    }
  }
  return status;
});

// ---- chmod ---------------------------------------------------------------------------------

function* walkTree(fs: Vfs, path: string, label: string, visit: (path: string, label: string, st: StatResult) => void): Co<void> {
  let st: StatResult;
  try { st = fs.lstat(path); } catch { return; }
  visit(path, label, st);
  if (st.kind !== 'dir') return;
  for (const n of fs.readdir(path)) yield* walkTree(fs, joinLabel(path, n), joinLabel(label, n), visit);
}

export const chmod = defineCommand('chmod', function* (io, ctx) {
  // Modes like -w or -x look like options: GNU chmod treats them as a mode operand.
  const argv = [...ctx.argv];
  let modeFromDash: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '--') break;
    if (/^-[rwxXst]+$/.test(argv[i]) || /^-[rwxXst,ugoa=+-]*[=+-]/.test(argv[i])) {
      if (modeFromDash === undefined) { modeFromDash = argv[i]; argv.splice(i, 1); i--; }
    }
  }
  const p = getopt(io, argv, {
    short: 'cfvR',
    long: [{ name: 'changes', key: 'c' }, { name: 'silent', key: 'f' }, { name: 'quiet', key: 'f' }, { name: 'verbose', key: 'v' },
      { name: 'recursive', key: 'R' }, { name: 'reference', arg: 'req' }],
  });
  if (typeof p === 'number') return p;
  let changes = false, quiet = false, verbose = false, recursive = false;
  let ref: string | undefined;
  for (const [k, v] of p.opts) {
    if (k === 'c') changes = true;
    else if (k === 'f') quiet = true;
    else if (k === 'v') verbose = true;
    else if (k === 'R') recursive = true;
    else if (k === 'reference') ref = v;
  }
  const args = [...p.args];
  const fs = ctx.fs;
  let spec: string;
  if (ref !== undefined) {
    try { spec = fs.stat(ctx.resolve(ref)).mode.toString(8); } catch (e) {
      io.err(`failed to get attributes of ${q(ref)}: ${errText(e)}`);
      return 1;
    }
  } else if (modeFromDash !== undefined) spec = modeFromDash;
  else {
    if (!args.length) return missing(io);
    spec = args.shift()!;
  }
  if (!args.length) return missing(io, `missing operand after ${lq(io, spec)}`);
  if (applyMode(spec, 0o644, false, fs.umask) === undefined) {
    io.err(`invalid mode: ${lq(io, spec)}`);
    io.tryHelp();
    return 1;
  }
  let status = 0;
  const change = (path: string, label: string, st: StatResult): void => {
    if (st.kind === 'symlink') return; // symlinks met during -R are not followed
    const nm = applyMode(spec, st.mode, st.kind === 'dir', fs.umask)!;
    try {
      fs.chmod(path, nm);
    } catch (e) {
      if (!quiet) io.err(`changing permissions of ${q(label)}: ${errText(e)}`);
      status = 1;
      return;
    }
    const from = `${octal4(st.mode)} (${modeString(st.kind, st.mode).slice(1)})`;
    const to = `${octal4(nm)} (${modeString(st.kind, nm).slice(1)})`;
    if (nm !== st.mode && (verbose || changes)) io.out(`mode of ${q(label)} changed from ${from} to ${to}\n`);
    else if (nm === st.mode && verbose) io.out(`mode of ${q(label)} retained as ${from}\n`);
  };
  for (const a of args) {
    const path = ctx.resolve(a);
    let st: StatResult;
    try { st = fs.stat(path); } catch (e) {
      if (!quiet) io.err(`cannot access ${q(a)}: ${errText(e)}`);
      status = 1;
      continue;
    }
    change(path, a, st);
    if (recursive && st.kind === 'dir') {
      for (const n of fs.readdir(path)) yield* walkTree(fs, joinLabel(path, n), joinLabel(a, n), change);
    }
  }
  return status;
});

// ---- chown / chgrp -------------------------------------------------------------------------

function chownLike(name: 'chown' | 'chgrp') {
  return defineCommand(name, function* (io, ctx) {
    const p = getopt(io, ctx.argv, {
      short: 'cfhvRHLP',
      long: [{ name: 'changes', key: 'c' }, { name: 'silent', key: 'f' }, { name: 'quiet', key: 'f' }, { name: 'verbose', key: 'v' },
        { name: 'recursive', key: 'R' }, { name: 'no-dereference', key: 'h' }, { name: 'dereference' }, { name: 'reference', arg: 'req' }],
    });
    if (typeof p === 'number') return p;
    let changes = false, quiet = false, verbose = false, recursive = false, noDeref = false;
    let ref: string | undefined;
    for (const [k, v] of p.opts) {
      if (k === 'c') changes = true;
      else if (k === 'f') quiet = true;
      else if (k === 'v') verbose = true;
      else if (k === 'R') recursive = true;
      else if (k === 'h') noDeref = true;
      else if (k === 'reference') ref = v;
    }
    const fs = ctx.fs;
    const args = [...p.args];
    const us = users(ctx), gs = groups(ctx);
    let uid: number | undefined, gid: number | undefined;
    let spec = '';
    if (ref !== undefined) {
      try { const st = fs.stat(ctx.resolve(ref)); uid = name === 'chown' ? st.uid : undefined; gid = st.gid; } catch (e) {
        io.err(`failed to get attributes of ${q(ref)}: ${errText(e)}`);
        return 1;
      }
    } else {
      if (!args.length) return missing(io);
      spec = args.shift()!;
    }
    if (!args.length) return missing(io, `missing operand after ${lq(io, spec)}`);
    const lookUser = (u: string): number | undefined => us.byName.get(u) ?? (/^\d+$/.test(u) ? Number(u) : undefined);
    const lookGroup = (g: string): number | undefined => gs.byName.get(g) ?? (/^\d+$/.test(g) ? Number(g) : undefined);
    if (ref === undefined) {
      if (name === 'chgrp') {
        gid = lookGroup(spec);
        if (gid === undefined) { io.err(`invalid group: ${lq(io, spec)}`); return 1; }
      } else {
        const m = /^([^:]*)(?::(.*))?$/.exec(spec)!;
        let u = m[1];
        let g = m[2];
        if (g === undefined && u.includes('.') && us.byName.get(u) === undefined) {
          // the obsolete user.group form
          [u, g] = [u.slice(0, u.indexOf('.')), u.slice(u.indexOf('.') + 1)];
        }
        if (u !== '') {
          uid = lookUser(u);
          if (uid === undefined) { io.err(`invalid user: ${lq(io, spec)}`); return 1; }
        }
        if (g !== undefined && g !== '') {
          gid = lookGroup(g);
          if (gid === undefined) { io.err(`invalid group: ${lq(io, spec)}`); return 1; }
        } else if (g === '' && u !== '') {
          // `user:` means the user's login group
          let login: number | undefined;
          try {
            for (const line of fs.readFile('/etc/passwd').split('\n')) {
              const f = line.split(':');
              if (f[0] === u) login = Number(f[3]);
            }
          } catch { /* no passwd */ }
          gid = login ?? uid;
        }
      }
    }
    const uname = (id: number): string => us.byId.get(id) ?? String(id);
    const gname = (id: number): string => gs.byId.get(id) ?? String(id);
    let status = 0;
    const change = (path: string, label: string, st: StatResult): void => {
      const nu = uid ?? st.uid, ng = gid ?? st.gid;
      try {
        if (st.kind === 'symlink' && !noDeref) {
          // chown follows a symlink met on the command line; -R walks do not follow
          fs.chown(path, nu, ng);
        } else if (st.kind === 'symlink') {
          const n = fs.lookup(path, false);
          n.uid = nu; n.gid = ng;
        } else fs.chown(path, nu, ng);
      } catch (e) {
        if (!quiet) io.err(`changing ownership of ${q(label)}: ${errText(e)}`);
        status = 1;
        return;
      }
      const fmt = (u: number, g: number): string =>
        name === 'chgrp' ? gname(g) : gid !== undefined && uid !== undefined ? `${uname(u)}:${gname(g)}` : uid !== undefined ? uname(u) : `:${gname(g)}`;
      const changed = nu !== st.uid || ng !== st.gid;
      const what = name === 'chgrp' ? 'group' : 'ownership';
      if (changed && (verbose || changes)) io.out(`changed ${what} of ${q(label)} from ${fmt(st.uid, st.gid)} to ${fmt(nu, ng)}\n`);
      else if (!changed && verbose) io.out(`${what} of ${q(label)} retained as ${fmt(nu, ng)}\n`);
    };
    for (const a of args) {
      const path = ctx.resolve(a);
      let st: StatResult;
      try { st = noDeref ? fs.lstat(path) : fs.stat(path); } catch (e) {
        if (!quiet) io.err(`cannot access ${q(a)}: ${errText(e)}`);
        status = 1;
        continue;
      }
      change(path, a, st);
      if (recursive && st.kind === 'dir') {
        for (const n of fs.readdir(path)) {
          yield* walkTree(fs, joinLabel(path, n), joinLabel(a, n), (pp, l, s) => {
            if (s.kind === 'symlink') { const nd = fs.lookup(pp, false); nd.uid = uid ?? nd.uid; nd.gid = gid ?? nd.gid; return; }
            change(pp, l, s);
          });
        }
      }
    }
    return status;
  });
}

export const chown = chownLike('chown');
export const chgrp = chownLike('chgrp');
