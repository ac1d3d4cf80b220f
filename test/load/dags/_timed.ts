import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';

/** What each timed task returns: when its body ran, and on which task queue. */
export interface TimedOutput {
  startedAt: number;
  endedAt: number;
  queue: string;
}

/** A task body that holds its slot for `ms` and reports when it did, for overlap checks. */
export function timedTask(ms: number) {
  return async (ctx: { signal: AbortSignal }): Promise<TimedOutput> => {
    const startedAt = Date.now();
    await sleep(ms, undefined, { signal: ctx.signal });
    return { startedAt, endedAt: Date.now(), queue: Context.current().info.taskQueue };
  };
}
