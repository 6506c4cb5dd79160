import { describe, expect, it } from 'vitest';
import { powerOffMachine, powerOnMachine, rebootMachine, REBOOT_DOWNTIME } from '../../core/lab/power.ts';
import { ip } from '../../core/wire/types.ts';
import { PowerSignal } from './power.ts';
import { SysKit } from './system.testkit.ts';

const addrsOf = (k: SysKit, host: string, dev: string) =>
  k.host(host).dev(dev)!.addrs.map((a) => `${a.addr >>> 24}.${(a.addr >>> 16) & 255}.${(a.addr >>> 8) & 255}.${a.addr & 255}/${a.prefix}`);

describe('reboot', () => {
  it('loses runtime state (ip addr add, sysctl -w, modules) and keeps what is in files', () => {
    const k = new SysKit('dr');
    k.sleep(60);
    const lvs = k.host('lvs');
    lvs.addAddr('eth0', ip('192.168.137.254'), 32);
    lvs.sysctl.set('net.ipv4.conf.all.arp_ignore', '1');
    lvs.fs.writeFile('/etc/sysctl.conf', lvs.fs.readFile('/etc/sysctl.conf') + 'net.ipv4.ip_forward = 1\n');
    k.run('lvs', 'modprobe ipip');
    expect(lvs.dev('tunl0')).toBeDefined();
    lvs.fs.writeFile('/run/marker', 'x');
    expect(addrsOf(k, 'lvs', 'eth0')).toEqual(['192.168.137.100/24', '192.168.137.254/32']);
    const bootsBefore = lvs.sd.bootCount;
    const t0 = k.lab.now;

    const r = k.run('lvs', 'reboot');
    expect(r.all).toBe('');
    expect(r.signal).toBeInstanceOf(PowerSignal);
    expect((r.signal as PowerSignal).action).toBe('reboot');
    expect(r.status).toBe(137);
    // The command returns once the machine is up again.
    expect(k.lab.now - t0).toBeGreaterThanOrEqual(REBOOT_DOWNTIME);
    expect(lvs.powered).toBe(true);
    expect(lvs.sd.bootCount).toBe(bootsBefore + 1);

    expect(addrsOf(k, 'lvs', 'eth0')).toEqual(['192.168.137.100/24']);
    expect(addrsOf(k, 'lvs', 'lo')).toEqual(['127.0.0.1/8']);
    expect(lvs.sysctl.get('net.ipv4.conf.all.arp_ignore')).toBe('0');
    expect(lvs.sysctl.get('net.ipv4.ip_forward')).toBe('1');
    expect(lvs.dev('tunl0')).toBeUndefined();
    expect(lvs.modules.size).toBe(0);
    expect(lvs.fs.exists('/run/marker')).toBe(false);
    expect(lvs.routes.routes.some((r2) => r2.dst === 0 && r2.gw === ip('192.168.137.140'))).toBe(true);
    expect(k.run('lvs', 'systemctl is-active sshd NetworkManager').stdout).toBe('active\nactive\n');

    const boots = k.run('lvs', 'journalctl --list-boots').stdout.split('\n');
    expect(boots[1]).toMatch(/^ -1 [0-9a-f]{32} Tue 2024-05-14 08:00:00 UTC Tue 2024-05-14 08:01:00 UTC$/);
    expect(boots[2]).toMatch(/^  0 [0-9a-f]{32} Tue 2024-05-14 08:01:08 UTC Tue 2024-05-14 08:01:08 UTC$/);
    const prev = k.run('lvs', 'journalctl -b -1 -o cat').stdout;
    expect(prev).toContain('System is rebooting.\n');
    expect(prev).toContain('Stopping OpenSSH server daemon...\n');
    expect(prev.endsWith('reboot: Restarting system\n')).toBe(true);
    expect(k.run('lvs', 'journalctl -b -o cat -n 1').stdout).toBe('Startup finished in 1.103s (kernel) + 2.514s (initrd) + 6.217s (userspace) = 9.835s.\n');
  });

  it('brings a real server back serving (httpd enabled) and keeps a transient hostname only until then', () => {
    const k = new SysKit('nat');
    k.sleep(10);
    const rs1 = k.host('RS1');
    k.run('RS1', 'hostname web1');
    expect(rs1.hostname).toBe('web1');
    k.run('RS1', 'reboot');
    expect(rs1.hostname).toBe('RS1');
    expect(rs1.tcp.allListeners().map((l) => l.port).sort()).toEqual([22, 80]);
    k.run('RS1', 'hostnamectl set-hostname web1');
    k.run('RS1', 'reboot');
    expect(rs1.hostname).toBe('web1');
    expect(k.run('RS1', 'systemctl status httpd').stdout).toContain('Active: active (running) since Tue 2024-05-14 08:00:26 UTC; now\n');
  });

  it('poweroff leaves the machine off until powered on; a stopped unit is forgotten', () => {
    const k = new SysKit('nat');
    k.run('lvs', 'systemctl start firewalld');
    const r = k.run('lvs', 'poweroff');
    expect(r.signal).toBeInstanceOf(PowerSignal);
    const lvs = k.host('lvs');
    expect(lvs.powered).toBe(false);
    expect(lvs.dev('eth0')!.addrs).toEqual([]);
    k.sleep(30);
    expect(lvs.powered).toBe(false);
    powerOnMachine(lvs);
    expect(lvs.powered).toBe(true);
    expect(addrsOf(k, 'lvs', 'eth1')).toEqual(['192.168.137.100/24']);
    expect(k.run('lvs', 'systemctl status firewalld').stdout.split('\n')[2]).toBe('     Active: inactive (dead)');
  });

  it('shutdown schedules, shows and cancels; shutdown -r now reboots', () => {
    const k = new SysKit('nat');
    expect(k.run('lvs', 'shutdown -r +2').stderr).toBe("Reboot scheduled for Tue 2024-05-14 08:02:00 UTC, use 'shutdown -c' to cancel.\n");
    expect(k.run('lvs', 'shutdown --show').stderr).toBe("Reboot scheduled for Tue 2024-05-14 08:02:00 UTC, use 'shutdown -c' to cancel.\n");
    expect(k.run('lvs', 'shutdown -c').status).toBe(0);
    expect(k.run('lvs', 'shutdown --show')).toMatchObject({ status: 1, stderr: 'No scheduled shutdown.\n' });
    k.run('lvs', 'shutdown +1');
    k.sleep(61);
    expect(k.host('lvs').powered).toBe(false);
    const k2 = new SysKit('nat');
    const r = k2.run('lvs', 'shutdown -r now');
    expect((r.signal as PowerSignal).action).toBe('reboot');
    expect(k2.host('lvs').sd.bootCount).toBe(2);
    expect(k2.run('lvs', 'shutdown tomorrow')).toMatchObject({ status: 1, stderr: 'Failed to parse time specification: tomorrow\n' });
    expect(k2.run('lvs', 'reboot --bogus')).toMatchObject({ status: 1, stderr: "reboot: unrecognized option '--bogus'\n" });
  });

  it('the UI can power-cycle and reboot machines through core/lab/power.ts', () => {
    const k = new SysKit('nat');
    const rs2 = k.host('RS2');
    powerOffMachine(rs2, { graceful: false });
    expect(rs2.powered).toBe(false);
    expect(rs2.sd.journal.at(-1)!.msg).not.toContain('reboot:');
    powerOnMachine(rs2);
    const up = rebootMachine(rs2);
    expect(rs2.powered).toBe(false);
    k.lab.runUntil(undefined, up);
    expect(rs2.powered).toBe(true);
    expect(rs2.sd.bootCount).toBe(3);
  });
});
