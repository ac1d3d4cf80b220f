import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../db/index.ts';
import { NonRetryableError } from '../../sdk/errors.ts';
import { testStack } from '../../test/stack.ts';
import { BaselineNotFoundError, computeBaseline, DriftInputError, linkBaseline, loadBaseline, saveBaseline, type ComputedBaseline } from './index.ts';
import { writeSyntheticDataset } from './testing/synthetic.ts';

describe('drift baselines', () => {
  const db = createDb(testStack().databaseUrl);
  let dir: string;
  let computed: ComputedBaseline;
  const modelName = `churn-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'weir-drift-baseline-'));
    await writeSyntheticDataset(path.join(dir, 'train.csv'), { rows: 800 });
    computed = await computeBaseline(path.join(dir, 'train.csv'));
  });

  afterAll(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('profiles every column with DuckDB and classifies it', () => {
    const { stats } = computed;
    expect(stats.rowCount).toBe(800);
    expect(computed.datasetSha256).toMatch(/^[0-9a-f]{64}$/);
    const kinds = Object.fromEntries(stats.columns.map((column) => [column.name, column.kind]));
    // plan_code is an integer with 3 values: categorical by the 5-value rule.
    expect(kinds).toEqual({ stable: 'numerical', shifted: 'numerical', segment: 'categorical', plan_code: 'categorical', income: 'numerical' });
    const income = stats.columns.find((column) => column.name === 'income');
    if (income?.kind !== 'numerical') throw new Error('income should be numerical');
    expect(income.nulls).toBeGreaterThan(40);
    expect(income.count + income.nulls).toBe(800);
    expect(income.sample).toBeUndefined();
    expect(income.histogram.counts.reduce((a, b) => a + b, 0)).toBe(income.count);
    expect(income.histogram.edges).toHaveLength(31);
    expect(income.quantiles['0.5']).toBeGreaterThan(income.min);
    const segment = stats.columns.find((column) => column.name === 'segment');
    if (segment?.kind !== 'categorical') throw new Error('segment should be categorical');
    expect(segment.frequencies.map((entry) => entry.value).sort()).toEqual(['a', 'b', 'c']);
  });

  it('gives the same statistics for the same file', async () => {
    const again = await computeBaseline(path.join(dir, 'train.csv'));
    expect(again.stats).toEqual(computed.stats);
  });

  it('saves, loads the newest, links to a version, and loads by version and id', async () => {
    const first = await saveBaseline(db, { modelName, ...computed });
    const second = await saveBaseline(db, { modelName, ...computed });
    expect(first.modelVersion).toBeNull();
    expect((await loadBaseline(db, { modelName })).id).toBe(second.id);

    const linked = await linkBaseline(db, first.id, '3');
    expect(linked.modelVersion).toBe('3');
    const byVersion = await loadBaseline(db, { modelName, modelVersion: '3' });
    expect(byVersion.id).toBe(first.id);
    expect(byVersion.stats).toEqual(computed.stats);
    expect(byVersion.datasetSha256).toBe(computed.datasetSha256);
    expect((await loadBaseline(db, { id: second.id })).createdAt).toBeInstanceOf(Date);
  });

  it('fails without retries, naming the model, when no baseline exists', async () => {
    const missing = loadBaseline(db, { modelName: 'no-such-model', modelVersion: '1' });
    await expect(missing).rejects.toBeInstanceOf(BaselineNotFoundError);
    await expect(missing).rejects.toBeInstanceOf(NonRetryableError);
    await expect(missing).rejects.toThrow(/model "no-such-model" version "1"/);
    await expect(loadBaseline(db, { id: 'not-a-number' })).rejects.toBeInstanceOf(BaselineNotFoundError);
    await expect(linkBaseline(db, '999999999', '1')).rejects.toBeInstanceOf(BaselineNotFoundError);
  });

  it('rejects a missing file and an unknown format with the file name', async () => {
    await expect(computeBaseline(path.join(dir, 'nope.parquet'))).rejects.toThrow(DriftInputError);
    await expect(computeBaseline(path.join(dir, 'nope.parquet'))).rejects.toThrow(/nope\.parquet/);
    await expect(computeBaseline(path.join(dir, 'train.csv'), { columns: ['missing'] })).rejects.toThrow(/Column "missing"/);
  });
});
