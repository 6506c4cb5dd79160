/**
 * systemd 252 (RHEL 9.4's), as far as a lab host needs it: units provided by packages,
 * start/stop/restart/reload with jobs, enable/disable as symlinks in the host's filesystem
 * (/etc/systemd/system/multi-user.target.wants/…), masking, vendor presets, the states and
 * timestamps `systemctl status` shows, main and worker PIDs, boots (boot IDs, kernel
 * messages, the hostname from /etc/hostname) and the journal (`journalctl -u UNIT`, `-k`,
 * `-b`, `-x` with catalog references).
 *
 * Daemons (httpd, NetworkManager, keepalived, the ipvsadm oneshot) are ServiceImpl objects
 * living in the core: they run on the event queue, not in a shell, and log to the journal
 * with their own identifiers, as on a real machine.
 *
 * What the unit file says is read from the host's filesystem when it matters (the [Install]
 * section decides what `enable` links, `systemctl cat` prints the file), so a student who
 * edits /usr/lib/systemd/system/foo.service sees the effect. Dependencies between units,
 * socket activation, timers firing and cgroups are not modelled: boot starts the static and
 * enabled units in a fixed order (bootOrder).
 *
 * Text formatting (systemctl status, journalctl lines) lives in the commands; this module
 * keeps the facts.
 */
import type { Host } from '../net/host.ts';
import { fmtMac } from '../wire/types.ts';

export type ActiveState = 'active' | 'inactive' | 'failed' | 'activating' | 'deactivating' | 'reloading';
/** The SUB column: running/exited/dead/failed for services, listening for sockets, waiting for timers, active for targets. */
export type SubState = 'running' | 'exited' | 'dead' | 'failed' | 'listening' | 'waiting' | 'active' | 'mounted' | 'plugged';

/** A running daemon. `start` returns null on success or a failure message for the journal. */
export interface ServiceImpl {
  start(): string | null;
  stop(): void;
  /** Re-read configuration (systemctl reload). Absent: the unit does not support reload. */
  reload?(): string | null;
  /**
   * Power loss (VMware "Power Off"): the process vanishes without doing anything on the wire.
   * Absent: stop() is called instead.
   */
  kill?(): void;
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
  /**
   * The unit file's text, written to `path` when the package is installed. When absent, a
   * RHEL 9 text from UNIT_FILES (by name) or a generated one is used.
   */
  readonly unitText?: string;
  /** Figures for systemctl status: tasks, memory in bytes, CPU ms used by starting. */
  readonly resources?: { readonly tasks?: number; readonly memory?: number; readonly cpuMs?: number };
  /** Position in the boot sequence (lower starts earlier; default 50, NetworkManager 20). */
  readonly bootOrder?: number;
  /** The main process's name (`Main PID: 845 (sshd)`); default: the basename of exec's first word. */
  readonly comm?: string;
}

/** Catalog entries journalctl -x explains (catalog/systemd.catalog.in). */
export type CatalogId = 'start' | 'started' | 'start-failed' | 'stop' | 'stopped' | 'reload' | 'reloaded'
  | 'exited' | 'failed' | 'success' | 'resources';

export interface CatalogRef {
  readonly id: CatalogId;
  readonly jobId?: number;
  /** JOB_RESULT (done, failed) or UNIT_RESULT (exit-code). */
  readonly result?: string;
  readonly exitCode?: string;
  readonly exitStatus?: string;
}

export interface JournalEntry {
  /** Sequence number, increasing over the host's whole life. */
  readonly seq: number;
  readonly time: number;       // virtual µs
  /** Boot number (1 = the first boot of this host). */
  readonly boot: number;
  /** The hostname when the entry was written (journalctl prints that one). */
  readonly hostname: string;
  readonly unit: string;       // "httpd.service" (or "" for kernel)
  readonly ident: string;      // "systemd", "httpd", "NetworkManager", "kernel"
  readonly pid: number;        // 1 for systemd, 0 for kernel
  readonly msg: string;
  readonly priority: number;   // syslog priority: 3 err, 4 warning, 6 info
  /** Kernel messages: µs since boot, as dmesg prints them. */
  readonly mono?: number;
  readonly catalog?: CatalogRef;
}

export interface UnitRuntime {
  readonly def: UnitDef;
  state: ActiveState;
  /** Sub-state for the Active line. */
  sub: SubState;
  /** In sync with the [Install] symlinks under /etc/systemd/system (refreshed on every lookup). */
  enabled: boolean;
  since: number;               // virtual µs of the last state change
  /** Main PID while running, 0 otherwise (see execPid for the last one). */
  pid: number;
  impl: ServiceImpl | null;
  /** Why the last start failed (Result: exit-code). */
  result: string | null;
  /** Virtual µs when the current activation started (for CPU/memory figures). */
  startedAt: number;
  /** PIDs of the worker processes (httpd's children), for the CGroup tree. */
  workers: number[];
  /** ExecMainPID: the last main process, kept after it exited. */
  execPid: number;
  /** Exit status of the last main process (null while it runs or if it never ran). */
  execStatus: number | null;
  /** Timestamps (virtual µs, -1 = never) as systemd keeps them. */
  inactiveExit: number;
  activeEnter: number;
  activeExit: number;
  inactiveEnter: number;
  /** Journal sequence number at the last activation: status shows entries from there. */
  activationSeq: number;
  /** CPU time used by finished activations (µs). */
  cpuUs: number;
}

const UNIT_REGISTRY = new Map<string, UnitDef>();

/** Make a unit known to every host (it is usable on a host once its package is installed). */
export function registerUnit(def: UnitDef): void {
  UNIT_REGISTRY.set(def.name, def);
}

export function knownUnits(): UnitDef[] { return [...UNIT_REGISTRY.values()]; }

/** Figures of units registered elsewhere without `resources` (what a RHEL 9 VM shows for them). */
const DEFAULT_RESOURCES: Record<string, NonNullable<UnitDef['resources']>> = {
  'httpd.service': { tasks: 177, memory: 33_447_936, cpuMs: 98 },
  'NetworkManager.service': { tasks: 3, memory: 11_116_544, cpuMs: 187 },
  'keepalived.service': { tasks: 3, memory: 3_121_152, cpuMs: 42 },
  'ipvsadm.service': { cpuMs: 6 },
  'iptables.service': { cpuMs: 9 },
};

/** A unit's tasks, memory and CPU figures for systemctl status. */
export function resourcesOf(def: UnitDef): NonNullable<UnitDef['resources']> {
  return def.resources ?? DEFAULT_RESOURCES[def.name] ?? {};
}

/** Unit files of RHEL 9 packages, for units registered without `unitText`. */
export const UNIT_FILES: Record<string, string> = {};

/** The text of a unit's file as its package ships it. */
export function vendorUnitText(def: UnitDef): string {
  if (def.unitText !== undefined) return def.unitText;
  const known = UNIT_FILES[def.name];
  if (known !== undefined) return known;
  const type = def.name.slice(def.name.lastIndexOf('.') + 1);
  if (type !== 'service') return `[Unit]\nDescription=${def.description}\n`;
  const docs = def.docs?.length ? `Documentation=${def.docs.join(' ')}\n` : '';
  return `[Unit]\nDescription=${def.description}\n${docs}After=network.target\n\n[Service]\n`
    + `Type=${def.exec && !def.workers ? 'simple' : 'notify'}\nExecStart=${def.exec}\n\n[Install]\nWantedBy=multi-user.target\n`;
}

/** [Install] section of a unit file: what enable links. */
export interface InstallInfo {
  readonly wantedBy: string[];
  readonly requiredBy: string[];
  readonly alias: string[];
  readonly also: string[];
}

export function parseInstall(text: string): InstallInfo | null {
  let inInstall = false;
  let seen = false;
  const info = { wantedBy: [] as string[], requiredBy: [] as string[], alias: [] as string[], also: [] as string[] };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) { inInstall = line === '[Install]'; if (inInstall) seen = true; continue; }
    if (!inInstall) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const k = line.slice(0, eq).trim();
    const vals = line.slice(eq + 1).trim().split(/\s+/).filter(Boolean);
    if (k === 'WantedBy') info.wantedBy.push(...vals);
    else if (k === 'RequiredBy') info.requiredBy.push(...vals);
    else if (k === 'Alias') info.alias.push(...vals);
    else if (k === 'Also') info.also.push(...vals);
  }
  if (!seen || (!info.wantedBy.length && !info.requiredBy.length && !info.alias.length && !info.also.length)) return null;
  return info;
}

/** One line of a value from a unit file section (`ExecStart` of `[Service]`), or null. */
export function unitFileValue(text: string, section: string, key: string): string | null {
  let cur = '';
  let found: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('[')) { cur = line; continue; }
    if (cur !== `[${section}]`) continue;
    const eq = line.indexOf('=');
    if (eq > 0 && line.slice(0, eq).trim() === key) found = line.slice(eq + 1).trim();
  }
  return found;
}

export type UnitFileState = 'enabled' | 'disabled' | 'static' | 'masked' | 'alias' | 'indirect';

export type InstallChange = { readonly type: 'symlink'; readonly path: string; readonly target: string } | { readonly type: 'unlink'; readonly path: string };
export type InstallResult = { ok: true; changes: InstallChange[] } | { ok: false; error: 'not-found' | 'masked' | 'static' };

const JOURNAL_MAX = 5000;
/** µs from the kernel's start to the boot's virtual moment (when systemd starts the units). */
export const USERSPACE_MONO = 4_212_877;
const ETC = '/etc/systemd/system';
export const KERNEL_RELEASE = '5.14.0-427.13.1.el9_4.x86_64';
export const SYSTEMD_VERSION = '252-32.el9_4';
export const SYSTEMD_FEATURES = '+PAM +AUDIT +SELINUX -APPARMOR +IMA +SMACK +SECCOMP +GCRYPT +GNUTLS +OPENSSL +ACL +BLKID +CURL +ELFUTILS -FIDO2 +IDN2 -IDN -IPTC +KMOD +LIBCRYPTSETUP +LIBFDISK +PCRE2 -PWQUALITY +P11KIT -QRENCODE +TPM2 +BZIP2 +LZ4 +XZ +ZLIB +ZSTD -BPF_FRAMEWORK +XKBCOMMON +UTMP +SYSVINIT default-hierarchy=unified';
/** Default boot position of units (see UnitDef.bootOrder). */
const BOOT_ORDER: Record<string, number> = {
  'systemd-journald.service': 1, 'systemd-udevd.service': 2, 'systemd-sysctl.service': 3, 'auditd.service': 5,
  'local-fs.target': 6, 'sysinit.target': 7, 'dbus.socket': 8, 'sockets.target': 9, 'basic.target': 10,
  'dbus-broker.service': 11, 'iptables.service': 15, 'NetworkManager.service': 20, 'network.target': 25,
  'network-online.target': 26, 'multi-user.target': 90, 'timers.target': 80, 'getty.target': 85,
};

/** Kernel log lines for interface events, as the e1000 driver prints them. */
const NIC_DRIVER = 'e1000';

/** The kernel's boot log of a lab VM (VMware, e1000 NICs, XFS root on LVM), with dmesg offsets in µs. */
function kernelBootLog(h: Host): [number, string][] {
  const lines: [number, string][] = [
    [0, `Linux version ${KERNEL_RELEASE} (mockbuild@x86-64-01.build.eng.rdu2.redhat.com) (gcc (GCC) 11.4.1 20231218 (Red Hat 11.4.1-3), GNU ld version 2.35.2-43.el9) #1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024`],
    [0, 'The list of certified hardware and cloud instances for Red Hat Enterprise Linux 9 can be viewed at the Red Hat Ecosystem Catalog, https://catalog.redhat.com.'],
    [0, `Command line: BOOT_IMAGE=(hd0,msdos1)/vmlinuz-${KERNEL_RELEASE} root=/dev/mapper/rhel-root ro crashkernel=1G-4G:192M,4G-64G:256M,64G-:512M resume=/dev/mapper/rhel-swap rd.lvm.lv=rhel/root rd.lvm.lv=rhel/swap net.ifnames=0 biosdevname=0`],
    [0, 'DMI: VMware, Inc. VMware Virtual Platform/440BX Desktop Reference Platform, BIOS 6.00 11/12/2020'],
    [0, 'Hypervisor detected: VMware'],
    [0, 'vmware: TSC freq read from hypervisor : 2592.000 MHz'],
    [312, 'Memory: 1790096K/2096568K available (16384K kernel code, 5606K rwdata, 11720K rodata, 3904K init, 5568K bss, 306212K reserved, 0K cma-reserved)'],
    [104_215, 'x86/mm: Memory block size: 128MB'],
    [612_004, 'SCSI subsystem initialized'],
    [951_337, 'Freeing unused kernel image (initmem) memory: 3904K'],
    [951_402, 'Run /init as init process'],
    [1_402_116, 'sd 2:0:0:0: [sda] 41943040 512-byte logical blocks: (21.5 GB/20.0 GiB)'],
  ];
  let k = 0;
  for (const d of h.devs.values()) {
    if (d.kind !== 'ether') continue;
    const bus = `0000:02:${(1 + k).toString(16).padStart(2, '0')}.0`;
    lines.push([1_512_000 + k * 9_113, `${NIC_DRIVER} ${bus} ${d.name}: (PCI:66MHz:32-bit) ${fmtMac(d.mac)}`]);
    lines.push([1_512_010 + k * 9_113, `${NIC_DRIVER} ${bus} ${d.name}: Intel(R) PRO/1000 Network Connection`]);
    k++;
  }
  lines.push(
    [2_201_337, 'XFS (dm-0): Mounting V5 Filesystem'],
    [2_287_121, 'XFS (dm-0): Ending clean mount'],
    [2_913_556, 'systemd-journald[613]: Received SIGTERM from PID 1 (systemd).'],
    [3_480_027, 'XFS (sda1): Mounting V5 Filesystem'],
  );
  return lines;
}

/** Kernel messages when a module is loaded or removed (see services/kmod.ts for the catalogue). */
export type ModuleMessages = (name: string, loaded: boolean) => readonly string[];
let moduleMessages: ModuleMessages = () => [];
/** kmod.ts installs the catalogue's messages here (systemd.ts must not import it). */
export function setModuleMessages(f: ModuleMessages): void { moduleMessages = f; }

export class Systemd {
  private readonly units = new Map<string, UnitRuntime>();
  readonly journal: JournalEntry[] = [];
  /** Journal entries dropped to keep memory bounded. */
  journalDropped = 0;
  private seq = 0;
  private jobs = 0;
  /** Boots so far (0 before the first boot). */
  bootCount = 0;
  /** Virtual µs of the current boot. */
  bootTime = 0;
  /** Boot IDs (32 hex digits), by boot number - 1. */
  readonly bootIds: string[] = [];

  constructor(readonly host: Host) {
    // The kernel's own log lines for link and module events (what dmesg shows).
    host.on((ev) => {
      if (!host.powered || this.bootCount === 0) return;
      if (ev.kind === 'module') {
        for (const m of moduleMessages(ev.name, host.modules.has(ev.name))) this.klog(m);
      } else if (ev.kind === 'carrier') {
        const d = host.dev(ev.dev);
        if (d?.kind === 'ether' && d.up) this.klog(ev.up ? `${NIC_DRIVER}: ${ev.dev} NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None` : `${NIC_DRIVER}: ${ev.dev} NIC Link is Down`);
      } else if (ev.kind === 'link' && ev.dev && ev.up === true) {
        const d = host.dev(ev.dev);
        if (d?.kind === 'ether' && d.carrier) {
          this.klog(`${NIC_DRIVER}: ${ev.dev} NIC Link is Up 1000 Mbps Full Duplex, Flow Control: None`);
          this.klog(`IPv6: ADDRCONF(NETDEV_CHANGE): ${ev.dev}: link becomes ready`);
        }
      }
    });
  }

  /** Canonical unit name: `httpd` → `httpd.service`. */
  static canon(name: string): string {
    return /\.(service|socket|target|timer|mount|path|slice|scope|device|swap|automount)$/.test(name) ? name : `${name}.service`;
  }

  /** The definition of a unit known by name or alias, installed or not. */
  static def(name: string): UnitDef | undefined {
    const n = Systemd.canon(name);
    const def = UNIT_REGISTRY.get(n);
    if (def) return def;
    for (const d of UNIT_REGISTRY.values()) if (d.aliases?.includes(n) || d.aliases?.includes(name)) return d;
    return undefined;
  }

  /** The unit, if its package is installed on this host. */
  unit(name: string): UnitRuntime | undefined {
    const def = Systemd.def(name);
    if (!def) return undefined;
    if (def.pkg && !this.host.packages.has(def.pkg)) return undefined;
    let u = this.units.get(def.name);
    if (!u) {
      u = {
        def, state: 'inactive', sub: 'dead', enabled: false, since: 0, pid: 0, impl: null, result: null, startedAt: 0,
        workers: [], execPid: 0, execStatus: null, inactiveExit: -1, activeEnter: -1, activeExit: -1, inactiveEnter: -1,
        activationSeq: 0, cpuUs: 0,
      };
      this.units.set(def.name, u);
    }
    u.enabled = this.fileState(u) === 'enabled';
    return u;
  }

  /** Units of installed packages, in name order. */
  list(): UnitRuntime[] {
    const out: UnitRuntime[] = [];
    for (const d of UNIT_REGISTRY.values()) { const u = this.unit(d.name); if (u) out.push(u); }
    return out.sort((a, b) => (a.def.name < b.def.name ? -1 : 1));
  }

  // ---- unit files ----------------------------------------------------------------------------

  /** The unit file as it is on disk now (the vendor text when the file is missing). */
  unitFileText(u: UnitRuntime | UnitDef): string {
    const def = 'def' in u ? u.def : u;
    try { return this.host.fs.readFile(def.path); } catch { return vendorUnitText(def); }
  }

  /** Does the unit file exist on disk? */
  hasUnitFile(u: UnitRuntime): boolean { return this.host.fs.exists(u.def.path); }

  /** Drop-in files (/etc/systemd/system/NAME.d/*.conf), sorted. */
  dropIns(u: UnitRuntime): string[] {
    const dir = `${ETC}/${u.def.name}.d`;
    try { return this.host.fs.readdir(dir).filter((n) => n.endsWith('.conf')).sort().map((n) => `${dir}/${n}`); } catch { return []; }
  }

  /** The value of a unit file key, drop-ins included (the last one wins). */
  unitValue(u: UnitRuntime, section: string, key: string): string | null {
    let v = unitFileValue(this.unitFileText(u), section, key);
    for (const f of this.dropIns(u)) {
      try { const x = unitFileValue(this.host.fs.readFile(f), section, key); if (x !== null) v = x; } catch { /* unreadable */ }
    }
    return v;
  }

  private isLink(path: string, target?: string): boolean {
    const t = this.host.fs.tryReadlink(path);
    return t !== null && (target === undefined || t === target);
  }

  isMasked(u: UnitRuntime): boolean { return this.isLink(`${ETC}/${u.def.name}`, '/dev/null'); }

  /** is-enabled: from the symlinks, as systemd computes UnitFileState. */
  fileState(u: UnitRuntime): UnitFileState {
    if (this.isMasked(u)) return 'masked';
    const inst = parseInstall(this.unitFileText(u));
    if (!inst) return 'static';
    const wants = [...inst.wantedBy.map((t) => `${ETC}/${t}.wants/${u.def.name}`), ...inst.requiredBy.map((t) => `${ETC}/${t}.requires/${u.def.name}`)];
    if (wants.some((p) => this.isLink(p)) || inst.alias.some((a) => this.isLink(`${ETC}/${a}`))) return 'enabled';
    if (!wants.length && !inst.alias.length) return 'indirect';
    return 'disabled';
  }

  /** systemctl enable: create the [Install] symlinks. */
  enableUnit(name: string): InstallResult {
    const u = this.unit(name);
    if (!u) return { ok: false, error: 'not-found' };
    if (this.isMasked(u)) return { ok: false, error: 'masked' };
    const inst = parseInstall(this.unitFileText(u));
    if (!inst) return { ok: false, error: 'static' };
    const fs = this.host.fs;
    const changes: InstallChange[] = [];
    const link = (path: string) => {
      if (this.isLink(path)) return;
      try {
        fs.mkdir(path.slice(0, path.lastIndexOf('/')), { parents: true });
        fs.symlink(u.def.path, path);
        changes.push({ type: 'symlink', path, target: u.def.path });
      } catch { /* a file in the way: systemd would refuse; keep going */ }
    };
    for (const a of inst.alias) link(`${ETC}/${a}`);
    for (const t of inst.wantedBy) link(`${ETC}/${t}.wants/${u.def.name}`);
    for (const t of inst.requiredBy) link(`${ETC}/${t}.requires/${u.def.name}`);
    u.enabled = this.fileState(u) === 'enabled';
    return { ok: true, changes };
  }

  /** systemctl disable: remove every symlink to the unit under /etc/systemd/system. */
  disableUnit(name: string): InstallResult {
    const u = this.unit(name);
    if (!u) return { ok: false, error: 'not-found' };
    const inst = parseInstall(this.unitFileText(u));
    const fs = this.host.fs;
    const changes: InstallChange[] = [];
    const unlink = (path: string) => {
      if (!this.isLink(path) || this.isLink(path, '/dev/null')) return;
      try { fs.unlink(path); changes.push({ type: 'unlink', path }); } catch { /* gone */ }
    };
    for (const t of inst?.wantedBy ?? []) unlink(`${ETC}/${t}.wants/${u.def.name}`);
    for (const t of inst?.requiredBy ?? []) unlink(`${ETC}/${t}.requires/${u.def.name}`);
    for (const a of inst?.alias ?? []) unlink(`${ETC}/${a}`);
    // Links made by hand or from an older [Install] section.
    try {
      for (const d of fs.readdir(ETC).sort()) {
        if (d.endsWith('.wants') || d.endsWith('.requires')) unlink(`${ETC}/${d}/${u.def.name}`);
      }
    } catch { /* no /etc/systemd/system */ }
    u.enabled = this.fileState(u) === 'enabled';
    return { ok: true, changes };
  }

  enable(name: string): boolean { return this.enableUnit(name).ok; }
  disable(name: string): boolean { return this.disableUnit(name).ok; }

  /** systemctl mask: a /dev/null symlink in /etc/systemd/system. */
  maskUnit(name: string): InstallResult {
    const def = Systemd.def(name);
    const n = def?.name ?? Systemd.canon(name);
    const path = `${ETC}/${n}`;
    if (this.isLink(path, '/dev/null')) return { ok: true, changes: [] };
    try {
      this.host.fs.mkdir(ETC, { parents: true });
      if (this.host.fs.exists(path) || this.isLink(path)) this.host.fs.unlink(path);
      this.host.fs.symlink('/dev/null', path);
    } catch { return { ok: false, error: 'not-found' }; }
    return { ok: true, changes: [{ type: 'symlink', path, target: '/dev/null' }] };
  }

  unmaskUnit(name: string): InstallResult {
    const def = Systemd.def(name);
    const path = `${ETC}/${def?.name ?? Systemd.canon(name)}`;
    if (!this.isLink(path, '/dev/null')) return { ok: true, changes: [] };
    try { this.host.fs.unlink(path); } catch { /* gone */ }
    return { ok: true, changes: [{ type: 'unlink', path }] };
  }

  /** Apply the vendor preset (rpm's %systemd_post on first install). */
  preset(name: string): void {
    const u = this.unit(name);
    if (u && u.def.preset === 'enabled') this.enableUnit(name);
  }

  // ---- the journal ---------------------------------------------------------------------------

  log(unit: string, ident: string, pid: number, msg: string, priority = 6, extra?: { mono?: number; catalog?: CatalogRef }): void {
    this.journal.push({
      seq: ++this.seq, time: this.host.now, boot: Math.max(1, this.bootCount), hostname: this.host.hostname,
      unit, ident, pid, msg, priority, mono: extra?.mono, catalog: extra?.catalog,
    });
    if (this.journal.length > JOURNAL_MAX) { this.journal.splice(0, this.journal.length - JOURNAL_MAX); this.journalDropped++; }
  }

  /**
   * A kernel message (printk): `journalctl -k` and `dmesg`. Its dmesg time counts from the
   * kernel's start, which is USERSPACE_MONO before the virtual moment the machine booted.
   */
  klog(msg: string, mono?: number, priority = 6): void {
    this.log('', 'kernel', 0, msg, priority, { mono: mono ?? Math.max(0, this.host.now - this.bootTime) + USERSPACE_MONO });
  }

  /** The next journal sequence number (entries logged from now on have it or later). */
  get nextSeq(): number { return this.seq + 1; }

  bootId(boot = this.bootCount): string { return this.bootIds[boot - 1] ?? '0'.repeat(32); }

  private sysLog(u: UnitRuntime, msg: string, priority = 6, catalog?: CatalogRef): void {
    this.log(u.def.name, 'systemd', 1, msg, priority, catalog ? { catalog } : undefined);
  }

  private setState(u: UnitRuntime, state: ActiveState, sub: SubState): void {
    const now = this.host.now;
    const wasActive = u.state === 'active' || u.state === 'reloading';
    const wasInactive = u.state === 'inactive' || u.state === 'failed';
    u.state = state;
    u.sub = sub;
    u.since = now;
    if (state === 'active' && !wasActive) u.activeEnter = now;
    if ((state === 'inactive' || state === 'failed') && wasActive) u.activeExit = now;
    // A failed start goes inactive → activating → failed: entering `failed` is an inactive-enter too.
    if ((state === 'inactive' && !wasInactive) || state === 'failed') u.inactiveEnter = now;
    this.host.emit({ kind: 'link', dev: '' });
  }

  private unitType(u: UnitRuntime): string { return u.def.name.slice(u.def.name.lastIndexOf('.') + 1); }

  /** CPU time a unit uses for an activation of `us` virtual µs (deterministic, plausible). */
  cpuOf(u: UnitRuntime): number {
    const base = (resourcesOf(u.def).cpuMs ?? 12) * 1000;
    const running = u.state === 'active' && u.sub === 'running' ? Math.floor((this.host.now - u.startedAt) / 2000) : 0;
    return u.cpuUs + (u.state === 'active' ? base + running : 0);
  }

  /** systemctl start. Returns null, 'not-found', 'masked', or the failure reason (the unit is then `failed`). */
  start(name: string): string | null {
    const u = this.unit(name);
    if (!u) return 'not-found';
    if (this.isMasked(u)) return 'masked';
    if (u.state === 'active') return null;
    const d = u.def;
    const jobId = ++this.jobs;
    const type = this.unitType(u);
    u.activationSeq = this.nextSeq;
    u.inactiveExit = this.host.now;
    u.startedAt = this.host.now;
    if (type !== 'service') {
      u.impl = d.create(this.host, this);
      u.impl.start();
      const sub: SubState = type === 'socket' ? 'listening' : type === 'timer' ? 'waiting' : type === 'mount' ? 'mounted' : 'active';
      const verb = type === 'target' ? 'Reached target' : type === 'socket' ? 'Listening on' : type === 'mount' ? 'Mounted' : 'Started';
      this.setState(u, 'active', sub);
      this.sysLog(u, `${verb} ${d.description}.`, 6, { id: 'started', jobId });
      return null;
    }
    this.sysLog(u, `Starting ${d.description}...`, 6, { id: 'start', jobId });
    u.cpuUs = 0; // CPU accounting starts afresh with each activation (a new cgroup)
    u.pid = this.host.allocPid();
    u.execPid = u.pid;
    u.execStatus = null;
    u.workers = [];
    u.impl = d.create(this.host, this);
    const err = u.impl.start();
    if (err !== null) {
      u.impl = null;
      u.result = 'exit-code';
      u.execStatus = 1;
      const cpu = (resourcesOf(d).cpuMs ?? 12) * 1000 / 3;
      u.cpuUs += Math.floor(cpu);
      this.sysLog(u, `${d.name}: Main process exited, code=exited, status=1/FAILURE`, 5, { id: 'exited', exitCode: 'exited', exitStatus: '1' });
      this.sysLog(u, `${d.name}: Failed with result 'exit-code'.`, 4, { id: 'failed', result: 'exit-code' });
      this.sysLog(u, `Failed to start ${d.description}.`, 3, { id: 'start-failed', jobId, result: 'failed' });
      this.setState(u, 'failed', 'failed');
      u.pid = 0;
      this.sysLog(u, `${d.name}: Consumed ${fmtCpu(Math.floor(cpu))} CPU time.`, 6, { id: 'resources' });
      return err;
    }
    u.result = null;
    for (let i = 0; i < (d.workers ?? 0); i++) u.workers.push(this.host.allocPid());
    if (u.impl.oneshot) u.execStatus = 0;
    this.setState(u, 'active', u.impl.oneshot ? 'exited' : 'running');
    if (u.impl.oneshot) this.sysLog(u, `Finished ${d.description}.`, 6, { id: 'started', jobId });
    else this.sysLog(u, `Started ${d.description}.`, 6, { id: 'started', jobId });
    return null;
  }

  /** systemctl stop: a failed unit stays failed (stopping an inactive unit is a no-op job). */
  stop(name: string): string | null {
    const u = this.unit(name);
    if (!u) return 'not-found';
    if (u.state !== 'active' && u.state !== 'reloading') return null;
    const d = u.def;
    const jobId = ++this.jobs;
    const type = this.unitType(u);
    if (type !== 'service') {
      u.impl?.stop();
      u.impl = null;
      this.setState(u, 'inactive', 'dead');
      const verb = type === 'target' ? 'Stopped target' : type === 'socket' ? 'Closed' : type === 'mount' ? 'Unmounted' : 'Stopped';
      this.sysLog(u, `${verb} ${d.description}.`, 6, { id: 'stopped', jobId, result: 'done' });
      return null;
    }
    const cpu = this.cpuOf(u);
    this.sysLog(u, `Stopping ${d.description}...`, 6, { id: 'stop', jobId });
    u.impl?.stop();
    u.impl = null;
    if (u.execStatus === null) u.execStatus = 0;
    this.sysLog(u, `${d.name}: Deactivated successfully.`, 6, { id: 'success' });
    this.setState(u, 'inactive', 'dead');
    this.sysLog(u, `Stopped ${d.description}.`, 6, { id: 'stopped', jobId, result: 'done' });
    u.cpuUs = cpu;
    this.sysLog(u, `${d.name}: Consumed ${fmtCpu(cpu)} CPU time.`, 6, { id: 'resources' });
    u.pid = 0;
    u.workers = [];
    return null;
  }

  restart(name: string): string | null {
    const u = this.unit(name);
    if (!u) return 'not-found';
    if (this.isMasked(u)) return 'masked';
    if (u.state === 'active') this.stop(name);
    return this.start(name);
  }

  /** systemctl reload: 'unsupported' when the unit has no reload; 'inactive' when not running. */
  reload(name: string): string | null {
    const u = this.unit(name);
    if (!u) return 'not-found';
    if (u.state !== 'active' || !u.impl) return 'inactive';
    if (!u.impl.reload) return 'unsupported';
    const jobId = ++this.jobs;
    this.sysLog(u, `Reloading ${u.def.description}...`, 6, { id: 'reload', jobId });
    const err = u.impl.reload();
    this.sysLog(u, `Reloaded ${u.def.description}.`, 6, { id: 'reloaded', jobId, result: err ? 'failed' : 'done' });
    return err;
  }

  /**
   * The main process of a running service exited by itself (a daemon that gave up after it
   * started, e.g. keepalived with a fatal configuration error in a child): the unit goes
   * `failed` (status ≠ 0) or `inactive` with systemd's journal lines.
   */
  mainExited(name: string, status: number, statusName = status === 0 ? 'SUCCESS' : 'FAILURE'): void {
    const u = this.unit(name);
    if (!u || u.state !== 'active' || !u.impl) return;
    const d = u.def;
    const cpu = this.cpuOf(u);
    u.impl = null;
    u.execStatus = status;
    u.cpuUs = cpu;
    if (status === 0) {
      this.sysLog(u, `${d.name}: Deactivated successfully.`, 6, { id: 'success' });
      this.setState(u, 'inactive', 'dead');
    } else {
      u.result = 'exit-code';
      this.sysLog(u, `${d.name}: Main process exited, code=exited, status=${status}/${statusName}`, 5, { id: 'exited', exitCode: 'exited', exitStatus: String(status) });
      this.sysLog(u, `${d.name}: Failed with result 'exit-code'.`, 4, { id: 'failed', result: 'exit-code' });
      this.setState(u, 'failed', 'failed');
    }
    this.sysLog(u, `${d.name}: Consumed ${fmtCpu(cpu)} CPU time.`, 6, { id: 'resources' });
    u.pid = 0;
    u.workers = [];
  }

  /** systemctl reset-failed. */
  resetFailed(name?: string): void {
    for (const u of name ? [this.unit(name)].filter((x): x is UnitRuntime => !!x) : this.list()) {
      if (u.state === 'failed') { u.result = null; u.state = 'inactive'; u.sub = 'dead'; }
    }
  }

  /** systemctl daemon-reload (the unit files are read when used, so this only logs). */
  daemonReload(): void {
    this.log('', 'systemd', 1, 'Reloading.');
  }

  // ---- boot and shutdown ---------------------------------------------------------------------

  /** Boot order of a unit (lower first). */
  static bootOrder(d: UnitDef): number { return d.bootOrder ?? BOOT_ORDER[d.name] ?? 50; }

  /**
   * The machine comes up: a new boot ID, the kernel's boot messages, the hostname from
   * /etc/hostname, then every static and enabled unit in boot order.
   */
  boot(): void {
    this.bootCount++;
    this.bootTime = this.host.now;
    // A new PID 1 knows nothing of the previous boot's units.
    for (const u of this.units.values()) {
      Object.assign(u, { state: 'inactive', sub: 'dead', pid: 0, impl: null, result: null, workers: [], execPid: 0, execStatus: null,
        inactiveExit: -1, activeEnter: -1, activeExit: -1, inactiveEnter: -1, activationSeq: this.nextSeq, cpuUs: 0 });
    }
    const r = this.host.rng.fork(`boot-id:${this.bootCount}`);
    this.bootIds.push([r.u32(), r.u32(), r.u32(), r.u32()].map((x) => x.toString(16).padStart(8, '0')).join(''));
    let name = '';
    try { name = this.host.fs.readFile('/etc/hostname').split('\n')[0].trim(); } catch { /* none */ }
    if (name && /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name) && name !== this.host.hostname) this.host.setHostname(name);
    for (const [mono, msg] of kernelBootLog(this.host)) this.klog(msg, mono);
    this.log('', 'systemd', 1, `systemd ${SYSTEMD_VERSION} running in system mode (${SYSTEMD_FEATURES})`);
    this.log('', 'systemd', 1, 'Detected virtualization vmware.');
    this.log('', 'systemd', 1, 'Detected architecture x86-64.');
    this.log('', 'systemd', 1, `Hostname set to <${this.host.hostname}>.`);
    const order = this.list().sort((a, b) => Systemd.bootOrder(a.def) - Systemd.bootOrder(b.def) || (a.def.name < b.def.name ? -1 : 1));
    for (const u of order) {
      const st = this.fileState(u);
      if (st === 'enabled' || st === 'static') this.start(u.def.name);
    }
    this.log('', 'systemd', 1, 'Startup finished in 1.103s (kernel) + 2.514s (initrd) + 6.217s (userspace) = 9.835s.');
  }

  /**
   * An orderly shutdown (reboot, poweroff): logind announces it, units stop in reverse boot
   * order with their journal lines, the kernel says goodbye. The caller then cuts the power.
   */
  shutdown(kind: 'reboot' | 'poweroff' | 'halt'): void {
    const logind = this.unit('systemd-logind');
    const lpid = logind?.pid || 0;
    this.log('', 'systemd-logind', lpid, kind === 'reboot' ? 'System is rebooting.' : kind === 'halt' ? 'System is halting.' : 'System is powering down.');
    const active = this.list().filter((u) => u.state === 'active')
      .sort((a, b) => Systemd.bootOrder(b.def) - Systemd.bootOrder(a.def) || (a.def.name < b.def.name ? 1 : -1));
    for (const u of active) this.stop(u.def.name);
    this.log('', 'systemd', 1, kind === 'reboot' ? 'Reached target System Reboot.' : kind === 'halt' ? 'Reached target System Halt.' : 'Reached target System Power Off.');
    this.log('', 'systemd', 1, 'Shutting down.');
    this.log('', 'systemd-shutdown', 1, 'Syncing filesystems and block devices.');
    this.log('', 'systemd-shutdown', 1, 'Sending SIGTERM to remaining processes...');
    this.klog(kind === 'reboot' ? 'reboot: Restarting system' : kind === 'halt' ? 'reboot: System halted' : 'reboot: Power down');
  }

  /** Power loss: every unit just stops (no journal lines: the machine is off). */
  halt(): void {
    for (const u of this.units.values()) {
      if (u.impl) { if (u.impl.kill) u.impl.kill(); else u.impl.stop(); u.impl = null; }
      if (u.state === 'active') { u.activeExit = this.host.now; u.cpuUs = this.cpuOf(u); }
      u.state = 'inactive'; u.sub = 'dead'; u.pid = 0; u.workers = [];
      u.result = null;
    }
  }

  /** The daemon object of a running unit (for nmcli to reach NetworkManager, etc.). */
  impl<T extends ServiceImpl>(name: string): T | null {
    const u = this.unit(name);
    return u && u.state === 'active' ? (u.impl as T) : null;
  }
}

/** systemd's format_timespan with millisecond accuracy ("156ms", "1.234s", "2min 3.456s"). */
export function fmtCpu(us: number): string { return formatTimespan(us, 1000); }

/** format_timespan() of systemd 252 (src/basic/time-util.c). */
export function formatTimespan(t: number, accuracy: number): string {
  const table: [string, number][] = [
    ['y', 31557600e6], ['month', 2629800e6], ['w', 604800e6], ['d', 86400e6], ['h', 3600e6], ['min', 60e6], ['s', 1e6], ['ms', 1000], ['us', 1],
  ];
  t = Math.floor(t);
  if (t <= 0) return '0';
  let out = '';
  let something = false;
  for (const [suffix, usec] of table) {
    if (t <= 0) break;
    if (t < accuracy && something) break;
    if (t < usec) continue;
    const a = Math.floor(t / usec);
    let b = t % usec;
    let done = false;
    if (t < 60e6 && b > 0) {
      let j = 0;
      for (let cc = usec; cc > 1; cc = Math.floor(cc / 10)) j++;
      for (let cc = accuracy; cc > 1; cc = Math.floor(cc / 10)) { b = Math.floor(b / 10); j--; }
      if (j > 0) {
        out += `${out ? ' ' : ''}${a}.${String(b).padStart(j, '0')}${suffix}`;
        t = 0;
        done = true;
      }
    }
    if (!done) {
      out += `${out ? ' ' : ''}${a}${suffix}`;
      t = b;
    }
    something = true;
  }
  return out;
}
