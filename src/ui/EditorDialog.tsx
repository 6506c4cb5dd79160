/**
 * The full-screen editor a shell opens for `vi FILE` / `nano FILE`. A plain text area until
 * the CodeMirror editor lands: Save writes the file and resumes the command, Cancel quits
 * without saving (`:q!`).
 */
import { useEffect, useRef, useState } from 'react';
import { labClient } from './labClient.ts';
import { terminals, type EditRequest } from './terminal/registry.ts';

export default function EditorDialog() {
  const [req, setReq] = useState<EditRequest | null>(null);
  const [text, setText] = useState('');
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => terminals.onEdit((r) => { setReq(r); setText(r?.content ?? ''); }), []);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (req && !d.open) d.showModal();
    if (!req && d.open) d.close();
  }, [req]);
  const finish = (content: string | null) => {
    if (!req) return;
    labClient().send({ t: 'finishEdit', host: req.host, content });
    const h = req.host;
    setReq(null);
    setTimeout(() => terminals.focus(h), 0);
  };
  return (
    <dialog ref={ref} className="dialog editor" aria-label={req ? `${req.mode} ${req.path}` : ''} onCancel={(e) => { e.preventDefault(); finish(null); }}>
      {req && (
        <>
          <header className="dialog__head"><h2>{req.mode} — {req.host}:{req.path}</h2></header>
          <textarea className="editor__text" value={text} spellCheck={false} onChange={(e) => setText(e.target.value)} autoFocus
            onKeyDown={(e) => { if ((e.ctrlKey || e.metaKey) && e.key === 's') { e.preventDefault(); finish(text); } }} />
          <footer className="dialog__foot">
            <span className="muted small">Ctrl-S</span>
            <button type="button" className="btn" onClick={() => finish(null)}>:q!</button>
            <button type="button" className="btn btn--accent" onClick={() => finish(text)}>:wq</button>
          </footer>
        </>
      )}
    </dialog>
  );
}
