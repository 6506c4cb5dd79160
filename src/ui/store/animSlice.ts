import { labPort } from './port.ts';
import type { AnimSlice, Slice } from './types.ts';

export const SPEEDS = [0.25, 0.5, 1, 2, 4] as const;

export const createAnimSlice: Slice<AnimSlice> = (set, get) => ({
  mode: { animate: true, paused: false, speed: 1 },
  expandLabels: false,
  setExpandLabels: (expandLabels) => set({ expandLabels }),
  setMode: (m) => {
    const mode = { ...get().mode, ...m };
    set({ mode });
    labPort().send({ t: 'mode', mode });
  },
  step: () => {
    const { mode, status } = get();
    if (status?.travelAt == null && !mode.paused) get().setMode({ paused: true });
    labPort().send({ t: 'step' });
  },
  stepBack: () => {
    const { status, selectedNo } = get();
    if (!status || status.frames === 0) return;
    const at = status.travelAt ?? status.frames;
    const to = Math.max(1, at - 1);
    if (!get().mode.paused) get().setMode({ paused: true });
    labPort().send({ t: 'travel', no: to });
    if (selectedNo === null || selectedNo > to) set({ selectedNo: to, revealNo: to });
  },
  travel: (no) => labPort().send({ t: 'travel', no }),
});
