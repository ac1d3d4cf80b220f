import { AttemptLog, type AttemptLogOptions } from '../logs/attempt-log.ts';
import type { SecretMask } from '../logs/secret-mask.ts';
import { MAX_OUTPUT_BYTES, RUN_EVENT_TYPES, type EmittedEvent, type RunInfo } from '../plan/types.ts';
import type { TaskContext, WeirServices } from '../sdk/context.ts';
import { NonRetryableError, OutputTooLargeError } from '../sdk/errors.ts';

/** Where an attempt's `ctx.log` lines go once masked: the worker's log store and terminal, or a test's collector. */
export type AttemptLogSink = Pick<AttemptLogOptions, 'store' | 'flush' | 'print' | 'printEntry' | 'onStoreError'>;

export interface TaskAttemptInputs {
  run: RunInfo;
  taskId: string;
  attempt: number;
  /** The item's index for one item of a mapped task. */
  mapIndex?: number;
  params: unknown;
  /** Outputs of the task's direct upstream tasks, as `ctx.outputs` gives them. */
  upstream: Record<string, unknown>;
  signal: AbortSignal;
  services: WeirServices;
  /** The values of the task's secrets; everything the attempt sends out passes through it. */
  mask: SecretMask;
  logSink: AttemptLogSink;
  /** Records liveness with the (masked) details; a test run has nothing to record it in. */
  heartbeat?: (details?: unknown) => void;
  /** What an earlier attempt's last heartbeat recorded. */
  lastHeartbeat?: unknown;
}

export interface TaskAttempt {
  ctx: TaskContext;
  /** The attempt's log; `close()` it when the body is done, so every line is stored. */
  log: AttemptLog;
  /** What the body emitted with `ctx.emit`: checked, JSON, masked. */
  events: EmittedEvent[];
  /** The body's return value as a run keeps it: JSON, at most MAX_OUTPUT_BYTES, secrets masked. */
  output(value: unknown): unknown;
}

/**
 * The context of one task attempt, the same for a worker's activity and for `weir/testing`:
 * params, upstream outputs, run info, a masked `ctx.log` (an AttemptLog), a checked and masked
 * `ctx.emit` and `ctx.heartbeat`, and the worker's services.
 *
 * @example
 * const attempt = openTaskAttempt({ run, taskId: 'train', attempt: 1, params, upstream: {}, signal, services, mask, logSink });
 * const output = attempt.output(await body(attempt.ctx));
 * await attempt.log.close();
 */
export function openTaskAttempt(inputs: TaskAttemptInputs): TaskAttempt {
  const { run, taskId, mask } = inputs;
  const log = new AttemptLog({
    identity: { dagId: run.dagId, runId: run.runId, taskId, mapIndex: inputs.mapIndex ?? -1, attempt: inputs.attempt },
    mask,
    ...inputs.logSink,
  });
  const events: EmittedEvent[] = [];
  const heartbeat = inputs.heartbeat;
  const ctx: TaskContext = {
    params: inputs.params as Record<string, unknown>,
    outputs: inputs.upstream,
    taskId,
    run: { ...run, attempt: inputs.attempt },
    signal: inputs.signal,
    heartbeat: (details?: unknown) => heartbeat?.(mask.value(details)),
    ...(inputs.lastHeartbeat === undefined ? {} : { lastHeartbeat: inputs.lastHeartbeat }),
    log,
    emit: (type, details) => {
      if (!RUN_EVENT_TYPES.includes(type)) throw new Error(`unknown event type "${type}" (known: ${RUN_EVENT_TYPES.join(', ')})`);
      events.push({ type, details: mask.value(toJsonOutput(run.dagId, taskId, details)) as Record<string, unknown> });
    },
    services: inputs.services,
  };
  return { ctx, log, events, output: (value) => mask.value(toJsonOutput(run.dagId, taskId, value)) };
}

/** What a run would keep of an output: JSON, at most MAX_OUTPUT_BYTES; undefined becomes null. */
export function toJsonOutput(dagId: string, taskId: string, output: unknown): unknown {
  if (output === undefined) return null;
  let json: string | undefined;
  try {
    json = JSON.stringify(output);
  } catch (error) {
    throw new NonRetryableError(`Task ${dagId}.${taskId} returned a value that is not JSON: ${(error as Error).message}`);
  }
  const bytes = Buffer.byteLength(json ?? 'null');
  if (bytes > MAX_OUTPUT_BYTES) throw new OutputTooLargeError(dagId, taskId, bytes, MAX_OUTPUT_BYTES);
  return JSON.parse(json ?? 'null') as unknown;
}
