import { describe, expect, it } from 'vitest';
import { emitFrame } from '../core/wire/frame.ts';
import { EtherType, IpProto, TcpFlag, ip, mac, type EthernetRepr, type Ipv4Repr } from '../core/wire/types.ts';
import { compileFilter } from './filter.ts';

const tcp = (flags: number, sp = 40312, dp = 80) => ({ kind: 'tcp' as const, srcPort: sp, dstPort: dp, seq: 1, ack: 0, flags, window: 64240, options: [], payload: new Uint8Array(0) });
const ipv4 = (src: string, dst: string, payload: Ipv4Repr['payload'], protocol: number = IpProto.TCP): Ipv4Repr =>
  ({ kind: 'ipv4', tos: 0, id: 1, df: true, ttl: 64, protocol, src: ip(src), dst: ip(dst), payload });
const eth = (payload: EthernetRepr['payload'], ethertype: number = EtherType.IPv4): Uint8Array =>
  emitFrame({ src: mac('00:0c:29:00:00:01'), dst: mac('00:0c:29:00:00:02'), ethertype, payload });

const syn = eth(ipv4('192.168.1.111', '192.168.1.100', tcp(TcpFlag.SYN)));
const synack = eth(ipv4('192.168.1.100', '192.168.1.111', tcp(TcpFlag.SYN | TcpFlag.ACK, 80, 40312)));
const ipip = eth(ipv4('192.168.137.100', '192.168.137.130', ipv4('192.168.1.111', '192.168.137.254', tcp(TcpFlag.SYN)), IpProto.IPIP));
const arp = eth({ kind: 'arp', op: 1, sha: mac('00:0c:29:00:00:01'), spa: ip('192.168.1.111'), tha: mac('00:00:00:00:00:00'), tpa: ip('192.168.1.100') }, EtherType.ARP);

function m(f: string, b: Uint8Array): boolean {
  const c = compileFilter(f);
  if (!c.ok) throw new Error(c.error);
  return c.match(b, 1);
}

describe('display filter', () => {
  it.each([
    ['tcp', syn, true], ['arp', syn, false], ['arp', arp, true], ['icmp', syn, false],
    ['ip.addr == 192.168.1.100', syn, true], ['ip.src == 192.168.1.100', syn, false], ['ip.dst == 192.168.1.100', syn, true],
    ['ip.addr == 192.168.1.0/24', syn, true], ['ip.addr != 192.168.1.100', syn, false],
    ['tcp.port == 80', syn, true], ['tcp.port == 81', syn, false], ['tcp.flags.syn == 1 and tcp.flags.ack == 0', syn, true],
    ['tcp.flags.syn == 1 and tcp.flags.ack == 0', synack, false], ['tcp.flags.syn == 1 && !(tcp.flags.ack == 1)', synack, false],
    ['eth.src == 00:0c:29:00:00:01', syn, true], ['eth.addr == 00:0c:29:00:00:02', syn, true], ['eth.dst == 00:0c:29:00:00:01', syn, false],
    ['ipip', ipip, true], ['ipip', syn, false], ['ip.dst == 192.168.137.254', ipip, true], ['ip.dst == 192.168.137.130', ipip, true],
    ['ip.dst != 192.168.137.130', ipip, false], ['not arp or tcp', arp, false], ['(arp or tcp) and not icmp', arp, true],
    ['arp.dst.proto_ipv4 == 192.168.1.100', arp, true], ['http', syn, false], ['tcp.flags.syn eq 1', syn, true],
  ])('%s', (f, b, want) => { expect(m(f, b as Uint8Array)).toBe(want); });

  it.each(['ip.addr == 192.168.1', 'ip.foo', 'tcp.port ==', '(tcp', 'tcp)', 'tcp and'])('rejects %s with a reason', (f) => {
    const c = compileFilter(f);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.error.length).toBeGreaterThan(5);
  });

  it('an empty filter matches everything', () => { expect(m('  ', arp)).toBe(true); });
});
