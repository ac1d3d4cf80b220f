import { DEFAULT_TASK_QUEUE, type Plan, type PlanSchedule } from '../plan/types.ts';

/** Weir owns every schedule whose id starts with this, and no other. */
export const SCHEDULE_PREFIX = 'weir-';
/** Separates the DAG id from the task queue in a schedule id; a DAG id never contains it. */
const QUEUE_SEPARATOR = '@';

/**
 * The schedule of one DAG as served by the fleet of one task queue. Fleets on different task
 * queues may serve DAGs of the same id (staging and production in one namespace); each gets a
 * schedule of its own, so neither rewrites the other's. The default queue keeps the plain
 * `weir-<dagId>` id that schedules have always had.
 *
 * @example scheduleIdFor('churn') // 'weir-churn'
 * @example scheduleIdFor('churn', 'gpu') // 'weir-churn@gpu'
 */
export function scheduleIdFor(dagId: string, taskQueue: string = DEFAULT_TASK_QUEUE): string {
  return taskQueue === DEFAULT_TASK_QUEUE ? `${SCHEDULE_PREFIX}${dagId}` : `${SCHEDULE_PREFIX}${dagId}${QUEUE_SEPARATOR}${taskQueue}`;
}

export interface ScheduleIdentity {
  dagId: string;
  /** The queue the id names: the default queue for a plain `weir-<dagId>` id. */
  taskQueue: string;
}

/** The DAG and task queue a schedule id names, or null when Weir does not own the id. */
export function parseScheduleId(scheduleId: string): ScheduleIdentity | null {
  if (!scheduleId.startsWith(SCHEDULE_PREFIX)) return null;
  const rest = scheduleId.slice(SCHEDULE_PREFIX.length);
  const at = rest.indexOf(QUEUE_SEPARATOR);
  if (at < 0) return { dagId: rest, taskQueue: DEFAULT_TASK_QUEUE };
  return { dagId: rest.slice(0, at), taskQueue: rest.slice(at + 1) };
}

/**
 * The workflow id prefix of a schedule's runs (Temporal appends the scheduled time). Two
 * fleets' schedules of one DAG fire at the same instants, so the queue is part of it.
 */
export function scheduledWorkflowIdFor(dagId: string, taskQueue: string = DEFAULT_TASK_QUEUE): string {
  return taskQueue === DEFAULT_TASK_QUEUE ? `${dagId}-scheduled` : `${dagId}-scheduled${QUEUE_SEPARATOR}${taskQueue}`;
}

/**
 * What a schedule is made from, as one string kept in its memo: a schedule is rewritten only
 * when this changes. It names the namespace and task queue (they decide where runs go) and
 * leaves out the web URL, which only shapes the links in each run's metadata: fleets that
 * differ in it must not rewrite the schedule at each start.
 */
export function scheduleHash(plan: Plan, namespace: string, taskQueue: string): string {
  const s = plan.schedule as PlanSchedule;
  return JSON.stringify(['v2', namespace, taskQueue, scheduledWorkflowIdFor(plan.dagId, taskQueue), s.cron, s.timezone, s.catchup, s.maxActiveRuns]);
}

/**
 * Which web URL a schedule's run links should use, or null to leave them as they are. The links
 * follow the first fleet that has WEIR_WEB_URL set; a fleet without it, or with another, leaves
 * them alone, so fleets never take turns rewriting. `weir schedules sync` (`force`) moves them to
 * its own URL on purpose.
 */
export function linkUrlToWrite(recorded: string | undefined, configured: string | undefined, force: boolean): string | null {
  if (configured === undefined || configured === recorded) return null;
  return recorded === undefined || force ? configured : null;
}
