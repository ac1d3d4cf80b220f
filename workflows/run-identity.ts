import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { workflowInfo } from '@temporalio/workflow';
import type { RunType } from '../plan/types.ts';
import type { CarriedRunInput } from '../plan/compressed-carried-run.ts';
import type { RerunOf } from './rerun.ts';

/** Optional second workflow argument; the UI and `temporal workflow start` can omit it. */
export interface RunOptions {
  runType?: RunType;
  /** ISO date; defaults to the schedule's time for scheduled runs, else the start time. */
  logicalDate?: string;
  /** Set by `weir runs clear` on a closed run: the run this one reruns, and what it keeps from it. */
  rerunOf?: RerunOf;
  /**
   * Most events one execution's history may hold before the run continues as new (default
   * `DEFAULT_MAX_HISTORY_EVENTS`). Tests set it low to exercise continuation with a small DAG.
   */
  maxHistoryEvents?: number;
  /** Set by the run itself when it continues as new: everything it had, packed (and compressed since `COMPRESSED_CARRY_PATCH`). */
  continued?: CarriedRunInput;
}

const SCHEDULED_START = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** Works out who started this run and for which logical date, whatever started it. */
export function identifyRun(options: RunOptions | undefined): { runType: RunType; logicalDate: string } {
  const info = workflowInfo();
  const scheduledAt = info.typedSearchAttributes.get(SCHEDULED_START);
  const runType: RunType = options?.runType ?? (scheduledAt ? 'scheduled' : 'manual');
  const logicalDate = options?.logicalDate ?? (scheduledAt ?? info.runStartTime).toISOString();
  return { runType, logicalDate };
}
