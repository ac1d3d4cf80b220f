import { databaseNotConfigured } from './no-database.ts';
import type { WeirServices } from '../sdk/services.ts';
import { testServices } from './operator-services.ts';
import { openTaskAttempt, type TaskAttempt } from '../activities/task-context.ts';
import { taskSecretMask } from '../activities/task-secrets.ts';
import type { SecretMask } from '../logs/secret-mask.ts';
import type { EmittedEvent, RunInfo } from '../plan/types.ts';
import type { Dag } from '../sdk/dag.ts';
import { validateParams } from '../sdk/params.ts';

/** The task id is not in the DAG. */
export class UnknownTaskError extends Error {
  override readonly name = 'UnknownTaskError';
  constructor(
    readonly dagId: string,
    readonly taskId: string,
    readonly knownTaskIds: readonly string[],
  ) {
    super(`DAG ${dagId} has no task "${taskId}" (tasks: ${knownTaskIds.join(', ')})`);
  }
}

/** An approval task has no body: it waits for a person, which only a run can do. */
export class TaskWithoutBodyError extends Error {
  override readonly name = 'TaskWithoutBodyError';
  constructor(
    readonly dagId: string,
    readonly taskId: string,
  ) {
    super(`task ${dagId}.${taskId} is an approval and has no body to run; test it with \`weir dags test\` or give its output as upstream of the next task`);
  }
}

/** A mapped task needs the list it maps over: the output of its `over` upstream task. */
export class MissingMapInputError extends Error {
  override readonly name = 'MissingMapInputError';
  constructor(
    readonly dagId: string,
    readonly taskId: string,
    readonly overTaskId: string,
  ) {
    super(`task ${dagId}.${taskId} maps over the output of "${overTaskId}": give it as an array, e.g. --upstream-json '{"${overTaskId}": [1, 2]}'`);
  }
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  attrs?: Record<string, unknown>;
}

export interface RunTaskOptions {
  /** Raw params, validated and defaulted by the DAG's schema as a trigger's are. */
  params?: Record<string, unknown>;
  /** Outputs of the task's upstream tasks, by task id, as `ctx.outputs` gives them. */
  outputs?: Record<string, unknown>;
  /** Default: now. */
  logicalDate?: Date;
  /** Default: `<dagId>-test-<logical date>`. */
  runId?: string;
  /** Receives every `ctx.log` line as it is written. */
  onLog?: (line: LogLine) => void;
  /** Cancels the task through `ctx.signal`. */
  signal?: AbortSignal;
  /** What the body gets in `ctx.services`; default: built from this process's configuration, with no database. */
  services?: WeirServices;
}

export interface TaskTestResult {
  taskId: string;
  /** The body's return value after the JSON round trip a run applies (undefined becomes null). */
  output: unknown;
  events: EmittedEvent[];
  logs: LogLine[];
  params: Record<string, unknown>;
}

/**
 * Runs one task body in this process with the context a worker gives it, built by the same
 * code (activities/task-context.ts): validated params, the given upstream outputs, run info, a
 * cancellation signal, `ctx.log` and `ctx.emit`. The output passes the same JSON and size
 * checks as in a run, and the values of the secrets the task declares (`secretEnv`) are masked
 * as `***` in its log lines, events, output and error. A mapped task runs once per item
 * of its `over` output and returns the array of results; a branch returns the task(s) it picks.
 */
export async function runTaskOnce(dag: Dag<unknown, Record<string, unknown>>, taskId: string, options: RunTaskOptions = {}): Promise<TaskTestResult> {
  const dagId = dag.config.id;
  const task = dag.tasks.find((candidate) => candidate.id === taskId);
  if (!task) throw new UnknownTaskError(dagId, taskId, dag.tasks.map((candidate) => candidate.id));
  const body = task.body;
  if (!body) throw new TaskWithoutBodyError(dagId, taskId);
  const params = validateParams(dag, options.params ?? {});
  const logicalDate = (options.logicalDate ?? new Date()).toISOString();
  const run: RunInfo = {
    runId: options.runId ?? `${dagId}-test-${logicalDate.replace(/[:.]/g, '')}`,
    dagId,
    runType: 'manual',
    logicalDate,
    dataIntervalStart: logicalDate,
    dataIntervalEnd: logicalDate,
  };
  const services = options.services ?? testServices({ db: databaseNotConfigured(), namespace: 'default' });
  // The secrets the task declares are masked as a worker masks them: in logs, events, output and errors.
  const mask = taskSecretMask(dag, task, services.env);
  const logs: LogLine[] = [];
  const events: EmittedEvent[] = [];
  const runOnce = async (call: (attempt: TaskAttempt) => unknown, mapIndex?: number) => {
    const attempt = openTaskAttempt({
      run,
      taskId,
      attempt: 1,
      ...(mapIndex === undefined ? {} : { mapIndex }),
      params,
      upstream: options.outputs ?? {},
      signal: options.signal ?? new AbortController().signal,
      services,
      mask,
      logSink: { store: async () => {}, print: () => {}, printEntry: (_identity, level, message, attrs) => collect(logs, { level, message, ...(attrs === undefined ? {} : { attrs }) }, options.onLog) },
    });
    try {
      return attempt.output(await call(attempt));
    } catch (error) {
      throw maskedInPlace(error, mask);
    } finally {
      events.push(...attempt.events);
      await attempt.log.close();
    }
  };
  let output: unknown;
  if (task.kind === 'map') {
    const over = task.mapOver ?? '';
    const items = (options.outputs ?? {})[over];
    if (!Array.isArray(items)) throw new MissingMapInputError(dagId, taskId, over);
    const results: unknown[] = [];
    for (const [index, item] of items.entries()) results.push(await runOnce((attempt) => body(attempt.ctx, item, index), index));
    output = results;
  } else {
    output = await runOnce((attempt) => body(attempt.ctx));
  }
  return { taskId, output, events, logs, params };
}

function collect(lines: LogLine[], line: LogLine, onLog?: (line: LogLine) => void): void {
  lines.push(line);
  onLog?.(line);
}

/** The body's own error, so callers can still match its class, with the task's secrets masked out of its message and stack. */
function maskedInPlace(error: unknown, mask: SecretMask): unknown {
  if (mask.empty || !(error instanceof Error)) return error;
  const masked = mask.error(error);
  error.message = masked.message;
  error.stack = masked.stack;
  return error;
}

/** Direct upstream tasks of `taskId` whose output `outputs` does not give; empty when all are there. */
export function missingUpstreamOutputs(dag: Dag<unknown, Record<string, unknown>>, taskId: string, outputs: Record<string, unknown>): string[] {
  const task = dag.tasks.find((candidate) => candidate.id === taskId);
  return (task?.needs ?? []).filter((upstream) => !(upstream in outputs));
}
