/**
 * The guide: a picker (the guides of this lab and of the others, and a teacher's file, whose
 * problems are listed plainly), then the guide itself — every step with its explanation in
 * the page's language, the commands, a "show me" that types them, a hint, and the check that
 * turns green when the lab really is in that state (progress: done / current / to do, with
 * what the check found).
 */
import { lazy, memo, Suspense, useEffect, useRef, useState, type ChangeEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { GuideAction, GuideStepState, GuideStepView, GuideSummary } from '../../worker/protocol.ts';
import { LABS } from '../labs.ts';
import { labClient } from '../labClient.ts';
import { useT } from '../i18n/useT.ts';
import { useApp } from '../store/index.ts';
import Markdown from './Markdown.tsx';
import { useBi, useL, type LFn } from './text.ts';
import { stopTyping, typeActions } from './typist.ts';

const Playground = lazy(() => import('./PlaygroundPanel.tsx'));

function labTitle(preset: string, t: ReturnType<typeof useT>): string {
  const l = LABS.find((x) => x.id === preset);
  return l?.titleKey ? t(l.titleKey) : preset;
}

function Picker() {
  const L = useL();
  const bi = useBi();
  const t = useT();
  const preset = useApp((s) => s.preset) ?? '';
  const [guides, setGuides] = useState<readonly GuideSummary[] | null>(null);
  const [errors, setErrors] = useState<{ head: string; lines: readonly string[] } | null>(null);
  useEffect(() => { void labClient().ask({ q: 'guides' }).then(setGuides); }, []);
  const start = (id: string) => labClient().send({ t: 'guide', id, restart: true });

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (!f) return;
    setErrors(null);
    const text = f.size > 1024 * 1024 ? '' : await f.text();
    const r = await labClient().ask({ q: 'guideImport', text: text || '(too large)' });
    if (!r.ok) { setErrors({ head: L('guide.importErrors', { n: r.errors.length }), lines: r.errors }); return; }
    if (r.guide.preset !== preset) { setErrors({ head: L('guide.importOtherLab', { lab: labTitle(r.guide.preset, t) }), lines: [] }); return; }
    setGuides(await labClient().ask({ q: 'guides' }));
    start(r.guide.id);
  };

  const mine = guides?.filter((g) => g.preset === preset) ?? [];
  const others = guides?.filter((g) => g.preset !== preset && g.builtin) ?? [];
  const card = (g: GuideSummary, here: boolean) => (
    <li key={g.id} className="gcard">
      <div className="gcard__head">
        <span className="gcard__title">{bi(g.title)}</span>
        {!g.builtin && <span className="badge">{L('guide.imported')}</span>}
      </div>
      <div className="gcard__meta">
        {g.level && <span>{L(`guide.level.${g.level}` as 'guide.level.beginner')}</span>}
        <span>{L('guide.steps', { n: g.steps })}</span>
        {g.minutes ? <span>{L('guide.minutes', { n: g.minutes })}</span> : null}
      </div>
      {here
        ? <button type="button" className="btn btn--small btn--accent" onClick={() => start(g.id)} aria-label={`${L('guide.start')}: ${bi(g.title)}`}>{L('guide.start')}</button>
        : <a className="btn btn--small" href={`?lab=${encodeURIComponent(g.preset)}&guide=${encodeURIComponent(g.id)}`}>{L('guide.openIn', { lab: labTitle(g.preset, t) })}</a>}
    </li>
  );
  return (
    <div className="gpick">
      <h2 className="side__h">{L('guide.pick')}</h2>
      <p className="muted small">{L('guide.pickHint')}</p>
      <h3 className="side__h3">{L('guide.forThis')}</h3>
      {guides && !mine.length && <p className="muted small">{L('guide.noneForLab')}</p>}
      <ul className="gcards">{mine.map((g) => card(g, true))}</ul>
      <h3 className="side__h3">{L('guide.teacher')}</h3>
      <label className="btn btn--small file-btn">
        <input type="file" accept=".json,application/json" onChange={(e) => void onFile(e)} aria-label={L('guide.import')} />
        {L('guide.import')}
      </label>
      <p className="muted small">{L('guide.importHint')}</p>
      {errors && (
        <div className="gerrors" role="alert">
          <b>{errors.head}</b>
          {errors.lines.length > 0 && <ul>{errors.lines.map((x, i) => <li key={i}><code>{x}</code></li>)}</ul>}
        </div>
      )}
      {others.length > 0 && <>
        <h3 className="side__h3">{L('guide.others')}</h3>
        <ul className="gcards">{others.map((g) => card(g, false))}</ul>
      </>}
    </div>
  );
}

function actionText(a: GuideAction, L: LFn): string {
  if ('run' in a) return a.run;
  const op = a.topology;
  if (op.op === 'power') return L('guide.power', { host: op.host, state: L(op.on ? 'guide.on' : 'guide.off') });
  if (op.op === 'cable') return L('guide.cable', { host: op.host, dev: op.dev, state: L(op.plugged ? 'guide.plug' : 'guide.unplug') });
  return JSON.stringify(op);
}

/** The commands of a step, grouped by host in the order they run. */
function Commands({ actions }: { actions: readonly GuideAction[] }) {
  const L = useL();
  const groups: { host: string | null; lines: string[] }[] = [];
  for (const a of actions) {
    const host = 'run' in a ? a.host : null;
    const last = groups[groups.length - 1];
    if (last && last.host === host) last.lines.push(actionText(a, L));
    else groups.push({ host, lines: [actionText(a, L)] });
  }
  return (
    <div className="gcmds" aria-label={L('guide.commands')}>
      {groups.map((g, i) => (
        <div key={i} className="gcmds__grp">
          {g.host ? <span className="gcmds__host">{g.host}</span> : <span className="gcmds__host gcmds__host--hw">⏻</span>}
          <pre className="gcmds__code">{g.lines.map((l, j) => <span key={j} className="gcmds__line">{g.host ? <span className="gcmds__ps" aria-hidden="true"># </span> : null}{l}{'\n'}</span>)}</pre>
        </div>
      ))}
    </div>
  );
}

function CheckState({ s, step }: { s: GuideStepState | undefined; step: GuideStepView }) {
  const L = useL();
  const bi = useBi();
  const select = useApp((x) => x.select);
  if (!step.checked) return <p className="gcheck gcheck--none">{L('guide.checkNone')}</p>;
  if (!s || s.state === 'todo') return null;
  const done = s.state === 'done';
  return (
    <div className={`gcheck${done ? ' gcheck--ok' : ' gcheck--wait'}`} role="status">
      <span className="gcheck__label">{done ? `✓ ${L('guide.checkDone')}` : s.detail ? `○ ${L('guide.checkWaiting')}` : L('guide.checkPending')}</span>
      {s.detail && <span className="gcheck__detail">{bi(s.detail)}</span>}
      {s.frames && s.frames.length > 0 && (
        <span className="gcheck__frames">{L('guide.frames')} {s.frames.slice(0, 8).map((n) => (
          <button key={n} type="button" className="linkish" onClick={() => { useApp.getState().setBottomTab('packets'); select(n, true); }}>{n}</button>
        ))}</span>
      )}
    </div>
  );
}

const Step = memo(function Step({ step, index, s, open, onToggle }: {
  step: GuideStepView; index: number; s: GuideStepState | undefined; open: boolean; onToggle(i: number): void;
}) {
  const L = useL();
  const bi = useBi();
  const typing = useApp((x) => x.typing);
  const state = s?.state ?? 'todo';
  return (
    <li className={`gstep gstep--${state}`} data-step={step.id} data-state={state}>
      <button type="button" className="gstep__head" aria-expanded={open} onClick={() => onToggle(index)}>
        <span className="gstep__icon" aria-hidden="true">{state === 'done' ? '✓' : state === 'current' ? index + 1 : index + 1}</span>
        <span className="gstep__title">{bi(step.title)}</span>
        <span className="sr-only">({L(`guide.state.${state}`)})</span>
      </button>
      {open && (
        <div className="gstep__body">
          <Markdown className="md" text={bi(step.explain)} />
          {step.actions.length > 0 && <>
            <Commands actions={step.actions} />
            <div className="gstep__btns">
              {typing
                ? <button type="button" className="btn btn--small" onClick={stopTyping}>{L('guide.stop')}</button>
                : <button type="button" className="btn btn--small btn--accent" title={L('guide.showMeTitle')} onClick={() => void typeActions(step.actions)}>▶ {L('guide.showMe')}</button>}
              {typing && <span className="muted small" role="status">{L('guide.typing', { host: typing })}</span>}
            </div>
          </>}
          <details className="ghint">
            <summary>{L('guide.hint')}</summary>
            <Markdown className="md" text={bi(step.hint)} />
          </details>
          {step.playground && (
            <Suspense fallback={null}><Playground preset={step.playground} compact /></Suspense>
          )}
          <CheckState s={s} step={step} />
        </div>
      )}
    </li>
  );
});

export default function GuidePanel() {
  const L = useL();
  const bi = useBi();
  const { guide, progress } = useApp(useShallow((s) => ({ guide: s.guide, progress: s.progress })));
  const [open, setOpen] = useState<ReadonlySet<number>>(new Set());
  const followed = useRef(-1);
  const current = progress && progress.guide === guide?.id ? progress.current : -1;
  const live = useRef<HTMLParagraphElement>(null);

  // The current step opens by itself (and the one just finished closes), unless opened by hand.
  useEffect(() => {
    if (current < 0 || current === followed.current) return;
    const prev = followed.current;
    followed.current = current;
    setOpen((o) => { const n = new Set(o); if (prev >= 0) n.delete(prev); n.add(current); return n; });
    if (prev >= 0 && guide && live.current) live.current.textContent = L('guide.stepDone', { title: bi(guide.steps[prev]?.title) });
    requestAnimationFrame(() => document.querySelector(`.gstep[data-state="current"]`)?.scrollIntoView({ block: 'nearest' }));
  }, [current, guide, L, bi]);
  useEffect(() => { followed.current = -1; setOpen(new Set()); }, [guide?.id]);

  if (!guide) return <Picker />;
  const done = progress?.steps.filter((s) => s.state === 'done').length ?? 0;
  const total = guide.steps.length;
  const toggle = (i: number) => setOpen((o) => { const n = new Set(o); if (n.has(i)) n.delete(i); else n.add(i); return n; });
  return (
    <div className="guide">
      <div className="guide__top">
        <h2 className="side__h">{bi(guide.title)}</h2>
        <div className="guide__progress">
          <div className="pbar" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-label={L('guide.progress', { done, total })}>
            <div className="pbar__fill" style={{ width: `${(done / Math.max(1, total)) * 100}%` }} />
          </div>
          <span className="small">{progress?.complete ? L('guide.complete') : L('guide.progress', { done, total })}</span>
        </div>
        <details className="guide__about">
          <summary>{L('guide.about')}</summary>
          <Markdown className="md" text={bi(guide.summary)} />
          <pre className="guide__pic">{guide.picture}</pre>
        </details>
        <div className="guide__actions">
          <button type="button" className="btn btn--small btn--ghost" onClick={() => labClient().send({ t: 'guide', id: null })}>← {L('guide.change')}</button>
          <button type="button" className="btn btn--small btn--ghost" onClick={() => labClient().send({ t: 'guide', id: guide.id, restart: true })}>{L('guide.restart')}</button>
        </div>
      </div>
      <p className="sr-only" aria-live="polite" ref={live} />
      <ol className="gsteps">
        {guide.steps.map((s, i) => (
          <Step key={s.id} step={s} index={i} s={progress?.steps[i]} open={open.has(i)} onToggle={toggle} />
        ))}
      </ol>
    </div>
  );
}
