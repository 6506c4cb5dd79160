import { describe, expect, it } from 'vitest';
import { emitFrame } from '../core/wire/frame.ts';
import { EtherType, IpProto, TcpFlag, ip, mac, type Ipv4Repr } from '../core/wire/types.ts';
import { hopLabel, RewriteTracker } from './rows.ts';

const CLIENT = mac('00:0c:29:00:00:01'), LVS = mac('00:0c:29:00:00:02'), RS1 = mac('00:0c:29:00:00:03');
const syn = (sp = 40312, dp = 80) => ({ kind: 'tcp' as const, srcPort: sp, dstPort: dp, seq: 1000, ack: 0, flags: TcpFlag.SYN, window: 64240, options: [], payload: new Uint8Array(0) });
const ipv4 = (src: string, dst: string, payload: Ipv4Repr['payload'], protocol: number = IpProto.TCP, id = 7): Ipv4Repr =>
  ({ kind: 'ipv4', tos: 0, id, df: true, ttl: 64, protocol, src: ip(src), dst: ip(dst), payload });
const frame = (src: number, dst: number, p: Ipv4Repr) => emitFrame({ src: src as never, dst: dst as never, ethertype: EtherType.IPv4, payload: p });

const toVip = frame(CLIENT, LVS, ipv4('192.168.1.111', '192.168.1.100', syn()));

describe('hop labels', () => {
  it('says what matters at the hop', () => {
    expect(hopLabel(toVip)).toMatchObject({ cls: 'tcp', label: 'TCP SYN 192.168.1.111:40312 → 192.168.1.100:80', macs: '00:0c:29:00:00:01 → 00:0c:29:00:00:02' });
    const arp = emitFrame({ src: CLIENT, dst: mac('ff:ff:ff:ff:ff:ff'), ethertype: EtherType.ARP, payload: { kind: 'arp', op: 1, sha: CLIENT, spa: ip('192.168.1.111'), tha: mac('00:00:00:00:00:00'), tpa: ip('192.168.1.100') } });
    expect(hopLabel(arp)).toMatchObject({ cls: 'arp', label: 'ARP who-has 192.168.1.100? tell 192.168.1.111' });
    const tun = frame(LVS, RS1, ipv4('192.168.137.100', '192.168.137.130', ipv4('192.168.1.111', '192.168.137.254', syn()), IpProto.IPIP, 99));
    expect(hopLabel(tun)).toMatchObject({ cls: 'ipip', label: 'IPIP 192.168.137.100 → 192.168.137.130 ⟨TCP SYN 192.168.1.111:40312 → 192.168.137.254:80⟩' });
  });
});

describe('what the director changed', () => {
  const rewrite = (before: Uint8Array, after: Uint8Array, director = true) => {
    const t = new RewriteTracker();
    t.received(2, 1000, before);
    return t.sent(2, 1100, after, director);
  };
  it('NAT: the destination address', () => {
    expect(rewrite(toVip, frame(LVS, RS1, ipv4('192.168.1.111', '192.168.137.130', syn())))).toBe('dst IP 192.168.1.100 → 192.168.137.130');
  });
  it('DR: the destination MAC only', () => {
    const vip = frame(CLIENT, LVS, ipv4('192.168.1.111', '192.168.137.254', syn()));
    expect(rewrite(vip, frame(LVS, RS1, ipv4('192.168.1.111', '192.168.137.254', syn())))).toBe('dst MAC 00:0c:29:00:00:02 → 00:0c:29:00:00:03');
    // A router re-addressing the frame is not news.
    expect(rewrite(vip, frame(LVS, RS1, ipv4('192.168.1.111', '192.168.137.254', syn())), false)).toBe(undefined);
  });
  it('TUN: an outer header', () => {
    const vip = frame(CLIENT, LVS, ipv4('192.168.1.111', '192.168.137.254', syn()));
    const tun = frame(LVS, RS1, ipv4('192.168.137.100', '192.168.137.130', ipv4('192.168.1.111', '192.168.137.254', syn()), IpProto.IPIP, 99));
    expect(rewrite(vip, tun)).toBe('+ outer IP 192.168.137.100 → 192.168.137.130');
  });
  it('FULLNAT: both addresses (and the source port)', () => {
    const out = frame(LVS, RS1, ipv4('192.168.137.100', '192.168.137.130', syn(5000, 80)));
    expect(rewrite(toVip, out)).toBe('src IP 192.168.1.111 → 192.168.137.100, dst IP 192.168.1.100 → 192.168.137.130, src port 40312 → 5000');
  });
  it('forgets packets held too long', () => {
    const t = new RewriteTracker();
    t.received(2, 0, toVip);
    expect(t.sent(2, 5_000_000, frame(LVS, RS1, ipv4('192.168.1.111', '192.168.137.130', syn())), true)).toBe(undefined);
  });
});
