/**
 * SELinux's state on a lab machine, as RHEL 9 keeps it: the mode is decided at boot from
 * /etc/selinux/config (SELINUX=enforcing|permissive|disabled; on RHEL 9 "disabled" boots with
 * no policy loaded, which getenforce reports as Disabled), then only `setenforce` changes it,
 * until the next boot. Kept per host in host.ext.selinux. It does not change traffic: the
 * lab's daemons run in domains the targeted policy already allows.
 */
import type { Vfs } from '../fs/vfs.ts';
import type { Host } from '../net/host.ts';

export type SelinuxMode = 'enforcing' | 'permissive' | 'disabled';

export const SELINUX_CONFIG_PATH = '/etc/selinux/config';

/** /etc/selinux/config as selinux-policy 38.1 (RHEL 9.4) installs it. */
export const SELINUX_CONFIG = `
# This file controls the state of SELinux on the system.
# SELINUX= can take one of these three values:
#     enforcing - SELinux security policy is enforced.
#     permissive - SELinux prints warnings instead of enforcing.
#     disabled - No SELinux policy is loaded.
# See also:
# https://access.redhat.com/documentation/en-us/red_hat_enterprise_linux/9/html/using_selinux/changing-selinux-states-and-modes_using-selinux#changing-selinux-modes-at-boot-time_changing-selinux-states-and-modes
#
# NOTE: Up to RHEL 8 release included, SELINUX=disabled would also
# fully disable SELinux during boot. If you need a system with SELinux
# fully disabled instead of SELinux running with no policy loaded, you
# need to pass selinux=0 to the kernel command line. You can use grubby
# to persistently set the bootloader to boot with selinux=0:
#
#    grubby --update-kernel ALL --args selinux=0
#
# To revert back to SELinux enabled:
#
#    grubby --update-kernel ALL --remove-args selinux
#
SELINUX=enforcing
# SELINUXTYPE= can take one of these three values:
#     targeted - Targeted processes are protected,
#     mls - Multi Level Security protection.
SELINUXTYPE=targeted

`;

/**
 * The mode /etc/selinux/config asks for, read as libselinux's selinux_getenforcemode does
 * (a line starting `SELINUX=`, value compared case-insensitively), or null if the file is
 * missing or names no mode.
 */
export function configMode(fs: Vfs): SelinuxMode | null {
  let text: string;
  try { text = fs.readFile(SELINUX_CONFIG_PATH); } catch { return null; }
  for (const line of text.split('\n')) {
    if (!line.startsWith('SELINUX=')) continue;
    const v = line.slice('SELINUX='.length).trim().toLowerCase();
    for (const m of ['enforcing', 'permissive', 'disabled'] as const) if (v.startsWith(m)) return m;
    return null;
  }
  return null;
}

interface SelinuxState {
  boot: number;
  mode: SelinuxMode;
}

/** Decide the mode at boot from the config file (called as the machine boots). */
export function bootSelinux(h: Host): void {
  h.ext.selinux = { boot: h.sd.bootCount + 1, mode: configMode(h.fs) ?? 'enforcing' } satisfies SelinuxState;
}

function stateOf(h: Host): SelinuxState {
  let st = h.ext.selinux as SelinuxState | undefined;
  if (!st || st.boot !== h.sd.bootCount) {
    st = { boot: h.sd.bootCount, mode: configMode(h.fs) ?? 'enforcing' };
    h.ext.selinux = st;
  }
  return st;
}

/** The current mode (getenforce). */
export function selinuxMode(h: Host): SelinuxMode {
  return stateOf(h).mode;
}

/** setenforce: switch between enforcing and permissive (not possible when disabled). */
export function setEnforce(h: Host, enforcing: boolean): boolean {
  const st = stateOf(h);
  if (st.mode === 'disabled') return false;
  st.mode = enforcing ? 'enforcing' : 'permissive';
  return true;
}
