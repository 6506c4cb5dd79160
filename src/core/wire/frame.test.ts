import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitFrame, emitFrameInto, frameLen, parseFrame } from './frame.ts';
import { ethernetRepr, ipv4Repr } from './testdata/arbitraries.ts';
import * as V from './testdata/vectors.ts';
import { emitIpv4, ipv4BufferLen, Ipv4View, parseIpv4 } from './ipv4.ts';
import { isWireError } from './error.ts';
import { EtherType, ip, mac, type EthernetRepr, type Ipv4Repr } from './types.ts';

const REAL = [V.ARP_REQUEST, V.ARP_REPLY, V.ICMP_ECHO_REQUEST, V.TCP_SYN, V.TCP_SYN_ACK, V.TCP_ACK, V.HTTP_GET,
  V.UDP_DGRAM, V.ICMP_PORT_UNREACH, V.TCP_RST_ACK, V.IPIP_ICMP, V.VRRP_ADVERT];

/** Every layer decoded (no raw) and every checksum valid. */
function fullyDecodedWithGoodChecksums(b: Uint8Array): boolean {
  const r = parseFrame(b, { verifyChecksums: true });
  let p: unknown = r.payload;
  while (p && typeof p === 'object' && 'kind' in p) {
    const k = (p as { kind: string }).kind;
    if (k === 'raw') return false;
    if (k !== 'ipv4') return true;
    p = (p as Ipv4Repr).payload;
  }
  return true;
}

describe('frame', () => {
  it('round-trips every real frame byte for byte (with padding)', () => {
    for (const f of REAL) {
      expect(fullyDecodedWithGoodChecksums(f)).toBe(true);
      expect(emitFrame(parseFrame(f))).toEqual(V.padded(f));
    }
  });

  it('parse(emit(r)) equals r for any valid Repr', () => {
    fc.assert(fc.property(ethernetRepr, (r) => {
      const b = emitFrame(r);
      expect(parseFrame(b)).toStrictEqual(r);
    }), { numRuns: 2000 });
  });

  it('emits every checksum valid', () => {
    fc.assert(fc.property(ethernetRepr, (r) => {
      const b = emitFrame(r);
      expect(parseFrame(b, { verifyChecksums: true })).toStrictEqual(r);
    }), { numRuns: 1000 });
  });

  it('frameLen is the emitted length, at least 60', () => {
    fc.assert(fc.property(ethernetRepr, (r) => {
      const b = emitFrame(r);
      expect(b.length).toBe(frameLen(r));
      expect(b.length).toBeGreaterThanOrEqual(60);
    }));
  });

  it('emitFrameInto writes the same bytes at any offset, padding included, and nothing else', () => {
    fc.assert(fc.property(ethernetRepr, fc.nat(50), (r, off) => {
      const want = emitFrame(r);
      const buf = new Uint8Array(off + want.length + 7).fill(0xee);
      expect(emitFrameInto(r, buf, off)).toBe(want.length);
      expect(buf.subarray(off, off + want.length)).toEqual(want);
      expect(buf.subarray(0, off).every((x) => x === 0xee)).toBe(true);
      expect(buf.subarray(off + want.length).every((x) => x === 0xee)).toBe(true);
    }));
  });

  it('emitFrameInto refuses a buffer that is too small', () => {
    const r = parseFrame(V.HTTP_GET);
    expect(() => emitFrameInto(r, new Uint8Array(100), 0)).toThrow(RangeError);
    expect(() => emitFrameInto(r, new Uint8Array(200), 100)).toThrow(RangeError);
    expect(() => emitFrameInto(r, new Uint8Array(200), -1)).toThrow(RangeError);
  });

  it('IPv4 parse(emit(r)) equals r on its own', () => {
    fc.assert(fc.property(ipv4Repr, (r) => {
      const b = new Uint8Array(ipv4BufferLen(r));
      expect(emitIpv4(r, b, 0)).toBe(b.length);
      const v = Ipv4View.check(b);
      if (isWireError(v)) throw new Error(v.detail);
      expect(parseIpv4(v)).toStrictEqual(r);
    }), { numRuns: 500 });
  });

  it('never throws on random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
      parseFrame(b);
      parseFrame(b, { verifyChecksums: true });
    }), { numRuns: 5000 });
  });

  it('never throws on mutated, truncated or extended real frames', () => {
    const frames = fc.constantFrom(...REAL.map((f) => V.padded(f)));
    fc.assert(fc.property(frames, fc.array(fc.tuple(fc.nat(2000), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.nat(2000), fc.uint8Array({ maxLength: 20 }),
      (f, muts, cut, extra) => {
        const b = f.slice();
        for (const [i, v] of muts) b[i % b.length] = v;
        const c = new Uint8Array(Math.min(cut, b.length) + extra.length);
        c.set(b.subarray(0, Math.min(cut, b.length)));
        c.set(extra, Math.min(cut, b.length));
        parseFrame(c);
        parseFrame(c, { verifyChecksums: true });
      }), { numRuns: 5000 });
  });

  it('reads nothing outside the view it was given', () => {
    // Bytes after the view are junk; a decoder that looked at the underlying ArrayBuffer
    // (a DataView over .buffer, say) would see them and decode differently.
    fc.assert(fc.property(fc.constantFrom(...REAL), fc.nat(200), fc.uint8Array({ minLength: 1, maxLength: 40 }), (f, cut, junk) => {
      const n = Math.min(cut, f.length);
      const big = new Uint8Array(8 + n + junk.length);
      big.set(f.subarray(0, n), 8);
      big.set(junk, 8 + n);
      const view = big.subarray(8, 8 + n);
      expect(parseFrame(view)).toStrictEqual(parseFrame(f.slice(0, n)));
    }), { numRuns: 2000 });
  });

  it('turns every truncation of a real frame into raw bytes at the cut layer', () => {
    const f = V.TCP_SYN;
    for (let n = 0; n < f.length; n++) {
      const r = parseFrame(f.subarray(0, n));
      if (n >= 14) {
        expect(r.src).toBe(mac('00:0c:29:11:22:33'));
        expect(r.payload).toEqual({ kind: 'raw', bytes: f.slice(14, n) });
      }
    }
  });

  it('builds a frame a host would send', () => {
    const r: EthernetRepr = {
      src: mac('00:0c:29:11:22:33'), dst: mac('00:0c:29:aa:bb:cc'), ethertype: EtherType.IPv4,
      payload: {
        kind: 'ipv4', tos: 0, id: 0x4c9a, df: true, ttl: 64, protocol: 6, src: ip('192.168.1.111'), dst: ip('192.168.1.100'),
        payload: {
          kind: 'tcp', srcPort: 44042, dstPort: 80, seq: 0xabfbd066, ack: 0xd946d249, flags: 0x10, window: 63,
          options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'ts', val: 0xf77b4c4d, ecr: 0xd9fddefb }], payload: new Uint8Array(0),
        },
      },
    };
    expect(emitFrame(r)).toEqual(V.TCP_ACK);
  });

  it('encodes a 66-byte ACK quickly and allocates nothing per frame', () => {
    const r = parseFrame(V.TCP_ACK);
    const arena = new Uint8Array(1 << 20);
    let off = 0;
    const run = (n: number) => {
      for (let i = 0; i < n; i++) {
        if (off + 66 > arena.length) off = 0;
        off += emitFrameInto(r, arena, off);
      }
    };
    run(200_000); // warm up
    const n = 1_000_000;
    const t0 = performance.now();
    run(n);
    const perSec = n / ((performance.now() - t0) / 1000);
    console.log(`emitFrameInto, 66-byte ACK with timestamps: ${(perSec / 1e6).toFixed(1)} M frames/s`);
    expect(arena.subarray(0, 66)).toEqual(V.TCP_ACK);
    // Measured 6–9 M/s; the bound only catches gross regressions on a loaded machine.
    expect(perSec).toBeGreaterThan(500_000);
  });
});
