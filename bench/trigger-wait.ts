import { spawn } from 'node:child_process';
import path from 'node:path';
import { Connection, Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { getRunSnapshot } from '../control/runs.ts';
import { createDb } from '../db/index.ts';
import { createWeirWorker } from '../worker/create-worker.ts';
import { chainDagSource, writeDagFolder } from './generate-dags.ts';
import { REPO_ROOT } from './paths.ts';
import { median, ratio, round } from './stats.ts';

export const TRIGGER_BASELINE_EXPLAINED =
  '`weir trigger <dag> --wait` as a user runs it: a fresh CLI process, spawn to exit, against a worker already running on the bench stack. ' +
  "Baseline: the run's own span in the same run, first task start to last task end, from its run snapshot. The gap is what the CLI " +
  'adds: start-up, finding the DAG (content-hash catalog, unchanged files not run again), the params check, starting the run and noticing its end (node:http2 calls: the start, then one history long poll for the close event; no Temporal client, no query while the run goes).';

/** Where the time outside the span goes, from the CLI's spawn and exit and the run's history event times (one machine, one clock). */
export interface TriggerWaitBreakdown {
  /** Spawn to WorkflowExecutionStarted: Node, the CLI's modules, config, the DAG lookup, the start call. */
  cliBeforeStartMs: number;
  /** WorkflowExecutionStarted to the first task's start: the first workflow task (plan, params, first record). */
  engineBeforeFirstTaskMs: number;
  /** The last task's end to the run's close: the last workflow task (final run record, callbacks). */
  engineAfterLastTaskMs: number;
  /** The close to the CLI's exit: noticing the close, printing, exiting. */
  cliAfterCloseMs: number;
}

export interface TriggerWaitResult {
  tasks: number;
  measuredRuns: number;
  baseline: string;
  cliMs: number;
  spanMs: number;
  ratio: number;
  target: number;
  runsCliMs: number[];
  runsSpanMs: number[];
  /** Medians over the measured runs. */
  breakdown: TriggerWaitBreakdown;
}

export async function runTriggerWaitBenchmark(options: { temporalAddress: string; databaseUrl: string; bundlePath: string; scratchDir: string; tasks: number; runs: number; log: (line: string) => void }): Promise<TriggerWaitResult> {
  const dagId = `bench_chain${options.tasks}`;
  const dagsDir = await writeDagFolder(path.join(options.scratchDir, 'trigger', 'dags'), { [`${dagId}.ts`]: chainDagSource(dagId, options.tasks) });
  const taskQueue = 'bench-trigger';
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  const clientConnection = await Connection.connect({ address: options.temporalAddress });
  const client = new Client({ connection: clientConnection, namespace: 'default' });
  const db = createDb(options.databaseUrl);
  const weir = await createWeirWorker({ connection, namespace: 'default', taskQueue, dagsDir, db, workflowBundlePath: options.bundlePath, log: () => {} });
  const running = weir.runAll();
  const cli: number[] = [];
  const spans: number[] = [];
  const parts: TriggerWaitBreakdown[] = [];
  try {
    // Pass 0 warms the CLI's content cache and the worker; it is not recorded.
    for (let pass = 0; pass <= options.runs; pass++) {
      const started = performance.now();
      const spawnedAt = Date.now();
      const stdout = await runCli(['--dags', dagsDir, 'trigger', dagId, '--wait', '--json'], { TEMPORAL_ADDRESS: options.temporalAddress, DATABASE_URL: options.databaseUrl, WEIR_TASK_QUEUE: taskQueue });
      const wall = performance.now() - started;
      const exitedAt = Date.now();
      const runId = (JSON.parse(stdout) as { runId: string }).runId;
      const snapshot = await getRunSnapshot(client, runId);
      const starts = snapshot.tasks.map((task) => Date.parse(task.startedAt ?? ''));
      const ends = snapshot.tasks.map((task) => Date.parse(task.endedAt ?? ''));
      const span = Math.max(...ends) - Math.min(...starts);
      if (snapshot.status !== 'success' || !Number.isFinite(span)) throw new Error(`run ${runId} ended ${snapshot.status} without task times`);
      const events = await runEventTimes(client, runId);
      const part: TriggerWaitBreakdown = {
        cliBeforeStartMs: events.startedAt - spawnedAt,
        engineBeforeFirstTaskMs: Math.min(...starts) - events.startedAt,
        engineAfterLastTaskMs: events.closedAt - Math.max(...ends),
        cliAfterCloseMs: exitedAt - events.closedAt,
      };
      options.log(
        `  trigger --wait ${pass === 0 ? 'warm-up' : `run ${pass}/${options.runs}`}: CLI ${Math.round(wall)} ms, run span ${Math.round(span)} ms; ` +
          `CLI before start ${part.cliBeforeStartMs} ms, engine before first task ${part.engineBeforeFirstTaskMs} ms, after last task ${part.engineAfterLastTaskMs} ms, CLI after close ${part.cliAfterCloseMs} ms`,
      );
      if (pass > 0) {
        cli.push(wall);
        spans.push(span);
        parts.push(part);
      }
    }
  } finally {
    weir.shutdownAll();
    await running.catch(() => {});
    await Promise.allSettled([connection.close(), clientConnection.close(), db.destroy()]);
  }
  const cliMs = round(median(cli));
  const spanMs = round(median(spans));
  return { tasks: options.tasks, measuredRuns: options.runs, baseline: TRIGGER_BASELINE_EXPLAINED, cliMs, spanMs, ratio: ratio(cliMs, spanMs), target: 1.15, runsCliMs: cli.map((v) => round(v)), runsSpanMs: spans.map((v) => round(v)), breakdown: medianBreakdown(parts) };
}

function medianBreakdown(parts: readonly TriggerWaitBreakdown[]): TriggerWaitBreakdown {
  const of = (key: keyof TriggerWaitBreakdown) => round(median(parts.map((part) => part[key])));
  return { cliBeforeStartMs: of('cliBeforeStartMs'), engineBeforeFirstTaskMs: of('engineBeforeFirstTaskMs'), engineAfterLastTaskMs: of('engineAfterLastTaskMs'), cliAfterCloseMs: of('cliAfterCloseMs') };
}

/** When the server recorded the run's start and its close (first and last history events). */
async function runEventTimes(client: Client, runId: string): Promise<{ startedAt: number; closedAt: number }> {
  const history = await client.workflow.getHandle(runId).fetchHistory();
  const events = history.events ?? [];
  const millis = (event: (typeof events)[number] | undefined) => {
    const time = event?.eventTime;
    if (!time) throw new Error(`run ${runId} has a history event without a time`);
    return Number(time.seconds ?? 0) * 1000 + Math.floor((time.nanos ?? 0) / 1e6);
  };
  return { startedAt: millis(events[0]), closedAt: millis(events.at(-1)) };
}

function runCli(args: readonly string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/weir.mjs', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`weir ${args.join(' ')} exited with ${code}: ${stderr.trim()}`))));
  });
}
