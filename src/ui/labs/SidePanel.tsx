/**
 * The side panel beside the lab (a lazy chunk: nothing of it loads before the first prompt):
 * the guide, the problems the detector found, challenge mode and the scheduler playground.
 */
import { lazy, Suspense, type KeyboardEvent } from 'react';
import { useApp } from '../store/index.ts';
import type { SideTab } from '../store/types.ts';
import { useL } from './text.ts';

const GuidePanel = lazy(() => import('./GuidePanel.tsx'));
const ProblemsPanel = lazy(() => import('./ProblemsPanel.tsx'));
const ChallengePanel = lazy(() => import('./ChallengePanel.tsx'));
const PlaygroundPanel = lazy(() => import('./PlaygroundPanel.tsx'));

const TABS: SideTab[] = ['guide', 'problems', 'challenge', 'playground'];

export default function SidePanel() {
  const L = useL();
  const tab = useApp((s) => s.sideTab);
  const open = useApp((s) => s.findings.filter((f) => !f.resolved).length);
  const { openSide, closeSide } = useApp.getState();
  const onKey = (e: KeyboardEvent) => {
    const i = TABS.indexOf(tab);
    const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!d) return;
    e.preventDefault();
    const next = TABS[(i + d + TABS.length) % TABS.length];
    openSide(next);
    requestAnimationFrame(() => document.getElementById(`side-tab-${next}`)?.focus());
  };
  return (
    <aside className="side" aria-label={L('side.region')}>
      <div className="tabs side__tabs" role="tablist" onKeyDown={onKey}>
        {TABS.map((x) => (
          <button key={x} type="button" role="tab" id={`side-tab-${x}`} aria-selected={tab === x} aria-controls="side-panel" tabIndex={tab === x ? 0 : -1}
            className={`tab${tab === x ? ' tab--active' : ''}`} onClick={() => openSide(x)}>
            {L(`side.tab.${x}`)}
            {x === 'problems' && open > 0 && <span className="count-badge" aria-label={L('prob.open', { n: open })}>{open}</span>}
          </button>
        ))}
        <button type="button" className="icon-btn side__close" aria-label={L('side.close')} title={L('side.close')} onClick={closeSide}>×</button>
      </div>
      <div className="side__body" role="tabpanel" id="side-panel" aria-labelledby={`side-tab-${tab}`}>
        <Suspense fallback={null}>
          {tab === 'guide' && <GuidePanel />}
          {tab === 'problems' && <ProblemsPanel />}
          {tab === 'challenge' && <ChallengePanel />}
          {tab === 'playground' && <PlaygroundPanel />}
        </Suspense>
      </div>
    </aside>
  );
}
