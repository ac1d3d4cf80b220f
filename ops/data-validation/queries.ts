import type { DuckDbSession, JsonRow } from './duckdb-session.ts';
import { count } from './duckdb-session.ts';
import { DATA } from './load-table.ts';

/** Rows shown per failed expectation: enough to recognise a pattern, small enough to read. */
export const SAMPLE_SIZE = 5;
/** Distinct offending values listed per expectation, most frequent first. */
export const TOP_VALUES = 20;

export interface ValueCount {
  value: unknown;
  count: number;
}

/** Whole rows matching a SQL condition, as evidence for a failed expectation. */
export async function sampleFailingRows(session: DuckDbSession, condition: string): Promise<JsonRow[]> {
  return session.rows(`SELECT * FROM ${DATA} WHERE ${condition} LIMIT ${SAMPLE_SIZE}`);
}

/** The most frequent values of an expression among rows matching a condition. */
export async function topValues(session: DuckDbSession, expression: string, condition: string, limit = TOP_VALUES): Promise<ValueCount[]> {
  const rows = await session.rows(
    `SELECT ${expression} AS value, count(*)::DOUBLE AS n FROM ${DATA} WHERE ${condition} GROUP BY 1 ORDER BY n DESC, value LIMIT ${limit}`,
  );
  return rows.map((row) => ({ value: row.value, count: count(row.n) }));
}
