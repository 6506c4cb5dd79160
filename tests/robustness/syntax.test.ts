/**
 * Bash syntax: random token soup and random text typed at a real LabSession prompt (no
 * JavaScript exception, no JavaScript error text, within 100 ms), and the prompt's own
 * helpers on random input, as the terminal calls them on every key: `needsMore` (continuation
 * prompt), `complete` (Tab) and `prompt`. These reuse src/shell/bash/fuzz.test.ts's idea at
 * the suite's size and through the session rather than the bare interpreter.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { announce, params } from './fuzz.ts';
import { FuzzLab } from './harness.ts';
import { bashLine, runSteps } from './lines.ts';

announce('syntax');

const PER_RUN = 40;

describe('bash syntax through a LabSession', () => {
  it('random syntax never breaks the lab', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.constantFrom('lvs', 'RS1', 'client'), bashLine).map(([host, line]) => ({ host, line })), { minLength: 1, maxLength: 2 * PER_RUN }),
      (steps) => {
        const bad = runSteps(() => new FuzzLab('nat'), steps);
        if (bad) throw new Error(bad);
      },
    ), params('cmd.bash-syntax', PER_RUN));
  });

  it('needsMore, complete and prompt answer anything the terminal sends', () => {
    const lab = new FuzzLab('nat');
    const s = lab.session;
    fc.assert(fc.property(fc.constantFrom('lvs', 'RS1'), bashLine, fc.nat(), (host, text, c) => {
      // Plain checks (expect() costs more than what it checks, ten thousand times over).
      if (typeof s.needsMore(host, text) !== 'boolean') throw new Error('needsMore: not a boolean');
      const cursor = c % (text.length + 1);
      const r = s.complete(host, text, cursor);
      if (!(r.replaceFrom >= 0 && r.replaceFrom <= cursor)) throw new Error(`complete: replaceFrom ${r.replaceFrom} outside [0, ${cursor}]`);
      if (!r.candidates.every((x) => typeof x === 'string' && x.length > 0)) throw new Error(`complete: candidates ${JSON.stringify(r.candidates)}`);
      if (!/\]# $/.test(s.prompt(host))) throw new Error(`prompt ${JSON.stringify(s.prompt(host))}`);
    }), params('cmd.parser'));
  });
});
