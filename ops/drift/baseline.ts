import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { categoryValueSql, isCategoryType, isNumericType, numericValueSql, openDataFile, type DataFileSession, type DuckDbLimits } from './duckdb.ts';
import { DriftInputError } from './errors.ts';
import { OTHER_CATEGORY, type BaselineStats, type CategoricalColumnBaseline, type CategoryCount, type ColumnBaseline, type NumericalColumnBaseline } from './types.ts';

export interface ComputeBaselineOptions extends DuckDbLimits {
  /** Only these columns; default all. */
  columns?: readonly string[];
  /** Treat these numeric columns as categories (codes, ids of a few classes). */
  categorical?: readonly string[];
  /** Equal-width histogram bins per numerical column; default 30 (Evidently's default). */
  bins?: number;
  /** Categories kept per categorical column, the rest summed as `__other__`; default 200. */
  maxCategories?: number;
}

export interface ComputedBaseline {
  /** Absolute path of the training file. */
  datasetPath: string;
  datasetSha256: string;
  stats: BaselineStats;
}

/** Evidently's rule: a numeric column with at most this many distinct values is categorical. */
const MAX_DISTINCT_FOR_CATEGORICAL = 5;
const QUANTILES = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];
const EXACT_QUANTILE_MAX_ROWS = 1_000_000;

/**
 * Profiles a training file (CSV or Parquet) with DuckDB: per column counts, nulls, quantiles,
 * histogram or category frequencies, for the report. A drift check compares a batch with the
 * training file itself (its path and SHA-256 are part of the baseline).
 *
 * @example
 * const computed = await computeBaseline('data/train.parquet');
 * await saveBaseline(db, { modelName: 'churn', modelVersion: '7', ...computed });
 */
export async function computeBaseline(file: string, options: ComputeBaselineOptions = {}): Promise<ComputedBaseline> {
  const session = await openDataFile(file, options);
  try {
    const [stats, datasetSha256] = await Promise.all([profile(session, options), sha256File(session.file)]);
    return { datasetPath: path.resolve(session.file), datasetSha256, stats };
  } finally {
    session.close();
  }
}

async function profile(session: DataFileSession, options: ComputeBaselineOptions): Promise<BaselineStats> {
  const bins = options.bins ?? 30;
  const maxCategories = options.maxCategories ?? 200;
  const forcedCategorical = new Set(options.categorical ?? []);

  const all = await session.columns();
  const wanted = options.columns ?? all.map((column) => column.name);
  const byName = new Map(all.map((column) => [column.name, column]));
  const skipped: BaselineStats['skipped'] = [];
  const candidates: { name: string; sqlType: string; numeric: boolean }[] = [];
  for (const name of wanted) {
    const column = byName.get(name);
    if (!column) throw new DriftInputError(`Column "${name}" is not in ${session.file}; it has ${all.map((c) => c.name).join(', ')}`, session.file, name);
    if (isNumericType(column.sqlType)) candidates.push({ ...column, numeric: !forcedCategorical.has(name) });
    else if (isCategoryType(column.sqlType)) candidates.push({ ...column, numeric: false });
    else skipped.push({ name, sqlType: column.sqlType, reason: 'drift compares numbers and categories only' });
  }

  // One scan for every column's counts and moments.
  const aggregates = ['count(*) AS row_count'];
  candidates.forEach((column, i) => {
    const value = column.numeric ? numericValueSql(column.name) : categoryValueSql(column.name, column.sqlType);
    aggregates.push(`count(${value}) AS c${i}`, `approx_count_distinct(${value}) AS d${i}`);
    if (column.numeric) aggregates.push(`min(${value}) AS lo${i}`, `max(${value}) AS hi${i}`, `avg(${value}) AS mean${i}`, `stddev_pop(${value}) AS std${i}`);
  });
  const totals = (await session.query(`SELECT ${aggregates.join(', ')} FROM ${session.source}`))[0] ?? {};
  const rowCount = Number(totals.row_count ?? 0);
  if (rowCount === 0) throw new DriftInputError(`Training file ${session.file} has no rows`, session.file);
  const quantileMethod = rowCount <= EXACT_QUANTILE_MAX_ROWS ? 'exact' : 'approximate';

  const columns: (ColumnBaseline | NumericalBase)[] = [];
  for (const [i, column] of candidates.entries()) {
    const count = Number(totals[`c${i}`] ?? 0);
    let distinct = Number(totals[`d${i}`] ?? 0);
    const base = { name: column.name, sqlType: column.sqlType, count, nulls: rowCount - count };
    if (count === 0) {
      skipped.push({ name: column.name, sqlType: column.sqlType, reason: 'no non-null values in the training data' });
      continue;
    }
    if (column.numeric && distinct <= MAX_DISTINCT_FOR_CATEGORICAL * 2) {
      // HyperLogLog is close but not exact at tiny counts; the 5-value rule deserves the exact count.
      distinct = await exactDistinct(session, numericValueSql(column.name));
    }
    if (column.numeric && distinct > MAX_DISTINCT_FOR_CATEGORICAL) {
      columns.push({ ...base, distinct, min: Number(totals[`lo${i}`]), max: Number(totals[`hi${i}`]), mean: Number(totals[`mean${i}`]), std: Number(totals[`std${i}`]) });
    } else {
      columns.push(await categoricalColumn(session, { ...base, distinct }, maxCategories));
    }
  }
  const numerical = await numericalColumns(session, columns.filter(isNumericalBase), { bins, quantileMethod });
  return {
    formatVersion: 2,
    rowCount,
    bins,
    quantileMethod,
    categorical: [...forcedCategorical],
    columns: columns.map((column) => (isNumericalBase(column) ? numerical.get(column.name)! : column)),
    skipped,
  };
}

type NumericalBase = Omit<NumericalColumnBaseline, 'kind' | 'quantiles' | 'histogram'>;

/** Exact (or t-digest) quantiles and an equal-width histogram of every numerical column, in one DuckDB scan. */
async function numericalColumns(
  session: DataFileSession,
  bases: readonly NumericalBase[],
  options: { bins: number; quantileMethod: 'exact' | 'approximate' },
): Promise<Map<string, NumericalColumnBaseline>> {
  if (bases.length === 0) return new Map();
  const quantileFunction = options.quantileMethod === 'exact' ? 'quantile_cont' : 'approx_quantile';
  const aggregates = bases.flatMap((base, i) => {
    const value = numericValueSql(base.name);
    const width = (base.max - base.min) / options.bins;
    // least() skips NULLs, so a missing value must be kept out explicitly.
    const bin = `CASE WHEN ${value} IS NOT NULL THEN ${width > 0 ? `least(floor((${value} - ${base.min}) / ${width})::BIGINT, ${options.bins - 1})` : '0'} END`;
    return [`${quantileFunction}(${value}, [${QUANTILES.join(', ')}]) AS q${i}`, `histogram(${bin}) AS h${i}`];
  });
  const row = (await session.query(`SELECT ${aggregates.join(', ')} FROM ${session.source}`))[0] ?? {};
  return new Map(
    bases.map((base, i) => {
      const counts = new Array<number>(options.bins).fill(0);
      for (const entry of (row[`h${i}`] ?? []) as { key: unknown; value: unknown }[]) if (entry.key !== null) counts[Number(entry.key)]! += Number(entry.value);
      const q = (row[`q${i}`] ?? []) as unknown[];
      const quantiles = Object.fromEntries(QUANTILES.map((level, k) => [String(level), Number(q[k])]));
      const edges = equalWidthEdges(base.min, base.max, options.bins);
      return [base.name, { kind: 'numerical', ...base, quantiles, histogram: { edges, counts, below: 0, above: 0 } }];
    }),
  );
}

function isNumericalBase(column: ColumnBaseline | NumericalBase): column is NumericalBase {
  return !('kind' in column);
}

function equalWidthEdges(min: number, max: number, bins: number): number[] {
  return Array.from({ length: bins + 1 }, (_, k) => (k === bins ? max : min + (k * (max - min)) / bins));
}

async function categoricalColumn(
  session: DataFileSession,
  base: Omit<CategoricalColumnBaseline, 'kind' | 'frequencies'>,
  maxCategories: number,
): Promise<CategoricalColumnBaseline> {
  const value = categoryValueSql(base.name, base.sqlType);
  const frequencies = await categoryCounts(session, value, maxCategories + 1);
  const kept: CategoryCount[] = frequencies.slice(0, maxCategories);
  const keptTotal = kept.reduce((acc, entry) => acc + entry.count, 0);
  if (keptTotal < base.count) kept.push({ value: OTHER_CATEGORY, count: base.count - keptTotal });
  return { kind: 'categorical', ...base, frequencies: kept };
}

/** Most frequent first, ties by value so the order is stable. */
export async function categoryCounts(session: DataFileSession, valueSql: string, limit?: number): Promise<CategoryCount[]> {
  const rows = await session.query(
    `SELECT v, count(*) AS n FROM (SELECT ${valueSql} AS v FROM ${session.source}) WHERE v IS NOT NULL GROUP BY v ORDER BY n DESC, v${limit === undefined ? '' : ` LIMIT ${limit}`}`,
  );
  return rows.map((row) => ({ value: String(row.v), count: Number(row.n) }));
}

async function exactDistinct(session: DataFileSession, valueSql: string): Promise<number> {
  const rows = await session.query(`SELECT count(DISTINCT ${valueSql}) AS n FROM ${session.source}`);
  return Number(rows[0]?.n ?? 0);
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
