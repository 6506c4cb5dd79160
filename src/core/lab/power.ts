/**
 * Powering lab machines off and on, and rebooting them, the way a VM does: runtime state is
 * lost (Host.powerOff → resetKernel: addresses, routes, neighbours, sockets, modules,
 * netfilter hooks, /proc/sys; subsystems in host.ext reset on the `power` event), files
 * persist (except /run, a tmpfs), and booting runs again what builds the runtime state:
 * systemd-sysctl applies the sysctl files, then systemd starts the static and enabled units
 * (NetworkManager activates the keyfiles, httpd listens, ...).
 *
 * Used by the shell's reboot/poweroff/shutdown/halt and by the UI's power buttons. A
 * graceful power-off (`graceful: true`, what the commands and "Shut Down Guest" do) stops
 * the units with their journal lines first; a hard one (VMware's "Power Off") just cuts.
 */
import { SEC } from '../sim/events.ts';
import type { Host } from '../net/host.ts';
import { bootMachine } from './presets.ts';

/** Virtual time between the power going off and the machine being up again on a reboot. */
export const REBOOT_DOWNTIME = 8 * SEC;

export interface PowerOpts {
  /** Stop the units first, with journal lines (a shutdown from the guest). Default true. */
  readonly graceful?: boolean;
  readonly kind?: 'poweroff' | 'halt';
}

/** Switch a machine off. Nothing happens if it is already off. */
export function powerOffMachine(h: Host, opts: PowerOpts = {}): void {
  if (!h.powered) return;
  if (opts.graceful ?? true) h.sd.shutdown(opts.kind ?? 'poweroff');
  h.powerOff();
}

/** Switch a machine on and boot it. Nothing happens if it is already on. */
export function powerOnMachine(h: Host): void {
  if (h.powered) return;
  clearTmpfs(h);
  h.powerOn();
  bootMachine(h);
}

/**
 * Reboot: shut down now (gracefully unless told otherwise), come back after
 * REBOOT_DOWNTIME of virtual time. Returns the virtual time at which the machine is up again.
 * `rebooted(h, since)` tells whether that has happened.
 */
export function rebootMachine(h: Host, opts: { graceful?: boolean; downtime?: number } = {}): number {
  const at = h.now + (opts.downtime ?? REBOOT_DOWNTIME);
  if (h.powered) {
    if (opts.graceful ?? true) h.sd.shutdown('reboot');
    h.powerOff();
  }
  h.net.q.at(at, () => powerOnMachine(h));
  return at;
}

/** Has the machine booted since boot number `bootCount` (and is it up)? */
export function rebootedSince(h: Host, bootCount: number): boolean {
  return h.powered && h.sd.bootCount > bootCount;
}

/** /run is a tmpfs: empty after a power cycle (the directories the system expects come back). */
function clearTmpfs(h: Host): void {
  const fs = h.fs;
  let names: string[];
  try { names = fs.readdir('/run'); } catch { return; }
  const rm = (p: string) => {
    try {
      if (fs.lstat(p).kind === 'dir') {
        for (const n of fs.readdir(p)) rm(`${p}/${n}`);
        fs.rmdir(p);
      } else fs.unlink(p);
    } catch { /* busy or special: leave it */ }
  };
  for (const n of names) rm(`/run/${n}`);
  try { fs.mkdir('/run/sysctl.d', { parents: true }); } catch { /* exists */ }
}
