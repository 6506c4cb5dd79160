/**
 * Challenge mode on real traffic of the four forwarding methods: the frame a director sends
 * because of a frame it received, and a student's answer checked field by field.
 */
import { describe, expect, it } from 'vitest';
import { LabSession } from '../shell/session.ts';
import { builtinGuide } from './guides/index.ts';
import { GuideRun, runActions } from './guide.ts';
import { challengeCandidates, challengeFor, checkChallenge, type Challenge } from './challenge.ts';
import { fmtMac } from '../core/wire/types.ts';

function labAfter(id: string): LabSession {
  const g = builtinGuide(id)!;
  const s = LabSession.fromPreset(g.preset, { output: () => {}, prompt: () => {} });
  const run = new GuideRun(g, s.lab);
  for (let i = 0; i < g.steps.length; i++) { run.update(); if (run.current <= i) runActions(s, run.showMe(i), () => run.update()); }
  return s;
}

const mac = (s: LabSession, host: string, dev: string) => fmtMac(s.lab.host(host)!.dev(dev)!.mac);

/** The first challenge for a client SYN arriving at lvs. */
function synChallenge(s: LabSession): Challenge {
  for (const no of challengeCandidates(s.lab, { director: 'lvs' })) {
    const ch = challengeFor(s.lab, no)!;
    if (ch.given.ipSrc === '192.168.1.111' && ch.given.dport === 80 && ch.action !== 'routing') return ch;
  }
  throw new Error('no SYN challenge');
}

describe('challenge mode', () => {
  it('DR: only the MACs change; a right answer scores full marks, a NAT-minded one does not', () => {
    const s = labAfter('dr');
    const ch = synChallenge(s);
    expect(ch.action).toBe('DR');
    expect(ch.segmentIn).toBe('vmnet1');
    expect(ch.given.ethSrc).toBe(mac(s, 'route', 'eth1'));
    expect(ch.answer.ethSrc).toBe(mac(s, 'lvs', 'eth0'));
    expect([mac(s, 'RS1', 'eth0'), mac(s, 'RS2', 'eth0')]).toContain(ch.answer.ethDst);
    expect(ch.answer).toMatchObject({ ipSrc: '192.168.1.111', ipDst: '192.168.137.254', dport: 80, sport: ch.given.sport });
    expect(ch.ask).toEqual(['ethSrc', 'ethDst', 'ipSrc', 'ipDst', 'sport', 'dport']);
    expect(ch.choices.ip.find((c) => c.value === '192.168.137.254')?.label).toMatch(/^VIP/);
    const right = checkChallenge(ch, { ...ch.answer, ethSrc: ch.answer.ethSrc.toUpperCase(), sport: String(ch.answer.sport) });
    expect(right.correct).toBe(true);
    const rs = ch.answer.ethDst === mac(s, 'RS1', 'eth0') ? '192.168.137.130' : '192.168.137.200';
    const wrong = checkChallenge(ch, { ...ch.answer, ipDst: rs });
    expect(wrong.correct).toBe(false);
    expect(wrong.fields.find((f) => f.field === 'ipDst')).toMatchObject({ ok: false, expected: '192.168.137.254', given: rs });
    expect(wrong.fields.find((f) => f.field === 'ipDst')!.why.en).toMatch(/^Unchanged: 192\.168\.137\.254 \(VIP/);
  });

  it('NAT: the destination becomes a real server; the reply gets the VIP back as its source', () => {
    const s = labAfter('nat');
    const ch = synChallenge(s);
    expect(ch.action).toBe('NAT');
    expect(ch.segmentOut).toBe('vmnet1');
    expect(['192.168.137.130', '192.168.137.200']).toContain(ch.answer.ipDst);
    expect(ch.answer.ipSrc).toBe('192.168.1.111');
    const replies = challengeCandidates(s.lab, { director: 'lvs' }).map((n) => challengeFor(s.lab, n)!).filter((c) => c.action === 'NAT reply');
    expect(replies.length).toBeGreaterThan(0);
    expect(replies[0].answer.ipSrc).toBe('192.168.1.100');
    expect(replies[0].segmentOut).toBe('vmnet8');
  });

  it('TUN asks for the outer header too; FULLNAT rewrites both addresses and the port', () => {
    const tun = synChallenge(labAfter('tun'));
    expect(tun.action).toBe('TUN');
    expect(tun.ask).toEqual(['ethSrc', 'ethDst', 'outerSrc', 'outerDst', 'ipSrc', 'ipDst', 'sport', 'dport']);
    expect(tun.answer.outerSrc).toBe('192.168.137.100');
    expect(tun.answer.ipDst).toBe('192.168.137.254');
    const fn = synChallenge(labAfter('fullnat'));
    expect(fn.action).toBe('FULLNAT');
    expect(fn.answer.ipSrc).toBe('192.168.137.100');
    expect(fn.answer.sport).not.toBe(fn.given.sport);
    expect(checkChallenge(fn, {}).score).toBe(0);
  });
});
