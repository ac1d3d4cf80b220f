/**
 * One measurement of the drift CSV memory benchmark in a fresh process, so its peak RSS is its
 * own: `drift-csv-memory-child.ts scan <file.csv>` (the baseline: DuckDB counts the rows in one
 * pass) or `drift-csv-memory-child.ts drift <file.csv> <training.csv>` (computeBaseline of the
 * training file, then checkDrift of the big one). Prints one JSON line.
 */
import { countCsvRowsWithDuckDb } from './csv-row-count.ts';
import { checkDrift, computeBaseline } from '../ops/drift/index.ts';

const [mode, file, training] = process.argv.slice(2) as [string, string, string | undefined];
const started = performance.now();
let detail: Record<string, unknown>;
if (mode === 'scan') {
  detail = { rows: await countCsvRowsWithDuckDb(file) };
} else {
  const baseline = await computeBaseline(training!);
  const checkStarted = performance.now();
  const result = await checkDrift(file, baseline);
  detail = { rows: result.currentRows, driftMs: performance.now() - checkStarted, driftedColumns: result.driftedColumns };
}
console.log(JSON.stringify({ ms: performance.now() - started, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), ...detail }));
