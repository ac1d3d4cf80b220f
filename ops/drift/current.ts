import { categoryCounts } from './baseline.ts';
import { binCounts, categoryValueSql, isCategoryType, isNumericType, numericSample, openDataFile, sqlString, type DuckDbLimits } from './duckdb.ts';
import { DriftInputError } from './errors.ts';
import { OTHER_CATEGORY, type BaselineStats, type CategoryCount, type ColumnBaseline } from './types.ts';

export interface CurrentNumericalColumn {
  kind: 'numerical';
  count: number;
  nulls: number;
  /** Counts in the baseline's bins, plus values below and above the reference range. */
  counts: number[];
  below: number;
  above: number;
  /** Present only when a sample-based test (KS, Wasserstein) runs on the column. */
  sample?: number[];
}

export interface CurrentCategoricalColumn {
  kind: 'categorical';
  count: number;
  nulls: number;
  /** Baseline categories, and `__other__` for every value the baseline did not keep. */
  frequencies: CategoryCount[];
}

export type CurrentColumn = CurrentNumericalColumn | CurrentCategoricalColumn;

export interface CurrentProfile {
  rowCount: number;
  columns: Map<string, CurrentColumn>;
}

export interface ProfileCurrentOptions extends DuckDbLimits {
  /** Baseline columns to profile. */
  columns: readonly ColumnBaseline[];
  /** Columns that need a value sample (KS, Wasserstein). */
  sampleColumns: ReadonlySet<string>;
  sampleSize: number;
  seed: number;
}

/**
 * Summarises the current batch in the baseline's terms, all inside DuckDB: one grouped scan per
 * column (bins or categories) and a reservoir sample where a test needs values. Only bin counts
 * and samples reach JS, whatever the file's size.
 */
export async function profileCurrent(file: string, baseline: BaselineStats, options: ProfileCurrentOptions): Promise<CurrentProfile> {
  const session = await openDataFile(file, options);
  try {
    const available = new Map((await session.columns()).map((column) => [column.name, column.sqlType]));
    const rowCount = Number((await session.query(`SELECT count(*) AS n FROM ${session.source}`))[0]?.n ?? 0);
    if (rowCount === 0) throw new DriftInputError(`Current data ${session.file} has no rows`, session.file);
    const columns = new Map<string, CurrentColumn>();
    for (const column of options.columns) {
      const sqlType = available.get(column.name);
      if (sqlType === undefined) {
        throw new DriftInputError(`Column "${column.name}" of the baseline is missing from ${session.file}`, session.file, column.name);
      }
      if (column.kind === 'numerical') {
        if (!isNumericType(sqlType)) {
          throw new DriftInputError(`Column "${column.name}" is numerical in the baseline but ${sqlType} in ${session.file}`, session.file, column.name);
        }
        const bins = await binCounts(session, column.name, column.histogram.edges);
        const count = bins.counts.reduce((acc, n) => acc + n, 0) + bins.below + bins.above;
        const sample = options.sampleColumns.has(column.name) ? await numericSample(session, column.name, options.sampleSize, options.seed) : undefined;
        columns.set(column.name, { kind: 'numerical', count, nulls: rowCount - count, ...bins, ...(sample ? { sample } : {}) });
      } else {
        if (!isNumericType(sqlType) && !isCategoryType(sqlType)) {
          throw new DriftInputError(`Column "${column.name}" is categorical in the baseline but ${sqlType} in ${session.file}`, session.file, column.name);
        }
        const known = column.frequencies.map((entry) => entry.value).filter((value) => value !== OTHER_CATEGORY);
        const value = categoryValueSql(column.name, sqlType);
        // Values the baseline never kept collapse into one bucket, so a high-cardinality batch
        // still returns a handful of rows.
        const isKnown = known.length === 0 ? 'false' : `${value} IN (${known.map(sqlString).join(', ')})`;
        const mapped = `CASE WHEN ${value} IS NULL THEN NULL WHEN ${isKnown} THEN ${value} ELSE ${sqlString(OTHER_CATEGORY)} END`;
        const frequencies = await categoryCounts(session, mapped);
        const count = frequencies.reduce((acc, entry) => acc + entry.count, 0);
        columns.set(column.name, { kind: 'categorical', count, nulls: rowCount - count, frequencies });
      }
    }
    return { rowCount, columns };
  } finally {
    session.close();
  }
}
