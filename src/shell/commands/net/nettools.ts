/**
 * net-tools 2.0 (RHEL 9: net-tools-2.0-0.62.20160912git.el9): ifconfig, route, arp and
 * netstat, as the LVS-DR tutorials use them on the real servers. They drive the same kernel
 * `ip` does, the way net-tools does it: through the old ioctls, whose semantics (alias
 * labels, classful default masks, SIOCSIFFLAGS on an alias deleting it, `dev lo:0` meaning
 * lo with the alias's address as preferred source) come from net/ipv4/devinet.c and
 * fib_frontend.c, and the texts and layouts from net-tools' ifconfig.c, lib/interface.c,
 * route.c, lib/inet_sr.c, lib/inet_gr.c, arp.c and netstat.c.
 */
import type { Dev, IfAddr } from '../../../core/net/dev.ts';
import type { Host } from '../../../core/net/host.ts';
import type { Route } from '../../../core/net/route.ts';
import type { Vfs } from '../../../core/fs/vfs.ts';
import { fmtIp, fmtMac, maskPrefix, parseMac, prefixMask, type Ipv4Addr } from '../../../core/wire/types.ts';
import type { CmdContext, Co, Command } from '../../types.ts';
import { linkLocal } from './ip.ts';
import { defaultGateways, parseInetAton, resolveHost, reverseHost } from './resolve.ts';

// ---- shared ---------------------------------------------------------------------------------------

const IFF = { UP: 0x1, BROADCAST: 0x2, LOOPBACK: 0x8, RUNNING: 0x40, NOARP: 0x80, PROMISC: 0x100, MULTICAST: 0x1000 } as const;

/** A name the old ioctls accept: "eth0" or an alias "eth0:1" (the device is the part before ':'). */
function baseName(name: string): string { const i = name.indexOf(':'); return i < 0 ? name : name.slice(0, i); }

function devFlags(d: Dev): number {
  let f = 0;
  if (d.up) f |= IFF.UP;
  if (d.kind === 'ether') f |= IFF.BROADCAST | IFF.MULTICAST;
  if (d.kind === 'loopback') f |= IFF.LOOPBACK;
  if (d.kind === 'ipip') f |= IFF.NOARP;
  if (d.up && d.carrier) f |= IFF.RUNNING;
  if (d.promisc) f |= IFF.PROMISC;
  return f;
}

/** The address the kernel's devinet_ioctl picks for a label: the first in its list (primaries come first). */
function ifaFor(d: Dev, label: string): IfAddr | undefined {
  const mine = (a: IfAddr) => (a.label ?? d.name) === label;
  return d.addrs.find((a) => mine(a) && !a.secondary) ?? d.addrs.find(mine);
}

/** inet_aton, then /etc/networks (getnetbyname), then /etc/hosts; "default" is 0.0.0.0 as a network. */
function inetResolve(fs: Vfs, name: string, hostFirst: boolean): { addr: Ipv4Addr; net: boolean } | null {
  if (name === 'default') return { addr: 0 as Ipv4Addr, net: true };
  const lit = parseInetAton(name);
  if (lit !== null) return { addr: lit, net: false };
  if (hostFirst) { const h = resolveHost(fs, name); if (h !== null) return { addr: h, net: false }; }
  const n = networks(fs).find((x) => x.name === name);
  if (n) return { addr: n.addr, net: true };
  if (hostFirst) return null;
  const h = resolveHost(fs, name);
  return h === null ? null : { addr: h, net: false };
}

function networks(fs: Vfs): { name: string; addr: Ipv4Addr }[] {
  let text = '';
  try { text = fs.readFile('/etc/networks'); } catch { return []; }
  const out: { name: string; addr: Ipv4Addr }[] = [];
  for (const line of text.split('\n')) {
    const t = line.replace(/#.*/, '').trim().split(/\s+/);
    if (t.length < 2) continue;
    // getnetbyname: "loopback 127" and "loopback 127.0.0.0" both mean 127.0.0.0
    const parts = t[1].split('.').map(Number);
    if (parts.some((p) => !(p >= 0 && p <= 255)) || parts.length > 4) continue;
    while (parts.length < 4) parts.push(0);
    out.push({ name: t[0], addr: ((parts[0] << 24 | parts[1] << 16 | parts[2] << 8 | parts[3]) >>> 0) as Ipv4Addr });
  }
  return out;
}

/** INET_rresolve: numeric, or "default"/"*" for 0.0.0.0/0, /etc/hosts for hosts, /etc/networks for networks. */
function rresolve(fs: Vfs, addr: number, numeric: boolean, mask: number, asHost: boolean, dflt: boolean, gws: readonly number[] = []): string {
  if (numeric) return fmtIp(addr);
  if (addr === 0) return mask === 0 ? (dflt ? 'default' : '*') : '0.0.0.0';
  if ((addr & ~mask) !== 0 || asHost) return reverseHost(fs, addr, gws) ?? fmtIp(addr);
  return networks(fs).find((n) => n.addr === addr)?.name ?? fmtIp(addr);
}

const validMask = (m: number): boolean => { const inv = (~m) >>> 0; return (inv & (inv + 1)) === 0; };

// ---- ifconfig -------------------------------------------------------------------------------------

const IFCONFIG_USAGE = `Usage:
  ifconfig [-a] [-v] [-s] <interface> [[<AF>] <address>]
  [add <address>[/<prefixlen>]]
  [del <address>[/<prefixlen>]]
  [[-]broadcast [<address>]]  [[-]pointopoint [<address>]]
  [netmask <address>]  [dstaddr <address>]  [tunnel <address>]
  [outfill <NN>] [keepalive <NN>]
  [hw <HW> <address>]  [mtu <NN>]
  [[-]trailers]  [[-]arp]  [[-]allmulti]
  [multicast]  [[-]promisc]
  [mem_start <NN>]  [io_addr <NN>]  [irq <NN>]  [media <type>]
  [txqueuelen <NN>]
  [[-]dynamic]
  [up|down] ...

  <HW>=Hardware Type.
  List of possible hardware types:
    loop (Local Loopback) slip (Serial Line IP) cslip (VJ Serial Line IP) 
    slip6 (6-bit Serial Line IP) cslip6 (VJ 6-bit Serial Line IP) adaptive (Adaptive Serial Line IP) 
    ash (Ash) ether (Ethernet) ax25 (AMPR AX.25) 
    netrom (AMPR NET/ROM) rose (AMPR ROSE) tunnel (IPIP Tunnel) 
    ppp (Point-to-Point Protocol) hdlc ((Cisco)-HDLC) lapb (LAPB) 
    arcnet (ARCnet) dlci (Frame Relay DLCI) frad (Frame Relay Access Device) 
    sit (IPv6-in-IPv4) fddi (Fiber Distributed Data Interface) hippi (HIPPI) 
    irda (IrLAP) ec (Econet) x25 (generic X.25) 
    eui64 (Generic EUI-64) 
  <AF>=Address family. Default: inet
  List of possible address families:
    unix (UNIX Domain) inet (DARPA Internet) inet6 (IPv6) 
    ax25 (AMPR AX.25) netrom (AMPR NET/ROM) rose (AMPR ROSE) 
    ipx (Novell IPX) ddp (Appletalk DDP) ec (Econet) 
    ash (Ash) x25 (CCITT X.25) 
`;

const AF_NAMES = ['unix', 'local', 'inet', 'inet6', 'ax25', 'netrom', 'rose', 'ipx', 'ddp', 'ec', 'ash', 'x25'];

/** net-tools' nstrcmp: names compare with their trailing numbers and ":N" alias suffixes as numbers. */
function nstrcmp(a: string, b: string): number {
  const split = (s: string) => {
    const m = /^(.*?)(?::(\d+))?$/.exec(s)!;
    const alias = m[2] !== undefined ? Number(m[2]) : -1;
    const body = m[2] !== undefined ? m[1] : s;
    const n = /^(.*?)(\d*)$/.exec(body)!;
    return { stem: n[1], num: n[2] === '' ? 0 : Number(n[2]), body, alias };
  };
  const x = split(a), y = split(b);
  if (x.stem !== y.stem) return x.stem < y.stem ? -1 : 1;
  if (x.num !== y.num) return x.num - y.num;
  if (x.body !== y.body) return x.body < y.body ? -1 : 1;
  return x.alias - y.alias;
}

function humanBytes(n: number): string {
  const units: [number, string][] = [[1125899906842624, 'PiB'], [1099511627776, 'TiB'], [1073741824, 'GiB'], [1048576, 'MiB'], [1024, 'KiB']];
  for (const [lim, u] of units) {
    if (n > lim) { const t = Math.floor(n * 10 / lim); return `${Math.floor(t / 10)}.${t % 10} ${u}`; }
  }
  return `${n}.0 B`;
}

function flagWords(f: number): string {
  const names: [number, string][] = [[IFF.UP, 'UP'], [IFF.BROADCAST, 'BROADCAST'], [IFF.LOOPBACK, 'LOOPBACK'], [IFF.RUNNING, 'RUNNING'],
    [IFF.NOARP, 'NOARP'], [IFF.PROMISC, 'PROMISC'], [IFF.MULTICAST, 'MULTICAST']];
  const w = names.filter(([b]) => f & b).map(([, n]) => n);
  return f === 0 ? `flags=0<` : `flags=${f}<${w.join(',')}>`;
}

/** ife_print_long for one name (a device or an alias label). */
function ifaceLong(d: Dev, name: string): string {
  const flags = devFlags(d);
  let s = `${name}: ${flagWords(flags)}  mtu ${d.mtu}\n`;
  const a = ifaFor(d, name);
  if (a) {
    s += `        inet ${fmtIp(a.addr)}  netmask ${fmtIp(prefixMask(a.prefix))}`;
    if (flags & IFF.BROADCAST) s += `  broadcast ${fmtIp(a.brd ?? 0)}`;
    s += '\n';
  }
  if (name === d.name) {
    if (d.kind === 'loopback' && d.up) s += '        inet6 ::1  prefixlen 128  scopeid 0x10<host>\n';
    else if (d.kind === 'ether' && d.running) s += `        inet6 ${linkLocal(d.mac)}  prefixlen 64  scopeid 0x20<link>\n`;
  }
  if (d.kind === 'ether') s += `        ether ${fmtMac(d.mac)}  txqueuelen 1000  (Ethernet)\n`;
  else if (d.kind === 'loopback') s += '        loop  txqueuelen 1000  (Local Loopback)\n';
  else s += '        tunnel   txqueuelen 1000  (IPIP Tunnel)\n';
  if (name === d.name) {
    const st = d.stats;
    s += `        RX packets ${st.rxPackets}  bytes ${st.rxBytes} (${humanBytes(st.rxBytes)})\n`;
    s += `        RX errors 0  dropped ${st.rxDropped}  overruns 0  frame 0\n`;
    s += `        TX packets ${st.txPackets}  bytes ${st.txBytes} (${humanBytes(st.txBytes)})\n`;
    s += `        TX errors 0  dropped ${st.txDropped} overruns 0  carrier 0  collisions 0\n`;
  }
  return s + '\n';
}

function ifaceShort(d: Dev, name: string): string {
  const f = devFlags(d);
  let s = name.slice(0, 8).padEnd(8) + ' ' + String(d.mtu).padStart(5) + ' ';
  if (name === d.name) {
    const st = d.stats;
    s += `${String(st.rxPackets).padStart(8)} ${'0'.padStart(6)} ${String(st.rxDropped).padStart(6)} ${'0'.padEnd(6)} `;
    s += `${String(st.txPackets).padStart(8)} ${'0'.padStart(6)} ${String(st.txDropped).padStart(6)} ${'0'.padStart(6)} `;
  } else s += '     - no statistics available -'.padEnd(56);
  if (f & IFF.BROADCAST) s += 'B';
  if (f & IFF.LOOPBACK) s += 'L';
  if (f & IFF.MULTICAST) s += 'M';
  if (f & IFF.PROMISC) s += 'P';
  if (f & IFF.NOARP) s += 'O';
  if (f & IFF.RUNNING) s += 'R';
  if (f & IFF.UP) s += 'U';
  return s + '\n';
}

/** Every name `ifconfig` lists: the devices (/proc/net/dev) and the address labels (SIOCGIFCONF). */
function ifNames(h: Host): string[] {
  const names = new Set<string>();
  for (const d of h.devs.values()) {
    names.add(d.name);
    for (const a of d.addrs) names.add(a.label ?? d.name);
  }
  return [...names].sort(nstrcmp);
}

class Ifc {
  err = 0;
  constructor(readonly ctx: CmdContext, readonly h: Host) {}
  say(s: string): void { this.ctx.stderr.write(s + '\n'); }

  /** SIOCGIFFLAGS: the device's flags (an alias name is its device's). */
  getFlags(name: string, what = 'getting'): number | null {
    const d = this.h.dev(baseName(name));
    if (!d) { this.say(`${name}: ERROR while ${what} interface flags: No such device`); return null; }
    return devFlags(d);
  }

  /** SIOCSIFFLAGS: on an alias, clearing UP deletes its address; on a device, dev_change_flags. */
  setFlags(name: string, flags: number): boolean {
    const d = this.h.dev(baseName(name))!;
    if (name.includes(':')) {
      const a = ifaFor(d, name);
      if (!a) { this.say('SIOCSIFFLAGS: Cannot assign requested address'); return false; }
      if (!(flags & IFF.UP)) delAddr(this.h, d, a);
      return true;
    }
    if (!!(flags & IFF.UP) !== d.up) this.h.setLinkUp(d.name, !!(flags & IFF.UP));
    if (!!(flags & IFF.PROMISC) !== d.promisc) d.promisc = !!(flags & IFF.PROMISC);
    return true;
  }

  setFlag(name: string, flag: number): void {
    const f = this.getFlags(name);
    if (f === null || !this.setFlags(name, f | flag)) this.err = -1;
  }

  clrFlag(name: string, flag: number): void {
    const f = this.getFlags(name);
    if (f === null || !this.setFlags(name, f & ~flag)) this.err = -1;
  }

  /** SIOCSIFADDR (devinet_ioctl): a new address gets its class's mask and, on a broadcast device, the matching broadcast. */
  setAddr(name: string, addr: Ipv4Addr): boolean {
    const d = this.h.dev(baseName(name));
    if (!d) { this.say('SIOCSIFADDR: No such device'); return false; }
    const abc = inetAbcLen(addr);
    if (abc < 0) { this.say('SIOCSIFADDR: Invalid argument'); return false; }
    const old = ifaFor(d, name);
    if (old && old.addr === addr) return true;
    if (old) delAddr(this.h, d, old);
    if (addr === 0) return true; // inet_insert_ifa drops an address of 0.0.0.0: the alias is gone
    const brd = d.kind === 'ether' && abc < 31 ? ((addr | ~prefixMask(abc)) >>> 0) as Ipv4Addr : null;
    this.h.addAddr(d.name, addr, abc, { brd, label: name.includes(':') || name !== d.name ? name : undefined, owner: 'manual' });
    return true;
  }

  setNetmask(name: string, mask: number): boolean {
    const d = this.h.dev(baseName(name));
    if (!d) { this.say('SIOCSIFNETMASK: No such device'); return false; }
    const a = ifaFor(d, name);
    if (!a) { this.say('SIOCSIFNETMASK: Cannot assign requested address'); return false; }
    if (!validMask(mask)) { this.say('SIOCSIFNETMASK: Invalid argument'); return false; }
    const prefix = maskPrefix(mask);
    if (prefix === a.prefix) return true;
    let brd = a.brd;
    if (d.kind === 'ether' && prefix < 31 && (brd ?? 0) === ((a.addr | ~prefixMask(a.prefix)) >>> 0)) brd = ((a.addr | ~mask) >>> 0) as Ipv4Addr;
    this.h.delAddr(d.name, a.addr, a.prefix);
    this.h.addAddr(d.name, a.addr, prefix, { brd, scope: a.scope, label: a.label, owner: a.owner, noprefixroute: a.noprefixroute });
    return true;
  }

  setBroadcast(name: string, brd: Ipv4Addr): boolean {
    const d = this.h.dev(baseName(name));
    if (!d) { this.say('SIOCSIFBRDADDR: No such device'); return false; }
    const a = ifaFor(d, name);
    if (!a) { this.say('SIOCSIFBRDADDR: Cannot assign requested address'); return false; }
    if ((a.brd ?? 0) !== brd) { a.brd = brd === 0 ? null : brd; this.h.invalidate(); this.h.emit({ kind: 'addr', dev: d.name }); }
    return true;
  }
}

/** inet_del_ifa (the kernel flushes the routes that had it as preferred source, `route add -host VIP dev lo:0`). */
function delAddr(h: Host, d: Dev, a: IfAddr): void {
  h.delAddr(d.name, a.addr, a.prefix);
}

/** inet_abc_len: the classful prefix length of an address, -1 for multicast. */
function inetAbcLen(a: number): number {
  if (a === 0 || (a >>> 24) === 0 || a === 0xffffffff) return 0;
  const top = a >>> 24;
  if (top < 128) return 8;
  if (top < 192) return 16;
  if (top < 224) return 24;
  if (top < 240) return -1;
  return 32;
}

export const ifconfigCommand: Command = {
  name: 'ifconfig',
  pkg: 'net-tools',
  path: '/usr/sbin/ifconfig',
  *run(ctx: CmdContext): Co<number> {
    const h = ctx.host.kernel;
    const args = ctx.argv.slice(1);
    let all = false, short = false;
    while (args.length && args[0].startsWith('-')) {
      const o = args.shift()!;
      if (o === '-a') all = true;
      else if (o === '-s') short = true;
      else if (o === '-v') { /* verbose */ }
      else if (o === '-V' || o === '-version' || o === '--version') { ctx.stderr.write('net-tools 2.10-alpha\n'); return 0; }
      else if (o === '-?' || o === '-h' || o === '-help' || o === '--help') { ctx.stderr.write(IFCONFIG_USAGE); return 0; }
      else { ctx.stderr.write(`ifconfig: option \`${o}' not recognised.\nifconfig: \`--help' gives usage information.\n`); return 1; }
    }
    const head = short ? 'Iface      MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n' : '';
    const print = (d: Dev, name: string) => (short ? ifaceShort(d, name) : ifaceLong(d, name));
    if (args.length === 0) {
      let out = head;
      for (const name of ifNames(h)) {
        const d = h.dev(baseName(name))!;
        if (d.up || all) out += print(d, name);
      }
      ctx.stdout.write(out);
      return 0;
    }
    const name = args.shift()!.slice(0, 15);
    if (args.length === 0) {
      const d = h.dev(baseName(name));
      if (!d) { ctx.stdout.write(head); ctx.stderr.write(`${name}: error fetching interface information: Device not found\n`); return 1; }
      ctx.stdout.write(head + print(d, name));
      return 0;
    }
    const c = new Ifc(ctx, h);
    if (AF_NAMES.includes(args[0])) {
      const af = args.shift()!;
      if (af !== 'inet') { ctx.stderr.write(`ifconfig: only the inet address family is simulated in this lab.\n`); return 1; }
    }
    let didNetmask = false;
    let needMask: number | null = null;
    const usage = (): number => { ctx.stderr.write(IFCONFIG_USAGE); return 0; };
    const unknownHost = (x: string) => { ctx.stderr.write(`${x}: Unknown host\n`); c.err = 1; };
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      const flagOp: Record<string, [number, boolean]> = { up: [IFF.UP | IFF.RUNNING, true], down: [IFF.UP, false], promisc: [IFF.PROMISC, true], '-promisc': [IFF.PROMISC, false] };
      if (flagOp[a]) {
        const [bit, set] = flagOp[a];
        if (set) c.setFlag(name, bit); else c.clrFlag(name, bit);
        if (a === '-promisc' && h.dev(baseName(name))?.promisc) ctx.stderr.write(`Warning: Interface ${name} still in promisc mode... maybe other application is running?\n`);
        continue;
      }
      if (['arp', 'trailers', '-trailers', 'multicast', 'allmulti', '-allmulti', 'dynamic', '-dynamic'].includes(a)) {
        if (c.getFlags(name) === null) c.err = -1;
        continue;
      }
      if (['-arp', '-multicast', '-broadcast', 'pointopoint', '-pointopoint', 'dstaddr', 'tunnel', 'outfill', 'keepalive', 'mem_start', 'io_addr', 'irq', 'media', 'port'].includes(a)) {
        ctx.stderr.write(`ifconfig: '${a}' is not simulated in this lab.\n`);
        return 1;
      }
      if (a === 'mtu' || a === 'txqueuelen') {
        const v = args[++i];
        if (v === undefined) return usage();
        const d = h.dev(baseName(name));
        const op = a === 'mtu' ? 'SIOCSIFMTU' : 'SIOCSIFTXQLEN';
        if (!d) { ctx.stderr.write(`${op}: No such device\n`); c.err = 1; continue; }
        if (a === 'mtu') {
          const n = parseInt(v, 10) || 0;
          const max = d.kind === 'loopback' ? 65536 : d.kind === 'ipip' ? 65515 : 9000;
          if (n < 68 || n > max) { ctx.stderr.write('SIOCSIFMTU: Invalid argument\n'); c.err = 1; continue; }
          d.mtu = n;
        }
        continue;
      }
      if (a === 'netmask') {
        const v = args[++i];
        if (v === undefined || didNetmask) return usage();
        const r = inetResolve(ctx.fs, v, false);
        if (!r) { unknownHost(v); continue; }
        didNetmask = true;
        if (!c.setNetmask(name, r.addr)) c.err = 1;
        continue;
      }
      if (a === 'broadcast') {
        const v = args[i + 1];
        if (v !== undefined) {
          i++;
          const r = inetResolve(ctx.fs, v, false);
          if (!r) { unknownHost(v); continue; }
          if (!c.setBroadcast(name, r.addr)) c.err = 1;
        }
        c.setFlag(name, IFF.BROADCAST);
        continue;
      }
      if (a === 'hw') {
        const type = args[++i];
        if (type === undefined) return usage();
        if (type !== 'ether') return usage();
        const v = args[++i];
        if (v === undefined) return usage();
        const m = parseMac(v);
        if (m === null) { ctx.stderr.write(`${v}: invalid ether address.\n`); c.err = 1; continue; }
        const d = h.dev(baseName(name));
        if (!d) { ctx.stderr.write('SIOCSIFHWADDR: No such device\n'); c.err = 1; continue; }
        d.mac = m;
        continue;
      }
      if (a === 'add' || a === 'del') {
        const v = args[++i];
        if (v === undefined) return usage();
        if (v.includes(':')) { ctx.stderr.write('ifconfig: IPv6 addresses are not simulated in this lab.\n'); c.err = 1; continue; }
        const r = inetResolve(ctx.fs, v, false);
        if (!r) { unknownHost(v); continue; }
        setIfstate(c, name, r.addr, a === 'add');
        continue;
      }
      // an address (optionally ADDR/LEN)
      let host = a;
      const slash = host.indexOf('/');
      if (slash >= 0) {
        const p = host.slice(slash + 1);
        if (!/^(0x[0-9a-f]+|\d+)$/i.test(p)) return usage();
        const n = Number(p);
        if (didNetmask) return usage();
        needMask = n >= 32 ? 0xffffffff : (~(0xffffffff >>> n)) >>> 0;
        host = host.slice(0, slash);
      }
      const r = inetResolve(ctx.fs, host, false);
      if (!r) { ctx.stderr.write(`${host}: Unknown host\nifconfig: \`--help' gives usage information.\n`); return 1; }
      if (!c.setAddr(name, r.addr)) c.err = 1;
      const bringUp = !(name.includes(':') && (name.endsWith('-') || r.addr === 0));
      if (bringUp) c.setFlag(name, IFF.UP | IFF.RUNNING);
    }
    if (needMask !== null && !c.setNetmask(name, needMask)) c.err = 1;
    return c.err < 0 ? 255 : c.err;
  },
};

/** ifconfig IF add|del ADDR (set_ifstate): find the alias IF:N holding ADDR, or make IF:N with the first free N. */
function setIfstate(c: Ifc, parent: string, addr: Ipv4Addr, up: boolean): void {
  const h = c.h;
  const pd = h.dev(baseName(parent));
  if (!pd) { c.ctx.stderr.write(`${parent}: error fetching interface information: Device not found\n`); return; }
  const pa = ifaFor(pd, parent);
  const used = new Set<number>();
  for (const name of ifNames(h)) {
    if (!name.startsWith(parent)) continue;
    const z = name.indexOf(':');
    if (z < 0) continue;
    used.add(parseInt(name.slice(z + 1), 10) || 0);
    const d = h.dev(baseName(name))!;
    if (ifaFor(d, name)?.addr === addr) {
      if (up) c.setFlag(name, IFF.UP | IFF.RUNNING); else c.clrFlag(name, IFF.UP);
      return;
    }
  }
  let n = 0;
  while (used.has(n)) n++;
  if (n >= 256) return;
  const alias = `${parent}:${n}`;
  if (!c.setAddr(alias, addr)) return;
  if (pa) c.setNetmask(alias, prefixMask(pa.prefix));
  c.setBroadcast(alias, (pa?.brd ?? 0) as Ipv4Addr);
  c.setFlag(alias, IFF.BROADCAST);
}

// ---- route ----------------------------------------------------------------------------------------

const ROUTE_USAGE = `Usage: route [-nNvee] [-FC] [<AF>]           List kernel routing tables
       route [-v] [-FC] {add|del|flush} ...  Modify routing table for AF.

       route {-h|--help} [<AF>]              Detailed usage syntax for specified AF.
       route {-V|--version}                  Display version/author and exit.

        -v, --verbose            be verbose
        -n, --numeric            don't resolve names
        -e, --extend             display other/more information
        -F, --fib                display Forwarding Information Base (default)
        -C, --cache              display routing cache instead of FIB

  <AF>=Use -4, -6, '-A <af>' or '--<af>'; default: inet
  List of possible address families (which support routing):
    inet (DARPA Internet) inet6 (IPv6) ax25 (AMPR AX.25) 
    netrom (AMPR NET/ROM) ipx (Novell IPX) ddp (Appletalk DDP) 
    x25 (CCITT X.25) 
`;

const INET_ROUTE_USAGE = `Usage: inet_route [-vF] del {-host|-net} Target[/prefix] [gw Gw] [metric M] [[dev] If]
       inet_route [-vF] add {-host|-net} Target[/prefix] [gw Gw] [metric M]
                              [netmask N] [mss Mss] [window W] [irtt I]
                              [mod] [dyn] [reinstate] [[dev] If]
       inet_route [-vF] add {-host|-net} Target[/prefix] [metric M] reject
       inet_route [-FC] flush      NOT supported
`;

/** The main table as /proc/net/route lists it (device routes of devices that are down are gone). */
function procRoutes(h: Host): Route[] {
  return h.routes.routes.filter((r) => r.dev === null || h.dev(r.dev)?.up);
}

/** rprint_fib: `route`, `route -n`, `route -e`, `route -ee`, `netstat -r[n][e]`. */
export function routeTable(h: Host, fs: Vfs, numeric: boolean, ext: number): string {
  let s = 'Kernel IP routing table\n';
  if (ext === 1) s += 'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface\n';
  if (ext === 2) s += 'Destination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n';
  if (ext >= 3) s += 'Destination     Gateway         Genmask         Flags Metric Ref    Use Iface    MSS   Window irtt\n';
  const gws = numeric ? [] : defaultGateways(h);
  for (const r of procRoutes(h)) {
    const mask = prefixMask(r.prefix) >>> 0;
    const hostRoute = r.prefix === 32;
    const reject = r.type === 'unreachable' || r.type === 'prohibit';
    let flags = reject ? '!' : 'U';
    if (r.gw !== null && !reject) flags += 'G';
    if (hostRoute) flags += 'H';
    const dst = rresolve(fs, r.dst, numeric, mask, hostRoute, true, gws).slice(0, 15);
    const gw = (r.gw === null ? '0.0.0.0' : rresolve(fs, r.gw, numeric, 0xffffff00, true, false, gws)).slice(0, 15);
    const gm = fmtIp(mask);
    const metric = r.metric ?? 0;
    const iface = r.dev ?? '*';
    const p = (x: string, n: number) => x.padEnd(n);
    if (ext === 1) {
      s += reject ? `${p(dst, 15)} -               ${p(gm, 15)} ${p(flags, 5)} ${p(String(metric), 6)} -  ${'0'.padStart(7)} -\n`
        : `${p(dst, 15)} ${p(gw, 15)} ${p(gm, 15)} ${p(flags, 5)} ${p(String(metric), 6)} ${p('0', 2)} ${'0'.padStart(7)} ${iface}\n`;
    } else if (ext === 2) {
      s += reject ? `${p(dst, 15)} -               ${p(gm, 15)} ${p(flags, 5)}     - -          - -\n`
        : `${p(dst, 15)} ${p(gw, 15)} ${p(gm, 15)} ${p(flags, 5)} ${'0'.padStart(5)} ${p('0', 5)} ${'0'.padStart(6)} ${iface}\n`;
    } else {
      s += reject ? `${p(dst, 15)} -               ${p(gm, 15)} ${p(flags, 5)} ${p(String(metric), 6)} -  ${'0'.padStart(7)} -        -     -      -\n`
        : `${p(dst, 15)} ${p(gw, 15)} ${p(gm, 15)} ${p(flags, 5)} ${p(String(metric), 6)} ${p('0', 3)} ${'0'.padStart(6)} ${p(iface.slice(0, 6), 6)}   ${p('0', 5)} ${p('0', 6)} 0\n`;
    }
  }
  return s;
}

export const routeCommand: Command = {
  name: 'route',
  pkg: 'net-tools',
  path: '/usr/sbin/route',
  *run(ctx: CmdContext): Co<number> {
    const h = ctx.host.kernel;
    // getopt_long with "A:eCFhnN64Vv?" after -net/-host are hidden from it
    const argv = ctx.argv.slice(1).map((a) => (a === '-net' || a === '-host' ? '#' + a.slice(1) : a));
    let numeric = false, ext = 1, help = false, cache = false, af = 'inet';
    const rest: string[] = [];
    const long: Record<string, string> = { extend: 'e', verbose: 'v', version: 'V', numeric: 'n', symbolic: 'N', cache: 'C', fib: 'F', help: 'h', inet: '4', inet6: '6' };
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a === '--') { rest.push(...argv.slice(i + 1)); break; }
      if (a.startsWith('--') && a.length > 2) {
        const [n, val] = a.slice(2).split('=', 2);
        const hits = Object.keys(long).filter((k) => k.startsWith(n)).concat('protocol'.startsWith(n) ? ['protocol'] : []);
        const exact = hits.includes(n) ? n : hits.length === 1 ? hits[0] : null;
        if (!exact) {
          ctx.stderr.write(hits.length > 1 ? `route: option '${a}' is ambiguous\n` : `route: unrecognized option '${a}'\n`);
          help = true;
          continue;
        }
        if (exact === 'protocol') { af = val ?? argv[++i] ?? ''; continue; }
        const c = long[exact];
        if (c === 'n') numeric = true; else if (c === 'e') ext++; else if (c === 'C') cache = true;
        else if (c === 'h') help = true; else if (c === '6') af = 'inet6';
        else if (c === 'V') { ctx.stderr.write('net-tools 2.10-alpha\n+NEW_ADDRT +RTF_IRTT +RTF_REJECT +FW_MASQUERADE +I18N +SELINUX\nAF: (inet) +UNIX +INET +INET6 +IPX +AX25 +NETROM +X25 +ATALK +ECONET +ROSE -BLUETOOTH\nHW:  +ETHER +ARC +SLIP +PPP +TUNNEL -TR +AX25 +NETROM +X25 +FR +ROSE +ASH +SIT +FDDI +HIPPI +HDLC/LAPB +EUI64\n'); return 0; }
        continue;
      }
      if (a.startsWith('-') && a.length > 1) {
        for (let j = 1; j < a.length; j++) {
          const c = a[j];
          if (c === 'n') numeric = true; else if (c === 'N' || c === 'v' || c === 'F' || c === '4') { /* */ }
          else if (c === 'e') ext++; else if (c === 'C') cache = true; else if (c === '6') af = 'inet6';
          else if (c === 'h' || c === '?') help = true;
          else if (c === 'V') { ctx.stderr.write('net-tools 2.10-alpha\n'); return 0; }
          else if (c === 'A') { af = a.slice(j + 1) || argv[++i] || ''; break; }
          else { ctx.stderr.write(`route: invalid option -- '${c}'\n`); help = true; }
        }
        continue;
      }
      rest.push(a);
    }
    if (help) { ctx.stderr.write(ROUTE_USAGE); return 0; }
    if (af !== 'inet') {
      if (af === 'inet6') { ctx.stderr.write('route: IPv6 routes are not simulated in this lab (ip -6 route).\n'); return 1; }
      ctx.stderr.write(`route: ${af}: unknown address family\n`);
      return 3;
    }
    if (rest.length === 0) {
      if (cache) { ctx.stdout.write('Kernel IP routing cache\nSource          Destination     Gateway         Flags Metric Ref    Use Iface\n'); return 0; }
      ctx.stdout.write(routeTable(h, ctx.fs, numeric, ext));
      return 0;
    }
    const verb = rest.shift()!;
    if (verb !== 'add' && verb !== 'del' && verb !== 'delete' && verb !== 'flush') { ctx.stderr.write(ROUTE_USAGE); return 3; }
    const u = (rc: number) => { ctx.stderr.write(INET_ROUTE_USAGE); return rc; };
    if (verb === 'flush') { ctx.stderr.write("Flushing `inet' routing table not supported\n"); return u(3); }
    if (cache) { ctx.stderr.write("Modifying `inet' routing cache not supported\n"); return u(3); }
    if (rest.length === 0) return u(0);
    return setRoute(ctx, h, verb === 'add', rest, u);
  },
};

function setRoute(ctx: CmdContext, h: Host, add: boolean, args: string[], u: (rc: number) => number): number {
  let xflag = 0;
  if (args[0] === '#net') { xflag = 1; args.shift(); } else if (args[0] === '#host') { xflag = 2; args.shift(); }
  if (args.length === 0) return u(3);
  let target = args.shift()!;
  let genmask: number | null = null;
  let netmaskText = 'default';
  const slash = target.indexOf('/');
  if (slash >= 0) {
    const p = target.slice(slash + 1);
    if (!/^(0x[0-9a-f]+|0[0-7]*|[1-9]\d*)$/i.test(p)) return u(3);
    const n = Number(p.startsWith('0') && !p.startsWith('0x') && p.length > 1 ? parseInt(p, 8) : p);
    genmask = n >= 32 ? 0xffffffff : (~(0xffffffff >>> n)) >>> 0;
    netmaskText = `/${n}`;
    target = target.slice(0, slash);
  }
  const t = inetResolve(ctx.fs, target, xflag === 2);
  if (!t) { ctx.stderr.write(`${target}: Unknown host\n`); return 6; }
  const isnet = xflag === 1 ? true : xflag === 2 ? false : t.net;
  let host = !isnet;
  let gw: Ipv4Addr | null = null;
  let dev: string | null = null;
  let metric: number | null = null;
  let reject = false;
  while (args.length) {
    const a = args.shift()!;
    if (a === 'metric') {
      const v = args.shift();
      if (!v || !/^\d/.test(v)) return u(3);
      metric = parseInt(v, 10);
    } else if (a === 'netmask') {
      const v = args.shift();
      if (!v || genmask !== null) return u(3);
      netmaskText = v;
      const r = inetResolve(ctx.fs, v, false);
      if (!r) { ctx.stderr.write(`${v}: Unknown host\n`); return 6; }
      genmask = r.addr;
    } else if (a === 'gw' || a === 'gateway') {
      const v = args.shift();
      if (!v || gw !== null) return u(3);
      const r = inetResolve(ctx.fs, v, true);
      if (!r) { ctx.stderr.write(`${v}: Unknown host\n`); return 6; }
      if (r.net) { ctx.stderr.write(`route: ${v}: cannot use a NETWORK as gateway!\n`); return u(3); }
      gw = r.addr;
    } else if (a === 'mss' || a === 'mtu') {
      const v = args.shift();
      if (!v) return u(3);
      const n = parseInt(v, 10) || 0;
      if (n < 64 || n > 65536) { ctx.stderr.write('route: Invalid MSS/MTU.\n'); return u(3); }
    } else if (a === 'window') {
      const v = args.shift();
      if (!v) return u(3);
      if ((parseInt(v, 10) || 0) < 128) { ctx.stderr.write('route: Invalid window.\n'); return u(3); }
    } else if (a === 'irtt') {
      if (!args.shift()) return u(3);
    } else if (a === 'reject') reject = true;
    else if (a === 'mod' || a === 'dyn' || a === 'reinstate') { /* flags the kernel ignores */ }
    else if (a === 'device' || a === 'dev') {
      const v = args.shift();
      if (dev !== null || v === undefined) return u(3);
      dev = v;
    } else if (dev === null) {
      dev = a;
      if (args.length) return u(3);
    } else return u(3);
  }
  if (reject && dev === null) dev = 'lo';
  if (genmask !== null) {
    const inv = (~genmask) >>> 0;
    if (host && genmask !== 0xffffffff) { ctx.stderr.write(`route: netmask ${inv.toString(16).padStart(8, '0')} doesn't make sense with host route\n`); return u(3); }
    if ((inv & (inv + 1)) !== 0) { ctx.stderr.write(`route: bogus netmask ${netmaskText}\n`); return u(3); }
    if ((t.addr & inv) !== 0) { ctx.stderr.write('route: netmask doesn\'t match route address\n'); return u(3); }
  }
  const op = add ? 'SIOCADDRT' : 'SIOCDELRT';
  const fail = (msg: string) => { ctx.stderr.write(`${op}: ${msg}\n`); return 7; };
  // rtentry_to_fib_config
  let prefix = 32;
  if (!host) {
    const mask = genmask ?? 0;
    if (!validMask(mask) || (t.addr & ~mask) !== 0) return fail('Invalid argument');
    prefix = maskPrefix(mask);
  }
  let prefsrc: Ipv4Addr | null = null;
  let devName: string | null = null;
  if (dev !== null) {
    const d = h.dev(baseName(dev));
    if (!d) return fail('No such device');
    devName = d.name;
    if (dev.includes(':')) {
      const a = ifaFor(d, dev.slice(0, 15));
      if (!a) return fail('No such device');
      prefsrc = a.addr;
    }
  }
  const dst = t.addr;
  if (!add) {
    const gone = h.routes.del({ dst, prefix, gw: gw ?? undefined, dev: devName ?? undefined, metric: metric !== null ? metric : undefined });
    if (!gone) return fail('No such process');
    h.emit({ kind: 'route' });
    return 0;
  }
  let scope: Route['scope'] = 'link';
  let type: Route['type'] = 'unicast';
  if (reject) { type = 'unreachable'; scope = 'host'; }
  if (gw !== null && type === 'unicast') {
    if (h.isLocal(gw)) return fail('Invalid argument');
    // fib_check_nh: the gateway must be reachable through a connected route
    const via = h.routes.lookup(gw, (n) => !!h.dev(n)?.up && (devName === null || n === devName));
    if (!via || via.gw !== null || via.type !== 'unicast') return fail('Network is unreachable');
    devName ??= via.dev;
    scope = 'global';
  } else if (type === 'unicast') {
    if (devName === null) return fail('No such device');
    if (!h.dev(devName)!.up) return fail('Network is down');
  }
  const route: Route = {
    dst, prefix, gw: type === 'unicast' ? gw : null, dev: devName, proto: 'boot', scope, src: prefsrc,
    metric: metric !== null && metric > 0 ? metric : null, type, onlink: false, owner: 'manual',
  };
  if (h.routes.add(route) === 'exists') return fail('File exists');
  h.emit({ kind: 'route' });
  return 0;
}

// ---- arp ------------------------------------------------------------------------------------------

const ARP_USAGE = `Usage:
  arp [-vn]  [<HW>] [-i <if>] [-a] [<hostname>]             <-Display ARP cache
  arp [-v]          [-i <if>] -d  <host> [pub]               <-Delete ARP entry
  arp [-vnD] [<HW>] [-i <if>] -f  [<filename>]            <-Add entry from file
  arp [-v]   [<HW>] [-i <if>] -s  <host> <hwaddr> [temp]            <-Add entry
  arp [-v]   [<HW>] [-i <if>] -Ds <host> <if> [netmask <nm>] pub          <-''-

        -a                       display (all) hosts in alternative (BSD) style
        -e                       display (all) hosts in default (Linux) style
        -s, --set                set a new ARP entry
        -d, --delete             delete a specified entry
        -v, --verbose            be verbose
        -n, --numeric            don't resolve names
        -i, --device             specify network interface (e.g. eth0)
        -D, --use-device         read <hwaddr> from given device
        -A, -p, --protocol       specify protocol family
        -f, --file               read new entries from file or from /etc/ethers

  <HW>=Use '-H <hw>' to specify hardware address type. Default: ether
  List of possible hardware types (which support ARP):
    ash (Ash) ether (Ethernet) ax25 (AMPR AX.25) 
    netrom (AMPR NET/ROM) rose (AMPR ROSE) arcnet (ARCnet) 
    dlci (Frame Relay DLCI) fddi (Fiber Distributed Data Interface) hippi (HIPPI) 
    irda (IrLAP) x25 (generic X.25) eui64 (Generic EUI-64) 
`;

/** getopt_long's view of argv: options (with their arguments) and operands, in GNU order. */
function getopt(argv: readonly string[], shortSpec: string, longs: Record<string, [string, boolean]>, prog: string):
  { opts: [string, string | undefined][]; rest: string[]; err: string | null } {
  const opts: [string, string | undefined][] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { rest.push(...argv.slice(i + 1)); break; }
    if (a.startsWith('--') && a.length > 2) {
      const [n, val] = a.slice(2).split(/=(.*)/s, 2);
      const hits = Object.keys(longs).filter((k) => k.startsWith(n));
      const name = hits.includes(n) ? n : hits.length === 1 ? hits[0] : null;
      if (!name) return { opts, rest, err: hits.length > 1 ? `${prog}: option '${a}' is ambiguous\n` : `${prog}: unrecognized option '${a}'\n` };
      const [c, needs] = longs[name];
      if (needs) {
        const v = val ?? argv[++i];
        if (v === undefined) return { opts, rest, err: `${prog}: option '--${name}' requires an argument\n` };
        opts.push([c, v]);
      } else {
        if (val !== undefined) return { opts, rest, err: `${prog}: option '--${name}' doesn't allow an argument\n` };
        opts.push([c, undefined]);
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        const k = shortSpec.indexOf(c);
        if (k < 0 || c === ':') return { opts, rest, err: `${prog}: invalid option -- '${c}'\n` };
        if (shortSpec[k + 1] === ':') {
          const v = a.slice(j + 1) || argv[++i];
          if (v === undefined) return { opts, rest, err: `${prog}: option requires an argument -- '${c}'\n` };
          opts.push([c, v]);
          break;
        }
        opts.push([c, undefined]);
      }
      continue;
    }
    rest.push(a);
  }
  return { opts, rest, err: null };
}

export const arpCommand: Command = {
  name: 'arp',
  pkg: 'net-tools',
  path: '/usr/sbin/arp',
  *run(ctx: CmdContext): Co<number> {
    const h = ctx.host.kernel;
    const g = getopt(ctx.argv.slice(1), 'A:H:adfp:nsei:t:vh?DNV', {
      verbose: ['v', false], version: ['V', false], all: ['a', false], delete: ['d', false], file: ['f', false], numeric: ['n', false],
      set: ['s', false], protocol: ['A', true], 'hw-type': ['H', true], device: ['i', true], help: ['h', false], 'use-device': ['D', false], symbolic: ['N', false],
    }, 'arp');
    if (g.err) { ctx.stderr.write(g.err + ARP_USAGE); return 0; }
    let what = 0, bsd = false, linux = false, numeric = false, verbose = false, device = '';
    for (const [c, v] of g.opts) {
      switch (c) {
        case 'a': what = 1; bsd = true; break;
        case 'f': what = 2; break;
        case 'd': what = 3; break;
        case 's': what = 4; break;
        case 'e': linux = true; break;
        case 'n': numeric = true; break;
        case 'v': verbose = true; break;
        case 'D': ctx.stderr.write('arp: -D is not simulated in this lab.\n'); return 255;
        case 'N': ctx.stderr.write('arp: -N not yet supported.\n'); break;
        case 'A': case 'p': if (v !== 'inet') { ctx.stderr.write(AF_NAMES.includes(v!) ? `arp: ${v}: kernel only supports 'inet'.\n` : `arp: ${v}: unknown address family.\n`); return 255; } break;
        case 'H': case 't': if (v !== 'ether') { ctx.stderr.write(`arp: ${v}: unknown hardware type.\n`); return 255; } break;
        case 'i': device = v!.slice(0, 15); break;
        case 'V': ctx.stderr.write('net-tools 2.10-alpha\n+NEW_ADDRT +RTF_IRTT +RTF_REJECT +FW_MASQUERADE +I18N +SELINUX\nAF: (inet) +UNIX +INET +INET6 +IPX +AX25 +NETROM +X25 +ATALK +ECONET +ROSE -BLUETOOTH\nHW:  +ETHER +ARC +SLIP +PPP +TUNNEL -TR +AX25 +NETROM +X25 +FR +ROSE +ASH +SIT +FDDI +HIPPI +HDLC/LAPB +EUI64\n'); return 0;
        default: ctx.stderr.write(ARP_USAGE); return 0;
      }
    }
    const args = g.rest;
    if (what === 0 || what === 1) {
      const linuxStyle = what === 0 || linux;
      let host = '';
      if (args[0] !== undefined) {
        const r = inetResolve(ctx.fs, args[0], false);
        if (!r) { ctx.stderr.write(`${args[0]}: Unknown host\n`); return 255; }
        host = fmtIp(r.addr);
      }
      let out = '';
      let entries = 0, showed = 0, title = false;
      const gws = numeric ? [] : defaultGateways(h);
      for (const n of h.neigh.all()) {
        if (n.state === 'NOARP') continue;
        entries++;
        const ip = fmtIp(n.ip);
        if (host && ip !== host) continue;
        if (device && n.dev !== device) continue;
        showed++;
        const complete = n.state !== 'INCOMPLETE' && n.state !== 'FAILED';
        const perm = n.state === 'PERMANENT';
        const hwa = complete && n.mac !== null ? fmtMac(n.mac) : '00:00:00:00:00:00';
        let name = '?';
        if (!numeric) { const x = rresolve(ctx.fs, n.ip, false, 0xffffff00, false, true, gws); if (x !== ip) name = x; }
        if (linuxStyle) {
          if (!title) { out += 'Address                  HWtype  HWaddress           Flags Mask            Iface\n'; title = true; }
          const flags = (complete ? 'C' : '') + (perm ? 'M' : '');
          out += (name === '?' ? ip : name).slice(0, 23).padEnd(23) + '  ';
          out += complete ? 'ether'.padEnd(8) + hwa.padEnd(20) : ''.padEnd(8) + '(incomplete)'.padEnd(20);
          out += flags.padEnd(6) + ''.padEnd(15) + ' ' + n.dev + '\n';
        } else {
          out += `${name} (${ip}) at ` + (complete ? `${hwa} [ether] ` : '<incomplete> ') + (perm ? 'PERM ' : '') + `on ${n.dev}\n`;
        }
      }
      if (verbose) out += `Entries: ${entries}\tSkipped: ${entries - showed}\tFound: ${showed}\n`;
      if (!showed) {
        if (host && !bsd) out += `${args[0]} (${host}) -- no entry\n`;
        else if (host || device) out += `arp: in ${entries} entries no match found.\n`;
      }
      ctx.stdout.write(out);
      return 0;
    }
    if (what === 2) { ctx.stderr.write('arp: -f is not simulated in this lab.\n'); return 255; }
    if (args.length === 0) { ctx.stderr.write('arp: need host name\n'); return 255; }
    const hostArg = args[0];
    const r = inetResolve(ctx.fs, hostArg, false);
    if (!r) { ctx.stderr.write(`${hostArg}: Unknown host\n`); return 255; }
    let i = 1;
    let mac: ReturnType<typeof parseMac> = null;
    if (what === 4) {
      if (args[1] === undefined) { ctx.stderr.write('arp: need hardware address\n'); return 255; }
      mac = parseMac(args[1]);
      if (mac === null) { ctx.stderr.write('arp: invalid hardware address\n'); return 255; }
      i = 2;
    }
    let temp = false, pub = false;
    for (; i < args.length; i++) {
      const a = args[i];
      if (a === 'temp') temp = true;
      else if (a === 'pub') pub = true;
      else if (a === 'priv' || a === 'trail' || a === 'dontpub' || a === 'auto') { /* flags */ }
      else if (a === 'dev' || a === 'netmask') { const v = args[++i]; if (v === undefined) { ctx.stderr.write(ARP_USAGE); return 0; } if (a === 'dev') device = v.slice(0, 15); }
      else { ctx.stderr.write(ARP_USAGE); return 0; }
    }
    const op = what === 4 ? 'SIOCSARP' : 'SIOCDARP';
    if (pub) { ctx.stderr.write('arp: proxy ARP entries (pub) are not simulated in this lab.\n'); return 255; }
    // arp_req_set/arp_req_delete: the device from -i, else from a route to the address
    let dev: Dev | undefined;
    if (device) {
      dev = h.dev(device);
      if (!dev) { ctx.stderr.write(`${op}: No such device\n`); return 255; }
    } else {
      const rt = h.lookupRoute(r.addr);
      dev = rt?.dev ? h.dev(rt.dev) : undefined;
      if (!dev) {
        if (what === 3) { ctx.stdout.write(`No ARP entry for ${hostArg}\n`); return 255; }
        ctx.stderr.write(`${op}: Network is unreachable\n`);
        return 255;
      }
    }
    if (what === 4) {
      if (dev.kind !== 'ether') { ctx.stderr.write(`${op}: Invalid argument\n`); return 255; }
      h.neigh.set(dev.name, r.addr, mac, temp ? 'REACHABLE' : 'PERMANENT');
      return 0;
    }
    const n = h.neigh.get(dev.name, r.addr);
    if (!n || n.state === 'NOARP' || !h.neigh.delete(dev.name, r.addr)) { ctx.stdout.write(`No ARP entry for ${hostArg}\n`); return 255; }
    return 0;
  },
};

// ---- netstat --------------------------------------------------------------------------------------

const NETSTAT_USAGE = `usage: netstat [-vWeenNcCF] [<Af>] -r         netstat {-V|--version|-h|--help}
       netstat [-vWnNcaeol] [<Socket> ...]
       netstat { [-vWeenNac] -i | [-cnNe] -M | -s [-6tuw] }

        -r, --route              display routing table
        -i, --interfaces         display interface table
        -g, --groups             display multicast group memberships
        -s, --statistics         display networking statistics (like SNMP)
        -M, --masquerade         display masqueraded connections

        -v, --verbose            be verbose
        -W, --wide               don't truncate IP addresses
        -n, --numeric            don't resolve names
        --numeric-hosts          don't resolve host names
        --numeric-ports          don't resolve port names
        --numeric-users          don't resolve user names
        -N, --symbolic           resolve hardware names
        -e, --extend             display other/more information
        -p, --programs           display PID/Program name for sockets
        -o, --timers             display timers
        -c, --continuous         continuous listing

        -l, --listening          display listening server sockets
        -a, --all                display all sockets (default: connected)
        -F, --fib                display Forwarding Information Base (default)
        -C, --cache              display routing cache instead of FIB
        -Z, --context            display SELinux security context for sockets

  <Socket>={-t|--tcp} {-u|--udp} {-U|--udplite} {-S|--sctp} {-w|--raw}
           {-x|--unix} --ax25 --ipx --netrom
  <AF>=Use '-6|-4' or '-A <af>' or '--<af>'; default: inet
  List of possible address families (which support routing):
    inet (DARPA Internet) inet6 (IPv6) ax25 (AMPR AX.25) 
    netrom (AMPR NET/ROM) ipx (Novell IPX) ddp (Appletalk DDP) 
    x25 (CCITT X.25) 
`;

const NETSTAT_STATE: Record<string, string> = {
  ESTABLISHED: 'ESTABLISHED', SYN_SENT: 'SYN_SENT', SYN_RECV: 'SYN_RECV', FIN_WAIT1: 'FIN_WAIT1', FIN_WAIT2: 'FIN_WAIT2',
  TIME_WAIT: 'TIME_WAIT', CLOSED: 'CLOSE', CLOSE_WAIT: 'CLOSE_WAIT', LAST_ACK: 'LAST_ACK', LISTEN: 'LISTEN', CLOSING: 'CLOSING',
};

/** argv[0] as /proc/PID/cmdline has it, for the PID/Program name column. */
function progName(owner: string): string {
  if (owner === 'sshd') return 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups';
  return owner;
}

export const netstatCommand: Command = {
  name: 'netstat',
  pkg: 'net-tools',
  path: '/usr/bin/netstat',
  *run(ctx: CmdContext): Co<number> {
    const h = ctx.host.kernel;
    const g = getopt(ctx.argv.slice(1), 'A:CFMacdeghilnNoprsStuUvVWw2fx64?Z', {
      'ip': ['4', false], inet: ['4', false], inet6: ['6', false], interfaces: ['i', false], help: ['h', false], route: ['r', false],
      version: ['V', false], verbose: ['v', false], numeric: ['n', false], 'numeric-hosts': ['#h', false], 'numeric-ports': ['#p', false],
      'numeric-users': ['#u', false], symbolic: ['N', false], protocol: ['A', true], tcp: ['t', false], udp: ['u', false], udplite: ['U', false],
      sctp: ['S', false], raw: ['w', false], unix: ['x', false], listening: ['l', false], all: ['a', false], timers: ['o', false],
      continuous: ['c', false], extend: ['e', false], programs: ['p', false], verbose2: ['v', false], statistics: ['s', false], wide: ['W', false],
      groups: ['g', false], masquerade: ['M', false], fib: ['F', false], cache: ['C', false], context: ['Z', false],
    }, 'netstat');
    if (g.err) { ctx.stderr.write(g.err + NETSTAT_USAGE); return 3; }
    let tcp = false, udp = false, raw = false, unix = false, listen = false, all = false, numHost = false, numPort = false;
    let prg = false, route = false, ifaces = false, stats = false, exp = 1, wide = false, other = false;
    for (const [c] of g.opts) {
      switch (c) {
        case 't': tcp = true; break; case 'u': udp = true; break; case 'w': raw = true; break; case 'x': unix = true; break;
        case 'U': case 'S': other = true; break;
        case 'l': listen = true; break; case 'a': all = true; break; case 'n': numHost = numPort = true; break;
        case '#h': numHost = true; break; case '#p': numPort = true; break;
        case 'p': prg = true; break; case 'r': route = true; break; case 'i': ifaces = true; break; case 's': stats = true; break;
        case 'e': exp++; break; case 'W': wide = true; break;
        case 'V': ctx.stdout.write('net-tools 2.10-alpha\nFred Baumgarten, Alan Cox, Bernd Eckenfels, Phil Blundell, Tuan Hoang, Brian Micek and others\n+NEW_ADDRT +RTF_IRTT +RTF_REJECT +FW_MASQUERADE +I18N +SELINUX\nAF: (inet) +UNIX +INET +INET6 +IPX +AX25 +NETROM +X25 +ATALK +ECONET +ROSE -BLUETOOTH\nHW:  +ETHER +ARC +SLIP +PPP +TUNNEL -TR +AX25 +NETROM +X25 +FR +ROSE +ASH +SIT +FDDI +HIPPI +HDLC/LAPB +EUI64\n'); return 0;
        case 'h': ctx.stderr.write(NETSTAT_USAGE); return 0;
        case '?': ctx.stderr.write(NETSTAT_USAGE); return 3;
        case 'c': case 'g': case 'M': case 'C': case 'A': case 'Z':
          ctx.stderr.write(`netstat: option -${c} is not simulated in this lab.\n`); return 1;
        default: break; // -v -N -o -F -4 -6 -d -f -2
      }
    }
    if (Number(route) + Number(ifaces) + Number(stats) > 1) { ctx.stderr.write(NETSTAT_USAGE); return 3; }
    if (route) {
      const ext = exp === 2 ? 1 : exp === 1 ? 2 : exp;
      ctx.stdout.write(routeTable(h, ctx.fs, numHost, ext));
      return 0;
    }
    if (ifaces) {
      let out = 'Kernel Interface table\n';
      if (exp < 2) out += 'Iface      MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n';
      for (const name of ifNames(h)) {
        const d = h.dev(baseName(name))!;
        if (d.up || all) out += exp < 2 ? ifaceShort(d, name) : ifaceLong(d, name);
      }
      ctx.stdout.write(out);
      return 0;
    }
    if (stats) { ctx.stderr.write('netstat: -s (the SNMP counters) is not simulated in this lab.\n'); return 1; }
    const anyProto = tcp || udp || raw || unix || other;
    let svc: Map<number, string> = new Map();
    if (!numPort) { try { svc = readServicesByPort(ctx.fs); } catch { /* none */ } }
    const gws = numHost ? [] : defaultGateways(h);
    const addr = (a: number, p: number): string => {
      const sa = numHost ? fmtIp(a) : rresolve(ctx.fs, a, false, 0xffffff00, false, false, gws);
      const sp = p === 0 ? '*' : numPort ? String(p) : svc.get(p) ?? String(p);
      if (!wide && sa.length + sp.length > 22) {
        const pl = Math.min(sp.length, 18);
        return sa.slice(0, 22 - pl) + ':' + sp.slice(0, pl);
      }
      return `${sa}:${sp}`;
    };
    const pidOf = (owner: string) => h.sd.unit(owner)?.pid || 1;
    const prog = (owner: string | null) => (owner === null ? '-' : `${pidOf(owner)}/${progName(owner)}`.slice(0, 19));
    const finish = (owner: string | null) => (prg ? ' ' + prog(owner).padEnd(20) : '') + '\n';
    let out = '';
    if (!anyProto || tcp || udp || raw) {
      out += 'Active Internet connections ' + (all ? '(servers and established)' : listen ? '(only servers)' : '(w/o servers)');
      out += '\nProto Recv-Q Send-Q Local Address           Foreign Address         State      ' + (prg ? ' PID/Program name    ' : '') + '\n';
    }
    const row = (proto: string, rq: number, sq: number, la: string, ra: string, st: string, owner: string | null) =>
      `${proto.padEnd(4)}  ${String(rq).padStart(6)} ${String(sq).padStart(6)} ${la.padEnd(23)} ${ra.padEnd(23)} ${st.padEnd(11)}` + finish(owner);
    if (!anyProto || tcp) {
      // /proc/net/tcp: listeners (hashed first), then the connections
      if (all || listen) {
        for (const l of h.tcp.allListeners()) out += row('tcp', 0, 0, addr(l.addr, l.port), addr(0, 0), 'LISTEN', l.owner);
      }
      if (all || !listen) {
        for (const s of h.tcp.all()) {
          out += row('tcp', s.rxBytes, s.state === 'TIME_WAIT' ? 0 : s.pending, addr(s.laddr, s.lport), addr(s.raddr, s.rport),
            NETSTAT_STATE[s.state] ?? 'UNKNOWN', s.state === 'TIME_WAIT' ? null : s.owner);
        }
      }
    }
    if (!anyProto || udp) {
      if (all || listen) {
        for (const u of h.udp.all()) {
          out += `${'udp'.padEnd(5)} ${'0'.padStart(6)} ${'0'.padStart(6)} ${addr(u.addr, u.port).padEnd(23)} ${addr(0, 0).padEnd(23)} ${''.padEnd(11)}` + finish(u.owner);
        }
      }
    }
    if (!anyProto || unix) {
      out += 'Active UNIX domain sockets ' + (all ? '(servers and established)' : listen ? '(only servers)' : '(w/o servers)');
      out += '\nProto RefCnt Flags       Type       State         I-Node  ' + (prg ? ' PID/Program name    ' : '') + ' Path\n';
    }
    ctx.stdout.write(out);
    return 0;
  },
};

function readServicesByPort(fs: Vfs): Map<number, string> {
  const m = new Map<number, string>();
  for (const line of fs.readFile('/etc/services').split('\n')) {
    const t = line.replace(/#.*/, '').trim().split(/\s+/);
    const pm = /^(\d+)\/tcp$/.exec(t[1] ?? '');
    if (pm && !m.has(Number(pm[1]))) m.set(Number(pm[1]), t[0]);
  }
  return m;
}
