import type { EmittedEvent } from '../plan/types.ts';
import { pendingInstances, runMapSlice, type MapSlice, type MapSliceResult } from './map-instances.ts';

/** Workflow type of the child that runs one batch of a large fan-out. */
export const MAP_BATCH_WORKFLOW = 'weirMapBatch';

/**
 * One batch of a large mapped task, as a child workflow: each child keeps its own history
 * small, so a fan-out of tens of thousands stays under Temporal's history limits.
 */
export async function weirMapBatch(slice: MapSlice): Promise<MapSliceResult> {
  const instances = pendingInstances(slice.items.length, slice.offset);
  const outputs: unknown[] = new Array(slice.items.length).fill(null);
  const events: EmittedEvent[] = [];
  await runMapSlice(slice, instances, outputs, (emitted) => events.push(...emitted));
  return { instances, outputs, events };
}
