import { describe, expect, it } from 'vitest';
import { SysKit } from './system.testkit.ts';

describe('modprobe / lsmod / rmmod', () => {
  it('loads a module with its dependencies and shows them in lsmod', () => {
    const k = new SysKit('dr');
    expect(k.run('lvs', 'modprobe ip_vs_rr')).toMatchObject({ status: 0, all: '' });
    const ls = k.run('lvs', 'lsmod').stdout.split('\n');
    expect(ls.slice(0, 7)).toEqual([
      'Module                  Size  Used by',
      'ip_vs_rr               12288  0',
      'ip_vs                 237568  1 ip_vs_rr',
      'nf_conntrack          188416  1 ip_vs',
      'nf_defrag_ipv4         16384  1 nf_conntrack',
      'nf_defrag_ipv6         24576  2 ip_vs,nf_conntrack',
      'rfkill                 36864  1',
    ]);
    expect(ls).toContain('libcrc32c              16384  3 ip_vs,nf_conntrack,xfs');
  });

  it('ipip creates tunl0; removing it removes tunl0 and unused dependencies', () => {
    const k = new SysKit('tun');
    const rs1 = k.host('RS1');
    expect(rs1.dev('tunl0')).toBeUndefined();
    k.run('RS1', 'modprobe ipip');
    expect(rs1.dev('tunl0')).toBeDefined();
    expect(k.run('RS1', 'modprobe -r ip_tunnel')).toMatchObject({ status: 1, stderr: 'modprobe: FATAL: Module ip_tunnel is in use.\n' });
    expect(k.run('RS1', 'rmmod tunnel4')).toMatchObject({ status: 1, stderr: 'rmmod: ERROR: Module tunnel4 is in use by: ipip\n' });
    expect(k.run('RS1', 'modprobe -r ipip').status).toBe(0);
    expect(rs1.dev('tunl0')).toBeUndefined();
    expect(k.run('RS1', 'lsmod').stdout).not.toContain('tunnel4');
    expect(k.run('RS1', 'modprobe -r ipip')).toMatchObject({ status: 1, stderr: 'modprobe: FATAL: Module ipip is not in kernel.\n' });
  });

  it('reports unknown modules and usage errors as kmod does', () => {
    const k = new SysKit('dr');
    expect(k.run('lvs', 'modprobe nosuch')).toMatchObject({ status: 1, stderr: 'modprobe: FATAL: Module nosuch not found in directory /lib/modules/5.14.0-427.13.1.el9_4.x86_64\n' });
    expect(k.run('lvs', 'modprobe')).toMatchObject({ status: 1, stderr: 'modprobe: ERROR: missing parameters. See -h.\n' });
    expect(k.run('lvs', 'rmmod ip_vs')).toMatchObject({ status: 1, stderr: 'rmmod: ERROR: Module ip_vs is not currently loaded\n' });
    expect(k.run('lvs', 'modinfo ip_vs').stdout).toContain('description:    IP Virtual Server\n');
    expect(k.run('lvs', 'lsmod x')).toMatchObject({ status: 1, stderr: 'Usage: lsmod\n' });
  });
});
