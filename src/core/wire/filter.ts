/**
 * Wireshark display filters (a subset of its grammar), compiled to a predicate over frame
 * bytes: what the capture pane's filter bar and `tshark -Y`-style commands use.
 *
 *   ip.addr == 192.168.137.0/24 && tcp.port == 80
 *   tcp.flags.syn == 1 and not tcp.flags.ack
 *   http.request.method == "GET" || arp.opcode == 2
 *   frame.len > 100 and !(udp.port in {53, 67})
 *   http contains "curl"      ipip      tcp.options.toa.addr == 10.0.0.5
 *
 * Semantics follow Wireshark 4: a field may occur several times (both addresses of
 * `ip.addr`, the inner and outer header of IP-in-IP, the datagram quoted in an ICMP error);
 * `==`, `>`, `contains` … hold when *any* occurrence matches; `!=` when all occurrences
 * differ (and the field is present); `~=` when any differs. A bare field or protocol name
 * tests presence. Booleans compare with 1/0 or true/false.
 *
 * Speed: the common fields are read straight from the bytes after one `scanFrame` pass (no
 * allocation per frame beyond small value arrays); any other field the dissector produces
 * (`http.user_agent`, `tls.handshake.extensions_server_name`, …) makes the filter dissect
 * each frame, lazily and once. 100,000 frames filter in tens of milliseconds on the fast
 * path.
 *
 * Not supported: arithmetic, slices (`eth.src[0:3]`), `matches`, functions, layer
 * operators (`ip.src#2`), field references. `ipip` is the lab's own protocol name (frames
 * with an IP-in-IP header; Wireshark has none).
 */
import * as bytesM from './bytes.ts';
import * as dissectM from './dissect.ts';
import type { DissectContext, Dissection } from './dissect.ts';
import * as scanM from './scan.ts';
import * as tlsM from './tls.ts';
import * as typesM from './types.ts';

// Bound once rather than read through the import at each use: see "Imports on the hot path" in bytes.ts.
const { get16, get32 } = bytesM;
const { allFields, dissect, tcpStreamKey } = dissectM;
const { APP_HTTP, APP_NONE, APP_TLS, FrameScan, scanFrame } = scanM;
type FrameScan = scanM.FrameScan;
const { scanTlsRecords } = tlsM;
const { parseIpv4, parseMac, prefixMask } = typesM;

export type FilterResult =
  | {
    readonly ok: true;
    /**
     * Whether the frame matches. With the frame's `DissectContext` (a `StreamTracker`'s
     * `context(no)` plus `frameBytes`), TCP segments of a reassembled PDU are not HTTP/TLS
     * and fields come from the reassembled PDU, exactly as in Wireshark.
     */
    readonly match: (frame: Uint8Array, ctx?: DissectContext) => boolean;
    readonly fields: readonly string[];
  }
  | { readonly ok: false; readonly error: string; readonly pos: number };

// ---- field registry -----------------------------------------------------------------------------

type Kind = 'uint' | 'bool' | 'ipv4' | 'ether' | 'string' | 'bytes' | 'proto';
type Val = number | string | Uint8Array;

interface FieldDef {
  readonly kind: Kind;
  /** Wireshark's type name, for error messages. */
  readonly ft: string;
  /** Values read straight from the scanned bytes; absent → dissect and collect by name. */
  readonly fast?: (s: FrameScan) => readonly Val[];
}

const NONE: readonly Val[] = [];
const u = (ft = 'FT_UINT32'): FieldDef => ({ kind: 'uint', ft });
const one = (v: number): readonly Val[] => [v];

function is8023(s: FrameScan): boolean { return s.ethType > 0 && s.ethType <= 1500; }
function tcpOff(s: FrameScan): number { return s.l4 === 6 ? s.l4Off : -1; }
function udpOff(s: FrameScan): number { return s.l4 === 17 ? s.l4Off : -1; }
/** TCP/UDP headers of a protocol, including the one quoted in an ICMP error (as Wireshark). */
function l4Offsets(s: FrameScan, proto: number): number[] {
  const out: number[] = [];
  if (s.l4 === proto) out.push(s.l4Off);
  if (s.q4 === proto) out.push(s.q4Off);
  return out;
}
function ipVals(s: FrameScan, f: (s: FrameScan, i: number) => number): readonly Val[] {
  if (s.ipN === 0) return NONE;
  if (s.ipN === 1) return [f(s, 0)];
  const out: number[] = [];
  for (let i = 0; i < s.ipN; i++) out.push(f(s, i));
  return out;
}
function macAt(b: Uint8Array, o: number): number { return ((b[o] << 8) | b[o + 1]) * 4294967296 + get32(b, o + 2); }
function tcpFlag(bit: number): FieldDef {
  return { kind: 'bool', ft: 'FT_BOOLEAN', fast: (s) => { const o = tcpOff(s); return o < 0 ? NONE : one(s.b[o + 13] & bit ? 1 : 0); } };
}
function portField(proto: number, which: 0 | 2 | -1): FieldDef {
  return {
    kind: 'uint', ft: 'FT_UINT16',
    fast: (s) => {
      const offs = proto === 6 || proto === 17 ? l4Offsets(s, proto) : [];
      if (offs.length === 0) return NONE;
      const out: number[] = [];
      for (const o of offs) {
        if (which === -1) out.push(get16(s.b, o), get16(s.b, o + 2));
        else out.push(get16(s.b, o + which));
      }
      return out;
    },
  };
}
/** A 16-bit UDP header field, also of the datagram quoted in an ICMP error when the quote has it (as Wireshark). */
function udpWord(at: 4 | 6): FieldDef {
  return {
    kind: 'uint', ft: 'FT_UINT16',
    fast: (s) => {
      const o = udpOff(s);
      const q = s.q4 === 17 && s.q4End - s.q4Off >= at + 2 ? s.q4Off : -1;
      if (o < 0) return q < 0 ? NONE : one(get16(s.b, q + at));
      return q < 0 ? one(get16(s.b, o + at)) : [get16(s.b, o + at), get16(s.b, q + at)];
    },
  };
}
function protoRange(s: FrameScan, name: string): [number, number] | null {
  switch (name) {
    case 'frame': return [0, s.len];
    case 'eth': return s.ethType >= 0 ? [0, s.len] : null;
    case 'arp': return s.arp >= 0 ? [s.arp, s.arp + 28] : null;
    case 'ip': return s.ipN > 0 ? [s.ipOff[0], s.ipEnd[0]] : null;
    case 'ipip': return s.ipipCount > 0 ? [s.ipOff[1], s.ipEnd[1]] : null;
    case 'tcp': { const o = l4Offsets(s, 6); return o.length ? [o[0], o[0] === s.l4Off ? s.l4End : s.q4End] : null; }
    case 'udp': { const o = l4Offsets(s, 17); return o.length ? [o[0], o[0] === s.l4Off ? s.l4End : s.q4End] : null; }
    case 'icmp': return s.l4 === 1 ? [s.l4Off, s.l4End] : s.q4 === 1 ? [s.q4Off, s.q4End] : null;
    case 'vrrp': return s.l4 === 112 ? [s.l4Off, s.l4End] : null;
    case 'http': return s.app === APP_HTTP ? [s.appOff, s.appEnd] : null;
    case 'tls': case 'ssl': return s.app === APP_TLS && (s.pdu === 2 || scanTlsRecords(s.b, s.appOff, s.appEnd).length > 0) ? [s.appOff, s.appEnd] : null;
    case 'data': return s.app === 1 ? [s.appOff, s.appEnd] : null;
    default: return null;
  }
}
function protoDef(name: string): FieldDef {
  return { kind: 'proto', ft: 'FT_PROTOCOL', fast: (s) => { const r = protoRange(s, name); return r ? [s.b.subarray(r[0], r[1])] : NONE; } };
}

const FIELDS: Record<string, FieldDef> = {
  // protocols
  frame: protoDef('frame'), eth: protoDef('eth'), arp: protoDef('arp'), ip: protoDef('ip'), ipip: protoDef('ipip'),
  tcp: protoDef('tcp'), udp: protoDef('udp'), icmp: protoDef('icmp'), vrrp: protoDef('vrrp'), http: protoDef('http'),
  tls: protoDef('tls'), ssl: protoDef('ssl'), data: protoDef('data'),
  // frame
  'frame.len': { kind: 'uint', ft: 'FT_UINT32', fast: (s) => one(s.len) },
  'frame.cap_len': { kind: 'uint', ft: 'FT_UINT32', fast: (s) => one(s.len) },
  // From the caller's DissectContext.frame (the capture log knows them, the bytes do not).
  'frame.number': { kind: 'uint', ft: 'FT_UINT32' },
  'frame.interface_name': { kind: 'string', ft: 'FT_STRING' },
  'frame.comment': { kind: 'string', ft: 'FT_STRING' },
  'frame.time_epoch': { kind: 'uint', ft: 'FT_ABSOLUTE_TIME' },
  // Ethernet
  'eth.dst': { kind: 'ether', ft: 'FT_ETHER', fast: (s) => (s.ethType < 0 ? NONE : one(macAt(s.b, 0))) },
  'eth.src': { kind: 'ether', ft: 'FT_ETHER', fast: (s) => (s.ethType < 0 ? NONE : one(macAt(s.b, 6))) },
  'eth.addr': { kind: 'ether', ft: 'FT_ETHER', fast: (s) => (s.ethType < 0 ? NONE : [macAt(s.b, 0), macAt(s.b, 6)]) },
  'eth.type': { kind: 'uint', ft: 'FT_UINT16', fast: (s) => (s.ethType < 0 || is8023(s) ? NONE : one(s.ethType)) },
  'eth.len': { kind: 'uint', ft: 'FT_UINT16', fast: (s) => (is8023(s) ? one(s.ethType) : NONE) },
  'eth.padding': { kind: 'bytes', ft: 'FT_BYTES' },
  'eth.dst.lg': { kind: 'bool', ft: 'FT_BOOLEAN' }, 'eth.dst.ig': { kind: 'bool', ft: 'FT_BOOLEAN' },
  'eth.src.lg': { kind: 'bool', ft: 'FT_BOOLEAN' }, 'eth.src.ig': { kind: 'bool', ft: 'FT_BOOLEAN' },
  // ARP
  'arp.hw.type': { kind: 'uint', ft: 'FT_UINT16', fast: (s) => (s.arp < 0 ? NONE : one(get16(s.b, s.arp))) },
  'arp.proto.type': { kind: 'uint', ft: 'FT_UINT16', fast: (s) => (s.arp < 0 ? NONE : one(get16(s.b, s.arp + 2))) },
  'arp.hw.size': { kind: 'uint', ft: 'FT_UINT8', fast: (s) => (s.arp < 0 ? NONE : one(s.b[s.arp + 4])) },
  'arp.proto.size': { kind: 'uint', ft: 'FT_UINT8', fast: (s) => (s.arp < 0 ? NONE : one(s.b[s.arp + 5])) },
  'arp.opcode': { kind: 'uint', ft: 'FT_UINT16', fast: (s) => (s.arp < 0 ? NONE : one(get16(s.b, s.arp + 6))) },
  'arp.src.hw_mac': { kind: 'ether', ft: 'FT_ETHER', fast: (s) => (s.arp < 0 ? NONE : one(macAt(s.b, s.arp + 8))) },
  'arp.src.proto_ipv4': { kind: 'ipv4', ft: 'FT_IPv4', fast: (s) => (s.arp < 0 ? NONE : one(get32(s.b, s.arp + 14))) },
  'arp.dst.hw_mac': { kind: 'ether', ft: 'FT_ETHER', fast: (s) => (s.arp < 0 ? NONE : one(macAt(s.b, s.arp + 18))) },
  'arp.dst.proto_ipv4': { kind: 'ipv4', ft: 'FT_IPv4', fast: (s) => (s.arp < 0 ? NONE : one(get32(s.b, s.arp + 24))) },
  'arp.isgratuitous': { kind: 'bool', ft: 'FT_BOOLEAN' }, 'arp.isprobe': { kind: 'bool', ft: 'FT_BOOLEAN' },
  'arp.isannouncement': { kind: 'bool', ft: 'FT_BOOLEAN' },
  // IPv4
  'ip.version': { kind: 'uint', ft: 'FT_UINT8', fast: (s) => ipVals(s, () => 4) },
  'ip.hdr_len': { kind: 'uint', ft: 'FT_UINT8', fast: (s) => ipVals(s, (t, i) => t.ipHl[i]) },
  'ip.dsfield': { kind: 'uint', ft: 'FT_UINT8', fast: (s) => ipVals(s, (t, i) => t.b[t.ipOff[i] + 1]) },
  'ip.dsfield.dscp': { kind: 'uint', ft: 'FT_UINT8', fast: (s) => ipVals(s, (t, i) => t.b[t.ipOff[i] + 1] >> 2) },
  'ip.dsfield.ecn': { kind: 'uint', ft: 'FT_UINT8', fast: (s) => ipVals(s, (t, i) => t.b[t.ipOff[i] + 1] & 3) },
  'ip.len': { kind: 'uint', ft: 'FT_UINT16', fast: (s) => ipVals(s, (t, i) => get16(t.b, t.ipOff[i] + 2)) },
  'ip.id': { kind: 'uint', ft: 'FT_UINT16', fast: (s) => ipVals(s, (t, i) => get16(t.b, t.ipOff[i] + 4)) },
  'ip.flags': { kind: 'uint', ft: 'FT_UINT8', fast: (s) => ipVals(s, (t, i) => t.b[t.ipOff[i] + 6] >> 5) },
  'ip.flags.rb': { kind: 'bool', ft: 'FT_BOOLEAN', fast: (s) => ipVals(s, (t, i) => (t.b[t.ipOff[i] + 6] & 0x80 ? 1 : 0)) },
  'ip.flags.df': { kind: 'bool', ft: 'FT_BOOLEAN', fast: (s) => ipVals(s, (t, i) => (t.b[t.ipOff[i] + 6] & 0x40 ? 1 : 0)) },
  'ip.flags.mf': { kind: 'bool', ft: 'FT_BOOLEAN', fast: (s) => ipVals(s, (t, i) => (t.b[t.ipOff[i] + 6] & 0x20 ? 1 : 0)) },
  'ip.frag_offset': { kind: 'uint', ft: 'FT_UINT16', fast: (s) => ipVals(s, (t, i) => get16(t.b, t.ipOff[i] + 6) & 0x1fff) },
  'ip.ttl': { kind: 'uint', ft: 'FT_UINT8', fast: (s) => ipVals(s, (t, i) => t.b[t.ipOff[i] + 8]) },
  'ip.proto': { kind: 'uint', ft: 'FT_UINT8', fast: (s) => ipVals(s, (t, i) => t.b[t.ipOff[i] + 9]) },
  'ip.checksum': { kind: 'uint', ft: 'FT_UINT16', fast: (s) => ipVals(s, (t, i) => get16(t.b, t.ipOff[i] + 10)) },
  'ip.checksum.status': { kind: 'string', ft: 'FT_UINT8' },
  'ip.src': { kind: 'ipv4', ft: 'FT_IPv4', fast: (s) => ipVals(s, (t, i) => t.ipSrc(i)) },
  'ip.dst': { kind: 'ipv4', ft: 'FT_IPv4', fast: (s) => ipVals(s, (t, i) => t.ipDst(i)) },
  'ip.addr': {
    kind: 'ipv4', ft: 'FT_IPv4',
    fast: (s) => { const out: number[] = []; for (let i = 0; i < s.ipN; i++) out.push(s.ipSrc(i), s.ipDst(i)); return out; },
  },
  'ip.options': { kind: 'bytes', ft: 'FT_BYTES' },
  // TCP
  'tcp.srcport': portField(6, 0), 'tcp.dstport': portField(6, 2), 'tcp.port': portField(6, -1),
  // Relative, as Wireshark's, when the caller's context knows the stream (see Frame.relative).
  'tcp.seq': { kind: 'uint', ft: 'FT_UINT32' },
  'tcp.seq_raw': { kind: 'uint', ft: 'FT_UINT32', fast: (s) => { const o = tcpOff(s); return o < 0 ? NONE : one(get32(s.b, o + 4)); } },
  'tcp.ack': { kind: 'uint', ft: 'FT_UINT32' },
  'tcp.ack_raw': { kind: 'uint', ft: 'FT_UINT32', fast: (s) => { const o = tcpOff(s); return o < 0 ? NONE : one(get32(s.b, o + 8)); } },
  'tcp.nxtseq': u(),
  'tcp.len': { kind: 'uint', ft: 'FT_UINT32', fast: (s) => (s.l4 === 6 ? one(s.l4End - s.l4Off - s.l4Hl) : NONE) },
  'tcp.hdr_len': { kind: 'uint', ft: 'FT_UINT8', fast: (s) => (s.l4 === 6 ? one(s.l4Hl) : NONE) },
  'tcp.flags': { kind: 'uint', ft: 'FT_UINT16', fast: (s) => { const o = tcpOff(s); return o < 0 ? NONE : one(((s.b[o + 12] & 15) << 8) | s.b[o + 13]); } },
  'tcp.flags.res': { kind: 'bool', ft: 'FT_BOOLEAN', fast: (s) => { const o = tcpOff(s); return o < 0 ? NONE : one(s.b[o + 12] & 0x0e ? 1 : 0); } },
  'tcp.flags.ae': { kind: 'bool', ft: 'FT_BOOLEAN', fast: (s) => { const o = tcpOff(s); return o < 0 ? NONE : one(s.b[o + 12] & 1); } },
  'tcp.flags.ns': { kind: 'bool', ft: 'FT_BOOLEAN', fast: (s) => { const o = tcpOff(s); return o < 0 ? NONE : one(s.b[o + 12] & 1); } },
  'tcp.flags.cwr': tcpFlag(0x80), 'tcp.flags.ece': tcpFlag(0x40), 'tcp.flags.urg': tcpFlag(0x20), 'tcp.flags.ack': tcpFlag(0x10),
  'tcp.flags.push': tcpFlag(0x08), 'tcp.flags.reset': tcpFlag(0x04), 'tcp.flags.syn': tcpFlag(0x02), 'tcp.flags.fin': tcpFlag(0x01),
  // The lab's aliases, for students who guess the short names.
  'tcp.flags.rst': tcpFlag(0x04), 'tcp.flags.psh': tcpFlag(0x08),
  'tcp.flags.str': { kind: 'string', ft: 'FT_STRING' },
  'tcp.window_size_value': { kind: 'uint', ft: 'FT_UINT16', fast: (s) => { const o = tcpOff(s); return o < 0 ? NONE : one(get16(s.b, o + 14)); } },
  'tcp.window_size': u(), 'tcp.window_size_scalefactor': u('FT_INT32'),
  'tcp.checksum': { kind: 'uint', ft: 'FT_UINT16', fast: (s) => { const o = tcpOff(s); return o < 0 ? NONE : one(get16(s.b, o + 16)); } },
  'tcp.checksum.status': { kind: 'string', ft: 'FT_UINT8' },
  'tcp.urgent_pointer': { kind: 'uint', ft: 'FT_UINT16', fast: (s) => { const o = tcpOff(s); return o < 0 ? NONE : one(get16(s.b, o + 18)); } },
  'tcp.options': { kind: 'bytes', ft: 'FT_BYTES' }, 'tcp.option_kind': u('FT_UINT8'), 'tcp.option_len': u('FT_UINT8'),
  'tcp.options.mss': { kind: 'uint', ft: 'FT_NONE' }, 'tcp.options.mss_val': u('FT_UINT16'),
  'tcp.options.wscale': { kind: 'uint', ft: 'FT_NONE' }, 'tcp.options.wscale.shift': u('FT_UINT8'), 'tcp.options.wscale.multiplier': u('FT_UINT16'),
  'tcp.options.sack_perm': { kind: 'bool', ft: 'FT_NONE' }, 'tcp.options.sack': { kind: 'bool', ft: 'FT_NONE' },
  'tcp.options.sack_le': u(), 'tcp.options.sack_re': u(), 'tcp.options.sack.count': u('FT_UINT8'),
  'tcp.options.timestamp': { kind: 'bool', ft: 'FT_NONE' }, 'tcp.options.timestamp.tsval': u(), 'tcp.options.timestamp.tsecr': u(),
  'tcp.options.nop': { kind: 'bool', ft: 'FT_NONE' }, 'tcp.options.eol': { kind: 'bool', ft: 'FT_NONE' },
  'tcp.options.toa': { kind: 'string', ft: 'FT_STRING' }, 'tcp.options.toa.port': u('FT_UINT16'), 'tcp.options.toa.addr': { kind: 'ipv4', ft: 'FT_IPv4' },
  'tcp.options.unknown': { kind: 'bytes', ft: 'FT_BYTES' }, 'tcp.options.unknown.payload': { kind: 'bytes', ft: 'FT_BYTES' },
  'tcp.payload': { kind: 'bytes', ft: 'FT_BYTES' }, 'tcp.segment_data': { kind: 'bytes', ft: 'FT_BYTES' },
  // UDP
  'udp.srcport': portField(17, 0), 'udp.dstport': portField(17, 2), 'udp.port': portField(17, -1),
  'udp.length': udpWord(4),
  'udp.checksum': udpWord(6),
  'udp.checksum.status': { kind: 'string', ft: 'FT_UINT8' }, 'udp.payload': { kind: 'bytes', ft: 'FT_BYTES' },
  // ICMP
  'icmp.type': { kind: 'uint', ft: 'FT_UINT8', fast: (s) => (s.l4 === 1 ? (s.q4 === 1 ? [s.b[s.l4Off], s.b[s.q4Off]] : one(s.b[s.l4Off])) : NONE) },
  'icmp.code': { kind: 'uint', ft: 'FT_UINT8', fast: (s) => (s.l4 === 1 ? (s.q4 === 1 ? [s.b[s.l4Off + 1], s.b[s.q4Off + 1]] : one(s.b[s.l4Off + 1])) : NONE) },
  'icmp.checksum': u('FT_UINT16'), 'icmp.checksum.status': { kind: 'string', ft: 'FT_UINT8' },
  'icmp.ident': u('FT_UINT16'), 'icmp.ident_le': u('FT_UINT16'), 'icmp.seq': u('FT_UINT16'), 'icmp.seq_le': u('FT_UINT16'),
  'icmp.unused': { kind: 'bytes', ft: 'FT_BYTES' }, 'icmp.mtu': u('FT_UINT16'), 'icmp.redir_gw': { kind: 'ipv4', ft: 'FT_IPv4' },
  'icmp.data_time': u('FT_ABSOLUTE_TIME'), 'icmp.data_time_relative': u('FT_RELATIVE_TIME'),
  'icmp.pointer': u('FT_UINT8'), 'icmp.rest': { kind: 'bytes', ft: 'FT_BYTES' }, 'icmp.resp_in': u('FT_FRAMENUM'), 'icmp.resp_to': u('FT_FRAMENUM'),
  // VRRP
  'vrrp.typever': u('FT_UINT8'), 'vrrp.version': u('FT_UINT8'), 'vrrp.type': u('FT_UINT8'), 'vrrp.virt_rtr_id': u('FT_UINT8'),
  'vrrp.prio': u('FT_UINT8'), 'vrrp.addr_count': u('FT_UINT8'), 'vrrp.auth_type': u('FT_UINT8'), 'vrrp.adver_int': u('FT_UINT8'),
  'vrrp.checksum': u('FT_UINT16'), 'vrrp.checksum.status': { kind: 'string', ft: 'FT_UINT8' },
  'vrrp.ip_addr': { kind: 'ipv4', ft: 'FT_IPv4' }, 'vrrp.auth_string': { kind: 'string', ft: 'FT_STRING' },
  // HTTP
  'http.request': { kind: 'bool', ft: 'FT_BOOLEAN' }, 'http.response': { kind: 'bool', ft: 'FT_BOOLEAN' },
  'http.request.line': { kind: 'string', ft: 'FT_STRING' }, 'http.response.line': { kind: 'string', ft: 'FT_STRING' },
  'http.request.method': { kind: 'string', ft: 'FT_STRING' }, 'http.request.uri': { kind: 'string', ft: 'FT_STRING' },
  'http.request.version': { kind: 'string', ft: 'FT_STRING' }, 'http.request.full_uri': { kind: 'string', ft: 'FT_STRING' },
  'http.response.version': { kind: 'string', ft: 'FT_STRING' }, 'http.response.code': u('FT_UINT16'),
  'http.response.code.desc': { kind: 'string', ft: 'FT_STRING' }, 'http.response.phrase': { kind: 'string', ft: 'FT_STRING' },
  'http.content_length': u('FT_UINT64'), 'http.file_data': { kind: 'bytes', ft: 'FT_BYTES' }, 'http.continuation': { kind: 'bytes', ft: 'FT_BYTES' },
  // TLS
  'tls.record': { kind: 'uint', ft: 'FT_NONE' }, 'tls.record.content_type': u('FT_UINT8'), 'tls.record.version': u('FT_UINT16'),
  'tls.record.length': u('FT_UINT16'), 'tls.handshake': { kind: 'uint', ft: 'FT_NONE' }, 'tls.handshake.type': u('FT_UINT8'),
  'tls.handshake.length': u('FT_UINT24'), 'tls.handshake.version': u('FT_UINT16'), 'tls.handshake.random': { kind: 'bytes', ft: 'FT_BYTES' },
  'tls.handshake.session_id_length': u('FT_UINT8'), 'tls.handshake.session_id': { kind: 'bytes', ft: 'FT_BYTES' },
  'tls.handshake.cipher_suites_length': u('FT_UINT16'), 'tls.handshake.ciphersuites': u('FT_NONE'), 'tls.handshake.ciphersuite': u('FT_UINT16'),
  'tls.handshake.comp_methods_length': u('FT_UINT8'), 'tls.handshake.comp_method': u('FT_UINT8'), 'tls.handshake.extensions_length': u('FT_UINT16'),
  'tls.handshake.extension': u('FT_NONE'), 'tls.handshake.extension.type': u('FT_UINT16'), 'tls.handshake.extension.len': u('FT_UINT16'),
  'tls.handshake.extensions_server_name': { kind: 'string', ft: 'FT_STRING' }, 'tls.handshake.extensions.supported_version': u('FT_UINT16'),
  'tls.handshake.certificate_length': u('FT_UINT24'), 'tls.handshake.certificate': { kind: 'string', ft: 'FT_BYTES' },
  'tls.change_cipher_spec': { kind: 'bool', ft: 'FT_NONE' }, 'tls.app_data': { kind: 'bytes', ft: 'FT_BYTES' },
  'tls.alert_message': { kind: 'string', ft: 'FT_NONE' }, 'tls.continuation_data': { kind: 'bytes', ft: 'FT_BYTES' },
  'tls.segment.data': { kind: 'bytes', ft: 'FT_BYTES' },
  // Data
  'data.data': { kind: 'bytes', ft: 'FT_BYTES' }, 'data.len': u('FT_INT32'),
};

const HTTP_HEADERS = ['host', 'user_agent', 'accept', 'content_type', 'content_length_header', 'server', 'date', 'last_modified',
  'connection', 'location', 'cookie', 'set_cookie', 'referer', 'accept_encoding', 'accept_language', 'cache_control',
  'transfer_encoding', 'x_forwarded_for', 'keep_alive', 'content_encoding', 'authorization', 'unknown_header'];
for (const h of HTTP_HEADERS) FIELDS[`http.${h}`] = { kind: 'string', ft: 'FT_STRING' };
FIELDS['http.request'] = { kind: 'bool', ft: 'FT_BOOLEAN', fast: (s) => (s.app === APP_HTTP && !isHttpResponse(s) ? one(1) : NONE) };
FIELDS['http.response'] = { kind: 'bool', ft: 'FT_BOOLEAN', fast: (s) => (s.app === APP_HTTP && isHttpResponse(s) ? one(1) : NONE) };
function isHttpResponse(s: FrameScan): boolean {
  const b = s.b, o = s.appOff;
  return s.appEnd - o >= 5 && b[o] === 0x48 && b[o + 1] === 0x54 && b[o + 2] === 0x54 && b[o + 3] === 0x50 && b[o + 4] === 0x2f;
}

/** Names a filter can use (for completion in the filter bar). */
export const FILTER_FIELDS: readonly string[] = Object.keys(FIELDS).sort();

/** Whether `name` is a field or protocol the filter knows. */
export function isFilterField(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(FIELDS, name);
}

// ---- lexer ----------------------------------------------------------------------------------------

type TokType = 'word' | 'string' | 'op' | 'lparen' | 'rparen' | 'lbrace' | 'rbrace' | 'comma' | 'and' | 'or' | 'not' | 'in' | 'range' | 'eof';
interface Tok { t: TokType; v: string; pos: number }

class FilterError extends Error {
  constructor(msg: string, readonly pos: number) { super(msg); }
}

const OP_WORDS: Record<string, string> = {
  eq: '==', ne: '!=', gt: '>', lt: '<', ge: '>=', le: '<=', contains: 'contains', any_eq: '==', all_ne: '!=', any_ne: '~=',
};

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) { i++; continue; }
    const start = i;
    if (c === '(') { out.push({ t: 'lparen', v: c, pos: i++ }); continue; }
    if (c === ')') { out.push({ t: 'rparen', v: c, pos: i++ }); continue; }
    if (c === '{') { out.push({ t: 'lbrace', v: c, pos: i++ }); continue; }
    if (c === '}') { out.push({ t: 'rbrace', v: c, pos: i++ }); continue; }
    if (c === ',') { out.push({ t: 'comma', v: c, pos: i++ }); continue; }
    if (src.startsWith('..', i)) { out.push({ t: 'range', v: '..', pos: i }); i += 2; continue; }
    if (src.startsWith('&&', i)) { out.push({ t: 'and', v: '&&', pos: i }); i += 2; continue; }
    if (src.startsWith('||', i)) { out.push({ t: 'or', v: '||', pos: i }); i += 2; continue; }
    const two = src.slice(i, i + 2);
    if (two === '==' || two === '!=' || two === '>=' || two === '<=' || two === '~=') { out.push({ t: 'op', v: two, pos: i }); i += 2; continue; }
    if (c === '!') { out.push({ t: 'not', v: '!', pos: i++ }); continue; }
    if (c === '>' || c === '<') { out.push({ t: 'op', v: c, pos: i++ }); continue; }
    if (c === '=') throw new FilterError('"=" was unexpected in this context.', i);
    if (c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new FilterError('The string was not terminated.', start);
        const d = src[i];
        if (d === '"') { i++; break; }
        if (d === '\\') {
          const e = src[i + 1];
          if (e === undefined) throw new FilterError('The string was not terminated.', start);
          if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(src.slice(i + 2, i + 4))) { s += String.fromCharCode(parseInt(src.slice(i + 2, i + 4), 16)); i += 4; continue; }
          s += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e;
          i += 2;
          continue;
        }
        s += d;
        i++;
      }
      out.push({ t: 'string', v: s, pos: start });
      continue;
    }
    // A word: field names, numbers, addresses (with '/' for CIDR and ':' '-' for MACs).
    const m = /^[A-Za-z0-9_.:\-/]+/.exec(src.slice(i));
    if (!m) throw new FilterError(`"${c}" was unexpected in this context.`, i);
    let w = m[0];
    // "1..3" in a set is a range, not one word.
    const dots = w.indexOf('..');
    if (dots > 0) w = w.slice(0, dots);
    i += w.length;
    const lw = w.toLowerCase();
    if (lw === 'and') out.push({ t: 'and', v: w, pos: start });
    else if (lw === 'or') out.push({ t: 'or', v: w, pos: start });
    else if (lw === 'not') out.push({ t: 'not', v: w, pos: start });
    else if (lw === 'in') out.push({ t: 'in', v: w, pos: start });
    else if (OP_WORDS[lw] !== undefined) out.push({ t: 'op', v: OP_WORDS[lw], pos: start });
    else out.push({ t: 'word', v: w, pos: start });
  }
  out.push({ t: 'eof', v: '', pos: src.length });
  return out;
}

// ---- parser ---------------------------------------------------------------------------------------

type Literal = { readonly text: string; readonly quoted: boolean; readonly pos: number };
type Node =
  | { readonly k: 'and' | 'or'; readonly a: Node; readonly b: Node }
  | { readonly k: 'not'; readonly a: Node }
  | { readonly k: 'exists'; readonly field: string }
  | { readonly k: 'cmp'; readonly field: string; readonly op: string; readonly lit: Literal; readonly opPos: number }
  | { readonly k: 'cmpf'; readonly field: string; readonly op: string; readonly other: string }
  | { readonly k: 'in'; readonly field: string; readonly items: readonly (Literal | readonly [Literal, Literal])[] };

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}
  private peek(): Tok { return this.toks[this.i]; }
  private next(): Tok { return this.toks[this.i++]; }
  private unexpected(t: Tok): never {
    if (t.t === 'eof') throw new FilterError('Unexpected end of filter expression.', t.pos);
    throw new FilterError(`"${t.t === 'string' ? `"${t.v}"` : t.v}" was unexpected in this context.`, t.pos);
  }
  parse(): Node {
    if (this.peek().t === 'eof') throw new FilterError('Unexpected end of filter expression.', 0);
    const n = this.or();
    if (this.peek().t !== 'eof') this.unexpected(this.peek());
    return n;
  }
  private or(): Node {
    let a = this.and();
    while (this.peek().t === 'or') { this.next(); a = { k: 'or', a, b: this.and() }; }
    return a;
  }
  private and(): Node {
    let a = this.unary();
    while (this.peek().t === 'and') { this.next(); a = { k: 'and', a, b: this.unary() }; }
    return a;
  }
  private unary(): Node {
    const t = this.peek();
    if (t.t === 'not') { this.next(); return { k: 'not', a: this.unary() }; }
    if (t.t === 'lparen') {
      this.next();
      const n = this.or();
      const c = this.next();
      if (c.t !== 'rparen') this.unexpected(c);
      return n;
    }
    return this.relation();
  }
  private field(t: Tok): string {
    if (t.t !== 'word') this.unexpected(t);
    if (!isFilterField(t.v)) throw new FilterError(`"${t.v}" is neither a field nor a protocol name.`, t.pos);
    return t.v;
  }
  private literal(): Literal {
    const t = this.next();
    if (t.t === 'word') return { text: t.v, quoted: false, pos: t.pos };
    if (t.t === 'string') return { text: t.v, quoted: true, pos: t.pos };
    return this.unexpected(t);
  }
  private relation(): Node {
    const ft = this.next();
    const field = this.field(ft);
    const t = this.peek();
    if (t.t === 'op') {
      this.next();
      const r = this.peek();
      if (r.t === 'word' && isFilterField(r.v) && !/^[0-9]/.test(r.v)) {
        this.next();
        return { k: 'cmpf', field, op: t.v, other: r.v };
      }
      return { k: 'cmp', field, op: t.v, lit: this.literal(), opPos: t.pos };
    }
    if (t.t === 'in') {
      this.next();
      const lb = this.next();
      if (lb.t !== 'lbrace') this.unexpected(lb);
      const items: (Literal | readonly [Literal, Literal])[] = [];
      for (;;) {
        if (this.peek().t === 'rbrace') { if (items.length === 0) this.unexpected(this.peek()); this.next(); break; }
        const a = this.literal();
        if (this.peek().t === 'range') { this.next(); items.push([a, this.literal()]); }
        else items.push(a);
        if (this.peek().t === 'comma') this.next();
      }
      return { k: 'in', field, items };
    }
    return { k: 'exists', field };
  }
}

// ---- values -------------------------------------------------------------------------------------

/** A literal converted for a field kind: a predicate on one value. */
type ValueTest = (v: Val) => boolean;
type Cmp = '==' | '!=' | '~=' | '>' | '<' | '>=' | '<=' | 'contains';

function parseNumber(text: string, pos: number): number {
  let v: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) v = parseInt(text.slice(2), 16);
  else if (/^0[0-7]+$/.test(text)) v = parseInt(text.slice(1), 8);
  else if (/^(0|[1-9][0-9]*)$/.test(text)) v = Number(text);
  else throw new FilterError(`"${text}" is not a valid number.`, pos);
  return v;
}

function bytesOf(lit: Literal): Uint8Array {
  if (!lit.quoted && /^[0-9a-fA-F]{2}([:.-][0-9a-fA-F]{2})*$/.test(lit.text)) {
    return Uint8Array.from(lit.text.split(/[:.-]/).map((h) => parseInt(h, 16)));
  }
  if (!lit.quoted && /^[0-9a-fA-F]{2}$/.test(lit.text)) return Uint8Array.of(parseInt(lit.text, 16));
  const out = new Uint8Array(lit.text.length);
  for (let i = 0; i < lit.text.length; i++) out[i] = lit.text.charCodeAt(i) & 255;
  return out;
}

function indexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  if (needle.length === 0) return 0;
  const n0 = needle[0];
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    if (hay[i] !== n0) continue;
    for (let j = 1; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function numCmp(op: Cmp, a: number, b: number): boolean {
  switch (op) {
    case '==': return a === b;
    case '!=': case '~=': return a !== b;
    case '>': return a > b;
    case '<': return a < b;
    case '>=': return a >= b;
    case '<=': return a <= b;
    default: return false;
  }
}

/** Builds the per-value test of `field op lit`; for != and ~= it tests inequality. */
function valueTest(field: string, def: FieldDef, op: Cmp, lit: Literal): ValueTest {
  if (op === 'contains') {
    if (def.kind === 'string') {
      const needle = lit.text;
      return (v) => typeof v === 'string' && v.includes(needle);
    }
    if (def.kind === 'bytes' || def.kind === 'proto') {
      const needle = bytesOf(lit);
      return (v) => (v instanceof Uint8Array ? indexOfBytes(v, needle) >= 0 : typeof v === 'string' && indexOfBytes(hexToBytes(v), needle) >= 0);
    }
    throw new FilterError(`${field} (type=${def.ft}) cannot participate in 'contains' comparison.`, lit.pos);
  }
  switch (def.kind) {
    case 'uint': {
      const n = parseNumber(lit.text, lit.pos);
      return (v) => numCmp(op, typeof v === 'number' ? v : Number(v), n);
    }
    case 'bool': {
      const t = lit.text.toLowerCase();
      const n = t === 'true' ? 1 : t === 'false' ? 0 : parseNumber(lit.text, lit.pos) !== 0 ? 1 : 0;
      return (v) => numCmp(op, typeof v === 'number' ? (v ? 1 : 0) : v === 'true' ? 1 : 0, n);
    }
    case 'ipv4': {
      const slash = lit.text.indexOf('/');
      const addr = parseIpv4(slash < 0 ? lit.text : lit.text.slice(0, slash));
      const bits = slash < 0 ? 32 : /^\d{1,2}$/.test(lit.text.slice(slash + 1)) ? Number(lit.text.slice(slash + 1)) : -1;
      if (addr === null || bits < 0 || bits > 32) throw new FilterError(`"${lit.text}" is not a valid hostname or IPv4 address.`, lit.pos);
      const mask = prefixMask(bits);
      const net = (addr & mask) >>> 0;
      if (op === '==' || op === '!=' || op === '~=') {
        const eq = (v: Val) => ((toIp(v) & mask) >>> 0) === net;
        return op === '==' ? eq : (v) => !eq(v);
      }
      return (v) => numCmp(op, toIp(v), addr);
    }
    case 'ether': {
      const m = parseMac(lit.text) ?? parseDottedMac(lit.text);
      if (m === null) throw new FilterError(`"${lit.text}" is not a valid Ethernet address.`, lit.pos);
      return (v) => numCmp(op, typeof v === 'number' ? v : parseMac(String(v)) ?? -1, m);
    }
    case 'string': {
      const s = lit.text;
      return (v) => {
        const x = typeof v === 'string' ? v : v instanceof Uint8Array ? String.fromCharCode(...v) : String(v);
        return op === '==' ? x === s : op === '!=' || op === '~=' ? x !== s : numCmp(op, x < s ? -1 : x > s ? 1 : 0, 0);
      };
    }
    case 'bytes': case 'proto': {
      if (def.kind === 'proto' && op !== '==' && op !== '!=' && op !== '~=') {
        throw new FilterError(`${field} (type=${def.ft}) cannot participate in '${op}' comparison.`, lit.pos);
      }
      const want = bytesOf(lit);
      const same = (v: Val) => {
        const b = v instanceof Uint8Array ? v : typeof v === 'string' ? hexToBytes(v) : new Uint8Array(0);
        if (b.length !== want.length) return false;
        for (let i = 0; i < b.length; i++) if (b[i] !== want[i]) return false;
        return true;
      };
      return op === '==' ? same : (v) => !same(v);
    }
  }
}

function parseDottedMac(s: string): number | null {
  const m = /^([0-9a-fA-F]{4})\.([0-9a-fA-F]{4})\.([0-9a-fA-F]{4})$/.exec(s);
  return m ? parseInt(m[1], 16) * 4294967296 + parseInt(m[2] + m[3], 16) : null;
}
function toIp(v: Val): number {
  return typeof v === 'number' ? v : parseIpv4(String(v)) ?? -1;
}
function hexToBytes(s: string): Uint8Array {
  if (!/^([0-9a-f]{2})*$/.test(s)) return new Uint8Array(0);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
  return out;
}

// ---- evaluation ---------------------------------------------------------------------------------

/** Per-frame state while evaluating: the scan, and the dissection when a slow field needs it. */
class Frame {
  readonly scan = new FrameScan();
  private d: Dissection | null = null;
  private byName: Map<string, Val[]> | null = null;
  private ctx: DissectContext | undefined;
  reset(bytes: Uint8Array, ctx?: DissectContext): void {
    scanFrame(bytes, this.scan);
    this.d = null;
    this.byName = null;
    this.ctx = ctx;
    const note = ctx?.number === undefined ? undefined : ctx.pdu?.get(ctx.number);
    if (note?.segment) this.scan.app = APP_NONE;
    else if (note) this.scan.pdu = 2;
  }
  values(name: string, def: FieldDef): readonly Val[] {
    if (def.fast) return def.fast(this.scan);
    const m = this.ctx?.frame;
    if (name === 'tcp.seq' || name === 'tcp.ack') return this.relative(name);
    if (name === 'frame.number') return m ? [m.number] : this.ctx?.number !== undefined ? [this.ctx.number] : NONE;
    if (name === 'frame.interface_name') return m?.interfaceName !== undefined ? [m.interfaceName] : NONE;
    if (name === 'frame.comment') return m?.comments ?? NONE;
    if (name === 'frame.time_epoch') return m?.timeUs !== undefined ? [m.timeUs / 1e6] : NONE;
    if (!this.byName) {
      this.d ??= dissect(this.scan.b, this.ctx);
      this.byName = new Map();
      for (const f of allFields(this.d)) {
        if (!f.name) continue;
        let a = this.byName.get(f.name);
        if (!a) this.byName.set(f.name, (a = []));
        a.push(typeof f.value === 'boolean' ? (f.value ? 1 : 0) : f.value);
      }
    }
    return this.byName.get(name) ?? NONE;
  }
  /** tcp.seq / tcp.ack: relative to the stream's base when the context has one, else raw. */
  private relative(name: 'tcp.seq' | 'tcp.ack'): readonly Val[] {
    const s = this.scan;
    if (s.l4 !== 6) return s.q4 === 6 && name === 'tcp.seq' && s.q4End - s.q4Off >= 8 ? one(get32(s.b, s.q4Off + 4)) : NONE;
    const b = s.b, o = s.l4Off;
    const ii = s.innerIp;
    const raw = get32(b, o + (name === 'tcp.seq' ? 4 : 8));
    const isn = this.ctx?.isn;
    if (!isn || ii < 0) return one(raw);
    const src = s.ipSrc(ii), dst = s.ipDst(ii), sp = get16(b, o), dp = get16(b, o + 2);
    if (name === 'tcp.ack' && !(b[o + 13] & 0x10)) return one(raw);
    const base = name === 'tcp.seq' ? isn.get(tcpStreamKey(src, sp, dst, dp)) : isn.get(tcpStreamKey(dst, dp, src, sp));
    return one(base === undefined ? raw : (raw - base) >>> 0);
  }
}

type Pred = (f: Frame) => boolean;

function compile(n: Node, used: Set<string>): Pred {
  switch (n.k) {
    case 'and': { const a = compile(n.a, used), b = compile(n.b, used); return (f) => a(f) && b(f); }
    case 'or': { const a = compile(n.a, used), b = compile(n.b, used); return (f) => a(f) || b(f); }
    case 'not': { const a = compile(n.a, used); return (f) => !a(f); }
    case 'exists': {
      const def = FIELDS[n.field], name = n.field;
      used.add(name);
      return (f) => f.values(name, def).length > 0;
    }
    case 'cmp': {
      const def = FIELDS[n.field], name = n.field;
      used.add(name);
      const op = n.op as Cmp;
      const test = valueTest(name, def, op, n.lit);
      if (op === '!=') {
        // Wireshark 4 "all not equal": present, and no occurrence equal.
        return (f) => { const vs = f.values(name, def); if (vs.length === 0) return false; for (const v of vs) if (!test(v)) return false; return true; };
      }
      return (f) => { const vs = f.values(name, def); for (const v of vs) if (test(v)) return true; return false; };
    }
    case 'cmpf': {
      const da = FIELDS[n.field], db = FIELDS[n.other];
      used.add(n.field); used.add(n.other);
      const op = n.op as Cmp;
      const norm = (d: FieldDef, v: Val): Val => (d.kind === 'ipv4' ? toIp(v) : d.kind === 'ether' && typeof v === 'string' ? parseMac(v) ?? -1 : v);
      return (f) => {
        const as = f.values(n.field, da), bs = f.values(n.other, db);
        for (const a of as) for (const b of bs) {
          const x = norm(da, a), y = norm(db, b);
          if (typeof x === 'number' && typeof y === 'number' ? numCmp(op, x, y) : op === '==' ? String(x) === String(y) : String(x) !== String(y)) return true;
        }
        return false;
      };
    }
    case 'in': {
      const def = FIELDS[n.field], name = n.field;
      used.add(name);
      const tests: ValueTest[] = n.items.map((it) => {
        if (Array.isArray(it)) {
          const lo = valueTest(name, def, '>=', it[0] as Literal), hi = valueTest(name, def, '<=', it[1] as Literal);
          return (v: Val) => lo(v) && hi(v);
        }
        return valueTest(name, def, '==', it as Literal);
      });
      return (f) => { const vs = f.values(name, def); for (const v of vs) for (const t of tests) if (t(v)) return true; return false; };
    }
  }
}

/**
 * Compiles a display filter. An empty (or all-blank) filter matches everything. On error,
 * `pos` is the offset in `text` of the offending token, as Wireshark underlines it.
 */
export function compileFilter(text: string): FilterResult {
  if (text.trim() === '') return { ok: true, match: () => true, fields: [] };
  try {
    const ast = new Parser(lex(text)).parse();
    const used = new Set<string>();
    const pred = compile(ast, used);
    const frame = new Frame();
    return {
      ok: true,
      fields: [...used],
      match: (bytes: Uint8Array, ctx?: DissectContext) => {
        try {
          frame.reset(bytes, ctx);
          return pred(frame);
        } catch {
          return false; // a frame the scanner mis-measured must not break the whole list
        }
      },
    };
  } catch (e) {
    if (e instanceof FilterError) return { ok: false, error: e.message, pos: e.pos };
    return { ok: false, error: String(e), pos: 0 };
  }
}
