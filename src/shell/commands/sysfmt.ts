/**
 * Formatting shared by the system-administration commands, ported from the tools' sources so
 * the texts match RHEL 9: systemd 252's timestamps, relative times, byte sizes and journal
 * lines (src/basic/time-util.c, format-util.c, src/shared/logs-show.c), and dnf 4.14's
 * column layout and number format (dnf/cli/output.py, dnf/cli/format.py, dnf/i18n.py).
 * Everything is in UTC, the lab's time zone.
 */
import type { JournalEntry } from '../../core/services/systemd.ts';
import { USERSPACE_MONO, formatTimespan } from '../../core/services/systemd.ts';
import type { CmdContext } from '../types.ts';
import { strftime } from './util.ts';

export { formatTimespan };

/** Seconds since the epoch of a virtual time (µs since the lab started). */
export function epochOf(ctx: CmdContext, us: number): number {
  return Math.floor((ctx.host.kernel.net.epochUs + us) / 1_000_000);
}

/** "Tue 2024-05-14 08:00:00 UTC" (systemd's FORMAT_TIMESTAMP). */
export function sdTimestamp(epochS: number): string {
  return strftime('%a %Y-%m-%d %H:%M:%S UTC', epochS);
}

const USEC_PER_MINUTE = 60e6;
const USEC_PER_HOUR = 3600e6;
const USEC_PER_DAY = 86400e6;
const USEC_PER_WEEK = 7 * USEC_PER_DAY;
const USEC_PER_MONTH = 2629800e6;
const USEC_PER_YEAR = 31557600e6;

/** format_timestamp_relative() of systemd 252: "5min ago", "1h 2min ago", "2s ago", "3h left". */
export function sdRelative(nowUs: number, thenUs: number): string {
  let d: number;
  let s: string;
  if (nowUs > thenUs) { d = nowUs - thenUs; s = 'ago'; } else { d = thenUs - nowUs; s = 'left'; }
  const f = Math.floor;
  const pl = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  if (d >= USEC_PER_YEAR) return `${pl(f(d / USEC_PER_YEAR), 'year', 'years')} ${pl(f((d % USEC_PER_YEAR) / USEC_PER_MONTH), 'month', 'months')} ${s}`;
  if (d >= USEC_PER_MONTH) return `${pl(f(d / USEC_PER_MONTH), 'month', 'months')} ${pl(f((d % USEC_PER_MONTH) / USEC_PER_DAY), 'day', 'days')} ${s}`;
  if (d >= USEC_PER_WEEK) return `${pl(f(d / USEC_PER_WEEK), 'week', 'weeks')} ${pl(f((d % USEC_PER_WEEK) / USEC_PER_DAY), 'day', 'days')} ${s}`;
  if (d >= 2 * USEC_PER_DAY) return `${f(d / USEC_PER_DAY)} days ${s}`;
  if (d >= 25 * USEC_PER_HOUR) return `1 day ${f((d - USEC_PER_DAY) / USEC_PER_HOUR)}h ${s}`;
  if (d >= 6 * USEC_PER_HOUR) return `${f(d / USEC_PER_HOUR)}h ${s}`;
  if (d >= USEC_PER_HOUR) return `${f(d / USEC_PER_HOUR)}h ${f((d % USEC_PER_HOUR) / USEC_PER_MINUTE)}min ${s}`;
  if (d >= 5 * USEC_PER_MINUTE) return `${f(d / USEC_PER_MINUTE)}min ${s}`;
  if (d >= USEC_PER_MINUTE) return `${f(d / USEC_PER_MINUTE)}min ${f((d % USEC_PER_MINUTE) / 1e6)}s ${s}`;
  if (d >= 1e6) return `${f(d / 1e6)}s ${s}`;
  if (d >= 1000) return `${f(d / 1000)}ms ${s}`;
  if (d > 0) return `${d}us ${s}`;
  return 'now';
}

/** format_bytes() of systemd (IEC, one decimal): "39.6M", "4.0K", "512B". */
export function sdBytes(t: number): string {
  const units: [string, number][] = [['E', 1024 ** 6], ['P', 1024 ** 5], ['T', 1024 ** 4], ['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]];
  t = Math.floor(t);
  for (let i = 0; i < units.length; i++) {
    const [suf, factor] = units[i];
    if (t >= factor) {
      const dec = i !== units.length - 1
        ? Math.floor(Math.floor(t / units[i + 1][1]) * 10 / 1024) % 10
        : Math.floor(t * 10 / factor) % 10;
      return `${Math.floor(t / factor)}.${dec}${suf}`;
    }
  }
  return `${t}B`;
}

// ---- journal lines ---------------------------------------------------------------------------

export type JournalOutput = 'short' | 'short-iso' | 'short-precise' | 'short-monotonic' | 'short-unix' | 'cat' | 'with-unit' | 'verbose' | 'json';
export const JOURNAL_OUTPUTS: readonly JournalOutput[] = ['short', 'short-iso', 'short-precise', 'short-monotonic', 'short-unix', 'cat', 'with-unit', 'verbose', 'json'];

/** One journal entry as journalctl prints it (systemd 252 output_short()). */
export function journalLine(ctx: CmdContext, e: JournalEntry, mode: JournalOutput = 'short', bootTime = 0, opts: { noHostname?: boolean } = {}): string {
  const epochUs = ctx.host.kernel.net.epochUs + e.time;
  const sec = Math.floor(epochUs / 1e6);
  const ident = e.pid > 0 ? `${e.ident}[${e.pid}]` : e.ident;
  const host = opts.noHostname ? '' : ` ${e.hostname}`;
  switch (mode) {
    case 'cat': return e.msg;
    case 'short-iso': return `${strftime('%Y-%m-%dT%H:%M:%S%z', sec)}${host} ${ident}: ${e.msg}`;
    case 'short-precise': return `${strftime('%b %d %H:%M:%S', sec)}.${String(Math.floor(epochUs % 1e6)).padStart(6, '0')}${host} ${ident}: ${e.msg}`;
    case 'short-unix': return `${sec}.${String(Math.floor(epochUs % 1e6)).padStart(6, '0')}${host} ${ident}: ${e.msg}`;
    case 'short-monotonic': {
      const mono = e.mono ?? Math.max(0, e.time - bootTime) + USERSPACE_MONO;
      return `[${String(Math.floor(mono / 1e6)).padStart(5)}.${String(Math.floor(mono % 1e6)).padStart(6, '0')}]${host} ${ident}: ${e.msg}`;
    }
    case 'with-unit': {
      const who = e.unit && e.ident !== 'systemd' ? `${e.unit}[${e.pid}]` : ident;
      return `${strftime('%a %Y-%m-%d %H:%M:%S UTC', sec)}${host} ${who}: ${e.msg}`;
    }
    default: return `${strftime('%b %d %H:%M:%S', sec)}${host} ${ident}: ${e.msg}`;
  }
}

const CATALOG_SUPPORT = 'https://access.redhat.com/support';

/** The catalog text journalctl -x adds under an entry (catalog/systemd.catalog.in), with its ░░ prefix. */
export function catalogText(e: JournalEntry): string | null {
  const c = e.catalog;
  if (!c) return null;
  const unit = e.unit;
  const job = c.jobId ?? 0;
  let subject: string;
  let body: string[];
  switch (c.id) {
    case 'start': subject = `A start job for unit ${unit} has begun execution`; body = [`A start job for unit ${unit} has begun execution.`, '', `The job identifier is ${job}.`]; break;
    case 'started': subject = `A start job for unit ${unit} has finished successfully`; body = [`A start job for unit ${unit} has finished successfully.`, '', `The job identifier is ${job}.`]; break;
    case 'start-failed': subject = `A start job for unit ${unit} has failed`; body = [`A start job for unit ${unit} has finished with a failure.`, '', `The job identifier is ${job} and the job result is ${c.result ?? 'failed'}.`]; break;
    case 'stop': subject = `A stop job for unit ${unit} has begun execution`; body = [`A stop job for unit ${unit} has begun execution.`, '', `The job identifier is ${job}.`]; break;
    case 'stopped': subject = `A stop job for unit ${unit} has finished`; body = [`A stop job for unit ${unit} has finished.`, '', `The job identifier is ${job} and the job result is ${c.result ?? 'done'}.`]; break;
    case 'reload': subject = `A reload job for unit ${unit} has begun execution`; body = [`A reload job for unit ${unit} has begun execution.`, '', `The job identifier is ${job}.`]; break;
    case 'reloaded': subject = `A reload job for unit ${unit} has finished`; body = [`A reload job for unit ${unit} has finished.`, '', `The job identifier is ${job} and the job result is ${c.result ?? 'done'}.`]; break;
    case 'exited': subject = 'Unit process exited'; body = [`An ExecStart= process belonging to unit ${unit} has exited.`, '', `The process' exit code is '${c.exitCode ?? 'exited'}' and its exit status is ${c.exitStatus ?? '1'}.`]; break;
    case 'failed': subject = 'Unit failed'; body = [`The unit ${unit} has entered the 'failed' state with result '${c.result ?? 'exit-code'}'.`]; break;
    case 'success': subject = 'Unit succeeded'; body = [`The unit ${unit} has successfully entered the 'dead' state.`]; break;
    case 'resources': subject = 'Resources consumed by unit runtime'; body = [`The unit ${unit} completed and consumed the indicated resources.`]; break;
    default: return null;
  }
  const lines = [`Subject: ${subject}`, 'Defined-By: systemd', `Support: ${CATALOG_SUPPORT}`, '', ...body];
  return lines.map((l) => `░░ ${l}`).join('\n');
}

/** Cut a line to `cols` display columns with systemd's ellipsis. */
export function ellipsize(s: string, cols: number): string {
  if (cols <= 0 || [...s].length <= cols) return s;
  return [...s].slice(0, Math.max(0, cols - 1)).join('') + '…';
}

// ---- dnf's columns and numbers ----------------------------------------------------------------

/** format_number() of dnf (dnf/cli/format.py): 1024-based, "54 k", "1.4 M", "512  ". */
export function dnfNumber(n: number, isInt = false): string {
  const symbols = [' ', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
  let depth = 0;
  let x = n;
  let integer = isInt;
  while (x > 999 && depth < symbols.length - 1) { depth++; x /= 1024; integer = false; }
  let num: string;
  if (integer) num = String(Math.trunc(x));
  else if (x < 9.95) num = pyRound(x, 1);
  else num = pyRound(x, 0);
  return `${num} ${symbols[depth]}`;
}

/** Python's %.Nf: exact ties go to the even neighbour (JavaScript's toFixed rounds them up). */
function pyRound(x: number, digits: number): string {
  const m = 10 ** digits;
  const y = x * m;
  const fl = Math.floor(y);
  const r = y - fl === 0.5 ? (fl % 2 === 0 ? fl : fl + 1) : Math.round(y);
  return (r / m).toFixed(digits);
}

/** format_time() of dnf: "00:02" (or hours). */
export function dnfTime(seconds: number): string {
  const s = Math.floor(seconds);
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** dnf's calcColumns() (dnf/cli/output.py): column widths for rows whose lengths are counted in `data`. */
export function calcColumns(data: Map<number, number>[], opts: { columns?: number[]; remainder?: number; totalWidth?: number | null; indent?: string; termColumns?: number } = {}): number[] {
  let cols = data.length;
  const sorted = data.map((d) => [...d.entries()].sort((a, b) => a[0] - b[0]));
  const columns = opts.columns ? [...opts.columns] : [...Array(cols - 1).fill(1), 0];
  const indent = opts.indent ?? '';
  const remainder = opts.remainder ?? 0;
  let total = opts.totalWidth ?? null;
  if (!total) {
    // Not a terminal: avoid splitting lines, keep to 80 columns when everything fits.
    const full: number[] = [];
    for (let d = 0; d < cols; d++) {
      const col = sorted[d];
      full.push(col.length ? col[col.length - 1][0] : columns[d] + 1);
    }
    full[0] += indent.length;
    const def = opts.termColumns ?? 80;
    if (full.reduce((a, b) => a + b, 0) > def) return full;
    total = def;
  }
  total -= columns.reduce((a, b) => a + b, 0) + (cols - 1) + indent.length;
  if (!columns[columns.length - 1]) total += 1;
  const helpsFor = (current: number, tups: [number, number][], left: number): number => {
    let ret = 0;
    for (const [len, n] of tups) {
      if (left < len - current) break;
      ret += n;
    }
    return ret;
  };
  while (total > 0) {
    let helps = 0;
    let val = 0;
    for (let d = 0; d < cols; d++) {
      const th = helpsFor(columns[d], sorted[d], total);
      if (!th) continue;
      if (helps && d === cols - 1 && th / 2 < helps) continue;
      if (th < helps) continue;
      helps = th;
      val = d;
    }
    if (helps) {
      const diff = sorted[val].shift()![0] - columns[val];
      if (!columns[val] && val === cols - 1) total -= 1;
      columns[val] += diff;
      total -= diff;
      continue;
    }
    let overflowed = 0;
    for (let d = 0; d < cols; d++) if (sorted[d].length) overflowed++;
    if (overflowed) {
      const norm = Math.floor(total / overflowed);
      for (let d = 0; d < cols; d++) {
        if (!sorted[d].length) continue;
        columns[d] += norm;
        total -= norm;
      }
    }
    cols -= 1;
    const norm = Math.floor(total / cols);
    for (let d = 0; d < cols; d++) columns[d] += norm;
    columns[remainder] += total - cols * norm;
    total = 0;
  }
  return columns;
}

/** dnf's fmtColumns(): negative width = left aligned; an overflowing cell pushes the rest to the next line. */
export function fmtColumns(cols: [string, number][], msg = '', end = ''): string {
  let totalWidth = msg.length;
  let out = msg;
  for (let i = 0; i < cols.length - 1; i++) {
    const [val, width] = cols[i];
    if (!width) { out += val; continue; }
    const left = width < 0;
    const w = Math.abs(width);
    if (val.length <= w) {
      out += (left ? val + ' '.repeat(w - val.length) : ' '.repeat(w - val.length) + val) + ' ';
    } else {
      out += val + '\n' + ' '.repeat(totalWidth + w + 1);
    }
    totalWidth += w + 1;
  }
  const [val, width] = cols[cols.length - 1];
  const w = Math.abs(width);
  const padded = val.length >= w ? val : width < 0 ? val + ' '.repeat(w - val.length) : ' '.repeat(w - val.length) + val;
  return out + padded + end;
}

/** Length histogram for calcColumns. */
export function lengths(values: string[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const v of values) m.set(v.length, (m.get(v.length) ?? 0) + 1);
  return m;
}

/** select_short_long(): the long label if it fits the column, else the short one. */
export function selectShortLong(width: number, short: string, long: string): string {
  if (short.length === long.length) return long;
  return long.length <= width ? long : short;
}
