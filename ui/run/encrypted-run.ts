import type { WorkflowExecutionDescription } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { temporalStatusToRun, type RunDetails } from '../../control/runs.ts';
import { tasksFromRecords } from '../../control/sealed-run-records.ts';
import { findDagRun, listTaskRuns } from '../../db/run-records.ts';
import type { Database } from '../../db/schema.ts';
import type { Plan } from '../../plan/types.ts';

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
