/**
 * ipvsadm, ipvsadm-save and ipvsadm-restore from the ipvsadm-1.31 package (/usr/sbin).
 *
 * The program itself lives in the core (src/core/ipvs/ipvsadmProgram.ts) because the
 * ipvsadm.service unit runs it too; these commands connect it to the shell's streams. Standard
 * input is read only when the command reads it (-R, ipvsadm-restore), so `ipvsadm -Ln` never
 * waits on a terminal.
 */
import { ipvsadmMain, ipvsadmReadsStdin, ipvsadmRestore, ipvsadmSave, type IpvsadmIo } from '../../core/ipvs/ipvsadmProgram.ts';
import '../../core/ipvs/unit.ts';
import type { Host } from '../../core/net/host.ts';
import type { CmdContext, Co, Command } from '../types.ts';

type Program = (host: Host, argv: readonly string[], io: IpvsadmIo) => number;

function* runProgram(ctx: CmdContext, prog: Program, readsStdin: boolean): Co<number> {
  const input = readsStdin ? yield* ctx.stdin.readAll() : '';
  return prog(ctx.host.kernel, ctx.argv, {
    out: (s) => ctx.stdout.write(s),
    err: (s) => ctx.stderr.write(s),
    stdin: () => input,
  });
}

export const ipvsadmCommand: Command = {
  name: 'ipvsadm',
  pkg: 'ipvsadm',
  path: '/usr/sbin/ipvsadm',
  *run(ctx) { return yield* runProgram(ctx, ipvsadmMain, ipvsadmReadsStdin(ctx.argv)); },
};

export const ipvsadmSaveCommand: Command = {
  name: 'ipvsadm-save',
  pkg: 'ipvsadm',
  path: '/usr/sbin/ipvsadm-save',
  *run(ctx) { return yield* runProgram(ctx, ipvsadmSave, false); },
};

export const ipvsadmRestoreCommand: Command = {
  name: 'ipvsadm-restore',
  pkg: 'ipvsadm',
  path: '/usr/sbin/ipvsadm-restore',
  *run(ctx) { return yield* runProgram(ctx, ipvsadmRestore, true); },
};

export const ipvsadmCommands: Command[] = [ipvsadmCommand, ipvsadmSaveCommand, ipvsadmRestoreCommand];
