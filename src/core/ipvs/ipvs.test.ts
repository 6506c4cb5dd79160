/**
 * The IPVS kernel model driven packet by packet (no shell): the TCP state tables, UDP and
 * one-packet scheduling, connection reuse, what happens to connections and templates when a
 * real server is removed, the trash, and the kernel log lines.
 */
import { describe, expect, it } from 'vitest';
import { createLab } from '../lab/presets.ts';
import type { Lab } from '../lab/lab.ts';
import { Hook, Verdict, type Skb } from '../netfilter/hooks.ts';
import { SEC } from '../sim/events.ts';
import { EMPTY, IpProto, TcpFlag, ip, type Ipv4Addr } from '../wire/types.ts';
import { Dir, nextTcpState } from './conn.ts';
import { Ipvs, type DestUser, type ServiceUser } from './ipvs.ts';
import { procIpVsConn } from './procfs.ts';
import { Fwd, SvcF, TcpS } from './types.ts';

const VIP = ip('192.168.1.100');
const CLIENT = ip('192.168.1.111');
const RS1 = ip('192.168.137.130'), RS2 = ip('192.168.137.200');
const { SYN, ACK, FIN, RST } = TcpFlag;

function svcU(port: number, sched = 'rr', extra: Partial<ServiceUser> = {}): ServiceUser {
  return { fwmark: 0, protocol: 6, addr: VIP, port, schedName: sched, flags: 0, timeout: 0, netmask: 0xffffffff, pe: '', ...extra };
}
function destU(addr: number, fwd: number = Fwd.MASQ, extra: Partial<DestUser> = {}): DestUser {
  return { addr, port: 80, fwd, weight: 1, uThreshold: 0, lThreshold: 0, tunType: 0, tunPort: 0, tunFlags: 0, ...extra };
}

function setup(fwd: number = Fwd.MASQ, sched = 'rr', svcExtra: Partial<ServiceUser> = {}): { lab: Lab; x: Ipvs } {
  const lab = createLab('nat');
  const x = Ipvs.load(lab.host('lvs')!);
  expect(x.addService(svcU(80, sched, svcExtra))).toBe(null);
  expect(x.addDest(svcU(80), destU(RS1, fwd))).toBe(null);
  expect(x.addDest(svcU(80), destU(RS2, fwd))).toBe(null);
  return { lab, x };
}

function tcp(x: Ipvs, flags: number, cport = 40000, src = CLIENT, dport = 80): number {
  const skb: Skb = {
    ip: { kind: 'ipv4', tos: 0, id: 1, df: true, ttl: 64, protocol: IpProto.TCP, src: src as Ipv4Addr, dst: VIP as Ipv4Addr,
      payload: { kind: 'tcp', srcPort: cport, dstPort: dport, seq: 1, ack: 1, flags, window: 512, options: [], payload: EMPTY } },
    inDev: 'eth0', outDev: null, nexthop: 0, mark: 0, frameNo: 0,
  };
  return x.handle(skb, Hook.LOCAL_IN);
}

/** A reply from a real server as the FORWARD hook sees it (NAT). */
function reply(x: Ipvs, flags: number, from = RS2, cport = 40000): number {
  const skb: Skb = {
    ip: { kind: 'ipv4', tos: 0, id: 1, df: true, ttl: 64, protocol: IpProto.TCP, src: from as Ipv4Addr, dst: CLIENT as Ipv4Addr,
      payload: { kind: 'tcp', srcPort: 80, dstPort: cport, seq: 1, ack: 1, flags, window: 512, options: [], payload: EMPTY } },
    inDev: 'eth1', outDev: 'eth0', nexthop: CLIENT, mark: 0, frameNo: 0,
  };
  const v = x.handle(skb, Hook.FORWARD);
  expect(skb.ip.src).toBe(VIP);
  return v;
}

const stateOf = (x: Ipvs) => [...x.conns.all].filter((c) => !c.template).map((c) => c.stateName);

describe('TCP states (ip_vs_proto_tcp.c tcp_states[])', () => {
  it.each([
    [Dir.INPUT, SYN, TcpS.NONE, TcpS.SYN_RECV],
    [Dir.INPUT, ACK, TcpS.SYN_RECV, TcpS.ESTABLISHED],
    [Dir.INPUT, FIN | ACK, TcpS.ESTABLISHED, TcpS.CLOSE_WAIT],
    [Dir.OUTPUT, FIN | ACK, TcpS.CLOSE_WAIT, TcpS.TIME_WAIT],
    [Dir.OUTPUT, FIN | ACK, TcpS.ESTABLISHED, TcpS.FIN_WAIT],
    [Dir.INPUT_ONLY, FIN | ACK, TcpS.ESTABLISHED, TcpS.FIN_WAIT],
    [Dir.INPUT_ONLY, ACK, TcpS.FIN_WAIT, TcpS.FIN_WAIT],
    [Dir.INPUT, RST, TcpS.ESTABLISHED, TcpS.CLOSE],
    [Dir.OUTPUT, SYN | ACK, TcpS.SYN_RECV, TcpS.SYN_RECV],
    [Dir.INPUT, 0, TcpS.ESTABLISHED, TcpS.CLOSE],          // no flag at all: CLOSE
    [Dir.INPUT, ACK, TcpS.NONE, TcpS.ESTABLISHED],          // 4.x+ (3.x had CLOSE)
  ])('dir %i flags 0x%s from %i → %i', (dir, flags, from, to) => {
    expect(nextTcpState(dir as Dir, flags, from)).toBe(to);
  });

  it('NAT flow: SR, ES, CW, TW; active while SR/ES (5.x table), inactive in TIME_WAIT for 120 s', () => {
    const { x } = setup();
    tcp(x, SYN);
    const d = x.rawServices()[0].dests[0];   // RS2, the head, got it
    expect([stateOf(x), d.activeConns, d.inactConns]).toEqual([['SYN_RECV'], 1, 0]);
    reply(x, SYN | ACK);
    tcp(x, ACK);
    expect(stateOf(x)).toEqual(['ESTABLISHED']);
    tcp(x, FIN | ACK);
    expect([stateOf(x), d.activeConns, d.inactConns]).toEqual([['CLOSE_WAIT'], 0, 1]);
    reply(x, FIN | ACK);
    tcp(x, ACK);
    expect(stateOf(x)).toEqual(['TIME_WAIT']);
    const c = [...x.conns.all][0];
    expect(c.expires - x.host.now).toBe(120 * SEC);
  });

  it('DR flow uses the input-only table: SR, ES, FW (120 s)', () => {
    const { x } = setup(Fwd.DROUTE);
    tcp(x, SYN); tcp(x, ACK); tcp(x, FIN | ACK); tcp(x, ACK);
    expect(stateOf(x)).toEqual(['FIN_WAIT']);
  });

  it('--set changes the ESTABLISHED and FIN_WAIT timeouts', () => {
    const { x } = setup(Fwd.DROUTE);
    x.setTimeout(30, 5, 0);
    tcp(x, SYN); tcp(x, ACK);
    const c = [...x.conns.all][0];
    expect(c.expires - x.host.now).toBe(30 * SEC);
    tcp(x, FIN | ACK);
    expect(c.expires - x.host.now).toBe(5 * SEC);
  });

  it('a new SYN on a TIME_WAIT tuple expires the old entry and schedules again (conn_reuse_mode=1)', () => {
    const { lab, x } = setup();
    tcp(x, SYN); reply(x, SYN | ACK); tcp(x, ACK); tcp(x, FIN | ACK); reply(x, FIN | ACK); tcp(x, ACK);
    expect(tcp(x, SYN)).toBe(Verdict.STOLEN);
    lab.advance(0);
    expect(stateOf(x)).toEqual(['SYN_RECV']);
    expect([...x.conns.all][0].daddr).toBe(RS1);   // rr moved on
  });

  it('without a SYN nothing is scheduled (sloppy_tcp=0): the packet goes to the local stack', () => {
    const { x } = setup();
    expect(tcp(x, ACK)).toBe(Verdict.ACCEPT);
    expect(x.conns.size).toBe(0);
    x.sys.sloppy_tcp.value = 1;
    expect(tcp(x, ACK)).toBe(Verdict.STOLEN);
    expect(x.conns.size).toBe(1);
  });

  it('packets for other hosts (not PACKET_HOST) are not IPVS business', () => {
    const { x } = setup();
    const skb: Skb = { ip: { kind: 'ipv4', tos: 0, id: 1, df: true, ttl: 64, protocol: 6, src: CLIENT, dst: ip('192.168.1.255'),
      payload: { kind: 'tcp', srcPort: 1, dstPort: 80, seq: 0, ack: 0, flags: SYN, window: 0, options: [], payload: EMPTY } }, inDev: 'eth0', outDev: null, nexthop: 0, mark: 0, frameNo: 0 };
    expect(x.handle(skb, Hook.LOCAL_IN)).toBe(Verdict.ACCEPT);
  });
});

describe('UDP and one-packet scheduling', () => {
  function udp(x: Ipvs, cport: number): number {
    const skb: Skb = { ip: { kind: 'ipv4', tos: 0, id: 1, df: true, ttl: 64, protocol: IpProto.UDP, src: CLIENT, dst: VIP as Ipv4Addr,
      payload: { kind: 'udp', srcPort: cport, dstPort: 53, payload: new Uint8Array(20) } }, inDev: 'eth0', outDev: null, nexthop: 0, mark: 0, frameNo: 0 };
    return x.handle(skb, Hook.LOCAL_IN);
  }

  it('every packet of a new flow is scheduled; the entry lives 300 s in state UDP', () => {
    const lab = createLab('nat');
    const x = Ipvs.load(lab.host('lvs')!);
    const k = { ...svcU(53), protocol: 17 };
    x.addService(k); x.addDest(k, destU(RS1)); x.addDest(k, destU(RS2));
    udp(x, 5000); udp(x, 5000); udp(x, 5001);
    expect(procIpVsConn(x).split('\n').slice(1).filter(Boolean).map((l) => l.replace(/ +/g, ' '))).toEqual(
      expect.arrayContaining(['UDP C0A8016F 1388 C0A80164 0035 C0A889C8 0050 UDP 300', 'UDP C0A8016F 1389 C0A80164 0035 C0A88982 0050 UDP 300']));
    expect(x.rawServices()[0].stats.k.conns).toBe(2);
  });

  it('-o: each datagram is scheduled on its own and leaves no entry', () => {
    const lab = createLab('nat');
    const x = Ipvs.load(lab.host('lvs')!);
    const k = { ...svcU(53), protocol: 17, flags: SvcF.ONEPACKET };
    x.addService(k); x.addDest(k, destU(RS1)); x.addDest(k, destU(RS2));
    udp(x, 5000); udp(x, 5000);
    lab.advance(0);
    expect(x.conns.size).toBe(0);
    expect(x.rawServices()[0].dests.map((d) => d.stats.k.conns)).toEqual([1, 1]);
    expect(x.rawServices()[0].dests.map((d) => d.inactConns)).toEqual([0, 0]);
  });
});

describe('removing real servers', () => {
  it('packets of a removed server\'s connection are dropped (expire_nodest_conn=0) or the entry expires (=1)', () => {
    const { x } = setup(Fwd.DROUTE);
    tcp(x, SYN);
    x.delDest(svcU(80), RS2, 80);
    expect(tcp(x, ACK)).toBe(Verdict.DROP);
    x.sys.expire_nodest_conn.value = 1;
    expect(tcp(x, ACK)).toBe(Verdict.ACCEPT);   // entry expired, ACK without a SYN is not scheduled
  });

  it('a template whose server is gone is invalidated (ports 65535) and the next connection is rescheduled', () => {
    const { lab, x } = setup(Fwd.DROUTE, 'rr', { flags: SvcF.PERSISTENT, timeout: 300 });
    tcp(x, SYN, 40000);
    x.delDest(svcU(80), RS2, 80);
    tcp(x, SYN, 40001);
    lab.advance(0);
    const tpls = [...x.conns.all].filter((c) => c.template);
    expect(tpls.map((t) => [t.vport, t.dport, t.daddr])).toEqual(expect.arrayContaining([[65535, 65535, RS2], [80, 80, RS1]]));
  });

  it('a deleted, unreferenced server leaves the trash 120 s after its last connection', () => {
    const { lab, x } = setup(Fwd.DROUTE);
    tcp(x, SYN); tcp(x, ACK); tcp(x, FIN | ACK);
    x.delDest(svcU(80), RS2, 80);
    expect(x.trash).toHaveLength(1);
    lab.advance(121 * SEC);            // FIN_WAIT expired
    x.purgeTrash();
    expect(x.trash).toHaveLength(1);
    lab.advance(121 * SEC);
    x.purgeTrash();
    expect(x.trash).toHaveLength(0);
  });
});

describe('the kernel log', () => {
  it('no destination: "IPVS: rr: TCP 192.168.1.100:80 - no destination available", rate limited', () => {
    const lab = createLab('nat');
    const h = lab.host('lvs')!;
    const x = Ipvs.load(h);
    x.addService(svcU(80));
    for (let i = 0; i < 15; i++) tcp(x, SYN, 40000 + i);
    const lines = h.sd.journal.filter((e) => e.ident === 'kernel' && e.msg.startsWith('IPVS: rr:'));
    expect(lines[0].msg).toBe('IPVS: rr: TCP 192.168.1.100:80 - no destination available');
    expect(lines).toHaveLength(10);
  });

  it('an unknown scheduler is reported as the kernel does', () => {
    const lab = createLab('nat');
    const h = lab.host('lvs')!;
    expect(Ipvs.load(h).addService(svcU(80, 'twos'))).toBe('ENOENT');
    expect(h.sd.journal.some((e) => e.msg === 'IPVS: Scheduler module ip_vs_twos not found')).toBe(true);
  });
});

describe('rates through real counting', () => {
  it('--rate numbers come from the 2 s estimator on the virtual clock', () => {
    const { lab, x } = setup(Fwd.DROUTE);
    for (let i = 0; i < 8; i++) tcp(x, SYN, 41000 + i);
    lab.advance(2 * SEC);
    x.catchUp();
    const r = x.rawServices()[0].stats.rates();
    expect(r.cps).toBe(1);             // 8 << 9 = 4096, /4 = 1024 → (1024 + 511) >> 10 = 1
    expect(r.inpps).toBe(1);
    lab.advance(60 * SEC);
    x.catchUp();
    expect(x.rawServices()[0].stats.rates().cps).toBe(0);
  });
});
