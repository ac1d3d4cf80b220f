import type { WorkflowExecutionDescription } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { temporalStatusToRun, type RunDetails } from '../../control/runs.ts';
import { findDagRun, listTaskRuns, type TaskRunRecord } from '../../db/run-records.ts';
import type { Database } from '../../db/schema.ts';
import type { Plan, TaskRunState } from '../../plan/types.ts';

/** What the run page needs of a workflow's description; none of it is a payload. */
export type RunDescription = Pick<WorkflowExecutionDescription, 'workflowId' | 'type' | 'status' | 'startTime' | 'closeTime'>;

/**
 * A run whose payloads this server cannot decrypt, drawn from what needs no payload: the
 * workflow's description and the task states the worker records in Postgres. Params stay out
 * (`{}`), although the run record has them: without the key nothing of the payloads is shown.
 */
export async function encryptedRunSnapshot(db: Kysely<Database>, description: RunDescription, plan: Plan | undefined): Promise<RunDetails> {
  const runId = description.workflowId;
  const [record, rows] = await Promise.all([findDagRun(db, runId), listTaskRuns(db, runId)]);
  const open = description.status.name === 'RUNNING';
  const started = description.startTime.toISOString();
  return {
    runId,
    dagId: description.type,
    runType: record?.runType ?? 'manual',
    status: open ? (record?.status ?? 'running') : temporalStatusToRun(description.status.name),
    logicalDate: record?.logicalDate ?? started,
    startedAt: record?.startedAt ?? started,
    endedAt: description.closeTime?.toISOString() ?? record?.endedAt ?? null,
    params: {},
    tasks: tasksFromRecords(rows, plan),
  };
}

/** Task states from the run records, in the plan's order; a task with no record yet is pending. */
export function tasksFromRecords(rows: readonly TaskRunRecord[], plan: Plan | undefined): TaskRunState[] {
  const byTask = new Map<string, TaskRunRecord[]>();
  for (const row of rows) byTask.set(row.taskId, [...(byTask.get(row.taskId) ?? []), row]);
  const kinds = new Map((plan?.tasks ?? []).map((task) => [task.id, task.kind]));
  const ids = [...new Set([...(plan?.tasks ?? []).map((task) => task.id), ...byTask.keys()])];
  return ids.map((id): TaskRunState => {
    const records = byTask.get(id) ?? [];
    const whole = records.find((row) => row.mapIndex < 0);
    const instances = records.filter((row) => row.mapIndex >= 0);
    return {
      id,
      kind: kinds.get(id) ?? 'task',
      state: whole?.state ?? 'pending',
      attempts: whole?.attempts ?? 0,
      startedAt: whole?.startedAt ?? null,
      endedAt: whole?.endedAt ?? null,
      error: whole?.error ?? null,
      ...(instances.length > 0 ? { instances: instances.map((row) => ({ index: row.mapIndex, state: row.state, attempts: row.attempts, error: row.error })) } : {}),
    };
  });
}
