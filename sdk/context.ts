import type { RunEventType, RunInfo } from '../plan/types.ts';
import type { WeirServices } from './services.ts';
export type { WeirServices } from './services.ts';
export type { ApprovalResult } from '../plan/types.ts';

export interface TaskLogger {
  debug(message: string, attrs?: Record<string, unknown>): void;
  info(message: string, attrs?: Record<string, unknown>): void;
  warn(message: string, attrs?: Record<string, unknown>): void;
  error(message: string, attrs?: Record<string, unknown>): void;
}

/** What a task body receives. `P` is the validated params type, `U` the upstream outputs. */
export interface TaskContext<P = Record<string, unknown>, U = Record<string, unknown>> {
  params: P;
  /** Outputs of the direct upstream tasks (those in `needs`) that succeeded. */
  outputs: U;
  taskId: string;
  run: RunInfo & { attempt: number };
  /** Fires when the run is cancelled or the task times out; pass it to fetch, child processes, etc. */
  signal: AbortSignal;
  /** Reports liveness; required when the task declares a heartbeat timeout. */
  heartbeat(details?: unknown): void;
  /**
   * The details of the last `heartbeat(details)` an earlier attempt of this task recorded, so a
   * retry (after a crash or a heartbeat timeout) can resume instead of starting over.
   * Undefined on the first attempt, or when no earlier attempt heartbeated details.
   *
   * @example
   * const start = (ctx.lastHeartbeat as { done: number } | undefined)?.done ?? 0;
   */
  lastHeartbeat?: unknown;
  log: TaskLogger;
  /**
   * Tells the DAG's callbacks that something happened (drift found, model promoted...). Delivered
   * after the task succeeds, by a separate activity that retries on its own.
   */
  emit(type: RunEventType, details: Record<string, unknown>): void;
  /** The worker's services (database, artifact store, mailer, log); operators take theirs from here. */
  services: WeirServices;
}

