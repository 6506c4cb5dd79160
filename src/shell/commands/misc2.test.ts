import { describe, expect, it } from 'vitest';
import { coreutilsCommands } from './coreutils.ts';
import { md5Hex, sha256Hex } from './digest.ts';
import { Kit } from './testkit.ts';

const kit = (): Kit => new Kit(coreutilsCommands);

// Expected outputs from coreutils 9.1 / diffutils 3.8 / findutils 4.9 on Debian 12, adjusted to
// 8.32 where RHEL 9 differs (stat's Device line, locale quotes).
describe('basename, dirname, realpath, readlink', () => {
  it('basename and dirname', () => {
    const k = kit();
    expect(k.sh('basename /a/b/c.txt .txt').stdout).toBe('c\n');
    expect(k.sh('basename -a x/y z/w').stdout).toBe('y\nw\n');
    expect(k.sh('basename -s .c a.c b.c').stdout).toBe('a\nb\n');
    expect(k.sh('basename /').stdout).toBe('/\n');
    expect(k.sh('basename a b c').stderr).toBe("basename: extra operand \u2018c\u2019\nTry 'basename --help' for more information.\n");
    expect(k.sh('dirname /a/b c / a/b/').stdout).toBe('/a\n.\n/\na\n');
  });
  it('realpath and readlink', () => {
    const k = kit();
    k.fs.symlink('/etc/passwd', '/tmp/lnk');
    expect(k.sh('realpath /etc/../etc/passwd /tmp/lnk nope').stdout).toBe('/etc/passwd\n/etc/passwd\n/root/nope\n');
    const r = k.sh('realpath /nope/x');
    expect([r.stderr, r.status]).toEqual(['realpath: /nope/x: No such file or directory\n', 1]);
    expect(k.sh('readlink /tmp/lnk').stdout).toBe('/etc/passwd\n');
    expect(k.sh('readlink /etc/passwd').status).toBe(1);
    expect(k.sh('readlink -v /etc/passwd').stderr).toBe('readlink: /etc/passwd: Invalid argument\n');
    expect(k.sh('readlink -f /tmp/lnk').stdout).toBe('/etc/passwd\n');
    expect(k.sh('readlink -f /nope/x/y').status).toBe(1);
  });
});

describe('stat and file', () => {
  it('default stat format', () => {
    const k = kit();
    const ino = k.fs.stat('/var/www/html/index.html').ino;
    expect(k.sh('stat /var/www/html/index.html').stdout).toBe(
      '  File: /var/www/html/index.html\n'
      + '  Size: 24        \tBlocks: 8          IO Block: 4096   regular file\n'
      + `Device: fd00h/64768d\tInode: ${String(ino).padEnd(10)}  Links: 1\n`
      + 'Access: (0644/-rw-r--r--)  Uid: (    0/    root)   Gid: (    0/    root)\n'
      + 'Context: system_u:object_r:httpd_sys_content_t:s0\n'
      + 'Access: 2024-05-14 08:00:00.000000000 +0000\n'
      + 'Modify: 2024-05-14 08:00:00.000000000 +0000\n'
      + 'Change: 2024-05-14 08:00:00.000000000 +0000\n'
      + ' Birth: 2024-05-14 08:00:00.000000000 +0000\n');
    expect(k.sh("stat -c '%n|%s|%a|%A|%U|%F' /etc/passwd").stdout).toBe(`/etc/passwd|${k.fs.stat('/etc/passwd').size}|644|-rw-r--r--|root|regular file\n`);
    expect(k.sh('stat nope').stderr).toBe("stat: cannot statx 'nope': No such file or directory\n");
    expect(k.sh('stat /dev/null').stdout).toContain('character special file\nDevice: 5h/5d\tInode: ');
    expect(k.sh('stat /dev/null').stdout).toContain('Links: 1     Device type: 1,3\n');
  });
  it('file', () => {
    const k = kit();
    k.fs.symlink('/etc/passwd', '/tmp/lnk');
    k.write('/root/s.sh', '#!/bin/bash\necho hi\n', 0o755);
    k.write('/root/e', '');
    expect(k.sh('file /etc/passwd /tmp /dev/null /tmp/lnk nope').stdout).toBe(
      '/etc/passwd: ASCII text\n/tmp:        sticky, directory\n/dev/null:   character special (1/3)\n/tmp/lnk:    symbolic link to /etc/passwd\nnope:        cannot open `nope\' (No such file or directory)\n');
    expect(k.sh('file s.sh e /var/www/html/index.html').stdout).toBe(
      's.sh:                     Bourne-Again shell script, ASCII text executable\ne:                        empty\n/var/www/html/index.html: HTML document, ASCII text\n');
  });
});

describe('identity and system figures', () => {
  it('id, whoami, uname', () => {
    const k = kit();
    expect(k.sh('id').stdout).toBe('uid=0(root) gid=0(root) groups=0(root) context=unconfined_u:unconfined_r:unconfined_t:s0-s0:c0.c1023\n');
    expect(k.sh('id -u').stdout).toBe('0\n');
    expect(k.sh('id -un').stdout).toBe('root\n');
    expect(k.sh('id bob').stderr).toBe('id: \u2018bob\u2019: no such user\n');
    k.m.packages.add('httpd');
    expect(k.sh('id apache').stdout).toBe('uid=48(apache) gid=48(apache) groups=48(apache)\n');
    expect(k.sh('whoami').stdout).toBe('root\n');
    expect(k.sh('uname -r').stdout).toBe('5.14.0-427.13.1.el9_4.x86_64\n');
    expect(k.sh('uname').stdout).toBe('Linux\n');
    expect(k.sh('uname -a').stdout).toBe('Linux lvs 5.14.0-427.13.1.el9_4.x86_64 #1 SMP PREEMPT_DYNAMIC Wed Apr 10 10:29:16 EDT 2024 x86_64 x86_64 x86_64 GNU/Linux\n');
    expect(k.sh('uname -srm').stdout).toBe('Linux 5.14.0-427.13.1.el9_4.x86_64 x86_64\n');
  });
  it('uptime, free, df', () => {
    const k = kit();
    k.m.clock.us = 7 * 60 * 1e6;
    expect(k.sh('uptime').stdout).toBe(' 08:07:00 up 7 min,  1 user,  load average: 0.00, 0.00, 0.00\n');
    k.m.clock.us = 3 * 3600e6 + 5 * 60e6;
    expect(k.sh('uptime').stdout).toBe(' 11:05:00 up  3:05,  1 user,  load average: 0.00, 0.00, 0.00\n');
    expect(k.sh('uptime -p').stdout).toBe('up 3 hours, 5 minutes\n');
    const free = k.sh('free').stdout.split('\n');
    expect(free[0]).toBe('               total        used        free      shared  buff/cache   available');
    expect(free[1].startsWith('Mem:         1813852      278144 ')).toBe(true);
    expect(k.sh('free -h').stdout.split('\n')[1].startsWith('Mem:           1.7Gi       271Mi ')).toBe(true);
    expect(k.sh('df -h').stdout).toBe(
      'Filesystem             Size  Used Avail Use% Mounted on\n'
      + 'devtmpfs               4.0M     0  4.0M   0% /dev\n'
      + 'tmpfs                  886M     0  886M   0% /dev/shm\n'
      + 'tmpfs                  355M  5.0M  350M   2% /run\n'
      + '/dev/mapper/rhel-root   17G  1.7G   16G  10% /\n'
      + '/dev/sda1              960M  223M  738M  24% /boot\n'
      + 'tmpfs                  178M     0  178M   0% /run/user/0\n');
    expect(k.sh('df /var/www').stdout).toBe('Filesystem            1K-blocks    Used Available Use% Mounted on\n/dev/mapper/rhel-root  17811456 1772928  16038528  10% /\n');
  });
  it('printenv and env', () => {
    const k = kit();
    expect(k.sh('printenv HOME').stdout).toBe('/root\n');
    expect(k.sh('printenv NOPE').status).toBe(1);
    expect(k.sh('env').stdout).toContain('PATH=/usr/local/sbin');
    expect(k.sh('env FOO=bar printenv FOO').stdout).toBe('bar\n');
  });
});

describe('md5sum / sha256sum', () => {
  it('match the real digests', () => {
    expect(md5Hex('hello\n')).toBe('b1946ac92492d2347c6235b4d2611184');
    expect(sha256Hex('hello\n')).toBe('5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(md5Hex('a'.repeat(1000))).toBe('cabe45dcc9ae5b66ba86600cca6b8ba8');
    expect(sha256Hex('a'.repeat(1000))).toBe('41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3');
    expect(md5Hex('h\u00e9llo')).toBe('be50e8478cf24ff3595bc7307fb91b50');
  });
  it('output and -c', () => {
    const k = kit();
    expect(k.sh('md5sum', { stdin: 'hello\n' }).stdout).toBe('b1946ac92492d2347c6235b4d2611184  -\n');
    k.write('/root/h1', 'hello\n');
    k.write('/root/sums', 'b1946ac92492d2347c6235b4d2611184  h1\n');
    expect(k.sh('md5sum -c sums').stdout).toBe('h1: OK\n');
    k.write('/root/h1', 'x\n');
    const r = k.sh('md5sum -c sums');
    expect([r.stdout, r.stderr, r.status]).toEqual(['h1: FAILED\n', 'md5sum: WARNING: 1 computed checksum did NOT match\n', 1]);
    expect(k.sh('md5sum --tag h1').stdout).toBe('MD5 (h1) = 401b30e3b8b5d629635a5c613cdb7919\n');
    expect(k.sh('md5sum nope').stderr).toBe('md5sum: nope: No such file or directory\n');
  });
});

describe('diff', () => {
  const k = kit();
  k.write('/root/d1', 'a\nb\nc\nd\ne\n');
  k.write('/root/d2', 'a\nB\nc\ne\nf\n');
  k.write('/root/n1', 'x');
  k.write('/root/n2', 'y\n');
  it('normal format', () => {
    const r = k.sh('diff d1 d2');
    expect([r.stdout, r.status]).toEqual(['2c2\n< b\n---\n> B\n4d3\n< d\n5a5\n> f\n', 1]);
    expect(k.sh('diff n1 n2').stdout).toBe('1c1\n< x\n\\ No newline at end of file\n---\n> y\n');
    expect(k.sh('diff d1 d1').status).toBe(0);
  });
  it('unified and context', () => {
    expect(k.sh('diff -u d1 d2').stdout).toBe(
      '--- d1\t2024-05-14 08:00:00.000000000 +0000\n+++ d2\t2024-05-14 08:00:00.000000000 +0000\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n-d\n e\n+f\n');
    expect(k.sh('diff -u n1 n2').stdout.split('\n').slice(2).join('\n')).toBe('@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y\n');
    expect(k.sh('diff -c d1 d2').stdout.split('\n').slice(2).join('\n')).toBe(
      '***************\n*** 1,5 ****\n  a\n! b\n  c\n- d\n  e\n--- 1,5 ----\n  a\n! B\n  c\n  e\n+ f\n');
    const k2 = kit();
    k2.write('/root/s1', Array.from({ length: 20 }, (_v, i) => `${i + 1}\n`).join(''));
    k2.write('/root/s2', Array.from({ length: 20 }, (_v, i) => (i + 1 === 5 ? 'five\n' : i + 1 === 15 ? 'fifteen\n' : `${i + 1}\n`)).join(''));
    expect(k2.sh('diff -u s1 s2').stdout.split('\n').slice(2).join('\n')).toBe(
      '@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n@@ -12,7 +12,7 @@\n 12\n 13\n 14\n-15\n+fifteen\n 16\n 17\n 18\n');
  });
  it('-q, -s, errors', () => {
    expect(k.sh('diff -q d1 d2').stdout).toBe('Files d1 and d2 differ\n');
    expect(k.sh('diff -s d1 d1').stdout).toBe('Files d1 and d1 are identical\n');
    const r = k.sh('diff d1 nope');
    expect([r.stderr, r.status]).toEqual(['diff: nope: No such file or directory\n', 2]);
  });
});

describe('find and xargs', () => {
  function tree(): Kit {
    const k = kit();
    k.fs.mkdir('/root/ft/a/b', { parents: true });
    k.write('/root/ft/x.txt', '');
    k.write('/root/ft/a/y.txt', '');
    k.write('/root/ft/a/b/z.log', '');
    return k;
  }
  it('walks and tests', () => {
    const k = tree();
    expect(k.sh('find ft').stdout).toBe('ft\nft/a\nft/a/b\nft/a/b/z.log\nft/a/y.txt\nft/x.txt\n');
    expect(k.sh("find ft -name '*.txt'").stdout).toBe('ft/a/y.txt\nft/x.txt\n');
    expect(k.sh('find ft -type d').stdout).toBe('ft\nft/a\nft/a/b\n');
    expect(k.sh('find ft -maxdepth 1').stdout).toBe('ft\nft/a\nft/x.txt\n');
    expect(k.sh('find ft/ -mindepth 2 -type f').stdout).toBe('ft/a/b/z.log\nft/a/y.txt\n');
    expect(k.sh("find ft -path '*a/b*'").stdout).toBe('ft/a/b\nft/a/b/z.log\n');
    expect(k.sh("find ft -name '*.log' -o -name 'x*'").stdout).toBe('ft/a/b/z.log\nft/x.txt\n');
    expect(k.sh("find ft/x.txt -printf '%p %f %h %s %m %u\\n'").stdout).toBe('ft/x.txt x.txt ft 0 644 root\n');
    expect(k.sh('find ft -name a -prune -o -print').stdout).toBe('ft\nft/x.txt\n');
  });
  it('errors', () => {
    const k = tree();
    const r = k.sh('find nope');
    expect([r.stderr, r.status]).toEqual(['find: \u2018nope\u2019: No such file or directory\n', 1]);
    expect(k.sh('find ft -foo').stderr).toBe("find: unknown predicate `-foo'\n");
    expect(k.sh('find ft -name').stderr).toBe("find: missing argument to `-name'\n");
    expect(k.sh('find ft -type z').stderr).toBe('find: Unknown argument to -type: z\n');
    expect(k.sh('find ft -name a b').stderr).toBe("find: paths must precede expression: `b'\nfind: possible unquoted pattern after predicate `-name'?\n");
  });
  it('-exec and -delete', () => {
    const k = tree();
    expect(k.sh('find ft -name x.txt -exec echo found {} ;').stdout).toBe('found ft/x.txt\n');
    expect(k.sh('find ft -type f -exec echo {} +').stdout).toBe('ft/a/b/z.log ft/a/y.txt ft/x.txt\n');
    k.sh("find ft -name '*.log' -delete");
    expect(k.fs.exists('/root/ft/a/b/z.log')).toBe(false);
  });
  it('xargs', () => {
    const k = kit();
    expect(k.sh('xargs echo', { stdin: 'a b\nc' }).stdout).toBe('a b c\n');
    expect(k.sh('xargs -n 2 echo', { stdin: 'a b c d e' }).stdout).toBe('a b\nc d\ne\n');
    expect(k.sh('xargs -I{} echo <{}>', { stdin: 'x\ny\n' }).stdout).toBe('<x>\n<y>\n');
    expect(k.sh('xargs echo hi', { stdin: '' }).stdout).toBe('hi\n');
    expect(k.sh('xargs -r echo hi', { stdin: '' }).stdout).toBe('');
    const r = k.sh('xargs echo', { stdin: "it's" });
    expect([r.stderr, r.status]).toEqual(['xargs: unmatched single quote; by default quotes are special to xargs unless you use the -0 option\n', 1]);
    expect(k.sh('xargs -0 echo', { stdin: 'a\0b' }).stdout).toBe('a b\n');
    expect(k.sh('xargs -t echo', { stdin: 'a b' }).stderr).toBe('echo a b\n');
    expect(k.sh('xargs false', { stdin: '1\n' }).status).toBe(123);
  });
});

describe('date', () => {
  it('formats the virtual clock in UTC', () => {
    const k = kit();
    expect(k.sh('date').stdout).toBe('Tue May 14 08:00:00 UTC 2024\n');
    expect(k.sh("date '+%Y-%m-%d %H:%M:%S %s %a %b %e %Z'").stdout).toBe('2024-05-14 08:00:00 1715673600 Tue May 14 UTC\n');
    expect(k.sh("date -u -d @1715673600 '+%c|%x|%X|%D|%r|%p|%P|%j|%U|%V|%G|%u|%w|%_d|%-d|%^a|%10Y|%-10Y|%_5m|%05e|%:z|%::z|%z|%Z|%q|%k|%l|%#b|%#Z|%E|%O|%Od|%'").stdout)
      .toBe('Tue May 14 08:00:00 2024|05/14/24|08:00:00|05/14/24|08:00:00 AM|AM|am|135|19|20|2024|2|2|14|14|TUE|0000002024|2024|    5|00014|+00:00|+00:00:00|+0000|UTC|2| 8| 8|MAY|utc|%E|%O|14|%\n');
    expect(k.sh("date -d '2024-05-14 10:30' +%T").stdout).toBe('10:30:00\n');
    expect(k.sh("date -d '2 days ago' +%F").stdout).toBe('2024-05-12\n');
    expect(k.sh("date -d 'next week' +%F").stdout).toBe('2024-05-21\n');
    expect(k.sh("date -d 'Tue May 14 08:00:00 UTC 2024' +%s").stdout).toBe('1715673600\n');
    expect(k.sh('date -d foo').stderr).toBe('date: invalid date \u2018foo\u2019\n');
    expect(k.sh('date -d 2024-02-30').status).toBe(1);
    expect(k.sh('date -R').stdout).toBe('Tue, 14 May 2024 08:00:00 +0000\n');
    expect(k.sh('date -I').stdout).toBe('2024-05-14\n');
    expect(k.sh('date -Iseconds').stdout).toBe('2024-05-14T08:00:00+00:00\n');
  });
});

describe('--help and --version', () => {
  it('print the usage and the RHEL 9 package banner', () => {
    const k = kit();
    expect(k.sh('wc --help').stdout.startsWith('Usage: wc [OPTION]... [FILE]...\n')).toBe(true);
    expect(k.sh('wc --help').stdout).toContain("or available locally via: info '(coreutils) wc invocation'\n");
    expect(k.sh('ls --version').stdout.split('\n')[0]).toBe('ls (GNU coreutils) 8.32');
    expect(k.sh('grep --version').stdout.split('\n')[0]).toBe('grep (GNU grep) 3.6');
    expect(k.sh('sed --version').stdout.split('\n')[0]).toBe('sed (GNU sed) 4.8');
    expect(k.sh('awk --version').stdout.split('\n')[0]).toBe('GNU Awk 5.1.0, API: 3.0 (GNU MPFR 4.1.0-p13, GNU MP 6.2.0)');
    expect(k.sh('find --version').stdout).toBe('find (GNU findutils) 4.8.0\n');
    expect(k.sh('false --help').status).toBe(1);
  });
});
