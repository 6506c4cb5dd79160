/**
 * Entry point. `/` renders the start page only (small: no xterm, no xyflow, no worker).
 * `/?lab=nat` starts the lab worker and fetches the lab page's chunks at once, in parallel,
 * before React renders anything, so the first prompt is ready as early as possible.
 */
import { lazy, StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { boot } from './boot.ts';
import { findLab } from './labs.ts';
import StartPage from './StartPage.tsx';
import { preloadXterm } from './terminal/registry.ts';
import { useApp } from './store/index.ts';
import './styles/app.css';

const params = new URLSearchParams(location.search);
const lab = findLab(params.get('lab'));

function applyPrefs(): void {
  const s = useApp.getState();
  const root = document.documentElement;
  root.dataset.theme = s.theme;
  root.lang = s.lang === 'zh' ? 'zh-CN' : 'en';
  root.style.setProperty('--scale', String(s.fontScale));
}
applyPrefs();
useApp.subscribe((s, p) => { if (s.theme !== p.theme || s.lang !== p.lang || s.fontScale !== p.fontScale) applyPrefs(); });

let LabApp: ReturnType<typeof lazy> | null = null;
if (lab) {
  const labApp = import('./LabApp.tsx');
  LabApp = lazy(() => labApp);
  void preloadXterm();
  boot(lab.preset, params);
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {LabApp ? <Suspense fallback={null}><LabApp /></Suspense> : <StartPage />}
  </StrictMode>,
);
