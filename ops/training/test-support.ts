import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TaskLogger } from '../../sdk/context.ts';
import { jobNames, type JobContext, type TrainingJob } from './job.ts';

/** Helpers shared by the runner tests. */

export interface RecordedLog extends TaskLogger {
  lines: string[];
  warnings: string[];
}

export function recordingLog(): RecordedLog {
  const lines: string[] = [];
  const warnings: string[] = [];
  return {
    lines,
    warnings,
    debug: () => {},
    info: (message) => lines.push(message),
    warn: (message) => warnings.push(message),
    error: (message) => warnings.push(message),
  };
}

export function testContext(log: TaskLogger = recordingLog()): JobContext & { controller: AbortController; heartbeats: unknown[] } {
  const controller = new AbortController();
  const heartbeats: unknown[] = [];
  return { controller, heartbeats, signal: controller.signal, heartbeat: (details) => heartbeats.push(details), log };
}

export function testJob(dir: string, runId: string, fields: Partial<TrainingJob> & Pick<TrainingJob, 'command'>, attempt = 1): TrainingJob {
  const taskId = fields.taskId ?? 'train';
  return {
    ...jobNames({ runId, taskId, attempt }),
    runId,
    taskId,
    attempt,
    outputDir: path.join(dir, `attempt-${attempt}`, 'output'),
    logFile: path.join(dir, `attempt-${attempt}`, 'train.log'),
    ...fields,
  };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts fixtures/crash-worker.ts, waits until its job prints, and SIGKILLs the worker:
 * the job is left behind as a crashed worker leaves it. Returns the job's first log line.
 */
export async function crashWorkerMidJob(env: Record<string, string>): Promise<string> {
  const fixture = fileURLToPath(new URL('./fixtures/crash-worker.ts', import.meta.url));
  const worker: ChildProcess = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  worker.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  worker.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  try {
    const ready = await waitFor(
      'the crash worker to start its job',
      () => {
        if (worker.exitCode !== null) throw new Error(`crash worker exited early: ${stderr}`);
        return /READY (.*)\n/.exec(stdout)?.[1];
      },
      60_000,
    );
    return ready;
  } finally {
    worker.kill('SIGKILL');
    await exited;
  }
}
