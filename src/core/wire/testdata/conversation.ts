/**
 * A lab-like capture built only from Reprs and the payload builders: the traffic of an LVS
 * lab (ARP, ping, HTTP over TCP with proper sequence numbers, TLS 1.2 and 1.3 handshakes,
 * LVS-TUN's IP-in-IP, FULLNAT's TOA option, keepalived's VRRP and gratuitous ARP, ICMP
 * errors). The tshark tests hold our dissector against Wireshark's on these frames.
 */
import { emitFrame } from '../frame.ts';
import { buildHttpRequest, buildHttpResponse } from '../http.ts';
import { icmpQuote } from '../quote.ts';
import {
  fillerBytes, tls12ClientFinish, tls12ServerFlight, tls13ServerFlight, tlsApplicationData, tlsChangeCipherSpec,
  tlsClientHello, tlsEncryptedHandshake, tlsNewSessionTicket, TlsCipherSuite,
} from '../tls.ts';
import {
  BROADCAST_MAC, ZERO_MAC, ip, mac, type EthernetRepr, type IpPayload, type Ipv4Addr, type Ipv4Repr, type MacAddr, type TcpOption,
} from '../types.ts';

export const CLIENT_MAC = mac('00:0c:29:11:22:33');
export const LVS_MAC = mac('00:0c:29:aa:bb:cc');
export const RS_MAC = mac('52:54:00:12:34:56');
export const CLIENT = ip('192.168.1.111');
export const VIP = ip('192.168.1.100');
export const DIP = ip('192.168.137.10');
export const RIP = ip('192.168.137.101');

export interface LabFrame { readonly repr: EthernetRepr; readonly bytes: Uint8Array; readonly iface: number }

const enc = new TextEncoder();
let ipId = 0x1000;

function ipv4(src: Ipv4Addr, dst: Ipv4Addr, protocol: number, payload: IpPayload, extra: Partial<Ipv4Repr> = {}): Ipv4Repr {
  return { kind: 'ipv4', tos: 0, id: (ipId++) & 0xffff, df: true, ttl: 64, protocol, src, dst, payload, ...extra };
}

/** One TCP connection; each call appends frames with correct sequence and ack numbers. */
class Conn {
  private cseq: number;
  private sseq: number;
  constructor(
    private readonly out: LabFrame[], private readonly iface: number,
    private readonly cmac: MacAddr, private readonly smac: MacAddr,
    private readonly c: Ipv4Addr, private readonly cport: number, private readonly s: Ipv4Addr, private readonly sport: number,
    isnC: number, isnS: number, private ts = 1000,
  ) {
    this.cseq = isnC;
    this.sseq = isnS;
  }
  private push(fromClient: boolean, flags: number, payload: Uint8Array, options?: TcpOption[], window = 502): void {
    const seq = fromClient ? this.cseq : this.sseq;
    const ack = fromClient ? this.sseq : this.cseq;
    this.ts++;
    const opts = options ?? [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'ts', val: this.ts, ecr: this.ts - 1 }];
    const tcp = {
      kind: 'tcp' as const, srcPort: fromClient ? this.cport : this.sport, dstPort: fromClient ? this.sport : this.cport,
      seq, ack: flags & 0x10 ? ack : 0, flags, window, options: opts, payload,
    };
    const repr: EthernetRepr = {
      src: fromClient ? this.cmac : this.smac, dst: fromClient ? this.smac : this.cmac, ethertype: 0x0800,
      payload: ipv4(fromClient ? this.c : this.s, fromClient ? this.s : this.c, 6, tcp),
    };
    this.out.push({ repr, bytes: emitFrame(repr), iface: this.iface });
    const adv = payload.length + (flags & 0x03 ? 1 : 0);
    if (fromClient) this.cseq = (this.cseq + adv) >>> 0;
    else this.sseq = (this.sseq + adv) >>> 0;
  }
  handshake(): this {
    this.push(true, 0x02, new Uint8Array(0), [{ kind: 'mss', value: 1460 }, { kind: 'sackPerm' }, { kind: 'ts', val: this.ts, ecr: 0 }, { kind: 'nop' }, { kind: 'ws', shift: 7 }], 64240);
    this.push(false, 0x12, new Uint8Array(0), [{ kind: 'mss', value: 1460 }, { kind: 'sackPerm' }, { kind: 'ts', val: this.ts, ecr: this.ts }, { kind: 'nop' }, { kind: 'ws', shift: 7 }], 65160);
    this.push(true, 0x10, new Uint8Array(0));
    return this;
  }
  client(data: Uint8Array, options?: TcpOption[]): this { this.push(true, 0x18, data, options); return this; }
  server(data: Uint8Array): this { this.push(false, 0x18, data); return this; }
  clientAck(): this { this.push(true, 0x10, new Uint8Array(0)); return this; }
  serverAck(): this { this.push(false, 0x10, new Uint8Array(0)); return this; }
  close(): this {
    this.push(true, 0x11, new Uint8Array(0));
    this.push(false, 0x11, new Uint8Array(0));
    this.push(true, 0x10, new Uint8Array(0));
    return this;
  }
}

function frame(out: LabFrame[], iface: number, src: MacAddr, dst: MacAddr, payload: EthernetRepr['payload']): void {
  const repr: EthernetRepr = { src, dst, ethertype: payload.kind === 'arp' ? 0x0806 : payload.kind === 'ipv4' ? 0x0800 : 0x88b5, payload };
  out.push({ repr, bytes: emitFrame(repr), iface });
}

/** The capture: interface 0 is the client network (vmnet1), 1 the real-server network (vmnet2). */
export function labConversation(): LabFrame[] {
  ipId = 0x1000;
  const out: LabFrame[] = [];
  // ARP and ping.
  frame(out, 0, CLIENT_MAC, BROADCAST_MAC, { kind: 'arp', op: 1, sha: CLIENT_MAC, spa: CLIENT, tha: ZERO_MAC, tpa: VIP });
  frame(out, 0, LVS_MAC, CLIENT_MAC, { kind: 'arp', op: 2, sha: LVS_MAC, spa: VIP, tha: CLIENT_MAC, tpa: CLIENT });
  const echoData = fillerBytes('ping', 56);
  frame(out, 0, CLIENT_MAC, LVS_MAC, ipv4(CLIENT, VIP, 1, { kind: 'icmp', type: 8, code: 0, rest: 0x00070001, payload: echoData }));
  frame(out, 0, LVS_MAC, CLIENT_MAC, ipv4(VIP, CLIENT, 1, { kind: 'icmp', type: 0, code: 0, rest: 0x00070001, payload: echoData }, { df: false }));
  // HTTP through the director (NAT: the client side).
  const req = buildHttpRequest({ host: '192.168.1.100', headers: [['User-Agent', 'curl/7.76.1'], ['Accept', '*/*']] });
  const body = '<html><body><h1>RS1</h1></body></html>\n';
  const res = buildHttpResponse({
    headers: [['Date', 'Wed, 25 Nov 2026 23:08:50 GMT'], ['Server', 'Apache/2.4.57 (Rocky Linux)'], ['Content-Type', 'text/html; charset=UTF-8']],
    body,
  });
  new Conn(out, 0, CLIENT_MAC, LVS_MAC, CLIENT, 41718, VIP, 80, 3000000000, 123456789)
    .handshake().client(req).serverAck().server(res).clientAck().close();
  // A response split over three segments (Content-Length says the rest follows).
  const bigBody = 'x'.repeat(2500);
  const big = buildHttpResponse({ headers: [['Content-Type', 'text/plain']], body: bigBody });
  new Conn(out, 0, CLIENT_MAC, LVS_MAC, CLIENT, 41720, VIP, 80, 5000, 9000)
    .handshake().client(buildHttpRequest({ uri: '/big.txt', host: '192.168.1.100' }))
    .server(big.subarray(0, 1200)).server(big.subarray(1200, 2400)).server(big.subarray(2400)).clientAck().close();
  // The same request as the real server sees it behind NAT (vmnet2), with the director's MAC.
  new Conn(out, 1, LVS_MAC, RS_MAC, CLIENT, 41718, RIP, 80, 3000000000, 777)
    .handshake().client(req).server(res).close();
  // TLS 1.2.
  const random = (s: string) => fillerBytes(s, 32);
  const cert = { commonName: 'www.lab.example', notBefore: Date.UTC(2026, 0, 1), notAfter: Date.UTC(2027, 0, 1) };
  new Conn(out, 0, CLIENT_MAC, LVS_MAC, CLIENT, 41800, VIP, 443, 11111, 22222)
    .handshake()
    .client(tlsClientHello({ random: random('cr'), sni: 'www.lab.example' }))
    .serverAck()
    .server(tls12ServerFlight({ random: random('sr'), cipherSuite: TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, ...cert }))
    .client(tls12ClientFinish(fillerBytes('cke', 32), fillerBytes('cfin', 40)))
    .server(new Uint8Array([...tlsNewSessionTicket(fillerBytes('ticket', 192)), ...tlsChangeCipherSpec(), ...tlsEncryptedHandshake(fillerBytes('sfin', 40))]))
    .client(tlsApplicationData(fillerBytes('req', 100)))
    .server(tlsApplicationData(fillerBytes('res', 300)))
    .close();
  // TLS 1.3.
  const sid = fillerBytes('sid', 32);
  new Conn(out, 0, CLIENT_MAC, LVS_MAC, CLIENT, 41802, VIP, 443, 33333, 44444)
    .handshake()
    .client(tlsClientHello({ random: random('cr3'), sni: 'www.lab.example', sessionId: sid, tls13: true }))
    .server(tls13ServerFlight({ random: random('sr3'), cipherSuite: TlsCipherSuite.TLS_AES_256_GCM_SHA384, sessionId: sid, ...cert }))
    .client(new Uint8Array([...tlsChangeCipherSpec(), ...tlsApplicationData(fillerBytes('cf3', 69))]))
    .client(tlsApplicationData(fillerBytes('req3', 90)))
    .server(tlsApplicationData(fillerBytes('res3', 400)))
    .close();
  // LVS-TUN: the director tunnels the client's SYN to the real server.
  const syn = {
    kind: 'tcp' as const, srcPort: 41900, dstPort: 80, seq: 5555, ack: 0, flags: 0x02, window: 64240,
    options: [{ kind: 'mss' as const, value: 1460 }], payload: new Uint8Array(0),
  };
  frame(out, 1, LVS_MAC, RS_MAC, ipv4(DIP, RIP, 4, ipv4(CLIENT, VIP, 6, syn), { df: false }));
  // FULLNAT: the director's first data segment to the RS carries the client address in TOA.
  new Conn(out, 1, LVS_MAC, RS_MAC, DIP, 5001, RIP, 80, 1000, 2000)
    .handshake()
    .client(req, [{ kind: 'toa', port: 41718, addr: CLIENT }, { kind: 'nop' }, { kind: 'nop' }, { kind: 'ts', val: 77, ecr: 66 }])
    .server(res)
    .close();
  // keepalived: VRRP advertisement and the new master's gratuitous ARP.
  frame(out, 1, mac('00:00:5e:00:01:33'), mac('01:00:5e:00:00:12'), ipv4(DIP, ip('224.0.0.18'), 112, {
    kind: 'vrrp', version: 2, type: 1, vrid: 51, priority: 100, authType: 1, advInt: 1, addrs: [VIP], authData: enc.encode('1111\0\0\0\0'),
  }, { tos: 0xc0, ttl: 255, df: false, id: 0 }));
  frame(out, 0, LVS_MAC, BROADCAST_MAC, { kind: 'arp', op: 1, sha: LVS_MAC, spa: VIP, tha: ZERO_MAC, tpa: VIP });
  frame(out, 0, LVS_MAC, BROADCAST_MAC, { kind: 'arp', op: 2, sha: LVS_MAC, spa: VIP, tha: BROADCAST_MAC, tpa: VIP });
  // ICMP errors: port unreachable for a UDP probe, fragmentation needed for a big TCP segment.
  const probe = ipv4(CLIENT, VIP, 17, { kind: 'udp', srcPort: 50000, dstPort: 9999, payload: enc.encode('probe') });
  frame(out, 0, CLIENT_MAC, LVS_MAC, probe);
  frame(out, 0, LVS_MAC, CLIENT_MAC, ipv4(VIP, CLIENT, 1, { kind: 'icmp', type: 3, code: 3, rest: 0, payload: icmpQuote(probe) }, { tos: 0xc0, df: false }));
  const bigSeg = ipv4(DIP, RIP, 6, { ...syn, flags: 0x18, ack: 1, seq: 99, options: [], payload: fillerBytes('seg', 1440) });
  frame(out, 1, RS_MAC, LVS_MAC, ipv4(RIP, DIP, 1, { kind: 'icmp', type: 3, code: 4, rest: 1480, payload: icmpQuote(bigSeg, 28) }, { tos: 0xc0, df: false }));
  frame(out, 0, LVS_MAC, CLIENT_MAC, ipv4(VIP, CLIENT, 1, { kind: 'icmp', type: 11, code: 0, rest: 0, payload: icmpQuote(probe, 28) }, { tos: 0xc0, df: false }));
  return out;
}
