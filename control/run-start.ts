import type { WorkflowStartOptions } from '@temporalio/client';
import { SEARCH_ATTRIBUTES, type RunType } from '../plan/types.ts';
import type { RunOptions } from '../workflows/run-identity.ts';
import type { RerunOf } from '../workflows/rerun.ts';
import { TRIGGERED_BY_MEMO } from './run-actor.ts';
import { runUserMetadata } from './web-links.ts';

/**
 * Memo of every run Weir starts with a logical date of its own (trigger, backfill, rerun), so
 * `runs list` reads it from the visibility listing rather than from Postgres.
 */
export const LOGICAL_DATE_MEMO = 'weirLogicalDate';
/** Memo key of a rerun that names the run it reruns; the Temporal UI shows it on the run's page. */
export const RERUN_OF_MEMO = 'weirRerunOf';
/** Memo key of a rerun: the task whose clear started it (it and its downstream ran again). */
export const RERUN_TASK_MEMO = 'weirRerunTask';

/** Everything a run is started with. */
export interface RunStartRequest {
  dagId: string;
  runId: string;
  params: Record<string, unknown>;
  taskQueue: string;
  runType: RunType;
  /** ISO time. */
  logicalDate: string;
  /** Who starts the run (a person's name); recorded in the memo `weirTriggeredBy`. */
  triggeredBy?: string | undefined;
  /** For a clear of a closed run: the run it reruns and what it keeps from it. */
  rerunOf?: RerunOf | undefined;
  /** Refuse to reuse a run id even after that run closed (backfills stay idempotent). */
  rejectDuplicate?: boolean | undefined;
  /** Base URL of Weir's web view (WEIR_WEB_URL) for the link back from the Temporal UI. */
  webUrl?: string | undefined;
}

/** The id a new run gets unless the caller names one: `<dag>-<type>-<logical date>-<4 random>`. */
export function newRunId(dagId: string, runType: RunType, logicalDate: string): string {
  return `${dagId}-${runType}-${logicalDate.replace(/[:.]/g, '')}-${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * The one place that says how Weir starts a run: workflow id, arguments, memo (logical date,
 * who triggered it, the run it reruns), search attributes and the Temporal UI's link back.
 * Every starter (`weir trigger`, the web view, backfill, a clear of a closed run) passes its
 * result to `client.workflow.start(request.dagId, ...)`; who started it is also the identity of
 * the client that sends it (see `actorIdentity`).
 *
 * @example
 * await client.workflow.start('churn', runStartOptions({ dagId: 'churn', runId, params: {}, taskQueue: 'weir', runType: 'manual', logicalDate, triggeredBy: 'ada' }));
 */
export function runStartOptions(request: RunStartRequest): WorkflowStartOptions & { workflowId: string } {
  const runOptions: RunOptions = { runType: request.runType, logicalDate: request.logicalDate, ...(request.rerunOf ? { rerunOf: request.rerunOf } : {}) };
  return {
    workflowId: request.runId,
    taskQueue: request.taskQueue,
    args: [request.params, runOptions],
    ...(request.rejectDuplicate ? { workflowIdReusePolicy: 'REJECT_DUPLICATE' as const } : {}),
    memo: {
      [LOGICAL_DATE_MEMO]: request.logicalDate,
      ...(request.triggeredBy ? { [TRIGGERED_BY_MEMO]: request.triggeredBy } : {}),
      ...(request.rerunOf ? { [RERUN_OF_MEMO]: request.rerunOf.runId, [RERUN_TASK_MEMO]: request.rerunOf.taskId } : {}),
    },
    searchAttributes: { [SEARCH_ATTRIBUTES.dagId]: [request.dagId], [SEARCH_ATTRIBUTES.runType]: [request.runType] },
    ...runUserMetadata(request.webUrl, request.dagId, request.runId),
  };
}
