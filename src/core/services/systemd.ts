/**
 * systemd, as far as a lab host needs it: unit files provided by packages, start/stop/
 * restart/reload, enable/disable, states with the time they were entered, main PIDs, and the
 * journal (`journalctl -u UNIT`). Daemons (httpd, NetworkManager, keepalived, the ipvsadm
 * oneshot) are ServiceImpl objects living in the core: they run on the event queue, not in a
 * shell, and log to the journal with their own identifiers, as on a real machine.
 *
 * Text formatting (systemctl status, journalctl lines) lives in the commands; this module
 * keeps the facts.
 */
import type { Host } from '../net/host.ts';

export type ActiveState = 'active' | 'inactive' | 'failed' | 'activating' | 'deactivating';

/** A running daemon. `start` returns null on success or a failure message for the journal. */
export interface ServiceImpl {
  start(): string | null;
  stop(): void;
  /** Re-read configuration (systemctl reload). Absent: the unit does not support reload. */
  reload?(): string | null;
  /** The `Status:` line of systemctl status, when the daemon reports one (httpd does). */
  statusText?(): string | null;
  /** Sub-state: running, exited (oneshot with RemainAfterExit), dead, failed. */
  readonly oneshot?: boolean;
}

export interface UnitDef {
  /** "httpd.service" */
  readonly name: string;
  readonly description: string;
  /** The package that ships the unit (null: part of the base system). */
  readonly pkg: string | null;
  /** /usr/lib/systemd/system/NAME */
  readonly path: string;
  readonly docs?: readonly string[];
  /** Vendor preset as systemctl status shows it. */
  readonly preset: 'enabled' | 'disabled';
  /** Binary name and command line for the CGroup section (`/usr/sbin/httpd -DFOREGROUND`). */
  readonly exec: string;
  /** Other names (`ipvsadm` → `ipvsadm.service`). */
  readonly aliases?: readonly string[];
  /** Worker processes shown under the main PID (httpd has several). */
  readonly workers?: number;
  create(host: Host, sd: Systemd): ServiceImpl;
}

export interface JournalEntry {
  readonly time: number;       // virtual µs
  readonly unit: string;       // "httpd.service" (or "" for kernel)
  readonly ident: string;      // "systemd", "httpd", "NetworkManager", "kernel"
  readonly pid: number;        // 1 for systemd, 0 for kernel
  readonly msg: string;
  readonly priority: number;   // syslog priority: 3 err, 4 warning, 6 info
}

export interface UnitRuntime {
  readonly def: UnitDef;
  state: ActiveState;
  /** Sub-state for the Active line: running, exited, dead, failed. */
  sub: 'running' | 'exited' | 'dead' | 'failed';
  enabled: boolean;
  since: number;               // virtual µs of the last state change
  pid: number;
  impl: ServiceImpl | null;
  /** Why the last start failed (Result: exit-code). */
  result: string | null;
  /** Virtual µs when the current activation started (for CPU/memory figures). */
  startedAt: number;
}

const UNIT_REGISTRY = new Map<string, UnitDef>();

/** Make a unit known to every host (it is usable on a host once its package is installed). */
export function registerUnit(def: UnitDef): void {
  UNIT_REGISTRY.set(def.name, def);
}

export function knownUnits(): UnitDef[] { return [...UNIT_REGISTRY.values()]; }

const JOURNAL_MAX = 5000;

export class Systemd {
  private readonly units = new Map<string, UnitRuntime>();
  readonly journal: JournalEntry[] = [];
  /** Journal entries dropped to keep memory bounded. */
  journalDropped = 0;

  constructor(readonly host: Host) {}

  /** Canonical unit name: `httpd` → `httpd.service`. */
  static canon(name: string): string {
    return /\.(service|socket|target|timer|mount|path|slice|scope)$/.test(name) ? name : `${name}.service`;
  }

  /** The unit, if its package is installed on this host. */
  unit(name: string): UnitRuntime | undefined {
    const n = Systemd.canon(name);
    let def = UNIT_REGISTRY.get(n);
    if (!def) for (const d of UNIT_REGISTRY.values()) if (d.aliases?.includes(n)) { def = d; break; }
    if (!def) return undefined;
    if (def.pkg && !this.host.packages.has(def.pkg)) return undefined;
    let u = this.units.get(def.name);
    if (!u) {
      u = { def, state: 'inactive', sub: 'dead', enabled: false, since: 0, pid: 0, impl: null, result: null, startedAt: 0 };
      this.units.set(def.name, u);
    }
    return u;
  }

  /** Units of installed packages, in name order. */
  list(): UnitRuntime[] {
    const out: UnitRuntime[] = [];
    for (const d of UNIT_REGISTRY.values()) { const u = this.unit(d.name); if (u) out.push(u); }
    return out.sort((a, b) => (a.def.name < b.def.name ? -1 : 1));
  }

  log(unit: string, ident: string, pid: number, msg: string, priority = 6): void {
    this.journal.push({ time: this.host.now, unit, ident, pid, msg, priority });
    if (this.journal.length > JOURNAL_MAX) { this.journal.splice(0, this.journal.length - JOURNAL_MAX); this.journalDropped++; }
  }

  private setState(u: UnitRuntime, state: ActiveState, sub: UnitRuntime['sub']): void {
    u.state = state;
    u.sub = sub;
    u.since = this.host.now;
    this.host.emit({ kind: 'link', dev: '' });
  }

  /** systemctl start. Returns null, or the failure reason (the unit is then `failed`). */
  start(name: string): string | null {
    const u = this.unit(name);
    if (!u) return 'not-found';
    if (u.state === 'active') return null;
    const d = u.def;
    this.log(d.name, 'systemd', 1, `Starting ${d.description}...`);
    u.pid = this.host.allocPid();
    u.impl = d.create(this.host, this);
    u.startedAt = this.host.now;
    const err = u.impl.start();
    if (err !== null) {
      u.impl = null;
      u.result = 'exit-code';
      this.log(d.name, 'systemd', 1, `${d.name}: Main process exited, code=exited, status=1/FAILURE`, 5);
      this.log(d.name, 'systemd', 1, `${d.name}: Failed with result 'exit-code'.`, 4);
      this.log(d.name, 'systemd', 1, `Failed to start ${d.description}.`, 3);
      this.setState(u, 'failed', 'failed');
      return err;
    }
    u.result = null;
    this.setState(u, 'active', u.impl.oneshot ? 'exited' : 'running');
    if (u.impl.oneshot) this.log(d.name, 'systemd', 1, `Finished ${d.description}.`);
    else this.log(d.name, 'systemd', 1, `Started ${d.description}.`);
    return null;
  }

  stop(name: string): string | null {
    const u = this.unit(name);
    if (!u) return 'not-found';
    if (u.state !== 'active') {
      if (u.state === 'failed') { u.result = null; this.setState(u, 'inactive', 'dead'); }
      return null;
    }
    const d = u.def;
    this.log(d.name, 'systemd', 1, `Stopping ${d.description}...`);
    u.impl?.stop();
    u.impl = null;
    this.log(d.name, 'systemd', 1, `${d.name}: Deactivated successfully.`);
    this.log(d.name, 'systemd', 1, `Stopped ${d.description}.`);
    this.setState(u, 'inactive', 'dead');
    u.pid = 0;
    return null;
  }

  restart(name: string): string | null {
    const u = this.unit(name);
    if (!u) return 'not-found';
    if (u.state === 'active') this.stop(name);
    return this.start(name);
  }

  /** systemctl reload: 'unsupported' when the unit has no reload; 'inactive' when not running. */
  reload(name: string): string | null {
    const u = this.unit(name);
    if (!u) return 'not-found';
    if (u.state !== 'active' || !u.impl) return 'inactive';
    if (!u.impl.reload) return 'unsupported';
    this.log(u.def.name, 'systemd', 1, `Reloading ${u.def.description}...`);
    const err = u.impl.reload();
    this.log(u.def.name, 'systemd', 1, `Reloaded ${u.def.description}.`);
    return err;
  }

  enable(name: string): boolean {
    const u = this.unit(name);
    if (!u) return false;
    u.enabled = true;
    return true;
  }

  disable(name: string): boolean {
    const u = this.unit(name);
    if (!u) return false;
    u.enabled = false;
    return true;
  }

  /** Start every enabled unit (boot), in registry order. */
  boot(): void {
    this.log('', 'kernel', 0, `Linux version 5.14.0-427.13.1.el9_4.x86_64 (mockbuild@x86-64-01.build.eng.rdu2.redhat.com)`);
    for (const u of this.list()) if (u.enabled) this.start(u.def.name);
  }

  /** Power loss: every unit just stops (no journal lines: the machine is off). */
  halt(): void {
    for (const u of this.units.values()) {
      if (u.impl) { u.impl.stop(); u.impl = null; }
      u.state = 'inactive'; u.sub = 'dead'; u.pid = 0;
    }
  }

  /** The daemon object of a running unit (for nmcli to reach NetworkManager, etc.). */
  impl<T extends ServiceImpl>(name: string): T | null {
    const u = this.unit(name);
    return u && u.state === 'active' ? (u.impl as T) : null;
  }
}
