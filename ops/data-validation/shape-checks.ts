import { wrongDelimiterHint } from './delimiter-hint.ts';
import type { Expectations } from './expectations.ts';
import { rowCountBounds } from './expectations.ts';
import type { CheckResult, ObservedColumn } from './report.ts';

export interface SchemaContext {
  columns: readonly ObservedColumn[];
  /** The raw header line of a CSV, to recognise a wrong delimiter. */
  headerLine: string | undefined;
  delimiter: string | undefined;
}

/**
 * Schema drift: expected columns the file lacks, and (when extra columns are not allowed)
 * columns it has that nobody expected.
 */
export function checkSchema(expectations: Expectations, context: SchemaContext): CheckResult {
  const expected = Object.keys(expectations.columns ?? {});
  const present = new Set(context.columns.map((column) => column.name));
  const missing = expected.filter((name) => !present.has(name));
  const allowExtra = expectations.schema?.allowExtraColumns ?? true;
  const unexpected = allowExtra ? [] : context.columns.map((column) => column.name).filter((name) => !expected.includes(name));
  const hint = wrongDelimiterHint(context.headerLine, context.delimiter, missing);
  const observed = { expected, actual: [...present], missing, unexpected, ...(hint ? { delimiterHint: hint } : {}) };
  const expectation = allowExtra ? `columns ${expected.join(', ')} present` : `exactly the columns ${expected.join(', ')}`;
  if (missing.length === 0 && unexpected.length === 0) return { check: 'schema', status: 'passed', expectation, observed };
  const problems = [
    missing.length > 0 ? `missing column${missing.length === 1 ? '' : 's'} ${missing.join(', ')}` : undefined,
    unexpected.length > 0 ? `unexpected column${unexpected.length === 1 ? '' : 's'} ${unexpected.join(', ')}` : undefined,
  ].filter(Boolean);
  return { check: 'schema', status: 'failed', expectation, observed, message: `schema: ${problems.join('; ')}${hint ? ` (${hint})` : ''}` };
}

export function checkRowCount(expectations: Expectations, rowCount: number): CheckResult {
  const { min, max } = rowCountBounds(expectations);
  const expectation = max === undefined ? `at least ${min} row${min === 1 ? '' : 's'}` : `between ${min} and ${max} rows`;
  const observed = { rowCount, min, max: max ?? null };
  if (rowCount >= min && (max === undefined || rowCount <= max)) return { check: 'rowCount', status: 'passed', expectation, observed };
  const message = rowCount === 0 ? 'row count: the file has no data rows' : `row count: ${rowCount} rows, expected ${expectation}`;
  return { check: 'rowCount', status: 'failed', expectation, observed, message };
}
