import { setTimeout as sleep } from 'node:timers/promises';

/** What became of a run just started, within a few seconds, as its description tells. */
export type PickupOutcome = 'prepared' | 'closed' | 'unclaimed';

/** What a pickup needs of a run's description; none of it is a payload. */
export interface PickupDescription {
  running: boolean;
  historyLength: number;
}

/**
 * Waits until a worker has handled a new run's first workflow task (it loaded the plan and
 * checked the params), the run closed before that (the worker has no such DAG, the params were
 * refused), or `withinMs` passed with no worker taking it. Reads only the run's description, so it
 * never waits on a worker to answer a query; `describe` reads it through whichever client the
 * caller has.
 */
export async function awaitPickup(describe: () => Promise<PickupDescription>, withinMs: number): Promise<PickupOutcome> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const { running, historyLength } = await describe();
    if (!running) return 'closed';
    // Started, task scheduled, task started, task completed: a worker ran the first workflow task.
    if (historyLength > 3) return 'prepared';
    if (Date.now() >= deadline) return 'unclaimed';
    await sleep(100);
  }
}
