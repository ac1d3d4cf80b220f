import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb, migrateToLatest } from '../db/index.ts';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../infra/embedded-postgres.ts';
import { startTemporalDevServer, type TemporalDevServer } from '../infra/temporal-dev-server.ts';
import { resolveTemporalBinary } from '../infra/temporal-binary.ts';
import { resolveVersityGwBinary, startVersityGw, type VersityGwServer } from '../infra/versitygw.ts';
import type { TestStack } from './stack.ts';

/**
 * Starts one real Temporal dev server, one real Postgres and one real S3-compatible server
 * (Versity's gateway) for all integration tests.
 * Set WEIR_KEEP_TEST_STACK=1 to keep the temp folder (server logs, data) after the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stackDir = await mkdtemp(path.join(tmpdir(), 'weir-test-stack-'));
  // mkdtemp makes it 0700; Postgres runs as the `postgres` user when we are root.
  await chmod(stackDir, 0o755);

  const log = (line: string) => process.stderr.write(`[weir test stack] ${line}\n`);
  let temporal: TemporalDevServer | undefined;
  let postgres: EmbeddedPostgresServer | undefined;
  let s3: VersityGwServer | undefined;
  const teardown = async () => {
    await Promise.allSettled([temporal?.stop(), postgres?.stop(), s3?.stop()]);
    if (process.env.WEIR_KEEP_TEST_STACK === '1') log(`kept ${stackDir}`);
    else await rm(stackDir, { recursive: true, force: true });
  };

  try {
    const temporalBin = await resolveTemporalBinary({ log });
    const versitygwBin = await resolveVersityGwBinary({ log });
    const temporalDbFile = path.join(stackDir, 'temporal.db');
    const s3Bucket = 'weir-test';
    const [temporalStart, postgresStart, s3Start] = await Promise.allSettled([
      startTemporalDevServer({
        binary: temporalBin,
        dbFile: temporalDbFile,
        // Not headless: browser tests drive the Web UI.
        headless: false,
        logFile: path.join(stackDir, 'temporal.log'),
      }),
      startEmbeddedPostgres({ dataDir: path.join(stackDir, 'postgres') }),
      startVersityGw({ binary: versitygwBin, dataDir: path.join(stackDir, 's3'), logFile: path.join(stackDir, 'versitygw.log'), buckets: [s3Bucket] }),
    ]);
    if (temporalStart.status === 'fulfilled') temporal = temporalStart.value;
    if (postgresStart.status === 'fulfilled') postgres = postgresStart.value;
    if (s3Start.status === 'fulfilled') s3 = s3Start.value;
    if (temporalStart.status === 'rejected') throw temporalStart.reason;
    if (postgresStart.status === 'rejected') throw postgresStart.reason;
    if (s3Start.status === 'rejected') throw s3Start.reason;
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
      s3Endpoint: s3Start.value.endpoint,
      s3AccessKey: s3Start.value.accessKey,
      s3SecretKey: s3Start.value.secretKey,
      s3Bucket,
    };
    for (const key of Object.keys(stack) as (keyof TestStack)[]) project.provide(key, stack[key]);
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
