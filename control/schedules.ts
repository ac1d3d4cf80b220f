import type { Client, ScheduleOptionsStartWorkflowAction, ScheduleSpec } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { SEARCH_ATTRIBUTES, type Plan, type PlanSchedule } from '../plan/types.ts';
import { temporalClient } from './temporal-sdk.ts';
import { DEFAULT_WEB_URL, scheduledRunUserMetadata } from './web-links.ts';

const { ScheduleNotFoundError, ScheduleOverlapPolicy } = temporalClient;

/** Weir owns every schedule whose id starts with this, and no other. */
export const SCHEDULE_PREFIX = 'weir-';
/** Memo of each schedule's action (and so of every run it starts): the hash of what the schedule was made from. */
export const HASH_MEMO = 'weirScheduleHash';

export function scheduleIdFor(dagId: string): string {
  return `${SCHEDULE_PREFIX}${dagId}`;
}

export interface ScheduleSyncResult {
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: string[];
}

/** Overlap and catchup, derived from Airflow's max_active_runs and catchup. */
export function schedulePolicies(schedule: PlanSchedule) {
  const overlap =
    schedule.maxActiveRuns > 1 ? ScheduleOverlapPolicy.ALLOW_ALL : schedule.catchup ? ScheduleOverlapPolicy.BUFFER_ALL : ScheduleOverlapPolicy.BUFFER_ONE;
  return { overlap, catchupWindow: schedule.catchup ? '365 days' : '1 minute' } as const;
}

function scheduleHash(plan: Plan, taskQueue: string, webUrl: string | undefined): string {
  const s = plan.schedule as PlanSchedule;
  // The web URL is part of each run's metadata, so a new one updates the schedule.
  return JSON.stringify([s.cron, s.timezone, s.catchup, s.maxActiveRuns, taskQueue, webUrl ?? DEFAULT_WEB_URL]);
}

function desiredSchedule(plan: Plan, taskQueue: string, webUrl?: string): { spec: ScheduleSpec; action: ScheduleOptionsStartWorkflowAction<Workflow>; policies: ReturnType<typeof schedulePolicies> } {
  const schedule = plan.schedule as PlanSchedule;
  return {
    spec: { cronExpressions: [schedule.cron], timezone: schedule.timezone },
    action: {
      type: 'startWorkflow',
      workflowType: plan.dagId,
      workflowId: `${plan.dagId}-scheduled`,
      taskQueue,
      args: [{}, { runType: 'scheduled' }],
      memo: { [HASH_MEMO]: scheduleHash(plan, taskQueue, webUrl) },
      searchAttributes: { [SEARCH_ATTRIBUTES.dagId]: [plan.dagId], [SEARCH_ATTRIBUTES.runType]: ['scheduled'] },
      ...scheduledRunUserMetadata(webUrl, plan.dagId),
    },
    policies: schedulePolicies(schedule),
  };
}

/** Ids of the schedules Weir manages on this namespace. */
export async function listWeirSchedules(client: Client): Promise<string[]> {
  const ids: string[] = [];
  for await (const summary of client.schedule.list()) if (summary.scheduleId.startsWith(SCHEDULE_PREFIX)) ids.push(summary.scheduleId);
  return ids.sort();
}

/**
 * Makes Temporal hold exactly one schedule per scheduled DAG: creates, updates on change,
 * deletes what no DAG claims among the schedules that start runs on `taskQueue`. A schedule a person paused stays paused. Pass
 * `deleteOrphans: false` when some DAG files failed to load: their schedules must survive.
 */
export async function syncSchedules(
  client: Client,
  plans: readonly Plan[],
  taskQueue: string,
  options: { deleteOrphans?: boolean; webUrl?: string | undefined } = {},
): Promise<ScheduleSyncResult> {
  const result: ScheduleSyncResult = { created: [], updated: [], deleted: [], unchanged: [] };
  const wanted = new Map(plans.filter((plan) => plan.schedule).map((plan) => [scheduleIdFor(plan.dagId), plan]));
  const existing = new Set(await listWeirSchedules(client));
  for (const [scheduleId, plan] of wanted) {
    const desired = desiredSchedule(plan, taskQueue, options.webUrl);
    const handle = client.schedule.getHandle(scheduleId);
    // Describe, not the list, decides: the list is eventually consistent and may lag a create.
    const description = await handle.describe().catch((error: unknown) => {
      if (error instanceof ScheduleNotFoundError) return null;
      throw error;
    });
    if (!description) {
      await client.schedule.create({ scheduleId, ...desired, state: { note: `managed by weir; DAG file ${plan.file}` } });
      result.created.push(plan.dagId);
      continue;
    }
    const currentHash = description.action.type === 'startWorkflow' ? description.action.memo?.[HASH_MEMO] : undefined;
    if (currentHash === scheduleHash(plan, taskQueue, options.webUrl)) {
      result.unchanged.push(plan.dagId);
      continue;
    }
    // Only spec, action and policies change; `state` (and so a person's pause) is kept as it is.
    await handle.update((previous) => ({ ...previous, ...desired }));
    result.updated.push(plan.dagId);
  }
  for (const scheduleId of existing) {
    if (wanted.has(scheduleId) || options.deleteOrphans === false) continue;
    const handle = client.schedule.getHandle(scheduleId);
    try {
      // Only this task queue's schedules: workers serving another queue keep theirs.
      const description = await handle.describe();
      if (description.action.type !== 'startWorkflow' || description.action.taskQueue !== taskQueue) continue;
      await handle.delete();
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
      continue;
    }
    result.deleted.push(scheduleId.slice(SCHEDULE_PREFIX.length));
  }
  return result;
}

export class DagNotScheduledError extends Error {
  constructor(readonly dagId: string) {
    super(`DAG ${dagId} has no Temporal schedule. Does it declare a schedule, and did the worker or \`weir schedules sync\` run?`);
    this.name = 'DagNotScheduledError';
  }
}

export async function setPaused(client: Client, dagId: string, paused: boolean, note: string): Promise<void> {
  const handle = client.schedule.getHandle(scheduleIdFor(dagId));
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

/** Paused flag and next run times of each DAG's schedule, for `weir dags list`. */
export async function scheduleStatuses(client: Client): Promise<Map<string, ScheduleStatus>> {
  const statuses = new Map<string, ScheduleStatus>();
  for await (const summary of client.schedule.list()) {
    if (!summary.scheduleId.startsWith(SCHEDULE_PREFIX)) continue;
    statuses.set(summary.scheduleId.slice(SCHEDULE_PREFIX.length), {
      paused: summary.state.paused,
      nextRunTimes: summary.info.nextActionTimes,
    });
  }
  return statuses;
}
