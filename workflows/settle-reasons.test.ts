import { describe, expect, it } from 'vitest';
import type { PlanTask } from '../plan/types.ts';
import { settleReason } from './settle-reasons.ts';

const task = (needs: string[], triggerRule: PlanTask['triggerRule'] = 'all_success'): PlanTask => ({
  id: 't',
  kind: 'task',
  needs,
  triggerRule,
  options: { retries: 0, retryDelayMs: 1000, backoffCoefficient: 2, timeoutMs: 1000 },
});

describe('settleReason', () => {
  it('names the branch and what it chose', () => {
    expect(settleReason(task(['route']), 'skipped', { route: 'success' }, { route: ['publish'] })).toBe('branch `route` chose `publish`');
    expect(settleReason(task(['route']), 'skipped', { route: 'success' }, { route: [] })).toBe('branch `route` chose no task');
  });

  it('names the failed upstream, or the one that did not run', () => {
    expect(settleReason(task(['train', 'prep']), 'upstream_failed', { train: 'failed', prep: 'success' }, {})).toBe('upstream `train` failed');
    expect(settleReason(task(['eval']), 'upstream_failed', { eval: 'upstream_failed' }, {})).toBe('upstream `eval` did not run because its own upstream failed');
  });

  it('names skipped upstream tasks, else the trigger rule', () => {
    expect(settleReason(task(['a', 'b']), 'skipped', { a: 'skipped', b: 'skipped' }, {})).toBe('upstream `a`, `b` were skipped');
    expect(settleReason(task(['a'], 'one_failed'), 'skipped', { a: 'success' }, {})).toBe('trigger rule one_failed was not met (a: success)');
  });
});
