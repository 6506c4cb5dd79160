import fc from 'fast-check';
import { session } from './testkit.ts';
const TOKENS = ['echo', 'x=1', '$x', '"$x"', "'a b'", '$(', ')', '`', '${', '}', '{', '(', '((', '))', '[[', ']]', '|', '||', '&&',
  '&', ';', ';;', '\n', '<', '>', '>>', '<<EOF', 'EOF', '<<<', '2>&1', 'if', 'then', 'else', 'fi', 'for', 'in', 'do',
  'done', 'while', 'until', 'case', 'esac', 'function', 'f()', 'f', '!', '*', '?', '[a-z]', '~', '{1..3}', '$((1+2))',
  '$((1/0))', '${x:-y}', '${#x}', '${x/a/b}', '"', "'", '\\', '#', 'yes', 'head', 'cat', 'read', 'exit', 'return',
  'break', 'continue', 'set -e', 'set -u', 'trap', 'eval', 'source', 'declare', 'local', 'shift', 'sleep 1', ' ', 'a=(1 2)',
  '${a[@]}', '$@', '$*', '$#', '$?', '$$', '$!', 'wait', 'kill %1', 'jobs', 'fg', 'alias', 'unalias', 'printf %d', '%s', 'x', 'y', '=', '0', '1', '-1', 'select', 'coproc', '$[', '<(', '>(', '&>', '|&', ';&', ';;&', '[', ']', 'test', 'let', 'i++', 'mapfile', 'getopts', 'a:b', 'OPTARG', 'IFS=:', 'unset', 'readonly', 'export', 'type', 'command', 'builtin', 'hash', 'history', 'umask', 'exec', 'times', 'help', 'pushd', 'popd', 'dirs', 'bash', 'sh', '-c', 'which', '/dev/zero', '/dev/null', 'wc', 'grep', 'seq', '1000'];
const shellish = fc.array(fc.constantFrom(...TOKENS), { maxLength: 20 }).map((a) => a.join(' '));
const anything = fc.oneof(shellish, shellish.map(s => s.replace(/ /g, '')), fc.string({ maxLength: 60 }));
const origErr = console.error;
console.error = (...a: unknown[]) => { throw new Error('console.error: ' + a.map(String).join(' ')); };
const t0 = Date.now();
fc.assert(fc.property(anything, (src) => {
  const s = session();
  const t = Date.now();
  const r = s.run(src, { maxSteps: 40 });
  if (Date.now() - t > 2000) throw new Error('slow: ' + (Date.now() - t));
  if (!Number.isInteger(r.status) || r.status < 0 || r.status > 255) throw new Error('status ' + r.status);
  if (s.shell.exited === null && !s.run('echo ok', { maxSteps: 40 }).out.includes('ok\n')) throw new Error('not usable');
}), { numRuns: Number(process.argv[2] ?? 3000), seed: Number(process.argv[3] ?? Date.now()) });
console.log('ok', Date.now() - t0, 'ms');
