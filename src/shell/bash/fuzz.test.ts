/**
 * Property tests: whatever is typed, execute() returns a status (bash errors are printed,
 * never thrown) and terminates under the headless driver.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCompleteSource, parseAll, ParseError } from './parser.ts';
import { session } from './testkit.ts';

const TOKENS = [
  'echo', 'x=1', '$x', '"$x"', "'a b'", '$(', ')', '`', '${', '}', '{', '(', '((', '))', '[[', ']]', '|', '||', '&&',
  '&', ';', ';;', '\n', '<', '>', '>>', '<<EOF', 'EOF', '<<<', '2>&1', 'if', 'then', 'else', 'fi', 'for', 'in', 'do',
  'done', 'while', 'until', 'case', 'esac', 'function', 'f()', 'f', '!', '*', '?', '[a-z]', '~', '{1..3}', '$((1+2))',
  '$((1/0))', '${x:-y}', '${#x}', '${x/a/b}', '"', "'", '\\', '#', 'yes', 'head', 'cat', 'read', 'exit', 'return',
  'break', 'continue', 'set -e', 'set -u', 'trap', 'eval', 'source', 'declare', 'local', 'shift', 'sleep 1', ' ', 'a=(1 2)',
  '${a[@]}', '$@', '$*', '$#', '$?', '$$', '$!', 'wait', 'kill %1', 'jobs', 'fg', 'alias', 'unalias', 'printf %d', '%s',
];

const shellish = fc.array(fc.constantFrom(...TOKENS), { maxLength: 14 }).map((a) => a.join(' '));
const anything = fc.oneof(shellish, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));

describe('fuzz', () => {
  it('the parser only throws ParseError', () => {
    fc.assert(fc.property(anything, (src) => {
      try { parseAll(src); } catch (e) { if (!(e instanceof ParseError)) throw e; }
      expect(typeof isCompleteSource(src)).toBe('boolean');
    }), { numRuns: 2000 });
  });

  it('execute() never throws and always terminates', () => {
    fc.assert(fc.property(anything, (src) => {
      const s = session();
      const r = s.run(src, { maxSteps: 40 });
      expect(Number.isInteger(r.status)).toBe(true);
      expect(r.status).toBeGreaterThanOrEqual(0);
      expect(r.status).toBeLessThan(256);
      // the shell is still usable afterwards
      if (s.shell.exited === null && !src.includes('exec')) expect(s.run('echo ok', { maxSteps: 40 }).out).toContain('ok\n');
    }), { numRuns: 400 });
  });
});
