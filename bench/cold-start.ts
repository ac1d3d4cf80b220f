import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { REPO_ROOT } from './paths.ts';
import { median, ratio, round } from './stats.ts';
import type { WorkerStartReport } from './worker-start-child.ts';

const CHILD = fileURLToPath(new URL('./worker-start-child.ts', import.meta.url));

export interface ColdStartVariant {
  /** Median process start -> worker RUNNING, measured in the child. */
  runningMs: number;
  /** Median spawn -> first workflow task poll seen by the server (DescribeTaskQueue). */
  firstPollMs: number;
  /** Median process start -> weir's modules imported (tsx, Temporal SDK, weir). */
  importsMs: number;
  /** Median createWeirWorker alone (DAG loading included, bundling included when on the fly). */
  createMs: number;
  runsFirstPollMs: number[];
}

export interface ColdStartResult {
  measuredRuns: number;
  prebundled: ColdStartVariant;
  bundleOnTheFly: ColdStartVariant;
  /** prebundled / on the fly, on first poll. */
  ratio: number;
}

interface Sample {
  report: WorkerStartReport;
  firstPollMs: number;
}

/** Starts a fresh worker process repeatedly, alternating a prebundled interpreter with bundling on the fly. */
export async function runColdStartBenchmark(options: {
  temporalAddress: string;
  databaseUrl: string;
  dagsDir: string;
  bundlePath: string;
  runs: number;
  log: (line: string) => void;
}): Promise<ColdStartResult> {
  const connection = await Connection.connect({ address: options.temporalAddress });
  const client = new Client({ connection, namespace: 'default' });
  const samples = { prebundled: [] as Sample[], bundleOnTheFly: [] as Sample[] };
  try {
    for (let pass = 0; pass <= options.runs; pass++) {
      // The warm-up pass only needs one start to fill tsx's cache and the OS file cache.
      for (const variant of pass === 0 ? (['prebundled'] as const) : (['prebundled', 'bundleOnTheFly'] as const)) {
        const taskQueue = `bench-cold-${variant}-${pass}-${Math.random().toString(36).slice(2, 8)}`;
        const args = [options.temporalAddress, taskQueue, options.dagsDir, options.databaseUrl, ...(variant === 'prebundled' ? [options.bundlePath] : [])];
        const sample = await startOnce(client, taskQueue, args);
        options.log(`  ${variant}: ${pass === 0 ? 'warm-up' : `run ${pass}/${options.runs}`} RUNNING after ${Math.round(sample.report.runningMs)} ms, first poll after ${Math.round(sample.firstPollMs)} ms`);
        if (pass > 0) samples[variant].push(sample);
      }
    }
  } finally {
    await connection.close();
  }
  const summary = (runs: Sample[]): ColdStartVariant => ({
    runningMs: round(median(runs.map((s) => s.report.runningMs))),
    firstPollMs: round(median(runs.map((s) => s.firstPollMs))),
    importsMs: round(median(runs.map((s) => s.report.importsDoneMs))),
    createMs: round(median(runs.map((s) => s.report.createdMs - s.report.connectedMs))),
    runsFirstPollMs: runs.map((s) => round(s.firstPollMs)),
  });
  const prebundled = summary(samples.prebundled);
  const bundleOnTheFly = summary(samples.bundleOnTheFly);
  return { measuredRuns: options.runs, prebundled, bundleOnTheFly, ratio: ratio(prebundled.firstPollMs, bundleOnTheFly.firstPollMs) };
}

async function startOnce(client: Client, taskQueue: string, args: string[]): Promise<Sample> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--conditions=weir-source', '--import', 'tsx', CHILD, ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const died = exited.then((code): never => {
    throw new Error(`worker child exited with code ${code} before it was measured\n${stderr.slice(-2000)}`);
  });
  died.catch(() => {});
  const report = new Promise<WorkerStartReport>((resolve) => {
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as WorkerStartReport);
    });
  });
  const polling = { stopped: false };
  try {
    const firstPollMs = await Promise.race([waitForFirstPoll(client, taskQueue, started, polling), died]);
    return { report: await Promise.race([report, died]), firstPollMs };
  } finally {
    polling.stopped = true;
    child.stdin.end();
    const closed = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 30_000))]);
    if (!closed) child.kill('SIGKILL');
  }
}

/** Milliseconds from `since` until the server sees a poller on the queue's workflow tasks. */
async function waitForFirstPoll(client: Client, taskQueue: string, since: number, polling: { stopped: boolean }): Promise<number> {
  while (!polling.stopped) {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: 'default',
      taskQueue: { name: taskQueue },
      // TASK_QUEUE_TYPE_WORKFLOW
      taskQueueType: 1,
    });
    if ((pollers ?? []).length > 0) return performance.now() - since;
    if (performance.now() - since > 180_000) throw new Error(`no poller on ${taskQueue} after 180 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Number.NaN;
}
