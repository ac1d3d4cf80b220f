import { ExpectationConfigError } from './errors.ts';
import type { ColumnExpectation, Expectations } from './expectations.ts';
import { allowedValuesRule, rangeRule, TYPE_FAMILIES } from './expectations.ts';

// Exact types are spliced into a CAST for canonicalisation, so only plain type names pass.
const EXACT_TYPE_PATTERN = /^[A-Za-z][A-Za-z0-9_]*( [A-Za-z][A-Za-z0-9_]*)*(\(\s*\d+\s*(,\s*\d+\s*)?\))?$/;

/**
 * Rejects expectations that cannot mean anything, before any data is read: a DAG author's typo
 * should fail loudly, not pass or fail a file for the wrong reason.
 *
 * @example
 * assertValidExpectations({ columns: { temp: { between: [50, -30] } } }); // throws ExpectationConfigError
 */
export function assertValidExpectations(expectations: Expectations): void {
  if (typeof expectations !== 'object' || expectations === null) {
    throw new ExpectationConfigError('expectations', 'must be an object');
  }
  for (const [name, column] of Object.entries(expectations.columns ?? {})) {
    assertValidColumn(`columns.${name}`, column);
  }
  const { min, max } = expectations.rowCount ?? {};
  if (min !== undefined) assertCount('rowCount.min', min);
  if (max !== undefined) assertCount('rowCount.max', max);
  if (min !== undefined && max !== undefined && min > max) {
    throw new ExpectationConfigError('rowCount', `min (${min}) is greater than max (${max})`);
  }
}

/** Whether a `type` names an exact DuckDB type rather than a family. */
export function isExactType(type: string): boolean {
  return !(TYPE_FAMILIES as readonly string[]).includes(type);
}

function assertValidColumn(field: string, column: ColumnExpectation): void {
  if (typeof column !== 'object' || column === null) throw new ExpectationConfigError(field, 'must be an object');
  if (column.type !== undefined && isExactType(column.type) && !EXACT_TYPE_PATTERN.test(column.type)) {
    throw new ExpectationConfigError(`${field}.type`, `"${column.type}" is neither a type family (${TYPE_FAMILIES.join(', ')}) nor a DuckDB type name`);
  }
  if (typeof column.notNull === 'object') assertMostly(`${field}.notNull.mostly`, column.notNull.mostly);
  if (column.between !== undefined) {
    const { min, max, mostly } = rangeRule(column.between);
    if (min === undefined && max === undefined) throw new ExpectationConfigError(`${field}.between`, 'needs a min, a max or both');
    for (const [side, bound] of [['min', min], ['max', max]] as const) {
      if (bound !== undefined && !Number.isFinite(bound)) {
        throw new ExpectationConfigError(`${field}.between.${side}`, `must be a finite number, got ${String(bound)}`);
      }
    }
    if (min !== undefined && max !== undefined && min > max) {
      throw new ExpectationConfigError(`${field}.between`, `min (${min}) is greater than max (${max})`);
    }
    assertMostly(`${field}.between.mostly`, mostly);
  }
  if (column.allowedValues !== undefined) {
    const { values, mostly } = allowedValuesRule(column.allowedValues);
    if (values.length === 0) throw new ExpectationConfigError(`${field}.allowedValues`, 'must list at least one value');
    const kinds = new Set(values.map((value) => typeof value));
    if (kinds.size > 1) throw new ExpectationConfigError(`${field}.allowedValues`, 'mixes value types; use only strings, only numbers or only booleans');
    if (values.some((value) => typeof value === 'number' && !Number.isFinite(value))) {
      throw new ExpectationConfigError(`${field}.allowedValues`, 'numbers must be finite');
    }
    assertMostly(`${field}.allowedValues.mostly`, mostly);
  }
}

function assertMostly(field: string, mostly: number | undefined): void {
  if (mostly === undefined) return;
  if (typeof mostly !== 'number' || !(mostly >= 0 && mostly <= 1)) {
    throw new ExpectationConfigError(field, `must be a fraction between 0 and 1, got ${String(mostly)}`);
  }
}

function assertCount(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new ExpectationConfigError(field, `must be a whole number ≥ 0, got ${String(value)}`);
}
