import { describe, expect, it } from 'vitest';
import { compileFilter, FILTER_FIELDS } from './filter.ts';
import { emitFrame } from './frame.ts';
import { labConversation } from './testdata/conversation.ts';
import * as V from './testdata/vectors.ts';
import { mac, type EthernetRepr } from './types.ts';

function matches(filter: string, frames: Uint8Array[]): number[] {
  const c = compileFilter(filter);
  if (!c.ok) throw new Error(`${filter}: ${c.error} at ${c.pos}`);
  return frames.map((f, i) => (c.match(f) ? i : -1)).filter((i) => i >= 0);
}

// 0 ARP request, 1 ARP reply, 2 ping, 3 SYN, 4 SYN-ACK, 5 ACK, 6 GET, 7 UDP, 8 ICMP port unreachable (quoting 7),
// 9 RST-ACK, 10 IPIP ping, 11 VRRP
const F = [V.ARP_REQUEST, V.ARP_REPLY, V.ICMP_ECHO_REQUEST, V.TCP_SYN, V.TCP_SYN_ACK, V.TCP_ACK, V.HTTP_GET,
  V.UDP_DGRAM, V.ICMP_PORT_UNREACH, V.TCP_RST_ACK, V.IPIP_ICMP, V.VRRP_ADVERT];

describe('display filters', () => {
  it.each([
    ['', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]],
    ['arp', [0, 1]],
    ['tcp', [3, 4, 5, 6, 9]],
    ['udp', [7, 8]], // the ICMP error quotes a UDP header, and Wireshark's `udp` sees it
    ['icmp', [2, 8, 10]],
    ['http', [6]],
    ['vrrp', [11]],
    ['ipip', [10]],
    ['ip', [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]],
    ['!ip', [0, 1]],
    ['arp.opcode == 2', [1]],
    ['arp.dst.proto_ipv4 == 192.168.1.100', [0]],
    ['arp.src.hw_mac == 00:0c:29:aa:bb:cc', [1]],
    ['eth.dst == ff:ff:ff:ff:ff:ff', [0]],
    ['eth.addr == 00-0c-29-aa-bb-cc && arp', [0 + 1]],
    ['ip.src == 192.168.1.100', [4, 8, 9]],
    ['ip.addr == 10.0.0.0/8', [10]],
    ['ip.addr == 192.168.0.0/16 and not tcp', [2, 7, 8, 10, 11]],
    ['ip.dst != 192.168.1.100', [4, 9, 11]], // all-not-equal: 8 quotes .100, 10's outer header goes to it
    ['tcp.port == 80', [3, 4, 5, 6]],
    ['tcp.dstport == 80', [3, 5, 6]],
    ['tcp.flags.syn == 1 && tcp.flags.ack == 0', [3]],
    ['tcp.flags.syn and tcp.flags.ack == true', [4, 5, 6, 9]], // a bare field tests presence
    ['tcp.flags.syn == 1 and tcp.flags.ack == true', [4]],
    ['tcp.flags.rst == 1 || tcp.flags.reset eq 1', [9]],
    ['tcp.flags.fin == 1', []],
    ['tcp.len > 0', [6]],
    ['tcp.len == 0', [3, 4, 5, 9]],
    ['frame.len >= 98', [2, 6]],
    ['frame.len < 60', [0, 1, 7, 9]],
    ['ip.proto == 4', [10]],
    ['ip.proto == 0x11', [7, 8]],
    ['ip.ttl == 255', [11]],
    ['udp.port == 9999', [7, 8]],
    ['icmp.type == 3 && icmp.code == 3', [8]],
    ['http.request.method == "GET"', [6]],
    ['http.request.uri contains "index"', [6]],
    ['http.host == 192.168.1.100', [6]],
    ['http contains "curl"', [6]],
    ['frame contains "hello udp"', [7, 8]],
    ['tcp.port in {80, 81}', [3, 4, 5, 6, 9]],
    ['tcp.srcport in {40000..45000}', [3, 5, 6]],
    ['vrrp.virt_rtr_id == 1 and vrrp.prio == 100', [11]],
    ['(arp or udp) and not icmp', [0, 1, 7]],
    ['tcp.options.mss_val == 1460', [3, 4]],
    ['ip.src == ip.dst', [8]], // any pair: the quote runs the other way
    ['arp.src.proto_ipv4 == arp.dst.proto_ipv4', []],
  ])('%s', (filter, want) => {
    expect(matches(filter, F)).toEqual(want);
  });

  it.each([
    ['foo', '"foo" is neither a field nor a protocol name.', 0],
    ['tcp.port == 80 && bar.baz', '"bar.baz" is neither a field nor a protocol name.', 18],
    ['ip.src ==', 'Unexpected end of filter expression.', 9],
    ['tcp and', 'Unexpected end of filter expression.', 7],
    ['(tcp', 'Unexpected end of filter expression.', 4],
    ['tcp)', '")" was unexpected in this context.', 3],
    ['tcp.port == 080', '"080" is not a valid number.', 12],
    ['ip.src == 192.168.1.300', '"192.168.1.300" is not a valid hostname or IPv4 address.', 10],
    ['ip.addr == 10.0.0.0/33', '"10.0.0.0/33" is not a valid hostname or IPv4 address.', 11],
    ['eth.src == zz:00', '"zz:00" is not a valid Ethernet address.', 11],
    ['tcp.port contains 80', "tcp.port (type=FT_UINT16) cannot participate in 'contains' comparison.", 18],
    ['http.host == "abc', 'The string was not terminated.', 13],
    ['tcp.port = 80', '"=" was unexpected in this context.', 9],
    ['tcp.port == 80 80', '"80" was unexpected in this context.', 15],
  ])('rejects %s', (filter, error, pos) => {
    expect(compileFilter(filter)).toEqual({ ok: false, error, pos });
  });

  it('lists the fields it uses and those it knows', () => {
    const c = compileFilter('ip.addr == 1.2.3.4 && tcp.flags.syn');
    expect(c.ok && c.fields).toEqual(['ip.addr', 'tcp.flags.syn']);
    expect(FILTER_FIELDS).toContain('http.request.method');
    expect(FILTER_FIELDS).toContain('tcp.options.toa.addr');
  });

  it('reads frame metadata from the context', () => {
    const c = compileFilter('frame.interface_name == "vmnet2" or frame.comment contains "dropped" or frame.number == 3');
    if (!c.ok) throw new Error(c.error);
    expect(c.match(V.TCP_SYN, { frame: { number: 1, interfaceName: 'vmnet2' } })).toBe(true);
    expect(c.match(V.TCP_SYN, { frame: { number: 1, interfaceName: 'vmnet1', comments: ['dropped: no route'] } })).toBe(true);
    expect(c.match(V.TCP_SYN, { frame: { number: 3 } })).toBe(true);
    expect(c.match(V.TCP_SYN, { frame: { number: 4, interfaceName: 'vmnet1' } })).toBe(false);
    expect(c.match(V.TCP_SYN)).toBe(false);
  });

  it('matches the FULLNAT client address carried in TOA', () => {
    const lab = labConversation().map((f) => f.bytes);
    const n = matches('tcp.options.toa.addr == 192.168.1.111', lab);
    expect(n.length).toBe(1);
    expect(matches('tcp.option_kind == 254', lab)).toEqual(n);
  });

  it('filters 100,000 frames quickly', () => {
    const lab = labConversation().map((f) => f.bytes);
    const frames = Array.from({ length: 100_000 }, (_, i) => lab[i % lab.length]);
    const fast = compileFilter('ip.addr == 192.168.137.0/24 && tcp.port == 80 && tcp.flags.syn == 1 || arp.opcode == 2');
    if (!fast.ok) throw new Error(fast.error);
    let t0 = performance.now();
    let n = 0;
    for (const f of frames) if (fast.match(f)) n++;
    const fastMs = performance.now() - t0;
    expect(n).toBeGreaterThan(0);
    // Fields outside the fast set dissect each frame: slower, still usable.
    const slow = compileFilter('http.user_agent contains "curl"');
    if (!slow.ok) throw new Error(slow.error);
    t0 = performance.now();
    n = 0;
    for (const f of frames.slice(0, 20_000)) if (slow.match(f)) n++;
    const slowMs = performance.now() - t0;
    expect(n).toBeGreaterThan(0);
    console.log(`filter: 100k frames fast path ${fastMs.toFixed(0)} ms; 20k frames dissecting ${slowMs.toFixed(0)} ms`);
    expect(fastMs).toBeLessThan(1500); // generous for slow CI machines; ~50 ms measured
  });

  it('sees the length and checksum of a UDP datagram quoted in an ICMP error, as the details pane shows them', () => {
    // Found by tests/robustness/wire.test.ts: the pane showed "Length: 17" and `udp.length == 17` matched nothing.
    const f = Uint8Array.from(Buffer.from('000c29112233000c29aabbcc080045c00041be010000400137d7c0a80164c0a8016f030381430000000045000025c4a340004011f200c0a8016fc0a80164c2e2270f0011685f68656c6c6f20756470', 'hex'));
    expect(matches('udp.length == 17', [f])).toEqual([0]);
    expect(matches('udp.checksum == 0x685f', [f])).toEqual([0]);
    expect(matches('udp.length == 18', [f])).toEqual([]);
  });

  it('knows tcp.segment_data, which the dissector shows for a segment of a PDU', () => {
    expect(compileFilter('tcp.segment_data').ok).toBe(true);
  });

  it('never throws, whatever the bytes', () => {
    const c = compileFilter('ip.addr == 1.2.3.4 or http.host contains "x" or tls.handshake.type == 1 or tcp.len > 3');
    if (!c.ok) throw new Error(c.error);
    const r: EthernetRepr = { src: mac('00:00:00:00:00:01'), dst: mac('00:00:00:00:00:02'), ethertype: 0x800, payload: { kind: 'raw', bytes: new Uint8Array(30).fill(0x45) } };
    for (let n = 0; n < 80; n++) c.match(emitFrame(r).subarray(0, n));
  });
});
