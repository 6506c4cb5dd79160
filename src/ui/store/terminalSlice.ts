import type { Slice, TerminalSlice } from './types.ts';

/** More terminals than this side by side would be unreadable: the oldest one is closed. */
export const MAX_OPEN_TERMS = 4;

/** Below this width a terminal cannot show ipvsadm's 80 columns. */
export const MIN_TERM_PX = 600;

export const createTerminalSlice: Slice<TerminalSlice> = (set) => ({
  openTerms: [],
  activeTerm: null,
  termAreaWidth: 0,
  setTermAreaWidth: (termAreaWidth) => set({ termAreaWidth }),
  openTerm: (host, how = 'split') => set((s) => {
    if (s.openTerms.includes(host)) return { activeTerm: host };
    const room = s.termAreaWidth === 0 || s.termAreaWidth / (s.openTerms.length + 1) >= MIN_TERM_PX;
    const split = how === 'split' || (how === 'auto' && room) || s.openTerms.length === 0;
    if (!split) {
      const at = Math.max(0, s.activeTerm ? s.openTerms.indexOf(s.activeTerm) : s.openTerms.length - 1);
      const open = [...s.openTerms];
      open[at] = host;
      return { openTerms: open, activeTerm: host };
    }
    const open = [...s.openTerms, host];
    return { openTerms: open.length > MAX_OPEN_TERMS ? open.slice(-MAX_OPEN_TERMS) : open, activeTerm: host };
  }),
  closeTerm: (host) => set((s) => {
    const open = s.openTerms.filter((h) => h !== host);
    return { openTerms: open, activeTerm: s.activeTerm === host ? (open[open.length - 1] ?? null) : s.activeTerm };
  }),
  focusTerm: (host) => set({ activeTerm: host }),
});
