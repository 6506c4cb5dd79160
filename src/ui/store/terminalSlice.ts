import type { Slice, TerminalSlice } from './types.ts';

/** More terminals than this side by side would be unreadable: the oldest one is closed. */
export const MAX_OPEN_TERMS = 4;

export const createTerminalSlice: Slice<TerminalSlice> = (set) => ({
  openTerms: [],
  activeTerm: null,
  openTerm: (host) => set((s) => {
    if (s.openTerms.includes(host)) return { activeTerm: host };
    const open = [...s.openTerms, host];
    return { openTerms: open.length > MAX_OPEN_TERMS ? open.slice(-MAX_OPEN_TERMS) : open, activeTerm: host };
  }),
  closeTerm: (host) => set((s) => {
    const open = s.openTerms.filter((h) => h !== host);
    return { openTerms: open, activeTerm: s.activeTerm === host ? (open[open.length - 1] ?? null) : s.activeTerm };
  }),
  focusTerm: (host) => set({ activeTerm: host }),
});
