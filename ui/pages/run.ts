import type { Context } from 'hono';
import { html } from 'hono/html';
import { rerunClosedRun } from '../../control/rerun.ts';
import { cancelRun, clearTask, decideApproval } from '../../control/runs.ts';
import type { TaskRunState } from '../../plan/types.ts';
import type { PageModule } from '../app.ts';
import type { UiDeps } from '../deps.ts';
import { UiNotFoundError } from '../errors.ts';
import { renderGantt } from '../gantt/gantt-html.ts';
import { buildGantt } from '../gantt/gantt-model.ts';
import { GraphLayoutCache } from '../graph/graph-layout.ts';
import { renderGraphSvg } from '../graph/graph-svg.ts';
import { csrfField, formatUtc, renderPage, temporalRunUrl, type ShellLinks } from '../layout.ts';
import { mutationDone, mutationFailed, safeReturnPath } from '../respond.ts';
import { formField, type UiEnv } from '../security.ts';
import { actorClient } from '../run/actor-client.ts';
import { ENCRYPTED_PAYLOAD_NOTICE } from '../encrypted-payloads.ts';
import { ExecutionFactsLru } from '../run/execution-cache.ts';
import { renderActionLog, renderTriggeredBy } from '../run/run-audit-html.ts';
import { loadRetriedAttemptWindows, loadRunAudit, loadRunDrawing, loadRunView, loadTaskLogs, loadTaskOutput, type RunAudit, type RunView } from '../run/run-data.ts';
import { paintOf } from '../run/run-view-model.ts';
import { logLineText, renderTaskPanel, renderTaskSummary, type TaskOutputView } from '../run/task-panel-html.ts';

const runPath = (runId: string) => `/runs/${encodeURIComponent(runId)}`;
const taskHref = (runId: string) => (taskId: string) => `${runPath(runId)}?task=${encodeURIComponent(taskId)}`;

function selectedTask(view: RunView, taskId: string | undefined): TaskRunState | undefined {
  if (taskId === undefined) return undefined;
  const task = view.snapshot.tasks.find((candidate) => candidate.id === taskId);
  if (!task && !view.starting) throw new UiNotFoundError(`task ${taskId} in run ${view.snapshot.runId}`);
  return task;
}

async function outputOf(deps: UiDeps, view: RunView, task: TaskRunState): Promise<TaskOutputView> {
  return task.state === 'success' ? loadTaskOutput(deps, view.snapshot.runId, task.id) : undefined;
}

async function ganttHtml(deps: UiDeps, view: RunView) {
  const windows = await loadRetriedAttemptWindows(deps, view);
  return renderGantt(buildGantt(view.snapshot.tasks, windows, Date.now()), taskHref(view.snapshot.runId));
}

function runHeader(c: Context<UiEnv>, view: RunView, links: ShellLinks, audit: RunAudit) {
  const { snapshot } = view;
  const cancel = view.open
    ? html`<form method="post" action="/api/runs/${snapshot.runId}/cancel" class="inline" data-confirm="Cancel run ${snapshot.runId}?">${csrfField(c)}<input type="hidden" name="back" value="${runPath(snapshot.runId)}"><button type="submit" class="danger cancel-run">Cancel run</button></form>`
    : '';
  return html`<p class="crumbs"><a href="/">DAGs</a> / <a href="/dags/${encodeURIComponent(snapshot.dagId)}">${snapshot.dagId}</a> /</p>
<h1>${snapshot.runId} <span class="badge state-${snapshot.status}" id="run-status">${snapshot.status}</span></h1>
<p class="run-facts muted small">${snapshot.runType} run, ${renderTriggeredBy(audit)} · logical date ${formatUtc(snapshot.logicalDate)} · started ${formatUtc(snapshot.startedAt)} · ended <span id="run-ended">${formatUtc(snapshot.endedAt)}</span>
 · <a href="${temporalRunUrl(links, snapshot.runId)}" class="temporal-link" rel="noopener noreferrer">open in the Temporal UI</a> ${cancel}</p>
${snapshot.failure ? html`<p class="error run-failure">${snapshot.failure}</p>` : ''}
${view.encrypted ? html`<p class="small encrypted-payloads">params and outputs <span class="muted">${ENCRYPTED_PAYLOAD_NOTICE}${view.open ? '; task states are read from the run records, where a waiting approval shows as pending' : ''}</span></p>` : ''}
${Object.keys(snapshot.params).length > 0 ? html`<p class="small">params <code>${JSON.stringify(snapshot.params)}</code></p>` : ''}`;
}

/** What the page's script polls: states to recolour the graph, and the parts it re-renders. */
async function liveState(c: Context<UiEnv>, deps: UiDeps, view: RunView, task: TaskRunState | undefined) {
  return {
    runId: view.snapshot.runId,
    status: view.snapshot.status,
    open: view.open,
    starting: view.starting,
    endedAt: formatUtc(view.snapshot.endedAt),
    tasks: view.snapshot.tasks.map((t) => ({ id: t.id, state: t.state, ...(t.instances ? { instances: t.instances.length } : {}) })),
    gantt: String(await ganttHtml(deps, view)),
    ...(task ? { summary: String(await renderTaskSummary(c, view, task, await outputOf(deps, view, task))) } : {}),
  };
}

export const registerRunPage: PageModule = (app, deps, links) => {
  const layouts = new GraphLayoutCache();
  // Closed executions of a run never change: their audit and recorded plan are read once.
  const executions = new ExecutionFactsLru();

  app.get('/runs/:runId', async (c) => {
    const view = await loadRunView(deps, c.req.param('runId'));
    const runId = view.snapshot.runId;
    const task = selectedTask(view, c.req.query('task'));
    const audit = await loadRunAudit(deps, runId, executions);
    const drawing = await loadRunDrawing(deps, view, audit);
    const [layout, gantt, panel] = await Promise.all([
      layouts.get(drawing.plan),
      ganttHtml(deps, view),
      task ? Promise.all([outputOf(deps, view, task), loadTaskLogs(deps, runId, task.id)]).then(([output, logs]) => renderTaskPanel(c, view, task, output, logs)) : Promise.resolve(html`<p class="muted card">Select a task in the graph or the Gantt to see its state, logs and output.</p>`),
    ]);
    const body = html`${runHeader(c, view, links, audit)}
<div class="run-page" data-run-id="${runId}" data-task-id="${task?.id ?? ''}" data-starting="${view.starting ? 'true' : 'false'}" data-open="${view.open ? 'true' : 'false'}">
<section class="card"><h2>Graph</h2>
${drawing.note ? html`<p class="muted small plan-note" data-plan-source="${drawing.source}">${drawing.note}</p>` : ''}
<div class="graph-scroll" id="run-graph" data-plan-source="${drawing.source}">${renderGraphSvg(layout, { paint: paintOf(view.snapshot.tasks), href: taskHref(runId), ...(task ? { selected: task.id } : {}) })}</div></section>
<div class="run-columns">
<section class="card gantt-card"><h2>Gantt</h2><div id="gantt">${gantt}</div></section>
${panel}
</div>
${renderActionLog(audit)}</div>`;
    return renderPage(c, links, { title: runId, nav: 'dags', body, scripts: ['run-page.js'] });
  });

  app.get('/api/runs/:runId', async (c) => {
    const view = await loadRunView(deps, c.req.param('runId'));
    return c.json(await liveState(c, deps, view, selectedTask(view, c.req.query('task'))));
  });

  app.get('/api/runs/:runId/logs', async (c) => {
    const runId = c.req.param('runId');
    const taskId = c.req.query('task');
    if (!taskId) return c.json({ error: 'task is required' }, 400);
    const lines = await loadTaskLogs(deps, runId, taskId, c.req.query('after') || undefined);
    return c.json({ lines: lines.map((line) => ({ id: line.id, text: logLineText(line) })) });
  });

  app.post('/api/runs/:runId/cancel', async (c) => {
    const runId = c.req.param('runId');
    const back = safeReturnPath(await formField(c, 'back'), runPath(runId));
    const outcome = await cancelRun(actorClient(deps.client, c.var.actor), runId);
    return mutationDone(c, back, outcome === 'cancelled' ? `run ${runId} cancelled by ${c.var.actor}` : `run ${runId} did not act on the cancellation and was terminated`, { outcome });
  });

  app.post('/api/runs/:runId/clear', async (c) => {
    const runId = c.req.param('runId');
    const taskId = (await formField(c, 'taskId')) ?? '';
    const back = safeReturnPath(await formField(c, 'back'), runPath(runId));
    if (!taskId) return mutationFailed(c, back, 400, 'taskId is required');
    const client = actorClient(deps.client, c.var.actor);
    const view = await loadRunView(deps, runId);
    // As `weir runs clear`: in place while the run is open, else a new run that keeps the other outputs.
    if (view.open) {
      const cleared = await clearTask(client, runId, taskId);
      return mutationDone(c, back, `cleared ${cleared?.join(', ') ?? `${taskId} and its downstream`} as ${c.var.actor}; they run again now`, { cleared });
    }
    const rerun = await rerunClosedRun(client, view.snapshot, taskId, deps.taskQueue, { actor: c.var.actor });
    return mutationDone(c, taskHref(rerun.runId)(taskId), `run ${runId} had closed; started run ${rerun.runId} as ${c.var.actor}: ${taskId} and its downstream run again`, { runId: rerun.runId });
  });

  app.post('/api/runs/:runId/approve', async (c) => {
    const runId = c.req.param('runId');
    const taskId = (await formField(c, 'taskId')) ?? '';
    const decision = await formField(c, 'decision');
    const comment = (await formField(c, 'comment'))?.trim();
    const back = safeReturnPath(await formField(c, 'back'), runPath(runId));
    if (!taskId) return mutationFailed(c, back, 400, 'taskId is required');
    if (decision !== 'approve' && decision !== 'reject') return mutationFailed(c, back, 400, 'decision must be approve or reject');
    const approved = decision === 'approve';
    await decideApproval(actorClient(deps.client, c.var.actor), runId, { taskId, approved, actor: c.var.actor, ...(comment ? { comment } : {}) });
    return mutationDone(c, back, `${approved ? 'approved' : 'rejected'} ${taskId} as ${c.var.actor}`, { approved });
  });
};
