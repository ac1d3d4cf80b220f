import type { Kysely } from 'kysely';
import { Worker, type NativeConnection } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { createActivities, type DagRegistry } from '../activities/index.ts';
import { syncSchedules, type ScheduleSyncResult } from '../control/schedules.ts';
import type { Database } from '../db/schema.ts';
import { formatProblem } from '../sdk/errors.ts';
import { loadDagFolder, type DagCatalog } from '../sdk/load.ts';
import { ArtifactStore } from '../artifacts/store.ts';
import { setOperatorRuntime } from '../ops/runtime.ts';
import { workflowSource } from './workflow-bundle.ts';

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
  log?: (line: string) => void;
  /** Base URL of the Temporal Web UI for links in notifications (env WEIR_UI_URL). */
  temporalUiUrl?: string;
}

export interface WeirWorker {
  worker: Worker;
  catalog: DagCatalog;
  schedules: ScheduleSyncResult | null;
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
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    ...workflowSource(options.workflowBundlePath),
    activities: createActivities({ registry: registryOf(catalog), db: options.db }),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities ?? 100,
    maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTasks ?? 40,
    // Cancellation reaches an activity through its heartbeat; keep that prompt.
    defaultHeartbeatThrottleInterval: '1 second',
    maxHeartbeatThrottleInterval: '5 seconds',
  });
  return { worker, catalog, schedules };
}
