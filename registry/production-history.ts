import type { ModelTransition } from './types.ts';

/**
 * Replays the audit trail into the stack of versions that served in production, the current
 * one last. A promotion pushes; a rollback returns to an earlier entry (dropping what came
 * after it), so rolling back twice walks further back instead of flipping between two
 * versions; a manual move out of production pops that version. Archiving done as part of a
 * promotion is implied by the push and is skipped.
 *
 * @example
 * productionStack(await modelHistory(db, 'churn')); // [1, 3, 4]: 4 serves, 3 served before it
 */
export function productionStack(transitions: readonly Pick<ModelTransition, 'version' | 'fromStage' | 'toStage' | 'action'>[]): number[] {
  const stack: number[] = [];
  for (const step of transitions) {
    if (step.toStage === 'production') {
      const earlier = step.action === 'rollback' ? stack.lastIndexOf(step.version) : -1;
      if (earlier >= 0) stack.length = earlier + 1;
      else stack.push(step.version);
    } else if (step.fromStage === 'production' && step.action === 'transition') {
      const at = stack.lastIndexOf(step.version);
      if (at >= 0) stack.splice(at, 1);
    }
  }
  return stack;
}

/**
 * The version a rollback restores: the one that served before the current one, or the last one
 * that served when nothing is in production now. Undefined when there is none.
 */
export function rollbackTarget(stack: readonly number[], current: number | null): number | undefined {
  const at = current === null ? -1 : stack.lastIndexOf(current);
  const before = at >= 0 ? stack.slice(0, at) : stack;
  return before.filter((version) => version !== current).at(-1);
}
