/**
 * The hand-written Temporal baselines: the same number of no-op activities in the same shapes
 * as the Weir DAGs they are compared with, with nothing else around them. Bundled on their own
 * with bundleWorkflowCode; deterministic code only.
 */
import { condition, continueAsNew, executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
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

// The scale DAGs' settings (test/dags-scale/): timeout 1m, 3 retries 1 s apart.
const { noop: scaleNoop } = proxyActivities<BaselineActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 4, initialInterval: '1 second', backoffCoefficient: 2 },
});

/** One child workflow's share of a split fan-out: all its activities at once. */
export async function rawFanOutBatch(tasks: number): Promise<number> {
  await Promise.all(Array.from({ length: tasks }, () => scaleNoop()));
  return tasks;
}

/**
 * `total` activities in child workflows of `batchSize`, all children at once, the way Weir runs
 * a mapped task larger than its batch size.
 */
export async function rawSplitFanOut(total: number, batchSize: number): Promise<number> {
  const { workflowId } = workflowInfo();
  const batches = Math.ceil(total / batchSize);
  await Promise.all(
    Array.from({ length: batches }, (_, batch) =>
      executeChild(rawFanOutBatch, { args: [Math.min(batchSize, total - batch * batchSize)], workflowId: `${workflowId}--batch-${batch}` }),
    ),
  );
  return total;
}

/** One activity per task id, each started once the tasks it needs have finished, like a static Weir DAG. */
export async function rawGraph(needs: Record<string, string[]>): Promise<number> {
  const finished = new Map<string, Promise<unknown>>();
  const finish = (id: string): Promise<unknown> => {
    let done = finished.get(id);
    if (!done) {
      done = Promise.all((needs[id] ?? []).map(finish)).then(() => scaleNoop());
      finished.set(id, done);
    }
    return done;
  };
  await Promise.all(Object.keys(needs).map(finish));
  return finished.size;
}

/**
 * The same as `rawGraph` for graphs too large for one history: activities start while the
 * history has room for what they may add (6 events each), then the workflow waits for those
 * running and continues as new with the ids already finished. The split Weir makes for a
 * large static DAG, written by hand.
 */
export async function rawGraphContinued(needs: Record<string, string[]>, done: string[], maxEvents: number): Promise<number> {
  const ids = Object.keys(needs);
  const finished = new Set(done);
  const running = new Set<string>();
  let changed = false;
  for (;;) {
    let full = false;
    for (const id of ids) {
      if (finished.has(id) || running.has(id) || !(needs[id] ?? []).every((need) => finished.has(need))) continue;
      if (workflowInfo().historyLength + (running.size + 1) * 6 + 20 > maxEvents) {
        full = true;
        break;
      }
      running.add(id);
      void scaleNoop().then(() => {
        running.delete(id);
        finished.add(id);
        changed = true;
      });
    }
    if (finished.size === ids.length) return ids.length;
    if (full && running.size === 0) await continueAsNew<typeof rawGraphContinued>(needs, [...finished], maxEvents);
    await condition(() => changed);
    changed = false;
  }
}
