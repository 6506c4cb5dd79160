/**
 * SELinux file labels as RHEL 9's targeted policy assigns them (a small subset of
 * file_contexts), for `ls -Z` and `stat`. Labels are computed from the path; the lab does not
 * store them, so `chcon`/`restorecon` are out of scope.
 */

const CONTEXTS: [RegExp, string][] = [
  [/^\/var\/www\/cgi-bin(\/|$)/, 'httpd_sys_script_exec_t'],
  [/^\/var\/www(\/|$)/, 'httpd_sys_content_t'],
  [/^\/var\/log\/httpd(\/|$)/, 'httpd_log_t'],
  [/^\/etc\/httpd(\/|$)/, 'httpd_config_t'],
  [/^\/etc\/(passwd|group)-?$/, 'passwd_file_t'],
  [/^\/etc\/(shadow|gshadow)-?$/, 'shadow_t'],
  [/^\/etc\/hosts$/, 'net_conf_t'],
  [/^\/etc\/resolv\.conf$/, 'net_conf_t'],
  [/^\/etc\/sysctl\.(conf|d)(\/|$)/, 'system_conf_t'],
  [/^\/etc\/NetworkManager(\/|$)/, 'NetworkManager_etc_rw_t'],
  [/^\/etc\/sysconfig\/ipvsadm/, 'system_conf_t'],
  [/^\/etc\/keepalived(\/|$)/, 'keepalived_exec_t'],
  [/^\/etc\/systemd(\/|$)/, 'systemd_unit_file_t'],
  [/^\/usr\/lib\/systemd\/system(\/|$)/, 'systemd_unit_file_t'],
  [/^\/etc(\/|$)/, 'etc_t'],
  [/^\/root(\/|$)/, 'admin_home_t'],
  [/^\/home\/[^/]+/, 'user_home_dir_t'],
  [/^\/home$/, 'home_root_t'],
  [/^\/(tmp|var\/tmp)(\/|$)/, 'tmp_t'],
  [/^\/dev\/null$/, 'null_device_t'],
  [/^\/dev\/(zero)$/, 'zero_device_t'],
  [/^\/dev\/u?random$/, 'random_device_t'],
  [/^\/dev\/tty$/, 'devtty_t'],
  [/^\/dev(\/|$)/, 'device_t'],
  [/^\/proc(\/|$)/, 'proc_t'],
  [/^\/(usr\/)?s?bin(\/|$)/, 'bin_t'],
  [/^\/usr\/lib(\/|$)/, 'lib_t'],
  [/^\/usr(\/|$)/, 'usr_t'],
  [/^\/var\/log(\/|$)/, 'var_log_t'],
  [/^\/var\/lib(\/|$)/, 'var_lib_t'],
  [/^\/var(\/|$)/, 'var_t'],
  [/^\/boot(\/|$)/, 'boot_t'],
  [/^\/run(\/|$)/, 'var_run_t'],
  [/^\/$/, 'root_t'],
];

/** The SELinux context RHEL 9's policy gives a path (a small subset of file_contexts). */
export function selinuxContext(path: string): string {
  for (const [re, t] of CONTEXTS) if (re.test(path)) return `system_u:object_r:${t}:s0`;
  return 'unconfined_u:object_r:default_t:s0';
}

