/**
 * One finding of the misconfiguration detector: what went wrong at which frame, why, and the
 * commands that fix it with a button that types them into the right terminal. Shown in the
 * problems list and above the packet details when a marked frame is selected.
 */
import { memo } from 'react';
import type { FindingView } from '../../worker/protocol.ts';
import { useApp } from '../store/index.ts';
import Markdown from './Markdown.tsx';
import { useBi, useL } from './text.ts';
import { typeCommands } from './typist.ts';

export function showFrame(no: number): void {
  const st = useApp.getState();
  if (st.bottomTab !== 'packets' && st.bottomTab !== 'flow') st.setBottomTab('packets');
  st.select(no, true);
}

export default memo(function FindingCard({ f, compact = false }: { f: FindingView; compact?: boolean }) {
  const L = useL();
  const bi = useBi();
  const typing = useApp((s) => s.typing);
  return (
    <article className={`finding${f.resolved ? ' finding--fixed' : ''}${compact ? ' finding--compact' : ''}`} data-kind={f.kind} data-frame={f.frame}>
      <header className="finding__head">
        <span className="finding__icon" aria-hidden="true">{f.resolved ? '✓' : '⚠'}</span>
        <span className="finding__title">{bi(f.title)}</span>
        {f.resolved && <span className="badge badge--ok">{L('prob.fixed')}</span>}
      </header>
      <div className="finding__meta small">
        <button type="button" className="linkish" onClick={() => showFrame(f.frame)} aria-label={L('prob.showFrame', { n: f.frame })}>{L('prob.frame', { n: f.frame })}</button>
        <span className="muted">· {L(f.role === 'cause' ? 'prob.cause' : 'prob.effect')} · {f.host}</span>
      </div>
      <p className="finding__what">{bi(f.what)}</p>
      {f.fix.commands.length > 0 && (
        <div className="finding__fix">
          <div className="small muted">{L('prob.fixOn', { host: f.fix.host })}</div>
          <pre className="gcmds__code">{f.fix.commands.map((c, i) => <span key={i}><span className="gcmds__ps" aria-hidden="true"># </span>{c}{'\n'}</span>)}</pre>
          {!compact && <Markdown className="md small muted" text={bi(f.fix.why)} />}
          {!f.resolved && (
            <button type="button" className="btn btn--small btn--accent" disabled={!!typing} title={L('prob.fixTitle', { host: f.fix.host })}
              onClick={() => void typeCommands(f.fix.host, f.fix.commands)}>{L('prob.fix')}</button>
          )}
        </div>
      )}
      {f.fix.commands.length === 0 && <Markdown className="md small muted" text={bi(f.fix.why)} />}
    </article>
  );
});
