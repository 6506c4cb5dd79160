/**
 * NetworkManager connection profiles: the in-memory model, the keyfile reader and writer
 * (`/etc/NetworkManager/system-connections/*.nmconnection`), normalization and verification,
 * and the property table nmcli uses to show and modify profiles.
 *
 * Reading follows libnm-core's nm-keyfile.c as NetworkManager 1.46 runs it:
 * - GKeyFile syntax errors fail the file ("Key file contains line “x” which is not a
 *   key-value pair, group, or comment");
 * - an address that does not parse is dropped with a warning ("ipv4.addresses: ignoring invalid
 *   IPv4 address: ..."), a missing prefix length defaults to 24 with a warning; the profile then
 *   fails only if verification fails (method manual without any address or route);
 * - missing `id` = file name without `.nmconnection`; missing `uuid` = the v3 UUID of the path;
 * - `[ipv6]` absent → method auto; `addr-gen-mode` absent → eui64 (keyfile backward compat).
 * Writing produces NM's normalized keyfile (full [connection], [ethernet], [ipv4], [ipv6],
 * [proxy]) as `nmcli connection modify/add` leave it on disk.
 *
 * Only ethernet and loopback profiles are modelled in depth; other settings nmcli knows
 * (802-1x, dcb, ...) are named in error messages but cannot be set.
 */
import { fmtIp, parseIpv4, type Ipv4Addr } from '../../wire/types.ts';
import { keyfileUuid } from './md5.ts';

export interface Ip4Address { addr: Ipv4Addr; prefix: number }
export interface Ip4Route { dst: Ipv4Addr; prefix: number; nh: Ipv4Addr | null; metric: number | null }

/** Connection type as NM names the main setting. */
export type ConType = '802-3-ethernet' | 'loopback';

export interface Profile {
  id: string;
  uuid: string;
  type: ConType;
  interfaceName: string | null;
  autoconnect: boolean;
  autoconnectPriority: number;
  zone: string | null;
  timestamp: number;
  ipv4: {
    method: string;
    addresses: Ip4Address[];
    gateway: Ipv4Addr | null;
    routes: Ip4Route[];
    dns: Ipv4Addr[];
    dnsSearch: string[];
    routeMetric: number;
    neverDefault: boolean;
    mayFail: boolean;
    dhcpTimeout: number;
    ignoreAutoDns: boolean;
    ignoreAutoRoutes: boolean;
  };
  ipv6: { method: string; addrGenMode: string };
  ethernet: { mtu: number; mac: string | null };
  /** Other properties set by nmcli (`setting.prop` → display value). */
  other: Map<string, string>;
  /** Keyfile backing the profile; null for in-memory ones (the external lo profile). */
  filename: string | null;
  /** NM-generated in-memory profile of an externally configured device (lo). */
  external: boolean;
}

export const KEYFILE_DIR = '/etc/NetworkManager/system-connections';
export const KEYFILE_SUFFIX = '.nmconnection';

export function newProfile(id: string, uuid: string, type: ConType): Profile {
  return {
    id, uuid, type, interfaceName: null, autoconnect: true, autoconnectPriority: 0, zone: null, timestamp: 0,
    ipv4: {
      method: 'auto', addresses: [], gateway: null, routes: [], dns: [], dnsSearch: [], routeMetric: -1,
      neverDefault: false, mayFail: true, dhcpTimeout: 0, ignoreAutoDns: false, ignoreAutoRoutes: false,
    },
    ipv6: { method: 'auto', addrGenMode: 'default' },
    ethernet: { mtu: 0, mac: null },
    other: new Map(),
    filename: null,
    external: false,
  };
}

export function cloneProfile(p: Profile): Profile {
  return {
    ...p,
    ipv4: { ...p.ipv4, addresses: p.ipv4.addresses.map((a) => ({ ...a })), routes: p.ipv4.routes.map((r) => ({ ...r })), dns: [...p.ipv4.dns], dnsSearch: [...p.ipv4.dnsSearch] },
    ipv6: { ...p.ipv6 },
    ethernet: { ...p.ethernet },
    other: new Map(p.other),
  };
}

/** Connection type aliases accepted in keyfiles and by nmcli. */
export function canonType(t: string): ConType | null {
  if (t === 'ethernet' || t === '802-3-ethernet') return '802-3-ethernet';
  if (t === 'loopback') return 'loopback';
  return null;
}

/** TYPE column of nmcli (tabular: 'ethernet'; terse: the setting name). */
export function typeDisplay(t: ConType, terse: boolean): string {
  if (terse) return t;
  return t === '802-3-ethernet' ? 'ethernet' : t;
}

// ---- GKeyFile -----------------------------------------------------------------------------

export type Ini = Map<string, Map<string, string>>;

/** GKeyFile parsing: returns the groups or GLib's error message. */
export function parseKeyFile(text: string): Ini | string {
  const out: Ini = new Map();
  let group: Map<string, string> | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const t = line.replace(/^[ \t]+/, '');
    if (t === '' || t.startsWith('#')) continue;
    if (t.startsWith('[')) {
      const m = /^\[([^\][]*)\]\s*$/.exec(t);
      if (!m) return `Key file contains line “${line}” which is not a key-value pair, group, or comment`;
      group = out.get(m[1]) ?? new Map();
      out.set(m[1], group);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || line.slice(0, eq).trim() === '') return `Key file contains line “${line}” which is not a key-value pair, group, or comment`;
    if (!group) return 'Key file does not start with a group';
    const key = line.slice(0, eq).trim();
    group.set(key, line.slice(eq + 1).replace(/^[ \t]+/, ''));
  }
  return out;
}

/** The placeholder's simple INI reader, kept for presets and other readers. */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const r = parseKeyFile(text);
  return typeof r === 'string' ? new Map() : r;
}

function kfBool(v: string | undefined, def: boolean): boolean {
  if (v === undefined) return def;
  const s = v.trim().toLowerCase();
  if (s === 'true' || s === '1' || s === 'yes') return true;
  if (s === 'false' || s === '0' || s === 'no') return false;
  return def;
}

function kfList(v: string | undefined): string[] {
  if (!v) return [];
  return v.split(/[;,]/).map((x) => x.trim()).filter((x) => x !== '');
}

// ---- reading --------------------------------------------------------------------------------

export interface ReadResult {
  profile: Profile | null;
  /** NM's warning texts for the journal (without the "keyfile: " prefix). */
  warnings: string[];
  /** Why the file failed to load (after "failed to load connection: "). */
  error: string | null;
}

const ADDR_CHARS = /^[0-9A-Fa-f:.]*$/;

/** Split "ADDR/PLEN,GW[,METRIC]" the way read_one_ip_address_or_route does (delimiters / , ; and space). */
function readAddrOrRoute(key: string, value: string, route: boolean, warn: (m: string) => void):
  { addr: string; plen: number; gw: string | null; metric: number | null } | null {
  const v = value.trim().replace(/;$/, '');
  const m = /^([^/,; ]*)(?:\/([^,; ]*))?(?:[,; ]+([^,; ]*))?(?:[,; ]+([^,; ]*))?(.*)$/.exec(v)!;
  const [, a, plenStr, gw, metric, rest] = m;
  if (!ADDR_CHARS.test(a)) {
    const i = [...a].findIndex((c) => !/[0-9A-Fa-f:.]/.test(c));
    warn(`unexpected character '${a[i]}' for address ${key}: '${value}' (position ${i})`);
    return null;
  }
  if (rest.trim() !== '' || (!route && metric)) { warn(`garbage at the end of value ${key}: '${value}'`); return null; }
  let plen = 24;
  if (plenStr === undefined || plenStr === '') warn(`missing prefix length for ${key} '${value}', defaulting to 24`);
  else if (!/^\d+$/.test(plenStr) || Number(plenStr) > 32) warn(`invalid prefix length for ${key} '${value}', defaulting to 24`);
  else plen = Number(plenStr);
  return { addr: a, plen, gw: gw || null, metric: metric ? Number(metric) : null };
}

/** nm-keyfile.c reading plus normalization and verification. */
export function readKeyfile(text: string, path: string): ReadResult {
  const warnings: string[] = [];
  const ini = parseKeyFile(text);
  if (typeof ini === 'string') return { profile: null, warnings, error: ini };
  const con = ini.get('connection') ?? new Map<string, string>();
  const base = path.slice(path.lastIndexOf('/') + 1);
  const fileId = base.endsWith(KEYFILE_SUFFIX) ? base.slice(0, -KEYFILE_SUFFIX.length) : base;
  let typeRaw = con.get('type');
  if (typeRaw === undefined) {
    if (ini.has('ethernet') || ini.has('802-3-ethernet')) typeRaw = 'ethernet';
    else if (ini.has('loopback')) typeRaw = 'loopback';
  }
  if (typeRaw === undefined) return { profile: null, warnings, error: 'invalid connection: connection.type: property is missing' };
  const type = canonType(typeRaw.trim());
  if (!type) return { profile: null, warnings, error: `invalid connection: connection.type: connection type '${typeRaw.trim()}' is not valid` };
  const p = newProfile(con.get('id') ?? fileId, con.get('uuid')?.trim() || keyfileUuid(path), type);
  if (p.id === '') p.id = fileId;
  p.filename = path;
  p.interfaceName = con.get('interface-name')?.trim() || null;
  p.autoconnect = kfBool(con.get('autoconnect'), true);
  p.autoconnectPriority = Number(con.get('autoconnect-priority') ?? 0) || 0;
  p.zone = con.get('zone') || null;
  p.timestamp = Number(con.get('timestamp') ?? 0) || 0;
  if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(p.uuid)) {
    return { profile: null, warnings, error: `invalid connection: connection.uuid: '${p.uuid}' is not a valid UUID` };
  }
  const eth = ini.get('ethernet') ?? ini.get('802-3-ethernet');
  if (eth?.has('mtu')) p.ethernet.mtu = Number(eth.get('mtu')) || 0;
  if (eth?.has('mac-address')) p.ethernet.mac = eth.get('mac-address')!.trim().toUpperCase();

  const v4 = ini.get('ipv4');
  if (v4) {
    const warn = (m: string) => warnings.push(`ipv4.addresses: ${m}`);
    const keys = [...v4.keys()];
    // address1..N and addresses (NM reads "addresses", "address", then address1.. in numeric order)
    const addrKeys = keys.filter((k) => /^address(es)?\d*$/.test(k)).sort((a, b) => keyOrder(a) - keyOrder(b));
    let firstGw: string | null = null;
    for (const k of addrKeys) {
      const r = readAddrOrRoute(k, v4.get(k)!, false, warn);
      if (!r) continue;
      const ip = parseIpv4(r.addr);
      if (ip === null) { warn(`ignoring invalid IPv4 address: Invalid IPv4 address '${r.addr}'`); continue; }
      p.ipv4.addresses.push({ addr: ip, prefix: r.plen });
      if (r.gw && firstGw === null) firstGw = r.gw;
    }
    const gwStr = v4.get('gateway')?.trim() || firstGw;
    if (gwStr) {
      const g = parseIpv4(gwStr);
      if (g === null) warnings.push(`ipv4.gateway: ignoring invalid gateway '${gwStr}'`);
      else p.ipv4.gateway = g;
    }
    const routeKeys = keys.filter((k) => /^routes?\d*$/.test(k)).sort((a, b) => keyOrder(a) - keyOrder(b));
    for (const k of routeKeys) {
      const r = readAddrOrRoute(k, v4.get(k)!, true, (m) => warnings.push(`ipv4.routes: ${m}`));
      if (!r) continue;
      const dst = parseIpv4(r.addr);
      const nh = r.gw ? parseIpv4(r.gw) : null;
      if (dst === null || (r.gw && nh === null)) { warnings.push(`ipv4.routes: ignoring invalid IPv4 route: Invalid IPv4 address '${dst === null ? r.addr : r.gw}'`); continue; }
      p.ipv4.routes.push({ dst: ((dst & maskOf(r.plen)) >>> 0) as Ipv4Addr, prefix: r.plen, nh: nh && nh !== 0 ? nh : null, metric: r.metric });
    }
    for (const d of kfList(v4.get('dns'))) {
      const ip = parseIpv4(d);
      if (ip === null) warnings.push(`ipv4.dns: ignoring invalid DNS server IPv4 address '${d}'`);
      else p.ipv4.dns.push(ip);
    }
    p.ipv4.dnsSearch = kfList(v4.get('dns-search'));
    if (v4.has('route-metric')) p.ipv4.routeMetric = Number(v4.get('route-metric')) || -1;
    p.ipv4.neverDefault = kfBool(v4.get('never-default'), false);
    p.ipv4.mayFail = kfBool(v4.get('may-fail'), true);
    p.ipv4.ignoreAutoDns = kfBool(v4.get('ignore-auto-dns'), false);
    p.ipv4.ignoreAutoRoutes = kfBool(v4.get('ignore-auto-routes'), false);
    p.ipv4.dhcpTimeout = Number(v4.get('dhcp-timeout') ?? 0) || 0;
    const m = v4.get('method')?.trim();
    p.ipv4.method = m || (p.ipv4.addresses.length ? 'manual' : 'auto');
  } else if (type === 'loopback') {
    p.ipv4.method = 'auto';
  }
  const v6 = ini.get('ipv6');
  p.ipv6.method = v6?.get('method')?.trim() || 'auto';
  p.ipv6.addrGenMode = v6?.get('addr-gen-mode')?.trim() || 'eui64';
  const err = verifyProfile(p);
  if (err) return { profile: null, warnings, error: `invalid connection: ${err}` };
  return { profile: p, warnings, error: null };
}

function keyOrder(k: string): number {
  const n = /\d+$/.exec(k);
  if (!n) return k.startsWith('addresses') || k.startsWith('routes') ? -2 : -1;
  return Number(n[0]);
}

function maskOf(p: number): number { return p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0; }

const IP4_METHODS = ['auto', 'link-local', 'manual', 'shared', 'disabled'];
const IP6_METHODS = ['ignore', 'auto', 'dhcp', 'link-local', 'manual', 'shared', 'disabled'];

/** nm_connection_verify for what the lab models; null when valid. */
export function verifyProfile(p: Profile): string | null {
  if (!p.id) return 'connection.id: property is missing';
  if (!IP4_METHODS.includes(p.ipv4.method)) return `ipv4.method: property is invalid`;
  if (!IP6_METHODS.includes(p.ipv6.method)) return `ipv6.method: property is invalid`;
  if (p.ipv4.method === 'manual' && p.ipv4.addresses.length === 0 && p.ipv4.routes.length === 0) {
    return "ipv4.method: method 'manual' requires at least an address or a route";
  }
  if (['link-local', 'shared', 'disabled'].includes(p.ipv4.method)) {
    const m = `this property is not allowed for 'method=${p.ipv4.method}'`;
    if (p.ipv4.dns.length) return `ipv4.dns: ${m}`;
    if (p.ipv4.dnsSearch.length) return `ipv4.dns-search: ${m}`;
    if (p.ipv4.method !== 'shared' && p.ipv4.addresses.length) return `ipv4.addresses: ${m}`;
  }
  if (p.type === 'loopback') {
    if (!['auto', 'manual'].includes(p.ipv4.method)) return `ipv4.method: ipv4 method "${p.ipv4.method}" is not supported for loopback`;
    if (!['auto', 'manual'].includes(p.ipv6.method)) return `ipv6.method: ipv6 method "${p.ipv6.method}" is not supported for loopback`;
  }
  if (p.interfaceName !== null && !/^[^\s/:]{1,15}$/.test(p.interfaceName)) {
    return `connection.interface-name: '${p.interfaceName}': interface name contains an invalid character`;
  }
  return null;
}

// ---- writing --------------------------------------------------------------------------------

export function fmtAddr(a: Ip4Address): string { return `${fmtIp(a.addr)}/${a.prefix}`; }

/** The keyfile NetworkManager writes for a profile (nms-keyfile-writer.c, normalized). */
export function writeKeyfile(p: Profile): string {
  const L: string[] = ['[connection]', `id=${p.id}`, `uuid=${p.uuid}`, `type=${p.type === '802-3-ethernet' ? 'ethernet' : 'loopback'}`];
  if (!p.autoconnect) L.push('autoconnect=false');
  if (p.autoconnectPriority) L.push(`autoconnect-priority=${p.autoconnectPriority}`);
  if (p.interfaceName) L.push(`interface-name=${p.interfaceName}`);
  if (p.timestamp) L.push(`timestamp=${p.timestamp}`);
  if (p.zone) L.push(`zone=${p.zone}`);
  L.push('');
  if (p.type === '802-3-ethernet') {
    L.push('[ethernet]');
    if (p.ethernet.mac) L.push(`mac-address=${p.ethernet.mac}`);
    if (p.ethernet.mtu) L.push(`mtu=${p.ethernet.mtu}`);
    L.push('');
  } else {
    L.push('[loopback]');
    if (p.ethernet.mtu) L.push(`mtu=${p.ethernet.mtu}`);
    L.push('');
  }
  L.push('[ipv4]');
  p.ipv4.addresses.forEach((a, i) => L.push(`address${i + 1}=${fmtAddr(a)}`));
  if (p.ipv4.dns.length) L.push(`dns=${p.ipv4.dns.map(fmtIp).join(';')};`);
  if (p.ipv4.dnsSearch.length) L.push(`dns-search=${p.ipv4.dnsSearch.join(';')};`);
  if (p.ipv4.gateway !== null) L.push(`gateway=${fmtIp(p.ipv4.gateway)}`);
  if (p.ipv4.ignoreAutoDns) L.push('ignore-auto-dns=true');
  if (p.ipv4.ignoreAutoRoutes) L.push('ignore-auto-routes=true');
  if (!p.ipv4.mayFail) L.push('may-fail=false');
  L.push(`method=${p.ipv4.method}`);
  if (p.ipv4.neverDefault) L.push('never-default=true');
  if (p.ipv4.routeMetric !== -1) L.push(`route-metric=${p.ipv4.routeMetric}`);
  p.ipv4.routes.forEach((r, i) => L.push(`route${i + 1}=${fmtIp(r.dst)}/${r.prefix}${r.nh !== null || r.metric !== null ? ',' + fmtIp(r.nh ?? (0 as Ipv4Addr)) : ''}${r.metric !== null ? ',' + r.metric : ''}`));
  L.push('', '[ipv6]', `addr-gen-mode=${p.ipv6.addrGenMode}`, `method=${p.ipv6.method}`, '', '[proxy]', '');
  return L.join('\n');
}

/** A file name nmcli would give a new profile: the id, with '/' replaced (nm_keyfile_utils_create_filename). */
export function keyfileNameFor(id: string): string {
  const s = id.replace(/\//g, '*');
  return `${KEYFILE_DIR}/${s}${KEYFILE_SUFFIX}`;
}
