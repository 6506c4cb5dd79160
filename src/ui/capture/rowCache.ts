/**
 * Packet-list rows fetched from the worker in chunks, kept outside React (a 100,000-frame
 * capture must not live in the store). Components read `rowCache.get(i)` and re-render on
 * the store's `rowsVersion`. A chunk that was fetched while the view was still growing is
 * fetched again once more rows exist; far chunks are dropped to bound memory.
 */
import type { PacketRow } from '../../worker/protocol.ts';

export const CHUNK = 128;
const MAX_CHUNKS = 80;

type Fetch = (from: number, to: number, gen: number) => Promise<{ gen: number; from: number; rows: PacketRow[] }>;

export class RowCache {
  private gen = 0;
  private readonly chunks = new Map<number, PacketRow[]>();
  private readonly inflight = new Set<number>();
  private fetcher: Fetch | null = null;
  private onArrive: () => void = () => {};

  configure(fetcher: Fetch, onArrive: () => void): void {
    this.fetcher = fetcher;
    this.onArrive = onArrive;
  }

  reset(gen: number): void {
    this.gen = gen;
    this.chunks.clear();
    this.inflight.clear();
  }

  get(i: number): PacketRow | undefined {
    return this.chunks.get(Math.floor(i / CHUNK))?.[i % CHUNK];
  }

  /** Make sure rows [from, to) are cached or on their way; `count` is the view's length. */
  ensure(from: number, to: number, count: number): void {
    if (!this.fetcher) return;
    const last = Math.min(to, count);
    for (let c = Math.floor(Math.max(0, from) / CHUNK); c * CHUNK < last; c++) {
      const have = this.chunks.get(c);
      const want = Math.min(CHUNK, count - c * CHUNK);
      if ((have && have.length >= want) || this.inflight.has(c)) continue;
      this.inflight.add(c);
      const gen = this.gen;
      this.fetcher(c * CHUNK, c * CHUNK + CHUNK, gen).then((r) => {
        this.inflight.delete(c);
        if (r.gen !== this.gen || gen !== this.gen) return;
        this.chunks.set(c, r.rows);
        this.trim(c);
        this.onArrive();
      }, () => { this.inflight.delete(c); });
    }
  }

  private trim(keep: number): void {
    if (this.chunks.size <= MAX_CHUNKS) return;
    const far = [...this.chunks.keys()].sort((a, b) => Math.abs(b - keep) - Math.abs(a - keep));
    for (const c of far) { if (this.chunks.size <= MAX_CHUNKS) break; this.chunks.delete(c); }
  }
}

export const rowCache = new RowCache();
