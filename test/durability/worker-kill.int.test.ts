import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { triggerRun, waitForRun } from '../../control/runs.ts';
import { getModel } from '../../registry/index.ts';
import { startTestWorker, type TestWorker } from '../harness.ts';
import { testStack } from '../stack.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const DAGS = path.join(REPO, 'test', 'dags-durability');

function startWorkerProcess(taskQueue: string, artifactRoot: string): Promise<ChildProcess> {
  const stack = testStack();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'test', 'worker-process.ts')], {
    cwd: REPO,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      DATABASE_URL: stack.databaseUrl,
      WEIR_TASK_QUEUE: taskQueue,
      WEIR_DAGS_DIR: DAGS,
      WEIR_ARTIFACT_ROOT: artifactRoot,
      WEIR_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('READY')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`worker process exited with ${code}: ${stderr.slice(-2000)}`)));
  });
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a worker killed in the middle of a model registration', () => {
  let replacement: TestWorker | undefined;
  const savedArtifactRoot = process.env.WEIR_ARTIFACT_ROOT;
  afterAll(async () => {
    await replacement?.shutdown();
    if (savedArtifactRoot === undefined) delete process.env.WEIR_ARTIFACT_ROOT;
    else process.env.WEIR_ARTIFACT_ROOT = savedArtifactRoot;
  });

  it('the run completes on a new worker and exactly one model version exists', async () => {
    const taskQueue = `crash-${randomUUID().slice(0, 8)}`;
    const artifactRoot = await mkdtemp(path.join(os.tmpdir(), 'weir-crash-'));
    const committedMarker = path.join(artifactRoot, 'committed.json');
    const model = `crash_model_${randomUUID().slice(0, 8)}`;
    const doomed = await startWorkerProcess(taskQueue, artifactRoot);

    process.env.WEIR_ARTIFACT_ROOT = artifactRoot;
    replacement = await startTestWorker({ dagsDir: DAGS, taskQueue: `${taskQueue}-idle` });
    const runId = await triggerRun(replacement.client, { dagId: 'crash_register', params: { model, committedMarker }, taskQueue });
    await until(() => existsSync(committedMarker), 'the first attempt to commit its registration');
    doomed.kill('SIGKILL');
    await new Promise((resolve) => doomed.once('exit', resolve));
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
