import { ApplicationFailure } from '@temporalio/common';
import type { PrepareRunInput, PrepareRunResult } from '../plan/types.ts';
import { previousCronTime } from '../sdk/cron.ts';
import { InvalidParamsError } from '../sdk/errors.ts';
import { validateParams } from '../sdk/params.ts';
import { DagNotFoundError, requireDag, type DagRegistry } from './dag-registry.ts';

/**
 * Gives a new run its Plan and validated params. Its result is recorded in history, which is
 * what pins the graph: later edits to the DAG file never change a run already started.
 */
export function createPrepareRun(registry: DagRegistry) {
  return async function prepareRun(input: PrepareRunInput): Promise<PrepareRunResult> {
    try {
      const loaded = requireDag(registry, input.dagId);
      const params = validateParams(loaded.dag, input.rawParams);
      const logical = new Date(input.logicalDate);
      const schedule = loaded.plan.schedule;
      const start = schedule ? previousCronTime(schedule.cron, schedule.timezone, logical) : logical;
      return { plan: loaded.plan, params, dataIntervalStart: start.toISOString(), dataIntervalEnd: logical.toISOString() };
    } catch (error) {
      if (error instanceof InvalidParamsError || error instanceof DagNotFoundError) {
        throw ApplicationFailure.create({ type: error.name, message: error.message, nonRetryable: true });
      }
      throw error;
    }
  };
}
