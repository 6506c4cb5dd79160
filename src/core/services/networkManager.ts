/**
 * NetworkManager 1.46 as RHEL 9 runs it: the daemon behind `nmcli`, `ifup`/`ifdown` and the
 * preset hosts' addresses.
 *
 * What it models (src/core/{nm-manager.c,nm-policy.c,devices/nm-device.c} of NM 1.46):
 * - Settings: keyfiles in /etc/NetworkManager/system-connections/*.nmconnection, loaded at
 *   start and on `reload`/`load`, refused unless a regular root-owned file without group/other
 *   bits ("File permissions (100644) are insecure"), read with nm-keyfile.c's rules (./nm/).
 *   `lo` without a loopback profile gets NM's in-memory external profile `lo`.
 * - Devices: lo (loopback), each Ethernet NIC, tunl0 (iptunnel, unmanaged); states unmanaged,
 *   unavailable (no carrier), disconnected, prepare…activated, deactivating, failed, with the
 *   journal's `state change: A -> B (reason 'R', sys-iface-state: 'S')` lines.
 * - Activation: autoconnect at start, on carrier and when a NIC appears; `connection up/down`,
 *   `device connect/disconnect/reapply`. ActiveConnection/N counts activations since start.
 *   Addresses are added with `noprefixroute`, a broadcast and scope global (127.0.0.1/8 stays on
 *   lo); NM adds the prefix route (`proto kernel scope link src A metric M`), the default route
 *   (`proto static metric M`) and `route1=` routes itself. Metrics are reserved per device as
 *   nm-manager.c's _device_route_metric_get does (ethernet 100, 101, … bumped past the ranges
 *   other devices hold; loopback 30), and released when the device deactivates.
 * - Carrier: losing it on an activated device deactivates it after NM's 6 s grace period
 *   (state unavailable, reason carrier-changed); carrier back → disconnected → autoconnect.
 * - ipv4.method auto (DHCP): no DHCP packets are put on the wire (documented simplification).
 *   On vmnet8 VMware's NAT service leases 192.168.1.128 upward (router and DNS 192.168.1.2),
 *   as a VMware VM really gets; on any other network nobody answers and the attempt fails
 *   after ipv4.dhcp-timeout (45 s default) with reason 'ip-config-unavailable'.
 * - disabled and link-local (169.254.x.y derived from the MAC) methods; shared is treated as
 *   manual with the profile's addresses (no dnsmasq).
 * - /etc/resolv.conf written from the active profiles' dns= (default-route profile first).
 *
 * Left out: IPv6 beyond the kernel's link-local address, Wi-Fi/WWAN, connectivity checking
 * (RHEL's default: none, so a default route means "full"), D-Bus itself, secrets, dispatcher
 * scripts, checkpoints.
 */
import type { Dev } from '../net/dev.ts';
import type { Host, HostEvent } from '../net/host.ts';
import type { Route } from '../net/route.ts';
import { SEC, type Timer } from '../sim/events.ts';
import { fmtIp, prefixMask, sameSubnet, type Ipv4Addr } from '../wire/types.ts';
import { uuidV4 } from './nm/md5.ts';
import {
  KEYFILE_DIR, KEYFILE_SUFFIX, canonType, cloneProfile, keyfileNameFor, newProfile, parseIni, readKeyfile, verifyProfile, writeKeyfile,
  type Profile,
} from './nm/profile.ts';
import { registerUnit, type ServiceImpl, type Systemd } from './systemd.ts';

export { KEYFILE_DIR, parseIni };
export type { Profile };

export const NM_VERSION = '1.46.0-8.el9_4';
export const DBUS = '/org/freedesktop/NetworkManager';
const UNIT = 'NetworkManager.service';
/** nm-device.c CARRIER_WAIT_TIME_MS: grace period before a lost carrier deactivates. */
const CARRIER_WAIT_US = 6 * SEC;
/** NM's default ipv4.dhcp-timeout. */
const DHCP_TIMEOUT_S = 45;
/** Autoconnect attempts before NM blocks a failing profile (connection.autoconnect-retries default). */
const AUTOCONNECT_RETRIES = 4;

export type DevState = 'unmanaged' | 'unavailable' | 'disconnected' | 'prepare' | 'config' | 'ip-config' | 'ip-check'
  | 'secondaries' | 'activated' | 'deactivating' | 'failed';

export const DEV_STATE_NUM: Record<DevState, number> = {
  unmanaged: 10, unavailable: 20, disconnected: 30, prepare: 40, config: 50, 'ip-config': 70, 'ip-check': 80,
  secondaries: 90, activated: 100, deactivating: 110, failed: 120,
};

export type DevType = 'ethernet' | 'loopback' | 'iptunnel';
export type AcState = 'activating' | 'activated' | 'deactivating' | 'deactivated';

export interface ActiveConnection {
  /** ActiveConnection/N. */
  readonly n: number;
  /** The settings profile (what `connection show` lists). */
  readonly profile: Profile;
  /** The profile as applied when activation started (modify does not change it). */
  applied: Profile;
  readonly device: NmDevice;
  state: AcState;
  /** Holds the best IPv4 default route. */
  isDefault: boolean;
  /** Why it failed or went away (nmcli's activation error text). */
  reason: string | null;
  external: boolean;
}

export interface NmDevice {
  readonly name: string;
  readonly type: DevType;
  /** Devices/N. */
  readonly path: number;
  state: DevState;
  stateReason: string;
  ac: ActiveConnection | null;
  /** Set by `nmcli device disconnect`: no autoconnect until a manual activation. */
  autoconnectBlocked: boolean;
  carrierTimer: Timer | null;
  dhcpTimer: Timer | null;
  /** External (assumed) device: lo without a loopback profile. */
  external: boolean;
}

/** Result of a request nmcli makes (mirrors the D-Bus error nmcli prints). */
export type NmResult<T> = { ok: true; value: T } | { ok: false; error: string };

export class NetworkManager implements ServiceImpl {
  readonly devices: NmDevice[] = [];
  profiles: Profile[] = [];
  private readonly settingsPath = new Map<Profile, number>();
  private nextSettingsPath = 1;
  private nextAc = 1;
  private nextDevPath = 1;
  private readonly metrics = new Map<string, { aspired: number; effective: number }>();
  private readonly autoconnectFailures = new Map<string, number>();
  /** Profiles the user deactivated: not auto-activated again until activated by hand. */
  private readonly userBlocked = new Set<string>();
  private unsubscribe: (() => void) | null = null;
  private running = false;
  networking = true;
  /** Bumped on every change a UI may want to redraw. */
  version = 0;

  constructor(readonly host: Host, private readonly sd: Systemd) {}

  // ---- logging --------------------------------------------------------------------------------

  private get pid(): number { return this.sd.unit(UNIT)?.pid ?? 0; }

  /** A journal line in NM's format: `<info>  [1715673600.1234] msg`. */
  log(level: 'info' | 'warn' | 'error', msg: string): void {
    const us = this.host.net.epochUs + this.host.now;
    const ts = `${Math.floor(us / SEC)}.${String(Math.floor((us % SEC) / 100)).padStart(4, '0')}`;
    const tag = `<${level}>`.padEnd(7);
    this.sd.log(UNIT, 'NetworkManager', this.pid, `${tag} [${ts}] ${msg}`, level === 'info' ? 6 : level === 'warn' ? 4 : 3);
  }

  private changed(): void { this.version++; }

  // ---- lifecycle ------------------------------------------------------------------------------

  start(): string | null {
    this.running = true;
    this.log('info', `NetworkManager (version ${NM_VERSION}) is starting... (boot:${uuidV4(this.host.rng.fork('nm-boot-id'))})`);
    this.log('info', 'Read config: /etc/NetworkManager/NetworkManager.conf');
    this.log('info', 'bus-manager: acquired D-Bus service "org.freedesktop.NetworkManager"');
    this.log('info', 'manager: Networking is enabled by state file');
    this.log('info', 'settings: Loaded settings plugin: keyfile (internal)');
    this.log('info', 'dhcp: init: Using DHCP client \'internal\'');
    this.loadAll(true);
    for (const d of [...this.host.devs.values()].sort((a, b) => a.ifindex - b.ifindex)) this.addDevice(d);
    this.unsubscribe = this.host.on((ev) => this.onHostEvent(ev));
    this.writeResolvConf();
    this.log('info', 'manager: startup complete');
    this.changed();
    return null;
  }

  /** systemctl stop: NM leaves addresses and routes in place (as the real one does). */
  stop(): void {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const d of this.devices) { this.host.net.q.cancel(d.carrierTimer); this.host.net.q.cancel(d.dhcpTimer); }
    this.log('info', 'caught SIGTERM, shutting down normally.');
    this.log('info', 'exiting (success)');
  }

  reload(): string | null {
    this.log('info', 'reload configuration (signal SIGHUP)...');
    return null;
  }

  statusText(): string | null { return null; }

  // ---- settings -------------------------------------------------------------------------------

  private keyfileNames(): string[] {
    try { return this.host.fs.readdir(KEYFILE_DIR).filter((n) => n.endsWith(KEYFILE_SUFFIX)).sort(); } catch { return []; }
  }

  /** Read one keyfile with NM's permission checks; logs the warnings. */
  private readFile(path: string, verbose = true): { profile: Profile | null; error: string | null } {
    const fs = this.host.fs;
    let st;
    try { st = fs.stat(path); } catch { return { profile: null, error: 'No such file or directory' }; }
    let error: string | null = null;
    if (st.kind !== 'file') error = 'file is not a regular file';
    else if (st.uid !== 0) error = `File owner (${st.uid}) is insecure`;
    else if (st.mode & 0o077) error = `File permissions (${st.stMode.toString(8)}) are insecure`;
    if (error) {
      if (verbose) this.log('warn', `keyfile: load: "${path}": failed to load connection: ${error}`);
      return { profile: null, error };
    }
    let text = '';
    try { text = fs.readFile(path); } catch { return { profile: null, error: 'cannot read file' }; }
    const r = readKeyfile(text, path);
    if (verbose) for (const w of r.warnings) this.log('warn', `keyfile: ${w}`);
    if (!r.profile) {
      if (verbose) this.log('warn', `keyfile: load: "${path}": failed to load connection: ${r.error}`);
      return { profile: null, error: r.error };
    }
    return { profile: r.profile, error: null };
  }

  /** Load every keyfile (start, `connection reload`). Existing profiles keep their identity. */
  private loadAll(initial: boolean): void {
    const seen = new Set<Profile>();
    for (const n of this.keyfileNames()) {
      const path = `${KEYFILE_DIR}/${n}`;
      const { profile } = this.readFile(path);
      if (!profile) continue;
      seen.add(this.mergeLoaded(profile, initial));
    }
    // Profiles whose file vanished or became unreadable go away (active ones are deactivated).
    for (const p of [...this.profiles]) {
      if (p.external || seen.has(p)) continue;
      if (p.filename === null) continue; // in-memory (nmcli add save no)
      this.removeProfile(p, 'connection-removed');
    }
  }

  /** Put a freshly read profile in place of the one with the same file or uuid. */
  private mergeLoaded(fresh: Profile, initial: boolean): Profile {
    const old = this.profiles.find((p) => !p.external && (p.filename === fresh.filename || p.uuid === fresh.uuid));
    if (old) {
      fresh.timestamp = Math.max(old.timestamp, fresh.timestamp);
      Object.assign(old, fresh);
      return old;
    }
    this.profiles.push(fresh);
    this.settingsPath.set(fresh, this.nextSettingsPath++);
    if (!initial) this.log('info', `audit: op="connection-add" uuid="${fresh.uuid}" name="${fresh.id}" pid=${this.pid} uid=0 result="success"`);
    return fresh;
  }

  private removeProfile(p: Profile, reason: string): void {
    for (const d of this.devices) if (d.ac?.profile === p) this.deactivate(d, reason === 'connection-removed' ? 'connection-removed' : 'user-requested');
    this.profiles = this.profiles.filter((x) => x !== p);
    this.changed();
  }

  settingsPathOf(p: Profile): string { return `${DBUS}/Settings/Connection/${this.settingsPath.get(p) ?? 0}`; }

  /** `nmcli connection reload`: re-read all keyfiles; new autoconnect profiles start on idle devices. */
  reloadConnections(): void {
    this.loadAll(false);
    this.autoconnectAll();
    this.changed();
  }

  /** `nmcli connection load FILE…`: returns the files that failed. */
  loadConnections(paths: readonly string[]): string[] {
    const failures: string[] = [];
    for (const path of paths) {
      if (!path.endsWith(KEYFILE_SUFFIX) || !path.startsWith(KEYFILE_DIR + '/')) {
        // NM loads keyfiles only from its own directories.
        failures.push(path);
        continue;
      }
      let exists = true;
      try { this.host.fs.stat(path); } catch { exists = false; }
      if (!exists) {
        const old = this.profiles.find((p) => p.filename === path);
        if (old) { this.removeProfile(old, 'connection-removed'); continue; }
        failures.push(path);
        continue;
      }
      const { profile } = this.readFile(path);
      if (!profile) { failures.push(path); continue; }
      this.mergeLoaded(profile, false);
    }
    this.autoconnectAll();
    this.changed();
    return failures;
  }

  /** Write a profile to disk in NM's normalized form (mode 0600). */
  private persist(p: Profile): void {
    if (p.external) return;
    if (!p.filename) p.filename = this.freeFilename(p.id);
    try {
      this.host.fs.writeFile(p.filename, writeKeyfile(p), { mode: 0o600 });
      this.host.fs.chmod(p.filename, 0o600);
    } catch { /* directory gone: NM would log a commit failure */ }
  }

  private freeFilename(id: string): string {
    let path = keyfileNameFor(id);
    for (let i = 1; this.host.fs.exists(path) || this.profiles.some((p) => p.filename === path); i++) {
      path = keyfileNameFor(`${id}-${i}`);
    }
    return path;
  }

  /** `nmcli connection add`/`clone`: validates, stores (to disk unless `save` is false), autoconnects. */
  addProfile(p: Profile, save = true): NmResult<Profile> {
    const err = verifyProfile(p);
    if (err) return { ok: false, error: err };
    if (save) this.persist(p);
    this.profiles.push(p);
    this.settingsPath.set(p, this.nextSettingsPath++);
    this.log('info', `audit: op="connection-add" uuid="${p.uuid}" name="${p.id}" pid=${this.pid} uid=0 result="success"`);
    this.autoconnectAll();
    this.changed();
    return { ok: true, value: p };
  }

  /** `nmcli connection modify`: the changed copy replaces the stored profile; the device is untouched. */
  updateProfile(target: Profile, changed: Profile, save = true): NmResult<Profile> {
    const err = verifyProfile(changed);
    if (err) return { ok: false, error: err };
    if (target.external) {
      // Modifying the generated lo profile turns it into a persistent one (as NM does).
      changed.external = false;
      changed.filename = null;
    }
    Object.assign(target, changed);
    if (save) this.persist(target);
    this.log('info', `audit: op="connection-update" uuid="${target.uuid}" name="${target.id}" args="" pid=${this.pid} uid=0 result="success"`);
    this.changed();
    return { ok: true, value: target };
  }

  /** `nmcli connection delete`. */
  deleteProfile(p: Profile): void {
    this.log('info', `audit: op="connection-delete" uuid="${p.uuid}" name="${p.id}" pid=${this.pid} uid=0 result="success"`);
    if (p.filename && !p.external) { try { this.host.fs.unlink(p.filename); } catch { /* already gone */ } }
    this.removeProfile(p, 'connection-removed');
    this.ensureLoExternal();
  }

  /** A new profile with a random UUID (nmcli connection add). */
  newProfile(id: string, type: string): Profile | null {
    const t = canonType(type);
    if (!t) return null;
    const p = newProfile(id, uuidV4(this.host.rng), t);
    return p;
  }

  cloneWithNewUuid(p: Profile, id: string): Profile {
    const c = cloneProfile(p);
    c.id = id;
    c.uuid = uuidV4(this.host.rng);
    c.filename = null;
    c.external = false;
    c.timestamp = 0;
    return c;
  }

  // ---- devices --------------------------------------------------------------------------------

  device(name: string): NmDevice | undefined { return this.devices.find((d) => d.name === name); }

  private typeOf(d: Dev): DevType { return d.kind === 'loopback' ? 'loopback' : d.kind === 'ipip' ? 'iptunnel' : 'ethernet'; }

  private addDevice(d: Dev): void {
    if (this.device(d.name)) return;
    const type = this.typeOf(d);
    const nd: NmDevice = {
      name: d.name, type, path: this.nextDevPath++, state: 'unmanaged', stateReason: 'none', ac: null,
      autoconnectBlocked: false, carrierTimer: null, dhcpTimer: null, external: false,
    };
    this.devices.push(nd);
    this.log('info', `manager: (${d.name}): new ${type === 'loopback' ? 'Loopback' : type === 'ethernet' ? 'Ethernet' : 'IPTunnel'} device (${DBUS}/Devices/${nd.path})`);
    if (type === 'iptunnel') return; // NM leaves tunl0 unmanaged
    if (!this.networking) return;
    this.manage(nd);
  }

  /** unmanaged → unavailable → disconnected (carrier) → autoconnect. */
  private manage(nd: NmDevice): void {
    const d = this.host.dev(nd.name);
    if (!d) return;
    if (nd.type === 'loopback') {
      if (this.candidates(nd, false).length) {
        this.setState(nd, 'unavailable', 'managed');
        this.setState(nd, 'disconnected', 'none');
        this.autoconnect(nd);
      } else {
        nd.external = true;
        this.setState(nd, 'unavailable', 'connection-assumed');
        this.setState(nd, 'disconnected', 'connection-assumed');
        this.ensureLoExternal();
      }
      return;
    }
    this.setState(nd, 'unavailable', 'managed');
    if (!d.up) this.host.setLinkUp(nd.name, true);
    if (d.carrier) {
      this.log('info', `device (${nd.name}): carrier: link connected`);
      this.setState(nd, 'disconnected', 'carrier-changed');
      this.autoconnect(nd);
    }
  }

  private removeDevice(name: string): void {
    const nd = this.device(name);
    if (!nd) return;
    if (nd.ac) this.finishAc(nd.ac, 'device-removed');
    this.host.net.q.cancel(nd.carrierTimer);
    this.host.net.q.cancel(nd.dhcpTimer);
    this.metrics.delete(name);
    this.devices.splice(this.devices.indexOf(nd), 1);
    this.log('info', `device (${name}): state change: ${nd.state} -> unmanaged (reason 'removed', sys-iface-state: 'removed')`);
    this.changed();
  }

  private onHostEvent(ev: HostEvent): void {
    if (!this.running) return;
    if (ev.kind === 'link' && ev.dev) {
      const d = this.host.dev(ev.dev);
      if (d && !this.device(ev.dev)) {
        // A renamed device: forget the old name.
        for (const nd of [...this.devices]) if (!this.host.dev(nd.name)) this.removeDevice(nd.name);
        this.addDevice(d);
      } else if (!d && this.device(ev.dev)) this.removeDevice(ev.dev);
      return;
    }
    if (ev.kind === 'carrier') this.onCarrier(ev.dev, ev.up);
    if (ev.kind === 'power' && !ev.on) this.running = false;
  }

  private onCarrier(name: string, up: boolean): void {
    const nd = this.device(name);
    if (!nd || nd.type !== 'ethernet' || nd.state === 'unmanaged') return;
    const q = this.host.net.q;
    if (up) {
      this.log('info', `device (${name}): carrier: link connected`);
      if (nd.carrierTimer) { q.cancel(nd.carrierTimer); nd.carrierTimer = null; return; }
      if (nd.state === 'unavailable') {
        this.setState(nd, 'disconnected', 'carrier-changed');
        this.autoconnectFailures.clear();
        this.autoconnect(nd);
      }
      return;
    }
    if (nd.state === 'disconnected') { this.setState(nd, 'unavailable', 'carrier-changed'); return; }
    if (nd.state === 'unavailable' || nd.carrierTimer) return;
    nd.carrierTimer = q.after(CARRIER_WAIT_US, () => {
      nd.carrierTimer = null;
      const d = this.host.dev(name);
      if (!d || d.carrier) return;
      if (nd.ac) this.deactivate(nd, 'carrier-changed', 'unavailable');
      else this.setState(nd, 'unavailable', 'carrier-changed');
    });
  }

  private sysIface(nd: NmDevice): string { return nd.external ? 'external' : 'managed'; }

  private setState(nd: NmDevice, s: DevState, reason: string): void {
    if (nd.state === s) return;
    this.log('info', `device (${nd.name}): state change: ${nd.state} -> ${s} (reason '${reason}', sys-iface-state: '${this.sysIface(nd)}')`);
    nd.state = s;
    nd.stateReason = reason;
    this.changed();
  }

  // ---- route metrics (nm-manager.c _device_route_metric_get) ----------------------------------

  private reserveMetric(nd: NmDevice): number {
    const have = this.metrics.get(nd.name);
    if (have) return have.effective;
    const aspired = nd.type === 'loopback' ? 30 : 100;
    let effective = aspired;
    for (let again = true; again;) {
      again = false;
      for (const [dev, r] of this.metrics) {
        if (effective < r.aspired || effective > r.effective) continue;
        if (!this.host.dev(dev)) { this.metrics.delete(dev); continue; }
        if (r.effective - aspired >= 50) { effective = aspired + 50; break; }
        effective = r.effective + 1;
        again = true;
        break;
      }
    }
    this.metrics.set(nd.name, { aspired, effective });
    return effective;
  }

  /** The metric a device's routes get while it is activated (or null). */
  metricOf(name: string): number | null { return this.metrics.get(name)?.effective ?? null; }

  // ---- compatibility -----------------------------------------------------------------------------

  /** nm_device_check_connection_compatible: null if `p` can run on `nd`, else the reason. */
  private incompatible(nd: NmDevice, p: Profile): { code: number; msg: string } | null {
    const wantType = nd.type === 'loopback' ? 'loopback' : nd.type === 'ethernet' ? '802-3-ethernet' : null;
    if (wantType !== p.type) {
      return { code: 1, msg: `profile is not compatible with device (connection type is not "${nd.type === 'ethernet' ? '802-3-ethernet' : nd.type}")` };
    }
    if (p.interfaceName !== null && p.interfaceName !== nd.name) return { code: 3, msg: 'profile is not compatible with device (mismatching interface name)' };
    if (p.ethernet.mac && nd.type === 'ethernet') {
      const d = this.host.dev(nd.name)!;
      const mac = d.mac.toString(16).padStart(12, '0').match(/../g)!.join(':').toUpperCase();
      if (mac !== p.ethernet.mac) return { code: 3, msg: 'profile is not compatible with device (MAC address mismatch)' };
    }
    if (nd.state === 'unmanaged') return { code: 2, msg: 'device is strictly unmanaged' };
    return null;
  }

  /** Is the device able to run `p` now (carrier, state)? Returns the reason if not. */
  private unavailable(nd: NmDevice, p: Profile, userRequest: boolean): { code: number; msg: string } | null {
    const inc = this.incompatible(nd, p);
    if (inc) return inc;
    const d = this.host.dev(nd.name);
    if (!d) return { code: 3, msg: 'device is not available' };
    if (nd.type === 'ethernet' && !d.carrier) {
      // connection_requires_carrier: DHCP/link-local need a link, static addresses do not.
      const needs = ['auto', 'link-local'].includes(p.ipv4.method) && (p.ipv6.method === 'ignore' || p.ipv6.method === 'disabled' || !p.ipv4.mayFail);
      const both = ['auto', 'link-local'].includes(p.ipv4.method) && ['auto', 'dhcp', 'link-local', 'shared'].includes(p.ipv6.method);
      if (!userRequest) return { code: 3, msg: 'device is not available for internal request' };
      if (needs || both || p.ipv4.method === 'disabled') return { code: 3, msg: 'device has no carrier' };
    }
    return null;
  }

  /** nm_manager_get_best_device_for_connection, with NM's error ranking. */
  private bestDevice(p: Profile, userRequest: boolean): NmResult<NmDevice> {
    let best: { code: number; msg: string } | null = null;
    for (const nd of this.devices) {
      const why = this.unavailable(nd, p, userRequest);
      if (!why) return { ok: true, value: nd };
      if (!best || best.code < why.code) best = { code: why.code, msg: `device ${nd.name} not available because ${why.msg}` };
    }
    return { ok: false, error: `No suitable device found for this connection (${best ? best.msg : 'no suitable device found'}).` };
  }

  // ---- activation -------------------------------------------------------------------------------

  /**
   * `nmcli connection up ID [ifname DEV]` / `ifup`. Starts the activation; the result is the
   * active connection (poll `state` until it leaves 'activating'), or NM's error text.
   */
  activate(p: Profile, ifname?: string): NmResult<ActiveConnection> {
    if (!this.networking) return { ok: false, error: 'Networking is disabled' };
    let nd: NmDevice | undefined;
    if (ifname !== undefined) {
      nd = this.device(ifname);
      if (!nd) return { ok: false, error: `unknown device '${ifname}'.` };
      const why = this.unavailable(nd, p, true);
      if (why) return { ok: false, error: `Connection '${p.id}' is not available on device ${ifname} because ${why.msg}` };
    } else if (p.external) {
      // The generated profile of an externally configured lo: it is already "active".
      const cur = this.devices.find((d) => d.ac?.profile === p)?.ac;
      if (cur) return { ok: true, value: cur };
      return { ok: false, error: 'No suitable device found for this connection (device lo not available because profile is not compatible with device (mismatching interface name)).' };
    } else {
      const r = this.bestDevice(p, true);
      if (!r.ok) return r;
      nd = r.value;
    }
    this.userBlocked.delete(p.uuid);
    nd.autoconnectBlocked = false;
    return { ok: true, value: this.startActivation(nd, p, false) };
  }

  private startActivation(nd: NmDevice, p: Profile, auto: boolean): ActiveConnection {
    const q = this.host.net.q;
    if (nd.ac) this.deactivate(nd, 'new-activation', 'disconnected', true);
    q.cancel(nd.carrierTimer);
    nd.carrierTimer = null;
    nd.external = false;
    const ac: ActiveConnection = {
      n: this.nextAc++, profile: p, applied: cloneProfile(p), device: nd, state: 'activating', isDefault: false, reason: null, external: false,
    };
    nd.ac = ac;
    if (auto) this.log('info', `policy: auto-activating connection '${p.id}' (${p.uuid})`);
    this.log('info', `device (${nd.name}): Activation: starting connection '${p.id}' (${p.uuid})`);
    if (nd.state === 'unavailable') this.setState(nd, 'disconnected', 'user-requested');
    this.setState(nd, 'prepare', 'none');
    this.logManagerState();
    this.setState(nd, 'config', 'none');
    this.setState(nd, 'ip-config', 'none');
    const m = ac.applied.ipv4.method;
    if (m === 'auto') this.startDhcp(ac);
    else this.finishIpConfig(ac, null);
    this.changed();
    return ac;
  }

  /** DHCP: VMware's NAT service answers on vmnet8 (segment kind 'nat'); nobody elsewhere. */
  private startDhcp(ac: ActiveConnection): void {
    const nd = ac.device;
    const q = this.host.net.q;
    const timeout = ac.applied.ipv4.dhcpTimeout || DHCP_TIMEOUT_S;
    this.log('info', `dhcp4 (${nd.name}): activation: beginning transaction (timeout in ${timeout} seconds)`);
    const dev = this.host.dev(nd.name);
    const lease = dev?.segment?.kind === 'nat' && dev.carrier ? this.vmnet8Lease(dev) : null;
    if (lease !== null) {
      // DISCOVER/OFFER/REQUEST/ACK on a VMware host-side switch: a few milliseconds.
      nd.dhcpTimer = q.after(12_000 + (this.host.rng.u32() % 8000), () => {
        nd.dhcpTimer = null;
        if (nd.ac !== ac) return;
        this.log('info', `dhcp4 (${nd.name}): state changed new lease, address=${fmtIp(lease)}`);
        this.finishIpConfig(ac, { addr: lease, prefix: 24, gw: 0xc0a80102 as Ipv4Addr, dns: [0xc0a80102 as Ipv4Addr] });
      });
      return;
    }
    nd.dhcpTimer = q.after(timeout * SEC, () => {
      nd.dhcpTimer = null;
      if (nd.ac !== ac) return;
      this.failActivation(ac, 'ip-config-unavailable', 'IP configuration could not be reserved (no available address, timeout, etc.)');
    });
  }

  /** The first free address of VMware's vmnet8 pool (192.168.1.128-254) on this network. */
  private vmnet8Lease(dev: Dev): Ipv4Addr | null {
    const used = new Set<number>();
    for (const port of dev.segment!.ports) for (const a of port.addrs) used.add(a.addr);
    for (let i = 128; i <= 253; i++) {
      const a = (0xc0a80100 + i) as Ipv4Addr;
      if (!used.has(a)) return a;
    }
    return null;
  }

  private failActivation(ac: ActiveConnection, reason: string, text: string): void {
    const nd = ac.device;
    this.setState(nd, 'failed', reason);
    this.log('warn', `device (${nd.name}): Activation: failed for connection '${ac.profile.id}'`);
    ac.reason = text;
    this.unconfigure(nd);
    this.finishAc(ac, reason);
    this.setState(nd, 'disconnected', 'none');
    const n = (this.autoconnectFailures.get(ac.profile.uuid) ?? 0) + 1;
    this.autoconnectFailures.set(ac.profile.uuid, n);
    if (n >= AUTOCONNECT_RETRIES) {
      this.log('info', `policy: connection '${ac.profile.id}' failed to autoconnect; disabling autoconnect for 300 seconds`);
    }
    this.host.net.q.after(0, () => this.autoconnect(nd));
  }

  /** Apply the IPv4 configuration and finish: ip-config → ip-check → secondaries → activated. */
  private finishIpConfig(ac: ActiveConnection, lease: { addr: Ipv4Addr; prefix: number; gw: Ipv4Addr; dns: Ipv4Addr[] } | null): void {
    const nd = ac.device;
    this.configure(ac, lease);
    this.setState(nd, 'ip-check', 'none');
    this.setState(nd, 'secondaries', 'none');
    this.setState(nd, 'activated', 'none');
    ac.state = 'activated';
    ac.profile.timestamp = Math.floor((this.host.net.epochUs + this.host.now) / SEC);
    this.autoconnectFailures.delete(ac.profile.uuid);
    this.updateDefault();
    this.log('info', `device (${nd.name}): Activation: successful, device activated.`);
    this.logManagerState();
    this.writeResolvConf();
    this.changed();
  }

  /** Addresses and routes of an activation (NML3Cfg's commit). */
  private configure(ac: ActiveConnection, lease: { addr: Ipv4Addr; prefix: number; gw: Ipv4Addr; dns: Ipv4Addr[] } | null): void {
    const h = this.host;
    const nd = ac.device;
    const p = ac.applied;
    const dev = h.dev(nd.name);
    if (!dev) return;
    if (!dev.up) h.setLinkUp(nd.name, true);
    const metric = p.ipv4.routeMetric >= 0 ? p.ipv4.routeMetric : this.reserveMetric(nd);
    // Flush what the profile does not want (addresses added by hand included); lo keeps 127.0.0.1/8.
    const isLo = (a: number) => nd.type === 'loopback' && (a & 0xff000000) >>> 0 === 0x7f000000;
    const want = this.wantedAddrs(ac, lease).filter((w) => !isLo(w.addr));
    for (const a of [...dev.addrs]) {
      if (nd.type === 'loopback' && (a.addr & 0xff000000) >>> 0 === 0x7f000000) continue;
      if (!want.some((w) => w.addr === a.addr && w.prefix === a.prefix)) h.delAddr(nd.name, a.addr, a.prefix);
    }
    h.routes.removeWhere((r) => r.dev === nd.name && (r.owner === 'nm' || (r.owner === 'kernel' && r.proto === 'kernel' && nd.type !== 'loopback')));
    for (const w of want) {
      const brd = w.prefix < 31 ? ((w.addr | ~prefixMask(w.prefix)) >>> 0) as Ipv4Addr : null;
      const existing = dev.addrs.find((a) => a.addr === w.addr && a.prefix === w.prefix);
      if (existing) { existing.owner = 'nm'; existing.noprefixroute = true; existing.brd = brd; existing.scope = 'global'; continue; }
      h.addAddr(nd.name, w.addr, w.prefix, { brd, noprefixroute: true, owner: 'nm', scope: 'global' });
    }
    const add = (r: Omit<Route, 'type' | 'onlink' | 'owner'>): void => {
      h.routes.add({ ...r, type: 'unicast', onlink: false, owner: 'nm' });
    };
    // Prefix routes, one per subnet, source = first address of it (nm_l3_config_data_add_dependent_onlink_routes).
    const done = new Set<string>();
    for (const w of want) {
      if (w.prefix >= 32 || nd.type === 'loopback') continue;
      const dst = ((w.addr & prefixMask(w.prefix)) >>> 0) as Ipv4Addr;
      const key = `${dst}/${w.prefix}`;
      if (done.has(key)) continue;
      done.add(key);
      add({ dst, prefix: w.prefix, gw: null, dev: nd.name, proto: 'kernel', scope: 'link', src: w.addr, metric });
    }
    const onLink = (gw: number): boolean => want.some((w) => w.prefix < 32 && sameSubnet(w.addr, gw, w.prefix));
    const gw = lease ? (p.ipv4.ignoreAutoRoutes ? null : lease.gw) : p.ipv4.gateway;
    if (gw !== null && !p.ipv4.neverDefault) {
      if (onLink(gw) || p.ipv4.routes.some((r) => r.nh === null && sameSubnet(r.dst, gw, r.prefix))) {
        add({ dst: 0 as Ipv4Addr, prefix: 0, gw, dev: nd.name, proto: lease ? 'dhcp' : 'static', scope: 'global', src: lease ? lease.addr : null, metric });
      } else {
        this.log('warn', `platform-linux: do-add-ip4-route[0.0.0.0/0 via ${fmtIp(gw)} dev ${dev.ifindex} metric ${metric} mss 0 rt-src ${lease ? 'dhcp' : 'user'}]: failure 22 (Invalid argument - Nexthop has invalid gateway)`);
      }
    }
    for (const r of p.ipv4.routes) {
      if (r.nh !== null && !onLink(r.nh)) {
        this.log('warn', `platform-linux: do-add-ip4-route[${fmtIp(r.dst)}/${r.prefix} via ${fmtIp(r.nh)} dev ${dev.ifindex} metric ${r.metric ?? metric} mss 0 rt-src user]: failure 22 (Invalid argument - Nexthop has invalid gateway)`);
        continue;
      }
      add({ dst: r.dst, prefix: r.prefix, gw: r.nh, dev: nd.name, proto: 'static', scope: r.nh === null ? 'link' : 'global', src: null, metric: r.metric ?? metric });
    }
    (ac as { dhcpDns?: Ipv4Addr[] }).dhcpDns = lease && !p.ipv4.ignoreAutoDns ? lease.dns : [];
  }

  private wantedAddrs(ac: ActiveConnection, lease: { addr: Ipv4Addr; prefix: number } | null): { addr: Ipv4Addr; prefix: number }[] {
    const p = ac.applied;
    const out = p.ipv4.method === 'disabled' ? [] : [...p.ipv4.addresses];
    if (lease) out.push({ addr: lease.addr, prefix: lease.prefix });
    if (p.ipv4.method === 'link-local') {
      const d = this.host.dev(ac.device.name)!;
      const x = d.mac % 0xfe00;
      out.push({ addr: (0xa9fe0000 + 0x100 + x) as Ipv4Addr, prefix: 16 });
    }
    return out;
  }

  /** Remove NM's addresses and routes from a device (deactivation, failure). */
  private unconfigure(nd: NmDevice): void {
    const h = this.host;
    const dev = h.dev(nd.name);
    this.host.net.q.cancel(nd.dhcpTimer);
    nd.dhcpTimer = null;
    this.metrics.delete(nd.name);
    if (!dev) return;
    h.routes.removeWhere((r) => r.dev === nd.name && r.owner === 'nm');
    for (const a of [...dev.addrs]) if (a.owner === 'nm') h.delAddr(nd.name, a.addr, a.prefix);
    this.changed();
  }

  private finishAc(ac: ActiveConnection, reason: string): void {
    ac.state = 'deactivated';
    if (!ac.reason) ac.reason = reason;
    if (ac.device.ac === ac) ac.device.ac = null;
    this.updateDefault();
    this.writeResolvConf();
  }

  /**
   * Deactivate the device's active connection. `then` is the state the device ends in
   * (disconnected, or unavailable after a carrier loss).
   */
  deactivate(nd: NmDevice, reason: string, then: DevState = 'disconnected', forNew = false): ActiveConnection | null {
    const ac = nd.ac;
    if (!ac) return null;
    if (ac.external) {
      this.finishAc(ac, reason);
      nd.external = false;
      // A generated external profile is volatile: it goes away with its activation.
      this.profiles = this.profiles.filter((x) => x !== ac.profile);
      if (ac.profile.filename) { try { this.host.fs.unlink(ac.profile.filename); } catch { /* gone */ } }
      this.setState(nd, 'disconnected', reason);
      return ac;
    }
    this.setState(nd, 'deactivating', reason);
    this.unconfigure(nd);
    this.finishAc(ac, reason);
    this.setState(nd, then, reason);
    if (!forNew) {
      this.logManagerState();
      if (nd.type === 'loopback' && then === 'disconnected' && this.running) this.ensureLoExternal();
    }
    this.changed();
    return ac;
  }

  /** `nmcli connection down`: deactivate an active connection (blocks its autoconnect). */
  deactivateAc(ac: ActiveConnection): void {
    if (ac.state === 'deactivated') return;
    this.userBlocked.add(ac.profile.uuid);
    this.deactivate(ac.device, 'user-requested');
  }

  /** `nmcli device disconnect`. */
  disconnectDevice(nd: NmDevice): NmResult<null> {
    if (nd.state === 'unmanaged') return { ok: false, error: 'Device is not active' };
    if (!nd.ac && nd.state !== 'failed') {
      if (nd.state === 'disconnected' || nd.state === 'unavailable') return { ok: false, error: 'This device is not active' };
    }
    nd.autoconnectBlocked = true;
    this.deactivate(nd, 'user-requested');
    return { ok: true, value: null };
  }

  /** `nmcli device connect`: the best available profile (autoconnect or not). */
  connectDevice(nd: NmDevice): NmResult<ActiveConnection> {
    nd.autoconnectBlocked = false;
    if (nd.ac && nd.ac.state !== 'deactivated' && !nd.ac.external) return { ok: true, value: nd.ac };
    const cands = this.candidates(nd, true);
    if (!cands.length) {
      if (nd.type === 'ethernet') {
        // NM creates "Wired connection N" in memory for an ethernet device without profile.
        const p = newProfile(`Wired connection ${1 + this.profiles.filter((x) => /^Wired connection \d+$/.test(x.id)).length}`, uuidV4(this.host.rng), '802-3-ethernet');
        p.filename = null;
        this.profiles.push(p);
        this.settingsPath.set(p, this.nextSettingsPath++);
        return { ok: true, value: this.startActivation(nd, p, false) };
      }
      return { ok: false, error: `Connection 'lo' is not available on device ${nd.name} because device is not available` };
    }
    return { ok: true, value: this.startActivation(nd, cands[0], false) };
  }

  /** `nmcli device reapply`: apply the current profile to the device without a full cycle. */
  reapply(nd: NmDevice): NmResult<null> {
    const ac = nd.ac;
    if (!ac || ac.state !== 'activated' || ac.external) return { ok: false, error: 'Device is not activated' };
    ac.applied = cloneProfile(ac.profile);
    this.configure(ac, null);
    this.updateDefault();
    this.writeResolvConf();
    this.changed();
    return { ok: true, value: null };
  }

  /** Profiles that may autoconnect on `nd`, best first (autoconnect-priority, then last used). */
  private candidates(nd: NmDevice, manual: boolean): Profile[] {
    return this.profiles
      .filter((p) => !p.external && (manual || (p.autoconnect && !this.userBlocked.has(p.uuid)
        && (this.autoconnectFailures.get(p.uuid) ?? 0) < AUTOCONNECT_RETRIES)))
      .filter((p) => !this.devices.some((d) => d !== nd && d.ac?.profile === p))
      .filter((p) => !this.unavailable(nd, p, manual))
      .sort((a, b) => (b.autoconnectPriority - a.autoconnectPriority) || (b.timestamp - a.timestamp) || this.pathNum(a) - this.pathNum(b));
  }

  private pathNum(p: Profile): number { return this.settingsPath.get(p) ?? 0; }

  /** Try to autoconnect an idle device. Returns whether an activation started. */
  private autoconnect(nd: NmDevice): boolean {
    if (!this.running || !this.networking || nd.autoconnectBlocked) return false;
    if (nd.state !== 'disconnected' && !(nd.type === 'loopback' && nd.ac?.external)) return false;
    const [p] = this.candidates(nd, false);
    if (!p) return false;
    this.startActivation(nd, p, true);
    return true;
  }

  private autoconnectAll(): void {
    for (const nd of this.devices) this.autoconnect(nd);
  }

  /** lo without an active loopback profile: NM's generated external profile `lo`. */
  private ensureLoExternal(): void {
    const nd = this.devices.find((d) => d.type === 'loopback');
    if (!nd || nd.ac || !this.networking) return;
    let p = this.profiles.find((x) => x.external);
    if (!p) {
      p = newProfile('lo', uuidV4(this.host.rng), 'loopback');
      p.external = true;
      p.autoconnect = false;
      p.interfaceName = 'lo';
      p.ipv4.method = 'manual';
      p.ipv4.addresses = [{ addr: 0x7f000001 as Ipv4Addr, prefix: 8 }];
      p.ipv6.method = 'manual';
      p.ipv6.addrGenMode = 'default';
      p.other.set('ipv6.addresses', '::1/128');
      p.filename = '/run/NetworkManager/system-connections/lo.nmconnection';
      this.profiles.push(p);
      this.settingsPath.set(p, this.nextSettingsPath++);
      try {
        this.host.fs.mkdir('/run/NetworkManager/system-connections', { parents: true, mode: 0o755 });
        this.host.fs.writeFile(p.filename, writeKeyfile(p), { mode: 0o600 });
        this.host.fs.chmod(p.filename, 0o600);
      } catch { /* no /run */ }
    }
    nd.external = true;
    const ac: ActiveConnection = { n: this.nextAc++, profile: p, applied: cloneProfile(p), device: nd, state: 'activated', isDefault: false, reason: null, external: true };
    nd.ac = ac;
    this.setState(nd, 'prepare', 'none');
    this.setState(nd, 'config', 'none');
    this.setState(nd, 'ip-config', 'none');
    this.setState(nd, 'ip-check', 'none');
    this.setState(nd, 'secondaries', 'none');
    this.setState(nd, 'activated', 'none');
    this.log('info', `device (${nd.name}): Activation: successful, device activated.`);
  }

  // ---- policy ------------------------------------------------------------------------------------

  /** The active connection holding the best default route (nm-policy.c). */
  private updateDefault(): void {
    let best: ActiveConnection | null = null;
    let bestMetric = Infinity;
    for (const nd of this.devices) {
      const ac = nd.ac;
      if (!ac || ac.state !== 'activated') continue;
      const r = this.host.routes.routes.find((x) => x.dev === nd.name && x.dst === 0 && x.prefix === 0 && x.owner === 'nm');
      if (r && (r.metric ?? 0) < bestMetric) { best = ac; bestMetric = r.metric ?? 0; }
    }
    let changedDefault = false;
    for (const nd of this.devices) {
      if (!nd.ac) continue;
      const is = nd.ac === best;
      if (is !== nd.ac.isDefault) { nd.ac.isDefault = is; changedDefault = changedDefault || is; }
    }
    if (best && changedDefault) this.log('info', `policy: set '${best.profile.id}' (${best.device.name}) as default for IPv4 routing and DNS`);
  }

  private lastState = '';

  private logManagerState(): void {
    const s = this.nmState();
    const name = { connected: 'CONNECTED_GLOBAL', 'connected (site only)': 'CONNECTED_SITE', 'connected (local only)': 'CONNECTED_LOCAL',
      connecting: 'CONNECTING', disconnected: 'DISCONNECTED', asleep: 'ASLEEP', disconnecting: 'DISCONNECTING' }[s] ?? 'UNKNOWN';
    if (name === this.lastState) return;
    this.lastState = name;
    this.log('info', `manager: NetworkManager state is now ${name}`);
  }

  /** `nmcli general status` STATE (nm-manager.c find_best_device_state, fake connectivity). */
  nmState(): string {
    if (!this.networking) return 'asleep';
    let best = 'disconnected';
    for (const nd of this.devices) {
      if (nd.type === 'loopback' || !nd.ac) continue;
      if (nd.ac.state === 'activated') {
        if (nd.ac.isDefault) return 'connected';
        best = 'connected (local only)';
      } else if (nd.ac.state === 'activating' && best === 'disconnected') best = 'connecting';
    }
    return best;
  }

  /** CONNECTIVITY: NM's fake check (no check URI): full with a default route, limited without. */
  connectivity(): string {
    if (!this.networking) return 'none';
    let c = 'none';
    for (const nd of this.devices) {
      if (nd.type === 'loopback' || nd.ac?.state !== 'activated') continue;
      if (nd.ac.isDefault) return 'full';
      c = 'limited';
    }
    return c;
  }

  /** `nmcli networking on|off`. */
  setNetworking(on: boolean): void {
    if (on === this.networking) return;
    this.networking = on;
    this.log('info', `manager: ${on ? 'waking up' : 'sleeping'}...`);
    if (!on) {
      for (const nd of this.devices) {
        if (nd.ac) this.deactivate(nd, 'sleeping', 'unmanaged', true);
        else this.setState(nd, 'unmanaged', 'sleeping');
      }
      this.logManagerState();
    } else {
      for (const nd of this.devices) if (nd.type !== 'iptunnel') this.manage(nd);
    }
    this.writeResolvConf();
    this.changed();
  }

  // ---- DNS ---------------------------------------------------------------------------------------

  /** /etc/resolv.conf as NM's dns manager writes it (rc-manager=auto → file). */
  private writeResolvConf(): void {
    const acs = this.activeConnections().filter((a) => a.state === 'activated' && !a.external)
      .sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
    const ns: string[] = [];
    const search: string[] = [];
    for (const ac of acs) {
      for (const d of [...ac.applied.ipv4.dns, ...((ac as { dhcpDns?: Ipv4Addr[] }).dhcpDns ?? [])]) {
        const s = fmtIp(d);
        if (!ns.includes(s)) ns.push(s);
      }
      for (const s of ac.applied.ipv4.dnsSearch) if (!search.includes(s)) search.push(s);
    }
    let text = '# Generated by NetworkManager\n';
    if (search.length) text += `search ${search.join(' ')}\n`;
    for (const n of ns.slice(0, 3)) text += `nameserver ${n}\n`;
    if (ns.length > 3) text += '# NOTE: the libc resolver may not support more than 3 nameservers.\n# The nameservers listed below may not be recognized.\n' + ns.slice(3).map((n) => `nameserver ${n}\n`).join('');
    try {
      if (this.host.fs.exists('/etc/resolv.conf') && this.host.fs.readFile('/etc/resolv.conf') === text) return;
      this.host.fs.writeFile('/etc/resolv.conf', text);
    } catch { /* read-only */ }
  }

  // ---- queries (nmcli, UI) -------------------------------------------------------------------------

  activeConnections(): ActiveConnection[] {
    return this.devices.filter((d) => d.ac && d.ac.state !== 'deactivated').map((d) => d.ac!);
  }

  /** `nmcli device status` STATE text. */
  stateText(nd: NmDevice): string {
    switch (nd.state) {
      case 'activated': return nd.ac?.external ? 'connected (externally)' : 'connected';
      case 'prepare': return 'connecting (prepare)';
      case 'config': return 'connecting (configuring)';
      case 'ip-config': return 'connecting (getting IP configuration)';
      case 'ip-check': return 'connecting (checking IP connectivity)';
      case 'secondaries': return 'connecting (starting secondary connections)';
      default: return nd.state;
    }
  }
}

registerUnit({
  name: UNIT,
  description: 'Network Manager',
  pkg: 'NetworkManager',
  path: '/usr/lib/systemd/system/NetworkManager.service',
  docs: ['man:NetworkManager(8)'],
  preset: 'enabled',
  exec: '/usr/sbin/NetworkManager --no-daemon',
  create: (host, sd) => new NetworkManager(host, sd),
});

/** The running NetworkManager of a host, or null (stopped, not installed). */
export function networkManagerOf(host: Host): NetworkManager | null {
  return host.sd.impl<NetworkManager>('NetworkManager');
}
