import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../../artifacts/store.ts';
import { createDb } from '../../db/connection.ts';
import type { Database } from '../../db/schema.ts';
import { promoteModel, registerModelVersion } from '../../registry/index.ts';
import { testLineage } from '../../registry/test-fixtures.ts';
import { NonRetryableError } from '../../sdk/errors.ts';
import { testStack } from '../../test/stack.ts';
import { testTaskContext } from '../promotion/test-context.ts';
import type { WeirServices } from '../../sdk/services.ts';
import { testServices } from '../test-services.ts';
import { evaluate, type GateConfig } from './index.ts';

let db: Kysely<Database>;
let artifacts: ArtifactStore;
let services: WeirServices;
let script: string;
let holdout: string;

// Scores a "model" by reading the auc and latency it claims to have.
const SCRIPT = `
const fs = require('node:fs');
const model = JSON.parse(fs.readFileSync(process.env.MODEL_PATH, 'utf8'));
fs.writeFileSync(require('node:path').join(process.env.OUTPUT_DIR, 'metrics.json'), JSON.stringify(model));
`;

beforeAll(async () => {
  db = createDb(testStack().databaseUrl);
  const root = await mkdtemp(path.join(tmpdir(), 'weir-evaluate-'));
  artifacts = new ArtifactStore(root);
  services = testServices({ db, artifacts });
  script = path.join(root, 'evaluate.cjs');
  holdout = path.join(root, 'holdout.csv');
  await writeFile(script, SCRIPT);
  await writeFile(holdout, 'x,y\n');
});
afterAll(async () => {
  await db?.destroy();
});

async function register(name: string, metrics: { auc: number; latency_ms: number }): Promise<number> {
  const lineage = testLineage();
  const artifactUri = await artifacts.writeJson(`${lineage.runId}/model.json`, metrics);
  return (await registerModelVersion(db, { name, artifactUri, metrics, lineage, idempotencyKey: `${lineage.runId}:register` })).version;
}

const gate: GateConfig = { metric: 'auc', greaterIsBetter: true, threshold: 0.7, minAbsoluteChange: 0.01, maxLatencyMs: 50 };

function evaluateBody(name: string, challenger: number) {
  return evaluate({ model: name, challengerVersion: () => challenger, holdoutPath: holdout, command: [process.execPath, script], gate });
}

describe('evaluate operator', () => {
  it('with no champion, lets the threshold decide', async () => {
    const name = `eval-${randomUUID().slice(0, 8)}`;
    const challenger = await register(name, { auc: 0.75, latency_ms: 10 });
    const outcome = await evaluateBody(name, challenger)(testTaskContext({ services, runId: 'r1', taskId: 'evaluate' }));
    expect(outcome).toMatchObject({ passed: true, champion: null, challenger: { version: challenger, metrics: { auc: 0.75, latency_ms: 10 } } });
  });

  it('scores champion and challenger on the holdout and applies the gate', async () => {
    const name = `eval-${randomUUID().slice(0, 8)}`;
    const champion = await register(name, { auc: 0.8, latency_ms: 20 });
    await promoteModel(db, { name, version: champion, actor: 'seed', idempotencyKey: `seed-${name}` });
    const better = await register(name, { auc: 0.83, latency_ms: 30 });
    const slow = await register(name, { auc: 0.9, latency_ms: 80 });
    const marginal = await register(name, { auc: 0.805, latency_ms: 10 });

    const passed = await evaluateBody(name, better)(testTaskContext({ services, runId: 'r2', taskId: 'evaluate' }));
    expect(passed).toMatchObject({ passed: true, champion: { version: champion, metrics: { auc: 0.8 } }, challenger: { version: better } });
    expect(passed.comparison.improvement).toBeCloseTo(0.03, 10);

    const ctx = testTaskContext({ services, runId: 'r3', taskId: 'evaluate' });
    const rejected = await evaluateBody(name, slow)(ctx);
    expect(rejected).toMatchObject({ passed: false, reasons: ['latency 80 ms exceeds the ceiling of 50 ms'] });
    expect(ctx.emitted).toEqual([
      { type: 'rejection', details: { model: name, version: slow, metrics: [{ metric: 'auc', champion: 0.8, challenger: 0.9, higherIsBetter: true }], reasons: rejected.reasons } },
    ]);

    const small = await evaluateBody(name, marginal)(testTaskContext({ services, runId: 'r4', taskId: 'evaluate' }));
    expect(small.passed).toBe(false);
    expect(small.reasons[0]).toMatch(/improvement 0\.005 < required 0\.01/);
  });

  it('accepts a pluggable runner and fails fast on an unknown challenger', async () => {
    const name = `eval-${randomUUID().slice(0, 8)}`;
    const challenger = await register(name, { auc: 0.95, latency_ms: 1 });
    const seen: string[] = [];
    const body = evaluate({
      model: name,
      challengerVersion: () => challenger,
      holdoutPath: holdout,
      gate: { metric: 'auc', greaterIsBetter: true, threshold: 0.9 },
      runEvaluation: async (uri, holdoutPath) => {
        seen.push(`${uri} ${holdoutPath}`);
        return { auc: 0.91 };
      },
    });
    await expect(body(testTaskContext({ services, runId: 'r5', taskId: 'evaluate' }))).resolves.toMatchObject({ passed: true, challenger: { metrics: { auc: 0.91 } } });
    expect(seen).toHaveLength(1);
    const missing = evaluate({ model: name, challengerVersion: () => 42, holdoutPath: holdout, gate, runEvaluation: async () => ({}) });
    await expect(missing(testTaskContext({ services, runId: 'r6', taskId: 'evaluate' }))).rejects.toThrow(NonRetryableError);
  });
});
