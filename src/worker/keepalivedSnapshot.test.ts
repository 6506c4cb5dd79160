/**
 * The keepalived snapshot the page draws on the topology (ha preset, headless): VRRP state,
 * priority and VIPs per director, the checkers' verdicts per real server, and the failover
 * when the master is powered off; and the engine sends it as a 'keepalived' message.
 */
import { describe, expect, it } from 'vitest';
import { powerOffMachine } from '../core/lab/power.ts';
import { SEC } from '../core/sim/events.ts';
import { quietSink } from '../labs/modeSetup.ts';
import { LabSession } from '../shell/session.ts';
import { LabEngine } from './engine.ts';
import { keepalivedSnapshot } from './keepalivedSnapshot.ts';
import type { FromWorker } from './protocol.ts';

const VIP = '192.168.137.254';
const conf = (state: string, prio: number) => `vrrp_instance VI_1 {
    state ${state}
    interface eth0
    virtual_router_id 51
    priority ${prio}
    advert_int 1
    virtual_ipaddress {
        ${VIP}
    }
}
virtual_server ${VIP} 80 {
    delay_loop 3
    lb_algo rr
    lb_kind DR
    protocol TCP
    real_server 192.168.137.130 80 {
        TCP_CHECK {
            connect_timeout 1
        }
    }
    real_server 192.168.137.200 80 {
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
`;

function haLab(): LabSession {
  const s = LabSession.fromPreset('ha', quietSink());
  for (const h of ['lvs', 'lvs2']) expect(s.runLine(h, 'dnf install keepalived ipvsadm -y')).toBe(0);
  expect(s.runLine('RS1', 'systemctl stop httpd')).toBe(0);
  s.lab.host('lvs')!.fs.writeFile('/etc/keepalived/keepalived.conf', conf('MASTER', 100));
  s.lab.host('lvs2')!.fs.writeFile('/etc/keepalived/keepalived.conf', conf('BACKUP', 90));
  expect(s.runLine('lvs', 'systemctl start keepalived')).toBe(0);
  expect(s.runLine('lvs2', 'systemctl start keepalived')).toBe(0);
  s.lab.runUntil(undefined, s.lab.now + 8 * SEC);
  return s;
}

describe('keepalived snapshot', () => {
  it('VRRP state per director, checker verdict per real server, failover on power-off', () => {
    const s = haLab();
    let k = keepalivedSnapshot(s.lab);
    expect(Object.keys(k.hosts).sort()).toEqual(['lvs', 'lvs2']);
    expect(k.hosts.lvs.vrrp).toEqual([expect.objectContaining({ name: 'VI_1', state: 'MASTER', priority: 100, vips: [`${VIP}/32`], vipsSet: true, vrid: 51, iface: 'eth0' })]);
    expect(k.hosts.lvs2.vrrp).toEqual([expect.objectContaining({ state: 'BACKUP', priority: 90, vipsSet: false, master: '192.168.137.100' })]);
    for (const h of ['lvs', 'lvs2']) {
      const byRs = Object.fromEntries(k.hosts[h].checks.map((c) => [c.rs, c]));
      expect(byRs['192.168.137.130:80']).toMatchObject({ alive: false, inIpvs: false, kind: 'TCP_CHECK', last: 'connection refused' });
      expect(byRs['192.168.137.200:80']).toMatchObject({ alive: true, inIpvs: true, kind: 'TCP_CHECK', last: 'success', weight: 1 });
    }
    powerOffMachine(s.lab.host('lvs')!, { graceful: false });
    s.lab.runUntil(undefined, s.lab.now + 5 * SEC);
    k = keepalivedSnapshot(s.lab);
    expect(Object.keys(k.hosts)).toEqual(['lvs2']);
    expect(k.hosts.lvs2.vrrp[0]).toMatchObject({ state: 'MASTER', vipsSet: true });
  });

  it('the engine sends it with a new lab', () => {
    const msgs: FromWorker[] = [];
    const e = new LabEngine({ post: (m) => { msgs.push(m); }, soon: () => {}, later: () => () => {}, now: () => 0 });
    e.handle({ t: 'init', preset: 'ha' });
    // A new lab: nobody runs keepalived yet (the page clears what the last lab showed).
    expect(msgs.filter((m) => m.t === 'keepalived')).toEqual([{ t: 'keepalived', keepalived: { hosts: {} } }]);
  });
});
