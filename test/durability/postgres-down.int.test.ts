import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRunSnapshot, triggerRun, waitForRun } from '../../control/runs.ts';
import { getModel, modelHistory, productionVersion } from '../../registry/index.ts';
import { startTestWorker, type TestWorker } from '../harness.ts';
import { pendingAttempt, until, type PendingAttempt } from './polling.ts';
import { privateStack, type PrivatePostgres, type PrivateStack } from './private-stack.ts';

const DAGS = fileURLToPath(new URL('../dags-durability/', import.meta.url));

describe('the registry database goes away in the middle of a run', () => {
  let stack: PrivateStack;
  let postgres: PrivatePostgres;
  let weir: TestWorker;
  const taskQueue = `pg-down-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    stack = await privateStack('weir-pg-down-');
    postgres = await stack.startPostgres();
    weir = await startTestWorker({ dagsDir: DAGS, taskQueue, databaseUrl: postgres.databaseUrl });
  });

  afterAll(async () => {
    if (weir) expect(await weir.shutdown()).toBeGreaterThan(0);
    await stack?.dispose();
  });

  /** Stops Postgres while `heldTask` waits, lets the run reach `failingTask`, and starts it again once that task has failed twice. */
  async function outageAt(heldTask: 'train' | 'checkpoint', failingTask: 'register' | 'promote'): Promise<{ runId: string; model: string; seen: PendingAttempt }> {
    const model = `outage_${failingTask}_${randomUUID().slice(0, 8)}`;
    const release = path.join(stack.dir, `release-${model}`);
    const params = { model, ...(heldTask === 'train' ? { releaseTrain: release } : { releaseCheckpoint: release }) };
    const runId = await triggerRun(weir.client, { dagId: 'registry_outage', params, taskQueue });
    await until(async () => {
      const snapshot = await getRunSnapshot(weir.client, runId).catch(() => null);
      return snapshot?.tasks.find((task) => task.id === heldTask)?.state === 'running';
    }, `${heldTask} to start`);

    await postgres.stop();
    await writeFile(release, '');

    const activityType = `registry_outage.${failingTask}`;
    const seen = await until(async () => {
      const pending = await pendingAttempt(weir.client, runId, activityType);
      return pending !== null && pending.attempt >= 3 ? pending : null;
    }, `${failingTask} to fail twice against the stopped database`);

    await postgres.start();
    return { runId, model, seen };
  }

  /** One version, in production, and an audit trail of exactly one registration and one promotion by the run. */
  async function expectRegisteredAndPromotedOnce(runId: string, model: string): Promise<number> {
    const outputs = await weir.client.workflow.getHandle(runId).query<{ register: { version: number; created: boolean }; promote: { version: number; previousVersion: number | null; replayed: boolean } }>(
      'weir.taskOutputs',
    );
    const details = await getModel(weir.db, model);
    expect(details.versions.map((version) => version.version)).toEqual([outputs.register.version]);
    expect(details.versions[0]?.idempotencyKey).toBe(`${runId}:register`);
    expect((await productionVersion(weir.db, model))?.version).toBe(outputs.register.version);
    expect(outputs.promote).toMatchObject({ version: outputs.register.version, previousVersion: null });
    const trail = await modelHistory(weir.db, model);
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

    const done = await waitForRun(weir.client, runId);
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

    const done = await waitForRun(weir.client, runId);
    expect(done.status).toBe('success');
    const states = Object.fromEntries(done.tasks.map((task) => [task.id, [task.state, task.attempts]]));
    expect(states.register).toEqual(['success', 1]);
    expect(states.promote?.[0]).toBe('success');
    expect(states.promote?.[1]).toBeGreaterThanOrEqual(3);
    await expectRegisteredAndPromotedOnce(runId, model);
  });
});
