import type { Kysely } from 'kysely';
import { CALLBACK_ACTIVITY, PREPARE_RUN_ACTIVITY, RECORD_RUN_ACTIVITY } from '../plan/types.ts';
import type { Database } from '../db/schema.ts';
import type { WeirServices } from '../sdk/services.ts';
import type { DagRegistry } from './dag-registry.ts';
import { createCallbackRunner } from './callbacks.ts';
import { createPrepareRun } from './prepare-run.ts';
import { createRecordRun, postgresAttemptRecorder } from './run-records.ts';
import { createTaskRunner, type AttemptRecorder } from './task-runner.ts';
import { postgresTaskLogs, type TaskLogService } from '../logs/index.ts';

export { DagNotFoundError, TaskNotFoundError, type DagRegistry } from './dag-registry.ts';
export { postgresAttemptRecorder } from './run-records.ts';

export interface ActivityDependencies {
  registry: DagRegistry;
  db: Kysely<Database>;
  /** Where task attempts are reported; default a batching Postgres recorder on `db`. */
  attempts?: AttemptRecorder;
  /** Handed to every task body (`ctx.services`) and callback. */
  services: WeirServices;
  /** Where task log lines go; default Postgres (batched) and the process's stdout. */
  logs?: TaskLogService;
}

/**
 * Every activity the worker registers. `default` serves all task activities
 * (`<dagId>.<taskId>`); the engine's own activities have fixed names.
 */
export function createActivities({ registry, db, services, attempts = postgresAttemptRecorder(db), logs = postgresTaskLogs(db, (line) => console.log(line)) }: ActivityDependencies) {
  return {
    default: createTaskRunner(registry, attempts, services, logs),
    [PREPARE_RUN_ACTIVITY]: createPrepareRun(registry, db),
    [RECORD_RUN_ACTIVITY]: createRecordRun(db),
    [CALLBACK_ACTIVITY]: createCallbackRunner(registry, services),
  };
}
