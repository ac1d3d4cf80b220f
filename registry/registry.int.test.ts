import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../db/connection.ts';
import type { Database } from '../db/schema.ts';
import { testStack } from '../test/stack.ts';
import {
  ArtifactChecksumMismatchError,
  ArtifactUnavailableError,
  getModel,
  IdempotencyConflictError,
  InvalidModelInputError,
  InvalidTransitionError,
  listModels,
  modelHistory,
  ModelNotFoundError,
  NoRollbackTargetError,
  productionVersion,
  promoteModel,
  registerModelVersion,
  resolveModelAlias,
  rollbackModel,
  setModelAlias,
  transition,
  verifyArtifact,
} from './index.ts';
import { registerTestVersion, testLineage, uniqueModelName, writeModelFile } from './test-fixtures.ts';

let db: Kysely<Database>;
beforeAll(() => {
  db = createDb(testStack().databaseUrl);
});
afterAll(async () => {
  await db?.destroy();
});

const key = () => `key-${Math.random().toString(36).slice(2)}`;

describe('registerModelVersion', () => {
  it('numbers versions from 1, records the sha256, size, lineage and a register transition', async () => {
    const name = uniqueModelName('reg');
    const artifactUri = await writeModelFile('hello');
    const lineage = testLineage();
    const first = await registerModelVersion(db, { name, artifactUri, metrics: { auc: 0.9 }, params: { depth: 4 }, lineage, idempotencyKey: `${lineage.runId}:register` });
    expect(first).toMatchObject({
      name,
      version: 1,
      stage: 'none',
      created: true,
      artifactUri,
      // sha256("hello")
      sha256: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
      sizeBytes: 5,
      metrics: { auc: 0.9 },
      params: { depth: 4 },
      lineage,
    });
    const second = await registerTestVersion(db, name);
    expect(second.version).toBe(2);
    expect(await modelHistory(db, name)).toMatchObject([
      { version: 1, fromStage: null, toStage: 'none', action: 'register', actor: lineage.runId },
      { version: 2, action: 'register' },
    ]);
  });

  it('returns the existing version for a repeated idempotency key instead of adding one', async () => {
    const name = uniqueModelName('idem');
    const artifactUri = await writeModelFile();
    const input = { name, artifactUri, metrics: { auc: 0.7 }, lineage: testLineage(), idempotencyKey: key() };
    const first = await registerModelVersion(db, input);
    const again = await registerModelVersion(db, input);
    expect(again).toMatchObject({ version: first.version, sha256: first.sha256, created: false });
    expect((await getModel(db, name)).versions).toHaveLength(1);
    expect(await modelHistory(db, name)).toHaveLength(1);
  });

  it('refuses a key reused for a different model', async () => {
    const input = { name: uniqueModelName('idem'), artifactUri: await writeModelFile(), metrics: {}, lineage: testLineage(), idempotencyKey: key() };
    await registerModelVersion(db, input);
    await expect(registerModelVersion(db, { ...input, name: uniqueModelName('other') })).rejects.toBeInstanceOf(IdempotencyConflictError);
  });

  it('hashes a directory artifact as a manifest of its files', async () => {
    const file = await writeModelFile('a');
    const dirUri = new URL('.', file).href;
    await writeFile(fileURLToPath(new URL('extra.json', dirUri)), '{}');
    const version = await registerModelVersion(db, { name: uniqueModelName('dir'), artifactUri: dirUri, metrics: {}, lineage: testLineage(), idempotencyKey: key() });
    expect(version.sizeBytes).toBe(3);
    expect(version.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects missing, empty and non-file artifacts and bad input with clear errors, storing nothing', async () => {
    const name = uniqueModelName('bad');
    const base = { name, metrics: { auc: 1 }, lineage: testLineage(), idempotencyKey: key() };
    await expect(registerModelVersion(db, { ...base, artifactUri: 'file:///no/such/model.bin' })).rejects.toThrow(
      new ArtifactUnavailableError('file:///no/such/model.bin', 'does not exist'),
    );
    await expect(registerModelVersion(db, { ...base, artifactUri: await writeModelFile('') })).rejects.toThrow(/is an empty file/);
    await expect(registerModelVersion(db, { ...base, artifactUri: 's3://bucket/model' })).rejects.toThrow(/is not a file:\/\/ URI/);
    await expect(registerModelVersion(db, { ...base, artifactUri: await writeModelFile(), metrics: { auc: Number.NaN } })).rejects.toThrow(
      expect.objectContaining({ name: 'InvalidModelInputError', field: 'metrics.auc' }) as InvalidModelInputError,
    );
    await expect(registerModelVersion(db, { ...base, name: 'no spaces allowed', artifactUri: await writeModelFile() })).rejects.toBeInstanceOf(InvalidModelInputError);
    await expect(getModel(db, name)).rejects.toBeInstanceOf(ModelNotFoundError);
  });
});

describe('verifyArtifact', () => {
  it('passes an intact artifact and names a corrupt one', async () => {
    const name = uniqueModelName('verify');
    const version = await registerTestVersion(db, name);
    await expect(verifyArtifact(db, name, version.version)).resolves.toMatchObject({ version: 1 });
    await writeFile(fileURLToPath(version.artifactUri), 'tampered');
    const error = await verifyArtifact(db, name, 1).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ArtifactChecksumMismatchError);
    expect(error).toMatchObject({ modelName: name, version: 1, expectedSha256: version.sha256 });
  });
});

describe('promoteModel', () => {
  it('puts a version in production and archives the previous one, recording both transitions', async () => {
    const name = uniqueModelName('promote');
    await registerTestVersion(db, name);
    await registerTestVersion(db, name);
    const first = await promoteModel(db, { name, version: 1, actor: 'alice', reason: 'first', idempotencyKey: key() });
    expect(first).toMatchObject({ version: 1, previousVersion: null, replayed: false });
    const second = await promoteModel(db, { name, version: 2, actor: 'bob', reason: 'better auc', idempotencyKey: key() });
    expect(second).toMatchObject({ version: 2, previousVersion: 1 });
    expect(second.transitions.map((t) => [t.version, t.fromStage, t.toStage])).toEqual([
      [1, 'production', 'archived'],
      [2, 'none', 'production'],
    ]);
    expect((await productionVersion(db, name))?.version).toBe(2);
    expect((await getModel(db, name)).versions.map((v) => v.stage)).toEqual(['archived', 'production']);
    expect(await listModels(db)).toContainEqual(expect.objectContaining({ name, productionVersion: 2, latestVersion: 2, versions: 2 }));
  });

  it('is idempotent per key: a repeat changes nothing and reports the original change', async () => {
    const name = uniqueModelName('promote-idem');
    await registerTestVersion(db, name);
    await registerTestVersion(db, name);
    await promoteModel(db, { name, version: 1, actor: 'a', idempotencyKey: key() });
    const k = key();
    const first = await promoteModel(db, { name, version: 2, actor: 'a', idempotencyKey: k });
    const repeat = await promoteModel(db, { name, version: 2, actor: 'a', idempotencyKey: k });
    expect(repeat).toMatchObject({ version: 2, previousVersion: 1, replayed: true });
    expect(repeat.transitions.map((t) => t.id)).toEqual(first.transitions.map((t) => t.id));
    expect(await modelHistory(db, name)).toHaveLength(2 + 1 + 2);
    await expect(promoteModel(db, { name, version: 1, actor: 'a', idempotencyKey: k })).rejects.toBeInstanceOf(IdempotencyConflictError);
  });

  it('refuses to promote the production version again, or an unknown version', async () => {
    const name = uniqueModelName('promote-bad');
    await registerTestVersion(db, name);
    await promoteModel(db, { name, version: 1, actor: 'a', idempotencyKey: key() });
    await expect(promoteModel(db, { name, version: 1, actor: 'a', idempotencyKey: key() })).rejects.toBeInstanceOf(InvalidTransitionError);
    await expect(promoteModel(db, { name, version: 9, actor: 'a', idempotencyKey: key() })).rejects.toThrow(`model "${name}" has no version 9`);
    await expect(promoteModel(db, { name: uniqueModelName('nope'), version: 1, actor: 'a', idempotencyKey: key() })).rejects.toBeInstanceOf(ModelNotFoundError);
  });
});

describe('transition', () => {
  it('moves between stages, and treats a move to production as a promotion', async () => {
    const name = uniqueModelName('transition');
    await registerTestVersion(db, name);
    await registerTestVersion(db, name);
    await expect(transition(db, { name, version: 1, to: 'staging', actor: 'a', reason: 'shadow' })).resolves.toMatchObject({ previousVersion: null });
    await transition(db, { name, version: 1, to: 'production', actor: 'a' });
    const promoted = await transition(db, { name, version: 2, to: 'production', actor: 'a' });
    expect(promoted.previousVersion).toBe(1);
    await expect(transition(db, { name, version: 2, to: 'production', actor: 'a' })).rejects.toBeInstanceOf(InvalidTransitionError);
    expect((await modelHistory(db, name)).slice(2).map((t) => [t.version, t.fromStage, t.toStage, t.action])).toEqual([
      [1, 'none', 'staging', 'transition'],
      [1, 'staging', 'production', 'promote'],
      [1, 'production', 'archived', 'promote'],
      [2, 'none', 'production', 'promote'],
    ]);
  });
});

describe('rollbackModel', () => {
  it('restores the version that served before, from the audit trail, and walks further back on a second rollback', async () => {
    const name = uniqueModelName('rollback');
    for (let i = 0; i < 3; i++) await registerTestVersion(db, name);
    for (const version of [1, 2, 3]) await promoteModel(db, { name, version, actor: 'ci', idempotencyKey: key() });
    // v1 -> v2 -> v3; v2 has a higher number than v1 but the trail, not the number, decides.
    const first = await rollbackModel(db, { name, actor: 'oncall', reason: 'latency' });
    expect(first).toMatchObject({ version: 2, previousVersion: 3 });
    const second = await rollbackModel(db, { name, actor: 'oncall', reason: 'still bad' });
    expect(second).toMatchObject({ version: 1, previousVersion: 2 });
    await expect(rollbackModel(db, { name, actor: 'oncall' })).rejects.toBeInstanceOf(NoRollbackTargetError);
    expect((await getModel(db, name)).versions.map((v) => v.stage)).toEqual(['production', 'archived', 'archived']);
    const trail = await modelHistory(db, name);
    expect(trail.at(-1)).toMatchObject({ version: 1, fromStage: 'archived', toStage: 'production', action: 'rollback', actor: 'oncall', reason: 'still bad' });
  });

  it('follows the trail when promotions went out of numeric order', async () => {
    const name = uniqueModelName('rollback-order');
    for (let i = 0; i < 3; i++) await registerTestVersion(db, name);
    await promoteModel(db, { name, version: 3, actor: 'ci', idempotencyKey: key() });
    await promoteModel(db, { name, version: 1, actor: 'ci', idempotencyKey: key() });
    await expect(rollbackModel(db, { name, actor: 'oncall' })).resolves.toMatchObject({ version: 3, previousVersion: 1 });
  });

  it('restores an explicit version with --to, and is idempotent with a key', async () => {
    const name = uniqueModelName('rollback-to');
    for (let i = 0; i < 3; i++) await registerTestVersion(db, name);
    await promoteModel(db, { name, version: 3, actor: 'ci', idempotencyKey: key() });
    const k = key();
    const first = await rollbackModel(db, { name, to: 1, actor: 'oncall', idempotencyKey: k });
    const again = await rollbackModel(db, { name, actor: 'oncall', idempotencyKey: k });
    expect(first).toMatchObject({ version: 1, previousVersion: 3, replayed: false });
    expect(again).toMatchObject({ version: 1, previousVersion: 3, replayed: true });
    expect((await productionVersion(db, name))?.version).toBe(1);
    await expect(rollbackModel(db, { name, to: 1, actor: 'oncall' })).rejects.toThrow(/v1 is already in production/);
  });

  it('restores the version before one that was taken out of production by hand', async () => {
    const name = uniqueModelName('rollback-empty');
    await registerTestVersion(db, name);
    await registerTestVersion(db, name);
    await promoteModel(db, { name, version: 1, actor: 'ci', idempotencyKey: key() });
    await promoteModel(db, { name, version: 2, actor: 'ci', idempotencyKey: key() });
    await transition(db, { name, version: 2, to: 'archived', actor: 'oncall', reason: 'incident' });
    expect(await productionVersion(db, name)).toBeNull();
    await expect(rollbackModel(db, { name, actor: 'oncall' })).resolves.toMatchObject({ version: 1, previousVersion: null });
    // v2 left production by hand, so it is not a rollback target any more.
    await expect(rollbackModel(db, { name, actor: 'oncall' })).rejects.toBeInstanceOf(NoRollbackTargetError);
  });

  it('has nothing to restore for a model that never had a production version', async () => {
    const name = uniqueModelName('rollback-none');
    await registerTestVersion(db, name);
    await expect(rollbackModel(db, { name, actor: 'x' })).rejects.toThrow(`cannot roll back model "${name}": no earlier production version in its history`);
  });
});

describe('database guarantees', () => {
  it('rejects UPDATE, DELETE and TRUNCATE on the audit trail', async () => {
    const name = uniqueModelName('audit');
    await registerTestVersion(db, name);
    await expect(sql`update model_transitions set actor = 'mallory' where model_name = ${name}`.execute(db)).rejects.toThrow(/model_transitions is append-only: UPDATE is not allowed/);
    await expect(sql`delete from model_transitions where model_name = ${name}`.execute(db)).rejects.toThrow(/append-only: DELETE/);
    await expect(sql`truncate model_transitions cascade`.execute(db)).rejects.toThrow(/append-only: TRUNCATE/);
    expect(await modelHistory(db, name)).toMatchObject([{ actor: expect.stringMatching(/^run-/) as string }]);
  });

  it('refuses a second production version even from raw SQL', async () => {
    const name = uniqueModelName('one-prod');
    await registerTestVersion(db, name);
    await registerTestVersion(db, name);
    await promoteModel(db, { name, version: 1, actor: 'a', idempotencyKey: key() });
    await expect(sql`update model_versions set stage = 'production' where model_name = ${name} and version = 2`.execute(db)).rejects.toThrow(
      /model_versions_one_production_idx/,
    );
    await expect(sql`update model_versions set stage = 'live' where model_name = ${name}`.execute(db)).rejects.toThrow(/check constraint/);
  });
});

describe('aliases', () => {
  it('points an alias at a version and moves it', async () => {
    const name = uniqueModelName('alias');
    await registerTestVersion(db, name);
    await registerTestVersion(db, name);
    await setModelAlias(db, { name, alias: 'canary', version: 1 });
    await setModelAlias(db, { name, alias: 'canary', version: 2 });
    expect((await resolveModelAlias(db, name, 'canary')).version).toBe(2);
    expect((await getModel(db, name)).aliases).toEqual({ canary: 2 });
    await expect(resolveModelAlias(db, name, 'shadow')).rejects.toThrow(`model "${name}" has no alias "shadow"`);
  });
});
