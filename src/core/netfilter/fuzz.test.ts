// Property tests: random and mutated iptables argument vectors never throw; they either
// succeed silently on stderr, or fail with an iptables-style message and a non-zero status.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createLab } from '../lab/presets.ts';
import { makeContext, runIptables, runIptablesRestore, runIptablesSave } from './cli.ts';
import { netfilterOf } from './tables.ts';

const TOKENS = [
  '-A', '-I', '-D', '-R', '-C', '-L', '-S', '-F', '-Z', '-N', '-X', '-E', '-P', '-t', '-n', '-v', '-x', '--line-numbers',
  '-nvL', '-vnL', '--line', '-p', '-s', '-d', '-i', '-o', '-j', '-g', '-m', '!', '-c', '-w', '-h', '-V', '--', '-f',
  'INPUT', 'OUTPUT', 'FORWARD', 'PREROUTING', 'POSTROUTING', 'WEB', 'input', 'nat', 'mangle', 'raw', 'filter', 'security', 'NAT',
  'tcp', 'udp', 'icmp', 'all', '6', '17', 'TCP', 'foo', 'ACCEPT', 'DROP', 'REJECT', 'RETURN', 'LOG', 'MARK', 'DNAT', 'SNAT',
  'MASQUERADE', 'REDIRECT', 'CONNMARK', 'NOTRACK', 'mark', 'multiport', 'conntrack', 'state', 'comment', 'iprange', 'mac', 'limit',
  '--dport', '--sport', '--dports', '--sports', '--ports', '--syn', '--tcp-flags', 'SYN,ACK', 'SYN', 'ALL', 'NONE', '--icmp-type',
  'echo-request', 'any', '--ctstate', '--state', 'NEW', 'ESTABLISHED,RELATED', 'INVALID', '--mark', '--set-mark', '--set-xmark',
  '--and-mark', '--or-mark', '--xor-mark', '6666', '0x1a0a/0xff', '-1', '--reject-with', 'tcp-reset', 'icmp-host-prohibited',
  '--log-prefix', '--log-level', 'warning', '7', '--to-destination', '--to-source', '--to-ports', '192.168.137.130:80',
  '1.2.3.4-1.2.3.9', '--to', '--comment', 'hello world', '--src-range', '--dst-range', '10.0.0.1-10.0.0.9', '--mac-source',
  '00:0c:29:aa:bb:cc', '--limit', '3/min', '--limit-burst', '80', '443', '80,443', '1:1024', '99999', '0', '1', '2', '3',
  '192.168.137.254', '10.0.0.0/8', '1.2.3.4/33', '300.1.1.1', 'localhost', 'eth0', 'eth+', 'lo', '', '--set-counters', '5',
  '--save-mark', '--restore-mark', '--random', '--persistent', '=', '--dport=22', '--numeric', '--verbose', '--list', '--append',
];

describe('iptables never throws', () => {
  const lab = createLab('dr');
  const ctx = makeContext(netfilterOf(lab.host('lvs')!), lab.host('lvs')!.fs);

  const check = (argv: string[]) => {
    let r: ReturnType<typeof runIptables>;
    expect(() => { r = runIptables(ctx, ['iptables', ...argv]); }).not.toThrow();
    r = runIptables(ctx, ['iptables', ...argv]);
    expect([0, 1, 2, 3, 4]).toContain(r.status);
    if (r.status === 0) {
      expect(r.stderr).toBe('');
    } else {
      expect(r.stderr.length).toBeGreaterThan(0);
      expect(r.stderr).not.toMatch(/internal error/);
      const ok = r.stderr.startsWith('iptables v1.8.10 (nf_tables): ') || r.stderr.startsWith('iptables: ')
        || r.stderr.startsWith('Bad argument `') || r.stderr.startsWith("Try `iptables -h'");
      expect(ok, JSON.stringify({ argv, r })).toBe(true);
      if (r.status === 2) expect(r.stderr.endsWith("Try `iptables -h' or 'iptables --help' for more information.\n")).toBe(true);
    }
  };

  it('random token vectors', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 12 }), check), { numRuns: 1500, seed: 42 });
  });

  it('random strings mixed with tokens', () => {
    const word = fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 }), fc.stringMatching(/^-{1,2}[a-z-]{0,12}$/));
    fc.assert(fc.property(fc.array(word, { maxLength: 10 }), check), { numRuns: 1500, seed: 7 });
  });

  it('mutations of valid rules', () => {
    const valid = [
      ['-t', 'mangle', '-A', 'PREROUTING', '-d', '192.168.137.254', '-p', 'tcp', '-m', 'multiport', '--dports', '80,443', '-j', 'MARK', '--set-mark', '6666'],
      ['-A', 'INPUT', '-p', 'tcp', '--dport', '80', '-j', 'REJECT', '--reject-with', 'tcp-reset'],
      ['-t', 'nat', '-A', 'PREROUTING', '-d', '192.168.1.100', '-p', 'tcp', '--dport', '80', '-j', 'DNAT', '--to-destination', '192.168.137.130:80'],
      ['-A', 'INPUT', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT'],
      ['-I', 'INPUT', '1', '-s', '10.0.0.0/8', '-j', 'LOG', '--log-prefix', 'X: '],
    ];
    const mutated = fc.tuple(fc.constantFrom(...valid), fc.array(fc.tuple(fc.nat(20), fc.nat(3), fc.constantFrom(...TOKENS)), { maxLength: 4 }))
      .map(([v, muts]) => {
        const a = [...v];
        for (const [pos, op, tok] of muts) {
          const i = pos % (a.length + 1);
          if (op === 0) a.splice(i, 0, tok);
          else if (op === 1) a.splice(i, 1);
          else if (op === 2) a[i] = tok;
          else a.splice(i, 0, '!');
        }
        return a;
      });
    fc.assert(fc.property(mutated, check), { numRuns: 1500, seed: 3 });
  });

  it('iptables-save and iptables-restore survive whatever the tables hold and random input', () => {
    const s = runIptablesSave(ctx, ['iptables-save'], 1715673600);
    expect(s.status).toBe(0);
    // What was saved restores cleanly and saves to the same text.
    const r = runIptablesRestore(ctx, s.stdout, {});
    expect(r.stderr).toBe('');
    expect(runIptablesSave(ctx, ['iptables-save'], 1715673600).stdout).toBe(s.stdout);
    const line = fc.oneof(fc.constantFrom('*filter', '*nat', '*mangle', '*foo', 'COMMIT', ':INPUT DROP [0:0]', ':WEB - [0:0]', ':INPUT FOO', '# c', ''),
      fc.array(fc.constantFrom(...TOKENS), { maxLength: 8 }).map((a) => a.map((x) => (x.includes(' ') ? `"${x}"` : x)).join(' ')));
    fc.assert(fc.property(fc.array(line, { maxLength: 8 }), (ls) => {
      const res = runIptablesRestore(ctx, ls.join('\n') + '\n', {});
      expect([0, 1, 2, 4]).toContain(res.status);
      if (res.status !== 0) expect(res.stderr.length).toBeGreaterThan(0);
    }), { numRuns: 500, seed: 11 });
  });
});
