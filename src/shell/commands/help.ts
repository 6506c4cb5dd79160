/**
 * `--help` and `--version` for the utilities, as their first argument: the usage lines and
 * summary each tool prints (the option lists are left out), with the package's footer, and the
 * version banner of the RHEL 9 package that ships the tool.
 */

const COREUTILS = (name: string): string => `${name} (GNU coreutils) 8.32
Copyright (C) 2020 Free Software Foundation, Inc.
License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.
This is free software: you are free to change and redistribute it.
There is NO WARRANTY, to the extent permitted by law.
`;

const FOOTER = (name: string): string => `
GNU coreutils online help: <https://www.gnu.org/software/coreutils/>
Full documentation <https://www.gnu.org/software/coreutils/${name}>
or available locally via: info '(coreutils) ${name} invocation'
`;

/** Usage and one-paragraph summary of each coreutils command. */
const USAGE: Record<string, string> = {
  cat: 'Usage: cat [OPTION]... [FILE]...\nConcatenate FILE(s) to standard output.\n\nWith no FILE, or when FILE is -, read standard input.\n',
  tac: 'Usage: tac [OPTION]... [FILE]...\nWrite each FILE to standard output, last line first.\n\nWith no FILE, or when FILE is -, read standard input.\n',
  mkdir: 'Usage: mkdir [OPTION]... DIRECTORY...\nCreate the DIRECTORY(ies), if they do not already exist.\n',
  rmdir: 'Usage: rmdir [OPTION]... DIRECTORY...\nRemove the DIRECTORY(ies), if they are empty.\n',
  touch: 'Usage: touch [OPTION]... FILE...\nUpdate the access and modification times of each FILE to the current time.\n',
  cp: 'Usage: cp [OPTION]... [-T] SOURCE DEST\n  or:  cp [OPTION]... SOURCE... DIRECTORY\n  or:  cp [OPTION]... -t DIRECTORY SOURCE...\nCopy SOURCE to DEST, or multiple SOURCE(s) to DIRECTORY.\n',
  mv: 'Usage: mv [OPTION]... [-T] SOURCE DEST\n  or:  mv [OPTION]... SOURCE... DIRECTORY\n  or:  mv [OPTION]... -t DIRECTORY SOURCE...\nRename SOURCE to DEST, or move SOURCE(s) to DIRECTORY.\n',
  rm: 'Usage: rm [OPTION]... [FILE]...\nRemove (unlink) the FILE(s).\n',
  ln: 'Usage: ln [OPTION]... [-T] TARGET LINK_NAME\n  or:  ln [OPTION]... TARGET\n  or:  ln [OPTION]... TARGET... DIRECTORY\n  or:  ln [OPTION]... -t DIRECTORY TARGET...\n',
  chmod: 'Usage: chmod [OPTION]... MODE[,MODE]... FILE...\n  or:  chmod [OPTION]... OCTAL-MODE FILE...\n  or:  chmod [OPTION]... --reference=RFILE FILE...\nChange the mode of each FILE to MODE.\n',
  chown: 'Usage: chown [OPTION]... [OWNER][:[GROUP]] FILE...\n  or:  chown [OPTION]... --reference=RFILE FILE...\nChange the owner and/or group of each FILE to OWNER and/or GROUP.\n',
  chgrp: 'Usage: chgrp [OPTION]... GROUP FILE...\n  or:  chgrp [OPTION]... --reference=RFILE FILE...\nChange the group of each FILE to GROUP.\n',
  head: 'Usage: head [OPTION]... [FILE]...\nPrint the first 10 lines of each FILE to standard output.\nWith more than one FILE, precede each with a header giving the file name.\n',
  tail: 'Usage: tail [OPTION]... [FILE]...\nPrint the last 10 lines of each FILE to standard output.\nWith more than one FILE, precede each with a header giving the file name.\n',
  wc: 'Usage: wc [OPTION]... [FILE]...\n  or:  wc [OPTION]... --files0-from=F\nPrint newline, word, and byte counts for each FILE, and a total line if\nmore than one FILE is specified.  A word is a non-zero-length sequence of\ncharacters delimited by white space.\n',
  sort: 'Usage: sort [OPTION]... [FILE]...\n  or:  sort [OPTION]... --files0-from=F\nWrite sorted concatenation of all FILE(s) to standard output.\n',
  uniq: 'Usage: uniq [OPTION]... [INPUT [OUTPUT]]\nFilter adjacent matching lines from INPUT (or standard input),\nwriting to OUTPUT (or standard output).\n',
  comm: 'Usage: comm [OPTION]... FILE1 FILE2\nCompare sorted files FILE1 and FILE2 line by line.\n',
  cut: 'Usage: cut OPTION... [FILE]...\nPrint selected parts of lines from each FILE to standard output.\n',
  tr: 'Usage: tr [OPTION]... SET1 [SET2]\nTranslate, squeeze, and/or delete characters from standard input,\nwriting to standard output.\n',
  tee: 'Usage: tee [OPTION]... [FILE]...\nCopy standard input to each FILE, and also to standard output.\n',
  nl: 'Usage: nl [OPTION]... [FILE]...\nWrite each FILE to standard output, with line numbers added.\n',
  paste: 'Usage: paste [OPTION]... [FILE]...\nWrite lines consisting of the sequentially corresponding lines from\neach FILE, separated by TABs, to standard output.\n',
  fold: 'Usage: fold [OPTION]... [FILE]...\nWrap input lines in each FILE, writing to standard output.\n',
  seq: 'Usage: seq [OPTION]... LAST\n  or:  seq [OPTION]... FIRST LAST\n  or:  seq [OPTION]... FIRST INCREMENT LAST\nPrint numbers from FIRST to LAST, in steps of INCREMENT.\n',
  yes: 'Usage: yes [STRING]...\n  or:  yes OPTION\nRepeatedly output a line with all specified STRING(s), or \'y\'.\n',
  date: 'Usage: date [OPTION]... [+FORMAT]\n  or:  date [-u|--utc|--universal] [MMDDhhmm[[CC]YY][.ss]]\nDisplay the current time in the given FORMAT, or set the system date.\n',
  basename: 'Usage: basename NAME [SUFFIX]\n  or:  basename OPTION... NAME...\nPrint NAME with any leading directory components removed.\nIf specified, also remove a trailing SUFFIX.\n',
  dirname: 'Usage: dirname [OPTION] NAME...\nOutput each NAME with its last non-slash component and trailing slashes\nremoved; if NAME contains no /\'s, output \'.\' (meaning the current directory).\n',
  realpath: 'Usage: realpath [OPTION]... FILE...\nPrint the resolved absolute file name;\nall but the last component must exist\n',
  readlink: 'Usage: readlink [OPTION]... FILE...\nPrint value of a symbolic link or canonical file name\n',
  stat: 'Usage: stat [OPTION]... FILE...\nDisplay file or file system status.\n',
  printenv: 'Usage: printenv [OPTION]... [VARIABLE]...\nPrint the values of the specified environment VARIABLE(s).\nIf no VARIABLE is specified, print name and value pairs for them all.\n',
  env: 'Usage: env [OPTION]... [-] [NAME=VALUE]... [COMMAND [ARG]...]\nSet each NAME to VALUE in the environment and run COMMAND.\n',
  whoami: 'Usage: whoami [OPTION]...\nPrint the user name associated with the current effective user ID.\nSame as id -un.\n',
  id: 'Usage: id [OPTION]... [USER]...\nPrint user and group information for each specified USER,\nor (when USER omitted) for the current user.\n',
  groups: 'Usage: groups [OPTION]... [USERNAME]...\nPrint group memberships for each USERNAME or, if no USERNAME is specified, for\nthe current process (which may differ if the groups database has changed).\n',
  uname: 'Usage: uname [OPTION]...\nPrint certain system information.  With no OPTION, same as -s.\n',
  sleep: 'Usage: sleep NUMBER[SUFFIX]...\n  or:  sleep OPTION\nPause for NUMBER seconds.  SUFFIX may be \'s\' for seconds (the default),\n\'m\' for minutes, \'h\' for hours or \'d\' for days.\n',
  true: 'Usage: true [ignored command line arguments]\n  or:  true OPTION\nExit with a status code indicating success.\n',
  false: 'Usage: false [ignored command line arguments]\n  or:  false OPTION\nExit with a status code indicating failure.\n',
  md5sum: 'Usage: md5sum [OPTION]... [FILE]...\nPrint or check MD5 (128-bit) checksums.\n\nWith no FILE, or when FILE is -, read standard input.\n',
  sha256sum: 'Usage: sha256sum [OPTION]... [FILE]...\nPrint or check SHA256 (256-bit) checksums.\n\nWith no FILE, or when FILE is -, read standard input.\n',
  expr: 'Usage: expr EXPRESSION\n  or:  expr OPTION\n',
  factor: 'Usage: factor [NUMBER]...\n  or:  factor OPTION\nPrint the prime factors of each specified integer NUMBER.  If none\nare specified on the command line, read them from standard input.\n',
  nproc: 'Usage: nproc [OPTION]...\nPrint the number of processing units available to the current process,\nwhich may be less than the number of online processors\n',
  df: 'Usage: df [OPTION]... [FILE]...\nShow information about the file system on which each FILE resides,\nor all file systems by default.\n',
};

const OTHER_VERSIONS: Record<string, string> = {
  find: 'find (GNU findutils) 4.8.0\n', xargs: 'xargs (GNU findutils) 4.8.0\n', diff: 'diff (GNU diffutils) 3.7\n',
  rev: 'rev from util-linux 2.37.4\n', column: 'column from util-linux 2.37.4\n', more: 'more from util-linux 2.37.4\n',
  less: 'less 590 (PCRE2 regular expressions)\n', free: 'free from procps-ng 3.3.17\n', uptime: 'uptime from procps-ng 3.3.17\n',
  w: 'w from procps-ng 3.3.17\n', file: 'file-5.39\nmagic file from /usr/share/misc/magic\n', clear: 'ncurses 6.2.20210508\n',
};

/** Text for `NAME --help` / `NAME --version` when it is the first argument, or undefined. */
export function helpOrVersion(name: string, arg: string | undefined): string | undefined {
  if (arg === '--help' && USAGE[name]) return USAGE[name] + FOOTER(name);
  if (arg === '--version') {
    if (OTHER_VERSIONS[name]) return OTHER_VERSIONS[name];
    if (USAGE[name] || ['ls', 'cat'].includes(name)) return COREUTILS(name);
  }
  return undefined;
}
