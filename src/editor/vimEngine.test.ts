import { describe, expect, it } from 'vitest';
import { type EditTarget, plainTarget, vimOpenMessage, vimWrite, nanoOpenMessage, nanoWrite, bufferOf, fileOf, lineCount } from './fileTarget.ts';
import { VimEngine, type VimHost } from './vimEngine.ts';
import { expandReplacement, vimRegex } from './vimRegex.ts';

/** An in-memory file system for the engine. */
function memHost(files: Record<string, string>, fail: Record<string, string> = {}): VimHost & { files: Record<string, string> } {
  return {
    files,
    target: (n) => ({ ...plainTarget(n.startsWith('/') ? n : '/root/' + n, files[n] ?? '', n), kind: n in files ? 'file' : 'new' }),
    write: (path, text) => {
      if (fail[path]) return fail[path];
      files[path.replace('/root/', '')] = text;
      return null;
    },
    read: (path) => files[path.replace('/root/', '')] ?? null,
  };
}

function run(text: string, keys: string, opts: { exMode?: boolean; target?: Partial<EditTarget>; fail?: Record<string, string> } = {}) {
  const host = memHost({ f: text }, opts.fail);
  const t: EditTarget = { ...plainTarget('/root/f', text, 'f'), ...opts.target };
  const printed: string[] = [];
  const vim = new VimEngine(text, t, host, { exMode: opts.exMode, print: (s) => printed.push(s) });
  vim.feed(keys);
  return { vim, get file() { return host.files.f; }, printed: printed.join('') };
}

describe('vim regex', () => {
  it.each([
    ['ip_forward = 0', 'net.ipv4.ip_forward = 0', true],
    ['^net\\.', 'net.ipv4', true],
    ['a\\+b', 'xaaab', true],
    ['a+b', 'a+b', true],
    ['\\(ab\\)\\{2}', 'abab', true],
    ['\\<ip\\>', 'the ip is', true],
    ['\\<ip\\>', 'ship', false],
    ['\\vab+c', 'abbbc', true],
    ['\\Va.c', 'abc', false],
    ['\\Va.c', 'a.c', true],
    ['foo\\|bar', 'xbar', true],
    ['[[:digit:]]\\+', 'x12', true],
    ['\\d\\{3}', '12', false],
    ['\\cABC', 'abc', true],
    ['x$y', 'x$y', true],
    ['*a', '*a', true],
  ])('/%s/ on %j → %s', (pat, text, hit) => {
    expect(vimRegex(pat).test(text)).toBe(hit);
  });
  it('\\zs and \\ze narrow the match', () => {
    expect('foobar'.replace(vimRegex('foo\\zsbar'), 'X')).toBe('fooX');
    expect('foobar'.replace(vimRegex('foo\\zebar'), 'X')).toBe('Xbar');
  });
  it('broken patterns give vim errors', () => {
    expect(() => vimRegex('\\(a')).toThrow('E54: Unmatched \\(');
    expect(() => vimRegex('a\\)')).toThrow('E16');
  });
  it('replacement specials', () => {
    const m = /(\w+)=(\w+)/.exec('key=val')!;
    expect(expandReplacement('\\2=\\1 [&]', m)).toBe('val=key [key=val]');
    expect(expandReplacement('\\u\\1 \\U\\2\\E!', m)).toBe('Key VAL!');
    expect(expandReplacement('a\\rb', m)).toBe('a\nb');
  });
});

describe('file messages', () => {
  it('opening', () => {
    const t = plainTarget('/etc/NetworkManager/system-connections/eth0.nmconnection', '', 'eth0.nmconnection');
    const text = '[connection]\nid=eth0\n';
    expect(vimOpenMessage(t, text)).toBe('"eth0.nmconnection" 2L, 21B');
    expect(vimOpenMessage({ ...t, noeol: true }, 'abc')).toBe('"eth0.nmconnection" [noeol] 1L, 3B');
    expect(vimOpenMessage({ ...t, kind: 'dir', name: '/etc' }, '')).toBe('"/etc" is a directory');
    expect(vimOpenMessage({ ...t, kind: 'new', name: 'x' }, '')).toBe('"x" [New]');
    expect(vimOpenMessage({ ...t, kind: 'noparent', name: '/nodir/x' }, '')).toBe('"/nodir/x" [New DIRECTORY]');
    expect(vimOpenMessage({ ...t, readonly: true, name: '/etc/shadow' }, 'a\n')).toBe('"/etc/shadow" [readonly] 1L, 2B');
    expect(nanoOpenMessage(t, text)).toBe('[ Read 2 lines ]');
    expect(nanoOpenMessage({ ...t, kind: 'new' }, '')).toBe('[ New File ]');
  });
  it('writing', () => {
    const t = plainTarget('/root/f', '', 'f');
    expect(vimWrite(t, 'a\nb', false)).toMatchObject({ ok: true, written: 'a\nb\n', message: '"f" 2L, 4B written' });
    expect(vimWrite({ ...t, kind: 'new' }, 'a', false).message).toBe('"f" [New] 1L, 2B written');
    expect(vimWrite({ ...t, kind: 'noparent', writeErrno: 'ENOENT' }, 'a', false)).toMatchObject({ ok: false, written: null, message: '"f" E212: Can\'t open file for writing' });
    expect(vimWrite({ ...t, kind: 'dir' }, '', false).message).toBe('E502: "f" is a directory');
    expect(vimWrite({ ...t, readonly: true }, 'a', false).message).toBe("E45: 'readonly' option is set (add ! to override)");
    expect(vimWrite({ ...t, kind: 'proc', fsyncFails: true }, '1', false)).toMatchObject({ ok: false, written: '1\n', message: '"f" E667: Fsync failed' });
    expect(nanoWrite(t, 'a\nb').message).toBe('[ Wrote 2 lines ]');
    expect(nanoWrite({ ...t, path: '/nodir/x', writeErrno: 'ENOENT' }, 'a').message).toBe('[ Error writing /nodir/x: No such file or directory ]');
  });
  it('buffer and file text', () => {
    expect(bufferOf('a\nb\n')).toBe('a\nb');
    expect(fileOf('a\nb')).toBe('a\nb\n');
    expect(fileOf('')).toBe('');
    expect(lineCount('a\nb')).toBe(2);
    expect(lineCount('')).toBe(0);
  });
});

describe('vim engine', () => {
  const conf = '# sysctl settings\nnet.ipv4.ip_forward = 0\n';
  it(':%s and :wq', () => {
    const r = run(conf, ':%s/ip_forward = 0/ip_forward = 1/\n:wq\n');
    expect(r.file).toBe('# sysctl settings\nnet.ipv4.ip_forward = 1\n');
    expect(r.vim.quit).toBe(0);
    expect(r.vim.lastMessage).toBe('"f" 2L, 42B written');
  });
  it(':q on a modified buffer says E37 and stays; :q! quits without writing', () => {
    const r = run(conf, 'dd:q\n');
    expect(r.vim.quit).toBeNull();
    expect(r.vim.lastMessage).toBe('E37: No write since last change (add ! to override)');
    r.vim.feed(':q!\n');
    expect(r.vim.quit).toBe(0);
    expect(r.file).toBe(conf);
  });
  it('a pattern that is not there: E486', () => {
    const r = run(conf, ':s/nothing/x/\n');
    expect(r.vim.lastMessage).toBe('E486: Pattern not found: nothing');
    expect(r.vim.errors).toBe(1);
  });
  it('insert mode, o, A, Esc, ZZ', () => {
    const r = run('a\nb\n', 'Goc\x1bggAx\x1bZZ');
    expect(r.file).toBe('ax\nb\nc\n');
    expect(r.vim.quit).toBe(0);
  });
  it('dd, yy/p, u and Ctrl-R', () => {
    const r = run('1\n2\n3\n', 'yyjpggdd:w\n');
    expect(r.file).toBe('2\n1\n3\n');
    r.vim.feed('u:w\n');
    expect(r.file).toBe('1\n2\n1\n3\n');
    r.vim.feed('\x12:w\n');
    expect(r.file).toBe('2\n1\n3\n');
  });
  it('/search, n and cw', () => {
    const r = run('alpha\nbeta x\ngamma x\n', '/x\nnrY:wq\n');
    expect(r.file).toBe('alpha\nbeta x\ngamma Y\n');
    const r2 = run('one two three\n', 'wcwTWO\x1b:x\n');
    expect(r2.file).toBe('one TWO three\n');
  });
  it(':g and :v', () => {
    const r = run('a=1\n#c\nb=2\n#d\n', ':g/^#/d\n:wq\n');
    expect(r.file).toBe('a=1\nb=2\n');
    const r2 = run('a=1\n#c\nb=2\n', ':v/=/d\n:g/=/s/=/ = /\n:wq\n');
    expect(r2.file).toBe('a = 1\nb = 2\n');
  });
  it(':$a appends lines up to "."', () => {
    const r = run('x\n', ':$a\nnet.ipv4.ip_forward = 1\n.\n:wq\n');
    expect(r.file).toBe('x\nnet.ipv4.ip_forward = 1\n');
    const empty = run('', ':a\nfirst\n.\n:wq\n', { target: { kind: 'new' } });
    expect(empty.file).toBe('first\n');
  });
  it(':m, :t, :j and ranges', () => {
    expect(run('1\n2\n3\n', ':1m$\n:wq\n').file).toBe('2\n3\n1\n');
    expect(run('1\n2\n', ':1t.\n:wq\n').file).toBe('1\n1\n2\n');
    expect(run('a\nb\nc\n', ':1,2j\n:wq\n').file).toBe('a b\nc\n');
    expect(run('a\nb\nc\nd\n', ':2,3d\n:wq\n').file).toBe('a\nd\n');
    expect(run('a\nb\nc\n', ':/b/d\n:wq\n').file).toBe('a\nc\n');
    expect(run('a\nb\n', ':5d\n').vim.lastMessage).toBe('E16: Invalid range');
  });
  it(':x writes only a modified buffer; :wq always writes', () => {
    const host = memHost({ f: 'a\n' });
    let writes = 0;
    const counting: VimHost = { ...host, write: (p, t) => { writes++; return host.write(p, t); } };
    new VimEngine('a\n', plainTarget('/root/f', 'a\n', 'f'), counting).feed(':x\n');
    expect(writes).toBe(0);
    new VimEngine('a\n', plainTarget('/root/f', 'a\n', 'f'), counting).feed(':wq\n');
    expect(writes).toBe(1);
  });
  it('a write that fails keeps the editor open (:wq does not quit)', () => {
    const r = run('a\n', 'x:wq\n', { target: { kind: 'noparent', path: '/nodir/f', name: '/nodir/f' }, fail: { '/nodir/f': 'ENOENT' } });
    expect(r.vim.quit).toBeNull();
    expect(r.vim.lastMessage).toBe('"/nodir/f" E212: Can\'t open file for writing');
  });
  it('readonly: E45 unless :w!', () => {
    const r = run('a\n', 'x:w\n', { target: { readonly: true } });
    expect(r.vim.lastMessage).toBe("E45: 'readonly' option is set (add ! to override)");
    r.vim.feed(':wq!\n');
    expect(r.file).toBe('\n');
    expect(r.vim.quit).toBe(0);
  });
  it('a directory: E502', () => {
    const r = run('', ':wq\n', { target: { kind: 'dir', name: '/etc' } });
    expect(r.vim.messages[0]).toBe('"/etc" is a directory');
    expect(r.vim.lastMessage).toBe('E502: "/etc" is a directory');
  });
  it('unknown commands and options', () => {
    expect(run('a\n', ':frobnicate\n').vim.lastMessage).toBe('E492: Not an editor command: frobnicate');
    expect(run('a\n', ':set nu\n:set bogus\n').vim.lastMessage).toBe('E518: Unknown option: bogus');
  });
  it('Ex mode prints with :p, :nu and :=', () => {
    const r = run('a\nb\n', '%p\n%nu\n=\nq\n', { exMode: true });
    expect(r.printed).toBe('a\nb\n  1 a\n  2 b\n2\n');
    expect(r.vim.quit).toBe(0);
  });
  it('end of input in Ex mode: quit, status 1 if modified', () => {
    const r = run('a\n', '1d\n', { exMode: true });
    r.vim.eof();
    expect(r.vim.quit).toBe(1);
  });
  it('never runs away: huge input is cut off', () => {
    const r = run('a\n', ':g/a/t.\n'.repeat(3) + 'x'.repeat(10));
    expect(r.vim.quit).toBeNull();
    expect(r.vim.text().split('\n').length).toBeGreaterThan(3);
  });
});
