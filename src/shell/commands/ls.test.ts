import { describe, expect, it } from 'vitest';
import { coreutilsCommands } from './coreutils.ts';
import { human } from './ls.ts';
import { Kit } from './testkit.ts';

const NAMES = ['a', 'bb', 'ccc', 'dddddddddd', 'eeeeeeeeeeeeeeee', 'f', 'g', 'h', 'iii', 'jjjjjjj', 'kkkkkkkkkkkkkkkk', 'lll'];

function kit(): Kit {
  const k = new Kit(coreutilsCommands);
  k.fs.mkdir('/root/t');
  for (const n of NAMES) k.write('/root/t/' + n, '');
  return k;
}

describe('ls', () => {
  it('lays out columns like GNU (tabs every 8, column-major)', () => {
    // ls -C -w 40 | cat -A   (coreutils 9.1 on Debian 12; same algorithm in 8.32)
    expect(kit().sh('ls -C -w 40 t').stdout).toBe(
      'a\t\t  g\nbb\t\t  h\nccc\t\t  iii\ndddddddddd\t  jjjjjjj\neeeeeeeeeeeeeeee  kkkkkkkkkkkkkkkk\nf\t\t  lll\n');
    expect(kit().sh('ls -x -w 40 t').stdout).toBe(
      'a\t    bb\t\t      ccc\ndddddddddd  eeeeeeeeeeeeeeee  f\ng\t    h\t\t      iii\njjjjjjj     kkkkkkkkkkkkkkkk  lll\n');
  });
  it('uses the terminal width on a tty and one name per line otherwise', () => {
    const k = kit();
    expect(k.sh('ls t').stdout).toBe(NAMES.join('\n') + '\n');
    expect(k.sh('ls t', { tty: true, cols: 200 }).stdout.split('\n').length).toBe(2);
  });
  it('long format with the SELinux dot and total', () => {
    const k = new Kit(coreutilsCommands);
    const r = k.sh('ls -l /var/www/html');
    expect(r.stdout).toBe('total 4\n-rw-r--r--. 1 root root 24 May 14 08:00 index.html\n');
    expect(k.sh('ls -l /var/www/html/index.html').stdout).toBe('-rw-r--r--. 1 root root 24 May 14 08:00 /var/www/html/index.html\n');
  });
  it('shows the year for old files and device numbers', () => {
    const k = new Kit(coreutilsCommands);
    k.fs.touch('/root/old', 1600000000);
    expect(k.sh('ls -l old').stdout).toBe('-rw-r--r--. 1 root root 0 Sep 13  2020 old\n');
    expect(k.sh('ls -l /dev/null /dev/zero').stdout).toBe(
      'crw-rw-rw-. 1 root root 1, 3 May 14 08:00 /dev/null\ncrw-rw-rw-. 1 root root 1, 5 May 14 08:00 /dev/zero\n');
  });
  it('errors with exit 2 and quotes the name', () => {
    const k = new Kit(coreutilsCommands);
    const r = k.sh('ls nope');
    expect(r.stderr).toBe("ls: cannot access 'nope': No such file or directory\n");
    expect(r.status).toBe(2);
    expect(k.sh('ls -z').stderr).toBe("ls: invalid option -- 'z'\nTry 'ls --help' for more information.\n");
    expect(k.sh('ls -z').status).toBe(2);
  });
  it('sorts like en_US.UTF-8: dots and case ignored first', () => {
    const k = new Kit(coreutilsCommands);
    k.write('/root/.bashrc', '');
    k.write('/root/anaconda-ks.cfg', '');
    k.write('/root/.bash_logout', '');
    k.write('/root/Zeta', '');
    expect(k.sh('ls -a').stdout).toBe('.\n..\nanaconda-ks.cfg\n.bash_logout\n.bashrc\nZeta\n');
    expect(k.sh('ls -A', { env: { LC_ALL: 'C' } }).stdout).toBe('.bash_logout\n.bashrc\nZeta\nanaconda-ks.cfg\n');
  });
  it('headers for several operands and -R', () => {
    const k = new Kit(coreutilsCommands);
    k.fs.mkdir('/root/d/e', { parents: true });
    k.write('/root/d/f', 'x');
    k.write('/root/g', 'y');
    expect(k.sh('ls d g').stdout).toBe('g\n\nd:\ne\nf\n');
    expect(k.sh('ls -R d').stdout).toBe('d:\ne\nf\n\nd/e:\n');
  });
  it('human sizes round up like GNU', () => {
    expect(human(22)).toBe('22');
    expect(human(1294)).toBe('1.3K');
    expect(human(1024)).toBe('1.0K');
    expect(human(10241)).toBe('11K');
    expect(human(1363672)).toBe('1.4M');
    expect(human(1048000)).toBe('1.0M');
    expect(human(1047552)).toBe('1023K');
  });
});

describe('ls -Z', () => {
  it('shows SELinux labels', () => {
    const k = new Kit(coreutilsCommands);
    expect(k.sh('ls -Z /var/www/html').stdout).toBe('system_u:object_r:httpd_sys_content_t:s0 index.html\n');
    expect(k.sh('ls -lZ /var/www/html').stdout).toBe('total 4\n-rw-r--r--. 1 root root system_u:object_r:httpd_sys_content_t:s0 24 May 14 08:00 index.html\n');
  });
});
