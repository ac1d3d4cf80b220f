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
 * Exact KS statistic and Wasserstein distance over the full data, in one query: both CDFs are
 * running sums over the merged sorted values, evaluated at every value either side has.
 */
export async function numericSummary(session: DataFileSession, sources: ColumnSources, knownReferenceStd?: number): Promise<NumericSummary> {
  // The baseline already holds the reference's population std over the same values; no need to scan again.
  const std = knownReferenceStd !== undefined && Number.isFinite(knownReferenceStd)
    ? doubleSql(knownReferenceStd)
    : `(SELECT stddev_pop(v) FROM (SELECT ${sources.reference.valueSql} AS v FROM ${sources.reference.source}))`;
  const sql = `WITH ${mergedSql(sources)},
t AS (SELECT sum(a) AS na, sum(b) AS nb FROM g),
c AS (SELECT v, a, sum(a) OVER w AS ca, sum(b) OVER w AS cb, lead(v) OVER (ORDER BY v) AS nv FROM g
      WINDOW w AS (ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
SELECT count(*) AS k, count(*) FILTER (WHERE a > 0) AS kref, min(v) AS lo, max(v) AS hi,
  any_value(t.na) AS na, any_value(t.nb) AS nb,
  max(abs(ca / t.na - cb / t.nb)) AS d,
  sum(abs(ca / t.na - cb / t.nb) * (nv - v)) AS w,
  ${std} AS std
FROM c, t`;
  const row = (await session.query(sql))[0] ?? {};
  const num = (key: string) => (row[key] === null || row[key] === undefined ? 0 : Number(row[key]));
  return {
    distinct: num('k'),
    distinctReference: num('kref'),
    referenceValues: num('na'),
    currentValues: num('nb'),
    min: num('lo'),
    max: num('hi'),
    referenceStd: num('std'),
    ks: num('d'),
    wasserstein: num('w'),
  };
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
