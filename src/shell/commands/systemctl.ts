/**
 * systemctl, as systemd 252 (RHEL 9.4) prints it: start/stop/restart/try-restart/reload/
 * reload-or-restart, enable/disable/reenable (with --now), mask/unmask, status (the full
 * layout with Loaded/Active/Docs/Process/Main PID/Status/Tasks/Memory/CPU/CGroup and the
 * unit's journal lines of the current activation), is-active/is-enabled/is-failed,
 * list-units/list-unit-files, cat, show, daemon-reload, reset-failed, get-default,
 * is-system-running and the power verbs. Messages and exit codes follow
 * src/systemctl/*.c and src/shared/bus-wait-for-jobs.c of the RHEL 9 tree: a missing unit
 * is exit 5 for jobs, 4 for status; an inactive unit is 3 for status and is-active.
 *
 * Left out: dependencies (list-dependencies), templates other than getty@tty1, --user,
 * edit, set-property, kill, isolate, remote hosts (-H).
 */
import { Systemd, resourcesOf, type InstallChange, type UnitRuntime, SYSTEMD_FEATURES, SYSTEMD_VERSION } from '../../core/services/systemd.ts';
import type { CmdContext, Co, Command } from '../types.ts';
import { powerCommand } from './power.ts';
import { JOURNAL_OUTPUTS, ellipsize, epochOf, formatTimespan, journalLine, sdBytes, sdRelative, sdTimestamp, type JournalOutput } from './sysfmt.ts';

interface Opts {
  all: boolean;
  types: string[];
  states: string[];
  props: string[];
  value: boolean;
  full: boolean;
  legend: boolean;
  plain: boolean;
  quiet: boolean;
  now: boolean;
  lines: number;
  output: JournalOutput;
  failed: boolean;
  force: boolean;
}

const UNIT_TYPES = ['service', 'socket', 'target', 'device', 'mount', 'automount', 'swap', 'timer', 'path', 'slice', 'scope'];
const TASKS_LIMIT = 4570; // DefaultTasksMax=15% of kernel.threads-max (30473) on the lab's VMs

type Parsed = { verb: string; args: string[]; o: Opts } | { exit: number };

function parseArgs(ctx: CmdContext, argv: readonly string[]): Parsed {
  const o: Opts = {
    all: false, types: [], states: [], props: [], value: false, full: false, legend: true, plain: false, quiet: false,
    now: false, lines: 10, output: 'short', failed: false, force: false,
  };
  const pos: string[] = [];
  const err = (m: string) => { ctx.stderr.write(`systemctl: ${m}\n`); return { exit: 1 }; };
  const withArg: Record<string, string> = { t: 'type', p: 'property', n: 'lines', o: 'output', s: 'signal', H: 'host', M: 'machine' };
  const longs = ['all', 'type', 'state', 'property', 'value', 'full', 'no-legend', 'legend', 'plain', 'quiet', 'now', 'lines', 'output',
    'failed', 'force', 'no-pager', 'no-block', 'system', 'runtime', 'no-reload', 'no-ask-password', 'show-types', 'version', 'help',
    'recursive', 'reverse', 'after', 'before', 'signal', 'host', 'machine', 'job-mode', 'wait', 'no-warn', 'global', 'preset-mode', 'root'];
  const longWithArg = new Set(['type', 'state', 'property', 'lines', 'output', 'signal', 'host', 'machine', 'job-mode', 'preset-mode', 'root', 'legend']);
  const apply = (k: string, v: string | undefined): Parsed | null => {
    switch (k) {
      case 'all': case 'a': o.all = true; break;
      case 'type': case 't': {
        for (const t of (v ?? '').split(',')) {
          if (t === 'help') { ctx.stdout.write(`Available unit types:\n${UNIT_TYPES.join('\n')}\n`); return { exit: 0 }; }
          if (UNIT_TYPES.includes(t)) o.types.push(t);
          else if (['active', 'inactive', 'failed', 'running', 'exited', 'dead', 'enabled', 'disabled', 'static', 'loaded', 'listening', 'waiting'].includes(t)) o.states.push(t);
          else {
            ctx.stderr.write(`Unknown unit type or load state '${t}'.\nUse -t help to see a list of allowed values.\n`);
            return { exit: 1 };
          }
        }
        break;
      }
      case 'state': o.states.push(...(v ?? '').split(',').filter(Boolean)); break;
      case 'property': case 'p': o.props.push(...(v ?? '').split(',').filter(Boolean)); break;
      case 'value': o.value = true; break;
      case 'full': case 'l': o.full = true; break;
      case 'no-legend': o.legend = false; break;
      case 'legend': o.legend = v !== 'no' && v !== 'false' && v !== '0'; break;
      case 'plain': o.plain = true; break;
      case 'quiet': case 'q': o.quiet = true; break;
      case 'now': o.now = true; break;
      case 'failed': o.failed = true; o.states.push('failed'); break;
      case 'force': case 'f': o.force = true; break;
      case 'lines': case 'n': {
        if (!/^\d+$/.test(v ?? '')) return err(`Failed to parse lines '${v}'`);
        o.lines = Number(v);
        break;
      }
      case 'output': case 'o': {
        if (!JOURNAL_OUTPUTS.includes(v as JournalOutput)) return err(`Unknown output '${v}'.`);
        o.output = v as JournalOutput;
        break;
      }
      case 'version': return { verb: '--version', args: [], o };
      case 'help': case 'h': return { verb: '--help', args: [], o };
      case 'H': case 'host': case 'M': case 'machine': return err('Failed to connect to bus: Host is down');
      default: break;
    }
    return null;
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { pos.push(...argv.slice(i + 1)); break; }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      if (!longs.includes(name)) return err(`unrecognized option '${a}'`);
      let v: string | undefined;
      if (longWithArg.has(name)) {
        if (eq >= 0) v = a.slice(eq + 1);
        else if (name === 'legend') v = 'yes';
        else if (i + 1 < argv.length) v = argv[++i];
        else return err(`option '--${name}' requires an argument`);
      } else if (eq >= 0) return err(`option '--${name}' doesn't allow an argument`);
      const r = apply(name, v);
      if (r) return r;
      continue;
    }
    if (a.length > 1 && a[0] === '-') {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (withArg[c]) {
          let v: string;
          if (j + 1 < a.length) v = a.slice(j + 1);
          else if (i + 1 < argv.length) v = argv[++i];
          else return err(`option requires an argument -- '${c}'`);
          const r = apply(c, v);
          if (r) return r;
          break;
        }
        if (!'alqfhr'.includes(c)) return err(`invalid option -- '${c}'`);
        const r = apply(c, undefined);
        if (r) return r;
      }
      continue;
    }
    pos.push(a);
  }
  return { verb: pos[0] ?? 'list-units', args: pos.slice(1), o };
}

// ---- helpers -----------------------------------------------------------------------------------

function canonArg(a: string): string {
  return Systemd.canon(a);
}

/** What `systemctl` shows as the unit's name for a not-found unit (the argument, canonicalised). */
function unitType(name: string): string { return name.slice(name.lastIndexOf('.') + 1); }

function glob(pattern: string): RegExp {
  return new RegExp('^' + pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.').replace(/\[!/g, '[^') + '$');
}

function comm(u: UnitRuntime): string {
  if (u.def.comm) return u.def.comm;
  const first = u.def.exec.replace(/^"/, '').split(/\s+/)[0] ?? '';
  return first.slice(first.lastIndexOf('/') + 1).replace(/:$/, '').slice(0, 15);
}

/** ExecStart= as systemd shows it: prefixes gone, quotes removed, words joined by spaces. */
function execArgv(sd: Systemd, u: UnitRuntime): string {
  const raw = sd.unitValue(u, 'Service', 'ExecStart') ?? u.def.exec;
  const s = raw.replace(/^[-@+!:]+/, '');
  const words: string[] = [];
  let cur = '';
  let have = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'") {
      const k = s.indexOf(c, i + 1);
      const end = k < 0 ? s.length : k;
      cur += s.slice(i + 1, end);
      i = end;
      have = true;
    } else if (c === ' ' || c === '\t') {
      if (have) words.push(cur);
      cur = ''; have = false;
    } else { cur += c; have = true; }
  }
  if (have) words.push(cur);
  return words.join(' ');
}

function cgroupPath(u: UnitRuntime): string {
  if (u.def.name.startsWith('getty@')) return `/system.slice/system-getty.slice/${u.def.name}`;
  return `/system.slice/${u.def.name}`;
}

const GLYPH: Record<string, string> = { active: '●', reloading: '↻', inactive: '○', failed: '×', activating: '●', deactivating: '●' };

function loadState(sd: Systemd, u: UnitRuntime): string { return sd.isMasked(u) ? 'masked' : 'loaded'; }

// ---- status ------------------------------------------------------------------------------------

function statusOf(ctx: CmdContext, sd: Systemd, u: UnitRuntime, o: Opts, tty: number): { text: string; ellipsized: boolean } {
  const out: string[] = [];
  const d = u.def;
  const now = ctx.host.now();
  const ts = (us: number) => `${sdTimestamp(epochOf(ctx, us))}; ${sdRelative(now, us)}`;
  const isService = unitType(d.name) === 'service';
  out.push(`${GLYPH[u.state] ?? '○'} ${d.name}${d.description && d.description !== d.name ? ` - ${d.description}` : ''}`);
  const fstate = sd.fileState(u);
  if (fstate === 'masked') {
    out.push(`     Loaded: masked (Reason: Unit ${d.name} is masked.)`);
  } else {
    const showPreset = fstate === 'enabled' || fstate === 'disabled';
    out.push(`     Loaded: loaded (${d.path}; ${fstate}${showPreset ? `; preset: ${d.preset}` : ''})`);
  }
  const dropins = sd.dropIns(u);
  if (dropins.length) {
    const dir = dropins[0].slice(0, dropins[0].lastIndexOf('/'));
    out.push(`    Drop-In: ${dir}`);
    out.push(`             └─${dropins.map((f) => f.slice(f.lastIndexOf('/') + 1)).join(', ')}`);
  }
  let active = `     Active: ${u.state}${u.sub !== u.state ? ` (${u.sub})` : ''}`;
  if (u.state === 'failed' && u.result) active += ` (Result: ${u.result})`;
  const t = u.state === 'active' || u.state === 'reloading' ? u.activeEnter : u.state === 'inactive' || u.state === 'failed' ? u.inactiveEnter : u.inactiveExit;
  if (t >= 0) {
    out.push(`${active} since ${ts(t)}`);
    if (unitType(d.name) !== 'target' && (u.state === 'inactive' || u.state === 'failed') && u.activeEnter >= 0 && u.activeExit >= u.activeEnter && u.activeEnter >= u.inactiveExit) {
      out.push(`   Duration: ${formatTimespan(u.activeExit - u.activeEnter, 1000)}`);
    }
  } else out.push(active);
  if (unitType(d.name) === 'timer') {
    const next = nextElapse(u, sd, now);
    out.push(next === null ? '    Trigger: n/a' : `    Trigger: ${ts(next)}`);
    out.push(`   Triggers: ● ${d.name.replace(/\.timer$/, '.service')}`);
  }
  (d.docs ?? []).forEach((doc, i) => out.push(`   ${(i === 0 ? 'Docs:' : '').padStart(9)} ${doc}`));
  const running = u.state === 'active' && u.sub === 'running';
  if (isService && u.execPid > 0) {
    const exited = !running && u.execStatus !== null;
    const st = u.execStatus ?? 0;
    const code = `(code=exited, status=${st}/${st === 0 ? 'SUCCESS' : 'FAILURE'})`;
    if (exited) out.push(`    Process: ${u.execPid} ExecStart=${execArgv(sd, u)} ${code}`);
    out.push(running ? `   Main PID: ${u.pid} (${comm(u)})` : `   Main PID: ${u.execPid} ${code}`);
  }
  if (running) {
    const text = u.impl?.statusText?.();
    if (text) out.push(`     Status: "${text}"`);
    const res = resourcesOf(d);
    out.push(`      Tasks: ${res.tasks ?? 1 + (d.workers ?? 0)} (limit: ${TASKS_LIMIT})`);
    out.push(`     Memory: ${sdBytes(res.memory ?? 1.5 * 1024 * 1024)}`);
  }
  if (isService && u.execPid > 0) out.push(`        CPU: ${formatTimespan(sd.cpuOf(u), 1000)}`);
  let ellipsized = false;
  const cut = (line: string) => {
    if (!tty || o.full) return line;
    const c = ellipsize(line, tty);
    if (c !== line) ellipsized = true;
    return c;
  };
  if (running) {
    out.push(`     CGroup: ${cgroupPath(u)}`);
    const procs = [u.pid, ...u.workers];
    procs.forEach((pid, i) => out.push(cut(`             ${i === procs.length - 1 ? '└─' : '├─'}${pid} ${d.exec}`)));
  }
  // The unit's journal lines since its last activation, this boot (show_journal_by_unit).
  const entries = sd.journal.filter((e) => e.unit === d.name && e.boot === sd.bootCount && e.seq >= u.activationSeq);
  const last = o.lines > 0 ? entries.slice(-o.lines) : [];
  if (last.length) {
    out.push('');
    for (const e of last) out.push(cut(journalLine(ctx, e, o.output, sd.bootTime)));
  }
  return { text: out.join('\n') + '\n', ellipsized };
}

/** When a timer fires next (OnBootSec/OnCalendar=daily as the shipped timers say). */
function nextElapse(u: UnitRuntime, sd: Systemd, now: number): number | null {
  if (u.state !== 'active') return null;
  const boot = sd.bootTime;
  switch (u.def.name) {
    case 'dnf-makecache.timer': {
      let t = boot + 10 * 60e6 + 1_234e6;
      while (t <= now) t += 3600e6;
      return t;
    }
    case 'systemd-tmpfiles-clean.timer': {
      let t = boot + 15 * 60e6;
      while (t <= now) t += 86400e6;
      return t;
    }
    default: {
      // OnCalendar=daily: the next midnight UTC.
      return null;
    }
  }
}

// ---- list-units / list-unit-files ---------------------------------------------------------------

/** systemd's compare_unit_info(): by type suffix, then name, ignoring case. */
function unitOrder(a: string, b: string): number {
  const ta = a.slice(a.lastIndexOf('.')).toLowerCase(), tb = b.slice(b.lastIndexOf('.')).toLowerCase();
  if (ta !== tb) return ta < tb ? -1 : 1;
  const la = a.toLowerCase(), lb = b.toLowerCase();
  return la < lb ? -1 : la > lb ? 1 : 0;
}

/** format-table's output: columns separated by one space, last column not padded. */
function table(rows: string[][], opts: { header: boolean; rightAlign?: number[]; maxWidth?: number }): string {
  const body = opts.header ? rows : rows.slice(1);
  const ncol = rows[0].length;
  const widths = Array(ncol).fill(0);
  for (const r of body) r.forEach((c, i) => { widths[i] = Math.max(widths[i], [...c].length); });
  if (opts.maxWidth) {
    const total = widths.reduce((a, b) => a + b, 0) + ncol - 1;
    if (total > opts.maxWidth) widths[ncol - 1] = Math.max(widths[ncol - 1] - (total - opts.maxWidth), 6);
  }
  return body.map((r) => r.map((c, i) => {
    let cell = c;
    if ([...cell].length > widths[i]) cell = ellipsize(cell, widths[i]);
    if (i === ncol - 1) return cell;
    return opts.rightAlign?.includes(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i] + ([...cell].length - cell.length));
  }).join(' ').replace(/\s+$/, '') + '\n').join('');
}

function listUnits(ctx: CmdContext, sd: Systemd, o: Opts, patterns: string[], tty: number): number {
  let units = sd.list();
  if (o.types.length) units = units.filter((u) => o.types.includes(unitType(u.def.name)));
  if (patterns.length) units = units.filter((u) => patterns.some((p) => glob(p.includes('.') || p.includes('*') ? p : Systemd.canon(p)).test(u.def.name)));
  if (o.states.length) units = units.filter((u) => o.states.includes(u.state) || o.states.includes(u.sub) || o.states.includes(loadState(sd, u)));
  else if (!o.all) units = units.filter((u) => u.state !== 'inactive');
  units.sort((a, b) => unitOrder(a.def.name, b.def.name));
  const rows = [['', 'UNIT', 'LOAD', 'ACTIVE', 'SUB', 'DESCRIPTION']];
  for (const u of units) rows.push([u.state === 'failed' && !o.plain ? '●' : ' ', u.def.name, loadState(sd, u), u.state, u.sub, u.def.description]);
  if (o.plain) for (const r of rows) r.shift();
  let out = units.length || o.legend ? table(rows, { header: o.legend, maxWidth: tty && !o.full ? tty : undefined }) : '';
  if (!units.length) out = o.legend ? out : '';
  if (o.legend) {
    if (units.length) {
      out += '\nLOAD   = Reflects whether the unit definition was properly loaded.\n'
        + 'ACTIVE = The high-level unit activation state, i.e. generalization of SUB.\n'
        + 'SUB    = The low-level unit activation state, values depend on unit type.\n';
    }
    if (o.all || o.states.includes('inactive')) out += `${units.length} loaded units listed.\nTo show all installed unit files use 'systemctl list-unit-files'.\n`;
    else if (!o.states.length) out += `${units.length} loaded units listed. Pass --all to see loaded but inactive units, too.\nTo show all installed unit files use 'systemctl list-unit-files'.\n`;
    else out += `${units.length} loaded units listed.\n`;
  }
  ctx.stdout.write(out);
  return 0;
}

function listUnitFiles(ctx: CmdContext, sd: Systemd, o: Opts, patterns: string[]): number {
  let units = sd.list();
  if (o.types.length) units = units.filter((u) => o.types.includes(unitType(u.def.name)));
  if (patterns.length) units = units.filter((u) => patterns.some((p) => glob(p).test(u.def.name)));
  const states = units.map((u) => [u, sd.fileState(u)] as const);
  const shown = o.states.length ? states.filter(([, s]) => o.states.includes(s)) : states;
  const sorted = [...shown].sort((a, b) => unitOrder(a[0].def.name, b[0].def.name));
  const rows = [['UNIT FILE', 'STATE', 'PRESET']];
  for (const [u, s] of sorted) rows.push([u.def.name, s, s === 'enabled' || s === 'disabled' ? u.def.preset : '-']);
  let out = table(rows, { header: o.legend });
  if (o.legend) out += `\n${sorted.length} unit files listed.\n`;
  ctx.stdout.write(out);
  return 0;
}

// ---- show ---------------------------------------------------------------------------------------

function showProps(ctx: CmdContext, sd: Systemd, name: string, u: UnitRuntime | undefined): [string, string][] {
  const stamp = (us: number) => (us >= 0 ? sdTimestamp(epochOf(ctx, us)) : '');
  if (!u) {
    return [['Id', name], ['Names', name], ['LoadState', 'not-found'], ['ActiveState', 'inactive'], ['SubState', 'dead'],
      ['UnitFileState', ''], ['MainPID', '0'], ['Description', name], ['LoadError', `org.freedesktop.systemd1.NoSuchUnit "Unit ${name} not found."`]];
  }
  const d = u.def;
  return [
    ['Type', u.impl?.oneshot ? 'oneshot' : 'simple'],
    ['Restart', 'no'],
    ['MainPID', String(u.pid)],
    ['ExecMainPID', String(u.execPid)],
    ['ExecMainStatus', String(u.execStatus ?? 0)],
    ['Result', u.result ?? 'success'],
    ['StatusText', u.impl?.statusText?.() ?? ''],
    ['TasksCurrent', u.state === 'active' && u.sub === 'running' ? String(resourcesOf(d).tasks ?? 1) : '[not set]'],
    ['TasksMax', String(TASKS_LIMIT)],
    ['MemoryCurrent', u.state === 'active' && u.sub === 'running' ? String(Math.floor(resourcesOf(d).memory ?? 1572864)) : '[not set]'],
    ['CPUUsageNSec', u.execPid ? String(sd.cpuOf(u) * 1000) : '[not set]'],
    ['Id', d.name],
    ['Names', [d.name, ...(d.aliases ?? [])].join(' ')],
    ['Description', d.description],
    ['LoadState', loadState(sd, u)],
    ['ActiveState', u.state],
    ['SubState', u.sub],
    ['FragmentPath', d.path],
    ['UnitFileState', sd.fileState(u)],
    ['UnitFilePreset', d.preset],
    ['ActiveEnterTimestamp', stamp(u.activeEnter)],
    ['ActiveExitTimestamp', stamp(u.activeExit)],
    ['InactiveEnterTimestamp', stamp(u.inactiveEnter)],
    ['InactiveExitTimestamp', stamp(u.inactiveExit)],
    ['CanStart', 'yes'],
    ['CanStop', 'yes'],
    ['CanReload', u.impl?.reload || sd.unitValue(u, 'Service', 'ExecReload') ? 'yes' : 'no'],
    ['Documentation', (d.docs ?? []).join(' ')],
    ['ControlGroup', u.state === 'active' && u.sub === 'running' ? cgroupPath(u) : ''],
  ];
}

// ---- the command ---------------------------------------------------------------------------------

function installMessages(ctx: CmdContext, changes: InstallChange[], quiet: boolean): void {
  if (quiet) return;
  for (const c of changes) {
    if (c.type === 'symlink') ctx.stderr.write(`Created symlink ${c.path} → ${c.target}.\n`);
    else ctx.stderr.write(`Removed "${c.path}".\n`);
  }
}

const STATIC_NOTICE = `The unit files have no installation config (WantedBy=, RequiredBy=, Also=,
Alias= settings in the [Install] section, and DefaultInstance= for template
units). This means they are not meant to be enabled or disabled using systemctl.
 
Possible reasons for having this kind of units are:
• A unit may be statically enabled by being symlinked from another unit's
  .wants/ or .requires/ directory.
• A unit's purpose may be to act as a helper for some other unit which has
  a requirement dependency on it.
• A unit may be started when needed via activation (socket, path, timer,
  D-Bus, udev, scripted systemctl call, ...).
• In case of template units, the unit is meant to be enabled with some
  instance name specified.
`;

function* systemctlMain(ctx: CmdContext): Co<number> {
  const p = parseArgs(ctx, ctx.argv);
  if ('exit' in p) return p.exit;
  const { verb, args, o } = p;
  const host = ctx.host.kernel;
  const sd = host.sd;
  const tty = ctx.stdout.isTty && ctx.tty ? ctx.tty.cols : 0;
  const out = (s: string) => ctx.stdout.write(s);
  const err = (s: string) => ctx.stderr.write(s + '\n');
  const needUnits = (): boolean => {
    if (args.length) return true;
    err('Too few arguments.');
    return false;
  };

  switch (verb) {
    case '--version':
      out(`systemd ${SYSTEMD_VERSION.replace(/-.*/, '')} (${SYSTEMD_VERSION})\n${SYSTEMD_FEATURES}\n`);
      return 0;
    case '--help':
      out(`systemctl [OPTIONS...] COMMAND ...\n\nQuery or send control commands to the system manager.\n\nUnit Commands:\n  list-units [PATTERN...]             List units currently in memory\n  list-unit-files [PATTERN...]        List installed unit files\n  status [PATTERN...|PID...]          Show runtime status of one or more units\n  start UNIT...                       Start (activate) one or more units\n  stop UNIT...                        Stop (deactivate) one or more units\n  reload UNIT...                      Reload one or more units\n  restart UNIT...                     Start or restart one or more units\n  try-restart UNIT...                 Restart one or more units if active\n  reload-or-restart UNIT...           Reload one or more units if possible,\n                                      otherwise start or restart\n  is-active PATTERN...                Check whether units are active\n  is-failed PATTERN...                Check whether units are failed\n  cat PATTERN...                      Show files and drop-ins of specified units\n  show [PATTERN...|JOB...]            Show properties of one or more\n                                      units/jobs or the manager\n\nUnit File Commands:\n  enable [UNIT...|PATH...]            Enable one or more unit files\n  disable UNIT...                     Disable one or more unit files\n  is-enabled UNIT...                  Check whether unit files are enabled\n  mask UNIT...                        Mask one or more units\n  unmask UNIT...                      Unmask one or more units\n\nManager State Commands:\n  daemon-reload                       Reload systemd manager configuration\n\nSystem Commands:\n  reboot                              Shut down and reboot the system\n  poweroff                            Shut down and power-off the system\n  halt                                Shut down and halt the system\n\nSee the systemctl(1) man page for details.\n`);
      return 0;
    case 'list-units':
      return listUnits(ctx, sd, o, args, tty);
    case 'list-unit-files':
      return listUnitFiles(ctx, sd, o, args);
    case 'list-timers': {
      const timers = sd.list().filter((u) => unitType(u.def.name) === 'timer' && u.state === 'active');
      const now = host.now;
      const rows = [['NEXT', 'LEFT', 'LAST', 'PASSED', 'UNIT', 'ACTIVATES']];
      for (const u of timers) {
        const n = nextElapse(u, sd, now);
        rows.push([n === null ? '-' : sdTimestamp(epochOf(ctx, n)), n === null ? '-' : sdRelative(now, n).replace(/ left$/, ''), '-', '-', u.def.name, u.def.name.replace(/\.timer$/, '.service')]);
      }
      out(table(rows, { header: o.legend }) + (o.legend ? `\n${timers.length} timers listed.\nPass --all to see loaded but inactive timers, too.\n` : ''));
      return 0;
    }
    case 'start': case 'restart': case 'try-restart': case 'condrestart': case 'reload-or-restart': case 'force-reload':
    case 'try-reload-or-restart': case 'reload': {
      if (!needUnits()) return 1;
      let rc = 0;
      const jobVerb = verb === 'start' ? 'start' : verb === 'reload' ? 'reload' : verb === 'restart' ? 'restart'
        : verb === 'try-restart' || verb === 'condrestart' ? 'try-restart' : 'reload-or-restart';
      for (const a of args) {
        const name = canonArg(a);
        const u = sd.unit(name);
        const shown = u?.def.name ?? name;
        if (!u) {
          err(`Failed to ${jobVerb} ${shown}: Unit ${shown} not found.`);
          rc = 5;
          continue;
        }
        if (sd.isMasked(u)) {
          err(`Failed to ${jobVerb} ${shown}: Unit ${shown} is masked.`);
          rc = rc || 1;
          continue;
        }
        let r: string | null = null;
        if (verb === 'start') r = sd.start(shown);
        else if (verb === 'restart') r = sd.restart(shown);
        else if (verb === 'try-restart' || verb === 'condrestart') r = u.state === 'active' ? sd.restart(shown) : null;
        else if (verb === 'reload') {
          const canReload = !!sd.unitValue(u, 'Service', 'ExecReload') && !!(u.impl?.reload ?? true);
          if (unitType(shown) === 'service' && !canReload) {
            err(`Failed to reload ${shown}: Job type reload is not applicable for unit ${shown}.`);
            rc = rc || 3;
            continue;
          }
          if (u.state !== 'active') {
            sd.log(shown, 'systemd', 1, `${shown}: Unit cannot be reloaded because it is inactive.`, 4);
            err(`${shown} is not active, cannot reload.`);
            rc = rc || 1;
            continue;
          }
          r = sd.reload(shown);
          if (r === 'unsupported' || r === 'inactive') r = null;
        } else {
          // reload-or-restart and friends: reload when running and reloadable, else (re)start.
          const reloadable = u.state === 'active' && u.impl?.reload && sd.unitValue(u, 'Service', 'ExecReload');
          if (verb === 'try-reload-or-restart' && u.state !== 'active') r = null;
          else r = reloadable ? sd.reload(shown) : sd.restart(shown);
        }
        if (r !== null && r !== 'not-found') {
          err(`Job for ${shown} failed because the control process exited with error code.`);
          err(`See "systemctl status ${shown}" and "journalctl -xeu ${shown}" for details.`);
          rc = rc || 1;
        }
      }
      return rc;
    }
    case 'stop': {
      if (!needUnits()) return 1;
      let rc = 0;
      for (const a of args) {
        const name = canonArg(a);
        const u = sd.unit(name);
        if (!u) { err(`Failed to stop ${name}: Unit ${name} not loaded.`); rc = 5; continue; }
        if (u.def.name === 'auditd.service') {
          err(`Failed to stop auditd.service: Operation refused, unit auditd.service may be requested by dependency only (it is configured to refuse manual start/stop).`);
          err(`See system logs and 'systemctl status auditd.service' for details.`);
          rc = rc || 4;
          continue;
        }
        sd.stop(u.def.name);
      }
      return rc;
    }
    case 'enable': case 'disable': case 'reenable': {
      if (!needUnits()) return 1;
      const names: string[] = [];
      for (const a of args) {
        const name = canonArg(a);
        const u = sd.unit(name);
        if (!u) { err(`Failed to ${verb} unit: Unit file ${name} does not exist.`); return 1; }
        names.push(u.def.name);
      }
      const changes: InstallChange[] = [];
      let isStatic = false;
      for (const n of names) {
        if (verb === 'disable' || verb === 'reenable') {
          const r = sd.disableUnit(n);
          if (r.ok) changes.push(...r.changes);
        }
        if (verb === 'enable' || verb === 'reenable') {
          const r = sd.enableUnit(n);
          if (!r.ok && r.error === 'masked') { err(`Failed to ${verb} unit: Unit file /etc/systemd/system/${n} is masked.`); return 1; }
          if (!r.ok && r.error === 'static') { isStatic = true; continue; }
          if (r.ok) changes.push(...r.changes);
        }
      }
      installMessages(ctx, changes, o.quiet);
      if (changes.length) sd.daemonReload();
      if (isStatic && !o.quiet) ctx.stderr.write(STATIC_NOTICE);
      if (o.now) {
        let rc = 0;
        for (const n of names) {
          if (verb === 'disable') sd.stop(n);
          else {
            const r = verb === 'reenable' ? sd.restart(n) : sd.start(n);
            if (r !== null) {
              err(`Job for ${n} failed because the control process exited with error code.`);
              err(`See "systemctl status ${n}" and "journalctl -xeu ${n}" for details.`);
              rc = 1;
            }
          }
        }
        return rc;
      }
      return 0;
    }
    case 'mask': case 'unmask': {
      if (!needUnits()) return 1;
      const changes: InstallChange[] = [];
      for (const a of args) {
        const name = canonArg(a);
        if (verb === 'mask' && !Systemd.def(name)) { err(`Failed to mask unit: Unit file ${name} does not exist.`); return 1; }
        const r = verb === 'mask' ? sd.maskUnit(name) : sd.unmaskUnit(name);
        if (r.ok) changes.push(...r.changes);
      }
      installMessages(ctx, changes, o.quiet);
      if (changes.length) sd.daemonReload();
      if (o.now && verb === 'mask') for (const a of args) sd.stop(canonArg(a));
      return 0;
    }
    case 'status': {
      if (!args.length) {
        out(systemStatus(ctx, sd));
        return 0;
      }
      let rc = 0;
      let first = true;
      let ellipsized = false;
      for (const a of args) {
        let u: UnitRuntime | undefined;
        if (/^\d+$/.test(a)) u = sd.list().find((x) => x.pid === Number(a) || x.workers.includes(Number(a)));
        else if (/[*?[]/.test(a)) {
          const re = glob(a);
          for (const x of sd.list().filter((y) => re.test(y.def.name) && y.state !== 'inactive')) {
            if (!first) out('\n');
            const s = statusOf(ctx, sd, x, o, tty);
            out(s.text);
            ellipsized ||= s.ellipsized;
            first = false;
          }
          continue;
        } else u = sd.unit(canonArg(a));
        if (!u) {
          if (/^\d+$/.test(a)) err(`Failed to get unit for PID ${a}: PID ${a} does not belong to any loaded unit.`);
          else err(`Unit ${canonArg(a)} could not be found.`);
          rc = 4;
          continue;
        }
        if (!first) out('\n');
        first = false;
        const s = statusOf(ctx, sd, u, o, tty);
        out(s.text);
        ellipsized ||= s.ellipsized;
        if (u.state !== 'active' && u.state !== 'reloading' && rc === 0) rc = 3;
      }
      if (ellipsized && !o.quiet) out('Hint: Some lines were ellipsized, use -l to show in full.\n');
      return rc;
    }
    case 'is-active': case 'is-failed': {
      if (!needUnits()) return 1;
      let ok = false;
      for (const a of args) {
        const u = sd.unit(canonArg(a));
        const st = u?.state ?? 'inactive';
        if (!o.quiet) out(st + '\n');
        if (verb === 'is-active' ? st === 'active' || st === 'reloading' : st === 'failed') ok = true;
      }
      return ok ? 0 : verb === 'is-active' ? 3 : 1;
    }
    case 'is-enabled': {
      if (!needUnits()) return 1;
      let ok = false;
      for (const a of args) {
        const name = canonArg(a);
        const u = sd.unit(name);
        if (!u) { err(`Failed to get unit file state for ${name}: No such file or directory`); return 1; }
        const st = sd.fileState(u);
        if (!o.quiet) out(st + '\n');
        if (st === 'enabled' || st === 'static' || st === 'alias' || st === 'indirect') ok = true;
      }
      return ok ? 0 : 1;
    }
    case 'cat': {
      if (!needUnits()) return 1;
      let rc = 0;
      let first = true;
      for (const a of args) {
        const name = canonArg(a);
        const u = sd.unit(name);
        if (!u || (!sd.hasUnitFile(u) && !sd.isMasked(u))) { err(`No files found for ${name}.`); rc = 1; continue; }
        if (sd.isMasked(u)) { err(`Unit ${u.def.name} is masked.`); rc = 1; continue; }
        if (!first) out('\n');
        first = false;
        const text = sd.unitFileText(u);
        out(`# ${u.def.path}\n${text}${text.endsWith('\n') ? '' : '\n'}`);
        for (const f of sd.dropIns(u)) {
          let t = '';
          try { t = ctx.fs.readFile(f); } catch { continue; }
          out(`\n# ${f}\n${t}${t.endsWith('\n') || !t ? '' : '\n'}`);
        }
      }
      return rc;
    }
    case 'show': {
      const targets = args.length ? args : [''];
      let first = true;
      for (const a of targets) {
        if (!first) out('\n');
        first = false;
        let props: [string, string][];
        if (!a) {
          props = [['Version', SYSTEMD_VERSION], ['Features', SYSTEMD_FEATURES], ['Architecture', 'x86-64'], ['Virtualization', 'vmware'],
            ['SystemState', 'running'], ['DefaultTasksMax', String(TASKS_LIMIT)], ['NNames', String(sd.list().length)]];
        } else {
          const name = canonArg(a);
          props = showProps(ctx, sd, name, sd.unit(name));
        }
        const want = o.props;
        for (const [k, v] of props) {
          if (want.length && !want.includes(k)) continue;
          if (!want.length && !o.all && v === '') continue;
          out(o.value ? `${v}\n` : `${k}=${v}\n`);
        }
      }
      return 0;
    }
    case 'daemon-reload': case 'daemon-reexec':
      if (args.length) { err('Too many arguments.'); return 1; }
      sd.daemonReload();
      return 0;
    case 'reset-failed':
      if (args.length) for (const a of args) sd.resetFailed(canonArg(a)); else sd.resetFailed();
      return 0;
    case 'get-default':
      out('multi-user.target\n');
      return 0;
    case 'is-system-running': {
      const failed = sd.list().some((u) => u.state === 'failed');
      if (!o.quiet) out(failed ? 'degraded\n' : 'running\n');
      return failed ? 1 : 0;
    }
    case 'reboot': case 'poweroff': case 'halt':
      return yield* powerCommand(ctx, verb, []);
    default:
      err(`Unknown command verb ${verb}.`);
      return 1;
  }
}

/** `systemctl status` without units: the machine's state and its cgroup tree. */
function systemStatus(ctx: CmdContext, sd: Systemd): string {
  const now = ctx.host.now();
  const units = sd.list();
  const failed = units.filter((u) => u.state === 'failed').length;
  const lines = [
    `● ${ctx.host.hostname}`,
    `    State: ${failed ? 'degraded' : 'running'}`,
    `    Units: ${units.length} loaded (incl. loaded aliases)`,
    '     Jobs: 0 queued',
    `   Failed: ${failed} units`,
    `    Since: ${sdTimestamp(epochOf(ctx, sd.bootTime))}; ${sdRelative(now, sd.bootTime)}`,
    `  systemd: ${SYSTEMD_VERSION}`,
    '   CGroup: /',
    '           ├─init.scope',
    '           │ └─1 /usr/lib/systemd/systemd --switched-root --system --deserialize 31',
    '           └─system.slice',
  ];
  const running = units.filter((u) => u.state === 'active' && u.sub === 'running' && u.pid > 0);
  running.forEach((u, i) => {
    const lastU = i === running.length - 1;
    lines.push(`             ${lastU ? '└─' : '├─'}${u.def.name}`);
    const procs = [u.pid, ...u.workers];
    procs.forEach((pid, k) => lines.push(`             ${lastU ? '  ' : '│ '}${k === procs.length - 1 ? '└─' : '├─'}${pid} ${u.def.exec}`));
  });
  return lines.join('\n') + '\n';
}

export const systemctl: Command = {
  name: 'systemctl',
  pkg: 'systemd',
  run: systemctlMain,
};
