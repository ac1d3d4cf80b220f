/**
 * Weir's side of the Evidently comparison, in a fresh process so its CPU time and peak RSS are
 * its own: `drift-evidently-child.ts <reference.parquet> <current.parquet>` computes the
 * baseline and checks the batch against it, then prints one JSON line.
 */
import { computeBaseline, checkDrift } from '../ops/drift/index.ts';

const [reference, current] = process.argv.slice(2) as [string, string];
const before = process.cpuUsage();
const started = performance.now();
const baseline = await computeBaseline(reference);
const baselineMs = performance.now() - started;
const result = await checkDrift(current, baseline);
const cpu = process.cpuUsage(before);
console.log(JSON.stringify({
  wallMs: performance.now() - started,
  baselineMs,
  cpuMs: (cpu.user + cpu.system) / 1000,
  peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  columns: result.columns.length,
  driftedColumns: result.driftedColumns,
  tests: Object.fromEntries(result.columns.map((column) => [column.column, column.test])),
}));
