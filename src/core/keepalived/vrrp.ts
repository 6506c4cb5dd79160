/**
 * Keepalived_vrrp: the VRRP child of keepalived 2.2.8 (vrrp/vrrp.c, vrrp_scheduler.c,
 * vrrp_sync.c, vrrp_track.c, vrrp_arp.c), VRRPv2 over IPv4.
 *
 * Wire: adverts are IP protocol 112 packets to 224.0.0.18 (Ethernet 01:00:5e:00:00:12) from
 * the interface's primary address and **its own MAC** (no use_vmac), TTL 255, TOS 0xc0, DF
 * clear, an IP id counting from 1 per instance; VRRP version 2 type 1, VRID, priority, the
 * VIPs, advert interval in seconds and 8 bytes of auth data (PASS: the password; `AH` is
 * accepted and treated as PASS — the lab does not build IPsec AH headers). With
 * `unicast_peer` the same packet goes to each peer instead. Only the master sends, every
 * advert_int.
 *
 * Timers (µs, keepalived's TIMER_HZ): Skew_Time = (256 − priority) × 1 s / 256 (VRRPv2),
 * Master_Down_Interval = 3 × advert_int + Skew_Time. At start an instance enters BACKUP
 * (`(VI_1) Entering BACKUP STATE (init)`) with the full down timer — vrrp_init_state() only
 * shortens it for members of a sync group that want MASTER; an address owner (priority 255)
 * becomes master at once. A backup that hears nothing for the down timer logs
 * `(VI_1) Receive advertisement timeout` (-D) and `(VI_1) Entering MASTER STATE`: it sends an
 * advert, adds the VIPs (`ip addr` shows them, owner keepalived), sends garp_master_repeat
 * gratuitous ARPs per VIP back to back (vrrp_garp_interval 0) and the same again
 * garp_master_delay later. A priority-0 advert (a master that stops) cuts the backup's timer
 * to Skew_Time. Lower-priority adverts are ignored by a preempting backup (its timer keeps
 * running, so it takes over); a master hearing a higher priority goes back to BACKUP and
 * removes the VIPs. The interface going down (cable, `ip link set down`) puts the instance in
 * FAULT (`Netlink reports eth0 down`); back up, it re-enters BACKUP.
 *
 * lvs_sync_daemon: the IPVS sync daemon follows the named instance (backup daemon while
 * BACKUP, master daemon while MASTER), as ipvs_syncd_master()/ipvs_syncd_backup() do.
 *
 * vrrp_strict: keepalived's nftables table drops everything addressed to the VIPs unless
 * the router is the address owner (priority 255) — the reason the sample configuration's VIP
 * answers nothing. Modelled as a PREROUTING hook owned by `keepalived`.
 */
import { Ipvs } from '../ipvs/ipvs.ts';
import type { Host, HostEvent } from '../net/host.ts';
import { Hook, Verdict, type Skb } from '../netfilter/hooks.ts';
import type { Timer } from '../sim/events.ts';
import { IpProto, fmtIp, type Ipv4Addr, type Ipv4Repr, type VrrpRepr } from '../wire/types.ts';
import { VRRP_MULTICAST } from '../wire/vrrp.ts';
import { ipvsStrerror } from './checker.ts';
import type { GlobalDefs, SyncGroupConf, VrrpInstanceConf } from './conf.ts';

const TIMER_HZ = 1_000_000;
const VRRP_IP_TTL = 255;

export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT';

/** What a UI can show per instance. */
export interface VrrpInstanceStatus {
  readonly name: string;
  readonly state: VrrpState;
  readonly iface: string;
  readonly vrid: number;
  readonly priority: number;
  readonly basePriority: number;
  /** Seconds. */
  readonly advertInt: number;
  readonly vips: readonly string[];
  readonly vipsSet: boolean;
  /** Source of the last advert heard from the master (BACKUP), null if none. */
  readonly master: string | null;
  readonly masterPriority: number | null;
  /** Virtual µs when this backup declares the master dead (or the master sends its next advert). */
  readonly deadline: number | null;
  readonly stats: Readonly<VrrpStats>;
}

export interface VrrpStats {
  advertRcvd: number;
  advertSent: number;
  becomeMaster: number;
  releaseMaster: number;
  priZeroRcvd: number;
  priZeroSent: number;
  authErrors: number;
  garpsSent: number;
}

interface Inst {
  readonly conf: VrrpInstanceConf;
  state: VrrpState;
  wantstate: VrrpState;
  effectivePriority: number;
  msDownTimer: number;
  sands: number;
  timer: Timer | null;
  garpTimer: Timer | null;
  vipSet: boolean;
  masterAddr: number | null;
  masterPriority: number | null;
  preemptTime: number;
  ipId: number;
  faults: number;
  /** garp_master_refresh: when the next periodic GARP burst is due (0 = off). */
  garpRefreshAt: number;
  sync: Group | null;
  readonly stats: VrrpStats;
}

interface Group {
  readonly conf: SyncGroupConf;
  readonly members: Inst[];
  state: VrrpState;
}

export interface VrrpEnv {
  readonly host: Host;
  readonly globals: GlobalDefs;
  log(msg: string, priority?: number): void;
}

const skew = (prio: number) => Math.floor(((256 - prio) * TIMER_HZ) / 256);

export class VrrpDaemon {
  private insts: Inst[];
  private groups: Group[];
  private readonly host: Host;
  private readonly listener = (skb: Skb): boolean => this.receive(skb);
  private offHost: (() => void) | null = null;
  private unhookStrict: (() => void) | null = null;
  private stopped = false;
  /** Interfaces' up/down as we last saw them (netlink). */
  private readonly ifUp = new Map<string, boolean>();

  constructor(private readonly env: VrrpEnv, confs: readonly VrrpInstanceConf[], groups: readonly SyncGroupConf[]) {
    this.host = env.host;
    [this.insts, this.groups] = VrrpDaemon.build(confs, groups);
  }

  private static build(confs: readonly VrrpInstanceConf[], groups: readonly SyncGroupConf[]): [Inst[], Group[]] {
    const insts: Inst[] = confs.map((c) => ({
      conf: c, state: 'INIT', wantstate: c.state === 'MASTER' ? 'MASTER' : 'BACKUP', effectivePriority: c.priority,
      msDownTimer: 0, sands: 0, timer: null, garpTimer: null, vipSet: false, masterAddr: null, masterPriority: null,
      preemptTime: 0, ipId: 0, faults: 0, garpRefreshAt: 0, sync: null,
      stats: { advertRcvd: 0, advertSent: 0, becomeMaster: 0, releaseMaster: 0, priZeroRcvd: 0, priZeroSent: 0, authErrors: 0, garpsSent: 0 },
    }));
    const grps = groups.map((g) => {
      const grp: Group = { conf: g, members: [], state: 'BACKUP' };
      for (const m of g.members) {
        const i = insts.find((x) => x.conf.name === m);
        if (i && !i.sync) { i.sync = grp; grp.members.push(i); }
      }
      if (grp.members.some((i) => i.wantstate === 'MASTER' && i.conf.priority === 255)) grp.state = 'MASTER';
      return grp;
    });
    // A sync group with members wanting MASTER and members wanting BACKUP starts BACKUP (vrrp_complete_init).
    for (const g of grps) {
      if (g.members.some((i) => i.wantstate === 'BACKUP' || i.conf.priority !== 255) && g.members.some((i) => i.wantstate === 'MASTER')) {
        for (const i of g.members) if (i.wantstate === 'MASTER') i.wantstate = 'BACKUP';
      }
    }
    return [insts, grps];
  }

  /**
   * SIGHUP (reload_vrrp_thread, clear_diff_vrrp): instances that stay keep their state (a
   * master keeps its VIPs, with added/removed ones applied), removed masters step down with
   * a priority-0 advert, new instances start in BACKUP (init).
   */
  reload(confs: readonly VrrpInstanceConf[], groups: readonly SyncGroupConf[]): void {
    const old = this.insts;
    const [next, grps] = VrrpDaemon.build(confs, groups);
    const q = this.host.net.q;
    for (const o of old) {
      q.cancel(o.timer); o.timer = null;
      const n = next.find((x) => x.conf.name === o.conf.name && x.conf.vrid === o.conf.vrid && this.ifaceOf(x) === this.ifaceOf(o));
      if (!n) {
        if (o.state === 'MASTER') this.restoreInterface(o, true);
        continue;
      }
      n.state = o.state; n.vipSet = o.vipSet; n.masterAddr = o.masterAddr; n.masterPriority = o.masterPriority;
      n.ipId = o.ipId; n.faults = o.faults; n.garpTimer = o.garpTimer; n.msDownTimer = this.msDown(n);
      Object.assign(n.stats, o.stats);
      if (o.vipSet) {
        const key = (v: { addr: number; prefix: number; dev: string | null }, i: Inst) => `${v.addr}/${v.prefix}/${v.dev ?? this.ifaceOf(i)}`;
        const nk = new Set([...n.conf.vips, ...n.conf.evips].map((v) => key(v, n)));
        const ok = new Set([...o.conf.vips, ...o.conf.evips].map((v) => key(v, o)));
        for (const v of [...o.conf.vips, ...o.conf.evips]) if (!nk.has(key(v, o))) this.host.delAddr(v.dev ?? this.ifaceOf(o), v.addr as Ipv4Addr, v.prefix);
        for (const v of [...n.conf.vips, ...n.conf.evips]) {
          if (!ok.has(key(v, n))) this.host.addAddr(v.dev ?? this.ifaceOf(n), v.addr as Ipv4Addr, v.prefix, { owner: 'keepalived', label: v.label ?? undefined });
        }
      }
    }
    this.insts = next;
    this.groups = grps;
    for (const g of grps) if (g.members.some((m) => m.state === 'MASTER')) g.state = 'MASTER';
    const fresh = next.filter((i) => i.state === 'INIT');
    for (const i of next) if (i.state !== 'INIT') { if (i.state === 'MASTER') this.sendAdv(i, i.effectivePriority); this.initSands(i); }
    this.initState(fresh);
  }

  private log(msg: string, prio = 6): void { if (!this.stopped) this.env.log(msg, prio); }
  private get now(): number { return this.host.now; }
  private ifaceOf(i: Inst): string { return i.conf.iface ?? 'eth0'; }
  private msDown(i: Inst): number { return 3 * i.conf.advertInt + skew(i.effectivePriority); }

  private linkUp(name: string): boolean {
    const d = this.host.dev(name);
    return !!d && d.up && d.running;
  }

  // ---- start ---------------------------------------------------------------------------------------------

  start(): void {
    const host = this.host;
    const seen = new Set<string>();
    for (const i of this.insts) {
      const ifn = this.ifaceOf(i);
      if (seen.has(ifn)) continue;
      seen.add(ifn);
      const a = this.primaryAddr(ifn);
      if (a) this.log(`Assigned address ${fmtIp(a)} for interface ${ifn}`);
    }
    if (this.insts.length) this.log('Registering gratuitous ARP shared channel');
    let set = host.protoListeners.get(IpProto.VRRP);
    if (!set) { set = new Set(); host.protoListeners.set(IpProto.VRRP, set); }
    set.add(this.listener);
    for (const d of host.devs.values()) this.ifUp.set(d.name, d.up && d.running);
    this.offHost = host.on((ev) => this.hostEvent(ev));
    if (this.env.globals.vrrpStrict || this.insts.some((i) => i.conf.strict)) this.hookStrict();
    this.initState(this.insts);
  }

  private primaryAddr(ifn: string): Ipv4Addr | 0 {
    const d = this.host.dev(ifn);
    const a = d?.addrs.find((x) => !x.secondary && x.owner !== 'keepalived');
    return a ? a.addr : 0;
  }

  /** vrrp_init_state() */
  private initState(list: readonly Inst[]): void {
    const syncd = this.env.globals.lvsSyncd;
    for (const i of list) {
      // Tracked interfaces (the instance's own unless dont_track_primary, track_interface weight 0) down: FAULT.
      let fault = false;
      for (const t of this.tracked(i)) {
        if (t.weight === 0 && !this.linkUp(t.name)) { this.log(`(${i.conf.name}): entering FAULT state (interface ${t.name} down)`); fault = true; i.faults++; }
      }
      if (i.conf.priority !== 255) i.effectivePriority = Math.max(1, Math.min(254, this.trackedPriority(i)));
      const newState = i.sync ? i.sync.state : i.wantstate;
      if (!fault && newState === 'MASTER' && i.conf.priority === 255 && i.wantstate === 'MASTER') {
        if (syncd && syncd.vrrpName === i.conf.name) this.syncd('STARTDAEMON', 1);
        i.state = 'BACKUP';
        i.msDownTimer = 1;
      } else {
        if (newState === 'BACKUP' && i.wantstate === 'MASTER') i.msDownTimer = i.conf.advertInt + skew(255);
        else i.msDownTimer = this.msDown(i);
        if (syncd && syncd.vrrpName === i.conf.name) this.syncd('STARTDAEMON', 2);
        if (!fault) {
          if (i.state !== 'BACKUP') { this.log(`(${i.conf.name}) Entering BACKUP STATE (init)`); i.state = 'BACKUP'; }
        } else {
          this.log(`(${i.conf.name}) Entering FAULT STATE (init)`);
          i.state = 'FAULT';
        }
        this.notify(i);
      }
      this.initSands(i);
    }
  }

  private tracked(i: Inst): { name: string; weight: number }[] {
    const out = [...i.conf.trackInterfaces];
    if (!i.conf.dontTrackPrimary && i.conf.iface && !out.some((t) => t.name === i.conf.iface)) out.push({ name: i.conf.iface, weight: 0 });
    return out;
  }

  /** vrrp_init_instance_sands(): (re)arm the instance's timer. */
  private initSands(i: Inst): void {
    const q = this.host.net.q;
    q.cancel(i.timer);
    i.timer = null;
    if (i.state === 'MASTER') i.sands = this.now + i.conf.advertInt;
    else if (i.state === 'BACKUP') i.sands = this.now + i.msDownTimer;
    else { i.sands = -1; return; }
    i.timer = q.at(i.sands, () => { i.timer = null; this.timeout(i); });
  }

  /** vrrp_dispatcher_read_timeout() for one instance. */
  private timeout(i: Inst): void {
    if (this.stopped) return;
    const prev = i.state;
    if (i.state === 'BACKUP') {
      this.log(`(${i.conf.name}) Receive advertisement timeout`);
      // vrrp_goto_master()
      i.wantstate = 'MASTER';
      this.gotoMaster(i);
    } else if (i.state === 'MASTER') {
      this.masterTx(i);
    }
    this.tsm(prev, i);
    this.initSands(i);
  }

  // ---- transitions ---------------------------------------------------------------------------------------

  /** vrrp_state_goto_master() */
  private gotoMaster(i: Inst): void {
    if (i.sync && !this.syncCanGotoMaster(i)) { i.wantstate = 'MASTER'; return; }
    i.state = 'MASTER';
    this.initSands(i);
    this.masterTx(i);
  }

  /** vrrp_state_master_tx() */
  private masterTx(i: Inst): void {
    this.sendAdv(i, i.effectivePriority);
    if (!i.vipSet) {
      this.log(`(${i.conf.name}) Entering MASTER STATE`);
      this.becomeMaster(i);
      const delay = i.conf.garpMasterDelay ?? 5 * TIMER_HZ;
      if (delay) {
        this.host.net.q.cancel(i.garpTimer);
        i.garpTimer = this.host.net.q.after(delay, () => { i.garpTimer = null; if (i.state === 'MASTER' && !this.stopped) this.sendLinkUpdate(i, i.conf.garpMasterRepeat ?? 5); });
      }
    } else if (i.garpRefreshAt && this.now > i.garpRefreshAt) {
      this.sendLinkUpdate(i, i.conf.garpMasterRefreshRepeat ?? 1);
      i.garpRefreshAt = this.now + (i.conf.garpMasterRefresh ?? 0);
    }
  }

  /** vrrp_state_become_master() */
  private becomeMaster(i: Inst): void {
    i.stats.becomeMaster++;
    this.log(`(${i.conf.name}) setting VIPs.`);
    for (const v of i.conf.vips) {
      this.host.addAddr(v.dev ?? this.ifaceOf(i), v.addr as Ipv4Addr, v.prefix, { owner: 'keepalived', label: v.label ?? undefined, scope: v.scope === 'site' ? 'global' : v.scope, brd: v.brd as Ipv4Addr | null });
    }
    for (const v of i.conf.evips) {
      this.host.addAddr(v.dev ?? this.ifaceOf(i), v.addr as Ipv4Addr, v.prefix, { owner: 'keepalived', label: v.label ?? undefined, brd: v.brd as Ipv4Addr | null });
    }
    i.vipSet = true;
    this.sendLinkUpdate(i, i.conf.garpMasterRepeat ?? 5);
    i.garpRefreshAt = i.conf.garpMasterRefresh ? this.now + i.conf.garpMasterRefresh : 0;
    this.notify(i);
    const s = this.env.globals.lvsSyncd;
    if (s && s.vrrpName === i.conf.name) { this.syncd('STOPDAEMON', 2); this.syncd('STARTDAEMON', 1); }
  }

  /** vrrp_send_link_update(): `rep` gratuitous ARPs per VIP, spaced by vrrp_garp_interval. */
  private sendLinkUpdate(i: Inst, rep: number): void {
    if (!i.vipSet) return;
    const gap = this.env.globals.vrrpGarpInterval;
    const vips = [...i.conf.vips, ...i.conf.evips];
    for (let j = 0; j < rep; j++) {
      for (const v of vips) {
        const dev = v.dev ?? this.ifaceOf(i);
        if (j === 0) this.log(`(${i.conf.name}) Sending/queueing gratuitous ARPs on ${dev} for ${fmtIp(v.addr)}`);
        const send = () => {
          if (this.stopped || !i.vipSet) return;
          this.log(`Sending gratuitous ARP on ${dev} for ${fmtIp(v.addr)}`);
          this.host.gratuitousArp(dev, v.addr as Ipv4Addr);
          i.stats.garpsSent++;
        };
        if (gap && j > 0) this.host.net.q.after(gap * j, send); else send();
      }
    }
  }

  /** vrrp_state_leave_master() */
  private leaveMaster(i: Inst, advF: boolean): void {
    const s = this.env.globals.lvsSyncd;
    if (i.vipSet && s && s.vrrpName === i.conf.name) { this.syncd('STOPDAEMON', 1); this.syncd('STARTDAEMON', 2); }
    if (i.wantstate === 'BACKUP') {
      this.log(`(${i.conf.name}) Entering BACKUP STATE`);
      i.preemptTime = 0;
    } else {
      this.log(`(${i.conf.name}) Entering FAULT STATE`);
      this.sendAdv(i, 0);
    }
    this.restoreInterface(i, advF);
    i.state = i.wantstate;
    this.notify(i);
    i.msDownTimer = this.msDown(i);
    this.initSands(i);
    i.stats.releaseMaster++;
  }

  /** vrrp_state_leave_fault() */
  private leaveFault(i: Inst): void {
    if (i.wantstate === 'MASTER') { this.gotoMaster(i); }
    else {
      if (i.state !== i.wantstate) this.log(`(${i.conf.name}) Entering ${i.wantstate === 'BACKUP' ? 'BACKUP' : 'FAULT'} STATE`);
      if (i.wantstate === 'FAULT' && i.state === 'MASTER') { this.sendAdv(i, 0); this.restoreInterface(i, false); }
      i.state = i.wantstate;
      this.notify(i);
      if (i.state === 'BACKUP') i.preemptTime = 0;
    }
    i.msDownTimer = this.msDown(i);
    this.initSands(i);
  }

  /** vrrp_restore_interface(): priority 0 advert (advF), VIPs removed. */
  private restoreInterface(i: Inst, advF: boolean): void {
    if (advF) {
      this.sendAdv(i, 0);
      i.stats.priZeroSent++;
      this.log(`(${i.conf.name}) sent 0 priority`);
    }
    this.host.net.q.cancel(i.garpTimer);
    i.garpTimer = null;
    if (i.vipSet) {
      this.log(`(${i.conf.name}) removing VIPs.`);
      for (const v of [...i.conf.vips, ...i.conf.evips]) this.host.delAddr(v.dev ?? this.ifaceOf(i), v.addr as Ipv4Addr, v.prefix);
      i.vipSet = false;
    }
  }

  /** VRRP_TSM_HANDLE: a member changed state, the sync group follows. */
  private tsm(prev: VrrpState, i: Inst): void {
    const g = i.sync;
    if (!g || prev === i.state) return;
    if (i.state === 'MASTER') this.syncMaster(i);
    else if (i.state === 'BACKUP' && prev === 'MASTER') this.syncBackup(i);
    else if (i.state === 'FAULT') this.syncFault(i);
  }

  private syncCanGotoMaster(i: Inst): boolean {
    const g = i.sync!;
    if (g.state === 'MASTER') return true;
    for (const o of g.members) {
      if (o !== i && o.wantstate !== 'MASTER') {
        i.msDownTimer = this.msDown(i);
        this.initSands(i);
        return false;
      }
    }
    return true;
  }

  private syncMaster(i: Inst): void {
    const g = i.sync!;
    if (g.state === 'MASTER' || !this.syncCanGotoMaster(i)) return;
    this.log(`VRRP_Group(${g.conf.name}) Syncing instances to MASTER state`);
    for (const o of g.members) {
      if (o !== i && o.state !== 'MASTER') { o.wantstate = 'MASTER'; this.gotoMaster(o); this.initSands(o); }
    }
    g.state = 'MASTER';
  }

  private syncBackup(i: Inst): void {
    const g = i.sync!;
    if (g.state === 'BACKUP') return;
    this.log(`VRRP_Group(${g.conf.name}) Syncing instances to BACKUP state`);
    for (const o of g.members) {
      if (o === i || o.state === 'BACKUP') continue;
      o.wantstate = 'BACKUP';
      if (o.state === 'FAULT' || o.state === 'INIT') this.leaveFault(o); else this.leaveMaster(o, false);
    }
    g.state = 'BACKUP';
  }

  private syncFault(i: Inst): void {
    const g = i.sync!;
    if (g.state === 'FAULT') return;
    this.log(`VRRP_Group(${g.conf.name}) Syncing instances to FAULT state`);
    for (const o of g.members) {
      if (o === i || o.state === 'FAULT') continue;
      o.wantstate = 'FAULT';
      if (o.state === 'MASTER') this.leaveMaster(o, false);
      else { o.state = 'FAULT'; this.leaveFault(o); }
    }
    g.state = 'FAULT';
  }

  // ---- the wire ---------------------------------------------------------------------------------------------

  private authData(i: Inst): Uint8Array {
    const b = new Uint8Array(8);
    if (i.conf.authType) for (let k = 0; k < Math.min(8, i.conf.authPass.length); k++) b[k] = i.conf.authPass.charCodeAt(k) & 255;
    return b;
  }

  /** vrrp_send_adv() */
  private sendAdv(i: Inst, prio: number): void {
    const ifn = this.ifaceOf(i);
    const src = i.conf.unicastSrc ?? i.conf.mcastSrc ?? this.primaryAddr(ifn);
    if (!src) { this.log(`No address yet for ${ifn}`); return; }
    const repr: VrrpRepr = {
      kind: 'vrrp', version: 2, type: 1, vrid: i.conf.vrid, priority: prio,
      authType: i.conf.authType ? 1 : 0, advInt: Math.max(1, Math.round(i.conf.advertInt / TIMER_HZ)),
      addrs: i.conf.vips.map((v) => v.addr as Ipv4Addr), authData: this.authData(i),
    };
    const dsts = i.conf.unicastPeers.length ? i.conf.unicastPeers : [VRRP_MULTICAST];
    for (const dst of dsts) {
      i.ipId = i.ipId >= 65535 ? 1 : i.ipId + 1;
      const ip: Ipv4Repr = {
        kind: 'ipv4', tos: 0xc0, id: i.ipId, df: false, ttl: VRRP_IP_TTL, protocol: IpProto.VRRP,
        src: src as Ipv4Addr, dst: dst as Ipv4Addr, payload: repr,
      };
      this.host.output(ip, { oif: ifn });
    }
    i.stats.advertSent++;
  }

  /** The VRRP socket: find the instance by VRID on the interface, then vrrp_check_packet(). */
  private receive(skb: Skb): boolean {
    const ip = skb.ip;
    if (this.stopped || ip.protocol !== IpProto.VRRP) return false;
    const p = ip.payload;
    if (p.kind !== 'vrrp') return true;
    const i = this.insts.find((x) => x.conf.vrid === p.vrid && (skb.inDev === this.ifaceOf(x) || x.conf.unicastPeers.length > 0));
    if (!i) return true;
    if (i.state === 'FAULT' || i.state === 'INIT') return true;
    const name = i.conf.name;
    const unicast = i.conf.unicastPeers.length > 0;
    if (!unicast && ip.ttl !== VRRP_IP_TTL) { this.log(`(${name}) invalid TTL/HL. Received ${ip.ttl} and expect ${VRRP_IP_TTL}`); return true; }
    if (p.version !== 2) { this.log(`(${name}) wrong version. Received ${p.version} and expect 2`); return true; }
    if (p.authType !== 0 && p.authType !== 1 && p.authType !== 2) { this.log(`(${name}) Invalid auth type: ${p.authType}`); return true; }
    const mine = i.conf.authType ? 1 : 0;
    const theirs = p.authType === 2 ? 1 : p.authType;
    if (mine !== theirs) { i.stats.authErrors++; this.log(`(${name}) received a ${p.authType} auth, expecting ${i.conf.authType}!`); return true; }
    if (mine) {
      const want = this.authData(i);
      if (want.some((b, k) => b !== p.authData[k])) { i.stats.authErrors++; this.log(`(${name}) received an invalid passwd!`); return true; }
    }
    if (i.conf.advertInt !== p.advInt * TIMER_HZ) {
      this.log(`(${name}) advertisement interval mismatch mine=${Math.floor(i.conf.advertInt / TIMER_HZ)} sec rcv'd=${p.advInt} sec`);
      return true;
    }
    if (p.type !== 1) { this.log(`(${name}) Invalid packet type. ${p.type} and expect 1`); return true; }
    const checkAddr = !i.conf.skipCheckAdvAddr || i.masterAddr !== ip.src;
    if (checkAddr && p.addrs.length !== i.conf.vips.length) {
      this.log(`(${name}) received an unexpected ip number count ${p.addrs.length}, expected ${i.conf.vips.length}!`);
      return true;
    }
    i.stats.advertRcvd++;
    if (checkAddr) {
      for (const v of i.conf.vips) {
        if (!p.addrs.includes(v.addr as Ipv4Addr)) {
          this.log(`(${name}) ip address associated with VRID ${i.conf.vrid} not present in MASTER advert: ${fmtIp(v.addr)}`);
          return true;
        }
      }
    }
    const prev = i.state;
    if (i.state === 'BACKUP') this.stateBackup(i, ip.src, p.priority);
    else if (i.state === 'MASTER' && this.stateMasterRx(i, ip.src, p.priority)) this.leaveMaster(i, false);
    this.tsm(prev, i);
    this.initSands(i);
    return true;
  }

  /** vrrp_state_backup() */
  private stateBackup(i: Inst, src: number, prio: number): void {
    let ignore = false;
    if (prio === 0) {
      i.stats.priZeroRcvd++;
      this.log(`(${i.conf.name}) Backup received priority 0 advertisement`);
      i.msDownTimer = skew(i.effectivePriority);
    } else if (i.conf.nopreempt || prio >= i.effectivePriority
      || (i.conf.preemptDelay && (!i.preemptTime || i.preemptTime > this.now))) {
      i.msDownTimer = this.msDown(i);
      i.masterAddr = src;
      i.masterPriority = prio;
      if (i.conf.preemptDelay) {
        if (prio >= i.effectivePriority) {
          if (i.preemptTime) { this.log(`(${i.conf.name}) stop preempt delay`); i.preemptTime = 0; }
        } else if (!i.preemptTime) {
          const d = i.conf.preemptDelay;
          this.log(`(${i.conf.name}) start preempt delay (${Math.floor(d / TIMER_HZ)}.${String(d % TIMER_HZ).padStart(6, '0')})`);
          i.preemptTime = this.now + d;
        }
      }
      i.wantstate = 'BACKUP';
    } else {
      this.log(`(${i.conf.name}) received lower priority (${prio}) advert from ${fmtIp(src)} - discarding`);
      ignore = true;
      i.masterAddr = src;
    }
    if (ignore) i.msDownTimer = Math.max(0, i.sands - this.now);
  }

  /** vrrp_state_master_rx(): true to leave MASTER. */
  private stateMasterRx(i: Inst, src: number, prio: number): boolean {
    const ours = this.primaryAddr(this.ifaceOf(i));
    const addrCmp = src === ours ? 0 : (src >>> 0) > (ours >>> 0) ? 1 : -1;
    if (prio === 0) {
      this.sendAdv(i, i.effectivePriority);
      this.log(`(${i.conf.name}) Master received priority 0 message`);
      return false;
    }
    if (prio === i.effectivePriority && addrCmp === 0) {
      this.log(`(${i.conf.name}) WARNING - equal priority advert received from remote host with our IP address.`);
    }
    if (prio < i.effectivePriority || (prio === i.effectivePriority && addrCmp < 0)) {
      this.log(`(${i.conf.name}) Received advert from ${fmtIp(src)} with lower priority ${prio}, ours ${i.effectivePriority}, forcing new election`);
      this.sendAdv(i, i.effectivePriority);
      return false;
    }
    if (prio > i.effectivePriority || (prio === i.effectivePriority && addrCmp > 0)) {
      if (prio > i.effectivePriority) this.log(`(${i.conf.name}) Master received advert from ${fmtIp(src)} with higher priority ${prio}, ours ${i.effectivePriority}`);
      else this.log(`(${i.conf.name}) Master received advert from ${fmtIp(src)} with same priority ${prio} but higher IP address than ours`);
      i.msDownTimer = this.msDown(i);
      i.masterPriority = prio;
      i.masterAddr = src;
      i.wantstate = 'BACKUP';
      return true;
    }
    return false;
  }

  // ---- interfaces (netlink) ------------------------------------------------------------------------------------

  private hostEvent(ev: HostEvent): void {
    if (this.stopped || (ev.kind !== 'carrier' && ev.kind !== 'link')) return;
    for (const d of this.host.devs.values()) {
      const up = d.up && d.running;
      const was = this.ifUp.get(d.name);
      if (was === up) continue;
      this.ifUp.set(d.name, up);
      const users = this.insts.filter((i) => this.tracked(i).some((t) => t.name === d.name));
      if (!users.length) continue;
      this.log(`Netlink reports ${d.name} ${up ? 'up' : 'down'}`);
      for (const i of users) {
        const t = this.tracked(i).find((x) => x.name === d.name)!;
        if (t.weight !== 0) { this.changePriority(i, this.trackedPriority(i)); continue; }
        if (up) this.tryUp(i); else this.down(i);
      }
    }
  }

  /** Base priority plus the weights of tracked interfaces (positive while up, negative while down). */
  private trackedPriority(i: Inst): number {
    let p = i.conf.priority;
    for (const t of this.tracked(i)) {
      const up = this.linkUp(t.name);
      if (t.weight > 0 && up) p += t.weight;
      else if (t.weight < 0 && !up) p += t.weight;
    }
    return p;
  }

  private changePriority(i: Inst, p: number): void {
    if (i.conf.priority === 255) return;
    const np = Math.max(1, Math.min(254, p));
    if (np === i.effectivePriority) return;
    this.log(`(${i.conf.name}) Changing effective priority from ${i.effectivePriority} to ${np}`);
    const old = i.msDownTimer;
    i.effectivePriority = np;
    i.msDownTimer = this.msDown(i);
    if (i.state === 'BACKUP' && i.timer) {
      i.sands += i.msDownTimer - old;
      this.host.net.q.cancel(i.timer);
      i.timer = this.host.net.q.at(i.sands, () => { i.timer = null; this.timeout(i); });
    }
  }

  /** down_instance() */
  private down(i: Inst): void {
    if (i.faults++ === 0 || i.state === 'INIT') {
      const prev = i.state;
      i.wantstate = 'FAULT';
      if (i.state === 'MASTER') this.leaveMaster(i, true); else this.leaveFault(i);
      this.tsm(prev, i);
    }
  }

  /** try_up_instance() */
  private tryUp(i: Inst): void {
    if (i.faults === 0) return;
    if (--i.faults) return;
    const prev = i.state;
    i.wantstate = i.sync && i.sync.state === 'MASTER' ? 'MASTER' : 'BACKUP';
    if (i.conf.priority === 255 && i.conf.state === 'MASTER') i.wantstate = 'MASTER';
    this.leaveFault(i);
    if (i.sync && i.sync.state === 'FAULT' && i.sync.members.every((m) => m.faults === 0)) { i.sync.state = 'BACKUP'; }
    this.tsm(prev, i);
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  /** notify scripts are not run in the lab (see the module doc of daemon.ts); the state is what a UI shows. */
  private notify(i: Inst): void { void i; this.host.net.changed('keepalived', this.host.id); }

  private syncd(cmd: 'STARTDAEMON' | 'STOPDAEMON', state: 1 | 2): void {
    const s = this.env.globals.lvsSyncd;
    if (!s) return;
    const x = Ipvs.of(this.host) ?? Ipvs.load(this.host);
    const err = cmd === 'STARTDAEMON'
      ? x.startDaemon({ state, mcastIfn: s.ifname, syncid: s.syncid ?? 0, syncMaxlen: s.maxlen, mcastGroup: s.group, mcastPort: s.port, mcastTtl: s.ttl })
      : x.stopDaemon(state);
    if (err && !(cmd === 'STOPDAEMON' && err === 'ESRCH')) {
      const code = cmd === 'STARTDAEMON' ? 1163 : 1164;
      const no = { EEXIST: 17, ESRCH: 3, ENODEV: 19, EINVAL: 22 }[err as 'EEXIST'] ?? 22;
      this.log(`IPVS cmd IP_VS_SO_SET_${cmd}(${code}) error: ${ipvsStrerror(cmd, err)}(${no})`);
    }
  }

  /** vrrp_strict: the nftables table `keepalived` drops traffic to VIPs we do not own. */
  private hookStrict(): void {
    this.unhookStrict = this.host.hooks.register({
      hook: Hook.PREROUTING, priority: -1, owner: 'keepalived',
      fn: (skb) => {
        const dst = skb.ip.dst;
        for (const i of this.insts) {
          if (!(i.conf.strict || this.env.globals.vrrpStrict) || i.conf.priority === 255) continue;
          if (i.conf.vips.some((v) => v.addr === dst)) {
            skb.dropReason = `${this.host.hostname}: nftables table keepalived drops traffic to VIP ${fmtIp(dst)} (vrrp_strict: this router is not the address owner and accept mode is off)`;
            return Verdict.DROP;
          }
        }
        return Verdict.ACCEPT;
      },
    });
  }

  // ---- stop --------------------------------------------------------------------------------------------------------

  /** SIGTERM: masters send priority 0 and remove their VIPs; the sync daemon stops. */
  stop(): void {
    for (const i of this.insts) {
      this.host.net.q.cancel(i.timer);
      i.timer = null;
      if (i.state === 'MASTER') this.restoreInterface(i, true);
      i.state = 'INIT';
    }
    const s = this.env.globals.lvsSyncd;
    if (s?.vrrpName && Ipvs.of(this.host)) { Ipvs.of(this.host)!.stopDaemon(1); Ipvs.of(this.host)!.stopDaemon(2); }
    this.release();
  }

  /** Power loss: everything just vanishes (the kernel forgets the VIPs by itself). */
  kill(): void {
    for (const i of this.insts) {
      this.host.net.q.cancel(i.timer); i.timer = null;
      this.host.net.q.cancel(i.garpTimer); i.garpTimer = null;
      i.state = 'INIT';
    }
    this.release();
  }

  private release(): void {
    this.host.protoListeners.get(IpProto.VRRP)?.delete(this.listener);
    this.offHost?.();
    this.offHost = null;
    this.unhookStrict?.();
    this.unhookStrict = null;
    this.stopped = true;
  }

  /** Instances with their VIPs set (a reload keeps them). */
  masters(): string[] { return this.insts.filter((i) => i.state === 'MASTER').map((i) => i.conf.name); }

  /** vrrp_sync_group states. */
  syncGroups(): { name: string; state: VrrpState; members: string[] }[] {
    return this.groups.map((g) => ({ name: g.conf.name, state: g.state, members: g.members.map((m) => m.conf.name) }));
  }

  status(): VrrpInstanceStatus[] {
    return this.insts.map((i) => ({
      name: i.conf.name, state: i.state, iface: this.ifaceOf(i), vrid: i.conf.vrid, priority: i.effectivePriority,
      basePriority: i.conf.priority, advertInt: i.conf.advertInt / TIMER_HZ, vips: i.conf.vips.map((v) => `${fmtIp(v.addr)}/${v.prefix}`),
      vipsSet: i.vipSet, master: i.state === 'MASTER' ? fmtIp(this.primaryAddr(this.ifaceOf(i))) : i.masterAddr !== null ? fmtIp(i.masterAddr) : null,
      masterPriority: i.state === 'MASTER' ? i.effectivePriority : i.masterPriority, deadline: i.sands >= 0 ? i.sands : null,
      stats: { ...i.stats },
    }));
  }
}
