import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../db/schema.ts';
import { unpackPlan } from '../plan/packed-plan.ts';
import type { Plan, PlanTask } from '../plan/types.ts';
import { dag } from '../sdk/dag.ts';
import type { LoadedDag } from '../sdk/load.ts';
import { createPrepareRun } from './prepare-run.ts';

const OPTIONS = { retries: 0, retryDelayMs: 1000, backoffCoefficient: 2, timeoutMs: 60_000 };
// No record is asked for, so the database is never touched.
const NO_DB = {} as Kysely<Database>;

function registryWith(plan: Plan) {
  const loaded: LoadedDag = { dag: dag({ id: plan.dagId }).task('x', async () => null) as never, plan, file: '/dags/x.ts' };
  return { get: (id: string) => (id === plan.dagId ? loaded : undefined), ids: () => [plan.dagId] };
}

function planOf(dagId: string, tasks: PlanTask[]): Plan {
  return { planVersion: 1, dagId, file: 'x.ts', clearWindowMs: 0, tasks };
}

describe('prepareRun', () => {
  it('hands the run its plan packed, and the packed plan unpacks to the DAG plan', async () => {
    const plan = planOf('small', [
      { id: 'a', kind: 'task', needs: [], triggerRule: 'all_success', options: OPTIONS },
      { id: 'b', kind: 'task', needs: ['a'], triggerRule: 'all_done', options: OPTIONS },
    ]);
    const prepare = createPrepareRun(registryWith(plan), NO_DB);
    const result = await prepare({ dagId: 'small', runId: 'r', rawParams: {}, logicalDate: '2026-01-01T00:00:00.000Z' });
    expect(result.plan).toBeUndefined();
    expect(unpackPlan(result.packedPlan as NonNullable<typeof result.packedPlan>)).toEqual(plan);
  });

  it('fails for good, with the reason, a plan too big for one payload', async () => {
    // Ids of 128 characters and many dependencies: more than 1.5 MB even packed.
    const id = (i: number) => `t${String(i).padStart(127, '0')}`;
    const tasks = Array.from({ length: 12_000 }, (_, i): PlanTask => ({ id: id(i), kind: 'task', needs: i === 0 ? [] : [id(i - 1)], triggerRule: 'all_success', options: OPTIONS }));
    const prepare = createPrepareRun(registryWith(planOf('huge', tasks)), NO_DB);
    const attempt = prepare({ dagId: 'huge', runId: 'r', rawParams: {}, logicalDate: '2026-01-01T00:00:00.000Z' });
    await expect(attempt).rejects.toBeInstanceOf(ApplicationFailure);
    await expect(attempt).rejects.toMatchObject({ type: 'PlanTooLargeError', nonRetryable: true, message: expect.stringMatching(/^the plan of DAG huge is \d+ KiB packed, over the 1536 KiB a run can record/) });
  });

  it('fails for good a plan that fits one payload but not with the task states a run carries between executions', async () => {
    // Ids of 50 characters: the packed plan is about 1.2 MB, the states add about 1.9 MB.
    const id = (i: number) => `t${String(i).padStart(49, '0')}`;
    const tasks = Array.from({ length: 20_000 }, (_, i): PlanTask => ({ id: id(i), kind: 'task', needs: [], triggerRule: 'all_success', options: OPTIONS }));
    const prepare = createPrepareRun(registryWith(planOf('long_ids', tasks)), NO_DB);
    const attempt = prepare({ dagId: 'long_ids', runId: 'r', rawParams: {}, logicalDate: '2026-01-01T00:00:00.000Z' });
    await expect(attempt).rejects.toMatchObject({
      type: 'PlanTooLargeError',
      nonRetryable: true,
      message: expect.stringMatching(/^the plan of DAG long_ids and its task states come to \d+ KiB packed, over the 1800 KiB a run carries from one history to the next; split the DAG/),
    });
  });

  it('takes the 20,000-task layered DAG of the scale benchmark', async () => {
    const tasks: PlanTask[] = [];
    for (let layer = 0; layer < 400; layer++) {
      for (let i = 0; i < 50; i++) tasks.push({ id: `t${layer}_${i}`, kind: 'task', needs: layer === 0 ? [] : [`t${layer - 1}_${i}`, `t${layer - 1}_${(i + 1) % 50}`], triggerRule: 'all_success', options: OPTIONS });
    }
    const prepare = createPrepareRun(registryWith(planOf('static_20000', tasks)), NO_DB);
    const result = await prepare({ dagId: 'static_20000', runId: 'r', rawParams: {}, logicalDate: '2026-01-01T00:00:00.000Z' });
    expect(result.packedPlan?.tasks).toHaveLength(20_000);
  });
});
