/**
 * End-to-end IPVS in the lab presets: ipvsadm configures the director through the command,
 * clients run curl, and the capture shows what each forwarding method does to the packets
 * (the scenarios of the kernel selftest ipvs.sh, test_nat/test_dr, plus TUN, FULLNAT,
 * persistence, firewall marks and the ipvsadm.service unit).
 */
import { describe, expect, it } from 'vitest';
import { createLab } from '../../core/lab/presets.ts';
import type { Lab } from '../../core/lab/lab.ts';
import { Ipvs } from '../../core/ipvs/ipvs.ts';
import { Hook, Verdict } from '../../core/netfilter/hooks.ts';
import { SEC } from '../../core/sim/events.ts';
import { parseFrame } from '../../core/wire/frame.ts';
import { IpProto, TcpFlag, fmtIp, ip, type EthernetRepr, type Ipv4Repr, type TcpRepr } from '../../core/wire/types.ts';
import { installIpvsadm, setup, sh } from './ipvsadm.testkit.ts';
import { rebootMachine } from '../../core/lab/power.ts';

const NAT_VIP = '192.168.1.100';
const DR_VIP = '192.168.137.254';

interface Fr { no: number; seg: string; f: EthernetRepr; drop?: string }

function frames(lab: Lab, from = 1): Fr[] {
  const out: Fr[] = [];
  for (const r of lab.capture.range(from)) out.push({ no: r.no, seg: r.segment < 0 ? '-' : lab.segmentById(r.segment)!.name, f: parseFrame(r.bytes), drop: r.drop?.reason });
  return out;
}

const ipOf = (x: Fr): Ipv4Repr | null => (x.f.payload.kind === 'ipv4' ? x.f.payload : null);
const tcpOf = (p: Ipv4Repr | null): TcpRepr | null => (p && p.payload.kind === 'tcp' ? p.payload : null);

/** `for i in {1..n}; do curl VIP; done` from the client; the bodies. */
function curls(lab: Lab, vip: string, n: number, from = 'client', extra = ''): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = sh(lab, from, `curl -s -m 3 ${extra} ${vip}`.replace(/\s+/g, ' '));
    out.push(r.status === 0 ? r.stdout.trim() : `exit ${r.status}`);
    lab.advance(SEC / 10);   // the time it takes to type the next command: the FIN exchange completes
  }
  return out;
}

const RS = (n: 1 | 2) => (n === 1 ? 'RS1 - 192.168.137.130' : 'RS2 - 192.168.137.200');

function natLab(forward = true): Lab {
  const lab = createLab('nat');
  installIpvsadm(lab);
  if (forward) setup(lab, 'lvs', ['sysctl -w net.ipv4.ip_forward=1']);
  setup(lab, 'lvs', [
    `ipvsadm -A -t ${NAT_VIP}:80 -s rr`,
    `ipvsadm -a -t ${NAT_VIP}:80 -r 192.168.137.130:80 -m`,
    `ipvsadm -a -t ${NAT_VIP}:80 -r 192.168.137.200:80 -m`,
  ]);
  return lab;
}

function drLab(mode: 'dr' | 'tun' | 'fullnat', flag = mode === 'dr' ? '-g' : mode === 'tun' ? '-i' : '--fullnat'): Lab {
  const lab = createLab(mode);
  installIpvsadm(lab);
  setup(lab, 'lvs', [`ip addr add ${DR_VIP}/32 dev eth0`]);
  for (const rs of ['RS1', 'RS2']) {
    if (mode === 'dr') {
      setup(lab, rs, [`ip addr add ${DR_VIP}/32 dev lo`, 'sysctl -w net.ipv4.conf.all.arp_ignore=1', 'sysctl -w net.ipv4.conf.all.arp_announce=2']);
    } else if (mode === 'tun') {
      lab.host(rs)!.loadModule('ipip');
      setup(lab, rs, ['ip link set tunl0 up', `ip addr add ${DR_VIP}/32 dev tunl0`, 'sysctl -w net.ipv4.conf.tunl0.rp_filter=0',
        'sysctl -w net.ipv4.conf.all.rp_filter=0', 'sysctl -w net.ipv4.conf.all.arp_ignore=1', 'sysctl -w net.ipv4.conf.all.arp_announce=2']);
    }
  }
  setup(lab, 'lvs', [`ipvsadm -A -t ${DR_VIP}:80 -s rr`, `ipvsadm -a -t ${DR_VIP}:80 -r 192.168.137.130 ${flag}`, `ipvsadm -a -t ${DR_VIP}:80 -r 192.168.137.200 ${flag}`]);
  return lab;
}

describe('LVS-NAT (the seed)', () => {
  it('10 curls: RS2 first, alternating; -Ln shows 0/5 each within 120 s, 0/0 after 121 s', () => {
    const lab = natLab();
    expect(curls(lab, NAT_VIP, 10)).toEqual([RS(2), RS(1), RS(2), RS(1), RS(2), RS(1), RS(2), RS(1), RS(2), RS(1)]);
    const listing = sh(lab, 'lvs', 'ipvsadm -Ln').stdout;
    expect(listing.split('\n').slice(3, 6)).toEqual([
      'TCP  192.168.1.100:80 rr',
      '  -> 192.168.137.130:80           Masq    1      0          5         ',
      '  -> 192.168.137.200:80           Masq    1      0          5         ',
    ]);
    const conns = sh(lab, 'lvs', 'ipvsadm -Lnc').stdout.split('\n').slice(2).filter(Boolean);
    expect(conns).toHaveLength(10);
    for (const c of conns) expect(c).toMatch(/^TCP 01:5\d  TIME_WAIT   192\.168\.1\.111:\d+ 192\.168\.1\.100:80 {3}192\.168\.137\.(130|200):80$/);
    expect(sh(lab, 'lvs', 'ipvsadm -Ln --stats').stdout.split('\n')[3]).toMatch(/^TCP  192\.168\.1\.100:80 {19}10 /);
    lab.advance(121 * SEC);
    expect(sh(lab, 'lvs', 'ipvsadm -Ln').stdout.split('\n').slice(4, 6)).toEqual([
      '  -> 192.168.137.130:80           Masq    1      0          0         ',
      '  -> 192.168.137.200:80           Masq    1      0          0         ',
    ]);
    expect(sh(lab, 'lvs', 'ipvsadm -Lnc').stdout).toBe('IPVS connection entries\npro expire state       source             virtual            destination\n');
  });

  it('NAT rewrites the destination on the way in and the source on the way back', () => {
    const lab = natLab();
    const from = lab.capture.lastNo + 1;
    expect(curls(lab, NAT_VIP, 1)).toEqual([RS(2)]);
    const fr = frames(lab, from).filter((x) => tcpOf(ipOf(x)));
    const toRs = fr.find((x) => x.seg === 'vmnet1' && tcpOf(ipOf(x))!.flags === TcpFlag.SYN)!;
    expect(fmtIp(ipOf(toRs)!.src)).toBe('192.168.1.111');
    expect(fmtIp(ipOf(toRs)!.dst)).toBe('192.168.137.200');
    expect(ipOf(toRs)!.ttl).toBe(63);                       // decremented by IPVS (kernels >= 5.3)
    const synAckOut = fr.find((x) => x.seg === 'vmnet8' && tcpOf(ipOf(x))!.flags === (TcpFlag.SYN | TcpFlag.ACK))!;
    expect(fmtIp(ipOf(synAckOut)!.src)).toBe(NAT_VIP);
    expect(fmtIp(ipOf(synAckOut)!.dst)).toBe('192.168.1.111');
    const synAckIn = fr.find((x) => x.seg === 'vmnet1' && tcpOf(ipOf(x))!.flags === (TcpFlag.SYN | TcpFlag.ACK))!;
    expect(fmtIp(ipOf(synAckIn)!.src)).toBe('192.168.137.200');
    const log = lab.host('RS2')!.fs.readFile('/var/log/httpd/access_log');
    expect(log).toMatch(/^192\.168\.1\.111 /);                // the real server sees the client
  });

  it('without ip_forward the replies die on the director and curl times out', () => {
    const lab = natLab(false);
    const from = lab.capture.lastNo + 1;
    const r = sh(lab, 'client', `curl -s -m 2 ${NAT_VIP}`);
    expect(r.status).toBe(28);
    expect(frames(lab, from).some((x) => /ip_forward is 0/.test(x.drop ?? ''))).toBe(true);
    // the connection was scheduled and sits in SYN_RECV (active) until it times out
    expect(sh(lab, 'lvs', 'ipvsadm -Lnc').stdout).toMatch(/TCP 00:5\d  SYN_RECV    192\.168\.1\.111:\d+ 192\.168\.1\.100:80 {3}192\.168\.137\.200:80/);
  });

  it('a local client on the director is scheduled in LOCAL_OUT', () => {
    const lab = natLab();
    expect(curls(lab, NAT_VIP, 2, 'lvs')).toEqual([RS(2), RS(1)]);
  });

  it('no usable server: ICMP port unreachable, curl says connection refused', () => {
    const lab = natLab();
    setup(lab, 'lvs', [`ipvsadm -e -t ${NAT_VIP}:80 -r 192.168.137.130 -m -w 0`, `ipvsadm -e -t ${NAT_VIP}:80 -r 192.168.137.200 -m -w 0`]);
    const r = sh(lab, 'client', `curl -m 2 ${NAT_VIP}`);
    expect(r.status).toBe(7);
    expect(r.stderr).toContain('Connection refused');
  });

  it('wlc (the default) and sh over a real network', () => {
    const lab = natLab();
    setup(lab, 'lvs', [`ipvsadm -E -t ${NAT_VIP}:80`]);
    expect(curls(lab, NAT_VIP, 4)).toEqual([RS(2), RS(1), RS(2), RS(1)]);
    setup(lab, 'lvs', [`ipvsadm -E -t ${NAT_VIP}:80 -s sh`]);
    expect(curls(lab, NAT_VIP, 3)).toEqual([RS(1), RS(1), RS(1)]);   // 192.168.1.111 → bucket 141 → RS1
  });

  it('every new connection leaves a decision with the numbers compared', () => {
    const lab = natLab();
    setup(lab, 'lvs', [`ipvsadm -E -t ${NAT_VIP}:80 -s wlc`]);
    curls(lab, NAT_VIP, 3);
    const d = Ipvs.of(lab.host('lvs')!)!.decisions();
    expect(d).toHaveLength(3);
    expect(d[2].text).toMatch(/^TCP 192\.168\.1\.100:80 ← 192\.168\.1\.111:\d+: wlc: 192\.168\.137\.200:80 \(0\*256\+1\)\/1 = 1, 192\.168\.137\.130:80 \(0\*256\+1\)\/1 = 1 → 192\.168\.137\.200:80$/);
    expect(d[2].sched!.steps.map((s) => [s.dest, s.inactive])).toEqual([['192.168.137.200:80', 1], ['192.168.137.130:80', 1]]);
  });
});

describe('LVS-DR, LVS-TUN, FULLNAT', () => {
  it('DR: only the destination MAC changes', () => {
    const lab = drLab('dr');
    const from = lab.capture.lastNo + 1;
    expect(curls(lab, DR_VIP, 4)).toEqual([RS(2), RS(1), RS(2), RS(1)]);
    const rs2mac = lab.host('RS2')!.dev('eth0')!.mac;
    const lvsMac = lab.host('lvs')!.dev('eth0')!.mac;
    const syns = frames(lab, from).filter((x) => x.seg === 'vmnet1' && tcpOf(ipOf(x))?.flags === TcpFlag.SYN);
    const fromRoute = syns.find((x) => x.f.dst === lvsMac)!;
    const fromLvs = syns.find((x) => x.f.src === lvsMac && x.f.dst === rs2mac)!;
    expect(fmtIp(ipOf(fromLvs)!.dst)).toBe(DR_VIP);
    expect(fmtIp(ipOf(fromLvs)!.src)).toBe('192.168.1.111');
    expect(tcpOf(ipOf(fromLvs))).toEqual(tcpOf(ipOf(fromRoute)));
    expect(ipOf(fromLvs)!.ttl).toBe(ipOf(fromRoute)!.ttl - 1);
    // replies go from the real server straight to the router, from the VIP
    const synAck = frames(lab, from).find((x) => tcpOf(ipOf(x))?.flags === (TcpFlag.SYN | TcpFlag.ACK))!;
    expect(synAck.f.src).toBe(rs2mac);
    expect(fmtIp(ipOf(synAck)!.src)).toBe(DR_VIP);
    lab.advance(SEC);
    expect(sh(lab, 'lvs', 'ipvsadm -Ln').stdout.split('\n').slice(4, 6)).toEqual([
      '  -> 192.168.137.130:80           Route   1      0          2         ',
      '  -> 192.168.137.200:80           Route   1      0          2         ',
    ]);
    expect(sh(lab, 'lvs', 'ipvsadm -Lnc').stdout).toMatch(/TCP 01:5\d  FIN_WAIT    192\.168\.1\.111:\d+ 192\.168\.137\.254:80 192\.168\.137\.200:80/);
  });

  it('DR without the VIP on the real servers: they drop the packets, curl times out', () => {
    const lab = createLab('dr');
    installIpvsadm(lab);
    setup(lab, 'lvs', [`ip addr add ${DR_VIP}/32 dev eth0`, `ipvsadm -A -t ${DR_VIP}:80 -s rr`, `ipvsadm -a -t ${DR_VIP}:80 -r 192.168.137.130 -g`]);
    expect(curls(lab, DR_VIP, 1)).toEqual(['exit 28']);
  });

  it('TUN: an outer IPv4 header, protocol 4, from the director to the real server', () => {
    const lab = drLab('tun');
    const from = lab.capture.lastNo + 1;
    expect(curls(lab, DR_VIP, 2)).toEqual([RS(2), RS(1)]);
    const outer = frames(lab, from).map(ipOf).find((p) => p?.protocol === IpProto.IPIP)!;
    expect(fmtIp(outer.src)).toBe('192.168.137.100');
    expect(fmtIp(outer.dst)).toBe('192.168.137.200');
    expect(outer.payload.kind).toBe('ipv4');
    const inner = outer.payload as Ipv4Repr;
    expect(fmtIp(inner.dst)).toBe(DR_VIP);
    expect(fmtIp(inner.src)).toBe('192.168.1.111');
    expect(sh(lab, 'lvs', 'ipvsadm -Ln').stdout).toContain('  -> 192.168.137.200:80           Tunnel  1      0          1         ');
  });

  it('TUN without the ipip module on the real server: protocol unreachable', () => {
    const lab = createLab('tun');
    installIpvsadm(lab);
    setup(lab, 'lvs', [`ip addr add ${DR_VIP}/32 dev eth0`, `ipvsadm -A -t ${DR_VIP}:80 -s rr`, `ipvsadm -a -t ${DR_VIP}:80 -r 192.168.137.130 -i`]);
    const from = lab.capture.lastNo + 1;
    expect(curls(lab, DR_VIP, 1)).toEqual(['exit 28']);
    expect(frames(lab, from).some((x) => /modprobe ipip/.test(x.drop ?? ''))).toBe(true);
  });

  it('FULLNAT: both addresses rewritten, TOA carries the client, replies translated back', () => {
    const none = drLab('fullnat');
    const from0 = none.capture.lastNo + 1;
    expect(curls(none, DR_VIP, 1)).toEqual(['exit 28']);     // no local address yet: dropped
    expect(frames(none, from0).some((x) => /no FULLNAT local address/.test(x.drop ?? ''))).toBe(true);
    const lab = drLab('fullnat');
    setup(lab, 'lvs', [`ipvsadm --add-laddr -z 192.168.137.100 -t ${DR_VIP}:80 -F eth0`]);
    const from = lab.capture.lastNo + 1;
    expect(curls(lab, DR_VIP, 2)).toEqual([RS(2), RS(1)]);
    const fr = frames(lab, from);
    const toRs = fr.filter((x) => x.seg === 'vmnet1' && ipOf(x) && fmtIp(ipOf(x)!.dst) === '192.168.137.200' && tcpOf(ipOf(x)));
    expect(toRs.length).toBeGreaterThan(2);
    for (const x of toRs) expect(fmtIp(ipOf(x)!.src)).toBe('192.168.137.100');
    const withToa = toRs.filter((x) => tcpOf(ipOf(x))!.options.some((o) => o.kind === 'toa'));
    expect(withToa).toHaveLength(1);
    const t = tcpOf(ipOf(withToa[0]))!;
    expect(t.flags & TcpFlag.SYN).toBe(0);
    const toa = t.options.find((o) => o.kind === 'toa') as { port: number; addr: number };
    expect(fmtIp(toa.addr)).toBe('192.168.1.111');
    const toClient = fr.filter((x) => x.seg === 'vmnet1' && ipOf(x) && fmtIp(ipOf(x)!.dst) === '192.168.1.111' && tcpOf(ipOf(x)));
    expect(toClient.length).toBeGreaterThan(0);
    for (const x of toClient) expect(fmtIp(ipOf(x)!.src)).toBe(DR_VIP);
    expect(lab.host('RS2')!.fs.readFile('/var/log/httpd/access_log')).toMatch(/^192\.168\.137\.100 /);
    expect(sh(lab, 'lvs', 'ipvsadm -Ln').stdout).toContain('  -> 192.168.137.200:80           FullNat 1      0          1         ');
    expect(sh(lab, 'lvs', 'ipvsadm -G').stdout).toBe(`VIP:VPORT            TOTAL    SNAT_IP              CONFLICTS  CONNS     
192.168.137.254:80   1        
                              192.168.137.100      0          2         
`);
  });
});

describe('persistence and firewall marks', () => {
  it('-p 300: one client sticks to the first pick; a second client triggers the next rr pick; templates in -Lnc', () => {
    const lab = natLab();
    setup(lab, 'lvs', [`ipvsadm -E -t ${NAT_VIP}:80 -s rr -p 300`]);
    expect(curls(lab, NAT_VIP, 4)).toEqual([RS(2), RS(2), RS(2), RS(2)]);
    lab.advance(SEC);
    expect(sh(lab, 'lvs', 'ipvsadm -Ln --persistent-conn').stdout).toBe(`IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn 
  -> RemoteAddress:Port
TCP  192.168.1.100:80 rr persistent 300
  -> 192.168.137.130:80           1         0           0          0         
  -> 192.168.137.200:80           1         1           0          4         
`);
    const c = sh(lab, 'lvs', 'ipvsadm -Lnc').stdout;
    expect(c).toMatch(/\nTCP 04:5\d  ASSURED     192\.168\.1\.111:0 {4}192\.168\.1\.100:80 {3}192\.168\.137\.200:80\n/);
    lab.host('client')!.addAddr('eth0', ip('192.168.1.112'), 24);
    expect(curls(lab, NAT_VIP, 2, 'client', '--interface 192.168.1.112')).toEqual([RS(1), RS(1)]);
    // the template outlives its connections by its own timeout (300 s after the last new one)
    lab.advance(200 * SEC);
    expect(sh(lab, 'lvs', 'ipvsadm -Lnc').stdout.split('\n').slice(2).filter(Boolean)).toHaveLength(2);
    lab.advance(101 * SEC);
    expect(sh(lab, 'lvs', 'ipvsadm -Lnc').stdout.split('\n').slice(2).filter(Boolean)).toHaveLength(0);
    expect(curls(lab, NAT_VIP, 1)).toEqual([RS(2)]);
  });

  it('-M 255.255.255.0: the whole /24 shares one template', () => {
    const lab = natLab();
    setup(lab, 'lvs', [`ipvsadm -E -t ${NAT_VIP}:80 -s rr -p 300 -M 255.255.255.0`]);
    lab.host('client')!.addAddr('eth0', ip('192.168.1.112'), 24);
    expect([...curls(lab, NAT_VIP, 1), ...curls(lab, NAT_VIP, 1, 'client', '--interface 192.168.1.112')]).toEqual([RS(2), RS(2)]);
    expect(sh(lab, 'lvs', 'ipvsadm -Lnc').stdout).toMatch(/ASSURED     192\.168\.1\.0:0 {6}192\.168\.1\.100:80/);
  });

  it('a firewall-mark service takes marked packets first; its template prints as IP 0.0.26.10:0', () => {
    const lab = createLab('dr');
    installIpvsadm(lab);
    const lvs = lab.host('lvs')!;
    // iptables -t mangle -A PREROUTING -d VIP -p tcp -m multiport --dports 80,443 -j MARK --set-mark 6666
    lvs.hooks.register({ hook: Hook.PREROUTING, priority: -150, owner: 'test:mangle', fn: (s) => {
      const p = s.ip.payload;
      if (fmtIp(s.ip.dst) === DR_VIP && p.kind === 'tcp' && (p.dstPort === 80 || p.dstPort === 443)) s.mark = 6666;
      return Verdict.ACCEPT;
    } });
    setup(lab, 'lvs', [`ip addr add ${DR_VIP}/32 dev eth0`]);
    for (const rs of ['RS1', 'RS2']) setup(lab, rs, [`ip addr add ${DR_VIP}/32 dev lo`, 'sysctl -w net.ipv4.conf.all.arp_ignore=1', 'sysctl -w net.ipv4.conf.all.arp_announce=2']);
    setup(lab, 'lvs', [`ipvsadm -A -t ${DR_VIP}:80 -s rr`, `ipvsadm -a -t ${DR_VIP}:80 -r 192.168.137.130 -g`,
      'ipvsadm -A -f 6666 -s rr -p 300', 'ipvsadm -a -f 6666 -r 192.168.137.200 -g', 'ipvsadm -a -f 6666 -r 192.168.137.130 -g']);
    expect(curls(lab, DR_VIP, 2)).toEqual([RS(1), RS(1)]);    // -f 6666: newest (RS1) first, then persistent
    const c = sh(lab, 'lvs', 'ipvsadm -Lnc').stdout;
    expect(c).toMatch(/\nIP  04:5\d  ASSURED     192\.168\.1\.111:0 {4}0\.0\.26\.10:0 {8}192\.168\.137\.130:0\n/);
    expect(sh(lab, 'lvs', 'ipvsadm -Ln').stdout.split('\n').slice(3)).toEqual([
      'TCP  192.168.137.254:80 rr',
      '  -> 192.168.137.130:80           Route   1      0          0         ',
      'FWM  6666 rr persistent 300',
      '  -> 192.168.137.130:0            Route   1      0          2         ',
      '  -> 192.168.137.200:0            Route   1      0          0         ',
      '',
    ]);
  });
});

describe('the module, the trash, the unit', () => {
  it('the first ipvsadm loads ip_vs and the scheduler module; modprobe -r ip_vs removes everything', () => {
    const lab = natLab();
    const h = lab.host('lvs')!;
    expect(['ip_vs', 'ip_vs_rr', 'nf_conntrack'].every((m) => h.modules.has(m))).toBe(true);
    expect(h.fs.exists('/proc/net/ip_vs_conn')).toBe(true);
    expect(h.hooks.entries(Hook.LOCAL_IN).map((e) => [e.owner, e.priority])).toContainEqual(['ipvs', 99]);
    h.unloadModule('ip_vs');
    expect(Ipvs.of(h)).toBeUndefined();
    expect(h.fs.exists('/proc/net/ip_vs')).toBe(false);
    expect(h.sysctl.has('net.ipv4.vs.conntrack')).toBe(false);
    expect(h.hooks.entries(Hook.LOCAL_IN).some((e) => e.owner === 'ipvs')).toBe(false);
  });

  it('hooks exist only while services do (kernels >= 5.3)', () => {
    const lab = natLab();
    const h = lab.host('lvs')!;
    setup(lab, 'lvs', ['ipvsadm -C']);
    expect(h.hooks.entries(Hook.FORWARD).some((e) => e.owner === 'ipvs')).toBe(false);
  });

  it('-C then the same setup revives the trashed servers with their InActConn', () => {
    const lab = natLab();
    curls(lab, NAT_VIP, 4);
    lab.advance(SEC);
    setup(lab, 'lvs', ['ipvsadm -C']);
    natRules2(lab);
    expect(sh(lab, 'lvs', 'ipvsadm -Ln').stdout.split('\n').slice(4, 6)).toEqual([
      '  -> 192.168.137.130:80           Masq    1      0          2         ',
      '  -> 192.168.137.200:80           Masq    1      0          2         ',
    ]);
  });

  it('ipvsadm.service: fails without /etc/sysconfig/ipvsadm, restores from it, saves and clears on stop', () => {
    const lab = natLab();
    const h = lab.host('lvs')!;
    expect(h.sd.start('ipvsadm')).not.toBe(null);
    expect(h.sd.unit('ipvsadm')!.state).toBe('failed');
    expect(h.sd.journal.map((e) => `${e.ident}: ${e.msg}`)).toContain('bash: /bin/bash: line 1: /etc/sysconfig/ipvsadm: No such file or directory');
    h.fs.writeFile('/etc/sysconfig/ipvsadm', sh(lab, 'lvs', 'ipvsadm -Sn').stdout);
    setup(lab, 'lvs', ['ipvsadm -C']);
    h.sd.resetFailed('ipvsadm');
    expect(h.sd.start('ipvsadm')).toBe(null);
    expect(h.sd.unit('ipvsadm')!.sub).toBe('exited');
    expect(sh(lab, 'lvs', 'ipvsadm -Sn').stdout).toBe(h.fs.readFile('/etc/sysconfig/ipvsadm'));
    setup(lab, 'lvs', [`ipvsadm -E -t ${NAT_VIP}:80 -s wlc`]);
    expect(h.sd.stop('ipvsadm')).toBe(null);
    expect(h.fs.readFile('/etc/sysconfig/ipvsadm')).toContain('-s wlc');
    expect(sh(lab, 'lvs', 'ipvsadm -Sn').stdout).toBe('');
  });
});

describe('a reboot', () => {
  it('forgets the table; an enabled ipvsadm.service restores it at boot', () => {
    const lab = natLab();
    const h = lab.host('lvs')!;
    curls(lab, NAT_VIP, 2);
    h.fs.writeFile('/etc/sysconfig/ipvsadm', sh(lab, 'lvs', 'ipvsadm -Sn').stdout);
    const up = rebootMachine(h);
    expect(Ipvs.of(h)).toBeUndefined();
    expect(h.modules.has('ip_vs')).toBe(false);
    lab.runUntil(undefined, up + SEC);
    expect(sh(lab, 'lvs', 'ipvsadm -Sn').stdout).toBe('');          // not enabled: nothing restored
    h.sd.enable('ipvsadm');
    lab.runUntil(undefined, rebootMachine(h) + SEC);
    expect(sh(lab, 'lvs', 'ipvsadm -Sn').stdout).toBe(h.fs.readFile('/etc/sysconfig/ipvsadm'));
    expect(sh(lab, 'lvs', 'ipvsadm -Lnc').stdout.split('\n').slice(2).filter(Boolean)).toEqual([]);
  });
});

function natRules2(lab: Lab): void {
  setup(lab, 'lvs', [`ipvsadm -A -t ${NAT_VIP}:80 -s rr`, `ipvsadm -a -t ${NAT_VIP}:80 -r 192.168.137.130:80 -m`, `ipvsadm -a -t ${NAT_VIP}:80 -r 192.168.137.200:80 -m`]);
}
