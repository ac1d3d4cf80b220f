import type { DataFileSession } from '../duckdb.ts';
import type { ColumnKind } from '../types.ts';
import type { ColumnSources, NumericSummary, ValueCounts } from './merged-values.ts';

/** What the HTML report draws for a column: aligned bars for both sides. */
export interface HistogramView {
  /** 'range' bins of numbers (axis: value), or 'category' bars (axis: category). */
  axis: 'range' | 'category';
  labels: string[];
  reference: number[];
  current: number[];
  /** Categories the reference never had, named. */
  newCategories?: string[];
  /** Categories folded into the last "other" bar, when there are too many to draw. */
  otherCategories?: number;
  /** Values outside the drawn range (numbers beyond the 1st/99th percentile of both sides). */
  clipped?: { below: { reference: number; current: number }; above: { reference: number; current: number } };
}

const DISPLAY_BINS = 20;
/** Category bars drawn at most, the last being "other" when there are more. */
export const MAX_CATEGORY_BARS = 12;

/**
 * Bars for people, independent of the test's own binning: numbers in equal-width bins between
 * the 1st and 99th percentiles of the reference (so a heavy tail does not squash the rest), with the
 * clipped counts kept; categories by combined frequency, new ones always named.
 */
export async function displayHistogram(
  session: DataFileSession,
  column: { kind: ColumnKind; sources: ColumnSources; displayRange?: [number, number] },
  numeric: NumericSummary | undefined,
  values: readonly ValueCounts[] | undefined,
): Promise<HistogramView> {
  if (values && (column.kind === 'categorical' || values.length <= MAX_CATEGORY_BARS)) return categoryBars(values);
  if (numeric?.distinct === 0) return { axis: 'range', labels: [], reference: [], current: [] };
  return rangeBars(session, column.sources, column.displayRange);
}

function categoryBars(values: readonly ValueCounts[]): HistogramView {
  const byCount = [...values].sort((a, b) => b.reference + b.current - (a.reference + a.current) || String(a.value).localeCompare(String(b.value)));
  const newCategories = byCount.filter((entry) => entry.reference === 0).map((entry) => String(entry.value));
  if (byCount.length <= MAX_CATEGORY_BARS) {
    return { axis: 'category', labels: byCount.map((entry) => String(entry.value)), reference: byCount.map((e) => e.reference), current: byCount.map((e) => e.current), ...(newCategories.length ? { newCategories } : {}) };
  }
  // New categories keep a bar of their own (up to a third of the bars), then the most frequent.
  const keep = new Set(byCount.filter((entry) => entry.reference === 0).slice(0, Math.floor(MAX_CATEGORY_BARS / 3)));
  for (const entry of byCount) {
    if (keep.size >= MAX_CATEGORY_BARS - 1) break;
    keep.add(entry);
  }
  const shown = byCount.filter((entry) => keep.has(entry));
  const rest = byCount.filter((entry) => !keep.has(entry));
  return {
    axis: 'category',
    labels: [...shown.map((entry) => String(entry.value)), `other (${rest.length})`],
    reference: [...shown.map((e) => e.reference), rest.reduce((acc, e) => acc + e.reference, 0)],
    current: [...shown.map((e) => e.current), rest.reduce((acc, e) => acc + e.current, 0)],
    otherCategories: rest.length,
    ...(newCategories.length ? { newCategories } : {}),
  };
}

async function rangeBars(session: DataFileSession, sources: ColumnSources, knownRange?: [number, number]): Promise<HistogramView> {
  const side = (s: { source: string; valueSql: string }, a: number) => `SELECT ${s.valueSql} AS v, ${a} AS a FROM ${s.source}`;
  const both = `(SELECT v, a FROM (${side(sources.reference, 1)} UNION ALL ${side(sources.current, 0)}) WHERE v IS NOT NULL)`;
  // The reference's percentiles from the baseline when there are some, else both sides'.
  const q = knownRange ?? ((await session.query(`SELECT quantile_cont(v, [0.01, 0.99]) AS q FROM ${both}`))[0]?.q as number[] | undefined);
  let lo = Number(q?.[0] ?? 0);
  let hi = Number(q?.[1] ?? 0);
  if (!(hi > lo)) {
    const m = (await session.query(`SELECT min(v) AS lo, max(v) AS hi FROM ${both}`))[0] ?? {};
    lo = Number(m.lo);
    hi = Number(m.hi);
    if (!(hi > lo)) hi = lo + 1;
  }
  const step = (hi - lo) / DISPLAY_BINS;
  const rows = await session.query(
    `SELECT CASE WHEN v < ${lo} THEN -1 WHEN v > ${hi} THEN ${DISPLAY_BINS} ELSE least(floor((v - ${lo}) / ${step})::BIGINT, ${DISPLAY_BINS - 1}) END AS bin, ` +
      `count(*) FILTER (WHERE a = 1) AS r, count(*) FILTER (WHERE a = 0) AS c FROM ${both} GROUP BY bin`,
  );
  const reference = new Array<number>(DISPLAY_BINS).fill(0);
  const current = new Array<number>(DISPLAY_BINS).fill(0);
  const clipped = { below: { reference: 0, current: 0 }, above: { reference: 0, current: 0 } };
  for (const row of rows) {
    const bin = Number(row.bin);
    const r = Number(row.r);
    const c = Number(row.c);
    if (bin < 0) clipped.below = { reference: r, current: c };
    else if (bin >= DISPLAY_BINS) clipped.above = { reference: r, current: c };
    else {
      reference[bin]! += r;
      current[bin]! += c;
    }
  }
  const labels = reference.map((_, i) => `${formatEdge(lo + i * step)} – ${formatEdge(i === DISPLAY_BINS - 1 ? hi : lo + (i + 1) * step)}`);
  const anyClipped = clipped.below.reference + clipped.below.current + clipped.above.reference + clipped.above.current > 0;
  return { axis: 'range', labels, reference, current, ...(anyClipped ? { clipped } : {}) };
}

export function formatEdge(value: number): string {
  return Number.isInteger(value) ? String(value) : Number(value.toPrecision(4)).toString();
}
