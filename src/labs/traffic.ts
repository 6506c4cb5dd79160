/**
 * The lab's traffic as the guides and the detector read it: every capture record decoded
 * once into a small flat `Pkt` (who sent it, who received it, the header fields that matter
 * for LVS), kept per Lab and brought up to date on demand.
 *
 * Drop annotations and notes are NOT copied: a receiver annotates a frame after it was
 * logged (the wire has latency), so they are read from the capture when asked (`dropOf`,
 * `notesOf`). Records the capture evicted are forgotten here too.
 *
 * Also here: which server a response the client received came from (`answersTo`), and the
 * pairing of a frame a host received with the frame it sent because of it (`pairOut`),
 * which rewrite checks and the challenge use. Both work from the traffic alone.
 */
import type { FrameNote, Lab } from '../core/lab/lab.ts';
import type { Host } from '../core/net/host.ts';
import type { DropInfo } from '../core/sim/frameLog.ts';
import { FrameScan, scanFrame } from '../core/wire/scan.ts';
import { EMPTY, EtherType, IpProto, TcpFlag } from '../core/wire/types.ts';

export interface Pkt {
  readonly no: number;
  readonly time: number;
  /** Segment id (-1: dropped inside a host before reaching any wire). */
  readonly seg: number;
  /** Sending host id (for host-internal records: the host that dropped it). */
  readonly fromHost: number;
  readonly fromNic: number;
  /** Receiving host id for unicast delivered to one NIC, else -1. */
  readonly toHost: number;
  readonly toNic: number;
  readonly ethSrc: number;
  readonly ethDst: number;
  readonly ethType: number;
  readonly arp?: { readonly op: number; readonly sha: number; readonly spa: number; readonly tha: number; readonly tpa: number };
  /** The packet's IP header; for IP-in-IP the inner one (`encap` holds the outer addresses). */
  readonly ip?: { readonly src: number; readonly dst: number; readonly id: number; readonly ttl: number; readonly proto: number };
  readonly encap?: { readonly src: number; readonly dst: number; readonly id: number; readonly ttl: number };
  readonly tcp?: { readonly sport: number; readonly dport: number; readonly flags: number; readonly seq: number; readonly ack: number; readonly len: number; readonly hash: number; readonly http: 'request' | 'response' | null; readonly toa?: number };
  readonly udp?: { readonly sport: number; readonly dport: number };
  readonly icmp?: { readonly type: number; readonly code: number };
}

/** FNV-1a of a payload: to recognise the same bytes on another hop. */
function fnv(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) { h ^= b[i]; h = Math.imul(h, 0x01000193); }
  return h >>> 0;
}

const HTTP_RESP = [0x48, 0x54, 0x54, 0x50, 0x2f]; // "HTTP/"

function httpKind(b: Uint8Array): 'request' | 'response' | null {
  if (b.length < 5) return null;
  if (HTTP_RESP.every((c, i) => b[i] === c)) return 'response';
  const s = String.fromCharCode(...b.subarray(0, 8));
  return /^(GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH) /.test(s) ? 'request' : null;
}

const SCAN = new FrameScan();

const mac6 = (b: Uint8Array, o: number): number => b[o] * 2 ** 40 + b[o + 1] * 2 ** 32 + ((b[o + 2] << 24) >>> 0) + (b[o + 3] << 16) + (b[o + 4] << 8) + b[o + 5];
const u32 = (b: Uint8Array, o: number): number => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const u16 = (b: Uint8Array, o: number): number => (b[o] << 8) | b[o + 1];

/** The TOA option (kind 254, length 8: port, address) in a TCP header's options, if any. */
function toaOf(b: Uint8Array, off: number, hl: number): number | undefined {
  for (let i = off + 20; i < off + hl;) {
    const k = b[i];
    if (k === 0) break;
    if (k === 1) { i++; continue; }
    const len = b[i + 1];
    if (!len || len < 2) break;
    if (k === 254 && len === 8) return u32(b, i + 4);
    i += len;
  }
  return undefined;
}

/**
 * Decode one record with the capture pane's fast scanner (no allocation per layer): the
 * fields below are all a guide or the detector needs.
 */
function decode(no: number, time: number, seg: number, from: number, to: number, host: number, bytes: Uint8Array, nicHost: (nic: number) => number): Pkt {
  const s = scanFrame(bytes, SCAN);
  const b = bytes;
  const base = {
    no, time, seg, fromHost: host, fromNic: from, toHost: to >= 0 ? nicHost(to) : -1, toNic: to,
    ethSrc: b.length >= 12 ? mac6(b, 6) : 0, ethDst: b.length >= 6 ? mac6(b, 0) : 0, ethType: s.ethType,
  };
  if (s.arp >= 0) {
    const o = s.arp;
    return { ...base, arp: { op: u16(b, o + 6), sha: mac6(b, o + 8), spa: u32(b, o + 14), tha: mac6(b, o + 18), tpa: u32(b, o + 24) } };
  }
  const i = s.innerIp;
  if (i < 0) return base;
  const ipAt = (k: number) => { const o = s.ipOff[k]; return { src: u32(b, o + 12), dst: u32(b, o + 16), id: u16(b, o + 4), ttl: b[o + 8], proto: b[o + 9] }; };
  const inner = ipAt(i);
  const out: { -readonly [K in keyof Pkt]: Pkt[K] } = { ...base, ip: inner };
  if (i > 0 && !s.ipQuoted[0]) { const o = ipAt(0); out.encap = { src: o.src, dst: o.dst, id: o.id, ttl: o.ttl }; }
  if (s.l4 === 6) {
    const o = s.l4Off, ps = o + s.l4Hl, pe = s.l4End;
    const payload = ps < pe ? b.subarray(ps, pe) : EMPTY;
    out.tcp = {
      sport: u16(b, o), dport: u16(b, o + 2), flags: b[o + 13], seq: u32(b, o + 4), ack: u32(b, o + 8), len: payload.length,
      hash: payload.length ? fnv(payload) : 0, http: httpKind(payload), toa: s.l4Hl > 20 ? toaOf(b, o, s.l4Hl) : undefined,
    };
  } else if (s.l4 === 17) out.udp = { sport: u16(b, s.l4Off), dport: u16(b, s.l4Off + 2) };
  else if (inner.proto === IpProto.ICMP) {
    const o = s.ipOff[i] + s.ipHl[i];
    if (o + 2 <= s.ipEnd[i]) out.icmp = { type: b[o], code: b[o + 1] };
  }
  return out;
}

const MAX_KEPT = 100_000;

/** The decoded capture of one Lab. Get it with `trafficOf(lab)`. */
export class TrafficIndex {
  private readonly pkts: Pkt[] = [];
  /** Frame number of pkts[0]. */
  private base = 1;
  private readonly nicHost = new Map<number, number>();
  /** TCP payload hash → the packets that carried it (oldest first), for originOf. */
  private readonly byHash = new Map<number, Pkt[]>();

  constructor(readonly lab: Lab) {}

  private hostOfNic = (nic: number): number => {
    let h = this.nicHost.get(nic);
    if (h === undefined) {
      for (const host of this.lab.hosts) for (const d of host.devs.values()) this.nicHost.set(d.id, host.id);
      h = this.nicHost.get(nic) ?? -1;
    }
    return h;
  };

  /** Decode what the capture logged since the last call. */
  sync(): void {
    const cap = this.lab.capture;
    const last = cap.lastNo;
    let next = this.base + this.pkts.length;
    if (next < cap.firstNo || next > last + 1) {
      // Evicted past us, or the capture was cleared: start again where it holds records.
      this.pkts.length = 0;
      this.byHash.clear();
      this.base = cap.firstNo;
      next = this.base;
    }
    for (const r of cap.range(next, last)) {
      const p = decode(r.no, r.time, r.segment, r.from, r.to, r.host, r.bytes, this.hostOfNic);
      this.pkts.push(p);
      if (p.tcp && p.tcp.len) {
        const l = this.byHash.get(p.tcp.hash);
        if (l) l.push(p); else this.byHash.set(p.tcp.hash, [p]);
      }
    }
    const drop = Math.max(cap.firstNo - this.base, this.pkts.length - MAX_KEPT, 0);
    if (drop > 0) {
      this.pkts.splice(0, drop);
      this.base += drop;
      for (const [h, l] of this.byHash) {
        const k = l.findIndex((x) => x.no >= this.base);
        if (k < 0) this.byHash.delete(h); else if (k > 0) l.splice(0, k);
      }
    }
  }

  /** The packets with numbers in [from, to] still known. */
  range(from = 1, to = Infinity): Pkt[] {
    this.sync();
    const i0 = Math.max(0, from - this.base);
    const i1 = Math.min(this.pkts.length, to === Infinity ? this.pkts.length : to - this.base + 1);
    return i0 >= i1 ? [] : this.pkts.slice(i0, i1);
  }

  get(no: number): Pkt | undefined {
    this.sync();
    return this.pkts[no - this.base];
  }

  get firstNo(): number { this.sync(); return this.base; }
  get lastNo(): number { this.sync(); return this.base + this.pkts.length - 1; }

  dropOf(no: number): DropInfo | undefined { return this.lab.capture.dropOf(no); }
  notesOf(no: number): readonly FrameNote[] { return this.lab.notesOf(no); }

  /** A host's lab name ("RS1"), or its hostname. */
  hostName(id: number): string {
    const h = this.lab.hostById(id);
    return h ? labName(h) : `host#${id}`;
  }

  segName(id: number): string {
    return id < 0 ? '-' : this.lab.segmentById(id)?.name ?? `segment#${id}`;
  }

  /**
   * The frame `h` sent because of frame `inNo` it received: same IP identification, protocol
   * and TCP sequence numbers and flags (forwarding, NAT, DR, TUN and FULLNAT all keep them), the
   * first such frame `h` put on a wire after it, within `withinUs`.
   */
  pairOut(inNo: number, withinUs = 3_000_000): Pkt | undefined {
    const p = this.get(inNo);
    if (!p?.ip || p.toHost < 0) return undefined;
    const h = p.toHost;
    for (const q of this.range(inNo + 1)) {
      if (q.time > p.time + withinUs) break;
      if (q.fromHost !== h || q.seg < 0 || !q.ip) continue;
      if (q.ip.id !== p.ip.id || q.ip.proto !== p.ip.proto) continue;
      if (p.tcp) {
        if (!q.tcp || q.tcp.seq !== p.tcp.seq || q.tcp.ack !== p.tcp.ack || q.tcp.flags !== p.tcp.flags) continue;
      } else if (p.icmp && (!q.icmp || q.icmp.type !== p.icmp.type)) continue;
      return q;
    }
    return undefined;
  }

  /**
   * Where a TCP payload first came from: the earliest frame (at or before `p`, within 2 s,
   * same bytes) — the server that produced a response the client received.
   */
  originOf(p: Pkt): Pkt {
    if (!p.tcp || !p.tcp.len) return p;
    this.sync();
    for (const q of this.byHash.get(p.tcp.hash) ?? []) {
      if (q.no > p.no) break;
      if (q.no < this.base || q.time < p.time - 2_000_000 || q.seg < 0) continue;
      if (q.tcp!.len === p.tcp.len) return q;
    }
    return p;
  }
}

const INDEXES = new WeakMap<Lab, TrafficIndex>();

export function trafficOf(lab: Lab): TrafficIndex {
  let t = INDEXES.get(lab);
  if (!t) { t = new TrafficIndex(lab); INDEXES.set(lab, t); }
  return t;
}

export function labName(h: Host): string {
  return (h.ext.labName as string | undefined) ?? h.hostname;
}

/** One response (TCP data from a service port) that reached a client, and who produced it. */
export interface Answer {
  /** The frame the client received. */
  readonly no: number;
  /** The frame the server sent (the origin of the bytes). */
  readonly originNo: number;
  /** Host id of the server (or -1 when the bytes' origin is not a frame a host sent). */
  readonly server: number;
  readonly clientIp: number;
  readonly clientPort: number;
  /** The port the client connected to (the service port as the client sees it). */
  readonly port: number;
}

/**
 * Every TCP payload a client host received from a remote port (not dropped), with the
 * server whose frame carried those bytes first. One entry per client connection (the
 * connection's first data segment from the server).
 */
export function answersTo(t: TrafficIndex, client: number, from: number, to = Infinity): Answer[] {
  const out: Answer[] = [];
  const seen = new Set<string>();
  for (const p of t.range(from, to)) {
    if (p.toHost !== client || !p.tcp || !p.tcp.len || !p.ip || p.seg < 0) continue;
    if (t.dropOf(p.no)) continue;
    const key = `${p.ip.dst}:${p.tcp.dport}>${p.ip.src}:${p.tcp.sport}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const o = t.originOf(p);
    out.push({ no: p.no, originNo: o.no, server: o.fromHost, clientIp: p.ip.dst, clientPort: p.tcp.dport, port: p.tcp.sport });
  }
  return out;
}

export const isSyn = (p: Pkt): boolean => !!p.tcp && (p.tcp.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN;
export const isSynAck = (p: Pkt): boolean => !!p.tcp && (p.tcp.flags & (TcpFlag.SYN | TcpFlag.ACK)) === (TcpFlag.SYN | TcpFlag.ACK);
export const isRst = (p: Pkt): boolean => !!p.tcp && (p.tcp.flags & TcpFlag.RST) !== 0;
export const isArp = (p: Pkt): boolean => p.ethType === EtherType.ARP && !!p.arp;
