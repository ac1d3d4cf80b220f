import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerRun, waitForRun } from '../../control/runs.ts';
import type { RunSnapshot, TaskState } from '../../plan/types.ts';
import { getModel, modelHistory, productionVersion } from '../../registry/index.ts';
import { startTestSmtpServer, type TestSmtpServer } from '../../ops/notify/smtp-test-server.ts';
import { declaredSecretEnv } from '../../ops/training/index.ts';
import { startTestWorker, type TestWorker } from '../harness.ts';

const DAGS = fileURLToPath(new URL('../../dags/', import.meta.url));
const BAD_BATCH = path.join(DAGS, 'weekly_retrain', 'bad-batch.csv');
const MODEL = 'seattle_weather';
const SMTP_PASSWORD = 'pipeline-smtp-secret-7f3a';

let weir: TestWorker;
let smtp: TestSmtpServer;
/** Every value marked secret: the SMTP password, then one per secret variable the example's tasks declare. */
const secrets: { name: string; value: string }[] = [{ name: 'SMTP password', value: SMTP_PASSWORD }];
const savedEnv: Record<string, string | undefined> = {};

function setEnv(name: string, value: string): void {
  if (!(name in savedEnv)) savedEnv[name] = process.env[name];
  process.env[name] = value;
}

/** Gives each secret variable a task of the example declares a value of its own, in the worker's environment. */
function setDeclaredSecrets(): void {
  const names = [...weir.catalog.dags.values()].flatMap(({ dag }) => dag.tasks.flatMap((task) => declaredSecretEnv(task.body)));
  for (const name of new Set(names)) {
    const value = `weir-secret-${name.toLowerCase()}-${randomUUID()}`;
    setEnv(name, value);
    secrets.push({ name, value });
  }
}

beforeAll(async () => {
  smtp = await startTestSmtpServer({ user: 'weir', password: SMTP_PASSWORD });
  setEnv('SMTP_URL', `smtp://weir:${SMTP_PASSWORD}@${smtp.host}:${smtp.port}`);
  setEnv('WEIR_ARTIFACT_ROOT', await mkdtemp(path.join(os.tmpdir(), 'weir-pipeline-')));
  weir = await startTestWorker({ dagsDir: DAGS });
  setDeclaredSecrets();
});
afterAll(async () => {
  await weir?.shutdown();
  await smtp?.close();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

async function run(params: Record<string, unknown>): Promise<RunSnapshot> {
  const runId = await triggerRun(weir.client, { dagId: 'weekly_retrain', params, taskQueue: weir.taskQueue });
  const snapshot = await waitForRun(weir.client, runId, () => {}, 300);
  // Wait for the workflow to close, so its callbacks have been delivered too.
  await weir.client.workflow.getHandle(runId).result().catch(() => undefined);
  return snapshot;
}

function states(snapshot: RunSnapshot): Record<string, TaskState> {
  return Object.fromEntries(snapshot.tasks.map((task) => [task.id, task.state]));
}

/** Task outputs as the run holds them; the tests read a few known fields. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Outputs = Record<string, any>;
async function outputs(runId: string): Promise<Outputs> {
  return weir.client.workflow.getHandle(runId).query<Outputs>('weir.taskOutputs');
}

/**
 * Each workflow that ran on the worker's task queue, as the protobuf bytes Temporal stores: its
 * full history (inputs, results, failures, memo and search attributes of every event) and its
 * visibility record. Payload data are raw bytes in there, so a plain byte search finds a value
 * anywhere, where a JSON dump of the decoded history would show payloads as arrays of numbers.
 */
async function* recordedWorkflows(): AsyncGenerator<{ workflowId: string; bytes: Buffer }> {
  for await (const execution of weir.client.workflow.list({ query: `TaskQueue = '${weir.taskQueue}'` })) {
    const history = await weir.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    const historyBytes = temporal.api.history.v1.History.encode(history).finish();
    const infoBytes = temporal.api.workflow.v1.WorkflowExecutionInfo.encode(execution.raw).finish();
    yield { workflowId: execution.workflowId, bytes: Buffer.concat([historyBytes, infoBytes]) };
  }
}

describe('weekly_retrain on Seattle weather', () => {
  it('first run: validates, trains, finds no champion, promotes v1, stores its baseline and mails the team', async () => {
    const snapshot = await run({ batchEnd: '2015-03-29' });
    expect(states(snapshot)).toMatchObject({
      prepare: 'success', validate: 'success', drift: 'success', train: 'success', register: 'success', evaluate: 'success',
      route: 'success', promote: 'success', store_baseline: 'success', announce: 'success', smoke_check: 'success', rollback: 'skipped', reject: 'skipped',
    });
    expect(snapshot.status).toBe('success');
    const out = await outputs(snapshot.runId);
    expect(out.drift).toMatchObject({ checked: false });
    expect(out.evaluate.champion).toBeNull();
    expect(out.evaluate.challenger.metrics.accuracy).toBeGreaterThanOrEqual(0.6);
    expect(await productionVersion(weir.db, MODEL)).toMatchObject({ version: out.register.version });
    const mail = smtp.received.find((m) => m.mail.subject?.includes('promoted to production'));
    expect(mail?.mail.text).toContain(snapshot.runId);
    // The tracking token reached the training job, from the worker's environment.
    expect(await readFile(new URL(out.train.logUri), 'utf8')).toContain('experiment tracking: on');
  });

  it('second run, the next week: drift is checked against the champion, and the challenger faces it', async () => {
    const before = await productionVersion(weir.db, MODEL);
    const snapshot = await run({ batchEnd: '2015-04-05' });
    expect(snapshot.status).toBe('success');
    const out = await outputs(snapshot.runId);
    expect(out.drift.checked).toBe(true);
    expect(out.drift.reportUri).toMatch(/^file:\/\//);
    expect(out.evaluate.champion?.version).toBe(before?.version);
    const took = states(snapshot);
    const production = await productionVersion(weir.db, MODEL);
    if (out.evaluate.passed) {
      expect(took).toMatchObject({ promote: 'success', reject: 'skipped' });
      expect(production?.version).toBe(out.register.version);
    } else {
      expect(took).toMatchObject({ promote: 'skipped', store_baseline: 'skipped', reject: 'success' });
      expect(production?.version).toBe(before?.version);
      expect(smtp.received.some((m) => m.mail.subject?.includes('rejected'))).toBe(true);
    }
  });

  it('a bad batch stops at validation, leaves the champion alone and mails the failure', async () => {
    const before = await productionVersion(weir.db, MODEL);
    const versionsBefore = (await getModel(weir.db, MODEL))?.versions.length;
    const snapshot = await run({ batchEnd: '2015-03-29', batchFile: BAD_BATCH });
    expect(snapshot.status).toBe('failed');
    expect(states(snapshot)).toMatchObject({ prepare: 'success', validate: 'failed', drift: 'upstream_failed', train: 'upstream_failed', promote: 'upstream_failed' });
    const validate = snapshot.tasks.find((t) => t.id === 'validate');
    expect(validate?.attempts).toBe(1);
    expect(validate?.error).toMatch(/temp_max/);
    expect(validate?.error).toMatch(/weather/);
    expect(await productionVersion(weir.db, MODEL)).toEqual(before);
    expect((await getModel(weir.db, MODEL))?.versions.length).toBe(versionsBefore);
    const failureMail = smtp.received.find((m) => m.rcptTo.includes('ml-team@weir.local') && m.raw.includes(snapshot.runId) && /fail/i.test(m.mail.subject ?? ''));
    expect(failureMail).toBeDefined();
  });

  it('a promoted model that fails its smoke check is rolled back to the previous champion', async () => {
    const before = await productionVersion(weir.db, MODEL);
    const snapshot = await run({ batchEnd: '2015-04-12', requireImprovement: false, smokeFail: true });
    expect(states(snapshot)).toMatchObject({ promote: 'success', smoke_check: 'success', after_smoke: 'success', rollback: 'success' });
    const out = await outputs(snapshot.runId);
    expect(out.smoke_check.passed).toBe(false);
    expect(out.rollback.version).toBe(before?.version);
    expect((await productionVersion(weir.db, MODEL))?.version).toBe(before?.version);
    const history = await modelHistory(weir.db, MODEL);
    expect(history.at(-1)).toMatchObject({ action: 'rollback' });
  });

  it('keeps the SMTP password and every secret environment value out of every recorded history', async () => {
    const files = await readdir(process.env.WEIR_ARTIFACT_ROOT as string, { recursive: true });
    expect(files.length).toBeGreaterThan(0);
    expect(secrets.map((secret) => secret.name)).toContain('WEIR_EXAMPLE_TRACKING_TOKEN');
    let scanned = 0;
    let withParams = 0;
    for await (const { workflowId, bytes } of recordedWorkflows()) {
      scanned++;
      // The control: run params are payload data, so the search does reach inside payloads.
      if (bytes.includes('"batchEnd":"2015-03-29"')) withParams++;
      const found = secrets.filter((secret) => bytes.includes(secret.value)).map((secret) => secret.name);
      expect(found, `secrets in the history of ${workflowId}`).toEqual([]);
    }
    expect(scanned).toBeGreaterThanOrEqual(4);
    expect(withParams).toBeGreaterThan(0);
  });
});
