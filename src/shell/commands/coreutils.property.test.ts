/**
 * Property: for every command, any argument vector (options, file names, patterns, scripts,
 * junk) on any small stdin ends with an exit status and GNU-style text, never a JavaScript
 * exception, and terminates (a bounded number of scheduler steps; stdout is a pipe whose
 * reader leaves after 200 KB, so `yes` ends by SIGPIPE as it would in `yes | head`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coreutilsCommands } from './coreutils.ts';
import { Kit } from './testkit.ts';

const OPTIONS = ['-', '--', '-n', '-n1', '-n', '-5', '+2', '-c', '-l', '-a', '-A', '-r', '-R', '-f', '-i', '-v', '-s', '-e', '-E',
  '-F', '-d', '-t', '-k', '-k2', '-k2,2n', '-u', '-w', '-x', '-o', '-p', '-q', '-h', '-H', '-1', '-0', '-z', '-m', '-b',
  '-C', '-B1', '-A2', '-I{}', '-L', '-P', '-T', '-S', '-V', '-Z', '--help', '--version', '--color=auto', '--foo',
  '-maxdepth', '-name', '-type', '-exec', ';', '{}', '+', '(', ')', '!', '-o', '-print', '-delete', '-size', '+1k',
  '-d:', '-f1,3', '-f2-', '-c1-3', '-s,', '-w4', '-U1', '-g', '-D', '-M', '-Iseconds', '-d@0', '-d', 'yesterday'];
const FILES = ['/etc/passwd', '/etc/group', '/tmp', '/root', 'nope', '/dev/null', '/var/www/html/index.html', 'f', 'd',
  'd/', '.', '..', '/', 'a b', "it's", '/nope/x', 'out', 'link', '/var/www/html', '/etc'];
const PATTERNS = ['a', 'a*', '^r', 'o$', '[', '[[:digit:]]', '\\(', '\\(a\\)\\1', '(a|b)+', '{1', 'x\\{2\\}', '.*', '\\',
  's/a/b/', 's/a/b/g', 's/\\(x\\)/\\1/', 'p', 'd', '$!N', ':a;N;ba', '1~2p', '/a/,/b/d', 'y/ab/cd/', 'a\\', 'i text', '=',
  '{print $1}', '{print $NF; n++} END{print n}', 'BEGIN{x=1/0}', '$3==0{print}', '{s+=$2} END{print s}', '/x/',
  'BEGIN{printf "%d %s\\n", 1}', '{gsub(/a/,"b"); print}', 'NR==1', 'function f(a){return a} {print f($1)}', '{',
  '+%Y-%m-%d', '+%s', '644', 'u+x', 'go-w', 'a=r', 'root', 'root:root', 'apache', 'bob', '0', '1', '2', '-1', '3.5',
  '1e3', 'x', 'abc', 'a-z', 'A-Z', '[:lower:]', '\\n', ':', ',', '1s', '0.01', '%', '5', '+', 'length', 'substr',
  'match', 'index', 'a.b', 'IGNORED'];

const token = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...OPTIONS) },
  { weight: 3, arbitrary: fc.constantFrom(...FILES) },
  { weight: 3, arbitrary: fc.constantFrom(...PATTERNS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

function machine(): Kit {
  const k = new Kit(coreutilsCommands);
  k.write('/root/f', 'root:x:0:0\nline two 2\nabc 3\n');
  k.fs.mkdir('/root/d');
  k.write('/root/d/inner', 'inner\n');
  k.fs.symlink('/etc/passwd', '/root/link');
  return k;
}

describe('every command survives random argument vectors', () => {
  for (const cmd of coreutilsCommands) {
    it(cmd.name, () => {
      fc.assert(
        fc.property(fc.array(token, { maxLength: 5 }), fc.string({ maxLength: 40 }), (args, stdin) => {
          const k = machine();
          const r = k.run([cmd.name, ...args], { stdin, stdoutLimit: 200_000, maxSteps: 200_000, tty: false });
          expect(r.stderr).not.toContain('internal error');
          expect(Number.isInteger(r.status)).toBe(true);
          expect(r.status).toBeGreaterThanOrEqual(0);
          expect(r.status).toBeLessThan(256);
        }),
        { numRuns: 50 },
      );
    });
  }
});

describe('parsers survive token soup', () => {
  const soup = fc.array(fc.constantFrom(...PATTERNS, '(', ')', '{', '}', ';', '"', "'", '/', '$', '[', ']', '!', '~', '?', ':', ',',
    'print', 'if', 'while', 'for', 'in', 'getline', '<', '>', '|', '\n', '#', '&&', '||', '==', '=', '++', '-', '*', '^'), { maxLength: 8 })
    .map((a) => a.join(''));
  for (const name of ['awk', 'sed', 'grep', 'expr', 'tr', 'find', 'date', 'seq', 'cut', 'sort']) {
    it(name, () => {
      fc.assert(
        fc.property(soup, fc.string({ maxLength: 30 }), (script, stdin) => {
          const k = machine();
          const argv = name === 'find' ? [name, '.', '-name', script] : name === 'date' ? [name, '-d', script]
            : name === 'cut' ? [name, '-f', script] : name === 'sort' ? [name, '-k', script] : name === 'grep' ? [name, '-E', script]
              : [name, script, ...(name === 'tr' ? ['x'] : [])];
          const r = k.run(argv, { stdin, stdoutLimit: 200_000, maxSteps: 200_000 });
          expect(r.stderr).not.toContain('internal error');
          expect(Number.isInteger(r.status)).toBe(true);
        }),
        { numRuns: 200 },
      );
    });
  }
});
