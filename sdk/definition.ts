import type { Duration } from '../plan/duration.ts';
import type { RunEvent, TaskKind, TriggerRule } from '../plan/types.ts';
import type { WeirServices } from './services.ts';

/**
 * Runs in its own activity with its own retries, so a failing notification never fails a task.
 * The second argument is the worker's services, as tasks get them in `ctx.services`.
 */
export type RunCallback = (event: RunEvent, services: WeirServices) => Promise<void> | void;

export interface DagCallbacks {
  onFailure?: RunCallback;
  onSuccess?: RunCallback;
  onDrift?: RunCallback;
  onPromotion?: RunCallback;
  onRejection?: RunCallback;
}

/** Execution options a DAG sets as defaults and a task may override. */
export interface TaskOptions {
  /** Retries after the first attempt. Default 0. */
  retries?: number;
  /** Delay before the first retry. Default `10s`. */
  retryDelay?: Duration;
  /** Multiplier applied to the delay after each retry. Default 2. */
  backoff?: number;
  /** Upper bound on the retry delay. */
  maxRetryDelay?: Duration;
  /** Start-to-close timeout of one attempt. Default `1h`. */
  timeout?: Duration;
  /** The task must call `ctx.heartbeat()` at least this often, or the attempt fails. */
  heartbeatTimeout?: Duration;
  /** Task queue (worker pool) the task runs on. */
  queue?: string;
  /**
   * Worker environment variables whose values are secrets: they are shown as `***` in this
   * task's logs, output, errors and everything else that leaves the worker. Set it in a DAG's
   * `defaults` to mark them for every task. `train`'s `secretEnv` are masked without it.
   *
   * @example
   * .task('upload', { secretEnv: ['S3_SECRET_KEY'] }, async () => { ... })
   */
  secretEnv?: readonly string[];
}

/** The schema a DAG's params are validated with; zod schemas fit it. */
export interface ParamsSchema<P> {
  safeParse(input: unknown): { success: true; data: P } | { success: false; error: { issues: readonly ParamsIssue[] } };
}

export interface ParamsIssue {
  path: readonly PropertyKey[];
  message: string;
}

export interface DagConfig<P> {
  id: string;
  description?: string;
  /** Cron expression or preset (`@daily`, `@weekly`, ...). */
  schedule?: string;
  /** IANA timezone of the schedule. Default `UTC`. */
  timezone?: string;
  /** Run the intervals missed while the schedule was down or paused. Default false. */
  catchup?: boolean;
  /** Runs allowed at once. Default 1. */
  maxActiveRuns?: number;
  params?: ParamsSchema<P>;
  defaults?: TaskOptions;
  /** Keep a failed run open this long so `weir runs clear` can rerun tasks in it. Default `0s`. */
  clearWindow?: Duration;
  /** Called when the run fails or succeeds, and when a task emits drift, promotion or rejection. */
  callbacks?: DagCallbacks;
}

// Bodies are stored loosely typed; the builder's signatures carry the precise types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyBody = (...args: any[]) => unknown;

export interface TaskDefinition {
  id: string;
  kind: TaskKind;
  needs: readonly string[];
  triggerRule?: TriggerRule;
  options: TaskOptions;
  body?: AnyBody;
  mapOver?: string;
  mapBatchSize?: number;
  approvalTimeout?: Duration;
}
