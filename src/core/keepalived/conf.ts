/**
 * keepalived.conf as keepalived 2.2.8 understands it: the keyword tables of global_defs
 * (core/global_parser.c), virtual_server/real_server/checkers (check/check_parser.c,
 * check_tcp.c, check_http.c, check_misc.c) and vrrp_instance/vrrp_sync_group
 * (vrrp/vrrp_parser.c), the checks made after reading (check_data.c validate, the VRRP
 * instance completion of vrrp.c) and the model the daemons run from.
 *
 * Each keepalived process parses the file itself with its own sections active, which is why
 * a mistake is reported by the process it concerns (`parseFor('checker')` gives the messages
 * Keepalived_healthcheckers logs), and why an unknown top-level keyword is reported three
 * times. Times are in µs (keepalived's TIMER_HZ is 1 000 000 too).
 *
 * Keywords keepalived knows but the lab does not model (SNMP, scripts tracking, vmac, ...)
 * are accepted and skipped silently, so a real-world configuration does not produce
 * `Unknown keyword` lines that keepalived would not print.
 */
import type { Vfs } from '../fs/vfs.ts';
import { parseIpv4, prefixMask } from '../wire/types.ts';
import {
  Args, ConfReader, MissingParameter, TIMER_HZ, UINT_MAX, readTimer, readUnsigned, table, trueFalse,
  type Keyword, type KeywordTable,
} from './reader.ts';

export const KEEPALIVED_CONF = '/etc/keepalived/keepalived.conf';

export const IPVS_WEIGHT_LIMIT = 65535;
/** ip_vs forwarding methods (IP_VS_CONN_F_*) as keepalived names them. */
export const FWD = { NAT: 0, TUN: 2, DR: 3 } as const;
const FWD_UNSET = 7;
export const PROTO_TCP = 6, PROTO_UDP = 17, PROTO_SCTP = 132;
/** lvs_schedulers[] of check_parser.c (keepalived accepts twos; the RHEL 9 kernel has no ip_vs_twos). */
const LVS_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'sh', 'mh', 'dh', 'fo', 'ovf', 'lblcr', 'sed', 'nq', 'twos'];
const IPVS_DEF_SCHED = 'wlc';
const IPVS_SVC_PERSISTENT_TIMEOUT = 360;
const LVS_MAX_TIMEOUT = 86400 * 31;

// ---- the model ----------------------------------------------------------------------------------

export interface LvsSyncd {
  ifname: string;
  vrrpName: string | null;
  syncid: number | null;
  maxlen: number;
  port: number;
  ttl: number;
  group: number;
}

export interface GlobalDefs {
  routerId: string | null;
  notificationEmail: string[];
  notificationEmailFrom: string | null;
  smtpServer: string | null;
  smtpConnectTimeout: number;
  vrrpSkipCheckAdvAddr: boolean;
  vrrpStrict: boolean;
  vrrpGarpInterval: number;
  vrrpGnaInterval: number;
  vrrpGarpMasterDelay: number;
  vrrpGarpMasterRepeat: number;
  vrrpGarpMasterRefresh: number;
  vrrpGarpMasterRefreshRepeat: number;
  vrrpVersion: number;
  lvsFlush: boolean;
  lvsFlushOnStop: boolean;
  checkerLogAllFailures: boolean;
  scriptUser: string | null;
  enableScriptSecurity: boolean;
  maxAutoPriority: boolean;
  lvsSyncd: LvsSyncd | null;
  lvsTimeouts: { tcp: number; tcpfin: number; udp: number } | null;
}

export function defaultGlobals(): GlobalDefs {
  return {
    routerId: null, notificationEmail: [], notificationEmailFrom: null, smtpServer: null, smtpConnectTimeout: 30 * TIMER_HZ,
    vrrpSkipCheckAdvAddr: false, vrrpStrict: false, vrrpGarpInterval: 0, vrrpGnaInterval: 0, vrrpGarpMasterDelay: 5 * TIMER_HZ,
    vrrpGarpMasterRepeat: 5, vrrpGarpMasterRefresh: 0, vrrpGarpMasterRefreshRepeat: 1, vrrpVersion: 2, lvsFlush: false,
    lvsFlushOnStop: false, checkerLogAllFailures: false, scriptUser: null, enableScriptSecurity: false, maxAutoPriority: false,
    lvsSyncd: null, lvsTimeouts: null,
  };
}

export type CheckerKind = 'TCP_CHECK' | 'HTTP_GET' | 'SSL_GET' | 'MISC_CHECK';

export interface UrlConf {
  path: string | null;
  /** 32 lower-case hex digits. */
  digest: string | null;
  /** Accepted status codes; empty = 200-299. */
  statusCodes: Set<number>;
  virtualhost: string | null;
}

export interface CheckerConf {
  readonly kind: CheckerKind;
  connectIp: number | null;
  connectPort: number | null;
  /**
   * The real server's port when the checker was read: keepalived copies the address into the
   * checker then (queue_checker), so the validation that later fixes the real server's port
   * (omitted, or reset for DR/TUN) does not reach the checker.
   */
  parsePort: number;
  bindto: number | null;
  bindPort: number | null;
  /** µs; null = the real server's. */
  connectTimeout: number | null;
  retry: number | null;
  delayBeforeRetry: number | null;
  delayLoop: number | null;
  warmup: number | null;
  alpha: boolean | null;
  logAllFailures: boolean;
  readonly defaultRetry: number;
  readonly defaultDelayBeforeRetry: number;
  urls: UrlConf[];
  httpProtocol: '1.0' | '1.0C' | '1.1';
  virtualhost: string | null;
  fastRecovery: boolean;
  enableSni: boolean;
  /** MISC_CHECK: the command and its arguments. */
  miscPath: string[] | null;
  miscTimeout: number | null;
  miscDynamic: boolean;
  miscUser: string | null;
  line: number;
}

export interface RealServerConf {
  addr: number;
  port: number;
  weight: number | null;
  fwd: number;
  inhibit: boolean | null;
  alpha: boolean | null;
  retry: number | null;
  connectTimeout: number | null;
  delayLoop: number | null;
  warmup: number | null;
  delayBeforeRetry: number | null;
  uThreshold: number;
  lThreshold: number;
  virtualhost: string | null;
  notifyUp: string | null;
  notifyDown: string | null;
  checkers: CheckerConf[];
  line: number;
}

export interface VirtualServerConf {
  addr: number;
  port: number;
  fwmark: number;
  group: string | null;
  protocol: number;
  sched: string;
  flags: number;
  fwd: number;
  persistenceTimeout: number;
  persistenceGranularity: number;
  delayLoop: number;
  connectTimeout: number;
  retry: number | null;
  delayBeforeRetry: number | null;
  warmup: number | null;
  inhibit: boolean;
  alpha: boolean;
  omega: boolean;
  quorum: number;
  hysteresis: number;
  weight: number;
  virtualhost: string | null;
  haSuspend: boolean;
  sorry: RealServerConf | null;
  sorryInhibit: boolean;
  quorumUp: string | null;
  quorumDown: string | null;
  rs: RealServerConf[];
  line: number;
}

export interface VipConf {
  addr: number;
  prefix: number;
  dev: string | null;
  label: string | null;
  scope: 'global' | 'host' | 'link' | 'site';
  brd: number | null;
}

export interface VrrpInstanceConf {
  name: string;
  line: number;
  state: 'MASTER' | 'BACKUP' | null;
  iface: string | null;
  vrid: number;
  /** 0 = not set. */
  priority: number;
  advertInt: number;
  authType: 0 | 1 | 2;
  authPass: string;
  vips: VipConf[];
  evips: VipConf[];
  nopreempt: boolean;
  preemptDelay: number;
  trackInterfaces: { name: string; weight: number }[];
  dontTrackPrimary: boolean;
  unicastSrc: number | null;
  unicastPeers: number[];
  unicastConfigured: boolean;
  mcastSrc: number | null;
  garpMasterDelay: number | null;
  garpMasterRepeat: number | null;
  garpMasterRefresh: number | null;
  garpMasterRefreshRepeat: number | null;
  notifyMaster: string | null;
  notifyBackup: string | null;
  notifyFault: string | null;
  notifyStop: string | null;
  notify: string | null;
  strict: boolean;
  skipCheckAdvAddr: boolean;
  noVip: boolean;
  version: number;
}

export interface SyncGroupConf {
  name: string;
  members: string[];
  notifyMaster: string | null;
  notifyBackup: string | null;
  notifyFault: string | null;
  notify: string | null;
  line: number;
}

export type ProcKind = 'parent' | 'checker' | 'vrrp';

export interface ParseResult {
  /** Messages in the order the process logs them (config errors, then validation). */
  messages: string[];
  /** The process ends with KEEPALIVED_EXIT_CONFIG (a missing parameter). */
  fatal: boolean;
  globals: GlobalDefs;
  vs: VirtualServerConf[];
  vrrp: VrrpInstanceConf[];
  groups: SyncGroupConf[];
  /** Whether the configuration has virtual_server / vrrp_instance blocks (the parent starts the children on that). */
  haveChecker: boolean;
  haveVrrp: boolean;
  /** An `interface`/`dev` names an interface the host does not have (without dynamic_interfaces the VRRP child gives up). */
  nonExistentIface: boolean;
}

/** What the parser needs to know about the host (interfaces for `interface eth0`). */
export interface HostInfo {
  /** 'ether' | 'loopback' | ... or undefined when there is no such interface. */
  ifaceKind(name: string): string | undefined;
  userExists(name: string): boolean;
}

// ---- formatting helpers ---------------------------------------------------------------------------

export function protoName(p: number): string {
  return p === PROTO_TCP ? 'tcp' : p === PROTO_UDP ? 'udp' : p === PROTO_SCTP ? 'sctp' : 'none';
}

const ipStr = (a: number) => `${(a >>> 24) & 255}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;

/** inet_sockaddrtotrio(): "[IP]:tcp:PORT". */
export function trio(addr: number, proto: number, port: number): string {
  return `[${ipStr(addr)}]:${protoName(proto)}:${port}`;
}

/** FMT_VS */
export function fmtVs(vs: VirtualServerConf): string {
  if (vs.group) return `[${vs.group}]:${vs.port}`;
  if (vs.fwmark) return `FWM ${vs.fwmark}`;
  return trio(vs.addr, vs.protocol, vs.port);
}

/** FMT_RS */
export function fmtRs(rs: RealServerConf, vs: VirtualServerConf): string {
  return trio(rs.addr, vs.protocol, rs.port);
}

// ---- parsing ----------------------------------------------------------------------------------------

/** inet_stosockaddr() for IPv4 with an optional port ("" or a number 1..65535). */
function sockaddr(ip: string, port: string | undefined): { addr: number; port: number } | null {
  const a = parseIpv4(ip);
  if (a === null) return null;
  if (port === undefined) return { addr: a, port: 0 };
  if (!/^\d+$/.test(port)) return null;
  const p = Number(port);
  if (p < 1 || p > 65535) return null;
  return { addr: a, port: p };
}

const noop: Keyword = { active: false };
const ignored = (names: readonly string[]) => names.map((n) => [n, noop] as const);

const GLOBAL_OTHER = ['process_names', 'process_name', 'vrrp_process_name', 'checker_process_name', 'lvs_process_name',
  'bfd_process_name', 'smtp_helo_name', 'smtp_alert', 'startup_script', 'startup_script_timeout', 'shutdown_script',
  'shutdown_script_timeout', 'min_auto_priority_delay', 'smtp_alert_vrrp', 'smtp_alert_checker', 'dynamic_interfaces',
  'no_email_faults', 'default_interface', 'disable_local_igmp', 'v3_checksum_as_v2', 'vrrp_mcast_group4', 'vrrp_mcast_group6',
  'vrrp_garp_lower_prio_delay', 'vrrp_garp_lower_prio_repeat', 'vrrp_down_timer_adverts', 'vrrp_min_garp', 'vrrp_garp_extra_if',
  'vrrp_vmac_garp_intvl', 'vrrp_lower_prio_no_advert', 'vrrp_higher_prio_send_advert', 'vrrp_iptables', 'vrrp_ipsets', 'nftables',
  'nftables_priority', 'nftables_ifindex', 'nftables_ipvs', 'nftables_ipvs_priority', 'nftables_ipvs_start_fwmark',
  'nftables_counters', 'vrrp_check_unicast_src', 'vrrp_priority', 'vrrp_no_swap', 'vrrp_rt_priority', 'vrrp_cpu_affinity',
  'vrrp_rlimit_rttime', 'vrrp_rlimit_rtime', 'notify_fifo', 'notify_fifo_script', 'vrrp_notify_fifo', 'vrrp_notify_fifo_script',
  'vrrp_notify_priority_changes', 'fifo_write_vrrp_states_on_reload', 'lvs_notify_fifo', 'lvs_notify_fifo_script',
  'checker_priority', 'checker_no_swap', 'checker_rt_priority', 'checker_cpu_affinity', 'checker_rlimit_rttime',
  'checker_rlimit_rtime', 'bfd_priority', 'bfd_no_swap', 'bfd_rt_priority', 'bfd_cpu_affinity', 'bfd_rlimit_rttime',
  'bfd_rlimit_rtime', 'snmp_socket', 'enable_traps', 'enable_snmp_vrrp', 'enable_snmp_keepalived', 'enable_snmp_rfc',
  'enable_snmp_rfcv2', 'enable_snmp_rfcv3', 'enable_snmp_checker', 'enable_dbus', 'dbus_service_name',
  'vrrp_netlink_cmd_rcv_bufs', 'vrrp_netlink_cmd_rcv_bufs_force', 'vrrp_netlink_monitor_rcv_bufs',
  'vrrp_netlink_monitor_rcv_bufs_force', 'process_monitor_rcv_bufs', 'process_monitor_rcv_bufs_force',
  'lvs_netlink_cmd_rcv_bufs', 'lvs_netlink_cmd_rcv_bufs_force', 'lvs_netlink_monitor_rcv_bufs',
  'lvs_netlink_monitor_rcv_bufs_force', 'rs_init_notifies', 'no_checker_emails', 'vrrp_rx_bufs_policy',
  'vrrp_rx_bufs_multiplier', 'vrrp_startup_delay', 'log_unknown_vrids', 'vmac_prefix', 'vmac_addr_prefix', 'umask',
  'random_seed', 'reload_check_config', 'reload_time_file', 'reload_repeat', 'reload_file', 'include_check',
  'config_save_dir', 'tmp_config_directory', 'data_use_instance', 'json_version'];
const ROOT_OTHER = ['linkbeat_use_polling', 'net_namespace', 'net_namespace_ipvs', 'namespace_with_ipsets', 'use_pid_dir',
  'instance', 'child_wait_time', 'static_ipaddress', 'static_routes', 'static_rules', 'vrrp_script', 'vrrp_track_process',
  'vrrp_track_file', 'track_file', 'garp_group', 'linkbeat_interfaces', 'interface_up_down_delays', 'bfd_instance', 'SSL'];
const VRRP_OTHER = ['use_vmac', 'use_vmac_addr', 'vmac_xmit_base', 'use_ipvlan', 'unicast_fault_no_peer', 'check_unicast_src',
  'old_unicast_checksum', 'native_ipv6', 'vrf', 'track_script', 'track_file', 'track_process', 'track_bfd', 'mcast_dst_ip',
  'track_src_ip', 'unicast_ttl', 'virtual_routes', 'virtual_rules', 'accept', 'no_accept', 'linkbeat_use_polling',
  'v3_checksum_as_v2', 'debug', 'notify_deleted', 'notify_master_rx_lower_pri', 'smtp_alert', 'notify_priority_changes',
  'garp_lower_prio_delay', 'garp_lower_prio_repeat', 'down_timer_adverts', 'timer_expired_backup', 'garp_extra_if',
  'vmac_garp_intvl', 'lower_prio_no_advert', 'higher_prio_send_advert', 'kernel_rx_buf_size', 'promote_secondaries'];
const GROUP_OTHER = ['track_interface', 'track_script', 'track_file', 'track_process', 'track_bfd', 'notify_stop', 'smtp_alert',
  'global_tracking', 'sync_group_tracking_weight', 'notify_priority_changes'];
const VS_OTHER = ['persistence_engine', 'smtp_alert', 'snmp_name', 'ip_family', 'hashed'];
const RS_OTHER = ['smtp_alert', 'snmp_name', 'track_file', 'track_bfd', 'DNS_CHECK', 'SMTP_CHECK', 'PING_CHECK', 'UDP_CHECK',
  'FILE_CHECK', 'BFD_CHECK'];

/**
 * Parse the configuration text as process `proc` does. `globals` is what the parent read
 * (the children inherit it; the parent passes null and fills it).
 */
export function parseFor(proc: ProcKind, fs: Vfs, host: HostInfo, text: string, path = KEEPALIVED_CONF, inherit?: GlobalDefs): ParseResult {
  const named = proc !== 'parent';
  const r = new ConfReader(fs, path, text, named);
  const res: ParseResult = {
    messages: r.messages, fatal: false, globals: defaultGlobals(), vs: [], vrrp: [], groups: [], haveChecker: false, haveVrrp: false,
    nonExistentIface: false,
  };
  // The children are forked from the parent: they start with its global_defs.
  if (inherit) res.globals = { ...inherit, notificationEmail: [...inherit.notificationEmail], lvsSyncd: inherit.lvsSyncd ? { ...inherit.lvsSyncd } : null };
  const g = res.globals;
  let scriptUserChecked = false;
  const rpt = (m: string) => r.report(m);
  const vsActive = proc === 'checker';
  const vrrpActive = proc === 'vrrp';

  // -- global_defs ------------------------------------------------------------------------------
  const timerKw = (set: (v: number) => void, what: (s: string) => string, min = 0): Keyword => ({
    handler: (a) => { const v = readTimer(r, a!.slot(1), min, 0, true); if (v === null) rpt(what(a!.slot(1))); else set(v); },
  });
  const globalTable = (): KeywordTable => table([
    ['router_id', { handler: (a) => { g.routerId = a!.slot(1); } }],
    ['notification_email_from', { handler: (a) => { g.notificationEmailFrom = a!.slot(1); } }],
    ['smtp_server', { handler: (a) => { g.smtpServer = a!.slot(1); } }],
    ['smtp_connect_timeout', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 1, UINT_MAX, true);
      if (v === null) rpt(`smtp_connect_timeout '${a!.slot(1)}' must be in [1, ${UINT_MAX}] - ignoring`); else g.smtpConnectTimeout = v * TIMER_HZ;
    } }],
    ['notification_email', { handler: (a) => r.valueBlock(a!, (w) => { g.notificationEmail.push(w.slot(0)); }) }],
    ['vrrp_skip_check_adv_addr', { handler: () => { g.vrrpSkipCheckAdvAddr = true; } }],
    ['vrrp_strict', { handler: () => { g.vrrpStrict = true; } }],
    ['vrrp_garp_interval', timerKw((v) => { g.vrrpGarpInterval = v; }, (s) => `vrrp_garp_interval '${s}' invalid`)],
    ['vrrp_gna_interval', timerKw((v) => { g.vrrpGnaInterval = v; }, (s) => `vrrp_gna_interval '${s}' invalid`)],
    ['vrrp_garp_master_delay', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 0, UINT_MAX / TIMER_HZ, true);
      if (v === null) rpt(`vrrp_garp_master_delay '${a!.slot(1)}' invalid - ignoring`); else g.vrrpGarpMasterDelay = v * TIMER_HZ;
    } }],
    ['vrrp_garp_master_repeat', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 0, UINT_MAX, true);
      if (v === null) rpt(`vrrp_garp_master_repeat '${a!.slot(1)}' invalid - ignoring`); else g.vrrpGarpMasterRepeat = v;
    } }],
    ['vrrp_garp_master_refresh', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 0, UINT_MAX / TIMER_HZ, true);
      if (v === null) rpt(`vrrp_garp_master_refresh '${a!.slot(1)}' invalid - ignoring`); else g.vrrpGarpMasterRefresh = v * TIMER_HZ;
    } }],
    ['vrrp_garp_master_refresh_repeat', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 0, UINT_MAX, true);
      if (v === null) rpt(`vrrp_garp_master_refresh_repeat '${a!.slot(1)}' invalid - ignoring`); else g.vrrpGarpMasterRefreshRepeat = v;
    } }],
    ['vrrp_version', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 2, 3, true);
      if (v === null) rpt(`vrrp_version '${a!.slot(1)}' invalid - ignoring`); else g.vrrpVersion = v;
    } }],
    ['lvs_flush', { handler: () => { g.lvsFlush = true; } }],
    ['lvs_flush_on_stop', { handler: () => { g.lvsFlushOnStop = true; } }],
    ['lvs_flush_onstop', { handler: () => { g.lvsFlushOnStop = true; } }],
    ['checker_log_all_failures', { handler: (a) => {
      const v = a!.opt(1) === undefined ? 1 : trueFalse(a!.slot(1));
      if (v === -1) rpt(`Invalid value '${a!.slot(1)}' for global checker_log_all_failures specified`); else g.checkerLogAllFailures = v === 1;
    } }],
    ['script_user', { handler: (a) => { g.scriptUser = a!.slot(1); } }],
    ['enable_script_security', { handler: () => { g.enableScriptSecurity = true; } }],
    ['max_auto_priority', { handler: () => { g.maxAutoPriority = true; } }],
    ['lvs_timeouts', { handler: (a) => {
      const t = { tcp: 0, tcpfin: 0, udp: 0 };
      for (let i = 1; i < a!.size; i += 2) {
        const k = a!.slot(i);
        const v = a!.opt(i + 1);
        if ((k === 'tcp' || k === 'tcpfin' || k === 'udp') && v !== undefined) {
          const n = readUnsigned(r, v, 1, LVS_MAX_TIMEOUT, true);
          if (n === null) rpt(`Invalid lvs_timeout ${k} (${v}) - ignoring`); else t[k] = n;
        } else {
          rpt(`Unknown option ${k} specified for lvs_timeouts`);
        }
      }
      g.lvsTimeouts = t;
    } }],
    ['lvs_sync_daemon', { handler: (a) => lvsSyncdHandler(a!) }],
    ...ignored(GLOBAL_OTHER),
  ]);

  const lvsSyncdHandler = (a: Args): void => {
    if (g.lvsSyncd) { rpt(`lvs_sync_daemon has already been specified as ${g.lvsSyncd.ifname} ${g.lvsSyncd.vrrpName ?? ''} - ignoring`); return; }
    if (a.size < 2) { rpt('lvs_sync_daemon requires interface'); return; }
    if (a.slot(1).length >= 16) { rpt(`lvs_sync_daemon interface name '${a.slot(1)}' too long - ignoring`); return; }
    const s: LvsSyncd = { ifname: a.slot(1), vrrpName: null, syncid: null, maxlen: 0, port: 0, ttl: 0, group: 0 };
    g.lvsSyncd = s;
    for (let i = 2; i < a.size; i++) {
      const k = a.slot(i);
      const last = i === a.size - 1;
      if (k === 'inst') {
        if (s.vrrpName) rpt(`lvs_sync_daemon vrrp instance has already been specified as ${s.vrrpName} - ignoring`);
        else s.vrrpName = a.slot(i + 1);
        i++;
      } else if (k === 'id') {
        if (last) { rpt('No value specified for lvs_sync_daemon id, defaulting to vrid'); continue; }
        const v = readUnsigned(r, a.slot(i + 1), 0, 255, false);
        if (v === null) rpt(`Invalid syncid (${a.slot(i + 1)}) - defaulting to vrid`); else s.syncid = v;
        i++;
      } else if (k === 'maxlen' || k === 'port' || k === 'ttl') {
        if (last) { rpt(`No value specified for lvs_sync_daemon ${k} - ignoring`); continue; }
        const max = k === 'maxlen' ? 65535 - 20 - 8 : k === 'port' ? 65535 : 255;
        const v = readUnsigned(r, a.slot(i + 1), 1, max, false);
        if (v === null) rpt(`Invalid lvs_sync_daemon ${k} (${a.slot(i + 1)}) - ignoring`);
        else if (k === 'maxlen') s.maxlen = v; else if (k === 'port') s.port = v; else s.ttl = v;
        i++;
      } else if (k === 'group') {
        if (last) { rpt('No value specified for lvs_sync_daemon group - ignoring'); continue; }
        const v = parseIpv4(a.slot(i + 1));
        if (v === null) rpt(`Invalid lvs_sync_daemon group (${a.slot(i + 1)}) - ignoring`);
        else if ((v >>> 28) !== 0xe) rpt(`lvs_sync_daemon group address ${a.slot(i + 1)} is not multicast - ignoring`);
        else s.group = v;
        i++;
      } else if (i === 2) {
        s.vrrpName = k;
      } else if (i === 3) {
        const v = readUnsigned(r, k, 0, 255, false);
        if (v === null) rpt(`Invalid syncid (${k}) - defaulting to vrid`); else s.syncid = v;
      } else {
        rpt(`Unknown option ${k} specified for lvs_sync_daemon`);
      }
    }
  };

  // -- virtual_server / real_server / checkers -----------------------------------------------------
  let vs: VirtualServerConf | null = null;
  let rs: RealServerConf | null = null;
  let chk: CheckerConf | null = null;
  let url: UrlConf | null = null;

  const newRs = (addr: number, port: number, line: number): RealServerConf => ({
    addr, port, weight: null, fwd: FWD_UNSET, inhibit: null, alpha: null, retry: null, connectTimeout: null, delayLoop: null,
    warmup: null, delayBeforeRetry: null, uThreshold: 0, lThreshold: 0, virtualhost: null, notifyUp: null, notifyDown: null,
    checkers: [], line,
  });

  /** svr_forwarding_handler(): NAT/DR/TUN (upper case only). */
  const forwarding = (a: Args, sType: string): number | null => {
    const s = a.slot(1);
    const f = s === 'NAT' ? FWD.NAT : s === 'DR' ? FWD.DR : s === 'TUN' ? FWD.TUN : null;
    if (f === null) { rpt(`PARSER : unknown [${s}] routing method for ${sType} server.`); return null; }
    for (let i = 2; i < a.size; i++) {
      const o = a.slot(i);
      if (o === 'type' || o === 'port') i++;
      else if (o !== 'nocsum' && o !== 'csum' && o !== 'remcsum') { rpt(`Invalid tunnel option ${o} for ${sType} server.`); return null; }
    }
    return f;
  };

  const newChecker = (kind: CheckerKind, line: number): CheckerConf => ({
    kind, connectIp: null, connectPort: null, parsePort: rs?.port ?? 0, bindto: null, bindPort: null, connectTimeout: null, retry: null,
    delayBeforeRetry: null, delayLoop: null, warmup: null, alpha: null, logAllFailures: false,
    defaultRetry: kind === 'MISC_CHECK' ? 0 : 1, defaultDelayBeforeRetry: kind === 'HTTP_GET' || kind === 'SSL_GET' ? 3 * TIMER_HZ : TIMER_HZ,
    urls: [], httpProtocol: '1.0', virtualhost: null, fastRecovery: false, enableSni: false, miscPath: null, miscTimeout: null,
    miscDynamic: false, miscUser: null, line,
  });

  const commonChecker = (connection: boolean): [string, Keyword][] => {
    const k: [string, Keyword][] = [
      ['retry', { handler: (a) => {
        const v = readUnsigned(r, a!.slot(1), 0, UINT_MAX, true);
        if (v === null) rpt(`Invalid retry connection value '${a!.slot(1)}'`); else chk!.retry = v;
      } }],
      ['delay_before_retry', { handler: (a) => {
        const v = readTimer(r, a!.slot(1), 0, 0, true);
        if (v === null) rpt(`Invalid delay_before_retry connection value '${a!.slot(1)}'`); else chk!.delayBeforeRetry = v;
      } }],
      ['warmup', { handler: (a) => {
        const v = readTimer(r, a!.slot(1), 0, 0, true);
        if (v === null) rpt(`Invalid warmup connection value '${a!.slot(1)}'`); else chk!.warmup = v;
      } }],
      ['delay_loop', { handler: (a) => {
        const v = readTimer(r, a!.slot(1), 1, 0, true);
        if (v === null) rpt(`delay_loop '${a!.slot(1)}' is invalid - ignoring`); else chk!.delayLoop = v;
      } }],
      ['alpha', { handler: (a) => {
        const v = a!.opt(1) === undefined ? 1 : trueFalse(a!.slot(1));
        if (v === -1) rpt(`Invalid alpha parameter ${a!.slot(1)}`); else chk!.alpha = v === 1;
      } }],
      ['log_all_failures', { handler: (a) => {
        const v = a!.opt(1) === undefined ? 1 : trueFalse(a!.slot(1));
        if (v === -1) rpt(`Invalid log_all_failures parameter ${a!.slot(1)}`); else chk!.logAllFailures = v === 1;
      } }],
    ];
    if (connection) {
      k.push(
        ['connect_ip', { handler: (a) => { const v = parseIpv4(a!.slot(1)); if (v === null) rpt(`Invalid connect_ip address ${a!.slot(1)} - ignoring`); else chk!.connectIp = v; } }],
        ['connect_port', { handler: (a) => {
          const v = readUnsigned(r, a!.slot(1), 1, 65535, true);
          if (v === null) rpt(`Invalid checker connect_port '${a!.slot(1)}'`); else chk!.connectPort = v;
        } }],
        ['bindto', { handler: (a) => { const v = parseIpv4(a!.slot(1)); if (v === null) rpt(`Invalid bindto address ${a!.slot(1)} - ignoring`); else chk!.bindto = v; } }],
        ['bind_port', { handler: (a) => {
          const v = readUnsigned(r, a!.slot(1), 1, 65535, true);
          if (v === null) rpt(`Invalid checker bind_port '${a!.slot(1)}'`); else chk!.bindPort = v;
        } }],
        ['bind_if', { handler: (a) => { a!.slot(1); } }],
        ['connect_timeout', { handler: (a) => {
          const v = readTimer(r, a!.slot(1), 1, UINT_MAX, true);
          if (v === null) rpt(`connect_timeout ${a!.slot(1)} invalid - ignoring`); else chk!.connectTimeout = v;
        } }],
        ['fwmark', { handler: (a) => { a!.slot(1); } }],
      );
    }
    return k;
  };

  const hasChk = () => chk !== null;
  const tcpTable = (): KeywordTable => table(commonChecker(true));
  const urlTable = (): KeywordTable => table([
    ['path', { handler: (a) => { url!.path = a!.slot(1); } }],
    ['digest', { handler: (a) => {
      const d = a!.slot(1);
      if (url!.digest) { rpt(`Digest '${d}' is a duplicate`); return; }
      if (d.length !== 32) { rpt(`digest '${d}' character length should be 32 rather than ${d.length}`); return; }
      for (let i = 15; i >= 0; i--) {
        if (!/^[0-9a-fA-F]{2}$/.test(d.slice(2 * i, 2 * i + 2))) { rpt(`Unable to interpret hex digit in '${d.slice(0, 2 * i + 2)}' at offset ${2 * i}/${2 * i + 1}`); return; }
      }
      url!.digest = d.toLowerCase();
    } }],
    ['status_code', { handler: (a) => {
      for (let i = 1; i < a!.size; i++) {
        const s = a!.slot(i);
        const m = /^(\d+)(?:-(\d+))?$/.exec(s);
        const min = m ? Number(m[1]) : NaN;
        const max = m ? Number(m[2] ?? m[1]) : NaN;
        if (!m || min < 100 || min > 599 || max < 100 || max > 599 || min > max) { rpt(`Invalid HTTP_GET status code '${s}'`); continue; }
        for (let c = min; c <= max; c++) url!.statusCodes.add(c);
      }
    } }],
    ['virtualhost', { handler: (a) => { if (a!.size < 2) rpt('Missing HTTP_GET virtualhost name'); else url!.virtualhost = a!.slot(1); } }],
    ...ignored(['regex', 'regex_no_match', 'regex_options', 'regex_min_offset', 'regex_max_offset', 'regex_stack', 'tls_compliant']),
  ]);
  const httpTable = (): KeywordTable => table([
    ...commonChecker(true),
    ['nb_get_retry', { handler: (a) => {
      rpt("nb_get_retry is deprecated - please use 'retry'");
      const v = readUnsigned(r, a!.slot(1), 0, UINT_MAX, true);
      if (v === null) rpt(`Invalid nb_get_retry value '${a!.slot(1)}'`); else chk!.retry = v;
    } }],
    ['virtualhost', { handler: (a) => { if (a!.size < 2) rpt('HTTP_GET virtualhost name missing'); else chk!.virtualhost = a!.slot(1); } }],
    ['http_protocol', { handler: (a) => {
      if (a!.size < 2) { rpt('Missing http_protocol version'); return; }
      const v = a!.slot(1);
      if (v === '1.0') chk!.httpProtocol = '1.0';
      else if (v === '1.1') chk!.httpProtocol = '1.1';
      else if (v === '1.0C' || v === '1.0c') chk!.httpProtocol = '1.0C';
      else rpt(`Invalid http_protocol version ${v}`);
    } }],
    ['enable_sni', { handler: () => { chk!.enableSni = true; } }],
    ['fast_recovery', { handler: (a) => {
      const v = a!.opt(1) === undefined ? 1 : trueFalse(a!.slot(1));
      if (v === -1) rpt(`Invalid fast_recovery parameter ${a!.slot(1)}`); else chk!.fastRecovery = v === 1;
    } }],
    ['url', {
      handler: () => { url = { path: null, digest: null, statusCodes: new Set(), virtualhost: null }; },
      sub: urlTable,
      ptr: () => url !== null,
      close: () => {
        if (!url!.path) rpt('HTTP/SSL_GET checker url has no path - ignoring');
        else chk!.urls.push(url!);
        url = null;
      },
    }],
    ...ignored(['tls_compliant']),
  ]);
  const miscTable = (): KeywordTable => table([
    ...commonChecker(false),
    ['misc_path', { handler: (a) => {
      const raw = a!.raw.replace(/^\s*misc_path\s*/, '');
      const words = raw.startsWith('"') ? (raw.endsWith('"') ? raw.slice(1, -1) : raw.slice(1)).trim().split(/\s+/) : raw.split(/\s+/);
      chk!.miscPath = words.filter(Boolean);
      if (!chk!.miscPath.length) a!.slot(1);
    } }],
    ['misc_timeout', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 0, Math.floor(UINT_MAX / TIMER_HZ), true);
      if (v === null) rpt(`Invalid misc_timeout value '${a!.slot(1)}'`); else chk!.miscTimeout = v * TIMER_HZ;
    } }],
    ['misc_dynamic', { handler: () => { chk!.miscDynamic = true; } }],
    ['user', { handler: (a) => {
      if (a!.size < 2) { rpt(`No user specified for misc checker script ${chk!.miscPath?.join(' ') ?? ''}`); return; }
      chk!.miscUser = a!.slot(1);
      if (!host.userExists(chk!.miscUser)) r.note(`Script user '${chk!.miscUser}' does not exist`);
    } }],
  ]);
  const checkerKw = (kind: CheckerKind, sub: () => KeywordTable): Keyword => ({
    handler: (a) => { chk = newChecker(kind, a!.w.line); },
    sub,
    ptr: () => chk !== null,
    close: () => {
      const c = chk!;
      chk = null;
      if ((c.kind === 'HTTP_GET' || c.kind === 'SSL_GET') && !c.urls.length) { rpt('HTTP/SSL_GET checker has no urls specified - ignoring'); return; }
      if (c.kind === 'MISC_CHECK' && !c.miscPath) { rpt('No script path has been specified for MISC_CHECKER - skipping'); return; }
      // misc_end_handler() → get_default_script_user(): looked up once, logged without a line prefix.
      if (c.kind === 'MISC_CHECK' && !c.miscUser && !scriptUserChecked) {
        scriptUserChecked = true;
        const u = g.scriptUser ?? 'keepalived_script';
        if (!host.userExists(u)) r.note(`Script user '${u}' does not exist`);
      }
      rs!.checkers.push(c);
    },
  });
  void hasChk;

  const rsTable = (): KeywordTable => table([
    ['weight', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 0, IPVS_WEIGHT_LIMIT, true);
      if (v === null) rpt(`Real server weight ${a!.slot(1)} is outside range 0-${IPVS_WEIGHT_LIMIT}`); else rs!.weight = v;
    } }],
    ['lvs_method', { handler: (a) => { const f = forwarding(a!, 'real'); if (f !== null) rs!.fwd = f; } }],
    ['uthreshold', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 0, UINT_MAX, true);
      if (v === null) rpt(`Invalid real_server uthreshold '${a!.slot(1)}' - ignoring`); else rs!.uThreshold = v;
    } }],
    ['lthreshold', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 0, UINT_MAX, true);
      if (v === null) rpt(`Invalid real_server lthreshold '${a!.slot(1)}' - ignoring`); else rs!.lThreshold = v;
    } }],
    ['inhibit_on_failure', { handler: (a) => {
      const v = a!.opt(1) === undefined ? 1 : trueFalse(a!.slot(1));
      if (v === -1) rpt(`Invalid inhibit_on_failure parameter ${a!.slot(1)}`); else rs!.inhibit = v === 1;
    } }],
    ['notify_up', { handler: (a) => {
      if (rs!.notifyUp) { rpt(`(${vs!.group ?? '(null)'}) notify_up script already specified - ignoring ${a!.slot(1)}`); return; }
      rs!.notifyUp = a!.raw.replace(/^\s*notify_up\s*/, '');
    } }],
    ['notify_down', { handler: (a) => {
      if (rs!.notifyDown) { rpt(`(${vs!.group ?? '(null)'}) notify_down script already specified - ignoring ${a!.slot(1)}`); return; }
      rs!.notifyDown = a!.raw.replace(/^\s*notify_down\s*/, '');
    } }],
    ['alpha', { handler: (a) => {
      const v = a!.opt(1) === undefined ? 1 : trueFalse(a!.slot(1));
      if (v === -1) rpt(`Invalid alpha parameter ${a!.slot(1)}`); else rs!.alpha = v === 1;
    } }],
    ['retry', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 1, UINT_MAX, false);
      if (v === null) rpt(`retry value invalid - ${a!.slot(1)}`); else rs!.retry = v;
    } }],
    ['delay_before_retry', { handler: (a) => {
      const v = readTimer(r, a!.slot(1), 0, 0, true);
      if (v === null) rpt(`real server delay_before_retry '${a!.slot(1)}' invalid - ignoring`); else rs!.delayBeforeRetry = v;
    } }],
    ['warmup', { handler: (a) => {
      const v = readTimer(r, a!.slot(1), 0, 0, true);
      if (v === null) rpt(`real server warmup '${a!.slot(1)}' invalid - ignoring`); else rs!.warmup = v;
    } }],
    ['connect_timeout', { handler: (a) => {
      const v = readTimer(r, a!.slot(1), 1, UINT_MAX, true);
      if (v === null) rpt(`real server connect_timeout ${a!.slot(1)} invalid - ignoring`); else rs!.connectTimeout = v;
    } }],
    ['delay_loop', { handler: (a) => {
      const v = readTimer(r, a!.slot(1), 1, 0, true);
      if (v === null) rpt(`real server delay_loop '${a!.slot(1)}' invalid - ignoring`); else rs!.delayLoop = v;
    } }],
    ['virtualhost', { handler: (a) => { if (a!.size < 2) rpt('real server virtualhost missing'); else rs!.virtualhost = a!.slot(1); } }],
    ['TCP_CHECK', checkerKw('TCP_CHECK', tcpTable)],
    ['HTTP_GET', checkerKw('HTTP_GET', httpTable)],
    ['SSL_GET', checkerKw('SSL_GET', httpTable)],
    ['MISC_CHECK', checkerKw('MISC_CHECK', miscTable)],
    ...ignored(RS_OTHER),
  ]);

  const vsTable = (): KeywordTable => table([
    ['retry', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 1, UINT_MAX, false);
      if (v === null) rpt(`retry value invalid - ${a!.slot(1)}`); else vs!.retry = v;
    } }],
    ['delay_before_retry', { handler: (a) => {
      const v = readTimer(r, a!.slot(1), 0, 0, true);
      if (v === null) rpt(`virtual server delay before retry '${a!.slot(1)}' invalid - ignoring`); else vs!.delayBeforeRetry = v;
    } }],
    ['warmup', { handler: (a) => {
      const v = readTimer(r, a!.slot(1), 0, 0, true);
      if (v === null) rpt(`virtual server warmup '${a!.slot(1)}' invalid - ignoring`); else vs!.warmup = v;
    } }],
    ['connect_timeout', { handler: (a) => {
      const v = readTimer(r, a!.slot(1), 1, UINT_MAX, true);
      if (v === null) rpt(`virtual server connect_timeout ${a!.slot(1)} invalid - ignoring`); else vs!.connectTimeout = v;
    } }],
    ['delay_loop', { handler: (a) => {
      const v = readTimer(r, a!.slot(1), 1, 0, true);
      if (v === null) rpt(`virtual server delay loop '${a!.slot(1)}' invalid - ignoring`); else vs!.delayLoop = v;
    } }],
    ['inhibit_on_failure', { handler: () => { vs!.inhibit = true; } }],
    ['lb_algo', { handler: (a) => lbAlgo(a!) }],
    ['lvs_sched', { handler: (a) => lbAlgo(a!) }],
    ['ops', { handler: () => { vs!.flags |= 0x0004; } }],
    ['flag-1', { handler: () => { vs!.flags |= 0x0008; } }],
    ['flag-2', { handler: () => { vs!.flags |= 0x0010; } }],
    ['flag-3', { handler: () => { vs!.flags |= 0x0020; } }],
    ...(['sh-port', 'sh-fallback', 'mh-port', 'mh-fallback'] as const).map((n) => [n, { handler: () => {
      const s = n.slice(0, 2);
      if (vs!.sched !== s) { rpt(`${n} only applies to sh scheduler - ignoring`); return; }
      vs!.flags |= n.endsWith('port') ? 0x0010 : 0x0008;
    } }] as [string, Keyword]),
    ['lb_kind', { handler: (a) => { const f = forwarding(a!, 'virtual'); if (f !== null) vs!.fwd = f; } }],
    ['lvs_method', { handler: (a) => { const f = forwarding(a!, 'virtual'); if (f !== null) vs!.fwd = f; } }],
    ['persistence_timeout', { handler: (a) => {
      if (a!.size < 2) { vs!.persistenceTimeout = IPVS_SVC_PERSISTENT_TIMEOUT; return; }
      const v = readUnsigned(r, a!.slot(1), 1, LVS_MAX_TIMEOUT, false);
      if (v === null) rpt('persistence_timeout invalid'); else vs!.persistenceTimeout = v;
    } }],
    ['persistence_granularity', { handler: (a) => {
      const v = parseIpv4(a!.slot(1));
      if (v === null) { rpt(`Invalid IPv4 persistence_granularity specified - ${a!.slot(1)}`); return; }
      vs!.persistenceGranularity = v;
      if (!vs!.persistenceTimeout) vs!.persistenceTimeout = IPVS_SVC_PERSISTENT_TIMEOUT;
    } }],
    ['protocol', { handler: (a) => {
      const s = a!.slot(1).toUpperCase();
      if (s === 'TCP') vs!.protocol = PROTO_TCP;
      else if (s === 'SCTP') vs!.protocol = PROTO_SCTP;
      else if (s === 'UDP') vs!.protocol = PROTO_UDP;
      else rpt(`Unknown protocol ${a!.slot(1)} - ignoring`);
    } }],
    ['ha_suspend', { handler: () => { vs!.haSuspend = true; } }],
    ['virtualhost', { handler: (a) => { if (a!.size < 2) rpt('virtual server virtualhost missing'); else vs!.virtualhost = a!.slot(1); } }],
    ['alpha', { handler: () => { vs!.alpha = true; } }],
    ['omega', { handler: () => { vs!.omega = true; } }],
    ['quorum_up', { handler: (a) => {
      if (vs!.quorumUp) { rpt(`(${vs!.group ?? '(null)'}) quorum_up script already specified - ignoring ${a!.slot(1)}`); return; }
      vs!.quorumUp = a!.raw.replace(/^\s*quorum_up\s*/, '');
    } }],
    ['quorum_down', { handler: (a) => {
      if (vs!.quorumDown) { rpt(`(${vs!.group ?? '(null)'}) quorum_down script already specified - ignoring ${a!.slot(1)}`); return; }
      vs!.quorumDown = a!.raw.replace(/^\s*quorum_down\s*/, '');
    } }],
    ['quorum', { handler: (a) => {
      let v = readUnsigned(r, a!.slot(1), 1, UINT_MAX, true);
      if (v === null) { rpt(`Quorum ${a!.slot(1)} must be in [1, ${UINT_MAX}]. Setting to 1.`); v = 1; }
      vs!.quorum = v;
    } }],
    ['hysteresis', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 0, UINT_MAX, true);
      if (v === null) rpt(`Hysteresis ${a!.slot(1)} must be in [0, ${UINT_MAX}] - ignoring`); else vs!.hysteresis = v;
    } }],
    ['weight', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 1, IPVS_WEIGHT_LIMIT, true);
      if (v === null) rpt(`Virtual server weight ${a!.slot(1)} is outside range 1-${IPVS_WEIGHT_LIMIT}`); else vs!.weight = v;
    } }],
    ['sorry_server', { handler: (a) => {
      const s = sockaddr(a!.slot(1), a!.opt(2));
      if (!s) { rpt(`Invalid sorry server ip address/port ${a!.slot(1)}/${a!.opt(2) ?? '(null)'} - skipping`); return; }
      vs!.sorry = newRs(s.addr, s.port, a!.w.line);
    } }],
    ['sorry_server_inhibit', { handler: () => {
      if (vs!.sorry) vs!.sorry.inhibit = true; else rpt('Ignoring sorry_server inhibit used before or without sorry_server');
    } }],
    ['sorry_server_lvs_method', { handler: (a) => {
      if (!vs!.sorry) { rpt('sorry_server forwarding used without sorry_server'); return; }
      const f = forwarding(a!, 'sorry');
      if (f !== null) vs!.sorry.fwd = f;
    } }],
    ['real_server', {
      handler: (a) => {
        const port = a!.opt(2);
        const portStr = port !== undefined && /[^0]/.test(port) ? port : undefined;
        const s = sockaddr(a!.slot(1), portStr);
        if (!s) {
          rpt(`Invalid real server ip address/port ${a!.slot(1)}/${port ?? '(null)'} - skipping`);
          r.skipBlock(true);
          rs = null;
          return;
        }
        rs = newRs(s.addr, s.port, a!.w.line);
      },
      sub: rsTable,
      ptr: () => rs !== null,
      close: () => { if (rs) vs!.rs.push(rs); rs = null; },
    }],
    ...ignored(VS_OTHER),
  ]);

  const lbAlgo = (a: Args): void => {
    const s = a.slot(1);
    if (!LVS_SCHEDULERS.includes(s)) { rpt(`Invalid lvs_scheduler '${s}' - ignoring`); return; }
    vs!.sched = s;
  };

  const vsKw: Keyword = {
    active: vsActive,
    handler: (a) => {
      res.haveChecker = true;
      if (!a) return;
      vs = null;
      const p1 = a.slot(1);
      const p2 = a.opt(2);
      const base: VirtualServerConf = {
        addr: 0, port: 0, fwmark: 0, group: null, protocol: 0, sched: '', flags: 0, fwd: FWD_UNSET, persistenceTimeout: 0,
        persistenceGranularity: 0xffffffff, delayLoop: 60 * TIMER_HZ, connectTimeout: 5 * TIMER_HZ, retry: null,
        delayBeforeRetry: null, warmup: null, inhibit: false, alpha: false, omega: false, quorum: 1, hysteresis: 0, weight: 1,
        virtualhost: null, haSuspend: false, sorry: null, sorryInhibit: false, quorumUp: null, quorumDown: null, rs: [],
        line: a.w.line,
      };
      if (p1 === 'group') {
        base.group = a.slot(2);
      } else if (p1 === 'fwmark') {
        const v = readUnsigned(r, a.slot(2), 0, UINT_MAX, true);
        if (v === null) { rpt(`virtual server fwmark '${a.slot(2)}' must be in [0, ${UINT_MAX}] - ignoring`); r.skipBlock(true); return; }
        base.fwmark = v;
      } else {
        const portStr = p2 !== undefined && /[^0]/.test(p2) ? p2 : undefined;
        const s = sockaddr(p1, portStr);
        if (!s) {
          rpt(`Invalid virtual server IP address${portStr ? '/port' : ''} ${p1}${portStr ? '/' : ''}${portStr ?? ''} - skipping`);
          r.skipBlock(true);
          return;
        }
        base.addr = s.addr;
        base.port = s.port;
      }
      vs = base;
    },
    sub: vsTable,
    ptr: () => vs !== null,
    close: () => {
      const v = vs!;
      vs = null;
      if (!v.rs.length) { rpt(`Virtual server ${fmtVs(v)} has no real servers - ignoring`); return; }
      res.vs.push(v);
    },
  };

  // -- vrrp_instance / vrrp_sync_group ------------------------------------------------------------------
  let vi: VrrpInstanceConf | null = null;
  let sg: SyncGroupConf | null = null;

  const vipParse = (w: Args, list: VipConf[]): void => {
    const first = w.slot(0);
    const [a0, p0] = first.split('/');
    const addr = parseIpv4(a0);
    if (addr === null) { rpt(`VRRP parsed invalid IP ${first}. skipping IP...`); return; }
    let prefix = 32;
    if (p0 !== undefined) {
      const n = /^\d+$/.test(p0) ? Number(p0) : NaN;
      if (!(n >= 0 && n <= 32)) rpt(`Invalid address prefix len ${p0} for address ${first} - using 32`); else prefix = n;
    }
    const vip: VipConf = { addr, prefix, dev: null, label: null, scope: 'global', brd: null };
    for (let i = 1; i < w.size; i++) {
      const k = w.slot(i);
      if (k === 'dev') {
        const d = w.slot(++i);
        if (vip.dev) { rpt(`Cannot specify ipaddress device more than once for ${first}`); continue; }
        if (!host.ifaceKind(d)) { rpt(`WARNING - interface ${d} for ip address ${first} doesn't exist`); res.nonExistentIface = true; }
        vip.dev = d;
      } else if (k === 'scope') {
        const s = w.slot(++i);
        if (s === 'global' || s === 'host' || s === 'link' || s === 'site') vip.scope = s;
        else if (/^\d+$/.test(s)) vip.scope = s === '254' ? 'host' : s === '253' ? 'link' : 'global';
        else rpt(`Invalid scope '${s}' specified for ${first} - ignoring`);
      } else if (k === 'broadcast' || k === 'brd') {
        const b = w.slot(++i);
        const bv = b === '+' ? ((addr | ~prefixMask(prefix)) >>> 0) : b === '-' ? ((addr & prefixMask(prefix)) >>> 0) : parseIpv4(b);
        if (bv === null) rpt(`VRRP is trying to assign invalid broadcast ${b}. skipping VIP...`); else vip.brd = bv;
      } else if (k === 'label') {
        const l = w.slot(++i);
        if (l.length > 15) { rpt(`Address label ${l} is longer than maximum length 15 - removing address`); return; }
        vip.label = l;
      } else if (k === 'preferred_lft' || k === 'peer') {
        i++;
      } else if (k === 'home' || k === '-nodad' || k === 'mngtmpaddr' || k === 'noprefixroute' || k === 'autojoin' || k === 'no_track') {
        // accepted, not modelled
      } else {
        rpt(`Unknown configuration entry '${k}' for ip address - ignoring`);
      }
    }
    list.push(vip);
  };

  const vrrpNotify = (key: 'notifyMaster' | 'notifyBackup' | 'notifyFault' | 'notifyStop' | 'notify', name: string): Keyword => ({
    handler: (a) => {
      if (vi![key]) { rpt(`(${vi!.name}) ${name} script already specified - ignoring ${a!.slot(1)}`); return; }
      vi![key] = a!.raw.replace(new RegExp(`^\\s*${name}\\s*`), '');
    },
  });

  const authTable = (): KeywordTable => table([
    ['auth_type', { handler: (a) => {
      const s = a!.slot(1);
      if (s === 'AH') vi!.authType = 2;
      else if (s === 'PASS') vi!.authType = 1;
      else rpt(`(${vi!.name}) unknown authentication type '${s}'`);
    } }],
    ['auth_pass', { handler: (a) => {
      let s = a!.slot(1);
      if (s.length > 8) { s = s.slice(0, 8); rpt('Truncating auth_pass to 8 characters'); }
      vi!.authPass = s;
    } }],
  ]);

  const vrrpTable = (): KeywordTable => table([
    ['state', { handler: (a) => {
      const s = a!.slot(1);
      if (s === 'MASTER') vi!.state = 'MASTER';
      else if (s === 'BACKUP') {
        if (vi!.state === 'MASTER') rpt(`(${vi!.name}) state previously set as MASTER - ignoring BACKUP`); else vi!.state = 'BACKUP';
      } else { rpt(`(${vi!.name}) unknown state '${s}', defaulting to BACKUP`); vi!.state = 'BACKUP'; }
    } }],
    ['interface', { handler: (a) => {
      const n = a!.slot(1);
      if (n.length >= 16) { rpt(`Interface name '${n}' too long - ignoring`); return; }
      const kind = host.ifaceKind(n);
      if (!kind) { rpt(`WARNING - interface ${n} for vrrp_instance ${vi!.name} doesn't exist`); vi!.iface = null; res.nonExistentIface = true; return; }
      if (kind === 'loopback') { rpt(`(${vi!.name}) cannot use a loopback interface (${n}) for vrrp - ignoring`); vi!.iface = null; return; }
      vi!.iface = n;
    } }],
    ['dont_track_primary', { handler: () => { vi!.dontTrackPrimary = true; } }],
    ['track_interface', { handler: (a) => r.valueBlock(a!, (w) => {
      const n = w.slot(0);
      let weight = 0;
      if (w.size >= 3 && w.slot(1) === 'weight') {
        const v = /^-?\d+$/.test(w.slot(2)) ? Number(w.slot(2)) : NaN;
        if (!(v >= -254 && v <= 254)) rpt(`(${vi!.name}) weight for ${n} must be between [-253..253] inclusive. Ignoring...`); else weight = v;
      }
      if (!host.ifaceKind(n)) { rpt(`(${vi!.name}) tracked interface ${n} doesn't exist`); res.nonExistentIface = true; return; }
      vi!.trackInterfaces.push({ name: n, weight });
    }) }],
    ['mcast_src_ip', { handler: (a) => { const v = parseIpv4(a!.slot(1)); if (v === null) rpt(`Configuration error: VRRP instance[${vi!.name}] malformed src address[${a!.slot(1)}]. Skipping...`); else vi!.mcastSrc = v; } }],
    ['unicast_src_ip', { handler: (a) => { const v = parseIpv4(a!.slot(1)); if (v === null) rpt(`Configuration error: VRRP instance[${vi!.name}] malformed src address[${a!.slot(1)}]. Skipping...`); else vi!.unicastSrc = v; vi!.unicastConfigured = true; } }],
    ['unicast_peer', { handler: (a) => {
      vi!.unicastConfigured = true;
      r.valueBlock(a!, (w) => {
        const v = parseIpv4(w.slot(0));
        if (v === null) rpt(`(${vi!.name}) VRRP parsed invalid IP ${w.slot(0)}. skipping IP...`); else vi!.unicastPeers.push(v);
      });
    } }],
    ['virtual_router_id', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 1, 255, false);
      if (v === null) rpt(`(${vi!.name}): VRID '${a!.slot(1)}' not valid - must be between 1 & 255`); else vi!.vrid = v;
    } }],
    ['version', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 2, 3, false);
      if (v === null) rpt(`(${vi!.name}): Version must be either 2 or 3`); else vi!.version = v;
    } }],
    ['priority', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 1, 255, false);
      if (v === null) { rpt(`(${vi!.name}) Priority not valid! must be between 1 & 255. Using default 100`); vi!.priority = 100; } else vi!.priority = v;
    } }],
    ['advert_int', { handler: (a) => {
      const v = readTimer(r, a!.slot(1), TIMER_HZ / 100, 255 * TIMER_HZ, true);
      if (v === null || v <= 0) rpt(`(${vi!.name}) Advert interval (${a!.slot(1)}) not valid! Must be > 0 - ignoring`); else vi!.advertInt = v;
    } }],
    ['virtual_ipaddress', { handler: (a) => r.valueBlock(a!, (w) => vipParse(w, vi!.vips)) }],
    ['virtual_ipaddress_excluded', { handler: (a) => r.valueBlock(a!, (w) => vipParse(w, vi!.evips)) }],
    ['no_virtual_ipaddress', { handler: () => { vi!.noVip = true; } }],
    ['skip_check_adv_addr', { handler: (a) => {
      const v = a!.opt(1) === undefined ? 1 : trueFalse(a!.slot(1));
      if (v === -1) rpt(`(${vi!.name}) invalid skip_check_adv_addr ${a!.slot(1)} specified`); else vi!.skipCheckAdvAddr = v === 1;
    } }],
    ['strict_mode', { handler: (a) => {
      const v = a!.opt(1) === undefined ? 1 : trueFalse(a!.slot(1));
      if (v === -1) rpt(`(${vi!.name}) invalid strict_mode ${a!.slot(1)} specified`); else vi!.strict = v === 1;
    } }],
    ['preempt', { handler: () => { vi!.nopreempt = false; } }],
    ['nopreempt', { handler: () => { vi!.nopreempt = true; } }],
    ['preempt_delay', { handler: (a) => {
      const v = readTimer(r, a!.slot(1), 0, 1_000_000_000 * TIMER_HZ, true);
      if (v === null) { rpt(`(${vi!.name}) Preempt_delay not valid! must be between 0-1000000000`); vi!.preemptDelay = 0; } else vi!.preemptDelay = v;
    } }],
    ['notify_backup', vrrpNotify('notifyBackup', 'notify_backup')],
    ['notify_master', vrrpNotify('notifyMaster', 'notify_master')],
    ['notify_fault', vrrpNotify('notifyFault', 'notify_fault')],
    ['notify_stop', vrrpNotify('notifyStop', 'notify_stop')],
    ['notify', vrrpNotify('notify', 'notify')],
    ['lvs_sync_daemon_interface', { handler: (a) => {
      rpt(`(${vi!.name}) Specifying lvs_sync_daemon_interface against a vrrp is deprecated.`);
      rpt(`      ${' '.repeat(Math.max(0, vi!.name.length - 2))}Please use global lvs_sync_daemon`);
      if (g.lvsSyncd) { rpt(`(${vi!.name}) lvs_sync_daemon_interface has already been specified as ${g.lvsSyncd.ifname} - ignoring`); return; }
      g.lvsSyncd = { ifname: a!.slot(1), vrrpName: vi!.name, syncid: null, maxlen: 0, port: 0, ttl: 0, group: 0 };
    } }],
    ['garp_master_delay', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 0, Math.floor(UINT_MAX / TIMER_HZ), true);
      if (v === null) rpt(`(${vi!.name}): garp_master_delay '${a!.slot(1)}' invalid - ignoring`); else vi!.garpMasterDelay = v * TIMER_HZ;
    } }],
    ['garp_master_refresh', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 0, Math.floor(UINT_MAX / TIMER_HZ), true);
      if (v === null) rpt(`(${vi!.name}): Invalid garp_master_refresh '${a!.slot(1)}' - ignoring`); else vi!.garpMasterRefresh = v * TIMER_HZ;
    } }],
    ['garp_master_repeat', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 0, UINT_MAX, true);
      if (v === null) { rpt(`(${vi!.name}): garp_master_repeat '${a!.slot(1)}' invalid - ignoring`); return; }
      if (v === 0) { rpt(`(${vi!.name}): garp_master_repeat must be greater than 0, setting to 1`); vi!.garpMasterRepeat = 1; } else vi!.garpMasterRepeat = v;
    } }],
    ['garp_master_refresh_repeat', { handler: (a) => {
      const v = readUnsigned(r, a!.slot(1), 0, UINT_MAX, true);
      if (v === null) { rpt(`(${vi!.name}): garp_master_refresh_repeat '${a!.slot(1)}' invalid - ignoring`); return; }
      if (v === 0) { rpt(`(${vi!.name}): garp_master_refresh_repeat must be greater than 0, setting to 1`); vi!.garpMasterRefreshRepeat = 1; } else vi!.garpMasterRefreshRepeat = v;
    } }],
    ['authentication', { sub: authTable }],
    ...ignored(VRRP_OTHER),
  ]);

  const vrrpKw: Keyword = {
    active: vrrpActive,
    handler: (a) => {
      res.haveVrrp = true;
      if (!a) return;
      if (a.size < 2) { rpt('vrrp_instance must have a name'); r.skipBlock(true); vi = null; return; }
      const name = a.slot(1);
      if (res.vrrp.some((x) => x.name === name)) { rpt(`vrrp instance ${name} already defined`); r.skipBlock(true); vi = null; return; }
      vi = {
        name, line: a.w.line, state: null, iface: null, vrid: 0, priority: 0, advertInt: TIMER_HZ, authType: 0, authPass: '', vips: [],
        evips: [], nopreempt: false, preemptDelay: 0, trackInterfaces: [], dontTrackPrimary: false, unicastSrc: null,
        unicastPeers: [], unicastConfigured: false, mcastSrc: null, garpMasterDelay: null, garpMasterRepeat: null,
        garpMasterRefresh: null, garpMasterRefreshRepeat: null, notifyMaster: null, notifyBackup: null, notifyFault: null,
        notifyStop: null, notify: null, strict: false, skipCheckAdvAddr: false, noVip: false, version: 0,
      };
    },
    sub: vrrpTable,
    ptr: () => vi !== null,
    close: () => { res.vrrp.push(vi!); vi = null; },
  };

  const groupNotify = (key: 'notifyMaster' | 'notifyBackup' | 'notifyFault' | 'notify', name: string): Keyword => ({
    handler: (a) => {
      if (sg![key]) { rpt(`vrrp group ${sg!.name}: ${name} script already specified - ignoring ${a!.slot(1)}`); return; }
      sg![key] = a!.raw.replace(new RegExp(`^\\s*${name}\\s*`), '');
    },
  });
  const syncGroupTable = (): KeywordTable => table([
    ['group', { handler: (a) => {
      if (sg!.members.length) { rpt(`Group list already specified for sync group ${sg!.name}`); r.skipBlock(true); return; }
      r.valueBlock(a!, (w) => { for (let i = 0; i < w.size; i++) sg!.members.push(w.slot(i)); });
      if (!sg!.members.length) rpt(`Warning - sync group ${sg!.name} has empty group block`);
    } }],
    ['notify_master', groupNotify('notifyMaster', 'notify_master')],
    ['notify_backup', groupNotify('notifyBackup', 'notify_backup')],
    ['notify_fault', groupNotify('notifyFault', 'notify_fault')],
    ['notify', groupNotify('notify', 'notify')],
    ...ignored(GROUP_OTHER),
  ]);
  const syncGroupKw: Keyword = {
    active: vrrpActive,
    handler: (a) => {
      if (!a) return;
      if (a.size < 2) { rpt('vrrp_sync_group must have a name - skipping'); r.skipBlock(true); sg = null; return; }
      const name = a.slot(1);
      if (res.groups.some((x) => x.name === name)) { rpt(`vrrp sync group ${name} already defined`); r.skipBlock(true); sg = null; return; }
      sg = { name, members: [], notifyMaster: null, notifyBackup: null, notifyFault: null, notify: null, line: a.w.line };
    },
    sub: syncGroupTable,
    ptr: () => sg !== null,
    close: () => {
      if (!sg!.members.length) rpt(`Sync group ${sg!.name} has no members - removing`);
      else res.groups.push(sg!);
      sg = null;
    },
  };

  const root = table([
    ['global_defs', { active: proc === 'parent', sub: globalTable }],
    ['virtual_server', vsKw],
    ['virtual_server_group', { active: false, handler: () => {} }],
    ['vrrp_instance', vrrpKw],
    ['vrrp_sync_group', syncGroupKw],
    ...ignored(ROOT_OTHER),
  ]);

  try {
    r.process(root, false);
    r.finish();
  } catch (e) {
    if (!(e instanceof MissingParameter)) throw e;
    res.fatal = true;
    return res;
  }
  return res;
}

// ---- validation after reading -----------------------------------------------------------------------

/**
 * check_data.c's validation of the virtual servers (messages without a line prefix) and
 * the checkers' defaults (VS → RS → checker inheritance).
 */
export function validateCheck(res: ParseResult, host: HostInfo): void {
  const msgs = res.messages;
  for (const vs of res.vs) {
    if (!vs.group && !vs.fwmark) {
      if (!vs.protocol) {
        msgs.push(`Virtual server ${fmtVs(vs)}: no protocol set - defaulting to UDP`);
        vs.protocol = PROTO_UDP;
      }
      if (vs.flags & 0x0004 && vs.protocol !== PROTO_UDP) {
        msgs.push(`Virtual server ${fmtVs(vs)}: one packet scheduling requires UDP - resetting`);
        vs.flags &= ~0x0004;
      }
      if (!vs.persistenceTimeout && !vs.port) {
        msgs.push(`Virtual server ${fmtVs(vs)}: zero port only valid for persistent services - setting`);
        vs.persistenceTimeout = IPVS_SVC_PERSISTENT_TIMEOUT;
      }
    }
    if (vs.protocol && vs.fwmark) {
      msgs.push(`Warning: Virtual server ${fmtVs(vs)}: protocol specified for fwmark - protocol will be ignored`);
      vs.protocol = 0;
    }
    if (!vs.sched) {
      msgs.push(`Virtual server ${fmtVs(vs)}: no scheduler set, setting default '${IPVS_DEF_SCHED}'`);
      vs.sched = IPVS_DEF_SCHED;
    }
    let weightSum = 0;
    const kept: RealServerConf[] = [];
    for (const rs of vs.rs) {
      if (kept.some((o) => o.addr === rs.addr && o.port === rs.port)) {
        msgs.push(`VS ${fmtVs(vs)}: real server ${fmtRs(rs, vs)} is duplicated - removing second rs`);
        continue;
      }
      kept.push(rs);
      if (rs.fwd === FWD_UNSET) {
        if (vs.fwd === FWD_UNSET) {
          msgs.push(`Virtual server ${fmtVs(vs)}: no forwarding method set, setting default NAT`);
          vs.fwd = FWD.NAT;
        }
        rs.fwd = vs.fwd;
      }
      rs.alpha ??= vs.alpha;
      rs.inhibit ??= vs.inhibit;
      rs.retry ??= vs.retry;
      rs.connectTimeout ??= vs.connectTimeout;
      rs.delayLoop ??= vs.delayLoop;
      rs.warmup ??= vs.warmup;
      rs.delayBeforeRetry ??= vs.delayBeforeRetry;
      rs.weight ??= vs.weight;
      weightSum += rs.weight;
    }
    vs.rs = kept;
    if (vs.sorry && vs.sorry.fwd === FWD_UNSET) {
      if (vs.fwd === FWD_UNSET) {
        msgs.push(`Virtual server ${fmtVs(vs)}: no forwarding method set, setting default NAT`);
        vs.fwd = FWD.NAT;
      }
      vs.sorry.fwd = vs.fwd;
    }
    if (vs.sorry) { vs.sorry.inhibit ??= false; vs.sorry.weight ??= 1; }
    if (vs.quorum > weightSum) {
      msgs.push(`Warning - quorum ${vs.quorum} for ${fmtVs(vs)} exceeds total weight of real servers ${weightSum}, reducing quorum to ${weightSum}`);
      vs.quorum = weightSum;
    }
    if (vs.hysteresis >= vs.quorum) {
      msgs.push(`Virtual server ${fmtVs(vs)}: hysteresis ${vs.hysteresis} >= quorum ${vs.quorum}; setting hysteresis to ${vs.quorum - 1}`);
      vs.hysteresis = Math.max(0, vs.quorum - 1);
    }
    for (const rs of vs.rs) {
      if (rs.fwd === FWD.NAT) {
        if (!vs.fwmark && !rs.port) rs.port = vs.port;
        continue;
      }
      if (vs.fwmark) {
        if (rs.port) {
          msgs.push(`WARNING - fwmark virtual server ${fmtVs(vs)}, real server ${fmtRs(rs, vs)} has port specified - clearing`);
          rs.port = 0;
        }
      } else if (!rs.port) {
        rs.port = vs.port;
      } else if (vs.port !== rs.port) {
        msgs.push(`WARNING - virtual server ${fmtVs(vs)} and real server ${fmtRs(rs, vs)} ports don't match - resetting`);
        rs.port = vs.port;
      }
    }
    if (vs.sorry && vs.sorry.fwd !== FWD.NAT) {
      if (vs.fwmark) { if (vs.sorry.port) { msgs.push(`WARNING - virtual server ${fmtVs(vs)}, sorry server has port specified - clearing`); vs.sorry.port = 0; } }
      else if (!vs.sorry.port) vs.sorry.port = vs.port;
      else if (vs.sorry.port !== vs.port) { msgs.push(`WARNING - virtual server ${fmtVs(vs)} and sorry server ports don't match - resetting`); vs.sorry.port = vs.port; }
    } else if (vs.sorry && !vs.sorry.port && !vs.fwmark) {
      vs.sorry.port = vs.port;
    }
    // Checker defaults from the real server.
    for (const rs of vs.rs) {
      for (const c of rs.checkers) {
        c.alpha ??= rs.alpha;
        c.retry ??= rs.retry ?? c.defaultRetry;
        c.connectTimeout ??= rs.connectTimeout;
        c.delayLoop ??= rs.delayLoop;
        c.warmup ??= rs.warmup ?? c.delayLoop;
        c.delayBeforeRetry ??= rs.delayBeforeRetry ?? (c.defaultDelayBeforeRetry || c.delayLoop);
        if (c.kind === 'MISC_CHECK') c.miscTimeout ??= c.delayLoop;
      }
    }
  }
  // check_check_script_security()
  const hasMisc = res.vs.some((v) => v.rs.some((r) => r.checkers.some((c) => c.kind === 'MISC_CHECK')));
  if (hasMisc && !res.globals.enableScriptSecurity) msgs.push('SECURITY VIOLATION - check scripts are being executed but script_security not enabled.');
  void host;
}

/**
 * vrrp_complete_init(): chk_min_cfg() for every instance, the sync groups, then
 * vrrp_complete_instance() for each, then the VRID conflicts — in keepalived's order. An
 * instance that cannot run makes the whole VRRP child exit with a configuration error
 * (`res.fatal`), as vrrp_complete_init() returning false does.
 */
export function validateVrrp(res: ParseResult): void {
  const msgs = res.messages;
  const g = res.globals;
  for (const v of res.vrrp) {
    if (!v.vrid) { msgs.push(`(${v.name}) the virtual router id must be set`); res.fatal = true; return; }
    if (!v.iface && !v.unicastConfigured) { msgs.push(`(${v.name}) Unknown interface!`); res.fatal = true; return; }
  }
  for (const sgc of res.groups) {
    sgc.members = sgc.members.filter((m, k) => {
      if (!res.vrrp.some((v) => v.name === m)) { msgs.push(`Virtual router ${m} specified in sync group ${sgc.name} doesn't exist - ignoring`); return false; }
      if (res.groups.some((o) => o !== sgc && res.groups.indexOf(o) < res.groups.indexOf(sgc) && o.members.includes(m)) || sgc.members.indexOf(m) !== k) {
        msgs.push(`Virtual router ${m} cannot exist in more than one sync group; ignoring ${sgc.name}`);
        return false;
      }
      return true;
    });
    if (!sgc.members.length) msgs.push(`Sync group ${sgc.name}, no matching virtual router found in group declaration - removing`);
    else if (sgc.members.length === 1) msgs.push(`Sync group ${sgc.name} has only 1 virtual router(s) - this probably isn't what you want`);
  }
  res.groups = res.groups.filter((x) => x.members.length > 0);
  for (const v of res.vrrp) {
    if (!v.version) v.version = g.vrrpVersion;
    v.strict ||= g.vrrpStrict;
    v.skipCheckAdvAddr ||= g.vrrpSkipCheckAdvAddr;
    if (v.priority === 0) v.priority = v.state === 'MASTER' ? 255 : 100;
    if (v.state === null) v.state = v.priority === 255 ? 'MASTER' : 'BACKUP';
    else if (v.strict && ((v.state === 'MASTER') !== (v.priority === 255))) {
      msgs.push(`(${v.name}) State MASTER must match being address owner`);
      v.state = v.priority === 255 ? 'MASTER' : 'BACKUP';
    }
    if (v.strict && v.authType !== 0) {
      msgs.push(`(${v.name}) Strict mode does not support authentication. Ignoring.`);
      v.authType = 0;
    } else if (v.version === 3 && v.authType !== 0) {
      msgs.push(`(${v.name}) VRRP version 3 does not support authentication. Ignoring.`);
      v.authType = 0;
    } else if (v.authType !== 0 && !v.authPass) {
      msgs.push(`(${v.name}) Authentication specified but no password given. Ignoring`);
      v.authType = 0;
    } else if (v.authType === 2 && v.state === 'MASTER' && v.priority !== 255) {
      msgs.push(`(${v.name}) Initial state master is incompatible with AH authentication - clearing`);
      v.state = 'BACKUP';
    }
    if (!v.iface && v.unicastSrc === null) {
      msgs.push(`(${v.name}): Unicast instances must have unicast_src_ip or interface`);
      res.fatal = true;
      return;
    }
    if (v.unicastConfigured && !v.unicastPeers.length) {
      msgs.push(`(${v.name}) A unicast keyword has been specified without any unicast peers. Defaulting to multicast. This usage is deprecated - please update your configuration.`);
    }
    if (v.priority === 255 && v.nopreempt) {
      msgs.push(`(${v.name}) nopreempt is incompatible with priority 255. resetting nopreempt`);
      v.nopreempt = false;
    }
    if (v.state === 'MASTER') {
      if (v.nopreempt) { msgs.push(`(${v.name}) Warning - nopreempt will not work with initial state MASTER - clearing`); v.nopreempt = false; }
      if (v.preemptDelay) { msgs.push(`(${v.name}) Warning - preempt delay will not work with initial state MASTER - clearing`); v.preemptDelay = 0; }
    }
    if (v.preemptDelay) {
      if (v.strict) { msgs.push(`(${v.name}) preempt_delay is incompatible with strict mode - resetting`); v.preemptDelay = 0; }
      if (v.nopreempt) { msgs.push(`(${v.name}) preempt_delay is incompatible with nopreempt mode - resetting`); v.preemptDelay = 0; }
    }
    if (v.noVip && v.strict) {
      msgs.push(`(${v.name}) no_virtual_ipaddress and strict mode incompatible, clearing no_virtual_ipaddress`);
      v.noVip = false;
    }
    if (!v.noVip && !v.vips.length) {
      if (v.version === 3 || v.strict) { msgs.push(`(${v.name}) No VIP specified; at least one is required`); res.fatal = true; return; }
      msgs.push(`(${v.name}) No VIP specified; at least one is sensible`);
    }
    if (v.garpMasterDelay === null) v.garpMasterDelay = g.vrrpGarpMasterDelay;
    if (v.garpMasterRepeat === null) v.garpMasterRepeat = g.vrrpGarpMasterRepeat;
    if (v.garpMasterRefresh === null) v.garpMasterRefresh = g.vrrpGarpMasterRefresh;
    if (v.garpMasterRefreshRepeat === null) v.garpMasterRefreshRepeat = g.vrrpGarpMasterRefreshRepeat;
  }
  // check_vrid_conflicts(): same VRID on the same interface (multicast) or the same peers.
  for (let a = 0; a < res.vrrp.length; a++) {
    for (let b = a + 1; b < res.vrrp.length; b++) {
      const x = res.vrrp[a], y = res.vrrp[b];
      if (x.vrid !== y.vrid || (x.unicastPeers.length > 0) !== (y.unicastPeers.length > 0)) continue;
      if (x.iface !== y.iface) continue;
      msgs.push(`(${x.name}) duplicate VRID conflict with ${y.name} VRID ${x.vrid}`);
      res.fatal = true;
    }
  }
  if (res.fatal) return;
  const keep = res.vrrp;
  if (g.lvsSyncd?.vrrpName) {
    const inst = keep.find((v) => v.name === g.lvsSyncd!.vrrpName);
    if (!inst) {
      msgs.push(`Unable to find vrrp instance ${g.lvsSyncd.vrrpName} for lvs_sync_daemon - clearing lvs_sync_daemon config`);
      g.lvsSyncd = null;
    } else if (g.lvsSyncd.syncid === null) {
      g.lvsSyncd.syncid = inst.vrid;
    }
  }
  if (g.vrrpStrict && keep.length) msgs.push('use_vmac or no_accept/strict specified, but no firewall configured - using nftables');
}
