/**
 * The scheduler bench's runner (the auxiliary worker drives it; tests call it directly).
 *
 * The running lab is never touched: for each scheduler the bench builds its own lab from the
 * page's preset and replays the student's journal into it (LabSession.replay: the same lab,
 * byte for byte, since the lab is deterministic), stops whatever command was still running,
 * then types the bench's own commands in the director's shell — `ipvsadm -E` for the
 * scheduler and persistence, `ipvsadm -e` for weights — and fires the load (src/labs/loadgen.ts)
 * at the chosen virtual service, at full speed: the chart's x axis is virtual time. A drained
 * server is set to weight 0 with `ipvsadm -e` at the chosen moment of the run. If the running
 * lab has no virtual service yet, the bench lab is the preset configured as its guide does
 * (modeSetup.ts) instead.
 *
 * Every scheduler gets the same load: the same lab, the same client addresses, the same
 * arrival times (the schedule is a function of the load spec and its seed).
 */
import { createLab } from '../core/lab/presets.ts';
import { Ipvs } from '../core/ipvs/ipvs.ts';
import { fmtIp } from '../core/wire/types.ts';
import { MS, SEC } from '../core/sim/events.ts';
import { LabSession } from '../shell/session.ts';
import type { InputEvent } from '../shell/sessionApi.ts';
import { LoadRun, summarize, type BenchServerInfo, type LoadSpec, type RunSummary, type Sample } from '../labs/loadgen.ts';
import { configureMode, quietSink, SMALL_CAPTURE } from '../labs/modeSetup.ts';
import { MODES, modeOfPreset, type ModeName } from '../labs/modeSpecs.ts';

export interface BenchSource {
  readonly preset: string;
  readonly journal: readonly InputEvent[];
}

export interface BenchServiceRef { readonly director: string; readonly vip: string; readonly port: number }

export interface BenchRequest {
  readonly source: BenchSource;
  /** The virtual service to load; null: the first TCP service found (or the guide's, see `fallback`). */
  readonly service: BenchServiceRef | null;
  readonly load: LoadSpec;
  readonly schedulers: readonly string[];
  /** Persistence: null = as configured, 0 = off, > 0 = `-p SECONDS`. */
  readonly persistence: number | null;
  /** Weights to set before the load (by real server host name), as `ipvsadm -e … -w W`. */
  readonly weights?: Readonly<Record<string, number>>;
  /** Set this real server's weight to 0 at `atS` seconds into the load. */
  readonly drain: { readonly server: string; readonly atS: number } | null;
}

/** 'stopped': the student stopped the bench before this run finished (set by the page). */
export type RunStatus = 'waiting' | 'running' | 'done' | 'error' | 'stopped';

export interface BenchRunState {
  readonly sched: string;
  status: RunStatus;
  /** Where the lab came from. */
  origin: 'journal' | ModeName | null;
  service: string;
  servers: BenchServerInfo[];
  samples: Sample[];
  summary: RunSummary | null;
  /** µs of virtual time done, and the run's planned length. */
  progress: number;
  planned: number;
  /** The commands the bench typed in the bench lab (besides the replayed journal). */
  script: string[];
  error?: string;
}

const FWD_FLAG: Record<number, string> = { 0: '-m', 2: '-i', 3: '-g', 5: '--fullnat' };

interface Built { session: LabSession; origin: 'journal' | ModeName; ref: BenchServiceRef }

function firstService(session: LabSession, want: BenchServiceRef | null): BenchServiceRef | null {
  for (const h of session.lab.hosts) {
    const x = Ipvs.of(h);
    if (!x) continue;
    for (const s of x.services()) {
      if (s.fwmark || s.protocol !== 6) continue;
      const ref = { director: (h.ext.labName as string | undefined) ?? h.hostname, vip: fmtIp(s.addr), port: s.port };
      if (!want || (want.director === ref.director && want.vip === ref.vip && want.port === ref.port)) return ref;
    }
  }
  return null;
}

/** A lab for one bench run: the student's lab replayed, or the preset configured by its guide. */
export function buildBenchLab(source: BenchSource, want: BenchServiceRef | null): Built {
  const session = new LabSession(createLab(source.preset, SMALL_CAPTURE), quietSink());
  if (source.journal.length) {
    session.replay(source.journal);
    // The replay stops at the last input: let the commands it started finish (up to 30 s of
    // virtual time), then stop what still runs (a `while true` loop would load the lab too).
    const busy = () => session.shellHosts().filter((h) => session.busy(h));
    for (let i = 0; i < 300 && busy().length; i++) session.settle(100 * MS);
    for (const h of busy()) session.interrupt(h);
    session.settle(100 * MS);
    const ref = firstService(session, want);
    if (ref) return { session, origin: 'journal', ref };
  }
  const mode = modeOfPreset(source.preset);
  if (!mode) throw new Error(`no virtual service to load: configure one with ipvsadm first (preset ${source.preset})`);
  const fresh = source.journal.length ? new LabSession(createLab(source.preset, SMALL_CAPTURE), quietSink()) : session;
  configureMode(fresh, mode);
  const spec = MODES[mode];
  return { session: fresh, origin: mode, ref: { director: 'lvs', vip: spec.vip, port: spec.port } };
}

/**
 * All the runs of one request, one scheduler after the other. `step(budgetMs)` does at most
 * about that much real work and returns true once every run is finished.
 */
export class BenchJob {
  readonly runs: BenchRunState[];
  private index = 0;
  private run: LoadRun | null = null;
  cancelled = false;

  /** With `keep`, the finished load runs (their labs and connection records) stay here, for tests. */
  readonly kept: LoadRun[] = [];

  constructor(readonly req: BenchRequest, private readonly opts: { keep?: boolean; now?: () => number } = {}) {
    const planned = req.load.durationS * SEC + req.load.lengthMs * MS;
    this.runs = req.schedulers.map((sched) => ({
      sched, status: 'waiting', origin: null, service: '', servers: [], samples: [], summary: null, progress: 0, planned, script: [],
    }));
  }

  /** The run being worked on (or the last one). */
  get current(): number { return Math.min(this.index, this.runs.length - 1); }
  get done(): boolean { return this.index >= this.runs.length || this.cancelled; }

  private prepare(st: BenchRunState): void {
    const { session, origin, ref } = buildBenchLab(this.req.source, this.req.service);
    st.origin = origin;
    st.service = `TCP ${ref.vip}:${ref.port} @ ${ref.director}`;
    const sh = (line: string) => {
      st.script.push(`[root@${ref.director} ~]# ${line}`);
      const code = session.runLine(ref.director, line);
      session.settle();
      if (code !== 0) throw new Error(`${line}: exit ${code}`);
    };
    const svcArg = `-t ${ref.vip}:${ref.port}`;
    const x = Ipvs.of(session.lab.host(ref.director)!)!;
    const svc = x.services().find((s) => fmtIp(s.addr) === ref.vip && s.port === ref.port && !s.fwmark)!;
    const p = this.req.persistence === null ? (svc.persistent ? svc.timeout : 0) : this.req.persistence;
    const mask = svc.persistent && p > 0 && svc.netmask !== 0xffffffff ? ` -M ${fmtIp(svc.netmask)}` : '';
    // Weights and the drain name real servers by host: map them to their destination.
    const destOf = (name: string) => {
      const h = session.lab.host(name);
      if (!h) return null;
      const addrs = new Set<number>();
      for (const d of h.devs.values()) for (const a of d.addrs) addrs.add(a.addr);
      return svc.dests.find((d) => addrs.has(d.addr)) ?? null;
    };
    for (const [name, w] of Object.entries(this.req.weights ?? {})) {
      const d = destOf(name);
      if (d && d.weight !== w) sh(`ipvsadm -e ${svcArg} -r ${fmtIp(d.addr)}:${d.port} ${FWD_FLAG[d.fwd] ?? '-g'} -w ${w}`);
    }
    // The scheduler last: -E starts its state afresh with the final weights (wrr's cycle
    // begins at the highest weight, as after `ipvsadm -E -s wrr`).
    sh(`ipvsadm -E ${svcArg} -s ${st.sched}${p > 0 ? ` -p ${p}${mask}` : ''}`);
    const run = new LoadRun(session.lab, ref, this.req.load);
    const actions = [];
    const drain = this.req.drain;
    if (drain) {
      const d = destOf(drain.server);
      if (d) {
        const line = `ipvsadm -e ${svcArg} -r ${fmtIp(d.addr)}:${d.port} ${FWD_FLAG[d.fwd] ?? '-g'} -w 0`;
        actions.push({ atUs: Math.round(drain.atS * SEC), run: () => { st.script.push(`[root@${ref.director} ~]# ${line}    # at ${drain.atS} s`); session.runLine(ref.director, line); } });
      }
    }
    run.start(actions);
    st.servers = run.servers.slice();
    st.samples = run.samples;
    st.status = 'running';
    this.run = run;
  }

  /** Work for about `budgetMs` of real time. True when everything is done. */
  step(budgetMs: number): boolean {
    const now = this.opts.now ?? (() => performance.now());
    const t0 = now();
    while (!this.done && now() - t0 < budgetMs) {
      const st = this.runs[this.index];
      try {
        if (!this.run) { this.prepare(st); continue; }
        const run = this.run;
        run.advance(Math.min(run.elapsed + 250 * MS, run.plannedEnd));
        st.progress = Math.min(run.elapsed, run.plannedEnd);
        if (run.elapsed >= run.plannedEnd) {
          run.runToEnd(30);
          this.finish(st);
        }
      } catch (e) {
        st.status = 'error';
        st.error = e instanceof Error ? e.message : String(e);
        this.run?.stop();
        this.run = null;
        this.index++;
      }
    }
    return this.done;
  }

  private finish(st: BenchRunState): void {
    const run = this.run!;
    st.samples = run.samples;
    st.summary = summarize(run);
    st.progress = st.planned;
    st.status = 'done';
    run.stop();
    if (this.opts.keep) this.kept.push(run);
    this.run = null;
    this.index++;
  }

  /** Run everything to the end (headless). */
  runAll(): BenchRunState[] {
    while (!this.step(1e9)) { /* step returns when done */ }
    return this.runs;
  }
}
