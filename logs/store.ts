import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { LogLevel } from './tables.ts';

/** One line a task attempt logged, as written and as read back. */
export interface TaskLogLine {
  runId: string;
  taskId: string;
  /** -1 for an unmapped task. */
  mapIndex: number;
  attempt: number;
  /** ISO timestamp of the moment the task logged the line. */
  at: string;
  level: LogLevel;
  message: string;
  attrs?: Record<string, unknown>;
}

/** A stored line with its position: ids grow with every write, so "after id N" is a cursor. */
export interface StoredTaskLogLine extends TaskLogLine {
  id: string;
}

export interface TaskLogQuery {
  runId: string;
  taskId?: string;
  attempt?: number;
  /** Only lines stored after this id (a cursor from an earlier read). */
  afterId?: string;
  limit?: number;
}

/** Postgres takes at most 65,535 bind parameters per statement; a line uses 8. */
const LINES_PER_STATEMENT = 5_000;

/** Writes lines in as few statements as fit, in the order given. */
export async function insertTaskLogLines(db: Kysely<Database>, lines: readonly TaskLogLine[]): Promise<void> {
  for (let start = 0; start < lines.length; start += LINES_PER_STATEMENT) {
    await db
      .insertInto('task_logs')
      .values(
        lines.slice(start, start + LINES_PER_STATEMENT).map((line) => ({
          run_id: line.runId,
          task_id: line.taskId,
          map_index: line.mapIndex,
          attempt: line.attempt,
          logged_at: line.at,
          level: line.level,
          message: line.message,
          attrs: line.attrs === undefined ? null : JSON.stringify(line.attrs),
        })),
      )
      .execute();
  }
}

/** Lines of a run, or of one task of it, in the order they were stored. */
export async function readTaskLogLines(db: Kysely<Database>, query: TaskLogQuery): Promise<StoredTaskLogLine[]> {
  let select = db.selectFrom('task_logs').selectAll().where('run_id', '=', query.runId);
  if (query.taskId !== undefined) select = select.where('task_id', '=', query.taskId);
  if (query.attempt !== undefined) select = select.where('attempt', '=', query.attempt);
  if (query.afterId !== undefined) select = select.where('id', '>', query.afterId);
  const rows = await select.orderBy('id').limit(query.limit ?? 10_000).execute();
  return rows.map((row) => ({
    id: String(row.id),
    runId: row.run_id,
    taskId: row.task_id,
    mapIndex: row.map_index,
    attempt: row.attempt,
    at: row.logged_at.toISOString(),
    level: row.level,
    message: row.message,
    ...(row.attrs ? { attrs: row.attrs } : {}),
  }));
}
