import type { Kysely } from 'kysely';
import { findDagRun, listTaskRuns, type DagRunRecord, type TaskRunRecord } from '../db/run-records.ts';
import { WHOLE_TASK_MAP_INDEX, type Database } from '../db/schema.ts';
import type { MapInstanceState, Plan, TaskRunState } from '../plan/types.ts';
import type { RunDetails } from './runs.ts';

/**
 * Fills a run read without its payload key (`encrypted` set, no tasks) from the run records the
 * workers keep in Postgres: the logical date, the run type and each task's state. Params stay
 * out: they are what the key protects.
 */
export function sealedRunWithRecords(snapshot: RunDetails, run: DagRunRecord | null, taskRuns: readonly TaskRunRecord[]): RunDetails {
  if (snapshot.encrypted === undefined) return snapshot;
  const tasks = tasksFromRecords(taskRuns);
  return {
    ...snapshot,
    ...(run ? { logicalDate: run.logicalDate, runType: run.runType } : {}),
    tasks: tasks.length > 0 ? tasks : snapshot.tasks,
  };
}

/**
 * Task states from the run records: with the run's plan, every task of it in its order with its
 * kind, pending where nothing is recorded yet, then recorded tasks the plan lacks. Without a plan
 * the kind is not recorded, so a task with mapped instances reads `map` and any other `task`.
 */
export function tasksFromRecords(taskRuns: readonly TaskRunRecord[], plan?: Plan): TaskRunState[] {
  const byTask = new Map<string, TaskRunRecord[]>();
  for (const record of taskRuns) byTask.set(record.taskId, [...(byTask.get(record.taskId) ?? []), record]);
  const kinds = new Map((plan?.tasks ?? []).map((task) => [task.id, task.kind]));
  const ids = [...new Set([...(plan?.tasks ?? []).map((task) => task.id), ...byTask.keys()])];
  return ids.map((id): TaskRunState => {
    const records = byTask.get(id) ?? [];
    const whole = records.find((record) => record.mapIndex === WHOLE_TASK_MAP_INDEX);
    const instances: MapInstanceState[] = records
      .filter((record) => record.mapIndex !== WHOLE_TASK_MAP_INDEX)
      .map((record) => ({ index: record.mapIndex, state: record.state, attempts: record.attempts, error: record.error }));
    return {
      id,
      kind: kinds.get(id) ?? (instances.length > 0 ? 'map' : 'task'),
      state: whole?.state ?? 'pending',
      attempts: whole?.attempts ?? 0,
      startedAt: whole?.startedAt ?? null,
      endedAt: whole?.endedAt ?? null,
      error: whole?.error ?? null,
      ...(instances.length > 0 ? { instances } : {}),
    };
  });
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
