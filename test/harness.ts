import { triggerRun, waitForRun } from '../control/runs.ts';
import type { RunSnapshot, TaskState } from '../plan/types.ts';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { temporal } from '@temporalio/proto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { createDb } from '../db/index.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { WeirServices } from '../sdk/services.ts';
import { createWeirWorker, type WeirWorker } from '../worker/create-worker.ts';
import type { PoolLimit } from '../worker/pools.ts';
import { testStack } from './stack.ts';

export const TEST_DAGS_DIR = fileURLToPath(new URL('./dags/', import.meta.url));

export interface TestWorker extends WeirWorker {
  client: Client;
  taskQueue: string;
  db: Kysely<Database>;
  /**
   * Stops the worker and its pool workers, then replays every history it produced against the
   * current bundle (unless `replay: false`); resolves with how many it replayed.
   */
  shutdown(): Promise<number>;
}

export interface TestWorkerOptions {
  dagsDir?: string;
  /** The worker's configuration source; default `process.env`. */
  env?: Record<string, string | undefined>;
  syncSchedules?: boolean;
  taskQueue?: string;
  /** Activity-only workers next to the main one, as `weir worker` builds them from WEIR_POOLS. */
  pools?: PoolLimit[];
  /** The main worker's limit, as WEIR_MAX_CONCURRENT_ACTIVITIES sets it. */
  maxConcurrentActivities?: number;
  /** Replay the queue's histories at shutdown; default true (skip it for hundreds of identical runs). */
  replay?: boolean;
  /** A Temporal server of the test's own instead of the shared one. */
  temporalAddress?: string;
  /** A database of the test's own instead of the shared one; migrated already. */
  databaseUrl?: string;
  /** What tasks get in `ctx.services`; built from the environment when omitted. Its `db` is replaced by the worker's. */
  services?: Omit<WeirServices, 'db'>;
  /** Receives the worker's terminal lines (task log lines included); default: printed only with WEIR_TEST_LOG. */
  log?: (line: string) => void;
}

/**
 * A real Weir worker, run with `runAll()` like `weir worker`, on the shared dev server and
 * database unless told otherwise, and on a task queue of its own so test files can run side by side.
 */
export async function startTestWorker(options: TestWorkerOptions = {}): Promise<TestWorker> {
  const stack = testStack();
  const temporalAddress = options.temporalAddress ?? stack.temporalAddress;
  const taskQueue = options.taskQueue ?? `test-${randomUUID().slice(0, 8)}`;
  const connection = await NativeConnection.connect({ address: temporalAddress });
  // Histories of runs that continued as new carry their packed state and can pass gRPC's 4 MB default.
  const clientConnection = await Connection.connect({ address: temporalAddress, channelArgs: { 'grpc.max_receive_message_length': 64 * 1024 * 1024 } });
  const client = new Client({ connection: clientConnection, namespace: 'default' });
  const db = createDb(options.databaseUrl ?? stack.databaseUrl);
  const weir = await createWeirWorker({
    connection,
    namespace: 'default',
    taskQueue,
    dagsDir: options.dagsDir ?? TEST_DAGS_DIR,
    db,
    ...(options.syncSchedules ? { scheduleClient: client } : {}),
    ...(options.pools ? { pools: options.pools } : {}),
    ...(options.maxConcurrentActivities ? { maxConcurrentActivities: options.maxConcurrentActivities } : {}),
    ...(options.services ? { services: { ...options.services, db } } : {}),
    ...(options.env ? { env: options.env } : {}),
    workflowBundlePath: inject('workflowBundlePath'),
    log: options.log ?? (process.env.WEIR_TEST_LOG ? (line) => console.log(line) : () => {}),
  });
  const running = weir.runAll();
  return {
    ...weir,
    client,
    taskQueue,
    db,
    async shutdown() {
      weir.shutdownAll();
      await running;
      const replayed = options.replay === false ? 0 : await replayHistoriesOf(client, taskQueue);
      await connection.close();
      await clientConnection.close();
      await db.destroy();
      return replayed;
    },
  };
}

/** Replays every workflow that ran on the task queue; a nondeterministic change fails the test. */
export async function replayHistoriesOf(client: Client, taskQueue: string): Promise<number> {
  const executions = client.workflow.list({ query: `TaskQueue = '${taskQueue}'` });
  const histories = (async function* () {
    for await (const execution of executions) {
      const history = await client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      if (process.env.WEIR_RECORD_HISTORIES && execution.status.name !== 'RUNNING') await saveHistory(execution.type, history);
      yield { workflowId: execution.workflowId, history };
    }
  })();
  let count = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') } }, histories)) {
    count++;
    if (result.error) throw new Error(`replay of ${result.workflowId} failed: ${result.error.message}`);
  }
  return count;
}

export const HISTORIES_DIR = fileURLToPath(new URL('./histories/', import.meta.url));

/** Keeps one closed history per DAG as a fixture, so later code changes are replayed against it. */
async function saveHistory(dagId: string, history: temporal.api.history.v1.IHistory): Promise<void> {
  await mkdir(HISTORIES_DIR, { recursive: true });
  // Protobuf binary: exactly what the server sent, with no JSON conversion to drift.
  await writeFile(path.join(HISTORIES_DIR, `${dagId}.history.pb`), temporal.api.history.v1.History.encode(history).finish());
}

export async function loadHistory(file: string): Promise<temporal.api.history.v1.History> {
  return temporal.api.history.v1.History.decode(await readFile(file));
}

export function dagsPath(...parts: string[]): string {
  return path.join(TEST_DAGS_DIR, ...parts);
}

/** Triggers a run of `dagId` on the test worker's queue and waits until it ends. */
export async function runToEnd(weir: TestWorker, dagId: string, params: Record<string, unknown> = {}): Promise<RunSnapshot> {
  const runId = await triggerRun(weir.client, { dagId, params, taskQueue: weir.taskQueue });
  return waitForRun(weir.client, runId, () => {}, 200);
}

/** Each task's state by task id. */
export function taskStates(snapshot: RunSnapshot): Record<string, TaskState> {
  return Object.fromEntries(snapshot.tasks.map((task) => [task.id, task.state]));
}
