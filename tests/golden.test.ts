/**
 * Golden transcripts: every tests/golden/NAME.txt is run through the headless runner and
 * compared with NAME.out (accept changes with UPDATE_GOLDEN=1 and review the diff). Each
 * transcript runs twice: the text and the pcapng must be byte-identical (determinism).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCompleteSource } from '../src/shell/bash/parser.ts';
import { labPcapng } from '../src/shell/labPcap.ts';
import { isPreset, parseTranscript, renderText } from '../src/shell/runner.ts';
import { runTranscript } from '../src/shell/runTranscript.ts';

const DIR = join(import.meta.dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

export function runGolden(file: string): { text: string; pcap: Uint8Array } {
  const t = parseTranscript(readFileSync(file, 'utf8'), (s) => !isCompleteSource(s));
  const preset = t.lab ?? 'blank';
  if (!isPreset(preset)) throw new Error(`bad preset ${preset}`);
  const r = runTranscript(preset, t.commands);
  if ('error' in r) throw new Error(r.error);
  return { text: renderText(r.results), pcap: labPcapng(r.session.lab) };
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort();

describe('golden transcripts', () => {
  it.each(files)('%s', (f) => {
    const path = join(DIR, f);
    const out = path.replace(/\.txt$/, '.out');
    const a = runGolden(path);
    const b = runGolden(path);
    expect(b.text).toBe(a.text);
    expect(Buffer.from(b.pcap).equals(Buffer.from(a.pcap))).toBe(true);
    if (UPDATE || !existsSync(out)) writeFileSync(out, a.text);
    expect(a.text).toBe(readFileSync(out, 'utf8'));
  });
});
