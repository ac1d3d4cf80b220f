import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideApproval, getRunSnapshot, triggerRun, waitForRun } from '../../control/runs.ts';
import { startTestWorker, type TestWorker } from '../../test/harness.ts';
import { testStack } from '../../test/stack.ts';
import { connectClient } from '../../worker/temporal-connection.ts';
import { reloadingCatalog } from '../catalog.ts';
import type { UiDeps } from '../deps.ts';
import { ENCRYPTED_PAYLOAD_NOTICE } from '../encrypted-payloads.ts';
import { startUiServer, type UiServer } from '../server.ts';
import { http, openSharedBrowser, saveScreenshot, type BrowserSession } from '../test-support.ts';

const DAGS = fileURLToPath(new URL('../fixtures/dags-codec/', import.meta.url));
// The plaintext marker: a param the task echoes in its output. It must reach the browser only through the server that has the key.
const MARKER = `plaintext-marker-${randomUUID()}`;
const KEY_ENV = { WEIR_PAYLOAD_KEY: randomBytes(32).toString('base64'), WEIR_PAYLOAD_KEY_ID: 'web-test' };
const POLL = { timeout: 60_000, interval: 250 };

let worker: TestWorker;
let keyedClient: Client;
let browser: BrowserSession;
/** A web server without the key (Temporal's default converter), as `weir ui` runs without WEIR_PAYLOAD_KEY. */
let sealed: UiServer;
/** A web server with the key, as `weir ui` runs with WEIR_PAYLOAD_KEY set. */
let keyed: UiServer;
let runId: string;
const savedEnv: Record<string, string | undefined> = {};

beforeAll(async () => {
  // The worker encrypts every payload, with the key it reads from its environment as `weir worker` does.
  for (const [name, value] of Object.entries(KEY_ENV)) {
    savedEnv[name] = process.env[name];
    process.env[name] = value;
  }
  // No replay at shutdown: its histories are ciphertext to a replayer without the key (codec/encryption.int.test.ts replays with it).
  [worker, keyedClient, browser] = await Promise.all([
    startTestWorker({ dagsDir: DAGS, replay: false }),
    connectClient({ address: testStack().temporalAddress, namespace: 'default' }, KEY_ENV),
    openSharedBrowser({ viewport: { width: 1400, height: 1000 } }),
  ]);
  const deps = (client: Client): UiDeps => ({
    client,
    db: worker.db,
    taskQueue: worker.taskQueue,
    namespace: 'default',
    catalog: reloadingCatalog(DAGS, 60_000),
    temporalUiUrl: testStack().temporalUiUrl,
    auth: { actor: 'erin' },
  });
  [sealed, keyed] = await Promise.all([
    // The harness's client has no codec: the server cannot decrypt.
    startUiServer(deps(worker.client), { port: 0, logError: (error) => console.error(error) }),
    startUiServer(deps(keyedClient), { port: 0, logError: (error) => console.error(error) }),
  ]);
  // Started as the CLI with the key starts it: the params are encrypted on the way in too.
  runId = await triggerRun(keyedClient, { dagId: 'web_sealed', params: { note: MARKER }, taskQueue: worker.taskQueue });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([sealed?.close(), keyed?.close()]);
  await keyedClient?.connection.close();
  await worker?.shutdown();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

const graphTask = (page: Page, taskId: string) => page.locator(`#run-graph g.task[data-task-id="${taskId}"]`);
const classOf = (page: Page, taskId: string) => graphTask(page, taskId).getAttribute('class', { timeout: 1_000 }).catch(() => '');

/** Every route a viewer of this run reads, fetched from the server without the key: each answers, none carries the plaintext. */
async function expectNoPlaintextOverHttp(server: UiServer): Promise<void> {
  const run = encodeURIComponent(runId);
  const routes = ['/', '/api/dags', '/dags/web_sealed', '/api/dags/web_sealed/grid', `/runs/${run}`, `/runs/${run}?task=make`, `/api/runs/${run}?task=make`, `/api/runs/${run}?task=publish`, `/api/runs/${run}/logs?task=make`];
  for (const route of routes) {
    const reply = await http(`${server.url}${route}`);
    expect({ route, status: reply.status, leaked: reply.body.includes(MARKER) }).toEqual({ route, status: 200, leaked: false });
  }
}

/**
 * Opens the task `make` on the server without the key, with every response body the browser
 * receives kept, and checks that the panel says the payloads are encrypted and that the marker is
 * in no body and not in the DOM.
 */
async function expectSealedPage(name: string, expected: Record<string, string>, runStatus: string): Promise<void> {
  await browser.withPage(name, async (page) => {
    const bodies: Promise<{ url: string; body: string }>[] = [];
    const urls: string[] = [];
    page.on('response', (response) => {
      urls.push(response.url());
      bodies.push(response.text().then((body) => ({ url: response.url(), body }), () => ({ url: response.url(), body: '' })));
    });
    await page.goto(`${sealed.url}/runs/${encodeURIComponent(runId)}?task=make`);
    for (const [taskId, state] of Object.entries(expected)) await expect.poll(() => classOf(page, taskId), POLL).toContain(`state-${state}`);
    await expect.poll(async () => (await page.locator('#run-status').textContent())?.trim(), POLL).toBe(runStatus);
    await expect.poll(() => page.locator('#task-summary').textContent(), POLL).toContain(ENCRYPTED_PAYLOAD_NOTICE);
    const notice = (await page.locator('p.encrypted-payloads').textContent()) ?? '';
    expect(notice).toContain(ENCRYPTED_PAYLOAD_NOTICE);
    expect(notice.includes('a waiting approval shows as pending')).toBe(runStatus === 'running');
    expect(await page.locator('#task-summary pre.task-output').count()).toBe(0);
    // No actions without the key: an approval's comment would go into history in plain text.
    expect(await page.locator('#task-summary button').count()).toBe(0);
    expect(await page.locator('#task-summary p.no-actions').count()).toBe(1);
    // The page's live refresh (an open run polls /api/runs) runs through the same path.
    if (runStatus === 'running') await expect.poll(() => urls.filter((url) => new URL(url).pathname.startsWith('/api/runs/')).length, POLL).toBeGreaterThanOrEqual(2);
    if (runStatus === 'success') await saveScreenshot(page, 'run-encrypted');
    const received = await Promise.all(bodies);
    expect(received.map(({ url }) => new URL(url).pathname)).toContain(`/runs/${encodeURIComponent(runId)}`);
    expect(received.filter(({ body }) => body.includes(MARKER)).map(({ url }) => url)).toEqual([]);
    expect((await page.content()).includes(MARKER)).toBe(false);
  });
}

/** The same task on the server with the key: params and output decrypted. */
async function expectDecryptedPage(name: string): Promise<void> {
  await browser.withPage(name, async (page) => {
    await page.goto(`${keyed.url}/runs/${encodeURIComponent(runId)}?task=make`);
    await expect.poll(() => page.locator('#task-summary pre.task-output').textContent({ timeout: 1_000 }).catch(() => ''), POLL).toContain(`"note": "${MARKER}"`);
    expect(await page.locator('p.run-facts ~ p.small code').first().textContent()).toBe(JSON.stringify({ note: MARKER }));
    expect(await page.locator('p.encrypted-payloads').count()).toBe(0);
    await page.locator('#task-summary button.clear-task').waitFor();
  });
}

describe('encrypted payloads in the web view', () => {
  it('while the run waits for approval: no plaintext without the key, the output decrypted with it', { timeout: 180_000 }, async () => {
    await expect.poll(async () => (await getRunSnapshot(keyedClient, runId)).tasks.find((task) => task.id === 'sign_off')?.state, POLL).toBe('running');
    // The worker really encrypts: a client without the key reads the run only as encrypted, without params.
    const unkeyed = await getRunSnapshot(worker.client, runId);
    expect(unkeyed.encrypted).toMatch(/WEIR_PAYLOAD_KEY/);
    expect(unkeyed.params).toEqual({});

    await expectNoPlaintextOverHttp(sealed);
    // Without the key, states come from the run records: tasks' attempts are recorded as they
    // happen, but an approval's wait is not (it is no activity), so only `make` is checked here.
    await expectSealedPage('open', { make: 'success' }, 'running');
    await expectDecryptedPage('open-keyed');
  });

  it('after the run closed: the same, read from its result', { timeout: 180_000 }, async () => {
    await decideApproval(keyedClient, runId, { taskId: 'sign_off', approved: true, actor: 'erin' });
    expect((await waitForRun(keyedClient, runId, () => {}, 200)).status).toBe('success');

    await expectNoPlaintextOverHttp(sealed);
    await expectSealedPage('closed', { make: 'success', sign_off: 'success', publish: 'success' }, 'success');
    await expectDecryptedPage('closed-keyed');
  });
});
