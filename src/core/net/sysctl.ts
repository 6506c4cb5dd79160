/**
 * A host's kernel parameters (/proc/sys), with the values a RHEL 9 VM boots with.
 *
 * Keys are dotted (`net.ipv4.conf.eth0.arp_ignore`); each device gets its own
 * `net.ipv4.conf.DEV.*` and `net.ipv4.neigh.DEV.*` copied from `default` when it appears,
 * as the kernel does. Writes are validated like the kernel's proc handlers (an out-of-range
 * value is EINVAL) and some have side effects (ip_forward sets every device's forwarding).
 * Effective per-device values that the kernel combines with `all` (arp_ignore, arp_announce,
 * rp_filter: the maximum of the two) are computed by `effective()`.
 *
 * `mount(vfs)` exposes the tree under /proc/sys as dynamic directories and files.
 */
import { FsError, type Inode, type Vfs } from '../fs/vfs.ts';

export interface SysctlEntry {
  get(): string;
  /** Throws FsError('EINVAL') for a bad value. Absent = read-only. */
  set?(v: string): void;
}

interface IntOpts { min?: number; max?: number; onSet?: (v: number) => void }

/** Per-interface IPv4 conf defaults on RHEL 9 (kernel defaults + systemd's 50-default.conf). */
export const CONF_DEFAULTS: Record<string, number> = {
  accept_local: 0, accept_redirects: 1, accept_source_route: 0, arp_accept: 0, arp_announce: 0,
  arp_evict_nocarrier: 1, arp_filter: 0, arp_ignore: 0, arp_notify: 0, bc_forwarding: 0, bootp_relay: 0,
  disable_policy: 0, disable_xfrm: 0, drop_gratuitous_arp: 0, drop_unicast_in_l2_multicast: 0,
  force_igmp_version: 0, forwarding: 0, igmpv2_unsolicited_report_interval: 10000,
  igmpv3_unsolicited_report_interval: 1000, ignore_routes_with_linkdown: 0, log_martians: 0,
  mc_forwarding: 0, medium_id: 0, promote_secondaries: 1, proxy_arp: 0, proxy_arp_pvlan: 0,
  route_localnet: 0, rp_filter: 1, secure_redirects: 1, send_redirects: 1, shared_media: 1,
  src_valid_mark: 0, tag: 0,
};
const CONF_RANGES: Record<string, [number, number]> = {
  arp_ignore: [0, 8], arp_announce: [0, 2], rp_filter: [0, 2], forwarding: [0, 1], arp_filter: [0, 1],
  proxy_arp: [0, 1], accept_local: [0, 1], log_martians: [0, 1], promote_secondaries: [0, 1],
};
/** systemd's 50-default.conf leaves conf.all.rp_filter at the kernel's 0 ("-net.ipv4.conf.all.rp_filter"). */
const ALL_OVERRIDES: Record<string, number> = { rp_filter: 0 };

export const NEIGH_DEFAULTS: Record<string, number> = {
  anycast_delay: 100, app_solicit: 0, base_reachable_time_ms: 30000, delay_first_probe_time: 5,
  gc_stale_time: 60, interval_probe_time_ms: 5000, locktime: 100, mcast_resolicit: 0, mcast_solicit: 3,
  proxy_delay: 80, proxy_qlen: 64, retrans_time_ms: 1000, ucast_solicit: 3, unres_qlen: 101,
  unres_qlen_bytes: 212992,
};

export class Sysctl {
  private readonly entries = new Map<string, SysctlEntry>();
  private sortedCache: string[] | null = null;
  private readonly conf = new Map<string, Map<string, number>>();
  private readonly neigh = new Map<string, Map<string, number>>();
  /** Called after any successful write (the host uses it to react, e.g. to update /proc views). */
  onChange: ((key: string) => void) | null = null;

  constructor(private readonly hostnameRef: { get(): string; set(v: string): void }) {
    this.defineStatic();
    this.addConf('all');
    this.addConf('default');
    this.addNeigh('default');
  }

  // ---- registry --------------------------------------------------------------------------

  define(key: string, e: SysctlEntry): void {
    this.entries.set(key, e);
    this.sortedCache = null;
    // The value a key has when it appears is what a reboot brings back (resetToDefaults).
    if (e.set && key !== 'kernel.hostname') this.initial.set(key, e.get());
  }

  /** Values of writable keys as they were defined (boot values), for resetToDefaults. */
  private readonly initial = new Map<string, string>();

  /**
   * Every writable key back to the value it had when defined: what a reboot does to
   * /proc/sys before systemd-sysctl applies the files again. kernel.hostname is left alone
   * (systemd sets it from /etc/hostname at boot).
   */
  resetToDefaults(): void {
    this.gen++;
    for (const [k, v] of this.initial) {
      const e = this.entries.get(k);
      if (!e?.set) continue;
      try { e.set(v); } catch { /* a key that no longer takes its old value: leave it */ }
    }
  }

  remove(prefix: string): void {
    for (const k of [...this.entries.keys()]) if (k === prefix || k.startsWith(prefix + '.')) this.entries.delete(k);
    this.sortedCache = null;
  }

  /** An integer parameter stored in a cell. */
  defineInt(key: string, initial: number, opts: IntOpts = {}): { value: number } {
    const cell = { value: initial };
    this.define(key, {
      get: () => String(cell.value),
      set: (v) => {
        const n = parseIntStrict(v);
        if (n === null || (opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
          throw new FsError('EINVAL', key);
        }
        cell.value = n;
        opts.onSet?.(n);
      },
    });
    return cell;
  }

  /** A read-only or free-text parameter. */
  defineText(key: string, get: () => string, set?: (v: string) => void): void {
    this.define(key, { get, set });
  }

  has(key: string): boolean { return this.entries.has(key); }

  get(key: string): string | undefined { return this.entries.get(key)?.get(); }

  /** Write a value; throws FsError ENOENT (no such key), EACCES (read-only), EINVAL (bad value). */
  set(key: string, value: string): void {
    const e = this.entries.get(key);
    if (!e) throw new FsError('ENOENT', key);
    if (!e.set) throw new FsError('EACCES', key);
    e.set(value.trim());
    this.gen++;
    this.onChange?.(key);
  }

  /** Bumped on every write, so hot paths can cache values they read per packet. */
  gen = 0;

  /** An integer value cached until the next write (for per-packet reads such as the default TTL). */
  intCached(key: string, dflt: number): number {
    if (this.cacheGen !== this.gen) { this.intCache.clear(); this.cacheGen = this.gen; }
    let v = this.intCache.get(key);
    if (v === undefined) {
      const n = Number(this.get(key));
      v = Number.isFinite(n) ? n : dflt;
      this.intCache.set(key, v);
    }
    return v;
  }
  private cacheGen = -1;
  private readonly intCache = new Map<string, number>();

  /** effective() cached until the next write. */
  effectiveCached(dev: string, key: string): number {
    if (this.effGen !== this.gen) { this.effCache.clear(); this.effGen = this.gen; }
    let m = this.effCache.get(dev);
    if (!m) { m = new Map(); this.effCache.set(dev, m); }
    let v = m.get(key);
    if (v === undefined) { v = this.effective(dev, key); m.set(key, v); }
    return v;
  }
  private effGen = -1;
  private readonly effCache = new Map<string, Map<string, number>>();

  /** All keys in the order `sysctl -a` prints them (the /proc/sys directory walk). */
  keys(): string[] {
    if (!this.sortedCache) {
      // Component-wise order ("net.ipv4.conf" before "net.ipv4.conf_x"): compare with the
      // separators turned into the lowest character.
      this.sortedCache = [...this.entries.keys()].map((k) => [k.replace(/\./g, '\u0000'), k] as const)
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((x) => x[1]);
    }
    return this.sortedCache;
  }

  // ---- per-device conf ------------------------------------------------------------------

  addConf(dev: string): void {
    if (this.conf.has(dev)) return;
    this.gen++;
    const src = this.conf.get('default');
    const m = new Map<string, number>();
    for (const [k, v] of Object.entries(CONF_DEFAULTS)) {
      m.set(k, src?.get(k) ?? (dev === 'all' && k in ALL_OVERRIDES ? ALL_OVERRIDES[k] : v));
    }
    if (dev === 'all' || dev === 'default') m.set('forwarding', this.conf.get('all')?.get('forwarding') ?? 0);
    this.conf.set(dev, m);
    for (const k of Object.keys(CONF_DEFAULTS)) {
      const key = `net.ipv4.conf.${dev}.${k}`;
      const [min, max] = CONF_RANGES[k] ?? [-2147483648, 2147483647];
      this.define(key, {
        get: () => String(m.get(k)),
        set: (v) => {
          const n = parseIntStrict(v);
          if (n === null || n < min || n > max) throw new FsError('EINVAL', key);
          if (k === 'forwarding' && dev === 'all') this.setForwarding(n);
          else m.set(k, n);
        },
      });
    }
    if (dev !== 'all' && dev !== 'default') this.addNeigh(dev);
  }

  removeDev(dev: string): void {
    this.gen++;
    this.conf.delete(dev);
    this.neigh.delete(dev);
    this.remove(`net.ipv4.conf.${dev}`);
    this.remove(`net.ipv4.neigh.${dev}`);
  }

  renameDev(from: string, to: string): void {
    this.gen++;
    const c = this.conf.get(from), n = this.neigh.get(from);
    this.removeDev(from);
    this.addConf(to);
    if (c) for (const [k, v] of c) this.conf.get(to)!.set(k, v);
    if (n) for (const [k, v] of n) this.neigh.get(to)!.set(k, v);
  }

  private addNeigh(dev: string): void {
    const src = this.neigh.get('default');
    const m = new Map<string, number>();
    for (const [k, v] of Object.entries(NEIGH_DEFAULTS)) m.set(k, src?.get(k) ?? v);
    this.neigh.set(dev, m);
    for (const k of Object.keys(NEIGH_DEFAULTS)) {
      const key = `net.ipv4.neigh.${dev}.${k}`;
      this.define(key, {
        get: () => String(m.get(k)),
        set: (v) => {
          const n = parseIntStrict(v);
          if (n === null || n < 0) throw new FsError('EINVAL', key);
          m.set(k, n);
        },
      });
    }
  }

  /** The raw value of net.ipv4.conf.DEV.KEY. */
  confValue(dev: string, key: string): number {
    return this.conf.get(dev)?.get(key) ?? this.conf.get('default')!.get(key) ?? 0;
  }

  /** The value the kernel acts on: max(all, dev) for arp_ignore/arp_announce/rp_filter/log_martians; dev's own otherwise. */
  effective(dev: string, key: string): number {
    const own = this.confValue(dev, key);
    if (key === 'arp_ignore' || key === 'arp_announce' || key === 'rp_filter' || key === 'log_martians'
      || key === 'arp_filter' || key === 'proxy_arp' || key === 'accept_local' || key === 'route_localnet') {
      return Math.max(own, this.confValue('all', key));
    }
    return own;
  }

  neighParam(dev: string, key: string): number {
    return this.neigh.get(dev)?.get(key) ?? this.neigh.get('default')!.get(key) ?? NEIGH_DEFAULTS[key] ?? 0;
  }

  /** net.ipv4.ip_forward and conf.all.forwarding write every device's forwarding (inet_forward_change). */
  private setForwarding(v: number): void {
    const b = v ? 1 : 0;
    this.ipForward.value = b;
    for (const m of this.conf.values()) m.set('forwarding', b);
  }

  private ipForward!: { value: number };

  get ipForwardOn(): boolean { return this.ipForward.value !== 0; }

  // ---- the static tree ---------------------------------------------------------------------

  private defineStatic(): void {
    this.ipForward = this.defineInt('net.ipv4.ip_forward', 0, { min: 0, max: 1, onSet: (v) => this.setForwarding(v) });
    const ints: [string, number, number?, number?][] = [
      ['net.ipv4.ip_forward_update_priority', 1, 0, 1],
      ['net.ipv4.ip_forward_use_pmtu', 0, 0, 1],
      ['net.ipv4.ip_default_ttl', 64, 1, 255],
      ['net.ipv4.ip_no_pmtu_disc', 0],
      ['net.ipv4.ip_nonlocal_bind', 0, 0, 1],
      ['net.ipv4.ip_dynaddr', 0],
      ['net.ipv4.ip_early_demux', 1, 0, 1],
      ['net.ipv4.icmp_echo_ignore_all', 0, 0, 1],
      ['net.ipv4.icmp_echo_ignore_broadcasts', 1, 0, 1],
      ['net.ipv4.icmp_ignore_bogus_error_responses', 1, 0, 1],
      ['net.ipv4.icmp_ratelimit', 1000, 0],
      ['net.ipv4.icmp_ratemask', 6168],
      ['net.ipv4.icmp_errors_use_inbound_ifaddr', 0, 0, 1],
      ['net.ipv4.tcp_syn_retries', 6, 1, 127],
      ['net.ipv4.tcp_synack_retries', 5, 0],
      ['net.ipv4.tcp_retries1', 3, 0],
      ['net.ipv4.tcp_retries2', 15, 0],
      ['net.ipv4.tcp_fin_timeout', 60, 0],
      ['net.ipv4.tcp_keepalive_time', 7200, 1],
      ['net.ipv4.tcp_keepalive_intvl', 75, 1],
      ['net.ipv4.tcp_keepalive_probes', 9, 1],
      ['net.ipv4.tcp_timestamps', 1, 0, 2],
      ['net.ipv4.tcp_sack', 1, 0, 1],
      ['net.ipv4.tcp_window_scaling', 1, 0, 1],
      ['net.ipv4.tcp_tw_reuse', 2, 0, 2],
      ['net.ipv4.tcp_max_syn_backlog', 512, 0],
      ['net.ipv4.tcp_max_tw_buckets', 16384, 0],
      ['net.ipv4.tcp_syncookies', 1, 0, 2],
      ['net.ipv4.tcp_ecn', 2, 0, 2],
      ['net.ipv4.tcp_mtu_probing', 0, 0, 2],
      ['net.ipv4.tcp_no_metrics_save', 0, 0, 1],
      ['net.ipv4.tcp_rfc1337', 0, 0, 1],
      ['net.ipv4.udp_early_demux', 1, 0, 1],
      ['net.ipv4.ping_group_range', 0],
      ['net.ipv4.ipfrag_time', 30, 0],
      ['net.ipv4.route.gc_timeout', 300, 0],
      ['net.ipv4.route.min_pmtu', 552, 68],
      ['net.ipv4.route.mtu_expires', 600, 0],
      ['net.core.somaxconn', 4096, 0],
      ['net.core.netdev_max_backlog', 1000, 0],
      ['net.core.rmem_default', 212992, 0],
      ['net.core.rmem_max', 212992, 0],
      ['net.core.wmem_default', 212992, 0],
      ['net.core.wmem_max', 212992, 0],
      ['net.netfilter.nf_conntrack_max', 262144, 0],
      ['net.ipv6.conf.all.disable_ipv6', 0, 0, 1],
      ['net.ipv6.conf.all.forwarding', 0, 0, 1],
      ['net.ipv6.conf.default.disable_ipv6', 0, 0, 1],
      ['kernel.panic', 0],
      ['kernel.pid_max', 4194304, 301],
      ['kernel.randomize_va_space', 2, 0, 2],
      ['kernel.sysrq', 16],
      ['kernel.threads-max', 30473, 20],
      ['kernel.printk_ratelimit', 5, 0],
      ['vm.swappiness', 60, 0, 200],
      ['vm.overcommit_memory', 0, 0, 2],
      ['vm.dirty_ratio', 30, 0, 100],
      ['vm.dirty_background_ratio', 10, 0, 100],
      ['vm.max_map_count', 65530, 0],
      ['fs.file-max', 9223372036854775807],
      ['fs.inotify.max_user_watches', 15015, 1],
      ['fs.protected_hardlinks', 1, 0, 1],
      ['fs.protected_symlinks', 1, 0, 1],
    ];
    for (const [k, v, min, max] of ints) this.defineInt(k, v, { min, max });
    const texts: [string, string][] = [
      ['net.ipv4.ip_local_port_range', '32768\t60999'],
      ['net.ipv4.tcp_congestion_control', 'cubic'],
      ['net.ipv4.tcp_available_congestion_control', 'reno cubic'],
      ['net.ipv4.tcp_rmem', '4096\t131072\t6291456'],
      ['net.ipv4.tcp_wmem', '4096\t16384\t4194304'],
      ['net.ipv4.tcp_mem', '21984\t29312\t43968'],
      ['kernel.ostype', 'Linux'],
      ['kernel.osrelease', '5.14.0-427.13.1.el9_4.x86_64'],
      ['kernel.version', '#1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024'],
      ['kernel.domainname', '(none)'],
      ['kernel.printk', '4\t4\t1\t7'],
      ['kernel.core_pattern', '|/usr/lib/systemd/systemd-coredump %P %u %g %s %t %c %h'],
      ['fs.file-nr', '1248\t0\t9223372036854775807'],
    ];
    for (const [k, v] of texts) {
      const cell = { v };
      const ro = k === 'kernel.ostype' || k === 'kernel.osrelease' || k === 'kernel.version' || k === 'fs.file-nr'
        || k === 'net.ipv4.tcp_available_congestion_control';
      this.defineText(k, () => cell.v, ro ? undefined : (x) => { cell.v = x.replace(/\s+/g, '\t'); });
    }
    this.defineText('kernel.hostname', () => this.hostnameRef.get(), (v) => {
      if (v.length > 64) throw new FsError('EINVAL', 'kernel.hostname');
      this.hostnameRef.set(v);
    });
  }

  // ---- /proc/sys -------------------------------------------------------------------------------

  /** Mount the tree at /proc/sys of `vfs` (a dynamic view: new keys appear at once). */
  mount(vfs: Vfs): void {
    const dirFor = (prefix: string): Inode => vfs.dynDirNode({
      list: () => {
        const names = new Set<string>();
        const p = prefix ? prefix + '.' : '';
        for (const k of this.keys()) {
          if (!k.startsWith(p)) continue;
          const rest = k.slice(p.length);
          const dot = rest.indexOf('.');
          names.add(dot < 0 ? rest : rest.slice(0, dot));
        }
        return [...names];
      },
      get: (name) => {
        const key = prefix ? `${prefix}.${name}` : name;
        if (name.includes('.')) return undefined;
        if (this.entries.has(key)) {
          const e = this.entries.get(key)!;
          return vfs.procNode({
            read: () => e.get() + '\n',
            write: e.set ? (data: string) => this.set(key, data) : undefined,
          });
        }
        const p = key + '.';
        for (const k of this.keys()) if (k.startsWith(p)) return dirFor(key);
        return undefined;
      },
    });
    vfs.mkdir('/proc', { parents: true });
    vfs.mount('/proc/sys', dirFor(''));
  }
}

function parseIntStrict(v: string): number | null {
  const s = v.trim();
  if (!/^-?\d+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) || /^-?\d+$/.test(s) ? n : null;
}

