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

/** A run to start, as `weir trigger`, the web view and backfill name it. */
export interface TriggerOptions {
  dagId: string;
  params: Record<string, unknown>;
  taskQueue: string;
  runType?: RunType;
  logicalDate?: Date;
  runId?: string;
  /** Refuse to reuse a run id even after that run closed (backfills stay idempotent). */
  rejectDuplicate?: boolean;
  /** Base URL of Weir's web view (WEIR_WEB_URL) for the link back from the Temporal UI; default http://127.0.0.1:8080. */
  webUrl?: string | undefined;
  /**
   * Who triggers the run, for its memo `weirTriggeredBy`. Send it with a client whose identity
   * names the same person (`clientActingAs(client, actorIdentity(name, channel))`).
   */
  triggeredBy?: string | undefined;
}

/**
 * `runStartOptions` as plain values: the Temporal client path (control/runs.ts `startRun`) and
 * the CLI's lean start path (cli/lean-start/) both send this, so the two can never differ in
 * ids, memo, search attributes or metadata.
 */
export interface RunStart {
  workflowId: string;
  /** The DAG id: the workflow type the default workflow serves. */
  workflowType: string;
  taskQueue: string;
  /** Params first, then the run's identity, exactly as the Temporal UI would pass params. */
  args: [Record<string, unknown>, RunOptions];
  rejectDuplicate: boolean;
  memo: Record<string, unknown>;
  searchAttributes: Record<string, string[]>;
  staticSummary: string;
  staticDetails: string;
}

/** The start of a new run (id from `newRunId` unless one is given), built by `runStartOptions`. */
export function describeRunStart(options: TriggerOptions): RunStart {
  const runType = options.runType ?? 'manual';
  const logicalDate = (options.logicalDate ?? new Date()).toISOString();
  const runId = options.runId ?? newRunId(options.dagId, runType, logicalDate);
  const start = runStartOptions({
    dagId: options.dagId,
    runId,
    params: options.params,
    taskQueue: options.taskQueue,
    runType,
    logicalDate,
    triggeredBy: options.triggeredBy,
    rejectDuplicate: options.rejectDuplicate,
    webUrl: options.webUrl,
  });
  return {
    workflowId: start.workflowId,
    workflowType: options.dagId,
    taskQueue: options.taskQueue,
    args: start.args as RunStart['args'],
    rejectDuplicate: options.rejectDuplicate === true,
    memo: start.memo ?? {},
    searchAttributes: start.searchAttributes as Record<string, string[]>,
    staticSummary: start.staticSummary ?? '',
    staticDetails: start.staticDetails ?? '',
  };
}
