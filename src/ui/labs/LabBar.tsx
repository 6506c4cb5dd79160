/**
 * The lab page's header buttons for this lab as a whole: the guide panel, problems found,
 * Share (a link that rebuilds the lab by replay), and the Lab menu — reset with undo,
 * snapshots with rollback, export and import — with the autosave's state. Small on purpose
 * (it is in the lab page's first chunk); the panels it opens are lazy.
 */
import { lazy, memo, Suspense, useCallback, useState } from 'react';
import { useApp } from '../store/index.ts';

const SharePop = lazy(() => import('./LabPops.tsx').then((m) => ({ default: m.SharePop })));
const LabPop = lazy(() => import('./LabPops.tsx').then((m) => ({ default: m.LabPop })));

/** This bar's few words (the rest of the guided-lab strings, labs/text.ts, load with the panels). */
const W = {
  en: { guide: 'Guide', guideTitle: 'Guided labs, problems found, challenge and scheduler playground', open: '{n} open', share: 'Share',
    shareTitle: 'A link that rebuilds this lab exactly, in any browser', lab: 'Lab', labTitle: 'Reset, undo, snapshots, export and import',
    saved: 'Saved', savedTitle: 'Every command is saved in this browser ({storage}); a reload brings the lab back.' },
  zh: { guide: '指导', guideTitle: '实验指导、发现的问题、挑战模式和调度算法演练', open: '{n} 个未解决', share: '分享',
    shareTitle: '生成一个链接，在任何浏览器中都能原样重建这个实验', lab: '实验', labTitle: '重置、撤销、快照、导出和导入',
    saved: '已保存', savedTitle: '每条命令都保存在这个浏览器里（{storage}）；刷新页面后实验会恢复原样。' },
} as const;

export default memo(function LabBar() {
  const w = W[useApp((s) => s.lang)];
  const sideOpen = useApp((s) => s.sideOpen);
  const problems = useApp((s) => s.findings.filter((f) => !f.resolved).length);
  const saved = useApp((s) => s.saved);
  const ready = useApp((s) => s.ready);
  const [pop, setPop] = useState<'share' | 'lab' | null>(null);
  const close = useCallback(() => setPop(null), []);
  const { openSide, closeSide } = useApp.getState();
  return (
    <div className="labbar">
      <button type="button" className={`btn btn--small${sideOpen ? ' btn--on' : ''}`} aria-pressed={sideOpen} title={w.guideTitle}
        onClick={() => (sideOpen ? closeSide() : openSide())}>
        <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" className="ico"><path d="M2 3h5v10H2zM9 3h5v10H9z" /></svg>
        {w.guide}
      </button>
      {problems > 0 && (
        <button type="button" className="btn btn--small btn--warn" onClick={() => openSide('problems')} aria-label={w.open.replace('{n}', String(problems))}>⚠ {problems}</button>
      )}
      <div className="pop-anchor">
        <button type="button" className="btn btn--small" data-pop-toggle aria-expanded={pop === 'share'} title={w.shareTitle} disabled={!ready}
          onClick={() => setPop(pop === 'share' ? null : 'share')}>{w.share}</button>
        {pop === 'share' && <Suspense fallback={null}><SharePop onClose={close} /></Suspense>}
      </div>
      <div className="pop-anchor">
        <button type="button" className="btn btn--small" data-pop-toggle aria-expanded={pop === 'lab'} title={w.labTitle} disabled={!ready}
          onClick={() => setPop(pop === 'lab' ? null : 'lab')}>{w.lab} ▾</button>
        {pop === 'lab' && <Suspense fallback={null}><LabPop onClose={close} /></Suspense>}
      </div>
      <span className="labbar__saved small" title={saved ? w.savedTitle.replace('{storage}', saved.storage) : undefined} data-testid="saved">
        {saved ? <>✓<span className="sr-only"> {w.saved}</span></> : ''}
      </span>
    </div>
  );
});
