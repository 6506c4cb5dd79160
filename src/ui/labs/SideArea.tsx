/**
 * Where the side panel goes: to the right of the lab, full height, resizable (drag or arrow
 * keys on its splitter; the width is kept in localStorage). The panel itself is a lazy chunk
 * and is only fetched once the lab is up.
 */
import { lazy, Suspense, useCallback, useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useApp } from '../store/index.ts';

const SidePanel = lazy(() => import('./SidePanel.tsx'));
const KEY = 'lvs-lab.sideWidth';

function clampW(px: number): number { return Math.round(Math.min(Math.max(px, 300), Math.max(320, window.innerWidth * 0.55))); }

export default function SideArea() {
  const zh = useApp((s) => s.lang === 'zh');
  const open = useApp((s) => s.sideOpen);
  const ready = useApp((s) => s.ready);
  const ref = useRef<HTMLDivElement>(null);
  // The panel comes after the first prompt and the topology: typing first.
  const [late, setLate] = useState(false);
  useEffect(() => {
    if (!ready || late) return;
    const ric = (globalThis as { requestIdleCallback?: (f: () => void, o?: { timeout: number }) => number }).requestIdleCallback;
    let id = 0;
    if (ric) ric(() => setLate(true), { timeout: 1200 }); else id = window.setTimeout(() => setLate(true), 400);
    return () => clearTimeout(id);
  }, [ready, late]);
  useEffect(() => {
    const w = Number(localStorage.getItem(KEY));
    if (w > 0) ref.current?.style.setProperty('--side', `${clampW(w)}px`);
  }, [open]);
  const save = () => { const w = ref.current?.getBoundingClientRect().width; if (w) try { localStorage.setItem(KEY, String(Math.round(w))); } catch { /* full */ } };
  const drag = useCallback((e: PointerEvent<HTMLDivElement>) => {
    const bar = e.currentTarget;
    bar.setPointerCapture(e.pointerId);
    const move = (ev: globalThis.PointerEvent) => ref.current?.style.setProperty('--side', `${clampW(window.innerWidth - ev.clientX)}px`);
    const up = () => { bar.removeEventListener('pointermove', move); bar.removeEventListener('pointerup', up); save(); };
    bar.addEventListener('pointermove', move);
    bar.addEventListener('pointerup', up);
  }, []);
  const key = (e: KeyboardEvent<HTMLDivElement>) => {
    const d = { ArrowLeft: 24, ArrowRight: -24 }[e.key];
    if (d === undefined || !ref.current) return;
    e.preventDefault();
    ref.current.style.setProperty('--side', `${clampW(ref.current.getBoundingClientRect().width + d)}px`);
    save();
  };
  if (!open) return null;
  return (
    <>
      <div className="split split--side" role="separator" aria-orientation="vertical" aria-label={zh ? '调整指导面板宽度' : 'Resize the guide panel'} tabIndex={0} onPointerDown={drag} onKeyDown={key} />
      <div className="sidearea" ref={ref}>
        {late ? <Suspense fallback={null}><SidePanel /></Suspense> : null}
      </div>
    </>
  );
}
