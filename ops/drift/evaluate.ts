import type { CurrentColumn, CurrentProfile } from './current.ts';
import { DriftConfigError } from './errors.ts';
import {
  chiSquaredTest,
  jensenShannonDistance,
  ksTwoSample,
  normedWassersteinDistance,
  populationStabilityIndex,
  psiBand,
  type PsiBand,
} from './stats/index.ts';
import { OTHER_CATEGORY, type BaselineStats, type ColumnBaseline, type ColumnKind } from './types.ts';

export type DriftTestName = 'ks' | 'chisquare' | 'wasserstein' | 'jensenshannon' | 'psi';

/** p-value tests drift when p < threshold; distance tests when distance >= threshold. */
const P_VALUE_TESTS: ReadonlySet<DriftTestName> = new Set(['ks', 'chisquare']);
const TESTS_FOR: Record<ColumnKind, readonly DriftTestName[]> = {
  numerical: ['ks', 'wasserstein', 'psi', 'jensenshannon'],
  categorical: ['chisquare', 'psi', 'jensenshannon'],
};
/** Tests that compare value samples rather than bin counts. */
export const SAMPLE_TESTS: ReadonlySet<DriftTestName> = new Set(['ks', 'wasserstein']);
/** Evidently picks p-value tests for small references and distances for large ones. */
export const SMALL_REFERENCE_MAX_ROWS = 1_000;

export interface ColumnTestOverride {
  test?: DriftTestName;
  threshold?: number;
}

export interface ColumnTestChoice {
  test: DriftTestName;
  threshold: number;
}

/** Evidently's defaults, then the column's override. */
export function chooseTest(column: ColumnBaseline, referenceRows: number, override: ColumnTestOverride = {}): ColumnTestChoice {
  const small = referenceRows <= SMALL_REFERENCE_MAX_ROWS;
  const test = override.test ?? (column.kind === 'numerical' ? (small ? 'ks' : 'wasserstein') : small ? 'chisquare' : 'jensenshannon');
  if (!TESTS_FOR[column.kind].includes(test)) {
    throw new DriftConfigError(`Test "${test}" does not apply to ${column.kind} column "${column.name}"; use one of ${TESTS_FOR[column.kind].join(', ')}`, column.name);
  }
  const threshold = override.threshold ?? (P_VALUE_TESTS.has(test) ? 0.05 : 0.1);
  if (!(threshold > 0)) throw new DriftConfigError(`Threshold for column "${column.name}" must be a positive number, got ${threshold}`, column.name);
  return { test, threshold };
}

export interface HistogramView {
  labels: string[];
  reference: number[];
  current: number[];
}

export interface ColumnDrift {
  column: string;
  kind: ColumnKind;
  test: DriftTestName;
  threshold: number;
  /** KS D, chi-squared, PSI or the distance; null when the current batch has no values. */
  statistic: number | null;
  /** For KS and chi-squared only. */
  pValue: number | null;
  drifted: boolean;
  psiBand?: PsiBand;
  note?: string;
  reference: { count: number; nulls: number };
  current: { count: number; nulls: number };
  histogram: HistogramView;
}

export interface DriftEvaluation {
  drifted: boolean;
  driftedColumns: string[];
  /** Drifted share of the compared columns. */
  share: number;
  datasetDriftShare: number;
  referenceRows: number;
  currentRows: number;
  columns: ColumnDrift[];
}

/** Pure: compares each profiled column against its baseline and decides dataset drift. */
export function evaluateDrift(
  baseline: BaselineStats,
  current: CurrentProfile,
  choices: ReadonlyMap<string, ColumnTestChoice>,
  datasetDriftShare: number,
): DriftEvaluation {
  const columns: ColumnDrift[] = [];
  for (const column of baseline.columns) {
    const choice = choices.get(column.name);
    const profile = current.columns.get(column.name);
    if (!choice || !profile) continue;
    columns.push(compareColumn(column, profile, choice));
  }
  const driftedColumns = columns.filter((column) => column.drifted).map((column) => column.column);
  const share = columns.length === 0 ? 0 : driftedColumns.length / columns.length;
  return {
    drifted: columns.length > 0 && share >= datasetDriftShare,
    driftedColumns,
    share,
    datasetDriftShare,
    referenceRows: baseline.rowCount,
    currentRows: current.rowCount,
    columns,
  };
}

function compareColumn(column: ColumnBaseline, profile: CurrentColumn, choice: ColumnTestChoice): ColumnDrift {
  const histogram = histogramView(column, profile);
  const base = {
    column: column.name,
    kind: column.kind,
    test: choice.test,
    threshold: choice.threshold,
    reference: { count: column.count, nulls: column.nulls },
    current: { count: profile.count, nulls: profile.nulls },
    histogram,
  };
  if (profile.count === 0) {
    // A column that went entirely missing is as drifted as a column can be.
    return { ...base, statistic: null, pValue: null, drifted: true, note: 'no non-null values in the current data' };
  }
  let statistic: number;
  let pValue: number | null = null;
  switch (choice.test) {
    case 'ks': {
      const result = ksTwoSample(referenceSample(column), profile.kind === 'numerical' ? (profile.sample ?? []) : []);
      statistic = result.statistic;
      pValue = result.pValue;
      break;
    }
    case 'wasserstein':
      statistic = normedWassersteinDistance(referenceSample(column), profile.kind === 'numerical' ? (profile.sample ?? []) : [], column.kind === 'numerical' ? column.std : 0);
      break;
    case 'chisquare': {
      const result = chiSquaredTest(histogram.reference, histogram.current);
      statistic = result.statistic;
      pValue = result.pValue;
      break;
    }
    case 'psi':
      statistic = populationStabilityIndex(histogram.reference, histogram.current);
      break;
    case 'jensenshannon':
      statistic = jensenShannonDistance(histogram.reference, histogram.current);
      break;
  }
  const drifted = pValue !== null ? pValue < choice.threshold : statistic >= choice.threshold;
  return { ...base, statistic, pValue, drifted, ...(choice.test === 'psi' ? { psiBand: psiBand(statistic) } : {}) };
}

function referenceSample(column: ColumnBaseline): number[] {
  return column.kind === 'numerical' ? column.sample : [];
}

/** Aligned bins for both sides: the baseline's bins (plus out-of-range bins) or the union of categories. */
export function histogramView(column: ColumnBaseline, profile: CurrentColumn): HistogramView {
  if (column.kind === 'numerical' && profile.kind === 'numerical') {
    const { edges, counts } = column.histogram;
    const labels = counts.map((_, i) => `${formatEdge(edges[i]!)} – ${formatEdge(edges[i + 1]!)}`);
    const view: HistogramView = { labels, reference: [...counts], current: [...profile.counts] };
    // Out-of-range bins only when current data lands there; the reference never does.
    if (profile.below > 0) {
      view.labels.unshift(`< ${formatEdge(edges[0]!)}`);
      view.reference.unshift(0);
      view.current.unshift(profile.below);
    }
    if (profile.above > 0) {
      view.labels.push(`> ${formatEdge(edges[edges.length - 1]!)}`);
      view.reference.push(0);
      view.current.push(profile.above);
    }
    return view;
  }
  if (column.kind === 'categorical' && profile.kind === 'categorical') {
    const currentCounts = new Map(profile.frequencies.map((entry) => [entry.value, entry.count]));
    const labels = column.frequencies.map((entry) => entry.value);
    if (!labels.includes(OTHER_CATEGORY) && currentCounts.has(OTHER_CATEGORY)) labels.push(OTHER_CATEGORY);
    const referenceCounts = new Map(column.frequencies.map((entry) => [entry.value, entry.count]));
    return {
      labels,
      reference: labels.map((label) => referenceCounts.get(label) ?? 0),
      current: labels.map((label) => currentCounts.get(label) ?? 0),
    };
  }
  throw new DriftConfigError(`Column "${column.name}" changed kind between baseline and current profile`, column.name);
}

function formatEdge(value: number): string {
  return Number.isInteger(value) ? String(value) : Number(value.toPrecision(4)).toString();
}
