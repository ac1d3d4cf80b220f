import type { Kysely } from 'kysely';
import { Worker, type NativeConnection, type WorkerInterceptors } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { createActivities, postgresAttemptRecorder, type DagRegistry } from '../activities/index.ts';
import { syncSchedules, type ScheduleSyncResult } from '../control/schedules.ts';
import type { Database } from '../db/schema.ts';
import { formatProblem } from '../sdk/errors.ts';
import { loadDagFolder, type DagCatalog } from '../sdk/load.ts';
import { ArtifactStore } from '../artifacts/store.ts';
import { setOperatorRuntime } from '../ops/runtime.ts';
import type { PoolLimit } from './pools.ts';
import { workflowSource } from './workflow-bundle.ts';
import { dataConverterFromEnv, type DataConverter } from '../codec/index.ts';
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
  /**
   * Extra task queues served by activity-only workers, each with its own limit on concurrent
   * activities (Airflow's pools). A task joins one with `queue: '<pool name>'`.
   */
  pools?: readonly PoolLimit[];
  log?: (line: string) => void;
  /** Payload codecs; default: AES-GCM encryption when WEIR_PAYLOAD_KEY is set. */
  dataConverter?: DataConverter;
  /** Base URL of the Temporal Web UI for links in notifications (env WEIR_UI_URL). */
  temporalUiUrl?: string;
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

export function registryOf(catalog: DagCatalog): DagRegistry {
  return { get: (dagId) => catalog.dags.get(dagId), ids: () => [...catalog.dags.keys()].sort() };
}

/**
 * Loads the DAGs folder and creates a Worker that serves every DAG in it. A DAG file with
 * problems is reported and left out; the others still load.
 */
export async function createWeirWorker(options: WeirWorkerOptions): Promise<WeirWorker> {
  const log = options.log ?? ((line: string) => console.log(line));
  const catalog = await loadDagFolder(options.dagsDir);
  for (const problem of catalog.problems) log(`DAG problem: ${formatProblem(problem)}`);
  log(`loaded ${catalog.dags.size} DAG(s) from ${options.dagsDir}: ${[...catalog.dags.keys()].sort().join(', ') || '(none)'}`);
  const schedules = options.scheduleClient
    ? await syncSchedules(options.scheduleClient, [...catalog.dags.values()].map((d) => d.plan), options.taskQueue, {
        // A DAG file that failed to load must not lose its schedule (and a person's pause with it).
        deleteOrphans: catalog.problems.length === 0,
      })
    : null;
  if (schedules && catalog.problems.length > 0) log('schedules of DAGs that are not loaded were kept because some DAG files have problems');
  if (schedules) {
    log(`schedules: ${schedules.created.length} created, ${schedules.updated.length} updated, ${schedules.deleted.length} deleted, ${schedules.unchanged.length} unchanged`);
  }
  setOperatorRuntime({
    db: options.db,
    artifacts: ArtifactStore.fromEnv(),
    temporalUiUrl: options.temporalUiUrl ?? process.env.WEIR_UI_URL ?? 'http://localhost:8233',
    namespace: options.namespace,
    env: process.env,
  });
  const attempts = postgresAttemptRecorder(options.db);
  const activities = createActivities({ registry: registryOf(catalog), db: options.db, attempts });
  const interceptors: WorkerInterceptors = {
    activity: [...(options.tracing?.workerOptions.activityInterceptors ?? []), ...(options.metrics ? [metricsInterceptor(options.metrics)] : [])],
    // Used only when the worker bundles its workflow code itself, which tracing asks for below.
    workflowModules: options.tracing?.workerOptions.workflowModules ?? [],
  };
  const common = {
    connection: options.connection,
    namespace: options.namespace,
    activities,
    dataConverter: options.dataConverter ?? dataConverterFromEnv(process.env),
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
  });
  const poolWorkers: PoolWorker[] = [];
  for (const pool of options.pools ?? []) {
    // No workflowsPath or workflowBundle: the SDK then polls for activity tasks only.
    poolWorkers.push({ pool, worker: await Worker.create({ ...common, taskQueue: pool.name, maxConcurrentActivityTaskExecutions: pool.maxConcurrentActivities }) });
    log(`pool "${pool.name}": at most ${pool.maxConcurrentActivities} concurrent task(s)`);
  }
  const all = [worker, ...poolWorkers.map((p) => p.worker)];
  let running: Promise<void> | undefined;
  return {
    worker,
    poolWorkers,
    catalog,
    schedules,
    // Attempt reports still waiting for their batch are written before the caller closes the database.
    runAll: () => (running ??= runWorkers(all).finally(() => attempts.flush().catch(() => {}))),
    shutdownAll: () => shutdownWorkers(all),
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
