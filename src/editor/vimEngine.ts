/**
 * A small vim without a screen: what `vi FILE` does when its keys come from a heredoc or a
 * pipe (`vi /etc/sysctl.conf <<'EOF'` … `EOF`), and what `ex`/`vi -e` do with a script.
 * It keeps a buffer of lines and a cursor and interprets the keys as vim's Normal mode does;
 * `:` commands are a subset of Ex. Nothing is drawn: on a real terminal vim draws on the
 * alternate screen, which is gone when it exits, so only what vim prints outside it (the
 * warnings, "Vim: Error reading input") reaches the terminal; messages are kept in
 * `messages` for tests.
 *
 * Supported (the documented subset, docs in src/shell/commands/editor.ts):
 *  - Normal mode: counts; h j k l 0 ^ $ w b e gg G; i a I A o O (insert until <Esc>);
 *    x X D C S s J r{c} dd cc yy Y p P, d/c/y with a motion (w b e $ 0 ^ h l j k G gg);
 *    u, Ctrl-R; /pat ?pat n N; ZZ ZQ.
 *  - Ex: ranges (N . $ % 'N,M' /pat/ ?pat? ±N); :w[!] [file] :wq[!] :x[!] :q[!] :qa[!]
 *    :wqa :xa :cq; :s/pat/rep/[&cegiInp] and :& ; :d :y :pu :j :m :t/:co; :a :i :c (text
 *    lines up to a line with a single "."); :g[!]/pat/cmd and :v; :u :red; :set (number,
 *    ignorecase, smartcase; others accepted); :noh; :p :nu :# := (printed in Ex mode);
 *    :r file; :e! (revert); :N (go to line).
 *  - Insert mode: text, Enter, Backspace (backspace=indent,eol,start as RHEL's vimrc), Tab.
 * Left out: visual mode, marks, registers other than the unnamed one, macros, :normal,
 * folding, multiple buffers and windows, `.` repeat, abbreviations and mappings.
 */
import { bufferOf, E37, type EditTarget, lineCount, utf8Length, vimOpenMessage } from './fileTarget.ts';
import { expandReplacement, tildeExpand, VimRegexError, vimRegex } from './vimRegex.ts';

/** The file system as the editor sees it. */
export interface VimHost {
  /** The target as it is now (re-read before every write: the directory may exist by then). */
  target(name: string): EditTarget;
  /** Write a file; an errno name on failure. */
  write(path: string, text: string): string | null;
  /** A file's text, or null (for :r and :e!). */
  read(path: string): string | null;
}

interface Line { t: string }

const MAX_LINES = 200_000;
const MAX_OPS = 2_000_000;

class VimError extends Error {}

export interface VimOptions {
  /** Ex mode (`ex`, `vi -e`): every input line is an Ex command. */
  exMode?: boolean;
  /** `-s` with Ex mode, or input not from a terminal in Ex mode: no prompts. */
  silent?: boolean;
  /** view, vi -R. */
  readonly?: boolean;
  /** Where Ex mode prints (:p, :nu, :=). */
  print?: (s: string) => void;
}

export class VimEngine {
  private lines: Line[];
  private row = 0;
  private col = 0;
  modified = false;
  /** Set when the editor quits: the exit status. */
  quit: number | null = null;
  readonly messages: string[] = [];
  /** Errors seen (vim -es exits 1 if any). */
  errors = 0;
  private target: EditTarget;
  private readonly undo: { lines: string[]; row: number; col: number }[] = [];
  private readonly redo: { lines: string[]; row: number; col: number }[] = [];
  private reg: { text: string[]; linewise: boolean } = { text: [], linewise: true };
  private lastSearch: { pat: string; fwd: boolean } | null = null;
  private lastSub: { pat: string; rep: string; flags: string } | null = null;
  private prevRep = '';
  private readonly opts = { number: false, ignorecase: false, smartcase: false, wrapscan: true };
  /** Keys not yet forming a complete command. */
  private pend = '';
  private mode: 'normal' | 'insert' | 'cmdline' | 'append' = 'normal';
  private cmdline = '';
  private cmdKind: ':' | '/' | '?' = ':';
  private appendState: { at: number; lines: string[]; replace: [number, number] | null } | null = null;
  private ops = 0;
  private readonly print: (s: string) => void;

  constructor(text: string, target: EditTarget, private readonly host: VimHost, private readonly o: VimOptions = {}) {
    const buf = target.kind === 'dir' ? '' : text;
    this.lines = splitBuffer(bufferOf(buf));
    this.target = o.readonly ? { ...target, readonly: true } : target;
    this.print = o.print ?? (() => { /* drawn on the (absent) screen */ });
    this.emptyPlaceholder = buf === '';
    this.msg(vimOpenMessage(this.target, buf));
    if (o.exMode) this.row = Math.max(0, this.lines.length - 1); // Ex starts on the last line
  }

  /** The buffer's text as it would be written. */
  text(): string { return this.isEmptyDoc() && this.emptyPlaceholder ? '' : this.lines.map((l) => l.t).join('\n') + '\n'; }
  get cursor(): { line: number; col: number } { return { line: this.row + 1, col: this.col + 1 }; }
  get lastMessage(): string { return this.messages[this.messages.length - 1] ?? ''; }

  private msg(s: string): void { this.messages.push(s); }
  private err(s: string): never { throw new VimError(s); }
  private emsg(s: string): void {
    this.errors++;
    this.messages.push(s);
  }

  // ---- input ----------------------------------------------------------------------------------

  /** Keys typed (or read from stdin). Stops consuming once the editor quits. */
  feed(keys: string): void {
    for (let i = 0; i < keys.length && this.quit === null; i++) {
      if (++this.ops > MAX_OPS) { this.quit = 1; this.msg('E—: too much input'); return; }
      this.key(keys[i]);
    }
  }

  private key(c: string): void {
    if (this.o.exMode && this.mode === 'normal') this.mode = 'cmdline';
    switch (this.mode) {
      case 'insert': this.insertKey(c); return;
      case 'append': this.appendKey(c); return;
      case 'cmdline': this.cmdlineKey(c); return;
      default: this.normalKey(c);
    }
  }

  private cmdlineKey(c: string): void {
    if (c === '\n' || c === '\r') {
      const line = this.cmdline;
      const kind = this.cmdKind;
      this.cmdline = '';
      this.cmdKind = ':';
      if (!this.o.exMode) this.mode = 'normal';
      if (kind !== ':') {
        this.guard(() => this.search(line.replace(kind === '/' ? /(?<!\\)\/.*$/ : /(?<!\\)\?.*$/, ''), kind === '/', 1));
      } else {
        this.guard(() => this.ex(line));
      }
      return;
    }
    if (c === '\x1b' && !this.o.exMode) { this.cmdline = ''; this.mode = 'normal'; return; }
    if (c === '\x7f' || c === '\b') {
      if (this.cmdline === '') { if (!this.o.exMode) this.mode = 'normal'; return; }
      this.cmdline = this.cmdline.slice(0, -1);
      return;
    }
    if (c === '\x15') { this.cmdline = ''; return; }
    this.cmdline += c;
  }

  private guard(f: () => void): void {
    try {
      f();
    } catch (e) {
      if (e instanceof VimError || e instanceof VimRegexError) this.emsg(e.message);
      else throw e;
    }
  }

  // ---- undo -------------------------------------------------------------------------------------

  private save(): void {
    this.undo.push({ lines: this.lines.map((l) => l.t), row: this.row, col: this.col });
    if (this.undo.length > 1000) this.undo.shift();
    this.redo.length = 0;
  }

  private changed(): void { this.modified = true; }

  private doUndo(n: number, redo: boolean): void {
    const from = redo ? this.redo : this.undo;
    const to = redo ? this.undo : this.redo;
    let k = 0;
    for (; k < n && from.length; k++) {
      const s = from.pop()!;
      to.push({ lines: this.lines.map((l) => l.t), row: this.row, col: this.col });
      this.lines = s.lines.map((t) => ({ t }));
      this.row = Math.min(s.row, this.lines.length - 1);
      this.col = s.col;
      this.modified = true;
    }
    if (k === 0) this.msg(redo ? 'Already at newest change' : 'Already at oldest change');
    if (!redo && !this.undo.length) this.modified = false;
  }

  // ---- normal mode ------------------------------------------------------------------------------

  private get cur(): string { return this.lines[this.row].t; }
  private set cur(t: string) { this.lines[this.row].t = t; }
  private clampCol(insert = false): void {
    const max = Math.max(0, this.cur.length - (insert ? 0 : 1));
    this.col = Math.max(0, Math.min(this.col, max));
  }
  private firstNonBlank(): void { this.col = Math.max(0, this.cur.search(/\S|$/)); this.clampCol(); }

  private normalKey(c: string): void {
    this.pend += c;
    const p = this.pend;
    const m = /^([1-9]\d*)?(.*)$/s.exec(p)!;
    const count = m[1] ? Number(m[1]) : 0;
    const cmd = m[2];
    if (cmd === '') return; // a count so far
    const n = count || 1;
    const done = () => { this.pend = ''; };
    const needMore = (full: readonly string[]) => full.some((f) => f.startsWith(cmd) && f !== cmd);
    if (cmd === ':') { done(); this.mode = 'cmdline'; this.cmdline = count ? `.,.+${count - 1}` : ''; return; }
    if (cmd === '/' || cmd === '?') { done(); this.mode = 'cmdline'; this.cmdKind = cmd; this.cmdline = ''; return; }
    try {
      switch (cmd) {
        case 'h': case '\x7f': case '\b': this.col = Math.max(0, this.col - n); break;
        case 'l': case ' ': this.col += n; this.clampCol(); break;
        case 'j': case '\x0e': case '+': case '\r': case '\n':
          this.row = Math.min(this.lines.length - 1, this.row + n);
          if (cmd === '+' || cmd === '\r' || cmd === '\n') this.firstNonBlank(); else this.clampCol();
          break;
        case 'k': case '\x10': case '-':
          this.row = Math.max(0, this.row - n);
          if (cmd === '-') this.firstNonBlank(); else this.clampCol();
          break;
        case '0': this.col = 0; break;
        case '^': this.firstNonBlank(); break;
        case '$': this.row = Math.min(this.lines.length - 1, this.row + n - 1); this.col = Math.max(0, this.cur.length - 1); break;
        case 'w': case 'b': case 'e': { const t = this.motion(cmd, n); this.row = t.row; this.col = t.col; this.clampCol(); break; }
        case 'G': this.row = count ? Math.min(count, this.lines.length) - 1 : this.lines.length - 1; this.firstNonBlank(); break;
        case 'gg': this.row = Math.min(n, this.lines.length) - 1; this.firstNonBlank(); break;
        case 'i': case 'a': case 'I': case 'A': case 'o': case 'O': this.startInsert(cmd); break;
        case 'x': case 'X': {
          if (this.cur === '') break;
          this.save();
          const a = cmd === 'x' ? this.col : Math.max(0, this.col - n);
          const b = cmd === 'x' ? Math.min(this.cur.length, this.col + n) : this.col;
          if (a === b) { this.undo.pop(); break; }
          this.reg = { text: [this.cur.slice(a, b)], linewise: false };
          this.cur = this.cur.slice(0, a) + this.cur.slice(b);
          this.col = a;
          this.clampCol();
          this.changed();
          break;
        }
        case 'D': case 'C': {
          this.save();
          this.reg = { text: [this.cur.slice(this.col)], linewise: false };
          this.cur = this.cur.slice(0, this.col);
          this.changed();
          if (cmd === 'C') { this.mode = 'insert'; } else this.clampCol();
          break;
        }
        case 's': {
          this.save();
          this.reg = { text: [this.cur.slice(this.col, this.col + n)], linewise: false };
          this.cur = this.cur.slice(0, this.col) + this.cur.slice(this.col + n);
          this.changed();
          this.mode = 'insert';
          break;
        }
        case 'S': case 'cc': {
          this.save();
          const end = Math.min(this.lines.length, this.row + n);
          this.reg = { text: this.lines.slice(this.row, end).map((l) => l.t), linewise: true };
          this.lines.splice(this.row + 1, end - this.row - 1);
          const indent = /^\s*/.exec(this.cur)![0];
          this.cur = indent;
          this.col = indent.length;
          this.changed();
          this.mode = 'insert';
          break;
        }
        case 'dd': case 'yy': case 'Y': {
          const end = Math.min(this.lines.length, this.row + n);
          this.reg = { text: this.lines.slice(this.row, end).map((l) => l.t), linewise: true };
          if (cmd === 'dd') {
            this.save();
            this.deleteLines(this.row, end - 1);
            this.firstNonBlank();
          }
          break;
        }
        case 'p': case 'P': this.put(cmd === 'P', n); break;
        case 'J': this.join(this.row, Math.min(this.lines.length - 1, this.row + Math.max(1, n - 1)), true); break;
        case 'u': this.doUndo(n, false); break;
        case '\x12': this.doUndo(n, true); break;
        case 'n': case 'N': {
          if (!this.lastSearch) this.err('E35: No previous regular expression');
          const fwd = cmd === 'n' ? this.lastSearch.fwd : !this.lastSearch.fwd;
          this.search(this.lastSearch.pat, fwd, n, true);
          break;
        }
        case 'ZZ': this.guard(() => this.ex('x')); break;
        case 'ZQ': this.guard(() => this.ex('q!')); break;
        case '\x1b': break;
        case '\x07': this.msg(`"${this.target.name}" ${this.lines.length} line${this.lines.length === 1 ? '' : 's'} --${Math.round((this.row + 1) * 100 / this.lines.length)}%--`); break;
        default: {
          if (/^r.$/s.test(cmd)) {
            if (this.col + n > this.cur.length) break;
            this.save();
            const ch = cmd[1] === '\r' || cmd[1] === '\n' ? '\n' : cmd[1];
            if (ch === '\n') {
              const rest = this.cur.slice(this.col + n);
              this.cur = this.cur.slice(0, this.col);
              this.lines.splice(this.row + 1, 0, { t: rest });
              this.row++;
              this.col = 0;
            } else {
              this.cur = this.cur.slice(0, this.col) + ch.repeat(n) + this.cur.slice(this.col + n);
              this.col += n - 1;
            }
            this.changed();
            break;
          }
          const op = /^([dcy])(\d*)(w|b|e|\$|0|\^|h|l|j|k|G|gg)$/.exec(cmd);
          if (op) { this.operator(op[1] as 'd' | 'c' | 'y', n * (op[2] ? Number(op[2]) : 1), op[3], !!op[2] || !!count); break; }
          if (/^[dcy]\d*g?$/.test(cmd) || /^[gZr]$/.test(cmd) || needMore(['gg', 'ZZ', 'ZQ', 'dd', 'cc', 'yy'])) return; // wait for more keys
          break; // unknown: vim beeps
        }
      }
    } catch (e) {
      this.pend = '';
      if (e instanceof VimError || e instanceof VimRegexError) { this.emsg(e.message); return; }
      throw e;
    }
    done();
  }

  private motion(m: string, n: number): { row: number; col: number } {
    let row = this.row;
    let col = this.col;
    const cls = (ch: string | undefined) => (ch === undefined || /\s/.test(ch) ? 0 : /\w/.test(ch) ? 1 : 2);
    for (let k = 0; k < n; k++) {
      const t = this.lines[row].t;
      if (m === 'w') {
        const c0 = cls(t[col]);
        let i = col;
        while (i < t.length && cls(t[i]) === c0 && c0 !== 0) i++;
        while (i < t.length && cls(t[i]) === 0) i++;
        if (i >= t.length && row < this.lines.length - 1) { row++; col = this.lines[row].t.search(/\S|$/); }
        else col = i;
      } else if (m === 'e') {
        let i = col + 1;
        while (i < t.length && cls(t[i]) === 0) i++;
        const c0 = cls(t[i]);
        while (i + 1 < t.length && cls(t[i + 1]) === c0) i++;
        col = Math.min(i, Math.max(0, t.length - 1));
      } else {
        let i = col - 1;
        while (i > 0 && cls(t[i]) === 0) i--;
        const c0 = cls(t[i]);
        while (i > 0 && cls(t[i - 1]) === c0) i--;
        col = Math.max(0, i);
      }
    }
    return { row, col };
  }

  private operator(op: 'd' | 'c' | 'y', n: number, m: string, counted: boolean): void {
    const linewise = 'jkGg'.includes(m[0]);
    if (linewise) {
      let a = this.row;
      let b = this.row;
      if (m === 'j') b = Math.min(this.lines.length - 1, this.row + n);
      else if (m === 'k') a = Math.max(0, this.row - n);
      else if (m === 'G') b = counted ? n - 1 : this.lines.length - 1;
      else a = counted ? n - 1 : 0;
      if (a > b) [a, b] = [b, a];
      this.reg = { text: this.lines.slice(a, b + 1).map((l) => l.t), linewise: true };
      if (op === 'y') return;
      this.save();
      if (op === 'c') {
        this.lines.splice(a + 1, b - a);
        this.row = a;
        this.cur = '';
        this.col = 0;
        this.changed();
        this.mode = 'insert';
        return;
      }
      this.deleteLines(a, b);
      this.firstNonBlank();
      return;
    }
    let a = this.col;
    let b = this.col;
    if (m === '$') b = this.cur.length;
    else if (m === '0') a = 0;
    else if (m === '^') a = this.cur.search(/\S|$/);
    else if (m === 'h') a = Math.max(0, this.col - n);
    else if (m === 'l') b = Math.min(this.cur.length, this.col + n);
    else if (m === 'w' && op === 'c') { b = this.motion('e', n).col + 1; if (/\s/.test(this.cur[this.col] ?? '')) b = this.col + 1; }
    else if (m === 'w') { const t = this.motion('w', n); b = t.row === this.row ? t.col : this.cur.length; }
    else if (m === 'e') b = this.motion('e', n).col + 1;
    else if (m === 'b') a = this.motion('b', n).col;
    if (a > b) [a, b] = [b, a];
    this.reg = { text: [this.cur.slice(a, b)], linewise: false };
    if (op === 'y') return;
    this.save();
    this.cur = this.cur.slice(0, a) + this.cur.slice(b);
    this.col = a;
    this.changed();
    if (op === 'c') { this.mode = 'insert'; } else this.clampCol();
  }

  private put(before: boolean, n: number): void {
    if (!this.reg.text.length) this.err('E353: Nothing in register "');
    this.save();
    if (this.reg.linewise) {
      const at = before ? this.row : this.row + 1;
      const add: Line[] = [];
      for (let k = 0; k < n; k++) for (const t of this.reg.text) add.push({ t });
      this.insertLines(at, add);
      this.row = at;
      this.firstNonBlank();
    } else {
      const s = this.reg.text.join('\n').repeat(n);
      const at = this.cur === '' ? 0 : before ? this.col : this.col + 1;
      this.cur = this.cur.slice(0, at) + s + this.cur.slice(at);
      this.col = at + s.length - 1;
    }
    this.changed();
  }

  private startInsert(k: string): void {
    this.save();
    switch (k) {
      case 'a': if (this.cur !== '') this.col++; break;
      case 'I': this.col = this.cur.search(/\S|$/); break;
      case 'A': this.col = this.cur.length; break;
      case 'o': this.insertLines(this.row + 1, [{ t: '' }]); this.row++; this.col = 0; this.changed(); break;
      case 'O': this.insertLines(this.row, [{ t: '' }]); this.col = 0; this.changed(); break;
    }
    this.mode = 'insert';
  }

  private insertKey(c: string): void {
    if (c === '\x1b') {
      this.mode = 'normal';
      this.col = Math.max(0, this.col - 1);
      this.clampCol();
      return;
    }
    if (c === '\r' || c === '\n') {
      const rest = this.cur.slice(this.col);
      this.cur = this.cur.slice(0, this.col);
      this.insertLines(this.row + 1, [{ t: rest }]);
      this.row++;
      this.col = 0;
    } else if (c === '\x7f' || c === '\b') {
      if (this.col > 0) {
        this.cur = this.cur.slice(0, this.col - 1) + this.cur.slice(this.col);
        this.col--;
      } else if (this.row > 0) {
        const t = this.cur;
        this.lines.splice(this.row, 1);
        this.row--;
        this.col = this.cur.length;
        this.cur += t;
      } else return;
    } else if (c === '\x17') {
      const before = this.cur.slice(0, this.col).replace(/\w+\s*$|\W\s*$/, '');
      this.cur = before + this.cur.slice(this.col);
      this.col = before.length;
    } else if (c === '\x15') {
      this.cur = this.cur.slice(this.col);
      this.col = 0;
    } else {
      this.cur = this.cur.slice(0, this.col) + c + this.cur.slice(this.col);
      this.col++;
    }
    this.emptyPlaceholder = false;
    this.changed();
  }

  private appendKey(c: string): void {
    const st = this.appendState!;
    if (c === '\r') return;
    if (c !== '\n') { this.cmdline += c; return; }
    const line = this.cmdline;
    this.cmdline = '';
    if (line !== '.') { st.lines.push(line); return; }
    this.mode = this.o.exMode ? 'cmdline' : 'normal';
    this.appendState = null;
    this.save();
    if (st.replace) this.deleteLines(st.replace[0], st.replace[1], true);
    const at = st.replace ? st.replace[0] : st.at;
    if (st.lines.length) {
      // Appending to an empty buffer replaces its placeholder line (vim's ML_EMPTY).
      if (this.isEmptyDoc() && this.emptyPlaceholder) { this.lines = []; this.emptyPlaceholder = false; }
      this.insertLines(Math.min(at, this.lines.length), st.lines.map((t) => ({ t })));
      this.row = at + st.lines.length - 1;
      this.changed();
    } else if (st.replace) this.changed();
    if (this.isEmptyDoc()) this.row = 0;
    this.row = Math.max(0, Math.min(this.row, this.lines.length - 1));
    this.firstNonBlank();
  }

  // ---- line operations ------------------------------------------------------------------------

  private isEmptyDoc(): boolean { return this.lines.length === 1 && this.lines[0].t === ''; }

  private insertLines(at: number, add: Line[]): void {
    if (this.lines.length + add.length > MAX_LINES) this.err('E342: Out of memory!  (allocating 8192 bytes)');
    this.lines.splice(at, 0, ...add);
  }

  /** The only line is the placeholder of an empty buffer (a put/append replaces it, as in vim). */
  private emptyPlaceholder = false;

  private deleteLines(a: number, b: number, keepEmpty = false): void {
    this.lines.splice(a, b - a + 1);
    if (!this.lines.length) {
      this.lines = [{ t: '' }];
      this.emptyPlaceholder = true;
      if (!keepEmpty) this.msg('--No lines in buffer--');
    }
    this.row = Math.min(a, this.lines.length - 1);
    this.changed();
  }

  private join(a: number, b: number, spaces: boolean): void {
    if (a >= this.lines.length - 1 && b <= a) return;
    this.save();
    let t = this.lines[a].t;
    for (let i = a + 1; i <= b; i++) {
      const next = this.lines[i].t;
      if (!spaces) { t += next; continue; }
      const trimmed = next.replace(/^\s+/, '');
      this.col = t.replace(/\s+$/, '').length;
      t = t.replace(/\s+$/, '');
      if (trimmed === '') continue;
      t += (t === '' || trimmed.startsWith(')') ? '' : ' ') + trimmed;
    }
    this.lines[a].t = t;
    this.lines.splice(a + 1, b - a);
    this.row = a;
    this.clampCol();
    this.changed();
  }

  // ---- search ---------------------------------------------------------------------------------

  private regex(pat: string): RegExp {
    return vimRegex(pat, { ignorecase: this.opts.ignorecase, smartcase: this.opts.smartcase, prevSub: this.prevRep });
  }

  private search(pat: string, fwd: boolean, n: number, again = false): void {
    if (pat === '') {
      if (!this.lastSearch) this.err('E35: No previous regular expression');
      pat = this.lastSearch.pat;
    }
    this.lastSearch = { pat, fwd: again ? this.lastSearch!.fwd : fwd };
    const re = this.regex(pat);
    let row = this.row;
    let col = this.col;
    for (let k = 0; k < n; k++) {
      const hit = this.findFrom(re, row, col, fwd);
      if (!hit) this.err(`E486: Pattern not found: ${pat}`);
      if (hit.wrapped) this.msg(fwd ? 'search hit BOTTOM, continuing at TOP' : 'search hit TOP, continuing at BOTTOM');
      row = hit.row;
      col = hit.col;
    }
    this.row = row;
    this.col = col;
  }

  private findFrom(re: RegExp, row: number, col: number, fwd: boolean): { row: number; col: number; wrapped: boolean } | null {
    const N = this.lines.length;
    const matchesIn = (t: string): number[] => {
      const out: number[] = [];
      re.lastIndex = 0;
      for (let m = re.exec(t); m; m = re.exec(t)) {
        out.push(m.index);
        if (m[0] === '') re.lastIndex++;
        if (re.lastIndex > t.length) break;
      }
      return out;
    };
    for (let k = 0; k <= N; k++) {
      const r = fwd ? (row + k) % N : (row - k + N * 2) % N;
      const wrapped = fwd ? row + k >= N : row - k < 0;
      if (wrapped && !this.opts.wrapscan) return null;
      const cols = matchesIn(this.lines[r].t);
      const pick = fwd ? cols.find((c) => k > 0 || c > col) : [...cols].reverse().find((c) => k > 0 || c < col);
      if (pick !== undefined) return { row: r, col: pick, wrapped };
      if (k === N && cols.length) {
        const c = fwd ? cols[0] : cols[cols.length - 1];
        return { row: r, col: c, wrapped: true };
      }
    }
    return null;
  }

  // ---- Ex ---------------------------------------------------------------------------------------

  /** An Ex command as `-c` or `:` gives it: an error becomes a message. */
  command(input: string): void { this.guard(() => this.ex(input)); }

  /** Run one Ex command line (without the leading ':'); throws on an error. */
  private ex(input: string): void {
    const shown = input.replace(/^[\s:]+/, '');
    const p = { s: shown };
    if (p.s === '' || p.s.startsWith('"')) return;
    let a: number | null = null;
    let b: number | null = null;
    if (p.s.startsWith('%')) { p.s = p.s.slice(1); a = 0; b = this.lines.length - 1; }
    else {
      a = this.addr(p);
      if (a !== null && /^\s*[,;]/.test(p.s)) {
        if (/^\s*;/.test(p.s)) this.row = Math.max(0, Math.min(a, this.lines.length - 1));
        p.s = p.s.replace(/^\s*[,;]/, '');
        b = this.addr(p);
        if (b === null) b = this.row;
      } else b = a;
    }
    p.s = p.s.replace(/^\s+/, '');
    const hasRange = a !== null;
    const checkRange = () => {
      if (a !== null && (a < 0 || b! < 0 || a > this.lines.length - 1 || b! > this.lines.length - 1)) this.err('E16: Invalid range');
      if (a !== null && b !== null && a > b) [a, b] = [b, a];
    };
    const nm = /^([a-zA-Z]+|&&|[&<>=#!@*~])/.exec(p.s);
    if (!nm) {
      if (!hasRange) this.err(`E492: Not an editor command: ${shown}`);
      // A range alone: go to its last line (vim clamps it to the buffer).
      const line = Math.max(0, Math.min(b!, this.lines.length - 1));
      this.row = line;
      this.firstNonBlank();
      this.printLines(line, line);
      return;
    }
    const name = nm[1];
    let s = p.s.slice(name.length);
    let bang = false;
    if (s.startsWith('!')) { bang = true; s = s.slice(1); }
    const arg = s.replace(/^\s+/, '');
    const cmd = COMMANDS.find((c) => matches(name, c));
    if (!cmd) this.err(`E492: Not an editor command: ${shown}`);
    const range = (): [number, number] => {
      checkRange();
      return a === null ? [this.row, this.row] : [a, b!];
    };
    switch (cmd.full) {
      case 'write': case 'wq': case 'xit': case 'exit': case 'wall': case 'wqall': case 'xall': {
        if (arg.startsWith('!')) this.err('E—: writing to a command is not supported in the lab');
        if (arg.startsWith('>>')) this.err('E—: appending with :w >> is not supported in the lab');
        const writeFirst = cmd.full === 'write' || cmd.full === 'wq' || cmd.full === 'wqall' || cmd.full === 'wall' || this.modified;
        const quits = cmd.full !== 'write' && cmd.full !== 'wall';
        if (writeFirst) {
          if (!this.writeBuffer(arg, bang, hasRange ? range() : null)) return;
        }
        if (quits) this.quit = 0;
        return;
      }
      case 'quit': case 'qall': case 'cquit': {
        if (cmd.full === 'cquit') { this.quit = 1; return; }
        if (this.modified && !bang) this.err(E37);
        this.quit = 0;
        return;
      }
      case 'substitute': case '&': case '&&': {
        const [x, y] = range();
        this.substitute(x, y, cmd.full === 'substitute' ? arg : '', cmd.full !== 'substitute', cmd.full === '&&');
        return;
      }
      case 'delete': case 'yank': {
        // eslint-disable-next-line prefer-const
        let [x, y] = range();
        const cnt = /^\s*(\d+)\s*$/.exec(arg.replace(/^[a-z"]\s*/, ''));
        if (cnt) { x = y; y = Math.min(this.lines.length - 1, x + Number(cnt[1]) - 1); }
        this.reg = { text: this.lines.slice(x, y + 1).map((l) => l.t), linewise: true };
        if (cmd.full === 'yank') return;
        this.save();
        this.deleteLines(x, y);
        this.firstNonBlank();
        const k = y - x + 1;
        if (k > 2) this.msg(`${k} fewer lines`);
        return;
      }
      case 'put': {
        const [, y] = range();
        this.row = hasRange ? y : this.row;
        if (!this.reg.text.length) this.err('E353: Nothing in register "');
        this.save();
        const at = bang ? this.row : this.row + 1;
        this.insertLines(hasRange && y < 0 ? 0 : at, this.reg.linewise ? this.reg.text.map((t) => ({ t })) : [{ t: this.reg.text.join('') }]);
        this.row = Math.min(this.lines.length - 1, at + (this.reg.linewise ? this.reg.text.length : 1) - 1);
        this.firstNonBlank();
        this.changed();
        return;
      }
      case 'join': {
        let [x, y] = range();
        if (x === y) y = Math.min(this.lines.length - 1, x + 1);
        this.join(x, y, !bang);
        return;
      }
      case 'move': case 'copy': case 't': {
        const [x, y] = range();
        const dest = arg.trim() === '0' ? -1 : this.addr({ s: arg.trim() });
        if (dest === null || dest < -1 || dest > this.lines.length - 1) this.err('E14: Invalid address');
        const chunk = this.lines.slice(x, y + 1);
        this.save();
        if (cmd.full === 'move') {
          if (dest >= x && dest < y) this.err('E134: Cannot move a range of lines into itself');
          if (dest >= x && dest <= y) return;
          this.lines.splice(x, y - x + 1);
          const at = dest > y ? dest - (y - x + 1) + 1 : dest + 1;
          this.lines.splice(at, 0, ...chunk);
          this.row = at + chunk.length - 1;
        } else {
          const copy = chunk.map((l) => ({ t: l.t }));
          this.insertLines(dest + 1, copy);
          this.row = dest + copy.length;
        }
        this.firstNonBlank();
        this.changed();
        return;
      }
      case 'append': case 'insert': case 'change': {
        const [x, y] = range();
        let at: number;
        if (cmd.full === 'append') at = hasRange && a === -1 ? 0 : y + 1;
        else if (cmd.full === 'insert') at = hasRange ? Math.max(0, y) : this.row;
        else at = x;
        if (this.isEmptyDoc() && this.emptyPlaceholder) at = 0;
        this.appendState = { at, lines: [], replace: cmd.full === 'change' ? [x, y] : null };
        this.mode = 'append';
        this.cmdline = '';
        if (arg) { for (const ch of arg + '\n') this.appendKey(ch); }
        return;
      }
      case 'global': case 'vglobal': this.global(hasRange ? range() : [0, this.lines.length - 1], arg, bang !== (cmd.full === 'vglobal')); return;
      case 'undo': this.doUndo(1, false); return;
      case 'redo': this.doUndo(1, true); return;
      case 'set': this.set(arg); return;
      case 'nohlsearch': return;
      case 'print': case 'number': case '#': case 'list': case 'z': {
        const [x, y] = range();
        this.printLines(x, y, cmd.full === 'number' || cmd.full === '#');
        this.row = y;
        return;
      }
      case '=': {
        const n = hasRange ? b! + 1 : this.lines.length;
        if (this.o.exMode) this.print(`${n}\n`); else this.msg(String(n));
        return;
      }
      case 'read': {
        if (!arg) this.err('E32: No file name');
        const path = this.resolveName(arg);
        const t = this.host.read(path);
        if (t === null) this.err(`E484: Can't open file ${arg}`);
        const add = splitBuffer(t.endsWith('\n') ? t.slice(0, -1) : t).map((l) => l);
        this.save();
        const at = hasRange ? b! + 1 : this.row + 1;
        this.insertLines(Math.max(0, at), t === '' ? [] : add);
        this.row = Math.min(this.lines.length - 1, at);
        this.changed();
        this.msg(`"${arg}" ${lineCount(t)}L, ${utf8Length(t)}B`);
        return;
      }
      case 'edit': {
        if (arg && arg !== this.target.name) this.err('E—: editing another file is not supported in the lab');
        if (this.modified && !bang) this.err(E37);
        const t = this.host.read(this.target.path) ?? '';
        this.lines = splitBuffer(t.endsWith('\n') ? t.slice(0, -1) : t);
        this.row = Math.min(this.row, this.lines.length - 1);
        this.modified = false;
        this.msg(vimOpenMessage(this.host.target(this.target.name), t));
        return;
      }
      case 'normal': this.err('E—: :normal is not supported in the lab');
      // eslint-disable-next-line no-fallthrough
      default: this.err(`E492: Not an editor command: ${input.replace(/^[\s:]+/, '')}`);
    }
  }

  /** One Ex address (`12`, `.`, `$`, `/pat/`, `?pat?`, with `+N`/`-N` offsets), consumed from `p.s`; null if none. */
  private addr(p: { s: string }): number | null {
    let base: number | null = null;
    const m = /^(\d+|\.|\$|'[a-z<>]|\/((?:\\.|[^/])*)\/?|\?((?:\\.|[^?])*)\??)/.exec(p.s);
    if (m) {
      p.s = p.s.slice(m[0].length);
      const t = m[1];
      if (/^\d/.test(t)) base = Number(t) - 1;
      else if (t === '.') base = this.row;
      else if (t === '$') base = this.lines.length - 1;
      else if (t[0] === "'") this.err('E20: Mark not set');
      else {
        const fwd = t[0] === '/';
        const pat = (fwd ? m[2] : m[3]) || this.lastSearch?.pat || '';
        if (!pat) this.err('E35: No previous regular expression');
        this.lastSearch = { pat, fwd };
        const N = this.lines.length;
        // A line search starts on the next (previous) line and wraps around.
        const hit = fwd ? this.findFrom(this.regex(pat), (this.row + 1) % N, -1, true) : this.findFrom(this.regex(pat), (this.row - 1 + N) % N, Infinity, false);
        if (!hit) this.err(`E486: Pattern not found: ${pat}`);
        base = hit.row;
      }
    }
    for (;;) {
      const off = /^\s*([+-])(\d*)/.exec(p.s);
      if (!off) break;
      p.s = p.s.slice(off[0].length);
      base = (base ?? this.row) + (off[1] === '+' ? 1 : -1) * (off[2] ? Number(off[2]) : 1);
    }
    return base;
  }

  private resolveName(name: string): string {
    return this.host.target(name).path;
  }

  /** :w — false when it failed (the command that asked for it stops). */
  private writeBuffer(arg: string, force: boolean, range: [number, number] | null): boolean {
    const other = arg !== '' && arg !== this.target.name;
    const fresh = this.host.target(other ? arg : this.target.name);
    const t: EditTarget = other ? fresh : { ...fresh, name: this.target.name, readonly: this.target.readonly || fresh.readonly };
    if (t.name === '') this.err('E32: No file name');
    if (other && t.kind !== 'new' && t.kind !== 'noparent' && !force) this.err('E13: File exists (add ! to override)');
    const buf = (range ? this.lines.slice(range[0], range[1] + 1) : this.lines).map((l) => l.t).join('\n');
    const wasNew = t.kind === 'new' || t.kind === 'noparent';
    const q = `"${t.name}"`;
    if (t.kind === 'dir' || (!other && this.target.kind === 'dir')) this.err(`E502: ${q} is a directory`);
    if (t.readonly && !force) this.err("E45: 'readonly' option is set (add ! to override)");
    const text = this.isEmptyDoc() && this.emptyPlaceholder && !range ? '' : buf + '\n';
    const errno = this.host.write(t.path, text);
    if (errno) {
      if (errno === 'EINVAL' || errno === 'ENOSPC' || errno === 'EIO') this.err(`${q} E514: Write error (file system full?)`);
      this.err(`${q} E212: Can't open file for writing`);
    }
    if (t.fsyncFails) this.err(`${q} E667: Fsync failed`);
    if (!other && !range) this.modified = false;
    this.msg(`${q} ${wasNew ? '[New] ' : ''}${lineCount(text)}L, ${utf8Length(text)}B written`);
    if (!other) this.target = { ...this.target, kind: 'file', noeol: false };
    return true;
  }

  private substitute(x: number, y: number, arg: string, repeat: boolean, keepFlags: boolean): void {
    let pat: string;
    let rep: string;
    let flags: string;
    if (repeat || arg === '' || /^[&cegiInp#l\s\d]*$/.test(arg)) {
      if (!this.lastSub) this.err('E35: No previous regular expression');
      pat = this.lastSub.pat;
      rep = this.lastSub.rep;
      const f = arg.trim();
      flags = f.startsWith('&') || keepFlags ? this.lastSub.flags + f.replace(/^&/, '') : f;
    } else {
      const delim = arg[0];
      if (/[a-zA-Z0-9\\"|\s]/.test(delim)) this.err('E146: Regular expressions can\'t be delimited by letters');
      const parts: string[] = [];
      let curp = '';
      let i = 1;
      for (; i < arg.length && parts.length < 2; i++) {
        const c = arg[i];
        if (c === '\\' && i + 1 < arg.length) {
          if (arg[i + 1] === delim) { curp += delim === '/' && parts.length === 0 ? '\\/' : delim; i++; continue; }
          curp += c + arg[++i];
          continue;
        }
        if (c === delim) { parts.push(curp); curp = ''; continue; }
        curp += c;
      }
      if (parts.length < 2) { parts.push(curp); curp = ''; i = arg.length; }
      pat = parts[0];
      rep = parts.length > 1 ? parts[1] : '';
      flags = arg.slice(i).trim();
      if (pat === '') {
        if (!this.lastSearch) this.err('E35: No previous regular expression');
        pat = this.lastSearch.pat;
      }
      rep = tildeExpand(rep, this.prevRep);
      this.prevRep = rep;
    }
    const fl = flags.replace(/\s*\d+$/, '');
    if (/[^&cegiInp#l]/.test(fl)) this.err(`E488: Trailing characters: ${flags}`);
    this.lastSub = { pat, rep, flags: fl.replace(/&/g, '') };
    this.lastSearch = { pat, fwd: true };
    let opts = { ignorecase: this.opts.ignorecase, smartcase: this.opts.smartcase };
    if (fl.includes('i')) opts = { ignorecase: true, smartcase: false };
    if (fl.includes('I')) opts = { ignorecase: false, smartcase: false };
    const re = vimRegex(pat, { ...opts, prevSub: this.prevRep });
    const global = fl.includes('g');
    const countOnly = fl.includes('n');
    let subs = 0;
    let linesChanged = 0;
    let lastRow = -1;
    const targets = this.lines.slice(x, y + 1);
    let saved = false;
    for (const line of targets) {
      const t = line.t;
      let out = '';
      let last = 0;
      let any = false;
      re.lastIndex = 0;
      for (let m = re.exec(t); m; m = re.exec(t)) {
        if (++this.ops > MAX_OPS) this.err('E—: substitution too large');
        any = true;
        subs++;
        out += t.slice(last, m.index) + expandReplacement(rep, m);
        last = m.index + m[0].length;
        if (m[0] === '') {
          if (m.index < t.length) out += t[m.index];
          last = m.index + 1;
          re.lastIndex = m.index + 1;
        }
        if (!global || re.lastIndex > t.length) break;
      }
      if (!any) continue;
      linesChanged++;
      if (countOnly) continue;
      if (!saved) { this.save(); saved = true; }
      out += t.slice(last);
      const idx = this.lines.indexOf(line);
      const pieces = out.split('\n');
      line.t = pieces[0];
      if (pieces.length > 1) this.insertLines(idx + 1, pieces.slice(1).map((p) => ({ t: p })));
      lastRow = idx + pieces.length - 1;
    }
    if (subs === 0) {
      if (fl.includes('e')) return;
      this.err(`E486: Pattern not found: ${pat}`);
    }
    if (countOnly) { this.msg(`${subs} match${subs === 1 ? '' : 'es'} on ${linesChanged} line${linesChanged === 1 ? '' : 's'}`); return; }
    this.changed();
    this.row = lastRow;
    this.firstNonBlank();
    if (subs > 2) this.msg(`${subs} substitution${subs === 1 ? '' : 's'} on ${linesChanged} line${linesChanged === 1 ? '' : 's'}`);
  }

  private inGlobal = false;

  private global([x, y]: [number, number], arg: string, invert: boolean): void {
    if (this.inGlobal) this.err('E147: Cannot do :global recursive');
    const delim = arg[0];
    if (!delim || /[a-zA-Z0-9\\"|\s]/.test(delim)) this.err('E146: Regular expressions can\'t be delimited by letters');
    let i = 1;
    let pat = '';
    for (; i < arg.length; i++) {
      const c = arg[i];
      if (c === '\\' && i + 1 < arg.length) { pat += arg[i + 1] === delim ? (delim === '/' ? '\\/' : delim) : c + arg[i + 1]; i++; continue; }
      if (c === delim) { i++; break; }
      pat += c;
    }
    const cmd = arg.slice(i).trim() || 'p';
    if (pat === '') {
      if (!this.lastSearch) this.err('E35: No previous regular expression');
      pat = this.lastSearch.pat;
    }
    this.lastSearch = { pat, fwd: true };
    const re = this.regex(pat);
    const marked = new Set<Line>();
    for (let r = x; r <= y; r++) {
      re.lastIndex = 0;
      if (re.test(this.lines[r].t) !== invert) marked.add(this.lines[r]);
    }
    if (!marked.size) {
      this.msg(invert ? `Pattern found in every line: ${pat}` : `Pattern not found: ${pat}`);
      return;
    }
    this.inGlobal = true;
    const before = this.undo.length;
    try {
      this.save();
      for (const line of marked) {
        if (++this.ops > MAX_OPS) this.err('E—: :global too large');
        const r = this.lines.indexOf(line);
        if (r < 0) continue;
        this.row = r;
        this.col = 0;
        this.ex(cmd);
        if (this.quit !== null) return;
      }
    } finally {
      this.inGlobal = false;
      // One undo step for the whole :g.
      this.undo.length = Math.min(this.undo.length, before + 1);
    }
  }

  private set(arg: string): void {
    for (const item of arg.split(/\s+/).filter(Boolean)) {
      const m = /^(no|inv)?([a-z]+)([?!&]|[-+^]?=.*)?$/.exec(item);
      if (!m) this.err(`E518: Unknown option: ${item}`);
      const name = ALIASES[m[2]] ?? m[2];
      if (name in this.opts) {
        const k = name as keyof typeof this.opts;
        if (m[3] === '?') { this.msg(`${this.opts[k] ? '  ' : 'no'}${name}`); continue; }
        this.opts[k] = m[1] === 'inv' || m[3] === '!' ? !this.opts[k] : m[1] !== 'no';
        continue;
      }
      if (!KNOWN_OPTIONS.has(name)) this.err(`E518: Unknown option: ${item}`);
    }
  }

  private printLines(x: number, y: number, numbered = this.opts.number): void {
    if (!this.o.exMode) return;
    let out = '';
    for (let r = x; r <= y; r++) out += (numbered ? String(r + 1).padStart(3) + ' ' : '') + this.lines[r].t + '\n';
    this.print(out);
  }

  /** End of input. Returns what vim does then (Ex mode: quit; Normal mode: the caller reports the read error). */
  eof(): void {
    if (this.mode === 'append') this.appendKey('\n');
    if (this.mode === 'cmdline' && this.cmdline !== '' && this.o.exMode) this.cmdlineKey('\n');
    if (this.quit === null && this.o.exMode) {
      // Ex reading a script: end of file is like :q (a modified buffer is abandoned, status 1).
      this.quit = this.modified || this.errors ? 1 : 0;
    }
  }
}

interface ExCmd { readonly full: string; readonly min: number }
const COMMANDS: readonly ExCmd[] = [
  { full: 'wq', min: 2 }, { full: 'wqall', min: 3 }, { full: 'wall', min: 2 }, { full: 'write', min: 1 },
  { full: 'xall', min: 2 }, { full: 'xit', min: 1 }, { full: 'exit', min: 3 }, { full: 'edit', min: 1 },
  { full: 'qall', min: 2 }, { full: 'quit', min: 1 }, { full: 'cquit', min: 2 },
  { full: 'substitute', min: 1 }, { full: 'set', min: 2 }, { full: '&&', min: 2 }, { full: '&', min: 1 },
  { full: 'delete', min: 1 }, { full: 'yank', min: 1 }, { full: 'put', min: 2 }, { full: 'print', min: 1 },
  { full: 'join', min: 1 }, { full: 'move', min: 1 }, { full: 'copy', min: 2 }, { full: 't', min: 1 },
  { full: 'append', min: 1 }, { full: 'insert', min: 1 }, { full: 'change', min: 1 },
  { full: 'global', min: 1 }, { full: 'vglobal', min: 1 }, { full: 'undo', min: 1 }, { full: 'redo', min: 3 },
  { full: 'nohlsearch', min: 3 }, { full: 'number', min: 2 }, { full: '#', min: 1 }, { full: 'list', min: 1 },
  { full: '=', min: 1 }, { full: 'read', min: 1 }, { full: 'normal', min: 4 }, { full: 'z', min: 1 },
];

function matches(name: string, c: ExCmd): boolean {
  return name.length >= c.min && c.full.startsWith(name);
}

const ALIASES: Record<string, string> = { nu: 'number', ic: 'ignorecase', scs: 'smartcase', ws: 'wrapscan' };
const KNOWN_OPTIONS = new Set([
  'autoindent', 'ai', 'hlsearch', 'hls', 'incsearch', 'is', 'list', 'paste', 'ruler', 'ru', 'showmode', 'smd', 'tabstop', 'ts',
  'shiftwidth', 'sw', 'expandtab', 'et', 'relativenumber', 'rnu', 'syntax', 'syn', 'fileformat', 'ff', 'encoding', 'enc',
  'fileencoding', 'fenc', 'compatible', 'cp', 'nocompatible', 'background', 'bg', 'mouse', 'wrap', 'textwidth', 'tw',
  'cursorline', 'cul', 'backspace', 'bs', 'history', 'hi', 'showcmd', 'sc', 'modeline', 'ml', 'all', 'fixeol', 'fixendofline', 'eol',
  'endofline', 'binary', 'bin', 'readonly', 'ro', 'modified', 'mod', 'magic', 'report', 'scrolloff', 'so', 'softtabstop', 'sts',
]);

function splitBuffer(text: string): Line[] {
  return text.split('\n').map((t) => ({ t }));
}
