import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArtifactStore } from '../../artifacts/index.ts';
import { triggerRun, waitForRun } from '../../control/runs.ts';
import { computeBaseline, saveBaseline, type DriftReport } from '../../ops/drift/index.ts';
import { startTestWorker, type TestWorker } from '../../test/harness.ts';
import { testStack } from '../../test/stack.ts';
import { artifactSettingsFromEnv } from '../../worker/config/artifact-settings.ts';
import { reloadingCatalog } from '../catalog.ts';
import { startUiServer, type UiServer } from '../server.ts';
import { openSharedBrowser, saveScreenshot, type BrowserSession } from '../test-support.ts';

const DAGS = fileURLToPath(new URL('../fixtures/dags-drift/', import.meta.url));
// Committed CSVs: the batch moves monthly_spend up by two standard deviations and the plan mix
// from mostly basic to mostly team; tenure_months comes from the same distribution.
const REFERENCE_CSV = fileURLToPath(new URL('../fixtures/drift/reference.csv', import.meta.url));
const BATCH_CSV = fileURLToPath(new URL('../fixtures/drift/current.csv', import.meta.url));
const MODEL = `web-drift-${randomUUID().slice(0, 8)}`;

let worker: TestWorker;
let server: UiServer;
let browser: BrowserSession;

beforeAll(async () => {
  [worker, browser] = await Promise.all([startTestWorker({ dagsDir: DAGS }), openSharedBrowser({ viewport: { width: 1500, height: 1100 } })]);
  await saveBaseline(worker.db, { modelName: MODEL, ...(await computeBaseline(REFERENCE_CSV)) });
  server = await startUiServer(
    {
      client: worker.client,
      db: worker.db,
      taskQueue: worker.taskQueue,
      namespace: 'default',
      catalog: reloadingCatalog(DAGS, 60_000),
      temporalUiUrl: testStack().temporalUiUrl,
      auth: { actor: 'grace' },
      // The store the worker's drift task writes its reports to (both read the same environment).
      artifacts: createArtifactStore(artifactSettingsFromEnv(process.env)),
    },
    { port: 0, logError: (error) => console.error(error) },
  );
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await worker?.shutdown();
});

describe('the drift report in the task panel', () => {
  it('shows the decision, the drifted columns and the whole report inline for a task that ran the drift operator', { timeout: 180_000 }, async () => {
    const runId = await triggerRun(worker.client, { dagId: 'web_drift', params: { modelName: MODEL, batch: BATCH_CSV }, taskQueue: worker.taskQueue });
    const run = await waitForRun(worker.client, runId, () => {}, 200);
    expect(run.tasks.map((task) => [task.id, task.state])).toEqual([
      ['drift', 'success'],
      ['summary', 'success'],
    ]);

    await browser.withPage('drift', async (page) => {
      await page.goto(`${server.url}/runs/${encodeURIComponent(runId)}?task=drift`);
      const drift = page.locator('#task-summary div.drift');
      await drift.waitFor();
      // The report the run wrote, fetched as the panel's link does: the page must agree with it.
      const reportLink = page.locator('#task-summary ul.artifacts a.artifact-link', { hasText: /drift-report\.json$/ });
      const report = (await (await page.request.get(new URL((await reportLink.getAttribute('href')) ?? '', server.url).href)).json()) as DriftReport;
      const decisions = Object.fromEntries(report.columns.map((column) => [column.column, column.drifted]));
      expect(decisions).toEqual({ monthly_spend: true, plan: true, tenure_months: false });
      expect(report.drifted).toBe(true);

      // The summary line: the dataset decision and the drifted columns by name.
      expect(await drift.getAttribute('class')).toBe('drift drifted');
      const summary = (await drift.locator('p').first().textContent()) ?? '';
      expect(summary).toContain('drift found');
      expect(summary).toContain(`${Math.round(report.share * 100)} % of columns drifted`);
      expect(await drift.locator('p code').allTextContents()).toEqual([...report.driftedColumns]);

      // The HTML report itself, inline in its sandboxed frame: every column with its verdict.
      const frame = page.frameLocator('#task-summary iframe.drift-report');
      await frame.locator('p.verdict').waitFor();
      expect(await frame.locator('p.verdict').textContent()).toMatch(/2 of 3 columns drifted/);
      const rows = await frame.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.querySelector('td b')?.textContent, tr.querySelector('.verdict')?.textContent]));
      expect(Object.fromEntries(rows)).toEqual({ monthly_spend: 'drifted', plan: 'drifted', tenure_months: 'stable' });
      // Inline means readable where it is: the frame shows the verdict and the first column's row without scrolling it.
      const reportFrame = page.frames().find((frame) => frame.url().includes('drift-report.html'));
      expect(reportFrame, 'the report frame').toBeDefined();
      const seen = (await reportFrame?.evaluate(`(() => ({
        frameHeight: window.innerHeight,
        firstRowBottom: document.querySelector('tbody tr')?.getBoundingClientRect().bottom ?? Infinity,
      }))()`)) as { frameHeight: number; firstRowBottom: number };
      expect(seen.firstRowBottom).toBeLessThanOrEqual(seen.frameHeight);
      await saveScreenshot(page, 'run-drift');
    });
  });
});
