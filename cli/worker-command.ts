import { createDb, migrateToLatest } from '../db/index.ts';
import { workerSettingsFromEnv } from '../worker/config.ts';
import { createWeirWorker } from '../worker/create-worker.ts';
import { connectClient, connectWorker } from '../worker/temporal-connection.ts';
import type { CliContext } from './context.ts';
import { waitForShutdownSignal } from './signals.ts';
import { readLiveStackFile } from './stack-file.ts';
import { setUpWorkerObservability } from '../worker/observability.ts';
import { workerTracing } from '../worker/tracing.ts';
import { UsageError } from './errors.ts';
import { Runtime } from '@temporalio/worker';
import { createWorkerLogger } from '../logs/index.ts';
import { parseWeirEnv } from '../worker/config/index.ts';

export interface WorkerCommandOptions {
  migrate?: boolean;
  syncSchedules: boolean;
  metricsPort?: string;
  maxCachedWorkflows?: string;
}

/** `weir worker`: connects, builds the worker from the environment and serves until a signal stops it. */
export async function runWorkerCommand(context: CliContext, options: WorkerCommandOptions): Promise<void> {
  const { io } = context;
  // On a laptop the dev stack fills in what the environment leaves out.
  const stack = readLiveStackFile(io.cwd);
  const settings = workerSettingsFromEnv(io.env, stack ? { temporalAddress: stack.temporalAddress, databaseUrl: stack.databaseUrl } : {});
  const shutdownRequested = waitForShutdownSignal();
  const weirEnv = parseWeirEnv(io.env);
  const metricsPort = options.metricsPort === undefined ? weirEnv.WEIR_METRICS_PORT : parseMetricsPort(options.metricsPort);
  const maxCachedWorkflows = parseMaxCachedWorkflows(options.maxCachedWorkflows);
  const logger = createWorkerLogger(weirEnv.WEIR_LOG_FORMAT, io.out);
  const observability = metricsPort === undefined ? undefined : await setUpWorkerObservability(metricsPort, { ...(logger.temporal ? { logger: logger.temporal } : {}) });
  if (!observability && logger.temporal) Runtime.install({ logger: logger.temporal });
  const tracing = workerTracing(weirEnv);

  const db = createDb(settings.databaseUrl);
  const closers: (() => Promise<unknown>)[] = [() => db.destroy()];
  // Last to close, so the spans of the final tasks are sent.
  if (tracing) closers.unshift(() => tracing.shutdown());
  try {
    if (options.migrate) {
      const { applied } = await migrateToLatest(db);
      io.out(applied.length === 0 ? 'database is up to date' : `applied migrations: ${applied.join(', ')}`);
    }
    const client = await connectClient(settings.temporal);
    closers.push(() => client.connection.close());
    const connection = await connectWorker(settings.temporal);
    closers.push(() => connection.close());
    const weir = await createWeirWorker({
      connection,
      namespace: settings.temporal.namespace,
      taskQueue: settings.taskQueue,
      dagsDir: context.dagsDir,
      watchDags: true,
      db,
      ...(options.syncSchedules && weirEnv.WEIR_SYNC_SCHEDULES !== false ? { scheduleClient: client } : {}),
      ...(observability ? { metrics: observability.metrics } : {}),
      ...(tracing ? { tracing } : {}),
      maxConcurrentActivities: settings.maxConcurrentActivities,
      maxConcurrentWorkflowTasks: settings.maxConcurrentWorkflowTasks,
      ...(maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows }),
      pools: settings.pools,
      shutdownGraceMs: settings.shutdownGraceMs,
      env: io.env,
      log: logger.line,
      ...(weirEnv.WEIR_LOG_FORMAT === 'json' ? { logEntry: logger.entry } : {}),
    });
    const running = weir.runAll();
    if (observability) {
      const health = await observability.serve(() => weir.worker.getState());
      closers.push(() => health.close());
      logger.line(`metrics and probes on ${health.url} (/metrics, /livez, /readyz)`);
    }
    logger.line(`worker serving task queue "${settings.taskQueue}" on ${settings.temporal.address}; SIGINT or SIGTERM stops it`);
    // The SDK also shuts its workers down on these signals; whichever comes first, drain once.
    const stoppedBySignal = await Promise.race([running.then(() => false), shutdownRequested.then(() => true)]);
    if (stoppedBySignal) {
      const grace = formatSeconds(settings.shutdownGraceMs);
      logger.line(`stopping: running tasks have ${grace} to finish (WEIR_SHUTDOWN_GRACE); press Ctrl-C again to stop at once`);
    }
    weir.shutdownAll();
    await running;
    logger.line('worker stopped');
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
  }
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function parseMaxCachedWorkflows(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const count = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(count) || count < 0) throw new UsageError(`--max-cached-workflows must be a whole number 0 or more, got "${raw}"`);
  return count;
}

function parseMetricsPort(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--metrics-port (WEIR_METRICS_PORT) must be a port number 0-65535, got "${raw}"`);
  return port;
}
