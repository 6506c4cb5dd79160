/**
 * Connection tracking (nf_conntrack), as far as iptables needs it: entries with an original
 * and a reply tuple, the TCP state machine of nf_conntrack_proto_tcp.c (the kernel's
 * tcp_conntracks table, verbatim), UDP/ICMP/generic tracking, the per-packet state a rule sees
 * (NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED), NAT bindings that rewrite both directions,
 * and the timeouts of a 5.14 kernel on the virtual clock.
 *
 * Like the kernel, an entry is created unconfirmed when a connection's first packet passes
 * PREROUTING/OUTPUT (priority -200) and inserted into the table only at the very end of
 * LOCAL_IN/POSTROUTING ("confirm", INT_MAX): a packet dropped or stolen on the way (a DROP
 * rule, IPVS taking it over) leaves no entry behind.
 *
 * Expiry is lazy: an entry past its deadline is dead the next time anyone looks, so tracking
 * puts no timers on the event queue. Deliberately left out: TCP window tracking (the kernel's
 * tcp_in_window; we behave as with nf_conntrack_tcp_be_liberal=1), helpers/expectations
 * (RELATED only through ICMP errors), zones, fragment reassembly.
 */
import { SEC } from '../sim/events.ts';
import { IcmpType, IpProto, TcpFlag, fmtIp, type IcmpRepr, type Ipv4Repr } from '../wire/types.ts';
import { icmpUnquote } from '../net/icmpQuote.ts';

export interface Tuple {
  readonly src: number;
  readonly dst: number;
  readonly proto: number;
  /** TCP/UDP ports; for ICMP: sport = echo id, dport = type. */
  readonly sport: number;
  readonly dport: number;
}

export const Dir = { ORIGINAL: 0, REPLY: 1 } as const;
export type Dir = (typeof Dir)[keyof typeof Dir];

/** TCP conntrack states (enum tcp_conntrack). */
export const TcpCt = {
  NONE: 0, SYN_SENT: 1, SYN_RECV: 2, ESTABLISHED: 3, FIN_WAIT: 4, CLOSE_WAIT: 5, LAST_ACK: 6,
  TIME_WAIT: 7, CLOSE: 8, SYN_SENT2: 9, IV: 10, IG: 11,
} as const;
export const TCP_CT_NAMES = ['NONE', 'SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK',
  'TIME_WAIT', 'CLOSE', 'SYN_SENT2'];

const { NONE: sNO, SYN_SENT: sSS, SYN_RECV: sSR, ESTABLISHED: sES, FIN_WAIT: sFW, CLOSE_WAIT: sCW, LAST_ACK: sLA,
  TIME_WAIT: sTW, CLOSE: sCL, SYN_SENT2: sS2, IV: sIV, IG: sIG } = TcpCt;
void sNO;

/** nf_conntrack_proto_tcp.c tcp_conntracks[dir][index][state]. */
const TCP_CONNTRACKS: readonly (readonly (readonly number[])[])[] = [
  [
    /* ORIGINAL  sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
    /* syn    */ [sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2],
    /* synack */ [sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR],
    /* fin    */ [sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV],
    /* ack    */ [sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV],
    /* rst    */ [sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL],
    /* none   */ [sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV],
  ],
  [
    /* REPLY     sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
    /* syn    */ [sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2],
    /* synack */ [sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR],
    /* fin    */ [sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV],
    /* ack    */ [sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG],
    /* rst    */ [sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL],
    /* none   */ [sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV],
  ],
];

/** tcp_timeouts[] of 5.14, in µs. */
const TCP_TIMEOUTS = [0, 120 * SEC, 60 * SEC, 432000 * SEC, 120 * SEC, 60 * SEC, 30 * SEC, 120 * SEC, 10 * SEC, 120 * SEC];
const UDP_TIMEOUT = 30 * SEC;
const UDP_STREAM_TIMEOUT = 120 * SEC;
const ICMP_TIMEOUT = 30 * SEC;
const GENERIC_TIMEOUT = 600 * SEC;

function tcpIndex(flags: number): number {
  if (flags & TcpFlag.RST) return 4;
  if (flags & TcpFlag.SYN) return flags & TcpFlag.ACK ? 1 : 0;
  if (flags & TcpFlag.FIN) return 2;
  if (flags & TcpFlag.ACK) return 3;
  return 5;
}

/** A NAT binding: what the connection's addresses/ports become. */
export interface NatRange { addr: number; port: number | null }

export class CtEntry {
  /** tuplehash[REPLY]: starts as the inverse of orig; NAT changes it. */
  reply: Tuple;
  tcpState = 0;
  seenReply = false;
  assured = false;
  confirmed = false;
  dnat = false;
  snat = false;
  /** NAT chains already consulted for this connection (nf_nat_initialized). */
  natInit = { src: false, dst: false };
  expires = 0;
  mark = 0;
  dying = false;
  constructor(readonly id: number, readonly orig: Tuple) {
    this.reply = invert(orig);
  }
  tuple(d: Dir): Tuple { return d === Dir.ORIGINAL ? this.orig : this.reply; }
}

/** What conntrack decided for one packet (the kernel's skb->_nfct + ctinfo). */
export interface CtRef {
  readonly entry: CtEntry | null;
  readonly dir: Dir;
  /** Bits of the kernel's ctstate as the conntrack/state matches see them. */
  readonly state: number;
  /** RELATED ICMP error: the quoted packet's entry drives NAT of the inner header. */
  readonly related?: boolean;
}

/** XT_CONNTRACK_STATE bits (xt_conntrack.h). */
export const CtState = { INVALID: 1, NEW: 8, RELATED: 4, ESTABLISHED: 2, UNTRACKED: 64, SNAT: 128, DNAT: 256 } as const;

export function invert(t: Tuple): Tuple {
  if (t.proto === IpProto.ICMP) return { src: t.dst, dst: t.src, proto: t.proto, sport: t.sport, dport: icmpInverse(t.dport) };
  return { src: t.dst, dst: t.src, proto: t.proto, sport: t.dport, dport: t.sport };
}

function icmpInverse(type: number): number {
  switch (type) {
    case IcmpType.EchoRequest: return IcmpType.EchoReply;
    case IcmpType.EchoReply: return IcmpType.EchoRequest;
    case 13: return 14;
    case 14: return 13;
    case 15: return 16;
    case 16: return 15;
    case 17: return 18;
    case 18: return 17;
    default: return type;
  }
}

const ICMP_NEW_OK = new Set<number>([IcmpType.EchoRequest, 13, 15, 17]);
const ICMP_ERRORS = new Set<number>([IcmpType.DestUnreachable, 4, IcmpType.Redirect, IcmpType.TimeExceeded, IcmpType.ParamProblem]);

export function tupleKey(t: Tuple): string {
  return `${t.proto}|${t.src}|${t.dst}|${t.sport}|${t.dport}`;
}

/** The tuple of a packet, or null when the protocol has no usable header. */
export function pktTuple(ip: Ipv4Repr): Tuple | null {
  const p = ip.payload;
  switch (p.kind) {
    case 'tcp': case 'udp':
      return { src: ip.src, dst: ip.dst, proto: ip.protocol, sport: p.srcPort, dport: p.dstPort };
    case 'icmp':
      return { src: ip.src, dst: ip.dst, proto: IpProto.ICMP, sport: (p.rest >>> 16) & 0xffff, dport: p.type };
    default:
      return { src: ip.src, dst: ip.dst, proto: ip.protocol, sport: 0, dport: 0 };
  }
}

export const CT_MAX = 262144;

export class Conntrack {
  private readonly table = new Map<string, { e: CtEntry; dir: Dir }>();
  private nextId = 1;
  /** Entries confirmed, for conntrack -S style counters. */
  inserted = 0;
  constructor(private readonly now: () => number) {}

  /** Live (confirmed, unexpired) entries, oldest first. */
  entries(): CtEntry[] {
    const out: CtEntry[] = [];
    const now = this.now();
    for (const [k, v] of this.table) {
      if (v.dir !== Dir.ORIGINAL) continue;
      if (v.e.expires <= now || v.e.dying) { this.kill(v.e); void k; continue; }
      out.push(v.e);
    }
    return out;
  }

  get size(): number { return this.entries().length; }

  flush(): number {
    const n = this.entries().length;
    this.table.clear();
    return n;
  }

  kill(e: CtEntry): void {
    e.dying = true;
    const a = this.table.get(tupleKey(e.orig));
    if (a && a.e === e) this.table.delete(tupleKey(e.orig));
    const b = this.table.get(tupleKey(e.reply));
    if (b && b.e === e) this.table.delete(tupleKey(e.reply));
  }

  private find(t: Tuple): { e: CtEntry; dir: Dir } | null {
    const h = this.table.get(tupleKey(t));
    if (!h) return null;
    if (h.e.expires <= this.now() || h.e.dying) { this.kill(h.e); return null; }
    return h;
  }

  /** Is this tuple (as a reply tuple) already used by another connection? (nf_nat_used_tuple) */
  tupleTaken(t: Tuple, self: CtEntry): boolean {
    const h = this.find(t);
    return !!h && h.e !== self;
  }

  /**
   * nf_conntrack_in(): find or create the entry of a packet and update its protocol state.
   * Returns the CtRef to attach to the skb.
   */
  in(ip: Ipv4Repr): CtRef {
    const p = ip.payload;
    if (p.kind === 'icmp' && ICMP_ERRORS.has(p.type)) return this.icmpError(ip, p);
    const t = pktTuple(ip);
    if (!t) return { entry: null, dir: Dir.ORIGINAL, state: CtState.INVALID };
    let h = this.find(t);
    if (h && p.kind === 'tcp' && h.dir === Dir.ORIGINAL && (p.flags & (TcpFlag.SYN | TcpFlag.ACK | TcpFlag.RST)) === TcpFlag.SYN
      && (h.e.tcpState === sTW || h.e.tcpState === sCL)) {
      // A new SYN on a closed/TIME_WAIT connection: the old entry is killed and a new one made (tcp_packet: NF_REPEAT).
      this.kill(h.e);
      h = null;
    }
    if (!h) {
      // A new connection.
      const e = new CtEntry(this.nextId++, t);
      if (p.kind === 'tcp') {
        const ns = TCP_CONNTRACKS[0][tcpIndex(p.flags)][sNO];
        if (ns === sIV || ns === sIG) return { entry: null, dir: Dir.ORIGINAL, state: CtState.INVALID };
        e.tcpState = ns;
        e.expires = this.now() + TCP_TIMEOUTS[ns];
      } else if (p.kind === 'icmp') {
        if (!ICMP_NEW_OK.has(p.type)) return { entry: null, dir: Dir.ORIGINAL, state: CtState.INVALID };
        e.expires = this.now() + ICMP_TIMEOUT;
      } else if (p.kind === 'udp') {
        e.expires = this.now() + UDP_TIMEOUT;
      } else {
        e.expires = this.now() + GENERIC_TIMEOUT;
      }
      return { entry: e, dir: Dir.ORIGINAL, state: CtState.NEW };
    }
    const { e, dir } = h;
    if (p.kind === 'tcp') {
      const old = e.tcpState;
      const ns = TCP_CONNTRACKS[dir][tcpIndex(p.flags)][old];
      if (ns === sIV) return { entry: null, dir, state: CtState.INVALID };
      if (ns !== sIG) {
        e.tcpState = ns;
        if (!e.assured && old === sSR && ns === sES) e.assured = true;
        let timeout = TCP_TIMEOUTS[ns];
        if (!e.seenReply && dir === Dir.ORIGINAL && ns === sES) timeout = Math.min(timeout, 300 * SEC);
        e.expires = this.now() + timeout;
      }
    } else if (p.kind === 'udp') {
      if (dir === Dir.REPLY) e.seenReply = true;
      if (e.seenReply) { e.expires = this.now() + UDP_STREAM_TIMEOUT; if (dir === Dir.ORIGINAL) e.assured = true; }
      else e.expires = this.now() + UDP_TIMEOUT;
    } else if (p.kind === 'icmp') {
      e.expires = this.now() + ICMP_TIMEOUT;
    } else {
      e.expires = this.now() + GENERIC_TIMEOUT;
    }
    if (dir === Dir.REPLY) e.seenReply = true;
    const st = dir === Dir.REPLY || e.seenReply ? CtState.ESTABLISHED : CtState.NEW;
    return { entry: e, dir, state: st };
  }

  /** icmp_error_message(): an ICMP error about a tracked connection is RELATED to it. */
  private icmpError(ip: Ipv4Repr, p: IcmpRepr): CtRef {
    const inner = icmpUnquote(p.payload);
    if (!inner) return { entry: null, dir: Dir.ORIGINAL, state: CtState.INVALID };
    const it = pktTuple(inner);
    if (!it) return { entry: null, dir: Dir.ORIGINAL, state: CtState.INVALID };
    // The quoted packet went the other way: the error belongs to the inverse tuple's direction.
    const h = this.find(invert(it));
    void ip;
    if (!h) return { entry: null, dir: Dir.ORIGINAL, state: CtState.INVALID };
    return { entry: h.e, dir: h.dir, state: CtState.RELATED, related: true };
  }

  /** __nf_conntrack_confirm(): insert a new entry (both tuples) into the table. */
  confirm(e: CtEntry): void {
    if (e.confirmed || e.dying) return;
    // A clash (two unconfirmed entries for one tuple) loses silently, as in the kernel's drop path.
    if (this.table.has(tupleKey(e.orig)) || this.table.has(tupleKey(e.reply))) return;
    if (this.table.size >= CT_MAX * 2) return;
    e.confirmed = true;
    this.table.set(tupleKey(e.orig), { e, dir: Dir.ORIGINAL });
    this.table.set(tupleKey(e.reply), { e, dir: Dir.REPLY });
    this.inserted++;
  }

  /** Seconds until an entry expires (conntrack -L's third column). */
  remaining(e: CtEntry): number {
    return Math.max(0, Math.floor((e.expires - this.now()) / SEC));
  }
}

/** One line of `conntrack -L` (conntrack-tools 1.4.7). */
export function formatCtEntry(e: CtEntry, remaining: number): string {
  const o = e.orig;
  const r = e.reply;
  const pname = o.proto === IpProto.TCP ? 'tcp' : o.proto === IpProto.UDP ? 'udp' : o.proto === IpProto.ICMP ? 'icmp' : 'unknown';
  let s = `${pname.padEnd(8)} ${o.proto} ${remaining} `;
  if (o.proto === IpProto.TCP) s += `${TCP_CT_NAMES[e.tcpState]} `;
  const tup = (t: Tuple): string => {
    let x = `src=${fmtIp(t.src)} dst=${fmtIp(t.dst)} `;
    if (t.proto === IpProto.TCP || t.proto === IpProto.UDP) x += `sport=${t.sport} dport=${t.dport} `;
    else if (t.proto === IpProto.ICMP) x += `type=${t.dport} code=0 id=${t.sport} `;
    return x;
  };
  s += tup(o);
  if (!e.seenReply) s += '[UNREPLIED] ';
  s += tup(r);
  if (e.assured) s += '[ASSURED] ';
  s += `mark=${e.mark} secctx=system_u:object_r:unlabeled_t:s0 use=1`;
  return s;
}
