/**
 * tcpdump 4.99 (RHEL 9, package tcpdump): prints the frames a host's interface sends and
 * receives, live, in tcpdump's one-line format, with -i -n -nn -e -c -q -v -S -t/-tt and a
 * pcap-filter expression (host, src/dst host, net, port, src/dst port, portrange, tcp, udp,
 * icmp, arp, ip, ether host, proto, and/or/not, parentheses). It reads the lab's capture log
 * (the frames really carried), so it shows exactly what the capture pane shows.
 * Ends on Ctrl-C or after -c N packets with the "packets captured" summary.
 */
import { SEC } from '../../../core/sim/events.ts';
import type { FrameRecord } from '../../../core/sim/frameLog.ts';
import { parseFrame } from '../../../core/wire/frame.ts';
import {
  ArpOp, EtherType, IcmpType, IpProto, TcpFlag, fmtIp, fmtMac, parseIpv4,
  type EthernetRepr, type Ipv4Repr, type TcpRepr,
} from '../../../core/wire/types.ts';
import { ShellSignal, waitSim, type CmdContext, type Co, type Command } from '../../types.ts';

interface TdOpts { iface: string | null; numeric: number; ether: boolean; count: number; quiet: boolean; verbose: number; absSeq: boolean; ts: 'default' | 'none' | 'epoch'; filter: string[] }

// ---- pcap-filter -------------------------------------------------------------------------------

type Pred = (f: EthernetRepr) => boolean;

class FilterError extends Error {}

function l4(f: EthernetRepr): { ip: Ipv4Repr; sport: number; dport: number; proto: number } | null {
  const p = f.payload;
  if (p.kind !== 'ipv4') return null;
  const t = p.payload;
  if (t.kind === 'tcp' || t.kind === 'udp') return { ip: p, sport: t.srcPort, dport: t.dstPort, proto: p.protocol };
  return { ip: p, sport: -1, dport: -1, proto: p.protocol };
}

function compilePcapFilter(words: string[], services: Map<string, number>): Pred {
  let i = 0;
  const peek = () => words[i];
  const next = () => words[i++];
  const num = (w: string | undefined, what: string): number => {
    if (w === undefined) throw new FilterError('syntax error');
    if (/^\d+$/.test(w)) return Number(w);
    const s = services.get(w);
    if (s === undefined) throw new FilterError(`unknown ${what} '${w}'`);
    return s;
  };
  const addrNet = (w: string | undefined): { a: number; m: number } => {
    if (w === undefined) throw new FilterError('syntax error');
    const [a, p] = w.split('/');
    const parts = a.split('.');
    while (parts.length < 4) parts.push('0');
    const addr = parseIpv4(parts.join('.'));
    if (addr === null) throw new FilterError(`unknown host '${w}'`);
    const plen = p === undefined ? (a.split('.').length * 8) : Number(p);
    const m = plen === 0 ? 0 : (0xffffffff << (32 - plen)) >>> 0;
    return { a: addr, m };
  };
  const primary = (): Pred => {
    const w = next();
    if (w === undefined) throw new FilterError('syntax error');
    if (w === '(') { const e = orExpr(); if (next() !== ')') throw new FilterError('syntax error'); return e; }
    if (w === 'not' || w === '!') { const e = primary(); return (f) => !e(f); }
    let dir: 'src' | 'dst' | null = null;
    let word = w;
    if (word === 'src' || word === 'dst') { dir = word; word = next() ?? ''; if (word === 'or' || word === 'and') { word = next() ?? ''; } }
    switch (word) {
      case 'tcp': return (f) => l4(f)?.proto === IpProto.TCP;
      case 'udp': return (f) => l4(f)?.proto === IpProto.UDP;
      case 'icmp': return (f) => l4(f)?.proto === IpProto.ICMP;
      case 'ip': if (peek() === 'proto') { next(); const n = next() ?? ''; const v = n === 'tcp' ? 6 : n === 'udp' ? 17 : n === 'icmp' ? 1 : n === 'ipip' || n === '4' ? 4 : n === 'vrrp' ? 112 : Number(n); return (f) => l4(f)?.proto === v; } return (f) => f.ethertype === EtherType.IPv4;
      case 'arp': return (f) => f.ethertype === EtherType.ARP;
      case 'vrrp': return (f) => l4(f)?.proto === IpProto.VRRP;
      case 'proto': { const n = next() ?? ''; const v = n === 'tcp' ? 6 : n === 'udp' ? 17 : n === 'icmp' ? 1 : Number(n); return (f) => l4(f)?.proto === v; }
      case 'host': {
        const { a } = addrNet(next());
        return (f) => {
          const p = f.payload;
          if (p.kind === 'arp') return dir !== 'dst' && p.spa === a || dir !== 'src' && p.tpa === a;
          const x = l4(f);
          return !!x && (dir !== 'dst' && x.ip.src === a || dir !== 'src' && x.ip.dst === a);
        };
      }
      case 'net': {
        let spec = next();
        if (peek() === 'mask') { next(); const m = parseIpv4(next() ?? ''); if (m === null) throw new FilterError('syntax error'); spec = `${spec}/${32 - Math.clz32(~m >>> 0) === 32 ? 0 : Math.clz32(~m >>> 0)}`; }
        const { a, m } = addrNet(spec);
        const inNet = (x: number) => ((x & m) >>> 0) === ((a & m) >>> 0);
        return (f) => { const x = l4(f); return !!x && (dir !== 'dst' && inNet(x.ip.src) || dir !== 'src' && inNet(x.ip.dst)); };
      }
      case 'port': {
        const n = num(next(), 'port');
        return (f) => { const x = l4(f); return !!x && (dir !== 'dst' && x.sport === n || dir !== 'src' && x.dport === n); };
      }
      case 'portrange': {
        const [lo, hi] = (next() ?? '').split('-').map(Number);
        if (!(lo >= 0) || !(hi >= lo)) throw new FilterError('illegal port range');
        const inr = (p: number) => p >= lo && p <= hi;
        return (f) => { const x = l4(f); return !!x && (dir !== 'dst' && inr(x.sport) || dir !== 'src' && inr(x.dport)); };
      }
      case 'ether': {
        const k = next();
        if (k === 'host') { const mac = next() ?? ''; return (f) => fmtMac(f.src) === mac.toLowerCase() && dir !== 'dst' || fmtMac(f.dst) === mac.toLowerCase() && dir !== 'src'; }
        if (k === 'broadcast') return (f) => f.dst === 0xffffffffffff;
        throw new FilterError('syntax error');
      }
      case 'broadcast': return (f) => f.dst === 0xffffffffffff;
      default: {
        // A bare address means "host ADDR" as in pcap-filter.
        if (parseIpv4(word) !== null) { i--; words.splice(i, 0, 'host'); if (dir) { words.splice(i, 0, dir); } return primary(); }
        throw new FilterError(`syntax error in filter expression: syntax error`);
      }
    }
  };
  const andExpr = (): Pred => {
    let l = primary();
    while (peek() === 'and' || peek() === '&&' || (peek() !== undefined && peek() !== 'or' && peek() !== '||' && peek() !== ')')) {
      if (peek() === 'and' || peek() === '&&') next();
      const r = primary();
      const a = l;
      l = (f) => a(f) && r(f);
    }
    return l;
  };
  const orExpr = (): Pred => {
    let l = andExpr();
    while (peek() === 'or' || peek() === '||') {
      next();
      const r = andExpr();
      const a = l;
      l = (f) => a(f) || r(f);
    }
    return l;
  };
  if (words.length === 0) return () => true;
  const e = orExpr();
  if (i < words.length) throw new FilterError('syntax error in filter expression: syntax error');
  return e;
}

function tokenize(exprWords: string[]): string[] {
  return exprWords.join(' ').replace(/([()])/g, ' $1 ').split(/\s+/).filter(Boolean);
}

// ---- formatting --------------------------------------------------------------------------------

const FLAG_CHARS: [number, string][] = [[TcpFlag.FIN, 'F'], [TcpFlag.SYN, 'S'], [TcpFlag.RST, 'R'], [TcpFlag.PSH, 'P'], [TcpFlag.URG, 'U'], [TcpFlag.ECE, 'E'], [TcpFlag.CWR, 'W']];

function tcpFlags(f: number): string {
  let s = '';
  for (const [b, c] of FLAG_CHARS) if (f & b) s += c;
  if (f & TcpFlag.ACK) s += '.';
  return s || 'none';
}

function tcpOptions(t: TcpRepr): string {
  if (!t.options.length) return '';
  const o = t.options.map((x) => {
    switch (x.kind) {
      case 'mss': return `mss ${x.value}`;
      case 'sackPerm': return 'sackOK';
      case 'ts': return `TS val ${x.val} ecr ${x.ecr}`;
      case 'nop': return 'nop';
      case 'ws': return `wscale ${x.shift}`;
      case 'eol': return 'eol';
      case 'sack': return `sack ${x.blocks.length} ${x.blocks.map(([a, b]) => `{${a}:${b}}`).join('')}`;
      case 'toa': return `unknown-254 0x${x.port.toString(16).padStart(4, '0')}${(x.addr >>> 0).toString(16).padStart(8, '0')}`;
      default: return `unknown-${x.type}`;
    }
  });
  return `, options [${o.join(',')}]`;
}

export interface TcpdumpFormatter {
  line(rec: FrameRecord, f: EthernetRepr): string;
}

/** One tcpdump line per frame (without the timestamp). Keeps per-stream ISNs for relative numbers. */
export function makeFormatter(o: { numeric: number; ether: boolean; quiet: boolean; absSeq: boolean; verbose: number }, services: Map<number, string>): (f: EthernetRepr, wireLen: number) => string {
  const isn = new Map<string, number>();
  const port = (p: number) => (o.numeric ? String(p) : services.get(p) ?? String(p));
  const ipLine = (ip: Ipv4Repr, depth: number): string => {
    const t = ip.payload;
    const v = o.verbose ? `(tos 0x${ip.tos.toString(16)}, ttl ${ip.ttl}, id ${ip.id}, offset 0, flags [${ip.df ? 'DF' : 'none'}], proto ${protoName(ip.protocol)} (${ip.protocol}), length ${ipLen(ip)})\n    ` : '';
    if (t.kind === 'tcp') {
      const a = `${fmtIp(ip.src)}.${port(t.srcPort)}`, b = `${fmtIp(ip.dst)}.${port(t.dstPort)}`;
      if (o.quiet) return `IP ${v}${a} > ${b}: tcp ${t.payload.length}`;
      const kf = `${ip.src}:${t.srcPort}>${ip.dst}:${t.dstPort}`, kr = `${ip.dst}:${t.dstPort}>${ip.src}:${t.srcPort}`;
      if (t.flags & TcpFlag.SYN) isn.set(kf, t.seq);
      const base = o.absSeq ? 0 : isn.get(kf);
      const rbase = o.absSeq ? 0 : isn.get(kr);
      let s = `IP ${v}${a} > ${b}: Flags [${tcpFlags(t.flags)}]`;
      const len = t.payload.length;
      const rel = (x: number, b0: number | undefined) => (b0 === undefined ? x : (x - b0) >>> 0);
      if (len || t.flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) {
        s += len ? `, seq ${rel(t.seq, base)}:${rel((t.seq + len) >>> 0, base)}` : `, seq ${(t.flags & TcpFlag.SYN) ? t.seq : rel(t.seq, base)}`;
      }
      if (t.flags & TcpFlag.ACK) s += `, ack ${rbase === undefined ? t.ack : rel(t.ack, rbase)}`;
      s += `, win ${t.window}${tcpOptions(t)}, length ${len}`;
      if (len && (t.srcPort === 80 || t.dstPort === 80)) {
        const first = new TextDecoder().decode(t.payload.subarray(0, Math.min(len, 200))).split('\r\n')[0];
        if (/^(GET|HEAD|POST|PUT|DELETE|OPTIONS) |^HTTP\/1\.[01] \d{3}/.test(first)) s += `: HTTP: ${first}`;
        else s += ': HTTP';
      }
      return s;
    }
    if (t.kind === 'udp') return `IP ${v}${fmtIp(ip.src)}.${port(t.srcPort)} > ${fmtIp(ip.dst)}.${port(t.dstPort)}: UDP, length ${t.payload.length}`;
    if (t.kind === 'icmp') {
      const a = `${fmtIp(ip.src)} > ${fmtIp(ip.dst)}`;
      const len = t.payload.length + 8;
      switch (t.type) {
        case IcmpType.EchoRequest: return `IP ${v}${a}: ICMP echo request, id ${t.rest >>> 16}, seq ${t.rest & 0xffff}, length ${len}`;
        case IcmpType.EchoReply: return `IP ${v}${a}: ICMP echo reply, id ${t.rest >>> 16}, seq ${t.rest & 0xffff}, length ${len}`;
        case IcmpType.DestUnreachable: return `IP ${v}${a}: ICMP ${unreachText(t.code, t.rest, t.payload, o.numeric ? null : services)}, length ${len}`;
        case IcmpType.TimeExceeded: return `IP ${v}${a}: ICMP time exceeded in-transit, length ${len}`;
        case IcmpType.Redirect: return `IP ${v}${a}: ICMP redirect, length ${len}`;
        default: return `IP ${v}${a}: ICMP type-#${t.type}, length ${len}`;
      }
    }
    if (t.kind === 'ipv4') return `IP ${v}${fmtIp(ip.src)} > ${fmtIp(ip.dst)}: ${depth < 2 ? ipLine(t, depth + 1) : 'IP'}`;
    if (t.kind === 'vrrp') return `IP ${v}${fmtIp(ip.src)} > ${fmtIp(ip.dst)}: VRRPv${t.version}, Advertisement, vrid ${t.vrid}, prio ${t.priority}, authtype ${t.authType === 1 ? 'simple' : 'none'}, intvl ${t.advInt}s, length ${20 + 4 * t.addrs.length}`;
    return `IP ${v}${fmtIp(ip.src)} > ${fmtIp(ip.dst)}: ip-proto-${ip.protocol} ${t.kind === 'raw' ? t.bytes.length : 0}`;
  };
  return (f: EthernetRepr, wireLen: number) => {
    const p = f.payload;
    let body: string;
    if (p.kind === 'arp') {
      const len = 28;
      body = p.op === ArpOp.Request
        ? `ARP, Request who-has ${fmtIp(p.tpa)} ${p.tha !== 0 ? `(${fmtMac(p.tha)}) ` : ''}tell ${fmtIp(p.spa)}, length ${len}`
        : p.op === ArpOp.Reply ? `ARP, Reply ${fmtIp(p.spa)} is-at ${fmtMac(p.sha)}, length ${len}` : `ARP, op ${p.op}, length ${len}`;
    } else if (p.kind === 'ipv4') {
      body = ipLine(p, 0);
    } else {
      body = `ethertype Unknown (0x${f.ethertype.toString(16).padStart(4, '0')}), length ${wireLen}`;
    }
    if (o.ether) {
      const et = f.ethertype === EtherType.IPv4 ? 'IPv4 (0x0800)' : f.ethertype === EtherType.ARP ? 'ARP (0x0806)' : `Unknown (0x${f.ethertype.toString(16).padStart(4, '0')})`;
      const b = p.kind === 'ipv4' ? body.replace(/^IP /, '') : p.kind === 'arp' ? body.replace(/^ARP, /, '') : body;
      return `${fmtMac(f.src)} > ${fmtMac(f.dst)}, ethertype ${et}, length ${wireLen}: ${b}`;
    }
    return body;
  };
}

function protoName(p: number): string {
  return p === 6 ? 'TCP' : p === 17 ? 'UDP' : p === 1 ? 'ICMP' : p === 4 ? 'IPIP' : p === 112 ? 'VRRP' : 'unknown';
}

function ipLen(ip: Ipv4Repr): number {
  const t = ip.payload;
  const hl = 20 + (ip.options?.length ?? 0);
  if (t.kind === 'tcp') {
    let ol = 0;
    for (const o of t.options) ol += o.kind === 'nop' || o.kind === 'eol' ? 1 : o.kind === 'mss' ? 4 : o.kind === 'ws' ? 3 : o.kind === 'sackPerm' ? 2 : o.kind === 'ts' ? 10 : o.kind === 'toa' ? 8 : 2;
    return hl + 20 + Math.ceil(ol / 4) * 4 + t.payload.length;
  }
  if (t.kind === 'udp') return hl + 8 + t.payload.length;
  if (t.kind === 'icmp') return hl + 8 + t.payload.length;
  if (t.kind === 'ipv4') return hl + ipLen(t);
  return hl;
}

export function readServices(text: string): { byPort: Map<number, string>; byName: Map<string, number> } {
  const byPort = new Map<number, string>(), byName = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([\w-]+)\s+(\d+)\/tcp/.exec(line);
    if (m) { if (!byPort.has(Number(m[2]))) byPort.set(Number(m[2]), m[1]); byName.set(m[1], Number(m[2])); }
  }
  return { byPort, byName };
}

function two(n: number): string { return String(n).padStart(2, '0'); }

// ---- the command ----------------------------------------------------------------------------------

export const tcpdumpCommand: Command = {
  name: 'tcpdump',
  pkg: 'tcpdump',
  path: '/usr/sbin/tcpdump',
  *run(ctx: CmdContext): Co<number> {
    const h = ctx.host.kernel;
    const lab = h.net;
    const o: TdOpts = { iface: null, numeric: 0, ether: false, count: Infinity, quiet: false, verbose: 0, absSeq: false, ts: 'default', filter: [] };
    const argv = ctx.argv.slice(1);
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (a.startsWith('-') && a.length > 1 && !a.startsWith('--')) {
        for (let j = 1; j < a.length; j++) {
          const c = a[j];
          const arg = () => { const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i]; j = a.length; return v; };
          switch (c) {
            case 'i': { const v = arg(); if (v === undefined) { ctx.stderr.write(`tcpdump: option requires an argument -- 'i'\n`); return 1; } o.iface = v; break; }
            case 'n': o.numeric++; break;
            case 'e': o.ether = true; break;
            case 'c': { const v = arg(); const n = Number(v); if (!/^\d+$/.test(v ?? '') || n <= 0) { ctx.stderr.write(`tcpdump: invalid packet count ${v ?? ''}\n`); return 1; } o.count = n; break; }
            case 'q': o.quiet = true; break;
            case 'v': o.verbose++; break;
            case 'S': o.absSeq = true; break;
            case 't': o.ts = o.ts === 'none' ? 'epoch' : 'none'; break;
            case 'l': case 'p': case 'A': case 'X': case 'x': case 'N': case 'K': case 'U': break;
            case 's': arg(); break;
            case 'w': ctx.stderr.write(`tcpdump: -w: writing files is done from the capture pane here (Export pcapng)\n`); return 1;
            case 'r': ctx.stderr.write(`tcpdump: ${arg() ?? ''}: No such file or directory\n`); return 1;
            case 'D': {
              let k = 1;
              const lines: string[] = [];
              for (const d of [...h.devs.values()].sort((x, y) => x.ifindex - y.ifindex)) {
                if (d.kind === 'loopback') continue;
                lines.push(`${k++}.${d.name} [Up, Running, Connected]`);
              }
              lines.push(`${k++}.any (Pseudo-device that captures on all interfaces) [Up, Running]`, `${k++}.lo [Up, Running, Loopback]`);
              ctx.stdout.write(lines.join('\n') + '\n');
              return 0;
            }
            case 'h': ctx.stderr.write('tcpdump version 4.99.0\nlibpcap version 1.10.0 (with TPACKET_V3)\nOpenSSL 3.0.7 1 Nov 2022\nUsage: tcpdump [-AbdDefhHIJKlLnNOpqStuUvxX#] [ -B size ] [ -c count ] [--count]\n\t\t[ -i interface ] [ -s snaplen ] [ -w file ] [ expression ]\n'); return 0;
            default: ctx.stderr.write(`tcpdump: invalid option -- '${c}'\nUsage: tcpdump [-AbdDefhHIJKlLnNOpqStuUvxX#] [ -B size ] [ -c count ] [--count]\n`); return 1;
          }
        }
      } else if (a === '--count') {
        /* ignored */
      } else {
        o.filter.push(a);
      }
    }
    // Which device(s).
    const devs = [...h.devs.values()].sort((x, y) => x.ifindex - y.ifindex);
    let ids: Set<number> | null;
    let segs: Set<number> | null = null;
    let ifname: string;
    if (o.iface === null) {
      const d = devs.find((x) => x.kind === 'ether' && x.up) ?? devs.find((x) => x.kind !== 'loopback');
      if (!d) { ctx.stderr.write('tcpdump: no suitable device found\n'); return 1; }
      ifname = d.name;
      ids = new Set([d.id]);
      if (d.segment) segs = new Set([d.segment.id]);
    } else if (o.iface === 'any') {
      ifname = 'any';
      ids = new Set(devs.map((d) => d.id));
    } else {
      const d = h.dev(o.iface);
      if (!d) { ctx.stderr.write(`tcpdump: ${o.iface}: No such device exists\n(SIOCGIFHWADDR: No such device)\n`); return 1; }
      if (!d.up) { ctx.stderr.write(`tcpdump: ${o.iface}: That device is not up\n`); return 1; }
      ifname = d.name;
      ids = new Set([d.id]);
      if (d.segment) segs = new Set([d.segment.id]);
    }
    let svcText = '';
    try { svcText = ctx.fs.readFile('/etc/services'); } catch { /* none */ }
    const svc = readServices(svcText);
    let pred: Pred;
    try {
      pred = compilePcapFilter(tokenize(o.filter), svc.byName);
    } catch (e) {
      ctx.stderr.write(`tcpdump: ${e instanceof FilterError ? e.message : 'syntax error'}\n`);
      return 1;
    }
    const fmt = makeFormatter(o, o.numeric ? new Map() : svc.byPort);
    ctx.stderr.write('dropped privs to tcpdump\n');
    if (!o.verbose) ctx.stderr.write('tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n');
    const lt = ifname === 'any' ? 'LINUX_SLL2 (Linux cooked v2)' : ifname === 'lo' ? 'EN10MB (Ethernet)' : 'EN10MB (Ethernet)';
    ctx.stderr.write(`listening on ${ifname}, link-type ${lt}, snapshot length 262144 bytes\n`);

    const cap = lab.capture;
    let seen = cap.lastNo;
    let captured = 0;
    const loSeg = (rec: FrameRecord) => rec.from !== -1 && ids!.has(rec.from) && h.dev('lo')?.id === rec.from;
    const mine = (rec: FrameRecord): boolean => {
      if (rec.segment < 0) return false;
      if (ids!.has(rec.from) || ids!.has(rec.to) || loSeg(rec)) return true;
      // Broadcasts and floods on our segment reach us too.
      return rec.to === -1 && segs !== null && segs.has(rec.segment) && rec.from !== -1 && !ids!.has(rec.from) && devs.some((d) => ids!.has(d.id) && d.segment?.id === rec.segment);
    };
    const stamp = (t: number): string => {
      if (o.ts === 'none') return '';
      const us = lab.epochUs + t;
      if (o.ts === 'epoch') return `${Math.floor(us / SEC)}.${String(us % SEC).padStart(6, '0')} `;
      const d = new Date(Math.floor(us / 1000));
      return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${String(us % SEC).padStart(6, '0')} `;
    };
    try {
      while (captured < o.count) {
        yield* waitSim(() => cap.lastNo > seen);
        const lines: string[] = [];
        for (const rec of cap.range(seen + 1)) {
          seen = rec.no;
          if (!mine(rec)) continue;
          const f = parseFrame(rec.bytes);
          if (!pred(f)) continue;
          lines.push(stamp(rec.time) + fmt(f, rec.bytes.length) + '\n');
          captured++;
          if (captured >= o.count) break;
        }
        if (lines.length) ctx.stdout.write(lines.join(''));
      }
    } catch (e) {
      if (!(e instanceof ShellSignal) || e.sig !== 'INT') throw e;
      ctx.stderr.write(`\n${captured} packet${captured === 1 ? '' : 's'} captured\n${captured} packet${captured === 1 ? '' : 's'} received by filter\n0 packets dropped by kernel\n`);
      return 0;
    }
    ctx.stderr.write(`${captured} packet${captured === 1 ? '' : 's'} captured\n${captured} packet${captured === 1 ? '' : 's'} received by filter\n0 packets dropped by kernel\n`);
    return 0;
  },
};

/** tcpdump's print-icmp.c for type 3: what was unreachable, named from the quoted datagram. */
const UNREACH: Record<number, string> = {
  5: '%s unreachable - source route failed', 6: 'net %s unreachable - unknown', 7: 'host %s unreachable - unknown',
  8: '%s unreachable - source host isolated', 9: 'net %s unreachable - admin prohibited', 10: 'host %s unreachable - admin prohibited',
  11: 'net %s unreachable - tos prohibited', 12: 'host %s unreachable - tos prohibited', 13: 'host %s unreachable - admin prohibited filter',
  14: 'host %s unreachable - host precedence violation', 15: 'host %s unreachable - precedence cutoff',
};

function unreachText(code: number, rest: number, q: Uint8Array, names: ReadonlyMap<number, string> | null): string {
  if (q.length < 20) return `#${code} unreachable`;
  const dst = fmtIp((((q[16] << 24) | (q[17] << 16) | (q[18] << 8) | q[19]) >>> 0) as never);
  const proto = q[9], ihl = (q[0] & 0x0f) * 4;
  switch (code) {
    case 0: return `net ${dst} unreachable`;
    case 1: return `host ${dst} unreachable`;
    case 2: return `${dst} protocol ${proto} unreachable`;
    case 3: {
      if (q.length < ihl + 4) return `${dst} port unreachable`;
      const dport = (q[ihl + 2] << 8) | q[ihl + 3];
      const name = names?.get(dport) ?? String(dport);
      if (proto === 6) return `${dst} tcp port ${name} unreachable`;
      if (proto === 17) return `${dst} udp port ${name} unreachable`;
      return `${dst} protocol ${proto} port ${dport} unreachable`;
    }
    case 4: return `${dst} unreachable - need to frag (mtu ${rest & 0xffff})`;
    default: return (UNREACH[code] ?? `#${code} %s unreachable`).replace('%s', dst);
  }
}
