import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWorker, type TestWorker } from '../test/harness.ts';
import { cancelRun, getRunSnapshot, RunClosedError, RunNotFoundError, triggerRun, waitForRun } from './runs.ts';

let weir: TestWorker;

beforeAll(async () => {
  weir = await startTestWorker();
});
afterAll(async () => {
  await weir?.shutdown();
});

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 600; tries++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/**
 * A worker has picked up the run's first workflow task. A cancellation sent before that is part
 * of the run's very first activation, so the run meets it before it starts anything, whatever
 * the test meant to cancel; sent after, it reaches the run where the test put it.
 */
async function firstWorkflowTaskStarted(runId: string): Promise<void> {
  await until(`a worker to pick up ${runId}`, async () => {
    const history = await weir.client.workflow.getHandle(runId).fetchHistory();
    return (history.events ?? []).some((event) => event.workflowTaskStartedEventAttributes);
  });
}

describe('weir runs cancel, in every state of a run', () => {
  it('cancels a running run, which handles the request itself', async () => {
    const runId = await triggerRun(weir.client, { dagId: 'slow', params: {}, taskQueue: weir.taskQueue });
    await until('the slow tasks to run', async () => (await getRunSnapshot(weir.client, runId)).tasks.some((task) => task.state === 'running'));
    await expect(cancelRun(weir.client, runId)).resolves.toBe('cancelled');
    expect((await weir.client.workflow.getHandle(runId).describe()).status.name).toBe('CANCELLED');
  });

  it('ends a run whose preparation keeps failing, so it never acts on the request', async () => {
    // A logical date that is no date: prepareRun throws, and is retried again and again.
    const runId = `doomed-prep-${Date.now()}`;
    // The worker retries the failing local activity inside the run's first workflow task and
    // extends that task at 80% of its timeout (10 s by default); only then could the run see the
    // request, well after the 3 s grace. A longer task timeout would keep the retries going past
    // the worker's shutdown, which the SDK refuses ("Worker still in use").
    await weir.client.workflow.start('diamond', { workflowId: runId, taskQueue: weir.taskQueue, args: [{}, { logicalDate: { not: 'a date' } }] });
    await firstWorkflowTaskStarted(runId);
    await expect(cancelRun(weir.client, runId, { graceMs: 3000 })).resolves.toBe('terminated');
    expect((await weir.client.workflow.getHandle(runId).describe()).status.name).toBe('TERMINATED');
  });

  it('ends a run that no worker serves', async () => {
    const runId = await triggerRun(weir.client, { dagId: 'diamond', params: {}, taskQueue: `${weir.taskQueue}-nobody` });
    await expect(cancelRun(weir.client, runId, { graceMs: 1000 })).resolves.toBe('terminated');
    expect((await weir.client.workflow.getHandle(runId).describe()).status.name).toBe('TERMINATED');
  });

  it('refuses a closed run, saying it is closed', async () => {
    const runId = await triggerRun(weir.client, { dagId: 'diamond', params: {}, taskQueue: weir.taskQueue });
    expect((await waitForRun(weir.client, runId, () => {}, 200)).status).toBe('success');
    const attempt = cancelRun(weir.client, runId);
    await expect(attempt).rejects.toBeInstanceOf(RunClosedError);
    await expect(attempt).rejects.toMatchObject({ runId, status: 'success', message: `run ${runId} is already closed (success); there is nothing to cancel` });
  });

  it('names a run that does not exist', async () => {
    await expect(cancelRun(weir.client, 'no-such-run')).rejects.toBeInstanceOf(RunNotFoundError);
  });
});
