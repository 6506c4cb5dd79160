import { describe, expect, it } from 'vitest';
import { rebootMachine } from '../../core/lab/power.ts';
import { SELINUX_CONFIG } from '../../core/services/selinux.ts';
import { selinuxCommands } from './selinuxutils.ts';
import { SysKit } from './system.testkit.ts';

const ENFORCING = `SELinux status:                 enabled
SELinuxfs mount:                /sys/fs/selinux
SELinux root directory:         /etc/selinux
Loaded policy name:             targeted
Current mode:                   enforcing
Mode from config file:          enforcing
Policy MLS status:              enabled
Policy deny_unknown status:     allowed
Memory protection checking:     actual (secure)
Max kernel policy version:      33
`;

const kit = () => new SysKit('nat', selinuxCommands);

function reboot(k: SysKit, host: string): void {
  const at = rebootMachine(k.host(host));
  k.lab.runUntil(undefined, at + 1_000_000);
}

type Row = [setup: string[], line: string, status: number, stdout: string, stderr: string];

describe('getenforce / setenforce / sestatus', () => {
  const rows: Row[] = [
    [[], 'getenforce', 0, 'Enforcing\n', ''],
    [['setenforce 0'], 'getenforce', 0, 'Permissive\n', ''],
    [['setenforce Permissive'], 'getenforce', 0, 'Permissive\n', ''],
    [['setenforce 0', 'setenforce 1'], 'getenforce', 0, 'Enforcing\n', ''],
    [['setenforce permissive', 'setenforce ENFORCING'], 'getenforce', 0, 'Enforcing\n', ''],
    [[], 'setenforce', 1, '', 'usage:  setenforce [ Enforcing | Permissive | 1 | 0 ]\n'],
    [[], 'setenforce 2', 1, '', 'usage:  setenforce [ Enforcing | Permissive | 1 | 0 ]\n'],
    [[], 'setenforce 0 1', 1, '', 'usage:  setenforce [ Enforcing | Permissive | 1 | 0 ]\n'],
    [[], 'setenforce off', 1, '', 'usage:  setenforce [ Enforcing | Permissive | 1 | 0 ]\n'],
    [[], 'sestatus', 0, ENFORCING, ''],
    [['setenforce 0'], 'sestatus', 0, ENFORCING.replace('Current mode:                   enforcing', 'Current mode:                   permissive'), ''],
    [[], 'sestatus -x', 255, '\nUsage: sestatus [OPTION]\n\n  -v  Verbose check of process and file contexts.\n  -b  Display current state of booleans.\n\nWithout options, show SELinux status.\n', "sestatus: invalid option -- 'x'\n"],
  ];
  it.each(rows)('%j then %s', (setup, line, status, stdout, stderr) => {
    const k = kit();
    for (const s of setup) expect(k.run('RS1', s).status).toBe(0);
    expect(k.run('RS1', line)).toMatchObject({ status, stdout, stderr });
  });

  it('the mode is per host', () => {
    const k = kit();
    k.run('RS1', 'setenforce 0');
    expect(k.run('RS1', 'getenforce').stdout).toBe('Permissive\n');
    expect(k.run('RS2', 'getenforce').stdout).toBe('Enforcing\n');
  });

  it('/etc/selinux/config is RHEL 9\'s and counts only at boot; setenforce does not survive a reboot', () => {
    const k = kit();
    const fs = k.host('RS1').fs;
    expect(fs.readFile('/etc/selinux/config')).toBe(SELINUX_CONFIG);
    expect(SELINUX_CONFIG).toContain('\nSELINUX=enforcing\n');
    k.run('RS1', 'setenforce 0');
    reboot(k, 'RS1');
    expect(k.run('RS1', 'getenforce').stdout).toBe('Enforcing\n');

    fs.install('/etc/selinux/config', SELINUX_CONFIG.replace('SELINUX=enforcing', 'SELINUX=disabled'));
    expect(k.run('RS1', 'getenforce').stdout).toBe('Enforcing\n');
    expect(k.run('RS1', 'sestatus').stdout).toContain('Mode from config file:          disabled\n');
    reboot(k, 'RS1');
    expect(k.run('RS1', 'getenforce')).toMatchObject({ status: 0, stdout: 'Disabled\n' });
    expect(k.run('RS1', 'sestatus')).toMatchObject({ status: 0, stdout: 'SELinux status:                 disabled\n' });
    expect(k.run('RS1', 'setenforce 0')).toMatchObject({ status: 1, stderr: 'setenforce: SELinux is disabled\n' });
    expect(k.run('RS1', 'setenforce')).toMatchObject({ status: 1, stderr: 'usage:  setenforce [ Enforcing | Permissive | 1 | 0 ]\n' });

    fs.install('/etc/selinux/config', SELINUX_CONFIG.replace('SELINUX=enforcing', 'SELINUX=permissive'));
    reboot(k, 'RS1');
    expect(k.run('RS1', 'getenforce').stdout).toBe('Permissive\n');
    expect(k.run('RS2', 'getenforce').stdout).toBe('Enforcing\n');
  });

  it('a missing config boots enforcing and sestatus says so', () => {
    const k = kit();
    k.host('RS1').fs.unlink('/etc/selinux/config');
    reboot(k, 'RS1');
    expect(k.run('RS1', 'getenforce').stdout).toBe('Enforcing\n');
    expect(k.run('RS1', 'sestatus').stdout).toContain('Mode from config file:          error (No such file or directory)\n');
  });
});
