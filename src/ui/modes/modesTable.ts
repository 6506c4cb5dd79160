/**
 * What the four-mode view renders, as plain data (so a test checks exactly what the page
 * shows): for one logical packet of the exchange ("c:SYN", "c:ACK", "s:200" …), a row per
 * hop per mode with its cells, and which cells the director changed — the only ones the
 * view highlights. Also the band layout that keeps the four flow diagrams in step.
 */
import type { HopField, ModeHop, ModeResult, ModesComparison } from '../../labs/modes.ts';

export type CellField = 'hop' | HopField | 'macSrc';

export interface Cell {
  readonly field: CellField;
  readonly text: string;
  /** Changed by the director on this hop (highlighted). */
  readonly changed: boolean;
  /** A second line (the host that owns a MAC, "local address pool" …). */
  readonly note?: string;
}

export interface HopRow {
  readonly mode: ModeResult['mode'];
  readonly no: number;
  readonly byDirector: boolean;
  readonly cells: readonly Cell[];
}

export const TABLE_FIELDS: readonly CellField[] = ['hop', 'macDst', 'outer', 'srcIp', 'dstIp', 'sport', 'dport', 'toa'];

function cellsOf(r: ModeResult, h: ModeHop): Cell[] {
  const v = h.values;
  const ch = new Set(h.changed);
  const laddr = r.laddrs?.includes(v.srcIp) && ch.has('srcIp');
  return [
    { field: 'hop', text: `${h.from} → ${h.to}`, changed: false, note: h.seg },
    { field: 'macDst', text: v.macDst, changed: ch.has('macDst'), note: h.macDstHost },
    { field: 'outer', text: v.outer ?? '—', changed: ch.has('outer') },
    { field: 'srcIp', text: v.srcIp, changed: ch.has('srcIp'), note: laddr ? 'laddr' : undefined },
    { field: 'dstIp', text: v.dstIp, changed: ch.has('dstIp') },
    { field: 'sport', text: String(v.sport), changed: ch.has('sport') },
    { field: 'dport', text: String(v.dport), changed: ch.has('dport') },
    { field: 'toa', text: v.toa ?? '—', changed: ch.has('toa') },
  ];
}

/** The per-hop table for one logical packet: every mode's hops, in mode order. */
export function hopRows(c: ModesComparison, key: string): HopRow[] {
  const out: HopRow[] = [];
  for (const r of c.modes) {
    const p = r.packets.find((x) => x.key === key);
    if (!p) continue;
    for (const h of p.hops) out.push({ mode: r.mode, no: h.no, byDirector: h.byDirector, cells: cellsOf(r, h) });
  }
  return out;
}

/** The highlighted fields of a table, per mode (what the test compares with each mode's rewrite). */
export function highlighted(rows: readonly HopRow[]): Record<string, CellField[]> {
  const out: Record<string, CellField[]> = {};
  for (const r of rows) {
    const f = r.cells.filter((c) => c.changed).map((c) => c.field);
    out[r.mode] = [...new Set([...(out[r.mode] ?? []), ...f])];
  }
  return out;
}

/** Rows per logical packet: the largest hop count among the modes, so the diagrams line up. */
export function bands(c: ModesComparison): { key: string; rows: number; start: number; dir: 'c' | 's'; label: string }[] {
  let start = 0;
  return c.keys.map((key) => {
    let rows = 1, dir: 'c' | 's' = 'c', label = key;
    for (const r of c.modes) {
      const p = r.packets.find((x) => x.key === key);
      if (p) { rows = Math.max(rows, p.hops.length); dir = p.dir; label = p.label; }
    }
    const b = { key, rows, start, dir, label };
    start += rows;
    return b;
  });
}
