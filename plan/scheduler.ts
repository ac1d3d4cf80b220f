import { countUpstream, decideTrigger, isTerminal } from './trigger-rules.ts';
import type { Plan, PlanTask, RunStatus, TaskState } from './types.ts';

export type TaskStates = Readonly<Record<string, TaskState>>;

/** Which downstream tasks each finished branch task chose. */
export type BranchChoices = Readonly<Record<string, readonly string[]>>;

export interface NextActions {
  start: string[];
  skip: string[];
  upstreamFailed: string[];
}

/**
 * Decides what happens next to every pending task. Tasks are visited in the plan's topological
 * order and decisions are applied as they are made, so a skip or an upstream failure propagates
 * through the whole graph in one call.
 */
export function nextActions(plan: Plan, states: TaskStates, branchChoices: BranchChoices): NextActions {
  const working: Record<string, TaskState> = { ...states };
  const actions: NextActions = { start: [], skip: [], upstreamFailed: [] };
  for (const task of plan.tasks) {
    if (working[task.id] !== 'pending') continue;
    if (isUnchosenByBranch(task, working, branchChoices)) {
      working[task.id] = 'skipped';
      actions.skip.push(task.id);
      continue;
    }
    const decision = decideTrigger(task.triggerRule, countUpstream(task.needs.map((id) => working[id] ?? 'pending')));
    if (decision === 'run') actions.start.push(task.id);
    else if (decision === 'skip') {
      working[task.id] = 'skipped';
      actions.skip.push(task.id);
    } else if (decision === 'upstream_failed') {
      working[task.id] = 'upstream_failed';
      actions.upstreamFailed.push(task.id);
    }
  }
  return actions;
}

function isUnchosenByBranch(task: PlanTask, states: TaskStates, branchChoices: BranchChoices): boolean {
  return task.needs.some((upstreamId) => {
    const chosen = branchChoices[upstreamId];
    return chosen !== undefined && states[upstreamId] === 'success' && !chosen.includes(task.id);
  });
}

/** The task and every task downstream of it, in plan order. */
export function withDescendants(plan: Plan, taskId: string): string[] {
  const affected = new Set([taskId]);
  for (const task of plan.tasks) {
    if (task.needs.some((id) => affected.has(id))) affected.add(task.id);
  }
  return plan.tasks.filter((task) => affected.has(task.id)).map((task) => task.id);
}

/**
 * A finished run's status, as Airflow decides it: the leaves (tasks nothing depends on) decide.
 * A failure that a downstream `all_done` task absorbed does not fail the run.
 */
export function finalRunStatus(plan: Plan, states: TaskStates): RunStatus {
  const all = plan.tasks.map((task) => states[task.id] ?? 'pending');
  if (all.some((state) => state === 'cancelled')) return 'cancelled';
  if (!all.every(isTerminal)) return 'running';
  const hasDownstream = new Set(plan.tasks.flatMap((task) => task.needs));
  const leaves = plan.tasks.filter((task) => !hasDownstream.has(task.id));
  const leafFailed = leaves.some((task) => {
    const state = states[task.id];
    return state === 'failed' || state === 'upstream_failed';
  });
  return leafFailed ? 'failed' : 'success';
}
