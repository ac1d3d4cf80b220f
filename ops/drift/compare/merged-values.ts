import type { DataFileSession } from '../duckdb.ts';

/** Where one column's cleaned values come from, on each side: SQL expressions over file sources. */
export interface ColumnSources {
  reference: { source: string; valueSql: string };
  current: { source: string; valueSql: string };
  /** Both sides hold integers (numpy then keeps Sturges bins at least 1 wide). */
  integers?: boolean;
}

/** One distinct value and how often each side has it. */
export interface ValueCounts {
  value: string | number;
  reference: number;
  current: number;
}

/**
 * Both sides' non-null values tagged and grouped by value: the exact merged frequency table every
 * statistic here derives from. DuckDB sorts and groups it; only aggregates leave SQL.
 */
function mergedSql(sources: ColumnSources): string {
  const side = (s: { source: string; valueSql: string }, a: number, b: number) =>
    `SELECT v, ${a} AS a, ${b} AS b FROM (SELECT ${s.valueSql} AS v FROM ${s.source}) WHERE v IS NOT NULL`;
  return `g AS (SELECT v, sum(a)::DOUBLE AS a, sum(b)::DOUBLE AS b FROM (${side(sources.reference, 1, 0)} UNION ALL ${side(sources.current, 0, 1)}) GROUP BY v)`;
}

export interface NumericSummary {
  distinct: number;
  distinctReference: number;
  referenceValues: number;
  currentValues: number;
  min: number;
  max: number;
  /** Population std of the reference values. */
  referenceStd: number;
  /** Largest gap between the two empirical CDFs, over every value of both sides. */
  ks: number;
  /** Area between the two empirical CDFs (scipy's wasserstein_distance). */
  wasserstein: number;
}

/**
 * Exact KS statistic and Wasserstein distance over the full data: DuckDB sorts each side's
 * values, and one merge walks both sorted arrays, evaluating both ECDFs at every value either
 * side has (ties stepped over together, as scipy does).
 */
export async function numericSummary(session: DataFileSession, sources: ColumnSources, knownReferenceStd?: number): Promise<NumericSummary> {
  // One connection streams one result at a time; DuckDB's own threads sort each side.
  const a = await session.sortedNumbers(sources.reference.source, sources.reference.valueSql);
  const b = await session.sortedNumbers(sources.current.source, sources.current.valueSql);
  const n = a.length;
  const m = b.length;
  let i = 0;
  let j = 0;
  let distinct = 0;
  let distinctReference = 0;
  let ks = 0;
  let wasserstein = 0;
  while (i < n || j < m) {
    const value = Math.min(i < n ? a[i]! : Infinity, j < m ? b[j]! : Infinity);
    const fromReference = i < n && a[i] === value;
    while (i < n && a[i] === value) i++;
    while (j < m && b[j] === value) j++;
    distinct++;
    if (fromReference) distinctReference++;
    if (n > 0 && m > 0) {
      const gap = Math.abs(i / n - j / m);
      if (gap > ks) ks = gap;
      const next = Math.min(i < n ? a[i]! : Infinity, j < m ? b[j]! : Infinity);
      if (next !== Infinity) wasserstein += gap * (next - value);
    }
  }
  return {
    distinct,
    distinctReference,
    referenceValues: n,
    currentValues: m,
    min: Math.min(n ? a[0]! : Infinity, m ? b[0]! : Infinity),
    max: Math.max(n ? a[n - 1]! : -Infinity, m ? b[m - 1]! : -Infinity),
    referenceStd: knownReferenceStd !== undefined && Number.isFinite(knownReferenceStd) ? knownReferenceStd : populationStd(a),
    ks,
    wasserstein,
  };
}

function populationStd(values: Float64Array): number {
  if (values.length === 0) return 0;
  let mean = 0;
  for (const value of values) mean += value;
  mean /= values.length;
  let variance = 0;
  for (const value of values) variance += (value - mean) * (value - mean);
  return Math.sqrt(variance / values.length);
}

/** Every distinct value with its count on each side (for categories and few-valued numbers). */
export async function valueCounts(session: DataFileSession, sources: ColumnSources): Promise<ValueCounts[]> {
  const rows = await session.query(`WITH ${mergedSql(sources)} SELECT v, a, b FROM g ORDER BY v`);
  return rows.map((row) => ({ value: typeof row.v === 'number' ? row.v : String(row.v), reference: Number(row.a), current: Number(row.b) }));
}

/** Counts of each side in the given bins: [e_i, e_{i+1}), the last bin closed, as np.histogram. */
export async function binnedCounts(session: DataFileSession, sources: ColumnSources, edges: readonly number[]): Promise<{ reference: number[]; current: number[] }> {
  const bins = edges.length - 1;
  const first = edges[0]!;
  const last = edges[bins]!;
  const step = (last - first) / bins;
  const list = `[${edges.map(doubleSql).join(', ')}]`;
  // A first guess by arithmetic, then one step of correction against the exact edges.
  const guess = `least(greatest(floor((v - ${doubleSql(first)}) / ${doubleSql(step)})::BIGINT, 0), ${bins - 1})`;
  const sql = `WITH ${mergedSql(sources)},
e AS (SELECT ${list} AS edges),
i AS (SELECT v, a, b, ${guess} AS k FROM g)
SELECT CASE WHEN v >= edges[${bins + 1}] THEN ${bins - 1}
            WHEN v < edges[k + 1] THEN k - 1
            WHEN v >= edges[k + 2] THEN k + 1
            ELSE k END AS bin, sum(a) AS a, sum(b) AS b
FROM i, e GROUP BY bin`;
  const reference = new Array<number>(bins).fill(0);
  const current = new Array<number>(bins).fill(0);
  for (const row of await session.query(sql)) {
    const bin = Number(row.bin);
    reference[bin]! += Number(row.a);
    current[bin]! += Number(row.b);
  }
  return { reference, current };
}

/** A double as SQL without any decimal rounding: the shortest text that reads back as the same double. */
function doubleSql(value: number): string {
  return `'${String(value)}'::DOUBLE`;
}
