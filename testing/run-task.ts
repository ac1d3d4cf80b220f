import { databaseNotConfigured } from './no-database.ts';
import type { WeirServices } from '../sdk/services.ts';
import { testServices } from './operator-services.ts';
import { MAX_OUTPUT_BYTES, RUN_EVENT_TYPES, type EmittedEvent, type RunInfo } from '../plan/types.ts';
import type { TaskContext, TaskLogger } from '../sdk/context.ts';
import type { Dag } from '../sdk/dag.ts';
import { NonRetryableError, OutputTooLargeError } from '../sdk/errors.ts';
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
 * Runs one task body in this process with the context a worker gives it: validated params,
 * the given upstream outputs, run info, a cancellation signal, `ctx.log` and `ctx.emit`. The
 * output passes the same JSON and size checks as in a run. A mapped task runs once per item
 * of its `over` output and returns the array of results; a branch returns the task(s) it picks.
 */
export async function runTaskOnce(dag: Dag<unknown, Record<string, unknown>>, taskId: string, options: RunTaskOptions = {}): Promise<TaskTestResult> {
  const dagId = dag.config.id;
  const task = dag.tasks.find((candidate) => candidate.id === taskId);
  if (!task) throw new UnknownTaskError(dagId, taskId, dag.tasks.map((candidate) => candidate.id));
  if (!task.body) throw new TaskWithoutBodyError(dagId, taskId);
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
  const logs: LogLine[] = [];
  const events: EmittedEvent[] = [];
  const ctx: TaskContext = {
    params,
    outputs: options.outputs ?? {},
    taskId,
    run: { ...run, attempt: 1 },
    signal: options.signal ?? new AbortController().signal,
    heartbeat: () => {},
    log: collectingLogger(logs, options.onLog),
    services: options.services ?? testServices({ db: databaseNotConfigured(), namespace: 'default' }),
    emit: (type, details) => {
      if (!RUN_EVENT_TYPES.includes(type)) throw new Error(`unknown event type "${type}" (known: ${RUN_EVENT_TYPES.join(', ')})`);
      events.push({ type, details: toJsonOutput(dagId, taskId, details) as Record<string, unknown> });
    },
  };
  let output: unknown;
  if (task.kind === 'map') {
    const over = task.mapOver ?? '';
    const items = ctx.outputs[over];
    if (!Array.isArray(items)) throw new MissingMapInputError(dagId, taskId, over);
    const results: unknown[] = [];
    for (const [index, item] of items.entries()) results.push(toJsonOutput(dagId, taskId, await task.body(ctx, item, index)));
    output = results;
  } else {
    output = await task.body(ctx);
  }
  return { taskId, output: toJsonOutput(dagId, taskId, output), events, logs, params };
}

function collectingLogger(lines: LogLine[], onLog?: (line: LogLine) => void): TaskLogger {
  const write = (level: LogLine['level']) => (message: string, attrs?: Record<string, unknown>) => {
    const line: LogLine = { level, message, ...(attrs === undefined ? {} : { attrs }) };
    lines.push(line);
    onLog?.(line);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** What a run would keep of an output: JSON, at most MAX_OUTPUT_BYTES. */
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

/** Direct upstream tasks of `taskId` whose output `outputs` does not give; empty when all are there. */
export function missingUpstreamOutputs(dag: Dag<unknown, Record<string, unknown>>, taskId: string, outputs: Record<string, unknown>): string[] {
  const task = dag.tasks.find((candidate) => candidate.id === taskId);
  return (task?.needs ?? []).filter((upstream) => !(upstream in outputs));
}
