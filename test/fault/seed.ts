import fc from 'fast-check';

/**
 * One seed for every generated input of the fault suite, so a CI failure replays exactly:
 * `WEIR_FAULT_SEED=<seed> npx vitest run test/fault` (add `WEIR_FAULT_PATH=<path>` to start at
 * the shrunk counterexample). The default is fixed, so the suite reruns the same cases every time.
 */
export const FAULT_SEED = parseSeed(process.env.WEIR_FAULT_SEED);
const FAULT_PATH = process.env.WEIR_FAULT_PATH;

function parseSeed(text: string | undefined): number {
  if (text === undefined || text.trim() === '') return 20_261_130;
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new Error(`WEIR_FAULT_SEED must be an integer, got "${text}"`);
  return seed;
}

/** How to rerun this one case, printed with every failure. */
export function replayHint(seed: number, path: string | null | undefined): string {
  return `replay: WEIR_FAULT_SEED=${seed}${path ? ` WEIR_FAULT_PATH=${path}` : ''} npx vitest run test/fault`;
}

/**
 * Runs a fast-check property with the suite's seed; on failure, throws fast-check's report
 * (counterexample, shrunk input, the error) with the line that replays it first.
 *
 * @example
 * await checkFaults(fc.asyncProperty(fc.string(), async (text) => { ... }), 20);
 */
export async function checkFaults<T>(property: fc.IAsyncProperty<T> | fc.IProperty<T>, numRuns: number): Promise<void> {
  const details = await fc.check(property, { seed: FAULT_SEED, numRuns, ...(FAULT_PATH ? { path: FAULT_PATH } : {}) });
  if (!details.failed) return;
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(`${replayHint(details.seed, details.counterexamplePath)}\n${fc.defaultReportMessage(details) ?? ''}\nGot: ${cause}`);
}

/**
 * A fixed list of generated values, the same for the same seed: for inputs too costly to run
 * as a shrinking property (each one a workflow run). The seed is in every failing case's label.
 */
export function sampleFaults<T>(arbitrary: fc.Arbitrary<T>, count: number): T[] {
  return fc.sample(arbitrary, { seed: FAULT_SEED, numRuns: count });
}
