import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../persist/storage.ts';
import { LabEngine } from './engine.ts';
import { fakeLoop } from './fakeLoop.ts';
import type { FromWorker, Query, QueryResult, ToWorker } from './protocol.ts';

/** A fake page and event loop (as engine.test.ts), with an optional store. */
function harness(store?: MemoryStore) {
  const { host, msgs, run } = fakeLoop(store ? { store: async () => store, wallClock: () => 1_700_000_000_000 } : {});
  const engine = new LabEngine(host);
  let reqId = 0;
  const h = {
    engine, msgs,
    send(m: ToWorker) { engine.handle(m); },
    /** Run the loop for `ms` of fake real time. */
    run,
    async ask<N extends Query['q']>(q: Extract<Query, { q: N }>): Promise<QueryResult[N]> {
      const id = ++reqId;
      engine.handle({ t: 'req', id, query: q });
      for (let i = 0; i < 200; i++) {
        const r = msgs.find((m) => m.t === 'res' && m.id === id) as Extract<FromWorker, { t: 'res' }> | undefined;
        if (r) { if (!r.ok) throw new Error(r.error); return r.value as QueryResult[N]; }
        await new Promise((res) => setTimeout(res, 1));
        h.run(5);
      }
      throw new Error('no answer');
    },
    /** Type a line at a host's prompt and run until it is done. */
    async type(hostName: string, text: string, ms = 20_000) {
      await h.ask({ q: 'enter', host: hostName, text });
      for (let t = 0; t < ms; t += 50) {
        h.run(50);
        const st = [...msgs].reverse().find((m) => m.t === 'status') as Extract<FromWorker, { t: 'status' }> | undefined;
        if (st && !st.status.busy.includes(hostName)) break;
      }
      h.run(300);
    },
    last<T extends FromWorker['t']>(t: T): Extract<FromWorker, { t: T }> | undefined {
      return [...msgs].reverse().find((m) => m.t === t) as Extract<FromWorker, { t: T }> | undefined;
    },
  };
  return h;
}

describe('guides in the worker', () => {
  it('lists the built-in guides, follows one and completes a step from the lab state (not the typed text)', async () => {
    const h = harness();
    h.send({ t: 'init', preset: 'nat' });
    const guides = await h.ask({ q: 'guides' });
    expect(guides.map((g) => g.id)).toEqual(expect.arrayContaining(['nat', 'dr', 'tun', 'fwmark', 'schedulers']));
    h.send({ t: 'guide', id: 'nat' });
    h.run(300);
    const view = h.last('guide')!.guide!;
    expect(view.steps[1].id).toBe('ip-forward');
    expect(view.steps[1].title.zh).toContain('路由');
    expect(view.steps[1].actions[0]).toEqual({ host: 'lvs', run: 'sysctl -a | grep ip_forward' });
    // The "look" step holds in the untouched preset.
    let p = h.last('progress')!.progress!;
    expect(p.steps[0].state).toBe('done');
    expect(p.steps[1].state).toBe('current');
    expect(p.steps[1].ok).toBe(false);
    await h.type('lvs', 'echo 1 > /proc/sys/net/ipv4/ip_forward');
    p = h.last('progress')!.progress!;
    expect(p.steps[1].state).toBe('done');
    expect(p.current).toBe(2);
  });

  it('reports a teacher file\'s errors plainly', async () => {
    const h = harness();
    h.send({ t: 'init', preset: 'nat' });
    const r = await h.ask({ q: 'guideImport', text: '{"format":1,"id":"x","title":{"en":"a","zh":"b"},"preset":"nat","summary":{"en":"a","zh":"b"},"picture":"p","steps":[{"id":"s","title":{"en":"a","zh":"b"},"explain":{"en":"a","zh":"b"},"hint":{"en":"a","zh":"b"},"check":{"sysctll":{}}}]}' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toMatch(/sysctll.*did you mean "sysctl"/);
    const bad = await h.ask({ q: 'guideImport', text: 'not json' });
    expect(bad.ok).toBe(false);
  });
});

describe('findings', () => {
  it('ip_forward off on the NAT director: a finding on the dropped reply, resolved by the fix', async () => {
    const h = harness();
    h.send({ t: 'init', preset: 'nat' });
    for (const c of ['dnf install ipvsadm -y', 'ipvsadm -A -t 192.168.1.100:80 -s rr', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m']) await h.type('lvs', c, 60_000);
    await h.type('client', 'curl -s -m 1 192.168.1.100', 30_000);
    h.run(500);
    const f = h.last('findings')!.findings;
    const fw = f.find((x) => x.kind === 'ip-forward')!;
    expect(fw).toBeTruthy();
    expect(fw.host).toBe('lvs');
    expect(fw.resolved).toBe(false);
    expect(fw.fix.commands[0]).toBe('sysctl -w net.ipv4.ip_forward=1');
    const rows = await h.ask({ q: 'rows', from: 0, to: 1000, gen: 0 });
    const row = rows.rows.find((r) => r.no === fw.frame)!;
    expect(row.drop).toMatch(/lvs/);
    await h.type('lvs', 'sysctl -w net.ipv4.ip_forward=1');
    expect(h.last('findings')!.findings.find((x) => x.id === fw.id)!.resolved).toBe(true);
  });
});

describe('share and restore', () => {
  it('a link rebuilds the lab: same terminal text, same capture, same IPVS table', async () => {
    const a = harness();
    a.send({ t: 'init', preset: 'nat' });
    for (const c of ['sysctl -w net.ipv4.ip_forward=1', 'dnf install ipvsadm -y', 'ipvsadm -A -t 192.168.1.100:80 -s rr', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.200:80 -m']) await a.type('lvs', c, 60_000);
    await a.type('client', 'for i in 1 2 3 4; do curl -s 192.168.1.100; done', 30_000);
    a.msgs.length = 0;
    await a.type('lvs', 'ipvsadm -Ln');
    const table = a.msgs.filter((m) => m.t === 'out' && m.host === 'lvs').map((m) => (m as { data: string }).data).join('');
    expect(table).toContain('-> 192.168.137.130:80');
    const link = await a.ask({ q: 'share', base: 'http://x/?lab=nat' });
    expect(link.ok).toBe(true);
    if (!link.ok) return;
    const token = link.url.slice(link.url.indexOf('#lab=') + 5);
    const frames = a.last('status')!.status.frames;

    const b = harness();
    b.send({ t: 'init', preset: 'nat', link: token });
    b.run(300);
    const ready = b.last('ready')!;
    expect(ready.restored).toMatchObject({ from: 'link', events: 7 });
    const client = b.msgs.find((m) => m.t === 'replayed' && m.host === 'client') as Extract<FromWorker, { t: 'replayed' }>;
    expect(client.text).toContain('[root@client ~]# for i in 1 2 3 4; do curl -s 192.168.1.100; done\nRS2 - 192.168.137.200\nRS1 - 192.168.137.130\n');
    expect(client.prompt).toBe('[root@client ~]# ');
    expect(b.last('status')!.status.frames).toBe(frames);
    const lvs = b.msgs.find((m) => m.t === 'replayed' && m.host === 'lvs') as Extract<FromWorker, { t: 'replayed' }>;
    expect(lvs.text).toContain(`[root@lvs ~]# ipvsadm -Ln\n${table}[root@lvs ~]# `);
  });

  it('a tampered or oversized link opens a fresh lab and says why', () => {
    const h = harness();
    h.send({ t: 'init', preset: 'nat', link: '1.AAAA!!' });
    expect(h.last('ready')!.restored).toMatchObject({ from: 'link', error: expect.stringMatching(/broken/) });
    const big = harness();
    big.send({ t: 'init', preset: 'nat', link: '1.' + 'A'.repeat(40_000) });
    expect(big.last('ready')!.restored!.error).toMatch(/too long/);
    expect(big.last('ready')!.preset).toBe('nat');
  });

  it('autosaves after each command, restores on reload, reset can be undone, a snapshot rolls back', async () => {
    const store = new MemoryStore();
    const a = harness(store);
    a.send({ t: 'init', preset: 'nat', labKey: 'nat' });
    a.run(100);
    await a.type('lvs', 'echo one > /root/f');
    await a.ask({ q: 'persist', op: { op: 'snapshot', name: 'one' } });
    await a.type('lvs', 'echo two > /root/f');
    await new Promise((r) => setTimeout(r, 5));
    expect([...store.data.keys()]).toContain('lvs-lab.v1.nat.current');

    // Reload: the saved lab comes back, terminals included.
    const b = harness(store);
    b.send({ t: 'init', preset: 'nat', labKey: 'nat' });
    for (let i = 0; i < 50 && !b.last('ready'); i++) { await new Promise((r) => setTimeout(r, 2)); b.run(10); }
    expect(b.last('ready')!.restored).toMatchObject({ from: 'saved', events: 2 });
    const lvs = b.msgs.find((m) => m.t === 'replayed' && m.host === 'lvs') as Extract<FromWorker, { t: 'replayed' }>;
    expect(lvs.text).toContain('# echo two > /root/f\n');
    await b.type('lvs', 'cat /root/f');
    expect(b.msgs.filter((m) => m.t === 'out' && m.host === 'lvs').map((m) => (m as { data: string }).data).join('')).toContain('two');

    // Reset, then undo.
    const reset = await b.ask({ q: 'persist', op: { op: 'reset' } });
    expect(reset).toMatchObject({ ok: true, canUndo: true });
    expect(b.last('ready')!.restored!.from).toBe('reset');
    const undo = await b.ask({ q: 'persist', op: { op: 'undo' } });
    expect(undo.ok).toBe(true);
    expect(b.last('ready')!.restored).toMatchObject({ from: 'undo', events: 3 });

    // Roll back to the snapshot: the file says "one" again.
    const snaps = await b.ask({ q: 'persist', op: { op: 'snapshots' } });
    expect(snaps.snapshots!.map((s) => s.name)).toEqual(['one']);
    await b.ask({ q: 'persist', op: { op: 'rollback', id: snaps.snapshots![0].id } });
    expect(b.last('ready')!.restored).toMatchObject({ from: 'snapshot', events: 1 });
    b.msgs.length = 0;
    await b.type('lvs', 'cat /root/f');
    expect(b.msgs.filter((m) => m.t === 'out' && m.host === 'lvs').map((m) => (m as { data: string }).data).join('')).toBe('one\n');
  });
});

describe('playground and challenge', () => {
  it('fires connections at a scheduler with the seed\'s formula', async () => {
    const h = harness();
    h.send({ t: 'init', preset: 'nat' });
    await h.ask({ q: 'playground', op: { op: 'reset' } });
    await h.ask({ q: 'playground', op: { op: 'scheduler', name: 'wlc' } });
    await h.ask({ q: 'playground', op: { op: 'set', name: 'RS1', active: 3 } });
    const s = await h.ask({ q: 'playground', op: { op: 'fire', count: 1, keep: 'active' } });
    expect(s.picks[0].chosenName).toBe('RS2');
    expect(s.picks[0].rows.find((r) => r.name === 'RS1')!.expr).toBe('(3×256+0)/1 = 768');
  });

  it('asks for the frame the director sends next, then reveals it', async () => {
    const h = harness();
    h.send({ t: 'init', preset: 'nat' });
    for (const c of ['sysctl -w net.ipv4.ip_forward=1', 'dnf install ipvsadm -y', 'ipvsadm -A -t 192.168.1.100:80 -s rr', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m']) await h.type('lvs', c, 60_000);
    await h.type('client', 'curl -s 192.168.1.100', 30_000);
    const ch = await h.ask({ q: 'challengeNext' });
    expect('none' in ch).toBe(false);
    if ('none' in ch) return;
    expect(h.last('status')!.status.travelAt).toBe(ch.frame);
    const r = await h.ask({ q: 'challengeCheck', id: ch.id, guess: { ipDst: '192.168.137.130', dport: '80' } });
    expect(r!.fields.find((f) => f.field === 'ipDst')!.ok).toBe(true);
    expect(r!.action).toBe('NAT');
    h.run(100);
    expect(h.last('status')!.status.travelAt === r!.answerFrame || h.last('status')!.status.travelAt === null).toBe(true);
  });
});
