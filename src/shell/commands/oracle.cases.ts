/**
 * The cases of the oracle test: argument vectors run on each of INPUTS as stdin. Their expected
 * output was recorded from the real GNU tools (see oracle.gen.ts) into
 * __golden__/coreutils-oracle.json; oracle.test.ts replays them against our commands.
 */
/* eslint-disable no-useless-escape */
export const INPUTS: string[] = [
  'hello world\nabab aabb\n"quoted" text\n[bracket] x.y.z\n  spaces   here\nfoo bar baz\naaa bbb\nGET /index.html HTTP/1.1\n12.34 56 7.8\n',
  'b 2\na 10\nc 1\na 10\n',
  'root:x:0:0:root:/root:/bin/bash\nbin:x:1:1:bin:/bin:/sbin/nologin\ndaemon:x:2:2::/sbin:/sbin/nologin\n',
  '  hello   world  \n\tfoo\tbar\n\nlast line no nl',
  '10.0.0.1 - - [14/May/2024:08:00:00 +0000] "GET / HTTP/1.1" 200 24\n10.0.0.2 - - [14/May/2024:08:00:01 +0000] "GET /x HTTP/1.1" 404 196\n10.0.0.1 - - [14/May/2024:08:00:02 +0000] "GET / HTTP/1.1" 200 24\n',
  'aaa\nAAA\nabc\nab\n\n\nxyz 1.5\n-3\n+4\n0x10\n1e2\n',
];
export const CASES: string[][] = [
  ['sort'], ['sort', '-n'], ['sort', '-r'], ['sort', '-u'], ['sort', '-k2'], ['sort', '-k2n'], ['sort', '-t:', '-k3n'], ['sort', '-f'], ['sort', '-nr', '-k2,2'],
  ['sort', '-h'], ['sort', '-V'], ['sort', '-b', '-k2'], ['sort', '-s', '-k1,1'], ['sort', '-g'], ['sort', '-M'], ['sort', '-c'],
  ['uniq'], ['uniq', '-c'], ['uniq', '-d'], ['uniq', '-u'], ['uniq', '-i'], ['uniq', '-f1'], ['uniq', '-s2'], ['uniq', '-w2'],
  ['cut', '-d:', '-f1,3'], ['cut', '-c2-5'], ['cut', '-d', ' ', '-f2'], ['cut', '-f2'], ['cut', '-d:', '-f2-', '-s'], ['cut', '-c-3,5-'],
  ['tr', 'a-z', 'A-Z'], ['tr', '-d', ' '], ['tr', '-s', ' '], ['tr', '-cd', 'a-z\\n'], ['tr', '[:upper:]', '[:lower:]'], ['tr', '-s', 'a-z'],
  ['wc'], ['wc', '-l'], ['wc', '-w'], ['wc', '-c'], ['wc', '-L'],
  ['head', '-n', '2'], ['head', '-c', '7'], ['head', '-n', '-2'], ['tail', '-n', '2'], ['tail', '-c', '5'], ['tail', '-n', '+3'], ['head', '-n', '0'], ['tail', '-n', '0'],
  ['tac'], ['rev'], ['nl'], ['nl', '-ba'], ['fold', '-w', '5'], ['fold', '-s', '-w', '6'], ['paste', '-s', '-d,'], ['paste', '-', '-'],
  ['grep', 'a'], ['grep', '-v', 'a'], ['grep', '-c', 'a'], ['grep', '-n', 'o'], ['grep', '-o', '[0-9]\\+'], ['grep', '-E', 'a|b'], ['grep', '-w', 'a'],
  ['grep', '-x', 'aaa'], ['grep', '-i', 'AAA'], ['grep', '-A1', 'b'], ['grep', '-B1', '-n', 'c'], ['grep', '-C1', 'x'], ['grep', '-F', '.'], ['grep', '-oE', '[a-z]+'],
  ['grep', '-e', 'a', '-e', 'b'], ['grep', '^$'], ['grep', '-c', ''], ['grep', '-m1', 'a'], ['grep', '-ob', 'a'],
  ['sed', 's/a/X/'], ['sed', 's/a/X/g'], ['sed', '-n', '2p'], ['sed', '2d'], ['sed', '$d'], ['sed', '1!G;h;$!d'], ['sed', '-n', '/a/,/c/p'],
  ['sed', 's/\\([a-z]*\\) \\([0-9]*\\)/\\2 \\1/'], ['sed', '-E', 's/([a-z]+)/<\\1>/g'], ['sed', 'y/abc/ABC/'], ['sed', '='], ['sed', '-n', 'l'],
  ['sed', 'a foo'], ['sed', '2i\\\nbar'], ['sed', '$!N;s/\\n/ /'], ['sed', 's/[[:space:]]\\+/ /g'], ['sed', 's/x*/-/g'], ['sed', 's/a/b/2'], ['sed', 'N;P;D'],
  ['awk', '{print $1}'], ['awk', '{print NF}'], ['awk', '{print $NF}'], ['awk', '-F:', '{print $1, $3}'], ['awk', '{s+=$2} END{print s}'],
  ['awk', 'NR%2'], ['awk', '{print length($0)}'], ['awk', '{$1=""; print}'], ['awk', '{print toupper($0)}'], ['awk', '{n[$1]++} END{for(k in n) c++; print c}'],
  ['awk', '/a/{print NR": "$0}'], ['awk', '{printf "%-5s|%5.1f\\n", $1, $2}'], ['awk', '{print substr($0, 2, 3)}'], ['awk', '{gsub(/[0-9]/, "#"); print}'],
  ['awk', 'BEGIN{OFS="-"} {$1=$1} 1'], ['awk', '{print $2 + 0}'], ['awk', '{print ($2 > 5)}'], ['awk', 'END{print NR}'], ['awk', '{print split($0, a, /[ :]/)}'],
  ['awk', '{x = x $1} END {print x}'], ['awk', '{print index($0, "a")}'], ['awk', '{if (match($0, /[0-9]+/)) print RSTART, RLENGTH}'], ['awk', '{print $1 * 2, $1 / 3}'],
  ['awk', 'length > 10'], ['awk', '{print; next} END{print "x"}'], ['awk', '-v', 'n=2', 'NR==n'], ['awk', '{printf "%d %x %o %e %s\\n", $2, $2, $2, $2, $1}'],
  ['comm', '-', '/dev/null'], ['expr', '3', '+', '4'], ['seq', '3', '-1', '-2'], ['seq', '-w', '0', '0.25', '1'],
  ['md5sum'], ['sha256sum'], ['column', '-t'],
];
const BRE = ['a*', 'a\\+', 'a\\?b', '[[:alpha:]]\\{2,\\}', '^[^ ]*', '[0-9]\\{1,3\\}\\.', '\\(a\\|b\\)', 'x*', '\\<[a-z]', '[a-z]\\>',
  '\\bl', '.\\{3\\}$', '[].-]', '[^a-z ]', '\\(.\\)\\1', 'o\\{,1\\}', '^$', '[[:space:]]\\+', '"[^"]*"', 'HTTP/1\\.[01]', '[[:upper:]]',
  '\\w\\+', '\\W', '\\s', 'a\\{2\\}', '*a', 'a**', '\\(^a\\)', 'b$\\|^a', '[a\\]*'];
const ERE = ['a+', '(ab|a)c?', '[0-9]{2,}', '(a|b)+$', '^(\\w+) (\\w+)', 'x?y*', '[[:digit:]]+\\.[[:digit:]]+', '\\.', 'a{1}b{0,1}', '(.)\\1',
  '[^[:alnum:]]+', '"(GET|POST) [^ ]+', 'o+|l+', '\\[[^]]*\\]', '^.{0,5}', '(a)|b'];
for (const re of BRE) { CASES.push(['grep', '-o', re]); CASES.push(['sed', `s/${re.replace(/\//g, '\\/')}/[&]/g`]); CASES.push(['grep', '-c', re]); }
for (const re of ERE) { CASES.push(['grep', '-oE', re]); CASES.push(['sed', '-E', `s/${re.replace(/\//g, '\\/')}/<&>/g`]); CASES.push(['awk', `{gsub(/${re.replace(/\//g, '\\/')}/, "<&>"); print}`]); CASES.push(['awk', `/${re.replace(/\//g, '\\/')}/`]); }
const TR = [['a-c', 'x-z'], ['-d', '[:punct:]'], ['-s', '[:space:]'], ['-c', '[:alnum:]\\n', '_'], ['[:lower:]', '[:upper:]'], ['-d', '0-9'], ['ab', 'x'], ['-t', 'abc', 'x'], ['a-z', 'A-M'], ['\\n', ' ']];
for (const t of TR) CASES.push(['tr', ...t]);

/** Cases whose interesting part is the error message; run on the first input only. */
export const ERROR_CASES: string[][] = [
  ['sort', '-k', '0'], ['sort', '-t', 'ab'], ['sort', '-x'], ['sort', 'nope'], ['cut', '-f0'], ['cut'], ['cut', '-d', 'ab', '-f1'],
  ['cut', '-c1', '-d:'], ['cut', '-f', '3-1'], ['tr'], ['tr', 'a'], ['tr', 'z-a', 'x'], ['tr', '[:foo:]', 'x'], ['sed', 's/a/b'],
  ['sed', 's/a/b/x'], ['sed', 'k'], ['sed', '/x'], ['sed', 'y/ab/c/'], ['sed', '3,'], ['sed', 'b foo'], ['sed', 's/x/\\1/'],
  ['grep', '-E', '('], ['grep', '['], ['grep', 'a\\{1'], ['grep', '-A', 'x', 'y'], ['grep', 'x', 'nope'], ['uniq', '-x'],
  ['head', '-n', 'x'], ['tail', '-c', 'x'], ['head', 'nope'], ['seq', 'x'], ['seq', '1', '0', '5'], ['seq'], ['wc', 'nope'],
  ['cat', 'nope'], ['cat', '-z'], ['expr', '1', '/', '0'], ['expr', '1', '+'], ['expr', 'a', '+', '1'], ['expr'], ['tac', 'nope'],
  ['nl', '-b', 'x'], ['fold', '-w', 'x'], ['comm', 'nope', '-'], ['md5sum', 'nope'], ['paste', 'nope'], ['awk', '{print $1'],
  ['awk', '{print $1}}'], ['awk', 'BEGIN { print 1 +* 2 }'], ['awk', 'BEGIN{x=1/0}'], ['awk', '{x=1/$5}'], ['factor', 'x'],
  ['basename'], ['dirname'], ['sleep', 'x'], ['date', '-d', 'foo'], ['mkdir'], ['rm'], ['cp'], ['mv'], ['ln'], ['touch'],
  ['ls', 'nope'], ['ls', '-z'], ['rmdir', 'nope'], ['chmod', 'zz', 'f'], ['realpath', '/nope/x'], ['readlink'], ['stat'],
];

const AWK = [
  '{ $2 = ""; print }', '{ print NF ":" $0 }', 'NR > 1 { print prev } { prev = $0 }', '{ a[NR] = $0 } END { for (i = NR; i > 0; i--) print a[i] }',
  '{ printf "%5s|%-5s|%05.1f|%x\\n", $1, $2, $2, NR }', 'BEGIN { FS = ":" } { print $NF }', '{ n = split($0, w); print n, w[n] }',
  '{ print length() }', '{ sub(/[aeiou]/, "_"); print }', '{ print gensub(/([a-z])([a-z])/, "\\\\2\\\\1", "g") }', '{ print tolower($1) toupper($2) }',
  '{ s = s $0 "," } END { print substr(s, 1, length(s) - 1) }', '{ c[$1]++ } END { n = 0; for (k in c) n += c[k]; print n }',
  '$1 ~ /^[0-9.]+$/ { print "num", $1 } $1 !~ /^[0-9.]+$/ { print "str", $1 }', '{ print ($1 == $1 + 0) ? "n" : "s" }',
  'BEGIN { OFS = "\\t" } { $1 = $1; print }', '{ print NR % 2 ? "odd" : "even" }', 'NF { last = $NF } END { print last }',
  '{ x += length($0) } END { printf "%.2f\\n", x / NR }', '{ while (i++ < 2) print i; i = 0 }', '{ for (i = NF; i > 0; i--) printf "%s ", $i; print "" }',
  '/^$/ { next } { print }', '{ print index($0, " ") }', '{ $0 = toupper($0); print $1 }', 'END { print $0 }', '{ print $(NF-1) }',
  '{ print match($0, /[0-9]+/) ? substr($0, RSTART, RLENGTH) : "-" }', '{ printf "%s%s", sep, $1; sep = "," } END { print "" }',
  '{ print 1e6, 1e-5, 123456789012, 0.1 * 3, 2^31, -7 % 3, int(-7 / 2) }', '{ print $1 > "/dev/stderr" }',
  'BEGIN { printf "%c%c%c\\n", 72, "i!", 10 }', '{ print substr($0, 3) }', '{ print NR, NF, FNR }', '!($1 in seen) { seen[$1]; print $1 }',
];
const SED = [
  '-n;/a/{p;q}', 's/\\(.*\\)/[\\1]/', 's/[0-9]/&&/g', 's/ *$//', 's/^[ \\t]*//', '/^$/d', '$!d', 'n;d', '-n;$p', '1~3d', '2,$s/^/> /',
  's/\\b\\(.\\)/\\u\\1/g', 's/.*/\\L&/', 's/o/0/3', 'y/abcdefghij/0123456789/', '/a/!s/$/ !a/', '-n;/b/,+1p', '0,/a/s//A/', 's/a\\|b/X/g',
  '-E;s/(\\w+)\\s+(\\w+)/\\2 \\1/', '-E;s/[[:digit:]]{2,}/<&>/g', 'G;G', '-n;h;n;G;p', 'x;$!d;x', 's/$/\\r/', '-n;l 20', '$=', 'N;N;s/\\n/+/g',
  '/\\[/s/\\[[^]]*\\]/[DATE]/', 's/"\\([^"]*\\)"/<\\1>/g', 's|/|\\\\|g', '-n;s/a/A/gp', 's/a/A/2g', '2q;s/$/./', '-s;$!d',
];
for (const a of AWK) CASES.push(['awk', a]);
for (const s of SED) CASES.push(s.startsWith('-') ? ['sed', ...s.split(';').slice(0, 1), s.slice(s.indexOf(';') + 1)] : ['sed', s]);
CASES.push(['grep', '-n', '-A', '1', '-B', '1', 'a'], ['grep', '-vc', 'x'], ['grep', '-w', 'bar'], ['grep', '-E', '-w', 'a{3}|b{3}'], ['grep', '-o', '-b', '-E', '[0-9]+'],
  ['grep', '-i', '-o', 'GET'], ['grep', '-x', '-E', '[a-z ]+'], ['grep', '-m', '2', '-c', '.'], ['grep', '-L', 'zzz'], ['grep', '-l', 'a'], ['grep', '-H', 'a'],
  ['grep', '-f', '/dev/null'], ['grep', '-e', '', '-c'], ['grep', '-F', '-x', 'aaa'], ['grep', '-F', '-e', 'a', '-e', 'b', '-o'], ['grep', '-q', 'a'],
  ['sort', '-k1,1', '-k2n'], ['sort', '-t', ' ', '-k2,2nr', '-k1,1'], ['sort', '-rn'], ['sort', '-ru'], ['sort', '-k2.2'], ['sort', '-d'], ['sort', '-i'],
  ['uniq', '-c', '-i'], ['uniq', '-D'], ['cut', '-b', '1,3,5'], ['cut', '--complement', '-c', '2-4'], ['cut', '-d', ' ', '-f', '1,3', '--output-delimiter', '|'],
  ['head', '-c', '-5'], ['tail', '-c', '+5'], ['head', '-3'], ['tail', '-1'], ['nl', '-n', 'rz', '-w', '3', '-s', ' '], ['nl', '-b', 'pa'], ['fold', '-b', '-w', '3'],
  ['paste', '-d', ':,', '-', '-', '-'], ['tr', '-s', '\\n'], ['tr', 'a-z', '*'], ['tr', '-d', '\\n'], ['tr', 'abc', '[x*]'], ['tr', '-c', 'a', 'z'],
  ['wc', '-lwc'], ['wc', '-m'], ['rev'], ['tac', '-s', ' '], ['column', '-t', '-s', ':'], ['column', '-c', '30'], ['column', '-x', '-c', '40']);

/** Commands that ignore stdin (or whose output does not depend on it); run on the first input only. */
export const SINGLE_CASES: string[][] = [
  ['seq', '5'], ['seq', '2', '2', '11'], ['seq', '-s', ' ', '1', '5'], ['seq', '-f', '%.3e', '1', '3'], ['seq', '1', '0.1', '1.5'], ['seq', '-w', '-5', '5'],
  ['seq', '10', '-3', '1'], ['seq', '0.5', '2'], ['seq', '-s', ', ', '3'], ['seq', '1e2', '1e2', '3e2'],
  ['expr', '10', '%', '3'], ['expr', '2', '*', '3', '+', '1'], ['expr', '(', '2', '+', '3', ')', '*', '2'], ['expr', 'abc', ':', 'a\\(.\\)'],
  ['expr', 'length', 'abcdef'], ['expr', 'substr', 'abcdef', '2', '3'], ['expr', 'index', 'abcdef', 'dc'], ['expr', '5', '>', '3'], ['expr', 'a', '<', 'b'],
  ['expr', '0', '|', '3'], ['expr', '0', '&', '3'], ['expr', '-5', '+', '2'], ['expr', '7', '/', '-2'],
  ['factor', '1', '2', '60', '97', '1001', '65536', '999999999989', '600851475143'],
  ['date', '-u', '-d', '@1715673600', '+%A %B %d %j %U %W %V %G %u %w %y %C %I %l %p %M %S %n%t%%'],
  ['date', '-u', '-d', '@0'], ['date', '-u', '-d', '@1715673600', '-R'], ['date', '-u', '-d', '@1715673600', '-I'], ['date', '-u', '-d', '@1715673600', '-Iseconds'],
  ['date', '-u', '-d', '2024-02-29 13:45:10', '+%s %F %T'], ['date', '-u', '-d', '@1700000000', '+%c'], ['date', '-u', '-d', '@1715673600', '+%-d/%-m/%y %_H|%-I|%k'],
  ['basename', '/usr/lib/'], ['basename', 'file.tar.gz', '.gz'], ['basename', '-a', '/a/b', 'c/', '/'], ['dirname', 'a', '/a', 'a/b/c', '//', '.'],
];
