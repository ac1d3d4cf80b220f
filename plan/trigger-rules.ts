import type { TaskState, TriggerRule } from './types.ts';

/** What the scheduler should do with a task, given the states of its direct upstream tasks. */
export type TriggerDecision = 'run' | 'wait' | 'skip' | 'upstream_failed';

export interface UpstreamCounts {
  total: number;
  success: number;
  /** Failed or cancelled upstream tasks. */
  failed: number;
  upstreamFailed: number;
  skipped: number;
  /** Upstream tasks in any terminal state. */
  done: number;
}

const TERMINAL: ReadonlySet<TaskState> = new Set(['success', 'failed', 'skipped', 'upstream_failed', 'cancelled']);

export function isTerminal(state: TaskState): boolean {
  return TERMINAL.has(state);
}

export function countUpstream(states: readonly TaskState[]): UpstreamCounts {
  const counts: UpstreamCounts = { total: states.length, success: 0, failed: 0, upstreamFailed: 0, skipped: 0, done: 0 };
  for (const state of states) {
    if (state === 'success') counts.success++;
    else if (state === 'failed' || state === 'cancelled') counts.failed++;
    else if (state === 'upstream_failed') counts.upstreamFailed++;
    else if (state === 'skipped') counts.skipped++;
    if (isTerminal(state)) counts.done++;
  }
  return counts;
}

/**
 * Decides a task's fate from its upstream counts, with Airflow's semantics: a rule fires as soon
 * as it is satisfied, and a task is skipped or marked upstream_failed as soon as the rule can
 * no longer be satisfied, without waiting for the remaining upstream tasks.
 */
export function decideTrigger(rule: TriggerRule, c: UpstreamCounts): TriggerDecision {
  const allDone = c.done === c.total;
  const anyFailure = c.failed + c.upstreamFailed > 0;
  switch (rule) {
    case 'all_success':
      if (anyFailure) return 'upstream_failed';
      if (c.skipped > 0) return 'skip';
      return c.success === c.total ? 'run' : 'wait';
    case 'all_failed':
      if (c.success + c.skipped > 0) return 'skip';
      return allDone ? 'run' : 'wait';
    case 'all_done':
      return allDone ? 'run' : 'wait';
    case 'all_skipped':
      if (c.success + c.failed + c.upstreamFailed > 0) return 'skip';
      return allDone ? 'run' : 'wait';
    case 'one_success':
      if (c.success > 0) return 'run';
      if (!allDone) return 'wait';
      return c.skipped === c.total ? 'skip' : 'upstream_failed';
    case 'one_failed':
      if (anyFailure) return 'run';
      return allDone ? 'skip' : 'wait';
    case 'one_done':
      if (c.success + c.failed > 0) return 'run';
      return allDone ? 'skip' : 'wait';
    case 'none_failed':
      if (anyFailure) return 'upstream_failed';
      return allDone ? 'run' : 'wait';
    case 'none_failed_min_one_success':
      if (anyFailure) return 'upstream_failed';
      if (!allDone) return 'wait';
      return c.success > 0 ? 'run' : 'skip';
    case 'none_skipped':
      if (c.skipped > 0) return 'skip';
      return allDone ? 'run' : 'wait';
    case 'always':
      return 'run';
    case 'all_done_min_one_success':
      // A skipped upstream task never counts as done for this rule (Airflow 3).
      if (c.skipped > 0) return 'skip';
      if (!allDone) return 'wait';
      return c.success > 0 ? 'run' : 'upstream_failed';
  }
}
