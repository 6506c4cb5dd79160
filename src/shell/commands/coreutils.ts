/**
 * The everyday utilities (coreutils, grep, sed, gawk, util-linux bits, procps bits) as one
 * list for the shell's command registry.
 */
import type { Command } from '../types.ts';
import { awk, gawk } from './awk.ts';
import { cat, less, more, rev, tac } from './cat.ts';
import { date } from './date.ts';
import { diff } from './diff.ts';
import { md5sum, sha256sum } from './digest.ts';
import { chgrp, chmod, chown, cp, ln, mkdir, mv, rm, rmdir, touch } from './fileops.ts';
import { find, xargs } from './find.ts';
import { egrep, fgrep, grep } from './grep.ts';
import { head, tail } from './headtail.ts';
import { ls } from './ls.ts';
import { basename, dirname, file, readlink, realpath, stat } from './paths.ts';
import { sed } from './sed.ts';
import { clear, expr, factor, falseCmd, nproc, seq, sleep, trueCmd, yes } from './misc.ts';
import { column, cut, fold, nl, paste, tee, tr } from './text.ts';
import { comm, sort, uniq } from './sort.ts';
import { df, env, free, groupsCmd, id, printenv, uname, uptime, w, whoami } from './sysinfo.ts';
import { wc } from './wc.ts';

export const coreutilsCommands: Command[] = [
  cat, tac, rev, more, less,
  ls,
  mkdir, rmdir, touch, cp, mv, rm, ln, chmod, chown, chgrp,
  date,
  grep, egrep, fgrep,
  head, tail, wc, sort, uniq, comm,
  sed, awk, gawk,
  cut, tr, tee, nl, paste, fold, column,
  seq, yes, expr, factor, sleep, trueCmd, falseCmd, clear, nproc,
  basename, dirname, realpath, readlink, stat, file,
  find, xargs,
  printenv, env, whoami, id, groupsCmd, uname, uptime, w, free, df,
  md5sum, sha256sum, diff,
];
