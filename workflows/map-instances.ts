import { isCancellation } from '@temporalio/workflow';
import type { EmittedEvent, MapInstanceState, PlanTask, TaskActivityInput } from '../plan/types.ts';
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
 * Runs every item of a slice as its own activity, all at once, and reports each instance's
 * state as it settles so a live query shows progress.
 */
export async function runMapSlice(slice: MapSlice, instances: MapInstanceState[], outputs: unknown[], onEvents: (events: EmittedEvent[]) => void): Promise<void> {
  await Promise.all(
    slice.items.map(async (item, position) => {
      const instance = instances[position] as MapInstanceState;
      try {
        const result = await callTaskActivity(slice.task, { ...slice.base, mapIndex: slice.offset + position, mapItem: item });
        Object.assign(instance, { state: 'success', attempts: result.attempt });
        outputs[position] = result.output;
        if (result.events) onEvents(result.events);
      } catch (error) {
        const failure = describeTaskFailure(error, slice.task);
        Object.assign(instance, { state: isCancellation(error) ? 'cancelled' : 'failed', attempts: failure.attempts, error: failure.message });
      }
    }),
  );
}

export function pendingInstances(count: number, offset: number): MapInstanceState[] {
  return Array.from({ length: count }, (_, i) => ({ index: offset + i, state: 'running' as const, attempts: 0, error: null }));
}
