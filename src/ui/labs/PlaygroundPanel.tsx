/**
 * The scheduler playground: the 13 IPVS schedulers on a bench (src/labs/playground.ts, run
 * by the worker). Set the real servers, their weights and open connections; fire new
 * connections; each choice is shown with every server's numbers put into the notes'
 * formula, the kernel's own figure, and the server chosen. A guide step can bring its own
 * starting bench (`preset`).
 */
import { memo, useCallback, useEffect, useState } from 'react';
import type { PlaygroundPreset } from '../../labs/types.ts';
import type { Pick, SchedulerName } from '../../labs/playground.ts';
import type { PlaygroundOp, PlaygroundState } from '../../worker/protocol.ts';
import { labClient } from '../labClient.ts';
import { useBi, useL } from './text.ts';

/** "(0*256+1)/1 = 1" and "(0×256+1)/1 = 1" say the same. */
const same = (x: string) => x.replace(/[×*\s]/g, '');

const ORDER: readonly SchedulerName[] = ['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'sh', 'dh', 'mh', 'lblc', 'lblcr', 'fo', 'ovf'];

const PickView = memo(function PickView({ p }: { p: Pick }) {
  const L = useL();
  return (
    <li className="pick">
      <div className="pick__head">
        <b>#{p.n}</b> <code>{p.client}</code> → {p.chosenName ? <span className="pick__chosen">{p.chosenName}</span> : <span className="bad">{L('pg.none')}</span>}
        {p.bucket !== undefined && <span className="muted small"> · bucket {p.bucket}</span>}
      </div>
      {p.rows.length > 0 && (
        <table className="pick__rows">
          <thead><tr><th>{L('pg.name')}</th><th className="num">W</th><th className="num">Act</th><th className="num">InAct</th><th>{L('pg.formula')}</th></tr></thead>
          <tbody>
            {p.rows.map((r) => {
              // The kernel's own figure, when it says more than the formula does ("bucket 191", "weight 0 (quiesced)").
              const kernel = r.kernel && same(r.kernel) !== same(r.expr ?? '') ? r.kernel : null;
              return (
                <tr key={r.dest} className={r.chosen ? 'on' : undefined}>
                  <td>{r.chosen ? '▶ ' : ''}{r.name}</td><td className="num">{r.weight}</td><td className="num">{r.active}</td><td className="num">{r.inactive}</td>
                  <td><code>{r.expr ?? ''}</code>{kernel && <div className="pick__kernel" title={L('pg.figure')}>{L('pg.figure')}: <code>{kernel}</code></div>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div className="pick__text"><code>{p.text}</code></div>
    </li>
  );
});

export default function PlaygroundPanel({ preset, compact = false }: { preset?: PlaygroundPreset; compact?: boolean }) {
  const L = useL();
  const bi = useBi();
  const [st, setSt] = useState<PlaygroundState | null>(null);
  const [picks, setPicks] = useState<Pick[]>([]);
  const [count, setCount] = useState(preset?.fire ?? 1);
  const [keep, setKeep] = useState<'active' | 'inactive'>(preset?.keep ?? 'inactive');
  const [clients, setClients] = useState((preset?.clients ?? ['192.168.1.111']).join(', '));
  const [add, setAdd] = useState({ name: '', addr: '', weight: '1' });

  const op = useCallback(async (o: PlaygroundOp) => {
    const s = await labClient().ask({ q: 'playground', op: o });
    setSt(s);
    if (s.picks.length) setPicks((p) => [...s.picks].reverse().concat(p).slice(0, 60));
    return s;
  }, []);

  const reset = useCallback(() => { setPicks([]); void op({ op: 'reset', ...(preset ? { preset } : {}) }); }, [op, preset]);
  useEffect(() => { if (preset) reset(); else void op({ op: 'state' }); }, [preset, reset, op]);

  if (!st) return null;
  const info = st.info;
  const num = (v: string) => Math.max(0, Math.min(100000, Math.floor(Number(v) || 0)));
  return (
    <section className={`pg${compact ? ' pg--compact' : ''}`} aria-label={L('pg.title')}>
      {!compact && <>
        <h2 className="side__h">{L('pg.title')}</h2>
        <p className="muted small">{L('pg.intro')}</p>
      </>}
      <div className="pg__row">
        <label className="pg__sched">
          <span>{L('pg.scheduler')}</span>
          <select value={st.scheduler} onChange={(e) => { setPicks([]); void op({ op: 'scheduler', name: e.target.value as SchedulerName }); }}>
            {ORDER.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <span className="pg__title">{bi(info.title)} <span className="badge">{L(info.kind === 'static' ? 'pg.static' : 'pg.dynamic')}</span></span>
      </div>
      <div className="pg__info small">
        <p><b>{L('pg.kernel')}:</b> {bi(info.formula)}</p>
        {info.seed && <p className="muted"><b>{L('pg.seed')}:</b> {info.seed}</p>}
        {info.correction && <p className="pg__warn"><b>{L('pg.correction')}:</b> {bi(info.correction)}</p>}
      </div>
      <h3 className="side__h3">{L('pg.servers')}</h3>
      <table className="pg__dests">
        <thead><tr><th>{L('pg.name')}</th><th>{L('pg.weight')}</th><th>{L('pg.active')}</th><th>{L('pg.inactive')}</th>{(st.scheduler === 'fo' || st.scheduler === 'ovf') && <th>{L('pg.overloaded')}</th>}<th /></tr></thead>
        <tbody>
          {st.dests.map((d) => (
            <tr key={d.name}>
              <td title={d.addr}><b>{d.name}</b><div className="muted small"><code>{d.addr}</code></div></td>
              <td><input type="number" min={0} value={d.weight} aria-label={`${d.name} ${L('pg.weight')}`} onChange={(e) => void op({ op: 'set', name: d.name, weight: num(e.target.value) })} /></td>
              <td><input type="number" min={0} value={d.active} aria-label={`${d.name} ${L('pg.active')}`} onChange={(e) => void op({ op: 'set', name: d.name, active: num(e.target.value) })} /></td>
              <td><input type="number" min={0} value={d.inactive} aria-label={`${d.name} ${L('pg.inactive')}`} onChange={(e) => void op({ op: 'set', name: d.name, inactive: num(e.target.value) })} /></td>
              {(st.scheduler === 'fo' || st.scheduler === 'ovf') && <td><input type="checkbox" checked={d.overloaded} aria-label={`${d.name} ${L('pg.overloaded')}`} onChange={(e) => void op({ op: 'set', name: d.name, overloaded: e.target.checked })} /></td>}
              <td><button type="button" className="icon-btn" aria-label={L('pg.remove', { name: d.name })} title={L('pg.remove', { name: d.name })} onClick={() => void op({ op: 'remove', name: d.name })}>×</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="pg__add" onSubmit={(e) => {
        e.preventDefault();
        if (!add.name.trim() || !add.addr.trim()) return;
        void op({ op: 'add', name: add.name.trim(), addr: add.addr.trim(), weight: num(add.weight) }).then(() => setAdd({ name: '', addr: '', weight: '1' }));
      }}>
        <input placeholder={L('pg.name')} aria-label={L('pg.name')} value={add.name} maxLength={16} onChange={(e) => setAdd({ ...add, name: e.target.value })} />
        <input placeholder="192.168.137.210:80" aria-label={L('pg.addr')} value={add.addr} maxLength={21} onChange={(e) => setAdd({ ...add, addr: e.target.value })} />
        <input type="number" min={0} aria-label={L('pg.weight')} value={add.weight} onChange={(e) => setAdd({ ...add, weight: e.target.value })} />
        <button type="submit" className="btn btn--small">{L('pg.add')}</button>
      </form>
      {st.error && <p className="bad small" role="alert">{st.error}</p>}
      <div className="pg__fire">
        <input type="number" min={1} max={100} value={count} aria-label={L('pg.fireN')} onChange={(e) => setCount(Math.max(1, Math.min(100, Number(e.target.value) || 1)))} />
        <span>{L('pg.fireN')}</span>
        <label>{L('pg.keep')} <select value={keep} onChange={(e) => setKeep(e.target.value as 'active' | 'inactive')}>
          <option value="inactive">{L('pg.keepInactive')}</option>
          <option value="active">{L('pg.keepActive')}</option>
        </select></label>
        {['sh', 'mh', 'dh', 'lblc', 'lblcr'].includes(st.scheduler) && (
          <label className="pg__clients">{L('pg.clients')} <input value={clients} onChange={(e) => setClients(e.target.value)} /></label>
        )}
        <button type="button" className="btn btn--small btn--accent" onClick={() => void op({ op: 'fire', count, keep, clients: clients.split(/[\s,]+/).filter(Boolean) })}>{L('pg.fire')}</button>
        <button type="button" className="btn btn--small btn--ghost" onClick={() => void op({ op: 'clear' })}>{L('pg.clear')}</button>
        <button type="button" className="btn btn--small btn--ghost" onClick={reset}>{preset ? L('pg.loadStep') : L('pg.reset')}</button>
      </div>
      <h3 className="side__h3">{L('pg.picks')}</h3>
      {picks.length === 0 ? <p className="muted small">{L('pg.noPicks')}</p> : <ol className="picks">{picks.map((p) => <PickView key={`${p.n}-${p.client}`} p={p} />)}</ol>}
    </section>
  );
}
