/**
 * The runner's interface as ../shared/spec/lab-runner.md promises it: the CLI, its options,
 * its exit codes and errors, JSON output, and the pcapng that tshark reads the same way our
 * own dissector does.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPcapng } from '../src/core/wire/pcapng.ts';
import { allFields, dissect } from '../src/core/wire/dissect.ts';
import { parseTranscript, TranscriptError } from '../src/shell/runner.ts';

const ROOT = join(import.meta.dirname, '..');
const tmp = mkdtempSync(join(tmpdir(), 'lvslab-'));

function lab(args: string[], input?: string): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/shell/cli.ts'), ...args], { input, encoding: 'utf8', cwd: ROOT });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function hasTshark(): boolean {
  try { execFileSync('tshark', ['-v'], { stdio: 'ignore' }); return true; } catch { return false; }
}

describe('transcript parsing', () => {
  it('takes both prompt styles, comments and the lab line', () => {
    const t = parseTranscript('# lab: dr\n# a comment\n#\n[root@lvs ~]# ipvsadm -Ln\nRS1# cat /etc/hosts\n[root@lvs system-connections]# ls\n\n');
    expect(t.lab).toBe('dr');
    expect(t.commands.map((c) => [c.line, c.host, c.text])).toEqual([[4, 'lvs', 'ipvsadm -Ln'], [5, 'RS1', 'cat /etc/hosts'], [6, 'lvs', 'ls']]);
  });
  it('rejects a line that is not a command, naming the line', () => {
    expect(() => parseTranscript('lvs# ls\nthis is not a command\n')).toThrow(TranscriptError);
    expect(() => parseTranscript('lvs# ls\nthis is not a command\n')).toThrow(/^line 2: /);
  });
  it('continues an open command on the next lines (extension)', () => {
    const t = parseTranscript("lvs# cat > /tmp/x <<EOF\nhello\nEOF\nlvs# cat /tmp/x\n", (s) => !s.includes('\nEOF'));
    expect(t.commands.map((c) => c.text)).toEqual(['cat > /tmp/x <<EOF\nhello\nEOF', 'cat /tmp/x']);
  });
});

describe('lab run (CLI)', () => {
  it('echoes each command with its prompt, then its output; exits 0 whatever the commands do', () => {
    const r = lab(['run', '-', '--lab', 'nat'], 'lvs# curl -s 192.168.137.130\nlvs# cd /etc\n[root@lvs etc]# false\nclient# nosuchcmd\n');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe('[root@lvs ~]# curl -s 192.168.137.130\nRS1 - 192.168.137.130\n[root@lvs ~]# cd /etc\n[root@lvs etc]# false\n[root@client ~]# nosuchcmd\nbash: nosuchcmd: command not found\n');
  });

  it('--json gives one object per command with host, command, output and exit', () => {
    const r = lab(['run', '-', '--json', '--lab', 'nat'], 'client# ping -c 1 -W 1 192.168.1.77\n');
    const j = JSON.parse(r.out);
    expect(j).toHaveLength(1);
    expect(j[0].host).toBe('client');
    expect(j[0].command).toBe('ping -c 1 -W 1 192.168.1.77');
    expect(j[0].exit).toBe(1);
    expect(j[0].output).toMatch(/^PING 192\.168\.1\.77 \(192\.168\.1\.77\) 56\(84\) bytes of data\.\n/);
  });

  it('exits 2 with a one-line error for an unknown host, an unreadable transcript, an unknown lab', () => {
    const a = lab(['run', '-', '--lab', 'nat'], 'lvs# ls\n[root@lvs-dr ~]# ipvsadm -Ln\n');
    expect(a.code).toBe(2);
    expect(a.out).toBe('');
    expect(a.err).toBe("lab: -: line 2: unknown host 'lvs-dr'\n");
    const b = lab(['run', '-'], 'hello world\n');
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/^lab: -: line 1: not a command line/);
    const c = lab(['run', '-', '--lab', 'nope'], 'lvs# ls\n');
    expect(c.code).toBe(2);
    expect(c.err).toBe("lab: unknown lab 'nope' (nat, dr, tun, fullnat, ha, blank)\n");
    const d = lab(['run', join(tmp, 'missing.txt')]);
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/No such file or directory/);
  });

  it('the blank lab has no hosts', () => {
    const r = lab(['run', '-'], 'lvs# ls\n');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown host 'lvs'/);
  });

  it('bad input gets the real tool\'s words, never a stack trace', () => {
    const r = lab(['run', '-', '--lab', 'nat'], [
      'lvs# sysctl -w bogus=1',
      'lvs# ip addr add notanip dev eth0',
      'lvs# ping',
      "lvs# echo 'unterminated",
      'lvs# printf "[connection]\\nid=x\\ntype=ethernet\\n[ipv4]\\nmethod=manual\\naddress1=300.1.1.1/24\\n" > /etc/NetworkManager/system-connections/x.nmconnection',
      'lvs# chmod 600 /etc/NetworkManager/system-connections/x.nmconnection; nmcli connection reload; nmcli connection up x',
      'lvs# echo $?',
    ].join('\n') + '\n');
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/\bat [\w.]+ \(|TypeError|ReferenceError|undefined/);
    expect(r.out).toContain('sysctl: cannot stat /proc/sys/bogus: No such file or directory\n');
    expect(r.out).toContain('Error: any valid prefix is expected rather than "notanip".\n');
    expect(r.out).toContain('ping: usage error: Destination address required\n');
    expect(r.out).toMatch(/bash: (line 1: )?unexpected EOF while looking for matching `''/);
    expect(r.out).toContain("Error: unknown connection 'x'.");
  });
});

describe('--pcap', () => {
  const pcapFile = join(tmp, 'dr.pcapng');
  const transcript = join(tmp, 'dr.txt');
  writeFileSync(transcript, '# lab: dr\nclient# curl -s 192.168.137.130\nclient# ping -c 1 192.168.1.11\n');

  it('writes one interface per network, named after it, with the virtual timestamps', () => {
    const r = lab(['run', transcript, '--pcap', pcapFile]);
    expect(r.code).toBe(0);
    const p = readPcapng(new Uint8Array(readFileSync(pcapFile)));
    if (!p.ok) throw new Error(p.error);
    expect(p.interfaces.map((i) => i.name)).toEqual(['vmnet8', 'vmnet1', ...p.interfaces.slice(2).map((i) => i.name)]);
    expect(p.frames.length).toBeGreaterThan(20);
    expect(p.frames[0].timeUs).toBeGreaterThanOrEqual(1715673600 * 1e6);
  });

  it.skipIf(!hasTshark())('tshark decodes every frame as our dissector does, with valid checksums', () => {
    lab(['run', transcript, '--pcap', pcapFile]);
    const fields = ['frame.interface_name', 'eth.src', 'eth.dst', 'ip.src', 'ip.dst', 'ip.ttl', 'tcp.srcport', 'tcp.dstport', 'tcp.flags.syn', 'tcp.flags.ack', 'tcp.flags.fin', 'icmp.type', 'arp.opcode'];
    const out = execFileSync('tshark', ['-r', pcapFile, '-o', 'ip.check_checksum:TRUE', '-o', 'tcp.check_checksum:TRUE', '-T', 'fields', ...fields.flatMap((f) => ['-e', f]), '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status', '-E', 'separator=|'], { encoding: 'utf8' });
    const rows = out.trim().split('\n').map((l) => l.split('|'));
    const p = readPcapng(new Uint8Array(readFileSync(pcapFile)));
    if (!p.ok) throw new Error(p.error);
    expect(rows.length).toBe(p.frames.length);
    p.frames.forEach((f, i) => {
      const d = dissect(f.bytes);
      const ours = new Map<string, string>();
      for (const fld of allFields(d)) if (!ours.has(fld.name)) ours.set(fld.name, String(fld.value));
      const norm = (name: string, v: string | undefined) => {
        if (v === undefined || v === '') return '';
        if (name.startsWith('tcp.flags.')) return v === 'true' || v === '1' || v === 'True' ? '1' : '0';
        return v.toLowerCase();
      };
      fields.slice(1).forEach((name, k) => {
        const theirs = rows[i][k + 1];
        if (theirs === '') return;
        expect(`${i + 1} ${name}=${norm(name, ours.get(name))}`).toBe(`${i + 1} ${name}=${norm(name, theirs)}`);
      });
      expect(rows[i][0]).toBe(p.interfaces[f.iface].name);
      // Checksum status: 1 = good (when tshark verifies it).
      if (rows[i][fields.length]) expect(rows[i][fields.length]).toBe('1');
      if (rows[i][fields.length + 1]) expect(rows[i][fields.length + 1]).toBe('1');
    });
  });
});
