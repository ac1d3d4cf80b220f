import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForRun } from '../control/runs.ts';
import { startTestWorker, type TestWorker } from './harness.ts';
import { testStack } from './stack.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// Generous: on a busy machine the UI's JavaScript alone can take many seconds to start.
const UI_TIMEOUT_MS = 60_000;

let weir: TestWorker;
let browser: Browser;
/** One context for the whole file, so the second page load reuses the cached UI bundle. */
let context: BrowserContext;

beforeAll(async () => {
  [weir, browser] = await Promise.all([startTestWorker(), chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })]);
  context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  // The UI fetches a news feed from the internet; these machines have none.
  await context.route('https://newsfeed.temporal.io/**', (route) => route.abort());
});
afterAll(async () => {
  await browser?.close();
  await weir?.shutdown();
});

function uiUrl(route: string): string {
  return new URL(route, testStack().temporalUiUrl).href;
}

/** Runs a browser session; on failure, saves a screenshot and names it in the error. */
async function withPage(name: string, session: (page: Page) => Promise<void>): Promise<void> {
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  try {
    await session(page);
  } catch (error) {
    const file = path.join(tmpdir(), `weir-web-ui-${name}-${Date.now()}.png`);
    const saved = await page.screenshot({ path: file, fullPage: true }).then(
      () => `screenshot: ${file}`,
      (screenshotError: unknown) => `no screenshot: ${String(screenshotError)}`,
    );
    if (error instanceof Error) error.message = `${error.message}\n(${saved}; page ${page.url()})`;
    throw error;
  } finally {
    await page.close();
  }
}

describe('the Temporal Web UI starts Weir runs', () => {
  it('starts a DAG from the Start Workflow form with type = DAG id and shows the run completed', { timeout: 240_000 }, async () => {
    const workflowId = `ui-diamond-${randomUUID().slice(0, 8)}`;
    await withPage('start-workflow', async (page) => {
      await page.goto(uiUrl('/namespaces/default/workflows/start-workflow'));

      // When the task queue field loses focus, the form looks the queue up and may show a
      // workers banner under it. Fill it first and let that settle, so the layout does not
      // move under the submit click (a moved button swallows the click).
      const taskQueueChecked = page.waitForResponse((response) => response.url().includes(`/task-queues/${weir.taskQueue}`));
      const taskQueue = page.getByLabel('Task Queue');
      await taskQueue.fill(weir.taskQueue);
      await taskQueue.blur();
      await taskQueueChecked;
      await page.getByLabel('Workflow ID').fill(workflowId);
      await page.getByLabel('Workflow Type').fill('diamond');
      await page.getByRole('textbox', { name: 'Data' }).fill('{}');

      const submitted = page.waitForResponse(
        (response) => response.request().method() === 'POST' && response.url().includes(`/namespaces/default/workflows/${workflowId}`),
      );
      await page.getByRole('button', { name: 'Start Workflow' }).click();
      expect((await submitted).status()).toBe(200);
    });

    const snapshot = await waitForRun(weir.client, workflowId, () => {}, 200);
    expect(snapshot).toMatchObject({ status: 'success', dagId: 'diamond', runType: 'manual', params: {} });
    expect(snapshot.tasks.map((task) => [task.id, task.state])).toEqual([
      ['start', 'success'],
      ['left', 'success'],
      ['right', 'success'],
      ['join', 'success'],
    ]);
    const description = await weir.client.workflow.getHandle(workflowId).describe();
    expect(description.taskQueue).toBe(weir.taskQueue);
    expect(description.searchAttributes).toMatchObject({ WeirDagId: ['diamond'], WeirRunType: ['manual'] });

    await withPage('workflow-page', async (page) => {
      await page.goto(uiUrl(`/namespaces/default/workflows/${workflowId}/${description.runId}/history`));
      await page.getByRole('heading', { name: workflowId }).waitFor();
      // The status badge next to the workflow id.
      await page.getByText(/^\s*completed\s*$/i).first().waitFor();
    });
  });
});
