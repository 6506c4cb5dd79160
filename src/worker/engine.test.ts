import { describe, expect, it } from 'vitest';
import { LabEngine } from './engine.ts';
import { fakeLoop } from './fakeLoop.ts';
import type { FromWorker, Query, QueryResult, ToWorker } from './protocol.ts';

/** A fake page and event loop: real time is a number we move by hand. */
function harness() {
  const { host, msgs, run } = fakeLoop();
  const engine = new LabEngine(host);
  let reqId = 0;
  const h = {
    engine, msgs,
    send(m: ToWorker) { engine.handle(m); },
    /** Run the loop for `ms` of fake real time. */
    run,
    ask<N extends Query['q']>(q: Extract<Query, { q: N }>): QueryResult[N] {
      const id = ++reqId;
      engine.handle({ t: 'req', id, query: q });
      const r = msgs.find((m) => m.t === 'res' && m.id === id) as Extract<FromWorker, { t: 'res' }>;
      if (!r.ok) throw new Error(r.error);
      return r.value as QueryResult[N];
    },
    text(host: string) { return msgs.filter((m) => m.t === 'out' && m.host === host).map((m) => (m as { data: string }).data).join(''); },
    status() { return [...msgs].reverse().find((m) => m.t === 'status') as Extract<FromWorker, { t: 'status' }>; },
  };
  return h;
}

describe('LabEngine', () => {
  it('starts a preset and reports its hosts and prompts', () => {
    const h = harness();
    h.send({ t: 'init', preset: 'nat' });
    const ready = h.msgs.find((m) => m.t === 'ready') as Extract<FromWorker, { t: 'ready' }>;
    expect(ready.shells).toEqual(expect.arrayContaining(['client', 'lvs', 'RS1', 'RS2']));
    expect(ready.topology.segments.map((s) => s.name)).toEqual(['vmnet8', 'vmnet1']);
    const lvs = ready.topology.hosts.find((x) => x.name === 'lvs')!;
    expect(lvs.nics.map((n) => n.addrs[0])).toEqual(['192.168.1.100/24', '192.168.137.100/24']);
    expect(h.msgs.some((m) => m.t === 'prompt' && m.host === 'lvs' && m.prompt.includes('[root@lvs ~]#'))).toBe(true);
  });

  it('runs a command typed at a prompt and captures its frames', () => {
    const h = harness();
    h.send({ t: 'init', preset: 'nat' });
    expect(h.ask({ q: 'enter', host: 'lvs', text: 'curl 192.168.137.130' })).toEqual({ more: false });
    h.run(500);
    expect(h.text('lvs')).toContain('RS1 - 192.168.137.130');
    const st = h.status().status;
    expect(st.frames).toBeGreaterThan(6);
    expect(st.busy).toEqual([]);
    const rows = h.ask({ q: 'rows', from: 0, to: 50, gen: 0 }).rows;
    expect(rows[0].protocol).toBe('ARP');
    expect(rows.some((r) => r.protocol === 'HTTP')).toBe(true);
    const d = h.ask({ q: 'detail', no: rows[rows.length - 1].no })!;
    expect(d.layers.map((l) => l.name)).toContain('Ethernet II');
  });

  it('asks for a continuation line when the command is not complete', () => {
    const h = harness();
    h.send({ t: 'init', preset: 'nat' });
    expect(h.ask({ q: 'enter', host: 'lvs', text: 'echo "abc' })).toEqual({ more: true });
  });

  it('filters the view and reports bad filters', () => {
    const h = harness();
    h.send({ t: 'init', preset: 'nat' });
    h.ask({ q: 'enter', host: 'lvs', text: 'curl 192.168.137.130' });
    h.run(500);
    h.send({ t: 'view', point: { kind: 'all' }, filter: 'tcp.flags.syn == 1' });
    const rows = h.ask({ q: 'rows', from: 0, to: 100, gen: 0 }).rows;
    expect(rows.length).toBe(2);
    expect(h.ask({ q: 'checkFilter', text: 'ip.addr == 1.2.3' })).toMatchObject({ ok: false });
  });

  it('time travel replays to a frame and forward again gives the same bytes', () => {
    const h = harness();
    h.send({ t: 'init', preset: 'nat' });
    h.ask({ q: 'enter', host: 'lvs', text: 'curl 192.168.137.130' });
    h.run(300);
    h.ask({ q: 'enter', host: 'client', text: 'for i in {1..3}; do curl 192.168.1.100; done' });
    h.run(300);
    h.ask({ q: 'enter', host: 'lvs', text: 'curl 192.168.137.200' });
    h.run(500);
    const total = h.status().status.frames;
    expect(total).toBeGreaterThan(15);
    const liveBytes: string[] = [];
    for (let no = 1; no <= total; no++) liveBytes.push(hex(h.ask({ q: 'detail', no })!.bytes));

    h.send({ t: 'travel', no: 5 });
    expect(h.status().status.travelAt).toBe(5);
    const pastRows = h.ask({ q: 'rows', from: 0, to: 1000, gen: 0 }).rows;
    expect(pastRows.map((r) => r.no)).toEqual([1, 2, 3, 4, 5]);
    // Step forward frame by frame to the end: every frame is the live one, byte for byte.
    for (let no = 6; no < total; no++) {
      h.send({ t: 'step' });
      expect(h.status().status.travelAt).toBe(no);
    }
    for (let no = 1; no < total; no++) {
      const d = h.ask({ q: 'detail', no });
      expect(d, `frame ${no} of ${total} after stepping forward`).not.toBe(null);
      expect(hex(d!.bytes), `frame ${no}`).toBe(liveBytes[no - 1]);
    }
    // And back again: a replay from scratch gives the same again.
    h.send({ t: 'travel', no: 9 });
    for (let no = 1; no <= 9; no++) expect(hex(h.ask({ q: 'detail', no })!.bytes)).toBe(liveBytes[no - 1]);
    h.send({ t: 'travel', no: null });
    expect(h.status().status.travelAt).toBe(null);
    expect(h.status().status.frames).toBe(total);
  });

  it('animate mode holds the lab after each frame until the hop was shown', () => {
    const h = harness();
    h.send({ t: 'init', preset: 'nat' });
    h.send({ t: 'mode', mode: { animate: true, paused: false, speed: 1 } });
    h.ask({ q: 'enter', host: 'lvs', text: 'curl 192.168.137.130' });
    h.run(100);
    const hops1 = h.msgs.filter((m) => m.t === 'hops').flatMap((m) => (m as { hops: readonly unknown[] }).hops).length;
    expect(hops1).toBeGreaterThanOrEqual(1);
    expect(hops1).toBeLessThanOrEqual(2);
    h.run(20_000);
    expect(h.text('lvs')).toContain('RS1 - 192.168.137.130');
    const hops = h.msgs.filter((m) => m.t === 'hops').flatMap((m) => (m as { hops: readonly { label: string }[] }).hops);
    expect(hops.some((x) => x.label.startsWith('TCP SYN 192.168.137.100:'))).toBe(true);
  });

  it('slow motion carries the same frames as full speed, byte for byte', () => {
    const run = (animate: boolean) => {
      const h = harness();
      h.send({ t: 'mode', mode: { animate, paused: false, speed: 4 } });
      h.send({ t: 'init', preset: 'nat' });
      // Both inputs at the same virtual time in both runs (a later input would carry a later
      // virtual time in slow motion, and TCP timestamps would differ, rightly).
      h.ask({ q: 'enter', host: 'lvs', text: 'curl 192.168.137.130; curl 192.168.137.200' });
      h.ask({ q: 'enter', host: 'client', text: 'curl -s 192.168.1.100; echo $?' });
      h.run(animate ? 120_000 : 4_000);
      const n = h.status().status.frames;
      const out: string[] = [];
      for (let no = 1; no <= n; no++) out.push(hex(h.ask({ q: 'detail', no })!.bytes));
      return { out, text: h.text('lvs') + h.text('client') };
    };
    const fast = run(false), slow = run(true);
    expect(fast.out.length).toBeGreaterThan(20);
    expect(slow.out).toEqual(fast.out);
    expect(slow.text).toEqual(fast.text);
  });

  it('exports the view as pcapng', () => {
    const h = harness();
    h.send({ t: 'init', preset: 'nat' });
    h.ask({ q: 'enter', host: 'lvs', text: 'curl 192.168.137.130' });
    h.run(500);
    const b = h.ask({ q: 'pcapng' });
    expect(b[0]).toBe(0x0a);
    expect(b.length).toBeGreaterThan(500);
  });
});

function hex(b: Uint8Array): string { return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(''); }
