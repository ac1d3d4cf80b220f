import type { DataFileSession } from '../duckdb.ts';
import { chiSquaredTest, jensenShannonDistance, ksTwoSamplePValue, psiBand, sturgesEdges, twoProportionZTest, type KsMethod, type PsiBand } from '../stats/index.ts';
import type { ColumnKind } from '../types.ts';
import { chooseTest, isDrift, type ColumnTestOverride, type DriftTestName } from './choose.ts';
import { displayHistogram, type HistogramView } from './display-histogram.ts';
import { binnedCounts, numericSummary, valueCounts, type ColumnSources, type NumericSummary, type ValueCounts } from './merged-values.ts';
import { evidentlyPsi } from './psi-evidently.ts';

export interface ColumnDrift {
  column: string;
  kind: ColumnKind;
  test: DriftTestName;
  threshold: number;
  /**
   * KS D, chi-squared, z, PSI or the distance; null only when the current batch has no values.
   * An infinite chi-squared (a category the reference never had) is Infinity here and the
   * string "Infinity" in the JSON report.
   */
  statistic: number | null;
  /**
   * Set when the decision came from guaranteed bounds (big numerical columns): the exact
   * statistic is within this distance of `statistic`, and the whole interval is on one side of
   * the threshold. Columns whose interval touches the threshold are computed exactly.
   */
  statisticBound?: number;
  /** For KS, chi-squared and z only. */
  pValue: number | null;
  /** KS only: how the p-value was computed (scipy's `method='auto'` rule). */
  ksMethod?: KsMethod;
  drifted: boolean;
  psiBand?: PsiBand;
  note?: string;
  /** Distinct non-null values of both sides together: the input of Evidently's <= 5 rule. */
  distinctBothSides: number;
  reference: { count: number; nulls: number };
  current: { count: number; nulls: number };
  histogram: HistogramView;
}

export interface ColumnToCompare {
  name: string;
  kind: ColumnKind;
  sources: ColumnSources;
  referenceRows: number;
  currentRows: number;
  override?: ColumnTestOverride;
  /**
   * From the baseline, for a numerical column with clearly more than 5 distinct reference values:
   * its range and distinct count, which allow deciding a big column from bounds first.
   */
  boundable?: { min: number; max: number; distinctReference: number };
  /** From the baseline: the reference's population std and its 1st/99th percentiles, when known. */
  referenceStd?: number;
  displayRange?: [number, number];
}

/** Evidently bins numbers with more than this many distinct reference values (Sturges); fewer are compared value by value. */
export const BINNED_ABOVE_DISTINCT = 20;

/** What a comparison reads of a column's data; the exact SQL path and the one-pass path each provide it. */
export interface ColumnData {
  /** Exact ECDF summary of a numerical column (absent for categories). */
  numeric?: NumericSummary;
  /** Every distinct value with each side's count, when read already. */
  counts?: ValueCounts[];
  valueCounts(): Promise<ValueCounts[]>;
  /** Each side's counts in the given bins ([e_i, e_{i+1}), the last closed). */
  binnedCounts(edges: readonly number[]): Promise<{ reference: number[]; current: number[] }>;
  histogram(numeric: NumericSummary | undefined, values: readonly ValueCounts[] | undefined): Promise<HistogramView>;
}

/** One column of both files, compared exactly as Evidently 0.7 compares it, on the full data (several queries). */
export async function compareColumn(session: DataFileSession, column: ColumnToCompare): Promise<ColumnDrift> {
  const numeric = column.kind === 'numerical' ? await numericSummary(session, column.sources, column.referenceStd) : undefined;
  const counts = numeric === undefined ? await valueCounts(session, column.sources) : undefined;
  return decideColumn(column, {
    ...(numeric ? { numeric } : {}),
    ...(counts ? { counts } : {}),
    valueCounts: () => valueCounts(session, column.sources),
    binnedCounts: (edges) => binnedCounts(session, column.sources, edges),
    histogram: (n, values) => displayHistogram(session, column, n, values),
  });
}

/** Evidently 0.7's test choice and decision for one column, from what was read of it. */
export async function decideColumn(column: ColumnToCompare, data: ColumnData): Promise<ColumnDrift> {
  const { numeric, counts } = data;
  const referenceValues = numeric?.referenceValues ?? sum(counts!, 'reference');
  const currentValues = numeric?.currentValues ?? sum(counts!, 'current');
  const distinctBothSides = numeric?.distinct ?? counts!.length;
  const distinctReference = numeric?.distinctReference ?? counts!.filter((entry) => entry.reference > 0).length;
  const choice = chooseTest({ name: column.name, kind: column.kind, referenceValues, distinctBothSides }, column.override);
  const base = {
    column: column.name,
    kind: column.kind,
    test: choice.test,
    threshold: choice.threshold,
    distinctBothSides,
    reference: { count: referenceValues, nulls: column.referenceRows - referenceValues },
    current: { count: currentValues, nulls: column.currentRows - currentValues },
  };
  if (currentValues === 0) {
    // Evidently refuses an empty current column; Weir calls a column that went entirely missing drifted.
    const histogram = await data.histogram(numeric, counts);
    return { ...base, statistic: null, pValue: null, drifted: true, note: 'no non-null values in the current data', histogram };
  }
  // Numbers compared value by value need the merged table, which is small for them.
  const binnedByValue = column.kind === 'categorical' || distinctReference <= BINNED_ABOVE_DISTINCT;
  const needsValues = ['chisquare', 'z'].includes(choice.test) || (['psi', 'jensenshannon'].includes(choice.test) && binnedByValue);
  const values = counts ?? (needsValues ? await data.valueCounts() : undefined);

  let statistic: number;
  let pValue: number | null = null;
  let ksMethod: KsMethod | undefined;
  switch (choice.test) {
    case 'ks': {
      statistic = numeric!.ks;
      const result = ksTwoSamplePValue(statistic, referenceValues, currentValues);
      pValue = result.pValue;
      ksMethod = result.method;
      break;
    }
    case 'wasserstein':
      statistic = numeric!.wasserstein / Math.max(numeric!.referenceStd, 0.001);
      break;
    case 'chisquare': {
      const result = chiSquaredTest(values!.map((entry) => entry.reference), values!.map((entry) => entry.current));
      statistic = result.statistic;
      pValue = result.dof < 1 ? Number.NaN : result.pValue;
      break;
    }
    case 'z': {
      const result = zTest(values!);
      statistic = result.z;
      pValue = result.pValue;
      break;
    }
    case 'psi':
    case 'jensenshannon': {
      const bins = values
        ? { reference: values.map((entry) => entry.reference), current: values.map((entry) => entry.current) }
        : await data.binnedCounts(sturgesEdges(numeric!.min, numeric!.max, referenceValues + currentValues, isIntegerColumn(column, base.reference, base.current)));
      statistic = choice.test === 'psi' ? evidentlyPsi(bins.reference, bins.current) : jensenShannonDistance(bins.reference, bins.current);
      break;
    }
  }
  const drifted = isDrift(choice.test, choice.threshold, statistic, pValue);
  const histogram = await data.histogram(numeric, values);
  return {
    ...base,
    statistic,
    pValue,
    ...(ksMethod ? { ksMethod } : {}),
    drifted,
    ...(choice.test === 'psi' ? { psiBand: psiBand(statistic) } : {}),
    histogram,
  };
}

/** Evidently: both sides one and the same value give p = 1; otherwise the pooled z-test on "not the first value". */
function zTest(values: readonly ValueCounts[]): { z: number; pValue: number } {
  if (values.length === 1) return { z: 0, pValue: 1 };
  let first = values[0]!;
  for (const entry of values) if (compareValues(entry.value, first.value) < 0) first = entry;
  const referenceTotal = sum(values, 'reference');
  const currentTotal = sum(values, 'current');
  return twoProportionZTest(referenceTotal - first.reference, referenceTotal, currentTotal - first.current, currentTotal);
}

/** pandas keeps integers only in a column without nulls on either side; nulls turn it to floats. */
function isIntegerColumn(column: ColumnToCompare, reference: { nulls: number }, current: { nulls: number }): boolean {
  return column.sources.integers === true && reference.nulls === 0 && current.nulls === 0;
}

/** Sorted order as DuckDB and pandas sort: numbers by value, text by code point. */
export function compareValues(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  if (x === y) return 0;
  const [p, q] = [[...x], [...y]];
  for (let k = 0; k < Math.min(p.length, q.length); k++) {
    const d = p[k]!.codePointAt(0)! - q[k]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return p.length - q.length;
}

function sum(values: readonly ValueCounts[], side: 'reference' | 'current'): number {
  let total = 0;
  for (const entry of values) total += entry[side];
  return total;
}
