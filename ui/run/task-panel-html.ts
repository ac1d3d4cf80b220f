import type { Context } from 'hono';
import { html } from 'hono/html';
import type { StoredTaskLogLine } from '../../logs/index.ts';
import type { TaskRunState } from '../../plan/types.ts';
import { csrfField, formatUtc, type Html } from '../layout.ts';
import type { UiEnv } from '../security.ts';
import type { RunView } from './run-data.ts';
import { artifactUris, driftSummaryOf, instanceCounts, stateLine } from './run-view-model.ts';

/** Largest output shown in the panel; beyond it, `weir runs show --outputs` has it whole. */
const MAX_OUTPUT_CHARS = 20_000;

export type TaskOutputView = { output: unknown } | { unavailable: string } | undefined;

const runPath = (runId: string) => `/runs/${encodeURIComponent(runId)}`;

/** One stored log line as the panel prints it: time, level, instance, message, attributes. */
export function logLineText(line: StoredTaskLogLine): string {
  const instance = line.mapIndex >= 0 ? ` [${line.mapIndex}]` : '';
  const attrs = line.attrs && Object.keys(line.attrs).length > 0 ? ` ${JSON.stringify(line.attrs)}` : '';
  return `${line.at.slice(11, 23)} #${line.attempt}${instance} ${line.level.toUpperCase()} ${line.message}${attrs}`;
}

/** The part of the panel the page refreshes while the run goes on: state, attempts, error, output, buttons. */
export function renderTaskSummary(c: Context<UiEnv>, view: RunView, task: TaskRunState, output: TaskOutputView): Html {
  const counts = task.instances ? instanceCounts(task) : [];
  const failedInstances = (task.instances ?? []).filter((instance) => instance.state === 'failed').slice(0, 10);
  return html`<p class="task-state"><span class="badge state-${task.state}">${task.state}</span> <span class="state-line">${stateLine(task)}</span></p>
<dl class="task-facts">
<dt>kind</dt><dd>${task.kind}</dd>
<dt>attempts</dt><dd class="attempts">${task.attempts}</dd>
<dt>started</dt><dd>${formatUtc(task.startedAt)}</dd>
<dt>ended</dt><dd>${formatUtc(task.endedAt)}</dd>
${task.instances ? html`<dt>instances</dt><dd class="instances">${task.instances.length}: ${counts.map(([state, count]) => html`<span class="badge state-${state}">${count} ${state}</span> `)}</dd>` : ''}
</dl>
${task.error ? html`<h3>Error</h3><pre class="task-error">${task.error}</pre>` : ''}
${failedInstances.length > 0 ? html`<h3>Failed instances</h3><ul class="small">${failedInstances.map((instance) => html`<li>#${instance.index}: ${instance.error ?? 'failed'}</li>`)}</ul>` : ''}
${renderOutput(output)}
${renderActions(c, view, task)}`;
}

function renderOutput(output: TaskOutputView): Html | string {
  if (output === undefined) return '';
  if ('unavailable' in output) return html`<h3>Output</h3><p class="muted small">${output.unavailable}</p>`;
  const text = JSON.stringify(output.output, null, 2) ?? 'undefined';
  const shown = text.length > MAX_OUTPUT_CHARS ? `${text.slice(0, MAX_OUTPUT_CHARS)}\n… (${text.length - MAX_OUTPUT_CHARS} more characters; see weir runs show --outputs)` : text;
  const artifacts = artifactUris(output.output);
  const drift = driftSummaryOf(output.output);
  return html`${drift ? renderDrift(drift) : ''}<h3>Output</h3><pre class="task-output">${shown}</pre>
${artifacts.length > 0 ? html`<h3>Artifacts</h3><ul class="artifacts">${artifacts.map((artifact) => html`<li><span class="muted small">${artifact.path}</span> <a href="/artifacts?uri=${encodeURIComponent(artifact.uri)}" class="artifact-link">${artifact.uri}</a></li>`)}</ul>` : ''}`;
}

function renderDrift(drift: NonNullable<ReturnType<typeof driftSummaryOf>>): Html {
  return html`<h3>Drift report</h3><div class="drift ${drift.drifted ? 'drifted' : 'no-drift'}">
<p><strong>${drift.drifted ? 'drift found' : 'no drift'}</strong>: ${Math.round(drift.share * 100)} % of columns drifted${drift.driftedColumns.length > 0 ? html` (${drift.driftedColumns.map((column, index) => html`${index > 0 ? ', ' : ''}<code>${column}</code>`)})` : ''}.</p>
<iframe class="drift-report" title="drift report" sandbox="" src="/artifacts?uri=${encodeURIComponent(drift.htmlUri)}"></iframe></div>`;
}

function renderActions(c: Context<UiEnv>, view: RunView, task: TaskRunState): Html | string {
  // An approval's comment would reach history unencrypted, and the answers could not be read.
  if (view.encrypted) return html`<p class="muted small no-actions">Clear, Approve and Reject need the payload key on this server.</p>`;
  const runId = view.snapshot.runId;
  const back = html`<input type="hidden" name="back" value="${runPath(runId)}?task=${encodeURIComponent(task.id)}">`;
  const settled = task.state !== 'pending' && task.state !== 'running';
  const clear = settled
    ? html`<form method="post" action="/api/runs/${runId}/clear" class="inline" data-confirm="Clear ${task.id} and everything downstream of it?">${csrfField(c)}${back}<input type="hidden" name="taskId" value="${task.id}"><button type="submit" class="clear-task">Clear (with downstream)</button></form>`
    : '';
  const waiting = task.kind === 'approval' && task.state === 'running' && view.open;
  const approval = waiting
    ? html`<form method="post" action="/api/runs/${runId}/approve" class="approval-form">${csrfField(c)}${back}<input type="hidden" name="taskId" value="${task.id}">
<input type="text" name="comment" placeholder="comment (kept with the decision)" aria-label="comment">
<button type="submit" name="decision" value="approve" class="approve">Approve</button>
<button type="submit" name="decision" value="reject" class="danger reject">Reject</button></form>`
    : '';
  if (!clear && !approval) return '';
  return html`<div class="task-actions">${approval}${clear}</div>`;
}

/** The panel for the selected task: the live summary, then its logs (followed by the page's script). */
export function renderTaskPanel(c: Context<UiEnv>, view: RunView, task: TaskRunState, output: TaskOutputView, logs: readonly StoredTaskLogLine[]): Html {
  const lastId = logs[logs.length - 1]?.id ?? '';
  return html`<section class="card task-panel" id="task-panel" data-task-id="${task.id}">
<h2>Task <code>${task.id}</code></h2>
<div id="task-summary">${renderTaskSummary(c, view, task, output)}</div>
<h3>Logs</h3>
<pre id="task-logs" class="task-logs" data-after="${lastId}">${logs.map((line) => `${logLineText(line)}\n`).join('')}</pre>
${logs.length === 0 ? html`<p class="muted small no-logs">No log lines yet.</p>` : ''}
</section>`;
}
