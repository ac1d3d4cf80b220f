import { ActivityCancellationType, ActivityFailure, ApplicationFailure, TimeoutFailure, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { PlanTask, TaskActivityInput, TaskActivityResult, TaskFailureDetails } from '../plan/types.ts';

type TaskActivity = (input: TaskActivityInput) => Promise<TaskActivityResult>;

/** Activity options derived from a task's resolved options. */
export function activityOptionsFor(task: PlanTask): ActivityOptions {
  const { options } = task;
  return {
    startToCloseTimeout: options.timeoutMs,
    ...(options.heartbeatTimeoutMs ? { heartbeatTimeout: options.heartbeatTimeoutMs } : {}),
    ...(options.queue ? { taskQueue: options.queue } : {}),
    retry: {
      maximumAttempts: options.retries + 1,
      initialInterval: options.retryDelayMs,
      backoffCoefficient: options.backoffCoefficient,
      ...(options.maxRetryDelayMs ? { maximumInterval: options.maxRetryDelayMs } : {}),
      nonRetryableErrorTypes: ['DagNotFoundError', 'OutputTooLargeError', 'TaskNotFoundError'],
    },
    cancellationType: ActivityCancellationType.TRY_CANCEL,
  };
}

/** Runs one task body as the activity `<dagId>.<taskId>`. */
export function callTaskActivity(task: PlanTask, input: TaskActivityInput): Promise<TaskActivityResult> {
  const activities = proxyActivities<Record<string, TaskActivity>>(activityOptionsFor(task));
  const activity = activities[`${input.dagId}.${task.id}`] as TaskActivity;
  return activity(input);
}

/** A person-readable reason for a failed activity, and how many attempts it took. */
export function describeTaskFailure(error: unknown, task: PlanTask): { message: string; attempts: number; startedAt?: string; endedAt?: string } {
  const maxAttempts = task.options.retries + 1;
  if (!(error instanceof ActivityFailure)) return { message: errorMessage(error), attempts: 1 };
  const cause = error.cause;
  if (cause instanceof TimeoutFailure) {
    return { message: `timed out (${timeoutName(cause.timeoutType)}) after ${maxAttempts} attempt(s)`, attempts: maxAttempts };
  }
  if (cause instanceof ApplicationFailure) {
    const details = cause.details?.[0] as TaskFailureDetails | undefined;
    const type = cause.type && cause.type !== 'Error' ? `${cause.type}: ` : '';
    return {
      message: `${type}${cause.message}`,
      attempts: details?.attempt ?? maxAttempts,
      ...(details?.startedAt ? { startedAt: details.startedAt } : {}),
      ...(details?.endedAt ? { endedAt: details.endedAt } : {}),
    };
  }
  return { message: errorMessage(cause ?? error), attempts: maxAttempts };
}

function timeoutName(timeoutType: unknown): string {
  const names: Record<string, string> = { '1': 'start-to-close', '2': 'schedule-to-start', '3': 'schedule-to-close', '4': 'heartbeat' };
  const text = String(timeoutType);
  return names[text] ?? text.replace(/^TIMEOUT_TYPE_/, '').toLowerCase().replace(/_/g, '-');
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
