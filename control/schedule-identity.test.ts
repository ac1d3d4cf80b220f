import { describe, expect, it } from 'vitest';
import type { Plan } from '../plan/types.ts';
import { linkUrlToWrite, parseScheduleId, scheduledWorkflowIdFor, scheduleHash, scheduleIdFor } from './schedule-identity.ts';

const plan: Plan = {
  planVersion: 1,
  dagId: 'churn',
  file: 'churn.ts',
  schedule: { cron: '0 3 * * *', source: '@daily', timezone: 'UTC', catchup: false, maxActiveRuns: 1 },
  clearWindowMs: 0,
  tasks: [],
};

describe('schedule identity', () => {
  it('keeps the plain id on the default queue and names any other queue', () => {
    expect(scheduleIdFor('churn')).toBe('weir-churn');
    expect(scheduleIdFor('churn', 'weir')).toBe('weir-churn');
    expect(scheduleIdFor('churn', 'gpu-fleet')).toBe('weir-churn@gpu-fleet');
    expect(scheduledWorkflowIdFor('churn')).toBe('churn-scheduled');
    expect(scheduledWorkflowIdFor('churn', 'gpu-fleet')).toBe('churn-scheduled@gpu-fleet');
  });

  it('reads back the DAG and queue of an id, and owns only weir- ids', () => {
    expect(parseScheduleId('weir-churn')).toEqual({ dagId: 'churn', taskQueue: 'weir' });
    expect(parseScheduleId('weir-churn@gpu@eu')).toEqual({ dagId: 'churn', taskQueue: 'gpu@eu' });
    expect(parseScheduleId(scheduleIdFor('a-b_c', 'q'))).toEqual({ dagId: 'a-b_c', taskQueue: 'q' });
    expect(parseScheduleId('nightly-backup')).toBeNull();
  });

  it('hashes the namespace and queue, not the web URL', () => {
    expect(scheduleHash(plan, 'default', 'weir')).toBe(scheduleHash(plan, 'default', 'weir'));
    expect(scheduleHash(plan, 'default', 'weir')).not.toBe(scheduleHash(plan, 'staging', 'weir'));
    expect(scheduleHash(plan, 'default', 'weir')).not.toBe(scheduleHash(plan, 'default', 'gpu'));
    const later = { ...plan, schedule: { ...plan.schedule!, cron: '0 4 * * *' } };
    expect(scheduleHash(later, 'default', 'weir')).not.toBe(scheduleHash(plan, 'default', 'weir'));
  });
});

describe('linkUrlToWrite', () => {
  it('lets the first fleet with a web URL set the links, and no later fleet take turns', () => {
    expect(linkUrlToWrite(undefined, undefined, false)).toBeNull();
    expect(linkUrlToWrite(undefined, 'https://a', false)).toBe('https://a');
    expect(linkUrlToWrite('https://a', 'https://a', false)).toBeNull();
    expect(linkUrlToWrite('https://a', undefined, false)).toBeNull();
    expect(linkUrlToWrite('https://a', 'https://b', false)).toBeNull();
  });

  it('moves the links when asked to (weir schedules sync)', () => {
    expect(linkUrlToWrite('https://a', 'https://b', true)).toBe('https://b');
    expect(linkUrlToWrite('https://a', undefined, true)).toBeNull();
  });
});
