import { describe, expect, it } from 'vitest';
import { isWireError } from './error.ts';
import { emitUdp, parseUdp, UdpView } from './udp.ts';
import { UDP_DGRAM } from './testdata/vectors.ts';
import { ip, type UdpRepr } from './types.ts';

// UDP_DGRAM: 192.168.1.111.49890 > 192.168.1.100.9999: UDP, length 9 (see testdata/vectors.ts)
const BYTES = UDP_DGRAM.subarray(34);
const SRC = ip('192.168.1.111');
const DST = ip('192.168.1.100');
const REPR: UdpRepr = { kind: 'udp', srcPort: 49890, dstPort: 9999, payload: new TextEncoder().encode('hello udp') };

function view(b: Uint8Array): UdpView {
  const v = UdpView.check(b);
  if (isWireError(v)) throw new Error(v.detail);
  return v;
}

describe('udp', () => {
  it('deconstructs', () => {
    const v = view(BYTES);
    expect(v.srcPort).toBe(49890);
    expect(v.dstPort).toBe(9999);
    expect(v.length).toBe(17);
    expect(v.checksum).toBe(0x685f);
    expect(new TextDecoder().decode(v.payload)).toBe('hello udp');
    expect(v.verifyChecksum(SRC, DST)).toBe(true);
  });

  it('constructs', () => {
    const b = new Uint8Array(17);
    b.set(REPR.payload, 8);
    const v = UdpView.unchecked(b);
    v.srcPort = 49890; v.dstPort = 9999; v.length = 17;
    v.fillChecksum(SRC, DST);
    expect(b).toEqual(BYTES);
  });

  it('parses', () => {
    expect(parseUdp(view(BYTES), SRC, DST)).toEqual(REPR);
  });

  it('emits', () => {
    const b = new Uint8Array(17);
    expect(emitUdp(REPR, b, 0, SRC, DST)).toBe(17);
    expect(b).toEqual(BYTES);
  });

  it('treats checksum 0 as absent and sends a computed 0 as 0xffff', () => {
    const b = BYTES.slice();
    b[6] = 0; b[7] = 0;
    expect(parseUdp(view(b), SRC, DST, { verifyChecksums: true })).toEqual(REPR);
    // Find a payload whose checksum computes to 0: adjust two bytes to cancel the sum.
    const r: UdpRepr = { kind: 'udp', srcPort: 0, dstPort: 0, payload: new Uint8Array(2) };
    const out = new Uint8Array(10);
    emitUdp(r, out, 0, 0, 0);
    const sum = (out[6] << 8) | out[7];
    const fixed: UdpRepr = { ...r, payload: Uint8Array.of(sum >> 8, sum & 255) };
    emitUdp(fixed, out, 0, 0, 0);
    expect((out[6] << 8) | out[7]).toBe(0xffff);
    expect(view(out).verifyChecksum(0, 0)).toBe(true);
  });

  it('rejects a length field that does not fit', () => {
    const b = BYTES.slice();
    b[5] = 7;
    expect(UdpView.check(b)).toMatchObject({ kind: 'error', reason: 'malformed' });
    b[5] = 18;
    expect(UdpView.check(b)).toMatchObject({ kind: 'error', reason: 'truncated' });
  });
});
