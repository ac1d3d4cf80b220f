import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dataFileSource, numericValueSql, openDataFile } from '../duckdb.ts';
import { ecdfBounds } from './binned-bounds.ts';
import { numericSummary } from './merged-values.ts';

const folder = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'evidently', 'large_reference');

describe('bounds of the exact KS and Wasserstein from fine bins', () => {
  for (const name of ['stable', 'shifted', 'heavy_tail', 'mixture', 'lognormal']) {
    it(`bracket the exact values for ${name}`, async () => {
      const reference = await dataFileSource(path.join(folder, 'reference.parquet'));
      const session = await openDataFile(path.join(folder, 'current.parquet'), { threads: 1 });
      try {
        const value = numericValueSql(name);
        const sources = { reference: { source: reference.source, valueSql: value }, current: { source: session.source, valueSql: value } };
        const exact = await numericSummary(session, sources);
        const bounds = await ecdfBounds(session, sources, exact.min, exact.max);
        expect(bounds.referenceValues).toBe(exact.referenceValues);
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
});
