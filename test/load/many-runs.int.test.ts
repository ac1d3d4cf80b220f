import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerRun } from '../../control/runs.ts';
import type { RunSnapshot } from '../../plan/types.ts';
import { startTestWorker, type TestWorker } from '../harness.ts';

const LOAD_DAGS = fileURLToPath(new URL('./dags/', import.meta.url));
const RUNS = 200;
const TASKS_PER_RUN = 10;

let weir: TestWorker;
beforeAll(async () => {
  weir = await startTestWorker({ dagsDir: LOAD_DAGS, replay: false });
});
afterAll(async () => {
  await weir?.shutdown();
});

describe(`${RUNS} concurrent runs of a ${TASKS_PER_RUN}-task DAG on one worker`, () => {
  // Counts only: how long it takes depends on the machine, and belongs to `npm run bench -- --only load`.
  it('completes every run, and none is lost', { timeout: 15 * 60_000 }, async () => {
    const batch = randomUUID().slice(0, 8);
    const runIds = await Promise.all(
      Array.from({ length: RUNS }, (_, i) =>
        triggerRun(weir.client, { dagId: 'ten_tasks', params: {}, taskQueue: weir.taskQueue, runId: `many-${batch}-${String(i).padStart(3, '0')}` }),
      ),
    );
    expect(new Set(runIds).size).toBe(RUNS);

    const outcomes = await Promise.allSettled(runIds.map((runId) => weir.client.workflow.getHandle(runId).result() as Promise<RunSnapshot>));
    const failures = outcomes.flatMap((outcome, i) => (outcome.status === 'rejected' ? [`${runIds[i]}: ${(outcome.reason as Error).message}`] : []));
    expect(failures).toEqual([]);
    const snapshots = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    expect(snapshots.filter((snapshot) => snapshot.status === 'success')).toHaveLength(RUNS);
    expect(snapshots.map((snapshot) => snapshot.runId).sort()).toEqual([...runIds].sort());
    const tasksDone = snapshots.reduce((sum, snapshot) => sum + snapshot.tasks.filter((task) => task.state === 'success').length, 0);
    expect(tasksDone).toBe(RUNS * TASKS_PER_RUN);

    // The run records in Postgres agree: one successful row per run, one per task.
    const runRows = await weir.db
      .selectFrom('dag_runs')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('run_id', 'in', runIds)
      .where('status', '=', 'success')
      .executeTakeFirstOrThrow();
    expect(runRows.count).toBe(RUNS);
    const taskRows = await weir.db
      .selectFrom('task_runs')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('run_id', 'in', runIds)
      .where('state', '=', 'success')
      .executeTakeFirstOrThrow();
    expect(taskRows.count).toBe(RUNS * TASKS_PER_RUN);
  });
});
