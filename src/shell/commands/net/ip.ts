/**
 * ip(8) from iproute 6.2 (RHEL 9): address, link, route, neigh, tunnel and rule, with
 * iproute2's output layout (trailing spaces included), its abbreviations (`ip a`, `ip r`,
 * `ip n`), and its error texts and exit codes (1 for argument errors, 2 for RTNETLINK
 * errors, 255 for a bad sub-command).
 *
 * The kernel here is 5.14: duplicate addresses and missing ones answer with the classic
 * "RTNETLINK answers: ..." lines rather than the newer extended-ack texts.
 */
import type { Dev, IfAddr } from '../../../core/net/dev.ts';
import type { Host } from '../../../core/net/host.ts';
import type { NudState } from '../../../core/net/neigh.ts';
import { formatRoute, type Route, type RouteType } from '../../../core/net/route.ts';
import { fmtIp, fmtMac, parseIpv4, parseMac, prefixMask, sameSubnet, type Ipv4Addr, type MacAddr } from '../../../core/wire/types.ts';
import type { CmdContext, Co, Command } from '../../types.ts';

class IpError extends Error {
  constructor(message: string, readonly code: number) { super(message); }
}
const fail = (msg: string, code = 1): never => { throw new IpError(msg, code); };

interface Global { family: 4 | 6 | 0; stats: number; details: boolean; brief: boolean; oneline: boolean }

const OBJECTS = ['address', 'addrlabel', 'maddress', 'route', 'rule', 'neighbor', 'neighbour', 'ntable', 'ntbl', 'link', 'l2tp',
  'fou', 'ila', 'macsec', 'tunnel', 'tunl', 'tuntap', 'tap', 'token', 'tcpmetrics', 'tcp_metrics', 'monitor', 'xfrm', 'mroute',
  'mrule', 'netns', 'netconf', 'vrf', 'sr', 'nexthop', 'mptcp', 'ioam', 'help', 'stats'];

const matches = (arg: string, word: string): boolean => arg.length > 0 && word.startsWith(arg);

const HELP = `Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
       ip [ -force ] -batch filename
where  OBJECT := { address | addrlabel | fou | help | ila | ioam | l2tp | link |
                   macsec | maddress | monitor | mptcp | mroute | mrule |
                   neighbor | neighbour | netconf | netns | nexthop | ntable |
                   ntbl | route | rule | sr | tap | tcpmetrics |
                   token | tunnel | tuntap | vrf | xfrm }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |
                    -h[uman-readable] | -iec | -j[son] | -p[retty] |
                    -f[amily] { inet | inet6 | mpls | bridge | link } |
                    -4 | -6 | -M | -B | -0 |
                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |
                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |
                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |
                    -c[olor]}
`;

export const ipCommand: Command = {
  name: 'ip',
  pkg: 'iproute',
  path: '/usr/sbin/ip',
  *run(ctx: CmdContext): Co<number> {
    const h = ctx.host.kernel;
    const args = ctx.argv.slice(1);
    const g: Global = { family: 0, stats: 0, details: false, brief: false, oneline: false };
    while (args.length && args[0].startsWith('-') && args[0] !== '-') {
      const o = args.shift()!.replace(/^--?/, '-');
      if (o === '-4') g.family = 4;
      else if (o === '-6') g.family = 6;
      else if (o === '-0') g.family = 0;
      else if (matches(o.slice(1), 'statistics') || o === '-s') g.stats++;
      else if (matches(o.slice(1), 'details')) g.details = true;
      else if (o === '-br' || matches(o.slice(1), 'brief') && o.length > 2) g.brief = true;
      else if (matches(o.slice(1), 'oneline')) g.oneline = true;
      else if (matches(o.slice(1), 'color') || matches(o.slice(1), 'resolve') || matches(o.slice(1), 'human-readable') || o === '-iec' || matches(o.slice(1), 'numeric') || matches(o.slice(1), 'all')) { /* accepted */ }
      else if (o === '-f' || matches(o.slice(1), 'family')) {
        const f = args.shift();
        if (f === 'inet') g.family = 4; else if (f === 'inet6') g.family = 6; else if (f === 'link') g.family = 0;
        else { ctx.stderr.write(`Error: argument "${f ?? ''}" is wrong: invalid protocol family\n`); return 1; }
      } else if (o === '-V' || matches(o.slice(1), 'Version')) { ctx.stdout.write('ip utility, iproute2-6.2.0, libbpf 1.3.0\n'); return 0; }
      else if (o === '-j' || matches(o.slice(1), 'json')) { ctx.stderr.write('Error: JSON output is not available in this lab.\n'); return 1; }
      else if (o === '-h' || o === '-help') { ctx.stdout.write(HELP); return 0; }
      else { ctx.stderr.write(`Option "${o}" is unknown, try "ip -help".\n`); return 255; }
    }
    const obj = args.shift();
    if (obj === undefined) { ctx.stderr.write(HELP); return 255; }
    const which = OBJECTS.find((w) => matches(obj, w));
    try {
      switch (which) {
        case 'address': return ipAddr(ctx, h, g, args);
        case 'link': return ipLink(ctx, h, g, args);
        case 'route': return ipRoute(ctx, h, g, args);
        case 'neighbor': case 'neighbour': return ipNeigh(ctx, h, g, args);
        case 'tunnel': case 'tunl': return ipTunnel(ctx, h, args);
        case 'rule': return ipRule(ctx, args);
        case 'help': ctx.stdout.write(HELP); return 0;
        case undefined: ctx.stderr.write(`Object "${obj}" is unknown, try "ip help".\n`); return 1;
        default: ctx.stderr.write(`Object "${obj}" is not supported in this lab.\n`); return 1;
      }
    } catch (e) {
      if (e instanceof IpError) { ctx.stderr.write(e.message + '\n'); return e.code; }
      throw e;
    }
  },
};

// ---- helpers ------------------------------------------------------------------------------------

function parsePrefix(s: string, dflt = 32): { addr: Ipv4Addr; prefix: number } {
  const [a, p, ...more] = s.split('/');
  const addr = parseIpv4(a);
  const prefix = p === undefined ? dflt : /^\d{1,2}$/.test(p) ? Number(p) : NaN;
  if (addr === null || more.length || !(prefix >= 0 && prefix <= 32)) fail(`Error: any valid prefix is expected rather than "${s}".`);
  return { addr: addr!, prefix };
}

function parseAddr(s: string, what = 'address'): Ipv4Addr {
  const a = parseIpv4(s);
  if (a === null) fail(`Error: inet ${what} is expected rather than "${s}".`);
  return a!;
}

function needDev(h: Host, name: string | undefined): Dev {
  if (name === undefined) fail('Not enough information: "dev" argument is required.');
  if (name!.startsWith('tunl0') && !h.dev('tunl0')) h.loadModule('ipip'); // dev_load → request_module("netdev-tunl0")
  const d = h.dev(name!);
  if (!d) fail(`Cannot find device "${name}"`);
  return d!;
}

function linkFlags(d: Dev): string {
  const f: string[] = [];
  if (d.kind === 'ether' && d.up && !d.carrier) f.push('NO-CARRIER');
  if (d.kind === 'loopback') f.push('LOOPBACK');
  else if (d.kind === 'ether') f.push('BROADCAST', 'MULTICAST');
  else if (d.kind === 'ipip') f.push('NOARP');
  if (d.promisc) f.push('PROMISC');
  if (d.up) f.push('UP');
  if (d.up && d.carrier) f.push('LOWER_UP');
  return f.join(',');
}

function operState(d: Dev): string {
  if (d.kind === 'loopback') return 'UNKNOWN';
  if (d.kind === 'ipip') return d.up ? 'UNKNOWN' : 'DOWN';
  return d.up && d.carrier ? 'UP' : 'DOWN';
}

function qdisc(d: Dev): string {
  if (d.kind === 'ether') return d.up ? 'fq_codel' : 'fq_codel';
  return d.up ? 'noqueue' : 'noop';
}

function devLabel(d: Dev): string { return d.kind === 'ipip' ? `${d.name}@NONE` : d.name; }

function linkHeader(d: Dev, withMode: boolean): string {
  return `${d.ifindex}: ${devLabel(d)}: <${linkFlags(d)}> mtu ${d.mtu} qdisc ${qdisc(d)} state ${operState(d)} ${withMode ? 'mode DEFAULT ' : ''}group default qlen 1000`;
}

function linkLine(d: Dev): string {
  if (d.kind === 'loopback') return '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00';
  if (d.kind === 'ipip') return '    link/ipip 0.0.0.0 brd 0.0.0.0';
  return `    link/ether ${fmtMac(d.mac)} brd ff:ff:ff:ff:ff:ff`;
}

/** fe80::/64 EUI-64 link-local address of a MAC. */
export function linkLocal(mac: MacAddr): string {
  const b = fmtMac(mac).split(':').map((x) => parseInt(x, 16));
  const w = [(b[0] ^ 2) << 8 | b[1], b[2] << 8 | 0xff, 0xfe << 8 | b[3], b[4] << 8 | b[5]];
  return 'fe80::' + w.map((x) => x.toString(16)).join(':');
}

function hasLinkLocal(d: Dev): boolean { return d.kind === 'ether' && d.running; }
function nmManaged(d: Dev): boolean { return d.addrs.some((a) => a.owner === 'nm'); }

function inetLine(d: Dev, a: IfAddr): string {
  let s = `    inet ${fmtIp(a.addr)}/${a.prefix} `;
  if (a.brd !== null) s += `brd ${fmtIp(a.brd)} `;
  s += `scope ${a.scope} `;
  if (a.secondary) s += 'secondary ';
  if (a.noprefixroute) s += 'noprefixroute ';
  s += a.label ?? d.name;
  return s + '\n       valid_lft forever preferred_lft forever';
}

function statsLines(d: Dev, g: Global): string[] {
  if (!g.stats) return [];
  const s = d.stats;
  const row = (vals: number[]) => vals.map((v, i) => String(v).padStart(i === 0 ? 10 : 7)).join(' ');
  return [
    '    RX:  bytes packets errors dropped  missed   mcast           ',
    '    ' + row([s.rxBytes, s.rxPackets, 0, s.rxDropped, 0, 0]) + ' ',
    '    TX:  bytes packets errors dropped carrier collsns           ',
    '    ' + row([s.txBytes, s.txPackets, 0, s.txDropped, 0, 0]) + ' ',
  ];
}

function devsSorted(h: Host): Dev[] { return [...h.devs.values()].sort((a, b) => a.ifindex - b.ifindex); }

// ---- ip address ---------------------------------------------------------------------------------

function ipAddr(ctx: CmdContext, h: Host, g: Global, args: string[]): number {
  const sub = args.shift() ?? 'show';
  if (matches(sub, 'show') || matches(sub, 'list') || sub === 'lst') return addrShow(ctx, h, g, args);
  if (matches(sub, 'add') || matches(sub, 'change') || matches(sub, 'replace')) return addrAdd(ctx, h, args, sub);
  if (matches(sub, 'delete')) return addrDel(ctx, h, args);
  if (matches(sub, 'flush')) return addrFlush(ctx, h, args);
  if (matches(sub, 'help')) { ctx.stdout.write(ADDR_HELP); return 0; }
  ctx.stderr.write(`Command "${sub}" is unknown, try "ip address help".\n`);
  return 255;
}

const ADDR_HELP = `Usage: ip address {add|change|replace} IFADDR dev IFNAME [ LIFETIME ]
                                                      [ CONFFLAG-LIST ]
       ip address del IFADDR dev IFNAME [mngtmpaddr]
       ip address {save|flush} [ dev IFNAME ] [ scope SCOPE-ID ]
                            [ to PREFIX ] [ FLAG-LIST ] [ label LABEL ] [up]
       ip address [ show [ dev IFNAME ] [ scope SCOPE-ID ] [ master DEVICE ]
                         [ nomaster ]
                         [ type TYPE ] [ to PREFIX ] [ FLAG-LIST ]
                         [ label LABEL ] [up] [ vrf NAME ]
                         [ proto ADDRPROTO ] ]
`;

function addrShow(ctx: CmdContext, h: Host, g: Global, args: string[]): number {
  let devName: string | undefined;
  let upOnly = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === 'dev') devName = args[++i];
    else if (a === 'up') upOnly = true;
    else if (a === 'scope' || a === 'label' || a === 'to' || a === 'type') i++;
    else if (['primary', 'secondary', 'permanent', 'dynamic'].includes(a)) { /* filter flags ignored */ }
    else if (devName === undefined) devName = a;
    else fail(`Error: either "dev" is duplicate, or "${a}" is a garbage.`);
  }
  let devs = devsSorted(h);
  if (devName !== undefined) {
    const d = h.dev(devName);
    if (!d) { ctx.stderr.write(`Device "${devName}" does not exist.\n`); return 1; }
    devs = [d];
  }
  if (upOnly) devs = devs.filter((d) => d.up);
  const out: string[] = [];
  for (const d of devs) {
    if (g.brief) {
      const addrs: string[] = [];
      if (g.family !== 6) for (const a of d.addrs) addrs.push(`${fmtIp(a.addr)}/${a.prefix}`);
      if (g.family !== 4) {
        if (d.kind === 'loopback') addrs.push('::1/128');
        else if (hasLinkLocal(d)) addrs.push(`${linkLocal(d.mac)}/64`);
      }
      out.push(`${devLabel(d).padEnd(16)} ${operState(d).padEnd(14)} ${addrs.map((x) => x + ' ').join('')}`);
      continue;
    }
    const lines: string[] = [];
    if (g.family === 4 && d.addrs.length === 0) continue;
    lines.push(linkHeader(d, false));
    if (g.family === 0) lines.push(linkLine(d));
    if (g.family !== 6) for (const a of d.addrs) lines.push(inetLine(d, a));
    if (g.family !== 4) {
      if (d.kind === 'loopback') lines.push('    inet6 ::1/128 scope host ', '       valid_lft forever preferred_lft forever');
      else if (hasLinkLocal(d)) lines.push(`    inet6 ${linkLocal(d.mac)}/64 scope link ${nmManaged(d) ? 'noprefixroute ' : ''}`, '       valid_lft forever preferred_lft forever');
    }
    if (g.oneline) out.push(lines.join(' \\'));
    else out.push(...lines);
  }
  if (out.length) ctx.stdout.write(out.join('\n') + '\n');
  return 0;
}

function addrAdd(ctx: CmdContext, h: Host, args: string[], verb: string): number {
  let local: { addr: Ipv4Addr; prefix: number } | null = null;
  let devName: string | undefined;
  let brd: Ipv4Addr | null | '+' = null;
  let scope: IfAddr['scope'] | undefined;
  let label: string | undefined;
  let noprefixroute = false;
  let metric: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = () => { const v = args[++i]; if (v === undefined) fail('Command line is not complete. Try option "help"'); return v!; };
    if (a === 'dev') devName = next();
    else if (a === 'local') local = parsePrefix(next());
    else if (a === 'brd' || a === 'broadcast') { const v = next(); brd = v === '+' ? '+' : v === '-' ? null : parseAddr(v, 'broadcast address'); }
    else if (a === 'scope') { const v = next(); if (v !== 'global' && v !== 'host' && v !== 'link') fail(`Error: argument "${v}" is wrong: invalid scope value.`); scope = v as IfAddr['scope']; }
    else if (a === 'label') label = next();
    else if (a === 'noprefixroute') noprefixroute = true;
    else if (a === 'metric' || a === 'priority' || a === 'preference') metric = Number(next());
    else if (a === 'valid_lft' || a === 'preferred_lft' || a === 'peer' || a === 'anycast') next();
    else if (['home', 'nodad', 'mngtmpaddr', 'autojoin'].includes(a)) { /* ignored */ }
    else if (local === null) local = parsePrefix(a);
    else fail(`Error: either "local" is duplicate, or "${a}" is a garbage.`);
  }
  if (devName === undefined) fail('Not enough information: "dev" argument is required.');
  const d = needDev(h, devName);
  if (local === null) fail('Not enough information: "local" argument is required.');
  const { addr, prefix } = local!;
  const b = brd === '+' ? (prefix < 31 ? ((addr | ~prefixMask(prefix)) >>> 0) as Ipv4Addr : null) : brd;
  if (matches(verb, 'replace') || matches(verb, 'change')) h.delAddr(d.name, addr, prefix);
  const r = h.addAddr(d.name, addr, prefix, { brd: b, scope, label, noprefixroute, metric, owner: 'manual' });
  if (r === 'exists') { ctx.stderr.write('RTNETLINK answers: File exists\n'); return 2; }
  return 0;
}

function addrDel(ctx: CmdContext, h: Host, args: string[]): number {
  let local: string | undefined;
  let devName: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === 'dev') devName = args[++i];
    else if (a === 'local') local = args[++i];
    else if (a === 'label' || a === 'scope' || a === 'brd' || a === 'broadcast') i++;
    else if (local === undefined) local = a;
    else fail(`Error: either "local" is duplicate, or "${a}" is a garbage.`);
  }
  if (devName === undefined) fail('Not enough information: "dev" argument is required.');
  const d = needDev(h, devName);
  if (local === undefined) fail('Not enough information: "local" argument is required.');
  const hasPrefix = local!.includes('/');
  const { addr, prefix } = parsePrefix(local!);
  if (!hasPrefix) {
    ctx.stderr.write(`Warning: Executing wildcard deletion to stay compatible with old scripts.\n         Explicitly specify the prefix length (${local}/32) to avoid this warning.\n         This special behaviour is likely to disappear in further releases,\n         fix your scripts!\n`);
  }
  const r = h.delAddr(d.name, addr, hasPrefix ? prefix : undefined);
  if (r === 'noaddr') { ctx.stderr.write('RTNETLINK answers: Cannot assign requested address\n'); return 2; }
  return 0;
}

function addrFlush(ctx: CmdContext, h: Host, args: string[]): number {
  let devName: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === 'dev') devName = args[++i];
    else if (['scope', 'to', 'label'].includes(args[i])) i++;
    else if (devName === undefined) devName = args[i];
  }
  if (devName === undefined) { ctx.stderr.write('Flush requires arguments.\n'); return 1; }
  const d = h.dev(devName);
  if (!d) { ctx.stderr.write(`Device "${devName}" does not exist.\n`); return 1; }
  for (const a of [...d.addrs].reverse()) h.delAddr(d.name, a.addr, a.prefix);
  return 0;
}

// ---- ip link --------------------------------------------------------------------------------------

function ipLink(ctx: CmdContext, h: Host, g: Global, args: string[]): number {
  const sub = args.shift() ?? 'show';
  if (matches(sub, 'show') || matches(sub, 'list') || sub === 'lst') {
    let devName: string | undefined;
    for (let i = 0; i < args.length; i++) {
      if (args[i] === 'dev') devName = args[++i];
      else if (args[i] === 'up' || args[i] === 'type') { if (args[i] === 'type') i++; }
      else devName = args[i];
    }
    let devs = devsSorted(h);
    if (devName !== undefined) {
      const d = h.dev(devName);
      if (!d) { ctx.stderr.write(`Device "${devName}" does not exist.\n`); return 1; }
      devs = [d];
    }
    const out: string[] = [];
    for (const d of devs) {
      if (g.brief) {
        const mac = d.kind === 'ipip' ? '0.0.0.0' : fmtMac(d.mac);
        out.push(`${devLabel(d).padEnd(16)} ${operState(d).padEnd(14)} ${mac} <${linkFlags(d)}> `);
        continue;
      }
      out.push(linkHeader(d, true), linkLine(d), ...statsLines(d, g));
    }
    if (out.length) ctx.stdout.write(out.join('\n') + '\n');
    return 0;
  }
  if (matches(sub, 'set') || sub === 'change') {
    let devName: string | undefined;
    if (args[0] === 'dev') args.shift();
    devName = args.shift();
    if (devName === undefined) fail('Not enough information: "dev" argument is required.');
    const d = needDev(h, devName);
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      const next = () => { const v = args[++i]; if (v === undefined) fail('Command line is not complete. Try option "help"'); return v!; };
      if (a === 'up') h.setLinkUp(d.name, true);
      else if (a === 'down') h.setLinkUp(d.name, false);
      else if (a === 'mtu') {
        const v = next();
        const n = Number(v);
        if (!/^\d+$/.test(v)) fail(`Error: argument "${v}" is wrong: Invalid "mtu" value`);
        if (d.kind === 'ether' && (n < 68 || n > 9000)) { ctx.stderr.write(`Error: mtu greater than device maximum.\n`); return 2; }
        d.mtu = n;
      } else if (a === 'address') {
        const v = next();
        const m = parseMac(v);
        if (m === null) fail(`"${v}" is invalid lladdr.`);
        d.mac = m!;
      } else if (a === 'name') {
        const v = next();
        if (h.dev(v)) { ctx.stderr.write('RTNETLINK answers: File exists\n'); return 2; }
        if (d.up) { ctx.stderr.write('RTNETLINK answers: Device or resource busy\n'); return 2; }
        h.renameDev(d.name, v);
      } else if (a === 'promisc') d.promisc = next() === 'on';
      else if (a === 'arp' || a === 'multicast' || a === 'allmulticast' || a === 'txqueuelen' || a === 'qlen') next();
      else fail(`Error: either "dev" is duplicate, or "${a}" is a garbage.`, 255);
    }
    return 0;
  }
  if (matches(sub, 'add') || matches(sub, 'delete')) {
    ctx.stderr.write(`Error: creating or deleting links is done from the lab's topology editor here.\n`);
    return 2;
  }
  if (matches(sub, 'help')) { ctx.stdout.write('Usage: ip link set DEVICE { up | down | mtu MTU | address LLADDR | name NEWNAME | promisc { on | off } }\n       ip link show [ DEVICE ]\n'); return 0; }
  ctx.stderr.write(`Command "${sub}" is unknown, try "ip link help".\n`);
  return 255;
}

// ---- ip route ---------------------------------------------------------------------------------------

function ipRoute(ctx: CmdContext, h: Host, g: Global, args: string[]): number {
  const sub = args.shift() ?? 'show';
  if (g.family === 6) {
    if (matches(sub, 'show') || matches(sub, 'list')) {
      const lines: string[] = [];
      for (const d of devsSorted(h)) {
        if (d.kind === 'loopback') lines.push('::1 dev lo proto kernel metric 256 pref medium');
        else if (hasLinkLocal(d)) lines.push(`fe80::/64 dev ${d.name} proto kernel metric ${nmManaged(d) ? 1024 : 256} pref medium`);
      }
      if (lines.length) ctx.stdout.write(lines.join('\n') + '\n');
      return 0;
    }
    ctx.stderr.write('Error: IPv6 routes are not simulated in this lab.\n');
    return 2;
  }
  if (matches(sub, 'show') || matches(sub, 'list') || sub === 'lst') return routeShow(ctx, h, args);
  if (matches(sub, 'get')) return routeGet(ctx, h, args);
  if (matches(sub, 'add') || matches(sub, 'append') || matches(sub, 'replace') || matches(sub, 'change') || matches(sub, 'prepend')) return routeAdd(ctx, h, args, sub);
  if (matches(sub, 'delete')) return routeDel(ctx, h, args);
  if (matches(sub, 'flush')) return routeFlush(ctx, h, args);
  if (matches(sub, 'help')) { ctx.stdout.write('Usage: ip route { list | flush } SELECTOR\n       ip route get ADDRESS [ from ADDRESS iif STRING ] [ oif STRING ]\n       ip route { add | del | change | append | replace } ROUTE\n'); return 0; }
  ctx.stderr.write(`Command "${sub}" is unknown, try "ip route help".\n`);
  return 255;
}

function localTable(h: Host): string[] {
  const lines: string[] = [];
  const entries: { key: number; order: number; text: string }[] = [];
  for (const d of devsSorted(h)) {
    if (!d.up) continue;
    for (const a of d.addrs) {
      const src = d.addrs.find((x) => !x.secondary && sameSubnet(x.addr, a.addr, x.prefix))?.addr ?? a.addr;
      if (d.kind === 'loopback' && a.prefix < 32) {
        const net = (a.addr & prefixMask(a.prefix)) >>> 0;
        entries.push({ key: net, order: 0, text: `local ${fmtIp(net)}/${a.prefix} dev ${d.name} proto kernel scope host src ${fmtIp(src)} ` });
      }
      entries.push({ key: a.addr, order: 1, text: `local ${fmtIp(a.addr)} dev ${d.name} proto kernel scope host src ${fmtIp(src)} ` });
      if (a.prefix < 31) {
        const b = (a.addr | ~prefixMask(a.prefix)) >>> 0;
        entries.push({ key: b, order: 2, text: `broadcast ${fmtIp(b)} dev ${d.name} proto kernel scope link src ${fmtIp(src)} ` });
      }
    }
  }
  entries.sort((a, b) => a.key - b.key || a.order - b.order);
  for (const e of entries) if (!lines.includes(e.text)) lines.push(e.text);
  return lines;
}

function routeShow(ctx: CmdContext, h: Host, args: string[]): number {
  let table = 'main';
  let devName: string | undefined;
  let proto: string | undefined;
  let prefixSel: { addr: number; prefix: number } | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === 'table') table = args[++i] ?? 'main';
    else if (a === 'dev' || a === 'oif') devName = args[++i];
    else if (a === 'proto') proto = args[++i];
    else if (a === 'scope' || a === 'type' || a === 'via' || a === 'src') i++;
    else if (a === 'default') prefixSel = { addr: 0, prefix: 0 };
    else if (a === 'root' || a === 'match' || a === 'exact') { /* selector words */ }
    else prefixSel = parsePrefix(a, 32);
  }
  if (devName !== undefined && !h.dev(devName)) { ctx.stderr.write(`Cannot find device "${devName}"\n`); return 1; }
  const lines: string[] = [];
  if (table === 'main' || table === 'all' || table === '254') {
    for (const r of h.routes.routes) {
      if (devName !== undefined && r.dev !== devName) continue;
      if (proto !== undefined && r.proto !== proto) continue;
      if (prefixSel && !(r.dst === prefixSel.addr && r.prefix === prefixSel.prefix)) continue;
      if (r.dev !== null && !h.dev(r.dev)?.up) continue;
      let line = formatRoute(r);
      if (r.dev !== null && !h.dev(r.dev)!.carrier) line += 'linkdown ';
      lines.push(table === 'all' ? line.replace(/ $/, '') + ' ' : line);
    }
  }
  if (table === 'local' || table === 'all' || table === '255') {
    for (const l of localTable(h)) lines.push(table === 'all' ? l.replace(/ $/, ' table local ') : l);
  }
  if (!['main', 'local', 'all', '254', '255', 'default', '253'].includes(table)) {
    ctx.stderr.write(`Error: argument "${table}" is wrong: table id value is invalid\n`);
    return 1;
  }
  if (lines.length) ctx.stdout.write(lines.join('\n') + '\n');
  return 0;
}

function routeGet(ctx: CmdContext, h: Host, args: string[]): number {
  let dst: Ipv4Addr | null = null;
  let from: Ipv4Addr | 0 = 0;
  let oif: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === 'from') from = parseAddr(args[++i] ?? '');
    else if (a === 'oif') oif = args[++i];
    else if (a === 'iif' || a === 'mark' || a === 'tos' || a === 'uid') i++;
    else if (a === 'to') dst = parsePrefix(args[++i] ?? '').addr;
    else if (dst === null) dst = parsePrefix(a).addr;
  }
  if (dst === null) fail('need at least a destination address');
  if (oif !== undefined && !h.dev(oif)) { ctx.stderr.write(`Cannot find device "${oif}"\n`); return 1; }
  const r = h.routeOutput(dst!, from, oif);
  if (typeof r === 'string') {
    ctx.stderr.write(`RTNETLINK answers: ${r === 'ENETUNREACH' ? 'Network is unreachable' : r === 'EHOSTUNREACH' ? 'No route to host' : r === 'EPERM' ? 'Operation not permitted' : 'Invalid argument'}\n`);
    return 2;
  }
  if (r.local) {
    ctx.stdout.write(`local ${fmtIp(dst!)} dev lo src ${fmtIp(r.src)} uid 0 \n    cache <local> \n`);
    return 0;
  }
  let s = `${fmtIp(dst!)} `;
  if (r.route?.gw != null) s += `via ${fmtIp(r.route.gw)} `;
  s += `dev ${r.dev.name} `;
  s += `src ${fmtIp(r.src)} uid 0 \n    cache \n`;
  ctx.stdout.write(s);
  return 0;
}

function parseRouteSpec(h: Host, args: string[]): Partial<Route> & { dst: Ipv4Addr; prefix: number } {
  let type: RouteType = 'unicast';
  let dst: { addr: Ipv4Addr; prefix: number } | null = null;
  const r: Partial<Route> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = () => { const v = args[++i]; if (v === undefined) fail('Command line is not complete. Try option "help"'); return v!; };
    if (a === 'via') { let v = next(); if (v === 'inet') v = next(); r.gw = parseAddr(v, 'address'); }
    else if (a === 'dev' || a === 'oif') { const v = next(); needDev(h, v); r.dev = v; }
    else if (a === 'src') r.src = parseAddr(next(), 'address');
    else if (a === 'metric' || a === 'priority' || a === 'preference') {
      const v = next();
      if (!/^\d+$/.test(v)) fail(`Error: argument "${v}" is wrong: "metric" value is invalid`);
      r.metric = Number(v);
    }
    else if (a === 'proto') { const v = next(); r.proto = (['kernel', 'static', 'boot', 'dhcp'].includes(v) ? v : 'static') as Route['proto']; }
    else if (a === 'scope') { const v = next(); r.scope = (v === 'link' || v === 'host' ? v : 'global'); }
    else if (a === 'table') { const v = next(); if (v !== 'main' && v !== '254') fail(`Error: only the main routing table is simulated in this lab.`); }
    else if (a === 'onlink') r.onlink = true;
    else if (['unreachable', 'blackhole', 'prohibit', 'unicast'].includes(a) && dst === null) type = a as RouteType;
    else if (a === 'default' || a === 'all') dst = { addr: 0 as Ipv4Addr, prefix: 0 };
    else if (a === 'to') dst = parsePrefix(next());
    else if (['mtu', 'advmss', 'initcwnd', 'realm', 'weight', 'nexthop', 'tos', 'dsfield', 'expires'].includes(a)) next();
    else if (dst === null) dst = parsePrefix(a);
    else fail(`Error: either "to" is duplicate, or "${a}" is a garbage.`);
  }
  if (dst === null) dst = { addr: 0 as Ipv4Addr, prefix: 0 };
  const net = ((dst.addr & prefixMask(dst.prefix)) >>> 0) as Ipv4Addr;
  if (net !== dst.addr) fail(`Error: Invalid prefix for given prefix length.`, 2);
  return { ...r, dst: net, prefix: dst.prefix, type };
}

function routeAdd(ctx: CmdContext, h: Host, args: string[], verb: string): number {
  const spec = parseRouteSpec(h, args);
  const type = spec.type ?? 'unicast';
  let dev = spec.dev ?? null;
  const gw = spec.gw ?? null;
  if (type === 'unicast') {
    if (gw !== null) {
      // The gateway must be on-link: a connected route through an up device covers it.
      const via = h.routes.lookup(gw, (n) => !!h.dev(n)?.up);
      const onlinkOk = spec.onlink && dev !== null;
      if (!onlinkOk) {
        if (!via || via.gw !== null || (dev !== null && via.dev !== dev)) { ctx.stderr.write('Error: Nexthop has invalid gateway.\n'); return 2; }
        dev = via.dev;
      }
      if (h.isLocal(gw)) { ctx.stderr.write('Error: Nexthop has invalid gateway.\n'); return 2; }
    } else if (dev === null) {
      ctx.stderr.write('Error: Device for nexthop is not up.\n');
      return 2;
    }
    if (!h.dev(dev!)?.up) { ctx.stderr.write('Error: Device for nexthop is not up.\n'); return 2; }
  }
  const route: Route = {
    dst: spec.dst, prefix: spec.prefix, gw, dev, proto: spec.proto ?? 'boot',
    scope: spec.scope ?? (gw === null && type === 'unicast' ? 'link' : 'global'), src: spec.src ?? null,
    metric: spec.metric ?? null, type, onlink: !!spec.onlink, owner: 'manual',
  };
  if (matches(verb, 'replace') || matches(verb, 'change')) { h.routes.replace(route); h.emit({ kind: 'route' }); return 0; }
  if (h.routes.add(route) === 'exists') { ctx.stderr.write('RTNETLINK answers: File exists\n'); return 2; }
  h.emit({ kind: 'route' });
  return 0;
}

function routeDel(ctx: CmdContext, h: Host, args: string[]): number {
  const spec = parseRouteSpec(h, args);
  const gone = h.routes.del({ dst: spec.dst, prefix: spec.prefix, gw: spec.gw, dev: spec.dev, metric: spec.metric });
  if (!gone) { ctx.stderr.write('RTNETLINK answers: No such process\n'); return 2; }
  h.emit({ kind: 'route' });
  return 0;
}

function routeFlush(ctx: CmdContext, h: Host, args: string[]): number {
  let devName: string | undefined;
  let proto: string | undefined;
  let sel: { addr: number; prefix: number } | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === 'dev') devName = args[++i];
    else if (a === 'proto') proto = args[++i];
    else if (a === 'table' || a === 'scope' || a === 'type') i++;
    else if (a === 'cache') return 0;
    else if (a === 'all') { sel = null; }
    else sel = parsePrefix(a, 32);
  }
  if (devName === undefined && proto === undefined && sel === null && args.length === 0) {
    ctx.stderr.write('"ip route flush" requires arguments.\n');
    return 1;
  }
  h.routes.removeWhere((r) => (devName === undefined || r.dev === devName) && (proto === undefined || r.proto === proto)
    && (sel === null || (r.dst === sel.addr && r.prefix === sel.prefix)));
  h.emit({ kind: 'route' });
  return 0;
}

// ---- ip neigh --------------------------------------------------------------------------------------

const NUD: Record<string, NudState> = {
  permanent: 'PERMANENT', reachable: 'REACHABLE', stale: 'STALE', noarp: 'NOARP', delay: 'DELAY', probe: 'PROBE',
  incomplete: 'INCOMPLETE', failed: 'FAILED', none: 'STALE',
};

function ipNeigh(ctx: CmdContext, h: Host, g: Global, args: string[]): number {
  const sub = args.shift() ?? 'show';
  if (matches(sub, 'show') || matches(sub, 'list') || sub === 'lst' || matches(sub, 'flush')) {
    const flush = matches(sub, 'flush');
    let devName: string | undefined;
    let to: { addr: number; prefix: number } | null = null;
    let nud: string | undefined;
    let all = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === 'dev') devName = args[++i];
      else if (a === 'nud') nud = args[++i];
      else if (a === 'to') to = parsePrefix(args[++i] ?? '');
      else if (a === 'all') all = true;
      else if (a === 'proxy' || a === 'unused') { /* ignored */ }
      else to = parsePrefix(a);
    }
    if (devName !== undefined && !h.dev(devName)) { ctx.stderr.write(`Cannot find device "${devName}"\n`); return 1; }
    if (flush && devName === undefined && to === null && !all && nud === undefined) {
      ctx.stderr.write('Flush requires arguments.\n');
      return 1;
    }
    const pick = (n: { dev: string; ip: number; state: NudState }) =>
      (devName === undefined || n.dev === devName) && (to === null || sameSubnet(n.ip, to.addr, to.prefix))
      && (nud === undefined || nud === 'all' || NUD[nud] === n.state);
    if (flush) {
      const n = h.neigh.flush(pick, nud === 'all' || nud === 'permanent');
      if (g.stats) {
        ctx.stdout.write(n ? `\n*** Round 1, deleting ${n} entries ***\n*** Flush is complete after 1 round ***\n` : 'Nothing to flush.\n');
      }
      return 0;
    }
    const lines: string[] = [];
    for (const n of h.neigh.all()) {
      if (!pick(n)) continue;
      let s = `${fmtIp(n.ip)} `;
      if (devName === undefined) s += `dev ${n.dev} `;
      if (n.mac !== null) s += `lladdr ${fmtMac(n.mac)} `;
      if (g.stats) s += ` used ${Math.floor((h.now - n.used) / 1e6)}/${Math.floor((h.now - n.confirmed) / 1e6)}/${Math.floor((h.now - n.updated) / 1e6)}probes ${n.probes} `;
      s += `${n.state} `;
      lines.push(s);
    }
    if (lines.length) ctx.stdout.write(lines.join('\n') + '\n');
    return 0;
  }
  if (matches(sub, 'add') || matches(sub, 'replace') || matches(sub, 'change') || matches(sub, 'delete')) {
    let ip: Ipv4Addr | null = null;
    let devName: string | undefined;
    let mac: MacAddr | null = null;
    let state: NudState = 'PERMANENT';
    for (let i = 0; i < args.length; i++) {
      const a = args[i];
      if (a === 'dev') devName = args[++i];
      else if (a === 'lladdr') { const v = args[++i] ?? ''; mac = parseMac(v); if (mac === null) fail(`"${v}" is invalid lladdr.`); }
      else if (a === 'nud') { const v = args[++i] ?? ''; if (!NUD[v]) fail(`Error: argument "${v}" is wrong: nud state is bad`); state = NUD[v]; }
      else if (a === 'to') ip = parseAddr(args[++i] ?? '');
      else if (a === 'proxy' || a === 'router' || a === 'extern_learn') { /* ignored */ }
      else if (ip === null) ip = parseAddr(a);
    }
    if (devName === undefined) fail('Device and destination are required arguments.');
    const d = needDev(h, devName);
    if (ip === null) fail('Device and destination are required arguments.');
    if (matches(sub, 'delete')) {
      if (!h.neigh.delete(d.name, ip!)) { ctx.stderr.write('RTNETLINK answers: No such file or directory\n'); return 2; }
      return 0;
    }
    if (mac === null && state !== 'NOARP') { ctx.stderr.write('Error: No link layer address given.\n'); return 2; }
    if (matches(sub, 'add') && h.neigh.get(d.name, ip!)) { ctx.stderr.write('RTNETLINK answers: File exists\n'); return 2; }
    if (matches(sub, 'change') && !h.neigh.get(d.name, ip!)) { ctx.stderr.write('RTNETLINK answers: No such file or directory\n'); return 2; }
    h.neigh.set(d.name, ip!, mac, state);
    return 0;
  }
  if (matches(sub, 'help')) { ctx.stdout.write('Usage: ip neigh { add | del | change | replace }\n                { ADDR [ lladdr LLADDR ] [ nud STATE ] dev DEV }\n       ip neigh { show | flush } [ to PREFIX ] [ dev DEV ] [ nud STATE ]\n'); return 0; }
  ctx.stderr.write(`Command "${sub}" is unknown, try "ip neigh help".\n`);
  return 255;
}

// ---- ip tunnel / rule ------------------------------------------------------------------------------

function ipTunnel(ctx: CmdContext, h: Host, args: string[]): number {
  const sub = args.shift() ?? 'show';
  if (matches(sub, 'show') || matches(sub, 'list')) {
    const t = h.dev('tunl0');
    if (t) ctx.stdout.write('tunl0: any/ip remote any local any ttl inherit nopmtudisc\n');
    return 0;
  }
  ctx.stderr.write('Error: only the fallback device tunl0 exists in this lab (modprobe ipip).\n');
  return 2;
}

function ipRule(ctx: CmdContext, args: string[]): number {
  const sub = args.shift() ?? 'show';
  if (matches(sub, 'show') || matches(sub, 'list')) {
    ctx.stdout.write('0:\tfrom all lookup local\n32766:\tfrom all lookup main\n32767:\tfrom all lookup default\n');
    return 0;
  }
  ctx.stderr.write('Error: policy routing rules are not simulated in this lab.\n');
  return 2;
}
