import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb, migrateToLatest } from '../db/index.ts';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../infra/embedded-postgres.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../infra/temporal-dev-server.ts';
import { resolveTemporalBinary } from '../infra/temporal-binary.ts';
import type { TestStack } from './stack.ts';

/**
 * Starts one real Temporal dev server and one real Postgres for all integration tests.
 * Set WEIR_KEEP_TEST_STACK=1 to keep the temp folder (server logs, data) after the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stackDir = await mkdtemp(path.join(tmpdir(), 'weir-test-stack-'));
  // mkdtemp makes it 0700; Postgres runs as the `postgres` user when we are root.
  await chmod(stackDir, 0o755);

  const log = (line: string) => process.stderr.write(`[weir test stack] ${line}\n`);
  let temporal: TemporalDevServer | undefined;
  let postgres: EmbeddedPostgresServer | undefined;
  const teardown = async () => {
    await Promise.allSettled([temporal?.stop(), postgres?.stop()]);
    if (process.env.WEIR_KEEP_TEST_STACK === '1') log(`kept ${stackDir}`);
    else await rm(stackDir, { recursive: true, force: true });
  };

  try {
    const temporalBin = await resolveTemporalBinary({ log });
    const temporalDbFile = path.join(stackDir, 'temporal.db');
    const [temporalStart, postgresStart] = await Promise.allSettled([
      startTemporalDevServer({
        binary: temporalBin,
        dbFile: temporalDbFile,
        // Not headless: browser tests drive the Web UI.
        headless: false,
        logFile: path.join(stackDir, 'temporal.log'),
      }),
      startEmbeddedPostgres({ dataDir: path.join(stackDir, 'postgres') }),
    ]);
    if (temporalStart.status === 'fulfilled') temporal = temporalStart.value;
    if (postgresStart.status === 'fulfilled') postgres = postgresStart.value;
    if (temporalStart.status === 'rejected') throw temporalStart.reason;
    if (postgresStart.status === 'rejected') throw postgresStart.reason;
    const server = temporalStart.value;
    const databaseUrl = postgresStart.value.databaseUrl;

    const db = createDb(databaseUrl);
    try {
      await migrateToLatest(db);
    } finally {
      await db.destroy();
    }

    if (server.uiUrl === null) throw new Error('The test Temporal server was started without its Web UI');
    const stack: TestStack = {
      temporalAddress: server.address,
      temporalUiUrl: server.uiUrl,
      temporalBin,
      temporalDbFile,
      databaseUrl,
    };
    for (const key of Object.keys(stack) as (keyof TestStack)[]) project.provide(key, stack[key]);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
