/**
 * A lab: networks, hosts, one virtual clock, one seeded RNG and one capture log.
 *
 * The Lab is the only owner of time and randomness. It carries frames between hosts: a frame
 * put on a segment is encoded to bytes straight into the capture log, then delivered to the
 * NICs it is addressed to after the segment's latency. It implements the hosts' NetContext.
 *
 * `runUntil(ready, until)` is the simulation half of the shell's driver contract: run events
 * until a condition holds or the clock reaches a deadline.
 */
import { EventQueue, SEC } from '../sim/events.ts';
import { Rng } from '../sim/rng.ts';
import { FrameLog, type DropCode } from '../sim/frameLog.ts';
import { emitFrameInto, frameLen } from '../wire/frame.ts';
import { BROADCAST_MAC, EtherType, ZERO_MAC, fmtMac, isMulticastMac, type EthernetRepr, type Ipv4Repr, type MacAddr } from '../wire/types.ts';
import type { NetContext } from '../net/context.ts';
import type { Dev } from '../net/dev.ts';
import { Host, type HostRole } from '../net/host.ts';
import { Segment } from '../net/segment.ts';

/** 2024-05-14 08:00:00 UTC: every lab's clock starts here unless told otherwise. */
export const DEFAULT_EPOCH_S = 1715673600;

export interface LabOptions {
  seed?: string;
  epochS?: number;
  captureCapacity?: number;
  captureBytes?: number;
}

export interface FrameNote { readonly host: number; readonly text: string }

export type LabEvent =
  | { kind: 'changed'; what: string; host: number }
  | { kind: 'topology' };

export class Lab implements NetContext {
  readonly q = new EventQueue();
  readonly rng: Rng;
  readonly capture: FrameLog;
  readonly epochUs: number;
  readonly hosts: Host[] = [];
  private readonly hostIndex: (Host | undefined)[] = [];
  readonly segments: Segment[] = [];
  /** Per-host loopback pseudo-segments ("lo@lvs"), created on first use. */
  private readonly loopSegs = new Map<number, Segment>();
  private readonly notes = new Map<number, FrameNote[]>();
  private nextDevId = 1;
  private nextHostId = 1;
  private nextSegId = 0;
  private readonly listeners = new Set<(e: LabEvent) => void>();
  /** Name of the preset this lab was built from. */
  preset = 'blank';

  constructor(opts: LabOptions = {}) {
    this.rng = new Rng(opts.seed ?? 'lvs-lab');
    this.capture = new FrameLog({ capacity: opts.captureCapacity, arenaBytes: opts.captureBytes });
    this.epochUs = (opts.epochS ?? DEFAULT_EPOCH_S) * SEC;
  }

  // ---- building --------------------------------------------------------------------------

  addSegment(name: string, kind: Segment['kind'] = 'custom'): Segment {
    const s = new Segment(this.nextSegId++, name, kind);
    this.segments.push(s);
    this.emit({ kind: 'topology' });
    return s;
  }

  segment(name: string): Segment | undefined {
    return this.segments.find((s) => s.name === name);
  }

  segmentById(id: number): Segment | undefined {
    return this.segments.find((s) => s.id === id) ?? [...this.loopSegs.values()].find((s) => s.id === id);
  }

  removeSegment(name: string): void {
    const s = this.segment(name);
    if (!s) return;
    for (const d of [...s.ports]) this.hostById(d.hostId)?.attach(d.name, null);
    for (const h of this.hosts) for (const d of h.devs.values()) if (d.segment === s) h.attach(d.name, null);
    this.segments.splice(this.segments.indexOf(s), 1);
    this.emit({ kind: 'topology' });
  }

  addHost(hostname: string, role: HostRole = 'host'): Host {
    const h = new Host(this, this.nextHostId++, hostname, role);
    this.hosts.push(h);
    this.hostIndex[h.id] = h;
    this.emit({ kind: 'topology' });
    return h;
  }

  removeHost(h: Host): void {
    h.powerOff();
    for (const d of h.devs.values()) if (d.segment) d.segment.ports.delete(d);
    this.hosts.splice(this.hosts.indexOf(h), 1);
    this.hostIndex[h.id] = undefined;
    this.emit({ kind: 'topology' });
  }

  /** Host by name, case-insensitively (the runner's `RS1#` and `rs1#` are the same host). */
  host(name: string): Host | undefined {
    const n = name.toLowerCase();
    return this.hosts.find((h) => h.hostname.toLowerCase() === n)
      ?? this.hosts.find((h) => (h.ext.labName as string | undefined)?.toLowerCase() === n);
  }

  hostById(id: number): Host | undefined { return this.hostIndex[id]; }

  /** A deterministic VMware-style MAC (00:0c:29:xx:xx:xx) for a new NIC. */
  vmwareMac(label: string): MacAddr {
    const r = this.rng.fork(`mac:${label}`).u32() & 0xffffff;
    return (0x000c29 * 0x1000000 + r) as MacAddr;
  }

  // ---- NetContext --------------------------------------------------------------------------

  allocDevId(): number { return this.nextDevId++; }

  private loopSeg(h: Host): Segment {
    let s = this.loopSegs.get(h.id);
    if (!s) {
      s = new Segment(this.nextSegId++, `lo@${h.hostname}`, 'custom');
      s.latency = 5;
      this.loopSegs.set(h.id, s);
    }
    return s;
  }

  /** Every capture interface (segments, then loopbacks that carried traffic), for pcapng. */
  captureInterfaces(): Segment[] {
    return [...this.segments, ...this.loopSegs.values()].sort((a, b) => a.id - b.id);
  }

  /** The frame whose delivery is being processed (what a host sends now was caused by it). */
  private processing = 0;

  transmit(dev: Dev, frame: EthernetRepr, cause: number = this.processing): number {
    const host = this.hostById(dev.hostId)!;
    const seg = dev.kind === 'loopback' ? this.loopSeg(host) : dev.segment;
    if (!seg) return 0;
    const len = frameLen(frame);
    const { buf, off } = this.capture.reserve(len);
    emitFrameInto(frame, buf, off);
    dev.stats.txBytes += len;

    // Who receives it.
    let single: Dev | null = null;
    let many: Dev[] | null = null;
    if (dev.kind === 'loopback') {
      single = dev;
    } else if (frame.dst === BROADCAST_MAC || isMulticastMac(frame.dst)) {
      many = [];
      for (const p of seg.ports) if (p !== dev) many.push(p);
    } else {
      for (const p of seg.ports) {
        if (p === dev) continue;
        if (p.mac === frame.dst || p.promisc) {
          if (single === null && many === null) single = p;
          else { many ??= [single!]; single = null; many.push(p); }
        }
      }
    }
    const no = this.capture.commit(len, this.q.now, seg.id, dev.id, single ? single.id : -1, dev.hostId, cause);
    if (!single && (!many || many.length === 0)) {
      if (dev.kind !== 'loopback' && frame.dst !== BROADCAST_MAC && !isMulticastMac(frame.dst)) {
        this.markDropped(no, dev.hostId, `no NIC with MAC ${fmtMac(frame.dst)} is on ${seg.name} (the host is gone or its cable is pulled)`, 'no-such-mac');
      }
      return no;
    }
    if (single) this.q.callAfter(seg.latency, this.deliverOne, single, frame, no, len);
    else this.q.callAfter(seg.latency, this.deliverMany, many!, frame, no, len);
    return no;
  }

  private readonly deliverOne = (d: Dev, frame: EthernetRepr, no: number, len: number): void => this.deliver(d, frame, no, len);
  private readonly deliverMany = (list: Dev[], frame: EthernetRepr, no: number, len: number): void => {
    for (const d of list) this.deliver(d, frame, no, len);
  };

  private deliver(d: Dev, frame: EthernetRepr, no: number, len: number): void {
    const h = this.hostById(d.hostId);
    if (!h) return;
    d.stats.rxBytes += len;
    const outer = this.processing;
    this.processing = no;
    try { h.receive(d, frame, no); } finally { this.processing = outer; }
  }

  logInternalDrop(hostId: number, ip: Ipv4Repr, reason: string, code: DropCode): number {
    const frame: EthernetRepr = { src: ZERO_MAC, dst: ZERO_MAC, ethertype: EtherType.IPv4, payload: ip };
    const len = frameLen(frame);
    const { buf, off } = this.capture.reserve(len);
    emitFrameInto(frame, buf, off);
    const no = this.capture.commit(len, this.q.now, -1, -1, -1, hostId);
    this.capture.markDropped(no, { host: hostId, reason, code });
    return no;
  }

  markDropped(no: number, hostId: number, reason: string, code: DropCode): void {
    this.capture.markDropped(no, { host: hostId, reason, code });
  }

  note(no: number, hostId: number, text: string): void {
    if (!this.capture.has(no)) return;
    let l = this.notes.get(no);
    if (!l) { l = []; this.notes.set(no, l); }
    l.push({ host: hostId, text });
    if (this.notes.size > this.capture.capacity) {
      for (const k of this.notes.keys()) { if (k >= this.capture.firstNo) break; this.notes.delete(k); }
    }
  }

  notesOf(no: number): readonly FrameNote[] { return this.notes.get(no) ?? []; }

  changed(what: string, hostId: number): void { if (this.listeners.size) this.emit({ kind: 'changed', what, host: hostId }); }

  // ---- events ------------------------------------------------------------------------------

  on(fn: (e: LabEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(e: LabEvent): void {
    if (this.listeners.size) for (const l of this.listeners) l(e);
  }

  // ---- running -------------------------------------------------------------------------------

  get now(): number { return this.q.now; }

  /** Seconds since the Unix epoch on the virtual clock. */
  epochSeconds(): number { return Math.floor((this.epochUs + this.q.now) / SEC); }

  /**
   * Run events until `ready()` is true, or the clock reaches `until`, whichever comes first.
   * Returns false when neither can ever happen (no events left and no deadline).
   */
  runUntil(ready?: () => boolean, until?: number): boolean {
    const q = this.q;
    if (ready?.()) return true;
    for (;;) {
      const t = q.peekTime();
      if (until !== undefined && t > until) { q.advanceTo(until); return true; }
      if (t === Infinity) {
        if (until !== undefined) { q.advanceTo(until); return true; }
        return false;
      }
      q.runNext();
      if (ready?.()) return true;
    }
  }

  /** Advance the clock by `us`, running everything due. */
  advance(us: number): void { this.q.advanceTo(this.q.now + us); }
}

