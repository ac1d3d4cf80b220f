import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createDb } from '../db/index.ts';
import type { Database } from '../db/schema.ts';

/** What a benchmark needs to run workers and start runs on the bench stack. */
export interface BenchConnections {
  /** For workers. */
  connection: NativeConnection;
  client: Client;
  db: Kysely<Database>;
  close(): Promise<void>;
}

export async function openBenchConnections(stack: { temporalAddress: string; databaseUrl: string }): Promise<BenchConnections> {
  const connection = await NativeConnection.connect({ address: stack.temporalAddress });
  const clientConnection = await Connection.connect({ address: stack.temporalAddress });
  const db = createDb(stack.databaseUrl);
  return {
    connection,
    client: new Client({ connection: clientConnection, namespace: 'default' }),
    db,
    async close() {
      await Promise.allSettled([connection.close(), clientConnection.close(), db.destroy()]);
    },
  };
}
