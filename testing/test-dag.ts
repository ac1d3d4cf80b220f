import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import type { DagRegistry } from '../activities/dag-registry.ts';
import { dataConverterFromEnv } from '../codec/index.ts';
import { triggerRun, waitForRun } from '../control/runs.ts';
import { createDb } from '../db/connection.ts';
import type { Database } from '../db/schema.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../infra/temporal-dev-server.ts';
import { TASK_OUTPUTS_QUERY, type Plan, type RunSnapshot, type RunStatus, type TaskKind, type TaskState } from '../plan/types.ts';
import { checkDag } from '../sdk/compile.ts';
import type { Dag } from '../sdk/dag.ts';
import { DagValidationError } from '../sdk/errors.ts';
import type { LoadedDag } from '../sdk/load.ts';
import { validateParams } from '../sdk/params.ts';
import { databaseNotConfigured } from './no-database.ts';
import { testServices } from './operator-services.ts';
import { createTestActivities } from './test-activities.ts';
import { cachedWorkflowBundle } from './workflow-bundle-cache.ts';
import { installTestRunLogger } from './worker-log.ts';

export interface DagTestOptions {
  /** Raw params, validated and defaulted by the DAG's schema before anything starts. */
  params?: Record<string, unknown>;
  /** Default: now. */
  logicalDate?: Date;
  /**
   * Postgres for operators that need it (registry, baselines). Without it, tasks that never
   * query the database run as usual and the first query fails with DatabaseNotConfiguredError.
   */
  databaseUrl?: string;
  /** A Temporal server to use (`host:port`) instead of a throwaway in-memory dev server. */
  temporalAddress?: string;
  namespace?: string;
  /** `false` runs every task once, whatever its `retries`, so a failing test fails fast. */
  retries?: boolean;
  /** Every snapshot of the run while it goes on. */
  onProgress?: (snapshot: RunSnapshot) => void;
  /** One line per setup step (starting the server, bundling the interpreter). */
  onStatus?: (line: string) => void;
  /**
   * Receives the worker's log as readable lines: each task's `ctx.log` as `dag.task#attempt level
   * message`, and the SDK's warnings. Default: stderr. Only the first Temporal runtime of a
   * process takes a logger; when a worker already ran in this process, its logger stays.
   */
  onLogLine?: (line: string) => void;
  /** Where the interpreter's workflow bundle is cached. Default: a folder in the OS temp dir. */
  cacheDir?: string;
}

export interface TaskOutcome {
  id: string;
  kind: TaskKind;
  state: TaskState;
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  /** Null until the task has both started and ended. */
  durationMs: number | null;
  error: string | null;
  /** The task's output as downstream tasks see it; undefined when it did not succeed. */
  output: unknown;
}

export interface DagTestResult {
  runId: string;
  dagId: string;
  status: RunStatus;
  params: Record<string, unknown>;
  tasks: TaskOutcome[];
  /** The run's last snapshot, as `weir runs show --json` would print it. */
  snapshot: RunSnapshot;
}

/**
 * Runs a whole DAG once on the real interpreter: an in-process worker on a throwaway Temporal
 * dev server (in memory, started and stopped here), so trigger rules, branches, retries and
 * mapped tasks behave exactly as in production. Resolves with every task's state and output,
 * whether the run succeeded or not; bad params reject before anything starts.
 *
 * @example
 * const result = await testDag(churnReport, { params: { minRows: 500 } });
 * expect(result.status).toBe('success');
 * expect(result.tasks.find((t) => t.id === 'publish')?.output).toEqual({ published: true });
 */
export async function testDag<P, O extends Record<string, unknown>>(dag: Dag<P, O> | LoadedDag, options: DagTestOptions = {}): Promise<DagTestResult> {
  const loaded = withRetries(asLoadedDag(dag as Dag<unknown, Record<string, unknown>> | LoadedDag), options.retries ?? true);
  const dagId = loaded.plan.dagId;
  // Bad params fail here, before a server starts.
  validateParams(loaded.dag, options.params ?? {});
  const status = options.onStatus ?? (() => {});
  installTestRunLogger(options.onLogLine ?? ((line) => process.stderr.write(`${line}\n`)));
  const namespace = options.namespace ?? 'default';

  let server: TemporalDevServer | undefined;
  const db: Kysely<Database> = options.databaseUrl ? createDb(options.databaseUrl, { maxConnections: 2 }) : databaseNotConfigured();
  try {
    const bundlePromise = cachedWorkflowBundle(options.cacheDir ?? path.join(os.tmpdir(), 'weir-workflow-bundle'));
    let address = options.temporalAddress;
    if (!address) {
      status('starting an in-memory Temporal dev server');
      server = await startTemporalDevServer({ headless: true, namespace });
      address = server.address;
    }
    const bundle = await bundlePromise;
    if (bundle.built) status(`bundled the interpreter into ${bundle.path}`);
    const dataConverter = dataConverterFromEnv(process.env);
    const registry: DagRegistry = { get: (id) => (id === dagId ? loaded : undefined), ids: () => [dagId] };
    const taskQueue = `weir-test-${randomUUID().slice(0, 8)}`;
    const nativeConnection = await NativeConnection.connect({ address });
    const connection = await Connection.connect({ address });
    try {
      const worker = await Worker.create({
        connection: nativeConnection,
        namespace,
        taskQueue,
        activities: createTestActivities(registry, testServices({ db, namespace }), options.onLogLine ?? ((line) => process.stderr.write(`${line}\n`))),
        workflowBundle: { codePath: bundle.path },
        ...(dataConverter ? { dataConverter } : {}),
        defaultHeartbeatThrottleInterval: '1 second',
        maxHeartbeatThrottleInterval: '5 seconds',
      });
      const client = new Client({ connection, namespace, ...(dataConverter ? { dataConverter } : {}) });
      return await worker.runUntil(async () => {
        const runId = await triggerRun(client, {
          dagId,
          params: options.params ?? {},
          taskQueue,
          runId: `${dagId}-test-${randomUUID().slice(0, 8)}`,
          ...(options.logicalDate ? { logicalDate: options.logicalDate } : {}),
        });
        status(`started run ${runId}`);
        const snapshot = await waitForRun(client, runId, options.onProgress, 200);
        const outputs = await client.workflow.getHandle(runId).query<Record<string, unknown>>(TASK_OUTPUTS_QUERY);
        return toResult(snapshot, outputs);
      });
    } finally {
      await Promise.allSettled([nativeConnection.close(), connection.close()]);
    }
  } finally {
    await Promise.allSettled([server?.stop(), db.destroy()]);
  }
}

function asLoadedDag(value: Dag<unknown, Record<string, unknown>> | LoadedDag): LoadedDag {
  if ('plan' in value && 'dag' in value) return value;
  const { plan, problems } = checkDag(value, `${(value as { id?: string }).id ?? 'dag'}.ts`);
  if (!plan) throw new DagValidationError(problems);
  return { dag: value as Dag<unknown, Record<string, unknown>>, plan, file: plan.file };
}

function withRetries(loaded: LoadedDag, retries: boolean): LoadedDag {
  if (retries) return loaded;
  const plan: Plan = { ...loaded.plan, tasks: loaded.plan.tasks.map((task) => ({ ...task, options: { ...task.options, retries: 0 } })) };
  return { ...loaded, plan };
}

function toResult(snapshot: RunSnapshot, outputs: Record<string, unknown>): DagTestResult {
  return {
    runId: snapshot.runId,
    dagId: snapshot.dagId,
    status: snapshot.status,
    params: snapshot.params,
    snapshot,
    tasks: snapshot.tasks.map((task) => ({
      id: task.id,
      kind: task.kind,
      state: task.state,
      attempts: task.attempts,
      startedAt: task.startedAt,
      endedAt: task.endedAt,
      durationMs: task.startedAt && task.endedAt ? Date.parse(task.endedAt) - Date.parse(task.startedAt) : null,
      error: task.error,
      output: task.state === 'success' ? outputs[task.id] : undefined,
    })),
  };
}
