/**
 * The IPVS packet path (ip_vs_core.c): the netfilter hook functions and scheduling.
 *
 * Registered by Ipvs with the priorities of ip_vs_ops4[] (only while services exist):
 *   LOCAL_IN   NAT_SRC-2 (98)  ipvsOutHook  replies to local clients, FULLNAT replies to a local address
 *   LOCAL_IN   NAT_SRC-1 (99)  ipvsInHook   requests from remote clients: after iptables INPUT
 *   LOCAL_OUT  NAT_DST+1 (-99) ipvsOutHook  replies generated locally
 *   LOCAL_OUT  NAT_DST+2 (-98) ipvsInHook   requests from local clients
 *   FORWARD    99              ipvsForwardIcmp
 *   FORWARD    100             ipvsOutHook  VS/NAT replies: after iptables FORWARD
 * So iptables' filter INPUT/FORWARD (priority 0) sees packets before IPVS, as on Linux, and
 * the virtual address must be local (on the director) for requests to reach LOCAL_IN at all.
 *
 * ipvsInHook is ip_vs_in(): find the connection (or reschedule a reused TIME_WAIT/CLOSE
 * tuple, conn_reuse_mode=1), drop packets of connections whose server was removed
 * (expire_nodest_conn=0), schedule new flows — TCP only on a SYN (sloppy_tcp=0), UDP on any
 * packet — then count, run the state machine, transmit and re-arm the timer.
 * ipvsOutHook is ip_vs_out()/handle_response(): a VS/NAT reply gets the virtual address and
 * port as its source and continues; a FULLNAT reply is translated and sent to the client.
 * ICMP errors about IPVS connections (ip_vs_in_icmp/ip_vs_out_icmp) are not modelled: they
 * pass through unchanged.
 */
import { Hook, Verdict, type Skb } from '../netfilter/hooks.ts';
import { SEC } from '../sim/events.ts';
import { IcmpType, IcmpUnreach, TcpFlag, fmtIp } from '../wire/types.ts';
import {
  Conn, Dir, bindDest, controlAdd, tcpStateTransition, udpStateTransition,
} from './conn.ts';
import type { Dest } from './dest.ts';
import type { Ipvs } from './ipvs.ts';
import type { SchedPacket, SchedResult } from './sched/sched.ts';
import type { Service } from './service.ts';
import { ConnF, Fwd, Proto, SvcF, TcpS, protoName } from './types.ts';
import { drXmit, fullnatReply, fullnatXmit, natReply, natXmit, pktLen, tunnelXmit } from './xmit.ts';

const FTPPORT = 21;
const FTPDATA = 20;

interface L4 { proto: number; sport: number; dport: number; tcpFlags: number }

function l4(skb: Skb): L4 | null {
  const ip = skb.ip;
  if (ip.fragOffset) return null;
  const p = ip.payload;
  if (p.kind === 'tcp') return { proto: Proto.TCP, sport: p.srcPort, dport: p.dstPort, tcpFlags: p.flags };
  if (p.kind === 'udp') return { proto: Proto.UDP, sport: p.srcPort, dport: p.dstPort, tcpFlags: 0 };
  return null;
}

// ---- counters and state ----------------------------------------------------------------------

function svcOf(cp: Conn): Service | null { return cp.dest?.svc ?? null; }

/** ip_vs_in_stats() */
function inStats(ipvs: Ipvs, cp: Conn, len: number): void {
  const d = cp.dest;
  if (!d || !d.available) return;
  d.stats.k.inpkts++; d.stats.k.inbytes += len;
  const s = svcOf(cp);
  if (s) { s.stats.k.inpkts++; s.stats.k.inbytes += len; }
  ipvs.tot.k.inpkts++; ipvs.tot.k.inbytes += len;
}

/** ip_vs_out_stats() */
function outStats(ipvs: Ipvs, cp: Conn, len: number): void {
  const d = cp.dest;
  if (!d || !d.available) return;
  d.stats.k.outpkts++; d.stats.k.outbytes += len;
  const s = svcOf(cp);
  if (s) { s.stats.k.outpkts++; s.stats.k.outbytes += len; }
  ipvs.tot.k.outpkts++; ipvs.tot.k.outbytes += len;
}

/** ip_vs_conn_stats() */
function connStats(ipvs: Ipvs, cp: Conn, svc: Service): void {
  if (cp.dest) cp.dest.stats.k.conns++;
  svc.stats.k.conns++;
  ipvs.tot.k.conns++;
}

function setState(ipvs: Ipvs, cp: Conn, dir: Dir, pkt: L4): void {
  if (cp.proto === Proto.TCP) tcpStateTransition(cp, dir, pkt.tcpFlags, ipvs.tcpTimeouts);
  else if (cp.proto === Proto.UDP) udpStateTransition(cp, dir, ipvs.udpTimeout);
}

// ---- connection creation ---------------------------------------------------------------------

/** ip_vs_conn_new(): null when a FULLNAT connection gets no local address. */
function newConn(ipvs: Ipvs, svc: Service, proto: number, caddr: number, cport: number, vaddr: number, vport: number,
  dest: Dest, dport: number, flags: number, mark: number): Conn | null {
  const cp = new Conn(proto, caddr, cport, vaddr, vport, dest.addr, dport, flags, mark, ipvs.host.now);
  if (!(flags & ConnF.TEMPLATE) && dest.fwd === Fwd.FULLNAT) {
    const a = ipvs.allocLaddr(svc, proto, dest.addr, dport);
    if (!a) return null;
    cp.laddr = a.l.addr;
    cp.lport = a.port;
    a.l.conns++;
    cp.laddrRef = a.l;
  }
  bindDest(cp, dest);
  cp.state = 0;
  cp.timeout = 3 * SEC;
  // One-packet entries are never hashed (ip_vs_conn_hash): no later packet can find them.
  if (!(flags & ConnF.ONE_PACKET)) ipvs.conns.hash(cp);
  return cp;
}

/** ip_vs_check_template(): a template whose server went away is invalidated (ports 65535). */
function checkTemplate(ipvs: Ipvs, ct: Conn): boolean {
  const d = ct.dest;
  if (!d || !d.available || (ipvs.sysctl('expire_quiescent_template') && d.weight === 0)) {
    if (ct.vport !== 0xffff) {
      ipvs.conns.unhash(ct);
      ct.dport = 0xffff;
      ct.vport = 0xffff;
      ct.cport = 0;
      ipvs.conns.hash(ct);
    }
    return false;
  }
  return true;
}

interface Scheduled { cp: Conn | null; ignored: number; err?: string }

function decisionText(svc: Service, client: string, r: SchedResult | null, tpl: string | null, dest: Dest | null): string {
  const head = `${svc.label} ← ${client}: `;
  if (!r) return `${head}persistence template ${tpl} → ${dest?.label ?? 'none'} (no scheduling)`;
  return head + r.text + (tpl ? ` (new persistence template ${tpl})` : '');
}

function log(ipvs: Ipvs, svc: Service, cp: Conn | null, caddr: number, cport: number, r: SchedResult | null, tpl: Conn | null, dest: Dest | null): void {
  const client = `${fmtIp(caddr)}:${cport}`;
  const tplText = tpl ? `${fmtIp(tpl.caddr)}:0` : null;
  ipvs.record({
    time: ipvs.host.now, connId: cp?.id ?? 0, service: svc.label, client, dest: dest?.label ?? null, sched: r,
    template: tplText, text: decisionText(svc, client, r, tplText, dest),
  });
}

/** ip_vs_sched_persist() */
function schedPersist(ipvs: Ipvs, svc: Service, pkt: SchedPacket, mark: number): Scheduled {
  const snet = (pkt.saddr & svc.netmask) >>> 0;
  let tproto = pkt.proto, tvaddr = pkt.daddr, tvport = 0;
  if (pkt.dport === svc.port) {
    if (svc.port !== FTPPORT) tvport = pkt.dport;
  } else if (svc.fwmark) {
    tproto = Proto.IP;
    tvaddr = svc.fwmark;
  }
  let ct = ipvs.conns.tplGet(tproto, snet, tvaddr, tvport);
  let dest: Dest;
  let r: SchedResult | null = null;
  if (!ct || !checkTemplate(ipvs, ct)) {
    r = svc.sched ? svc.sched.schedule(svc, pkt, ipvs.env()) : null;
    if (!r || !r.dest) {
      if (r?.err) ipvs.schedErr(svc, r.err);
      log(ipvs, svc, null, pkt.saddr, pkt.sport, r, null, null);
      return { cp: null, ignored: 0, err: r?.err ?? 'no scheduler' };
    }
    dest = r.dest;
    const dport = pkt.dport === svc.port && svc.port !== FTPPORT ? dest.port : 0;
    ct = newConn(ipvs, svc, tproto, snet, 0, tvaddr, tvport, dest, dport, ConnF.TEMPLATE, mark)!;
    ct.timeout = svc.timeout * SEC;
  } else {
    dest = ct.dest!;
  }
  let dport = pkt.dport;
  if (dport === svc.port && dest.port) dport = dest.port;
  const flags = svc.flags & SvcF.ONEPACKET && pkt.proto === Proto.UDP ? ConnF.ONE_PACKET : 0;
  const cp = newConn(ipvs, svc, pkt.proto, pkt.saddr, pkt.sport, pkt.daddr, pkt.dport, dest, dport, flags, mark);
  if (!cp) { ipvs.put(ct); return { cp: null, ignored: -1, err: 'no FULLNAT local address available' }; }
  controlAdd(cp, ct);
  ipvs.put(ct);
  connStats(ipvs, cp, svc);
  log(ipvs, svc, cp, pkt.saddr, pkt.sport, r, ct, dest);
  return { cp, ignored: 1 };
}

/** ip_vs_schedule() */
function schedule(ipvs: Ipvs, svc: Service, skb: Skb, pkt: SchedPacket): Scheduled {
  if (pkt.sport === FTPDATA) return { cp: null, ignored: 1 };
  // Do not schedule replies from a local real server.
  if (!skb.inDev || skb.inDev === 'lo') {
    if (ipvs.conns.inGet(pkt.proto, pkt.daddr, pkt.dport, pkt.saddr, pkt.sport)) return { cp: null, ignored: 1 };
  }
  if (svc.flags & SvcF.PERSISTENT) return schedPersist(ipvs, svc, pkt, skb.mark);
  if (!svc.fwmark && pkt.dport !== svc.port) {
    if (!svc.port) ipvs.klog('IPVS: Schedule: port zero only supported in persistent services, check your ipvs configuration', 3);
    return { cp: null, ignored: 0, err: 'port zero service is not persistent' };
  }
  const r = svc.sched ? svc.sched.schedule(svc, pkt, ipvs.env()) : null;
  if (!r || !r.dest) {
    if (r?.err) ipvs.schedErr(svc, r.err);
    log(ipvs, svc, null, pkt.saddr, pkt.sport, r, null, null);
    return { cp: null, ignored: 0, err: r?.err ?? 'no scheduler' };
  }
  const dest = r.dest;
  const flags = svc.flags & SvcF.ONEPACKET && pkt.proto === Proto.UDP ? ConnF.ONE_PACKET : 0;
  const cp = newConn(ipvs, svc, pkt.proto, pkt.saddr, pkt.sport, pkt.daddr, pkt.dport, dest, dest.port || pkt.dport, flags, skb.mark);
  if (!cp) {
    log(ipvs, svc, null, pkt.saddr, pkt.sport, r, null, dest);
    return { cp: null, ignored: -1, err: 'no FULLNAT local address available (ipvsadm --add-laddr)' };
  }
  connStats(ipvs, cp, svc);
  log(ipvs, svc, cp, pkt.saddr, pkt.sport, r, null, dest);
  return { cp, ignored: 1 };
}

/** is_new_conn_expected() */
function newConnExpected(cp: Conn, mode: number): boolean {
  if (cp.control) return false;
  if (cp.proto === Proto.TCP) {
    return cp.state === TcpS.TIME_WAIT || cp.state === TcpS.CLOSE
      || ((mode & 2) !== 0 && cp.state === TcpS.FIN_WAIT && (cp.flags & ConnF.NOOUTPUT) !== 0);
  }
  return false;
}

function xmit(ipvs: Ipvs, cp: Conn, skb: Skb): Verdict {
  const host = ipvs.host;
  switch (cp.fwd) {
    case Fwd.MASQ: return natXmit(host, skb, cp);
    case Fwd.DROUTE: return drXmit(host, skb, cp);
    case Fwd.TUNNEL: return tunnelXmit(host, skb, cp);
    case Fwd.FULLNAT: return fullnatXmit(host, skb, cp);
    default: return Verdict.ACCEPT; // LOCALNODE: ip_vs_null_xmit
  }
}

/** ip_vs_in() */
export function ipvsInHook(ipvs: Ipvs, skb: Skb, hook: Hook): Verdict {
  if (skb.ipvsDone) return Verdict.ACCEPT;
  const host = ipvs.host;
  const ip = skb.ip;
  // Only packets for this host (PACKET_HOST) or sent by it.
  if (hook === Hook.LOCAL_IN && !host.isLocal(ip.dst)) return Verdict.ACCEPT;
  if (ipvs.sysBackupOnly.value && ipvs.daemons.backup) return Verdict.ACCEPT;
  const p = l4(skb);
  if (!p) return Verdict.ACCEPT;
  ipvs.catchUp();
  let cp = ipvs.conns.inGet(p.proto, ip.src, p.sport, ip.dst, p.dport);

  const reuse = ipvs.sysConnReuse.value;
  if (cp && reuse && p.proto === Proto.TCP && p.tcpFlags & TcpFlag.SYN) {
    let resched = false;
    if (ipvs.sysctl('expire_nodest_conn') && cp.dest && cp.dest.weight === 0) resched = true;
    else if (newConnExpected(cp, reuse)) resched = true;
    if (resched) {
      if (!cp.nControl) ipvs.expireNow(cp);
      cp = undefined;
    }
  }

  if (cp && cp.dest && !cp.dest.available) {
    if (ipvs.sysctl('expire_nodest_conn')) {
      ipvs.expireNow(cp);
      cp = undefined;
    } else {
      skb.dropReason = `${host.hostname}: IPVS: real server ${cp.dest.label} of this connection was removed from the service (net.ipv4.vs.expire_nodest_conn=0: its packets are dropped until the entry expires)`;
      return Verdict.DROP;
    }
  }

  if (!cp) {
    if (p.proto === Proto.TCP && (p.tcpFlags & TcpFlag.RST || !(p.tcpFlags & TcpFlag.SYN || ipvs.sysctl('sloppy_tcp')))) return Verdict.ACCEPT;
    const svc = ipvs.findService(skb.mark, p.proto, ip.dst, p.dport);
    if (!svc) return Verdict.ACCEPT;
    const pkt: SchedPacket = { proto: p.proto, saddr: ip.src, sport: p.sport, daddr: ip.dst, dport: p.dport };
    const r = schedule(ipvs, svc, skb, pkt);
    if (!r.cp) {
      if (r.ignored > 0) return Verdict.ACCEPT;
      if (r.ignored < 0) {
        skb.dropReason = `${host.hostname}: IPVS ${svc.label}: ${r.err ?? 'cannot create a connection'}`;
        return Verdict.DROP;
      }
      // ip_vs_leave(): an FTP service passes other ports through; else ICMP port unreachable.
      if (svc.port === FTPPORT && p.dport !== FTPPORT) return Verdict.ACCEPT;
      host.icmpError(skb, IcmpType.DestUnreachable, IcmpUnreach.Port);
      skb.dropReason = `${host.hostname}: IPVS ${svc.schedName}: ${svc.label} - ${r.err ?? 'no destination available'} (ICMP port unreachable sent to ${fmtIp(ip.src)})`;
      return Verdict.DROP;
    }
    cp = r.cp;
  }

  inStats(ipvs, cp, pktLen(ip));
  setState(ipvs, cp, Dir.INPUT, p);
  const v = xmit(ipvs, cp, skb);
  cp.inPkts++;
  ipvs.put(cp);
  // ip_vs_sync_conn(): offer the connection to the master sync daemon (sync.ts).
  if (ipvs.daemons.master) ipvs.sync.connPacket(cp, cp.inPkts);
  ipvs.emit('packet');
  return v;
}

/** ip_vs_out() */
export function ipvsOutHook(ipvs: Ipvs, skb: Skb, hook: Hook): Verdict {
  if (skb.ipvsDone) return Verdict.ACCEPT;
  const ip = skb.ip;
  const p = l4(skb);
  if (!p) return Verdict.ACCEPT;
  const cp = ipvs.conns.outGet(p.proto, ip.src, p.sport, ip.dst, p.dport);
  if (cp && !cp.template) {
    ipvs.catchUp();
    if (cp.fwd === Fwd.MASQ) {
      natReply(skb, cp);
      outStats(ipvs, cp, pktLen(skb.ip));
      setState(ipvs, cp, Dir.OUTPUT, p);
      ipvs.put(cp);
      ipvs.emit('packet');
      return Verdict.ACCEPT;
    }
    if (cp.fwd === Fwd.FULLNAT) {
      outStats(ipvs, cp, pktLen(ip));
      setState(ipvs, cp, Dir.OUTPUT, p);
      const v = fullnatReply(ipvs.host, skb, cp);
      ipvs.put(cp);
      ipvs.emit('packet');
      return v;
    }
    return Verdict.ACCEPT;
  }
  // nat_icmp_send: tell a real server that its packet belongs to no connection.
  if (ipvs.sysctl('nat_icmp_send') && hook !== Hook.LOCAL_OUT && !(p.proto === Proto.TCP && p.tcpFlags & TcpFlag.RST)) {
    const real = ipvs.rawServices().some((s) => (s.protocol === p.proto || s.fwmark) && s.dests.some((d) => d.addr === ip.src && d.port === p.sport));
    if (real) {
      ipvs.host.icmpError(skb, IcmpType.DestUnreachable, IcmpUnreach.Port);
      skb.dropReason = `${ipvs.host.hostname}: IPVS: ${protoName(p.proto)} packet from real server ${fmtIp(ip.src)}:${p.sport} matches no connection (nat_icmp_send)`;
      return Verdict.DROP;
    }
  }
  return Verdict.ACCEPT;
}

/** ip_vs_forward_icmp(): ICMP about IPVS connections is not translated in the lab. */
export function ipvsForwardIcmp(_ipvs: Ipvs, _skb: Skb): Verdict {
  return Verdict.ACCEPT;
}
