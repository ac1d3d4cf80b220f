import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { TaskState } from '../../plan/types.ts';
import type { GraphLayout, PlacedTask } from './graph-layout.ts';

/** What the run page paints on a task: its state, and for a mapped task how many instances it has. */
export interface TaskPaint {
  state: TaskState;
  /** Mapped tasks: the instances, drawn as one box with a count. */
  instances?: number;
}

export interface GraphSvgOptions {
  /** Task states by id; without them every task is drawn as `none` (the DAG page). */
  paint?: ReadonlyMap<string, TaskPaint>;
  /** Makes each task a link, e.g. to the run page with the task selected. */
  href?: (taskId: string) => string;
  /** The task drawn as selected. */
  selected?: string;
}

/**
 * The graph as one SVG: an element per task carrying `data-task-id` and a `state-*` class (so
 * the page's script can recolour it live), branches as pointed boxes, mapped tasks as stacked
 * boxes, approvals with cut corners, and a trigger rule other than all_success in the label.
 */
export function renderGraphSvg(layout: GraphLayout, options: GraphSvgOptions = {}): HtmlEscapedString | Promise<HtmlEscapedString> {
  const branchIds = new Set(layout.tasks.filter((task) => task.kind === 'branch').map((task) => task.id));
  const edges = layout.edges.map((edge) => {
    const points = edge.points.map(([x, y]) => `${x},${y}`).join(' ');
    return html`<polyline class="edge${branchIds.has(edge.from) ? ' from-branch' : ''}" data-from="${edge.from}" data-to="${edge.to}" points="${points}" marker-end="url(#weir-arrow)"/>`;
  });
  const tasks = layout.tasks.map((task) => renderTask(task, options));
  return html`<svg class="dag-graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${layout.width} ${layout.height}" width="${layout.width}" height="${layout.height}" role="img" aria-label="task graph">
<defs><marker id="weir-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z"/></marker></defs>
<g class="edges">${edges}</g>
<g class="tasks">${tasks}</g>
</svg>`;
}

function renderTask(task: PlacedTask, options: GraphSvgOptions) {
  const paint = options.paint?.get(task.id);
  const state = paint?.state ?? 'none';
  const classes = ['task', `kind-${task.kind}`, `state-${state}`, ...(task.triggerRule === 'all_success' ? [] : ['has-rule']), ...(options.selected === task.id ? ['selected'] : [])].join(' ');
  const rule = task.triggerRule === 'all_success' ? '' : ` · ${task.triggerRule}`;
  const count = paint?.instances !== undefined ? ` ×${paint.instances}` : '';
  const title = `${task.id}: ${task.kind}, trigger rule ${task.triggerRule}${paint ? `, ${state}` : ''}${count ? `, ${paint?.instances} instances` : ''}`;
  const body = html`<g class="${classes}" data-task-id="${task.id}" data-kind="${task.kind}" transform="translate(${task.x},${task.y})"><title>${title}</title>${shape(task)}<text x="${task.width / 2}" y="${task.height / 2 + 4}" text-anchor="middle">${task.id}<tspan class="rule">${rule}</tspan><tspan class="count">${count}</tspan></text></g>`;
  return options.href ? html`<a href="${options.href(task.id)}">${body}</a>` : body;
}

/** The outline that tells kinds apart without colour: pointed for branch, stacked for map, cut corners for approval. */
function shape(task: PlacedTask) {
  const { width: w, height: h } = task;
  switch (task.kind) {
    case 'branch':
      return html`<polygon class="box" points="${`8,0 ${w - 8},0 ${w},${h / 2} ${w - 8},${h} 8,${h} 0,${h / 2}`}"/>`;
    case 'map':
      return html`<rect class="box stack" x="3" y="-3" width="${w}" height="${h}" rx="4"/><rect class="box" width="${w}" height="${h}" rx="4"/>`;
    case 'approval':
      return html`<polygon class="box" points="${`6,0 ${w - 6},0 ${w},6 ${w},${h - 6} ${w - 6},${h} 6,${h} 0,${h - 6} 0,6`}"/>`;
    default:
      return html`<rect class="box" width="${w}" height="${h}" rx="4"/>`;
  }
}
