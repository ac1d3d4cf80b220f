import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { inject } from 'vitest';
import { createDb } from '../../db/index.ts';
import type { Database } from '../../db/schema.ts';
import { createWeirWorker, type WeirWorker } from '../../worker/create-worker.ts';
import type { PoolLimit } from '../../worker/pools.ts';
import { replayHistoriesOf } from '../harness.ts';
import { testStack } from '../stack.ts';

export const LOAD_DAGS_DIR = fileURLToPath(new URL('./dags/', import.meta.url));

export interface LoadWorker extends WeirWorker {
  client: Client;
  taskQueue: string;
  db: Kysely<Database>;
  /** Stops every worker; with `replay`, then replays the histories they produced. */
  shutdown(): Promise<void>;
}

export interface LoadWorkerOptions {
  pools?: PoolLimit[];
  maxConcurrentActivities?: number;
  /** Replay every history of the queue at shutdown (skip it for hundreds of identical runs). */
  replay?: boolean;
}

/**
 * Like the shared test harness's worker, but built the way `weir worker` builds it from
 * WEIR_POOLS and WEIR_MAX_CONCURRENT_ACTIVITIES, and run with `runAll()`.
 */
export async function startLoadWorker(options: LoadWorkerOptions = {}): Promise<LoadWorker> {
  const stack = testStack();
  const taskQueue = `load-${randomUUID().slice(0, 8)}`;
  const connection = await NativeConnection.connect({ address: stack.temporalAddress });
  const clientConnection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection: clientConnection, namespace: 'default' });
  const db = createDb(stack.databaseUrl);
  const weir = await createWeirWorker({
    connection,
    namespace: 'default',
    taskQueue,
    dagsDir: LOAD_DAGS_DIR,
    db,
    workflowBundlePath: inject('workflowBundlePath'),
    ...(options.pools ? { pools: options.pools } : {}),
    ...(options.maxConcurrentActivities ? { maxConcurrentActivities: options.maxConcurrentActivities } : {}),
    log: process.env.WEIR_TEST_LOG ? (line) => console.log(line) : () => {},
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
      if (options.replay) await replayHistoriesOf(client, taskQueue);
      await connection.close();
      await clientConnection.close();
      await db.destroy();
    },
  };
}
