import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../artifacts/store.ts';
import { createDb } from '../../db/connection.ts';
import type { Database } from '../../db/schema.ts';
import { getModel, modelHistory, productionVersion } from '../../registry/index.ts';
import { NonRetryableError } from '../../sdk/errors.ts';
import { testStack } from '../../test/stack.ts';
import type { WeirServices } from '../../sdk/services.ts';
import { testServices } from '../test-services.ts';
import { DeployHookError, promote, registerModel, rollback } from './index.ts';
import { testTaskContext } from './test-context.ts';

let db: Kysely<Database>;
let artifacts: ArtifactStore;
let services: WeirServices;
let hook: { server: Server; url: string; received: { body: unknown; idempotencyKey: string | undefined }[]; failNext: number };

beforeAll(async () => {
  db = createDb(testStack().databaseUrl);
  artifacts = new ArtifactStore(await mkdtemp(path.join(tmpdir(), 'weir-promotion-')));
  services = testServices({ db, artifacts, env: { WEIR_GIT_COMMIT: 'abc123' } });

  const received: (typeof hook)['received'] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      if (hook.failNext > 0) {
        hook.failNext--;
        response.writeHead(503).end('deployer busy');
        return;
      }
      received.push({ body: JSON.parse(text) as unknown, idempotencyKey: request.headers['idempotency-key'] as string | undefined });
      response.writeHead(204).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  hook = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/deploy`, received, failNext: 0 };
});
afterAll(async () => {
  hook?.server.close();
  await db?.destroy();
});

const model = () => `op-${randomUUID().slice(0, 8)}`;

async function trainedModel(runId: string): Promise<string> {
  return artifacts.write(`${ArtifactStore.taskPrefix(runId, 'train')}/model.bin`, `weights ${randomUUID()}`);
}

function registerBody(name: string) {
  return registerModel<Record<string, unknown>, { train: { uri: string } }>({
    model: name,
    artifact: (ctx) => ctx.outputs.train.uri,
    metrics: { auc: 0.9 },
    params: { depth: 5 },
    data: { path: 'file:///data/train.csv', sha256: 'b'.repeat(64) },
  });
}

async function registeredVersion(name: string): Promise<number> {
  const runId = `run-${randomUUID().slice(0, 8)}`;
  const ctx = testTaskContext({ services, runId, taskId: 'register', outputs: { train: { uri: await trainedModel(runId) } } });
  return (await registerBody(name)(ctx)).version;
}

describe('registerModel operator', () => {
  it('registers with lineage from the run; a retried attempt returns the same version', async () => {
    const name = model();
    const runId = `run-${randomUUID().slice(0, 8)}`;
    const uri = await trainedModel(runId);
    const body = registerBody(name);
    const first = await body(testTaskContext({ services, runId, taskId: 'register', outputs: { train: { uri } } }));
    const retry = await body(testTaskContext({ services, runId, taskId: 'register', outputs: { train: { uri } }, attempt: 2 }));
    expect(first).toMatchObject({ model: name, version: 1, artifactUri: uri, created: true });
    expect(retry).toMatchObject({ version: 1, sha256: first.sha256, created: false });
    const { versions } = await getModel(db, name);
    expect(versions).toHaveLength(1);
    expect(versions[0]?.lineage).toEqual({ dagId: 'test_dag', runId, dataPath: 'file:///data/train.csv', dataSha256: 'b'.repeat(64), gitCommit: 'abc123' });
    expect(versions[0]?.idempotencyKey).toBe(`${runId}:register`);
  });

  it('fails without retries for an artifact outside the artifact root or missing', async () => {
    const name = model();
    const outside = registerModel({ model: name, artifact: 'file:///etc/hostname', metrics: {}, data: { path: 'x', sha256: 'y' } });
    await expect(outside(testTaskContext({ services, runId: 'r', taskId: 'register' }))).rejects.toThrow(NonRetryableError);
    const missing = registerModel({ model: name, artifact: artifacts.uriFor('nope/model.bin'), metrics: {}, data: { path: 'x', sha256: 'y' } });
    await expect(missing(testTaskContext({ services, runId: 'r', taskId: 'register' }))).rejects.toThrow(/does not exist/);
  });
});

describe('promote operator', () => {
  it('promotes in one transaction with the run as actor, calls the deploy hook, and never promotes twice on retry', async () => {
    const name = model();
    const v1 = await registeredVersion(name);
    const v2 = await registeredVersion(name);
    await promote({ model: name, version: () => v1 })(testTaskContext({ services, runId: 'seed-run', taskId: 'promote' }));

    const runId = `run-${randomUUID().slice(0, 8)}`;
    const body = promote({
      model: name,
      version: () => v2,
      deployHook: { url: hook.url },
      evidence: () => ({ reasons: ['auc up 2%'], comparison: { metric: 'auc', greaterIsBetter: true, challenger: 0.92, champion: 0.9 } }),
    });
    const ctx = testTaskContext({ services, runId, taskId: 'promote' });
    const first = await body(ctx);
    const retry = await body(testTaskContext({ services, runId, taskId: 'promote', attempt: 2 }));

    expect(first).toMatchObject({ model: name, version: v2, previousVersion: v1, replayed: false, deployed: true });
    expect(retry).toMatchObject({ version: v2, previousVersion: v1, replayed: true });
    expect((await productionVersion(db, name))?.version).toBe(v2);
    const promotions = (await modelHistory(db, name)).filter((step) => step.actor === runId);
    expect(promotions.map((step) => [step.version, step.fromStage, step.toStage])).toEqual([
      [v1, 'production', 'archived'],
      [v2, 'none', 'production'],
    ]);
    const calls = hook.received.filter((call) => call.idempotencyKey === `${runId}:promote`);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.body).toEqual({ model: name, version: v2, artifactUri: first.artifactUri });
    expect(ctx.emitted).toEqual([
      { type: 'promotion', details: { model: name, version: v2, previousVersion: v1, metrics: [{ metric: 'auc', champion: 0.9, challenger: 0.92, higherIsBetter: true }], reasons: ['auc up 2%'] } },
    ]);
  });

  it('fails retryably when the deploy hook is down, and the retry finishes the job without a second promotion', async () => {
    const name = model();
    const version = await registeredVersion(name);
    const runId = `run-${randomUUID().slice(0, 8)}`;
    const body = promote({ model: name, version: () => version, deployHook: { url: hook.url } });
    hook.failNext = 1;
    await expect(body(testTaskContext({ services, runId, taskId: 'promote' }))).rejects.toBeInstanceOf(DeployHookError);
    await expect(body(testTaskContext({ services, runId, taskId: 'promote', attempt: 2 }))).resolves.toMatchObject({ replayed: true, deployed: true });
    expect((await modelHistory(db, name)).filter((step) => step.action === 'promote')).toHaveLength(1);
  });

  it('refuses to promote a corrupt artifact, without retries', async () => {
    const name = model();
    const version = await registeredVersion(name);
    const { artifactUri } = (await getModel(db, name)).versions[0] ?? { artifactUri: '' };
    await writeFile(artifacts.resolve(artifactUri), 'corrupted');
    const error = await promote({ model: name, version: () => version })(testTaskContext({ services, runId: 'r', taskId: 'promote' })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NonRetryableError);
    expect((error as Error).message).toMatch(/is corrupt/);
    expect(await productionVersion(db, name)).toBeNull();
  });
});

describe('rollback operator', () => {
  it('restores the previous production version once, even when retried, and tells the deploy hook', async () => {
    const name = model();
    const v1 = await registeredVersion(name);
    const v2 = await registeredVersion(name);
    await promote({ model: name, version: () => v1 })(testTaskContext({ services, runId: 'a', taskId: 'promote' }));
    await promote({ model: name, version: () => v2 })(testTaskContext({ services, runId: 'b', taskId: 'promote' }));

    const runId = `run-${randomUUID().slice(0, 8)}`;
    const body = rollback({ model: name, reason: 'error rate', deployHook: { url: hook.url } });
    const first = await body(testTaskContext({ services, runId, taskId: 'rollback' }));
    const retry = await body(testTaskContext({ services, runId, taskId: 'rollback', attempt: 2 }));
    expect(first).toMatchObject({ version: v1, previousVersion: v2, replayed: false });
    expect(retry).toMatchObject({ version: v1, previousVersion: v2, replayed: true });
    expect((await modelHistory(db, name)).filter((step) => step.action === 'rollback')).toHaveLength(2);
    expect(hook.received.filter((call) => call.idempotencyKey === `${runId}:rollback`).map((call) => call.body)).toEqual([
      { model: name, version: v1, artifactUri: first.artifactUri },
      { model: name, version: v1, artifactUri: first.artifactUri },
    ]);
  });
});
