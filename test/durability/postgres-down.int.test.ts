import { randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getRunSnapshot, triggerRun, waitForRun } from '../../control/runs.ts';
import { createDb, migrateToLatest } from '../../db/index.ts';
import type { Database } from '../../db/schema.ts';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../../infra/embedded-postgres.ts';
import { getModel, modelHistory, productionVersion } from '../../registry/index.ts';
import { createWeirWorker, type WeirWorker } from '../../worker/create-worker.ts';
import { replayHistoriesOf } from '../harness.ts';
import { testStack } from '../stack.ts';

const DAGS = fileURLToPath(new URL('../dags-durability/', import.meta.url));

async function until<T>(probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, what: string, tries = 1200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface PendingAttempt {
  attempt: number;
  lastFailure: string;
}

/** The attempt Temporal is on for a still-pending activity, and why the one before failed. */
async function pendingAttempt(client: Client, runId: string, activityType: string): Promise<PendingAttempt | null> {
  const description = await client.workflow.getHandle(runId).describe();
  const pending = description.raw.pendingActivities?.find((activity) => activity.activityType?.name === activityType);
  if (!pending) return null;
  return { attempt: pending.attempt ?? 0, lastFailure: pending.lastFailure?.message ?? '' };
}

describe('the registry database goes away in the middle of a run', () => {
  let stateDir: string;
  let dataDir: string;
  let postgres: EmbeddedPostgresServer | undefined;
  let db: Kysely<Database>;
  let workerConnection: NativeConnection;
  let clientConnection: Connection;
  let client: Client;
  let weir: WeirWorker;
  let running: Promise<void>;
  const taskQueue = `pg-down-${randomUUID().slice(0, 8)}`;
  const savedArtifactRoot = process.env.WEIR_ARTIFACT_ROOT;

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'weir-pg-down-'));
    // As root, Postgres runs as the `postgres` user, which must reach its data folder.
    await chmod(stateDir, 0o755);
    dataDir = path.join(stateDir, 'postgres');
    postgres = await startEmbeddedPostgres({ dataDir });
    db = createDb(postgres.databaseUrl);
    await migrateToLatest(db);

    process.env.WEIR_ARTIFACT_ROOT = path.join(stateDir, 'artifacts');
    const { temporalAddress } = testStack();
    workerConnection = await NativeConnection.connect({ address: temporalAddress });
    clientConnection = await Connection.connect({ address: temporalAddress });
    client = new Client({ connection: clientConnection, namespace: 'default' });
    weir = await createWeirWorker({
      connection: workerConnection,
      namespace: 'default',
      taskQueue,
      dagsDir: DAGS,
      db,
      workflowBundlePath: inject('workflowBundlePath'),
      log: () => {},
    });
    running = weir.worker.run();
  });

  afterAll(async () => {
    if (weir?.worker.getState() === 'RUNNING') weir.worker.shutdown();
    await running;
    if (client) expect(await replayHistoriesOf(client, taskQueue)).toBeGreaterThan(0);
    await workerConnection?.close();
    await clientConnection?.close();
    await db?.destroy();
    await postgres?.stop();
    if (savedArtifactRoot === undefined) delete process.env.WEIR_ARTIFACT_ROOT;
    else process.env.WEIR_ARTIFACT_ROOT = savedArtifactRoot;
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  /** Stops Postgres while `heldTask` waits, lets the run reach `failingTask`, and starts it again once that task has failed twice. */
  async function outageAt(heldTask: 'train' | 'checkpoint', failingTask: 'register' | 'promote'): Promise<{ runId: string; model: string; seen: PendingAttempt }> {
    const model = `outage_${failingTask}_${randomUUID().slice(0, 8)}`;
    const release = path.join(stateDir, `release-${model}`);
    const params = { model, ...(heldTask === 'train' ? { releaseTrain: release } : { releaseCheckpoint: release }) };
    const runId = await triggerRun(client, { dagId: 'registry_outage', params, taskQueue });
    await until(async () => {
      const snapshot = await getRunSnapshot(client, runId).catch(() => null);
      return snapshot?.tasks.find((task) => task.id === heldTask)?.state === 'running';
    }, `${heldTask} to start`);

    const port = postgres?.port as number;
    await postgres?.stop();
    postgres = undefined;
    await writeFile(release, '');

    const activityType = `registry_outage.${failingTask}`;
    const seen = await until(async () => {
      const pending = await pendingAttempt(client, runId, activityType);
      return pending !== null && pending.attempt >= 3 ? pending : null;
    }, `${failingTask} to fail twice against the stopped database`);

    postgres = await startEmbeddedPostgres({ dataDir, port });
    return { runId, model, seen };
  }

  /** One version, in production, and an audit trail of exactly one registration and one promotion by the run. */
  async function expectRegisteredAndPromotedOnce(runId: string, model: string): Promise<number> {
    const outputs = await client.workflow.getHandle(runId).query<{ register: { version: number; created: boolean }; promote: { version: number; previousVersion: number | null; replayed: boolean } }>(
      'weir.taskOutputs',
    );
    const details = await getModel(db, model);
    expect(details.versions.map((version) => version.version)).toEqual([outputs.register.version]);
    expect(details.versions[0]?.idempotencyKey).toBe(`${runId}:register`);
    expect((await productionVersion(db, model))?.version).toBe(outputs.register.version);
    expect(outputs.promote).toMatchObject({ version: outputs.register.version, previousVersion: null });
    const trail = await modelHistory(db, model);
    expect(trail.map((row) => [row.action, row.version, row.fromStage, row.toStage, row.actor])).toEqual([
      ['register', outputs.register.version, null, 'none', runId],
      ['promote', outputs.register.version, 'none', 'production', runId],
    ]);
    expect(trail[1]?.idempotencyKey).toBe(`${runId}:promote`);
    return outputs.register.version;
  }

  it('registration retries with backoff while Postgres is down and completes once it is back', async () => {
    const { runId, model, seen } = await outageAt('train', 'register');
    // The failures were the lost database, not a registry verdict that would have failed at once.
    expect(seen.lastFailure).toMatch(/ECONNREFUSED|connect|terminat|Connection/i);

    const done = await waitForRun(client, runId);
    expect(done.status).toBe('success');
    const states = Object.fromEntries(done.tasks.map((task) => [task.id, [task.state, task.attempts]]));
    expect(states.train).toEqual(['success', 1]);
    expect(states.register?.[0]).toBe('success');
    expect(states.register?.[1]).toBeGreaterThanOrEqual(3);
    expect(states.promote).toEqual(['success', 1]);
    await expectRegisteredAndPromotedOnce(runId, model);
  });

  it('promotion retries with backoff while Postgres is down and promotes exactly once when it is back', async () => {
    const { runId, model, seen } = await outageAt('checkpoint', 'promote');
    expect(seen.lastFailure).toMatch(/ECONNREFUSED|connect|terminat|Connection/i);

    const done = await waitForRun(client, runId);
    expect(done.status).toBe('success');
    const states = Object.fromEntries(done.tasks.map((task) => [task.id, [task.state, task.attempts]]));
    expect(states.register).toEqual(['success', 1]);
    expect(states.promote?.[0]).toBe('success');
    expect(states.promote?.[1]).toBeGreaterThanOrEqual(3);
    await expectRegisteredAndPromotedOnce(runId, model);
  });
});
