import { describe, expect, it } from 'vitest';
import { LOGICAL_DATE_MEMO, newRunId, RERUN_OF_MEMO, RERUN_TASK_MEMO, runStartOptions, type RunStartRequest } from './run-start.ts';
import { TRIGGERED_BY_MEMO } from './run-actor.ts';

const request: RunStartRequest = { dagId: 'churn', runId: 'churn-manual-1', params: { n: 1 }, taskQueue: 'weir', runType: 'manual', logicalDate: '2026-01-05T00:00:00.000Z' };

describe('runStartOptions', () => {
  it('records who triggered the run in its memo, beside the logical date', () => {
    const options = runStartOptions({ ...request, triggeredBy: 'ada' });
    expect(options.memo).toEqual({ [LOGICAL_DATE_MEMO]: request.logicalDate, [TRIGGERED_BY_MEMO]: 'ada' });
    expect(options).toMatchObject({ workflowId: 'churn-manual-1', taskQueue: 'weir', args: [{ n: 1 }, { runType: 'manual', logicalDate: request.logicalDate }] });
    expect(options.searchAttributes).toEqual({ WeirDagId: ['churn'], WeirRunType: ['manual'] });
    expect(options.staticDetails).toContain('/runs/churn-manual-1');
    expect(options.workflowIdReusePolicy).toBeUndefined();
  });

  it('names the run and task a rerun comes from, and passes what it keeps to the workflow', () => {
    const rerunOf = { runId: 'churn-manual-0', taskId: 'train', tasks: {}, outputs: {} };
    const options = runStartOptions({ ...request, triggeredBy: 'bob', rerunOf, rejectDuplicate: true });
    expect(options.memo).toEqual({ [LOGICAL_DATE_MEMO]: request.logicalDate, [TRIGGERED_BY_MEMO]: 'bob', [RERUN_OF_MEMO]: 'churn-manual-0', [RERUN_TASK_MEMO]: 'train' });
    expect(options.args?.[1]).toEqual({ runType: 'manual', logicalDate: request.logicalDate, rerunOf });
    expect(options.workflowIdReusePolicy).toBe('REJECT_DUPLICATE');
  });

  it('leaves the actor out when none is known', () => {
    expect(Object.keys(runStartOptions(request).memo ?? {})).toEqual([LOGICAL_DATE_MEMO]);
  });

  it('makes run ids from the DAG, run type and logical date', () => {
    expect(newRunId('churn', 'backfill', '2026-01-05T00:00:00.000Z')).toMatch(/^churn-backfill-2026-01-05T000000000Z-[a-z0-9]{1,4}$/);
  });
});
