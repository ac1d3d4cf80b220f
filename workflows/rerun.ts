import { withDescendants } from '../plan/scheduler.ts';
import { isTerminal } from '../plan/trigger-rules.ts';
import type { Plan, TaskRunState } from '../plan/types.ts';
import type { RunState } from './run-state.ts';

/**
 * What a new run takes over from a closed one when a person clears a task in it
 * (`weir runs clear` after the run closed): the recorded state and output of every task.
 */
export interface RerunOf {
  runId: string;
  /** The cleared task: it and everything downstream of it run again. */
  taskId: string;
  tasks: Record<string, Pick<TaskRunState, 'state' | 'attempts' | 'startedAt' | 'endedAt' | 'error' | 'reason' | 'instances'>>;
  /** Outputs of the tasks that succeeded, by task id. */
  outputs: Record<string, unknown>;
}

/**
 * Gives every task outside the cleared set the state and output it had in the original run, so
 * it does not run again. The cleared set is taken from the plan this run loaded (the DAG file as
 * it is now); tasks new to that plan start pending and run as usual.
 */
export function adoptRecordedTasks(state: RunState, plan: Plan, rerunOf: RerunOf): string[] {
  const cleared = new Set(withDescendants(plan, rerunOf.taskId));
  for (const task of plan.tasks) {
    const recorded = rerunOf.tasks[task.id];
    if (cleared.has(task.id) || !recorded || !isTerminal(recorded.state)) continue;
    Object.assign(state.task(task.id), { ...recorded, ...(recorded.instances ? { instances: recorded.instances.map((i) => ({ ...i })) } : {}) });
    if (recorded.state === 'success') {
      const output = rerunOf.outputs[task.id] ?? null;
      state.outputs.set(task.id, output);
      if (task.kind === 'branch' && Array.isArray(output)) state.branchChoices[task.id] = output as string[];
    }
  }
  return [...cleared];
}
