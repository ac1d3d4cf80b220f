import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { triggerRun, waitForRun } from '../control/runs.ts';
import { startTestWorker } from '../test/harness.ts';
import { testStack } from '../test/stack.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WEIR = path.join(REPO, 'bin', 'weir.mjs');
const DAGS = path.join(REPO, 'cli', 'fixtures', 'shutdown-dags');

interface WorkerChild {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The real `weir worker` command in its own process, on the shared test stack. */
async function startWeirWorker(taskQueue: string, grace: string): Promise<WorkerChild> {
  const { temporalAddress, databaseUrl } = testStack();
  const child = spawn(process.execPath, [WEIR, '--dags', DAGS, 'worker'], {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, WEIR_TASK_QUEUE: taskQueue, WEIR_SHUTDOWN_GRACE: grace },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const worker = { child, output: () => output, exited };
  await until(() => output.includes('worker serving') || child.exitCode !== null, `weir worker to start:\n${output}`);
  if (child.exitCode !== null) throw new Error(`weir worker exited early:\n${output}`);
  return worker;
}

async function until(check: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  for (const started = Date.now(); !check(); await sleep(100)) {
    if (Date.now() - started > timeoutMs) throw new Error(`gave up waiting for ${what}`);
  }
}

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function markerDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'weir-shutdown-'));
  dirs.push(dir);
  return dir;
}

/** Finishes the run on a fresh worker and returns how many attempts its task took. */
async function finishRun(taskQueue: string, runId: string): Promise<{ status: string; attempts: number }> {
  const worker = await startTestWorker({ dagsDir: DAGS, taskQueue, replay: false });
  try {
    const snapshot = await waitForRun(worker.client, runId);
    return { status: snapshot.status, attempts: snapshot.tasks.find((task) => task.id === 'work')?.attempts ?? 0 };
  } finally {
    await worker.shutdown();
  }
}

describe('Ctrl-C on weir worker', () => {
  it('lets a running task finish within the grace time, then exits 0', async () => {
    const taskQueue = `shutdown-${randomUUID().slice(0, 8)}`;
    const markers = await markerDir();
    const worker = await startWeirWorker(taskQueue, '60s');
    const helper = await startTestWorker({ dagsDir: DAGS, taskQueue: `${taskQueue}-client`, replay: false });
    try {
      const runId = await triggerRun(helper.client, { dagId: 'graceful', params: { markerDir: markers, firstMs: 3000 }, taskQueue });
      await until(() => existsSync(path.join(markers, 'attempt-1')), 'the first attempt');
      worker.child.kill('SIGINT');
      const exit = await worker.exited;
      expect(worker.output()).toContain('stopping: running tasks have 60 s to finish (WEIR_SHUTDOWN_GRACE); press Ctrl-C again to stop at once');
      expect(worker.output()).toContain('worker stopped');
      expect(exit).toEqual({ code: 0, signal: null });
      // The task was not interrupted: its first attempt is the one that counts.
      expect(await finishRun(taskQueue, runId)).toEqual({ status: 'success', attempts: 1 });
      expect(existsSync(path.join(markers, 'attempt-2'))).toBe(false);
    } finally {
      await helper.shutdown();
    }
  });

  it('cancels a task still running when the grace time ends; Temporal retries it', async () => {
    const taskQueue = `shutdown-${randomUUID().slice(0, 8)}`;
    const markers = await markerDir();
    const worker = await startWeirWorker(taskQueue, '1s');
    const helper = await startTestWorker({ dagsDir: DAGS, taskQueue: `${taskQueue}-client`, replay: false });
    try {
      const runId = await triggerRun(helper.client, { dagId: 'graceful', params: { markerDir: markers, firstMs: 600_000 }, taskQueue });
      await until(() => existsSync(path.join(markers, 'attempt-1')), 'the first attempt');
      worker.child.kill('SIGINT');
      expect(await worker.exited).toEqual({ code: 0, signal: null });
      expect(await finishRun(taskQueue, runId)).toEqual({ status: 'success', attempts: 2 });
    } finally {
      await helper.shutdown();
    }
  });

  it('exits at once on a second Ctrl-C', async () => {
    const taskQueue = `shutdown-${randomUUID().slice(0, 8)}`;
    const markers = await markerDir();
    const worker = await startWeirWorker(taskQueue, '10m');
    const helper = await startTestWorker({ dagsDir: DAGS, taskQueue: `${taskQueue}-client`, replay: false });
    try {
      const runId = await triggerRun(helper.client, { dagId: 'graceful', params: { markerDir: markers, firstMs: 600_000 }, taskQueue });
      await until(() => existsSync(path.join(markers, 'attempt-1')), 'the first attempt');
      worker.child.kill('SIGINT');
      await until(() => worker.output().includes('press Ctrl-C again'), 'the grace notice');
      worker.child.kill('SIGINT');
      expect(await worker.exited).toEqual({ code: 130, signal: null });
      await helper.client.workflow.getHandle(runId).terminate('test over');
    } finally {
      await helper.shutdown();
    }
  });
});
