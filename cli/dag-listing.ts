import type { ScheduleStatus } from '../control/schedules.ts';
import type { Plan } from '../plan/types.ts';
import { nextCronTime } from '../sdk/cron.ts';

export interface DagListing {
  id: string;
  /** The cron string as the DAG file wrote it. */
  schedule: string | null;
  timezone: string | null;
  nextRun: string | null;
  /** null when Temporal is unreachable or holds no schedule for the DAG. */
  paused: boolean | null;
  file: string;
}

/** `-` for a DAG without a schedule (nothing to pause); `?` only when Temporal could not say. */
export function pausedColumn(listing: Pick<DagListing, 'schedule' | 'paused'>): string {
  if (listing.schedule === null) return '-';
  return listing.paused === null ? '?' : listing.paused ? 'yes' : 'no';
}

export function describeDag(loaded: { plan: Plan }, statuses: Map<string, ScheduleStatus> | null, now: Date): DagListing {
  const { plan } = loaded;
  const status = statuses?.get(plan.dagId);
  const nextFromTemporal = status?.nextRunTimes[0];
  // A paused schedule starts nothing, so it has no next run.
  const next = status?.paused ? undefined : (nextFromTemporal ?? (plan.schedule ? nextCronTime(plan.schedule.cron, plan.schedule.timezone, now) : undefined));
  return {
    id: plan.dagId,
    schedule: plan.schedule?.source ?? null,
    timezone: plan.schedule?.timezone ?? null,
    nextRun: next?.toISOString() ?? null,
    paused: status?.paused ?? null,
    file: plan.file,
  };
}
