import type { RunInfo } from '../../plan/types.ts';

/*
 * Details are type aliases, not interfaces, on purpose: aliases are assignable to
 * Record<string, unknown>, so a WeirEvent fits wherever the engine's looser RunEvent goes.
 */

/**
 * One metric as the champion (the model in production) and the challenger (the candidate)
 * scored it. `champion` is null when there is no champion yet, as for the very first model.
 */
export type MetricComparison = {
  metric: string;
  champion: number | null;
  challenger: number;
  /** Whether a larger value is better (AUC) or worse (log loss); shapes the wording only. */
  higherIsBetter?: boolean;
};

export type FailedTask = {
  id: string;
  error: string | null;
  attempts?: number;
};

/**
 * A task failed, or a whole run did. The engine sends `failedTasks` for a run and sets the
 * event's `taskId` to the first of them; a hand-made event may give a single `error` instead.
 */
export type FailureDetails = {
  error?: string;
  attempts?: number;
  failedTasks?: FailedTask[];
};

export type SuccessDetails = {
  /** Number of tasks in the run. */
  tasks?: number;
};

export type DriftDetails = {
  driftedColumns: string[];
  /** Fraction of the checked columns that drifted, 0..1. */
  share: number;
  /** Number of columns checked, when known; makes "3 of 12" possible. */
  columnsChecked?: number;
  /** The share above which the check counts as drift. */
  threshold?: number;
  /** URI of the HTML drift report (usually a `file://` artifact URI). */
  reportUri?: string;
};

export type PromotionDetails = {
  model: string;
  version: string | number;
  /** The version it replaces, if there was one. */
  previousVersion?: string | number;
  metrics: MetricComparison[];
  /** Why the gate let the challenger through. */
  reasons: string[];
};

export type RejectionDetails = {
  model: string;
  version: string | number;
  metrics: MetricComparison[];
  /** Why the gate refused the challenger. */
  reasons: string[];
};

type EventBase = {
  run: RunInfo;
  /** The task that raised the event, when one did. */
  taskId?: string;
};

/**
 * What a DAG-level callback receives, with typed details. It is plain JSON, because the engine
 * hands it to a separate notification activity, so a failed email never fails the run, nor
 * undoes a promotion that already happened.
 *
 * @example
 * const event: WeirEvent = {
 *   type: 'drift',
 *   run,
 *   taskId: 'check_drift',
 *   details: { driftedColumns: ['tenure'], share: 0.25, reportUri: 'file:///artifacts/drift.html' },
 * };
 */
export type WeirEvent =
  | (EventBase & { type: 'failure'; details: FailureDetails })
  | (EventBase & { type: 'success'; details: SuccessDetails })
  | (EventBase & { type: 'drift'; details: DriftDetails })
  | (EventBase & { type: 'promotion'; details: PromotionDetails })
  | (EventBase & { type: 'rejection'; details: RejectionDetails });

export type WeirEventType = WeirEvent['type'];

export const WEIR_EVENT_TYPES: readonly WeirEventType[] = ['failure', 'success', 'drift', 'promotion', 'rejection'];

/**
 * An event as the engine delivers it: the type is a string and the details are whatever the
 * task passed to `ctx.emit`. {@link parseWeirEvent} turns it into a {@link WeirEvent}.
 */
export type RunEventLike = {
  type: string;
  run: RunInfo;
  taskId?: string;
  details: Record<string, unknown>;
};
