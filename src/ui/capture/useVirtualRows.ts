/**
 * Windowing for fixed-height rows (our own, no library): which rows are in view of a
 * scrolling element, rows fetched ahead of the scroll, and "follow the tail" while the user
 * sits at the bottom (Wireshark's auto-scroll during a live capture). Browsers cap an
 * element's height (~33 M px in Chromium); the 200,000-frame capture ring stays far below.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { labClient } from '../labClient.ts';
import { useApp } from '../store/index.ts';
import { rowCache } from './rowCache.ts';

const OVERSCAN = 6;
const PREFETCH = 160;

let configured = false;
function configureCache(): void {
  if (configured) return;
  configured = true;
  rowCache.configure((from, to, gen) => labClient().ask({ q: 'rows', from, to, gen }), () => useApp.getState().rowsArrived());
}

export interface Window { first: number; last: number; height: number }

/** `offset`: height of a sticky header inside the scrolling element, above row 0. */
export function useVirtualRows(rowH: number, count: number, offset = 0) {
  configureCache();
  const ref = useRef<HTMLDivElement>(null);
  const [win, setWin] = useState<Window>({ first: 0, last: 40, height: 600 });
  const stick = useRef(true);
  const raf = useRef(0);
  const countRef = useRef(count);
  countRef.current = count;

  const measure = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    const h = el.clientHeight;
    const first = Math.max(0, Math.floor((el.scrollTop - offset) / rowH) - OVERSCAN);
    const last = Math.min(countRef.current, Math.ceil((el.scrollTop + h - offset) / rowH) + OVERSCAN);
    stick.current = el.scrollTop + h >= el.scrollHeight - rowH * 1.5;
    setWin((w) => (w.first === first && w.last === last && w.height === h ? w : { first, last, height: h }));
    rowCache.ensure(first - PREFETCH, last + PREFETCH, countRef.current);
  }, [rowH, offset]);

  const onScroll = useCallback(() => {
    if (raf.current) return;
    raf.current = requestAnimationFrame(() => { raf.current = 0; measure(); });
  }, [measure]);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => measure());
    ro.observe(el);
    return () => { ro.disconnect(); cancelAnimationFrame(raf.current); };
  }, [measure]);

  // New rows (or the same number renumbered: a new filter, a rebuilt lab): keep following
  // the tail if the user was at the bottom, and fetch what is in view again.
  const gen = useApp((s) => s.viewGen);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (stick.current) el.scrollTop = el.scrollHeight;
    measure();
  }, [count, gen, measure]);

  const scrollToIndex = useCallback((i: number) => {
    const el = ref.current;
    if (!el) return;
    const top = offset + i * rowH;
    if (top < el.scrollTop + offset || top + rowH > el.scrollTop + el.clientHeight) {
      el.scrollTop = Math.max(0, top - offset - (el.clientHeight - offset) / 2);
      stick.current = false;
    }
    measure();
  }, [rowH, offset, measure]);

  return { ref, win, onScroll, scrollToIndex, stick };
}
