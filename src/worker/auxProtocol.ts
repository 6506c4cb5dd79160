/**
 * The protocol of the auxiliary worker: work that builds labs of its own, apart from the
 * page's running lab (which stays responsive meanwhile, in its own worker):
 *  - the scheduler bench (benchRunner.ts): one lab per scheduler, each loaded at full speed;
 *    the state of the run being worked on is posted about every 150 ms while it runs;
 *  - the four-mode comparison (src/labs/modes.ts): four labs, one `curl VIP` each.
 * Plain structured-clone data both ways, like protocol.ts.
 */
import type { ModesComparison } from '../labs/modes.ts';
import type { BenchRequest, BenchRunState } from './benchRunner.ts';

export type ToAux =
  | { readonly t: 'bench'; readonly id: number; readonly req: BenchRequest }
  | { readonly t: 'cancel'; readonly id: number }
  | { readonly t: 'modes'; readonly id: number };

export type FromAux =
  /** The state of run `index` of bench `id` (all runs are listed in the request's order). */
  | { readonly t: 'bench'; readonly id: number; readonly index: number; readonly run: BenchRunState }
  | { readonly t: 'benchDone'; readonly id: number; readonly cancelled: boolean }
  | { readonly t: 'modes'; readonly id: number; readonly result: ModesComparison | null; readonly error?: string };
