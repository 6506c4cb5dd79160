/** The core's calendar agrees with the platform's UTC calendar (which the core itself must not use). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { imfDate, utcFields } from './calendar.ts';

describe('utcFields', () => {
  it('fixed points: the epoch, a leap day, the lab date, a century that is not leap', () => {
    expect(utcFields(0)).toEqual({ year: 1970, month: 0, day: 1, hours: 0, minutes: 0, seconds: 0, weekday: 4 });
    expect(utcFields(951782400)).toMatchObject({ year: 2000, month: 1, day: 29, weekday: 2 });
    expect(imfDate(1715673600)).toBe('Tue, 14 May 2024 08:00:00 GMT');
    expect(utcFields(Date.UTC(2100, 2, 1) / 1000)).toMatchObject({ year: 2100, month: 2, day: 1 });
  });

  it('equals Date.UTC fields for any second from 1900 to 2400', () => {
    fc.assert(fc.property(fc.integer({ min: -2208988800, max: 13569465600 }), (s) => {
      const d = new Date(s * 1000);
      expect(utcFields(s)).toEqual({
        year: d.getUTCFullYear(), month: d.getUTCMonth(), day: d.getUTCDate(),
        hours: d.getUTCHours(), minutes: d.getUTCMinutes(), seconds: d.getUTCSeconds(), weekday: d.getUTCDay(),
      });
      expect(imfDate(s)).toBe(d.toUTCString());
    }), { numRuns: 5000 });
  });
});
