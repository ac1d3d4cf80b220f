import type { DuckDbSession, JsonRow } from './duckdb-session.ts';
import { ExpectationConfigError } from './errors.ts';
import type { ColumnExpectation, Expectations } from './expectations.ts';
import { allowedValuesRule, notNullMostly, rangeRule } from './expectations.ts';
import type { LoadedTable } from './load-table.ts';
import type { CheckKind, CheckResult, ObservedColumn } from './report.ts';
import { scanAggregates } from './shared-scan.ts';
import { checkRowCount, checkSchema } from './shape-checks.ts';
import { checkType } from './type-check.ts';
import { planAllowedValues, planBetween, planNotNull, planUnique, planWithoutScan, type CheckPlan } from './value-checks.ts';

export interface RunChecksInput {
  session: DuckDbSession;
  table: LoadedTable;
  expectations: Expectations;
  format: 'csv' | 'parquet';
  headerLine: string | undefined;
  signal?: AbortSignal | undefined;
}

interface PlannedCheck {
  check: CheckKind;
  column: string;
  expectation: string;
  /** A plan to run, or the verdict already known (skipped), or why planning failed. */
  plan?: CheckPlan;
  skipped?: CheckResult;
  planError?: unknown;
}

/**
 * Runs every expectation against the loaded table, in a stable order: shape first, then columns.
 * All column checks share one scan of the data for their counts; only the checks that fail read
 * further, for their evidence.
 */
export async function runChecks(input: RunChecksInput): Promise<CheckResult[]> {
  const { table, expectations } = input;
  const shape: CheckResult[] = [
    checkSchema(expectations, { columns: table.columns, headerLine: input.headerLine, delimiter: table.delimiter }),
    checkRowCount(expectations, table.rowCount),
  ];
  const planned = Object.entries(expectations.columns ?? {}).flatMap(([name, expected]) => planColumn(input, name, expected));
  const runnable = planned.filter((entry): entry is PlannedCheck & { plan: CheckPlan } => entry.plan !== undefined);
  const scanned = await scanAggregates(input.session, runnable.map((entry) => entry.plan.aggregates));
  const valuesFor = new Map<PlannedCheck, JsonRow | Error>(runnable.map((entry, index) => [entry, scanned[index]!]));
  if (input.signal?.aborted) throw input.signal.reason instanceof Error ? input.signal.reason : new Error('validation cancelled');
  const results: CheckResult[] = [];
  for (const entry of planned) {
    if (entry.skipped) {
      results.push(entry.skipped);
      continue;
    }
    const values = valuesFor.get(entry);
    results.push(
      await evaluate(entry, input.signal, async () => {
        if (entry.planError !== undefined) throw entry.planError;
        if (values instanceof Error) throw values;
        return entry.plan!.finish(values ?? {});
      }),
    );
  }
  return [...shape, ...results];
}

function planColumn(input: RunChecksInput, name: string, expected: ColumnExpectation): PlannedCheck[] {
  const { session, table, format } = input;
  const column = table.columns.find((candidate) => candidate.name === name);
  const wanted: [CheckKind, string, (column: ObservedColumn) => CheckPlan][] = [];
  if (expected.type !== undefined) {
    const type = expected.type;
    wanted.push(['type', `${name} has type ${type}`, (found) => planWithoutScan(() => checkType(session, { column: found, expected: type, rowCount: table.rowCount, format }))]);
  }
  const mostlyNotNull = notNullMostly(expected.notNull);
  if (mostlyNotNull !== undefined) wanted.push(['notNull', `${name} not null`, () => planNotNull(session, name, table.rowCount, mostlyNotNull)]);
  if (expected.between !== undefined) {
    const rule = rangeRule(expected.between);
    wanted.push(['between', `${name} between ${rule.min ?? '-∞'} and ${rule.max ?? '+∞'}`, (found) => planBetween(session, found, rule)]);
  }
  if (expected.allowedValues !== undefined) {
    const rule = allowedValuesRule(expected.allowedValues);
    wanted.push(['allowedValues', `${name} in allowed values`, () => planAllowedValues(session, name, rule)]);
  }
  if (expected.unique) wanted.push(['unique', `${name} unique`, () => planUnique(session, name)]);

  return wanted.map(([check, expectation, plan]) => {
    const base = { check, column: name, expectation };
    if (!column) {
      // The schema check already failed for this column; one failure per cause is enough.
      return { ...base, skipped: { check, column: name, status: 'skipped', expectation, observed: {}, message: `${name}: column missing` } };
    }
    if (table.rowCount === 0 && check !== 'type') {
      // The row-count check already failed; values that do not exist cannot fail twice.
      return { ...base, skipped: { check, column: name, status: 'skipped', expectation, observed: {}, message: `${name}: no rows to check` } };
    }
    try {
      return { ...base, plan: plan(column) };
    } catch (error) {
      return { ...base, planError: error };
    }
  });
}

// A check whose SQL fails (say, allowed strings against a numeric column, or a Parquet page
// that is corrupt) becomes a failed expectation with the reason, not a crashed task.
async function evaluate(entry: PlannedCheck, signal: AbortSignal | undefined, run: () => Promise<CheckResult>): Promise<CheckResult> {
  const { check, column, expectation } = entry;
  try {
    return await run();
  } catch (error) {
    if (error instanceof ExpectationConfigError || signal?.aborted) throw error;
    const reason = (error as Error).message.split('\n')[0] ?? String(error);
    return { check, column, status: 'failed', expectation, observed: { error: reason }, message: `${column}: could not check ${check}: ${reason}` };
  }
}
