import { describe, expect, it } from 'vitest';
import { finalRunStatus, LEGACY_SEMANTICS, nextActions, withDescendants } from './scheduler.ts';
import { TRIGGER_RULES, type Plan, type PlanTask, type TaskState, type TriggerRule } from './types.ts';

function task(id: string, needs: string[] = [], triggerRule: TriggerRule = 'all_success', kind: PlanTask['kind'] = 'task'): PlanTask {
  return { id, kind, needs, triggerRule, options: { retries: 0, retryDelayMs: 1000, backoffCoefficient: 2, timeoutMs: 60_000 } };
}
function plan(...tasks: PlanTask[]): Plan {
  return { planVersion: 1, dagId: 'd', file: 'd.ts', clearWindowMs: 0, tasks };
}
const pending = (p: Plan, overrides: Record<string, TaskState> = {}) =>
  Object.fromEntries(p.tasks.map((t) => [t.id, overrides[t.id] ?? 'pending'])) as Record<string, TaskState>;

describe('nextActions', () => {
  const chain = plan(task('a'), task('b', ['a']), task('c', ['b']), task('d', ['c'], 'all_done'));

  it('starts roots first, then what their success unlocks', () => {
    expect(nextActions(chain, pending(chain), {})).toEqual({ start: ['a'], skip: [], upstreamFailed: [] });
    expect(nextActions(chain, pending(chain, { a: 'success' }), {}).start).toEqual(['b']);
  });

  it('propagates an upstream failure through the whole chain in one call', () => {
    const actions = nextActions(chain, pending(chain, { a: 'failed' }), {});
    expect(actions).toEqual({ start: ['d'], skip: [], upstreamFailed: ['b', 'c'] });
  });

  it('skips the downstream tasks a branch did not choose, and their descendants', () => {
    const p = plan(task('route', [], 'all_success', 'branch'), task('x', ['route']), task('y', ['route']), task('y2', ['y']), task('join', ['x', 'y2'], 'none_failed_min_one_success'));
    const actions = nextActions(p, pending(p, { route: 'success' }), { route: ['x'] });
    expect(actions).toEqual({ start: ['x'], skip: ['y', 'y2'], upstreamFailed: [] });
    const later = nextActions(p, pending(p, { route: 'success', x: 'success', y: 'skipped', y2: 'skipped' }), { route: ['x'] });
    expect(later.start).toEqual(['join']);
  });

  it('runs a task without upstream tasks whatever its trigger rule, as Airflow does', () => {
    for (const rule of TRIGGER_RULES) {
      const p = plan(task('root', [], rule));
      expect({ rule, actions: nextActions(p, pending(p), {}) }).toEqual({ rule, actions: { start: ['root'], skip: [], upstreamFailed: [] } });
    }
  });

  it('keeps the old root decisions for runs recorded before the change', () => {
    const p = plan(task('root', [], 'one_success'));
    expect(nextActions(p, pending(p), {}, LEGACY_SEMANTICS)).toEqual({ start: [], skip: ['root'], upstreamFailed: [] });
  });

  it('does not skip a direct downstream task of a branch that is also downstream of a chosen task', () => {
    // branch -> a -> join, and branch -> join directly: choosing a leaves join to its trigger rule.
    const p = plan(task('branch', [], 'all_success', 'branch'), task('a', ['branch']), task('b', ['branch']), task('join', ['branch', 'a']), task('other', ['branch', 'b']));
    const first = nextActions(p, pending(p, { branch: 'success' }), { branch: ['a'] });
    expect(first).toEqual({ start: ['a'], skip: ['b', 'other'], upstreamFailed: [] });
    const later = nextActions(p, pending(p, { branch: 'success', a: 'success', b: 'skipped', other: 'skipped' }), { branch: ['a'] });
    expect(later.start).toEqual(['join']);
    // Recorded runs keep the old rule: join was skipped.
    expect(nextActions(p, pending(p, { branch: 'success' }), { branch: ['a'] }, LEGACY_SEMANTICS).skip).toEqual(['b', 'join', 'other']);
  });

  it('skips every direct downstream task of a branch that chose nothing, and the run succeeds', () => {
    const p = plan(task('branch', [], 'all_success', 'branch'), task('a', ['branch']), task('b', ['branch']), task('after', ['a', 'b']));
    const actions = nextActions(p, pending(p, { branch: 'success' }), { branch: [] });
    expect(actions).toEqual({ start: [], skip: ['a', 'b', 'after'], upstreamFailed: [] });
    expect(finalRunStatus(p, { branch: 'success', a: 'skipped', b: 'skipped', after: 'skipped' })).toBe('success');
  });

  it('leaves running and finished tasks alone', () => {
    expect(nextActions(chain, pending(chain, { a: 'running' }), {})).toEqual({ start: [], skip: [], upstreamFailed: [] });
  });
});

describe('withDescendants', () => {
  it('returns the task and everything downstream, in plan order', () => {
    const p = plan(task('a'), task('b', ['a']), task('c'), task('d', ['b', 'c']), task('e', ['c']));
    expect(withDescendants(p, 'b')).toEqual(['b', 'd']);
    expect(withDescendants(p, 'c')).toEqual(['c', 'd', 'e']);
  });
});

describe('finalRunStatus', () => {
  const p = plan(task('a'), task('b', ['a']), task('cleanup', ['b'], 'all_done'));
  it('is decided by the leaves, as in Airflow', () => {
    expect(finalRunStatus(p, { a: 'success', b: 'success', cleanup: 'success' })).toBe('success');
    expect(finalRunStatus(p, { a: 'failed', b: 'upstream_failed', cleanup: 'success' })).toBe('success');
    expect(finalRunStatus(p, { a: 'success', b: 'success', cleanup: 'failed' })).toBe('failed');
    expect(finalRunStatus(p, { a: 'success', b: 'skipped', cleanup: 'skipped' })).toBe('success');
  });
  it('is running until every task has finished, and cancelled when any task was', () => {
    expect(finalRunStatus(p, { a: 'success', b: 'running', cleanup: 'pending' })).toBe('running');
    expect(finalRunStatus(p, { a: 'cancelled', b: 'pending', cleanup: 'pending' })).toBe('cancelled');
  });
});
