/**
 * The lab invariants tests/robustness/labops.test.ts checks after every operation (its
 * header says what each one means).
 */
import type { Lab } from '../../src/core/lab/lab.ts';
import { Ipvs } from '../../src/core/ipvs/ipvs.ts';
import type { Dest } from '../../src/core/ipvs/dest.ts';
import type { Host } from '../../src/core/net/host.ts';
import type { Dev } from '../../src/core/net/dev.ts';
import { BROADCAST_MAC, fmtMac, isMulticastMac, type EthernetRepr } from '../../src/core/wire/types.ts';

/** Watches every host's receive path: which frames reached a host that was up, on a running NIC. */
export class Deliveries {
  readonly got = new Set<number>();
  readonly promisc = new Set<number>();
  constructor(lab: Lab) {
    for (const h of lab.hosts) {
      const orig = h.receive.bind(h);
      h.receive = (dev: Dev, frame: EthernetRepr, no: number) => {
        if (h.powered && dev.running) { this.got.add(no); if (dev.promisc) this.promisc.add(no); }
        orig(dev, frame, no);
      };
    }
  }
}

export function checkFrames(lab: Lab, d: Deliveries, from: number): { next: number; bad: string[] } {
  const bad: string[] = [];
  const cap = lab.capture;
  let next = from;
  for (const r of cap.range(Math.max(from, cap.firstNo))) {
    const seg = r.segment >= 0 ? lab.segmentById(r.segment) : undefined;
    if (r.time + (seg?.latency ?? 0) >= lab.now) break; // still on the wire
    next = r.no + 1;
    const dropped = r.drop !== undefined;
    if (r.segment < 0) { if (!dropped) bad.push(`frame ${r.no}: dropped inside host ${r.host} without a reason`); continue; }
    if (seg?.name.startsWith('lo@')) continue;
    const dst = r.bytes.length >= 6 ? r.bytes[0] * 2 ** 40 + r.bytes[1] * 2 ** 32 + ((r.bytes[2] << 24) >>> 0) + (r.bytes[3] << 16) + (r.bytes[4] << 8) + r.bytes[5] : 0;
    if (r.to >= 0) {
      if (!d.got.has(r.no) && !dropped) bad.push(`frame ${r.no} (${seg?.name}): for NIC ${r.to}, neither delivered nor dropped with a reason`);
    } else if (dst !== BROADCAST_MAC && !isMulticastMac(dst as never) && !dropped && !d.promisc.has(r.no)) {
      bad.push(`frame ${r.no} (${seg?.name}): unicast to ${fmtMac(dst as never)}, no NIC took it and no drop reason`);
    }
  }
  return { next, bad };
}

export function checkIpvs(h: Host, now: number): string[] {
  const x = Ipvs.of(h);
  if (!x) return [];
  const bad: string[] = [];
  const conns = x.connList();
  const dests = new Set<Dest>(x.trash);
  for (const s of x.rawServices()) for (const dd of s.dests) dests.add(dd);
  for (const c of conns) {
    if (c.dest) dests.add(c.dest);
    if (c.dead) bad.push(`${h.hostname}: a dead connection is listed`);
    if (c.expires < now) bad.push(`${h.hostname}: connection ${c.id} expired at ${c.expires} but is still listed at ${now}`);
    if (c.nControl < 0) bad.push(`${h.hostname}: connection ${c.id} controls ${c.nControl}`);
  }
  for (const t of conns) {
    if (!t.template) continue;
    const n = conns.filter((c) => c.control === t).length;
    if (t.nControl !== n) bad.push(`${h.hostname}: template ${t.id} counts ${t.nControl} controlled connections, the table has ${n}`);
  }
  for (const dd of dests) {
    const mine = conns.filter((c) => c.dest === dd);
    const plain = mine.filter((c) => !c.template);
    const inact = plain.filter((c) => c.inactive).length;
    if (dd.activeConns < 0 || dd.inactConns < 0 || dd.persistConns < 0) bad.push(`${h.hostname}: ${dd.label} has a negative counter`);
    if (dd.activeConns + dd.inactConns !== plain.length || dd.inactConns !== inact || dd.persistConns !== mine.length - plain.length) {
      bad.push(`${h.hostname}: ${dd.label} ActiveConn ${dd.activeConns} InActConn ${dd.inactConns} PersistConn ${dd.persistConns}, `
        + `but the table has ${plain.length - inact} active, ${inact} inactive, ${mine.length - plain.length} templates`);
    }
  }
  return bad;
}

export function checkArp(lab: Lab): string[] {
  const bad: string[] = [];
  const macs = new Map<number, Dev[]>();
  for (const h of lab.hosts) for (const d of h.devs.values()) if (d.kind === 'ether') macs.set(d.mac, [...macs.get(d.mac) ?? [], d]);
  for (const h of lab.hosts) {
    const entries = h.neigh.all();
    if (!h.powered) { if (entries.length) bad.push(`${h.hostname} is off but has ${entries.length} neighbour entries`); continue; }
    for (const n of entries) {
      const dev = h.dev(n.dev);
      const what = `${h.hostname}: ${n.ip >>> 24}.${(n.ip >>> 16) & 255}.${(n.ip >>> 8) & 255}.${n.ip & 255} dev ${n.dev} ${n.state}`;
      if (!dev) { bad.push(`${what}: the device is gone`); continue; }
      if (n.state === 'PERMANENT' || n.state === 'NOARP') continue;
      if (!dev.up) bad.push(`${what}: ${n.dev} is down`);
      // Losing carrier flushes the device (arp_evict_nocarrier); traffic routed to it later still
      // starts a resolution, which can only stay INCOMPLETE or fail: no answer can come.
      if (!dev.carrier && n.mac !== null && h.sysctl.effective(dev.name, 'arp_evict_nocarrier')) bad.push(`${what}: ${n.dev} has no carrier`);
      if (n.state !== 'REACHABLE') continue;
      if (n.mac === null) { bad.push(`${what} without a MAC`); continue; }
      if (lab.now - n.confirmed > n.reachableTime) bad.push(`${what}: confirmed ${lab.now - n.confirmed} µs ago, reachable time ${n.reachableTime} µs`);
      const owners = macs.get(n.mac) ?? [];
      if (!owners.some((o) => o.segment !== null && o.segment === dev.segment)) bad.push(`${what}: ${fmtMac(n.mac)} is no NIC on ${dev.segment?.name ?? 'no network'}`);
    }
  }
  return bad;
}

