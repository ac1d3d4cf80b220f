import type { Client } from '@temporalio/client';
import type { RerunOf } from '../workflows/rerun.ts';
import { RERUN_OF_MEMO, RERUN_TASK_MEMO, runStartOptions } from './run-start.ts';
import { TRIGGERED_BY_MEMO } from './run-actor.ts';
import { getRunOutputs, RunControlError, type RunDetails } from './runs.ts';

export { RERUN_OF_MEMO } from './run-start.ts';
/** Reruns are named after their original, so a search for `<runId>--rerun-` finds them all. */
const RERUN_ID_INFIX = '--rerun-';

/** Who clears (the new run's `weirTriggeredBy`), and the web view's base URL for its link back. */
export interface RerunBy {
  actor?: string | undefined;
  webUrl?: string | undefined;
}

export interface ClosedRunClear {
  /** The new run's id. */
  runId: string;
  originalRunId: string;
}

/**
 * Airflow's "clear" for a run that has closed: starts a new run of the same DAG, params and
 * logical date that keeps the recorded outputs of every task outside the cleared set and runs
 * the cleared task and its downstream on the DAG file as it is now.
 */
export async function rerunClosedRun(client: Client, original: RunDetails, taskId: string, taskQueue: string, by: RerunBy = {}): Promise<ClosedRunClear> {
  // A rerun carries the original's params and outputs; without the key they cannot be read.
  if (original.encrypted) throw new RunControlError(original.runId, `run ${original.runId} cannot be rerun from here: its params and outputs are ${original.encrypted}`);
  if (!original.tasks.some((task) => task.id === taskId)) {
    throw new RunControlError(original.runId, `run ${original.runId} has no task "${taskId}" (its tasks: ${original.tasks.map((task) => task.id).join(', ') || 'none'})`);
  }
  const outputs = await getRunOutputs(client, original.runId);
  const rerunOf: RerunOf = {
    runId: original.runId,
    taskId,
    tasks: Object.fromEntries(
      original.tasks.map(({ id, state, attempts, startedAt, endedAt, error, reason, instances }) => [
        id,
        { state, attempts, startedAt, endedAt, error, ...(reason ? { reason } : {}), ...(instances ? { instances } : {}) },
      ]),
    ),
    outputs,
  };
  const runId = `${original.runId}${RERUN_ID_INFIX}${Date.now().toString(36)}`;
  await client.workflow.start(
    original.dagId,
    runStartOptions({
      dagId: original.dagId,
      runId,
      params: original.params,
      taskQueue,
      runType: original.runType,
      logicalDate: original.logicalDate,
      rerunOf,
      triggeredBy: by.actor,
      webUrl: by.webUrl,
    }),
  );
  return { runId, originalRunId: original.runId };
}

/** The run this one reruns (from its memo), and the reruns of this one (by their ids), oldest first. */
export interface RunLinks {
  rerunOf?: string;
  reruns: string[];
}

/** A rerun of a run (a clear after it closed), as the visibility listing has it. */
export interface RerunStart {
  runId: string;
  startedAt: string;
  /** Who cleared (the rerun's memo `weirTriggeredBy`); null for reruns started before Weir recorded it. */
  triggeredBy: string | null;
  /** The task cleared. */
  taskId: string | null;
}

/** The direct reruns of a run, oldest first. */
export async function findReruns(client: Client, runId: string): Promise<RerunStart[]> {
  const reruns: RerunStart[] = [];
  const prefix = `${runId}${RERUN_ID_INFIX}`.replace(/'/g, '');
  for await (const execution of client.workflow.list({ query: `WorkflowId STARTS_WITH '${prefix}'` })) {
    // Reruns of reruns share the prefix; only direct ones link here.
    if (execution.workflowId.slice(prefix.length).includes(RERUN_ID_INFIX)) continue;
    const memo = execution.memo ?? {};
    reruns.push({
      runId: execution.workflowId,
      startedAt: execution.startTime.toISOString(),
      triggeredBy: typeof memo[TRIGGERED_BY_MEMO] === 'string' ? memo[TRIGGERED_BY_MEMO] : null,
      taskId: typeof memo[RERUN_TASK_MEMO] === 'string' ? memo[RERUN_TASK_MEMO] : null,
    });
  }
  // A run continued as new is listed once per execution.
  const unique = new Map(reruns.map((rerun) => [rerun.runId, rerun]));
  return [...unique.values()].sort((a, b) => a.runId.localeCompare(b.runId));
}

export async function findRunLinks(client: Client, runId: string): Promise<RunLinks> {
  const description = await client.workflow.getHandle(runId).describe();
  const rerunOf = (await description.memo)?.[RERUN_OF_MEMO];
  const reruns = (await findReruns(client, runId)).map((rerun) => rerun.runId);
  return { ...(typeof rerunOf === 'string' ? { rerunOf } : {}), reruns };
}
