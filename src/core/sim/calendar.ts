/**
 * The lab's calendar: a virtual time (seconds since the Unix epoch) broken into UTC fields by
 * arithmetic alone (Howard Hinnant's days-to-civil), so the core never touches `Date` and a
 * formatted time depends on nothing but the virtual clock. The lab's hosts run in UTC.
 */

export const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
export const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

export interface UtcFields {
  year: number;
  /** 0–11 */
  month: number;
  /** 1–31 */
  day: number;
  hours: number;
  minutes: number;
  seconds: number;
  /** 0 = Sunday */
  weekday: number;
}

/** UTC fields of `epochS` whole seconds (fractions are dropped, as gmtime does). */
export function utcFields(epochS: number): UtcFields {
  const s = Math.floor(epochS);
  const days = Math.floor(s / 86400);
  const secs = s - days * 86400;
  // civil_from_days: eras of 400 years (146,097 days) starting 0000-03-01.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 2 : mp - 10;
  const year = yoe + era * 400 + (month <= 1 ? 1 : 0);
  return {
    year, month, day,
    hours: Math.floor(secs / 3600), minutes: Math.floor(secs / 60) % 60, seconds: secs % 60,
    weekday: ((days % 7) + 11) % 7, // 1970-01-01 was a Thursday
  };
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** HH:MM:SS */
export function clock(f: UtcFields): string {
  return `${p2(f.hours)}:${p2(f.minutes)}:${p2(f.seconds)}`;
}

/** An IMF-fixdate, as HTTP's Date and Last-Modified headers carry it: "Tue, 14 May 2024 08:00:00 GMT". */
export function imfDate(epochS: number): string {
  const f = utcFields(epochS);
  return `${DAY_NAMES[f.weekday]}, ${p2(f.day)} ${MONTH_NAMES[f.month]} ${f.year} ${clock(f)} GMT`;
}
