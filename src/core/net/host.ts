/**
 * A simulated RHEL 9 machine's kernel networking: devices, IPv4 addresses, the routing table,
 * ARP, IPv4 input/forwarding/output with netfilter hooks, ICMP, IPIP (tunl0), and the TCP
 * and UDP stacks. Userland (the shell, daemons) sits on top and talks to it through methods
 * that mirror system calls and netlink requests.
 *
 * The receive path follows the kernel's order (ip_rcv → PREROUTING → route input with
 * martian/rp_filter checks → LOCAL_IN → protocol, or FORWARD → TTL → POSTROUTING → neighbour
 * output), so that IPVS and iptables see packets where Linux would show them to them. Every
 * packet that does not make it is logged with the reason a student can act on.
 *
 * Weak host model, as Linux: an address on any device (including lo) is local for packets
 * arriving on any device — which is why a real server with the VIP on lo accepts DR traffic,
 * and also why it answers ARP for the VIP unless arp_ignore says otherwise.
 */
import { Vfs } from '../fs/vfs.ts';
import { SEC } from '../sim/events.ts';
import type { Rng } from '../sim/rng.ts';
import type { DropCode } from '../sim/frameLog.ts';
import { Hook, HookTable, Verdict, type Skb } from '../netfilter/hooks.ts';
import {
  ArpOp, BROADCAST_MAC, EtherType, IcmpType, IcmpUnreach, IpProto, ZERO_MAC, fmtIp, prefixMask, rewriteIpv4, sameSubnet,
  type ArpRepr, type EthernetRepr, type IcmpRepr, type Ipv4Addr, type Ipv4Repr, type MacAddr,
} from '../wire/types.ts';
import type { NetContext } from './context.ts';
import { Dev, type DevKind, type IfAddr } from './dev.ts';
import { icmpQuote, icmpUnquote } from './icmpQuote.ts';
import { NeighTable, type Neigh } from './neigh.ts';
import { RouteTable, type Route } from './route.ts';
import type { Segment } from './segment.ts';
import { Sysctl } from './sysctl.ts';
import { TcpStack } from './tcp.ts';
import { Systemd } from '../services/systemd.ts';
import { UdpStack } from './udp.ts';

export type HostRole = 'client' | 'director' | 'realserver' | 'router' | 'gateway' | 'host';

/** Errors a local send can fail with, as errno names (the shell prints strerror). */
export type NetErrno = 'ENETUNREACH' | 'EHOSTUNREACH' | 'ECONNREFUSED' | 'ETIMEDOUT' | 'EADDRINUSE'
  | 'EADDRNOTAVAIL' | 'ECONNRESET' | 'EINVAL' | 'ENODEV' | 'EPERM' | 'EMSGSIZE';

export const NET_STRERROR: Record<NetErrno, string> = {
  ENETUNREACH: 'Network is unreachable',
  EHOSTUNREACH: 'No route to host',
  ECONNREFUSED: 'Connection refused',
  ETIMEDOUT: 'Connection timed out',
  EADDRINUSE: 'Address already in use',
  EADDRNOTAVAIL: 'Cannot assign requested address',
  ECONNRESET: 'Connection reset by peer',
  EINVAL: 'Invalid argument',
  ENODEV: 'No such device',
  EPERM: 'Operation not permitted',
  EMSGSIZE: 'Message too long',
};

/** Result of an output route lookup. */
export interface RouteResult {
  route: Route | null;     // null for local destinations
  dev: Dev;
  nexthop: Ipv4Addr;
  src: Ipv4Addr;
  local: boolean;
}

/** A raw ICMP listener (ping, traceroute): sees every ICMP message delivered to the host. */
export type IcmpListener = (ip: Ipv4Repr, icmp: IcmpRepr) => void;
/** A raw IP-protocol listener (keepalived's VRRP socket). */
export type ProtoListener = (skb: Skb) => boolean;

const LOOPBACK_NET = 0x7f000000;
const NO_OIF: { readonly oif?: string } = Object.freeze({});

/**
 * module_init/module_exit of kernel modules implemented outside net/ (ip_vs registers here):
 * loadModule/unloadModule call them, so `modprobe ip_vs` and ipvsadm's own modprobe agree.
 */
export const MODULE_HOOKS = new Map<string, { init?(h: Host): void; exit?(h: Host): void }>();

export class Host {
  readonly id: number;
  private _hostname: string;
  role: HostRole;
  readonly fs: Vfs;
  readonly sysctl: Sysctl;
  readonly devs = new Map<string, Dev>();
  readonly routes = new RouteTable();
  readonly neigh: NeighTable;
  readonly hooks = new HookTable();
  readonly tcp: TcpStack;
  readonly udp: UdpStack;
  readonly rng: Rng;
  /** Userland: systemd and its units (daemons). */
  readonly sd: Systemd;
  readonly packages = new Set<string>();
  readonly modules = new Set<string>();
  powered = true;
  private nextIfindex = 1;
  private nextPid = 1000;
  private ipId: number;
  readonly icmpListeners = new Set<IcmpListener>();
  readonly protoListeners = new Map<number, Set<ProtoListener>>();
  /** Extension slots for subsystems that live outside net/ (IPVS, iptables, daemons). */
  readonly ext: Record<string, unknown> = {};
  /** Listeners for host events (power, link, address changes) — daemons like NetworkManager subscribe. */
  private readonly listeners = new Set<(ev: HostEvent) => void>();
  /**
   * Bumped whenever addresses or link states change. Code that changes `dev.addrs` or
   * `dev.up` directly instead of through addAddr/delAddr/setLinkUp must call `invalidate()`.
   */
  private addrGen = 0;
  private localCacheGen = -1;
  private localCache = new Map<number, Dev>();
  /** Prefixes of addresses on loopback devices besides 127/8: the kernel's RTN_LOCAL prefix routes. */
  private localPrefixes: { net: number; mask: number; dev: Dev }[] = [];
  private routeCacheGen = -1;
  private routeCacheAddrGen = -1;
  private routeCache = new Map<number, Route | null>();

  constructor(readonly net: NetContext, id: number, hostname: string, role: HostRole = 'host') {
    this.id = id;
    this._hostname = hostname;
    this.role = role;
    this.rng = net.rng.fork(`host:${hostname}`);
    this.ipId = this.rng.u32() & 0xffff;
    this.fs = new Vfs({ now: () => Math.floor((net.epochUs + net.q.now) / SEC) });
    this.sysctl = new Sysctl({ get: () => this._hostname, set: (v) => this.setHostname(v) });
    this.neigh = new NeighTable(net.q, this.rng.fork('neigh'), {
      solicit: (n, uni) => this.arpSolicit(n, uni),
      resolved: (n) => this.neighResolved(n),
      failed: (n, q) => this.neighFailed(n, q),
      param: (dev, name) => this.sysctl.neighParam(dev, name),
    });
    this.tcp = new TcpStack(this);
    this.udp = new UdpStack(this);
    this.sd = new Systemd(this);
    const lo = this.addDev('lo', 'loopback', ZERO_MAC);
    lo.mtu = 65536;
    this.addAddr('lo', 0x7f000001 as Ipv4Addr, 8, { scope: 'host', owner: 'kernel' });
    this.sysctl.mount(this.fs);
  }

  // ---- identity ------------------------------------------------------------------------

  get hostname(): string { return this._hostname; }

  setHostname(name: string): void {
    this._hostname = name;
    this.emit({ kind: 'hostname' });
  }

  get now(): number { return this.net.q.now; }

  allocPid(): number { return this.nextPid++; }

  on(fn: (ev: HostEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(ev: HostEvent): void {
    if (ev.kind !== 'hostname') this.addrGen++;
    for (const l of [...this.listeners]) l(ev);
    this.net.changed(ev.kind, this.id);
  }

  /** Drop cached address and route lookups (after changing devices or addresses directly). */
  invalidate(): void { this.addrGen++; }

  // ---- devices -----------------------------------------------------------------------------

  addDev(name: string, kind: DevKind, mac: MacAddr, mtu = 1500): Dev {
    const d = new Dev(this.net.allocDevId(), this.id, name, kind, this.nextIfindex++, mac, mtu);
    this.devs.set(name, d);
    this.sysctl.addConf(name);
    this.emit({ kind: 'link', dev: name });
    return d;
  }

  dev(name: string): Dev | undefined { return this.devs.get(name); }

  /** The IPIP fallback device appears when the ipip module is loaded (modprobe, or any use of tunl0). */
  loadModule(name: string): void {
    if (this.modules.has(name)) return;
    this.modules.add(name);
    if (name === 'ipip' && !this.devs.has('tunl0')) {
      const t = this.addDev('tunl0', 'ipip', ZERO_MAC, 1480);
      t.up = false;
    }
    MODULE_HOOKS.get(name)?.init?.(this);
    this.emit({ kind: 'module', name });
  }

  unloadModule(name: string): boolean {
    if (!this.modules.has(name)) return false;
    this.modules.delete(name);
    if (name === 'ipip') this.removeDev('tunl0');
    MODULE_HOOKS.get(name)?.exit?.(this);
    this.emit({ kind: 'module', name });
    return true;
  }

  removeDev(name: string): void {
    const d = this.devs.get(name);
    if (!d) return;
    if (d.segment) d.segment.ports.delete(d);
    this.routes.removeWhere((r) => r.dev === name);
    this.neigh.flushDev(name);
    this.devs.delete(name);
    this.sysctl.removeDev(name);
    this.emit({ kind: 'link', dev: name });
  }

  renameDev(from: string, to: string): void {
    const d = this.devs.get(from);
    if (!d || this.devs.has(to)) return;
    this.devs.delete(from);
    d.name = to;
    this.devs.set(to, d);
    for (const r of this.routes.routes) if (r.dev === from) r.dev = to;
    this.neigh.flushDev(from);
    this.sysctl.renameDev(from, to);
    this.emit({ kind: 'link', dev: to });
  }

  /** Plug a NIC into a segment (or unplug with null). */
  attach(devName: string, seg: Segment | null): void {
    const d = this.devs.get(devName);
    if (!d) return;
    const before = d.running;
    if (d.segment) d.segment.ports.delete(d);
    d.segment = seg;
    if (seg) seg.ports.add(d);
    this.carrierChanged(d, before);
  }

  /** Pull or replug the cable (the NIC stays attached to its network). */
  setPlugged(devName: string, plugged: boolean): void {
    const d = this.devs.get(devName);
    if (!d) return;
    const before = d.running;
    d.plugged = plugged;
    if (d.segment) { if (plugged) d.segment.ports.add(d); else d.segment.ports.delete(d); }
    this.carrierChanged(d, before);
  }

  private carrierChanged(d: Dev, before: boolean): void {
    if (!d.carrier && this.sysctl.effective(d.name, 'arp_evict_nocarrier')) this.neigh.flushDev(d.name);
    if (before !== d.running) this.emit({ kind: 'carrier', dev: d.name, up: d.carrier });
  }

  /** `ip link set DEV up|down`: down removes the device's routes (fib_disable_ip), up restores prefix routes. */
  setLinkUp(devName: string, up: boolean): void {
    const d = this.devs.get(devName);
    if (!d || d.up === up) return;
    d.up = up;
    if (!up) {
      this.routes.removeWhere((r) => r.dev === devName);
      this.neigh.flushDev(devName);
    } else {
      for (const a of d.addrs) this.addPrefixRoute(d, a);
    }
    this.emit({ kind: 'link', dev: devName, up });
  }

  powerOff(): void {
    if (!this.powered) return;
    this.sd.halt();
    this.powered = false;
    this.tcp.reset();
    this.resetKernel();
    this.emit({ kind: 'power', on: false });
  }

  /**
   * What the machine forgets when the power goes (memory is lost, disks are not): sockets,
   * modules (tunl0 goes with ipip), devices' addresses (lo keeps 127.0.0.1), admin state and
   * MTU, routes, the neighbour table, every netfilter hook an owner other than the kernel
   * registered (IPVS and iptables also reset their own tables on the power event) and
   * /proc/sys back to its boot values. The next boot (systemd-sysctl, NetworkManager,
   * enabled units: see lab/power.ts) builds the runtime state again from the files.
   */
  resetKernel(): void {
    for (const l of [...this.tcp.allListeners()]) this.tcp.unlisten(l);
    for (const s of [...this.udp.all()]) this.udp.close(s);
    this.icmpListeners.clear();
    this.protoListeners.clear();
    for (const m of [...this.modules]) this.unloadModule(m);
    for (const d of [...this.devs.values()]) {
      if (d.kind === 'ipip') { this.removeDev(d.name); continue; }
      d.addrs = d.kind === 'loopback' ? d.addrs.filter((a) => a.owner === 'kernel') : [];
      d.up = d.kind === 'loopback';
      d.promisc = false;
      if (d.kind === 'ether') d.mtu = 1500;
      Object.assign(d.stats, { rxPackets: 0, rxBytes: 0, rxDropped: 0, txPackets: 0, txBytes: 0, txDropped: 0 });
    }
    this.routes.routes = [];
    this.neigh.flush(() => true, true);
    const owners = new Set<string>();
    for (const hook of [Hook.PREROUTING, Hook.LOCAL_IN, Hook.FORWARD, Hook.LOCAL_OUT, Hook.POSTROUTING]) {
      for (const e of this.hooks.entries(hook)) if (e.owner !== 'kernel') owners.add(e.owner);
    }
    for (const o of owners) this.hooks.unregisterOwner(o);
    this.sysctl.resetToDefaults();
  }

  powerOn(): void {
    if (this.powered) return;
    this.powered = true;
    this.emit({ kind: 'power', on: true });
  }

  // ---- addresses ---------------------------------------------------------------------------

  /**
   * `ip addr add ADDR/PREFIX dev DEV` (or NetworkManager's equivalent). Returns 'exists' if
   * the address is already on the device (RTNETLINK answers: File exists).
   */
  addAddr(devName: string, addr: Ipv4Addr, prefix: number,
    opts: { brd?: Ipv4Addr | null; scope?: IfAddr['scope']; noprefixroute?: boolean; owner?: IfAddr['owner']; label?: string; metric?: number } = {}): 'ok' | 'exists' | 'nodev' {
    const d = this.devs.get(devName);
    if (!d) return 'nodev';
    if (d.addrs.some((a) => a.addr === addr && a.prefix === prefix)) return 'exists';
    const secondary = d.addrs.some((a) => !a.secondary && a.prefix === prefix && sameSubnet(a.addr, addr, prefix));
    const a: IfAddr = {
      addr, prefix, brd: opts.brd ?? null, scope: opts.scope ?? ((addr & 0xff000000) >>> 0 === LOOPBACK_NET ? 'host' : 'global'),
      secondary, noprefixroute: !!opts.noprefixroute, owner: opts.owner ?? 'manual', label: opts.label,
    };
    d.addrs.push(a);
    if (d.up) this.addPrefixRoute(d, a, opts.metric);
    this.emit({ kind: 'addr', dev: devName });
    return 'ok';
  }

  private addPrefixRoute(d: Dev, a: IfAddr, metric?: number): void {
    if (a.noprefixroute || a.prefix >= 32 || d.kind === 'loopback' || a.secondary) return;
    const dst = (a.addr & prefixMask(a.prefix)) >>> 0 as Ipv4Addr;
    if (this.routes.routes.some((r) => r.dst === dst && r.prefix === a.prefix && r.dev === d.name && r.proto === 'kernel')) return;
    this.routes.add({
      dst, prefix: a.prefix, gw: null, dev: d.name, proto: 'kernel', scope: 'link', src: a.addr,
      metric: metric ?? null, type: 'unicast', onlink: false, owner: 'kernel',
    });
  }

  /** `ip addr del`. Deleting a primary promotes the next secondary (promote_secondaries=1). */
  delAddr(devName: string, addr: Ipv4Addr, prefix?: number): 'ok' | 'noaddr' | 'nodev' {
    const d = this.devs.get(devName);
    if (!d) return 'nodev';
    const i = d.addrs.findIndex((a) => a.addr === addr && (prefix === undefined || a.prefix === prefix));
    if (i < 0) return 'noaddr';
    const [gone] = d.addrs.splice(i, 1);
    if (!gone.secondary) {
      const next = d.addrs.find((a) => a.secondary && a.prefix === gone.prefix && sameSubnet(a.addr, gone.addr, gone.prefix));
      if (next && this.sysctl.effective(devName, 'promote_secondaries')) {
        next.secondary = false;
        for (const r of this.routes.routes) if (r.dev === devName && r.proto === 'kernel' && r.src === gone.addr) r.src = next.addr;
      } else {
        // Without promotion the kernel deletes the secondaries too.
        if (!next) this.routes.removeWhere((r) => r.dev === devName && r.proto === 'kernel' && r.src === gone.addr);
        else d.addrs = d.addrs.filter((a) => !(a.secondary && a.prefix === gone.prefix && sameSubnet(a.addr, gone.addr, gone.prefix)));
        this.routes.removeWhere((r) => r.dev === devName && r.proto === 'kernel' && r.src === gone.addr);
      }
    }
    // fib_del_ifaddr(): once the address is gone from the host, fib_sync_down_addr() kills
    // every route that names it as preferred source (`ip route add … src ADDR`), and
    // fib_flush() removes them. Gateway routes that became unreachable stay until a link event.
    const flushed = this.allAddrs().some(({ a }) => a.addr === gone.addr) ? 0 : this.routes.removeWhere((r) => r.src === gone.addr).length;
    this.emit({ kind: 'addr', dev: devName });
    if (flushed) this.emit({ kind: 'route' });
    return 'ok';
  }

  /** Every address of the host, with its device. */
  allAddrs(): { dev: Dev; a: IfAddr }[] {
    const out: { dev: Dev; a: IfAddr }[] = [];
    for (const dev of this.devs.values()) for (const a of dev.addrs) out.push({ dev, a });
    return out;
  }

  /**
   * Is `addr` one of this host's addresses (the kernel's local table)? Addresses on devices
   * that are administratively down are not. 127/8 is local via lo, and so is the whole prefix
   * of any other address on a loopback device (fib_add_ifaddr() adds its prefix route as
   * RTN_LOCAL there): a VIP put on lo as /24 instead of /32 makes the whole /24 local.
   */
  localDev(addr: number): Dev | null {
    if ((addr & 0xff000000) >>> 0 === LOOPBACK_NET) return this.devs.get('lo') ?? null;
    if (this.localCacheGen !== this.addrGen) {
      this.localCache.clear();
      this.localPrefixes = [];
      for (const d of this.devs.values()) {
        if (!d.up) continue;
        for (const a of d.addrs) {
          if (!this.localCache.has(a.addr)) this.localCache.set(a.addr, d);
          if (d.kind === 'loopback' && a.prefix < 32 && !a.secondary && !a.noprefixroute && (a.addr & 0xff000000) >>> 0 !== LOOPBACK_NET) {
            const mask = prefixMask(a.prefix) >>> 0;
            this.localPrefixes.push({ net: (a.addr & mask) >>> 0, mask, dev: d });
          }
        }
      }
      this.localCacheGen = this.addrGen;
    }
    const d = this.localCache.get(addr);
    if (d !== undefined) return d;
    for (const p of this.localPrefixes) if (((addr & p.mask) >>> 0) === p.net) return p.dev;
    return null;
  }

  isLocal(addr: number): boolean { return this.localDev(addr) !== null; }

  /** Subnet broadcast or limited broadcast for a device (a set per device, rebuilt when addresses change). */
  private isBroadcastFor(dev: Dev, addr: number): boolean {
    if (addr === 0xffffffff) return true;
    if (this.bcastGen !== this.addrGen) { this.bcast.clear(); this.bcastGen = this.addrGen; this.bcastDev = null; }
    // The last device asked about (a host's packets mostly arrive on one or two NICs).
    let set = dev === this.bcastDev ? this.bcastSet : this.bcast.get(dev);
    if (!set) {
      set = new Set();
      for (const a of dev.addrs) {
        if (a.prefix >= 31) continue;
        set.add((a.addr | ~prefixMask(a.prefix)) >>> 0);
        if (a.brd !== null) set.add(a.brd);
      }
      this.bcast.set(dev, set);
    }
    this.bcastDev = dev; this.bcastSet = set;
    return set.size > 0 && set.has(addr);
  }
  private bcastDev: Dev | null = null;
  private bcastSet: Set<number> | undefined = undefined;
  private bcastGen = -1;
  private readonly bcast = new Map<Dev, Set<number>>();

  // ---- routing -------------------------------------------------------------------------------

  private usable = (devName: string): boolean => {
    const d = this.devs.get(devName);
    return !!d && d.up;
  };

  /** Main-table lookup (no local table). */
  lookupRoute(dst: number): Route | null {
    if (this.routeCacheGen !== this.routes.gen || this.routeCacheAddrGen !== this.addrGen || this.routeCache.size > 4096 || this.outCache.size > 4096) {
      this.routeCache.clear();
      this.outCache.clear();
      this.routeCacheGen = this.routes.gen;
      this.routeCacheAddrGen = this.addrGen;
    }
    let r = this.routeCache.get(dst);
    if (r === undefined) { r = this.routes.lookup(dst, this.usable); this.routeCache.set(dst, r); }
    return r;
  }

  /**
   * Output route for a locally generated packet: local destinations go via lo; otherwise the
   * main table. `src` (if the socket is bound) is kept; else chosen like inet_select_addr.
   */
  routeOutput(dst: Ipv4Addr, src: Ipv4Addr | 0 = 0, oif?: string): RouteResult | NetErrno {
    if (oif) return this.routeOutputSlow(dst, src, oif);
    // Results for an unbound source are cached with the route lookups (same invalidation);
    // a bound source that matches the chosen one reuses them too.
    this.lookupRoute(0); // validates the caches' generation
    let r = this.outCache.get(dst);
    if (r === undefined) { r = this.routeOutputSlow(dst, 0, undefined); this.outCache.set(dst, r); }
    if (src === 0 || (typeof r !== 'string' && r.src === src)) return r;
    return this.routeOutputSlow(dst, src, undefined);
  }

  private readonly outCache = new Map<number, RouteResult | NetErrno>();

  private routeOutputSlow(dst: Ipv4Addr, src: Ipv4Addr | 0, oif: string | undefined): RouteResult | NetErrno {
    const ldev = this.localDev(dst);
    if (ldev && !oif) {
      const lo = this.devs.get('lo')!;
      return { route: null, dev: lo, nexthop: dst, local: true, src: (src || dst) as Ipv4Addr };
    }
    let r: Route | null;
    if (oif) {
      const d = this.devs.get(oif);
      if (!d || !d.up) return 'ENETUNREACH';
      // IP_MULTICAST_IF (keepalived's VRRP socket, the IPVS sync daemon): straight out of the
      // device, from its primary address; neighOutput maps the group to its Ethernet address.
      if ((dst & 0xf0000000) >>> 0 === 0xe0000000) {
        const s0 = src || this.selectSrc(d, dst, 'link');
        if (!s0) return 'EADDRNOTAVAIL';
        return { route: null, dev: d, nexthop: dst, local: false, src: s0 as Ipv4Addr };
      }
      r = this.routes.lookup(dst, (n) => n === oif && this.usable(n));
      if (!r) {
        // SO_BINDTODEVICE with no route through it: on-link guess, as the kernel does for a
        // device with an address in the destination's subnet; otherwise unreachable.
        const a = d.addrs.find((x) => sameSubnet(x.addr, dst, x.prefix));
        if (!a) return 'ENETUNREACH';
        return { route: null, dev: d, nexthop: dst, local: false, src: (src || a.addr) as Ipv4Addr };
      }
    } else {
      r = this.lookupRoute(dst);
    }
    if (!r) return 'ENETUNREACH';
    if (r.type !== 'unicast') return r.type === 'prohibit' ? 'EPERM' : r.type === 'blackhole' ? 'EINVAL' : 'EHOSTUNREACH';
    const dev = this.devs.get(r.dev!)!;
    const nexthop = (r.gw ?? dst) as Ipv4Addr;
    const s = src || r.src || this.selectSrc(dev, nexthop, r.scope === 'link' ? 'link' : 'global');
    if (!s) return 'EADDRNOTAVAIL';
    return { route: r, dev, nexthop, local: false, src: s as Ipv4Addr };
  }

  /**
   * inet_select_addr(): a primary address of `dev` in the same subnet as `near`, else the
   * first primary address of `dev` with a usable scope, else any global address of another
   * device (lo first — which is how a VIP on lo can leak out as a source address).
   */
  selectSrc(dev: Dev, near: number, scope: 'link' | 'global' = 'global'): Ipv4Addr | 0 {
    let first: IfAddr | null = null;
    for (const a of dev.addrs) {
      if (a.secondary || a.scope === 'host') continue;
      if (first === null) first = a;
      if (sameSubnet(a.addr, near, a.prefix)) return a.addr;
    }
    if (first) return first.addr;
    void scope;
    for (const d of this.devs.values()) {
      if (d === dev || !d.up) continue;
      for (const a of d.addrs) if (!a.secondary && a.scope === 'global') return a.addr;
    }
    return 0;
  }

  // ---- transmit helpers ------------------------------------------------------------------

  private drop(skb: Skb, reason: string, code: DropCode): void {
    if (skb.frameNo) this.net.markDropped(skb.frameNo, this.id, reason, code);
    else this.net.logInternalDrop(this.id, skb.ip, reason, code);
  }

  /** Drop with the reason noted on the frame it arrived in (or logged as internal). Public for hooks. */
  dropSkb(skb: Skb, reason: string, code: DropCode = 'netfilter'): void { this.drop(skb, reason, code); }

  nextIpId(): number {
    this.ipId = (this.ipId + 1) & 0xffff;
    return this.ipId;
  }

  /** Put an Ethernet frame on a device's wire. */
  xmit(dev: Dev, dstMac: MacAddr, payload: Ipv4Repr | ArpRepr, ethertype: number, cause?: number): number {
    if (!this.powered) return 0;
    if (!dev.running) {
      dev.stats.txDropped++;
      if (payload.kind === 'ipv4') this.net.logInternalDrop(this.id, payload, `${this.hostname}: ${dev.name} has no carrier (cable unplugged or link down)`, 'link-down');
      return 0;
    }
    const frame: EthernetRepr = { src: dev.mac, dst: dstMac, ethertype, payload };
    dev.stats.txPackets++;
    return this.net.transmit(dev, frame, cause);
  }

  // ---- receive path ---------------------------------------------------------------------------

  /** A frame arrived on `dev` (the segment already matched its destination MAC). */
  receive(dev: Dev, frame: EthernetRepr, no: number): void {
    if (!this.powered) { this.net.markDropped(no, this.id, `${this.hostname} is powered off`, 'host-down'); return; }
    if (!dev.running) { this.net.markDropped(no, this.id, `${this.hostname}: ${dev.name} is down`, 'link-down'); return; }
    dev.stats.rxPackets++;
    const p = frame.payload;
    if (p.kind === 'arp') { this.arpRcv(dev, p, no, frame); return; }
    if (p.kind === 'ipv4') {
      this.ipRcv(dev, p, no, frame.dst === BROADCAST_MAC || (Math.floor(frame.dst / 1099511627776) & 1) === 1);
      return;
    }
    if (frame.dst !== BROADCAST_MAC) this.net.markDropped(no, this.id, `${this.hostname}: no protocol handler for ethertype 0x${frame.ethertype.toString(16).padStart(4, '0')}`, 'other');
  }

  private ipRcv(dev: Dev, ip: Ipv4Repr, no: number, l2multicast: boolean): void {
    const skb: Skb = { ip, inDev: dev.name, outDev: null, nexthop: 0, mark: 0, frameNo: no };
    if (!this.hooks.isEmpty(Hook.PREROUTING)) {
      const v = this.hooks.run(Hook.PREROUTING, skb);
      if (v === Verdict.DROP) { this.drop(skb, skb.dropReason ?? `${this.hostname}: dropped in PREROUTING`, 'netfilter'); return; }
      if (v === Verdict.STOLEN) return;
    }
    this.routeInput(skb, dev, l2multicast);
  }

  /** ip_route_input_slow(): decide local delivery, forwarding or drop. */
  private routeInput(skb: Skb, dev: Dev, l2multicast: boolean): void {
    const { src, dst } = skb.ip;
    const hn = this.hostname;
    // Martians (ip_route_input_slow / fib_validate_source).
    if ((src & 0xf0000000) >>> 0 === 0xe0000000 || src === 0xffffffff) {
      this.drop(skb, `${hn}: martian source ${fmtIp(src)} (multicast/broadcast source)`, 'martian'); return;
    }
    if ((dst & 0xf0000000) >>> 0 === 0xe0000000) { this.deliverMulticast(skb, dev); return; }
    if (this.isBroadcastFor(dev, dst) || (l2multicast && dst === 0xffffffff)) { this.localDeliver(skb, dev, true); return; }
    const ldev = this.localDev(dst);
    if ((dst & 0xff000000) >>> 0 === LOOPBACK_NET && dev.kind !== 'loopback') {
      this.drop(skb, `${hn}: martian destination ${fmtIp(dst)} on ${dev.name}`, 'martian'); return;
    }
    if (dev.kind !== 'loopback') {
      if (this.isLocal(src) && !this.sysctl.effective(dev.name, 'accept_local')) {
        this.drop(skb, `${hn}: martian source ${fmtIp(src)} from ${dev.name}: that address belongs to ${hn} itself`, 'martian'); return;
      }
      const rpf = this.sysctl.effectiveCached(dev.name, 'rp_filter');
      if (rpf && src !== 0) {
        const back = this.lookupRoute(src);
        if (!back || back.type !== 'unicast') {
          this.drop(skb, `${hn}: rp_filter=${rpf} on ${dev.name}: no route back to ${fmtIp(src)}`, 'rp-filter'); return;
        }
        if (rpf === 1 && back.dev !== dev.name) {
          this.drop(skb, `${hn}: rp_filter=1 (strict) on ${dev.name}: the route back to ${fmtIp(src)} leaves by ${back.dev}, not ${dev.name}`, 'rp-filter'); return;
        }
      }
    }
    if (ldev) { this.localDeliver(skb, dev, false); return; }
    // Forwarding.
    if (!this.sysctl.effectiveCached(dev.name, 'forwarding')) {
      this.drop(skb, `${hn}: packet for ${fmtIp(dst)} is not for this host and ip_forward is 0 (not a router)`, 'not-forwarding');
      return;
    }
    this.forward(skb, dev);
  }

  private forward(skb: Skb, inDev: Dev): void {
    const hn = this.hostname;
    const ip = skb.ip;
    const r = this.lookupRoute(ip.dst);
    if (r && r.type === 'blackhole') {
      const why = (this.ext.blackholeReason as string | undefined) ?? 'blackhole route';
      this.drop(skb, `${hn}: ${fmtIp(ip.dst)}: ${why}`, 'no-route');
      return;
    }
    if (!r || r.type !== 'unicast') {
      this.drop(skb, `${hn}: no route to ${fmtIp(ip.dst)}`, 'no-route');
      this.icmpError(skb, IcmpType.DestUnreachable, r?.type === 'prohibit' ? IcmpUnreach.AdminProhibited : r ? IcmpUnreach.Host : IcmpUnreach.Net);
      return;
    }
    const out = this.devs.get(r.dev!)!;
    skb.outDev = out.name;
    skb.nexthop = (r.gw ?? ip.dst) as Ipv4Addr;
    if (!this.hooks.isEmpty(Hook.FORWARD)) {
      const v = this.hooks.run(Hook.FORWARD, skb);
      if (v === Verdict.DROP) { this.drop(skb, skb.dropReason ?? `${hn}: dropped in FORWARD`, 'netfilter'); return; }
      if (v === Verdict.STOLEN) return;
    }
    this.forwardFinish(skb, inDev);
  }

  /** ip_forward_finish(): TTL, then POSTROUTING and out. Public so IPVS can forward NAT replies it rewrote. */
  forwardFinish(skb: Skb, inDev: Dev | null): void {
    const ip = skb.ip;
    if (ip.ttl <= 1) {
      this.drop(skb, `${this.hostname}: TTL exceeded in transit`, 'ttl-exceeded');
      this.icmpError(skb, IcmpType.TimeExceeded, 0);
      return;
    }
    skb.ip = rewriteIpv4(ip, ip.ttl - 1, ip.src, ip.dst, ip.payload);
    const out = this.devs.get(skb.outDev!)!;
    // ICMP redirect: forwarding out of the interface it came in on, to a sender on that link.
    if (inDev && out === inDev && this.sysctl.effective(out.name, 'send_redirects')
      && out.addrs.some((a) => sameSubnet(a.addr, ip.src, a.prefix) && sameSubnet(a.addr, skb.nexthop, a.prefix))) {
      this.sendIcmp(ip.src, IcmpType.Redirect, 1, skb.nexthop, this.icmpQuote(ip), out);
    }
    this.postRouting(skb);
  }

  /** POSTROUTING then neighbour output. */
  postRouting(skb: Skb): void {
    if (!this.hooks.isEmpty(Hook.POSTROUTING)) {
      const v = this.hooks.run(Hook.POSTROUTING, skb);
      if (v === Verdict.DROP) { this.drop(skb, skb.dropReason ?? `${this.hostname}: dropped in POSTROUTING`, 'netfilter'); return; }
      if (v === Verdict.STOLEN) return;
    }
    this.neighOutput(skb);
  }

  /** Resolve the next hop and transmit (ip_finish_output2 → neigh_output). */
  neighOutput(skb: Skb): void {
    const dev = this.devs.get(skb.outDev!);
    if (!dev) { this.drop(skb, `${this.hostname}: output device ${skb.outDev} is gone`, 'no-route'); return; }
    if (dev.kind === 'loopback') { this.loopback(skb); return; }
    if (dev.kind === 'ipip') { this.drop(skb, `${this.hostname}: tunl0 has no remote endpoint to send to`, 'no-route'); return; }
    if (skb.ip.dst === 0xffffffff || this.isBroadcastFor(dev, skb.ip.dst)) {
      this.xmitSkb(dev, BROADCAST_MAC, skb);
      return;
    }
    if ((skb.ip.dst & 0xf0000000) >>> 0 === 0xe0000000) {
      // ip_mc_output → arp_mc_map(): 01:00:5e + the group's low 23 bits, no ARP.
      this.xmitSkb(dev, (0x01005e * 0x1000000 + (skb.ip.dst & 0x7fffff)) as MacAddr, skb);
      return;
    }
    const mac = this.neigh.resolve(dev.name, skb.nexthop as Ipv4Addr, skb);
    if (mac !== null) this.xmitSkb(dev, mac, skb);
  }

  private xmitSkb(dev: Dev, mac: MacAddr, skb: Skb, released = false): void {
    // A forwarded packet is caused by the frame it arrived in; a local one by whatever the
    // host is processing now (a reply), unless it waited for ARP: then by nothing.
    const cause = skb.inDev !== null && skb.frameNo ? skb.frameNo : released ? 0 : undefined;
    const no = this.xmit(dev, mac, skb.ip, EtherType.IPv4, cause);
    if (no && skb.frameNo === 0) skb.frameNo = no;
  }

  /** Local delivery: LOCAL_IN hooks, then the protocol. */
  private localDeliver(skb: Skb, dev: Dev, broadcast: boolean): void {
    if (!this.hooks.isEmpty(Hook.LOCAL_IN)) {
      const v = this.hooks.run(Hook.LOCAL_IN, skb);
      if (v === Verdict.DROP) { this.drop(skb, skb.dropReason ?? `${this.hostname}: dropped in INPUT`, 'netfilter'); return; }
      if (v === Verdict.STOLEN) return;
    }
    this.deliverProto(skb, dev, broadcast);
  }

  private deliverProto(skb: Skb, dev: Dev, broadcast: boolean): void {
    const ip = skb.ip;
    const p = ip.payload;
    const listeners = this.protoListeners.get(ip.protocol);
    if (listeners) for (const l of listeners) if (l(skb)) return;
    switch (p.kind) {
      case 'icmp': this.icmpRcv(skb, p, broadcast); return;
      case 'tcp': if (!broadcast) this.tcp.rcv(skb, p, dev); return;
      case 'udp': this.udp.rcv(skb, p, broadcast); return;
      case 'ipv4': this.ipipRcv(skb, p, dev); return;
      default:
        if (broadcast) return;
        this.drop(skb, `${this.hostname}: no handler for IP protocol ${ip.protocol}`, 'proto-unreachable');
        this.icmpError(skb, IcmpType.DestUnreachable, IcmpUnreach.Protocol);
    }
  }

  private deliverMulticast(skb: Skb, dev: Dev): void {
    const listeners = this.protoListeners.get(skb.ip.protocol);
    // Not a member of the group (no socket for it): the NIC filter would not even pass it
    // up. Silent, as Linux. Members see it after INPUT, so a firewall can drop VRRP.
    if (!listeners || listeners.size === 0) return;
    if (!this.hooks.isEmpty(Hook.LOCAL_IN)) {
      const v = this.hooks.run(Hook.LOCAL_IN, skb);
      if (v === Verdict.DROP) { this.drop(skb, skb.dropReason ?? `${this.hostname}: dropped in INPUT`, 'netfilter'); return; }
      if (v === Verdict.STOLEN) return;
    }
    for (const l of [...listeners]) if (l(skb)) return;
    void dev;
  }

  /** IPIP decapsulation (ipip_rcv): the inner packet re-enters ip_rcv on tunl0. */
  private ipipRcv(skb: Skb, inner: Ipv4Repr, dev: Dev): void {
    void dev;
    const hn = this.hostname;
    if (!this.modules.has('ipip')) {
      this.drop(skb, `${hn}: IP protocol 4 (IPIP) not handled: the ipip module is not loaded, so there is no tunl0 (modprobe ipip)`, 'proto-unreachable');
      this.icmpError(skb, IcmpType.DestUnreachable, IcmpUnreach.Protocol);
      return;
    }
    const t = this.devs.get('tunl0');
    if (!t || !t.up) {
      this.drop(skb, `${hn}: IPIP packet but tunl0 is down (ip link set tunl0 up)`, 'link-down');
      return;
    }
    t.stats.rxPackets++;
    const s2: Skb = { ip: inner, inDev: 'tunl0', outDev: null, nexthop: 0, mark: skb.mark, frameNo: skb.frameNo };
    if (!this.hooks.isEmpty(Hook.PREROUTING)) {
      const v = this.hooks.run(Hook.PREROUTING, s2);
      if (v === Verdict.DROP) { this.drop(s2, s2.dropReason ?? `${hn}: dropped in PREROUTING (tunl0)`, 'netfilter'); return; }
      if (v === Verdict.STOLEN) return;
    }
    this.routeInput(s2, t, false);
  }

  /** Loop a locally addressed packet back in through lo (logged on the host's loopback capture). */
  private loopback(skb: Skb): void {
    const lo = this.devs.get('lo')!;
    const no = this.xmit(lo, ZERO_MAC, skb.ip, EtherType.IPv4);
    void no;
  }

  // ---- local output -----------------------------------------------------------------------------

  /**
   * Send a locally generated IP packet (ip_local_out). `ip.src` must be set. Returns an errno
   * when routing fails (the caller reports it; a log record is written too).
   */
  output(ip: Ipv4Repr, opts: { readonly oif?: string } = NO_OIF): NetErrno | null {
    if (!this.powered) return 'ENETUNREACH';
    const rr = this.routeOutput(ip.dst, ip.src, opts.oif);
    if (typeof rr === 'string') {
      this.net.logInternalDrop(this.id, ip, `${this.hostname}: ${NET_STRERROR[rr].toLowerCase()} for ${fmtIp(ip.dst)} (no matching route)`, 'no-route');
      return rr;
    }
    const skb: Skb = { ip, inDev: null, outDev: rr.dev.name, nexthop: rr.nexthop, mark: 0, frameNo: 0 };
    if (!this.hooks.isEmpty(Hook.LOCAL_OUT)) {
      const v = this.hooks.run(Hook.LOCAL_OUT, skb);
      if (v === Verdict.DROP) { this.drop(skb, skb.dropReason ?? `${this.hostname}: dropped in OUTPUT`, 'netfilter'); return 'EPERM'; }
      if (v === Verdict.STOLEN) return null;
      // A hook may have changed the destination (DNAT): route again.
      if (skb.ip.dst !== ip.dst) {
        const r2 = this.routeOutput(skb.ip.dst, skb.ip.src, opts.oif);
        if (typeof r2 === 'string') { this.drop(skb, `${this.hostname}: no route to ${fmtIp(skb.ip.dst)}`, 'no-route'); return r2; }
        skb.outDev = r2.dev.name; skb.nexthop = r2.nexthop;
      }
    }
    if (rr.local) { this.postRouting(skb); return null; }
    this.postRouting(skb);
    return null;
  }

  /** Build and send an IPv4 packet from this host. */
  sendIp(dst: Ipv4Addr, protocol: number, payload: Ipv4Repr['payload'], opts: { src?: Ipv4Addr; ttl?: number; tos?: number; df?: boolean; oif?: string } = {}): NetErrno | null {
    let src = opts.src ?? 0;
    if (!src) {
      const rr = this.routeOutput(dst, 0, opts.oif);
      if (typeof rr === 'string') {
        const ip: Ipv4Repr = { kind: 'ipv4', tos: 0, id: 0, df: true, ttl: 64, protocol, src: 0 as Ipv4Addr, dst, payload };
        this.net.logInternalDrop(this.id, ip, `${this.hostname}: ${NET_STRERROR[rr].toLowerCase()} for ${fmtIp(dst)} (no matching route)`, 'no-route');
        return rr;
      }
      src = rr.src;
    }
    const ip: Ipv4Repr = {
      kind: 'ipv4', tos: opts.tos ?? 0, id: this.nextIpId(), df: opts.df ?? true,
      ttl: opts.ttl ?? this.sysctl.intCached('net.ipv4.ip_default_ttl', 64), protocol, src: src as Ipv4Addr, dst, payload,
    };
    return this.output(ip, { oif: opts.oif });
  }

  // ---- ARP ----------------------------------------------------------------------------------------

  private arpRcv(dev: Dev, arp: ArpRepr, no: number, frame: EthernetRepr): void {
    if (dev.kind !== 'ether' || this.sysctl.confValue(dev.name, 'drop_gratuitous_arp') && arp.spa === arp.tpa) return;
    const { sha, spa, tpa } = arp;
    const hn = this.hostname;
    if ((tpa & 0xf0000000) >>> 0 === 0xe0000000) return;
    const toUs = frame.dst === dev.mac;
    if (arp.op === ArpOp.Request) {
      const ldev = this.localDev(tpa);
      if (spa === 0) {
        // Duplicate address detection probe: answer only if we own the address on this device.
        if (ldev === dev) this.arpSend(dev, ArpOp.Reply, tpa, sha, spa, sha);
        return;
      }
      if (ldev && ldev.kind !== 'loopback' || (ldev && ldev.kind === 'loopback' && (tpa & 0xff000000) >>> 0 !== LOOPBACK_NET)) {
        const ignore = this.arpIgnore(dev, spa, tpa);
        if (ignore) {
          this.net.note(no, this.id, `${hn} did not answer: ${ignore}`);
        } else {
          this.neigh.update(dev.name, spa, sha, false, true, true);
          // Hosts take slightly different times to answer (a seeded few microseconds), so when
          // two of them own the address (the DR trap) which reply wins is a real race.
          this.net.q.after(5 + (this.rng.u32() % 30), () => { if (this.powered && dev.running) this.arpSend(dev, ArpOp.Reply, tpa, sha, spa, sha); });
          return;
        }
      }
    }
    // Update an existing entry for the sender (requests for others and replies), as arp_process does.
    if (spa !== 0) {
      const accept = this.sysctl.effective(dev.name, 'arp_accept');
      const garp = spa === tpa;
      this.neigh.update(dev.name, spa, sha, arp.op === ArpOp.Reply && toUs, accept > 0 && garp, garp ? true : undefined);
    }
  }

  /** arp_ignore (max of all/dev): why this host must not answer, or null to answer. */
  private arpIgnore(dev: Dev, sip: number, tip: number): string | null {
    const mode = this.sysctl.effective(dev.name, 'arp_ignore');
    switch (mode) {
      case 0: return null;
      case 1: case 2: case 3: {
        const on = dev.addrs.find((a) => a.addr === tip);
        if (!on) return `arp_ignore=${mode}: ${fmtIp(tip)} is not configured on ${dev.name}`;
        if (mode === 2 && !sameSubnet(on.addr, sip, on.prefix)) return `arp_ignore=2: sender ${fmtIp(sip)} is not in ${fmtIp(tip)}/${on.prefix}`;
        return null;
      }
      case 8: return 'arp_ignore=8: never reply';
      default: return null;
    }
  }

  private arpSend(dev: Dev, op: number, sip: number, tha: MacAddr, tip: number, dstMac: MacAddr): void {
    const arp: ArpRepr = { kind: 'arp', op, sha: dev.mac, spa: sip as Ipv4Addr, tha: op === ArpOp.Request ? ZERO_MAC : tha, tpa: tip as Ipv4Addr };
    this.xmit(dev, dstMac, arp, EtherType.ARP);
  }

  /** Gratuitous ARP for `addr` on `dev` (keepalived takeover, `arping -U`). */
  gratuitousArp(devName: string, addr: Ipv4Addr): void {
    const dev = this.devs.get(devName);
    if (!dev) return;
    this.arpSend(dev, ArpOp.Request, addr, ZERO_MAC, addr, BROADCAST_MAC);
  }

  /** arp_solicit(): pick the sender address by arp_announce, then broadcast (or unicast probe). */
  private arpSolicit(n: Neigh, unicast: MacAddr | null): void {
    const dev = this.devs.get(n.dev);
    if (!dev || !dev.running) return;
    const announce = this.sysctl.effectiveCached(dev.name, 'arp_announce');
    let sip = 0;
    const first = n.queue[0] as Skb | undefined;
    const pktSrc = first?.ip.src ?? 0;
    if (pktSrc && this.isLocal(pktSrc)) {
      if (announce === 0) sip = pktSrc;
      else if (announce === 1 && dev.addrs.some((a) => sameSubnet(a.addr, n.ip, a.prefix) && sameSubnet(a.addr, pktSrc, a.prefix))) sip = pktSrc;
    }
    if (!sip) sip = this.selectSrc(dev, n.ip, 'link');
    this.arpSend(dev, ArpOp.Request, sip, ZERO_MAC, n.ip, unicast ?? BROADCAST_MAC);
  }

  private neighResolved(n: Neigh): void {
    const dev = this.devs.get(n.dev);
    const q = this.neigh.takeQueue(n) as Skb[];
    if (!dev || n.mac === null) return;
    for (const skb of q) this.xmitSkb(dev, n.mac, skb, true);
  }

  private neighFailed(n: Neigh, q: unknown[]): void {
    for (const s of q as Skb[]) {
      this.drop(s, `${this.hostname}: ARP for ${fmtIp(n.ip)} on ${n.dev} got no answer (host unreachable)`, 'arp-failed');
      if (s.inDev !== null) this.icmpError(s, IcmpType.DestUnreachable, IcmpUnreach.Host);
      else this.localUnreachable(s.ip);
    }
  }

  /** A locally generated packet could not be delivered: tell the socket (EHOSTUNREACH). */
  private localUnreachable(ip: Ipv4Repr): void {
    if (ip.payload.kind === 'tcp') this.tcp.hostUnreachable(ip, ip.payload, 'EHOSTUNREACH');
    else if (ip.payload.kind === 'icmp') {
      const err: IcmpRepr = { kind: 'icmp', type: IcmpType.DestUnreachable, code: IcmpUnreach.Host, rest: 0, payload: this.icmpQuote(ip) };
      const self: Ipv4Repr = { ...ip, src: ip.src, dst: ip.src, payload: err, protocol: IpProto.ICMP };
      for (const l of this.icmpListeners) l(self, err);
    } else if (ip.payload.kind === 'udp') this.udp.unreachable(ip, ip.payload, 'EHOSTUNREACH');
  }

  // ---- ICMP -------------------------------------------------------------------------------------

  private icmpRcv(skb: Skb, icmp: IcmpRepr, broadcast: boolean): void {
    const ip = skb.ip;
    for (const l of this.icmpListeners) l(ip, icmp);
    if (icmp.type === IcmpType.EchoRequest) {
      if (this.sysctl.get('net.ipv4.icmp_echo_ignore_all') === '1') return;
      if (broadcast && this.sysctl.get('net.ipv4.icmp_echo_ignore_broadcasts') === '1') return;
      const reply: IcmpRepr = { kind: 'icmp', type: IcmpType.EchoReply, code: 0, rest: icmp.rest, payload: icmp.payload };
      // The reply's source is the address the request was sent to (icmp_reply uses the route's spec_dst).
      const src = broadcast ? 0 : ip.dst;
      this.sendIp(ip.src, IpProto.ICMP, reply, { src: (src || undefined) as Ipv4Addr | undefined, df: false });
      return;
    }
    if (icmp.type === IcmpType.DestUnreachable || icmp.type === IcmpType.TimeExceeded) {
      // Tell the socket that sent the quoted packet.
      const inner = icmpUnquote(icmp.payload);
      if (!inner) return;
      const errno = icmp.type === IcmpType.TimeExceeded ? 'EHOSTUNREACH'
        : icmp.code === IcmpUnreach.Port ? 'ECONNREFUSED'
          : icmp.code === IcmpUnreach.Net ? 'ENETUNREACH'
            : icmp.code === IcmpUnreach.AdminProhibited ? 'EHOSTUNREACH' : 'EHOSTUNREACH';
      if (inner.protocol === IpProto.TCP) this.tcp.icmpError(inner, errno as NetErrno);
      else if (inner.protocol === IpProto.UDP) this.udp.icmpError(inner, errno as NetErrno);
    }
  }

  /** The original IP header plus 8 bytes of its payload, as an ICMP error quotes it. */
  icmpQuote(ip: Ipv4Repr): Uint8Array {
    return icmpQuote(ip);
  }

  /** icmp_send(): an error about `skb` back to its source (never about ICMP errors or broadcasts). */
  icmpError(skb: Skb, type: number, code: number): void {
    const ip = skb.ip;
    if (ip.payload.kind === 'icmp' && ip.payload.type !== IcmpType.EchoRequest && ip.payload.type !== IcmpType.EchoReply) return;
    if (ip.src === 0 || (ip.dst & 0xf0000000) >>> 0 === 0xe0000000 || ip.dst === 0xffffffff) return;
    if (ip.fragOffset) return;
    // Source: the address of the interface the packet came in on (icmp_errors_use_inbound_ifaddr=0
    // uses the outgoing route's source for the reply, which for a router is its address toward the sender).
    this.sendIcmp(ip.src, type, code, 0, this.icmpQuote(ip));
  }

  private sendIcmp(dst: Ipv4Addr, type: number, code: number, rest: number, payload: Uint8Array, oifDev?: Dev): void {
    const icmp: IcmpRepr = { kind: 'icmp', type, code, rest, payload };
    this.sendIp(dst, IpProto.ICMP, icmp, { tos: 0xc0, df: false, oif: oifDev?.name });
  }
}

export type HostEvent =
  | { kind: 'hostname' }
  | { kind: 'link'; dev: string; up?: boolean }
  | { kind: 'carrier'; dev: string; up: boolean }
  | { kind: 'addr'; dev: string }
  | { kind: 'route' }
  | { kind: 'power'; on: boolean }
  | { kind: 'module'; name: string };

