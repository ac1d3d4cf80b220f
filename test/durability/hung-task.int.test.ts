import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerRun, waitForRun } from '../../control/runs.ts';
import type { RunSnapshot } from '../../plan/types.ts';
import { startTestWorker, type TestWorker } from '../harness.ts';

const DAGS = fileURLToPath(new URL('../dags-durability/', import.meta.url));

describe('tasks that hang', () => {
  let weir: TestWorker;
  let dir: string;
  let done: RunSnapshot;
  let progress: string[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'weir-hung-'));
    weir = await startTestWorker({ dagsDir: DAGS });
    const progressFile = path.join(dir, 'progress.txt');
    const runId = await triggerRun(weir.client, { dagId: 'hung_tasks', params: { progressFile }, taskQueue: weir.taskQueue });
    done = await waitForRun(weir.client, runId);
    // Closed for good: nothing is still retrying behind the snapshot.
    await weir.client.workflow.getHandle(runId).result().catch(() => undefined);
    progress = (await readFile(progressFile, 'utf8')).split('\n').filter((line) => line !== '');
  });

  afterAll(async () => {
    await weir?.shutdown();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const task = (id: string) => done.tasks.find((t) => t.id === id);
  const attemptsLogged = (id: string) => progress.filter((line) => line.startsWith(`${id} `)).map((line) => Number(line.split(' ')[1]));

  it('fails the run, since two tasks never finish', () => {
    expect(done.status).toBe('failed');
  });

  it('a task that never heartbeats is timed out by its heartbeat timeout and retried once, then fails', () => {
    expect(task('silent_always')).toMatchObject({ state: 'failed', attempts: 2 });
    expect(task('silent_always')?.error).toMatch(/timed out \(heartbeat\)/);
    expect(attemptsLogged('silent_always')).toEqual([1, 2]);
  });

  it('a task that hangs without heartbeating only once succeeds on its retry', () => {
    expect(task('silent_once')).toMatchObject({ state: 'success', attempts: 2 });
    expect(attemptsLogged('silent_once')).toEqual([1, 2]);
  });

  it('a task without a heartbeat timeout is stopped by its start-to-close timeout and retried once, then fails', () => {
    expect(task('slow_always')).toMatchObject({ state: 'failed', attempts: 2 });
    expect(task('slow_always')?.error).toMatch(/timed out \(start-to-close\)/);
    expect(attemptsLogged('slow_always')).toEqual([1, 2]);
  });

  it('a task that overruns its start-to-close timeout only once succeeds on its retry', () => {
    expect(task('slow_once')).toMatchObject({ state: 'success', attempts: 2 });
    expect(attemptsLogged('slow_once')).toEqual([1, 2]);
  });
});
