import { describe, expect, it } from 'vitest';
import { coreutilsCommands } from './coreutils.ts';
import { Kit } from './testkit.ts';

function kit(): Kit {
  const k = new Kit(coreutilsCommands);
  k.write('/root/f', '1\n2\n3\n4\n5');
  k.write('/root/a', 'hello world\nfoo\n');
  k.write('/root/b', 'x\n');
  return k;
}

// Expected outputs from GNU coreutils 9.1 (same as 8.32 here) on Debian 12.
describe('head / tail', () => {
  it('line and byte counts, negative and plus forms', () => {
    const k = kit();
    expect(k.sh('head -n -2 f').stdout).toBe('1\n2\n3\n');
    expect(k.sh('head -c -3 f').stdout).toBe('1\n2\n3\n');
    expect(k.sh('tail -n +4 f').stdout).toBe('4\n5');
    expect(k.sh('tail -c 3 f').stdout).toBe('4\n5');
    expect(k.sh('tail -2 f').stdout).toBe('4\n5');
    expect(k.sh('tail -c +3 f').stdout).toBe('2\n3\n4\n5');
    expect(k.sh('head -5c f').stdout).toBe('1\n2\n3');
    expect(k.sh('tail -3c f').stdout).toBe('4\n5');
    expect(k.sh('tail +3 f').stdout).toBe('3\n4\n5');
    expect(k.sh('head -n 2K f').stdout).toBe('1\n2\n3\n4\n5');
  });
  it('headers for several files', () => {
    const k = kit();
    expect(k.sh('head -2 f a').stdout).toBe('==> f <==\n1\n2\n\n==> a <==\nhello world\nfoo\n');
    expect(k.sh('tail -q -n1 f a').stdout).toBe('5foo\n');
  });
  it('errors', () => {
    const k = kit();
    expect(k.sh('tail -n x f').stderr).toBe('tail: invalid number of lines: \u2018x\u2019\n');
    expect(k.sh('head -c x f').stderr).toBe('head: invalid number of bytes: \u2018x\u2019\n');
    expect(k.sh('head nope').stderr).toBe("head: cannot open 'nope' for reading: No such file or directory\n");
    expect(k.sh('head /tmp').stderr).toBe("head: error reading '/tmp': Is a directory\n");
    expect(k.sh('head -n').stderr).toBe("head: option requires an argument -- 'n'\nTry 'head --help' for more information.\n");
  });
  it('head -c 10 of /dev/zero and /dev/urandom ends', () => {
    const k = kit();
    expect(k.sh('head -c 10 /dev/zero').stdout).toBe('\0'.repeat(10));
    expect(k.sh('head -c 16 /dev/urandom').stdout.length).toBe(16);
    expect(k.sh('head -n 2', { stdin: 'y\n'.repeat(50000), chunk: 4096 }).stdout).toBe('y\ny\n');
  });
});

describe('wc', () => {
  it('uses GNU column widths', () => {
    const k = kit();
    expect(k.sh('wc a').stdout).toBe(' 2  3 16 a\n');
    expect(k.sh('wc -l a').stdout).toBe('2 a\n');
    expect(k.sh('wc a b').stdout).toBe(' 2  3 16 a\n 1  1  2 b\n 3  4 18 total\n');
    expect(k.sh('wc -l a b').stdout).toBe(' 2 a\n 1 b\n 3 total\n');
    expect(k.sh('wc', { stdin: 'hi\n' }).stdout).toBe('      1       1       3\n');
    expect(k.sh('wc -c', { stdin: 'hi\n' }).stdout).toBe('3\n');
    expect(k.sh('wc -lw a').stdout).toBe(' 2  3 a\n');
    expect(k.sh('wc -m a').stdout).toBe('16 a\n');
    expect(k.sh('wc -c -m', { stdin: '\u00e9\n' }).stdout).toBe('      2       3\n');
    expect(k.sh('wc -L a').stdout).toBe('11 a\n');
  });
  it('directories print zeros after the error', () => {
    const k = kit();
    k.fs.mkdir('/root/d');
    const r = k.sh('wc d a');
    expect(r.stdout).toBe('      0       0       0 d\n      2       3      16 a\n      2       3      16 total\n');
    expect(r.stderr).toBe('wc: d: Is a directory\n');
  });
});

describe('sort / uniq / comm', () => {
  const sortOf = (args: string, input: string, env?: Record<string, string>): string => kit().sh('sort ' + args, { stdin: input, env }).stdout;
  it('numeric, keys, human, version', () => {
    expect(sortOf('-n', '10 b\n9 a\n10 a\n-1 z\nx\n')).toBe('-1 z\nx\n9 a\n10 a\n10 b\n');
    expect(sortOf('-k2n', 'b 2\na 10\nc 1\n')).toBe('c 1\nb 2\na 10\n');
    expect(sortOf('-h', '1K\n2M\n100\n1G\n3k\n')).toBe('100\n1K\n3k\n2M\n1G\n');
    expect(sortOf('-V', 'v1.10\nv1.9\nv1.2.3\nv1.2\n')).toBe('v1.2\nv1.2.3\nv1.9\nv1.10\n');
    expect(sortOf('-t: -k2,2 -r', 'x:3\ny:1\nz:2\n')).toBe('x:3\nz:2\ny:1\n');
    expect(sortOf('-g', '2\n10\n1\n')).toBe('1\n2\n10\n');
    expect(sortOf('-s -n -k1,1', '5 b\n5 a\n')).toBe('5 b\n5 a\n');
    expect(sortOf('-n -k1,1', '5 b\n5 a\n')).toBe('5 a\n5 b\n');
  });
  it('C order vs en_US order', () => {
    expect(sortOf('', 'B\na\nA\nb\n', { LC_ALL: 'C' })).toBe('A\nB\na\nb\n');
    expect(sortOf('', 'B\na\nA\nb\n')).toBe('a\nA\nb\nB\n');
    expect(sortOf('-u', 'a\nB\na\n', { LC_ALL: 'C' })).toBe('B\na\n');
    expect(sortOf('-fu', 'a\nA\nb\n', { LC_ALL: 'C' })).toBe('a\nb\n');
  });
  it('-c reports the first disorder; errors', () => {
    const k = kit();
    k.write('/root/u1', 'b\na\n');
    const r = k.sh('sort -c u1');
    expect([r.stderr, r.status]).toEqual(['sort: u1:2: disorder: a\n', 1]);
    expect(k.sh('sort nope').stderr).toBe('sort: cannot read: nope: No such file or directory\n');
    expect(k.sh('sort -k 0').stderr).toBe('sort: field number is zero: invalid field specification \u20180\u2019\n');
    expect(k.sh('sort -t ab').stderr).toBe('sort: multi-character tab \u2018ab\u2019\n');
    k.sh('sort -o u1 u1');
    expect(k.read('/root/u1')).toBe('a\nb\n');
  });
  it('uniq', () => {
    const k = kit();
    expect(k.sh('uniq -c', { stdin: 'a\na\nb\nA\n' }).stdout).toBe('      2 a\n      1 b\n      1 A\n');
    expect(k.sh('uniq -d', { stdin: 'a\na\nb\n' }).stdout).toBe('a\n');
    expect(k.sh('uniq -u', { stdin: 'a\na\nb\n' }).stdout).toBe('b\n');
    expect(k.sh('uniq -ci', { stdin: 'a\nA\n' }).stdout).toBe('      2 a\n');
    expect(k.sh('uniq -f1 -c', { stdin: 'x a\ny a\n' }).stdout).toBe('      2 x a\n');
    expect(k.sh('uniq -D', { stdin: 'a\na\nb\n' }).stdout).toBe('a\na\n');
    expect(k.sh('uniq nope').stderr).toBe('uniq: nope: No such file or directory\n');
  });
  it('comm', () => {
    const k = kit();
    k.write('/root/s1', 'a\nb\n');
    k.write('/root/s2', 'b\nc\n');
    k.write('/root/u1', 'b\na\n');
    expect(k.sh('comm s1 s2').stdout).toBe('a\n\t\tb\n\tc\n');
    expect(k.sh('comm -12 s1 s2').stdout).toBe('b\n');
    const r = k.sh('comm u1 s1');
    expect(r.stdout).toBe('\ta\n\t\tb\na\n');
    expect(r.stderr).toBe('comm: file 1 is not in sorted order\ncomm: input is not in sorted order\n');
    expect(r.status).toBe(1);
  });
});

describe('endless inputs and following', () => {
  it('wc /dev/zero keeps yielding to the scheduler (Ctrl-C can stop it)', () => {
    const k = kit();
    expect(() => k.sh('wc -c /dev/zero', { maxSteps: 100 })).toThrow(/did not finish/);
  });
  it('tail -f on a terminal prints appended lines until interrupted', async () => {
    const { ShellSignal } = await import('../types.ts');
    const { collect } = await import('./testkit.ts');
    const k = kit();
    k.write('/var/log/access_log', 'one\n');
    const out = collect(true);
    const err = collect(true);
    const ctx = k.ctx(['tail', '-f', '/var/log/access_log'], { tty: true }, out, err);
    const co = k.registry.get('tail')!.run(ctx);
    let w = co.next();
    expect(w.done).toBe(false);
    expect(out.text).toBe('one\n');
    k.fs.writeFile('/var/log/access_log', 'two\n', { append: true });
    // the wait is a virtual-clock one: jump to it and resume
    if (!w.done && w.value.kind === 'sim' && w.value.until) k.m.clock.us = w.value.until;
    w = co.next();
    expect(out.text).toBe('one\ntwo\n');
    expect(() => co.throw(new ShellSignal('INT'))).toThrow(ShellSignal);
  });
  it('tail -f in a pipe prints and exits', () => {
    const k = kit();
    expect(k.sh('tail -f f')).toMatchObject({ stdout: '1\n2\n3\n4\n5', status: 0 });
  });
});
