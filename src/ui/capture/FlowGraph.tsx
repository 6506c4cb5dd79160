/**
 * The flow graph (Wireshark's Statistics › Flow Graph): a lane per host, a row per frame in
 * the current view with its arrow, ports and flags. Windowed like the packet list and fed
 * from the same row cache. Clicking a row selects the frame.
 */
import { memo, useMemo } from 'react';
import type { FindingView, HostInfo, PacketRow, TopologySnapshot } from '../../worker/protocol.ts';
import { findingMark } from './PacketList.tsx';
import { useT } from '../i18n/useT.ts';
import { useApp } from '../store/index.ts';
import { DROP_COLOR, PROTO_COLOR } from '../theme.ts';
import { rowCache } from './rowCache.ts';
import { useVirtualRows } from './useVirtualRows.ts';

const ROW_H = 30;
const TIME_W = 118;
const ROLE_ORDER: Record<string, number> = { client: 0, gateway: 1, router: 2, director: 3, realserver: 4, host: 5 };

export function lanes(topo: TopologySnapshot | null): HostInfo[] {
  if (!topo) return [];
  return [...topo.hosts].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.name.localeCompare(b.name));
}

interface Geo { x: Map<number, number>; width: number; segHosts: Map<number, number[]> }

const FlowRow = memo(function FlowRow({ r, i, geo, selected, marks, lang }: { r: PacketRow | undefined; i: number; geo: Geo; selected: boolean; marks?: readonly FindingView[]; lang: 'en' | 'zh' }) {
  const style = { transform: `translateY(${i * ROW_H}px)` };
  const laneLines = [...geo.x.values()].map((x) => <line key={x} x1={x} x2={x} y1={0} y2={ROW_H} className="flow__lane" />);
  if (!r) return <div className="frow" style={style}><svg width={geo.width} height={ROW_H}>{laneLines}</svg></div>;
  const x1 = geo.x.get(r.fromHost);
  const color = r.drop ? DROP_COLOR : PROTO_COLOR[r.cls];
  let arrow = null;
  if (x1 !== undefined) {
    if (r.toHost >= 0 && geo.x.has(r.toHost)) {
      const x2 = geo.x.get(r.toHost)!;
      const dir = x2 >= x1 ? 1 : -1;
      arrow = (
        <g stroke={color} fill={color}>
          <line x1={x1} x2={x2 - dir * 6} y1={21} y2={21} strokeWidth={1.6} />
          <path d={`M${x2},21l${-dir * 7},-4v8z`} stroke="none" />
          {r.drop && <text x={x2 + dir * 6} y={25} className="flow__x" textAnchor={dir > 0 ? 'start' : 'end'}>✕</text>}
          <text x={(x1 + x2) / 2} y={13} textAnchor="middle" className="flow__label" stroke="none">{r.flow}</text>
        </g>
      );
    } else {
      // Broadcast (ARP who-has): to every other host on that network; or a frame nobody took.
      const peers = (geo.segHosts.get(r.seg) ?? []).filter((h) => h !== r.fromHost).map((h) => geo.x.get(h)!).filter((x) => x !== undefined);
      const lo = Math.min(x1, ...peers), hi = Math.max(x1, ...peers);
      arrow = (
        <g stroke={color} fill={color}>
          <line x1={lo} x2={hi} y1={21} y2={21} strokeWidth={1.4} strokeDasharray={r.drop || peers.length === 0 ? '2 3' : '5 3'} />
          {peers.map((x) => <circle key={x} cx={x} cy={21} r={2.6} stroke="none" />)}
          <circle cx={x1} cy={21} r={3.2} stroke="none" />
          {r.drop && <text x={hi + 6} y={25} className="flow__x">✕</text>}
          <text x={(lo + hi) / 2} y={13} textAnchor="middle" className="flow__label" stroke="none">{r.flow}</text>
        </g>
      );
    }
  }
  const m = findingMark(marks, lang);
  return (
    <div className={`frow${selected ? ' frow--sel' : ''}${r.drop ? ' frow--drop' : ''}${m ? (m.glyph === '⚠' ? ' frow--finding' : ' frow--fixed') : ''}`} style={style} data-no={r.no} role="row" aria-selected={selected}
      data-finding={m ? (m.glyph === '⚠' ? 'open' : 'fixed') : undefined} title={m ? m.title : r.drop ? `✕ ${r.drop}` : r.info}>
      <span className="frow__t" role="cell">{m ? <span className="finding-tag">{m.glyph}</span> : null}<b>{r.no}</b> {(r.time / 1e6).toFixed(6)}</span>
      <svg width={geo.width} height={ROW_H} role="cell" aria-label={`${r.src} → ${r.dst} ${r.flow}`}>{laneLines}{arrow}</svg>
    </div>
  );
});

export default function FlowGraph() {
  const t = useT();
  const topo = useApp((s) => s.topology);
  const count = useApp((s) => s.viewCount);
  useApp((s) => s.rowsVersion);
  const selectedNo = useApp((s) => s.selectedNo);
  const marks = useApp((s) => s.findingsByFrame);
  const lang = useApp((s) => s.lang);
  const { ref, win, onScroll } = useVirtualRows(ROW_H, count);
  const ls = useMemo(() => lanes(topo), [topo]);
  const width = Math.max(420, (ref.current?.clientWidth ?? 800) - TIME_W - 14);
  const geo = useMemo<Geo>(() => {
    const x = new Map<number, number>();
    const step = width / Math.max(1, ls.length);
    ls.forEach((h, i) => x.set(h.id, Math.round(step * (i + 0.5))));
    const segHosts = new Map<number, number[]>();
    for (const h of ls) for (const n of h.nics) if (n.segment !== null) {
      const l = segHosts.get(n.segment) ?? [];
      if (!l.includes(h.id)) l.push(h.id);
      segHosts.set(n.segment, l);
    }
    return { x, width, segHosts };
  }, [ls, width]);

  const rows = [];
  for (let i = win.first; i < win.last; i++) {
    const r = rowCache.get(i);
    rows.push(<FlowRow key={i % 512} i={i} r={r} geo={geo} selected={r !== undefined && r.no === selectedNo} marks={r ? marks.get(r.no) : undefined} lang={lang} />);
  }
  return (
    <div className="flow" role="table" aria-label={t('region.flow')}>
      <div className="flow__head" role="row">
        <span className="frow__t" role="columnheader">{t('cap.col.no')} · {t('cap.col.time')}</span>
        <div className="flow__hosts" style={{ width: geo.width }}>
          {ls.map((h) => <span key={h.id} role="columnheader" className={`flow__host flow__host--${h.role}`} style={{ left: geo.x.get(h.id) }}>{h.name}<small>{h.nics[0]?.addrs[0]?.split('/')[0] ?? ''}</small></span>)}
        </div>
      </div>
      <div className="flow__scroll" ref={ref} onScroll={onScroll}
        onClick={(e) => { const el = (e.target as Element).closest<HTMLElement>('[data-no]'); if (el) useApp.getState().select(Number(el.dataset.no)); }}>
        <div className="flow__spacer" style={{ height: count * ROW_H }}>{rows}</div>
        {count === 0 && <p className="plist__empty">{t('flow.empty')}</p>}
      </div>
    </div>
  );
}
