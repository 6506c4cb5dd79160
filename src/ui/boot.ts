/**
 * Starting a lab page: the worker, the clock mode from the URL (`animate=0`, `speed=4`), the
 * terminals opened first (the director's and the client's), and `window.__lvs` for tests
 * and the bench.
 */
import { animator } from './anim/handle.ts';
import { labClient } from './labClient.ts';
import { terminals } from './terminal/registry.ts';
import { useApp } from './store/index.ts';

const FIRST_TERMS = ['lvs', 'client'];

export function boot(preset: string, params: URLSearchParams): void {
  const st = useApp.getState();
  const animate = params.get('animate');
  const speed = Number(params.get('speed'));
  if (animate !== null || speed > 0) {
    useApp.setState({ mode: { ...st.mode, animate: animate === null ? st.mode.animate : animate !== '0', speed: speed > 0 ? speed : st.mode.speed } });
  }
  const c = labClient();
  // The director's and the client's terminals open at once (every preset but blank has
  // them), so xterm is ready when the first prompt arrives.
  // Two 80-column terminals side by side need a wide screen; otherwise the director's only.
  const first = window.innerWidth >= 1800 ? FIRST_TERMS : FIRST_TERMS.slice(0, 1);
  if (preset !== 'blank') for (const h of [...first].reverse()) useApp.getState().openTerm(h, 'split');
  const off = useApp.subscribe((s) => {
    if (!s.ready) return;
    off();
    const known = s.openTerms.filter((h) => s.shells.includes(h));
    if (known.length !== s.openTerms.length) for (const h of s.openTerms) if (!known.includes(h)) useApp.getState().closeTerm(h);
    if (known.length === 0) {
      const first = FIRST_TERMS.filter((h) => s.shells.includes(h));
      for (const h of (first.length ? first : s.shells.slice(0, 1)).reverse()) useApp.getState().openTerm(h, 'split');
      if (first[0]) useApp.getState().focusTerm(first[0]);
    }
  });
  c.start(preset);
  (window as unknown as { __lvs: unknown }).__lvs = { client: c, store: useApp, animator, terminals };
}
