import type { Client } from '@temporalio/client';

type Found<T> = T | null | undefined | false;

/**
 * Calls `probe` every 100 ms until it returns something other than null, undefined or false,
 * and returns that; fails after `tries` calls.
 *
 * @example
 * await until(() => existsSync(marker), 'the task to write its marker');
 */
export async function until<T>(probe: () => Found<T> | Promise<Found<T>>, what: string, tries = 1200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface PendingAttempt {
  attempt: number;
  lastFailure: string;
}

/** The attempt Temporal is on for a still-pending activity, and why the one before failed. */
export async function pendingAttempt(client: Client, runId: string, activityType: string): Promise<PendingAttempt | null> {
  const description = await client.workflow.getHandle(runId).describe();
  const pending = description.raw.pendingActivities?.find((activity) => activity.activityType?.name === activityType);
  if (!pending) return null;
  return { attempt: pending.attempt ?? 0, lastFailure: pending.lastFailure?.message ?? '' };
}
