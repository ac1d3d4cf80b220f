import type { BaselineRecord } from './baseline-store.ts';
import type { ColumnDrift, DriftEvaluation } from './evaluate.ts';
import type { BaselineStats } from './types.ts';

/** A number JSON can carry: JSON has no infinities or NaN, so those travel as these strings. */
export type JsonNumber = number | 'Infinity' | '-Infinity' | 'NaN';

/** A column as written to the JSON report: `null` still means "no current values". */
export interface ReportedColumn extends Omit<ColumnDrift, 'statistic' | 'pValue'> {
  statistic: JsonNumber | null;
  pValue: JsonNumber | null;
}

/** The JSON report artifact: the evaluation plus where both sides came from. */
export interface DriftReport extends Omit<DriftEvaluation, 'columns'> {
  createdAt: string;
  currentFile: string;
  baseline: Pick<BaselineRecord, 'id' | 'modelName' | 'modelVersion' | 'datasetPath' | 'datasetSha256'>;
  skipped: BaselineStats['skipped'];
  columns: ReportedColumn[];
}

export function buildDriftReport(evaluation: DriftEvaluation, baseline: BaselineRecord, currentFile: string, now: Date = new Date()): DriftReport {
  return {
    createdAt: now.toISOString(),
    currentFile,
    baseline: {
      id: baseline.id,
      modelName: baseline.modelName,
      modelVersion: baseline.modelVersion,
      datasetPath: baseline.datasetPath,
      datasetSha256: baseline.datasetSha256,
    },
    skipped: baseline.stats.skipped,
    ...evaluation,
    columns: evaluation.columns.map((column) => ({ ...column, statistic: jsonNumber(column.statistic), pValue: jsonNumber(column.pValue) })),
  };
}

export function jsonNumber(value: number | null): JsonNumber | null {
  if (value === null || Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

/** Reads a JsonNumber back as a number (Infinity, NaN included). */
export function fromJsonNumber(value: JsonNumber | null): number | null {
  return value === null ? null : Number(value);
}
