/**
 * The capture as the packet list sees it: the numbers of the frames that pass the capture
 * point (all networks, one network, one NIC) and the display filter, in order, as a
 * growable Int32Array. New frames are tested once, as they are logged; changing the filter
 * or the point rebuilds the index and bumps `gen`, which tells the page its cached rows are
 * stale. An upper bound (`limit`) hides frames after the one time travel restored.
 */
import type { FrameLog, FrameRecord } from '../core/sim/frameLog.ts';
import type { DissectContext } from '../core/wire/dissect.ts';
import { compileFilter, type FramePredicate } from './filter.ts';
import type { CapturePoint } from './protocol.ts';

export type PointTest = (r: FrameRecord) => boolean;

export interface NicLookup {
  /** Segment id and host id of a NIC, or undefined. */
  nic(host: string, nic: string): { id: number; segment: number; host: number } | undefined;
  segment(name: string): number | undefined;
}

export function pointTest(p: CapturePoint, lk: NicLookup): PointTest {
  if (p.kind === 'all') return () => true;
  if (p.kind === 'segment') {
    const id = lk.segment(p.segment);
    return id === undefined ? () => false : (r) => r.segment === id;
  }
  const n = lk.nic(p.host, p.nic);
  if (!n) return () => false;
  // A NIC sees what it sends, what is delivered to it, and what the switch floods to it.
  return (r) => r.from === n.id || r.to === n.id || (r.to === -1 && r.segment === n.segment && r.from !== n.id)
    || (r.segment === -1 && r.host === n.host);
}

export class CaptureView {
  private idx = new Int32Array(1024);
  count = 0;
  gen = 0;
  /** Highest frame number tested so far. */
  private seen = 0;
  private point: PointTest = () => true;
  private filter: FramePredicate = () => true;
  limit = Infinity;

  /** Set the capture point and filter (returns the filter's error, if any, and keeps the old one then). */
  configure(point: PointTest, filterText: string, log: FrameLog, ctxOf?: (no: number) => DissectContext): string | null {
    const c = compileFilter(filterText, ctxOf);
    if (!c.ok) return c.error;
    this.point = point;
    this.filter = c.match;
    this.rebuild(log);
    return null;
  }

  rebuild(log: FrameLog): void {
    this.count = 0;
    this.seen = log.firstNo - 1;
    this.gen++;
    this.update(log);
  }

  /** Test frames logged since the last call. Returns true when rows were added. */
  update(log: FrameLog): boolean {
    const before = this.count;
    const last = Math.min(log.lastNo, this.limit);
    if (this.count > 0 && this.idx[0] < log.firstNo) this.dropEvicted(log.firstNo);
    for (let no = Math.max(this.seen + 1, log.firstNo); no <= last; no++) {
      const r = log.get(no)!;
      if (this.point(r) && this.filter(r.bytes, no)) this.push(no);
    }
    if (last > this.seen) this.seen = last;
    return this.count !== before;
  }

  setLimit(limit: number, log: FrameLog): void {
    if (limit === this.limit) return;
    this.limit = limit;
    this.rebuild(log);
  }

  at(i: number): number { return i >= 0 && i < this.count ? this.idx[i] : -1; }

  /** Index of frame `no`, or of the first shown frame after it; -1 when none. */
  indexOf(no: number): number {
    let lo = 0, hi = this.count;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (this.idx[m] < no) lo = m + 1; else hi = m;
    }
    return lo < this.count ? lo : -1;
  }

  numbers(): Int32Array { return this.idx.subarray(0, this.count); }

  private push(no: number): void {
    if (this.count === this.idx.length) {
      const n = new Int32Array(this.idx.length * 2);
      n.set(this.idx);
      this.idx = n;
    }
    this.idx[this.count++] = no;
  }

  private dropEvicted(first: number): void {
    const k = this.indexOf(first);
    const cut = k < 0 ? this.count : k;
    this.idx.copyWithin(0, cut, this.count);
    this.count -= cut;
    this.gen++;
  }
}
