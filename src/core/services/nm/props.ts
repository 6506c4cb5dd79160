/**
 * nmcli's view of profile properties (libnmc-setting's nm-meta-setting-desc.c, 1.46): which
 * settings a connection type allows, every property of those settings in nmcli's order with
 * the value `nmcli connection show ID` prints, and setters with nmcli's parsing and error texts
 * for `nmcli connection modify/add`.
 *
 * Properties the lab does not model keep their default display value; setting one stores the
 * given text (shown back by `connection show`) without effect on the network.
 */
import { fmtIp, parseIpv4, type Ipv4Addr } from '../../wire/types.ts';
import { fmtAddr, type ConType, type Ip4Route, type Profile } from './profile.ts';

export type Modifier = '' | '+' | '-';

export interface PropDef {
  readonly name: string;
  /** Value as `nmcli connection show` prints it. */
  get(p: Profile): string;
  /** Apply a value (null = reset to default). Returns the error text after "failed to modify X: ". */
  set?(p: Profile, v: string | null, mod: Modifier): string | null;
  /** Hidden unless set (connection.mud-url). */
  readonly hideIfDefault?: boolean;
}

export interface SettingDef {
  readonly name: string;
  readonly alias?: string;
  readonly props: readonly PropDef[];
}

const yn = (b: boolean): string => (b ? 'yes' : 'no');
const dash = (s: string | null | undefined): string => (s === null || s === undefined || s === '' ? '--' : s);

/** nmc_string_to_bool. */
export function parseBool(v: string): boolean | string {
  const s = v.trim();
  if (s === 'o') return `'${s}' is ambiguous (on, off)`;
  const pre = (w: string[]) => s.length > 0 && w.some((x) => x.toLowerCase().startsWith(s.toLowerCase()));
  if (pre(['true', 'yes', 'on']) && !pre(['false', 'no', 'off'])) return true;
  if (pre(['false', 'no', 'off'])) return false;
  if (s === '1') return true;
  if (s === '0') return false;
  return `'${s}' is not valid; use [true, yes, on] or [false, no, off]`;
}

/** nmc_string_is_valid: exact or unique case-insensitive prefix. */
export function stringIsValid(input: string, allowed: readonly string[]): { value: string } | { error: string } {
  if (!input) return { error: `missing name, try one of [${allowed.join(', ')}]` };
  const lc = input.toLowerCase();
  const hits = allowed.filter((a) => a.toLowerCase().startsWith(lc));
  const exact = allowed.find((a) => a.toLowerCase() === lc && a.length === input.length);
  if (exact) return { value: exact };
  if (hits.length === 1) return { value: hits[0] };
  if (hits.length > 1) return { error: `'${input}' is ambiguous: ${hits.join(', ')}` };
  return { error: `'${input}' not among [${allowed.join(', ')}]` };
}

function other(key: string, def: string, hideIfDefault = false): PropDef {
  return {
    name: key.slice(key.indexOf('.') + 1),
    hideIfDefault,
    get: (p) => p.other.get(key) ?? def,
    set: (p, v) => { if (v === null) p.other.delete(key); else p.other.set(key, v); return null; },
  };
}

function boolProp(name: string, get: (p: Profile) => boolean, put: (p: Profile, b: boolean) => void, def: boolean): PropDef {
  return {
    name, get: (p) => yn(get(p)),
    set: (p, v) => {
      if (v === null) { put(p, def); return null; }
      const b = parseBool(v);
      if (typeof b === 'string') return b;
      put(p, b);
      return null;
    },
  };
}

/** "192.168.1.2/24, 10.0.0.1/8" → addresses (nmcli's _parse_ip_address: no prefix = /32). */
export function parseAddrList(v: string): { addr: Ipv4Addr; prefix: number }[] | string {
  const out: { addr: Ipv4Addr; prefix: number }[] = [];
  for (const raw of v.split(',')) {
    const s = raw.trim();
    if (!s) continue;
    const [a, plen] = s.split('/', 2);
    let prefix = 32;
    if (plen !== undefined) {
      if (!/^\d+$/.test(plen) || Number(plen) > 32) return `invalid prefix '${plen}'; <0-32> allowed`;
      prefix = Number(plen);
    }
    const ip = parseIpv4(a.trim());
    if (ip === null) return `invalid IP address: Invalid IPv4 address '${a.trim()}'`;
    out.push({ addr: ip, prefix });
  }
  return out;
}

const ROUTE_SYNTAX = "The valid syntax is: 'ip[/prefix] [next-hop] [metric] [attribute=val]... [,ip[/prefix] ...]'";

export function parseRouteList(v: string): Ip4Route[] | string {
  const out: Ip4Route[] = [];
  for (const raw of v.split(',')) {
    const s = raw.trim();
    if (!s) continue;
    const parts = s.split(/[ \t]+/);
    const [d, plen] = parts[0].split('/', 2);
    let prefix = 32;
    if (plen !== undefined) {
      if (!/^\d+$/.test(plen) || Number(plen) > 32) return `invalid prefix '${plen}'; <0-32> allowed`;
      prefix = Number(plen);
    }
    let nh: Ipv4Addr | null = null;
    let metric: number | null = null;
    for (const x of parts.slice(1)) {
      const ip = parseIpv4(x);
      if (ip !== null) {
        if (metric !== null) return `the next hop ('${x}') must be first`;
        nh = ip;
      } else if (/^\d+$/.test(x) && Number(x) <= 0xffffffff) metric = Number(x);
      else return ROUTE_SYNTAX;
    }
    const dst = parseIpv4(d);
    if (dst === null) return `invalid route: Invalid IPv4 address '${d}'. ${ROUTE_SYNTAX}`;
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    out.push({ dst: ((dst & mask) >>> 0) as Ipv4Addr, prefix, nh: nh === 0 ? null : nh, metric });
  }
  return out;
}

export function fmtRoute(r: Ip4Route): string {
  let s = `{ ip = ${fmtIp(r.dst)}/${r.prefix}`;
  if (r.nh !== null) s += `, nh = ${fmtIp(r.nh)}`;
  if (r.metric !== null) s += `, mt = ${r.metric}`;
  return s + ' }';
}

function listProp<T>(name: string, get: (p: Profile) => T[], put: (p: Profile, l: T[]) => void,
  parse: (v: string) => T[] | string, eq: (a: T, b: T) => boolean, fmt: (x: T) => string, sep = ', '): PropDef {
  return {
    name,
    get: (p) => (get(p).length ? get(p).map(fmt).join(sep) : '--'),
    set: (p, v, mod) => {
      if (v === null) { put(p, []); return null; }
      // "-ipv4.addresses 1": remove by index (nmcli accepts an index or a value)
      if (mod === '-' && /^\d+$/.test(v.trim())) {
        const l = [...get(p)];
        const i = Number(v.trim());
        if (i < l.length) l.splice(i, 1);
        put(p, l);
        return null;
      }
      const items = parse(v);
      if (typeof items === 'string') return items;
      if (mod === '+') put(p, [...get(p), ...items.filter((x) => !get(p).some((y) => eq(x, y)))]);
      else if (mod === '-') put(p, get(p).filter((y) => !items.some((x) => eq(x, y))));
      else put(p, items);
      return null;
    },
  };
}

function ip4List(v: string): Ipv4Addr[] | string {
  const out: Ipv4Addr[] = [];
  for (const s of v.split(/[,; ]+/).filter(Boolean)) {
    const ip = parseIpv4(s);
    if (ip === null) return `invalid IPv4 address '${s}'`;
    out.push(ip);
  }
  return out;
}

function intProp(name: string, get: (p: Profile) => number, put: (p: Profile, n: number) => void, def: number, min: number, max: number, show?: (n: number) => string): PropDef {
  return {
    name, get: (p) => (show ? show(get(p)) : String(get(p))),
    set: (p, v) => {
      if (v === null) { put(p, def); return null; }
      const s = v.trim();
      if (!/^-?\d+$/.test(s) || Number(s) < min || Number(s) > max) return `'${s}' is not a valid number (or out of range)`;
      put(p, Number(s));
      return null;
    },
  };
}

const CONNECTION: SettingDef = {
  name: 'connection',
  props: [
    { name: 'id', get: (p) => p.id, set: (p, v) => { if (!v) return "property is empty"; p.id = v; return null; } },
    { name: 'uuid', get: (p) => p.uuid, set: () => "the property can't be changed" },
    other('connection.stable-id', '--'),
    { name: 'type', get: (p) => p.type, set: () => "the property can't be changed" },
    { name: 'interface-name', get: (p) => dash(p.interfaceName), set: (p, v) => { p.interfaceName = v === null ? null : v.trim() || null; return null; } },
    boolProp('autoconnect', (p) => p.autoconnect, (p, b) => { p.autoconnect = b; }, true),
    intProp('autoconnect-priority', (p) => p.autoconnectPriority, (p, n) => { p.autoconnectPriority = n; }, 0, -999, 999),
    other('connection.autoconnect-retries', '-1 (default)'),
    other('connection.multi-connect', '0 (default)'),
    other('connection.auth-retries', '-1'),
    { name: 'timestamp', get: (p) => String(p.timestamp) },
    other('connection.permissions', '--'),
    { name: 'zone', get: (p) => dash(p.zone), set: (p, v) => { p.zone = v; return null; } },
    other('connection.controller', '--'),
    other('connection.master', '--'),
    other('connection.slave-type', '--'),
    other('connection.port-type', '--'),
    other('connection.autoconnect-slaves', '-1 (default)'),
    other('connection.autoconnect-ports', '-1 (default)'),
    other('connection.secondaries', '--'),
    other('connection.gateway-ping-timeout', '0'),
    other('connection.metered', 'unknown'),
    other('connection.lldp', 'default'),
    other('connection.mdns', '-1 (default)'),
    other('connection.llmnr', '-1 (default)'),
    other('connection.dns-over-tls', '-1 (default)'),
    other('connection.mptcp-flags', '0x0 (default)'),
    other('connection.mud-url', '--', true),
    other('connection.wait-device-timeout', '-1'),
    other('connection.wait-activation-delay', '-1'),
  ],
};

const ETHERNET: SettingDef = {
  name: '802-3-ethernet', alias: 'ethernet',
  props: [
    other('802-3-ethernet.port', '--'),
    other('802-3-ethernet.speed', '0'),
    other('802-3-ethernet.duplex', '--'),
    other('802-3-ethernet.auto-negotiate', 'no'),
    { name: 'mac-address', get: (p) => dash(p.ethernet.mac), set: (p, v) => {
      if (v === null) { p.ethernet.mac = null; return null; }
      if (!/^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/.test(v.trim())) return `'${v}' is not a valid Ethernet MAC`;
      p.ethernet.mac = v.trim().toUpperCase();
      return null;
    } },
    other('802-3-ethernet.cloned-mac-address', '--'),
    other('802-3-ethernet.generate-mac-address-mask', '--'),
    other('802-3-ethernet.mac-address-blacklist', '--'),
    intProp('mtu', (p) => p.ethernet.mtu, (p, n) => { p.ethernet.mtu = n; }, 0, 0, 0xffffffff, (n) => (n ? String(n) : 'auto')),
    other('802-3-ethernet.s390-subchannels', '--'),
    other('802-3-ethernet.s390-nettype', '--'),
    other('802-3-ethernet.s390-options', '--'),
    other('802-3-ethernet.wake-on-lan', 'default'),
    other('802-3-ethernet.wake-on-lan-password', '--'),
    other('802-3-ethernet.accept-all-mac-addresses', '-1 (default)'),
  ],
};

const LOOPBACK: SettingDef = {
  name: 'loopback',
  props: [intProp('mtu', (p) => p.ethernet.mtu, (p, n) => { p.ethernet.mtu = n; }, 0, 0, 0xffffffff, (n) => (n ? String(n) : 'auto'))],
};

const IP4_METHOD_VALUES = ['auto', 'link-local', 'manual', 'shared', 'disabled'];

const IPV4: SettingDef = {
  name: 'ipv4',
  props: [
    { name: 'method', get: (p) => p.ipv4.method, set: (p, v) => {
      if (v === null) { p.ipv4.method = 'auto'; return null; }
      const val = v.length > 1 && 'static'.startsWith(v) ? 'manual' : v;
      const r = stringIsValid(val, IP4_METHOD_VALUES);
      if ('error' in r) return r.error;
      p.ipv4.method = r.value;
      return null;
    } },
    listProp('dns', (p) => p.ipv4.dns, (p, l) => { p.ipv4.dns = l; }, ip4List, (a, b) => a === b, fmtIp, ','),
    listProp('dns-search', (p) => p.ipv4.dnsSearch, (p, l) => { p.ipv4.dnsSearch = l; }, (v) => v.split(/[, ]+/).filter(Boolean), (a, b) => a === b, (x) => x, ','),
    other('ipv4.dns-options', '--'),
    other('ipv4.dns-priority', '0'),
    listProp('addresses', (p) => p.ipv4.addresses, (p, l) => { p.ipv4.addresses = l; }, parseAddrList, (a, b) => a.addr === b.addr && a.prefix === b.prefix, fmtAddr),
    { name: 'gateway', get: (p) => (p.ipv4.gateway === null ? '--' : fmtIp(p.ipv4.gateway)), set: (p, v) => {
      if (v === null) { p.ipv4.gateway = null; return null; }
      const g = parseIpv4(v.trim());
      if (g === null) return `invalid gateway address '${v}'`;
      p.ipv4.gateway = g;
      return null;
    } },
    listProp('routes', (p) => p.ipv4.routes, (p, l) => { p.ipv4.routes = l; }, parseRouteList,
      (a, b) => a.dst === b.dst && a.prefix === b.prefix && a.nh === b.nh && a.metric === b.metric, fmtRoute, '; '),
    intProp('route-metric', (p) => p.ipv4.routeMetric, (p, n) => { p.ipv4.routeMetric = n; }, -1, -1, 0xffffffff),
    other('ipv4.route-table', '0 (unspec)'),
    other('ipv4.routing-rules', '--'),
    other('ipv4.replace-local-rule', '-1 (default)'),
    boolProp('ignore-auto-routes', (p) => p.ipv4.ignoreAutoRoutes, (p, b) => { p.ipv4.ignoreAutoRoutes = b; }, false),
    boolProp('ignore-auto-dns', (p) => p.ipv4.ignoreAutoDns, (p, b) => { p.ipv4.ignoreAutoDns = b; }, false),
    other('ipv4.dhcp-client-id', '--'),
    other('ipv4.dhcp-iaid', '--'),
    other('ipv4.dhcp-dscp', '--'),
    intProp('dhcp-timeout', (p) => p.ipv4.dhcpTimeout, (p, n) => { p.ipv4.dhcpTimeout = n; }, 0, 0, 0x7fffffff, (n) => (n ? String(n) : '0 (default)')),
    other('ipv4.dhcp-send-hostname', 'yes'),
    other('ipv4.dhcp-hostname', '--'),
    other('ipv4.dhcp-fqdn', '--'),
    other('ipv4.dhcp-hostname-flags', '0x0 (none)'),
    boolProp('never-default', (p) => p.ipv4.neverDefault, (p, b) => { p.ipv4.neverDefault = b; }, false),
    boolProp('may-fail', (p) => p.ipv4.mayFail, (p, b) => { p.ipv4.mayFail = b; }, true),
    other('ipv4.required-timeout', '-1 (default)'),
    other('ipv4.dad-timeout', '-1 (default)'),
    other('ipv4.dhcp-vendor-class-identifier', '--'),
    other('ipv4.link-local', '0 (default)'),
    other('ipv4.dhcp-reject-servers', '--'),
    other('ipv4.auto-route-ext-gw', '-1 (default)'),
  ],
};

const IP6_METHOD_VALUES = ['ignore', 'auto', 'dhcp', 'link-local', 'manual', 'shared', 'disabled'];

const IPV6: SettingDef = {
  name: 'ipv6',
  props: [
    { name: 'method', get: (p) => p.ipv6.method, set: (p, v) => {
      if (v === null) { p.ipv6.method = 'auto'; return null; }
      const r = stringIsValid(v.length > 1 && 'static'.startsWith(v) ? 'manual' : v, IP6_METHOD_VALUES);
      if ('error' in r) return r.error;
      p.ipv6.method = r.value;
      return null;
    } },
    other('ipv6.dns', '--'), other('ipv6.dns-search', '--'), other('ipv6.dns-options', '--'), other('ipv6.dns-priority', '0'),
    other('ipv6.addresses', '--'), other('ipv6.gateway', '--'), other('ipv6.routes', '--'), other('ipv6.route-metric', '-1'),
    other('ipv6.route-table', '0 (unspec)'), other('ipv6.routing-rules', '--'), other('ipv6.replace-local-rule', '-1 (default)'),
    other('ipv6.ignore-auto-routes', 'no'), other('ipv6.ignore-auto-dns', 'no'), other('ipv6.never-default', 'no'),
    other('ipv6.may-fail', 'yes'), other('ipv6.required-timeout', '-1 (default)'), other('ipv6.ip6-privacy', '-1 (unknown)'),
    { name: 'addr-gen-mode', get: (p) => p.ipv6.addrGenMode, set: (p, v) => {
      const r = stringIsValid(v ?? 'default', ['eui64', 'stable-privacy', 'default-or-eui64', 'default']);
      if ('error' in r) return r.error;
      p.ipv6.addrGenMode = r.value;
      return null;
    } },
    other('ipv6.ra-timeout', '0 (default)'), other('ipv6.mtu', 'auto'), other('ipv6.dhcp-pd-hint', '--'), other('ipv6.dhcp-duid', '--'),
    other('ipv6.dhcp-iaid', '--'), other('ipv6.dhcp-timeout', '0 (default)'), other('ipv6.dhcp-send-hostname', 'yes'),
    other('ipv6.dhcp-hostname', '--'), other('ipv6.dhcp-hostname-flags', '0x0 (none)'), other('ipv6.auto-route-ext-gw', '-1 (default)'),
    other('ipv6.token', '--'),
  ],
};

const PROXY: SettingDef = {
  name: 'proxy',
  props: [other('proxy.method', 'none'), other('proxy.browser-only', 'no'), other('proxy.pac-url', '--'), other('proxy.pac-script', '--')],
};

/** Settings nmcli knows but the lab does not model (named in "not among [...]" errors). */
const UNMODELLED = ['802-1x', 'dcb', 'sriov', 'ethtool', 'match', 'hostname', 'link', 'tc'];

/** Settings of a profile in the order `connection show` prints them. */
export function settingsOf(t: ConType): SettingDef[] {
  return t === 'loopback' ? [CONNECTION, LOOPBACK, IPV4, IPV6, PROXY] : [CONNECTION, ETHERNET, IPV4, IPV6, PROXY];
}

/** Valid setting names for a type, as nmcli lists them (get_valid_options_string). */
export function validSettingNames(t: ConType): { name: string; alias?: string; def: SettingDef | null }[] {
  const head = t === 'loopback'
    ? [{ name: 'connection', def: CONNECTION }, { name: 'loopback', def: LOOPBACK }]
    : [{ name: 'connection', def: CONNECTION }, { name: '802-3-ethernet', alias: 'ethernet', def: ETHERNET },
      { name: '802-1x', def: null }, { name: 'dcb', def: null }, { name: 'sriov', def: null }, { name: 'ethtool', def: null }];
  return [...head, { name: 'match', def: null }, { name: 'ipv4', def: IPV4 }, { name: 'ipv6', def: IPV6 },
    { name: 'hostname', def: null }, { name: 'link', def: null }, { name: 'tc', def: null }, { name: 'proxy', def: PROXY }];
}

void UNMODELLED;

/** Property aliases nmcli accepts without a setting prefix (is_cli_option). */
export const PROP_ALIASES: Record<string, { setting: string; prop: string }> = {
  'con-name': { setting: 'connection', prop: 'id' },
  ifname: { setting: 'connection', prop: 'interface-name' },
  autoconnect: { setting: 'connection', prop: 'autoconnect' },
  type: { setting: 'connection', prop: 'type' },
  mac: { setting: '802-3-ethernet', prop: 'mac-address' },
  mtu: { setting: '802-3-ethernet', prop: 'mtu' },
  ip4: { setting: 'ipv4', prop: 'addresses' },
  gw4: { setting: 'ipv4', prop: 'gateway' },
};

/** Every (key, value) of `nmcli connection show ID`'s profile part, grouped by setting. */
export function profileProperties(p: Profile): { setting: string; rows: [string, string][] }[] {
  return settingsOf(p.type).map((s) => ({
    setting: s.name,
    rows: s.props
      .filter((d) => !d.hideIfDefault || p.other.has(`${s.name}.${d.name}`))
      .map((d) => [`${s.name}.${d.name}`, d.get(p)] as [string, string]),
  }));
}
