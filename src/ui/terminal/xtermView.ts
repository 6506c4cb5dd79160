/**
 * One host's xterm (the lazy chunk that pulls in @xterm/xterm): the DOM renderer (no webgl
 * or canvas addon: its text stays in `.xterm-rows`, readable by tests and screen readers),
 * scrollback capped at 5,000 lines, no blinking cursor (nothing animates while idle), a
 * FitAddon driven by a debounced ResizeObserver, and our LineDiscipline addon.
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal, type ITheme } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { LineDiscipline, type ShellPort } from './lineDiscipline.ts';

export const SCROLLBACK = 5_000;
const FONT = '"JetBrains Mono", "Cascadia Mono", "Fira Code", "DejaVu Sans Mono", "Noto Sans Mono CJK SC", "Noto Sans Mono", ui-monospace, monospace';

export interface ViewOptions {
  host: string;
  port: ShellPort;
  history: readonly string[];
  theme: ITheme;
  fontSize: number;
  onHistory(h: readonly string[]): void;
  onFocus(): void;
}

export class XtermView {
  readonly term: Terminal;
  readonly fit = new FitAddon();
  readonly discipline: LineDiscipline;
  /** The element xterm renders into; moved between containers, never re-created. */
  readonly el: HTMLDivElement;
  private opened = false;
  private ro: ResizeObserver | null = null;
  private fitTimer = 0;

  constructor(readonly opts: ViewOptions) {
    this.term = new Terminal({
      scrollback: SCROLLBACK,
      fontFamily: FONT,
      fontSize: opts.fontSize,
      lineHeight: 1.15,
      cursorBlink: false,
      cursorStyle: 'block',
      theme: opts.theme,
      allowProposedApi: false,
      scrollOnEraseInDisplay: true,
      minimumContrastRatio: 1,
    });
    this.discipline = new LineDiscipline(opts.port, opts.history);
    this.discipline.onHistory = opts.onHistory;
    this.term.loadAddon(this.fit);
    this.term.loadAddon(this.discipline);
    this.el = document.createElement('div');
    this.el.className = 'xterm-host';
    this.el.addEventListener('focusin', () => opts.onFocus());
  }

  mount(container: HTMLElement): void {
    if (this.el.parentElement !== container) container.appendChild(this.el);
    if (!this.opened) {
      this.term.open(this.el);
      this.opened = true;
      const ta = this.el.querySelector('textarea');
      ta?.setAttribute('aria-label', `${this.opts.host} shell input`);
    }
    this.ro?.disconnect();
    this.ro = new ResizeObserver(() => this.scheduleFit());
    this.ro.observe(container);
    this.doFit();
  }

  unmount(container: HTMLElement): void {
    this.ro?.disconnect();
    this.ro = null;
    if (this.el.parentElement === container) container.removeChild(this.el);
  }

  private scheduleFit(): void {
    clearTimeout(this.fitTimer);
    this.fitTimer = window.setTimeout(() => this.doFit(), 60);
  }

  private doFit(): void {
    if (!this.el.isConnected || this.el.clientWidth === 0) return;
    try { this.fit.fit(); } catch { /* not measurable yet */ }
  }

  setTheme(theme: ITheme): void { this.term.options.theme = theme; }

  setFontSize(px: number): void {
    this.term.options.fontSize = px;
    this.doFit();
  }

  focus(): void { this.term.focus(); }

  /** Everything in the buffer (scrollback included), one string per line: for tests. */
  lines(): string[] {
    const b = this.term.buffer.active;
    const out: string[] = [];
    for (let i = 0; i < b.length; i++) {
      const l = b.getLine(i)!;
      const s = l.translateToString(true);
      if (l.isWrapped && out.length) out[out.length - 1] += s; else out.push(s);
    }
    while (out.length && out[out.length - 1] === '') out.pop();
    return out;
  }

  dispose(): void {
    clearTimeout(this.fitTimer);
    this.ro?.disconnect();
    this.term.dispose();
    this.el.remove();
  }
}

export function createView(opts: ViewOptions): XtermView {
  return new XtermView(opts);
}
