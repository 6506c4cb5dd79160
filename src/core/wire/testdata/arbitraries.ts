/**
 * fast-check generators of valid, canonical Reprs (see frame.ts for what canonical means),
 * for the property tests: parse(emit(r)) must give r back exactly.
 */
import fcBase from 'fast-check';

// fc.record builds null-prototype objects, which toStrictEqual tells apart from literals.
const fc = { ...fcBase, record: ((m: never) => fcBase.record(m, { noNullPrototype: true })) as typeof fcBase.record };
type Arb<T> = fcBase.Arbitrary<T>;
import type {
  ArpRepr, EthernetRepr, IcmpRepr, IpPayload, Ipv4Addr, Ipv4Repr, MacAddr, RawRepr, TcpOption, TcpRepr, UdpRepr, VrrpRepr,
} from '../types.ts';
import { tcpOptionsLen } from '../tcp.ts';

export const u8 = fc.integer({ min: 0, max: 255 });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffffffff });
export const macAddr: Arb<MacAddr> = fc.tuple(u16, u32).map(([hi, lo]) => (hi * 4294967296 + lo) as MacAddr);
export const ipv4Addr: Arb<Ipv4Addr> = u32.map((a) => a as Ipv4Addr);
const bytes = (max: number, min = 0) => fc.uint8Array({ minLength: min, maxLength: max });

export const arpRepr: Arb<ArpRepr> = fc.record({
  kind: fc.constant('arp' as const), op: u16, sha: macAddr, spa: ipv4Addr, tha: macAddr, tpa: ipv4Addr,
});

const KNOWN_OPTION_KINDS = new Set([0, 1, 2, 3, 4, 5, 8, 254]);
export const tcpOption: Arb<TcpOption> = fc.oneof(
  fc.constant({ kind: 'eol' as const }),
  fc.constant({ kind: 'nop' as const }),
  u16.map((value) => ({ kind: 'mss' as const, value })),
  u8.map((shift) => ({ kind: 'ws' as const, shift })),
  fc.constant({ kind: 'sackPerm' as const }),
  fc.array(fc.tuple(u32, u32), { maxLength: 3 }).map((blocks) => ({ kind: 'sack' as const, blocks })),
  fc.tuple(u32, u32).map(([val, ecr]) => ({ kind: 'ts' as const, val, ecr })),
  fc.tuple(u16, ipv4Addr).map(([port, addr]) => ({ kind: 'toa' as const, port, addr })),
  fc.tuple(u8.filter((k) => !KNOWN_OPTION_KINDS.has(k)), bytes(6)).map(([type, data]) => ({ kind: 'unknown' as const, type, data })),
);
export const tcpOptions = fc.array(tcpOption, { maxLength: 8 })
  .filter((o) => tcpOptionsLen(o) <= 40 && (o.length === 0 || o[o.length - 1].kind !== 'eol'));

export const tcpRepr: Arb<TcpRepr> = fc.record({
  srcPort: u16, dstPort: u16, seq: u32, ack: u32, flags: u8, window: u16,
  urgent: fc.option(fc.integer({ min: 1, max: 0xffff }), { nil: undefined }),
  options: tcpOptions, payload: bytes(64),
}).map(({ urgent, ...r }) => (urgent === undefined ? { kind: 'tcp' as const, ...r } : { kind: 'tcp' as const, ...r, urgent }));

export const udpRepr: Arb<UdpRepr> = fc.record({
  kind: fc.constant('udp' as const), srcPort: u16, dstPort: u16, payload: bytes(64),
});

export const icmpRepr: Arb<IcmpRepr> = fc.record({
  kind: fc.constant('icmp' as const), type: u8, code: u8, rest: u32, payload: bytes(64),
});

export const vrrpRepr: Arb<VrrpRepr> = fc.record({
  kind: fc.constant('vrrp' as const), version: fc.constant(2), type: fc.integer({ min: 0, max: 15 }), vrid: u8, priority: u8,
  authType: u8, advInt: u8, addrs: fc.array(ipv4Addr, { maxLength: 6 }), authData: bytes(8, 8),
});

export const rawRepr = (min = 0, max = 64): Arb<RawRepr> =>
  bytes(max, min).map((b) => ({ kind: 'raw' as const, bytes: b }));

const DECODED_PROTOCOLS = new Set([1, 4, 6, 17, 112]);

interface IpHead {
  tos: number; id: number; df: boolean; ttl: number; src: Ipv4Addr; dst: Ipv4Addr; options: Uint8Array | undefined;
}
const ipHead: Arb<IpHead> = fc.record({
  tos: u8, id: u16, df: fc.boolean(), ttl: u8, src: ipv4Addr, dst: ipv4Addr,
  options: fcBase.oneof(
    { weight: 8, arbitrary: fcBase.constant(undefined) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 10 }).chain((n) => bytes(4 * n, 4 * n)) },
  ),
});

function ipv4(h: IpHead, protocol: number, payload: IpPayload, frag?: { mf: boolean; fragOffset: number }): Ipv4Repr {
  const { options, ...rest } = h;
  let r: Ipv4Repr = { kind: 'ipv4', ...rest, protocol, payload };
  if (frag?.mf) r = { ...r, mf: true };
  if (frag?.fragOffset) r = { ...r, fragOffset: frag.fragOffset };
  if (options !== undefined) r = { ...r, options };
  return r;
}

const PROTO: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, vrrp: 112, ipv4: 4 };

function ipv4ReprOf(inner: Arb<Ipv4Repr> | null): Arb<Ipv4Repr> {
  const transports: Arb<IpPayload>[] = [tcpRepr, udpRepr, icmpRepr, vrrpRepr];
  if (inner) transports.push(inner);
  const whole = fc.tuple(ipHead, fc.oneof(...transports)).map(([h, p]) => ipv4(h, PROTO[p.kind], p));
  const unknownProto = fc.tuple(ipHead, u8.filter((p) => !DECODED_PROTOCOLS.has(p)), rawRepr())
    .map(([h, proto, p]) => ipv4(h, proto, p));
  const fragment = fc.tuple(ipHead, u8, rawRepr(), fc.boolean(), fc.integer({ min: 0, max: 0x1fff }))
    .filter(([, , , mf, off]) => mf || off !== 0)
    .map(([h, proto, p, mf, fragOffset]) => ipv4(h, proto, p, { mf, fragOffset }));
  return fc.oneof({ arbitrary: whole, weight: 6 }, { arbitrary: unknownProto, weight: 1 }, { arbitrary: fragment, weight: 1 });
}

/** IPv4 with any payload, including one level of IP-in-IP. */
export const ipv4Repr: Arb<Ipv4Repr> = ipv4ReprOf(ipv4ReprOf(null));

export const ethernetRepr: Arb<EthernetRepr> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ src: macAddr, dst: macAddr, ethertype: fc.constant(0x0800), payload: ipv4Repr as Arb<Ipv4Repr | ArpRepr | RawRepr> }) },
  { weight: 1, arbitrary: fc.record({ src: macAddr, dst: macAddr, ethertype: fc.constant(0x0806), payload: arpRepr as Arb<Ipv4Repr | ArpRepr | RawRepr> }) },
  { weight: 1, arbitrary: fc.record({
    src: macAddr, dst: macAddr, ethertype: u16.filter((t) => t !== 0x0800 && t !== 0x0806),
    payload: rawRepr(46, 100) as Arb<Ipv4Repr | ArpRepr | RawRepr>,
  }) },
);
