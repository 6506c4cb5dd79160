/**
 * A host's filesystem: an in-memory POSIX-like tree with inodes, permission bits, owners,
 * times, symlinks, device files and dynamic ("proc") nodes.
 *
 * It lives in the core, not the shell, because the machine's daemons read and write it too:
 * httpd serves /var/www/html and appends to /var/log/httpd/access_log, NetworkManager reads
 * keyfiles (and refuses ones with insecure permissions, as the real one does), the ipvsadm
 * unit loads /etc/sysconfig/ipvsadm, and /proc/sys shows the kernel's live values.
 *
 * Errors are thrown as FsError with the errno name and libc's strerror text, so commands can
 * print `cat: /etc/sysctl: No such file or directory` exactly as coreutils does.
 * File contents are JavaScript strings (text); sizes are reported as UTF-8 byte counts.
 * Deliberately left out: hard links, sparse files, extended attributes, users other than root.
 */

export type Errno = 'ENOENT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'ENOTEMPTY' | 'EACCES' | 'EPERM'
  | 'EINVAL' | 'ELOOP' | 'ENOSPC' | 'EBUSY' | 'EXDEV' | 'ENAMETOOLONG' | 'EROFS' | 'EIO' | 'ENOMEM';

export const STRERROR: Record<Errno, string> = {
  ENOENT: 'No such file or directory',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOTEMPTY: 'Directory not empty',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  EINVAL: 'Invalid argument',
  ELOOP: 'Too many levels of symbolic links',
  ENOSPC: 'No space left on device',
  ENOMEM: 'Cannot allocate memory',
  EBUSY: 'Device or resource busy',
  EXDEV: 'Invalid cross-device link',
  ENAMETOOLONG: 'File name too long',
  EROFS: 'Read-only file system',
  EIO: 'Input/output error',
};

export class FsError extends Error {
  constructor(readonly code: Errno, readonly path: string) {
    super(STRERROR[code]);
    this.name = 'FsError';
  }
}

export type InodeKind = 'file' | 'dir' | 'symlink' | 'chardev' | 'proc';
export type CharDev = 'null' | 'zero' | 'urandom' | 'random' | 'full' | 'tty';

/** A file whose content is computed on read and acted upon on write (/proc/sys/...). */
export interface ProcOps {
  read(): string;
  /** Throws FsError (e.g. EINVAL) to reject a value; absent = read-only (EACCES on write). */
  write?(data: string): void;
}

/** A directory whose entries are computed (e.g. /proc/sys/net/ipv4/conf/ has one per NIC). */
export interface DynDir {
  list(): string[];
  get(name: string): Inode | undefined;
}

export interface Inode {
  kind: InodeKind;
  /** Permission bits (0o7777), without the file type. */
  mode: number;
  uid: number;
  gid: number;
  mtime: number;   // seconds since the epoch
  ctime: number;
  atime: number;
  ino: number;
  data?: string;                    // file
  /** Cached UTF-8 size of `data` (-1 or absent: unknown). */
  bytes?: number;
  children?: Map<string, Inode>;    // dir
  dyn?: DynDir;                     // dir with computed entries (merged after `children`)
  target?: string;                  // symlink
  dev?: CharDev;                    // chardev
  proc?: ProcOps;                   // proc
}

export interface StatResult {
  kind: InodeKind;
  mode: number;       // permission bits
  /** st_mode as the kernel gives it: type bits | permission bits (0o100644 for a plain file). */
  stMode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  ctime: number;
  atime: number;
  ino: number;
  nlink: number;
}

const S_IFMT: Record<InodeKind, number> = {
  file: 0o100000, dir: 0o040000, symlink: 0o120000, chardev: 0o020000, proc: 0o100000,
};

const encoder = new TextEncoder();
export function byteLength(s: string): number {
  // Fast path for ASCII.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return encoder.encode(s).length;
  return s.length;
}

export interface VfsOptions {
  /** Seconds since the epoch, for file times. */
  now: () => number;
}

export class Vfs {
  readonly root: Inode;
  umask = 0o022;
  private nextIno = 2;
  /** Resolved absolute paths (followed), valid until the tree's shape changes. */
  private readonly pathCache = new Map<string, { node: Inode; path: string }>();
  private bump(): void { this.pathCache.clear(); }
  private readonly now: () => number;

  constructor(opts: VfsOptions) {
    this.now = opts.now;
    this.root = this.mkInode('dir', 0o555);
    this.root.ino = 2; // as on ext4/xfs
  }

  // ---- inode creation -----------------------------------------------------------------

  private mkInode(kind: InodeKind, mode: number): Inode {
    const t = this.now();
    const n: Inode = { kind, mode, uid: 0, gid: 0, mtime: t, ctime: t, atime: t, ino: this.nextIno++ };
    if (kind === 'dir') n.children = new Map();
    return n;
  }

  /** A detached proc node, for DynDir providers. */
  procNode(ops: ProcOps, mode = ops.write ? 0o644 : 0o444): Inode {
    const n = this.mkInode('proc', mode);
    n.proc = ops;
    return n;
  }

  /** A detached directory with computed entries, for DynDir providers. */
  dynDirNode(dyn: DynDir, mode = 0o555): Inode {
    const n = this.mkInode('dir', mode);
    n.dyn = dyn;
    return n;
  }

  // ---- path resolution ---------------------------------------------------------------------

  /** Join `path` onto `cwd` and normalise `.`/`..`/`//` lexically (no symlink resolution). */
  static normalize(cwd: string, path: string): string {
    const abs = path.startsWith('/') ? path : (cwd.endsWith('/') ? cwd : cwd + '/') + path;
    const out: string[] = [];
    for (const part of abs.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') out.pop();
      else out.push(part);
    }
    return '/' + out.join('/');
  }

  private child(dir: Inode, name: string): Inode | undefined {
    return dir.children?.get(name) ?? dir.dyn?.get(name);
  }

  /**
   * Resolve an absolute path to its inode. `follow` = follow a final symlink.
   * Returns the inode and its canonical path.
   */
  private walk(path: string, follow: boolean): { node: Inode; path: string } {
    const r = this.resolve(path, follow);
    if (typeof r === 'string') throw new FsError(r, path);
    return r;
  }

  /**
   * Path resolution without exceptions (an errno instead): probing for files is common
   * (writeFile, mkdir -p, systemd's symlink checks) and an Error's stack trace is expensive.
   */
  private resolve(path: string, follow: boolean): { node: Inode; path: string } | Errno {
    if (follow) {
      const hit = this.pathCache.get(path);
      if (hit) return hit;
      const r = this.walkUncached(path, true, 0);
      if (typeof r !== 'string' && !this.viaDyn && this.pathCache.size < 10_000) this.pathCache.set(path, r);
      return r;
    }
    return this.walkUncached(path, follow, 0);
  }

  /** Set by walkUncached when the last walk went through a computed directory (not cacheable). */
  private viaDyn = false;

  private walkUncached(path: string, follow: boolean, depth: number): { node: Inode; path: string } | Errno {
    if (depth === 0) this.viaDyn = false;
    if (depth > 40) return 'ELOOP';
    if (!path.startsWith('/')) return 'ENOENT';
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    let node = this.root;
    const stack: Inode[] = [];
    const names: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (node.kind !== 'dir') return 'ENOTDIR';
      if (part === '..') {
        if (stack.length) { node = stack.pop()!; names.pop(); }
        continue;
      }
      const next = this.child(node, part);
      if (!next) return 'ENOENT';
      if (node.dyn) this.viaDyn = true;
      const last = i === parts.length - 1;
      if (next.kind === 'symlink' && (!last || follow)) {
        const base = '/' + names.join('/');
        const target = Vfs.normalize(base, next.target!);
        const rest = parts.slice(i + 1).join('/');
        return this.walkUncached(rest ? `${target}/${rest}` : target, follow, depth + 1);
      }
      stack.push(node);
      names.push(part);
      node = next;
    }
    return { node, path: '/' + names.join('/') };
  }

  private parentOf(path: string): { dir: Inode; name: string } {
    const i = path.lastIndexOf('/');
    const parentPath = i <= 0 ? '/' : path.slice(0, i);
    const name = path.slice(i + 1);
    const { node } = this.walk(parentPath, true);
    if (node.kind !== 'dir') throw new FsError('ENOTDIR', path);
    return { dir: node, name };
  }

  // ---- queries -----------------------------------------------------------------------------

  exists(path: string): boolean {
    return typeof this.resolve(path, true) !== 'string';
  }

  lookup(path: string, follow = true): Inode {
    return this.walk(path, follow).node;
  }

  /** The inode at `path`, or undefined (no exception: for hot paths that probe for files). */
  tryLookup(path: string, follow = true): Inode | undefined {
    const r = this.resolve(path, follow);
    return typeof r === 'string' ? undefined : r.node;
  }

  /** A symlink's target, or null when `path` is not a symlink (or does not exist). */
  tryReadlink(path: string): string | null {
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    const dir = this.tryLookup(parent, true);
    if (!dir || dir.kind !== 'dir') return null;
    const n = this.child(dir, path.slice(path.lastIndexOf('/') + 1));
    return n && n.kind === 'symlink' ? n.target! : null;
  }

  realpath(path: string): string {
    return this.walk(path, true).path;
  }

  isDir(path: string): boolean {
    const r = this.resolve(path, true);
    return typeof r !== 'string' && r.node.kind === 'dir';
  }

  stat(path: string): StatResult { return this.statOf(this.walk(path, true).node); }
  lstat(path: string): StatResult { return this.statOf(this.walk(path, false).node); }

  statOf(n: Inode): StatResult {
    let size = 0;
    if (n.kind === 'file') {
      if (n.bytes === undefined || n.bytes < 0) n.bytes = byteLength(n.data ?? '');
      size = n.bytes;
    }
    else if (n.kind === 'dir') size = 6 + 12 * ((n.children?.size ?? 0) + (n.dyn ? 0 : 0));
    else if (n.kind === 'symlink') size = byteLength(n.target ?? '');
    const nlink = n.kind === 'dir' ? 2 + [...(n.children?.values() ?? [])].filter((c) => c.kind === 'dir').length : 1;
    return {
      kind: n.kind, mode: n.mode, stMode: S_IFMT[n.kind] | n.mode, uid: n.uid, gid: n.gid, size,
      mtime: n.mtime, ctime: n.ctime, atime: n.atime, ino: n.ino, nlink,
    };
  }

  /** Names in a directory, in insertion order (callers sort, as ls does). */
  readdir(path: string): string[] {
    const { node } = this.walk(path, true);
    if (node.kind !== 'dir') throw new FsError('ENOTDIR', path);
    const names = [...(node.children?.keys() ?? [])];
    if (node.dyn) for (const n of node.dyn.list()) if (!node.children?.has(n)) names.push(n);
    return names;
  }

  readlink(path: string): string {
    const { node } = this.walk(path, false);
    if (node.kind !== 'symlink') throw new FsError('EINVAL', path);
    return node.target!;
  }

  /** The whole content of a regular (or proc) file. Device files read as empty here. */
  readFile(path: string): string {
    const { node } = this.walk(path, true);
    return this.readNode(node, path);
  }

  readNode(node: Inode, path = ''): string {
    switch (node.kind) {
      case 'dir': throw new FsError('EISDIR', path);
      case 'file': node.atime = this.now(); return node.data ?? '';
      case 'proc': return node.proc!.read();
      case 'chardev': return '';
      default: throw new FsError('EINVAL', path);
    }
  }

  // ---- mutation ----------------------------------------------------------------------------

  /**
   * Write (or append to) a file, creating it with `mode & ~umask` (default 0666 & ~umask)
   * if it does not exist. Writing to /dev/null discards; to a proc node calls its writer.
   */
  writeFile(path: string, data: string, opts: { append?: boolean; mode?: number; exclusive?: boolean } = {}): void {
    const found = this.resolve(path, true);
    if (typeof found === 'string' && found !== 'ENOENT') throw new FsError(found, path);
    const node = typeof found === 'string' ? undefined : found.node;
    if (node) {
      if (opts.exclusive) throw new FsError('EEXIST', path);
      this.writeNode(node, data, !!opts.append, path);
      return;
    }
    // Create: the parent must exist (a dangling symlink's target is created, as open(O_CREAT) does).
    let target = path;
    const l = this.resolve(path, false);
    if (typeof l !== 'string' && l.node.kind === 'symlink') target = Vfs.normalize(path.slice(0, path.lastIndexOf('/') + 1) || '/', l.node.target!);
    const { dir, name } = this.parentOf(target);
    if (!name) throw new FsError('EISDIR', path);
    if (!dir.children || (dir.dyn && !dir.children.size && dir.mode === 0o555)) throw new FsError('EACCES', path);
    const f = this.mkInode('file', (opts.mode ?? 0o666) & ~this.umask);
    f.data = data;
    dir.children.set(name, f);
    this.bump();
    dir.mtime = dir.ctime = this.now();
  }

  writeNode(node: Inode, data: string, append: boolean, path = ''): void {
    switch (node.kind) {
      case 'dir': throw new FsError('EISDIR', path);
      case 'file':
        if (append && node.bytes !== undefined && node.bytes >= 0) node.bytes += byteLength(data);
        else node.bytes = -1;
        node.data = append ? (node.data ?? '') + data : data;
        node.mtime = node.ctime = this.now();
        return;
      case 'proc':
        if (!node.proc!.write) throw new FsError('EACCES', path);
        node.proc!.write(data);
        return;
      case 'chardev':
        if (node.dev === 'full') throw new FsError('ENOSPC', path);
        return;
      default: throw new FsError('EINVAL', path);
    }
  }

  mkdir(path: string, opts: { parents?: boolean; mode?: number } = {}): void {
    const mode = (opts.mode ?? 0o777) & ~this.umask;
    if (opts.parents) {
      const parts = path.split('/').filter(Boolean);
      let cur = '';
      for (const p of parts) {
        cur += '/' + p;
        const r = this.resolve(cur, true);
        if (typeof r === 'string' && r !== 'ENOENT') throw new FsError(r, cur);
        const n = typeof r === 'string' ? undefined : r.node;
        if (n) { if (n.kind !== 'dir') throw new FsError('ENOTDIR', cur); continue; }
        this.mkdir(cur, { mode: opts.mode });
      }
      return;
    }
    if (this.existsNoFollow(path)) throw new FsError('EEXIST', path);
    const { dir, name } = this.parentOf(path);
    if (!dir.children) throw new FsError('EACCES', path);
    dir.children.set(name, this.mkInode('dir', mode));
    this.bump();
    dir.mtime = dir.ctime = this.now();
  }

  private existsNoFollow(path: string): boolean {
    return typeof this.resolve(path, false) !== 'string';
  }

  rmdir(path: string): void {
    const { node } = this.walk(path, false);
    if (node.kind !== 'dir') throw new FsError('ENOTDIR', path);
    if (node === this.root) throw new FsError('EBUSY', path);
    if ((node.children?.size ?? 0) > 0 || node.dyn) throw new FsError(node.dyn ? 'EPERM' : 'ENOTEMPTY', path);
    const { dir, name } = this.parentOf(path);
    dir.children!.delete(name);
    this.bump();
    dir.mtime = dir.ctime = this.now();
  }

  /** Remove a non-directory (unlink(2)). */
  unlink(path: string): void {
    const { node } = this.walk(path, false);
    if (node.kind === 'dir') throw new FsError('EISDIR', path);
    const { dir, name } = this.parentOf(path);
    if (!dir.children?.has(name)) throw new FsError('EPERM', path);
    dir.children.delete(name);
    this.bump();
    dir.mtime = dir.ctime = this.now();
  }

  rename(from: string, to: string): void {
    const { node } = this.walk(from, false);
    const src = this.parentOf(from);
    if (!src.dir.children?.has(src.name)) throw new FsError('EPERM', from);
    const d = this.resolve(to, false);
    const destNode: Inode | undefined = typeof d === 'string' ? undefined : d.node;
    if (destNode === node) return;
    if (destNode) {
      if (destNode.kind === 'dir' && node.kind !== 'dir') throw new FsError('EISDIR', to);
      if (destNode.kind !== 'dir' && node.kind === 'dir') throw new FsError('ENOTDIR', to);
      if (destNode.kind === 'dir' && (destNode.children?.size ?? 0) > 0) throw new FsError('ENOTEMPTY', to);
    }
    if (node.kind === 'dir') {
      // Refuse to move a directory into itself.
      const a = Vfs.normalize('/', from), b = Vfs.normalize('/', to);
      if (b.startsWith(a + '/')) throw new FsError('EINVAL', to);
    }
    const dst = this.parentOf(to);
    if (!dst.dir.children) throw new FsError('EACCES', to);
    src.dir.children.delete(src.name);
    this.bump();
    dst.dir.children.set(dst.name, node);
    const t = this.now();
    src.dir.mtime = dst.dir.mtime = node.ctime = t;
  }

  symlink(target: string, path: string): void {
    if (this.existsNoFollow(path)) throw new FsError('EEXIST', path);
    const { dir, name } = this.parentOf(path);
    if (!dir.children) throw new FsError('EACCES', path);
    const n = this.mkInode('symlink', 0o777);
    n.target = target;
    dir.children.set(name, n);
    this.bump();
  }

  /** Attach a prepared inode (device file, proc node, dynamic dir) at `path`. */
  mount(path: string, node: Inode): void {
    const { dir, name } = this.parentOf(path);
    dir.children!.set(name, node);
    this.bump();
  }

  mknodChar(path: string, dev: CharDev, mode = 0o666): void {
    const n = this.mkInode('chardev', mode);
    n.dev = dev;
    this.mount(path, n);
  }

  chmod(path: string, mode: number): void {
    const { node } = this.walk(path, true);
    node.mode = mode & 0o7777;
    node.ctime = this.now();
  }

  chown(path: string, uid: number, gid: number): void {
    const { node } = this.walk(path, true);
    node.uid = uid; node.gid = gid;
    node.ctime = this.now();
  }

  /** touch: update times, creating an empty file if needed. */
  touch(path: string, time?: number): void {
    const t = time ?? this.now();
    if (!this.exists(path)) this.writeFile(path, '');
    const { node } = this.walk(path, true);
    node.mtime = node.atime = t;
  }

  /** Write a file with exact mode and owner, creating parent directories (for presets). */
  install(path: string, data: string, mode = 0o644): void {
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    this.mkdir(dir, { parents: true, mode: 0o755 | this.umask });
    this.writeFile(path, data);
    this.chmod(path, mode);
  }
}
