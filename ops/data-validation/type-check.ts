import { isExactType } from './check-expectations.ts';
import type { DuckDbSession } from './duckdb-session.ts';
import { count } from './duckdb-session.ts';
import { ExpectationConfigError } from './errors.ts';
import type { TypeFamily } from './expectations.ts';
import { sampleFailingRows, topValues } from './queries.ts';
import type { CheckResult, ObservedColumn } from './report.ts';
import { quoteIdentifier } from './sql.ts';
import { castTargetFor, familyMatches, familyOf } from './type-families.ts';

export interface TypeCheckInput {
  column: ObservedColumn;
  expected: string;
  rowCount: number;
  format: 'csv' | 'parquet';
}

/**
 * Checks a column's type against a family or an exact DuckDB type. When a text column should
 * have been something else, it also counts and lists the values that do not convert, which is
 * what someone fixing the upstream export needs.
 */
export async function checkType(session: DuckDbSession, input: TypeCheckInput): Promise<CheckResult> {
  const { column, expected, rowCount, format } = input;
  const exact = isExactType(expected) ? await canonicalTypeName(session, column.name, expected) : undefined;
  const expectation = `${column.name} has type ${exact ?? expected}`;
  const observed: Record<string, unknown> = { type: column.type, family: familyOf(column.type) ?? null };
  if (rowCount === 0 && format === 'csv') {
    // Without rows the sniffer types every CSV column VARCHAR; a type verdict would be noise.
    return { check: 'type', column: column.name, status: 'skipped', expectation, observed, message: `${column.name}: no rows to infer a CSV type from` };
  }
  const matches = exact !== undefined ? column.type.toUpperCase() === exact : familyMatches(expected as TypeFamily, column.type);
  if (matches) return { check: 'type', column: column.name, status: 'passed', expectation, observed };

  let message = `${column.name}: type ${column.type}, expected ${exact ?? expected}`;
  const target = exact ?? castTargetFor(expected as TypeFamily);
  if (familyOf(column.type) === 'string' && target !== undefined) {
    const id = quoteIdentifier(column.name);
    const notConvertible = `${id} IS NOT NULL AND TRY_CAST(${id} AS ${target}) IS NULL`;
    const bad = count((await session.firstRow(`SELECT count(*)::DOUBLE AS n FROM data WHERE ${notConvertible}`)).n);
    observed.unconvertibleCount = bad;
    observed.unconvertibleValues = await topValues(session, id, notConvertible);
    message += ` (${bad} value${bad === 1 ? '' : 's'} cannot be read as ${target})`;
    return { check: 'type', column: column.name, status: 'failed', expectation, observed, message, sampleFailingRows: await sampleFailingRows(session, notConvertible) };
  }
  return { check: 'type', column: column.name, status: 'failed', expectation, observed, message };
}

/** DuckDB's own name for a type alias, so `INT` matches `INTEGER` and `STRING` matches `VARCHAR`. */
async function canonicalTypeName(session: DuckDbSession, column: string, type: string): Promise<string> {
  try {
    // `type` passed the exact-type pattern (letters, digits, spaces, one parenthesised size).
    const row = await session.firstRow(`SELECT typeof(CAST(NULL AS ${type})) AS t`);
    return String(row.t).toUpperCase();
  } catch (error) {
    throw new ExpectationConfigError(`columns.${column}.type`, `DuckDB does not know the type "${type}": ${(error as Error).message.split('\n')[0]}`);
  }
}
