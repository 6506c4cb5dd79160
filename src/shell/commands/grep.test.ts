import { describe, expect, it } from 'vitest';
import { coreutilsCommands } from './coreutils.ts';
import { Kit } from './testkit.ts';

const NUMS = 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n';

function kit(): Kit {
  const k = new Kit(coreutilsCommands);
  k.write('/root/n', NUMS);
  k.write('/root/bin', 'a\0b\n');
  k.fs.mkdir('/root/d');
  k.write('/root/d/x', 'two in d\n');
  return k;
}

// Expected outputs were taken from GNU grep 3.8 on Debian 12 (identical to 3.6 for these).
describe('grep', () => {
  it('context, separators and line numbers', () => {
    expect(kit().sh('grep -n -C1 -e two -e six n').stdout).toBe('1-one\n2:two\n3-three\n--\n5-five\n6:six\n7-seven\n');
  });
  it('prefixes file names with several files; -c, -h, -H', () => {
    const k = kit();
    expect(k.sh('grep -c o n d/x').stdout).toBe('n:3\nd/x:1\n');
    expect(k.sh('grep -hc two n d/x').stdout).toBe('1\n1\n');
    expect(k.sh('grep -H x', { stdin: 'x\n' }).stdout).toBe('(standard input):x\n');
    expect(k.sh('grep -c x - n', { stdin: 'x\n' }).stdout).toBe('(standard input):1\nn:1\n');
  });
  it('binary files and directories', () => {
    const k = kit();
    const r = k.sh('grep a bin');
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('grep: bin: binary file matches\n');
    expect(r.status).toBe(0);
    const d = k.sh('grep two d');
    expect(d.stderr).toBe('grep: d: Is a directory\n');
    expect(d.status).toBe(2);
  });
  it('-r names files relative to the operand, or bare without one', () => {
    const k = kit();
    k.cwd = '/root/d';
    k.write('/root/d/y', 'nothing\n');
    expect(k.sh('grep -r two .').stdout).toBe('./x:two in d\n');
    expect(k.sh('grep -r two').stdout).toBe('x:two in d\n');
    k.cwd = '/root';
    expect(k.sh('grep -rl two /root/d').stdout).toBe('/root/d/x\n');
    expect(k.sh("grep -r --include=*.conf two d").stdout).toBe('');
  });
  it('-o, -b, -w, -x, -v, -m with trailing context', () => {
    const k = kit();
    expect(k.sh('grep -ob e n').stdout.split('\n').slice(0, 3)).toEqual(['2:e', '11:e', '12:e']);
    expect(k.sh("grep -w -o 'o\\w*'", { stdin: 'foo on ox\n' }).stdout).toBe('on\nox\n');
    expect(k.sh('grep -x -c one n').stdout).toBe('1\n');
    expect(k.sh('grep -vn o n').stdout).toBe('3:three\n5:five\n6:six\n7:seven\n8:eight\n');
    expect(k.sh('grep -m1 -A1 t n').stdout).toBe('two\nthree\n');
    expect(k.sh('grep -A1 -m2 t n').stdout).toBe('two\nthree\nfour\n');
    expect(k.sh("grep -n ''", { stdin: 'a\nb\n' }).stdout).toBe('1:a\n2:b\n');
  });
  it('exit statuses and messages', () => {
    const k = kit();
    expect(k.sh('grep').stderr).toBe("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
    expect(k.sh('grep').status).toBe(2);
    expect(k.sh('grep -j x n').stderr).toBe("grep: invalid option -- 'j'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
    expect(k.sh('grep -E ( n').stderr).toBe('grep: Unmatched ( or \\(\n');
    expect(k.sh('grep -A x y n').stderr).toBe('grep: x: invalid context length argument\n');
    expect(k.sh('grep -m x y n').stderr).toBe('grep: invalid max count\n');
    const s = k.sh('grep -s two nope n');
    expect([s.stdout, s.stderr, s.status]).toEqual(['n:two\n', '', 2]);
    const q = k.sh('grep -q two nope n');
    expect([q.stdout, q.stderr, q.status]).toEqual(['', 'grep: nope: No such file or directory\n', 0]);
    expect(k.sh('grep zzz n').status).toBe(1);
    expect(k.sh('grep [:space:] n').stderr).toBe('grep: character class syntax is [[:space:]], not [:space:]\n');
  });
  it('BRE and ERE syntax', () => {
    const k = kit();
    const g = (args: string, input: string): string => k.sh('grep ' + args, { stdin: input }).stdout;
    expect(g("-o 'a\\{2\\}'", 'aaa\n')).toBe('aa\n');
    expect(g("-o '\\(ab\\)\\1'", 'xababy\n')).toBe('abab\n');
    expect(g("'a\\|b'", 'b\n')).toBe('b\n');
    expect(g("'a|b'", 'a|b\nb\n')).toBe('a|b\n');
    expect(g("-E 'a|b'", 'b\n')).toBe('b\n');
    expect(g("-o '[[:digit:]]\\+'", 'port 8080\n')).toBe('8080\n');
    expect(g("-E -o '[0-9]{1,3}(\\.[0-9]{1,3}){3}'", 'inet 192.168.10.5/24\n')).toBe('192.168.10.5\n');
    expect(g("'a^b'", 'a^b\n')).toBe('a^b\n');
    expect(g("-E 'a{'", 'a{\n')).toBe('a{\n');
    expect(g("'*a'", '*a\n')).toBe('*a\n');
    expect(g("-F '.'", 'a.b\nab\n')).toBe('a.b\n');
    expect(g("-i 'HELLO'", 'hello\n')).toBe('hello\n');
    expect(g("-P '\\d+'", 'a1\nb\n')).toBe('a1\n');
    expect(g("'x{1}'", 'x{1}\n')).toBe('x{1}\n');
    expect(g("-o -E 'a+?'", 'aaa\n')).toBe('aaa\n');
    expect(g("'\\<on'", 'one\nnone\n')).toBe('one\n');
  });
  it('streams: yes | grep -m1 stops', () => {
    const k = kit();
    const r = k.sh('grep -m1 y', { stdin: 'y\n'.repeat(100000), chunk: 4096 });
    expect(r.stdout).toBe('y\n');
  });
  it('egrep and fgrep', () => {
    const k = kit();
    expect(k.sh('egrep t(wo|hree) n').stdout).toBe('two\nthree\n');
    expect(k.sh('fgrep t(wo n').status).toBe(1);
  });
});
