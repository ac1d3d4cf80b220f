/**
 * Drift detection, Evidently-style: baselines of training data in Postgres, statistical tests
 * in TypeScript, heavy lifting in DuckDB. See README.md beside this file.
 */
export { computeBaseline, type ComputeBaselineOptions, type ComputedBaseline } from './baseline.ts';
export { saveBaseline, loadBaseline, findBaseline, linkBaseline, type BaselineRecord, type BaselineRef, type NewBaseline } from './baseline-store.ts';
export { checkDrift, type DriftCheckOptions } from './check.ts';
export { detectDrift, type DetectDriftOptions, type DriftSummary } from './operator.ts';
export { chooseTest, decideDataset, type ColumnDrift, type ColumnTestOverride, type DriftEvaluation, type DriftTestName } from './evaluate.ts';
export { buildDriftReport, type DriftReport } from './report.ts';
export { renderDriftHtml } from './report-html.ts';
export { BaselineNotFoundError, DriftConfigError, DriftInputError } from './errors.ts';
export type { BaselineStats, ColumnBaseline, ColumnKind } from './types.ts';
export type { BaselineTables, BaselinesTable } from './tables.ts';
