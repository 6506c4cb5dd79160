/**
 * The IPVS connection synchronisation daemon (net/netfilter/ipvs/ip_vs_sync.c), protocol
 * version 1: what `ipvsadm --start-daemon master|backup` and keepalived's `lvs_sync_daemon`
 * start in the kernel.
 *
 * Master: ip_vs_in() offers every scheduled packet to `connPacket` (ip_vs_sync_conn). A
 * connection is put into the current sync buffer when ip_vs_sync_conn_needed() says so —
 * with the default sysctls (sync_threshold "3 50", sync_refresh_period 0) that is its 3rd
 * packet and then every 50th, plus every state change of a TCP connection out of ESTABLISHED
 * (FIN_WAIT, CLOSE_WAIT, TIME_WAIT, CLOSE); a persistence template goes along every time a
 * connection it controls does. The buffer is a real UDP datagram: an 8-byte header
 * (reserved 0, syncid, size, count, version 1, spare) and one 36-byte `struct ip_vs_sync_v4`
 * per connection (type, protocol, ver_size, flags, state, cport, vport, dport, fwmark,
 * timeout in seconds, caddr, vaddr, daddr), sent from the mcast interface's address to
 * 224.0.0.81:8848 (or --mcast-group/--mcast-port) with TTL 1 (--mcast-ttl). The master thread
 * wakes every second (IPVS_SYNC_CHECK_PERIOD) and sends the buffer once it is 2 s old
 * (IPVS_SYNC_FLUSH_TIME); a full buffer (sync_maxlen, 1472 bytes = 40 connections on a
 * 1500-byte link) goes 20 ms later (IPVS_SYNC_SEND_DELAY).
 *
 * Backup: joins the group on the mcast interface and processes each message as
 * ip_vs_process_message(): wrong size or another syncid (when ours is not 0) is ignored; each
 * entry is inserted or updated as ip_vs_proc_conn() does — the destination is looked up in the
 * backup's own services (so `ipvsadm -Ln` on the backup counts the connection) and the
 * connection keeps the master's activity flag, state and timeout, flagged IP_VS_CONN_F_SYNC
 * (/proc/net/ip_vs_conn_sync shows "Sync"). When this director takes over the VIP, packets of
 * those connections find their entry and go to the same real server: established TCP
 * connections survive the failover. Without the daemon the new director sees a mid-stream
 * ACK for an unknown connection, IPVS lets it through (no SYN, sloppy_tcp=0) and the local
 * stack answers with a RST.
 *
 * Not modelled: protocol version 0 (sync_version=0 still sends version 1), sync_persist_mode,
 * SCTP states, IPv6, the sequence-number options of NAT connections with application helpers,
 * several sync ports (sync_ports) and the qlen limit.
 */
import { SEC, type Timer } from '../sim/events.ts';
import type { UdpSocket } from '../net/udp.ts';
import type { Skb } from '../netfilter/hooks.ts';
import { IpProto, type Ipv4Addr } from '../wire/types.ts';
import { bindDest, Conn } from './conn.ts';
import type { Dest } from './dest.ts';
import type { Ipvs } from './ipvs.ts';
import { ConnF, Proto, TCP_STATE_NAMES, TCP_TIMEOUTS, TcpS } from './types.ts';

export const SYNC_PROTO_VER = 1;
export const SYNC_HEADER_LEN = 8;
export const SYNC_CONN_V4_LEN = 36;
/** ip_vs_sync.c timings (HZ-based there). */
const CHECK_PERIOD = 1 * SEC;
const FLUSH_TIME = 2 * SEC;
const SEND_DELAY = 20_000;

/** IP_VS_CONN_F_BACKUP_MASK and IP_VS_CONN_F_BACKUP_UPD_MASK (no sequence options here). */
const BACKUP_MASK = ConnF.FWD_MASK | ConnF.NOOUTPUT | ConnF.INACTIVE | ConnF.NO_CPORT | ConnF.TEMPLATE;
const BACKUP_UPD_MASK = ConnF.INACTIVE;

/** One connection entry of a version-1 message. */
export interface SyncConnV4 {
  readonly protocol: number;
  readonly flags: number;
  readonly state: number;
  readonly cport: number;
  readonly vport: number;
  readonly dport: number;
  readonly fwmark: number;
  /** Seconds. */
  readonly timeout: number;
  readonly caddr: number;
  readonly vaddr: number;
  readonly daddr: number;
}

export interface SyncMessage {
  readonly syncid: number;
  readonly conns: readonly SyncConnV4[];
}

/** Bytes of a version-1 sync message. */
export function emitSyncMessage(m: SyncMessage): Uint8Array {
  const size = SYNC_HEADER_LEN + SYNC_CONN_V4_LEN * m.conns.length;
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  b[0] = 0;
  b[1] = m.syncid & 255;
  v.setUint16(2, size);
  b[4] = m.conns.length;
  b[5] = SYNC_PROTO_VER;
  v.setUint16(6, 0);
  let o = SYNC_HEADER_LEN;
  for (const c of m.conns) {
    b[o] = 0;                                  // type: IPv4, no options
    b[o + 1] = c.protocol;
    v.setUint16(o + 2, SYNC_CONN_V4_LEN & 0x1fff); // version 0 in the top bits, size
    v.setUint32(o + 4, c.flags >>> 0);
    v.setUint16(o + 8, c.state);
    v.setUint16(o + 10, c.cport);
    v.setUint16(o + 12, c.vport);
    v.setUint16(o + 14, c.dport);
    v.setUint32(o + 16, c.fwmark >>> 0);
    v.setUint32(o + 20, c.timeout >>> 0);
    v.setUint32(o + 24, c.caddr >>> 0);
    v.setUint32(o + 28, c.vaddr >>> 0);
    v.setUint32(o + 32, c.daddr >>> 0);
    o += SYNC_CONN_V4_LEN;
  }
  return b;
}

/** Parse a version-1 message; a string says why it is ignored (the kernel's IP_VS_DBG texts). */
export function parseSyncMessage(b: Uint8Array): SyncMessage | string {
  if (b.length < SYNC_HEADER_LEN) return 'BACKUP, message header too short';
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getUint16(2) !== b.length) return 'BACKUP, bogus message size';
  if (b[0] !== 0 || b[5] !== SYNC_PROTO_VER || v.getUint16(6) !== 0) return 'BACKUP, version 0 messages are not supported';
  const n = b[4];
  const conns: SyncConnV4[] = [];
  let o = SYNC_HEADER_LEN;
  for (let i = 0; i < n; i++) {
    if (o + 4 > b.length) return 'BACKUP, Dropping buffer, too small';
    const size = v.getUint16(o + 2) & 0x1fff;
    if (size < SYNC_CONN_V4_LEN || o + size > b.length) return 'BACKUP, Dropping buffer, msg > buffer';
    if (b[o] & 1) return 'BACKUP, IPv6 msg received, and IPVS is not compiled for IPv6';
    conns.push({
      protocol: b[o + 1], flags: v.getUint32(o + 4), state: v.getUint16(o + 8), cport: v.getUint16(o + 10),
      vport: v.getUint16(o + 12), dport: v.getUint16(o + 14), fwmark: v.getUint32(o + 16), timeout: v.getUint32(o + 20),
      caddr: v.getUint32(o + 24), vaddr: v.getUint32(o + 28), daddr: v.getUint32(o + 32),
    });
    o += (size + 3) & ~3;
  }
  return { syncid: b[1], conns };
}

/** Counters a UI can show (per director). */
export interface SyncStats {
  /** Master: datagrams and connection entries sent. */
  sentMsgs: number;
  sentConns: number;
  /** Backup: datagrams received, entries that created or updated a connection, ignored datagrams. */
  rcvMsgs: number;
  rcvConns: number;
  created: number;
  updated: number;
  ignored: number;
}

interface ConnSyncState { oldState: number }

interface MasterThread {
  readonly sock: UdpSocket;
  buf: SyncConnV4[];
  firstUse: number;
  readonly queue: SyncConnV4[][];
  tick: Timer | null;
  wake: Timer | null;
}

interface BackupThread {
  readonly off: () => void;
}

export class SyncDaemons {
  readonly stats: SyncStats = { sentMsgs: 0, sentConns: 0, rcvMsgs: 0, rcvConns: 0, created: 0, updated: 0, ignored: 0 };
  private master: MasterThread | null = null;
  private backup: BackupThread | null = null;
  private readonly per = new WeakMap<Conn, ConnSyncState>();

  constructor(private readonly ipvs: Ipvs) {}

  get masterRunning(): boolean { return this.master !== null; }
  get backupRunning(): boolean { return this.backup !== null; }

  // ---- lifecycle (called by Ipvs.startDaemon/stopDaemon) --------------------------------------

  /** start_sync_thread(): the daemon's configuration is already in ipvs.daemons[slot]. */
  started(slot: 'master' | 'backup'): void {
    const host = this.ipvs.host;
    const q = host.net.q;
    if (slot === 'master') {
      const cfg = this.ipvs.daemons.master!;
      // make_send_sock(): bound to the interface's address, an ephemeral port.
      const sock = host.udp.bind(0, 0, 'ipvs_master_sync', () => { /* sends only */ });
      if (typeof sock === 'string') return;
      const m: MasterThread = { sock, buf: [], firstUse: 0, queue: [], tick: null, wake: null };
      const loop = () => {
        m.tick = q.after(CHECK_PERIOD, loop);
        this.runMaster(cfg.syncid);
      };
      m.tick = q.after(CHECK_PERIOD, loop);
      this.master = m;
    } else {
      const cfg = this.ipvs.daemons.backup!;
      // make_receive_sock(): bound to the group's port, joined on the interface.
      const listener = (skb: Skb): boolean => {
        const ip = skb.ip;
        const u = ip.payload;
        if (u.kind !== 'udp' || ip.dst !== cfg.mcastGroup || u.dstPort !== cfg.mcastPort || skb.inDev !== cfg.mcastIfn) return false;
        this.receive(u.payload, cfg.syncid);
        return true;
      };
      let set = host.protoListeners.get(IpProto.UDP);
      if (!set) { set = new Set(); host.protoListeners.set(IpProto.UDP, set); }
      set.add(listener);
      this.backup = { off: () => { host.protoListeners.get(IpProto.UDP)?.delete(listener); } };
    }
  }

  /** stop_sync_thread(): queued buffers are dropped. */
  stopped(slot: 'master' | 'backup'): void {
    const q = this.ipvs.host.net.q;
    if (slot === 'master' && this.master) {
      q.cancel(this.master.tick);
      q.cancel(this.master.wake);
      this.ipvs.host.udp.close(this.master.sock);
      this.master = null;
    } else if (slot === 'backup' && this.backup) {
      this.backup.off();
      this.backup = null;
    }
  }

  shutdown(): void {
    this.stopped('master');
    this.stopped('backup');
  }

  // ---- master -----------------------------------------------------------------------------------

  private threshold(): [number, number] {
    const raw = this.ipvs.host.sysctl.get('net.ipv4.vs.sync_threshold') ?? '3\t50';
    const [a, b] = raw.trim().split(/\s+/).map(Number);
    return [Number.isFinite(a) ? a : 3, Number.isFinite(b) ? b : 50];
  }

  /** ip_vs_sync_conn_needed() for the default sync_refresh_period (0) and sync_persist_mode (0). */
  private needed(cp: Conn, pkts: number): boolean {
    let st = this.per.get(cp);
    if (!st) { st = { oldState: TcpS.NONE }; this.per.set(cp, st); }
    const [threshold, period] = this.threshold();
    let force = false;
    if (cp.template) {
      force = false;
    } else if (cp.proto === Proto.TCP) {
      const s = cp.state;
      if (s !== TcpS.ESTABLISHED && s !== TcpS.FIN_WAIT && s !== TcpS.CLOSE && s !== TcpS.CLOSE_WAIT && s !== TcpS.TIME_WAIT) return false;
      force = s !== st.oldState;
      if (force && s !== TcpS.ESTABLISHED) { st.oldState = s; return true; }
    }
    if (period > 0) {
      if (!cp.template && pkts % period !== threshold) return false;
    } else if (pkts !== threshold) {
      return false;
    }
    st.oldState = cp.state;
    return true;
  }

  /**
   * ip_vs_sync_conn(): called by ip_vs_in() for each packet while the master daemon runs,
   * with the connection's packet count after this packet.
   */
  connPacket(cp: Conn, pkts: number): void {
    const m = this.master;
    if (!m) return;
    let c: Conn | null = cp;
    let n = pkts;
    // ONE_PACKET connections are never synced themselves, only their template.
    let skip = (cp.flags & ConnF.ONE_PACKET) !== 0;
    while (c) {
      if (!skip && this.needed(c, n)) this.add(m, c);
      skip = false;
      const ctl: Conn | null = c.control;
      if (!ctl) return;
      if (ctl.template) { ctl.inPkts++; n = ctl.inPkts; } else n = this.threshold()[0];
      c = ctl;
    }
  }

  private add(m: MasterThread, cp: Conn): void {
    const cfg = this.ipvs.daemons.master;
    if (!cfg) return;
    const max = Math.max(1, Math.floor((cfg.syncMaxlen - SYNC_HEADER_LEN) / SYNC_CONN_V4_LEN));
    if (m.buf.length === 0) m.firstUse = this.ipvs.host.now;
    m.buf.push({
      protocol: cp.proto, flags: (cp.flags & ~ConnF.HASHED) >>> 0, state: cp.state, cport: cp.cport, vport: cp.vport,
      dport: cp.dport, fwmark: cp.fwmark, timeout: Math.floor(cp.timeout / SEC), caddr: cp.caddr, vaddr: cp.vaddr, daddr: cp.daddr,
    });
    if (m.buf.length >= max || m.buf.length >= 255) {
      m.queue.push(m.buf);
      m.buf = [];
      if (!m.wake) {
        m.wake = this.ipvs.host.net.q.after(SEND_DELAY, () => { m.wake = null; this.runMaster(cfg.syncid); });
      }
    }
  }

  /** One pass of sync_thread_master(): queued buffers, then the current one if it is old enough. */
  private runMaster(syncid: number): void {
    const m = this.master;
    const cfg = this.ipvs.daemons.master;
    if (!m || !cfg) return;
    const now = this.ipvs.host.now;
    while (m.queue.length) this.send(m, syncid, m.queue.shift()!);
    if (m.buf.length && now - m.firstUse >= FLUSH_TIME) {
      const b = m.buf;
      m.buf = [];
      this.send(m, syncid, b);
    }
  }

  private send(m: MasterThread, syncid: number, conns: SyncConnV4[]): void {
    const cfg = this.ipvs.daemons.master;
    if (!cfg) return;
    const bytes = emitSyncMessage({ syncid, conns });
    const err = this.ipvs.host.udp.send(m.sock, cfg.mcastGroup as Ipv4Addr, cfg.mcastPort, bytes, { ttl: cfg.mcastTtl, oif: cfg.mcastIfn });
    if (err === null) {
      this.stats.sentMsgs++;
      this.stats.sentConns += conns.length;
      this.ipvs.emit('sync');
    }
  }

  // ---- backup ------------------------------------------------------------------------------------

  /** ip_vs_process_message() */
  receive(bytes: Uint8Array, syncid: number): void {
    const msg = parseSyncMessage(bytes);
    this.stats.rcvMsgs++;
    if (typeof msg === 'string' || (syncid !== 0 && msg.syncid !== syncid)) { this.stats.ignored++; return; }
    for (const s of msg.conns) this.procConn(s);
    this.ipvs.emit('sync');
  }

  /** ip_vs_proc_sync_conn() + ip_vs_proc_conn() */
  private procConn(s: SyncConnV4): void {
    const ipvs = this.ipvs;
    let flags = (s.flags & BACKUP_MASK) | ConnF.SYNC;
    const template = (flags & ConnF.TEMPLATE) !== 0;
    if (!template) {
      if (s.protocol !== Proto.TCP && s.protocol !== Proto.UDP) return;
      if (s.protocol === Proto.TCP && s.state >= TCP_STATE_NAMES.length) return;
    } else if (s.state > 1) return;
    this.stats.rcvConns++;
    let cp: Conn | undefined;
    if (!template) {
      cp = ipvs.conns.inGet(s.protocol, s.caddr, s.cport, s.vaddr, s.vport);
      if (cp && (cp.dport !== s.dport || cp.daddr !== s.daddr)) {
        if (!(flags & ConnF.INACTIVE)) { ipvs.expireNow(cp); cp = undefined; } else return;
      }
    } else {
      cp = ipvs.conns.tplGet(s.protocol, s.caddr, s.vaddr, s.vport);
    }
    if (cp) {
      const d = cp.dest;
      if ((cp.flags ^ flags) & ConnF.INACTIVE && !template && d) {
        if (flags & ConnF.INACTIVE) { d.activeConns--; d.inactConns++; } else { d.activeConns++; d.inactConns--; }
      }
      flags &= BACKUP_UPD_MASK;
      flags |= cp.flags & ~BACKUP_UPD_MASK;
      cp.flags = flags;
      this.stats.updated++;
    } else {
      const dest = this.findDest(s);
      cp = new Conn(s.protocol, s.caddr, s.cport, s.vaddr, s.vport, s.daddr, s.dport, flags, s.fwmark, ipvs.host.now);
      if (dest) bindDest(cp, dest, true);
      ipvs.conns.hash(cp);
      this.stats.created++;
    }
    cp.inPkts = this.threshold()[0];
    cp.state = s.state;
    this.per.set(cp, { oldState: s.state });
    cp.timeout = s.timeout ? s.timeout * SEC
      : !template && s.protocol === Proto.TCP ? ipvs.tcpTimeouts[s.state] ?? TCP_TIMEOUTS[0] * SEC
        : !template && s.protocol === Proto.UDP ? ipvs.udpTimeout : 180 * SEC;
    ipvs.put(cp);
    ipvs.emit('conn');
  }

  /** ip_vs_find_dest(): the backup's own service and destination for this entry. */
  private findDest(s: SyncConnV4): Dest | undefined {
    const proto = s.flags & ConnF.TEMPLATE && s.protocol === Proto.IP ? Proto.TCP : s.protocol;
    const svc = this.ipvs.findService(s.fwmark, proto, s.vaddr, s.vport);
    if (!svc) return undefined;
    const fwd = s.flags & ConnF.FWD_MASK;
    return svc.dests.find((d) => d.addr === s.daddr && (d.port === s.dport || (!d.port && !s.dport) || (svc.fwmark !== 0 && fwd !== 0)));
  }
}

