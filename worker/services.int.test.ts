import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactStore } from '../artifacts/store.ts';
import { triggerRun, waitForRun } from '../control/runs.ts';
import { TASK_OUTPUTS_QUERY } from '../plan/types.ts';
import { mailConfigOf } from '../ops/notify/config.ts';
import { createMailer } from '../ops/notify/mailer.ts';
import type { WeirServices } from '../sdk/services.ts';
import { startTestWorker, type TestWorker } from '../test/harness.ts';

const DAGS = fileURLToPath(new URL('./fixtures/services-dags/', import.meta.url));

function servicesFor(root: string, uiUrl: string, lines: string[]): Omit<WeirServices, 'db'> {
  return {
    artifacts: new ArtifactStore(root),
    openMailer: () => createMailer(mailConfigOf({ outboxDir: path.join(root, 'outbox') })),
    log: (line) => void lines.push(line),
    temporalUiUrl: uiUrl,
    namespace: 'default',
    dataRoots: [root],
    gitCommit: null,
    env: {},
  };
}

describe('services handed to tasks by their worker', () => {
  let dir: string;
  const linesA: string[] = [];
  const linesB: string[] = [];
  let a: TestWorker;
  let b: TestWorker;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'weir-services-'));
    // Two workers in one process, each with services of its own.
    a = await startTestWorker({ dagsDir: DAGS, services: servicesFor(path.join(dir, 'a'), 'http://ui-a:8233', linesA) });
    b = await startTestWorker({ dagsDir: DAGS, services: servicesFor(path.join(dir, 'b'), 'http://ui-b:8233', linesB) });
  });
  afterAll(async () => {
    await Promise.all([a?.shutdown(), b?.shutdown()]);
    await rm(dir, { recursive: true, force: true });
  });

  it('each run writes through the store and log of the worker that ran it', async () => {
    const runA = await triggerRun(a.client, { dagId: 'store_probe', params: {}, taskQueue: a.taskQueue });
    const runB = await triggerRun(b.client, { dagId: 'store_probe', params: {}, taskQueue: b.taskQueue });
    const [snapA, snapB] = await Promise.all([waitForRun(a.client, runA), waitForRun(b.client, runB)]);
    expect(snapA.status).toBe('success');
    expect(snapB.status).toBe('success');
    type Probe = { probe: { uri: string; root: string; uiUrl: string } };
    const outA = (await a.client.workflow.getHandle(runA).query<Probe>(TASK_OUTPUTS_QUERY)).probe;
    const outB = (await b.client.workflow.getHandle(runB).query<Probe>(TASK_OUTPUTS_QUERY)).probe;
    expect(outA).toMatchObject({ root: path.join(dir, 'a'), uiUrl: 'http://ui-a:8233' });
    expect(outB).toMatchObject({ root: path.join(dir, 'b'), uiUrl: 'http://ui-b:8233' });
    expect(await readFile(fileURLToPath(outA.uri), 'utf8')).toBe(`written by ${runA}`);
    expect(await readFile(fileURLToPath(outB.uri), 'utf8')).toBe(`written by ${runB}`);
    expect(outA.uri.startsWith(`file://${path.join(dir, 'a')}/`)).toBe(true);
    expect(outB.uri.startsWith(`file://${path.join(dir, 'b')}/`)).toBe(true);
    expect(linesA).toContain(`probe ran for ${runA}`);
    expect(linesA).not.toContain(`probe ran for ${runB}`);
    expect(linesB).toContain(`probe ran for ${runB}`);
    expect(linesB).not.toContain(`probe ran for ${runA}`);
  });
});
