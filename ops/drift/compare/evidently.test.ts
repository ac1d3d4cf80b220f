import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { computeBaseline } from '../baseline.ts';
import { checkDrift } from '../check.ts';
import type { DriftTestName } from './choose.ts';

/** Written by ../fixtures/generate_evidently.py from Evidently 0.7.23's DataDriftPreset and scipy. */
interface Expected {
  name: string;
  overrides: Record<string, DriftTestName>;
  thresholds: Record<string, number>;
  categorical: string[];
  share: number;
  drifted: boolean;
  columns: { column: string; test: DriftTestName; threshold: number; score: number | null; drifted: boolean; referenceValues: number; currentValues: number; ksStatistic?: number }[];
}

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'evidently');
const { datasets } = JSON.parse(readFileSync(path.join(root, 'index.json'), 'utf8')) as { datasets: string[] };

describe('drift decisions agree with Evidently 0.7', () => {
  it('has fixtures', () => expect(datasets.length).toBeGreaterThan(10));

  for (const name of datasets) {
    it(name, async () => {
      const folder = path.join(root, name);
      const expected = JSON.parse(readFileSync(path.join(folder, 'expected.json'), 'utf8')) as Expected;
      const baseline = await computeBaseline(path.join(folder, 'reference.parquet'), { categorical: expected.categorical, threads: 1 });
      const overrides = Object.fromEntries(
        expected.columns
          .filter((column) => expected.overrides[column.column] !== undefined || expected.thresholds[column.column] !== undefined)
          .map((column) => [column.column, { ...(expected.overrides[column.column] ? { test: expected.overrides[column.column] } : {}), ...(expected.thresholds[column.column] ? { threshold: expected.thresholds[column.column] } : {}) }]),
      );
      const result = await checkDrift(path.join(folder, 'current.parquet'), baseline, { overrides, threads: 1 });
      for (const want of expected.columns) {
        const got = result.columns.find((column) => column.column === want.column);
        expect(got, want.column).toBeDefined();
        const where = `${name}.${want.column}`;
        expect({ where, test: got!.test, drifted: got!.drifted, referenceValues: got!.reference.count, currentValues: got!.current.count }).toEqual({
          where,
          test: want.test,
          drifted: want.drifted,
          referenceValues: want.referenceValues,
          currentValues: want.currentValues,
        });
        expect(got!.threshold, where).toBe(want.threshold);
        const score = got!.pValue ?? got!.statistic;
        if (want.score === null) expect(Number.isNaN(score), where).toBe(true);
        else expect(relativeError(score!, want.score), `${where}: ${score} vs ${want.score}`).toBeLessThan(toleranceFor(got!.ksMethod));
        if (want.ksStatistic !== undefined) expect(got!.statistic!, where).toBeCloseTo(want.ksStatistic, 12);
      }
      expect(result.share).toBeCloseTo(expected.share, 12);
      expect(result.drifted).toBe(expected.drifted);
    });
  }
});

describe('decided from bounds on every column that allows it, the decisions still agree with Evidently 0.7', () => {
  for (const name of datasets) {
    it(name, async () => {
      const folder = path.join(root, name);
      const expected = JSON.parse(readFileSync(path.join(folder, 'expected.json'), 'utf8')) as Expected;
      const baseline = await computeBaseline(path.join(folder, 'reference.parquet'), { categorical: expected.categorical, threads: 1 });
      const overrides = Object.fromEntries(
        expected.columns
          .filter((column) => expected.overrides[column.column] !== undefined || expected.thresholds[column.column] !== undefined)
          .map((column) => [column.column, { ...(expected.overrides[column.column] ? { test: expected.overrides[column.column] } : {}), ...(expected.thresholds[column.column] ? { threshold: expected.thresholds[column.column] } : {}) }]),
      );
      // Bounds for every size: what a file of millions of rows goes through, on the fixtures.
      const result = await checkDrift(path.join(folder, 'current.parquet'), baseline, { overrides, threads: 1 }, { boundsAboveValues: 0 });
      for (const want of expected.columns) {
        const got = result.columns.find((column) => column.column === want.column)!;
        const where = `${name}.${want.column}`;
        expect({ where, test: got.test, drifted: got.drifted }).toEqual({ where, test: want.test, drifted: want.drifted });
        if (got.statisticBound === undefined || want.score === null) continue;
        const exact = want.test === 'ks' ? want.ksStatistic! : want.score;
        expect(Math.abs(got.statistic! - exact), where).toBeLessThanOrEqual(got.statisticBound * (1 + 1e-9) + 1e-12);
      }
      expect(result.drifted).toBe(expected.drifted);
    });
  }
});

/** Exact computations agree to rounding; scipy's kstwo above 10,000 values is matched to 1e-6 (see README). */
function toleranceFor(ksMethod: string | undefined): number {
  return ksMethod === 'asymptotic' ? 1e-6 : 1e-9;
}

function relativeError(actual: number, expected: number): number {
  if (actual === expected) return 0;
  return Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
}
