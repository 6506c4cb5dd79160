/**
 * nmcli from NetworkManager 1.46 (RHEL 9): general, networking, radio, connection and device
 * objects with nmcli's abbreviations (`nmcli c s`, `nmcli con up`, `nmcli d`), global options
 * (-t, -p, -m, -f, -g, -e, -w, -a, -h, -v), its tabular/multiline/terse/pretty layouts
 * (src/nmcli/utils.c _print_do: column width = widest cell + 1, every line ends padded; keys of
 * multiline output padded to 40 columns), its error texts and exit codes (nmcli(1) "Exit
 * Status"). Texts and behaviour follow src/nmcli/{nmcli,common,connections,devices,general}.c of
 * NetworkManager 1.46.0.
 *
 * nmcli talks to the host's NetworkManager daemon (src/core/services/networkManager.ts) the
 * way the real one talks D-Bus; `connection up` waits (on the virtual clock) for the activation
 * to finish, up to --wait (90 s by default).
 *
 * Not provided: the interactive editor (`connection edit` says so), secrets/agents, Wi-Fi,
 * import/export/migrate, checkpoints, LLDP (they answer with nmcli's error for the missing
 * feature).
 */
import type { Host } from '../../core/net/host.ts';
import {
  DBUS, DEV_STATE_NUM, NM_VERSION, networkManagerOf, type ActiveConnection, type NetworkManager, type NmDevice,
} from '../../core/services/networkManager.ts';
import { cloneProfile, fmtAddr, typeDisplay, type Profile } from '../../core/services/nm/profile.ts';
import {
  PROP_ALIASES, profileProperties, stringIsValid, validSettingNames, type Modifier, type PropDef,
} from '../../core/services/nm/props.ts';
import { fmtIp, fmtMac, prefixMask, type Ipv4Addr } from '../../core/wire/types.ts';
import { type CmdContext, type Co, type Command } from '../types.ts';

/** nmcli's exit codes (nmcli(1)). */
export const NMC = { OK: 0, UNKNOWN: 1, USER_INPUT: 2, TIMEOUT: 3, CON_ACTIVATION: 4, CON_DEACTIVATION: 5, DEV_DISCONNECT: 6, CON_DEL: 7, NM_NOT_RUNNING: 8, NOT_FOUND: 10 } as const;

class NmcError extends Error {
  constructor(message: string, readonly code: number) { super(message); }
}

const matches = (cmd: string, pattern: string): boolean => cmd.length > 0 && cmd.length <= pattern.length && pattern.startsWith(cmd);
const isHelp = (a: string | undefined): boolean => a !== undefined && (matches(a, 'help') || (a.startsWith('--') && matches(a.slice(2), 'help')) || (a.startsWith('-') && matches(a.slice(1), 'help')));
/** nmc_arg_is_option: "-act", "--active" match option "active". */
const isOption = (a: string, opt: string): boolean => a.startsWith('-') && matches(a.replace(/^--?/, ''), opt);

interface Cfg {
  terse: boolean;
  pretty: boolean;
  multiline: boolean | null;
  fields: string | null;
  escape: boolean;
  wait: number;
  ask: boolean;
}

// ---- help texts (src/nmcli/*.c, 1.46.0) -------------------------------------------------------------

const USAGE = `Usage: nmcli [OPTIONS] OBJECT { COMMAND | help }

OPTIONS
  -a, --ask                                ask for missing parameters
  -c, --colors auto|yes|no                 whether to use colors in output
  -e, --escape yes|no                      escape columns separators in values
  -f, --fields <field,...>|all|common      specify fields to output
  -g, --get-values <field,...>|all|common  shortcut for -m tabular -t -f
  -h, --help                               print this help
  -m, --mode tabular|multiline             output mode
  -o, --overview                           overview mode
  -p, --pretty                             pretty output
  -s, --show-secrets                       allow displaying passwords
  -t, --terse                              terse output
  -v, --version                            show program version
  -w, --wait <seconds>                     set timeout waiting for finishing operations

OBJECT
  g[eneral]       NetworkManager's general status and operations
  n[etworking]    overall networking control
  r[adio]         NetworkManager radio switches
  c[onnection]    NetworkManager's connections
  d[evice]        devices managed by NetworkManager
  a[gent]         NetworkManager secret agent or polkit agent
  m[onitor]       monitor NetworkManager changes

`;

const CON_USAGE = `Usage: nmcli connection { COMMAND | help }

COMMAND := { show | up | down | add | modify | clone | edit | delete | monitor | reload | load | import | export }

  show [--active] [--order <order spec>]
  show [--active] [id | uuid | path | apath] <ID> ...

  up [[id | uuid | path] <ID>] [ifname <ifname>] [ap <BSSID>] [passwd-file <file with passwords>]

  down [id | uuid | path | apath] <ID> ...

  add COMMON_OPTIONS TYPE_SPECIFIC_OPTIONS SLAVE_OPTIONS IP_OPTIONS [-- ([+|-]<setting>.<property> <value>)+]

  modify [--temporary] [id | uuid | path] <ID> ([+|-]<setting>.<property> <value>)+

  clone [--temporary] [id | uuid | path ] <ID> <new name>

  edit [id | uuid | path] <ID>
  edit [type <new_con_type>] [con-name <new_con_name>]

  delete [id | uuid | path] <ID>

  monitor [id | uuid | path] <ID> ...

  reload

  load <filename> [ <filename>... ]

  import [--temporary] type <type> file <file to import>

  export [id | uuid | path] <ID> [<output file>]

`;

const CON_HELP: Record<string, string> = {
  show: `Usage: nmcli connection show { ARGUMENTS | help }

ARGUMENTS := [--active] [--order <order spec>]

List in-memory and on-disk connection profiles, some of which may also be
active if a device is using that connection profile. Without a parameter, all
profiles are listed. When --active option is specified, only the active
profiles are shown. --order allows custom connection ordering (see manual page).

ARGUMENTS := [--active] [id | uuid | path | apath] <ID> ...

Show details for specified connections. By default, both static configuration
and active connection data are displayed. It is possible to filter the output
using global '--fields' option. Refer to the manual page for more information.
When --active option is specified, only the active profiles are taken into
account. Use global --show-secrets option to reveal associated secrets as well.
`,
  up: `Usage: nmcli connection up { ARGUMENTS | help }

ARGUMENTS := [id | uuid | path] <ID> [ifname <ifname>] [ap <BSSID>] [nsp <name>] [passwd-file <file with passwords>]

Activate a connection on a device. The profile to activate is identified by its
name, UUID or D-Bus path.

ARGUMENTS := ifname <ifname> [ap <BSSID>] [nsp <name>] [passwd-file <file with passwords>]

Activate a device with a connection. The connection profile is selected
automatically by NetworkManager.

ifname      - specifies the device to active the connection on
ap          - specifies AP to connect to (only valid for Wi-Fi)
nsp         - specifies NSP to connect to (only valid for WiMAX)
passwd-file - file with password(s) required to activate the connection

`,
  down: `Usage: nmcli connection down { ARGUMENTS | help }

ARGUMENTS := [id | uuid | path | apath] <ID> ...

Deactivate a connection from a device (without preventing the device from
further auto-activation). The profile to deactivate is identified by its name,
UUID or D-Bus path.

`,
  add: `Usage: nmcli connection add { ARGUMENTS | help }

ARGUMENTS := COMMON_OPTIONS TYPE_SPECIFIC_OPTIONS SLAVE_OPTIONS IP_OPTIONS [-- ([+|-]<setting>.<property> <value>)+]

  COMMON_OPTIONS:
                  type <type>
                  [ifname <interface name> | "*"]
                  [con-name <connection name>]
                  [autoconnect yes|no]
                  [save yes|no]
                  [master <master (ifname, or connection UUID or name)>]
                  [slave-type <master connection type>]

  TYPE_SPECIFIC_OPTIONS:
    ethernet:     [mac <MAC address>]
                  [cloned-mac <cloned MAC address>]
                  [mtu <MTU>]

  IP_OPTIONS:
                  [ip4 <IPv4 address>] [gw4 <IPv4 gateway>]
                  [ip6 <IPv6 address>] [gw6 <IPv6 gateway>]

`,
  modify: `Usage: nmcli connection modify { ARGUMENTS | help }

ARGUMENTS := [id | uuid | path] <ID> ([+|-]<setting>.<property> <value>)+

Modify one or more properties of the connection profile.
The profile is identified by its name, UUID or D-Bus path. For multi-valued
properties you can use optional '+' or '-' prefix to the property name.
The '+' sign allows appending items instead of overwriting the whole value.
The '-' sign allows removing selected items instead of the whole value.

ARGUMENTS := remove <setting>

Remove a setting from the connection profile.

Examples:
nmcli con mod home-wifi wifi.ssid rakosnicek
nmcli con mod em1-1 ipv4.method manual ipv4.addr "192.168.1.2/24, 10.10.1.5/8"
nmcli con mod em1-1 +ipv4.dns 8.8.4.4
nmcli con mod em1-1 -ipv4.dns 1
nmcli con mod em1-1 -ipv6.addr "abbe::cafe/56"
nmcli con mod bond0 +bond.options mii=500
nmcli con mod bond0 -bond.options downdelay
nmcli con mod em1-1 remove sriov

`,
  clone: `Usage: nmcli connection clone { ARGUMENTS | help }

ARGUMENTS := [--temporary] [id | uuid | path] <ID> <new name>

Clone an existing connection profile. The newly created connection will be
the exact copy of the <ID>, except the uuid property (will be generated) and
id (provided as <new name> argument).

`,
  edit: `Usage: nmcli connection edit { ARGUMENTS | help }

ARGUMENTS := [id | uuid | path] <ID>

Edit an existing connection profile in an interactive editor.
The profile is identified by its name, UUID or D-Bus path

ARGUMENTS := [type <new connection type>] [con-name <new connection name>]

Add a new connection profile in an interactive editor.

`,
  delete: `Usage: nmcli connection delete { ARGUMENTS | help }

ARGUMENTS := [id | uuid | path] <ID>, ...

Delete connection profiles.
The profiles are identified by their name, UUID or D-Bus path.

`,
  monitor: `Usage: nmcli connection monitor { ARGUMENTS | help }

ARGUMENTS := [id | uuid | path] <ID> ...

Monitor connection profile activity.
This command prints a line whenever the specified connection changes.
Monitors all connection profiles in case none is specified.

`,
  reload: `Usage: nmcli connection reload { help }

Reload all connection files from disk.

`,
  load: `Usage: nmcli connection load { ARGUMENTS | help }

ARGUMENTS := <filename> [<filename>...]

Load/reload one or more connection files from disk. Use this after manually
editing a connection file to ensure that NetworkManager is aware of its latest
state.

`,
};

const DEV_USAGE = `Usage: nmcli device { COMMAND | help }

COMMAND := { status | show | set | connect | reapply | modify | disconnect | delete | monitor | wifi | lldp }

  status

  show [<ifname>]

  set [ifname] <ifname> [autoconnect yes|no] [managed yes|no]

  connect <ifname>

  reapply <ifname>

  modify <ifname> ([+|-]<setting>.<property> <value>)+

  disconnect <ifname> ...

  delete <ifname> ...

  monitor <ifname> ...

  wifi [list [ifname <ifname>] [bssid <BSSID>] [--rescan yes|no|auto]]

  wifi connect <(B)SSID> [password <password>] [wep-key-type key|phrase] [ifname <ifname>]
                         [bssid <BSSID>] [name <name>] [private yes|no] [hidden yes|no]

  wifi hotspot [ifname <ifname>] [con-name <name>] [ssid <SSID>] [band a|bg] [channel <channel>] [password <password>]

  wifi rescan [ifname <ifname>] [[ssid <SSID to scan>] ...]

  wifi show-password [ifname <ifname>]

  lldp [list [ifname <ifname>]]

`;

const DEV_HELP: Record<string, string> = {
  status: `Usage: nmcli device status { help }

Show status for all devices.
By default, the following columns are shown:
 DEVICE     - interface name
 TYPE       - device type
 STATE      - device state
 CONNECTION - connection activated on device (if any)
Displayed columns can be changed using '--fields' global option. 'status' is
the default command, which means 'nmcli device' calls 'nmcli device status'.

`,
  show: `Usage: nmcli device show { ARGUMENTS | help }

ARGUMENTS := [<ifname>]

Show details of device(s).
The command lists details for all devices, or for a given device.

`,
  connect: `Usage: nmcli device connect { ARGUMENTS | help }

ARGUMENTS := <ifname>

Connect the device.
NetworkManager will try to find a suitable connection that will be activated.
It will also consider connections that are not set to auto-connect.

`,
  reapply: `Usage: nmcli device reapply { ARGUMENTS | help }

ARGUMENTS := <ifname>

Attempts to update device with changes to the currently active connection
made since it was last applied.

`,
  disconnect: `Usage: nmcli device disconnect { ARGUMENTS | help }

ARGUMENTS := <ifname> ...

Disconnect devices.
The command disconnects the device and prevents it from auto-activating
further connections without user/manual intervention.

`,
};

const GEN_USAGE = `Usage: nmcli general { COMMAND | help }

COMMAND := { status | hostname | permissions | logging | reload }

  status

  hostname [<hostname>]

  permissions

  logging [level <log level>] [domains <log domains>]

  reload [<flags>]

`;

const GEN_STATUS_USAGE = `Usage: nmcli general status { help }

Show overall status of NetworkManager.
'status' is the default action, which means 'nmcli gen' calls 'nmcli gen status'

`;

const NET_USAGE = `Usage: nmcli networking { COMMAND | help }

COMMAND := { [ on | off | connectivity ] }

  on

  off

  connectivity [check]

`;

const RADIO_USAGE = `Usage: nmcli radio { COMMAND | help }

COMMAND := { all | wifi | wwan }

  all | wifi | wwan [ on | off ]

`;

// ---- output ------------------------------------------------------------------------------------

/** A table of cells: a row is one line in tabular mode, one block in multiline mode. */
interface Table {
  title: string;
  headers: string[];
  rows: string[][];
}

function widthOf(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}
const padTo = (s: string, w: number): string => s + ' '.repeat(Math.max(0, w - widthOf(s)));
const ML_HEADER_WIDTH = 79;
const ML_VALUE_INDENT = 40;

class Printer {
  out: string[] = [];
  constructor(readonly cfg: Cfg) {}

  /** _print_do for a simple table. */
  table(t: Table, defaultMultiline = false): void {
    const cfg = this.cfg;
    const multiline = cfg.multiline ?? defaultMultiline;
    const widths = t.headers.map((h, i) => Math.max(widthOf(h), ...t.rows.map((r) => widthOf(r[i] ?? ''))) + 1);
    let tableWidth = 0;
    if (cfg.pretty && t.title) {
      const hw = widthOf(t.title) + 4;
      if (multiline) {
        tableWidth = Math.max(hw, ML_HEADER_WIDTH);
        this.out.push('='.repeat(ML_HEADER_WIDTH));
      } else {
        tableWidth = hw;
        this.out.push('='.repeat(tableWidth));
      }
      this.out.push(' '.repeat(Math.max(0, Math.floor((tableWidth + widthOf(t.title)) / 2) - widthOf(t.title))) + t.title);
      this.out.push('='.repeat(multiline ? ML_HEADER_WIDTH : tableWidth));
    }
    if (!cfg.terse && !multiline) {
      let line = '';
      t.headers.forEach((h, i) => { line += padTo(h, widths[i]) + ' '; tableWidth += widths[i] + 1; });
      this.out.push(line.slice(0, -1));
      if (cfg.pretty) this.out.push('-'.repeat(tableWidth));
    }
    for (const r of t.rows) {
      if (multiline) {
        t.headers.forEach((h, i) => {
          const prefix = `${h}:`;
          this.out.push(cfg.terse ? prefix + (r[i] ?? '') : padTo(prefix, ML_VALUE_INDENT) + (r[i] ?? ''));
        });
        if (cfg.pretty) this.out.push('-'.repeat(ML_HEADER_WIDTH));
      } else if (cfg.terse) {
        this.out.push(r.map((c) => (cfg.escape ? c.replace(/[\\:]/g, (m) => '\\' + m) : c)).join(':'));
      } else {
        let line = '';
        r.forEach((c, i) => { line += padTo(c, widths[i]) + ' '; });
        this.out.push(line.slice(0, -1));
      }
    }
  }

  /**
   * Multiline sections (`connection show ID`, `device show`): groups of KEY: VALUE lines; in
   * pretty mode a title bar and a rule after each group; terse: KEY:VALUE.
   */
  sections(title: string, groups: [string, string][][]): void {
    const cfg = this.cfg;
    if (cfg.multiline === false) {
      // tabular (-m tabular, -g): every group is a one-row table; list items (X[1], X[2]) are
      // one column whose values are joined with " | ".
      for (const g of groups) {
        const cols: [string, string][] = [];
        for (const [k, v] of g) {
          const base = k.replace(/\[\d+\]$/, '');
          const prev = cols.find(([c]) => c === base);
          if (prev && base !== k) prev[1] += ` | ${v}`; else cols.push([base, v]);
        }
        this.table({ title: cfg.pretty ? title : '', headers: cols.map(([k]) => k), rows: [cols.map(([, v]) => v)] });
      }
      return;
    }
    if (cfg.pretty) {
      this.out.push('='.repeat(ML_HEADER_WIDTH));
      this.out.push(' '.repeat(Math.max(0, Math.floor((ML_HEADER_WIDTH + widthOf(title)) / 2) - widthOf(title))) + title);
      this.out.push('='.repeat(ML_HEADER_WIDTH));
    }
    for (const g of groups) {
      for (const [k, v] of g) this.out.push(cfg.terse ? `${k}:${v}` : padTo(`${k}:`, ML_VALUE_INDENT) + v);
      if (cfg.pretty && g.length) this.out.push('-'.repeat(ML_HEADER_WIDTH));
    }
  }

  blank(): void { this.out.push(''); }
  text(s: string): void { this.out.push(s); }
}

/**
 * Select fields: `fields` is "all", "common" or a comma list (case-insensitive). Returns the
 * indexes, or throws nmcli's error.
 */
function selectFields(fields: string | null, all: readonly string[], common: readonly string[], ctxName: string): number[] {
  if (fields === null || fields.toLowerCase() === 'common') return common.map((c) => all.indexOf(c));
  if (fields.toLowerCase() === 'all') return all.map((_, i) => i);
  const out: number[] = [];
  for (const f of fields.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (f.toLowerCase() === 'all' || f.toLowerCase() === 'common') {
      throw new NmcError(`Error: ${ctxName}field '${f}' has to be alone.`, NMC.USER_INPUT);
    }
    const i = all.findIndex((a) => a.toLowerCase() === f.toLowerCase());
    if (i < 0) throw new NmcError(`Error: ${ctxName}invalid field '${f}'; allowed fields: ${all.join(',')}.`, NMC.USER_INPUT);
    out.push(i);
  }
  return out;
}

function project(t: Table, idx: number[]): Table {
  return { title: t.title, headers: idx.map((i) => t.headers[i]), rows: t.rows.map((r) => idx.map((i) => r[i])) };
}

// ---- the command -------------------------------------------------------------------------------------

function linkLocal6(mac: number): string {
  const b = fmtMac(mac).split(':').map((x) => parseInt(x, 16));
  const w = [((b[0] ^ 2) << 8) | b[1], (b[2] << 8) | 0xff, (0xfe << 8) | b[3], (b[4] << 8) | b[5]];
  return 'fe80::' + w.map((x) => x.toString(16)).join(':');
}

/** `stderr.push` writes at once (after what stdout has pending), so the terminal shows nmcli's order. */
type Ctx = { ctx: CmdContext; h: Host; nm: NetworkManager | null; cfg: Cfg; p: Printer; stderr: { push(s: string): void } };

function makeCtx(ctx: CmdContext, cfg: Cfg): Ctx {
  const c: Ctx = { ctx, h: ctx.host.kernel, nm: null, cfg, p: new Printer(cfg), stderr: { push: (s: string) => { flushOut(c); ctx.stderr.write(s); } } };
  return c;
}

function flushOut(c: Ctx): void {
  if (c.p.out.length) { c.ctx.stdout.write(c.p.out.join('\n') + '\n'); c.p.out = []; }
}

export const nmcliCommand: Command = {
  name: 'nmcli',
  pkg: 'NetworkManager',
  path: '/usr/bin/nmcli',
  *run(ctx: CmdContext): Co<number> {
    const cfg: Cfg = { terse: false, pretty: false, multiline: null, fields: null, escape: true, wait: -1, ask: false };
    const c = makeCtx(ctx, cfg);
    let code = 0;
    try {
      code = yield* main(c, ctx.argv.slice(1));
    } catch (e) {
      if (e instanceof NmcError) {
        flush(c);
        ctx.stderr.write(e.message + '\n');
        return e.code;
      }
      if (e instanceof Error && e.name === 'ShellSignal') throw e;
      flush(c);
      ctx.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
      return NMC.UNKNOWN;
    }
    flush(c);
    return code;
  },
};

function flush(c: Ctx): void { flushOut(c); }

function needNm(c: Ctx): NetworkManager {
  const nm = networkManagerOf(c.h);
  if (!nm) throw new NmcError('Error: NetworkManager is not running.', NMC.NM_NOT_RUNNING);
  c.nm = nm;
  return nm;
}

/** nmcli.c process_command_line. */
function* main(c: Ctx, args: string[]): Co<number> {
  const cfg = c.cfg;
  while (args.length && args[0].startsWith('-')) {
    const raw = args[0];
    if (raw === '--') { args.shift(); break; }
    let opt = raw.startsWith('--') ? raw.slice(1) : raw;
    let value: string | undefined;
    const eq = opt.indexOf('=');
    const withValue = (name: string): boolean => {
      const o = eq >= 0 ? opt.slice(0, eq) : opt;
      return matches(o.slice(1), name);
    };
    const takeValue = (): string => {
      if (eq >= 0) return opt.slice(eq + 1);
      if (args.length < 2) throw new NmcError(`Error: missing argument for '${opt}' option.`, NMC.USER_INPUT);
      args.shift();
      return args[0];
    };
    const o = opt.slice(1);
    if (matches(o, 'overview')) { /* accepted */ }
    else if (matches(o, 'offline')) throw new NmcError("Error: command doesn't support --offline mode.", NMC.USER_INPUT);
    else if (matches(o, 'terse')) {
      if (cfg.terse) throw new NmcError("Error: Option '--terse' is specified the second time.", NMC.USER_INPUT);
      if (cfg.pretty) throw new NmcError("Error: Option '--terse' is mutually exclusive with '--pretty'.", NMC.USER_INPUT);
      cfg.terse = true;
    } else if (matches(o, 'pretty')) {
      if (cfg.pretty) throw new NmcError("Error: Option '--pretty' is specified the second time.", NMC.USER_INPUT);
      if (cfg.terse) throw new NmcError("Error: Option '--pretty' is mutually exclusive with '--terse'.", NMC.USER_INPUT);
      cfg.pretty = true;
    } else if (withValue('mode')) {
      value = takeValue();
      if (matches(value, 'tabular')) cfg.multiline = false;
      else if (matches(value, 'multiline')) cfg.multiline = true;
      else throw new NmcError(`Error: '${value}' is not a valid argument for '${args[0] === value ? opt : raw}' option.`, NMC.USER_INPUT);
    } else if (withValue('colors')) {
      value = takeValue();
      if (!['auto', 'yes', 'no'].some((x) => matches(value!, x))) throw new NmcError(`Error: '${value}' is not valid argument for '${opt}' option.`, NMC.USER_INPUT);
    } else if (withValue('escape')) {
      value = takeValue();
      if (matches(value, 'yes')) cfg.escape = true;
      else if (matches(value, 'no')) cfg.escape = false;
      else throw new NmcError(`Error: '${value}' is not valid argument for '${opt}' option.`, NMC.USER_INPUT);
    } else if (withValue('fields')) {
      cfg.fields = takeValue();
    } else if (withValue('get-values')) {
      cfg.fields = takeValue();
      cfg.terse = true;
      if (cfg.multiline === null) cfg.multiline = false;
    } else if (matches(o, 'nocheck')) { /* ignored */ }
    else if (withValue('wait')) {
      value = takeValue();
      if (!/^\d+$/.test(value.trim()) || Number(value) > 0x7fffffff) throw new NmcError(`Error: '${value}' is not a valid timeout.`, NMC.USER_INPUT);
      cfg.wait = Number(value);
    } else if (matches(o, 'version')) { c.p.text(`nmcli tool, version ${NM_VERSION.split('-')[0]}-${NM_VERSION.split('-')[1]}`); return 0; }
    else if (matches(o, 'help')) { c.stderr.push(USAGE); return 0; }
    else if (matches(o, 'ask')) cfg.ask = true;
    else if (matches(o, 'show-secrets')) { /* no secrets in the lab */ }
    else throw new NmcError(`Error: Option '${raw}' is unknown, try 'nmcli -help'.`, NMC.USER_INPUT);
    args.shift();
    opt = '';
  }
  const cmd = args[0];
  const rest = args.slice(1);
  if (cmd === undefined) return overview(c);
  if (matches(cmd, 'general')) return general(c, rest);
  if (matches(cmd, 'monitor')) return yield* monitor(c);
  if (matches(cmd, 'networking')) return networking(c, rest);
  if (matches(cmd, 'radio')) return radio(c, rest);
  if (matches(cmd, 'connection')) return yield* connection(c, rest);
  if (matches(cmd, 'device')) return yield* device(c, rest);
  if (matches(cmd, 'agent')) throw new NmcError('Error: secret agent is not supported in this lab.', NMC.UNKNOWN);
  if (isHelp(cmd)) { c.stderr.push(USAGE); return 0; }
  throw new NmcError(`Error: argument '${cmd}' not understood. Try passing --help instead.`, NMC.USER_INPUT);
}

/** nmc_do_cmd: pick a sub-command by prefix in table order. */
function pick(cmd: string | undefined, table: readonly string[]): string | null {
  if (cmd === undefined) return null;
  return table.find((t) => matches(cmd, t)) ?? null;
}

function notUnderstood(cmd: string): never {
  throw new NmcError(`Error: argument '${cmd}' not understood. Try passing --help instead.`, NMC.USER_INPUT);
}

// ---- overview (`nmcli` alone) -------------------------------------------------------------------

function overview(c: Ctx): number {
  const nm = needNm(c);
  const p = c.p;
  for (const nd of sortedDevices(nm)) {
    const ac = nd.ac;
    const st = nm.stateText(nd);
    p.text(ac ? `${nd.name}: ${st} to ${ac.profile.id}` : `${nd.name}: ${st}`);
    const d = c.h.dev(nd.name);
    if (!d) { p.blank(); continue; }
    p.text(`\t"${nd.type === 'ethernet' ? 'VMware VMXNET3' : nd.name}"`);
    const avail = nd.ac ? 0 : nm.profiles.filter((x) => !x.external && x.type === (nd.type === 'loopback' ? 'loopback' : '802-3-ethernet') && (x.interfaceName === null || x.interfaceName === nd.name)).length;
    if (!ac && avail) p.text(`\t${avail} ${avail === 1 ? 'connection available' : 'connections available'}`);
    const hw = nd.type === 'ethernet' ? `ethernet (vmxnet3), ${fmtMac(d.mac).toUpperCase()}, hw, ` : nd.type === 'loopback' ? 'loopback (unknown), 00:00:00:00:00:00, sw, ' : 'iptunnel (ipip), sw, ';
    p.text(`\t${hw}mtu ${d.mtu}`);
    if (ac) {
      if (ac.isDefault) p.text('\tip4 default');
      const ip4 = ip4Info(c, nd);
      for (const a of ip4.addrs) p.text(`\tinet4 ${a}`);
      for (const r of ip4.routes) p.text(`\troute4 ${r.dst === '0.0.0.0/0' ? 'default' : r.dst}${r.nh !== '0.0.0.0' ? ` via ${r.nh}` : ''} metric ${r.mt}`);
      const ip6 = ip6Info(c, nd);
      for (const a of ip6.addrs) p.text(`\tinet6 ${a}`);
      for (const r of ip6.routes) if (!r.table) p.text(`\troute6 ${r.dst} metric ${r.mt}`);
    }
    p.blank();
  }
  const dns = dnsEntries(nm);
  dns.forEach((e, i) => {
    if (i === 0) p.text('DNS configuration:');
    p.text(`\tservers: ${e.servers.join(' ')}`);
    if (e.domains.length) p.text(`\tdomains: ${e.domains.join(' ')}`);
    p.text(`\tinterface: ${e.iface}`);
    p.blank();
  });
  p.text('Use "nmcli device show" to get complete information about known devices and\n"nmcli connection show" to get an overview on active connection profiles.\n\nConsult nmcli(1) and nmcli-examples(7) manual pages for complete usage details.');
  return 0;
}

function dnsEntries(nm: NetworkManager): { servers: string[]; domains: string[]; iface: string }[] {
  return nm.activeConnections().filter((a) => a.state === 'activated' && !a.external)
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault))
    .map((a) => ({ servers: [...a.applied.ipv4.dns, ...(((a as { dhcpDns?: Ipv4Addr[] }).dhcpDns) ?? [])].map(fmtIp), domains: a.applied.ipv4.dnsSearch, iface: a.device.name }))
    .filter((e) => e.servers.length > 0);
}

// ---- general / networking / radio / monitor -------------------------------------------------------

const GEN_ALL = ['RUNNING', 'VERSION', 'STATE', 'STARTUP', 'CONNECTIVITY', 'NETWORKING', 'WIFI-HW', 'WIFI', 'WWAN-HW', 'WWAN', 'WIMAX-HW', 'WIMAX'];
const GEN_COMMON = ['STATE', 'CONNECTIVITY', 'WIFI-HW', 'WIFI', 'WWAN-HW', 'WWAN'];

function general(c: Ctx, args: string[]): number {
  const sub = pick(args[0], ['status', 'hostname', 'permissions', 'logging', 'reload']);
  if (args[0] !== undefined && !sub) {
    if (isHelp(args[0])) { c.stderr.push(GEN_USAGE); return 0; }
    notUnderstood(args[0]);
  }
  if (isHelp(args[1]) && sub === 'status') { c.stderr.push(GEN_STATUS_USAGE); return 0; }
  const nm = needNm(c);
  switch (sub ?? 'status') {
    case 'status': {
      const row = ['running', NM_VERSION.split('-')[0], nm.nmState(), 'started', nm.connectivity(), nm.networking ? 'enabled' : 'disabled',
        'missing', 'enabled', 'missing', 'enabled', 'missing', 'enabled'];
      const idx = selectFields(c.cfg.fields, GEN_ALL, GEN_COMMON, '');
      c.p.table(project({ title: 'NetworkManager status', headers: GEN_ALL, rows: [row] }, idx));
      return 0;
    }
    case 'hostname':
      if (args[1] !== undefined) {
        c.h.setHostname(args[1]);
        try { c.h.fs.writeFile('/etc/hostname', args[1] + '\n'); } catch { /* ignore */ }
        return 0;
      }
      c.p.text(c.h.hostname);
      return 0;
    case 'permissions': {
      const perms = ['org.freedesktop.NetworkManager.checkpoint-rollback', 'org.freedesktop.NetworkManager.enable-disable-connectivity-check',
        'org.freedesktop.NetworkManager.enable-disable-network', 'org.freedesktop.NetworkManager.enable-disable-statistics',
        'org.freedesktop.NetworkManager.enable-disable-wifi', 'org.freedesktop.NetworkManager.enable-disable-wimax',
        'org.freedesktop.NetworkManager.enable-disable-wwan', 'org.freedesktop.NetworkManager.network-control',
        'org.freedesktop.NetworkManager.reload', 'org.freedesktop.NetworkManager.settings.modify.global-dns',
        'org.freedesktop.NetworkManager.settings.modify.hostname', 'org.freedesktop.NetworkManager.settings.modify.own',
        'org.freedesktop.NetworkManager.settings.modify.system', 'org.freedesktop.NetworkManager.sleep-wake',
        'org.freedesktop.NetworkManager.wifi.scan', 'org.freedesktop.NetworkManager.wifi.share.open',
        'org.freedesktop.NetworkManager.wifi.share.protected'];
      c.p.table({ title: 'NetworkManager permissions', headers: ['PERMISSION', 'VALUE'], rows: perms.map((x) => [x, 'yes']) });
      return 0;
    }
    case 'logging':
      c.p.table({ title: 'NetworkManager logging', headers: ['LEVEL', 'DOMAINS'], rows: [['INFO', 'PLATFORM,RFKILL,ETHER,WIFI,BT,MB,DHCP4,DHCP6,PPP,IP4,IP6,AUTOIP4,DNS,VPN,SHARING,SUPPLICANT,AGENTS,SETTINGS,SUSPEND,CORE,DEVICE,OLPC,INFINIBAND,FIREWALL,ADSL,BOND,VLAN,BRIDGE,TEAM,CONCHECK,DCB,DISPATCH,AUDIT,SYSTEMD,PROXY']] });
      return 0;
    default:
      nm.reload();
      return 0;
  }
}

function networking(c: Ctx, args: string[]): number {
  const sub = pick(args[0], ['on', 'off', 'connectivity']);
  if (args[0] !== undefined && !sub) {
    if (isHelp(args[0])) { c.stderr.push(NET_USAGE); return 0; }
    notUnderstood(args[0]);
  }
  const nm = needNm(c);
  if (sub === null) { c.p.text(nm.networking ? 'enabled' : 'disabled'); return 0; }
  if (sub === 'connectivity') {
    if (args[1] !== undefined && !matches(args[1], 'check')) notUnderstood(args[1]);
    c.p.text(nm.connectivity());
    return 0;
  }
  if (args[1] !== undefined && !isHelp(args[1])) notUnderstood(args[1]);
  if (isHelp(args[1])) { c.stderr.push(`Usage: nmcli networking ${sub} { help }\n\nSwitch networking ${sub}.\n\n`); return 0; }
  nm.setNetworking(sub === 'on');
  return 0;
}

function radio(c: Ctx, args: string[]): number {
  const sub = pick(args[0], ['all', 'wifi', 'wwan']);
  if (args[0] !== undefined && !sub) {
    if (isHelp(args[0])) { c.stderr.push(RADIO_USAGE); return 0; }
    notUnderstood(args[0]);
  }
  needNm(c);
  if (sub === null || sub === 'all') {
    c.p.table({ title: 'NetworkManager radio switches', headers: ['WIFI-HW', 'WIFI', 'WWAN-HW', 'WWAN'], rows: [['missing', 'enabled', 'missing', 'enabled']] });
    return 0;
  }
  if (args[1] === undefined) { c.p.text('enabled'); return 0; }
  return 0;
}

function* monitor(c: Ctx): Co<number> {
  const nm = needNm(c);
  let seen = nm.version;
  const states = new Map(nm.devices.map((d) => [d.name, d.state]));
  for (;;) {
    yield { kind: 'sim', ready: () => nm.version !== seen };
    seen = nm.version;
    for (const d of nm.devices) {
      if (states.get(d.name) !== d.state) {
        c.ctx.stdout.write(`${d.name}: ${nm.stateText(d)}\n`);
        states.set(d.name, d.state);
      }
    }
  }
}

// ---- connection ----------------------------------------------------------------------------------

const CON_ALL = ['NAME', 'UUID', 'TYPE', 'TIMESTAMP', 'TIMESTAMP-REAL', 'AUTOCONNECT', 'AUTOCONNECT-PRIORITY', 'READONLY', 'DBUS-PATH', 'ACTIVE', 'DEVICE', 'STATE', 'ACTIVE-PATH', 'SLAVE', 'FILENAME'];
const CON_COMMON = ['NAME', 'UUID', 'TYPE', 'DEVICE'];

/** Every setting name nmcli knows (nm_meta_setting_infos order), for its field errors. */
const ALL_SETTINGS = ['6lowpan', '802-1x', 'adsl', 'bluetooth', 'bond', 'bond-port', 'bridge', 'bridge-port', 'cdma', 'connection', 'dcb', 'dummy',
  'ethtool', 'generic', 'gsm', 'hostname', 'hsr', 'infiniband', 'ipv4', 'ipv6', 'ip-tunnel', 'link', 'loopback', 'macsec', 'macvlan', 'match',
  '802-11-olpc-mesh', 'ovs-bridge', 'ovs-dpdk', 'ovs-other-config', 'ovs-external-ids', 'ovs-interface', 'ovs-patch', 'ovs-port', 'pppoe', 'ppp',
  'proxy', 'serial', 'sriov', 'tc', 'team', 'team-port', 'tun', 'user', 'veth', 'vlan', 'vpn', 'vrf', 'vxlan', 'wifi-p2p', 'wimax', '802-3-ethernet',
  'wireguard', '802-11-wireless', '802-11-wireless-security', 'wpan'];

const CON_CMDS = ['show', 'up', 'down', 'add', 'edit', 'delete', 'reload', 'load', 'modify', 'clone', 'import', 'export', 'migrate', 'monitor'];

function* connection(c: Ctx, args: string[]): Co<number> {
  const cmd = args[0];
  const sub = pick(cmd, CON_CMDS);
  if (cmd !== undefined && !sub) {
    if (isHelp(cmd)) { c.stderr.push(CON_USAGE); return 0; }
    notUnderstood(cmd);
  }
  if (sub && isHelp(args[1]) && CON_HELP[sub]) { c.stderr.push(CON_HELP[sub]); return 0; }
  const rest = args.slice(1);
  switch (sub ?? 'show') {
    case 'show': return conShow(c, sub ? rest : args);
    case 'up': return yield* conUp(c, rest);
    case 'down': return conDown(c, rest);
    case 'add': return conAdd(c, rest);
    case 'edit':
      needNm(c);
      throw new NmcError("Error: the interactive connection editor is not available in this lab; use 'nmcli connection modify' or edit the keyfile and run 'nmcli connection reload'.", NMC.USER_INPUT);
    case 'delete': return conDelete(c, rest);
    case 'reload': needNm(c).reloadConnections(); return 0;
    case 'load': return conLoad(c, rest);
    case 'modify': return conModify(c, rest);
    case 'clone': return conClone(c, rest);
    case 'monitor': return yield* monitor(c);
    default:
      needNm(c);
      throw new NmcError(`Error: 'connection ${sub}' is not supported in this lab.`, NMC.UNKNOWN);
  }
}

/** Profiles in nmcli's default order: active first (default route, more addresses), then name, then path. */
function conRows(c: Ctx, nm: NetworkManager, activeOnly: boolean): { p: Profile; ac: ActiveConnection | null }[] {
  const acOf = (p: Profile) => nm.activeConnections().find((a) => a.profile === p) ?? null;
  const rows = nm.profiles.map((p) => ({ p, ac: acOf(p) })).filter((r) => !activeOnly || r.ac);
  const num = (a: ActiveConnection) => ip4Info(c, a.device).addrs.length + ip6Info(c, a.device).addrs.length;
  rows.sort((x, y) => {
    const ax = x.ac, ay = y.ac;
    if (!!ax !== !!ay) return ax ? -1 : 1;
    if (ax && ay) {
      const sx = ax.state === 'activated' ? 2 : 1, sy = ay.state === 'activated' ? 2 : 1;
      if (sx !== sy) return sy - sx;
      if (ax.isDefault !== ay.isDefault) return ax.isDefault ? -1 : 1;
      const nx = num(ax), ny = num(ay);
      if (nx !== ny) return ny - nx;
    }
    const n = collate(x.p.id, y.p.id);
    if (n) return n;
    return settingsNum(nm, x.p) - settingsNum(nm, y.p);
  });
  return rows;
}

function collate(a: string, b: string): number {
  const la = a.toLowerCase(), lb = b.toLowerCase();
  return la < lb ? -1 : la > lb ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

function settingsNum(nm: NetworkManager, p: Profile): number { return Number(nm.settingsPathOf(p).split('/').pop()); }

function acPath(ac: ActiveConnection): string { return `${DBUS}/ActiveConnection/${ac.n}`; }

function conShowRow(c: Ctx, nm: NetworkManager, p: Profile, ac: ActiveConnection | null): string[] {
  const ts = p.timestamp;
  return [
    p.id, p.uuid, typeDisplay(p.type, c.cfg.terse), String(ts), ts ? fmtTimestampReal(c, ts) : 'never', p.autoconnect ? 'yes' : 'no',
    String(p.autoconnectPriority), 'no', nm.settingsPathOf(p), ac ? 'yes' : 'no', ac ? ac.device.name : (c.cfg.terse ? '' : '--'),
    ac ? (ac.state === 'activated' ? 'activated' : ac.state) : (c.cfg.terse ? '' : '--'), ac ? acPath(ac) : (c.cfg.terse ? '' : '--'),
    c.cfg.terse ? '' : '--', p.filename ?? (c.cfg.terse ? '' : '--'),
  ];
}

function fmtTimestampReal(c: Ctx, ts: number): string {
  const d = new Date(ts * 1000);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const mons = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number) => String(n).padStart(2, '0');
  void c;
  return `${days[d.getUTCDay()]} ${p2(d.getUTCDate())} ${mons[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours() % 12 || 12)}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCHours() < 12 ? 'AM' : 'PM'} UTC`;
}

/** nmc_find_connection: all profiles matching by uuid, id, path (or filename), in list order. */
function findProfiles(nm: NetworkManager, selector: string | null, value: string): Profile[] {
  const out: Profile[] = [];
  for (const p of nm.profiles) {
    const path = nm.settingsPathOf(p);
    if ((selector === null || selector === 'uuid') && (p.uuid === value || (selector === 'uuid' && value && p.uuid.startsWith(value)))) { out.push(p); continue; }
    if ((selector === null || selector === 'id') && p.id === value) { out.push(p); continue; }
    if ((selector === null || selector === 'path') && (path === value || (selector === 'path' && path.split('/').pop() === value))) { out.push(p); continue; }
    if ((selector === null || selector === 'filename') && p.filename !== null && p.filename === value) out.push(p);
  }
  if ((selector === 'uuid' || selector === 'path') && out.length > 1) return [];
  // A uuid match wins (best_candidate_uuid); otherwise the first profile of NM's list. NM lists
  // profiles in D-Bus path order, and after a boot keyfiles always precede the generated
  // external `lo` profile (they are loaded before devices appear): keep that order here.
  return out.sort((a, b) => (Number(b.uuid === value) - Number(a.uuid === value)) || (Number(a.external) - Number(b.external)));
}

const SELECTORS = ['id', 'uuid', 'path', 'filename'];

/** get_connection(): consumes [selector] VALUE. */
function getConnection(c: Ctx, nm: NetworkManager, args: string[]): { p: Profile; all: Profile[]; value: string; selector: string | null } {
  if (!args.length) throw new NmcError('Error: No connection specified.', NMC.USER_INPUT);
  let selector: string | null = null;
  if (SELECTORS.includes(args[0])) {
    if (args.length === 1) throw new NmcError(`Error: ${args[0]} argument is missing.`, NMC.USER_INPUT);
    selector = args.shift()!;
  }
  const value = args.shift()!;
  const all = findProfiles(nm, selector, value);
  if (!all.length) throw new NmcError(`Error: unknown connection '${value}'.`, NMC.NOT_FOUND);
  void c;
  return { p: all[0], all, value, selector };
}

function conShow(c: Ctx, args: string[]): number {
  const nm = needNm(c);
  let activeOnly = false;
  let order: string | null = null;
  while (args.length && args[0].startsWith('-')) {
    if (isOption(args[0], 'active')) { activeOnly = true; args.shift(); continue; }
    if (isOption(args[0], 'order')) {
      args.shift();
      if (!args.length) throw new NmcError("Error: missing argument for '--order' option.", NMC.USER_INPUT);
      order = args.shift()!;
      continue;
    }
    if (isOption(args[0], 'show-secrets') || isOption(args[0], 'ask')) { args.shift(); continue; }
    break;
  }
  if (!args.length) {
    const fields = c.cfg.fields;
    let rows = conRows(c, nm, activeOnly);
    if (order) rows = applyOrder(c, nm, rows, order);
    const t: Table = { title: activeOnly ? 'NetworkManager active profiles' : 'NetworkManager connection profiles', headers: CON_ALL, rows: rows.map((r) => conShowRow(c, nm, r.p, r.ac)) };
    const idx = selectFields(fields, CON_ALL, CON_COMMON, '');
    if (rows.length === 0 && !c.cfg.terse) {
      // nmcli prints a lone newline when there is nothing to list (test_001 `nmcli c s`).
      c.p.text('');
      return 0;
    }
    c.p.table(project(t, idx));
    return 0;
  }
  // connection show ID...
  let first = true;
  while (args.length) {
    let selector: string | null = null;
    if (['id', 'uuid', 'path', 'filename', 'apath'].includes(args[0])) {
      selector = args.shift()!;
      if (!args.length) throw new NmcError(`Error: ${selector} argument is missing.`, NMC.USER_INPUT);
    }
    const value = args.shift()!;
    let found = selector === 'apath' ? [] : findProfiles(nm, selector, value);
    if (!found.length && (selector === null || selector === 'apath')) {
      const ac = nm.activeConnections().find((a) => acPath(a) === value || (selector === 'apath' && String(a.n) === value));
      if (ac) found = [ac.profile];
    }
    if (!found.length) throw new NmcError(`Error: ${value} - no such connection profile.`, NMC.NOT_FOUND);
    for (const p of found) {
      const ac = nm.activeConnections().find((a) => a.profile === p) ?? null;
      if (activeOnly && !ac) continue;
      if (!first) c.p.blank();
      first = false;
      showProfileDetails(c, nm, p, ac);
    }
  }
  return 0;
}

function applyOrder(c: Ctx, nm: NetworkManager, rows: { p: Profile; ac: ActiveConnection | null }[], spec: string): { p: Profile; ac: ActiveConnection | null }[] {
  const keys = spec.split(':').filter(Boolean).map((k) => {
    const inv = k.startsWith('-');
    const name = k.replace(/^[+-]/, '');
    const r = stringIsValid(name, ['active', 'name', 'type', 'path']);
    if ('error' in r) throw new NmcError(`Error: incorrect string '${k}' of '--order' option`, NMC.USER_INPUT);
    return { key: r.value, inv };
  });
  const base = conRows(c, nm, false);
  const pos = new Map(base.map((r, i) => [r.p, i]));
  return [...rows].sort((x, y) => {
    for (const { key, inv } of keys) {
      let d = 0;
      if (key === 'active') d = (pos.get(x.p)! - pos.get(y.p)!) * (x.ac && y.ac ? 1 : 0) + (x.ac ? 0 : 1) - (y.ac ? 0 : 1);
      else if (key === 'name') d = collate(x.p.id, y.p.id);
      else if (key === 'type') d = collate(x.p.type, y.p.type);
      else d = settingsNum(nm, x.p) - settingsNum(nm, y.p);
      if (d) return inv ? -d : d;
    }
    return 0;
  });
}

/** nmc_connection_profile_details + nmc_active_connection_details. */
function showProfileDetails(c: Ctx, nm: NetworkManager, p: Profile, ac: ActiveConnection | null): void {
  const groups: [string, string][][] = [];
  const props = profileProperties(p);
  const fields = c.cfg.fields;
  const ACTIVE_GROUPS = ['GENERAL', 'IP4', 'DHCP4', 'IP6', 'DHCP6', 'VPN'];
  let sel = fields === null || /^(all|common)$/i.test(fields) ? null : fields.split(',').map((s) => s.trim()).filter(Boolean);
  let onlyProfile = false, onlyActive = false;
  if (sel) {
    for (const f of sel) {
      const g = f.split('.')[0].toLowerCase();
      if (g === 'profile' || g === 'active') {
        if (sel.length > 1) throw new NmcError(`Error: '${g}' has to be alone.`, NMC.USER_INPUT);
        if (g === 'profile') onlyProfile = true; else onlyActive = true;
        continue;
      }
      if (!ALL_SETTINGS.includes(g) && g !== 'ethernet' && !ACTIVE_GROUPS.includes(g.toUpperCase())) {
        throw new NmcError(`Error: invalid field '${f}'; allowed fields: ${ALL_SETTINGS.join(',')} and ${ACTIVE_GROUPS.join(',')}, or profile,active.`, NMC.USER_INPUT);
      }
    }
    if (onlyProfile || onlyActive) sel = null;
  }
  const wanted = (key: string): boolean => {
    const isActive = /^[A-Z0-9]+[.[]/.test(key);
    if (onlyProfile && isActive) return false;
    if (onlyActive && !isActive) return false;
    if (!sel) return true;
    return sel.some((f) => {
      const lf = f.toLowerCase(), lk = key.toLowerCase();
      return lk === lf || lk.startsWith(lf + '.') || lk.startsWith(lf + '[') || (lf === 'ethernet' && lk.startsWith('802-3-ethernet.'));
    });
  };
  for (const g of props) groups.push(g.rows.filter(([k]) => wanted(k)));
  const profileGroups = groups.filter((g) => g.length);
  if (profileGroups.length) c.p.sections(`Connection profile details (${p.id})`, profileGroups);
  groups.length = 0;
  if (ac && ac.state !== 'deactivated') {
    const general: [string, string][] = [
      ['GENERAL.NAME', ac.profile.id], ['GENERAL.UUID', ac.profile.uuid], ['GENERAL.DEVICES', ac.device.name], ['GENERAL.IP-IFACE', ac.device.name],
      ['GENERAL.STATE', ac.state === 'activated' ? 'activated' : ac.state], ['GENERAL.DEFAULT', ac.isDefault ? 'yes' : 'no'], ['GENERAL.DEFAULT6', 'no'],
      ['GENERAL.SPEC-OBJECT', '--'], ['GENERAL.VPN', 'no'], ['GENERAL.DBUS-PATH', acPath(ac)], ['GENERAL.CON-PATH', nm.settingsPathOf(p)],
      ['GENERAL.ZONE', p.zone ?? '--'], ['GENERAL.MASTER-PATH', '--'],
    ];
    groups.push(general.filter(([k]) => wanted(k)));
    groups.push(ip4Lines(c, ac.device).filter(([k]) => wanted(k)));
    groups.push(ip6Lines(c, ac.device).filter(([k]) => wanted(k)));
  }
  const active = groups.filter((g) => g.length);
  if (active.length) c.p.sections(`Active connection details (${p.uuid})`, active);
}

/** What the device's IPv4 config object shows: the kernel's addresses and main-table routes of it. */
function ip4Info(c: Ctx, nd: NmDevice): { addrs: string[]; gw: string; routes: { dst: string; nh: string; mt: number }[]; dns: string[] } {
  const d = c.h.dev(nd.name);
  if (!d) return { addrs: [], gw: '--', routes: [], dns: [] };
  const addrs = d.addrs.map((a) => `${fmtIp(a.addr)}/${a.prefix}`);
  const routes = c.h.routes.routes.filter((r) => r.dev === nd.name && r.type === 'unicast')
    .map((r) => ({ dst: `${fmtIp(r.dst)}/${r.prefix}`, nh: fmtIp(r.gw ?? 0), mt: r.metric ?? 0, def: r.prefix === 0 }));
  // NM lists prefix routes, then the default route, then the others.
  routes.sort((a, b) => Number(a.def) - Number(b.def));
  const def = routes.find((r) => r.def);
  const ac = nd.ac;
  const dns = ac && !ac.external ? [...ac.applied.ipv4.dns, ...(((ac as { dhcpDns?: Ipv4Addr[] }).dhcpDns) ?? [])].map(fmtIp) : [];
  return { addrs, gw: def ? def.nh : '--', routes, dns };
}

function ip6Info(c: Ctx, nd: NmDevice): { addrs: string[]; routes: { dst: string; mt: number; table?: boolean }[] } {
  const d = c.h.dev(nd.name);
  if (!d) return { addrs: [], routes: [] };
  if (d.kind === 'loopback') return { addrs: ['::1/128'], routes: [{ dst: '::1/128', mt: 256 }] };
  if (d.kind !== 'ether' || !d.up || !d.carrier) return { addrs: [], routes: [] };
  const managed = nd.ac !== null && !nd.ac.external;
  return {
    addrs: [`${linkLocal6(d.mac)}/64`],
    routes: managed ? [{ dst: 'fe80::/64', mt: 1024 }, { dst: 'ff00::/8', mt: 256, table: true }] : [{ dst: 'fe80::/64', mt: 256 }],
  };
}

function ip4Lines(c: Ctx, nd: NmDevice): [string, string][] {
  const i = ip4Info(c, nd);
  const out: [string, string][] = i.addrs.map((a, k) => [`IP4.ADDRESS[${k + 1}]`, a]);
  out.push(['IP4.GATEWAY', i.gw]);
  i.routes.forEach((r, k) => out.push([`IP4.ROUTE[${k + 1}]`, `dst = ${r.dst}, nh = ${r.nh}, mt = ${r.mt}`]));
  i.dns.forEach((s, k) => out.push([`IP4.DNS[${k + 1}]`, s]));
  return out;
}

function ip6Lines(c: Ctx, nd: NmDevice): [string, string][] {
  const i = ip6Info(c, nd);
  const out: [string, string][] = i.addrs.map((a, k) => [`IP6.ADDRESS[${k + 1}]`, a]);
  out.push(['IP6.GATEWAY', '--']);
  i.routes.forEach((r, k) => out.push([`IP6.ROUTE[${k + 1}]`, `dst = ${r.dst}, nh = ::, mt = ${r.mt}${r.table ? ', table=255' : ''}`]));
  return out;
}

/** Wait (virtual time) for an activation to finish, as nmcli's check_activated does. */
function* waitActivation(c: Ctx, ac: ActiveConnection): Co<'done' | 'timeout'> {
  const timeout = c.cfg.wait === -1 ? 90 : c.cfg.wait;
  if (timeout === 0 || ac.state !== 'activating') return 'done';
  const until = c.h.now + timeout * 1_000_000;
  while (ac.state === 'activating' && c.h.now < until) {
    yield { kind: 'sim', ready: () => ac.state !== 'activating', until };
  }
  return ac.state === 'activating' ? 'timeout' : 'done';
}

/** The success line or the failure of `connection up` (shared with ifup). */
export function* activateAndReport(c: Ctx, p: Profile, ifname?: string): Co<number> {
  const nm = c.nm!;
  const r = nm.activate(p, ifname);
  if (!r.ok) {
    if (/^unknown device/.test(r.error)) throw new NmcError(`Error: ${r.error}`, NMC.NOT_FOUND);
    throw new NmcError(`Error: Connection activation failed: ${r.error}`, NMC.CON_ACTIVATION);
  }
  const ac = r.value;
  const w = yield* waitActivation(c, ac);
  if (w === 'timeout') throw new NmcError(`Error: Timeout expired (${c.cfg.wait === -1 ? 90 : c.cfg.wait} seconds)`, NMC.TIMEOUT);
  if (ac.state === 'activated' || c.cfg.wait === 0) {
    if (ac.state === 'activated') c.p.text(`Connection successfully activated (D-Bus active path: ${acPath(ac)})`);
    return 0;
  }
  const reason = ac.reason ?? 'The device could not be readied for configuration';
  throw new NmcError(`Error: Connection activation failed: ${reason}\nHint: use 'journalctl -xe NM_CONNECTION=${ac.profile.uuid} + NM_DEVICE=${ac.device.name}' to get more details.`, NMC.CON_ACTIVATION);
}

function* conUp(c: Ctx, args: string[]): Co<number> {
  const nm = needNm(c);
  let profile: Profile | null = null;
  if (args.length && args[0] !== 'ifname') profile = getConnection(c, nm, args).p;
  let ifname: string | undefined;
  while (args.length) {
    const a = args.shift()!;
    if (a === 'ifname' || a === 'ap' || a === 'passwd-file' || a === 'nsp') {
      if (!args.length) throw new NmcError(`Error: ${a} argument is missing.`, NMC.USER_INPUT);
      const v = args.shift()!;
      if (a === 'ifname') ifname = v;
    } else throw new NmcError(`Error: invalid extra argument '${a}'.`, NMC.USER_INPUT);
  }
  if (!profile) {
    if (ifname === undefined) throw new NmcError('Error: neither a valid connection nor device given.', NMC.NOT_FOUND);
    const nd = nm.device(ifname);
    if (!nd) throw new NmcError(`Error: unknown device '${ifname}'.`, NMC.NOT_FOUND);
    const r = nm.connectDevice(nd);
    if (!r.ok) throw new NmcError(`Error: Connection activation failed: ${r.error}`, NMC.CON_ACTIVATION);
    const w = yield* waitActivation(c, r.value);
    if (w === 'timeout') throw new NmcError(`Error: Timeout expired (${c.cfg.wait === -1 ? 90 : c.cfg.wait} seconds)`, NMC.TIMEOUT);
    if (r.value.state !== 'activated') throw new NmcError(`Error: Connection activation failed: ${r.value.reason}`, NMC.CON_ACTIVATION);
    c.p.text(`Connection successfully activated (D-Bus active path: ${acPath(r.value)})`);
    return 0;
  }
  if (ifname !== undefined && !nm.device(ifname)) {
    throw new NmcError(`Error: Connection activation failed: device '${ifname}' not compatible with connection '${profile.id}'.`, NMC.CON_ACTIVATION);
  }
  return yield* activateAndReport(c, profile, ifname);
}

function conDown(c: Ctx, args: string[]): number {
  const nm = needNm(c);
  if (!args.length) throw new NmcError('Error: No connection specified.', NMC.USER_INPUT);
  const found: ActiveConnection[] = [];
  let notAll = false;
  while (args.length) {
    let selector: string | null = null;
    if (['id', 'uuid', 'path', 'filename', 'apath'].includes(args[0])) {
      selector = args.shift()!;
      if (!args.length) throw new NmcError(`Error: ${selector} argument is missing.`, NMC.USER_INPUT);
    }
    const v = args.shift()!;
    const acs = nm.activeConnections().filter((a) => {
      const p = a.profile;
      if (selector === 'apath') return acPath(a) === v || String(a.n) === v;
      if (selector === null && acPath(a) === v) return true;
      return findProfiles(nm, selector, v).includes(p);
    });
    if (!acs.length) {
      c.stderr.push(`Error: '${v}' is not an active connection.\n`);
      notAll = true;
    }
    for (const a of acs) if (!found.includes(a)) found.push(a);
  }
  if (!found.length) throw new NmcError('Error: no active connection provided.', NMC.NOT_FOUND);
  for (const ac of found) {
    nm.deactivateAc(ac);
    c.p.text(`Connection '${ac.profile.id}' successfully deactivated (D-Bus active path: ${acPath(ac)})`);
  }
  if (notAll) throw new NmcError('Error: not all active connections found.', NMC.NOT_FOUND);
  return 0;
}

function conDelete(c: Ctx, args: string[]): number {
  const nm = needNm(c);
  if (!args.length) throw new NmcError('Error: No connection specified.', NMC.NOT_FOUND);
  const found: Profile[] = [];
  const invalid: string[] = [];
  while (args.length) {
    let selector: string | null = null;
    if (SELECTORS.includes(args[0])) {
      if (args.length === 1) throw new NmcError(`Error: ${args[0]} argument is missing.`, NMC.USER_INPUT);
      selector = args.shift()!;
    }
    const v = args.shift()!;
    const ps = findProfiles(nm, selector, v);
    if (!ps.length) {
      c.stderr.push(`Error: unknown connection '${v}'.\n`);
      invalid.push(selector ? `${selector} '${v}'` : `'${v}'`);
    }
    for (const p of ps) if (!found.includes(p)) found.push(p);
  }
  for (const p of found) {
    nm.deleteProfile(p);
    c.p.text(`Connection '${p.id}' (${p.uuid}) successfully deleted.`);
  }
  if (invalid.length) throw new NmcError(`Error: cannot delete unknown connection(s): ${invalid.join(', ')}.`, NMC.NOT_FOUND);
  return 0;
}

function conLoad(c: Ctx, args: string[]): number {
  const nm = needNm(c);
  if (!args.length) throw new NmcError('Error: No connection specified.', NMC.USER_INPUT);
  const files = args.map((f) => (f === '' || f.startsWith('/') ? f : `${c.ctx.cwd.replace(/\/$/, '')}/${f}`));
  const failures = nm.loadConnections(files);
  for (const f of failures) c.stderr.push(`Could not load file '${f}'\n`);
  return 0;
}

/** nmc_process_connection_properties over a copy of `p`. Throws nmcli's errors. */
function applyProperties(c: Ctx, p: Profile, args: string[]): void {
  if (!args.length) throw new NmcError('Error: <setting>.<property> argument is missing.', NMC.USER_INPUT);
  while (args.length) {
    const orig = args.shift()!;
    let mod: Modifier = '';
    let opt = orig;
    if (orig.startsWith('+')) { mod = '+'; opt = orig.slice(1); } else if (orig.startsWith('-')) { mod = '-'; opt = orig.slice(1); }
    if (mod === '' && opt === 'remove') {
      if (!args.length) throw new NmcError('Error: missing setting.', NMC.USER_INPUT);
      const s = args.shift()!;
      const valid = validSettingNames(p.type);
      const r = stringIsValid(s, valid.flatMap((v) => (v.alias ? [v.name, v.alias] : [v.name])));
      if ('error' in r) throw new NmcError(`Error: invalid setting argument '${s}'.`, NMC.USER_INPUT);
      const name = valid.find((v) => v.name === r.value || v.alias === r.value)!.name;
      if (['connection', '802-3-ethernet', 'loopback'].includes(name)) throw new NmcError(`Error: setting '${name}' is mandatory and cannot be removed.`, NMC.USER_INPUT);
      continue;
    }
    let settingName: string;
    let propName: string;
    const dot = opt.indexOf('.');
    if (dot >= 0) {
      const sett = opt.slice(0, dot);
      const valid = validSettingNames(p.type);
      const r = stringIsValid(sett, valid.flatMap((v) => (v.alias ? [v.name, v.alias] : [v.name])));
      if ('error' in r) {
        const list = valid.map((v) => (v.alias ? `${v.name} (${v.alias})` : v.name)).join(', ');
        const msg = r.error.includes('ambiguous') ? r.error : `'${sett}' not among [${list}]`;
        throw new NmcError(`Error: invalid or not allowed setting '${sett}': ${msg}.`, NMC.USER_INPUT);
      }
      const sdef = valid.find((v) => v.name === r.value || v.alias === r.value)!;
      settingName = sdef.name;
      propName = opt.slice(dot + 1);
      if (!args.length) throw new NmcError(`Error: value for '${orig}' is missing.`, NMC.USER_INPUT);
      const value = args.shift()!;
      if (!sdef.def) throw new NmcError(`Error: failed to modify ${settingName}.${propName}: setting '${settingName}' is not supported in this lab.`, NMC.USER_INPUT);
      const names = sdef.def.props.map((x) => x.name);
      const pr = stringIsValid(propName, names);
      if ('error' in pr) throw new NmcError(`Error: invalid property '${propName}': ${pr.error}.`, NMC.USER_INPUT);
      const def = sdef.def.props.find((x) => x.name === pr.value)!;
      setOne(def, settingName, propName, p, value, mod);
      continue;
    }
    const alias = PROP_ALIASES[opt];
    if (!alias || (alias.setting === '802-3-ethernet' && p.type !== '802-3-ethernet')) throw new NmcError(`Error: invalid <setting>.<property> '${opt}'.`, NMC.USER_INPUT);
    if (!args.length) throw new NmcError(`Error: value for '${orig}' is missing.`, NMC.USER_INPUT);
    const value = args.shift()!;
    settingName = alias.setting;
    const sdef = validSettingNames(p.type).find((v) => v.name === settingName)!.def!;
    const def = sdef.props.find((x) => x.name === alias.prop)!;
    setOne(def, settingName, alias.prop, p, value, mod);
  }
}

function setOne(def: PropDef, setting: string, typed: string, p: Profile, value: string, mod: Modifier): void {
  if (!def.set) throw new NmcError(`Error: failed to modify ${setting}.${typed}: the property can't be changed.`, NMC.USER_INPUT);
  const v = value === '' ? null : value;
  const err = def.set(p, v, mod === '-' && v === null ? '' : mod);
  if (err) {
    throw new NmcError(mod !== '-' ? `Error: failed to modify ${setting}.${typed}: ${err}.` : `Error: failed to remove a value from ${setting}.${typed}: ${err}.`, NMC.USER_INPUT);
  }
}

function conModify(c: Ctx, args: string[]): number {
  const nm = needNm(c);
  let temporary = false;
  if (args.length && isOption(args[0], 'temporary')) { temporary = true; args.shift(); }
  const { p } = getConnection(c, nm, args);
  const copy = cloneProfile(p);
  applyProperties(c, copy, args);
  const r = nm.updateProfile(p, copy, !temporary);
  if (!r.ok) throw new NmcError(`Error: Failed to modify connection '${p.id}': ${r.error}`, NMC.UNKNOWN);
  if (c.cfg.pretty) c.p.text(`Connection '${p.id}' (${p.uuid}) successfully modified.`);
  warnDuplicates(c, nm, p);
  return 0;
}

function warnDuplicates(c: Ctx, nm: NetworkManager, p: Profile): void {
  const n = nm.profiles.filter((x) => x !== p && x.id === p.id).length;
  if (n === 1) c.stderr.push(`Warning: There is another connection with the name '${p.id}'. Reference the connection by its uuid '${p.uuid}'\n`);
  else if (n > 1) c.stderr.push(`Warning: There are ${n} other connections with the name '${p.id}'. Reference the connection by its uuid '${p.uuid}'\n`);
}

function conClone(c: Ctx, args: string[]): number {
  const nm = needNm(c);
  let temporary = false;
  if (args.length && isOption(args[0], 'temporary')) { temporary = true; args.shift(); }
  const { p } = getConnection(c, nm, args);
  if (!args.length) throw new NmcError('Error: <new name> argument is missing.', NMC.USER_INPUT);
  const name = args.shift()!;
  if (args.length) throw new NmcError(`Error: unknown extra argument: '${args[0]}'.`, NMC.USER_INPUT);
  const copy = nm.cloneWithNewUuid(p, name);
  const r = nm.addProfile(copy, !temporary);
  if (!r.ok) throw new NmcError(`Error: Failed to add '${name}' connection: ${r.error}`, NMC.CON_ACTIVATION);
  c.p.text(`${p.id} (${p.uuid}) cloned as ${copy.id} (${copy.uuid}).`);
  return 0;
}

/** `connection add type ethernet con-name X ifname Y [ip4 A gw4 G] [setting.prop value]...` */
function conAdd(c: Ctx, args: string[]): number {
  const nm = needNm(c);
  let type: string | null = null;
  let conName: string | null = null;
  let ifname: string | null = null;
  let save = true;
  const props: string[] = [];
  const opts: [string, string][] = [];
  while (args.length) {
    const a = args.shift()!;
    if (a === '--') { props.push(...args); break; }
    if (['type', 'con-name', 'ifname', 'save', 'autoconnect', 'ip4', 'gw4', 'ip6', 'gw6', 'mac', 'mtu', 'master', 'slave-type', 'cloned-mac'].includes(a)) {
      if (!args.length) throw new NmcError(`Error: value for '${a}' is missing.`, NMC.USER_INPUT);
      const v = args.shift()!;
      if (a === 'type') type = v;
      else if (a === 'con-name') conName = v;
      else if (a === 'ifname') ifname = v;
      else if (a === 'save') {
        if (!['yes', 'no', 'true', 'false', 'on', 'off'].some((x) => matches(v, x))) throw new NmcError(`Error: 'save': '${v}' is not valid; use [true, yes, on] or [false, no, off].`, NMC.USER_INPUT);
        save = ['yes', 'true', 'on'].some((x) => matches(v, x));
      } else opts.push([a, v]);
      continue;
    }
    props.push(a, ...args);
    break;
  }
  if (type === null) throw new NmcError("Error: 'type' argument is required.", NMC.USER_INPUT);
  const tr = stringIsValid(type, ['ethernet', '802-3-ethernet', 'loopback', 'bond', 'bridge', 'vlan', 'wifi', 'team', 'dummy', 'ip-tunnel', 'macvlan', 'vxlan', 'wireguard', 'gsm', 'vpn']);
  if ('error' in tr) throw new NmcError(`Error: invalid connection type; ${tr.error}.`, NMC.USER_INPUT);
  if (!['ethernet', '802-3-ethernet', 'loopback'].includes(tr.value)) throw new NmcError(`Error: connection type '${tr.value}' is not supported in this lab.`, NMC.USER_INPUT);
  const baseName = tr.value === 'loopback' ? 'loopback' : 'ethernet';
  let id = conName;
  if (id === null) {
    id = ifname && ifname !== '*' ? `${baseName}-${ifname}` : baseName;
    for (let i = 1; nm.profiles.some((x) => x.id === id); i++) id = `${baseName}-${ifname && ifname !== '*' ? ifname + '-' : ''}${i}`;
  }
  const p = nm.newProfile(id, tr.value)!;
  if (ifname !== null && ifname !== '*') p.interfaceName = ifname;
  if (tr.value === 'loopback' && !p.interfaceName) p.interfaceName = 'lo';
  for (const [k, v] of opts) applyProperties(c, p, [k === 'autoconnect' ? 'connection.autoconnect' : k, v]);
  if (props.length) applyProperties(c, p, props);
  if (p.ipv4.addresses.length && p.ipv4.method === 'auto' && !props.some((x) => /^[+-]?ipv4\.method$/.test(x))) p.ipv4.method = 'manual';
  const r = nm.addProfile(p, save);
  if (!r.ok) throw new NmcError(`Error: Failed to add '${id}' connection: ${r.error}`, NMC.CON_ACTIVATION);
  warnDuplicates(c, nm, p);
  c.p.text(`Connection '${p.id}' (${p.uuid}) successfully added.`);
  return 0;
}

// ---- device --------------------------------------------------------------------------------------

const DEV_CMDS = ['checkpoint', 'connect', 'disconnect', 'delete', 'down', 'lldp', 'monitor', 'modify', 'reapply', 'status', 'set', 'show', 'up', 'wifi'];
const DEV_ALL = ['DEVICE', 'TYPE', 'STATE', 'IP4-CONNECTIVITY', 'IP6-CONNECTIVITY', 'DBUS-PATH', 'CONNECTION', 'CON-UUID', 'CON-PATH'];
const DEV_COMMON = ['DEVICE', 'TYPE', 'STATE', 'CONNECTION'];

/** compare_devices: by active connection importance, then state, type, name. */
function sortedDevices(nm: NetworkManager): NmDevice[] {
  const rank = (d: NmDevice): number => (d.ac ? (d.ac.state === 'activated' ? 2 : 1) : 0);
  return [...nm.devices].sort((a, b) => {
    const ra = rank(a), rb = rank(b);
    if (ra !== rb) return rb - ra;
    if (a.ac && b.ac) {
      if (a.ac.isDefault !== b.ac.isDefault) return a.ac.isDefault ? -1 : 1;
    }
    const sa = DEV_STATE_NUM[a.state], sb = DEV_STATE_NUM[b.state];
    if (sa !== sb) return sb - sa;
    if (a.type !== b.type) return a.type < b.type ? -1 : 1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

function* device(c: Ctx, args: string[]): Co<number> {
  const cmd = args[0];
  const sub = pick(cmd, DEV_CMDS);
  if (cmd !== undefined && !sub) {
    if (isHelp(cmd)) { c.stderr.push(DEV_USAGE); return 0; }
    notUnderstood(cmd);
  }
  const key = sub === 'up' ? 'connect' : sub === 'down' ? 'disconnect' : sub;
  if (key && isHelp(args[1]) && DEV_HELP[key]) { c.stderr.push(DEV_HELP[key]); return 0; }
  const rest = args.slice(1);
  switch (key ?? 'status') {
    case 'status': {
      const nm = needNm(c);
      if (sub && rest.length) throw new NmcError(`Error: invalid extra argument '${rest[0]}'.`, NMC.USER_INPUT);
      const rows = sortedDevices(nm).map((d) => {
        const ac = d.ac;
        return [d.name, d.type, nm.stateText(d), 'unknown', 'unknown', `${DBUS}/Devices/${d.path}`, ac ? ac.profile.id : '--', ac ? ac.profile.uuid : '--', ac ? acPath(ac) : '--'];
      });
      const idx = selectFields(c.cfg.fields, DEV_ALL, DEV_COMMON, '');
      c.p.table(project({ title: 'Status of devices', headers: DEV_ALL, rows }, idx));
      return 0;
    }
    case 'show': return devShow(c, rest);
    case 'connect': return yield* devConnect(c, rest);
    case 'disconnect': return devDisconnect(c, rest);
    case 'reapply': {
      const nm = needNm(c);
      if (!rest.length) throw new NmcError('Error: No interface specified.', NMC.USER_INPUT);
      const nd = nm.device(rest[0]);
      if (!nd) throw new NmcError(`Error: Device '${rest[0]}' not found.`, NMC.NOT_FOUND);
      if (rest.length > 1) throw new NmcError(`Error: invalid extra argument '${rest[1]}'.`, NMC.USER_INPUT);
      const r = nm.reapply(nd);
      if (!r.ok) throw new NmcError(`Error: Reapplying connection to device '${nd.name}' (${DBUS}/Devices/${nd.path}) failed: ${r.error}`, NMC.UNKNOWN);
      c.p.text(`Connection successfully reapplied to device '${nd.name}'.`);
      return 0;
    }
    case 'monitor': return yield* monitor(c);
    default:
      needNm(c);
      throw new NmcError(`Error: 'device ${key}' is not supported in this lab.`, NMC.UNKNOWN);
  }
}

function devShow(c: Ctx, args: string[]): number {
  const nm = needNm(c);
  if (args.length > 1) throw new NmcError(`Error: invalid extra argument '${args[1]}'.`, NMC.USER_INPUT);
  let devs = sortedDevices(nm);
  if (args.length) {
    const nd = nm.device(args[0]);
    if (!nd) throw new NmcError(`Error: Device '${args[0]}' not found.`, NMC.NOT_FOUND);
    devs = [nd];
  }
  const fields = c.cfg.fields;
  const sel = fields === null || /^common$/i.test(fields) ? ['GENERAL.DEVICE', 'GENERAL.TYPE', 'GENERAL.HWADDR', 'GENERAL.MTU', 'GENERAL.STATE', 'GENERAL.CONNECTION', 'GENERAL.CON-PATH', 'WIRED-PROPERTIES', 'IP4', 'IP6']
    : /^all$/i.test(fields) ? null : fields.split(',').map((s) => s.trim());
  const SECTIONS = ['GENERAL', 'CAPABILITIES', 'INTERFACE-FLAGS', 'WIRED-PROPERTIES', 'IP4', 'DHCP4', 'IP6', 'DHCP6', 'CONNECTIONS'];
  if (sel) for (const f of sel) if (!SECTIONS.includes(f.split('.')[0].toUpperCase())) throw new NmcError(`Error: 'device show': invalid field '${f}'; allowed fields: ${SECTIONS.join(',')}.`, NMC.USER_INPUT);
  const want = (k: string) => !sel || sel.some((f) => k.toUpperCase() === f.toUpperCase() || k.toUpperCase().startsWith(f.toUpperCase() + '.') || k.toUpperCase().startsWith(f.toUpperCase() + '['));
  devs.forEach((nd, i) => {
    if (i) c.p.blank();
    const d = c.h.dev(nd.name);
    const ac = nd.ac;
    const hw = d ? (nd.type === 'iptunnel' ? '' : fmtMac(d.mac).toUpperCase()) : '';
    const g: [string, string][] = [
      ['GENERAL.DEVICE', nd.name], ['GENERAL.TYPE', nd.type], ['GENERAL.NM-TYPE', nd.type === 'ethernet' ? 'NMDeviceEthernet' : nd.type === 'loopback' ? 'NMDeviceLoopback' : 'NMDeviceIPTunnel'],
      ['GENERAL.DBUS-PATH', `${DBUS}/Devices/${nd.path}`], ['GENERAL.VENDOR', nd.type === 'ethernet' ? 'VMware' : '--'], ['GENERAL.PRODUCT', nd.type === 'ethernet' ? 'VMXNET3 Ethernet Controller' : '--'],
      ['GENERAL.DRIVER', nd.type === 'ethernet' ? 'vmxnet3' : nd.type === 'loopback' ? 'unknown' : 'ipip'], ['GENERAL.DRIVER-VERSION', nd.type === 'ethernet' ? '1.7.0.0-k-NAPI' : '--'],
      ['GENERAL.FIRMWARE-VERSION', '--'], ['GENERAL.HWADDR', hw || '(unknown)'], ['GENERAL.MTU', String(d?.mtu ?? 0)],
      ['GENERAL.STATE', `${DEV_STATE_NUM[nd.state]} (${nm.stateText(nd)})`], ['GENERAL.REASON', '0 (No reason given)'],
      ['GENERAL.IP4-CONNECTIVITY', ac?.state === 'activated' && nd.type !== 'loopback' ? (ac.isDefault ? '4 (full)' : '3 (limited)') : '1 (none)'], ['GENERAL.IP6-CONNECTIVITY', '1 (none)'],
      ['GENERAL.UDI', `/sys/devices/${nd.type === 'ethernet' ? `pci0000:00/0000:00:15.0/0000:0${2 + nd.path}:00.0/net/${nd.name}` : `virtual/net/${nd.name}`}`], ['GENERAL.PATH', '--'],
      ['GENERAL.IP-IFACE', nd.name], ['GENERAL.IS-SOFTWARE', nd.type === 'ethernet' ? 'no' : 'yes'], ['GENERAL.NM-MANAGED', nd.state === 'unmanaged' ? 'no' : 'yes'],
      ['GENERAL.AUTOCONNECT', nd.autoconnectBlocked ? 'no' : 'yes'], ['GENERAL.FIRMWARE-MISSING', 'no'], ['GENERAL.NM-PLUGIN-MISSING', 'no'], ['GENERAL.PHYS-PORT-ID', '--'],
      ['GENERAL.CONNECTION', ac ? ac.profile.id : '--'], ['GENERAL.CON-UUID', ac ? ac.profile.uuid : '--'], ['GENERAL.CON-PATH', ac ? acPath(ac) : '--'], ['GENERAL.METERED', ac ? 'no (guessed)' : 'unknown'],
    ];
    const groups: [string, string][][] = [g];
    if (nd.type === 'ethernet') {
      groups.push([['CAPABILITIES.CARRIER-DETECT', 'yes'], ['CAPABILITIES.SPEED', d?.carrier ? '10000 Mb/s' : 'unknown'], ['CAPABILITIES.IS-SOFTWARE', 'no'], ['CAPABILITIES.SRIOV', 'no']]);
    }
    if (d) groups.push([['INTERFACE-FLAGS.UP', d.up ? 'yes' : 'no'], ['INTERFACE-FLAGS.LOWER-UP', d.running ? 'yes' : 'no'], ['INTERFACE-FLAGS.CARRIER', d.carrier ? 'yes' : 'no'], ['INTERFACE-FLAGS.PROMISC', d.promisc ? 'yes' : 'no']]);
    if (nd.type === 'ethernet') groups.push([['WIRED-PROPERTIES.CARRIER', d?.carrier ? 'on' : 'off']]);
    if (nd.state !== 'unmanaged' || (d?.addrs.length ?? 0) > 0) {
      groups.push(ip4Lines(c, nd));
      groups.push(ip6Lines(c, nd));
    }
    if (nd.type !== 'iptunnel') {
      const avail = nm.profiles.filter((p) => !p.external && p.type === (nd.type === 'loopback' ? 'loopback' : '802-3-ethernet') && (p.interfaceName === null || p.interfaceName === nd.name));
      const paths = avail.map((p) => nm.settingsPathOf(p).split('/').pop());
      const conn: [string, string][] = [['CONNECTIONS.AVAILABLE-CONNECTION-PATHS', paths.length ? `${DBUS}/Settings/Connection/${paths.length > 1 ? `{${paths.join(',')}}` : paths[0]}` : '--']];
      avail.forEach((p, k) => conn.push([`CONNECTIONS.AVAILABLE-CONNECTIONS[${k + 1}]`, `${p.uuid} | ${p.id}`]));
      groups.push(conn);
    }
    c.p.sections(`Device details (${nd.name})`, groups.map((gr) => gr.filter(([k]) => want(k))).filter((gr) => gr.length));
  });
  return 0;
}

function* devConnect(c: Ctx, args: string[]): Co<number> {
  const nm = needNm(c);
  if (!args.length) throw new NmcError('Error: No interface specified.', NMC.USER_INPUT);
  if (args.length > 1) throw new NmcError(`Error: extra argument not allowed: '${args[1]}'.`, NMC.USER_INPUT);
  const nd = nm.device(args[0]);
  if (!nd) throw new NmcError(`Error: Device '${args[0]}' not found.`, NMC.NOT_FOUND);
  const r = nm.connectDevice(nd);
  if (!r.ok) throw new NmcError(`Error: Connection activation failed: ${r.error}.`, NMC.CON_ACTIVATION);
  const w = yield* waitActivation(c, r.value);
  if (w === 'timeout') throw new NmcError(`Error: Timeout ${c.cfg.wait === -1 ? 90 : c.cfg.wait} sec expired.`, NMC.TIMEOUT);
  if (r.value.state !== 'activated') throw new NmcError(`Error: Connection activation failed: ${r.value.reason ?? 'unknown reason'}.`, NMC.CON_ACTIVATION);
  c.p.text(`Device '${nd.name}' successfully activated with '${r.value.profile.uuid}'.`);
  return 0;
}

function devDisconnect(c: Ctx, args: string[]): number {
  const nm = needNm(c);
  if (!args.length) throw new NmcError('Error: No interface specified.', NMC.USER_INPUT);
  const devs: NmDevice[] = [];
  let missing = false;
  for (const a of args) {
    const nd = nm.device(a);
    if (!nd) { c.stderr.push(`Error: Device '${a}' not found.\n`); missing = true; continue; }
    if (!devs.includes(nd)) devs.push(nd);
  }
  if (!devs.length) throw new NmcError('Error: not all devices found.', NMC.NOT_FOUND);
  let failed = false;
  for (const nd of devs) {
    const r = nm.disconnectDevice(nd);
    if (!r.ok) { c.stderr.push(`Error: Device '${nd.name}' (${DBUS}/Devices/${nd.path}) disconnecting failed: ${r.error}\n`); failed = true; continue; }
    c.p.text(`Device '${nd.name}' successfully disconnected.`);
  }
  if (missing) throw new NmcError('Error: not all devices found.', NMC.NOT_FOUND);
  if (failed) throw new NmcError('Error: not all devices disconnected.', NMC.DEV_DISCONNECT);
  return 0;
}

void prefixMask; void fmtAddr;

/** For ifup/ifdown: run an nmcli-like request with this module's plumbing. */
export function nmcliContext(ctx: CmdContext): Ctx {
  const cfg: Cfg = { terse: false, pretty: false, multiline: null, fields: null, escape: true, wait: -1, ask: false };
  return makeCtx(ctx, cfg);
}

export { NmcError, flush as nmcliFlush, needNm as nmcliNeedNm };
