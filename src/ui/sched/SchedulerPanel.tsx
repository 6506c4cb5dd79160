/**
 * The scheduler explained: for the director's latest connections, which real server was
 * chosen and the numbers that decided it, as the IPVS engine records them; and the formulas
 * from the course notes, in the kernel's integer arithmetic.
 */
import { useMemo } from 'react';
import { useT } from '../i18n/useT.ts';
import { useApp } from '../store/index.ts';

const FORMULAS: [string, string][] = [
  ['rr', 'next dest in turn (weight > 0)'],
  ['wrr', 'next dest in turn, each chosen weight / gcd times per cycle'],
  ['lc', 'min overhead = activeconns × 256 + inactconns'],
  ['wlc', 'min (activeconns × 256 + inactconns) / weight   (compared as a×wB > b×wA)'],
  ['sed', 'min (activeconns + 1) × 256 / weight'],
  ['nq', 'an idle dest (activeconns = 0) first, else sed'],
  ['sh / dh', 'bucket = hash(source / destination IP) mod 256 → dest'],
  ['mh', 'Maglev lookup table: hash(source) mod 251 → dest'],
  ['lblc / lblcr', 'dest last used for this destination IP, unless overloaded'],
  ['fo', 'the highest-weight dest not marked overloaded'],
  ['ovf', 'highest weight while activeconns < weight'],
];

export default function SchedulerPanel() {
  const t = useT();
  const ipvs = useApp((s) => s.ipvs);
  const topo = useApp((s) => s.topology);
  const hostOf = useMemo(() => {
    const m = new Map<string, string>();
    for (const h of topo?.hosts ?? []) for (const n of h.nics) for (const a of n.addrs) m.set(a.split('/')[0], h.name);
    return m;
  }, [topo]);
  const name = (dest: string | null) => {
    if (!dest) return '—';
    const h = hostOf.get(dest.split(':')[0]);
    return h ? `${h} (${dest})` : dest;
  };
  // The seed writes "RS1 (0*256+3)/1 = 3": real servers by name where the lab knows them.
  const named = (text: string) => text.replace(/\b(\d+\.\d+\.\d+\.\d+):(\d+)\b/g, (m, a: string) => hostOf.get(a) ?? m);
  const decisions = [...ipvs.decisions].reverse();
  return (
    <div className="sched" role="region" aria-label={t('region.scheduler')}>
      <h2 className="sched__h">{t('sched.heading')}</h2>
      {!ipvs.available ? <p className="muted">{t('sched.notAvailable')}</p>
        : decisions.length === 0 ? <p className="muted">{t('sched.none')}</p>
        : (
          <table className="sched__table">
            <thead><tr>
              <th>{t('sched.col.time')}</th><th>{t('sched.col.service')}</th><th>{t('sched.col.client')}</th><th>{t('sched.col.chosen')}</th><th>{t('sched.col.why')}</th>
            </tr></thead>
            <tbody>
              {decisions.map((d) => (
                <tr key={`${d.host}${d.seq}${d.time}`}>
                  <td className="num">{(d.time / 1e6).toFixed(6)}</td>
                  <td>{d.service} <span className="ipvs__sched">{d.sched}</span></td>
                  <td>{d.client}</td>
                  <td className="sched__chosen">{name(d.chosen)}</td>
                  <td className="sched__why"><code>{named(d.text)}</code>
                    {d.candidates && <ul className="sched__cands">{d.candidates.map((c) => <li key={c.dest} className={c.chosen ? 'on' : undefined}>{name(c.dest)}: <code>{c.value}</code></li>)}</ul>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      <details className="sched__formulas">
        <summary>{t('sched.formulas')}</summary>
        <dl>{FORMULAS.map(([k, v]) => <div key={k}><dt>{k}</dt><dd><code>{v}</code></dd></div>)}</dl>
      </details>
    </div>
  );
}
