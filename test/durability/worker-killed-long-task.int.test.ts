import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { triggerRun, waitForRun } from '../../control/runs.ts';
import type { PidRecord } from '../../ops/training/pid-files.ts';
import { livingGroupMembers } from '../../ops/training/process-group.ts';
import { getModel } from '../../registry/index.ts';
import { startTestWorker, type TestWorker } from '../harness.ts';
import { testStack } from '../stack.ts';
import { killWorkerProcess, startWorkerProcess } from '../worker-process-launcher.ts';
import type { StepProgress } from '../dags-durability/resume_from_heartbeat.ts';
import { until } from './polling.ts';
import { privateStack, type PrivateStack } from './private-stack.ts';

const DAGS = fileURLToPath(new URL('../dags-durability/', import.meta.url));

/** `<attempt> <step>` lines the resume_from_heartbeat task writes after each finished step. */
function progressLines(file: string): Array<{ attempt: number; step: number }> {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [attempt, step] = line.split(' ').map(Number);
      return { attempt: attempt ?? NaN, step: step ?? NaN };
    });
}

describe('a worker killed with SIGKILL while a long task runs', () => {
  let client: Client;
  let connection: Connection;
  let doomed: ChildProcess | undefined;
  let replacement: TestWorker | undefined;
  const jobGroups: number[] = [];
  let stack: PrivateStack;
  let artifactRoot: string;

  beforeAll(async () => {
    connection = await Connection.connect({ address: testStack().temporalAddress });
    client = new Client({ connection, namespace: 'default' });
    stack = await privateStack('weir-long-task-');
    artifactRoot = stack.artifactRoot;
  });

  afterEach(async () => {
    if (doomed) await killWorkerProcess(doomed);
    doomed = undefined;
    await replacement?.shutdown();
    replacement = undefined;
    // Only if a test failed half-way: never leave a training job of ours running.
    for (const pgid of jobGroups.splice(0)) {
      if ((await livingGroupMembers(pgid)).length > 0) process.kill(-pgid, 'SIGKILL');
    }
  });

  afterAll(async () => {
    await connection?.close();
    await stack?.dispose();
  });

  it('a heartbeating task is retried on a new worker and resumes from its last heartbeat details', async () => {
    const taskQueue = `long-hb-${randomUUID().slice(0, 8)}`;
    const progressFile = path.join(artifactRoot, `progress-${taskQueue}.txt`);
    const steps = 16;
    doomed = await startWorkerProcess({ taskQueue, dagsDir: DAGS, artifactRoot });
    const runId = await triggerRun(client, { dagId: 'resume_from_heartbeat', params: { steps, stepMs: 500, progressFile }, taskQueue });

    // Several steps in, so at least one throttled heartbeat with details reached the server.
    await until(() => progressLines(progressFile).filter((line) => line.attempt === 1).length >= 6, 'the first attempt to finish six steps');
    await killWorkerProcess(doomed);
    doomed = undefined;
    const lastStepOfFirstAttempt = Math.max(...progressLines(progressFile).map((line) => line.step));
    expect(lastStepOfFirstAttempt).toBeLessThan(steps - 1);

    replacement = await startTestWorker({ dagsDir: DAGS, taskQueue });
    const done = await waitForRun(client, runId);
    expect(done.status).toBe('success');
    const count = done.tasks.find((task) => task.id === 'count');
    expect(count).toMatchObject({ state: 'success', attempts: 2 });

    const outputs = await client.workflow.getHandle(runId).query<{ count: { attempt: number; resumedFrom: number; resumedWith: StepProgress | null } }>('weir.taskOutputs');
    const { resumedFrom, resumedWith } = outputs.count;
    expect(outputs.count.attempt).toBe(2);
    // The retry saw the details of a heartbeat the dead attempt sent, and did not start over...
    expect(resumedWith).not.toBeNull();
    expect(resumedFrom).toBeGreaterThan(0);
    expect(resumedFrom).toBe((resumedWith?.done ?? NaN) + 1);
    // ...nor skip a step the dead attempt never finished.
    expect(resumedFrom).toBeLessThanOrEqual(lastStepOfFirstAttempt + 1);

    const lines = progressLines(progressFile);
    const second = lines.filter((line) => line.attempt === 2).map((line) => line.step);
    expect(second).toEqual(Array.from({ length: steps - resumedFrom }, (_, i) => resumedFrom + i));
    const covered = new Set(lines.map((line) => line.step));
    expect([...covered].sort((a, b) => a - b)).toEqual(Array.from({ length: steps }, (_, i) => i));
  });

  it('a training job is run again on a new worker, its orphaned process group is killed, and one model version is registered', async () => {
    const taskQueue = `long-train-${randomUUID().slice(0, 8)}`;
    const model = `long_train_${randomUUID().slice(0, 8)}`;
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'weir-train-jobs-'));
    await chmod(stateDir, 0o755);
    doomed = await startWorkerProcess({ taskQueue, dagsDir: DAGS, artifactRoot });
    const runId = await triggerRun(client, { dagId: 'train_then_register', params: { model, stateDir, firstAttemptSleepSeconds: 600 }, taskQueue });

    const firstJob = await until(async () => {
      const files = existsSync(stateDir) ? readdirSync(stateDir).filter((name) => name.endsWith('.pid.json')) : [];
      if (files.length !== 1) return null;
      const record = JSON.parse(await readFile(path.join(stateDir, files[0] as string), 'utf8')) as PidRecord;
      return { record, file: files[0] as string };
    }, 'the first training attempt to record its pid');
    jobGroups.push(firstJob.record.pid);
    expect(firstJob.record.attempt).toBe(1);

    await killWorkerProcess(doomed);
    doomed = undefined;
    // The job runs in its own process group: the worker's death alone does not stop it.
    expect((await livingGroupMembers(firstJob.record.pid)).length).toBeGreaterThan(0);

    replacement = await startTestWorker({ dagsDir: DAGS, taskQueue });
    const done = await waitForRun(client, runId);
    expect(done.status).toBe('success');
    const trainTask = done.tasks.find((task) => task.id === 'train');
    expect(trainTask).toMatchObject({ state: 'success', attempts: 2 });
    expect(done.tasks.find((task) => task.id === 'register')).toMatchObject({ state: 'success', attempts: 1 });

    // The retry killed what the dead attempt left running: the whole group, shell and sleep.
    expect(await livingGroupMembers(firstJob.record.pid)).toEqual([]);
    // And cleaned up after itself: no pid file left for either attempt.
    expect((await readdir(stateDir)).filter((name) => name.endsWith('.pid.json'))).toEqual([]);

    const outputs = await client.workflow.getHandle(runId).query<{ train: { modelUri: string; logUri: string }; register: { version: number; created: boolean } }>(
      'weir.taskOutputs',
    );
    expect(outputs.train.modelUri).toMatch(/\/attempt-2\/output\/model\.bin$/);
    expect(await readFile(fileURLToPath(outputs.train.modelUri), 'utf8')).toMatch(/-a2\n$/);
    // The first attempt did start its job, and wrote no model: it never finished.
    const firstAttemptLog = outputs.train.logUri.replace('/attempt-2/', '/attempt-1/');
    expect(existsSync(fileURLToPath(firstAttemptLog))).toBe(true);
    expect(existsSync(fileURLToPath(outputs.train.modelUri.replace('/attempt-2/', '/attempt-1/')))).toBe(false);

    const details = await getModel(replacement.db, model);
    expect(details.versions).toHaveLength(1);
    expect(details.versions[0]).toMatchObject({ version: outputs.register.version });
    expect(outputs.register.created).toBe(true);
    await rm(stateDir, { recursive: true, force: true });
  });
});
