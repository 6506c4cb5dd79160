/**
 * Where nodes go on the topology: an automatic layered layout (the client on top, then its
 * network, the machines behind it, the next network, and so on — the way the course notes
 * draw LVS), and the student's own arrangement, kept per preset in localStorage once they
 * drag something. Also the geometry edges and the animation share: a host meets a network
 * bar at the point of the bar nearest to it, so wires are mostly vertical.
 */
import type { HostInfo, HostRoleName, TopologySnapshot } from '../../worker/protocol.ts';

export interface XY { x: number; y: number }
export interface Rect { x: number; y: number; w: number; h: number }

export const HOST_W = 220;
/** The director is wider: its node carries the IPVS table. */
export const DIRECTOR_W = 296;

export function hostWidth(h: Pick<HostInfo, 'role'>): number {
  return h.role === 'director' ? DIRECTOR_W : HOST_W;
}
export const SEG_H = 34;
const GAP_X = 32;
const GAP_Y = 40;

const ROLE_ORDER: Record<HostRoleName, number> = { client: 0, gateway: 1, router: 2, director: 3, realserver: 4, host: 5 };

export const hostId = (name: string) => `h:${name}`;
export const segId = (name: string) => `s:${name}`;

/** Rough height of a host node before it is measured (NIC rows; the director's table). */
export function estimateHostHeight(h: HostInfo, ipvsRows: number): number {
  return 46 + h.nics.length * 34 + (ipvsRows > 0 ? 30 + ipvsRows * 17 : 0);
}

export interface AutoLayout {
  hosts: Map<string, XY>;
  segments: Map<string, { x: number; y: number; w: number }>;
}

/**
 * `heightOf` gives a host's drawn height when known (measured); otherwise it is estimated.
 * Laying out again with measured heights keeps a director whose IPVS table has grown clear
 * of the network below it.
 */
export function autoLayout(topo: TopologySnapshot, ipvsRows: (host: string) => number = () => 0, heightOf: (host: string) => number | undefined = () => undefined): AutoLayout {
  const hh = (h: HostInfo) => heightOf(h.name) ?? estimateHostHeight(h, ipvsRows(h.name));
  const segById = new Map(topo.segments.map((s) => [s.id, s]));
  const hostSegs = new Map(topo.hosts.map((h) => [h.name, [...new Set(h.nics.map((n) => n.segment).filter((s): s is number => s !== null && segById.has(s)))]]));
  const segHosts = new Map<number, string[]>();
  for (const [h, segs] of hostSegs) for (const s of segs) { const l = segHosts.get(s) ?? []; l.push(h); segHosts.set(s, l); }

  // BFS over the host–network graph from the client (or the first host).
  const layerOf = new Map<string, number>();
  const segLayer = new Map<number, number>();
  const sorted = [...topo.hosts].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.name.localeCompare(b.name));
  const roots = sorted.filter((h) => h.role !== 'gateway');
  for (const root of roots) {
    if (layerOf.has(root.name)) continue;
    const base = Math.max(-2, ...[...layerOf.values()]) + 2;
    const queue: [string, number][] = [[root.name, base]];
    layerOf.set(root.name, base);
    while (queue.length) {
      const [h, l] = queue.shift()!;
      for (const s of hostSegs.get(h) ?? []) {
        if (segLayer.has(s)) continue;
        segLayer.set(s, l + 1);
        for (const other of segHosts.get(s) ?? []) {
          const oh = topo.hosts.find((x) => x.name === other)!;
          if (layerOf.has(other) || oh.role === 'gateway') continue;
          layerOf.set(other, l + 2);
          queue.push([other, l + 2]);
        }
      }
    }
  }
  // A NAT gateway sits beside the hosts above its network, like VMware's NAT device in the notes.
  for (const h of sorted) {
    if (layerOf.has(h.name)) continue;
    const segs = hostSegs.get(h.name) ?? [];
    const sl = segs.length ? Math.min(...segs.map((s) => segLayer.get(s) ?? 1)) : 0;
    layerOf.set(h.name, Math.max(0, sl - 1));
  }
  // Networks nobody is on yet.
  let maxLayer = Math.max(0, ...layerOf.values(), ...segLayer.values());
  for (const s of topo.segments) if (!segLayer.has(s.id)) segLayer.set(s.id, (maxLayer += 2) - 1);

  const layers = Math.max(maxLayer, ...segLayer.values()) + 1;
  const hostsIn: HostInfo[][] = Array.from({ length: layers }, () => []);
  for (const h of sorted) hostsIn[layerOf.get(h.name)!].push(h);

  const hosts = new Map<string, XY>();
  const segments = new Map<string, { x: number; y: number; w: number }>();
  // x first, for every layer: a network's bar must span the hosts below it as well.
  for (const hs of hostsIn) {
    const total = hs.reduce((a, h) => a + hostWidth(h), 0) + (hs.length - 1) * GAP_X;
    let x = -total / 2;
    for (const h of hs) { hosts.set(h.name, { x, y: 0 }); x += hostWidth(h) + GAP_X; }
  }
  let y = 0;
  for (let l = 0; l < layers; l++) {
    const hs = hostsIn[l];
    const segs = topo.segments.filter((s) => segLayer.get(s.id) === l);
    if (hs.length) {
      const hMax = Math.max(...hs.map(hh));
      // Hosts of one layer share the bottom line: taller ones grow upward.
      for (const h of hs) hosts.get(h.name)!.y = y + hMax - hh(h);
      y += hMax + GAP_Y;
    }
    if (segs.length) {
      let x0 = Infinity, x1 = -Infinity;
      for (const s of segs) {
        for (const h of segHosts.get(s.id) ?? []) {
          const p = hosts.get(h);
          const hi = topo.hosts.find((x) => x.name === h);
          if (p && hi) { x0 = Math.min(x0, p.x); x1 = Math.max(x1, p.x + hostWidth(hi)); }
        }
      }
      if (!Number.isFinite(x0)) { x0 = -160; x1 = 160; }
      const w = Math.max(320, x1 - x0 + 40);
      segs.forEach((s, i) => segments.set(s.name, { x: x0 - 20, y: y + i * (SEG_H + 16), w }));
      y += segs.length * (SEG_H + 16) - 16 + GAP_Y;
    }
  }
  return { hosts, segments };
}

// ---- saved arrangements ----------------------------------------------------------------------

const KEY = (preset: string) => `lvs-lab.layout.${preset}`;

export type SavedLayout = Record<string, XY & { w?: number }>;

export function loadLayout(preset: string): SavedLayout {
  try { return JSON.parse(globalThis.localStorage?.getItem(KEY(preset)) ?? '{}') as SavedLayout; } catch { return {}; }
}

export function saveLayout(preset: string, l: SavedLayout): void {
  try { globalThis.localStorage?.setItem(KEY(preset), JSON.stringify(l)); } catch { /* ignore */ }
}

export function clearLayout(preset: string): void {
  try { globalThis.localStorage?.removeItem(KEY(preset)); } catch { /* ignore */ }
}

// ---- wire geometry -------------------------------------------------------------------------

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

/** Where the segment from the centre of `r` towards `p` leaves the rectangle. */
export function exitPoint(r: Rect, p: XY): XY {
  const cx = r.x + r.w / 2, cy = r.y + r.h / 2;
  const dx = p.x - cx, dy = p.y - cy;
  if (dx === 0 && dy === 0) return { x: cx, y: cy };
  const sx = dx !== 0 ? (r.w / 2) / Math.abs(dx) : Infinity;
  const sy = dy !== 0 ? (r.h / 2) / Math.abs(dy) : Infinity;
  const s = Math.min(sx, sy, 1);
  return { x: cx + dx * s, y: cy + dy * s };
}

/** The wire between a host's box and a network's bar: [host end, bar end]. */
export function wire(host: Rect, seg: Rect, slot = 0, slots = 1): [XY, XY] {
  const hcx = host.x + host.w / 2 + (slots > 1 ? (slot - (slots - 1) / 2) * 18 : 0);
  const hcy = host.y + host.h / 2;
  const segMid = seg.y + seg.h / 2;
  const onBar: XY = { x: clamp(hcx, seg.x + 14, seg.x + seg.w - 14), y: hcy < segMid ? seg.y : seg.y + seg.h };
  if (onBar.x >= host.x + 6 && onBar.x <= host.x + host.w - 6) {
    // Straight down (or up) from the host to the bar.
    return [{ x: onBar.x, y: hcy < segMid ? host.y + host.h : host.y }, onBar];
  }
  return [exitPoint(host, onBar), onBar];
}
