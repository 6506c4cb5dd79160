/**
 * Ethernet II header (IEEE 802.3 with an EtherType ≥ 0x0600), without preamble or FCS, as a
 * capture shows it. Minimum frame size and padding are the frame's business (frame.ts).
 *
 * Not modelled: 802.1Q tags and 802.3 length frames: their payloads stay raw bytes.
 */
import * as bytesM from './bytes.ts';
import { wireError, type WireError } from './error.ts';
import type { MacAddr } from './types.ts';

// Bound once rather than read through the import at each use: see "Imports on the hot path" in bytes.ts.
const { get16, getMac, put16, putMac } = bytesM;

export const ETHERNET_FIELD = {
  DST: [0, 6],
  SRC: [6, 12],
  ETHERTYPE: [12, 14],
  PAYLOAD: 14,
} as const;
export const ETHERNET_HEADER_LEN = 14;
/** Without FCS: 64 on the wire minus the 4-byte FCS a capture does not show. */
export const ETHERNET_MIN_FRAME = 60;

export class EthernetView {
  private constructor(readonly buf: Uint8Array, readonly off: number, readonly len: number) {}

  /** A view over `buf[off, off+len)`, or an error when it cannot hold the header. */
  static check(buf: Uint8Array, off = 0, len = buf.length - off): EthernetView | WireError {
    if (off < 0 || len < 0 || off + len > buf.length) return wireError('eth', 'truncated', 'view outside buffer');
    if (len < ETHERNET_HEADER_LEN) return wireError('eth', 'truncated', `${len} bytes, header needs 14`);
    return new EthernetView(buf, off, len);
  }
  /** For emitting into a buffer the caller sized: no length check. */
  static unchecked(buf: Uint8Array, off = 0, len = buf.length - off): EthernetView {
    return new EthernetView(buf, off, len);
  }

  get dst(): MacAddr { return getMac(this.buf, this.off + ETHERNET_FIELD.DST[0]); }
  set dst(v: MacAddr) { putMac(this.buf, this.off + ETHERNET_FIELD.DST[0], v); }
  get src(): MacAddr { return getMac(this.buf, this.off + ETHERNET_FIELD.SRC[0]); }
  set src(v: MacAddr) { putMac(this.buf, this.off + ETHERNET_FIELD.SRC[0], v); }
  get ethertype(): number { return get16(this.buf, this.off + ETHERNET_FIELD.ETHERTYPE[0]); }
  set ethertype(v: number) { put16(this.buf, this.off + ETHERNET_FIELD.ETHERTYPE[0], v); }
  get payloadOffset(): number { return this.off + ETHERNET_FIELD.PAYLOAD; }
  get payload(): Uint8Array { return this.buf.subarray(this.off + ETHERNET_FIELD.PAYLOAD, this.off + this.len); }
}

/** Writes the 14-byte header at `off`; the payload is the caller's. Returns 14. */
export function emitEthernetHeader(src: number, dst: number, ethertype: number, buf: Uint8Array, off: number): number {
  putMac(buf, off, dst);
  putMac(buf, off + 6, src);
  put16(buf, off + 12, ethertype);
  return ETHERNET_HEADER_LEN;
}
