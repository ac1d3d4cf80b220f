import type { Client, ScheduleDescription, ScheduleOptionsStartWorkflowAction, ScheduleSpec } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { DEFAULT_TASK_QUEUE, SEARCH_ATTRIBUTES, type Plan, type PlanSchedule } from '../plan/types.ts';
import { linkUrlToWrite, parseScheduleId, scheduledWorkflowIdFor, scheduleHash, scheduleIdFor } from './schedule-identity.ts';
import { temporalClient } from './temporal-sdk.ts';
import { scheduledRunUserMetadata } from './web-links.ts';

const { ScheduleNotFoundError, ScheduleOverlapPolicy } = temporalClient;

export { SCHEDULE_PREFIX, scheduleIdFor, parseScheduleId } from './schedule-identity.ts';

/** Memo of each schedule's action (and so of every run it starts): the hash of what the schedule was made from. */
export const HASH_MEMO = 'weirScheduleHash';
/** Memo of each schedule's action: the WEIR_WEB_URL its run links were made with, when one was set. */
export const LINKS_MEMO = 'weirScheduleWebUrl';

export interface ScheduleSyncResult {
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: string[];
}

export interface ScheduleSyncOptions {
  /** False when some DAG files failed to load: their schedules must survive. */
  deleteOrphans?: boolean;
  /** WEIR_WEB_URL: the base of the links in each scheduled run's metadata. */
  webUrl?: string | undefined;
  /** Move links made with another web URL to `webUrl` (`weir schedules sync`); a worker's start never does. */
  refreshLinks?: boolean;
}

/** Overlap and catchup, derived from Airflow's max_active_runs and catchup. */
export function schedulePolicies(schedule: PlanSchedule) {
  const overlap =
    schedule.maxActiveRuns > 1 ? ScheduleOverlapPolicy.ALLOW_ALL : schedule.catchup ? ScheduleOverlapPolicy.BUFFER_ALL : ScheduleOverlapPolicy.BUFFER_ONE;
  return { overlap, catchupWindow: schedule.catchup ? '365 days' : '1 minute' } as const;
}

function desiredSchedule(
  plan: Plan,
  namespace: string,
  taskQueue: string,
  linkUrl: string | undefined,
): { spec: ScheduleSpec; action: ScheduleOptionsStartWorkflowAction<Workflow>; policies: ReturnType<typeof schedulePolicies> } {
  const schedule = plan.schedule as PlanSchedule;
  return {
    spec: { cronExpressions: [schedule.cron], timezone: schedule.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: plan.dagId,
      workflowId: scheduledWorkflowIdFor(plan.dagId, taskQueue),
      taskQueue,
      args: [{}, { runType: 'scheduled' }],
      memo: { [HASH_MEMO]: scheduleHash(plan, namespace, taskQueue), ...(linkUrl === undefined ? {} : { [LINKS_MEMO]: linkUrl }) },
      searchAttributes: { [SEARCH_ATTRIBUTES.dagId]: [plan.dagId], [SEARCH_ATTRIBUTES.runType]: ['scheduled'] },
      ...scheduledRunUserMetadata(linkUrl, plan.dagId),
    },
    policies: schedulePolicies(schedule),
  };
}

async function describeIfExists(client: Client, scheduleId: string): Promise<ScheduleDescription | null> {
  return client.schedule
    .getHandle(scheduleId)
    .describe()
    .catch((error: unknown) => {
      if (error instanceof ScheduleNotFoundError) return null;
      throw error;
    });
}

function memoString(description: ScheduleDescription, key: string): string | undefined {
  const value = description.action.type === 'startWorkflow' ? description.action.memo?.[key] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** Ids of the schedules Weir manages on this namespace, of every task queue. */
export async function listWeirSchedules(client: Client): Promise<string[]> {
  const ids: string[] = [];
  for await (const summary of client.schedule.list()) if (parseScheduleId(summary.scheduleId)) ids.push(summary.scheduleId);
  return ids.sort();
}

/**
 * Makes Temporal hold exactly one schedule per scheduled DAG and task queue: creates, updates on
 * change, and deletes the schedules of this task queue that no DAG claims. Schedules of other
 * task queues are never touched, so fleets on different queues (or namespaces) keep out of each
 * other's way, and fleets of one queue agree on every schedule, whatever their web URLs. A
 * schedule a person paused stays paused. Pass `deleteOrphans: false` when some DAG files failed
 * to load: their schedules must survive.
 */
export async function syncSchedules(client: Client, plans: readonly Plan[], taskQueue: string, options: ScheduleSyncOptions = {}): Promise<ScheduleSyncResult> {
  const result: ScheduleSyncResult = { created: [], updated: [], deleted: [], unchanged: [] };
  const namespace = client.options.namespace;
  const wanted = new Map(plans.filter((plan) => plan.schedule).map((plan) => [scheduleIdFor(plan.dagId, taskQueue), plan]));
  const existing = new Set(await listWeirSchedules(client));
  for (const [scheduleId, plan] of wanted) {
    // Describe, not the list, decides: the list is eventually consistent and may lag a create.
    const description = await describeIfExists(client, scheduleId);
    if (!description) {
      const desired = desiredSchedule(plan, namespace, taskQueue, options.webUrl);
      await client.schedule.create({ scheduleId, ...desired, state: await initialState(client, plan, taskQueue) });
      result.created.push(plan.dagId);
      continue;
    }
    const recordedUrl = memoString(description, LINKS_MEMO);
    const sameHash = memoString(description, HASH_MEMO) === scheduleHash(plan, namespace, taskQueue);
    const newLinkUrl = linkUrlToWrite(recordedUrl, options.webUrl, options.refreshLinks ?? false);
    if (sameHash && newLinkUrl === null) {
      result.unchanged.push(plan.dagId);
      continue;
    }
    const desired = desiredSchedule(plan, namespace, taskQueue, newLinkUrl ?? recordedUrl ?? options.webUrl);
    // Only spec, action and policies change; `state` (and so a person's pause) is kept as it is.
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, ...desired }));
    result.updated.push(plan.dagId);
  }
  if (options.deleteOrphans === false) return result;
  for (const scheduleId of existing) {
    const identity = parseScheduleId(scheduleId);
    // A plain `weir-<dagId>` id may be this queue's from before ids named the queue.
    if (!identity || wanted.has(scheduleId) || (identity.taskQueue !== taskQueue && identity.taskQueue !== DEFAULT_TASK_QUEUE)) continue;
    const description = await describeIfExists(client, scheduleId);
    // Only this task queue's schedules: workers serving another queue keep theirs.
    if (!description || description.action.type !== 'startWorkflow' || description.action.taskQueue !== taskQueue) continue;
    try {
      await client.schedule.getHandle(scheduleId).delete();
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
      continue;
    }
    result.deleted.push(identity.dagId);
  }
  return result;
}

/**
 * A new schedule's note, and its pause: a schedule this queue's fleet made under the plain id
 * (before ids named the queue) hands its pause over, as it is deleted right after.
 */
async function initialState(client: Client, plan: Plan, taskQueue: string): Promise<{ note: string; paused?: boolean }> {
  const note = `managed by weir; DAG file ${plan.file}`;
  if (taskQueue === DEFAULT_TASK_QUEUE) return { note };
  const legacy = await describeIfExists(client, scheduleIdFor(plan.dagId));
  if (!legacy || legacy.action.type !== 'startWorkflow' || legacy.action.taskQueue !== taskQueue || !legacy.state.paused) return { note };
  return { note: legacy.state.note ?? note, paused: true };
}

export class DagNotScheduledError extends Error {
  constructor(readonly dagId: string) {
    super(`DAG ${dagId} has no Temporal schedule. Does it declare a schedule, and did the worker or \`weir schedules sync\` run?`);
    this.name = 'DagNotScheduledError';
  }
}

/** Pauses or unpauses a DAG's schedule on `taskQueue` (the default queue unless given). */
export async function setPaused(client: Client, dagId: string, paused: boolean, note: string, taskQueue: string = DEFAULT_TASK_QUEUE): Promise<void> {
  const handle = client.schedule.getHandle(scheduleIdFor(dagId, taskQueue));
  try {
    if (paused) await handle.pause(note);
    else await handle.unpause(note);
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) throw new DagNotScheduledError(dagId);
    throw error;
  }
}

export interface ScheduleStatus {
  paused: boolean;
  nextRunTimes: Date[];
}

/** Paused flag and next run times of each DAG's schedule on `taskQueue`, for `weir dags list`. */
export async function scheduleStatuses(client: Client, taskQueue: string = DEFAULT_TASK_QUEUE): Promise<Map<string, ScheduleStatus>> {
  const statuses = new Map<string, ScheduleStatus>();
  for await (const summary of client.schedule.list()) {
    const identity = parseScheduleId(summary.scheduleId);
    if (!identity || identity.taskQueue !== taskQueue) continue;
    statuses.set(identity.dagId, {
      paused: summary.state.paused,
      nextRunTimes: summary.info.nextActionTimes,
    });
  }
  return statuses;
}
