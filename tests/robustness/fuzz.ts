/**
 * Sizes and seeds of the robustness properties (tests/robustness/*.test.ts).
 *
 * `npm test` runs every property with the FIXED seed below and the default number of runs
 * (BUDGET: at least 100,000 generated inputs in total, well under a minute on two cores).
 * `npm run fuzz` (FUZZ=1) runs the same properties longer: FUZZ_RUNS is the total number of
 * inputs wanted (default 10x the normal run), shared out in the same proportions, with a
 * fresh seed each time unless FUZZ_SEED is given.
 *
 * A failure prints fast-check's report: the seed, the path of the shrunk case and the shrunk
 * input itself. To replay exactly that case:
 *   FUZZ=1 FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run --config vitest.fuzz.config.ts <file>
 */
import fc from 'fast-check';

export const FUZZ = process.env.FUZZ === '1';

/** The seed of the normal run. */
export const FIXED_SEED = 20240514;

/** Default runs of each property (the normal test run). Their sum is the suite's size. */
export const BUDGET = {
  // wire: bytes and frames (cheap: microseconds each)
  'wire.roundtrip': 8_000,
  'wire.random-bytes': 16_000,
  'wire.mutated-frames': 16_000,
  'wire.lab-frames': 8_000,
  'wire.pcapng': 6_000,
  'wire.filter-text': 12_000,
  'wire.filter-match': 8_000,
  // shell: command lines through a real LabSession (runs are sequences; BUDGET counts lines)
  'cmd.per-command': 9_000,
  'cmd.mutated': 6_000,
  'cmd.bash-syntax': 4_000,
  'cmd.parser': 10_000,
  // lab operations with invariants after every step (runs are sequences; BUDGET counts steps)
  'lab.ops': 5_000,
} as const;
export type BudgetKey = keyof typeof BUDGET;

export const DEFAULT_TOTAL = Object.values(BUDGET).reduce((a, b) => a + b, 0);

function envInt(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${v}: not a number`);
  return Math.floor(n);
}

const wanted = FUZZ ? (envInt('FUZZ_RUNS') ?? DEFAULT_TOTAL * 10) : DEFAULT_TOTAL;

/** Seed of this run: fixed normally; FUZZ_SEED or a fresh one when fuzzing. */
export const SEED: number = FUZZ ? (envInt('FUZZ_SEED') ?? ((Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0)) : FIXED_SEED;

/** Inputs for property `k` in this run (the budget scaled to FUZZ_RUNS when fuzzing). */
export function inputs(k: BudgetKey): number {
  return Math.max(1, Math.round((BUDGET[k] * wanted) / DEFAULT_TOTAL));
}

/**
 * fast-check parameters for property `k`: `perRun` inputs per fast-check run (sequences count
 * their elements). The seed is the same for every property, so one FUZZ_SEED replays them all.
 */
export function params<T>(k: BudgetKey, perRun = 1): fc.Parameters<T> {
  const path = process.env.FUZZ_PATH;
  return {
    seed: SEED,
    numRuns: Math.max(1, Math.round(inputs(k) / perRun)),
    ...(path ? { path, endOnFailure: true } : {}),
  };
}

let announced = false;
/** Print the seed once per file when fuzzing (fast-check prints it again on a failure). */
export function announce(file: string): void {
  if (!FUZZ || announced) return;
  announced = true;
  console.log(`[fuzz] ${file}: seed ${SEED}, ${wanted} inputs over the suite (replay: FUZZ_SEED=${SEED})`);
}
