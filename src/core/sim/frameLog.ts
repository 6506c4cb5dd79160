/**
 * The capture log: every frame the lab puts on a wire, as bytes, with where and when.
 *
 * One record per frame per segment it crosses (a routed packet shows up once on each network,
 * as two Wireshark captures would show it), plus records for packets a host dropped before
 * they reached any wire (no route, no ARP answer), so that nothing vanishes silently. A frame
 * that crossed a wire and was then dropped by a receiver keeps its record and gains a drop
 * annotation (host + reason).
 *
 * Memory is bounded: records live in a ring of `capacity` entries and bytes in a ring arena;
 * when either is full the oldest records are evicted and counted in `evicted`, which the UI
 * and `--pcap` report ("N older frames dropped from the capture"). Frame numbers (`no`) are
 * global and never reused, so a number stays meaningful after eviction.
 */

export interface FrameRecord {
  readonly no: number;
  readonly time: number;        // virtual µs
  readonly segment: number;     // segment id, or -1 for a host-internal (never on a wire) drop
  readonly bytes: Uint8Array;   // a view into the arena: copy it if you keep it
  readonly from: number;        // sending NIC id (-1 unknown)
  readonly to: number;          // receiving NIC id for unicast delivered to one NIC; -1 broadcast/flooded/none
  readonly host: number;        // host id of the sender (for host-internal records: the host that dropped it)
  /** The frame whose arrival made the sender send this one (a router forwarding it, IPVS
   *  rewriting it, a reply to it), or 0 when it was sent on the host's own initiative. */
  readonly cause: number;
  readonly drop?: DropInfo;
}

export interface DropInfo {
  readonly host: number;        // host id that dropped it
  readonly reason: string;      // human-readable, e.g. "rp_filter: reverse path is not via tunl0"
  readonly code: DropCode;
}

export type DropCode =
  | 'no-route' | 'rp-filter' | 'martian' | 'not-forwarding' | 'no-listener' | 'ttl-exceeded'
  | 'arp-failed' | 'netfilter' | 'link-down' | 'host-down' | 'no-such-mac' | 'not-for-us'
  | 'proto-unreachable' | 'ipvs' | 'bad-checksum' | 'other';

export interface FrameLogOptions {
  capacity?: number;   // records
  arenaBytes?: number; // total frame bytes kept
}

export class FrameLog {
  readonly capacity: number;
  private readonly arena: Uint8Array;
  private arenaPos = 0;
  // Struct-of-arrays ring.
  private readonly tTime: Float64Array;
  private readonly tSeg: Int32Array;
  private readonly tOff: Int32Array;
  private readonly tLen: Int32Array;
  private readonly tFrom: Int32Array;
  private readonly tTo: Int32Array;
  private readonly tHost: Int32Array;
  private readonly tCause: Float64Array;
  private drops = new Map<number, DropInfo>();
  /** Number of the next record. Frame numbers start at 1. */
  private next = 1;
  /** Number of the oldest record still held. */
  private first = 1;
  /** Records evicted to keep memory bounded. */
  evicted = 0;

  constructor(opts: FrameLogOptions = {}) {
    this.capacity = opts.capacity ?? 200_000;
    this.arena = new Uint8Array(opts.arenaBytes ?? 32 * 1024 * 1024);
    const n = this.capacity;
    this.tTime = new Float64Array(n);
    this.tSeg = new Int32Array(n);
    this.tOff = new Int32Array(n);
    this.tLen = new Int32Array(n);
    this.tFrom = new Int32Array(n);
    this.tTo = new Int32Array(n);
    this.tHost = new Int32Array(n);
    this.tCause = new Float64Array(n);
  }

  /** Total records ever logged. */
  get total(): number { return this.next - 1; }
  /** Numbers of the oldest and newest held records (oldest > newest when empty). */
  get firstNo(): number { return this.first; }
  get lastNo(): number { return this.next - 1; }
  get size(): number { return this.next - this.first; }

  /**
   * Reserve `len` bytes for a new record and return the arena and offset to write them at.
   * Call `commit` right after writing. Split this way so the encoder writes straight into the
   * arena without an intermediate buffer.
   */
  reserve(len: number): { buf: Uint8Array; off: number } {
    if (len > this.arena.length) throw new Error('frame larger than capture arena');
    if (this.arenaPos + len > this.arena.length) this.arenaPos = 0;
    // Evict records whose bytes overlap [arenaPos, arenaPos+len).
    const lo = this.arenaPos, hi = this.arenaPos + len;
    while (this.first < this.next) {
      const i = this.first % this.capacity;
      const o = this.tOff[i], e = o + this.tLen[i];
      if (e <= lo || o >= hi) break;
      this.evictOldest();
    }
    return { buf: this.arena, off: this.arenaPos };
  }

  commit(len: number, time: number, segment: number, from: number, to: number, host: number, cause = 0): number {
    if (this.next - this.first >= this.capacity) this.evictOldest();
    const no = this.next++;
    const i = no % this.capacity;
    this.tTime[i] = time;
    this.tSeg[i] = segment;
    this.tOff[i] = this.arenaPos;
    this.tLen[i] = len;
    this.tFrom[i] = from;
    this.tTo[i] = to;
    this.tHost[i] = host;
    this.tCause[i] = cause;
    this.arenaPos += len;
    return no;
  }

  /** Log a copy of `bytes` (convenience for callers that already encoded a frame). */
  add(bytes: Uint8Array, time: number, segment: number, from: number, to: number, host: number, cause = 0): number {
    const { buf, off } = this.reserve(bytes.length);
    buf.set(bytes, off);
    return this.commit(bytes.length, time, segment, from, to, host, cause);
  }

  /** Annotate record `no` as dropped (the first reason wins, as the first drop is the real one). */
  markDropped(no: number, info: DropInfo): void {
    if (no < this.first || no >= this.next) return;
    if (!this.drops.has(no)) this.drops.set(no, info);
  }

  has(no: number): boolean { return no >= this.first && no < this.next; }

  get(no: number): FrameRecord | undefined {
    if (!this.has(no)) return undefined;
    const i = no % this.capacity;
    const off = this.tOff[i];
    return {
      no,
      time: this.tTime[i],
      segment: this.tSeg[i],
      bytes: this.arena.subarray(off, off + this.tLen[i]),
      from: this.tFrom[i],
      to: this.tTo[i],
      host: this.tHost[i],
      cause: this.tCause[i],
      drop: this.drops.get(no),
    };
  }

  /** Records with numbers in [from, to] that are still held. */
  *range(from = this.first, to = this.next - 1): IterableIterator<FrameRecord> {
    for (let no = Math.max(from, this.first); no <= to && no < this.next; no++) yield this.get(no)!;
  }

  dropOf(no: number): DropInfo | undefined { return this.drops.get(no); }

  clear(): void {
    this.evicted += this.size;
    this.first = this.next;
    this.drops.clear();
    this.arenaPos = 0;
  }

  private evictOldest(): void {
    this.drops.delete(this.first);
    this.first++;
    this.evicted++;
  }
}
