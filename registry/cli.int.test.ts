import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../db/connection.ts';
import type { Database } from '../db/schema.ts';
import { testStack } from '../test/stack.ts';
import { modelHistory, productionVersion, promoteModel } from './index.ts';
import { registerTestVersion, uniqueModelName } from './test-fixtures.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WEIR = path.join(REPO, 'bin', 'weir.mjs');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real `weir` command as a child process, given a database and nothing else: no Temporal. */
function weir(...argv: string[]): Promise<CliResult> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: testStack().databaseUrl, USER: 'carol' };
  return new Promise((resolve) => {
    execFile(process.execPath, [WEIR, ...argv], { cwd: REPO, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

async function weirJson(...argv: string[]): Promise<unknown> {
  const result = await weir(...argv, '--json');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as unknown;
}

let db: Kysely<Database>;
let name: string;
beforeAll(async () => {
  db = createDb(testStack().databaseUrl);
  name = uniqueModelName('cli');
  await registerTestVersion(db, name, { auc: 0.81 });
  await registerTestVersion(db, name, { auc: 0.84 });
  await registerTestVersion(db, name, { auc: 0.86 });
  await promoteModel(db, { name, version: 1, actor: 'ci', reason: 'first', idempotencyKey: `${name}:p1` });
});
afterAll(async () => {
  await db?.destroy();
});

describe('weir models (JSON)', () => {
  it('list prints name, productionVersion, latestVersion and versions', async () => {
    const listed = (await weirJson('models', 'list')) as Record<string, unknown>[];
    expect(listed.find((model) => model.name === name)).toEqual({ name, productionVersion: 1, latestVersion: 3, versions: 3 });
  });

  it('show prints every version with stage, metrics, artifact, sha256, createdAt and lineage', async () => {
    const shown = (await weirJson('models', 'show', name)) as { name: string; versions: Record<string, unknown>[] };
    expect(shown.name).toBe(name);
    expect(shown.versions).toHaveLength(3);
    expect(shown.versions[0]).toEqual({
      version: 1,
      stage: 'production',
      metrics: { auc: 0.81 },
      artifactUri: expect.stringMatching(/^file:\/\//) as string,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/) as string,
      lineage: { dagId: 'registry_test', runId: expect.stringMatching(/^run-/) as string, dataPath: 'file:///data/train.csv', dataSha256: 'a'.repeat(64), gitCommit: null },
    });
  });

  it('promote and rollback change production with the user as actor, and history shows it oldest first', async () => {
    expect(await weirJson('models', 'promote', name, '3', '--reason', 'better auc')).toEqual({ name, version: 3, previousVersion: 1 });
    expect(await weirJson('models', 'rollback', name, '--reason', 'latency')).toEqual({ name, version: 1, previousVersion: 3 });
    expect((await productionVersion(db, name))?.version).toBe(1);

    const history = (await weirJson('models', 'history', name)) as Record<string, unknown>[];
    expect(history).toHaveLength((await modelHistory(db, name)).length);
    expect(history[0]).toEqual({ id: expect.any(Number) as number, version: 1, from: null, to: 'none', action: 'register', actor: expect.any(String) as string, reason: null, at: expect.any(String) as string });
    expect(history.slice(-4).map((step) => [step.version, step.from, step.to, step.action, step.actor, step.reason])).toEqual([
      [1, 'production', 'archived', 'promote', 'carol', 'better auc'],
      [3, 'none', 'production', 'promote', 'carol', 'better auc'],
      [3, 'production', 'archived', 'rollback', 'carol', 'latency'],
      [1, 'archived', 'production', 'rollback', 'carol', 'latency'],
    ]);
    const ids = history.map((step) => step.id as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('rollback --to restores a chosen version', async () => {
    expect(await weirJson('models', 'rollback', name, '--to', '2')).toMatchObject({ version: 2 });
  });
});

describe('weir models (text and errors)', () => {
  it('prints tables without --json', async () => {
    // Independent invocations run side by side: each CLI start compiles TypeScript.
    const [list, show] = await Promise.all([weir('models', 'list'), weir('models', 'show', name)]);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^NAME\s+PRODUCTION\s+LATEST\s+VERSIONS$/);
    expect(show.stdout).toMatch(/^VERSION\s+STAGE\s+CREATED\s+SHA256\s+RUN\s+METRICS\n/);
    expect(show.stdout).toMatch(/\nv1\s+archived\s+\S+\s+[0-9a-f]{12}\s+run-\S+\s+auc=0\.81\n/);
    const promoted = await weir('models', 'promote', name, '3');
    expect(promoted).toMatchObject({ code: 0, stdout: `promoted ${name} v3 to production (archived v2)\n` });
  });

  it('reports an unknown model, a bad version and an impossible rollback on one line with exit codes', async () => {
    const fresh = uniqueModelName('cli-fresh');
    await registerTestVersion(db, fresh);
    const [unknown, badVersion, noTarget] = await Promise.all([weir('models', 'show', 'no-such-model'), weir('models', 'promote', name, 'v2'), weir('models', 'rollback', fresh)]);
    expect(unknown).toMatchObject({ code: 1, stderr: 'weir: model "no-such-model" is not registered\n' });
    expect(badVersion.code).toBe(2);
    expect(badVersion.stderr).toMatch(/"v2" is not a version number/);
    expect(noTarget).toMatchObject({ code: 1, stderr: `weir: cannot roll back model "${fresh}": no earlier production version in its history\n` });
  });
});
