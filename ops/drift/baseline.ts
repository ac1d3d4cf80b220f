import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { compareValues } from './compare/compare-column.ts';
import { summarizeFile, type BinnedSummary, type SummaryRequest, type ValuesSummary } from './compare/file-summary.ts';
import { categoryValueSql, doubleValueSql, isCategoryType, isNumericType, numericValueSql, openDataFile, type DataFileSession, type DuckDbLimits } from './duckdb.ts';
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
/** About this many fine bins per numerical column give its quantiles. */
const QUANTILE_BINS = 16_384;

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
    const source = await session.tableFor(session.source, 'training_data');
    const [stats, datasetSha256] = await Promise.all([profile(session, source, options), sha256File(session.file)]);
    return { datasetPath: path.resolve(session.file), datasetSha256, stats };
  } finally {
    session.close();
  }
}

async function profile(session: DataFileSession, source: string, options: ComputeBaselineOptions): Promise<BaselineStats> {
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
  const totals = (await session.query(`SELECT ${aggregates.join(', ')} FROM ${source}`))[0] ?? {};
  const rowCount = Number(totals.row_count ?? 0);
  if (rowCount === 0) throw new DriftInputError(`Training file ${session.file} has no rows`, session.file);

  // One more pass for everything else: fine bins of each numerical column (quantiles and the
  // histogram), the most frequent categories, and every value of a column that may be few-valued.
  const fine = bins * Math.ceil(QUANTILE_BINS / bins);
  const requests: SummaryRequest[] = candidates.map((column, i) => {
    const valueSql = column.numeric ? numericValueSql(column.name) : categoryValueSql(column.name, column.sqlType);
    if (column.numeric && Number(totals[`d${i}`] ?? 0) > MAX_DISTINCT_FOR_CATEGORICAL * 2) {
      return { kind: 'bins', valueSql, doubleSql: doubleValueSql(column.name), min: Number(totals[`lo${i}`]), max: Number(totals[`hi${i}`]), bins: fine };
    }
    // HyperLogLog is close but not exact at tiny counts; the 5-value rule deserves the exact count.
    if (column.numeric) return { kind: 'values', valueSql, numeric: true };
    return { kind: 'values', valueSql, numeric: false, top: maxCategories + 1 };
  });
  const summary = await summarizeFile(session, source, requests);

  const columns: ColumnBaseline[] = [];
  for (const [i, column] of candidates.entries()) {
    const count = Number(totals[`c${i}`] ?? 0);
    const base = { name: column.name, sqlType: column.sqlType, count, nulls: rowCount - count, distinct: Number(totals[`d${i}`] ?? 0) };
    if (count === 0) {
      skipped.push({ name: column.name, sqlType: column.sqlType, reason: 'no non-null values in the training data' });
      continue;
    }
    const moments = { min: Number(totals[`lo${i}`]), max: Number(totals[`hi${i}`]), mean: Number(totals[`mean${i}`]), std: Number(totals[`std${i}`]) };
    const read = summary.columns[i]!;
    if (read.kind === 'bins') {
      columns.push({ kind: 'numerical', ...base, ...moments, ...binnedShape(read, moments.min, moments.max, bins) });
    } else if (column.numeric && read.counts.size > MAX_DISTINCT_FOR_CATEGORICAL) {
      columns.push({ kind: 'numerical', ...base, distinct: read.counts.size, ...moments, ...valuesShape(read, moments.min, moments.max, bins) });
    } else {
      // Labels as the check reads categories: numbers through DOUBLE, so 1 is "1.0".
      const labelled = column.numeric ? new Map([...read.counts].map(([value, n]) => [doubleLabel(Number(value)), n])) : read.counts;
      columns.push(categoricalColumn({ ...base, ...(column.numeric ? { distinct: read.counts.size } : {}) }, labelled, maxCategories));
    }
  }
  return {
    formatVersion: 2,
    rowCount,
    bins,
    quantileMethod: 'binned',
    categorical: [...forcedCategorical],
    columns,
    skipped,
  };
}

/** DuckDB's text for a DOUBLE (`CAST(x AS VARCHAR)`): integral values keep a ".0". */
function doubleLabel(value: number): string {
  return Number.isInteger(value) && Math.abs(value) < 1e15 ? `${value}.0` : String(value);
}

/**
 * Quantiles and the equal-width histogram from fine bins (a whole number of them per histogram
 * bin): the histogram is exact up to rounding at its edges, each quantile is interpolated inside
 * the fine bin holding it, within (max - min) / fine bins of the exact value.
 */
function binnedShape(read: BinnedSummary, min: number, max: number, bins: number): Pick<NumericalColumnBaseline, 'quantiles' | 'histogram'> {
  const fine = read.counts.length;
  const per = fine / bins;
  const counts = new Array<number>(bins).fill(0);
  for (let k = 0; k < fine; k++) counts[Math.floor(k / per)]! += read.counts[k]!;
  const width = (max - min) / fine;
  const total = read.values;
  const quantiles: Record<string, number> = {};
  for (const level of QUANTILES) {
    const rank = level * (total - 1);
    let seen = 0;
    let k = 0;
    while (k < fine - 1 && seen + read.counts[k]! <= rank) seen += read.counts[k++]!;
    const inside = read.counts[k]! > 0 ? (rank - seen + 0.5) / read.counts[k]! : 0.5;
    quantiles[String(level)] = Math.min(max, Math.max(min, min + (k + Math.min(1, inside)) * width));
  }
  return { quantiles, histogram: { edges: equalWidthEdges(min, max, bins), counts, below: 0, above: 0 } };
}

/** The same from exact value counts (a numerical column with 6 to about 10 values): exact quantiles as DuckDB's quantile_cont. */
function valuesShape(read: ValuesSummary, min: number, max: number, bins: number): Pick<NumericalColumnBaseline, 'quantiles' | 'histogram'> {
  const sorted = [...read.counts].map(([value, n]) => [Number(value), n] as const).sort((a, b) => a[0] - b[0]);
  const at = (rank: number): number => {
    let seen = 0;
    for (const [value, n] of sorted) {
      seen += n;
      if (seen > rank) return value;
    }
    return max;
  };
  const quantiles: Record<string, number> = {};
  for (const level of QUANTILES) {
    const position = level * (read.values - 1);
    const below = at(Math.floor(position));
    quantiles[String(level)] = below + (at(Math.ceil(position)) - below) * (position - Math.floor(position));
  }
  const width = (max - min) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const [value, n] of sorted) counts[width > 0 ? Math.min(Math.floor((value - min) / width), bins - 1) : 0]! += n;
  return { quantiles, histogram: { edges: equalWidthEdges(min, max, bins), counts, below: 0, above: 0 } };
}

function equalWidthEdges(min: number, max: number, bins: number): number[] {
  return Array.from({ length: bins + 1 }, (_, k) => (k === bins ? max : min + (k * (max - min)) / bins));
}

/** Most frequent first, ties by value so the order is stable; the rest summed as `__other__`. */
function categoricalColumn(base: Omit<CategoricalColumnBaseline, 'kind' | 'frequencies'>, counts: ReadonlyMap<string | number, number>, maxCategories: number): CategoricalColumnBaseline {
  const frequencies = [...counts].map(([value, count]) => ({ value: String(value), count }));
  frequencies.sort((a, b) => b.count - a.count || compareValues(a.value, b.value));
  const kept: CategoryCount[] = frequencies.slice(0, maxCategories);
  const keptTotal = kept.reduce((acc, entry) => acc + entry.count, 0);
  if (keptTotal < base.count) kept.push({ value: OTHER_CATEGORY, count: base.count - keptTotal });
  return { kind: 'categorical', ...base, frequencies: kept };
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
