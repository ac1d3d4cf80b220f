import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ArtifactStore } from '../../artifacts/s3-store.ts';
import { triggerRun, waitForRun } from '../../control/runs.ts';
import { createDb } from '../../db/index.ts';
import { digestArtifact, productionVersion } from '../../registry/index.ts';
import { testStack } from '../stack.ts';
import { killWorkerProcess, startWorkerProcess } from '../worker-process-launcher.ts';

const DAGS = fileURLToPath(new URL('../../dags/', import.meta.url));
const stack = testStack();
const taskQueue = `s3-pipeline-${randomUUID()}`;
const model = `seattle_weather_s3_${randomUUID().slice(0, 8).replace(/-/g, '')}`;
const root = `s3://${stack.s3Bucket}/pipeline-${randomUUID()}`;
const store = new S3ArtifactStore({
  root,
  endpoint: stack.s3Endpoint,
  forcePathStyle: true,
  credentials: { accessKeyId: stack.s3AccessKey, secretAccessKey: stack.s3SecretKey },
});
const db = createDb(stack.databaseUrl);
const workers: ChildProcess[] = [];
const localFolders: string[] = [];
let connection: Connection;
let client: Client;

beforeAll(async () => {
  const outbox = await mkdtemp(path.join(os.tmpdir(), 'weir-s3-outbox-'));
  // Two workers, two processes; each has only its own empty local folder (its TMPDIR, where
  // operators stage files), and the S3 store is all they share.
  for (let i = 0; i < 2; i++) {
    const local = await mkdtemp(path.join(os.tmpdir(), `weir-s3-worker-${i}-`));
    localFolders.push(local);
    workers.push(
      await startWorkerProcess({
        taskQueue,
        dagsDir: DAGS,
        artifactRoot: root,
        env: {
          TMPDIR: local,
          AWS_ENDPOINT_URL: stack.s3Endpoint,
          WEIR_S3_FORCE_PATH_STYLE: 'true',
          AWS_ACCESS_KEY_ID: stack.s3AccessKey,
          AWS_SECRET_ACCESS_KEY: stack.s3SecretKey,
          AWS_REGION: 'us-east-1',
          WEIR_EXAMPLE_MODEL: model,
          WEIR_OUTBOX_DIR: outbox,
          // Without a sticky cache each workflow task, and the activities it starts eagerly,
          // goes to whichever worker polls first, so one run's tasks land on both.
          WEIR_TEST_MAX_CACHED_WORKFLOWS: '0',
        },
      }),
    );
  }
  connection = await Connection.connect({ address: stack.temporalAddress });
  client = new Client({ connection });
}, 180_000);

afterAll(async () => {
  await Promise.all(workers.map((worker) => killWorkerProcess(worker)));
  await connection?.close();
  await db.destroy();
  store.close();
});

async function workerIdentities(runId: string): Promise<Map<string, string>> {
  const history = await client.workflow.getHandle(runId).fetchHistory();
  const scheduled = new Map<string, string>();
  const ranOn = new Map<string, string>();
  for (const event of history.events ?? []) {
    const id = String(event.eventId);
    const type = event.activityTaskScheduledEventAttributes?.activityType?.name;
    if (type) scheduled.set(id, type);
    const started = event.activityTaskStartedEventAttributes;
    if (started) ranOn.set(scheduled.get(String(started.scheduledEventId)) ?? '?', started.identity ?? '');
  }
  return ranOn;
}

describe('weekly_retrain with two workers sharing an S3 artifact store', () => {
  it('runs end to end, its tasks spread over both workers, every artifact in S3', { timeout: 600_000 }, async () => {
    const runId = await triggerRun(client, { dagId: 'weekly_retrain', params: { batchEnd: '2015-03-29' }, taskQueue });
    const snapshot = await waitForRun(client, runId, () => {}, 500);
    const states = Object.fromEntries(snapshot.tasks.map((task) => [task.id, task.state]));
    expect(states).toMatchObject({ prepare: 'success', validate: 'success', train: 'success', register: 'success', evaluate: 'success', promote: 'success', smoke_check: 'success' });
    expect(snapshot.status).toBe('success');

    const out = await client.workflow.getHandle(runId).query<Record<string, Record<string, unknown>>>('weir.taskOutputs');
    expect(out.prepare?.trainUri).toMatch(new RegExp(`^${root}/`));
    expect(out.validate?.reportUri).toMatch(new RegExp(`^${root}/`));
    expect(out.train?.modelUri).toMatch(new RegExp(`^${root}/.*/output/model`));
    expect(out.train?.logUri).toMatch(new RegExp(`^${root}/`));
    const production = await productionVersion(db, model);
    expect(production?.artifactUri).toBe(out.train?.modelUri);
    expect(production?.sha256).toBe((await digestArtifact(String(out.train?.modelUri), store)).sha256);

    // Tasks of this one run ran in both processes: Temporal records the identity (pid@host) of
    // the worker that started each activity.
    const identities = await workerIdentities(runId);
    const distinct = new Set(identities.values());
    expect(distinct.size, JSON.stringify(Object.fromEntries(identities))).toBe(2);
    for (const worker of workers) expect([...distinct].some((identity) => identity.startsWith(`${worker.pid}@`))).toBe(true);

    // No data was left behind in either worker's local folder (tsx keeps its compile cache
    // there): the store holds it all.
    for (const local of localFolders) expect((await readdir(local)).filter((name) => !name.startsWith('tsx-'))).toEqual([]);
  });
});
