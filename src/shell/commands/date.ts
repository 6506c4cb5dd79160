/**
 * date, and the free-form date parser that `date -d` and `touch -d` share (a practical
 * subset of GNU parse_datetime): `@EPOCH`, ISO `2024-05-14[ T]10:30[:00][Z]`, `05/20/2024`,
 * `May 1 [2024]`, `1 May 2024`, date's own default output, times `10:30[:00] [am|pm]`,
 * weekdays, `now/today/yesterday/tomorrow`, and relative items `[+-]N unit [ago]`,
 * `next/last unit`. Everything is UTC: the lab's hosts run with TZ=UTC.
 *
 * The clock is the host's virtual clock (`host.epochSeconds()`); `date -s` cannot move it.
 */
import {
  defineCommand, epochNow, getopt, lq, MONTHS, strftime,
} from './util.ts';

const UNIT: Record<string, ['s' | 'mon', number]> = {
  sec: ['s', 1], secs: ['s', 1], second: ['s', 1], seconds: ['s', 1],
  min: ['s', 60], mins: ['s', 60], minute: ['s', 60], minutes: ['s', 60],
  hour: ['s', 3600], hours: ['s', 3600], day: ['s', 86400], days: ['s', 86400],
  week: ['s', 604800], weeks: ['s', 604800], fortnight: ['s', 1209600], fortnights: ['s', 1209600],
  month: ['mon', 1], months: ['mon', 1], year: ['mon', 12], years: ['mon', 12],
};

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function monthIndex(w: string): number {
  const x = w.replace(/\.$/, '');
  if (x === 'sept') return 8;
  return MONTHS.findIndex((m) => x === m.toLowerCase() || x === m.slice(0, 3).toLowerCase());
}

function weekdayIndex(w: string): number {
  const full = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  const alias: Record<string, number> = { tues: 2, wednes: 3, thur: 4, thurs: 4 };
  if (w in alias) return alias[w];
  for (let i = 0; i < 7; i++) if (w === WEEKDAYS[i] || w === full[i]) return i;
  return -1;
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 0 || m > 11 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
}

/** Parse a GNU-style date string relative to `now` (epoch seconds). */
export function parseDate(input: string, now: number): number | undefined {
  const s = input.trim().toLowerCase();
  const at = /^@(-?\d+)(\.\d+)?$/.exec(s);
  if (at) return Number(at[1]);
  let y: number | undefined, mo: number | undefined, d: number | undefined;
  let H: number | undefined, M = 0, S = 0;
  let relS = 0, relMon = 0;
  let wday: number | undefined;
  const toks = s.replace(/,/g, ' ').split(/\s+/).filter(Boolean);
  let lastRel: { s: number; mon: number } | null = null;
  for (let i = 0; i < toks.length; i++) {
    let t = toks[i];
    let m: RegExpExecArray | null;
    if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:t(.*))?$/.exec(t))) {
      y = Number(m[1]); mo = Number(m[2]) - 1; d = Number(m[3]);
      if (m[4] === undefined) continue;
      t = m[4];
      if (t === '') continue;
    }
    if ((m = /^(\d{1,2})\/(\d{1,2})(?:\/(\d{2,4}))?$/.exec(t))) {
      mo = Number(m[1]) - 1; d = Number(m[2]);
      if (m[3] !== undefined) y = m[3].length === 2 ? 2000 + Number(m[3]) - (Number(m[3]) >= 69 ? 100 : 0) : Number(m[3]);
      continue;
    }
    if ((m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(z|am|pm|[+-]\d{2}:?\d{2})?$/.exec(t))) {
      H = Number(m[1]); M = Number(m[2]); S = m[3] ? Number(m[3]) : 0;
      let ap = m[4];
      if (!ap && (toks[i + 1] === 'am' || toks[i + 1] === 'pm')) ap = toks[++i];
      if (ap === 'am' || ap === 'pm') {
        if (H < 1 || H > 12) return undefined;
        H = (H % 12) + (ap === 'pm' ? 12 : 0);
      } else if (ap && ap !== 'z') {
        const off = /^([+-])(\d{2}):?(\d{2})$/.exec(ap)!;
        relS -= (off[1] === '-' ? -1 : 1) * (Number(off[2]) * 3600 + Number(off[3]) * 60);
      }
      if (H > 23 || M > 59 || S > 60) return undefined;
      continue;
    }
    if (t === 'utc' || t === 'gmt' || t === 'z' || t === 'ut' || t === 'utc0') continue;
    if (t === 'now' || t === 'today') continue;
    if (t === 'yesterday') { relS -= 86400; continue; }
    if (t === 'tomorrow') { relS += 86400; continue; }
    if (t === 'ago') {
      if (!lastRel) return undefined;
      relS -= 2 * lastRel.s; relMon -= 2 * lastRel.mon;
      lastRel = { s: -lastRel.s, mon: -lastRel.mon };
      continue;
    }
    if (t === 'next' || t === 'last' || t === 'this') {
      const n = t === 'next' ? 1 : t === 'last' ? -1 : 0;
      const u = toks[i + 1];
      if (u && UNIT[u]) {
        const [k, f] = UNIT[u];
        lastRel = { s: k === 's' ? n * f : 0, mon: k === 'mon' ? n * f : 0 };
        relS += lastRel.s; relMon += lastRel.mon; i++;
        continue;
      }
      if (u && weekdayIndex(u) >= 0) {
        // GNU: `next monday` is the coming Monday, `last monday` the one before today
        wday = weekdayIndex(u); i++;
        if (n < 0) relS -= 7 * 86400;
        continue;
      }
      return undefined;
    }
    if ((m = /^([+-]?\d+)$/.exec(t))) {
      const n = Number(m[1]);
      const u = toks[i + 1];
      if (u && UNIT[u]) {
        const [k, f] = UNIT[u];
        lastRel = { s: k === 's' ? n * f : 0, mon: k === 'mon' ? n * f : 0 };
        relS += lastRel.s; relMon += lastRel.mon; i++;
        continue;
      }
      if (/^[+-]/.test(m[1])) return undefined;
      // A bare number: day of month after a month name, or a year.
      if (mo !== undefined && d === undefined && m[1].length <= 2) { d = n; continue; }
      if (m[1].length === 4 && y === undefined) { y = n; continue; }
      if (d === undefined && m[1].length <= 2 && toks[i + 1] && monthIndex(toks[i + 1]) >= 0) { d = n; continue; }
      return undefined;
    }
    if (UNIT[t]) {
      const [k, f] = UNIT[t];
      lastRel = { s: k === 's' ? f : 0, mon: k === 'mon' ? f : 0 };
      relS += lastRel.s; relMon += lastRel.mon;
      continue;
    }
    const mi = monthIndex(t);
    if (mi >= 0) { mo = mi; continue; }
    const wi = weekdayIndex(t);
    if (wi >= 0) { wday = wi; continue; }
    return undefined;
  }
  const cur = new Date(now * 1000);
  const hasDate = mo !== undefined || y !== undefined;
  let Y = y ?? cur.getUTCFullYear();
  let Mo = mo ?? (hasDate ? 0 : cur.getUTCMonth());
  let D = d ?? (hasDate ? 1 : cur.getUTCDate());
  if (hasDate && mo !== undefined && d === undefined) D = 1;
  if (!validDate(Y, Mo, D)) return undefined;
  let t: number;
  if (hasDate || H !== undefined || wday !== undefined) {
    t = Date.UTC(Y, Mo, D, H ?? 0, H === undefined ? 0 : M, H === undefined ? 0 : S) / 1000;
  } else {
    t = now;
  }
  if (wday !== undefined && !hasDate) {
    const wdNow = new Date(t * 1000).getUTCDay();
    t += ((wday - wdNow + 7) % 7) * 86400;
  }
  if (relMon) {
    const dt = new Date(t * 1000);
    Y = dt.getUTCFullYear();
    Mo = dt.getUTCMonth() + relMon;
    t = Date.UTC(Y, Mo, dt.getUTCDate(), dt.getUTCHours(), dt.getUTCMinutes(), dt.getUTCSeconds()) / 1000;
  }
  return t + relS;
}

export const date = defineCommand('date', function* (io, ctx) {
  const p = getopt(io, ctx.argv, {
    short: 'd:f:I::r:Rs:u',
    long: [
      { name: 'date', key: 'd', arg: 'req' }, { name: 'file', key: 'f', arg: 'req' }, { name: 'iso-8601', key: 'I', arg: 'opt' },
      { name: 'reference', key: 'r', arg: 'req' }, { name: 'rfc-email', key: 'R' }, { name: 'rfc-2822', key: 'R' },
      { name: 'rfc-3339', arg: 'req' }, { name: 'set', key: 's', arg: 'req' }, { name: 'utc', key: 'u' },
      { name: 'universal', key: 'u' }, { name: 'help' }, { name: 'version' },
    ],
  });
  if (typeof p === 'number') return p;
  const now = epochNow(ctx);
  const nanos = (Math.floor(ctx.host.now()) % 1_000_000) * 1000;
  let t = now;
  let ns = nanos;
  let fmt: string | undefined;
  let setTo: string | undefined;
  for (const [k, v] of p.opts) {
    switch (k) {
      case 'd': {
        const r = parseDate(v ?? '', now);
        if (r === undefined) { io.err(`invalid date ${lq(io, v ?? '')}`); return 1; }
        t = r; ns = 0;
        break;
      }
      case 'r': {
        try { t = ctx.fs.stat(ctx.resolve(v ?? '')).mtime; ns = 0; } catch (e) {
          io.err(`${v}: ${e instanceof Error ? e.message : String(e)}`);
          return 1;
        }
        break;
      }
      case 'R': fmt = '%a, %d %b %Y %H:%M:%S %z'; break;
      case 'I': {
        const f: Record<string, string> = { date: '%Y-%m-%d', hours: '%Y-%m-%dT%H%:z', minutes: '%Y-%m-%dT%H:%M%:z', seconds: '%Y-%m-%dT%H:%M:%S%:z', ns: '%Y-%m-%dT%H:%M:%S,%N%:z' };
        const key = v === undefined ? 'date' : Object.keys(f).find((x) => x.startsWith(v));
        if (!key) {
          io.err(`invalid argument ${lq(io, v ?? '')} for '--iso-8601'\nValid arguments are:\n  - 'hours'\n  - 'minutes'\n  - 'date'\n  - 'seconds'\n  - 'ns'`);
          io.tryHelp();
          return 1;
        }
        fmt = f[key];
        break;
      }
      case 'rfc-3339': {
        const f: Record<string, string> = { date: '%Y-%m-%d', seconds: '%Y-%m-%d %H:%M:%S%:z', ns: '%Y-%m-%d %H:%M:%S.%N%:z' };
        if (!f[v ?? '']) { io.err(`invalid argument ${lq(io, v ?? '')} for '--rfc-3339'`); io.tryHelp(); return 1; }
        fmt = f[v ?? ''];
        break;
      }
      case 's': setTo = v; break;
      case 'help': io.out('Usage: date [OPTION]... [+FORMAT]\n  or:  date [-u|--utc|--universal] [MMDDhhmm[[CC]YY][.ss]]\n'); return 0;
      case 'version': io.out('date (GNU coreutils) 8.32\n'); return 0;
      default: break;
    }
  }
  const args = p.args;
  if (args.length > 1) { io.err(`extra operand ${lq(io, args[1])}`); io.tryHelp(); return 1; }
  if (args.length === 1) {
    if (args[0].startsWith('+')) fmt = args[0].slice(1);
    else {
      // MMDDhhmm[[CC]YY][.ss]: setting the clock needs CAP_SYS_TIME; the lab's clock is virtual.
      if (!/^\d{8}(\d{2}|\d{4})?(\.\d{2})?$/.test(args[0])) { io.err(`invalid date ${lq(io, args[0])}`); return 1; }
      setTo = args[0];
    }
  }
  if (setTo !== undefined) {
    if (!/^\d{8}/.test(setTo) && parseDate(setTo, now) === undefined) { io.err(`invalid date ${lq(io, setTo)}`); return 1; }
    io.err('cannot set date: Operation not permitted');
    io.out(strftime(fmt ?? '%a %b %e %H:%M:%S %Z %Y', t, ns) + '\n');
    return 1;
  }
  io.out(strftime(fmt ?? '%a %b %e %H:%M:%S %Z %Y', t, ns) + '\n');
  return 0;
});
