import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Plan } from '../plan/types.ts';
import { cronTimesBetween } from '../sdk/cron.ts';
import { triggerRun } from './runs.ts';

export class BackfillError extends Error {
  constructor(readonly dagId: string, message: string) {
    super(message);
    this.name = 'BackfillError';
  }
}

export interface BackfillResult {
  logicalDates: string[];
  started: string[];
  alreadyExisting: string[];
}

/**
 * One run per schedule tick in [from, to], each with that tick as its logical date. Run ids are
 * derived from the date, so running the same backfill twice starts nothing new.
 */
export async function backfill(client: Client, plan: Plan, range: { from: Date; to: Date }, taskQueue: string, maxRuns = 1000): Promise<BackfillResult> {
  if (!plan.schedule) throw new BackfillError(plan.dagId, `DAG ${plan.dagId} has no schedule, so it has no intervals to backfill`);
  if (!(range.from.getTime() <= range.to.getTime())) throw new BackfillError(plan.dagId, '--from must be on or before --to');
  const ticks = cronTimesBetween(plan.schedule.cron, plan.schedule.timezone, range.from, range.to);
  if (ticks.length > maxRuns) throw new BackfillError(plan.dagId, `the range holds ${ticks.length} runs; the limit is ${maxRuns}. Narrow the range.`);
  const result: BackfillResult = { logicalDates: ticks.map((t) => t.toISOString()), started: [], alreadyExisting: [] };
  for (const tick of ticks) {
    const runId = `${plan.dagId}-backfill-${tick.toISOString().replace(/[:.]/g, '')}`;
    try {
      await triggerRun(client, { dagId: plan.dagId, params: {}, taskQueue, runType: 'backfill', logicalDate: tick, runId, rejectDuplicate: true });
      result.started.push(runId);
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      result.alreadyExisting.push(runId);
    }
  }
  return result;
}
