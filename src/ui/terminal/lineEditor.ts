/**
 * The line editor behind each terminal's prompt, as readline does it in bash: a buffer and a
 * cursor, emacs keys, history with reverse search, and the escape sequences that redraw the
 * line on a terminal that wraps at `cols`. Pure (no xterm, no DOM): it takes keys and returns
 * what to write, so it is unit-tested in Node.
 *
 * Redrawing: the editor remembers on which row of the (possibly wrapped) line the cursor is;
 * a redraw returns to the line's first row, clears to the end of the screen, writes prefix +
 * text and moves the cursor back to its place. Wide (CJK) characters take two columns and
 * wrap early, as in xterm. Appending at the end of the line just writes the character.
 *
 * Left out: vi mode, kill ring beyond one entry, multi-line buffers (continuation lines are
 * separate lines, as bash shows them with PS2).
 */

/** Display width of a code point (0 for combining marks, 2 for East Asian wide/fullwidth). */
export function charWidth(cp: number): number {
  if (cp < 32 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0x303e) || (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x1f900 && cp <= 0x1f9ff) || (cp >= 0x20000 && cp <= 0x3fffd)
  ) return 2;
  return 1;
}

export function strWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/** Strip ANSI escape sequences (a prompt may be coloured). */
export function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[()][0-9A-B]/g, '');
}

interface Pos { row: number; col: number }

/** Where the cursor is after writing `s` from column 0 on a `cols`-wide terminal (col may equal cols: pending wrap). */
export function endPos(s: string, cols: number): Pos {
  let row = 0, col = 0;
  for (const ch of s) {
    const w = charWidth(ch.codePointAt(0)!);
    if (w === 0) continue;
    if (col + w > cols) { row++; col = 0; }
    col += w;
  }
  return { row, col };
}

/** A position normalised out of the pending-wrap state. */
function norm(p: Pos, cols: number): Pos {
  return p.col >= cols ? { row: p.row + 1, col: 0 } : p;
}

const isWordChar = (c: string) => /[\p{L}\p{N}_]/u.test(c);

export interface SearchState { query: string; match: number; failed: boolean }

export class LineEditor {
  /** The text being edited (code units; the cursor is an index into it). */
  buf = '';
  cursor = 0;
  /** What precedes the text on screen: the prompt (may contain colour escapes). */
  prompt = '';
  /** Text already on the prompt's row before it (output that did not end with a newline). */
  lead = '';
  cols = 80;
  /** Row of the cursor relative to the first row of prompt + text, as last drawn. */
  private cursorRow = 0;
  private readonly history: string[] = [];
  private hIndex = 0;
  private draft = '';
  private kill = '';
  search: SearchState | null = null;
  private searchSaved: { buf: string; cursor: number } | null = null;
  maxHistory = 1000;

  constructor(history: readonly string[] = []) {
    this.history.push(...history.slice(-this.maxHistory));
    this.hIndex = this.history.length;
  }

  get historyList(): readonly string[] { return this.history; }

  // ---- drawing --------------------------------------------------------------------------

  private prefix(): string {
    if (!this.search) return this.lead + this.prompt;
    const s = this.search;
    return `${this.lead}(${s.failed ? 'failed ' : ''}reverse-i-search)\`${s.query}': `;
  }

  /** Start a new line with this prompt, written after `lead` (already on screen). */
  begin(prompt: string, lead = ''): string {
    this.prompt = prompt;
    this.lead = lead;
    this.buf = '';
    this.cursor = 0;
    this.cursorRow = 0;
    this.search = null;
    this.hIndex = this.history.length;
    this.draft = '';
    return prompt;
  }

  /** Escape sequences that move from the drawn cursor back to the start of the line's first row. */
  private home(): string {
    return '\r' + (this.cursorRow > 0 ? `\x1b[${this.cursorRow}A` : '');
  }

  /** Redraw prefix + text, leaving the cursor at `cursor`. */
  redraw(): string {
    const pre = visible(this.prefix());
    const cols = Math.max(2, this.cols);
    let out = this.home() + '\x1b[J' + this.prefix() + this.buf;
    const end = endPos(pre + this.buf, cols);
    let endN = end;
    if (end.col >= cols) { out += ' \r'; endN = { row: end.row + 1, col: 0 }; }
    const want = norm(endPos(pre + this.buf.slice(0, this.cursor), cols), cols);
    const up = endN.row - want.row;
    if (up > 0) out += `\x1b[${up}A`;
    if (want.col !== endN.col) out += '\r' + (want.col > 0 ? `\x1b[${want.col}C` : '');
    this.cursorRow = want.row;
    return out;
  }

  /** Draw prompt + text on a fresh row (after listing completions, after clearing the screen). */
  redrawFresh(): string {
    this.cursorRow = 0;
    this.lead = '';
    return this.redraw();
  }

  /** Erase the line from the screen (before asynchronous output); `redraw()` brings it back. */
  hide(): string {
    const out = this.home() + '\x1b[J';
    this.cursorRow = 0;
    return out;
  }

  /** The terminal was resized: the drawn rows re-wrap, so recompute where the cursor is. */
  resize(cols: number): void {
    this.cols = cols;
    const pre = visible(this.prefix());
    this.cursorRow = norm(endPos(pre + this.buf.slice(0, this.cursor), cols), cols).row;
  }

  /** After Enter: the cursor goes below the whole line. */
  finish(): string {
    const pre = visible(this.prefix());
    const cols = Math.max(2, this.cols);
    const end = endPos(pre + this.buf, cols);
    const down = end.row - this.cursorRow;
    this.cursorRow = 0;
    return (down > 0 ? `\x1b[${down}B` : '') + '\r\n';
  }

  // ---- editing --------------------------------------------------------------------------

  insert(text: string): string {
    if (!text) return '';
    const atEnd = this.cursor === this.buf.length && !this.search;
    this.buf = this.buf.slice(0, this.cursor) + text + this.buf.slice(this.cursor);
    this.cursor += text.length;
    if (atEnd) {
      const pre = visible(this.prefix());
      const end = endPos(pre + this.buf, this.cols);
      const before = endPos(pre + this.buf.slice(0, this.buf.length - text.length), this.cols);
      // Fast path: the text fits on the current row.
      if (end.row === before.row && end.col < this.cols && before.col < this.cols) return text;
    }
    return this.redraw();
  }

  private set(buf: string, cursor = buf.length): string {
    this.buf = buf;
    this.cursor = Math.max(0, Math.min(cursor, buf.length));
    return this.redraw();
  }

  private move(to: number): string {
    this.cursor = Math.max(0, Math.min(to, this.buf.length));
    return this.redraw();
  }

  /** Code-unit index of the previous/next character boundary (surrogate pairs count as one). */
  private prevIndex(i: number): number {
    if (i <= 0) return 0;
    const c = this.buf.charCodeAt(i - 1);
    return c >= 0xdc00 && c <= 0xdfff && i >= 2 ? i - 2 : i - 1;
  }

  private nextIndex(i: number): number {
    if (i >= this.buf.length) return this.buf.length;
    const c = this.buf.charCodeAt(i);
    return c >= 0xd800 && c <= 0xdbff ? i + 2 : i + 1;
  }

  left(): string { return this.move(this.prevIndex(this.cursor)); }
  right(): string { return this.move(this.nextIndex(this.cursor)); }
  homeKey(): string { return this.move(0); }
  endKey(): string { return this.move(this.buf.length); }

  backspace(): string {
    if (this.cursor === 0) return '\x07';
    const p = this.prevIndex(this.cursor);
    return this.set(this.buf.slice(0, p) + this.buf.slice(this.cursor), p);
  }

  del(): string {
    if (this.cursor >= this.buf.length) return '';
    return this.set(this.buf.slice(0, this.cursor) + this.buf.slice(this.nextIndex(this.cursor)), this.cursor);
  }

  /** Ctrl-U: kill from the start of the line to the cursor. */
  killBefore(): string {
    this.kill = this.buf.slice(0, this.cursor);
    return this.set(this.buf.slice(this.cursor), 0);
  }

  /** Ctrl-K: kill from the cursor to the end. */
  killAfter(): string {
    this.kill = this.buf.slice(this.cursor);
    return this.set(this.buf.slice(0, this.cursor), this.cursor);
  }

  /** Ctrl-W: kill the whitespace-delimited word before the cursor (unix-word-rubout). */
  killWord(): string {
    let i = this.cursor;
    while (i > 0 && /\s/.test(this.buf[i - 1])) i--;
    while (i > 0 && !/\s/.test(this.buf[i - 1])) i--;
    this.kill = this.buf.slice(i, this.cursor);
    return this.set(this.buf.slice(0, i) + this.buf.slice(this.cursor), i);
  }

  /** Ctrl-Y: yank the last kill. */
  yank(): string { return this.kill ? this.insert(this.kill) : ''; }

  wordLeft(): string {
    let i = this.cursor;
    while (i > 0 && !isWordChar(this.buf[i - 1])) i--;
    while (i > 0 && isWordChar(this.buf[i - 1])) i--;
    return this.move(i);
  }

  wordRight(): string {
    let i = this.cursor;
    while (i < this.buf.length && !isWordChar(this.buf[i])) i++;
    while (i < this.buf.length && isWordChar(this.buf[i])) i++;
    return this.move(i);
  }

  /** Replace [from, cursor) with `text` (Tab completion). */
  replace(from: number, text: string): string {
    return this.set(this.buf.slice(0, from) + text + this.buf.slice(this.cursor), from + text.length);
  }

  // ---- history --------------------------------------------------------------------------

  /** Remember a submitted command (not blanks, not a repeat of the last). */
  remember(line: string): void {
    if (!line.trim()) return;
    if (this.history[this.history.length - 1] !== line) this.history.push(line);
    if (this.history.length > this.maxHistory) this.history.splice(0, this.history.length - this.maxHistory);
    this.hIndex = this.history.length;
  }

  up(): string {
    if (this.hIndex === 0) return '\x07';
    if (this.hIndex === this.history.length) this.draft = this.buf;
    this.hIndex--;
    return this.set(this.history[this.hIndex]);
  }

  down(): string {
    if (this.hIndex >= this.history.length) return '\x07';
    this.hIndex++;
    return this.set(this.hIndex === this.history.length ? this.draft : this.history[this.hIndex]);
  }

  // ---- reverse search (Ctrl-R) ------------------------------------------------------------

  startSearch(): string {
    if (this.search) return this.searchNext();
    this.searchSaved = { buf: this.buf, cursor: this.cursor };
    this.search = { query: '', match: this.history.length, failed: false };
    return this.redraw();
  }

  private find(query: string, from: number): number {
    for (let i = Math.min(from, this.history.length - 1); i >= 0; i--) if (this.history[i].includes(query)) return i;
    return -1;
  }

  private showMatch(i: number): string {
    const s = this.search!;
    if (i < 0) { s.failed = true; return this.redraw(); }
    s.failed = false;
    s.match = i;
    this.buf = this.history[i];
    this.cursor = Math.max(0, this.buf.indexOf(s.query));
    return this.redraw();
  }

  searchType(text: string): string {
    const s = this.search!;
    s.query += text;
    return this.showMatch(this.find(s.query, s.match));
  }

  searchBackspace(): string {
    const s = this.search!;
    if (!s.query) return '\x07';
    s.query = s.query.slice(0, -1);
    return this.showMatch(s.query ? this.find(s.query, this.history.length - 1) : s.match);
  }

  searchNext(): string {
    const s = this.search!;
    if (!s.query) return this.redraw();
    return this.showMatch(this.find(s.query, s.match - 1));
  }

  /** Leave search keeping the match in the buffer (Enter, arrows, Ctrl-A/E). */
  acceptSearch(): string {
    this.search = null;
    this.searchSaved = null;
    this.hIndex = this.history.length;
    return this.redraw();
  }

  /** Ctrl-G: leave search and restore the line. */
  cancelSearch(): string {
    const saved = this.searchSaved;
    this.search = null;
    this.searchSaved = null;
    return saved ? this.set(saved.buf, saved.cursor) : this.redraw();
  }
}

/** Longest common prefix of completion candidates. */
export function commonPrefix(xs: readonly string[]): string {
  if (!xs.length) return '';
  let p = xs[0];
  for (const x of xs) while (!x.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** Candidates laid out in columns, as bash lists them after a second Tab. */
export function columns(xs: readonly string[], cols: number): string {
  const w = Math.max(...xs.map(strWidth)) + 2;
  const per = Math.max(1, Math.floor(cols / w));
  const rows = Math.ceil(xs.length / per);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < per; c++) {
      const x = xs[c * rows + r];
      if (x === undefined) continue;
      line += x + ' '.repeat(Math.max(0, w - strWidth(x)));
    }
    lines.push(line.trimEnd());
  }
  return lines.join('\r\n');
}
