import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { triggerRun, waitForRun } from '../../control/runs.ts';
import { getModel } from '../../registry/index.ts';
import { startTestWorker, type TestWorker } from '../harness.ts';
import { killWorkerProcess, startWorkerProcess } from '../worker-process-launcher.ts';
import { until } from './polling.ts';
import { privateStack, type PrivateStack } from './private-stack.ts';

const DAGS = fileURLToPath(new URL('../dags-durability/', import.meta.url));

describe('a worker killed in the middle of a model registration', () => {
  let stack: PrivateStack | undefined;
  let replacement: TestWorker | undefined;
  afterAll(async () => {
    await replacement?.shutdown();
    await stack?.dispose();
  });

  it('the run completes on a new worker and exactly one model version exists', async () => {
    const taskQueue = `crash-${randomUUID().slice(0, 8)}`;
    stack = await privateStack('weir-crash-');
    const committedMarker = path.join(stack.artifactRoot, 'committed.json');
    const model = `crash_model_${randomUUID().slice(0, 8)}`;
    const doomed = await startWorkerProcess({ taskQueue, dagsDir: DAGS, artifactRoot: stack.artifactRoot });

    replacement = await startTestWorker({ dagsDir: DAGS, taskQueue: `${taskQueue}-idle` });
    const runId = await triggerRun(replacement.client, { dagId: 'crash_register', params: { model, committedMarker }, taskQueue });
    await until(() => existsSync(committedMarker), 'the first attempt to commit its registration', 600);
    await killWorkerProcess(doomed);
    await replacement.shutdown();
    replacement = await startTestWorker({ dagsDir: DAGS, taskQueue });

    const done = await waitForRun(replacement.client, runId);
    expect(done.status).toBe('success');
    const register = done.tasks.find((task) => task.id === 'register');
    expect(register?.attempts).toBe(2);
    const details = await getModel(replacement.db, model);
    expect(details.versions).toHaveLength(1);
    const outputs = await replacement.client.workflow.getHandle(runId).query<Record<string, { version: number; created: boolean }>>('weir.taskOutputs');
    expect(outputs.register).toMatchObject({ version: details.versions[0]?.version, created: false });
  });
});
