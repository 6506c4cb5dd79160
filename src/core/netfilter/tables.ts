/**
 * The kernel side of iptables-nft on one host: the tables filter, nat, mangle, raw and
 * security with their built-in chains, user chains, rules with counters, and the traversal
 * the kernel does for every packet (ipt_do_table / nft_do_chain): rules in order, jumps and
 * gotos into user chains with a return stack, RETURN, the chain policy with its counter.
 *
 * Like iptables-nft (nft base chains are created on demand), nothing is registered on the
 * host's hooks until a command creates a built-in chain, and then only that chain: a host
 * without rules pays nothing per packet. Connection tracking (conntrack.ts) registers its
 * hooks only while something needs it (a nat chain, a state/conntrack/connmark match,
 * CONNMARK, NAT targets), as nf_ct_netns_get() does.
 *
 * A drop by a rule or a policy is logged in the capture with the table, chain and rule
 * number ("lvs: iptables filter INPUT rule 3 (-p tcp -m tcp --dport 80 -j DROP)").
 *
 * Deliberately left out: IPv6 (ip6tables lists empty tables), fragments (-f never matches
 * a lab packet), rerouting after a mangle OUTPUT mark change (no policy routing in the lab).
 */
import type { Host } from '../net/host.ts';
import { Hook, NfPri, Verdict, type HookEntry, type Skb } from './hooks.ts';
import { Conntrack, CtState, Dir, invert, type CtEntry, type CtRef, type Tuple } from './conntrack.ts';
import {
  pktLen, type MatchExt, type NatSpec, type PktCtx, type TargetCtx, type TargetExt, type TgResult,
} from './ext.ts';
import { formatLogLine } from './log.ts';
import { IcmpType, IcmpUnreach, IpProto, TcpFlag, EMPTY, fmtIp, type Ipv4Addr, type Ipv4Repr, type IcmpRepr, type TcpRepr } from '../wire/types.ts';
import { icmpQuote, icmpUnquote } from '../net/icmpQuote.ts';

export const INV = { SRC: 1, DST: 2, IN: 4, OUT: 8, PROTO: 16 } as const;

export interface MatchInst { readonly ext: MatchExt; readonly data: any }

export type RuleTarget =
  | { readonly kind: 'none' }
  | { readonly kind: 'verdict'; readonly v: 'ACCEPT' | 'DROP' | 'RETURN' | 'QUEUE' }
  | { readonly kind: 'jump'; readonly chain: string; readonly goto: boolean }
  | { readonly kind: 'ext'; readonly ext: TargetExt; readonly data: any };

export interface Rule {
  src: number; smsk: number; dst: number; dmsk: number;
  /** Interface names as typed ('' = any); a trailing '+' is a wildcard. */
  iniface: string; outiface: string;
  proto: number;
  inv: number;
  matches: MatchInst[];
  target: RuleTarget;
  pkts: number; bytes: number;
  /** Canonical `-S` text without `-A CHAIN` and counters: rule identity (-D/-C) and drop reasons. */
  spec: string;
}

export interface Chain {
  name: string;
  readonly builtin: boolean;
  policy: 'ACCEPT' | 'DROP' | null;
  rules: Rule[];
  pkts: number; bytes: number;
  /** Present in the kernel (iptables-nft creates base chains on first use). */
  exists: boolean;
}

export interface Table {
  readonly name: string;
  readonly chains: Map<string, Chain>;
  exists: boolean;
}

export interface NfSnapshot {
  /** Bumped on every committed change (counters change without it). */
  readonly version: number;
  readonly tables: readonly {
    readonly name: TableName;
    readonly chains: readonly {
      readonly name: string; readonly builtin: boolean; readonly policy: 'ACCEPT' | 'DROP' | null;
      readonly pkts: number; readonly bytes: number; readonly hook: Hook | null; readonly priority: number | null;
      readonly rules: readonly { readonly num: number; readonly spec: string; readonly pkts: number; readonly bytes: number; readonly target: string }[];
    }[];
  }[];
  /** Live conntrack entries (0 while conntrack is not loaded). */
  readonly conntrack: number;
}

export const TABLE_NAMES = ['filter', 'nat', 'mangle', 'raw', 'security'] as const;
export type TableName = (typeof TABLE_NAMES)[number];

/** Built-in chains in hook (listing) order. */
export const BUILTIN_CHAINS: Record<TableName, readonly string[]> = {
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  raw: ['PREROUTING', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

/** iptables-save order of tables. */
export const SAVE_ORDER: readonly TableName[] = ['mangle', 'security', 'raw', 'filter', 'nat'];

export const CHAIN_HOOK: Record<string, Hook> = {
  PREROUTING: Hook.PREROUTING, INPUT: Hook.LOCAL_IN, FORWARD: Hook.FORWARD, OUTPUT: Hook.LOCAL_OUT, POSTROUTING: Hook.POSTROUTING,
};

/** nft base chain priority of each table's built-in chain (iptables-nft's values). */
export function chainPriority(table: TableName, chain: string): number {
  switch (table) {
    case 'raw': return NfPri.RAW;
    case 'mangle': return NfPri.MANGLE;
    case 'filter': return NfPri.FILTER;
    case 'security': return 150;
    case 'nat': return chain === 'PREROUTING' || chain === 'OUTPUT' ? NfPri.NAT_DST : NfPri.NAT_SRC;
  }
}

function newChain(name: string, builtin: boolean): Chain {
  return { name, builtin, policy: builtin ? 'ACCEPT' : null, rules: [], pkts: 0, bytes: 0, exists: false };
}

export function newTable(name: TableName): Table {
  const chains = new Map<string, Chain>();
  for (const c of BUILTIN_CHAINS[name]) chains.set(c, newChain(c, true));
  return { name, chains, exists: false };
}

export function cloneTable(t: Table): Table {
  const chains = new Map<string, Chain>();
  for (const [k, c] of t.chains) chains.set(k, { ...c, rules: c.rules.map((r) => ({ ...r })) });
  return { name: t.name, chains, exists: t.exists };
}

/** Does `name` (an interface) match a rule's interface spec (with `+` wildcard)? */
export function ifaceMatch(spec: string, name: string | null): boolean {
  const n = name ?? '';
  if (spec.endsWith('+')) return n.startsWith(spec.slice(0, -1));
  return n === spec;
}

const MAX_DEPTH = 64;

/** A host's netfilter state (host.ext.netfilter). */
export class Netfilter {
  readonly tables: Record<TableName, Table>;
  readonly ct: Conntrack;
  private ctActive = false;
  private readonly registered: (() => void)[] = [];
  /** Bumped on every change, for UIs. */
  version = 0;

  constructor(readonly host: Host) {
    this.tables = { filter: newTable('filter'), nat: newTable('nat'), mangle: newTable('mangle'), raw: newTable('raw'), security: newTable('security') };
    this.ct = new Conntrack(() => host.net.q.now);
  }

  table(name: string): Table | undefined {
    return (TABLE_NAMES as readonly string[]).includes(name) ? this.tables[name as TableName] : undefined;
  }

  get conntrackActive(): boolean { return this.ctActive; }

  /**
   * Plain data for a UI: every table that exists in the kernel (iptables-save's view), its
   * chains in listing order, policies and counters, and each rule as `-S` prints it.
   */
  snapshot(): NfSnapshot {
    const tables: NfSnapshot['tables'][number][] = [];
    for (const tn of SAVE_ORDER) {
      const t = this.tables[tn];
      if (!t.exists) continue;
      const b = BUILTIN_CHAINS[tn].map((n) => t.chains.get(n)!);
      const u = [...t.chains.values()].filter((c) => !c.builtin).sort((a, c) => (a.name < c.name ? -1 : 1));
      tables.push({
        name: tn,
        chains: [...b, ...u].map((c) => ({
          name: c.name, builtin: c.builtin, policy: c.builtin ? (c.exists ? c.policy : 'ACCEPT') : null,
          pkts: c.exists || !c.builtin ? c.pkts : 0, bytes: c.exists || !c.builtin ? c.bytes : 0,
          hook: c.builtin ? CHAIN_HOOK[c.name] : null, priority: c.builtin ? chainPriority(tn, c.name) : null,
          rules: c.rules.map((r, i) => ({ num: i + 1, spec: r.spec, pkts: r.pkts, bytes: r.bytes,
            target: r.target.kind === 'ext' ? r.target.ext.name : r.target.kind === 'verdict' ? r.target.v : r.target.kind === 'jump' ? r.target.chain : '' })),
        })),
      });
    }
    return { version: this.version, tables, conntrack: this.ctActive ? this.ct.entries().length : 0 };
  }

  /** Replace a table's state (a committed transaction) and re-register hooks. */
  commitTable(t: Table): void {
    (this.tables as Record<string, Table>)[t.name] = t;
    this.sync();
  }

  /**
   * Bring the hook registrations in line with the tables: one entry per existing built-in
   * chain, conntrack while needed. Called after every committed change.
   */
  sync(): void {
    this.version++;
    for (const u of this.registered.splice(0)) u();
    const hooks = this.host.hooks;
    const reg = (e: HookEntry) => this.registered.push(hooks.register(e));
    const needCt = this.needsConntrack();
    if (needCt) {
      reg({ hook: Hook.PREROUTING, priority: NfPri.CONNTRACK, owner: 'nf_conntrack', fn: (s) => this.ctIn(s) });
      reg({ hook: Hook.LOCAL_OUT, priority: NfPri.CONNTRACK, owner: 'nf_conntrack', fn: (s) => this.ctIn(s) });
      reg({ hook: Hook.LOCAL_IN, priority: NfPri.CONNTRACK_CONFIRM, owner: 'nf_conntrack', fn: (s) => this.ctConfirm(s) });
      reg({ hook: Hook.POSTROUTING, priority: NfPri.CONNTRACK_CONFIRM, owner: 'nf_conntrack', fn: (s) => this.ctConfirm(s) });
    }
    this.ctActive = needCt;
    for (const tn of TABLE_NAMES) {
      const t = this.tables[tn];
      if (!t.exists) continue;
      // NAT (nf_nat_ipv4_ops) is registered at all four hooks once any nat base chain exists;
      // the chains themselves are consulted only where they exist.
      const natInUse = tn === 'nat' && [...t.chains.values()].some((c) => c.builtin && c.exists);
      for (const cn of BUILTIN_CHAINS[tn]) {
        const c = t.chains.get(cn)!;
        if (!c.exists && !natInUse) continue;
        const hook = CHAIN_HOOK[cn];
        const fn = tn === 'nat'
          ? (s: Skb) => this.natHook(tn, cn, hook, s)
          : (s: Skb) => this.runChain(this.tables[tn], cn, hook, s);
        reg({ hook, priority: chainPriority(tn, cn), owner: `iptables:${tn}`, fn });
      }
    }
  }

  private needsConntrack(): boolean {
    const nat = this.tables.nat;
    if (nat.exists && [...nat.chains.values()].some((c) => c.builtin && c.exists)) return true;
    for (const tn of TABLE_NAMES) {
      const t = this.tables[tn];
      if (!t.exists) continue;
      for (const c of t.chains.values()) for (const r of c.rules) {
        if (r.matches.some((m) => m.ext.needsCt)) return true;
        if (r.target.kind === 'ext' && r.target.ext.needsCt) return true;
      }
    }
    return false;
  }

  // ---- conntrack hooks ------------------------------------------------------------------------

  private ctIn(skb: Skb): Verdict {
    const cur = skb.ct as CtRef | undefined;
    if (cur && cur.state === CtState.UNTRACKED) return Verdict.ACCEPT;
    skb.ct = this.ct.in(skb.ip);
    return Verdict.ACCEPT;
  }

  private ctConfirm(skb: Skb): Verdict {
    const r = skb.ct as CtRef | undefined;
    if (r?.entry && !r.entry.confirmed && !r.related) this.ct.confirm(r.entry);
    return Verdict.ACCEPT;
  }

  // ---- traversal -----------------------------------------------------------------------------

  /** Run a built-in chain of a table on a packet (ipt_do_table). */
  runChain(t: Table, chainName: string, hook: Hook, skb: Skb): Verdict {
    let chain = t.chains.get(chainName)!;
    const base = chain;
    const stack: { chain: Chain; i: number }[] = [];
    let i = 0;
    let len = -1;
    const k = this.pktCtx(skb, hook);
    for (;;) {
      if (i >= chain.rules.length) {
        const top = stack.pop();
        if (top) { chain = top.chain; i = top.i; continue; }
        return this.policy(t, base, skb, len);
      }
      const r = chain.rules[i];
      if (!this.ruleMatches(r, skb, k)) { i++; continue; }
      if (len < 0) len = pktLen(skb.ip);
      r.pkts++;
      r.bytes += len;
      const tg = r.target;
      switch (tg.kind) {
        case 'none': i++; continue;
        case 'verdict':
          if (tg.v === 'ACCEPT') return Verdict.ACCEPT;
          if (tg.v === 'DROP') { skb.dropReason = this.reason(t, chain, i, r); return Verdict.DROP; }
          if (tg.v === 'QUEUE') { skb.dropReason = `${this.reason(t, chain, i, r)}: no queue listener`; return Verdict.DROP; }
          {
            // RETURN
            const top = stack.pop();
            if (top) { chain = top.chain; i = top.i; continue; }
            return this.policy(t, base, skb, len);
          }
        case 'jump': {
          const next = t.chains.get(tg.chain);
          if (!next || stack.length >= MAX_DEPTH) { i++; continue; }
          if (!tg.goto) stack.push({ chain, i: i + 1 });
          chain = next;
          i = 0;
          continue;
        }
        case 'ext': {
          const res: TgResult = tg.ext.exec(tg.data, skb.ip, k);
          if (res === 'CONTINUE') { i++; continue; }
          if (res === 'ACCEPT') return Verdict.ACCEPT;
          if (res === 'STOLEN') return Verdict.STOLEN;
          if (!skb.dropReason || !skb.dropReason.includes(' iptables ')) {
            const extra = tg.ext.name === 'REJECT' ? `: rejected with ${(tg.data as { with: string }).with}` : '';
            skb.dropReason = this.reason(t, chain, i, r) + extra;
          }
          return Verdict.DROP;
        }
      }
    }
  }

  private reason(t: Table, c: Chain, i: number, r: Rule): string {
    return `${this.host.hostname}: iptables ${t.name} ${c.name} rule ${i + 1} (${r.spec})`;
  }

  private policy(t: Table, c: Chain, skb: Skb, len: number): Verdict {
    c.pkts++;
    c.bytes += len >= 0 ? len : pktLen(skb.ip);
    if (c.policy === 'DROP') {
      skb.dropReason = `${this.host.hostname}: iptables ${t.name} ${c.name} policy DROP`;
      return Verdict.DROP;
    }
    return Verdict.ACCEPT;
  }

  private ruleMatches(r: Rule, skb: Skb, k: PktCtx): boolean {
    const ip = skb.ip;
    const inv = r.inv;
    if (r.smsk !== 0 || inv & INV.SRC) { if ((((ip.src & r.smsk) >>> 0) === r.src) === !!(inv & INV.SRC)) return false; }
    if (r.dmsk !== 0 || inv & INV.DST) { if ((((ip.dst & r.dmsk) >>> 0) === r.dst) === !!(inv & INV.DST)) return false; }
    if (r.iniface && ifaceMatch(r.iniface, skb.inDev) === !!(inv & INV.IN)) return false;
    if (r.outiface && ifaceMatch(r.outiface, skb.outDev) === !!(inv & INV.OUT)) return false;
    if (r.proto && (ip.protocol === r.proto) === !!(inv & INV.PROTO)) return false;
    for (const m of r.matches) if (!m.ext.match(m.data, ip, k)) return false;
    return true;
  }

  private pktCtx(skb: Skb, hook: Hook): TargetCtx {
    const host = this.host;
    return {
      skb, hook,
      get ct() { return skb.ct as CtRef | undefined; },
      srcMac: () => frameMac(host, skb, 6),
      reject: (type) => this.reject(skb, hook, type),
      log: (prefix, level, flags) => host.sd.log('', 'kernel', 0, formatLogLine(host, skb, hook, prefix, flags), level),
      nat: (kind, range) => this.natTarget(skb, hook, kind, range),
      setCtMark: (fn) => { const e = (skb.ct as CtRef | undefined)?.entry; if (e) e.mark = fn(e.mark); },
      ctMark: () => (skb.ct as CtRef | undefined)?.entry?.mark ?? 0,
      notrack: () => { skb.ct = { entry: null, dir: Dir.ORIGINAL, state: CtState.UNTRACKED } satisfies CtRef; },
    };
  }

  // ---- REJECT ------------------------------------------------------------------------------------

  /** ipt_REJECT: send the error (or RST) through the host's own output path. */
  private reject(skb: Skb, hook: Hook, type: string): void {
    const ip = skb.ip;
    const host = this.host;
    if (type === 'tcp-reset') {
      const t = ip.payload;
      if (t.kind !== 'tcp' || t.flags & TcpFlag.RST) return;
      if (ip.fragOffset) return;
      const hasAck = (t.flags & TcpFlag.ACK) !== 0;
      const segLen = t.payload.length + (t.flags & TcpFlag.SYN ? 1 : 0) + (t.flags & TcpFlag.FIN ? 1 : 0);
      const rst: TcpRepr = {
        kind: 'tcp', srcPort: t.dstPort, dstPort: t.srcPort,
        seq: hasAck ? t.ack : 0, ack: hasAck ? 0 : (t.seq + segLen) >>> 0,
        flags: hasAck ? TcpFlag.RST : TcpFlag.RST | TcpFlag.ACK, window: 0, options: [], payload: EMPTY,
      };
      // nf_reject_iphdr_put: id 0, DF, TTL from the route (64), TOS 0.
      const out: Ipv4Repr = { kind: 'ipv4', tos: 0, id: 0, df: true, ttl: 64, protocol: IpProto.TCP, src: ip.dst, dst: ip.src, payload: rst };
      host.output(out);
      return;
    }
    // nf_send_unreach → icmp_send: never about ICMP errors, broadcasts or non-first fragments.
    if (ip.payload.kind === 'icmp' && ip.payload.type !== IcmpType.EchoRequest && ip.payload.type !== IcmpType.EchoReply
      && ip.payload.type !== 13 && ip.payload.type !== 15 && ip.payload.type !== 17) return;
    if (ip.fragOffset || ip.src === 0 || (ip.dst & 0xf0000000) >>> 0 === 0xe0000000 || ip.dst === 0xffffffff) return;
    const code = REJECT_CODES[type] ?? IcmpUnreach.Port;
    const icmp: IcmpRepr = { kind: 'icmp', type: IcmpType.DestUnreachable, code, rest: 0, payload: icmpQuote(ip) };
    // icmp_send: the source is the packet's destination when it was for us, else our address toward the sender.
    const local = host.isLocal(ip.dst);
    void hook;
    host.sendIp(ip.src, IpProto.ICMP, icmp, { src: local ? ip.dst : undefined, tos: 0xc0, df: false });
  }

  // ---- NAT ---------------------------------------------------------------------------------------

  /** The nat table's base chain: consulted only for a connection's first packet (per manip type). */
  private natHook(tn: TableName, chainName: string, hook: Hook, skb: Skb): Verdict {
    const ref = skb.ct as CtRef | undefined;
    if (!ref || !ref.entry) return Verdict.ACCEPT;
    const e = ref.entry;
    const manip: 'src' | 'dst' = hook === Hook.PREROUTING || hook === Hook.LOCAL_OUT ? 'dst' : 'src';
    if (!ref.related && !e.confirmed && !e.natInit[manip] && this.tables[tn].chains.get(chainName)!.exists) {
      const v = this.runChain(this.tables[tn], chainName, hook, skb);
      e.natInit[manip] = true;
      if (v !== Verdict.ACCEPT) return v;
    }
    this.natManip(skb, ref, manip);
    return Verdict.ACCEPT;
  }

  /** nf_nat_packet / nf_nat_icmp_reply_translation: rewrite the packet to the connection's binding. */
  private natManip(skb: Skb, ref: CtRef, manip: 'src' | 'dst'): void {
    const e = ref.entry!;
    const dir = ref.dir;
    // Which NAT applies to this manip in this direction: DST manip in ORIGINAL = DNAT; in REPLY = undo SNAT.
    const active = manip === 'dst' ? (dir === Dir.ORIGINAL ? e.dnat : e.snat) : (dir === Dir.ORIGINAL ? e.snat : e.dnat);
    if (!active) return;
    // The packet must end up looking like the inverse of the other direction's tuple.
    const target = invert(e.tuple(dir === Dir.ORIGINAL ? Dir.REPLY : Dir.ORIGINAL));
    const ip = skb.ip;
    if (ref.related && ip.payload.kind === 'icmp') {
      if (!icmpUnquote(ip.payload.payload)) return;
      // The quoted packet travelled the other way: give it the other direction's view.
      const innerT = invert(target);
      const quote = manip === 'dst'
        ? patchQuote(ip.payload.payload, { src: innerT.src, sport: innerT.sport })
        : patchQuote(ip.payload.payload, { dst: innerT.dst, dport: innerT.dport });
      const icmp: IcmpRepr = { ...ip.payload, payload: quote };
      const outer = manip === 'dst' ? { ...ip, dst: target.dst as Ipv4Addr } : { ...ip, src: target.src as Ipv4Addr };
      skb.ip = { ...outer, payload: icmp };
      return;
    }
    skb.ip = manip === 'dst'
      ? rewrite(ip, { dst: target.dst, dport: target.dport }, 'dst')
      : rewrite(ip, { src: target.src, sport: target.sport }, 'src');
  }

  /** A NAT target on a connection's first packet: set up the binding (nf_nat_setup_info). */
  private natTarget(skb: Skb, hook: Hook, kind: 'dnat' | 'snat' | 'masq' | 'redirect', r: NatSpec | null): TgResult {
    const ref = skb.ct as CtRef | undefined;
    if (!ref?.entry) return 'ACCEPT';
    const e = ref.entry;
    const manip = kind === 'dnat' || kind === 'redirect' ? 'dst' : 'src';
    if (e.natInit[manip]) return 'ACCEPT';
    e.natInit[manip] = true;
    const orig = e.orig;
    let addr: number;
    let port: number | null = null;
    if (kind === 'masq') {
      const dev = skb.outDev ? this.host.dev(skb.outDev) : undefined;
      const a = dev ? this.host.selectSrc(dev, skb.nexthop || skb.ip.dst) : 0;
      if (!a) { skb.dropReason = `${this.host.hostname}: MASQUERADE: ${skb.outDev ?? '?'} has no address`; return 'DROP'; }
      addr = a;
    } else if (kind === 'redirect') {
      if (hook === Hook.LOCAL_OUT) addr = 0x7f000001;
      else {
        const dev = skb.inDev ? this.host.dev(skb.inDev) : undefined;
        const a = dev?.addrs.find((x) => !x.secondary) ?? dev?.addrs[0];
        if (!a) { skb.dropReason = `${this.host.hostname}: REDIRECT: ${skb.inDev} has no address`; return 'DROP'; }
        addr = a.addr;
      }
    } else {
      addr = r && r.ips ? r.minIp : manip === 'dst' ? orig.dst : orig.src;
    }
    if (r && r.ports) port = r.minPort;
    const hasPorts = orig.proto === IpProto.TCP || orig.proto === IpProto.UDP;
    // New reply tuple: the reply comes from (dst side) / goes to (src side) the new address.
    let reply: Tuple = manip === 'dst'
      ? { ...e.reply, src: addr, sport: hasPorts && port !== null ? port : e.reply.sport }
      : { ...e.reply, dst: addr, dport: hasPorts && port !== null ? port : e.reply.dport };
    if (manip === 'src' && hasPorts) {
      // get_unique_tuple(): keep the port unless another connection already uses that reply tuple.
      const lo = r && r.ports ? r.minPort : reply.dport < 1024 ? 1 : 1024;
      const hi = r && r.ports ? r.maxPort : reply.dport < 1024 ? 1023 : 65535;
      let p = reply.dport;
      if (p < lo || p > hi) p = lo;
      for (let n = 0; n <= hi - lo && this.ct.tupleTaken(reply = { ...reply, dport: p }, e); n++) p = p >= hi ? lo : p + 1;
    }
    e.reply = reply;
    if (manip === 'dst') e.dnat = true; else e.snat = true;
    return 'ACCEPT';
  }
}

const REJECT_CODES: Record<string, number> = {
  'icmp-net-unreachable': 0, 'icmp-host-unreachable': 1, 'icmp-proto-unreachable': 2, 'icmp-port-unreachable': 3,
  'icmp-net-prohibited': 9, 'icmp-host-prohibited': 10, 'icmp-admin-prohibited': 13,
};

function rewrite(ip: Ipv4Repr, to: { src?: number; dst?: number; sport?: number; dport?: number }, which: 'src' | 'dst'): Ipv4Repr {
  const p = ip.payload;
  let payload = p;
  if (p.kind === 'tcp' || p.kind === 'udp') {
    payload = which === 'src' ? { ...p, srcPort: to.sport ?? p.srcPort } : { ...p, dstPort: to.dport ?? p.dstPort };
  }
  return which === 'src'
    ? { ...ip, src: (to.src ?? ip.src) as Ipv4Addr, payload }
    : { ...ip, dst: (to.dst ?? ip.dst) as Ipv4Addr, payload };
}

/** Rewrite addresses/ports in an ICMP error's quoted header, fixing the IP header checksum. */
function patchQuote(q: Uint8Array, set: { src?: number; dst?: number; sport?: number; dport?: number }): Uint8Array {
  const b = q.slice();
  const ihl = (b[0] & 15) * 4;
  const put32 = (o: number, v: number) => { b[o] = v >>> 24; b[o + 1] = (v >>> 16) & 255; b[o + 2] = (v >>> 8) & 255; b[o + 3] = v & 255; };
  if (set.src !== undefined) put32(12, set.src);
  if (set.dst !== undefined) put32(16, set.dst);
  if ((b[9] === IpProto.TCP || b[9] === IpProto.UDP) && b.length >= ihl + 4) {
    if (set.sport !== undefined) { b[ihl] = set.sport >> 8; b[ihl + 1] = set.sport & 255; }
    if (set.dport !== undefined) { b[ihl + 2] = set.dport >> 8; b[ihl + 3] = set.dport & 255; }
  }
  b[10] = 0; b[11] = 0;
  let sum = 0;
  for (let i = 0; i < ihl; i += 2) sum += (b[i] << 8) | b[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  const c = ~sum & 0xffff;
  b[10] = c >> 8; b[11] = c & 255;
  return b;
}

/** Bytes of the Ethernet header of the frame a packet arrived in (from the capture), or null. */
export function frameHeader(host: Host, skb: Skb): Uint8Array | null {
  if (!skb.frameNo || skb.inDev === null) return null;
  const rec = host.net.capture.get(skb.frameNo);
  if (!rec || rec.segment < 0 || rec.bytes.length < 14) return null;
  return rec.bytes.subarray(0, 14);
}

function frameMac(host: Host, skb: Skb, off: number): number | null {
  const h = frameHeader(host, skb);
  if (!h) return null;
  let v = 0;
  for (let i = off; i < off + 6; i++) v = v * 256 + h[i];
  return v;
}

/** The netfilter state of a host, created on first use. */
export function netfilterOf(host: Host): Netfilter {
  let nf = host.ext.netfilter as Netfilter | undefined;
  if (!nf) {
    nf = new Netfilter(host);
    host.ext.netfilter = nf;
  }
  return nf;
}

export { fmtIp, type CtEntry };
