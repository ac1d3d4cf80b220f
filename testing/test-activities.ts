import type { Kysely } from 'kysely';
import { createCallbackRunner } from '../activities/callbacks.ts';
import type { DagRegistry } from '../activities/dag-registry.ts';
import { createPrepareRun } from '../activities/prepare-run.ts';
import { createTaskRunner, type AttemptRecorder } from '../activities/task-runner.ts';
import type { Database } from '../db/schema.ts';
import { CALLBACK_ACTIVITY, PREPARE_RUN_ACTIVITY, RECORD_RUN_ACTIVITY, type PrepareRunInput } from '../plan/types.ts';

const noAttemptRecords: AttemptRecorder = { attemptStarted: async () => {}, attemptEnded: async () => {} };

/**
 * The worker's activities for a test run: the same task runner, run preparation (params,
 * plan, data interval) and callbacks as production, but no run records. A test run lives in
 * a throwaway Temporal server, so a record of it in Postgres would point at nothing.
 */
export function createTestActivities(registry: DagRegistry, db: Kysely<Database>) {
  const prepareRun = createPrepareRun(registry, db);
  return {
    default: createTaskRunner(registry, noAttemptRecords),
    [PREPARE_RUN_ACTIVITY]: ({ record: _record, ...input }: PrepareRunInput) => prepareRun(input),
    [RECORD_RUN_ACTIVITY]: async () => {},
    [CALLBACK_ACTIVITY]: createCallbackRunner(registry),
  };
}
