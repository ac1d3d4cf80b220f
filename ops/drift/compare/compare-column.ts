import type { DataFileSession } from '../duckdb.ts';
import { chiSquaredTest, jensenShannonDistance, ksTwoSamplePValue, psiBand, sturgesEdges, twoProportionZTest, type KsMethod, type PsiBand } from '../stats/index.ts';
import type { ColumnKind } from '../types.ts';
import { chooseTest, isDrift, type ColumnTestOverride, type DriftTestName } from './choose.ts';
import { displayHistogram, type HistogramView } from './display-histogram.ts';
import { BOUNDED_FIRST_ABOVE_VALUES, ecdfBounds } from './binned-bounds.ts';
import { binnedCounts, numericSummary, valueCounts, type ColumnSources, type ValueCounts } from './merged-values.ts';
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
const BINNED_ABOVE_DISTINCT = 20;

/** One column of both files, compared exactly as Evidently 0.7 compares it, on the full data. */
export async function compareColumn(session: DataFileSession, column: ColumnToCompare): Promise<ColumnDrift> {
  if (column.boundable && column.referenceStd !== undefined && column.referenceRows + column.currentRows > BOUNDED_FIRST_ABOVE_VALUES) {
    const decided = await decideFromBounds(session, column, column.boundable, column.referenceStd);
    if (decided) return decided;
  }
  const numeric = column.kind === 'numerical' ? await numericSummary(session, column.sources, column.referenceStd) : undefined;
  const counts = numeric === undefined ? await valueCounts(session, column.sources) : undefined;
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
    const histogram = await displayHistogram(session, column, numeric, counts);
    return { ...base, statistic: null, pValue: null, drifted: true, note: 'no non-null values in the current data', histogram };
  }
  // Numbers compared value by value need the merged table, which is small for them.
  const binnedByValue = column.kind === 'categorical' || distinctReference <= BINNED_ABOVE_DISTINCT;
  const needsValues = ['chisquare', 'z'].includes(choice.test) || (['psi', 'jensenshannon'].includes(choice.test) && binnedByValue);
  const values = counts ?? (needsValues ? await valueCounts(session, column.sources) : undefined);

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
        : await binnedCounts(session, column.sources, sturgesEdges(numeric!.min, numeric!.max, referenceValues + currentValues, isIntegerColumn(column, base.reference, base.current)));
      statistic = choice.test === 'psi' ? evidentlyPsi(bins.reference, bins.current) : jensenShannonDistance(bins.reference, bins.current);
      break;
    }
  }
  const drifted = isDrift(choice.test, choice.threshold, statistic, pValue);
  const histogram = await displayHistogram(session, column, numeric, values);
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
  const first = values[0]!;
  const referenceTotal = sum(values, 'reference');
  const currentTotal = sum(values, 'current');
  return twoProportionZTest(referenceTotal - first.reference, referenceTotal, currentTotal - first.current, currentTotal);
}

/** pandas keeps integers only in a column without nulls on either side; nulls turn it to floats. */
function isIntegerColumn(column: ColumnToCompare, reference: { nulls: number }, current: { nulls: number }): boolean {
  return column.sources.integers === true && reference.nulls === 0 && current.nulls === 0;
}

function sum(values: readonly ValueCounts[], side: 'reference' | 'current'): number {
  let total = 0;
  for (const entry of values) total += entry[side];
  return total;
}

/**
 * Big numerical columns under Wasserstein or KS: decide from deterministic bounds of the exact
 * statistic (one hash aggregation, no sort) when the whole bracket is on one side of the
 * threshold; undefined sends the column to the exact computation.
 */
async function decideFromBounds(session: DataFileSession, column: ColumnToCompare, known: { min: number; max: number; distinctReference: number }, referenceStd: number): Promise<ColumnDrift | undefined> {
  const current = (await session.query(`SELECT min(v) AS lo, max(v) AS hi FROM (SELECT ${column.sources.current.valueSql} AS v FROM ${column.sources.current.source})`))[0] ?? {};
  if (current.lo === null || current.lo === undefined) return undefined;
  const min = Math.min(known.min, Number(current.lo));
  const max = Math.max(known.max, Number(current.hi));
  const bounds = await ecdfBounds(session, column.sources, min, max);
  const choice = chooseTest({ name: column.name, kind: 'numerical', referenceValues: bounds.referenceValues, distinctBothSides: known.distinctReference }, column.override);
  let low: number;
  let high: number;
  let pValue: number | null = null;
  let drifted: boolean;
  if (choice.test === 'wasserstein') {
    const norm = Math.max(referenceStd, 0.001);
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
  const histogram = await displayHistogram(session, column, undefined, undefined);
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
    histogram,
  };
}
