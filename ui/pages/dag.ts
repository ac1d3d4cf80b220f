import type { Context } from 'hono';
import { html } from 'hono/html';
import { awaitRunPickup, triggerRun } from '../../control/runs.ts';
import type { Plan } from '../../plan/types.ts';
import { InvalidParamsError } from '../../sdk/errors.ts';
import { validateParams } from '../../sdk/params.ts';
import type { PageModule } from '../app.ts';
import type { UiDagEntry, UiDeps } from '../deps.ts';
import { UiNotFoundError } from '../errors.ts';
import { GraphLayoutCache } from '../graph/graph-layout.ts';
import { renderGraphSvg } from '../graph/graph-svg.ts';
import { DEFAULT_GRID_RUNS, loadGridData, MAX_GRID_RUNS } from '../grid/grid-data.ts';
import { renderGrid } from '../grid/grid-html.ts';
import { buildGrid } from '../grid/grid-model.ts';
import { csrfField, renderPage, type Html, type ShellLinks } from '../layout.ts';
import { importCatalogDag } from '../params/dag-params.ts';
import { renderParamsFields, type ParamsFormState } from '../params/params-form-html.ts';
import { issuesByField, paramsFormOf, readParamsForm, type ParamsForm } from '../params/params-form.ts';
import { actorClient } from '../run/actor-client.ts';
import type { UiEnv } from '../security.ts';

const LOGICAL_DATE_FIELD = '__logical_date';

async function requireDag(deps: UiDeps, dagId: string): Promise<UiDagEntry> {
  const entry = (await deps.catalog()).dags.get(dagId);
  if (!entry) throw new UiNotFoundError(`DAG ${dagId}`);
  return entry;
}

function gridRunCount(c: Context<UiEnv>): number {
  const asked = Number(c.req.query('runs'));
  return Number.isInteger(asked) && asked > 0 ? Math.min(asked, MAX_GRID_RUNS) : DEFAULT_GRID_RUNS;
}

function describeSchedule(plan: Plan): string {
  if (!plan.schedule) return 'manual runs only';
  return `${plan.schedule.source} (${plan.schedule.timezone}), catchup ${plan.schedule.catchup ? 'on' : 'off'}, max ${plan.schedule.maxActiveRuns} active`;
}

/** The DAG page: graph, grid of recent runs, and the Trigger form (with the state of a refused submit). */
async function dagPage(c: Context<UiEnv>, deps: UiDeps, links: ShellLinks, layouts: GraphLayoutCache, entry: UiDagEntry, form: ParamsForm, formState: ParamsFormState = {}) {
  const plan = entry.plan;
  const limit = gridRunCount(c);
  const [layout, gridData] = await Promise.all([layouts.get(plan), loadGridData(deps.db, plan.dagId, limit)]);
  const grid = buildGrid(plan.tasks, gridData.runs, gridData.records);
  const body: Html = html`<p class="crumbs"><a href="/">DAGs</a> /</p>
<h1>${plan.dagId} <span class="muted">${plan.tasks.length} tasks</span></h1>
${plan.description ? html`<p>${plan.description}</p>` : ''}
<p class="muted small">file <code>${plan.file}</code> · schedule ${describeSchedule(plan)}</p>
<section class="card"><h2>Graph</h2>
<p class="legend muted small"><span class="legend-item kind-branch">branch</span> <span class="legend-item kind-map">mapped</span> <span class="legend-item kind-approval">approval</span> <span>· trigger rule shown when not all_success · dashed edges leave a branch</span></p>
<div class="graph-scroll" id="dag-graph">${renderGraphSvg(layout)}</div></section>
<section class="card"><h2>Grid <span class="muted small">last ${grid.runs.length} of at most ${limit} runs, newest right</span></h2>
<div id="run-grid">${renderGrid(grid)}</div></section>
<section class="card trigger"><h2 id="trigger">Trigger</h2>
<form method="post" action="/api/dags/${plan.dagId}/trigger" class="trigger-form" novalidate>
${csrfField(c)}
${renderParamsFields(form, formState)}
<div class="param-field"><label for="logical-date">logical date <span class="muted small">ISO time, default now</span></label><input id="logical-date" type="text" name="${LOGICAL_DATE_FIELD}" value="${formState.values?.[LOGICAL_DATE_FIELD] ?? ''}" placeholder="2026-01-05T00:00:00Z"></div>
<button type="submit" class="primary">Trigger run</button>
</form></section>`;
  return renderPage(c, links, { title: plan.dagId, nav: 'dags', body });
}

async function formValues(c: Context<UiEnv>): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export const registerDagPage: PageModule = (app, deps, links) => {
  const layouts = new GraphLayoutCache();

  app.get('/dags/:dagId', async (c) => {
    const entry = await requireDag(deps, c.req.param('dagId'));
    const form = paramsFormOf((await importCatalogDag(entry)).config.params);
    return dagPage(c, deps, links, layouts, entry, form);
  });

  app.get('/api/dags/:dagId/grid', async (c) => {
    const entry = await requireDag(deps, c.req.param('dagId'));
    const data = await loadGridData(deps.db, entry.plan.dagId, gridRunCount(c));
    return c.json(buildGrid(entry.plan.tasks, data.runs, data.records));
  });

  app.post('/api/dags/:dagId/trigger', async (c) => {
    const entry = await requireDag(deps, c.req.param('dagId'));
    const dag = await importCatalogDag(entry);
    const form = paramsFormOf(dag.config.params);
    const values = await formValues(c);
    const read = readParamsForm(form, values);
    const errors: Record<string, string[]> = { ...read.errors };
    const logicalText = values[LOGICAL_DATE_FIELD]?.trim() ?? '';
    const logicalDate = logicalText === '' ? undefined : new Date(logicalText);
    if (logicalDate && Number.isNaN(logicalDate.getTime())) errors[LOGICAL_DATE_FIELD] = [`"${logicalText}" is not an ISO date or time`];
    try {
      // The worker's own check, so the form refuses exactly what a run would.
      validateParams(dag, read.params);
    } catch (error) {
      if (!(error instanceof InvalidParamsError)) throw error;
      for (const [field, messages] of Object.entries(issuesByField(form, error.issues))) if (!errors[field]) errors[field] = messages;
    }
    if (Object.keys(errors).length > 0) {
      if (c.req.header('accept')?.includes('application/json')) return c.json({ ok: false, error: 'invalid params', errors }, 400);
      c.status(400);
      return dagPage(c, deps, links, layouts, entry, form, { values, errors: { ...errors, ...(errors[LOGICAL_DATE_FIELD] ? { '(root)': errors[LOGICAL_DATE_FIELD] } : {}) } });
    }
    // Who triggered it goes into the run's memo and, as the start request's identity, its history.
    const runId = await triggerRun(actorClient(deps.client, c.var.actor), { dagId: entry.plan.dagId, params: read.params, taskQueue: deps.taskQueue, triggeredBy: c.var.actor, ...(logicalDate ? { logicalDate } : {}) });
    // As `weir trigger` does: a run its worker refuses closes within a moment, and the run page says why.
    await awaitRunPickup(deps.client, runId, 3_000).catch(() => undefined);
    const location = `/runs/${encodeURIComponent(runId)}`;
    if (c.req.header('accept')?.includes('application/json')) return c.json({ ok: true, runId, location });
    return c.redirect(location, 303);
  });
};
