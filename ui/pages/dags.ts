import type { Context } from 'hono';
import { html } from 'hono/html';
import { listRuns, type RunSummary } from '../../control/runs.ts';
import { ScheduleNotFoundError } from '@temporalio/client';
import { scheduleIdFor, setPaused, type ScheduleStatus } from '../../control/schedules.ts';
import type { PageModule } from '../app.ts';
import type { UiDeps } from '../deps.ts';
import { UiNotFoundError } from '../errors.ts';
import { csrfField, formatUtc, renderPage, type Html } from '../layout.ts';
import { mutationDone, mutationFailed, safeReturnPath } from '../respond.ts';
import { formField, type UiEnv } from '../security.ts';
import { buildDagsPageModel, RECENT_RUNS, type DagRow, type DagsPageModel } from './dags-model.ts';

/**
 * The schedules of the scheduled DAGs, each described on its own: the schedule list is
 * eventually consistent and would show a toggle just flipped in its old state.
 */
async function describeSchedules(deps: UiDeps, dagIds: readonly string[]): Promise<Map<string, ScheduleStatus>> {
  const statuses = new Map<string, ScheduleStatus>();
  await Promise.all(
    dagIds.map(async (dagId) => {
      try {
        const description = await deps.client.schedule.getHandle(scheduleIdFor(dagId, deps.taskQueue)).describe();
        statuses.set(dagId, { paused: description.state.paused, nextRunTimes: description.info.nextActionTimes });
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      }
    }),
  );
  return statuses;
}

async function loadDagsPageModel(deps: UiDeps): Promise<DagsPageModel> {
  const catalog = await deps.catalog();
  const dagIds = [...catalog.dags.keys()];
  const scheduled = [...catalog.dags.values()].filter((entry) => entry.plan.schedule).map((entry) => entry.plan.dagId);
  const [schedules, runLists] = await Promise.all([
    describeSchedules(deps, scheduled),
    Promise.all(
      dagIds.map((dagId) =>
        // Runs sealed with a payload key this server lacks are listed too, from their visibility fields.
        listRuns(deps.client, { dagId, limit: RECENT_RUNS }),
      ),
    ),
  ]);
  const runsByDag = new Map<string, RunSummary[]>(dagIds.map((dagId, index) => [dagId, runLists[index] ?? []]));
  return buildDagsPageModel(catalog, schedules, runsByDag);
}

function scheduleCell(c: Context<UiEnv>, row: DagRow): Html {
  if (!row.schedule) return html`<span class="muted">manual only</span>`;
  const paused = row.scheduleState === 'paused';
  const toggle =
    row.scheduleState === 'unsynced'
      ? html`<span class="muted" title="no Temporal schedule yet: start a worker or run weir schedules sync">not synced</span>`
      : html`<form method="post" action="/api/dags/${row.dagId}/paused" class="inline pause-toggle">
  ${csrfField(c)}
  <input type="hidden" name="paused" value="${paused ? 'false' : 'true'}">
  <input type="hidden" name="back" value="/">
  <button type="submit" class="toggle ${paused ? 'off' : 'on'}" data-dag-id="${row.dagId}" aria-pressed="${paused ? 'false' : 'true'}" title="${paused ? 'unpause the schedule' : 'pause the schedule'}">${paused ? 'paused' : 'active'}</button>
</form>`;
  return html`<code title="${row.schedule.cron}">${row.schedule.source}</code> <span class="muted">${row.schedule.timezone}</span> ${toggle}`;
}

function runSquares(row: DagRow): Html {
  if (row.recentRuns.length === 0) return html`<span class="muted">no runs yet</span>`;
  return html`<span class="squares">${row.recentRuns.map(
    (run) => html`<a class="square state-${run.status}" href="/runs/${encodeURIComponent(run.runId)}" title="${run.runId}: ${run.status}, started ${formatUtc(run.startedAt)}" data-run-id="${run.runId}"></a>`,
  )}</span>`;
}

function dagRowHtml(c: Context<UiEnv>, row: DagRow): Html {
  return html`<tr data-dag-id="${row.dagId}" class="${row.scheduleState === 'paused' ? 'paused' : ''}">
  <td><a href="/dags/${encodeURIComponent(row.dagId)}" class="dag-link">${row.dagId}</a>${row.description ? html`<div class="muted small">${row.description}</div>` : ''}</td>
  <td class="schedule">${scheduleCell(c, row)}</td>
  <td class="next-run">${row.nextRun ? formatUtc(row.nextRun) : html`<span class="muted">-</span>`}</td>
  <td class="runs">${runSquares(row)}</td>
  <td class="file"><code>${row.file}</code>${row.problems.length > 0 ? html`<ul class="problems">${row.problems.map((line) => html`<li>${line}</li>`)}</ul>` : ''}</td>
</tr>`;
}

export const registerDagsPage: PageModule = (app, deps, links) => {
  app.get('/', async (c) => {
    const model = await loadDagsPageModel(deps);
    return renderPage(c, links, {
      title: 'DAGs',
      nav: 'dags',
      body: html`<h1>DAGs</h1>
<table class="dags">
<thead><tr><th>DAG</th><th>Schedule</th><th>Next run</th><th>Last ${RECENT_RUNS} runs</th><th>File</th></tr></thead>
<tbody>${model.dags.length === 0 ? html`<tr><td colspan="5" class="muted">No DAG loaded.</td></tr>` : model.dags.map((row) => dagRowHtml(c, row))}</tbody>
</table>
${
  model.brokenFiles.length > 0
    ? html`<h2>Files that failed to load</h2>
<ul class="broken-files">${model.brokenFiles.map((file) => html`<li><code>${file.file}</code><ul class="problems">${file.problems.map((line) => html`<li>${line}</li>`)}</ul></li>`)}</ul>`
    : ''
}`,
    });
  });

  app.get('/api/dags', async (c) => c.json(await loadDagsPageModel(deps)));

  app.post('/api/dags/:dagId/paused', async (c) => {
    const dagId = c.req.param('dagId');
    const back = safeReturnPath(await formField(c, 'back'), '/');
    const catalog = await deps.catalog();
    if (!catalog.dags.has(dagId)) throw new UiNotFoundError(`DAG ${dagId}`);
    const wanted = (await formField(c, 'paused')) ?? c.req.query('paused');
    if (wanted !== 'true' && wanted !== 'false') return mutationFailed(c, back, 400, 'paused must be true or false');
    const paused = wanted === 'true';
    await setPaused(deps.client, dagId, paused, `${paused ? 'paused' : 'unpaused'} by ${c.var.actor} in weir ui`, deps.taskQueue);
    return mutationDone(c, back, `${paused ? 'paused' : 'unpaused'} ${dagId}`, { dagId, paused });
  });
};
