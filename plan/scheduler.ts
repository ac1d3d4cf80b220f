import { countUpstream, decideTrigger, isTerminal } from './trigger-rules.ts';
import type { Plan, PlanTask, RunStatus, TaskState } from './types.ts';

export type TaskStates = Readonly<Record<string, TaskState>>;

/** Which downstream tasks each finished branch task chose. */
export type BranchChoices = Readonly<Record<string, readonly string[]>>;

/**
 * Rules that changed after runs were recorded. A run started before a change keeps deciding as
 * it did (its history must replay), so the interpreter passes what the run's history allows.
 */
export interface SchedulingSemantics {
  /** A task without upstream tasks runs, whatever its trigger rule (Airflow). */
  rootsAlwaysRun: boolean;
  /** A branch does not skip a direct downstream task that is also downstream of a chosen task (Airflow's skip_all_except). */
  branchSparesDescendantsOfChosen: boolean;
}

export const CURRENT_SEMANTICS: SchedulingSemantics = { rootsAlwaysRun: true, branchSparesDescendantsOfChosen: true };
export const LEGACY_SEMANTICS: SchedulingSemantics = { rootsAlwaysRun: false, branchSparesDescendantsOfChosen: false };

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
export function nextActions(plan: Plan, states: TaskStates, branchChoices: BranchChoices, semantics: SchedulingSemantics = CURRENT_SEMANTICS): NextActions {
  const working: Record<string, TaskState> = { ...states };
  const actions: NextActions = { start: [], skip: [], upstreamFailed: [] };
  const spared = semantics.branchSparesDescendantsOfChosen ? sparedByBranch(plan, working, branchChoices) : new Map<string, Set<string>>();
  for (const task of plan.tasks) {
    if (working[task.id] !== 'pending') continue;
    if (isUnchosenByBranch(task, working, branchChoices, spared)) {
      working[task.id] = 'skipped';
      actions.skip.push(task.id);
      continue;
    }
    if (semantics.rootsAlwaysRun && task.needs.length === 0) {
      actions.start.push(task.id);
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

function isUnchosenByBranch(task: PlanTask, states: TaskStates, branchChoices: BranchChoices, spared: ReadonlyMap<string, ReadonlySet<string>>): boolean {
  return task.needs.some((upstreamId) => {
    const chosen = branchChoices[upstreamId];
    if (chosen === undefined || states[upstreamId] !== 'success' || chosen.includes(task.id)) return false;
    return !spared.get(upstreamId)?.has(task.id);
  });
}

/**
 * For each finished branch, the tasks downstream of the tasks it chose. Airflow's
 * `skip_all_except` adds them to the followed set, so a join that hangs directly off the branch
 * and also off a chosen task is left to its trigger rule, not skipped.
 */
function sparedByBranch(plan: Plan, states: TaskStates, branchChoices: BranchChoices): Map<string, Set<string>> {
  const spared = new Map<string, Set<string>>();
  for (const [branchId, chosen] of Object.entries(branchChoices)) {
    if (states[branchId] !== 'success' || chosen.length === 0) continue;
    const reached = new Set(chosen);
    for (const task of plan.tasks) {
      if (task.needs.some((id) => reached.has(id))) reached.add(task.id);
    }
    spared.set(branchId, reached);
  }
  return spared;
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
