import type { Client } from '@temporalio/client';
import { median } from './stats.ts';

/** Where a run's wall time went, read from the event times in its Temporal history. */
export interface HistoryProfile {
  events: number;
  workflowTasks: number;
  taskActivities: number;
  /** Activities of the engine itself (`weir.prepareRun`, `weir.recordRun`), local ones included. */
  engineActivities: number;
  /** Scheduled -> completed, summed over the engine's remote activities (local ones have no such events). */
  engineActivitiesMs: number;
  /** Workflow started -> first task activity scheduled. */
  startToFirstTaskMs: number;
  /** Last task activity completed -> workflow completed. */
  lastTaskToEndMs: number;
  /** Median task activity scheduled -> started (matching and polling). */
  taskQueueMs: number;
  /** Median task activity started -> completed (the worker's own time, Postgres writes included). */
  taskRunMs: number;
  /** Median task completed -> next task scheduled: one workflow task round trip per step of a chain. */
  turnaroundMs: number;
  /** Median workflow task scheduled -> started. */
  workflowTaskQueueMs: number;
  /** Median workflow task started -> completed: the worker running the workflow code for one activation. */
  workflowTaskRunMs: number;
  /** Mean bytes of input per task activity (params, run info, upstream outputs). */
  inputBytesPerTask: number;
  /** Workflow started -> completed. */
  totalMs: number;
}

type HistoryEvent = NonNullable<Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']>[number];

interface ActivityTimes {
  type: string;
  scheduled: number;
  started?: number;
  completed?: number;
  inputBytes: number;
}

const ENGINE_ACTIVITY = /^weir\./;
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

export async function profileHistory(client: Client, workflowId: string): Promise<HistoryProfile> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return profileEvents(history.events ?? []);
}

export function profileEvents(events: readonly HistoryEvent[]): HistoryProfile {
  const activities = new Map<string, ActivityTimes>();
  let workflowStarted = Number.NaN;
  let workflowEnded = Number.NaN;
  let workflowTasks = 0;
  let localActivities = 0;
  const workflowTaskScheduled = new Map<string, number>();
  const workflowTaskStarted = new Map<string, number>();
  const workflowTaskQueue: number[] = [];
  const workflowTaskRun: number[] = [];
  for (const event of events) {
    const at = timestampMs(event.eventTime);
    const id = String(event.eventId);
    if (event.workflowExecutionStartedEventAttributes) workflowStarted = at;
    if (event.workflowExecutionCompletedEventAttributes || event.workflowExecutionFailedEventAttributes) workflowEnded = at;
    if (event.workflowTaskScheduledEventAttributes) workflowTaskScheduled.set(id, at);
    const taskStarted = event.workflowTaskStartedEventAttributes;
    if (taskStarted) {
      workflowTaskStarted.set(id, at);
      workflowTaskQueue.push(at - (workflowTaskScheduled.get(String(taskStarted.scheduledEventId)) ?? at));
    }
    const taskCompleted = event.workflowTaskCompletedEventAttributes;
    if (taskCompleted) {
      workflowTasks++;
      workflowTaskRun.push(at - (workflowTaskStarted.get(String(taskCompleted.startedEventId)) ?? at));
    }
    // The interpreter's only local activities are the engine's own.
    if (event.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER) localActivities++;
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const inputBytes = (scheduled.input?.payloads ?? []).reduce((sum, payload) => sum + (payload.data?.length ?? 0), 0);
      activities.set(id, { type: scheduled.activityType?.name ?? '', scheduled: at, inputBytes });
    }
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const activity = activities.get(String(started.scheduledEventId));
      if (activity) activity.started = at;
    }
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      const activity = activities.get(String(completed.scheduledEventId));
      if (activity) activity.completed = at;
    }
  }

  const all = [...activities.values()];
  const tasks = all.filter((a) => !ENGINE_ACTIVITY.test(a.type));
  const engine = all.filter((a) => ENGINE_ACTIVITY.test(a.type));
  const scheduledTimes = tasks.map((a) => a.scheduled).sort((a, b) => a - b);
  const completedTimes = tasks.flatMap((a) => (a.completed === undefined ? [] : [a.completed]));
  const turnarounds = completedTimes.flatMap((done) => {
    const next = scheduledTimes.find((at) => at >= done);
    return next === undefined ? [] : [next - done];
  });
  return {
    events: events.length,
    workflowTasks,
    taskActivities: tasks.length,
    engineActivities: engine.length + localActivities,
    engineActivitiesMs: engine.reduce((sum, a) => sum + ((a.completed ?? a.scheduled) - a.scheduled), 0),
    startToFirstTaskMs: (scheduledTimes[0] ?? Number.NaN) - workflowStarted,
    lastTaskToEndMs: workflowEnded - Math.max(...completedTimes),
    taskQueueMs: median(tasks.flatMap((a) => (a.started === undefined ? [] : [a.started - a.scheduled]))),
    taskRunMs: median(tasks.flatMap((a) => (a.started === undefined || a.completed === undefined ? [] : [a.completed - a.started]))),
    turnaroundMs: median(turnarounds),
    workflowTaskQueueMs: median(workflowTaskQueue),
    workflowTaskRunMs: median(workflowTaskRun),
    inputBytesPerTask: tasks.length === 0 ? 0 : tasks.reduce((sum, a) => sum + a.inputBytes, 0) / tasks.length,
    totalMs: workflowEnded - workflowStarted,
  };
}

/** Medians, field by field, over several runs' profiles. */
export function medianProfile(profiles: readonly HistoryProfile[]): HistoryProfile {
  const keys = Object.keys(profiles[0] ?? {}) as (keyof HistoryProfile)[];
  return Object.fromEntries(keys.map((key) => [key, median(profiles.map((p) => p[key]))])) as unknown as HistoryProfile;
}

function timestampMs(ts: HistoryEvent['eventTime']): number {
  if (!ts) return Number.NaN;
  return Number(String(ts.seconds ?? 0)) * 1000 + (ts.nanos ?? 0) / 1e6;
}
