/**
 * journalctl (systemd 252) and dmesg (util-linux 2.37) over the host's journal
 * (core/services/systemd.ts): -u UNIT (several, globs), -k/--dmesg, -b [±N|ID], --list-boots,
 * -n N / -e / -f (prints the tail and returns: the lab has no "follow" that never ends), -r,
 * -x (catalog explanations), -p PRIORITY[..PRIORITY], -t IDENT, -g PATTERN, --since/--until
 * (absolute dates, today/yesterday/now, "-5min", "5 min ago"), -o short|short-iso|
 * short-precise|short-monotonic|short-unix|cat|with-unit, --no-pager, -q, FIELD=VALUE matches.
 * Output is journalctl's: "-- Boot ID --" between boots, "-- No entries --" when nothing.
 */
import { USERSPACE_MONO, type JournalEntry, type Systemd } from '../../core/services/systemd.ts';
import type { CmdContext, Co, Command } from '../types.ts';
import { JOURNAL_OUTPUTS, catalogText, epochOf, journalLine, sdTimestamp, type JournalOutput } from './sysfmt.ts';
import { strftime } from './util.ts';

const PRIORITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

function parsePriority(s: string): [number, number] | null {
  const one = (x: string): number | null => {
    if (/^[0-7]$/.test(x)) return Number(x);
    const i = PRIORITIES.indexOf(x.toLowerCase());
    return i < 0 ? null : i;
  };
  const m = s.split('..');
  if (m.length === 2) {
    const a = m[0] ? one(m[0]) : 0, b = m[1] ? one(m[1]) : 7;
    if (a === null || b === null) return null;
    return [Math.min(a, b), Math.max(a, b)];
  }
  const p = one(s);
  return p === null ? null : [0, p];
}

const SPAN_UNITS: [RegExp, number][] = [
  [/^(us|usec|µs)$/, 1], [/^(ms|msec)$/, 1e3], [/^(s|sec|secs|second|seconds)$/, 1e6], [/^(m|min|mins|minute|minutes)$/, 60e6],
  [/^(h|hr|hrs|hour|hours)$/, 3600e6], [/^(d|day|days)$/, 86400e6], [/^(w|week|weeks)$/, 604800e6],
  [/^(M|month|months)$/, 2629800e6], [/^(y|year|years)$/, 31557600e6],
];

/** parse_sec(): "5min", "1h 30min", "90" (seconds). µs or null. */
export function parseTimespan(s: string): number | null {
  const t = s.trim();
  if (!t) return null;
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1e6);
  let total = 0;
  const re = /\s*(\d+(?:\.\d+)?)\s*([a-zA-Zµ]+)/y;
  let pos = 0;
  while (pos < t.length) {
    re.lastIndex = pos;
    const m = re.exec(t);
    if (!m) return null;
    const unit = SPAN_UNITS.find(([r]) => r.test(m[2]));
    if (!unit) return null;
    total += Number(m[1]) * unit[1];
    pos = re.lastIndex;
    while (t[pos] === ' ') pos++;
  }
  return Math.round(total);
}

/** parse_timestamp() for the forms students type; returns epoch µs or null. */
export function parseTimestamp(s: string, nowEpochUs: number): number | null {
  const t = s.trim();
  const day = Math.floor(nowEpochUs / 86400e6) * 86400e6;
  switch (t) {
    case 'now': return nowEpochUs;
    case 'today': return day;
    case 'yesterday': return day - 86400e6;
    case 'tomorrow': return day + 86400e6;
    default: break;
  }
  if (t.startsWith('-') || t.startsWith('+')) {
    const span = parseTimespan(t.slice(1));
    return span === null ? null : nowEpochUs + (t[0] === '-' ? -span : span);
  }
  if (/ ago$/.test(t)) {
    const span = parseTimespan(t.replace(/ ago$/, ''));
    return span === null ? null : nowEpochUs - span;
  }
  if (/ left$/.test(t)) {
    const span = parseTimespan(t.replace(/ left$/, ''));
    return span === null ? null : nowEpochUs + span;
  }
  let m = /^(?:[A-Za-z]{3} )?(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?(?: UTC)?$/.exec(t);
  if (m) {
    const [, y, mo, d, hh, mi, ss] = m;
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(hh ?? 0), Number(mi ?? 0), Number(ss ?? 0));
    if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31 || Number(hh ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(ss ?? 0) > 60) return null;
    return ms * 1000;
  }
  m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  if (m) {
    const [, hh, mi, ss] = m;
    if (Number(hh) > 23 || Number(mi) > 59 || Number(ss ?? 0) > 60) return null;
    return day + (Number(hh) * 3600 + Number(mi) * 60 + Number(ss ?? 0)) * 1e6;
  }
  return null;
}

function glob(p: string): RegExp {
  return new RegExp('^' + p.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
}

interface JOpts {
  units: string[];
  idents: string[];
  matches: [string, string][];
  kernel: boolean;
  boot: string | null;
  lines: number | null;
  end: boolean;
  follow: boolean;
  reverse: boolean;
  catalog: boolean;
  output: JournalOutput;
  prio: [number, number] | null;
  since: number | null;
  until: number | null;
  grep: RegExp | null;
  quiet: boolean;
  listBoots: boolean;
  noHostname: boolean;
  utc: boolean;
}

function* journalctlMain(ctx: CmdContext): Co<number> {
  const sd = ctx.host.kernel.sd;
  const nowEpochUs = ctx.host.kernel.net.epochUs + ctx.host.now();
  const o: JOpts = {
    units: [], idents: [], matches: [], kernel: false, boot: null, lines: null, end: false, follow: false, reverse: false,
    catalog: false, output: 'short', prio: null, since: null, until: null, grep: null, quiet: false, listBoots: false, noHostname: false, utc: false,
  };
  const err = (m: string): number => { ctx.stderr.write(m + '\n'); return 1; };
  const argv = ctx.argv;
  const withArg = new Set(['u', 'unit', 'n', 'lines', 'o', 'output', 'p', 'priority', 'S', 'since', 'U', 'until', 't', 'identifier', 'g', 'grep', 'b', 'boot', 'D', 'directory', 'M', 'machine', 'field', 'F', 'cursor', 'c', 'after-cursor', 'facility']);
  const optional = new Set(['b', 'boot', 'n', 'lines']);
  const longs = new Set(['unit', 'lines', 'output', 'priority', 'since', 'until', 'identifier', 'grep', 'boot', 'directory', 'machine', 'field', 'cursor', 'after-cursor',
    'facility', 'dmesg', 'pager-end', 'follow', 'reverse', 'catalog', 'no-pager', 'quiet', 'list-boots', 'no-hostname', 'utc', 'full', 'all', 'no-full',
    'merge', 'system', 'user', 'version', 'help', 'no-tail', 'case-sensitive', 'disk-usage', 'header', 'verify', 'flush', 'sync', 'rotate', 'vacuum-size', 'vacuum-time', 'vacuum-files']);
  const apply = (k: string, v: string | undefined): number | null => {
    switch (k) {
      case 'u': case 'unit': o.units.push(v!); break;
      case 't': case 'identifier': o.idents.push(v!); break;
      case 'k': case 'dmesg': o.kernel = true; if (o.boot === null) o.boot = '0'; break;
      case 'b': case 'boot': o.boot = v ?? '0'; break;
      case 'n': case 'lines': {
        if (v === undefined) { o.lines = 10; break; }
        if (v === 'all') { o.lines = Infinity; break; }
        if (!/^\+?\d+$/.test(v)) return err(`Failed to parse lines '${v}'`);
        o.lines = Number(v.replace('+', ''));
        break;
      }
      case 'e': case 'pager-end': o.end = true; break;
      case 'f': case 'follow': o.follow = true; break;
      case 'r': case 'reverse': o.reverse = true; break;
      case 'x': case 'catalog': o.catalog = true; break;
      case 'q': case 'quiet': o.quiet = true; break;
      case 'o': case 'output':
        if (!JOURNAL_OUTPUTS.includes(v as JournalOutput)) return err(`Unknown output format '${v}'.`);
        o.output = v as JournalOutput;
        break;
      case 'p': case 'priority': {
        const p = parsePriority(v!);
        if (!p) return err(`Failed to parse log level range ${v}`);
        o.prio = p;
        break;
      }
      case 'S': case 'since': case 'U': case 'until': {
        const ts = parseTimestamp(v!, nowEpochUs);
        if (ts === null) return err(`Failed to parse timestamp: ${v}`);
        if (k === 'S' || k === 'since') o.since = ts; else o.until = ts;
        break;
      }
      case 'g': case 'grep':
        try { o.grep = new RegExp(v!, /[A-Z]/.test(v!) ? '' : 'i'); } catch { return err(`Bad pattern "${v}": unmatched parentheses`); }
        break;
      case 'list-boots': o.listBoots = true; break;
      case 'no-hostname': o.noHostname = true; break;
      case 'utc': o.utc = true; break;
      case 'version': ctx.stdout.write('systemd 252 (252-32.el9_4)\n'); return 0;
      case 'help': case 'h': ctx.stdout.write('journalctl [OPTIONS...] [MATCHES...]\n\nQuery the journal.\n\nSee the journalctl(1) man page for details.\n'); return 0;
      case 'D': case 'directory': case 'M': case 'machine': return err('No journal files were found.');
      default: break;
    }
    return null;
  };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      if (!longs.has(name)) return err(`journalctl: unrecognized option '${a}'`);
      let v: string | undefined;
      if (withArg.has(name)) {
        if (eq >= 0) v = a.slice(eq + 1);
        else if (optional.has(name)) v = i + 1 < argv.length && /^[+-]?\d+$|^[0-9a-f]{32}$|^all$/.test(argv[i + 1]) ? argv[++i] : undefined;
        else if (i + 1 < argv.length) v = argv[++i];
        else return err(`journalctl: option '--${name}' requires an argument`);
      }
      const r = apply(name, v);
      if (r !== null) return r;
      continue;
    }
    if (a.length > 1 && a[0] === '-' && a !== '--') {
      for (let j = 1; j < a.length; j++) {
        const c = a[j];
        if (withArg.has(c)) {
          let v: string | undefined;
          if (j + 1 < a.length) v = a.slice(j + 1);
          else if (optional.has(c)) v = i + 1 < argv.length && /^[+-]?\d+$|^[0-9a-f]{32}$|^all$/.test(argv[i + 1]) ? argv[++i] : undefined;
          else if (i + 1 < argv.length) v = argv[++i];
          else return err(`journalctl: option requires an argument -- '${c}'`);
          const r = apply(c, v);
          if (r !== null) return r;
          break;
        }
        if (!'kefrxqamlNh'.includes(c)) return err(`journalctl: invalid option -- '${c}'`);
        const r = apply(c, undefined);
        if (r !== null) return r;
      }
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0 && /^[A-Z_]+$/.test(a.slice(0, eq))) { o.matches.push([a.slice(0, eq), a.slice(eq + 1)]); continue; }
    if (a.startsWith('/')) { o.matches.push(['_EXE', a]); continue; }
    return err(`Failed to add match '${a}': Invalid argument`);
  }

  if (o.listBoots) {
    const rows: string[] = [];
    const boots = [...new Set(sd.journal.map((e) => e.boot))];
    const idxW = Math.max(3, String(-(boots.length - 1)).length);
    rows.push(`${'IDX'.padStart(idxW)} BOOT ID                          FIRST ENTRY                 LAST ENTRY`);
    for (const b of boots) {
      const es = sd.journal.filter((e) => e.boot === b);
      const idx = b - sd.bootCount;
      rows.push(`${String(idx).padStart(idxW)} ${sd.bootId(b)} ${sdTimestamp(epochOf(ctx, es[0].time))} ${sdTimestamp(epochOf(ctx, es[es.length - 1].time))}`);
    }
    ctx.stdout.write(rows.join('\n') + '\n');
    return 0;
  }

  let bootNo: number | null = null;
  if (o.boot !== null) {
    const b = o.boot;
    if (b === 'all') bootNo = null;
    else if (/^[0-9a-f]{32}$/.test(b)) {
      const i = sd.bootIds.indexOf(b);
      if (i < 0) return err(`Data from the specified boot (${b}) is not available: No such boot ID in journal`);
      bootNo = i + 1;
    } else if (/^[+-]?\d+$/.test(b)) {
      const n = Number(b);
      bootNo = n <= 0 ? sd.bootCount + n : n;
      if (bootNo < 1 || bootNo > sd.bootCount || !sd.journal.some((e) => e.boot === bootNo)) {
        return err(`Data from the specified boot (${n >= 0 ? '+' + n : n}) is not available: No such boot ID in journal`);
      }
    } else return err(`Failed to parse boot descriptor '${b}'`);
  }

  let entries = selectEntries(sd, o, bootNo, ctx);
  const lines = o.lines ?? (o.end ? 1000 : o.follow ? 10 : Infinity);
  if (lines !== Infinity) entries = lines === 0 ? [] : entries.slice(-lines);
  if (o.reverse) entries = [...entries].reverse();

  let text = '';
  let prevBoot: number | null = null;
  const bootTimes = new Map<number, number>();
  for (const e of sd.journal) if (e.ident === 'kernel' && e.mono === 0 && !bootTimes.has(e.boot)) bootTimes.set(e.boot, e.time);
  for (const e of entries) {
    if (!o.quiet && prevBoot !== null && e.boot !== prevBoot) text += `-- Boot ${sd.bootId(e.boot)} --\n`;
    prevBoot = e.boot;
    text += journalLine(ctx, e, o.output, bootTimes.get(e.boot) ?? 0, { noHostname: o.noHostname }) + '\n';
    if (o.catalog) {
      const c = catalogText(e);
      if (c) text += c + '\n';
    }
  }
  if (!entries.length && !o.quiet) text += '-- No entries --\n';
  ctx.stdout.write(text);
  return 0;
}

function selectEntries(sd: Systemd, o: JOpts, bootNo: number | null, ctx: CmdContext): JournalEntry[] {
  const epochUs = ctx.host.kernel.net.epochUs;
  const units = o.units.map((u) => (/[*?[]/.test(u) ? glob(u) : null) ?? new RegExp(`^${(u.includes('.') ? u : `${u}.service`).replace(/[.+^${}()|\\]/g, '\\$&')}$`));
  return sd.journal.filter((e) => {
    if (bootNo !== null && e.boot !== bootNo) return false;
    if (o.kernel && e.ident !== 'kernel') return false;
    if (units.length && !units.some((r) => r.test(e.unit))) return false;
    if (o.idents.length && !o.idents.includes(e.ident)) return false;
    if (o.prio && (e.priority < o.prio[0] || e.priority > o.prio[1])) return false;
    const t = epochUs + e.time;
    if (o.since !== null && t < o.since) return false;
    if (o.until !== null && t > o.until) return false;
    if (o.grep && !o.grep.test(e.msg)) return false;
    for (const [k, v] of o.matches) {
      if (k === '_SYSTEMD_UNIT' || k === 'UNIT') { if (e.unit !== v) return false; }
      else if (k === '_PID') { if (String(e.pid) !== v) return false; }
      else if (k === 'SYSLOG_IDENTIFIER') { if (e.ident !== v) return false; }
      else if (k === 'PRIORITY') { if (String(e.priority) !== v) return false; }
      else if (k === '_TRANSPORT') { if ((e.ident === 'kernel' ? 'kernel' : 'journal') !== v) return false; }
      else if (k === '_HOSTNAME') { if (e.hostname !== v) return false; }
      else if (k === '_BOOT_ID') { if (sd.bootId(e.boot) !== v) return false; }
      else if (k === '_EXE' || k === '_COMM') { if (!v.endsWith(e.ident)) return false; }
      else return false;
    }
    return true;
  });
}

// ---- dmesg ---------------------------------------------------------------------------------------

const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];
const CLEARED = new WeakMap<Systemd, number>();

function* dmesgMain(ctx: CmdContext): Co<number> {
  const sd = ctx.host.kernel.sd;
  let human = false;
  let clear = false;
  let readClear = false;
  let decode = false;
  let levels: number[] | null = null;
  let noTime = false;
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '-T' || a === '--ctime') human = true;
    else if (a === '-C' || a === '--clear') clear = true;
    else if (a === '-c' || a === '--read-clear') readClear = true;
    else if (a === '-x' || a === '--decode') decode = true;
    else if (a === '-t' || a === '--notime') noTime = true;
    else if (a === '-H' || a === '--human' || a === '-L' || a === '--color' || a === '-k' || a === '--kernel' || a === '-w' || a === '--follow'
      || a === '-W' || a === '--follow-new' || a === '-P' || a === '--nopager' || a === '-e' || a === '--reltime') { /* accepted */ }
    else if (a === '-l' || a === '--level' || a.startsWith('--level=')) {
      const v = a.startsWith('--level=') ? a.slice(8) : args[++i];
      if (v === undefined) { ctx.stderr.write(`dmesg: option requires an argument -- 'l'\nTry 'dmesg --help' for more information.\n`); return 1; }
      levels = [];
      for (const l of v.split(',')) {
        const k = LEVELS.indexOf(l);
        if (k < 0) { ctx.stderr.write(`dmesg: unknown level '${l}'\n`); return 1; }
        levels.push(k);
      }
    } else if (a === '-h' || a === '--help') {
      ctx.stdout.write('\nUsage:\n dmesg [options]\n\nDisplay or control the kernel ring buffer.\n\nFor more details see dmesg(1).\n');
      return 0;
    } else if (a === '-V' || a === '--version') { ctx.stdout.write('dmesg from util-linux 2.37.4\n'); return 0; }
    else if (a.startsWith('--')) { ctx.stderr.write(`dmesg: unrecognized option '${a}'\nTry 'dmesg --help' for more information.\n`); return 1; }
    else { ctx.stderr.write(`dmesg: invalid option -- '${a.slice(1, 2) || a}'\nTry 'dmesg --help' for more information.\n`); return 1; }
  }
  const from = CLEARED.get(sd) ?? 0;
  if (clear) { CLEARED.set(sd, sd.nextSeq); return 0; }
  const entries = sd.journal.filter((e) => e.ident === 'kernel' && e.boot === sd.bootCount && e.seq >= from
    && (levels === null || levels.includes(e.priority)));
  let text = '';
  const bootEpochUs = ctx.host.kernel.net.epochUs + sd.bootTime - USERSPACE_MONO;
  for (const e of entries) {
    const mono = e.mono ?? Math.max(0, e.time - sd.bootTime) + USERSPACE_MONO;
    const prefix = decode ? `kern  :${LEVELS[e.priority].padEnd(6)}: ` : '';
    const ts = noTime ? '' : human
      ? `[${strftime('%a %b %e %H:%M:%S %Y', Math.floor((bootEpochUs + mono) / 1e6))}] `
      : `[${String(Math.floor(mono / 1e6)).padStart(5)}.${String(Math.floor(mono % 1e6)).padStart(6, '0')}] `;
    text += `${prefix}${ts}${e.msg}\n`;
  }
  ctx.stdout.write(text);
  if (readClear) CLEARED.set(sd, sd.nextSeq);
  return 0;
}

export const journalctl: Command = { name: 'journalctl', pkg: 'systemd', run: journalctlMain };
export const dmesg: Command = { name: 'dmesg', pkg: 'util-linux', run: dmesgMain };
