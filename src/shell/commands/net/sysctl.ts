/**
 * sysctl(8) from procps-ng 3.3.17, as RHEL 9 ships it: read, write (-w or NAME=VALUE), -a,
 * -n, -N, -e, -q, -p [FILE...] (line by line, warnings in file order), --system (with its
 * "* Applying ..." lines), -r. Its quirks are kept: an unknown key exits 255 (rc -1), a value
 * the kernel rejects prints `setting key "...": Invalid argument` but exits 0 (the error
 * surfaces only when the file is closed), and `-` lines / globs in sysctl.d files are
 * systemd-sysctl syntax that procps does not understand.
 */
import { FsError, STRERROR } from '../../../core/fs/vfs.ts';
import type { Host } from '../../../core/net/host.ts';
import { systemSysctlFiles } from '../../../core/net/sysctlFiles.ts';
import type { CmdContext, Co, Command } from '../../types.ts';

const USAGE = `
Usage:
 sysctl [options] [variable[=value] ...]

Options:
  -a, --all            display all variables
  -A                   alias of -a
  -X                   alias of -a
      --deprecated     include deprecated parameters to listing
  -b, --binary         print value without new line
  -e, --ignore         ignore unknown variables errors
  -N, --names          print variable names without values
  -n, --values         print only values of the given variable(s)
  -p, --load[=<file>]  read values from file
  -f                   alias of -p
      --system         read values from all system directories
  -r, --pattern <expression>
                       select setting that match expression
  -q, --quiet          do not echo variable set
  -w, --write          enable writing a value to variable
  -o                   does nothing
  -x                   does nothing
  -d                   alias of -h

 -h, --help     display this help and exit
 -V, --version  output version information and exit

For more details see sysctl(8).
`;

interface Opts {
  printName: boolean;
  printNewline: boolean;
  ignoreError: boolean;
  nameOnly: boolean;
  quiet: boolean;
  pattern: RegExp | null;
}

/** "net.ipv4.ip_forward" or "net/ipv4/ip_forward" → dotted key and /proc path. */
function keyPaths(name: string): { key: string; path: string } {
  const key = name.replace(/\//g, '.');
  return { key, path: '/proc/sys/' + key.replace(/\./g, '/') };
}

export const sysctlCommand: Command = {
  name: 'sysctl',
  pkg: 'procps-ng',
  path: '/usr/sbin/sysctl',
  *run(ctx: CmdContext): Co<number> {
    const h = ctx.host.kernel;
    const out = (s: string) => ctx.stdout.write(s);
    const warn = (s: string) => ctx.stderr.write(`sysctl: ${s}\n`);
    const o: Opts = { printName: true, printNewline: true, ignoreError: false, nameOnly: false, quiet: false, pattern: null };
    const argv = ctx.argv.slice(1);
    if (argv.length === 0) { ctx.stderr.write(USAGE); return 1; }
    let write = false, all = false, preload = false;
    let preloadFile: string | null = null;
    const rest: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--') { rest.push(...argv.slice(i + 1)); break; }
      if (a.startsWith('--')) {
        const [name, val] = a.slice(2).split(/=(.*)/s);
        switch (name) {
          case 'all': all = true; break;
          case 'deprecated': break;
          case 'binary': o.printNewline = false; o.printName = false; break;
          case 'ignore': o.ignoreError = true; break;
          case 'names': o.nameOnly = true; break;
          case 'values': o.printName = false; break;
          case 'load': preload = true; if (val !== undefined) preloadFile = val; break;
          case 'quiet': o.quiet = true; break;
          case 'write': write = true; break;
          case 'system': return yield* system(ctx, h);
          case 'pattern': {
            const p = val ?? argv[++i];
            if (p === undefined) { warn(`option '--pattern' requires an argument`); ctx.stderr.write(USAGE); return 1; }
            o.pattern = toRegex(p);
            break;
          }
          case 'help': out(USAGE); return 0;
          case 'version': out('sysctl from procps-ng 3.3.17\n'); return 0;
          default: warn(`unrecognized option '${a}'`); ctx.stderr.write(USAGE); return 1;
        }
        continue;
      }
      if (a.startsWith('-') && a.length > 1) {
        for (let j = 1; j < a.length; j++) {
          const c = a[j];
          switch (c) {
            case 'b': o.printNewline = false; o.printName = false; break;
            case 'n': o.printName = false; break;
            case 'e': o.ignoreError = true; break;
            case 'N': o.nameOnly = true; break;
            case 'w': write = true; break;
            case 'f': case 'p':
              preload = true;
              if (j + 1 < a.length) { preloadFile = a.slice(j + 1); j = a.length; }
              break;
            case 'q': o.quiet = true; break;
            case 'o': case 'x': break;
            case 'a': case 'A': case 'X': all = true; break;
            case 'r': {
              const p = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
              if (p === undefined) { warn(`option requires an argument -- 'r'`); ctx.stderr.write(USAGE); return 1; }
              o.pattern = toRegex(p);
              j = a.length;
              break;
            }
            case 'V': out('sysctl from procps-ng 3.3.17\n'); return 0;
            case 'd': case 'h': out(USAGE); return 0;
            default: warn(`invalid option -- '${c}'`); ctx.stderr.write(USAGE); return 1;
          }
        }
        continue;
      }
      rest.push(a);
    }
    if (all) return displayAll(ctx, h, o);
    if (preload) {
      let rc = 0;
      if (preloadFile === null) { if (rest.length === 0) rc |= preloadOne(ctx, h, o, '/etc/sysctl.conf'); }
      else rc |= preloadOne(ctx, h, o, preloadFile);
      for (const f of rest) rc |= preloadOne(ctx, h, o, f);
      return rc & 0xff;
    }
    if (rest.length === 0) {
      warn('no variables specified\nTry `sysctl --help\' for more information.');
      return 1;
    }
    if (o.nameOnly && o.quiet) {
      warn('options -N and -q cannot coexist\nTry `sysctl --help\' for more information.');
      return 1;
    }
    let rc = 0;
    for (const a of rest) rc += write || a.includes('=') ? writeSetting(ctx, h, o, a, false) : readSetting(ctx, h, o, a);
    return rc & 0xff;
  },
};

function toRegex(p: string): RegExp | null {
  try { return new RegExp(p); } catch { return null; }
}

function readSetting(ctx: CmdContext, h: Host, o: Opts, name: string): number {
  if (!name) { ctx.stderr.write(`sysctl: "${name}" is an unknown key\n`); return -1; }
  const { key, path } = keyPaths(name);
  let node;
  try { node = h.fs.lookup(path); } catch (e) {
    if (!o.ignoreError) { ctx.stderr.write(`sysctl: cannot stat ${path}: ${errText(e)}\n`); return -1; }
    return 0;
  }
  if (node.kind === 'dir') return displayPrefix(ctx, h, o, key);
  if (o.pattern && !o.pattern.test(key)) return 0;
  if (o.nameOnly) { ctx.stdout.write(`${key}\n`); return 0; }
  const v = h.sysctl.get(key) ?? '';
  if (o.printName) ctx.stdout.write(`${key} = ${v}\n`);
  else ctx.stdout.write(o.printNewline ? `${v}\n` : v);
  return 0;
}

function displayPrefix(ctx: CmdContext, h: Host, o: Opts, prefix: string): number {
  for (const k of h.sysctl.keys()) if (k.startsWith(prefix + '.')) readSetting(ctx, h, o, k);
  return 0;
}

function displayAll(ctx: CmdContext, h: Host, o: Opts): number {
  const parts: string[] = [];
  for (const k of h.sysctl.keys()) {
    if (o.pattern && !o.pattern.test(k)) continue;
    if (o.nameOnly) { parts.push(`${k}\n`); continue; }
    const v = h.sysctl.get(k) ?? '';
    parts.push(o.printName ? `${k} = ${v}\n` : o.printNewline ? `${v}\n` : v);
  }
  ctx.stdout.write(parts.join(''));
  return 0;
}

/** WriteSetting(): returns rc as procps does (0, -1, -2). */
function writeSetting(ctx: CmdContext, h: Host, o: Opts, setting: string, fromFile: boolean): number {
  const eq = setting.indexOf('=');
  if (eq < 0) { ctx.stderr.write(`sysctl: "${setting}" must be of the form name=value\n`); return -1; }
  let name = setting.slice(0, eq);
  const value = setting.slice(eq + 1);
  if (!name) { ctx.stderr.write(`sysctl: malformed setting "${setting}"\n`); return -2; }
  const ignoreFailure = name.startsWith('-');
  if (ignoreFailure) name = name.slice(1);
  void fromFile;
  const { key, path } = keyPaths(name);
  let node;
  try { node = h.fs.lookup(path); } catch (e) {
    if (!o.ignoreError) { ctx.stderr.write(`sysctl: cannot stat ${path}: ${errText(e)}\n`); return -1; }
    return 0;
  }
  if (node.kind === 'dir' || !node.proc?.write) { ctx.stderr.write(`sysctl: setting key "${key}": ${STRERROR.EACCES}\n`); return 0; }
  try {
    h.sysctl.set(key, value);
  } catch (e) {
    // The kernel's answer arrives when the file is closed: a warning, but rc stays 0.
    ctx.stderr.write(`sysctl: setting key "${key}"${ignoreFailure ? ', ignoring' : ''}: ${errText(e)}\n`);
    return 0;
  }
  if (!o.quiet) {
    if (o.nameOnly) ctx.stdout.write(`${key}\n`);
    else if (o.printName) ctx.stdout.write(`${key} = ${value}\n`);
    else ctx.stdout.write(o.printNewline ? `${value}\n` : value);
  }
  return 0;
}

/** Preload(): one file, line by line. */
function preloadOne(ctx: CmdContext, h: Host, o: Opts, file: string): number {
  let text: string;
  const path = file === '-' ? null : ctx.resolve(file);
  try {
    text = path === null ? '' : h.fs.readFile(path);
  } catch (e) {
    ctx.stderr.write(`sysctl: cannot open "${file}": ${errText(e)}\n`);
    return -1;
  }
  let rc = 0;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, i) => {
    const n = i + 1;
    const t = raw.trim();
    if (t.length < 2 || t.startsWith('#') || t.startsWith(';')) return;
    const eq = t.indexOf('=');
    const name = (eq < 0 ? t : t.slice(0, eq)).trim();
    if (!name) { ctx.stderr.write(`sysctl: ${file}(${n}): invalid syntax, continuing...\n`); return; }
    if (o.pattern && !o.pattern.test(name)) return;
    const value = eq < 0 ? '' : t.slice(eq + 1).replace(/^[ \t]+/, '');
    if (!value) { ctx.stderr.write(`sysctl: ${file}(${n}): invalid syntax, continuing...\n`); return; }
    rc |= writeSetting(ctx, h, o, `${name}=${value}`, true);
  });
  return rc;
}

function* system(ctx: CmdContext, h: Host): Co<number> {
  const o: Opts = { printName: true, printNewline: true, ignoreError: true, nameOnly: false, quiet: false, pattern: null };
  let rc = 0;
  const files = systemSysctlFiles(h);
  for (const f of files) {
    if (f === '/etc/sysctl.conf') continue;
    ctx.stdout.write(`* Applying ${f} ...\n`);
    rc |= preloadOne(ctx, h, o, f);
  }
  if (h.fs.exists('/etc/sysctl.conf')) {
    ctx.stdout.write('* Applying /etc/sysctl.conf ...\n');
    rc |= preloadOne(ctx, h, o, '/etc/sysctl.conf');
  }
  return rc & 0xff;
}

function errText(e: unknown): string {
  return e instanceof FsError ? e.message : String(e);
}
