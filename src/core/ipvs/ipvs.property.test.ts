/**
 * Property test (fast-check): random sequences of service and destination changes, packets of
 * random TCP flows and jumps of the virtual clock never break the connection accounting:
 *  - every destination's ActiveConn + InActConn equals the connections bound to it, and
 *    PersistConn the templates bound to it (ip_vs_bind_dest/unbind_dest, state changes);
 *  - no connection outlives its timeout on the virtual clock (nothing in the table is overdue),
 *    and with no more packets the table empties once the longest timeout has passed;
 *  - counters never go negative, and control (template) references balance.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLab } from '../lab/presets.ts';
import type { Lab } from '../lab/lab.ts';
import { Hook, type Skb } from '../netfilter/hooks.ts';
import { SEC } from '../sim/events.ts';
import { EMPTY, IpProto, TcpFlag, ip, type Ipv4Addr } from '../wire/types.ts';
import type { Dest } from './dest.ts';
import { Ipvs, type DestUser, type ServiceUser } from './ipvs.ts';
import { Fwd, KERNEL_SCHEDULERS, SvcF } from './types.ts';

const VIP = ip('192.168.1.100');
const PORTS = [80, 81];
const RIPS = ['192.168.137.130', '192.168.137.200', '192.168.137.50', '192.168.137.60'].map(ip);
const CLIENTS = ['192.168.1.111', '192.168.1.112', '192.168.1.113'].map(ip);
const FLAGS = [TcpFlag.SYN, TcpFlag.ACK, TcpFlag.FIN | TcpFlag.ACK, TcpFlag.RST, TcpFlag.SYN | TcpFlag.ACK, TcpFlag.PSH | TcpFlag.ACK];

type Op =
  | { k: 'svc'; port: number; sched: string; persist: number; edit: boolean }
  | { k: 'delsvc'; port: number }
  | { k: 'dest'; port: number; rip: number; w: number; fwd: number; u: number; edit: boolean }
  | { k: 'deldest'; port: number; rip: number }
  | { k: 'pkt'; client: number; cport: number; port: number; flags: number; mark: boolean }
  | { k: 'advance'; s: number }
  | { k: 'flush' }
  | { k: 'set'; tcp: number; fin: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ k: fc.constant('svc' as const), port: fc.constantFrom(...PORTS, 0), sched: fc.constantFrom(...KERNEL_SCHEDULERS), persist: fc.constantFrom(0, 0, 5, 60, 300), edit: fc.constantFrom(false, false, true) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('delsvc' as const), port: fc.constantFrom(...PORTS, 0) }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('dest' as const), port: fc.constantFrom(...PORTS, 0), rip: fc.integer({ min: 0, max: 3 }), w: fc.integer({ min: 0, max: 3 }),
    fwd: fc.constantFrom(Fwd.MASQ, Fwd.DROUTE, Fwd.TUNNEL), u: fc.constantFrom(0, 0, 1, 2, 3), edit: fc.constantFrom(false, false, true) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('deldest' as const), port: fc.constantFrom(...PORTS, 0), rip: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 12, arbitrary: fc.record({ k: fc.constant('pkt' as const), client: fc.integer({ min: 0, max: 2 }), cport: fc.integer({ min: 40000, max: 40003 }), port: fc.constantFrom(...PORTS),
    flags: fc.constantFrom(...FLAGS), mark: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('advance' as const), s: fc.constantFrom(0.5, 2, 30, 61, 121, 400) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('flush' as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('set' as const), tcp: fc.constantFrom(0, 5, 900), fin: fc.constantFrom(0, 3, 120) }) },
);

/** Port 0 stands for the fwmark service 7. */
const key = (port: number) => (port === 0 ? { fwmark: 7, protocol: 6, addr: 0, port: 0 } : { fwmark: 0, protocol: 6, addr: VIP, port });

function apply(lab: Lab, x: Ipvs, op: Op): void {
  switch (op.k) {
    case 'svc': {
      const u: ServiceUser = { ...key(op.port), schedName: op.sched, flags: op.persist || op.port === 0 ? SvcF.PERSISTENT : 0, timeout: op.persist || 360, netmask: 0xffffffff, pe: '' };
      if (op.edit) x.editService(u); else x.addService(u);
      break;
    }
    case 'delsvc': x.delService(key(op.port)); break;
    case 'dest': {
      const u: DestUser = { addr: RIPS[op.rip], port: op.port === 0 ? 0 : 80, fwd: op.fwd, weight: op.w, uThreshold: op.u, lThreshold: 0, tunType: 0, tunPort: 0, tunFlags: 0 };
      if (op.edit) x.editDest(key(op.port), u); else x.addDest(key(op.port), u);
      break;
    }
    case 'deldest': x.delDest(key(op.port), RIPS[op.rip], op.port === 0 ? 0 : 80); break;
    case 'pkt': {
      const skb: Skb = {
        ip: { kind: 'ipv4', tos: 0, id: 1, df: true, ttl: 64, protocol: IpProto.TCP, src: CLIENTS[op.client], dst: VIP as Ipv4Addr,
          payload: { kind: 'tcp', srcPort: op.cport, dstPort: op.port, seq: 1, ack: 1, flags: op.flags, window: 512, options: [], payload: EMPTY } },
        inDev: 'eth0', outDev: null, nexthop: 0, mark: op.mark ? 7 : 0, frameNo: 0,
      };
      if (x.hooked) x.handle(skb, Hook.LOCAL_IN);
      break;
    }
    case 'advance': lab.advance(op.s * SEC); break;
    case 'flush': x.flush(); break;
    case 'set': x.setTimeout(op.tcp, op.fin, 0); break;
  }
  lab.advance(0);
}

function check(x: Ipvs, now: number): void {
  const dests = new Set<Dest>(x.trash);
  for (const s of x.rawServices()) for (const d of s.dests) dests.add(d);
  const conns = [...x.conns.all];
  for (const c of conns) {
    if (c.dest) dests.add(c.dest);
    expect(c.dead).toBe(false);
    expect(c.expires).toBeGreaterThanOrEqual(now);       // nothing overdue
    expect(c.nControl).toBeGreaterThanOrEqual(0);
    if (c.control) expect(c.control.template).toBe(true);
  }
  for (const t of conns.filter((c) => c.template)) {
    expect(t.nControl).toBe(conns.filter((c) => c.control === t).length);
  }
  for (const d of dests) {
    const mine = conns.filter((c) => c.dest === d);
    const plain = mine.filter((c) => !c.template);
    expect(d.activeConns).toBeGreaterThanOrEqual(0);
    expect(d.inactConns).toBeGreaterThanOrEqual(0);
    expect(d.activeConns + d.inactConns).toBe(plain.length);
    expect(d.inactConns).toBe(plain.filter((c) => c.inactive).length);
    expect(d.persistConns).toBe(mine.length - plain.length);
    expect(d.refs).toBe(mine.length);
  }
}

describe('IPVS accounting under random operations', () => {
  it('counters match the connection table and nothing outlives its timeout', () => {
    let seen = 0;
    fc.assert(fc.property(fc.array(opArb, { minLength: 20, maxLength: 80 }), (ops) => {
      const lab = createLab('nat');
      const x = Ipvs.load(lab.host('lvs')!);
      for (const op of ops) {
        apply(lab, x, op);
        check(x, lab.now);
        seen = Math.max(seen, x.conns.size);
      }
      // No more packets: once the longest timeout (ESTABLISHED 900 s, templates 300 s + 60 s
      // re-arms while they still control entries) has passed, the table is empty.
      lab.advance(1000 * SEC);
      lab.advance(1000 * SEC);
      check(x, lab.now);
      expect(x.conns.size).toBe(0);
      for (const s of x.rawServices()) for (const d of s.dests) expect([d.activeConns, d.inactConns, d.persistConns]).toEqual([0, 0, 0]);
    }), { numRuns: 40, seed: 20240514 });
    expect(seen).toBeGreaterThan(2);   // the sequences do create connections
  });
});
