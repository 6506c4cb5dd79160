/**
 * Golden tests for ipvsadm 1.31: every output format byte for byte (trailing spaces matter:
 * printf's %-Ns pads), and malformed command lines with their exact message and exit status.
 * Expected texts come from ../shared/spec/ipvs-reference.md §7-9 and ipvsadm.c's printf
 * templates; the -h text is ipvsadm 1.31's usage_exit() (testdata/ipvsadm-1.31-usage.txt,
 * transcribed from its printf strings) plus the lab's FULLNAT lines.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ipvsadmMain } from '../../core/ipvs/ipvsadmProgram.ts';
import { createLab } from '../../core/lab/presets.ts';
import type { Lab } from '../../core/lab/lab.ts';
import { Ipvs } from '../../core/ipvs/ipvs.ts';
import { largenum } from '../../core/ipvs/ipvsadmProgram.ts';
import { Stats, Estimator } from '../../core/ipvs/stats.ts';
import { SEC } from '../../core/sim/events.ts';
import { installIpvsadm, setup, sh } from './ipvsadm.testkit.ts';

const USAGE_131 = readFileSync(new URL('../../core/ipvs/testdata/ipvsadm-1.31-usage.txt', import.meta.url), 'utf8');

function natLab(): Lab {
  const lab = createLab('nat');
  installIpvsadm(lab);
  return lab;
}

/** The NAT lab's rules, as in the seed. */
function natRules(lab: Lab): void {
  setup(lab, 'lvs', [
    'ipvsadm -A -t 192.168.1.100:80 -s rr',
    'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m',
    'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.200:80 -m',
  ]);
}

const T = '·';
/** Spec examples mark trailing spaces with `·`. */
const dots = (s: string) => s.replaceAll(T, ' ');

describe('ipvsadm -L formats', () => {
  it('empty table, and ipvsadm with no argument lists (loading ip_vs)', () => {
    const lab = natLab();
    const h = lab.host('lvs')!;
    expect(h.modules.has('ip_vs')).toBe(false);
    const r = sh(lab, 'lvs', 'ipvsadm');
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.stdout).toBe('IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n');
    expect(h.modules.has('ip_vs')).toBe(true);
    expect(h.sysctl.get('net.ipv4.vs.conn_reuse_mode')).toBe('1');
    expect(h.fs.readFile('/proc/net/ip_vs')).toBe('IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n');
  });

  it('the NAT lab after setup (spec §9.1), sorted and --nosort', () => {
    const lab = natLab();
    natRules(lab);
    expect(sh(lab, 'lvs', 'ipvsadm -Ln').stdout).toBe(dots(`IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  192.168.1.100:80 rr
  -> 192.168.137.130:80           Masq    1      0          0·········
  -> 192.168.137.200:80           Masq    1      0          0·········
`));
    expect(sh(lab, 'lvs', 'ipvsadm -Ln --nosort').stdout.split('\n').slice(4, 6)).toEqual([
      dots('  -> 192.168.137.200:80           Masq    1      0          0·········'),
      dots('  -> 192.168.137.130:80           Masq    1      0          0·········'),
    ]);
    // -l and --list are -L; --sort does nothing
    expect(sh(lab, 'lvs', 'ipvsadm -ln --sort').stdout).toBe(sh(lab, 'lvs', 'ipvsadm --list --numeric').stdout);
  });

  it('without -n: names from /etc/hosts and /etc/services', () => {
    const lab = natLab();
    natRules(lab);
    lab.host('lvs')!.fs.writeFile('/etc/hosts', '192.168.137.130 rs1.lab rs1\n', { append: true });
    expect(sh(lab, 'lvs', 'ipvsadm -L').stdout.split('\n').slice(3, 6)).toEqual([
      'TCP  192.168.1.100:http rr',
      '  -> rs1.lab:http                 Masq    1      0          0         ',
      '  -> 192.168.137.200:http         Masq    1      0          0         ',
    ]);
  });

  it('one service: -L -t VIP:PORT prints no version line', () => {
    const lab = natLab();
    natRules(lab);
    expect(sh(lab, 'lvs', 'ipvsadm -Ln -t 192.168.1.100:80').stdout).toBe(dots(`Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  192.168.1.100:80 rr
  -> 192.168.137.130:80           Masq    1      0          0·········
  -> 192.168.137.200:80           Masq    1      0          0·········
`));
    expect(sh(lab, 'lvs', 'ipvsadm -Ln -t 192.168.1.100:81')).toMatchObject({ stdout: '', stderr: 'No such service\n', status: 1 });
  });

  it('service flags: persistence, mask, scheduler flags, ops, fwmark services after the others', () => {
    const lab = natLab();
    setup(lab, 'lvs', [
      'ipvsadm -A -t 192.168.1.100:80 -s rr -p 600 -M 255.255.255.0',
      'ipvsadm -A -t 192.168.1.100:8080 -s sh -b sh-fallback,sh-port',
      'ipvsadm -A -u 10.0.0.1:53 -s rr -o',
      'ipvsadm -A -f 6666 -s rr -p',
      'ipvsadm -a -f 6666 -r 192.168.137.130 -m',
      'ipvsadm -A -t 192.168.1.100:443 -s wrr -b flag-1',
    ]);
    expect(sh(lab, 'lvs', 'ipvsadm -Ln').stdout.split('\n').slice(3)).toEqual([
      'TCP  192.168.1.100:80 rr persistent 600 mask 255.255.255.0',
      'TCP  192.168.1.100:443 wrr (flag-1)',
      'TCP  192.168.1.100:8080 sh (sh-fallback,sh-port)',
      'UDP  10.0.0.1:53 rr ops',
      'FWM  6666 rr persistent 360',
      '  -> 192.168.137.130:0            Masq    1      0          0         ',
      '',
    ]);
    expect(sh(lab, 'lvs', 'ipvsadm -Sn').stdout).toBe(`-A -t 192.168.1.100:80 -s rr -p 600 -M 255.255.255.0
-A -t 192.168.1.100:443 -s wrr -b flag-1
-A -t 192.168.1.100:8080 -s sh -b sh-fallback,sh-port
-A -u 10.0.0.1:53 -s rr -o
-A -f 6666 -s rr -p 360
-a -f 6666 -r 192.168.137.130:0 -m -w 1
`);
  });

  it('-S without -n names ports; -Sn is numeric (spec §9.2)', () => {
    const lab = natLab();
    natRules(lab);
    expect(sh(lab, 'lvs', 'ipvsadm -Sn').stdout).toBe(`-A -t 192.168.1.100:80 -s rr
-a -t 192.168.1.100:80 -r 192.168.137.130:80 -m -w 1
-a -t 192.168.1.100:80 -r 192.168.137.200:80 -m -w 1
`);
    expect(sh(lab, 'lvs', 'ipvsadm -S').stdout).toBe(`-A -t 192.168.1.100:http -s rr
-a -t 192.168.1.100:http -r 192.168.137.130:http -m -w 1
-a -t 192.168.1.100:http -r 192.168.137.200:http -m -w 1
`);
    expect(sh(lab, 'lvs', 'ipvsadm-save -n').stdout).toBe(sh(lab, 'lvs', 'ipvsadm -Sn').stdout);
    expect(sh(lab, 'lvs', 'ipvsadm-save -x')).toMatchObject({ status: 1, stderr: 'ipvsadm-save: Script to save the IPVS table to stdout.\n   With the -n option, prints out the table in numeric format.\n' });
  });

  it('DR forces the virtual port; -g is the default method; TUN saves its tunnel type', () => {
    const lab = natLab();
    setup(lab, 'lvs', [
      'ipvsadm -A -t 192.168.137.254:80 -s rr',
      'ipvsadm -a -t 192.168.137.254:80 -r 192.168.137.130:8080 -g',
      'ipvsadm -a -t 192.168.137.254:80 -r 192.168.137.200:8080',
      'ipvsadm -A -t 192.168.137.254:443 -s rr',
      'ipvsadm -a -t 192.168.137.254:443 -r 192.168.137.130 -i',
      'ipvsadm -a -t 192.168.137.254:443 -r 192.168.137.200 -i --tun-type gue --tun-port 6080 --tun-csum',
    ]);
    expect(sh(lab, 'lvs', 'ipvsadm -Sn').stdout).toBe(`-A -t 192.168.137.254:80 -s rr
-a -t 192.168.137.254:80 -r 192.168.137.130:80 -g -w 1
-a -t 192.168.137.254:80 -r 192.168.137.200:80 -g -w 1
-A -t 192.168.137.254:443 -s rr
-a -t 192.168.137.254:443 -r 192.168.137.130:443 -i -w 1 --tun-type ipip
-a -t 192.168.137.254:443 -r 192.168.137.200:443 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum
`);
    expect(sh(lab, 'lvs', 'ipvsadm -Ln --tun-info -t 192.168.137.254:443').stdout).toBe(`Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn
TCP  192.168.137.254:443 rr
  -> 192.168.137.130:443          Tunnel  ipip          1      0          0         
  -> 192.168.137.200:443          Tunnel  gue:6080:+c   1      0          0         
`);
  });

  it('--thresholds and --persistent-conn titles', () => {
    const lab = natLab();
    setup(lab, 'lvs', ['ipvsadm -A -t 192.168.1.100:80 -s rr', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130 -m -x 100 -y 50']);
    expect(sh(lab, 'lvs', 'ipvsadm -Ln --thresholds').stdout).toBe(`IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn 
  -> RemoteAddress:Port
TCP  192.168.1.100:80 rr
  -> 192.168.137.130:80           100        50         0          0         
`);
    expect(sh(lab, 'lvs', 'ipvsadm -Ln --persistent-conn').stdout).toBe(`IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn 
  -> RemoteAddress:Port
TCP  192.168.1.100:80 rr
  -> 192.168.137.130:80           1         0           0          0         
`);
  });

  it('--stats and --rate layouts', () => {
    const lab = natLab();
    natRules(lab);
    expect(sh(lab, 'lvs', 'ipvsadm -Ln --stats').stdout).toBe(`IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  192.168.1.100:80                    0        0        0        0        0
  -> 192.168.137.130:80                  0        0        0        0        0
  -> 192.168.137.200:80                  0        0        0        0        0
`);
    expect(sh(lab, 'lvs', 'ipvsadm -Ln --rate').stdout.split('\n').slice(1, 5)).toEqual([
      'Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS',
      '  -> RemoteAddress:Port',
      'TCP  192.168.1.100:80                    0        0        0        0        0',
      '  -> 192.168.137.130:80                  0        0        0        0        0',
    ]);
  });

  it('print_largenum(): K/M/G/T steps and --exact', () => {
    expect(largenum(123456789, 0)).toBe('  123456K');
    expect(largenum(123456789, 0x80)).toBe(' 123456789');
    expect(largenum(2500000000, 0)).toBe('    2500M');
    expect(largenum(99999999, 0)).toBe(' 99999999');
    expect(largenum(250000000000, 0)).toBe('     250G');
    expect(largenum(7e14, 0)).toBe('     700T');
    expect(largenum(5, 0x80)).toBe('        5');
  });

  it('-Lc header, --timeout, --set, --daemon', () => {
    const lab = natLab();
    expect(sh(lab, 'lvs', 'ipvsadm -Lnc').stdout).toBe('IPVS connection entries\npro expire state       source             virtual            destination\n');
    expect(sh(lab, 'lvs', 'ipvsadm -Lnc --persistent-conn').stdout).toBe('IPVS connection entries\npro expire state       source             virtual            destination        pe name          pe_data\n');
    expect(sh(lab, 'lvs', 'ipvsadm -L --timeout').stdout).toBe('Timeout (tcp tcpfin udp): 900 120 300\n');
    expect(sh(lab, 'lvs', 'ipvsadm --set 60 0 20').status).toBe(0);
    expect(sh(lab, 'lvs', 'ipvsadm -L --timeout').stdout).toBe('Timeout (tcp tcpfin udp): 60 120 20\n');
    expect(sh(lab, 'lvs', 'ipvsadm -L --daemon').stdout).toBe('');
    expect(sh(lab, 'lvs', 'ipvsadm --start-daemon master').status).toBe(0);
    expect(sh(lab, 'lvs', 'ipvsadm --start-daemon backup --mcast-interface eth1 --syncid 7').status).toBe(0);
    expect(sh(lab, 'lvs', 'ipvsadm -L --daemon').stdout).toBe(
      'master sync daemon (mcast=eth0, syncid=0, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n'
      + 'backup sync daemon (mcast=eth1, syncid=7, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n');
    expect(sh(lab, 'lvs', 'ipvsadm --start-daemon master')).toMatchObject({ stderr: 'Daemon has already run\n', status: 255 });
    expect(sh(lab, 'lvs', 'ipvsadm --stop-daemon master').status).toBe(0);
    expect(sh(lab, 'lvs', 'ipvsadm --stop-daemon master')).toMatchObject({ stderr: 'No daemon is running\n', status: 255 });
  });

  it('-v and -h (1.31 text plus the FULLNAT lines)', () => {
    const lab = natLab();
    expect(sh(lab, 'lvs', 'ipvsadm -v')).toMatchObject({ stdout: 'ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v1.2.1)\n', status: 0 });
    const h = sh(lab, 'lvs', 'ipvsadm -h');
    expect(h.status).toBe(0);
    const stock = h.stdout.split('\n').filter((l) => !/FULLNAT|--ifname/.test(l)).join('\n');
    expect(stock).toBe(USAGE_131);
    expect(h.stdout).toContain('  --fullnat      -b (with -a|-e)      full NAT: FULLNAT (not in stock kernels)\n');
    expect(sh(lab, 'lvs', '/usr/sbin/ipvsadm --help').stdout.split('\n')[2]).toBe('  /usr/sbin/ipvsadm -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]');
  });

  it('/proc/net/ip_vs: hex, kernel list order, two spaces after a non-persistent service (spec §9.7)', () => {
    const lab = natLab();
    natRules(lab);
    setup(lab, 'lvs', ['ipvsadm -A -f 6666 -s wlc -p 300']);
    expect(lab.host('lvs')!.fs.readFile('/proc/net/ip_vs')).toBe(dots(`IP Virtual Server version 1.2.1 (size=4096)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port Forward Weight ActiveConn InActConn
TCP  C0A80164:0050 rr··
  -> C0A889C8:0050      Masq    1      0          0·········
  -> C0A88982:0050      Masq    1      0          0·········
FWM  00001A0A wlc persistent 300000 FFFFFFFF
`));
    setup(lab, 'lvs', ['ipvsadm -E -t 192.168.1.100:80 -s rr -p 60']);
    expect(lab.host('lvs')!.fs.readFile('/proc/net/ip_vs').split('\n')[3]).toBe('TCP  C0A80164:0050 rr  persistent 60000 FFFFFFFF');
    expect(lab.host('lvs')!.fs.readFile('/proc/net/ip_vs_conn')).toBe('Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n');
    expect(lab.host('lvs')!.fs.readFile('/proc/net/ip_vs_stats')).toBe(`   Total Incoming Outgoing         Incoming         Outgoing
   Conns  Packets  Packets            Bytes            Bytes
       0        0        0                0                0

 Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s
       0        0        0                0                0
`);
  });
});

describe('malformed commands: message and exit status', () => {
  const TRY = "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n";
  it.each([
    ['ipvsadm -n -L', TRY, 255],
    ['ipvsadm foo', TRY, 255],
    ['ipvsadm --bogus', TRY, 255],
    ['ipvsadm -LnC', "invalid option `-LnC'\n", 2],
    ['ipvsadm -L -A', "invalid option `-A'\n", 2],
    ['ipvsadm -L --foo', '--foo: unknown option\n', 255],
    ['ipvsadm -Lk', '-Lk: unknown option\n', 255],
    ['ipvsadm -A -t', '-t: missing argument\n', 255],
    ['ipvsadm -L --nosort=1', '--nosort=1: option does not take an argument\n', 255],
    ['ipvsadm -L extra', 'unexpected argument extra\n', 2],
    ['ipvsadm -A -t 192.168.1.100', 'Zero port specified for non-persistent service\n', 2],
    ['ipvsadm -A -t 192.168.1.100:80 -o', 'One-Packet Scheduling is only for UDP virtual services\n', 2],
    ['ipvsadm -A -t 80', 'illegal virtual server address[:port] specified\n', 2],
    ['ipvsadm -A -t 192.168.1.100:99999', 'illegal virtual server address[:port] specified\n', 2],
    ['ipvsadm -A -t nosuchhost:80', 'illegal virtual server address[:port] specified\n', 2],
    ['ipvsadm -A -t 192.168.1.100:80 -p 0', "invalid timeout value `0' specified\n", 2],
    ['ipvsadm -A -t 192.168.1.100:80 -p 2678401', "invalid timeout value `2678401' specified\n", 2],
    ['ipvsadm -A -f 0', "invalid fwmark value `0' specified\n", 2],
    ['ipvsadm -A -f 4294967296', "invalid fwmark value `4294967296' specified\n", 2],
    ['ipvsadm -A -t 192.168.1.100:80 -M foo', 'illegal virtual server persistent mask specified\n', 2],
    ['ipvsadm -A -t 192.168.1.100:80 -6', '-6 used before -f\n\n', 2],
    ['ipvsadm --set 1 2', '--set option requires 3 timeout values\n', 2],
    ['ipvsadm --set 1 2 x', "invalid timeout value `x' specified\n", 2],
    ['ipvsadm -A -t 192.168.1.100:80 -w 2', "Illegal 'weight' option with the 'add-service' command\n", 2],
    ['ipvsadm -a -t 192.168.1.100:80', "You need to supply the 'real-server' option for the 'add-server' command\n", 2],
    ['ipvsadm -a -r 192.168.137.130', "You need to supply the 'service-address' option for the 'add-server' command\n", 2],
    ['ipvsadm -D -t 192.168.1.100:80 -s rr', "Illegal 'scheduler' option with the 'delete-service' command\n", 2],
    ['ipvsadm -C -n', "Illegal 'numeric' option with the 'flush' command\n", 2],
    ['ipvsadm -L -c -t 192.168.1.100:80', "The option 'service-address' conflicts with the 'connection' option in the 'list' command\n", 2],
    ['ipvsadm -L --timeout --daemon', "The option 'daemon' conflicts with the 'timeout' option in the 'list' command\n", 2],
    ['ipvsadm -L -c --stats', 'options conflicts in the list command\n', 2],
    ['ipvsadm -L --timeout --persistent-conn', 'options conflicts in the list command\n', 2],
    ['ipvsadm -A -t 192.168.1.100:80 -s rr -s wrr', "multiple 'scheduler' options specified\n", 2],
    ['ipvsadm -a -t 192.168.1.100:80 -r 1.1.1.1 -m -g', "multiple 'forwarding-method' options specified\n", 2],
    ['ipvsadm -A -t 192.168.1.100:80 -b sh-port', "incompatible scheduler flag `sh-port'\n", 2],
    ['ipvsadm -A -t 192.168.1.100:80 -s mh -b mh-port,foo', "invalid scheduler flag `foo'\n", 2],
    ['ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130 -w 70000', 'illegal weight specified\n', 2],
    ['ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130 -w -1', 'illegal weight specified\n', 2],
    ['ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130 -x abc', 'illegal u_threshold specified\n', 2],
    ['ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130 -y 1.5', 'illegal l_threshold specified\n', 2],
    ['ipvsadm -a -t 192.168.1.100:80 -r 80', 'illegal real server address[:port] specified\n', 2],
    ['ipvsadm -a -t 192.168.1.100:80 -r [::1]:80 -m', 'Different address family is allowed only for tunneling servers\n', 2],
    ['ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130 -g --tun-type gre', 'Tunnel options conflict with forward method\n', 2],
    ['ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130 -i --tun-type gue', "You need to supply the 'tun-port' option for the 'gue' tunnel type\n", 2],
    ['ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130 -i --tun-port 5000', "Illegal 'tun-port' option with the 'ipip' tunnel type\n", 2],
    ['ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130 -i --tun-type gre --tun-csum --tun-nocsum', "The option 'tun-csum' conflicts with the 'tun-nocsum' option in the 'gre' tunnel type\n", 2],
    ['ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130 -i --tun-type foo', 'illegal tunnel type specified\n', 2],
    ['ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130 -i --tun-type gue --tun-port 0', 'illegal tunnel port specified\n', 2],
    ['ipvsadm --start-daemon foo', 'illegal start-daemon parameter specified\n', 2],
    ['ipvsadm --stop-daemon foo', 'illegal start_daemon specified\n', 2],
    ['ipvsadm --start-daemon master --mcast-group 1.2.3.4', "invalid IPv4 mcast-group `1.2.3.4'\n", 2],
    ['ipvsadm --start-daemon master --mcast-port 0', 'illegal mcast-port specified\n', 2],
    ['ipvsadm --start-daemon master --syncid 256', 'illegal syncid specified\n', 2],
    ['ipvsadm --start-daemon master --mcast-interface eth9', 'No such device\n', 255],
    ['ipvsadm --stop-daemon backup', 'No daemon is running\n', 255],
    ['ipvsadm -E -t 1.2.3.4:80', 'No such service\n', 255],
    ['ipvsadm -D -t 1.2.3.4:80', 'No such service\n', 255],
    ['ipvsadm -Z -t 1.2.3.4:80', 'No such service\n', 255],
    ['ipvsadm -a -t 1.2.3.4:80 -r 192.168.137.130', 'Service not defined\n', 255],
    ['ipvsadm -e -t 1.2.3.4:80 -r 192.168.137.130', 'Service not defined\n', 255],
    ['ipvsadm -d -t 1.2.3.4:80 -r 192.168.137.130', 'Service not defined\n', 255],
    ['ipvsadm -A -t 192.168.1.100:80 -s foo', 'Scheduler or persistence engine not found\n', 255],
    ['ipvsadm -A -t 192.168.1.100:80 --pe foo', 'Scheduler or persistence engine not found\n', 255],
    ['ipvsadm -A -f 1 -6', 'Operation not supported with specified address family\n', 255],
  ])('%s', (line, stderr, status) => {
    const lab = natLab();
    const r = sh(lab, 'lvs', line);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(stderr);
    expect(r.status).toBe(status);
  });

  it.each([
    ['ipvsadm -A -t 192.168.1.100:80 -s rr', 'Service already exists\n'],
    ['ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m', 'Destination already exists\n'],
    ['ipvsadm -e -t 192.168.1.100:80 -r 192.168.137.131', 'No such destination\n'],
    ['ipvsadm -d -t 192.168.1.100:80 -r 192.168.137.131', 'No such destination\n'],
    ['ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.1 -x 2 -y 5', 'Numerical result out of range\n'],
    ['ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.1 -y 5', 'Numerical result out of range\n'],
    ['ipvsadm -a -t 192.168.1.100:80 -r 0.0.0.0', 'Invalid operation.  Possibly wrong module version, address not unicast, ...\n'],
    ['ipvsadm -a -t 192.168.1.100:80 -r 224.0.0.1', 'Invalid operation.  Possibly wrong module version, address not unicast, ...\n'],
    ['ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.255', 'Invalid operation.  Possibly wrong module version, address not unicast, ...\n'],
  ])('after the NAT setup: %s', (line, stderr) => {
    const lab = natLab();
    natRules(lab);
    expect(sh(lab, 'lvs', line)).toMatchObject({ stdout: '', stderr, status: 255 });
  });

  it('the seed: -a without -m adds a Route server, so adding it again with -m is "Destination already exists"', () => {
    const lab = natLab();
    setup(lab, 'lvs', ['ipvsadm -A -t 192.168.1.100:80 -s rr', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.200:80']);
    expect(sh(lab, 'lvs', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.200:80 -m')).toMatchObject({ stderr: 'Destination already exists\n', status: 255 });
    expect(sh(lab, 'lvs', 'ipvsadm -Ln').stdout).toContain('  -> 192.168.137.200:80           Route   1      0          0');
  });
});

describe('option parsing as popt does it', () => {
  it('clusters, attached arguments, long options with =, the optional -p argument', () => {
    const lab = natLab();
    setup(lab, 'lvs', [
      'ipvsadm -At 192.168.1.100:80 -srr -p60',
      'ipvsadm --add-server --tcp-service=192.168.1.100:80 --real-server=192.168.137.130 --masquerading --weight=3',
      'ipvsadm -a -t 192.168.1.100:http -r 192.168.137.200:www -m -w+2',
      'ipvsadm -A -t 192.168.1.100:81 -p -s wlc',
    ]);
    expect(sh(lab, 'lvs', 'ipvsadm -Sn').stdout).toBe(`-A -t 192.168.1.100:80 -s rr -p 60
-a -t 192.168.1.100:80 -r 192.168.137.130:80 -m -w 3
-a -t 192.168.1.100:80 -r 192.168.137.200:80 -m -w 2
-A -t 192.168.1.100:81 -s wlc -p 360
`);
  });

  it('-E replaces the whole service: omitted -s is wlc, omitted -p removes persistence', () => {
    const lab = natLab();
    setup(lab, 'lvs', ['ipvsadm -A -t 192.168.1.100:80 -s rr -p 300', 'ipvsadm -E -t 192.168.1.100:80']);
    expect(sh(lab, 'lvs', 'ipvsadm -Sn').stdout).toBe('-A -t 192.168.1.100:80 -s wlc\n');
  });

  it('-e replaces the whole server: omitted -w is 1 and omitted method is Route (DR)', () => {
    const lab = natLab();
    setup(lab, 'lvs', ['ipvsadm -A -t 192.168.1.100:80 -s rr', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130 -m -w 5', 'ipvsadm -e -t 192.168.1.100:80 -r 192.168.137.130']);
    expect(sh(lab, 'lvs', 'ipvsadm -Sn').stdout).toBe('-A -t 192.168.1.100:80 -s rr\n-a -t 192.168.1.100:80 -r 192.168.137.130:80 -g -w 1\n');
    // a NAT server on another port cannot be edited without -m: DR forces the virtual port
    setup(lab, 'lvs', ['ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.200:8080 -m']);
    expect(sh(lab, 'lvs', 'ipvsadm -e -t 192.168.1.100:80 -r 192.168.137.200:8080 -w 2')).toMatchObject({ stderr: 'No such destination\n', status: 255 });
  });

  it('-r before -t takes the service port of that moment (0)', () => {
    const lab = natLab();
    setup(lab, 'lvs', ['ipvsadm -A -t 192.168.1.100:80 -s rr', 'ipvsadm -a -r 192.168.137.130 -t 192.168.1.100:80 -m']);
    expect(sh(lab, 'lvs', 'ipvsadm -Sn').stdout).toContain('-r 192.168.137.130:0 -m -w 1');
  });

  it('-d matches the real server by address and the port ipvsadm fills in', () => {
    const lab = natLab();
    natRules(lab);
    expect(sh(lab, 'lvs', 'ipvsadm -d -t 192.168.1.100:80 -r 192.168.137.130').status).toBe(0);
    expect(sh(lab, 'lvs', 'ipvsadm -Sn').stdout).not.toContain('192.168.137.130');
  });
});

describe('-R, ipvsadm-restore, -Z, -C', () => {
  it('-R runs each line; kernel errors only end their line, the last line decides the status', () => {
    const lab = natLab();
    const rules = '-A -t 192.168.1.100:80 -s rr\n\nipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m -w 1\n-A -t 192.168.1.100:80 -s rr\n';
    const r = sh(lab, 'lvs', 'ipvsadm -R', { stdin: rules });
    expect(r).toMatchObject({ stdout: '', stderr: 'Service already exists\n', status: 255 });
    expect(sh(lab, 'lvs', 'ipvsadm -Sn').stdout).toBe('-A -t 192.168.1.100:80 -s rr\n-a -t 192.168.1.100:80 -r 192.168.137.130:80 -m -w 1\n');
  });

  it('-R stops the whole program at the first fail(), and a "#" line is not a comment to -R itself', () => {
    const lab = natLab();
    expect(sh(lab, 'lvs', 'ipvsadm -R', { stdin: '-A -t 192.168.1.100:80\n-A -t 80\n-A -t 192.168.1.100:81\n' })).toMatchObject({ stderr: 'illegal virtual server address[:port] specified\n', status: 2 });
    expect(sh(lab, 'lvs', 'ipvsadm -Sn').stdout).toBe('-A -t 192.168.1.100:80 -s wlc\n');
    expect(sh(lab, 'lvs', 'ipvsadm -R', { stdin: '# saved\n' })).toMatchObject({ stderr: "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n", status: 255 });
  });

  it('ipvsadm-restore clears first, drops "#" lines and restores what -Sn saved', () => {
    const lab = natLab();
    natRules(lab);
    const saved = '# Generated\n' + sh(lab, 'lvs', 'ipvsadm -Sn').stdout;
    setup(lab, 'lvs', ['ipvsadm -A -t 10.9.9.9:80']);
    expect(sh(lab, 'lvs', 'ipvsadm-restore', { stdin: saved })).toMatchObject({ status: 0, output: '' });
    expect('# Generated\n' + sh(lab, 'lvs', 'ipvsadm -Sn').stdout).toBe(saved);
  });

  it('-C empties the table; -Z zeroes counters', () => {
    const lab = natLab();
    natRules(lab);
    const x = Ipvs.of(lab.host('lvs')!)!;
    x.rawServices()[0].stats.k.conns = 7;
    x.tot.k.conns = 7;
    expect(sh(lab, 'lvs', 'ipvsadm -Ln --stats').stdout).toContain('TCP  192.168.1.100:80                    7');
    expect(sh(lab, 'lvs', 'ipvsadm -Z').status).toBe(0);
    expect(sh(lab, 'lvs', 'ipvsadm -Ln --stats').stdout).toContain('TCP  192.168.1.100:80                    0');
    expect(sh(lab, 'lvs', 'ipvsadm -C').status).toBe(0);
    expect(sh(lab, 'lvs', 'ipvsadm -Sn').stdout).toBe('');
  });
});

describe('the rate estimator (ip_vs_est.c)', () => {
  it('averages over 2 s ticks with 1/4 smoothing, read with rounding', () => {
    const s = new Stats();
    const e = new Estimator(0);
    e.add(s);
    s.k.conns = 10; s.k.inpkts = 60; s.k.inbytes = 3990;
    e.catchUp(2 * SEC);
    // rate = 10 << 9 = 5120; avg = 5120 / 4 = 1280 → (1280 + 511) >> 10 = 1
    expect(s.rates()).toEqual({ cps: 1, inpps: 7, outpps: 0, inbps: 499, outbps: 0 });
    e.catchUp(4 * SEC);
    expect(s.rates().cps).toBe(1);          // 1280 + (0 - 1280)/4 = 960
    e.catchUp(3600 * SEC);
    expect(s.rates()).toEqual({ cps: 0, inpps: 0, outpps: 0, inbps: 0, outbps: 0 });
  });
});

describe('FULLNAT (lab extension)', () => {
  it('-b is the FULLNAT method with -a/-e only; --fullnat anywhere else is an illegal forwarding method', () => {
    const lab = natLab();
    setup(lab, 'lvs', ['ipvsadm -A -t 192.168.1.100:80 -s rr -b flag-2', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -b -w 1',
      'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.200:80 --fullnat', 'ipvsadm -P -t 192.168.1.100:80 -z 192.168.137.100']);
    expect(sh(lab, 'lvs', 'ipvsadm -Ln').stdout.split('\n').slice(3, 6)).toEqual([
      'TCP  192.168.1.100:80 rr (flag-2)',
      '  -> 192.168.137.130:80           FullNat 1      0          0         ',
      '  -> 192.168.137.200:80           FullNat 1      0          0         ',
    ]);
    expect(sh(lab, 'lvs', 'ipvsadm -Sn').stdout).toBe(`-A -t 192.168.1.100:80 -s rr -b flag-2
-a -t 192.168.1.100:80 -r 192.168.137.130:80 -b -w 1
-a -t 192.168.1.100:80 -r 192.168.137.200:80 -b -w 1
-P -t 192.168.1.100:80 -z 192.168.137.100
`);
    expect(sh(lab, 'lvs', 'ipvsadm -A -t 192.168.1.100:81 --fullnat')).toMatchObject({ stderr: "Illegal 'forwarding-method' option with the 'add-service' command\n", status: 2 });
    expect(sh(lab, 'lvs', 'ipvsadm -P -t 192.168.1.100:80 -z 192.168.137.100')).toMatchObject({ stderr: 'Local address already exists\n', status: 255 });
    expect(sh(lab, 'lvs', 'ipvsadm -P -t 192.168.1.100:80')).toMatchObject({ stderr: "You need to supply the 'local-address' option for the 'add-laddr' command\n", status: 2 });
    expect(sh(lab, 'lvs', 'ipvsadm -Q -t 192.168.1.100:80 -z 192.168.137.100').status).toBe(0);
    expect(sh(lab, 'lvs', 'ipvsadm -Q -t 192.168.1.100:80 -z 192.168.137.100')).toMatchObject({ stderr: 'No such local address\n', status: 255 });
    expect(sh(lab, 'lvs', 'ipvsadm -G -t 192.168.1.100:80').stdout).toBe('VIP:VPORT            TOTAL    SNAT_IP              CONFLICTS  CONNS     \n192.168.1.100:80     0        \n');
  });
});

describe('robustness', () => {
  const WORDS = ['-A', '-E', '-D', '-C', '-R', '-S', '-a', '-e', '-d', '-L', '-l', '-Z', '-n', '-c', '-t', '-u', '-f', '-6', '-s', '-p', '-M', '-r',
    '-g', '-i', '-m', '-b', '-w', '-x', '-y', '-o', '-X', '-P', '-Q', '-G', '-z', '-F', '--set', '--start-daemon', '--stop-daemon', '--timeout',
    '--daemon', '--stats', '--rate', '--thresholds', '--persistent-conn', '--nosort', '--sort', '--tun-type', '--tun-port', '--tun-info',
    '--tun-csum', '--mcast-group', '--syncid', '--pe', '--fullnat', '--', '-Ln', '-At', '-p60', '192.168.1.100:80', '192.168.1.100',
    '192.168.137.130', '[::1]:80', 'rr', 'wrr', 'sh', 'mh', 'sh-port', 'mh-fallback,flag-1', 'master', 'backup', '0', '1', '65536', '-1',
    '255.255.255.0', 'gue', 'gre', 'x', '', ':', '::', '0x10', '1.2.3.4:http', 'eth0', '6666', '=', '--weight=3', '-w=2'];
  it('any command line gives a status, never an exception', () => {
    const lab = natLab();
    const host = lab.host('lvs')!;
    fc.assert(fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 9 }), fc.string({ maxLength: 40 }), (args, input) => {
      const st = ipvsadmMain(host, ['ipvsadm', ...args], { out: () => {}, err: () => {}, stdin: () => input });
      expect([0, 1, 2, 255]).toContain(st);
    }), { numRuns: 1500, seed: 7 });
  });
});
