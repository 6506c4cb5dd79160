/**
 * The units a minimal RHEL 9.4 server runs, so that `systemctl list-units --type=service`
 * looks like a real VM's: sshd (listening on port 22 with OpenSSH's banner), chronyd, crond,
 * auditd, rsyslog, tuned, irqbalance, dbus-broker, vmtoolsd (VMware guest), kdump, the
 * systemd daemons, the standard targets, sockets and timers, and firewalld (installed; the
 * lab's machines have it disabled and stopped). Also the RHEL 9 texts of the unit files of
 * units other modules register (httpd, NetworkManager, ipvsadm, keepalived, iptables).
 *
 * Apart from sshd and firewalld these daemons do nothing: they exist so that states, PIDs,
 * unit files, enable/disable and the journal look as they do on a real machine.
 */
import type { Host } from '../net/host.ts';
import type { TcpSocket } from '../net/tcp.ts';
import { Firewalld } from './firewalld.ts';
import { UNIT_FILES, registerUnit, type ServiceImpl, type Systemd, type UnitDef } from './systemd.ts';

// ---- unit file texts (RHEL 9.4 packages) ------------------------------------------------------

const SYSTEMD_HEADER = `#  SPDX-License-Identifier: LGPL-2.1-or-later
#
#  This file is part of systemd.
#
#  systemd is free software; you can redistribute it and/or modify it
#  under the terms of the GNU Lesser General Public License as published by
#  the Free Software Foundation; either version 2.1 of the License, or
#  (at your option) any later version.
`;

Object.assign(UNIT_FILES, {
  'httpd.service': `# See httpd.service(8) for more information on using the httpd service.

# Modifying this file in-place is not recommended, because changes
# will be overwritten during package upgrades.  To customize the
# behaviour, run "systemctl edit httpd" to create an override unit.

# For example, to pass additional options (such as -D definitions) to
# the httpd binary at startup, create an override unit (as is done by
# systemctl edit) and enter the following:

#	[Service]
#	Environment=OPTIONS=-DMY_DEFINE

[Unit]
Description=The Apache HTTP Server
Wants=httpd-init.service
After=network.target remote-fs.target nss-lookup.target httpd-init.service
Documentation=man:httpd.service(8)

[Service]
Type=notify
Environment=LANG=C

ExecStart=/usr/sbin/httpd $OPTIONS -DFOREGROUND
ExecReload=/usr/sbin/httpd $OPTIONS -k graceful
# Send SIGWINCH for graceful stop
KillSignal=SIGWINCH
KillMode=mixed
PrivateTmp=true
OOMPolicy=continue

[Install]
WantedBy=multi-user.target
`,
  'NetworkManager.service': `[Unit]
Description=Network Manager
Documentation=man:NetworkManager(8)
Wants=network.target
After=network-pre.target dbus.service
Before=network.target

BindsTo=dbus.service

[Service]
Type=dbus
BusName=org.freedesktop.NetworkManager
ExecReload=/usr/bin/busctl call org.freedesktop.NetworkManager /org/freedesktop/NetworkManager org.freedesktop.NetworkManager Reload u 0
#ExecReload=/bin/kill -HUP $MAINPID
ExecStart=/usr/sbin/NetworkManager --no-daemon
Restart=on-failure
# NM doesn't want systemd to kill its children for it
KillMode=process

# CAP_DAC_OVERRIDE: required to open /run/openvswitch/db.sock socket.
CapabilityBoundingSet=CAP_NET_ADMIN CAP_DAC_OVERRIDE CAP_NET_RAW CAP_NET_BIND_SERVICE CAP_SETGID CAP_SETUID CAP_SYS_MODULE CAP_AUDIT_WRITE CAP_KILL CAP_SYS_CHROOT

ProtectSystem=true
ProtectHome=read-only

# We require file descriptors for DHCP etc. When activating many interfaces,
# the default limit of 1024 is easily reached.
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
Alias=dbus-org.freedesktop.NetworkManager.service
Also=NetworkManager-dispatcher.service

# We want to enable NetworkManager-wait-online.service whenever this service
# is enabled. NetworkManager-wait-online.service has
# WantedBy=network-online.target, so enabling it only has an effect if
# network-online.target itself is enabled or pulled in by some other unit.
Also=NetworkManager-wait-online.service
`,
  'ipvsadm.service': `[Unit]
Description=Initialise the Linux Virtual Server
After=syslog.target network.target

[Service]
Type=oneshot
ExecStart=/bin/bash -c "exec /sbin/ipvsadm-restore < /etc/sysconfig/ipvsadm"
ExecStop=/bin/bash -c "exec /sbin/ipvsadm-save -n > /etc/sysconfig/ipvsadm"
ExecStop=/sbin/ipvsadm -C
RemainAfterExit=yes

[Install]
WantedBy=multi-user.target
`,
  'keepalived.service': `[Unit]
Description=LVS and VRRP High Availability Monitor
After=network-online.target syslog.target
Wants=network-online.target
Documentation=man:keepalived(8)
Documentation=man:keepalived.conf(5)
Documentation=man:genhash(1)
Documentation=https://keepalived.org

[Service]
Type=forking
PIDFile=/run/keepalived.pid
KillMode=process
EnvironmentFile=-/etc/sysconfig/keepalived
ExecStart=/usr/sbin/keepalived $KEEPALIVED_OPTIONS
ExecReload=/bin/kill -HUP $MAINPID

[Install]
WantedBy=multi-user.target
`,
  'iptables.service': `[Unit]
Description=IPv4 firewall with iptables
AssertPathExists=/etc/sysconfig/iptables
Before=network-pre.target
Wants=network-pre.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/libexec/iptables/iptables.init start
ExecReload=/usr/libexec/iptables/iptables.init reload
ExecStop=/usr/libexec/iptables/iptables.init stop
Environment=BOOTUP=serial
Environment=CONSOLETYPE=serial

[Install]
WantedBy=multi-user.target
`,
  'sshd.service': `[Unit]
Description=OpenSSH server daemon
Documentation=man:sshd(8) man:sshd_config(5)
After=network.target sshd-keygen.target
Wants=sshd-keygen.target

[Service]
Type=notify
EnvironmentFile=-/etc/sysconfig/sshd
ExecStart=/usr/sbin/sshd -D $OPTIONS
ExecReload=/bin/kill -HUP $MAINPID
KillMode=process
Restart=on-failure
RestartSec=42s

[Install]
WantedBy=multi-user.target
`,
  'firewalld.service': `[Unit]
Description=firewalld - dynamic firewall daemon
Before=network-pre.target
Wants=network-pre.target
After=dbus.service
After=polkit.service
Conflicts=iptables.service ip6tables.service ebtables.service ipset.service
Documentation=man:firewalld(1)

[Service]
EnvironmentFile=-/etc/sysconfig/firewalld
ExecStart=/usr/sbin/firewalld --nofork --nopid $FIREWALLD_ARGS
ExecReload=/bin/kill -HUP $MAINPID
# supress to log debug and error output also to /var/log/messages
StandardOutput=null
StandardError=null
Type=dbus
BusName=org.fedoraproject.FirewallD1
KillMode=mixed
DevicePolicy=closed
KeyringMode=private
LockPersonality=yes
MemoryDenyWriteExecute=yes
PrivateDevices=yes
ProtectClock=yes
ProtectControlGroups=yes
ProtectHome=yes
ProtectHostname=yes
ProtectKernelLogs=no
ProtectKernelModules=no
ProtectKernelTunables=no
ProtectSystem=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
SystemCallArchitectures=native

[Install]
WantedBy=multi-user.target
Alias=dbus-org.fedoraproject.FirewallD1.service
`,
  'crond.service': `[Unit]
Description=Command Scheduler
After=auditd.service nss-user-lookup.target systemd-user-sessions.service time-sync.target ypbind.service autofs.service

[Service]
EnvironmentFile=/etc/sysconfig/crond
ExecStart=/usr/sbin/crond -n $CRONDARGS
ExecReload=/bin/kill -URG $MAINPID
KillMode=process
Restart=on-failure
RestartSec=30s

[Install]
WantedBy=multi-user.target
`,
  'chronyd.service': `[Unit]
Description=NTP client/server
Documentation=man:chronyd(8) man:chrony.conf(5)
After=ntpdate.service sntp.service ntpd.service
Conflicts=ntpd.service systemd-timesyncd.service
ConditionCapability=CAP_SYS_TIME

[Service]
Type=forking
PIDFile=/run/chrony/chronyd.pid
EnvironmentFile=-/etc/sysconfig/chronyd
ExecStart=/usr/sbin/chronyd $OPTIONS
PrivateTmp=yes
ProtectHome=yes
ProtectSystem=full

[Install]
WantedBy=multi-user.target
`,
  'auditd.service': `[Unit]
Description=Security Auditing Service
DefaultDependencies=no
## If auditd is sending or recieving remote logging, copy this file to
## /etc/systemd/system/auditd.service and comment out the first After and
## uncomment the second so that network-online.target is part of After.
## then comment the first Before and uncomment the second Before to remove
## dependency on shutdown.target.
After=local-fs.target systemd-tmpfiles-setup.service
##After=network-online.target local-fs.target systemd-tmpfiles-setup.service
Before=sysinit.target shutdown.target
##Before=shutdown.target
Conflicts=shutdown.target
RefuseManualStop=yes
ConditionKernelCommandLine=!audit=0
ConditionKernelCommandLine=!audit=off
Documentation=man:auditd(8) https://github.com/linux-audit/audit-documentation

[Service]
Type=forking
PIDFile=/run/auditd.pid
ExecStart=/sbin/auditd
## To use augenrules, copy this file to /etc/systemd/system/auditd.service
## and uncomment the next line and delete/comment out the auditctl line.
## Then copy existing rules to /etc/audit/rules.d/
## Not doing this last step can cause loss of existing rules
ExecStartPost=-/sbin/augenrules --load
#ExecStartPost=-/sbin/auditctl -R /etc/audit/audit.rules
# By default we don't clear the rules on exit. To enable this, uncomment
# the next line after copying the file to /etc/systemd/system/auditd.service
#ExecStopPost=/sbin/auditctl -R /etc/audit/audit-stop.rules

[Install]
WantedBy=multi-user.target
`,
  'rsyslog.service': `[Unit]
Description=System Logging Service
Wants=network.target network-online.target
After=network.target network-online.target
Documentation=man:rsyslogd(8)
Documentation=https://www.rsyslog.com/doc/

[Service]
Type=notify
EnvironmentFile=-/etc/sysconfig/rsyslog
ExecStart=/usr/sbin/rsyslogd -n $SYSLOGD_OPTIONS
ExecReload=/usr/bin/kill -HUP $MAINPID
UMask=0066
StandardOutput=null
Restart=on-failure

# Increase the default a bit in order to allow many simultaneous
# files to be monitored, we might need a lot of fds.
LimitNOFILE=16384

[Install]
WantedBy=multi-user.target
`,
});

function systemdUnit(description: string, body: string): string {
  return `${SYSTEMD_HEADER}\n[Unit]\nDescription=${description}\n${body}`;
}

// ---- daemons ---------------------------------------------------------------------------------

/** A daemon that runs and does nothing the lab can observe (besides its journal lines). */
class Idle implements ServiceImpl {
  constructor(private readonly onStart?: () => void, readonly oneshot = false) {}
  start(): string | null { this.onStart?.(); return null; }
  stop(): void { /* nothing to undo */ }
  reload(): string | null { return null; }
}

/** sshd: listens on port 22 and greets with OpenSSH's banner (no login: the lab has consoles). */
class Sshd implements ServiceImpl {
  private listener: ReturnType<Host['tcp']['listen']> | null = null;
  private conns = new Set<TcpSocket>();

  constructor(private readonly host: Host, private readonly sd: Systemd, private readonly pid: number) {}

  start(): string | null {
    const l = this.host.tcp.listen(0 as never, 22, 'sshd', (s) => this.accept(s));
    if (typeof l === 'string') {
      this.sd.log('sshd.service', 'sshd', this.pid, 'error: Bind to port 22 on 0.0.0.0 failed: Address already in use.', 3);
      this.sd.log('sshd.service', 'sshd', this.pid, 'fatal: Cannot bind any address.', 2);
      return 'bind';
    }
    this.listener = l;
    this.sd.log('sshd.service', 'sshd', this.pid, 'Server listening on 0.0.0.0 port 22.');
    this.sd.log('sshd.service', 'sshd', this.pid, 'Server listening on :: port 22.');
    return null;
  }

  private accept(s: TcpSocket): void {
    this.conns.add(s);
    s.send('SSH-2.0-OpenSSH_8.7\r\n');
    s.onData = () => { s.read(); };
    s.onEof = () => s.close();
    s.onClosed = () => this.conns.delete(s);
    s.onError = () => this.conns.delete(s);
  }

  stop(): void {
    if (this.listener && typeof this.listener !== 'string') this.host.tcp.unlisten(this.listener);
    this.listener = null;
    this.sd.log('sshd.service', 'sshd', this.pid, 'Received signal 15; terminating.');
    for (const c of [...this.conns]) c.close();
    this.conns.clear();
  }

  reload(): string | null {
    this.sd.log('sshd.service', 'sshd', this.pid, 'Received SIGHUP; restarting.');
    return null;
  }
}

interface BaseUnit {
  name: string;
  description: string;
  pkg: string;
  exec: string;
  preset?: 'enabled' | 'disabled';
  docs?: string[];
  comm?: string;
  text?: string;
  tasks?: number;
  memory?: number;
  cpuMs?: number;
  workers?: number;
  oneshot?: boolean;
  create?: UnitDef['create'];
  /** Journal lines the daemon writes when it starts. */
  hello?: string[];
  ident?: string;
}

const M = 1024 * 1024;

function define(b: BaseUnit): void {
  const type = b.name.slice(b.name.lastIndexOf('.') + 1);
  registerUnit({
    name: b.name,
    description: b.description,
    pkg: b.pkg,
    path: `/usr/lib/systemd/system/${b.name}`,
    docs: b.docs,
    preset: b.preset ?? 'enabled',
    exec: b.exec,
    comm: b.comm,
    workers: b.workers,
    unitText: b.text,
    resources: type === 'service' ? { tasks: b.tasks ?? 1, memory: b.memory ?? 1.5 * M, cpuMs: b.cpuMs ?? 20 } : undefined,
    create: b.create ?? ((host, sd) => {
      const u = sd.unit(b.name);
      const pid = u?.pid ?? 0;
      const ident = b.ident ?? b.comm ?? b.name.replace(/\.service$/, '');
      return new Idle(() => { for (const l of b.hello ?? []) sd.log(b.name, ident, pid, l); }, b.oneshot);
    }),
  });
}

define({
  name: 'sshd.service', description: 'OpenSSH server daemon', pkg: 'openssh-server', comm: 'sshd',
  exec: '"sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"', docs: ['man:sshd(8)', 'man:sshd_config(5)'],
  memory: 5.4 * M, cpuMs: 46,
  create: (host, sd) => new Sshd(host, sd, sd.unit('sshd')?.pid ?? 0),
});
define({
  name: 'firewalld.service', description: 'firewalld - dynamic firewall daemon', pkg: 'firewalld', comm: 'firewalld',
  exec: '/usr/bin/python3 -s /usr/sbin/firewalld --nofork --nopid', docs: ['man:firewalld(1)'], tasks: 2, memory: 41.7 * M, cpuMs: 512,
  create: (host, sd) => new Firewalld(host, sd, sd.unit('firewalld')?.pid ?? 0),
});
define({
  name: 'crond.service', description: 'Command Scheduler', pkg: 'cronie', exec: '/usr/sbin/crond -n', memory: 1.1 * M, cpuMs: 8,
  hello: ['(CRON) STARTUP (1.5.7)', '(CRON) INFO (Syslog will be used instead of sendmail.)', '(RANDOM_DELAY will be scaled with factor 64% if used.)', '(CRON) INFO (running with inotify support)'],
});
define({
  name: 'chronyd.service', description: 'NTP client/server', pkg: 'chrony', exec: '/usr/sbin/chronyd -F 2', memory: 1.2 * M, cpuMs: 31,
  docs: ['man:chronyd(8)', 'man:chrony.conf(5)'],
  hello: ['chronyd version 4.5 starting (+CMDMON +NTP +REFCLOCK +RTC +PRIVDROP +SCFILTER +SIGND +ASYNCDNS +NTS +SECHASH +IPV6 +DEBUG)',
    'Loaded 0 symmetric keys', 'Using right/UTC timezone to obtain leap second data', 'Loaded seccomp filter (level 2)'],
});
define({
  name: 'auditd.service', description: 'Security Auditing Service', pkg: 'audit', exec: '/sbin/auditd', comm: 'auditd', tasks: 4,
  memory: 2.3 * M, cpuMs: 29, docs: ['man:auditd(8)', 'https://github.com/linux-audit/audit-documentation'],
  hello: ['No plugins found, not dispatching events', 'Init complete, auditd 3.1.2 listening for events (startup state enable)'],
});
define({
  name: 'rsyslog.service', description: 'System Logging Service', pkg: 'rsyslog', exec: '/usr/sbin/rsyslogd -n', comm: 'rsyslogd',
  tasks: 3, memory: 4.6 * M, cpuMs: 61, docs: ['man:rsyslogd(8)', 'https://www.rsyslog.com/doc/'], ident: 'rsyslogd',
  hello: ['[origin software="rsyslogd" swVersion="8.2310.0-4.el9" x-pid="0" x-info="https://www.rsyslog.com"] start'],
});
define({
  name: 'tuned.service', description: 'Dynamic System Tuning Daemon', pkg: 'tuned', exec: '/usr/bin/python3 -Es /usr/sbin/tuned -l -P',
  comm: 'tuned', tasks: 4, memory: 18.9 * M, cpuMs: 845, docs: ['man:tuned(8)', 'man:tuned.conf(5)', 'man:tuned-adm(8)'],
  text: `[Unit]\nDescription=Dynamic System Tuning Daemon\nAfter=systemd-sysctl.service network.target dbus.service polkit.service\nRequires=dbus.service\nConflicts=cpupower.service auto-cpufreq.service tlp.service power-profiles-daemon.service\nDocumentation=man:tuned(8) man:tuned.conf(5) man:tuned-adm(8)\n\n[Service]\nType=dbus\nPIDFile=/run/tuned/tuned.pid\nBusName=com.redhat.tuned\nExecStart=/usr/sbin/tuned -l -P\nRestart=on-failure\n\n[Install]\nWantedBy=multi-user.target\n`,
});
define({
  name: 'irqbalance.service', description: 'irqbalance daemon', pkg: 'irqbalance', exec: '/usr/sbin/irqbalance --foreground',
  tasks: 2, memory: 1.1 * M, cpuMs: 40, docs: ['man:irqbalance(1)', 'https://github.com/Irqbalance/irqbalance'],
  text: `[Unit]\nDescription=irqbalance daemon\nDocumentation=man:irqbalance(1)\nDocumentation=https://github.com/Irqbalance/irqbalance\nConditionVirtualization=!container\nConditionCPUs=>1\n\n[Service]\nEnvironmentFile=-/usr/lib/irqbalance/defaults.env\nEnvironmentFile=-/etc/sysconfig/irqbalance\nExecStart=/usr/sbin/irqbalance --foreground $IRQBALANCE_ARGS\nReadOnlyPaths=/\nReadWritePaths=/proc/irq\nRestrictAddressFamilies=AF_UNIX AF_NETLINK\nRestrictNamespaces=yes\n\n[Install]\nWantedBy=multi-user.target\n`,
});
define({
  name: 'dbus-broker.service', description: 'D-Bus System Message Bus', pkg: 'dbus-broker', exec: '/usr/bin/dbus-broker-launch --scope system --audit',
  comm: 'dbus-broker-lau', tasks: 2, memory: 2.8 * M, cpuMs: 270, docs: ['man:dbus-broker-launch(1)'], ident: 'dbus-broker-lau',
  hello: ['Ready'],
  text: `[Unit]\nDescription=D-Bus System Message Bus\nDocumentation=man:dbus-broker-launch(1)\nDefaultDependencies=false\nAfter=dbus.socket\nBefore=basic.target shutdown.target\nRequires=dbus.socket\nConflicts=shutdown.target\n\n[Service]\nType=notify\nSandbox=yes\nOOMScoreAdjust=-900\nLimitNOFILE=16384\nProtectSystem=full\nPrivateTmp=true\nPrivateDevices=true\nExecStart=/usr/bin/dbus-broker-launch --scope system --audit\nExecReload=/usr/bin/busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus ReloadConfig\n\n[Install]\nAlias=dbus.service\n`,
});
define({
  name: 'vmtoolsd.service', description: 'Service for virtual machines hosted on VMware', pkg: 'open-vm-tools', exec: '/usr/bin/vmtoolsd',
  tasks: 3, memory: 6.2 * M, cpuMs: 390, docs: ['http://github.com/vmware/open-vm-tools'],
  text: `[Unit]\nDescription=Service for virtual machines hosted on VMware\nDocumentation=http://github.com/vmware/open-vm-tools\nConditionVirtualization=vmware\nDefaultDependencies=no\nBefore=cloud-init-local.service\nRequires=vgauthd.service\nAfter=vgauthd.service\nAfter=apparmor.service\n\n[Service]\nExecStart=/usr/bin/vmtoolsd\nTimeoutStopSec=5\n\n[Install]\nWantedBy=multi-user.target\n`,
});
define({
  name: 'kdump.service', description: 'Crash recovery kernel arming', pkg: 'kexec-tools', exec: '/usr/bin/kdumpctl start', oneshot: true,
  cpuMs: 1530, ident: 'kdumpctl', comm: 'kdumpctl',
  hello: ['kdump: kexec: loaded kdump kernel', 'kdump: Starting kdump: [OK]'],
  text: `[Unit]\nDescription=Crash recovery kernel arming\nAfter=network.target network-online.target remote-fs.target basic.target\nDefaultDependencies=no\nConditionKernelCommandLine=crashkernel\n\n[Service]\nType=oneshot\nExecStart=/usr/bin/kdumpctl start\nExecStop=/usr/bin/kdumpctl stop\nExecReload=/usr/bin/kdumpctl reload\nRemainAfterExit=yes\nStartLimitInterval=0\nPrivateTmp=yes\n\n[Install]\nWantedBy=multi-user.target\n`,
});
define({
  name: 'systemd-journald.service', description: 'Journal Service', pkg: 'systemd', exec: '/usr/lib/systemd/systemd-journald',
  comm: 'systemd-journal', memory: 9.8 * M, cpuMs: 212, docs: ['man:systemd-journald.service(8)', 'man:journald.conf(5)'],
  text: systemdUnit('Journal Service', 'Documentation=man:systemd-journald.service(8) man:journald.conf(5)\nDefaultDependencies=no\nRequires=systemd-journald.socket\nAfter=systemd-journald.socket systemd-journald-dev-log.socket systemd-journald-audit.socket syslog.socket\nBefore=sysinit.target\n\n[Service]\nDeviceAllow=char-* rw\nExecStart=/usr/lib/systemd/systemd-journald\nFileDescriptorStoreMax=4224\nRestart=always\nRestartSec=0\nSandbox=strict\nType=notify\nWatchdogSec=3min\n'),
  hello: ['Journal started', 'Runtime Journal (/run/log/journal/) is 8.0M, max 88.8M, 80.8M free.'],
});
define({
  name: 'systemd-logind.service', description: 'User Login Management', pkg: 'systemd', exec: '/usr/lib/systemd/systemd-logind',
  comm: 'systemd-logind', memory: 3.1 * M, cpuMs: 98, docs: ['man:sd-login(3)', 'man:systemd-logind.service(8)', 'man:logind.conf(5)', 'man:org.freedesktop.login1(5)'],
  text: systemdUnit('User Login Management', 'Documentation=man:sd-login(3)\nDocumentation=man:systemd-logind.service(8)\nDocumentation=man:logind.conf(5)\nDocumentation=man:org.freedesktop.login1(5)\n\nWants=user.slice modprobe@drm.service\nAfter=nss-user-lookup.target user.slice modprobe@drm.service\n\n# Ask for the dbus socket.\nWants=dbus.socket\nAfter=dbus.socket\n\n[Service]\nBusName=org.freedesktop.login1\nExecStart=/usr/lib/systemd/systemd-logind\nFileDescriptorStoreMax=512\nRestart=always\nRestartSec=0\nType=notify\nWatchdogSec=3min\n'),
  hello: ['New seat seat0.', 'Watching system buttons on /dev/input/event0 (Power Button)'],
});
define({
  name: 'systemd-udevd.service', description: 'Rule-based Manager for Device Events and Files', pkg: 'systemd',
  exec: '/usr/lib/systemd/systemd-udevd', comm: 'systemd-udevd', memory: 5.3 * M, cpuMs: 331, docs: ['man:systemd-udevd.service(8)', 'man:udev(7)'],
  text: systemdUnit('Rule-based Manager for Device Events and Files', 'Documentation=man:systemd-udevd.service(8) man:udev(7)\nDefaultDependencies=no\nAfter=systemd-sysusers.service systemd-hwdb-update.service\nBefore=sysinit.target\nConditionPathIsReadWrite=/sys\n\n[Service]\nDeviceAllow=block-* rwm\nDeviceAllow=char-* rwm\nType=notify\nRestart=always\nRestartSec=0\nExecStart=/usr/lib/systemd/systemd-udevd\nExecReload=udevadm control --reload --timeout 0\nKillMode=mixed\nTasksMax=infinity\nWatchdogSec=3min\n'),
});
define({
  name: 'systemd-sysctl.service', description: 'Apply Kernel Variables', pkg: 'systemd', exec: '/usr/lib/systemd/systemd-sysctl', oneshot: true,
  cpuMs: 6, docs: ['man:systemd-sysctl.service(8)', 'man:sysctl.d(5)'],
  text: systemdUnit('Apply Kernel Variables', 'Documentation=man:systemd-sysctl.service(8) man:sysctl.d(5)\nConditionPathIsReadWrite=/proc/sys/net/\n\nDefaultDependencies=no\nConflicts=shutdown.target\nAfter=systemd-modules-load.service\nBefore=sysinit.target shutdown.target\n\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/usr/lib/systemd/systemd-sysctl\nTimeoutSec=90s\n'),
});
define({
  name: 'getty@tty1.service', description: 'Getty on tty1', pkg: 'systemd', exec: '/sbin/agetty -o "-p -- \\\\u" --noclear - linux',
  comm: 'agetty', memory: 0.2 * M, cpuMs: 3, docs: ['man:agetty(8)', 'man:systemd-getty-generator(8)', 'https://0pointer.de/blog/projects/serial-console.html'],
  text: systemdUnit('Getty on %I', 'Documentation=man:agetty(8) man:systemd-getty-generator(8)\nDocumentation=https://0pointer.de/blog/projects/serial-console.html\nAfter=systemd-user-sessions.service plymouth-quit-wait.service getty-pre.target\nAfter=rc-local.service\nBefore=getty.target\nIgnoreOnIsolate=yes\nConflicts=rescue.service\nBefore=rescue.service\nConditionPathExists=/dev/tty0\n\n[Service]\nExecStart=-/sbin/agetty -o \'-p -- \\\\u\' --noclear - $TERM\nType=idle\nRestart=always\nRestartSec=0\nUtmpIdentifier=%I\nStandardInput=tty\nStandardOutput=tty\nTTYPath=/dev/%I\nTTYReset=yes\nTTYVHangup=yes\nTTYVTDisallocate=yes\nIgnoreSIGPIPE=no\nSendSIGHUP=yes\n\n[Install]\nWantedBy=getty.target\nDefaultInstance=tty1\n'),
});

const TARGETS: [string, string][] = [
  ['basic.target', 'Basic System'], ['cryptsetup.target', 'Local Encrypted Volumes'], ['getty.target', 'Login Prompts'],
  ['local-fs-pre.target', 'Preparation for Local File Systems'], ['local-fs.target', 'Local File Systems'],
  ['multi-user.target', 'Multi-User System'], ['network-online.target', 'Network is Online'],
  ['network-pre.target', 'Preparation for Network'], ['network.target', 'Network'], ['nss-user-lookup.target', 'User and Group Name Lookups'],
  ['paths.target', 'Path Units'], ['remote-fs.target', 'Remote File Systems'], ['slices.target', 'Slice Units'],
  ['sockets.target', 'Socket Units'], ['sshd-keygen.target', 'sshd-keygen.target'], ['swap.target', 'Swaps'],
  ['sysinit.target', 'System Initialization'], ['timers.target', 'Timer Units'],
];
for (const [name, description] of TARGETS) {
  define({
    name, description, pkg: name === 'sshd-keygen.target' ? 'openssh-server' : 'systemd', exec: '',
    text: name === 'sshd-keygen.target' ? '[Unit]\nWants=sshd-keygen@rsa.service\nWants=sshd-keygen@ecdsa.service\nWants=sshd-keygen@ed25519.service\nPartOf=sshd.service\n'
      : systemdUnit(description, `Documentation=man:systemd.special(7)\n${name === 'multi-user.target' ? 'Requires=basic.target\nConflicts=rescue.service rescue.target\nAfter=basic.target rescue.service rescue.target\nAllowIsolate=yes\n' : ''}`),
  });
}
const SOCKETS: [string, string, string][] = [
  ['dbus.socket', 'D-Bus System Message Bus Socket', 'dbus-broker'],
  ['systemd-journald.socket', 'Journal Socket', 'systemd'],
  ['systemd-journald-dev-log.socket', 'Journal Socket (/dev/log)', 'systemd'],
  ['systemd-udevd-control.socket', 'udev Control Socket', 'systemd'],
  ['systemd-udevd-kernel.socket', 'udev Kernel Socket', 'systemd'],
  ['systemd-initctl.socket', 'initctl Compatibility Named Pipe', 'systemd'],
];
for (const [name, description, pkg] of SOCKETS) {
  define({ name, description, pkg, exec: '', text: systemdUnit(description, `Documentation=man:systemd.socket(5)\nDefaultDependencies=no\nBefore=sockets.target\n\n[Socket]\n`) });
}
const TIMERS: [string, string, string, string | null][] = [
  ['dnf-makecache.timer', 'dnf makecache --timer', 'dnf', '[Unit]\nDescription=dnf makecache --timer\nConditionKernelCommandLine=!rd.live.image\n# See comment in dnf-makecache.service\nConditionPathExists=!/run/ostree-booted\nWants=network-online.target\n\n[Timer]\nOnBootSec=10min\nOnUnitInactiveSec=1h\nRandomizedDelaySec=60m\nUnit=dnf-makecache.service\n\n[Install]\nWantedBy=timers.target\n'],
  ['logrotate.timer', 'Daily rotation of log files', 'logrotate', '[Unit]\nDescription=Daily rotation of log files\nDocumentation=man:logrotate(8) man:logrotate.conf(5)\n\n[Timer]\nOnCalendar=daily\nAccuracySec=1h\nPersistent=true\n\n[Install]\nWantedBy=timers.target\n'],
  ['systemd-tmpfiles-clean.timer', 'Daily Cleanup of Temporary Directories', 'systemd', null],
];
for (const [name, description, pkg, text] of TIMERS) {
  define({ name, description, pkg, exec: '', text: text ?? systemdUnit(description, 'Documentation=man:tmpfiles.d(5) man:systemd-tmpfiles(8)\nConditionPathExists=!/etc/initrd-release\n\n[Timer]\nOnBootSec=15min\nOnUnitActiveSec=1d\n') });
}
