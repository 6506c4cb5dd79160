import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShellSignal } from '../types.ts';
import { systemCommands } from './system.ts';
import { SysKit } from './system.testkit.ts';

const WORDS = [
  // verbs and subcommands
  'start', 'stop', 'restart', 'reload', 'status', 'enable', 'disable', 'mask', 'unmask', 'is-active', 'is-enabled', 'is-failed',
  'list-units', 'list-unit-files', 'cat', 'show', 'daemon-reload', 'reset-failed', 'try-restart', 'reload-or-restart', 'list-timers',
  'install', 'remove', 'reinstall', 'list', 'info', 'search', 'provides', 'repolist', 'makecache', 'clean', 'all', 'check-update',
  'upgrade', 'autoremove', 'history', 'installed', 'available', 'set-hostname', 'hostname', 'chassis', 'now', '+1', '12:30',
  // options
  '-y', '-n', '-q', '-a', '-l', '-r', '-f', '-k', '-b', '-e', '-x', '-o', '-p', '-t', '-u', '-I', '-i', '-s', '-h', '-v', '-T', '-C',
  '--all', '--now', '--type=service', '--type', '--state=failed', '--value', '-p', '--property=ActiveState', '--no-pager', '--full',
  '--since', '--until', '-1', '0', '--list-boots', '--lines=3', '-n3', 'err', 'warning..err', 'cat', 'short-iso', 'json',
  '--assumeno', '--setopt=install_weak_deps=False', '--help', '--version', '--bogus', '-Z', '--', '-', '=',
  // objects
  'httpd', 'sshd', 'firewalld', 'ipvsadm', 'keepalived', 'mod_ssl', 'tcpdump', 'vim', 'nc', 'foo', 'foo.service', 'multi-user.target',
  'ip_vs', 'ip_vs_rr', 'ipip', 'tunl0', 'nosuch', '*', 'http*', '/usr/sbin/ipvsadm', 'yesterday', '5 min ago', '2024-05-14',
  'web-01', 'a..b', '', ' ', '\u00e9', 'x'.repeat(80),
];

const NAMES = ['systemctl', 'journalctl', 'dmesg', 'dnf', 'yum', 'rpm', 'hostnamectl', 'hostname', 'modprobe', 'lsmod', 'rmmod', 'insmod',
  'modinfo', 'reboot', 'poweroff', 'halt', 'shutdown'];

describe('system commands never throw', () => {
  it('registers every command once', () => {
    const names = systemCommands.map((c) => c.name).sort();
    expect(names).toEqual([...NAMES].sort());
  });

  for (const name of NAMES) {
    it(`${name}: random argument vectors give a status, never an exception`, () => {
      const k = new SysKit('nat');
      fc.assert(fc.property(
        fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.string({ maxLength: 12 })), { maxLength: 6 }),
        fc.constantFrom('lvs', 'RS1'),
        fc.oneof(fc.constant(''), fc.constant('y\n'), fc.string({ maxLength: 8 })),
        (args, host, stdin) => {
          const h = k.host(host);
          if (!h.powered) k.lab.runUntil(undefined, k.lab.now + 10_000_000);
          if (!h.powered) { h.powerOn(); h.sd.boot(); }
          const r = k.run(host, [name, ...args], { stdin });
          expect(Number.isInteger(r.status)).toBe(true);
          expect(r.status).toBeGreaterThanOrEqual(0);
          if (r.signal) expect(r.signal).toBeInstanceOf(ShellSignal);
        },
      ), { numRuns: name === 'reboot' || name === 'shutdown' || name === 'halt' || name === 'poweroff' ? 25 : 120, seed: 20240514 });
    });
  }
});
