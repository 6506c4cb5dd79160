/** The one bound store, combined from its slices. */
import { create } from 'zustand';
import { createAnimSlice } from './animSlice.ts';
import { createCaptureSlice } from './captureSlice.ts';
import { createKeepalivedSlice } from './keepalivedSlice.ts';
import { createLabSlice } from './labSlice.ts';
import { createLabsSlice } from './labsSlice.ts';
import { createTerminalSlice } from './terminalSlice.ts';
import type { AppState } from './types.ts';
import { createUiSlice } from './uiSlice.ts';

export function createAppStore() {
  return create<AppState>()((...a) => ({
    ...createLabSlice(...a),
    ...createCaptureSlice(...a),
    ...createTerminalSlice(...a),
    ...createAnimSlice(...a),
    ...createUiSlice(...a),
    ...createLabsSlice(...a),
    ...createKeepalivedSlice(...a),
  }));
}

export const useApp = createAppStore();
export type { AppState } from './types.ts';
