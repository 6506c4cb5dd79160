/**
 * One cheap pass over a frame's bytes that finds where each layer starts and ends, without
 * building anything: the shared first step of `dissect` (the tree), `summarize` (the packet
 * list columns) and display filters (which must get through 100,000 frames quickly, so a
 * `FrameScan` can be reused: `scanFrame(bytes, scan)` resets it and allocates nothing).
 *
 * Every offset recorded is inside the buffer, so later readers need no bounds checks of
 * their own beyond the recorded ends. Anything that does not decode ends the walk with the
 * rest as `data` and a reason in `malformed`.
 *
 * The datagram quoted in an ICMP error is scanned too (as Wireshark dissects it): its IP
 * header is an IP layer marked `quoted`, and its transport header, often cut to 8 bytes, is
 * recorded in the `q*` fields. Display filters see these fields, as Wireshark's do.
 */
import * as bytesM from './bytes.ts';
import * as httpM from './http.ts';
import * as namesM from './names.ts';
import * as tlsM from './tls.ts';

// Bound once rather than read through the import at each use: see "Imports on the hot path" in bytes.ts.
const { get16 } = bytesM;
const { looksLikeHttp } = httpM;
const { isIcmpError } = namesM;
const { looksLikeTls } = tlsM;

export const APP_NONE = 0;
export const APP_DATA = 1;
export const APP_HTTP = 2;
export const APP_TLS = 3;

/** Ports Wireshark hands to its HTTP dissector by default (the ones a lab would use). */
export const HTTP_PORTS: ReadonlySet<number> = new Set([80, 8080, 8000, 8008, 8088, 3128]);
export const TLS_PORTS: ReadonlySet<number> = new Set([443, 8443, 4433]);
export const MAX_IP_LAYERS = 8;

export class FrameScan {
  b: Uint8Array = new Uint8Array(0);
  len = 0;
  /** EtherType, or -1 when there are not even 14 bytes. */
  ethType = -1;
  /** End of what the upper layers claim (frame length minus Ethernet padding). */
  ethEnd = 0;
  /** Offset of a decodable Ethernet/IPv4 ARP packet, or -1. */
  arp = -1;
  /** IPv4 headers in order: outer first; IP-in-IP adds one; an ICMP error's quote adds a `quoted` one. */
  ipN = 0;
  readonly ipOff = new Int32Array(MAX_IP_LAYERS);
  readonly ipHl = new Int32Array(MAX_IP_LAYERS);
  /** End of the datagram (total length, or the buffer's end when cut short). */
  readonly ipEnd = new Int32Array(MAX_IP_LAYERS);
  readonly ipQuoted = new Uint8Array(MAX_IP_LAYERS);
  /** The transport of the innermost unquoted datagram: 1, 6, 17, 112, or 0 for none. */
  l4 = 0;
  l4Off = 0;
  l4Hl = 0;
  l4End = 0;
  /** Transport header inside an ICMP error's quote (6/17/1, or 0), possibly truncated. */
  q4 = 0;
  q4Off = 0;
  q4End = 0;
  app = APP_NONE;
  appOff = 0;
  appEnd = 0;
  /** Why the walk stopped early ('' when everything decoded). */
  malformed = '';
  /**
   * Set by callers that know the conversation (display filters with a StreamTracker
   * context): 2 = this frame completes a PDU that began in earlier segments.
   */
  pdu = 0;

  reset(b: Uint8Array): this {
    this.b = b;
    this.len = b.length;
    this.ethType = -1;
    this.ethEnd = b.length;
    this.arp = -1;
    this.ipN = 0;
    this.l4 = 0;
    this.l4Off = this.l4Hl = this.l4End = 0;
    this.q4 = 0;
    this.q4Off = this.q4End = 0;
    this.app = APP_NONE;
    this.appOff = this.appEnd = 0;
    this.malformed = '';
    this.pdu = 0;
    return this;
  }

  /** Index of the innermost IP layer that is not a quote, or -1. */
  get innerIp(): number {
    for (let i = this.ipN - 1; i >= 0; i--) if (!this.ipQuoted[i]) return i;
    return -1;
  }
  /** Number of IP-in-IP encapsulations. */
  get ipipCount(): number {
    let n = 0;
    for (let i = 0; i < this.ipN; i++) if (!this.ipQuoted[i]) n++;
    return n > 0 ? n - 1 : 0;
  }
  ipProto(i: number): number { return this.b[this.ipOff[i] + 9]; }
  ipSrc(i: number): number { const o = this.ipOff[i] + 12; const b = this.b; return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0; }
  ipDst(i: number): number { const o = this.ipOff[i] + 16; const b = this.b; return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0; }
}

function setData(s: FrameScan, off: number, end: number): void {
  if (end > off) {
    s.app = APP_DATA;
    s.appOff = off;
    s.appEnd = end;
  }
}

/** Scans `b` into `s` (a fresh FrameScan by default). Never throws. */
export function scanFrame(b: Uint8Array, s: FrameScan = new FrameScan()): FrameScan {
  s.reset(b);
  const n = b.length;
  if (n < 14) {
    s.malformed = 'frame shorter than an Ethernet header';
    return s;
  }
  s.ethType = get16(b, 12);
  if (s.ethType === 0x0806) {
    if (n >= 42 && get16(b, 14) === 1 && get16(b, 16) === 0x0800 && b[18] === 6 && b[19] === 4) {
      s.arp = 14;
      s.ethEnd = 42;
    } else {
      s.malformed = 'ARP packet that is not Ethernet/IPv4 or is cut short';
      setData(s, 14, n);
    }
  } else if (s.ethType === 0x0800) {
    scanIpv4(s, 14, n);
    if (s.ipN > 0) s.ethEnd = s.ipEnd[0];
  } else {
    setData(s, 14, n);
  }
  return s;
}

/** Checks an IPv4 header at `off` (with `end` the limit); records it and returns its index, or -1. */
function addIp(s: FrameScan, off: number, end: number, quoted: boolean): number {
  const b = s.b;
  if (s.ipN >= MAX_IP_LAYERS) { s.malformed = 'too many nested IP headers'; return -1; }
  if (end - off < 20) { s.malformed = 'IPv4 header cut short'; return -1; }
  if (b[off] >> 4 !== 4) { s.malformed = `IP version ${b[off] >> 4}`; return -1; }
  const hl = (b[off] & 15) * 4;
  if (hl < 20) { s.malformed = `IPv4 header length ${hl} < 20`; return -1; }
  if (off + hl > end) { s.malformed = 'IPv4 options cut short'; return -1; }
  const tl = get16(b, off + 2);
  if (tl < hl && !quoted) { s.malformed = `IPv4 total length ${tl} < header length ${hl}`; return -1; }
  const i = s.ipN++;
  s.ipOff[i] = off;
  s.ipHl[i] = hl;
  // A quote is usually cut; a datagram longer than the frame is cut by the capture.
  s.ipEnd[i] = Math.max(off + hl, Math.min(off + tl, end));
  if (off + tl > end && !quoted) s.malformed = `IPv4 total length ${tl} exceeds the ${end - off} bytes captured`;
  s.ipQuoted[i] = quoted ? 1 : 0;
  return i;
}

function scanIpv4(s: FrameScan, off: number, end: number): void {
  const b = s.b;
  const i = addIp(s, off, end, false);
  if (i < 0) { setData(s, off, end); return; }
  const ps = off + s.ipHl[i], pe = s.ipEnd[i];
  const fo = get16(b, off + 6);
  if (fo & 0x3fff) { setData(s, ps, pe); return; } // a fragment: payload not decodable alone
  const proto = b[off + 9];
  const avail = pe - ps;
  switch (proto) {
    case 4:
      scanIpv4(s, ps, pe);
      return;
    case 6: {
      if (avail < 20) { s.malformed = 'TCP header cut short'; setData(s, ps, pe); return; }
      const hl = (b[ps + 12] >> 4) * 4;
      if (hl < 20 || hl > avail) { s.malformed = `bogus TCP header length ${hl}`; setData(s, ps, pe); return; }
      s.l4 = 6; s.l4Off = ps; s.l4Hl = hl; s.l4End = pe;
      const as = ps + hl;
      if (as < pe) {
        const sp = get16(b, ps), dp = get16(b, ps + 2);
        // Ports first, as Wireshark's dissector table; then heuristics for the lab's odd ports
        // (a service on 8081 still shows as HTTP; a TLS handshake on any port shows as TLS).
        if (HTTP_PORTS.has(sp) || HTTP_PORTS.has(dp)) s.app = APP_HTTP;
        else if (TLS_PORTS.has(sp) || TLS_PORTS.has(dp)) s.app = APP_TLS;
        else if (b[as] === 22 && looksLikeTls(b, as, pe)) s.app = APP_TLS;
        else if (looksLikeHttp(b, as, pe) !== null) s.app = APP_HTTP;
        else s.app = APP_DATA;
        s.appOff = as; s.appEnd = pe;
      }
      return;
    }
    case 17: {
      if (avail < 8) { s.malformed = 'UDP header cut short'; setData(s, ps, pe); return; }
      const ul = get16(b, ps + 4);
      if (ul < 8) { s.malformed = `bogus UDP length ${ul}`; setData(s, ps, pe); return; }
      const ue = Math.min(ps + ul, pe);
      if (ps + ul > pe) s.malformed = `UDP length ${ul} exceeds the datagram`;
      s.l4 = 17; s.l4Off = ps; s.l4Hl = 8; s.l4End = ue;
      setData(s, ps + 8, ue);
      return;
    }
    case 1: {
      if (avail < 8) { s.malformed = 'ICMP header cut short'; setData(s, ps, pe); return; }
      s.l4 = 1; s.l4Off = ps; s.l4Hl = 8; s.l4End = pe;
      if (isIcmpError(b[ps])) {
        const q = ps + 8;
        const qi = pe - q >= 20 && b[q] >> 4 === 4 ? addIp(s, q, pe, true) : -1;
        if (qi < 0) { s.malformed = ''; setData(s, q, pe); return; }
        const qs = q + s.ipHl[qi], qe = s.ipEnd[qi];
        const qp = b[q + 9];
        if ((qp === 6 || qp === 17) && qe - qs >= 4) { s.q4 = qp; s.q4Off = qs; s.q4End = qe; }
        else if (qp === 1 && qe - qs >= 8) { s.q4 = 1; s.q4Off = qs; s.q4End = qe; }
      } else {
        setData(s, ps + 8, pe);
      }
      return;
    }
    case 112: {
      if (avail < 8 || avail < 16 + 4 * b[ps + 3]) { s.malformed = 'VRRP message cut short'; setData(s, ps, pe); return; }
      s.l4 = 112; s.l4Off = ps; s.l4Hl = avail; s.l4End = pe;
      return;
    }
    default:
      setData(s, ps, pe);
  }
}
