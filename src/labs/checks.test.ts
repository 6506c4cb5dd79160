/**
 * The check engine on its own: each check reads the lab's state or traffic and explains its
 * answer; all/any/not compose; placeholders resolve against the lab.
 */
import { describe, expect, it } from 'vitest';
import { LabSession } from '../shell/session.ts';
import { evaluate, resolveText } from './checks.ts';
import { Detector } from './detector.ts';

function nat(): LabSession {
  return LabSession.fromPreset('nat', { output: () => {}, prompt: () => {} });
}

describe('evaluate', () => {
  it('state checks answer from the lab, with the values found', () => {
    const s = nat();
    const lab = s.lab;
    expect(evaluate(lab, { sysctl: { host: 'lvs', key: 'net.ipv4.ip_forward', value: 1 } })).toMatchObject({ ok: false, detail: 'lvs: net.ipv4.ip_forward = 0, want 1' });
    expect(evaluate(lab, { address: { host: 'lvs', dev: 'eth1', cidr: '192.168.1.100' } })).toMatchObject({ ok: false, detail: 'lvs: 192.168.1.100 is not on eth1 (it is on eth0)' });
    expect(evaluate(lab, { route: { host: 'RS1', to: '192.168.1.111', via: '192.168.137.100', dev: 'eth0' } }).ok).toBe(true);
    expect(evaluate(lab, { package: { host: 'lvs', name: 'ipvsadm' } }).ok).toBe(false);
    expect(evaluate(lab, { unit: { host: 'RS1', name: 'httpd', active: true, enabled: true } }).ok).toBe(true);
    expect(evaluate(lab, { file: { host: 'RS2', path: '/var/www/html/index.html', regex: '^RS2 - ' } }).ok).toBe(true);
    expect(evaluate(lab, { listening: { host: 'RS1', port: 443 } }).ok).toBe(false);
    expect(evaluate(lab, { arpAnswers: { host: 'RS1', ip: '192.168.137.130' } }).ok).toBe(true);
    expect(evaluate(lab, { sysctl: { host: 'nobody', key: 'x', value: 1 } })).toMatchObject({ ok: false, detail: 'no host named nobody in this lab' });
  });

  it('composes with all / any / not, and fills placeholders', () => {
    const lab = nat().lab;
    const vars = { VIP: '192.168.1.100' };
    expect(evaluate(lab, { all: [{ address: { host: 'lvs', cidr: '{{VIP}}/24' } }, { not: { package: { host: 'lvs', name: 'ipvsadm' } } }] }, { vars }).ok).toBe(true);
    expect(evaluate(lab, { any: [{ package: { host: 'lvs', name: 'ipvsadm' } }, { powered: { host: 'RS2', on: true } }] }).ok).toBe(true);
    const r = evaluate(lab, { not: { powered: { host: 'RS2', on: true } } });
    expect(r).toMatchObject({ ok: false, detail: 'RS2 is on (it should not)' });
    // Parts failing for one reason say it once (the TUN guide's first step before ipvsadm exists).
    const three = evaluate(lab, { all: [{ address: { host: 'lvs', cidr: '192.168.1.254/32' } }, { powered: { host: 'RS1', on: false } }, { powered: { host: 'RS1', on: false } }] });
    expect(three.detail).toBe('lvs: 192.168.1.254/32 is not on any device; RS1 is on');
    expect(resolveText(lab, 'mac {{mac:lvs:eth0}} ip {{ip:RS1:eth0}} {{VIP}} {{nope}}', vars)).toMatch(/^mac 00:0c:29:[0-9a-f:]{8} ip 192\.168\.137\.130 192\.168\.1\.100 \{\{nope\}\}$/);
  });

  it('IPVS and iptables checks read the kernel tables (iptables rules compared as iptables -C does)', () => {
    const s = nat();
    for (const c of ['dnf install ipvsadm -y', 'ipvsadm -A -t 192.168.1.100:80 -s wlc -p', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130 -m -w 2',
      'iptables -t mangle -A PREROUTING -d 192.168.1.100/32 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 0x1a0a']) s.runLine('lvs', c);
    const lab = s.lab;
    expect(evaluate(lab, { ipvsService: { host: 'lvs', vip: '192.168.1.100:80', scheduler: 'wlc', persistent: 360, dests: 1 } }).ok).toBe(true);
    expect(evaluate(lab, { ipvsService: { host: 'lvs', vip: '192.168.1.100:80', scheduler: 'rr' } }).detail).toBe('lvs: TCP 192.168.1.100:80: scheduler wlc, want rr');
    expect(evaluate(lab, { ipvsDest: { host: 'lvs', addr: '192.168.137.130:80', fwd: 'Masq', weight: { min: 2 } } }).ok).toBe(true);
    expect(evaluate(lab, { ipvsDest: { host: 'lvs', addr: '192.168.137.130', fwd: 'Route' } }).detail).toBe('lvs: have TCP 192.168.1.100:80 -> 192.168.137.130:80 Masq weight 2; want 192.168.137.130 Route');
    // Typed differently (no /32, decimal mark): the same rule.
    expect(evaluate(lab, { iptables: { host: 'lvs', table: 'mangle', chain: 'PREROUTING', rule: '-d 192.168.1.100 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 6666' } }).ok).toBe(true);
    expect(evaluate(lab, { iptables: { host: 'lvs', table: 'mangle', chain: 'PREROUTING', target: 'MARK', mark: 6666 } }).ok).toBe(true);
    expect(evaluate(lab, { iptables: { host: 'lvs', table: 'mangle', chain: 'PREROUTING', rule: '-d 192.168.1.100 -p tcp --dport 80 -j MARK --set-mark 6666' } }).ok).toBe(false);
  });

  it('traffic checks look at a window of frames', () => {
    const s = nat();
    s.runLine('client', 'ping -c 1 192.168.1.100');
    const lab = s.lab;
    const all = evaluate(lab, { frames: { filter: 'icmp.type == 0', sender: 'lvs', receiver: 'client', count: 1 } });
    expect(all.ok).toBe(true);
    expect(all.frames).toHaveLength(1);
    const later = evaluate(lab, { frames: { filter: 'icmp', count: 0 } }, { stepFrom: lab.capture.lastNo + 1 });
    expect(later.ok).toBe(true);
    expect(evaluate(lab, { frames: { filter: 'icmp', count: 0, since: 'guide' } }, { stepFrom: lab.capture.lastNo + 1 }).ok).toBe(false);
    expect(evaluate(lab, { frames: { filter: 'icmp', every: 'ip.ttl == 64' } }).detail).toMatch(/all match "ip\.ttl == 64"/);
  });
});

describe('Detector (incremental)', () => {
  it('marks frames as the lab runs and indexes them by frame', () => {
    const s = nat();
    const d = new Detector(s.lab);
    for (const c of ['dnf install ipvsadm -y', 'ipvsadm -A -t 192.168.1.100:80 -s rr', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130 -m']) s.runLine('lvs', c);
    expect(d.update()).toEqual([]);
    s.runLine('client', 'curl -s -m 1 192.168.1.100');
    s.settle();
    const found = d.update();
    expect(found.map((f) => f.kind)).toEqual(['ip-forward']);
    expect(d.at(found[0].frame)).toEqual(found);
    for (const r of found[0].related) expect(d.at(r)).toContain(found[0]);
    expect(d.update()).toEqual([]);     // nothing new
  });
});
