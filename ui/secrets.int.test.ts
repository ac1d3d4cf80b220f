import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerRun, waitForRun } from '../control/runs.ts';
import type { TestWorker } from '../test/harness.ts';
import type { UiServer } from './server.ts';
import { http, startTestUiServer, startUiTestWorker } from './test-support.ts';

// The worker reads the task's secret from its environment, as it would in production.
const SECRET = `sekrit-${randomUUID()}`;
const SECRET_ENV = 'WEIR_UI_TEST_SECRET';

let worker: TestWorker;
let server: UiServer;
let saved: string | undefined;

beforeAll(async () => {
  saved = process.env[SECRET_ENV];
  process.env[SECRET_ENV] = SECRET;
  // No schedule sync: security.int.test.ts owns the fixtures' schedule.
  worker = await startUiTestWorker({ syncSchedules: false });
  server = await startTestUiServer(worker, { actor: 'auditor' });
});
afterAll(async () => {
  await server?.close();
  await worker?.shutdown();
  if (saved === undefined) delete process.env[SECRET_ENV];
  else process.env[SECRET_ENV] = saved;
});

describe('secrets in the web view', () => {
  it('never sends a task secret to the browser: outputs and logs arrive masked', { timeout: 120_000 }, async () => {
    const runId = await triggerRun(worker.client, { dagId: 'webcore_leaky', params: {}, taskQueue: worker.taskQueue });
    expect((await waitForRun(worker.client, runId, () => {}, 200)).status).toBe('success');

    const run = encodeURIComponent(runId);
    const routes = ['/', '/api/dags', '/dags/webcore_leaky', `/runs/${run}`, `/runs/${run}?task=leak`, `/api/runs/${run}?task=leak`, `/api/runs/${run}/logs?task=leak`];
    const replies = await Promise.all(routes.map(async (route) => ({ route, reply: await http(`${server.url}${route}`) })));
    for (const { route, reply } of replies) {
      expect({ route, status: reply.status }).toEqual({ route, status: 200 });
      expect({ route, leaked: reply.body.includes(SECRET) }).toEqual({ route, leaked: false });
    }
    // The masked values did reach the task's panel and its logs, so the check above saw them.
    const panel = replies.find(({ route }) => route === `/runs/${run}?task=leak`)?.reply.body ?? '';
    expect(panel).toContain('***');
    const logs = replies.find(({ route }) => route.endsWith('/logs?task=leak'))?.reply.body ?? '';
    expect(logs).toContain('the secret is ***');
  });
});
