import { html } from 'hono/html';
import type { Html } from '../layout.ts';
import type { GanttModel } from './gantt-model.ts';

/**
 * The Gantt: a row per task, a bar per attempt. Bars are SVG rects placed in percent of the
 * run's span, so the chart needs neither a script nor an inline style (the page's CSP forbids those).
 */
export function renderGantt(model: GanttModel, href: (taskId: string) => string): Html {
  if (model.rows.length === 0) return html`<p class="muted">No task has started yet.</p>`;
  const span = Math.max(1, model.endMs - model.startMs);
  const rows = model.rows.map(
    (row) => html`<tr class="gantt-row" data-task-id="${row.taskId}"><th><a href="${href(row.taskId)}">${row.taskId}</a></th><td><svg class="gantt-track" width="100%" height="14" xmlns="http://www.w3.org/2000/svg">${row.bars.map(
      (bar) => html`<rect class="bar state-${bar.state}" data-attempt="${bar.attempt}" x="${bar.leftPct}%" y="0" width="${bar.widthPct}%" height="14" rx="2"><title>${row.taskId} attempt ${bar.attempt}: ${bar.state}, ${new Date(bar.startMs).toISOString()} to ${new Date(bar.endMs).toISOString()} (${((bar.endMs - bar.startMs) / 1000).toFixed(1)} s)</title></rect>`,
    )}</svg></td></tr>`,
  );
  return html`<table class="gantt"><thead><tr><th>task</th><th class="gantt-scale">${new Date(model.startMs).toISOString().replace('T', ' ').slice(0, 19)} UTC <span class="muted">+${(span / 1000).toFixed(1)} s</span></th></tr></thead><tbody>${rows}</tbody></table>`;
}
