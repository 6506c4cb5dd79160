/**
 * Words the command-line fuzzer builds lines from: per command, the subcommands, options and
 * objects it understands (so random lines reach deep into its parser rather than stopping at
 * "unknown option"), words every command may get, and a corpus of valid lines (the golden
 * transcripts plus a few per command) that the mutating fuzzer damages.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTranscript } from '../../src/shell/runner.ts';

/** Addresses, ports, paths and odd words any command may be given. */
export const COMMON = [
  '192.168.1.100', '192.168.1.111', '192.168.1.2', '192.168.137.100', '192.168.137.130', '192.168.137.200', '192.168.137.254',
  '192.168.137.140', '127.0.0.1', '0.0.0.0', '255.255.255.255', '10.9.9.9', '224.0.0.18', '192.168.1.100:80', '192.168.137.130:80',
  '192.168.1.0/24', '192.168.137.0/24', '0/0', '1.2.3.4/33', '300.1.2.3', '::1', 'localhost', 'lvs', 'RS1',
  '80', '443', '0', '1', '2', '3', '-1', '65535', '65536', '99999999999999999999', '0x10', '1.5', '1e3', '010',
  'eth0', 'eth1', 'lo', 'tunl0', 'eth9', 'all', 'default',
  '/', '/etc', '/etc/passwd', '/etc/hosts', '/etc/sysctl.conf', '/etc/sysconfig/ipvsadm', '/tmp', '/tmp/x', '/tmp/nosuch/dir/f',
  '/proc/net/ip_vs', '/proc/net/ip_vs_conn', '/proc/sys/net/ipv4/ip_forward', '/dev/null', '/dev/zero', '/var/www/html/index.html',
  '/etc/NetworkManager/system-connections/eth0.nmconnection', '/etc/keepalived/keepalived.conf', '/root', '.', '..', '~', '*', '/etc/*.conf',
  '-', '--', '-h', '--help', '--version', '-v', '-n', '-a', '-x', '--bogus', '-', '=', '', ' ', 'x', 'foo', 'a b', '\u00e9', '\t',
  'httpd', 'ipvsadm', 'keepalived', 'NetworkManager', 'sshd', 'nosuch', 'x'.repeat(300),
];

const IPVSADM = [
  '-A', '-E', '-D', '-C', '-R', '-S', '-a', '-e', '-d', '-L', '-l', '-Z', '-n', '-c', '-t', '-u', '-f', '-s', '-p', '-M', '-r', '-g', '-i', '-m',
  '-w', '-x', '-y', '-b', '-j', '-P', '-Q', '-K', '-O', '-F', '-N', '--set', '--start-daemon', '--stop-daemon', '--exact', '--stats', '--rate',
  '--thresholds', '--persistent-conn', '--nosort', '--sort', '--tun-info', '--add-service', '--list', '--numeric', '--connection',
  '--timeout', '--daemon', '--syncid', '--mcast-interface', '--sched-flags', 'flag-1', 'sh-port', 'sh-fallback', 'mh-port',
  '--tun-type', 'ipip', 'gue', 'gre', '--tun-port', '--laddr', '-z', '--pe', 'sip',
  'rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos', 'foo',
  'master', 'backup', '900', '120', '300', '6666', '192.168.1.100:80', '192.168.137.254:80', '192.168.137.130:80', '192.168.137.200:8080',
  '[::1]:80', '1.2.3.4:0', ':80', '192.168.1.100:', 'fwmark',
];

const IP = [
  'addr', 'address', 'a', 'link', 'l', 'route', 'r', 'ro', 'neigh', 'n', 'rule', 'tunnel', 'maddr', 'monitor', 'netns', 'help',
  'show', 'list', 'ls', 'add', 'del', 'delete', 'change', 'replace', 'flush', 'get', 'set', 'up', 'down', 'dev', 'label', 'brd',
  'broadcast', 'scope', 'host', 'link', 'global', 'via', 'src', 'metric', 'proto', 'table', 'main', 'local', 'type', 'ipip',
  'dummy', 'mtu', '1480', 'address', '00:0c:29:aa:bb:cc', 'lladdr', 'nud', 'permanent', 'reachable', 'stale', 'noarp', 'arp', 'off', 'on',
  'promisc', 'name', 'blackhole', 'unreachable', 'prohibit', 'onlink', 'dst', 'from', 'to', 'iif', 'oif', 'mark',
  '-4', '-s', '-d', '-o', '-br', '-c', '-j', '-p', '-details', '-stats', 'stats', 'statistics', '192.168.137.254/32', '192.168.137.254/24',
  '192.168.137.254', '10.0.0.1/8',
];

const IPTABLES = [
  '-A', '-I', '-D', '-R', '-C', '-L', '-S', '-F', '-Z', '-N', '-X', '-E', '-P', '-t', '-n', '-v', '-x', '--line-numbers', '-nvL', '-p', '-s',
  '-d', '-i', '-o', '-j', '-m', '!', '-w', 'INPUT', 'OUTPUT', 'FORWARD', 'PREROUTING', 'POSTROUTING', 'nat', 'mangle', 'raw', 'filter',
  'tcp', 'udp', 'icmp', 'all', 'ACCEPT', 'DROP', 'REJECT', 'RETURN', 'LOG', 'MARK', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT',
  'multiport', 'conntrack', 'state', 'mark', 'comment', '--dport', '--sport', '--dports', '--syn', '--ctstate', '--state', 'NEW',
  'ESTABLISHED,RELATED', '--set-mark', '--mark', '--to-destination', '--to-source', '--to-ports', '--reject-with', 'tcp-reset',
  '80,443', '1:1024', '6666', '0x1a/0xff', '--comment', 'WEB',
];

const NMCLI = [
  'general', 'g', 'networking', 'n', 'radio', 'connection', 'con', 'c', 'device', 'dev', 'd', 'monitor', 'status', 'show', 'up', 'down',
  'modify', 'mod', 'add', 'delete', 'del', 'reload', 'load', 'clone', 'edit', 'connect', 'disconnect', 'reapply', 'set', 'on', 'off',
  'hostname', 'permissions', 'logging', 'eth0', 'eth1', 'lo', 'ifname', 'type', 'ethernet', 'con-name', 'ipv4.method', 'manual', 'auto',
  'disabled', 'ipv4.addresses', '+ipv4.addresses', '-ipv4.addresses', 'ipv4.gateway', 'ipv4.dns', 'ipv4.never-default', 'yes', 'no',
  'connection.autoconnect', 'ipv4.routes', '192.168.137.254/32', '192.168.1.100/24', '-t', '-f', '-p', '-g', '-m', 'tabular', 'multiline',
  'terse', '--fields', 'NAME,UUID', 'all', 'common', 'GENERAL.STATE', 'IP4.ADDRESS', '-a', '--ask', '-w', '5', 'id', 'uuid', 'path',
];

const SYSCTL = [
  '-a', '-w', '-p', '-n', '-N', '-q', '-e', '-r', '--system', '--load', '--all', '--values', '--names', '--pattern', 'forward',
  'net.ipv4.ip_forward', 'net.ipv4.ip_forward=1', 'net.ipv4.ip_forward=0', 'net.ipv4.ip_forward=7', 'net.ipv4.ip_forward=',
  'net.ipv4.conf.all.arp_ignore=1', 'net.ipv4.conf.all.arp_announce=2', 'net.ipv4.conf.lo.arp_ignore', 'net.ipv4.conf.eth0.rp_filter=0',
  'net.ipv4.conf.tunl0.rp_filter=0', 'net.ipv4.vs.conntrack=1', 'net.ipv4.vs.expire_nodest_conn', 'net/ipv4/ip_forward', 'kernel.hostname',
  'kernel.hostname=web', 'net.ipv4.neigh.eth0.base_reachable_time_ms=1000', 'net.ipv4.tcp_fin_timeout', 'no.such.key', 'net.ipv4.conf.eth9.arp_ignore=1',
  '/etc/sysctl.conf', '/etc/sysctl.d/99-x.conf', 'net.ipv4.ip_local_port_range="1024 65000"',
];

const CURL = [
  '-s', '-S', '-v', '-I', '-i', '-k', '-L', '-o', '-O', '-w', '-m', '-H', '-d', '-X', '-A', '-u', '-4', '-f', '-sS', '--connect-timeout',
  '--max-time', '--retry', '--interface', '--local-port', '--resolve', '--http1.0', '--http1.1', '--head', '--silent', '--insecure',
  '--output', '/dev/null', '%{http_code}', '%{remote_ip}\\n', 'Host: x', 'POST', 'GET', 'DELETE', 'a=b', '2', '0.5',
  'http://192.168.1.100', 'http://192.168.1.100/', 'http://192.168.137.130/index.html', 'https://192.168.137.130/', 'http://192.168.1.100:81/',
  'http://[::1]/', 'ftp://192.168.1.100/', 'http://', 'http://nosuch.example/', 'http://192.168.137.130/../../etc/passwd', 'http://a:b@192.168.1.100/',
  '192.168.1.100', '192.168.137.130', 'http://192.168.1.100:99999/', 'http://999.1.1.1/',
];

const PING = ['-c', '-i', '-W', '-w', '-s', '-t', '-I', '-n', '-q', '-f', '-b', '-D', '-M', 'do', 'dont', 'want', '-4', '-R', '-p', 'ff',
  '1', '2', '3', '0', '0.2', '0.001', '65507', '65508', '1472', '1473', '-1', '192.168.1.100', '192.168.137.130', '192.168.137.255', '255.255.255.255', '10.9.9.9', '127.0.0.1'];

const SYSTEMCTL = ['start', 'stop', 'restart', 'reload', 'status', 'enable', 'disable', 'mask', 'unmask', 'is-active', 'is-enabled', 'is-failed',
  'list-units', 'list-unit-files', 'cat', 'show', 'daemon-reload', 'reset-failed', 'try-restart', 'kill', 'edit', '--now', '--all', '-a',
  '--type=service', '--state=failed', '-p', 'ActiveState', '--value', '--no-pager', '-l', '-q', 'httpd', 'httpd.service', 'sshd',
  'NetworkManager', 'ipvsadm', 'keepalived', 'firewalld', 'foo.service', 'multi-user.target', '*', 'http*', 'default', 'isolate', 'poweroff'];

const DNF = ['install', 'remove', 'erase', 'reinstall', 'list', 'info', 'search', 'provides', 'repolist', 'makecache', 'clean', 'all', 'check-update',
  'upgrade', 'update', 'autoremove', 'history', 'installed', 'available', 'group', '-y', '-q', '--assumeno', '--nogpgcheck', 'ipvsadm',
  'keepalived', 'httpd', 'mod_ssl', 'tcpdump', 'nosuchpkg', 'vim-enhanced', 'nano', 'traceroute', 'conntrack-tools', '/usr/sbin/ipvsadm', 'http*'];

const TCPDUMP = ['-i', 'eth0', 'eth1', 'any', 'lo', '-n', '-nn', '-c', '1', '3', '-e', '-v', '-vv', '-X', '-A', '-q', '-l', '-w', '/tmp/c.pcap',
  '-r', '-s', '0', 'tcp', 'udp', 'icmp', 'arp', 'port', '80', 'host', '192.168.1.100', 'and', 'or', 'not', 'src', 'dst', 'net', '(', ')',
  'tcp[13]', '&', '2', '!=', '0', 'proto', 'vrrp', 'ip', 'ip[9]', '-D', '--list-interfaces'];

const KEEPALIVED = ['-f', '-t', '-v', '-n', '-l', '-D', '-S', '-P', '-C', '--config-test', '--dont-fork', '--log-console', '/etc/keepalived/keepalived.conf',
  '/tmp/nosuch.conf', '--vrrp', '--check', '-h'];

const GENHASH = ['-s', '-p', '-u', '-S', '-r', '-v', '-h', '192.168.137.130', '80', '443', '/', '/index.html', '-V', '--server', '--port', '--url'];

const JOURNALCTL = ['-u', 'httpd', 'keepalived', 'NetworkManager', '-n', '5', '-f', '-e', '-x', '-b', '-1', '0', '-k', '-p', 'err', '-o', 'cat',
  'short-iso', 'json', '--since', '--until', 'yesterday', 'today', '-5min', '--no-pager', '-q', '--list-boots', '-r', '_PID=1', 'SYSLOG_IDENTIFIER=kernel'];

const COREUTILS = ['-a', '-b', '-c', '-d', '-e', '-f', '-i', '-l', '-n', '-r', '-s', '-t', '-u', '-v', '-w', '-z', '-1', '-k', '-h', '-R', '-p', '-m',
  '-F', '-o', '-q', '-E', '-P', '-x', '-0', '-5', '+3', '-n3', '--lines=2', '-c5', '-k2,2n', '-t:', '-d:', '-f1,3', '-f2-', ':', ',', '\\n',
  '%s', '%d', '%05.2f', '%q', '%b', '%', 's/a/b/g', 's/a/', '1d', '$a x', '/x/p', 'y/ab/cd/', '{print $1}', 'BEGIN{print 1/0}',
  '{print substr($0,2)}', 'NR>1', '[a-z]+', '\\(x\\)\\1', 'a-z', 'A-Z', '[:upper:]', '\\0', 'a*', '^$', '.', 'x{2,}', '{1,3}', '0644',
  'u+x', 'root', 'root:root', 'nobody', '+%s', '-d@0', '--date=tomorrow', '%Y-%m-%d', '5', '10', '1M', '1G', '-type', 'f', 'd', '-name',
  '*.conf', '-maxdepth', '2', '-exec', '{}', ';', '-print0', '-newer', 'echo', 'wc', '-l', 'sort', 'uniq', 'cat', 'head',
  'hello', 'a\\tb', '1 2 3', '10', '2', '3', '4', '/etc/hosts', '/etc/passwd', '/tmp/x', '/tmp/y', '/proc/cpuinfo', '/proc/meminfo', '/dev/null',
];

const BUILTINS = ['-a', '-p', '-n', '-e', '-r', '-s', '-t', '-u', '-x', '-f', '-l', '-A', '-i', '-v', '-d', '-o', '-S', '-P', '--',
  'x', 'x=1', 'y=2', 'a[1]=2', 'PATH', 'HOME', 'errexit', 'nounset', 'pipefail', 'noglob', 'extglob', 'nullglob', 'globstar', 'INT',
  'EXIT', 'ERR', 'HUP', 'TERM', '9', '-9', '%1', '%+', '$$', '0', '1', '255', '256', '-1', 'echo hi', 'ls', 'cd', 'f', 'ls -l',
  '"$@"', '$x', '${x:-d}', "'a b'", '/tmp', '-L', '-P', '+1', '-c', 'true', 'false', 'REPLY', 'line', 'arr', '-N', '3', '022',
  'core', 'unlimited', '-H', '-w', '-q', 'history', '%s\\n', '%d', 'type', 'command', 'hash', 'trap', 'kill', 'wait', 'jobs',
];

/** Per command: the words it understands. Commands not listed get COREUTILS. */
export const VOCAB: Record<string, readonly string[]> = {
  ipvsadm: IPVSADM, 'ipvsadm-save': ['-n', '-h', '--numeric', 'x'], 'ipvsadm-restore': ['-f', '-h', '-n', 'x'],
  ip: IP, iptables: IPTABLES, 'iptables-nft': IPTABLES, ip6tables: IPTABLES, 'iptables-save': ['-t', 'nat', 'filter', 'mangle', '-c', '-M', '-f', '/tmp/r'],
  'iptables-restore': ['-n', '-t', '-c', '-T', 'nat', '/tmp/r', '-w', '--noflush'], conntrack: ['-L', '-D', '-F', '-E', '-C', '-S', '-p', 'tcp', '-s', '-d', '--dport', '80', '-n', '-o', 'extended', '-I', '-U'],
  nmcli: NMCLI, ifup: ['eth0', 'eth1', 'lo', 'nosuch'], ifdown: ['eth0', 'eth1', 'lo', 'nosuch'],
  sysctl: SYSCTL, curl: CURL, ping: PING, traceroute: ['-n', '-I', '-T', '-U', '-m', '-q', '-w', '-p', '-s', '-i', '-f', '1', '3', '30', '192.168.137.130', '192.168.1.100', '10.9.9.9', '60', '65000'],
  ss: ['-t', '-u', '-l', '-n', '-a', '-p', '-e', '-i', '-m', '-s', '-4', '-o', '-tlnp', '-antp', 'state', 'established', 'listening', 'time-wait', 'sport', 'dport', '=', ':80', 'dst', '192.168.1.111', 'src', '(', ')', 'and'],
  tcpdump: TCPDUMP, keepalived: KEEPALIVED, genhash: GENHASH,
  systemctl: SYSTEMCTL, journalctl: JOURNALCTL, dmesg: ['-T', '-H', '-c', '-C', '-l', 'err,warn', '-k', '-x', '-w', '--level', '-n', '1', '-t', '-r'],
  dnf: DNF, yum: DNF, rpm: ['-q', '-a', '-i', '-l', '-f', '-qa', '-qi', '-ql', '-qf', '-e', '--nodeps', '-V', '-qc', 'ipvsadm', 'httpd', 'bash', '/usr/sbin/ipvsadm', '/etc/passwd', 'nosuch', '--last'],
  hostnamectl: ['status', 'set-hostname', 'hostname', 'chassis', 'icon-name', '--static', '--transient', '--pretty', 'web01', 'a..b', 'x'.repeat(70), '--json=short'],
  hostname: ['-s', '-f', '-i', '-I', '-d', '-A', '-b', 'web01', '-F', '/etc/hostname', ''],
  reboot: ['-f', '--force', '-h', 'now', '--help', '-p'], poweroff: ['-f', '--force', '-h', '--help', '--reboot'], halt: ['-p', '-f', '--help'],
  shutdown: ['-h', '-r', '-c', '-k', 'now', '+1', '+0', '12:30', '25:00', 'msg', '--no-wall', '-P', '-H'],
  modprobe: ['-r', '-v', '-n', '-q', '-a', '-c', '--show-depends', '--first-time', 'ip_vs', 'ip_vs_rr', 'ip_vs_wlc', 'ip_vs_foo', 'ipip', 'nf_conntrack', 'nosuch'],
  lsmod: ['x', '-h'], rmmod: ['ip_vs', 'ipip', 'ip_vs_rr', '-f', '-v', 'nosuch'], insmod: ['/lib/modules/x.ko', 'ip_vs', '-h'],
  modinfo: ['ip_vs', 'ipip', 'ip_vs_rr', '-F', 'description', '-d', '-p', 'nosuch', '-n'],
  vi: ['/etc/hosts', '/tmp/v', '+3', '-R', '/etc', '/tmp/nosuch/dir/f', '/proc/sys/net/ipv4/ip_forward'], view: ['/etc/hosts', '/tmp/v'],
  ex: ['/etc/hosts', '/tmp/v'], vim: ['/etc/hosts', '/tmp/v', '+3', '-R'], nano: ['/etc/hosts', '/tmp/v', '-w', '+2', '/etc'],
  ...Object.fromEntries(['echo', 'printf', 'cd', 'pwd', 'pushd', 'popd', 'dirs', 'declare', 'typeset', 'local', 'export', 'readonly', 'unset', 'set',
    'shopt', 'shift', 'let', 'return', 'break', 'continue', 'eval', 'source', '.', 'test', '[', 'alias', 'unalias', 'type', 'command', 'builtin',
    'hash', 'jobs', 'wait', 'fg', 'bg', 'disown', 'kill', 'trap', 'read', 'mapfile', 'readarray', 'getopts', 'umask', 'times', 'ulimit',
    'history', 'help', 'which', 'bash', 'sh', 'exec', 'exit', 'logout', 'compgen', 'complete', 'enable', 'caller'].map((b) => [b, BUILTINS])),
};

/** Shell builtins and shell-provided commands, fuzzed like the registry's commands. */
export const SHELL_COMMANDS = ['echo', 'printf', 'cd', 'pwd', 'pushd', 'popd', 'dirs', 'declare', 'local', 'export', 'readonly', 'unset', 'set',
  'shopt', 'shift', 'let', 'return', 'break', 'continue', 'eval', 'source', 'test', '[', 'alias', 'unalias', 'type', 'command', 'builtin',
  'hash', 'jobs', 'wait', 'fg', 'bg', 'disown', 'kill', 'trap', 'read', 'mapfile', 'getopts', 'umask', 'times', 'ulimit', 'history', 'help',
  'which', 'bash', 'sh', 'compgen', 'enable', 'caller', 'exit'];

export function vocabOf(cmd: string): readonly string[] { return VOCAB[cmd] ?? COREUTILS; }

/** Lines the mutating fuzzer starts from: valid uses of every kind of command. */
export const CURATED: readonly [string, string][] = [
  ['lvs', 'ipvsadm -A -t 192.168.1.100:80 -s wrr -p 60'], ['lvs', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m -w 3'],
  ['lvs', 'ipvsadm -Ln --stats'], ['lvs', 'ipvsadm -Lnc'], ['lvs', 'ipvsadm -S -n'], ['lvs', 'ipvsadm --set 900 120 300'],
  ['lvs', 'ipvsadm -A -f 6666 -s sh -b sh-port'], ['lvs', 'echo "-A -t 1.2.3.4:80 -s rr" | ipvsadm -R'],
  ['lvs', 'iptables -t mangle -A PREROUTING -d 192.168.1.100 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 6666'],
  ['lvs', 'iptables -nvL --line-numbers'], ['lvs', 'iptables-save'], ['lvs', 'nmcli connection modify eth0 +ipv4.addresses 192.168.1.101/24'],
  ['lvs', 'nmcli con up eth0'], ['lvs', 'nmcli -t -f NAME,DEVICE con show'], ['lvs', 'nmcli device status'],
  ['lvs', 'sysctl -w net.ipv4.conf.all.arp_ignore=1'], ['lvs', 'sysctl -a --pattern forward'], ['lvs', 'sysctl -p /etc/sysctl.conf'],
  ['lvs', 'ip addr add 192.168.137.254/32 dev lo label lo:0'], ['lvs', 'ip -br a'], ['lvs', 'ip route add 10.0.0.0/8 via 192.168.1.2'],
  ['lvs', 'ip neigh show dev eth0'], ['lvs', 'ip link set eth1 mtu 1400'], ['lvs', 'ip -s link show eth0'], ['lvs', 'ip route get 192.168.137.130'],
  ['client', 'curl -s -o /dev/null -w "%{http_code}\\n" http://192.168.1.100/'], ['client', 'curl -v 192.168.1.100'], ['client', 'curl -m 1 10.9.9.9'],
  ['client', 'ping -c 2 -i 0.2 192.168.1.100'], ['client', 'ping -c 1 -s 3000 192.168.1.100'], ['lvs', 'traceroute -n 192.168.137.130'],
  ['lvs', 'ss -tan'], ['lvs', 'ss -s'], ['lvs', 'tcpdump -nn -c 2 -i eth1 tcp port 80'], ['RS1', 'systemctl status httpd'],
  ['RS1', 'systemctl restart httpd'], ['RS1', 'systemctl list-units --type=service'], ['RS1', 'journalctl -u httpd -n 3 --no-pager'],
  ['lvs', 'dnf info ipvsadm'], ['lvs', 'dnf list installed'], ['lvs', 'rpm -qi bash'], ['lvs', 'hostnamectl set-hostname director'],
  ['lvs', 'modprobe -v ip_vs_wlc'], ['lvs', 'lsmod | grep ip_vs'], ['lvs', 'modinfo -d ip_vs'], ['lvs', 'dmesg | tail -3'],
  ['lvs', 'keepalived -t -f /etc/keepalived/keepalived.conf'], ['lvs', 'genhash -s 192.168.137.130 -p 80 -u /'],
  ['lvs', 'conntrack -L'], ['RS1', 'echo hi > /tmp/x; cat -A /tmp/x; wc -c /tmp/x'], ['RS1', 'ls -la /etc | sort -k5n | head -3'],
  ['RS1', 'grep -rn root /etc/passwd'], ['RS1', "awk -F: '{print $1, NF}' /etc/passwd | column -t"], ['RS1', "sed -n '1,3p;$=' /etc/hosts"],
  ['RS1', "find /etc -maxdepth 1 -name '*.conf' | xargs wc -l"], ['RS1', 'seq 1 5 | paste -sd+ | tr + -'], ['RS1', 'date -d @0 +%F'],
  ['RS1', 'printf "%s=%d\\n" a 1 b 2'], ['RS1', 'cut -d: -f1,7 /etc/passwd | uniq -c'], ['RS1', 'diff /etc/hosts /etc/hosts'],
  ['RS1', 'stat -c %a /etc/passwd'], ['RS1', 'cp -r /etc/sysconfig /tmp/s && rm -rf /tmp/s'], ['RS1', 'tac /etc/hosts | rev | fold -w 10'],
  ['RS1', 'md5sum /etc/hosts; sha256sum /etc/hosts'], ['RS1', 'expr 3 \\* 4'], ['RS1', 'factor 360'], ['RS1', 'df -h; free -m; uptime'],
  ['RS1', 'for i in {1..3}; do echo $i; done | nl'], ['RS1', 'x=5; while (( x-- > 0 )); do :; done; echo $x'],
  ['RS1', 'f() { local a=$1; echo ${a^^}; }; f hello'], ['RS1', 'arr=(a b c); echo ${#arr[@]} ${arr[-1]}'],
  ['RS1', 'case x in x) echo y;; *) echo z;; esac'], ['RS1', 'read a b <<< "1 2"; echo $b'], ['RS1', 'trap "echo bye" EXIT; exit 3'],
  ['RS1', 'set -e; false; echo no'], ['RS1', 'echo $(( 2**10 )) $((1/0))'], ['RS1', 'cat <<EOF\n$HOME\nEOF'],
];

/** Every command line of the golden transcripts, with its host (host names lowered where the lab has them). */
export function goldenCorpus(): [string, string][] {
  const dir = join(import.meta.dirname, '..', 'golden');
  const out: [string, string][] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.txt')).sort()) {
    try {
      const t = parseTranscript(readFileSync(join(dir, f), 'utf8'));
      for (const c of t.commands) out.push([c.host, c.text]);
    } catch { /* a transcript the plain parser cannot split (heredocs): skip it */ }
  }
  return out;
}
