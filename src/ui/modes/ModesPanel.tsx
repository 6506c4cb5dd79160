/**
 * The four modes side by side: one `curl VIP` through NAT, DR, TUN and FULLNAT, each in a
 * lab of its own built and configured by script in the auxiliary worker (src/labs/modes.ts).
 * Four flow diagrams in step — a band per TCP segment of the exchange, as tall as the mode
 * with the most hops needs — and, for the segment picked in any of them, a per-hop table
 * where only the fields the director changed are highlighted. Under each diagram, what the
 * real server's access log records (FULLNAT: with and without the TOA module).
 */
import { memo, useEffect, useMemo } from 'react';
import { create } from 'zustand';
import type { ModeResult, ModesComparison } from '../../labs/modes.ts';
import { Expandable } from '../aux/Expandable.tsx';
import { auxClient } from '../aux/auxClient.ts';
import { useT, type TFn } from '../i18n/useT.ts';
import type { MsgKey } from '../i18n/dict.ts';
import { PROTO_COLOR } from '../theme.ts';
import { bands, hopRows, TABLE_FIELDS, type CellField } from './modesTable.ts';
import { useWidth } from '../bench/Chart.tsx';
import '../bench/bench.css';
import './modes.css';

interface ModesState {
  result: ModesComparison | null;
  loading: boolean;
  error: string | null;
  key: string;
  load(): void;
  select(key: string): void;
}

export const useModes = create<ModesState>()((set, get) => ({
  result: null,
  loading: false,
  error: null,
  key: 'c:SYN',
  load: () => {
    if (get().result || get().loading) return;
    set({ loading: true, error: null });
    const r = auxClient().request((id) => ({ t: 'modes', id }), (m) => {
      if (m.t !== 'modes') return;
      r.off();
      set({ loading: false, result: m.result, error: m.error ?? null });
    });
  },
  select: (key) => set({ key }),
}));

const ROW_H = 15;
const HEAD_H = 40;

const FWD_FLAG: Record<string, string> = { nat: '-m', dr: '-g', tun: '-i', fullnat: '--fullnat' };

function Diagram(props: { r: ModeResult; layout: ReturnType<typeof bands>; sel: string; onPick: (k: string) => void }) {
  const [ref, width] = useWidth();
  return <div ref={ref} className="mcard__diag">{width > 0 && <DiagramSvg {...props} width={width} />}</div>;
}

const DiagramSvg = memo(function DiagramSvg({ r, layout, sel, onPick, width }: {
  r: ModeResult; layout: ReturnType<typeof bands>; sel: string; onPick: (k: string) => void; width: number;
}) {
  const n = r.lanes.length;
  // Room for the outer lanes' names and addresses (centred on the lane).
  const pad = Math.min(46, width / (n + 0.5));
  const x = (name: string) => {
    const i = r.lanes.findIndex((l) => l.name === name);
    return pad + (i * (width - 2 * pad)) / Math.max(1, n - 1);
  };
  const total = layout.reduce((a, b) => a + b.rows, 0);
  const h = HEAD_H + total * ROW_H + 6;
  return (
    <svg width={width} height={h} className="mdiag" role="img" aria-label={`${r.mode} flow`}>
      {r.lanes.map((l, i) => (
        <g key={l.name} transform={`translate(${x(l.name)},0)`}>
          <text y={11} textAnchor="middle" className={`mdiag__host mdiag__host--${l.role}`}>{l.name}</text>
          {/* Addresses alternate between two lines when the lanes are too close for them side by side. */}
          <text y={(width - 2 * pad) / Math.max(1, n - 1) < 92 && i % 2 ? 33 : 23} textAnchor="middle" className="mdiag__addr">{l.addr}</text>
          <line y1={HEAD_H - 4} y2={h} className="mdiag__lane" />
        </g>
      ))}
      {layout.map((b) => {
        const p = r.packets.find((q) => q.key === b.key);
        const y0 = HEAD_H + b.start * ROW_H;
        const on = b.key === sel;
        return (
          <g key={b.key} className={`mband${on ? ' mband--sel' : ''}`} data-key={b.key} onClick={() => onPick(b.key)}>
            <rect x={0} y={y0} width={width} height={b.rows * ROW_H} className="mband__bg" />
            <line x1={0} x2={width} y1={y0} y2={y0} className="mband__sep" />
            {p?.hops.map((hop, i) => {
              const x1 = x(hop.from), x2 = x(hop.to);
              const y = y0 + i * ROW_H + ROW_H / 2 + 1;
              const dir = x2 >= x1 ? 1 : -1;
              const color = PROTO_COLOR[hop.cls];
              const chg = hop.changed.length > 0;
              return (
                <g key={hop.no} stroke={color} fill={color}>
                  <title>{`${p.label}: ${hop.from} → ${hop.to} (${hop.seg})${chg ? ` — ${hop.changed.join(', ')}` : ''}`}</title>
                  <line x1={x1} x2={x2 - dir * 6} y1={y} y2={y} strokeWidth={chg ? 2.4 : 1.4} />
                  <path d={`M${x2},${y}l${-dir * 7},-3.5v7z`} stroke="none" />
                  {chg && <circle cx={x1 + dir * 7} cy={y} r={3.3} className="mdiag__chg" />}
                </g>
              );
            })}
          </g>
        );
      })}
    </svg>
  );
});

const FIELD_KEY: Record<CellField, MsgKey> = {
  hop: 'modes.col.hop', macSrc: 'modes.col.macSrc', macDst: 'modes.col.macDst', outer: 'modes.col.outer', srcIp: 'modes.col.srcIp',
  dstIp: 'modes.col.dstIp', sport: 'modes.col.sport', dport: 'modes.col.dport', toa: 'modes.col.toa',
};

function HopTable({ c, sel, t }: { c: ModesComparison; sel: string; t: TFn }) {
  const rows = useMemo(() => hopRows(c, sel), [c, sel]);
  const label = bands(c).find((b) => b.key === sel)?.label ?? sel;
  return (
    <div className="mtable__wrap">
      <table className="mtable" aria-label={t('modes.table', { packet: label })} data-packet={sel}>
        <caption>{t('modes.table', { packet: label })}</caption>
        <thead><tr><th>{t('modes.col.mode')}</th>{TABLE_FIELDS.map((f) => <th key={f}>{t(FIELD_KEY[f])}</th>)}</tr></thead>
        <tbody>
          {c.modes.map((r) => {
            const mine = rows.filter((x) => x.mode === r.mode);
            if (!mine.length) return <tr key={r.mode} data-mode={r.mode}><th className="mtable__mode">{r.mode.toUpperCase()}</th><td colSpan={TABLE_FIELDS.length} className="muted">{t('modes.notThere')}</td></tr>;
            return mine.map((row, i) => (
              <tr key={`${r.mode}${row.no}`} data-mode={r.mode} className={`${i === 0 ? 'mtable__first' : ''}${row.byDirector ? ' mtable__dir' : ''}`}>
                {i === 0 && <th rowSpan={mine.length} className="mtable__mode">{r.mode.toUpperCase()}</th>}
                {row.cells.map((cell) => (
                  <td key={cell.field} data-field={cell.field} className={cell.changed ? 'chg' : undefined}>
                    {cell.text}{cell.note ? <small>{cell.note === 'laddr' ? t('modes.laddr') : cell.note}</small> : null}
                  </td>
                ))}
              </tr>
            ));
          })}
        </tbody>
      </table>
    </div>
  );
}

function Footer({ r, t }: { r: ModeResult; t: TFn }) {
  const client = r.accessLog.split(' ')[0];
  return (
    <div className="mcard__foot">
      <div><span className="muted">{t('modes.logs', { server: r.server })}</span> <code className="mcard__log" data-testid={`log-${r.mode}`}>{client}</code></div>
      {r.laddrs && <div><span className="muted">{t('modes.pool')}</span> <code>{r.laddrs.join(', ') || '—'}</code></div>}
      {r.toa && (
        <div className="mcard__toa">
          <span className="muted">{t('modes.toaCarried')}</span> <code>{r.toa.carried ?? '—'}</code><br />
          <span className="muted">{t('modes.withoutToa')}</span> <code>{client}</code><br />
          <span className="muted">{t('modes.withToa')}</span> <code data-testid="log-fullnat-toa">{r.toa.accessLogWithToa.split(' ')[0]}</code>
          <small className="muted"> {t('modes.toaDerived')}</small>
        </div>
      )}
    </div>
  );
}

export default function ModesPanel() {
  const t = useT();
  const { result, loading, error, key, load, select } = useModes();
  useEffect(() => { load(); }, [load]);
  const layout = useMemo(() => (result ? bands(result) : []), [result]);
  const idx = layout.findIndex((b) => b.key === key);
  const step = (d: number) => { const b = layout[Math.min(layout.length - 1, Math.max(0, idx + d))]; if (b) select(b.key); };
  const cur = layout[idx];
  return (
    <Expandable label={t('region.modes')} className="modes">
      {(expand) => (
        <>
          <header className="modes__bar">
            <h2 className="modes__h">{t('modes.heading')}</h2>
            {result && (
              <span className="modes__step" role="group" aria-label={t('modes.step')}>
                <button type="button" className="btn btn--small" onClick={() => step(-1)} disabled={idx <= 0} aria-label={t('modes.prev')}>◀</button>
                <select className="bi" value={key} onChange={(e) => select(e.target.value)} aria-label={t('modes.packet')}>
                  {layout.map((b, i) => <option key={b.key} value={b.key}>{i + 1}. {b.dir === 'c' ? '→' : '←'} {b.label}</option>)}
                </select>
                <button type="button" className="btn btn--small" onClick={() => step(1)} disabled={idx >= layout.length - 1} aria-label={t('modes.next')}>▶</button>
              </span>
            )}
            <span className="bench__spacer" />
            {expand}
          </header>
          <p className="bench__explain muted">{t('modes.explain')}</p>
          {loading && <p className="muted modes__msg">{t('modes.loading')}</p>}
          {error && <p className="modes__msg modes__err">{error}</p>}
          {result && (
            <div className="modes__body">
              <div className="modes__diagrams">
              <div className="modes__grid">
                <div className="mgutter" aria-hidden="true">
                  <div style={{ height: HEAD_H }} />
                  {layout.map((b) => (
                    <div key={b.key} className={`mgutter__b${b.key === key ? ' mgutter__b--sel' : ''}`} style={{ height: b.rows * ROW_H }} onClick={() => select(b.key)}>
                      <span>{b.dir === 'c' ? '→' : '←'} {b.label}</span>
                    </div>
                  ))}
                </div>
                {result.modes.map((r) => {
                  const inn = new Set<string>(), out = new Set<string>();
                  for (const p of r.packets) for (const h of p.hops) for (const f of h.changed) (p.dir === 'c' ? inn : out).add(f);
                  return (
                    <section key={r.mode} className="mcard" data-mode={r.mode} aria-label={r.mode.toUpperCase()}>
                      <header className="mcard__head">
                        <b>{r.mode.toUpperCase()}</b> <code className="muted">{FWD_FLAG[r.mode]} · {r.fwd}</code>
                        <div className="mcard__sum">
                          <span>{t('modes.in')}: {[...inn].map((f) => <em key={f}>{t(FIELD_KEY[f as CellField])}</em>)}</span>
                          <span>{t('modes.out')}: {out.size ? [...out].map((f) => <em key={f}>{t(FIELD_KEY[f as CellField])}</em>) : <i className="muted">{t('modes.bypass')}</i>}</span>
                        </div>
                      </header>
                      <Diagram r={r} layout={layout} sel={key} onPick={select} />
                      <Footer r={r} t={t} />
                    </section>
                  );
                })}
              </div>
              </div>
              {cur && <HopTable c={result} sel={key} t={t} />}
            </div>
          )}
        </>
      )}
    </Expandable>
  );
}
