/**
 * tcpdump's one-line ICMP destination-unreachable text (print-icmp.c): what was unreachable
 * is named from the quoted datagram — its destination, and for port unreachable its
 * protocol and port (a service name without -n).
 */
import { describe, expect, it } from 'vitest';
import { icmpQuote } from '../../../core/net/icmpQuote.ts';
import { ip, IcmpType, IpProto, type EthernetRepr, type Ipv4Repr, type MacAddr } from '../../../core/wire/types.ts';
import { EMPTY } from '../../../core/wire/types.ts';
import { makeFormatter } from './tcpdump.ts';

const syn: Ipv4Repr = {
  kind: 'ipv4', tos: 0, id: 1, df: true, ttl: 64, protocol: IpProto.TCP, src: ip('192.168.1.111'), dst: ip('192.168.1.100'),
  payload: { kind: 'tcp', srcPort: 40312, dstPort: 80, seq: 1, ack: 0, flags: 2, window: 64240, options: [], payload: EMPTY },
};
const dgram: Ipv4Repr = { ...syn, protocol: IpProto.UDP, payload: { kind: 'udp', srcPort: 5353, dstPort: 33434, payload: new Uint8Array(32) } };

function line(code: number, quoted: Ipv4Repr, numeric = 1): string {
  const f: EthernetRepr = {
    src: 0 as MacAddr, dst: 0 as MacAddr, ethertype: 0x0800,
    payload: { kind: 'ipv4', tos: 0xc0, id: 2, df: false, ttl: 64, protocol: IpProto.ICMP, src: ip('192.168.1.100'), dst: ip('192.168.1.111'),
      payload: { kind: 'icmp', type: IcmpType.DestUnreachable, code, rest: 0, payload: icmpQuote(quoted) } },
  };
  return makeFormatter({ numeric, ether: false, quiet: false, absSeq: false, verbose: 0 }, new Map([[80, 'http']]))(f, 0);
}

describe('tcpdump: ICMP unreachable', () => {
  it.each([
    [3, syn, 1, 'ICMP 192.168.1.100 tcp port 80 unreachable, length 48'],
    [3, syn, 0, 'ICMP 192.168.1.100 tcp port http unreachable, length 48'],
    [3, dgram, 1, 'ICMP 192.168.1.100 udp port 33434 unreachable, length 68'],
    [1, syn, 1, 'ICMP host 192.168.1.100 unreachable, length 48'],
    [0, syn, 1, 'ICMP net 192.168.1.100 unreachable, length 48'],
    [2, syn, 1, 'ICMP 192.168.1.100 protocol 6 unreachable, length 48'],
    [13, syn, 1, 'ICMP host 192.168.1.100 unreachable - admin prohibited filter, length 48'],
  ])('code %i', (code, q, numeric, want) => {
    expect(line(code, q, numeric)).toBe(`IP 192.168.1.100 > 192.168.1.111: ${want}`);
  });

  it('the quote is as much of the datagram as Linux puts in 576 bytes', () => {
    expect(icmpQuote(syn).length).toBe(40);
    const big: Ipv4Repr = { ...dgram, payload: { kind: 'udp', srcPort: 1, dstPort: 2, payload: new Uint8Array(1400) } };
    expect(icmpQuote(big).length).toBe(548);
  });
});
