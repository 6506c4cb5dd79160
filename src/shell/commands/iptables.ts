/**
 * iptables, iptables-save, iptables-restore and ip6tables of iptables-nft 1.8.10 (RHEL 9:
 * /usr/sbin/iptables → alternatives → xtables-nft-multi), plus conntrack(8) from
 * conntrack-tools. The work is done by core/netfilter/cli.ts on the host's netfilter state;
 * these wrappers only connect argv, files and streams.
 */
import { makeContext, parseRestoreArgs, runIp6tables, runIptables, runIptablesRestore, runIptablesSave } from '../../core/netfilter/cli.ts';
import { netfilterOf } from '../../core/netfilter/tables.ts';
import { formatCtEntry } from '../../core/netfilter/conntrack.ts';
import '../../core/netfilter/unit.ts';
import type { CmdContext, Co, Command } from '../types.ts';

function ctxOf(ctx: CmdContext) {
  return makeContext(netfilterOf(ctx.host.kernel), ctx.fs);
}

function emit(ctx: CmdContext, r: { stdout: string; stderr: string; status: number }): number {
  if (r.stdout) ctx.stdout.write(r.stdout);
  if (r.stderr) ctx.stderr.write(r.stderr);
  return r.status;
}

export const iptablesCommand: Command = {
  name: 'iptables',
  pkg: 'iptables-nft',
  path: '/usr/sbin/iptables',
  *run(ctx: CmdContext): Co<number> {
    return emit(ctx, runIptables(ctxOf(ctx), ['iptables', ...ctx.argv.slice(1)]));
  },
};

export const iptablesNftCommand: Command = { ...iptablesCommand, name: 'iptables-nft', path: '/usr/sbin/iptables-nft' };

export const iptablesSaveCommand: Command = {
  name: 'iptables-save',
  pkg: 'iptables-nft',
  path: '/usr/sbin/iptables-save',
  *run(ctx: CmdContext): Co<number> {
    return emit(ctx, runIptablesSave(ctxOf(ctx), ['iptables-save', ...ctx.argv.slice(1)], ctx.host.epochSeconds()));
  },
};

export const iptablesRestoreCommand: Command = {
  name: 'iptables-restore',
  pkg: 'iptables-nft',
  path: '/usr/sbin/iptables-restore',
  *run(ctx: CmdContext): Co<number> {
    const a = parseRestoreArgs(['iptables-restore', ...ctx.argv.slice(1)]);
    if ('status' in a) return emit(ctx, a);
    let input: string;
    if (a.file !== null) {
      try { input = ctx.fs.readFile(ctx.resolve(a.file)); } catch {
        ctx.stderr.write(`Can't open ${a.file}: No such file or directory\n`);
        return 1;
      }
    } else {
      input = yield* ctx.stdin.readAll();
    }
    return emit(ctx, runIptablesRestore(ctxOf(ctx), input, a.opts));
  },
};

export const ip6tablesCommand: Command = {
  name: 'ip6tables',
  pkg: 'iptables-nft',
  path: '/usr/sbin/ip6tables',
  *run(ctx: CmdContext): Co<number> {
    return emit(ctx, runIp6tables(['ip6tables', ...ctx.argv.slice(1)]));
  },
};

/** conntrack -L / -F / -C (conntrack-tools 1.4.7). */
export const conntrackCommand: Command = {
  name: 'conntrack',
  pkg: 'conntrack-tools',
  path: '/usr/sbin/conntrack',
  *run(ctx: CmdContext): Co<number> {
    const nf = netfilterOf(ctx.host.kernel);
    const args = ctx.argv.slice(1);
    const cmd = args[0] ?? '';
    const V = 'conntrack v1.4.7 (conntrack-tools)';
    switch (cmd) {
      case '-L': case '--dump': {
        const es = nf.ct.entries();
        for (const e of es) ctx.stdout.write(formatCtEntry(e, nf.ct.remaining(e)) + '\n');
        ctx.stderr.write(`${V}: ${es.length} flow entries have been shown.\n`);
        return 0;
      }
      case '-F': case '--flush':
        nf.ct.flush();
        ctx.stderr.write(`${V}: connection tracking table has been emptied.\n`);
        return 0;
      case '-C': case '--count':
        ctx.stdout.write(`${nf.ct.entries().length}\n`);
        return 0;
      case '-V': case '--version':
        ctx.stdout.write(`${V}\n`);
        return 0;
      case '':
        ctx.stderr.write(`${V}: no command specified\nTry \`conntrack -h' or 'conntrack --help' for more information.\n`);
        return 2;
      default:
        ctx.stderr.write(`${V}: Bad parameter \`${cmd}'\nTry \`conntrack -h' or 'conntrack --help' for more information.\n`);
        return 2;
    }
  },
};

export const iptablesCommands: Command[] = [
  iptablesCommand, iptablesNftCommand, iptablesSaveCommand, iptablesRestoreCommand, ip6tablesCommand, conntrackCommand,
];
