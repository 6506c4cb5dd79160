/**
 * ifup / ifdown on RHEL 9: NetworkManager's compatibility scripts (nm-ifup, nm-ifdown from
 * src/core/settings/plugins/ifcfg-rh of NetworkManager 1.46). They do not look at devices: they
 * pick the profile whose name, UUID, D-Bus path or file is the argument (as
 * `nmcli -g connection.uuid connection show ARG`), and run `nmcli connection up uuid U`
 * (ifdown: `nmcli connection down apath P`), so the output is nmcli's own success line. An
 * /etc/sysconfig/network-scripts/ifcfg-ARG file is loaded first when it exists (the lab reads
 * keyfiles only, so that load fails as NM without the ifcfg-rh plugin would).
 */
import { networkManagerOf } from '../../core/services/networkManager.ts';
import type { CmdContext, Co, Command } from '../types.ts';
import { nmcliCommand } from './nmcli.ts';

const DBUS = '/org/freedesktop/NetworkManager';

function* nmcli(ctx: CmdContext, argv: string[]): Co<number> {
  return yield* nmcliCommand.run({ ...ctx, argv: ['nmcli', ...argv] });
}

function usageAndFail(ctx: CmdContext, msg: string): number {
  ctx.stderr.write(`${msg}!\n\nSee all profiles with \`nmcli connection\`.\nReload files from disk with \`nmcli connection reload\`\nActivate the desired profile with \`nmcli connection up "$NAME"\`\n`);
  return 1;
}

function* updown(ctx: CmdContext, up: boolean): Co<number> {
  const config = ctx.argv[1];
  if (!config) {
    ctx.stderr.write(`Usage: ${up ? 'ifup' : 'ifdown'} <device name>\n`);
    return 1;
  }
  for (const f of [`/etc/sysconfig/network-scripts/ifcfg-${config}`, `/etc/sysconfig/network-scripts/${config}`]) {
    if (!/^\/etc\/sysconfig\/network-scripts\/ifcfg-[^/]+$/.test(f)) continue;
    let isFile = false;
    try { isFile = ctx.fs.stat(f).kind === 'file'; } catch { /* absent */ }
    if (!isFile) continue;
    const r = yield* nmcli(ctx, ['connection', 'load', f]);
    if (r === 0) {
      const r2 = yield* nmcli(ctx, ['connection', up ? 'up' : 'down', 'filename', f]);
      if (r2 === 0) return 0;
    }
    return usageAndFail(ctx, `Failure to ${up ? 'activate' : 'deactivate'} file "${config}"`);
  }
  const nm = networkManagerOf(ctx.host.kernel);
  if (!nm) {
    // nmcli -g ... 2>/dev/null prints nothing when NM is down.
    return usageAndFail(ctx, `No suitable profile "${config}" found`);
  }
  const matchesArg = (p: (typeof nm.profiles)[number]) => p.id === config || p.uuid === config || nm.settingsPathOf(p) === config || p.filename === config;
  if (up) {
    const uuids = nm.profiles.filter(matchesArg).map((p) => p.uuid);
    if (uuids.length === 1) {
      const r = yield* nmcli(ctx, ['connection', 'up', 'uuid', uuids[0]]);
      if (r === 0) return 0;
      return usageAndFail(ctx, `Failure to activate profile "${config}" (uuid ${uuids[0]})`);
    }
  } else {
    const apaths = nm.activeConnections().filter((a) => matchesArg(a.profile)).map((a) => `${DBUS}/ActiveConnection/${a.n}`);
    if (apaths.length === 1) {
      const r = yield* nmcli(ctx, ['connection', 'down', 'apath', apaths[0]]);
      if (r === 0) return 0;
      return usageAndFail(ctx, `Failure to deactivate profile "${config}" (apath ${apaths[0]})`);
    }
  }
  return usageAndFail(ctx, `No suitable profile "${config}" found`);
}

export const ifupCommand: Command = {
  name: 'ifup', pkg: 'NetworkManager', path: '/usr/sbin/ifup',
  *run(ctx: CmdContext): Co<number> { return yield* updown(ctx, true); },
};

export const ifdownCommand: Command = {
  name: 'ifdown', pkg: 'NetworkManager', path: '/usr/sbin/ifdown',
  *run(ctx: CmdContext): Co<number> { return yield* updown(ctx, false); },
};
