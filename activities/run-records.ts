import type { Kysely } from 'kysely';
import type { RunSnapshot, TaskActivityInput } from '../plan/types.ts';
import type { Database } from '../db/schema.ts';
import { recordRunSnapshot, recordTaskAttempts } from '../db/run-records.ts';
import { AttemptBatcher, type AttemptBatcherOptions } from './attempt-batch.ts';
import type { AttemptRecorder } from './task-runner.ts';

/**
 * Writes each task attempt as it starts and ends, so SQL reports see runs in progress. Reports
 * are batched: within `flushAfterMs` (100 ms by default) they share one statement.
 */
export function postgresAttemptRecorder(db: Kysely<Database>, options?: AttemptBatcherOptions): AttemptRecorder & { flush(): Promise<void> } {
  const batcher = new AttemptBatcher((records) => recordTaskAttempts(db, records), options);
  const write = (input: TaskActivityInput, attempt: number, fields: { state: 'running' | 'success' | 'failed'; startedAt?: Date; endedAt?: Date; error?: string | null }) =>
    batcher.add({
      runId: input.runId,
      taskId: input.taskId,
      mapIndex: input.mapIndex ?? -1,
      attempt,
      state: fields.state,
      startedAt: fields.startedAt ?? null,
      endedAt: fields.endedAt ?? null,
      error: fields.error ?? null,
    });
  return {
    attemptStarted: (input, attempt, at) => write(input, attempt, { state: 'running', startedAt: at }),
    attemptEnded: (input, attempt, at, error) => write(input, attempt, { state: error ? 'failed' : 'success', endedAt: at, error }),
    flush: () => batcher.flush(),
  };
}

export function createRecordRun(db: Kysely<Database>) {
  return async function recordRun(snapshot: RunSnapshot): Promise<void> {
    await recordRunSnapshot(db, snapshot);
  };
}
