import type { ColumnDrift } from './compare/compare-column.ts';

export type { ColumnDrift } from './compare/compare-column.ts';
export type { HistogramView } from './compare/display-histogram.ts';
export { chooseTest, isDrift, type ColumnTestChoice, type ColumnTestOverride, type DriftTestName } from './compare/choose.ts';

export interface DriftEvaluation {
  drifted: boolean;
  /** Drifted columns, in the order of the baseline. */
  driftedColumns: string[];
  /** Drifted share of the compared columns. */
  share: number;
  datasetDriftShare: number;
  referenceRows: number;
  currentRows: number;
  columns: ColumnDrift[];
}

/** Evidently's dataset rule: drifted when the drifted share of the compared columns reaches `datasetDriftShare`. */
export function decideDataset(columns: ColumnDrift[], datasetDriftShare: number, referenceRows: number, currentRows: number): DriftEvaluation {
  const driftedColumns = columns.filter((column) => column.drifted).map((column) => column.column);
  const share = columns.length === 0 ? 0 : driftedColumns.length / columns.length;
  return { drifted: columns.length > 0 && share >= datasetDriftShare, driftedColumns, share, datasetDriftShare, referenceRows, currentRows, columns };
}
