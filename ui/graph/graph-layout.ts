import { createHash } from 'node:crypto';
import elkModule from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api.js';
import type { Plan, TriggerRule } from '../../plan/types.ts';
import type { GraphLayout, PlacedEdge, PlacedTask } from './graph-types.ts';
import { layoutLargeGraph } from './large-graph-layout.ts';

export type { GraphLayout, PlacedEdge, PlacedTask } from './graph-types.ts';

export class GraphLayoutError extends Error {
  constructor(readonly dagId: string, reason: string) {
    super(`could not lay out the graph of DAG ${dagId}: ${reason}`);
    this.name = 'GraphLayoutError';
  }
}

// elkjs is CommonJS: its module object is the constructor, and carries it again as `default`.
const ELK = elkModule.default;

const NODE_HEIGHT = 30;
const CHAR_WIDTH = 7;
const MIN_NODE_WIDTH = 70;
const MAX_NODE_WIDTH = 260;

/**
 * Above this many tasks the graph is laid out by d3-dag's fast Sugiyama layout instead of ELK:
 * ELK's layered pipeline, even stripped of crossing minimisation, spends seconds on the 2,000-task
 * scale DAG (most of it sizing each node), which a first view cannot afford. Smaller DAGs get
 * ELK's careful layout, crossings minimised (figures in ui/README.md).
 */
export const FAST_LAYOUT_ABOVE_TASKS = 300;

const ELK_OPTIONS: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.spacing.nodeNode': '14',
  'elk.layered.spacing.nodeNodeBetweenLayers': '40',
  'elk.padding': '[top=10,left=10,bottom=10,right=10]',
};

/** The width a task's box needs for its label (id, plus the trigger rule when it is not the default). */
export function taskBoxWidth(id: string, triggerRule: TriggerRule): number {
  const label = triggerRule === 'all_success' ? id : `${id} · ${triggerRule}`;
  return Math.min(MAX_NODE_WIDTH, Math.max(MIN_NODE_WIDTH, 24 + label.length * CHAR_WIDTH));
}

/**
 * Lays out a plan left to right (the DAG's graph, without states): ELK's layered algorithm up to
 * FAST_LAYOUT_ABOVE_TASKS tasks, d3-dag's fast Sugiyama layout above.
 */
export async function layoutPlan(plan: Plan): Promise<GraphLayout> {
  try {
    return plan.tasks.length > FAST_LAYOUT_ABOVE_TASKS ? layoutWithD3Dag(plan) : await layoutWithElk(plan);
  } catch (error) {
    throw new GraphLayoutError(plan.dagId, error instanceof Error ? error.message : String(error));
  }
}

function layoutWithD3Dag(plan: Plan): GraphLayout {
  const laidOut = layoutLargeGraph(plan.tasks.map((task) => ({ id: task.id, needs: task.needs, width: taskBoxWidth(task.id, task.triggerRule), height: NODE_HEIGHT })));
  const tasks = laidOut.boxes.map((box, index): PlacedTask => {
    const task = plan.tasks[index];
    return { ...box, kind: task?.kind ?? 'task', triggerRule: task?.triggerRule ?? 'all_success' };
  });
  return { width: laidOut.width, height: laidOut.height, tasks, edges: laidOut.edges };
}

async function layoutWithElk(plan: Plan): Promise<GraphLayout> {
  const graph: ElkNode = {
    id: '__root__',
    layoutOptions: ELK_OPTIONS,
    children: plan.tasks.map((task) => ({ id: task.id, width: taskBoxWidth(task.id, task.triggerRule), height: NODE_HEIGHT })),
    edges: plan.tasks.flatMap((task) => task.needs.map((upstream, index): ElkExtendedEdge => ({ id: `${task.id}\u0000${index}`, sources: [upstream], targets: [task.id] }))),
  };
  const laidOut = await new ELK().layout(graph);
  const byId = new Map(plan.tasks.map((task) => [task.id, task]));
  const tasks: PlacedTask[] = (laidOut.children ?? []).map((node) => {
    const task = byId.get(node.id);
    return {
      id: node.id,
      kind: task?.kind ?? 'task',
      triggerRule: task?.triggerRule ?? 'all_success',
      x: node.x ?? 0,
      y: node.y ?? 0,
      width: node.width ?? MIN_NODE_WIDTH,
      height: node.height ?? NODE_HEIGHT,
    };
  });
  const edges: PlacedEdge[] = (laidOut.edges ?? []).map((edge) => {
    const section = (edge as ElkExtendedEdge).sections?.[0];
    const points: [number, number][] = section
      ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((point): [number, number] => [round(point.x), round(point.y)])
      : [];
    return { from: (edge as ElkExtendedEdge).sources[0] ?? '', to: (edge as ElkExtendedEdge).targets[0] ?? '', points };
  });
  return { width: Math.ceil(laidOut.width ?? 0), height: Math.ceil(laidOut.height ?? 0), tasks, edges };
}

const round = (value: number) => Math.round(value * 10) / 10;

/** What decides a plan's picture: task ids, kinds, rules and dependencies, nothing else. */
export function planGraphHash(plan: Plan): string {
  const shape = plan.tasks.map((task) => [task.id, task.kind, task.triggerRule, task.needs]);
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex');
}

/**
 * Layouts kept per plan graph hash, so a page shows a DAG laid out once per shape of its graph.
 * Concurrent requests for the same plan share one layout computation.
 */
export class GraphLayoutCache {
  readonly #layouts = new Map<string, Promise<GraphLayout>>();

  constructor(private readonly maxEntries = 64, private readonly compute: (plan: Plan) => Promise<GraphLayout> = layoutPlan) {}

  get(plan: Plan): Promise<GraphLayout> {
    const key = planGraphHash(plan);
    const cached = this.#layouts.get(key);
    if (cached) return cached;
    const layout = this.compute(plan);
    layout.catch(() => this.#layouts.delete(key));
    this.#layouts.set(key, layout);
    if (this.#layouts.size > this.maxEntries) {
      const oldest = this.#layouts.keys().next().value;
      if (oldest !== undefined) this.#layouts.delete(oldest);
    }
    return layout;
  }

  get size(): number {
    return this.#layouts.size;
  }
}
