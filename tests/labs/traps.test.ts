/**
 * The misconfiguration detector on broken variants of the presets. Each tests/labs/traps/
 * NAME.txt is a transcript in two parts separated by a `# fix` comment: the broken lab and
 * its traffic, then the fix and the same traffic again. Run through the headless runner:
 * the detector must fire on the frame where it goes wrong (checked by what that frame is),
 * and nothing may fire on the traffic after the fix. NAME.out is the runner's output plus
 * the findings, accepted with UPDATE_GOLDEN=1 like the golden transcripts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCompleteSource } from '../../src/shell/bash/parser.ts';
import { parseTranscript, renderText, type TranscriptCommand } from '../../src/shell/runner.ts';
import { runTranscript } from '../../src/shell/runTranscript.ts';
import type { PresetName } from '../../src/core/lab/presets.ts';
import type { Lab } from '../../src/core/lab/lab.ts';
import { compileFilter } from '../../src/core/wire/filter.ts';
import { detect, type Finding, type TrapKind } from '../../src/labs/detector.ts';
import { trafficOf } from '../../src/labs/traffic.ts';

const DIR = join(import.meta.dirname, 'traps');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface Expect {
  kind: TrapKind;
  host: string;
  /** What the marked frame is: a display filter, who sent/received it, how it was dropped. */
  filter: string;
  sender?: string;
  receiver?: string;
  drop?: string;
}

const CASES: Record<string, Expect[]> = {
  'arp-vip': [{ kind: 'arp-vip', host: 'RS1', filter: 'arp.opcode == 2 && arp.src.proto_ipv4 == 192.168.137.254', sender: 'RS1' }],
  'arp-announce': [{ kind: 'arp-announce', host: 'RS1', filter: 'arp.opcode == 1 && arp.src.proto_ipv4 == 192.168.137.254', sender: 'RS1' }],
  'nat-gateway': [{ kind: 'nat-gateway', host: 'RS1', filter: 'ip.src == 192.168.137.130 && tcp.flags.syn == 1 && tcp.flags.ack == 1', sender: 'RS1', drop: 'arp-failed' }],
  'nat-bypass': [
    { kind: 'nat-gateway', host: 'RS2', filter: 'ip.src == 192.168.137.200 && tcp.srcport == 80', sender: 'RS2', receiver: 'route' },
    { kind: 'wrong-source', host: 'RS2', filter: 'ip.src == 192.168.137.200 && tcp.flags.syn == 1 && tcp.flags.ack == 1', receiver: 'client' },
  ],
  'rp-filter': [{ kind: 'rp-filter', host: 'RS2', filter: 'ipip && tcp.flags.syn == 1', sender: 'lvs', receiver: 'RS2', drop: 'rp-filter' }],
  'vip-lo': [{ kind: 'vip-missing', host: 'RS1', filter: 'ip.dst == 192.168.137.254 && tcp.flags.syn == 1', sender: 'lvs', receiver: 'RS1', drop: 'not-forwarding' }],
  'vip-tunl0': [
    { kind: 'vip-missing', host: 'RS2', filter: 'ipip', sender: 'lvs', receiver: 'RS2', drop: 'proto-unreachable' },
    { kind: 'vip-missing', host: 'RS1', filter: 'ipip', sender: 'lvs', receiver: 'RS1', drop: 'not-forwarding' },
  ],
  'wrong-method': [{ kind: 'wrong-method', host: 'lvs', filter: 'ip.dst == 192.168.1.100 && tcp.flags.syn == 1', sender: 'lvs', receiver: 'RS2', drop: 'not-forwarding' }],
  'ip-forward': [{ kind: 'ip-forward', host: 'lvs', filter: 'ip.src == 192.168.137.200 && tcp.flags.syn == 1 && tcp.flags.ack == 1', sender: 'RS2', receiver: 'lvs', drop: 'not-forwarding' }],
  'vip-director': [{ kind: 'vip-unanswered', host: 'lvs', filter: 'ip.dst == 192.168.137.254 && tcp.flags.syn == 1', sender: 'client', drop: 'arp-failed' }],
};

function load(name: string): { preset: PresetName; broken: TranscriptCommand[]; all: TranscriptCommand[]; src: string } {
  const src = readFileSync(join(DIR, `${name}.txt`), 'utf8');
  const t = parseTranscript(src, (s) => !isCompleteSource(s));
  const fixLine = src.split('\n').findIndex((l) => /^# fix\b/.test(l)) + 1;
  expect(fixLine, `${name}.txt needs a "# fix" line`).toBeGreaterThan(0);
  return { preset: t.lab as PresetName, broken: t.commands.filter((c) => c.line < fixLine), all: t.commands, src };
}

function run(preset: PresetName, cmds: TranscriptCommand[]) {
  const r = runTranscript(preset, cmds);
  if ('error' in r) throw new Error(r.error);
  return r;
}

function render(lab: Lab, fs: readonly Finding[]): string {
  return fs.map((f) => [
    `# ${f.role} ${f.kind} at frame ${f.frame} (${f.host})${f.related.length ? `, related ${f.related.join(' ')}` : ''}`,
    `#   ${f.title.en} / ${f.title.zh}`,
    `#   ${f.what.en}`,
    `#   ${f.what.zh}`,
    ...f.fix.commands.map((c) => `#   ${f.fix.host}# ${c}`),
  ].join('\n')).join('\n') + '\n';
  void lab;
}

describe('misconfiguration detector', () => {
  it.each(Object.keys(CASES))('%s: fires where it goes wrong, and the fix clears it', (name) => {
    const { preset, broken, all } = load(name);
    const b = run(preset, broken);
    const lab = b.session.lab;
    const found = detect(lab);
    const t = trafficOf(lab);
    for (const e of CASES[name]) {
      const f = found.find((x) => x.kind === e.kind && x.host === e.host && x.role === 'cause');
      expect(f, `${name}: no ${e.kind} finding for ${e.host}; got ${found.map((x) => `${x.kind}@${x.frame}/${x.host}`).join(', ')}`).toBeDefined();
      const rec = lab.capture.get(f!.frame)!;
      const flt = compileFilter(e.filter);
      if (!flt.ok) throw new Error(flt.error);
      expect(flt.match(rec.bytes), `${name}: frame ${f!.frame} is not "${e.filter}"`).toBe(true);
      const p = t.get(f!.frame)!;
      if (e.sender) expect(t.hostName(p.fromHost)).toBe(e.sender);
      if (e.receiver) expect(t.hostName(p.toHost)).toBe(e.receiver);
      if (e.drop) expect(rec.drop?.code).toBe(e.drop);
      // The first frame of its kind: nothing of this kind was marked earlier.
      expect(found.filter((x) => x.kind === e.kind && x.host === e.host && x.frame < f!.frame)).toEqual([]);
      expect(f!.what.zh.length).toBeGreaterThan(10);
      expect(f!.fix.host).toBe(e.host);
    }
    // After the fix: the same traffic, no finding at all.
    const fixedFrom = lab.capture.lastNo + 1;
    const a = run(preset, all);
    const after = detect(a.session.lab, { from: fixedFrom });
    expect(after.map((x) => `${x.kind}@${x.frame}/${x.host}`)).toEqual([]);
    // The whole run, rendered: the runner's output and the findings (reviewed as a golden file).
    const text = renderText(a.results) + render(a.session.lab, detect(a.session.lab));
    const out = join(DIR, `${name}.out`);
    if (UPDATE || !existsSync(out)) writeFileSync(out, text);
    expect(text).toBe(readFileSync(out, 'utf8'));
  });

  it('the fixed labs of every built-in guide end without findings', async () => {
    const { builtinGuides } = await import('../../src/labs/guides/index.ts');
    const { GuideRun, runActions } = await import('../../src/labs/guide.ts');
    const { LabSession } = await import('../../src/shell/session.ts');
    for (const g of builtinGuides()) {
      const s = LabSession.fromPreset(g.preset, { output: () => {}, prompt: () => {} });
      const r = new GuideRun(g, s.lab);
      for (let i = 0; i < g.steps.length; i++) { r.update(); if (r.current <= i) runActions(s, r.showMe(i), () => r.update()); }
      const kinds = [...new Set(detect(s.lab).map((x) => x.kind))];
      // The TUN guide shows the rp_filter drop on purpose before fixing it.
      expect(kinds, g.id).toEqual(g.id === 'tun' ? ['rp-filter'] : []);
    }
  });
});
