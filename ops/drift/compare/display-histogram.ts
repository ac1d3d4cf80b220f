import type { DataFileSession } from '../duckdb.ts';
import type { ColumnKind } from '../types.ts';
import type { BinnedSummary } from './file-summary.ts';
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

export function categoryBars(values: readonly ValueCounts[]): HistogramView {
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
  return rangeView(lo, hi, reference, current, clipped);
}

type Clipped = NonNullable<HistogramView['clipped']>;

function rangeView(lo: number, hi: number, reference: number[], current: number[], clipped: Clipped): HistogramView {
  const step = (hi - lo) / reference.length;
  const labels = reference.map((_, i) => `${formatEdge(lo + i * step)} – ${formatEdge(i === reference.length - 1 ? hi : lo + (i + 1) * step)}`);
  const anyClipped = clipped.below.reference + clipped.below.current + clipped.above.reference + clipped.above.current > 0;
  return { axis: 'range', labels, reference, current, ...(anyClipped ? { clipped } : {}) };
}

/**
 * The same bars from the bins of a one-pass summary: the drawn range is the reference's 1st/99th
 * percentiles widened to whole bins (each bar an equal number of the 16,384 bins), so every count
 * is exact; values outside it, the tails included, are the clipped counts.
 */
export function rangeBarsFromBins(reference: BinnedSummary, current: BinnedSummary, min: number, max: number, displayRange?: [number, number]): HistogramView {
  const bins = reference.counts.length;
  const width = (max - min) / bins;
  const [q01, q99] = displayRange ?? [min, max];
  let first = width > 0 ? Math.max(0, Math.min(bins - 1, Math.floor((q01 - min) / width))) : 0;
  let end = width > 0 ? Math.max(first + 1, Math.min(bins, Math.ceil((q99 - min) / width))) : bins;
  const per = Math.max(1, Math.ceil((end - first) / DISPLAY_BINS));
  end = first + per * DISPLAY_BINS;
  if (end > bins) first = Math.max(0, bins - per * DISPLAY_BINS);
  end = first + per * DISPLAY_BINS;
  const drawn = { reference: new Array<number>(DISPLAY_BINS).fill(0), current: new Array<number>(DISPLAY_BINS).fill(0) };
  const clipped: Clipped = { below: { reference: reference.below.count, current: current.below.count }, above: { reference: reference.above.count, current: current.above.count } };
  for (const [side, summary] of [['reference', reference], ['current', current]] as const) {
    for (let k = 0; k < bins; k++) {
      const count = summary.counts[k]!;
      if (count === 0) continue;
      if (k < first) clipped.below[side] += count;
      else if (k >= end) clipped.above[side] += count;
      else drawn[side][Math.floor((k - first) / per)]! += count;
    }
  }
  const lo = min + first * width;
  const hi = width > 0 ? min + end * width : min + 1;
  return rangeView(lo, hi, drawn.reference, drawn.current, clipped);
}

/** Range bars from exact value counts (few-valued numbers whose current side has many values), as `rangeBars` draws them. */
export function rangeBarsFromValues(values: readonly ValueCounts[], knownRange?: [number, number]): HistogramView {
  const sorted = [...values].sort((a, b) => Number(a.value) - Number(b.value));
  let [lo, hi] = knownRange ?? [weightedQuantile(sorted, 0.01), weightedQuantile(sorted, 0.99)];
  if (!(hi > lo)) {
    lo = Number(sorted[0]?.value ?? 0);
    hi = Number(sorted.at(-1)?.value ?? 0);
    if (!(hi > lo)) hi = lo + 1;
  }
  const step = (hi - lo) / DISPLAY_BINS;
  const reference = new Array<number>(DISPLAY_BINS).fill(0);
  const current = new Array<number>(DISPLAY_BINS).fill(0);
  const clipped: Clipped = { below: { reference: 0, current: 0 }, above: { reference: 0, current: 0 } };
  for (const entry of sorted) {
    const v = Number(entry.value);
    if (v < lo) {
      clipped.below.reference += entry.reference;
      clipped.below.current += entry.current;
    } else if (v > hi) {
      clipped.above.reference += entry.reference;
      clipped.above.current += entry.current;
    } else {
      const bin = Math.min(Math.floor((v - lo) / step), DISPLAY_BINS - 1);
      reference[bin]! += entry.reference;
      current[bin]! += entry.current;
    }
  }
  return rangeView(lo, hi, reference, current, clipped);
}

/** DuckDB's quantile_cont over both sides' values: linear between the order statistics around q (n - 1). */
function weightedQuantile(sorted: readonly ValueCounts[], q: number): number {
  const total = sorted.reduce((acc, entry) => acc + entry.reference + entry.current, 0);
  const position = q * (total - 1);
  const at = (rank: number): number => {
    let seen = 0;
    for (const entry of sorted) {
      seen += entry.reference + entry.current;
      if (seen > rank) return Number(entry.value);
    }
    return Number(sorted.at(-1)?.value ?? 0);
  };
  const below = at(Math.floor(position));
  return below + (at(Math.ceil(position)) - below) * (position - Math.floor(position));
}

export function formatEdge(value: number): string {
  return Number.isInteger(value) ? String(value) : Number(value.toPrecision(4)).toString();
}
