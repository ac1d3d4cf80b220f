import { bundleWorkflowCode, DefaultLogger, Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createActivities } from '../activities/index.ts';
import { createTaskRunner, type AttemptRecorder } from '../activities/task-runner.ts';
import type { Database } from '../db/schema.ts';
import { RECORD_RUN_ACTIVITY } from '../plan/types.ts';
import { loadDagFolder } from '../sdk/load.ts';
import { createWeirWorker, registryOf } from '../worker/create-worker.ts';
import { createWeirServices } from '../worker/services.ts';
import { baselineActivities } from './baseline-activities.ts';

/**
 * The settings createWeirWorker uses, repeated here so the baseline worker is tuned the same.
 * If they change there, change them here.
 */
export const WORKER_TUNING = {
  maxConcurrentActivityTaskExecutions: 100,
  maxConcurrentWorkflowTaskExecutions: 40,
  defaultHeartbeatThrottleInterval: '1 second',
  maxHeartbeatThrottleInterval: '5 seconds',
} satisfies Partial<WorkerOptions>;

export const BASELINE_WORKFLOWS = new URL('./baseline-workflows.ts', import.meta.url).pathname;

export interface RunningWorker {
  taskQueue: string;
  stop(): Promise<void>;
}

function running(worker: Worker, taskQueue: string): RunningWorker {
  const done = worker.run();
  return {
    taskQueue,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

/** Weir exactly as `weir worker` builds it, with the interpreter prebundled. */
export async function startWeirWorker(connection: NativeConnection, db: Kysely<Database>, dagsDir: string, bundlePath: string): Promise<RunningWorker> {
  const taskQueue = 'bench-weir';
  const { worker } = await createWeirWorker({ connection, namespace: 'default', taskQueue, dagsDir, db, workflowBundlePath: bundlePath, log: () => {} });
  return running(worker, taskQueue);
}

const noAttemptRecords: AttemptRecorder = { attemptStarted: async () => {}, attemptEnded: async () => {} };

/**
 * Ablation for the profile: the same interpreter and task runner, but attempts and run
 * snapshots are not written to Postgres. The gap to the full worker is the cost of those writes.
 */
export async function startWeirWorkerWithoutPostgres(connection: NativeConnection, db: Kysely<Database>, dagsDir: string, bundlePath: string): Promise<RunningWorker> {
  const taskQueue = 'bench-weir-no-pg';
  const catalog = await loadDagFolder(dagsDir);
  const registry = registryOf(catalog);
  const services = createWeirServices({ db, namespace: 'default', env: {} });
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { codePath: bundlePath },
    // Every engine activity as Weir registers it, minus the two that write run records.
    activities: {
      ...createActivities({ registry, db, services }),
      default: createTaskRunner(registry, noAttemptRecords, services, { store: async () => {}, print: () => {}, flush: async () => {} }),
      [RECORD_RUN_ACTIVITY]: async () => {},
    },
    ...WORKER_TUNING,
  });
  return running(worker, taskQueue);
}

/** The hand-written baseline, bundled separately from Weir's interpreter. */
export async function startRawWorker(connection: NativeConnection, bundlePath?: string): Promise<RunningWorker> {
  const taskQueue = 'bench-raw';
  const workflowBundle = bundlePath ? { codePath: bundlePath } : { code: (await bundleBaselineWorkflows()).code };
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowBundle,
    activities: baselineActivities,
    ...WORKER_TUNING,
  });
  return running(worker, taskQueue);
}

/**
 * Bundles the baseline workflows. Written to a file and passed to `startRawWorker` by path, it
 * keeps the bundler's memory out of a worker whose RSS is measured.
 */
export function bundleBaselineWorkflows(): ReturnType<typeof bundleWorkflowCode> {
  return bundleWorkflowCode({ workflowsPath: BASELINE_WORKFLOWS, logger: new DefaultLogger('WARN') });
}
