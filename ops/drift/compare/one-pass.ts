import { doubleValueSql } from '../duckdb.ts';
import { binIndex, ksTwoSamplePValue } from '../stats/index.ts';
import { BOUND_BINS, BOUNDED_FIRST_ABOVE_VALUES, ecdfBounds } from './binned-bounds.ts';
import { chooseTest } from './choose.ts';
import { compareValues, decideColumn, type ColumnDrift, type ColumnToCompare } from './compare-column.ts';
import { categoryBars, MAX_CATEGORY_BARS, rangeBarsFromBins, rangeBarsFromValues } from './display-histogram.ts';
import type { BinnedSummary, ColumnSummary, SummaryRequest, ValuesSummary } from './file-summary.ts';
import type { NumericSummary, ValueCounts } from './merged-values.ts';

/**
 * What one pass over each file reads of a column: a numerical column with clearly more than 5
 * distinct reference values is counted in fine bins over the reference's range (for bounds);
 * categories and few-valued numbers are counted value by value (exact).
 */
export function summaryRequest(column: ColumnToCompare, side: 'reference' | 'current'): SummaryRequest {
  const valueSql = column.sources[side].valueSql;
  if (column.boundable) return { kind: 'bins', valueSql, doubleSql: doubleValueSql(column.name), min: column.boundable.min, max: column.boundable.max, bins: BOUND_BINS };
  return { kind: 'values', valueSql, numeric: column.kind === 'numerical' };
}

export interface OnePassOptions {
  /** Columns with more values than this on both sides together are decided from bounds when they can be. */
  boundsAboveValues?: number;
}

/**
 * A column compared from the two files' one-pass summaries, or undefined when only the exact
 * computation can decide it (a binned column that is small, whose bounds straddle the threshold,
 * or whose test needs other bins), which the caller then runs.
 */
export async function compareFromSummaries(column: ColumnToCompare, reference: ColumnSummary, current: ColumnSummary, options: OnePassOptions = {}): Promise<ColumnDrift | undefined> {
  if (reference.kind === 'values' && current.kind === 'values') return compareFromValues(column, reference, current);
  if (reference.kind === 'bins' && current.kind === 'bins') return decideFromBounds(column, reference, current, options.boundsAboveValues ?? BOUNDED_FIRST_ABOVE_VALUES);
  return undefined;
}

async function compareFromValues(column: ColumnToCompare, reference: ValuesSummary, current: ValuesSummary): Promise<ColumnDrift> {
  const merged = new Map<string | number, ValueCounts>();
  for (const [value, count] of reference.counts) merged.set(value, { value, reference: count, current: 0 });
  for (const [value, count] of current.counts) {
    const entry = merged.get(value);
    if (entry) entry.current = count;
    else merged.set(value, { value, reference: 0, current: count });
  }
  const counts = [...merged.values()];
  const numeric = column.kind === 'numerical' ? numericFromCounts(counts.sort((a, b) => compareValues(a.value, b.value)), column.referenceStd) : undefined;
  return decideColumn(column, {
    ...(numeric ? { numeric } : { counts }),
    valueCounts: () => Promise.resolve(counts),
    binnedCounts: (edges) => Promise.resolve(binFromCounts(counts, edges)),
    histogram: (_numeric, values) =>
      Promise.resolve(values && (column.kind === 'categorical' || values.length <= MAX_CATEGORY_BARS) ? categoryBars(values) : counts.length === 0 ? { axis: 'range', labels: [], reference: [], current: [] } : rangeBarsFromValues(counts, column.displayRange)),
  });
}

/** The exact ECDF summary from both sides' value counts, sorted by value (as `numericSummary` computes it from sorted values). */
function numericFromCounts(sorted: readonly ValueCounts[], knownReferenceStd?: number): NumericSummary {
  let n = 0;
  let m = 0;
  let distinctReference = 0;
  let sumReference = 0;
  for (const entry of sorted) {
    n += entry.reference;
    m += entry.current;
    if (entry.reference > 0) distinctReference++;
    sumReference += Number(entry.value) * entry.reference;
  }
  let a = 0;
  let b = 0;
  let ks = 0;
  let wasserstein = 0;
  let variance = 0;
  const mean = n > 0 ? sumReference / n : 0;
  sorted.forEach((entry, k) => {
    const value = Number(entry.value);
    a += entry.reference;
    b += entry.current;
    variance += entry.reference * (value - mean) * (value - mean);
    if (n > 0 && m > 0) {
      const gap = Math.abs(a / n - b / m);
      if (gap > ks) ks = gap;
      const next = sorted[k + 1];
      if (next) wasserstein += gap * (Number(next.value) - value);
    }
  });
  return {
    distinct: sorted.length,
    distinctReference,
    referenceValues: n,
    currentValues: m,
    min: Number(sorted[0]?.value ?? Infinity),
    max: Number(sorted.at(-1)?.value ?? -Infinity),
    referenceStd: knownReferenceStd !== undefined && Number.isFinite(knownReferenceStd) ? knownReferenceStd : n > 0 ? Math.sqrt(variance / n) : 0,
    ks,
    wasserstein,
  };
}

function binFromCounts(counts: readonly ValueCounts[], edges: readonly number[]): { reference: number[]; current: number[] } {
  const reference = new Array<number>(edges.length - 1).fill(0);
  const current = new Array<number>(edges.length - 1).fill(0);
  for (const entry of counts) {
    const bin = binIndex(edges, Number(entry.value));
    reference[bin]! += entry.reference;
    current[bin]! += entry.current;
  }
  return { reference, current };
}

/**
 * Big numerical columns under Wasserstein or KS: decided from guaranteed bounds of the exact
 * statistic when the whole bracket is on one side of the threshold.
 */
function decideFromBounds(column: ColumnToCompare, reference: BinnedSummary, current: BinnedSummary, aboveValues: number): ColumnDrift | undefined {
  const known = column.boundable!;
  if (column.referenceStd === undefined || reference.values + current.values <= aboveValues || current.values === 0 || reference.values === 0) return undefined;
  const bounds = ecdfBounds(reference, current, known.min, known.max);
  if (!bounds) return undefined;
  // The baseline's distinct count is above 10, so Evidently's 5-value rule cannot apply.
  const choice = chooseTest({ name: column.name, kind: 'numerical', referenceValues: bounds.referenceValues, distinctBothSides: known.distinctReference }, column.override);
  let low: number;
  let high: number;
  let pValue: number | null = null;
  let drifted: boolean;
  if (choice.test === 'wasserstein') {
    const norm = Math.max(column.referenceStd, 0.001);
    [low, high] = [bounds.wasserstein[0] / norm, bounds.wasserstein[1] / norm];
    if (low >= choice.threshold) drifted = true;
    else if (high < choice.threshold) drifted = false;
    else return undefined;
  } else if (choice.test === 'ks') {
    [low, high] = bounds.ks;
    const pHigh = ksTwoSamplePValue(low, bounds.referenceValues, bounds.currentValues).pValue;
    const pLow = ksTwoSamplePValue(high, bounds.referenceValues, bounds.currentValues).pValue;
    if (pHigh <= choice.threshold) drifted = true;
    else if (pLow > choice.threshold) drifted = false;
    else return undefined;
    pValue = ksTwoSamplePValue((low + high) / 2, bounds.referenceValues, bounds.currentValues).pValue;
  } else {
    return undefined;
  }
  return {
    column: column.name,
    kind: column.kind,
    test: choice.test,
    threshold: choice.threshold,
    statistic: (low + high) / 2,
    statisticBound: (high - low) / 2,
    pValue,
    drifted,
    note: `decided from guaranteed bounds [${low.toPrecision(4)}, ${high.toPrecision(4)}] of the exact statistic, all on one side of the threshold`,
    distinctBothSides: known.distinctReference,
    reference: { count: bounds.referenceValues, nulls: column.referenceRows - bounds.referenceValues },
    current: { count: bounds.currentValues, nulls: column.currentRows - bounds.currentValues },
    histogram: rangeBarsFromBins(reference, current, known.min, known.max, column.displayRange),
  };
}
