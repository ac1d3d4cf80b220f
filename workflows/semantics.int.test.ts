import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSnapshot } from '../plan/types.ts';
import { runToEnd, startTestWorker, taskStates, type TestWorker } from '../test/harness.ts';

let weir: TestWorker;

beforeAll(async () => {
  weir = await startTestWorker();
});
afterAll(async () => {
  await weir?.shutdown();
});

const run = (dagId: string, params: Record<string, unknown> = {}): Promise<RunSnapshot> => runToEnd(weir, dagId, params);
const states = taskStates;

describe("Airflow's root and branch rules on a real Temporal server", () => {
  it('runs a root task whose rule would need an upstream success, and spares a join downstream of the chosen task', async () => {
    const snapshot = await run('branch_semantics', { choose: 'chosen' });
    expect(snapshot.status).toBe('success');
    expect(states(snapshot)).toEqual({
      root_one_success: 'success',
      route: 'success',
      chosen: 'success',
      other: 'skipped',
      join: 'success',
      // all_done_min_one_success: a skipped upstream task is never "done" for it.
      after_all: 'skipped',
    });
  });

  it('skips a direct downstream task that no chosen task leads to', async () => {
    const snapshot = await run('branch_semantics', { choose: 'other' });
    expect(snapshot.status).toBe('success');
    expect(states(snapshot)).toMatchObject({ chosen: 'skipped', other: 'success', join: 'skipped', after_all: 'skipped' });
  });

  it('lets a branch return null to skip all of its direct downstream tasks, and the run succeeds', async () => {
    const snapshot = await run('branch_semantics', { choose: 'none' });
    expect(snapshot.status).toBe('success');
    expect(states(snapshot)).toEqual({
      root_one_success: 'success',
      route: 'success',
      chosen: 'skipped',
      other: 'skipped',
      join: 'skipped',
      after_all: 'skipped',
    });
  });
});

describe('unknown params keys on a real Temporal server', () => {
  it('fails a run started as the Temporal UI would, naming the key and the closest known one, before any task runs', async () => {
    const runId = `ui-typo-${Date.now()}`;
    // The UI's "Start Workflow": type = DAG id, input = the params JSON, no second argument.
    const handle = await weir.client.workflow.start('strict_params', { workflowId: runId, taskQueue: weir.taskQueue, args: [{ rows: 5, table: 't', rowz: 6 }] });
    await expect(handle.result()).rejects.toMatchObject({
      cause: { type: 'InvalidParamsError', message: 'Invalid params for DAG strict_params: rowz: unknown param, did you mean "rows"? (known: rows, table)' },
    });
    const history = await handle.fetchHistory();
    expect((history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes)).toEqual([]);
    expect((await handle.describe()).status.name).toBe('FAILED');
  });
});
