import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dataFileSource, doubleValueSql, numericValueSql, openDataFile } from '../duckdb.ts';
import { BOUND_BINS, ecdfBounds } from './binned-bounds.ts';
import { summarizeFile, type BinnedSummary } from './file-summary.ts';
import { numericSummary } from './merged-values.ts';

const folder = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'evidently', 'large_reference');

describe('bounds of the exact KS and Wasserstein from fine bins over the reference range', () => {
  for (const name of ['stable', 'shifted', 'heavy_tail', 'mixture', 'lognormal']) {
    it(`bracket the exact values for ${name}`, async () => {
      const reference = await dataFileSource(path.join(folder, 'reference.parquet'));
      const session = await openDataFile(path.join(folder, 'current.parquet'), { threads: 1 });
      try {
        const value = numericValueSql(name);
        const sources = { reference: { source: reference.source, valueSql: value }, current: { source: session.source, valueSql: value } };
        const exact = await numericSummary(session, sources);
        const range = (await session.query(`SELECT min(${value}) AS lo, max(${value}) AS hi FROM ${reference.source}`))[0]!;
        const [min, max] = [Number(range.lo), Number(range.hi)];
        const request = { kind: 'bins' as const, valueSql: value, doubleSql: doubleValueSql(name), min, max, bins: BOUND_BINS };
        const [ref] = (await summarizeFile(session, reference.source, [request])).columns as [BinnedSummary];
        const [cur] = (await summarizeFile(session, session.source, [request])).columns as [BinnedSummary];
        expect(ref.below.count + ref.above.count).toBe(0);
        const bounds = ecdfBounds(ref, cur, min, max)!;
        expect(bounds.referenceValues).toBe(exact.referenceValues);
        expect(bounds.currentValues).toBe(exact.currentValues);
        expect(bounds.ks[0]).toBeLessThanOrEqual(exact.ks + 1e-12);
        expect(bounds.ks[1]).toBeGreaterThanOrEqual(exact.ks - 1e-12);
        expect(bounds.wasserstein[0]).toBeLessThanOrEqual(exact.wasserstein * (1 + 1e-9));
        expect(bounds.wasserstein[1]).toBeGreaterThanOrEqual(exact.wasserstein * (1 - 1e-9));
        // Tight enough to decide most columns: the bracket is a small fraction of the value.
        expect(bounds.wasserstein[1] - bounds.wasserstein[0]).toBeLessThan(0.05 * exact.wasserstein + 1e-3 * (exact.max - exact.min));
      } finally {
        session.close();
      }
    });
  }

  it('refuses a reference with values outside the range it was binned over', async () => {
    const session = await openDataFile(path.join(folder, 'current.parquet'), { threads: 1 });
    try {
      const value = numericValueSql('stable');
      const request = { kind: 'bins' as const, valueSql: value, doubleSql: doubleValueSql('stable'), min: 0, max: 1e-9, bins: 16 };
      const [side] = (await summarizeFile(session, session.source, [request])).columns as [BinnedSummary];
      expect(side.above.count).toBeGreaterThan(0);
      expect(ecdfBounds(side, side, 0, 1e-9)).toBeUndefined();
    } finally {
      session.close();
    }
  });
});
