import type { DuckDbSession } from './duckdb-session.ts';
import { ExpectationConfigError } from './errors.ts';
import type { Expectations } from './expectations.ts';
import { allowedValuesRule, notNullMostly, rangeRule } from './expectations.ts';
import type { LoadedTable } from './load-table.ts';
import type { CheckKind, CheckResult, ObservedColumn } from './report.ts';
import { checkRowCount, checkSchema } from './shape-checks.ts';
import { checkType } from './type-check.ts';
import { checkAllowedValues, checkBetween, checkNotNull, checkUnique } from './value-checks.ts';

export interface RunChecksInput {
  session: DuckDbSession;
  table: LoadedTable;
  expectations: Expectations;
  format: 'csv' | 'parquet';
  headerLine: string | undefined;
  signal?: AbortSignal | undefined;
}

/** Runs every expectation against the loaded table, in a stable order: shape first, then columns. */
export async function runChecks(input: RunChecksInput): Promise<CheckResult[]> {
  const { session, table, expectations, format } = input;
  const results: CheckResult[] = [
    checkSchema(expectations, { columns: table.columns, headerLine: input.headerLine, delimiter: table.delimiter }),
    checkRowCount(expectations, table.rowCount),
  ];
  for (const [name, expected] of Object.entries(expectations.columns ?? {})) {
    const column = table.columns.find((candidate) => candidate.name === name);
    const pending: [CheckKind, string, (column: ObservedColumn) => Promise<CheckResult>][] = [];
    if (expected.type !== undefined) {
      const type = expected.type;
      pending.push(['type', `${name} has type ${type}`, (found) => checkType(session, { column: found, expected: type, rowCount: table.rowCount, format })]);
    }
    const mostlyNotNull = notNullMostly(expected.notNull);
    if (mostlyNotNull !== undefined) pending.push(['notNull', `${name} not null`, () => checkNotNull(session, name, table.rowCount, mostlyNotNull)]);
    if (expected.between !== undefined) {
      const rule = rangeRule(expected.between);
      pending.push(['between', `${name} between ${rule.min ?? '-∞'} and ${rule.max ?? '+∞'}`, (found) => checkBetween(session, found, rule)]);
    }
    if (expected.allowedValues !== undefined) {
      const rule = allowedValuesRule(expected.allowedValues);
      pending.push(['allowedValues', `${name} in allowed values`, () => checkAllowedValues(session, name, rule)]);
    }
    if (expected.unique) pending.push(['unique', `${name} unique`, () => checkUnique(session, name)]);

    for (const [check, expectation, run] of pending) {
      if (!column) {
        // The schema check already failed for this column; one failure per cause is enough.
        results.push({ check, column: name, status: 'skipped', expectation, observed: {}, message: `${name}: column missing` });
        continue;
      }
      if (table.rowCount === 0 && check !== 'type') {
        // The row-count check already failed; values that do not exist cannot fail twice.
        results.push({ check, column: name, status: 'skipped', expectation, observed: {}, message: `${name}: no rows to check` });
        continue;
      }
      results.push(await evaluate(check, name, expectation, () => run(column), input.signal));
    }
  }
  return results;
}

// A check whose SQL fails (say, allowed strings against a numeric column, or a Parquet page
// that is corrupt) becomes a failed expectation with the reason, not a crashed task.
async function evaluate(
  check: CheckKind,
  column: string,
  expectation: string,
  run: () => Promise<CheckResult>,
  signal: AbortSignal | undefined,
): Promise<CheckResult> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ExpectationConfigError || signal?.aborted) throw error;
    const reason = (error as Error).message.split('\n')[0] ?? String(error);
    return { check, column, status: 'failed', expectation, observed: { error: reason }, message: `${column}: could not check ${check}: ${reason}` };
  }
}
