import type { BranchChoices, TaskStates } from '../plan/scheduler.ts';
import type { PlanTask } from '../plan/types.ts';

const quoted = (ids: readonly string[]) => ids.map((id) => `\`${id}\``).join(', ');

/**
 * Why a task was settled without running, in words a person reads in `weir runs show`:
 * "branch `route` chose `publish`", "upstream `train` failed". Pure: the states are those after
 * the decision, the branch choices those the run recorded.
 */
export function settleReason(task: PlanTask, state: 'skipped' | 'upstream_failed', states: TaskStates, branchChoices: BranchChoices): string {
  const upstreamIn = (...wanted: string[]) => task.needs.filter((id) => wanted.includes(states[id] ?? 'pending'));
  if (state === 'upstream_failed') {
    const failed = upstreamIn('failed', 'cancelled');
    if (failed.length > 0) return `upstream ${quoted(failed)} failed`;
    const notRun = upstreamIn('upstream_failed');
    if (notRun.length > 0) return `upstream ${quoted(notRun)} did not run because its own upstream failed`;
    return `trigger rule ${task.triggerRule} can no longer be met`;
  }
  for (const id of task.needs) {
    const chosen = branchChoices[id];
    if (chosen !== undefined && states[id] === 'success' && !chosen.includes(task.id)) {
      return `branch \`${id}\` chose ${chosen.length > 0 ? quoted(chosen) : 'no task'}`;
    }
  }
  const skipped = upstreamIn('skipped');
  if (skipped.length > 0) return `upstream ${quoted(skipped)} ${skipped.length === 1 ? 'was' : 'were'} skipped`;
  return `trigger rule ${task.triggerRule} was not met (${task.needs.map((id) => `${id}: ${states[id] ?? 'pending'}`).join(', ') || 'no upstream'})`;
}
