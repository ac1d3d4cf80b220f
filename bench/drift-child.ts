/**
 * One drift-throughput measurement in a fresh process, so its peak RSS is its own:
 * `drift-child.ts <mode> <train.parquet> <current.parquet>`, mode `scan` (the baseline: one
 * DuckDB pass over every column) or `pipeline` (validation, then drift against the baseline).
 * Prints one JSON line.
 */
import { ArtifactStore } from '../artifacts/store.ts';
import { computeBaseline, checkDrift } from '../ops/drift/index.ts';
import { validateFile, type ColumnExpectation, type Expectations } from '../ops/data-validation/index.ts';
import { DuckDBInstance } from '@duckdb/node-api';
import os from 'node:os';
import path from 'node:path';

const [mode, train, current] = process.argv.slice(2) as [string, string, string];
const started = performance.now();
let detail: Record<string, unknown>;
if (mode === 'scan') {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const columns = (await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${current}')`)).getRowObjectsJson().map((r) => String(r.column_name));
  const aggregates = columns.map((c) => `count(DISTINCT "${c}") AS "${c}"`).join(', ');
  await db.runAndReadAll(`SELECT count(*), ${aggregates} FROM read_parquet('${current}')`);
  detail = { columns: columns.length };
} else {
  const baseline = await computeBaseline(train);
  const baselineMs = performance.now() - started;
  const artifacts = new ArtifactStore(path.join(os.tmpdir(), `weir-bench-drift-${process.pid}`));
  const validation = await validateFile(current, syntheticExpectations(), { artifacts, key: 'validation.json' });
  const validatedMs = performance.now() - started;
  const drift = await checkDrift(current, baseline);
  detail = { baselineMs, validationMs: validatedMs - baselineMs, validationPassed: validation.passed, validationFailures: validation.failures, driftMs: performance.now() - validatedMs, rows: validation.rowCount, drifted: drift.drifted, share: drift.share };
}
/** What a team would assert about the synthetic batch: types, nulls, ranges and allowed values of all 20 columns. */
function syntheticExpectations(): Expectations {
  const columns: Record<string, ColumnExpectation> = {
    stable: { type: 'float', notNull: true, between: [0, 30] },
    shifted: { type: 'float', notNull: true, between: [0, 40] },
    segment: { type: 'string', notNull: true, allowedValues: ['a', 'b', 'c'] },
    plan_code: { type: 'integer', notNull: true, allowedValues: [1, 2, 3] },
    income: { type: 'float', notNull: { mostly: 0.85 }, between: [20_000, 100_000] },
  };
  for (let i = 0; i < 12; i++) columns[`x${i}`] = { type: 'float', notNull: true, between: [0, 3 * (i + 1)] };
  for (let i = 0; i < 3; i++) columns[`k${i}`] = { type: 'string', notNull: true, allowedValues: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] };
  return { rowCount: { min: 1_000_000 }, schema: { allowExtraColumns: false }, columns };
}

console.log(JSON.stringify({ ms: performance.now() - started, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), ...detail }));
