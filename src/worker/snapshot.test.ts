import { describe, expect, it } from 'vitest';
import { createLab } from '../core/lab/presets.ts';
import { ip } from '../core/wire/types.ts';
import { ipvsSnapshot, topologySnapshot } from './snapshot.ts';

// The IPVS core is optional here: the test runs when src/core/ipvs/ipvs.ts exists.
const mods = import.meta.glob<Record<string, unknown>>('../core/ipvs/ipvs.ts', { eager: true });
const ipvsMod = Object.values(mods)[0] as { Ipvs?: { load(h: unknown): Record<string, (...a: unknown[]) => unknown> } } | undefined;

describe('snapshots', () => {
  it('describes the topology with addresses and MACs', () => {
    const t = topologySnapshot(createLab('dr'), 3);
    expect(t.version).toBe(3);
    const route = t.hosts.find((h) => h.name === 'route')!;
    expect(route.role).toBe('router');
    expect(route.nics.map((n) => n.addrs[0])).toEqual(['192.168.1.11/24', '192.168.137.140/24']);
    expect(route.nics[0].mac).toMatch(/^00:0c:29:/);
    expect(t.segments.find((s) => s.name === 'vmnet1')!.nets).toEqual(['192.168.137.0/24']);
    expect(t.hosts.find((h) => h.name === 'gateway')!.shell).toBe(false);
  });

  it('reports no IPVS before the module is loaded', () => {
    expect(ipvsSnapshot(createLab('nat'))).toEqual({ tables: {}, decisions: [], available: false });
  });

  it.runIf(ipvsMod?.Ipvs)('reads the director table from the IPVS core', () => {
    const lab = createLab('nat');
    const x = ipvsMod!.Ipvs!.load(lab.host('lvs')!);
    const svc = { fwmark: 0, protocol: 6, addr: ip('192.168.1.100'), port: 80 };
    expect(x.addService({ ...svc, schedName: 'rr', flags: 0, timeout: 0, netmask: 0xffffffff, pe: '' })).toBe(null);
    const dest = (a: string) => ({ addr: ip(a), port: 80, fwd: 0, weight: 1, uThreshold: 0, lThreshold: 0, tunType: 0, tunPort: 0, tunFlags: 0 });
    expect(x.addDest(svc, dest('192.168.137.130'))).toBe(null);
    expect(x.addDest(svc, dest('192.168.137.200'))).toBe(null);
    const snap = ipvsSnapshot(lab);
    expect(snap.available).toBe(true);
    expect(snap.tables.lvs).toHaveLength(1);
    expect(snap.tables.lvs[0]).toMatchObject({ proto: 'TCP', addr: '192.168.1.100:80', sched: 'rr' });
    expect(snap.tables.lvs[0].dests.map((d) => d.addr).sort()).toEqual(['192.168.137.130:80', '192.168.137.200:80']);
    expect(snap.tables.lvs[0].dests[0]).toMatchObject({ fwd: 'Masq', weight: 1, active: 0, inact: 0 });
  });
});
