/**
 * iptables extensions (libxt_*.c / libipt_*.c of iptables 1.8.10) and what the kernel does
 * with them: each match and target knows its options (as getopt_long sees them), how it
 * parses them (with the same error messages), how `iptables -L` prints it, how
 * `iptables-save` writes it, and how it judges or acts on a packet.
 *
 * "Guided" extensions use libxtables' xtoptions.c rules (option used twice → "can only be
 * used once", `!` where not allowed → "cannot be inverted", mandatory and exclusive options
 * checked at the end); old-style ones (tcp, udp, icmp) parse by hand, as their C code does.
 *
 * Rule equality (-D by specification, -C) compares the save text, which is what the kernel's
 * stored form comes down to: `--set-mark 6666` equals `--set-xmark 0x1a0a/0xffffffff`.
 */
import { ipv4BufferLen } from '../wire/ipv4.ts';
import { IpProto, TcpFlag, fmtIp, fmtMac, parseIpv4, type Ipv4Repr } from '../wire/types.ts';
import type { Skb } from './hooks.ts';
import { CtState, type CtRef } from './conntrack.ts';

// ---- errors ------------------------------------------------------------------------------------

/** How an error is reported (libxtables' exit types and the nft frontend's errno path). */
export type ErrKind =
  | 'param'     // PARAMETER_PROBLEM: "prog v1.8.10 (nf_tables): msg" + Try line, exit 2
  | 'version'   // VERSION_PROBLEM: + "Perhaps iptables or your kernel needs to be upgraded.", exit 3
  | 'other'     // OTHER_PROBLEM: prefix + msg, exit 1
  | 'resource'  // RESOURCE_PROBLEM (kernel refused a batch): prefix + msg, exit 4
  | 'errno'     // "iptables: msg." exit 1
  | 'badarg';   // "Bad argument `x'" + Try line, exit 2 (no prefix)

export class IptError extends Error {
  constructor(readonly kind: ErrKind, msg: string) { super(msg); }
  get status(): number {
    switch (this.kind) {
      case 'param': case 'badarg': return 2;
      case 'version': return 3;
      case 'resource': return 4;
      default: return 1;
    }
  }
}

export const perr = (msg: string): IptError => new IptError('param', msg);

// ---- numbers -------------------------------------------------------------------------------------

/** strtoumax(s, &end, 0): leading blanks and '+', 0x hex, 0 octal, decimal. */
export function strtoul0(s: string): { v: number; end: number } | null {
  let i = 0;
  while (i < s.length && /\s/.test(s[i])) i++;
  if (s[i] === '-') return null;
  if (s[i] === '+') i++;
  let base = 10;
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && /[0-9a-fA-F]/.test(s[i + 2] ?? '')) { base = 16; i += 2; }
  else if (s[i] === '0') base = 8;
  const start = i;
  let v = 0;
  const digits = base === 16 ? /[0-9a-fA-F]/ : base === 8 ? /[0-7]/ : /[0-9]/;
  while (i < s.length && digits.test(s[i])) { v = v * base + parseInt(s[i], 16); i++; }
  if (i === start) return null;
  return { v, end: i };
}

/** xtables_strtoui(s, NULL, ...): the whole string is a number within [min, max]. */
export function strtouiAll(s: string, min: number, max: number): number | null {
  const r = strtoul0(s);
  if (!r || r.end !== s.length || r.v < min || r.v > max) return null;
  return r.v;
}

// ---- services (/etc/services) -------------------------------------------------------------------

export interface Services {
  byName(name: string, proto: string): number | null;
  byPort(port: number, proto: string): string | null;
}

/** RHEL's /etc/services entries the lab cares about (fallback when the file cannot be read). */
const BUILTIN_SERVICES = `ftp-data 20/tcp
ftp 21/tcp
ssh 22/tcp
telnet 23/tcp
smtp 25/tcp mail
domain 53/tcp
domain 53/udp
http 80/tcp www www-http
http 80/udp www www-http
pop3 110/tcp pop-3
ntp 123/udp
imap 143/tcp imap2
snmp 161/udp
https 443/tcp
https 443/udp
mysql 3306/tcp
http-alt 8080/tcp webcache
`;

export function parseServices(text: string | null): Services {
  const byName = new Map<string, number>();
  const byPort = new Map<string, string>();
  for (const raw of (text ?? BUILTIN_SERVICES).split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const f = line.split(/\s+/);
    const m = /^(\d+)\/(\w+)$/.exec(f[1] ?? '');
    if (!m) continue;
    const port = Number(m[1]);
    const proto = m[2];
    for (const n of [f[0], ...f.slice(2)]) if (!byName.has(`${n}/${proto}`)) byName.set(`${n}/${proto}`, port);
    if (!byPort.has(`${port}/${proto}`)) byPort.set(`${port}/${proto}`, f[0]);
  }
  return {
    byName: (n, p) => byName.get(`${n}/${p}`) ?? null,
    byPort: (port, p) => byPort.get(`${port}/${p}`) ?? null,
  };
}

export const DEFAULT_SERVICES = parseServices(null);

// ---- protocols ----------------------------------------------------------------------------------

/** xtables_chain_protos (numbers print as these names; `-n` prints the number). */
const CHAIN_PROTOS: [string, number][] = [
  ['tcp', 6], ['sctp', 132], ['udp', 17], ['udplite', 136], ['icmp', 1], ['icmpv6', 58], ['ipv6-icmp', 58],
  ['esp', 50], ['ah', 51], ['ipv6-mh', 135], ['mh', 135], ['all', 0],
];
/** /etc/protocols names beyond those (getprotobyname / getprotobynumber). */
const ETC_PROTOCOLS: [string, number][] = [
  ['ip', 0], ['icmp', 1], ['igmp', 2], ['ipencap', 4], ['tcp', 6], ['egp', 8], ['udp', 17], ['gre', 47],
  ['esp', 50], ['ah', 51], ['vrrp', 112], ['sctp', 132], ['dccp', 33], ['ospf', 89], ['pim', 103],
];

export function parseProtocol(s: string): number {
  const n = strtouiAll(s, 0, 255);
  if (n !== null) return n;
  for (const [name, num] of CHAIN_PROTOS) if (name === s) return num;
  for (const [name, num] of ETC_PROTOCOLS) if (name === s) return num;
  throw perr(`unknown protocol "${s}" specified`);
}

/** proto_to_name(proto, nolookup). */
export function protoName(proto: number, nolookup: boolean): string | null {
  for (const [name, num] of CHAIN_PROTOS) if (num === proto) return name;
  if (proto && !nolookup) for (const [name, num] of ETC_PROTOCOLS) if (num === proto) return name;
  return null;
}

// ---- option tables -----------------------------------------------------------------------------

export interface OptEntry {
  readonly name: string;
  readonly id: number;
  /** getopt has_arg: 0 none, 1 required, 2 optional. */
  readonly hasArg: 0 | 1 | 2;
  readonly invert?: boolean;
  readonly mand?: boolean;
  readonly multi?: boolean;
  /** Bitmask of option ids this one excludes. */
  readonly excl?: number;
}

/** Everything an extension's parser may look at. */
export interface ParseCtx {
  /** Protocol of the rule so far (`-p`), and whether it was negated. */
  readonly proto: number;
  readonly invProto: boolean;
  readonly services: Services;
  /** The next argv word (for --tcp-flags' second argument) and a way to consume it. */
  peek(): string | undefined;
  consume(): void;
}

export interface PrintCtx {
  readonly numeric: boolean;
  readonly services: Services;
  readonly proto: number;
}

/** The view of a packet a match or target gets. */
export interface PktCtx {
  readonly skb: Skb;
  readonly hook: number;
  readonly ct: CtRef | undefined;
  /** Source MAC of the frame the packet arrived in, or null. */
  srcMac(): number | null;
}

export interface MatchExt<D = any> {
  readonly name: string;
  readonly opts: readonly OptEntry[];
  /** xtoptions-guided (generic once/invert/mandatory checks). */
  readonly guided: boolean;
  init(): D;
  parse(d: D, o: OptEntry, arg: string | undefined, invert: boolean, pc: ParseCtx): void;
  final?(d: D, xflags: number, pc: ParseCtx): void;
  print(d: D, pc: PrintCtx): string;
  save(d: D, pc: PrintCtx): string;
  match(d: D, ip: Ipv4Repr, k: PktCtx): boolean;
  /** Hooks the kernel allows it in (bitmask of Hook values), when restricted. */
  readonly hooks?: number;
  /** Needs connection tracking. */
  readonly needsCt?: boolean;
  /** Omitted from the rule when nothing was set (nft's tcp_all_zero). */
  isEmpty?(d: D): boolean;
}

/** What a target's action returns: a verdict, or continue with the next rule. */
export type TgResult = 'CONTINUE' | 'ACCEPT' | 'DROP' | 'STOLEN';

export interface TargetCtx extends PktCtx {
  /** Send an ICMP error or RST on behalf of REJECT. */
  reject(type: string): void;
  /** Kernel log line for LOG. */
  log(prefix: string, level: number, flags: number): void;
  /** NAT binding for the packet's connection. */
  nat(kind: 'dnat' | 'snat' | 'masq' | 'redirect', range: NatSpec | null): TgResult;
  setCtMark(fn: (m: number) => number): void;
  ctMark(): number;
  notrack(): void;
}

export interface TargetExt<D = any> {
  readonly name: string;
  readonly opts: readonly OptEntry[];
  readonly guided: boolean;
  init(): D;
  parse(d: D, o: OptEntry, arg: string | undefined, invert: boolean, pc: ParseCtx): void;
  final?(d: D, xflags: number, pc: ParseCtx): void;
  print(d: D, pc: PrintCtx): string;
  save(d: D, pc: PrintCtx): string;
  exec(d: D, ip: Ipv4Repr, k: TargetCtx): TgResult;
  /** Kernel check: null when valid in this table/hook, else true (→ EINVAL). */
  invalid?(d: D, table: string, hook: number | null, proto: number, invProto: boolean): boolean;
  readonly needsCt?: boolean;
  /** Name in the -L target column when it differs (NOTRACK is the kernel's CT target). */
  readonly listName?: string;
}

const HK = { PRE: 1 << 0, IN: 1 << 1, FWD: 1 << 2, OUT: 1 << 3, POST: 1 << 4 } as const;

// ---- helpers ------------------------------------------------------------------------------------

function parsePort(s: string, proto: string, sv: Services): number {
  const n = strtouiAll(s, 0, 65535);
  if (n !== null) return n;
  const p = sv.byName(s, proto);
  if (p !== null) return p;
  throw perr(`invalid port/service \`${s}' specified`);
}

function portText(port: number, proto: string, pc: PrintCtx): string {
  if (pc.numeric) return String(port);
  return pc.services.byPort(port, proto) ?? String(port);
}

/** xtables_save_string. */
export function saveString(v: string): string {
  if (/^[_\-0-9a-zA-Z]+$/.test(v)) return ' ' + v;
  return ' "' + v.replace(/["\\']/g, (c) => '\\' + c) + '"';
}

function hex(n: number): string { return (n >>> 0).toString(16); }

/** xtables_parse_mark_mask (XTTYPE_MARKMASK32). */
function parseMarkMask(ext: string, opt: string, arg: string): { mark: number; mask: number } {
  const bad = () => perr(`${ext}: bad integer value for option "--${opt}", or out of range.\n`);
  const r = strtoul0(arg);
  if (!r || r.v > 0xffffffff) throw bad();
  if (r.end === arg.length) return { mark: r.v >>> 0, mask: 0xffffffff };
  if (arg[r.end] !== '/') throw perr(`${ext}: trailing garbage after value for option "--${opt}".\n`);
  const rest = arg.slice(r.end + 1);
  const m = strtoul0(rest);
  if (!m || m.v > 0xffffffff) throw bad();
  if (m.end !== rest.length) throw perr(`${ext}: trailing garbage after value for option "--${opt}".\n`);
  return { mark: r.v >>> 0, mask: m.v >>> 0 };
}

function parseU32(ext: string, opt: string, arg: string, min = 0, max = 0xffffffff): number {
  const v = strtouiAll(arg, min, max);
  if (v === null) throw perr(`${ext}: bad value for option "--${opt}", or out of range (${min}-${max}).\n`);
  return v;
}

function markMaskText(mark: number, mask: number): string {
  return mask === 0xffffffff ? ` 0x${hex(mark)}` : ` 0x${hex(mark)}/0x${hex(mask)}`;
}

function pktLen(ip: Ipv4Repr): number { return ipv4BufferLen(ip); }
export { pktLen };

// ---- tcp / udp ------------------------------------------------------------------------------------

interface PortsData { spts: [number, number]; dpts: [number, number]; invS: boolean; invD: boolean; flgMask: number; flgCmp: number; invF: boolean; flags: number; option: number; invO: boolean }

const TCP_FLAG_NAMES: [string, number][] = [['FIN', 1], ['SYN', 2], ['RST', 4], ['PSH', 8], ['ACK', 16], ['URG', 32], ['ALL', 0x3f], ['NONE', 0]];

function parseTcpFlag(s: string): number {
  let r = 0;
  for (const p of s.split(',').filter((x) => x !== '')) {
    const f = TCP_FLAG_NAMES.find(([n]) => n.toLowerCase() === p.toLowerCase());
    if (!f) throw perr(`Unknown TCP flag \`${p}'`);
    r |= f[1];
  }
  return r;
}

function tcpfText(flags: number): string {
  const out: string[] = [];
  let f = flags;
  while (f) {
    const e = TCP_FLAG_NAMES.find(([, v]) => (f & v) !== 0)!;
    out.push(e[0]);
    f &= ~e[1];
  }
  return out.length ? out.join(',') : 'NONE';
}

function parsePortRange(s: string, proto: string, sv: Services): [number, number] {
  const i = s.indexOf(':');
  if (i < 0) { const p = parsePort(s, proto, sv); return [p, p]; }
  const a = s.slice(0, i);
  const b = s.slice(i + 1);
  const lo = a ? parsePort(a, proto, sv) : 0;
  const hi = b ? parsePort(b, proto, sv) : 0xffff;
  if (lo > hi) throw perr('invalid portrange (min > max)');
  return [lo, hi];
}

function portsListText(name: string, r: [number, number], inv: boolean, proto: string, pc: PrintCtx): string {
  if (r[0] === 0 && r[1] === 0xffff && !inv) return '';
  const i = inv ? '!' : '';
  if (r[0] === r[1]) return ` ${name}:${i}${portText(r[0], proto, pc)}`;
  return ` ${name}s:${i}${portText(r[0], proto, pc)}:${portText(r[1], proto, pc)}`;
}

function portsSaveText(opt: string, r: [number, number], inv: boolean): string {
  if (r[0] === 0 && r[1] === 0xffff) return '';
  return `${inv ? ' !' : ''} --${opt} ${r[0] === r[1] ? r[0] : `${r[0]}:${r[1]}`}`;
}

const inRange = (v: number, r: [number, number]) => v >= r[0] && v <= r[1];

function makePortMatch(name: 'tcp' | 'udp'): MatchExt<PortsData> {
  const opts: OptEntry[] = [
    { name: 'source-port', id: 1, hasArg: 1 }, { name: 'sport', id: 1, hasArg: 1 },
    { name: 'destination-port', id: 2, hasArg: 1 }, { name: 'dport', id: 2, hasArg: 1 },
  ];
  if (name === 'tcp') opts.push({ name: 'syn', id: 3, hasArg: 0 }, { name: 'tcp-flags', id: 4, hasArg: 1 }, { name: 'tcp-option', id: 5, hasArg: 1 });
  return {
    name, opts, guided: false,
    init: () => ({ spts: [0, 0xffff], dpts: [0, 0xffff], invS: false, invD: false, flgMask: 0, flgCmp: 0, invF: false, flags: 0, option: 0, invO: false }),
    parse(d, o, arg, invert, pc) {
      switch (o.id) {
        case 1:
          if (d.flags & 1) throw perr(name === 'tcp' ? "Only one `--source-port' allowed" : "Only one `--source-port' allowed");
          d.spts = parsePortRange(arg!, name, pc.services); d.invS = invert; d.flags |= 1; break;
        case 2:
          if (d.flags & 2) throw perr("Only one `--destination-port' allowed");
          d.dpts = parsePortRange(arg!, name, pc.services); d.invD = invert; d.flags |= 2; break;
        case 3:
          if (d.flags & 4) throw perr("Only one of `--syn' or `--tcp-flags'  allowed");
          d.flgMask = 0x17; d.flgCmp = 0x02; d.invF = invert; d.flags |= 4; break;
        case 4: {
          if (d.flags & 4) throw perr("Only one of `--syn' or `--tcp-flags'  allowed");
          const next = pc.peek();
          if (next === undefined || next[0] === '-' || next[0] === '!') throw perr('--tcp-flags requires two args.');
          d.flgMask = parseTcpFlag(arg!); d.flgCmp = parseTcpFlag(next); pc.consume();
          d.invF = invert; d.flags |= 4; break;
        }
        case 5: {
          if (d.flags & 8) throw perr("Only one `--tcp-option' allowed");
          const v = strtouiAll(arg!, 1, 255);
          if (v === null) throw perr(`Bad TCP option "${arg}"`);
          d.option = v; d.invO = invert; d.flags |= 8; break;
        }
      }
    },
    isEmpty: (d) => d.spts[0] === 0 && d.spts[1] === 0xffff && d.dpts[0] === 0 && d.dpts[1] === 0xffff && !d.invS && !d.invD && !d.flgMask && !d.invF && !d.option && !d.invO,
    print(d, pc) {
      let s = ` ${name}` + portsListText('spt', d.spts, d.invS, name, pc) + portsListText('dpt', d.dpts, d.invD, name, pc);
      if (d.option || d.invO) s += ` option=${d.invO ? '!' : ''}${d.option}`;
      if (d.flgMask || d.invF) {
        s += ` flags:${d.invF ? '!' : ''}`;
        s += pc.numeric ? `0x${d.flgMask.toString(16).toUpperCase().padStart(2, '0')}/0x${d.flgCmp.toString(16).toUpperCase().padStart(2, '0')}`
          : `${tcpfText(d.flgMask)}/${tcpfText(d.flgCmp)}`;
      }
      return s;
    },
    save(d) {
      let s = portsSaveText('sport', d.spts, d.invS) + portsSaveText('dport', d.dpts, d.invD);
      if (d.option || d.invO) s += `${d.invO ? ' !' : ''} --tcp-option ${d.option}`;
      if (d.flgMask || d.invF) s += `${d.invF ? ' !' : ''} --tcp-flags ${tcpfText(d.flgMask)} ${tcpfText(d.flgCmp)}`;
      return s;
    },
    match(d, ip) {
      const p = ip.payload;
      if (p.kind !== name) return false;
      if (inRange(p.srcPort, d.spts) === d.invS) return false;
      if (inRange(p.dstPort, d.dpts) === d.invD) return false;
      if (name === 'tcp' && p.kind === 'tcp') {
        if (d.flgMask || d.invF) { if (((p.flags & d.flgMask) === d.flgCmp) === d.invF) return false; }
        if (d.option) {
          const kinds = p.options.map((x) => x.kind === 'mss' ? 2 : x.kind === 'ws' ? 3 : x.kind === 'sackPerm' ? 4 : x.kind === 'sack' ? 5 : x.kind === 'ts' ? 8 : x.kind === 'toa' ? 254 : x.kind === 'unknown' ? x.type : x.kind === 'nop' ? 1 : 0);
          if (kinds.includes(d.option) === d.invO) return false;
        }
      }
      return true;
    },
  };
}

export const TCP_MATCH = makePortMatch('tcp');
export const UDP_MATCH = makePortMatch('udp');

// ---- icmp ---------------------------------------------------------------------------------------

interface IcmpData { type: number; codeMin: number; codeMax: number; inv: boolean; set: boolean }

const ICMP_CODES: [string, number, number, number][] = [
  ['any', 0xff, 0, 0xff],
  ['echo-reply', 0, 0, 0xff], ['pong', 0, 0, 0xff],
  ['destination-unreachable', 3, 0, 0xff],
  ['network-unreachable', 3, 0, 0], ['host-unreachable', 3, 1, 1], ['protocol-unreachable', 3, 2, 2],
  ['port-unreachable', 3, 3, 3], ['fragmentation-needed', 3, 4, 4], ['source-route-failed', 3, 5, 5],
  ['network-unknown', 3, 6, 6], ['host-unknown', 3, 7, 7], ['network-prohibited', 3, 9, 9], ['host-prohibited', 3, 10, 10],
  ['TOS-network-unreachable', 3, 11, 11], ['TOS-host-unreachable', 3, 12, 12], ['communication-prohibited', 3, 13, 13],
  ['host-precedence-violation', 3, 14, 14], ['precedence-cutoff', 3, 15, 15],
  ['source-quench', 4, 0, 0xff],
  ['redirect', 5, 0, 0xff], ['network-redirect', 5, 0, 0], ['host-redirect', 5, 1, 1], ['TOS-network-redirect', 5, 2, 2], ['TOS-host-redirect', 5, 3, 3],
  ['echo-request', 8, 0, 0xff], ['ping', 8, 0, 0xff],
  ['router-advertisement', 9, 0, 0xff], ['router-solicitation', 10, 0, 0xff],
  ['time-exceeded', 11, 0, 0xff], ['ttl-exceeded', 11, 0, 0xff], ['ttl-zero-during-transit', 11, 0, 0], ['ttl-zero-during-reassembly', 11, 1, 1],
  ['parameter-problem', 12, 0, 0xff], ['ip-header-bad', 12, 0, 0], ['required-option-missing', 12, 1, 1],
  ['timestamp-request', 13, 0, 0xff], ['timestamp-reply', 14, 0, 0xff],
  ['address-mask-request', 17, 0, 0xff], ['address-mask-reply', 18, 0, 0xff],
];

export const ICMP_MATCH: MatchExt<IcmpData> = {
  name: 'icmp', guided: false,
  opts: [{ name: 'icmp-type', id: 1, hasArg: 1 }],
  init: () => ({ type: 0xff, codeMin: 0, codeMax: 0xff, inv: false, set: false }),
  parse(d, _o, arg, invert) {
    // __parse_icmp (libxt_icmp.h): case-insensitive name prefixes, else type[/code] numbers.
    const a = arg!;
    let match = -1;
    for (let i = 0; i < ICMP_CODES.length; i++) {
      if (!ICMP_CODES[i][0].toLowerCase().startsWith(a.toLowerCase())) continue;
      if (match >= 0) throw perr(`Ambiguous ICMP type \`${a}': \`${ICMP_CODES[match][0]}' or \`${ICMP_CODES[i][0]}'?`);
      match = i;
    }
    if (match >= 0) {
      const e = ICMP_CODES[match];
      d.type = e[1]; d.codeMin = e[2]; d.codeMax = e[3];
    } else {
      const m = /^(\d+)(?:\/(\d+))?(.?)/.exec(a);
      const tv = m ? strtouiAll(m[1], 0, 255) : null;
      if (!m || tv === null) throw perr(`Unknown ICMP type \`${a}'`);
      d.type = tv;
      d.codeMin = 0; d.codeMax = 0xff;
      if (m[2] !== undefined) {
        const cv = strtouiAll(m[2], 0, 255);
        if (cv === null) throw perr(`Unknown ICMP code \`${a}'`);
        d.codeMin = d.codeMax = cv;
      }
      if (m[3]) throw perr(`unknown character ${m[3]}`);
    }
    d.inv = invert; d.set = true;
  },
  isEmpty: (d) => !d.set,
  print(d, pc) {
    if (pc.numeric) {
      let s = ` icmptype ${d.inv ? '!' : ''}${d.type}`;
      if (d.codeMin !== 0 || d.codeMax !== 0xff) s += d.codeMin === d.codeMax ? ` code ${d.codeMin}` : ` codes ${d.codeMin}-${d.codeMax}`;
      return s;
    }
    const e = ICMP_CODES.find(([, t, a, b]) => t === d.type && a === d.codeMin && b === d.codeMax);
    if (e) return ` icmp ${d.inv ? '!' : ''}${e[0]}`;
    return ` icmp ${d.inv ? '!' : ''}type ${d.type}` + (d.codeMin !== 0 || d.codeMax !== 0xff ? ` code ${d.codeMin}` : '');
  },
  save(d) {
    const t = d.type === 0xff ? 'any' : String(d.type);
    return `${d.inv ? ' !' : ''} --icmp-type ${t}${d.codeMin !== 0 || d.codeMax !== 0xff ? `/${d.codeMin}` : ''}`;
  },
  match(d, ip) {
    const p = ip.payload;
    if (p.kind !== 'icmp') return false;
    const hit = d.type === 0xff || (p.type === d.type && p.code >= d.codeMin && p.code <= d.codeMax);
    return hit !== d.inv;
  },
};

// ---- multiport ----------------------------------------------------------------------------------

interface MultiData { flags: 'sports' | 'dports' | 'ports' | null; ports: number[]; pflags: boolean[]; inv: boolean }

function checkMultiProto(pc: ParseCtx): string {
  if (pc.invProto) throw perr('multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP');
  const n = pc.proto === 6 ? 'tcp' : pc.proto === 17 ? 'udp' : pc.proto === 136 ? 'udplite' : pc.proto === 132 ? 'sctp' : pc.proto === 33 ? 'dccp' : null;
  if (n) return n;
  if (!pc.proto) throw perr("multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'");
  throw perr('multiport only works with TCP, UDP, UDPLITE, SCTP and DCCP');
}

export const MULTIPORT_MATCH: MatchExt<MultiData> = {
  name: 'multiport', guided: true,
  opts: [
    { name: 'source-ports', id: 0, hasArg: 1, invert: true, excl: 7 }, { name: 'sports', id: 0, hasArg: 1, invert: true, excl: 7 },
    { name: 'destination-ports', id: 1, hasArg: 1, invert: true, excl: 7 }, { name: 'dports', id: 1, hasArg: 1, invert: true, excl: 7 },
    { name: 'ports', id: 2, hasArg: 1, invert: true, excl: 7 },
  ],
  init: () => ({ flags: null, ports: [], pflags: [], inv: false }),
  parse(d, o, arg, invert, pc) {
    const proto = checkMultiProto(pc);
    const ports: number[] = [];
    const pflags: boolean[] = [];
    const parts = arg!.split(',');
    let i = 0;
    let k = 0;
    for (; k < parts.length && i < 15; k++, i++) {
      const cp = parts[k];
      const r = cp.indexOf(':');
      if (r >= 0 && i === 14) throw perr('too many ports specified');
      ports[i] = parsePort(r >= 0 ? cp.slice(0, r) : cp, proto, pc.services);
      pflags[i] = false;
      if (r >= 0) {
        pflags[i] = true;
        ports[++i] = parsePort(cp.slice(r + 1), proto, pc.services);
        pflags[i] = false;
        if (ports[i - 1] >= ports[i]) throw perr('invalid portrange specified');
      }
    }
    if (k < parts.length) throw perr('too many ports specified');
    d.ports = ports; d.pflags = pflags; d.inv = invert;
    d.flags = o.id === 0 ? 'sports' : o.id === 1 ? 'dports' : 'ports';
  },
  print(d, pc) {
    const proto = pc.proto === 17 ? 'udp' : 'tcp';
    let s = ` multiport ${d.flags ?? 'ERROR'} `;
    if (d.inv) s += ' !';
    for (let i = 0; i < d.ports.length; i++) {
      s += (i ? ',' : '') + portText(d.ports[i], proto, pc);
      if (d.pflags[i]) s += ':' + portText(d.ports[++i], proto, pc);
    }
    return s;
  },
  save(d) {
    let s = d.inv ? ' !' : '';
    s += ` --${d.flags} `;
    for (let i = 0; i < d.ports.length; i++) {
      s += (i ? ',' : '') + d.ports[i];
      if (d.pflags[i]) s += ':' + d.ports[++i];
    }
    return s;
  },
  match(d, ip) {
    const p = ip.payload;
    if (p.kind !== 'tcp' && p.kind !== 'udp') return false;
    const hit = (port: number) => {
      for (let i = 0; i < d.ports.length; i++) {
        if (d.pflags[i]) { if (port >= d.ports[i] && port <= d.ports[i + 1]) return true; i++; }
        else if (port === d.ports[i]) return true;
      }
      return false;
    };
    const m = d.flags === 'sports' ? hit(p.srcPort) : d.flags === 'dports' ? hit(p.dstPort) : hit(p.srcPort) || hit(p.dstPort);
    return m !== d.inv;
  },
};

// ---- conntrack / state --------------------------------------------------------------------------

interface CtData { mask: number; inv: boolean; set: boolean; alias: boolean }

const CT_STATE_ORDER: [string, number][] = [['INVALID', CtState.INVALID], ['NEW', CtState.NEW], ['RELATED', CtState.RELATED],
  ['ESTABLISHED', CtState.ESTABLISHED], ['UNTRACKED', CtState.UNTRACKED], ['SNAT', CtState.SNAT], ['DNAT', CtState.DNAT]];

function ctStateText(mask: number, stateOnly: boolean): string {
  const out: string[] = [];
  for (const [n, b] of CT_STATE_ORDER) {
    if (stateOnly && (n === 'SNAT' || n === 'DNAT')) continue;
    if (mask & b) out.push(n);
  }
  return out.join(',');
}

function parseStates(arg: string, which: 'ctstate' | 'state'): number {
  const bad = (s: string) => perr(which === 'ctstate' ? `Bad ctstate "${s}"` : `Bad state "${s}"`);
  const names = which === 'ctstate' ? ['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED', 'SNAT', 'DNAT']
    : ['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED'];
  let mask = 0;
  const parts = arg.split(',');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const rest = parts.slice(i).join(',');
    if (p === '') {
      if (i === parts.length - 1) throw perr(`"--${which}" requires a list of states with no spaces, e.g. ESTABLISHED,RELATED`);
      throw bad(rest);
    }
    const n = names.find((x) => x.toLowerCase().startsWith(p.toLowerCase()));
    if (!n) throw bad(rest);
    mask |= CT_STATE_ORDER.find(([x]) => x === n)![1];
  }
  return mask;
}

function ctMatches(mask: number, ct: CtRef | undefined): boolean {
  let st: number = ct ? ct.state : CtState.UNTRACKED;
  if (ct?.entry) {
    if (ct.entry.snat && (mask & CtState.SNAT)) st |= CtState.SNAT;
    if (ct.entry.dnat && (mask & CtState.DNAT)) st |= CtState.DNAT;
  }
  return (st & mask) !== 0;
}

export const CONNTRACK_MATCH: MatchExt<CtData> = {
  name: 'conntrack', guided: true, needsCt: true,
  opts: [{ name: 'ctstate', id: 0, hasArg: 1, invert: true }],
  init: () => ({ mask: 0, inv: false, set: false, alias: false }),
  parse(d, _o, arg, invert) { d.mask = parseStates(arg!, 'ctstate'); d.inv = invert; d.set = true; },
  final(d, xflags) { if (xflags === 0) throw perr('conntrack: At least one option is required'); void d; },
  print(d) { return `${d.inv ? ' !' : ''} ctstate ${ctStateText(d.mask, false)}`; },
  save(d) { return `${d.inv ? ' !' : ''} --ctstate ${ctStateText(d.mask, false)}`; },
  match(d, _ip, k) { return ctMatches(d.mask, k.ct) !== d.inv; },
};

export const STATE_MATCH: MatchExt<CtData> = {
  name: 'state', guided: true, needsCt: true,
  opts: [{ name: 'state', id: 0, hasArg: 1, invert: true, mand: true }],
  init: () => ({ mask: 0, inv: false, set: false, alias: true }),
  // iptables-nft keeps the negation (`! state NEW`) where legacy stored the complement.
  parse(d, _o, arg, invert) { d.mask = parseStates(arg!, 'state'); d.inv = invert; d.set = true; },
  print(d) { return `${d.inv ? ' !' : ''} state ${ctStateText(d.mask, true)}`; },
  save(d) { return `${d.inv ? ' !' : ''} --state ${ctStateText(d.mask, true)}`; },
  match(d, _ip, k) { return ctMatches(d.mask, k.ct) !== d.inv; },
};

// ---- mark / comment / iprange / mac / limit -------------------------------------------------------

interface MarkData { mark: number; mask: number; inv: boolean }

export const MARK_MATCH: MatchExt<MarkData> = {
  name: 'mark', guided: true,
  opts: [{ name: 'mark', id: 0, hasArg: 1, invert: true, mand: true }],
  init: () => ({ mark: 0, mask: 0xffffffff, inv: false }),
  parse(d, _o, arg, invert) { const r = parseMarkMask('mark', 'mark', arg!); d.mark = r.mark; d.mask = r.mask; d.inv = invert; },
  print(d) { return ` mark match${d.inv ? ' !' : ''}${markMaskText(d.mark, d.mask)}`; },
  save(d) { return `${d.inv ? ' !' : ''} --mark${markMaskText(d.mark, d.mask)}`; },
  match(d, _ip, k) { return (((k.skb.mark & d.mask) >>> 0) === (d.mark >>> 0)) !== d.inv; },
};

interface CommentData { text: string }

export const COMMENT_MATCH: MatchExt<CommentData> = {
  name: 'comment', guided: true,
  opts: [{ name: 'comment', id: 0, hasArg: 1, mand: true }],
  init: () => ({ text: '' }),
  parse(d, _o, arg) {
    if (arg!.length > 255) throw perr('Argument must have a maximum length of 255 characters\n');
    d.text = arg!;
  },
  print(d) { return ` /* ${d.text} */`; },
  save(d) { return ' --comment' + saveString(d.text); },
  match: () => true,
};

interface RangeData { src: [number, number] | null; dst: [number, number] | null; invS: boolean; invD: boolean }

function parseIpRange(ext: string, which: string, arg: string): [number, number] {
  const [a, b] = arg.split('-');
  const lo = parseIpv4(a);
  const bad = () => perr(`${ext}: Bad value for "--${which}" option: "${arg}"`);
  if (lo === null) throw bad();
  const hi = b === undefined ? lo : parseIpv4(b);
  if (hi === null) throw bad();
  return [lo, hi];
}

export const IPRANGE_MATCH: MatchExt<RangeData> = {
  name: 'iprange', guided: true,
  opts: [{ name: 'src-range', id: 0, hasArg: 1, invert: true }, { name: 'dst-range', id: 1, hasArg: 1, invert: true }],
  init: () => ({ src: null, dst: null, invS: false, invD: false }),
  parse(d, o, arg, invert) {
    if (o.id === 0) { d.src = parseIpRange('iprange', 'src-range', arg!); d.invS = invert; }
    else { d.dst = parseIpRange('iprange', 'dst-range', arg!); d.invD = invert; }
  },
  print(d) {
    let s = '';
    if (d.src) s += ` source IP range${d.invS ? ' !' : ''} ${fmtIp(d.src[0])}-${fmtIp(d.src[1])}`;
    if (d.dst) s += ` destination IP range${d.invD ? ' !' : ''} ${fmtIp(d.dst[0])}-${fmtIp(d.dst[1])}`;
    return s;
  },
  save(d) {
    let s = '';
    if (d.src) s += `${d.invS ? ' !' : ''} --src-range ${fmtIp(d.src[0])}-${fmtIp(d.src[1])}`;
    if (d.dst) s += `${d.invD ? ' !' : ''} --dst-range ${fmtIp(d.dst[0])}-${fmtIp(d.dst[1])}`;
    return s;
  },
  match(d, ip) {
    if (d.src && (ip.src >= d.src[0] && ip.src <= d.src[1]) === d.invS) return false;
    if (d.dst && (ip.dst >= d.dst[0] && ip.dst <= d.dst[1]) === d.invD) return false;
    return true;
  },
};

interface MacData { mac: number; inv: boolean }

export const MAC_MATCH: MatchExt<MacData> = {
  name: 'mac', guided: true, hooks: HK.PRE | HK.IN | HK.FWD,
  opts: [{ name: 'mac-source', id: 0, hasArg: 1, invert: true, mand: true }],
  init: () => ({ mac: 0, inv: false }),
  parse(d, _o, arg, invert) {
    const m = /^([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})$/.exec(arg!);
    if (!m) throw perr('Invalid MAC address specified.');
    let v = 0;
    for (let i = 1; i <= 6; i++) v = v * 256 + parseInt(m[i], 16);
    d.mac = v; d.inv = invert;
  },
  print(d) { return ` MAC${d.inv ? ' !' : ''} ${fmtMac(d.mac)}`; },
  save(d) { return `${d.inv ? ' !' : ''} --mac-source ${fmtMac(d.mac)}`; },
  match(d, _ip, k) { const m = k.srcMac(); return m !== null && (m === d.mac) !== d.inv; },
};

interface LimitData { avg: number; burst: number }
const LIMIT_SCALE = 10000;
const RATES: [string, number][] = [['day', LIMIT_SCALE * 86400], ['hour', LIMIT_SCALE * 3600], ['min', LIMIT_SCALE * 60], ['sec', LIMIT_SCALE]];

function rateText(period: number): string {
  let i = 1;
  for (; i < RATES.length; i++) if (period > RATES[i][1] || Math.floor(RATES[i][1] / period) < RATES[i][1] % period) break;
  return ` ${Math.floor(RATES[i - 1][1] / period)}/${RATES[i - 1][0]}`;
}

/** The limit match accepts every packet in the lab (its token bucket is not modelled). */
export const LIMIT_MATCH: MatchExt<LimitData> = {
  name: 'limit', guided: true,
  opts: [{ name: 'limit', id: 0, hasArg: 1 }, { name: 'limit-burst', id: 1, hasArg: 1 }],
  init: () => ({ avg: LIMIT_SCALE * 3600 / 3, burst: 5 }),
  parse(d, o, arg) {
    if (o.id === 1) { d.burst = parseU32('limit', 'limit-burst', arg!, 0, 10000); return; }
    const m = /^(\d+)(?:\/(second|minute|hour|day|s|m|h|d|sec|min)\w*)?$/.exec(arg!);
    const n = m ? Number(m[1]) : NaN;
    if (!m || !n) throw perr(`bad rate "${arg}"'`);
    const u = (m[2] ?? 's')[0];
    const mult = u === 'd' ? 86400 : u === 'h' ? 3600 : u === 'm' ? 60 : 1;
    if (n > mult * LIMIT_SCALE) throw perr(`Rate too fast "${arg}"\n`);
    d.avg = Math.floor(LIMIT_SCALE * mult / n);
  },
  print(d) { return ` limit: avg${rateText(d.avg)} burst ${d.burst}`; },
  save(d) { return ` --limit${rateText(d.avg)}${d.burst !== 5 ? ` --limit-burst ${d.burst}` : ''}`; },
  match: () => true,
};

interface ConnmarkMData { mark: number; mask: number; inv: boolean }

export const CONNMARK_MATCH: MatchExt<ConnmarkMData> = {
  name: 'connmark', guided: true, needsCt: true,
  opts: [{ name: 'mark', id: 0, hasArg: 1, invert: true, mand: true }],
  init: () => ({ mark: 0, mask: 0xffffffff, inv: false }),
  parse(d, _o, arg, invert) { const r = parseMarkMask('connmark', 'mark', arg!); d.mark = r.mark; d.mask = r.mask; d.inv = invert; },
  print(d) { return ` connmark match${d.inv ? ' !' : ''}${markMaskText(d.mark, d.mask)}`; },
  save(d) { return `${d.inv ? ' !' : ''} --mark${markMaskText(d.mark, d.mask)}`; },
  match(d, _ip, k) { const m = k.ct?.entry?.mark ?? 0; return (((m & d.mask) >>> 0) === d.mark) !== d.inv; },
};

export const MATCHES: ReadonlyMap<string, MatchExt> = new Map<string, MatchExt>([
  ['tcp', TCP_MATCH], ['udp', UDP_MATCH], ['icmp', ICMP_MATCH], ['multiport', MULTIPORT_MATCH],
  ['conntrack', CONNTRACK_MATCH], ['state', STATE_MATCH], ['mark', MARK_MATCH], ['comment', COMMENT_MATCH],
  ['iprange', IPRANGE_MATCH], ['mac', MAC_MATCH], ['limit', LIMIT_MATCH], ['connmark', CONNMARK_MATCH],
]);

// ---- targets ---------------------------------------------------------------------------------------

/** The standard verdict targets: no options, no text. */
export const STANDARD_TARGETS = new Set(['ACCEPT', 'DROP', 'RETURN', 'QUEUE']);

const REJECT_TYPES: [string, string, string][] = [
  ['icmp-net-unreachable', 'net-unreach', 'net-unreachable'],
  ['icmp-host-unreachable', 'host-unreach', 'host-unreachable'],
  ['icmp-proto-unreachable', 'proto-unreach', 'prot-unreachable'],
  ['icmp-port-unreachable', 'port-unreach', 'port-unreachable'],
  ['icmp-net-prohibited', 'net-prohib', 'net-prohibited'],
  ['icmp-host-prohibited', 'host-prohib', 'host-prohibited'],
  ['tcp-reset', 'tcp-rst', 'tcp reset'],
  ['icmp-admin-prohibited', 'admin-prohib', 'admin-prohibited'],
];

interface RejectData { with: string }

export const REJECT_TARGET: TargetExt<RejectData> = {
  name: 'REJECT', guided: true,
  opts: [{ name: 'reject-with', id: 0, hasArg: 1 }],
  init: () => ({ with: 'icmp-port-unreachable' }),
  parse(d, _o, arg) {
    const a = arg!.toLowerCase();
    for (const [n, alias] of REJECT_TYPES) if (n.startsWith(a) || alias.startsWith(a)) { d.with = n; return; }
    throw perr(`unknown reject type "${arg}"`);
  },
  print(d) { return ` reject-with ${d.with}`; },
  save(d) { return ` --reject-with ${d.with}`; },
  exec(d, _ip, k) { k.reject(d.with); return 'DROP'; },
  invalid(d, _t, hook, proto, invProto) {
    if (hook !== null && ![1, 2, 3].includes(hook)) return true;
    return d.with === 'tcp-reset' && (proto !== IpProto.TCP || invProto);
  },
};

interface LogData { prefix: string; level: number; flags: number }
const LOG_LEVELS: [string, number][] = [['alert', 1], ['crit', 2], ['debug', 7], ['emerg', 0], ['error', 3], ['info', 6], ['notice', 5], ['panic', 0], ['warning', 4]];
const LEVEL_NAMES = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];

export const LOG_TARGET: TargetExt<LogData> = {
  name: 'LOG', guided: true,
  opts: [
    { name: 'log-level', id: 0, hasArg: 1 }, { name: 'log-prefix', id: 1, hasArg: 1 },
    { name: 'log-tcp-sequence', id: 2, hasArg: 0 }, { name: 'log-tcp-options', id: 3, hasArg: 0 },
    { name: 'log-ip-options', id: 4, hasArg: 0 }, { name: 'log-uid', id: 5, hasArg: 0 }, { name: 'log-macdecode', id: 6, hasArg: 0 },
  ],
  init: () => ({ prefix: '', level: 4, flags: 0 }),
  parse(d, o, arg) {
    switch (o.id) {
      case 0: {
        const n = strtouiAll(arg!, 0, 7);
        if (n !== null) { d.level = n; break; }
        const e = LOG_LEVELS.find(([x]) => x === arg);
        if (!e) throw perr(`log level "${arg}" unknown\n`);
        d.level = e[1];
        break;
      }
      case 1:
        if (arg!.length < 1) throw perr('Argument must have a minimum length of 1 characters\n');
        if (arg!.includes('\n')) throw perr('Newlines not allowed in --log-prefix');
        d.prefix = arg!.slice(0, 29);
        break;
      default: d.flags |= 1 << (o.id - 2);
    }
  },
  print(d, pc) {
    let s = ' LOG';
    if (pc.numeric) s += ` flags ${d.flags} level ${d.level}`;
    else {
      s += ` level ${LEVEL_NAMES[d.level]}`;
      if (d.flags & 1) s += ' tcp-sequence';
      if (d.flags & 2) s += ' tcp-options';
      if (d.flags & 4) s += ' ip-options';
      if (d.flags & 8) s += ' uid';
      if (d.flags & 16) s += ' macdecode';
    }
    if (d.prefix) s += ` prefix "${d.prefix}"`;
    return s;
  },
  save(d) {
    let s = '';
    if (d.prefix) s += ' --log-prefix' + saveString(d.prefix);
    if (d.level !== 4) s += ` --log-level ${d.level}`;
    if (d.flags & 1) s += ' --log-tcp-sequence';
    if (d.flags & 2) s += ' --log-tcp-options';
    if (d.flags & 4) s += ' --log-ip-options';
    if (d.flags & 8) s += ' --log-uid';
    if (d.flags & 16) s += ' --log-macdecode';
    return s;
  },
  exec(d, _ip, k) { k.log(d.prefix, d.level, d.flags); return 'CONTINUE'; },
};

interface MarkTData { mark: number; mask: number }

export const MARK_TARGET: TargetExt<MarkTData> = {
  name: 'MARK', guided: true,
  opts: [
    { name: 'set-xmark', id: 0, hasArg: 1, excl: 31 }, { name: 'set-mark', id: 1, hasArg: 1, excl: 31 },
    { name: 'and-mark', id: 2, hasArg: 1, excl: 31 }, { name: 'or-mark', id: 3, hasArg: 1, excl: 31 },
    { name: 'xor-mark', id: 4, hasArg: 1, excl: 31 },
  ],
  init: () => ({ mark: 0, mask: 0 }),
  parse(d, o, arg) {
    switch (o.id) {
      case 0: { const r = parseMarkMask('MARK', o.name, arg!); d.mark = r.mark; d.mask = r.mask; break; }
      case 1: { const r = parseMarkMask('MARK', o.name, arg!); d.mark = r.mark; d.mask = (r.mark | r.mask) >>> 0; break; }
      case 2: { const v = parseU32('MARK', o.name, arg!); d.mark = 0; d.mask = (~v) >>> 0; break; }
      case 3: { const v = parseU32('MARK', o.name, arg!); d.mark = d.mask = v; break; }
      case 4: { const v = parseU32('MARK', o.name, arg!); d.mark = v; d.mask = 0; break; }
    }
  },
  final(_d, xflags) {
    if (xflags === 0) throw perr('MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required');
  },
  print(d) {
    if (d.mark === 0) return ` MARK and 0x${hex(~d.mask)}`;
    if (d.mark === d.mask) return ` MARK or 0x${hex(d.mark)}`;
    if (d.mask === 0) return ` MARK xor 0x${hex(d.mark)}`;
    if (d.mask === 0xffffffff) return ` MARK set 0x${hex(d.mark)}`;
    return ` MARK xset 0x${hex(d.mark)}/0x${hex(d.mask)}`;
  },
  save(d) { return ` --set-xmark 0x${hex(d.mark)}/0x${hex(d.mask)}`; },
  exec(d, _ip, k) { k.skb.mark = (((k.skb.mark & ~d.mask) ^ d.mark) >>> 0); return 'CONTINUE'; },
};

interface ConnmarkTData { mode: 'set' | 'save' | 'restore'; mark: number; mask: number; nfmask: number; ctmask: number }

export const CONNMARK_TARGET: TargetExt<ConnmarkTData> = {
  name: 'CONNMARK', guided: true, needsCt: true,
  opts: [
    { name: 'set-xmark', id: 0, hasArg: 1, excl: 7 }, { name: 'set-mark', id: 1, hasArg: 1, excl: 7 },
    { name: 'save-mark', id: 2, hasArg: 0, excl: 7 }, { name: 'restore-mark', id: 3, hasArg: 0, excl: 7 },
  ],
  init: () => ({ mode: 'set', mark: 0, mask: 0, nfmask: 0xffffffff, ctmask: 0xffffffff }),
  parse(d, o, arg) {
    if (o.id === 0) { const r = parseMarkMask('CONNMARK', o.name, arg!); d.mode = 'set'; d.mark = r.mark; d.mask = r.mask; }
    else if (o.id === 1) { const r = parseMarkMask('CONNMARK', o.name, arg!); d.mode = 'set'; d.mark = r.mark; d.mask = (r.mark | r.mask) >>> 0; }
    else if (o.id === 2) d.mode = 'save';
    else d.mode = 'restore';
  },
  final(_d, xflags) {
    if (xflags === 0) throw perr('CONNMARK target: No operation specified');
  },
  print(d) {
    if (d.mode === 'save') return ' CONNMARK save';
    if (d.mode === 'restore') return ' CONNMARK restore';
    if (d.mask === 0xffffffff) return ` CONNMARK set 0x${hex(d.mark)}`;
    return ` CONNMARK xset 0x${hex(d.mark)}/0x${hex(d.mask)}`;
  },
  save(d) {
    if (d.mode === 'save') return ' --save-mark --nfmask 0xffffffff --ctmask 0xffffffff';
    if (d.mode === 'restore') return ' --restore-mark --nfmask 0xffffffff --ctmask 0xffffffff';
    return ` --set-xmark 0x${hex(d.mark)}/0x${hex(d.mask)}`;
  },
  exec(d, _ip, k) {
    if (d.mode === 'set') k.setCtMark((m) => ((m & ~d.mask) ^ d.mark) >>> 0);
    else if (d.mode === 'save') { const v = k.skb.mark; k.setCtMark(() => v); }
    else k.skb.mark = k.ctMark();
    return 'CONTINUE';
  },
};

/** A NAT range (--to-destination / --to-source / --to-ports). */
export interface NatSpec {
  minIp: number; maxIp: number; ips: boolean;
  minPort: number; maxPort: number; ports: boolean;
  random: boolean; persistent: boolean; fully: boolean;
}

function emptyNat(): NatSpec {
  return { minIp: 0, maxIp: 0, ips: false, minPort: 0, maxPort: 0, ports: false, random: false, persistent: false, fully: false };
}

function natPortOk(pc: ParseCtx): boolean {
  return [IpProto.TCP, IpProto.UDP, 132, 33, IpProto.ICMP].includes(pc.proto as 6);
}

function parseNatPorts(arg: string, pc: ParseCtx, r: NatSpec, sv: Services): void {
  if (!natPortOk(pc)) throw perr('Need TCP, UDP, SCTP or DCCP with port specification');
  r.ports = true;
  let p = strtoul0(arg);
  let port: number;
  let end: string;
  if (!p || p.v > 65535) {
    const s = sv.byName(arg, 'tcp');
    if (s === null) throw perr(`Port \`${arg}' not valid`);
    port = s; end = '';
  } else { port = p.v; end = arg.slice(p.end); }
  if (end === '') { r.minPort = r.maxPort = port; return; }
  if (end[0] === ':') throw perr('Invalid port:port syntax - use dash');
  if (end[0] !== '-') throw perr(`Garbage after port value: \`${end}'`);
  const rest = end.slice(1);
  p = strtoul0(rest);
  if (!p || p.v > 65535) throw perr(`Port \`${rest}' not valid`);
  if (p.v < port) throw perr(`Port range \`${rest}' funky`);
  r.minPort = port; r.maxPort = p.v;
  if (p.end !== rest.length) throw perr(`Garbage after port range: \`${rest.slice(p.end)}'`);
}

function parseNatTo(arg: string, pc: ParseCtx, r: NatSpec): void {
  let colon = arg.indexOf(':');
  if (colon >= 0 && arg.indexOf(':', colon + 1) >= 0) colon = -1;
  let addr = arg;
  if (colon >= 0) {
    parseNatPorts(arg.slice(colon + 1), pc, r, pc.services);
    if (colon === 0) return;
    addr = arg.slice(0, colon);
  }
  r.ips = true;
  const dash = addr.indexOf('-');
  const a = dash >= 0 ? addr.slice(0, dash) : addr;
  const lo = parseIpv4(a);
  if (lo === null) throw perr(`Bad IP address "${a}"`);
  let hi = lo;
  if (dash >= 0) {
    const b = addr.slice(dash + 1);
    const h = parseIpv4(b);
    if (h === null) throw perr(`Bad IP address "${b}"`);
    hi = h;
  }
  r.minIp = lo; r.maxIp = hi;
}

function natRangeText(r: NatSpec, skipColon: boolean): string {
  let s = '';
  if (r.ips) { s += fmtIp(r.minIp); if (r.maxIp !== r.minIp) s += '-' + fmtIp(r.maxIp); }
  if (r.ports) { s += `:${r.minPort}`; if (r.maxPort !== r.minPort) s += `-${r.maxPort}`; }
  if (skipColon && s[0] === ':') s = s.slice(1);
  return s;
}

function natText(r: NatSpec, rangeopt: string, pfx: string, skipColon: boolean): string {
  const t = natRangeText(r, skipColon);
  let s = t ? ` ${rangeopt}${t}` : '';
  if (r.random) s += ` ${pfx}random`;
  if (r.fully) s += ` ${pfx}random-fully`;
  if (r.persistent) s += ` ${pfx}persistent`;
  return s;
}

function makeNat(name: 'DNAT' | 'SNAT' | 'MASQUERADE' | 'REDIRECT'): TargetExt<NatSpec> {
  const mand = name === 'DNAT' || name === 'SNAT';
  const main = name === 'DNAT' ? 'to-destination' : name === 'SNAT' ? 'to-source' : 'to-ports';
  const opts: OptEntry[] = [{ name: main, id: 0, hasArg: 1, mand }, { name: 'random', id: 1, hasArg: 0 }];
  if (name !== 'DNAT' && name !== 'REDIRECT') opts.push({ name: 'random-fully', id: 2, hasArg: 0 });
  if (name === 'DNAT' || name === 'SNAT') opts.push({ name: 'persistent', id: 3, hasArg: 0 });
  const listOpt = name === 'MASQUERADE' ? 'masq ports: ' : name === 'REDIRECT' ? 'redir ports ' : 'to:';
  const saveOpt = `--${main} `;
  const skip = name === 'MASQUERADE' || name === 'REDIRECT';
  const hooks = name === 'DNAT' || name === 'REDIRECT' ? [0, 3] : name === 'SNAT' ? [4, 1] : [4];
  return {
    name, guided: true, opts, needsCt: true,
    init: emptyNat,
    parse(d, o, arg, _inv, pc) {
      if (o.id === 0) { if (skip) parseNatPorts(arg!, pc, d, pc.services); else parseNatTo(arg!, pc, d); }
      else if (o.id === 1) d.random = true;
      else if (o.id === 2) d.fully = true;
      else d.persistent = true;
    },
    print(d) { return natText(d, listOpt, '', skip); },
    save(d) { return natText(d, saveOpt, '--', skip); },
    exec(d, _ip, k) {
      return k.nat(name === 'DNAT' ? 'dnat' : name === 'SNAT' ? 'snat' : name === 'MASQUERADE' ? 'masq' : 'redirect', d);
    },
    invalid(_d, table, hook) { return table !== 'nat' || (hook !== null && !hooks.includes(hook)); },
  };
}

export const DNAT_TARGET = makeNat('DNAT');
export const SNAT_TARGET = makeNat('SNAT');
export const MASQUERADE_TARGET = makeNat('MASQUERADE');
export const REDIRECT_TARGET = makeNat('REDIRECT');

export const NOTRACK_TARGET: TargetExt<Record<string, never>> = {
  name: 'NOTRACK', guided: true, opts: [], listName: 'CT',
  init: () => ({}),
  parse() { /* no options */ },
  print: () => ' NOTRACK',
  save: () => '',
  exec(_d, _ip, k) { k.notrack(); return 'CONTINUE'; },
  invalid: (_d, table) => table !== 'raw',
};

export const TARGETS: ReadonlyMap<string, TargetExt> = new Map<string, TargetExt>([
  ['REJECT', REJECT_TARGET], ['LOG', LOG_TARGET], ['MARK', MARK_TARGET], ['CONNMARK', CONNMARK_TARGET],
  ['DNAT', DNAT_TARGET], ['SNAT', SNAT_TARGET], ['MASQUERADE', MASQUERADE_TARGET], ['REDIRECT', REDIRECT_TARGET],
  ['NOTRACK', NOTRACK_TARGET],
]);

/** Names `-N`/`-E` may not use (xtables_find_target succeeds for them). */
export function isTargetName(n: string): boolean {
  return STANDARD_TARGETS.has(n) || TARGETS.has(n) || ['CT', 'NFLOG', 'TRACE', 'CLASSIFY', 'DSCP', 'TOS', 'TCPMSS', 'NFQUEUE',
    'SET', 'AUDIT', 'CHECKSUM', 'IDLETIMER', 'LED', 'SECMARK', 'CONNSECMARK', 'TEE', 'TPROXY', 'TTL', 'ULOG', 'ECN',
    'CLUSTERIP', 'NETMAP', 'HMARK', 'RATEEST', 'SYNPROXY', 'TCPOPTSTRIP', 'standard'].includes(n);
}

export { TcpFlag };
