import { html } from 'hono/html';
import type { Html } from '../layout.ts';
import { formatUtc } from '../layout.ts';
import type { GridModel } from './grid-model.ts';

/** Where a cell leads: the run page with that task selected. */
export const cellHref = (runId: string, taskId: string) => `/runs/${encodeURIComponent(runId)}?task=${encodeURIComponent(taskId)}`;

/**
 * The grid as a table: a header row of run squares (oldest left, newest right), then a row per
 * task with one linked cell per run. States are classes only, so the CSS colours them; the
 * run's id and state are in the column head's tooltip, the cell's link names run and task.
 */
export function renderGrid(grid: GridModel): Html {
  if (grid.runs.length === 0) return html`<p class="muted grid-empty">No runs recorded yet. Trigger one below.</p>`;
  const head = grid.runs.map(
    (run) => html`<th class="run-head"><a class="run-square state-${run.status}" href="/runs/${encodeURIComponent(run.runId)}" title="${run.runId}: ${run.status}, logical date ${formatUtc(run.logicalDate)}" data-run-id="${run.runId}"></a></th>`,
  );
  const rows = grid.rows.map(
    (row) => html`<tr data-task-id="${row.taskId}"><th class="task-name kind-${row.kind}">${row.taskId}</th>${row.cells.map(
      (cell) =>
        // Kept to a class and a link: a grid of 100 runs x 50 tasks is 5,000 of these, and every byte is parsed.
        html`<td><a class="cell state-${cell.state}" href="${cellHref(cell.runId, row.taskId)}">${cell.instances !== undefined ? cell.instances : ''}</a></td>`,
    )}</tr>`,
  );
  return html`<div class="grid-scroll"><table class="run-grid"><thead><tr><th class="corner">task \ run</th>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}
