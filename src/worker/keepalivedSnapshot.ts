/**
 * What the page shows of keepalived: per host running it, the VRRP state of each instance
 * (MASTER / BACKUP / FAULT, priority, VIPs and whether they are set here) and the health
 * checker's verdict on each real server (up/down, the last check's result). Read from
 * `keepalivedOf(host)?.status()`; hosts where keepalived is not running are absent.
 * Small and sent only when it changed (the engine compares the JSON).
 */
import type { Lab } from '../core/lab/lab.ts';
import { keepalivedOf } from '../core/keepalived/daemon.ts';
import type { KeepalivedHostInfo, KeepalivedSnapshot } from './keepalivedTypes.ts';

export function keepalivedSnapshot(lab: Lab): KeepalivedSnapshot {
  const hosts: Record<string, KeepalivedHostInfo> = {};
  for (const h of lab.hosts) {
    if (!h.powered) continue;
    const k = keepalivedOf(h);
    if (!k) continue;
    const s = k.status();
    hosts[(h.ext.labName as string | undefined) ?? h.hostname] = {
      vrrp: s.vrrp.map((v) => ({
        name: v.name, state: v.state, priority: v.priority, basePriority: v.basePriority, vrid: v.vrid, iface: v.iface,
        vips: v.vips, vipsSet: v.vipsSet, master: v.master,
      })),
      checks: s.virtualServers.flatMap((vs) => vs.realServers.map((rs) => {
        const c = rs.checkers[0];
        // The server's verdict follows its checkers; `last` is the most recent of them.
        const latest = [...rs.checkers].sort((a, b) => (b.lastAt ?? -1) - (a.lastAt ?? -1))[0];
        return {
          vs: vs.label, rs: rs.addr, alive: rs.alive, inIpvs: rs.inIpvs, weight: rs.weight, kind: c?.kind ?? '',
          last: latest?.last ?? null, lastAt: latest?.lastAt ?? null,
        };
      })),
    };
  }
  return { hosts };
}
