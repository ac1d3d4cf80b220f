import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { CronExpressionParser } from 'cron-parser';
import type { Plan, PlanSchedule } from '../plan/types.ts';
import { expandCronPreset, nextCronTime, previousCronTime } from '../sdk/cron.ts';
import { triggerRun } from './runs.ts';

export class BackfillError extends Error {
  constructor(readonly dagId: string, message: string) {
    super(message);
    this.name = 'BackfillError';
  }
}

/** Above this many runs a backfill needs `--max-runs N` or `--yes`. */
export const BACKFILL_CONFIRM_LIMIT = 1000;

export interface BackfillRange {
  from: Date;
  /** The last logical date, inclusive. */
  to: Date;
  /** `--to` was a calendar date: every tick of that day, in the DAG's timezone, is in the range. */
  toWholeDay?: boolean;
}

export interface BackfillOptions {
  taskQueue: string;
  /** Start only the first N runs of the range. */
  maxRuns?: number;
  /** Start every run of the range, however many. */
  confirmed?: boolean;
  /** Runs open at once; defaults to the DAG's `maxActiveRuns`. */
  maxActiveRuns?: number;
  confirmLimit?: number;
  /** Hears of each run as it is started or found, so nothing has to hold the whole list. */
  onRun?: (run: BackfillRun) => void;
  /** Base URL of Weir's web view, for each run's link back from the Temporal UI. */
  webUrl?: string | undefined;
  /** Who asked for the backfill: each run's `weirTriggeredBy`. */
  triggeredBy?: string | undefined;
}

export interface BackfillRun {
  runId: string;
  logicalDate: string;
  outcome: 'started' | 'existing';
}

export interface BackfillSummary {
  started: number;
  alreadyExisting: number;
  /** `--max-runs` stopped it before the end of the range. */
  truncated: boolean;
}

export function backfillRunId(dagId: string, tick: Date): string {
  return `${dagId}-backfill-${tick.toISOString().replace(/[:.]/g, '')}`;
}

/** The schedule's ticks in the range, one at a time: a ten-year minutely range costs no memory. */
export function* backfillTicks(schedule: PlanSchedule, range: BackfillRange): Generator<Date> {
  const end = range.toWholeDay ? lastInstantOfDay(range.to, schedule.timezone) : range.to;
  const iterator = CronExpressionParser.parse(expandCronPreset(schedule.cron), {
    tz: schedule.timezone,
    currentDate: new Date(range.from.getTime() - 1),
    endDate: end,
  });
  while (iterator.hasNext()) yield iterator.next().toDate();
}

/** The last millisecond of the calendar day `date` names (its UTC date), in `timezone`. */
function lastInstantOfDay(date: Date, timezone: string): Date {
  // Noon UTC of that date falls on the same calendar day in almost every timezone.
  const noon = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), 12));
  const startOfDay = previousCronTime('0 0 * * *', timezone, new Date(noon.getTime() + 1));
  return new Date(nextCronTime('0 0 * * *', timezone, startOfDay).getTime() - 1);
}

/**
 * One run per schedule tick in the range, each with that tick as its logical date. Run ids are
 * derived from the date, so running the same backfill twice starts nothing new. Like Airflow,
 * it honours the DAG's `maxActiveRuns`: a run starts only when fewer than that many of the
 * backfill's runs are open, so the call returns once the last run has started.
 */
export async function backfill(client: Client, plan: Plan, range: BackfillRange, options: BackfillOptions): Promise<BackfillSummary> {
  const schedule = plan.schedule;
  if (!schedule) throw new BackfillError(plan.dagId, `DAG ${plan.dagId} has no schedule, so it has no intervals to backfill`);
  if (!(range.from.getTime() <= range.to.getTime())) throw new BackfillError(plan.dagId, '--from must be on or before --to');
  if (options.maxRuns !== undefined && !(Number.isInteger(options.maxRuns) && options.maxRuns >= 1)) {
    throw new BackfillError(plan.dagId, `--max-runs must be a whole number >= 1, got ${options.maxRuns}`);
  }
  const confirmLimit = options.confirmLimit ?? BACKFILL_CONFIRM_LIMIT;
  if (options.maxRuns === undefined && !options.confirmed) {
    const ticks = backfillTicks(schedule, range);
    for (let count = 1; !ticks.next().done; count++) {
      if (count > confirmLimit) {
        throw new BackfillError(
          plan.dagId,
          `the range holds more than ${confirmLimit} runs of ${plan.dagId}; pass --max-runs N to start the first N, or --yes to start them all`,
        );
      }
    }
  }
  const limit = options.maxRuns ?? Infinity;
  const open = new OpenRuns(client, options.maxActiveRuns ?? schedule.maxActiveRuns);
  const summary: BackfillSummary = { started: 0, alreadyExisting: 0, truncated: false };
  for (const tick of backfillTicks(schedule, range)) {
    if (summary.started + summary.alreadyExisting >= limit) {
      summary.truncated = true;
      break;
    }
    await open.waitForSlot();
    const runId = backfillRunId(plan.dagId, tick);
    let outcome: BackfillRun['outcome'] = 'started';
    try {
      await triggerRun(client, { dagId: plan.dagId, params: {}, taskQueue: options.taskQueue, runType: 'backfill', logicalDate: tick, runId, rejectDuplicate: true, webUrl: options.webUrl, triggeredBy: options.triggeredBy });
      summary.started++;
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      outcome = 'existing';
      summary.alreadyExisting++;
    }
    // A run of an earlier backfill that is still open takes a slot too.
    open.track(runId);
    options.onRun?.({ runId, logicalDate: tick.toISOString(), outcome });
  }
  return summary;
}

/** The backfill's runs that have not closed yet, at most `capacity` of them. */
class OpenRuns {
  private readonly closing = new Map<string, Promise<void>>();

  constructor(private readonly client: Client, private readonly capacity: number) {}

  track(runId: string): void {
    const closed = this.client.workflow
      .getHandle(runId)
      .result()
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => this.closing.delete(runId));
    this.closing.set(runId, closed);
  }

  async waitForSlot(): Promise<void> {
    while (this.closing.size >= Math.max(1, this.capacity)) await Promise.race(this.closing.values());
  }
}
