/**
 * Every built-in guide is completable by its own "show me" actions, run headlessly through
 * a LabSession: after each step's actions its check holds, in order. And a guide checks
 * state, not typed text: the NAT guide completed with other commands than its hints.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatErrors, validateGuide } from '../../src/labs/validate.ts';
import { LabSession } from '../../src/shell/session.ts';
import { builtinGuide, builtinGuides } from '../../src/labs/guides/index.ts';
import { GuideRun, runActions } from '../../src/labs/guide.ts';
import type { Guide } from '../../src/labs/types.ts';

function session(g: Guide): LabSession {
  return LabSession.fromPreset(g.preset, { output: () => {}, prompt: () => {} });
}

describe('built-in guides', () => {
  it('are all valid, with unique ids', () => {
    const gs = builtinGuides();
    expect(gs.map((g) => g.id)).toEqual(['nat', 'dr', 'tun', 'fullnat', 'fwmark', 'persistence', 'schedulers', 'script', 'failover']);
    for (const g of gs) for (const s of g.steps) {
      expect(s.title.zh.length, `${g.id}/${s.id}`).toBeGreaterThan(0);
      expect(s.explain.zh.length, `${g.id}/${s.id}`).toBeGreaterThan(0);
    }
  });

  it.each(builtinGuides().map((g) => [g.id, g] as const))('%s: its show-me actions complete every step, in order', (_id, g) => {
    const s = session(g);
    const run = new GuideRun(g, s.lab);
    for (let i = 0; i < g.steps.length; i++) {
      run.update();
      // Done already (a step that only looks), or done by its own actions.
      if (run.current <= i) runActions(s, run.showMe(i), () => run.update());
      const p = run.update();
      expect(p.current, `step ${i} ${g.steps[i].id}: ${p.steps[i].result?.detail}`).toBeGreaterThan(i);
      expect(p.steps[i].state).toBe('done');
    }
    expect(run.progress().complete).toBe(true);
  });
});

describe('docs/lab-format.md', () => {
  it('its example is a valid guide that its own commands complete', () => {
    const md = readFileSync(join(import.meta.dirname, '../../docs/lab-format.md'), 'utf8');
    const json = /```json\n([\s\S]*?)\n```/.exec(md)![1];
    const r = validateGuide(json);
    if (!r.ok) throw new Error(formatErrors(r.errors));
    const s = session(r.guide);
    const run = new GuideRun(r.guide, s.lab);
    for (let i = 0; i < r.guide.steps.length; i++) runActions(s, run.showMe(i), () => run.update());
    expect(run.update().complete).toBe(true);
  });
});

describe('checks read state and traffic, not the typed text', () => {
  it('the NAT guide completes with other commands than its hints', () => {
    const g = builtinGuide('nat')!;
    const s = session(g);
    const run = new GuideRun(g, s.lab);
    const alt: Record<string, [string, string][]> = {
      'ip-forward': [['lvs', 'echo 1 > /proc/sys/net/ipv4/ip_forward']],
      install: [['lvs', 'dnf -y install ipvsadm']],
      service: [['lvs', 'ipvsadm --add-service --tcp-service 192.168.1.100:80 --scheduler rr']],
      'real-servers': [
        ['lvs', 'ipvsadm -a -t 192.168.1.100:80 -r 192.168.137.200'],          // the seed's mistake: Route
        ['lvs', 'ipvsadm -e -t 192.168.1.100:80 -r 192.168.137.200:80 -m'],     // fixed
        ['lvs', 'ipvsadm --add-server -t 192.168.1.100:80 --real-server 192.168.137.130:80 --masquerading'],
      ],
      save: [['lvs', 'ipvsadm-save -n > /etc/sysconfig/ipvsadm'], ['lvs', 'systemctl enable --now ipvsadm']],
      test: [['client', 'i=0; while [ $i -lt 4 ]; do curl -s http://192.168.1.100/; i=$((i+1)); done']],
      capture: [['client', 'curl -s -o /dev/null http://192.168.1.100/index.html']],
    };
    const typed: string[] = [];
    for (let i = 0; i < g.steps.length; i++) {
      const step = g.steps[i];
      run.update();
      const cmds = alt[step.id];
      if (cmds) {
        expect(run.current, `${step.id} must not be done before its commands`).toBe(i);
        for (const [h, c] of cmds) {
          typed.push(c);
          s.runLine(h, c);
          s.settle();
          if (step.id === 'real-servers' && c.endsWith('192.168.137.200')) expect(run.update().current).toBe(i); // Route: not yet
        }
      }
      expect(run.update().current, `${step.id}: ${run.progress().steps[i].result?.detail}`).toBeGreaterThan(i);
    }
    expect(run.progress().complete).toBe(true);
    // None of the hint commands was typed.
    const hints = g.steps.flatMap((st) => Object.values(st.commands ?? {}).flat());
    expect(typed.filter((t) => hints.includes(t))).toEqual([]);
  });

  it('a traffic step counts only traffic after the previous step: a failed test before the setup does not pass it', () => {
    const g = builtinGuide('nat')!;
    const s = session(g);
    const run = new GuideRun(g, s.lab);
    s.runLine('client', 'curl -s -m 1 192.168.1.100');  // nothing listens yet: no answer
    s.settle();
    for (let i = 0; i < 7; i++) { run.update(); if (run.current <= i) runActions(s, run.showMe(i)); }
    expect(run.update().current).toBe(7);   // "test": not done by the early curl
    expect(run.progress().steps[7].result?.detail).toMatch(/got answers from: none/);
    runActions(s, run.showMe(7));
    expect(run.update().current).toBeGreaterThan(7);
  });
});

describe('GuideRun', () => {
  it('one command line that completes a step and sends the next step\'s traffic completes both', () => {
    const g = builtinGuide('persistence')!;
    const s = session(g);
    const run = new GuideRun(g, s.lab);
    for (let i = 0; i < 2; i++) runActions(s, run.showMe(i), () => run.update());
    expect(run.update().current).toBe(2);
    s.runLine('lvs', 'ipvsadm -E -t 192.168.1.100:80 -s rr -p 300; ssh=no; echo set');
    s.runLine('client', 'for i in 1 2 3; do curl -s 192.168.1.100; done');   // no update between the two lines
    expect(run.update().current).toBe(5);      // persistent, sticky, and template (it only looks)
  });

  it('latches done steps, reports the current check, rewinds and restores', () => {
    const g = builtinGuide('nat')!;
    const s = session(g);
    const run = new GuideRun(g, s.lab);
    let p = run.update();
    expect(p.current).toBe(1);                         // "look" holds in the preset
    expect(p.steps[1].state).toBe('current');
    expect(p.steps[1].result?.ok).toBe(false);
    expect(p.steps[1].result?.detail).toBe('lvs: net.ipv4.ip_forward = 0, want 1');
    expect(p.steps[1].result?.detailZh).toBe('lvs:net.ipv4.ip_forward = 0,应为 1');
    for (let i = 1; i <= 7; i++) runActions(s, run.showMe(i), () => run.update());   // the UI updates after every command
    p = run.update();
    expect(p.done).toBe(9);                            // up to "test", and "counters" that only looks
    const beforeTest = p.steps[6].doneAt!.frame;
    expect(p.steps[7].doneAt!.frame).toBeGreaterThan(beforeTest);
    // Undoing the state does not undo a completed step.
    s.runLine('lvs', 'sysctl -w net.ipv4.ip_forward=0');
    expect(run.update().done).toBe(9);
    const again = new GuideRun(g, s.lab, run.state());
    expect(again.progress().done).toBe(9);
    // Time travel to before the test's traffic: the test and what followed are undone.
    run.rewind(beforeTest);
    expect(run.progress().done).toBe(7);
    expect(run.progress().steps[7].state).toBe('current');
  });

  it('fills placeholders in show-me commands and texts', () => {
    const g = builtinGuide('dr')!;
    const s = session(g);
    const run = new GuideRun(g, s.lab);
    expect(run.showMe(1)).toEqual([{ host: 'lvs', run: 'ip addr add 192.168.137.254/32 dev eth0' }, { host: 'lvs', run: 'ip addr show eth0' }]);
    const mac = [...s.lab.host('route')!.devs.values()].find((d) => d.name === 'eth1')!.mac;
    expect(run.explain(7, 'en')).toContain(`(${[...Array(6)].map((_, i) => Math.floor(mac / 2 ** (8 * (5 - i))) % 256).map((b) => b.toString(16).padStart(2, '0')).join(':')})`);
  });
});
