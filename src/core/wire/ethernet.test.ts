import { describe, expect, it } from 'vitest';
import { isWireError } from './error.ts';
import { emitEthernetHeader, EthernetView } from './ethernet.ts';
import { emitFrame, parseFrame } from './frame.ts';
import { ARP_REPLY, ARP_REQUEST, padded } from './testdata/vectors.ts';
import { BROADCAST_MAC, EtherType, ip, mac, type EthernetRepr } from './types.ts';

const REPR: EthernetRepr = {
  dst: BROADCAST_MAC,
  src: mac('00:0c:29:11:22:33'),
  ethertype: EtherType.ARP,
  payload: { kind: 'arp', op: 1, sha: mac('00:0c:29:11:22:33'), spa: ip('192.168.1.111'), tha: mac('00:00:00:00:00:00'), tpa: ip('192.168.1.100') },
};

describe('ethernet', () => {
  it('deconstructs', () => {
    const v = EthernetView.check(ARP_REPLY);
    if (isWireError(v)) throw new Error(v.detail);
    expect(v.dst).toBe(mac('00:0c:29:11:22:33'));
    expect(v.src).toBe(mac('00:0c:29:aa:bb:cc'));
    expect(v.ethertype).toBe(0x0806);
    expect(v.payload.length).toBe(28);
  });

  it('constructs', () => {
    const b = new Uint8Array(14);
    const v = EthernetView.unchecked(b);
    v.dst = BROADCAST_MAC;
    v.src = mac('00:0c:29:11:22:33');
    v.ethertype = EtherType.ARP;
    expect(b).toEqual(ARP_REQUEST.subarray(0, 14));
    const c = new Uint8Array(14);
    expect(emitEthernetHeader(mac('00:0c:29:11:22:33'), BROADCAST_MAC, EtherType.ARP, c, 0)).toBe(14);
    expect(c).toEqual(b);
  });

  it('parses', () => {
    expect(parseFrame(ARP_REQUEST)).toEqual(REPR);
    // Padding does not change what the frame says.
    expect(parseFrame(padded(ARP_REQUEST))).toEqual(REPR);
  });

  it('emits, padded to the 60-byte minimum', () => {
    const b = emitFrame(REPR);
    expect(b.length).toBe(60);
    expect(b).toEqual(padded(ARP_REQUEST));
  });

  it('rejects a view shorter than the header', () => {
    expect(isWireError(EthernetView.check(new Uint8Array(13)))).toBe(true);
    expect(isWireError(EthernetView.check(new Uint8Array(20), 10, 14))).toBe(true);
  });

  it('keeps an unknown EtherType as raw bytes', () => {
    const b = padded(ARP_REQUEST).slice();
    b[12] = 0x88; b[13] = 0xcc; // LLDP
    const r = parseFrame(b);
    expect(r.ethertype).toBe(0x88cc);
    expect(r.payload).toEqual({ kind: 'raw', bytes: b.slice(14) });
    expect(emitFrame(r)).toEqual(b);
  });
});
