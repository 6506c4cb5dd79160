/**
 * iptables-services on RHEL 9: the `iptables.service` unit (a oneshot that runs
 * /usr/libexec/iptables/iptables.init: start = iptables-restore of /etc/sysconfig/iptables,
 * stop = flush every table and set the policies back to ACCEPT), the package's default
 * /etc/sysconfig/iptables (the ruleset that rejects everything but ssh, ICMP and
 * established traffic — a classic way to break an LVS lab), and conntrack-tools.
 *
 * The package definitions extend the dnf catalogue (packages.ts) through definePackage, so
 * `dnf install iptables-services` installs the files and the unit becomes known.
 */
import type { Host } from '../net/host.ts';
import { definePackage, packageDef } from '../services/packages.ts';
import { registerUnit, type ServiceImpl, type Systemd } from '../services/systemd.ts';
import { makeContext, runIptablesRestore } from './cli.ts';
import { TABLE_NAMES, cloneTable, netfilterOf } from './tables.ts';

export const SYSCONFIG_IPTABLES = `# sample configuration for iptables service
# you can edit this manually or use system-config-firewall
# please do not ask us to add additional ports/services to this default configuration
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT
-A INPUT -p icmp -j ACCEPT
-A INPUT -i lo -j ACCEPT
-A INPUT -p tcp -m state --state NEW -m tcp --dport 22 -j ACCEPT
-A INPUT -j REJECT --reject-with icmp-host-prohibited
-A FORWARD -j REJECT --reject-with icmp-host-prohibited
COMMIT
`;

export const SYSCONFIG_IPTABLES_CONFIG = `# Load additional iptables modules (nat helpers)
#   Default: -none-
# Space separated list of nat helpers (e.g. 'ip_nat_ftp ip_nat_irc'), which
# are loaded after the firewall rules are applied. Options for the helpers are
# stored in /etc/modprobe.conf.
IPTABLES_MODULES=""

# Save current firewall rules on stop.
#   Value: yes|no,  default: no
# Saves all firewall rules to /etc/sysconfig/iptables if firewall gets stopped
# (e.g. on system shutdown).
IPTABLES_SAVE_ON_STOP="no"

# Save current firewall rules on restart.
#   Value: yes|no,  default: no
# Saves all firewall rules to /etc/sysconfig/iptables if firewall gets
# restarted.
IPTABLES_SAVE_ON_RESTART="no"

# Save (and restore) rule and chain counter.
#   Value: yes|no,  default: no
# Save counters for rules and chains to /etc/sysconfig/iptables if
# 'service iptables save' is called or on stop or restart if SAVE_ON_STOP or
# SAVE_ON_RESTART is enabled.
IPTABLES_SAVE_COUNTER="no"

# Numeric status output
#   Value: yes|no,  default: yes
# Print IP addresses and port numbers in numeric format in the status output.
IPTABLES_STATUS_NUMERIC="yes"
`;

const IPTABLES_DATA = '/etc/sysconfig/iptables';

/** Flush every table and reset policies (iptables.init stop). */
export function flushAll(h: Host): void {
  const nf = netfilterOf(h);
  for (const tn of TABLE_NAMES) {
    const t = cloneTable(nf.tables[tn]);
    if (!t.exists) continue;
    for (const c of [...t.chains.values()]) {
      if (!c.builtin) { t.chains.delete(c.name); continue; }
      c.rules = [];
      c.policy = 'ACCEPT';
    }
    nf.commitTable(t);
  }
}

class IptablesService implements ServiceImpl {
  readonly oneshot = true;
  constructor(private readonly host: Host, private readonly sd: Systemd, private readonly pid: number) {}

  private say(msg: string, prio = 6): void { this.sd.log('iptables.service', 'iptables.init', this.pid, msg, prio); }

  start(): string | null {
    let text: string;
    try { text = this.host.fs.readFile(IPTABLES_DATA); } catch {
      this.say('iptables: No config file.[WARNING]', 4);
      return 'iptables: No config file.';
    }
    const r = runIptablesRestore(makeContext(netfilterOf(this.host), this.host.fs), text, {});
    if (r.status !== 0) {
      for (const l of r.stderr.split('\n').filter((x) => x)) this.say(l, 3);
      this.say('iptables: Applying firewall rules: [FAILED]', 3);
      return r.stderr;
    }
    this.say('iptables: Applying firewall rules: [  OK  ]');
    return null;
  }

  stop(): void {
    flushAll(this.host);
    this.say('iptables: Setting chains to policy ACCEPT: filter [  OK  ]');
    this.say('iptables: Flushing firewall rules: [  OK  ]');
    this.say('iptables: Unloading modules: [  OK  ]');
  }

  reload(): string | null {
    flushAll(this.host);
    return this.start();
  }
}

registerUnit({
  name: 'iptables.service',
  description: 'IPv4 firewall with iptables',
  pkg: 'iptables-services',
  path: '/usr/lib/systemd/system/iptables.service',
  preset: 'disabled',
  exec: '/usr/libexec/iptables/iptables.init start',
  create: (host, sd) => new IptablesService(host, sd, host.allocPid()),
});

const base = packageDef('iptables-services');
definePackage({
  ...(base ?? {
    name: 'iptables-services', version: '1.8.10', release: '2.el9', arch: 'noarch', repo: 'rhel-9-for-x86_64-appstream-rpms',
    size: 18_000, installSize: 22_000, summary: 'iptables and ip6tables misc files',
  }),
  name: 'iptables-services',
  bins: ['/usr/libexec/iptables/iptables.init', '/usr/libexec/iptables/ip6tables.init'],
  install(h) {
    if (!h.fs.exists(IPTABLES_DATA)) h.fs.install(IPTABLES_DATA, SYSCONFIG_IPTABLES, 0o600);
    if (!h.fs.exists('/etc/sysconfig/iptables-config')) h.fs.install('/etc/sysconfig/iptables-config', SYSCONFIG_IPTABLES_CONFIG, 0o600);
    if (!h.fs.exists('/etc/sysconfig/ip6tables')) {
      h.fs.install('/etc/sysconfig/ip6tables', SYSCONFIG_IPTABLES.replace('icmp-host-prohibited', 'icmp6-adm-prohibited')
        .replace('icmp-host-prohibited', 'icmp6-adm-prohibited').replace('-p icmp ', '-p ipv6-icmp '), 0o600);
    }
  },
});

if (!packageDef('conntrack-tools')) {
  definePackage({
    name: 'conntrack-tools', version: '1.4.7', release: '2.el9', arch: 'x86_64', repo: 'rhel-9-for-x86_64-appstream-rpms',
    size: 236_000, installSize: 640_000, summary: 'Manipulate netfilter connection tracking table and run High Availability',
    bins: ['/usr/sbin/conntrack', '/usr/sbin/conntrackd', '/usr/sbin/nfct'],
  });
}
