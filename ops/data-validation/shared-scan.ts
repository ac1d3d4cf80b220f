import type { DuckDbSession, JsonRow } from './duckdb-session.ts';
import { DATA } from './load-table.ts';

/**
 * Computes every group of aggregates in one scan of `data` and returns each group's values under
 * its own names. When that query fails, each group runs alone, so one bad expression (strings
 * compared with a number column, say) costs only its own check, which gets the error instead of
 * values.
 */
export async function scanAggregates(session: DuckDbSession, groups: readonly Readonly<Record<string, string>>[]): Promise<(JsonRow | Error)[]> {
  const column = (group: number, name: string) => `g${group}_${name}`;
  const select = (entries: [number, Readonly<Record<string, string>>][]) =>
    entries.flatMap(([group, aggregates]) => Object.entries(aggregates).map(([name, sql]) => `${sql} AS "${column(group, name)}"`));
  const valuesOf = (row: JsonRow, group: number): JsonRow =>
    Object.fromEntries(Object.keys(groups[group]!).map((name) => [name, row[column(group, name)]]));

  const withAggregates = groups.map((aggregates, group) => [group, aggregates] as [number, Readonly<Record<string, string>>]).filter(([, aggregates]) => Object.keys(aggregates).length > 0);
  const values: (JsonRow | Error)[] = groups.map(() => ({}));
  if (withAggregates.length === 0) return values;
  try {
    const row = await session.firstRow(`SELECT ${select(withAggregates).join(', ')} FROM ${DATA}`);
    for (const [group] of withAggregates) values[group] = valuesOf(row, group);
  } catch {
    for (const entry of withAggregates) {
      const [group] = entry;
      try {
        values[group] = valuesOf(await session.firstRow(`SELECT ${select([entry]).join(', ')} FROM ${DATA}`), group);
      } catch (error) {
        values[group] = error instanceof Error ? error : new Error(String(error));
      }
    }
  }
  return values;
}
