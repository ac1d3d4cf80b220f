import { describe, expect, it } from 'vitest';
import type { DriftEvaluation } from './evaluate.ts';
import { buildDriftReport, fromJsonNumber, jsonNumber } from './report.ts';

const column = (statistic: number | null, pValue: number | null) => ({
  column: 'segment',
  kind: 'categorical' as const,
  test: 'chisquare' as const,
  threshold: 0.05,
  statistic,
  pValue,
  drifted: true,
  distinctBothSides: 4,
  reference: { count: 10, nulls: 0 },
  current: { count: statistic === null ? 0 : 10, nulls: 0 },
  histogram: { axis: 'category' as const, labels: [], reference: [], current: [] },
});

describe('the JSON report', () => {
  it('writes an infinite chi-squared as "Infinity" and keeps null for "no current values"', () => {
    const evaluation: DriftEvaluation = { drifted: true, driftedColumns: ['segment'], share: 1, datasetDriftShare: 0.5, referenceRows: 10, currentRows: 10, columns: [column(Infinity, 0), column(null, null)] };
    const record = { id: '1', modelName: 'm', modelVersion: null, datasetPath: '/t.parquet', datasetSha256: 'x', createdAt: new Date(0), stats: { formatVersion: 2 as const, rowCount: 10, bins: 30, quantileMethod: 'exact' as const, columns: [], skipped: [] } };
    const parsed = JSON.parse(JSON.stringify(buildDriftReport(evaluation, record, 'b.parquet', new Date(0)))) as ReturnType<typeof buildDriftReport>;
    expect(parsed.columns[0]).toMatchObject({ statistic: 'Infinity', pValue: 0 });
    expect(parsed.columns[1]).toMatchObject({ statistic: null, pValue: null });
    expect(fromJsonNumber(parsed.columns[0]!.statistic)).toBe(Infinity);
  });

  it('round-trips every number JSON cannot carry', () => {
    for (const value of [Infinity, -Infinity, Number.NaN, 0.25, null]) expect(fromJsonNumber(jsonNumber(value))).toEqual(value);
  });
});
