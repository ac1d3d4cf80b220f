/**
 * Times drift over a large generated Parquet file, once, by hand (not a test; no assertions):
 *
 *   /usr/bin/time -v npx tsx ops/drift/testing/time-drift.ts /tmp/drift-bench [rows]
 *
 * Generates `train.parquet` (1M rows) and `current.parquet` (default 10M rows), 20 columns each,
 * unless present, then prints the seconds each step took. A benchmark can call the same plain
 * functions: computeBaseline() and checkDrift().
 */
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { computeBaseline } from '../baseline.ts';
import { checkDrift } from '../check.ts';
import { writeSyntheticDataset } from './synthetic.ts';

const dir = process.argv[2] ?? '/tmp/weir-drift-bench';
const rows = Number(process.argv[3] ?? 10_000_000);
const wide = { extraNumeric: 12, extraCategorical: 3 };

async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(cpu);
  // CPU seconds too: on a shared machine the wall clock says more about the neighbours.
  console.log(`${label}: ${((performance.now() - start) / 1000).toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU`);
  return result;
}

async function ensure(file: string, make: () => Promise<void>): Promise<void> {
  try {
    await access(file);
  } catch {
    await timed(`generate ${path.basename(file)}`, make);
  }
}

await mkdir(dir, { recursive: true });
const train = path.join(dir, 'train.parquet');
const current = path.join(dir, `current-${rows}.parquet`);
await ensure(train, () => writeSyntheticDataset(train, { rows: 1_000_000, seed: 0.1, ...wide }));
await ensure(current, () => writeSyntheticDataset(current, { rows, seed: 0.2, shift: 2, segmentMix: [0.3, 0.3], ...wide }));
const baseline = await timed('baseline (1M rows)', () => computeBaseline(train));
const result = await timed(`drift (${rows} rows x ${baseline.stats.columns.length} columns)`, () => checkDrift(current, baseline));
console.log(`drifted=${result.drifted} share=${result.share.toFixed(2)} columns=${result.driftedColumns.join(',')}`);
console.log(`peak RSS (process): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
