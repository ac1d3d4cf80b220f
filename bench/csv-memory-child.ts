/**
 * One measurement of the 2 GB CSV benchmark in a fresh process, so its peak RSS is its own:
 * `csv-memory-child.ts <mode> <file.csv>`, mode `scan` (the baseline: DuckDB counts the rows in
 * one pass) or `validate` (validateFile with typical expectations). Prints one JSON line.
 */
import { countCsvRowsWithDuckDb } from './csv-row-count.ts';
import os from 'node:os';
import path from 'node:path';
import { FileArtifactStore } from '../artifacts/store.ts';
import { validateFile } from '../ops/data-validation/index.ts';

const [mode, file] = process.argv.slice(2) as [string, string];
const started = performance.now();
let detail: Record<string, unknown>;
if (mode === 'scan') {
  detail = { rows: await countCsvRowsWithDuckDb(file) };
} else {
  const artifacts = new FileArtifactStore(path.join(os.tmpdir(), `weir-bench-csv-${process.pid}`));
  const summary = await validateFile(file, {
    columns: {
      id: { type: 'integer', notNull: true, unique: true },
      amount: { type: 'float', between: [0, 1000] },
      segment: { type: 'string', allowedValues: ['a', 'b', 'c', 'd'] },
      note: { type: 'string', notNull: { mostly: 0.9 } },
    },
    rowCount: { min: 1 },
  }, { artifacts, key: 'report.json', dataRoots: [path.dirname(file)] });
  detail = { rows: summary.rowCount, passed: summary.passed, failures: summary.failures };
}
console.log(JSON.stringify({ ms: performance.now() - started, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), ...detail }));
