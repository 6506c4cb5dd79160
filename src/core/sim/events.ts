/**
 * The virtual clock and the event queue that drive a lab.
 *
 * Time is an integer number of microseconds since the lab booted (`Micros`). Nothing in the
 * core reads a real clock: the queue is the only way time moves, either by running the next
 * event or by `advanceTo` when a caller (a `sleep`, the browser's real-time driver) asks for
 * it. Events with the same time run in the order they were scheduled, so a run is
 * reproducible. Timers can be cancelled in O(1) (lazy deletion).
 */

export type Micros = number;
export const US = 1;
export const MS = 1000;
export const SEC = 1_000_000;

export interface Timer { readonly at: Micros; cancelled: boolean }

interface Entry extends Timer { at: Micros; seq: number; fn: () => void; cancelled: boolean }

export class EventQueue {
  private heap: Entry[] = [];
  private seq = 0;
  /** Cancelled entries still in the heap (lazy deletion); compacted when they dominate. */
  private cancelledCount = 0;
  private _now: Micros = 0;
  /** Number of events run so far (a cheap progress counter for tests and benches). */
  ran = 0;

  get now(): Micros { return this._now; }
  get size(): number { return this.heap.length; }

  /** Run `fn` at absolute virtual time `at` (clamped to now). */
  at(at: Micros, fn: () => void): Timer {
    const e: Entry = { at: at < this._now ? this._now : at, seq: this.seq++, fn, cancelled: false };
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(e, h[p])) break;
      h[i] = h[p]; i = p;
    }
    h[i] = e;
    return e;
  }

  /** Run `fn` after `delay` microseconds. */
  after(delay: Micros, fn: () => void): Timer { return this.at(this._now + delay, fn); }

  cancel(t: Timer | null | undefined): void {
    if (!t || t.cancelled) return;
    t.cancelled = true;
    // Long timers (IPVS's 900 s ESTABLISHED, TCP's TIME_WAIT) are re-armed on every packet:
    // without compaction their cancelled entries would pile up for the whole timeout.
    if (++this.cancelledCount > 4096 && this.cancelledCount * 2 > this.heap.length) this.compact();
  }

  private compact(): void {
    const live = this.heap.filter((e) => !e.cancelled);
    live.sort((a, b) => (a.at - b.at) || (a.seq - b.seq)); // a sorted array is a valid heap
    this.heap = live;
    this.cancelledCount = 0;
  }

  /** Time of the next live event, or Infinity. */
  peekTime(): Micros {
    const h = this.heap;
    while (h.length && h[0].cancelled) { this.pop(); this.cancelledCount--; }
    return h.length ? h[0].at : Infinity;
  }

  /** Run the next event if it is due at or before `limit`. Returns false when none is. */
  runNext(limit: Micros = Infinity): boolean {
    const t = this.peekTime();
    if (t > limit) return false;
    const e = this.pop()!;
    this._now = e.at;
    this.ran++;
    e.fn();
    return true;
  }

  /** Run every event due up to `t`, then set the clock to `t`. */
  advanceTo(t: Micros): void {
    while (this.runNext(t)) { /* run */ }
    if (t > this._now) this._now = t;
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      let i = 0;
      const n = h.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && less(h[r], h[l]) ? r : l;
        if (!less(h[c], last)) break;
        h[i] = h[c]; i = c;
      }
      h[i] = last;
    }
    return top;
  }
}

function less(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
