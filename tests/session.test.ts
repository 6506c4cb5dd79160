/**
 * LabSession: deterministic replay of a journal (share-by-URL, reload, time travel), and the
 * headless guards.
 */
import { describe, expect, it } from 'vitest';
import { LabSession } from '../src/shell/session.ts';

function sink() {
  const out = new Map<string, string>();
  return { out, s: { output: (h: string, d: string) => out.set(h, (out.get(h) ?? '') + d), prompt: () => {} } };
}

function frames(s: LabSession): string[] {
  return [...s.lab.capture.range()].map((r) => `${r.time} ${r.segment} ${Buffer.from(r.bytes).toString('hex')}`);
}

describe('replay', () => {
  const lines: [string, string][] = [
    ['lvs', 'sysctl -w net.ipv4.ip_forward=1'], ['lvs', 'dnf install -y ipvsadm >/dev/null'],
    ['lvs', 'ipvsadm -A -t 192.168.1.100:80 -s rr'], ['lvs', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.130:80 -m'],
    ['lvs', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.200:80 -m'], ['client', 'for i in 1 2 3 4; do curl -s 192.168.1.100; done'],
  ];

  it('a journal replayed into a fresh session gives the same terminals, frames and table', () => {
    const a = sink();
    const s1 = LabSession.fromPreset('nat', a.s);
    for (const [h, l] of lines) { s1.runLine(h, l); s1.settle(); }
    s1.runLine('lvs', 'ipvsadm -Ln');
    s1.settle();
    const b = sink();
    const s2 = LabSession.fromPreset('nat', b.s);
    s2.replay(s1.journal());
    // Let the last command finish as it did.
    s2.settle(s1.lab.now - s2.lab.now);
    expect(b.out.get('client')).toBe(a.out.get('client'));
    expect(b.out.get('lvs')).toBe(a.out.get('lvs'));
    expect(frames(s2)).toEqual(frames(s1));
  });

  it('time travel: replaying up to a frame stops exactly there, even past the last input', () => {
    const a = sink();
    const s1 = LabSession.fromPreset('nat', a.s);
    for (const [h, l] of lines) { s1.runLine(h, l); s1.settle(); }
    const all = frames(s1);
    const lastInputFrame = s1.lab.capture.total; // frames keep coming after the last command (teardown)
    for (const target of [5, Math.floor(all.length / 2), lastInputFrame]) {
      const s2 = LabSession.fromPreset('nat', sink().s);
      s2.replay(s1.journal(), { frame: target });
      expect(s2.lab.capture.total).toBe(target);
      expect(frames(s2)).toEqual(all.slice(0, target));
    }
  });
});

describe('headless guards', () => {
  it('a runaway loop gets ^C and the terminal is usable again', () => {
    const a = sink();
    const s = LabSession.fromPreset('nat', a.s);
    expect(s.runLine('lvs', 'while true; do :; done')).toBe(130);
    expect(s.runLine('lvs', 'echo ok')).toBe(0);
    expect(a.out.get('lvs')).toBe('^C\nok\n');
  });

  it('a command waiting for input that never comes is interrupted', () => {
    const a = sink();
    const s = LabSession.fromPreset('nat', a.s);
    expect(s.runLine('lvs', 'read x')).toBe(130);
  });
});
