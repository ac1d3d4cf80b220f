import { ValueError } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { TaskRunRecord } from '../../db/run-records.ts';
import type { Plan } from '../../plan/types.ts';
import { unreadableError } from '../../control/unreadable-payloads.ts';
import { tasksFromRecords } from './encrypted-run.ts';

const options = { retries: 0, retryDelayMs: 0, backoffCoefficient: 1, timeoutMs: 0 };
const plan: Plan = {
  planVersion: 1,
  dagId: 'd',
  file: 'd.ts',
  clearWindowMs: 0,
  tasks: [
    { id: 'make', kind: 'task', needs: [], triggerRule: 'all_success', options },
    { id: 'square', kind: 'map', needs: ['make'], triggerRule: 'all_success', options },
    { id: 'sign_off', kind: 'approval', needs: ['square'], triggerRule: 'all_success', options },
  ],
};
const record = (taskId: string, mapIndex: number, state: TaskRunRecord['state'], error: string | null = null): TaskRunRecord => ({
  runId: 'r',
  taskId,
  mapIndex,
  state,
  attempts: 1,
  startedAt: '2026-11-30T10:00:00.000Z',
  endedAt: '2026-11-30T10:00:01.000Z',
  error,
  updatedAt: '2026-11-30T10:00:01.000Z',
});

describe('tasksFromRecords', () => {
  it("gives every task of the plan in the plan's order, mapped instances under their task, and pending where nothing is recorded", () => {
    const tasks = tasksFromRecords([record('square', 1, 'failed', 'boom'), record('square', -1, 'failed'), record('make', -1, 'success'), record('square', 0, 'success')], plan);
    expect(tasks.map((task) => [task.id, task.kind, task.state])).toEqual([
      ['make', 'task', 'success'],
      ['square', 'map', 'failed'],
      ['sign_off', 'approval', 'pending'],
    ]);
    expect(tasks[1]?.instances).toEqual([
      { index: 1, state: 'failed', attempts: 1, error: 'boom' },
      { index: 0, state: 'success', attempts: 1, error: null },
    ]);
    expect(tasks[2]).toMatchObject({ attempts: 0, startedAt: null, error: null });
  });

  it('keeps recorded tasks the current plan no longer has', () => {
    expect(tasksFromRecords([record('gone', -1, 'success')], plan).map((task) => task.id)).toEqual(['make', 'square', 'sign_off', 'gone']);
    expect(tasksFromRecords([record('gone', -1, 'success')], undefined)).toMatchObject([{ id: 'gone', kind: 'task', state: 'success' }]);
  });
});

describe('unreadableError, as the web view uses it', () => {
  it("recognises the default converter's refusal of an encrypted payload, also as a cause", () => {
    const refusal = new ValueError('Unknown encoding: binary/encrypted');
    expect(unreadableError(refusal) !== null).toBe(true);
    expect(unreadableError(new Error('query failed', { cause: refusal })) !== null).toBe(true);
    expect(unreadableError(new ValueError('Unknown encoding: binary/zstd')) !== null).toBe(false);
    expect(unreadableError(new Error('Unknown encoding: binary/encrypted')) !== null).toBe(false);
    expect(unreadableError('binary/encrypted') !== null).toBe(false);
  });
});
