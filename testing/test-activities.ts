import { createCallbackRunner } from '../activities/callbacks.ts';
import type { DagRegistry } from '../activities/dag-registry.ts';
import { createPrepareRun } from '../activities/prepare-run.ts';
import { createTaskRunner, type AttemptRecorder } from '../activities/task-runner.ts';
import type { WeirServices } from '../sdk/services.ts';
import { CALLBACK_ACTIVITY, PREPARE_RUN_ACTIVITY, RECORD_RUN_ACTIVITY, type PrepareRunInput } from '../plan/types.ts';

const noAttemptRecords: AttemptRecorder = { attemptStarted: async () => {}, attemptEnded: async () => {} };

/**
 * The worker's activities for a test run: the same task runner, run preparation (params,
 * plan, data interval) and callbacks as production, but no run records. A test run lives in
 * a throwaway Temporal server, so a record of it in Postgres would point at nothing.
 */
export function createTestActivities(registry: DagRegistry, services: WeirServices, printLogLine: (line: string) => void) {
  const prepareRun = createPrepareRun(registry, services.db);
  return {
    // Log lines are printed, not stored: the run lives in a throwaway server.
    default: createTaskRunner(registry, noAttemptRecords, services, { store: async () => {}, print: printLogLine, flush: async () => {} }),
    [PREPARE_RUN_ACTIVITY]: ({ record: _record, ...input }: PrepareRunInput) => prepareRun(input),
    [RECORD_RUN_ACTIVITY]: async () => {},
    [CALLBACK_ACTIVITY]: createCallbackRunner(registry, services),
  };
}
