import type { Plan, PlanTask, RunSnapshot, TaskRunState, TaskState } from '../../plan/types.ts';
import type { TaskPaint } from '../graph/graph-svg.ts';

/** The graph paint of a run: a state per task, mapped tasks as one box with their instance count. */
export function paintOf(tasks: readonly TaskRunState[]): Map<string, TaskPaint> {
  return new Map(tasks.map((task) => [task.id, { state: task.state, ...(task.instances ? { instances: task.instances.length } : {}) }]));
}

/**
 * The plan to draw a run with: the DAG's current plan when it has exactly the run's tasks, else
 * (the file changed since, or the DAG is gone) the run's own tasks without their edges.
 */
export function planForRun(snapshot: Pick<RunSnapshot, 'dagId' | 'tasks'>, current: Plan | undefined): { plan: Plan; matchesRun: boolean } {
  const runIds = snapshot.tasks.map((task) => task.id).sort();
  if (current) {
    const planIds = current.tasks.map((task) => task.id).sort();
    if (runIds.length === 0 || (planIds.length === runIds.length && planIds.every((id, index) => id === runIds[index]))) return { plan: current, matchesRun: true };
  }
  const options = { retries: 0, retryDelayMs: 0, backoffCoefficient: 1, timeoutMs: 0 };
  const tasks: PlanTask[] = snapshot.tasks.map((task) => ({ id: task.id, kind: task.kind, needs: [], triggerRule: 'all_success', options }));
  return { plan: { planVersion: 1, dagId: snapshot.dagId, file: current?.file ?? '', clearWindowMs: 0, tasks }, matchesRun: false };
}

/** The plan the run page draws, and where it came from. */
export interface RunDrawing {
  plan: Plan;
  /** `recorded`: the plan in the run's history; `current`: the DAG file's plan now; `tasks`: the run's tasks without edges. */
  source: 'recorded' | 'current' | 'tasks';
  /** Why the recorded plan is not drawn, shown on the page. */
  note?: string;
}

/**
 * Draws a run as it ran: with the plan it recorded when it started. Only when that cannot be read
 * does it fall back to the DAG's current plan (when it has exactly the run's tasks), then to the
 * run's tasks without edges; `note` says why.
 */
export function drawingForRun(snapshot: Pick<RunSnapshot, 'dagId' | 'tasks'>, recorded: Plan | null, current: Plan | undefined, problem = 'it could not be read'): RunDrawing {
  if (recorded) {
    if (!current || graphShape(current) === graphShape(recorded)) return { plan: recorded, source: 'recorded' };
    return { plan: recorded, source: 'recorded', note: 'The DAG file has changed since this run started: this is the plan the run recorded and ran, not the DAG page\'s.' };
  }
  const { plan, matchesRun } = planForRun(snapshot, current);
  if (matchesRun) return { plan, source: 'current', note: `The plan recorded in this run is not shown (${problem}); this is the DAG's current plan, which has the same tasks.` };
  return { plan, source: 'tasks', note: `The plan recorded in this run is not shown (${problem}), and the DAG file no longer has exactly this run's tasks; its tasks are shown without their edges.` };
}

/** The tasks and edges of a plan, in a comparable form. */
function graphShape(plan: Plan): string {
  return JSON.stringify(plan.tasks.map((task) => [task.id, task.kind, task.triggerRule, [...task.needs].sort()]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
}

/** A task's state as the panel heads it: "skipped: branch `route` chose `publish`". */
export function stateLine(task: Pick<TaskRunState, 'state' | 'reason'>): string {
  return task.reason ? `${task.state}: ${task.reason}` : task.state;
}

/** How many instances of a mapped task are in each state, in a fixed order. */
export function instanceCounts(task: TaskRunState): [TaskState, number][] {
  const counts = new Map<TaskState, number>();
  for (const instance of task.instances ?? []) counts.set(instance.state, (counts.get(instance.state) ?? 0) + 1);
  const order: TaskState[] = ['running', 'pending', 'success', 'failed', 'upstream_failed', 'skipped', 'cancelled'];
  return order.filter((state) => counts.has(state)).map((state) => [state, counts.get(state) ?? 0]);
}

const ARTIFACT_URI = /^(file|s3):\/\/\S+$/;

/** Artifact URIs anywhere in a task's output (at most `limit`), with the JSON path that holds each. */
export function artifactUris(output: unknown, limit = 50): { path: string; uri: string }[] {
  const found: { path: string; uri: string }[] = [];
  const visit = (value: unknown, path: string, depth: number) => {
    if (found.length >= limit || depth > 8) return;
    if (typeof value === 'string') {
      if (ARTIFACT_URI.test(value)) found.push({ path: path || '(output)', uri: value });
    } else if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${path}[${index}]`, depth + 1));
    else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) visit(item, path ? `${path}.${key}` : key, depth + 1);
  };
  visit(output, '', 0);
  return found;
}

/** The summary a drift task returns (weir/ops `detectDrift`), recognised by its fields. */
export interface DriftSummaryView {
  drifted: boolean;
  driftedColumns: string[];
  share: number;
  reportUri: string;
  htmlUri: string;
}

export function driftSummaryOf(output: unknown): DriftSummaryView | null {
  if (!output || typeof output !== 'object') return null;
  const value = output as Record<string, unknown>;
  if (typeof value.drifted !== 'boolean' || typeof value.reportUri !== 'string' || typeof value.htmlUri !== 'string' || !Array.isArray(value.driftedColumns)) return null;
  return { drifted: value.drifted, driftedColumns: value.driftedColumns.map(String), share: typeof value.share === 'number' ? value.share : 0, reportUri: value.reportUri, htmlUri: value.htmlUri };
}
