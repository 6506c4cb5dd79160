/**
 * /proc/net/ip_vs, /proc/net/ip_vs_conn, /proc/net/ip_vs_conn_sync and /proc/net/ip_vs_stats,
 * formatted as ip_vs_ctl.c and ip_vs_conn.c print them (hex addresses and ports, kernel list
 * order, the persistence timeout in jiffies with HZ=1000 as on RHEL 9 x86_64). They exist
 * while the ip_vs module is loaded.
 */
import { FWD_NAMES, IPVS_TAB_SIZE, IPVS_VERSION, SvcF, protoName } from './types.ts';
import type { Ipvs } from './ipvs.ts';
import type { Conn } from './conn.ts';

const HZ = 1000;
const hex = (n: number, w: number) => (n >>> 0).toString(16).toUpperCase().padStart(w, '0');
const hexL = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, ' ');

/** ip_vs_fwd_name() of the kernel (everything unknown is "Masq"). */
function kFwdName(f: number): string { return f === 0 ? 'Masq' : FWD_NAMES[f] ?? 'Masq'; }

export function procIpVs(ipvs: Ipvs): string {
  let s = `IP Virtual Server version ${IPVS_VERSION} (size=${IPVS_TAB_SIZE})\n`
    + 'Prot LocalAddress:Port Scheduler Flags\n'
    + '  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n';
  for (const svc of ipvs.services()) {
    const ops = svc.flags & SvcF.ONEPACKET ? 'ops ' : '';
    if (svc.fwmark) s += `FWM  ${hex(svc.fwmark, 8)} ${svc.schedName} ${ops}`;
    else s += `${protoName(svc.protocol)}  ${hex(svc.addr, 8)}:${hex(svc.port, 4)} ${svc.schedName} ${ops} `;
    s += svc.flags & SvcF.PERSISTENT ? `persistent ${svc.timeout * HZ} ${hex(svc.netmask, 8)}\n` : '\n';
    for (const d of svc.dests) {
      s += `  -> ${hex(d.addr, 8)}:${hex(d.port, 4)}      ${kFwdName(d.fwd).padEnd(7)} ${String(d.weight).padEnd(6)} ${String(d.activeConns).padEnd(10)} ${String(d.inactConns).padEnd(10)}\n`;
    }
  }
  return s;
}

/** Remaining seconds, as jiffies_delta_to_msecs(expires - jiffies) / 1000. */
export function connExpiresSec(c: Conn, now: number): number {
  const ms = Math.floor(Math.max(0, c.expires - now) / 1000);
  return Math.floor(ms / 1000);
}

export function procIpVsConn(ipvs: Ipvs): string {
  const now = ipvs.host.now;
  let s = 'Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Expires PEName PEData\n';
  for (const c of ipvs.connList()) {
    s += `${protoName(c.proto).padEnd(3)} ${hex(c.caddr, 8)} ${hex(c.cport, 4)} ${hex(c.vaddr, 8)} ${hex(c.vport, 4)} `
      + `${hex(c.daddr, 8)} ${hex(c.dport, 4)} ${c.stateName.padEnd(11)} ${String(connExpiresSec(c, now)).padStart(7)}\n`;
  }
  return s;
}

export function procIpVsConnSync(ipvs: Ipvs): string {
  const now = ipvs.host.now;
  let s = 'Pro FromIP   FPrt ToIP     TPrt DestIP   DPrt State       Origin Expires\n';
  for (const c of ipvs.connList()) {
    s += `${protoName(c.proto).padEnd(3)} ${hex(c.caddr, 8)} ${hex(c.cport, 4)} ${hex(c.vaddr, 8)} ${hex(c.vport, 4)} `
      + `${hex(c.daddr, 8)} ${hex(c.dport, 4)} ${c.stateName.padEnd(11)} ${(c.flags & 0x20 ? 'Sync' : 'Local').padEnd(6)} ${String(connExpiresSec(c, now)).padStart(7)}\n`;
  }
  return s;
}

export function procIpVsStats(ipvs: Ipvs): string {
  ipvs.catchUp();
  const k = ipvs.tot.shown();
  const r = ipvs.tot.rates();
  return '   Total Incoming Outgoing         Incoming         Outgoing\n'
    + '   Conns  Packets  Packets            Bytes            Bytes\n'
    + `${hexL(k.conns, 8)} ${hexL(k.inpkts, 8)} ${hexL(k.outpkts, 8)} ${hexL(k.inbytes, 16)} ${hexL(k.outbytes, 16)}\n\n`
    + ' Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n'
    + `${hexL(r.cps, 8)} ${hexL(r.inpps, 8)} ${hexL(r.outpps, 8)} ${hexL(r.inbps, 16)} ${hexL(r.outbps, 16)}\n`;
}

const FILES: [string, (x: Ipvs) => string][] = [
  ['ip_vs', procIpVs], ['ip_vs_conn', procIpVsConn], ['ip_vs_conn_sync', procIpVsConnSync], ['ip_vs_stats', procIpVsStats],
];

export function mountProc(ipvs: Ipvs): void {
  const fs = ipvs.host.fs;
  try {
    fs.mkdir('/proc/net', { parents: true });
    for (const [name, f] of FILES) fs.mount(`/proc/net/${name}`, fs.procNode({ read: () => f(ipvs) }));
  } catch { /* /proc/net is provided by someone else as a dynamic directory */ }
}

export function unmountProc(ipvs: Ipvs): void {
  const fs = ipvs.host.fs;
  for (const [name] of FILES) { try { fs.unlink(`/proc/net/${name}`); } catch { /* gone */ } }
}
