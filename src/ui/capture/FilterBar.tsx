/**
 * The capture toolbar: the display filter (green when valid, red with the reason when not,
 * applied with Enter), where to capture (every network, one network, one host's NIC),
 * Follow TCP stream, and export as pcapng.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CapturePoint } from '../../worker/protocol.ts';
import { useT } from '../i18n/useT.ts';
import { labClient } from '../labClient.ts';
import { useApp } from '../store/index.ts';

function pointKey(p: CapturePoint): string {
  return p.kind === 'all' ? 'all' : p.kind === 'segment' ? `seg:${p.segment}` : `nic:${p.host}:${p.nic}`;
}

function parsePoint(k: string): CapturePoint {
  if (k.startsWith('seg:')) return { kind: 'segment', segment: k.slice(4) };
  if (k.startsWith('nic:')) { const [, host, nic] = k.split(':'); return { kind: 'nic', host, nic }; }
  return { kind: 'all' };
}

export function download(bytes: Uint8Array, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export default function FilterBar() {
  const t = useT();
  const errId = useId();
  const { text, error, applied, point, topo, preset, selectedNo } = useApp(useShallow((s) => ({
    text: s.filterText, error: s.filterError, applied: s.appliedFilter, point: s.point, topo: s.topology, preset: s.preset, selectedNo: s.selectedNo,
  })));
  const { setFilterText, setFilterError, applyFilter, setPoint, setStream } = useApp.getState();
  const [checking, setChecking] = useState(false);
  const timer = useRef(0);

  useEffect(() => {
    clearTimeout(timer.current);
    if (text.trim() === '') { setFilterError(null); return; }
    setChecking(true);
    timer.current = window.setTimeout(() => {
      void labClient().ask({ q: 'checkFilter', text }).then((r) => {
        setChecking(false);
        if (useApp.getState().filterText !== text) return;
        setFilterError(r.ok ? null : `${r.error} (column ${r.pos + 1})`);
      });
    }, 120);
    return () => clearTimeout(timer.current);
  }, [text, setFilterError]);

  // Check the text as it is now (the live check may lag behind typing), then apply it.
  const apply = useCallback(() => {
    const text = useApp.getState().filterText.trim();
    void labClient().ask({ q: 'checkFilter', text }).then((r) => {
      if (r.ok) applyFilter(text);
      else setFilterError(`${r.error} (column ${r.pos + 1})`);
    });
  }, [applyFilter, setFilterError]);

  const follow = useCallback(() => {
    if (selectedNo === null) return;
    void labClient().ask({ q: 'stream', no: selectedNo }).then((s) => { if (s) setStream(s); else useApp.getState().pushError(t('cap.notTcp')); });
  }, [selectedNo, setStream, t]);

  const exportPcap = useCallback(() => {
    void labClient().ask({ q: 'pcapng' }).then((b) => download(b, `lvs-lab-${preset ?? 'lab'}.pcapng`, 'application/x-pcapng'));
  }, [preset]);

  const state = text.trim() === '' ? '' : error ? ' filter--bad' : checking ? '' : ' filter--ok';
  const dirty = text.trim() !== applied;

  return (
    <div className="capbar">
      <form className={`filter${state}`} role="search" onSubmit={(e) => { e.preventDefault(); apply(); }}>
        <svg className="filter__icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M2 3h12l-4.5 5.5V13l-3-1.5v-3z" /></svg>
        <input type="text" spellCheck={false} autoComplete="off" aria-label={t('cap.filter')} placeholder={t('cap.filterPlaceholder')}
          value={text} onChange={(e) => setFilterText(e.target.value)} aria-invalid={!!error} aria-describedby={error ? errId : undefined}
          onKeyDown={(e) => { if (e.key === 'Escape') { setFilterText(''); applyFilter(''); } }} />
        {applied && <button type="button" className="icon-btn filter__clear" aria-label={t('cap.clearFilter')} title={t('cap.clearFilter')} onClick={() => applyFilter('')}>×</button>}
        <button type="submit" className={`btn btn--small${dirty ? ' btn--accent' : ''}`}>{t('cap.apply')}</button>
      </form>
      <label className="capbar__point">
        <span>{t('cap.point')}</span>
        <select value={pointKey(point)} onChange={(e) => setPoint(parsePoint(e.target.value))}>
          <option value="all">{t('cap.pointAll')}</option>
          {topo?.segments.map((s) => <option key={s.name} value={`seg:${s.name}`}>{s.name}</option>)}
          {topo?.hosts.flatMap((h) => h.nics.filter((n) => n.segment !== null).map((n) => (
            <option key={`${h.name}:${n.name}`} value={`nic:${h.name}:${n.name}`}>{h.name} {n.name}</option>
          )))}
        </select>
      </label>
      <button type="button" className="btn btn--small" disabled={selectedNo === null} onClick={follow}>{t('cap.follow')}</button>
      <button type="button" className="btn btn--small" onClick={exportPcap}>{t('cap.export')}</button>
      {error && <div className="filter__err" id={errId} role="alert">{error}</div>}
    </div>
  );
}
