/**
 * A load generator for the scheduler bench: many clients opening real TCP connections to a
 * virtual service, and a small test server on each real server whose capacity and service
 * time are set by the bench. Everything runs in the lab's virtual time as real frames
 * through the director's IPVS, so the scheduler decides each connection with the counters
 * it really has at that instant.
 *
 * The model (what the charts mean):
 *  - Clients: `clients` source addresses added to the client host's NIC (distinct addresses
 *    are what sh, mh and persistence key on). New connections arrive at `rate` per second in
 *    total, evenly spaced or as a Poisson process, each from a client picked at random
 *    (seeded: the same spec always gives the same arrivals, see `arrivalSchedule`).
 *  - A connection: SYN to VIP:port, one request ("GET /bench"), then it stays open until
 *    both `lengthMs` have passed since it was opened and the answer has arrived; then the
 *    client closes it (FIN). A connection not answered within `timeoutMs` is aborted (RST).
 *  - A real server: `BenchServer` replaces httpd on the destination's port (the lab's httpd
 *    answers at once, whatever the load). It serves at most `capacity` requests at a time,
 *    each taking `serviceMs`; the others wait in a FIFO queue. It closes its side when the
 *    client does. So a slow or small server holds its connections longer — which is what
 *    lc/wlc see as active connections and rr/wrr do not look at.
 *  - IPVS counters as the kernel keeps them: a connection is active from its SYN until the
 *    client's FIN, then inactive (FIN_WAIT/TIME_WAIT) for two minutes.
 *
 * Left out: bandwidth (the lab's links have none), HTTP keep-alive reuse, client retries.
 */
import type { Lab } from '../core/lab/lab.ts';
import type { Host } from '../core/net/host.ts';
import type { TcpSocket, Listener } from '../core/net/tcp.ts';
import { Ipvs } from '../core/ipvs/ipvs.ts';
import type { Service } from '../core/ipvs/service.ts';
import { MS, SEC, type Timer } from '../core/sim/events.ts';
import { Rng } from '../core/sim/rng.ts';
import { fmtIp, parseIpv4, prefixMask, type Ipv4Addr } from '../core/wire/types.ts';

export interface ServerModel {
  /** Requests served at the same time (workers). */
  readonly capacity: number;
  /** Time one request takes (ms of virtual time). */
  readonly serviceMs: number;
}

export interface LoadSpec {
  /** Distinct client source addresses (1 … 200). */
  readonly clients: number;
  /** New connections per second, all clients together. */
  readonly rate: number;
  readonly arrivals: 'uniform' | 'poisson';
  /** How long a client keeps a connection open (at least until the answer arrives), ms. */
  readonly lengthMs: number;
  /** How long new connections keep arriving, s. */
  readonly durationS: number;
  /** Per real server (by host name, e.g. "RS1"); others get `defaultServer`. */
  readonly servers?: Readonly<Record<string, ServerModel>>;
  readonly defaultServer?: ServerModel;
  /** A connection not answered within this time is aborted (ms, default 30,000). */
  readonly timeoutMs?: number;
  /** Chart resolution (ms of virtual time, default: about 200 points over the run). */
  readonly sampleMs?: number;
  readonly seed?: string;
}

export const DEFAULT_SERVER: ServerModel = { capacity: 8, serviceMs: 50 };

export const DEFAULT_LOAD: LoadSpec = {
  clients: 20, rate: 40, arrivals: 'poisson', lengthMs: 500, durationS: 20, defaultServer: DEFAULT_SERVER,
};

export interface Arrival {
  /** µs after the load starts. */
  readonly t: number;
  /** Index of the client address. */
  readonly client: number;
}

/** When each connection is opened and by which client: a pure function of the spec. */
export function arrivalSchedule(spec: LoadSpec): Arrival[] {
  const rng = new Rng(`loadgen:${spec.seed ?? 'bench'}`);
  const pick = rng.fork('clients');
  const out: Arrival[] = [];
  const end = spec.durationS * SEC;
  const gap = SEC / Math.max(spec.rate, 1e-6);
  let t = spec.arrivals === 'uniform' ? 0 : Math.round(-Math.log(1 - rng.float()) * gap);
  while (t < end && out.length < 1_000_000) {
    out.push({ t, client: spec.clients <= 1 ? 0 : pick.int(0, spec.clients - 1) });
    t = spec.arrivals === 'uniform' ? Math.round((out.length * SEC) / spec.rate) : t + Math.max(1, Math.round(-Math.log(1 - rng.float()) * gap));
  }
  return out;
}

// ---- the test server -------------------------------------------------------------------------------

interface Job { sock: TcpSocket; queuedAt: number }

/** The bench's server on one real server: `capacity` workers, `serviceMs` per request, a FIFO queue. */
export class BenchServer {
  busy = 0;
  readonly queue: Job[] = [];
  accepted = 0;
  completed = 0;
  private readonly listener: Listener;
  private readonly timers = new Set<Timer>();

  constructor(readonly host: Host, readonly port: number, public model: ServerModel) {
    const l = host.tcp.listen(0, port, 'bench', (s) => this.accept(s), 4096);
    if (typeof l === 'string') throw new Error(`${host.hostname}: port ${port}: ${l}`);
    this.listener = l;
  }

  private accept(s: TcpSocket): void {
    this.accepted++;
    let buf = '';
    let asked = false;
    s.onData = () => {
      const b = s.read();
      if (asked) return;
      for (let i = 0; i < b.length; i++) buf += String.fromCharCode(b[i]);
      if (buf.includes('\r\n\r\n')) { asked = true; this.enqueue({ sock: s, queuedAt: this.host.now }); }
    };
    s.onEof = () => { s.close(); };
  }

  private enqueue(j: Job): void {
    if (this.busy < this.model.capacity) this.serve(j);
    else this.queue.push(j);
  }

  private serve(j: Job): void {
    this.busy++;
    const t = this.host.net.q.at(this.host.now + Math.max(1, Math.round(this.model.serviceMs * MS)), () => {
      this.timers.delete(t);
      this.busy--;
      this.completed++;
      const s = j.sock;
      if (s.isOpen && !s.rxEof) {
        const body = `${this.host.hostname}\n`;
        s.send(`HTTP/1.1 200 OK\r\nServer: lvs-lab-bench\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      }
      this.next();
    });
    this.timers.add(t);
  }

  private next(): void {
    while (this.busy < this.model.capacity && this.queue.length) {
      const j = this.queue.shift()!;
      if (j.sock.isOpen && !j.sock.rxEof) this.serve(j);
    }
  }

  stop(): void {
    this.host.tcp.unlisten(this.listener);
    for (const t of this.timers) this.host.net.q.cancel(t);
    this.timers.clear();
  }
}

// ---- the run -----------------------------------------------------------------------------------------

export interface BenchTarget {
  /** The director's host name. */
  readonly director: string;
  readonly vip: string;
  readonly port: number;
  /** The host the clients' addresses go on (default: the lab's client). */
  readonly client?: string;
}

export interface ConnRecord {
  readonly id: number;
  readonly client: number;
  /** µs after the load started. */
  readonly openAt: number;
  estAt: number;
  respAt: number;
  closeAt: number;
  /** Host name of the real server that answered ('' until it has). */
  server: string;
  failed: string | null;
}

export interface ServerSample {
  readonly active: number;
  readonly inact: number;
  readonly weight: number;
  /** Requests being served and waiting (the bench server's figures). */
  readonly busy: number;
  readonly queued: number;
  /** Connections the server accepted since the load started (cumulative). */
  readonly accepted: number;
}

export interface Sample {
  /** µs after the load started. */
  readonly t: number;
  readonly servers: readonly ServerSample[];
}

export interface BenchServerInfo {
  /** Host name ("RS1"), or the address when no lab host has it. */
  readonly name: string;
  /** The destination as ipvsadm lists it ("192.168.137.130:80"). */
  readonly dest: string;
  readonly model: ServerModel;
}

/** Something to do at a given moment of the run (the bench drains a server this way). */
export interface TimedAction { readonly atUs: number; readonly run: () => void }

function destLabel(addr: number, port: number): string { return `${fmtIp(addr)}:${port}`; }

/** Find the TCP service VIP:port on the director (null if it is not there). */
export function findService(lab: Lab, director: string, vip: string, port: number): Service | null {
  const h = lab.host(director);
  const x = h && Ipvs.of(h);
  if (!x) return null;
  const a = parseIpv4(vip);
  return x.services().find((s) => !s.fwmark && s.protocol === 6 && s.addr === a && s.port === port) ?? null;
}

/** The lab host that owns `addr` (a real server), if any. */
function hostWithAddr(lab: Lab, addr: number): Host | undefined {
  return lab.hosts.find((h) => h.powered && [...h.devs.values()].some((d) => d.kind !== 'loopback' && d.addrs.some((a) => a.addr === addr)));
}

/**
 * Give the client host `n` extra addresses on its NIC towards the VIP, in its own subnet,
 * avoiding every address the lab uses (from .150 up, then below). Returns them.
 */
export function addClientAddrs(lab: Lab, client: Host, vip: number, n: number): Ipv4Addr[] {
  const rr = client.routeOutput(vip as Ipv4Addr, 0);
  if (typeof rr === 'string') throw new Error(`${client.hostname}: no route to ${fmtIp(vip)}`);
  const dev = [...client.devs.values()].find((d) => d.kind !== 'loopback' && d.addrs.some((a) => a.addr === rr.src)) ?? [...client.devs.values()].find((d) => d.kind !== 'loopback' && d.addrs.length);
  const primary = dev?.addrs.find((a) => !a.secondary) ?? dev?.addrs[0];
  if (!dev || !primary) throw new Error(`${client.hostname}: no address to add clients next to`);
  const used = new Set<number>();
  for (const h of lab.hosts) for (const d of h.devs.values()) for (const a of d.addrs) used.add(a.addr);
  used.add(vip);
  const mask = prefixMask(primary.prefix);
  const net = (primary.addr & mask) >>> 0;
  const size = 2 ** (32 - primary.prefix);
  const order: number[] = [];
  for (let i = 150; i < size - 1; i++) order.push(i);
  for (let i = 20; i < Math.min(150, size - 1); i++) order.push(i);
  const out: Ipv4Addr[] = [rr.src as Ipv4Addr];
  for (const i of order) {
    if (out.length >= n) break;
    const a = (net + i) >>> 0;
    if (used.has(a)) continue;
    client.addAddr(dev.name, a as Ipv4Addr, primary.prefix, { brd: ((net | ~mask) >>> 0) as Ipv4Addr });
    out.push(a as Ipv4Addr);
  }
  return out;
}

/**
 * One load on one lab: start() puts the test servers in place and schedules the arrivals;
 * advance(t) runs the lab up to `t` µs after the start, taking samples on the way.
 */
export class LoadRun {
  readonly conns: ConnRecord[] = [];
  readonly samples: Sample[] = [];
  readonly servers: BenchServerInfo[] = [];
  readonly sampleUs: number;
  readonly arrivals: Arrival[];
  /** Virtual time the load started (lab µs). */
  t0 = 0;
  private clientAddrs: Ipv4Addr[] = [];
  private benchServers: (BenchServer | null)[] = [];
  private next = 0;
  private open = 0;
  private actions: TimedAction[] = [];
  private started = false;
  private readonly client: Host;
  private readonly vip: Ipv4Addr;
  private readonly request: string;
  private readonly sockets = new Set<TcpSocket>();

  constructor(readonly lab: Lab, readonly target: BenchTarget, readonly spec: LoadSpec) {
    const vip = parseIpv4(target.vip);
    if (vip === null) throw new Error(`bad VIP ${target.vip}`);
    this.vip = vip as Ipv4Addr;
    const client = lab.host(target.client ?? 'client') ?? lab.hosts.find((h) => h.role === 'client');
    if (!client) throw new Error('the lab has no client host');
    this.client = client;
    this.arrivals = arrivalSchedule(spec);
    const span = spec.durationS * SEC + spec.lengthMs * MS;
    this.sampleUs = Math.max(10 * MS, Math.round((spec.sampleMs ?? span / 1000 / 200) * MS / (10 * MS)) * 10 * MS);
    this.request = `GET /bench HTTP/1.1\r\nHost: ${target.vip}\r\nUser-Agent: lvs-lab-loadgen\r\n\r\n`;
  }

  /** Virtual µs since the load started. */
  get elapsed(): number { return this.lab.now - this.t0; }
  /** All arrivals are past and every connection is closed (or given up). */
  get finished(): boolean { return this.started && this.next >= this.arrivals.length && this.open === 0; }
  /** The run's planned end (µs after start): the last arrival plus a connection's length. */
  get plannedEnd(): number { return this.spec.durationS * SEC + this.spec.lengthMs * MS; }

  /** The service as the director has it now. */
  service(): Service | null { return findService(this.lab, this.target.director, this.target.vip, this.target.port); }

  /** Put the test servers on the real servers, add the client addresses, schedule the first arrival. */
  start(actions: readonly TimedAction[] = []): void {
    const svc = this.service();
    if (!svc) throw new Error(`${this.target.director} has no virtual service TCP ${this.target.vip}:${this.target.port}`);
    this.clientAddrs = addClientAddrs(this.lab, this.client, this.vip, Math.max(1, Math.min(200, this.spec.clients)));
    const ports = new Map<Host, BenchServer>();
    for (const d of svc.dests) {
      const h = hostWithAddr(this.lab, d.addr);
      const name = h ? ((h.ext.labName as string | undefined) ?? h.hostname) : fmtIp(d.addr);
      const model = this.spec.servers?.[name] ?? this.spec.defaultServer ?? DEFAULT_SERVER;
      this.servers.push({ name, dest: destLabel(d.addr, d.port), model });
      if (!h) { this.benchServers.push(null); continue; }
      let bs = ports.get(h);
      if (!bs) {
        // The lab's httpd answers at once: the test server takes its port on this host.
        if (h.tcp.allListeners().some((l) => l.port === (d.port || this.target.port))) h.sd.stop('httpd');
        for (const l of [...h.tcp.allListeners()]) if (l.port === (d.port || this.target.port)) h.tcp.unlisten(l);
        bs = new BenchServer(h, d.port || this.target.port, model);
        ports.set(h, bs);
      }
      this.benchServers.push(bs);
    }
    this.t0 = this.lab.now + MS;
    this.actions = [...actions].sort((a, b) => a.atUs - b.atUs);
    this.started = true;
    this.scheduleNext();
    this.sample();
  }

  private scheduleNext(): void {
    if (this.next >= this.arrivals.length) return;
    const a = this.arrivals[this.next];
    this.lab.q.at(this.t0 + a.t, () => { this.next++; this.openConn(a); this.scheduleNext(); });
  }

  private openConn(a: Arrival): void {
    const rec: ConnRecord = { id: this.conns.length, client: a.client, openAt: this.lab.now - this.t0, estAt: -1, respAt: -1, closeAt: -1, server: '', failed: null };
    this.conns.push(rec);
    const laddr = this.clientAddrs[a.client % this.clientAddrs.length];
    const s = this.client.tcp.connect(this.vip, this.target.port, 'loadgen', { laddr });
    if (typeof s === 'string') { rec.failed = s; rec.closeAt = rec.openAt; return; }
    this.open++;
    this.sockets.add(s);
    const q = this.lab.q;
    let lengthDone = false;
    let resp = '';
    const finish = (failed: string | null) => {
      if (rec.closeAt >= 0) return;
      rec.closeAt = this.lab.now - this.t0;
      if (failed) rec.failed = failed;
      q.cancel(lenTimer);
      q.cancel(toTimer);
      this.open--;
      this.sockets.delete(s);
    };
    const lenTimer = q.at(this.lab.now + Math.round(this.spec.lengthMs * MS), () => {
      lengthDone = true;
      if (rec.respAt >= 0) { s.close(); finish(null); }
    });
    const toTimer = q.at(this.lab.now + Math.round((this.spec.timeoutMs ?? 30_000) * MS), () => {
      if (rec.respAt < 0) { s.abort(); finish(rec.estAt < 0 ? 'connect timeout' : 'no answer'); }
    });
    s.onEstablished = () => { rec.estAt = this.lab.now - this.t0; s.send(this.request); };
    s.onData = () => {
      const b = s.read();
      if (rec.respAt >= 0) return;
      for (let i = 0; i < b.length; i++) resp += String.fromCharCode(b[i]);
      const e = resp.indexOf('\r\n\r\n');
      if (e < 0) return;
      rec.respAt = this.lab.now - this.t0;
      rec.server = resp.slice(e + 4).trim();
      if (lengthDone) { s.close(); finish(null); }
    };
    s.onEof = () => { if (rec.respAt < 0) { s.close(); finish('closed by the server'); } };
    s.onError = (e) => finish(e === 'ECONNREFUSED' ? 'refused' : e === 'ETIMEDOUT' ? 'connect timeout' : e === 'ECONNRESET' ? 'reset' : e);
  }

  private sample(): void {
    const svc = this.service();
    const servers: ServerSample[] = this.servers.map((info, i) => {
      const d = svc?.dests.find((x) => destLabel(x.addr, x.port) === info.dest);
      const bs = this.benchServers[i];
      return {
        active: d?.activeConns ?? 0, inact: d?.inactConns ?? 0, weight: d?.weight ?? 0,
        busy: bs?.busy ?? 0, queued: bs?.queue.length ?? 0, accepted: bs?.accepted ?? 0,
      };
    });
    this.samples.push({ t: Math.max(0, this.lab.now - this.t0), servers });
  }

  /**
   * Run the lab until `untilUs` after the start (or until the load is finished), sampling
   * every `sampleUs` and running the timed actions at their moment.
   */
  advance(untilUs: number): void {
    if (!this.started) throw new Error('start() first');
    for (let guard = 0; guard < 1_000_000; guard++) {
      const lastT = this.samples.length ? this.samples[this.samples.length - 1].t : 0;
      const nextSample = this.t0 + lastT + this.sampleUs;
      const nextAction = this.actions.length ? this.t0 + this.actions[0].atUs : Infinity;
      const stop = Math.min(this.t0 + untilUs, nextSample, nextAction);
      if (this.lab.now < stop) this.lab.runUntil(undefined, stop);
      if (this.lab.now >= nextAction) { const a = this.actions.shift()!; a.run(); continue; }
      if (this.lab.now >= nextSample) {
        this.sample();
        if (this.finished && this.elapsed >= this.plannedEnd) return;
        continue;
      }
      if (this.lab.now >= this.t0 + untilUs) return;
    }
  }

  /** Run the whole load to its end (headless use and tests). `maxExtraS`: how long to wait for stragglers. */
  runToEnd(maxExtraS = 60): void {
    this.advance(this.plannedEnd);
    const limit = this.plannedEnd + maxExtraS * SEC;
    while (!this.finished && this.elapsed < limit) this.advance(Math.min(limit, this.elapsed + SEC));
    if (this.samples[this.samples.length - 1].t < this.elapsed) this.sample();
  }

  /** Close whatever is still open and take the test servers away. */
  stop(): void {
    for (const s of this.sockets) s.abort();
    this.sockets.clear();
    for (const b of new Set(this.benchServers)) b?.stop();
  }
}

// ---- summaries --------------------------------------------------------------------------------------

export interface ServerSummary {
  readonly name: string;
  readonly dest: string;
  /** Connections this server answered. */
  readonly conns: number;
  readonly share: number;
  /** Response time (open → answer), ms. */
  readonly meanMs: number;
  readonly p95Ms: number;
  readonly maxActive: number;
  readonly maxQueued: number;
}

export interface RunSummary {
  readonly total: number;
  readonly answered: number;
  readonly failed: number;
  readonly servers: readonly ServerSummary[];
  /** Response time over all answered connections, ms. */
  readonly meanMs: number;
  readonly p95Ms: number;
  /** Largest share minus smallest share among servers with weight > 0 at the start. */
  readonly imbalance: number;
}

function quantile(sorted: readonly number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

export function summarize(run: { conns: readonly ConnRecord[]; samples: readonly Sample[]; servers: readonly BenchServerInfo[] }): RunSummary {
  const answered = run.conns.filter((c) => c.respAt >= 0);
  const all = answered.map((c) => (c.respAt - c.openAt) / MS).sort((a, b) => a - b);
  const servers = run.servers.map((s, i): ServerSummary => {
    const mine = answered.filter((c) => c.server === s.name);
    const rt = mine.map((c) => (c.respAt - c.openAt) / MS).sort((a, b) => a - b);
    let maxActive = 0, maxQueued = 0;
    for (const x of run.samples) { maxActive = Math.max(maxActive, x.servers[i]?.active ?? 0); maxQueued = Math.max(maxQueued, x.servers[i]?.queued ?? 0); }
    return {
      name: s.name, dest: s.dest, conns: mine.length, share: answered.length ? mine.length / answered.length : 0,
      meanMs: rt.length ? rt.reduce((a, b) => a + b, 0) / rt.length : 0, p95Ms: quantile(rt, 0.95), maxActive, maxQueued,
    };
  });
  const first = run.samples[0];
  const live = servers.filter((_, i) => (first?.servers[i]?.weight ?? 1) > 0).map((s) => s.share);
  return {
    total: run.conns.length, answered: answered.length, failed: run.conns.filter((c) => c.failed).length, servers,
    meanMs: all.length ? all.reduce((a, b) => a + b, 0) / all.length : 0, p95Ms: quantile(all, 0.95),
    imbalance: live.length ? Math.max(...live) - Math.min(...live) : 0,
  };
}
