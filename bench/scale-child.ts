/**
 * One run of the scale benchmark in a fresh process, so the worker's peak RSS is its own:
 *   scale-child.ts <request.json>
 * Starts a worker (Weir, or the plain Temporal baseline), starts one run on it, awaits its
 * result, and prints one JSON line: the run's workflow id, its wall time and the process's RSS.
 */
import { readFile } from 'node:fs/promises';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { getRunSnapshot, triggerRun } from '../control/runs.ts';
import type { RunSnapshot } from '../plan/types.ts';
import { openBenchConnections } from './connections.ts';
import { startRawWorker, startWeirWorker, type RunningWorker } from './orchestration-workers.ts';
import { timed } from './stats.ts';

export type ScaleEngine = 'weir' | 'plain';

export interface ScaleChildRequest {
  engine: ScaleEngine;
  temporalAddress: string;
  databaseUrl: string;
  /** Weir's prebundled interpreter. */
  bundlePath: string;
  /** The baseline workflows, prebundled. */
  baselineBundlePath: string;
  dagsDir: string;
  /** Weir: the DAG and its params. */
  dagId: string;
  params: Record<string, unknown>;
  /** Plain: the baseline workflow (see baseline-workflows.ts) and its arguments. */
  plainWorkflow: { type: string; args: unknown[] };
}

export interface ScaleChildReport {
  workflowId: string;
  /** Start call -> result. */
  runMs: number;
  /** RSS once the worker polls, before the run. */
  idleRssMiB: number;
  /** The process's peak RSS: worker, client and the run's result. */
  peakRssMiB: number;
}

const [requestFile] = process.argv.slice(2);
if (!requestFile) throw new Error('usage: scale-child.ts <request.json>');
const request = JSON.parse(await readFile(requestFile, 'utf8')) as ScaleChildRequest;
Runtime.install({ logger: new DefaultLogger('WARN') });

const { connection, client, db, close } = await openBenchConnections(request);
let worker: RunningWorker | undefined;
try {
  worker =
    request.engine === 'weir'
      ? await startWeirWorker(connection, db, request.dagsDir, request.bundlePath)
      : await startRawWorker(connection, request.baselineBundlePath);
  const idleRssMiB = toMiB(process.memoryUsage().rss);
  const taskQueue = worker.taskQueue;
  const { ms, value: workflowId } = await timed(() => (request.engine === 'weir' ? runWeir(taskQueue) : runPlain(taskQueue)));
  const report: ScaleChildReport = { workflowId, runMs: ms, idleRssMiB, peakRssMiB: toMiB(process.resourceUsage().maxRSS * 1024) };
  process.stdout.write(`${JSON.stringify(report)}\n`);
} finally {
  await worker?.stop();
  await close();
}

async function runWeir(taskQueue: string): Promise<string> {
  const runId = await triggerRun(client, { dagId: request.dagId, params: request.params, taskQueue });
  const result = (await client.workflow.getHandle(runId).result()) as RunSnapshot;
  if (result.status !== 'success') throw new Error(`run ${runId} of ${request.dagId} ended ${result.status}`);
  // What `weir runs show` reads: a large run's result arrives packed and must unpack whole.
  const shown = await getRunSnapshot(client, runId);
  const unfinished = shown.tasks.filter((task) => task.state !== 'success');
  if (shown.tasks.length === 0 || unfinished.length > 0) throw new Error(`run ${runId} shows ${shown.tasks.length} tasks, ${unfinished.length} not successful`);
  return runId;
}

async function runPlain(taskQueue: string): Promise<string> {
  const workflowId = `bench-scale-${request.plainWorkflow.type}-${Date.now().toString(36)}`;
  const handle = await client.workflow.start(request.plainWorkflow.type, { taskQueue, workflowId, args: request.plainWorkflow.args });
  await handle.result();
  return workflowId;
}

function toMiB(bytes: number): number {
  return Math.round(bytes / 1024 / 1024);
}
