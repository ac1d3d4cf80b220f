import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerRun } from '../../control/runs.ts';
import { TASK_OUTPUTS_QUERY, type RunSnapshot } from '../../plan/types.ts';
import type { TimedOutput } from './dags/_timed.ts';
import { startTestWorker, type TestWorker } from '../harness.ts';
import { maxOverlap } from './overlap.ts';

const LOAD_DAGS = fileURLToPath(new URL('./dags/', import.meta.url));

/** Runs a DAG to the end (awaiting the workflow's result) and returns its timed task outputs. */
async function runTimed(weir: TestWorker, dagId: string): Promise<{ snapshot: RunSnapshot; outputs: Record<string, TimedOutput> }> {
  const runId = await triggerRun(weir.client, { dagId, params: {}, taskQueue: weir.taskQueue });
  const handle = weir.client.workflow.getHandle(runId);
  const snapshot = (await handle.result()) as RunSnapshot;
  return { snapshot, outputs: await handle.query<Record<string, TimedOutput>>(TASK_OUTPUTS_QUERY) };
}

function outputsStartingWith(outputs: Record<string, TimedOutput>, prefix: string): TimedOutput[] {
  return Object.entries(outputs)
    .filter(([taskId]) => taskId.startsWith(prefix))
    .map(([, output]) => output);
}

describe('a pool (WEIR_POOLS="narrow=2") under load', () => {
  let weir: TestWorker;
  beforeAll(async () => {
    weir = await startTestWorker({ dagsDir: LOAD_DAGS, pools: [{ name: 'narrow', maxConcurrentActivities: 2 }] });
  });
  afterAll(async () => {
    await weir?.shutdown();
  });

  it('serves the pool with an activity-only worker of its own', async () => {
    expect(weir.poolWorkers.map((p) => [p.pool, p.worker.options.taskQueue])).toEqual([[{ name: 'narrow', maxConcurrentActivities: 2 }, 'narrow']]);
    const pollers = async (taskQueueType: number) =>
      (await weir.client.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: 'narrow' }, taskQueueType })).pollers ?? [];
    // TASK_QUEUE_TYPE_ACTIVITY = 2: the pool worker polls it (the first poll may take a moment).
    await expect.poll(async () => (await pollers(2)).length, { timeout: 30_000 }).toBeGreaterThan(0);
    // TASK_QUEUE_TYPE_WORKFLOW = 1: nobody runs workflow code there.
    expect(await pollers(1)).toEqual([]);
  });

  it('never runs more than 2 of 12 ready pool tasks at once, while the default queue runs freely', async () => {
    const { snapshot, outputs } = await runTimed(weir, 'pooled');
    expect(snapshot.status).toBe('success');
    expect(snapshot.tasks.filter((task) => task.state === 'success')).toHaveLength(18);

    const narrow = outputsStartingWith(outputs, 'narrow_');
    expect(narrow).toHaveLength(12);
    expect(new Set(narrow.map((output) => output.queue))).toEqual(new Set(['narrow']));
    expect(maxOverlap(narrow)).toBeLessThanOrEqual(2);

    const free = outputsStartingWith(outputs, 'free_');
    expect(free).toHaveLength(6);
    expect(new Set(free.map((output) => output.queue))).toEqual(new Set([weir.taskQueue]));
    // All six are ready at the start and the main queue allows 100: the pool's limit is not theirs
    // (they hold their slots until all six run, or a minute passed).
    expect(maxOverlap(free)).toBeGreaterThan(2);
  });
});

describe('the worker-wide limit (WEIR_MAX_CONCURRENT_ACTIVITIES=3) under load', () => {
  let weir: TestWorker;
  beforeAll(async () => {
    weir = await startTestWorker({ dagsDir: LOAD_DAGS, maxConcurrentActivities: 3 });
  });
  afterAll(async () => {
    await weir?.shutdown();
  });

  it('never runs more than 3 of 9 ready tasks at once', async () => {
    const { snapshot, outputs } = await runTimed(weir, 'nine_wide');
    expect(snapshot.status).toBe('success');
    const tasks = Object.values(outputs);
    expect(tasks).toHaveLength(9);
    expect(maxOverlap(tasks)).toBeLessThanOrEqual(3);
  });
});
