/**
 * keepalived 2.2.8 as the RHEL 9 package runs it: keepalived.service (Type=forking,
 * `ExecStart=/usr/sbin/keepalived $KEEPALIVED_OPTIONS` with KEEPALIVED_OPTIONS="-D" from
 * /etc/sysconfig/keepalived, `ExecReload=/bin/kill -HUP $MAINPID`).
 *
 * Processes and journal identifiers, as keepalived/core/main.c starts them:
 *   - the ExecStart process `Keepalived[P0]` logs `Starting Keepalived v2.2.8 (05/31,2023)`,
 *     `Running on ...`, `Command line: ...`, `Configuration file ...` and the global_defs
 *     errors, then forks and exits;
 *   - the daemon `Keepalived[P]` (systemd's Main PID) logs the max_auto_priority NOTICE and
 *     starts `Keepalived_healthcheckers[C]` when the configuration has a virtual_server and
 *     `Keepalived_vrrp[V]` when it has a vrrp_instance;
 *   - each child parses the file again (its own errors, prefixed with the file name since it
 *     reads the parent's consolidated copy) and starts its work a few ms later, after
 *     systemd's `Started` line.
 * A configuration mistake never stops keepalived (the item is ignored or defaulted), except
 * a missing parameter or an interface that does not exist: that child exits with
 * KEEPALIVED_EXIT_CONFIG, the parent logs `... exited with permanent error CONFIG.
 * Terminating` and stops, and the unit fails (status=2/INVALIDARGUMENT). A missing
 * configuration file fails the start.
 *
 * `systemctl reload` (SIGHUP) re-reads the file in every process and applies the differences
 * (checker.ts, vrrp.ts). Stop (SIGTERM) releases what keepalived created: the IPVS services
 * it added (not the student's own), the VIPs of masters (after a priority-0 advert). A power
 * loss (kill) does nothing on the wire.
 *
 * Not modelled: notify scripts (notify_master & co are parsed, not run), SMTP alerts, SNMP,
 * vrrp_script/track_script, virtual_server_group, BFD, IPv6.
 */
import type { Host } from '../net/host.ts';
import { Ipvs } from '../ipvs/ipvs.ts';
import type { SyncStats } from '../ipvs/sync.ts';
import { KERNEL_RELEASE, registerUnit, type ServiceImpl, type Systemd } from '../services/systemd.ts';
import { SEC } from '../sim/events.ts';
import type { Rng } from '../sim/rng.ts';
import { HealthChecker, type VirtualServerStatus } from './checker.ts';
import { KEEPALIVED_CONF, parseFor, validateCheck, validateVrrp, type HostInfo, type ParseResult } from './conf.ts';
import { VrrpDaemon, type VrrpInstanceStatus, type VrrpState } from './vrrp.ts';

export const KEEPALIVED_VERSION = 'Keepalived v2.2.8 (05/31,2023)';
const UNIT = 'keepalived.service';
const SYSCONFIG = '/etc/sysconfig/keepalived';
const UNAME_V = '#1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024';
const CHECKER = 'Keepalived_healthcheckers';
const VRRP = 'Keepalived_vrrp';
/** When the children do their work after the fork (µs). */
const CHECK_START = 2_300;
const VRRP_START = 3_100;

interface Opts {
  argv: string[];
  detail: boolean;
  onlyVrrp: boolean;
  onlyCheck: boolean;
  conf: string;
  dontReleaseIpvs: boolean;
  dontReleaseVrrp: boolean;
}

/** KEEPALIVED_OPTIONS from /etc/sysconfig/keepalived (the EnvironmentFile). */
function readOpts(host: Host): Opts {
  let raw = '';
  try {
    const text = host.fs.readFile(SYSCONFIG);
    for (const line of text.split('\n')) {
      const m = /^\s*KEEPALIVED_OPTIONS\s*=\s*(.*)$/.exec(line);
      if (m) raw = m[1].trim().replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
    }
  } catch { /* EnvironmentFile=- : optional */ }
  const argv = raw.split(/\s+/).filter(Boolean);
  const o: Opts = { argv, detail: false, onlyVrrp: false, onlyCheck: false, conf: KEEPALIVED_CONF, dontReleaseIpvs: false, dontReleaseVrrp: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-D' || a === '--log-detail') o.detail = true;
    else if (a === '-P' || a === '--vrrp') o.onlyVrrp = true;
    else if (a === '-C' || a === '--check') o.onlyCheck = true;
    else if (a === '-I' || a === '--dont-release-ipvs') o.dontReleaseIpvs = true;
    else if (a === '-V' || a === '--dont-release-vrrp') o.dontReleaseVrrp = true;
    else if (a === '-f' || a === '--use-file') o.conf = argv[++i] ?? o.conf;
    else if (a.startsWith('--use-file=')) o.conf = a.slice(11);
    else if (/^-[a-zA-Z]*D[a-zA-Z]*$/.test(a)) o.detail = true;
  }
  return o;
}

/** Lines only logged with -D (LOG_DETAIL_BIT). */
const DETAIL = [
  /^\(\S+\) Receive advertisement timeout$/, /^\(\S+\) setting VIPs\.$/, /^\(\S+\) removing VIPs\.$/, /^\(\S+\) sent 0 priority$/,
  /^\(\S+\) Backup received priority 0 advertisement$/, /^\(\S+\) Sending\/queueing gratuitous ARPs on /, /^Sending gratuitous ARP on /,
  /^Registering Kernel netlink/, /^Assigned address /, /^Registering gratuitous ARP shared channel$/, /^\(\S+\) Master received priority 0 message$/,
  /^\(\S+\) (start|stop) preempt delay/, /^Netlink reflector reports IP /, /^Opening file '/,
];

export interface KeepalivedStatus {
  readonly pid: number;
  readonly checkerPid: number | null;
  readonly vrrpPid: number | null;
  readonly vrrp: readonly VrrpInstanceStatus[];
  readonly syncGroups: readonly { name: string; state: VrrpState; members: string[] }[];
  readonly virtualServers: readonly VirtualServerStatus[];
  /** The IPVS connection-sync daemons on this host (whoever started them) and their counters. */
  readonly sync: { readonly master: boolean; readonly backup: boolean; readonly stats: Readonly<SyncStats> } | null;
}

export class Keepalived implements ServiceImpl {
  private opts: Opts;
  private readonly rng: Rng;
  private mainPid = 0;
  private checkerPid: number | null = null;
  private vrrpPid: number | null = null;
  private checker: HealthChecker | null = null;
  private vrrp: VrrpDaemon | null = null;
  private timers: { cancelled: boolean }[] = [];
  private started = 0;
  private running = false;

  constructor(private readonly host: Host, private readonly sd: Systemd) {
    this.opts = readOpts(host);
    this.rng = host.rng.fork(`keepalived:${host.now}`);
  }

  private hostInfo(): HostInfo {
    const host = this.host;
    return {
      ifaceKind: (n) => host.dev(n)?.kind,
      userExists: (n) => { try { return host.fs.readFile('/etc/passwd').split('\n').some((l) => l.split(':')[0] === n); } catch { return false; } },
    };
  }

  private log(ident: string, pid: number, msg: string, priority = 6): void {
    if (!this.opts.detail && DETAIL.some((re) => re.test(msg))) return;
    this.sd.log(UNIT, ident, pid, msg, priority);
  }

  private readConf(): string | null {
    try { return this.host.fs.readFile(this.opts.conf); } catch { return null; }
  }

  // ---- start ------------------------------------------------------------------------------------------

  start(): string | null {
    const u = this.sd.unit(UNIT);
    const p0 = u?.pid || this.host.allocPid();
    const L = (m: string, prio?: number) => this.log('Keepalived', p0, m, prio);
    L(`Starting ${KEEPALIVED_VERSION}`);
    L(`Running on Linux ${KERNEL_RELEASE} ${UNAME_V} (built for Linux 5.14.0)`);
    L(`Command line: ${['/usr/sbin/keepalived', ...this.opts.argv].map((a) => `'${a}'`).join(' ')}`);
    const text = this.readConf();
    if (text === null) {
      L(`Unable to find configuration file ${this.opts.conf}`);
      if (this.opts.detail) L('CPU usage (self/children) user: 0.000000/0.000000 system: 0.001121/0.000000');
      L(`Stopped ${KEEPALIVED_VERSION}`);
      return `Unable to find configuration file ${this.opts.conf}`;
    }
    L(`Opening file '${this.opts.conf}'.`);
    L(`Configuration file ${this.opts.conf}`);
    const parent = parseFor('parent', this.host.fs, this.hostInfo(), text, this.opts.conf);
    for (const m of parent.messages) L(m);
    if (parent.fatal) {
      L(`Stopped ${KEEPALIVED_VERSION}`);
      return 'configuration error';
    }
    // Fork: the daemon is the Main PID systemd reads from /run/keepalived.pid.
    this.mainPid = this.host.allocPid();
    if (u) u.pid = this.mainPid;
    this.started = this.host.now;
    this.running = true;
    try { this.host.fs.writeFile('/run/keepalived.pid', `${this.mainPid}\n`); } catch { /* no /run */ }
    const M = (m: string) => this.log('Keepalived', this.mainPid, m);
    if (!parent.globals.maxAutoPriority) M('NOTICE: setting config option max_auto_priority should result in better keepalived performance');
    const wantCheck = parent.haveChecker && !this.opts.onlyVrrp;
    const wantVrrp = parent.haveVrrp && !this.opts.onlyCheck;
    if (wantCheck) {
      this.checkerPid = this.host.allocPid();
      M(`Starting Healthcheck child process, pid=${this.checkerPid}`);
      u?.workers.push(this.checkerPid);
    }
    if (wantVrrp) {
      this.vrrpPid = this.host.allocPid();
      M(`Starting VRRP child process, pid=${this.vrrpPid}`);
      u?.workers.push(this.vrrpPid);
    }
    const q = this.host.net.q;
    if (wantCheck) this.timers.push(q.after(CHECK_START, () => this.startChecker(text, parent)));
    if (wantVrrp) this.timers.push(q.after(VRRP_START, () => this.startVrrp(text, parent)));
    return null;
  }

  private startChecker(text: string, parent: ParseResult): void {
    if (!this.running || this.checkerPid === null) return;
    const pid = this.checkerPid;
    const res = parseFor('checker', this.host.fs, this.hostInfo(), text, this.opts.conf, parent.globals);
    for (const m of res.messages) this.log(CHECKER, pid, m);
    if (res.fatal) { this.childConfigExit(CHECKER); return; }
    const n = res.messages.length;
    validateCheck(res, this.hostInfo());
    for (const m of res.messages.slice(n)) this.log(CHECKER, pid, m);
    this.checker = new HealthChecker({
      host: this.host, rng: this.rng.fork('checker'), globals: parent.globals,
      log: (m, prio) => this.log(CHECKER, pid, m, prio),
    }, res.vs);
    this.checker.start();
  }

  private startVrrp(text: string, parent: ParseResult): void {
    if (!this.running || this.vrrpPid === null) return;
    const pid = this.vrrpPid;
    // start_vrrp(): kernel_netlink_init() comes before the configuration is read.
    this.log(VRRP, pid, 'Registering Kernel netlink reflector');
    this.log(VRRP, pid, 'Registering Kernel netlink command channel');
    const res = parseFor('vrrp', this.host.fs, this.hostInfo(), text, this.opts.conf, parent.globals);
    for (const m of res.messages) this.log(VRRP, pid, m);
    if (res.fatal) { this.childConfigExit(VRRP); return; }
    if (res.nonExistentIface) {
      this.log(VRRP, pid, 'Non-existent interface specified in configuration');
      this.childConfigExit(VRRP, true);
      return;
    }
    const n = res.messages.length;
    validateVrrp(res);
    for (const m of res.messages.slice(n)) this.log(VRRP, pid, m);
    if (res.fatal) { this.childConfigExit(VRRP, true); return; }
    this.vrrp = new VrrpDaemon({ host: this.host, globals: res.globals, log: (m, prio) => this.log(VRRP, pid, m, prio) }, res.vrrp, res.groups);
    this.vrrp.start();
  }

  /**
   * A child exited with KEEPALIVED_EXIT_CONFIG (`viaStop`: through stop_vrrp()/stop_check(),
   * which log the child's `Stopped` line; a missing parameter exits at once): the parent
   * terminates keepalived.
   */
  private childConfigExit(ident: string, viaStop = false): void {
    if (viaStop) this.stopped(ident, ident === CHECKER ? this.checkerPid! : this.vrrpPid!);
    if (ident === CHECKER) this.checkerPid = null; else this.vrrpPid = null;
    const u = this.sd.unit(UNIT);
    if (u) u.workers = u.workers.filter((p) => p === this.checkerPid || p === this.vrrpPid);
    this.log('Keepalived', this.mainPid, `${ident} exited with permanent error CONFIG. Terminating`);
    this.stop();
    this.sd.mainExited(UNIT, 2, 'INVALIDARGUMENT');
  }

  // ---- stop / reload --------------------------------------------------------------------------------

  private stopped(ident: string, pid: number): void {
    const up = Math.max(0, this.host.now - this.started);
    const secs = up / SEC;
    const fmt = (us: number) => `${Math.floor(us / 1e6)}.${String(Math.floor(us % 1e6)).padStart(6, '0')}`;
    const user = 1800 + Math.floor(secs * (ident === VRRP ? 41 : 27));
    const sys = 4200 + Math.floor(secs * (ident === VRRP ? 63 : 45));
    this.log(ident, pid, this.opts.detail ? `Stopped - used ${fmt(user)} user time, ${fmt(sys)} system time` : 'Stopped');
  }

  stop(): void {
    if (!this.running) return;
    for (const t of this.timers) t.cancelled = true;
    this.timers = [];
    this.log('Keepalived', this.mainPid, 'Stopping');
    if (this.checker && this.checkerPid !== null) {
      this.checker.stop(!this.opts.dontReleaseIpvs);
      this.checker = null;
    }
    if (this.vrrp && this.vrrpPid !== null) {
      this.vrrp.stop();
      this.vrrp = null;
    }
    if (this.checkerPid !== null) this.stopped(CHECKER, this.checkerPid);
    if (this.vrrpPid !== null) this.stopped(VRRP, this.vrrpPid);
    const secs = Math.max(0, this.host.now - this.started) / SEC;
    const fmt = (us: number) => `${Math.floor(us / 1e6)}.${String(Math.floor(us % 1e6)).padStart(6, '0')}`;
    if (this.opts.detail) {
      this.log('Keepalived', this.mainPid, `CPU usage (self/children) user: ${fmt(900 + Math.floor(secs * 3))}/${fmt(3600 + Math.floor(secs * 68))} system: ${fmt(2100 + Math.floor(secs * 5))}/${fmt(8400 + Math.floor(secs * 108))}`);
    }
    this.log('Keepalived', this.mainPid, `Stopped ${KEEPALIVED_VERSION}`);
    try { this.host.fs.unlink('/run/keepalived.pid'); } catch { /* gone */ }
    this.running = false;
  }

  kill(): void {
    for (const t of this.timers) t.cancelled = true;
    this.timers = [];
    this.checker?.kill();
    this.vrrp?.kill();
    this.checker = null;
    this.vrrp = null;
    this.running = false;
  }

  reload(): string | null {
    if (!this.running) return null;
    this.opts = { ...readOpts(this.host), detail: this.opts.detail };
    const M = (m: string) => this.log('Keepalived', this.mainPid, m);
    M('Reloading ...');
    const text = this.readConf();
    if (text === null) { M(`Unable to find configuration file ${this.opts.conf}`); return null; }
    M(`Opening file '${this.opts.conf}'.`);
    M(`Configuration file ${this.opts.conf}`);
    const parent = parseFor('parent', this.host.fs, this.hostInfo(), text, this.opts.conf);
    for (const m of parent.messages) M(m);
    if (this.checkerPid !== null && this.checker) {
      const pid = this.checkerPid;
      this.log(CHECKER, pid, 'Reloading');
      const res = parseFor('checker', this.host.fs, this.hostInfo(), text, this.opts.conf, parent.globals);
      for (const m of res.messages) this.log(CHECKER, pid, m);
      if (!res.fatal) {
        const n = res.messages.length;
        validateCheck(res, this.hostInfo());
        for (const m of res.messages.slice(n)) this.log(CHECKER, pid, m);
        this.log(CHECKER, pid, 'Reinitializing ipvs', 7);
        this.checker.reload(res.vs);
      }
    }
    if (this.vrrpPid !== null && this.vrrp) {
      const pid = this.vrrpPid;
      this.log(VRRP, pid, 'Reloading');
      const res = parseFor('vrrp', this.host.fs, this.hostInfo(), text, this.opts.conf, parent.globals);
      for (const m of res.messages) this.log(VRRP, pid, m);
      if (!res.fatal && !res.nonExistentIface) {
        const n = res.messages.length;
        validateVrrp(res);
        for (const m of res.messages.slice(n)) this.log(VRRP, pid, m);
        if (!res.fatal) this.vrrp.reload(res.vrrp, res.groups);
      }
    }
    return null;
  }

  // ---- read side ------------------------------------------------------------------------------------

  status(): KeepalivedStatus {
    const x = Ipvs.of(this.host);
    return {
      pid: this.mainPid,
      checkerPid: this.checkerPid,
      vrrpPid: this.vrrpPid,
      vrrp: this.vrrp?.status() ?? [],
      syncGroups: this.vrrp?.syncGroups() ?? [],
      virtualServers: this.checker?.status() ?? [],
      sync: x ? { master: x.sync.masterRunning, backup: x.sync.backupRunning, stats: { ...x.sync.stats } } : null,
    };
  }
}

/** The running keepalived of a host (null when the unit is not active). */
export function keepalivedOf(host: Host): Keepalived | null {
  return host.sd.impl<Keepalived>(UNIT);
}

registerUnit({
  name: UNIT,
  description: 'LVS and VRRP High Availability Monitor',
  pkg: 'keepalived',
  path: '/usr/lib/systemd/system/keepalived.service',
  docs: ['man:keepalived(8)', 'man:keepalived.conf(5)', 'man:genhash(1)', 'https://keepalived.org'],
  preset: 'disabled',
  exec: '/usr/sbin/keepalived -D',
  comm: 'keepalived',
  create: (host, sd) => new Keepalived(host, sd),
});
