import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';

const preciseNow = () => performance.timeOrigin + performance.now();

/** What each held task returns: when its body ran (epoch ms, fractional), and on which task queue. */
export interface TimedOutput {
  startedAt: number;
  endedAt: number;
  queue: string;
}

export interface HoldOptions {
  /** Tasks of the same group and run: they count each other. */
  group: string;
  /** Release as soon as this many of the group have run at the same time... */
  releaseAt: number;
  /** ...or after this long, whichever comes first. */
  atMostMs: number;
}

/** Group -> how many of it run now, and the most that ever ran at once. All task bodies share this worker process. */
const groups = new Map<string, { running: number; peak: number }>();

/**
 * A task body that holds its slot until `releaseAt` tasks of its group overlap, or `atMostMs`
 * passed. Overlap then depends on the worker's limits, not on how fast a loaded machine
 * dispatches: a group that nothing limits reaches `releaseAt` (all release together), and a
 * limited one never can, so each holds its slot for the whole `atMostMs`.
 */
export function heldTask({ group, releaseAt, atMostMs }: HoldOptions) {
  return async (ctx: { signal: AbortSignal; run: { runId: string } }): Promise<TimedOutput> => {
    const key = `${ctx.run.runId}/${group}`;
    const state = groups.get(key) ?? { running: 0, peak: 0 };
    groups.set(key, state);
    // Fractional epoch milliseconds, taken outside the counted section: two bodies the counter
    // saw running together always get overlapping intervals.
    const startedAt = preciseNow();
    state.running++;
    state.peak = Math.max(state.peak, state.running);
    const deadline = Date.now() + atMostMs;
    try {
      while (state.peak < releaseAt && Date.now() < deadline) await sleep(20, undefined, { signal: ctx.signal });
    } finally {
      state.running--;
    }
    return { startedAt, endedAt: preciseNow(), queue: Context.current().info.taskQueue };
  };
}
