import type { Kysely } from 'kysely';
import { Worker, type NativeConnection, type WorkerInterceptors } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { createActivities, postgresAttemptRecorder } from '../activities/index.ts';
import { LiveDagRegistry } from '../activities/dag-registry.ts';
import { watchDagFolder } from './dag-folder-watcher.ts';
import { syncSchedules, type ScheduleSyncResult } from '../control/schedules.ts';
import type { Database } from '../db/schema.ts';
import { formatProblem } from '../sdk/errors.ts';
import { loadDagFolder, type DagCatalog } from '../sdk/load.ts';
import type { WeirServices } from '../sdk/services.ts';
import { createWeirServices } from './services.ts';
import { parseWeirEnv } from './config/index.ts';
import type { PoolLimit } from './pools.ts';
import { workflowSource } from './workflow-bundle.ts';
import { dataConverterFromEnv, type DataConverter } from '../codec/index.ts';
import { postgresTaskLogs, type WorkerLogger } from '../logs/index.ts';
import type { WeirMetrics } from './metrics.ts';
import { metricsInterceptor } from './metrics-interceptor.ts';
import type { WorkerTracing } from './tracing.ts';

export interface WeirWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  dagsDir: string;
  db: Kysely<Database>;
  /** When given, the worker keeps one Temporal Schedule per scheduled DAG. */
  scheduleClient?: Client;
  workflowBundlePath?: string;
  maxConcurrentActivities?: number;
  maxConcurrentWorkflowTasks?: number;
  /** Workflows kept in the worker's sticky cache; 0 sends every workflow task to any worker of the queue. */
  maxCachedWorkflows?: number;
  /**
   * Extra task queues served by activity-only workers, each with its own limit on concurrent
   * activities (Airflow's pools). A task joins one with `queue: '<pool name>'`.
   */
  pools?: readonly PoolLimit[];
  log?: (line: string) => void;
  /** Payload codecs; default: AES-GCM encryption when WEIR_PAYLOAD_KEY is set. */
  dataConverter?: DataConverter;
  /** Prints task log entries as structured records (WEIR_LOG_FORMAT=json); default one text line each through `log`. */
  logEntry?: WorkerLogger['entry'];
  /** Reload the DAGs folder when a file in it is added, changed or deleted (hot reload). */
  watchDags?: boolean;
  /**
   * What task bodies get in `ctx.services` and callbacks as their second argument. Default: built
   * from `env` (WEIR_ARTIFACT_ROOT, SMTP_URL, WEIR_UI_URL...) with this worker's `db`.
   */
  services?: WeirServices;
  /** The configuration's source when `services` is not given; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** How long a graceful shutdown lets running tasks finish before they are cancelled; default WEIR_SHUTDOWN_GRACE of `env`, else 30 s. */
  shutdownGraceMs?: number;
  /** When given, every activity this worker runs is counted in these metrics. */
  metrics?: WeirMetrics;
  /** OpenTelemetry spans for runs and tasks (see worker/tracing.ts). */
  tracing?: WorkerTracing;
}

export interface PoolWorker {
  pool: PoolLimit;
  /** Activities only: it polls the pool's task queue and runs no workflow code. */
  worker: Worker;
}

export interface WeirWorker {
  /** The main worker: workflows and activities on `taskQueue`. */
  worker: Worker;
  /** One activity-only worker per pool; empty without pools. */
  poolWorkers: PoolWorker[];
  catalog: DagCatalog;
  /** The DAGs this worker serves now; hot reload swaps its contents. */
  registry: LiveDagRegistry;
  schedules: ScheduleSyncResult | null;
  /**
   * Runs the main worker and every pool worker; when one of them stops, the others are shut
   * down too. Resolves when all have stopped and rejects with the first failure. Call it once
   * instead of `worker.run()` when there are pools.
   */
  runAll(): Promise<void>;
  /** Starts a graceful shutdown of every worker that is still running. */
  shutdownAll(): void;
}

/** After the grace time, cancelled tasks get this long to stop before the worker gives up on them. */
const SHUTDOWN_FORCE_MARGIN_MS = 10_000;

export function registryOf(catalog: DagCatalog): LiveDagRegistry {
  return new LiveDagRegistry(catalog.dags);
}

/**
 * Loads the DAGs folder and creates a Worker that serves every DAG in it. A DAG file with
 * problems is reported and left out; the others still load.
 */
export async function createWeirWorker(options: WeirWorkerOptions): Promise<WeirWorker> {
  const log = options.log ?? ((line: string) => console.log(line));
  const loadOptions = { limits: { fileTimeoutMs: parseWeirEnv(options.env ?? process.env).WEIR_DAG_LOAD_TIMEOUT_MS } };
  const catalog = await loadDagFolder(options.dagsDir, loadOptions);
  for (const problem of catalog.problems) log(`DAG problem: ${formatProblem(problem)}`);
  log(`loaded ${catalog.dags.size} DAG(s) from ${options.dagsDir}: ${[...catalog.dags.keys()].sort().join(', ') || '(none)'}`);
  const schedules = options.scheduleClient
    ? await syncSchedules(options.scheduleClient, [...catalog.dags.values()].map((d) => d.plan), options.taskQueue, {
        // A DAG file that failed to load must not lose its schedule (and a person's pause with it).
        deleteOrphans: catalog.problems.length === 0,
        webUrl: parseWeirEnv(options.env ?? process.env).WEIR_WEB_URL,
      })
    : null;
  if (schedules && catalog.problems.length > 0) log('schedules of DAGs that are not loaded were kept because some DAG files have problems');
  if (schedules) {
    log(`schedules: ${schedules.created.length} created, ${schedules.updated.length} updated, ${schedules.deleted.length} deleted, ${schedules.unchanged.length} unchanged`);
  }
  const env = options.env ?? process.env;
  const graceMs = options.shutdownGraceMs ?? parseWeirEnv(env).WEIR_SHUTDOWN_GRACE;
  const services = options.services ?? createWeirServices({ db: options.db, namespace: options.namespace, env, log });
  const attempts = postgresAttemptRecorder(options.db);
  // Task log lines print one per line (`dag.task#attempt level message`) where the worker's own lines go.
  const logs = postgresTaskLogs(options.db, log, options.logEntry ? { printEntry: options.logEntry } : undefined);
  const registry = registryOf(catalog);
  const activities = createActivities({ registry, db: options.db, attempts, services, logs });
  const interceptors: WorkerInterceptors = {
    activity: [...(options.tracing?.workerOptions.activityInterceptors ?? []), ...(options.metrics ? [metricsInterceptor(options.metrics)] : [])],
    // Used only when the worker bundles its workflow code itself, which tracing asks for below.
    workflowModules: options.tracing?.workerOptions.workflowModules ?? [],
  };
  const common = {
    connection: options.connection,
    namespace: options.namespace,
    activities,
    dataConverter: options.dataConverter ?? dataConverterFromEnv(env),
    // After this, tasks still running are cancelled; Temporal retries them on another worker.
    shutdownGraceTime: graceMs,
    // A task that ignores cancellation must not keep the process alive forever.
    shutdownForceTime: graceMs + SHUTDOWN_FORCE_MARGIN_MS,
    interceptors,
    ...(options.tracing ? { sinks: options.tracing.workerOptions.sinks } : {}),
    // Cancellation reaches an activity through its heartbeat; keep that prompt.
    defaultHeartbeatThrottleInterval: '1 second',
    maxHeartbeatThrottleInterval: '5 seconds',
  } as const;
  const worker = await Worker.create({
    ...common,
    taskQueue: options.taskQueue,
    // A prebuilt bundle has no room for interceptor modules: with tracing, bundle now.
    ...workflowSource(options.tracing ? undefined : options.workflowBundlePath),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 100,
    maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTasks ?? 40,
    ...(options.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: options.maxCachedWorkflows }),
  });
  const poolWorkers: PoolWorker[] = [];
  for (const pool of options.pools ?? []) {
    // No workflowsPath or workflowBundle: the SDK then polls for activity tasks only.
    poolWorkers.push({ pool, worker: await Worker.create({ ...common, taskQueue: pool.name, maxConcurrentActivityTaskExecutions: pool.maxConcurrentActivities }) });
    log(`pool "${pool.name}": at most ${pool.maxConcurrentActivities} concurrent task(s)`);
  }
  const all = [worker, ...poolWorkers.map((p) => p.worker)];
  const watcher = options.watchDags
    ? watchDagFolder({ dagsDir: options.dagsDir, loadOptions, registry, initial: catalog, taskQueue: options.taskQueue, log, webUrl: parseWeirEnv(env).WEIR_WEB_URL, ...(options.scheduleClient ? { scheduleClient: options.scheduleClient } : {}) })
    : undefined;
  let running: Promise<void> | undefined;
  return {
    worker,
    poolWorkers,
    catalog,
    registry,
    schedules,
    // Attempt reports still waiting for their batch are written before the caller closes the database.
    runAll: () => (running ??= runWorkers(all).finally(() => (watcher?.close(), Promise.all([attempts.flush().catch(() => {}), logs.flush().catch(() => {})])))),
    shutdownAll: () => (watcher?.close(), shutdownWorkers(all)),
  };
}

function shutdownWorkers(workers: readonly Worker[]): void {
  for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
}

/** One process, one lifetime: when any worker stops (a signal, a fatal error), the others drain too. */
async function runWorkers(workers: readonly Worker[]): Promise<void> {
  const results = await Promise.allSettled(workers.map((worker) => worker.run().finally(() => shutdownWorkers(workers))));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
}
