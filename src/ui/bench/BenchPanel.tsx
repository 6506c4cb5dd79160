/**
 * The scheduler bench: a load (clients, rate, connection length, per-server capacity and
 * service time) fired at the lab's virtual service under several schedulers, each in its own
 * copy of the lab (src/worker/benchRunner.ts, in the auxiliary worker), at full speed. Live
 * charts over virtual time for the run in focus (requests per second, ActiveConn, InActConn and
 * the test server's queue, per real server) and a comparison card per scheduler.
 */
import { memo, useMemo } from 'react';
import type { IpvsServiceInfo } from '../../worker/protocol.ts';
import type { BenchRunState } from '../../worker/benchRunner.ts';
import type { Sample } from '../../labs/loadgen.ts';
import { MODES, modeOfPreset } from '../../labs/modeSpecs.ts';
import { Expandable } from '../aux/Expandable.tsx';
import { useT, type TFn } from '../i18n/useT.ts';
import { useApp } from '../store/index.ts';
import { Chart, type Series } from './Chart.tsx';
import { ALL_SCHEDULERS, defaultServer, serviceKey, sortNames, useBench, type BenchForm } from './benchStore.ts';
import './bench.css';

/** Server colours: distinct from the protocol colours' meaning, readable on both themes. */
export const SERVER_COLORS = ['#4c9dff', '#e8711e', '#2ea56b', '#d6589f', '#c9a227', '#a371f7', '#39b8c9', '#8b98a9'];

/** A server's colour, the same in the form, the cards and the charts: by its name's rank. */
function colorOf(name: string, names: readonly string[]): string {
  return SERVER_COLORS[Math.max(0, sortNames(names).indexOf(name)) % SERVER_COLORS.length];
}

/** Indexes of a run's servers in name order (the kernel lists the newest first; people read RS1 first). */
function byName<T extends { name: string }>(xs: readonly T[]): number[] {
  return xs.map((_, i) => i).sort((a, b) => xs[a].name.localeCompare(xs[b].name, undefined, { numeric: true }));
}

interface ServiceOption { key: string; director: string; vip: string; port: number; sched: string; flags: string; servers: { name: string; weight: number; fwd: string }[] }

function useServices(): { options: ServiceOption[]; fallback: ServiceOption | null } {
  const tables = useApp((s) => s.ipvs.tables);
  const topo = useApp((s) => s.topology);
  const preset = useApp((s) => s.preset);
  return useMemo(() => {
    const hostOf = new Map<string, string>();
    for (const h of topo?.hosts ?? []) for (const n of h.nics) for (const a of n.addrs) hostOf.set(a.split('/')[0], h.name);
    const options: ServiceOption[] = [];
    for (const [director, svcs] of Object.entries(tables)) {
      for (const s of svcs as readonly IpvsServiceInfo[]) {
        if (s.proto !== 'TCP') continue;
        const [vip, port] = s.addr.split(':');
        const ref = { director, vip, port: Number(port) };
        options.push({
          key: serviceKey(ref), ...ref, sched: s.sched, flags: s.flags,
          servers: s.dests.map((d) => ({ name: hostOf.get(d.addr.split(':')[0]) ?? d.addr, weight: d.weight, fwd: d.fwd })),
        });
      }
    }
    const mode = preset ? modeOfPreset(preset) : null;
    const fallback = mode ? {
      key: '', director: 'lvs', vip: MODES[mode].vip, port: MODES[mode].port, sched: 'rr', flags: '',
      servers: [{ name: 'RS1', weight: 1, fwd: MODES[mode].fwd }, { name: 'RS2', weight: 1, fwd: MODES[mode].fwd }],
    } : null;
    return { options, fallback };
  }, [tables, topo, preset]);
}

function num(v: string, lo: number, hi: number): number {
  const n = Number(v);
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : lo;
}

function Field({ label, children, hint, wide }: { label: string; children: React.ReactNode; hint?: string; wide?: boolean }) {
  return <label className={`bf${wide ? ' bf--wide' : ''}`} title={hint}><span className="bf__l">{label}</span>{children}</label>;
}

function LoadForm({ servers, disabled }: { servers: ServiceOption['servers']; disabled: boolean }) {
  const t = useT();
  const form = useBench((s) => s.form);
  const set = useBench((s) => s.setForm);
  const setServer = useBench((s) => s.setServer);
  const toggle = useBench((s) => s.toggleScheduler);
  const input = (k: keyof BenchForm, lo: number, hi: number, stepv = 1) => (
    <input type="number" className="bi" min={lo} max={hi} step={stepv} value={form[k] as number} disabled={disabled}
      onChange={(e) => set({ [k]: num(e.target.value, lo, hi) } as Partial<BenchForm>)} />
  );
  return (
    <div className="bench__form">
      <fieldset>
        <legend>{t('bench.load')}</legend>
        <div className="bench__grid">
          <Field label={t('bench.clients')} hint={t('bench.clientsHint')}>{input('clients', 1, 200)}</Field>
          <Field label={t('bench.rate')}>{input('rate', 1, 500)}</Field>
          <Field label={t('bench.length')} hint={t('bench.lengthHint')}>{input('lengthMs', 0, 60_000, 10)}</Field>
          <Field label={t('bench.duration')}>{input('durationS', 1, 120)}</Field>
          <Field label={t('bench.arrivals')} wide>
            <select className="bi" value={form.arrivals} disabled={disabled} onChange={(e) => set({ arrivals: e.target.value as BenchForm['arrivals'] })}>
              <option value="poisson">{t('bench.poisson')}</option>
              <option value="uniform">{t('bench.uniform')}</option>
            </select>
          </Field>
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('bench.servers')}</legend>
        <table className="bench__servers">
          <thead><tr><th /><th>{t('bench.weight')}</th><th title={t('bench.capacityHint')}>{t('bench.capacity')}</th><th>{t('bench.service')}</th></tr></thead>
          <tbody>
            {byName(servers).map((j) => {
              const sv = servers[j];
              const i = byName(servers).indexOf(j);
              const f = form.servers[sv.name] ?? defaultServer(i);
              return (
                <tr key={sv.name}>
                  <th><span className="swatch" style={{ background: colorOf(sv.name, servers.map((x) => x.name)) }} />{sv.name}</th>
                  <td><input type="number" className="bi bi--s" min={0} max={256} aria-label={`${sv.name} ${t('bench.weight')}`} disabled={disabled}
                    value={f.weight ?? sv.weight} onChange={(e) => setServer(sv.name, { weight: num(e.target.value, 0, 256) }, i)} /></td>
                  <td><input type="number" className="bi bi--s" min={1} max={1000} aria-label={`${sv.name} ${t('bench.capacity')}`} disabled={disabled}
                    value={f.capacity} onChange={(e) => setServer(sv.name, { capacity: num(e.target.value, 1, 1000) }, i)} /></td>
                  <td><input type="number" className="bi bi--s" min={0.1} max={10_000} step={5} aria-label={`${sv.name} ${t('bench.service')}`} disabled={disabled}
                    value={f.serviceMs} onChange={(e) => setServer(sv.name, { serviceMs: num(e.target.value, 0.1, 10_000) }, i)} /> ms</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </fieldset>
      <fieldset>
        <legend>{t('bench.scenario')}</legend>
        <div className="bench__grid">
          <Field label={t('bench.persistence')}>
            <select className="bi" value={form.persistence} disabled={disabled} onChange={(e) => set({ persistence: e.target.value as BenchForm['persistence'] })}>
              <option value="configured">{t('bench.asConfigured')}</option>
              <option value="off">{t('bench.off')}</option>
              <option value="on">-p</option>
            </select>
          </Field>
          {form.persistence === 'on' && <Field label={t('bench.timeout')}>{input('persistSec', 1, 86400)}</Field>}
          <Field label={t('bench.drain')} hint={t('bench.drainHint')}>
            <select className="bi" value={form.drain} disabled={disabled} onChange={(e) => set({ drain: e.target.value })}>
              <option value="">{t('bench.none')}</option>
              {servers.map((s) => <option key={s.name} value={s.name}>{s.name}</option>)}
            </select>
          </Field>
          {form.drain && <Field label={t('bench.drainAt')}>{input('drainAtS', 0, 120, 0.5)}</Field>}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('bench.schedulers')}</legend>
        <div className="bench__chips" role="group" aria-label={t('bench.schedulers')}>
          {ALL_SCHEDULERS.map((s) => (
            <button key={s} type="button" className={`chip${form.schedulers.includes(s) ? ' chip--on' : ''}`} aria-pressed={form.schedulers.includes(s)}
              disabled={disabled} onClick={() => toggle(s)}>{s}</button>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

// ---- charts -------------------------------------------------------------------------------------

/** Requests per second over a sliding one-second window, from the cumulative accept counts. */
function rateSeries(samples: readonly Sample[], i: number): [number, number][] {
  const out: [number, number][] = [];
  let j = 0;
  for (let k = 1; k < samples.length; k++) {
    const tk = samples[k].t;
    while (j < k - 1 && samples[j + 1].t <= tk - 1e6) j++;
    const dt = (tk - samples[j].t) / 1e6;
    if (dt <= 0) continue;
    out.push([tk / 1e6, ((samples[k].servers[i]?.accepted ?? 0) - (samples[j].servers[i]?.accepted ?? 0)) / dt]);
  }
  return out;
}

function seriesOf(run: BenchRunState, pick: (s: Sample, i: number) => number): Series[] {
  const names = run.servers.map((x) => x.name);
  return run.servers.map((sv, i) => ({
    name: sv.name, color: colorOf(sv.name, names),
    points: run.samples.map((s) => [s.t / 1e6, pick(s, i)] as [number, number]),
    dashed: (run.samples[0]?.servers[i]?.weight ?? 1) === 0,
  }));
}

const Charts = memo(function Charts({ run, drain }: { run: BenchRunState; drain: { label: string; at: number } | null }) {
  const t = useT();
  const xMax = run.planned / 1e6;
  const names = run.servers.map((x) => x.name);
  const rates = run.servers.map((sv, i) => ({ name: sv.name, color: colorOf(sv.name, names), points: rateSeries(run.samples, i) }));
  return (
    <div className="bench__charts" data-testid="bench-charts">
      <Chart title={t('bench.chart.requests')} unit={t('bench.perSecond')} series={rates} xMax={xMax} step={false} marker={drain} testId="chart-requests" />
      <Chart title="ActiveConn" series={seriesOf(run, (s, i) => s.servers[i]?.active ?? 0)} xMax={xMax} marker={drain} testId="chart-active" />
      <Chart title="InActConn" series={seriesOf(run, (s, i) => s.servers[i]?.inact ?? 0)} xMax={xMax} marker={drain} testId="chart-inactive" />
      <Chart title={t('bench.chart.queue')} series={seriesOf(run, (s, i) => (s.servers[i]?.queued ?? 0) + (s.servers[i]?.busy ?? 0))} xMax={xMax} marker={drain} testId="chart-queue" />
    </div>
  );
});

function fmtMs(v: number): string { return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2); }

const RunCard = memo(function RunCard({ run, index, focused, t }: { run: BenchRunState; index: number; focused: boolean; t: TFn }) {
  const setFocus = useBench((s) => s.setFocus);
  const sum = run.summary;
  const names = run.servers.map((x) => x.name);
  const pct = run.planned ? Math.min(100, (run.progress / run.planned) * 100) : 0;
  return (
    <div role="button" tabIndex={0} className={`runcard runcard--${run.status}${focused ? ' runcard--focus' : ''}`} onClick={() => setFocus(index)}
      onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); setFocus(index); } }}
      aria-pressed={focused} data-sched={run.sched}>
      <span className="runcard__head">
        <b>{run.sched}</b>
        <span className="runcard__status">{run.status === 'running' ? `${pct.toFixed(0)} %` : t(`bench.status.${run.status}`)}</span>
      </span>
      {run.status === 'error' && <span className="runcard__err">{run.error}</span>}
      {(sum || run.samples.length > 1) && (
        <Chart title={`${run.sched} ActiveConn`} mini height={44} series={seriesOf(run, (s, i) => s.servers[i]?.active ?? 0)} xMax={run.planned / 1e6} />
      )}
      {sum && (
        <>
          <span className="share" aria-label={t('bench.share')}>
            {byName(sum.servers).map((i) => { const s = sum.servers[i]; return s.share > 0 && (
              <span key={s.name} className="share__seg" style={{ width: `${s.share * 100}%`, background: colorOf(s.name, names) }} title={`${s.name} ${(s.share * 100).toFixed(1)} %`} />
            ); })}
          </span>
          <span className="runcard__nums">
            {byName(sum.servers).map((i) => { const s = sum.servers[i]; return (
              <span key={s.name} data-server={s.name}><i className="swatch" style={{ background: colorOf(s.name, names) }} />{s.name} <b data-testid={`conns-${run.sched}-${s.name}`}>{s.conns}</b></span>
            ); })}
          </span>
          <span className="runcard__nums muted">p95 {fmtMs(sum.p95Ms)} ms{sum.failed ? ` · ${t('bench.failed', { n: sum.failed })}` : ''}</span>
        </>
      )}
      {run.status === 'running' && <span className="runcard__bar"><span style={{ width: `${pct}%` }} /></span>}
    </div>
  );
});

function Focused({ run }: { run: BenchRunState }) {
  const t = useT();
  const req = useBench((s) => s.req);
  const drain = req?.drain ? { at: req.drain.atS, label: t('bench.drainMarker', { server: req.drain.server }) } : null;
  const sum = run.summary;
  const names = run.servers.map((x) => x.name);
  return (
    <section className="bench__focus" aria-label={t('bench.focus', { sched: run.sched })}>
      <header className="bench__focushead">
        <h3>{t('bench.focus', { sched: run.sched })}</h3>
        <span className="muted">{run.service}{run.origin && run.origin !== 'journal' ? ` · ${t('bench.fromGuide', { mode: run.origin.toUpperCase() })}` : ''}</span>
        <span className="bench__legend">
          {byName(run.servers).map((i) => { const s = run.servers[i]; return <span key={s.name}><i className="swatch" style={{ background: colorOf(s.name, names) }} />{s.name} <small className="muted">{s.dest} · {s.model.capacity}×{s.model.serviceMs} ms</small></span>; })}
        </span>
      </header>
      <Charts run={run} drain={drain} />
      {sum && (
        <table className="bench__sum">
          <thead><tr><th /><th>{t('bench.col.conns')}</th><th>{t('bench.col.share')}</th><th>{t('bench.col.mean')}</th><th>p95</th><th>{t('bench.col.maxActive')}</th><th>{t('bench.col.maxQueue')}</th></tr></thead>
          <tbody>
            {byName(sum.servers).map((i) => { const s = sum.servers[i]; return (
              <tr key={s.name}>
                <th><i className="swatch" style={{ background: colorOf(s.name, names) }} />{s.name}</th>
                <td className="num">{s.conns}</td><td className="num">{(s.share * 100).toFixed(1)} %</td>
                <td className="num">{fmtMs(s.meanMs)} ms</td><td className="num">{fmtMs(s.p95Ms)} ms</td>
                <td className="num">{s.maxActive}</td><td className="num">{s.maxQueued}</td>
              </tr>
            ); })}
          </tbody>
        </table>
      )}
      {run.script.length > 0 && (
        <details className="bench__script"><summary>{t('bench.script')}</summary><pre>{run.script.join('\n')}</pre></details>
      )}
    </section>
  );
}

export default function BenchPanel() {
  const t = useT();
  const { options, fallback } = useServices();
  const otherServices = useApp((s) => Object.values(s.ipvs.tables).some((x) => x.length > 0));
  const form = useBench((s) => s.form);
  const setForm = useBench((s) => s.setForm);
  const runs = useBench((s) => s.runs);
  const focus = useBench((s) => s.focus);
  const running = useBench((s) => s.running);
  const start = useBench((s) => s.start);
  const cancel = useBench((s) => s.cancel);
  const chosen = options.find((o) => o.key === form.service) ?? options[0] ?? fallback;
  const servers = chosen?.servers ?? [];
  const focused = runs[focus];
  return (
    <Expandable label={t('region.bench')} className="bench">
      {(expand) => (
        <>
          <header className="bench__bar">
            <h2 className="bench__h">{t('bench.heading')}</h2>
            {options.length > 0 ? (
              <label className="bench__svc">
                <span className="muted">{t('bench.target')}</span>
                <select className="bi" value={chosen?.key ?? ''} disabled={running} onChange={(e) => setForm({ service: e.target.value })}>
                  {options.map((o) => <option key={o.key} value={o.key}>TCP {o.vip}:{o.port} @ {o.director} ({o.sched}{o.flags ? `, ${o.flags}` : ''})</option>)}
                </select>
              </label>
            ) : fallback ? (
              <span className="bench__note">{t(otherServices ? 'bench.noTcp' : 'bench.noService', { vip: `${fallback.vip}:${fallback.port}` })}</span>
            ) : <span className="bench__note">{t('bench.unavailable')}</span>}
            <span className="bench__spacer" />
            {running
              ? <button type="button" className="btn btn--small" onClick={cancel}>{t('bench.stop')}</button>
              : <button type="button" className="btn btn--small btn--accent" disabled={!chosen || form.schedulers.length === 0} onClick={() => void start(servers.map((s) => s.name))}>{t('bench.run')}</button>}
            {expand}
          </header>
          <div className="bench__body">
            <LoadForm servers={servers} disabled={running} />
            <div className="bench__results">
              {runs.length === 0 ? <div className="bench__empty"><p>{t('bench.empty')}</p><p className="muted">{t('bench.explain')}</p></div> : (
                <>
                  <div className="bench__cards" role="group" aria-label={t('bench.compare')}>
                    {runs.map((r, i) => r && <RunCard key={r.sched} run={r} index={i} focused={i === focus} t={t} />)}
                  </div>
                  {focused && <Focused run={focused} />}
                </>
              )}
            </div>
          </div>
        </>
      )}
    </Expandable>
  );
}
