import { describe, expect, it } from 'vitest';
import { countUpstream, decideTrigger, type TriggerDecision } from './trigger-rules.ts';
import { TASK_STATES, TRIGGER_RULES, type TaskState, type TriggerRule } from './types.ts';

const FAILURE: TaskState[] = ['failed', 'upstream_failed', 'cancelled'];
const TERMINAL: TaskState[] = ['success', 'failed', 'skipped', 'upstream_failed', 'cancelled'];

/**
 * The rules restated from Airflow's documentation, one predicate per rule, independent of the
 * counting implementation: "fires when", then "can no longer fire, so becomes".
 */
function expected(rule: TriggerRule, up: TaskState[]): TriggerDecision {
  const has = (s: TaskState) => up.includes(s);
  const anyFail = up.some((s) => FAILURE.includes(s));
  const done = up.every((s) => TERMINAL.includes(s));
  const only = (...allowed: TaskState[]) => up.every((s) => allowed.includes(s));
  switch (rule) {
    case 'all_success':
      return anyFail ? 'upstream_failed' : has('skipped') ? 'skip' : only('success') ? 'run' : 'wait';
    case 'all_failed':
      return has('success') || has('skipped') ? 'skip' : done ? 'run' : 'wait';
    case 'all_done':
      return done ? 'run' : 'wait';
    case 'all_skipped':
      return up.some((s) => s === 'success' || FAILURE.includes(s)) ? 'skip' : done ? 'run' : 'wait';
    case 'one_success':
      return has('success') ? 'run' : !done ? 'wait' : only('skipped') ? 'skip' : 'upstream_failed';
    case 'one_failed':
      return anyFail ? 'run' : done ? 'skip' : 'wait';
    case 'one_done':
      return has('success') || has('failed') || has('cancelled') ? 'run' : done ? 'skip' : 'wait';
    case 'none_failed':
      return anyFail ? 'upstream_failed' : done ? 'run' : 'wait';
    case 'none_failed_min_one_success':
      return anyFail ? 'upstream_failed' : !done ? 'wait' : has('success') ? 'run' : 'skip';
    case 'none_skipped':
      return has('skipped') ? 'skip' : done ? 'run' : 'wait';
    case 'always':
      return 'run';
    case 'all_done_min_one_success':
      return has('skipped') ? 'skip' : !done ? 'wait' : has('success') ? 'run' : 'upstream_failed';
  }
}

/** Every multiset of upstream states of size 1 to 4. */
function combinations(size: number, from = 0): TaskState[][] {
  if (size === 0) return [[]];
  const result: TaskState[][] = [];
  for (let i = from; i < TASK_STATES.length; i++) {
    for (const rest of combinations(size - 1, i)) result.push([TASK_STATES[i] as TaskState, ...rest]);
  }
  return result;
}
const ALL_COMBINATIONS = [1, 2, 3, 4].flatMap((n) => combinations(n));

describe('decideTrigger', () => {
  it('covers every multiset of up to four upstream states', () => {
    // 7 + 28 + 84 + 210 multisets of the seven task states.
    expect(ALL_COMBINATIONS).toHaveLength(329);
  });

  for (const rule of TRIGGER_RULES) {
    it(`${rule}: matches the documented semantics for every combination`, () => {
      for (const up of ALL_COMBINATIONS) {
        expect({ up, decision: decideTrigger(rule, countUpstream(up)) }).toEqual({ up, decision: expected(rule, up) });
      }
    });

    it(`${rule}: never waits once every upstream task has finished`, () => {
      for (const up of ALL_COMBINATIONS.filter((u) => u.every((s) => TERMINAL.includes(s)))) {
        expect(decideTrigger(rule, countUpstream(up))).not.toBe('wait');
      }
    });
  }

  it('spot checks from the Airflow documentation', () => {
    const d = (rule: TriggerRule, ...up: TaskState[]) => decideTrigger(rule, countUpstream(up));
    expect(d('all_success', 'success', 'success')).toBe('run');
    expect(d('all_success', 'success', 'running')).toBe('wait');
    expect(d('all_success', 'failed', 'running')).toBe('upstream_failed');
    expect(d('all_failed', 'failed', 'upstream_failed')).toBe('run');
    expect(d('one_success', 'success', 'running')).toBe('run');
    expect(d('one_failed', 'failed', 'running')).toBe('run');
    expect(d('none_failed', 'success', 'skipped')).toBe('run');
    expect(d('none_failed_min_one_success', 'skipped', 'skipped')).toBe('skip');
    expect(d('none_skipped', 'success', 'failed')).toBe('run');
    expect(d('all_done', 'failed', 'skipped', 'success')).toBe('run');
    expect(d('all_done_min_one_success', 'failed', 'success')).toBe('run');
    expect(d('all_done_min_one_success', 'failed', 'running')).toBe('wait');
    expect(d('all_done_min_one_success', 'failed', 'upstream_failed')).toBe('upstream_failed');
    expect(d('all_done_min_one_success', 'success', 'skipped')).toBe('skip');
  });
});
