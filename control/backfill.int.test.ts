import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowExecutionInfo } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../plan/types.ts';
import { loadDagFolder } from '../sdk/load.ts';
import { startTestWorker, type TestWorker } from '../test/harness.ts';
import { backfill, BackfillError, backfillTicks, type BackfillRun } from './backfill.ts';
import { waitForRun } from './runs.ts';

const DAGS_DIR = fileURLToPath(new URL('../test/dags-schedules/backfill/', import.meta.url));
const RANGE = { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-05T00:00:00Z') };
const DAYS = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05'].map((day) => `${day}T00:00:00.000Z`);

let weir: TestWorker;
let daily: Plan;
let unscheduled: Plan;
let twoAtATime: Plan;
let minutely: Plan;

beforeAll(async () => {
  weir = await startTestWorker({ dagsDir: DAGS_DIR });
  const catalog = await loadDagFolder(DAGS_DIR);
  expect(catalog.problems).toEqual([]);
  const plans = new Map([...catalog.dags].map(([id, loaded]) => [id, loaded.plan]));
  daily = plans.get('bf_daily') as Plan;
  unscheduled = plans.get('bf_unscheduled') as Plan;
  twoAtATime = plans.get('bf_two_at_a_time') as Plan;
  minutely = plans.get('bf_minutely') as Plan;
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

/** Runs a backfill, collecting what it reports run by run. */
async function backfillCollecting(plan: Plan, range: Parameters<typeof backfill>[2], options: Partial<Parameters<typeof backfill>[3]> = {}) {
  const runs: BackfillRun[] = [];
  const summary = await backfill(weir.client, plan, range, { taskQueue: weir.taskQueue, onRun: (run) => runs.push(run), ...options });
  return { summary, runs, started: runs.filter((r) => r.outcome === 'started').map((r) => r.runId), existing: runs.filter((r) => r.outcome === 'existing').map((r) => r.runId) };
}

describe('backfill on a real Temporal server', () => {
  it('starts one run per daily tick in the range, each with that tick as its logical date, and only once', async () => {
    const first = await backfillCollecting(daily, RANGE);
    expect(first.runs.map((r) => r.logicalDate)).toEqual(DAYS);
    expect(first.summary).toEqual({ started: 5, alreadyExisting: 0, truncated: false });

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
    const second = await backfillCollecting(daily, RANGE);
    expect(second.runs.map((r) => r.logicalDate)).toEqual(DAYS);
    expect(second.summary).toEqual({ started: 0, alreadyExisting: 5, truncated: false });
    expect(second.existing).toEqual(first.started);
    // The same executions, not new runs under the same ids.
    const runIdsAfter = await Promise.all(first.started.map(async (id) => (await weir.client.workflow.getHandle(id).describe()).runId));
    expect(runIdsAfter).toEqual(runIdsBefore);
    expect((await listedRuns('bf_daily', 5)).length).toBe(5);
  });

  it("keeps at most the DAG's maxActiveRuns runs open at once, and a date-only --to includes that whole day", async () => {
    // 06:00 Berlin is 05:00 UTC in winter: --to 2026-02-06 (midnight UTC) must still include the 6th.
    const { runs, summary } = await backfillCollecting(twoAtATime, { from: new Date('2026-02-01T00:00:00Z'), to: new Date('2026-02-06T00:00:00Z'), toWholeDay: true });
    expect(runs.map((r) => r.logicalDate)).toEqual(['01', '02', '03', '04', '05', '06'].map((day) => `2026-02-${day}T05:00:00.000Z`));
    expect(summary.started).toBe(6);
    const spans = await Promise.all(
      runs.map(async (run) => {
        expect((await waitForRun(weir.client, run.runId, () => {}, 200)).status).toBe('success');
        const description = await weir.client.workflow.getHandle(run.runId).describe();
        return { start: description.startTime.getTime(), end: (description.closeTime as Date).getTime() };
      }),
    );
    // At each start, how many runs were open: never more than two.
    const openAtStart = spans.map((span) => spans.filter((other) => other.start <= span.start && other.end > span.start).length);
    expect(Math.max(...openAtStart)).toBe(2);
  });

  it('refuses a range of more than 1,000 runs quickly, without listing them, unless --max-runs or --yes says so', async () => {
    const tenYears = { from: new Date('2016-01-01T00:00:00Z'), to: new Date('2025-12-31T23:59:00Z') };
    const attempt = backfill(weir.client, minutely, tenYears, { taskQueue: weir.taskQueue });
    await expect(attempt).rejects.toBeInstanceOf(BackfillError);
    await expect(attempt).rejects.toMatchObject({ message: 'the range holds more than 1000 runs of bf_minutely; pass --max-runs N to start the first N, or --yes to start them all' });

    const capped = await backfillCollecting(minutely, tenYears, { maxRuns: 3, maxActiveRuns: 3 });
    expect(capped.summary).toEqual({ started: 3, alreadyExisting: 0, truncated: true });
    expect(capped.runs.map((r) => r.logicalDate)).toEqual(['2016-01-01T00:00:00.000Z', '2016-01-01T00:01:00.000Z', '2016-01-01T00:02:00.000Z']);
    await Promise.all(capped.started.map((runId) => waitForRun(weir.client, runId, () => {}, 200)));
  });

  it('walks the ticks lazily: the ten-year minutely range is a generator, not a list', () => {
    const ticks = backfillTicks(minutely.schedule as NonNullable<Plan['schedule']>, { from: new Date('2016-01-01T00:00:00Z'), to: new Date('2025-12-31T23:59:00Z') });
    expect(ticks.next().value).toEqual(new Date('2016-01-01T00:00:00Z'));
    expect(ticks.next().value).toEqual(new Date('2016-01-01T00:01:00Z'));
  });

  it('refuses a DAG without a schedule', async () => {
    const attempt = backfill(weir.client, unscheduled, RANGE, { taskQueue: weir.taskQueue });
    await expect(attempt).rejects.toBeInstanceOf(BackfillError);
    await expect(attempt).rejects.toMatchObject({ dagId: 'bf_unscheduled', message: expect.stringMatching(/has no schedule/) });
  });

  it('refuses a range that ends before it starts', async () => {
    const attempt = backfill(weir.client, daily, { from: RANGE.to, to: RANGE.from }, { taskQueue: weir.taskQueue });
    await expect(attempt).rejects.toBeInstanceOf(BackfillError);
    await expect(attempt).rejects.toMatchObject({ dagId: 'bf_daily', message: expect.stringMatching(/--from must be on or before --to/) });
  });
});
