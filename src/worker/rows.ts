/**
 * What the page shows of one frame: its packet-list row (Wireshark's columns via
 * `summarize`), its protocol class (for colour), the flow graph's arrow text, and the
 * animation's hop label ("TCP SYN 192.168.1.111:40312 → 192.168.1.100:80").
 *
 * `RewriteTracker` explains what a director did to a packet: it remembers, per host, the
 * frames it received (by the innermost IP header's id and protocol, which IPVS keeps), and
 * when that host sends the same packet on, reports the difference — NAT's destination IP,
 * DR's destination MAC only, TUN's outer header, FULLNAT's two addresses. Plain routing
 * (new MACs, TTL − 1) is not reported: it is not what the lab is about.
 */
import { get16, get32 } from '../core/wire/bytes.ts';
import { summarize, type DissectContext } from '../core/wire/dissect.ts';
import { tcpFlagNames } from '../core/wire/names.ts';
import { APP_HTTP, APP_TLS, FrameScan, scanFrame } from '../core/wire/scan.ts';
import { fmtIp, fmtMac } from '../core/wire/types.ts';
import type { ProtoClass } from './protocol.ts';

const scan = new FrameScan();

export function protoClass(s: FrameScan): ProtoClass {
  if (s.ethType === 0x0806) return 'arp';
  if (s.ipN === 0) return 'other';
  if (s.ipipCount > 0) return 'ipip';
  switch (s.l4) {
    case 1: return 'icmp';
    case 6: return s.app === APP_HTTP ? 'http' : s.app === APP_TLS ? 'tls' : 'tcp';
    case 17: return 'udp';
    case 112: return 'vrrp';
    default: return 'other';
  }
}

function flagWords(f: number): string {
  // "SYN", "SYN,ACK", "FIN,ACK" (tcpFlagNames gives Wireshark's "SYN, ACK").
  return tcpFlagNames(f).replace(/, /g, ',');
}

function httpFirstLine(s: FrameScan, keepVersion = false): string {
  const b = s.b;
  let e = s.appOff;
  while (e < s.appEnd && e - s.appOff < 60 && b[e] !== 13 && b[e] !== 10) e++;
  let out = '';
  for (let i = s.appOff; i < e; i++) out += String.fromCharCode(b[i]);
  return keepVersion ? out : out.replace(/ HTTP\/1\.[01]$/, '');
}

/** The transport part of a label for the IP layer at index `i`. */
function l4Label(s: FrameScan, i: number): string {
  const b = s.b;
  const o = s.ipOff[i];
  const src = fmtIp(get32(b, o + 12)), dst = fmtIp(get32(b, o + 16));
  const p = b[o + 9];
  const inner = i === s.innerIp;
  if (p === 6 && inner && s.l4 === 6) {
    const sp = get16(b, s.l4Off), dp = get16(b, s.l4Off + 2);
    const flags = b[s.l4Off + 13];
    const ends = `${src}:${sp} → ${dst}:${dp}`;
    if (s.app === APP_HTTP) {
      const line = httpFirstLine(s);
      return `HTTP ${line.startsWith('HTTP/') ? line.replace(/^HTTP\/1\.[01] /, '') : line} ${ends}`;
    }
    const len = s.l4End - s.l4Off - s.l4Hl;
    return `TCP ${flagWords(flags)}${len > 0 ? ` len=${len}` : ''} ${ends}`;
  }
  if (p === 1 && inner && s.l4 === 1) {
    const t = b[s.l4Off];
    const name = t === 8 ? 'echo request' : t === 0 ? 'echo reply' : t === 3 ? 'unreachable' : t === 11 ? 'TTL exceeded' : `type ${t}`;
    return `ICMP ${name} ${src} → ${dst}`;
  }
  if (p === 17 && inner && s.l4 === 17) return `UDP ${src}:${get16(b, s.l4Off)} → ${dst}:${get16(b, s.l4Off + 2)}`;
  if (p === 112) return `VRRP ${src} → ${dst}`;
  return `IP ${src} → ${dst}`;
}

/** "TCP SYN 192.168.1.111:40312 → 192.168.1.100:80"; IPIP shows the outer header, then the inner packet. */
export function hopLabel(bytes: Uint8Array): { label: string; cls: ProtoClass; macs: string } {
  const s = scanFrame(bytes, scan);
  const cls = protoClass(s);
  const macs = s.len >= 14 ? `${fmtMac(get16(bytes, 6) * 4294967296 + get32(bytes, 8))} → ${fmtMac(get16(bytes, 0) * 4294967296 + get32(bytes, 2))}` : '';
  if (s.arp >= 0) {
    const o = s.arp;
    const op = get16(bytes, o + 6);
    const spa = fmtIp(get32(bytes, o + 14)), tpa = fmtIp(get32(bytes, o + 24));
    const sha = fmtMac(get16(bytes, o + 8) * 4294967296 + get32(bytes, o + 10));
    // A gratuitous ARP (sender = target address: keepalived's new master, an address coming up)
    // says who has the address now; the failover is these frames.
    if (spa === tpa) return { label: `ARP gratuitous ${spa} is-at ${sha}`, cls, macs };
    return { label: op === 1 ? `ARP who-has ${tpa}? tell ${spa}` : `ARP ${spa} is-at ${sha}`, cls, macs };
  }
  if (s.ipN === 0) return { label: s.ethType >= 0 ? `Ethernet 0x${s.ethType.toString(16)}` : 'Malformed', cls, macs };
  const outer = s.ipipCount;
  if (outer > 0) {
    const o = s.ipOff[0];
    return { label: `IPIP ${fmtIp(get32(bytes, o + 12))} → ${fmtIp(get32(bytes, o + 16))} ⟨${l4Label(s, s.innerIp)}⟩`, cls, macs };
  }
  return { label: l4Label(s, s.innerIp), cls, macs };
}

/** The flow graph's arrow text: ports and flags ("40312 → 80 [SYN]"), or the message. */
export function flowText(bytes: Uint8Array, info: string): string {
  const s = scanFrame(bytes, scan);
  if (s.l4 === 6) {
    const sp = get16(bytes, s.l4Off), dp = get16(bytes, s.l4Off + 2);
    if (s.app === APP_HTTP) return `${sp} → ${dp} ${httpFirstLine(s, true)}`;
    return `${sp} → ${dp} [${tcpFlagNames(bytes[s.l4Off + 13])}]`;
  }
  return info.length > 48 ? info.slice(0, 47) + '…' : info;
}

export interface RowCore {
  src: string; dst: string; protocol: string; length: number; info: string; cls: ProtoClass; flow: string;
}

export function rowCore(bytes: Uint8Array, ctx?: DissectContext): RowCore {
  const sum = summarize(bytes, ctx);
  const s = scanFrame(bytes, scan);
  const cls = protoClass(s);
  return { src: sum.src, dst: sum.dst, protocol: sum.protocol, length: sum.length, info: sum.info, cls, flow: flowText(bytes, sum.info) };
}

// ---- what a director changed ---------------------------------------------------------------------

interface Seen {
  readonly time: number;
  readonly ethSrc: number; readonly ethDst: number;
  readonly ips: readonly (readonly [number, number])[];
  readonly ports: readonly [number, number] | null;
}

function describe(bytes: Uint8Array): { key: string; seen: Omit<Seen, 'time'> } | null {
  const s = scanFrame(bytes, scan);
  const ii = s.innerIp;
  if (ii < 0) return null;
  const io = s.ipOff[ii];
  const ips: [number, number][] = [];
  for (let i = 0; i <= ii; i++) if (!s.ipQuoted[i]) ips.push([get32(bytes, s.ipOff[i] + 12), get32(bytes, s.ipOff[i] + 16)]);
  const hasPorts = s.l4 === 6 || s.l4 === 17;
  return {
    key: `${get16(bytes, io + 4)}/${bytes[io + 9]}/${s.l4 === 6 ? get32(bytes, s.l4Off + 8) : 0}`,
    seen: {
      ethSrc: get16(bytes, 6) * 4294967296 + get32(bytes, 8),
      ethDst: get16(bytes, 0) * 4294967296 + get32(bytes, 2),
      ips,
      ports: hasPorts ? [get16(bytes, s.l4Off), get16(bytes, s.l4Off + 2)] : null,
    },
  };
}

/** How long (virtual µs) a host may hold a packet and still be said to have forwarded it. */
const FORWARD_WINDOW = 1_000_000;

export class RewriteTracker {
  private readonly byHost = new Map<number, Map<string, Seen>>();

  /** Frame `bytes` was delivered to host `to` at `time`. */
  received(to: number, time: number, bytes: Uint8Array): void {
    const d = describe(bytes);
    if (!d) return;
    let m = this.byHost.get(to);
    if (!m) this.byHost.set(to, (m = new Map()));
    m.set(d.key, { time, ...d.seen });
    if (m.size > 256) for (const k of m.keys()) { m.delete(k); if (m.size <= 192) break; }
  }

  /**
   * Host `from` sent `bytes` at `time`: if it is a packet it received, what changed.
   * `macOnly` reports a change of the destination MAC alone (DR), for directors.
   */
  sent(from: number, time: number, bytes: Uint8Array, macOnly: boolean): string | undefined {
    const m = this.byHost.get(from);
    if (!m) return undefined;
    const d = describe(bytes);
    if (!d) return undefined;
    const before = m.get(d.key);
    if (!before || time - before.time > FORWARD_WINDOW) return undefined;
    m.delete(d.key);
    const after = d.seen;
    const parts: string[] = [];
    if (after.ips.length > before.ips.length) {
      const [s, t] = after.ips[0];
      parts.push(`+ outer IP ${fmtIp(s)} → ${fmtIp(t)}`);
    } else if (after.ips.length < before.ips.length) {
      parts.push('− outer IP');
    }
    const bi = before.ips[before.ips.length - 1], ai = after.ips[after.ips.length - 1];
    if (bi[0] !== ai[0]) parts.push(`src IP ${fmtIp(bi[0])} → ${fmtIp(ai[0])}`);
    if (bi[1] !== ai[1]) parts.push(`dst IP ${fmtIp(bi[1])} → ${fmtIp(ai[1])}`);
    if (before.ports && after.ports) {
      if (before.ports[0] !== after.ports[0]) parts.push(`src port ${before.ports[0]} → ${after.ports[0]}`);
      if (before.ports[1] !== after.ports[1]) parts.push(`dst port ${before.ports[1]} → ${after.ports[1]}`);
    }
    if (parts.length === 0 && macOnly && before.ethDst !== after.ethDst) {
      parts.push(`dst MAC ${fmtMac(before.ethDst)} → ${fmtMac(after.ethDst)}`);
    }
    return parts.length ? parts.join(', ') : undefined;
  }

  clear(): void { this.byHost.clear(); }
}
