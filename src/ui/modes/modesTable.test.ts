/**
 * The four-mode view's "Done when", on the data it renders: for each TCP segment of the
 * request, the cells the per-hop table highlights are exactly the fields the mode rewrites —
 * NAT the destination IP on the way in and the source IP on the way back, DR the
 * destination MAC only, TUN an outer IPv4 header, FULLNAT both addresses and a port each way
 * plus the TOA option on the first ACK — and nothing on any hop the director did not send.
 */
import { describe, expect, it } from 'vitest';
import { changedFields, compareModes } from '../../labs/modes.ts';
import { bands, highlighted, hopRows } from './modesTable.ts';

const c = compareModes();

describe('four modes: the highlighted cells are the fields each mode rewrites', () => {
  it('the client\'s SYN on its way in', () => {
    expect(highlighted(hopRows(c, 'c:SYN'))).toEqual({ nat: ['dstIp'], dr: ['macDst'], tun: ['outer'], fullnat: ['srcIp', 'dstIp', 'sport'] });
  });

  it('the first ACK: FULLNAT adds the TOA option carrying the client\'s address and port', () => {
    const rows = hopRows(c, 'c:ACK');
    expect(highlighted(rows)).toEqual({ nat: ['dstIp'], dr: ['macDst'], tun: ['outer'], fullnat: ['srcIp', 'dstIp', 'sport', 'toa'] });
    const toa = rows.find((r) => r.mode === 'fullnat' && r.byDirector)!.cells.find((x) => x.field === 'toa')!;
    expect(toa.text).toMatch(/^192\.168\.1\.111:\d+$/);
    // Only the first ACK carries it.
    expect(highlighted(hopRows(c, 'c:GET')).fullnat).toEqual(['srcIp', 'dstIp', 'sport']);
  });

  it('the SYN-ACK on its way back: NAT the source, FULLNAT both addresses and the port, DR and TUN bypass the director', () => {
    expect(highlighted(hopRows(c, 's:SYN,ACK'))).toEqual({ nat: ['srcIp'], dr: [], tun: [], fullnat: ['srcIp', 'dstIp', 'dport'] });
    const dr = hopRows(c, 's:SYN,ACK').filter((r) => r.mode === 'dr');
    expect(dr.map((r) => r.cells[0].text)).toEqual(['RS1 → route', 'route → client']);
  });

  it('over the whole exchange, per direction; never a highlight on a hop the director did not send', () => {
    const want = {
      nat: { in: ['dstIp'], out: ['srcIp'] },
      dr: { in: ['macDst'], out: [] },
      tun: { in: ['outer'], out: [] },
      fullnat: { in: ['srcIp', 'dstIp', 'sport', 'toa'], out: ['srcIp', 'dstIp', 'dport'] },
    };
    for (const m of c.modes) expect(changedFields(m)).toEqual(want[m.mode]);
    for (const key of c.keys) {
      for (const row of hopRows(c, key)) {
        if (!row.byDirector) expect(row.cells.filter((x) => x.changed)).toEqual([]);
        else expect(row.cells[0].text.startsWith('lvs → ')).toBe(true);
      }
    }
  });

  it('FULLNAT: the source is the local address pool; the access log with and without TOA', () => {
    const f = c.modes.find((m) => m.mode === 'fullnat')!;
    expect(f.laddrs).toEqual(['192.168.137.100']);
    const syn = hopRows(c, 'c:SYN').find((r) => r.mode === 'fullnat' && r.byDirector)!;
    expect(syn.cells.find((x) => x.field === 'srcIp')).toMatchObject({ text: '192.168.137.100', changed: true, note: 'laddr' });
    expect(f.accessLog).toMatch(/^192\.168\.137\.100 - - \[.*\] "GET \/ HTTP\/1\.1" 200 /);
    expect(f.toa!.accessLogWithToa).toMatch(/^192\.168\.1\.111 - - \[.*\] "GET \/ HTTP\/1\.1" 200 /);
    for (const m of c.modes.filter((x) => x.mode !== 'fullnat')) expect(m.accessLog.split(' ')[0]).toBe('192.168.1.111');
  });

  it('every mode answered from the same real server; the diagrams\' bands fit every mode', () => {
    for (const m of c.modes) {
      expect(m.failed).toEqual([]);
      expect(m.answer).toBe('RS1 - 192.168.137.130');
    }
    const b = bands(c);
    expect(b.map((x) => x.key)).toEqual(c.keys);
    for (const m of c.modes) for (const p of m.packets) expect(p.hops.length).toBeLessThanOrEqual(b.find((x) => x.key === p.key)!.rows);
    expect(c.keys.slice(0, 4)).toEqual(['c:SYN', 's:SYN,ACK', 'c:ACK', 'c:GET']);
  });
});
