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

/**
 * Events scheduled a fixed delay after "now" (a segment's latency: every frame delivery) come
 * due in the order they were scheduled, so they wait in a FIFO ring instead of the heap: no
 * entry object per frame, no sifting. Each slot keeps its (time, sequence) and the next event
 * is the least of the heap's first and the lanes' heads, so the order is the single heap's.
 */
class Lane {
  private cap = 64;
  private mask = 63;
  private head = 0;
  n = 0;
  private at = new Float64Array(64);
  private sq = new Float64Array(64);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private fn: ((a: any, b: any, c: any, d: any) => void)[] = new Array(64).fill(noop);
  private a: unknown[] = new Array(64).fill(undefined);
  private b: unknown[] = new Array(64).fill(undefined);
  private c: unknown[] = new Array(64).fill(undefined);
  private d: unknown[] = new Array(64).fill(undefined);
  constructor(readonly delay: Micros) {}

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  push(at: Micros, seq: number, fn: (a: any, b: any, c: any, d: any) => void, a: unknown, b: unknown, c: unknown, d: unknown): void {
    if (this.n === this.cap) this.grow();
    const i = (this.head + this.n) & this.mask;
    this.at[i] = at; this.sq[i] = seq; this.fn[i] = fn;
    this.a[i] = a; this.b[i] = b; this.c[i] = c; this.d[i] = d;
    this.n++;
  }

  headAt(): Micros { return this.at[this.head]; }
  headSeq(): number { return this.sq[this.head]; }

  /** Take the first event off and run it (the clock is already at its time). */
  runHead(): void {
    const i = this.head;
    const fn = this.fn[i], a = this.a[i], b = this.b[i], c = this.c[i], d = this.d[i];
    this.fn[i] = noop; this.a[i] = this.b[i] = this.c[i] = this.d[i] = undefined;
    this.head = (i + 1) & this.mask;
    this.n--;
    fn(a, b, c, d);
  }

  private grow(): void {
    const cap = this.cap * 2;
    const at = new Float64Array(cap), sq = new Float64Array(cap);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const fn: ((a: any, b: any, c: any, d: any) => void)[] = new Array(cap).fill(noop);
    const a: unknown[] = new Array(cap).fill(undefined), b: unknown[] = new Array(cap).fill(undefined);
    const c: unknown[] = new Array(cap).fill(undefined), d: unknown[] = new Array(cap).fill(undefined);
    for (let k = 0; k < this.n; k++) {
      const i = (this.head + k) & this.mask;
      at[k] = this.at[i]; sq[k] = this.sq[i]; fn[k] = this.fn[i];
      a[k] = this.a[i]; b[k] = this.b[i]; c[k] = this.c[i]; d[k] = this.d[i];
    }
    this.at = at; this.sq = sq; this.fn = fn; this.a = a; this.b = b; this.c = c; this.d = d;
    this.cap = cap; this.mask = cap - 1; this.head = 0;
  }
}

function noop(): void { /* empty slot */ }

/**
 * An empty array that already holds objects as far as V8 is concerned (a `[]` literal starts
 * as an array of small integers and changes kind at its first push): code optimised on a used
 * queue then does not deoptimise on the first push into a new lab's queue.
 */
export function objectArray<T>(): T[] {
  const a = [null] as unknown as T[];
  a.length = 0;
  return a;
}

export class EventQueue {
  private heap: Entry[] = objectArray<Entry>();
  /** FIFO lanes by delay (a lab has one or two latencies). */
  private lanes: Lane[] = objectArray<Lane>();
  private laneCount = 0;
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
  get size(): number { return this.heap.length + this.farCount + this.laneCount; }

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

  /**
   * `call(now + delay, fn, a, b, c, d)` for a delay that is the same for many events (a
   * segment's latency): they wait in a FIFO lane, in the same order. Cannot be cancelled.
   */
  callAfter<A, B = undefined, C = undefined, D = undefined>(delay: Micros, fn: (a: A, b: B, c: C, d: D) => void, a: A, b?: B, c?: C, d?: D): void {
    if (!(delay >= 0)) { this.push(this._now + delay, fn, a, b, c, d); return; }
    const ls = this.lanes;
    let lane: Lane | undefined;
    for (let i = 0; i < ls.length; i++) if (ls[i].delay === delay) { lane = ls[i]; break; }
    if (lane === undefined) { lane = new Lane(delay); ls.push(lane); }
    lane.push(this._now + delay, this.seq++, fn, a, b, c, d);
    this.laneCount++;
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
      let t = h.length ? h[0].at : Infinity;
      if (this.laneCount) {
        const ls = this.lanes;
        for (let i = 0; i < ls.length; i++) if (ls[i].n && ls[i].headAt() < t) t = ls[i].headAt();
      }
      // A bucket starting at or before the first event may hold earlier events.
      if (ks.length && ks[0] * BUCKET <= t) { this.refill(); continue; }
      return t;
    }
  }

  /** Run the next event if it is due at or before `limit`. Returns false when none is. */
  runNext(limit: Micros = Infinity): boolean {
    const t = this.peekTime();
    if (t > limit) return false;
    if (this.laneCount) {
      // The least (time, sequence) among the heap's first event and the lanes' heads.
      const h = this.heap;
      let best: Lane | null = null;
      let bestSeq = h.length && h[0].at === t ? h[0].seq : Infinity;
      const ls = this.lanes;
      for (let i = 0; i < ls.length; i++) {
        const l = ls[i];
        if (l.n && l.headAt() === t && l.headSeq() < bestSeq) { best = l; bestSeq = l.headSeq(); }
      }
      if (best !== null) {
        this._now = t;
        this.ran++;
        this.laneCount--;
        best.runHead();
        return true;
      }
    }
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
