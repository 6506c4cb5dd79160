import { describe, expect, it } from 'vitest';
import { isWireError } from './error.ts';
import { emitFrame, parseFrame } from './frame.ts';
import { emitVrrp, parseVrrp, VrrpView } from './vrrp.ts';
import { VRRP_ADVERT } from './testdata/vectors.ts';
import { IpProto, ip, mac, type EthernetRepr, type VrrpRepr } from './types.ts';

// VRRP_ADVERT: IP 192.168.0.30 > 224.0.0.18: VRRPv2, Advertisement, vrid 1, prio 100, authtype none, intvl 1s
const BYTES = VRRP_ADVERT.subarray(34, 54);
const REPR: VrrpRepr = {
  kind: 'vrrp', version: 2, type: 1, vrid: 1, priority: 100, authType: 0, advInt: 1,
  addrs: [ip('192.168.0.1')], authData: new Uint8Array(8),
};

function view(b: Uint8Array): VrrpView {
  const v = VrrpView.check(b);
  if (isWireError(v)) throw new Error(v.detail);
  return v;
}

describe('vrrp', () => {
  it('deconstructs', () => {
    const v = view(BYTES);
    expect(v.version).toBe(2);
    expect(v.type).toBe(1);
    expect(v.vrid).toBe(1);
    expect(v.priority).toBe(100);
    expect(v.count).toBe(1);
    expect(v.authType).toBe(0);
    expect(v.advInt).toBe(1);
    expect(v.checksum).toBe(0xba52);
    expect(v.addr(0)).toBe(ip('192.168.0.1'));
    expect(v.messageLen).toBe(20);
    expect(v.verifyChecksum()).toBe(true);
  });

  it('constructs', () => {
    const b = new Uint8Array(20);
    const v = VrrpView.unchecked(b);
    v.setVersionAndType(2, 1);
    v.vrid = 1; v.priority = 100; v.count = 1; v.authType = 0; v.advInt = 1;
    v.setAddr(0, ip('192.168.0.1'));
    v.fillChecksum();
    expect(b).toEqual(BYTES);
  });

  it('parses', () => {
    expect(parseVrrp(view(BYTES))).toEqual(REPR);
  });

  it('emits', () => {
    const b = new Uint8Array(20);
    expect(emitVrrp(REPR, b, 0)).toBe(20);
    expect(b).toEqual(BYTES);
  });

  it('round-trips the whole frame', () => {
    const r = parseFrame(VRRP_ADVERT, { verifyChecksums: true });
    const expected: EthernetRepr = {
      dst: mac('01:00:5e:00:00:12'), src: mac('00:00:5e:00:01:01'), ethertype: 0x0800,
      payload: { kind: 'ipv4', tos: 0xc0, id: 0, df: false, ttl: 255, protocol: IpProto.VRRP, src: ip('192.168.0.30'), dst: ip('224.0.0.18'), payload: REPR },
    };
    expect(r).toEqual(expected);
    expect(emitFrame(r)).toEqual(VRRP_ADVERT);
  });

  it('leaves VRRPv3 and short messages alone', () => {
    const b = BYTES.slice();
    b[0] = 0x31;
    expect(parseVrrp(view(b))).toMatchObject({ kind: 'error', reason: 'unsupported' });
    expect(VrrpView.check(BYTES.subarray(0, 19))).toMatchObject({ kind: 'error', reason: 'truncated' });
  });
});
