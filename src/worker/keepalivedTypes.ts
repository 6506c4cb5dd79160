/**
 * The shapes of the keepalived snapshot the lab worker sends the page (keepalivedSnapshot.ts
 * builds it). Types and a constant only: the page imports this without the simulation.
 */
export interface VrrpInfo {
  readonly name: string;
  readonly state: 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT';
  readonly priority: number;
  readonly basePriority: number;
  readonly vrid: number;
  readonly iface: string;
  /** "192.168.137.254/32" */
  readonly vips: readonly string[];
  /** The VIPs are on this host now. */
  readonly vipsSet: boolean;
  /** The master's address as this instance knows it (itself when MASTER). */
  readonly master: string | null;
}

export interface CheckInfo {
  /** "[192.168.137.254]:tcp:80" */
  readonly vs: string;
  /** The real server, "192.168.137.130:80". */
  readonly rs: string;
  readonly alive: boolean;
  readonly inIpvs: boolean;
  readonly weight: number;
  /** "TCP_CHECK", "HTTP_GET" … (the first checker; "" when the server has none). */
  readonly kind: string;
  /** "success", "connection refused" …, null before the first check. */
  readonly last: string | null;
  /** Virtual µs of the last result. */
  readonly lastAt: number | null;
}

export interface KeepalivedHostInfo {
  readonly vrrp: readonly VrrpInfo[];
  readonly checks: readonly CheckInfo[];
}

export interface KeepalivedSnapshot {
  /** Host name → what its keepalived reports (hosts without a running keepalived are absent). */
  readonly hosts: Readonly<Record<string, KeepalivedHostInfo>>;
}

export const NO_KEEPALIVED: KeepalivedSnapshot = { hosts: {} };
