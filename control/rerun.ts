import type { Client } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../plan/types.ts';
import type { RerunOf } from '../workflows/rerun.ts';
import { getRunOutputs, LOGICAL_DATE_MEMO, RunControlError, type RunDetails } from './runs.ts';

/** Memo key of a rerun that names the run it reruns; the Temporal UI shows it on the run's page. */
export const RERUN_OF_MEMO = 'weirRerunOf';
/** Reruns are named after their original, so a search for `<runId>--rerun-` finds them all. */
const RERUN_ID_INFIX = '--rerun-';

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
export async function rerunClosedRun(client: Client, original: RunDetails, taskId: string, taskQueue: string): Promise<ClosedRunClear> {
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
  await client.workflow.start(original.dagId, {
    workflowId: runId,
    taskQueue,
    args: [original.params, { runType: original.runType, logicalDate: original.logicalDate, rerunOf }],
    memo: { [RERUN_OF_MEMO]: original.runId, [LOGICAL_DATE_MEMO]: original.logicalDate },
    searchAttributes: { [SEARCH_ATTRIBUTES.dagId]: [original.dagId], [SEARCH_ATTRIBUTES.runType]: [original.runType] },
  });
  return { runId, originalRunId: original.runId };
}

/** The run this one reruns (from its memo), and the reruns of this one (by their ids), oldest first. */
export interface RunLinks {
  rerunOf?: string;
  reruns: string[];
}

export async function findRunLinks(client: Client, runId: string): Promise<RunLinks> {
  const description = await client.workflow.getHandle(runId).describe();
  const rerunOf = (await description.memo)?.[RERUN_OF_MEMO];
  const reruns: string[] = [];
  const prefix = `${runId}${RERUN_ID_INFIX}`.replace(/'/g, '');
  for await (const execution of client.workflow.list({ query: `WorkflowId STARTS_WITH '${prefix}'` })) {
    // Reruns of reruns share the prefix; only direct ones link here.
    if (!execution.workflowId.slice(prefix.length).includes(RERUN_ID_INFIX)) reruns.push(execution.workflowId);
  }
  return { ...(typeof rerunOf === 'string' ? { rerunOf } : {}), reruns: reruns.sort() };
}
