import { appendFile, copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeBaseline } from './baseline.ts';
import { checkDrift } from './check.ts';
import { DriftInputError } from './errors.ts';
import { writeSyntheticDataset } from './testing/synthetic.ts';

/** 150,000 rows a side: above the 200,000 values where big numerical columns are decided from bounds. */
const ROWS = 150_000;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'weir-drift-one-pass-'));
  const wide = { extraNumeric: 2, extraCategorical: 1 };
  for (const extension of ['parquet', 'csv']) {
    await writeSyntheticDataset(path.join(dir, `train.${extension}`), { rows: ROWS, seed: 0.1, ...wide });
    await writeSyntheticDataset(path.join(dir, `batch.${extension}`), { rows: ROWS, seed: 0.2, shift: 2, segmentMix: [0.3, 0.3], ...wide });
  }
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('one pass per file', () => {
  it('decides from bounds what the exact computation decides, the exact value inside the stated bound', async () => {
    const baseline = await computeBaseline(path.join(dir, 'train.parquet'), { threads: 1 });
    const fast = await checkDrift(path.join(dir, 'batch.parquet'), baseline, { threads: 1 });
    const exact = await checkDrift(path.join(dir, 'batch.parquet'), baseline, { threads: 1 }, { boundsAboveValues: Number.POSITIVE_INFINITY });
    expect(fast.driftedColumns).toEqual(exact.driftedColumns);
    expect(fast.driftedColumns).toContain('shifted');
    const bounded = fast.columns.filter((column) => column.statisticBound !== undefined);
    expect(bounded.map((column) => column.column)).toEqual(['stable', 'shifted', 'income', 'x0', 'x1']);
    for (const column of fast.columns) {
      const twin = exact.columns.find((other) => other.column === column.column)!;
      expect({ column: column.column, test: column.test, drifted: column.drifted, reference: column.reference, current: column.current })
        .toEqual({ column: twin.column, test: twin.test, drifted: twin.drifted, reference: twin.reference, current: twin.current });
      if (column.statisticBound === undefined) expect(column.statistic, column.column).toBeCloseTo(twin.statistic!, 12);
      else {
        expect(Math.abs(column.statistic! - twin.statistic!), column.column).toBeLessThanOrEqual(column.statisticBound);
        // 16,384 bins over the reference's range: the bracket is a small fraction of the threshold.
        expect(column.statisticBound, column.column).toBeLessThan(0.01 * column.threshold);
      }
    }
  }, 120_000);

  it('reads a CSV (parsed once into a table) to the same result as the same data in Parquet', async () => {
    const fromParquet = await checkDrift(path.join(dir, 'batch.parquet'), await computeBaseline(path.join(dir, 'train.parquet'), { threads: 1 }), { threads: 1 });
    const fromCsv = await checkDrift(path.join(dir, 'batch.csv'), await computeBaseline(path.join(dir, 'train.csv'), { threads: 1 }), { threads: 1 });
    expect(fromCsv.currentRows).toBe(ROWS);
    expect(fromCsv.driftedColumns).toEqual(fromParquet.driftedColumns);
    for (const column of fromCsv.columns) {
      const twin = fromParquet.columns.find((other) => other.column === column.column)!;
      expect({ column: column.column, test: column.test, count: column.current.count }).toEqual({ column: twin.column, test: twin.test, count: twin.current.count });
      // CSV text rounds the doubles, so the statistics agree closely, not to the last bit.
      expect(Math.abs(column.statistic! - twin.statistic!), column.column).toBeLessThan(1e-3);
    }
  }, 120_000);

  it('reports a training file changed since the baseline, even though its scan ran beside the hash', async () => {
    const training = path.join(dir, 'train-copy.csv');
    await copyFile(path.join(dir, 'train.csv'), training);
    const baseline = await computeBaseline(training, { threads: 1 });
    await appendFile(training, '1,2,a,1,30000.5,1,2,b\n');
    await expect(checkDrift(path.join(dir, 'batch.csv'), baseline, { threads: 1 })).rejects.toThrow(DriftInputError);
    await expect(checkDrift(path.join(dir, 'batch.csv'), baseline, { threads: 1 })).rejects.toThrow(/changed since the baseline was computed/);
  }, 120_000);
});
