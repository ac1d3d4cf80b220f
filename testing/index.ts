/**
 * Test helpers for DAG authors (`import { testDag, testTask } from 'weir/testing'`), for
 * vitest or any other runner. `testTask` runs one task body in-process; `testDag` runs the whole
 * DAG on the real interpreter with a throwaway Temporal dev server.
 */
import { createDb } from '../db/connection.ts';
import type { Dag } from '../sdk/dag.ts';
import { databaseNotConfigured } from './no-database.ts';
import { testServices } from './operator-services.ts';
import { runTaskOnce, type RunTaskOptions, type TaskTestResult } from './run-task.ts';

export { testDag, type DagTestOptions, type DagTestResult, type TaskOutcome } from './test-dag.ts';
export { DatabaseNotConfiguredError } from './no-database.ts';
export { MissingMapInputError, TaskWithoutBodyError, UnknownTaskError, type LogLine, type RunTaskOptions, type TaskTestResult } from './run-task.ts';

/**
 * Runs one task body with the given upstream outputs and params, as a worker would run it.
 * Rejects with the body's own error when it throws.
 *
 * @example
 * const { output } = await testTask(churnReport, 'check', { outputs: { extract: { rows: 10 } }, params: { minRows: 500 } });
 * expect(output).toBe(false);
 */
export async function testTask<P, O extends Record<string, unknown>>(dag: Dag<P, O>, taskId: string, options: TaskTestOptions = {}): Promise<TaskTestResult> {
  const { databaseUrl, ...runOptions } = options;
  const db = databaseUrl ? createDb(databaseUrl, { maxConnections: 1 }) : databaseNotConfigured();
  try {
    return await runTaskOnce(dag as unknown as Dag<unknown, Record<string, unknown>>, taskId, { ...runOptions, services: testServices({ db, namespace: 'default' }) });
  } finally {
    await db.destroy().catch(() => {});
  }
}

export interface TaskTestOptions extends RunTaskOptions {
  /** Postgres for operators that need it; without it their first query fails with DatabaseNotConfiguredError. */
  databaseUrl?: string;
}
