/**
 * The terminals: a tab per host with a shell (click to open), and the open ones side by
 * side, each a region named "Terminal HOST". The xterm instances belong to the registry;
 * a pane only lends them a container.
 */
import { lazy, memo, Suspense, useCallback, useEffect, useRef, useSyncExternalStore } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useT } from '../i18n/useT.ts';
import { labClient } from '../labClient.ts';
import { useApp } from '../store/index.ts';
import { termFontSize, XTERM_THEMES } from '../theme.ts';
import type { ShellPort } from './lineDiscipline.ts';
import { preloadXterm, terminals, type HostRef } from './registry.ts';
import type { XtermView } from './xtermView.ts';

// The editor (CodeMirror) is its own chunk, fetched the first time vi or nano runs.
const Editor = lazy(() => import('../../editor/Editor.tsx'));

const subscribeEdits = (fn: () => void) => terminals.onEdit(fn);

/** vi / vim / nano on this host: the real editor in place of the terminal until it quits. */
function InPlaceEditor({ host }: { host: string }) {
  const t = useT();
  const req = useSyncExternalStore(subscribeEdits, () => terminals.editOf(host));
  const theme = useApp((s) => s.theme);
  if (!req) return null;
  const done = (content: string | null) => {
    labClient().send({ t: 'finishEdit', host, content });
    terminals.editDone(host);
    setTimeout(() => terminals.focus(host), 0);
  };
  return (
    <div className="term__editor">
      <Suspense fallback={<div className="loading">{t('ui.loading')}</div>}>
        <Editor key={`${req.path}\u0000${req.content.length}`} path={req.path} content={req.content} mode={req.mode} target={req.target} host={host} theme={theme} onDone={done} />
      </Suspense>
    </div>
  );
}

const HISTORY_KEY = (preset: string, host: string) => `lvs-lab.history.${preset}.${host}`;

function loadHistory(preset: string, host: string): string[] {
  try { return JSON.parse(localStorage.getItem(HISTORY_KEY(preset, host)) ?? '[]') as string[]; } catch { return []; }
}

/** The shell of a machine, by its current name (a rename on the topology changes `ref.name`). */
function portFor(ref: HostRef): ShellPort {
  const c = labClient();
  return {
    enter: (text) => {
      terminals.setBusy(ref.name, true);
      return c.ask({ q: 'enter', host: ref.name, text }).then((r) => { if (r.more) terminals.setBusy(ref.name, false); return r; });
    },
    complete: (line, cursor) => c.ask({ q: 'complete', host: ref.name, line, cursor }),
    stdin: (text) => c.send({ t: 'stdin', host: ref.name, text }),
    interrupt: () => c.send({ t: 'interrupt', host: ref.name }),
  };
}

async function makeView(ref: HostRef): Promise<XtermView> {
  const host = ref.name;
  const mod = await preloadXterm();
  const st = useApp.getState();
  const preset = st.preset ?? 'lab';
  return mod.createView({
    host,
    port: portFor(ref),
    history: loadHistory(preset, host),
    theme: XTERM_THEMES[st.theme],
    fontSize: termFontSize(st.fontScale),
    onHistory: (h) => { try { localStorage.setItem(HISTORY_KEY(preset, host), JSON.stringify(h.slice(-200))); } catch { /* full */ } },
    onFocus: () => { if (useApp.getState().activeTerm !== ref.name) useApp.getState().focusTerm(ref.name); },
  });
}

const TermBox = memo(function TermBox({ host, active }: { host: string; active: boolean }) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  const close = useApp((s) => s.closeTerm);
  const busy = useApp((s) => s.status?.busy.includes(host) ?? false);

  useEffect(() => {
    const el = ref.current!;
    let detach: (() => void) | null = null;
    let gone = false;
    void terminals.attach(host, el, makeView).then((d) => {
      if (gone) d(); else detach = d;
      if (!gone && useApp.getState().activeTerm === host) terminals.focus(host);
    });
    return () => { gone = true; detach?.(); };
  }, [host]);

  useEffect(() => { if (active) terminals.focus(host); }, [active, host]);

  return (
    <section className={`term${active ? ' term--active' : ''}`} aria-label={t('region.terminal', { host })}>
      <header className="term__bar">
        <span className={`term__dot${busy ? ' term__dot--busy' : ''}`} aria-hidden="true" />
        <span className="term__title">root@{host}</span>
        {busy && <span className="term__busy">{t('term.busy')}</span>}
        <button type="button" className="icon-btn term__close" aria-label={t('term.close', { host })} title={t('term.close', { host })} onClick={() => close(host)}>×</button>
      </header>
      <div className="term__screen" ref={ref} onMouseDown={() => terminals.focus(host)} />
      <InPlaceEditor host={host} />
    </section>
  );
});

export default function TerminalPane() {
  const t = useT();
  const { shells, open, active, theme, fontScale } = useApp(useShallow((s) => ({
    shells: s.shells, open: s.openTerms, active: s.activeTerm, theme: s.theme, fontScale: s.fontScale,
  })));
  const openTerm = useApp((s) => s.openTerm);

  useEffect(() => { terminals.forEachView((v) => v.setTheme(XTERM_THEMES[theme])); }, [theme]);
  useEffect(() => { terminals.forEachView((v) => v.setFontSize(termFontSize(fontScale))); }, [fontScale]);

  // Shift- or Ctrl-click a tab to put that terminal beside the others; a plain click splits
  // when there is room for 80 columns and otherwise switches the active pane.
  const onTab = useCallback((h: string, e: React.MouseEvent) => { openTerm(h, e.shiftKey || e.ctrlKey || e.metaKey ? 'split' : 'auto'); }, [openTerm]);
  const area = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = area.current;
    if (!el) return;
    const ro = new ResizeObserver(() => useApp.getState().setTermAreaWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  // Busy dots on the tabs follow the status the worker sends.
  const busy = useSyncExternalStore(useApp.subscribe, () => useApp.getState().status?.busy.join(',') ?? '');

  return (
    <div className="terms" role="region" aria-label={t('region.terminals')} ref={area}>
      <div className="tabs terms__tabs" role="tablist" aria-label={t('term.open')}>
        {shells.map((h) => (
          <button key={h} type="button" role="tab" aria-selected={open.includes(h)}
            className={`tab${open.includes(h) ? ' tab--open' : ''}${active === h ? ' tab--active' : ''}`}
            onClick={(e) => onTab(h, e)} title={t('term.tabHint')}>
            <span className={`tab__dot${busy.split(',').includes(h) ? ' tab__dot--busy' : ''}`} aria-hidden="true" />{h}
          </button>
        ))}
      </div>
      {open.length === 0
        ? <p className="terms__empty">{t('term.noShell')}</p>
        : <div className="terms__grid" data-count={open.length}>
            {open.map((h) => <TermBox key={h} host={h} active={active === h} />)}
          </div>}
    </div>
  );
}
