/**
 * The virtual clock and the event queue that drive a lab.
 *
 * Time is an integer number of microseconds since the lab booted (`Micros`). Nothing in the
 * core reads a real clock: the queue is the only way time moves, either by running the next
 * event or by `advanceTo` when a caller (a `sleep`, the browser's real-time driver) asks for
 * it. Events with the same time run in the order they were scheduled, so a run is
 * reproducible. Timers can be cancelled in O(1) (lazy deletion).
 *
 * Two tiers, one order: events due within BUCKET µs of now go into a binary heap ordered by
 * (time, scheduling sequence); later ones wait unsorted in buckets of BUCKET µs. Before the
 * heap's first event runs, every bucket that starts at or before its time is moved into the
 * heap, so the heap's first event is always the earliest of all, and events run in exactly
 * the order a single heap would give. The buckets keep the long timers that are re-armed on
 * every packet (TCP's RTO and TIME_WAIT, IPVS's connection timeouts) out of the heap, which
 * holds only the next few milliseconds of traffic, and cancelling one takes it out of its
 * bucket at once.
 */

export type Micros = number;
export const US = 1;
export const MS = 1000;
export const SEC = 1_000_000;

export interface Timer { readonly at: Micros; cancelled: boolean }

/** Bucket width of the far tier, µs (a power of two; ~65 ms). */
const BUCKET = 65536;

/** A scheduled call: `fn(a, b, c, d)` (closures ignore the arguments). */
class Entry implements Timer {
  cancelled = false;
  /** Index in its far bucket while it waits there; -1 in the heap. */
  idx = -1;
  constructor(
    readonly at: Micros, readonly seq: number,
    readonly fn: (a: any, b: any, c: any, d: any) => void, // eslint-disable-line @typescript-eslint/no-explicit-any
    readonly a: unknown, readonly b: unknown, readonly c: unknown, readonly d: unknown,
  ) {}
}

export class EventQueue {
  private heap: Entry[] = [];
  private seq = 0;
  /** Cancelled entries still in the heap (lazy deletion); compacted when they dominate. */
  private cancelledCount = 0;
  private _now: Micros = 0;
  /** Far tier: bucket index (time / BUCKET) → entries in scheduling order. */
  private readonly far = new Map<number, Entry[]>();
  /** Min-heap of the bucket indices present in `far`. */
  private farKeys: number[] = [];
  private farCount = 0;
  /** Number of events run so far (a cheap progress counter for tests and benches). */
  ran = 0;

  get now(): Micros { return this._now; }
  get size(): number { return this.heap.length + this.farCount; }

  /** Run `fn` at absolute virtual time `at` (clamped to now). */
  at(at: Micros, fn: () => void): Timer {
    return this.push(at, fn, undefined, undefined, undefined, undefined);
  }

  /**
   * Run `fn(a, b, c, d)` at `at`: as `at(at, () => fn(a, b, c, d))` without allocating a
   * closure (the per-frame deliveries use it).
   */
  call<A, B = undefined, C = undefined, D = undefined>(at: Micros, fn: (a: A, b: B, c: C, d: D) => void, a: A, b?: B, c?: C, d?: D): Timer {
    return this.push(at, fn, a, b, c, d);
  }

  /** Run `fn` after `delay` microseconds. */
  after(delay: Micros, fn: () => void): Timer { return this.at(this._now + delay, fn); }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private push(at: Micros, fn: (a: any, b: any, c: any, d: any) => void, a: unknown, b: unknown, c: unknown, d: unknown): Entry {
    const e = new Entry(at < this._now ? this._now : at, this.seq++, fn, a, b, c, d);
    if (e.at - this._now < BUCKET) this.heapPush(e);
    else this.farPush(e);
    return e;
  }

  private heapPush(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(e, h[p])) break;
      h[i] = h[p]; i = p;
    }
    h[i] = e;
  }

  private farPush(e: Entry): void {
    const k = Math.floor(e.at / BUCKET);
    let list = this.far.get(k);
    if (!list) {
      list = [];
      this.far.set(k, list);
      const ks = this.farKeys;
      ks.push(k);
      let i = ks.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (ks[p] <= k) break;
        ks[i] = ks[p]; i = p;
      }
      ks[i] = k;
    }
    e.idx = list.length;
    list.push(e);
    this.farCount++;
  }

  cancel(t: Timer | null | undefined): void {
    if (!t || t.cancelled) return;
    t.cancelled = true;
    // Long timers (IPVS's 900 s ESTABLISHED, TCP's TIME_WAIT) are re-armed on every packet:
    // without compaction their cancelled entries would pile up for the whole timeout.
    const e = t as Entry;
    if (e.idx >= 0) {
      // A bucket is unordered: take the entry out at once (swap with the last), so a
      // cancelled long timer is garbage right away instead of living until it was due.
      const list = this.far.get(Math.floor(e.at / BUCKET))!;
      const last = list.pop()!;
      if (last !== e) { list[e.idx] = last; last.idx = e.idx; }
      e.idx = -1;
      this.farCount--;
    } else if (++this.cancelledCount > 4096 && this.cancelledCount * 2 > this.heap.length) this.compact();
  }

  private compact(): void {
    const live = this.heap.filter((e) => !e.cancelled);
    live.sort((a, b) => (a.at - b.at) || (a.seq - b.seq)); // a sorted array is a valid heap
    this.heap = live;
    this.cancelledCount = 0;
  }

  /** Move the earliest bucket into the heap. */
  private refill(): void {
    const ks = this.farKeys;
    const k = ks[0];
    const last = ks.pop()!;
    if (ks.length) {
      let i = 0;
      const n = ks.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && ks[r] < ks[l] ? r : l;
        if (ks[c] >= last) break;
        ks[i] = ks[c]; i = c;
      }
      ks[i] = last;
    }
    const list = this.far.get(k)!;
    this.far.delete(k);
    this.farCount -= list.length;
    // Entries flagged `cancelled` without cancel() (keepalived does that) are dropped here.
    for (const e of list) {
      e.idx = -1;
      if (!e.cancelled) this.heapPush(e);
    }
  }

  /** Time of the next live event, or Infinity. */
  peekTime(): Micros {
    const h = this.heap;
    const ks = this.farKeys;
    for (;;) {
      while (h.length && h[0].cancelled) { this.pop(); this.cancelledCount--; }
      // A bucket starting at or before the heap's first event may hold earlier events.
      if (ks.length && (h.length === 0 || ks[0] * BUCKET <= h[0].at)) { this.refill(); continue; }
      return h.length ? h[0].at : Infinity;
    }
  }

  /** Run the next event if it is due at or before `limit`. Returns false when none is. */
  runNext(limit: Micros = Infinity): boolean {
    const t = this.peekTime();
    if (t > limit) return false;
    const e = this.pop()!;
    this._now = e.at;
    this.ran++;
    e.fn(e.a, e.b, e.c, e.d);
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
