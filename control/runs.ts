import { WorkflowFailedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  APPROVE_UPDATE,
  CLEAR_UPDATE,
  RUN_STATE_QUERY,
  SEARCH_ATTRIBUTES,
  type ApprovalDecision,
  type RunSnapshot,
  type RunStatus,
  type RunType,
} from '../plan/types.ts';

export interface TriggerOptions {
  dagId: string;
  params: Record<string, unknown>;
  taskQueue: string;
  runType?: RunType;
  logicalDate?: Date;
  runId?: string;
  /** Refuse to reuse a run id even after that run closed (backfills stay idempotent). */
  rejectDuplicate?: boolean;
}

export class RunNotFoundError extends Error {
  constructor(readonly runId: string) {
    super(`no run "${runId}" (check the id with \`weir runs list\`)`);
    this.name = 'RunNotFoundError';
  }
}

/** Starts a run: workflow type = DAG id, first argument = params, exactly as the Temporal UI would. */
export async function triggerRun(client: Client, options: TriggerOptions): Promise<string> {
  const runType = options.runType ?? 'manual';
  const logicalDate = (options.logicalDate ?? new Date()).toISOString();
  const runId = options.runId ?? `${options.dagId}-${runType}-${logicalDate.replace(/[:.]/g, '')}-${Math.random().toString(36).slice(2, 6)}`;
  await client.workflow.start(options.dagId, {
    workflowId: runId,
    taskQueue: options.taskQueue,
    args: [options.params, { runType, logicalDate }],
    ...(options.rejectDuplicate ? { workflowIdReusePolicy: 'REJECT_DUPLICATE' as const } : {}),
    searchAttributes: { [SEARCH_ATTRIBUTES.dagId]: [options.dagId], [SEARCH_ATTRIBUTES.runType]: [runType] },
  });
  return runId;
}

function handleFor(client: Client, runId: string): WorkflowHandle {
  return client.workflow.getHandle(runId);
}

/** The run's state: from the live workflow while it runs, from its result once it closed. */
export async function getRunSnapshot(client: Client, runId: string): Promise<RunSnapshot> {
  const handle = handleFor(client, runId);
  let status: string;
  try {
    status = (await handle.describe()).status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new RunNotFoundError(runId);
    throw error;
  }
  if (status === 'COMPLETED') return (await handle.result()) as RunSnapshot;
  if (status === 'FAILED') {
    try {
      await handle.result();
    } catch (error) {
      const snapshot = snapshotFromFailure(error);
      if (snapshot) return snapshot;
    }
  }
  const snapshot = await handle.query<RunSnapshot>(RUN_STATE_QUERY);
  if (status !== 'RUNNING') return { ...snapshot, status: temporalStatusToRun(status) };
  // Every task is done but the run is still recording and notifying: it has not closed yet.
  // A failed run stays open on purpose (the clear window), so it reports as failed at once.
  return snapshot.status === 'success' || snapshot.status === 'cancelled' ? { ...snapshot, status: 'running' } : snapshot;
}

function snapshotFromFailure(error: unknown): RunSnapshot | null {
  if (!(error instanceof WorkflowFailedError) || !(error.cause instanceof ApplicationFailure)) return null;
  const details = error.cause.details?.[0] as RunSnapshot | undefined;
  return details && Array.isArray(details.tasks) ? details : null;
}

export function temporalStatusToRun(status: string): RunStatus {
  switch (status) {
    case 'COMPLETED':
      return 'success';
    case 'RUNNING':
      return 'running';
    case 'CANCELLED':
      return 'cancelled';
    default:
      return 'failed';
  }
}

export interface RunSummary {
  runId: string;
  dagId: string;
  runType: string | null;
  status: RunStatus;
  startedAt: string;
  endedAt: string | null;
}

export async function listRuns(client: Client, options: { dagId?: string; limit?: number } = {}): Promise<RunSummary[]> {
  const query = options.dagId ? `${SEARCH_ATTRIBUTES.dagId} = '${options.dagId.replace(/'/g, '')}'` : `${SEARCH_ATTRIBUTES.dagId} IS NOT NULL`;
  const runs: RunSummary[] = [];
  for await (const execution of client.workflow.list({ query, pageSize: 100 })) {
    const attributes = execution.searchAttributes as Record<string, unknown[] | undefined>;
    runs.push({
      runId: execution.workflowId,
      dagId: execution.type,
      runType: (attributes[SEARCH_ATTRIBUTES.runType]?.[0] as string | undefined) ?? null,
      status: temporalStatusToRun(execution.status.name),
      startedAt: execution.startTime.toISOString(),
      endedAt: execution.closeTime?.toISOString() ?? null,
    });
    if (runs.length >= (options.limit ?? 100)) break;
  }
  return runs;
}

/** A control request the run refused, with the run's own reason. */
export class RunControlError extends Error {
  constructor(readonly runId: string, message: string) {
    super(message);
    this.name = 'RunControlError';
  }
}

export class RunClosedError extends Error {
  constructor(readonly runId: string, readonly status: RunStatus) {
    super(`run ${runId} is already closed (${status}); there is nothing to cancel`);
    this.name = 'RunClosedError';
  }
}

/** How a cancelled run ended: it handled the request itself, or it never did and was terminated. */
export type CancelOutcome = 'cancelled' | 'terminated';

/**
 * Cancels a run and waits for it to close. A run that cannot act on the request within
 * `graceMs` (its workflow task keeps failing, say while its plan cannot be loaded, or no worker
 * serves it) is terminated, so cancel ends a run in every state. A closed run is refused.
 */
export async function cancelRun(client: Client, runId: string, options: { graceMs?: number } = {}): Promise<CancelOutcome> {
  const handle = handleFor(client, runId);
  const status = await runStatusOf(handle, runId);
  if (status !== 'RUNNING') throw new RunClosedError(runId, temporalStatusToRun(status));
  await withRun(runId, () => handle.cancel());
  const deadline = Date.now() + (options.graceMs ?? 10_000);
  for (;;) {
    const now = await runStatusOf(handle, runId);
    if (now !== 'RUNNING') return now === 'TERMINATED' ? 'terminated' : 'cancelled';
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  try {
    await handle.terminate(`cancelled: the run did not act on the cancellation request within ${Math.round((options.graceMs ?? 10_000) / 1000)} s`);
  } catch (error) {
    // It closed between the last look and the terminate call.
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    return 'cancelled';
  }
  return 'terminated';
}

async function runStatusOf(handle: WorkflowHandle, runId: string): Promise<string> {
  try {
    return (await handle.describe()).status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new RunNotFoundError(runId);
    throw error;
  }
}

/** Airflow's "clear": reruns the task and everything downstream of it, in the same run. */
export async function clearTask(client: Client, runId: string, taskId: string): Promise<string[]> {
  return withRun(runId, () => handleFor(client, runId).executeUpdate<string[], [{ taskId: string }]>(CLEAR_UPDATE, { args: [{ taskId }] }), client);
}

export async function decideApproval(client: Client, runId: string, decision: ApprovalDecision): Promise<ApprovalDecision> {
  return withRun(runId, () => handleFor(client, runId).executeUpdate<ApprovalDecision, [ApprovalDecision]>(APPROVE_UPDATE, { args: [decision] }), client);
}

async function withRun<T>(runId: string, action: () => Promise<T>, client?: Client): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      throw new RunControlError(runId, `run ${runId} refused: ${(error.cause as Error | undefined)?.message ?? error.message}`);
    }
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    // An update to a closed run looks like a missing one; tell the two apart for the user.
    const status = client ? await handleFor(client, runId).describe().then((d) => d.status.name, () => null) : null;
    if (status && status !== 'RUNNING') throw new RunControlError(runId, `run ${runId} has already finished (${temporalStatusToRun(status)}); start a new run instead`);
    throw new RunNotFoundError(runId);
  }
}

const TERMINAL: ReadonlySet<RunStatus> = new Set(['success', 'failed', 'cancelled']);

/**
 * Polls the run until it ends, reporting each new snapshot; returns the final one. Beside the
 * polls it waits on the run's result, so a run that closes is noticed at once rather than at the
 * next poll.
 */
export async function waitForRun(
  client: Client,
  runId: string,
  onProgress: (snapshot: RunSnapshot) => void = () => {},
  pollMs = 500,
  maxConsecutiveErrors = 40,
): Promise<RunSnapshot> {
  // Resolves however the run closes (or if the long poll itself fails); the snapshot says how.
  const closed = handleFor(client, runId).result().then(() => true, () => true);
  let closeSeen = false;
  let errors = 0;
  for (;;) {
    try {
      const snapshot = await getRunSnapshot(client, runId);
      errors = 0;
      onProgress(snapshot);
      if (TERMINAL.has(snapshot.status)) return snapshot;
    } catch (error) {
      // The query fails briefly before the first workflow task has run; a lasting failure is real.
      if (error instanceof RunNotFoundError || ++errors >= maxConsecutiveErrors) throw error;
    }
    const pause = new Promise<false>((resolve) => setTimeout(() => resolve(false), pollMs));
    // Cut the pause short once, when the run closes; after that, plain polling again.
    if (closeSeen) await pause;
    else closeSeen = await Promise.race([pause, closed]);
  }
}
