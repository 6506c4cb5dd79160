/**
 * The editors: vi, view and ex (vim-minimal), vim (vim-enhanced), nano (the nano package,
 * not installed by default: `bash: nano: command not found` until `dnf install nano`).
 *
 * On a terminal (stdin is the terminal and the session can show an editor: `ctx.tty.edit`)
 * the command hands the file to the in-browser editor (src/editor/Editor.tsx) and waits
 * until the user quits; the file changes only when the user writes (:w, :wq, ZZ; nano ^O,
 * ^X then Y). Before handing over it records what it knows about the file (new, directory,
 * missing directory, read-only, /proc) for the page: `takeEditTarget(path)`.
 *
 * Otherwise vim does what the real one does when its keys do not come from a terminal: it
 * prints `Vim: Warning: Input is not from a terminal` (and/or `Output is not to a
 * terminal`) on stderr, waits two seconds, and reads its keys from stdin — so a transcript
 * can edit a file:
 *
 *     vi /etc/sysctl.conf <<'EOF'
 *     :%s/ip_forward = 0/ip_forward = 1/
 *     :wq
 *     EOF
 *
 * The keys are interpreted by src/editor/vimEngine.ts (its header lists the subset: Normal
 * mode motions and edits, insert mode up to <Esc>, `/` search, and the Ex commands :w :wq :x
 * :q :q! :s :d :g :v :a :i :c :m :t :j :y :pu :r :e! :set :u …). Nothing is drawn: vim draws
 * on the alternate screen, which disappears when it exits. If the input ends before a quit
 * command, vim prints `Vim: Error reading input, exiting...` and `Vim: Finished.` and exits
 * with status 1, the file unchanged unless it was written. `ex FILE`/`vi -e`/`vi -es` read
 * Ex commands (no `:` needed), silently when stdin is not a terminal, and print :p/:nu/:= on
 * stdout. Options: +N, +/pat, +cmd, -c cmd, --cmd cmd, -R, -e, -s (silent Ex, or a script
 * of Normal-mode keys), -n, -N, -u/-i/-U FILE and friends (accepted), --version, -h.
 *
 * nano reads its keys only from a terminal: with stdin redirected it says `Too many errors
 * from stdin` and exits 1, as the real one does once its input runs dry.
 *
 * Without a heredoc or pipe in the headless runner, stdin is an idle terminal: vim waits for
 * keys like the real one, until the runner's automatic Ctrl-C ends it (status 130).
 * Ex mode prints no `:` prompt. `:s///c` replaces without asking.
 *
 * With the page's editor, `-c`/`+cmd` commands run first and only matter when they quit
 * (`vi -c '%s/a/b/' -c wq f`); otherwise the editor opens at line 1 on the file as saved.
 * `vim DIR` says `"DIR" is a directory` as vi does (vim-enhanced would open netrw).
 *
 * Left out: several files at once (:n), swap files (E325 ATTENTION; "preserving files" is
 * printed but no .swp is left), `vi -` (buffer from stdin), writing to a command (:w !cmd),
 * a headless nano.
 */
import { FsError, type Vfs } from '../../core/fs/vfs.ts';
import type { EditTarget } from '../../editor/fileTarget.ts';
import { VimEngine, type VimHost } from '../../editor/vimEngine.ts';
import { MS } from '../../core/sim/events.ts';
import { type CmdContext, type Co, type Command, waitSim } from '../types.ts';
import { defineCommand, type Io } from './util.ts';

// ---- what the editor opened --------------------------------------------------------------------

/** What an editor knows about `abs` (typed as `name`) on this file system. */
export function editTarget(fs: Vfs, abs: string, name: string, readonly = false): EditTarget {
  const base = { name, path: abs, readonly, writeErrno: null as string | null, fsyncFails: false, noeol: false };
  if (!abs) return { ...base, kind: 'new' };
  const node = fs.tryLookup(abs, true);
  if (!node) {
    const parentPath = abs.slice(0, abs.lastIndexOf('/')) || '/';
    const parent = fs.tryLookup(parentPath, true);
    if (!parent) return { ...base, kind: 'noparent', writeErrno: 'ENOENT' };
    if (parent.kind !== 'dir') return { ...base, kind: 'noparent', writeErrno: 'ENOTDIR' };
    const ro = !parent.children || (parent.dyn && !parent.children.size && parent.mode === 0o555);
    return { ...base, kind: 'new', writeErrno: ro ? 'EACCES' : null };
  }
  const noWriteBits = (node.mode & 0o222) === 0;
  switch (node.kind) {
    case 'dir': return { ...base, kind: 'dir', writeErrno: 'EISDIR' };
    case 'proc': {
      let text = '';
      try { text = node.proc!.read(); } catch { /* unreadable */ }
      return {
        ...base, kind: 'proc', readonly: readonly || noWriteBits, writeErrno: node.proc!.write ? null : 'EACCES',
        fsyncFails: !!node.proc!.write, noeol: text !== '' && !text.endsWith('\n'),
      };
    }
    case 'chardev': return { ...base, kind: 'special', readonly: readonly || noWriteBits, writeErrno: node.dev === 'full' ? 'ENOSPC' : null };
    default: {
      const text = node.data ?? '';
      return { ...base, kind: 'file', readonly: readonly || noWriteBits, noeol: text !== '' && !text.endsWith('\n') };
    }
  }
}

/** The text an editor shows for a target ('' for a directory or a new file). */
export function readTarget(fs: Vfs, t: EditTarget): string {
  if (t.kind === 'dir' || t.kind === 'new' || t.kind === 'noparent') return '';
  try { return fs.readFile(t.path); } catch { return ''; }
}

let lastRequest: { path: string; target: EditTarget } | null = null;

/**
 * What the command knew about the file it asked the terminal to edit: the page's editor
 * uses it for its first message and to refuse writes that would fail. Call it from
 * TerminalSink.edit (it runs synchronously inside the command's request); one use.
 */
export function takeEditTarget(path: string): EditTarget | undefined {
  const r = lastRequest;
  lastRequest = null;
  return r && r.path === path ? r.target : undefined;
}

// ---- vim -----------------------------------------------------------------------------------------

type VimFlavor = 'vi' | 'vim' | 'view' | 'ex';

const VERSION_HEAD = 'VIM - Vi IMproved 8.2 (2019 Dec 12, compiled Nov 14 2023 00:00:00)';

function vimVersion(flavor: VimFlavor): string {
  const small = flavor !== 'vim';
  return `${VERSION_HEAD}
Included patches: 1-2637
Modified by <bugzilla@redhat.com>
Compiled by <bugzilla@redhat.com>
${small ? 'Small' : 'Huge'} version without GUI.  Features included (+) or not (-):
   system vimrc file: "/etc/${small ? 'virc' : 'vimrc'}"
     user vimrc file: "$HOME/.${small ? 'virc' : 'vimrc'}"
      user exrc file: "$HOME/.exrc"
  fall-back for $VIM: "/etc"
 f-b for $VIMRUNTIME: "/usr/share/vim/vim82"
`;
}

function vimHelp(flavor: VimFlavor): string {
  return `${VERSION_HEAD}

Usage: ${flavor} [arguments] [file ..]       edit specified file(s)
   or: ${flavor} [arguments] -               read text from stdin

Arguments:
   --\t\t\tOnly file names after this
   -v\t\t\tVi mode (like "vi")
   -e\t\t\tEx mode (like "ex")
   -s\t\t\tSilent (batch) mode (only for "ex")
   -R\t\t\tReadonly mode (like "view")
   -n\t\t\tNo swap file, use memory only
   -N\t\t\tNot fully Vi compatible: 'nocompatible'
   -u <vimrc>\t\tUse <vimrc> instead of any .vimrc
   --cmd <command>\tExecute <command> before loading any vimrc file
   -c <command>\t\tExecute <command> after loading the first file
   -s <scriptin>\tRead Normal mode commands from file <scriptin>
   +\t\t\tStart at end of file
   +<lnum>\t\tStart at line <lnum>
   -h  or  --help\tPrint Help (this message) and exit
   --version\t\tPrint version information and exit
`;
}

function* vimMain(io: Io, ctx: CmdContext, flavor: VimFlavor): Co<number> {
  const argv = ctx.argv;
  let exMode = flavor === 'ex';
  let silent = false;
  let readonly = flavor === 'view';
  let script: string | null = null;
  const cmds: string[] = [];
  const files: string[] = [];
  let wantScript = false;
  let noSwap = false;
  const bad = (msg: string): number => {
    io.errRaw(`${VERSION_HEAD}\n${msg}\nMore info with: "${argv[0].replace(/^.*\//, '')} -h"\n`);
    return 1;
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { files.push(...argv.slice(i + 1)); break; }
    if (a === '--version') { io.out(vimVersion(flavor)); return 0; }
    if (a === '--help' || a === '-h') { io.out(vimHelp(flavor)); return 0; }
    if (a.startsWith('+')) { cmds.push(a === '+' ? '$' : a.slice(1)); continue; }
    if (a === '-c' || a === '--cmd') {
      if (i + 1 >= argv.length) return bad(`Argument missing after: "${a}"`);
      cmds.push(argv[++i]);
      continue;
    }
    if (a === '-u' || a === '-U' || a === '-i' || a === '-T' || a === '-w' || a === '-W' || a === '-t' || a === '-q' || a === '-S') {
      if (i + 1 >= argv.length) return bad(`Argument missing after: "${a}"`);
      i++;
      continue;
    }
    if (a === '-') return bad('Reading the text from stdin is not supported in the lab');
    if (a.startsWith('--')) {
      if (['--noplugin', '--nofork', '--not-a-term', '--ttyfail', '--clean'].includes(a)) continue;
      return bad(`Unknown option argument: "${a}"`);
    }
    if (a.startsWith('-') && a.length > 1) {
      for (const f of a.slice(1)) {
        switch (f) {
          case 'e': case 'E': exMode = true; break;
          case 's': if (exMode || flavor === 'ex') silent = true; else wantScript = true; break;
          case 'R': case 'M': case 'm': readonly = readonly || f === 'R'; break;
          case 'v': exMode = false; break;
          case 'n': noSwap = true; break;
          case 'N': case 'C': case 'b': case 'l': case 'X': case 'Z': case 'A': case 'H': case 'F': case 'y': case 'L': case 'x': case 'f': case 'g': case 'D': break;
          default: return bad(`Unknown option argument: "${a}"`);
        }
      }
      if (wantScript) {
        wantScript = false;
        if (i + 1 >= argv.length) return bad(`Argument missing after: "${a}"`);
        const sf = argv[++i];
        try { script = ctx.fs.readFile(ctx.resolve(sf)); } catch {
          io.errRaw(`Cannot open for reading: "${sf}"\n`);
          return 1;
        }
      }
      continue;
    }
    files.push(a);
  }
  if (cmds.length > 10) return bad('Too many "+command", "-c command" or "--cmd command" arguments');
  const name = files[0] ?? '';
  const abs = name ? ctx.resolve(name) : '';
  const target = editTarget(ctx.fs, abs, name, readonly);
  const text = readTarget(ctx.fs, target);
  const host: VimHost = {
    target: (n) => editTarget(ctx.fs, n ? ctx.resolve(n) : '', n),
    write: (path, data) => {
      try { ctx.fs.writeFile(path, data, { mode: 0o644 }); return null; } catch (e) { return e instanceof FsError ? e.code : 'EIO'; }
    },
    read: (path) => { try { return ctx.fs.readFile(path); } catch { return null; } },
  };

  // A terminal with a screen: the page's editor (commands given with -c run first, headlessly).
  const edit = ctx.tty?.edit;
  if (edit && ctx.stdin.isTty && !exMode && script === null) {
    if (cmds.length) {
      const pre = new VimEngine(text, target, host, { readonly });
      for (const c of cmds) { pre.command(c); if (pre.quit !== null) return pre.quit; }
    }
    lastRequest = { path: abs, target };
    yield* edit(abs, 'vi');
    lastRequest = null;
    return 0;
  }

  // Keys from a pipe, a heredoc, a script or a terminal without a screen.
  const err = ctx.stderr;
  if (!exMode) {
    let warned = false;
    if (!ctx.stdout.isTty) { err.write('Vim: Warning: Output is not to a terminal\n'); warned = true; }
    if (!ctx.stdin.isTty) { err.write('Vim: Warning: Input is not from a terminal\n'); warned = true; }
    // as vim's check_tty(): a two-second pause so the warning can be read (not with -s scriptin)
    if (warned && script === null) {
      const until = ctx.host.now() + 2005 * MS;
      yield* waitSim(() => false, until);
    }
  }
  if (exMode && !ctx.stdin.isTty) silent = true;
  io.sync();
  const vim = new VimEngine(text, target, host, { exMode, silent, readonly, print: (s) => ctx.stdout.write(s) });
  for (const c of cmds) {
    vim.command(c);
    if (vim.quit !== null) return vim.quit;
  }
  if (script !== null) {
    vim.feed(script);
    if (vim.quit !== null) return vim.quit;
  }
  for (;;) {
    const chunk = yield* ctx.stdin.read();
    if (chunk === null) { vim.eof(); break; }
    vim.feed(chunk);
    if (vim.quit !== null) break;
  }
  if (vim.quit !== null) return exMode && silent && vim.errors ? 1 : vim.quit;
  // as vim's preserve_exit(): a modified buffer's swap file is synced first (none with -n)
  ctx.stdout.write(`Vim: Error reading input, exiting...\n${vim.modified && !noSwap ? 'Vim: preserving files...\n' : ''}Vim: Finished.\n`);
  return 1;
}

function vimCommand(name: VimFlavor, pkg: string): Command {
  const c = defineCommand(name, (io, ctx) => vimMain(io, ctx, name), pkg);
  return { ...c, path: `/usr/bin/${name}` };
}

// ---- nano ----------------------------------------------------------------------------------------

const NANO_VERSION = ` GNU nano, version 5.6.1
 (C) 1999-2011, 2013-2021 Free Software Foundation, Inc.
 (C) 2014-2021 the contributors to nano
 Compiled options: --enable-utf8
`;

const NANO_FLAGS_WITH_ARG = new Set(['T', 'Y', 'o', 'r', 'Q', 's', 'X', 'f', 'C', 'J']);

function* nanoMain(io: Io, ctx: CmdContext): Co<number> {
  const argv = ctx.argv;
  const files: string[] = [];
  let readonly = false;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--version' || a === '-V') { io.out(NANO_VERSION); return 0; }
    if (a === '--help' || a === '-h') { io.out('Usage: nano [OPTIONS] [[+LINE[,COLUMN]] FILE]...\n'); return 0; }
    if (a === '--view') { readonly = true; continue; }
    if (a.startsWith('--')) continue;
    if (a.startsWith('+')) continue;
    if (a.startsWith('-') && a.length > 1) {
      for (let k = 1; k < a.length; k++) {
        const f = a[k];
        if (f === 'v') readonly = true;
        else if (NANO_FLAGS_WITH_ARG.has(f)) { if (k === a.length - 1) i++; break; }
        else if (!/[A-Za-z0-9$%_!]/.test(f)) {
          io.errRaw(`nano: invalid option -- '${f}'\nType 'nano -h' for a list of available options.\n`);
          return 1;
        }
      }
      continue;
    }
    files.push(a);
  }
  const name = files[0] ?? '';
  const abs = name ? ctx.resolve(name) : '';
  const edit = ctx.tty?.edit;
  if (edit && ctx.stdin.isTty) {
    lastRequest = { path: abs, target: editTarget(ctx.fs, abs, name, readonly) };
    yield* edit(abs, 'nano');
    lastRequest = null;
    return 0;
  }
  // No screen: nano's keys come from stdin; once it runs dry nano gives up (as its get_input).
  while ((yield* ctx.stdin.read()) !== null) { /* keys nano cannot act on without a screen */ }
  io.errRaw('Too many errors from stdin\n');
  return 1;
}

export const editorCommands: Command[] = [
  vimCommand('vi', 'vim-minimal'),
  vimCommand('view', 'vim-minimal'),
  vimCommand('ex', 'vim-minimal'),
  vimCommand('vim', 'vim-enhanced'),
  { ...defineCommand('nano', nanoMain, 'nano'), path: '/usr/bin/nano' },
];
