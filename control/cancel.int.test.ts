import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWorker, type TestWorker } from '../test/harness.ts';
import { cancelRun, RunClosedError, RunNotFoundError, triggerRun, waitForRun } from './runs.ts';

let weir: TestWorker;

beforeAll(async () => {
  weir = await startTestWorker();
});
afterAll(async () => {
  await weir?.shutdown();
});

describe('weir runs cancel, in every state of a run', () => {
  it('cancels a running run, which handles the request itself', async () => {
    const runId = await triggerRun(weir.client, { dagId: 'slow', params: {}, taskQueue: weir.taskQueue });
    await expect(cancelRun(weir.client, runId)).resolves.toBe('cancelled');
    expect((await weir.client.workflow.getHandle(runId).describe()).status.name).toBe('CANCELLED');
  });

  it('ends a run whose preparation keeps failing, so it never acts on the request', async () => {
    // A logical date that is no date: prepareRun throws, and is retried again and again.
    const runId = `doomed-prep-${Date.now()}`;
    await weir.client.workflow.start('diamond', { workflowId: runId, taskQueue: weir.taskQueue, args: [{}, { logicalDate: { not: 'a date' } }] });
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
