import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerRun, waitForRun } from '../control/runs.ts';
import { scheduleIdFor } from '../control/schedules.ts';
import { modelHistory, productionVersion, promoteModel, registerModelVersion } from '../registry/index.ts';
import { uniqueModelName, writeModelFile } from '../registry/test-fixtures.ts';
import type { TestWorker } from '../test/harness.ts';
import { fileURLToPath } from 'node:url';
import { reloadingCatalog } from './catalog.ts';
import { startUiServer, type UiServer } from './server.ts';
import { openSharedBrowser, saveScreenshot, type BrowserSession } from './test-support.ts';
import { startTestWorker } from '../test/harness.ts';
import { testStack } from '../test/stack.ts';

const DAGS = fileURLToPath(new URL('./fixtures/dags-browser/', import.meta.url));
const NIGHTLY = 'webcore_churn_nightly';
const ADHOC = 'webcore_churn_adhoc';
const ACTOR = 'dana';
const TIMEOUT_MS = 30_000;

let worker: TestWorker;
let server: UiServer;
let browser: BrowserSession;

beforeAll(async () => {
  [worker, browser] = await Promise.all([
    startTestWorker({ dagsDir: DAGS, syncSchedules: true }),
    openSharedBrowser({ viewport: { width: 1280, height: 800 }, stepTimeoutMs: TIMEOUT_MS }),
  ]);
  server = await startUiServer(
    {
      client: worker.client,
      db: worker.db,
      taskQueue: worker.taskQueue,
      namespace: 'default',
      catalog: reloadingCatalog(DAGS, 60_000),
      temporalUiUrl: testStack().temporalUiUrl,
      auth: { actor: ACTOR },
    },
    { port: 0 },
  );
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  // This file owns the schedule of its DAG; nothing else syncs it.
  if (worker) await worker.client.schedule.getHandle(scheduleIdFor(NIGHTLY, worker.taskQueue)).delete().catch(() => {});
  await worker?.shutdown();
});

async function schedulePaused(): Promise<boolean> {
  return (await worker.client.schedule.getHandle(scheduleIdFor(NIGHTLY, worker.taskQueue)).describe()).state.paused;
}

describe('DAGs page', () => {
  it('shows schedules, recent runs as squares and load errors, and pauses and unpauses a schedule', { timeout: 180_000 }, async () => {
    const runIds: string[] = [];
    for (const fail of [false, false, true, false]) {
      const runId = await triggerRun(worker.client, { dagId: ADHOC, params: { fail }, taskQueue: worker.taskQueue });
      await waitForRun(worker.client, runId, () => {}, 200);
      runIds.push(runId);
    }

    await browser.withPage('dags', async (page) => {
      await page.goto(`${server.url}/`);
      const nightly = page.locator(`tr[data-dag-id="${NIGHTLY}"]`);
      await expect(nightly.locator('td.schedule code').textContent()).resolves.toBe('@daily');
      await expect(nightly.locator('td.next-run').textContent()).resolves.toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/);
      // Oldest run on the left, coloured by its state, each linking to its run page.
      const squares = page.locator(`tr[data-dag-id="${ADHOC}"] a.square`);
      expect(await squares.evaluateAll((links) => links.map((link) => [link.getAttribute('data-run-id'), link.className, link.getAttribute('href')]))).toEqual(
        runIds.map((runId, index) => [runId, `square state-${index === 2 ? 'failed' : 'success'}`, `/runs/${encodeURIComponent(runId)}`]),
      );
      await expect(page.locator('.broken-files').textContent()).resolves.toContain('churn_broken.ts');
      await saveScreenshot(page, 'dags');

      // The toggle: a form post, answered with the page again and a notice.
      expect(await schedulePaused()).toBe(false);
      await nightly.getByRole('button', { name: 'active' }).click();
      await page.getByRole('status').filter({ hasText: `paused ${NIGHTLY}` }).waitFor();
      await expect(nightly.getByRole('button').textContent()).resolves.toBe('paused');
      await expect(nightly.locator('td.next-run').textContent()).resolves.toBe('-');
      expect(await schedulePaused()).toBe(true);
      const note = (await worker.client.schedule.getHandle(scheduleIdFor(NIGHTLY, worker.taskQueue)).describe()).state.note;
      expect(note).toBe(`paused by ${ACTOR} in weir ui`);

      await nightly.getByRole('button', { name: 'paused' }).click();
      await page.getByRole('status').filter({ hasText: `unpaused ${NIGHTLY}` }).waitFor();
      await expect(nightly.getByRole('button').textContent()).resolves.toBe('active');
      expect(await schedulePaused()).toBe(false);
    });
  });
});

describe('Models page', () => {
  it('promotes a version and rolls it back, each confirmed and with a reason the audit trail keeps', { timeout: 120_000 }, async () => {
    const name = uniqueModelName('churn');
    for (const [run, auc] of [['run-a', 0.81], ['run-b', 0.86]] as const) {
      await registerModelVersion(worker.db, {
        name,
        artifactUri: await writeModelFile(),
        metrics: { auc, f1: auc - 0.1 },
        lineage: { dagId: 'weekly_retrain', runId: `weekly_retrain-${run}`, dataPath: 'file:///data/batch.csv', dataSha256: 'b'.repeat(64), gitCommit: '4f2a9c1' },
        idempotencyKey: `${run}:register`,
      });
    }
    await promoteModel(worker.db, { name, version: 1, actor: 'weekly_retrain-run-a', reason: 'first champion', idempotencyKey: 'run-a:promote' });

    await browser.withPage('models', async (page) => {
      await page.goto(`${server.url}/models`);
      await page.getByRole('link', { name }).click();
      await page.getByRole('heading', { name: new RegExp(`${name}.*v1 in production`) }).waitFor();
      const v2 = page.locator('tr[data-version="2"]');
      await expect(v2.locator('dl.lineage').textContent()).resolves.toMatch(/weekly_retrain-run-b[\s\S]*weekly_retrain[\s\S]*bbbb[\s\S]*4f2a9c1/);
      await expect(v2.locator('dl.metrics').textContent()).resolves.toContain('0.86');

      // A dismissed confirmation changes nothing.
      await v2.getByRole('textbox', { name: /reason/ }).fill('beat the champion on auc');
      page.once('dialog', (dialog) => void dialog.dismiss());
      await v2.getByRole('button', { name: 'Promote' }).click();
      expect((await productionVersion(worker.db, name))?.version).toBe(1);

      page.once('dialog', (dialog) => {
        expect(dialog.message()).toBe(`Put ${name} v2 in production?`);
        void dialog.accept();
      });
      await v2.getByRole('button', { name: 'Promote' }).click();
      await page.getByRole('status').filter({ hasText: `promoted ${name} v2 to production (archived v1)` }).waitFor();
      await page.getByRole('heading', { name: new RegExp(`v2 in production`) }).waitFor();
      const newest = page.locator('table.audit tbody tr').first();
      await expect(newest.locator('.actor').textContent()).resolves.toBe(ACTOR);
      await expect(newest.locator('.reason').textContent()).resolves.toBe('beat the champion on auc');
      await saveScreenshot(page, 'model');

      const rollback = page.locator('form.rollback');
      await expect(rollback.textContent()).resolves.toMatch(/from v2 to v1/);
      await rollback.getByRole('textbox', { name: /reason/ }).fill('p99 latency regression');
      page.once('dialog', (dialog) => void dialog.accept());
      await rollback.getByRole('button', { name: 'Roll back' }).click();
      await page.getByRole('status').filter({ hasText: `rolled ${name} back to v1` }).waitFor();
      await page.getByRole('heading', { name: new RegExp(`v1 in production`) }).waitFor();
      await expect(page.locator('table.audit tbody tr').first().textContent()).resolves.toMatch(/rollback[\s\S]*dana[\s\S]*p99 latency regression/);

      await page.goto(`${server.url}/models`);
      await page.locator(`tr[data-model="${name}"]`).waitFor();
      await saveScreenshot(page, 'models');
    });

    const trail = await modelHistory(worker.db, name);
    expect(trail.slice(-4).map((step) => [step.version, step.toStage, step.action, step.actor, step.reason])).toEqual([
      [1, 'archived', 'promote', ACTOR, 'beat the champion on auc'],
      [2, 'production', 'promote', ACTOR, 'beat the champion on auc'],
      [2, 'archived', 'rollback', ACTOR, 'p99 latency regression'],
      [1, 'production', 'rollback', ACTOR, 'p99 latency regression'],
    ]);
  });
});
