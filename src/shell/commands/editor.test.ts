import { describe, expect, it } from 'vitest';
import { SEC } from '../../core/sim/events.ts';
import { LabSession } from '../session.ts';
import type { TerminalSink } from '../sessionApi.ts';
import { editTarget, takeEditTarget } from './editor.ts';

/** A headless NAT lab whose terminal text is collected per host. */
function lab(withEditor = false) {
  const out: Record<string, string> = {};
  const edits: { host: string; path: string; content: string; mode: string }[] = [];
  const targets: unknown[] = [];
  const sink: TerminalSink = {
    output: (h, d) => { out[h] = (out[h] ?? '') + d; },
    prompt: () => { /* not shown */ },
    ...(withEditor ? {
      edit: (host: string, path: string, content: string, mode: 'vi' | 'nano') => {
        edits.push({ host, path, content, mode });
        targets.push(takeEditTarget(path));
      },
    } : {}),
  };
  const s = LabSession.fromPreset('nat', sink);
  const run = (line: string, host = 'lvs') => {
    out[host] = '';
    const status = s.runLine(host, line);
    s.settle();
    return { status, text: out[host] };
  };
  return { s, run, out, edits, targets };
}

describe('vi without a terminal (heredoc)', () => {
  it('edits /etc/sysctl.conf with :%s and :wq, as the seed does with vi', () => {
    const { run, s } = lab();
    run("echo 'net.ipv4.ip_forward = 0' >> /etc/sysctl.conf");
    const t0 = s.lab.now;
    const r = run("vi /etc/sysctl.conf <<'EOF'\n:%s/ip_forward = 0/ip_forward = 1/\n:wq\nEOF");
    expect(r).toEqual({ status: 0, text: 'Vim: Warning: Input is not from a terminal\n' });
    expect(s.lab.now - t0).toBeGreaterThanOrEqual(2 * SEC); // vim's pause after the warning
    expect(run('tail -1 /etc/sysctl.conf').text).toBe('net.ipv4.ip_forward = 1\n');
    expect(run('sysctl -p').text).toBe('net.ipv4.ip_forward = 1\n');
    expect(run('cat /proc/sys/net/ipv4/ip_forward').text).toBe('1\n');
  });
  it('both warnings when the output is a pipe too', () => {
    const { run } = lab();
    const r = run("vi /etc/hostname <<'EOF' | cat\n:q\nEOF");
    expect(r.text).toBe('Vim: Warning: Output is not to a terminal\nVim: Warning: Input is not from a terminal\n');
  });
  it('input that ends without a quit: "Error reading input", status 1, file unchanged', () => {
    const { run } = lab();
    const before = run('cat /etc/hosts').text;
    const r = run("vim /etc/hosts <<'EOF'\n:%s/localhost/LOCAL/g\nEOF");
    expect(r.status).toBe(1);
    expect(r.text).toBe('Vim: Warning: Input is not from a terminal\nVim: Error reading input, exiting...\nVim: preserving files...\nVim: Finished.\n');
    expect(run('cat /etc/hosts').text).toBe(before);
  });
  it('Normal-mode keys: append a line with Go…<Esc>, delete with dd, ZZ', () => {
    const { run } = lab();
    run("printf 'a\\nb\\nc\\n' > /root/f");
    run("vi f <<'EOF'\nGonew line\x1bggjddZZ\nEOF");
    expect(run('cat f').text).toBe('a\nc\nnew line\n');
  });
  it('a file in a missing directory: the write fails (E212), :wq does not quit, nothing is created', () => {
    const { run } = lab();
    const r = run("vi /nodir/x.conf <<'EOF'\nihello\x1b:wq\nEOF");
    expect(r.status).toBe(1);
    expect(r.text).toContain('Vim: Error reading input, exiting...');
    expect(run('ls /nodir').status).toBe(2);
  });
  it('view is read-only: :wq fails with E45, :wq! writes', () => {
    const { run } = lab();
    run("echo x > /root/g");
    expect(run("view g <<'EOF'\ncwy\x1b:wq\nEOF").status).toBe(1);
    expect(run('cat g').text).toBe('x\n');
    expect(run("view g <<'EOF'\ncwy\x1b:wq!\nEOF").status).toBe(0);
    expect(run('cat g').text).toBe('y\n');
  });
  it('/proc/sys: the value is written, then E667 keeps vim open until :q!', () => {
    const { run } = lab();
    const r = run("vi /proc/sys/net/ipv4/ip_forward <<'EOF'\n:s/0/1/\n:wq\n:q!\nEOF");
    expect(r.status).toBe(0);
    expect(run('sysctl net.ipv4.ip_forward').text).toBe('net.ipv4.ip_forward = 1\n');
  });
  it('-c commands run without any input', () => {
    const { run } = lab();
    run('echo lvs > /root/h');
    expect(run("vi -c '%s/lvs/LVS/' -c wq h").status).toBe(0);
    expect(run('cat h').text).toBe('LVS\n');
  });
  it('ex -s reads Ex commands and prints', () => {
    const { run } = lab();
    run("printf 'one\\ntwo\\n' > /root/e");
    const r = run("ex -s e <<'EOF'\n%nu\n$a\nthree\n.\nwq\nEOF");
    expect(r).toEqual({ status: 0, text: '  1 one\n  2 two\n' });
    expect(run('cat e').text).toBe('one\ntwo\nthree\n');
  });
  it('unknown options and --version', () => {
    const { run } = lab();
    expect(run('vi --bogus f')).toEqual({ status: 1, text: 'VIM - Vi IMproved 8.2 (2019 Dec 12, compiled Nov 14 2023 00:00:00)\nUnknown option argument: "--bogus"\nMore info with: "vi -h"\n' });
    expect(run('vim --version | head -1').text).toBe('VIM - Vi IMproved 8.2 (2019 Dec 12, compiled Nov 14 2023 00:00:00)\n');
  });
});

describe('nano', () => {
  it('is not installed until dnf install nano', () => {
    const { run } = lab();
    expect(run('nano /etc/hosts')).toEqual({ status: 127, text: 'bash: nano: command not found\n' });
    expect(run('dnf install -y nano').status).toBe(0);
    expect(run('nano /etc/hosts < /dev/null')).toEqual({ status: 1, text: 'Too many errors from stdin\n' });
    expect(run('nano --version | head -1').text).toBe(' GNU nano, version 5.6.1\n');
  });
});

describe('vi on a terminal with a screen (the page editor)', () => {
  it('asks the terminal for an editor, writes what finishEdit returns, and replays it', () => {
    const { s, edits, targets, out } = lab(true);
    const pump = () => s.pump(1000, () => 0, Infinity);
    s.submit('lvs', 'cd /etc/NetworkManager/system-connections && vi eth0.nmconnection');
    pump();
    expect(edits).toHaveLength(1);
    const e = edits[0];
    expect(e).toMatchObject({ host: 'lvs', path: '/etc/NetworkManager/system-connections/eth0.nmconnection', mode: 'vi' });
    expect(e.content).toContain('[connection]');
    expect(targets[0]).toMatchObject({ name: 'eth0.nmconnection', kind: 'file', readonly: false, writeErrno: null });
    expect(s.busy('lvs')).toBe(true);
    const edited = e.content.replace('[connection]', '[connection]\n# edited');
    s.finishEdit('lvs', edited);
    pump();
    expect(s.busy('lvs')).toBe(false);
    expect(s.term('lvs')!.host.fs.readFile(e.path)).toBe(edited);

    // A fresh session replaying the journal reaches the same file.
    const again = LabSession.fromPreset('nat', { output: () => {}, prompt: () => {}, edit: () => {} });
    again.replay(s.journal());
    again.pump(1000, () => 0, Infinity);
    expect(again.term('lvs')!.host.fs.readFile(e.path)).toBe(edited);
    expect(out.lvs ?? '').toBe('');
  });
  it(':q! (finishEdit null) leaves the file alone', () => {
    const { s, edits } = lab(true);
    s.submit('lvs', 'vi /etc/hostname');
    s.pump(1000, () => 0, Infinity);
    expect(edits[0].content).toBe('lvs\n');
    s.finishEdit('lvs', null);
    s.pump(1000, () => 0, Infinity);
    expect(s.term('lvs')!.host.fs.readFile('/etc/hostname')).toBe('lvs\n');
  });
  it('nano asks for the nano editor once installed', () => {
    const { s, edits, run } = lab(true);
    run('dnf install -y nano');
    s.submit('lvs', 'nano /etc/hosts');
    s.pump(1000, () => 0, Infinity);
    expect(edits.at(-1)).toMatchObject({ path: '/etc/hosts', mode: 'nano' });
    s.finishEdit('lvs', null);
  });
});

describe('editTarget', () => {
  it('classifies files the way vim reports them', () => {
    const { s } = lab();
    const fs = s.term('lvs')!.host.fs;
    expect(editTarget(fs, '/etc', '/etc')).toMatchObject({ kind: 'dir', writeErrno: 'EISDIR' });
    expect(editTarget(fs, '/nodir/x', '/nodir/x')).toMatchObject({ kind: 'noparent', writeErrno: 'ENOENT' });
    expect(editTarget(fs, '/root/new.txt', 'new.txt')).toMatchObject({ kind: 'new', writeErrno: null });
    expect(editTarget(fs, '/etc/hosts', '/etc/hosts')).toMatchObject({ kind: 'file', readonly: false });
    expect(editTarget(fs, '/proc/sys/net/ipv4/ip_forward', 'ip_forward')).toMatchObject({ kind: 'proc', fsyncFails: true, readonly: false });
    fs.writeFile('/root/ro', 'x\n');
    fs.chmod('/root/ro', 0o444);
    expect(editTarget(fs, '/root/ro', 'ro')).toMatchObject({ kind: 'file', readonly: true });
  });
});
