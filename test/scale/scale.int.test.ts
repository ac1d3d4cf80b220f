import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRunSnapshot, triggerRun, waitForRun } from '../../control/runs.ts';
import { startTestWorker, type TestWorker } from '../harness.ts';

const DAGS = fileURLToPath(new URL('../dags-scale/', import.meta.url));
/** Temporal warns at 10,240 events per history and stops a workflow at 51,200. */
const HISTORY_WARNING = 10_240;

let weir: TestWorker;
beforeAll(async () => {
  weir = await startTestWorker({ dagsDir: DAGS });
});
afterAll(async () => {
  await weir?.shutdown();
});

async function historyLength(workflowId: string): Promise<number> {
  return (await weir.client.workflow.getHandle(workflowId).fetchHistory()).events?.length ?? 0;
}

describe('scale', () => {
  it('runs a dynamic fan-out of 10,000 with every history under the warning size', async () => {
    const runId = await triggerRun(weir.client, { dagId: 'fanout_10k', params: {}, taskQueue: weir.taskQueue });
    const done = await waitForRun(weir.client, runId, () => {}, 2000);
    expect(done.status).toBe('success');
    const work = done.tasks.find((t) => t.id === 'work');
    expect(work?.instances).toHaveLength(10_000);
    expect(work?.instances?.filter((i) => i.state === 'success')).toHaveLength(10_000);
    const outputs = await weir.client.workflow.getHandle(runId).query<Record<string, unknown>>('weir.taskOutputs');
    expect(outputs.sum).toBe(Array.from({ length: 10_000 }, (_, i) => i % 7).reduce((a, b) => a + b, 0));
    expect(await historyLength(runId)).toBeLessThan(HISTORY_WARNING);
    let children = 0;
    for await (const child of weir.client.workflow.list({ query: `ParentWorkflowId = '${runId}'` })) {
      children++;
      expect(await historyLength(child.workflowId)).toBeLessThan(HISTORY_WARNING);
    }
    expect(children).toBe(20);
    console.log(`fan-out 10k: peak RSS of the test process ${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`);
  }, 1_200_000);

  it('runs a static DAG of 2,000 tasks and shows every task', async () => {
    const runId = await triggerRun(weir.client, { dagId: 'static_2000', params: {}, taskQueue: weir.taskQueue });
    const done = await waitForRun(weir.client, runId, () => {}, 2000);
    expect(done.status).toBe('success');
    expect(done.tasks).toHaveLength(2000);
    expect(done.tasks.every((t) => t.state === 'success')).toBe(true);
    expect((await getRunSnapshot(weir.client, runId)).tasks).toHaveLength(2000);
    const events = await historyLength(runId);
    console.log(`static 2,000: ${events} history events`);
    expect(events).toBeLessThan(51_200);
  }, 1_200_000);
});
