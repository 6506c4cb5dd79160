/**
 * Whole Ethernet frames: Repr → bytes for the wire and the capture log, bytes → Repr for
 * anything read back (a pcapng file, a test vector).
 *
 * `emitFrameInto` is the hot path: the simulator calls it for every frame it logs, straight
 * into the capture arena. It allocates nothing, walks the Repr once (each layer writes its
 * payload first and then its header, so lengths and checksums are known when needed), pads
 * to the 60-byte Ethernet minimum with zeros (the FCS is not shown, as in a capture), and
 * fills every checksum.
 *
 * `parseFrame` never throws and never reads outside the buffer: a layer that does not decode
 * (unknown EtherType or protocol, truncated or inconsistent header, and with
 * `verifyChecksums` a bad checksum) becomes a RawRepr holding that layer's bytes, so
 * `parseFrame(emitFrame(r))` deep-equals r for every valid Repr. Valid means canonical (see
 * ipv4.ts and tcp.ts) and, for a RawRepr straight under Ethernet, at least 46 bytes long: a
 * shorter one comes back with its padding, since nothing in the frame says where it ended.
 * Decoded payload bytes are copies, so a Repr outlives the buffer (the capture arena is a
 * ring that gets overwritten).
 */
import * as bytesM from './bytes.ts';
import * as arpM from './arp.ts';
import { isWireError, type ParseOptions } from './error.ts';
import * as ethernetM from './ethernet.ts';
import * as ipv4M from './ipv4.ts';
import * as typesM from './types.ts';
import type { EthPayload, EthernetRepr, MacAddr } from './types.ts';

// Bound once rather than read through the import at each use: see "Imports on the hot path" in bytes.ts.
const { copyBytes, copyInto } = bytesM;
const { ArpView, emitArp, parseArp, ARP_LEN } = arpM;
const { emitEthernetHeader, ETHERNET_HEADER_LEN, ETHERNET_MIN_FRAME, EthernetView } = ethernetM;
const { emitIpv4, ipv4BufferLen, Ipv4View, parseIpv4 } = ipv4M;
const { EMPTY, EtherType } = typesM;

export function ethPayloadBufferLen(p: EthPayload): number {
  switch (p.kind) {
    case 'arp': return ARP_LEN;
    case 'ipv4': return ipv4BufferLen(p);
    case 'raw': return p.bytes.length;
  }
}

/** Bytes `emitFrame` produces: header + payload, at least 60. */
export function frameLen(r: EthernetRepr): number {
  const n = ETHERNET_HEADER_LEN + ethPayloadBufferLen(r.payload);
  return n < ETHERNET_MIN_FRAME ? ETHERNET_MIN_FRAME : n;
}

/**
 * Encodes `r` into `buf` at `off` and returns the bytes written (`frameLen(r)`). The caller
 * sizes the buffer (normally with `frameLen`); throws RangeError when it is too small (bytes
 * that fit may have been written by then).
 */
export function emitFrameInto(r: EthernetRepr, buf: Uint8Array, off: number): number {
  const p = r.payload;
  const po = off + ETHERNET_HEADER_LEN;
  let n: number;
  if (off < 0) throw new RangeError(`negative offset ${off}`);
  switch (p.kind) {
    case 'ipv4': n = emitIpv4(p, buf, po); break;
    case 'arp': n = emitArp(p, buf, po); break;
    case 'raw': copyInto(buf, po, p.bytes); n = p.bytes.length; break;
  }
  emitEthernetHeader(r.src, r.dst, r.ethertype, buf, off);
  n += ETHERNET_HEADER_LEN;
  if (n < ETHERNET_MIN_FRAME) {
    for (let i = off + n; i < off + ETHERNET_MIN_FRAME; i++) buf[i] = 0;
    n = ETHERNET_MIN_FRAME;
  }
  // Typed arrays ignore writes past their end, so checking once afterwards is enough (and
  // costs nothing up front); `set` for long payloads throws the same RangeError itself.
  if (off + n > buf.length) throw new RangeError(`frame of ${n} bytes does not fit at ${off} in ${buf.length}`);
  return n;
}

/** Encodes `r` into a new array of exactly `frameLen(r)` bytes. */
export function emitFrame(r: EthernetRepr): Uint8Array {
  const out = new Uint8Array(frameLen(r));
  emitFrameInto(r, out, 0);
  return out;
}

function raw(b: Uint8Array, start: number, end: number): EthPayload {
  return { kind: 'raw', bytes: start >= end ? EMPTY : copyBytes(b, start, end) };
}

/** Decodes a frame. Never throws; see the module comment. */
export function parseFrame(bytes: Uint8Array, opts?: ParseOptions): EthernetRepr {
  const v = EthernetView.check(bytes);
  if (isWireError(v)) {
    // Not even a header: keep whatever there is as the payload of a zero header.
    return { src: 0 as MacAddr, dst: 0 as MacAddr, ethertype: 0, payload: raw(bytes, 0, bytes.length) };
  }
  return { src: v.src, dst: v.dst, ethertype: v.ethertype, payload: parseEthPayload(v, opts) };
}

function parseEthPayload(v: ethernetM.EthernetView, opts?: ParseOptions): EthPayload {
  const b = v.buf, s = v.payloadOffset, e = v.off + v.len;
  switch (v.ethertype) {
    case EtherType.IPv4: {
      const ipv = Ipv4View.check(b, s, e - s);
      if (isWireError(ipv)) return raw(b, s, e);
      const r = parseIpv4(ipv, opts);
      return isWireError(r) ? raw(b, s, e) : r;
    }
    case EtherType.ARP: {
      const av = ArpView.check(b, s, e - s);
      if (isWireError(av)) return raw(b, s, e);
      const r = parseArp(av);
      return isWireError(r) ? raw(b, s, e) : r;
    }
    default:
      return raw(b, s, e);
  }
}
