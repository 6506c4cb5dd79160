import { describe, expect, it } from 'vitest';
import { Pacer } from './pacer.ts';

describe('Pacer', () => {
  it('follows real time', () => {
    const p = new Pacer(0, 1000);
    expect(p.target(1000)).toBe(0);
    expect(p.target(1500)).toBe(500_000);
    expect(p.delayUntil(2_000_000, 1500)).toBe(1500);
  });
  it('skips short gaps but waits for long ones', () => {
    const p = new Pacer(0, 0, 2000); // a 2 ms threshold for the test
    expect(p.skipGap(0, 60, 0)).toBe(true);
    expect(p.target(0)).toBe(60);
    expect(p.skipGap(60, 5_000_060, 0)).toBe(false);
    expect(p.skipGap(60, Infinity, 0)).toBe(false);
  });
});
