/**
 * The kernel modules of RHEL 9.4's kernel (5.14.0-427) that a lab touches: IPVS and its
 * schedulers, IPIP, conntrack, nftables/iptables pieces, plus the drivers a VMware VM has
 * loaded from boot. Each has its size (as lsmod prints it), its dependencies (modules.dep)
 * and the lines it prints to the kernel log when it loads or goes.
 *
 * `host.modules` holds what was loaded after boot (modprobe, or a subsystem loading what it
 * needs, as ipvsadm does with ip_vs); `loadedModules` adds the boot-time drivers and the
 * dependencies of whatever is loaded, so lsmod agrees with modprobe whoever loaded what.
 */
import type { Host } from '../net/host.ts';
import { KERNEL_RELEASE, setModuleMessages } from './systemd.ts';

export interface ModuleDef {
  readonly name: string;
  readonly size: number;
  readonly deps: readonly string[];
  readonly description: string;
  /** Kernel log lines on load and unload. */
  readonly onLoad?: readonly string[];
  readonly onUnload?: readonly string[];
  /** Loaded at boot (a driver of the VM's hardware, the root filesystem...). */
  readonly boot?: boolean;
  /** Users that are not modules (mounted filesystems, open devices): lsmod's count. */
  readonly users?: number;
}

const MODS = new Map<string, ModuleDef>();

function mod(name: string, size: number, deps: string[], description: string, extra: Partial<ModuleDef> = {}): void {
  MODS.set(name, { name, size, deps, description, ...extra });
}

const IPVS_SCHEDULERS: [string, string][] = [
  ['rr', 'round-robin'], ['wrr', 'weighted round-robin'], ['lc', 'least-connection'], ['wlc', 'weighted least-connection'],
  ['lblc', 'locality-based least-connection'], ['lblcr', 'locality-based least-connection with replication'],
  ['dh', 'destination hashing'], ['sh', 'source hashing'], ['sed', 'shortest expected delay'], ['nq', 'never queue'],
  ['fo', 'weighted failover'], ['ovf', 'weighted overflow'], ['mh', 'maglev hashing'],
];

mod('ip_vs', 237568, ['nf_conntrack', 'nf_defrag_ipv6', 'libcrc32c'], 'IP Virtual Server', {
  onLoad: ['IPVS: Registered protocols (TCP, UDP, SCTP, AH, ESP)', 'IPVS: Connection hash table configured (size=4096, memory=32Kbytes)', 'IPVS: ipvs loaded.'],
  onUnload: ['IPVS: ipvs unloaded.'],
});
for (const [s, what] of IPVS_SCHEDULERS) {
  mod(`ip_vs_${s}`, s === 'mh' || s === 'lblcr' || s === 'lblc' ? 16384 : 12288, ['ip_vs'], `ipvs ${what} scheduler`, {
    onLoad: [`IPVS: [${s}] scheduler registered.`], onUnload: [`IPVS: [${s}] scheduler unregistered.`],
  });
}
mod('ip_vs_ftp', 16384, ['ip_vs', 'nf_nat', 'nf_conntrack'], 'ipvs ftp helper');
mod('nf_conntrack', 188416, ['nf_defrag_ipv6', 'nf_defrag_ipv4', 'libcrc32c'], 'IPv4 and IPv6 connection tracking');
mod('nf_defrag_ipv4', 16384, [], 'IPv4 defragmentation support');
mod('nf_defrag_ipv6', 24576, [], 'IPv6 defragmentation support');
mod('nf_nat', 57344, ['nf_conntrack', 'libcrc32c'], 'Network address translation');
mod('nf_conntrack_netlink', 57344, ['nfnetlink', 'nf_conntrack'], 'List and change connection tracking table');
mod('ipip', 24576, ['tunnel4', 'ip_tunnel'], 'IPv4 and MPLS over IPv4 tunneling device', {
  onLoad: ['ipip: IPv4 and MPLS over IPv4 tunneling driver'],
});
mod('tunnel4', 16384, [], 'IPv4 tunnel protocol demultiplexer');
mod('ip_tunnel', 32768, [], 'IPv4 tunnel implementation library');
mod('nf_tables', 290816, ['nfnetlink', 'libcrc32c'], 'Framework for packet filtering and classification');
mod('nfnetlink', 20480, [], 'Netfilter messages via netlink socket');
mod('nft_compat', 20480, ['nf_tables', 'nfnetlink'], 'x_tables over nftables support');
mod('nft_chain_nat', 16384, ['nf_tables', 'nf_nat'], 'nftables network address translation support');
mod('nft_ct', 28672, ['nf_tables', 'nf_conntrack'], 'Netfilter nf_tables conntrack module');
mod('xt_MARK', 16384, [], 'Xtables: packet mark operations');
mod('xt_mark', 16384, [], 'Xtables: packet mark match');
mod('xt_multiport', 20480, [], 'Xtables: multiple port matching for TCP, UDP, UDP-Lite, SCTP and DCCP');
mod('xt_conntrack', 16384, ['nf_conntrack'], 'Xtables: connection tracking state match');
mod('xt_state', 16384, ['nf_conntrack'], 'ip[6]_tables connection tracking state match module');
mod('xt_tcpudp', 20480, [], 'Xtables: TCP, UDP and UDP-Lite match');
mod('xt_MASQUERADE', 16384, ['nf_nat'], 'Xtables: automatic-address SNAT');
mod('ipt_REJECT', 16384, ['nf_reject_ipv4'], 'Xtables: packet "rejection" target for IPv4');
mod('nf_reject_ipv4', 16384, [], 'IPv4 packet rejection core');
mod('iptable_filter', 16384, ['ip_tables'], 'iptables filter table');
mod('iptable_nat', 16384, ['ip_tables', 'nf_nat'], 'iptables legacy nat table');
mod('iptable_mangle', 16384, ['ip_tables'], 'iptables mangle table');
mod('ip_tables', 28672, [], 'IPv4 packet filter');
mod('dummy', 16384, [], 'Dummy netdevice driver which discards all packets sent to it');
mod('veth', 36864, [], 'Virtual Ethernet Tunnel');
mod('bridge', 380928, ['stp', 'llc'], 'Ethernet bridge driver');
mod('stp', 16384, ['llc'], 'Spanning tree protocol');
mod('llc', 16384, [], 'IEEE 802.2 LLC');
mod('br_netfilter', 32768, ['bridge'], 'Linux ethernet netfilter firewall bridge', { onLoad: ['bridge: filtering via arp/ip/ip6tables is no longer available by default. Update your scripts to load br_netfilter if you need this.'] });
mod('8021q', 45056, ['garp', 'mrp'], '802.1Q/802.1ad VLAN Protocol', { onLoad: ['8021q: 802.1Q VLAN Support v1.8'] });
mod('garp', 16384, ['stp', 'llc'], 'Generic Attribute Registration Protocol');
mod('mrp', 20480, [], 'Multiple Registration Protocol');
mod('bonding', 253952, [], 'Ethernet Channel Bonding Driver, v5.14.0-427.13.1.el9_4.x86_64', { onLoad: ['Ethernet Channel Bonding Driver: v5.14.0-427.13.1.el9_4.x86_64'] });
mod('tun', 61440, [], 'Universal TUN/TAP device driver', { onLoad: ['tun: Universal TUN/TAP device driver, 1.6'] });
mod('ip_gre', 36864, ['gre', 'ip_tunnel'], 'GRE over IPv4 tunneling device', { onLoad: ['gre: GRE over IPv4 demultiplexor driver', 'ip_gre: GRE over IPv4 tunneling driver'] });
mod('gre', 16384, [], 'GRE over IPv4 demultiplexer driver');

// Loaded from boot on a RHEL 9 VMware guest (lsmod on a fresh install), in /proc/modules order:
// [name, size, dependencies, users that are not modules].
const BOOT: [string, number, string[], number?][] = [
  ['rfkill', 36864, [], 1], ['intel_rapl_msr', 20480, ['intel_rapl_common']], ['intel_rapl_common', 36864, []],
  ['vmw_balloon', 28672, ['vmw_vmci']], ['rapl', 24576, []], ['pcspkr', 16384, []], ['vmw_vmci', 102400, []],
  ['i2c_piix4', 28672, []], ['joydev', 28672, []], ['xfs', 2396160, ['libcrc32c'], 2], ['libcrc32c', 16384, []],
  ['sr_mod', 28672, ['cdrom']], ['cdrom', 86016, []], ['sd_mod', 69632, ['t10_pi'], 3], ['t10_pi', 16384, []], ['sg', 45056, []],
  ['ata_generic', 16384, ['libata']], ['vmwgfx', 421888, ['drm_ttm_helper', 'ttm', 'drm_kms_helper', 'drm'], 1],
  ['drm_ttm_helper', 16384, ['ttm', 'drm']], ['ttm', 102400, ['drm']], ['ata_piix', 40960, ['libata']],
  ['mptspi', 28672, ['scsi_transport_spi', 'mptscsih', 'mptbase'], 2], ['crct10dif_pclmul', 16384, [], 1],
  ['crc32_pclmul', 16384, []], ['drm_kms_helper', 245760, ['drm']], ['scsi_transport_spi', 45056, []],
  ['libata', 454656, []], ['mptscsih', 53248, ['mptbase']], ['crc32c_intel', 24576, [], 1], ['ghash_clmulni_intel', 16384, []],
  ['drm', 737280, []], ['serio_raw', 16384, []], ['mptbase', 118784, []], ['e1000', 180224, []], ['dm_mirror', 28672, ['dm_region_hash', 'dm_log', 'dm_mod']],
  ['dm_region_hash', 24576, ['dm_log']], ['dm_log', 24576, ['dm_mod']], ['dm_mod', 212992, [], 9],
  ['fuse', 176128, [], 1],
];
for (const [name, size, deps, users] of BOOT) {
  MODS.set(name, { name, size, deps, description: name, boot: true, users: users ?? 0 });
}

export const BOOT_MODULES: readonly string[] = BOOT.map((b) => b[0]);

export function moduleDef(name: string): ModuleDef | undefined {
  return MODS.get(name.replace(/-/g, '_'));
}

export function allModules(): ModuleDef[] { return [...MODS.values()]; }

/** Modules in the order a modprobe loads them (dependencies first). */
export function loadOrder(name: string): string[] {
  const out: string[] = [];
  const visit = (n: string) => {
    if (out.includes(n)) return;
    const m = MODS.get(n);
    if (!m) return;
    for (const d of m.deps) visit(d);
    out.push(n);
  };
  visit(name.replace(/-/g, '_'));
  return out;
}

export interface LoadedModule {
  readonly def: ModuleDef;
  /** lsmod's "Used by" count and names. */
  readonly refcount: number;
  readonly holders: string[];
}

/**
 * What lsmod lists, newest first (/proc/modules order): what was loaded at run time (with
 * the dependencies it needed), then the boot-time drivers.
 */
export function loadedModules(h: Host): LoadedModule[] {
  const order: string[] = [];
  const add = (n: string) => {
    if (order.includes(n)) return;
    order.push(n);
  };
  const runtime = [...h.modules].reverse();
  for (const n of runtime) {
    const lo = loadOrder(n);
    // A module sits above its dependencies in /proc/modules.
    for (const x of lo.reverse()) if (!BOOT_MODULES.includes(x)) add(x);
  }
  for (const n of BOOT_MODULES) add(n);
  const loaded = new Set(order);
  return order.filter((n) => MODS.has(n)).map((n) => {
    const holders = order.filter((o) => MODS.get(o)?.deps.includes(n) && loaded.has(o));
    const def = MODS.get(n)!;
    return { def, refcount: holders.length + (def.users ?? 0), holders };
  });
}

export function isLoaded(h: Host, name: string): boolean {
  const n = name.replace(/-/g, '_');
  return loadedModules(h).some((m) => m.def.name === n);
}

export type ModprobeResult = { ok: true; loaded: string[] } | { ok: false; error: 'not-found' };

/** modprobe NAME: load it and what it needs (host.loadModule for each, so tunl0 appears with ipip). */
export function modprobe(h: Host, name: string): ModprobeResult {
  const n = name.replace(/-/g, '_');
  if (!MODS.has(n)) return { ok: false, error: 'not-found' };
  const loaded: string[] = [];
  for (const m of loadOrder(n)) {
    if (isLoaded(h, m) && h.modules.has(m)) continue;
    if (BOOT_MODULES.includes(m)) continue;
    if (!h.modules.has(m)) { h.loadModule(m); loaded.push(m); }
  }
  return { ok: true, loaded };
}

export type RmmodResult = { ok: true; removed: string[] } | { ok: false; error: 'not-found' | 'not-loaded' | 'in-use' | 'builtin'; holders?: string[] };

/** modprobe -r NAME (or rmmod NAME with deps=false): unload it, then its unused dependencies. */
export function modprobeRemove(h: Host, name: string, opts: { deps?: boolean } = {}): RmmodResult {
  const n = name.replace(/-/g, '_');
  const def = MODS.get(n);
  if (!def) return { ok: false, error: 'not-found' };
  const lm = loadedModules(h).find((m) => m.def.name === n);
  if (!lm) return { ok: false, error: 'not-loaded' };
  if (lm.refcount > 0) return { ok: false, error: 'in-use', holders: lm.holders };
  const removed: string[] = [];
  const drop = (m: string) => {
    if (h.modules.has(m)) h.unloadModule(m);
    removed.push(m);
  };
  drop(n);
  if (opts.deps ?? true) {
    let again = true;
    while (again) {
      again = false;
      for (const d of loadOrder(n).reverse()) {
        if (removed.includes(d) || BOOT_MODULES.includes(d)) continue;
        const x = loadedModules(h).find((m) => m.def.name === d);
        if (x && x.refcount === 0) { drop(d); again = true; }
      }
    }
  }
  return { ok: true, removed };
}

export const MODULE_DIR = `/lib/modules/${KERNEL_RELEASE}`;

setModuleMessages((name, loaded) => {
  const m = MODS.get(name);
  if (!m) return [];
  return (loaded ? m.onLoad : m.onUnload) ?? [];
});
