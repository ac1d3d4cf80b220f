import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { getRunSnapshot, triggerRun } from '../../control/runs.ts';
import { createDb } from '../../db/index.ts';
import type { Database } from '../../db/schema.ts';
import { freePort, isPortFree } from '../../infra/ports.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../../infra/temporal-dev-server.ts';
import type { RunSnapshot } from '../../plan/types.ts';
import { createWeirWorker, type WeirWorker } from '../../worker/create-worker.ts';
import { replayHistoriesOf } from '../harness.ts';
import { testStack } from '../stack.ts';

const DAGS = fileURLToPath(new URL('../dags-durability/', import.meta.url));

async function until<T>(probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, what: string, tries = 1200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

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
  let server: TemporalDevServer | undefined;
  let stateDir: string | undefined;
  let clientConnection: Connection | undefined;
  let workerConnection: NativeConnection | undefined;
  let db: Kysely<Database> | undefined;
  const workers: Array<{ weir: WeirWorker; running: Promise<void> }> = [];
  const savedArtifactRoot = process.env.WEIR_ARTIFACT_ROOT;

  afterAll(async () => {
    for (const { weir, running } of workers) {
      if (weir.worker.getState() === 'RUNNING') weir.worker.shutdown();
      await running.catch(() => {});
    }
    await workerConnection?.close().catch(() => {});
    await clientConnection?.close().catch(() => {});
    await server?.stop();
    await db?.destroy();
    if (savedArtifactRoot === undefined) delete process.env.WEIR_ARTIFACT_ROOT;
    else process.env.WEIR_ARTIFACT_ROOT = savedArtifactRoot;
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('the worker reconnects by itself and every task succeeds', async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'weir-server-restart-'));
    process.env.WEIR_ARTIFACT_ROOT = path.join(stateDir, 'artifacts');
    const dbFile = path.join(stateDir, 'temporal.db');
    const port = await freePort();
    const start = () => startTemporalDevServer({ binary: testStack().temporalBin, dbFile, headless: true, port, logFile: path.join(stateDir as string, 'temporal.log') });
    server = await start();

    clientConnection = await Connection.connect({ address: server.address });
    const client = new Client({ connection: clientConnection, namespace: 'default' });
    workerConnection = await NativeConnection.connect({ address: server.address });
    db = createDb(testStack().databaseUrl);
    const taskQueue = `restart-${randomUUID().slice(0, 8)}`;
    const weir = await createWeirWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue,
      dagsDir: DAGS,
      db,
      workflowBundlePath: inject('workflowBundlePath'),
      log: () => {},
    });
    let workerError: unknown;
    const running = weir.worker.run().catch((error: unknown) => {
      workerError = error;
    });
    workers.push({ weir, running });

    const progressFile = path.join(stateDir, 'progress.txt');
    const runId = await triggerRun(client, { dagId: 'steady_steps', params: { taskMs: 4000, progressFile }, taskQueue });

    // Down while b and c run, and long enough that both finish their work with no server to tell.
    await until(() => progress(progressFile).includes('b start 1') && progress(progressFile).includes('c start 1'), 'tasks b and c to start');
    await server.stop();
    expect(await isPortFree(port)).toBe(true);
    await until(() => progress(progressFile).includes('b done 1') && progress(progressFile).includes('c done 1'), 'b and c to finish while the server is down');
    expect(weir.worker.getState()).toBe('RUNNING');

    server = await start();
    const done = await finalSnapshot(client, runId);

    expect(workerError).toBeUndefined();
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
