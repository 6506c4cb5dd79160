/**
 * firewalld 1.3 (RHEL 9), reduced to what changes traffic in the lab: while it runs, the
 * default zone (public) rejects new inbound connections except to the services and ports it
 * lists, with ICMP "administratively prohibited" (`reject with icmpx admin-prohibited`), as
 * its nftables ruleset does. The zone comes from /etc/firewalld/zones/public.xml, else
 * /usr/lib/firewalld/zones/public.xml (ssh, dhcpv6-client, cockpit).
 *
 * Its filter_INPUT chain sits at priority filter+10, before IPVS's LOCAL_IN hooks, so a
 * director or real server with firewalld running and no http service refuses the VIP's
 * traffic, the classic lab mistake. No conntrack: established traffic is recognised by
 * TCP flags (anything but a bare SYN) and UDP replies by their ephemeral destination port.
 * Forwarded traffic (the NAT director's job) is not filtered; zones other than the default,
 * rich rules and masquerading are not modelled. firewall-cmd talks to the running daemon through
 * `Firewalld.of(host)` (its D-Bus API): runtime changes apply at once and are lost on reload.
 */
import type { Vfs } from '../fs/vfs.ts';
import type { Host } from '../net/host.ts';
import { Hook, NfPri, Verdict, type Skb } from '../netfilter/hooks.ts';
import { IcmpType, IcmpUnreach, IpProto, TcpFlag, fmtIp } from '../wire/types.ts';
import type { ServiceImpl, Systemd } from './systemd.ts';

export const PUBLIC_ZONE_XML = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>Public</short>
  <description>For use in public areas. You do not trust the other computers on networks to not harm your computer. Only selected incoming connections are accepted.</description>
  <service name="ssh"/>
  <service name="dhcpv6-client"/>
  <service name="cockpit"/>
  <forward/>
</zone>
`;

export const FIREWALLD_CONF = `# firewalld config file

# default zone
# The default zone used if an empty zone string is used.
# Default: public
DefaultZone=public

# Clean up on exit
# If set to no or false the firewall configuration will not get cleaned up
# on exit or stop of firewalld.
# Default: yes
CleanupOnExit=yes

# Firewall backend
# Selects the firewall backend implementation.
# Choices are:
#	- nftables (default)
#	- iptables (iptables, ip6tables, ebtables and ipset)
# Note: The iptables backend is deprecated. It will be removed in a future
# release.
FirewallBackend=nftables
`;

/** Ports of the services firewalld knows (/usr/lib/firewalld/services/*.xml), the ones a lab uses. */
const SERVICES: Record<string, [string, number][]> = {
  ssh: [['tcp', 22]], http: [['tcp', 80]], https: [['tcp', 443]], 'dhcpv6-client': [['udp', 546]],
  cockpit: [['tcp', 9090]], dns: [['tcp', 53], ['udp', 53]], ntp: [['udp', 123]], mysql: [['tcp', 3306]],
  'http3': [['udp', 443]], telnet: [['tcp', 23]], ftp: [['tcp', 21]], dhcp: [['udp', 67]], snmp: [['udp', 161]],
};

/** The service names `firewall-cmd --get-services` lists (those modelled), sorted as firewalld does. */
export const SERVICE_NAMES: readonly string[] = Object.keys(SERVICES).sort();

/** The zones firewalld 1.3 ships (`--get-zones`); only public (the default) is modelled. */
export const ZONE_NAMES: readonly string[] = ['block', 'dmz', 'drop', 'external', 'home', 'internal', 'nm-shared', 'public', 'trusted', 'work'];

/** /etc/protocols names (what getprotobyname(3) knows) → numbers; firewalld accepts these and 0-255. */
const PROTOCOLS: Record<string, number> = {
  ip: 0, hopopt: 0, icmp: 1, igmp: 2, ggp: 3, ipencap: 4, st: 5, tcp: 6, egp: 8, igp: 9, pup: 12, udp: 17, hmp: 20,
  'xns-idp': 22, rdp: 27, 'iso-tp4': 29, dccp: 33, xtp: 36, ddp: 37, 'idpr-cmtp': 38, ipv6: 41, 'ipv6-route': 43,
  'ipv6-frag': 44, idrp: 45, rsvp: 46, gre: 47, esp: 50, ah: 51, skip: 57, 'ipv6-icmp': 58, 'ipv6-nonxt': 59,
  'ipv6-opts': 60, rspf: 73, vmtp: 81, eigrp: 88, ospf: 89, 'ax.25': 93, ipip: 94, etherip: 97, encap: 98, pim: 103,
  ipcomp: 108, vrrp: 112, l2tp: 115, isis: 124, sctp: 132, fc: 133, 'mobility-header': 135, udplite: 136,
  'mpls-in-ip': 137, hip: 139, shim6: 140, wesp: 141, rohc: 142, ethernet: 143, mptcp: 262,
};

/** The IP protocol number of a firewalld protocol value (name or 0-255), or null if getprotobyname knows it not. */
export function protocolNumber(v: string): number | null {
  if (/^[0-9]+$/.test(v)) { const n = Number(v); return n <= 255 ? n : null; }
  const n = PROTOCOLS[v] ?? PROTOCOLS[v.toLowerCase()];
  return n === undefined || n > 255 ? null : n;
}

/** A few /etc/services names getservbyname(3) resolves (firewalld accepts `http/tcp`). */
const PORT_NAMES: Record<string, number> = { ssh: 22, telnet: 23, smtp: 25, domain: 53, http: 80, https: 443, ftp: 21, mysql: 3306, ntp: 123 };

function portId(p: string): number {
  const t = p.trim();
  let n: number;
  if (/^[0-9]+$/.test(t)) n = Number(t);
  else if (t in PORT_NAMES) n = PORT_NAMES[t];
  else return -1;
  return n > 65535 ? -2 : n;
}

/**
 * firewalld's getPortRange: `[a]` or `[a, b]` (a < b), -1 invalid, -2 too big, null ambiguous.
 */
export function portRange(ports: string): number[] | -1 | -2 | null {
  if (/^[0-9]+$/.test(ports)) { const id = portId(ports); return id >= 0 ? [id] : (id as -1 | -2); }
  const sp = ports.split('-');
  if (sp.length === 2 && /^[0-9]+$/.test(sp[0]) && /^[0-9]+$/.test(sp[1])) {
    const a = portId(sp[0]), b = portId(sp[1]);
    if (a >= 0 && b >= 0) return a < b ? [a, b] : a > b ? [b, a] : [a];
  }
  const matched: number[][] = [];
  for (let i = sp.length; i > 0; i--) {
    const a = portId(sp.slice(0, i).join('-'));
    const rest = sp.slice(i).join('-');
    if (rest.length > 0) {
      const b = portId(rest);
      if (a >= 0 && b >= 0) matched.push(a < b ? [a, b] : a > b ? [b, a] : [a]);
    } else if (a >= 0) {
      matched.push([a]);
      if (i === sp.length) break;
    }
  }
  if (matched.length < 1) return -1;
  if (matched.length > 1) return null;
  return matched[0];
}

/** functions.check_port: a valid port or ascending range. */
export function checkPort(p: string): boolean {
  const r = portRange(p);
  return Array.isArray(r) && !(r.length === 2 && r[0] >= r[1]);
}

function rangeOf(p: string): [number, number] {
  const r = portRange(p) as number[];
  return [r[0], r[r.length - 1]];
}
const rangeStr = ([a, b]: [number, number]) => (a === b ? String(a) : `${a}-${b}`);

/** A zone's settings, as firewalld keeps them (runtime) and writes them (permanent). */
export interface ZoneConfig {
  short: string;
  description: string;
  /** The zone element's attributes other than the default target (version, target="..."). */
  attrs: string;
  services: string[];
  ports: [string, string][];
  protocols: string[];
  masquerade: boolean;
  forward: boolean;
  icmpBlockInversion: boolean;
  /** Elements the lab does not model (rich rules, source ports, ...), kept verbatim. */
  other: string[];
}

const unxml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const xmlAttr = (s: string) => `"${xmlText(s).replace(/"/g, '&quot;')}"`;

/** A zone's settings from its XML (a file firewalld would refuse is read as far as it goes). */
export function parseZoneConfig(xml: string): ZoneConfig {
  const z: ZoneConfig = { short: '', description: '', attrs: '', services: [], ports: [], protocols: [], masquerade: false, forward: false, icmpBlockInversion: false, other: [] };
  const open = /<zone\b([^>]*?)\/?>/.exec(xml);
  if (open) z.attrs = open[1].trim();
  const body = xml.slice(open ? open.index + open[0].length : 0).replace(/<\/zone>[\s\S]*$/, '');
  z.short = unxml(/<short>([\s\S]*?)<\/short>/.exec(body)?.[1] ?? '');
  z.description = unxml(/<description>([\s\S]*?)<\/description>/.exec(body)?.[1] ?? '');
  const rest = body.replace(/<short>[\s\S]*?<\/short>|<description>[\s\S]*?<\/description>/g, '');
  const attr = (a: string, n: string) => { const m = new RegExp(`\\b${n}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(a); return m ? unxml(m[1] ?? m[2]) : undefined; };
  for (const m of rest.matchAll(/<(rule\b[\s\S]*?<\/rule>|[a-z-]+\b[^>]*?\/?>)/g)) {
    const el = m[1];
    const name = /^[a-z-]+/.exec(el)![0];
    if (name === 'service') { const n = attr(el, 'name'); if (n && !z.services.includes(n)) z.services.push(n); }
    else if (name === 'port') {
      const port = attr(el, 'port'), proto = attr(el, 'protocol');
      if (port && proto && !z.ports.some(([p, q]) => p === port && q === proto)) z.ports.push([port, proto]);
    } else if (name === 'protocol') { const v = attr(el, 'value'); if (v && !z.protocols.includes(v)) z.protocols.push(v); }
    else if (name === 'masquerade') z.masquerade = true;
    else if (name === 'forward') z.forward = true;
    else if (name === 'icmp-block-inversion') z.icmpBlockInversion = true;
    else z.other.push(`<${el}`);
  }
  return z;
}

/** The XML firewalld's zone_writer produces for `z` (element order as io/zone.py writes it). */
export function writeZoneXml(z: ZoneConfig): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>', z.attrs ? `<zone ${z.attrs}>` : '<zone>'];
  if (z.short) out.push(`  <short>${xmlText(z.short)}</short>`);
  if (z.description) out.push(`  <description>${xmlText(z.description)}</description>`);
  for (const s of z.services) out.push(`  <service name=${xmlAttr(s)}/>`);
  for (const [p, q] of z.ports) out.push(`  <port port=${xmlAttr(p)} protocol=${xmlAttr(q)}/>`);
  for (const p of z.protocols) out.push(`  <protocol value=${xmlAttr(p)}/>`);
  if (z.masquerade) out.push('  <masquerade/>');
  for (const o of z.other) out.push(`  ${o}`);
  if (z.icmpBlockInversion) out.push('  <icmp-block-inversion/>');
  if (z.forward) out.push('  <forward/>');
  out.push('</zone>', '');
  return out.join('\n');
}

export function cloneZone(z: ZoneConfig): ZoneConfig {
  return { ...z, services: [...z.services], ports: z.ports.map(([p, q]) => [p, q]), protocols: [...z.protocols], other: [...z.other] };
}

export const ETC_PUBLIC_XML = '/etc/firewalld/zones/public.xml';
export const USR_PUBLIC_XML = '/usr/lib/firewalld/zones/public.xml';

/** The permanent public zone: /etc/firewalld/zones/public.xml, else the packaged default. */
export function readPermanentZone(fs: Vfs): ZoneConfig {
  for (const p of [ETC_PUBLIC_XML, USR_PUBLIC_XML]) {
    try { return parseZoneConfig(fs.readFile(p)); } catch { /* next */ }
  }
  return parseZoneConfig(PUBLIC_ZONE_XML);
}

/** Save the permanent public zone as firewalld does: the previous /etc copy becomes public.xml.old. */
export function writePermanentZone(fs: Vfs, z: ZoneConfig): void {
  fs.mkdir('/etc/firewalld/zones', { parents: true });
  try { fs.install(`${ETC_PUBLIC_XML}.old`, fs.readFile(ETC_PUBLIC_XML)); } catch { /* first write */ }
  fs.install(ETC_PUBLIC_XML, writeZoneXml(z));
}

/** firewalld's error codes (errors.py) that firewall-cmd turns into exit statuses. */
export const FW_ERRORS = {
  ALREADY_ENABLED: 11, NOT_ENABLED: 12, INVALID_SERVICE: 101, INVALID_PORT: 102, INVALID_PROTOCOL: 103,
  INVALID_ZONE: 112, MISSING_PROTOCOL: 203, NOT_RUNNING: 252, UNKNOWN_ERROR: 254,
} as const;
export type FwErrorCode = keyof typeof FW_ERRORS;
export interface FwError { readonly code: FwErrorCode; readonly msg: string }

export type ZoneItemKind = 'service' | 'port' | 'protocol';

/**
 * Add or remove a service, port (`80`, `8000-8080`; with its protocol) or protocol in `z`, with
 * firewalld's checks and words: the runtime (fw_policy.py) quotes and names the zone
 * ("'http' already in 'public'"), the permanent config (server/config_zone.py) does not ("http").
 * Ports coalesce and break up as firewalld's coalescePortRange/breakPortRange do.
 */
export function editZone(z: ZoneConfig, op: 'add' | 'remove', kind: ZoneItemKind, item: string, proto: string | null, style: 'runtime' | 'permanent', zone = 'public'): FwError | null {
  const rt = style === 'runtime';
  const label = kind === 'port' ? `${item}:${proto}` : item;
  const already = (): FwError => ({ code: 'ALREADY_ENABLED', msg: rt ? `'${label}' already in '${zone}'` : label });
  const notIn = (): FwError => ({ code: 'NOT_ENABLED', msg: rt ? `'${label}' not in '${zone}'` : label });
  if (kind === 'service') {
    if (rt && !SERVICES[item]) return { code: 'INVALID_SERVICE', msg: item };
    const has = z.services.includes(item);
    if (op === 'add') {
      if (has) return already();
      if (!rt && !SERVICES[item]) return { code: 'INVALID_SERVICE', msg: `Zone '${zone}': '${item}' not among existing services` };
      z.services.push(item);
    } else {
      if (!has) return notIn();
      z.services.splice(z.services.indexOf(item), 1);
    }
    return null;
  }
  if (kind === 'protocol') {
    if (rt && protocolNumber(item) === null) return { code: 'INVALID_PROTOCOL', msg: item };
    const has = z.protocols.includes(item);
    if (op === 'add') {
      if (has) return already();
      if (!rt && protocolNumber(item) === null) return { code: 'INVALID_PROTOCOL', msg: item };
      z.protocols.push(item);
    } else {
      if (!has) return notIn();
      z.protocols.splice(z.protocols.indexOf(item), 1);
    }
    return null;
  }
  const p = proto ?? '';
  if (!checkPort(item)) return { code: 'INVALID_PORT', msg: item };
  if (!['tcp', 'udp', 'sctp', 'dccp'].includes(p)) return { code: 'INVALID_PROTOCOL', msg: `'${p}' not in {'tcp'|'udp'|'sctp'|'dccp'}` };
  const [a, b] = rangeOf(item);
  const same = z.ports.filter(([, q]) => q === p);
  const ranges = same.filter(([x]) => checkPort(x)).map(([x]) => rangeOf(x)).sort((x, y) => x[0] - y[0]);
  const inside = ranges.some(([x, y]) => a >= x && b <= y);
  const drop = (r: [number, number]) => {
    const i = z.ports.findIndex(([x, q]) => q === p && checkPort(x) && rangeOf(x)[0] === r[0] && rangeOf(x)[1] === r[1]);
    if (i >= 0) z.ports.splice(i, 1);
  };
  if (op === 'add') {
    if (inside) return already();
    let c: [number, number] = [a, b];
    for (const r of ranges) {
      if (c[0] <= r[0] && c[1] >= r[1]) drop(r);
      else if (c[0] <= r[0] && c[1] < r[1] && c[1] >= r[0]) { drop(r); c = [c[0], r[1]]; }
      else if (c[0] > r[0] && c[1] >= r[1] && c[0] <= r[1]) { drop(r); c = [r[0], c[1]]; }
    }
    z.ports.push([rangeStr(c), p]);
    return null;
  }
  if (!ranges.some(([x, y]) => a >= x && a <= y)) return notIn();
  const added: [number, number][] = [];
  for (const r of ranges) {
    if (a <= r[0] && b >= r[1]) drop(r);
    else if (a <= r[0] && b < r[1] && b >= r[0]) { drop(r); added.push([b + 1, r[1]]); }
    else if (a > r[0] && b >= r[1] && a <= r[1]) { drop(r); added.push([r[0], a - 1]); }
    else if (a > r[0] && b < r[1]) { drop(r); added.push([r[0], a - 1], [b + 1, r[1]]); }
  }
  for (const r of added) z.ports.push([rangeStr(r), p]);
  return null;
}

/** Is `item` in the zone (`--query-*`)? Ports match when inside a listed range, as firewalld's portInPortRange. */
export function queryZone(z: ZoneConfig, kind: ZoneItemKind, item: string, proto: string | null): boolean {
  if (kind === 'service') return z.services.includes(item);
  if (kind === 'protocol') return z.protocols.includes(item);
  if (!checkPort(item)) return false;
  const [a, b] = rangeOf(item);
  return z.ports.some(([x, q]) => q === proto && checkPort(x) && a >= rangeOf(x)[0] && b <= rangeOf(x)[1]);
}

export interface ZoneRules {
  readonly ports: { proto: string; from: number; to: number }[];
  readonly protocols: number[];
}

/** What a zone's settings let in: the ports of its services, its ports and its protocols. */
export function zoneRules(z: ZoneConfig): ZoneRules {
  const ports: ZoneRules['ports'] = [];
  const protocols: number[] = [];
  for (const s of z.services) for (const [proto, port] of SERVICES[s] ?? []) ports.push({ proto, from: port, to: port });
  for (const [port, proto] of z.ports) {
    if (!checkPort(port)) continue;
    const [a, b] = rangeOf(port);
    ports.push({ proto, from: a, to: b });
  }
  for (const p of z.protocols) {
    const n = protocolNumber(p);
    if (n !== null) protocols.push(n);
  }
  return { ports, protocols };
}

/** The rules of the default zone from its XML (services, ports, protocols). */
export function parseZone(xml: string): ZoneRules {
  return zoneRules(parseZoneConfig(xml));
}

export class Firewalld implements ServiceImpl {
  private unregister: (() => void) | null = null;
  private runtime: ZoneConfig = parseZoneConfig(PUBLIC_ZONE_XML);
  private rules: ZoneRules = { ports: [], protocols: [] };

  constructor(private readonly host: Host, private readonly sd: Systemd, private readonly pid: number) {}

  /** The running daemon of a host (what firewall-cmd reaches over D-Bus), or null if firewalld is not running. */
  static of(host: Host): Firewalld | null {
    return host.sd.impl<Firewalld>('firewalld');
  }

  /** Runtime configuration from the permanent one (start, reload, restart): runtime changes are lost. */
  private load(): void {
    this.setZone(readPermanentZone(this.host.fs));
  }

  /** A copy of the runtime settings of the public (default) zone. */
  zone(): ZoneConfig {
    return cloneZone(this.runtime);
  }

  /** Replace the runtime settings (`--runtime-to-permanent` reads them; tests set them). */
  setZone(z: ZoneConfig): void {
    this.runtime = cloneZone(z);
    this.rules = zoneRules(this.runtime);
  }

  /** Runtime `--add-*`/`--remove-*`: changes the running rules at once, with firewalld's checks and errors. */
  edit(op: 'add' | 'remove', kind: ZoneItemKind, item: string, proto: string | null = null): FwError | null {
    const err = editZone(this.runtime, op, kind, item, proto, 'runtime');
    if (!err) this.rules = zoneRules(this.runtime);
    return err;
  }

  /** Runtime `--query-*`. */
  query(kind: ZoneItemKind, item: string, proto: string | null = null): boolean {
    return queryZone(this.runtime, kind, item, proto);
  }

  start(): string | null {
    this.load();
    this.unregister = this.host.hooks.register({
      hook: Hook.LOCAL_IN, priority: NfPri.FILTER + 10, owner: 'firewalld', fn: (skb) => this.filterInput(skb),
    });
    return null;
  }

  stop(): void {
    this.unregister?.();
    this.unregister = null;
  }

  reload(): string | null {
    this.load();
    return null;
  }

  private allowedPort(proto: string, port: number): boolean {
    return this.rules.ports.some((p) => p.proto === proto && port >= p.from && port <= p.to);
  }

  /** The public zone's filter_INPUT: accept what the zone allows, reject the rest. */
  private filterInput(skb: Skb): Verdict {
    if (skb.inDev === null || skb.inDev === 'lo') return Verdict.ACCEPT;
    const ip = skb.ip;
    const p = ip.payload;
    let what: string;
    if (p.kind === 'icmp') return Verdict.ACCEPT;
    if (p.kind === 'tcp') {
      const newConn = (p.flags & TcpFlag.SYN) !== 0 && (p.flags & TcpFlag.ACK) === 0;
      if (!newConn || this.allowedPort('tcp', p.dstPort)) return Verdict.ACCEPT;
      what = `tcp port ${p.dstPort}`;
    } else if (p.kind === 'udp') {
      if (p.dstPort >= 32768 || this.allowedPort('udp', p.dstPort)) return Verdict.ACCEPT;
      what = `udp port ${p.dstPort}`;
    } else {
      if (this.rules.protocols.includes(ip.protocol)) return Verdict.ACCEPT;
      what = ip.protocol === IpProto.VRRP ? 'VRRP (protocol 112)' : ip.protocol === IpProto.IPIP ? 'IPIP (protocol 4)' : `IP protocol ${ip.protocol}`;
    }
    skb.dropReason = `${this.host.hostname}: firewalld (zone public) rejected ${what} from ${fmtIp(ip.src)}: the zone allows neither the service nor the port`;
    this.host.icmpError(skb, IcmpType.DestUnreachable, IcmpUnreach.AdminProhibited);
    void this.sd; void this.pid;
    return Verdict.DROP;
  }
}
