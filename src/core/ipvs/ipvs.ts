/**
 * One host's IP Virtual Server (the kernel's struct netns_ipvs plus ip_vs_ctl.c's control
 * operations), stored in `host.ext.ipvs` while the ip_vs module is loaded.
 *
 * The control operations take and return what netlink carries: a service or destination
 * description, and `null` or an errno name — the ipvsadm program turns those into its messages,
 * exactly as libipvs' ipvs_strerror() does. Checks and their order follow
 * ip_vs_genl_set_cmd/ip_vs_add_service/ip_vs_add_dest/ip_vs_edit_dest of 5.x kernels.
 *
 * Lifecycle: `Ipvs.load(host)` loads the module (as ipvsadm's modprobe does) and attaches an
 * instance: sysctls `net.ipv4.vs.*`, /proc/net/ip_vs*, the connection table. The netfilter
 * hooks are registered when the first service is added and unregistered when the last one
 * goes (kernels >= 5.3 do that). Unloading the module (modprobe -r) or powering the host off
 * detaches it: the tables are gone, as after a reboot.
 *
 * Read side for UIs: `services()` (kernel list order), `conns()`, `decisions()` — the log of
 * scheduling decisions, one per new connection, with the numbers the scheduler compared —
 * and `onChange(fn)`.
 */
import type { Host } from '../net/host.ts';
import { MODULE_HOOKS } from '../net/host.ts';
import { modprobe } from '../services/kmod.ts';
import { Hook, NfPri, type Skb } from '../netfilter/hooks.ts';
import { SEC, objectArray } from '../sim/events.ts';
import type { Rng } from '../sim/rng.ts';
import { fmtIp, type Ipv4Addr } from '../wire/types.ts';
import { Conn, ConnTable, controlDel, unbindDest } from './conn.ts';
import { ipvsForwardIcmp, ipvsInHook, ipvsOutHook } from './core.ts';
import { Dest } from './dest.ts';
import { mountProc, unmountProc } from './procfs.ts';
import { schedulerByName, type SchedEnv, type SchedResult } from './sched/index.ts';
import { Service, keyOf, type LocalAddr, type SvcKey } from './service.ts';
import { Estimator, Stats } from './stats.ts';
import { SyncDaemons } from './sync.ts';
import {
  CTPL_ASSURED, ConnF, DestF, Fwd, KERNEL_SCHEDULERS, Proto, SvcF, TCP_TIMEOUTS, TcpS, TunType, UDP_TIMEOUT,
  type IpvsErrno,
} from './types.ts';

/** A service as ipvsadm sends it (struct ip_vs_service_user_kern). */
export interface ServiceUser extends SvcKey {
  readonly schedName: string;
  readonly flags: number;
  /** Persistence timeout, seconds. */
  readonly timeout: number;
  readonly netmask: number;
  readonly pe: string;
}

/** A destination as ipvsadm sends it (struct ip_vs_dest_user_kern). */
export interface DestUser {
  readonly addr: number;
  readonly port: number;
  /** Forwarding method (Fwd.*). */
  readonly fwd: number;
  readonly weight: number;
  readonly uThreshold: number;
  readonly lThreshold: number;
  readonly tunType: number;
  readonly tunPort: number;
  readonly tunFlags: number;
}

export const SyncState = { MASTER: 1, BACKUP: 2 } as const;

/** A connection-sync daemon's configuration (the protocol is in sync.ts). */
export interface DaemonCfg {
  readonly state: number;
  readonly mcastIfn: string;
  readonly syncid: number;
  readonly syncMaxlen: number;
  /** Multicast group (IPv4, host order); 0 = default. */
  readonly mcastGroup: number;
  readonly mcastPort: number;
  readonly mcastTtl: number;
}

/** One scheduling event: which server a new connection got, and why. */
export interface Decision {
  readonly time: number;
  readonly connId: number;
  readonly service: string;
  readonly client: string;
  readonly dest: string | null;
  /** The scheduler's reasoning, or null when a persistence template decided. */
  readonly sched: SchedResult | null;
  /** "persistence template 192.168.1.111:0 → 192.168.137.200:80" when one decided or was created. */
  readonly template: string | null;
  readonly text: string;
}

const DECISIONS_MAX = 256;
const TRASH_PERIOD = 120 * SEC;

/** The default connection-sync group, port and TTL (IP_VS_SYNC_GROUP 224.0.0.81, 8848). */
const SYNC_GROUP = 0xe0000051;
const SYNC_PORT = 8848;

export class Ipvs {
  readonly host: Host;
  readonly rng: Rng;
  /** Services in creation order (listing order is derived: see services()). */
  private readonly svcs = new Map<string, Service>();
  readonly conns: ConnTable;
  /** Destinations removed while still referenced (ip_vs_dest_trash). */
  readonly trash: Dest[] = [];
  /** Totals of /proc/net/ip_vs_stats. */
  readonly tot = new Stats();
  readonly est: Estimator;
  /** Current TCP timeouts (µs, by state) and the UDP timeout. */
  readonly tcpTimeouts: number[] = TCP_TIMEOUTS.map((s) => s * SEC);
  udpTimeout = UDP_TIMEOUT * SEC;
  readonly daemons: { master: DaemonCfg | null; backup: DaemonCfg | null } = { master: null, backup: null };
  /** The connection-sync threads of those daemons (sync.ts). */
  readonly sync: SyncDaemons = new SyncDaemons(this);
  /** net.ipv4.vs.* values. */
  readonly sys: Record<string, { value: number }> = {};
  private readonly decisionLog: Decision[] = objectArray<Decision>();
  private decisionNext = 0;
  private decisionCount = 0;
  private readonly listeners = new Set<(what: string) => void>();
  private unhook: (() => void)[] | null = null;
  private readonly offHost: () => void;
  /** Salt of the service hash (the kernel mixes in the netns pointer). */
  private readonly svcSalt: number;
  /** Rate limit for kernel error messages (net_ratelimit: 10 per 5 s). */
  private rl = { start: 0, n: 0 };
  readonly loadedAt: number;

  private constructor(host: Host) {
    this.host = host;
    this.rng = host.rng.fork('ipvs');
    this.conns = new ConnTable(this.rng.u32());
    this.svcSalt = this.rng.u32();
    this.loadedAt = host.now;
    this.est = new Estimator(host.now);
    this.est.add(this.tot);
    this.defineSysctls();
    this.sysBackupOnly = this.sys.backup_only;
    this.sysConnReuse = this.sys.conn_reuse_mode;
    mountProc(this);
    this.offHost = host.on((ev) => { if (ev.kind === 'power' && !ev.on) host.unloadModule('ip_vs'); });
  }

  // ---- module lifecycle -------------------------------------------------------------------

  /** The instance of a host whose ip_vs module is loaded. */
  static of(host: Host): Ipvs | undefined {
    const x = host.ext.ipvs;
    return x instanceof Ipvs ? x : undefined;
  }

  /** Load ip_vs (and what it depends on) as ipvsadm's `modprobe -- ip_vs` does, and return the instance. */
  static load(host: Host): Ipvs {
    if (!host.modules.has('ip_vs')) modprobeOrLoad(host, 'ip_vs');
    return Ipvs.attach(host);
  }

  /** module_init: create the per-host state (idempotent). */
  static attach(host: Host): Ipvs {
    const cur = Ipvs.of(host);
    if (cur) return cur;
    const x = new Ipvs(host);
    host.ext.ipvs = x;
    return x;
  }

  /** module_exit: everything goes, timers included. */
  static detach(host: Host): void {
    const x = Ipvs.of(host);
    if (!x) return;
    x.teardown();
    delete host.ext.ipvs;
  }

  private teardown(): void {
    this.sync.shutdown();
    for (const c of [...this.conns.all]) { this.host.net.q.cancel(c.timer); c.timer = null; c.dead = true; }
    this.setHooks(false);
    this.host.sysctl.remove('net.ipv4.vs');
    unmountProc(this);
    this.offHost();
    for (const m of KERNEL_SCHEDULERS) this.host.unloadModule(`ip_vs_${m}`);
    this.emit('unload');
  }

  // ---- events -------------------------------------------------------------------------------

  onChange(fn: (what: string) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(what: string): void {
    if (this.listeners.size) for (const l of [...this.listeners]) l(what);
    this.host.net.changed('ipvs', this.host.id);
  }

  get now(): number { return this.host.now; }

  /** Bring the rate estimator up to date (before counters change or are read). */
  catchUp(): void { this.est.catchUp(this.host.now); }

  // ---- sysctls --------------------------------------------------------------------------------

  private defineSysctls(): void {
    const s = this.host.sysctl;
    const def = (name: string, v: number, min?: number, max?: number) => {
      this.sys[name] = s.defineInt(`net.ipv4.vs.${name}`, v, { min, max });
    };
    def('am_droprate', 10);
    def('amemthresh', 1024);
    def('backup_only', 0, 0, 1);
    def('cache_bypass', 0);
    def('conn_reuse_mode', 1);
    def('conntrack', 0);
    def('drop_entry', 0, 0, 3);
    def('drop_packet', 0, 0, 3);
    def('expire_nodest_conn', 0);
    def('expire_quiescent_template', 0);
    def('ignore_tunneled', 0);
    def('nat_icmp_send', 0);
    def('pmtu_disc', 1);
    def('schedule_icmp', 0);
    def('secure_tcp', 0, 0, 3);
    def('sloppy_sctp', 0);
    def('sloppy_tcp', 0);
    def('snat_reroute', 1);
    def('sync_persist_mode', 0, 0, 1);
    def('sync_ports', 1, 1);
    def('sync_qlen_max', 13985, 1);
    def('sync_refresh_period', 0, 0);
    def('sync_retries', 0, 0, 3);
    def('sync_sock_size', 0, 0);
    def('sync_version', 1, 0, 1);
    const th = { a: 3, b: 50 };
    s.defineText('net.ipv4.vs.sync_threshold', () => `${th.a}\t${th.b}`, (v) => {
      const p = v.trim().split(/\s+/).map(Number);
      if (p.length !== 2 || !p.every((x) => Number.isInteger(x)) || p[0] < 0 || p[1] < 0 || (p[1] && p[0] >= p[1])) throw new Error('EINVAL');
      th.a = p[0]; th.b = p[1];
    });
  }

  /** The lblc/lblcr expiration sysctls appear when their scheduler modules load. */
  private schedModuleLoaded(name: string): void {
    const s = this.host.sysctl;
    if ((name === 'lblc' || name === 'lblcr') && !this.sys[`${name}_expiration`]) {
      this.sys[`${name}_expiration`] = s.defineInt(`net.ipv4.vs.${name}_expiration`, 86400, {});
    }
  }

  sysctl(name: string): number { return this.sys[name]?.value ?? 0; }
  /** The cells of the two sysctls ip_vs_in() reads for every packet (same objects as in `sys`). */
  readonly sysBackupOnly: { value: number };
  readonly sysConnReuse: { value: number };

  /** The environment a scheduler sees at the current virtual time. */
  env(): SchedEnv {
    return {
      now: this.host.now,
      lblcExpiration: () => (this.sys.lblc_expiration?.value ?? 86400) * SEC,
      lblcrExpiration: () => (this.sys.lblcr_expiration?.value ?? 86400) * SEC,
    };
  }

  // ---- hooks ------------------------------------------------------------------------------------

  /** ip_vs_register_hooks()/ip_vs_unregister_hooks() with the priorities of ip_vs_ops4[]. */
  private setHooks(on: boolean): void {
    if (on && !this.unhook) {
      const h = this.host.hooks;
      const owner = 'ipvs';
      this.unhook = [
        h.register({ hook: Hook.LOCAL_IN, priority: NfPri.NAT_SRC - 2, owner, fn: (s) => ipvsOutHook(this, s, Hook.LOCAL_IN) }),
        h.register({ hook: Hook.LOCAL_IN, priority: NfPri.NAT_SRC - 1, owner, fn: (s) => ipvsInHook(this, s, Hook.LOCAL_IN) }),
        h.register({ hook: Hook.LOCAL_OUT, priority: NfPri.NAT_DST + 1, owner, fn: (s) => ipvsOutHook(this, s, Hook.LOCAL_OUT) }),
        h.register({ hook: Hook.LOCAL_OUT, priority: NfPri.NAT_DST + 2, owner, fn: (s) => ipvsInHook(this, s, Hook.LOCAL_OUT) }),
        h.register({ hook: Hook.FORWARD, priority: 99, owner, fn: (s) => ipvsForwardIcmp(this, s) }),
        h.register({ hook: Hook.FORWARD, priority: 100, owner, fn: (s) => ipvsOutHook(this, s, Hook.FORWARD) }),
      ];
    } else if (!on && this.unhook) {
      for (const u of this.unhook) u();
      this.unhook = null;
    }
  }

  get hooked(): boolean { return this.unhook !== null; }

  // ---- services ----------------------------------------------------------------------------------

  /** ip_vs_svc_hashkey()/ip_vs_svc_fwm_hashkey() bucket, for the kernel's listing order. */
  private bucketOf(s: Service): number {
    if (s.fwmark) return ((this.svcSalt ^ s.fwmark) >>> 0) & 255;
    const porth = s.port;
    const ahash = (s.addr ^ this.svcSalt) >>> 0;
    return (s.protocol ^ ahash ^ (porth >>> 8) ^ porth) & 255;
  }

  /** Every service in the kernel's order (address table buckets, then the fwmark table; newest first in a bucket). */
  services(): Service[] {
    const list = [...this.svcs.values()];
    const order = new Map(list.map((s, i) => [s, i]));
    return list.sort((a, b) => (a.fwmark ? 1 : 0) - (b.fwmark ? 1 : 0) || this.bucketOf(a) - this.bucketOf(b) || order.get(b)! - order.get(a)!);
  }

  /** The service named exactly by `k` (ip_vs_genl_parse_service's lookup). */
  getService(k: SvcKey): Service | undefined {
    return this.svcs.get(keyOf(k.fwmark ? { fwmark: k.fwmark, protocol: 0, addr: 0, port: 0 } : k));
  }

  /** ip_vs_service_find(): fwmark first, then <proto,addr,port>, then FTP and port-zero fallbacks. */
  private lastSvcProto = -1;
  private lastSvcAddr = -1;
  private lastSvcPort = -1;
  private lastSvcKey = '';

  findService(mark: number, proto: number, addr: number, port: number): Service | undefined {
    if (mark) {
      const s = this.svcs.get(`f${mark}`);
      if (s) return s;
    }
    // The key string of the last lookup is kept: a flow's packets ask for the same service.
    let key: string;
    if (proto === this.lastSvcProto && addr === this.lastSvcAddr && port === this.lastSvcPort) key = this.lastSvcKey;
    else {
      key = keyOf({ fwmark: 0, protocol: proto, addr, port });
      this.lastSvcProto = proto; this.lastSvcAddr = addr; this.lastSvcPort = port; this.lastSvcKey = key;
    }
    let s = this.svcs.get(key);
    if (!s && proto === Proto.TCP && (port === 20 || port >= 1024)) {
      const ftp = this.svcs.get(keyOf({ fwmark: 0, protocol: proto, addr, port: 21 }));
      if (ftp) s = ftp;
    }
    if (!s) s = this.svcs.get(keyOf({ fwmark: 0, protocol: proto, addr, port: 0 }));
    return s;
  }

  private bindScheduler(svc: Service, name: string): void {
    const sched = schedulerByName(name)!;
    // request_module("ip_vs_%s"): the kernel runs modprobe for the scheduler.
    if (!this.host.modules.has(`ip_vs_${name}`)) modprobeOrLoad(this.host, `ip_vs_${name}`);
    this.schedModuleLoaded(name);
    svc.sched = sched;
    sched.init(svc, this.env());
  }

  private unbindScheduler(svc: Service): void {
    svc.sched?.done?.(svc);
    svc.sched = null;
    svc.schedData = null;
  }

  /** Look up a scheduler as ip_vs_scheduler_get() does (its module must exist). */
  private schedExists(name: string): boolean {
    if (name === 'none') return true;
    if (!schedulerByName(name)) {
      this.klog(`IPVS: Scheduler module ip_vs_${name} not found`, 6);
      return false;
    }
    return true;
  }

  private peExists(pe: string): boolean {
    if (!pe) return true;
    if (pe === 'sip') { if (!this.host.modules.has('ip_vs_pe_sip')) modprobeOrLoad(this.host, 'ip_vs_pe_sip'); return true; }
    this.klog(`IPVS: persistence engine module ip_vs_pe_${pe} not found`, 6);
    return false;
  }

  /** IPVS_CMD_NEW_SERVICE */
  addService(u: ServiceUser): IpvsErrno | null {
    if (this.getService(u)) return 'EEXIST';
    if (!this.schedExists(u.schedName)) return 'ENOENT';
    if (!this.peExists(u.pe)) return 'ENOENT';
    if (!u.fwmark && u.protocol !== Proto.TCP && u.protocol !== Proto.UDP && u.protocol !== Proto.SCTP) return 'EAFNOSUPPORT';
    const svc = new Service(u.fwmark ? Proto.TCP : u.protocol, (u.fwmark ? 0 : u.addr) as Ipv4Addr, u.fwmark ? 0 : u.port, u.fwmark);
    svc.flags = u.flags & ~SvcF.HASHED;
    svc.timeout = u.timeout;
    svc.netmask = u.netmask >>> 0;
    svc.pe = u.pe;
    if (this.svcs.size === 0) this.setHooks(true);
    this.catchUp();
    if (u.schedName !== 'none') this.bindScheduler(svc, u.schedName);
    this.est.add(svc.stats);
    this.svcs.set(keyOf(svc), svc);
    this.emit('service');
    return null;
  }

  /** IPVS_CMD_SET_SERVICE: the whole service is replaced (scheduler rebound only if it changes). */
  editService(u: ServiceUser): IpvsErrno | null {
    const svc = this.getService(u);
    if (!svc) return 'ESRCH';
    if (!this.schedExists(u.schedName)) return 'ENOENT';
    if (!this.peExists(u.pe)) return 'ENOENT';
    if (svc.schedName !== u.schedName) {
      this.unbindScheduler(svc);
      if (u.schedName !== 'none') this.bindScheduler(svc, u.schedName);
    }
    svc.flags = (u.flags & ~SvcF.HASHED);
    svc.timeout = u.timeout;
    svc.netmask = u.netmask >>> 0;
    svc.pe = u.pe;
    this.emit('service');
    return null;
  }

  /** IPVS_CMD_DEL_SERVICE */
  delService(k: SvcKey): IpvsErrno | null {
    const svc = this.getService(k);
    if (!svc) return 'ESRCH';
    this.removeService(svc);
    this.emit('service');
    return null;
  }

  private removeService(svc: Service): void {
    this.unbindScheduler(svc);
    this.est.remove(svc.stats);
    while (svc.dests.length) {
      const d = svc.dests[0];
      this.unlinkDest(svc, d, false);
      this.trashDest(d);
    }
    this.svcs.delete(keyOf(svc));
    if (this.svcs.size === 0) this.setHooks(false);
  }

  /** IPVS_CMD_FLUSH: every service goes (connections stay until they expire). */
  flush(): null {
    for (const s of [...this.svcs.values()]) this.removeService(s);
    this.emit('service');
    return null;
  }

  /** IPVS_CMD_ZERO: one service's counters, or everything (with the totals). */
  zero(k: SvcKey | null): IpvsErrno | null {
    this.catchUp();
    if (k) {
      const svc = this.getService(k);
      if (!svc) return 'ESRCH';
      for (const d of svc.dests) d.stats.zero();
      svc.stats.zero();
    } else {
      for (const svc of this.svcs.values()) { for (const d of svc.dests) d.stats.zero(); svc.stats.zero(); }
      this.tot.zero();
    }
    this.emit('stats');
    return null;
  }

  // ---- destinations ---------------------------------------------------------------------------

  /** inet_addr_type(): local, unicast, or something a real server cannot be. */
  private addrType(a: number): 'local' | 'unicast' | 'other' {
    if (a === 0 || a === 0xffffffff || (a >>> 28) === 0xe) return 'other';
    if (this.host.isLocal(a)) return 'local';
    for (const { a: ia } of this.host.allAddrs()) {
      if (ia.prefix >= 31) continue;
      const mask = ia.prefix === 0 ? 0 : (0xffffffff << (32 - ia.prefix)) >>> 0;
      const net = (ia.addr & mask) >>> 0;
      if (a === net || a === ((net | ~mask) >>> 0)) return 'other';
    }
    return 'unicast';
  }

  private findDest(svc: Service, addr: number, port: number): Dest | undefined {
    return svc.dests.find((d) => d.addr === addr && d.port === port);
  }

  /** ip_vs_trash_get_dest() */
  private fromTrash(svc: Service, addr: number, port: number): Dest | undefined {
    this.purgeTrash();
    const i = this.trash.findIndex((d) => d.addr === addr && d.port === port && d.vfwmark === svc.fwmark
      && d.protocol === svc.protocol && (svc.fwmark || (d.vaddr === svc.addr && d.vport === svc.port)));
    if (i < 0) return undefined;
    const [d] = this.trash.splice(i, 1);
    d.trashedAt = -1;
    return d;
  }

  /** ip_vs_dest_trash_expire(): unreferenced destinations leave the trash after 120 s. */
  purgeTrash(): void {
    const now = this.host.now;
    for (let i = this.trash.length - 1; i >= 0; i--) {
      const d = this.trash[i];
      if (d.refs === 0 && now - Math.max(d.trashedAt, d.unrefAt) >= TRASH_PERIOD) this.trash.splice(i, 1);
    }
  }

  /** __ip_vs_update_dest() */
  private updateDest(svc: Service, d: Dest, u: DestUser, add: boolean): void {
    if (add || u.weight !== 0) d.lastWeight = u.weight;
    d.weight = u.weight;
    let cf = (u.fwd & ConnF.FWD_MASK) | ConnF.INACTIVE;
    d.tunType = u.tunType;
    d.tunPort = u.tunPort;
    d.tunFlags = u.tunFlags;
    if ((cf & ConnF.FWD_MASK) !== Fwd.MASQ) cf |= ConnF.NOOUTPUT;
    d.connFlags = cf;
    if (d.svc !== svc) {
      if (d.svc) d.stats.reset();
      d.svc = svc;
    }
    d.flags |= DestF.AVAILABLE;
    if (!u.uThreshold || u.uThreshold > d.uThreshold) d.flags &= ~DestF.OVERLOAD;
    d.uThreshold = u.uThreshold;
    d.lThreshold = u.lThreshold;
    if (add) {
      this.est.add(d.stats);
      svc.dests.unshift(d);
      svc.sched?.addDest?.(svc, d);
    } else {
      svc.sched?.updDest?.(svc, d);
    }
  }

  /** IPVS_CMD_NEW_DEST */
  addDest(k: SvcKey, u: DestUser): IpvsErrno | null {
    const svc = this.getService(k);
    if (!svc) return 'ESRCH';
    if (u.weight < 0 || u.lThreshold > u.uThreshold) return 'ERANGE';
    if (u.tunType === TunType.GUE && u.tunPort === 0) return 'EINVAL';
    if (this.findDest(svc, u.addr, u.port)) return 'EEXIST';
    this.catchUp();
    let d = this.fromTrash(svc, u.addr, u.port);
    if (!d) {
      if (this.addrType(u.addr) === 'other') return 'EINVAL';
      d = new Dest(u.addr as Ipv4Addr, u.port);
      d.protocol = svc.protocol; d.vaddr = svc.addr; d.vport = svc.port; d.vfwmark = svc.fwmark;
    }
    this.updateDest(svc, d, u, true);
    this.emit('dest');
    return null;
  }

  /** IPVS_CMD_SET_DEST: a complete destination (omitted options take their defaults). */
  editDest(k: SvcKey, u: DestUser): IpvsErrno | null {
    const svc = this.getService(k);
    if (!svc) return 'ESRCH';
    if (u.weight < 0 || u.lThreshold > u.uThreshold) return 'ERANGE';
    if (u.tunType === TunType.GUE && u.tunPort === 0) return 'EINVAL';
    const d = this.findDest(svc, u.addr, u.port);
    if (!d) return 'ENOENT';
    this.updateDest(svc, d, u, false);
    this.emit('dest');
    return null;
  }

  /** IPVS_CMD_DEL_DEST */
  delDest(k: SvcKey, addr: number, port: number): IpvsErrno | null {
    const svc = this.getService(k);
    if (!svc) return 'ESRCH';
    const d = this.findDest(svc, addr, port);
    if (!d) return 'ENOENT';
    this.unlinkDest(svc, d, true);
    this.trashDest(d);
    this.emit('dest');
    return null;
  }

  /** __ip_vs_unlink_dest() */
  private unlinkDest(svc: Service, d: Dest, svcupd: boolean): void {
    d.flags &= ~DestF.AVAILABLE;
    const i = svc.dests.indexOf(d);
    if (i >= 0) svc.dests.splice(i, 1);
    if (svcupd) svc.sched?.delDest?.(svc, d, i);
  }

  /** __ip_vs_del_dest(): into the trash, and expire_nodest_conn's work. */
  private trashDest(d: Dest): void {
    this.catchUp();
    this.est.remove(d.stats);
    d.trashedAt = this.host.now;
    if (!this.trash.includes(d)) this.trash.unshift(d);
    if (this.sysctl('expire_nodest_conn')) {
      for (const c of [...this.conns.all]) if (c.dest === d && !c.template) this.expireNow(c);
    }
  }

  // ---- FULLNAT local addresses -----------------------------------------------------------------

  addLaddr(k: SvcKey, addr: number, ifname: string): IpvsErrno | null {
    const svc = this.getService(k);
    if (!svc) return 'ESRCH';
    if (ifname && !this.host.dev(ifname)) return 'ENODEV';
    if (svc.laddrs.some((l) => l.addr === addr)) return 'EEXIST';
    svc.laddrs.push({ addr: addr as Ipv4Addr, ifname, conns: 0, conflicts: 0 });
    this.emit('laddr');
    return null;
  }

  delLaddr(k: SvcKey, addr: number): IpvsErrno | null {
    const svc = this.getService(k);
    if (!svc) return 'ESRCH';
    const i = svc.laddrs.findIndex((l) => l.addr === addr);
    if (i < 0) return 'ENOENT';
    svc.laddrs.splice(i, 1);
    this.emit('laddr');
    return null;
  }

  /** Pick a local address and a free port for a FULLNAT connection (round robin over laddrs). */
  allocLaddr(svc: Service, proto: number, raddr: number, rport: number): { l: LocalAddr; port: number } | null {
    const n = svc.laddrs.length;
    for (let k = 0; k < n; k++) {
      const l = svc.laddrs[svc.laddrCursor++ % n];
      const start = 1024 + (this.rng.u32() % 64512);
      for (let i = 0; i < 64512; i++) {
        const port = 1024 + ((start - 1024 + i) % 64512);
        if (!this.conns.laddrBusy(proto, l.addr, port, raddr, rport)) return { l, port };
        l.conflicts++;
      }
    }
    return null;
  }

  // ---- timeouts and daemons ------------------------------------------------------------------

  /** ip_vs_set_timeout(): seconds; 0 leaves a value unchanged. */
  setTimeout(tcp: number, tcpfin: number, udp: number): IpvsErrno | null {
    if (tcp < 0 || tcpfin < 0 || udp < 0 || tcp > 2147483 || tcpfin > 2147483 || udp > 2147483) return 'EINVAL';
    if (tcp) this.tcpTimeouts[TcpS.ESTABLISHED] = tcp * SEC;
    if (tcpfin) this.tcpTimeouts[TcpS.FIN_WAIT] = tcpfin * SEC;
    if (udp) this.udpTimeout = udp * SEC;
    return null;
  }

  getTimeout(): { tcp: number; tcpfin: number; udp: number } {
    return {
      tcp: Math.floor(this.tcpTimeouts[TcpS.ESTABLISHED] / SEC),
      tcpfin: Math.floor(this.tcpTimeouts[TcpS.FIN_WAIT] / SEC),
      udp: Math.floor(this.udpTimeout / SEC),
    };
  }

  /** start_sync_thread(): the configuration is kept and the thread starts (sync.ts). */
  startDaemon(c: DaemonCfg): IpvsErrno | null {
    const slot = c.state === SyncState.MASTER ? 'master' : 'backup';
    if (this.daemons[slot]) return 'EEXIST';
    if (c.mcastGroup && (c.mcastGroup >>> 28) !== 0xe) return 'EINVAL';
    if (!this.host.dev(c.mcastIfn)) {
      this.klog(`IPVS: Unknown mcast interface: ${c.mcastIfn}`, 3);
      return 'ENODEV';
    }
    const hlen = 20 + 8;
    const maxlen = c.syncMaxlen ? Math.min(Math.max(c.syncMaxlen, c.state === SyncState.BACKUP ? 1024 : 1), 65535 - hlen) : 1500 - hlen;
    this.daemons[slot] = {
      ...c, syncMaxlen: maxlen, mcastGroup: c.mcastGroup || SYNC_GROUP, mcastPort: c.mcastPort || SYNC_PORT,
      mcastTtl: c.mcastTtl || 1,
    };
    this.klog(`IPVS: sync thread started: state = ${slot.toUpperCase()}, mcast_ifn = ${c.mcastIfn}, syncid = ${c.syncid}, id = 0`, 6);
    this.sync.started(slot);
    this.emit('daemon');
    return null;
  }

  stopDaemon(state: number): IpvsErrno | null {
    const slot = state === SyncState.MASTER ? 'master' : 'backup';
    const d = this.daemons[slot];
    if (!d) return 'ESRCH';
    this.klog(`IPVS: stopping ${slot} sync thread ${this.host.allocPid()} ...`, 6);
    this.sync.stopped(slot);
    this.daemons[slot] = null;
    this.emit('daemon');
    return null;
  }

  // ---- connections ------------------------------------------------------------------------

  /** ip_vs_conn_put(): (re)start the expiry timer with the current timeout. */
  put(c: Conn): void {
    if (c.dead) return;
    const q = this.host.net.q;
    q.cancel(c.timer);
    const t = c.flags & ConnF.ONE_PACKET ? 0 : c.timeout;
    c.expires = this.host.now + t;
    c.timer = q.call(c.expires, Ipvs.expired, this, c, false);
  }

  /** Timer callback (no closure per re-arm: put() runs for every packet). */
  private static expired(ipvs: Ipvs, c: Conn, unhashed: boolean): void { ipvs.expire(c, unhashed); }

  /** ip_vs_conn_expire_now(): unlinked at once, freed on the next timer run. */
  expireNow(c: Conn): void {
    if (c.dead || c.nControl > 0) return;
    this.conns.unhash(c);
    const q = this.host.net.q;
    q.cancel(c.timer);
    c.expires = this.host.now;
    c.timer = q.call(c.expires, Ipvs.expired, this, c, true);
  }

  /** ip_vs_conn_expire() */
  private expire(c: Conn, unhashed = false): void {
    c.timer = null;
    if (c.dead) return;
    this.catchUp();
    if (c.nControl > 0) {
      // Still controls other entries: try again in 60 s.
      c.timeout = 60 * SEC;
      if (unhashed) this.conns.hash(c);
      this.put(c);
      return;
    }
    c.dead = true;
    this.conns.unhash(c);
    controlDel(c);
    if (c.laddrRef) { c.laddrRef.conns--; c.laddrRef = null; }
    unbindDest(c, this.host.now);
    this.emit('conn');
  }

  /** Connections in /proc/net/ip_vs_conn order. */
  connList(): Conn[] { return this.conns.ordered(); }

  // ---- decisions and logs -----------------------------------------------------------------

  record(d: Decision): void {
    // A ring: O(1) per record, and a record lives exactly DECISIONS_MAX decisions.
    this.decisionLog[this.decisionNext] = d;
    this.decisionNext = (this.decisionNext + 1) % DECISIONS_MAX;
    if (this.decisionCount < DECISIONS_MAX) this.decisionCount++;
    this.emit('decision');
  }

  /** The latest scheduling decisions (at most DECISIONS_MAX), oldest first (a new array). */
  decisions(): readonly Decision[] {
    const n = this.decisionCount;
    const out: Decision[] = new Array(n);
    for (let i = 0, j = (this.decisionNext - n + DECISIONS_MAX) % DECISIONS_MAX; i < n; i++, j = (j + 1) % DECISIONS_MAX) out[i] = this.decisionLog[j];
    return out;
  }

  /** A kernel message (dmesg), rate limited like net_ratelimit() for errors. */
  klog(msg: string, priority: number): void {
    if (priority <= 3) {
      const now = this.host.now;
      if (now - this.rl.start >= 5 * SEC) { this.rl.start = now; this.rl.n = 0; }
      if (++this.rl.n > 10) return;
    }
    if (this.host.sd.bootCount > 0) this.host.sd.klog(msg, undefined, priority);
  }

  /** ip_vs_scheduler_err() */
  schedErr(svc: Service, msg: string): void {
    const where = svc.fwmark ? `FWM ${svc.fwmark} 0x${svc.fwmark.toString(16).toUpperCase().padStart(8, '0')}` : `${svc.protocol === Proto.UDP ? 'UDP' : svc.protocol === Proto.SCTP ? 'SCTP' : 'TCP'} ${fmtIp(svc.addr)}:${svc.port}`;
    this.klog(`IPVS: ${svc.schedName}: ${where} - ${msg}`, 3);
  }

  /**
   * Module references IPVS holds, for lsmod's "Used by" (try_module_get): ip_vs counts one per
   * service (ip_vs_use_count_inc), a scheduler module one per service bound to it.
   */
  moduleUse(module: string): number {
    const svcs = [...this.svcs.values()];
    if (module === 'ip_vs') return svcs.length;
    const m = /^ip_vs_(\w+)$/.exec(module);
    return m ? svcs.filter((s) => s.schedName === m[1]).length : 0;
  }

  /** For tests and the UI: a template's state name. */
  static templateAssured(c: Conn): boolean { return (c.state & CTPL_ASSURED) !== 0; }

  /** Drop-in hook for tests: the service table as a list (creation order). */
  rawServices(): Service[] { return [...this.svcs.values()]; }

  /** Process one packet through the hook entry points (tests that bypass the host's path). */
  handle(skb: Skb, hook: Hook): number {
    return hook === Hook.FORWARD ? ipvsOutHook(this, skb, hook) : ipvsInHook(this, skb, hook);
  }
}

/** modprobe from the kmod catalogue (dependencies first), or a bare load if it lacks the module. */
function modprobeOrLoad(host: Host, name: string): void {
  const r = modprobe(host, name);
  if (!r.ok || !host.modules.has(name)) host.loadModule(name);
}

// module_init/module_exit of ip_vs: `modprobe ip_vs` creates the state, `modprobe -r` removes it.
MODULE_HOOKS.set('ip_vs', { init: (h) => { Ipvs.attach(h); }, exit: (h) => Ipvs.detach(h) });
