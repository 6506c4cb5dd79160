import { describe, expect, it } from 'vitest';
import { isWireError } from './error.ts';
import { emitFrame, parseFrame } from './frame.ts';
import { emitIpv4, ipv4BufferLen, Ipv4View, parseIpv4 } from './ipv4.ts';
import { IPIP_ICMP, TCP_SYN, UDP_DGRAM } from './testdata/vectors.ts';
import { IpProto, ip, type Ipv4Repr } from './types.ts';

// UDP_DGRAM: 192.168.1.111.49890 > 192.168.1.100.9999: UDP, length 9 (see testdata/vectors.ts)
const BYTES = UDP_DGRAM.subarray(14);
const REPR: Ipv4Repr = {
  kind: 'ipv4', tos: 0, id: 0xc4a3, df: true, ttl: 64, protocol: IpProto.UDP,
  src: ip('192.168.1.111'), dst: ip('192.168.1.100'),
  payload: { kind: 'udp', srcPort: 49890, dstPort: 9999, payload: new TextEncoder().encode('hello udp') },
};

function view(b: Uint8Array): Ipv4View {
  const v = Ipv4View.check(b);
  if (isWireError(v)) throw new Error(v.detail);
  return v;
}

describe('ipv4', () => {
  it('deconstructs', () => {
    const v = view(BYTES);
    expect(v.version).toBe(4);
    expect(v.headerLen).toBe(20);
    expect(v.tos).toBe(0);
    expect(v.totalLen).toBe(37);
    expect(v.ident).toBe(0xc4a3);
    expect(v.df).toBe(true);
    expect(v.mf).toBe(false);
    expect(v.fragOffset).toBe(0);
    expect(v.ttl).toBe(64);
    expect(v.protocol).toBe(17);
    expect(v.checksum).toBe(0xf200);
    expect(v.src).toBe(ip('192.168.1.111'));
    expect(v.dst).toBe(ip('192.168.1.100'));
    expect(v.verifyChecksum()).toBe(true);
    expect(v.payload.length).toBe(17);
  });

  it('constructs', () => {
    const b = new Uint8Array(37);
    b.set(BYTES.subarray(20), 20);
    const v = Ipv4View.unchecked(b);
    v.setVersionAndHeaderLen(20);
    v.tos = 0; v.totalLen = 37; v.ident = 0xc4a3; v.flagsAndOffset = 0x4000; v.ttl = 64; v.protocol = 17;
    v.src = ip('192.168.1.111'); v.dst = ip('192.168.1.100');
    v.fillChecksum();
    expect(b).toEqual(BYTES);
  });

  it('parses', () => {
    expect(parseIpv4(view(BYTES))).toEqual(REPR);
  });

  it('emits', () => {
    const b = new Uint8Array(ipv4BufferLen(REPR));
    expect(emitIpv4(REPR, b, 0)).toBe(37);
    expect(b).toEqual(BYTES);
  });

  it('ignores Ethernet padding after the total length', () => {
    const b = new Uint8Array(60);
    b.set(UDP_DGRAM);
    expect(parseFrame(b).payload).toEqual(REPR);
  });

  it('decodes IP-in-IP (protocol 4) with the inner datagram as payload', () => {
    // IPIP_ICMP: 192.168.1.111 > 192.168.1.100 carrying 10.0.0.1 > 10.0.0.2 ICMP echo request.
    const r = parseFrame(IPIP_ICMP);
    const outer = r.payload as Ipv4Repr;
    expect(outer).toMatchObject({ kind: 'ipv4', protocol: IpProto.IPIP, id: 0x5390, src: ip('192.168.1.111'), dst: ip('192.168.1.100') });
    expect(outer.payload).toMatchObject({
      kind: 'ipv4', protocol: IpProto.ICMP, id: 0x4242, df: true, ttl: 64, src: ip('10.0.0.1'), dst: ip('10.0.0.2'),
      payload: { kind: 'icmp', type: 8, code: 0, rest: 0x12340001 },
    });
    expect(emitFrame(r)).toEqual(IPIP_ICMP);
  });

  it('keeps options and fragment fields', () => {
    const r: Ipv4Repr = { ...REPR, df: false, mf: true, fragOffset: 0, options: Uint8Array.of(1, 1, 1, 0), payload: { kind: 'raw', bytes: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) } };
    const b = new Uint8Array(ipv4BufferLen(r));
    emitIpv4(r, b, 0);
    const back = parseIpv4(view(b));
    expect(back).toEqual({ ...r, mf: true, fragOffset: undefined });
    const v = view(b);
    expect(v.headerLen).toBe(24);
    expect(v.verifyChecksum()).toBe(true);
  });

  it('rejects inconsistent lengths and versions', () => {
    expect(Ipv4View.check(BYTES.subarray(0, 19))).toMatchObject({ kind: 'error', reason: 'truncated' });
    expect(Ipv4View.check(BYTES.subarray(0, 36))).toMatchObject({ kind: 'error', reason: 'truncated' });
    const b = BYTES.slice();
    b[0] = 0x44;
    expect(Ipv4View.check(b)).toMatchObject({ kind: 'error', reason: 'malformed' });
    b[0] = 0x65;
    expect(Ipv4View.check(b)).toMatchObject({ kind: 'error', reason: 'malformed' });
    const c = BYTES.slice();
    c[3] = 10; // total length 10 < header 20
    expect(Ipv4View.check(c)).toMatchObject({ kind: 'error', reason: 'malformed' });
  });

  it('verifies the header checksum only when asked', () => {
    const b = BYTES.slice();
    b[8] = 63; // TTL changed, checksum not
    expect(parseIpv4(view(b))).toMatchObject({ ttl: 63 });
    expect(parseIpv4(view(b), { verifyChecksums: true })).toMatchObject({ kind: 'error', reason: 'checksum' });
  });

  it('leaves a TCP payload that does not decode as raw bytes', () => {
    const b = TCP_SYN.subarray(14).slice();
    b[32] = 0x40; // data offset 16 bytes < 20
    const r = parseIpv4(view(b));
    expect(r).toMatchObject({ kind: 'ipv4', protocol: 6, payload: { kind: 'raw' } });
  });
});
