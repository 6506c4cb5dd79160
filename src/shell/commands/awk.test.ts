import { describe, expect, it } from 'vitest';
import { coreutilsCommands } from './coreutils.ts';
import { Kit } from './testkit.ts';

const kit = (): Kit => new Kit(coreutilsCommands);
const awk = (args: string[], stdin = ''): string => {
  const r = kit().run(['awk', ...args], { stdin });
  return r.stdout + r.stderr;
};

// Expected outputs from GNU Awk 5.2.1 on Debian 12 (5.1 prints the same for these).
describe('awk', () => {
  it('everyday one-liners', () => {
    expect(awk(['{print $1}'], 'a b\nc d\n')).toBe('a\nc\n');
    expect(awk(['-F:', '$3==0{print $1}', '/etc/passwd'])).toBe('root\n');
    expect(awk(['{s+=$2} END {print s}'], 'a 1\nb 2\nc 3.5\n')).toBe('6.5\n');
    expect(awk(['{print NR": "$0}'], 'x\ny\n')).toBe('1: x\n2: y\n');
    expect(awk(['NR==2'], 'x\ny\nz\n')).toBe('y\n');
    expect(awk(['/rs1/ {c++} END {print c+0}'], 'Hello rs1\nHello rs2\nHello rs1\n')).toBe('2\n');
    expect(awk(['{print $NF}'], 'a b c\n')).toBe('c\n');
    expect(awk(['!seen[$0]++'], 'a\nb\na\n')).toBe('a\nb\n');
    expect(awk(['{ n[$1]++ } END { for (k in n) print k, n[k] }'], 'rs1\nrs2\nrs1\n')).toBe('rs1 2\nrs2 1\n');
    expect(awk(['BEGIN { printf "%-6s|%5.2f|%d\\n", "ab", 3.14159, "42x" }'])).toBe('ab    | 3.14|42\n');
  });
  it('values, conversions and printing', () => {
    expect(awk(['BEGIN{printf "%d %s %5.2f|%c%c\\n", "12abc", 3.0, 2.345, 65, "hello"}'])).toBe('12 3  2.35|Ah\n');
    expect(awk(['BEGIN{print 1e30, 2^53, 0.1+0.2, 100000000000000000000, 1/3, -0}'])).toBe('1000000000000000019884624838656 9007199254740992 0.3 100000000000000000000 0.333333 0\n');
    expect(awk(['BEGIN{print 1==1.0, "a"<"b", "10"<"9", 10<9; x; print (x==0), (x=="")}'])).toBe('1 1 1 0\n1 1\n');
    expect(awk(['{print ($1<$2)}'], '10 9\n')).toBe('0\n');
    expect(awk(['BEGIN{print -2^2, 2^3^2, 5%3, -5%3, 7/2}'])).toBe('-4 512 2 -2 3.5\n');
    expect(awk(['BEGIN{a["x"];delete a; print length(a); print 1 " " 2, 1 2}'])).toBe('0\n1 2 12\n');
    expect(awk(['BEGIN{printf "%i|%5s|%-5s|%.3d|%e\\n", 3.9, "ab", "cd", 7, 0}'])).toBe('3|   ab|cd   |007|0.000000e+00\n');
  });
  it('fields, NF and $0 rebuilding', () => {
    expect(awk(['{$5="e"; print; print NF; NF=2; print; $0="x y"; print $2}'], 'a b c\n')).toBe('a b c  e\n5\na b\ny\n');
    expect(awk(['-F[,;]', '{print $2, NF}'], 'a,b;c\n')).toBe('b 3\n');
    expect(awk(['BEGIN{RS=""}{print NR": "$0" NF="NF}'], 'a b\n\nc d\ne\n')).toBe('1: a b NF=2\n2: c d\ne NF=3\n');
    expect(awk(['-v', 'x=a\\tb', 'BEGIN{print x}'])).toBe('a\tb\n');
    expect(awk(['{print FILENAME "|" FNR}'], 'x\n')).toBe('-|1\n');
    expect(awk(['BEGIN{OFS="-"}{$1=$1; print}'], 'a b c\n')).toBe('a-b-c\n');
    expect(awk(['-F', '\\t', '{print $2}'], 'a\tb c\n')).toBe('b c\n');
  });
  it('string functions', () => {
    expect(awk(['BEGIN { n = split("a:b:c", arr, ":"); print n, arr[3]; s="aaa"; print gsub(/a/,"b",s), s; t="hello"; sub(/l+/,"[&]",t); print t; print match("foobar", /o+/), RSTART, RLENGTH; print toupper("abc"), index("abc","c"); print int(-3.7), int("4x") }']))
      .toBe('3 c\n3 bbb\nhe[ll]o\n2 2 2\nABC 3\n-3 4\n');
    expect(awk(['BEGIN{s="abcdefgh"; print substr(s,1.5,2.5), substr(s,1.7,2), substr(s,2,1.5), substr(s,2.5), substr(s,0), substr(s,-1,3), substr(s,0,1), substr(s,3,-1) "|", substr(s,9) "|"}']))
      .toBe('ab ab b bcdefgh abcdefgh abc a | |\n');
    expect(awk(['{gsub(/a*/,"x"); print}'], 'baaac\n')).toBe('xbxcx\n');
    expect(awk(['BEGIN{print gensub(/(a)(b)/, "\\\\2\\\\1", "g", "abab")}'])).toBe('baba\n');
    expect(awk(['BEGIN{print length("héllo"), sprintf("%03d", 7)}'])).toBe('5 007\n');
  });
  it('control flow, functions, getline from a file', () => {
    const k = kit();
    k.write('/root/in', 'one\ntwo\n');
    const prog = 'function f(a, b) { return a * b } BEGIN { for (i = 0; i < 3; i++) { if (i == 1) continue; s = s i } print s, f(6, 7); while ((getline line < "/root/in") > 0) n++; print n; do { j++ } while (j < 5); print j }';
    expect(k.run(['awk', prog]).stdout).toBe('02 42\n2\n5\n');
    expect(k.run(['awk', 'function fill(arr) { arr["k"] = 1 } BEGIN { fill(x); print length(x), x["k"] }']).stdout).toBe('1 1\n');
    expect(k.run(['awk', 'NR==1{next} {print} END{print "end"}'], { stdin: 'a\nb\n' }).stdout).toBe('b\nend\n');
    expect(k.run(['awk', '{print; exit 3} END{print "end"}'], { stdin: 'a\nb\n' })).toMatchObject({ stdout: 'a\nend\n', status: 3 });
    expect(k.run(['awk', '/b/,/c/'], { stdin: 'a\nb\nx\nc\nd\n' }).stdout).toBe('b\nx\nc\n');
  });
  it('output redirection to files', () => {
    const k = kit();
    k.run(['awk', '{print $1 > "/tmp/out"} END{print "done" >> "/tmp/out"}'], { stdin: 'a\nb\n' });
    expect(k.read('/tmp/out')).toBe('a\nb\ndone\n');
    const r = k.run(['awk', 'BEGIN{print "oops" > "/dev/stderr"}']);
    expect(r.stderr).toBe('oops\n');
  });
  it('errors in gawk words', () => {
    const k = kit();
    let r = k.run(['awk', '{print $1']);
    expect([r.stderr, r.status]).toEqual(['awk: cmd. line:1: {print $1\nawk: cmd. line:1:          ^ unexpected newline or end of string\n', 1]);
    r = k.run(['awk', '{print $1}}']);
    expect(r.stderr).toBe('awk: cmd. line:1: {print $1}}\nawk: cmd. line:1:           ^ syntax error\n');
    r = k.run(['awk', 'BEGIN { print 1 +* 2 }']);
    expect(r.stderr).toBe('awk: cmd. line:1: BEGIN { print 1 +* 2 }\nawk: cmd. line:1:                  ^ syntax error\n');
    r = k.run(['awk', 'BEGIN{x=1/0}']);
    expect([r.stderr, r.status]).toEqual(['awk: cmd. line:1: error: division by zero attempted\n', 1]);
    r = k.run(['awk', '{x=1/$2}'], { stdin: 'a\n' });
    expect([r.stderr, r.status]).toEqual(['awk: cmd. line:1: (FILENAME=- FNR=1) fatal: division by zero attempted\n', 2]);
    r = k.run(['awk', '{print}', 'nope']);
    expect([r.stderr, r.status]).toEqual(["awk: fatal: cannot open file `nope' for reading: No such file or directory\n", 2]);
    r = k.run(['awk']);
    expect(r.stderr.startsWith('Usage: awk [POSIX or GNU style options] -f progfile [--] file ...\n')).toBe(true);
  });
  it('counting curl results: sort | uniq -c shape', () => {
    expect(awk(['{print $2}'], '      3 rs1\n      2 rs2\n')).toBe('rs1\nrs2\n');
    expect(awk(['{ printf "%s: %d%%\\n", $2, $1 * 100 / 5 }'], '      3 rs1\n      2 rs2\n')).toBe('rs1: 60%\nrs2: 40%\n');
  });
  it('an endless loop yields and can be stopped', () => {
    const k = kit();
    expect(() => k.run(['awk', 'BEGIN { while (1) x++ }'], { maxSteps: 50 })).toThrow(/did not finish/);
  });
});
