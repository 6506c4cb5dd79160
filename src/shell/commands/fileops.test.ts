import { describe, expect, it } from 'vitest';
import { coreutilsCommands } from './coreutils.ts';
import { applyMode } from './fileops.ts';
import { Kit } from './testkit.ts';

const kit = (): Kit => new Kit(coreutilsCommands);

describe('mkdir / rmdir', () => {
  it('creates with -p -v and reports errors', () => {
    const k = kit();
    expect(k.sh('mkdir -v -p a/b/c').stdout).toBe("mkdir: created directory 'a'\nmkdir: created directory 'a/b'\nmkdir: created directory 'a/b/c'\n");
    expect(k.sh('mkdir a').stderr).toBe('mkdir: cannot create directory \u2018a\u2019: File exists\n');
    expect(k.sh('mkdir x/y', { env: { LANG: 'C' } }).stderr).toBe("mkdir: cannot create directory 'x/y': No such file or directory\n");
    expect(k.sh('mkdir -m zz q').stderr).toBe('mkdir: invalid mode \u2018zz\u2019\n');
    expect(k.sh('mkdir').stderr).toBe("mkdir: missing operand\nTry 'mkdir --help' for more information.\n");
    k.sh('mkdir -m 700 m');
    expect(k.fs.stat('/root/m').mode).toBe(0o700);
    expect(k.fs.stat('/root/a').mode).toBe(0o755);
  });
  it('rmdir', () => {
    const k = kit();
    k.sh('mkdir -p a/b/c');
    k.write('/root/f', 'x');
    expect(k.sh('rmdir nope').stderr).toBe("rmdir: failed to remove 'nope': No such file or directory\n");
    expect(k.sh('rmdir a').stderr).toBe("rmdir: failed to remove 'a': Directory not empty\n");
    expect(k.sh('rmdir f').stderr).toBe("rmdir: failed to remove 'f': Not a directory\n");
    expect(k.sh('rmdir -p -v a/b/c').stdout).toBe("rmdir: removing directory, 'a/b/c'\nrmdir: removing directory, 'a/b'\nrmdir: removing directory, 'a'\n");
    expect(k.fs.exists('/root/a')).toBe(false);
  });
});

describe('cp', () => {
  it('copies files and directories with GNU messages', () => {
    const k = kit();
    k.write('/root/f', 'data\n');
    k.fs.mkdir('/root/d');
    k.write('/root/d/f', 'in d\n');
    expect(k.sh('cp').stderr).toBe("cp: missing file operand\nTry 'cp --help' for more information.\n");
    expect(k.sh('cp f').stderr).toBe("cp: missing destination file operand after 'f'\nTry 'cp --help' for more information.\n");
    expect(k.sh('cp nope x').stderr).toBe("cp: cannot stat 'nope': No such file or directory\n");
    expect(k.sh('cp d e').stderr).toBe("cp: -r not specified; omitting directory 'd'\n");
    expect(k.sh('cp -v f g').stdout).toBe("'f' -> 'g'\n");
    expect(k.read('/root/g')).toBe('data\n');
    expect(k.sh('cp -r -v d d2').stdout).toBe("'d' -> 'd2'\n'd/f' -> 'd2/f'\n");
    expect(k.read('/root/d2/f')).toBe('in d\n');
    expect(k.sh('cp f f').stderr).toBe("cp: 'f' and 'f' are the same file\n");
    expect(k.sh('cp f g h').stderr).toBe("cp: target 'h' is not a directory\n");
    expect(k.sh('cp -r d f').stderr).toBe("cp: cannot overwrite non-directory 'f' with directory 'd'\n");
    expect(k.sh('cp -r d d').stderr).toBe("cp: cannot copy a directory, 'd', into itself, 'd/d'\n");
    expect(k.sh('cp -v f d').stdout).toBe("'f' -> 'd/f'\n");
  });
  it('-i asks on stderr and reads the answer', () => {
    const k = kit();
    k.write('/root/a', 'new\n');
    k.write('/root/b', 'old\n');
    let r = k.sh('cp -i a b', { stdin: 'n\n' });
    expect(r.stderr).toBe("cp: overwrite 'b'? ");
    expect(k.read('/root/b')).toBe('old\n');
    r = k.sh('cp -i a b', { stdin: 'y\n' });
    expect(k.read('/root/b')).toBe('new\n');
    expect(r.status).toBe(0);
  });
  it('-p preserves mode, owner and times; plain cp applies the umask', () => {
    const k = kit();
    k.write('/root/x', 'x', 0o600);
    k.fs.lookup('/root/x').mtime = 1600000000;
    k.sh('cp -p x y');
    expect(k.fs.stat('/root/y').mtime).toBe(1600000000);
    expect(k.fs.stat('/root/y').mode).toBe(0o600);
    k.write('/root/s', 'x', 0o777);
    k.sh('cp s t');
    expect(k.fs.stat('/root/t').mode).toBe(0o755);
  });
});

describe('mv / rm', () => {
  it('mv renames and refuses to move into itself', () => {
    const k = kit();
    k.write('/root/g', 'g');
    k.fs.mkdir('/root/d');
    expect(k.sh('mv').stderr).toBe("mv: missing file operand\nTry 'mv --help' for more information.\n");
    expect(k.sh('mv nope x').stderr).toBe("mv: cannot stat 'nope': No such file or directory\n");
    expect(k.sh('mv -v g g2').stdout).toBe("renamed 'g' -> 'g2'\n");
    expect(k.sh('mv g2 d -v').stdout).toBe("renamed 'g2' -> 'd/g2'\n");
    expect(k.sh('mv d d/sub').stderr).toBe("mv: cannot move 'd' to a subdirectory of itself, 'd/sub'\n");
  });
  it('rm messages, -r, -f, -i and the root failsafe', () => {
    const k = kit();
    k.fs.mkdir('/root/d/d', { parents: true });
    k.write('/root/d/f', 'x');
    k.write('/root/d/d/y', '');
    k.write('/root/g', 'x');
    expect(k.sh('rm').stderr).toBe("rm: missing operand\nTry 'rm --help' for more information.\n");
    expect(k.sh('rm nope').stderr).toBe("rm: cannot remove 'nope': No such file or directory\n");
    expect(k.sh('rm -f nope').status).toBe(0);
    expect(k.sh('rm d').stderr).toBe("rm: cannot remove 'd': Is a directory\n");
    expect(k.sh('rm -i g', { stdin: 'n\n' }).stderr).toBe("rm: remove regular file 'g'? ");
    expect(k.fs.exists('/root/g')).toBe(true);
    expect(k.sh('rm -v g').stdout).toBe("removed 'g'\n");
    expect(k.sh('rm -rv d').stdout).toBe("removed 'd/d/y'\nremoved directory 'd/d'\nremoved 'd/f'\nremoved directory 'd'\n");
    expect(k.sh('rm -rf /').stderr).toBe("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n");
    expect(k.sh('rm -r .').stderr).toBe("rm: refusing to remove '.' or '..' directory: skipping '.'\n");
    k.write('/root/e', '');
    expect(k.sh('rm -i e', { stdin: 'y\n' }).stderr).toBe("rm: remove regular empty file 'e'? ");
    expect(k.fs.exists('/root/e')).toBe(false);
  });
});

describe('ln / touch', () => {
  it('ln -s, -f and errors', () => {
    const k = kit();
    k.write('/root/f', 'x');
    expect(k.sh('ln -s f f').stderr).toBe("ln: failed to create symbolic link 'f': File exists\n");
    expect(k.sh('ln nope x').stderr).toBe("ln: failed to access 'nope': No such file or directory\n");
    k.sh('ln -s x y');
    expect(k.sh('ln -s x y').stderr).toBe("ln: failed to create symbolic link 'y': File exists\n");
    expect(k.sh('ln -sfv f y').stdout).toBe("'y' -> 'f'\n");
    expect(k.fs.readlink('/root/y')).toBe('f');
    k.sh('ln f h');
    k.fs.writeFile('/root/h', 'shared');
    expect(k.read('/root/f')).toBe('shared');
  });
  it('touch creates, -d sets the time, errors quote', () => {
    const k = kit();
    expect(k.sh('touch a/b').stderr).toBe("touch: cannot touch 'a/b': No such file or directory\n");
    k.sh('touch -d 2024-01-02 t');
    expect(k.fs.stat('/root/t').mtime).toBe(Date.UTC(2024, 0, 2) / 1000);
    k.sh('touch -t 202001010000 t');
    expect(k.fs.stat('/root/t').mtime).toBe(Date.UTC(2020, 0, 1) / 1000);
  });
});

describe('chmod / chown', () => {
  it('applies symbolic and octal modes', () => {
    expect(applyMode('u+x,go-w', 0o666, false, 0o022)).toBe(0o744);
    expect(applyMode('a=r', 0o755, false, 0o022)).toBe(0o444);
    expect(applyMode('+x', 0o644, false, 0o022)).toBe(0o755);
    expect(applyMode('g=u', 0o740, false, 0o022)).toBe(0o770);
    expect(applyMode('+X', 0o644, true, 0o022)).toBe(0o755);
    expect(applyMode('+X', 0o644, false, 0o022)).toBe(0o644);
    expect(applyMode('u+s,+t', 0o755, false, 0o022)).toBe(0o5755);
    expect(applyMode('755', 0o644, false, 0o022)).toBe(0o755);
    expect(applyMode('zz', 0o644, false, 0o022)).toBeUndefined();
  });
  it('chmod messages', () => {
    const k = kit();
    k.write('/root/f', 'x');
    expect(k.sh('chmod zz f').stderr).toBe("chmod: invalid mode: \u2018zz\u2019\nTry 'chmod --help' for more information.\n");
    expect(k.sh('chmod 644 nope').stderr).toBe("chmod: cannot access 'nope': No such file or directory\n");
    expect(k.sh('chmod -v 755 f').stdout).toBe("mode of 'f' changed from 0644 (rw-r--r--) to 0755 (rwxr-xr-x)\n");
    expect(k.sh('chmod -x f').status).toBe(0);
    expect(k.fs.stat('/root/f').mode).toBe(0o644);
    k.sh('chmod -R go-rx /var/www');
    expect(k.fs.stat('/var/www/html/index.html').mode).toBe(0o600);
  });
  it('chown knows root, and apache once httpd is installed', () => {
    const k = kit();
    k.write('/root/f', 'x');
    expect(k.sh('chown bob f').stderr).toBe('chown: invalid user: \u2018bob\u2019\n');
    expect(k.sh('chown root:bob f').stderr).toBe('chown: invalid group: \u2018root:bob\u2019\n');
    expect(k.sh('chown apache f').status).toBe(1);
    k.m.packages.add('httpd');
    expect(k.sh('chown -R apache:apache /var/www/html').status).toBe(0);
    expect(k.fs.stat('/var/www/html/index.html').uid).toBe(48);
    expect(k.sh('ls -l /var/www/html').stdout).toContain(' apache apache ');
    expect(k.sh('chown -v root: f').stdout).toBe("ownership of 'f' retained as root:root\n");
  });
});
