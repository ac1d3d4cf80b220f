import type { Plan, PlanTask, RunSnapshot, RunType, TaskRunState } from './types.ts';

/** A task that has not run yet, as a run snapshot shows it. */
export function pendingTaskState(task: PlanTask): TaskRunState {
  return { id: task.id, kind: task.kind, state: 'pending', attempts: 0, startedAt: null, endedAt: null, error: null };
}

/** A run the moment its plan is adopted: running, every task pending. */
export function startingSnapshot(run: { runId: string; runType: RunType; logicalDate: string; startedAt: string }, plan: Plan, params: Record<string, unknown>): RunSnapshot {
  return {
    runId: run.runId,
    dagId: plan.dagId,
    runType: run.runType,
    status: 'running',
    logicalDate: run.logicalDate,
    startedAt: run.startedAt,
    endedAt: null,
    params,
    tasks: plan.tasks.map(pendingTaskState),
  };
}
