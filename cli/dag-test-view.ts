import type { DagTestResult } from '../testing/test-dag.ts';
import type { TaskTestResult } from '../testing/run-task.ts';
import { formatElapsed, renderTable } from './format.ts';

/** Outputs longer than this are cut in the table; `--json` prints them whole. */
export const OUTPUT_CELL_LIMIT = 80;

/** A value on one line, cut to `limit` characters with an ellipsis. */
export function compactJson(value: unknown, limit = OUTPUT_CELL_LIMIT): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value) ?? 'null';
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/** The summary `weir dags test` ends with: one row per task, with its output or its error. */
export function renderDagTestTable(result: Pick<DagTestResult, 'tasks'>): string[] {
  return renderTable(
    ['TASK', 'STATE', 'ATTEMPTS', 'TOOK', 'OUTPUT / ERROR'],
    result.tasks.map((task) => [
      task.id,
      task.state,
      String(task.attempts),
      formatElapsed(task.startedAt, task.endedAt),
      task.error ? `error: ${oneLine(task.error)}` : compactJson(task.output),
    ]),
  );
}

/** `--json` of `weir dags test`: the run, then each task with its output. */
export function dagTestToJson(result: DagTestResult) {
  return {
    runId: result.runId,
    dagId: result.dagId,
    status: result.status,
    params: result.params,
    tasks: result.tasks.map(({ id, kind, state, attempts, startedAt, endedAt, durationMs, error, output }) => ({
      id,
      kind,
      state,
      attempts,
      startedAt,
      endedAt,
      durationMs,
      error,
      ...(output === undefined ? {} : { output }),
    })),
  };
}

/** What `weir tasks test` prints before the output: one line per `ctx.log` and `ctx.emit`. */
export function renderTaskTestEvents(result: Pick<TaskTestResult, 'events'>): string[] {
  return result.events.map((event) => `emitted ${event.type} ${compactJson(event.details, 200)}`);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
