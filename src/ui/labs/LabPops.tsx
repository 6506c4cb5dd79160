/**
 * The Share and Lab popovers of the header (a lazy chunk, fetched on first click): the share
 * link with its length, and reset/undo, snapshots, export and import.
 */
import { useCallback, useEffect, useRef, useState, type ChangeEvent, type ReactNode } from 'react';
import type { PersistAnswer, SnapshotView } from '../../worker/protocol.ts';
import { labClient } from '../labClient.ts';
import { useApp } from '../store/index.ts';
import { useL } from './text.ts';

function Popover({ label, onClose, children }: { label: string; onClose(): void; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const down = (e: MouseEvent) => { if (ref.current && !ref.current.contains(e.target as Node) && !(e.target as Element).closest?.('[data-pop-toggle]')) onClose(); };
    const key = (e: KeyboardEvent) => { if (e.key === 'Escape') onClose(); };
    document.addEventListener('mousedown', down);
    document.addEventListener('keydown', key);
    ref.current?.querySelector<HTMLElement>('input, button')?.focus();
    return () => { document.removeEventListener('mousedown', down); document.removeEventListener('keydown', key); };
  }, [onClose]);
  return <div className="pop" role="dialog" aria-label={label} ref={ref}>{children}</div>;
}

function download(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function SharePop({ onClose }: { onClose(): void }) {
  const L = useL();
  const [link, setLink] = useState<{ url: string; chars: number } | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const key = new URLSearchParams(location.search).get('lab') ?? useApp.getState().preset ?? 'nat';
    const base = `${location.origin}${location.pathname}?lab=${encodeURIComponent(key)}`;
    void labClient().ask({ q: 'share', base }).then((r) => { if (r.ok) setLink({ url: r.url, chars: r.chars }); else setErr(r.error); });
  }, []);
  useEffect(() => { input.current?.select(); }, [link]);
  const copy = async () => {
    if (!link) return;
    try { await navigator.clipboard.writeText(link.url); } catch { input.current?.select(); document.execCommand?.('copy'); }
    setCopied(true);
  };
  return (
    <Popover label={L('bar.shareHeading')} onClose={onClose}>
      <h2 className="pop__h">{L('bar.shareHeading')}</h2>
      <p className="small muted">{L('bar.shareHint')}</p>
      {err && <p className="bad small" role="alert">{err}</p>}
      {link && <>
        <input ref={input} className="pop__url" readOnly value={link.url} aria-label={L('bar.shareHeading')} data-testid="share-url" onFocus={(e) => e.target.select()} />
        <div className="pop__row">
          <button type="button" className="btn btn--small btn--accent" onClick={() => void copy()}>{copied ? `✓ ${L('bar.copied')}` : L('bar.copy')}</button>
          <span className="small muted">{L('bar.chars', { n: link.chars.toLocaleString('en-US') })}</span>
        </div>
      </>}
    </Popover>
  );
}

export function LabPop({ onClose }: { onClose(): void }) {
  const L = useL();
  const [snaps, setSnaps] = useState<readonly SnapshotView[]>([]);
  const [canUndo, setCanUndo] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const ask = useCallback(async (op: Parameters<typeof persist>[0]) => persist(op), []);
  const refresh = useCallback(async () => {
    const r = await persist({ op: 'snapshots' });
    if (!r.ok) { setErr(r.error ?? null); return; }
    setSnaps(r.snapshots ?? []);
    setCanUndo(!!r.canUndo);
  }, []);
  useEffect(() => { void refresh(); }, [refresh]);
  const act = async (op: Parameters<typeof persist>[0], close = true) => {
    setBusy(true);
    setErr(null);
    try {
      const r = await ask(op);
      if (!r.ok) { setErr(r.error ?? 'failed'); return r; }
      if (close) onClose(); else await refresh();
      return r;
    } finally { setBusy(false); }
  };
  const onImport = async (e: ChangeEvent<HTMLInputElement>) => {
    const f = e.target.files?.[0];
    e.target.value = '';
    if (!f) return;
    const text = f.size > 4 * 1024 * 1024 ? '' : await f.text();
    const r = await act({ op: 'import', text: text || '{}' }, false);
    if (r?.ok && r.labKey && r.labKey !== new URLSearchParams(location.search).get('lab')) location.href = `?lab=${encodeURIComponent(r.labKey)}`;
    else if (r?.ok) onClose();
  };
  const fmt = (ms: number) => { const d = new Date(ms); return Number.isFinite(d.getTime()) ? d.toLocaleString() : ''; };
  return (
    <Popover label={L('bar.lab')} onClose={onClose}>
      <div className="pop__menu">
        <button type="button" className="pop__item" disabled={busy} onClick={() => void act({ op: 'reset' })}>
          <b>{L('bar.reset')}</b><span className="small muted">{L('bar.resetHint')}</span>
        </button>
        <button type="button" className="pop__item" disabled={busy || !canUndo} onClick={() => void act({ op: 'undo' })}>
          <b>{L('bar.undo')}</b><span className="small muted">{L('bar.undoHint')}</span>
        </button>
        <div className="pop__row">
          <button type="button" className="btn btn--small" disabled={busy} onClick={() => void ask({ op: 'export' }).then((r) => { if (r.file) download(r.file.text, r.file.name); else setErr(r.error ?? null); })}>{L('bar.export')}</button>
          <label className="btn btn--small file-btn">
            <input type="file" accept=".json,application/json" onChange={(e) => void onImport(e)} aria-label={L('bar.import')} />
            {L('bar.import')}
          </label>
        </div>
      </div>
      <h3 className="pop__h3">{L('bar.snapshots')}</h3>
      <form className="pop__row" onSubmit={(e) => { e.preventDefault(); const n = name.trim() || `snapshot ${snaps.length + 1}`; void act({ op: 'snapshot', name: n }, false).then((r) => { if (r?.ok) { setName(''); useApp.getState().setNotice({ key: 'msg.snapshotSaved', params: { name: n } }); } }); }}>
        <input value={name} maxLength={80} placeholder={L('bar.snapshotName')} aria-label={L('bar.snapshotName')} onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="btn btn--small btn--accent" disabled={busy}>{L('bar.snapshotSave')}</button>
      </form>
      {snaps.length === 0 ? <p className="small muted">{L('bar.snapshotNone')}</p> : (
        <ul className="snaps">
          {[...snaps].reverse().map((s) => (
            <li key={s.id}>
              <span className="snaps__name">{s.name}</span>
              <span className="small muted">{fmt(s.time)} · {L('bar.snapshotInfo', { n: s.events })}</span>
              <button type="button" className="btn btn--small" disabled={busy} onClick={() => void act({ op: 'rollback', id: s.id })} aria-label={`${L('bar.rollback')}: ${s.name}`}>{L('bar.rollback')}</button>
              <button type="button" className="icon-btn" disabled={busy} aria-label={L('bar.delete', { name: s.name })} title={L('bar.delete', { name: s.name })} onClick={() => void act({ op: 'deleteSnapshot', id: s.id }, false)}>×</button>
            </li>
          ))}
        </ul>
      )}
      {err && <p className="bad small" role="alert">{err}</p>}
    </Popover>
  );
}

function persist(op: Extract<Parameters<ReturnType<typeof labClient>['ask']>[0], { q: 'persist' }>['op']): Promise<PersistAnswer> {
  return labClient().ask({ q: 'persist', op });
}

