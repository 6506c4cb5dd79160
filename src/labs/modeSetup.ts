/**
 * The four forwarding methods configured by script, as a student following the guides
 * would type it: the commands of the nat, dr, tun and fullnat guides (src/labs/guides/*.json),
 * host by host, run through a LabSession so every step is a real shell command (dnf,
 * ipvsadm, ip, sysctl, modprobe). The scheduler bench uses them when the running lab has no
 * virtual service yet, and the four-mode comparison builds one lab per mode with them.
 *
 * What it guarantees: after `configureMode(session, mode)` a `curl VIP` from the client is
 * answered by a real server through the director, in the way the mode forwards. What it
 * leaves out: persistence, keepalived, saving the rules (`ipvsadm -Sn`) — not needed to
 * carry one request.
 */
import type { LabOptions } from '../core/lab/lab.ts';
import { createLab } from '../core/lab/presets.ts';
import { LabSession } from '../shell/session.ts';
import type { TerminalSink } from '../shell/sessionApi.ts';
import { MODES, type ModeName, type ModeSpec } from './modeSpecs.ts';

export { MODES, MODE_NAMES, modeOfPreset, type ModeName, type ModeSpec } from './modeSpecs.ts';

/** A capture ring sized for a lab that lives for one comparison or one bench run (the page's lab keeps 32 MB). */
export const SMALL_CAPTURE: LabOptions = { captureCapacity: 60_000, captureBytes: 6 * 1024 * 1024 };

/** A sink that keeps each host's output (for error messages) and shows nothing. */
export function quietSink(): TerminalSink & { text(host: string): string; clearText(): void } {
  const out = new Map<string, string>();
  return {
    output: (h, d) => { const s = (out.get(h) ?? '') + d; out.set(h, s.length > 20_000 ? s.slice(-10_000) : s); },
    prompt: () => {},
    text: (h) => out.get(h) ?? '',
    clearText: () => out.clear(),
  };
}

/** Type the mode's script into `session` (each command to completion). Returns the failed commands. */
export function configureMode(session: LabSession, mode: ModeName | ModeSpec): string[] {
  const spec = typeof mode === 'string' ? MODES[mode] : mode;
  const failed: string[] = [];
  for (const [host, line] of spec.script) {
    const status = session.runLine(host, line);
    if (status !== 0) failed.push(`${host}# ${line} (exit ${status})`);
    session.settle();
  }
  return failed;
}

/** A fresh lab of the mode's preset, configured: the session and the spec. */
export function buildModeLab(mode: ModeName, sink: TerminalSink = quietSink(), opts: LabOptions = SMALL_CAPTURE): { session: LabSession; spec: ModeSpec; failed: string[] } {
  const spec = MODES[mode];
  const session = new LabSession(createLab(spec.preset, opts), sink);
  const failed = configureMode(session, spec);
  return { session, spec, failed };
}
