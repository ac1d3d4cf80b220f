import { describe, expect, it } from 'vitest';
import type { DagRunRecord, TaskRunRecord } from '../db/run-records.ts';
import type { RunDetails } from './runs.ts';
import type { Plan } from '../plan/types.ts';
import { sealedRunWithRecords, tasksFromRecords } from './sealed-run-records.ts';

const sealedRun: RunDetails = {
  runId: 'r1',
  dagId: 'd',
  runType: 'manual',
  status: 'failed',
  logicalDate: '2026-11-30T10:00:00.000Z',
  startedAt: '2026-11-30T10:00:00.000Z',
  endedAt: '2026-11-30T10:01:00.000Z',
  params: {},
  tasks: [],
  encrypted: 'encrypted: set WEIR_PAYLOAD_KEY to read',
};

const runRecord: DagRunRecord = {
  runId: 'r1',
  dagId: 'd',
  runType: 'backfill',
  status: 'failed',
  logicalDate: '2026-01-01T00:00:00.000Z',
  params: { secret: 'kept out' },
  startedAt: '2026-11-30T10:00:00.000Z',
  endedAt: null,
  updatedAt: '2026-11-30T10:01:00.000Z',
};

function taskRecord(taskId: string, mapIndex: number, state: TaskRunRecord['state'], error: string | null = null): TaskRunRecord {
  return { runId: 'r1', taskId, mapIndex, state, attempts: 1, startedAt: '2026-11-30T10:00:01.000Z', endedAt: '2026-11-30T10:00:02.000Z', error, updatedAt: '2026-11-30T10:00:02.000Z' };
}

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

describe('tasksFromRecords', () => {
  it("gives every task of the plan in the plan's order, mapped instances under their task, and pending where nothing is recorded", () => {
    const tasks = tasksFromRecords([taskRecord('square', 1, 'failed', 'boom'), taskRecord('square', -1, 'failed'), taskRecord('make', -1, 'success'), taskRecord('square', 0, 'success')], plan);
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
    expect(tasksFromRecords([taskRecord('gone', -1, 'success')], plan).map((task) => task.id)).toEqual(['make', 'square', 'sign_off', 'gone']);
    expect(tasksFromRecords([taskRecord('gone', -1, 'success')], undefined)).toMatchObject([{ id: 'gone', kind: 'task', state: 'success' }]);
  });
});

describe('sealedRunWithRecords', () => {
  it('takes the logical date, run type and task states from the records, never the params', () => {
    const filled = sealedRunWithRecords(sealedRun, runRecord, [taskRecord('load', -1, 'success'), taskRecord('train', -1, 'failed', 'out of memory')]);
    expect(filled).toMatchObject({ logicalDate: '2026-01-01T00:00:00.000Z', runType: 'backfill', params: {}, encrypted: sealedRun.encrypted });
    expect(filled.tasks.map((task) => [task.id, task.kind, task.state, task.error])).toEqual([
      ['load', 'task', 'success', null],
      ['train', 'task', 'failed', 'out of memory'],
    ]);
  });

  it('gathers mapped instances under their task', () => {
    const filled = sealedRunWithRecords(sealedRun, null, [taskRecord('score', -1, 'running'), taskRecord('score', 0, 'success'), taskRecord('score', 1, 'running')]);
    expect(filled.tasks).toEqual([
      expect.objectContaining({ id: 'score', kind: 'map', instances: [{ index: 0, state: 'success', attempts: 1, error: null }, { index: 1, state: 'running', attempts: 1, error: null }] }),
    ]);
    // No run record: the visibility record's dates stay.
    expect(filled.logicalDate).toBe(sealedRun.logicalDate);
  });

  it('leaves a run that was read with its key as it is', () => {
    const readable: RunDetails = { ...sealedRun };
    delete readable.encrypted;
    expect(sealedRunWithRecords(readable, runRecord, [taskRecord('load', -1, 'success')])).toBe(readable);
  });
});
