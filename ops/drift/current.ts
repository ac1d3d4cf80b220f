import { categoryValueSql, isCategoryType, isNumericType, openDataFile, sqlString, type DataFileSession, type DuckDbLimits } from './duckdb.ts';
import { DriftInputError } from './errors.ts';
import { scanNumericColumns } from './scan/numeric-scan.ts';
import { OTHER_CATEGORY, type CategoricalColumnBaseline, type CategoryCount, type ColumnBaseline, type NumericalColumnBaseline } from './types.ts';

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
 * Summarises the current batch in the baseline's terms: one streamed pass bins and samples every
 * numerical column, and one grouped DuckDB scan per categorical column counts its categories.
 * Only bin counts, category counts and samples are kept, whatever the file's size.
 */
export async function profileCurrent(file: string, options: ProfileCurrentOptions): Promise<CurrentProfile> {
  const session = await openDataFile(file, options);
  try {
    const available = new Map((await session.columns()).map((column) => [column.name, column.sqlType]));
    const rowCount = Number((await session.query(`SELECT count(*) AS n FROM ${session.source}`))[0]?.n ?? 0);
    if (rowCount === 0) throw new DriftInputError(`Current data ${session.file} has no rows`, session.file);
    for (const column of options.columns) {
      const sqlType = available.get(column.name);
      if (sqlType === undefined) {
        throw new DriftInputError(`Column "${column.name}" of the baseline is missing from ${session.file}`, session.file, column.name);
      }
      const fits = column.kind === 'numerical' ? isNumericType(sqlType) : isNumericType(sqlType) || isCategoryType(sqlType);
      if (!fits) throw new DriftInputError(`Column "${column.name}" is ${column.kind} in the baseline but ${sqlType} in ${session.file}`, session.file, column.name);
    }
    const numerical = options.columns.filter((column): column is NumericalColumnBaseline => column.kind === 'numerical');
    const scanned = await scanNumericColumns(
      session,
      numerical.map((column) => ({ name: column.name, edges: column.histogram.edges, sample: options.sampleColumns.has(column.name) })),
      { sampleSize: options.sampleSize, seed: options.seed },
    );
    const columns = new Map<string, CurrentColumn>();
    for (const column of options.columns) {
      if (column.kind === 'numerical') {
        const scan = scanned.get(column.name)!;
        columns.set(column.name, { kind: 'numerical', nulls: rowCount - scan.count, ...scan });
        continue;
      }
      const frequencies = await currentCategories(session, column, available.get(column.name)!);
      const count = frequencies.reduce((acc, frequency) => acc + frequency.count, 0);
      columns.set(column.name, { kind: 'categorical', count, nulls: rowCount - count, frequencies });
    }
    return { rowCount, columns };
  } finally {
    session.close();
  }
}

/**
 * Counts per baseline category, with every value the baseline did not keep folded into
 * `__other__`. DuckDB groups the raw values first, so the folding runs once per distinct value
 * rather than once per row.
 */
async function currentCategories(session: DataFileSession, column: CategoricalColumnBaseline, sqlType: string): Promise<CategoryCount[]> {
  const known = column.frequencies.map((entry) => entry.value).filter((value) => value !== OTHER_CATEGORY);
  const isKnown = known.length === 0 ? 'false' : `v IN (${known.map(sqlString).join(', ')})`;
  const rows = await session.query(
    `SELECT CASE WHEN ${isKnown} THEN v ELSE ${sqlString(OTHER_CATEGORY)} END AS v, sum(n) AS n ` +
      `FROM (SELECT v, count(*) AS n FROM (SELECT ${categoryValueSql(column.name, sqlType)} AS v FROM ${session.source}) WHERE v IS NOT NULL GROUP BY v) ` +
      'GROUP BY 1 ORDER BY n DESC, v',
  );
  return rows.map((row) => ({ value: String(row.v), count: Number(row.n) }));
}
