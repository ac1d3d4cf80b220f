import { plainRunSnapshot, type PackedRunSnapshot } from './packed-snapshot.ts';
import type { RunSnapshot, RunStatus } from './types.ts';

/** A run in one of these has ended: a wait for it is over. */
export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['success', 'failed', 'cancelled']);

/** Whether a workflow result or query answer is a run snapshot, plain or packed. */
export function isRunSnapshot(value: unknown): value is RunSnapshot | PackedRunSnapshot {
  return typeof value === 'object' && value !== null && Array.isArray((value as RunSnapshot).tasks) && typeof (value as RunSnapshot).status === 'string';
}

/**
 * A snapshot a run still open answered with, as a reader should see it: when every task is done
 * but the run is still recording and notifying, it has not closed yet. A failed run stays open on
 * purpose (the clear window), so it reports as failed at once.
 */
export function openRunView(answer: RunSnapshot | PackedRunSnapshot): RunSnapshot {
  const snapshot = plainRunSnapshot(answer);
  return snapshot.status === 'success' || snapshot.status === 'cancelled' ? { ...snapshot, status: 'running' } : snapshot;
}
