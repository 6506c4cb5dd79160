import { describe, expect, it } from 'vitest';
import { hostnameCleanup, hostnameIsValid } from './hostnamectl.ts';
import { SysKit } from './system.testkit.ts';

describe('hostnamectl', () => {
  it('prints the status in its RHEL 9 layout', () => {
    const k = new SysKit('nat');
    const bootId = k.host('lvs').sd.bootId();
    const mid = k.host('lvs').fs.readFile('/etc/machine-id').trim();
    expect(k.run('lvs', 'hostnamectl').stdout).toBe(` Static hostname: lvs
       Icon name: computer-vm
         Chassis: vm 🖴
      Machine ID: ${mid}
         Boot ID: ${bootId}
  Virtualization: vmware
Operating System: Red Hat Enterprise Linux 9.4 (Plow)
     CPE OS Name: cpe:/o:redhat:enterprise_linux:9::baseos
          Kernel: Linux 5.14.0-427.13.1.el9_4.x86_64
    Architecture: x86-64
 Hardware Vendor: VMware, Inc.
  Hardware Model: VMware Virtual Platform
Firmware Version: 6.00
`);
    expect(bootId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('set-hostname writes /etc/hostname and changes the live name; hostname NAME is transient', () => {
    const k = new SysKit('nat');
    expect(k.run('lvs', 'hostnamectl set-hostname director1')).toMatchObject({ status: 0, all: '' });
    const h = k.host('lvs');
    expect(h.hostname).toBe('director1');
    expect(h.fs.readFile('/etc/hostname')).toBe('director1\n');
    expect(k.run('lvs', 'hostnamectl hostname').stdout).toBe('director1\n');
    k.run('lvs', 'hostname tmpname');
    const st = k.run('lvs', 'hostnamectl').stdout.split('\n');
    expect(st.slice(0, 2)).toEqual(['   Static hostname: director1', 'Transient hostname: tmpname']);
    expect(k.run('lvs', 'hostnamectl --static').stdout).toBe('director1\n');
    expect(k.run('lvs', 'hostname')).toMatchObject({ stdout: 'tmpname\n' });
    // A name that is not valid becomes the pretty name; the static one is cleaned up.
    k.run('lvs', 'hostnamectl set-hostname "LVS Director!"');
    expect(h.fs.readFile('/etc/hostname')).toBe('LVSDirector\n');
    expect(k.run('lvs', 'hostnamectl').stdout.split('\n').slice(0, 2)).toEqual([' Static hostname: LVSDirector', ' Pretty hostname: LVS Director!']);
    expect(k.run('lvs', 'hostnamectl set-hostname')).toMatchObject({ status: 1, stderr: 'Too few arguments.\n' });
    expect(k.run('lvs', 'hostnamectl frob')).toMatchObject({ status: 1, stderr: 'Unknown command verb frob.\n' });
  });

  it('validates names like systemd', () => {
    expect(hostnameIsValid('RS1')).toBe(true);
    expect(hostnameIsValid('a.b-c_d')).toBe(true);
    expect(hostnameIsValid('a..b')).toBe(false);
    expect(hostnameIsValid('x'.repeat(65))).toBe(false);
    expect(hostnameCleanup('..My Host..lab.')).toBe('MyHost.lab');
  });
});

describe('hostname', () => {
  it('prints addresses and names, refuses bad names', () => {
    const k = new SysKit('nat');
    expect(k.run('lvs', 'hostname -I').stdout).toBe('192.168.1.100 192.168.137.100 \n');
    expect(k.run('lvs', 'hostname -i').stdout).toBe('192.168.1.100 192.168.137.100 \n');
    expect(k.run('lvs', 'hostname -s').stdout).toBe('lvs\n');
    expect(k.run('lvs', 'hostname -d').stdout).toBe('\n');
    expect(k.run('lvs', 'hostname bad_name!')).toMatchObject({ status: 1, stderr: 'hostname: the specified hostname is invalid\n' });
    expect(k.run('lvs', 'hostname -Z').status).toBe(4);
  });
});
