/**
 * find (GNU findutils 4.8) and xargs.
 *
 * find walks in directory order (pre-order; post-order with -depth or -delete) and evaluates
 * an expression of tests (-name -iname -path -ipath -type -size -empty -mtime -mmin -newer
 * -perm -user -group -links -inum -regex -true -false), operators (! -not -a -and -o -or
 * and parentheses), options (-maxdepth -mindepth -depth -xdev -mount -noleaf -daystart
 * -follow) and actions (-print -print0 -printf -ls -delete -exec/-execdir ... ; or + -ok
 * -prune -quit). Without an action, -print applies to the whole expression. -exec runs its
 * command through ctx.runLine.
 *
 * xargs reads items (quotes and backslashes as GNU's default, -0, -d), builds commands with
 * -n, -L, -I/-i, -r, -t, -a, and runs them through ctx.runLine; statuses map to 123/124/125.
 */
import { Vfs, type StatResult } from '../../core/fs/vfs.ts';
import type { CmdContext, Co } from '../types.ts';
import { globToRegExp } from './grep.ts';
import { blocks1k } from './ls.ts';
import {
  defineCommand, epochNow, errText, groups, type Io, lq, modeString, passSignal, shellQuote, strftime, users,
} from './util.ts';
import { applyMode } from './fileops.ts';

type Node =
  | { k: 'and' | 'or'; a: Node; b: Node }
  | { k: 'not'; e: Node }
  | { k: 'test'; name: string; arg?: string; re?: RegExp; n?: number; cmp?: '+' | '-' | ''; unit?: number; set?: string }
  | { k: 'exec'; name: string; cmd: string[]; plus: boolean; pending: string[] }
  | { k: 'action'; name: string; arg?: string };

class FindUsage extends Error {}

interface Walk {
  path: string;
  name: string;
  st: StatResult;
  depth: number;
  abs: string;
}

const TESTS_WITH_ARG = new Set(['-name', '-iname', '-path', '-ipath', '-wholename', '-iwholename', '-type', '-xtype', '-size',
  '-mtime', '-mmin', '-atime', '-amin', '-ctime', '-cmin', '-newer', '-perm', '-user', '-group', '-links', '-inum',
  '-regex', '-iregex', '-uid', '-gid', '-fstype', '-samefile', '-lname', '-ilname', '-used']);
const TESTS_NO_ARG = new Set(['-empty', '-true', '-false', '-readable', '-writable', '-executable', '-nouser', '-nogroup']);
const OPTIONS_WITH_ARG = new Set(['-maxdepth', '-mindepth']);
const OPTIONS_NO_ARG = new Set(['-depth', '-d', '-xdev', '-mount', '-noleaf', '-daystart', '-follow', '-ignore_readdir_race',
  '-noignore_readdir_race', '-warn', '-nowarn']);
const ACTIONS_NO_ARG = new Set(['-print', '-print0', '-ls', '-delete', '-prune', '-quit']);

class FindParser {
  i = 0;
  /** Index of the token that made "paths must precede expression". */
  badAt = -1;
  hasAction = false;
  maxdepth = Infinity;
  mindepth = 0;
  depthFirst = false;
  follow = false;
  execs: Extract<Node, { k: 'exec' }>[] = [];

  constructor(private readonly a: string[], private readonly io: Io, private readonly ctx: CmdContext) {}

  private fail(msg: string): never {
    this.io.err(msg);
    throw new FindUsage(msg);
  }

  parse(): Node | null {
    if (this.i >= this.a.length) return null;
    const e = this.or();
    if (this.i < this.a.length) {
      const t = this.a[this.i];
      if (t === ')') this.fail("invalid expression; you have too many ')'");
      this.badAt = this.i;
      this.fail(`paths must precede expression: \`${t}'`);
    }
    return e;
  }

  private or(): Node {
    let a = this.and();
    while (this.a[this.i] === '-o' || this.a[this.i] === '-or') {
      this.i++;
      if (this.i >= this.a.length) this.fail("invalid expression; you have used a binary operator '-o' with nothing after it.");
      a = { k: 'or', a, b: this.and() };
    }
    return a;
  }

  private and(): Node {
    let a = this.unary();
    for (;;) {
      const t = this.a[this.i];
      if (t === undefined || t === ')' || t === '-o' || t === '-or' || t === ',') break;
      if (t === '-a' || t === '-and') {
        this.i++;
        if (this.i >= this.a.length) this.fail("invalid expression; you have used a binary operator '-a' with nothing after it.");
      }
      a = { k: 'and', a, b: this.unary() };
    }
    return a;
  }

  private unary(): Node {
    const t = this.a[this.i];
    if (t === '!' || t === '-not') {
      this.i++;
      if (this.i >= this.a.length) this.fail("invalid expression; '!' or '-not' with nothing after it.");
      return { k: 'not', e: this.unary() };
    }
    if (t === '(') {
      this.i++;
      if (this.a[this.i] === ')') this.fail("invalid expression; empty parentheses are not allowed.");
      const e = this.or();
      if (this.a[this.i] !== ')') this.fail("invalid expression; I was expecting to find a ')' somewhere but did not see one.");
      this.i++;
      return e;
    }
    return this.primary();
  }

  private arg(name: string): string {
    const v = this.a[this.i++];
    if (v === undefined) this.fail(`missing argument to \`${name}'`);
    return v;
  }

  private primary(): Node {
    const t = this.a[this.i++];
    if (t === undefined) this.fail("invalid expression; I was expecting to find a ')' somewhere but did not see one.");
    if (OPTIONS_WITH_ARG.has(t)) {
      const v = this.arg(t);
      if (!/^\d+$/.test(v)) this.fail(`Expected a positive decimal integer argument to ${t}, but got ${lq(this.io, v)}`);
      if (t === '-maxdepth') this.maxdepth = Number(v); else this.mindepth = Number(v);
      return { k: 'test', name: '-true' };
    }
    if (OPTIONS_NO_ARG.has(t)) {
      if (t === '-depth' || t === '-d') this.depthFirst = true;
      if (t === '-follow') this.follow = true;
      return { k: 'test', name: '-true' };
    }
    if (TESTS_NO_ARG.has(t)) return { k: 'test', name: t };
    if (TESTS_WITH_ARG.has(t)) return this.test(t, this.arg(t));
    if (ACTIONS_NO_ARG.has(t)) {
      if (t !== '-prune') this.hasAction = true;
      if (t === '-delete') this.depthFirst = true;
      return { k: 'action', name: t };
    }
    if (t === '-printf' || t === '-fprintf' || t === '-fprint') {
      this.hasAction = true;
      return { k: 'action', name: t, arg: this.arg(t) };
    }
    if (t === '-exec' || t === '-execdir' || t === '-ok' || t === '-okdir') {
      this.hasAction = true;
      const cmd: string[] = [];
      let plus = false;
      for (;;) {
        const w = this.a[this.i++];
        if (w === undefined) this.fail(`missing argument to \`${t}'`);
        if (w === ';') break;
        if (w === '+' && cmd[cmd.length - 1] === '{}') { plus = true; cmd.pop(); break; }
        cmd.push(w);
      }
      if (!cmd.length) this.fail(`missing argument to \`${t}'`);
      const n: Extract<Node, { k: 'exec' }> = { k: 'exec', name: t, cmd, plus, pending: [] };
      this.execs.push(n);
      return n;
    }
    if (t.startsWith('-')) this.fail(`unknown predicate \`${t}'`);
    this.badAt = this.i - 1;
    this.fail(`paths must precede expression: \`${t}'`);
  }

  private test(name: string, v: string): Node {
    switch (name) {
      case '-name': case '-iname': case '-lname': case '-ilname':
        return { k: 'test', name, arg: v, re: globToRegExp(v, name.startsWith('-i')) };
      case '-path': case '-ipath': case '-wholename': case '-iwholename':
        return { k: 'test', name: '-path', arg: v, re: globToRegExp(v, name.startsWith('-i')) };
      case '-regex': case '-iregex':
        try { return { k: 'test', name: '-regex', re: new RegExp('^(?:' + v + ')$', name === '-iregex' ? 'is' : 's') }; } catch {
          return this.fail(`Invalid regular expression ${lq(this.io, v)}`);
        }
      case '-type': case '-xtype': {
        const kinds = v.split(',');
        for (const k of kinds) if (!/^[bcdpflsD]$/.test(k)) this.fail(`Unknown argument to ${name}: ${k}`);
        return { k: 'test', name, set: kinds.join('') };
      }
      case '-size': {
        const m = /^([+-]?)(\d+)([bcwkMG]?)$/.exec(v);
        if (!m) this.fail(`invalid -size type ${lq(this.io, v)}`);
        const unit = { '': 512, b: 512, c: 1, w: 2, k: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[3]]!;
        return { k: 'test', name, n: Number(m[2]), cmp: m[1] as '+' | '-' | '', unit };
      }
      case '-mtime': case '-mmin': case '-atime': case '-amin': case '-ctime': case '-cmin': case '-links': case '-inum': case '-uid': case '-gid': case '-used': {
        const m = /^([+-]?)(\d+)$/.exec(v);
        if (!m) this.fail(`invalid argument ${lq(this.io, v)} to ${lq(this.io, name)}`);
        return { k: 'test', name, n: Number(m[2]), cmp: m[1] as '+' | '-' | '' };
      }
      case '-newer': {
        try { return { k: 'test', name, n: this.ctx.fs.stat(this.ctx.resolve(v)).mtime }; } catch (e) {
          return this.fail(`${lq(this.io, v)}: ${errText(e)}`);
        }
      }
      case '-perm': return { k: 'test', name, arg: v };
      case '-user': {
        const id = users(this.ctx).byName.get(v) ?? (/^\d+$/.test(v) ? Number(v) : undefined);
        if (id === undefined) this.fail(`${lq(this.io, v)} is not the name of a known user`);
        return { k: 'test', name, n: id };
      }
      case '-group': {
        const id = groups(this.ctx).byName.get(v) ?? (/^\d+$/.test(v) ? Number(v) : undefined);
        if (id === undefined) this.fail(`${lq(this.io, v)} is not the name of an existing group`);
        return { k: 'test', name, n: id };
      }
      default: return { k: 'test', name: '-true' };
    }
  }
}

const cmpNum = (x: number, n: number, c: '+' | '-' | '' | undefined): boolean => (c === '+' ? x > n : c === '-' ? x < n : x === n);

function kindChar(st: StatResult): string {
  return st.kind === 'dir' ? 'd' : st.kind === 'symlink' ? 'l' : st.kind === 'chardev' ? 'c' : 'f';
}

function findPrintf(fmt: string, w: Walk, ctx: CmdContext): string {
  const us = users(ctx), gs = groups(ctx);
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c === '\\' && i + 1 < fmt.length) {
      const d = fmt[++i];
      out += ({ n: '\n', t: '\t', '\\': '\\', 0: '\0', a: '\x07', r: '\r' } as Record<string, string>)[d] ?? '\\' + d;
      continue;
    }
    if (c !== '%' || i + 1 >= fmt.length) { out += c; continue; }
    const m = /^([-0-9.]*)([a-zA-Z%]|[TAC][a-zA-Z@+])/.exec(fmt.slice(i + 1));
    if (!m) { out += c; continue; }
    i += m[0].length;
    const st = w.st;
    let v: string;
    switch (m[2][0]) {
      case 'p': v = w.path; break;
      case 'f': v = w.name; break;
      case 'h': { const k = w.path.lastIndexOf('/'); v = k < 0 ? '.' : k === 0 ? '/' : w.path.slice(0, k); break; }
      case 'P': v = w.path; break;
      case 's': v = String(st.size); break;
      case 'm': v = (st.mode & 0o7777).toString(8); break;
      case 'M': v = modeString(st.kind, st.mode); break;
      case 'u': v = us.byId.get(st.uid) ?? String(st.uid); break;
      case 'U': v = String(st.uid); break;
      case 'g': v = gs.byId.get(st.gid) ?? String(st.gid); break;
      case 'G': v = String(st.gid); break;
      case 'd': v = String(w.depth); break;
      case 'i': v = String(st.ino); break;
      case 'n': v = String(st.nlink); break;
      case 'y': v = kindChar(st); break;
      case 'l': v = st.kind === 'symlink' ? ctx.fs.readlink(w.abs) : ''; break;
      case 'k': v = String(blocks1k(st)); break;
      case 't': v = strftime('%a %b %e %H:%M:%S.0000000000 %Y', st.mtime); break;
      case 'T': v = m[2][1] === '@' ? String(st.mtime) : m[2][1] === '+' ? strftime('%Y-%m-%d+%H:%M:%S.0000000000', st.mtime) : strftime('%' + m[2][1], st.mtime); break;
      case '%': v = '%'; break;
      default: v = '';
    }
    const wm = /^(-?)(\d+)/.exec(m[1]);
    if (wm) v = wm[1] ? v.padEnd(Number(wm[2])) : v.padStart(Number(wm[2]));
    out += v;
  }
  return out;
}

function lsLine(w: Walk, ctx: CmdContext): string {
  const st = w.st;
  const us = users(ctx), gs = groups(ctx);
  const now = epochNow(ctx);
  const recent = st.mtime > now - 15778476 && st.mtime <= now + 1;
  const time = strftime(recent ? '%b %e %H:%M' : '%b %e  %Y', st.mtime);
  const link = st.kind === 'symlink' ? ` -> ${ctx.fs.readlink(w.abs)}` : '';
  return `${String(st.ino).padStart(9)} ${String(blocks1k(st)).padStart(6)} ${modeString(st.kind, st.mode)} ${String(st.nlink).padStart(3)} ${(us.byId.get(st.uid) ?? String(st.uid)).padEnd(8)} ${(gs.byId.get(st.gid) ?? String(st.gid)).padEnd(8)} ${String(st.size).padStart(8)} ${time} ${w.path}${link}\n`;
}

export const find = defineCommand('find', function* (io, ctx) {
  const args = ctx.argv.slice(1);
  let i = 0;
  let follow = false;
  while (i < args.length && /^-[HLP]$|^-O\d$|^-D$/.test(args[i])) {
    if (args[i] === '-L') follow = true;
    if (args[i] === '-P' || args[i] === '-H') follow = false;
    if (args[i] === '-D') i++;
    i++;
  }
  if (args[i] === '--') i++;
  const paths: string[] = [];
  while (i < args.length && !(args[i].startsWith('-') && args[i].length > 1) && args[i] !== '(' && args[i] !== '!') paths.push(args[i++]);
  if (args[i] === '--help') { io.out('Usage: find [-H] [-L] [-P] [-Olevel] [-D debugopts] [path...] [expression]\n'); return 0; }
  if (args[i] === '--version') { io.out('find (GNU findutils) 4.8.0\n'); return 0; }
  const parser = new FindParser(args.slice(i), io, ctx);
  let expr: Node | null;
  try {
    expr = parser.parse();
  } catch (e) {
    if (e instanceof FindUsage) {
      if (/paths must precede expression/.test(e.message)) {
        const prev = args.slice(i)[parser.badAt - 2];
        if (prev && /^-i?(name|path|wholename)$/.test(prev)) io.err(`possible unquoted pattern after predicate \`${prev}'?`);
      }
      return 1;
    }
    throw e;
  }
  follow = follow || parser.follow;
  const print = !parser.hasAction;
  const fs = ctx.fs;
  const now = epochNow(ctx);
  let status = 0;
  let quit = false;
  const runExec = function* (n: Extract<Node, { k: 'exec' }>, paths: string[]): Co<number> {
    if (!ctx.runLine) {
      io.err(`cannot run ${lq(io, n.cmd[0])}: Function not implemented`);
      status = 1;
      return 1;
    }
    let argv: string[];
    if (n.plus) argv = [...n.cmd, ...paths];
    else argv = n.cmd.map((w) => w.split('{}').join(paths[0]));
    io.sync();
    return yield* ctx.runLine(argv.map((w) => shellQuote(w, false)).join(' '));
  };
  const evalNode = function* (n: Node, w: Walk, prune: { v: boolean }): Co<boolean> {
    switch (n.k) {
      case 'and': return (yield* evalNode(n.a, w, prune)) && (yield* evalNode(n.b, w, prune));
      case 'or': return (yield* evalNode(n.a, w, prune)) || (yield* evalNode(n.b, w, prune));
      case 'not': return !(yield* evalNode(n.e, w, prune));
      case 'exec': {
        if (n.plus) {
          n.pending.push(w.path);
          if (n.pending.length >= 5000) { yield* runExec(n, n.pending.splice(0)); }
          return true;
        }
        if (n.name === '-ok' || n.name === '-okdir') {
          io.errRaw(`< ${n.cmd.join(' ')} ... ${w.path} > ? `);
          const ans = yield* ctx.stdin.readLine();
          if (!ans || !/^\s*[yY]/.test(ans)) return false;
        }
        return (yield* runExec(n, [w.path])) === 0;
      }
      case 'action':
        switch (n.name) {
          case '-print': io.out(w.path + '\n'); return true;
          case '-print0': io.out(w.path + '\0'); return true;
          case '-printf': io.out(findPrintf(n.arg ?? '', w, ctx)); return true;
          case '-ls': io.out(lsLine(w, ctx)); return true;
          case '-prune': prune.v = true; return true;
          case '-quit': quit = true; return true;
          case '-delete':
            try {
              if (w.st.kind === 'dir') fs.rmdir(w.abs); else fs.unlink(w.abs);
            } catch (e) {
              io.err(`cannot delete ${lq(io, w.path)}: ${errText(e)}`);
              status = 1;
              return false;
            }
            return true;
          default: return true;
        }
      case 'test': {
        const st = w.st;
        switch (n.name) {
          case '-true': return true;
          case '-false': return false;
          case '-name': case '-iname': return n.re!.test(w.name);
          case '-lname': case '-ilname': return st.kind === 'symlink' && n.re!.test(fs.readlink(w.abs));
          case '-path': return n.re!.test(w.path);
          case '-regex': return n.re!.test(w.path);
          case '-type': return n.set!.includes(kindChar(st));
          case '-xtype': {
            let t = st;
            if (st.kind === 'symlink') { try { t = fs.stat(w.abs); } catch { /* dangling */ } }
            return n.set!.includes(kindChar(t));
          }
          case '-size': {
            const units = Math.ceil(st.size / n.unit!);
            return cmpNum(units, n.n!, n.cmp);
          }
          case '-empty':
            if (st.kind === 'dir') { try { return fs.readdir(w.abs).length === 0; } catch { return false; } }
            return st.kind === 'file' && st.size === 0;
          case '-mtime': return cmpNum(Math.floor((now - st.mtime) / 86400), n.n!, n.cmp);
          case '-atime': return cmpNum(Math.floor((now - st.atime) / 86400), n.n!, n.cmp);
          case '-ctime': return cmpNum(Math.floor((now - st.ctime) / 86400), n.n!, n.cmp);
          case '-mmin': return cmpNum(Math.ceil((now - st.mtime) / 60), n.n!, n.cmp);
          case '-amin': return cmpNum(Math.ceil((now - st.atime) / 60), n.n!, n.cmp);
          case '-cmin': return cmpNum(Math.ceil((now - st.ctime) / 60), n.n!, n.cmp);
          case '-newer': return st.mtime > n.n!;
          case '-links': return cmpNum(st.nlink, n.n!, n.cmp);
          case '-inum': return cmpNum(st.ino, n.n!, n.cmp);
          case '-uid': case '-user': return n.name === '-uid' ? cmpNum(st.uid, n.n!, n.cmp) : st.uid === n.n;
          case '-gid': case '-group': return n.name === '-gid' ? cmpNum(st.gid, n.n!, n.cmp) : st.gid === n.n;
          case '-nouser': return !users(ctx).byId.has(st.uid);
          case '-nogroup': return !groups(ctx).byId.has(st.gid);
          case '-readable': case '-writable': return true;
          case '-executable': return st.kind === 'dir' || (st.mode & 0o111) !== 0;
          case '-perm': {
            const spec = n.arg!;
            const mode = st.mode & 0o7777;
            const body = spec.replace(/^[-/+]/, '');
            const want = applyMode(body, 0, false, 0);
            if (want === undefined) return false;
            if (spec.startsWith('-')) return (mode & want) === want;
            if (spec.startsWith('/') || spec.startsWith('+')) return want === 0 || (mode & want) !== 0;
            return mode === want;
          }
          default: return true;
        }
      }
    }
  };
  const visit = function* (w: Walk): Co<void> {
    if (quit) return;
    const prune = { v: false };
    const evalHere = function* (): Co<void> {
      if (w.depth < parser.mindepth) return;
      const r = expr ? yield* evalNode(expr, w, prune) : true;
      if (r && print) io.out(w.path + '\n');
    };
    if (!parser.depthFirst) yield* evalHere();
    if (w.st.kind === 'dir' && !prune.v && w.depth < parser.maxdepth && !quit) {
      let names: string[] = [];
      try { names = fs.readdir(w.abs); } catch (e) {
        io.err(`${lq(io, w.path)}: ${errText(e)}`);
        status = 1;
      }
      for (const nm of names) {
        if (quit) break;
        const abs = w.abs === '/' ? '/' + nm : w.abs + '/' + nm;
        let st: StatResult;
        try {
          st = fs.lstat(abs);
          if (follow && st.kind === 'symlink') { try { st = fs.stat(abs); } catch { /* dangling: keep link */ } }
        } catch { continue; }
        const path = w.path.endsWith('/') ? w.path + nm : w.path + '/' + nm;
        yield* visit({ path, name: nm, st, depth: w.depth + 1, abs });
      }
    }
    if (parser.depthFirst) yield* evalHere();
    yield* io.flow();
  };
  for (const p of paths.length ? paths : ['.']) {
    if (quit) break;
    const abs = ctx.resolve(p);
    let st: StatResult;
    try {
      st = fs.lstat(abs);
      if ((follow || p.endsWith('/')) && st.kind === 'symlink') st = fs.stat(abs);
    } catch (e) {
      passSignal(e);
      io.err(`${lq(io, p)}: ${errText(e)}`);
      status = 1;
      continue;
    }
    const name = p === '/' ? '/' : p.replace(/\/+$/, '').split('/').pop() || p;
    yield* visit({ path: p, name, st, depth: 0, abs: Vfs.normalize('/', abs) });
  }
  for (const n of parser.execs) if (n.plus && n.pending.length) yield* runExec(n, n.pending.splice(0));
  return status;
});

// ---- xargs ---------------------------------------------------------------------------------

/** Split xargs input the GNU default way (blanks, newlines, quotes, backslash). */
function splitItems(text: string): string[] | string {
  const items: string[] = [];
  let cur = '';
  let have = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const k = text.indexOf(c, i + 1);
      const nl = text.indexOf('\n', i + 1);
      if (k < 0 || (nl >= 0 && nl < k)) return c === "'" ? 'single' : 'double';
      cur += text.slice(i + 1, k);
      i = k;
      have = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      have = true;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (have) items.push(cur);
      cur = '';
      have = false;
    } else {
      cur += c;
      have = true;
    }
  }
  if (have) items.push(cur);
  return items;
}

export const xargs = defineCommand('xargs', function* (io, ctx) {
  const argv = ctx.argv;
  let maxArgs = Infinity, maxLines = 0;
  let replace: string | undefined;
  let nul = false, delim: string | undefined, trace = false, noEmpty = false;
  let argFile: string | undefined;
  let i = 1;
  const need = (o: string): string | undefined => {
    if (i + 1 < argv.length) return argv[++i];
    io.err(`option requires an argument -- '${o}'`);
    io.errRaw(`Usage: xargs [OPTION]... COMMAND [INITIAL-ARGS]...\nTry 'xargs --help' for more information.\n`);
    return undefined;
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    if (!a.startsWith('-') || a === '-') break;
    const m = /^-([a-zA-Z0-9])(.*)$/.exec(a) ?? /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) break;
    const [, o, rest] = m;
    const val = (short: string): string | undefined => (rest !== undefined && rest !== '' ? rest : need(short));
    switch (o) {
      case 'n': case 'max-args': { const v = val('n'); if (v === undefined) return 1; maxArgs = Number(v); if (!(maxArgs >= 1)) { io.err(`value ${v} for -n option should be >= 1`); return 1; } break; }
      case 'L': case 'max-lines': { const v = val('L'); if (v === undefined) return 1; maxLines = Number(v); break; }
      case 'I': case 'replace': { const v = o === 'replace' ? rest ?? '{}' : val('I'); if (v === undefined) return 1; replace = v; maxLines = 1; break; }
      case 'i': replace = rest || '{}'; maxLines = 1; break;
      case '0': case 'null': nul = true; break;
      case 'd': case 'delimiter': { const v = val('d'); if (v === undefined) return 1; delim = v === '\\n' ? '\n' : v === '\\t' ? '\t' : v; break; }
      case 't': case 'verbose': trace = true; break;
      case 'r': case 'no-run-if-empty': noEmpty = true; break;
      case 'a': case 'arg-file': { const v = val('a'); if (v === undefined) return 1; argFile = v; break; }
      case 'P': case 's': case 'E': case 'e': case 'max-procs': case 'max-chars': case 'eof': { if (!rest && 'PsE'.includes(o)) need(o); break; }
      case 'x': case 'exit': case 'p': case 'interactive': case 'open-tty': case 'o': break;
      case 'help': io.out('Usage: xargs [OPTION]... COMMAND [INITIAL-ARGS]...\nRun COMMAND with arguments INITIAL-ARGS and more arguments read from input.\n'); return 0;
      case 'version': io.out('xargs (GNU findutils) 4.8.0\n'); return 0;
      default:
        io.err(a.startsWith('--') ? `unrecognized option '${a}'` : `invalid option -- '${o}'`);
        io.errRaw(`Usage: xargs [OPTION]... COMMAND [INITIAL-ARGS]...\nTry 'xargs --help' for more information.\n`);
        return 1;
    }
  }
  const cmd = argv.slice(i);
  if (!cmd.length) cmd.push('echo');
  let text: string;
  try {
    text = argFile !== undefined ? ctx.fs.readFile(ctx.resolve(argFile)) : yield* ctx.stdin.readAll();
  } catch (e) {
    passSignal(e);
    io.err(`${lq(io, argFile ?? '-')}: ${errText(e)}`);
    return 1;
  }
  // items, grouped by input line for -L / -I
  let lines: string[][];
  if (nul || delim !== undefined) {
    const d = nul ? '\0' : delim!;
    const parts = text.split(d);
    if (parts[parts.length - 1] === '') parts.pop();
    lines = parts.map((p) => [p]);
  } else if (replace !== undefined) {
    lines = text.split('\n').map((l) => l.replace(/^[ \t]+/, '')).filter((l) => l !== '').map((l) => {
      const r = splitItems(l);
      return typeof r === 'string' ? [l] : [r.join(' ')];
    });
  } else {
    lines = [];
    for (const l of text.split('\n')) {
      const r = splitItems(l);
      if (typeof r === 'string') {
        io.err(`unmatched ${r} quote; by default quotes are special to xargs unless you use the -0 option`);
        return 1;
      }
      if (r.length) lines.push(r);
    }
  }
  const batches: string[][] = [];
  if (replace !== undefined) {
    for (const l of lines) batches.push(cmd.map((w) => w.split(replace!).join(l[0])));
  } else if (maxLines) {
    for (let k = 0; k < lines.length; k += maxLines) batches.push([...cmd, ...lines.slice(k, k + maxLines).flat()]);
  } else {
    const items = lines.flat();
    const n = maxArgs === Infinity ? Math.max(1, items.length) : maxArgs;
    for (let k = 0; k < items.length; k += n) batches.push([...cmd, ...items.slice(k, k + n)]);
  }
  if (!batches.length && !noEmpty && replace === undefined) batches.push([...cmd]);
  if (!ctx.runLine) {
    io.err(`${cmd[0]}: No such file or directory`);
    return 127;
  }
  let status = 0;
  for (const b of batches) {
    if (trace) io.errRaw(b.join(' ') + '\n');
    io.sync();
    const st = yield* ctx.runLine(b.map((w) => shellQuote(w, false)).join(' '));
    if (st === 255) { io.err(`${b[0]}: exited with status 255; aborting`); return 124; }
    if (st === 126 || st === 127) return st;
    if (st > 128) return 125;
    if (st !== 0) status = 123;
  }
  return status;
});
