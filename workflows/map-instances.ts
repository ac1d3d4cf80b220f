import { isCancellation, patched } from '@temporalio/workflow';
import type { EmittedEvent, MapInstanceState, PlanTask, TaskActivityInput, TaskActivityResult } from '../plan/types.ts';
import { callTaskActivity, describeTaskFailure } from './task-activities.ts';

/** What one slice of a mapped task produced; the parent merges slices in index order. */
export interface MapSliceResult {
  instances: MapInstanceState[];
  outputs: unknown[];
  events: EmittedEvent[];
}

export interface MapSlice {
  task: PlanTask;
  /** The activity input every instance shares; each adds its own index and item. */
  base: TaskActivityInput;
  items: unknown[];
  /** Index of `items[0]` in the whole list. */
  offset: number;
}

/**
 * Each instance settles in one `then`: the SDK captures a stack trace for every promise a
 * workflow creates (for its stack trace query), and an async function per instance made three.
 * Runs recorded before settle as they did, since the order of their callbacks may differ.
 */
export const MAP_SETTLE_IN_ONE_THEN_PATCH = 'weir-map-instances-settle-in-one-then';

/**
 * Runs every item of a slice as its own activity, all at once, and reports each instance's
 * state as it settles so a live query shows progress.
 */
export function runMapSlice(slice: MapSlice, instances: MapInstanceState[], outputs: unknown[], onEvents: (events: EmittedEvent[]) => void): Promise<void> {
  const call = (item: unknown, position: number) => callTaskActivity(slice.task, { ...slice.base, mapIndex: slice.offset + position, mapItem: item });
  const succeed = (position: number, result: TaskActivityResult) => {
    Object.assign(instances[position] as MapInstanceState, { state: 'success', attempts: result.attempt });
    outputs[position] = result.output;
    if (result.events) onEvents(result.events);
  };
  const fail = (position: number, error: unknown) => {
    const failure = describeTaskFailure(error, slice.task);
    Object.assign(instances[position] as MapInstanceState, { state: isCancellation(error) ? 'cancelled' : 'failed', attempts: failure.attempts, error: failure.message });
  };
  if (!patched(MAP_SETTLE_IN_ONE_THEN_PATCH)) return runMapSliceAsRecorded(slice.items, call, succeed, fail);
  const settleOne = (item: unknown, position: number): Promise<void> => {
    let activity: Promise<TaskActivityResult>;
    try {
      activity = call(item, position);
    } catch (error) {
      fail(position, error);
      return Promise.resolve();
    }
    return activity.then(
      (result) => {
        try {
          succeed(position, result);
        } catch (error) {
          fail(position, error);
        }
      },
      (error: unknown) => fail(position, error),
    );
  };
  return Promise.all(slice.items.map(settleOne)).then(() => undefined);
}

/** The slice as runs recorded before MAP_SETTLE_IN_ONE_THEN_PATCH ran it: an async function per instance. */
async function runMapSliceAsRecorded(
  items: unknown[],
  call: (item: unknown, position: number) => Promise<TaskActivityResult>,
  succeed: (position: number, result: TaskActivityResult) => void,
  fail: (position: number, error: unknown) => void,
): Promise<void> {
  await Promise.all(
    items.map(async (item, position) => {
      try {
        const result = await call(item, position);
        succeed(position, result);
      } catch (error) {
        fail(position, error);
      }
    }),
  );
}

export function pendingInstances(count: number, offset: number): MapInstanceState[] {
  return Array.from({ length: count }, (_, i) => ({ index: offset + i, state: 'running' as const, attempts: 0, error: null }));
}
