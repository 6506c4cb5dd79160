/** The aliases a root login has on RHEL 9. */

/** Aliases root has on RHEL 9 from /root/.bashrc. */
export const RHEL_ROOT_ALIASES: Readonly<Record<string, string>> = {
  rm: 'rm -i', cp: 'cp -i', mv: 'mv -i',
};

/** Aliases /etc/profile.d adds on RHEL 9 (colorls.sh, colorgrep.sh; which2.sh's `which` alias is left out). */
export const RHEL_PROFILE_ALIASES: Readonly<Record<string, string>> = {
  'l.': 'ls -d .* --color=auto', ll: 'ls -l --color=auto', ls: 'ls --color=auto',
  egrep: 'egrep --color=auto', fgrep: 'fgrep --color=auto', grep: 'grep --color=auto',
  xzegrep: 'xzegrep --color=auto', xzfgrep: 'xzfgrep --color=auto', xzgrep: 'xzgrep --color=auto',
  zegrep: 'zegrep --color=auto', zfgrep: 'zfgrep --color=auto', zgrep: 'zgrep --color=auto',
};
