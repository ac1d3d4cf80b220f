import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../plan/types.ts';
import { loadDagFolder } from '../sdk/load.ts';
import { startTestWorker, type TestWorker } from '../test/harness.ts';
import { backfill, BackfillError } from './backfill.ts';
import { waitForRun } from './runs.ts';

const DAGS_DIR = fileURLToPath(new URL('../test/dags-schedules/backfill/', import.meta.url));
const RANGE = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-05T00:00:00Z') };
const DAYS = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05'].map((day) => `${day}T00:00:00.000Z`);

let weir: TestWorker;
let daily: Plan;
let unscheduled: Plan;

beforeAll(async () => {
  weir = await startTestWorker({ dagsDir: DAGS_DIR });
  const catalog = await loadDagFolder(DAGS_DIR);
  expect(catalog.problems).toEqual([]);
  const plans = new Map([...catalog.dags].map(([id, loaded]) => [id, loaded.plan]));
  daily = plans.get('bf_daily') as Plan;
  unscheduled = plans.get('bf_unscheduled') as Plan;
  expect(daily?.schedule?.cron).toBe('0 0 * * *');
  expect(unscheduled).toBeDefined();
});
afterAll(async () => {
  await weir?.shutdown();
});

/** Runs of a DAG as the visibility store lists them, once it lists `count` closed ones. */
async function listedRuns(dagId: string, count: number): Promise<WorkflowExecutionInfo[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const runs: WorkflowExecutionInfo[] = [];
    for await (const execution of weir.client.workflow.list({ query: `WeirDagId = '${dagId}'` })) runs.push(execution);
    if (runs.length >= count && runs.every((run) => run.status.name !== 'RUNNING')) return runs;
    if (Date.now() > deadline) throw new Error(`expected ${count} closed runs of ${dagId} in the list, saw ${runs.map((r) => `${r.workflowId}:${r.status.name}`).join(', ')}`);
    await sleep(200);
  }
}

describe('backfill on a real Temporal server', () => {
  it('starts one run per daily tick in the range, each with that tick as its logical date, and only once', async () => {
    const first = await backfill(weir.client, daily, RANGE, weir.taskQueue);
    expect(first.logicalDates).toEqual(DAYS);
    expect(first.started).toHaveLength(5);
    expect(first.alreadyExisting).toEqual([]);

    const snapshots = await Promise.all(first.started.map((runId) => waitForRun(weir.client, runId, () => {}, 200)));
    expect(snapshots.map((s) => [s.logicalDate, s.runType, s.status, s.dagId])).toEqual(DAYS.map((day) => [day, 'backfill', 'success', 'bf_daily']));
    // The task itself ran for that logical date.
    for (const snapshot of snapshots) {
      const outputs = await weir.client.workflow.getHandle(snapshot.runId).query<Record<string, unknown>>('weir.taskOutputs');
      expect(outputs.report).toEqual({ logicalDate: snapshot.logicalDate, runType: 'backfill' });
    }

    const listed = await listedRuns('bf_daily', 5);
    expect(listed.map((run) => run.workflowId).sort()).toEqual([...first.started].sort());
    for (const run of listed) expect((run.searchAttributes as Record<string, unknown>).WeirRunType).toEqual(['backfill']);

    const runIdsBefore = await Promise.all(first.started.map(async (id) => (await weir.client.workflow.getHandle(id).describe()).runId));
    const second = await backfill(weir.client, daily, RANGE, weir.taskQueue);
    expect(second.logicalDates).toEqual(DAYS);
    expect(second.started).toEqual([]);
    expect(second.alreadyExisting).toEqual(first.started);
    // The same executions, not new runs under the same ids.
    const runIdsAfter = await Promise.all(first.started.map(async (id) => (await weir.client.workflow.getHandle(id).describe()).runId));
    expect(runIdsAfter).toEqual(runIdsBefore);
    expect((await listedRuns('bf_daily', 5)).length).toBe(5);
  });

  it('refuses a DAG without a schedule', async () => {
    const attempt = backfill(weir.client, unscheduled, RANGE, weir.taskQueue);
    await expect(attempt).rejects.toBeInstanceOf(BackfillError);
    await expect(attempt).rejects.toMatchObject({ dagId: 'bf_unscheduled', message: expect.stringMatching(/has no schedule/) });
  });

  it('refuses a range that ends before it starts', async () => {
    const attempt = backfill(weir.client, daily, { from: RANGE.to, to: RANGE.from }, weir.taskQueue);
    await expect(attempt).rejects.toBeInstanceOf(BackfillError);
    await expect(attempt).rejects.toMatchObject({ dagId: 'bf_daily', message: expect.stringMatching(/--from must be on or before --to/) });
  });
});
