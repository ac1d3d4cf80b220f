import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { chromium, type Browser } from 'playwright-core';
import { waitForRun, triggerRun } from '../control/runs.ts';
import { createDb } from '../db/index.ts';
import { recordRunSnapshot } from '../db/run-records.ts';
import type { RunSnapshot, TaskState } from '../plan/types.ts';
import { reloadingCatalog } from '../ui/catalog.ts';
import { FAST_LAYOUT_ABOVE_TASKS } from '../ui/graph/graph-layout.ts';
import { startUiServer, type UiServer } from '../ui/server.ts';
import { createWeirWorker } from '../worker/create-worker.ts';
import { chainDagSource } from './generate-dags.ts';
import { REPO_ROOT } from './paths.ts';
import { median, ratio, round } from './stats.ts';

/** One page measured in headless Chromium against a baseline page measured in the same run. */
export interface UiBenchCase {
  name: string;
  ms: number;
  baseline: string;
  baselineMs: number;
  ratio: number;
  target: string;
  /** What was checked on the page, e.g. "5,000 cells". */
  detail: string;
  /** The server's share: median time to fetch the page's HTML from Node, no browser. */
  serverMs: number;
}

export interface UiBenchResult {
  rounds: number;
  cases: UiBenchCase[];
  fanOut: number;
  /** The run page of the fan-out: how much reaches the browser. */
  fanOutPage: { taskBoxes: number; domNodes: number; htmlBytes: number; liveJsonBytes: number };
}

export interface UiBenchOptions {
  temporalAddress: string;
  databaseUrl: string;
  bundlePath: string;
  scratchDir: string;
  fanOut: number;
  rounds: number;
  log: (line: string) => void;
}

const GRID_RUNS = 100;
const GRID_TASKS = 50;
const STATES: TaskState[] = ['success', 'success', 'success', 'failed', 'skipped', 'upstream_failed', 'running'];
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * The web view's pages in headless Chromium, each against a baseline measured in the same run:
 * the grid of 100 runs x 50 tasks (baseline: the same page with no runs), the graph of the
 * 2,000-task DAG on its first view, layout computed, and on later views, layout cached (baseline
 * for both: a static page of the same size), and the run page of a 10,000-item
 * fan-out that really ran (baseline: the run page of a 10-item run of the same DAG).
 * A page counts as rendered at its load event plus two animation frames (layout and paint done).
 */
export async function runUiBenchmark(options: UiBenchOptions): Promise<UiBenchResult> {
  const { log } = options;
  const dagsDir = path.join(options.scratchDir, 'ui-dags');
  await mkdir(dagsDir, { recursive: true });
  await writeFile(path.join(dagsDir, 'bench_ui_grid.ts'), chainDagSource('bench_ui_grid', GRID_TASKS));
  await writeFile(path.join(dagsDir, 'bench_ui_grid_empty.ts'), chainDagSource('bench_ui_grid_empty', GRID_TASKS));
  for (const file of ['_layered.ts', 'static_2000.ts', 'fanout_10k.ts']) await copyFile(path.join(REPO_ROOT, 'test', 'dags-scale', file), path.join(dagsDir, file));

  const db = createDb(options.databaseUrl);
  const taskQueue = 'bench-ui';
  const nativeConnection = await NativeConnection.connect({ address: options.temporalAddress });
  const connection = await Connection.connect({ address: options.temporalAddress });
  const client = new Client({ connection, namespace: 'default' });
  const worker = await createWeirWorker({ connection: nativeConnection, namespace: 'default', taskQueue, dagsDir, db, workflowBundlePath: options.bundlePath, log: () => {} });
  const running = worker.runAll();
  let server: UiServer | undefined;
  let browser: Browser | undefined;
  try {
    log(`ui: recording ${GRID_RUNS} runs x ${GRID_TASKS} tasks for the grid`);
    await recordGridRuns(db);
    log(`ui: running fanout_10k with ${options.fanOut} items, and with 10 for the baseline`);
    const [bigRun, smallRun] = await Promise.all([
      triggerRun(client, { dagId: 'fanout_10k', params: { n: options.fanOut }, taskQueue }),
      triggerRun(client, { dagId: 'fanout_10k', params: { n: 10 }, taskQueue }),
    ]);
    for (const runId of [bigRun, smallRun]) {
      const final = await waitForRun(client, runId, () => {}, 2_000);
      if (final.status !== 'success') throw new Error(`ui benchmark: run ${runId} ended ${final.status}`);
    }
    const catalog = reloadingCatalog(dagsDir, 600_000);
    const startServer = () =>
      startUiServer({ client, db, taskQueue, namespace: 'default', catalog, temporalUiUrl: 'http://127.0.0.1:8233', auth: { actor: 'bench' } }, { port: 0 });
    server = await startServer();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const at = (route: string) => new URL(route, server?.url).href;
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const measure = async (url: string, check: string): Promise<{ ms: number; found: number }> => {
      const page = await context.newPage();
      try {
        const started = performance.now();
        await page.goto(url, { waitUntil: 'load', timeout: 300_000 });
        // Two frames after load: style, layout and paint of the loaded page are done.
        await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
        const ms = performance.now() - started;
        return { ms, found: await page.locator(check).count() };
      } finally {
        await page.close();
      }
    };
    const serverTime = async (url: string) => {
      const samples: number[] = [];
      for (let round = 0; round < options.rounds; round++) {
        const started = performance.now();
        await (await fetch(url)).text();
        samples.push(performance.now() - started);
      }
      return round(median(samples));
    };
    const medianOf = async (url: string, check: string) => {
      const samples: number[] = [];
      let found = 0;
      for (let round = 0; round < options.rounds; round++) {
        const sample = await measure(url, check);
        samples.push(sample.ms);
        found = sample.found;
      }
      return { ms: median(samples), found };
    };

    const elementsOf = async (url: string) => {
      const page = await context.newPage();
      try {
        await page.goto(url, { waitUntil: 'load', timeout: 300_000 });
        return Number(await page.evaluate("document.getElementsByTagName('*').length"));
      } finally {
        await page.close();
      }
    };

    log('ui: grid');
    const gridUrl = at(`/dags/bench_ui_grid?runs=${GRID_RUNS}`);
    const grid = await medianOf(gridUrl, 'table.run-grid a.cell');
    const emptyGrid = await medianOf(at(`/dags/bench_ui_grid_empty?runs=${GRID_RUNS}`), 'table.run-grid a.cell');
    const gridBytes = (await (await fetch(gridUrl)).text()).length;
    const gridElements = await elementsOf(gridUrl);

    log('ui: graph of static_2000, first views (each on a fresh server, so its layout is computed) and cached views');
    const firstViews: number[] = [];
    let firstFound = 0;
    for (let round = 0; round < options.rounds; round++) {
      const fresh = await startServer();
      try {
        const sample = await measure(new URL('/dags/static_2000', fresh.url).href, '#dag-graph g.task');
        firstViews.push(sample.ms);
        firstFound = sample.found;
      } finally {
        await fresh.close();
      }
    }
    const graph = await medianOf(at('/dags/static_2000'), '#dag-graph g.task');
    const graphHtml = await (await fetch(at('/dags/static_2000'))).text();
    // Baseline: the browser's cost of a page of the same size with nothing to lay out.
    await context.route(at('/__static-baseline'), (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><html><body><pre>${'x'.repeat(graphHtml.length)}</pre></body></html>` }));
    const staticPage = await medianOf(at('/__static-baseline'), 'pre');

    log('ui: run page of the fan-out');
    const runPage = await medianOf(at(`/runs/${encodeURIComponent(bigRun)}`), '#run-graph g.task');
    const smallPage = await medianOf(at(`/runs/${encodeURIComponent(smallRun)}`), '#run-graph g.task');
    const bigHtml = await (await fetch(at(`/runs/${encodeURIComponent(bigRun)}`))).text();
    const liveJson = await (await fetch(at(`/api/runs/${encodeURIComponent(bigRun)}`))).text();
    const page = await context.newPage();
    await page.goto(at(`/runs/${encodeURIComponent(bigRun)}`), { waitUntil: 'load', timeout: 300_000 });
    const domNodes = Number(await page.evaluate("document.getElementsByTagName('*').length"));
    await page.close();

    // The server's share of a first view: a fresh server's first fetch, layout included.
    const graphFirstServer = await (async () => {
      const fresh = await startServer();
      try {
        const started = performance.now();
        await (await fetch(new URL('/dags/static_2000', fresh.url))).text();
        return round(performance.now() - started);
      } finally {
        await fresh.close();
      }
    })();
    const [gridServer, graphServer, runServer] = [
      await serverTime(at(`/dags/bench_ui_grid?runs=${GRID_RUNS}`)),
      await serverTime(at('/dags/static_2000')),
      await serverTime(at(`/runs/${encodeURIComponent(bigRun)}`)),
    ];
    const cases: UiBenchCase[] = [
      { name: `grid, ${GRID_RUNS} runs x ${GRID_TASKS} tasks`, ms: round(grid.ms), baseline: 'same page, no runs', baselineMs: round(emptyGrid.ms), ratio: ratio(grid.ms, emptyGrid.ms), target: '< 1 s', detail: `${grid.found} cells, ${gridElements} elements, ${Math.round(gridBytes / 1024)} KiB`, serverMs: gridServer },
      { name: 'graph, 2,000-task DAG, first view (layout computed)', ms: round(median(firstViews)), baseline: 'static page of equal size', baselineMs: round(staticPage.ms), ratio: ratio(median(firstViews), staticPage.ms), target: '< 3 s', detail: `${firstFound} task boxes, each view on a fresh server`, serverMs: graphFirstServer },
      { name: 'graph, 2,000-task DAG (layout cached)', ms: round(graph.ms), baseline: 'static page of equal size', baselineMs: round(staticPage.ms), ratio: ratio(graph.ms, staticPage.ms), target: '< 3 s', detail: `${graph.found} task boxes, ${Math.round(graphHtml.length / 1024)} KiB`, serverMs: graphServer },
      { name: `run page, ${options.fanOut}-item fan-out`, ms: round(runPage.ms), baseline: 'run page of a 10-item run', baselineMs: round(smallPage.ms), ratio: ratio(runPage.ms, smallPage.ms), target: 'usable', detail: `${runPage.found} task boxes (instances collapsed)`, serverMs: runServer },
    ];
    return {
      rounds: options.rounds,
      cases,
      fanOut: options.fanOut,
      fanOutPage: { taskBoxes: runPage.found, domNodes, htmlBytes: bigHtml.length, liveJsonBytes: liveJson.length },
    };
  } finally {
    await browser?.close();
    await server?.close();
    worker.shutdownAll();
    await running;
    await nativeConnection.close();
    await connection.close();
    await db.destroy();
  }
}

/** 100 finished runs of the 50-task chain, written through the same path as the worker's run records. */
async function recordGridRuns(db: ReturnType<typeof createDb>): Promise<void> {
  const start = Date.parse('2026-01-01T00:00:00Z');
  for (let run = 0; run < GRID_RUNS; run++) {
    const at = new Date(start + run * 3_600_000).toISOString();
    const snapshot: RunSnapshot = {
      runId: `bench_ui_grid-${String(run).padStart(3, '0')}`,
      dagId: 'bench_ui_grid',
      runType: 'scheduled',
      status: run % 9 === 0 ? 'failed' : 'success',
      logicalDate: at,
      startedAt: at,
      endedAt: at,
      params: {},
      tasks: Array.from({ length: GRID_TASKS }, (_, task) => ({
        id: `t${String(task).padStart(3, '0')}`,
        kind: 'task' as const,
        state: STATES[(run + task) % STATES.length] ?? 'success',
        attempts: 1,
        startedAt: at,
        endedAt: at,
        error: null,
      })),
    };
    await recordRunSnapshot(db, snapshot);
  }
}

const x = (value: number) => `${value.toFixed(2)}x`;

export function uiSection(result: UiBenchResult): string {
  return [
    '## Web view',
    '',
    `Pages of \`weir ui\` in headless Chromium (Debian's), load event plus two animation frames, median of ${result.rounds}. Each baseline is measured in the same run.`,
    '',
    '| page | time | of which server | baseline | ratio | target | checked |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...result.cases.map((c) => `| ${c.name} | ${c.ms} ms | ${c.serverMs} ms | ${c.baseline} ${c.baselineMs} ms | ${x(c.ratio)} | ${c.target} | ${c.detail} |`),
    '',
    `A first view of the 2,000-task graph computes its layout (d3-dag above ${FAST_LAYOUT_ABOVE_TASKS} tasks); later views take it from the per-plan cache. ` +
      `The ${result.fanOut}-item run page drew ${result.fanOutPage.taskBoxes} task boxes and ${result.fanOutPage.domNodes} DOM elements in ${Math.round(result.fanOutPage.htmlBytes / 1024)} KiB of HTML; its live poll returns ${Math.round(result.fanOutPage.liveJsonBytes / 1024)} KiB of JSON.`,
  ].join('\n');
}
