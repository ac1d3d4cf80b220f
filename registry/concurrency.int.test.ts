import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../db/connection.ts';
import type { Database } from '../db/schema.ts';
import { testStack } from '../test/stack.ts';
import { getModel, modelHistory, promoteModel, registerModelVersion, rollbackModel, type ModelStage, type ModelTransition } from './index.ts';
import { registerTestVersion, testLineage, uniqueModelName, writeModelFile } from './test-fixtures.ts';

// Two pools stand for two workers; each promotion gets a connection of its own.
let workerA: Kysely<Database>;
let workerB: Kysely<Database>;
beforeAll(() => {
  workerA = createDb(testStack().databaseUrl, { maxConnections: 12 });
  workerB = createDb(testStack().databaseUrl, { maxConnections: 12 });
});
afterAll(async () => {
  await Promise.all([workerA?.destroy(), workerB?.destroy()]);
});
const pool = (i: number) => (i % 2 === 0 ? workerA : workerB);

/**
 * Replays the audit trail from scratch and checks that every row starts from the stage the
 * trail says the version was in, and that no point in it had two production versions.
 */
function replayTrail(trail: readonly ModelTransition[]): Map<number, ModelStage> {
  const stages = new Map<number, ModelStage>();
  for (const step of trail) {
    if (step.action === 'register') {
      expect(stages.has(step.version)).toBe(false);
    } else {
      expect(step.fromStage, `transition ${step.id} starts from the stage the trail left v${step.version} in`).toBe(stages.get(step.version));
    }
    stages.set(step.version, step.toStage);
    expect([...stages.values()].filter((stage) => stage === 'production').length).toBeLessThanOrEqual(1);
  }
  return stages;
}

describe('concurrent stage changes', () => {
  it('many simultaneous promotions leave exactly one production version and a consistent trail', async () => {
    const name = uniqueModelName('race');
    const count = 16;
    for (let i = 0; i < count; i++) await registerTestVersion(workerA, name);

    const results = await Promise.allSettled(
      Array.from({ length: count }, (_, i) => promoteModel(pool(i), { name, version: i + 1, actor: `run-${i}`, reason: 'race', idempotencyKey: `race-${name}-${i}` })),
    );
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);

    const model = await getModel(workerA, name);
    const production = model.versions.filter((v) => v.stage === 'production');
    expect(production).toHaveLength(1);
    expect(model.versions.filter((v) => v.stage === 'archived')).toHaveLength(count - 1);

    const trail = await modelHistory(workerA, name);
    // count registrations, count promotions, and one archive for every promotion but the first.
    expect(trail).toHaveLength(count + count + (count - 1));
    const replayed = replayTrail(trail);
    for (const version of model.versions) expect(replayed.get(version.version)).toBe(version.stage);
    // Each promotion archived exactly the version the previous one put in production.
    const promotions = trail.filter((step) => step.toStage === 'production');
    const changes = results.map((result) => (result.status === 'fulfilled' ? result.value : null));
    for (const [i, step] of promotions.entries()) {
      const change = changes.find((candidate) => candidate?.version === step.version);
      expect(change?.previousVersion).toBe(i === 0 ? null : promotions[i - 1]?.version);
    }
  });

  it('promotions racing with rollbacks keep the invariant', async () => {
    const name = uniqueModelName('race-rollback');
    for (let i = 0; i < 6; i++) await registerTestVersion(workerA, name);
    await promoteModel(workerA, { name, version: 1, actor: 'seed', idempotencyKey: `seed-${name}` });
    const work = [
      ...[2, 3, 4, 5, 6].map((version, i) => promoteModel(pool(i), { name, version, actor: 'ci', idempotencyKey: `p-${name}-${version}` })),
      ...[0, 1, 2].map((i) => rollbackModel(pool(i + 1), { name, actor: 'oncall' })),
    ];
    await Promise.allSettled(work);
    const model = await getModel(workerA, name);
    expect(model.versions.filter((v) => v.stage === 'production')).toHaveLength(1);
    replayTrail(await modelHistory(workerA, name));
  });

  it('the same promotion retried at once by several attempts happens once', async () => {
    const name = uniqueModelName('race-key');
    await registerTestVersion(workerA, name);
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => promoteModel(pool(i), { name, version: 1, actor: 'run-1', idempotencyKey: `run-1:${name}:promote` })),
    );
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect(new Set(results.map((result) => result.transitions[0]?.id)).size).toBe(1);
    expect((await modelHistory(workerA, name)).filter((step) => step.action === 'promote')).toHaveLength(1);
  });

  it('simultaneous registrations get distinct consecutive versions; a repeated key gets one', async () => {
    const name = uniqueModelName('race-register');
    const uris = await Promise.all(Array.from({ length: 10 }, () => writeModelFile()));
    const registered = await Promise.all(
      uris.map((artifactUri, i) => registerModelVersion(pool(i), { name, artifactUri, metrics: { i }, lineage: testLineage(), idempotencyKey: `${name}:${i}` })),
    );
    expect(registered.map((v) => v.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

    const sameKey = { name, artifactUri: uris[0] ?? '', metrics: {}, lineage: testLineage(), idempotencyKey: `${name}:again` };
    const repeats = await Promise.all(Array.from({ length: 6 }, (_, i) => registerModelVersion(pool(i), sameKey)));
    expect(new Set(repeats.map((v) => v.version))).toEqual(new Set([11]));
    expect(repeats.filter((v) => v.created)).toHaveLength(1);
  });
});
