/**
 * Terminals live here, outside React (Hyper's `terms[uid]`): one per host, created the first
 * time its pane mounts and kept when the pane unmounts, so reopening a terminal (or a
 * re-render moving it) keeps its scrollback. Output that arrives before a host's terminal
 * exists is buffered. xterm itself is loaded lazily (xtermView.ts is its own chunk).
 */
import type { EditTarget } from '../../editor/fileTarget.ts';
import { useApp } from '../store/index.ts';
import type { XtermView } from './xtermView.ts';

type Op = { k: 'out'; data: string } | { k: 'prompt'; prompt: string } | { k: 'clear' } | { k: 'restore'; text: string; prompt: string | null };

/** A command (vi, nano) wants the editor on a file, in place of this host's terminal. */
export interface EditRequest { host: string; path: string; content: string; mode: 'vi' | 'nano'; target?: EditTarget }

/** A terminal's machine, by its current name (a rename changes it in place). */
export interface HostRef { name: string }

interface Entry {
  readonly host: string;
  readonly ref: HostRef;
  /** A prompt has come from the shell (or a provisional one was shown). */
  prompted: boolean;
  ops: Op[];
  opsBytes: number;
  view: XtermView | null;
  creating: Promise<XtermView> | null;
  busy: boolean;
}

const MAX_BUFFERED = 512 * 1024;

type ViewModule = typeof import('./xtermView.ts');
let viewModule: Promise<ViewModule> | null = null;

/** Start loading xterm (call early: the lab page will need it). */
export function preloadXterm(): Promise<ViewModule> {
  viewModule ??= import('./xtermView.ts');
  return viewModule;
}

class TerminalRegistry {
  private readonly entries = new Map<string, Entry>();
  private editListeners = new Set<(e: EditRequest | null) => void>();
  /** Open editors, by host (lower case). */
  private readonly edits = new Map<string, EditRequest>();
  private busyListeners = new Set<() => void>();

  private entry(host: string): Entry {
    const key = host.toLowerCase();
    let e = this.entries.get(key);
    if (!e) this.entries.set(key, (e = { host, ref: { name: host }, prompted: false, ops: [], opsBytes: 0, view: null, creating: null, busy: false }));
    return e;
  }

  /** The lab's hosts with a shell: keep their terminals (opened early, before the lab was up); drop the others'. */
  setHosts(hosts: readonly string[]): void {
    const keep = new Set(hosts.map((h) => h.toLowerCase()));
    for (const [k, e] of this.entries) {
      if (keep.has(k)) continue;
      e.view?.dispose();
      this.entries.delete(k);
      this.edits.delete(k);
    }
    for (const h of hosts) this.entry(h);
  }

  private push(host: string, op: Op): void {
    const e = this.entry(host);
    if (e.view) { apply(e.view, op); return; }
    e.ops.push(op);
    if (op.k === 'out') e.opsBytes += op.data.length;
    while (e.opsBytes > MAX_BUFFERED && e.ops.length > 1) {
      const x = e.ops.shift()!;
      if (x.k === 'out') e.opsBytes -= x.data.length;
    }
  }

  output(host: string, data: string): void { this.push(host, { k: 'out', data }); }

  prompt(host: string, prompt: string): void {
    this.entry(host).prompted = true;
    this.push(host, { k: 'prompt', prompt });
    this.setBusy(host, false);
  }

  clear(host: string): void { this.push(host, { k: 'clear' }); }

  edit(host: string, path: string, content: string, mode: 'vi' | 'nano', target?: EditTarget): void {
    const r: EditRequest = { host, path, content, mode, ...(target ? { target } : {}) };
    this.edits.set(host.toLowerCase(), r);
    // The editor takes the place of the host's terminal: make sure it is on screen.
    if (!useApp.getState().openTerms.some((h) => h.toLowerCase() === host.toLowerCase())) useApp.getState().openTerm(host, 'auto');
    for (const l of this.editListeners) l(r);
  }

  /** The editor open on this host's terminal, if any. */
  editOf(host: string): EditRequest | null { return this.edits.get(host.toLowerCase()) ?? null; }

  /** The editor was closed (the page sent finishEdit). */
  editDone(host: string): void {
    if (!this.edits.delete(host.toLowerCase())) return;
    for (const l of this.editListeners) l(null);
  }

  onEdit(fn: (e: EditRequest | null) => void): () => void {
    this.editListeners.add(fn);
    return () => this.editListeners.delete(fn);
  }

  /**
   * A rebuilt lab's terminal (a saved or shared lab replayed): everything it showed, and
   * the prompt it ends at (null: a command still runs). Replaces what the terminal had.
   */
  restore(host: string, text: string, prompt: string | null): void {
    const e = this.entry(host);
    this.edits.delete(host.toLowerCase());
    e.prompted = true;
    if (e.view) { apply(e.view, { k: 'restore', text, prompt }); return; }
    e.ops = [{ k: 'restore', text, prompt }];
    e.opsBytes = text.length;
  }

  /** A machine was renamed: its terminal (and scrollback) goes with it. */
  rename(from: string, to: string): void {
    const a = from.toLowerCase(), b = to.toLowerCase();
    const e = this.entries.get(a);
    if (!e || a === b || this.entries.has(b)) return;
    this.entries.delete(a);
    e.ref.name = to;
    this.entries.set(b, { ...e, host: to });
    const ed = this.edits.get(a);
    if (ed) { this.edits.delete(a); this.edits.set(b, { ...ed, host: to }); }
  }

  setBusy(host: string, busy: boolean): void {
    const e = this.entry(host);
    if (e.busy === busy) return;
    e.busy = busy;
    for (const l of this.busyListeners) l();
  }

  /** Show `host`'s terminal inside `el`; returns a detach function. */
  async attach(host: string, el: HTMLElement, make: (host: HostRef) => Promise<XtermView>): Promise<() => void> {
    const e = this.entry(host);
    if (!e.view) {
      e.creating ??= make(e.ref);
      const v = await e.creating;
      if (!e.view) {
        e.view = v;
        // A console accepts typing while its machine boots: until the shell's first prompt
        // arrives, show the login prompt the preset's hosts start with. Lines typed there are
        // sent at once; the worker runs them as soon as the lab is up.
        if (!e.prompted && !e.ops.some((op) => op.k === 'prompt')) v.discipline.provisionalPrompt(`[root@${e.host} ~]# `);
        e.prompted = true;
        for (const op of e.ops) apply(v, op);
        e.ops = [];
        e.opsBytes = 0;
      }
    }
    const view = e.view;
    view.mount(el);
    return () => view.unmount(el);
  }

  view(host: string): XtermView | null { return this.entry(host).view; }

  focus(host: string): void { this.entry(host).view?.focus(); }

  forEachView(fn: (v: XtermView) => void): void {
    for (const e of this.entries.values()) if (e.view) fn(e.view);
  }
}

function apply(v: XtermView, op: Op): void {
  if (op.k === 'out') v.discipline.output(op.data);
  else if (op.k === 'prompt') v.discipline.prompt(op.prompt);
  else if (op.k === 'restore') v.discipline.restore(op.text, op.prompt);
  else v.discipline.clear();
}

export const terminals = new TerminalRegistry();
