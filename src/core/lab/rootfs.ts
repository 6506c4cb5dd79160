/**
 * The files every lab host starts with: a trimmed RHEL 9 root filesystem. Only what a
 * student looks at or a command reads is here (/etc/hosts, /etc/sysctl.conf with its stock
 * header, /etc/services for ipvsadm's non-numeric listing, /etc/os-release, root's dotfiles,
 * device nodes), with the permissions RHEL gives them.
 */
import type { Host } from '../net/host.ts';

export const SYSCTL_CONF = `# sysctl settings are defined through files in
# /usr/lib/sysctl.d/, /run/sysctl.d/, and /etc/sysctl.d/.
#
# Vendors settings live in /usr/lib/sysctl.d/.
# To override a whole file, create a new file with the same in
# /etc/sysctl.d/ and put new settings there. To override
# only specific settings, add a file with a lexically later
# name in /etc/sysctl.d/ and put new settings there.
#
# For more information, see sysctl.conf(5) and sysctl.d(5).
`;

const OS_RELEASE = `NAME="Red Hat Enterprise Linux"
VERSION="9.4 (Plow)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.4"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"
ANSI_COLOR="0;31"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:redhat:enterprise_linux:9::baseos"
HOME_URL="https://www.redhat.com/"
DOCUMENTATION_URL="https://access.redhat.com/documentation/en-us/red_hat_enterprise_linux/9"
BUG_REPORT_URL="https://bugzilla.redhat.com/"

REDHAT_BUGZILLA_PRODUCT="Red Hat Enterprise Linux 9"
REDHAT_BUGZILLA_PRODUCT_VERSION=9.4
REDHAT_SUPPORT_PRODUCT="Red Hat Enterprise Linux"
REDHAT_SUPPORT_PRODUCT_VERSION="9.4"
`;

const SYSTEMD_50_DEFAULT = `# This file is part of systemd.
#
# See sysctl.d(5) and core(5) for documentation.

# To override settings in this file, create a local file in /etc/sysctl.d/.

kernel.sysrq = 16
kernel.core_uses_pid = 1

# Source route verification
net.ipv4.conf.default.rp_filter = 1
net.ipv4.conf.*.rp_filter = 1
-net.ipv4.conf.all.rp_filter

# Do not accept source routing
net.ipv4.conf.default.accept_source_route = 0
net.ipv4.conf.*.accept_source_route = 0
-net.ipv4.conf.all.accept_source_route

# Promote secondary addresses when the primary address is removed
net.ipv4.conf.default.promote_secondaries = 1
net.ipv4.conf.*.promote_secondaries = 1
-net.ipv4.conf.all.promote_secondaries

# Fair Queue CoDel packet scheduler to fight bufferbloat
net.core.default_qdisc = fq_codel

# Enable hard and soft link protection
fs.protected_hardlinks = 1
fs.protected_symlinks = 1
`;

/** The ports ipvsadm -L (without -n) names; a subset of RHEL's /etc/services. */
export const SERVICES = `# /etc/services:
# $Id: services,v 1.49 2017/08/18 12:43:23 ovasik Exp $
#
# Network services, Internet style
# IANA services version: last updated 2016-07-08
ftp-data        20/tcp
ftp             21/tcp
ssh             22/tcp                          # The Secure Shell (SSH) Protocol
telnet          23/tcp
smtp            25/tcp          mail
domain          53/tcp                          # name-domain server
domain          53/udp
http            80/tcp          www www-http    # WorldWideWeb HTTP
http            80/udp          www www-http    # HyperText Transfer Protocol
pop3            110/tcp         pop-3           # POP version 3
ntp             123/udp                         # Network Time Protocol
imap            143/tcp         imap2           # Interim Mail Access Proto v2
snmp            161/udp                         # Simple Net Mgmt Proto
https           443/tcp                         # http protocol over TLS/SSL
https           443/udp                         # http protocol over TLS/SSL
mysql           3306/tcp                        # MySQL
http-alt        8080/tcp        webcache        # WWW caching service
`;

const BASHRC = `# .bashrc

# User specific aliases and functions

alias rm='rm -i'
alias cp='cp -i'
alias mv='mv -i'

# Source global definitions
if [ -f /etc/bashrc ]; then
	. /etc/bashrc
fi
`;

const BASH_PROFILE = `# .bash_profile

# Get the aliases and functions
if [ -f ~/.bashrc ]; then
	. ~/.bashrc
fi

# User specific environment and startup programs
`;

const PASSWD = `root:x:0:0:root:/root:/bin/bash
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
adm:x:3:4:adm:/var/adm:/sbin/nologin
lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin
sync:x:5:0:sync:/sbin:/bin/sync
shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown
halt:x:7:0:halt:/sbin:/sbin/halt
mail:x:8:12:mail:/var/spool/mail:/sbin/nologin
operator:x:11:0:operator:/root:/sbin/nologin
games:x:12:100:games:/usr/games:/sbin/nologin
ftp:x:14:50:FTP User:/var/ftp:/sbin/nologin
nobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin
systemd-coredump:x:999:997:systemd Core Dumper:/:/sbin/nologin
dbus:x:81:81:System message bus:/:/sbin/nologin
polkitd:x:998:996:User for polkitd:/:/sbin/nologin
sshd:x:74:74:Privilege-separated SSH:/usr/share/empty.sshd:/sbin/nologin
chrony:x:997:995::/var/lib/chrony:/sbin/nologin
`;

const GROUP = `root:x:0:
bin:x:1:
daemon:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mem:x:8:
kmem:x:9:
wheel:x:10:
mail:x:12:
games:x:20:
ftp:x:50:
nobody:x:65534:
`;

/** Create the base filesystem of a host. `hosts` is the /etc/hosts content. */
export function buildRootfs(h: Host, hostsFile: string): void {
  const fs = h.fs;
  for (const d of ['/bin', '/boot', '/dev', '/etc', '/home', '/mnt', '/opt', '/proc', '/root', '/run', '/srv', '/sys', '/tmp',
    '/usr/bin', '/usr/sbin', '/usr/lib/sysctl.d', '/usr/lib/systemd/system', '/usr/share', '/usr/local/bin',
    '/var/log', '/var/tmp', '/var/lib', '/etc/sysctl.d', '/etc/sysconfig', '/etc/NetworkManager/system-connections',
    '/etc/NetworkManager/conf.d', '/etc/systemd/system', '/etc/yum.repos.d', '/run/sysctl.d']) {
    fs.mkdir(d, { parents: true });
  }
  fs.chmod('/root', 0o550);
  fs.chmod('/tmp', 0o1777);
  fs.chmod('/var/tmp', 0o1777);
  fs.chmod('/etc/NetworkManager/system-connections', 0o700);
  fs.mknodChar('/dev/null', 'null');
  fs.mknodChar('/dev/zero', 'zero');
  fs.mknodChar('/dev/urandom', 'urandom');
  fs.mknodChar('/dev/random', 'random');
  fs.mknodChar('/dev/full', 'full');
  fs.mknodChar('/dev/tty', 'tty');
  fs.install('/etc/hostname', h.hostname + '\n');
  fs.install('/etc/hosts', hostsFile);
  fs.install('/etc/sysctl.conf', SYSCTL_CONF);
  fs.symlink('../sysctl.conf', '/etc/sysctl.d/99-sysctl.conf');
  fs.install('/usr/lib/sysctl.d/50-default.conf', SYSTEMD_50_DEFAULT);
  fs.install('/etc/os-release', OS_RELEASE);
  fs.install('/etc/redhat-release', 'Red Hat Enterprise Linux release 9.4 (Plow)\n');
  fs.install('/etc/services', SERVICES);
  fs.install('/etc/passwd', PASSWD);
  fs.install('/etc/group', GROUP);
  fs.install('/etc/shadow', 'root:$6$lab$hash:19857:0:99999:7:::\n', 0o000);
  fs.install('/etc/resolv.conf', '# Generated by NetworkManager\nnameserver 8.8.8.8\n');
  fs.install('/etc/machine-id', h.rng.fork('machine-id').u32().toString(16).padStart(8, '0').repeat(4) + '\n', 0o444);
  fs.install('/root/.bashrc', BASHRC);
  fs.install('/root/.bash_profile', BASH_PROFILE);
  fs.install('/root/.bash_logout', '# ~/.bash_logout\n');
  fs.install('/root/anaconda-ks.cfg', '#version=RHEL9\n# Use graphical install\ngraphical\n', 0o600);
  fs.install('/etc/bashrc', '# /etc/bashrc\n\n# System wide functions and aliases\n# Environment stuff goes in /etc/profile\n');
  fs.install('/etc/profile', '# /etc/profile\n\n# System wide environment and startup programs, for login setup\n');
  fs.install('/etc/sysconfig/network', '# Created by anaconda\n');
  fs.install('/etc/NetworkManager/NetworkManager.conf', '# Configuration file for NetworkManager.\n#\n# See "man 5 NetworkManager.conf" for details.\n\n[main]\n#plugins=keyfile,ifcfg-rh\n\n[logging]\n#level=DEBUG\n#domains=ALL\n');
  fs.install('/etc/yum.repos.d/redhat.repo', '#\n# Certificate-Based Repositories\n# Managed by (rhsm) subscription-manager\n#\n');
}
