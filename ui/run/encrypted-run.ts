import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
// A default import: under plain Node ESM this CommonJS package exposes no named exports.
import proto from '@temporalio/proto';
import { optionalTsToDate } from '@temporalio/common/lib/time.js';
import type { Kysely } from 'kysely';
import { temporalStatusToRun, type RunDetails } from '../../control/runs.ts';
import { findDagRun, listTaskRuns, type TaskRunRecord } from '../../db/run-records.ts';
import type { Database } from '../../db/schema.ts';
import type { Plan, TaskRunState } from '../../plan/types.ts';

/** What the run page needs of a workflow's description; none of it is a payload. */
export type RunDescription = Pick<WorkflowExecutionDescription, 'workflowId' | 'type' | 'status' | 'startTime' | 'closeTime'>;

const STATUS_PREFIX = 'WORKFLOW_EXECUTION_STATUS_';

/**
 * A workflow's description without its memo. The SDK's `describe()` decodes the memo, which the
 * worker encrypted, and so fails without the key; the raw call leaves it untouched.
 */
export async function describeWithoutMemo(client: Client, runId: string): Promise<RunDescription> {
  const raw = await client.workflowService.describeWorkflowExecution({ namespace: client.options.namespace, execution: { workflowId: runId } });
  const info = raw.workflowExecutionInfo;
  const code = info?.status ?? 0;
  const statusName = proto.temporal.api.enums.v1.WorkflowExecutionStatus[code] ?? 'WORKFLOW_EXECUTION_STATUS_UNSPECIFIED';
  const startTime = optionalTsToDate(info?.startTime);
  if (!info?.type?.name || !startTime) throw new Error(`Temporal described run ${runId} without its type or start time`);
  return {
    workflowId: runId,
    type: info.type.name,
    status: { code, name: statusName.slice(STATUS_PREFIX.length) as RunDescription['status']['name'] },
    startTime,
    closeTime: optionalTsToDate(info.closeTime),
  };
}

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
