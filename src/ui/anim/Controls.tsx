/**
 * Play, pause, step, step back, speed and the animate switch; the live frame counter and the
 * virtual clock; the time-travel banner. With animation off the lab runs at full speed and
 * only the counter moves.
 */
import { memo, useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useT } from '../i18n/useT.ts';
import { useApp } from '../store/index.ts';
import { SPEEDS } from '../store/animSlice.ts';

function fmtClock(us: number): string {
  const s = us / 1e6;
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${(s - m * 60).toFixed(3).padStart(6, '0')}`;
}

function useRate(frames: number): number {
  const last = useRef({ f: frames, t: performance.now(), rate: 0 });
  const [rate, setRate] = useState(0);
  useEffect(() => {
    const now = performance.now();
    const l = last.current;
    if (now - l.t >= 500) {
      l.rate = ((frames - l.f) * 1000) / (now - l.t);
      l.f = frames;
      l.t = now;
      setRate(l.rate);
    }
  }, [frames]);
  return rate;
}

/** True once a shell has been busy for `ms` of real time while every frame is animated. */
function useLongAnimatedRun(on: boolean, ms = 6000): boolean {
  const [long, setLong] = useState(false);
  useEffect(() => {
    if (!on) { setLong(false); return; }
    const t = setTimeout(() => setLong(true), ms);
    return () => clearTimeout(t);
  }, [on, ms]);
  return long;
}

export default memo(function Controls() {
  const t = useT();
  const { mode, status, expand } = useApp(useShallow((s) => ({ mode: s.mode, status: s.status, expand: s.expandLabels })));
  const { setMode, step, stepBack, travel, setExpandLabels } = useApp.getState();
  const frames = status?.frames ?? 0;
  const rate = useRate(frames);
  const travelling = status?.travelAt != null;
  const playing = mode.animate && !mode.paused && !travelling;
  // A loop of requests at animation speed takes minutes: offer full speed once it runs a while.
  const slow = useLongAnimatedRun(playing && (status?.busy.length ?? 0) > 0);

  return (
    <div className="controls" role="toolbar" aria-label={t('region.controls')}>
      <label className="switch" title={t('anim.animate')}>
        <input type="checkbox" role="switch" checked={mode.animate} onChange={(e) => setMode({ animate: e.target.checked, paused: false })} />
        <span className="switch__track" aria-hidden="true"><span className="switch__thumb" /></span>
        <span className="switch__label">{t('anim.animate')}</span>
      </label>
      <div className="btn-group">
        <button type="button" className="icon-btn" aria-label={t('anim.back')} title={t('anim.back')} disabled={frames === 0} onClick={stepBack}>
          <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d="M4 3v10M13 3L6 8l7 5z" /></svg>
        </button>
        {playing
          ? <button type="button" className="icon-btn" aria-label={t('anim.pause')} title={t('anim.pause')} onClick={() => setMode({ paused: true })}>
              <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d="M5 3v10M11 3v10" /></svg>
            </button>
          : <button type="button" className="icon-btn" aria-label={t('anim.play')} title={t('anim.play')}
              onClick={() => { if (travelling) travel(null); setMode({ paused: false, animate: mode.animate }); }}>
              <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d="M4 3l9 5-9 5z" /></svg>
            </button>}
        <button type="button" className="icon-btn" aria-label={t('anim.step')} title={t('anim.step')} disabled={!mode.animate && !travelling} onClick={step}>
          <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true"><path d="M12 3v10M3 3l7 5-7 5z" /></svg>
        </button>
      </div>
      <label className="speed">
        <span>{t('anim.speed')}</span>
        <select value={mode.speed} onChange={(e) => setMode({ speed: Number(e.target.value) })} disabled={!mode.animate}>
          {SPEEDS.map((s) => <option key={s} value={s}>{s}×</option>)}
        </select>
      </label>
      <label className="check" title="MAC">
        <input type="checkbox" checked={expand} onChange={(e) => setExpandLabels(e.target.checked)} disabled={!mode.animate} />
        <span>MAC</span>
      </label>
      <div className="counter" aria-live="off">
        <span className="counter__n" data-testid="frame-counter">{t('anim.frames', { n: frames.toLocaleString('en-US') })}</span>
        {!mode.animate && rate > 0 && <span className="counter__rate">{Math.round(rate).toLocaleString('en-US')}/s</span>}
        <span className="counter__clock" title={t('anim.clock')}>{fmtClock(status?.now ?? 0)}</span>
      </div>
      {slow && (
        <div className="slowhint" role="status">
          <span className="sr-only">{t('anim.slow')}</span>
          <button type="button" className="btn btn--small btn--accent" title={t('anim.slow')} onClick={() => setMode({ animate: false })}>{t('anim.full')}</button>
        </div>
      )}
      {travelling && (
        <div className="travel" role="status">
          <span>{t('anim.travel', { n: status!.travelAt! })}</span>
          <button type="button" className="btn btn--accent" onClick={() => travel(null)}>{t('anim.live')}</button>
        </div>
      )}
    </div>
  );
});
