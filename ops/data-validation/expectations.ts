/**
 * The declarative shape of what a data file must look like. Plain data on purpose: it lives in
 * DAG files, can be reviewed like config, and is echoed into the report unchanged.
 */

/**
 * Groups of DuckDB types, so an expectation survives harmless differences such as a CSV sniffed
 * as BIGINT today and INTEGER from a Parquet writer tomorrow. `numeric` is integer or float.
 */
export type TypeFamily = 'integer' | 'float' | 'numeric' | 'string' | 'date' | 'timestamp' | 'boolean';

export const TYPE_FAMILIES: readonly TypeFamily[] = ['integer', 'float', 'numeric', 'string', 'date', 'timestamp', 'boolean'];

/**
 * Great Expectations' `mostly`: the check passes when at least this fraction (0..1) of the
 * relevant values conform. Nulls are not relevant values, except to `notNull`.
 */
export interface Tolerance {
  mostly?: number;
}

export type AllowedValue = string | number | boolean;

export interface ColumnExpectation {
  /** A family (`'float'`) or an exact DuckDB type (`'DOUBLE'`, `'DECIMAL(10,2)'`, `'INT'`). */
  type?: TypeFamily | (string & {});
  /** `true` means no nulls at all; `{ mostly: 0.99 }` tolerates 1% nulls. */
  notNull?: boolean | Tolerance;
  /** Inclusive bounds; `null` leaves a side open. NaN and ±Infinity never conform. */
  between?: readonly [min: number | null, max: number | null] | ({ min?: number; max?: number } & Tolerance);
  allowedValues?: readonly AllowedValue[] | ({ values: readonly AllowedValue[] } & Tolerance);
  /** No non-null value may occur twice. */
  unique?: boolean;
}

export interface Expectations {
  columns?: Readonly<Record<string, ColumnExpectation>>;
  /** Inclusive bounds on the number of data rows. `min` defaults to 1: an empty file is a failure. */
  rowCount?: { min?: number; max?: number };
  schema?: {
    /** When false, columns the file has but `columns` does not name fail the schema check. Default true. */
    allowExtraColumns?: boolean;
  };
}

/** `between` and `allowedValues` after their shorthand forms are expanded. */
export interface RangeRule {
  min: number | undefined;
  max: number | undefined;
  mostly: number;
}

export interface AllowedValuesRule {
  values: readonly AllowedValue[];
  mostly: number;
}

export function notNullMostly(rule: ColumnExpectation['notNull']): number | undefined {
  if (rule === undefined || rule === false) return undefined;
  return rule === true ? 1 : (rule.mostly ?? 1);
}

export function rangeRule(rule: NonNullable<ColumnExpectation['between']>): RangeRule {
  if (isTuple(rule)) return { min: rule[0] ?? undefined, max: rule[1] ?? undefined, mostly: 1 };
  return { min: rule.min, max: rule.max, mostly: rule.mostly ?? 1 };
}

export function allowedValuesRule(rule: NonNullable<ColumnExpectation['allowedValues']>): AllowedValuesRule {
  if (isTuple(rule)) return { values: rule, mostly: 1 };
  return { values: rule.values, mostly: rule.mostly ?? 1 };
}

function isTuple<T>(value: unknown): value is readonly T[] {
  return Array.isArray(value);
}

/** The row-count bounds in force, with the default minimum of one row. */
export function rowCountBounds(expectations: Expectations): { min: number; max: number | undefined } {
  return { min: expectations.rowCount?.min ?? 1, max: expectations.rowCount?.max };
}
