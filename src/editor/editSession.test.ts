import { describe, expect, it } from 'vitest';
import { EditSession, nanoLocation, vimNotice, vimRuler } from './editSession.ts';
import { plainTarget } from './fileTarget.ts';

describe('EditSession (vi)', () => {
  const conf = '[connection]\nid=eth0\n';
  it(':w remembers the text to send back; :q after it returns it', () => {
    const s = new EditSession('/etc/x.nmconnection', conf, 'vi', plainTarget('/etc/x.nmconnection', conf, 'x.nmconnection'));
    expect(s.openMessage).toEqual({ text: '"x.nmconnection" 2L, 21B', error: false });
    expect(s.initial).toBe('[connection]\nid=eth0');
    const doc = s.initial + '\ndns=8.8.8.8';
    expect(s.quit(doc)).toEqual({ done: false, message: { text: 'E37: No write since last change (add ! to override)', error: true } });
    expect(s.write(doc)).toEqual({ text: '"x.nmconnection" 3L, 33B written', error: false });
    expect(s.quit(doc)).toEqual({ done: true, content: '[connection]\nid=eth0\ndns=8.8.8.8\n' });
  });
  it(':q! after a :w still sends what was written; :q! alone sends null', () => {
    const s = new EditSession('/f', 'a\n', 'vi');
    expect(s.quit('b', true)).toEqual({ done: true, content: null });
    s.write('b');
    expect(s.quit('c', true)).toEqual({ done: true, content: 'b\n' });
  });
  it(':x writes only when modified; :wq fails (and stays) when the write fails', () => {
    const s = new EditSession('/f', 'a\n', 'vi');
    expect(s.writeQuit('a', false, true)).toEqual({ done: true, content: null });
    const bad = new EditSession('/no/f', '', 'vi', { ...plainTarget('/no/f', '', '/no/f'), kind: 'noparent', writeErrno: 'ENOENT' });
    expect(bad.openMessage.text).toBe('"/no/f" [New DIRECTORY]');
    expect(bad.writeQuit('x')).toEqual({ done: false, message: { text: '"/no/f" E212: Can\'t open file for writing', error: true } });
  });
  it('a new file says [New] once', () => {
    const s = new EditSession('/root/n', '', 'vi', { ...plainTarget('/root/n', '', 'n'), kind: 'new' });
    expect(s.write('x').text).toBe('"n" [New] 1L, 2B written');
    expect(s.write('xy').text).toBe('"n" 1L, 3B written');
  });
  it('/proc: written, but E667 keeps the buffer modified', () => {
    const s = new EditSession('/proc/sys/net/ipv4/ip_forward', '0\n', 'vi', { ...plainTarget('/proc/sys/net/ipv4/ip_forward', '0\n', 'ip_forward'), kind: 'proc', fsyncFails: true });
    expect(s.write('1')).toEqual({ text: '"ip_forward" E667: Fsync failed', error: true });
    expect(s.quit('1').done).toBe(false);
    expect(s.quit('1', true)).toEqual({ done: true, content: '1\n' });
  });
  it('refuses writing to another file name', () => {
    expect(new EditSession('/f', '', 'vi').write('x', false, 'other').error).toBe(true);
  });
});

describe('EditSession (nano)', () => {
  it('keeps the final newline in the buffer and adds one when missing', () => {
    const s = new EditSession('/root/n.txt', 'one\ntwo\n', 'nano');
    expect(s.openMessage.text).toBe('[ Read 2 lines ]');
    expect(s.initial).toBe('one\ntwo\n');
    expect(s.write('one\ntwo\nthree').text).toBe('[ Wrote 3 lines ]');
    expect(s.result).toBe('one\ntwo\nthree\n');
  });
});

describe('messages', () => {
  it('library notices in vim words', () => {
    expect(vimNotice('Not an editor command ":foo"')).toEqual({ text: 'E492: Not an editor command: foo', error: true });
    expect(vimNotice('No match found /zzz/i (set nopcre to use Vim regexps)').text).toBe('E486: Pattern not found: zzz');
    expect(vimNotice('Unknown option: bogus').text).toBe('E518: Unknown option: bogus');
    expect(vimNotice('  number=3')).toEqual({ text: '  number=3', error: false });
  });
  it('ruler and nano location', () => {
    expect(vimRuler(3, 1, 1, 8, 8)).toBe('3,1           All');
    expect(vimRuler(50, 2, 41, 60, 100)).toBe('50,2          50%');
    expect(nanoLocation('ab\ncd', 2, 1, 3)).toBe('[ line 2/2 (100%), col 1/3 (33%), char 3/6 (50%) ]');
  });
});
