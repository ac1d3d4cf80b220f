import { raw } from 'hono/html';
import type { Html } from '../layout.ts';
import { formatUtc } from '../layout.ts';
import type { GridModel } from './grid-model.ts';

/** Where a cell leads: the run page with that task selected. */
export const cellHref = (runId: string, taskId: string) => `/runs/${encodeURIComponent(runId)}?task=${encodeURIComponent(taskId)}`;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);

/**
 * The grid as a table: a header row of run squares (oldest left, newest right), then a row per
 * task whose cells are links, one per run. States are classes only, so the CSS colours them; the
 * run's id and state are in the column head's tooltip, the cell's link names run and task.
 *
 * Built for 100 runs x 50 tasks (5,000 cells) to render well under a second: the links of a row
 * sit side by side in one table cell rather than one table cell each, which halves the elements
 * and spares the browser a table layout of 5,000 cells; and the HTML is joined as plain strings
 * (each value escaped here) rather than 5,000 nested templates.
 */
export function renderGrid(grid: GridModel): Html {
  if (grid.runs.length === 0) return raw('<p class="muted grid-empty">No runs recorded yet. Trigger one below.</p>');
  const heads = grid.runs
    .map((run) => {
      const runId = escapeHtml(run.runId);
      return `<a class="run-square state-${escapeHtml(run.status)}" href="/runs/${escapeHtml(encodeURIComponent(run.runId))}" title="${runId}: ${escapeHtml(run.status)}, logical date ${escapeHtml(formatUtc(run.logicalDate))}" data-run-id="${runId}"></a>`;
    })
    .join('');
  const rows = grid.rows
    .map((row) => {
      const cells = row.cells
        .map((cell) => `<a class="cell state-${escapeHtml(cell.state)}" href="${escapeHtml(cellHref(cell.runId, row.taskId))}">${cell.instances !== undefined ? String(cell.instances) : ''}</a>`)
        .join('');
      return `<tr data-task-id="${escapeHtml(row.taskId)}"><th class="task-name kind-${escapeHtml(row.kind)}">${escapeHtml(row.taskId)}</th><td class="cells">${cells}</td></tr>`;
    })
    .join('');
  return raw(`<div class="grid-scroll"><table class="run-grid"><thead><tr><th class="corner">task \\ run</th><th class="run-heads">${heads}</th></tr></thead><tbody>${rows}</tbody></table></div>`);
}
