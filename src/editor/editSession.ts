/**
 * The state of one editing session in the page's editor, without any DOM: what was written,
 * whether the buffer differs from the file, and what :w, :q, ZZ, nano's ^O and ^X do —
 * with vim's and nano's messages. Editor.tsx drives it from CodeMirror; tests drive it
 * directly.
 *
 * Writes reach the host's file only when the editor closes: `result` is the last text
 * written (or null when nothing was), which the page passes to LabSession.finishEdit. So
 * another terminal sees the file change when the editor quits, not at each :w.
 */
import {
  bufferOf, E37, type EditTarget, lineCount, nanoOpenMessage, nanoWrite, plainTarget, vimOpenMessage, vimWrite, type WriteOutcome,
} from './fileTarget.ts';

export type EditMode = 'vi' | 'nano';

export interface Message { readonly text: string; readonly error: boolean }

export type QuitOutcome = { readonly done: true; readonly content: string | null } | { readonly done: false; readonly message: Message };

export class EditSession {
  target: EditTarget;
  /** The buffer as last read or written. */
  private saved: string;
  /** The file text last written (what the page sends back when the editor closes). */
  result: string | null = null;
  readonly initial: string;
  readonly openMessage: Message;

  constructor(readonly path: string, content: string, readonly mode: EditMode, target?: EditTarget) {
    this.target = target ?? plainTarget(path, content);
    // vim's buffer is the lines without the final newline; nano's keeps it (its last, empty "magic line").
    this.initial = this.target.kind === 'dir' ? '' : mode === 'vi' ? bufferOf(content) : content;
    this.saved = this.initial;
    const text = mode === 'vi' ? vimOpenMessage(this.target, content) : nanoOpenMessage(this.target, content);
    this.openMessage = { text, error: this.target.kind === 'dir' || (mode === 'nano' && this.target.kind === 'noparent') };
  }

  modified(doc: string): boolean { return doc !== this.saved; }

  private apply(o: WriteOutcome, doc: string): Message {
    if (o.written !== null) {
      this.result = o.written;
      this.target = { ...this.target, kind: 'file', noeol: false };
    }
    if (o.ok) this.saved = doc;
    return { text: o.message, error: o.error };
  }

  /** :w / :w! (other file names are refused: the lab's editor edits one file). */
  write(doc: string, force = false, otherName?: string): Message {
    if (otherName && otherName !== this.target.name && otherName !== this.path) {
      return { text: `Writing to another file ("${otherName}") is not possible in the lab's editor`, error: true };
    }
    if (this.mode === 'nano') return this.apply(nanoWrite(this.target, doc), doc);
    return this.apply(vimWrite(this.target, doc, force, this.target.kind === 'new' || this.target.kind === 'noparent'), doc);
  }

  /** :q / :q! */
  quit(doc: string, force = false): QuitOutcome {
    if (!force && this.modified(doc)) return { done: false, message: { text: E37, error: true } };
    return { done: true, content: this.result };
  }

  /** :wq / :x / ZZ (`onlyIfModified` for :x and ZZ). */
  writeQuit(doc: string, force = false, onlyIfModified = false): QuitOutcome {
    if (!onlyIfModified || this.modified(doc)) {
      const m = this.write(doc, force);
      if (m.error) return { done: false, message: m };
    }
    return { done: true, content: this.result };
  }

}

/**
 * Messages from @replit/codemirror-vim put in vim's words (it has its own for a few cases).
 * Unknown ones pass through.
 */
export function vimNotice(text: string): Message {
  let m = /^Not an editor command ":(.*)"$/s.exec(text);
  if (m) return { text: `E492: Not an editor command: ${m[1]}`, error: true };
  m = /^No (?:match found|matches for) (.*?)(?: \(set nopcre to use [Vv]im regexps\))?$/s.exec(text);
  if (m) {
    const q = /^\/(.*)\/[a-z]*$/s.exec(m[1]);
    return { text: `E486: Pattern not found: ${q ? q[1] : m[1]}`, error: true };
  }
  m = /^Invalid regex: (.*)$/s.exec(text);
  if (m) return { text: `E383: Invalid search string: ${m[1]}`, error: true };
  m = /^Unknown option: (.*)$/s.exec(text);
  if (m) return { text: `E518: Unknown option: ${m[1]}`, error: true };
  if (/^Invalid argument: /.test(text)) return { text: `E474: ${text}`, error: true };
  if (/^(Mark not set|No previous)/.test(text)) return { text: /^Mark/.test(text) ? 'E20: Mark not set' : 'E35: No previous regular expression', error: true };
  return { text, error: /^E\d+:/.test(text) };
}

/** vim's ruler: `12,5` and All/Top/Bot/NN% for the part of the buffer on screen. */
export function vimRuler(line: number, col: number | string, firstVisible: number, lastVisible: number, lines: number): string {
  let where: string;
  if (firstVisible <= 1 && lastVisible >= lines) where = 'All';
  else if (firstVisible <= 1) where = 'Top';
  else if (lastVisible >= lines) where = 'Bot';
  else where = `${Math.floor(((firstVisible - 1) * 100) / Math.max(1, lines - (lastVisible - firstVisible + 1)))}%`;
  return `${line},${col}`.padEnd(14) + where;
}

/** nano's ^C: `[ line 3/8 (37%), col 5/20 (25%), char 40/123 (32%) ]`. */
export function nanoLocation(doc: string, line: number, col: number, offset: number): string {
  const lines = Math.max(1, lineCount(doc === '' ? '' : doc + '\n'));
  const lineLen = (doc.split('\n')[line - 1] ?? '').length + 1;
  const chars = doc.length + (doc === '' ? 0 : 1);
  const pct = (a: number, b: number) => Math.floor((a * 100) / Math.max(1, b));
  return `[ line ${line}/${lines} (${pct(line, lines)}%), col ${col}/${lineLen} (${pct(col, lineLen)}%), char ${offset}/${chars} (${pct(offset, chars)}%) ]`;
}
