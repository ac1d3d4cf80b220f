import type { Client, WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';
import {
  APPROVE_UPDATE,
  CLEAR_UPDATE,
  RUN_STATE_QUERY,
  SEARCH_ATTRIBUTES,
  TASK_OUTPUTS_QUERY,
  type ApprovalDecision,
  type RunSnapshot,
  type RunStatus,
  type RunType,
} from '../plan/types.ts';
import { plainRunSnapshot, type PackedRunSnapshot } from '../plan/packed-snapshot.ts';
import { isRunSnapshot, openRunView, TERMINAL_RUN_STATUSES } from '../plan/run-progress.ts';
import { awaitPickup } from './run-pickup.ts';
import { markingUnreadablePayloads, unreadableError, unreadableIn, unreadableNotice } from './encrypted-memo.ts';
import { HASH_MEMO } from './schedules.ts';
import { temporalClient, temporalCommon } from './temporal-sdk.ts';
import { describeRunStart, LOGICAL_DATE_MEMO, type RunStart, type TriggerOptions } from './run-start.ts';

const { WorkflowFailedError, WorkflowNotFoundError, WorkflowUpdateFailedError } = temporalClient;
const { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } = temporalCommon;

export { LOGICAL_DATE_MEMO, type TriggerOptions } from './run-start.ts';

export class RunNotFoundError extends Error {
  constructor(readonly runId: string) {
    super(`no run "${runId}" (check the id with \`weir runs list\`)`);
    this.name = 'RunNotFoundError';
  }
}

/**
 * Starts a run: workflow type = DAG id, first argument = params, exactly as the Temporal UI
 * would. The start options come from `runStartOptions`, as every other starter's do.
 */
export async function triggerRun(client: Client, options: TriggerOptions): Promise<string> {
  return startRun(client, describeRunStart(options));
}

/** Starts the run `describeRunStart` described; resolves with its run id (the workflow id). */
export async function startRun(client: Client, start: RunStart): Promise<string> {
  await client.workflow.start(start.workflowType, {
    workflowId: start.workflowId,
    taskQueue: start.taskQueue,
    args: start.args,
    ...(start.rejectDuplicate ? { workflowIdReusePolicy: 'REJECT_DUPLICATE' as const } : {}),
    memo: start.memo,
    searchAttributes: start.searchAttributes,
    staticSummary: start.staticSummary,
    staticDetails: start.staticDetails,
  });
  return start.workflowId;
}

function handleFor(client: Client, runId: string): WorkflowHandle {
  return client.workflow.getHandle(runId);
}

/** A run's snapshot with what `weir runs show` adds: why the run itself failed, and links to related runs. */
export interface RunDetails extends RunSnapshot {
  /** The workflow's own failure message, for a run that closed failed (also before any task ran). */
  failure?: string;
  /** Set when this process cannot decrypt the run's payloads: what to do about it. Tasks and params are then unknown. */
  encrypted?: string;
}

/**
 * The run's state: from the live workflow while it runs, from its result once it closed. A run
 * whose payloads this process cannot decrypt is described from its visibility record alone.
 */
export async function getRunSnapshot(client: Client, runId: string): Promise<RunDetails> {
  try {
    return await readRunSnapshot(client, runId);
  } catch (error) {
    const unreadable = unreadableError(error);
    if (!unreadable) throw error;
    const handle = markingUnreadablePayloads(client).workflow.getHandle(runId);
    const description = await handle.describe();
    // Failure messages are not payloads: a failed run still says why, with its sealed details marked.
    const failure = ['RUNNING', 'COMPLETED'].includes(description.status.name) ? undefined : await handle.result().then(() => undefined, closedRunFailure);
    return { ...snapshotFromDescription(description), ...(failure ? { failure } : {}), encrypted: unreadableNotice(unreadable) };
  }
}

async function readRunSnapshot(client: Client, runId: string): Promise<RunDetails> {
  const handle = handleFor(client, runId);
  let description: WorkflowExecutionDescription;
  try {
    description = await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new RunNotFoundError(runId);
    throw error;
  }
  const status = description.status.name;
  // Runs of many thousand tasks send their snapshot packed; callers always get the plain one.
  if (status === 'COMPLETED') return plainRunSnapshot((await handle.result()) as RunSnapshot | PackedRunSnapshot);
  let failure: string | undefined;
  if (status !== 'RUNNING') {
    try {
      await handle.result();
    } catch (error) {
      failure = closedRunFailure(error);
      const snapshot = snapshotFromFailure(error);
      if (snapshot) return { ...snapshot, ...(failure ? { failure } : {}) };
    }
  }
  let snapshot: RunSnapshot;
  try {
    snapshot = plainRunSnapshot(await handle.query<RunSnapshot | PackedRunSnapshot>(RUN_STATE_QUERY));
  } catch (error) {
    // A closed run that never loaded its plan may not answer queries; its description still says enough.
    if (status === 'RUNNING') throw error;
    snapshot = snapshotFromDescription(description);
  }
  if (status !== 'RUNNING') return { ...snapshot, status: temporalStatusToRun(status), endedAt: snapshot.endedAt ?? description.closeTime?.toISOString() ?? null, ...(failure ? { failure } : {}) };
  return openRunView(snapshot);
}

/** The outputs of a run's tasks that succeeded, by task id. */
export async function getRunOutputs(client: Client, runId: string): Promise<Record<string, unknown>> {
  return handleFor(client, runId).query<Record<string, unknown>>(TASK_OUTPUTS_QUERY);
}

function snapshotFromFailure(error: unknown): RunSnapshot | null {
  if (!(error instanceof WorkflowFailedError) || !(error.cause instanceof ApplicationFailure)) return null;
  const details = error.cause.details?.[0] as RunSnapshot | PackedRunSnapshot | undefined;
  return details && Array.isArray(details.tasks) ? plainRunSnapshot(details) : null;
}

/** One line: the failure the workflow closed with ("DagNotFoundError: This worker has no DAG x"), or how it was ended. */
function closedRunFailure(error: unknown): string | undefined {
  if (!(error instanceof WorkflowFailedError)) return error instanceof Error ? error.message : undefined;
  const cause = error.cause;
  if (cause instanceof ApplicationFailure) return cause.type && cause.type !== 'DagRunFailed' ? `${cause.type}: ${cause.message}` : cause.message;
  if (cause instanceof TerminatedFailure) return `terminated${cause.message ? `: ${cause.message}` : ''}`;
  if (cause instanceof TimeoutFailure) return 'the run timed out';
  if (cause instanceof CancelledFailure) return undefined;
  return cause?.message ?? error.message;
}

function snapshotFromDescription(description: WorkflowExecutionDescription): RunSnapshot {
  const attributes = description.searchAttributes as Record<string, unknown[] | undefined>;
  return {
    runId: description.workflowId,
    dagId: description.type,
    runType: ((attributes[SEARCH_ATTRIBUTES.runType]?.[0] as RunType | undefined) ?? 'manual'),
    status: temporalStatusToRun(description.status.name),
    logicalDate: description.startTime.toISOString(),
    startedAt: description.startTime.toISOString(),
    endedAt: description.closeTime?.toISOString() ?? null,
    params: {},
    tasks: [],
  };
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
  /** From the run records in Postgres; null when they are out of reach or not written yet. */
  logicalDate: string | null;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  /** Set when this process cannot decrypt the run's memo: what to do about it. */
  encrypted?: string;
}

export interface ListRunsOptions {
  dagId?: string;
  limit?: number;
  /** Only runs in this state, as Temporal reports it (a failed run waiting in its clear window is still running). */
  status?: RunStatus;
  /** Only runs started at or after this time. */
  since?: Date;
  /** Looks up the logical dates of runs by id (the CLI reads them from Postgres). */
  logicalDates?: (runIds: string[]) => Promise<Map<string, string>>;
}

const TEMPORAL_STATUSES: Record<RunStatus, string[]> = {
  success: ['Completed'],
  failed: ['Failed', 'TimedOut', 'Terminated'],
  running: ['Running'],
  queued: ['Running'],
  cancelled: ['Canceled'],
};

/** Builds the visibility query for `runs list`; values are quoted, so no option can change its shape. */
export function runListQuery(options: Pick<ListRunsOptions, 'dagId' | 'status' | 'since'>): string {
  const quote = (text: string) => `'${text.replace(/['\\]/g, '')}'`;
  const clauses = [options.dagId ? `${SEARCH_ATTRIBUTES.dagId} = ${quote(options.dagId)}` : `${SEARCH_ATTRIBUTES.dagId} IS NOT NULL`];
  if (options.status) clauses.push(`ExecutionStatus IN (${TEMPORAL_STATUSES[options.status].map(quote).join(', ')})`);
  if (options.since) clauses.push(`StartTime >= ${quote(options.since.toISOString())}`);
  return clauses.join(' AND ');
}

export async function listRuns(client: Client, options: ListRunsOptions = {}): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  // A run sealed with a key this process lacks is still listed, from its visibility fields.
  for await (const execution of markingUnreadablePayloads(client).workflow.list({ query: runListQuery(options), pageSize: 100 })) {
    const attributes = execution.searchAttributes as Record<string, unknown[] | undefined>;
    const endedAt = execution.closeTime?.toISOString() ?? null;
    const unreadable = unreadableIn(execution.memo);
    runs.push({
      runId: execution.workflowId,
      dagId: execution.type,
      runType: (attributes[SEARCH_ATTRIBUTES.runType]?.[0] as string | undefined) ?? null,
      status: temporalStatusToRun(execution.status.name),
      logicalDate: logicalDateFromListing(execution.memo, attributes),
      startedAt: execution.startTime.toISOString(),
      endedAt,
      durationMs: execution.closeTime ? execution.closeTime.getTime() - execution.startTime.getTime() : null,
      ...(unreadable ? { encrypted: unreadableNotice(unreadable) } : {}),
    });
    if (runs.length >= (options.limit ?? 100)) break;
  }
  // Runs started by older versions, or from the Temporal UI, carry no logical date of their own.
  const unknown = runs.filter((run) => run.logicalDate === null);
  if (options.logicalDates && unknown.length > 0) {
    const dates = await options.logicalDates(unknown.map((run) => run.runId)).catch(() => new Map<string, string>());
    for (const run of unknown) run.logicalDate = dates.get(run.runId) ?? null;
  }
  return runs;
}

/**
 * A run's logical date as its workflow works it out (workflows/run-identity.ts), from what the
 * listing holds: the memo Weir's starters write, or, for a run of a Weir schedule (whose action
 * gives no date), the time it was scheduled for. null when only the run records know.
 */
export function logicalDateFromListing(memo: Record<string, unknown> | undefined, attributes: Record<string, unknown[] | undefined>): string | null {
  const given = memo?.[LOGICAL_DATE_MEMO];
  if (typeof given === 'string') return given;
  const scheduledAt = attributes.TemporalScheduledStartTime?.[0];
  if (memo?.[HASH_MEMO] !== undefined && scheduledAt instanceof Date) return scheduledAt.toISOString();
  return null;
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
/**
 * Clears the task and its downstream in an open run; resolves with the cleared task ids, or null
 * when the run took the clear but its answer is sealed with a payload key this process lacks.
 */
export async function clearTask(client: Client, runId: string, taskId: string): Promise<string[] | null> {
  return withRun(runId, () => unlessSealed(handleFor(client, runId).executeUpdate<string[], [{ taskId: string }]>(CLEAR_UPDATE, { args: [{ taskId }] }), null), client);
}

/** Sends the decision; resolves with the run's answer, or the decision as sent when the answer is sealed with a key this process lacks. */
export async function decideApproval(client: Client, runId: string, decision: ApprovalDecision): Promise<ApprovalDecision> {
  return withRun(runId, () => unlessSealed(handleFor(client, runId).executeUpdate<ApprovalDecision, [ApprovalDecision]>(APPROVE_UPDATE, { args: [decision] }), decision), client);
}

/**
 * An Update's answer that cannot be decrypted here still means the run accepted and applied it
 * (a refusal arrives as a failure, not as a payload): resolve with `instead` rather than fail.
 */
async function unlessSealed<T, U>(answer: Promise<T>, instead: U): Promise<T | U> {
  try {
    return await answer;
  } catch (error) {
    if (unreadableError(error)) return instead;
    throw error;
  }
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

/** What became of a run just started, within a few seconds. */
export type RunPickup = { outcome: 'prepared' } | { outcome: 'closed'; snapshot: RunDetails } | { outcome: 'unclaimed' };

/** `awaitPickup` through the Temporal client; a closed run comes with its snapshot. */
export async function awaitRunPickup(client: Client, runId: string, withinMs = 5_000): Promise<RunPickup> {
  const handle = handleFor(client, runId);
  const outcome = await awaitPickup(async () => {
    const description = await handle.describe();
    return { running: description.status.name === 'RUNNING', historyLength: description.historyLength };
  }, withinMs);
  return outcome === 'closed' ? { outcome, snapshot: await getRunSnapshot(client, runId) } : { outcome };
}

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
  // A run that completed returns its final snapshot, which is what a poll would fetch again.
  let completedWith: RunSnapshot | undefined;
  const closed = handleFor(client, runId)
    .result()
    .then(
      (value: unknown) => {
        // A large run's result arrives packed, as its run-state query does.
        if (isRunSnapshot(value)) completedWith = plainRunSnapshot(value as RunSnapshot | PackedRunSnapshot);
        return true;
      },
      () => true,
    );
  let closeSeen = false;
  let errors = 0;
  for (;;) {
    if (completedWith && TERMINAL_RUN_STATUSES.has(completedWith.status)) {
      onProgress(completedWith);
      return completedWith;
    }
    try {
      const snapshot = await getRunSnapshot(client, runId);
      errors = 0;
      onProgress(snapshot);
      if (TERMINAL_RUN_STATUSES.has(snapshot.status)) return snapshot;
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

