/**
 * Plain-data snapshots of a Lab for the page: the topology (hosts, NICs, networks) and the
 * directors' IPVS tables with the scheduler's recent decisions.
 *
 * `available: false` when no host has IPVS loaded, so the page can say "ipvsadm is not set
 * up yet" rather than show an empty table.
 */
import type { Lab } from '../core/lab/lab.ts';
import type { Host } from '../core/net/host.ts';
import { fmtIp, fmtMac, prefixMask } from '../core/wire/types.ts';
import type { HostInfo, IpvsServiceInfo, IpvsSnapshot, SchedDecision, SegmentInfo, TopologySnapshot } from './protocol.ts';

export function topologySnapshot(lab: Lab, version: number): TopologySnapshot {
  const nets = new Map<number, Set<string>>();
  const hosts: HostInfo[] = lab.hosts.map((h) => ({
    id: h.id,
    // The lab's name for the machine (what terminals and topology edits use), even after hostnamectl.
    name: (h.ext.labName as string | undefined) ?? h.hostname,
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

// ---- IPVS ------------------------------------------------------------------------------------------
//
// The IPVS core (src/core/ipvs/ipvs.ts) attaches an `Ipvs` to `host.ext.ipvs` while the
// ip_vs module is loaded; its read side for UIs is `services()` and `decisions()`. It is
// read duck-typed here so the page keeps working whatever state that module is in.

type Any = Record<string, unknown>;

function list(x: unknown): Any[] {
  if (!x) return [];
  if (Array.isArray(x)) return x as Any[];
  if (x instanceof Map) return [...x.values()] as Any[];
  if (x instanceof Set) return [...x] as Any[];
  return [];
}

function call(o: Any, name: string): unknown {
  const f = o[name];
  return typeof f === 'function' ? (f as () => unknown).call(o) : f;
}

function num(...xs: unknown[]): number {
  for (const x of xs) if (typeof x === 'number') return x;
  return 0;
}

function addrText(a: unknown, port: unknown): string {
  const ip = typeof a === 'number' ? fmtIp(a) : String(a ?? '?');
  return typeof port === 'number' ? `${ip}:${port}` : ip;
}

/** ipvsadm's names for the forwarding methods (IP_VS_CONN_F_MASQ = 0 … FULLNAT = 5). */
const FWD_NAMES = ['Masq', 'Local', 'Tunnel', 'Route', 'Bypass', 'FullNat'];

const PROTO_NAMES: Record<number, string> = { 6: 'TCP', 17: 'UDP', 132: 'SCTP' };

export function ipvsTable(h: Host): IpvsServiceInfo[] | null {
  const ipvs = h.ext.ipvs as Any | undefined;
  if (!ipvs) return null;
  return list(call(ipvs, 'services')).map((s) => {
    const fwmark = num(s.fwmark);
    const flags: string[] = [];
    const persistent = (num(s.flags) & 1) !== 0;
    if (persistent) flags.push(`persistent ${num(s.timeout)}`);
    return {
      proto: fwmark ? 'FWM' : PROTO_NAMES[num(s.protocol)] ?? String(s.protocol),
      addr: fwmark ? String(fwmark) : addrText(s.addr, s.port),
      sched: String(s.schedName ?? (s.sched as Any | null)?.name ?? ''),
      flags: flags.join(' '),
      dests: list(s.dests).map((d) => ({
        addr: addrText(d.addr, d.port),
        fwd: typeof d.fwd === 'number' ? FWD_NAMES[d.fwd] ?? String(d.fwd) : String(d.fwd ?? ''),
        weight: num(d.weight),
        active: num(d.activeConns),
        inact: num(d.inactConns),
      })),
    };
  });
}

/** The IPVS engine's scheduling decisions (newest `max`, oldest first), with the numbers compared. */
export function ipvsDecisions(lab: Lab, max = 50): SchedDecision[] {
  const out: SchedDecision[] = [];
  for (const h of lab.hosts) {
    const ipvs = h.ext.ipvs as Any | undefined;
    if (!ipvs) continue;
    for (const d of list(call(ipvs, 'decisions')).slice(-max)) {
      const r = d.sched as Any | null;
      const steps = list(r?.steps);
      const schedText = typeof r?.text === 'string' ? r.text : null;
      out.push({
        seq: num(d.connId),
        time: num(d.time),
        host: h.hostname,
        service: String(d.service ?? ''),
        sched: schedText ? schedText.split(':')[0] : 'persistence',
        client: String(d.client ?? ''),
        chosen: d.dest == null ? null : String(d.dest),
        text: schedText ? schedText + (d.template ? `  (${String(d.template)})` : '') : String(d.text ?? ''),
        candidates: steps.length ? steps.map((c) => ({
          dest: String(c.dest ?? ''),
          value: [c.value, c.note].filter((x) => typeof x === 'string' && x).join(' — ') || `w=${num(c.weight)} act=${num(c.active)} inact=${num(c.inactive)}`,
          chosen: c.note === 'chosen' || c.dest === d.dest,
        })) : undefined,
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
