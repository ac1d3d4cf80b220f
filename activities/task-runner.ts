import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { MAX_OUTPUT_BYTES, RUN_EVENT_TYPES, type EmittedEvent, type TaskActivityInput, type TaskActivityResult, type TaskFailureDetails } from '../plan/types.ts';
import type { TaskContext, WeirServices } from '../sdk/context.ts';
import { NonRetryableError, OutputTooLargeError } from '../sdk/errors.ts';
import { requireDag, TaskNotFoundError, type DagRegistry } from './dag-registry.ts';

/**
 * Where the task runner reports attempts; the worker wires it to Postgres. Reports of one attempt
 * must reach storage in the order they are made.
 */
export interface AttemptRecorder {
  attemptStarted(input: TaskActivityInput, attempt: number, at: Date): Promise<void>;
  attemptEnded(input: TaskActivityInput, attempt: number, at: Date, error: string | null): Promise<void>;
}

/** How often a task that declares no heartbeat timeout heartbeats on its own, so cancellation reaches it. */
const AUTO_HEARTBEAT_MS = 1000;

/**
 * The default activity: serves every `<dagId>.<taskId>` activity type by dispatching to the
 * task body in the worker's loaded DAG code.
 */
export function createTaskRunner(registry: DagRegistry, recorder: AttemptRecorder, services: WeirServices) {
  return async function runTask(input: TaskActivityInput): Promise<TaskActivityResult> {
    const activity = Context.current();
    const attempt = activity.info.attempt;
    const log = activity.log;
    // Attempt rows are progress reports: they are written beside the body, never in its way.
    // The run's final snapshot rewrites every task row, so a lost write heals itself.
    void quietly(log, () => recorder.attemptStarted(input, attempt, new Date()));
    let error: string | null = null;
    try {
      const events: EmittedEvent[] = [];
      const output = await runBody(registry, input, activity, events, services);
      return { output, attempt, ...(events.length > 0 ? { events } : {}) };
    } catch (thrown) {
      error = thrown instanceof Error ? thrown.message : String(thrown);
      throw toFailure(thrown, attempt);
    } finally {
      const endedAt = new Date();
      void quietly(log, () => recorder.attemptEnded(input, attempt, endedAt, error));
    }
  };
}

async function runBody(registry: DagRegistry, input: TaskActivityInput, activity: Context, events: EmittedEvent[], services: WeirServices): Promise<unknown> {
  const loaded = requireDag(registry, input.dagId);
  const definition = loaded.dag.tasks.find((task) => task.id === input.taskId);
  if (!definition?.body) throw new TaskNotFoundError(input.dagId, input.taskId);
  const declaresHeartbeat = loaded.plan.tasks.find((task) => task.id === input.taskId)?.options.heartbeatTimeoutMs !== undefined;
  const timer = declaresHeartbeat ? undefined : setInterval(() => activity.heartbeat(), AUTO_HEARTBEAT_MS);
  try {
    const ctx: TaskContext = {
      params: input.params,
      outputs: input.upstream,
      taskId: input.taskId,
      run: { ...input.run, attempt: activity.info.attempt },
      signal: activity.cancellationSignal,
      heartbeat: (details?: unknown) => activity.heartbeat(details),
      ...(activity.info.heartbeatDetails === undefined ? {} : { lastHeartbeat: activity.info.heartbeatDetails as unknown }),
      log: activity.log,
      emit: (type, details) => {
        if (!RUN_EVENT_TYPES.includes(type)) throw new Error(`unknown event type "${type}" (known: ${RUN_EVENT_TYPES.join(', ')})`);
        events.push({ type, details: checkOutput(input, details) as Record<string, unknown> });
      },
      services,
    };
    const output = input.mapIndex === undefined ? await definition.body(ctx) : await definition.body(ctx, input.mapItem, input.mapIndex);
    return checkOutput(input, output);
  } finally {
    if (timer) clearInterval(timer);
  }
}

function checkOutput(input: TaskActivityInput, output: unknown): unknown {
  if (output === undefined) return null;
  let json: string;
  try {
    json = JSON.stringify(output);
  } catch (error) {
    throw new NonRetryableError(`Task ${input.dagId}.${input.taskId} returned a value that is not JSON: ${(error as Error).message}`);
  }
  const bytes = Buffer.byteLength(json ?? 'null');
  if (bytes > MAX_OUTPUT_BYTES) throw new OutputTooLargeError(input.dagId, input.taskId, bytes, MAX_OUTPUT_BYTES);
  return JSON.parse(json ?? 'null') as unknown;
}

/** Keeps cancellation as it is; everything else becomes an ApplicationFailure that carries the attempt. */
function toFailure(thrown: unknown, attempt: number): unknown {
  if (thrown instanceof ApplicationFailure) return thrown;
  if (Context.current().cancellationSignal.aborted) return thrown;
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  const details: TaskFailureDetails = { attempt };
  return ApplicationFailure.create({
    type: error.name,
    message: error.message,
    nonRetryable: error instanceof NonRetryableError || error instanceof OutputTooLargeError || error instanceof TaskNotFoundError,
    details: [details],
    cause: error,
  });
}

async function quietly(log: Context['log'], write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    log.warn('could not record the task attempt in Postgres', { error: String(error) });
  }
}
