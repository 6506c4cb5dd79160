/**
 * The IPVS connection table (ip_vs_conn.c) and the protocol state machines
 * (ip_vs_proto_tcp.c, ip_vs_proto_udp.c).
 *
 * A connection `<proto, caddr:cport, vaddr:vport, daddr:dport>` is created on the first
 * packet of a scheduled flow with the destination's flags (always INACTIVE, plus NOOUTPUT for
 * every method but NAT), state NONE and a 3 s timeout; the protocol's state handler then runs
 * on every packet and sets the timeout of the new state. Like the kernel's `ip_vs_conn_put`,
 * every packet re-arms the expiry timer with the current timeout on the lab's virtual clock.
 *
 * ActiveConn/InActConn follow the 5.x `tcp_state_active_table` (RHEL 9): ESTABLISHED,
 * SYN_SENT, SYN_RECV and SYNACK are active. DR/TUN (and FULLNAT) connections never see the
 * real server's packets, so they use the INPUT-ONLY table while NOOUTPUT is set.
 *
 * Persistence templates have cport 0 and the TEMPLATE flag; they count in PersistConn only.
 * Their state is NONE, or ASSURED once a connection they control reaches ESTABLISHED (TCP) or
 * sends an OUTPUT packet (UDP): ip_vs_control_assure_ct() is in the 5.15-era trees we read
 * (and RHEL 9 backports IPVS from there), so a RHEL 9 `ipvsadm -Lnc` shows ASSURED for a
 * template whose client completed a handshake. When any entry that controls others
 * (n_control > 0) times out, its timer is re-armed for 60 s instead.
 *
 * Listing order: /proc/net/ip_vs_conn walks the hash table bucket by bucket, newest first
 * in a bucket, with jhash_3words(caddr, cport, proto, random) as the kernel's
 * ip_vs_conn_hashkey; the random seed comes from the host's seeded RNG, so the order is
 * "random per boot" but reproducible.
 */
import type { Timer } from '../sim/events.ts';
import { SEC } from '../sim/events.ts';
import { TcpFlag } from '../wire/types.ts';
import type { Dest } from './dest.ts';
import {
  CTPL_ASSURED, ConnF, DestF, Proto, TCP_STATE_ACTIVE, TCP_STATE_NAMES, TcpS, type FwdMethod,
} from './types.ts';

export const Dir = { INPUT: 0, OUTPUT: 1, INPUT_ONLY: 2 } as const;
export type Dir = (typeof Dir)[keyof typeof Dir];

const { NONE: sNO, ESTABLISHED: sES, SYN_SENT: sSS, SYN_RECV: sSR, FIN_WAIT: sFW, TIME_WAIT: sTW, CLOSE: sCL,
  CLOSE_WAIT: sCW, LAST_ACK: sLA, LISTEN: sLI, SYNACK: sSA } = TcpS;
void sSA; void sNO;

/** tcp_states[] of ip_vs_proto_tcp.c: [direction][syn, fin, ack, rst][current state]. */
const TCP_STATES: readonly (readonly (readonly number[])[])[] = [
  [ /* INPUT:       sNO  sES  sSS  sSR  sFW  sTW  sCL  sCW  sLA  sLI  sSA */
    /* syn */ [sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR],
    /* fin */ [sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sTW],
    /* ack */ [sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES],
    /* rst */ [sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sSR],
  ],
  [ /* OUTPUT */
    /* syn */ [sSS, sES, sSS, sSR, sSS, sSS, sSS, sSS, sSS, sLI, sSR],
    /* fin */ [sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW],
    /* ack */ [sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES],
    /* rst */ [sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL],
  ],
  [ /* INPUT-ONLY */
    /* syn */ [sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR],
    /* fin */ [sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA, sLI, sTW],
    /* ack */ [sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES],
    /* rst */ [sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL],
  ],
];

/** tcp_state_idx(): rst > syn > fin > ack, -1 for none of them. */
export function tcpStateIdx(flags: number): number {
  if (flags & TcpFlag.RST) return 3;
  if (flags & TcpFlag.SYN) return 0;
  if (flags & TcpFlag.FIN) return 1;
  if (flags & TcpFlag.ACK) return 2;
  return -1;
}

/** The next TCP state (for tests and explanations). */
export function nextTcpState(dir: Dir, flags: number, state: number): number {
  const i = tcpStateIdx(flags);
  return i < 0 ? sCL : TCP_STATES[dir][i][state];
}

let nextConnId = 1;

export class Conn {
  readonly id = nextConnId++;
  readonly proto: number;
  readonly caddr: number;
  cport: number;
  readonly vaddr: number;
  vport: number;
  readonly daddr: number;
  dport: number;
  /** FULLNAT local address and port (0 otherwise). */
  laddr = 0;
  lport = 0;
  flags: number;
  state = 0;
  /** Timeout of the current state, µs. */
  timeout = 3 * SEC;
  /** When the timer fires (virtual µs), or -1 before the first put. */
  expires = -1;
  timer: Timer | null = null;
  control: Conn | null = null;
  nControl = 0;
  dest: Dest | null = null;
  readonly fwmark: number;
  inPkts = 0;
  readonly created: number;
  /** Hash bucket and insertion order, for the /proc listing. */
  bucket = 0;
  seq = 0;
  /** FULLNAT: the TOA option was added to a packet towards the real server. */
  toaDone = false;
  /** A FULLNAT local address record this connection holds. */
  laddrRef: { conns: number } | null = null;
  /** Removed from the table (expired). */
  dead = false;

  constructor(proto: number, caddr: number, cport: number, vaddr: number, vport: number, daddr: number, dport: number,
    flags: number, fwmark: number, now: number) {
    this.proto = proto;
    this.caddr = caddr; this.cport = cport;
    this.vaddr = vaddr; this.vport = vport;
    this.daddr = daddr; this.dport = dport;
    this.flags = flags;
    this.fwmark = fwmark;
    this.created = now;
  }

  get template(): boolean { return (this.flags & ConnF.TEMPLATE) !== 0; }
  get fwd(): FwdMethod { return (this.flags & ConnF.FWD_MASK) as FwdMethod; }
  get inactive(): boolean { return (this.flags & ConnF.INACTIVE) !== 0; }

  /** ip_vs_state_name() */
  get stateName(): string {
    if (this.template) return this.state & CTPL_ASSURED ? 'ASSURED' : 'NONE';
    if (this.proto === Proto.TCP) return TCP_STATE_NAMES[this.state] ?? 'ERR!';
    if (this.proto === Proto.UDP) return 'UDP';
    if (this.proto === Proto.SCTP) return 'NONE';
    return 'ERR!';
  }
}

// ---- jhash (include/linux/jhash.h) for the listing order -----------------------------------

const rol32 = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

export function jhash3(a: number, b: number, c: number, initval: number): number {
  a = (a + initval + 0xdeadbeef + 12) >>> 0;
  b = (b + initval + 0xdeadbeef + 12) >>> 0;
  c = (c + initval + 0xdeadbeef + 12) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rol32(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rol32(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rol32(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rol32(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rol32(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rol32(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rol32(b, 24)) >>> 0;
  return c;
}

const bswap32 = (x: number) => (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
const bswap16 = (x: number) => ((x & 0xff) << 8) | ((x >>> 8) & 0xff);

// ---- the table -------------------------------------------------------------------------------

/**
 * Connections keyed by (proto, addr1:port1, addr2:port2) without building strings: this is
 * looked up for every packet the director sees. addr·65536+port is exact in a double.
 */
class TupleMap {
  private readonly m = new Map<number, Map<number, Map<number, Conn>>>();
  /**
   * `clientFirst`: the first address:port is the client's, unique per connection, so it is
   * the inner key (the outer one, a service or real server, is shared by many entries and one
   * inner map serves them all instead of a map per connection).
   */
  constructor(private readonly clientFirst: boolean) {}
  // The last lookup and its answer (a flow's packets come in a row); any change forgets it.
  private hitProto = -1; private hitK1 = -1; private hitK2 = -1; private hit: Conn | undefined = undefined;
  get(proto: number, a1: number, p1: number, a2: number, p2: number): Conn | undefined {
    const k1 = a1 * 65536 + p1, k2 = a2 * 65536 + p2;
    if (k1 === this.hitK1 && k2 === this.hitK2 && proto === this.hitProto) return this.hit;
    const c = this.clientFirst ? this.m.get(proto)?.get(k2)?.get(k1) : this.m.get(proto)?.get(k1)?.get(k2);
    this.hitProto = proto; this.hitK1 = k1; this.hitK2 = k2; this.hit = c;
    return c;
  }
  set(proto: number, a1: number, p1: number, a2: number, p2: number, c: Conn): void {
    this.hitProto = -1; this.hit = undefined;
    let byProto = this.m.get(proto);
    if (!byProto) { byProto = new Map(); this.m.set(proto, byProto); }
    let ko = a1 * 65536 + p1, ki = a2 * 65536 + p2;
    if (this.clientFirst) { const t = ko; ko = ki; ki = t; }
    let inner = byProto.get(ko);
    if (!inner) { inner = new Map(); byProto.set(ko, inner); }
    inner.set(ki, c);
  }
  /** Remove the entry if it is `c`. */
  del(proto: number, a1: number, p1: number, a2: number, p2: number, c: Conn): void {
    this.hitProto = -1; this.hit = undefined;
    const byProto = this.m.get(proto);
    let ko = a1 * 65536 + p1, ki = a2 * 65536 + p2;
    if (this.clientFirst) { const t = ko; ko = ki; ki = t; }
    const inner = byProto?.get(ko);
    if (!inner) return;
    if (inner.get(ki) !== c) return;
    inner.delete(ki);
    if (inner.size === 0) byProto!.delete(ko);
  }
}

export class ConnTable {
  private readonly inMap = new TupleMap(true);
  private readonly outMap = new TupleMap(false);
  private readonly tplMap = new TupleMap(true);
  readonly all = new Set<Conn>();
  private seq = 0;

  constructor(private readonly rnd: number) {}

  get size(): number { return this.all.size; }

  /** ip_vs_conn_hash() */
  hash(c: Conn): void {
    c.bucket = (jhash3(bswap32(c.caddr), bswap16(c.cport), c.proto, this.rnd)) & 4095;
    c.seq = ++this.seq;
    this.all.add(c);
    if (c.template) {
      this.tplMap.set(c.proto, c.caddr, 0, c.vaddr, c.vport, c);
      return;
    }
    this.inMap.set(c.proto, c.caddr, c.cport, c.vaddr, c.vport, c);
    if (c.laddr) this.outMap.set(c.proto, c.daddr, c.dport, c.laddr, c.lport, c);
    else this.outMap.set(c.proto, c.daddr, c.dport, c.caddr, c.cport, c);
  }

  /** ip_vs_conn_unhash() */
  unhash(c: Conn): void {
    this.all.delete(c);
    if (c.template) { this.tplMap.del(c.proto, c.caddr, 0, c.vaddr, c.vport, c); return; }
    this.inMap.del(c.proto, c.caddr, c.cport, c.vaddr, c.vport, c);
    if (c.laddr) this.outMap.del(c.proto, c.daddr, c.dport, c.laddr, c.lport, c);
    else this.outMap.del(c.proto, c.daddr, c.dport, c.caddr, c.cport, c);
  }

  /** ip_vs_conn_in_get(): a client→virtual packet. */
  inGet(proto: number, caddr: number, cport: number, vaddr: number, vport: number): Conn | undefined {
    return this.inMap.get(proto, caddr, cport, vaddr, vport);
  }

  /** ip_vs_conn_out_get(): a real server→client (NAT) or →local address (FULLNAT) packet. */
  outGet(proto: number, saddr: number, sport: number, daddr: number, dport: number): Conn | undefined {
    return this.outMap.get(proto, saddr, sport, daddr, dport);
  }

  /** ip_vs_ct_in_get(): a persistence template. */
  tplGet(proto: number, snet: number, vaddr: number, vport: number): Conn | undefined {
    return this.tplMap.get(proto, snet, 0, vaddr, vport);
  }

  /** A FULLNAT local port is in use towards this real server. */
  laddrBusy(proto: number, laddr: number, lport: number, raddr: number, rport: number): boolean {
    return this.outMap.get(proto, raddr, rport, laddr, lport) !== undefined;
  }

  /** Hash-table order: bucket by bucket, newest first within a bucket. */
  ordered(): Conn[] {
    return [...this.all].sort((a, b) => a.bucket - b.bucket || b.seq - a.seq);
  }
}

// ---- state handling --------------------------------------------------------------------------

/** Move a connection between ActiveConn and InActConn when its activity changes. */
function setActivity(c: Conn, active: boolean): void {
  const d = c.dest;
  if (!d) return;
  if (!(c.flags & ConnF.INACTIVE) && !active) {
    d.activeConns--; d.inactConns++;
    c.flags |= ConnF.INACTIVE;
  } else if (c.flags & ConnF.INACTIVE && active) {
    d.activeConns++; d.inactConns--;
    c.flags &= ~ConnF.INACTIVE;
  }
}

/** ip_vs_control_assure_ct() */
function assureTemplate(c: Conn): void {
  const ct = c.control;
  if (ct && ct.template && !(ct.state & CTPL_ASSURED)) ct.state |= CTPL_ASSURED;
}

/**
 * set_tcp_state(): `timeouts` is the current TCP timeout table in µs (ipvsadm --set changes
 * ESTABLISHED and FIN_WAIT).
 */
export function tcpStateTransition(c: Conn, dir: Dir, tcpFlags: number, timeouts: readonly number[]): void {
  let off: Dir = dir;
  if (c.flags & ConnF.NOOUTPUT) {
    if (dir === Dir.OUTPUT) c.flags &= ~ConnF.NOOUTPUT;
    else off = Dir.INPUT_ONLY;
  }
  const idx = tcpStateIdx(tcpFlags);
  const next = idx < 0 ? sCL : TCP_STATES[off][idx][c.state];
  if (next !== c.state) {
    if (c.dest) setActivity(c, TCP_STATE_ACTIVE[next]);
    if (next === sES) assureTemplate(c);
  }
  c.state = next;
  c.timeout = timeouts[next];
}

/** udp_state_transition() */
export function udpStateTransition(c: Conn, dir: Dir, udpTimeout: number): void {
  c.timeout = udpTimeout;
  if (dir === Dir.OUTPUT) assureTemplate(c);
}

/**
 * ip_vs_bind_dest(): counters and the OVERLOAD upper threshold. A connection the sync daemon
 * created (`sync`) keeps the master's activity flag and takes its forwarding method from the
 * backup's dest.
 */
export function bindDest(c: Conn, d: Dest, sync = false): void {
  let cf = d.connFlags;
  if (c.proto !== Proto.UDP) cf &= ~ConnF.ONE_PACKET;
  if (sync) {
    if (!c.template) cf &= ~ConnF.INACTIVE;
    c.flags &= ~(ConnF.FWD_MASK | ConnF.NOOUTPUT);
  }
  c.flags |= cf;
  c.dest = d;
  d.refs++;
  if (!c.template) {
    if (!(c.flags & ConnF.INACTIVE)) d.activeConns++;
    else d.inactConns++;
  } else {
    d.persistConns++;
  }
  if (d.uThreshold !== 0 && d.totalConns >= d.uThreshold) d.flags |= DestF.OVERLOAD;
}

/** ip_vs_unbind_dest(): counters and the OVERLOAD lower threshold. */
export function unbindDest(c: Conn, now: number): void {
  const d = c.dest;
  if (!d) return;
  if (!c.template) {
    if (c.flags & ConnF.INACTIVE) d.inactConns--;
    else d.activeConns--;
  } else {
    d.persistConns--;
  }
  if (d.lThreshold !== 0) {
    if (d.totalConns < d.lThreshold) d.flags &= ~DestF.OVERLOAD;
  } else if (d.uThreshold !== 0) {
    if (d.totalConns * 4 < d.uThreshold * 3) d.flags &= ~DestF.OVERLOAD;
  } else {
    d.flags &= ~DestF.OVERLOAD;
  }
  d.refs--;
  if (d.refs === 0) d.unrefAt = now;
}

/** ip_vs_control_add() */
export function controlAdd(c: Conn, ct: Conn): void {
  if (c.control) controlDel(c);
  c.control = ct;
  ct.nControl++;
}

/** ip_vs_control_del() */
export function controlDel(c: Conn): void {
  const ct = c.control;
  if (!ct) return;
  c.control = null;
  ct.nControl--;
}

