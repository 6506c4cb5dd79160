/**
 * Keepalived_healthcheckers: the checker child of keepalived 2.2.8 (check/check_daemon.c,
 * ipwrapper.c, ipvswrapper.c, check_tcp.c, check_http.c, check_misc.c).
 *
 * It programs IPVS itself through the kernel model's control API (what keepalived does over
 * generic netlink), so `ipvsadm -Ln` shows its work: at start every virtual server is added,
 * then its real servers (all of them before any check ran, unless `alpha`), then every
 * checker is activated and first runs 1 s + random(0..warmup) later (warmup defaults to
 * delay_loop). The probes are real connections from the director's own address:
 *
 * - TCP_CHECK: a handshake within connect_timeout, then close (FIN). A RST or an ICMP error
 *   fails at once, silence fails at connect_timeout.
 * - HTTP_GET / SSL_GET: `GET PATH HTTP/1.0` with `User-Agent: KeepAliveClient` and
 *   `Host: IP:PORT` (or the virtualhost), the status code checked against status_code
 *   (default 200-299) and the body's MD5 against digest. One url per run. SSL_GET speaks the
 *   lab's TLS-shaped exchange (services/tlsSession.ts). The response is complete at EOF or
 *   when Content-Length bytes arrived (the lab's httpd keeps HTTP/1.0 connections open).
 * - MISC_CHECK: a program run on the director (misc.ts: a documented subset).
 *
 * The retry counting and the log lines are those of each checker's epilog: a checker that is
 * up fails `retry` more times `delay_before_retry` apart before it is declared down; at start
 * one failure is enough (retry_it starts at retry). Then ipwrapper removes the real server
 * (`Removing service [RIP]:tcp:PORT from VS [VIP]:tcp:PORT`), or with inhibit_on_failure
 * sets its weight to 0 (`Disabling service ... of VS ...`), recomputes the quorum and, when it
 * is lost, swaps in the sorry server. The first success brings it back.
 *
 * Stop: every real server is removed (`Shutting down service ...`), then the service, then
 * `Stopped - used ... user time, ... system time` (-D).
 */
import type { Host } from '../net/host.ts';
import type { TcpSocket } from '../net/tcp.ts';
import { Ipvs, type DestUser, type ServiceUser } from '../ipvs/ipvs.ts';
import type { IpvsErrno } from '../ipvs/types.ts';
import { parseHttpResponse } from '../services/http1.ts';
import { tlsClientSession } from '../services/tlsSession.ts';
import type { Timer } from '../sim/events.ts';
import type { Rng } from '../sim/rng.ts';
import { fmtIp, type Ipv4Addr } from '../wire/types.ts';
import {
  FWD, IPVS_WEIGHT_LIMIT, fmtRs, fmtVs, trio,
  type CheckerConf, type GlobalDefs, type RealServerConf, type VirtualServerConf,
} from './conf.ts';
import { md5Hex } from '../util/hash.ts';
import { runMisc, type MiscRun } from './misc.ts';

const BOOTSTRAP_DELAY = 1_000_000;
const enc = new TextEncoder();

/** IP_VS_SO_SET_* numbers (include/uapi/linux/ip_vs.h, IP_VS_BASE_CTL = 1152). */
const CMD = {
  ADD: ['IP_VS_SO_SET_ADD', 1154], EDIT: ['IP_VS_SO_SET_EDIT', 1155], DEL: ['IP_VS_SO_SET_DEL', 1156],
  FLUSH: ['IP_VS_SO_SET_FLUSH', 1157], ADDDEST: ['IP_VS_SO_SET_ADDDEST', 1159], DELDEST: ['IP_VS_SO_SET_DELDEST', 1160],
  EDITDEST: ['IP_VS_SO_SET_EDITDEST', 1161], STARTDAEMON: ['IP_VS_SO_SET_STARTDAEMON', 1163],
  STOPDAEMON: ['IP_VS_SO_SET_STOPDAEMON', 1164],
} as const;
type Cmd = keyof typeof CMD;

const ERRNO: Record<IpvsErrno, number> = {
  EPERM: 1, ENOENT: 2, ESRCH: 3, ENOMEM: 12, EEXIST: 17, ENODEV: 19, EINVAL: 22, ERANGE: 34, ENOPROTOOPT: 92,
  EOPNOTSUPP: 95, EAFNOSUPPORT: 97,
};

/** libipvs ipvs_strerror(): the text for what failed. */
export function ipvsStrerror(cmd: Cmd, e: IpvsErrno): string {
  const table: [Cmd | null, IpvsErrno, string][] = [
    ['ADD', 'EEXIST', 'Service already exists'], ['ADD', 'ENOENT', 'Scheduler or persistence engine not found'],
    ['EDIT', 'ESRCH', 'No such service'], ['EDIT', 'ENOENT', 'Scheduler or persistence engine not found'],
    ['DEL', 'ESRCH', 'No such service'], ['ADDDEST', 'ESRCH', 'Service not defined'],
    ['ADDDEST', 'EEXIST', 'Destination already exists'], ['EDITDEST', 'ESRCH', 'Service not defined'],
    ['EDITDEST', 'ENOENT', 'No such destination'], ['DELDEST', 'ESRCH', 'Service not defined'],
    ['DELDEST', 'ENOENT', 'No such destination'], ['STARTDAEMON', 'EEXIST', 'Daemon has already run'],
    ['STOPDAEMON', 'ESRCH', 'No daemon is running'], [null, 'EPERM', 'Permission denied (you must be root)'],
    [null, 'EINVAL', 'Invalid operation.  Possibly wrong module version, address not unicast, ...'],
    [null, 'ENOPROTOOPT', 'Protocol not available'], [null, 'ENOMEM', 'Memory allocation problem'],
    [null, 'EOPNOTSUPP', 'Operation not supported with IPv6'], [null, 'EAFNOSUPPORT', 'Operation not supported with specified address family'],
  ];
  for (const [c, err, text] of table) if ((c === null || c === cmd) && err === e) return text;
  return { ERANGE: 'Numerical result out of range', ENODEV: 'No such device', ENOENT: 'No such file or directory', ESRCH: 'No such process', EEXIST: 'File exists' }[e as string] ?? e;
}

/** State of one checker, for a UI. */
export interface CheckerStatus {
  readonly kind: CheckerConf['kind'];
  readonly target: string;
  readonly up: boolean;
  readonly hasRun: boolean;
  /** Failed attempts counted so far (keepalived's retry_it). */
  readonly retryIt: number;
  readonly retry: number;
  /** What the last attempt gave ("success", "connection refused", "HTTP status code 503", ...). */
  readonly last: string | null;
  readonly lastAt: number | null;
  /** Virtual µs of the next attempt, or null while one runs. */
  readonly nextAt: number | null;
}

export interface RealServerStatus {
  readonly addr: string;
  readonly label: string;
  readonly alive: boolean;
  /** In the IPVS table (with inhibit_on_failure a dead server stays, at weight 0). */
  readonly inIpvs: boolean;
  readonly weight: number;
  readonly inhibit: boolean;
  readonly checkers: readonly CheckerStatus[];
}

export interface VirtualServerStatus {
  readonly label: string;
  readonly quorumUp: boolean;
  readonly sorryActive: boolean;
  readonly realServers: readonly RealServerStatus[];
}

interface Rs {
  readonly conf: RealServerConf;
  readonly vs: Vs;
  alive: boolean;
  set: boolean;
  numFailed: number;
  inhibit: boolean;
  effectiveWeight: number;
  readonly checkers: Checker[];
}

interface Vs {
  readonly conf: VirtualServerConf;
  readonly key: string;
  alive: boolean;
  quorumUp: boolean;
  readonly rs: Rs[];
  sorry: Rs | null;
}

interface Checker {
  readonly conf: CheckerConf;
  readonly rs: Rs;
  readonly vs: Vs;
  /** ha_suspend: false while the virtual address is not on this host. */
  enabled: boolean;
  isUp: boolean;
  hasRun: boolean;
  retryIt: number;
  timer: Timer | null;
  io: Timer | null;
  sock: TcpSocket | null;
  misc: MiscRun | null;
  urlIt: number;
  failedUrl: number | null;
  last: string | null;
  lastAt: number | null;
  nextAt: number | null;
  lastExit: number;
}

/** What the daemon gives its checker child. */
export interface CheckerEnv {
  readonly host: Host;
  readonly rng: Rng;
  readonly globals: GlobalDefs;
  log(msg: string, priority?: number): void;
}

const vsKey = (v: VirtualServerConf) => (v.group ? `g${v.group}:${v.port}` : v.fwmark ? `f${v.fwmark}` : `${v.protocol}/${v.addr}/${v.port}`);
const rsKey = (r: RealServerConf) => `${r.addr}:${r.port}`;
const realWeight = (w: number) => Math.max(0, Math.min(IPVS_WEIGHT_LIMIT, w));

export class HealthChecker {
  private vss: Vs[] = [];
  private stopped = false;
  private readonly host: Host;
  /** ha_suspend: the host's addresses as netlink last reported them, and the listener. */
  private addrs = new Set<number>();
  private offAddr: (() => void) | null = null;

  constructor(private readonly env: CheckerEnv, confs: readonly VirtualServerConf[]) {
    this.host = env.host;
    this.vss = confs.map((c) => this.build(c));
  }

  private build(c: VirtualServerConf): Vs {
    const vs: Vs = { conf: c, key: vsKey(c), alive: false, quorumUp: false, rs: [], sorry: null };
    for (const rc of c.rs) vs.rs.push(this.buildRs(rc, vs));
    if (c.sorry) vs.sorry = { conf: c.sorry, vs, alive: false, set: false, numFailed: 0, inhibit: !!c.sorry.inhibit, effectiveWeight: c.sorry.weight ?? 1, checkers: [] };
    return vs;
  }

  private buildRs(rc: RealServerConf, vs: Vs): Rs {
    const rs: Rs = { conf: rc, vs, alive: false, set: false, numFailed: 0, inhibit: !!rc.inhibit, effectiveWeight: rc.weight ?? 1, checkers: [] };
    for (const cc of rc.checkers) {
      const ch: Checker = {
        conf: cc, rs, vs, enabled: true, isUp: true, hasRun: false, retryIt: cc.retry ?? 0, timer: null, io: null, sock: null, misc: null,
        urlIt: 0, failedUrl: null, last: null, lastAt: null, nextAt: null, lastExit: 0,
      };
      // Alpha mode: every checker starts as failed.
      if (cc.alpha) { ch.isUp = false; rs.numFailed++; }
      rs.checkers.push(ch);
    }
    return rs;
  }

  private log(msg: string, prio = 6): void { if (!this.stopped) this.env.log(msg, prio); }

  private get ipvs(): Ipvs | undefined { return Ipvs.of(this.host); }

  // ---- start -----------------------------------------------------------------------------------------

  start(): void {
    const g = this.env.globals;
    if (this.vss.length) {
      this.env.log('Initializing ipvs', 7);
      if (!Ipvs.of(this.host)) Ipvs.load(this.host);
    }
    if (g.lvsTimeouts && (g.lvsTimeouts.tcp || g.lvsTimeouts.tcpfin || g.lvsTimeouts.udp)) {
      this.ipvs?.setTimeout(g.lvsTimeouts.tcp, g.lvsTimeouts.tcpfin, g.lvsTimeouts.udp);
    }
    if (g.lvsSyncd && !g.lvsSyncd.vrrpName) {
      const x = this.ipvs ?? Ipvs.load(this.host);
      x.stopDaemon(1); x.stopDaemon(2);
      this.daemonCmd('STARTDAEMON', 1);
      this.daemonCmd('STARTDAEMON', 2);
    }
    if (this.vss.some((v) => v.conf.haSuspend)) this.watchAddresses();
    if (g.lvsFlush) this.ipvs?.flush();
    for (const vs of this.vss) this.initServiceVs(vs);
    this.registerCheckers(this.vss.flatMap((v) => v.rs.flatMap((r) => r.checkers)));
  }

  private localAddrs(): Set<number> {
    const out = new Set<number>();
    for (const { a } of this.host.allAddrs()) out.add(a.addr);
    return out;
  }

  /** kernel_netlink_init() for ha_suspend: follow the host's addresses (update_checker_activity()). */
  private watchAddresses(): void {
    this.log('Registering Kernel netlink reflector');
    this.log('Registering Kernel netlink command channel');
    this.addrs = this.localAddrs();
    this.offAddr = this.host.on((ev) => {
      if (ev.kind !== 'addr' || this.stopped) return;
      const now = this.localAddrs();
      for (const a of now) if (!this.addrs.has(a)) this.addressChange(a, true);
      for (const a of this.addrs) if (!now.has(a)) this.addressChange(a, false);
      this.addrs = now;
    });
  }

  private addressChange(addr: number, enable: boolean): void {
    const vss = this.vss.filter((v) => v.conf.haSuspend && !v.conf.fwmark && v.conf.addr === addr);
    if (!vss.length) return;
    this.log(`Netlink reflector reports IP ${fmtIp(addr)} ${enable ? 'added' : 'removed'}`);
    for (const vs of vss) {
      for (const rs of vs.rs) for (const ch of rs.checkers) {
        if (ch.enabled === enable) continue;
        this.log(`${enable ? 'Activat' : 'Suspend'}ing healthchecker for service ${fmtRs(rs.conf, vs.conf)} for VS ${fmtVs(vs.conf)}`);
        ch.enabled = enable;
      }
    }
  }

  private daemonCmd(cmd: 'STARTDAEMON' | 'STOPDAEMON', state: 1 | 2): void {
    const s = this.env.globals.lvsSyncd;
    const x = this.ipvs;
    if (!s || !x) return;
    const err = cmd === 'STARTDAEMON'
      ? x.startDaemon({ state, mcastIfn: s.ifname, syncid: s.syncid ?? 0, syncMaxlen: s.maxlen, mcastGroup: s.group, mcastPort: s.port, mcastTtl: s.ttl })
      : x.stopDaemon(state);
    if (err) this.log(`IPVS cmd ${CMD[cmd][0]}(${CMD[cmd][1]}) error: ${ipvsStrerror(cmd, err)}(${ERRNO[err]})`);
  }

  private registerCheckers(list: Checker[]): void {
    for (const ch of list) {
      ch.enabled = !(ch.vs.conf.haSuspend && !ch.vs.conf.fwmark && !this.host.isLocal(ch.vs.conf.addr));
      this.log(`${ch.enabled ? 'A' : 'Dea'}ctivating healthchecker for service ${fmtRs(ch.rs.conf, ch.vs.conf)} for VS ${fmtVs(ch.vs.conf)}`);
      const warmup = ch.conf.warmup ?? 0;
      const w = warmup ? Math.floor(warmup * (this.env.rng.u32() & 0x7fffffff) / 0x7fffffff) : 0;
      this.schedule(ch, BOOTSTRAP_DELAY + w);
    }
  }

  /** init_service_vs() */
  private initServiceVs(vs: Vs): void {
    if (!vs.alive) {
      this.ipvsCmd('ADD', vs);
      vs.alive = true;
    }
    for (const rs of vs.rs) this.initServiceRs(rs);
    this.updateQuorumState(vs, true);
    if (vs.sorry && vs.sorry.inhibit && !vs.sorry.set) {
      vs.sorry.numFailed = 1;
      this.ipvsCmd('ADDDEST', vs, vs.sorry);
      vs.sorry.numFailed = 0;
    }
  }

  /** init_service_rs() for one real server */
  private initServiceRs(rs: Rs): void {
    if ((!rs.numFailed && !rs.alive) || (rs.inhibit && !rs.set)) {
      this.ipvsCmd('ADDDEST', rs.vs, rs);
      if (!rs.numFailed) rs.alive = true;
    }
  }

  // ---- IPVS (ipvswrapper.c) ------------------------------------------------------------------------

  private serviceUser(vs: Vs): ServiceUser {
    const c = vs.conf;
    const persistent = c.persistenceTimeout > 0;
    return {
      fwmark: c.fwmark, protocol: c.protocol, addr: c.addr, port: c.port, schedName: c.sched,
      flags: c.flags | (persistent ? 0x0001 : 0), timeout: persistent ? c.persistenceTimeout : 0,
      netmask: persistent && c.persistenceGranularity !== 0xffffffff ? c.persistenceGranularity : 0xffffffff, pe: '',
    };
  }

  /** ipvs_cmd(): the inhibit logic, then one control operation (errors logged as ipvs_talk does). */
  private ipvsCmd(cmd0: Cmd, vs: Vs, rs?: Rs): boolean {
    const x = this.ipvs;
    if (!x) return false;
    let cmd = cmd0;
    const svc = this.serviceUser(vs);
    let dest: DestUser | null = null;
    if (rs) {
      let weight = realWeight(rs.effectiveWeight);
      if (cmd === 'DELDEST' && rs.inhibit) { weight = 0; cmd = 'EDITDEST'; }
      else if (cmd === 'ADDDEST' && rs.inhibit && rs.set) cmd = 'EDITDEST';
      else if (cmd === 'ADDDEST' && !rs.set) { rs.set = true; if (rs.inhibit && rs.numFailed) weight = 0; }
      else if (cmd === 'DELDEST' && rs.set) rs.set = false;
      const port = vs.conf.fwmark ? (rs.conf.fwd === FWD.NAT ? rs.conf.port : 0) : (rs.conf.fwd === FWD.NAT ? rs.conf.port : vs.conf.port);
      dest = {
        addr: rs.conf.addr, port, fwd: rs.conf.fwd, weight, uThreshold: rs.conf.uThreshold, lThreshold: rs.conf.lThreshold,
        tunType: 0, tunPort: 0, tunFlags: 0,
      };
    }
    let err: IpvsErrno | null;
    switch (cmd) {
      case 'ADD': err = x.addService(svc); break;
      case 'EDIT': err = x.editService(svc); break;
      case 'DEL': err = x.delService(svc); break;
      case 'ADDDEST': err = x.addDest(svc, dest!); break;
      case 'DELDEST': err = x.delDest(svc, dest!.addr, dest!.port); break;
      case 'EDITDEST':
        err = x.editDest(svc, dest!);
        if (err === 'ENOENT') { cmd = 'ADDDEST'; err = x.addDest(svc, dest!); }
        break;
      default: err = null;
    }
    if (!err) return false;
    let fail = true;
    if (err === 'EEXIST' && (cmd === 'ADD' || cmd === 'ADDDEST')) fail = false;
    else if (err === 'ENOENT' && (cmd === 'DEL' || cmd === 'DELDEST')) fail = false;
    let what = '';
    if (cmd === 'ADD' || cmd === 'DEL' || cmd === 'EDIT' || cmd === 'ADDDEST' || cmd === 'DELDEST' || cmd === 'EDITDEST') {
      what = vs.conf.fwmark ? `Fwm ${vs.conf.fwmark}` : `${fmtIp(svc.addr)}:${['tcp', 'udp', 'sctp'][[6, 17, 132].indexOf(svc.protocol)] ?? svc.protocol}:${svc.port}`;
      if (dest) what += ` -> ${fmtIp(dest.addr)}:${dest.port}`;
      what = ` (${what})`;
    }
    this.log(`IPVS cmd ${CMD[cmd][0]}(${CMD[cmd][1]}) error: ${ipvsStrerror(cmd, err)}(${ERRNO[err]})${what}`);
    return fail;
  }

  // ---- states (ipwrapper.c) -----------------------------------------------------------------------------

  private weighLive(vs: Vs): number {
    let n = 0;
    for (const rs of vs.rs) if (rs.alive) n += realWeight(rs.effectiveWeight);
    return n;
  }

  /** update_quorum_state() */
  private updateQuorumState(vs: Vs, init: boolean): void {
    const c = vs.conf;
    const sum = this.weighLive(vs);
    const threshold = c.quorum + (vs.quorumUp ? -1 : 1) * c.hysteresis;
    if (!vs.quorumUp && sum >= threshold) {
      vs.quorumUp = true;
      this.log(`Gained quorum ${c.quorum}+${c.hysteresis}=${threshold} <= ${sum} for VS ${fmtVs(c)}`);
      if (vs.sorry && vs.sorry.alive) {
        this.log(`${vs.sorry.inhibit ? 'Disabling' : 'Removing'} sorry server ${fmtRs(vs.sorry.conf, c)} from VS ${fmtVs(c)}`);
        this.ipvsCmd('DELDEST', vs, vs.sorry);
        vs.sorry.alive = false;
        this.performQuorumState(vs, true);
      }
      return;
    }
    if ((vs.quorumUp && (!sum || sum < threshold)) || (init && !vs.quorumUp && vs.sorry && !vs.sorry.alive)) {
      vs.quorumUp = false;
      this.log(`${init ? 'Starting with quorum down' : 'Lost quorum'} ${c.quorum}-${c.hysteresis}=${threshold} > ${sum} for VS ${fmtVs(c)}`);
      if (vs.sorry && !vs.sorry.alive) {
        this.log(`${vs.sorry.inhibit ? 'Enabling' : 'Adding'} sorry server ${fmtRs(vs.sorry.conf, c)} to VS ${fmtVs(c)}`);
        this.performQuorumState(vs, false);
        this.ipvsCmd('ADDDEST', vs, vs.sorry);
        vs.sorry.alive = true;
      }
    }
  }

  /** perform_quorum_state() */
  private performQuorumState(vs: Vs, add: boolean): void {
    this.log(`${add ? 'Adding alive servers to' : 'Removing alive servers from'} the pool for VS ${fmtVs(vs.conf)}`);
    for (const rs of vs.rs) {
      if (!rs.alive) continue;
      if (add) rs.alive = false;
      this.ipvsCmd(add ? 'ADDDEST' : 'DELDEST', vs, rs);
      rs.alive = true;
    }
  }

  /** perform_svr_state() */
  private performSvrState(alive: boolean, ch: Checker): boolean {
    const { vs, rs } = ch;
    if (rs.alive === alive) return true;
    const verb = alive ? (rs.inhibit ? 'Enabl' : 'Add') : (rs.inhibit ? 'Disabl' : 'Remov');
    const prep = rs.inhibit ? 'of' : alive ? 'to' : 'from';
    this.log(`${verb}ing service ${fmtRs(rs.conf, vs.conf)} ${prep} VS ${fmtVs(vs.conf)}`);
    if (vs.quorumUp || !vs.sorry || !vs.sorry.alive) {
      if (this.ipvsCmd(alive ? 'ADDDEST' : 'DELDEST', vs, rs)) return false;
    }
    rs.alive = alive;
    this.updateQuorumState(vs, false);
    return true;
  }

  /** update_svr_checker_state() */
  private updateSvrCheckerState(alive: boolean, ch: Checker): void {
    if (ch.isUp === alive) {
      if (!ch.hasRun) ch.hasRun = true;
      return;
    }
    ch.hasRun = true;
    if (alive) {
      if (ch.rs.numFailed <= 1 && !this.performSvrState(true, ch)) return;
    } else if (ch.rs.numFailed === 0 && !this.performSvrState(false, ch)) {
      return;
    }
    this.setCheckerState(ch, alive);
  }

  private setCheckerState(ch: Checker, up: boolean): void {
    this.host.net.changed('keepalived', this.host.id);
    if (ch.isUp === up) return;
    ch.isUp = up;
    if (!up) ch.rs.numFailed++;
    else if (ch.rs.numFailed) ch.rs.numFailed--;
  }

  // ---- running checks -------------------------------------------------------------------------------------

  private schedule(ch: Checker, delay: number): void {
    const q = this.host.net.q;
    q.cancel(ch.timer);
    ch.nextAt = this.host.now + delay;
    ch.timer = q.after(delay, () => { ch.timer = null; ch.nextAt = null; this.launch(ch); });
  }

  private dst(ch: Checker): { addr: Ipv4Addr; port: number } {
    return {
      addr: (ch.conf.connectIp ?? ch.rs.conf.addr) as Ipv4Addr,
      port: ch.conf.connectPort ?? ch.conf.parsePort,
    };
  }

  private fmtChk(ch: Checker): string {
    const d = this.dst(ch);
    return trio(d.addr, ch.vs.conf.protocol || 6, d.port);
  }

  private launch(ch: Checker): void {
    if (this.stopped) return;
    // A suspended checker (ha_suspend, VIP elsewhere) only keeps its timer going.
    if (!ch.enabled) { this.schedule(ch, ch.conf.delayLoop!); return; }
    switch (ch.conf.kind) {
      case 'TCP_CHECK': this.tcpConnect(ch); break;
      case 'HTTP_GET': case 'SSL_GET': this.httpConnect(ch); break;
      case 'MISC_CHECK': this.miscRun(ch); break;
    }
  }

  private result(ch: Checker, text: string): void {
    ch.last = text;
    ch.lastAt = this.host.now;
    // status() changed: UIs showing the last result follow it.
    this.host.net.changed('keepalived', this.host.id);
  }

  /** Open a connection for a check; `done` gets the socket or an error text. */
  private connect(ch: Checker, onUp: (s: TcpSocket) => void, onFail: (why: 'timeout' | string) => void): void {
    const d = this.dst(ch);
    const opts: { laddr?: Ipv4Addr; lport?: number } = {};
    if (ch.conf.bindto !== null) opts.laddr = ch.conf.bindto as Ipv4Addr;
    if (ch.conf.bindPort !== null) opts.lport = ch.conf.bindPort;
    const s = this.host.tcp.connect(d.addr, d.port, 'keepalived', opts);
    if (typeof s === 'string') { onFail(s); return; }
    ch.sock = s;
    const q = this.host.net.q;
    const timeout = ch.conf.connectTimeout ?? 5_000_000;
    ch.io = q.after(timeout, () => {
      ch.io = null;
      ch.sock = null;
      s.onError = undefined;
      s.onEstablished = undefined;
      s.abort();
      onFail('timeout');
    });
    s.onEstablished = () => { onUp(s); };
    s.onError = (e) => {
      q.cancel(ch.io); ch.io = null; ch.sock = null;
      onFail(e === 'ECONNREFUSED' ? 'connection refused' : e === 'EHOSTUNREACH' ? 'no route to host' : e === 'ECONNRESET' ? 'connection reset' : e);
    };
  }

  private endIo(ch: Checker): void {
    this.host.net.q.cancel(ch.io);
    ch.io = null;
    const s = ch.sock;
    ch.sock = null;
    if (s) { s.onData = undefined; s.onEof = undefined; s.onError = undefined; s.onEstablished = undefined; s.close(); }
  }

  // -- TCP_CHECK ----------------------------------------------------------------------------------------

  private tcpConnect(ch: Checker): void {
    this.connect(ch, () => {
      this.endIo(ch);
      this.result(ch, 'success');
      this.tcpEpilog(ch, true);
    }, (why) => {
      this.result(ch, why);
      if (ch.isUp && (this.env.globals.checkerLogAllFailures || ch.conf.logAllFailures)) {
        this.log(why === 'timeout' ? `TCP connection to ${this.fmtChk(ch)} timeout.` : `TCP connection to ${this.fmtChk(ch)} failed.`);
      }
      this.tcpEpilog(ch, false);
    });
  }

  /** tcp_epilog() */
  private tcpEpilog(ch: Checker, ok: boolean): void {
    let delay: number;
    const retry = ch.conf.retry ?? 1;
    if (ok || ch.retryIt >= retry) {
      delay = ch.conf.delayLoop!;
      ch.retryIt = 0;
      if (ok && (!ch.isUp || !ch.hasRun)) {
        this.log(`TCP connection to ${this.fmtChk(ch)} success.`);
        this.updateSvrCheckerState(true, ch);
      } else if (!ok && (ch.isUp || !ch.hasRun)) {
        if (retry && ch.hasRun) this.log(`TCP_CHECK on service ${this.fmtChk(ch)} failed after ${retry} retries.`);
        else this.log(`TCP_CHECK on service ${this.fmtChk(ch)} failed.`);
        this.updateSvrCheckerState(false, ch);
      }
    } else {
      delay = ch.conf.delayBeforeRetry!;
      ch.retryIt++;
    }
    ch.hasRun = true;
    this.schedule(ch, delay);
  }

  // -- HTTP_GET / SSL_GET ------------------------------------------------------------------------------

  private httpConnect(ch: Checker): void {
    const urls = ch.conf.urls;
    const url = urls[Math.min(ch.urlIt, urls.length - 1)];
    const ssl = ch.conf.kind === 'SSL_GET';
    const d = this.dst(ch);
    this.connect(ch, (s) => {
      const q = this.host.net.q;
      const vhost = url.virtualhost ?? ch.conf.virtualhost ?? ch.rs.conf.virtualhost ?? ch.vs.conf.virtualhost;
      const host = vhost ?? `${fmtIp(d.addr)}:${d.port}`;
      const minor = ch.conf.httpProtocol === '1.1' ? 1 : 0;
      const close = ch.conf.httpProtocol === '1.0' ? '' : 'Connection: close\r\n';
      const req = enc.encode(`GET ${url.path} HTTP/1.${minor}\r\nUser-Agent: KeepAliveClient\r\n${close}Host: ${host}\r\n\r\n`);
      const tls = ssl ? tlsClientSession(this.env.rng.fork(`tls:${this.host.now}`), vhost ?? fmtIp(d.addr)) : null;
      let rx = new Uint8Array(0);
      let sent = false;
      const timeout = ch.conf.connectTimeout ?? 5_000_000;
      const rearm = () => {
        q.cancel(ch.io);
        ch.io = q.after(timeout, () => { ch.io = null; finish(true); });
      };
      const append = (b: Uint8Array) => {
        const n = new Uint8Array(rx.length + b.length);
        n.set(rx); n.set(b, rx.length);
        rx = n;
      };
      let done = false;
      const finish = (timedOut: boolean, eof = false) => {
        if (done) return;
        done = true;
        this.endIo(ch);
        const resp = parseHttpResponse(rx, true);
        if (!rx.length || !resp) {
          this.result(ch, timedOut && !rx.length ? 'timeout' : 'no data');
          this.timeoutEpilog(ch, 'Read, no data received from');
          return;
        }
        void eof;
        this.httpHandle(ch, url, resp.status, resp.body);
      };
      const complete = () => {
        const r = parseHttpResponse(rx, false);
        return r !== null;
      };
      if (tls) {
        for (const rec of tls.hello()) s.send(rec);
      } else {
        s.send(req);
        sent = true;
      }
      rearm();
      s.onData = () => {
        const bytes = s.read();
        if (tls) {
          const r = tls.receive(bytes);
          for (const o of r.send) s.send(o);
          if (r.appData.length) append(r.appData);
          if (tls.established && !sent) { sent = true; for (const rec of tls.seal(req)) s.send(rec); }
          if (r.closed) { finish(false, true); return; }
        } else {
          append(bytes);
        }
        rearm();
        if (complete()) finish(false);
      };
      s.onEof = () => finish(false, true);
      s.onError = () => finish(false, true);
    }, (why) => {
      this.result(ch, why);
      this.timeoutEpilog(ch, why === 'timeout' ? 'Timeout connecting' : 'Error connecting');
    });
  }

  /** http_handle_response(): status code, then digest. */
  private httpHandle(ch: Checker, url: CheckerConf['urls'][number], status: number, body: Uint8Array): void {
    const okStatus = url.statusCodes.size ? url.statusCodes.has(status) : status >= 200 && status <= 299;
    if (!okStatus) {
      this.result(ch, `HTTP status code ${status}`);
      this.timeoutEpilog(ch, 'HTTP status code error to');
      return;
    }
    let msg = 'HTTP status code';
    if (url.digest) {
      if (md5Hex(body) !== url.digest) {
        this.result(ch, 'MD5 digest mismatch');
        this.timeoutEpilog(ch, 'MD5 digest error to');
        return;
      }
      msg = 'MD5 digest';
    }
    this.result(ch, `HTTP ${status}${url.digest ? ', digest ok' : ''}`);
    if (!ch.isUp) this.log(`${msg} success to ${this.fmtChk(ch)} url(${url.path})`);
    this.httpEpilog(ch, 'NEW');
  }

  /** timeout_epilog() */
  private timeoutEpilog(ch: Checker, debugMsg: string): void {
    if (ch.isUp || !ch.hasRun) {
      if (this.env.globals.checkerLogAllFailures || ch.conf.logAllFailures) this.log(`${debugMsg} server ${this.fmtChk(ch)}.`);
      ch.hasRun = true;
      this.httpEpilog(ch, 'RETRY');
      return;
    }
    this.httpEpilog(ch, 'FAILED');
  }

  /** epilog() of check_http.c */
  private httpEpilog(ch: Checker, method: 'NEW' | 'RETRY' | 'FAILED'): void {
    const n = ch.conf.urls.length;
    const retry = ch.conf.retry ?? 1;
    const proto = ch.conf.kind === 'SSL_GET' ? 'SSL' : 'HTTP';
    let urlDone = false;
    if (method === 'NEW') {
      ch.urlIt++;
      if (ch.urlIt >= n) urlDone = true;
      ch.retryIt = 0;
    } else if (method === 'RETRY') {
      ch.retryIt++;
    }
    if (method === 'NEW' && urlDone && ch.failedUrl === null) {
      if (!ch.isUp || !ch.hasRun) {
        this.log(`Remote Web server ${this.fmtChk(ch)} succeed on service.`);
        this.updateSvrCheckerState(true, ch);
        ch.hasRun = true;
      }
      ch.urlIt = 0;
      ch.retryIt = 0;
    } else if (method === 'RETRY' && ch.retryIt > retry) {
      if (ch.isUp || !ch.hasRun) {
        if (ch.hasRun && retry) this.log(`${proto}_CHECK on service ${this.fmtChk(ch)} failed after ${ch.retryIt - 1} retries.`);
        else this.log(`${proto}_CHECK on service ${this.fmtChk(ch)} failed.`);
        this.updateSvrCheckerState(false, ch);
      }
      ch.failedUrl = Math.min(ch.urlIt, n - 1);
    } else if (method === 'NEW' && ch.failedUrl !== null) {
      ch.failedUrl = null;
      ch.urlIt = 0;
      ch.retryIt = 0;
    } else if (method === 'NEW' && urlDone) {
      ch.urlIt = 0;
    }
    let delay: number;
    const loop = ch.conf.delayLoop!;
    const dbr = ch.conf.delayBeforeRetry!;
    if (method === 'NEW') {
      delay = loop;
      if (!ch.hasRun) ch.retryIt = retry;
    } else if (ch.failedUrl !== null) {
      delay = Math.max(dbr, loop);
    } else {
      delay = dbr;
    }
    if (ch.conf.fastRecovery && (!ch.hasRun || (!ch.isUp && ch.failedUrl === null))) delay = 0;
    this.schedule(ch, delay);
  }

  // -- MISC_CHECK -------------------------------------------------------------------------------------

  private miscRun(ch: Checker): void {
    const argv = ch.conf.miscPath ?? [];
    const started = this.host.now;
    ch.misc = runMisc(this.host, argv, ch.conf.miscTimeout ?? ch.conf.delayLoop!, (r) => {
      ch.misc = null;
      this.miscDone(ch, r, started);
    });
  }

  /** misc_check_child_thread() */
  private miscDone(ch: Checker, r: { status: number } | { timedOut: true }, started: number): void {
    const retry = ch.conf.retry ?? 0;
    let exitType: string | null = null;
    let success = false;
    let reason: string | null = null;
    let code = 0;
    let messageOnly = false;
    const logAll = this.env.globals.checkerLogAllFailures || ch.conf.logAllFailures;
    if ('status' in r) {
      const st = r.status;
      this.result(ch, `exit ${st}`);
      if (st === 0 || (ch.conf.miscDynamic && st >= 2 && st <= 255)) {
        if (ch.conf.miscDynamic && st !== ch.lastExit) {
          const w = st ? st - 2 : ch.rs.conf.weight ?? 1;
          this.updateWeight(ch.rs, w);
          ch.lastExit = st;
        }
        if (!ch.isUp || !ch.hasRun) { exitType = 'succeeded'; success = true; }
        ch.retryIt = 0;
      } else if (ch.isUp || !ch.hasRun) {
        exitType = 'failed';
        reason = 'exited with status';
        code = st;
        if (ch.retryIt < retry) {
          ch.retryIt++;
          if (logAll) messageOnly = true; else exitType = null;
        } else {
          ch.retryIt = 0;
          ch.lastExit = st;
        }
      }
    } else {
      this.result(ch, 'timed out');
      if (ch.isUp || !ch.hasRun) {
        exitType = 'timed out';
        if (ch.retryIt < retry) {
          ch.retryIt++;
          if (logAll) messageOnly = true; else exitType = null;
        } else ch.retryIt = 0;
      }
    }
    if (exitType) {
      let message = '';
      if (!success) {
        if (retry) {
          if (ch.retryIt === 1) message = `, will do ${retry} ${retry === 1 ? 'retry' : 'retries'}`;
          else if (ch.retryIt > 1) message = ` on retry ${ch.retryIt - 1}/${retry}`;
          else message = ` after ${retry} ${retry === 1 ? 'retry' : 'retries'}`;
        } else message = ' with retry disabled';
      }
      const head = `Misc check for [${this.fmtChk(ch)} VS ${fmtVs(ch.vs.conf)}] by [${(ch.conf.miscPath ?? [''])[0]}] ${exitType}${message}`;
      this.log(reason ? `${head} (${reason} ${code}).` : `${head}.`);
      if (!messageOnly) this.updateSvrCheckerState(success, ch);
    }
    const next = started + (ch.retryIt ? ch.conf.delayBeforeRetry! : ch.conf.delayLoop!) - this.host.now;
    ch.hasRun = true;
    this.schedule(ch, Math.max(1, next));
  }

  /** update_svr_wgt() */
  private updateWeight(rs: Rs, weight: number): void {
    const oldW = realWeight(rs.effectiveWeight);
    const newW = realWeight(weight);
    rs.effectiveWeight = weight;
    if (newW === oldW) return;
    this.log(`Changing weight from ${oldW} to ${newW} for ${rs.alive ? '' : 'in'}active service ${fmtRs(rs.conf, rs.vs.conf)} of VS ${fmtVs(rs.vs.conf)}`);
    if (rs.set && rs.alive && (rs.vs.quorumUp || !rs.vs.sorry || !rs.vs.sorry.alive)) this.ipvsCmd('EDITDEST', rs.vs, rs);
    this.updateQuorumState(rs.vs, false);
  }

  // ---- stop and reload ---------------------------------------------------------------------------------------

  private cancelChecker(ch: Checker): void {
    this.host.net.q.cancel(ch.timer);
    ch.timer = null;
    ch.nextAt = null;
    this.host.net.q.cancel(ch.io);
    ch.io = null;
    if (ch.sock) { const s = ch.sock; ch.sock = null; s.onError = undefined; s.onData = undefined; s.onEof = undefined; s.onEstablished = undefined; s.abort(); }
    ch.misc?.cancel();
    ch.misc = null;
  }

  /** clear_service_rs() */
  private clearServiceRs(rs: Rs, stopping: boolean): void {
    if (rs.set || stopping) {
      this.env.log(`${stopping ? 'Shutting down' : 'Removing'} ${rs.inhibit && !rs.alive ? '(inhibited) ' : ''}service ${fmtRs(rs.conf, rs.vs.conf)} from VS ${fmtVs(rs.vs.conf)}`);
    }
    if (!rs.set) return;
    const sav = rs.inhibit;
    rs.inhibit = false;
    this.ipvsCmd('DELDEST', rs.vs, rs);
    rs.inhibit = sav;
    rs.alive = false;
  }

  /** clear_service_vs() */
  private clearServiceVs(vs: Vs, stopping: boolean): void {
    if (!this.env.globals.lvsFlushOnStop || !stopping) {
      if (vs.sorry && vs.sorry.set) {
        const sav = vs.sorry.inhibit;
        vs.sorry.inhibit = false;
        this.ipvsCmd('DELDEST', vs, vs.sorry);
        vs.sorry.inhibit = sav;
        vs.sorry.alive = false;
      }
      for (const rs of vs.rs) this.clearServiceRs(rs, stopping);
      if (!stopping) this.updateVsNotifies(vs);
    }
    this.ipvsCmd('DEL', vs);
    vs.alive = false;
  }

  private updateVsNotifies(vs: Vs): void {
    const threshold = vs.conf.quorum - vs.conf.hysteresis;
    const sum = this.weighLive(vs);
    if (vs.quorumUp && (!sum || sum < threshold)) vs.quorumUp = false;
  }

  /** SIGTERM: clear_services(), then the sync daemons. `release` false = --dont-release-ipvs. */
  stop(release = true): void {
    this.offAddr?.();
    this.offAddr = null;
    for (const vs of this.vss) for (const rs of vs.rs) for (const ch of rs.checkers) this.cancelChecker(ch);
    if (release && Ipvs.of(this.host)) {
      if (this.env.globals.lvsFlushOnStop) this.ipvs?.flush();
      for (const vs of this.vss) this.clearServiceVs(vs, true);
    }
    const g = this.env.globals;
    if (g.lvsSyncd && !g.lvsSyncd.vrrpName && this.ipvs) { this.ipvs.stopDaemon(1); this.ipvs.stopDaemon(2); }
    this.stopped = true;
  }

  /** Power loss: timers and sockets just vanish. */
  kill(): void {
    this.offAddr?.();
    this.offAddr = null;
    for (const vs of this.vss) for (const rs of vs.rs) for (const ch of rs.checkers) this.cancelChecker(ch);
    this.stopped = true;
  }

  /**
   * SIGHUP (reload_check_thread → start_check with the old data): services no longer in the
   * configuration are removed, kept ones keep their real servers' states and checkers' counts,
   * new ones are added, and checkers are activated again.
   */
  reload(confs: readonly VirtualServerConf[]): void {
    const old = this.vss;
    const next = confs.map((c) => this.build(c));
    for (const vs of old) for (const rs of vs.rs) for (const ch of rs.checkers) this.cancelChecker(ch);
    // clear_diff_services()
    for (const ovs of old) {
      const nvs = next.find((v) => v.key === ovs.key);
      if (!nvs) { this.clearServiceVs(ovs, false); continue; }
      nvs.alive = ovs.alive;
      nvs.quorumUp = ovs.quorumUp;
      if (nvs.conf.sched !== ovs.conf.sched || nvs.conf.persistenceTimeout !== ovs.conf.persistenceTimeout
        || nvs.conf.persistenceGranularity !== ovs.conf.persistenceGranularity || nvs.conf.flags !== ovs.conf.flags) this.ipvsCmd('EDIT', nvs);
      for (const ors of ovs.rs) {
        const nrs = nvs.rs.find((r) => rsKey(r.conf) === rsKey(ors.conf) && r.conf.fwd === ors.conf.fwd);
        if (!nrs) { this.clearServiceRs(ors, false); continue; }
        nrs.alive = ors.alive;
        nrs.set = ors.set;
        for (const nch of nrs.checkers) {
          const och = ors.checkers.find((c) => c.conf.kind === nch.conf.kind && !c.conf.alpha === !nch.conf.alpha);
          if (!och) continue;
          nch.isUp = och.isUp; nch.hasRun = och.hasRun; nch.retryIt = och.retryIt; nch.last = och.last; nch.lastAt = och.lastAt;
        }
        nrs.numFailed = nrs.checkers.filter((c) => !c.isUp).length;
        // init_service_rs() on reload: update_svr_wgt() from the previous weight.
        const w = nrs.effectiveWeight;
        nrs.effectiveWeight = ors.effectiveWeight;
        this.updateWeight(nrs, w);
      }
      if (ovs.sorry && ovs.sorry.set && (!nvs.sorry || rsKey(nvs.sorry.conf) !== rsKey(ovs.sorry.conf))) this.ipvsCmd('DELDEST', ovs, ovs.sorry);
      else if (ovs.sorry && nvs.sorry) { nvs.sorry.alive = ovs.sorry.alive; nvs.sorry.set = ovs.sorry.set; }
    }
    this.vss = next;
    for (const vs of next) {
      if (!vs.alive) { this.initServiceVs(vs); continue; }
      for (const rs of vs.rs) if (!rs.set && !rs.alive) this.initServiceRs(rs);
      this.updateQuorumState(vs, true);
    }
    this.registerCheckers(next.flatMap((v) => v.rs.flatMap((r) => r.checkers)));
  }

  // ---- read side ------------------------------------------------------------------------------------------

  status(): VirtualServerStatus[] {
    return this.vss.map((vs) => ({
      label: fmtVs(vs.conf),
      quorumUp: vs.quorumUp,
      sorryActive: !!vs.sorry?.alive,
      realServers: vs.rs.map((rs) => ({
        addr: `${fmtIp(rs.conf.addr)}:${rs.conf.port}`,
        label: fmtRs(rs.conf, vs.conf),
        alive: rs.alive,
        inIpvs: rs.set,
        weight: realWeight(rs.effectiveWeight),
        inhibit: rs.inhibit,
        checkers: rs.checkers.map((ch) => ({
          kind: ch.conf.kind, target: this.fmtChk(ch), up: ch.isUp, hasRun: ch.hasRun, retryIt: ch.retryIt,
          retry: ch.conf.retry ?? 0, last: ch.last, lastAt: ch.lastAt, nextAt: ch.nextAt,
        })),
      })),
    }));
  }
}
