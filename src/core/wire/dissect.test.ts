import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allFields, dissect, StreamTracker, summarize, tcpStreamKey, type Dissection } from './dissect.ts';
import { isFilterField } from './filter.ts';
import { emitFrame } from './frame.ts';
import { readPcapng } from './pcapng.ts';
import { ethernetRepr } from './testdata/arbitraries.ts';
import { labConversation } from './testdata/conversation.ts';
import * as V from './testdata/vectors.ts';
import { ip } from './types.ts';

const linux = readPcapng(readFileSync(join(__dirname, 'testdata', 'linux.pcap')));
const REAL = [V.ARP_REQUEST, V.ARP_REPLY, V.ICMP_ECHO_REQUEST, V.TCP_SYN, V.TCP_SYN_ACK, V.TCP_ACK, V.HTTP_GET,
  V.UDP_DGRAM, V.ICMP_PORT_UNREACH, V.TCP_RST_ACK, V.IPIP_ICMP, V.VRRP_ADVERT];

function field(d: Dissection, name: string) {
  return [...allFields(d)].find((f) => f.name === name);
}

/** Every range lies inside the bytes it points into. */
function rangesInside(d: Dissection, n: number): boolean {
  for (const l of d.layers) {
    const lim = l.source === 'reassembled' ? d.reassembled!.length : n;
    const ok = (r: readonly [number, number]) => r[0] >= 0 && r[0] <= r[1] && r[1] <= lim;
    if (!ok(l.range)) return false;
    const stack = [...l.fields];
    while (stack.length) {
      const f = stack.pop()!;
      if (!ok(f.range)) return false;
      if (f.children) stack.push(...f.children);
    }
  }
  return true;
}

describe('summarize', () => {
  it('words ARP as Wireshark does', () => {
    expect(summarize(V.ARP_REQUEST)).toEqual({ src: 'VMware_11:22:33', dst: 'Broadcast', protocol: 'ARP', length: 42, info: 'Who has 192.168.1.100? Tell 192.168.1.111' });
    expect(summarize(V.ARP_REPLY).info).toBe('192.168.1.100 is at 00:0c:29:aa:bb:cc');
    expect(summarize(V.ARP_REPLY, { resolveMac: false }).src).toBe('00:0c:29:aa:bb:cc');
  });

  it('shows raw sequence numbers by default and relative ones with the ISNs', () => {
    expect(summarize(V.TCP_SYN)).toEqual({
      src: '192.168.1.111', dst: '192.168.1.100', protocol: 'TCP', length: 74,
      info: '44042 → 80 [SYN] Seq=2885406821 Win=64240 Len=0 MSS=1460 SACK_PERM TSval=4152052812 TSecr=0 WS=1024',
    });
    const isn = new Map([[tcpStreamKey(ip('192.168.1.111'), 44042, ip('192.168.1.100'), 80), 2885406821]]);
    expect(summarize(V.TCP_SYN, { isn }).info).toBe('44042 → 80 [SYN] Seq=0 Win=64240 Len=0 MSS=1460 SACK_PERM TSval=4152052812 TSecr=0 WS=1024');
    isn.set(tcpStreamKey(ip('192.168.1.100'), 80, ip('192.168.1.111'), 44042), 3645297224);
    expect(summarize(V.TCP_ACK, { isn }).info).toBe('44042 → 80 [ACK] Seq=1 Ack=1 Win=63 Len=0 TSval=4152052813 TSecr=3657293563');
  });

  it('learns ISNs, window scaling and echo pairs with a StreamTracker', () => {
    const t = new StreamTracker();
    linux.frames.forEach((f, i) => t.observe(f.bytes, i + 1));
    expect(summarize(linux.frames[6].bytes, t.context(7)).info).toBe('44042 → 80 [ACK] Seq=1 Ack=1 Win=64512 Len=0 TSval=4152052813 TSecr=3657293563');
    expect(summarize(linux.frames[3].bytes, t.context(4)).info).toBe('Echo (ping) reply    id=0x3dd4, seq=1/256, ttl=64 (request in 3)');
  });

  it('names HTTP, ICMP, UDP, IPIP, VRRP and TLS as Wireshark does', () => {
    expect(summarize(V.HTTP_GET)).toMatchObject({ protocol: 'HTTP', info: 'GET /index.html HTTP/1.1 ' });
    expect(summarize(V.ICMP_ECHO_REQUEST).info).toBe('Echo (ping) request  id=0x3dd4, seq=1/256, ttl=64');
    expect(summarize(V.ICMP_PORT_UNREACH).info).toBe('Destination unreachable (Port unreachable)');
    expect(summarize(V.UDP_DGRAM).info).toBe('49890 → 9999 Len=9');
    expect(summarize(V.IPIP_ICMP)).toMatchObject({ src: '10.0.0.1', dst: '10.0.0.2', protocol: 'ICMP' });
    expect(summarize(V.VRRP_ADVERT)).toMatchObject({ protocol: 'VRRP', info: 'Announcement (v2)' });
    const lab = labConversation();
    const infos = lab.map((f) => summarize(f.bytes));
    expect(infos.map((s) => s.info)).toContain('Client Hello');
    expect(infos.map((s) => s.info)).toContain('Server Hello, Certificate, Server Key Exchange, Server Hello Done');
    expect(infos.map((s) => s.info)).toContain('HTTP/1.1 200 OK  (text/html)');
    expect(infos.map((s) => s.info)).toContain('ARP Announcement for 192.168.1.100');
  });
});

describe('dissect', () => {
  it('builds the Wireshark tree for an ARP request', () => {
    const d = dissect(V.ARP_REQUEST);
    expect(d.layers.map((l) => [l.name, l.abbrev, l.range])).toEqual([
      ['Ethernet II', 'eth', [0, 14]],
      ['Address Resolution Protocol (request)', 'arp', [14, 42]],
    ]);
    expect(d.layers[0].summary).toBe('Ethernet II, Src: VMware_11:22:33 (00:0c:29:11:22:33), Dst: Broadcast (ff:ff:ff:ff:ff:ff)');
    expect(field(d, 'arp.opcode')).toMatchObject({ label: 'Opcode: request (1)', value: 1, range: [20, 22] });
    expect(field(d, 'arp.src.proto_ipv4')).toMatchObject({ label: 'Sender IP address: 192.168.1.111', value: '192.168.1.111', range: [28, 32] });
    expect(field(d, 'arp.dst.hw_mac')?.label).toBe('Target MAC address: 00:00:00_00:00:00 (00:00:00:00:00:00)');
    expect(d.problems).toEqual([]);
  });

  it('builds the tree for a TCP SYN', () => {
    const d = dissect(V.TCP_SYN);
    expect(d.layers.map((l) => l.summary)).toEqual([
      'Ethernet II, Src: VMware_11:22:33 (00:0c:29:11:22:33), Dst: VMware_aa:bb:cc (00:0c:29:aa:bb:cc)',
      'Internet Protocol Version 4, Src: 192.168.1.111, Dst: 192.168.1.100',
      'Transmission Control Protocol, Src Port: 44042, Dst Port: 80, Seq: 2885406821, Len: 0',
    ]);
    expect(field(d, 'ip.src')).toMatchObject({ label: 'Source Address: 192.168.1.111', range: [26, 30] });
    expect(field(d, 'ip.flags.df')?.label).toBe(".1.. .... = Don't fragment: Set");
    expect(field(d, 'ip.checksum')?.label).toBe('Header Checksum: 0x69ff [correct]');
    expect(field(d, 'tcp.flags')?.label).toBe('Flags: 0x002 (SYN)');
    expect(field(d, 'tcp.flags.syn')).toMatchObject({ label: '.... .... ..1. = Syn: Set', value: true });
    expect(field(d, 'tcp.options')?.label).toBe('Options: (20 bytes), Maximum segment size, SACK permitted, Timestamps, No-Operation (NOP), Window scale');
    expect(field(d, 'tcp.options.wscale')?.label).toBe('TCP Option - Window scale: 10 (multiply by 1024)');
    expect(field(d, 'tcp.checksum')?.label).toBe('Checksum: 0x5c64 [correct]');
  });

  it('reports a bad checksum as Wireshark words it', () => {
    const b = V.TCP_SYN.slice();
    b[22] ^= 1; // TTL
    const d = dissect(b);
    expect(field(d, 'ip.checksum')?.label).toMatch(/^Header Checksum: 0x69ff incorrect, should be 0x[0-9a-f]{4}\(may be caused by "IP checksum offload"\?\)$/);
    expect(field(d, 'ip.checksum.status')?.value).toBe('Bad');
    expect(d.problems.length).toBe(1);
  });

  it('shows the TOA option of FULLNAT decoded', () => {
    const f = labConversation().find((x) => summarize(x.bytes).info.startsWith('GET') && x.iface === 1 && dissect(x.bytes).layers.some((l) => l.fields.some((y) => y.name === 'tcp.options' && y.label.includes('TOA'))));
    const d = dissect(f!.bytes);
    expect(field(d, 'tcp.options.toa')?.label).toBe('TCP Option - TOA (FULLNAT client address): 192.168.1.111:41718');
    expect(field(d, 'tcp.options.toa.addr')?.value).toBe('192.168.1.111');
  });

  it('puts the quoted datagram of an ICMP error inside the ICMP tree', () => {
    const d = dissect(V.ICMP_PORT_UNREACH);
    const icmp = d.layers.find((l) => l.abbrev === 'icmp')!;
    expect(icmp.fields.map((f) => f.label).slice(-2)).toEqual([
      'Internet Protocol Version 4, Src: 192.168.1.111, Dst: 192.168.1.100',
      'User Datagram Protocol, Src Port: 49890, Dst Port: 9999',
    ]);
  });

  it('shows both IP headers of IP-in-IP', () => {
    const d = dissect(V.IPIP_ICMP);
    expect(d.layers.map((l) => l.abbrev)).toEqual(['eth', 'ip', 'ip', 'icmp']);
    expect(field(d, 'ip.proto')?.label).toBe('Protocol: IPIP (4)');
  });

  it('adds a Frame layer with comments when told the frame', () => {
    const d = dissect(V.ARP_REQUEST, { frame: { number: 7, interfaceName: 'vmnet1', interfaceId: 0, comments: ['dropped: arp_ignore=1'] } });
    expect(d.layers[0].summary).toBe('Frame 7: 42 bytes on wire (336 bits), 42 bytes captured (336 bits) on interface vmnet1, id 0');
    expect(field(d, 'frame.comment')?.children?.[0].label).toBe('dropped: arp_ignore=1');
  });

  it('keeps every range inside the bytes and every name known to the filter', () => {
    const frames = [...REAL, ...labConversation().map((f) => f.bytes), ...linux.frames.map((f) => f.bytes)];
    for (const [i, b] of frames.entries()) {
      const d = dissect(b, { frame: { number: i + 1, timeUs: 1.7e15, interfaceName: 'vmnet1', interfaceId: 0, comments: ['x'] } });
      expect(rangesInside(d, b.length)).toBe(true);
      for (const f of allFields(d)) if (f.name) expect(isFilterField(f.name), f.name).toBe(true);
    }
  });

  it('never throws on random frames, and keeps ranges inside', () => {
    fc.assert(fc.property(ethernetRepr, (r) => {
      const b = emitFrame(r);
      const d = dissect(b);
      expect(rangesInside(d, b.length)).toBe(true);
      expect(d.problems.filter((p) => p.startsWith('Dissector bug'))).toEqual([]);
      summarize(b);
    }), { numRuns: 1000 });
  });

  it('never throws on random or mangled bytes', () => {
    const frames = fc.constantFrom(...REAL.map(V.padded), ...labConversation().map((f) => f.bytes));
    const mangled = fc.tuple(frames, fc.array(fc.tuple(fc.nat(3000), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(3000))
      .map(([f, muts, cut]) => {
        const b = f.slice(0, Math.max(0, Math.min(cut, f.length)));
        for (const [i, v] of muts) if (b.length) b[i % b.length] = v;
        return b;
      });
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 120 }), mangled), (b) => {
      const d = dissect(b);
      expect(d.problems.filter((p) => p.startsWith('Dissector bug'))).toEqual([]);
      expect(rangesInside(d, b.length)).toBe(true);
      const s = summarize(b);
      expect(s.length).toBe(b.length);
      expect(s.info).not.toContain('Dissector bug');
    }), { numRuns: 5000 });
  });

  it('survives a tracker fed mangled frames', () => {
    const t = new StreamTracker();
    const base = labConversation().map((f) => f.bytes);
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.nat(2000), fc.integer({ min: 0, max: 255 })), { maxLength: 40 }), (muts) => {
      t.clear();
      muts.forEach(([k, i, v], n) => {
        const b = base[k].slice();
        b[i % b.length] = v;
        t.observe(b, n + 1);
        const d = dissect(b, { ...t.context(n + 1), frameBytes: () => b });
        expect(d.problems.filter((p) => p.startsWith('Dissector bug'))).toEqual([]);
      });
    }), { numRuns: 300 });
  });

  it('resolves MAC vendors as Wireshark names them', () => {
    const b = V.padded(V.ARP_REQUEST).slice();
    b.set([0x52, 0x54, 0x00, 0x12, 0x34, 0x56], 6);
    expect(summarize(b).src).toBe('RealtekU_12:34:56');
    expect(summarize(V.VRRP_ADVERT, { resolveMac: true }).protocol).toBe('VRRP');
  });
});
