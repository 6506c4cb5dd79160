/**
 * Bytes → what Wireshark shows: the protocol tree of the packet-details pane (`dissect`)
 * and the columns of the packet list (`summarize`).
 *
 * Field names are Wireshark's display-filter names (`ip.src`, `tcp.flags.syn`, …), labels
 * copy its tree text ("Source Address: 192.168.1.111", "0100 .... = Version: 4"), and the
 * Info column copies its wording ("Who has 192.168.1.100? Tell 192.168.1.111",
 * "41718 → 80 [SYN] Seq=0 Win=64240 Len=0 MSS=1460 SACK_PERM …"). Every field carries the
 * byte range it came from, for the hex pane. Tests hold these strings against tshark 4.0.
 *
 * What is deliberately different:
 *  - Dissection is per frame. Wireshark's conversation state (relative sequence numbers,
 *    TLS 1.3 after the ServerHello, "[TCP Retransmission]", "(request in 3)") comes only
 *    from a `DissectContext`, which `StreamTracker` builds by observing frames in order.
 *    Without one, sequence numbers are raw. No TCP reassembly: an HTTP message split over
 *    segments shows its head in the first and "Continuation" after.
 *  - Checksums are always verified (Wireshark's default is "unverified"): a student should
 *    see that NAT rewrote the checksum.
 *  - The FULLNAT TOA option (kind 254, length 8) is shown decoded; Wireshark shows
 *    "Experimental: Unknown".
 *  - HTTP is recognised on any port when the payload starts like HTTP, TLS when it starts
 *    with a handshake record.
 *
 * Never throws: bytes that do not decode become a "Data" layer and a `problems` entry.
 */
import { clock, MONTH_NAMES, utcFields } from '../sim/calendar.ts';
import * as bytesM from './bytes.ts';
import * as checksumM from './checksum.ts';
import * as httpM from './http.ts';
import {
  bitPattern, dscpName, dscpShort, ecnName, ecnShort, etherTypeLabel, icmpCodeName, ICMP_TYPE_NAMES, ipProtoName,
  isIcmpError, macLabel, macName, tcpFlagNames, tcpFlagString,
} from './names.ts';
import * as scanM from './scan.ts';
import * as tlsM from './tls.ts';
import type { TlsRecordInfo } from './tls.ts';
import * as typesM from './types.ts';

// Bound once rather than read through the import at each use: see "Imports on the hot path" in bytes.ts.
const { get16, get32, hex2, toHex } = bytesM;
const { finishChecksum, pseudoHeaderSum, sum16 } = checksumM;
const { REASON_PHRASES } = httpM;
const { APP_DATA, APP_HTTP, APP_TLS, FrameScan, scanFrame, TLS_PORTS } = scanM;
type FrameScan = scanM.FrameScan;
const { CIPHER_SUITE_NAMES, HANDSHAKE_NAMES, scanTlsRecords, tlsVersionName } = tlsM;
const { fmtIp, fmtMac } = typesM;

export type LayerAbbrev =
  | 'frame' | 'eth' | 'arp' | 'ip' | 'tcp' | 'udp' | 'icmp' | 'http' | 'tls' | 'vrrp' | 'data' | 'data-text-lines';

export interface Field {
  /** Display-filter name ("ip.src"); "" for a text-only line. */
  readonly name: string;
  /** The tree line: "Source Address: 192.168.1.111". */
  readonly label: string;
  /** Addresses as text ("192.168.1.111", "00:0c:29:aa:bb:cc"), numbers as numbers. */
  readonly value: number | string | boolean;
  /** Bytes [start, end) of the frame this field was read from (start = end for generated fields). */
  readonly range: readonly [number, number];
  readonly children?: readonly Field[];
}

export interface Layer {
  /** "Ethernet II", "Address Resolution Protocol (request)", "Internet Protocol Version 4", … */
  readonly name: string;
  readonly abbrev: LayerAbbrev;
  /** The layer's one-line tree text: "Internet Protocol Version 4, Src: 192.168.1.111, Dst: 192.168.1.100". */
  readonly summary: string;
  readonly range: readonly [number, number];
  readonly fields: readonly Field[];
  /**
   * Ranges of this layer (and its fields) index `Dissection.reassembled` rather than the
   * frame: a PDU rebuilt from several TCP segments, which Wireshark shows in a second tab of
   * the bytes pane ("Reassembled TCP").
   */
  readonly source?: 'reassembled';
}

export interface Dissection {
  readonly layers: readonly Layer[];
  readonly length: number;
  /** The reassembled PDU that layers with `source: 'reassembled'` point into. */
  readonly reassembled?: Uint8Array;
  /** Expert-info errors: malformed headers, bad checksums. Empty for a healthy frame. */
  readonly problems: readonly string[];
}

/** The packet-list columns. */
export interface Summary {
  readonly src: string;
  readonly dst: string;
  readonly protocol: string;
  readonly length: number;
  readonly info: string;
}

export interface DissectContext {
  /**
   * Base sequence number per TCP direction, keyed by `tcpStreamKey(src, sport, dst, dport)`:
   * with an entry, `tcp.seq` (and the other side's `tcp.ack`) are relative, as Wireshark
   * shows them. Usually the ISN from the SYN.
   */
  readonly isn?: ReadonlyMap<string, number>;
  /** TLS version each connection (`tcpConnKey`) negotiated, from its ServerHello. */
  readonly tlsVersion?: ReadonlyMap<string, number>;
  /** Reassembly notes by frame number (see `StreamTracker`): PDUs that span TCP segments. */
  readonly pdu?: ReadonlyMap<number, PduNote>;
  /**
   * Window scale shift per TCP direction (same keys as `isn`), when both SYNs carried the
   * option: windows then show scaled, as Wireshark's "Win=" and "[Calculated window size]".
   */
  readonly wscale?: ReadonlyMap<string, number>;
  /** This frame's number in the capture, for cross-references such as "(request in 3)". */
  readonly number?: number;
  /**
   * Bytes of another frame by number, so that the frame completing a PDU can be shown
   * reassembled (the capture log's `get(no).bytes`). Without it, that frame shows what it
   * holds alone.
   */
  readonly frameBytes?: (no: number) => Uint8Array | undefined;
  /** ICMP echo pairs by frame number: the other frame's number (0: none seen) and whether this one is the reply. */
  readonly icmpPeer?: ReadonlyMap<number, { readonly peer: number; readonly reply: boolean }>;
  /** Vendor names for MACs in the columns ("VMware_11:22:33"). Default true, as Wireshark. */
  readonly resolveMac?: boolean;
  /** When given, a "Frame" layer comes first, as in Wireshark. */
  readonly frame?: FrameMeta;
}

/**
 * How a frame takes part in an HTTP message or TLS record that spans TCP segments:
 * `segment` frames show as TCP "[TCP segment of a reassembled PDU]"; the frame that
 * completes it shows `protocol` and `info` as if it held the whole PDU, as Wireshark does.
 */
export interface PduNote {
  readonly segment?: boolean;
  readonly protocol?: string;
  readonly info?: string;
  /** Where the PDU's bytes are, in order (on the completing frame). */
  readonly parts?: readonly PduPart[];
  /** The frame that completes the PDU (on segment frames, once known). */
  readonly reassembledIn?: number;
}

/** Bytes [start, end) of frame `frame` that belong to a reassembled PDU. */
export interface PduPart {
  readonly frame: number;
  readonly start: number;
  readonly end: number;
}

export interface FrameMeta {
  readonly number: number;
  /** Arrival time, µs since the Unix epoch. */
  readonly timeUs?: number;
  readonly interfaceName?: string;
  /** Index of the interface in the pcapng file (Wireshark prints ", id 0"). */
  readonly interfaceId?: number;
  /** Packet comments (the lab's "dropped: …" notes). */
  readonly comments?: readonly string[];
}

export function tcpStreamKey(src: number, sport: number, dst: number, dport: number): string {
  return `${fmtIp(src)}:${sport}>${fmtIp(dst)}:${dport}`;
}
/** The same key for both directions of a connection. */
export function tcpConnKey(a: number, ap: number, b: number, bp: number): string {
  const x = `${fmtIp(a)}:${ap}`, y = `${fmtIp(b)}:${bp}`;
  return x < y ? `${x}-${y}` : `${y}-${x}`;
}

// ---- small helpers ------------------------------------------------------------------------------

const hex4 = (v: number) => v.toString(16).padStart(4, '0');
const hexN = (v: number, n: number) => v.toString(16).padStart(n, '0');
function fld(name: string, label: string, value: number | string | boolean, start: number, end: number, children?: Field[]): Field {
  return children && children.length ? { name, label, value, range: [start, end], children } : { name, label, value, range: [start, end] };
}
const setOrNot = (v: boolean) => (v ? 'Set' : 'Not set');
function ip4(b: Uint8Array, o: number): number {
  return get32(b, o);
}
function mac6(b: Uint8Array, o: number): number {
  return ((b[o] << 8) | b[o + 1]) * 4294967296 + get32(b, o + 2);
}
/** Wireshark's byte-field text: hex, cut with "…" after 36 bytes. */
function bytesText(b: Uint8Array, s: number, e: number): string {
  return e - s > 36 ? `${toHex(b, s, s + 36)}…` : toHex(b, s, e);
}
function tcpKey(b: Uint8Array, ipOff: number, l4: number): [string, string] {
  const src = ip4(b, ipOff + 12), dst = ip4(b, ipOff + 16), sp = get16(b, l4), dp = get16(b, l4 + 2);
  return [tcpStreamKey(src, sp, dst, dp), tcpStreamKey(dst, dp, src, sp)];
}

// ---- Frame ----------------------------------------------------------------------------------------

function frameLayer(b: Uint8Array, m: FrameMeta): Layer {
  const n = b.length;
  const fields: Field[] = [];
  if (m.comments?.length) {
    fields.push(fld('frame.comment', 'Packet comments', '', 0, 0, m.comments.map((c) => fld('frame.comment', c, c, 0, 0))));
  }
  if (m.interfaceName !== undefined) fields.push(fld('frame.interface_name', `Interface name: ${m.interfaceName}`, m.interfaceName, 0, 0));
  if (m.timeUs !== undefined) {
    const s = Math.floor(m.timeUs / 1e6), us = m.timeUs - s * 1e6;
    fields.push(fld('frame.time_epoch', `Epoch Time: ${s}.${String(us).padStart(6, '0')}000 seconds`, m.timeUs / 1e6, 0, 0));
  }
  fields.push(fld('frame.number', `Frame Number: ${m.number}`, m.number, 0, 0));
  fields.push(fld('frame.len', `Frame Length: ${n} bytes (${n * 8} bits)`, n, 0, 0));
  fields.push(fld('frame.cap_len', `Capture Length: ${n} bytes (${n * 8} bits)`, n, 0, 0));
  const on = m.interfaceName !== undefined ? ` on interface ${m.interfaceName}${m.interfaceId !== undefined ? `, id ${m.interfaceId}` : ''}` : '';
  const summary = `Frame ${m.number}: ${n} bytes on wire (${n * 8} bits), ${n} bytes captured (${n * 8} bits)${on}`;
  return { name: 'Frame', abbrev: 'frame', summary, range: [0, n], fields };
}

// ---- Ethernet -----------------------------------------------------------------------------------

function macField(b: Uint8Array, o: number, which: 'dst' | 'src', title: string): Field {
  const m = mac6(b, o);
  const lg = (b[o] & 2) !== 0, ig = (b[o] & 1) !== 0;
  const first3 = (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];
  return fld(`eth.${which}`, `${title}: ${macLabel(m)}`, fmtMac(m), o, o + 6, [
    fld('eth.addr', `Address: ${macLabel(m)}`, fmtMac(m), o, o + 6),
    fld(`eth.${which}.lg`, `${bitPattern(first3, 0x020000, 24)} = LG bit: ${lg ? 'Locally administered address (this is NOT the factory default)' : 'Globally unique address (factory default)'}`, lg, o, o + 3),
    fld(`eth.${which}.ig`, `${bitPattern(first3, 0x010000, 24)} = IG bit: ${ig ? 'Group address (multicast/broadcast)' : 'Individual address (unicast)'}`, ig, o, o + 3),
  ]);
}

function ethLayer(s: FrameScan): Layer {
  const b = s.b;
  const dst = mac6(b, 0), src = mac6(b, 6);
  if (s.ethType <= 1500 && s.ethType !== 0) {
    // IEEE 802.3: the field is a length and an LLC header follows (not decoded here).
    return {
      name: 'IEEE 802.3 Ethernet', abbrev: 'eth', range: [0, 14], summary: 'IEEE 802.3 Ethernet ',
      fields: [macField(b, 0, 'dst', 'Destination'), macField(b, 6, 'src', 'Source'), fld('eth.len', `Length: ${s.ethType}`, s.ethType, 12, 14)],
    };
  }
  const fields: Field[] = [
    macField(b, 0, 'dst', 'Destination'),
    macField(b, 6, 'src', 'Source'),
    fld('eth.type', `Type: ${etherTypeLabel(s.ethType)}`, s.ethType, 12, 14),
  ];
  if (s.ethEnd >= 14 && s.ethEnd < s.len && (s.arp >= 0 || s.ipN > 0)) {
    fields.push(fld('eth.padding', `Padding: ${bytesText(b, s.ethEnd, s.len)}`, toHex(b, s.ethEnd, s.len), s.ethEnd, s.len));
  }
  return {
    name: 'Ethernet II', abbrev: 'eth', range: [0, 14], fields,
    summary: `Ethernet II, Src: ${macLabel(src)}, Dst: ${macLabel(dst)}`,
  };
}

// ---- ARP ------------------------------------------------------------------------------------------

interface ArpKind { title: string; info: string }
function arpKind(b: Uint8Array, o: number): ArpKind {
  const op = get16(b, o + 6), spa = ip4(b, o + 14), tpa = ip4(b, o + 24), tha = mac6(b, o + 18);
  if (op === 1) {
    if (spa === 0) return { title: 'ARP Probe', info: `Who has ${fmtIp(tpa)}? (ARP Probe)` };
    if (spa === tpa) {
      return tha === 0
        ? { title: 'ARP Announcement', info: `ARP Announcement for ${fmtIp(tpa)}` }
        : { title: 'request/gratuitous ARP', info: `Gratuitous ARP for ${fmtIp(tpa)} (Request)` };
    }
    return { title: 'request', info: `Who has ${fmtIp(tpa)}? Tell ${fmtIp(spa)}` };
  }
  if (op === 2) {
    if (spa === tpa) return { title: 'reply/gratuitous ARP', info: `Gratuitous ARP for ${fmtIp(spa)} (Reply)` };
    return { title: 'reply', info: `${fmtIp(spa)} is at ${fmtMac(mac6(b, o + 8))}` };
  }
  const names: Record<number, string> = { 3: 'reverse request', 4: 'reverse reply' };
  return { title: names[op] ?? `opcode ${op}`, info: `Unknown ARP opcode 0x${hex4(op)}` };
}

function arpLayer(s: FrameScan): Layer {
  const b = s.b, o = s.arp;
  const op = get16(b, o + 6);
  const k = arpKind(b, o);
  const sha = mac6(b, o + 8), spa = ip4(b, o + 14), tha = mac6(b, o + 18), tpa = ip4(b, o + 24);
  const opName = op === 1 ? 'request' : op === 2 ? 'reply' : op === 3 ? 'reverse request' : op === 4 ? 'reverse reply' : 'Unknown';
  const fields: Field[] = [
    fld('arp.hw.type', 'Hardware type: Ethernet (1)', 1, o, o + 2),
    fld('arp.proto.type', 'Protocol type: IPv4 (0x0800)', 0x0800, o + 2, o + 4),
    fld('arp.hw.size', 'Hardware size: 6', 6, o + 4, o + 5),
    fld('arp.proto.size', 'Protocol size: 4', 4, o + 5, o + 6),
  ];
  if (spa === tpa && (op === 1 || op === 2)) fields.push(fld('arp.isgratuitous', `[Is gratuitous: True]`, true, o, o));
  if (op === 1 && spa === 0) fields.push(fld('arp.isprobe', '[Is probe: True]', true, o, o));
  if (op === 1 && spa === tpa && tha === 0) fields.push(fld('arp.isannouncement', '[Is announcement: True]', true, o, o));
  fields.push(
    fld('arp.opcode', `Opcode: ${opName} (${op})`, op, o + 6, o + 8),
    fld('arp.src.hw_mac', `Sender MAC address: ${macLabel(sha)}`, fmtMac(sha), o + 8, o + 14),
    fld('arp.src.proto_ipv4', `Sender IP address: ${fmtIp(spa)}`, fmtIp(spa), o + 14, o + 18),
    fld('arp.dst.hw_mac', `Target MAC address: ${macLabel(tha)}`, fmtMac(tha), o + 18, o + 24),
    fld('arp.dst.proto_ipv4', `Target IP address: ${fmtIp(tpa)}`, fmtIp(tpa), o + 24, o + 28),
  );
  const name = `Address Resolution Protocol (${k.title})`;
  return { name, abbrev: 'arp', summary: name, range: [o, o + 28], fields };
}

// ---- IPv4 -----------------------------------------------------------------------------------------

function ipHeaderChecksum(b: Uint8Array, o: number, hl: number): { good: boolean; should: number } {
  const should = finishChecksum(sum16(b, o, o + 10) + sum16(b, o + 12, o + hl));
  return { good: should === get16(b, o + 10), should };
}

const BAD_SUFFIX: Readonly<Record<string, string>> = {
  ip: '(may be caused by "IP checksum offload"?)', tcp: '(maybe caused by "TCP checksum offload"?)', udp: ' (maybe caused by "UDP checksum offload"?)',
};

/** The checksum line and its status line, worded as Wireshark words them when validating. */
function checksumFields(prefix: string, proto: string, value: number, v: { good: boolean; should: number } | null, o: number, problems: string[], what: string): Field[] {
  const title = proto === 'ip' ? 'Header Checksum' : 'Checksum';
  const status = proto === 'ip' ? 'Header checksum status' : 'Checksum Status';
  if (v === null) {
    return [
      fld(prefix, `${title}: 0x${hex4(value)} [unverified]`, value, o, o + 2),
      fld(`${prefix}.status`, `[${status}: Unverified]`, 'Unverified', o, o),
    ];
  }
  if (!v.good) problems.push(`Bad ${what} checksum: 0x${hex4(value)}, should be 0x${hex4(v.should)}`);
  return [
    fld(prefix, v.good ? `${title}: 0x${hex4(value)} [correct]` : `${title}: 0x${hex4(value)} incorrect, should be 0x${hex4(v.should)}${BAD_SUFFIX[proto] ?? ''}`, value, o, o + 2),
    fld(`${prefix}.status`, `[${status}: ${v.good ? 'Good' : 'Bad'}]`, v.good ? 'Good' : 'Bad', o, o),
  ];
}

function ipSummary(b: Uint8Array, o: number): string {
  return `Internet Protocol Version 4, Src: ${fmtIp(ip4(b, o + 12))}, Dst: ${fmtIp(ip4(b, o + 16))}`;
}

function ipFields(s: FrameScan, i: number, problems: string[]): Field[] {
  const b = s.b, o = s.ipOff[i], hl = s.ipHl[i];
  const v0 = b[o], tos = b[o + 1], tl = get16(b, o + 2), id = get16(b, o + 4), fo = get16(b, o + 6);
  const dscp = tos >> 2, ecn = tos & 3, proto = b[o + 9], flags = fo >> 13;
  const flagText = flags === 0 ? '' : [flags & 4 ? 'Reserved' : '', flags & 2 ? "Don't fragment" : '', flags & 1 ? 'More fragments' : ''].filter(Boolean).join(', ');
  const src = ip4(b, o + 12), dst = ip4(b, o + 16);
  const fields: Field[] = [
    fld('ip.version', `${bitPattern(v0, 0xf0, 8)} = Version: 4`, 4, o, o + 1),
    fld('ip.hdr_len', `${bitPattern(v0, 0x0f, 8)} = Header Length: ${hl} bytes (${hl >> 2})`, hl, o, o + 1),
    fld('ip.dsfield', `Differentiated Services Field: 0x${hex2(tos)} (DSCP: ${dscpShort(dscp)}, ECN: ${ecnShort(ecn)})`, tos, o + 1, o + 2, [
      fld('ip.dsfield.dscp', `${bitPattern(tos, 0xfc, 8)} = Differentiated Services Codepoint: ${dscpName(dscp)} (${dscp})`, dscp, o + 1, o + 2),
      fld('ip.dsfield.ecn', `${bitPattern(tos, 0x03, 8)} = Explicit Congestion Notification: ${ecnName(ecn)} (${ecn})`, ecn, o + 1, o + 2),
    ]),
    fld('ip.len', `Total Length: ${tl}`, tl, o + 2, o + 4),
    fld('ip.id', `Identification: 0x${hex4(id)} (${id})`, id, o + 4, o + 6),
    fld('ip.flags', `${bitPattern(fo >> 8, 0xe0, 8)} = Flags: 0x${flags}${flagText ? `, ${flagText}` : ''}`, flags, o + 6, o + 7, [
      fld('ip.flags.rb', `${bitPattern(fo >> 8, 0x80, 8)} = Reserved bit: ${setOrNot((flags & 4) !== 0)}`, (flags & 4) !== 0, o + 6, o + 7),
      fld('ip.flags.df', `${bitPattern(fo >> 8, 0x40, 8)} = Don't fragment: ${setOrNot((flags & 2) !== 0)}`, (flags & 2) !== 0, o + 6, o + 7),
      fld('ip.flags.mf', `${bitPattern(fo >> 8, 0x20, 8)} = More fragments: ${setOrNot((flags & 1) !== 0)}`, (flags & 1) !== 0, o + 6, o + 7),
    ]),
    // The label counts bytes, the field value 8-byte units (as Wireshark 4).
    fld('ip.frag_offset', `${bitPattern(fo, 0x1fff, 16)} = Fragment Offset: ${(fo & 0x1fff) * 8}`, fo & 0x1fff, o + 6, o + 8),
    fld('ip.ttl', `Time to Live: ${b[o + 8]}`, b[o + 8], o + 8, o + 9),
    fld('ip.proto', `Protocol: ${ipProtoName(proto)} (${proto})`, proto, o + 9, o + 10),
    ...checksumFields('ip.checksum', 'ip', get16(b, o + 10), ipHeaderChecksum(b, o, hl), o + 10, problems, 'IPv4 header'),
    fld('ip.src', `Source Address: ${fmtIp(src)}`, fmtIp(src), o + 12, o + 16),
    fld('ip.dst', `Destination Address: ${fmtIp(dst)}`, fmtIp(dst), o + 16, o + 20),
  ];
  if (hl > 20) fields.push(fld('ip.options', `Options: (${hl - 20} bytes)`, toHex(b, o + 20, o + hl), o + 20, o + hl));
  return fields;
}

function ipLayer(s: FrameScan, i: number, problems: string[]): Layer {
  const o = s.ipOff[i];
  return {
    name: 'Internet Protocol Version 4', abbrev: 'ip', summary: ipSummary(s.b, o),
    range: [o, o + s.ipHl[i]], fields: ipFields(s, i, problems),
  };
}

// ---- TCP ------------------------------------------------------------------------------------------

interface SeqView { seq: number; ack: number; relSeq: boolean; relAck: boolean }
function seqView(b: Uint8Array, ipOff: number, o: number, ctx?: DissectContext): SeqView {
  const seq = get32(b, o + 4), ack = get32(b, o + 8);
  if (!ctx?.isn) return { seq, ack, relSeq: false, relAck: false };
  const [fwd, rev] = tcpKey(b, ipOff, o);
  const bs = ctx.isn.get(fwd), ba = ctx.isn.get(rev);
  const hasAck = (b[o + 13] & 0x10) !== 0;
  return {
    seq: bs === undefined ? seq : (seq - bs) >>> 0,
    ack: ba === undefined || !hasAck ? ack : (ack - ba) >>> 0,
    relSeq: bs !== undefined,
    relAck: ba !== undefined && hasAck,
  };
}

/** Option subtrees plus the Info-column words ("MSS=1460 SACK_PERM …"). */
function tcpOptions(b: Uint8Array, s: number, e: number, ackBase: number | undefined): { fields: Field[]; names: string[]; bad: string } {
  const fields: Field[] = [];
  const names: string[] = [];
  let p = s;
  let bad = '';
  const kindField = (o: number, k: number, name: string) => fld('tcp.option_kind', `Kind: ${name} (${k})`, k, o, o + 1);
  const lenField = (o: number, l: number) => fld('tcp.option_len', `Length: ${l}`, l, o + 1, o + 2);
  while (p < e) {
    const k = b[p];
    if (k === 0) {
      fields.push(fld('tcp.options.eol', 'TCP Option - End of Option List (EOL)', true, p, p + 1, [kindField(p, 0, 'End of Option List')]));
      names.push('End of Option List (EOL)');
      p++;
      let nz = false;
      for (let q = p; q < e; q++) if (b[q] !== 0) nz = true;
      if (nz) bad = 'Non-zero header padding';
      break;
    }
    if (k === 1) {
      fields.push(fld('tcp.options.nop', 'TCP Option - No-Operation (NOP)', true, p, p + 1, [kindField(p, 1, 'No-Operation')]));
      names.push('No-Operation (NOP)');
      p++;
      continue;
    }
    if (p + 1 >= e) { bad = `option kind ${k} has no length`; break; }
    const l = b[p + 1];
    if (l < 2 || p + l > e) { bad = `option kind ${k} length ${l} is bogus`; break; }
    const d = p + 2;
    if (k === 2 && l === 4) {
      const v = get16(b, d);
      fields.push(fld('tcp.options.mss', `TCP Option - Maximum segment size: ${v} bytes`, v, p, p + l, [
        kindField(p, k, 'Maximum Segment Size'), lenField(p, l), fld('tcp.options.mss_val', `MSS Value: ${v}`, v, d, d + 2),
      ]));
      names.push('Maximum segment size');
    } else if (k === 3 && l === 3) {
      const sh = b[d], mul = 2 ** Math.min(sh, 14);
      fields.push(fld('tcp.options.wscale', `TCP Option - Window scale: ${sh} (multiply by ${mul})`, sh, p, p + l, [
        kindField(p, k, 'Window Scale'), lenField(p, l),
        fld('tcp.options.wscale.shift', `Shift count: ${sh}`, sh, d, d + 1),
        fld('tcp.options.wscale.multiplier', `[Multiplier: ${mul}]`, mul, d, d),
      ]));
      names.push('Window scale');
    } else if (k === 4 && l === 2) {
      fields.push(fld('tcp.options.sack_perm', 'TCP Option - SACK permitted', true, p, p + l, [kindField(p, k, 'SACK Permitted'), lenField(p, l)]));
      names.push('SACK permitted');
    } else if (k === 5 && (l - 2) % 8 === 0) {
      const kids: Field[] = [kindField(p, k, 'SACK'), lenField(p, l)];
      const edges: string[] = [];
      for (let q = d; q < p + l; q += 8) {
        const le = get32(b, q), re = get32(b, q + 4);
        const rl = ackBase === undefined ? le : (le - ackBase) >>> 0, rr = ackBase === undefined ? re : (re - ackBase) >>> 0;
        const rel = ackBase === undefined ? '' : ' (relative)';
        kids.push(fld('tcp.options.sack_le', `left edge = ${rl}${rel}`, rl, q, q + 4), fld('tcp.options.sack_re', `right edge = ${rr}${rel}`, rr, q + 4, q + 8));
        edges.push(`${rl}-${rr}`);
      }
      kids.push(fld('tcp.options.sack.count', `[TCP SACK Count: ${(l - 2) / 8}]`, (l - 2) / 8, p, p));
      fields.push(fld('tcp.options.sack', `TCP Option - SACK ${edges.join(' ')}`.trimEnd(), true, p, p + l, kids));
      names.push('SACK');
    } else if (k === 8 && l === 10) {
      const tv = get32(b, d), te = get32(b, d + 4);
      fields.push(fld('tcp.options.timestamp', `TCP Option - Timestamps: TSval ${tv}, TSecr ${te}`, true, p, p + l, [
        kindField(p, k, 'Time Stamp Option'), lenField(p, l),
        fld('tcp.options.timestamp.tsval', `Timestamp value: ${tv}`, tv, d, d + 4),
        fld('tcp.options.timestamp.tsecr', `Timestamp echo reply: ${te}`, te, d + 4, d + 8),
      ]));
      names.push('Timestamps');
    } else if (k === 254 && l === 8) {
      const port = get16(b, d), addr = ip4(b, d + 2);
      fields.push(fld('tcp.options.toa', `TCP Option - TOA (FULLNAT client address): ${fmtIp(addr)}:${port}`, `${fmtIp(addr)}:${port}`, p, p + l, [
        kindField(p, k, 'RFC3692-style Experiment 2'), lenField(p, l),
        fld('tcp.options.toa.port', `Client Port: ${port}`, port, d, d + 2),
        fld('tcp.options.toa.addr', `Client Address: ${fmtIp(addr)}`, fmtIp(addr), d + 2, d + 6),
      ]));
      names.push('TOA');
    } else {
      const nm = k === 30 ? 'Multipath TCP' : k === 253 || k === 254 ? `RFC3692-style Experiment ${k - 252}` : 'Unknown';
      fields.push(fld('tcp.options.unknown', `TCP Option - ${nm} (${k})`, toHex(b, d, p + l), p, p + l, [
        kindField(p, k, nm), lenField(p, l), fld('tcp.options.unknown.payload', `Payload: ${toHex(b, d, p + l)}`, toHex(b, d, p + l), d, p + l),
      ]));
      names.push(k === 30 ? 'MPTCP' : k >= 253 ? 'Experimental' : 'Unknown');
    }
    p += l;
  }
  return { fields, names, bad };
}

function tcpChecksum(s: FrameScan, ipIdx: number): { good: boolean; should: number } | null {
  const b = s.b, o = s.l4Off, e = s.ipEnd[ipIdx], io = s.ipOff[ipIdx];
  if (io + get16(b, io + 2) !== e) return null; // cut short: cannot verify
  const sum = pseudoHeaderSum(ip4(b, io + 12), ip4(b, io + 16), 6, e - o) + sum16(b, o, o + 16) + sum16(b, o + 18, e);
  const should = finishChecksum(sum);
  return { good: should === get16(b, o + 16), should };
}

function tcpLayer(s: FrameScan, ipIdx: number, ctx: DissectContext | undefined, problems: string[]): Layer {
  const b = s.b, o = s.l4Off, hl = s.l4Hl, end = s.l4End;
  const ipOff = s.ipOff[ipIdx];
  const sp = get16(b, o), dp = get16(b, o + 2);
  const len = end - o - hl;
  const f12 = ((b[o + 12] & 0x0f) << 8) | b[o + 13];
  const flags = b[o + 13];
  const sv = seqView(b, ipOff, o, ctx);
  const seqRaw = get32(b, o + 4), ackRaw = get32(b, o + 8);
  const hasAck = (flags & 0x10) !== 0;
  const win = get16(b, o + 14), urg = get16(b, o + 18);
  const [fwd, rev] = tcpKey(b, ipOff, o);
  const shift = flags & 2 ? undefined : ctx?.wscale?.get(fwd);
  const calcWin = shift === undefined ? win : win * 2 ** shift;
  const opts = tcpOptions(b, o + 20, o + hl, ctx?.isn?.get(rev));
  if (opts.bad) problems.push(`TCP options: ${opts.bad}`);
  const rs = sv.relSeq ? '    (relative sequence number)' : '';
  const nxt = (sv.seq + len + (flags & 2 ? 1 : 0) + (flags & 1 ? 1 : 0)) >>> 0;
  const fields: Field[] = [
    fld('tcp.srcport', `Source Port: ${sp}`, sp, o, o + 2),
    fld('tcp.dstport', `Destination Port: ${dp}`, dp, o + 2, o + 4),
    fld('tcp.len', `[TCP Segment Len: ${len}]`, len, o + 12, o + 12),
    fld('tcp.seq', `Sequence Number: ${sv.seq}${rs}`, sv.seq, o + 4, o + 8),
    fld('tcp.seq_raw', `Sequence Number (raw): ${seqRaw}`, seqRaw, o + 4, o + 8),
  ];
  if (len > 0 || flags & 3) fields.push(fld('tcp.nxtseq', `[Next Sequence Number: ${nxt}${rs}]`, nxt, o + 4, o + 4));
  fields.push(
    fld('tcp.ack', `Acknowledgment Number: ${sv.ack}${sv.relAck ? '    (relative ack number)' : ''}`, sv.ack, o + 8, o + 12),
    fld('tcp.ack_raw', `Acknowledgment number (raw): ${ackRaw}`, ackRaw, o + 8, o + 12),
    fld('tcp.hdr_len', `${bitPattern(b[o + 12], 0xf0, 8)} = Header Length: ${hl} bytes (${hl >> 2})`, hl, o + 12, o + 13),
    fld('tcp.flags', `Flags: 0x${hexN(f12, 3)} (${tcpFlagNames(f12)})`, f12, o + 12, o + 14, [
      fld('tcp.flags.res', `${bitPattern(f12, 0xe00, 12)} = Reserved: ${setOrNot((f12 & 0xe00) !== 0)}`, (f12 & 0xe00) !== 0, o + 12, o + 13),
      fld('tcp.flags.ae', `${bitPattern(f12, 0x100, 12)} = Accurate ECN: ${setOrNot((f12 & 0x100) !== 0)}`, (f12 & 0x100) !== 0, o + 12, o + 13),
      fld('tcp.flags.cwr', `${bitPattern(f12, 0x80, 12)} = Congestion Window Reduced: ${setOrNot((f12 & 0x80) !== 0)}`, (f12 & 0x80) !== 0, o + 13, o + 14),
      fld('tcp.flags.ece', `${bitPattern(f12, 0x40, 12)} = ECN-Echo: ${setOrNot((f12 & 0x40) !== 0)}`, (f12 & 0x40) !== 0, o + 13, o + 14),
      fld('tcp.flags.urg', `${bitPattern(f12, 0x20, 12)} = Urgent: ${setOrNot((f12 & 0x20) !== 0)}`, (f12 & 0x20) !== 0, o + 13, o + 14),
      fld('tcp.flags.ack', `${bitPattern(f12, 0x10, 12)} = Acknowledgment: ${setOrNot(hasAck)}`, hasAck, o + 13, o + 14),
      fld('tcp.flags.push', `${bitPattern(f12, 0x08, 12)} = Push: ${setOrNot((f12 & 8) !== 0)}`, (f12 & 8) !== 0, o + 13, o + 14),
      fld('tcp.flags.reset', `${bitPattern(f12, 0x04, 12)} = Reset: ${setOrNot((f12 & 4) !== 0)}`, (f12 & 4) !== 0, o + 13, o + 14),
      fld('tcp.flags.syn', `${bitPattern(f12, 0x02, 12)} = Syn: ${setOrNot((f12 & 2) !== 0)}`, (f12 & 2) !== 0, o + 13, o + 14),
      fld('tcp.flags.fin', `${bitPattern(f12, 0x01, 12)} = Fin: ${setOrNot((f12 & 1) !== 0)}`, (f12 & 1) !== 0, o + 13, o + 14),
      fld('tcp.flags.str', `[TCP Flags: ${tcpFlagString(f12)}]`, tcpFlagString(f12), o + 12, o + 14),
    ]),
    fld('tcp.window_size_value', `Window: ${win}`, win, o + 14, o + 16),
    ...(shift === undefined ? [] : [
      fld('tcp.window_size', `[Calculated window size: ${calcWin}]`, calcWin, o + 14, o + 14),
      fld('tcp.window_size_scalefactor', `[Window size scaling factor: ${2 ** shift}]`, 2 ** shift, o + 14, o + 14),
    ]),
    ...checksumFields('tcp.checksum', 'tcp', get16(b, o + 16), tcpChecksum(s, ipIdx), o + 16, problems, 'TCP'),
    fld('tcp.urgent_pointer', `Urgent Pointer: ${urg}`, urg, o + 18, o + 20),
  );
  if (hl > 20) {
    fields.push(fld('tcp.options', `Options: (${hl - 20} bytes), ${opts.names.join(', ')}`, toHex(b, o + 20, o + hl), o + 20, o + hl, opts.fields));
  }
  if (len > 0) fields.push(fld('tcp.payload', `TCP payload (${len} byte${len === 1 ? '' : 's'})`, toHex(b, o + hl, end), o + hl, end));
  const ackPart = hasAck ? `, Ack: ${sv.ack}` : '';
  const summary = `Transmission Control Protocol, Src Port: ${sp}, Dst Port: ${dp}, Seq: ${sv.seq}${ackPart}, Len: ${len}`;
  return { name: 'Transmission Control Protocol', abbrev: 'tcp', summary, range: [o, o + hl], fields };
}

/** The Info column of a TCP segment: "41718 → 80 [SYN] Seq=0 Win=64240 Len=0 MSS=1460 …". */
function tcpInfo(s: FrameScan, ipIdx: number, ctx: DissectContext | undefined): string {
  const b = s.b, o = s.l4Off, hl = s.l4Hl;
  const sp = get16(b, o), dp = get16(b, o + 2);
  const len = s.l4End - o - hl;
  const f12 = ((b[o + 12] & 0x0f) << 8) | b[o + 13];
  const flags = b[o + 13];
  const sv = seqView(b, s.ipOff[ipIdx], o, ctx);
  const [fwd, rev] = tcpKey(b, s.ipOff[ipIdx], o);
  const shift = flags & 2 ? undefined : ctx?.wscale?.get(fwd);
  const win = get16(b, o + 14);
  const calcWin = shift === undefined ? win : win * 2 ** shift;
  let info = `${sp} → ${dp} [${tcpFlagNames(f12)}] Seq=${sv.seq}${flags & 0x10 ? ` Ack=${sv.ack}` : ''} Win=${calcWin}${flags & 0x20 ? ` Urg=${get16(b, o + 18)}` : ''} Len=${len}`;
  // Option words, in header order.
  const ackBase = ctx?.isn?.get(rev);
  for (let p = o + 20; p < o + hl;) {
    const k = b[p];
    if (k === 0) break;
    if (k === 1) { p++; continue; }
    if (p + 1 >= o + hl) break;
    const l = b[p + 1];
    if (l < 2 || p + l > o + hl) break;
    if (k === 2 && l === 4) info += ` MSS=${get16(b, p + 2)}`;
    else if (k === 3 && l === 3) info += ` WS=${2 ** Math.min(b[p + 2], 14)}`;
    else if (k === 4 && l === 2) info += ' SACK_PERM';
    else if (k === 5 && (l - 2) % 8 === 0) {
      for (let q = p + 2; q < p + l; q += 8) {
        const le = get32(b, q), re = get32(b, q + 4);
        info += ackBase === undefined ? ` SLE=${le} SRE=${re}` : ` SLE=${(le - ackBase) >>> 0} SRE=${(re - ackBase) >>> 0}`;
      }
    } else if (k === 8 && l === 10) info += ` TSval=${get32(b, p + 2)} TSecr=${get32(b, p + 6)}`;
    p += l;
  }
  return info;
}

// ---- UDP ------------------------------------------------------------------------------------------

function udpLayer(s: FrameScan, ipIdx: number, problems: string[]): Layer {
  const b = s.b, o = s.l4Off, e = s.l4End;
  const sp = get16(b, o), dp = get16(b, o + 2), ul = get16(b, o + 4), ck = get16(b, o + 6);
  const io = s.ipOff[ipIdx];
  let v: { good: boolean; should: number } | null = null;
  if (ck !== 0 && o + ul === e) {
    const should = finishChecksum(pseudoHeaderSum(ip4(b, io + 12), ip4(b, io + 16), 17, ul) + sum16(b, o, o + 6) + sum16(b, o + 8, e)) || 0xffff;
    v = { good: should === ck, should };
  }
  const fields: Field[] = [
    fld('udp.srcport', `Source Port: ${sp}`, sp, o, o + 2),
    fld('udp.dstport', `Destination Port: ${dp}`, dp, o + 2, o + 4),
    fld('udp.length', `Length: ${ul}`, ul, o + 4, o + 6),
    ...(ck === 0
      ? [fld('udp.checksum', 'Checksum: 0x0000 [zero-value ignored]', 0, o + 6, o + 8), fld('udp.checksum.status', '[Checksum Status: Not present]', 'Not present', o + 6, o + 6)]
      : checksumFields('udp.checksum', 'udp', ck, v, o + 6, problems, 'UDP')),
  ];
  if (e > o + 8) fields.push(fld('udp.payload', `UDP payload (${e - o - 8} byte${e - o - 8 === 1 ? '' : 's'})`, toHex(b, o + 8, e), o + 8, e));
  return { name: 'User Datagram Protocol', abbrev: 'udp', summary: `User Datagram Protocol, Src Port: ${sp}, Dst Port: ${dp}`, range: [o, o + 8], fields };
}

// ---- ICMP -----------------------------------------------------------------------------------------

function dataField(b: Uint8Array, s: number, e: number): Field {
  return fld('data', `Data (${e - s} byte${e - s === 1 ? '' : 's'})`, toHex(b, s, e), s, e, [
    fld('data.data', `Data: ${bytesText(b, s, e)}`, toHex(b, s, e), s, e),
    fld('data.len', `[Length: ${e - s}]`, e - s, s, s),
  ]);
}

function quotedTransport(s: FrameScan): Field | null {
  const b = s.b, o = s.q4Off, e = s.q4End, n = e - o;
  const qi = s.ipN - 1, qo = s.ipOff[qi];
  const whole = qo + get16(b, qo + 2) === e;
  if (s.q4 === 6) {
    const sp = get16(b, o), dp = get16(b, o + 2);
    const kids: Field[] = [fld('tcp.srcport', `Source Port: ${sp}`, sp, o, o + 2), fld('tcp.dstport', `Destination Port: ${dp}`, dp, o + 2, o + 4)];
    let summary = `Transmission Control Protocol, Src Port: ${sp}, Dst Port: ${dp}`;
    if (n >= 8) {
      const seq = get32(b, o + 4);
      kids.push(fld('tcp.seq', `Sequence Number: ${seq}`, seq, o + 4, o + 8));
      if (n >= 12) summary += `, Seq: ${seq}, Ack: ${get32(b, o + 8)}`;
    }
    if (n >= 14) {
      const ack = get32(b, o + 8), f12 = ((b[o + 12] & 0x0f) << 8) | b[o + 13];
      kids.push(
        fld('tcp.ack', `Acknowledgment Number: ${ack}`, ack, o + 8, o + 12),
        fld('tcp.hdr_len', `${bitPattern(b[o + 12], 0xf0, 8)} = Header Length: ${(b[o + 12] >> 4) * 4} bytes (${b[o + 12] >> 4})`, (b[o + 12] >> 4) * 4, o + 12, o + 13),
        fld('tcp.flags', `Flags: 0x${hexN(f12, 3)} (${tcpFlagNames(f12)})`, f12, o + 12, o + 14),
      );
    }
    if (n >= 20) {
      kids.push(
        fld('tcp.window_size_value', `Window: ${get16(b, o + 14)}`, get16(b, o + 14), o + 14, o + 16),
        ...checksumFields('tcp.checksum', 'tcp', get16(b, o + 16), whole
          ? (() => { const should = finishChecksum(pseudoHeaderSum(ip4(b, qo + 12), ip4(b, qo + 16), 6, e - o) + sum16(b, o, o + 16) + sum16(b, o + 18, e)); return { good: should === get16(b, o + 16), should }; })()
          : null, o + 16, [], 'quoted TCP'),
        fld('tcp.urgent_pointer', `Urgent Pointer: ${get16(b, o + 18)}`, get16(b, o + 18), o + 18, o + 20),
      );
    }
    return fld('tcp', summary, true, o, e, kids);
  }
  if (s.q4 === 17) {
    const sp = get16(b, o), dp = get16(b, o + 2);
    const kids: Field[] = [fld('udp.srcport', `Source Port: ${sp}`, sp, o, o + 2), fld('udp.dstport', `Destination Port: ${dp}`, dp, o + 2, o + 4)];
    if (n >= 8) {
      kids.push(
        fld('udp.length', `Length: ${get16(b, o + 4)}`, get16(b, o + 4), o + 4, o + 6),
        ...checksumFields('udp.checksum', 'udp', get16(b, o + 6), whole && get16(b, o + 4) === n && get16(b, o + 6) !== 0
          ? (() => { const should = finishChecksum(pseudoHeaderSum(ip4(b, qo + 12), ip4(b, qo + 16), 17, n) + sum16(b, o, o + 6) + sum16(b, o + 8, e)) || 0xffff; return { good: should === get16(b, o + 6), should }; })()
          : null, o + 6, [], 'quoted UDP'),
      );
    }
    if (n > 8) kids.push(dataField(b, o + 8, e));
    return fld('udp', `User Datagram Protocol, Src Port: ${sp}, Dst Port: ${dp}`, true, o, e, kids);
  }
  if (s.q4 === 1) {
    const t = b[o], c = b[o + 1];
    const kids: Field[] = [
      fld('icmp.type', `Type: ${t} (${ICMP_TYPE_NAMES[t] ?? 'Unknown'})`, t, o, o + 1),
      fld('icmp.code', `Code: ${c}${icmpCodeName(t, c) ? ` (${icmpCodeName(t, c)})` : ''}`, c, o + 1, o + 2),
      fld('icmp.checksum', `Checksum: 0x${hex4(get16(b, o + 2))} [unverified] [in ICMP error packet]`, get16(b, o + 2), o + 2, o + 4),
    ];
    if (t === 0 || t === 8) kids.push(...echoFields(b, o));
    if (n > 8) kids.push(dataField(b, o + 8, e));
    return fld('icmp', 'Internet Control Message Protocol', true, o, e, kids);
  }
  return null;
}

function echoFields(b: Uint8Array, o: number): Field[] {
  const id = get16(b, o + 4), sq = get16(b, o + 6);
  const idLe = ((id & 255) << 8) | (id >> 8), sqLe = ((sq & 255) << 8) | (sq >> 8);
  return [
    fld('icmp.ident', `Identifier (BE): ${id} (0x${hex4(id)})`, id, o + 4, o + 6),
    fld('icmp.ident_le', `Identifier (LE): ${idLe} (0x${hex4(idLe)})`, idLe, o + 4, o + 6),
    fld('icmp.seq', `Sequence Number (BE): ${sq} (0x${hex4(sq)})`, sq, o + 6, o + 8),
    fld('icmp.seq_le', `Sequence Number (LE): ${sqLe} (0x${hex4(sqLe)})`, sqLe, o + 6, o + 8),
  ];
}

/** "Nov 25, 2026 23:08:50.076307000 UTC", Wireshark's absolute time format. */
export function fmtAbsTime(us: number): string {
  const f = utcFields(Math.floor(us / 1e6));
  const frac = String(Math.round(us % 1e6) * 1000).padStart(9, '0');
  return `${MONTH_NAMES[f.month]} ${String(f.day).padStart(2, ' ')}, ${f.year} ${clock(f)}.${frac} UTC`;
}

/**
 * The timeval ping puts at the start of its data (as Wireshark guesses it: big or little
 * endian seconds within a day of the frame's time, microseconds below a million).
 */
function echoTimestamp(b: Uint8Array, o: number, e: number, frameUs: number): Field[] | null {
  if (e - o < 8) return null;
  const frameS = Math.floor(frameUs / 1e6);
  const ok = (sec: number, usec: number) => Math.abs(sec - frameS) < 86400 && usec < 1e6;
  let sec = get32(b, o), usec = get32(b, o + 4);
  if (!ok(sec, usec)) {
    sec = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
    usec = (b[o + 4] | (b[o + 5] << 8) | (b[o + 6] << 16) | (b[o + 7] << 24)) >>> 0;
    if (!ok(sec, usec)) return null;
  }
  const tsUs = sec * 1e6 + usec;
  const rel = (frameUs - tsUs) / 1e6;
  return [
    fld('icmp.data_time', `Timestamp from icmp data: ${fmtAbsTime(tsUs)}`, tsUs / 1e6, o, o + 8),
    fld('icmp.data_time_relative', `[Timestamp from icmp data (relative): ${rel.toFixed(9)} seconds]`, rel, o, o + 8),
  ];
}

function icmpLayer(s: FrameScan, ipIdx: number, ctx: DissectContext | undefined, problems: string[]): Layer {
  const b = s.b, o = s.l4Off, e = s.l4End;
  const t = b[o], c = b[o + 1], ck = get16(b, o + 2);
  const tn = ICMP_TYPE_NAMES[t] ?? 'Unknown ICMP (obsolete or malformed?)';
  const cn = icmpCodeName(t, c);
  const io = s.ipOff[ipIdx];
  const complete = io + get16(b, io + 2) === e;
  const should = finishChecksum(sum16(b, o, o + 2) + sum16(b, o + 4, e));
  const fields: Field[] = [
    fld('icmp.type', `Type: ${t} (${tn})`, t, o, o + 1),
    fld('icmp.code', `Code: ${c}${cn ? ` (${cn})` : ''}`, c, o + 1, o + 2),
    ...checksumFields('icmp.checksum', 'icmp', ck, complete ? { good: should === ck, should } : null, o + 2, problems, 'ICMP'),
  ];
  if (t === 0 || t === 8) {
    fields.push(...echoFields(b, o));
    let ds = o + 8;
    const ts = ctx?.frame?.timeUs === undefined ? null : echoTimestamp(b, ds, e, ctx.frame.timeUs);
    if (ts) { fields.push(...ts); ds += 8; }
    if (e > ds) fields.push(dataField(b, ds, e));
    const peer = ctx?.number === undefined ? undefined : ctx.icmpPeer?.get(ctx.number);
    if (peer && peer.peer !== 0) {
      fields.push(fld(peer.reply ? 'icmp.resp_to' : 'icmp.resp_in', peer.reply ? `[Request frame: ${peer.peer}]` : `[Response frame: ${peer.peer}]`, peer.peer, o, o));
    }
  } else {
    if (t === 3 && c === 4) {
      fields.push(fld('icmp.unused', `Unused: ${hex4(get16(b, o + 4))}`, hex4(get16(b, o + 4)), o + 4, o + 6));
      fields.push(fld('icmp.mtu', `MTU of next hop: ${get16(b, o + 6)}`, get16(b, o + 6), o + 6, o + 8));
    } else if (t === 5) {
      fields.push(fld('icmp.redir_gw', `Gateway Address: ${fmtIp(ip4(b, o + 4))}`, fmtIp(ip4(b, o + 4)), o + 4, o + 8));
    } else if (t === 12) {
      fields.push(fld('icmp.pointer', `Pointer: ${b[o + 4]}`, b[o + 4], o + 4, o + 5));
    } else if (isIcmpError(t)) {
      fields.push(fld('icmp.unused', `Unused: ${toHex(b, o + 4, o + 8)}`, toHex(b, o + 4, o + 8), o + 4, o + 8));
    } else {
      fields.push(fld('icmp.rest', `Rest of header: ${toHex(b, o + 4, o + 8)}`, toHex(b, o + 4, o + 8), o + 4, o + 8));
    }
    // The quoted datagram (scan recorded it as the last, quoted IP layer).
    const qi = s.ipN - 1;
    if (qi > ipIdx && s.ipQuoted[qi]) {
      const qo = s.ipOff[qi];
      fields.push(fld('ip', ipSummary(b, qo), true, qo, s.ipEnd[qi], ipFields(s, qi, [])));
      const qt = quotedTransport(s);
      if (qt) fields.push(qt);
      else if (s.ipEnd[qi] > qo + s.ipHl[qi]) fields.push(dataField(b, qo + s.ipHl[qi], s.ipEnd[qi]));
    } else if (e > o + 8) {
      fields.push(dataField(b, o + 8, e));
    }
  }
  return { name: 'Internet Control Message Protocol', abbrev: 'icmp', summary: 'Internet Control Message Protocol', range: [o, e], fields };
}

/** "Echo (ping) request  id=0x0001, seq=1/256, ttl=64", "Destination unreachable (Port unreachable)". */
function icmpInfo(s: FrameScan, ipIdx: number, ctx: DissectContext | undefined): string {
  const b = s.b, o = s.l4Off, io = s.ipOff[ipIdx];
  const t = b[o], c = b[o + 1];
  const tn = ICMP_TYPE_NAMES[t] ?? 'Unknown ICMP (obsolete or malformed?)';
  if (t === 0 || t === 8) {
    const id = get16(b, o + 4), sq = get16(b, o + 6);
    let info = `${tn.padEnd(20)} id=0x${hex4(id)}, seq=${sq}/${((sq & 255) << 8) | (sq >> 8)}, ttl=${b[io + 8]}`;
    const peer = ctx?.number === undefined ? undefined : ctx.icmpPeer?.get(ctx.number);
    if (peer) info += peer.peer === 0 ? ' (no response found!)' : peer.reply ? ` (request in ${peer.peer})` : ` (reply in ${peer.peer})`;
    return info;
  }
  const cn = icmpCodeName(t, c);
  return cn ? `${tn.padEnd(20)} (${cn})` : tn;
}

// ---- VRRP -----------------------------------------------------------------------------------------

const VRRP_AUTH: Readonly<Record<number, string>> = {
  0: 'No Authentication', 1: 'Simple Text Authentication [RFC 2338] / Reserved [RFC 3768]', 2: 'IP Authentication Header [RFC 2338] / Reserved [RFC 3768]',
};
function vrrpPriorityName(p: number): string {
  return p === 0 ? 'Current Master has stopped participating in VRRP' : p === 100 ? 'Default priority for a backup VRRP router'
    : p === 255 ? "This VRRP router owns the virtual router's IP address(es)" : 'Non-default backup priority';
}

function vrrpLayer(s: FrameScan, problems: string[]): Layer {
  const b = s.b, o = s.l4Off, e = s.l4End;
  const ver = b[o] >> 4, type = b[o] & 15, n = b[o + 3], auth = b[o + 4];
  const typeName = type === 1 ? 'Advertisement' : 'Unknown';
  const msgEnd = o + 16 + 4 * n;
  const should = finishChecksum(sum16(b, o, o + 6) + sum16(b, o + 8, ver === 2 ? msgEnd : e));
  const fields: Field[] = [
    fld('vrrp.typever', `Version ${ver}, Packet type ${type} (${typeName})`, b[o], o, o + 1, [
      fld('vrrp.version', `${bitPattern(b[o], 0xf0, 8)} = VRRP protocol version: ${ver}`, ver, o, o + 1),
      fld('vrrp.type', `${bitPattern(b[o], 0x0f, 8)} = VRRP packet type: ${typeName} (${type})`, type, o, o + 1),
    ]),
    fld('vrrp.virt_rtr_id', `Virtual Rtr ID: ${b[o + 1]}`, b[o + 1], o + 1, o + 2),
    fld('vrrp.prio', `Priority: ${b[o + 2]} (${vrrpPriorityName(b[o + 2])})`, b[o + 2], o + 2, o + 3),
    fld('vrrp.addr_count', `Addr Count: ${n}`, n, o + 3, o + 4),
    fld('vrrp.auth_type', `Auth Type: ${VRRP_AUTH[auth] ?? 'Unknown'} (${auth})`, auth, o + 4, o + 5),
    fld('vrrp.adver_int', `Adver Int: ${b[o + 5]}`, b[o + 5], o + 5, o + 6),
    ...checksumFields('vrrp.checksum', 'vrrp', get16(b, o + 6), ver === 2 ? { good: should === get16(b, o + 6), should } : null, o + 6, problems, 'VRRP'),
  ];
  for (let i = 0; i < n; i++) {
    const a = ip4(b, o + 8 + 4 * i);
    fields.push(fld('vrrp.ip_addr', `IP Address: ${fmtIp(a)}`, fmtIp(a), o + 8 + 4 * i, o + 12 + 4 * i));
  }
  if (auth === 1) {
    const as = o + 8 + 4 * n;
    let str = '';
    for (let i = as; i < as + 8 && b[i] !== 0; i++) str += String.fromCharCode(b[i]);
    fields.push(fld('vrrp.auth_string', `Authentication String: ${str}`, str, as, as + 8));
  }
  return { name: 'Virtual Router Redundancy Protocol', abbrev: 'vrrp', summary: 'Virtual Router Redundancy Protocol', range: [o, e], fields };
}

// ---- HTTP -----------------------------------------------------------------------------------------

const HTTP_HEADER_FIELDS: Readonly<Record<string, string>> = {
  host: 'http.host', 'user-agent': 'http.user_agent', accept: 'http.accept', 'content-type': 'http.content_type',
  'content-length': 'http.content_length_header', server: 'http.server', date: 'http.date', 'last-modified': 'http.last_modified',
  connection: 'http.connection', location: 'http.location', cookie: 'http.cookie', 'set-cookie': 'http.set_cookie',
  referer: 'http.referer', 'accept-encoding': 'http.accept_encoding', 'accept-language': 'http.accept_language',
  'cache-control': 'http.cache_control', 'transfer-encoding': 'http.transfer_encoding', 'x-forwarded-for': 'http.x_forwarded_for',
  'keep-alive': 'http.keep_alive', 'content-encoding': 'http.content_encoding', authorization: 'http.authorization',
};

/** "GET / HTTP/1.1 ", "HTTP/1.1 200 OK  (text/html)", or "Continuation". */
function httpInfo(b: Uint8Array, s: number, e: number): string {
  let q = s;
  while (q < e && b[q] !== 10) q++;
  let first = '';
  for (let i = s; i < q && i < s + 2048; i++) first += String.fromCharCode(b[i]);
  first = first.replace(/\r$/, '');
  if (/^HTTP\/\d\.\d \d{3}(?: .*)?$/.test(first)) {
    // Content-Type from the head (media type without parameters).
    let ct = '';
    let p = q + 1;
    while (p < e) {
      let r = p;
      while (r < e && b[r] !== 10) r++;
      if (r - p <= 1) break;
      if (r - p > 13 && (b[p] | 0x20) === 0x63 && (b[p + 8] | 0x20) === 0x74 && b[p + 12] === 0x3a) {
        let line = '';
        for (let i = p; i < r; i++) line += String.fromCharCode(b[i]);
        const m = /^content-type:\s*([^;\r]*)/i.exec(line);
        if (m) { ct = m[1].trim(); break; }
      }
      p = r + 1;
    }
    return `${first} ${ct ? ` (${ct})` : ''}`;
  }
  if (/^[A-Z]+ \S+ HTTP\/\d\.\d$/.test(first)) return `${first} `;
  return 'Continuation';
}

function httpLayers(b: Uint8Array, s: number, e: number, fullUriHost: string): Layer[] {
  // Lines up to the blank line (or the end of the segment).
  const lines: [number, number][] = []; // [start, end-including-CRLF]
  let p = s;
  let headEnd = -1;
  while (p < e) {
    let q = p;
    while (q < e && b[q] !== 10) q++;
    const lineEnd = q < e ? q + 1 : e;
    lines.push([p, lineEnd]);
    const contentEnd = q > p && b[q - 1] === 13 ? q - 1 : q;
    if (contentEnd === p && q < e) { headEnd = lineEnd; break; }
    p = lineEnd;
  }
  const text = (a: number, z: number) => { let t = ''; for (let i = a; i < z; i++) t += String.fromCharCode(b[i]); return t; };
  const lineText = (l: [number, number]) => text(l[0], l[1]).replace(/\r?\n$/, '');
  const shown = (l: [number, number]) => text(l[0], l[1]).replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  const first = lineText(lines[0]);
  const req = /^([A-Z]+) (\S+) (HTTP\/\d\.\d)$/.exec(first);
  const res = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(first);
  if (!req && !res) {
    const layer: Layer = {
      name: 'Hypertext Transfer Protocol', abbrev: 'http', summary: 'Hypertext Transfer Protocol', range: [s, e],
      fields: [fld('http.continuation', `Continuation: ${bytesText(b, s, e)}`, toHex(b, s, e), s, e)],
    };
    return [layer];
  }
  const fields: Field[] = [];
  const [l0s, l0e] = lines[0];
  if (req) {
    const m = l0s + req[1].length;
    fields.push(fld('http.request.line', shown(lines[0]), first, l0s, l0e, [
      fld('http.request.method', `Request Method: ${req[1]}`, req[1], l0s, m),
      fld('http.request.uri', `Request URI: ${req[2]}`, req[2], m + 1, m + 1 + req[2].length),
      fld('http.request.version', `Request Version: ${req[3]}`, req[3], m + 2 + req[2].length, m + 2 + req[2].length + req[3].length),
    ]));
  } else if (res) {
    const code = Number(res[2]);
    const vEnd = l0s + res[1].length;
    fields.push(fld('http.response.line', shown(lines[0]), first, l0s, l0e, [
      fld('http.response.version', `Response Version: ${res[1]}`, res[1], l0s, vEnd),
      fld('http.response.code', `Status Code: ${code}`, code, vEnd + 1, vEnd + 4),
      fld('http.response.code.desc', `[Status Code Description: ${REASON_PHRASES[code] ?? 'Unknown'}]`, REASON_PHRASES[code] ?? 'Unknown', vEnd + 1, vEnd + 1),
      fld('http.response.phrase', `Response Phrase: ${res[3] ?? ''}`, res[3] ?? '', Math.min(vEnd + 5, l0e), Math.max(Math.min(vEnd + 5, l0e), l0e - 2)),
    ]));
  }
  let contentType = '';
  let host = '';
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i];
    const t = lineText(l);
    if (t === '') { fields.push(fld('', shown(l), '', l[0], l[1])); continue; }
    const c = t.indexOf(':');
    const key = c > 0 ? t.slice(0, c).toLowerCase() : '';
    const val = c > 0 ? t.slice(c + 1).trim() : t;
    const name = HTTP_HEADER_FIELDS[key] ?? (c > 0 ? 'http.unknown_header' : '');
    if (key === 'content-length' && /^\d+$/.test(val)) {
      fields.push(fld(name, shown(l), val, l[0], l[1], [fld('http.content_length', `[Content length: ${val}]`, Number(val), l[0], l[1])]));
    } else {
      fields.push(fld(name, shown(l), val, l[0], l[1]));
    }
    if (key === 'content-type') contentType = val.split(';')[0].trim();
    if (key === 'host') host = val;
  }
  if (req) {
    const uri = req[2].startsWith('/') ? `http://${host || fullUriHost}${req[2]}` : req[2];
    fields.push(fld('http.request.full_uri', `[Full request URI: ${uri}]`, uri, s, s));
  }
  const layers: Layer[] = [{ name: 'Hypertext Transfer Protocol', abbrev: 'http', summary: 'Hypertext Transfer Protocol', range: [s, headEnd > 0 ? headEnd : e], fields }];
  if (headEnd > 0 && headEnd < e) {
    const bodyLen = e - headEnd;
    fields.push(fld('http.file_data', `File Data: ${bodyLen} byte${bodyLen === 1 ? '' : 's'}`, toHex(b, headEnd, e), headEnd, e));
    if (contentType.startsWith('text/') || contentType === '') {
      const bodyLines: Field[] = [];
      let q = headEnd;
      while (q < e) {
        let r = q;
        while (r < e && b[r] !== 10) r++;
        const le = r < e ? r + 1 : e;
        const line = text(q, le).replace(/\r/g, '\\r').replace(/\n/g, '\\n');
        // Wireshark cuts tree labels at 240 bytes and marks them.
        bodyLines.push(fld('', line.length > 239 ? `[truncated]${line.slice(0, 226)}` : line, '', q, le));
        q = le;
      }
      const nm = `Line-based text data: ${contentType || 'text/plain'} (${bodyLines.length} lines)`;
      layers.push({ name: nm, abbrev: 'data-text-lines', summary: nm, range: [headEnd, e], fields: bodyLines });
    } else {
      const nm = `Media Type`;
      layers.push({ name: nm, abbrev: 'data', summary: `Media Type: ${contentType} (${bodyLen} bytes)`, range: [headEnd, e], fields: [dataField(b, headEnd, e)] });
    }
  }
  return layers;
}

// ---- TLS ------------------------------------------------------------------------------------------

const CONTENT_TYPE_NAMES: Readonly<Record<number, string>> = { 20: 'Change Cipher Spec', 21: 'Alert', 22: 'Handshake', 23: 'Application Data' };
const VERSION_LABEL = (v: number) => {
  const n: Record<number, string> = { 0x0300: 'SSL 3.0', 0x0301: 'TLS 1.0', 0x0302: 'TLS 1.1', 0x0303: 'TLS 1.2', 0x0304: 'TLS 1.3' };
  return `${n[v] ?? 'Unknown'} (0x${hex4(v)})`;
};

function certCommonName(b: Uint8Array, s: number, e: number): string | undefined {
  // The last id-at-commonName in the certificate is the subject's.
  let cn: string | undefined;
  for (let i = s; i + 7 < e; i++) {
    if (b[i] === 0x06 && b[i + 1] === 0x03 && b[i + 2] === 0x55 && b[i + 3] === 0x04 && b[i + 4] === 0x03) {
      const l = b[i + 6];
      if (i + 7 + l <= e && l < 0x80) cn = String.fromCharCode(...b.subarray(i + 7, i + 7 + l));
    }
  }
  return cn;
}

function helloFields(b: Uint8Array, type: number, s: number, e: number): Field[] {
  const f: Field[] = [];
  let p = s;
  if (p + 34 > e) return f;
  const v = get16(b, p);
  f.push(fld('tls.handshake.version', `Version: ${VERSION_LABEL(v)}`, v, p, p + 2));
  f.push(fld('tls.handshake.random', `Random: ${toHex(b, p + 2, p + 34)}`, toHex(b, p + 2, p + 34), p + 2, p + 34));
  p += 34;
  if (p >= e) return f;
  const sl = b[p];
  f.push(fld('tls.handshake.session_id_length', `Session ID Length: ${sl}`, sl, p, p + 1));
  if (sl > 0 && p + 1 + sl <= e) f.push(fld('tls.handshake.session_id', `Session ID: ${toHex(b, p + 1, p + 1 + sl)}`, toHex(b, p + 1, p + 1 + sl), p + 1, p + 1 + sl));
  p += 1 + sl;
  if (type === 1) {
    if (p + 2 > e) return f;
    const cl = get16(b, p);
    f.push(fld('tls.handshake.cipher_suites_length', `Cipher Suites Length: ${cl}`, cl, p, p + 2));
    const suites: Field[] = [];
    for (let q = p + 2; q + 1 < Math.min(e, p + 2 + cl); q += 2) {
      const cs = get16(b, q);
      suites.push(fld('tls.handshake.ciphersuite', `Cipher Suite: ${CIPHER_SUITE_NAMES[cs] ?? 'Unknown'} (0x${hex4(cs)})`, cs, q, q + 2));
    }
    f.push(fld('tls.handshake.ciphersuites', `Cipher Suites (${suites.length} suite${suites.length === 1 ? '' : 's'})`, suites.length, p + 2, Math.min(e, p + 2 + cl), suites));
    p += 2 + cl;
    if (p >= e) return f;
    const ml = b[p];
    f.push(fld('tls.handshake.comp_methods_length', `Compression Methods Length: ${ml}`, ml, p, p + 1));
    p += 1 + ml;
  } else {
    if (p + 3 > e) return f;
    const cs = get16(b, p);
    f.push(fld('tls.handshake.ciphersuite', `Cipher Suite: ${CIPHER_SUITE_NAMES[cs] ?? 'Unknown'} (0x${hex4(cs)})`, cs, p, p + 2));
    f.push(fld('tls.handshake.comp_method', `Compression Method: ${b[p + 2] === 0 ? 'null' : 'Unknown'} (${b[p + 2]})`, b[p + 2], p + 2, p + 3));
    p += 3;
  }
  if (p + 2 > e) return f;
  const xl = get16(b, p);
  f.push(fld('tls.handshake.extensions_length', `Extensions Length: ${xl}`, xl, p, p + 2));
  p += 2;
  const xe = Math.min(e, p + xl);
  const EXT: Record<number, string> = {
    0: 'server_name', 10: 'supported_groups', 11: 'ec_point_formats', 13: 'signature_algorithms', 16: 'application_layer_protocol_negotiation',
    22: 'encrypt_then_mac', 23: 'extended_master_secret', 35: 'session_ticket', 43: 'supported_versions', 45: 'psk_key_exchange_modes',
    51: 'key_share', 65281: 'renegotiation_info',
  };
  while (p + 4 <= xe) {
    const t = get16(b, p), l = get16(b, p + 2);
    if (p + 4 + l > xe) break;
    const kids: Field[] = [
      fld('tls.handshake.extension.type', `Type: ${EXT[t] ?? 'Unknown'} (${t})`, t, p, p + 2),
      fld('tls.handshake.extension.len', `Length: ${l}`, l, p + 2, p + 4),
    ];
    if (t === 0 && type === 1 && l >= 5) {
      const nl = get16(b, p + 7);
      if (p + 9 + nl <= p + 4 + l) {
        const name = String.fromCharCode(...b.subarray(p + 9, p + 9 + nl));
        kids.push(fld('tls.handshake.extensions_server_name', `Server Name: ${name}`, name, p + 9, p + 9 + nl));
      }
    }
    if (t === 43 && type === 2 && l === 2) {
      kids.push(fld('tls.handshake.extensions.supported_version', `Supported Version: ${VERSION_LABEL(get16(b, p + 4))}`, get16(b, p + 4), p + 4, p + 6));
    }
    f.push(fld('tls.handshake.extension', `Extension: ${EXT[t] ?? 'Unknown type ' + t} (len=${l})`, t, p, p + 4 + l, kids));
    p += 4 + l;
  }
  return f;
}

interface TlsOut { layer: Layer; info: string; protocol: string; segmentOnly: boolean }

/** TLS records in `b[as, ae)`; `o`/`ipOff` locate the TCP and IP headers in the frame for ports and addresses. */
function tlsLayer(s: FrameScan, ipIdx: number, ctx: DissectContext | undefined, b: Uint8Array = s.b, as = s.appOff, ae = s.appEnd): TlsOut {
  const ipOff = s.ipOff[ipIdx], o = s.l4Off;
  const fb = s.b;
  const conn = tcpConnKey(ip4(fb, ipOff + 12), get16(fb, o), ip4(fb, ipOff + 16), get16(fb, o + 2));
  const known = ctx?.tlsVersion?.get(conn);
  const all: TlsRecordInfo[] = scanTlsRecords(b, as, ae, false);
  const recs = all.filter((r) => r.complete);
  const appProto = TLS_PORTS.has(get16(fb, o)) || TLS_PORTS.has(get16(fb, o + 2)) ? 'Hypertext Transfer Protocol' : 'Application Data';
  if (all.length === 0) {
    return {
      layer: { name: 'Transport Layer Security', abbrev: 'tls', summary: 'Transport Layer Security', range: [as, ae], fields: [fld('tls.continuation_data', `Continuation Data: ${bytesText(b, as, ae)}`, toHex(b, as, ae), as, ae)] },
      info: 'Continuation Data', protocol: known !== undefined ? tlsVersionName(known) : 'TLS', segmentOnly: false,
    };
  }
  const fields: Field[] = [];
  let session13 = false;
  let lastLabel = '';
  const names: string[] = [];
  for (const r of recs) {
    const label = known !== undefined ? tlsVersionName(known) : session13 ? 'TLSv1.3' : tlsVersionName(r.version);
    lastLabel = label;
    const fs = r.offset + 5, fe = Math.min(ae, fs + r.length);
    const kids: Field[] = [
      fld('tls.record.content_type', `${label === 'TLSv1.3' && r.type === 23 ? 'Opaque Type' : 'Content Type'}: ${CONTENT_TYPE_NAMES[r.type]} (${r.type})`, r.type, r.offset, r.offset + 1),
      fld('tls.record.version', `Version: ${VERSION_LABEL(r.version)}`, r.version, r.offset + 1, r.offset + 3),
      fld('tls.record.length', `Length: ${r.length}`, r.length, r.offset + 3, r.offset + 5),
    ];
    let title: string;
    if (r.type === 22) {
      const hs = r.messages.map((m) => m.name).join(', ');
      title = `Handshake Protocol: ${hs}`;
      for (const m of r.messages) {
        const me = Math.min(fe, m.offset + 4 + m.length);
        if (m.type < 0) {
          kids.push(fld('tls.handshake', 'Handshake Protocol: Encrypted Handshake Message', toHex(b, fs, fe), fs, fe));
          continue;
        }
        const hk: Field[] = [
          fld('tls.handshake.type', `Handshake Type: ${HANDSHAKE_NAMES[m.type]} (${m.type})`, m.type, m.offset, m.offset + 1),
          fld('tls.handshake.length', `Length: ${m.length}`, m.length, m.offset + 1, m.offset + 4),
        ];
        if (m.type === 1 || m.type === 2) hk.push(...helloFields(b, m.type, m.offset + 4, me));
        if (m.type === 11 && m.offset + 10 <= me) {
          const cl = (b[m.offset + 7] << 16) | (b[m.offset + 8] << 8) | b[m.offset + 9];
          const cs = m.offset + 10;
          const cn = certCommonName(b, cs, Math.min(me, cs + cl));
          hk.push(fld('tls.handshake.certificate_length', `Certificate Length: ${cl}`, cl, m.offset + 7, m.offset + 10));
          hk.push(fld('tls.handshake.certificate', `Certificate: ${bytesText(b, cs, Math.min(me, cs + cl))}${cn !== undefined ? ` (id-at-commonName=${cn})` : ''}`, cn ?? '', cs, Math.min(me, cs + cl)));
        }
        kids.push(fld('tls.handshake', `Handshake Protocol: ${m.name}`, m.type, m.offset, me, hk));
      }
    } else if (r.type === 20) {
      title = 'Change Cipher Spec Protocol: Change Cipher Spec';
      kids.push(fld('tls.change_cipher_spec', 'Change Cipher Spec Message', true, fs, fe));
    } else if (r.type === 23) {
      title = `Application Data Protocol: ${appProto}`;
      kids.push(fld('tls.app_data', `Encrypted Application Data: ${bytesText(b, fs, fe)}`, toHex(b, fs, fe), fs, fe));
    } else {
      title = r.names[0];
      kids.push(fld('tls.alert_message', `Alert Message: ${r.names[0] === 'Encrypted Alert' ? 'Encrypted Alert' : r.names[0].replace(/^Alert /, '')}`, r.names[0], fs, fe));
    }
    fields.push(fld('tls.record', `${label} Record Layer: ${title}`, r.type, r.offset, fe, kids));
    names.push(...r.names);
    if (r.negotiates13) session13 = true;
  }
  const tail = all.find((r) => !r.complete);
  if (tail) fields.push(fld('tls.segment.data', `[TLS segment data (${ae - tail.offset} bytes)]`, toHex(b, tail.offset, ae), tail.offset, ae));
  return {
    layer: { name: 'Transport Layer Security', abbrev: 'tls', summary: 'Transport Layer Security', range: [as, ae], fields },
    info: names.join(', '), protocol: lastLabel || (known !== undefined ? tlsVersionName(known) : tlsVersionName(all[0].version)),
    segmentOnly: recs.length === 0,
  };
}

// ---- Data -----------------------------------------------------------------------------------------

function dataLayer(b: Uint8Array, s: number, e: number): Layer {
  const n = e - s;
  return {
    name: 'Data', abbrev: 'data', summary: `Data (${n} byte${n === 1 ? '' : 's'})`, range: [s, e],
    fields: [fld('data.data', `Data: ${bytesText(b, s, e)}`, toHex(b, s, e), s, e), fld('data.len', `[Length: ${n}]`, n, s, s)],
  };
}

// ---- the walk -------------------------------------------------------------------------------------

function markReassembled(l: Layer): Layer {
  return { ...l, source: 'reassembled' };
}

/** Concatenates the parts of a PDU; null when a frame is no longer available. */
function reassemble(parts: readonly PduPart[], self: number, selfBytes: Uint8Array, get: (no: number) => Uint8Array | undefined): { buf: Uint8Array; layer: Layer } | null {
  let n = 0;
  const srcs: Uint8Array[] = [];
  for (const p of parts) {
    const fb = p.frame === self ? selfBytes : get(p.frame);
    if (!fb || p.end > fb.length || p.start > p.end) return null;
    srcs.push(fb);
    n += p.end - p.start;
  }
  const buf = new Uint8Array(n);
  const kids: Field[] = [];
  let o = 0;
  parts.forEach((p, i) => {
    buf.set(srcs[i].subarray(p.start, p.end), o);
    const len = p.end - p.start;
    kids.push(fld('tcp.segment', `[Frame: ${p.frame}, payload: ${o}-${o + len - 1} (${len} bytes)]`, p.frame, o, o + len));
    o += len;
  });
  kids.push(
    fld('tcp.segment.count', `[Segment count: ${parts.length}]`, parts.length, 0, 0),
    fld('tcp.reassembled.length', `[Reassembled TCP length: ${n}]`, n, 0, 0),
    fld('tcp.reassembled.data', `[Reassembled TCP Data: ${bytesText(buf, 0, n)}]`, toHex(buf, 0, n), 0, n),
  );
  const name = `[${parts.length} Reassembled TCP Segments (${n} bytes): ${parts.map((p) => `#${p.frame}(${p.end - p.start})`).join(', ')}]`;
  return { buf, layer: { name, abbrev: 'tcp', summary: name, range: [0, n], fields: kids, source: 'reassembled' } };
}

const scratch = new FrameScan();

interface Tree { layers: Layer[]; problems: string[]; reassembled?: Uint8Array }

/** The innermost IP layer that is not an ICMP quote (scan guarantees one when ipN > 0). */
function lastIp(s: FrameScan): number {
  let last = -1;
  for (let i = 0; i < s.ipN && !s.ipQuoted[i]; i++) last = i;
  return last;
}

function pduNote(s: FrameScan, ctx: DissectContext | undefined): PduNote | undefined {
  return ctx?.number === undefined || s.l4 !== 6 ? undefined : ctx.pdu?.get(ctx.number);
}

function tree(bytes: Uint8Array, ctx: DissectContext | undefined): Tree {
  const s = scanFrame(bytes, new FrameScan());
  const b = s.b;
  const layers: Layer[] = [];
  const problems: string[] = [];
  let reassembled: Uint8Array | undefined;
  if (ctx?.frame) layers.push(frameLayer(b, ctx.frame));
  if (s.ethType < 0) {
    if (s.len > 0) layers.push(dataLayer(b, 0, s.len));
    problems.push(`Malformed Packet: ${s.malformed}`);
    return { layers, problems };
  }
  layers.push(ethLayer(s));
  if (s.arp >= 0) {
    layers.push(arpLayer(s));
  } else if (s.ethType === 0x0800 && s.ipN > 0) {
    const last = lastIp(s);
    for (let i = 0; i <= last; i++) layers.push(ipLayer(s, i, problems));
    const dst = fmtIp(ip4(b, s.ipOff[last] + 16));
    if (s.l4 === 6) layers.push(tcpLayer(s, last, ctx, problems));
    else if (s.l4 === 17) layers.push(udpLayer(s, last, problems));
    else if (s.l4 === 1) layers.push(icmpLayer(s, last, ctx, problems));
    else if (s.l4 === 112) layers.push(vrrpLayer(s, problems));
    const note = pduNote(s, ctx);
    let appStart = s.appOff;
    if (note && s.app !== APP_DATA && s.appEnd > s.appOff) {
      const extra: Field[] = [];
      const pdu: Layer[] = [];
      if (note.segment) {
        if (note.reassembledIn !== undefined) extra.push(fld('tcp.reassembled_in', `[Reassembled PDU in frame: ${note.reassembledIn}]`, note.reassembledIn, s.appOff, s.appOff));
        extra.push(fld('tcp.segment_data', `TCP segment data (${s.appEnd - s.appOff} bytes)`, toHex(b, s.appOff, s.appEnd), s.appOff, s.appEnd));
        appStart = s.appEnd;
      } else if (note.parts && ctx?.frameBytes) {
        const r = reassemble(note.parts, ctx.number!, b, ctx.frameBytes);
        if (r) {
          const mine = note.parts[note.parts.length - 1];
          extra.push(fld('tcp.segment_data', `TCP segment data (${mine.end - mine.start} bytes)`, toHex(b, mine.start, mine.end), mine.start, mine.end));
          appStart = mine.end;
          reassembled = r.buf;
          pdu.push(r.layer);
          if (s.app === APP_HTTP) pdu.push(...httpLayers(r.buf, 0, r.buf.length, dst).map(markReassembled));
          else pdu.push(markReassembled(tlsLayer(s, last, ctx, r.buf, 0, r.buf.length).layer));
        }
      }
      if (extra.length) {
        const ti = layers.length - 1;
        layers[ti] = { ...layers[ti], fields: [...layers[ti].fields, ...extra] };
      }
      layers.push(...pdu);
    }
    if (appStart < s.appEnd && s.app === APP_HTTP) layers.push(...httpLayers(b, appStart, s.appEnd, dst));
    else if (appStart < s.appEnd && s.app === APP_TLS) layers.push(tlsLayer(s, last, ctx, b, appStart, s.appEnd).layer);
  }
  // ICMP shows its data inside its own tree, as Wireshark does.
  if (s.app === APP_DATA && s.appEnd > s.appOff && s.l4 !== 1) layers.push(dataLayer(b, s.appOff, s.appEnd));
  if (s.malformed) problems.push(`Malformed Packet: ${s.malformed}`);
  return { layers, problems, ...(reassembled ? { reassembled } : {}) };
}

/** The columns, from the scan alone: no tree is built (summarize runs over whole captures). */
function columns(bytes: Uint8Array, ctx: DissectContext | undefined): Summary {
  const s = scanFrame(bytes, scratch);
  const b = s.b;
  const length = bytes.length;
  if (s.ethType < 0) return { src: '', dst: '', protocol: 'Malformed', length, info: '[Malformed Packet]' };
  const resolve = ctx?.resolveMac !== false;
  const macCol = (m: number) => (resolve ? macName(m) : fmtMac(m));
  if (s.arp >= 0) return { src: macCol(mac6(b, 6)), dst: macCol(mac6(b, 0)), protocol: 'ARP', length, info: arpKind(b, s.arp).info };
  if (s.ethType !== 0x0800 || s.ipN === 0) {
    const is8023 = s.ethType <= 1500 && s.ethType !== 0; // Wireshark reads type 0 as Ethernet II
    return {
      src: macCol(mac6(b, 6)), dst: macCol(mac6(b, 0)), length,
      protocol: s.ethType === 0x0806 ? 'ARP' : is8023 ? 'LLC' : `0x${hex4(s.ethType)}`,
      info: s.ethType === 0x0806 ? '[Malformed Packet]' : is8023 ? `IEEE 802.3, length ${s.ethType}` : 'Ethernet II',
    };
  }
  const last = lastIp(s);
  const io = s.ipOff[last];
  const src = fmtIp(ip4(b, io + 12)), dst = fmtIp(ip4(b, io + 16));
  const fo = get16(b, io + 6), proto = b[io + 9];
  let protocol = 'IPv4';
  let info: string;
  let tcp = '';
  if (fo & 0x3fff) {
    info = `Fragmented IP protocol (proto=${ipProtoName(proto)} ${proto}, off=${(fo & 0x1fff) * 8}, ID=${hex4(get16(b, io + 4))})`;
  } else if (s.l4 === 6) {
    protocol = 'TCP';
    info = tcp = tcpInfo(s, last, ctx);
  } else if (s.l4 === 17) {
    protocol = 'UDP';
    info = `${get16(b, s.l4Off)} → ${get16(b, s.l4Off + 2)} Len=${Math.max(0, get16(b, s.l4Off + 4) - 8)}`;
  } else if (s.l4 === 1) {
    protocol = 'ICMP';
    info = icmpInfo(s, last, ctx);
  } else if (s.l4 === 112) {
    protocol = 'VRRP';
    info = `Announcement (v${b[s.l4Off] >> 4})`;
  } else {
    info = `${ipProtoName(proto)} (${proto})`;
  }
  const note = pduNote(s, ctx);
  if (note?.segment) return { src, dst, protocol: 'TCP', length, info: `${tcp} [TCP segment of a reassembled PDU]` };
  if (note && note.protocol !== undefined) return { src, dst, protocol: note.protocol, length, info: note.info ?? info };
  if (s.appEnd > s.appOff && s.app === APP_HTTP) {
    protocol = 'HTTP';
    info = httpInfo(b, s.appOff, s.appEnd);
  } else if (s.appEnd > s.appOff && s.app === APP_TLS) {
    const t = tlsLayer(s, last, ctx);
    if (t.segmentOnly) info += ' [TCP segment of a reassembled PDU]';
    else { protocol = t.protocol; info = t.info; }
  }
  return { src, dst, protocol, length, info };
}

/** The protocol tree of one frame. Never throws. */
export function dissect(bytes: Uint8Array, ctx?: DissectContext): Dissection {
  try {
    const t = tree(bytes, ctx);
    return { layers: t.layers, length: bytes.length, problems: t.problems, ...(t.reassembled ? { reassembled: t.reassembled } : {}) };
  } catch (e) {
    // Defensive: the walk checks every length, but a capture pane must never crash.
    return { layers: [dataLayer(bytes, 0, bytes.length)], length: bytes.length, problems: [`Dissector bug: ${String(e)}`] };
  }
}

/** The packet-list columns of one frame (Source, Destination, Protocol, Length, Info). Never throws. */
export function summarize(bytes: Uint8Array, ctx?: DissectContext): Summary {
  try {
    return columns(bytes, ctx);
  } catch (e) {
    return { src: '', dst: '', protocol: 'Malformed', length: bytes.length, info: `[Dissector bug: ${String(e)}]` };
  }
}

/**
 * Conversation state, learnt by observing frames in capture order (Wireshark's first pass):
 * base sequence numbers, window scaling, TLS 1.3 connections and ICMP echo pairs. Then
 * `tracker.context(no)` is the `DissectContext` for frame `no`.
 *
 * Base sequence numbers follow Wireshark's tcp dissector: a SYN sets its direction's base to
 * its ISN; a direction first seen without a SYN gets seq − 1, and a first ACK from the other
 * side sets that side's base to ack − 1 (so a capture that starts mid-stream counts from 1).
 */
export class StreamTracker implements DissectContext {
  readonly isn = new Map<string, number>();
  readonly tlsVersion = new Map<string, number>();
  readonly wscale = new Map<string, number>();
  readonly icmpPeer = new Map<number, { peer: number; reply: boolean }>();
  readonly pdu = new Map<number, PduNote>();
  private readonly synShift = new Map<string, number>();
  private readonly echoReq = new Map<string, number>();
  private readonly pending = new Map<string, Pending>();
  private readonly s = new FrameScan();
  private count = 0;

  /** Learns from frame `no` (default: one more than the last observed). */
  observe(bytes: Uint8Array, no: number = this.count + 1): void {
    this.count = no;
    const s = scanFrame(bytes, this.s);
    const ii = s.innerIp;
    if (ii < 0) return;
    const b = s.b, o = s.l4Off, io = s.ipOff[ii];
    if (s.l4 === 1) {
      const t = b[o];
      if (t !== 0 && t !== 8) return;
      const src = fmtIp(ip4(b, io + 12)), dst = fmtIp(ip4(b, io + 16));
      const id = get16(b, o + 4), sq = get16(b, o + 6);
      if (t === 8) {
        this.echoReq.set(`${src}>${dst}/${id}/${sq}`, no);
        this.icmpPeer.set(no, { peer: 0, reply: false });
      } else {
        const req = this.echoReq.get(`${dst}>${src}/${id}/${sq}`);
        if (req !== undefined) {
          this.icmpPeer.set(no, { peer: req, reply: true });
          if (this.icmpPeer.get(req)?.peer === 0) this.icmpPeer.set(req, { peer: no, reply: false });
        }
      }
      return;
    }
    if (s.l4 !== 6) return;
    const [fwd, rev] = tcpKey(b, io, o);
    const flags = b[o + 13], seq = get32(b, o + 4), ack = get32(b, o + 8);
    if (flags & 2) {
      this.isn.set(fwd, seq);
      this.pending.delete(fwd);
      let shift = -1;
      for (let p = o + 20; p < o + s.l4Hl;) {
        const k = b[p];
        if (k === 0) break;
        if (k === 1) { p++; continue; }
        const l = b[p + 1];
        if (l < 2 || p + l > o + s.l4Hl) break;
        if (k === 3 && l === 3) shift = Math.min(b[p + 2], 14);
        p += l;
      }
      if (!(flags & 0x10)) {
        this.synShift.set(fwd, shift);
        this.wscale.delete(fwd);
        this.wscale.delete(rev);
      } else {
        const peer = this.synShift.get(rev);
        const both = peer !== undefined && peer >= 0 && shift >= 0;
        this.wscale.set(fwd, both ? shift : 0);
        this.wscale.set(rev, both ? peer : 0);
      }
    } else if (!this.isn.has(fwd)) {
      this.isn.set(fwd, (seq - 1) >>> 0);
    }
    if (flags & 0x10 && !this.isn.has(rev)) this.isn.set(rev, (ack - 1) >>> 0);
    if (s.appEnd > s.appOff && (s.app === APP_TLS || s.app === APP_HTTP)) {
      const conn = tcpConnKey(ip4(b, io + 12), get16(b, o), ip4(b, io + 16), get16(b, o + 2));
      this.reassemble(s, fwd, conn, seq, no);
    }
  }

  /** Follows HTTP messages and TLS records across the segments of one direction. */
  private reassemble(s: FrameScan, dir: string, conn: string, seq: number, no: number): void {
    const b = s.b, as = s.appOff, ae = s.appEnd, n = ae - as;
    const p = this.pending.get(dir);
    let start = as;
    const names: string[] = [];
    if (p) {
      if (seq !== p.nextSeq) return; // a retransmission or a gap: leave the PDU waiting
      const take = Math.min(n, p.remaining);
      p.frames.push(no);
      p.parts.push({ frame: no, start: as, end: as + take });
      p.nextSeq = (seq + n) >>> 0;
      p.remaining -= take;
      if (p.buf) { p.buf.set(b.subarray(as, as + take), p.have); p.have += take; }
      if (p.remaining > 0) { this.pdu.set(no, { segment: true }); return; }
      this.pending.delete(dir);
      for (const f of p.frames.slice(0, -1)) this.pdu.set(f, { ...(this.pdu.get(f) ?? { segment: true }), reassembledIn: no });
      if (p.kind === 'http') {
        this.pdu.set(no, { protocol: 'HTTP', info: p.info, parts: p.parts });
        return;
      }
      for (const r of scanTlsRecords(p.buf!, 0, p.buf!.length)) {
        names.push(...r.names);
        if (r.serverVersion !== undefined) this.tlsVersion.set(conn, r.serverVersion);
      }
      start = as + take;
    }
    if (s.app === APP_HTTP) {
      if (p) return;
      // A message whose head is here but whose body (Content-Length) goes on.
      let he = -1;
      for (let i = as + 3; i < ae; i++) if (b[i] === 10 && b[i - 1] === 13 && b[i - 2] === 10 && b[i - 3] === 13) { he = i + 1; break; }
      if (he < 0) return;
      let head = '';
      for (let i = as; i < he; i++) head += String.fromCharCode(b[i]);
      const cl = /\r\ncontent-length:\s*(\d+)\r\n/i.exec(head);
      if (!cl) return;
      const missing = Number(cl[1]) - (ae - he);
      if (missing <= 0) return;
      const first = head.slice(0, head.indexOf('\r\n'));
      const ct = /\r\ncontent-type:\s*([^;\r]*)/i.exec(head);
      const info = first.startsWith('HTTP/') ? `${first} ${ct ? ` (${ct[1].trim()})` : ''}` : `${first} `;
      this.pending.set(dir, { kind: 'http', nextSeq: (seq + n) >>> 0, remaining: missing, frames: [no], parts: [{ frame: no, start: as, end: ae }], info, have: 0 });
      this.pdu.set(no, { segment: true });
      return;
    }
    const recs = scanTlsRecords(b, start, ae);
    for (const r of recs) {
      if (r.complete) names.push(...r.names);
      if (r.complete && r.serverVersion !== undefined) this.tlsVersion.set(conn, r.serverVersion);
    }
    const tail = recs.length > 0 ? recs[recs.length - 1] : undefined;
    if (tail && !tail.complete) {
      const total = 5 + tail.length, have = ae - tail.offset;
      const buf = new Uint8Array(total);
      buf.set(b.subarray(tail.offset, ae));
      this.pending.set(dir, { kind: 'tls', nextSeq: (seq + n) >>> 0, remaining: total - have, frames: [no], parts: [{ frame: no, start: tail.offset, end: ae }], info: '', buf, have });
    }
    if (p || (tail && !tail.complete)) {
      const v = this.tlsVersion.get(conn);
      const parts = p ? { parts: p.parts } : {};
      if (names.length) this.pdu.set(no, { protocol: v !== undefined ? tlsVersionName(v) : tlsVersionName(recs[0]?.version ?? 0x0303), info: names.join(', '), ...parts });
      else this.pdu.set(no, { segment: true });
    }
  }

  /** The context for dissecting frame `no`. */
  context(no: number): DissectContext {
    return { isn: this.isn, tlsVersion: this.tlsVersion, wscale: this.wscale, icmpPeer: this.icmpPeer, pdu: this.pdu, number: no };
  }

  clear(): void {
    for (const m of [this.isn, this.tlsVersion, this.wscale, this.icmpPeer, this.pdu, this.synShift, this.echoReq, this.pending]) m.clear();
    this.count = 0;
  }
}

interface Pending {
  kind: 'http' | 'tls';
  nextSeq: number;
  remaining: number;
  frames: number[];
  parts: PduPart[];
  info: string;
  buf?: Uint8Array;
  have: number;
}

/** Every field in a dissection, depth first (for search and for filters on rare fields). */
export function* allFields(d: Dissection): IterableIterator<Field> {
  const stack: Field[] = [];
  for (let i = d.layers.length - 1; i >= 0; i--) for (let j = d.layers[i].fields.length - 1; j >= 0; j--) stack.push(d.layers[i].fields[j]);
  while (stack.length) {
    const f = stack.pop()!;
    yield f;
    if (f.children) for (let j = f.children.length - 1; j >= 0; j--) stack.push(f.children[j]);
  }
}
