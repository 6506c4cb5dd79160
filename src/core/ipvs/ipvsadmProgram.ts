/**
 * The ipvsadm 1.31 program (ipvsadm.c + libipvs), run against a host's IPVS: option parsing
 * through popt, the command/option matrix, every message and exit status, and the listing,
 * save and restore formats byte for byte (printf templates with their trailing spaces).
 *
 * It lives in the core, not in src/shell, because the kernel side needs it too: the
 * `ipvsadm.service` unit restores /etc/sysconfig/ipvsadm through it. The shell's ipvsadm,
 * ipvsadm-save and ipvsadm-restore commands are thin wrappers.
 *
 * Exit statuses: fail() 2; kernel errors 255 (the program returns -1); listing errors 1;
 * "Try `ipvsadm -h'..." 255; popt errors 255. Inside -R, fail() and the try-help exit end the
 * whole program at once, kernel and popt errors only end their line (the last line's result
 * is the exit status), as restore_table() does.
 *
 * Lab extension (not in stock ipvsadm 1.31): FULLNAT as Alibaba's LVS / DPVS ipvsadm has it —
 * `--fullnat` for a real server (and `-b` as its short form only with -a/-e: there 1.31's
 * sched-flags `-b` is always illegal, so no valid 1.31 command line changes meaning),
 * `-P/--add-laddr`, `-Q/--del-laddr`, `-G/--get-laddr` with `-z/--laddr ADDR` and `-F/--ifname`.
 * Listings show the method as `FullNat`; -S saves FULLNAT servers with `-b` and their local
 * addresses as `-P` lines.
 */
import type { Host } from '../net/host.ts';
import { Ipvs, SyncState, type DaemonCfg, type DestUser, type ServiceUser } from './ipvs.ts';
import { hostByAddr, hostByName, inetAton, isIpv6, servByName, servByPort, strtol10, stringToNumber } from './names.ts';
import { Popt, type ArgKind, type PoptOption } from './popt.ts';
import { connExpiresSec } from './procfs.ts';
import type { Service } from './service.ts';

import {
  ERRNO_TEXT, FWD_NAMES, Fwd, IPVS_TAB_SIZE, IPVS_VERSION, MH_FALLBACK, MH_PORT, PERSISTENT_TIMEOUT, Proto, SH_FALLBACK,
  SH_PORT, SvcF, TUN_NAMES, TunType, type IpvsErrno,
} from './types.ts';

export interface IpvsadmIo {
  out(s: string): void;
  err(s: string): void;
  /** Standard input (read only by -R). */
  stdin(): string;
}

class Exit { constructor(readonly code: number) {} }

// ---- commands and options (ipvsadm.c) ---------------------------------------------------------

const CMD = {
  NONE: 0, ADD: 1, EDIT: 2, DEL: 3, FLUSH: 4, LIST: 5, ADDDEST: 6, DELDEST: 7, EDITDEST: 8, TIMEOUT: 9,
  STARTDAEMON: 10, STOPDAEMON: 11, RESTORE: 12, SAVE: 13, ZERO: 14, ADDLADDR: 15, DELLADDR: 16, GETLADDR: 17,
} as const;

const CMDNAMES = ['add-service', 'edit-service', 'delete-service', 'flush', 'list', 'add-server', 'delete-server',
  'edit-server', 'set', 'start-daemon', 'stop-daemon', 'restore', 'save', 'zero', 'add-laddr', 'del-laddr', 'get-laddr'];

const O = {
  NUMERIC: 0, CONNECTION: 1, SERVICE: 2, SCHEDULER: 3, PERSISTENT: 4, NETMASK: 5, SERVER: 6, FORWARD: 7, WEIGHT: 8,
  UTHRESHOLD: 9, LTHRESHOLD: 10, MCAST: 11, TIMEOUT: 12, DAEMON: 13, STATS: 14, RATE: 15, THRESHOLDS: 16,
  PERSISTENTCONN: 17, NOSORT: 18, SYNCID: 19, EXACT: 20, ONEPACKET: 21, PE: 22, SCHED_FLAGS: 23, MCAST_GROUP: 24,
  MCAST_PORT: 25, MCAST_TTL: 26, SYNC_MAXLEN: 27, TUN_INFO: 28, TUN_TYPE: 29, TUN_PORT: 30, TUN_NOCSUM: 31,
  TUN_CSUM: 32, TUN_REMCSUM: 33, LADDR: 34, IFNAME: 35,
} as const;

const OPTNAMES = ['numeric', 'connection', 'service-address', 'scheduler', 'persistent', 'netmask', 'real-server',
  'forwarding-method', 'weight', 'u-threshold', 'l-threshold', 'mcast-interface', 'timeout', 'daemon', 'stats', 'rate',
  'thresholds', 'persistent-conn', 'nosort', 'syncid', 'exact', 'ops', 'pe', 'sched-flags', 'mcast-group', 'mcast-port',
  'mcast-ttl', 'sync-maxlen', 'tun-info', 'tun-type', 'tun-port', 'tun-nocsum', 'tun-csum', 'tun-remcsum',
  'local-address', 'ifname'];

/**
 * commands_v_options[][] of ipvsadm 1.31, transcribed column by column ('+' compulsory, 'x'
 * illegal, '1' exclusive, ' ' optional), with two columns for the FULLNAT extension
 * (local-address, ifname) and three rows for its commands.
 *        -n -c svc -s -p -M -r fwd -w -x -y -mc tot dmn -st -rt thr -pc srt sid -ex ops -pe -b grp port ttl size tinf type tprt nocs csum remc laddr ifname */
const MATRIX: readonly string[] = [
  /*ADD*/      'xx+   xxxxxxxxxxxxxxx   xxxxxxxxxxxx',
  /*EDIT*/     'xx+   xxxxxxxxxxxxxxx   xxxxxxxxxxxx',
  /*DEL*/      'xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /*FLUSH*/    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /*LIST*/     ' 11xxxxxxxxx11       xxxxxxx xxxxxxx',
  /*ADDSRV*/   'xx+xxx+    xxxxxxxxxxxxxxxxxx     xx',
  /*DELSRV*/   'xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /*EDITSRV*/  'xx+xxx+    xxxxxxxxxxxxxxxxxx     xx',
  /*TIMEOUT*/  'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /*STARTD*/   'xxxxxxxxxxx xxxxxxx xxxx    xxxxxxxx',
  /*STOPD*/    'xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxxxx',
  /*RESTORE*/  'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /*SAVE*/     ' xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /*ZERO*/     'xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  /*ADDLADDR*/ 'xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx+ ',
  /*DELLADDR*/ 'xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx+ ',
  /*GETLADDR*/ 'xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
];

/** tunnel_types_v_options[][]: columns tun-port, tun-nocsum, tun-csum, tun-remcsum. */
const TUN_MATRIX = ['xxxx', '+111', 'x11x'];
const TUN_OPTS = [O.TUN_PORT, O.TUN_NOCSUM, O.TUN_CSUM, O.TUN_REMCSUM];
const TUN_FLAG_NAMES = ['-c', '+c', 'r+c'];
const TUN_FLAG_OPTS = ['--tun-nocsum', '--tun-csum', '--tun-remcsum'];

const POPT_OPTIONS: PoptOption[] = [
  { long: 'add-service', short: 'A', arg: 'none', val: 'A' },
  { long: 'edit-service', short: 'E', arg: 'none', val: 'E' },
  { long: 'delete-service', short: 'D', arg: 'none', val: 'D' },
  { long: 'clear', short: 'C', arg: 'none', val: 'C' },
  { long: 'list', short: 'L', arg: 'none', val: 'L' },
  { long: 'list', short: 'l', arg: 'none', val: 'l' },
  { long: 'zero', short: 'Z', arg: 'none', val: 'Z' },
  { long: 'add-server', short: 'a', arg: 'none', val: 'a' },
  { long: 'edit-server', short: 'e', arg: 'none', val: 'e' },
  { long: 'delete-server', short: 'd', arg: 'none', val: 'd' },
  { long: 'set', short: null, arg: 'none', val: 'set' },
  { long: 'help', short: 'h', arg: 'none', val: 'h' },
  { long: 'version', short: 'v', arg: 'none', val: 'v' },
  { long: 'restore', short: 'R', arg: 'none', val: 'R' },
  { long: 'save', short: 'S', arg: 'none', val: 'S' },
  { long: 'start-daemon', short: null, arg: 'string', val: 'start-daemon' },
  { long: 'stop-daemon', short: null, arg: 'string', val: 'stop-daemon' },
  { long: 'add-laddr', short: 'P', arg: 'none', val: 'P' },
  { long: 'del-laddr', short: 'Q', arg: 'none', val: 'Q' },
  { long: 'get-laddr', short: 'G', arg: 'none', val: 'G' },
  { long: 'tcp-service', short: 't', arg: 'string', val: 't' },
  { long: 'udp-service', short: 'u', arg: 'string', val: 'u' },
  { long: 'sctp-service', short: null, arg: 'string', val: 'sctp' },
  { long: 'fwmark-service', short: 'f', arg: 'string', val: 'f' },
  { long: 'scheduler', short: 's', arg: 'string', val: 's' },
  { long: 'persistent', short: 'p', arg: 'optional', val: 'p' },
  { long: 'netmask', short: 'M', arg: 'string', val: 'M' },
  { long: 'real-server', short: 'r', arg: 'string', val: 'r' },
  { long: 'masquerading', short: 'm', arg: 'none', val: 'm' },
  { long: 'ipip', short: 'i', arg: 'none', val: 'i' },
  { long: 'gatewaying', short: 'g', arg: 'none', val: 'g' },
  { long: 'fullnat', short: null, arg: 'none', val: 'fullnat' },
  { long: 'weight', short: 'w', arg: 'string', val: 'w' },
  { long: 'u-threshold', short: 'x', arg: 'string', val: 'x' },
  { long: 'l-threshold', short: 'y', arg: 'string', val: 'y' },
  { long: 'numeric', short: 'n', arg: 'none', val: 'n' },
  { long: 'connection', short: 'c', arg: 'none', val: 'c' },
  { long: 'mcast-interface', short: null, arg: 'string', val: 'mcast-interface' },
  { long: 'syncid', short: null, arg: 'string', val: 'I' },
  { long: 'timeout', short: null, arg: 'none', val: 'timeout' },
  { long: 'daemon', short: null, arg: 'none', val: 'daemon' },
  { long: 'stats', short: null, arg: 'none', val: 'stats' },
  { long: 'rate', short: null, arg: 'none', val: 'rate' },
  { long: 'thresholds', short: null, arg: 'none', val: 'thresholds' },
  { long: 'persistent-conn', short: null, arg: 'none', val: 'persistent-conn' },
  { long: 'nosort', short: null, arg: 'none', val: 'nosort' },
  { long: 'sort', short: null, arg: 'none', val: 'sort' },
  { long: 'exact', short: 'X', arg: 'none', val: 'X' },
  { long: 'ipv6', short: '6', arg: 'none', val: '6' },
  { long: 'ops', short: 'o', arg: 'none', val: 'o' },
  { long: 'pe', short: null, arg: 'string', val: 'pe' },
  { long: 'sched-flags', short: 'b', arg: 'string', val: 'b' },
  { long: 'mcast-group', short: null, arg: 'string', val: 'mcast-group' },
  { long: 'mcast-port', short: null, arg: 'string', val: 'mcast-port' },
  { long: 'mcast-ttl', short: null, arg: 'string', val: 'mcast-ttl' },
  { long: 'sync-maxlen', short: null, arg: 'string', val: 'sync-maxlen' },
  { long: 'tun-info', short: null, arg: 'none', val: 'tun-info' },
  { long: 'tun-type', short: null, arg: 'string', val: 'tun-type' },
  { long: 'tun-port', short: null, arg: 'string', val: 'tun-port' },
  { long: 'tun-nocsum', short: null, arg: 'none', val: 'tun-nocsum' },
  { long: 'tun-csum', short: null, arg: 'none', val: 'tun-csum' },
  { long: 'tun-remcsum', short: null, arg: 'none', val: 'tun-remcsum' },
  { long: 'laddr', short: 'z', arg: 'string', val: 'z' },
  { long: 'ifname', short: 'F', arg: 'string', val: 'F' },
];

const FMT = {
  NONE: 0, NUMERIC: 0x1, RULE: 0x2, STATS: 0x4, RATE: 0x8, THRESHOLDS: 0x10, PERSISTENTCONN: 0x20, NOSORT: 0x40,
  EXACT: 0x80, TUN_INFO: 0x100,
} as const;

const SERVICE_NONE = 0, SERVICE_ADDR = 1, SERVICE_PORT = 2;
const AF_UNSPEC = 0, AF_INET = 2, AF_INET6 = 10;
const DEF_SCHED = 'wlc';
const DEF_MCAST_IFN = 'eth0';
const MAX_TIMEOUT = 86400 * 31;
const INT_MAX = 2147483647;

export const IPVSADM_VERSION_LINE = `ipvsadm v1.31 2019/12/24 (compiled with popt and IPVS v${IPVS_VERSION})`;
const SCHEDULERS = 'rr|wrr|lc|wlc|lblc|lblcr|dh|sh|sed|nq|fo|ovf|mh';
const PE_LIST = 'sip';

interface SvcU { af: number; protocol: number; addr: number; port: number; fwmark: number; schedName: string; flags: number; timeout: number; netmask: number; pe: string }
interface DestU { af: number; addr: number; port: number; fwd: number; weight: number; uThreshold: number; lThreshold: number; tunType: number; tunPort: number; tunFlags: number }
interface DaemonU { state: number; mcastIfn: string; syncid: number; syncMaxlen: number; mcastAf: number; mcastGroup: number; mcastPort: number; mcastTtl: number }
interface Entry {
  cmd: number;
  svc: SvcU;
  dest: DestU;
  timeout: { tcp: number; fin: number; udp: number };
  daemon: DaemonU;
  laddr: number;
  ifname: string;
}

// ---- the libipvs layer ------------------------------------------------------------------------

type Func = 'add_service' | 'update_service' | 'del_service' | 'zero_service' | 'add_dest' | 'update_dest' | 'del_dest'
  | 'start_daemon' | 'stop_daemon' | 'get_services' | 'get_dests' | 'get_service' | 'flush' | 'set_timeout'
  | 'add_laddr' | 'del_laddr' | 'get_laddrs';

/** ipvs_strerror(): the function-specific table first, then libc's strerror. */
function ipvsStrerror(func: Func, e: IpvsErrno): string {
  const specific: [Func, IpvsErrno, string][] = [
    ['add_service', 'EEXIST', 'Service already exists'],
    ['add_service', 'ENOENT', 'Scheduler or persistence engine not found'],
    ['update_service', 'ESRCH', 'No such service'],
    ['update_service', 'ENOENT', 'Scheduler or persistence engine not found'],
    ['del_service', 'ESRCH', 'No such service'],
    ['zero_service', 'ESRCH', 'No such service'],
    ['add_dest', 'ESRCH', 'Service not defined'],
    ['add_dest', 'EEXIST', 'Destination already exists'],
    ['update_dest', 'ESRCH', 'Service not defined'],
    ['update_dest', 'ENOENT', 'No such destination'],
    ['del_dest', 'ESRCH', 'Service not defined'],
    ['del_dest', 'ENOENT', 'No such destination'],
    ['start_daemon', 'EEXIST', 'Daemon has already run'],
    ['stop_daemon', 'ESRCH', 'No daemon is running'],
    ['get_services', 'ESRCH', 'No such service'],
    ['get_dests', 'ESRCH', 'No such service'],
    ['get_service', 'ESRCH', 'No such service'],
    // FULLNAT extension (DPVS-style wording).
    ['add_laddr', 'ESRCH', 'Service not defined'],
    ['add_laddr', 'EEXIST', 'Local address already exists'],
    ['del_laddr', 'ESRCH', 'Service not defined'],
    ['del_laddr', 'ENOENT', 'No such local address'],
    ['get_laddrs', 'ESRCH', 'No such service'],
  ];
  for (const [f, err, msg] of specific) if (f === func && err === e) return msg;
  const generic: Partial<Record<IpvsErrno, string>> = {
    EPERM: 'Permission denied (you must be root)',
    EINVAL: 'Invalid operation.  Possibly wrong module version, address not unicast, ...',
    ENOPROTOOPT: 'Protocol not available',
    ENOMEM: 'Memory allocation problem',
    EOPNOTSUPP: 'Operation not supported with IPv6',
    EAFNOSUPPORT: 'Operation not supported with specified address family',
  };
  return generic[e] ?? ERRNO_TEXT[e];
}

// ---- formatting helpers -----------------------------------------------------------------------

const pad = (s: string | number, w: number) => String(s).padEnd(w);
const lpad = (s: string | number, w: number) => String(s).padStart(w);

function fmtIpv4(a: number): string { return `${(a >>> 24) & 255}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`; }

/** print_largenum() */
export function largenum(i: number, format: number): string {
  if (format & FMT.EXACT) {
    const len = String(i).length;
    return lpad(i, len <= 8 ? 9 : len + 1);
  }
  if (i < 100000000) return lpad(i, 9);
  if (i < 1000000000) return lpad(Math.floor(i / 1000), 8) + 'K';
  if (i < 100000000000) return lpad(Math.floor(i / 1000000), 8) + 'M';
  if (i < 100000000000000) return lpad(Math.floor(i / 1000000000), 8) + 'G';
  return lpad(Math.floor(i / 1000000000000), 8) + 'T';
}

/** glibc's qsort (msort): a top-down merge sort, so comparator quirks play out as on RHEL. */
function msort<T>(a: T[], cmp: (x: T, y: T) => number): T[] {
  if (a.length <= 1) return a;
  const n1 = a.length >> 1;
  const b1 = msort(a.slice(0, n1), cmp), b2 = msort(a.slice(n1), cmp);
  const out: T[] = [];
  let i = 0, j = 0;
  while (i < b1.length && j < b2.length) out.push(cmp(b1[i], b2[j]) <= 0 ? b1[i++] : b2[j++]);
  while (i < b1.length) out.push(b1[i++]);
  while (j < b2.length) out.push(b2[j++]);
  return out;
}

const int32 = (x: number) => x | 0;

/** ipvs_cmp_services() */
function cmpServices(a: Service, b: Service): number {
  let r = int32(a.fwmark - b.fwmark);
  if (r) return r;
  r = a.af - b.af;
  if (r) return r;
  r = a.protocol - b.protocol;
  if (r) return r;
  r = int32(a.addr - b.addr);
  if (r) return r;
  return a.port - b.port;
}

// ---- the program ---------------------------------------------------------------------------------

class Program {
  private ipvs!: Ipvs;

  constructor(private readonly host: Host, private readonly io: IpvsadmIo) {}

  private get fs() { return this.host.fs; }

  private fail(msg: string): never {
    this.io.err(msg + '\n');
    throw new Exit(2);
  }

  private tryhelpExit(program: string): never {
    this.io.err(`Try \`${program} -h' or '${program} --help' for more information.\n`);
    throw new Exit(255);
  }

  run(argv: readonly string[]): number {
    try {
      this.ipvs = Ipvs.load(this.host);
      if (argv.length === 1) { this.listAll(FMT.NONE); return 0; }
      return this.processOptions(argv, false) & 255;
    } catch (e) {
      if (e instanceof Exit) return e.code & 255;
      throw e;
    }
  }

  // ---- parse_options -----------------------------------------------------------------------

  private newEntry(): Entry {
    return {
      cmd: CMD.NONE,
      svc: { af: AF_UNSPEC, protocol: 0, addr: 0, port: 0, fwmark: 0, schedName: '', flags: 0, timeout: 0, netmask: 0xffffffff, pe: '' },
      dest: { af: AF_UNSPEC, addr: 0, port: 0, fwd: Fwd.DROUTE, weight: 1, uThreshold: 0, lThreshold: 0, tunType: 0, tunPort: 0, tunFlags: 0 },
      timeout: { tcp: 0, fin: 0, udp: 0 },
      daemon: { state: 0, mcastIfn: '', syncid: 0, syncMaxlen: 0, mcastAf: AF_UNSPEC, mcastGroup: 0, mcastPort: 0, mcastTtl: 0 },
      laddr: 0, ifname: '',
    };
  }

  /** parse_service() into a copy of `svc`: which parts were set, and the parsed fields. */
  private parseService(buf: string, protocol: number): { res: number; af: number; addr: number; port: number | null } {
    if (/^\d*$/.test(buf)) return { res: SERVICE_NONE, af: 0, addr: 0, port: null };
    let s = buf;
    let portp: string | null = null;
    let bracket = false;
    if (s[0] === '[') {
      s = s.slice(1);
      const k = s.indexOf(']');
      if (k < 0) return { res: SERVICE_NONE, af: 0, addr: 0, port: null };
      const after = s.slice(k + 1);
      s = s.slice(0, k);
      if (after[0] !== ':') return { res: SERVICE_NONE, af: 0, addr: 0, port: null };
      portp = after.slice(1);
      bracket = true;
    }
    let af = AF_INET;
    let addr = 0;
    if (isIpv6(s)) {
      af = AF_INET6;
    } else {
      if (!bracket) {
        const c = s.lastIndexOf(':');
        if (c >= 0) { portp = s.slice(c + 1); s = s.slice(0, c); }
      }
      const a = inetAton(s) ?? hostByName(this.fs, s);
      if (a === null) return { res: SERVICE_NONE, af: 0, addr: 0, port: null };
      addr = a;
    }
    let res = SERVICE_ADDR;
    let port: number | null = null;
    if (portp !== null) {
      res |= SERVICE_PORT;
      let n = stringToNumber(portp, 0, 65535);
      if (n === -1) { const p = servByName(this.fs, portp, protocol); n = p === null ? -1 : p; }
      if (n === -1) return { res: SERVICE_NONE, af: 0, addr: 0, port: null };
      port = n;
    }
    return { res, af, addr, port };
  }

  private parseTimeout(buf: string | null, min: number, max: number): number {
    if (buf === null) return PERSISTENT_TIMEOUT;
    const i = stringToNumber(buf, min, max);
    if (i === -1) this.fail(`invalid timeout value \`${buf}' specified`);
    return i;
  }

  private parseFwmark(buf: string): number {
    const l = strtol10(buf);
    if (l === null || l <= 0 || l > 0xffffffff) this.fail(`invalid fwmark value \`${buf}' specified`);
    return l;
  }

  private parseSchedFlags(sched: string, arg: string): number {
    const s = sched || DEF_SCHED;
    let flags = 0;
    const list = arg.split(',').filter((x) => x !== '');
    if (list.length === 0) this.fail("invalid scheduler flag `'");
    for (const flag of list) {
      if (flag === 'flag-1') flags |= SvcF.SCHED1;
      else if (flag === 'flag-2') flags |= SvcF.SCHED2;
      else if (flag === 'flag-3') flags |= SvcF.SCHED3;
      else if (flag === 'sh-fallback') { flags |= SH_FALLBACK; if (s !== 'sh') this.fail(`incompatible scheduler flag \`${flag}'`); }
      else if (flag === 'sh-port') { flags |= SH_PORT; if (s !== 'sh') this.fail(`incompatible scheduler flag \`${flag}'`); }
      else if (flag === 'mh-fallback') { flags |= MH_FALLBACK; if (s !== 'mh') this.fail(`incompatible scheduler flag \`${flag}'`); }
      else if (flag === 'mh-port') { flags |= MH_PORT; if (s !== 'mh') this.fail(`incompatible scheduler flag \`${flag}'`); }
      else this.fail(`invalid scheduler flag \`${flag}'`);
    }
    return flags;
  }

  /** parse_options(): false when popt reported an error (the caller returns -1). */
  private parseOptions(argv: readonly string[], ce: Entry, options: Set<number>, fmt: { f: number }): boolean {
    const isDestCmd = () => ce.cmd === CMD.ADDDEST || ce.cmd === CMD.EDITDEST;
    const popt = new Popt(argv, POPT_OPTIONS, (o): ArgKind => (o.val === 'b' && isDestCmd() ? 'none' : o.arg));
    let schedFlagsArg = '';
    const setOption = (i: number) => {
      if (options.has(i)) this.fail(`multiple '${OPTNAMES[i]}' options specified`);
      options.add(i);
    };
    const setCommand = (c: number) => {
      if (ce.cmd !== CMD.NONE) this.fail('multiple commands specified');
      ce.cmd = c;
    };

    const first = popt.nextOpt();
    if (first.kind !== 'opt') this.tryhelpExit(argv[0]);
    switch (first.val) {
      case 'A': setCommand(CMD.ADD); break;
      case 'E': setCommand(CMD.EDIT); break;
      case 'D': setCommand(CMD.DEL); break;
      case 'a': setCommand(CMD.ADDDEST); break;
      case 'e': setCommand(CMD.EDITDEST); break;
      case 'd': setCommand(CMD.DELDEST); break;
      case 'C': setCommand(CMD.FLUSH); break;
      case 'L': case 'l': setCommand(CMD.LIST); break;
      case 'Z': setCommand(CMD.ZERO); break;
      case 'set': setCommand(CMD.TIMEOUT); break;
      case 'R': setCommand(CMD.RESTORE); break;
      case 'S': setCommand(CMD.SAVE); break;
      case 'P': setCommand(CMD.ADDLADDR); break;
      case 'Q': setCommand(CMD.DELLADDR); break;
      case 'G': setCommand(CMD.GETLADDR); break;
      case 'start-daemon':
        setCommand(CMD.STARTDAEMON);
        if (first.arg === 'master') ce.daemon.state = SyncState.MASTER;
        else if (first.arg === 'backup') ce.daemon.state = SyncState.BACKUP;
        else this.fail('illegal start-daemon parameter specified');
        break;
      case 'stop-daemon':
        setCommand(CMD.STOPDAEMON);
        if (first.arg === 'master') ce.daemon.state = SyncState.MASTER;
        else if (first.arg === 'backup') ce.daemon.state = SyncState.BACKUP;
        else this.fail('illegal start_daemon specified');
        break;
      case 'h': this.usage(argv[0]); throw new Exit(0);
      case 'v': this.io.out(IPVSADM_VERSION_LINE + '\n'); throw new Exit(0);
      default: this.tryhelpExit(argv[0]);
    }

    for (;;) {
      const ev = popt.nextOpt();
      if (ev.kind === 'end') break;
      if (ev.kind === 'error') {
        this.io.err(`${ev.bad}: ${ev.error}\n`);
        return false;
      }
      const arg = ev.arg;
      switch (ev.val) {
        case 't': case 'u': case 'sctp': {
          setOption(O.SERVICE);
          ce.svc.protocol = ev.val === 't' ? Proto.TCP : ev.val === 'u' ? Proto.UDP : Proto.SCTP;
          const p = this.parseService(arg!, ce.svc.protocol);
          if (!(p.res & SERVICE_ADDR)) this.fail('illegal virtual server address[:port] specified');
          ce.svc.af = p.af; ce.svc.addr = p.addr;
          if (p.af === AF_INET6) ce.svc.netmask = 128;
          if (p.port !== null) ce.svc.port = p.port;
          break;
        }
        case 'f':
          setOption(O.SERVICE);
          ce.svc.af = AF_INET;
          ce.svc.protocol = Proto.TCP;
          ce.svc.fwmark = this.parseFwmark(arg!);
          break;
        case 's':
          setOption(O.SCHEDULER);
          ce.svc.schedName = arg!.slice(0, 15);
          break;
        case 'p':
          setOption(O.PERSISTENT);
          ce.svc.flags |= SvcF.PERSISTENT;
          ce.svc.timeout = this.parseTimeout(arg, 1, MAX_TIMEOUT);
          break;
        case 'M':
          setOption(O.NETMASK);
          if (ce.svc.af !== AF_INET6) {
            const m = inetAton(arg!) ?? hostByName(this.fs, arg!);
            if (m === null) this.fail('illegal virtual server persistent mask specified');
            ce.svc.netmask = m;
          } else {
            const n = parseInt(arg!, 10);
            ce.svc.netmask = Number.isFinite(n) ? n : 0;
            if (ce.svc.netmask < 1 || ce.svc.netmask > 128) this.fail('illegal ipv6 netmask specified');
          }
          break;
        case 'r': {
          setOption(O.SERVER);
          const p = this.parseService(arg!, ce.svc.protocol);
          ce.dest.af = p.res ? p.af : ce.svc.af;
          ce.dest.addr = p.res ? p.addr : ce.svc.addr;
          ce.dest.port = p.port ?? ce.svc.port;
          if (!(p.res & SERVICE_ADDR)) this.fail('illegal real server address[:port] specified');
          if (p.res === SERVICE_ADDR) ce.dest.port = ce.svc.port;
          break;
        }
        case 'i': setOption(O.FORWARD); ce.dest.fwd = Fwd.TUNNEL; break;
        case 'g': setOption(O.FORWARD); ce.dest.fwd = Fwd.DROUTE; break;
        case 'm': setOption(O.FORWARD); ce.dest.fwd = Fwd.MASQ; break;
        case 'fullnat': setOption(O.FORWARD); ce.dest.fwd = Fwd.FULLNAT; break;
        case 'w': {
          setOption(O.WEIGHT);
          const w = stringToNumber(arg!, 0, 65535);
          if (w === -1) this.fail('illegal weight specified');
          ce.dest.weight = w;
          break;
        }
        case 'x': {
          setOption(O.UTHRESHOLD);
          const x = stringToNumber(arg!, 0, INT_MAX);
          if (x === -1) this.fail('illegal u_threshold specified');
          ce.dest.uThreshold = x;
          break;
        }
        case 'y': {
          setOption(O.LTHRESHOLD);
          const y = stringToNumber(arg!, 0, INT_MAX);
          if (y === -1) this.fail('illegal l_threshold specified');
          ce.dest.lThreshold = y;
          break;
        }
        case 'c': setOption(O.CONNECTION); break;
        case 'n': setOption(O.NUMERIC); fmt.f |= FMT.NUMERIC; break;
        case 'mcast-interface': setOption(O.MCAST); ce.daemon.mcastIfn = arg!.slice(0, 15); break;
        case 'I': {
          setOption(O.SYNCID);
          const n = stringToNumber(arg!, 0, 255);
          if (n === -1) this.fail('illegal syncid specified');
          ce.daemon.syncid = n;
          break;
        }
        case 'timeout': setOption(O.TIMEOUT); break;
        case 'daemon': setOption(O.DAEMON); break;
        case 'stats': setOption(O.STATS); fmt.f |= FMT.STATS; break;
        case 'rate': setOption(O.RATE); fmt.f |= FMT.RATE; break;
        case 'thresholds': setOption(O.THRESHOLDS); fmt.f |= FMT.THRESHOLDS; break;
        case 'persistent-conn': setOption(O.PERSISTENTCONN); fmt.f |= FMT.PERSISTENTCONN; break;
        case 'nosort': setOption(O.NOSORT); fmt.f |= FMT.NOSORT; break;
        case 'sort': break;
        case 'X': setOption(O.EXACT); fmt.f |= FMT.EXACT; break;
        case '6':
          if (ce.svc.fwmark) { ce.svc.af = AF_INET6; ce.svc.netmask = 128; } else this.fail('-6 used before -f\n');
          break;
        case 'o': setOption(O.ONEPACKET); ce.svc.flags |= SvcF.ONEPACKET; break;
        case 'pe': setOption(O.PE); ce.svc.pe = arg!.slice(0, 16); break;
        case 'b':
          if (isDestCmd()) { setOption(O.FORWARD); ce.dest.fwd = Fwd.FULLNAT; break; }
          setOption(O.SCHED_FLAGS);
          schedFlagsArg = arg!.slice(0, 127);
          break;
        case 'mcast-group': {
          setOption(O.MCAST_GROUP);
          const a = arg!;
          if (a.includes(':')) {
            if (!isIpv6(a) || !/^ff/i.test(a)) this.fail(`invalid IPv6 mcast-group \`${a}'`);
            ce.daemon.mcastAf = AF_INET6;
          } else {
            const g = /^\d{1,3}(\.\d{1,3}){3}$/.test(a) ? inetAton(a) : null;
            if (g === null || (g >>> 28) !== 0xe) this.fail(`invalid IPv4 mcast-group \`${a}'`);
            ce.daemon.mcastAf = AF_INET;
            ce.daemon.mcastGroup = g;
          }
          break;
        }
        case 'mcast-port': {
          setOption(O.MCAST_PORT);
          const n = stringToNumber(arg!, 1, 65535);
          if (n === -1) this.fail('illegal mcast-port specified');
          ce.daemon.mcastPort = n;
          break;
        }
        case 'mcast-ttl': {
          setOption(O.MCAST_TTL);
          const n = stringToNumber(arg!, 1, 255);
          if (n === -1) this.fail('illegal mcast-ttl specified');
          ce.daemon.mcastTtl = n;
          break;
        }
        case 'sync-maxlen': {
          setOption(O.SYNC_MAXLEN);
          const n = stringToNumber(arg!, 1, 65535 - 20 - 8);
          if (n === -1) this.fail('illegal sync-maxlen specified');
          ce.daemon.syncMaxlen = n;
          break;
        }
        case 'tun-info': setOption(O.TUN_INFO); fmt.f |= FMT.TUN_INFO; break;
        case 'tun-type': {
          setOption(O.TUN_TYPE);
          const t = TUN_NAMES.indexOf(arg as (typeof TUN_NAMES)[number]);
          if (t < 0) this.fail('illegal tunnel type specified');
          ce.dest.tunType = t;
          break;
        }
        case 'tun-port': {
          setOption(O.TUN_PORT);
          const n = stringToNumber(arg!, 1, 65535);
          if (n === -1) this.fail('illegal tunnel port specified');
          ce.dest.tunPort = n;
          break;
        }
        case 'tun-nocsum': setOption(O.TUN_NOCSUM); ce.dest.tunFlags |= 0; break;
        case 'tun-csum': setOption(O.TUN_CSUM); ce.dest.tunFlags |= 1; break;
        case 'tun-remcsum': setOption(O.TUN_REMCSUM); ce.dest.tunFlags |= 2; break;
        case 'z': {
          setOption(O.LADDR);
          const p = this.parseService(arg!, Proto.TCP);
          if (!(p.res & SERVICE_ADDR) || p.af !== AF_INET) this.fail('illegal local address');
          ce.laddr = p.addr;
          break;
        }
        case 'F': setOption(O.IFNAME); ce.ifname = arg!.slice(0, 15); break;
        default:
          this.fail(`invalid option \`${popt.badOption()}'`);
      }
    }

    if (ce.cmd === CMD.TIMEOUT) {
      const a = popt.getArg(), b = a !== null ? popt.getArg() : null, c = b !== null ? popt.getArg() : null;
      if (a !== null && b !== null && c !== null) {
        ce.timeout.tcp = this.parseTimeout(a, 0, MAX_TIMEOUT);
        ce.timeout.fin = this.parseTimeout(b, 0, MAX_TIMEOUT);
        ce.timeout.udp = this.parseTimeout(c, 0, MAX_TIMEOUT);
      } else {
        this.fail('--set option requires 3 timeout values');
      }
    }
    const extra = popt.getArg();
    if (extra !== null) this.fail(`unexpected argument ${extra}`);
    if (schedFlagsArg) {
      ce.svc.flags &= ~(SvcF.SCHED1 | SvcF.SCHED2 | SvcF.SCHED3);
      ce.svc.flags |= this.parseSchedFlags(ce.svc.schedName, schedFlagsArg);
    }
    return true;
  }

  /** generic_opt_check() */
  private genericOptCheck(cmd: number, options: Set<number>): void {
    const row = MATRIX[cmd - 1];
    let last = 0, count = 0;
    for (let j = 0; j < OPTNAMES.length; j++) {
      const c = row[j];
      if (!options.has(j)) {
        if (c === '+') this.fail(`You need to supply the '${OPTNAMES[j]}' option for the '${CMDNAMES[cmd - 1]}' command`);
      } else {
        if (c === 'x') this.fail(`Illegal '${OPTNAMES[j]}' option with the '${CMDNAMES[cmd - 1]}' command`);
        if (c === '1') {
          count++;
          if (count === 1) { last = j; continue; }
          this.fail(`The option '${OPTNAMES[j]}' conflicts with the '${OPTNAMES[last]}' option in the '${CMDNAMES[cmd - 1]}' command`);
        }
      }
    }
  }

  /** tunnel_opt_check() */
  private tunnelOptCheck(tunType: number, options: Set<number>): void {
    const row = TUN_MATRIX[tunType];
    let last = 0, count = 0;
    for (let j = 0; j < TUN_OPTS.length; j++) {
      const k = TUN_OPTS[j];
      const c = row[j];
      if (!options.has(k)) {
        if (c === '+') this.fail(`You need to supply the '${OPTNAMES[k]}' option for the '${TUN_NAMES[tunType]}' tunnel type`);
      } else {
        if (c === 'x') this.fail(`Illegal '${OPTNAMES[k]}' option with the '${TUN_NAMES[tunType]}' tunnel type`);
        if (c === '1') {
          count++;
          if (count === 1) { last = k; continue; }
          this.fail(`The option '${OPTNAMES[k]}' conflicts with the '${OPTNAMES[last]}' option in the '${TUN_NAMES[tunType]}' tunnel type`);
        }
      }
    }
  }

  // ---- process_options -------------------------------------------------------------------------

  private processOptions(argv: readonly string[], readingStdin: boolean): number {
    const ce = this.newEntry();
    const options = new Set<number>();
    const fmt = { f: FMT.NONE };
    if (!this.parseOptions(argv, ce, options, fmt)) return -1;
    this.genericOptCheck(ce.cmd, options);

    if (ce.cmd === CMD.ADD || ce.cmd === CMD.EDIT) {
      if (!ce.svc.fwmark && !ce.svc.port && !(ce.svc.flags & SvcF.PERSISTENT)) this.fail('Zero port specified for non-persistent service');
      if (ce.svc.flags & SvcF.ONEPACKET && !ce.svc.fwmark && ce.svc.protocol !== Proto.UDP) this.fail('One-Packet Scheduling is only for UDP virtual services');
      if (!ce.svc.schedName) ce.svc.schedName = DEF_SCHED;
    }
    if (ce.cmd === CMD.STARTDAEMON && !ce.daemon.mcastIfn) ce.daemon.mcastIfn = DEF_MCAST_IFN;

    const fwd = ce.dest.fwd;
    if (ce.cmd === CMD.ADDDEST || ce.cmd === CMD.EDITDEST) {
      if (!ce.svc.fwmark && (fwd === Fwd.TUNNEL || fwd === Fwd.DROUTE)) ce.dest.port = ce.svc.port;
      if (ce.dest.af !== ce.svc.af && fwd !== Fwd.TUNNEL) this.fail('Different address family is allowed only for tunneling servers');
      if ([O.TUN_TYPE, O.TUN_PORT, O.TUN_NOCSUM, O.TUN_CSUM, O.TUN_REMCSUM].some((o) => options.has(o)) && fwd !== Fwd.TUNNEL) {
        this.fail('Tunnel options conflict with forward method');
      }
      this.tunnelOptCheck(ce.dest.tunType, options);
    }

    switch (ce.cmd) {
      case CMD.LIST: {
        const has = (o: number) => options.has(o);
        if (((has(O.CONNECTION) || has(O.TIMEOUT) || has(O.DAEMON)) && (has(O.STATS) || has(O.RATE) || has(O.THRESHOLDS)))
          || ((has(O.TIMEOUT) || has(O.DAEMON)) && has(O.PERSISTENTCONN))) this.fail('options conflicts in the list command');
        if (has(O.CONNECTION)) this.listConn(fmt.f);
        else if (has(O.SERVICE)) this.listService(ce.svc, fmt.f);
        else if (has(O.TIMEOUT)) this.listTimeout();
        else if (has(O.DAEMON)) this.listDaemon();
        else this.listAll(fmt.f);
        return 0;
      }
      case CMD.RESTORE: return this.restoreTable(argv, readingStdin);
      case CMD.SAVE: this.listAll(fmt.f | FMT.RULE); return 0;
      case CMD.GETLADDR: return this.listLaddrs(options.has(O.SERVICE) ? ce.svc : null);
      default: break;
    }
    const r = this.kernelCall(ce);
    if (r) { this.io.err(ipvsStrerror(r[0], r[1]) + '\n'); return -1; }
    return 0;
  }

  private svcUser(s: SvcU): ServiceUser {
    return { fwmark: s.fwmark, protocol: s.protocol, addr: s.addr, port: s.port, schedName: s.schedName, flags: s.flags, timeout: s.timeout, netmask: s.netmask, pe: s.pe };
  }

  /** The libipvs call of a command: null, or the function and errno for ipvs_strerror. */
  private kernelCall(ce: Entry): [Func, IpvsErrno] | null {
    const x = this.ipvs;
    const v6 = ce.svc.af === AF_INET6 || ce.dest.af === AF_INET6;
    const svc = this.svcUser(ce.svc);
    const dest: DestUser = { ...ce.dest };
    const call = (f: Func, e: IpvsErrno | null): [Func, IpvsErrno] | null => (e ? [f, e] : null);
    switch (ce.cmd) {
      case CMD.FLUSH: return call('flush', x.flush());
      case CMD.ADD: return call('add_service', v6 ? 'EAFNOSUPPORT' : x.addService(svc));
      case CMD.EDIT: return call('update_service', v6 ? 'EAFNOSUPPORT' : x.editService(svc));
      case CMD.DEL: return call('del_service', v6 ? 'EAFNOSUPPORT' : x.delService(svc));
      case CMD.ZERO: {
        const any = ce.svc.fwmark || ce.svc.addr || ce.svc.port;
        return call('zero_service', v6 ? 'EAFNOSUPPORT' : x.zero(any ? svc : null));
      }
      case CMD.ADDDEST: return call('add_dest', v6 ? 'EAFNOSUPPORT' : x.addDest(svc, dest));
      case CMD.EDITDEST: return call('update_dest', v6 ? 'EAFNOSUPPORT' : x.editDest(svc, dest));
      case CMD.DELDEST: return call('del_dest', v6 ? 'EAFNOSUPPORT' : x.delDest(svc, dest.addr, dest.port));
      case CMD.TIMEOUT: return call('set_timeout', x.setTimeout(ce.timeout.tcp, ce.timeout.fin, ce.timeout.udp));
      case CMD.STARTDAEMON: {
        const d = ce.daemon;
        if (d.mcastAf === AF_INET6) return ['start_daemon', 'EAFNOSUPPORT'];
        const cfg: DaemonCfg = { state: d.state, mcastIfn: d.mcastIfn, syncid: d.syncid, syncMaxlen: d.syncMaxlen, mcastGroup: d.mcastGroup, mcastPort: d.mcastPort, mcastTtl: d.mcastTtl };
        return call('start_daemon', x.startDaemon(cfg));
      }
      case CMD.STOPDAEMON: return call('stop_daemon', x.stopDaemon(ce.daemon.state));
      case CMD.ADDLADDR: return call('add_laddr', v6 ? 'EAFNOSUPPORT' : x.addLaddr(svc, ce.laddr, ce.ifname));
      case CMD.DELLADDR: return call('del_laddr', v6 ? 'EAFNOSUPPORT' : x.delLaddr(svc, ce.laddr));
      default: return null;
    }
  }

  // ---- restore_table -----------------------------------------------------------------------------

  /** config_stream_read(): whitespace-separated tokens per line, the word "ipvsadm" dropped. */
  private restoreTable(argv: readonly string[], readingStdin: boolean): number {
    if (readingStdin) this.tryhelpExit(argv[0]);
    let result = 0;
    const text = this.io.stdin();
    const lines = text.split('\n');
    if (lines.length && lines[lines.length - 1] === '') lines.pop();
    for (const line of lines) {
      const toks = line.split(/[ \t\r]+/).filter((t) => t !== '' && t !== 'ipvsadm');
      if (toks.length === 0) continue;
      result = this.processOptions([argv[0], ...toks], true);
    }
    return result;
  }

  // ---- listing --------------------------------------------------------------------------------------

  private addrName(addr: number, format: number): string {
    if (format & FMT.NUMERIC) return fmtIpv4(addr);
    return hostByAddr(this.fs, addr) ?? fmtIpv4(addr);
  }

  private portName(port: number, proto: number, format: number): string {
    if (format & FMT.NUMERIC) return String(port);
    return servByPort(this.fs, port, proto) ?? String(port);
  }

  /** addrport_to_anyname() (the buffer is 60 bytes). */
  private addrport(addr: number, port: number, proto: number, format: number): string {
    return `${this.addrName(addr, format)}:${this.portName(port, proto, format)}`.slice(0, 59);
  }

  private printTitle(format: number): void {
    const o = (s: string) => this.io.out(s);
    if (format & FMT.STATS) o(`${pad('Prot LocalAddress:Port', 33)} ${lpad('Conns', 8)} ${lpad('InPkts', 8)} ${lpad('OutPkts', 8)} ${lpad('InBytes', 8)} ${lpad('OutBytes', 8)}\n  -> RemoteAddress:Port\n`);
    else if (format & FMT.RATE) o(`${pad('Prot LocalAddress:Port', 33)} ${lpad('CPS', 8)} ${lpad('InPPS', 8)} ${lpad('OutPPS', 8)} ${lpad('InBPS', 8)} ${lpad('OutBPS', 8)}\n  -> RemoteAddress:Port\n`);
    else if (format & FMT.THRESHOLDS) o(`${pad('Prot LocalAddress:Port', 33)} ${pad('Uthreshold', 10)} ${pad('Lthreshold', 10)} ${pad('ActiveConn', 10)} ${pad('InActConn', 10)}\n  -> RemoteAddress:Port\n`);
    else if (format & FMT.PERSISTENTCONN) o(`${pad('Prot LocalAddress:Port', 33)} ${pad('Weight', 9)} ${pad('PersistConn', 11)} ${pad('ActiveConn', 10)} ${pad('InActConn', 10)}\n  -> RemoteAddress:Port\n`);
    else if (format & FMT.TUN_INFO) o('Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n');
    else if (!(format & FMT.RULE)) o('Prot LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n');
  }

  private schedFlagsText(se: Service): string {
    const f: string[] = [];
    if (se.schedName === 'sh') {
      if (se.flags & SH_FALLBACK) f.push('sh-fallback');
      if (se.flags & SH_PORT) f.push('sh-port');
    } else if (se.schedName === 'mh') {
      if (se.flags & MH_FALLBACK) f.push('mh-fallback');
      if (se.flags & MH_PORT) f.push('mh-port');
    } else {
      if (se.flags & SvcF.SCHED1) f.push('flag-1');
      if (se.flags & SvcF.SCHED2) f.push('flag-2');
      if (se.flags & SvcF.SCHED3) f.push('flag-3');
    }
    return f.join(',');
  }

  private svcName(se: Service, format: number): string {
    if (se.fwmark) return format & FMT.RULE ? `-f ${se.fwmark}` : `FWM  ${se.fwmark}`;
    const vname = this.addrport(se.addr, se.port, se.protocol, format);
    if (format & FMT.RULE) {
      const stype = se.protocol === Proto.TCP ? '-t' : se.protocol === Proto.UDP ? '-u' : se.protocol === Proto.SCTP ? '--sctp-service' : '--xxx-service';
      return `${stype} ${vname}`;
    }
    const stype = se.protocol === Proto.TCP ? 'TCP' : se.protocol === Proto.UDP ? 'UDP' : se.protocol === Proto.SCTP ? 'SCTP' : '?';
    return `${pad(stype, 4)} ${vname}`.slice(0, 33);
  }

  /** print_service_entry() */
  private printServiceEntry(se: Service, format: number): void {
    const o = (s: string) => this.io.out(s);
    const svcName = this.svcName(se, format);
    const st = se.stats;
    let line: string;
    if (format & FMT.RULE) {
      line = `-A ${svcName} -s ${se.schedName}`;
      if (se.flags & SvcF.PERSISTENT) {
        line += ` -p ${se.timeout}`;
        if (se.netmask !== 0xffffffff) line += ` -M ${fmtIpv4(se.netmask)}`;
      }
      if (se.pe) line += ` --pe ${se.pe}`;
      if (se.flags & SvcF.ONEPACKET) line += ' -o';
      if (se.flags & (SvcF.SCHED1 | SvcF.SCHED2 | SvcF.SCHED3)) line += ` -b ${this.schedFlagsText(se)}`;
    } else if (format & FMT.STATS) {
      const k = st.shown();
      line = pad(svcName, 33) + [k.conns, k.inpkts, k.outpkts, k.inbytes, k.outbytes].map((n) => largenum(n, format)).join('');
    } else if (format & FMT.RATE) {
      const r = st.rates();
      line = pad(svcName, 33) + [r.cps, r.inpps, r.outpps, r.inbps, r.outbps].map((n) => largenum(n, format)).join('');
    } else {
      line = `${svcName} ${se.schedName}`;
      if (se.flags & (SvcF.SCHED1 | SvcF.SCHED2 | SvcF.SCHED3)) line += ` (${this.schedFlagsText(se)})`;
      if (se.flags & SvcF.PERSISTENT) {
        line += ` persistent ${se.timeout}`;
        if (se.netmask !== 0xffffffff) line += ` mask ${fmtIpv4(se.netmask)}`;
        if (se.pe) line += ` pe ${se.pe}`;
      }
      if (se.flags & SvcF.ONEPACKET) line += ' ops';
    }
    o(line + '\n');

    let dests = [...se.dests];
    if (!(format & FMT.NOSORT)) dests = msort(dests, (a, b) => int32(a.addr - b.addr) || a.port - b.port);
    for (const e of dests) {
      let dname = this.addrport(e.addr, e.port, se.protocol, format);
      if (!(format & FMT.RULE)) dname = dname.slice(0, 28);
      const fwdName = FWD_NAMES[e.fwd] ?? '(null)';
      if (format & FMT.RULE) {
        o(this.ruleDest(svcName, dname, e.fwd, e.weight, e.tunType, e.tunPort, e.tunFlags));
      } else if (format & FMT.STATS) {
        const k = e.stats.shown();
        o(`  -> ${pad(dname, 28)}${[k.conns, k.inpkts, k.outpkts, k.inbytes, k.outbytes].map((n) => largenum(n, format)).join('')}\n`);
      } else if (format & FMT.RATE) {
        const r = e.stats.rates();
        o(`  -> ${pad(dname, 28)} ${lpad(r.cps, 8)} ${lpad(r.inpps, 8)} ${lpad(r.outpps, 8)}${largenum(r.inbps, format)}${largenum(r.outbps, format)}\n`);
      } else if (format & FMT.THRESHOLDS) {
        o(`  -> ${pad(dname, 28)} ${pad(e.uThreshold, 10)} ${pad(e.lThreshold, 10)} ${pad(e.activeConns, 10)} ${pad(e.inactConns, 10)}\n`);
      } else if (format & FMT.PERSISTENTCONN) {
        o(`  -> ${pad(dname, 28)} ${pad(e.weight, 9)} ${pad(e.persistConns, 11)} ${pad(e.activeConns, 10)} ${pad(e.inactConns, 10)}\n`);
      } else if (format & FMT.TUN_INFO) {
        o(`  -> ${pad(dname, 28)} ${pad(fwdName, 7)} ${pad(this.tunInfo(e.fwd, e.tunType, e.tunPort, e.tunFlags) ?? 'n/a', 13)} ${pad(e.weight, 6)} ${pad(e.activeConns, 10)} ${pad(e.inactConns, 10)}\n`);
      } else {
        o(`  -> ${pad(dname, 28)} ${pad(fwdName, 7)} ${pad(e.weight, 6)} ${pad(e.activeConns, 10)} ${pad(e.inactConns, 10)}\n`);
      }
    }
    if (format & FMT.RULE) {
      for (const l of se.laddrs) o(`-P ${svcName} -z ${fmtIpv4(l.addr)}${l.ifname ? ` -F ${l.ifname}` : ''}\n`);
    }
  }

  /** fwd_switch() plus print_tunnel_rule() */
  private ruleDest(svcName: string, dname: string, fwd: number, weight: number, tunType: number, tunPort: number, tunFlags: number): string {
    const sw = fwd === Fwd.MASQ ? '-m' : fwd === Fwd.TUNNEL ? '-i' : fwd === Fwd.FULLNAT ? '-b' : '-g';
    const base = `-a ${svcName} -r ${dname} ${sw} -w ${weight}`;
    if (fwd !== Fwd.TUNNEL) return base + '\n';
    switch (tunType) {
      case TunType.GRE: return `${base} --tun-type gre ${TUN_FLAG_OPTS[tunFlags] ?? ''}\n`;
      case TunType.GUE: return `${base} --tun-type gue --tun-port ${tunPort} ${TUN_FLAG_OPTS[tunFlags] ?? ''}\n`;
      case TunType.IPIP: return `${base} --tun-type ipip\n`;
      default: return base + '\n';
    }
  }

  /** fwd_tun_info() */
  private tunInfo(fwd: number, tunType: number, tunPort: number, tunFlags: number): string | null {
    if (fwd !== Fwd.TUNNEL) return null;
    switch (tunType) {
      case TunType.IPIP: return 'ipip';
      case TunType.GUE: return `gue:${tunPort}:${TUN_FLAG_NAMES[tunFlags]}`.slice(0, 15);
      case TunType.GRE: return `gre:${TUN_FLAG_NAMES[tunFlags]}`.slice(0, 15);
      default: return null;
    }
  }

  private listAll(format: number): void {
    this.ipvs.catchUp();
    if (!(format & FMT.RULE)) this.io.out(`IP Virtual Server version ${IPVS_VERSION} (size=${IPVS_TAB_SIZE})\n`);
    let svcs = this.ipvs.services();
    if (!(format & FMT.NOSORT)) svcs = msort(svcs, cmpServices);
    this.printTitle(format);
    for (const s of svcs) this.printServiceEntry(s, format);
  }

  private findSvc(s: SvcU): Service | undefined {
    if (s.af === AF_INET6) return undefined;
    return this.ipvs.getService({ fwmark: s.fwmark, protocol: s.protocol, addr: s.addr, port: s.port });
  }

  private listService(s: SvcU, format: number): void {
    this.ipvs.catchUp();
    const se = this.findSvc(s);
    if (!se) { this.io.err('No such service\n'); throw new Exit(1); }
    this.printTitle(format);
    this.printServiceEntry(se, format);
  }

  private listTimeout(): void {
    const t = this.ipvs.getTimeout();
    this.io.out(`Timeout (tcp tcpfin udp): ${t.tcp} ${t.tcpfin} ${t.udp}\n`);
  }

  private listDaemon(): void {
    for (const [type, d] of [['master', this.ipvs.daemons.master], ['backup', this.ipvs.daemons.backup]] as const) {
      if (!d) continue;
      let s = `${type} sync daemon (mcast=${d.mcastIfn}, syncid=${d.syncid}`;
      if (d.syncMaxlen) s += `, maxlen=${d.syncMaxlen}`;
      if (d.mcastGroup) s += `, group=${fmtIpv4(d.mcastGroup)}`;
      if (d.mcastPort) s += `, port=${d.mcastPort}`;
      if (d.mcastTtl) s += `, ttl=${d.mcastTtl}`;
      this.io.out(s + ')\n');
    }
  }

  /** list_conn(): what /proc/net/ip_vs_conn holds, names resolved unless -n. */
  private listConn(format: number): void {
    const o = (s: string) => this.io.out(s);
    o('IPVS connection entries\n');
    if (format & FMT.PERSISTENTCONN) o(`pro expire ${pad('state', 11)} ${pad('source', 18)} ${pad('virtual', 18)} ${pad('destination', 18)} ${pad('pe name', 16)} pe_data\n`);
    else o(`pro expire ${pad('state', 11)} ${pad('source', 18)} ${pad('virtual', 18)} destination\n`);
    const now = this.host.now;
    for (const c of this.ipvs.connList()) {
      const proto = c.proto === Proto.TCP ? 'TCP' : c.proto === Proto.UDP ? 'UDP' : c.proto === Proto.SCTP ? 'SCTP' : c.proto === 0 ? 'IP' : `IP_${c.proto}`;
      const pnum = c.proto === Proto.TCP || c.proto === Proto.UDP || c.proto === Proto.SCTP ? c.proto : 0;
      const exp = connExpiresSec(c, now);
      const expire = `${String(Math.floor(exp / 60)).padStart(2, '0')}:${String(exp % 60).padStart(2, '0')}`;
      const cname = this.addrport(c.caddr, c.cport, pnum, format);
      const vname = this.addrport(c.vaddr, c.vport, pnum, format);
      const dname = this.addrport(c.daddr, c.dport, pnum, format);
      o(`${pad(proto, 3)} ${pad(expire, 6)} ${pad(c.stateName, 11)} ${pad(cname, 18)} ${pad(vname, 18)} ${dname}\n`);
    }
  }

  /** DPVS's list_laddrs/list_all_laddrs for -G. */
  private listLaddrs(s: SvcU | null): number {
    const o = (x: string) => this.io.out(x);
    const title = () => o(`${pad('VIP:VPORT', 20)} ${pad('TOTAL', 8)} ${pad('SNAT_IP', 20)} ${pad('CONFLICTS', 10)} ${pad('CONNS', 10)}\n`);
    const show = (se: Service, withTitle: boolean) => {
      if (withTitle) title();
      o(`${pad(this.addrport(se.addr, se.port, se.protocol, FMT.NUMERIC), 20)} ${pad(se.laddrs.length, 8)} \n`);
      for (const l of se.laddrs) o(`${pad('', 20)} ${pad('', 8)} ${pad(fmtIpv4(l.addr), 20)} ${pad(l.conflicts, 10)} ${pad(l.conns, 10)}\n`);
    };
    if (s) {
      const se = this.findSvc(s);
      if (!se) { this.io.err(ipvsStrerror('get_laddrs', 'ESRCH') + '\n'); return -1; }
      show(se, true);
      return 0;
    }
    msort(this.ipvs.services(), cmpServices).forEach((se, i) => show(se, i === 0));
    return 0;
  }

  private usage(program: string): void {
    const p = program;
    this.io.out(`${IPVSADM_VERSION_LINE}
Usage:
  ${p} -A|E virtual-service [-s scheduler] [-p [timeout]] [-M netmask] [--pe persistence_engine] [-b sched-flags]
  ${p} -D virtual-service
  ${p} -C
  ${p} -R
  ${p} -S [-n]
  ${p} -a|e virtual-service -r server-address [options]
  ${p} -d virtual-service -r server-address
  ${p} -L|l [virtual-service] [options]
  ${p} -Z [virtual-service]
  ${p} --set tcp tcpfin udp
  ${p} --start-daemon {master|backup} [daemon-options]
  ${p} --stop-daemon {master|backup}
  ${p} -h

Commands:
Either long or short options are allowed.
  --add-service     -A        add virtual service with options
  --edit-service    -E        edit virtual service with options
  --delete-service  -D        delete virtual service
  --clear           -C        clear the whole table
  --restore         -R        restore rules from stdin
  --save            -S        save rules to stdout
  --add-server      -a        add real server with options
  --edit-server     -e        edit real server with options
  --delete-server   -d        delete real server
  --list            -L|-l     list the table
  --zero            -Z        zero counters in a service or all services
  --set tcp tcpfin udp        set connection timeout values
  --start-daemon              start connection sync daemon
  --stop-daemon               stop connection sync daemon
  --add-laddr       -P        add FULLNAT local address (not in stock kernels)
  --del-laddr       -Q        delete FULLNAT local address (not in stock kernels)
  --get-laddr       -G        list FULLNAT local addresses (not in stock kernels)
  --help            -h        display this help message

virtual-service:
  --tcp-service|-t  service-address   service-address is host[:port]
  --udp-service|-u  service-address   service-address is host[:port]
  --sctp-service    service-address   service-address is host[:port]
  --fwmark-service|-f fwmark          fwmark is an integer greater than zero

Options:
  --ipv6         -6                   fwmark entry uses IPv6
  --scheduler    -s scheduler         one of ${SCHEDULERS},
                                      the default scheduler is ${DEF_SCHED}.
  --pe            engine              alternate persistence engine may be ${PE_LIST},
                                      not set by default.
  --persistent   -p [timeout]         persistent service
  --netmask      -M netmask           persistent granularity mask
  --real-server  -r server-address    server-address is host (and port)
  --gatewaying   -g                   gatewaying (direct routing) (default)
  --ipip         -i                   ipip encapsulation (tunneling)
  --masquerading -m                   masquerading (NAT)
  --fullnat      -b (with -a|-e)      full NAT: FULLNAT (not in stock kernels)
  --tun-type      type                one of ipip|gue|gre,
                                      the default tunnel type is ipip.
  --tun-port      port                tunnel destination port
  --tun-nocsum                        tunnel encapsulation without checksum
  --tun-csum                          tunnel encapsulation with checksum
  --tun-remcsum                       tunnel encapsulation with remote checksum
  --weight       -w weight            capacity of real server
  --u-threshold  -x uthreshold        upper threshold of connections
  --l-threshold  -y lthreshold        lower threshold of connections
  --connection   -c                   output of current IPVS connections
  --timeout                           output of timeout (tcp tcpfin udp)
  --daemon                            output of daemon information
  --stats                             output of statistics information
  --rate                              output of rate information
  --exact                             expand numbers (display exact values)
  --thresholds                        output of thresholds information
  --persistent-conn                   output of persistent connection info
  --tun-info                          output of tunnel information
  --nosort                            disable sorting output of service/server entries
  --sort                              does nothing, for backwards compatibility
  --ops          -o                   one-packet scheduling
  --numeric      -n                   numeric output of addresses and ports
  --sched-flags  -b flags             scheduler flags (comma-separated)
  --laddr        -z local-address     FULLNAT local address (not in stock kernels)
  --ifname       -F interface         FULLNAT local address interface
Daemon Options:
  --syncid sid                        syncid for connection sync (default=255)
  --sync-maxlen length                Max sync message length (default=1472)
  --mcast-interface interface         multicast interface for connection sync
  --mcast-group address               IPv4/IPv6 group (default=224.0.0.81)
  --mcast-port port                   UDP port (default=8848)
  --mcast-ttl ttl                     Multicast TTL (default=1)
`);
  }
}

/** Run `ipvsadm ARGS...` (argv[0] included) on a host. Returns the exit status. */
export function ipvsadmMain(host: Host, argv: readonly string[], io: IpvsadmIo): number {
  return new Program(host, io).run(argv);
}

/** ipvsadm-save [-n]: `ipvsadm -S [-n]`, or the script's help (exit 1) for any other dash option. */
export function ipvsadmSave(host: Host, argv: readonly string[], io: IpvsadmIo): number {
  let numeric = false;
  for (const a of argv.slice(1)) {
    if (a === '-n') numeric = true;
    else if (a.startsWith('-')) {
      const base = argv[0].replace(/^.*\//, '');
      io.err(`${base}: Script to save the IPVS table to stdout.\n   With the -n option, prints out the table in numeric format.\n`);
      return 1;
    }
  }
  return ipvsadmMain(host, numeric ? ['ipvsadm', '-S', '-n'] : ['ipvsadm', '-S'], io);
}

/** ipvsadm-restore: `INPUT=$(grep -v '^#'); ipvsadm -C; echo "$INPUT" | ipvsadm -R`. */
export function ipvsadmRestore(host: Host, _argv: readonly string[], io: IpvsadmIo): number {
  const input = io.stdin().split('\n').filter((l, i, a) => !l.startsWith('#') && !(i === a.length - 1 && l === '')).join('\n');
  ipvsadmMain(host, ['ipvsadm', '-C'], { ...io, stdin: () => '' });
  return ipvsadmMain(host, ['ipvsadm', '-R'], { ...io, stdin: () => input + '\n' });
}



/** Does this command line read standard input (its command is -R/--restore)? */
export function ipvsadmReadsStdin(argv: readonly string[]): boolean {
  if (argv.length < 2) return false;
  const ev = new Popt(argv, POPT_OPTIONS).nextOpt();
  return ev.kind === 'opt' && ev.val === 'R';
}
