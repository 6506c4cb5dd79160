/**
 * Every command of the registry (and every shell builtin), with random arguments drawn mostly
 * from what it understands, typed line after line into a real LabSession on a preset
 * (tests/robustness/lines.ts says what must hold for each line: no JavaScript exception
 * anywhere, no more than 100 ms of real time, and a failure explained on stderr in the tool's
 * words). A run is a fresh lab and a sequence of lines on its hosts, so a failure shrinks to
 * the few lines that matter and replays from the printed counterexample.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { announce, params } from './fuzz.ts';
import { FuzzLab } from './harness.ts';
import { ALL_COMMANDS, commandLine, runSteps, type Step } from './lines.ts';

announce('commands');

const PER_RUN = 40;
const HOSTS = ['lvs', 'client', 'RS1', 'RS2', 'route', 'lvs2'];

const step: fc.Arbitrary<Step> = fc.tuple(fc.constantFrom(...HOSTS), fc.constantFrom(...ALL_COMMANDS))
  .chain(([host, cmd]) => commandLine(cmd).map((line) => ({ host, cmd, line })));

describe('command lines through a LabSession', () => {
  it(`random arguments to each of the ${ALL_COMMANDS.length} commands: no exception, within 100 ms, failures explained`, () => {
    fc.assert(fc.property(
      fc.constantFrom('nat', 'nat', 'nat', 'dr', 'tun', 'ha'),
      fc.array(step, { minLength: 1, maxLength: 2 * PER_RUN }),
      (preset, steps) => {
        const bad = runSteps(() => new FuzzLab(preset), steps);
        if (bad) throw new Error(`${preset} lab, ${bad}`);
      },
    ), params('cmd.per-command', PER_RUN));
  });
});
