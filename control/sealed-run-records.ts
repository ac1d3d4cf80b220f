import type { Kysely } from 'kysely';
import { findDagRun, listTaskRuns, type DagRunRecord, type TaskRunRecord } from '../db/run-records.ts';
import { WHOLE_TASK_MAP_INDEX, type Database } from '../db/schema.ts';
import type { MapInstanceState, TaskRunState } from '../plan/types.ts';
import type { RunDetails } from './runs.ts';

/**
 * Fills a run read without its payload key (`encrypted` set, no tasks) from the run records the
 * workers keep in Postgres: the logical date, the run type and each task's state. Params stay
 * out: they are what the key protects. A task's kind is not recorded, so a mapped task reads
 * `map` and every other `task`.
 */
export function sealedRunWithRecords(snapshot: RunDetails, run: DagRunRecord | null, taskRuns: readonly TaskRunRecord[]): RunDetails {
  if (snapshot.encrypted === undefined) return snapshot;
  const byTask = new Map<string, TaskRunRecord[]>();
  for (const record of taskRuns) byTask.set(record.taskId, [...(byTask.get(record.taskId) ?? []), record]);
  const tasks: TaskRunState[] = [];
  for (const [id, records] of byTask) {
    const whole = records.find((record) => record.mapIndex === WHOLE_TASK_MAP_INDEX);
    if (!whole) continue;
    const instances: MapInstanceState[] = records
      .filter((record) => record.mapIndex !== WHOLE_TASK_MAP_INDEX)
      .map((record) => ({ index: record.mapIndex, state: record.state, attempts: record.attempts, error: record.error }));
    tasks.push({
      id,
      kind: instances.length > 0 ? 'map' : 'task',
      state: whole.state,
      attempts: whole.attempts,
      startedAt: whole.startedAt,
      endedAt: whole.endedAt,
      error: whole.error,
      ...(instances.length > 0 ? { instances } : {}),
    });
  }
  return {
    ...snapshot,
    ...(run ? { logicalDate: run.logicalDate, runType: run.runType } : {}),
    tasks: tasks.length > 0 ? tasks : snapshot.tasks,
  };
}

/** `sealedRunWithRecords` reading the records from Postgres; a database out of reach leaves the run as it was. */
export async function sealedRunFromDatabase(snapshot: RunDetails, database: () => Promise<Kysely<Database>>): Promise<RunDetails> {
  if (snapshot.encrypted === undefined) return snapshot;
  try {
    const db = await database();
    const [run, taskRuns] = await Promise.all([findDagRun(db, snapshot.runId), listTaskRuns(db, snapshot.runId)]);
    return sealedRunWithRecords(snapshot, run, taskRuns);
  } catch {
    return snapshot;
  }
}
