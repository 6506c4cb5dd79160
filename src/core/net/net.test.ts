/**
 * Scenario tests of the network core through the presets, without the shell: what real
 * Linux does on the seed's topologies (ARP, forwarding, arp_ignore, rp_filter, ICMP errors,
 * TCP's ten-frame curl exchange).
 */
import { describe, expect, it } from 'vitest';
import { createLab } from '../lab/presets.ts';
import type { Lab } from '../lab/lab.ts';
import type { Host } from './host.ts';
import { parseFrame } from '../wire/frame.ts';
import { ArpOp, IcmpType, IpProto, TcpFlag, fmtIp, ip, type EthernetRepr, type Ipv4Addr } from '../wire/types.ts';
import { SEC } from '../sim/events.ts';

const VIP = ip('192.168.137.254');

/** An HTTP GET from `from` to dst:80; returns the body, or the socket error. */
function httpGet(lab: Lab, from: Host, dst: string, timeoutUs = 5 * SEC): string {
  const s = from.tcp.connect(ip(dst), 80, 'test');
  if (typeof s === 'string') return `ERR ${s}`;
  let body = '';
  let done = false;
  s.onEstablished = () => s.send(`GET / HTTP/1.1\r\nHost: ${dst}\r\nUser-Agent: curl/7.76.1\r\nAccept: */*\r\n\r\n`);
  s.onData = () => { body += new TextDecoder().decode(s.read()); if (body.includes('\r\n\r\n')) { s.close(); done = true; } };
  s.onError = () => { done = true; };
  lab.runUntil(() => done || !!s.error, lab.now + timeoutUs);
  lab.advance(50_000);
  if (s.error) return `ERR ${s.error}`;
  if (!done) { s.abort(); return 'ERR timeout'; }
  return body.slice(body.indexOf('\r\n\r\n') + 4);
}

function frames(lab: Lab, from = 1): { no: number; seg: string; f: EthernetRepr; drop?: string }[] {
  const out = [];
  for (const r of lab.capture.range(from)) {
    out.push({ no: r.no, seg: r.segment < 0 ? '-' : lab.segmentById(r.segment)!.name, f: parseFrame(r.bytes), drop: r.drop?.reason });
  }
  return out;
}

function tcpSummary(f: EthernetRepr): string {
  const p = f.payload;
  if (p.kind === 'arp') return p.op === ArpOp.Request ? `ARP who-has ${fmtIp(p.tpa)} tell ${fmtIp(p.spa)}` : `ARP ${fmtIp(p.spa)} is-at`;
  if (p.kind !== 'ipv4') return 'other';
  const t = p.payload;
  if (t.kind !== 'tcp') return `${t.kind}`;
  const fl = [t.flags & TcpFlag.SYN && 'S', t.flags & TcpFlag.FIN && 'F', t.flags & TcpFlag.RST && 'R', t.flags & TcpFlag.PSH && 'P', t.flags & TcpFlag.ACK && '.'].filter(Boolean).join('');
  return `${fmtIp(p.src)}:${t.srcPort} > ${fmtIp(p.dst)}:${t.dstPort} [${fl}] len ${t.payload.length}`;
}

describe('nat preset', () => {
  it('boots with the spec addresses and NM-style routes', () => {
    const lab = createLab('nat');
    const lvs = lab.host('lvs')!;
    expect(lvs.dev('eth0')!.addrs.map((a) => `${fmtIp(a.addr)}/${a.prefix}`)).toEqual(['192.168.1.100/24']);
    expect(lvs.dev('eth1')!.addrs.map((a) => `${fmtIp(a.addr)}/${a.prefix}`)).toEqual(['192.168.137.100/24']);
    expect(lvs.sysctl.get('net.ipv4.ip_forward')).toBe('0');
    expect(lab.host('rs1')).toBe(lab.host('RS1'));
    expect(lvs.fs.readFile('/etc/NetworkManager/system-connections/eth0.nmconnection')).toContain('address1=192.168.1.100/24,192.168.1.2');
  });

  it('serves RS1 - 192.168.137.130 to lvs with the ten frames of a real curl, after ARP', () => {
    const lab = createLab('nat');
    expect(httpGet(lab, lab.host('lvs')!, '192.168.137.130')).toBe('RS1 - 192.168.137.130\n');
    const fs = frames(lab).map((x) => tcpSummary(x.f).replace(/:\d{5}/g, ':PORT'));
    expect(fs).toEqual([
      'ARP who-has 192.168.137.130 tell 192.168.137.100',
      'ARP 192.168.137.130 is-at',
      '192.168.137.100:PORT > 192.168.137.130:80 [S] len 0',
      '192.168.137.130:80 > 192.168.137.100:PORT [S.] len 0',
      '192.168.137.100:PORT > 192.168.137.130:80 [.] len 0',
      '192.168.137.100:PORT > 192.168.137.130:80 [P.] len 79',
      '192.168.137.130:80 > 192.168.137.100:PORT [.] len 0',
      expect.stringMatching(/^192\.168\.137\.130:80 > 192\.168\.137\.100:PORT \[P\.\] len \d+$/),
      '192.168.137.100:PORT > 192.168.137.130:80 [.] len 0',
      '192.168.137.100:PORT > 192.168.137.130:80 [F.] len 0',
      '192.168.137.130:80 > 192.168.137.100:PORT [F.] len 0',
      '192.168.137.100:PORT > 192.168.137.130:80 [.] len 0',
    ]);
    // The access log records the client as RS1 saw it.
    expect(lab.host('RS1')!.fs.readFile('/var/log/httpd/access_log')).toMatch(/^192\.168\.137\.100 - - \[14\/May\/2024:08:00:0\d \+0000\] "GET \/ HTTP\/1\.1" 200 22 "-" "curl\/7\.76\.1"\n$/);
  });

  it('the client reaches the VIP (the director\'s own address) by ping', () => {
    const lab = createLab('nat');
    const client = lab.host('client')!;
    const replies: number[] = [];
    client.icmpListeners.add((p, icmp) => { if (icmp.type === IcmpType.EchoReply) replies.push(p.src); });
    client.sendIp(ip('192.168.1.100'), IpProto.ICMP, { kind: 'icmp', type: IcmpType.EchoRequest, code: 0, rest: 0x10001, payload: new Uint8Array(56) });
    lab.advance(SEC);
    expect(replies.map(fmtIp)).toEqual(['192.168.1.100']);
  });

  it('a real server is unreachable from the client: the NAT gateway swallows it, and the capture says so', () => {
    const lab = createLab('nat');
    const r = httpGet(lab, lab.host('client')!, '192.168.137.130', 2 * SEC);
    expect(r).toBe('ERR timeout');
    const syns = frames(lab).filter((x) => x.f.payload.kind === 'ipv4' && x.f.payload.payload.kind === 'tcp');
    expect(syns.length).toBe(2); // the SYN and its retransmission after 1 s
    for (const s of syns) {
      expect(s.seg).toBe('vmnet8');
      expect(s.drop).toMatch(/gateway: 192\.168\.137\.130: the VMware NAT device sends this to the Internet/);
    }
  });

  it('NAT without ip_forward: lvs drops what is not for it, and says why', () => {
    const lab = createLab('nat');
    const client = lab.host('client')!;
    // The client routes 192.168.137.0/24 via lvs by hand; lvs is not a router yet.
    client.routes.add({ dst: ip('192.168.137.0'), prefix: 24, gw: ip('192.168.1.100'), dev: 'eth0', proto: 'boot', scope: 'global', src: null, metric: null, type: 'unicast', onlink: false, owner: 'manual' });
    expect(httpGet(lab, client, '192.168.137.130', 2 * SEC)).toBe('ERR timeout');
    expect(frames(lab).some((x) => /lvs: packet for 192\.168\.137\.130 is not for this host and ip_forward is 0/.test(x.drop ?? ''))).toBe(true);
    lab.host('lvs')!.sysctl.set('net.ipv4.ip_forward', '1');
    expect(httpGet(lab, client, '192.168.137.130', 2 * SEC)).toBe('RS1 - 192.168.137.130\n');
  });
});

describe('dr preset: ARP for the VIP', () => {
  function arpAnswersForVip(lab: Lab): string[] {
    const route = lab.host('route')!;
    const from = lab.capture.lastNo + 1;
    route.neigh.flush(() => true);
    // Route asks for the VIP (as it does when the client's first packet arrives).
    route.sendIp(VIP, IpProto.ICMP, { kind: 'icmp', type: IcmpType.EchoRequest, code: 0, rest: 1, payload: new Uint8Array(8) });
    lab.advance(SEC / 10);
    const who: string[] = [];
    for (const x of frames(lab, from)) {
      const p = x.f.payload;
      if (p.kind === 'arp' && p.op === ArpOp.Reply && p.spa === VIP) {
        const h = lab.hosts.find((hh) => [...hh.devs.values()].some((d) => d.mac === x.f.src));
        who.push(h!.hostname);
      }
    }
    return who;
  }

  it('with the VIP on RS1\'s lo and arp_ignore=0, RS1 answers route\'s ARP for the VIP; after arp_ignore=1/arp_announce=2 it does not', () => {
    const lab = createLab('dr');
    const lvs = lab.host('lvs')!, rs1 = lab.host('RS1')!;
    lvs.addAddr('eth0', VIP, 32);
    rs1.addAddr('lo', VIP, 32);
    expect(arpAnswersForVip(lab).sort()).toEqual(['RS1', 'lvs']);
    for (const k of ['net.ipv4.conf.all.arp_ignore', 'net.ipv4.conf.lo.arp_ignore']) rs1.sysctl.set(k, '1');
    for (const k of ['net.ipv4.conf.all.arp_announce', 'net.ipv4.conf.lo.arp_announce']) rs1.sysctl.set(k, '2');
    expect(arpAnswersForVip(lab)).toEqual(['lvs']);
    // The request frame carries RS1's reason for staying silent.
    const notes = [...lab.capture.range()].flatMap((r) => lab.notesOf(r.no).map((n) => n.text));
    expect(notes).toContain('RS1 did not answer: arp_ignore=1: 192.168.137.254 is not configured on eth0');
  });

  it('the client reaches RS1 through route (ip_forward=1 from /etc/sysctl.conf)', () => {
    const lab = createLab('dr');
    expect(lab.host('route')!.sysctl.get('net.ipv4.ip_forward')).toBe('1');
    expect(httpGet(lab, lab.host('client')!, '192.168.137.130')).toBe('RS1 - 192.168.137.130\n');
    const segs = new Set(frames(lab).map((x) => x.seg));
    expect(segs).toEqual(new Set(['vmnet8', 'vmnet1']));
  });

  it('a forwarded frame names the frame that caused it', () => {
    const lab = createLab('dr');
    httpGet(lab, lab.host('client')!, '192.168.137.130');
    const recs = [...lab.capture.range()];
    const syn8 = recs.find((r) => lab.segmentById(r.segment)?.name === 'vmnet8' && tcpSummary(parseFrame(r.bytes)).endsWith('[S] len 0'))!;
    const syn1 = recs.find((r) => lab.segmentById(r.segment)?.name === 'vmnet1' && tcpSummary(parseFrame(r.bytes)).endsWith('[S] len 0'))!;
    expect(syn1.cause).toBe(syn8.no);
    const synack = recs.find((r) => r.segment === syn1.segment && tcpSummary(parseFrame(r.bytes)).includes('[S.]'))!;
    expect(synack.cause).toBe(syn1.no);
    expect(syn8.cause).toBe(0);
  });

  it('rp_filter=1 drops a packet that arrives on an interface the route back does not leave by', () => {
    const lab = createLab('dr');
    const rs1 = lab.host('RS1')!;
    // A packet from the client's address arriving directly on vmnet1 (spoofed path).
    const route = lab.host('route')!;
    route.sysctl.set('net.ipv4.conf.all.rp_filter', '0');
    rs1.routes.add({ dst: ip('192.168.1.0'), prefix: 24, gw: ip('192.168.137.140'), dev: 'eth0', proto: 'boot', scope: 'global', src: null, metric: null, type: 'unicast', onlink: false, owner: 'manual' });
    rs1.loadModule('ipip');
    rs1.setLinkUp('tunl0', true);
    rs1.addAddr('tunl0', VIP, 32);
    // lvs encapsulates a client packet to RS1 (what IPVS TUN does).
    const lvs = lab.host('lvs')!;
    const inner = { kind: 'ipv4' as const, tos: 0, id: 1, df: true, ttl: 64, protocol: IpProto.ICMP, src: ip('192.168.1.111'), dst: VIP, payload: { kind: 'icmp' as const, type: IcmpType.EchoRequest, code: 0, rest: 7, payload: new Uint8Array(8) } };
    lvs.sendIp(ip('192.168.137.130'), IpProto.IPIP, inner);
    lab.advance(SEC / 10);
    expect(frames(lab).some((x) => /RS1: rp_filter=1 \(strict\) on tunl0: the route back to 192\.168\.1\.111 leaves by eth0, not tunl0/.test(x.drop ?? ''))).toBe(true);
    rs1.sysctl.set('net.ipv4.conf.tunl0.rp_filter', '0');
    const from = lab.capture.lastNo + 1;
    lvs.sendIp(ip('192.168.137.130'), IpProto.IPIP, inner);
    lab.advance(SEC / 10);
    // Now RS1 answers the client directly, from the VIP.
    const reply = frames(lab, from).find((x) => x.f.payload.kind === 'ipv4' && x.f.payload.payload.kind === 'icmp' && x.f.payload.payload.type === IcmpType.EchoReply);
    expect(reply && reply.f.payload.kind === 'ipv4' && fmtIp(reply.f.payload.src)).toBe('192.168.137.254');
  });

  it('without the ipip module, IPIP gets a protocol-unreachable and the capture names the fix', () => {
    const lab = createLab('dr');
    const lvs = lab.host('lvs')!;
    const inner = { kind: 'ipv4' as const, tos: 0, id: 1, df: true, ttl: 64, protocol: IpProto.ICMP, src: ip('192.168.1.111'), dst: VIP, payload: { kind: 'icmp' as const, type: IcmpType.EchoRequest, code: 0, rest: 7, payload: new Uint8Array(8) } };
    lvs.sendIp(ip('192.168.137.130'), IpProto.IPIP, inner);
    lab.advance(SEC / 10);
    const fr = frames(lab);
    expect(fr.some((x) => /modprobe ipip/.test(x.drop ?? ''))).toBe(true);
    expect(fr.some((x) => x.f.payload.kind === 'ipv4' && x.f.payload.payload.kind === 'icmp' && x.f.payload.payload.type === IcmpType.DestUnreachable && x.f.payload.payload.code === 2)).toBe(true);
  });
});

describe('errors a socket sees', () => {
  it('a closed port answers RST: connection refused', () => {
    const lab = createLab('nat');
    const s = lab.host('lvs')!.tcp.connect(ip('192.168.137.130'), 8080, 'test');
    if (typeof s === 'string') throw new Error(s);
    lab.advance(SEC);
    expect(s.error).toBe('ECONNREFUSED');
  });

  it('an address nobody has: ARP fails after 3 s and connect gets EHOSTUNREACH', () => {
    const lab = createLab('nat');
    const s = lab.host('lvs')!.tcp.connect(ip('192.168.137.77'), 80, 'test');
    if (typeof s === 'string') throw new Error(s);
    lab.runUntil(() => !!s.error, lab.now + 10 * SEC);
    expect(s.error).toBe('EHOSTUNREACH');
    expect(lab.now).toBeGreaterThanOrEqual(3 * SEC);
    expect(lab.host('lvs')!.neigh.get('eth1', ip('192.168.137.77'))!.state).toBe('FAILED');
  });

  it('no route: connect fails at once with ENETUNREACH and a log record', () => {
    const lab = createLab('nat');
    const rs1 = lab.host('RS1')!;
    rs1.routes.removeWhere((r) => r.prefix === 0);
    expect(rs1.tcp.connect(ip('8.8.8.8'), 80, 'test')).toBe('ENETUNREACH');
    expect([...lab.capture.range()].some((r) => r.segment === -1 && /network is unreachable/.test(r.drop?.reason ?? ''))).toBe(true);
  });

  it('TTL exceeded in transit comes back as ICMP time-exceeded from the router', () => {
    const lab = createLab('dr');
    const client = lab.host('client')!;
    const got: string[] = [];
    client.icmpListeners.add((p, icmp) => { if (icmp.type === IcmpType.TimeExceeded) got.push(fmtIp(p.src)); });
    client.sendIp(ip('192.168.137.130'), IpProto.ICMP, { kind: 'icmp', type: IcmpType.EchoRequest, code: 0, rest: 1, payload: new Uint8Array(8) }, { ttl: 1 });
    lab.advance(SEC);
    expect(got).toEqual(['192.168.1.11']);
  });
});

describe('determinism', () => {
  it('the same actions give byte-identical captures', () => {
    const run = () => {
      const lab = createLab('nat');
      httpGet(lab, lab.host('lvs')!, '192.168.137.130');
      httpGet(lab, lab.host('lvs')!, '192.168.137.200');
      return [...lab.capture.range()].map((r) => `${r.time} ${r.segment} ${Buffer.from(r.bytes).toString('hex')}`).join('\n');
    };
    expect(run()).toBe(run());
  });

  it('different seeds give different MACs and ports', () => {
    const a = createLab('nat', { seed: 'a' }).host('lvs')!.dev('eth0')!.mac;
    const b = createLab('nat', { seed: 'b' }).host('lvs')!.dev('eth0')!.mac;
    expect(a).not.toBe(b);
    void (0 as unknown as Ipv4Addr);
  });
});

describe('addresses and the local table', () => {
  it("a VIP on lo as /24 (the tutorials' classic slip) makes the whole /24 local: RS1 answers its own ping to the director", () => {
    const lab = createLab('dr');
    const rs1 = lab.host('RS1')!;
    const lvsIp = ip('192.168.137.100');
    expect(rs1.isLocal(lvsIp)).toBe(false);
    rs1.addAddr('lo', VIP, 24);
    expect(rs1.isLocal(VIP)).toBe(true);
    expect(rs1.isLocal(lvsIp)).toBe(true);
    expect(rs1.isLocal(ip('192.168.1.111'))).toBe(false);
    const from = lab.capture.lastNo + 1;
    rs1.sendIp(lvsIp, IpProto.ICMP, { kind: 'icmp', type: IcmpType.EchoRequest, code: 0, rest: 1, payload: new Uint8Array(8) });
    lab.advance(SEC / 10);
    // Nothing leaves on vmnet1: the echo and its reply stay inside RS1.
    expect(frames(lab, from).filter((x) => x.seg === 'vmnet1')).toEqual([]);
    rs1.delAddr('lo', VIP, 24);
    expect(rs1.isLocal(lvsIp)).toBe(false);
    rs1.addAddr('lo', VIP, 32);
    expect(rs1.isLocal(lvsIp)).toBe(false);
    expect(rs1.isLocal(VIP)).toBe(true);
  });

  it('deleting an address removes the routes that name it as preferred source (fib_sync_down_addr)', () => {
    const lab = createLab('nat');
    const lvs = lab.host('lvs')!;
    const extra = ip('192.168.137.99');
    lvs.addAddr('eth1', extra, 24);
    lvs.routes.add({ dst: ip('10.0.0.0'), prefix: 8, gw: ip('192.168.137.130'), dev: 'eth1', proto: 'boot', scope: 'global', src: extra, metric: null, type: 'unicast', onlink: false, owner: 'manual' });
    lvs.routes.add({ dst: ip('10.0.0.0'), prefix: 16, gw: ip('192.168.137.130'), dev: 'eth1', proto: 'boot', scope: 'global', src: null, metric: null, type: 'unicast', onlink: false, owner: 'manual' });
    expect(lvs.delAddr('eth1', extra, 24)).toBe('ok');
    const left = lvs.routes.routes.filter((r) => r.dst === ip('10.0.0.0')).map((r) => r.prefix);
    expect(left).toEqual([16]);
  });
});
