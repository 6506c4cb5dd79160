/**
 * Inputs the robustness fuzzer (tests/robustness/) found breaking the interpreter, kept as
 * regression tests.
 */
import { describe, expect, it } from 'vitest';
import { session } from './testkit.ts';

describe('found by the fuzzer', () => {
  it('`trap --` lists the traps as `trap` does (was: internal error reading toUpperCase)', () => {
    const s = session();
    s.run("trap 'echo bye' EXIT");
    expect(s.run('trap --')).toEqual({ out: "trap -- 'echo bye' EXIT\n", status: 0 });
  });

  it('read from an endless line fails with ENOMEM instead of eating the memory', () => {
    const s = session();
    expect(s.run('read x < /dev/zero; echo $?', { maxSteps: 100_000 })).toEqual({ out: 'bash: read: Cannot allocate memory\n1\n', status: 0 });
    expect(s.run('read -n 100000000 x < /dev/zero; echo $?', { maxSteps: 100_000 }).out).toBe('bash: read: Cannot allocate memory\n1\n');
  });
});

describe('found by the fuzzer: missing option arguments', () => {
  it('kill -s and history -d without their argument say so (was: "undefined: ...")', () => {
    const s = session();
    expect(s.run('kill -s')).toEqual({ out: 'bash: kill: -s: option requires an argument\n', status: 1 });
    expect(s.run('history -d')).toEqual({
      out: 'bash: history: -d: option requires an argument\nhistory: usage: history [-c] [-d offset] [n] or history -anrw [filename] or history -ps arg [arg...]\n',
      status: 2,
    });
  });
});

describe('found by the fuzzer: huge expansions', () => {
  it('a word that doubles forever ends with bash\'s xrealloc message, and the shell goes on', () => {
    const s = session();
    const r = s.run('x=a; while true; do x=$x$x; done', { maxSteps: 1_000_000 });
    expect(r.out).toMatch(/^bash: xrealloc: cannot allocate \d+ bytes\n$/);
    expect(s.run('echo ${#x}').out).toBe('33554432\n');
  });

  it('an array that doubles forever ends the same way', () => {
    const s = session();
    expect(s.run('a=(x); while true; do a+=("${a[@]}"); done', { maxSteps: 1_000_000 }).out).toMatch(/^bash: xrealloc: cannot allocate \d+ bytes\n$/);
  });

  it('a huge unquoted expansion is split in slices into exactly the fields of the slow path', () => {
    const s = session();
    const fast = s.run('x=$(yes "a  b	c" | head -c 2000000); set -- $x; echo $# "$1" "${!#}"; echo "$*" | md5sum', { maxSteps: 1_000_000 }).out;
    // The same IFS written differently takes the general ifsbreakup path.
    const slow = s.run('IFS=$\' \\t\\n \'; set -- $x; echo $# "$1" "${!#}"; IFS=$\' \\t\\n\'; echo "$*" | md5sum', { maxSteps: 1_000_000 }).out;
    expect(fast).toBe(slow);
    expect(fast.split('\n')[0]).toBe('857143 a a'); // 285,714 lines of "a  b\tc", then "a "
  });
});
