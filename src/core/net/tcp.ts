/**
 * TCP, as a Linux 5.14 host puts it on the wire for the lab's traffic: the three-way
 * handshake with Linux's SYN options (MSS, SACK_PERM, timestamps, NOP, window scale 7),
 * data with immediate ACKs (quick-ack mode, which is what a capture of `curl` against
 * httpd shows), FIN teardown with the delayed ACK piggybacked on the peer's FIN, RST for
 * closed ports, retransmission with exponential backoff (SYN: 1, 2, 4, ... s, giving up after
 * tcp_syn_retries), and TIME_WAIT (60 s).
 *
 * Deliberately simplified: no SACK blocks, no congestion control beyond a fixed initial
 * window growing by slow start, out-of-order segments are dropped (the lab never reorders),
 * no urgent data, no keepalive, no Nagle.
 *
 * Applications use TcpSocket: coroutines (curl) poll its fields; daemons (httpd) set callbacks.
 */
import { MS, SEC, type Timer } from '../sim/events.ts';
import type { Skb } from '../netfilter/hooks.ts';
import { EMPTY, IpProto, TcpFlag, fmtIp, type Ipv4Addr, type Ipv4Repr, type TcpOption, type TcpRepr } from '../wire/types.ts';
import type { Dev } from './dev.ts';
import type { Host, NetErrno } from './host.ts';

export type TcpState = 'CLOSED' | 'LISTEN' | 'SYN_SENT' | 'SYN_RECV' | 'ESTABLISHED' | 'FIN_WAIT1' | 'FIN_WAIT2'
  | 'CLOSE_WAIT' | 'CLOSING' | 'LAST_ACK' | 'TIME_WAIT';

const WSCALE = 7;
const SYN_WINDOW = 64240;
const SYNACK_WINDOW = 65160;
const RCV_WINDOW = 64256;
const TIME_WAIT = 60 * SEC;
const DELACK = 40 * MS;
const RTO_INIT = 1 * SEC;
const RTO_MAX = 120 * SEC;
const INIT_CWND = 10;

// Not frozen, though never changed: a frozen object or array has a map of its own, and the
// option encoders (which see every option of every segment) stay fast only while the options
// they meet have a few shapes ({kind}, {kind,value}, {kind,shift}, {kind,val,ecr}).
const NOP: TcpOption = { kind: 'nop' };
const NO_OPTIONS: readonly TcpOption[] = [];

function tsOption(t: TcpRepr): { val: number } | undefined {
  const o = t.options;
  for (let i = 0; i < o.length; i++) if (o[i].kind === 'ts') return o[i] as { val: number };
  return undefined;
}

const seqLt = (a: number, b: number) => ((a - b) | 0) < 0;
const seqLe = (a: number, b: number) => ((a - b) | 0) <= 0;
const add = (a: number, b: number) => (a + b) >>> 0;

interface Unacked { seq: number; flags: number; data: Uint8Array; len: number /* seq space */ }

export interface Listener {
  readonly addr: Ipv4Addr | 0;
  readonly port: number;
  readonly owner: string;
  accept: (s: TcpSocket) => void;
  backlog: number;
}

export class TcpSocket {
  state: TcpState = 'CLOSED';
  laddr: Ipv4Addr = 0 as Ipv4Addr;
  lport = 0;
  raddr: Ipv4Addr = 0 as Ipv4Addr;
  rport = 0;
  /** Device the socket is bound to (curl --interface with a device name). */
  bindDev?: string;

  iss = 0; sndUna = 0; sndNxt = 0; sndWnd = SYN_WINDOW; sndWscale = 0; mss = 536;
  irs = 0; rcvNxt = 0;
  private tsOk = false; private tsRecent = 0; private readonly tsOffset: number;
  private sendQueue: Uint8Array[] = [];
  private unacked: Unacked[] = [];
  private finQueued = false;
  private finSent = false;
  cwnd = INIT_CWND;

  /** Received, not yet read by the application. */
  rx: Uint8Array[] = [];
  rxBytes = 0;
  /** The peer has sent FIN (read() returns EOF once rx is drained). */
  rxEof = false;
  /** A hard error (connect failed, reset): the application sees it as errno. */
  error: NetErrno | null = null;

  private rtoTimer: Timer | null = null;
  private rto = RTO_INIT;
  private retries = 0;
  private delackTimer: Timer | null = null;
  private twTimer: Timer | null = null;
  private ipId: number;
  /** Totals, for ss -i style statistics and tests. */
  bytesSent = 0; bytesReceived = 0;
  readonly owner: string;
  /** Virtual time of creation. */
  readonly created: number;

  onEstablished?: () => void;
  onData?: () => void;
  onEof?: () => void;
  onClosed?: () => void;
  onError?: (e: NetErrno) => void;
  /** For server sockets: the listener it came from. */
  listener: Listener | null = null;

  constructor(readonly stack: TcpStack, owner: string) {
    this.owner = owner;
    this.tsOffset = stack.host.rng.u32();
    this.ipId = stack.host.rng.u32() & 0xffff;
    this.created = stack.host.now;
  }

  // ---- application API -----------------------------------------------------------------

  send(data: Uint8Array | string): void {
    if (this.finQueued || this.state === 'CLOSED') return;
    const b = typeof data === 'string' ? encoder.encode(data) : data;
    if (b.length === 0) return;
    this.sendQueue.push(b);
    this.trySend();
  }

  /** Read everything buffered (empty array when nothing is). */
  read(): Uint8Array {
    if (this.rx.length === 0) return EMPTY;
    const out = this.rx.length === 1 ? this.rx[0] : concat(this.rx, this.rxBytes);
    this.rx = [];
    this.rxBytes = 0;
    return out;
  }

  /** Orderly close: FIN after queued data. */
  close(): void {
    if (this.finQueued) return;
    this.finQueued = true;
    if (this.state === 'SYN_SENT' || this.state === 'LISTEN' || this.state === 'CLOSED') { this.destroy(); return; }
    this.trySend();
  }

  /** Abortive close: RST. */
  abort(): void {
    if (this.state === 'ESTABLISHED' || this.state === 'CLOSE_WAIT' || this.state === 'FIN_WAIT1' || this.state === 'FIN_WAIT2' || this.state === 'SYN_RECV') {
      this.emit(TcpFlag.RST | TcpFlag.ACK, this.sndNxt, EMPTY, false);
    }
    this.destroy();
  }

  get isOpen(): boolean { return this.state !== 'CLOSED'; }
  get established(): boolean { return this.state === 'ESTABLISHED' || this.state === 'CLOSE_WAIT'; }
  /** Bytes sent but not yet acknowledged, plus those queued. */
  get pending(): number {
    let n = 0;
    for (const u of this.unacked) n += u.data.length;
    for (const b of this.sendQueue) n += b.length;
    return n;
  }

  // ---- segment output ---------------------------------------------------------------------

  private tsVal(): number { return (Math.floor(this.stack.host.now / MS) + this.tsOffset) >>> 0; }

  private options(syn: boolean): readonly TcpOption[] {
    if (syn) {
      return [
        { kind: 'mss', value: this.stack.ourMss(this) },
        { kind: 'sackPerm' },
        { kind: 'ts', val: this.tsVal(), ecr: this.state === 'SYN_RECV' ? this.tsRecent : 0 },
        { kind: 'nop' },
        { kind: 'ws', shift: WSCALE },
      ];
    }
    if (!this.tsOk) return NO_OPTIONS;
    // Reprs are immutable: segments sent in the same millisecond with the same echo share one list.
    const val = this.tsVal();
    const c = this.tsOpts;
    if (c !== null && this.tsOptsVal === val && this.tsOptsEcr === this.tsRecent) return c;
    const list = [NOP, NOP, { kind: 'ts', val, ecr: this.tsRecent }] as const;
    this.tsOpts = list;
    this.tsOptsVal = val;
    this.tsOptsEcr = this.tsRecent;
    return list;
  }
  // The last list and its TSval/TSecr, in fields of their own (no cache record per new list).
  private tsOpts: readonly TcpOption[] | null = null;
  private tsOptsVal = 0;
  private tsOptsEcr = 0;

  /** Build and send one segment. */
  emit(flags: number, seq: number, data: Uint8Array, track: boolean): void {
    const syn = (flags & TcpFlag.SYN) !== 0;
    const window = syn ? (this.state === 'SYN_SENT' ? SYN_WINDOW : SYNACK_WINDOW) : Math.floor(RCV_WINDOW / (1 << WSCALE));
    const tcp: TcpRepr = {
      kind: 'tcp', srcPort: this.lport, dstPort: this.rport, seq,
      ack: flags & TcpFlag.ACK ? this.rcvNxt : 0, flags, window,
      options: flags & TcpFlag.RST ? NO_OPTIONS : this.options(syn), payload: data,
    };
    if (flags & TcpFlag.ACK) { this.stack.host.net.q.cancel(this.delackTimer); this.delackTimer = null; }
    this.ipId = (this.ipId + 1) & 0xffff;
    const ip: Ipv4Repr = {
      kind: 'ipv4', tos: 0, id: syn && this.state === 'SYN_RECV' ? 0 : this.ipId, df: true, ttl: this.stack.ttl(), protocol: IpProto.TCP,
      src: this.laddr, dst: this.raddr, payload: tcp,
    };
    if (track) {
      const len = data.length + (syn ? 1 : 0) + (flags & TcpFlag.FIN ? 1 : 0);
      this.unacked.push({ seq, flags, data, len });
      this.armRto();
    }
    this.bytesSent += data.length;
    const err = this.stack.host.output(ip, this.bindDev === undefined ? undefined : { oif: this.bindDev });
    if (err && (this.state === 'SYN_SENT')) this.fail(err);
  }

  private armRto(): void {
    if (this.rtoTimer) return;
    const q = this.stack.host.net.q;
    this.rtoTimer = q.call(q.now + this.rto, TcpSocket.rtoFired, this);
  }

  // Timer callbacks without a closure per arming (q.call passes the socket).
  private static rtoFired(s: TcpSocket): void { s.onRto(); }
  private static delackFired(s: TcpSocket): void { s.delackTimer = null; if (s.state !== 'CLOSED') s.ackNow(); }
  private static timeWaitOver(s: TcpSocket): void { s.destroy(); }

  private onRto(): void {
    this.rtoTimer = null;
    if (this.unacked.length === 0) return;
    this.retries++;
    const limit = this.state === 'SYN_SENT' ? this.stack.sysInt('net.ipv4.tcp_syn_retries', 6)
      : this.state === 'SYN_RECV' ? this.stack.sysInt('net.ipv4.tcp_synack_retries', 5)
        : this.stack.sysInt('net.ipv4.tcp_retries2', 15);
    if (this.retries > limit) { this.fail('ETIMEDOUT'); return; }
    const u = this.unacked[0];
    this.rto = Math.min(this.rto * 2, RTO_MAX);
    this.cwnd = 1;
    this.emit(u.flags | (this.state === 'SYN_SENT' ? 0 : TcpFlag.ACK), u.seq, u.data, false);
    this.armRto();
  }

  /** Send what the windows allow, then FIN if the application closed. */
  trySend(): void {
    if (this.state !== 'ESTABLISHED' && this.state !== 'CLOSE_WAIT') return;
    const mss = this.mss;
    while (this.sendQueue.length) {
      const inflight = (this.sndNxt - this.sndUna) >>> 0;
      const wnd = Math.min(this.sndWnd, this.cwnd * mss);
      if (inflight >= wnd) break;
      let chunk = this.sendQueue[0];
      const room = Math.min(mss, wnd - inflight);
      let last = true;
      if (chunk.length > room) {
        this.sendQueue[0] = chunk.subarray(room);
        chunk = chunk.subarray(0, room);
        last = false;
      } else {
        this.sendQueue.shift();
      }
      this.emit(TcpFlag.ACK | (last ? TcpFlag.PSH : 0), this.sndNxt, chunk, true);
      this.sndNxt = add(this.sndNxt, chunk.length);
    }
    if (this.finQueued && !this.finSent && this.sendQueue.length === 0) {
      this.finSent = true;
      this.emit(TcpFlag.FIN | TcpFlag.ACK, this.sndNxt, EMPTY, true);
      this.sndNxt = add(this.sndNxt, 1);
      this.state = this.state === 'CLOSE_WAIT' ? 'LAST_ACK' : 'FIN_WAIT1';
      this.stack.changed(this);
    }
  }

  private ackNow(): void { this.emit(TcpFlag.ACK, this.sndNxt, EMPTY, false); }

  private ackLater(): void {
    if (this.delackTimer) return;
    const q = this.stack.host.net.q;
    this.delackTimer = q.call(q.now + DELACK, TcpSocket.delackFired, this);
  }

  // ---- segment input -------------------------------------------------------------------------

  /** Process a segment for this connection (tcp_rcv_state_process, reduced). */
  input(ip: Ipv4Repr, t: TcpRepr, dev: Dev | null): void {
    const f = t.flags;
    const ts = tsOption(t);
    if (f & TcpFlag.RST) { this.onRst(t); return; }

    if (this.state === 'SYN_SENT') {
      if (f & TcpFlag.ACK && t.ack !== add(this.iss, 1)) { this.stack.sendRst(ip, t); return; }
      if (!(f & TcpFlag.SYN) || !(f & TcpFlag.ACK)) return;
      this.irs = t.seq;
      this.rcvNxt = add(t.seq, 1);
      this.sndUna = t.ack;
      this.peerOptions(t);
      if (ts) this.tsRecent = ts.val;
      this.sndWnd = t.window; // window in SYN-ACK is never scaled
      this.clearRto();
      this.state = 'ESTABLISHED';
      this.confirm(dev);
      this.ackNow();
      this.stack.changed(this);
      this.onEstablished?.();
      this.trySend();
      return;
    }

    if (this.state === 'SYN_RECV') {
      if (f & TcpFlag.SYN && !(f & TcpFlag.ACK)) {
        // Retransmitted SYN: our SYN-ACK was lost; send it again.
        this.emit(TcpFlag.SYN | TcpFlag.ACK, this.iss, EMPTY, false);
        return;
      }
      if (!(f & TcpFlag.ACK) || t.ack !== add(this.iss, 1)) { if (f & TcpFlag.ACK) this.stack.sendRst(ip, t); return; }
      this.sndUna = t.ack;
      this.clearRto();
      this.unacked = [];
      this.state = 'ESTABLISHED';
      this.stack.changed(this);
      this.confirm(dev);
      if (this.listener) { const l = this.listener; this.listener = null; l.accept(this); }
    }

    if (this.state === 'TIME_WAIT') {
      if (f & TcpFlag.FIN) this.ackNow(); // retransmitted FIN: ACK again
      return;
    }

    // Acceptability: we take exactly the next segment (no reordering in the lab).
    const len = t.payload.length;
    if (t.seq !== this.rcvNxt && (len > 0 || f & TcpFlag.FIN)) {
      if (seqLt(t.seq, this.rcvNxt)) this.ackNow(); // duplicate: re-ACK
      return;
    }
    if (ts) this.tsRecent = ts.val;

    if (f & TcpFlag.ACK) {
      this.sndWnd = t.window << this.sndWscale;
      if (seqLt(this.sndUna, t.ack) && seqLe(t.ack, this.sndNxt)) {
        this.sndUna = t.ack;
        while (this.unacked.length && seqLe(add(this.unacked[0].seq, this.unacked[0].len), t.ack)) this.unacked.shift();
        this.clearRto();
        if (this.unacked.length) this.armRto();
        this.cwnd = Math.min(this.cwnd + 1, 1000);
        this.confirm(dev);
        if (this.finSent && this.sndUna === this.sndNxt) {
          if (this.state === 'FIN_WAIT1') { this.state = 'FIN_WAIT2'; this.stack.changed(this); }
          else if (this.state === 'CLOSING') { this.enterTimeWait(); return; }
          else if (this.state === 'LAST_ACK') { this.destroy(); return; }
        }
      }
    }

    let needAck = false;
    if (len > 0 && (this.state === 'ESTABLISHED' || this.state === 'FIN_WAIT1' || this.state === 'FIN_WAIT2')) {
      this.rx.push(t.payload);
      this.rxBytes += len;
      this.bytesReceived += len;
      this.rcvNxt = add(this.rcvNxt, len);
      needAck = true;
    }
    if (f & TcpFlag.FIN) {
      this.rcvNxt = add(this.rcvNxt, 1);
      this.rxEof = true;
      switch (this.state) {
        case 'ESTABLISHED':
          this.state = 'CLOSE_WAIT';
          this.stack.changed(this);
          if (needAck) this.ackNow(); else this.ackLater();
          needAck = false;
          break;
        case 'FIN_WAIT1':
          if (this.sndUna === this.sndNxt) { this.ackNow(); this.enterTimeWait(); }
          else { this.state = 'CLOSING'; this.stack.changed(this); this.ackNow(); }
          needAck = false;
          break;
        case 'FIN_WAIT2':
          this.ackNow();
          this.enterTimeWait();
          needAck = false;
          break;
      }
    }
    if (needAck) this.ackNow();
    if (len > 0) this.onData?.();
    if (f & TcpFlag.FIN) this.onEof?.();
    this.trySend();
  }

  private peerOptions(t: TcpRepr): void {
    let ws = -1;
    let ts = false;
    for (const o of t.options) {
      if (o.kind === 'mss') this.mss = Math.min(o.value, this.stack.ourMss(this));
      else if (o.kind === 'ws') ws = o.shift;
      else if (o.kind === 'ts') ts = true;
    }
    if (!t.options.some((o) => o.kind === 'mss')) this.mss = 536;
    // Window scaling applies only if both sides offered it.
    this.sndWscale = ws >= 0 ? Math.min(ws, 14) : 0;
    this.tsOk = ts;
  }

  /** Server side: a SYN arrived for our listener. */
  acceptSyn(ip: Ipv4Repr, t: TcpRepr): void {
    this.laddr = ip.dst; this.lport = t.dstPort; this.raddr = ip.src; this.rport = t.srcPort;
    this.irs = t.seq;
    this.rcvNxt = add(t.seq, 1);
    this.peerOptions(t);
    const ts = tsOption(t);
    if (ts) this.tsRecent = ts.val;
    this.iss = this.stack.host.rng.u32();
    this.sndUna = this.iss;
    this.state = 'SYN_RECV';
    this.emit(TcpFlag.SYN | TcpFlag.ACK, this.iss, EMPTY, true);
    this.sndNxt = add(this.iss, 1);
  }

  /** Client side: send the SYN. */
  startConnect(): void {
    this.iss = this.stack.host.rng.u32();
    this.sndUna = this.iss;
    this.state = 'SYN_SENT';
    this.stack.changed(this);
    this.emit(TcpFlag.SYN, this.iss, EMPTY, true);
    this.sndNxt = add(this.iss, 1);
  }

  private onRst(t: TcpRepr): void {
    if (this.state === 'SYN_SENT') {
      if (t.flags & TcpFlag.ACK && t.ack === add(this.iss, 1)) this.fail('ECONNREFUSED');
      return;
    }
    if (this.state === 'TIME_WAIT') return;
    if (this.state === 'SYN_RECV') { this.destroy(); return; }
    this.fail(this.state === 'CLOSE_WAIT' || this.state === 'ESTABLISHED' || this.state === 'FIN_WAIT1' || this.state === 'FIN_WAIT2' ? 'ECONNRESET' : 'ECONNRESET');
  }

  /** A hard error: the connection is gone and the application sees errno. */
  fail(e: NetErrno): void {
    if (this.state === 'CLOSED') return;
    this.error = e;
    this.destroy();
    this.onError?.(e);
  }

  /** A soft ICMP error: fatal only while connecting (tcp_v4_err). */
  icmpError(e: NetErrno): void {
    if (this.state === 'SYN_SENT' || this.state === 'SYN_RECV') this.fail(e);
  }

  private confirm(dev: Dev | null): void {
    if (!dev || dev.kind !== 'ether') return;
    const r = this.stack.host.lookupRoute(this.raddr);
    this.stack.host.neigh.confirm(dev.name, (r?.gw ?? this.raddr));
  }

  private clearRto(): void {
    this.stack.host.net.q.cancel(this.rtoTimer);
    this.rtoTimer = null;
    this.rto = RTO_INIT;
    this.retries = 0;
  }

  private enterTimeWait(): void {
    this.state = 'TIME_WAIT';
    this.clearRto();
    this.unacked = [];
    this.sendQueue = []; // already empty (our FIN went after it): drop the spare capacity for the 60 s
    this.tsOpts = null;
    this.stack.changed(this);
    const q = this.stack.host.net.q;
    this.twTimer = q.call(q.now + TIME_WAIT, TcpSocket.timeWaitOver, this);
    const closed = this.onClosed;
    // No callback runs after this point (a TIME_WAIT socket only re-ACKs a FIN, ignores RST,
    // and its end or a power loss calls none), so let the application's closures go for the 60 s.
    this.onEstablished = this.onData = this.onEof = this.onClosed = this.onError = undefined;
    closed?.();
  }

  /** Remove the socket from the stack and cancel its timers. */
  destroy(): void {
    const q = this.stack.host.net.q;
    q.cancel(this.rtoTimer); q.cancel(this.delackTimer); q.cancel(this.twTimer);
    this.rtoTimer = this.delackTimer = this.twTimer = null;
    const was = this.state;
    this.state = 'CLOSED';
    this.stack.remove(this);
    if (was !== 'TIME_WAIT' && was !== 'CLOSED') this.onClosed?.();
  }
}

const encoder = new TextEncoder();

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}

/** Connections keyed by remote (addr·65536+port), then local (addr·65536+port): exact doubles, no strings. */
class ConnTable {
  private readonly byRemote = new Map<number, Map<number, TcpSocket>>();
  size = 0;
  // The last lookup and its answer (a connection's segments come in a row); any change forgets it.
  private hitR = -1; private hitL = -1; private hit: TcpSocket | undefined = undefined;
  get(laddr: number, lport: number, raddr: number, rport: number): TcpSocket | undefined {
    const rk = raddr * 65536 + rport, lk = laddr * 65536 + lport;
    if (rk === this.hitR && lk === this.hitL) return this.hit;
    const s = this.byRemote.get(rk)?.get(lk);
    this.hitR = rk; this.hitL = lk; this.hit = s;
    return s;
  }
  set(s: TcpSocket): void {
    this.hitR = -1; this.hit = undefined;
    const rk = s.raddr * 65536 + s.rport;
    let m = this.byRemote.get(rk);
    if (!m) { m = new Map(); this.byRemote.set(rk, m); }
    if (!m.has(s.laddr * 65536 + s.lport)) this.size++;
    m.set(s.laddr * 65536 + s.lport, s);
  }
  delete(s: TcpSocket): void {
    this.hitR = -1; this.hit = undefined;
    const rk = s.raddr * 65536 + s.rport;
    const m = this.byRemote.get(rk);
    if (!m) return;
    const lk = s.laddr * 65536 + s.lport;
    if (m.get(lk) !== s) return;
    m.delete(lk);
    this.size--;
    if (m.size === 0) this.byRemote.delete(rk);
  }
  *values(): IterableIterator<TcpSocket> { for (const m of this.byRemote.values()) yield* m.values(); }
}

export class TcpStack {
  private readonly conns = new ConnTable();
  private portRange: [number, number] = [32768, 60999];
  private portRangeRaw = '';
  private portRangeGen = -1;
  private readonly listeners: Listener[] = [];
  private portCursor: number;

  constructor(readonly host: Host) {
    this.portCursor = host.rng.u32();
  }

  sysInt(key: string, dflt: number): number {
    return this.host.sysctl.intCached(key, dflt);
  }

  ttl(): number { return this.sysInt('net.ipv4.ip_default_ttl', 64); }

  ourMss(s: TcpSocket): number {
    const r = this.host.routeOutput(s.raddr, s.laddr, s.bindDev);
    const mtu = typeof r === 'string' ? 1500 : r.dev.mtu;
    return Math.min(mtu, 65535) - 40;
  }

  changed(_s: TcpSocket): void { /* hook for ss/UI; kept cheap */ }

  all(): TcpSocket[] { return [...this.conns.values()]; }
  allListeners(): readonly Listener[] { return this.listeners; }

  /** listen(2). Returns EADDRINUSE when the port is taken on an overlapping address. */
  listen(addr: Ipv4Addr | 0, port: number, owner: string, accept: (s: TcpSocket) => void, backlog = 511): Listener | NetErrno {
    if (this.listeners.some((l) => l.port === port && (l.addr === 0 || addr === 0 || l.addr === addr))) return 'EADDRINUSE';
    const l: Listener = { addr, port, owner, accept, backlog };
    this.listeners.push(l);
    return l;
  }

  unlisten(l: Listener): void {
    const i = this.listeners.indexOf(l);
    if (i >= 0) this.listeners.splice(i, 1);
  }

  /**
   * connect(2): pick a source address and an ephemeral port (Linux prefers even ports for
   * connect since 5.x), send the SYN. Errors that happen at once (no route) are returned.
   */
  connect(raddr: Ipv4Addr, rport: number, owner: string, opts: { laddr?: Ipv4Addr; lport?: number; bindDev?: string } = {}): TcpSocket | NetErrno {
    const rr = this.host.routeOutput(raddr, opts.laddr ?? 0, opts.bindDev);
    if (typeof rr === 'string') {
      this.host.net.logInternalDrop(this.host.id, {
        kind: 'ipv4', tos: 0, id: 0, df: true, ttl: 64, protocol: IpProto.TCP, src: (opts.laddr ?? 0) as Ipv4Addr, dst: raddr,
        payload: { kind: 'tcp', srcPort: 0, dstPort: rport, seq: 0, ack: 0, flags: TcpFlag.SYN, window: SYN_WINDOW, options: [], payload: EMPTY },
      }, `${this.host.hostname}: connect to ${fmtIp(raddr)}:${rport}: ${rr === 'ENETUNREACH' ? 'network is unreachable (no route)' : rr}`, 'no-route');
      return rr;
    }
    if (opts.laddr && !this.host.isLocal(opts.laddr) && this.host.sysctl.get('net.ipv4.ip_nonlocal_bind') !== '1') return 'EADDRNOTAVAIL';
    const laddr = (opts.laddr ?? rr.src) as Ipv4Addr;
    const lport = opts.lport ?? this.ephemeral(laddr, raddr, rport);
    if (lport < 0) return 'EADDRNOTAVAIL';
    const s = new TcpSocket(this, owner);
    s.laddr = laddr; s.lport = lport; s.raddr = raddr; s.rport = rport; s.bindDev = opts.bindDev;
    this.conns.set(s);
    s.startConnect();
    return s;
  }

  private ephemeral(laddr: number, raddr: number, rport: number): number {
    const sc = this.host.sysctl;
    if (sc.gen !== this.portRangeGen) {
      this.portRangeGen = sc.gen;
      const raw = sc.get('net.ipv4.ip_local_port_range') ?? '32768\t60999';
      if (raw !== this.portRangeRaw) { this.portRangeRaw = raw; const [a, b] = raw.split(/\s+/).map(Number); this.portRange = [a, b]; }
    }
    const [lo, hi] = this.portRange;
    const span = hi - lo + 1;
    // As inet_hash_connect: start at a pseudo-random offset, try even ports first, then odd.
    const start = this.portCursor % span;
    for (let parity = 0; parity <= 1; parity++) {
      let off = start - (start & 1) + parity;
      for (let i = 0; i < span; i += 2, off += 2) {
        const p = (lo + (off % span)) | 0; // an int32 (Smi), not a float: port fields stay unboxed
        if (!this.conns.get(laddr, p, raddr, rport) && !this.portListened(p)) {
          this.portCursor = (this.portCursor + i + 2 + (this.host.rng.u32() & 0xe)) >>> 0;
          return p;
        }
      }
    }
    return -1;
  }

  private portListened(p: number): boolean {
    const ls = this.listeners;
    for (let i = 0; i < ls.length; i++) if (ls[i].port === p) return true;
    return false;
  }

  remove(s: TcpSocket): void {
    this.conns.delete(s);
  }

  /** Power loss: every socket vanishes without a word on the wire. */
  reset(): void {
    for (const s of [...this.conns.values()]) { s.error = 'ECONNRESET'; s.destroy(); }
  }

  /** A TCP segment was delivered locally. */
  rcv(skb: Skb, t: TcpRepr, dev: Dev): void {
    const ip = skb.ip;
    let s = this.conns.get(ip.dst, t.dstPort, ip.src, t.srcPort);
    if (s && s.state === 'TIME_WAIT' && t.flags & TcpFlag.SYN && !(t.flags & TcpFlag.ACK) && seqLt(s.rcvNxt, t.seq)) {
      // A new SYN on a TIME_WAIT 4-tuple with a higher sequence number reopens it (tcp_timewait_state_process).
      s.destroy();
      s = undefined;
    }
    if (s) { s.input(ip, t, dev); return; }
    if ((t.flags & (TcpFlag.SYN | TcpFlag.ACK | TcpFlag.RST)) === TcpFlag.SYN) {
      const l = this.listeners.find((x) => x.port === t.dstPort && (x.addr === 0 || x.addr === ip.dst));
      if (l) {
        const ns = new TcpSocket(this, l.owner);
        ns.listener = l;
        ns.laddr = ip.dst; ns.lport = t.dstPort; ns.raddr = ip.src; ns.rport = t.srcPort;
        this.conns.set(ns);
        ns.acceptSyn(ip, t);
        return;
      }
    }
    if (t.flags & TcpFlag.RST) return;
    if (skb.frameNo) {
      this.host.net.note(skb.frameNo, this.host.id,
        `${this.host.hostname}: nothing listens on ${fmtIp(ip.dst)}:${t.dstPort} — answered with RST`);
    }
    this.sendRst(ip, t);
  }

  /** tcp_v4_send_reset(). */
  sendRst(ip: Ipv4Repr, t: TcpRepr): void {
    const hasAck = (t.flags & TcpFlag.ACK) !== 0;
    const segLen = t.payload.length + (t.flags & TcpFlag.SYN ? 1 : 0) + (t.flags & TcpFlag.FIN ? 1 : 0);
    const rst: TcpRepr = {
      kind: 'tcp', srcPort: t.dstPort, dstPort: t.srcPort,
      seq: hasAck ? t.ack : 0, ack: hasAck ? 0 : add(t.seq, segLen),
      flags: hasAck ? TcpFlag.RST : TcpFlag.RST | TcpFlag.ACK, window: 0, options: [], payload: EMPTY,
    };
    this.host.sendIp(ip.src, IpProto.TCP, rst, { src: ip.dst });
  }

  /** A locally sent segment could not be delivered (ARP failure). */
  hostUnreachable(ip: Ipv4Repr, t: TcpRepr, e: NetErrno): void {
    this.conns.get(ip.src, t.srcPort, ip.dst, t.dstPort)?.icmpError(e);
  }

  /** An ICMP error quoting one of our segments. */
  icmpError(inner: Ipv4Repr, e: NetErrno): void {
    const t = inner.payload;
    if (t.kind !== 'tcp') return;
    this.conns.get(inner.src, t.srcPort, inner.dst, t.dstPort)?.icmpError(e);
  }
}
