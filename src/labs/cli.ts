/**
 * Teachers' tools for guides and traps, from Node:
 *
 *   npx tsx src/labs/cli.ts check GUIDE.json [--lang zh]
 *       validate a guide, then run its "show me" actions in a fresh lab, headlessly, and
 *       report step by step whether each check turned true (exit 1 if not).
 *   npx tsx src/labs/cli.ts detect TRANSCRIPT [--lab NAME] [--lang zh]
 *       run a transcript as the lab runner does and list what the misconfiguration
 *       detector finds in its traffic.
 *
 * Kept out of the runner's CLI (src/shell/cli.ts), whose interface is a promise.
 */
import { readFileSync } from 'node:fs';
import { isCompleteSource } from '../shell/bash/parser.ts';
import { isPreset, parseTranscript } from '../shell/runner.ts';
import { runTranscript } from '../shell/runTranscript.ts';
import { LabSession } from '../shell/session.ts';
import { detect } from './detector.ts';
import { GuideRun, runActions } from './guide.ts';
import type { Lang } from './types.ts';
import { formatErrors, validateGuide } from './validate.ts';

function die(msg: string, code = 2): never {
  process.stderr.write(`labs: ${msg}\n`);
  process.exit(code);
}

function check(file: string, lang: Lang): number {
  const r = validateGuide(readFileSync(file, 'utf8'));
  if (!r.ok) { process.stdout.write(`${file}: invalid\n${formatErrors(r.errors)}\n`); return 1; }
  const g = r.guide;
  const s = LabSession.fromPreset(g.preset, { output: () => {}, prompt: () => {} });
  const run = new GuideRun(g, s.lab);
  process.stdout.write(`${g.id}: ${g.title[lang]} (${g.preset}, ${g.steps.length} steps)\n`);
  for (let i = 0; i < g.steps.length; i++) {
    const before = run.update().current > i;
    if (!before) runActions(s, run.showMe(i), () => run.update());
    const p = run.update();
    const st = p.steps[i];
    const ok = p.current > i;
    const d = st.result ? (lang === 'zh' ? st.result.detailZh : st.result.detail) : '';
    process.stdout.write(`  ${ok ? 'ok  ' : 'FAIL'} ${i + 1}. ${g.steps[i].id}${before ? ' (already true)' : ''}: ${d}\n`);
    if (!ok) return 1;
  }
  return 0;
}

function detectCmd(file: string, lab: string | null, lang: Lang): number {
  const t = parseTranscript(readFileSync(file, 'utf8'), (x) => !isCompleteSource(x));
  const preset = lab ?? t.lab ?? 'blank';
  if (!isPreset(preset)) die(`unknown lab '${preset}'`);
  const r = runTranscript(preset, t.commands);
  if ('error' in r) die(`${file}: ${r.error}`);
  const found = detect(r.session.lab);
  if (!found.length) process.stdout.write('no findings\n');
  for (const f of found) {
    process.stdout.write(`frame ${f.frame} ${f.role} ${f.kind} (${f.host})${f.related.length ? ` related ${f.related.join(' ')}` : ''}\n  ${f.title[lang]}\n  ${f.what[lang]}\n`);
    for (const c of f.fix.commands) process.stdout.write(`  ${f.fix.host}# ${c}\n`);
  }
  return 0;
}

function main(argv: string[]): number {
  const usage = 'usage: labs check GUIDE.json [--lang en|zh] | labs detect TRANSCRIPT [--lab NAME] [--lang en|zh]';
  const [cmd, file, ...rest] = argv;
  let lang: Lang = 'en', lab: string | null = null;
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--lang') lang = rest[++i] === 'zh' ? 'zh' : 'en';
    else if (rest[i] === '--lab') lab = rest[++i] ?? null;
    else die(`unexpected argument ${rest[i]}\n${usage}`);
  }
  if (!file) die(usage);
  if (cmd === 'check') return check(file, lang);
  if (cmd === 'detect') return detectCmd(file, lab, lang);
  return die(usage);
}

process.exitCode = main(process.argv.slice(2));
