import { DriftConfigError } from '../errors.ts';
import type { ColumnKind } from '../types.ts';

export type DriftTestName = 'ks' | 'chisquare' | 'z' | 'wasserstein' | 'jensenshannon' | 'psi';

/** p-value tests drift when p < threshold (KS: p <= threshold); distances when >= threshold. */
export const P_VALUE_TESTS: ReadonlySet<DriftTestName> = new Set(['ks', 'chisquare', 'z']);
export const TESTS_FOR: Record<ColumnKind, readonly DriftTestName[]> = {
  numerical: ['ks', 'wasserstein', 'psi', 'jensenshannon', 'chisquare', 'z'],
  categorical: ['chisquare', 'z', 'psi', 'jensenshannon'],
};
/** Evidently: p-value tests up to this many non-null reference values, distances above. */
export const SMALL_REFERENCE_MAX_VALUES = 1_000;
/** Evidently: a column with at most this many distinct values (both sides together) is tested as categories. */
export const FEW_VALUES_MAX = 5;

export interface ColumnTestOverride {
  test?: DriftTestName;
  threshold?: number;
}

export interface ColumnTestChoice {
  test: DriftTestName;
  threshold: number;
}

/** What Evidently's `_get_default_stattest` looks at, for one column. */
export interface ChoiceInputs {
  name: string;
  kind: ColumnKind;
  /** Non-null (and finite) reference values. */
  referenceValues: number;
  /** Distinct non-null values of reference and current together. */
  distinctBothSides: number;
}

/** Evidently 0.7's default test for the column, then the column's override. */
export function chooseTest(column: ChoiceInputs, override: ColumnTestOverride = {}): ColumnTestChoice {
  const test = override.test ?? defaultTest(column);
  if (override.test !== undefined && !TESTS_FOR[column.kind].includes(test)) {
    throw new DriftConfigError(`Test "${test}" does not apply to ${column.kind} column "${column.name}"; use one of ${TESTS_FOR[column.kind].join(', ')}`, column.name);
  }
  const threshold = override.threshold ?? (P_VALUE_TESTS.has(test) ? 0.05 : 0.1);
  if (!(threshold > 0)) throw new DriftConfigError(`Threshold for column "${column.name}" must be a positive number, got ${threshold}`, column.name);
  return { test, threshold };
}

function defaultTest(column: ChoiceInputs): DriftTestName {
  const few = column.distinctBothSides <= FEW_VALUES_MAX;
  const binaryTest: DriftTestName = column.distinctBothSides > 2 ? 'chisquare' : 'z';
  if (column.referenceValues <= SMALL_REFERENCE_MAX_VALUES) {
    if (column.kind === 'numerical') return few ? binaryTest : 'ks';
    return binaryTest;
  }
  if (column.kind === 'numerical') return few ? 'jensenshannon' : 'wasserstein';
  return 'jensenshannon';
}

/** Cheap check before reading data: an override naming a test the column's kind cannot take. */
export function checkOverride(name: string, kind: ColumnKind, override: ColumnTestOverride | undefined): void {
  if (override?.test !== undefined && !TESTS_FOR[kind].includes(override.test)) {
    throw new DriftConfigError(`Test "${override.test}" does not apply to ${kind} column "${name}"; use one of ${TESTS_FOR[kind].join(', ')}`, name);
  }
  if (override?.threshold !== undefined && !(override.threshold > 0)) {
    throw new DriftConfigError(`Threshold for column "${name}" must be a positive number, got ${override.threshold}`, name);
  }
}

/** Evidently's decision rule per test. */
export function isDrift(test: DriftTestName, threshold: number, statistic: number, pValue: number | null): boolean {
  if (pValue !== null) return test === 'ks' ? pValue <= threshold : pValue < threshold;
  return statistic >= threshold;
}
