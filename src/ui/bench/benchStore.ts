/**
 * The scheduler bench's page state: the form (load, servers, scenario, schedulers) and the
 * runs the auxiliary worker reports. A store of its own (zustand, like the app's) because it
 * must outlive the tab's component — a bench keeps running while the student looks at the
 * packets — and nothing else in the page reads it.
 */
import { create } from 'zustand';
import type { LoadSpec, ServerModel } from '../../labs/loadgen.ts';
import type { BenchRequest, BenchRunState, BenchServiceRef } from '../../worker/benchRunner.ts';
import { auxClient } from '../aux/auxClient.ts';
import { labClient } from '../labClient.ts';
import { useApp } from '../store/index.ts';

export const ALL_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'sh', 'dh', 'mh', 'lblc', 'lblcr', 'fo', 'ovf'] as const;
export const DEFAULT_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'sed', 'nq', 'sh', 'mh'];

export interface ServerForm extends ServerModel {
  /** Weight to set before the load; null: leave it as configured. */
  readonly weight: number | null;
}

export interface BenchForm {
  readonly clients: number;
  readonly rate: number;
  readonly arrivals: LoadSpec['arrivals'];
  readonly lengthMs: number;
  readonly durationS: number;
  /** Per real server host name. */
  readonly servers: Readonly<Record<string, ServerForm>>;
  readonly persistence: 'configured' | 'off' | 'on';
  readonly persistSec: number;
  /** Real server to drain ('' = none) and when. */
  readonly drain: string;
  readonly drainAtS: number;
  readonly schedulers: readonly string[];
  /** "lvs|192.168.1.100|80", or null for the first one. */
  readonly service: string | null;
}

/** The first real server (by name) is slow by default: rr and lc then differ visibly. */
export function defaultServer(index: number): ServerForm {
  return index === 0 ? { capacity: 2, serviceMs: 100, weight: null } : { capacity: 8, serviceMs: 20, weight: null };
}

export const DEFAULT_FORM: BenchForm = {
  clients: 20, rate: 40, arrivals: 'poisson', lengthMs: 100, durationS: 20, servers: {},
  persistence: 'configured', persistSec: 300, drain: '', drainAtS: 10, schedulers: DEFAULT_SCHEDULERS, service: null,
};

/** Server names in the order people read them (RS1 before RS2 before RS10). */
export function sortNames(names: readonly string[]): string[] {
  return [...names].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

export function serviceKey(s: BenchServiceRef): string { return `${s.director}|${s.vip}|${s.port}`; }
export function parseServiceKey(k: string | null): BenchServiceRef | null {
  if (!k) return null;
  const [director, vip, port] = k.split('|');
  return { director, vip, port: Number(port) };
}

interface BenchState {
  form: BenchForm;
  runs: BenchRunState[];
  /** The run the big charts show. */
  focus: number;
  /** The student picked the run to show (otherwise the running one is followed). */
  focusPinned: boolean;
  running: boolean;
  error: string | null;
  /** The request the runs answer (to label the charts: drain time, servers). */
  req: BenchRequest | null;
  setForm(patch: Partial<BenchForm>): void;
  setServer(name: string, patch: Partial<ServerForm>, index: number): void;
  toggleScheduler(s: string): void;
  setFocus(i: number): void;
  start(servers: readonly string[]): Promise<void>;
  cancel(): void;
}

let current: { id: number; off: () => void } | null = null;

export function buildRequest(form: BenchForm, preset: string, journal: BenchRequest['source']['journal'], servers: readonly string[]): BenchRequest {
  const models: Record<string, ServerModel> = {};
  const weights: Record<string, number> = {};
  // Defaults go by name order, as the form lists the servers (the kernel's list is newest first).
  sortNames(servers).forEach((name, i) => {
    const s = form.servers[name] ?? defaultServer(i);
    models[name] = { capacity: Math.max(1, Math.round(s.capacity)), serviceMs: Math.max(0.1, s.serviceMs) };
    if (s.weight !== null && s.weight >= 0) weights[name] = Math.round(s.weight);
  });
  return {
    source: { preset, journal },
    service: parseServiceKey(form.service),
    load: {
      clients: form.clients, rate: form.rate, arrivals: form.arrivals, lengthMs: form.lengthMs, durationS: form.durationS,
      servers: models, defaultServer: defaultServer(1),
    },
    schedulers: ALL_SCHEDULERS.filter((s) => form.schedulers.includes(s)),
    persistence: form.persistence === 'configured' ? null : form.persistence === 'off' ? 0 : Math.max(1, form.persistSec),
    weights,
    drain: form.drain ? { server: form.drain, atS: form.drainAtS } : null,
  };
}

export const useBench = create<BenchState>()((set, get) => ({
  form: DEFAULT_FORM,
  runs: [],
  focus: 0,
  focusPinned: false,
  running: false,
  error: null,
  req: null,
  setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
  setServer: (name, patch, index) => set((s) => ({
    form: { ...s.form, servers: { ...s.form.servers, [name]: { ...(s.form.servers[name] ?? defaultServer(index)), ...patch } } },
  })),
  toggleScheduler: (x) => set((s) => {
    const has = s.form.schedulers.includes(x);
    return { form: { ...s.form, schedulers: has ? s.form.schedulers.filter((y) => y !== x) : [...s.form.schedulers, x] } };
  }),
  setFocus: (focus) => set({ focus, focusPinned: true }),
  start: async (servers) => {
    get().cancel();
    const preset = useApp.getState().preset;
    if (!preset) return;
    set({ running: true, error: null, runs: [], focus: 0, focusPinned: false });
    let journal: BenchRequest['source']['journal'] = [];
    try { journal = await labClient().ask({ q: 'journal' }); } catch { /* a fresh lab: empty journal */ }
    const req = buildRequest(get().form, preset, journal, servers);
    if (!req.schedulers.length) { set({ running: false }); return; }
    set({ req, runs: [] });
    current = auxClient().request((id) => ({ t: 'bench', id, req }), (m) => {
      if (m.t === 'bench') {
        set((s) => {
          const runs = s.runs.slice();
          runs[m.index] = m.run;
          // Follow the run being worked on until the student picks one.
          const focus = s.focusPinned ? s.focus : m.run.status === 'running' ? m.index : s.focus;
          return { runs, focus };
        });
      } else if (m.t === 'benchDone') {
        current?.off();
        current = null;
        set({ running: false });
      }
    });
  },
  cancel: () => {
    if (current) {
      auxClient().send({ t: 'cancel', id: current.id });
      current.off();
      current = null;
      // What was not finished stays on screen as far as it got.
      set((s) => ({ runs: s.runs.map((r) => (r && (r.status === 'running' || r.status === 'waiting') ? { ...r, status: 'stopped' } : r)) }));
    }
    set({ running: false });
  },
}));
