import type { DataFileSession } from '../duckdb.ts';
import type { ColumnSources } from './merged-values.ts';

/** Above this many values on both sides together, a numerical column is first bounded from fine bins. */
export const BOUNDED_FIRST_ABOVE_VALUES = 2_000_000;
const BINS = 65_536;

export interface EcdfBounds {
  referenceValues: number;
  currentValues: number;
  /** Guaranteed lower and upper bounds of the exact KS statistic. */
  ks: [number, number];
  /** Guaranteed lower and upper bounds of the exact (unnormed) Wasserstein distance. */
  wasserstein: [number, number];
}

/**
 * Deterministic bounds on the exact KS statistic and Wasserstein distance from one hash
 * aggregation (no sort): both sides counted in 65,536 equal-width bins over [min, max]. Inside a
 * bin each ECDF lies between its values at the bin's edges, so |F_ref - F_cur| lies between
 * bounds computable from the edges; integrating those (and taking their maxima) brackets both
 * statistics. The caller decides from the bracket when it is on one side of the threshold, and
 * computes the exact value otherwise.
 */
export async function ecdfBounds(session: DataFileSession, sources: ColumnSources, min: number, max: number): Promise<EcdfBounds> {
  const width = (max - min) / BINS;
  const bin = width > 0 ? `least(floor((v - ${lit(min)}) / ${lit(width)})::BIGINT, ${BINS - 1})` : '0';
  const side = (s: { source: string; valueSql: string }, tag: number) => `SELECT ${s.valueSql} AS v, ${tag} AS side FROM ${s.source}`;
  const rows = await session.query(
    `SELECT side, ${bin} AS b, count(*) AS n FROM (${side(sources.reference, 0)} UNION ALL ${side(sources.current, 1)}) WHERE v IS NOT NULL GROUP BY ALL`,
  );
  const reference = new Float64Array(BINS);
  const current = new Float64Array(BINS);
  for (const row of rows) (Number(row.side) === 0 ? reference : current)[Number(row.b)]! += Number(row.n);
  let n = 0;
  let m = 0;
  for (let k = 0; k < BINS; k++) {
    n += reference[k]!;
    m += current[k]!;
  }
  let a = 0;
  let b = 0;
  const ks: [number, number] = [0, 0];
  const wasserstein: [number, number] = [0, 0];
  for (let k = 0; k < BINS; k++) {
    const a0 = a / n;
    const b0 = b / m;
    a += reference[k]!;
    b += current[k]!;
    const a1 = a / n;
    const b1 = b / m;
    // Inside the bin, F_ref - F_cur lies in [a0 - b1, a1 - b0]; at its right edge it is exactly a1 - b1.
    const low = a0 - b1;
    const high = a1 - b0;
    const lowAbs = low <= 0 && high >= 0 ? 0 : Math.min(Math.abs(low), Math.abs(high));
    const highAbs = Math.max(Math.abs(low), Math.abs(high));
    ks[0] = Math.max(ks[0], Math.abs(a1 - b1));
    ks[1] = Math.max(ks[1], highAbs);
    wasserstein[0] += lowAbs * width;
    wasserstein[1] += highAbs * width;
  }
  return { referenceValues: n, currentValues: m, ks, wasserstein };
}

function lit(value: number): string {
  return `'${String(value)}'::DOUBLE`;
}
