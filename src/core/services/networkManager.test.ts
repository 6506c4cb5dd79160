import { describe, expect, it } from 'vitest';
import { createLab } from '../lab/presets.ts';
import { networkManagerOf } from './networkManager.ts';

describe('NetworkManager daemon API (what a UI calls)', () => {
  it('lists devices with states and active connections', () => {
    const lab = createLab('nat');
    const nm = networkManagerOf(lab.host('lvs')!)!;
    expect(nm.devices.map((d) => [d.name, d.type, d.state, d.ac?.profile.id ?? null, d.ac?.n ?? null])).toEqual([
      ['lo', 'loopback', 'activated', 'lo', 1], ['eth0', 'ethernet', 'activated', 'eth0', 2], ['eth1', 'ethernet', 'activated', 'eth1', 3],
    ]);
    expect(nm.stateText(nm.device('lo')!)).toBe('connected (externally)');
    expect(nm.profiles.filter((p) => !p.external).map((p) => p.filename)).toEqual([
      '/etc/NetworkManager/system-connections/eth0.nmconnection', '/etc/NetworkManager/system-connections/eth1.nmconnection',
    ]);
    expect(nm.metricOf('eth0')).toBe(100);
    expect(nm.metricOf('eth1')).toBe(101);
    expect(nm.nmState()).toBe('connected');
  });

  it('activates and deactivates; errors come back as NM\'s text', () => {
    const lab = createLab('nat');
    const nm = networkManagerOf(lab.host('lvs')!)!;
    const eth1 = nm.device('eth1')!;
    const ac = eth1.ac!;
    nm.deactivateAc(ac);
    expect(ac.state).toBe('deactivated');
    expect(eth1.state).toBe('disconnected');
    expect(lab.host('lvs')!.dev('eth1')!.addrs).toEqual([]);
    const r = nm.activate(ac.profile);
    expect(r.ok && r.value.state).toBe('activated');
    expect(r.ok && r.value.n).toBe(4);
    const lo = nm.newProfile('x', 'ethernet')!;
    lo.interfaceName = 'lo';
    const bad = nm.activate(lo);
    expect(bad).toEqual({ ok: false, error: 'No suitable device found for this connection (device eth0 not available because profile is not compatible with device (mismatching interface name)).' });
  });

  it('metric reservation bumps past ranges other devices hold (nm-manager.c)', () => {
    const lab = createLab('nat');
    const h = lab.host('lvs')!;
    const nm = networkManagerOf(h)!;
    nm.deactivateAc(nm.device('eth0')!.ac!);
    expect(nm.metricOf('eth0')).toBeNull();
    nm.activate(nm.profiles.find((p) => p.id === 'eth0')!);
    // eth1 holds [100, 101]: eth0 comes back with 102
    expect(nm.metricOf('eth0')).toBe(102);
    nm.deactivateAc(nm.device('eth1')!.ac!);
    nm.activate(nm.profiles.find((p) => p.id === 'eth1')!);
    // eth0 holds [100, 102]
    expect(nm.metricOf('eth1')).toBe(103);
  });

  it('restarting NetworkManager re-applies the profiles, counters start again', () => {
    const lab = createLab('dr');
    const h = lab.host('RS1')!;
    h.sd.restart('NetworkManager');
    const nm = networkManagerOf(h)!;
    expect(nm.device('eth0')!.ac!.n).toBe(2);
    expect(h.dev('eth0')!.addrs.map((a) => a.owner)).toEqual(['nm']);
  });
});
