import { findReruns } from '../../control/rerun.ts';
import { readRunRecord, withReruns, type ExecutionFactsCache, type RunRecord } from '../../control/run-history.ts';
import { getRunOutputs, getRunSnapshot, RunNotFoundError, type RunDetails } from '../../control/runs.ts';
import { readTaskLogLines, type StoredTaskLogLine } from '../../logs/index.ts';
import type { UiDeps } from '../deps.ts';
import { attemptWindowsFromLogs, type AttemptWindow } from '../gantt/gantt-model.ts';
import { markingUnreadablePayloads } from '../../control/encrypted-memo.ts';
import { unreadableError } from '../../control/unreadable-payloads.ts';
import { ENCRYPTED_PAYLOAD_NOTICE } from '../encrypted-payloads.ts';
import { encryptedRunSnapshot, type RunDescription } from './encrypted-run.ts';
import { drawingForRun, type RunDrawing } from './run-view-model.ts';

export interface RunView {
  snapshot: RunDetails;
  /** The workflow is still open: clear works in place, cancel is possible (a failed run waits here in its clear window). */
  open: boolean;
  /** The run has not answered yet (its first workflow task has not run). */
  starting: boolean;
  /** The run's payloads are encrypted and this server has no key: states come from the run records, params and outputs are not shown. */
  encrypted: boolean;
}

/** A run's state, read as `weir runs show` reads it. */
export async function loadRunView(deps: UiDeps, runId: string): Promise<RunView> {
  const description: RunDescription = await deps.client.workflow.getHandle(runId).describe().catch((error: unknown) => {
    if ((error as Error).name === 'WorkflowNotFoundError') throw new RunNotFoundError(runId);
    // Its memo is sealed with a key this server lacks: describe it again with the memo left marked.
    if (unreadableError(error)) return markingUnreadablePayloads(deps.client).workflow.getHandle(runId).describe();
    throw error;
  });
  const open = description.status.name === 'RUNNING';
  let snapshot: RunDetails;
  let starting = false;
  let encrypted = false;
  try {
    snapshot = await getRunSnapshot(deps.client, runId);
    // Without the payload key the query's answer is only marked encrypted; the run records still say how each task went.
    if (snapshot.encrypted) {
      encrypted = true;
      snapshot = await encryptedRunSnapshot(deps.db, description, (await deps.catalog()).dags.get(description.type)?.plan);
    }
  } catch (error) {
    if (unreadableError(error)) {
      encrypted = true;
      snapshot = await encryptedRunSnapshot(deps.db, description, (await deps.catalog()).dags.get(description.type)?.plan);
    } else {
      // Before its first workflow task a new run cannot answer the query; the page polls until it does.
      if (!open || error instanceof RunNotFoundError) throw error;
      starting = true;
      const started = description.startTime.toISOString();
      snapshot = { runId, dagId: description.type, runType: 'manual', status: 'queued', logicalDate: started, startedAt: started, endedAt: null, params: {}, tasks: [] };
    }
  }
  return { snapshot, open, starting, encrypted };
}

/** What the run page shows of a run's history: who triggered it, what was done to it, the plan it ran. */
export type RunAudit = { record: RunRecord } | { unavailable: string };

/** Reads the run's audit from its histories (closed executions from `cache`) and the reruns a clear after its close started. */
export async function loadRunAudit(deps: UiDeps, runId: string, cache: ExecutionFactsCache): Promise<RunAudit> {
  try {
    const [record, reruns] = await Promise.all([readRunRecord(deps.client, runId, cache), findReruns(deps.client, runId).catch(() => [])]);
    return { record: withReruns(record, reruns) };
  } catch (error) {
    return { unavailable: error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error) };
  }
}

/** The plan to draw the run with: the one it recorded, else the DAG's current plan (the page says which). */
export async function loadRunDrawing(deps: UiDeps, view: RunView, audit: RunAudit): Promise<RunDrawing> {
  const recorded = 'record' in audit ? audit.record.recordedPlan : null;
  const problem = 'record' in audit ? (audit.record.planProblem ?? 'it is not in the history') : audit.unavailable;
  // Also for a recorded plan: the page says when the DAG file has changed since.
  const current = await deps.catalog().then(
    (catalog) => catalog.dags.get(view.snapshot.dagId)?.plan,
    () => undefined,
  );
  if (recorded) return drawingForRun(view.snapshot, recorded, current);
  return drawingForRun(view.snapshot, null, current, view.starting ? 'the run has not loaded its plan yet' : problem);
}

/** Windows of the earlier attempts of tasks that were retried, from their log lines. */
export async function loadRetriedAttemptWindows(deps: UiDeps, view: RunView): Promise<AttemptWindow[]> {
  const retried = view.snapshot.tasks.filter((task) => task.attempts > 1 && !task.instances);
  const lines = await Promise.all(retried.slice(0, 50).map((task) => readTaskLogLines(deps.db, { runId: view.snapshot.runId, taskId: task.id, limit: 10_000 })));
  return attemptWindowsFromLogs(lines.flat());
}

/** Lines shown in the panel at most; the rest are a `weir logs` away. */
export const PANEL_LOG_LINES = 2_000;

export async function loadTaskLogs(deps: UiDeps, runId: string, taskId: string, afterId?: string): Promise<StoredTaskLogLine[]> {
  return readTaskLogLines(deps.db, { runId, taskId, limit: PANEL_LOG_LINES, ...(afterId ? { afterId } : {}) });
}

/** A task's output, when it succeeded; undefined when the run cannot answer (no worker, a closed run whose workers are gone). */
export async function loadTaskOutput(deps: UiDeps, runId: string, taskId: string): Promise<{ output: unknown } | { unavailable: string }> {
  try {
    const outputs = await getRunOutputs(deps.client, runId);
    return taskId in outputs ? { output: outputs[taskId] } : { unavailable: 'no output recorded' };
  } catch (error) {
    if (unreadableError(error)) return { unavailable: ENCRYPTED_PAYLOAD_NOTICE };
    return { unavailable: `the run did not answer: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
}
