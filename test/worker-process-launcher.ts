import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { testStack } from './stack.ts';

const REPO = fileURLToPath(new URL('../', import.meta.url));

export interface WorkerProcessOptions {
  taskQueue: string;
  dagsDir: string;
  /** WEIR_ARTIFACT_ROOT of the worker. */
  artifactRoot: string;
  /** More environment for the worker (S3 settings, TMPDIR, ...). */
  env?: NodeJS.ProcessEnv;
}

/**
 * A worker in its own process (test/worker-process.ts) on the shared stack, so it can die the
 * way a machine does: SIGKILL, no cleanup. Resolves once it polls; rejects, with the end of
 * its stderr, if it exits before that.
 *
 * @example
 * const doomed = await startWorkerProcess({ taskQueue, dagsDir, artifactRoot });
 * await killWorkerProcess(doomed);
 */
export function startWorkerProcess(options: WorkerProcessOptions): Promise<ChildProcess> {
  const stack = testStack();
  const child = spawn(process.execPath, ['--conditions=weir-source', '--import', 'tsx', path.join(REPO, 'test', 'worker-process.ts')], {
    cwd: REPO,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      DATABASE_URL: stack.databaseUrl,
      WEIR_TASK_QUEUE: options.taskQueue,
      WEIR_DAGS_DIR: options.dagsDir,
      WEIR_ARTIFACT_ROOT: options.artifactRoot,
      WEIR_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('READY')) resolve(child);
    });
    child.once('exit', (code, signal) => reject(new Error(`worker process exited with ${signal ?? code}: ${stderr.slice(-2000)}`)));
  });
}

/** SIGKILL, and wait until the process is gone; nothing when it already is. */
export async function killWorkerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
