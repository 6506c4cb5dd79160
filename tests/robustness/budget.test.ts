/**
 * The robustness suite's size: the normal run covers at least 100,000 generated inputs, and
 * every budget line is used by some property (tests/robustness/fuzz.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUDGET, DEFAULT_TOTAL, FIXED_SEED, FUZZ, SEED } from './fuzz.ts';

describe('robustness budget', () => {
  it('covers at least 100,000 inputs with a fixed seed in the normal run', () => {
    expect(DEFAULT_TOTAL).toBeGreaterThanOrEqual(100_000);
    if (!FUZZ) expect(SEED).toBe(FIXED_SEED);
  });

  it('every budget line is used by a property', () => {
    const dir = import.meta.dirname;
    const src = readdirSync(dir).filter((f) => f.endsWith('.test.ts')).map((f) => readFileSync(`${dir}/${f}`, 'utf8')).join('\n');
    for (const k of Object.keys(BUDGET)) expect(src, k).toContain(`'${k}'`);
  });
});
