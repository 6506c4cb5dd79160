/**
 * The words Wireshark uses for numbers on the wire: MAC vendor prefixes, EtherTypes, IP
 * protocols, ICMP types and codes, TCP flags. Kept to what the lab can send, plus common
 * neighbours; unknown values print as Wireshark prints them (or `Unknown (0x88b5)`).
 */
import * as bytesM from './bytes.ts';
import * as typesM from './types.ts';

// Bound once rather than read through the import at each use: see "Imports on the hot path" in bytes.ts.
const { hex2 } = bytesM;
const { fmtMac } = typesM;

/** OUI → Wireshark's short vendor name (from its `manuf` file). */
const OUI: Readonly<Record<number, string>> = {
  0x000c29: 'VMware', 0x005056: 'VMware', 0x000569: 'VMware', 0x001c14: 'VMware',
  0x525400: 'RealtekU', 0x080027: 'PcsCompu', 0x00155d: 'Microsof', 0x001b21: 'IntelCor', 0x3cfdfe: 'IntelCor',
  0x000000: '00:00:00', 0xfa163e: 'fa:16:3e',
};

/** "VMware_11:22:33", "Broadcast", "IPv4mcast_12", "IETF-VRRP-VRID_33", or the bare address. */
export function macName(mac: number): string {
  const s = fmtMac(mac);
  if (mac === 0xffffffffffff) return 'Broadcast';
  const oui = Math.floor(mac / 16777216);
  const low = mac % 16777216;
  if (oui === 0x00005e && Math.floor(low / 256) === 0x0001) return `IETF-VRRP-VRID_${hex2(low & 255)}`;
  if (oui === 0x01005e) {
    // Wireshark drops the leading zero octets of the group part: 01:00:5e:00:00:12 → IPv4mcast_12.
    const tail = s.slice(9).split(':');
    while (tail.length > 1 && tail[0] === '00') tail.shift();
    return `IPv4mcast_${tail.join(':')}`;
  }
  const v = OUI[oui];
  return v === undefined ? s : `${v}_${s.slice(9)}`;
}

/** "VMware_11:22:33 (00:0c:29:11:22:33)", as in the tree. */
export function macLabel(mac: number): string {
  return `${macName(mac)} (${fmtMac(mac)})`;
}

export const ETHERTYPE_NAMES: Readonly<Record<number, string>> = {
  0x0800: 'IPv4', 0x0806: 'ARP', 0x86dd: 'IPv6', 0x8100: '802.1Q Virtual LAN', 0x88cc: '802.1 Link Layer Discovery Protocol (LLDP)',
  0x8035: 'RARP', 0x88a8: '802.1ad Provider Bridge (Q-in-Q)', 0x8847: 'MPLS label switched packet',
};

export function etherTypeLabel(t: number): string {
  return `${ETHERTYPE_NAMES[t] ?? 'Unknown'} (0x${t.toString(16).padStart(4, '0')})`;
}

export const IP_PROTO_NAMES: Readonly<Record<number, string>> = {
  1: 'ICMP', 2: 'IGMP', 4: 'IPIP', 6: 'TCP', 17: 'UDP', 41: 'IPv6', 47: 'GRE', 50: 'ESP', 51: 'AH', 89: 'OSPF',
  103: 'PIM', 112: 'VRRP', 132: 'SCTP',
};

export function ipProtoName(p: number): string {
  return IP_PROTO_NAMES[p] ?? 'Unknown';
}

export const ICMP_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'Echo (ping) reply', 3: 'Destination unreachable', 4: 'Source quench (flow control)', 5: 'Redirect',
  8: 'Echo (ping) request', 9: 'Router advertisement', 10: 'Router solicitation', 11: 'Time-to-live exceeded',
  12: 'Parameter problem', 13: 'Timestamp request', 14: 'Timestamp reply', 15: 'Information request',
  16: 'Information reply', 17: 'Address mask request', 18: 'Address mask reply',
};

const UNREACH: readonly string[] = [
  'Network unreachable', 'Host unreachable', 'Protocol unreachable', 'Port unreachable', 'Fragmentation needed',
  'Source route failed', 'Destination network unknown', 'Destination host unknown', 'Source host isolated',
  'Network administratively prohibited', 'Host administratively prohibited', 'Network unreachable for TOS',
  'Host unreachable for TOS', 'Communication administratively filtered', 'Host precedence violation',
  'Precedence cutoff in effect',
];
const REDIRECT: readonly string[] = ['Redirect for network', 'Redirect for host', 'Redirect for TOS and network', 'Redirect for TOS and host'];
const TIME_EXCEEDED: readonly string[] = ['Time to live exceeded in transit', 'Fragment reassembly time exceeded'];
const PARAM_PROBLEM: readonly string[] = ['Pointer indicates the error', 'Required option missing', 'Bad length'];

/** The code's name for types that have named codes, else undefined. */
export function icmpCodeName(type: number, code: number): string | undefined {
  switch (type) {
    case 3: return UNREACH[code];
    case 5: return REDIRECT[code];
    case 11: return TIME_EXCEEDED[code];
    case 12: return PARAM_PROBLEM[code];
    default: return undefined;
  }
}

export function isIcmpError(type: number): boolean {
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

const FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'AE'];

/** "SYN, ACK" (Wireshark's order: low bit first), or "<None>". */
export function tcpFlagNames(flags12: number): string {
  const out: string[] = [];
  for (let i = 0; i < 9; i++) if (flags12 & (1 << i)) out.push(FLAG_NAMES[i]);
  return out.length ? out.join(', ') : '<None>';
}

/** Wireshark's "[TCP Flags: ·······AP···]": one character per bit, high bit first. */
export function tcpFlagString(flags12: number): string {
  const chars = 'RRRACEUAPRSF';
  let s = '';
  for (let i = 11; i >= 0; i--) s += flags12 & (1 << i) ? chars[11 - i] : '·';
  return s;
}

/** "0100 ...." style bit pattern of `value` under `mask`, `width` bits, grouped by 4. */
export function bitPattern(value: number, mask: number, width: number): string {
  let s = '';
  for (let i = width - 1; i >= 0; i--) {
    const bit = 2 ** i;
    s += Math.floor(mask / bit) % 2 === 1 ? (Math.floor(value / bit) % 2 === 1 ? '1' : '0') : '.';
    if (i % 4 === 0 && i > 0) s += ' ';
  }
  return s;
}

const DSCP_NAMES: Readonly<Record<number, string>> = {
  0: 'Default', 8: 'Class Selector 1', 16: 'Class Selector 2', 24: 'Class Selector 3', 32: 'Class Selector 4',
  40: 'Class Selector 5', 48: 'Class Selector 6', 56: 'Class Selector 7', 46: 'Expedited Forwarding',
  10: 'Assured Forwarding 11', 12: 'Assured Forwarding 12', 14: 'Assured Forwarding 13', 18: 'Assured Forwarding 21',
  20: 'Assured Forwarding 22', 22: 'Assured Forwarding 23', 26: 'Assured Forwarding 31', 28: 'Assured Forwarding 32',
  30: 'Assured Forwarding 33', 34: 'Assured Forwarding 41', 36: 'Assured Forwarding 42', 38: 'Assured Forwarding 43',
  1: 'Lower Effort',
};
const DSCP_SHORT: Readonly<Record<number, string>> = {
  0: 'CS0', 8: 'CS1', 16: 'CS2', 24: 'CS3', 32: 'CS4', 40: 'CS5', 48: 'CS6', 56: 'CS7', 46: 'EF', 1: 'LE',
  10: 'AF11', 12: 'AF12', 14: 'AF13', 18: 'AF21', 20: 'AF22', 22: 'AF23', 26: 'AF31', 28: 'AF32', 30: 'AF33',
  34: 'AF41', 36: 'AF42', 38: 'AF43',
};
const ECN_NAMES = ['Not ECN-Capable Transport', 'ECN-Capable Transport codepoint \'01\'', 'ECN-Capable Transport codepoint \'10\'', 'Congestion Experienced'];
const ECN_SHORT = ['Not-ECT', 'ECT(1)', 'ECT(0)', 'CE'];

export function dscpName(d: number): string { return DSCP_NAMES[d] ?? 'Unknown'; }
export function dscpShort(d: number): string { return DSCP_SHORT[d] ?? String(d); }
export function ecnName(e: number): string { return ECN_NAMES[e & 3]; }
export function ecnShort(e: number): string { return ECN_SHORT[e & 3]; }
