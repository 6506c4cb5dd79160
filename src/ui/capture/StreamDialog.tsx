/** Follow TCP Stream: the conversation's bytes as text, client in one colour, server in another. */
import { useEffect, useRef } from 'react';
import { useT } from '../i18n/useT.ts';
import { useApp } from '../store/index.ts';

export default function StreamDialog() {
  const t = useT();
  const s = useApp((x) => x.stream);
  const close = () => useApp.getState().setStream(null);
  const ref = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (s && !d.open) d.showModal();
    if (!s && d.open) d.close();
  }, [s]);

  return (
    <dialog ref={ref} className="dialog stream" aria-label={s ? t('cap.streamTitle', { title: s.title }) : ''} onClose={close}>
      {s && (
        <>
          <header className="dialog__head">
            <h2>{t('cap.streamTitle', { title: s.title })}</h2>
            <button type="button" className="icon-btn" aria-label={t('cap.close')} onClick={close}>×</button>
          </header>
          <pre className="stream__text">
            {s.chunks.length === 0 ? t('cap.streamEmpty') : s.chunks.map((c, i) => (
              <span key={i} className={c.fromClient ? 'stream--c' : 'stream--s'} title={`#${c.no}`}>{c.text}</span>
            ))}
          </pre>
          <footer className="dialog__foot">
            <span className="stream__key"><span className="stream--c">■ {t('cap.streamClient')}</span> <span className="stream--s">■ {t('cap.streamServer')}</span></span>
            <button type="button" className="btn" onClick={() => { useApp.getState().applyFilter(s.filter); close(); }}>{t('cap.filterStream')}</button>
            <button type="button" className="btn btn--accent" onClick={close}>{t('cap.close')}</button>
          </footer>
        </>
      )}
    </dialog>
  );
}
