import { describe, expect, it } from 'vitest';
import { SysKit } from './system.testkit.ts';

function kit(): SysKit {
  const k = new SysKit('nat');
  k.sleep(300);
  return k;
}

const HEAD = `Updating Subscription Management repositories.
Last metadata expiration check: 0:17:34 ago on Tue 14 May 2024 07:47:26 AM UTC.
`;

describe('dnf install', () => {
  it('installs ipvsadm with the full transaction output, taking virtual time', () => {
    const k = kit();
    const t0 = k.lab.now;
    const r = k.run('lvs', 'dnf install ipvsadm -y');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${HEAD}Dependencies resolved.
================================================================================
 Package    Arch      Version         Repository                           Size
================================================================================
Installing:
 ipvsadm    x86_64    1.31-6.el9      rhel-9-for-x86_64-appstream-rpms     54 k

Transaction Summary
================================================================================
Install  1 Package

Total download size: 54 k
Installed size: 88 k
Downloading Packages:
ipvsadm-1.31-6.el9.x86_64.rpm                   478 kB/s |  54 kB     00:00    
--------------------------------------------------------------------------------
Total                                           478 kB/s |  54 kB     00:00     
Running transaction check
Transaction check succeeded.
Running transaction test
Transaction test succeeded.
Running transaction
  Preparing        :                                                        1/1 
  Installing       : ipvsadm-1.31-6.el9.x86_64                              1/1 
  Running scriptlet: ipvsadm-1.31-6.el9.x86_64                              1/1 
  Verifying        : ipvsadm-1.31-6.el9.x86_64                              1/1 
Installed products updated.

Installed:
  ipvsadm-1.31-6.el9.x86_64                                                     

Complete!
`);
    const h = k.host('lvs');
    expect(h.packages.has('ipvsadm')).toBe(true);
    expect(h.fs.exists('/usr/sbin/ipvsadm')).toBe(true);
    expect(h.fs.readFile('/etc/sysconfig/ipvsadm-config')).toContain('IPVS_MODULES_UNLOAD="yes"');
    const elapsed = k.lab.now - t0;
    expect(elapsed).toBeGreaterThan(300_000);
    expect(elapsed).toBeLessThan(5_000_000);
    expect(k.run('lvs', 'rpm -q ipvsadm').stdout).toBe('ipvsadm-1.31-6.el9.x86_64\n');
  });

  it('installs mod_ssl with its dependency, certificates and ssl.conf; httpd then listens on 443', () => {
    const k = kit();
    const r = k.run('RS1', 'dnf install mod_ssl -y');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Dependencies resolved.
================================================================================
 Package   Arch     Version            Repository                          Size
================================================================================
Installing:
 mod_ssl   x86_64   1:2.4.57-8.el9     rhel-9-for-x86_64-appstream-rpms   109 k
Installing dependencies:
 sscg      x86_64   3.0.0-7.el9        rhel-9-for-x86_64-appstream-rpms    46 k

Transaction Summary
================================================================================
Install  2 Packages

Total download size: 155 k
Installed size: 365 k
Downloading Packages:
(1/2): mod_ssl-2.4.57-8.el9.x86_64.rpm          800 kB/s | 109 kB     00:00    
(2/2): sscg-3.0.0-7.el9.x86_64.rpm              419 kB/s |  46 kB     00:00    
`);
    expect(r.stdout).toContain(`  Installing       : sscg-3.0.0-7.el9.x86_64                                1/2 
  Installing       : mod_ssl-1:2.4.57-8.el9.x86_64                          2/2 
  Verifying        : mod_ssl-1:2.4.57-8.el9.x86_64                          1/2 
  Verifying        : sscg-3.0.0-7.el9.x86_64                                2/2 
Installed products updated.

Installed:
  mod_ssl-1:2.4.57-8.el9.x86_64             sscg-3.0.0-7.el9.x86_64            

Complete!
`);
    const h = k.host('RS1');
    expect(h.fs.readFile('/etc/pki/tls/certs/localhost.crt')).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(h.fs.stat('/etc/pki/tls/private/localhost.key').mode).toBe(0o600);
    expect(h.tcp.allListeners().some((l) => l.port === 443)).toBe(false);
    expect(k.run('RS1', 'systemctl restart httpd').status).toBe(0);
    expect(h.tcp.allListeners().some((l) => l.port === 443)).toBe(true);
  });

  it('says an installed package is already installed', () => {
    const k = kit();
    k.run('lvs', 'dnf install ipvsadm -y');
    const r = k.run('lvs', 'dnf install ipvsadm -y');
    expect(r).toMatchObject({
      status: 0, stderr: '',
      stdout: `${HEAD}Package ipvsadm-1.31-6.el9.x86_64 is already installed.\nDependencies resolved.\nNothing to do.\nComplete!\n`,
    });
  });

  it('fails on an unknown package', () => {
    const r = kit().run('lvs', 'dnf install foo -y');
    expect(r).toMatchObject({ status: 1, stdout: `${HEAD}No match for argument: foo\n`, stderr: 'Error: Unable to find a match: foo\n' });
  });

  it('asks before installing without -y; EOF or "n" aborts, "y" goes on, other answers ask again', () => {
    const k = kit();
    const eof = k.run('lvs', 'dnf install ipvsadm');
    expect(eof.status).toBe(1);
    expect(eof.all.endsWith('Installed size: 88 k\nIs this ok [y/N]: Operation aborted.\n')).toBe(true);
    expect(eof.stderr).toBe('Operation aborted.\n');
    expect(k.run('lvs', 'dnf install ipvsadm', { stdin: 'n\n' }).status).toBe(1);
    expect(k.host('lvs').packages.has('ipvsadm')).toBe(false);
    const yes = k.run('lvs', 'yum install ipvsadm', { stdin: 'maybe\ny\n' });
    expect(yes.status).toBe(0);
    expect(yes.stdout).toContain('Is this ok [y/N]: Is this ok [y/N]: Downloading Packages:\n');
    expect(k.host('lvs').packages.has('ipvsadm')).toBe(true);
  });

  it('installs the unit file of a package and applies its vendor preset', () => {
    const k = kit();
    k.run('lvs', 'dnf install httpd -y');
    const h = k.host('lvs');
    expect(h.fs.readFile('/usr/lib/systemd/system/httpd.service')).toContain('Description=The Apache HTTP Server\n');
    expect(k.run('lvs', 'systemctl is-enabled httpd').stdout).toBe('disabled\n');
    expect(k.run('lvs', 'systemctl start httpd').status).toBe(0);
    expect(k.run('lvs', 'rpm -q httpd mod_lua').stdout).toBe('httpd-2.4.57-8.el9.x86_64\nmod_lua-2.4.57-8.el9.x86_64\n');
  });
});

describe('dnf remove and queries', () => {
  it('removes a package with its dependents and unused dependencies', () => {
    const k = kit();
    k.run('lvs', 'dnf install keepalived -y');
    const r = k.run('lvs', 'dnf remove keepalived -y');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Removing:\n keepalived');
    expect(r.stdout).toContain('Removing unused dependencies:\n lm_sensors-libs');
    expect(r.stdout).toContain('Remove  5 Packages\n\nFreed space: 5.0 M\n');
    expect(k.host('lvs').packages.has('net-snmp-libs')).toBe(false);
    k.run('RS1', 'dnf install mod_ssl -y');
    const rs = k.run('RS1', 'dnf remove httpd -y');
    expect(rs.stdout).toContain('Removing:\n httpd ');
    expect(rs.stdout).toContain('Removing dependent packages:\n mod_ssl ');
    expect(rs.stdout).toContain('Removing unused dependencies:\n apr ');
    expect(k.host('RS1').fs.exists('/etc/systemd/system/multi-user.target.wants/httpd.service')).toBe(false);
    expect(k.run('RS1', 'systemctl status httpd').status).toBe(4);
  });

  it('says so when there is nothing to remove, refuses protected packages', () => {
    const k = kit();
    expect(k.run('lvs', 'dnf remove nothere')).toMatchObject({
      status: 0,
      stdout: 'Updating Subscription Management repositories.\nNo match for argument: nothere\nDependencies resolved.\nNothing to do.\nComplete!\n',
      stderr: 'No packages marked for removal.\n',
    });
    const r = k.run('lvs', 'dnf remove systemd -y');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('Error: \n Problem: The operation would result in removing the following protected packages: systemd\n');
  });

  it('lists, shows and searches packages', () => {
    const k = kit();
    expect(k.run('lvs', 'dnf list ipvsadm').stdout).toBe(`${HEAD}Available Packages\nipvsadm.x86_64            1.31-6.el9            rhel-9-for-x86_64-appstream-rpms\n`);
    expect(k.run('lvs', 'dnf list installed bash').stdout).toContain('Installed Packages\nbash.x86_64');
    expect(k.run('lvs', 'dnf list nosuch')).toMatchObject({ status: 1, stderr: 'Error: No matching Packages to list\n' });
    const info = k.run('lvs', 'dnf info ipvsadm').stdout;
    expect(info).toContain('Name         : ipvsadm\nVersion      : 1.31\nRelease      : 6.el9\nArchitecture : x86_64\nSize         : 54 k\n');
    const s = k.run('lvs', 'dnf search ipvsadm');
    expect(s.stdout).toBe('======================== Name Exactly Matched: ipvsadm =========================\nipvsadm.x86_64 : Utility to administer the Linux Virtual Server\n');
    expect(s.stderr).toBe(HEAD);
    expect(k.run('lvs', 'dnf repolist').stdout).toBe(`Updating Subscription Management repositories.
repo id                          repo name
rhel-9-for-x86_64-appstream-rpms Red Hat Enterprise Linux 9 for x86_64 - AppStream (RPMs)
rhel-9-for-x86_64-baseos-rpms    Red Hat Enterprise Linux 9 for x86_64 - BaseOS (RPMs)
`);
    expect(k.run('lvs', 'dnf provides /usr/sbin/ipvsadm').stdout).toContain('ipvsadm-1.31-6.el9.x86_64 : Utility to administer the Linux Virtual Server\n');
  });

  it('clean all forgets the metadata; the next command downloads it again', () => {
    const k = kit();
    expect(k.run('lvs', 'dnf clean all').stdout).toBe('Updating Subscription Management repositories.\n43 files removed\n');
    const r = k.run('lvs', 'dnf makecache');
    expect(r.stdout).toMatch(/^Updating Subscription Management repositories\.\nRed Hat Enterprise Linux 9 for x86_64 - AppStre +\d+ MB\/s \| +47 MB +00:0\d    \n/);
    expect(r.stdout).toContain('Last metadata expiration check: 0:00:00 ago on Tue 14 May 2024 08:05:03 AM UTC.\nMetadata cache created.\n');
  });

  it('rejects unknown commands', () => {
    expect(kit().run('lvs', 'dnf frob')).toMatchObject({
      status: 1, stderr: 'No such command: frob. Please use /usr/bin/dnf --help\nIt could be a DNF plugin command, try: "dnf install \'dnf-command(frob)\'"\n',
    });
  });
});

describe('rpm', () => {
  it('answers queries with rpm\'s words and exit codes', () => {
    const k = kit();
    expect(k.run('lvs', 'rpm -q ipvsadm')).toMatchObject({ status: 1, stdout: 'package ipvsadm is not installed\n' });
    expect(k.run('RS1', 'rpm -q httpd')).toMatchObject({ status: 0, stdout: 'httpd-2.4.57-8.el9.x86_64\n' });
    expect(k.run('RS1', 'rpm -qf /usr/sbin/httpd').stdout).toBe('httpd-2.4.57-8.el9.x86_64\n');
    expect(k.run('RS1', 'rpm -qf /etc/hosts')).toMatchObject({ status: 1, stdout: 'file /etc/hosts is not owned by any package\n' });
    expect(k.run('RS1', 'rpm -ql httpd').stdout).toContain('/usr/lib/systemd/system/httpd.service\n');
    expect(k.run('RS1', 'rpm -qa').stdout.split('\n')[0]).toBe('bash-5.1.8-9.el9.x86_64');
  });
});
