/**
 * `npm run fuzz`: the robustness properties (tests/robustness) at FUZZ_RUNS inputs in total
 * (default: ten times the normal run) with a fresh seed (FUZZ_SEED to replay one), plus every
 * per-component property test of the code base (fast-check, at their own sizes) under that
 * seed. See tests/robustness/fuzz.ts.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'tests/robustness/**/*.test.ts',
      'src/**/*fuzz*.test.ts', 'src/**/*property*.test.ts', 'src/core/wire/{frame,dissect,pcapng,checksum}.test.ts',
    ],
    environment: 'node',
    setupFiles: ['tests/robustness/setup.ts'],
    testTimeout: 0,
    hookTimeout: 0,
    // Long properties print their seed as they start.
    reporters: ['default'],
  },
});
