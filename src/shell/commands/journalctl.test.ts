import { describe, expect, it } from 'vitest';
import { parseTimespan, parseTimestamp } from './journalctl.ts';
import { SysKit } from './system.testkit.ts';

describe('journalctl', () => {
  it('-u UNIT after a restart, -n, -r, -o cat, -u with several units', () => {
    const k = new SysKit('nat');
    k.sleep(3600 + 120 + 5);
    k.run('RS1', 'systemctl restart httpd');
    expect(k.run('RS1', 'journalctl -u httpd -n 4').stdout).toBe(`May 14 09:02:05 RS1 systemd[1]: httpd.service: Consumed 1.960s CPU time.
May 14 09:02:05 RS1 systemd[1]: Starting The Apache HTTP Server...
May 14 09:02:05 RS1 httpd[1021]: Server configured, listening on: port 80
May 14 09:02:05 RS1 systemd[1]: Started The Apache HTTP Server.
`);
    expect(k.run('RS1', 'journalctl -r -n 1 -o cat -u httpd.service').stdout).toBe('Started The Apache HTTP Server.\n');
    const two = k.run('RS1', 'journalctl -u sshd -u crond -o cat').stdout;
    expect(two).toContain('Server listening on 0.0.0.0 port 22.\n');
    expect(two).toContain('(CRON) STARTUP (1.5.7)\n');
    expect(k.run('RS1', 'journalctl -u nosuch')).toMatchObject({ status: 0, stdout: '-- No entries --\n' });
  });

  it('-x explains systemd messages with the catalog', () => {
    const k = new SysKit('nat');
    k.run('RS1', 'systemctl stop httpd');
    expect(k.run('RS1', 'journalctl -xeu httpd -n 1').stdout).toBe(`May 14 08:00:00 RS1 systemd[1]: httpd.service: Consumed 98ms CPU time.
░░ Subject: Resources consumed by unit runtime
░░ Defined-By: systemd
░░ Support: https://access.redhat.com/support
░░ 
░░ The unit httpd.service completed and consumed the indicated resources.
`);
    const start = k.run('RS1', 'journalctl -x -u httpd -n 4').stdout;
    expect(start).toContain('May 14 08:00:00 RS1 systemd[1]: Stopping The Apache HTTP Server...\n░░ Subject: A stop job for unit httpd.service has begun execution\n');
    expect(start).toMatch(/░░ The job identifier is \d+ and the job result is done\.\n/);
  });

  it('-k and dmesg show the kernel log with times since boot', () => {
    const k = new SysKit('dr');
    k.sleep(65);
    k.run('RS1', 'modprobe ip_vs_rr');
    const d = k.run('RS1', 'dmesg').stdout.split('\n');
    expect(d[0]).toBe('[    0.000000] Linux version 5.14.0-427.13.1.el9_4.x86_64 (mockbuild@x86-64-01.build.eng.rdu2.redhat.com) (gcc (GCC) 11.4.1 20231218 (Red Hat 11.4.1-3), GNU ld version 2.35.2-43.el9) #1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024');
    expect(d).toContain('[    4.212877] e1000: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None');
    expect(d.slice(-5, -1)).toEqual([
      '[   69.212877] IPVS: Registered protocols (TCP, UDP, SCTP, AH, ESP)',
      '[   69.212877] IPVS: Connection hash table configured (size=4096, memory=32Kbytes)',
      '[   69.212877] IPVS: ipvs loaded.',
      '[   69.212877] IPVS: [rr] scheduler registered.',
    ]);
    expect(k.run('RS1', 'journalctl -k -n 1').stdout).toBe('May 14 08:01:05 RS1 kernel: IPVS: [rr] scheduler registered.\n');
    expect(k.run('RS1', 'dmesg -T').stdout.split('\n').at(-2)).toBe('[Tue May 14 08:01:05 2024] IPVS: [rr] scheduler registered.');
    k.run('RS1', 'dmesg -C');
    expect(k.run('RS1', 'dmesg').stdout).toBe('');
  });

  it('filters by priority, time and boot; rejects bad arguments', () => {
    const k = new SysKit('nat');
    k.sleep(600);
    k.host('RS1').fs.writeFile('/etc/httpd/conf/httpd.conf', '');
    k.run('RS1', 'systemctl restart httpd');
    expect(k.run('RS1', 'journalctl -p err -o cat').stdout).toBe('AH00534: httpd: Configuration error: No MPM loaded.\nFailed to start The Apache HTTP Server.\n');
    expect(k.run('RS1', 'journalctl --since "5 min ago" -o cat -u httpd').stdout.split('\n')[0]).toBe('Stopping The Apache HTTP Server...');
    expect(k.run('RS1', 'journalctl --since 08:05 --until 08:15 -q').stdout).toContain('Stopping The Apache HTTP Server...');
    expect(k.run('RS1', 'journalctl --until 07:00').stdout).toBe('-- No entries --\n');
    expect(k.run('RS1', 'journalctl --since bogus')).toMatchObject({ status: 1, stderr: 'Failed to parse timestamp: bogus\n' });
    expect(k.run('RS1', 'journalctl -p loud')).toMatchObject({ status: 1, stderr: 'Failed to parse log level range loud\n' });
    expect(k.run('RS1', 'journalctl -o fancy')).toMatchObject({ status: 1, stderr: "Unknown output format 'fancy'.\n" });
    expect(k.run('RS1', 'journalctl -b -1')).toMatchObject({ status: 1, stderr: 'Data from the specified boot (-1) is not available: No such boot ID in journal\n' });
    expect(k.run('RS1', 'journalctl --bogus')).toMatchObject({ status: 1, stderr: "journalctl: unrecognized option '--bogus'\n" });
  });

  it('parses time specifications like systemd', () => {
    const now = Date.UTC(2024, 4, 14, 8, 5, 0) * 1000;
    expect(parseTimespan('1h 30min')).toBe(5400e6);
    expect(parseTimespan('90')).toBe(90e6);
    expect(parseTimespan('5 apples')).toBeNull();
    expect(parseTimestamp('-5min', now)).toBe(now - 300e6);
    expect(parseTimestamp('yesterday', now)).toBe(Date.UTC(2024, 4, 13) * 1000);
    expect(parseTimestamp('2024-05-14 07:00:00', now)).toBe(Date.UTC(2024, 4, 14, 7) * 1000);
    expect(parseTimestamp('2024-13-01', now)).toBeNull();
  });
});
