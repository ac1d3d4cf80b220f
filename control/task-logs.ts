import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { followTaskLogs, readTaskLogLines, type StoredTaskLogLine, type TaskLogQuery } from '../logs/index.ts';
import { isTerminal } from '../plan/trigger-rules.ts';
import { getRunSnapshot, RunNotFoundError } from './runs.ts';

export type RunLogQuery = Omit<TaskLogQuery, 'afterId' | 'limit'>;

/** Every stored line of a run (or of one task, or one attempt), oldest first. */
export async function readRunLogs(db: Kysely<Database>, query: RunLogQuery): Promise<StoredTaskLogLine[]> {
  const lines: StoredTaskLogLine[] = [];
  for (;;) {
    const page = await readTaskLogLines(db, { ...query, ...(lines.length > 0 ? { afterId: lines[lines.length - 1]?.id } : {}), limit: 10_000 });
    lines.push(...page);
    if (page.length < 10_000) return lines;
  }
}

/**
 * True once nothing more will be logged for the query: the run has closed or failed, or the task
 * asked for has settled. A run that Temporal does not know (yet) is not finished.
 */
export async function runLogsFinished(client: Client, query: RunLogQuery): Promise<boolean> {
  let snapshot;
  try {
    snapshot = await getRunSnapshot(client, query.runId);
  } catch (error) {
    if (error instanceof RunNotFoundError) throw error;
    return false;
  }
  if (snapshot.status === 'success' || snapshot.status === 'failed' || snapshot.status === 'cancelled') return true;
  if (query.taskId === undefined) return false;
  const task = snapshot.tasks.find((candidate) => candidate.id === query.taskId);
  return task !== undefined && isTerminal(task.state);
}

/** Stored lines, then new ones as tasks log them, until the run's (or the task's) work ends. */
export function followRunLogs(db: Kysely<Database>, client: Client, query: RunLogQuery, options: { pollMs?: number; signal?: AbortSignal } = {}): AsyncGenerator<StoredTaskLogLine> {
  return followTaskLogs(db, query, { ...options, isDone: () => runLogsFinished(client, query) });
}
