/**
 * The hand-written Temporal baseline for the orchestration benchmark: the same number of no-op
 * activities in the same shapes as the generated Weir DAGs, with nothing else around them.
 * Bundled on its own with bundleWorkflowCode; deterministic code only.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { BaselineActivities } from './baseline-activities.ts';

// The same timeout and retry settings Weir derives for a task with default options.
const { noop } = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '1 hour',
  retry: { maximumAttempts: 1 },
});

/** One activity after another, like a Weir chain. */
export async function rawChain(tasks: number): Promise<number> {
  for (let i = 0; i < tasks; i++) await noop();
  return tasks;
}

/** Every activity at once, like a Weir DAG of independent tasks. */
export async function rawFanOut(tasks: number): Promise<number> {
  await Promise.all(Array.from({ length: tasks }, () => noop()));
  return tasks;
}
