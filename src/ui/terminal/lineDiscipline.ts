/**
 * Our terminal line discipline, as an xterm addon (activate/dispose, like VS Code's
 * lineDataEventAddon): it turns keys into edits of a LineEditor at the prompt, sends
 * completed lines to the host's shell, and while a command runs sends typed lines to its
 * stdin (canonical mode: echoed and editable until Enter), Ctrl-C as an interrupt.
 *
 * States: `idle` (no prompt yet) → `prompt` (editing) → `waiting` (Enter sent; the shell
 * answers "needs more" or starts the command) → `busy` (a command runs) → `prompt` when the
 * shell sends the next prompt. Keys that arrive while `waiting`/`completing` are queued and
 * replayed, so a pasted script runs line after line (typeahead), as in a real terminal.
 *
 * Not an xterm import: it talks to a `TermLike`, so tests can drive it without a DOM.
 */
import { columns, commonPrefix, LineEditor, visible } from './lineEditor.ts';

export interface TermLike {
  readonly cols: number;
  write(data: string): void;
  onData(fn: (data: string) => void): { dispose(): void };
  onResize(fn: (size: { cols: number; rows: number }) => void): { dispose(): void };
  hasSelection(): boolean;
  getSelection(): string;
  clearSelection(): void;
  attachCustomKeyEventHandler?(fn: (e: KeyboardEvent) => boolean): void;
  paste?(data: string): void;
  /** Forget everything shown, scrollback included. */
  reset?(): void;
}

export interface ShellPort {
  enter(text: string): Promise<{ more: boolean }>;
  complete(line: string, cursor: number): Promise<{ replaceFrom: number; candidates: string[] }>;
  stdin(text: string): void;
  interrupt(): void;
}

type State = 'idle' | 'prompt' | 'waiting' | 'busy' | 'completing';

const PS2 = '> ';

export class LineDiscipline {
  private term: TermLike | null = null;
  private subs: { dispose(): void }[] = [];
  readonly editor: LineEditor;
  private state: State = 'idle';
  private mainPrompt = '';
  /** Lines of a command that needs more (shown with PS2). */
  private more: string[] = [];
  private queue = '';
  /** The line being typed to a running command's stdin. */
  private stdinLine = '';
  /** Text after the last newline written, so a prompt that follows `echo -n` wraps right. */
  private tail = '';
  private lastTab = false;
  /** Called after each submitted command (history persistence). */
  onHistory: (h: readonly string[]) => void = () => {};

  constructor(private readonly port: ShellPort, history: readonly string[] = []) {
    this.editor = new LineEditor(history);
  }

  activate(term: TermLike): void {
    this.term = term;
    this.editor.cols = term.cols;
    this.subs.push(term.onData((d) => this.input(d)));
    this.subs.push(term.onResize(({ cols }) => this.editor.resize(cols)));
    term.attachCustomKeyEventHandler?.((e) => this.key(e));
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.subs = [];
    this.term = null;
  }

  get busy(): boolean { return this.state === 'busy' || this.state === 'waiting'; }

  /** At the main prompt with nothing typed ahead: ready for a command (show me waits for this). */
  get atPrompt(): boolean { return this.state === 'prompt' && !this.queue && this.more.length === 0 && this.provisional === null; }

  /**
   * Replace the screen with a rebuilt terminal's text (a saved or shared lab), ending at
   * `prompt` (already part of the text), or with a command still running (null).
   */
  restore(text: string, prompt: string | null): void {
    this.provisional = null;
    this.queue = '';
    this.more = [];
    this.stdinLine = '';
    this.term?.reset?.();
    this.write(text.replace(/\r?\n/g, '\r\n'));
    const nl = text.lastIndexOf('\n');
    const line = nl >= 0 ? text.slice(nl + 1) : text;
    this.tail = '';
    if (prompt !== null) {
      this.mainPrompt = prompt;
      this.state = 'prompt';
      this.editor.begin(prompt, line.endsWith(prompt) ? line.slice(0, line.length - prompt.length) : '');
    } else {
      this.state = 'busy';
      this.tail = line.slice(-400);
    }
  }

  // ---- from the shell ---------------------------------------------------------------------

  /** Command output (or anything the host prints). */
  output(data: string): void {
    if (!data) return;
    if (this.state === 'prompt' || this.state === 'completing') {
      // Asynchronous output while editing: print it above the line, then redraw the line.
      const text = data.endsWith('\n') ? data : data + '\n';
      this.write(this.editor.hide() + text.replace(/\r?\n/g, '\r\n'));
      this.tail = '';
      this.write(this.editor.redraw());
      return;
    }
    this.write(data.replace(/\r?\n/g, '\r\n'));
    const nl = Math.max(data.lastIndexOf('\n'), data.lastIndexOf('\r'));
    this.tail = nl >= 0 ? data.slice(nl + 1) : this.tail + data;
    if (this.tail.length > 400) this.tail = this.tail.slice(-400);
  }

  /** A prompt shown before the shell exists (type-ahead while the lab boots). */
  provisionalPrompt(p: string): void {
    this.provisional = p;
    this.prompt(p);
  }

  /** The provisional prompt, until the shell's first real one arrives. */
  private provisional: string | null = null;

  /** The shell is ready for a line. */
  prompt(p: string): void {
    if (this.provisional !== null) {
      const same = this.provisional === p;
      this.provisional = null;
      // The shell's first prompt is the one already on screen: keep what the user typed.
      if (same) return;
    }
    // A new prompt while one waits with nothing typed (the machine was renamed): redraw it in place.
    if (this.state === 'prompt' && this.editor.buf === '' && !this.more.length && !this.queue) { this.write(this.editor.hide() + this.editor.lead); this.tail = this.editor.lead; }
    this.mainPrompt = p;
    this.more = [];
    this.stdinLine = '';
    this.state = 'prompt';
    this.beginLine(p);
    this.drain();
  }

  clear(): void {
    this.write('\x1b[H\x1b[2J');
    this.tail = '';
    if (this.state === 'prompt') this.write(this.editor.redrawFresh());
  }

  // ---- keys -------------------------------------------------------------------------------

  /** Clipboard keys that must not reach the shell. Returns false to stop xterm handling it. */
  private key(e: KeyboardEvent): boolean {
    if (e.type !== 'keydown') return true;
    const t = this.term;
    if (!t) return true;
    const ctrl = e.ctrlKey && !e.altKey && !e.metaKey;
    if ((ctrl && e.shiftKey && e.code === 'KeyC') || (ctrl && !e.shiftKey && e.code === 'KeyC' && t.hasSelection()) || (ctrl && e.code === 'Insert')) {
      const sel = t.getSelection();
      if (sel) void globalThis.navigator?.clipboard?.writeText(sel).catch(() => {});
      t.clearSelection();
      return false;
    }
    if ((ctrl && e.shiftKey && e.code === 'KeyV') || (e.shiftKey && e.code === 'Insert')) {
      void globalThis.navigator?.clipboard?.readText().then((s) => (t.paste ? t.paste(s) : this.input(s))).catch(() => {});
      return false;
    }
    return true;
  }

  /** Everything xterm gives us: typed keys (as bytes/escape sequences) and pasted text. */
  input(data: string): void {
    if (this.state === 'waiting' || this.state === 'completing' || this.queue) {
      this.queue += data;
      if (data.includes('\x03')) this.ctrlC();
      return;
    }
    this.process(data);
  }

  private process(data: string): void {
    let i = 0;
    while (i < data.length) {
      if (this.state === 'waiting' || this.state === 'completing') {
        this.queue = data.slice(i) + this.queue;
        return;
      }
      const [tok, n] = nextToken(data, i);
      i += n;
      if (this.state === 'busy') this.busyKey(tok);
      else if (this.state === 'prompt') this.promptKey(tok);
      else if (tok === '\x03') this.write('^C\r\n');
    }
  }

  private drain(): void {
    if (!this.queue || this.state === 'waiting' || this.state === 'completing') return;
    const q = this.queue;
    this.queue = '';
    // Typeahead goes to the next prompt, not to a running command's stdin.
    if (this.state === 'busy') { this.queue = q; return; }
    this.process(q);
  }

  private promptKey(k: string): void {
    const ed = this.editor;
    if (k !== '\t') this.lastTab = false;
    if (ed.search) { this.searchKey(k); return; }
    switch (k) {
      case '\r': case '\n': this.enter(); return;
      case '\x7f': case '\b': this.write(ed.backspace()); return;
      case '\x1b[3~': case '\x04':
        if (k === '\x04' && ed.buf === '') { this.write('\x07'); return; }
        this.write(ed.del()); return;
      case '\x1b[D': case '\x02': this.write(ed.left()); return;
      case '\x1b[C': case '\x06': this.write(ed.right()); return;
      case '\x1b[A': case '\x10': this.write(ed.up()); return;
      case '\x1b[B': case '\x0e': this.write(ed.down()); return;
      case '\x1b[H': case '\x1bOH': case '\x1b[1~': case '\x01': this.write(ed.homeKey()); return;
      case '\x1b[F': case '\x1bOF': case '\x1b[4~': case '\x05': this.write(ed.endKey()); return;
      case '\x1b[1;5D': case '\x1bb': this.write(ed.wordLeft()); return;
      case '\x1b[1;5C': case '\x1bf': this.write(ed.wordRight()); return;
      case '\x15': this.write(ed.killBefore()); return;
      case '\x0b': this.write(ed.killAfter()); return;
      case '\x17': this.write(ed.killWord()); return;
      case '\x19': this.write(ed.yank()); return;
      case '\x12': this.write(ed.startSearch()); return;
      case '\x0c': this.write('\x1b[H\x1b[2J'); this.tail = ''; this.write(ed.redrawFresh()); return;
      case '\x03': this.ctrlC(); return;
      case '\t': this.tab(); return;
      default:
        if (k.startsWith('\x1b') || (k.length === 1 && k < ' ')) return;
        this.write(ed.insert(k));
    }
  }

  private searchKey(k: string): void {
    const ed = this.editor;
    switch (k) {
      case '\x12': this.write(ed.searchNext()); return;
      case '\x7f': case '\b': this.write(ed.searchBackspace()); return;
      case '\x07': this.write(ed.cancelSearch()); return;
      case '\x03': this.write(ed.cancelSearch()); this.ctrlC(); return;
      case '\r': case '\n': this.write(ed.acceptSearch()); this.enter(); return;
      default:
        if (k.startsWith('\x1b') || (k.length === 1 && k < ' ')) {
          this.write(ed.acceptSearch());
          if (k !== '\x1b') this.promptKey(k);
          return;
        }
        this.write(ed.searchType(k));
    }
  }

  private busyKey(k: string): void {
    switch (k) {
      case '\x03': this.ctrlC(); return;
      case '\r': case '\n': {
        const line = this.stdinLine;
        this.stdinLine = '';
        this.write('\r\n');
        this.tail = '';
        this.port.stdin(line + '\n');
        return;
      }
      case '\x7f': case '\b':
        if (this.stdinLine) { this.stdinLine = this.stdinLine.slice(0, -1); this.write('\b \b'); }
        return;
      case '\x15': this.write('\b \b'.repeat(this.stdinLine.length)); this.stdinLine = ''; return;
      default:
        if (k.startsWith('\x1b') || (k.length === 1 && k < ' ')) return;
        this.stdinLine += k;
        this.write(k);
    }
  }

  private ctrlC(): void {
    this.queue = '';
    if (this.state === 'prompt') {
      this.write(this.editor.endKey() + '^C\r\n');
      this.more = [];
      this.beginLine(this.mainPrompt);
      return;
    }
    this.write('^C');
    this.stdinLine = '';
    this.port.interrupt();
  }

  private beginLine(p: string): void {
    const lead = this.tail;
    this.tail = '';
    this.editor.begin(p, lead);
    this.write(p);
  }

  private enter(): void {
    const ed = this.editor;
    const line = ed.buf;
    this.write(ed.finish());
    this.tail = '';
    const text = [...this.more, line].join('\n');
    this.state = 'waiting';
    this.port.enter(text).then(({ more }) => {
      if (more) {
        this.more.push(line);
        this.state = 'prompt';
        this.beginLine(PS2);
      } else {
        ed.remember(text);
        this.onHistory(ed.historyList);
        this.more = [];
        // The prompt may already be back (a command that needed no time).
        if (this.state === 'waiting') this.state = 'busy';
      }
      this.drain();
    }, () => { this.state = 'prompt'; this.beginLine(this.mainPrompt); });
  }

  private tab(): void {
    const ed = this.editor;
    const twice = this.lastTab;
    this.lastTab = true;
    this.state = 'completing';
    const line = ed.buf, cursor = ed.cursor;
    this.port.complete(line, cursor).then(({ replaceFrom, candidates }) => {
      this.state = 'prompt';
      if (ed.buf !== line || ed.cursor !== cursor) { this.drain(); return; }
      const word = line.slice(replaceFrom, cursor);
      if (candidates.length === 1) {
        const c = candidates[0];
        this.write(ed.replace(replaceFrom, c + (c.endsWith('/') ? '' : ' ')));
        this.lastTab = false;
      } else if (candidates.length > 1) {
        const p = commonPrefix(candidates);
        if (p.length > word.length) { this.write(ed.replace(replaceFrom, p)); this.lastTab = false; }
        else if (twice) {
          this.write(ed.endKey() + '\r\n' + columns(candidates, ed.cols) + '\r\n');
          this.write(ed.redrawFresh());
          this.lastTab = false;
        } else this.write('\x07');
      } else this.write('\x07');
      this.drain();
    }, () => { this.state = 'prompt'; this.drain(); });
  }

  private write(s: string): void {
    if (s) this.term?.write(s);
  }
}

/** The next key in xterm's data: an escape sequence, one character (surrogate pairs kept whole), or a run of plain text. */
export function nextToken(d: string, i: number): [string, number] {
  const c = d[i];
  if (c === '\x1b') {
    const m = /^\x1b(\[[0-9;?]*[ -/]*[@-~]|O[A-Za-z]|[^[O])/.exec(d.slice(i, i + 16));
    if (m) return [m[0], m[0].length];
    return ['\x1b', 1];
  }
  const code = d.charCodeAt(i);
  if (code >= 0xd800 && code <= 0xdbff && i + 1 < d.length) return [d.slice(i, i + 2), 2];
  return [c, 1];
}

export { visible };
