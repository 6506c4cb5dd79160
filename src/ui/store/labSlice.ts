import type { IpvsSnapshot } from '../../worker/protocol.ts';
import type { LabSlice, Slice } from './types.ts';

const NO_IPVS: IpvsSnapshot = { tables: {}, decisions: [], available: false };

export const createLabSlice: Slice<LabSlice> = (set) => ({
  preset: null,
  ready: false,
  engine: '',
  shells: [],
  topology: null,
  ipvs: NO_IPVS,
  status: null,
  errors: [],
  labStarted: (preset) => set({ preset, ready: false, topology: null, ipvs: NO_IPVS, status: null, shells: [] }),
  labReady: (preset, shells, topology, engine) => set({ preset, shells, topology, engine, ready: true }),
  setTopology: (topology, shells) => set(shells ? { topology, shells } : { topology }),
  setIpvs: (ipvs) => set({ ipvs }),
  setStatus: (status) => set({ status }),
  pushError: (e) => set((s) => ({ errors: [...s.errors.slice(-4), e] })),
  dismissError: (i) => set((s) => ({ errors: s.errors.filter((_, j) => j !== i) })),
});
