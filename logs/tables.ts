import type { ColumnType, Generated, JSONColumnType } from 'kysely';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One stored log line; see migrations/2026_11_30_000000_task_logs.ts. */
export interface TaskLogsTable {
  /** bigint identity; pg returns it as a string. */
  id: Generated<string>;
  run_id: string;
  task_id: string;
  map_index: Generated<number>;
  attempt: number;
  logged_at: ColumnType<Date, Date | string, never>;
  level: LogLevel;
  message: string;
  attrs: JSONColumnType<Record<string, unknown> | null, string | null, never>;
}

export interface TaskLogTables {
  task_logs: TaskLogsTable;
}
