import { describe, expect, it } from 'vitest';
import { coreutilsCommands } from './coreutils.ts';
import { Kit } from './testkit.ts';

describe('cat', () => {
  it('copies files and reports missing ones in GNU words', () => {
    const k = new Kit(coreutilsCommands);
    k.write('/root/a', 'hello\n');
    const r = k.sh('cat a nope /tmp');
    expect(r.stdout).toBe('hello\n');
    expect(r.stderr).toBe('cat: nope: No such file or directory\ncat: /tmp: Is a directory\n');
    expect(r.status).toBe(1);
  });
  it('numbers across files and squeezes blanks', () => {
    const k = new Kit(coreutilsCommands);
    k.write('/root/f1', 'a');
    k.write('/root/f2', 'b\nc\n');
    expect(k.sh('cat -n f1 f2').stdout).toBe('     1\tab\n     2\tc\n');
    expect(k.sh('cat -s -n', { stdin: 'a\n\n\n\nb\n', chunk: 1 }).stdout).toBe('     1\ta\n     2\t\n     3\tb\n');
    expect(k.sh('cat -b -E', { stdin: 'x\n\n' }).stdout).toBe('     1\tx$\n$\n');
  });
  it('-A shows nonprinting characters', () => {
    const k = new Kit(coreutilsCommands);
    expect(k.sh('cat -A', { stdin: '\x01\x7f\tz\u00e9\n' }).stdout).toBe('^A^?^IzM-CM-)$\n');
  });
  it('cat /dev/zero stops when the reader goes away', () => {
    const k = new Kit(coreutilsCommands);
    const r = k.sh('cat /dev/zero', { stdoutLimit: 100_000 });
    expect(r.signal).toBe('PIPE');
  });
  it('tac and rev', () => {
    const k = new Kit(coreutilsCommands);
    expect(k.sh('tac', { stdin: 'a\nb' }).stdout).toBe('ba\n');
    expect(k.sh('tac', { stdin: '1\n2\n3\n' }).stdout).toBe('3\n2\n1\n');
    expect(k.sh('rev', { stdin: 'ab\ncd' }).stdout).toBe('ba\ndc');
  });
});

describe('interactive input', () => {
  it('output is written before the next read of stdin (cat from a terminal echoes each line)', async () => {
    const { collect, drive } = await import('./testkit.ts');
    const k = new Kit(coreutilsCommands);
    const out = collect(true);
    const seenAtRead: string[] = [];
    const lines = ['one\n', 'two\n'];
    const stdin = {
      isTty: true,
      *read() { seenAtRead.push(out.text); return lines.shift() ?? null; },
      *readAll() { return ''; },
      *readLine() { return null; },
    };
    const ctx = { ...k.ctx(['cat'], {}, out, collect(true)), stdin };
    drive(k.registry.get('cat')!.run(ctx), k.m.clock);
    expect(seenAtRead).toEqual(['', 'one\n', 'one\ntwo\n']);
  });
});
