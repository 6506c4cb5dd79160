/**
 * The packet list: Wireshark's columns, one fixed-height row per frame, windowed (only the
 * rows in view exist in the DOM), coloured by protocol, dropped frames marked. Arrow keys,
 * Page Up/Down, Home and End move the selection when the list has focus.
 */
import { memo, useCallback, useEffect, type KeyboardEvent } from 'react';
import type { FindingView, PacketRow } from '../../worker/protocol.ts';
import { useT } from '../i18n/useT.ts';
import { labClient } from '../labClient.ts';
import { useApp } from '../store/index.ts';
import { rowCache } from './rowCache.ts';
import { useVirtualRows } from './useVirtualRows.ts';

export const ROW_H = 22;
/** More than the rows ever in the window at once. */
const SLOTS = 512;

/** How a row marked by the detector looks: open problem, or one the lab no longer has. */
export function findingMark(fs: readonly FindingView[] | undefined, lang: 'en' | 'zh'): { cls: string; title: string; glyph: string } | null {
  if (!fs?.length) return null;
  const open = fs.filter((f) => !f.resolved);
  const f = open[0] ?? fs[0];
  return { cls: open.length ? ' prow--finding' : ' prow--fixed', title: `${open.length ? '⚠' : '✓'} ${f.title[lang]}`, glyph: open.length ? '⚠' : '✓' };
}

const Row = memo(function Row({ r, i, selected, marks, lang }: { r: PacketRow | undefined; i: number; selected: boolean; marks?: readonly FindingView[]; lang: 'en' | 'zh' }) {
  const style = { transform: `translateY(${i * ROW_H}px)` };
  if (!r) return <div className="prow prow--empty" role="row" aria-rowindex={i + 2} style={style} />;
  const m = findingMark(marks, lang);
  return (
    <div role="row" aria-rowindex={i + 2} aria-selected={selected} data-no={r.no} data-finding={m ? (m.glyph === '⚠' ? 'open' : 'fixed') : undefined}
      className={`prow prow--${r.cls}${r.drop ? ' prow--drop' : ''}${m ? m.cls : ''}${selected ? ' prow--sel' : ''}`} style={style}
      title={m ? m.title : r.drop ? `✕ ${r.drop}` : undefined}>
      <span role="cell" className="c-no">{r.no}</span>
      <span role="cell" className="c-time">{(r.time / 1e6).toFixed(6)}</span>
      <span role="cell" className="c-src">{r.src}</span>
      <span role="cell" className="c-dst">{r.dst}</span>
      <span role="cell" className="c-proto">{r.protocol}</span>
      <span role="cell" className="c-len">{r.length}</span>
      <span role="cell" className="c-info">{m ? <b className="finding-tag">{m.glyph}</b> : null}{r.drop ? <b className="drop-tag">✕</b> : null}{r.info}</span>
    </div>
  );
});

export default function PacketList() {
  const t = useT();
  const count = useApp((s) => s.viewCount);
  useApp((s) => s.rowsVersion);
  const selectedNo = useApp((s) => s.selectedNo);
  const revealNo = useApp((s) => s.revealNo);
  const total = useApp((s) => s.status?.frames ?? 0);
  const filtered = useApp((s) => s.appliedFilter !== '');
  const marks = useApp((s) => s.findingsByFrame);
  const lang = useApp((s) => s.lang);
  const { ref, win, onScroll, scrollToIndex } = useVirtualRows(ROW_H, count, ROW_H);

  // Something else (the animation, the flow graph, step back) selected a frame: show it.
  useEffect(() => {
    if (revealNo === null) return;
    let gone = false;
    void labClient().ask({ q: 'indexOf', no: revealNo }).then((i) => {
      if (gone) return;
      if (i >= 0) scrollToIndex(i);
      useApp.getState().revealed();
    });
    return () => { gone = true; };
  }, [revealNo, scrollToIndex]);

  const move = useCallback((delta: number | 'home' | 'end') => {
    const st = useApp.getState();
    if (st.viewCount === 0) return;
    let idx = -1;
    for (let i = win.first; i < win.last; i++) if (rowCache.get(i)?.no === st.selectedNo) { idx = i; break; }
    const target = delta === 'home' ? 0 : delta === 'end' ? st.viewCount - 1
      : Math.max(0, Math.min(st.viewCount - 1, (idx < 0 ? (delta > 0 ? win.first + 11 : win.last - 13) : idx) + delta));
    scrollToIndex(target);
    const r = rowCache.get(target);
    if (r) st.select(r.no);
    else {
      rowCache.ensure(target, target + 1, st.viewCount);
      const off = useApp.subscribe(() => { const x = rowCache.get(target); if (x) { off(); useApp.getState().select(x.no); } });
    }
  }, [win, scrollToIndex]);

  const onKey = useCallback((e: KeyboardEvent) => {
    const page = Math.max(1, Math.floor(win.height / ROW_H) - 1);
    const k: Record<string, number | 'home' | 'end'> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: 'home', End: 'end' };
    if (e.key in k) { e.preventDefault(); move(k[e.key]); }
  }, [move, win.height]);

  const rows = [];
  for (let i = win.first; i < win.last; i++) {
    const r = rowCache.get(i);
    // Keyed by slot, not by index: scrolling reuses the rows' DOM nodes instead of making new ones.
    rows.push(<Row key={i % SLOTS} i={i} r={r} selected={r !== undefined && r.no === selectedNo} marks={r ? marks.get(r.no) : undefined} lang={lang} />);
  }

  return (
    <div className="plist" role="table" aria-label={t('region.packets')} aria-rowcount={count + 1}>
      <div className="plist__scroll" ref={ref} onScroll={onScroll} tabIndex={0} onKeyDown={onKey} role="rowgroup"
        onClick={(e) => {
          const row = (e.target as HTMLElement).closest<HTMLElement>('[data-no]');
          if (row) useApp.getState().select(Number(row.dataset.no));
        }}>
        <div className="prow prow--head" role="row" aria-rowindex={1}>
          <span role="columnheader" className="c-no">{t('cap.col.no')}</span>
          <span role="columnheader" className="c-time">{t('cap.col.time')}</span>
          <span role="columnheader" className="c-src">{t('cap.col.src')}</span>
          <span role="columnheader" className="c-dst">{t('cap.col.dst')}</span>
          <span role="columnheader" className="c-proto">{t('cap.col.proto')}</span>
          <span role="columnheader" className="c-len">{t('cap.col.len')}</span>
          <span role="columnheader" className="c-info">{t('cap.col.info')}</span>
        </div>
        <div className="plist__spacer" style={{ height: count * ROW_H }}>{rows}</div>
        {count === 0 && <p className="plist__empty">{total > 0 && filtered ? t('cap.emptyFiltered') : t('cap.empty')}</p>}
      </div>
    </div>
  );
}
