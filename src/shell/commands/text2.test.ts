import { describe, expect, it } from 'vitest';
import { formatOne, parseFormat } from './cfmt.ts';
import { coreutilsCommands } from './coreutils.ts';
import { Kit } from './testkit.ts';

const kit = (): Kit => new Kit(coreutilsCommands);
const run = (line: string, stdin = ''): string => kit().sh(line, { stdin }).stdout;

// Expected outputs from coreutils 9.1 / util-linux 2.38 on Debian 12 (same as RHEL 9 here).
describe('cut', () => {
  it('fields, characters, delimiters', () => {
    expect(run('cut -d: -f2', 'a:b:c\nnodelim\n')).toBe('b\nnodelim\n');
    expect(run('cut -d: -f2 -s', 'a:b:c\nnodelim\n')).toBe('b\n');
    expect(run('cut -d: -f1,3 --output-delimiter=-', 'a:b:c\n')).toBe('a-c\n');
    expect(run('cut -c2-4,6', 'abcdef\n')).toBe('bcdf\n');
    expect(run('cut -c-2', 'abcdef\n')).toBe('ab\n');
    expect(run('cut -b 3-', 'abcdef\n')).toBe('cdef\n');
    expect(run('cut -f2', 'a b\tc\n')).toBe('c\n');
    expect(run('cut -d: --complement -f1', 'a:b\n')).toBe('b\n');
    expect(run("cut -d ' ' -f1", '192.168.1.1 - - [x]\n')).toBe('192.168.1.1\n');
  });
  it('errors', () => {
    const k = kit();
    expect(k.sh('cut -f0 a').stderr).toBe("cut: fields are numbered from 1\nTry 'cut --help' for more information.\n");
    expect(k.sh('cut -d ab -f1 a').stderr).toBe("cut: the delimiter must be a single character\nTry 'cut --help' for more information.\n");
    expect(k.sh('cut -c1 -d: a').stderr).toBe("cut: an input delimiter may be specified only when operating on fields\nTry 'cut --help' for more information.\n");
    expect(k.sh('cut -f 3-1 a').stderr).toBe("cut: invalid decreasing range\nTry 'cut --help' for more information.\n");
    expect(k.sh('cut').stderr).toBe("cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n");
  });
});

describe('tr', () => {
  it('translates, deletes, squeezes, complements', () => {
    expect(run('tr a-z A-Z', 'hello\n')).toBe('HELLO\n');
    expect(run('tr -d l', 'hello\n')).toBe('heo\n');
    expect(run('tr -s a-c', 'aabbcc\n')).toBe('abc\n');
    expect(run("tr -c 'a-z\\n' X", 'hello world\n')).toBe('helloXworld\n');
    expect(run("tr '[:lower:]' '[:upper:]'", 'hello\n')).toBe('HELLO\n');
    expect(run('tr abc x', 'abc\n')).toBe('xxx\n');
    expect(run('tr a xyz', 'abc\n')).toBe('xbc\n');
    expect(run("tr -cd '0-9\\n'", 'a1b2\n')).toBe('12\n');
    expect(run("tr 'a-c' '[x*]'", 'abc\n')).toBe('xxx\n');
    expect(run("tr ' ' '\\n'", 'a b\n')).toBe('a\nb\n');
    expect(run('tr -t abc xy', 'abc\n')).toBe('xyc\n');
    expect(run("tr 'a\\-b' x", 'ab\n')).toBe('xx\n');
    expect(run("tr -s ' '", 'a    b\n')).toBe('a b\n');
  });
  it('errors', () => {
    const k = kit();
    expect(k.sh('tr').stderr).toBe("tr: missing operand\nTry 'tr --help' for more information.\n");
    expect(k.sh('tr a').stderr).toBe("tr: missing operand after \u2018a\u2019\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n");
    expect(k.sh('tr z-a x').stderr).toBe("tr: range-endpoints of 'z-a' are in reverse collating sequence order\n");
    expect(k.sh("tr '[:foo:]' x").stderr).toBe('tr: invalid character class \u2018foo\u2019\n');
  });
});

describe('nl, paste, fold, column, tee', () => {
  it('nl', () => {
    expect(run('nl', 'a\n\nb\n')).toBe('     1\ta\n       \n     2\tb\n');
    expect(run('nl -ba -w3 -s:', 'a\n\nb\n')).toBe('  1:a\n  2:\n  3:b\n');
    expect(run('nl -nrz -w3', 'a\n\nb\n')).toBe('001\ta\n    \n002\tb\n');
    expect(run('nl -nln', 'a\n\nb\n')).toBe('1     \ta\n       \n2     \tb\n');
  });
  it('paste', () => {
    const k = kit();
    k.write('/root/p1', '1\n2\n3\n');
    k.write('/root/p2', 'x\ny\n');
    expect(k.sh('paste p1 p2').stdout).toBe('1\tx\n2\ty\n3\t\n');
    expect(k.sh('paste -d, p1 p2').stdout).toBe('1,x\n2,y\n3,\n');
    expect(k.sh('paste -s p1').stdout).toBe('1\t2\t3\n');
    expect(k.sh('paste -s -d, p1 p2').stdout).toBe('1,2,3\nx,y\n');
    expect(k.sh('paste - -', { stdin: '1\n2\n3\n' }).stdout).toBe('1\t2\n3\t\n');
  });
  it('fold', () => {
    expect(run('fold -w 4', 'abcdefghij\n')).toBe('abcd\nefgh\nij\n');
    expect(run('fold -s -w 8', 'hello world foo bar\n')).toBe('hello \nworld \nfoo bar\n');
  });
  it('column', () => {
    expect(run('column -t', 'a b c\nlonger x y\n')).toBe('a       b  c\nlonger  x  y\n');
    expect(run('column -t -s:', 'a:b\ncc:d\n')).toBe('a   b\ncc  d\n');
    expect(run('column', 'a\nb\nc\n')).toBe('a\tb\tc\n');
    expect(run('column -t', 'x\tyy\n')).toBe('x  yy\n');
  });
  it('tee writes files and stdout', () => {
    const k = kit();
    const r = k.sh('tee out /nope/x', { stdin: 'hi\n' });
    expect(r.stdout).toBe('hi\n');
    expect(r.stderr).toBe('tee: /nope/x: No such file or directory\n');
    expect(r.status).toBe(1);
    k.sh('tee -a out', { stdin: 'more\n' });
    expect(k.read('/root/out')).toBe('hi\nmore\n');
  });
});

describe('seq, expr, factor, yes, sleep', () => {
  it('seq', () => {
    expect(run('seq 3')).toBe('1\n2\n3\n');
    expect(run('seq 1 2 8')).toBe('1\n3\n5\n7\n');
    expect(run('seq 1 0.5 3')).toBe('1.0\n1.5\n2.0\n2.5\n3.0\n');
    expect(run('seq -w 8 11')).toBe('08\n09\n10\n11\n');
    expect(run('seq -s, 3')).toBe('1,2,3\n');
    expect(run("seq -f '%03g' 3")).toBe('001\n002\n003\n');
    expect(run('seq 5 -1 3')).toBe('5\n4\n3\n');
    expect(run('seq 0.1 0.1 0.5')).toBe('0.1\n0.2\n0.3\n0.4\n0.5\n');
    expect(run('seq -w 1 0.5 2')).toBe('1.0\n1.5\n2.0\n');
    expect(run('seq 1e3 1e3')).toBe('1000\n');
    expect(run('seq -2 0')).toBe('-2\n-1\n0\n');
    expect(run('seq -w -3 1')).toBe('-3\n-2\n-1\n00\n01\n');
    expect(run('seq 10 1')).toBe('');
    expect(run("seq -f '%.2f' 1 2")).toBe('1.00\n2.00\n');
    expect(run("seq -f 'x%gy' 2")).toBe('x1y\nx2y\n');
    expect(run("seq -s '' 3")).toBe('123\n');
    const k = kit();
    expect(k.sh('seq x').stderr).toBe("seq: invalid floating point argument: \u2018x\u2019\nTry 'seq --help' for more information.\n");
    expect(k.sh('seq 1 0 5').stderr).toBe("seq: invalid Zero increment value: \u20180\u2019\nTry 'seq --help' for more information.\n");
    expect(k.sh("seq -f '%d' 1").stderr).toBe('seq: format \u2018%d\u2019 has unknown %d directive\n');
  });
  it('expr', () => {
    const e = (line: string): [string, number] => { const r = kit().sh('expr ' + line); return [r.stdout + r.stderr, r.status]; };
    expect(e('1 + 2')).toEqual(['3\n', 0]);
    expect(e('5 / 2')).toEqual(['2\n', 0]);
    expect(e("2 '*' 3")).toEqual(['6\n', 0]);
    expect(e('length hello')).toEqual(['5\n', 0]);
    expect(e('substr hello 2 3')).toEqual(['ell\n', 0]);
    expect(e('index hello l')).toEqual(['3\n', 0]);
    expect(e("match hello 'h\\(.*\\)o'")).toEqual(['ell\n', 0]);
    expect(e("hello : 'h.*'")).toEqual(['5\n', 0]);
    expect(e('0 + 0')).toEqual(['0\n', 1]);
    expect(e('1 / 0')).toEqual(['expr: division by zero\n', 2]);
    expect(e("3 '>' 2 '&' 0")).toEqual(['0\n', 1]);
    expect(e('1 +')).toEqual(['expr: syntax error: missing argument after \u2018+\u2019\n', 2]);
    expect(e('a + 1')).toEqual(['expr: non-integer argument\n', 2]);
  });
  it('factor', () => {
    expect(run('factor 12 97 1 0')).toBe('12: 2 2 3\n97: 97\n1:\n0:\n');
    expect(run('factor 18446744073709551615')).toBe('18446744073709551615: 3 5 17 257 641 65537 6700417\n');
  });
  it('yes streams until the reader goes away', () => {
    const r = kit().run(['yes'], { stdoutLimit: 100_000 });
    expect(r.signal).toBe('PIPE');
    expect(r.stdout.startsWith('y\ny\n')).toBe(true);
  });
  it('sleep advances the virtual clock', () => {
    const k = kit();
    k.sh('sleep 1.5 1m');
    expect(k.m.clock.us).toBe(61_500_000);
    expect(k.sh('sleep x').stderr).toBe("sleep: invalid time interval \u2018x\u2019\nTry 'sleep --help' for more information.\n");
  });
});

describe('printf conversions', () => {
  const f = (fmt: string, v: number, s = ''): string => parseFormat(fmt).map((p) => (typeof p === 'string' ? p : formatOne(p, v, s))).join('');
  it('matches C', () => {
    expect(f('%5.2f', 3.14159)).toBe(' 3.14');
    expect(f('%-5d|', 42)).toBe('42   |');
    expect(f('%05d', -42)).toBe('-0042');
    expect(f('%x', 255)).toBe('ff');
    expect(f('%#o', 8)).toBe('010');
    expect(f('%e', 12345.678)).toBe('1.234568e+04');
    expect(f('%g', 0.0001)).toBe('0.0001');
    expect(f('%g', 1e-5)).toBe('1e-05');
    expect(f('%g', 123456789)).toBe('1.23457e+08');
    expect(f('%G', 1e-10)).toBe('1E-10');
    expect(f('%g', 100)).toBe('100');
    expect(f('%.3s', 0, 'abcdef')).toBe('abc');
    expect(f('%+d', 5)).toBe('+5');
    expect(f('%c', 0, 'xyz')).toBe('x');
  });
});
