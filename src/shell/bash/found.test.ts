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
