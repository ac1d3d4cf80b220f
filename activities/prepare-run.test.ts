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
});
