import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDb, migrateToLatest } from '../db/index.ts';
import { startEmbeddedPostgres } from '../infra/embedded-postgres.ts';
import { resolveTemporalBinary } from '../infra/temporal-binary.ts';
import { startTemporalDevServer } from '../infra/temporal-dev-server.ts';

export interface BenchStack {
  /** Temp folder holding the server log, the Temporal SQLite file and the Postgres cluster. */
  dir: string;
  temporalAddress: string;
  databaseUrl: string;
  stop(): Promise<void>;
}

/**
 * A private, headless Temporal dev server and a migrated embedded Postgres in a temp folder,
 * set up the way `weir dev` sets up its own (SQLite file on disk), so no other run interferes.
 */
export async function startBenchStack(log: (line: string) => void): Promise<BenchStack> {
  const dir = await mkdtemp(path.join(tmpdir(), 'weir-bench-'));
  // mkdtemp makes it 0700; as root, Postgres runs as the `postgres` user and must enter it.
  await chmod(dir, 0o755);
  const binary = await resolveTemporalBinary({ log });
  const [temporal, postgres] = await Promise.allSettled([
    startTemporalDevServer({ binary, headless: true, dbFile: path.join(dir, 'temporal.db'), logFile: path.join(dir, 'temporal.log') }),
    startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres') }),
  ]);
  const stop = async () => {
    await Promise.allSettled([
      temporal.status === 'fulfilled' ? temporal.value.stop() : undefined,
      postgres.status === 'fulfilled' ? postgres.value.stop() : undefined,
    ]);
    await rm(dir, { recursive: true, force: true });
  };
  if (temporal.status === 'rejected' || postgres.status === 'rejected') {
    await stop();
    throw temporal.status === 'rejected' ? temporal.reason : (postgres as PromiseRejectedResult).reason;
  }
  try {
    await migrate(postgres.value.databaseUrl);
  } catch (error) {
    await stop();
    throw error;
  }
  return { dir, temporalAddress: temporal.value.address, databaseUrl: postgres.value.databaseUrl, stop };
}

async function migrate(databaseUrl: string): Promise<void> {
  const db = createDb(databaseUrl);
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}
