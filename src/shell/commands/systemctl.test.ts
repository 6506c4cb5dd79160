import { describe, expect, it } from 'vitest';
import { SysKit } from './system.testkit.ts';

/** A nat lab five minutes after boot (2024-05-14 08:05:00 UTC). */
function kit(preset = 'nat', seconds = 300): SysKit {
  const k = new SysKit(preset);
  k.sleep(seconds);
  return k;
}

describe('systemctl status', () => {
  it('shows an active unit in systemd 252 layout, with its journal lines', () => {
    const k = kit();
    const r = k.run('RS1', 'systemctl status httpd');
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`● httpd.service - The Apache HTTP Server
     Loaded: loaded (/usr/lib/systemd/system/httpd.service; enabled; preset: disabled)
     Active: active (running) since Tue 2024-05-14 08:00:00 UTC; 5min ago
       Docs: man:httpd.service(8)
   Main PID: 1009 (httpd)
     Status: "Total requests: 0; Idle/Busy workers 100/0;Requests/sec: 0; Bytes served/sec:   0 B/sec"
      Tasks: 177 (limit: 4570)
     Memory: 31.8M
        CPU: 248ms
     CGroup: /system.slice/httpd.service
             ├─1009 /usr/sbin/httpd -DFOREGROUND
             ├─1010 /usr/sbin/httpd -DFOREGROUND
             ├─1011 /usr/sbin/httpd -DFOREGROUND
             ├─1012 /usr/sbin/httpd -DFOREGROUND
             └─1013 /usr/sbin/httpd -DFOREGROUND

May 14 08:00:00 RS1 systemd[1]: Starting The Apache HTTP Server...
May 14 08:00:00 RS1 httpd[1009]: Server configured, listening on: port 80
May 14 08:00:00 RS1 systemd[1]: Started The Apache HTTP Server.
`);
  });

  it('shows an inactive, disabled unit (firewalld on a preset host) with exit 3', () => {
    const r = kit().run('lvs', 'systemctl status firewalld');
    expect(r.status).toBe(3);
    expect(r.stdout).toBe(`○ firewalld.service - firewalld - dynamic firewall daemon
     Loaded: loaded (/usr/lib/systemd/system/firewalld.service; disabled; preset: enabled)
     Active: inactive (dead)
       Docs: man:firewalld(1)
`);
  });

  it('shows a stopped unit with its duration, exit status and the lines of its last run', () => {
    const k = kit();
    k.run('RS1', 'systemctl stop httpd');
    k.sleep(3);
    const r = k.run('RS1', 'systemctl status httpd');
    expect(r.status).toBe(3);
    expect(r.stdout).toBe(`○ httpd.service - The Apache HTTP Server
     Loaded: loaded (/usr/lib/systemd/system/httpd.service; enabled; preset: disabled)
     Active: inactive (dead) since Tue 2024-05-14 08:05:00 UTC; 3s ago
   Duration: 5min
       Docs: man:httpd.service(8)
    Process: 1009 ExecStart=/usr/sbin/httpd $OPTIONS -DFOREGROUND (code=exited, status=0/SUCCESS)
   Main PID: 1009 (code=exited, status=0/SUCCESS)
        CPU: 248ms

May 14 08:00:00 RS1 systemd[1]: Starting The Apache HTTP Server...
May 14 08:00:00 RS1 httpd[1009]: Server configured, listening on: port 80
May 14 08:00:00 RS1 systemd[1]: Started The Apache HTTP Server.
May 14 08:05:00 RS1 systemd[1]: Stopping The Apache HTTP Server...
May 14 08:05:00 RS1 systemd[1]: httpd.service: Deactivated successfully.
May 14 08:05:00 RS1 systemd[1]: Stopped The Apache HTTP Server.
May 14 08:05:00 RS1 systemd[1]: httpd.service: Consumed 248ms CPU time.
`);
  });

  it('reports a failed start and shows the failed unit', () => {
    const k = kit('nat', 3723);
    k.host('RS1').fs.writeFile('/etc/httpd/conf/httpd.conf', 'ServerRoot "/etc/httpd"\n');
    const start = k.run('RS1', 'systemctl restart httpd');
    expect(start.status).toBe(1);
    expect(start.stderr).toBe('Job for httpd.service failed because the control process exited with error code.\n'
      + 'See "systemctl status httpd.service" and "journalctl -xeu httpd.service" for details.\n');
    k.sleep(2);
    const r = k.run('RS1', 'systemctl status httpd');
    expect(r.status).toBe(3);
    expect(r.stdout).toBe(`× httpd.service - The Apache HTTP Server
     Loaded: loaded (/usr/lib/systemd/system/httpd.service; enabled; preset: disabled)
     Active: failed (Result: exit-code) since Tue 2024-05-14 09:02:03 UTC; 2s ago
       Docs: man:httpd.service(8)
    Process: 1021 ExecStart=/usr/sbin/httpd $OPTIONS -DFOREGROUND (code=exited, status=1/FAILURE)
   Main PID: 1021 (code=exited, status=1/FAILURE)
        CPU: 32ms

May 14 09:02:03 RS1 systemd[1]: Starting The Apache HTTP Server...
May 14 09:02:03 RS1 httpd[1021]: AH00534: httpd: Configuration error: No MPM loaded.
May 14 09:02:03 RS1 systemd[1]: httpd.service: Main process exited, code=exited, status=1/FAILURE
May 14 09:02:03 RS1 systemd[1]: httpd.service: Failed with result 'exit-code'.
May 14 09:02:03 RS1 systemd[1]: Failed to start The Apache HTTP Server.
May 14 09:02:03 RS1 systemd[1]: httpd.service: Consumed 32ms CPU time.
`);
    expect(k.run('RS1', 'systemctl is-failed httpd').stdout).toBe('failed\n');
    const failed = k.run('RS1', 'systemctl --failed');
    expect(failed.stdout).toBe(`  UNIT          LOAD   ACTIVE SUB    DESCRIPTION
● httpd.service loaded failed failed The Apache HTTP Server

LOAD   = Reflects whether the unit definition was properly loaded.
ACTIVE = The high-level unit activation state, i.e. generalization of SUB.
SUB    = The low-level unit activation state, values depend on unit type.
1 loaded units listed.
`);
  });

  it('shows a oneshot with RemainAfterExit as active (exited)', () => {
    const r = kit('nat', 3723).run('RS1', 'systemctl status kdump');
    expect(r.stdout).toBe(`● kdump.service - Crash recovery kernel arming
     Loaded: loaded (/usr/lib/systemd/system/kdump.service; enabled; preset: enabled)
     Active: active (exited) since Tue 2024-05-14 08:00:00 UTC; 1h 2min ago
    Process: 1015 ExecStart=/usr/bin/kdumpctl start (code=exited, status=0/SUCCESS)
   Main PID: 1015 (code=exited, status=0/SUCCESS)
        CPU: 1.530s

May 14 08:00:00 RS1 systemd[1]: Starting Crash recovery kernel arming...
May 14 08:00:00 RS1 kdumpctl[1015]: kdump: kexec: loaded kdump kernel
May 14 08:00:00 RS1 kdumpctl[1015]: kdump: Starting kdump: [OK]
May 14 08:00:00 RS1 systemd[1]: Finished Crash recovery kernel arming.
`);
  });

  it('says a unit that is not installed could not be found (exit 4)', () => {
    const r = kit().run('lvs', 'systemctl status ipvsadm.service');
    expect(r).toMatchObject({ status: 4, stdout: '', stderr: 'Unit ipvsadm.service could not be found.\n' });
  });

  it('ellipsizes long lines on a terminal unless -l', () => {
    const k = kit();
    const narrow = k.run('RS1', 'systemctl status httpd', { tty: true, cols: 60 });
    expect(narrow.stdout).toContain('May 14 08:00:00 RS1 httpd[1009]: Server configured, listeni…\n');
    expect(narrow.stdout.endsWith('Hint: Some lines were ellipsized, use -l to show in full.\n')).toBe(true);
    const full = k.run('RS1', 'systemctl status -l httpd', { tty: true, cols: 60 });
    expect(full.stdout).toContain('Server configured, listening on: port 80\n');
  });
});

describe('systemctl jobs', () => {
  it('reports unknown units with exit 5', () => {
    const k = kit();
    expect(k.run('lvs', 'systemctl start foo')).toMatchObject({ status: 5, stderr: 'Failed to start foo.service: Unit foo.service not found.\n' });
    expect(k.run('lvs', 'systemctl restart foo.service')).toMatchObject({ status: 5, stderr: 'Failed to restart foo.service: Unit foo.service not found.\n' });
    expect(k.run('lvs', 'systemctl stop foo')).toMatchObject({ status: 5, stderr: 'Failed to stop foo.service: Unit foo.service not loaded.\n' });
  });

  it('restarts a unit: journalctl -u shows both runs, status only the new one', () => {
    const k = kit('nat', 62);
    expect(k.run('RS1', 'systemctl restart httpd')).toMatchObject({ status: 0, all: '' });
    k.sleep(2);
    expect(k.run('RS1', 'journalctl -u httpd').stdout).toBe(`May 14 08:00:00 RS1 systemd[1]: Starting The Apache HTTP Server...
May 14 08:00:00 RS1 httpd[1009]: Server configured, listening on: port 80
May 14 08:00:00 RS1 systemd[1]: Started The Apache HTTP Server.
May 14 08:01:02 RS1 systemd[1]: Stopping The Apache HTTP Server...
May 14 08:01:02 RS1 systemd[1]: httpd.service: Deactivated successfully.
May 14 08:01:02 RS1 systemd[1]: Stopped The Apache HTTP Server.
May 14 08:01:02 RS1 systemd[1]: httpd.service: Consumed 129ms CPU time.
May 14 08:01:02 RS1 systemd[1]: Starting The Apache HTTP Server...
May 14 08:01:02 RS1 httpd[1021]: Server configured, listening on: port 80
May 14 08:01:02 RS1 systemd[1]: Started The Apache HTTP Server.
`);
    const st = k.run('RS1', 'systemctl status httpd').stdout;
    expect(st).toContain('Active: active (running) since Tue 2024-05-14 08:01:02 UTC; 2s ago');
    expect(st.split('\n\n')[1]).toBe(`May 14 08:01:02 RS1 systemd[1]: Starting The Apache HTTP Server...
May 14 08:01:02 RS1 httpd[1021]: Server configured, listening on: port 80
May 14 08:01:02 RS1 systemd[1]: Started The Apache HTTP Server.
`);
  });

  it('reload: not applicable, not active, and done', () => {
    const k = kit();
    k.run('RS1', 'systemctl stop httpd');
    expect(k.run('RS1', 'systemctl reload httpd')).toMatchObject({ status: 1, stderr: 'httpd.service is not active, cannot reload.\n' });
    k.run('RS1', 'systemctl start httpd');
    expect(k.run('RS1', 'systemctl reload httpd')).toMatchObject({ status: 0, all: '' });
    expect(k.run('RS1', 'journalctl -u httpd -n 3 -o cat').stdout).toBe('Reloading The Apache HTTP Server...\nServer configured, listening on: port 80\nReloaded The Apache HTTP Server.\n');
  });

  it('is-active / is-enabled / is-failed answer with the right exit codes', () => {
    const k = kit();
    expect(k.run('RS1', 'systemctl is-active httpd')).toMatchObject({ status: 0, stdout: 'active\n' });
    expect(k.run('RS1', 'systemctl is-active firewalld')).toMatchObject({ status: 3, stdout: 'inactive\n' });
    expect(k.run('RS1', 'systemctl is-active --quiet nosuch')).toMatchObject({ status: 3, stdout: '' });
    expect(k.run('RS1', 'systemctl is-enabled firewalld')).toMatchObject({ status: 1, stdout: 'disabled\n' });
    expect(k.run('RS1', 'systemctl is-enabled sshd')).toMatchObject({ status: 0, stdout: 'enabled\n' });
    expect(k.run('RS1', 'systemctl is-enabled systemd-journald')).toMatchObject({ status: 0, stdout: 'static\n' });
    expect(k.run('RS1', 'systemctl is-enabled nosuch')).toMatchObject({ status: 1, stderr: 'Failed to get unit file state for nosuch.service: No such file or directory\n' });
    expect(k.run('RS1', 'systemctl is-failed httpd')).toMatchObject({ status: 1, stdout: 'active\n' });
  });

  it('rejects bad usage like systemctl does', () => {
    const k = kit();
    expect(k.run('lvs', 'systemctl foo')).toMatchObject({ status: 1, stderr: 'Unknown command verb foo.\n' });
    expect(k.run('lvs', 'systemctl start')).toMatchObject({ status: 1, stderr: 'Too few arguments.\n' });
    expect(k.run('lvs', 'systemctl --bogus')).toMatchObject({ status: 1, stderr: "systemctl: unrecognized option '--bogus'\n" });
    expect(k.run('lvs', 'systemctl -Z')).toMatchObject({ status: 1, stderr: "systemctl: invalid option -- 'Z'\n" });
  });
});

describe('systemctl enable/disable', () => {
  it('creates and removes the symlinks in the host filesystem', () => {
    const k = kit();
    const fs = k.host('RS1').fs;
    const link = '/etc/systemd/system/multi-user.target.wants/httpd.service';
    expect(fs.readlink(link)).toBe('/usr/lib/systemd/system/httpd.service');
    expect(k.run('RS1', 'systemctl disable httpd')).toMatchObject({ status: 0, stderr: `Removed "${link}".\n` });
    expect(fs.exists(link)).toBe(false);
    expect(k.host('RS1').sd.unit('httpd')!.enabled).toBe(false);
    expect(k.run('RS1', 'systemctl disable httpd')).toMatchObject({ status: 0, all: '' });
    expect(k.run('RS1', 'systemctl enable httpd')).toMatchObject({
      status: 0, stderr: `Created symlink ${link} → /usr/lib/systemd/system/httpd.service.\n`,
    });
    expect(k.host('RS1').sd.unit('httpd')!.enabled).toBe(true);
    // A link removed by hand is what systemd sees too.
    fs.unlink(link);
    expect(k.run('RS1', 'systemctl is-enabled httpd').stdout).toBe('disabled\n');
  });

  it('enable --now starts, disable --now stops; aliases are linked too', () => {
    const k = kit();
    const r = k.run('RS1', 'systemctl enable --now firewalld');
    expect(r.stderr).toBe('Created symlink /etc/systemd/system/dbus-org.fedoraproject.FirewallD1.service → /usr/lib/systemd/system/firewalld.service.\n'
      + 'Created symlink /etc/systemd/system/multi-user.target.wants/firewalld.service → /usr/lib/systemd/system/firewalld.service.\n');
    expect(k.run('RS1', 'systemctl is-active firewalld').stdout).toBe('active\n');
    const d = k.run('RS1', 'systemctl disable --now firewalld');
    expect(d.stderr).toBe('Removed "/etc/systemd/system/multi-user.target.wants/firewalld.service".\n'
      + 'Removed "/etc/systemd/system/dbus-org.fedoraproject.FirewallD1.service".\n');
    expect(k.run('RS1', 'systemctl is-active firewalld').stdout).toBe('inactive\n');
  });

  it('refuses unknown and static units, masks and unmasks', () => {
    const k = kit();
    expect(k.run('lvs', 'systemctl enable httpd')).toMatchObject({ status: 1, stderr: 'Failed to enable unit: Unit file httpd.service does not exist.\n' });
    const st = k.run('lvs', 'systemctl enable systemd-journald');
    expect(st.status).toBe(0);
    expect(st.stderr.split('\n')[0]).toBe('The unit files have no installation config (WantedBy=, RequiredBy=, Also=,');
    expect(k.run('lvs', 'systemctl mask firewalld').stderr).toBe('Created symlink /etc/systemd/system/firewalld.service → /dev/null.\n');
    expect(k.run('lvs', 'systemctl start firewalld')).toMatchObject({ status: 1, stderr: 'Failed to start firewalld.service: Unit firewalld.service is masked.\n' });
    expect(k.run('lvs', 'systemctl status firewalld').stdout.split('\n')[1]).toBe('     Loaded: masked (Reason: Unit firewalld.service is masked.)');
    expect(k.run('lvs', 'systemctl unmask firewalld').stderr).toBe('Removed "/etc/systemd/system/firewalld.service".\n');
    expect(k.run('lvs', 'systemctl start firewalld').status).toBe(0);
  });
});

describe('systemctl list-units, list-unit-files, cat, show', () => {
  it('lists the running services of a real server', () => {
    const r = kit().run('RS1', 'systemctl list-units --type=service');
    expect(r.stdout).toBe(`  UNIT                     LOAD   ACTIVE SUB     DESCRIPTION
  auditd.service           loaded active running Security Auditing Service
  chronyd.service          loaded active running NTP client/server
  crond.service            loaded active running Command Scheduler
  dbus-broker.service      loaded active running D-Bus System Message Bus
  getty@tty1.service       loaded active running Getty on tty1
  httpd.service            loaded active running The Apache HTTP Server
  irqbalance.service       loaded active running irqbalance daemon
  kdump.service            loaded active exited  Crash recovery kernel arming
  NetworkManager.service   loaded active running Network Manager
  rsyslog.service          loaded active running System Logging Service
  sshd.service             loaded active running OpenSSH server daemon
  systemd-journald.service loaded active running Journal Service
  systemd-logind.service   loaded active running User Login Management
  systemd-sysctl.service   loaded active exited  Apply Kernel Variables
  systemd-udevd.service    loaded active running Rule-based Manager for Device Events and Files
  tuned.service            loaded active running Dynamic System Tuning Daemon
  vmtoolsd.service         loaded active running Service for virtual machines hosted on VMware

LOAD   = Reflects whether the unit definition was properly loaded.
ACTIVE = The high-level unit activation state, i.e. generalization of SUB.
SUB    = The low-level unit activation state, values depend on unit type.
17 loaded units listed. Pass --all to see loaded but inactive units, too.
To show all installed unit files use 'systemctl list-unit-files'.
`);
  });

  it('--all adds inactive units; plain `systemctl` lists every type', () => {
    const k = kit();
    expect(k.run('lvs', 'systemctl list-units --type=service --all').stdout).toContain('  firewalld.service        loaded inactive dead    firewalld - dynamic firewall daemon\n');
    const all = k.run('lvs', 'systemctl').stdout;
    expect(all).toContain('  multi-user.target');
    expect(all).toContain('  dbus.socket');
    expect(all.indexOf('.service')).toBeLessThan(all.indexOf('.socket'));
    expect(all.indexOf('.socket')).toBeLessThan(all.indexOf('.target'));
  });

  it('lists unit files with their state and preset', () => {
    const out = kit().run('lvs', 'systemctl list-unit-files --type=service').stdout;
    expect(out.split('\n').slice(0, 2)).toEqual(['UNIT FILE                STATE    PRESET', 'auditd.service           enabled  enabled']);
    expect(out).toContain('firewalld.service        disabled enabled\n');
    expect(out).toContain('systemd-journald.service static   -\n');
    expect(out.endsWith('\n17 unit files listed.\n')).toBe(true);
  });

  it('cat prints the unit file as installed (and what the student changed)', () => {
    const k = kit();
    const r = k.run('RS1', 'systemctl cat httpd');
    expect(r.stdout.startsWith('# /usr/lib/systemd/system/httpd.service\n# See httpd.service(8) for more information on using the httpd service.\n')).toBe(true);
    expect(r.stdout).toContain('ExecStart=/usr/sbin/httpd $OPTIONS -DFOREGROUND\n');
    expect(k.host('RS1').fs.readFile('/usr/lib/systemd/system/httpd.service')).toBe(r.stdout.slice('# /usr/lib/systemd/system/httpd.service\n'.length));
    k.host('RS1').fs.install('/etc/systemd/system/httpd.service.d/override.conf', '[Service]\nEnvironment=OPTIONS=-DX\n');
    expect(k.run('RS1', 'systemctl cat httpd').stdout).toContain('\n# /etc/systemd/system/httpd.service.d/override.conf\n[Service]\nEnvironment=OPTIONS=-DX\n');
    expect(k.run('RS1', 'systemctl status httpd').stdout).toContain('    Drop-In: /etc/systemd/system/httpd.service.d\n             └─override.conf\n');
    expect(k.run('lvs', 'systemctl cat httpd')).toMatchObject({ status: 1, stderr: 'No files found for httpd.service.\n' });
  });

  it('show -p prints properties', () => {
    const k = kit();
    expect(k.run('RS1', 'systemctl show -p ActiveState,SubState,MainPID httpd').stdout).toBe('MainPID=1009\nActiveState=active\nSubState=running\n');
    expect(k.run('RS1', 'systemctl show -p UnitFileState --value firewalld').stdout).toBe('disabled\n');
  });
});

describe('systemctl and units of other modules', () => {
  it('a oneshot that fails on its first start shows when it failed', () => {
    const k = kit('nat', 120);
    const u = k.host('lvs').sd;
    // kdump is a oneshot too; make its start fail the way ipvsadm's does without saved rules.
    const kd = u.unit('kdump')!;
    u.stop('kdump');
    const orig = kd.def.create;
    (kd.def as { create: typeof orig }).create = (h, sd) => ({ oneshot: true, start: () => 'no', stop: () => {} });
    k.sleep(5);
    expect(k.run('lvs', 'systemctl start kdump').status).toBe(1);
    (kd.def as { create: typeof orig }).create = orig;
    expect(k.run('lvs', 'systemctl status kdump').stdout.split('\n')[2]).toBe('     Active: failed (Result: exit-code) since Tue 2024-05-14 08:02:05 UTC; now');
  });
});
