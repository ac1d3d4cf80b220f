import type { DuckDbSession, JsonRow } from './duckdb-session.ts';
import { count, numberOrNull } from './duckdb-session.ts';
import type { AllowedValuesRule, RangeRule } from './expectations.ts';
import { DATA } from './load-table.ts';
import { sampleFailingRows, topValues } from './queries.ts';
import type { CheckResult, ObservedColumn } from './report.ts';
import { percent } from './report.ts';
import { literal, quoteIdentifier } from './sql.ts';
import { canBeNonFinite, isNumericType } from './type-families.ts';

/*
 * Every check follows Great Expectations' `mostly`: it passes when the conforming share of the
 * relevant values is at least `mostly`. Relevant means non-null, except for `notNull` itself,
 * and a column with no relevant values passes (there is nothing to object to).
 */

function conforms(relevant: number, unexpected: number, mostly: number): boolean {
  return relevant === 0 || (relevant - unexpected) / relevant >= mostly;
}

function mostlySuffix(mostly: number): string {
  return mostly < 1 ? ` (mostly ${mostly})` : '';
}

async function result(
  session: DuckDbSession,
  base: Omit<CheckResult, 'status' | 'sampleFailingRows'>,
  passed: boolean,
  failingCondition: string,
): Promise<CheckResult> {
  if (passed) {
    const { message: _unused, ...rest } = base;
    return { ...rest, status: 'passed' };
  }
  return { ...base, status: 'failed', sampleFailingRows: await sampleFailingRows(session, failingCondition) };
}

/**
 * A check in two steps: the aggregates it needs over `data`, which every check of a validation
 * computes in one shared scan, then the verdict from their values (plus evidence queries, which
 * only a failed check runs).
 */
export interface CheckPlan {
  /** SQL aggregate expressions by name; empty when the check needs no scan or runs its own. */
  aggregates: Readonly<Record<string, string>>;
  finish(values: JsonRow): Promise<CheckResult>;
}

export function planNotNull(session: DuckDbSession, column: string, rowCount: number, mostly: number): CheckPlan {
  const id = quoteIdentifier(column);
  return {
    aggregates: { nulls: `(count(*) - count(${id}))::DOUBLE` },
    async finish(values) {
      const nulls = count(values.nulls);
      const nullFraction = rowCount === 0 ? 0 : nulls / rowCount;
      const expectation = `${column} not null${mostlySuffix(mostly)}`;
      const message = `${column}: ${nulls} of ${rowCount} values are null (${percent(nullFraction)}), tolerated ${percent(1 - mostly)}`;
      const observed = { rowCount, nullCount: nulls, nullFraction, mostly };
      return result(session, { check: 'notNull', column, expectation, observed, message }, conforms(rowCount, nulls, mostly), `${id} IS NULL`);
    },
  };
}

export function planBetween(session: DuckDbSession, column: ObservedColumn, rule: RangeRule): CheckPlan {
  const { min, max, mostly } = rule;
  const bounds = `[${min ?? '-∞'}, ${max ?? '+∞'}]`;
  const expectation = `${column.name} within ${bounds}${mostlySuffix(mostly)}`;
  if (!isNumericType(column.type)) {
    const message = `${column.name}: cannot check range, the column is ${column.type}, not numeric`;
    const verdict: CheckResult = { check: 'between', column: column.name, status: 'failed', expectation, observed: { type: column.type }, message };
    return planWithoutScan(async () => verdict);
  }
  const id = quoteIdentifier(column.name);
  const nonFinite = canBeNonFinite(column.type);
  const finite = nonFinite ? `isfinite(${id})` : 'TRUE';
  // NaN compares greater than every number in DuckDB, and +Infinity passes a min-only bound,
  // so non-finite values are excluded from "in range" explicitly.
  const inRange = [finite, min !== undefined ? `${id} >= ${min}` : '', max !== undefined ? `${id} <= ${max}` : ''].filter(Boolean).join(' AND ');
  const outOfRange = `${id} IS NOT NULL AND NOT (${inRange})`;
  // CASE inside plain aggregates, not FILTER clauses: DuckDB scans many of them far faster.
  const aggregates = {
    non_null: `count(${id})::DOUBLE`,
    unexpected: `count(CASE WHEN ${outOfRange} THEN 1 END)::DOUBLE`,
    min: `min(CASE WHEN ${finite} THEN ${id} END)::DOUBLE`,
    max: `max(CASE WHEN ${finite} THEN ${id} END)::DOUBLE`,
    non_finite: `${nonFinite ? `count(CASE WHEN NOT isfinite(${id}) THEN 1 END)` : '0'}::DOUBLE`,
  };
  return {
    aggregates,
    async finish(stats) {
      const nonNull = count(stats.non_null);
      const unexpected = count(stats.unexpected);
      // Which non-finite values, only when there are any: the common case pays one count.
      const split = count(stats.non_finite) > 0
        ? await session.firstRow(`SELECT count(CASE WHEN isnan(${id}) THEN 1 END)::DOUBLE AS nan,
            count(CASE WHEN isinf(${id}) AND ${id} > 0 THEN 1 END)::DOUBLE AS pos_inf,
            count(CASE WHEN isinf(${id}) AND ${id} < 0 THEN 1 END)::DOUBLE AS neg_inf FROM ${DATA}`)
        : {};
      const nan = count(split.nan);
      const infinity = count(split.pos_inf) + count(split.neg_inf);
      const observed = {
        nonNullCount: nonNull,
        unexpectedCount: unexpected,
        unexpectedFraction: nonNull === 0 ? 0 : unexpected / nonNull,
        min: numberOrNull(stats.min),
        max: numberOrNull(stats.max),
        nanCount: nan,
        positiveInfinityCount: count(split.pos_inf),
        negativeInfinityCount: count(split.neg_inf),
        mostly,
      };
      const nonFiniteNote = nan + infinity > 0 ? `, including ${nan} NaN and ${infinity} infinite` : '';
      const message = `${column.name}: ${unexpected} of ${nonNull} values (${percent(observed.unexpectedFraction)}) outside ${bounds}${nonFiniteNote}; observed finite min ${observed.min}, max ${observed.max}`;
      return result(session, { check: 'between', column: column.name, expectation, observed, message }, conforms(nonNull, unexpected, mostly), outOfRange);
    },
  };
}

export function planAllowedValues(session: DuckDbSession, column: string, rule: AllowedValuesRule): CheckPlan {
  const id = quoteIdentifier(column);
  const notAllowed = `${id} IS NOT NULL AND ${id} NOT IN (${rule.values.map(literal).join(', ')})`;
  return {
    aggregates: { non_null: `count(${id})::DOUBLE`, unexpected: `count(CASE WHEN ${notAllowed} THEN 1 END)::DOUBLE` },
    finish: (stats) => allowedValuesResult(session, column, rule, notAllowed, stats),
  };
}

async function allowedValuesResult(session: DuckDbSession, column: string, rule: AllowedValuesRule, notAllowed: string, stats: JsonRow): Promise<CheckResult> {
  const id = quoteIdentifier(column);
  const { values, mostly } = rule;
  const nonNull = count(stats.non_null);
  const unexpected = count(stats.unexpected);
  const unexpectedValues = unexpected > 0 ? await topValues(session, id, notAllowed) : [];
  const observed = { nonNullCount: nonNull, unexpectedCount: unexpected, unexpectedFraction: nonNull === 0 ? 0 : unexpected / nonNull, unexpectedValues, mostly };
  const shown = unexpectedValues.slice(0, 5).map((entry) => `${JSON.stringify(entry.value)} ×${entry.count}`).join(', ');
  const expectation = `${column} in [${values.map((value) => JSON.stringify(value)).join(', ')}]${mostlySuffix(mostly)}`;
  const message = `${column}: ${unexpected} of ${nonNull} values (${percent(observed.unexpectedFraction)}) not allowed: ${shown}`;
  return result(session, { check: 'allowedValues', column, expectation, observed, message }, conforms(nonNull, unexpected, mostly), notAllowed);
}

/** The shared scan counts the values; duplicates need a grouped scan of their own. */
export function planUnique(session: DuckDbSession, column: string): CheckPlan {
  return {
    aggregates: { non_null: `count(${quoteIdentifier(column)})::DOUBLE` },
    finish: (values) => checkUnique(session, column, count(values.non_null)),
  };
}

/** A check that asks the shared scan for nothing: it runs its own queries, if any. */
export function planWithoutScan(finish: () => Promise<CheckResult>): CheckPlan {
  return { aggregates: {}, finish };
}

async function checkUnique(session: DuckDbSession, column: string, nonNull: number): Promise<CheckResult> {
  const id = quoteIdentifier(column);
  const duplicated = `${id} IN (SELECT ${id} FROM ${DATA} WHERE ${id} IS NOT NULL GROUP BY ALL HAVING count(*) > 1)`;
  const stats = await session.firstRow(`SELECT
      count(*)::DOUBLE AS duplicated_values,
      coalesce(sum(n), 0)::DOUBLE AS duplicated_rows
    FROM (SELECT count(*) AS n FROM ${DATA} WHERE ${id} IS NOT NULL GROUP BY ${id} HAVING count(*) > 1)`);
  const duplicatedValues = count(stats.duplicated_values);
  const duplicatedRows = count(stats.duplicated_rows);
  const duplicates = duplicatedValues > 0 ? await topValues(session, id, `${duplicated}`) : [];
  const observed = { nonNullCount: nonNull, duplicatedValueCount: duplicatedValues, duplicatedRowCount: duplicatedRows, duplicates };
  const shown = duplicates.slice(0, 5).map((entry) => `${JSON.stringify(entry.value)} ×${entry.count}`).join(', ');
  const message = `${column}: ${duplicatedValues} value${duplicatedValues === 1 ? '' : 's'} occur more than once (${duplicatedRows} rows): ${shown}`;
  return result(session, { check: 'unique', column, expectation: `${column} unique`, observed, message }, duplicatedValues === 0, duplicated);
}
