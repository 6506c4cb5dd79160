import { describe, expect, it } from 'vitest';
import type { TcpSocket } from '../../core/net/tcp.ts';
import { ip } from '../../core/wire/types.ts';
import { Firewalld } from '../../core/services/firewalld.ts';
import { firewallCommands } from './firewallcmd.ts';
import { systemCommands } from './system.ts';
import { SysKit } from './system.testkit.ts';

const USAGE = "usage: 'firewall-cmd --help' for usage information or see firewall-cmd(1) man page\n";
const LIST_ALL = `public (active)
  target: default
  icmp-block-inversion: no
  interfaces: eth0
  sources: 
  services: cockpit dhcpv6-client ssh
  ports: 
  protocols: 
  forward: yes
  masquerade: no
  forward-ports: 
  source-ports: 
  icmp-blocks: 
  rich rules: 
`;

function kit(started = true): SysKit {
  const k = new SysKit('nat', [...systemCommands, ...firewallCommands]);
  if (started) expect(k.run('RS1', 'systemctl start firewalld').status).toBe(0);
  return k;
}

function connect(k: SysKit, port: number): TcpSocket {
  const s = k.host('lvs').tcp.connect(ip('192.168.137.130'), port, 'test');
  if (typeof s === 'string') throw new Error(s);
  k.lab.runUntil(() => s.state === 'ESTABLISHED' || s.error !== null, k.lab.now + 5_000_000);
  return s;
}

type Row = [line: string, status: number, stdout: string, stderr: string];

describe('firewall-cmd with firewalld stopped (the preset)', () => {
  const rows: Row[] = [
    ['firewall-cmd --state', 252, '', 'not running\n'],
    ['firewall-cmd --list-all', 252, '', 'FirewallD is not running\n'],
    ['firewall-cmd --reload', 252, '', 'FirewallD is not running\n'],
    ['firewall-cmd --permanent --add-service=http', 252, '', 'FirewallD is not running\n'],
    ['firewall-cmd --version', 252, '', 'FirewallD is not running\n'],
    ['firewall-cmd', 2, '', `State: not running\n\nNo options specified\n${USAGE}`],
    ['firewall-cmd --bogus', 2, '', `${USAGE}firewall-cmd: error: unrecognized arguments: --bogus\n`],
  ];
  it.each(rows)('%s', (line, status, stdout, stderr) => {
    expect(kit(false).run('RS1', line)).toMatchObject({ status, stdout, stderr });
  });

  it('prints its help without the daemon', () => {
    const r = kit(false).run('RS1', 'firewall-cmd -h');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\nUsage: firewall-cmd \[OPTIONS\.\.\.\]\n\nGeneral Options\n {2}-h, --help {11}Prints a short help text and exits\n/);
    expect(r.stdout).toContain('  --add-port=<portid>[-<portid>]/<protocol>\n');
  });
});

describe('firewall-cmd with firewalld running', () => {
  const rows: Row[] = [
    ['firewall-cmd --state', 0, 'running\n', ''],
    ['firewall-cmd --version', 0, '1.3.4\n', ''],
    ['firewall-cmd -V', 0, '1.3.4\n', ''],
    ['firewall-cmd --get-default-zone', 0, 'public\n', ''],
    ['firewall-cmd --get-active-zones', 0, 'public\n  interfaces: eth0\n', ''],
    ['firewall-cmd --get-zones', 0, 'block dmz drop external home internal nm-shared public trusted work\n', ''],
    ['firewall-cmd --list-all', 0, LIST_ALL, ''],
    ['firewall-cmd --zone=public --list-all', 0, LIST_ALL, ''],
    ['firewall-cmd --list-se', 0, 'cockpit dhcpv6-client ssh\n', ''],
    ['firewall-cmd --list-al', 2, '', `${USAGE}firewall-cmd: error: ambiguous option: --list-al could match --list-all, --list-all-zones, --list-all-policies\n`],
    ['firewall-cmd --permanent --list-all', 0, LIST_ALL.replace('public (active)', 'public').replace('interfaces: eth0', 'interfaces: '), ''],
    ['firewall-cmd --list-services', 0, 'cockpit dhcpv6-client ssh\n', ''],
    ['firewall-cmd --list-ports', 0, '\n', ''],
    ['firewall-cmd --list-protocols', 0, '\n', ''],
    ['firewall-cmd --query-service=ssh', 0, 'yes\n', ''],
    ['firewall-cmd --query-service=http', 1, 'no\n', ''],
    ['firewall-cmd --query-service=ssh --query-service=http', 0, "'ssh': yes\n'http': no\n", ''],
    ['firewall-cmd --query-port=80/tcp', 1, 'no\n', ''],
    ['firewall-cmd --add-service=http', 0, 'success\n', ''],
    ['firewall-cmd --remove-service=http', 0, 'success\n', "Warning: NOT_ENABLED: 'http' not in 'public'\n"],
    ['firewall-cmd --add-service=ssh', 0, 'success\n', "Warning: ALREADY_ENABLED: 'ssh' already in 'public'\n"],
    ['firewall-cmd --permanent --add-service=ssh', 0, 'success\n', 'Warning: ALREADY_ENABLED: ssh\n'],
    ['firewall-cmd --permanent --remove-service=http', 0, 'success\n', 'Warning: NOT_ENABLED: http\n'],
    ['firewall-cmd --add-service=htp', 101, '', 'Error: INVALID_SERVICE: htp\n'],
    ['firewall-cmd --permanent --add-service=htp', 101, '', "Error: INVALID_SERVICE: Zone 'public': 'htp' not among existing services\n"],
    ['firewall-cmd --add-service=htp --add-service=http', 0, 'success\n', 'Warning: INVALID_SERVICE: htp\n'],
    ['firewall-cmd --add-service=htp --add-service=ftpx', 101, '', 'Warning: INVALID_SERVICE: htp\nWarning: INVALID_SERVICE: ftpx\n'],
    ['firewall-cmd --add-port=80', 102, '', 'Error: INVALID_PORT: bad port (most likely missing protocol), correct syntax is portid[-portid]/protocol\n'],
    ['firewall-cmd --add-port=99999/tcp', 102, '', 'Error: INVALID_PORT: 99999\n'],
    ['firewall-cmd --add-port=90-80/tcp', 0, 'success\n', ''],
    ['firewall-cmd --add-port=80/tpc', 103, '', "Error: INVALID_PROTOCOL: 'tpc' not in {'tcp'|'udp'|'sctp'|'dccp'}\n"],
    ['firewall-cmd --add-port=80/tcp --add-port=x/tcp', 0, 'success\n', 'Warning: INVALID_PORT: x\n'],
    ['firewall-cmd --remove-port=80/tcp', 0, 'success\n', "Warning: NOT_ENABLED: '80:tcp' not in 'public'\n"],
    ['firewall-cmd --add-protocol=vrrp', 0, 'success\n', ''],
    ['firewall-cmd --add-protocol=bogus', 103, '', 'Error: INVALID_PROTOCOL: bogus\n'],
    ['firewall-cmd --remove-protocol=vrrp', 0, 'success\n', "Warning: NOT_ENABLED: 'vrrp' not in 'public'\n"],
    ['firewall-cmd --zone=foo --add-service=http', 112, '', 'Error: INVALID_ZONE: foo\n'],
    ['firewall-cmd --zone=public --get-default-zone', 2, '', `${USAGE}Can't use stand-alone options with other options.\n`],
    ['firewall-cmd --permanent --reload', 2, '', `${USAGE}Can't use stand-alone options with other options.\n`],
    ['firewall-cmd --permanent', 2, '', `State: running\n\nNo options specified\n${USAGE}`],
    ['firewall-cmd -q --list-all', 2, '', "-q/--quiet can't be used with this option(s)\n"],
    ['firewall-cmd -q --add-service=http', 0, '', ''],
    ['firewall-cmd --state --reload', 2, '', `${USAGE}firewall-cmd: error: argument --reload: not allowed with argument --state\n`],
    ['firewall-cmd --add-service=http --add-port=80/tcp', 2, '', `${USAGE}firewall-cmd: error: argument --add-port: not allowed with argument --add-service\n`],
    ['firewall-cmd --add-service', 2, '', `${USAGE}firewall-cmd: error: argument --add-service: expected one argument\n`],
    ['firewall-cmd --state=yes', 2, '', `${USAGE}firewall-cmd: error: argument --state: ignored explicit argument 'yes'\n`],
    ['firewall-cmd --add-services=http', 2, '', `${USAGE}firewall-cmd: error: unrecognized arguments: --add-services=http\n`],
    ['firewall-cmd --list-all extra', 2, '', `${USAGE}firewall-cmd: error: unrecognized arguments: extra\n`],
    ['firewall-cmd --get', 2, '', expect.stringContaining('firewall-cmd: error: ambiguous option: --get could match --get-default-zone, --get-zones,') as unknown as string],
  ];
  it.each(rows)('%s', (line, status, stdout, stderr) => {
    expect(kit().run('RS1', line)).toMatchObject({ status, stdout, stderr });
  });

  it('refuses the options it does not model in its own words', () => {
    const r = kit().run('RS1', 'firewall-cmd --add-masquerade');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("firewall-cmd: --add-masquerade is not modelled in this lab (it models the public zone's services, ports and protocols; see firewall-cmd --help)\n");
  });

  it('coalesces and breaks port ranges as firewalld does', () => {
    const k = kit();
    expect(k.run('RS1', 'firewall-cmd --add-port=8080/tcp').stdout).toBe('success\n');
    expect(k.run('RS1', 'firewall-cmd --add-port=8081-8090/tcp').stdout).toBe('success\n');
    expect(k.run('RS1', 'firewall-cmd --add-port=53/udp').stdout).toBe('success\n');
    expect(k.run('RS1', 'firewall-cmd --list-ports').stdout).toBe('8080/tcp 8081-8090/tcp 53/udp\n');
    expect(k.run('RS1', 'firewall-cmd --add-port=8085/tcp')).toMatchObject({ stderr: "Warning: ALREADY_ENABLED: '8085:tcp' already in 'public'\n" });
    expect(k.run('RS1', 'firewall-cmd --add-port=8070-8080/tcp').stdout).toBe('success\n');
    expect(k.run('RS1', 'firewall-cmd --list-ports').stdout).toBe('8070-8080/tcp 8081-8090/tcp 53/udp\n');
    expect(k.run('RS1', 'firewall-cmd --remove-port=8085/tcp').stdout).toBe('success\n');
    expect(k.run('RS1', 'firewall-cmd --list-ports').stdout).toBe('8070-8080/tcp 8081-8084/tcp 8086-8090/tcp 53/udp\n');
    expect(k.run('RS1', 'firewall-cmd --query-port=8088/tcp').stdout).toBe('yes\n');
  });

  it('--permanent writes /etc/firewalld/zones/public.xml as firewalld does; the running rules change on --reload', () => {
    const k = kit();
    const fs = k.host('RS1').fs;
    expect(() => fs.readFile('/etc/firewalld/zones/public.xml')).toThrow();
    expect(k.run('RS1', 'firewall-cmd --permanent --add-service=http').stdout).toBe('success\n');
    expect(k.run('RS1', 'firewall-cmd --permanent --add-port=8080/tcp').stdout).toBe('success\n');
    expect(k.run('RS1', 'firewall-cmd --add-protocol=vrrp --permanent').stdout).toBe('success\n');
    expect(fs.readFile('/etc/firewalld/zones/public.xml')).toBe(`<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>Public</short>
  <description>For use in public areas. You do not trust the other computers on networks to not harm your computer. Only selected incoming connections are accepted.</description>
  <service name="ssh"/>
  <service name="dhcpv6-client"/>
  <service name="cockpit"/>
  <service name="http"/>
  <port port="8080" protocol="tcp"/>
  <protocol value="vrrp"/>
  <forward/>
</zone>
`);
    expect(fs.readFile('/etc/firewalld/zones/public.xml.old')).toContain('<port port="8080" protocol="tcp"/>\n  <forward/>');
    expect(k.run('RS1', 'firewall-cmd --permanent --list-services').stdout).toBe('cockpit dhcpv6-client http ssh\n');
    expect(k.run('RS1', 'firewall-cmd --list-services').stdout).toBe('cockpit dhcpv6-client ssh\n');
    expect(connect(k, 80).error).toBe('EHOSTUNREACH');
    expect(k.run('RS1', 'firewall-cmd --reload').stdout).toBe('success\n');
    expect(k.run('RS1', 'firewall-cmd --list-services').stdout).toBe('cockpit dhcpv6-client http ssh\n');
    expect(k.run('RS1', 'firewall-cmd --list-protocols').stdout).toBe('vrrp\n');
    expect(connect(k, 80).state).toBe('ESTABLISHED');
  });

  it('runtime changes apply at once and are lost on --reload and restart; --runtime-to-permanent keeps them', () => {
    const k = kit();
    expect(connect(k, 80).error).toBe('EHOSTUNREACH');
    k.run('RS1', 'firewall-cmd --add-service=http');
    expect(connect(k, 80).state).toBe('ESTABLISHED');
    k.run('RS1', 'firewall-cmd --reload');
    expect(connect(k, 80).error).toBe('EHOSTUNREACH');
    k.run('RS1', 'firewall-cmd --add-port=80/tcp');
    expect(connect(k, 80).state).toBe('ESTABLISHED');
    k.run('RS1', 'systemctl restart firewalld');
    expect(connect(k, 80).error).toBe('EHOSTUNREACH');
    k.run('RS1', 'firewall-cmd --add-service=http');
    expect(k.run('RS1', 'firewall-cmd --runtime-to-permanent')).toMatchObject({ status: 0, stdout: 'success\n' });
    k.run('RS1', 'systemctl restart firewalld');
    expect(connect(k, 80).state).toBe('ESTABLISHED');
    expect(Firewalld.of(k.host('RS1'))!.query('service', 'http')).toBe(true);
    k.run('RS1', 'systemctl stop firewalld');
    expect(Firewalld.of(k.host('RS1'))).toBeNull();
  });
});

describe('Tab completion', () => {
  it('completes firewall-cmd, getenforce, setenforce and sestatus from the registry', async () => {
    const { LabSession } = await import('../session.ts');
    const s = LabSession.fromPreset('nat', { output: () => {}, prompt: () => {} });
    expect(s.complete('RS1', 'firewall-c', 10).candidates).toContain('firewall-cmd');
    expect(s.complete('RS1', 'getenf', 6).candidates).toContain('getenforce');
    expect(s.complete('RS1', 'setenf', 6).candidates).toContain('setenforce');
    expect(s.complete('RS1', 'sestat', 6).candidates).toContain('sestatus');
  });
});
