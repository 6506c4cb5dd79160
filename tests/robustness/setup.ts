/**
 * Every fast-check property in the test run uses one seed: fixed in `npm test` (so CI is
 * reproducible), FUZZ_SEED or a fresh one in `npm run fuzz`. A property that passes its own
 * seed keeps it. See tests/robustness/fuzz.ts.
 */
import fc from 'fast-check';
import { SEED } from './fuzz.ts';

fc.configureGlobal({ seed: SEED });
