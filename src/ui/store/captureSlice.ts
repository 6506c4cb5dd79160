import { labPort } from './port.ts';
import type { CaptureSlice, Slice } from './types.ts';

export const createCaptureSlice: Slice<CaptureSlice> = (set, get) => ({
  viewCount: 0,
  viewGen: 0,
  rowsVersion: 0,
  selectedNo: null,
  revealNo: null,
  filterText: '',
  appliedFilter: '',
  filterError: null,
  point: { kind: 'all' },
  stream: null,
  bottomTab: 'packets',
  setView: (viewCount, viewGen) => set({ viewCount, viewGen }),
  rowsArrived: () => set((s) => ({ rowsVersion: s.rowsVersion + 1 })),
  select: (no, reveal = false) => set({ selectedNo: no, revealNo: reveal ? no : null }),
  revealed: () => set({ revealNo: null }),
  setFilterText: (filterText) => set({ filterText }),
  setFilterError: (filterError) => set({ filterError }),
  applyFilter: (text) => {
    set({ appliedFilter: text, filterText: text, filterError: null });
    labPort().send({ t: 'view', point: get().point, filter: text });
  },
  setPoint: (point) => {
    set({ point });
    labPort().send({ t: 'view', point, filter: get().appliedFilter });
  },
  setStream: (stream) => set({ stream }),
  setBottomTab: (bottomTab) => set({ bottomTab }),
});
