import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AttemptLog } from '../logs/attempt-log.ts';
import type { TaskLogService } from '../logs/index.ts';
import { NO_SECRETS, type SecretMask } from '../logs/secret-mask.ts';
import type { TaskActivityInput, TaskActivityResult, TaskFailureDetails } from '../plan/types.ts';
import type { WeirServices } from '../sdk/context.ts';
import type { TaskDefinition } from '../sdk/definition.ts';
import { NonRetryableError, OutputTooLargeError } from '../sdk/errors.ts';
import type { LoadedDag } from '../sdk/load.ts';
import { requireDag, TaskNotFoundError, type DagRegistry } from './dag-registry.ts';
import { openTaskAttempt, type TaskAttempt } from './task-context.ts';
import { taskSecretMask } from './task-secrets.ts';

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

interface ResolvedTask {
  loaded: LoadedDag;
  definition: TaskDefinition & { body: NonNullable<TaskDefinition['body']> };
}

/**
 * The default activity: serves every `<dagId>.<taskId>` activity type by dispatching to the
 * task body in the worker's loaded DAG code. Everything the attempt sends out (output, events,
 * error, log lines, heartbeat details) passes through the mask of the task's secrets first.
 */
export function createTaskRunner(registry: DagRegistry, recorder: AttemptRecorder, services: WeirServices, logs: TaskLogService, env: Record<string, string | undefined> = services.env) {
  return async function runTask(input: TaskActivityInput): Promise<TaskActivityResult> {
    const activity = Context.current();
    const attempt = activity.info.attempt;
    // The attempt's own times, taken here where it runs; the workflow's clock only sees it start and end.
    const startedAt = new Date();
    // Attempt rows are progress reports: they are written beside the body, never in its way.
    // The run's final snapshot rewrites every task row, so a lost write heals itself.
    void quietly(activity, () => recorder.attemptStarted(input, attempt, startedAt));
    let mask: SecretMask = NO_SECRETS;
    let log: AttemptLog | undefined;
    let error: string | null = null;
    let endedAt = startedAt;
    try {
      const task = resolveTask(registry, input);
      mask = taskSecretMask(task.loaded.dag, task.definition, env);
      const opened = openAttempt(input, activity, mask, logs, services);
      log = opened.log;
      const output = await runBody(task, input, activity, opened);
      endedAt = new Date();
      const { events } = opened;
      return { output, attempt, startedAt: startedAt.toISOString(), endedAt: endedAt.toISOString(), ...(events.length > 0 ? { events } : {}) };
    } catch (thrown) {
      endedAt = new Date();
      const failure = toFailure(thrown, { attempt, startedAt: startedAt.toISOString(), endedAt: endedAt.toISOString() }, mask);
      error = failure instanceof Error ? failure.message : String(failure);
      throw failure;
    } finally {
      void quietly(activity, () => recorder.attemptEnded(input, attempt, endedAt, error));
      // The attempt's lines are stored before its result reaches the workflow, so a reader who
      // sees the task finished sees all of its lines.
      await log?.close();
    }
  };
}

function resolveTask(registry: DagRegistry, input: TaskActivityInput): ResolvedTask {
  const loaded = requireDag(registry, input.dagId);
  const definition = loaded.dag.tasks.find((task) => task.id === input.taskId);
  if (!definition?.body) throw new TaskNotFoundError(input.dagId, input.taskId);
  return { loaded, definition: definition as ResolvedTask['definition'] };
}

function openAttempt(input: TaskActivityInput, activity: Context, mask: SecretMask, logs: TaskLogService, services: WeirServices): TaskAttempt {
  const attempt = activity.info.attempt;
  return openTaskAttempt({
    run: input.run,
    taskId: input.taskId,
    attempt,
    ...(input.mapIndex === undefined ? {} : { mapIndex: input.mapIndex }),
    params: input.params,
    upstream: input.upstream,
    signal: activity.cancellationSignal,
    services,
    mask,
    logSink: {
      store: (line) => logs.store(line),
      flush: () => logs.flush(),
      print: (line) => logs.print(line),
      ...(logs.printEntry ? { printEntry: logs.printEntry } : {}),
      onStoreError: (error) => activity.log.warn(`could not store the log lines of ${input.dagId}.${input.taskId}#${attempt}: ${mask.text(String(error))}`),
    },
    heartbeat: (details) => activity.heartbeat(details),
    ...(activity.info.heartbeatDetails === undefined ? {} : { lastHeartbeat: activity.info.heartbeatDetails as unknown }),
  });
}

async function runBody(task: ResolvedTask, input: TaskActivityInput, activity: Context, attempt: TaskAttempt): Promise<unknown> {
  const declaresHeartbeat = task.loaded.plan.tasks.find((planned) => planned.id === input.taskId)?.options.heartbeatTimeoutMs !== undefined;
  const timer = declaresHeartbeat ? undefined : setInterval(() => activity.heartbeat(), AUTO_HEARTBEAT_MS);
  try {
    const output = input.mapIndex === undefined ? await task.definition.body(attempt.ctx) : await task.definition.body(attempt.ctx, input.mapItem, input.mapIndex);
    return attempt.output(output);
  } finally {
    if (timer) clearInterval(timer);
  }
}

/**
 * Keeps cancellation as it is; everything else becomes an ApplicationFailure that carries the
 * attempt and its times, with secrets masked in its message, details and stack.
 */
function toFailure(thrown: unknown, details: TaskFailureDetails, mask: SecretMask): unknown {
  if (Context.current().cancellationSignal.aborted && !(thrown instanceof ApplicationFailure)) return thrown;
  if (thrown instanceof ApplicationFailure) {
    if (mask.empty) return thrown;
    return ApplicationFailure.create({
      ...(thrown.type ? { type: thrown.type } : {}),
      message: mask.text(thrown.message),
      nonRetryable: thrown.nonRetryable === true,
      details: mask.value(thrown.details ?? []),
      ...(thrown.cause ? { cause: mask.error(thrown.cause) } : {}),
    });
  }
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  return ApplicationFailure.create({
    type: error.name,
    message: mask.text(error.message),
    nonRetryable: error instanceof NonRetryableError || error instanceof OutputTooLargeError || error instanceof TaskNotFoundError,
    details: [details],
    cause: mask.error(error),
  });
}

async function quietly(activity: Context, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    activity.log.warn('could not record the task attempt in Postgres', { error: String(error) });
  }
}
