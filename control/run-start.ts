import { SEARCH_ATTRIBUTES, type RunType } from '../plan/types.ts';
import { runUserMetadata } from './web-links.ts';

/**
 * Memo of every run Weir starts with a logical date of its own (trigger, backfill, rerun), so
 * `runs list` reads it from the visibility listing rather than from Postgres.
 */
export const LOGICAL_DATE_MEMO = 'weirLogicalDate';

export interface TriggerOptions {
  dagId: string;
  params: Record<string, unknown>;
  taskQueue: string;
  runType?: RunType;
  logicalDate?: Date;
  runId?: string;
  /** Refuse to reuse a run id even after that run closed (backfills stay idempotent). */
  rejectDuplicate?: boolean;
  /** Base URL of Weir's web view (WEIR_WEB_URL) for the link back from the Temporal UI; default http://127.0.0.1:8080. */
  webUrl?: string | undefined;
}

/**
 * Everything a run starts with, as plain values: the Temporal client path (control/runs.ts)
 * and the CLI's lean start path (cli/lean-start/) both start runs from this one description,
 * so the two can never send different ids, memos, search attributes or metadata.
 */
export interface RunStart {
  workflowId: string;
  /** The DAG id: the workflow type the default workflow serves. */
  workflowType: string;
  taskQueue: string;
  /** Params first, then the run's identity, exactly as the Temporal UI would pass params. */
  args: [Record<string, unknown>, { runType: RunType; logicalDate: string }];
  rejectDuplicate: boolean;
  memo: Record<string, unknown>;
  searchAttributes: Record<string, string[]>;
  staticSummary: string;
  staticDetails: string;
}

/** The run id scheme: `<dagId>-<runType>-<logical date>-<4 random chars>`, unless one is given. */
export function describeRunStart(options: TriggerOptions): RunStart {
  const runType = options.runType ?? 'manual';
  const logicalDate = (options.logicalDate ?? new Date()).toISOString();
  const runId = options.runId ?? `${options.dagId}-${runType}-${logicalDate.replace(/[:.]/g, '')}-${Math.random().toString(36).slice(2, 6)}`;
  return {
    workflowId: runId,
    workflowType: options.dagId,
    taskQueue: options.taskQueue,
    args: [options.params, { runType, logicalDate }],
    rejectDuplicate: options.rejectDuplicate === true,
    memo: { [LOGICAL_DATE_MEMO]: logicalDate },
    searchAttributes: { [SEARCH_ATTRIBUTES.dagId]: [options.dagId], [SEARCH_ATTRIBUTES.runType]: [runType] },
    ...runUserMetadata(options.webUrl, options.dagId, runId),
  };
}
