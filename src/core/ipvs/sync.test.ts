/**
 * The IPVS sync protocol v1 codec (ip_vs_sync.c): header and ip_vs_sync_v4 layout, round
 * trips, and parsing arbitrary bytes never throws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emitSyncMessage, parseSyncMessage, SYNC_CONN_V4_LEN, SYNC_HEADER_LEN, type SyncConnV4 } from './sync.ts';

const conn: SyncConnV4 = {
  protocol: 6, flags: 0x0183, state: 1, cport: 37930, vport: 80, dport: 80, fwmark: 0, timeout: 900,
  caddr: 0xc0a8016f, vaddr: 0xc0a889fe, daddr: 0xc0a88982,
};

describe('sync message v1', () => {
  it('lays out the header and one connection as the kernel does', () => {
    const b = emitSyncMessage({ syncid: 51, conns: [conn] });
    expect(b.length).toBe(SYNC_HEADER_LEN + SYNC_CONN_V4_LEN);
    // reserved, syncid, size, count, version, spare
    expect([...b.subarray(0, 8)]).toEqual([0, 51, 0, 44, 1, 1, 0, 0]);
    // type, protocol, ver_size (version 0 | size 36), flags
    expect([...b.subarray(8, 16)]).toEqual([0, 6, 0, 36, 0, 0, 1, 0x83]);
    // state, cport, vport, dport
    expect([...b.subarray(16, 24)]).toEqual([0, 1, 0x94, 0x2a, 0, 80, 0, 80]);
    // fwmark, timeout, caddr, vaddr, daddr
    expect([...b.subarray(24, 44)]).toEqual([0, 0, 0, 0, 0, 0, 3, 0x84, 192, 168, 1, 111, 192, 168, 137, 254, 192, 168, 137, 130]);
  });

  it('round-trips', () => {
    const arb = fc.record({
      protocol: fc.constantFrom(6, 17), flags: fc.nat(0xffff), state: fc.nat(10), cport: fc.nat(65535), vport: fc.nat(65535),
      dport: fc.nat(65535), fwmark: fc.nat(), timeout: fc.nat(), caddr: fc.nat(0xffffffff), vaddr: fc.nat(0xffffffff), daddr: fc.nat(0xffffffff),
    });
    fc.assert(fc.property(fc.nat(255), fc.array(arb, { maxLength: 40 }), (syncid, conns) => {
      expect(parseSyncMessage(emitSyncMessage({ syncid, conns }))).toEqual({ syncid, conns });
    }), { numRuns: 200, seed: 3 });
  });

  it('rejects what ip_vs_process_message rejects, and never throws', () => {
    expect(parseSyncMessage(new Uint8Array(3))).toBe('BACKUP, message header too short');
    const b = emitSyncMessage({ syncid: 1, conns: [conn] });
    expect(parseSyncMessage(b.subarray(0, 40))).toBe('BACKUP, bogus message size');
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => { parseSyncMessage(bytes); }), { numRuns: 500, seed: 5 });
  });
});
