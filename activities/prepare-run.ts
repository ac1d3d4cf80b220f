import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { recordRunSnapshot } from '../db/run-records.ts';
import { startingSnapshot } from '../plan/starting-snapshot.ts';
import { carriedRunFloorBytes, MAX_CARRIED_RUN_BYTES } from '../plan/carried-run.ts';
import { packPlan } from '../plan/packed-plan.ts';
import { MAX_PACKED_PLAN_BYTES, type Plan, type PrepareRunInput, type PrepareRunResult } from '../plan/types.ts';
import { previousCronTime } from '../sdk/cron.ts';
import { InvalidParamsError } from '../sdk/errors.ts';
import { validateParams } from '../sdk/params.ts';
import { DagNotFoundError, requireDag, type DagRegistry } from './dag-registry.ts';

/** How long the first run record may hold up a run's first task when Postgres is slow. */
const FIRST_RECORD_TIMEOUT_MS = 5_000;

/**
 * A plan that would not fit in one Temporal payload, on its own or with its task states as a
 * run carries them between executions: the run fails with this, it never hangs.
 */
export class PlanTooLargeError extends Error {
  constructor(readonly dagId: string, readonly bytes: number, readonly carried = false) {
    super(
      carried
        ? `the plan of DAG ${dagId} and its task states come to ${Math.round(bytes / 1024)} KiB packed, over the ${MAX_CARRIED_RUN_BYTES / 1024} KiB a run carries from one history to the next; split the DAG, shorten its task ids, or use .map() for fan-outs`
        : `the plan of DAG ${dagId} is ${Math.round(bytes / 1024)} KiB packed, over the ${MAX_PACKED_PLAN_BYTES / 1024} KiB a run can record; split the DAG or use .map() for fan-outs`,
    );
    this.name = 'PlanTooLargeError';
  }
}

/**
 * Gives a new run its Plan and validated params. Its result is recorded in history, which is
 * what pins the graph: later edits to the DAG file never change a run already started. When
 * asked, it also writes the run's first record; that record is a report, so a Postgres that
 * is down or slow delays the run by at most a few seconds and never fails it.
 */
export function createPrepareRun(registry: DagRegistry, db: Kysely<Database>) {
  return async function prepareRun(input: PrepareRunInput): Promise<PrepareRunResult> {
    let result: PrepareRunResult;
    let loadedPlan: Plan;
    try {
      const loaded = requireDag(registry, input.dagId);
      loadedPlan = loaded.plan;
      const params = validateParams(loaded.dag, input.rawParams);
      const logical = new Date(input.logicalDate);
      const schedule = loaded.plan.schedule;
      const start = schedule ? previousCronTime(schedule.cron, schedule.timezone, logical) : logical;
      const packedPlan = packPlan(loaded.plan);
      const bytes = Buffer.byteLength(JSON.stringify(packedPlan));
      if (bytes > MAX_PACKED_PLAN_BYTES) throw new PlanTooLargeError(input.dagId, bytes);
      const carried = carriedRunFloorBytes(loaded.plan, bytes);
      if (carried > MAX_CARRIED_RUN_BYTES) throw new PlanTooLargeError(input.dagId, carried, true);
      result = { packedPlan, params, dataIntervalStart: start.toISOString(), dataIntervalEnd: logical.toISOString() };
    } catch (error) {
      if (error instanceof InvalidParamsError || error instanceof DagNotFoundError || error instanceof PlanTooLargeError) {
        throw ApplicationFailure.create({ type: error.name, message: error.message, nonRetryable: true });
      }
      throw error;
    }
    if (input.record) {
      const snapshot = startingSnapshot({ runId: input.runId, logicalDate: input.logicalDate, ...input.record }, loadedPlan, result.params);
      await recordWithin(FIRST_RECORD_TIMEOUT_MS, () => recordRunSnapshot(db, snapshot)).catch((error: unknown) => {
        Context.current().log.warn('could not write the first run record; the run goes on', { runId: input.runId, error: String(error) });
      });
    }
    return result;
  };
}

function recordWithin(ms: number, write: () => Promise<void>): Promise<void> {
  const timeout = sleep(ms, undefined, { ref: false }).then(() => {
    throw new Error(`no answer from Postgres within ${ms} ms`);
  });
  return Promise.race([write(), timeout]);
}
