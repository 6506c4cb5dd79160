/**
 * Run a parsed transcript in a fresh lab: the engine of the headless runner and of the
 * golden-transcript tests. Output written by a host's background jobs while another host's
 * command runs is shown with that host's next command (where its terminal would show it).
 */
import type { PresetName } from '../core/lab/presets.ts';
import type { CommandResult, TranscriptCommand } from './runner.ts';
import { LabSession, type SessionOptions } from './session.ts';

export function runTranscript(preset: PresetName, commands: readonly TranscriptCommand[], opts: SessionOptions & { seed?: string } = {}):
  { results: CommandResult[]; session: LabSession } | { error: string } {
  const buffers = new Map<string, string>();
  const session = LabSession.fromPreset(preset, {
    output: (host, data) => buffers.set(host, (buffers.get(host) ?? '') + data),
    prompt: () => { /* the runner prints prompts itself */ },
  }, opts);
  for (const c of commands) {
    if (!session.term(c.host)) {
      const h = session.lab.host(c.host);
      return { error: h ? `line ${c.line}: host '${c.host}' has no shell` : `line ${c.line}: unknown host '${c.host}'` };
    }
  }
  const results: CommandResult[] = [];
  const lastOf = new Map<string, number>();
  for (const c of commands) {
    const t = session.term(c.host)!;
    const key = t.key;
    const prompt = session.prompt(key);
    const pending = buffers.get(key) ?? '';
    buffers.set(key, '');
    const exit = session.runLine(key, c.text);
    session.settle();
    const output = pending + (buffers.get(key) ?? '');
    buffers.set(key, '');
    lastOf.set(key, results.length);
    results.push({ host: key, command: c.text, prompt, output, exit });
  }
  // Whatever background jobs printed after a host's last command belongs to it.
  for (const [key, rest] of buffers) {
    const i = lastOf.get(key);
    if (rest && i !== undefined) results[i] = { ...results[i], output: results[i].output + rest };
  }
  return { results, session };
}
