/**
 * What keeps memory flat in a long lab (the soak's figures are printed by `npm run bench`;
 * this test asserts the mechanisms behind them): every store that grows with traffic has a
 * cap, drops its oldest entries first, and says how many it dropped; the kernel's tables
 * empty themselves on the virtual clock once the traffic stops.
 */
import { describe, expect, it } from 'vitest';
import { engineBench, natDirector } from '../bench/engine.ts';
import { Ipvs } from '../src/core/ipvs/ipvs.ts';
import { SEC } from '../src/core/sim/events.ts';
import { parseFrame } from '../src/core/wire/frame.ts';

describe('a long NAT run keeps bounded state', () => {
  const CAP = 2000;
  const lab = natDirector({ captureCapacity: CAP });
  const r = engineBench(25_000, lab);
  const lvs = lab.host('lvs')!;
  const ipvs = Ipvs.of(lvs)!;

  it('served every request, through both real servers', () => {
    expect(r.ok).toBe(25_000);
    const conns = [...ipvs.conns.all].filter((c) => !c.template);
    expect(new Set(conns.map((c) => c.dest?.addr)).size).toBe(2);
  });

  it('the capture keeps the newest frames up to its cap and counts the older ones it dropped', () => {
    const cap = lab.capture;
    expect(cap.total).toBeGreaterThan(25_000 * 18);
    expect(cap.size).toBeLessThanOrEqual(CAP);
    expect(cap.size).toBeGreaterThan(CAP - 10);
    expect(cap.evicted).toBe(cap.total - cap.size);
    expect(cap.firstNo).toBe(cap.evicted + 1);
    expect(cap.has(cap.firstNo - 1)).toBe(false);
    // What is kept is whole: the oldest and the newest records decode as frames.
    for (const no of [cap.firstNo, cap.lastNo]) {
      const rec = cap.get(no)!;
      expect(rec.no).toBe(no);
      expect(parseFrame(rec.bytes).ethertype).toBe(0x0800);
    }
  });

  it("httpd's access_log is rotated, the scheduler's decision log is capped", () => {
    for (const rs of ['RS1', 'RS2']) {
      const fs = lab.host(rs)!.fs;
      const log = fs.stat('/var/log/httpd/access_log');
      expect(log.size).toBeLessThan((1 << 20) + 200 * 1000);
      expect(fs.stat('/var/log/httpd/access_log.1').size).toBeGreaterThan(0);
    }
    expect(ipvs.decisions().length).toBeLessThanOrEqual(256);
  });

  it('once the traffic stops, IPVS connections and TCP sockets expire on the virtual clock', () => {
    expect(ipvs.conns.size).toBeGreaterThan(1000); // TIME_WAIT: 2 minutes in IPVS's table
    lab.runUntil(undefined, lab.now + 125 * SEC);
    expect(ipvs.conns.size).toBe(0);
    for (const h of ['client', 'RS1', 'RS2']) expect(lab.host(h)!.tcp.all()).toHaveLength(0);
  });
});
