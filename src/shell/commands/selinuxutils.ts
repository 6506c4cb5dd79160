/**
 * getenforce and setenforce (libselinux-utils 3.6) and sestatus (policycoreutils 3.6), as
 * RHEL 9 prints them (libselinux/utils/getenforce.c, setenforce.c, policycoreutils/sestatus).
 * The mode lives on the host (core/services/selinux.ts): decided at boot from
 * /etc/selinux/config, changed by setenforce until the next boot.
 */
import { SELINUX_CONFIG_PATH, configMode, selinuxMode, setEnforce } from '../../core/services/selinux.ts';
import type { CmdContext, Co, Command } from '../types.ts';

function* getenforce(ctx: CmdContext): Co<number> {
  const m = selinuxMode(ctx.host.kernel);
  ctx.stdout.write(m === 'enforcing' ? 'Enforcing\n' : m === 'permissive' ? 'Permissive\n' : 'Disabled\n');
  return 0;
}

function* setenforce(ctx: CmdContext): Co<number> {
  const prog = ctx.argv[0];
  const usage = () => { ctx.stderr.write(`usage:  ${prog} [ Enforcing | Permissive | 1 | 0 ]\n`); return 1; };
  if (ctx.argv.length !== 2) return usage();
  const h = ctx.host.kernel;
  if (selinuxMode(h) === 'disabled') {
    ctx.stderr.write(`${prog}: SELinux is disabled\n`);
    return 1;
  }
  const a = ctx.argv[1];
  let enforcing: boolean;
  if (a === '0' || a === '1') enforcing = a === '1';
  else if (a.toLowerCase() === 'enforcing') enforcing = true;
  else if (a.toLowerCase() === 'permissive') enforcing = false;
  else return usage();
  setEnforce(h, enforcing);
  return 0;
}

const tab = (label: string, value: string) => `${label.padEnd(32)}${value}\n`;

function* sestatus(ctx: CmdContext): Co<number> {
  const args = ctx.argv.slice(1);
  for (const a of args) {
    if (a === '--') break;
    if (!a.startsWith('-') || a === '-') continue;
    for (const c of a.slice(1)) {
      if (c === 'v' || c === 'b') continue;
      ctx.stderr.write(`sestatus: invalid option -- '${c}'\n`);
      ctx.stdout.write('\nUsage: sestatus [OPTION]\n\n  -v  Verbose check of process and file contexts.\n  -b  Display current state of booleans.\n\nWithout options, show SELinux status.\n');
      return 255;
    }
  }
  const mode = selinuxMode(ctx.host.kernel);
  if (mode === 'disabled') {
    ctx.stdout.write(tab('SELinux status:', 'disabled'));
    return 0;
  }
  let fromConfig: string;
  const cm = configMode(ctx.fs);
  if (cm) fromConfig = cm;
  else {
    try { ctx.fs.readFile(SELINUX_CONFIG_PATH); fromConfig = 'error (Success)'; } catch { fromConfig = 'error (No such file or directory)'; }
  }
  ctx.stdout.write(
    tab('SELinux status:', 'enabled')
    + tab('SELinuxfs mount:', '/sys/fs/selinux')
    + tab('SELinux root directory:', '/etc/selinux')
    + tab('Loaded policy name:', 'targeted')
    + tab('Current mode:', mode)
    + tab('Mode from config file:', fromConfig)
    + tab('Policy MLS status:', 'enabled')
    + tab('Policy deny_unknown status:', 'allowed')
    + tab('Memory protection checking:', 'actual (secure)')
    + tab('Max kernel policy version:', '33'),
  );
  return 0;
}

export const selinuxCommands: Command[] = [
  { name: 'getenforce', pkg: 'libselinux-utils', path: '/usr/sbin/getenforce', run: getenforce },
  { name: 'setenforce', pkg: 'libselinux-utils', path: '/usr/sbin/setenforce', run: setenforce },
  { name: 'sestatus', pkg: 'policycoreutils', path: '/usr/sbin/sestatus', run: sestatus },
];
