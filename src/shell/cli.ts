/**
 * `npm run --silent lab -- run FILE [--lab NAME] [--json] [--pcap OUT.pcapng]`
 * The headless lab runner (../shared/spec/lab-runner.md). Exit 0 when the transcript ran,
 * 2 with a one-line error for an unreadable transcript, an unknown host or bad arguments.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isCompleteSource } from './bash/parser.ts';
import { runTranscript } from './runTranscript.ts';
import { TranscriptError, isPreset, parseTranscript, renderJson, renderText } from './runner.ts';
import { labPcapng } from './labPcap.ts';

const USAGE = 'usage: lab run FILE [--lab nat|dr|tun|fullnat|ha|blank] [--json] [--pcap OUT.pcapng]';

function die(msg: string): never {
  process.stderr.write(`lab: ${msg}\n`);
  process.exit(2);
}

function main(argv: string[]): void {
  if (argv[0] !== 'run') die(argv.length ? `unknown command '${argv[0]}'\n${USAGE}` : USAGE);
  let file: string | null = null, lab: string | null = null, json = false, pcap: string | null = null;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--lab') { lab = argv[++i] ?? die('--lab needs a name'); }
    else if (a.startsWith('--lab=')) lab = a.slice(6);
    else if (a === '--json') json = true;
    else if (a === '--pcap') { pcap = argv[++i] ?? die('--pcap needs a file name'); }
    else if (a.startsWith('--pcap=')) pcap = a.slice(7);
    else if (a.startsWith('--') ) die(`unknown option ${a}\n${USAGE}`);
    else if (file === null) file = a;
    else die(`unexpected argument ${a}\n${USAGE}`);
  }
  if (file === null) die(USAGE);
  let src: string;
  try { src = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8'); }
  catch (e) { die(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (e as Error).message}`); }
  let t;
  try { t = parseTranscript(src, (text) => !isCompleteSource(text)); }
  catch (e) { if (e instanceof TranscriptError) die(`${file}: ${e.message}`); throw e; }
  const preset = lab ?? t.lab ?? 'blank';
  if (!isPreset(preset)) die(`unknown lab '${preset}' (nat, dr, tun, fullnat, ha, blank)`);
  const run = runTranscript(preset, t.commands);
  if ('error' in run) die(`${file}: ${run.error}`);
  process.stdout.write(json ? renderJson(run.results) : renderText(run.results));
  if (pcap) writeFileSync(pcap, labPcapng(run.session.lab));
}

main(process.argv.slice(2));
