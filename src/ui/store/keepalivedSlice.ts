/** keepalived as the lab reports it (VRRP state per director, checker verdicts per real server). */
import { NO_KEEPALIVED } from '../../worker/keepalivedTypes.ts';
import type { KeepalivedSlice, Slice } from './types.ts';

export const createKeepalivedSlice: Slice<KeepalivedSlice> = (set) => ({
  keepalived: NO_KEEPALIVED,
  setKeepalived: (keepalived) => set({ keepalived }),
});
