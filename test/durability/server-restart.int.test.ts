import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { getRunSnapshot, triggerRun } from '../../control/runs.ts';
import { isPortFree } from '../../infra/ports.ts';
import type { RunSnapshot } from '../../plan/types.ts';
import { replayHistoriesOf, startTestWorker, type TestWorker } from '../harness.ts';
import { until } from './polling.ts';
import { privateStack, type PrivateStack } from './private-stack.ts';

const DAGS = fileURLToPath(new URL('../dags-durability/', import.meta.url));

function progress(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((line) => line !== '') : [];
}

/** Polls the run until it ends; errors while the server is away or just back are expected. */
async function finalSnapshot(client: Client, runId: string): Promise<RunSnapshot> {
  let lastError: unknown;
  for (let i = 0; i < 1200; i++) {
    try {
      const snapshot = await getRunSnapshot(client, runId);
      if (snapshot.status !== 'running') return snapshot;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`run ${runId} did not end; last error: ${String(lastError)}`);
}

describe('the Temporal server restarts in the middle of a run', () => {
  let stack: PrivateStack | undefined;
  let weir: TestWorker | undefined;

  afterAll(async () => {
    await weir?.shutdown();
    await stack?.dispose();
  });

  it('the worker reconnects by itself and every task succeeds', async () => {
    stack = await privateStack('weir-server-restart-');
    const server = await stack.startTemporal();
    const taskQueue = `restart-${randomUUID().slice(0, 8)}`;
    weir = await startTestWorker({ dagsDir: DAGS, taskQueue, temporalAddress: server.address, replay: false });
    const client = weir.client;

    const progressFile = path.join(stack.dir, 'progress.txt');
    const runId = await triggerRun(client, { dagId: 'steady_steps', params: { taskMs: 4000, progressFile }, taskQueue });

    // Down while b and c run, and long enough that both finish their work with no server to tell.
    await until(() => progress(progressFile).includes('b start 1') && progress(progressFile).includes('c start 1'), 'tasks b and c to start');
    await server.stop();
    expect(await isPortFree(server.port)).toBe(true);
    await until(() => progress(progressFile).includes('b done 1') && progress(progressFile).includes('c done 1'), 'b and c to finish while the server is down');
    expect(weir.worker.getState()).toBe('RUNNING');

    await server.start();
    const done = await finalSnapshot(client, runId);

    // A worker whose run() failed would be FAILED or STOPPED here.
    expect(weir.worker.getState()).toBe('RUNNING');
    expect(done.status).toBe('success');
    expect(Object.fromEntries(done.tasks.map((task) => [task.id, task.state]))).toEqual({ a: 'success', b: 'success', c: 'success', d: 'success' });
    // The workflow lived through the restart on the same SQLite file: one history, and d ran once.
    const lines = progress(progressFile);
    expect(lines.filter((line) => line.startsWith('d done'))).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith('a done'))).toEqual(['a done 1']);
    const history = await client.workflow.getHandle(runId).fetchHistory();
    expect(history.events?.length ?? 0).toBeGreaterThan(0);
    expect(await replayHistoriesOf(client, taskQueue)).toBe(1);
  });
});
