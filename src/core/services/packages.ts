/**
 * The RPM packages a lab host can have, as RHEL 9.4's repositories offer them: name,
 * version, size, summary, the files they put on disk and the units they bring, and each
 * host's rpm database (what is installed, why, from which repository, when). `dnf` (the
 * command) uses this for its transaction output; presets use `installPackage` to build hosts
 * that already have httpd, NetworkManager and so on.
 *
 * Installing a package writes its files, its units' files under /usr/lib/systemd/system,
 * and applies the vendor preset of its units (rpm's %systemd_post on first install), so a
 * freshly installed sshd is enabled while httpd and ipvsadm are not. The lab's machines
 * have firewalld installed but disabled (LAB_PRESET_OVERRIDES), as the lab spec says.
 * Package contents are represented by the files a student looks at; binaries are small
 * marker files. Versions are RHEL 9.4 GA's; there are no updates (check-update is empty).
 */
import type { Host } from '../net/host.ts';
import './baseUnits.ts';
import './kmod.ts';
import { FIREWALLD_CONF, PUBLIC_ZONE_XML } from './firewalld.ts';
import { SELINUX_CONFIG, SELINUX_CONFIG_PATH } from './selinux.ts';
import { knownUnits, vendorUnitText } from './systemd.ts';

export type RepoId = 'rhel-9-for-x86_64-baseos-rpms' | 'rhel-9-for-x86_64-appstream-rpms';

export interface PackageDef {
  readonly name: string;
  readonly epoch?: number;
  readonly version: string;
  readonly release: string;
  readonly arch: 'x86_64' | 'noarch';
  readonly repo: RepoId;
  /** Download size in bytes. */
  readonly size: number;
  /** Installed size in bytes. */
  readonly installSize: number;
  readonly summary: string;
  readonly description?: string;
  readonly url?: string;
  readonly license?: string;
  /** Packages pulled in when this one is installed (and not already there). */
  readonly requires?: readonly string[];
  /** Weak dependencies (Recommends:), installed too unless --setopt=install_weak_deps=False. */
  readonly weak?: readonly string[];
  /** Executables it provides (marker files are written under their paths). */
  readonly bins?: readonly string[];
  /** Other names it can be installed by (`dnf install vim` → vim-enhanced, `nc` → nmap-ncat). */
  readonly provides?: readonly string[];
  /** Other files it owns (configuration, data), for `rpm -ql` and `dnf provides`. */
  readonly files?: readonly string[];
  /** Scriptlets run at install (%pre before unpacking, %post after): dnf prints "Running scriptlet". */
  readonly scriptlets?: { readonly pre?: boolean; readonly post?: boolean };
  /** Files and directories it installs. */
  install?(h: Host): void;
  uninstall?(h: Host): void;
}

const PKGS = new Map<string, PackageDef>();

export function definePackage(p: PackageDef): void { PKGS.set(p.name, p); }
export function packageDef(name: string): PackageDef | undefined { return PKGS.get(name); }
export function allPackages(): PackageDef[] { return [...PKGS.values()]; }

/** The package a dnf argument names: name, name.arch, name-version[-release][.arch], or a provide. */
export function findPackage(spec: string): PackageDef | undefined {
  const direct = PKGS.get(spec);
  if (direct) return direct;
  for (const p of PKGS.values()) {
    if (spec === `${p.name}.${p.arch}` || spec === nevra(p) || spec === nvra(p) || spec === `${p.name}-${p.version}`
      || spec === `${p.name}-${p.version}-${p.release}` || spec === `${p.name}-${evr(p)}`) return p;
  }
  for (const p of PKGS.values()) if (p.provides?.includes(spec)) return p;
  return undefined;
}

/** name-[epoch:]version-release.arch, as dnf prints a package. */
export function nevra(p: PackageDef): string {
  return `${p.name}-${p.epoch ? p.epoch + ':' : ''}${p.version}-${p.release}.${p.arch}`;
}

/** name-version-release.arch, as rpm -q prints it (no epoch). */
export function nvra(p: PackageDef): string { return `${p.name}-${p.version}-${p.release}.${p.arch}`; }

/** [epoch:]version-release */
export function evr(p: PackageDef): string { return `${p.epoch ? p.epoch + ':' : ''}${p.version}-${p.release}`; }

// ---- the rpm database of a host ----------------------------------------------------------------

export type InstallReason = 'user' | 'dependency' | 'weak-dependency';

export interface RpmDbEntry {
  readonly reason: InstallReason;
  /** '@anaconda' for what the OS installer put there, else the repository id. */
  readonly fromRepo: string;
  /** Seconds since the epoch. */
  readonly installTime: number;
}

const DBS = new WeakMap<Host, Map<string, RpmDbEntry>>();

function db(h: Host): Map<string, RpmDbEntry> {
  let d = DBS.get(h);
  if (!d) { d = new Map(); DBS.set(h, d); }
  return d;
}

/** What the rpm database knows about an installed package. */
export function rpmDbEntry(h: Host, name: string): RpmDbEntry | undefined {
  if (!h.packages.has(name)) return undefined;
  return db(h).get(name) ?? { reason: 'user', fromRepo: 'anaconda', installTime: epochOf(h) };
}

/** Installed packages in installation order (rpm -qa's order). */
export function installedPackages(h: Host): PackageDef[] {
  const out: PackageDef[] = [];
  for (const n of h.packages) { const p = PKGS.get(n); if (p) out.push(p); }
  return out;
}

function epochOf(h: Host): number { return Math.floor((h.net.epochUs + h.now) / 1_000_000); }

/** The packages `name` would install (itself and missing requirements, dependencies first). */
export function resolveInstall(h: Host, name: string, opts: { weak?: boolean } = {}): PackageDef[] {
  return resolveInstallMany(h, [name], opts).map((x) => x.pkg);
}

export interface PlannedInstall { readonly pkg: PackageDef; readonly reason: InstallReason }

/** Several packages at once, each requirement once, dependencies first. */
export function resolveInstallMany(h: Host, names: readonly string[], opts: { weak?: boolean } = {}): PlannedInstall[] {
  const out: PlannedInstall[] = [];
  const seen = new Set<string>();
  const weak = opts.weak ?? true;
  const visit = (n: string, reason: InstallReason) => {
    if (seen.has(n) || h.packages.has(n)) return;
    seen.add(n);
    const p = PKGS.get(n);
    if (!p) return;
    for (const r of p.requires ?? []) visit(r, 'dependency');
    out.push({ pkg: p, reason });
    if (weak) for (const r of p.weak ?? []) visit(r, 'weak-dependency');
  };
  for (const n of names) visit(n, 'user');
  // A package asked for by name is a user install even if another one required it first.
  return out.map((x) => (names.includes(x.pkg.name) ? { pkg: x.pkg, reason: 'user' } : x));
}

/** What the lab's machines do differently from the vendor presets (the lab spec). */
const LAB_PRESET_OVERRIDES: Record<string, 'disable'> = { 'firewalld.service': 'disable' };

/** Put one package's files and units on disk and record it (no dependency handling). */
export function installOne(h: Host, p: PackageDef, reason: InstallReason, fromRepo?: string): void {
  const first = !h.packages.has(p.name);
  h.packages.add(p.name);
  db(h).set(p.name, { reason, fromRepo: fromRepo ?? (BASE_SET.has(p.name) ? 'anaconda' : p.repo), installTime: epochOf(h) });
  for (const b of p.bins ?? []) h.fs.install(b, `\x7fELF (${p.name})\n`, 0o755);
  p.install?.(h);
  for (const u of knownUnits()) {
    if (u.pkg !== p.name) continue;
    try { h.fs.install(u.path, vendorUnitText(u)); } catch { /* no room for it */ }
    if (first && u.preset === 'enabled' && !LAB_PRESET_OVERRIDES[u.name]) h.sd.preset(u.name);
  }
}

/** Install silently (presets, and the dnf command after printing its transaction). */
export function installPackage(h: Host, name: string, opts: { weak?: boolean; fromRepo?: string } = {}): void {
  for (const x of resolveInstallMany(h, [name], opts)) installOne(h, x.pkg, x.reason, opts.fromRepo);
}

/** Packages that require `name`, directly or not (removed with it). */
export function dependents(h: Host, names: readonly string[]): PackageDef[] {
  const gone = new Set(names);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of installedPackages(h)) {
      if (gone.has(p.name)) continue;
      if ((p.requires ?? []).some((r) => gone.has(r))) { gone.add(p.name); grew = true; }
    }
  }
  return installedPackages(h).filter((p) => gone.has(p.name) && !names.includes(p.name));
}

/** Dependencies nothing needs any more once `removed` are gone (dnf's clean_requirements_on_remove). */
export function unusedAfterRemove(h: Host, removed: readonly string[]): PackageDef[] {
  const gone = new Set(removed);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of installedPackages(h)) {
      if (gone.has(p.name)) continue;
      const e = rpmDbEntry(h, p.name);
      if (!e || e.reason === 'user') continue;
      const needed = installedPackages(h).some((q) => !gone.has(q.name) && [...(q.requires ?? []), ...(q.weak ?? [])].includes(p.name));
      if (!needed) { gone.add(p.name); grew = true; }
    }
  }
  return installedPackages(h).filter((p) => gone.has(p.name) && !removed.includes(p.name));
}

export function removePackage(h: Host, name: string): boolean {
  const p = PKGS.get(name);
  if (!p || !h.packages.has(name)) return false;
  for (const u of knownUnits()) {
    if (u.pkg !== name) continue;
    const rt = h.sd.unit(u.name);
    if (rt && rt.state === 'active') h.sd.stop(u.name);
    if (rt) h.sd.disableUnit(u.name);
    try { h.fs.unlink(u.path); } catch { /* gone */ }
  }
  p.uninstall?.(h);
  for (const b of p.bins ?? []) { try { h.fs.unlink(b); } catch { /* gone */ } }
  h.packages.delete(name);
  db(h).delete(name);
  return true;
}

/** Files a package owns, sorted, as `rpm -ql` lists them. */
export function packageFiles(p: PackageDef): string[] {
  const files = new Set<string>([...(p.files ?? []), ...(p.bins ?? [])]);
  for (const u of knownUnits()) if (u.pkg === p.name) files.add(u.path);
  files.add(`/usr/share/doc/${p.name}`);
  for (const b of p.bins ?? []) {
    const base = b.slice(b.lastIndexOf('/') + 1);
    files.add(`/usr/share/man/man${b.includes('/sbin/') ? 8 : 1}/${base}.${b.includes('/sbin/') ? 8 : 1}.gz`);
  }
  return [...files].sort();
}

// ---- dnf's repository metadata cache --------------------------------------------------------

export interface DnfCache {
  /** Epoch seconds of the last metadata download (null after `dnf clean all`). */
  lastCheck: number | null;
}

const CACHES = new WeakMap<Host, DnfCache>();

/** The metadata cache under /var/cache/dnf (survives reboots). First check: 12 min 34 s before the lab starts. */
export function dnfCache(h: Host): DnfCache {
  let c = CACHES.get(h);
  if (!c) { c = { lastCheck: Math.floor(h.net.epochUs / 1_000_000) - 754 }; CACHES.set(h, c); }
  return c;
}

export const REPOS: readonly { id: RepoId; name: string; size: number }[] = [
  { id: 'rhel-9-for-x86_64-appstream-rpms', name: 'Red Hat Enterprise Linux 9 for x86_64 - AppStream (RPMs)', size: 49_300_000 },
  { id: 'rhel-9-for-x86_64-baseos-rpms', name: 'Red Hat Enterprise Linux 9 for x86_64 - BaseOS (RPMs)', size: 21_700_000 },
];

// ---- the catalogue -----------------------------------------------------------------------------

const HTTPD_CONF = `#
# This is the main Apache HTTP server configuration file.  It contains the
# configuration directives that give the server its instructions.
# See <URL:http://httpd.apache.org/docs/2.4/> for detailed information.
#
ServerRoot "/etc/httpd"

#
# Listen: Allows you to bind Apache to specific IP addresses and/or
# ports, instead of the default. See also the <VirtualHost>
# directive.
#
#Listen 12.34.56.78:80
Listen 80

Include conf.modules.d/*.conf

User apache
Group apache

ServerAdmin root@localhost

#ServerName www.example.com:80

<Directory />
    AllowOverride none
    Require all denied
</Directory>

#
# DocumentRoot: The directory out of which you will serve your
# documents.
#
DocumentRoot "/var/www/html"

<Directory "/var/www">
    AllowOverride None
    Require all granted
</Directory>

<IfModule dir_module>
    DirectoryIndex index.html
</IfModule>

ErrorLog "logs/error_log"

LogLevel warn

<IfModule log_config_module>
    LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{Referer}i\\" \\"%{User-Agent}i\\"" combined
    CustomLog "logs/access_log" combined
</IfModule>

AddDefaultCharset UTF-8

EnableSendfile on

IncludeOptional conf.d/*.conf
`;

const SSL_CONF = `#
# When we also provide SSL we have to listen to the
# standard HTTP port (see above) and to the HTTPS port
#
Listen 443 https

SSLPassPhraseDialog exec:/usr/libexec/httpd-ssl-pass-dialog
SSLSessionCache         shmcb:/run/httpd/sslcache(512000)
SSLSessionCacheTimeout  300
SSLCryptoDevice builtin

<VirtualHost _default_:443>
ErrorLog logs/ssl_error_log
TransferLog logs/ssl_access_log
LogLevel warn
SSLEngine on
SSLHonorCipherOrder on
SSLCipherSuite PROFILE=SYSTEM
SSLProxyCipherSuite PROFILE=SYSTEM
SSLCertificateFile /etc/pki/tls/certs/localhost.crt
SSLCertificateKeyFile /etc/pki/tls/private/localhost.key
</VirtualHost>
`;

const IPVSADM_CONFIG = `# Unload modules on restart and stop
#   Value: yes|no,  default: yes
# This option has to be 'yes' to get to a sane state for a ipvs
# restart or stop. Only set to 'no' if there are problems unloading ipvs
# modules.
IPVS_MODULES_UNLOAD="yes"

# Save current ipvs rules on stop.
#   Value: yes|no,  default: no
# Saves all ipvs rules to /etc/sysconfig/ipvsadm if ipvsadm gets stopped
# (e.g. on system shutdown).
IPVS_SAVE_ON_STOP="no"

# Save current ipvs rules on restart.
#   Value: yes|no,  default: no
# Saves all ipvs rules to /etc/sysconfig/ipvsadm if ipvsadm gets
# restarted.
IPVS_SAVE_ON_RESTART="no"

# Numeric status output
#   Value: yes|no,  default: yes
# Print IP addresses and port numbers in numeric format in the status output.
IPVS_STATUS_NUMERIC="yes"
`;

/** The sample configuration keepalived 2.2.8 ships (keepalived/etc/keepalived/keepalived.conf). */
const KEEPALIVED_CONF = `! Configuration File for keepalived

global_defs {
   notification_email {
     acassen@firewall.loc
     failover@firewall.loc
     sysadmin@firewall.loc
   }
   notification_email_from Alexandre.Cassen@firewall.loc
   smtp_server 192.168.200.1
   smtp_connect_timeout 30
   router_id LVS_DEVEL
   vrrp_skip_check_adv_addr
   vrrp_strict
   vrrp_garp_interval 0
   vrrp_gna_interval 0
}

vrrp_instance VI_1 {
    state MASTER
    interface eth0
    virtual_router_id 51
    priority 100
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass 1111
    }
    virtual_ipaddress {
        192.168.200.16
        192.168.200.17
        192.168.200.18
    }
}

virtual_server 192.168.200.100 443 {
    delay_loop 6
    lb_algo rr
    lb_kind NAT
    persistence_timeout 50
    protocol TCP

    real_server 192.168.201.100 443 {
        weight 1
        SSL_GET {
            url {
              path /
              digest ff20ad2481f97b1754ef3e12ecd3a9cc
            }
            url {
              path /mrtg/
              digest 9b3a0c85a887a256d6939da88aabd8cd
            }
            connect_timeout 3
            retry 3
            delay_before_retry 3
        }
    }
}

virtual_server 10.10.10.2 1358 {
    delay_loop 6
    lb_algo rr
    lb_kind NAT
    persistence_timeout 50
    protocol TCP

    sorry_server 192.168.200.200 1358

    real_server 192.168.200.2 1358 {
        weight 1
        HTTP_GET {
            url {
              path /testurl/test.jsp
              digest 640205b7b0fc66c1ea91c463fac6334d
            }
            url {
              path /testurl2/test.jsp
              digest 640205b7b0fc66c1ea91c463fac6334d
            }
            url {
              path /testurl3/test.jsp
              digest 640205b7b0fc66c1ea91c463fac6334d
            }
            connect_timeout 3
            retry 3
            delay_before_retry 3
        }
    }

    real_server 192.168.200.3 1358 {
        weight 1
        HTTP_GET {
            url {
              path /testurl/test.jsp
              digest 640205b7b0fc66c1ea91c463fac6334c
            }
            url {
              path /testurl2/test.jsp
              digest 640205b7b0fc66c1ea91c463fac6334c
            }
            connect_timeout 3
            retry 3
            delay_before_retry 3
        }
    }
}
`;

const KEEPALIVED_SYSCONFIG = `# Options for keepalived. See \`keepalived --help' output and keepalived(8) and
# keepalived.conf(5) man pages for a list of all options. Here are the most
# common ones :
#
# --vrrp               -P    Only run with VRRP subsystem.
# --check              -C    Only run with Health-checker subsystem.
# --dont-release-vrrp  -V    Dont remove VRRP VIPs & VROUTEs on daemon stop.
# --dont-release-ipvs  -I    Dont remove IPVS topology on daemon stop.
# --dump-conf          -d    Dump the configuration data.
# --log-detail         -D    Detailed log messages.
# --log-facility       -S    0-7 Set local syslog facility (default=LOG_DAEMON)
#

KEEPALIVED_OPTIONS="-D"
`;

const SSHD_CONFIG = `#	$OpenBSD: sshd_config,v 1.104 2021/07/02 05:11:21 dtucker Exp $

# This is the sshd server system-wide configuration file.  See
# sshd_config(5) for more information.

# To modify the system-wide sshd configuration, create a  *.conf  file under
#  /etc/ssh/sshd_config.d/  which will be automatically included below
Include /etc/ssh/sshd_config.d/*.conf

#Port 22
#AddressFamily any
#ListenAddress 0.0.0.0
#ListenAddress ::

#PermitRootLogin prohibit-password
#PubkeyAuthentication yes

# To disable tunneled clear text passwords, change to no here!
#PasswordAuthentication yes

# override default of no subsystems
Subsystem	sftp	/usr/libexec/openssh/sftp-server
`;

const CHRONY_CONF = `# Use public servers from the pool.ntp.org project.
# Please consider joining the pool (https://www.pool.ntp.org/join.html).
pool 2.rhel.pool.ntp.org iburst

# Use NTP servers from DHCP.
sourcedir /run/chrony-dhcp

# Record the rate at which the system clock gains/losses time.
driftfile /var/lib/chrony/drift

# Allow the system clock to be stepped in the first three updates
# if its offset is larger than 1 second.
makestep 1.0 3

# Enable kernel synchronization of the real-time clock (RTC).
rtcsync

# Specify file containing keys for NTP authentication.
keyfile /etc/chrony.keys

# Save NTS keys and cookies.
ntsdumpdir /var/lib/chrony

# Insert/delete leap seconds by slewing instead of stepping.
#leapsecmode slew

# Get TAI-UTC offset and leap seconds from the system tz database.
leapsectz right/UTC

# Specify directory for log files.
logdir /var/log/chrony
`;

const VIMRC = `if v:lang =~ "utf8$" || v:lang =~ "UTF-8$"
   set fileencodings=ucs-bom,utf-8,latin1
endif

set nocompatible	" Use Vim defaults (much better!)
set bs=indent,eol,start		" allow backspacing over everything in insert mode
"set ai			" always set autoindenting on
"set backup		" keep a backup file
set viminfo='20,\\"50	" read/write a .viminfo file, don't store more
			" than 50 lines of registers
set history=50		" keep 50 lines of command line history
set ruler		" show the cursor position all the time
`;

/** A PEM block that looks like the real thing (deterministic per host). */
function pem(h: Host, label: string, lines: number, seed: string): string {
  const r = h.rng.fork(seed);
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const body: string[] = [];
  for (let i = 0; i < lines; i++) {
    let l = '';
    const n = i === lines - 1 ? 44 : 64;
    for (let k = 0; k < n; k++) l += abc[r.u32() % 64];
    body.push(i === lines - 1 ? l + '==' : l);
  }
  return `-----BEGIN ${label}-----\n${body.join('\n')}\n-----END ${label}-----\n`;
}

const BASEOS = 'rhel-9-for-x86_64-baseos-rpms' as const;
const APPSTREAM = 'rhel-9-for-x86_64-appstream-rpms' as const;

type BaseRow = [name: string, version: string, release: string, summary: string, extra?: Partial<PackageDef>];
const base: BaseRow[] = [
  ['bash', '5.1.8', '9.el9', 'The GNU Bourne Again shell', { bins: ['/usr/bin/bash'], license: 'GPLv3+' }],
  ['coreutils', '8.32', '35.el9', 'A set of basic GNU tools commonly used in shell scripts', { license: 'GPLv3+' }],
  ['iproute', '6.2.0', '6.el9_4', 'Advanced IP routing and network device configuration tools', { license: 'GPLv2+ and Public Domain' }],
  ['iputils', '20210202', '9.el9', 'Network monitoring tools including ping', { license: 'BSD and GPLv2+' }],
  ['procps-ng', '3.3.17', '14.el9', 'System and process monitoring utilities', { license: 'GPL+ and GPLv2 and GPLv2+ and GPLv3+ and LGPLv2+' }],
  ['curl', '7.76.1', '29.el9_4', 'A utility for getting files from remote servers (FTP, HTTP, and others)', { license: 'MIT' }],
  ['systemd', '252', '32.el9_4', 'System and Service Manager', {
    license: 'LGPLv2+ and MIT and GPLv2+', url: 'https://systemd.io', scriptlets: { pre: true, post: true },
    bins: ['/usr/bin/systemctl', '/usr/bin/journalctl', '/usr/bin/hostnamectl', '/usr/sbin/reboot', '/usr/sbin/poweroff',
      '/usr/sbin/halt', '/usr/sbin/shutdown', '/usr/lib/systemd/systemd'],
    files: ['/etc/systemd/system.conf', '/etc/systemd/journald.conf', '/etc/systemd/logind.conf'],
  }],
  ['grep', '3.6', '5.el9', 'Pattern matching utilities', { license: 'GPLv3+' }],
  ['sed', '4.8', '9.el9', 'A GNU stream text editor', { license: 'GPLv3+' }],
  ['gawk', '5.1.0', '6.el9', 'The GNU version of the AWK text processing utility', { license: 'GPLv3+ and GPLv2+ and LGPLv2+ and BSD' }],
  ['dnf', '4.14.0', '9.el9', 'Package manager', {
    arch: 'noarch', license: 'GPLv2+', url: 'https://github.com/rpm-software-management/dnf', bins: ['/usr/bin/dnf', '/usr/bin/dnf-3'],
    files: ['/etc/dnf/dnf.conf'],
  }],
  ['yum', '4.14.0', '9.el9', 'Package manager', { arch: 'noarch', license: 'GPLv2+', bins: ['/usr/bin/yum'], requires: ['dnf'] }],
  ['rpm', '4.16.1.3', '29.el9', 'The RPM package management system', { license: 'GPLv2+', bins: ['/usr/bin/rpm'] }],
  ['firewalld', '1.3.4', '1.el9', 'A firewall daemon with D-Bus interface providing a dynamic firewall', {
    arch: 'noarch', license: 'GPLv2+', url: 'https://firewalld.org', scriptlets: { post: true },
    bins: ['/usr/sbin/firewalld', '/usr/bin/firewall-cmd', '/usr/bin/firewall-offline-cmd'],
    files: ['/etc/firewalld/firewalld.conf', '/usr/lib/firewalld/zones/public.xml'],
  }],
  ['iptables-nft', '1.8.10', '2.el9', 'nftables compatibility for iptables, arptables and ebtables', {
    license: 'GPLv2', bins: ['/usr/sbin/iptables', '/usr/sbin/iptables-save', '/usr/sbin/iptables-restore', '/usr/sbin/xtables-nft-multi'],
  }],
  ['openssh-server', '8.7p1', '38.el9', 'An open source SSH server daemon', {
    license: 'BSD', url: 'http://www.openssh.com/portable.html', bins: ['/usr/sbin/sshd'], scriptlets: { pre: true, post: true },
    files: ['/etc/ssh/sshd_config', '/etc/sysconfig/sshd'],
  }],
  ['vim-minimal', '8.2.2637', '20.el9_1', 'A minimal version of the VIM editor', { license: 'Vim and MIT', bins: ['/usr/bin/vi'], epoch: 2 }],
  ['vim-enhanced', '8.2.2637', '20.el9_1', 'A version of the VIM editor which includes recent enhancements', {
    license: 'Vim and MIT', bins: ['/usr/bin/vim', '/usr/bin/vimdiff'], epoch: 2, requires: ['vim-common'], provides: ['vim'],
  }],
  ['vim-common', '8.2.2637', '20.el9_1', 'The common files needed by any version of the VIM editor', {
    license: 'Vim and MIT', epoch: 2, files: ['/etc/vimrc', '/usr/share/vim'],
  }],
  ['hostname', '3.23', '6.el9', 'Utility to set/show the host name or domain name', { license: 'GPLv2+', bins: ['/usr/bin/hostname'] }],
  ['traceroute', '2.1.0', '16.el9', 'Traces the route taken by packets over an IPv4/IPv6 network', { epoch: 3, license: 'GPLv2+', bins: ['/usr/bin/traceroute'] }],
  ['kmod', '28', '9.el9', 'Linux kernel module management utilities', {
    license: 'GPLv2+', bins: ['/usr/sbin/modprobe', '/usr/sbin/lsmod', '/usr/sbin/rmmod', '/usr/sbin/insmod', '/usr/sbin/modinfo', '/usr/sbin/depmod'],
  }],
  ['util-linux', '2.37.4', '18.el9', 'A collection of basic system utilities', { license: 'GPLv2 and GPLv2+ and LGPLv2+ and BSD with advertising and Public Domain', bins: ['/usr/bin/dmesg'] }],
  ['cronie', '1.5.7', '11.el9', 'Cron daemon for executing programs at set times', {
    license: 'MIT and BSD and ISC and GPLv2+', bins: ['/usr/sbin/crond', '/usr/bin/crontab'], scriptlets: { post: true },
    files: ['/etc/sysconfig/crond'],
  }],
  ['chrony', '4.5', '1.el9', 'An NTP client/server', {
    license: 'GPLv2', url: 'https://chrony-project.org', bins: ['/usr/sbin/chronyd', '/usr/bin/chronyc'], scriptlets: { pre: true, post: true },
    files: ['/etc/chrony.conf'],
  }],
  ['audit', '3.1.2', '2.el9', 'User space tools for kernel auditing', { license: 'GPLv2+', bins: ['/sbin/auditd', '/usr/sbin/ausearch'], scriptlets: { post: true } }],
  ['rsyslog', '8.2310.0', '4.el9', 'Enhanced system logging and kernel message trapping daemon', { license: '(GPLv3+ and ASL 2.0)', bins: ['/usr/sbin/rsyslogd'], scriptlets: { post: true } }],
  ['tuned', '2.22.1', '1.el9', 'A dynamic adaptive system tuning daemon', { arch: 'noarch', license: 'GPLv2+', bins: ['/usr/sbin/tuned', '/usr/sbin/tuned-adm'], scriptlets: { post: true } }],
  ['irqbalance', '1.9.3', '5.el9', 'IRQ balancing daemon', { epoch: 2, license: 'GPLv2', bins: ['/usr/sbin/irqbalance'], scriptlets: { post: true } }],
  ['dbus-broker', '28', '7.el9', 'Linux D-Bus Message Broker', { license: 'ASL 2.0', bins: ['/usr/bin/dbus-broker', '/usr/bin/dbus-broker-launch'], scriptlets: { post: true } }],
  ['open-vm-tools', '12.3.5', '2.el9', 'Open Virtual Machine Tools for virtual machines hosted on VMware', { license: 'GPLv2', bins: ['/usr/bin/vmtoolsd'], scriptlets: { post: true } }],
  ['kexec-tools', '2.0.27', '8.el9', 'The kexec/kdump userspace component', { license: 'GPLv2', bins: ['/usr/bin/kdumpctl', '/usr/sbin/kexec'], scriptlets: { post: true } }],
  ['logrotate', '3.18.0', '8.el9', 'Rotates, compresses, removes and mails system log files', { license: 'GPLv2+', bins: ['/usr/sbin/logrotate'], scriptlets: { post: true } }],
  ['less', '590', '4.el9_4', 'A text file browser similar to more, but better', { license: 'GPLv3+ or BSD', bins: ['/usr/bin/less'] }],
  ['tar', '1.34', '6.el9_1', 'GNU file archiving program', { epoch: 2, license: 'GPLv3+', bins: ['/usr/bin/tar'] }],
  ['which', '2.21', '29.el9', 'Displays where a particular program in your path is located', { license: 'GPLv3', bins: ['/usr/bin/which'] }],
  ['libselinux-utils', '3.6', '1.el9', 'SELinux libselinux utilities', { license: 'Public Domain', bins: ['/usr/sbin/getenforce', '/usr/sbin/setenforce'] }],
  ['policycoreutils', '3.6', '2.1.el9', 'SELinux policy core utilities', {
    license: 'GPLv2', bins: ['/usr/sbin/sestatus'], scriptlets: { post: true },
  }],
  ['selinux-policy', '38.1.35', '2.el9_4', 'SELinux policy configuration', { arch: 'noarch', license: 'GPLv2+', files: ['/etc/selinux/config'], scriptlets: { post: true } }],
  ['openssl', '3.0.7', '27.el9', 'Utilities from the general purpose cryptography library with TLS implementation', { epoch: 1, license: 'ASL 2.0', bins: ['/usr/bin/openssl'] }],
];
const SIZES: Record<string, [number, number]> = {
  bash: [1_800_000, 7_700_000], coreutils: [1_200_000, 5_900_000], systemd: [4_300_000, 13_300_000], dnf: [470_000, 2_000_000],
  firewalld: [480_000, 2_000_000], 'vim-enhanced': [1_800_000, 4_000_000], 'vim-common': [7_300_000, 31_000_000],
  'util-linux': [2_400_000, 12_000_000], rpm: [550_000, 2_500_000],
};
for (const [name, version, release, summary, extra] of base) {
  const [size, installSize] = SIZES[name] ?? [320_000, 1_100_000];
  definePackage({ name, version, release, arch: 'x86_64', repo: BASEOS, size, installSize, summary, ...extra });
}
// Files of the base packages that a student may open.
const baseFiles: Record<string, (h: Host) => void> = {
  firewalld(h) {
    h.fs.install('/etc/firewalld/firewalld.conf', FIREWALLD_CONF);
    h.fs.install('/usr/lib/firewalld/zones/public.xml', PUBLIC_ZONE_XML);
    h.fs.mkdir('/etc/firewalld/zones', { parents: true });
  },
  'openssh-server'(h) {
    h.fs.install('/etc/ssh/sshd_config', SSHD_CONFIG, 0o600);
    h.fs.install('/etc/sysconfig/sshd', '# Configuration file for the sshd service.\n');
    h.fs.mkdir('/etc/ssh/sshd_config.d', { parents: true });
  },
  chrony(h) { h.fs.install('/etc/chrony.conf', CHRONY_CONF); },
  'selinux-policy'(h) { h.fs.install(SELINUX_CONFIG_PATH, SELINUX_CONFIG); },
  cronie(h) { h.fs.install('/etc/sysconfig/crond', '# Settings for the CRON daemon.\n# CRONDARGS= :  any extra command-line startup arguments for crond\nCRONDARGS=\n'); },
  'vim-common'(h) { h.fs.install('/etc/vimrc', VIMRC); },
  dnf(h) { h.fs.install('/etc/dnf/dnf.conf', '[main]\ngpgcheck=1\ninstallonly_limit=3\nclean_requirements_on_remove=True\nbest=True\nskip_if_unavailable=False\n'); },
  systemd(h) {
    h.fs.install('/etc/systemd/journald.conf', '#  This file is part of systemd.\n#\n# See journald.conf(5) for details.\n\n[Journal]\n#Storage=auto\n#Compress=yes\n');
    h.fs.install('/etc/systemd/system.conf', '#  This file is part of systemd.\n#\n# See systemd-system.conf(5) for details.\n\n[Manager]\n#LogLevel=info\n');
  },
};
for (const [name, fn] of Object.entries(baseFiles)) {
  const p = PKGS.get(name)!;
  definePackage({ ...p, install: fn });
}

definePackage({
  name: 'NetworkManager', epoch: 1, version: '1.46.0', release: '8.el9_4', arch: 'x86_64', repo: BASEOS,
  size: 2_300_000, installSize: 6_400_000, summary: 'Network connection manager and user applications',
  url: 'https://networkmanager.dev/', license: 'GPLv2+ and LGPLv2+', scriptlets: { post: true },
  bins: ['/usr/bin/nmcli', '/usr/sbin/NetworkManager'],
});

definePackage({
  name: 'apr', version: '1.7.0', release: '12.el9_3', arch: 'x86_64', repo: APPSTREAM, size: 126_000, installSize: 289_000,
  summary: 'Apache Portable Runtime library', license: 'ASL 2.0 and BSD with advertising and ISC and BSD',
});
definePackage({
  name: 'apr-util', version: '1.6.1', release: '23.el9', arch: 'x86_64', repo: APPSTREAM, size: 97_000, installSize: 215_000,
  summary: 'Apache Portable Runtime Utility library', requires: ['apr', 'apr-util-bdb'], weak: ['apr-util-openssl'], license: 'ASL 2.0',
});
definePackage({
  name: 'apr-util-bdb', version: '1.6.1', release: '23.el9', arch: 'x86_64', repo: APPSTREAM, size: 15_000, installSize: 16_000,
  summary: 'APR utility library Berkeley DB driver', license: 'ASL 2.0',
});
definePackage({
  name: 'apr-util-openssl', version: '1.6.1', release: '23.el9', arch: 'x86_64', repo: APPSTREAM, size: 17_000, installSize: 24_000,
  summary: 'APR utility library OpenSSL crypto support', license: 'ASL 2.0',
});
definePackage({
  name: 'httpd-filesystem', version: '2.4.57', release: '8.el9', arch: 'noarch', repo: APPSTREAM, size: 14_000, installSize: 400,
  summary: 'The basic directory layout for the Apache HTTP Server', scriptlets: { pre: true }, license: 'ASL 2.0',
});
definePackage({
  name: 'httpd-tools', version: '2.4.57', release: '8.el9', arch: 'x86_64', repo: APPSTREAM, size: 86_000, installSize: 208_000,
  summary: 'Tools for use with the Apache HTTP Server', bins: ['/usr/bin/ab', '/usr/bin/htpasswd'], license: 'ASL 2.0',
});
definePackage({
  name: 'redhat-logos-httpd', version: '90.4', release: '2.el9', arch: 'noarch', repo: APPSTREAM, size: 18_000, installSize: 13_000,
  summary: 'Red Hat Enterprise Linux-related icons and pictures used by httpd', license: 'Licensed only for approved usage, see COPYING for details.',
});
definePackage({
  name: 'mod_lua', version: '2.4.57', release: '8.el9', arch: 'x86_64', repo: APPSTREAM, size: 61_000, installSize: 144_000,
  summary: 'Lua scripting support for the Apache HTTP Server', license: 'ASL 2.0',
});
definePackage({
  name: 'mod_http2', version: '2.0.26', release: '1.el9', arch: 'x86_64', repo: APPSTREAM, size: 165_000, installSize: 418_000,
  summary: 'module implementing HTTP/2 for Apache 2', license: 'ASL 2.0',
});
definePackage({
  name: 'httpd-core', version: '2.4.57', release: '8.el9', arch: 'x86_64', repo: APPSTREAM, size: 1_500_000, installSize: 4_700_000,
  summary: 'httpd minimal core', requires: ['apr', 'apr-util', 'httpd-filesystem', 'httpd-tools'], license: 'ASL 2.0',
  files: ['/etc/httpd/conf/httpd.conf', '/etc/httpd/conf.d/README', '/etc/httpd/conf.d/welcome.conf', '/var/log/httpd', '/var/www/html', '/var/www/cgi-bin'],
});
definePackage({
  name: 'httpd', version: '2.4.57', release: '8.el9', arch: 'x86_64', repo: APPSTREAM, size: 51_000, installSize: 95_000,
  summary: 'Apache HTTP Server', requires: ['httpd-core', 'redhat-logos-httpd'], weak: ['mod_lua', 'mod_http2'],
  url: 'https://httpd.apache.org/', license: 'ASL 2.0', scriptlets: { post: true },
  description: 'The Apache HTTP Server is a powerful, efficient, and extensible web server.',
  bins: ['/usr/sbin/httpd', '/usr/sbin/apachectl'],
  install(h) {
    const fs = h.fs;
    fs.install('/etc/httpd/conf/httpd.conf', HTTPD_CONF);
    fs.install('/etc/httpd/conf.d/welcome.conf', '#\n# This configuration file enables the default "Welcome" page if there\n# is no default index page present for the root URL.\n#\n<LocationMatch "^/+$">\n    Options -Indexes\n    ErrorDocument 403 /.noindex.html\n</LocationMatch>\n');
    fs.install('/etc/httpd/conf.d/README', '\nThis directory holds configuration files for the Apache HTTP Server;\nany files in this directory which have the ".conf" extension will be\nprocessed as httpd configuration files.\n');
    fs.mkdir('/etc/httpd/conf.modules.d', { parents: true });
    fs.mkdir('/var/www/html', { parents: true });
    fs.mkdir('/var/www/cgi-bin', { parents: true });
    fs.mkdir('/var/log/httpd', { parents: true });
    fs.chmod('/var/log/httpd', 0o700);
    if (!fs.exists('/var/log/httpd/access_log')) fs.install('/var/log/httpd/access_log', '');
    if (!fs.exists('/var/log/httpd/error_log')) fs.install('/var/log/httpd/error_log', '');
  },
});
definePackage({
  name: 'mod_ssl', epoch: 1, version: '2.4.57', release: '8.el9', arch: 'x86_64', repo: APPSTREAM, size: 112_000, installSize: 267_000,
  summary: 'SSL/TLS module for the Apache HTTP Server', requires: ['httpd', 'sscg'], license: 'ASL 2.0', url: 'https://httpd.apache.org/',
  description: 'The mod_ssl module provides strong cryptography for the Apache Web\nserver via the Secure Sockets Layer (SSL) and Transport Layer\nSecurity (TLS) protocols.',
  files: ['/etc/httpd/conf.d/ssl.conf', '/etc/httpd/conf.modules.d/00-ssl.conf', '/usr/libexec/httpd-ssl-gencerts', '/usr/libexec/httpd-ssl-pass-dialog'],
  install(h) {
    h.fs.install('/etc/httpd/conf.d/ssl.conf', SSL_CONF);
    h.fs.install('/etc/httpd/conf.modules.d/00-ssl.conf', 'LoadModule ssl_module modules/mod_ssl.so\n');
    h.fs.install('/usr/libexec/httpd-ssl-gencerts', '#!/usr/bin/bash\nset -e\n\nFQDN=`hostname`\n# A >59 char FQDN means "root@FQDN" exceeds 64-char max length for emailAddress\nif [ "x${FQDN}" = "x" -o ${#FQDN} -gt 59 ]; then\n   FQDN=localhost.localdomain\nfi\n\nsscg -q                                                             \\\n     --cert-file           /etc/pki/tls/certs/localhost.crt         \\\n     --cert-key-file       /etc/pki/tls/private/localhost.key       \\\n     --ca-file             /etc/pki/tls/certs/localhost.crt         \\\n     --dhparams-file       /tmp/dhparams.pem                        \\\n     --lifetime            365                                      \\\n     --hostname            $FQDN                                    \\\n     --email               root@$FQDN\n', 0o755);
    // httpd-init.service (httpd-ssl-gencerts) makes these at the first start; the lab makes them at once.
    if (!h.fs.exists('/etc/pki/tls/certs/localhost.crt')) h.fs.install('/etc/pki/tls/certs/localhost.crt', pem(h, 'CERTIFICATE', 20, 'localhost.crt') + pem(h, 'CERTIFICATE', 20, 'localhost-ca.crt'));
    if (!h.fs.exists('/etc/pki/tls/private/localhost.key')) h.fs.install('/etc/pki/tls/private/localhost.key', pem(h, 'PRIVATE KEY', 26, 'localhost.key'), 0o600);
  },
  uninstall(h) {
    for (const f of ['/etc/httpd/conf.d/ssl.conf', '/etc/httpd/conf.modules.d/00-ssl.conf', '/usr/libexec/httpd-ssl-gencerts']) {
      try { h.fs.unlink(f); } catch { /* gone */ }
    }
  },
});
definePackage({
  name: 'sscg', version: '3.0.0', release: '7.el9', arch: 'x86_64', repo: APPSTREAM, size: 47_000, installSize: 107_000,
  summary: 'Simple SSL certificate generator', bins: ['/usr/bin/sscg'], license: 'GPLv3+ with exceptions',
});
definePackage({
  name: 'ipvsadm', version: '1.31', release: '6.el9', arch: 'x86_64', repo: APPSTREAM, size: 55_300, installSize: 90_000,
  summary: 'Utility to administer the Linux Virtual Server', license: 'GPLv2+', url: 'https://kernel.org/pub/linux/utils/kernel/ipvsadm/',
  scriptlets: { post: true },
  description: 'ipvsadm is used to setup, maintain, and inspect the virtual server\ntable in the Linux kernel. The Linux Virtual Server can be used to\nbuild scalable network services based on a cluster of two or more\nnodes. The active node of the cluster redirects service requests to a\ncollection of server hosts that will actually perform the services.\nSupported Features include:\n  - two transport layer (layer-4) protocols  (TCP and UDP)\n  - three packet-forwarding methods (NAT, tunneling, and direct routing)\n  - eight load balancing algorithms (round robin, weighted round robin,\n    least-connection, weighted least-connection, locality-based\n    least-connection, locality-based least-connection with\n    replication, destination-hashing, and source-hashing)',
  bins: ['/usr/sbin/ipvsadm', '/usr/sbin/ipvsadm-save', '/usr/sbin/ipvsadm-restore'],
  files: ['/etc/sysconfig/ipvsadm-config', '/usr/share/doc/ipvsadm/README'],
  install(h) { h.fs.install('/etc/sysconfig/ipvsadm-config', IPVSADM_CONFIG, 0o600); },
});
definePackage({
  name: 'tcpdump', epoch: 14, version: '4.99.0', release: '9.el9', arch: 'x86_64', repo: APPSTREAM, size: 545_000, installSize: 1_400_000,
  summary: 'A network traffic monitoring tool', bins: ['/usr/sbin/tcpdump'], requires: ['libpcap'], license: 'BSD with advertising',
  url: 'http://www.tcpdump.org', scriptlets: { pre: true },
  description: 'Tcpdump is a command-line tool for monitoring network traffic.\nTcpdump can capture and display the packet headers on a particular\nnetwork interface or on all interfaces.',
});
definePackage({
  name: 'libpcap', epoch: 14, version: '1.10.0', release: '4.el9', arch: 'x86_64', repo: BASEOS, size: 177_000, installSize: 397_000,
  summary: 'A system-independent interface for user-level packet capture', license: 'BSD with advertising',
});
definePackage({
  name: 'keepalived', version: '2.2.8', release: '3.el9', arch: 'x86_64', repo: APPSTREAM, size: 574_000, installSize: 1_700_000,
  summary: 'High Availability monitor built upon LVS, VRRP and service pollers', requires: ['net-snmp-libs', 'lm_sensors-libs', 'mariadb-connector-c'],
  license: 'GPLv2+', url: 'http://www.keepalived.org/', scriptlets: { post: true },
  description: 'Keepalived provides simple and robust facilities for load balancing\nand high availability to Linux system and Linux based infrastructures.\nThe load balancing framework relies on well-known and widely used\nLinux Virtual Server (IPVS) kernel module providing Layer4 load\nbalancing. Keepalived implements a set of checkers to dynamically and\nadaptively maintain and manage load-balanced server pool according\ntheir health. High availability is achieved by VRRP protocol. VRRP is\na fundamental brick for router failover. In addition, keepalived\nimplements a set of hooks to the VRRP finite state machine providing\nlow-level and high-speed protocol interactions. Keepalived frameworks\ncan be used independently or all together to provide resilient\ninfrastructures.',
  bins: ['/usr/sbin/keepalived', '/usr/bin/genhash'],
  files: ['/etc/keepalived/keepalived.conf', '/etc/sysconfig/keepalived'],
  install(h) {
    h.fs.install('/etc/keepalived/keepalived.conf', KEEPALIVED_CONF);
    h.fs.install('/etc/sysconfig/keepalived', KEEPALIVED_SYSCONFIG);
  },
});
definePackage({
  name: 'net-snmp-libs', epoch: 1, version: '5.9.1', release: '13.el9', arch: 'x86_64', repo: APPSTREAM, size: 743_000, installSize: 2_900_000,
  summary: 'The NET-SNMP runtime client libraries', license: 'BSD',
});
definePackage({
  name: 'lm_sensors-libs', version: '3.6.0', release: '10.el9', arch: 'x86_64', repo: APPSTREAM, size: 42_000, installSize: 87_000,
  summary: 'Lm_sensors core libraries', license: 'LGPLv2+',
});
definePackage({
  name: 'mariadb-connector-c', version: '3.2.6', release: '1.el9_0', arch: 'x86_64', repo: APPSTREAM, size: 206_000, installSize: 532_000,
  summary: 'The MariaDB Native Client library (C driver)', requires: ['mariadb-connector-c-config'], license: 'LGPLv2+',
});
definePackage({
  name: 'mariadb-connector-c-config', version: '3.2.6', release: '1.el9_0', arch: 'noarch', repo: APPSTREAM, size: 11_000, installSize: 497,
  summary: 'Configuration files for packages that use /etc/my.cnf as a configuration file', license: 'LGPLv2+',
});
definePackage({
  // Its files and iptables.service come from core/netfilter/unit.ts, which extends this entry.
  name: 'iptables-services', version: '1.8.10', release: '2.el9', arch: 'noarch', repo: APPSTREAM, size: 18_000, installSize: 22_000,
  summary: 'iptables and ip6tables misc files', license: 'GPLv2', scriptlets: { post: true },
  description: 'iptables services for IPv4 and IPv6\n\nThis package provides the services iptables and ip6tables that have been split\nout of the base package since they are not active by default anymore.',
  files: ['/etc/sysconfig/iptables', '/etc/sysconfig/iptables-config', '/usr/libexec/iptables/iptables.init'],
});
definePackage({
  name: 'net-tools', version: '2.0', release: '0.62.20160912git.el9', arch: 'x86_64', repo: BASEOS, size: 299_000, installSize: 935_000,
  summary: 'Basic networking tools', bins: ['/usr/sbin/ifconfig', '/usr/sbin/arp', '/usr/sbin/route', '/usr/bin/netstat'], license: 'GPLv2+',
});
definePackage({
  name: 'nmap-ncat', epoch: 3, version: '7.92', release: '1.el9', arch: 'x86_64', repo: APPSTREAM, size: 227_000, installSize: 500_000,
  summary: "Nmap's Netcat replacement", bins: ['/usr/bin/nc', '/usr/bin/ncat'], license: 'Nmap', provides: ['nc', 'ncat'],
});
definePackage({
  name: 'conntrack-tools', version: '1.4.7', release: '2.el9', arch: 'x86_64', repo: APPSTREAM, size: 235_000, installSize: 643_000,
  summary: 'Manipulate netfilter connection tracking table and run High Availability', bins: ['/usr/sbin/conntrack', '/usr/sbin/conntrackd'],
  requires: ['libnetfilter_cttimeout', 'libnetfilter_cthelper', 'libnetfilter_queue'], license: 'GPLv2', scriptlets: { post: true },
});
for (const [name, version, release, summary] of [
  ['libnetfilter_cttimeout', '1.0.0', '19.el9', 'Timeout policy tuning for Netfilter/conntrack'],
  ['libnetfilter_cthelper', '1.0.0', '22.el9', 'User-space infrastructure for connection tracking helpers'],
  ['libnetfilter_queue', '1.0.5', '1.el9', 'Netfilter queue userspace library'],
] as const) {
  definePackage({ name, version, release, arch: 'x86_64', repo: APPSTREAM, size: 24_000, installSize: 52_000, summary, license: 'GPLv2' });
}
definePackage({
  name: 'telnet', epoch: 1, version: '0.17', release: '85.el9', arch: 'x86_64', repo: APPSTREAM, size: 64_000, installSize: 119_000,
  summary: 'The client program for the Telnet remote login protocol', bins: ['/usr/bin/telnet'], license: 'BSD',
});
definePackage({
  name: 'nano', version: '5.6.1', release: '5.el9', arch: 'x86_64', repo: BASEOS, size: 713_000, installSize: 2_700_000,
  summary: 'A small text editor', bins: ['/usr/bin/nano'], license: 'GPLv3+',
});
definePackage({
  name: 'wireshark-cli', epoch: 1, version: '3.4.10', release: '6.el9', arch: 'x86_64', repo: APPSTREAM, size: 17_000_000, installSize: 80_000_000,
  summary: 'Network traffic analyzer', bins: ['/usr/sbin/tshark'], requires: ['libpcap'], license: 'GPL+',
});
definePackage({
  name: 'bind-utils', epoch: 32, version: '9.16.23', release: '15.el9', arch: 'x86_64', repo: APPSTREAM, size: 210_000, installSize: 449_000,
  summary: 'Utilities for querying DNS name servers', bins: ['/usr/bin/dig', '/usr/bin/host', '/usr/bin/nslookup'], license: 'MPLv2.0',
});
definePackage({
  name: 'lsof', version: '4.94.0', release: '3.el9', arch: 'x86_64', repo: BASEOS, size: 249_000, installSize: 947_000,
  summary: 'A utility which lists open files on a Linux/UNIX system', bins: ['/usr/bin/lsof'], license: 'zlib and Sendmail and LGPLv2+',
});
definePackage({
  name: 'wget', version: '1.21.1', release: '7.el9', arch: 'x86_64', repo: APPSTREAM, size: 792_000, installSize: 3_100_000,
  summary: 'A utility for retrieving files using the HTTP or FTP protocols', bins: ['/usr/bin/wget'], license: 'GPLv3+',
});

/** What every preset host has installed. */
export const BASE_PACKAGES = ['bash', 'coreutils', 'iproute', 'iputils', 'procps-ng', 'curl', 'systemd', 'grep', 'sed', 'gawk',
  'rpm', 'dnf', 'yum', 'firewalld', 'iptables-nft', 'openssh-server', 'vim-minimal', 'vim-enhanced', 'hostname', 'traceroute', 'kmod',
  'util-linux', 'cronie', 'chrony', 'audit', 'rsyslog', 'tuned', 'irqbalance', 'dbus-broker', 'open-vm-tools', 'kexec-tools',
  'logrotate', 'less', 'tar', 'which', 'openssl', 'NetworkManager', 'libselinux-utils', 'policycoreutils', 'selinux-policy'];
const BASE_SET: ReadonlySet<string> = new Set([...BASE_PACKAGES, 'vim-common']);
