/**
 * keepalived on the topology: on a director's node the VRRP state of each instance
 * (MASTER / BACKUP / FAULT), its priority and its VIPs (marked when they are on this host
 * now); on a real server's node the health checkers' verdict, per director checking it
 * (up/down and the last check's result). Read from the store's keepalived snapshot, which
 * the worker sends when it changes — so a failover shows as soon as lvs2 enters MASTER.
 */
import { memo, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CheckInfo } from '../../worker/keepalivedTypes.ts';
import { useT } from '../i18n/useT.ts';
import { useApp } from '../store/index.ts';
import './keepalived.css';

/** The VIP addresses (without prefix) a host holds as a VRRP master. */
export function useVipsHere(host: string): ReadonlySet<string> {
  const vips = useApp(useShallow((s) => {
    const k = s.keepalived.hosts[host];
    return k ? k.vrrp.filter((v) => v.vipsSet).flatMap((v) => v.vips.map((x) => x.split('/')[0])) : [];
  }));
  return useMemo(() => new Set(vips), [vips]);
}

export const VrrpBadge = memo(function VrrpBadge({ host }: { host: string }) {
  const t = useT();
  const k = useApp((s) => s.keepalived.hosts[host]);
  if (!k || (k.vrrp.length === 0 && k.checks.length === 0)) return null;
  return (
    <div className="ka" data-keepalived={host}>
      {k.vrrp.map((v) => (
        <div key={v.name} className={`ka__vrrp ka__vrrp--${v.state.toLowerCase()}`} data-vrrp-state={v.state} data-instance={v.name}
          title={t('ka.vrrpTitle', { name: v.name, vrid: v.vrid, iface: v.iface, master: v.master ?? '—' })}>
          <span className="ka__state">{v.state}</span>
          <span className="ka__prio">{t('ka.prio', { p: v.priority })}</span>
          <span className="ka__vips">
            {v.vips.map((ip) => (
              <span key={ip} className={`ka__vip${v.vipsSet ? ' ka__vip--here' : ''}`}>{v.vipsSet ? '● ' : '○ '}{ip.replace(/\/32$/, '')}</span>
            ))}
          </span>
        </div>
      ))}
      {k.checks.length > 0 && <div className="ka__checks muted">{t('ka.checking', { n: k.checks.filter((c) => c.alive).length, total: k.checks.length })}</div>}
    </div>
  );
});

interface Verdict { readonly director: string; readonly c: CheckInfo }

/** The checkers' verdict on a real server, one line per director checking one of its addresses. */
export const CheckerBadges = memo(function CheckerBadges({ host, addrs }: { host: string; addrs: readonly string[] }) {
  const t = useT();
  const hosts = useApp((s) => s.keepalived.hosts);
  const verdicts = useMemo(() => {
    const mine = new Set(addrs.map((a) => a.split('/')[0]));
    const out: Verdict[] = [];
    for (const [director, k] of Object.entries(hosts)) for (const c of k.checks) if (mine.has(c.rs.split(':')[0])) out.push({ director, c });
    return out;
  }, [hosts, addrs]);
  if (!verdicts.length) return null;
  return (
    <ul className="ka ka--rs" data-checked={host}>
      {verdicts.map(({ director, c }) => (
        <li key={`${director}${c.vs}${c.rs}`} className={`ka__check ka__check--${c.alive ? 'up' : 'down'}`} data-check={c.alive ? 'up' : 'down'}
          title={`${c.vs} → ${c.rs}: ${c.inIpvs ? t('ka.inIpvs', { w: c.weight }) : t('ka.notInIpvs')}`}>
          <span className="ka__mark" aria-hidden="true">{c.alive ? '✓' : '✕'}</span>
          <span className="ka__who">{director}</span>
          <span>{c.kind || t('ka.noCheck')}</span>
          <span className="ka__last">{c.last ?? t('ka.notYet')}</span>
        </li>
      ))}
    </ul>
  );
});
