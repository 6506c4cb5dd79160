/**
 * The page's end of the worker protocol: starts the lab worker, sends commands, turns
 * requests into promises, and routes what the worker says — terminal text to the terminal
 * registry, frames in flight to the animator, snapshots and counters to the store.
 */
import type { FromWorker, Hop, Query, QueryResult, ToWorker } from '../worker/protocol.ts';
import { rowCache } from './capture/rowCache.ts';
import type { EarlyWorker } from './early.ts';
import { useApp } from './store/index.ts';
import { setPort } from './store/port.ts';
import { terminals } from './terminal/registry.ts';
import { initMessage } from './initMsg.ts';
import { labsEvent, labsReady } from './labs/events.ts';

type Resolver = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class LabClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Resolver>();
  private nextId = 1;
  private readonly hopListeners = new Set<(h: readonly Hop[]) => void>();
  /** Start-up timings (page clock, ms) for the bench and diagnostics. */
  timing: { workerCreated: number; workerInit?: number; labBuilt?: number; readyReceived?: number } = { workerCreated: 0 };

  /** The preset the early script already asked the worker to build (see early.ts). */
  private earlyPreset: string | null;
  private early: MessageEvent<FromWorker>[] = [];

  constructor() {
    const e = (globalThis as { __lvsEarly?: EarlyWorker }).__lvsEarly;
    if (e) {
      this.worker = e.worker;
      this.timing.workerCreated = e.created;
      this.earlyPreset = e.preset;
      this.early = e.buffered as MessageEvent<FromWorker>[];
      delete (globalThis as { __lvsEarly?: EarlyWorker }).__lvsEarly;
    } else {
      this.worker = new Worker(new URL('../worker/lab.worker.ts', import.meta.url), { type: 'module', name: 'lab' });
      this.timing.workerCreated = performance.now();
      this.earlyPreset = null;
    }
    this.worker.onmessage = (ev: MessageEvent<FromWorker>) => this.receive(ev.data);
    this.worker.onerror = (e) => useApp.getState().pushError(`worker: ${e.message}`);
  }

  send(msg: ToWorker): void { this.worker.postMessage(msg); }

  ask<N extends Query['q']>(query: Extract<Query, { q: N }>): Promise<QueryResult[N]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ t: 'req', id, query } satisfies ToWorker);
    });
  }

  onHops(fn: (h: readonly Hop[]) => void): () => void {
    this.hopListeners.add(fn);
    return () => this.hopListeners.delete(fn);
  }

  start(preset: string): void {
    const st = useApp.getState();
    st.labStarted(preset);
    rowCache.reset(0);
    this.send({ t: 'mode', mode: st.mode });
    this.send({ t: 'view', point: st.point, filter: st.appliedFilter });
    if (this.earlyPreset !== preset) this.send(initMessage(preset, new URLSearchParams(location.search).get('lab') ?? preset));
    this.earlyPreset = null;
    // What the worker said before the app was up.
    const early = this.early;
    this.early = [];
    for (const ev of early) this.receive(ev.data);
  }

  private receive(m: FromWorker): void {
    const st = useApp.getState();
    switch (m.t) {
      case 'out': terminals.output(m.host, m.data); break;
      case 'prompt': terminals.prompt(m.host, m.prompt); break;
      case 'clear': terminals.clear(m.host); break;
      case 'edit': terminals.edit(m.host, m.path, m.content, m.mode, m.target); break;
      case 'replayed': terminals.restore(m.host, m.text, m.prompt); break;
      case 'ready':
        if (m.timing) {
          // The worker's clock, converted to this page's performance.now().
          const off = m.timing.origin - performance.timeOrigin;
          this.timing = { ...this.timing, workerInit: m.timing.init + off, labBuilt: m.timing.built + off, readyReceived: performance.now() };
        }
        st.labReady(m.preset, m.shells, m.topology, m.engine);
        terminals.setHosts(m.shells);
        labsReady(m);
        break;
      case 'topology':
        st.setTopology(m.topology, m.shells);
        if (m.shells) terminals.setHosts(m.shells);
        break;
      case 'ipvs': st.setIpvs(m.ipvs); break;
      case 'keepalived': st.setKeepalived(m.keepalived); break;
      case 'status': st.setStatus(m.status); break;
      case 'view':
        if (m.gen !== st.viewGen) rowCache.reset(m.gen);
        st.setView(m.count, m.gen);
        break;
      case 'hops': for (const l of this.hopListeners) l(m.hops); break;
      case 'error': st.pushError(m.message); break;
      case 'guide': case 'progress': case 'findings': case 'saved': labsEvent(m); break;
      case 'res': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.value); else p.reject(new Error(m.error));
        break;
      }
    }
  }
}

let client: LabClient | null = null;

/** The one client (created on first use, so the start page never starts a worker). */
export function labClient(): LabClient {
  if (!client) {
    client = new LabClient();
    setPort(client);
  }
  return client;
}
