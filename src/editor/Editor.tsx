/**
 * The full-screen editor a terminal shows for `vi FILE`, `vim FILE` or `nano FILE`:
 * CodeMirror 6, with vim key bindings (@replit/codemirror-vim) and a vim-like last line, or
 * plain CodeMirror with nano's title bar, status line and key bar.
 *
 *   <Editor path="/etc/sysctl.conf" content={text} mode="vi" target={target} onDone={(c) => …} />
 *
 * `onDone(content)` is called once, when the user quits: `content` is the file text last
 * written (:w, :wq, ZZ; nano ^O, or ^X then Y), or null when nothing was written (:q!,
 * nano ^X then N). The page passes it to LabSession.finishEdit. `target` is what the shell
 * knew about the file (src/shell/commands/editor.ts `takeEditTarget`): a directory, a new
 * file, a missing directory (writes fail with E212), read-only, /proc (E667); without it
 * the file is taken to be an existing, writable one.
 *
 * vim: Normal/Insert/Visual modes, :w :w! :wq :x :q :q! :qa ZZ ZQ, dd yy p u Ctrl-R, /search
 * n N, :%s///g, :g, :set nu / :set nonu, and the library's other motions and operators.
 * nano: ^O/F3 Write Out, ^X/F2 Exit (with "Save modified buffer?"), ^W/F6 Where Is, ^K/F9
 * Cut, ^U/F10 Paste, ^C Location, M-U Undo, M-E Redo. (Browsers keep Ctrl-W for closing
 * the tab in some setups: F6 always works.)
 *
 * Colours come from CSS variables (editor.css), which follow the page's dark/light theme.
 * This module is loaded lazily (loader.ts): CodeMirror is not in the first bundle.
 */
import { Compartment, EditorState, Prec, type Extension } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, highlightSpecialChars, keymap, lineNumbers } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, redo, undo } from '@codemirror/commands';
import { getCM, vim, Vim } from '@replit/codemirror-vim';
import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import type { EditTarget } from './fileTarget.ts';
import { EditSession, nanoLocation, vimNotice, vimRuler, type EditMode, type Message } from './editSession.ts';
import './editor.css';

export interface EditorProps {
  /** Absolute path of the file (shown by nano, used for writes). */
  readonly path: string;
  /** The file's text when the editor opened. */
  readonly content: string;
  readonly mode: EditMode;
  readonly target?: EditTarget;
  /** Light or dark CodeMirror defaults (colours themselves come from CSS variables). Default: the page's data-theme. */
  readonly theme?: 'dark' | 'light';
  /** The host, for the accessible label. */
  readonly host?: string;
  onDone(content: string | null): void;
}

export default function Editor(props: EditorProps) {
  const dark = (props.theme ?? (globalThis.document?.documentElement.dataset.theme === 'light' ? 'light' : 'dark')) === 'dark';
  return props.mode === 'nano' ? <NanoEditor {...props} dark={dark} /> : <VimEditor {...props} dark={dark} />;
}

// ---- shared ------------------------------------------------------------------------------------

function baseTheme(dark: boolean): Extension {
  return [
    EditorView.theme({
      '&': { height: '100%', backgroundColor: 'var(--ed-bg)', color: 'var(--ed-fg)', fontSize: 'var(--ed-font-size)' },
      '.cm-scroller': { fontFamily: 'var(--ed-font)', lineHeight: '1.35' },
      '.cm-content': { caretColor: 'var(--ed-cursor)' },
      '.cm-gutters': { backgroundColor: 'var(--ed-bg)', color: 'var(--ed-gutter)', border: 'none' },
      '.cm-activeLine': { backgroundColor: 'var(--ed-active-line)' },
      '.cm-activeLineGutter': { backgroundColor: 'transparent', color: 'var(--ed-fg)' },
      '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection': { backgroundColor: 'var(--ed-selection) !important' },
      '.cm-fat-cursor': { background: 'var(--ed-cursor) !important', color: 'var(--ed-bg) !important' },
      '&:not(.cm-focused) .cm-fat-cursor': { background: 'none !important', outline: 'solid 1px var(--ed-cursor) !important' },
      '.cm-cursor': { borderLeftColor: 'var(--ed-cursor)' },
      '.cm-searchMatch': { backgroundColor: 'var(--ed-search)' },
      '.cm-panels': { backgroundColor: 'var(--ed-bg)', color: 'var(--ed-fg)', border: 'none' },
      '.cm-panels-bottom': { borderTop: 'none' },
      '.cm-vim-panel': { fontFamily: 'var(--ed-font)', padding: '0 2px', minHeight: '1.35em' },
      '.cm-vim-panel input': { fontFamily: 'var(--ed-font)', color: 'var(--ed-fg)', fontSize: 'inherit' },
    }, { dark }),
    highlightSpecialChars(),
    drawSelection(),
    EditorView.lineWrapping,
  ];
}

function docOf(view: EditorView): string { return view.state.doc.toString(); }

function useDone(onDone: (c: string | null) => void): (c: string | null) => void {
  const done = useRef(false);
  const cb = useRef(onDone);
  cb.current = onDone;
  return (c) => {
    if (done.current) return;
    done.current = true;
    cb.current(c);
  };
}

// ---- vim ---------------------------------------------------------------------------------------

interface VimController {
  write(force: boolean, name: string): void;
  writeQuit(force: boolean, onlyIfModified: boolean): void;
  quit(force: boolean): void;
  number: boolean;
  setNumber(on: boolean): void;
}

const controllers = new WeakMap<object, VimController>();
const ctl = (cm: unknown) => controllers.get(cm as object);
let vimReady = false;

/** The ex commands and options the lab adds to the (global) vim emulation, once. */
function setupVim(): void {
  if (vimReady) return;
  vimReady = true;
  type P = { argString?: string };
  const bang = (p: P) => (p.argString ?? '').trimStart().startsWith('!');
  const name = (p: P) => (p.argString ?? '').replace(/^\s*!?\s*/, '').trim();
  const def = (full: string, short: string, f: (c: VimController, p: P) => void) =>
    Vim.defineEx(full, short, ((cm: unknown, p: P) => { const c = ctl(cm); if (c) f(c, p); }) as Parameters<typeof Vim.defineEx>[2]);
  def('write', 'w', (c, p) => c.write(bang(p), name(p)));
  def('wq', 'wq', (c, p) => c.writeQuit(bang(p), false));
  def('wqall', 'wqa', (c, p) => c.writeQuit(bang(p), false));
  def('xit', 'x', (c, p) => c.writeQuit(bang(p), true));
  def('xall', 'xa', (c, p) => c.writeQuit(bang(p), true));
  def('quit', 'q', (c, p) => c.quit(bang(p)));
  def('qall', 'qa', (c, p) => c.quit(bang(p)));
  def('cquit', 'cq', (c) => c.quit(true));
  Vim.map('ZZ', ':x<CR>', 'normal');
  Vim.map('ZQ', ':q!<CR>', 'normal');
  Vim.defineOption('number', false, 'boolean', ['nu'], ((value: boolean | undefined, cm: unknown) => {
    if (!cm) return undefined;
    const c = ctl(cm);
    if (value === undefined) return c?.number;
    c?.setNumber(value);
    return undefined;
  }) as never);
  // Search and :s with vim's regular expressions (\(…\), \+, \<…\>), not JavaScript's.
  Vim.setOption('pcre', false);
}

const MODE_TEXT: Record<string, string> = {
  insert: '-- INSERT --', replace: '-- REPLACE --', visual: '-- VISUAL --', 'visual line': '-- VISUAL LINE --', 'visual block': '-- VISUAL BLOCK --',
};

function VimEditor(props: EditorProps & { dark: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [mode, setMode] = useState('normal');
  const [ruler, setRuler] = useState('');
  const [dialog, setDialog] = useState(false);
  const done = useDone(props.onDone);

  useEffect(() => {
    setupVim();
    const session = new EditSession(props.path, props.content, 'vi', props.target);
    setMessage(session.openMessage);
    const numbers = new Compartment();
    let view: EditorView;
    const updateRuler = (v: EditorView) => {
      const head = v.state.selection.main.head;
      const line = v.state.doc.lineAt(head);
      const vp = v.viewport;
      const first = v.state.doc.lineAt(vp.from).number;
      const last = v.state.doc.lineAt(vp.to).number;
      const empty = v.state.doc.length === 0;
      setRuler(vimRuler(empty ? 0 : line.number, empty ? '0-1' : head - line.from + 1, first, last, v.state.doc.lines));
    };
    view = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: session.initial,
        extensions: [
          vim(),
          baseTheme(props.dark),
          numbers.of([]),
          history(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.updateListener.of((u) => { if (u.docChanged || u.selectionSet || u.viewportChanged) updateRuler(u.view); }),
          EditorView.contentAttributes.of({ 'aria-label': `vi ${props.path}${props.host ? ` on ${props.host}` : ''}` }),
        ],
      }),
    });
    const cm = getCM(view)!;
    let number = false;
    const finish = (r: { done: true; content: string | null } | { done: false; message: Message }) => {
      if (r.done) done(r.content);
      else setMessage(r.message);
    };
    controllers.set(cm, {
      write: (force, nm) => setMessage(session.write(docOf(view), force, nm || undefined)),
      writeQuit: (force, onlyIfModified) => finish(session.writeQuit(docOf(view), force, onlyIfModified)),
      quit: (force) => finish(session.quit(docOf(view), force)),
      get number() { return number; },
      setNumber: (on) => { number = on; view.dispatch({ effects: numbers.reconfigure(on ? lineNumbers() : []) }); },
    });
    // The library's messages ("Not an editor command", "No match found") go to our last line in vim's words.
    (cm as unknown as { openNotification: (t: Node | string) => () => void }).openNotification = (t) => {
      setMessage(vimNotice(typeof t === 'string' ? t : t.textContent ?? ''));
      return () => { /* stays until replaced, as vim's message line */ };
    };
    cm.on('vim-mode-change', (e: { mode: string; subMode?: string }) => {
      setMode(e.subMode ? `${e.mode} ${e.subMode === 'linewise' ? 'line' : 'block'}` : e.mode);
      setMessage(null);
    });
    cm.on('dialog', () => setDialog(!!cm.state.dialog));
    updateRuler(view);
    view.focus();
    return () => {
      controllers.delete(cm);
      view.destroy();
    };
    // The editor is created once per request; a new request mounts a new component.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const shown = MODE_TEXT[mode] ?? null;
  return (
    <div className="lvs-editor lvs-editor--vi" data-mode="vi" role="application" aria-label={`vi ${props.path}`}>
      <div className="lvs-editor__text" ref={host} />
      <div className="lvs-editor__status" data-testid="editor-status" hidden={dialog}>
        <span className={message?.error ? 'lvs-editor__msg lvs-editor__msg--error' : 'lvs-editor__msg'} data-testid="editor-message">
          {message ? message.text : shown ?? ''}
        </span>
        <span className="lvs-editor__ruler" data-testid="editor-ruler">{ruler}</span>
      </div>
    </div>
  );
}

// ---- nano --------------------------------------------------------------------------------------

type NanoPrompt =
  | { readonly kind: 'write'; readonly exitAfter: boolean }
  | { readonly kind: 'save' }
  | { readonly kind: 'search' };

const NANO_KEYS: readonly (readonly [string, string, string])[] = [
  ['^O', 'Write Out', 'write'], ['^W', 'Where Is', 'search'], ['^K', 'Cut', 'cut'], ['^C', 'Location', 'location'],
  ['^X', 'Exit', 'exit'], ['^U', 'Paste', 'paste'], ['M-U', 'Undo', 'undo'], ['M-E', 'Redo', 'redo'],
];

function NanoEditor(props: EditorProps & { dark: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  const viewRef = useRef<EditorView | null>(null);
  const sessionRef = useRef<EditSession | null>(null);
  const actions = useRef<Record<string, () => void>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [prompt, setPrompt] = useState<NanoPrompt | null>(null);
  const [input, setInput] = useState('');
  const [modified, setModified] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const saveRef = useRef<HTMLDivElement>(null);
  const lastSearch = useRef('');
  const done = useDone(props.onDone);

  useEffect(() => {
    const session = new EditSession(props.path, props.content, 'nano', props.target);
    sessionRef.current = session;
    setMessage(session.openMessage.text);
    let cutBuffer = '';
    let stateAfterCut: EditorState | null = null;
    const open = (p: NanoPrompt, value = '') => { setPrompt(p); setInput(value); setMessage(null); };
    const act: Record<string, () => void> = {
      write: () => open({ kind: 'write', exitAfter: false }, props.path),
      exit: () => {
        if (session.modified(docOf(view))) open({ kind: 'save' });
        else done(session.result);
      },
      search: () => open({ kind: 'search' }),
      cut: () => {
        // nano's ^K: the whole line with its newline; consecutive cuts collect in the cutbuffer.
        const st = view.state;
        const line = st.doc.lineAt(st.selection.main.head);
        const last = line.to === st.doc.length;
        if (last && line.from === line.to) return; // the empty last line: nothing to cut
        const text = st.doc.sliceString(line.from, line.to) + '\n';
        cutBuffer = stateAfterCut === st ? cutBuffer + text : text;
        view.dispatch({ changes: { from: line.from, to: last ? line.to : line.to + 1 }, selection: { anchor: line.from } });
        stateAfterCut = view.state;
      },
      paste: () => {
        // ^U: the cutbuffer above the current line.
        if (!cutBuffer) return;
        const at = view.state.doc.lineAt(view.state.selection.main.head).from;
        view.dispatch({ changes: { from: at, insert: cutBuffer }, selection: { anchor: at + cutBuffer.length } });
      },
      location: () => {
        const st = view.state;
        const head = st.selection.main.head;
        const line = st.doc.lineAt(head);
        setMessage(nanoLocation(st.doc.toString(), line.number, head - line.from + 1, head));
      },
      undo: () => { undo(view); },
      redo: () => { redo(view); },
    };
    actions.current = act;
    const run = (name: string) => () => { act[name](); return true; };
    const view = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: session.initial,
        extensions: [
          Prec.highest(keymap.of([
            { key: 'Ctrl-o', run: run('write') }, { key: 'F3', run: run('write') },
            { key: 'Ctrl-x', run: run('exit') }, { key: 'F2', run: run('exit') },
            { key: 'Ctrl-w', run: run('search') }, { key: 'F6', run: run('search') },
            { key: 'Ctrl-k', run: run('cut') }, { key: 'F9', run: run('cut') },
            { key: 'Ctrl-u', run: run('paste') }, { key: 'F10', run: run('paste') },
            { key: 'Ctrl-c', run: run('location') },
            { key: 'Alt-u', run: run('undo') }, { key: 'Alt-e', run: run('redo') },
          ])),
          baseTheme(props.dark),
          history(),
          highlightActiveLine(),
          keymap.of([...defaultKeymap, ...historyKeymap]),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) {
              setModified(session.modified(u.state.doc.toString()));
              setMessage(null);
            }
          }),
          EditorView.contentAttributes.of({ 'aria-label': `nano ${props.path}${props.host ? ` on ${props.host}` : ''}` }),
        ],
      }),
    });
    viewRef.current = view;
    view.focus();
    return () => { view.destroy(); viewRef.current = null; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    if (prompt?.kind === 'save') saveRef.current?.focus();
    else if (prompt) inputRef.current?.focus();
  }, [prompt]);

  const close = (msg: string | null = null) => {
    setPrompt(null);
    setMessage(msg);
    viewRef.current?.focus();
  };

  const writeOut = (exitAfter: boolean) => {
    const view = viewRef.current!;
    const session = sessionRef.current!;
    const doc = docOf(view);
    const m = input === props.path || input === '' ? session.write(doc) : { text: `[ Writing to another file (${input}) is not possible in the lab ]`, error: true };
    setModified(session.modified(doc));
    if (exitAfter && !m.error) { done(session.result); return; }
    close(m.text);
  };

  const search = () => {
    const view = viewRef.current!;
    const q = input || lastSearch.current;
    if (!q) { close('[ Cancelled ]'); return; }
    lastSearch.current = q;
    const doc = view.state.doc.toString();
    const head = view.state.selection.main.head;
    let at = doc.indexOf(q, head + 1);
    let msg: string | null = null;
    if (at < 0) {
      at = doc.indexOf(q);
      if (at >= 0) msg = at === head ? 'This is the only occurrence' : 'Search Wrapped';
    }
    if (at < 0) { close(`"${q.length > 30 ? q.slice(0, 30) + '...' : q}" not found`); return; }
    view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
    close(msg);
  };

  const onPromptKey = (e: ReactKeyboardEvent) => {
    if ((e.ctrlKey && e.key.toLowerCase() === 'c') || e.key === 'Escape') { e.preventDefault(); close('[ Cancelled ]'); return; }
    if (prompt?.kind === 'save') {
      const k = e.key.toLowerCase();
      if (k === 'y') { e.preventDefault(); setPrompt({ kind: 'write', exitAfter: true }); setInput(props.path); }
      else if (k === 'n') { e.preventDefault(); done(sessionRef.current!.result); }
      return;
    }
    if (e.key === 'Enter') {
      e.preventDefault();
      if (prompt?.kind === 'write') writeOut(prompt.exitAfter);
      else if (prompt?.kind === 'search') search();
    }
  };

  const promptLabel = prompt?.kind === 'write' ? 'File Name to Write: ' : prompt?.kind === 'search' ? (lastSearch.current ? `Search [${lastSearch.current}]: ` : 'Search: ') : '';
  return (
    <div className="lvs-editor lvs-editor--nano" data-mode="nano" role="application" aria-label={`nano ${props.path}`}>
      <div className="lvs-editor__title" data-testid="nano-title">
        <span>{'  GNU nano 5.6.1'}</span>
        <span className="lvs-editor__title-file">{props.path || 'New Buffer'}</span>
        <span>{modified ? 'Modified  ' : ''}</span>
      </div>
      <div className="lvs-editor__text" ref={host} />
      <div className="lvs-editor__status lvs-editor__status--nano" data-testid="editor-status">
        {prompt?.kind === 'save' ? (
          <div className="lvs-editor__prompt" ref={saveRef} tabIndex={0} onKeyDown={onPromptKey} data-testid="nano-save-prompt">Save modified buffer?  </div>
        ) : prompt ? (
          <label className="lvs-editor__prompt">
            <span>{promptLabel}</span>
            <input ref={inputRef} value={input} spellCheck={false} onChange={(e) => setInput(e.target.value)} onKeyDown={onPromptKey} data-testid="nano-prompt-input" />
          </label>
        ) : (
          <span className={message ? 'lvs-editor__msg lvs-editor__msg--nano' : 'lvs-editor__msg'} data-testid="editor-message">{message ?? ''}</span>
        )}
      </div>
      <div className="lvs-editor__keys" data-testid="nano-keys">
        {prompt?.kind === 'save' ? (
          <>
            <span className="lvs-editor__key"><kbd>Y</kbd> Yes</span>
            <span className="lvs-editor__key"><kbd>N</kbd> No</span>
            <span className="lvs-editor__key"><kbd>^C</kbd> Cancel</span>
          </>
        ) : NANO_KEYS.map(([k, label, action]) => (
          <button key={k} type="button" className="lvs-editor__key" onMouseDown={(e) => { e.preventDefault(); if (!prompt) actions.current[action]?.(); }}>
            <kbd>{k}</kbd> {label}
          </button>
        ))}
      </div>
    </div>
  );
}
