/**
 * Inputs the robustness fuzzer (tests/robustness/) found breaking a command, kept as
 * regression tests: each once printed a JavaScript value, a JavaScript error, or took seconds.
 */
import { describe, expect, it } from 'vitest';
import { LineReader, MemoryExhausted, type Src } from './util.ts';
import { SysKit } from './system.testkit.ts';
import { DevIn } from '../bash/streams.ts';
import type { Co } from '../types.ts';
import { LabSession } from '../session.ts';

/** A whole command line on a lab host, stdout and stderr apart. */
function sh(host: string, line: string, preset = 'nat'): { status: number; stdout: string; stderr: string } {
  const r = { stdout: '', stderr: '' };
  const s = LabSession.fromPreset(preset, { output: (_h, d) => { r.stdout += d; }, error: (_h, d) => { r.stderr += d; }, prompt: () => {} });
  s.runLine(host, 'dnf install -y -q traceroute >/dev/null');
  r.stdout = '';
  r.stderr = '';
  const status = s.runLine(host, line);
  return { status, ...r };
}

describe('found by the fuzzer', () => {
  it("hostnamectl and modprobe take '-' as an argument, not as an option named 'undefined'", () => {
    const k = new SysKit('nat');
    expect(k.run('lvs', ['hostnamectl', 'Z.K', '-']).stderr).not.toContain('undefined');
    expect(k.run('lvs', ['modprobe', '-']).stderr).not.toContain('undefined');
  });

  it('traceroute checks its numeric options as traceroute 2.1.0 does (no "NaN hops max")', () => {
    expect(sh('client', 'traceroute 10.9.9.9 -w 192.168.1.111 -m -m')).toMatchObject({ status: 2, stdout: '' });
    expect(sh('client', 'traceroute -m x 10.9.9.9').stderr).toBe("Cannot handle `-m' option with arg `x' (argc 1)\n");
    expect(sh('client', 'traceroute 10.9.9.9 -m').stderr).toBe("Option `-m' (argc 2) requires an argument: `-m max_ttl'\n");
    expect(sh('client', 'traceroute -m 300 10.9.9.9').stderr).toBe('max hops cannot be more than 255\n');
    expect(sh('client', 'traceroute -q 0 10.9.9.9').stderr).toBe('no more than 10 probes per hop\n');
    expect(sh('client', 'traceroute -f 40 10.9.9.9').stderr).toBe('first hop out of range\n');
    expect(sh('client', 'traceroute -n -m 2 -q 1 -w 1 10.9.9.9')).toMatchObject({ status: 0, stderr: '' });
  });

  it('a line without end (nl /dev/zero) is read in linear time and ends in "memory exhausted"', () => {
    const dev = new DevIn('zero');
    const src: Src = { name: '/dev/zero', read: () => dev.read() };
    const r = new LineReader(src, '\n', 8 * 1024 * 1024);
    const co: Co<string | null> = r.next();
    const t0 = performance.now();
    expect(() => { for (let x = co.next(); !x.done; x = co.next()) { /* ticks */ } }).toThrow(MemoryExhausted);
    expect(performance.now() - t0).toBeLessThan(2000); // quadratic: minutes
  });

  it('LineReader still splits lines across chunks and keeps a final partial line', () => {
    const chunks = ['ab', 'c\nd', 'e', '', 'f\n\ng', 'h'];
    // eslint-disable-next-line require-yield
    const src: Src = { name: 'x', *read(): Co<string | null> { return chunks.length ? chunks.shift()! : null; } };
    const r = new LineReader(src);
    const out: (string | boolean)[] = [];
    for (;;) {
      const co = r.next();
      let x = co.next();
      while (!x.done) x = co.next();
      if (x.value === null) break;
      out.push(x.value, r.nl);
    }
    expect(out).toEqual(['abc', true, 'def', true, '', true, 'gh', false]);
    expect(r.done).toBe(true);
  });
});

describe('found by the fuzzer: shutdown', () => {
  it('a delay past any printable date is a parse error, not an internal error', () => {
    const k = new SysKit('nat');
    expect(k.run('RS2', ['shutdown', '99999999999999999999', '+0'])).toMatchObject({ status: 1, stderr: 'Failed to parse time specification: 99999999999999999999\n' });
    expect(k.host('RS2').powered).toBe(true);
  });
});
