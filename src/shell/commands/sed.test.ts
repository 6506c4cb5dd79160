import { describe, expect, it } from 'vitest';
import { coreutilsCommands } from './coreutils.ts';
import { Kit } from './testkit.ts';

const kit = (): Kit => new Kit(coreutilsCommands);
const sed = (script: string, input: string, opts = ''): string => {
  const r = kit().run(['sed', ...(opts ? opts.split(' ') : []), script], { stdin: input });
  return r.stdout + r.stderr;
};
const err = (script: string): [string, number] => {
  const r = kit().run(['sed', script], { stdin: 'hello\nworld\n' });
  return [r.stderr, r.status];
};

// Expected outputs from GNU sed 4.9 on Debian 12 (4.8 prints the same for these).
describe('sed', () => {
  it('substitutions', () => {
    expect(sed('s/c/C/', 'a\nb\nc')).toBe('a\nb\nC');
    expect(sed('s/\\(\\w\\+\\) \\(\\w\\+\\)/\\2 \\1/', 'one two\n')).toBe('two one\n');
    expect(sed('s/b/\\n/', 'abc\n')).toBe('a\nc\n');
    expect(sed('s/l/L/2', 'hello\n')).toBe('helLo\n');
    expect(sed('s/l/L/2g', 'hellllo\n')).toBe('helLLLo\n');
    expect(sed('s/\\w\\+/\\u&/g', 'hello world\n')).toBe('Hello World\n');
    expect(sed('s/.*/\\U&\\E!/', 'Hello\n')).toBe('HELLO!\n');
    expect(sed('s/x/a\\tb/', 'x\n')).toBe('a\tb\n');
    expect(sed('s/a*/x/g', 'baaac\n')).toBe('xbxcx\n');
    expect(sed('s/a/b/w /dev/stdout', 'a\n')).toBe('b\nb\n');
    expect(sed('s|/usr|/opt|', '/usr/bin\n')).toBe('/opt/bin\n');
    expect(sed('s/[0-9]\\{1,3\\}$/X/', '10.0.0.25\n')).toBe('10.0.0.X\n');
    expect(sed('s/(a|b)+/X/', 'aab\n', '-E')).toBe('X\n');
    expect(sed('s/HELLO/bye/I', 'hello\n')).toBe('bye\n');
    expect(sed('s/^Listen 80$/Listen 8080/', 'Listen 80\n')).toBe('Listen 8080\n');
  });
  it('addresses and ranges', () => {
    expect(sed('$=', 'a\nb\nc\n', '-n')).toBe('3\n');
    expect(sed('2,4p', '1\n2\n3\n4\n5\n', '-n')).toBe('2\n3\n4\n');
    expect(sed('2,4!d', '1\n2\n3\n4\n5\n')).toBe('2\n3\n4\n');
    expect(sed('/2/,/4/{=;p}', '1\n2\n3\n4\n5\n', '-n')).toBe('2\n2\n3\n3\n4\n4\n');
    expect(sed('0~2p', '1\n2\n3\n', '-n')).toBe('2\n');
    expect(sed('2,+1p', '1\n2\n3\n4\n', '-n')).toBe('2\n3\n');
    expect(sed('0,/x/d', 'x\ny\nx\n')).toBe('y\nx\n');
    expect(sed('/^#/d;/^$/d', '# c\n\nkey=1\n')).toBe('key=1\n');
    expect(sed('$!d', 'a\nb\n')).toBe('b\n');
  });
  it('text commands', () => {
    expect(sed('2i\\\ninserted', '1\n2\n3\n')).toBe('1\ninserted\n2\n3\n');
    expect(sed('1a appended', '1\n2\n')).toBe('1\nappended\n2\n');
    expect(sed('2c\\changed', '1\n2\n3\n')).toBe('1\nchanged\n3\n');
    expect(sed('$a\\\nlast line', 'x\n')).toBe('x\nlast line\n');
    expect(sed('2,3c\\gone', '1\n2\n3\n4\n')).toBe('1\ngone\n4\n');
  });
  it('hold space, N, D, branches', () => {
    expect(sed(':a;N;$!ba;s/\\n/,/g', 'a\nb\nc\n')).toBe('a,b,c\n');
    expect(sed('$!N;s/\\n/ /', 'a\nb\n')).toBe('a b\n');
    expect(sed('G', 'a\nb\n')).toBe('a\n\nb\n\n');
    expect(sed('1!G;h;$p', 'a\nb\nc\n', '-n')).toBe('c\nb\na\n');
    expect(sed('$!N;P;D', '1\n2\n3\n')).toBe('1\n2\n3\n');
    expect(sed(':a;s/x//;ta', 'xxxa\n')).toBe('a\n');
    expect(sed('2q', '1\n2\n3\n')).toBe('1\n2\n');
    expect(sed('2Q', '1\n2\n3\n')).toBe('1\n');
  });
  it('y, l, =', () => {
    expect(sed('y/abc/xyz/', 'abc\n')).toBe('xyz\n');
    expect(sed('l', 'a\tb\x01\n', '-n')).toBe('a\\tb\\001$\n');
    expect(sed('=', 'a\nb\n')).toBe('1\na\n2\nb\n');
  });
  it('parse errors in GNU words with positions', () => {
    expect(err('s/a/b')).toEqual(["sed: -e expression #1, char 5: unterminated `s' command\n", 1]);
    expect(err('s/a/b/x')).toEqual(["sed: -e expression #1, char 7: unknown option to `s'\n", 1]);
    expect(err('k')).toEqual(["sed: -e expression #1, char 1: unknown command: `k'\n", 1]);
    expect(err('/x')).toEqual(['sed: -e expression #1, char 2: unterminated address regex\n', 1]);
    expect(err('s/\\(/x/')).toEqual(['sed: -e expression #1, char 7: Unmatched ( or \\(\n', 1]);
    expect(err('y/ab/c/')).toEqual(["sed: -e expression #1, char 7: strings for `y' command are different lengths\n", 1]);
    expect(err('3,')).toEqual(["sed: -e expression #1, char 2: unexpected `,'\n", 1]);
    expect(err('{p')).toEqual(["sed: -e expression #1, char 0: unmatched `{'\n", 1]);
    expect(err('p}')).toEqual(["sed: -e expression #1, char 2: unexpected `}'\n", 1]);
    expect(err('b foo')).toEqual(["sed: can't find label for jump to `foo'\n", 4]);
    expect(err('s/x/\\1/')).toEqual(["sed: -e expression #1, char 7: invalid reference \\1 on `s' command's RHS\n", 1]);
    expect(err('a')).toEqual(["sed: -e expression #1, char 1: expected \\ after `a', `c' or `i'\n", 1]);
    expect(err('s/o/0/0')).toEqual(["sed: -e expression #1, char 7: number option to `s' command may not be zero\n", 1]);
    expect(err('w')).toEqual(['sed: -e expression #1, char 1: missing filename in r/R/w/W commands\n', 1]);
    expect(err(':')).toEqual(['sed: -e expression #1, char 1: ":" lacks a label\n', 1]);
    expect(err('dp')).toEqual(['sed: -e expression #1, char 2: extra characters after command\n', 1]);
    expect(err('y/abc/')).toEqual(["sed: -e expression #1, char 6: unterminated `y' command\n", 1]);
    expect(err('!!d')).toEqual(["sed: -e expression #1, char 2: multiple `!'s\n", 1]);
    expect(err('s/a/b/gg')).toEqual(["sed: -e expression #1, char 8: multiple `g' options to `s' command\n", 1]);
    expect(err('q q')).toEqual(['sed: -e expression #1, char 3: extra characters after command\n', 1]);
  });
  it('-i edits in place with a backup; missing files', () => {
    const k = kit();
    k.write('/etc/httpd.conf', 'Listen 80\nUser apache\n');
    expect(k.sh("sed -i.bak 's/Listen 80/Listen 8080/' /etc/httpd.conf").status).toBe(0);
    expect(k.read('/etc/httpd.conf')).toBe('Listen 8080\nUser apache\n');
    expect(k.read('/etc/httpd.conf.bak')).toBe('Listen 80\nUser apache\n');
    const r = k.sh('sed p nope');
    expect([r.stderr, r.status]).toEqual(["sed: can't read nope: No such file or directory\n", 2]);
    expect(k.run(['sed']).stderr.startsWith('Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n')).toBe(true);
    expect(k.run(['sed']).status).toBe(1);
  });
  it('several -e join; files form one stream', () => {
    const k = kit();
    k.write('/root/a', '1\n2\n');
    k.write('/root/b', '3\n');
    expect(k.sh("sed -n -e 1p -e '$p' a b").stdout).toBe('1\n3\n');
    expect(k.sh("sed -s -n '$p' a b").stdout).toBe('2\n3\n');
  });
  it('stops an endless input with q', () => {
    const r = kit().run(['sed', '3q'], { stdin: 'y\n'.repeat(10000), chunk: 4096 });
    expect(r.stdout).toBe('y\ny\ny\n');
  });
});
