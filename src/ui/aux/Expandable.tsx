/**
 * A panel that can take the whole window: the bench's charts and the four-mode view need
 * more room than the bottom area gives. Expanded, the same children render in a fixed
 * overlay (no blur, no shadow: a flat panel over the page); Escape or the button brings it back.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useT } from '../i18n/useT.ts';

export function Expandable({ label, children, className }: { label: string; children: (controls: ReactNode) => ReactNode; className?: string }) {
  const t = useT();
  const [big, setBig] = useState(false);
  useEffect(() => {
    if (!big) return;
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') setBig(false); };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [big]);
  const button = (
    <button type="button" className="btn btn--small btn--ghost" aria-pressed={big} onClick={() => setBig(!big)}
      title={big ? t('aux.collapse') : t('aux.expand')}>
      {big ? `⤡ ${t('aux.collapse')}` : `⤢ ${t('aux.expand')}`}
    </button>
  );
  const body = <div className={`${className ?? ''}${big ? ' aux--big' : ''}`} role="region" aria-label={label}>{children(button)}</div>;
  return big ? <>{createPortal(<div className="aux-overlay">{body}</div>, document.body)}<div className="aux-placeholder muted">{label}</div></> : body;
}
