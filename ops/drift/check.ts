import { profileCurrent } from './current.ts';
import type { DuckDbLimits } from './duckdb.ts';
import { DriftConfigError } from './errors.ts';
import { chooseTest, evaluateDrift, SAMPLE_TESTS, type ColumnTestChoice, type ColumnTestOverride, type DriftEvaluation } from './evaluate.ts';
import type { BaselineStats } from './types.ts';

export interface DriftCheckOptions extends DuckDbLimits {
  /** Compare only these baseline columns; default all. */
  columns?: readonly string[];
  /** Per column: another test and/or threshold than Evidently's default. */
  overrides?: Readonly<Record<string, ColumnTestOverride>>;
  /** Dataset drift when at least this share of the columns drift; default 0.5. */
  datasetDriftShare?: number;
  /** Current values sampled per column for KS and Wasserstein; default the baseline's sample size. */
  sampleSize?: number;
  seed?: number;
}

/**
 * Drift of one data file against a baseline, with no database or artifacts involved: the plain
 * function behind `detectDrift`, and what a benchmark times.
 *
 * @example
 * const { stats } = await computeBaseline('train.parquet');
 * const result = await checkDrift('batch.parquet', stats);
 * if (result.drifted) console.log(result.driftedColumns);
 */
export async function checkDrift(file: string, baseline: BaselineStats, options: DriftCheckOptions = {}): Promise<DriftEvaluation> {
  const datasetDriftShare = options.datasetDriftShare ?? 0.5;
  if (!(datasetDriftShare > 0 && datasetDriftShare <= 1)) {
    throw new DriftConfigError(`datasetDriftShare must be in (0, 1], got ${datasetDriftShare}`, undefined);
  }
  const known = new Set(baseline.columns.map((column) => column.name));
  for (const name of [...(options.columns ?? []), ...Object.keys(options.overrides ?? {})]) {
    if (!known.has(name)) {
      const skipped = baseline.skipped.find((entry) => entry.name === name);
      throw new DriftConfigError(
        skipped ? `Column "${name}" has no baseline statistics: ${skipped.reason}` : `Column "${name}" is not in the baseline; it has ${[...known].join(', ')}`,
        name,
      );
    }
  }
  const wanted = options.columns ? new Set(options.columns) : known;
  const columns = baseline.columns.filter((column) => wanted.has(column.name));
  const choices = new Map<string, ColumnTestChoice>(columns.map((column) => [column.name, chooseTest(column, baseline.rowCount, options.overrides?.[column.name])]));
  const sampleColumns = new Set([...choices].filter(([, choice]) => SAMPLE_TESTS.has(choice.test)).map(([name]) => name));
  const current = await profileCurrent(file, {
    columns,
    sampleColumns,
    sampleSize: options.sampleSize ?? baseline.sampleSize,
    seed: options.seed ?? 42,
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.memoryLimit !== undefined ? { memoryLimit: options.memoryLimit } : {}),
  });
  return evaluateDrift(baseline, current, choices, datasetDriftShare);
}
