/**
 * A lab page: header (labs, animation controls, preferences), the topology beside the
 * terminals, and the capture / flow graph / scheduler below. The two splitters resize the
 * areas by setting CSS variables directly (no React render while dragging); sizes are kept
 * in localStorage. Topology and terminals load as separate chunks, so a prompt is usable
 * before the topology's library has arrived.
 */
import { lazy, Suspense, useCallback, useEffect, useRef, useState, type PointerEvent as RPointerEvent, type KeyboardEvent as RKeyboardEvent } from 'react';
import Controls from './anim/Controls.tsx';
import CapturePane from './capture/CapturePane.tsx';
import DetailPane from './capture/DetailPane.tsx';
import { useT } from './i18n/useT.ts';
import { findLab } from './labs.ts';
import Prefs from './Prefs.tsx';
import { Logo } from './StartPage.tsx';
import { useApp } from './store/index.ts';
import type { BottomTab } from './store/types.ts';
import { terminals } from './terminal/registry.ts';
import TerminalPane from './terminal/TerminalPane.tsx';
import LabBar from './labs/LabBar.tsx';
import Banner from './labs/Banner.tsx';
import SideArea from './labs/SideArea.tsx';

const Topology = lazy(() => import('./topology/Topology.tsx'));
const FlowGraph = lazy(() => import('./capture/FlowGraph.tsx'));
const SchedulerPanel = lazy(() => import('./sched/SchedulerPanel.tsx'));
const BenchPanel = lazy(() => import('./bench/BenchPanel.tsx'));
const ModesPanel = lazy(() => import('./modes/ModesPanel.tsx'));

const SIZES_KEY = 'lvs-lab.sizes';

function useSplitters(ref: React.RefObject<HTMLDivElement | null>) {
  useEffect(() => {
    try {
      const s = JSON.parse(localStorage.getItem(SIZES_KEY) ?? '{}') as { left?: number; bottom?: number };
      if (s.left) ref.current?.style.setProperty('--left', `${s.left}%`);
      if (s.bottom) ref.current?.style.setProperty('--bottom', `${s.bottom}%`);
    } catch { /* ignore */ }
  }, [ref]);

  const save = () => {
    const el = ref.current;
    if (!el) return;
    const left = parseFloat(el.style.getPropertyValue('--left')) || undefined;
    const bottom = parseFloat(el.style.getPropertyValue('--bottom')) || undefined;
    try { localStorage.setItem(SIZES_KEY, JSON.stringify({ left, bottom })); } catch { /* ignore */ }
  };

  const drag = useCallback((axis: 'x' | 'y') => (e: RPointerEvent<HTMLDivElement>) => {
    const el = ref.current;
    if (!el) return;
    const rect = el.getBoundingClientRect();
    const bar = e.currentTarget;
    bar.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent) => {
      if (axis === 'x') el.style.setProperty('--left', `${Math.min(75, Math.max(18, ((ev.clientX - rect.left) / rect.width) * 100)).toFixed(1)}%`);
      else el.style.setProperty('--bottom', `${Math.min(80, Math.max(15, ((rect.bottom - ev.clientY) / rect.height) * 100)).toFixed(1)}%`);
    };
    const up = () => { bar.removeEventListener('pointermove', move); bar.removeEventListener('pointerup', up); save(); };
    bar.addEventListener('pointermove', move);
    bar.addEventListener('pointerup', up);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ref]);

  const key = useCallback((axis: 'x' | 'y') => (e: RKeyboardEvent<HTMLDivElement>) => {
    const el = ref.current;
    if (!el) return;
    const prop = axis === 'x' ? '--left' : '--bottom';
    const cur = parseFloat(el.style.getPropertyValue(prop)) || (axis === 'x' ? 40 : 42);
    const d = { ArrowLeft: -2, ArrowRight: 2, ArrowUp: 2, ArrowDown: -2 }[e.key];
    if (d === undefined) return;
    e.preventDefault();
    const v = axis === 'x' ? Math.min(75, Math.max(18, cur + d)) : Math.min(80, Math.max(15, cur + d));
    el.style.setProperty(prop, `${v}%`);
    save();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ref]);

  return { drag, key };
}

function Errors() {
  const t = useT();
  const errors = useApp((s) => s.errors);
  const dismiss = useApp((s) => s.dismissError);
  if (!errors.length) return null;
  return (
    <div className="toasts" role="alert">
      {errors.map((e, i) => (
        <div key={i} className="toast">
          <b>{t('ui.error')}</b>
          <pre>{e.split('\n')[0]}</pre>
          <button type="button" className="icon-btn" aria-label={t('ui.dismiss')} onClick={() => dismiss(i)}>×</button>
        </div>
      ))}
    </div>
  );
}

const TABS: BottomTab[] = ['packets', 'flow', 'scheduler', 'bench', 'modes'];

export default function LabApp() {
  const t = useT();
  const ws = useRef<HTMLDivElement>(null);
  const preset = useApp((s) => s.preset);
  const ready = useApp((s) => s.ready);
  const tab = useApp((s) => s.bottomTab);
  const setTab = useApp((s) => s.setBottomTab);
  const { drag, key } = useSplitters(ws);
  const lab = findLab(preset);
  const title = lab ? (lab.title ?? (lab.titleKey ? t(lab.titleKey) : lab.id)) : preset ?? '';

  // The topology (xyflow) takes a while to lay out: draw it after the terminals have painted
  // their first prompt, so typing can start first.
  const [topoOn, setTopoOn] = useState(false);
  useEffect(() => {
    if (!ready || topoOn) return;
    const id = requestAnimationFrame(() => setTimeout(() => setTopoOn(true), 0));
    return () => cancelAnimationFrame(id);
  }, [ready, topoOn]);
  useEffect(() => { document.title = `${title} — ${t('app.title')}`; }, [title, t]);

  return (
    <div className="app">
      <a className="skip" href="#terminals" onClick={(e) => { e.preventDefault(); const h = useApp.getState().activeTerm; if (h) terminals.focus(h); }}>{t('ui.skip')}</a>
      <header className="header">
        <a className="brand" href="./" title={t('nav.home')}><Logo /><span>{t('app.title')}</span></a>
        <span className="header__lab">{title}</span>
        <LabBar />
        <Controls />
        <Prefs />
      </header>
      <div className="main">
      <div className="workspace" ref={ws}>
        <div className="area area--topo">
          {topoOn ? <Suspense fallback={<div className="loading">{t('ui.loading')}</div>}><Topology /></Suspense> : <div className="loading">{t('ui.loading')}</div>}
        </div>
        <div className="split split--v" role="separator" aria-orientation="vertical" aria-label={t('ui.resize')} tabIndex={0} onPointerDown={drag('x')} onKeyDown={key('x')} />
        <div className="area area--terms" id="terminals">
          <TerminalPane />
        </div>
        <div className="split split--h" role="separator" aria-orientation="horizontal" aria-label={t('ui.resize')} tabIndex={0} onPointerDown={drag('y')} onKeyDown={key('y')} />
        <section className="area area--bottom" aria-label={t('region.capture')}>
          <div className="tabs bottom__tabs" role="tablist">
            {TABS.map((x) => (
              <button key={x} type="button" role="tab" id={`tab-${x}`} aria-selected={tab === x} aria-controls={`panel-${x}`}
                className={`tab${tab === x ? ' tab--active' : ''}`} onClick={() => setTab(x)}>
                {t(`tab.${x}`)}
              </button>
            ))}
          </div>
          <div className="bottom__panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
            {tab === 'packets' && <CapturePane />}
            {tab === 'flow' && <div className="flowpane"><Suspense fallback={null}><FlowGraph /></Suspense><DetailPane /></div>}
            {tab === 'scheduler' && <Suspense fallback={null}><SchedulerPanel /></Suspense>}
            {tab === 'bench' && <Suspense fallback={null}><BenchPanel /></Suspense>}
            {tab === 'modes' && <Suspense fallback={null}><ModesPanel /></Suspense>}
          </div>
        </section>
      </div>
      <SideArea />
      </div>
      <Banner />
      <Errors />
    </div>
  );
}
