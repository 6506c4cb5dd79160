/**
 * Terminals live here, outside React (Hyper's `terms[uid]`): one per host, created the first
 * time its pane mounts and kept when the pane unmounts, so reopening a terminal (or a
 * re-render moving it) keeps its scrollback. Output that arrives before a host's terminal
 * exists is buffered. xterm itself is loaded lazily (xtermView.ts is its own chunk).
 */
import type { XtermView } from './xtermView.ts';

type Op = { k: 'out'; data: string } | { k: 'prompt'; prompt: string } | { k: 'clear' };

export interface EditRequest { host: string; path: string; content: string; mode: 'vi' | 'nano' }

interface Entry {
  readonly host: string;
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
  private busyListeners = new Set<() => void>();

  private entry(host: string): Entry {
    const key = host.toLowerCase();
    let e = this.entries.get(key);
    if (!e) this.entries.set(key, (e = { host, prompted: false, ops: [], opsBytes: 0, view: null, creating: null, busy: false }));
    return e;
  }

  /** The lab's hosts with a shell: keep their terminals (opened early, before the lab was up); drop the others'. */
  setHosts(hosts: readonly string[]): void {
    const keep = new Set(hosts.map((h) => h.toLowerCase()));
    for (const [k, e] of this.entries) {
      if (keep.has(k)) continue;
      e.view?.dispose();
      this.entries.delete(k);
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

  edit(host: string, path: string, content: string, mode: 'vi' | 'nano'): void {
    for (const l of this.editListeners) l({ host, path, content, mode });
  }

  onEdit(fn: (e: EditRequest | null) => void): () => void {
    this.editListeners.add(fn);
    return () => this.editListeners.delete(fn);
  }

  setBusy(host: string, busy: boolean): void {
    const e = this.entry(host);
    if (e.busy === busy) return;
    e.busy = busy;
    for (const l of this.busyListeners) l();
  }

  /** Show `host`'s terminal inside `el`; returns a detach function. */
  async attach(host: string, el: HTMLElement, make: (host: string) => Promise<XtermView>): Promise<() => void> {
    const e = this.entry(host);
    if (!e.view) {
      e.creating ??= make(host);
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
  else v.discipline.clear();
}

export const terminals = new TerminalRegistry();
