import type { DuckDbSession } from './duckdb-session.ts';
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

export async function checkNotNull(session: DuckDbSession, column: string, rowCount: number, mostly: number): Promise<CheckResult> {
  const id = quoteIdentifier(column);
  const nulls = count((await session.firstRow(`SELECT count(*)::DOUBLE AS n FROM ${DATA} WHERE ${id} IS NULL`)).n);
  const nullFraction = rowCount === 0 ? 0 : nulls / rowCount;
  const expectation = `${column} not null${mostlySuffix(mostly)}`;
  const message = `${column}: ${nulls} of ${rowCount} values are null (${percent(nullFraction)}), tolerated ${percent(1 - mostly)}`;
  const observed = { rowCount, nullCount: nulls, nullFraction, mostly };
  return result(session, { check: 'notNull', column, expectation, observed, message }, conforms(rowCount, nulls, mostly), `${id} IS NULL`);
}

export async function checkBetween(session: DuckDbSession, column: ObservedColumn, rule: RangeRule): Promise<CheckResult> {
  const { min, max, mostly } = rule;
  const bounds = `[${min ?? '-∞'}, ${max ?? '+∞'}]`;
  const expectation = `${column.name} within ${bounds}${mostlySuffix(mostly)}`;
  if (!isNumericType(column.type)) {
    const message = `${column.name}: cannot check range, the column is ${column.type}, not numeric`;
    return { check: 'between', column: column.name, status: 'failed', expectation, observed: { type: column.type }, message };
  }
  const id = quoteIdentifier(column.name);
  const nonFinite = canBeNonFinite(column.type);
  const finite = nonFinite ? `isfinite(${id})` : 'TRUE';
  // NaN compares greater than every number in DuckDB, and +Infinity passes a min-only bound,
  // so non-finite values are excluded from "in range" explicitly.
  const inRange = [finite, min !== undefined ? `${id} >= ${min}` : '', max !== undefined ? `${id} <= ${max}` : ''].filter(Boolean).join(' AND ');
  const outOfRange = `${id} IS NOT NULL AND NOT (${inRange})`;
  const stats = await session.firstRow(`SELECT
      count(${id})::DOUBLE AS non_null,
      count(*) FILTER (WHERE ${outOfRange})::DOUBLE AS unexpected,
      min(${id}) FILTER (WHERE ${finite})::DOUBLE AS min,
      max(${id}) FILTER (WHERE ${finite})::DOUBLE AS max,
      ${nonFinite ? `count(*) FILTER (WHERE isnan(${id}))` : '0'}::DOUBLE AS nan,
      ${nonFinite ? `count(*) FILTER (WHERE isinf(${id}) AND ${id} > 0)` : '0'}::DOUBLE AS pos_inf,
      ${nonFinite ? `count(*) FILTER (WHERE isinf(${id}) AND ${id} < 0)` : '0'}::DOUBLE AS neg_inf
    FROM ${DATA}`);
  const nonNull = count(stats.non_null);
  const unexpected = count(stats.unexpected);
  const nan = count(stats.nan);
  const infinity = count(stats.pos_inf) + count(stats.neg_inf);
  const observed = {
    nonNullCount: nonNull,
    unexpectedCount: unexpected,
    unexpectedFraction: nonNull === 0 ? 0 : unexpected / nonNull,
    min: numberOrNull(stats.min),
    max: numberOrNull(stats.max),
    nanCount: nan,
    positiveInfinityCount: count(stats.pos_inf),
    negativeInfinityCount: count(stats.neg_inf),
    mostly,
  };
  const nonFiniteNote = nan + infinity > 0 ? `, including ${nan} NaN and ${infinity} infinite` : '';
  const message = `${column.name}: ${unexpected} of ${nonNull} values (${percent(observed.unexpectedFraction)}) outside ${bounds}${nonFiniteNote}; observed finite min ${observed.min}, max ${observed.max}`;
  return result(session, { check: 'between', column: column.name, expectation, observed, message }, conforms(nonNull, unexpected, mostly), outOfRange);
}

export async function checkAllowedValues(session: DuckDbSession, column: string, rule: AllowedValuesRule): Promise<CheckResult> {
  const id = quoteIdentifier(column);
  const { values, mostly } = rule;
  const notAllowed = `${id} IS NOT NULL AND ${id} NOT IN (${values.map(literal).join(', ')})`;
  const stats = await session.firstRow(
    `SELECT count(${id})::DOUBLE AS non_null, count(*) FILTER (WHERE ${notAllowed})::DOUBLE AS unexpected FROM ${DATA}`,
  );
  const nonNull = count(stats.non_null);
  const unexpected = count(stats.unexpected);
  const unexpectedValues = unexpected > 0 ? await topValues(session, id, notAllowed) : [];
  const observed = { nonNullCount: nonNull, unexpectedCount: unexpected, unexpectedFraction: nonNull === 0 ? 0 : unexpected / nonNull, unexpectedValues, mostly };
  const shown = unexpectedValues.slice(0, 5).map((entry) => `${JSON.stringify(entry.value)} ×${entry.count}`).join(', ');
  const expectation = `${column} in [${values.map((value) => JSON.stringify(value)).join(', ')}]${mostlySuffix(mostly)}`;
  const message = `${column}: ${unexpected} of ${nonNull} values (${percent(observed.unexpectedFraction)}) not allowed: ${shown}`;
  return result(session, { check: 'allowedValues', column, expectation, observed, message }, conforms(nonNull, unexpected, mostly), notAllowed);
}

export async function checkUnique(session: DuckDbSession, column: string): Promise<CheckResult> {
  const id = quoteIdentifier(column);
  const duplicated = `${id} IN (SELECT ${id} FROM ${DATA} WHERE ${id} IS NOT NULL GROUP BY ALL HAVING count(*) > 1)`;
  const stats = await session.firstRow(`SELECT
      (SELECT count(${id}) FROM ${DATA})::DOUBLE AS non_null,
      count(*)::DOUBLE AS duplicated_values,
      coalesce(sum(n), 0)::DOUBLE AS duplicated_rows
    FROM (SELECT count(*) AS n FROM ${DATA} WHERE ${id} IS NOT NULL GROUP BY ${id} HAVING count(*) > 1)`);
  const duplicatedValues = count(stats.duplicated_values);
  const duplicatedRows = count(stats.duplicated_rows);
  const duplicates = duplicatedValues > 0 ? await topValues(session, id, `${duplicated}`) : [];
  const observed = { nonNullCount: count(stats.non_null), duplicatedValueCount: duplicatedValues, duplicatedRowCount: duplicatedRows, duplicates };
  const shown = duplicates.slice(0, 5).map((entry) => `${JSON.stringify(entry.value)} ×${entry.count}`).join(', ');
  const message = `${column}: ${duplicatedValues} value${duplicatedValues === 1 ? '' : 's'} occur more than once (${duplicatedRows} rows): ${shown}`;
  return result(session, { check: 'unique', column, expectation: `${column} unique`, observed, message }, duplicatedValues === 0, duplicated);
}
