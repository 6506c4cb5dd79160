/**
 * "Show me" and "Fix it": type commands into a host's terminal as a student would — the
 * terminal opens and takes focus, the characters appear one by one, Enter, and the next
 * command waits until the shell's prompt is back. The keys go through the terminal's line
 * discipline exactly like typed keys, so the journal (and a shared link) records them as
 * typed. Hardware steps (pull a cable, power off) are sent as topology operations.
 *
 * One run at a time; `stopTyping()` ends it after the character being typed.
 */
import type { GuideAction } from '../../worker/protocol.ts';
import { labClient } from '../labClient.ts';
import { useApp } from '../store/index.ts';
import { terminals } from '../terminal/registry.ts';

let run = 0;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function until(ok: () => boolean, timeoutMs: number, me: number): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!ok()) {
    if (me !== run) return false;
    if (performance.now() > end) return false;
    await sleep(40);
  }
  return me === run;
}

function idle(host: string): boolean {
  const v = terminals.view(host);
  const busy = useApp.getState().status?.busy.includes(host) ?? false;
  return !!v && v.discipline.atPrompt && !busy && !terminals.editOf(host);
}

/** Type one command line (it may hold newlines: a here-document), then wait for it to finish. */
async function typeLine(host: string, text: string, me: number): Promise<boolean> {
  const st = useApp.getState();
  st.openTerm(host, 'auto');
  st.focusTerm(host);
  st.setTyping(host);
  if (!(await until(() => idle(host), 120_000, me))) return false;
  terminals.focus(host);
  const v = terminals.view(host)!;
  // About 40 characters a second, faster for long lines: a long here-document takes ~2 s.
  const delay = Math.max(4, Math.min(24, 1600 / Math.max(1, text.length)));
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    for (const ch of lines[i]) {
      if (me !== run) return false;
      v.discipline.input(ch);
      await sleep(delay);
    }
    v.discipline.input('\r');
    if (i < lines.length - 1) await sleep(delay * 4);
  }
  // The command starts: wait until its prompt is back.
  await sleep(60);
  return until(() => idle(host), 10 * 60_000, me);
}

/** Do a guide step's actions (or a fix's commands) one after the other. */
export async function typeActions(actions: readonly GuideAction[]): Promise<boolean> {
  const me = ++run;
  try {
    for (const a of actions) {
      if ('run' in a) {
        if (!(await typeLine(a.host, a.run, me))) return false;
      } else {
        labClient().send({ t: 'topology', op: a.topology });
        await sleep(400);
      }
      if (me !== run) return false;
    }
    return true;
  } finally {
    if (me === run) useApp.getState().setTyping(null);
  }
}

export function typeCommands(host: string, commands: readonly string[]): Promise<boolean> {
  return typeActions(commands.map((run) => ({ host, run })));
}

export function stopTyping(): void {
  run++;
  useApp.getState().setTyping(null);
}
