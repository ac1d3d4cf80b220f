import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArtifactStore } from '../../artifacts/index.ts';
import { artifactSettingsFromEnv } from '../../worker/config/artifact-settings.ts';
import { getRunSnapshot, triggerRun, waitForRun } from '../../control/runs.ts';
import { startTestWorker, type TestWorker } from '../../test/harness.ts';
import { testStack } from '../../test/stack.ts';
import { reloadingCatalog } from '../catalog.ts';
import { startUiServer, type UiServer } from '../server.ts';
import { openSharedBrowser, saveScreenshot, type BrowserSession } from '../test-support.ts';

const FIXTURE_DAGS = fileURLToPath(new URL('../run/fixtures/dags/', import.meta.url));
const ACTOR = 'ada';
// Generous: the machine is shared, and a run's tasks take a few seconds each on it.
const STEP_MS = 60_000;

let weir: TestWorker;
let server: UiServer;
let browser: BrowserSession;
const scratch = path.join(tmpdir(), `weir-web-runs-${randomUUID().slice(0, 8)}`);

beforeAll(async () => {
  mkdirSync(scratch, { recursive: true });
  [weir, browser] = await Promise.all([startTestWorker({ dagsDir: FIXTURE_DAGS }), openSharedBrowser({ viewport: { width: 1500, height: 1000 }, stepTimeoutMs: STEP_MS })]);
  server = await startUiServer(
    {
      client: weir.client,
      db: weir.db,
      taskQueue: weir.taskQueue,
      namespace: 'default',
      catalog: reloadingCatalog(FIXTURE_DAGS, 60_000),
      temporalUiUrl: testStack().temporalUiUrl,
      auth: { actor: ACTOR },
      // The store the worker's tasks write to (its services come from the same environment).
      artifacts: createArtifactStore(artifactSettingsFromEnv(process.env)),
    },
    { port: 0, logError: (error) => console.error(error) },
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await weir?.shutdown();
  rmSync(scratch, { recursive: true, force: true });
});

/** Polled reads of the page: playwright-core has no web-first assertions, so vitest's expect.poll waits instead. */
const POLL = { timeout: STEP_MS, interval: 250 };
const classOf = (locator: Locator) => locator.getAttribute('class', { timeout: 1_000 }).catch(() => '');
const textOf = (locator: Locator) => locator.textContent({ timeout: 1_000 }).then((text) => text ?? '', () => '');

const url = (route: string) => new URL(route, server.url).href;
const graphTask = (page: Page, taskId: string) => page.locator(`#run-graph g.task[data-task-id="${taskId}"]`);

describe('the DAG page', () => {
  it('refuses bad params field by field, then triggers a run and the run page turns green', { timeout: 300_000 }, async () => {
    await browser.withPage('trigger', async (page) => {
      await page.goto(url('/dags/web_pipeline'));
      // The graph: one box per task, the branch and the mapped task marked, the join's trigger rule shown.
      await expect.poll(() => page.locator('#dag-graph g.task').count(), POLL).toBe(7);
      await expect.poll(() => page.locator('#dag-graph g.task.kind-branch[data-task-id="route"]').count(), POLL).toBe(1);
      await expect.poll(() => page.locator('#dag-graph g.task.kind-map[data-task-id="square"]').count(), POLL).toBe(1);
      expect(await page.locator('#dag-graph g.task[data-task-id="report"]').textContent()).toContain('all_done');
      // Defaults are shown.
      expect(await page.locator('#param-rows').getAttribute('placeholder')).toBe('3');

      await page.fill('#param-rows', '-2');
      await page.selectOption('#param-mode', 'publish');
      await page.click('form.trigger-form button[type="submit"]');
      await page.waitForLoadState();
      expect(new URL(page.url()).pathname).toBe('/api/dags/web_pipeline/trigger');
      await expect.poll(() => textOf(page.locator('ul.field-errors[data-field="rows"]')), POLL).toMatch(/>0|positive|too small/i);
      await expect.poll(() => textOf(page.locator('ul.field-errors[data-field="table"]')), POLL).toMatch(/expected string|required/i);
      // What was typed stays in the form.
      expect(await page.inputValue('#param-rows')).toBe('-2');

      await page.fill('#param-rows', '4');
      await page.fill('#param-table', 'events');
      await Promise.all([page.waitForURL(/\/runs\/web_pipeline-manual-/), page.click('form.trigger-form button[type="submit"]')]);
      const runId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
      // The run page follows the run live: every task that runs turns green without a reload.
      for (const taskId of ['extract', 'list', 'square', 'route', 'publish', 'report']) {
        await expect.poll(() => classOf(graphTask(page, taskId)), POLL).toMatch(/state-success/);
      }
      await expect.poll(() => classOf(graphTask(page, 'alert')), POLL).toMatch(/state-skipped/);
      await expect.poll(async () => (await textOf(page.locator('#run-status'))).trim(), POLL).toBe('success');
      expect(await graphTask(page, 'square').textContent()).toContain('×4');
      const snapshot = await getRunSnapshot(weir.client, runId);
      expect(snapshot.params).toEqual({ rows: 4, table: 'events', mode: 'publish' });
      await saveScreenshot(page, 'run');

      // The grid shows the run as a column; a cell opens the run page with its task selected.
      await page.goto(url('/dags/web_pipeline'));
      const cellOf = (taskId: string) => page.locator(`tr[data-task-id="${taskId}"] a.cell[href="/runs/${encodeURIComponent(runId)}?task=${taskId}"]`);
      const cell = cellOf('alert');
      await expect.poll(() => classOf(cell), POLL).toMatch(/state-skipped/);
      await expect.poll(async () => (await textOf(cellOf('square'))).trim(), POLL).toBe('4');
      await saveScreenshot(page, 'dag');
      await cell.click();
      await page.waitForURL(/\?task=alert/);
      await expect.poll(async () => (await textOf(page.locator('#task-summary .state-line'))).trim(), POLL).toBe('skipped: branch `route` chose `publish`');
    });
  });
});

describe('the run page', () => {
  it("shows a task's logs, output and artifacts, and a Gantt of what ran", { timeout: 180_000 }, async () => {
    const runId = await triggerRun(weir.client, { dagId: 'web_pipeline', params: { table: 'orders', rows: 2 }, taskQueue: weir.taskQueue });
    await browser.withPage('logs', async (page) => {
      await page.goto(url(`/runs/${runId}?task=extract`));
      // Logged while the page is open (or before): the follower appends it.
      await expect.poll(() => textOf(page.locator('#task-logs')), POLL).toContain('reading 2 rows from orders');
      await expect.poll(() => classOf(graphTask(page, 'extract')), POLL).toMatch(/state-success/);
      await expect.poll(() => textOf(page.locator('#task-summary pre.task-output')), POLL).toContain('"rows": 2');
      const link = page.locator('#task-summary ul.artifacts a.artifact-link');
      await expect.poll(() => textOf(link), POLL).toMatch(new RegExp(`^file://.*/${runId}/extract/summary\\.json$`));
      const artifact = await page.request.get(url((await link.getAttribute('href')) ?? ''));
      expect(await artifact.json()).toEqual({ table: 'orders', rows: 2 });
      // Only the store's own artifacts are served.
      expect((await page.request.get(url(`/artifacts?uri=${encodeURIComponent('file:///etc/passwd')}`))).status()).toBe(404);
      await expect.poll(async () => (await textOf(page.locator('#run-status'))).trim(), POLL).toBe('success');
      await expect.poll(() => page.locator('#gantt tr.gantt-row[data-task-id="extract"] rect.bar.state-success').count(), POLL).toBe(1);
      await expect.poll(() => page.locator('#gantt tr.gantt-row[data-task-id="alert"]').count(), POLL).toBe(0);
      await expect.poll(() => page.locator('a.temporal-link').getAttribute('href'), POLL).toBe(`${testStack().temporalUiUrl.replace(/\/$/, '')}/namespaces/default/workflows/${runId}`);
    });
  });

  it('clears a failed task, which runs again and succeeds, under the actor who cleared it', { timeout: 240_000 }, async () => {
    const marker = path.join(scratch, 'marker');
    const runId = await triggerRun(weir.client, { dagId: 'web_clearable', params: { marker }, taskQueue: weir.taskQueue });
    await browser.withPage('clear', async (page) => {
      await page.goto(url(`/runs/${runId}?task=fragile`));
      await expect.poll(() => classOf(graphTask(page, 'fragile')), POLL).toMatch(/state-failed/);
      await expect.poll(() => classOf(graphTask(page, 'load')), POLL).toMatch(/state-upstream_failed/);
      await expect.poll(() => textOf(page.locator('#task-summary pre.task-error')), POLL).toContain('missing');
      writeFileSync(marker, 'ok');
      page.once('dialog', (dialog) => void dialog.accept());
      await page.click('#task-summary button.clear-task');
      await page.waitForURL(/notice=/);
      await expect.poll(() => textOf(page.locator('p.notice')), POLL).toContain(`cleared fragile, load as ${ACTOR}`);
      await expect.poll(() => classOf(graphTask(page, 'fragile')), POLL).toMatch(/state-success/);
      await expect.poll(() => classOf(graphTask(page, 'load')), POLL).toMatch(/state-success/);
      await expect.poll(() => textOf(page.locator('#task-logs')), POLL).toContain('looking for');
    });
    const final = await waitForRun(weir.client, runId);
    expect(final.status).toBe('success');
    // Temporal keeps who asked: the Update's requester identity in the run's history.
    const history = await weir.client.workflow.getHandle(runId).fetchHistory();
    const identities = (history.events ?? []).map((event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.identity).filter(Boolean);
    expect(identities).toContain(`${ACTOR} via weir ui`);
  });

  it('approves an approval task with a comment; the decision carries the actor', { timeout: 180_000 }, async () => {
    const runId = await triggerRun(weir.client, { dagId: 'web_approval', params: {}, taskQueue: weir.taskQueue });
    await browser.withPage('approve', async (page) => {
      await page.goto(url(`/runs/${runId}?task=sign_off`));
      await expect.poll(() => classOf(graphTask(page, 'sign_off')), POLL).toMatch(/state-running/);
      await page.locator('#task-summary button.approve').waitFor({ state: 'visible' });
      await page.fill('#task-summary input[name="comment"]', 'metrics look fine');
      await page.click('#task-summary button.approve');
      await page.waitForURL(/notice=/);
      await expect.poll(() => textOf(page.locator('p.notice')), POLL).toContain(`approved sign_off as ${ACTOR}`);
      await expect.poll(() => classOf(graphTask(page, 'publish')), POLL).toMatch(/state-success/);
      await expect.poll(async () => (await textOf(page.locator('#run-status'))).trim(), POLL).toBe('success');
    });
    const outputs = await weir.client.workflow.getHandle(runId).query<Record<string, unknown>>('weir.taskOutputs');
    expect(outputs.publish).toEqual({ by: ACTOR, comment: 'metrics look fine' });
  });

  it('cancels a waiting run from its Cancel button', { timeout: 180_000 }, async () => {
    const runId = await triggerRun(weir.client, { dagId: 'web_approval', params: {}, taskQueue: weir.taskQueue });
    await browser.withPage('cancel', async (page) => {
      await page.goto(url(`/runs/${runId}?task=sign_off`));
      await expect.poll(() => classOf(graphTask(page, 'sign_off')), POLL).toMatch(/state-running/);
      page.once('dialog', (dialog) => void dialog.accept());
      await page.click('button.cancel-run');
      await page.waitForURL(/notice=/);
      await expect.poll(() => textOf(page.locator('p.notice')), POLL).toContain(`run ${runId} cancelled by ${ACTOR}`);
      await expect.poll(async () => (await textOf(page.locator('#run-status'))).trim(), POLL).toBe('cancelled');
    });
  });
});
