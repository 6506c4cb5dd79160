/**
 * reboot, poweroff, halt and shutdown (systemd 252's compatibility verbs), and
 * `systemctl reboot|poweroff|halt`.
 *
 * The machine goes down for real (core/lab/power.ts): units stop with their journal lines,
 * the kernel forgets its runtime state, files stay. A reboot comes back REBOOT_DOWNTIME
 * later and boots again (sysctl files, NetworkManager keyfiles, enabled units).
 *
 * What the terminal sees: these commands print nothing and never return normally. They end
 * the login session by throwing a PowerSignal, a ShellSignal('KILL') (status 137, which no
 * trap can catch, as systemd-shutdown's final SIGKILL), once the machine is down (poweroff,
 * halt) or once it is up again (reboot, so that a headless transcript's next command runs
 * on the rebooted machine). The session layer should end the host's shell on it and show a
 * fresh login when `host.powered` is true; `host.sd.bootCount` changing tells the same for
 * reboots started elsewhere (the UI's power buttons use core/lab/power.ts directly).
 *
 * `shutdown` with a time (`+5`, `hh:mm`) schedules the shutdown and returns; `shutdown -c`
 * cancels it.
 */
import { SEC, type Timer } from '../../core/sim/events.ts';
import type { Host } from '../../core/net/host.ts';
import { powerOffMachine, rebootMachine, rebootedSince, REBOOT_DOWNTIME } from '../../core/lab/power.ts';
import { ShellSignal, waitSim, type CmdContext, type Co, type Command } from '../types.ts';
import { sdTimestamp } from './sysfmt.ts';

export type PowerAction = 'reboot' | 'poweroff' | 'halt';

/** The login session ends because its machine went down (see the module comment). */
export class PowerSignal extends ShellSignal {
  constructor(readonly action: PowerAction, readonly host: string) {
    super('KILL');
    this.name = 'PowerSignal';
  }
}

const SCHEDULED = new WeakMap<Host, { timer: Timer; action: PowerAction; at: number }>();

/** Take the machine down now; returns only by throwing PowerSignal. */
function* goDown(ctx: CmdContext, action: PowerAction, force: boolean): Co<number> {
  const h = ctx.host.kernel;
  const name = h.hostname;
  const pending = SCHEDULED.get(h);
  if (pending) { h.net.q.cancel(pending.timer); SCHEDULED.delete(h); }
  if (action === 'reboot') {
    const boots = h.sd.bootCount;
    const up = rebootMachine(h, { graceful: !force });
    yield* waitSim(() => rebootedSince(h, boots), up + SEC);
  } else {
    powerOffMachine(h, { graceful: !force, kind: action });
  }
  throw new PowerSignal(action, name);
}

const USAGE: Record<PowerAction, string> = {
  reboot: 'reboot [OPTIONS...] [ARG]\n\nReboot the system.\n\nOptions:\n     --help      Show this help\n     --halt      Halt the machine\n  -p --poweroff  Switch off the machine\n     --reboot    Reboot the machine\n  -f --force     Force immediate halt/power-off/reboot\n  -w --wtmp-only Don\'t halt/power-off/reboot, just write wtmp record\n  -d --no-wtmp   Don\'t write wtmp record\n     --no-wall   Don\'t send wall message before halt/power-off/reboot\n\nSee the halt(8) man page for details.\n',
  poweroff: 'poweroff [OPTIONS...]\n\nPower off the system.\n\nOptions:\n     --help      Show this help\n     --halt      Halt the machine\n  -p --poweroff  Switch off the machine\n     --reboot    Reboot the machine\n  -f --force     Force immediate halt/power-off/reboot\n  -w --wtmp-only Don\'t halt/power-off/reboot, just write wtmp record\n  -d --no-wtmp   Don\'t write wtmp record\n     --no-wall   Don\'t send wall message before halt/power-off/reboot\n\nSee the halt(8) man page for details.\n',
  halt: 'halt [OPTIONS...]\n\nHalt the system.\n\nOptions:\n     --help      Show this help\n     --halt      Halt the machine\n  -p --poweroff  Switch off the machine\n     --reboot    Reboot the machine\n  -f --force     Force immediate halt/power-off/reboot\n  -w --wtmp-only Don\'t halt/power-off/reboot, just write wtmp record\n  -d --no-wtmp   Don\'t write wtmp record\n     --no-wall   Don\'t send wall message before halt/power-off/reboot\n\nSee the halt(8) man page for details.\n',
};

/** reboot / poweroff / halt (systemctl-compat-halt.c). */
export function* powerCommand(ctx: CmdContext, prog: PowerAction, args: readonly string[]): Co<number> {
  let action = prog;
  let force = false;
  let wtmpOnly = false;
  for (const a of args) {
    if (a === '--help') { ctx.stdout.write(USAGE[prog]); return 0; }
    if (a === '--halt') action = 'halt';
    else if (a === '-p' || a === '--poweroff') action = 'poweroff';
    else if (a === '--reboot') action = 'reboot';
    else if (a === '-f' || a === '--force' || a === '-ff') force = true;
    else if (a === '-w' || a === '--wtmp-only') wtmpOnly = true;
    else if (a === '-d' || a === '--no-wtmp' || a === '-n' || a === '--no-sync' || a === '--no-wall' || a === '-i') { /* accepted */ }
    else if (a.startsWith('--')) { ctx.stderr.write(`${prog}: unrecognized option '${a}'\n`); return 1; }
    else if (a.startsWith('-')) {
      for (const c of a.slice(1)) {
        if (c === 'f') force = true;
        else if (c === 'p') action = 'poweroff';
        else if (c === 'w') wtmpOnly = true;
        else if (!'dni'.includes(c)) { ctx.stderr.write(`${prog}: invalid option -- '${c}'\n`); return 1; }
      }
    } else if (prog !== 'reboot') { ctx.stderr.write(`${prog}: Too many arguments.\n`); return 1; }
  }
  if (wtmpOnly) return 0;
  return yield* goDown(ctx, action, force);
}

function defineHalt(name: PowerAction): Command {
  return { name, pkg: 'systemd', run: (ctx) => powerCommand(ctx, name, ctx.argv.slice(1)) };
}

/** shutdown [OPTIONS...] [TIME] [WALL...] (systemctl-compat-shutdown.c). */
function* shutdownMain(ctx: CmdContext): Co<number> {
  const h = ctx.host.kernel;
  let action: PowerAction = 'poweroff';
  let cancel = false;
  let show = false;
  const pos: string[] = [];
  for (const a of ctx.argv.slice(1)) {
    if (a === '--help') {
      ctx.stdout.write('shutdown [OPTIONS...] [TIME] [WALL...]\n\nShut down the system.\n\nOptions:\n     --help      Show this help\n  -H --halt      Halt the machine\n  -P --poweroff  Power-off the machine\n  -r --reboot    Reboot the machine\n  -h             Equivalent to --poweroff, overridden by --halt\n  -k             Don\'t halt/power-off/reboot, just send warnings\n     --no-wall   Don\'t send wall message before halt/power-off/reboot\n  -c             Cancel a pending shutdown\n     --show      Show pending shutdown\n\nThis is a compatibility interface, please use the more powerful \'systemctl halt\',\n\'systemctl poweroff\', \'systemctl reboot\' commands instead.\n\nSee the shutdown(8) man page for details.\n');
      return 0;
    }
    if (a === '-r' || a === '--reboot') action = 'reboot';
    else if (a === '-H' || a === '--halt') action = 'halt';
    else if (a === '-P' || a === '--poweroff') action = 'poweroff';
    else if (a === '-h') { if (action !== 'halt') action = 'poweroff'; }
    else if (a === '-c') cancel = true;
    else if (a === '--show') show = true;
    else if (a === '-k' || a === '--no-wall' || a === '-f' || a === '-F' || a === '-a' || a === '-t') { /* accepted */ }
    else if (a.startsWith('--')) { ctx.stderr.write(`shutdown: unrecognized option '${a}'\n`); return 1; }
    else if (a.length > 1 && a[0] === '-' && !/^-\d/.test(a)) {
      for (const c of a.slice(1)) {
        if (c === 'r') action = 'reboot';
        else if (c === 'H') action = 'halt';
        else if (c === 'P') action = 'poweroff';
        else if (c === 'h') { if (action !== 'halt') action = 'poweroff'; }
        else if (c === 'c') cancel = true;
        else if (!'kfFa'.includes(c)) { ctx.stderr.write(`shutdown: invalid option -- '${c}'\n`); return 1; }
      }
    } else pos.push(a);
  }
  const pending = SCHEDULED.get(h);
  if (cancel) {
    if (pending) { h.net.q.cancel(pending.timer); SCHEDULED.delete(h); }
    return 0;
  }
  if (show) {
    if (!pending) { ctx.stderr.write('No scheduled shutdown.\n'); return 1; }
    const what = pending.action === 'reboot' ? 'Reboot' : pending.action === 'halt' ? 'Halt' : 'Shutdown';
    ctx.stderr.write(`${what} scheduled for ${sdTimestamp(Math.floor((h.net.epochUs + pending.at) / SEC))}, use 'shutdown -c' to cancel.\n`);
    return 0;
  }
  const when = pos[0] ?? '+1';
  let delay: number;
  if (when === 'now') delay = 0;
  else if (/^\+?\d+$/.test(when)) {
    delay = Number(when.replace('+', '')) * 60 * SEC;
    // systemd parses into a 64-bit µs value; far beyond any date we can print anyway.
    if (h.net.epochUs + h.now + delay > 8.64e18) { ctx.stderr.write(`Failed to parse time specification: ${when}\n`); return 1; }
  }
  else if (/^\d{1,2}:\d{2}$/.test(when)) {
    const [hh, mm] = when.split(':').map(Number);
    if (hh > 23 || mm > 59) { ctx.stderr.write(`Failed to parse time specification: ${when}\n`); return 1; }
    const nowS = ctx.host.epochSeconds();
    const day = Math.floor(nowS / 86400) * 86400;
    let t = day + hh * 3600 + mm * 60;
    if (t <= nowS) t += 86400;
    delay = (t - nowS) * SEC;
  } else { ctx.stderr.write(`Failed to parse time specification: ${when}\n`); return 1; }
  if (delay === 0) return yield* goDown(ctx, action, false);
  if (pending) h.net.q.cancel(pending.timer);
  const at = h.now + delay;
  const timer = h.net.q.at(at, () => {
    SCHEDULED.delete(h);
    if (action === 'reboot') rebootMachine(h);
    else powerOffMachine(h, { kind: action });
  });
  SCHEDULED.set(h, { timer, action, at });
  const what = action === 'reboot' ? 'Reboot' : action === 'halt' ? 'Halt' : 'Shutdown';
  ctx.stderr.write(`${what} scheduled for ${sdTimestamp(Math.floor((h.net.epochUs + at) / SEC))}, use 'shutdown -c' to cancel.\n`);
  return 0;
}

export const powerCommands: Command[] = [
  defineHalt('reboot'),
  defineHalt('poweroff'),
  defineHalt('halt'),
  { name: 'shutdown', pkg: 'systemd', run: shutdownMain },
];

export { REBOOT_DOWNTIME };
