import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../artifacts/store.ts';
import { createDb } from '../../db/index.ts';
import { dag } from '../../sdk/dag.ts';
import type { TaskContext } from '../../sdk/context.ts';
import { NonRetryableError } from '../../sdk/errors.ts';
import { testStack } from '../../test/stack.ts';
import type { WeirServices } from '../../sdk/services.ts';
import { testServices } from '../test-services.ts';
import { computeBaseline, detectDrift, saveBaseline, type DriftReport } from './index.ts';
import { writeSyntheticDataset } from './testing/synthetic.ts';

let services: WeirServices;

function taskContext(events: { type: string; details: Record<string, unknown> }[]): TaskContext {
  const noop = () => {};
  return {
    params: {},
    outputs: {},
    taskId: 'drift',
    run: { runId: `run-${randomUUID()}`, dagId: 'churn', runType: 'manual', logicalDate: '2026-11-26T00:00:00Z', dataIntervalStart: '2026-11-25T00:00:00Z', dataIntervalEnd: '2026-11-26T00:00:00Z', attempt: 1 },
    signal: new AbortController().signal,
    heartbeat: noop,
    log: { debug: noop, info: noop, warn: noop, error: noop },
    emit: (type, details) => void events.push({ type, details }),
    services,
  };
}

describe('detectDrift', () => {
  const db = createDb(testStack().databaseUrl);
  const suffix = randomUUID().slice(0, 8);
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'weir-drift-operator-'));
    services = testServices({ db, artifacts: new ArtifactStore(path.join(dir, 'artifacts')), env: { WEIR_DATA_ROOTS: dir } });
    // Large reference (> 1,000 rows): normed Wasserstein and Jensen–Shannon.
    await writeSyntheticDataset(path.join(dir, 'train.parquet'), { rows: 20_000, seed: 0.1 });
    await writeSyntheticDataset(path.join(dir, 'same.parquet'), { rows: 8_000, seed: 0.2 });
    await writeSyntheticDataset(path.join(dir, 'shifted.parquet'), { rows: 8_000, seed: 0.3, shift: 3, segmentMix: [0.2, 0.3] });
    await saveBaseline(db, { modelName: `churn-${suffix}`, ...(await computeBaseline(path.join(dir, 'train.parquet'))) });
    // Small reference (<= 1,000 rows): KS and chi-squared.
    await writeSyntheticDataset(path.join(dir, 'small-train.csv'), { rows: 900, seed: 0.4 });
    await writeSyntheticDataset(path.join(dir, 'small-shifted.csv'), { rows: 700, seed: 0.5, shift: 3, segmentMix: [0.2, 0.3] });
    await saveBaseline(db, { modelName: `small-${suffix}`, modelVersion: '1', ...(await computeBaseline(path.join(dir, 'small-train.csv'))) });
  });

  afterAll(async () => {
    await db.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the shifted column and the changed category mix, and writes both reports', async () => {
    const events: { type: string; details: Record<string, unknown> }[] = [];
    const body = detectDrift({ current: path.join(dir, 'shifted.parquet'), baseline: { modelName: `churn-${suffix}` } });
    const summary = await body(taskContext(events));

    expect(summary.driftedColumns.sort()).toEqual(['segment', 'shifted']);
    expect(summary.share).toBeCloseTo(2 / 5);
    // 2 of 5 is below the default 50 %: the dataset as a whole has not drifted.
    expect(summary.drifted).toBe(false);
    expect(events).toEqual([]);

    const report = JSON.parse(await readFile(fileURLToPath(summary.reportUri), 'utf8')) as DriftReport;
    const byColumn = Object.fromEntries(report.columns.map((column) => [column.column, column]));
    expect(byColumn.shifted).toMatchObject({ test: 'wasserstein', threshold: 0.1, drifted: true, pValue: null });
    expect(byColumn.segment).toMatchObject({ test: 'jensenshannon', drifted: true });
    expect(byColumn.stable).toMatchObject({ test: 'wasserstein', drifted: false });
    expect(byColumn.stable!.statistic).toBeLessThan(0.1);
    expect(byColumn.income?.current.nulls).toBeGreaterThan(0);
    // The shift pushes current values past the drawn range; the report counts them as clipped.
    expect(byColumn.shifted!.histogram.clipped?.above.current).toBeGreaterThan(0);

    const html = await readFile(fileURLToPath(summary.htmlUri), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('shifted');
    expect(html).not.toMatch(/<script|<link|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('calls the dataset drifted at a lower share, per-column tests apply, and a drift event is emitted', async () => {
    const events: { type: string; details: Record<string, unknown> }[] = [];
    const body = detectDrift({
      current: () => path.join(dir, 'shifted.parquet'),
      baseline: async () => ({ modelName: `churn-${suffix}` }),
      datasetDriftShare: 0.4,
      overrides: { segment: { test: 'psi' }, shifted: { test: 'ks', threshold: 0.01 } },
    });
    const summary = await body(taskContext(events));
    expect(summary.drifted).toBe(true);
    expect(summary.driftedColumns.sort()).toEqual(['segment', 'shifted']);
    expect(events.map((event) => event.type)).toEqual(['drift']);
    const report = JSON.parse(await readFile(fileURLToPath(summary.reportUri), 'utf8')) as DriftReport;
    const segment = report.columns.find((column) => column.column === 'segment');
    expect(segment).toMatchObject({ test: 'psi', psiBand: 'significant' });
  });

  it('finds nothing in a batch from the training distribution', async () => {
    const summary = await detectDrift({ current: path.join(dir, 'same.parquet'), baseline: { modelName: `churn-${suffix}` } })(taskContext([]));
    expect(summary).toMatchObject({ drifted: false, driftedColumns: [], share: 0 });
  });

  it('uses KS and chi-squared p-values for a small reference', async () => {
    const summary = await detectDrift({
      current: path.join(dir, 'small-shifted.csv'),
      baseline: { modelName: `small-${suffix}`, modelVersion: '1' },
      columns: ['stable', 'shifted', 'segment'],
    })(taskContext([]));
    expect(summary.driftedColumns.sort()).toEqual(['segment', 'shifted']);
    expect(summary.drifted).toBe(true);
    const report = JSON.parse(await readFile(fileURLToPath(summary.reportUri), 'utf8')) as DriftReport;
    const byColumn = Object.fromEntries(report.columns.map((column) => [column.column, column]));
    expect(byColumn.shifted).toMatchObject({ test: 'ks', threshold: 0.05 });
    expect(byColumn.shifted!.pValue).toBeLessThan(1e-6);
    expect(byColumn.segment).toMatchObject({ test: 'chisquare' });
    expect(byColumn.stable!.pValue).toBeGreaterThan(0.05);
  });

  it('fails without retries when the baseline or a column is missing', async () => {
    const noBaseline = detectDrift({ current: path.join(dir, 'same.parquet'), baseline: { modelName: 'never-trained' } })(taskContext([]));
    await expect(noBaseline).rejects.toBeInstanceOf(NonRetryableError);
    await expect(noBaseline).rejects.toThrow(/No drift baseline found for model "never-trained"/);
    const wrongTest = detectDrift({ current: path.join(dir, 'same.parquet'), baseline: { modelName: `churn-${suffix}` }, overrides: { segment: { test: 'ks' } } })(taskContext([]));
    await expect(wrongTest).rejects.toThrow(/"ks" does not apply to categorical column "segment"/);
    const missingFile = detectDrift({ current: path.join(dir, 'gone.parquet'), baseline: { modelName: `churn-${suffix}` } })(taskContext([]));
    await expect(missingFile).rejects.toBeInstanceOf(NonRetryableError);
  });

  it('fits a DAG: a branch routes on ctx.outputs.drift.drifted', () => {
    const defined = dag({ id: 'drift_typing' })
      .task('extract', async () => ({ file: 'batch.parquet' }))
      .task('drift', { needs: ['extract'] }, detectDrift({ current: (ctx) => ctx.outputs.extract.file, baseline: { modelName: 'churn' } }))
      .branch('route', { needs: ['drift'] }, (ctx) => (ctx.outputs.drift.drifted ? 'retrain' : 'done'));
    expect(defined.tasks.map((task) => task.id)).toEqual(['extract', 'drift', 'route']);
  });
});
