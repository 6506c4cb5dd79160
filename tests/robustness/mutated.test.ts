/**
 * Valid command lines (the golden transcripts and a curated set covering every kind of
 * command) damaged by one to three token or character mutations, run through a real
 * LabSession: no JavaScript exception, no JavaScript error text, no more than 100 ms of real
 * time per line. (A mutated line is seldom a single command, so the stderr rule of
 * commands.test.ts is not applied.)
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { announce, params } from './fuzz.ts';
import { FuzzLab } from './harness.ts';
import { mutatedLine, runSteps } from './lines.ts';

announce('mutated');

const PER_RUN = 40;

describe('mutated command lines through a LabSession', () => {
  it('damaged valid lines never break the lab', () => {
    fc.assert(fc.property(
      fc.constantFrom('nat', 'nat', 'dr', 'tun', 'fullnat', 'ha'),
      fc.array(mutatedLine, { minLength: 1, maxLength: 2 * PER_RUN }),
      (preset, steps) => {
        const bad = runSteps(() => new FuzzLab(preset), steps);
        if (bad) throw new Error(`${preset} lab, ${bad}`);
      },
    ), params('cmd.mutated', PER_RUN));
  });
});
