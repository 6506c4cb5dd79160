// End-to-end packet behaviour of iptables in the lab presets: DROP (timeout, drop reason in
// the capture), REJECT (ICMP / RST really sent), LOG (kernel line in the journal), MARK seen
// by a later LOCAL_IN hook (where IPVS sits), DNAT/MASQUERADE with conntrack on replies,
// counters, iptables.service, and the cost of an empty ruleset (nothing registered).
import { describe, expect, it } from 'vitest';
import { createLab } from '../lab/presets.ts';
import type { Lab } from '../lab/lab.ts';
import { makeSh } from './testkit.ts';
import { iptablesCommands } from '../../shell/commands/iptables.ts';
import { curlCommand } from '../../shell/commands/net/curl.ts';
import { Hook, Verdict } from './hooks.ts';
import { netfilterOf } from './tables.ts';
import { installPackage } from '../services/packages.ts';
import { ip } from '../wire/types.ts';
import './unit.ts';

const sh = makeSh([...iptablesCommands, curlCommand]);

function drops(lab: Lab, from: number): string[] {
  const out: string[] = [];
  for (let no = from + 1; no <= lab.capture.lastNo; no++) { const d = lab.capture.dropOf(no); if (d) out.push(d.reason); }
  return out;
}

describe('filter INPUT on a real server (dr preset)', () => {
  it('a fresh host registers no netfilter hook and iptables -L registers none either', () => {
    const lab = createLab('dr');
    const h = lab.host('RS1')!;
    for (const k of [Hook.PREROUTING, Hook.LOCAL_IN, Hook.FORWARD, Hook.LOCAL_OUT, Hook.POSTROUTING]) expect(h.hooks.isEmpty(k)).toBe(true);
    sh(lab, 'RS1', 'iptables -L -n -v');
    sh(lab, 'RS1', 'iptables-save');
    for (const k of [Hook.PREROUTING, Hook.LOCAL_IN, Hook.FORWARD, Hook.LOCAL_OUT, Hook.POSTROUTING]) expect(h.hooks.isEmpty(k)).toBe(true);
    sh(lab, 'RS1', 'iptables -A INPUT -j ACCEPT');
    expect(h.hooks.entries(Hook.LOCAL_IN).map((e) => [e.owner, e.priority])).toEqual([['iptables:filter', 0]]);
    expect(h.hooks.isEmpty(Hook.FORWARD)).toBe(true);
  });

  it('DROP makes curl time out and the capture names table, chain and rule', () => {
    const lab = createLab('dr');
    expect(sh(lab, 'client', 'curl -s 192.168.137.130').stdout).toBe('RS1 - 192.168.137.130\n');
    sh(lab, 'RS1', 'iptables -A INPUT -p icmp -j ACCEPT');
    sh(lab, 'RS1', 'iptables -A INPUT -p tcp --dport 80 -j DROP');
    const mark = lab.capture.lastNo;
    expect(sh(lab, 'client', 'curl --connect-timeout 2 192.168.137.130')).toEqual({
      stdout: '', stderr: 'curl: (28) Connection timed out after 2001 milliseconds\n', status: 28 });
    const ds = drops(lab, mark);
    expect(ds.length).toBeGreaterThan(0);
    expect(ds[0]).toBe('RS1: iptables filter INPUT rule 2 (-p tcp -m tcp --dport 80 -j DROP)');
    const l = sh(lab, 'RS1', 'iptables -L INPUT -v -n -x').stdout.split('\n');
    expect(Number(l[3].trim().split(/\s+/)[0])).toBeGreaterThanOrEqual(2); // SYN + retransmissions counted
  });

  it('REJECT answers at once: tcp-reset and port-unreachable refuse, host-prohibited is no route', () => {
    const lab = createLab('dr');
    sh(lab, 'RS1', 'iptables -A INPUT -p tcp --dport 80 -j REJECT --reject-with tcp-reset');
    const t0 = lab.now;
    expect(sh(lab, 'client', 'curl 192.168.137.130').stderr).toBe('curl: (7) Failed to connect to 192.168.137.130 port 80: Connection refused\n');
    expect(lab.now - t0).toBeLessThan(1_000_000);
    sh(lab, 'RS1', 'iptables -R INPUT 1 -p tcp --dport 80 -j REJECT');
    expect(sh(lab, 'client', 'curl 192.168.137.130')).toMatchObject({ status: 7, stderr: 'curl: (7) Failed to connect to 192.168.137.130 port 80: Connection refused\n' });
    sh(lab, 'RS1', 'iptables -R INPUT 1 -j REJECT --reject-with icmp-host-prohibited');
    expect(sh(lab, 'client', 'curl 192.168.137.130')).toMatchObject({ status: 7, stderr: 'curl: (7) Failed to connect to 192.168.137.130 port 80: No route to host\n' });
    const mark = lab.capture.lastNo;
    sh(lab, 'client', 'curl 192.168.137.130');
    expect(drops(lab, mark)[0]).toBe('RS1: iptables filter INPUT rule 1 (-j REJECT --reject-with icmp-host-prohibited): rejected with icmp-host-prohibited');
  });

  it('LOG writes the kernel line to the journal and lets the packet go on', () => {
    const lab = createLab('dr');
    sh(lab, 'RS1', 'iptables -A INPUT -p tcp --syn -j LOG --log-prefix "IN: "');
    expect(sh(lab, 'client', 'curl -s 192.168.137.130').status).toBe(0);
    const k = lab.host('RS1')!.sd.journal.filter((j) => j.ident === 'kernel' && j.msg.startsWith('IN: '));
    expect(k.length).toBe(1);
    expect(k[0].priority).toBe(4);
    expect(k[0].msg).toMatch(/^IN: IN=eth0 OUT= MAC=(?:[0-9a-f]{2}:){13}[0-9a-f]{2} SRC=192\.168\.1\.111 DST=192\.168\.137\.130 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=\d+ DF PROTO=TCP SPT=\d+ DPT=80 WINDOW=64240 RES=0x00 SYN URGP=0 $/);
    const mac = k[0].msg.split(' ')[3].slice(4).split(':');
    expect(mac.slice(12)).toEqual(['08', '00']);
  });

  it('the RHEL default ruleset of iptables-services blocks httpd (iptables.service)', () => {
    const lab = createLab('dr');
    const rs = lab.host('RS1')!;
    installPackage(rs, 'iptables-services');
    expect(rs.fs.readFile('/etc/sysconfig/iptables')).toContain('-A INPUT -j REJECT --reject-with icmp-host-prohibited');
    expect(rs.sd.start('iptables')).toBeNull();
    expect(rs.sd.unit('iptables')!.state).toBe('active');
    expect(sh(lab, 'client', 'curl 192.168.137.130').stderr).toBe('curl: (7) Failed to connect to 192.168.137.130 port 80: No route to host\n');
    // Established traffic and ping still pass; stopping the service flushes.
    expect(rs.sd.stop('iptables')).toBeNull();
    expect(sh(lab, 'client', 'curl -s 192.168.137.130').stdout).toBe('RS1 - 192.168.137.130\n');
    expect(sh(lab, 'RS1', 'iptables -S').stdout).toBe('-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n');
  });
});

describe('MARK in mangle PREROUTING (the firewall-mark lesson)', () => {
  it('sets skb.mark that a LOCAL_IN hook at IPVS priority sees; counters count client→VIP packets', () => {
    const lab = createLab('dr');
    const lvs = lab.host('lvs')!;
    lvs.addAddr('eth0', ip('192.168.137.254'), 32);
    sh(lab, 'lvs', 'iptables -t mangle -A PREROUTING -d 192.168.137.254 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 6666');
    const seen: number[] = [];
    lvs.hooks.register({ hook: Hook.LOCAL_IN, priority: 99, owner: 'test-ipvs', fn: (skb) => { if (skb.ip.dst === ip('192.168.137.254')) seen.push(skb.mark); return Verdict.ACCEPT; } });
    // Nothing listens on lvs: port 80 gets a RST, but the SYN went through LOCAL_IN with its mark.
    sh(lab, 'client', 'curl 192.168.137.254');
    sh(lab, 'client', 'curl 192.168.137.254:443');
    sh(lab, 'client', 'curl 192.168.137.254:8080');
    expect(seen).toEqual([6666, 6666, 0]);
    const l = sh(lab, 'lvs', 'iptables -t mangle -L PREROUTING -v -n -x').stdout.split('\n')[2].trim().split(/\s+/);
    expect(Number(l[0])).toBe(2);
    expect(Number(l[1])).toBe(120);
  });

  it('filter INPUT (0) runs before IPVS (99): a DROP there stops the packet before the IPVS hook', () => {
    const lab = createLab('dr');
    const lvs = lab.host('lvs')!;
    lvs.addAddr('eth0', ip('192.168.137.254'), 32);
    let reached = 0;
    lvs.hooks.register({ hook: Hook.LOCAL_IN, priority: 99, owner: 'test-ipvs', fn: () => { reached++; return Verdict.ACCEPT; } });
    sh(lab, 'lvs', 'iptables -A INPUT -d 192.168.137.254 -j DROP');
    sh(lab, 'client', 'curl --connect-timeout 1 192.168.137.254');
    expect(reached).toBe(0);
  });
});

describe('NAT with connection tracking (nat preset)', () => {
  it('DNAT on the director: the reply is un-NATed by conntrack; MASQUERADE rewrites the source', () => {
    const lab = createLab('nat');
    const lvs = lab.host('lvs')!;
    lvs.sysctl.set('net.ipv4.ip_forward', '1');
    sh(lab, 'lvs', 'iptables -t nat -A PREROUTING -d 192.168.1.100 -p tcp --dport 80 -j DNAT --to-destination 192.168.137.130:80');
    expect(netfilterOf(lvs).conntrackActive).toBe(true);
    expect(sh(lab, 'client', 'curl -s 192.168.1.100')).toEqual({ stdout: 'RS1 - 192.168.137.130\n', stderr: '', status: 0 });
    expect(lab.host('RS1')!.fs.readFile('/var/log/httpd/access_log')).toMatch(/^192\.168\.1\.111 /);
    lab.runUntil(undefined, lab.now + 10_000_000); // httpd's keep-alive ends, both FINs pass
    const ct = sh(lab, 'lvs', 'conntrack -L');
    expect(ct.stdout).toMatch(/^tcp {6}6 \d+ TIME_WAIT src=192\.168\.1\.111 dst=192\.168\.1\.100 sport=\d+ dport=80 src=192\.168\.137\.130 dst=192\.168\.1\.111 sport=80 dport=\d+ \[ASSURED\] mark=0 /);
    expect(ct.stderr).toBe('conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n');
    // Only the first packet of a connection traverses the nat chain.
    expect(sh(lab, 'lvs', 'iptables -t nat -L PREROUTING -v -n').stdout.split('\n')[2]).toMatch(/^ {4}1 {4}60 DNAT/);

    sh(lab, 'lvs', 'iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE');
    expect(sh(lab, 'client', 'curl -s 192.168.1.100').stdout).toBe('RS1 - 192.168.137.130\n');
    const log = lab.host('RS1')!.fs.readFile('/var/log/httpd/access_log').trim().split('\n');
    expect(log[log.length - 1]).toMatch(/^192\.168\.137\.100 /);
  });

  it('an ICMP error from behind DNAT is RELATED and translated back (inner and outer headers)', () => {
    const lab = createLab('nat');
    lab.host('lvs')!.sysctl.set('net.ipv4.ip_forward', '1');
    sh(lab, 'lvs', 'iptables -t nat -A PREROUTING -d 192.168.1.100 -p tcp --dport 80 -j DNAT --to-destination 192.168.137.130:80');
    sh(lab, 'RS1', 'iptables -A INPUT -p tcp --dport 80 -j REJECT');
    const t0 = lab.now;
    expect(sh(lab, 'client', 'curl 192.168.1.100')).toMatchObject({ status: 7, stderr: 'curl: (7) Failed to connect to 192.168.1.100 port 80: Connection refused\n' });
    expect(lab.now - t0).toBeLessThan(1_000_000);
  });

  it('state matches: ESTABLISHED replies pass a default-deny INPUT; NEW is refused', () => {
    const lab = createLab('dr');
    for (const l of [
      'iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
      'iptables -A INPUT -i lo -j ACCEPT',
      'iptables -P INPUT DROP',
    ]) expect(sh(lab, 'client', l).status).toBe(0);
    // client → RS1 works (replies are ESTABLISHED) ...
    expect(sh(lab, 'client', 'curl -s 192.168.137.130').stdout).toBe('RS1 - 192.168.137.130\n');
    // ... and the policy counter counted nothing that belonged to it.
    const mark = lab.capture.lastNo;
    expect(sh(lab, 'RS1', 'curl --connect-timeout 1 192.168.1.111').status).toBe(28);
    expect(drops(lab, mark)[0]).toBe('client: iptables filter INPUT policy DROP');
  });
});

describe('snapshot (what a UI shows)', () => {
  it('lists existing tables, chains, policies and rules with counters', () => {
    const lab = createLab('dr');
    expect(netfilterOf(lab.host('RS1')!).snapshot().tables).toEqual([]);
    sh(lab, 'RS1', 'iptables -A INPUT -p tcp --dport 80 -j ACCEPT');
    sh(lab, 'client', 'curl -s 192.168.137.130');
    const s = netfilterOf(lab.host('RS1')!).snapshot();
    expect(s.tables.map((t) => t.name)).toEqual(['filter']);
    const input = s.tables[0].chains[0];
    expect(input).toMatchObject({ name: 'INPUT', builtin: true, policy: 'ACCEPT', hook: Hook.LOCAL_IN, priority: 0 });
    expect(input.rules[0]).toMatchObject({ num: 1, spec: '-p tcp -m tcp --dport 80 -j ACCEPT', target: 'ACCEPT' });
    expect(input.rules[0].pkts).toBeGreaterThanOrEqual(3);
    expect(s.tables[0].chains[1]).toMatchObject({ name: 'FORWARD', pkts: 0, rules: [] });
  });
});
