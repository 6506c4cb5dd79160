/**
 * The four forwarding methods side by side: the same `curl VIP` through a NAT, a DR, a TUN
 * and a FULLNAT director, each in its own lab built from its preset and configured by script
 * (modeSetup.ts). For every mode the capture of that one request is decoded hop by hop, and
 * each frame the director sent is compared with the frame it received: the fields that
 * differ are the director's rewrite — what the four-mode view highlights.
 *
 * What counts as "changed by the director" (and what does not):
 *  - IP source/destination, TCP source/destination port, an outer IPv4 header (IPIP) that
 *    appeared, a TCP option TOA that appeared: compared directly.
 *  - The destination MAC only when nothing in the IP packet changed (DR: the packet goes to a
 *    real server's MAC with the VIP still as destination). Every hop puts its own source MAC
 *    and the next hop's destination MAC on a frame and decrements the TTL: that is routing,
 *    not the director's doing, so those are shown but never highlighted.
 *
 * A first request fills the ARP caches, the compared one is the second (so each lab's
 * round robin gives it to the same real server, RS1). What the real server's access log
 * records is read from its file. With Alibaba's toa module loaded, getpeername() on the real
 * server returns the address the TOA option carries instead of the director's local address;
 * the lab has no toa module, so that line is derived: the logged line with its first field
 * replaced by the TOA address the real server received (flagged `derived`).
 */
import type { Lab } from '../core/lab/lab.ts';
import { Ipvs } from '../core/ipvs/ipvs.ts';
import { parseFrame } from '../core/wire/frame.ts';
import { EtherType, IpProto, TcpFlag, fmtIp, fmtMac, type EthernetRepr, type Ipv4Repr, type TcpRepr } from '../core/wire/types.ts';
import { buildModeLab, MODE_NAMES, quietSink, type ModeName } from './modeSetup.ts';

export type HopField = 'macDst' | 'outer' | 'srcIp' | 'dstIp' | 'sport' | 'dport' | 'toa';
export const HOP_FIELDS: readonly HopField[] = ['macDst', 'outer', 'srcIp', 'dstIp', 'sport', 'dport', 'toa'];

export interface HopValues {
  readonly macSrc: string;
  readonly macDst: string;
  /** "192.168.137.100 → 192.168.137.130" for IPIP, else null. */
  readonly outer: string | null;
  readonly srcIp: string;
  readonly dstIp: string;
  readonly sport: number;
  readonly dport: number;
  readonly ttl: number;
  /** "192.168.1.111:40312" when the segment carries a TOA option. */
  readonly toa: string | null;
}

export interface ModeHop {
  /** Capture frame number in that mode's lab. */
  readonly no: number;
  /** Virtual µs since the request started. */
  readonly t: number;
  readonly from: string;
  readonly to: string;
  readonly seg: string;
  readonly cls: 'tcp' | 'http' | 'ipip';
  readonly values: HopValues;
  /** Host names owning the MAC addresses (for reading the table). */
  readonly macSrcHost: string;
  readonly macDstHost: string;
  /** Sent by the director after receiving the same packet. */
  readonly byDirector: boolean;
  /** What the director changed (empty for every other hop). */
  readonly changed: readonly HopField[];
}

/** One TCP segment of the exchange, followed across its hops. */
export interface LogicalPacket {
  /** Stable across modes: "c:SYN", "s:SYN,ACK", "c:ACK", "c:GET", "s:200", "c:FIN,ACK"… plus "#2" for repeats. */
  readonly key: string;
  /** Client → server ('c') or back ('s'). */
  readonly dir: 'c' | 's';
  /** "SYN", "GET /", "HTTP/1.1 200 OK", "FIN, ACK". */
  readonly label: string;
  readonly hops: readonly ModeHop[];
}

export interface ModeResult {
  readonly mode: ModeName;
  readonly vip: string;
  readonly fwd: string;
  /** Hosts in the order the diagram draws them. */
  readonly lanes: readonly { readonly name: string; readonly role: string; readonly addr: string }[];
  readonly packets: readonly LogicalPacket[];
  /** What curl printed. */
  readonly answer: string;
  /** The real server that answered. */
  readonly server: string;
  /** The access-log line the real server wrote for this request. */
  readonly accessLog: string;
  /** FULLNAT: the service's local address pool (`ipvsadm -G`), and the access log as toa.ko would make it. */
  readonly laddrs?: readonly string[];
  readonly toa?: { readonly carried: string | null; readonly accessLogWithToa: string; readonly derived: true };
  /** Commands of the setup script that failed (empty when all went well). */
  readonly failed: readonly string[];
}

export interface ModesComparison {
  readonly modes: readonly ModeResult[];
  /** Union of the logical packet keys, in exchange order. */
  readonly keys: readonly string[];
}

const ROLE_ORDER: Record<string, number> = { client: 0, gateway: 1, router: 2, director: 3, realserver: 4, host: 5 };

function tcpLabel(t: TcpRepr): string {
  const p = t.payload;
  if (p.length) {
    let s = '';
    for (let i = 0; i < Math.min(p.length, 40) && p[i] !== 13 && p[i] !== 10; i++) s += String.fromCharCode(p[i]);
    if (/^(GET|HEAD|POST) /.test(s)) return s.replace(/ HTTP\/1\.[01]$/, '');
    if (s.startsWith('HTTP/')) return s;
    return `data ${p.length}`;
  }
  const f: string[] = [];
  if (t.flags & TcpFlag.SYN) f.push('SYN');
  if (t.flags & TcpFlag.FIN) f.push('FIN');
  if (t.flags & TcpFlag.RST) f.push('RST');
  if (t.flags & TcpFlag.ACK) f.push('ACK');
  return f.join(', ');
}

function keyLabel(t: TcpRepr): string {
  const p = t.payload;
  if (p.length) {
    const l = tcpLabel(t);
    if (l.startsWith('HTTP/')) return l.split(' ')[1] ?? 'HTTP';
    return l.split(' ')[0];
  }
  return tcpLabel(t).replace(/, /g, ',');
}

interface Decoded { eth: EthernetRepr; outer: Ipv4Repr | null; ip: Ipv4Repr; tcp: TcpRepr }

function decode(bytes: Uint8Array): Decoded | null {
  const eth = parseFrame(bytes);
  if (eth.ethertype !== EtherType.IPv4 || eth.payload.kind !== 'ipv4') return null;
  let ip = eth.payload;
  let outer: Ipv4Repr | null = null;
  if (ip.protocol === IpProto.IPIP && ip.payload.kind === 'ipv4') { outer = ip; ip = ip.payload; }
  if (ip.payload.kind !== 'tcp') return null;
  return { eth, outer, ip, tcp: ip.payload };
}

function valuesOf(d: Decoded): HopValues {
  const toa = d.tcp.options.find((o) => o.kind === 'toa');
  return {
    macSrc: fmtMac(d.eth.src), macDst: fmtMac(d.eth.dst),
    outer: d.outer ? `${fmtIp(d.outer.src)} → ${fmtIp(d.outer.dst)}` : null,
    srcIp: fmtIp(d.ip.src), dstIp: fmtIp(d.ip.dst), sport: d.tcp.srcPort, dport: d.tcp.dstPort, ttl: (d.outer ?? d.ip).ttl,
    toa: toa && toa.kind === 'toa' ? `${fmtIp(toa.addr)}:${toa.port}` : null,
  };
}

/** The fields a director changed between the frame it received and the one it sent (see the module comment). */
export function directorChanges(before: HopValues, after: HopValues): HopField[] {
  const out: HopField[] = [];
  if (after.outer !== null && before.outer === null) out.push('outer');
  if (before.srcIp !== after.srcIp) out.push('srcIp');
  if (before.dstIp !== after.dstIp) out.push('dstIp');
  if (before.sport !== after.sport) out.push('sport');
  if (before.dport !== after.dport) out.push('dport');
  if (after.toa !== null && before.toa === null) out.push('toa');
  if (out.length === 0 && before.macDst !== after.macDst) out.push('macDst');
  return out;
}

/** Decode the frames `from`… of a lab into logical packets (TCP only), with the director's changes. */
export function packetsOf(lab: Lab, fromNo: number, t0: number): { packets: LogicalPacket[]; hosts: Set<string> } {
  const nicHost = new Map<number, { name: string; role: string }>();
  const macHost = new Map<string, string>();
  for (const h of lab.hosts) for (const d of h.devs.values()) {
    nicHost.set(d.id, { name: h.hostname, role: h.role });
    if (d.kind === 'ether') macHost.set(fmtMac(d.mac), h.hostname);
  }
  const byKey = new Map<string, { dir: 'c' | 's'; label: string; keyLabel: string; hops: ModeHop[]; first: number }>();
  const order: string[] = [];
  const client = lab.hosts.find((h) => h.role === 'client');
  const clientAddrs = new Set<number>();
  for (const d of client?.devs.values() ?? []) for (const a of d.addrs) clientAddrs.add(a.addr);
  /** What each host received, by packet identity: to compare with what it sends on. */
  const received = new Map<string, HopValues>();
  const hosts = new Set<string>();
  for (const r of lab.capture.range(fromNo)) {
    if (r.segment < 0 || r.from < 0) continue;
    const d = decode(r.bytes);
    if (!d) continue;
    const from = nicHost.get(r.from);
    const to = r.to >= 0 ? nicHost.get(r.to) : undefined;
    if (!from || !to) continue;
    const id = `${d.ip.id}/${d.tcp.seq}/${d.tcp.flags}/${d.tcp.payload.length}`;
    let lp = byKey.get(id);
    if (!lp) {
      const dir: 'c' | 's' = from.role === 'client' || clientAddrs.has(d.ip.src) ? 'c' : 's';
      lp = { dir, label: tcpLabel(d.tcp), keyLabel: `${dir}:${keyLabel(d.tcp)}`, hops: [], first: r.no };
      byKey.set(id, lp);
      order.push(id);
    }
    const v = valuesOf(d);
    const director = from.role === 'director';
    const before = received.get(`${from.name}|${id}`);
    const changed = director && before ? directorChanges(before, v) : [];
    received.set(`${to.name}|${id}`, v);
    hosts.add(from.name).add(to.name);
    lp.hops.push({
      no: r.no, t: r.time - t0, from: from.name, to: to.name, seg: lab.segmentById(r.segment)?.name ?? '',
      cls: d.outer ? 'ipip' : d.tcp.payload.length ? 'http' : 'tcp', values: v,
      macSrcHost: macHost.get(v.macSrc) ?? '', macDstHost: macHost.get(v.macDst) ?? '',
      byDirector: director && !!before, changed,
    });
  }
  const seen = new Map<string, number>();
  const packets = order.map((id) => {
    const lp = byKey.get(id)!;
    const n = (seen.get(lp.keyLabel) ?? 0) + 1;
    seen.set(lp.keyLabel, n);
    return { key: n > 1 ? `${lp.keyLabel}#${n}` : lp.keyLabel, dir: lp.dir, label: lp.label, hops: lp.hops };
  });
  return { packets, hosts };
}

const CLF_HOST = /^(\S+)(\s.*)$/;

/** Build, configure and run one mode's lab; describe its `curl VIP`. */
export function runMode(mode: ModeName): ModeResult {
  const sink = quietSink();
  const { session, spec, failed } = buildModeLab(mode, sink);
  const lab = session.lab;
  // First request: ARP caches. The compared one comes after.
  session.runLine('client', `curl -s ${spec.vip}`);
  session.settle();
  sink.clearText();
  const fromNo = lab.capture.lastNo + 1;
  const t0 = lab.now;
  session.runLine('client', `curl -s ${spec.vip}`);
  session.settle(200_000);
  const answer = sink.text('client').trim();
  const { packets, hosts } = packetsOf(lab, fromNo, t0);
  const server = answer.split(' ')[0] ?? '';
  const rs = lab.host(server);
  let accessLog = '';
  try { accessLog = rs?.fs.readFile('/var/log/httpd/access_log').trimEnd().split('\n').pop() ?? ''; } catch { /* none */ }
  const lanes = lab.hosts.filter((h) => hosts.has(h.hostname))
    .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.hostname.localeCompare(b.hostname))
    .map((h) => {
      const d = [...h.devs.values()].find((x) => x.kind === 'ether' && x.addrs.length);
      return { name: h.hostname, role: h.role, addr: d ? fmtIp(d.addrs[0].addr) : '' };
    });
  const res: ModeResult = { mode, vip: spec.vip, fwd: spec.fwd, lanes, packets, answer, server, accessLog, failed };
  if (mode !== 'fullnat') return res;
  const x = Ipvs.of(lab.host('lvs')!);
  const svc = x?.services().find((s) => fmtIp(s.addr) === spec.vip && s.port === spec.port);
  const laddrs = svc ? svc.laddrs.map((l) => fmtIp(l.addr)) : [];
  let carried: string | null = null;
  for (const p of packets) for (const h of p.hops) if (h.to === server && h.values.toa) carried = carried ?? h.values.toa;
  const m = CLF_HOST.exec(accessLog);
  const withToa = m && carried ? `${carried.split(':')[0]}${m[2]}` : accessLog;
  return { ...res, laddrs, toa: { carried, accessLogWithToa: withToa, derived: true } };
}

/** The four modes, each in its own lab. */
export function compareModes(modes: readonly ModeName[] = MODE_NAMES): ModesComparison {
  const results = modes.map(runMode);
  const keys: string[] = [];
  for (const r of results) {
    let at = 0;
    for (const p of r.packets) {
      const i = keys.indexOf(p.key);
      if (i < 0) { keys.splice(at, 0, p.key); at++; } else at = i + 1;
    }
  }
  return { modes: results, keys };
}

/** Per mode and direction, the set of fields the director changed on any hop (what the view highlights). */
export function changedFields(r: ModeResult): { in: HopField[]; out: HopField[] } {
  const inS = new Set<HopField>(), outS = new Set<HopField>();
  for (const p of r.packets) for (const h of p.hops) for (const f of h.changed) (p.dir === 'c' ? inS : outS).add(f);
  const sort = (s: Set<HopField>) => HOP_FIELDS.filter((f) => s.has(f));
  return { in: sort(inS), out: sort(outS) };
}
