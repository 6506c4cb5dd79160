/**
 * The app (imported by main.ts right after it started the lab worker). `/` renders the
 * start page only (small: no xterm, no xyflow). `/?lab=nat` fetches the lab page's chunks at
 * once, in parallel, before React renders anything, so the first prompt is ready early.
 */
import { StrictMode } from 'react';
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

const root = createRoot(document.getElementById('root')!);
if (lab) {
  boot(lab.preset, params);
  void preloadXterm();
  // Render the lab page once its chunk is here, without a Suspense boundary: React 19 holds
  // a boundary's first reveal back by up to 300 ms, which would delay the first prompt.
  void import('./LabApp.tsx').then(({ default: LabApp }) => root.render(<StrictMode><LabApp /></StrictMode>));
} else {
  root.render(<StrictMode><StartPage /></StrictMode>);
}
