import { html } from 'hono/html';
import { actionText, actorText, triggerText } from '../../control/run-audit-text.ts';
import { formatUtc, type Html } from '../layout.ts';
import type { RunAudit } from './run-data.ts';

const runLink = (runId: string) => html`<a href="/runs/${encodeURIComponent(runId)}">${runId}</a>`;

/** "triggered by ada (web view)", or for a rerun the run it reruns, linked. */
export function renderTriggeredBy(audit: RunAudit): Html {
  if (!('record' in audit)) return html`<span class="triggered-by muted">who triggered it cannot be read: ${audit.unavailable}</span>`;
  const { triggeredBy, rerunOf } = audit.record;
  const text = triggerText(triggeredBy, rerunOf);
  if (!rerunOf) return html`<span class="triggered-by">${text}</span>`;
  // The same phrase, with the original run as a link.
  const [before, after] = text.split(rerunOf.runId);
  return html`<span class="triggered-by">${before}${runLink(rerunOf.runId)}${after ?? ''}</span>`;
}

/** The action log: who cleared, approved, rejected or cancelled what, and when. */
export function renderActionLog(audit: RunAudit): Html {
  if (!('record' in audit)) return html`<section class="card action-log"><h2>Actions</h2><p class="muted small">The run's history cannot be read: ${audit.unavailable}</p></section>`;
  const { actions, executions } = audit.record;
  const span = executions > 1 ? html`<p class="muted small action-span">The run continued as new; this log spans all ${executions} of its executions.</p>` : '';
  const rows = actions.map(
    (action) => html`<tr class="action action-${action.action}" data-action="${action.action}"${action.taskId ? html` data-task-id="${action.taskId}"` : ''}>
<td class="small">${formatUtc(action.at)}</td><td class="actor">${actorText(action.actor, action.channel)}</td><td class="what">${actionText(action)}${action.rerunId ? html` · ${runLink(action.rerunId)}` : ''}</td></tr>`,
  );
  return html`<section class="card action-log" id="action-log"><h2>Actions</h2>${span}
${actions.length === 0 ? html`<p class="muted small no-actions">Nobody has cleared, approved, rejected or cancelled anything in this run.</p>` : html`<table class="actions"><thead><tr><th>when</th><th>who</th><th>what</th></tr></thead><tbody>${rows}</tbody></table>`}</section>`;
}
