/** The detector's findings, oldest first: each marks a frame and says how to fix it. */
import { useApp } from '../store/index.ts';
import FindingCard from './Finding.tsx';
import { useL } from './text.ts';

export default function ProblemsPanel() {
  const L = useL();
  const findings = useApp((s) => s.findings);
  const open = findings.filter((f) => !f.resolved).length;
  return (
    <div className="problems">
      <h2 className="side__h">{findings.length === 1 ? L('prob.count1') : findings.length ? L('prob.count', { n: findings.length }) : L('side.tab.problems')}</h2>
      {findings.length === 0 && <p className="muted small">{L('prob.none')}</p>}
      {findings.length > 0 && <p className="small muted" role="status">{open ? L('prob.open', { n: open }) : L('prob.allFixed')}</p>}
      <div className="problems__list">
        {findings.map((f) => <FindingCard key={f.id} f={f} />)}
      </div>
    </div>
  );
}
