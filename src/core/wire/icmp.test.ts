import { describe, expect, it } from 'vitest';
import { isWireError } from './error.ts';
import { emitFrame, parseFrame } from './frame.ts';
import { echoIdent, echoRest, echoSeq, emitIcmp, IcmpView, parseIcmp } from './icmp.ts';
import { icmpQuote, parseIcmpQuote } from './quote.ts';
import { ICMP_ECHO_REQUEST, ICMP_PORT_UNREACH, UDP_DGRAM } from './testdata/vectors.ts';
import { IcmpType, IcmpUnreach, type IcmpRepr, type Ipv4Repr } from './types.ts';

// ICMP_ECHO_REQUEST: 192.168.1.111 > 192.168.1.100: ICMP echo request, id 15828, seq 1, length 64
const BYTES = ICMP_ECHO_REQUEST.subarray(34);
const REPR: IcmpRepr = { kind: 'icmp', type: 8, code: 0, rest: echoRest(0x3dd4, 1), payload: BYTES.slice(8) };

function view(b: Uint8Array): IcmpView {
  const v = IcmpView.check(b);
  if (isWireError(v)) throw new Error(v.detail);
  return v;
}

describe('icmp', () => {
  it('deconstructs', () => {
    const v = view(BYTES);
    expect(v.type).toBe(IcmpType.EchoRequest);
    expect(v.code).toBe(0);
    expect(v.ident).toBe(0x3dd4);
    expect(v.seq).toBe(1);
    expect(v.payload.length).toBe(56);
    expect(v.verifyChecksum()).toBe(true);
  });

  it('constructs', () => {
    const b = new Uint8Array(64);
    b.set(BYTES.subarray(8), 8);
    const v = IcmpView.unchecked(b);
    v.type = 8; v.code = 0; v.ident = 0x3dd4; v.seq = 1;
    v.fillChecksum();
    expect(b).toEqual(BYTES);
  });

  it('parses', () => {
    const r = parseIcmp(view(BYTES));
    expect(r).toEqual(REPR);
    expect(echoIdent(REPR)).toBe(0x3dd4);
    expect(echoSeq(REPR)).toBe(1);
  });

  it('emits', () => {
    const b = new Uint8Array(64);
    expect(emitIcmp(REPR, b, 0)).toBe(64);
    expect(b).toEqual(BYTES);
  });

  it('quotes the whole offending datagram as Linux does (port unreachable)', () => {
    // ICMP_PORT_UNREACH answers UDP_DGRAM: 192.168.1.100 > 192.168.1.111: ICMP udp port 9999 unreachable
    const err = parseFrame(ICMP_PORT_UNREACH);
    const ip = err.payload as Ipv4Repr;
    expect(ip).toMatchObject({ tos: 0xc0, df: false, ttl: 64, payload: { kind: 'icmp', type: 3, code: IcmpUnreach.Port, rest: 0 } });
    const offending = parseFrame(UDP_DGRAM).payload as Ipv4Repr;
    expect(icmpQuote(offending)).toEqual(UDP_DGRAM.subarray(14));
    expect((ip.payload as IcmpRepr).payload).toEqual(icmpQuote(offending));
    expect(parseIcmpQuote((ip.payload as IcmpRepr).payload)).toEqual(offending);
    expect(emitFrame(err)).toEqual(ICMP_PORT_UNREACH.length < 60 ? (() => { const p = new Uint8Array(60); p.set(ICMP_PORT_UNREACH); return p; })() : ICMP_PORT_UNREACH);
  });

  it('reads a quote cut to header + 8 bytes (RFC 792) for the ports', () => {
    const offending = parseFrame(UDP_DGRAM).payload as Ipv4Repr;
    const q = icmpQuote(offending, 28);
    expect(q.length).toBe(28);
    expect(parseIcmpQuote(q)).toEqual({ ...offending, payload: { kind: 'udp', srcPort: 49890, dstPort: 9999, payload: new Uint8Array(0) } });
    expect(parseIcmpQuote(q.subarray(0, 19))).toBeNull();
  });
});
