import { describe, expect, it } from 'vitest';
import { ArpView, emitArp, parseArp } from './arp.ts';
import { isWireError } from './error.ts';
import { parseFrame } from './frame.ts';
import { ARP_REPLY, ARP_REQUEST } from './testdata/vectors.ts';
import { ip, mac, type ArpRepr } from './types.ts';

// ARP_REPLY: "192.168.1.100 is at 00:0c:29:aa:bb:cc" (tcpdump command in testdata/vectors.ts)
const BYTES = ARP_REPLY.subarray(14);
const REPR: ArpRepr = {
  kind: 'arp', op: 2,
  sha: mac('00:0c:29:aa:bb:cc'), spa: ip('192.168.1.100'),
  tha: mac('00:0c:29:11:22:33'), tpa: ip('192.168.1.111'),
};

describe('arp', () => {
  it('deconstructs', () => {
    const v = ArpView.check(BYTES);
    if (isWireError(v)) throw new Error(v.detail);
    expect(v.htype).toBe(1);
    expect(v.ptype).toBe(0x0800);
    expect(v.hlen).toBe(6);
    expect(v.plen).toBe(4);
    expect(v.oper).toBe(2);
    expect(v.sha).toBe(mac('00:0c:29:aa:bb:cc'));
    expect(v.spa).toBe(ip('192.168.1.100'));
    expect(v.tha).toBe(mac('00:0c:29:11:22:33'));
    expect(v.tpa).toBe(ip('192.168.1.111'));
  });

  it('constructs', () => {
    const b = new Uint8Array(28);
    const v = ArpView.unchecked(b);
    v.htype = 1; v.ptype = 0x0800; v.hlen = 6; v.plen = 4; v.oper = 2;
    v.sha = mac('00:0c:29:aa:bb:cc'); v.spa = ip('192.168.1.100');
    v.tha = mac('00:0c:29:11:22:33'); v.tpa = ip('192.168.1.111');
    expect(b).toEqual(BYTES);
  });

  it('parses', () => {
    const v = ArpView.check(BYTES);
    if (isWireError(v)) throw new Error(v.detail);
    expect(parseArp(v)).toEqual(REPR);
    expect(parseFrame(ARP_REQUEST).payload).toMatchObject({ kind: 'arp', op: 1, tha: 0, tpa: ip('192.168.1.100') });
  });

  it('emits', () => {
    const b = new Uint8Array(28);
    expect(emitArp(REPR, b, 0)).toBe(28);
    expect(b).toEqual(BYTES);
  });

  it('refuses what it does not model', () => {
    expect(isWireError(ArpView.check(BYTES.subarray(0, 27)))).toBe(true);
    const b = BYTES.slice();
    b[1] = 6; // IEEE 802 hardware type
    const v = ArpView.check(b);
    if (isWireError(v)) throw new Error(v.detail);
    expect(parseArp(v)).toMatchObject({ kind: 'error', reason: 'unsupported' });
  });
});
