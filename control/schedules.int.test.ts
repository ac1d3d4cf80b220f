import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection, ScheduleNotFoundError, type ScheduleDescription, type ScheduleExecutionResult } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TASK_QUEUE, type Plan } from '../plan/types.ts';
import { nextCronTime } from '../sdk/cron.ts';
import { loadDagFolder } from '../sdk/load.ts';
import { startTestWorker, type TestWorker } from '../test/harness.ts';
import { testStack } from '../test/stack.ts';
import { getRunSnapshot, logicalDateFromListing, waitForRun } from './runs.ts';
import { describeDag, pausedColumn } from '../cli/dag-listing.ts';
import { listWeirSchedules, scheduleIdFor, scheduleStatuses, setPaused, syncSchedules, type ScheduleSyncResult } from './schedules.ts';

/*
 * syncSchedules deletes the schedules of its task queue that the given plans do not claim; the
 * tests here share one queue of their own and run in order. The DAG ids (sched_*) belong to
 * this file alone.
 */

const FIXTURES = fileURLToPath(new URL('../test/dags-schedules/', import.meta.url));
const ALL_IDS = ['sched_catchup', 'sched_every_minute', 'sched_hourly', 'sched_manual_only', 'sched_parallel'];
const ONE_MINUTE_MS = 60_000;
const DAYS_365_MS = 365 * 24 * 60 * 60 * 1000;

let connection: Connection;
let client: Client;
const taskQueue = `sched-${randomUUID().slice(0, 8)}`;
let base: Map<string, Plan>;
let changed: Map<string, Plan>;

async function plansIn(folder: string): Promise<Map<string, Plan>> {
  const catalog = await loadDagFolder(`${FIXTURES}${folder}`);
  expect(catalog.problems).toEqual([]);
  return new Map([...catalog.dags].map(([id, loaded]) => [id, loaded.plan]));
}

function plan(plans: Map<string, Plan>, dagId: string): Plan {
  const found = plans.get(dagId);
  if (!found) throw new Error(`fixture DAG ${dagId} did not load`);
  return found;
}

function sorted(result: ScheduleSyncResult): ScheduleSyncResult {
  return { created: [...result.created].sort(), updated: [...result.updated].sort(), deleted: [...result.deleted].sort(), unchanged: [...result.unchanged].sort() };
}

async function describeSchedule(dagId: string): Promise<ScheduleDescription> {
  return client.schedule.getHandle(scheduleIdFor(dagId, taskQueue)).describe();
}

async function deleteSchedules(dagIds: readonly string[], queue = taskQueue): Promise<void> {
  for (const dagId of dagIds) {
    await client.schedule
      .getHandle(scheduleIdFor(dagId, queue))
      .delete()
      .catch((error: unknown) => {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
      });
  }
}

/** Polls until the check passes or the deadline ends; returns the last value it saw. */
async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await sleep(200);
  }
}

/**
 * The server computed the next action times itself; they must be consecutive ticks of the
 * DAG's cron in its timezone, as cron-parser sees them.
 */
function expectCronTicks(description: ScheduleDescription, cron: string, timezone: string): void {
  const times = description.info.nextActionTimes;
  expect(times.length).toBeGreaterThanOrEqual(3);
  const first = times[0] as Date;
  const expected = [nextCronTime(cron, timezone, new Date(first.getTime() - 1))];
  while (expected.length < times.length) expected.push(nextCronTime(cron, timezone, expected[expected.length - 1] as Date));
  expect(times.map((t) => t.toISOString())).toEqual(expected.map((t) => t.toISOString()));
}

beforeAll(async () => {
  connection = await Connection.connect({ address: testStack().temporalAddress });
  client = new Client({ connection, namespace: 'default' });
  [base, changed] = await Promise.all([plansIn('base'), plansIn('changed')]);
  await deleteSchedules(ALL_IDS);
});

afterAll(async () => {
  await deleteSchedules(ALL_IDS);
  await connection?.close();
});

describe('syncSchedules against a real Temporal server', () => {
  it('creates one schedule per scheduled DAG with its cron, timezone, overlap policy and catchup window', async () => {
    const result = await syncSchedules(client, [...base.values()], taskQueue);
    expect(sorted(result)).toEqual({ created: ['sched_catchup', 'sched_hourly', 'sched_parallel'], updated: [], deleted: [], unchanged: [] });

    const hourly = await describeSchedule('sched_hourly');
    expect(hourly.spec.timezone).toBe('UTC');
    expect(hourly.spec.calendars?.[0]).toMatchObject({ minute: [{ start: 0, end: 0 }], hour: [{ start: 0, end: 23 }] });
    expectCronTicks(hourly, '0 * * * *', 'UTC');
    expect(hourly.policies).toMatchObject({ overlap: 'BUFFER_ONE', catchupWindow: ONE_MINUTE_MS });
    expect(hourly.state.paused).toBe(false);
    expect(hourly.action).toMatchObject({ type: 'startWorkflow', workflowType: 'sched_hourly', taskQueue, args: [{}, { runType: 'scheduled' }] });

    const parallel = await describeSchedule('sched_parallel');
    expect(parallel.spec.timezone).toBe('America/New_York');
    expectCronTicks(parallel, '0 0 * * *', 'America/New_York');
    expect(parallel.policies).toMatchObject({ overlap: 'ALLOW_ALL', catchupWindow: DAYS_365_MS });

    // One run at a time, but catching up: every missed interval runs, one after another.
    const catchup = await describeSchedule('sched_catchup');
    expect(catchup.spec.timezone).toBe('UTC');
    expectCronTicks(catchup, '15 3 * * 1', 'UTC');
    expect(catchup.policies).toMatchObject({ overlap: 'BUFFER_ALL', catchupWindow: DAYS_365_MS });

    await expect(describeSchedule('sched_manual_only')).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it('reports every schedule unchanged when nothing changed', async () => {
    await syncSchedules(client, [...base.values()], taskQueue);
    const before = await describeSchedule('sched_hourly');
    const result = await syncSchedules(client, [...base.values()], taskQueue);
    expect(sorted(result)).toEqual({ created: [], updated: [], deleted: [], unchanged: ['sched_catchup', 'sched_hourly', 'sched_parallel'] });
    // Unchanged means untouched: the schedule was not rewritten.
    expect((await describeSchedule('sched_hourly')).info.lastUpdatedAt).toEqual(before.info.lastUpdatedAt);
  });

  it('updates a schedule whose cron and timezone changed', async () => {
    await syncSchedules(client, [...base.values()], taskQueue);
    const plans = [...base.values()].map((p) => (p.dagId === 'sched_hourly' ? plan(changed, 'sched_hourly') : p));
    const result = await syncSchedules(client, plans, taskQueue);
    expect(sorted(result)).toEqual({ created: [], updated: ['sched_hourly'], deleted: [], unchanged: ['sched_catchup', 'sched_parallel'] });

    const hourly = await describeSchedule('sched_hourly');
    expect(hourly.spec.timezone).toBe('Europe/Berlin');
    expect(hourly.spec.calendars).toHaveLength(1);
    expect(hourly.spec.calendars?.[0]).toMatchObject({ minute: [{ start: 30, end: 30 }], hour: [{ start: 6, end: 6 }] });
    expectCronTicks(hourly, '30 6 * * *', 'Europe/Berlin');
    expect(hourly.policies).toMatchObject({ overlap: 'BUFFER_ONE', catchupWindow: ONE_MINUTE_MS });
    expect(hourly.state.paused).toBe(false);

    // The new version is now the one on record.
    expect(sorted(await syncSchedules(client, plans, taskQueue)).unchanged).toEqual(['sched_catchup', 'sched_hourly', 'sched_parallel']);
  });

  it('keeps a paused schedule paused when it is updated', async () => {
    await syncSchedules(client, [...base.values()], taskQueue);
    await setPaused(client, 'sched_hourly', true, 'paused by the schedules test', taskQueue);
    expect((await describeSchedule('sched_hourly')).state.paused).toBe(true);

    const plans = [...base.values()].map((p) => (p.dagId === 'sched_hourly' ? plan(changed, 'sched_hourly') : p));
    expect(sorted(await syncSchedules(client, plans, taskQueue)).updated).toEqual(['sched_hourly']);
    const hourly = await describeSchedule('sched_hourly');
    expect(hourly.spec.timezone).toBe('Europe/Berlin');
    expect(hourly.state).toMatchObject({ paused: true, note: 'paused by the schedules test' });

    await setPaused(client, 'sched_hourly', false, 'resumed by the schedules test', taskQueue);
    expect((await describeSchedule('sched_hourly')).state.paused).toBe(false);
  });

  it('lists a paused DAG without a next run time, and a DAG without a schedule with "-"', async () => {
    const catalog = await loadDagFolder(`${FIXTURES}base`);
    const loaded = (dagId: string) => catalog.dags.get(dagId) ?? expect.unreachable(`fixture ${dagId}`);
    await syncSchedules(client, [...base.values()], taskQueue);
    await setPaused(client, 'sched_hourly', true, 'paused by the listing test', taskQueue);
    try {
      // The schedule list is eventually consistent: wait until it reports the pause.
      const statuses = await eventually('the pause to be listed', () => scheduleStatuses(client, taskQueue), (found) => found.get('sched_hourly')?.paused === true);
      const paused = describeDag(loaded('sched_hourly'), statuses, new Date());
      expect(paused).toMatchObject({ paused: true, nextRun: null });
      expect(pausedColumn(paused)).toBe('yes');
      const running = describeDag(loaded('sched_catchup'), statuses, new Date());
      expect(running.paused).toBe(false);
      expect(running.nextRun).toEqual(expect.any(String));
      const manual = describeDag(loaded('sched_manual_only'), statuses, new Date());
      expect(manual).toMatchObject({ schedule: null, nextRun: null, paused: null });
      expect(pausedColumn(manual)).toBe('-');
    } finally {
      await setPaused(client, 'sched_hourly', false, 'resumed by the listing test', taskQueue);
    }
  });

  it('deletes the schedules of a removed DAG and of a DAG whose schedule was removed', async () => {
    await syncSchedules(client, [...base.values()], taskQueue);
    // Deletion finds schedules through the (eventually consistent) list, so wait for them there first.
    await eventually('the schedules to be listed', () => listWeirSchedules(client), (ids) =>
      ['sched_catchup', 'sched_hourly', 'sched_parallel'].every((id) => ids.includes(scheduleIdFor(id, taskQueue))),
    );

    // sched_catchup's file is gone; sched_parallel lost its schedule.
    const plans = [plan(base, 'sched_hourly'), plan(changed, 'sched_parallel'), plan(base, 'sched_manual_only')];
    const result = sorted(await syncSchedules(client, plans, taskQueue));
    expect(result.deleted).toEqual(['sched_catchup', 'sched_parallel']);
    expect(result.created).toEqual([]);
    await expect(describeSchedule('sched_catchup')).rejects.toBeInstanceOf(ScheduleNotFoundError);
    await expect(describeSchedule('sched_parallel')).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect((await describeSchedule('sched_hourly')).action).toMatchObject({ workflowType: 'sched_hourly' });
  });

  it("moves this queue's schedule from the plain id of old to the queue's own, keeping its pause", async () => {
    await deleteSchedules(['sched_hourly']);
    await deleteSchedules(['sched_hourly'], DEFAULT_TASK_QUEUE);
    // What a worker on this queue made before schedule ids named the queue.
    const legacyId = scheduleIdFor('sched_hourly');
    await client.schedule.create({
      scheduleId: legacyId,
      spec: { cronExpressions: ['0 * * * *'] },
      action: { type: 'startWorkflow', workflowType: 'sched_hourly', workflowId: 'sched_hourly-scheduled', taskQueue, args: [{}, { runType: 'scheduled' }] },
      state: { paused: true, note: 'paused before the move' },
    });
    try {
      await eventually('the old schedule to be listed', () => listWeirSchedules(client), (ids) => ids.includes(legacyId));
      const result = await syncSchedules(client, [plan(base, 'sched_hourly')], taskQueue, { deleteOrphans: true });
      expect(result.created).toEqual(['sched_hourly']);
      expect(result.deleted).toContain('sched_hourly');
      expect((await describeSchedule('sched_hourly')).state).toMatchObject({ paused: true, note: 'paused before the move' });
      await expect(client.schedule.getHandle(legacyId).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    } finally {
      await deleteSchedules(['sched_hourly'], DEFAULT_TASK_QUEUE);
      await deleteSchedules(['sched_hourly']);
    }
  });

  describe('a scheduled run', () => {
    let weir: TestWorker;

    beforeAll(async () => {
      weir = await startTestWorker({ dagsDir: `${FIXTURES}every-minute`, taskQueue: `sched-run-${randomUUID().slice(0, 8)}` });
    });
    afterAll(async () => {
      // Stop the ticks before the worker goes away.
      await deleteSchedules(['sched_every_minute'], weir.taskQueue);
      await weir?.shutdown();
    });

    it('starts from the schedule and takes its logical date from TemporalScheduledStartTime', async () => {
      const plans = await plansIn('every-minute');
      const result = await syncSchedules(client, [...plans.values()], weir.taskQueue);
      expect(result.created).toEqual(['sched_every_minute']);

      const handle = client.schedule.getHandle(scheduleIdFor('sched_every_minute', weir.taskQueue));
      const triggeredAfter = new Date();
      await handle.trigger();
      const action = await eventually<ScheduleExecutionResult | undefined>(
        'the schedule to start a workflow',
        async () => (await handle.describe()).info.recentActions.find((a) => a.takenAt.getTime() >= triggeredAfter.getTime() - 1000),
        (found) => found !== undefined,
      );
      const workflowId = (action as ScheduleExecutionResult).action.workflow.workflowId;
      expect(workflowId.startsWith('sched_every_minute-scheduled')).toBe(true);

      const final = await waitForRun(client, workflowId, () => {}, 200);
      expect(final).toMatchObject({ status: 'success', dagId: 'sched_every_minute', runType: 'scheduled' });

      const execution = await eventually(
        'the run to be listed by WeirDagId',
        async () => {
          for await (const e of client.workflow.list({ query: "WeirDagId = 'sched_every_minute'" })) if (e.workflowId === workflowId) return e;
          return undefined;
        },
        (e) => e !== undefined,
      );
      const attributes = execution?.searchAttributes as Record<string, unknown[] | undefined>;
      expect(attributes.WeirRunType).toEqual(['scheduled']);
      const scheduledStart = attributes.TemporalScheduledStartTime?.[0];
      expect(scheduledStart).toBeInstanceOf(Date);

      const snapshot = await getRunSnapshot(client, workflowId);
      expect(snapshot.logicalDate).toBe((scheduledStart as Date).toISOString());
      // `runs list` finds the same date in the listing alone: the run carries the schedule's memo.
      expect(logicalDateFromListing(execution?.memo, attributes)).toBe(snapshot.logicalDate);
      // The schedule's own record of the action agrees (the search attribute keeps whole seconds).
      const recorded = (action as ScheduleExecutionResult).scheduledAt.getTime();
      expect(Date.parse(snapshot.logicalDate)).toBe(Math.floor(recorded / 1000) * 1000);
      // The task saw the same run identity as the snapshot.
      const outputs = await client.workflow.getHandle(workflowId).query<Record<string, unknown>>('weir.taskOutputs');
      expect(outputs.tick).toEqual({ logicalDate: snapshot.logicalDate, runType: 'scheduled' });
    });
  });
});
