import { describe, expect, it } from 'vitest';
import { isWireError } from './error.ts';
import { emitFrame, parseFrame } from './frame.ts';
import { emitTcp, emitTcpOptions, parseTcp, parseTcpOptions, tcpBufferLen, tcpOptionsLen, TcpView } from './tcp.ts';
import { HTTP_GET, TCP_ACK, TCP_RST_ACK, TCP_SYN, TCP_SYN_ACK, padded } from './testdata/vectors.ts';
import { TcpFlag, ip, type Ipv4Addr, type TcpOption, type TcpRepr } from './types.ts';

// TCP_SYN: 192.168.1.111.44042 > 192.168.1.100.80: Flags [S], seq 2885406821, win 64240,
// options [mss 1460,sackOK,TS val 4152052812 ecr 0,nop,wscale 10] (see testdata/vectors.ts)
const BYTES = TCP_SYN.subarray(34);
const SRC = ip('192.168.1.111');
const DST = ip('192.168.1.100');
const REPR: TcpRepr = {
  kind: 'tcp', srcPort: 44042, dstPort: 80, seq: 2885406821, ack: 0, flags: TcpFlag.SYN, window: 64240,
  options: [
    { kind: 'mss', value: 1460 }, { kind: 'sackPerm' }, { kind: 'ts', val: 4152052812, ecr: 0 },
    { kind: 'nop' }, { kind: 'ws', shift: 10 },
  ],
  payload: new Uint8Array(0),
};

function view(b: Uint8Array): TcpView {
  const v = TcpView.check(b);
  if (isWireError(v)) throw new Error(v.detail);
  return v;
}

describe('tcp', () => {
  it('deconstructs', () => {
    const v = view(BYTES);
    expect(v.srcPort).toBe(44042);
    expect(v.dstPort).toBe(80);
    expect(v.seq).toBe(0xabfbd065);
    expect(v.ack).toBe(0);
    expect(v.headerLen).toBe(40);
    expect(v.flags).toBe(TcpFlag.SYN);
    expect(v.window).toBe(64240);
    expect(v.checksum).toBe(0x5c64);
    expect(v.urgent).toBe(0);
    expect(v.options.length).toBe(20);
    expect(v.payload.length).toBe(0);
    expect(v.verifyChecksum(SRC, DST)).toBe(true);
  });

  it('constructs', () => {
    const b = new Uint8Array(40);
    const v = TcpView.unchecked(b);
    v.srcPort = 44042; v.dstPort = 80; v.seq = 0xabfbd065; v.ack = 0; v.headerLen = 40;
    v.flags = TcpFlag.SYN; v.window = 64240; v.urgent = 0;
    expect(emitTcpOptions(REPR.options, b, 20)).toBe(20);
    v.fillChecksum(SRC, DST);
    expect(b).toEqual(BYTES);
  });

  it('parses', () => {
    expect(parseTcp(view(BYTES), SRC, DST)).toEqual(REPR);
  });

  it('emits', () => {
    const b = new Uint8Array(tcpBufferLen(REPR));
    expect(emitTcp(REPR, b, 0, SRC, DST)).toBe(40);
    expect(b).toEqual(BYTES);
  });

  it('round-trips real segments byte for byte', () => {
    for (const f of [TCP_SYN, TCP_SYN_ACK, TCP_ACK, HTTP_GET, TCP_RST_ACK]) {
      const r = parseFrame(f, { verifyChecksums: true });
      expect(r.payload).toMatchObject({ kind: 'ipv4', payload: { kind: 'tcp' } });
      expect(emitFrame(r)).toEqual(padded(f));
    }
  });

  it('decodes the HTTP request payload and the ACK timestamps', () => {
    const r = parseFrame(HTTP_GET);
    const tcp = (r.payload as { payload: TcpRepr }).payload;
    expect(tcp.flags).toBe(TcpFlag.PSH | TcpFlag.ACK);
    expect(tcp.options).toEqual([{ kind: 'nop' }, { kind: 'nop' }, { kind: 'ts', val: 4152052813, ecr: 3657293563 }]);
    expect(new TextDecoder().decode(tcp.payload)).toMatch(/^GET \/index.html HTTP\/1.1\r\nHost: 192.168.1.100\r\n/);
  });

  it('encodes the FULLNAT TOA option as kind 254, length 8, port, address', () => {
    const opts: TcpOption[] = [{ kind: 'toa', port: 41718, addr: ip('192.168.1.111') }];
    const b = new Uint8Array(8);
    expect(emitTcpOptions(opts, b, 0)).toBe(8);
    expect([...b]).toEqual([254, 8, 0xa2, 0xf6, 192, 168, 1, 111]);
    expect(parseTcpOptions(b, 0, 8)).toEqual(opts);
    // kind 254 with another length is an RFC 6994 experiment, kept as unknown
    expect(parseTcpOptions(Uint8Array.of(254, 4, 0xf9, 0x89), 0, 4)).toEqual([{ kind: 'unknown', type: 254, data: Uint8Array.of(0xf9, 0x89) }]);
  });

  it('pads options to 4 bytes and reads padding back as nothing', () => {
    const opts: TcpOption[] = [{ kind: 'ws', shift: 7 }];
    expect(tcpOptionsLen(opts)).toBe(4);
    const b = new Uint8Array(4);
    emitTcpOptions(opts, b, 0);
    expect([...b]).toEqual([3, 3, 7, 0]);
    expect(parseTcpOptions(b, 0, 4)).toEqual(opts);
    // EOL followed by something other than padding is kept, and parsing goes on.
    expect(parseTcpOptions(Uint8Array.of(0, 1, 0, 0), 0, 4)).toEqual([{ kind: 'eol' }, { kind: 'nop' }]);
  });

  it('decodes SACK blocks and unknown options', () => {
    const opts: TcpOption[] = [
      { kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [[1000, 2000], [3000, 4000]] },
      { kind: 'unknown', type: 30, data: Uint8Array.of(1, 2) }, // MPTCP
    ];
    const b = new Uint8Array(tcpOptionsLen(opts));
    emitTcpOptions(opts, b, 0);
    expect(parseTcpOptions(b, 0, b.length)).toEqual(opts);
  });

  it('calls options that run past the header malformed', () => {
    expect(parseTcpOptions(Uint8Array.of(2, 4, 5), 0, 3)).toMatchObject({ kind: 'error' });
    expect(parseTcpOptions(Uint8Array.of(2), 0, 1)).toMatchObject({ kind: 'error' });
    expect(parseTcpOptions(Uint8Array.of(8, 1, 0, 0), 0, 4)).toMatchObject({ kind: 'error' });
  });

  it('keeps a non-zero urgent pointer and drops a zero one', () => {
    const r: TcpRepr = { ...REPR, flags: TcpFlag.URG | TcpFlag.ACK, urgent: 7, options: [] };
    const b = new Uint8Array(tcpBufferLen(r));
    emitTcp(r, b, 0, SRC, DST);
    expect(parseTcp(view(b), SRC, DST)).toEqual(r);
  });

  it('refuses more than 40 bytes of options', () => {
    const r: TcpRepr = { ...REPR, options: Array.from({ length: 41 }, () => ({ kind: 'nop' as const })) };
    expect(() => emitTcp(r, new Uint8Array(100), 0, SRC, DST)).toThrow(RangeError);
  });

  it('verifies the checksum (pseudo-header included) only when asked', () => {
    const b = BYTES.slice();
    expect(parseTcp(view(b), SRC, DST, { verifyChecksums: true })).toEqual(REPR);
    expect(parseTcp(view(b), SRC, (DST + 1) as Ipv4Addr, { verifyChecksums: true })).toMatchObject({ kind: 'error', reason: 'checksum' });
  });
});
