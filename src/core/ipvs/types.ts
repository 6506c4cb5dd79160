/**
 * IPVS constants shared by the kernel model and the ipvsadm program: the flag values of
 * include/uapi/linux/ip_vs.h and include/net/ip_vs.h (so /proc/net/ip_vs_conn and listings
 * can be derived from them exactly), protocol and state names, default timeouts.
 *
 * FULLNAT (forward method 5) is not in any stock kernel: it is Alibaba's LVS / iQIYI's DPVS
 * extension (IP_VS_CONN_F_FULLNAT = 0x0005 in their ip_vs.h), modelled because the lab has a
 * `fullnat` preset.
 */

/** Forwarding methods (IP_VS_CONN_F_FWD_MASK values). */
export const Fwd = { MASQ: 0, LOCALNODE: 1, TUNNEL: 2, DROUTE: 3, BYPASS: 4, FULLNAT: 5 } as const;
export type FwdMethod = (typeof Fwd)[keyof typeof Fwd];

/** ipvsadm's fwd_name(); FullNat as Alibaba's/DPVS's ipvsadm prints it. */
export const FWD_NAMES: Readonly<Record<number, string>> = { 0: 'Masq', 1: 'Local', 2: 'Tunnel', 3: 'Route', 5: 'FullNat' };

/** Connection flags (include/uapi/linux/ip_vs.h). */
export const ConnF = {
  FWD_MASK: 0x0007,
  SYNC: 0x0020,
  HASHED: 0x0040,
  NOOUTPUT: 0x0080,
  INACTIVE: 0x0100,
  NO_CPORT: 0x0800,
  TEMPLATE: 0x1000,
  ONE_PACKET: 0x2000,
} as const;

/** Service flags. */
export const SvcF = {
  PERSISTENT: 0x0001,
  HASHED: 0x0002,
  ONEPACKET: 0x0004,
  SCHED1: 0x0008,
  SCHED2: 0x0010,
  SCHED3: 0x0020,
} as const;
export const SCHED_FLAGS = SvcF.SCHED1 | SvcF.SCHED2 | SvcF.SCHED3;
/** The sh/mh names of the scheduler flags. */
export const SH_FALLBACK = SvcF.SCHED1, SH_PORT = SvcF.SCHED2, MH_FALLBACK = SvcF.SCHED1, MH_PORT = SvcF.SCHED2;

/** Destination flags. */
export const DestF = { AVAILABLE: 0x0001, OVERLOAD: 0x0002 } as const;

/** Tunnel types and encapsulation flags (IP_VS_CONN_F_TUNNEL_TYPE_*, IP_VS_TUNNEL_ENCAP_FLAG_*). */
export const TunType = { IPIP: 0, GUE: 1, GRE: 2 } as const;
export const TUN_NAMES = ['ipip', 'gue', 'gre'] as const;
export const TunFlag = { NOCSUM: 0, CSUM: 1, REMCSUM: 2 } as const;

export const Proto = { IP: 0, TCP: 6, UDP: 17, SCTP: 132 } as const;

/** ip_vs_proto_name() */
export function protoName(p: number): string {
  switch (p) {
    case 0: return 'IP';
    case 6: return 'TCP';
    case 17: return 'UDP';
    case 132: return 'SCTP';
    case 1: return 'ICMP';
    default: return `IP_${p}`;
  }
}

/** TCP states (IP_VS_TCP_S_*), in the kernel's order. */
export const TcpS = {
  NONE: 0, ESTABLISHED: 1, SYN_SENT: 2, SYN_RECV: 3, FIN_WAIT: 4, TIME_WAIT: 5, CLOSE: 6,
  CLOSE_WAIT: 7, LAST_ACK: 8, LISTEN: 9, SYNACK: 10,
} as const;
export const TCP_STATE_NAMES = ['NONE', 'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT', 'TIME_WAIT', 'CLOSE',
  'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'SYNACK'] as const;

/** Default TCP timeouts in seconds (tcp_timeouts[] of ip_vs_proto_tcp.c). */
export const TCP_TIMEOUTS = [2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120];
export const UDP_TIMEOUT = 300;

/**
 * tcp_state_active_table of 5.x kernels (RHEL 9): a connection counts in ActiveConn while in
 * ESTABLISHED, SYN_SENT, SYN_RECV or SYNACK.
 */
export const TCP_STATE_ACTIVE = [false, true, true, true, false, false, false, false, false, false, true];

/** Template states: NONE, or ASSURED once a controlled connection was established. */
export const CTPL_NONE = 0, CTPL_ASSURED = 1;

/** IPVS version code 1.2.1 and the connection table size of RHEL 9 (CONFIG_IP_VS_TAB_BITS=12). */
export const IPVS_VERSION = '1.2.1';
export const IPVS_TAB_SIZE = 4096;

/** Persistence timeout when -p has no value (IPVS_SVC_PERSISTENT_TIMEOUT). */
export const PERSISTENT_TIMEOUT = 360;

/** Errors the kernel side returns (errno names), mapped to text by the ipvsadm program. */
export type IpvsErrno = 'EEXIST' | 'ENOENT' | 'ESRCH' | 'EINVAL' | 'ERANGE' | 'ENODEV' | 'EAFNOSUPPORT'
  | 'ENOPROTOOPT' | 'EPERM' | 'ENOMEM' | 'EOPNOTSUPP';

export const ERRNO_TEXT: Readonly<Record<IpvsErrno, string>> = {
  EEXIST: 'File exists', ENOENT: 'No such file or directory', ESRCH: 'No such process', EINVAL: 'Invalid argument',
  ERANGE: 'Numerical result out of range', ENODEV: 'No such device', EAFNOSUPPORT: 'Address family not supported by protocol',
  ENOPROTOOPT: 'Protocol not available', EPERM: 'Operation not permitted', ENOMEM: 'Cannot allocate memory',
  EOPNOTSUPP: 'Operation not supported',
};

/** The schedulers a RHEL 9 kernel ships as modules (ip_vs_NAME.ko). */
export const KERNEL_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh'] as const;
