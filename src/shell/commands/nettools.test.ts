import { describe, expect, it } from 'vitest';
import { arpCommand, ifconfigCommand, netstatCommand, routeCommand } from './net/nettools.ts';
import { SysKit } from './system.testkit.ts';

const kit = () => new SysKit('dr', [ifconfigCommand, routeCommand, arpCommand, netstatCommand]);

/** [command lines run first, the line under test, status, stdout, stderr] */
type Case = [string, string[], string, number, string | RegExp, string | RegExp];

const cases: Case[] = [
  ['alias stanza after ifconfig lo:0 VIP', ['ifconfig lo:0 192.168.137.254 netmask 255.255.255.255 broadcast 192.168.137.254 up'], 'ifconfig lo:0', 0,
    'lo:0: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536\n        inet 192.168.137.254  netmask 255.255.255.255\n        loop  txqueuelen 1000  (Local Loopback)\n\n', ''],
  ['classful mask without netmask', ['ifconfig eth0:1 10.1.2.3'], 'ifconfig eth0:1', 0,
    /^eth0:1: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500\n        inet 10\.1\.2\.3  netmask 255\.0\.0\.0  broadcast 10\.255\.255\.255\n        ether 00:0c:29:[0-9a-f:]+  txqueuelen 1000  \(Ethernet\)\n\n$/, ''],
  ['ADDR/LEN sets the mask', ['ifconfig eth0:2 172.16.1.1/28'], 'ifconfig eth0:2', 0, /inet 172\.16\.1\.1  netmask 255\.255\.255\.240  broadcast 172\.16\.1\.15\n/, ''],
  ['down device leaves the listing', ['ifconfig eth0 down'], 'ifconfig eth0', 0, /^eth0: flags=4098<BROADCAST,MULTICAST>  mtu 1500\n        inet 192\.168\.137\.130/, ''],
  ['missing device', [], 'ifconfig eth9', 1, '', 'eth9: error fetching interface information: Device not found\n'],
  ['flags of a missing device', [], 'ifconfig eth9:0 down', 255, '', 'eth9:0: ERROR while getting interface flags: No such device\n'],
  ['address on a missing device', [], 'ifconfig eth9 1.2.3.4', 255, '', 'SIOCSIFADDR: No such device\neth9: ERROR while getting interface flags: No such device\n'],
  ['alias that is not there', [], 'ifconfig lo:3 down', 255, '', 'SIOCSIFFLAGS: Cannot assign requested address\n'],
  ['netmask of an alias that is not there', [], 'ifconfig lo:3 netmask 255.255.255.255', 1, '', 'SIOCSIFNETMASK: Cannot assign requested address\n'],
  ['unknown host', [], 'ifconfig eth0:1 nosuchhost', 1, '', "nosuchhost: Unknown host\nifconfig: `--help' gives usage information.\n"],
  ['multicast address', [], 'ifconfig eth0:1 224.0.0.1', 255, '', 'SIOCSIFADDR: Invalid argument\nSIOCSIFFLAGS: Cannot assign requested address\n'],
  ['bad option', [], 'ifconfig -z', 1, '', "ifconfig: option `-z' not recognised.\nifconfig: `--help' gives usage information.\n"],
  ['lo:0 down removes the alias and its route', ['ifconfig lo:0 192.168.137.254 netmask 255.255.255.255 up', 'route add -host 192.168.137.254 dev lo:0', 'ifconfig lo:0 down'], 'route -n', 0,
    'Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n0.0.0.0         192.168.137.140 0.0.0.0         UG    100    0        0 eth0\n192.168.137.0   0.0.0.0         255.255.255.0   U     100    0        0 eth0\n', ''],
  ['host route via lo:0', ['ifconfig lo:0 192.168.137.254 netmask 255.255.255.255 up', 'route add -host 192.168.137.254 dev lo:0'], 'route -n', 0,
    /192\.168\.137\.254 0\.0\.0\.0         255\.255\.255\.255 UH    0      0        0 lo\n$/, ''],
  ['dev lo:0 without the alias', [], 'route add -host 192.168.137.254 dev lo:0', 7, '', 'SIOCADDRT: No such device\n'],
  ['duplicate route', ['route add -net 10.0.0.0 netmask 255.0.0.0 dev eth0'], 'route add -net 10.0.0.0 netmask 255.0.0.0 dev eth0', 7, '', 'SIOCADDRT: File exists\n'],
  ['unreachable gateway', [], 'route add default gw 10.9.9.9', 7, '', 'SIOCADDRT: Network is unreachable\n'],
  ['delete what is not there', [], 'route del -host 1.2.3.4', 7, '', 'SIOCDELRT: No such process\n'],
  ['-net without a mask', [], 'route add -net 10.0.0.0 dev eth0', 7, '', 'SIOCADDRT: Invalid argument\n'],
  ['netmask that does not match', [], 'route add -net 10.0.0.1 netmask 255.0.0.0 dev eth0', 3, '', /^route: netmask doesn't match route address\nUsage: inet_route/],
  // RHEL 9's nss-myhostname names every current default gateway "_gateway"; -n keeps numbers.
  ['route default and gw', ['route add default gw 192.168.137.2 metric 5'], 'route', 0, /^Kernel IP routing table\n.*\ndefault         _gateway        0\.0\.0\.0         UG    5      0        0 eth0\ndefault         _gateway        0\.0\.0\.0         UG    100 /, ''],
  ['route -n default and gw', ['route add default gw 192.168.137.2 metric 5'], 'route -n', 0, /^Kernel IP routing table\n.*\n0\.0\.0\.0         192\.168\.137\.2   0\.0\.0\.0         UG    5      0        0 eth0\n/, ''],
  ['arp -a names the gateway', ['arp -s 192.168.137.140 00:11:22:33:44:55'], 'arp -a', 0, '_gateway (192.168.137.140) at 00:11:22:33:44:55 [ether] PERM on eth0\n', ''],
  ['route bad verb', [], 'route show', 3, '', /^Usage: route \[-nNvee\]/],
  ['arp -s then -n', ['arp -s 192.168.137.9 00:11:22:33:44:55'], 'arp -n', 0,
    'Address                  HWtype  HWaddress           Flags Mask            Iface\n192.168.137.9            ether   00:11:22:33:44:55   CM                    eth0\n', ''],
  ['arp -a BSD style', ['arp -s 192.168.137.9 00:11:22:33:44:55'], 'arp -a', 0, '? (192.168.137.9) at 00:11:22:33:44:55 [ether] PERM on eth0\n', ''],
  ['arp -d', ['arp -s 192.168.137.9 00:11:22:33:44:55', 'arp -d 192.168.137.9'], 'arp -n', 0, '', ''],
  ['arp -d of nothing', [], 'arp -d 192.168.137.9', 255, 'No ARP entry for 192.168.137.9\n', ''],
  ['arp for a host with no entry', [], 'arp -n 192.168.137.9', 0, '192.168.137.9 (192.168.137.9) -- no entry\n', ''],
  ['arp -s bad mac', [], 'arp -s 192.168.137.9 zz', 255, '', 'arp: invalid hardware address\n'],
  ['netstat -tnlp', [], 'netstat -tnlp', 0,
    /^Active Internet connections \(only servers\)\nProto Recv-Q Send-Q Local Address           Foreign Address         State       PID\/Program name    \n(tcp        0      0 0\.0\.0\.0:(80|22) {13,14}0\.0\.0\.0:\*               LISTEN      \d+\/(httpd|sshd: \/usr\/sbi) *\n)+$/, ''],
  ['netstat -rn', [], 'netstat -rn', 0, /^Kernel IP routing table\nDestination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n0\.0\.0\.0         192\.168\.137\.140 0\.0\.0\.0         UG        0 0          0 eth0\n/, ''],
  ['netstat -r and -i together', [], 'netstat -ri', 3, '', /^usage: netstat/],
];

describe('net-tools', () => {
  it.each(cases)('%s', (_name, setup, line, status, stdout, stderr) => {
    const k = kit();
    for (const s of setup) expect(k.run('RS1', s).status, s).toBe(0);
    const r = k.run('RS1', line);
    if (typeof stdout === 'string') expect(r.stdout).toBe(stdout); else expect(r.stdout).toMatch(stdout);
    if (typeof stderr === 'string') expect(r.stderr).toBe(stderr); else expect(r.stderr).toMatch(stderr);
    expect(r.status).toBe(status);
  });

  it('ifconfig lo:0 shows the address ip addr shows with its label', () => {
    const k = kit();
    k.run('RS1', 'ifconfig lo:0 192.168.137.254 netmask 255.255.255.255 broadcast 192.168.137.254 up');
    const a = k.host('RS1').dev('lo')!.addrs.find((x) => x.label === 'lo:0')!;
    expect(a).toMatchObject({ prefix: 32, brd: 0xc0a889fe });
    expect(k.run('RS1', 'ifconfig').stdout).toMatch(/\n\nlo:0: flags=73<UP,LOOPBACK,RUNNING>  mtu 65536\n/);
  });
});
