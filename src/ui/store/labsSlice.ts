/**
 * Guided labs on the page: the guide being followed and its progress, the detector's
 * findings (indexed by the frames they mark, for the packet list and the flow graph), the
 * side panel, the topology's context menu, and what the page says about saving and links.
 * The worker computes all of it (src/worker/labs.ts); this only keeps what it last said.
 */
import type { FindingView, GuideProgressView, GuideView } from '../../worker/protocol.ts';
import type { LabsSlice, Slice, SideTab } from './types.ts';

const SIDE_KEY = 'lvs-lab.side';

function loadSide(): { open: boolean; tab: SideTab } {
  try {
    const s = JSON.parse(globalThis.localStorage?.getItem(SIDE_KEY) ?? 'null') as { open?: boolean; tab?: SideTab } | null;
    if (s) return { open: !!s.open, tab: s.tab ?? 'guide' };
  } catch { /* ignore */ }
  // First visit: open on a wide screen (a guide beside the terminals), closed otherwise.
  return { open: (globalThis.innerWidth ?? 0) >= 1280, tab: 'guide' };
}

function saveSide(open: boolean, tab: SideTab): void {
  try { globalThis.localStorage?.setItem(SIDE_KEY, JSON.stringify({ open, tab })); } catch { /* ignore */ }
}

export function indexFindings(list: readonly FindingView[]): ReadonlyMap<number, FindingView[]> {
  const m = new Map<number, FindingView[]>();
  const add = (no: number, f: FindingView) => { const l = m.get(no) ?? []; if (!l.includes(f)) l.push(f); m.set(no, l); };
  for (const f of list) { add(f.frame, f); for (const r of f.related) add(r, f); }
  return m;
}

export const createLabsSlice: Slice<LabsSlice> = (set, get) => {
  const side = loadSide();
  return {
    guide: null,
    progress: null,
    findings: [],
    findingsByFrame: new Map(),
    sideOpen: side.open,
    sideTab: side.tab,
    banner: null,
    notice: null,
    saved: null,
    layoutVersion: 0,
    topoMenu: null,
    typing: null,
    setGuide: (guide: GuideView | null) => set({ guide, progress: guide ? get().progress : null }),
    setProgress: (progress: GuideProgressView | null) => set({ progress }),
    setFindings: (findings) => set({ findings, findingsByFrame: indexFindings(findings) }),
    openSide: (tab) => {
      const sideTab = tab ?? get().sideTab;
      set({ sideOpen: true, sideTab });
      saveSide(true, sideTab);
    },
    closeSide: () => { set({ sideOpen: false }); saveSide(false, get().sideTab); },
    setBanner: (banner) => set({ banner }),
    setNotice: (notice) => set({ notice }),
    setSaved: (saved) => set({ saved }),
    bumpLayout: () => set((s) => ({ layoutVersion: s.layoutVersion + 1 })),
    setTopoMenu: (topoMenu) => set({ topoMenu }),
    setTyping: (typing) => set({ typing }),
  };
};
