/**
 * The RPM packages a lab host can have, as RHEL 9.4's repositories offer them: name,
 * version, size, summary, the files they put on disk and the units they bring. `dnf`
 * (the command) uses this for its transaction output; presets use `installPackage` to build
 * hosts that already have httpd, NetworkManager and so on.
 */
import type { Host } from '../net/host.ts';

export interface PackageDef {
  readonly name: string;
  readonly epoch?: number;
  readonly version: string;
  readonly release: string;
  readonly arch: 'x86_64' | 'noarch';
  readonly repo: 'rhel-9-for-x86_64-baseos-rpms' | 'rhel-9-for-x86_64-appstream-rpms';
  /** Download size in bytes. */
  readonly size: number;
  /** Installed size in bytes. */
  readonly installSize: number;
  readonly summary: string;
  /** Packages pulled in when this one is installed (and not already there). */
  readonly requires?: readonly string[];
  /** Executables it provides (marker files are written under their paths). */
  readonly bins?: readonly string[];
  /** Files and directories it installs. */
  install?(h: Host): void;
  uninstall?(h: Host): void;
}

const PKGS = new Map<string, PackageDef>();

export function definePackage(p: PackageDef): void { PKGS.set(p.name, p); }
export function packageDef(name: string): PackageDef | undefined { return PKGS.get(name); }
export function allPackages(): PackageDef[] { return [...PKGS.values()]; }

/** name-version-release.arch */
export function nevra(p: PackageDef): string {
  return `${p.name}-${p.epoch ? p.epoch + ':' : ''}${p.version}-${p.release}.${p.arch}`;
}

/** The packages `name` would install (itself and missing requirements, dependencies first). */
export function resolveInstall(h: Host, name: string): PackageDef[] {
  const out: PackageDef[] = [];
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n) || h.packages.has(n)) return;
    seen.add(n);
    const p = PKGS.get(n);
    if (!p) return;
    for (const r of p.requires ?? []) visit(r);
    out.push(p);
  };
  visit(name);
  return out;
}

/** Install silently (presets, and the dnf command after printing its transaction). */
export function installPackage(h: Host, name: string): void {
  for (const p of resolveInstall(h, name)) {
    h.packages.add(p.name);
    for (const b of p.bins ?? []) h.fs.install(b, `\x7fELF (${p.name})\n`, 0o755);
    p.install?.(h);
  }
}

export function removePackage(h: Host, name: string): boolean {
  const p = PKGS.get(name);
  if (!p || !h.packages.has(name)) return false;
  const u = h.sd.unit(name);
  if (u && u.state === 'active') h.sd.stop(name);
  p.uninstall?.(h);
  for (const b of p.bins ?? []) { try { h.fs.unlink(b); } catch { /* gone */ } }
  h.packages.delete(name);
  return true;
}

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

const BASEOS = 'rhel-9-for-x86_64-baseos-rpms' as const;
const APPSTREAM = 'rhel-9-for-x86_64-appstream-rpms' as const;

const base: [string, string, string, string][] = [
  ['bash', '5.1.8', '9.el9', 'The GNU Bourne Again shell'],
  ['coreutils', '8.32', '35.el9', 'A set of basic GNU tools commonly used in shell scripts'],
  ['iproute', '6.2.0', '6.el9_4', 'Advanced IP routing and network device configuration tools'],
  ['iputils', '20210202', '9.el9', 'Network monitoring tools including ping'],
  ['procps-ng', '3.3.17', '14.el9', 'System and process monitoring utilities'],
  ['curl', '7.76.1', '29.el9_4', 'A utility for getting files from remote servers (FTP, HTTP, and others)'],
  ['systemd', '252', '32.el9_4', 'System and Service Manager'],
  ['grep', '3.6', '5.el9', 'Pattern matching utilities'],
  ['sed', '4.8', '9.el9', 'A GNU stream text editor'],
  ['gawk', '5.1.0', '6.el9', 'The GNU version of the AWK text processing utility'],
  ['dnf', '4.14.0', '9.el9', 'Package manager'],
  ['firewalld', '1.3.4', '1.el9', 'A firewall daemon with D-Bus interface providing a dynamic firewall'],
  ['iptables-nft', '1.8.10', '2.el9', 'nftables compatibility for iptables, arptables and ebtables'],
  ['openssh-server', '8.7p1', '38.el9', 'An open source SSH server daemon'],
  ['vim-minimal', '8.2.2637', '20.el9_1', 'A minimal version of the VIM editor'],
  ['vim-enhanced', '8.2.2637', '20.el9_1', 'A version of the VIM editor which includes recent enhancements'],
  ['hostname', '3.23', '6.el9', 'Utility to set/show the host name or domain name'],
  ['traceroute', '2.1.0', '16.el9', 'Traces the route taken by packets over an IPv4/IPv6 network'],
  ['kmod', '28', '9.el9', 'Linux kernel module management utilities'],
];
for (const [name, version, release, summary] of base) {
  definePackage({ name, version, release, arch: 'x86_64', repo: BASEOS, size: 500_000, installSize: 1_500_000, summary });
}

definePackage({
  name: 'NetworkManager', epoch: 1, version: '1.46.0', release: '8.el9_4', arch: 'x86_64', repo: BASEOS,
  size: 2_300_000, installSize: 6_400_000, summary: 'Network connection manager and user applications',
  bins: ['/usr/bin/nmcli', '/usr/sbin/NetworkManager'],
});

definePackage({
  name: 'apr', version: '1.7.0', release: '12.el9_3', arch: 'x86_64', repo: APPSTREAM, size: 126_000, installSize: 289_000,
  summary: 'Apache Portable Runtime library',
});
definePackage({
  name: 'apr-util', version: '1.6.1', release: '23.el9', arch: 'x86_64', repo: APPSTREAM, size: 97_000, installSize: 215_000,
  summary: 'Apache Portable Runtime Utility library', requires: ['apr'],
});
definePackage({
  name: 'httpd-filesystem', version: '2.4.57', release: '8.el9', arch: 'noarch', repo: APPSTREAM, size: 14_000, installSize: 400,
  summary: 'The basic directory layout for the Apache HTTP Server',
});
definePackage({
  name: 'httpd-tools', version: '2.4.57', release: '8.el9', arch: 'x86_64', repo: APPSTREAM, size: 86_000, installSize: 208_000,
  summary: 'Tools for use with the Apache HTTP Server',
});
definePackage({
  name: 'redhat-logos-httpd', version: '90.4', release: '2.el9', arch: 'noarch', repo: APPSTREAM, size: 18_000, installSize: 13_000,
  summary: 'Red Hat Enterprise Linux-related icons and pictures used by httpd',
});
definePackage({
  name: 'mod_lua', version: '2.4.57', release: '8.el9', arch: 'x86_64', repo: APPSTREAM, size: 61_000, installSize: 144_000,
  summary: 'Lua scripting support for the Apache HTTP Server',
});
definePackage({
  name: 'httpd-core', version: '2.4.57', release: '8.el9', arch: 'x86_64', repo: APPSTREAM, size: 1_500_000, installSize: 4_700_000,
  summary: 'httpd minimal core', requires: ['apr', 'apr-util', 'httpd-filesystem', 'httpd-tools'],
});
definePackage({
  name: 'httpd', version: '2.4.57', release: '8.el9', arch: 'x86_64', repo: APPSTREAM, size: 51_000, installSize: 95_000,
  summary: 'Apache HTTP Server', requires: ['httpd-core', 'redhat-logos-httpd', 'mod_lua'],
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
  summary: 'SSL/TLS module for the Apache HTTP Server', requires: ['httpd', 'sscg'],
  install(h) {
    h.fs.install('/etc/httpd/conf.d/ssl.conf', SSL_CONF);
    h.fs.install('/etc/httpd/conf.modules.d/00-ssl.conf', 'LoadModule ssl_module modules/mod_ssl.so\n');
  },
  uninstall(h) { try { h.fs.unlink('/etc/httpd/conf.d/ssl.conf'); } catch { /* gone */ } },
});
definePackage({
  name: 'sscg', version: '3.0.0', release: '7.el9', arch: 'x86_64', repo: APPSTREAM, size: 47_000, installSize: 107_000,
  summary: 'Simple SSL certificate generator',
});
definePackage({
  name: 'ipvsadm', version: '1.31', release: '6.el9', arch: 'x86_64', repo: APPSTREAM, size: 52_000, installSize: 90_000,
  summary: 'Utility to administer the Linux Virtual Server',
  bins: ['/usr/sbin/ipvsadm', '/usr/sbin/ipvsadm-save', '/usr/sbin/ipvsadm-restore'],
  install(h) { h.fs.install('/etc/sysconfig/ipvsadm-config', IPVSADM_CONFIG, 0o600); },
});
definePackage({
  name: 'tcpdump', epoch: 14, version: '4.99.0', release: '9.el9', arch: 'x86_64', repo: APPSTREAM, size: 545_000, installSize: 1_400_000,
  summary: 'A network traffic monitoring tool', bins: ['/usr/sbin/tcpdump'],
});
definePackage({
  name: 'keepalived', version: '2.2.8', release: '3.el9', arch: 'x86_64', repo: APPSTREAM, size: 574_000, installSize: 1_700_000,
  summary: 'High Availability monitor built upon LVS, VRRP and service pollers', requires: ['net-snmp-libs'],
  bins: ['/usr/sbin/keepalived'],
});
definePackage({
  name: 'net-snmp-libs', epoch: 1, version: '5.9.1', release: '13.el9', arch: 'x86_64', repo: APPSTREAM, size: 743_000, installSize: 2_900_000,
  summary: 'The NET-SNMP runtime client libraries',
});
definePackage({
  name: 'iptables-services', version: '1.8.10', release: '2.el9', arch: 'noarch', repo: APPSTREAM, size: 18_000, installSize: 22_000,
  summary: 'iptables and ip6tables misc files',
});
definePackage({
  name: 'net-tools', version: '2.0', release: '0.62.20160912git.el9', arch: 'x86_64', repo: BASEOS, size: 299_000, installSize: 935_000,
  summary: 'Basic networking tools', bins: ['/usr/sbin/ifconfig', '/usr/sbin/arp', '/usr/sbin/route', '/usr/bin/netstat'],
});
definePackage({
  name: 'nc', epoch: 0, version: '7.92', release: '1.el9', arch: 'x86_64', repo: APPSTREAM, size: 227_000, installSize: 500_000,
  summary: 'Nmap\'s Netcat replacement', bins: ['/usr/bin/nc', '/usr/bin/ncat'],
});
definePackage({
  name: 'telnet', epoch: 1, version: '0.17', release: '85.el9', arch: 'x86_64', repo: APPSTREAM, size: 64_000, installSize: 119_000,
  summary: 'The client program for the Telnet remote login protocol', bins: ['/usr/bin/telnet'],
});
definePackage({
  name: 'nano', version: '5.6.1', release: '5.el9', arch: 'x86_64', repo: BASEOS, size: 713_000, installSize: 2_700_000,
  summary: 'A small text editor', bins: ['/usr/bin/nano'],
});
definePackage({
  name: 'wireshark-cli', epoch: 1, version: '3.4.10', release: '6.el9', arch: 'x86_64', repo: APPSTREAM, size: 17_000_000, installSize: 80_000_000,
  summary: 'Network traffic analyzer', bins: ['/usr/sbin/tshark'],
});

/** What every preset host has installed. */
export const BASE_PACKAGES = ['bash', 'coreutils', 'iproute', 'iputils', 'procps-ng', 'curl', 'systemd', 'grep', 'sed', 'gawk',
  'dnf', 'firewalld', 'iptables-nft', 'openssh-server', 'vim-minimal', 'vim-enhanced', 'hostname', 'traceroute', 'kmod',
  'NetworkManager'];
