/**
 * Plain-data snapshots of a Lab for the page: the topology (hosts, NICs, networks) and the
 * directors' IPVS tables with the scheduler's recent decisions.
 *
 * The IPVS core keeps its table in `host.ext.ipvs`. Until its shape is final this reads it
 * duck-typed (services as an array or a Map; dests with weight/activeConns/inactConns, as the
 * kernel names them) and reports `available: false` when no director has one, so the page
 * can say "ipvsadm not installed yet" rather than show an empty table.
 */
import type { Lab } from '../core/lab/lab.ts';
import type { Host } from '../core/net/host.ts';
import { fmtIp, fmtMac, prefixMask } from '../core/wire/types.ts';
import type { HostInfo, IpvsServiceInfo, IpvsSnapshot, SchedDecision, SegmentInfo, TopologySnapshot } from './protocol.ts';

export function topologySnapshot(lab: Lab, version: number): TopologySnapshot {
  const nets = new Map<number, Set<string>>();
  const hosts: HostInfo[] = lab.hosts.map((h) => ({
    id: h.id,
    name: h.hostname,
    role: h.role,
    powered: h.powered,
    shell: !h.ext.noShell,
    nics: [...h.devs.values()].filter((d) => d.kind !== 'loopback').map((d) => {
      if (d.segment) {
        let s = nets.get(d.segment.id);
        if (!s) nets.set(d.segment.id, (s = new Set()));
        for (const a of d.addrs) if (a.prefix < 32) s.add(`${fmtIp((a.addr & prefixMask(a.prefix)) >>> 0)}/${a.prefix}`);
      }
      return {
        id: d.id,
        name: d.name,
        mac: d.kind === 'ether' ? fmtMac(d.mac) : '',
        addrs: [...d.primaryAddrs(), ...d.addrs.filter((a) => a.secondary)].map((a) => `${fmtIp(a.addr)}/${a.prefix}`),
        segment: d.segment ? d.segment.id : null,
        up: d.up,
        carrier: d.carrier,
      };
    }),
  }));
  const segments: SegmentInfo[] = lab.segments.map((s) => ({ id: s.id, name: s.name, kind: s.kind, nets: [...(nets.get(s.id) ?? [])].sort() }));
  return { version, preset: lab.preset, segments, hosts };
}

// ---- IPVS (duck-typed until src/core/ipvs lands) ---------------------------------------------

type Any = Record<string, unknown>;

function list(x: unknown): Any[] {
  if (!x) return [];
  if (Array.isArray(x)) return x as Any[];
  if (x instanceof Map) return [...x.values()] as Any[];
  if (x instanceof Set) return [...x] as Any[];
  return [];
}

function num(...xs: unknown[]): number {
  for (const x of xs) if (typeof x === 'number') return x;
  return 0;
}

function addrText(a: unknown, port: unknown): string {
  const ip = typeof a === 'number' ? fmtIp(a) : String(a ?? '?');
  return typeof port === 'number' ? `${ip}:${port}` : ip;
}

const FWD_NAMES: Record<string, string> = { masq: 'Masq', nat: 'Masq', dr: 'Route', route: 'Route', droute: 'Route', tun: 'Tunnel', tunnel: 'Tunnel', ipip: 'Tunnel', fullnat: 'FullNat', local: 'Local' };

function fwdName(x: unknown): string {
  if (typeof x !== 'string') return String(x ?? '');
  return FWD_NAMES[x.toLowerCase()] ?? x;
}

export function ipvsTable(h: Host): IpvsServiceInfo[] | null {
  const ipvs = h.ext.ipvs as Any | undefined;
  if (!ipvs) return null;
  const table = (typeof ipvs.table === 'function' ? (ipvs.table as () => unknown).call(ipvs) : null) ?? ipvs.services ?? ipvs.svcs;
  return list(table).map((s) => {
    const fwmark = num(s.fwmark);
    const proto = fwmark ? 'FWM' : String(s.protocol ?? s.proto ?? 'TCP').toUpperCase().replace(/^6$/, 'TCP').replace(/^17$/, 'UDP');
    const sched = s.scheduler as Any | string | undefined;
    const flags: string[] = [];
    if (s.persistent || s.timeout) flags.push(`persistent ${num(s.timeout, s.persistent)}`);
    if (typeof s.flagsText === 'string' && s.flagsText) flags.push(s.flagsText);
    return {
      proto,
      addr: fwmark ? String(fwmark) : addrText(s.addr ?? s.vaddr, s.port ?? s.vport),
      sched: typeof sched === 'string' ? sched : String((sched as Any | undefined)?.name ?? s.schedName ?? s.sched ?? ''),
      flags: flags.join(' '),
      dests: list(s.dests ?? s.destinations).map((d) => ({
        addr: addrText(d.addr ?? d.daddr, d.port ?? d.dport),
        fwd: fwdName(d.fwd ?? d.forward ?? d.method ?? d.fwdMethod),
        weight: num(d.weight),
        active: num(d.activeConns, d.activeconns, d.active),
        inact: num(d.inactConns, d.inactconns, d.inact),
      })),
    };
  });
}

/**
 * Scheduler decisions, as the IPVS engine records them (`ext.ipvs.decisions` or
 * `ext.ipvs.explain`): the newest `max`, oldest first.
 */
export function ipvsDecisions(lab: Lab, max = 50): SchedDecision[] {
  const out: SchedDecision[] = [];
  for (const h of lab.hosts) {
    const ipvs = h.ext.ipvs as Any | undefined;
    if (!ipvs) continue;
    const raw = list(ipvs.decisions ?? ipvs.explain ?? ipvs.log);
    for (const d of raw.slice(-max)) {
      const cands = list(d.candidates);
      out.push({
        seq: num(d.seq, d.id),
        time: num(d.time, d.at),
        host: h.hostname,
        service: String(d.service ?? d.svc ?? ''),
        sched: String(d.sched ?? d.scheduler ?? ''),
        client: String(d.client ?? d.src ?? ''),
        chosen: d.chosen == null ? null : String(d.chosen),
        text: String(d.text ?? d.explanation ?? ''),
        candidates: cands.length ? cands.map((c) => ({ dest: String(c.dest ?? c.addr ?? ''), value: String(c.value ?? c.text ?? ''), chosen: Boolean(c.chosen) })) : undefined,
      });
    }
  }
  out.sort((a, b) => a.time - b.time || a.seq - b.seq);
  return out.slice(-max);
}

export function ipvsSnapshot(lab: Lab): IpvsSnapshot {
  const tables: Record<string, IpvsServiceInfo[]> = {};
  let available = false;
  for (const h of lab.hosts) {
    const t = ipvsTable(h);
    if (t) { tables[h.hostname] = t; available = true; }
  }
  return { tables, decisions: ipvsDecisions(lab), available };
}
