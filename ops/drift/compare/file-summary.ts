import type { DataFileSession } from '../duckdb.ts';

/** What one pass over a file computes for one column. */
export type SummaryRequest =
  /**
   * A numerical column counted in `bins` equal-width bins over [min, max]; values outside are
   * counted and summed apart. `doubleSql` is the column as DOUBLE, NaN and infinities still in.
   */
  | { kind: 'bins'; valueSql: string; doubleSql: string; min: number; max: number; bins: number }
  /** Every distinct non-null value with its count (categories, few-valued numbers); `top` keeps the most frequent only. */
  | { kind: 'values'; valueSql: string; numeric: boolean; top?: number };

export interface Tail {
  count: number;
  /** Sum of the values (for the exact Wasserstein area outside the binned range). */
  sum: number;
}

export interface BinnedSummary {
  kind: 'bins';
  /** Non-null values. */
  values: number;
  counts: Float64Array;
  below: Tail;
  above: Tail;
}

export interface ValuesSummary {
  kind: 'values';
  /** Non-null values (all of them, also when `top` kept fewer distinct values). */
  values: number;
  counts: Map<string | number, number>;
}

export type ColumnSummary = BinnedSummary | ValuesSummary;

export interface FileSummary {
  rows: number;
  columns: ColumnSummary[];
}

const ROWS = -1;
const TOTAL = -2;
const NUMBER = -3;
const TEXT = -4;

/**
 * Everything a drift check (or a baseline) needs of one file, in one read of each column. The
 * numerical columns are one streamed scan: DuckDB reads and cleans the values (NaN and infinities
 * to missing) and JavaScript counts each value into its bin straight from DuckDB's vectors, which
 * costs a fraction of a hash aggregation per column. Categories and few-valued numbers are one
 * grouped query, each branch reading only its own column (Parquet is columnar; a CSV has been
 * parsed once into a table by `tableFor`). Only bin counts and distinct values reach JavaScript
 * as data.
 */
export async function summarizeFile(session: DataFileSession, source: string, requests: readonly SummaryRequest[]): Promise<FileSummary> {
  const columns: ColumnSummary[] = requests.map((request) =>
    request.kind === 'bins'
      ? { kind: 'bins', values: 0, counts: new Float64Array(request.bins), below: { count: 0, sum: 0 }, above: { count: 0, sum: 0 } }
      : { kind: 'values', values: 0, counts: new Map() },
  );
  const binned = requests.flatMap((request, c) => (request.kind === 'bins' ? [{ request, summary: columns[c] as BinnedSummary }] : []));
  let rows = await binAll(session, source, binned);
  const grouped = requests.flatMap((request, c) => (request.kind === 'values' ? branches(request, c, source) : []));
  if (grouped.length > 0 || binned.length === 0) {
    if (binned.length === 0) grouped.unshift(`SELECT ${ROWS} AS c, 0 AS k, 0::DOUBLE AS x, NULL::VARCHAR AS s, count(*)::DOUBLE AS n FROM ${source}`);
    // Columns: c, k (INTEGER), x, n (DOUBLE), s (VARCHAR, may be NULL).
    await session.forEachChunk(grouped.join('\nUNION ALL\n'), (chunk) => {
      const cs = chunk.numbers(0);
      const ks = chunk.numbers(1);
      const xs = chunk.numbers(2);
      const ns = chunk.numbers(4);
      for (let row = 0; row < chunk.rows; row++) {
        const c = cs[row]!;
        const n = ns[row]!;
        if (c === ROWS) {
          rows = n;
          continue;
        }
        const summary = columns[c] as ValuesSummary;
        const k = ks[row]!;
        if (k === TOTAL) summary.values = n;
        else summary.counts.set(k === TEXT ? String(chunk.item(3, row)) : xs[row]!, n);
      }
    });
  }
  requests.forEach((request, c) => {
    const summary = columns[c]!;
    if (request.kind === 'values' && request.top === undefined) for (const n of summary.counts.values() as Iterable<number>) summary.values += n;
  });
  return { rows, columns };
}

/** Counts every binned column's values into its bins in one streamed scan; returns the row count. */
async function binAll(session: DataFileSession, source: string, binned: readonly { request: Extract<SummaryRequest, { kind: 'bins' }>; summary: BinnedSummary }[]): Promise<number> {
  if (binned.length === 0) return 0;
  let rows = 0;
  // A missing value arrives as NaN, so every column is a plain Float64Array without a validity
  // mask; infinities are dropped here (v - v is NaN for them), as numericValueSql drops them.
  const select = binned.map(({ request }) => `coalesce(${request.doubleSql}, 'NaN'::DOUBLE)`).join(', ');
  await session.forEachChunk(`SELECT ${select} FROM ${source}`, (chunk) => {
    rows += chunk.rows;
    for (let c = 0; c < binned.length; c++) countIntoBins(chunk.numbers(c) as Float64Array, chunk.rows, binned[c]!.request, binned[c]!.summary);
  });
  return rows;
}

/** The hot loop: one chunk of one column into its bins (left-closed, the last closed at max) and tails. */
function countIntoBins(values: Float64Array, rows: number, request: { min: number; max: number; bins: number }, summary: BinnedSummary): void {
  const { min, max, bins } = request;
  const scale = max > min ? bins / (max - min) : 0;
  const counts = summary.counts;
  const last = bins - 1;
  let seen = 0;
  let belowCount = 0;
  let belowSum = 0;
  let aboveCount = 0;
  let aboveSum = 0;
  for (let row = 0; row < rows; row++) {
    const v = values[row]!;
    if (v - v !== 0) continue;
    seen++;
    if (v < min) {
      belowCount++;
      belowSum += v;
    } else if (v > max) {
      aboveCount++;
      aboveSum += v;
    } else {
      // Non-negative and at most `bins`, so truncation is floor.
      const k = ((v - min) * scale) | 0;
      counts[k < last ? k : last]!++;
    }
  }
  summary.values += seen;
  summary.below = { count: summary.below.count + belowCount, sum: summary.below.sum + belowSum };
  summary.above = { count: summary.above.count + aboveCount, sum: summary.above.sum + aboveSum };
}

function branches(request: Extract<SummaryRequest, { kind: 'values' }>, c: number, source: string): string[] {
  const values = `(SELECT ${request.valueSql} AS v FROM ${source}) WHERE v IS NOT NULL`;
  const value = request.numeric ? `${NUMBER} AS k, v::DOUBLE AS x, NULL::VARCHAR AS s` : `${TEXT} AS k, 0::DOUBLE AS x, v::VARCHAR AS s`;
  const grouped = `SELECT ${c} AS c, ${value}, count(*)::DOUBLE AS n FROM ${values} GROUP BY v`;
  if (request.top === undefined) return [grouped];
  const total = `SELECT ${c} AS c, ${TOTAL} AS k, 0::DOUBLE AS x, NULL::VARCHAR AS s, count(v)::DOUBLE AS n FROM (SELECT ${request.valueSql} AS v FROM ${source})`;
  return [`SELECT * FROM (${grouped} ORDER BY n DESC, ${request.numeric ? 'x' : 's'} LIMIT ${request.top})`, total];
}
