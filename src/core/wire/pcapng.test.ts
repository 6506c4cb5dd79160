import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPcap, readPcapng, writePcapng, type PcapFrame } from './pcapng.ts';
import * as V from './testdata/vectors.ts';

const FRAMES: PcapFrame[] = [
  { iface: 0, timeUs: 0, bytes: V.padded(V.ARP_REQUEST) },
  { iface: 1, timeUs: 1500, bytes: V.TCP_SYN, comment: 'dropped: no route to host' },
  { iface: 0, timeUs: 2_000_001, bytes: V.HTTP_GET.subarray(0, 64), origLen: V.HTTP_GET.length },
];
const IFACES = [{ name: 'vmnet1' }, { name: 'vmnet2', description: 'real servers' }];
const EPOCH = 1_764_000_000_000_000;

describe('pcapng', () => {
  it('writes a section header, one interface block per segment and one packet block per frame', () => {
    const b = writePcapng(FRAMES, IFACES, { epochUs: EPOCH });
    const dv = new DataView(b.buffer);
    expect(dv.getUint32(0, true)).toBe(0x0a0d0d0a);
    expect(dv.getUint32(8, true)).toBe(0x1a2b3c4d);
    expect(b.length % 4).toBe(0);
    const types: number[] = [];
    for (let p = 0; p < b.length; p += dv.getUint32(p + 4, true)) types.push(dv.getUint32(p, true));
    expect(types).toEqual([0x0a0d0d0a, 1, 1, 6, 6, 6]);
  });

  it('reads back what it wrote', () => {
    const r = readPcapng(writePcapng(FRAMES, IFACES, { epochUs: EPOCH }));
    expect(r.ok).toBe(true);
    expect(r.interfaces).toEqual([
      { linkType: 1, name: 'vmnet1', unitsPerSecond: 1e6 },
      { linkType: 1, name: 'vmnet2', description: 'real servers', unitsPerSecond: 1e6 },
    ]);
    expect(r.frames).toEqual(FRAMES.map((f) => ({
      iface: f.iface, timeUs: EPOCH + f.timeUs, bytes: f.bytes.slice(), origLen: f.origLen ?? f.bytes.length,
      ...(f.comment ? { comment: f.comment } : {}),
    })));
  });

  it('is deterministic', () => {
    expect(writePcapng(FRAMES, IFACES, { epochUs: EPOCH })).toEqual(writePcapng(FRAMES, IFACES, { epochUs: EPOCH }));
  });

  it('reads classic pcap too (the real capture in testdata)', () => {
    const b = readFileSync(join(__dirname, 'testdata', 'linux.pcap'));
    const r = readPcapng(b);
    expect(r.ok).toBe(true);
    expect(r.frames.length).toBe(55);
    expect(r.frames[0].bytes).toEqual(V.ARP_REQUEST);
    expect(readPcap(b)).toEqual(r);
  });

  it('reads a big-endian section with nanosecond timestamps and a simple packet block', () => {
    const be: number[] = [];
    const u32 = (v: number) => be.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
    const u16 = (v: number) => be.push((v >>> 8) & 255, v & 255);
    u32(0x0a0d0d0a); u32(28); u32(0x1a2b3c4d); u16(1); u16(0); u32(0xffffffff); u32(0xffffffff); u32(28);
    u32(1); u32(32); u16(1); u16(0); u32(65535); u16(9); u16(1); be.push(9, 0, 0, 0); u16(0); u16(0); u32(32);
    const pkt = V.padded(V.ARP_REQUEST);
    u32(6); u32(32 + pkt.length); u32(0); u32(0); u32(1_500_000_000); u32(pkt.length); u32(pkt.length); be.push(...pkt); u32(32 + pkt.length);
    u32(3); u32(16 + pkt.length); u32(pkt.length); be.push(...pkt); u32(16 + pkt.length);
    const r = readPcapng(Uint8Array.from(be));
    expect(r.ok).toBe(true);
    expect(r.interfaces[0].unitsPerSecond).toBe(1e9);
    expect(r.frames.map((f) => [f.timeUs, f.bytes.length])).toEqual([[1_500_000, 60], [0, 60]]);
  });

  it('says what is wrong with a damaged file instead of throwing', () => {
    const good = writePcapng(FRAMES, IFACES);
    expect(readPcapng(new Uint8Array(0))).toMatchObject({ ok: false, frames: [] });
    expect(readPcapng(new TextEncoder().encode('hello world, not a capture'))).toMatchObject({ ok: false, error: 'not a pcapng file (no section header block)' });
    const cut = readPcapng(good.subarray(0, good.length - 10));
    expect(cut).toMatchObject({ ok: false });
    expect(cut.frames.length).toBe(2); // what was read before the damage
    const bad = good.slice();
    new DataView(bad.buffer).setUint32(good.length - 4, 12345, true);
    expect(readPcapng(bad).ok).toBe(false);
  });

  it('never throws and never reads outside the buffer, whatever the bytes', () => {
    const good = writePcapng(FRAMES, IFACES);
    const mutated = fc.tuple(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 10 }), fc.nat(good.length))
      .map(([muts, cut]) => {
        const b = good.slice(0, cut);
        for (const [i, v] of muts) if (i < b.length) b[i] = v;
        return b;
      });
    fc.assert(fc.property(fc.oneof(mutated, fc.uint8Array({ maxLength: 200 })), fc.uint8Array({ minLength: 1, maxLength: 16 }), (b, junk) => {
      const r = readPcapng(b);
      // The same bytes followed by junk in the same ArrayBuffer must read the same.
      const big = new Uint8Array(b.length + junk.length);
      big.set(b);
      big.set(junk, b.length);
      expect(readPcapng(big.subarray(0, b.length))).toEqual(r);
      for (const f of r.frames) expect(f.bytes.length).toBeLessThanOrEqual(b.length);
    }), { numRuns: 3000 });
  });
});
