import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ScheduleNotFoundError, type Client, type ScheduleDescription } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { scheduleIdFor } from '../control/schedules.ts';
import { startTestWorker, type TestWorker } from '../test/harness.ts';

/*
 * Several worker fleets on one Temporal namespace, each syncing schedules at start-up as
 * `weir worker` does. Fleets of different task queues serve the same DAG ids here.
 */

const BASE = fileURLToPath(new URL('../test/dags-schedules/base/', import.meta.url));
const CHANGED = fileURLToPath(new URL('../test/dags-schedules/changed/', import.meta.url));
const SCHEDULED = ['sched_catchup', 'sched_hourly', 'sched_parallel'];
const queueA = `fleet-a-${randomUUID().slice(0, 8)}`;
const queueB = `fleet-b-${randomUUID().slice(0, 8)}`;
const started: TestWorker[] = [];

/** Starts a fleet (one worker is enough) and stops it again: the start is what syncs. */
async function startFleet(taskQueue: string, dagsDir: string, webUrl?: string): Promise<TestWorker> {
  const worker = await startTestWorker({
    dagsDir,
    taskQueue,
    syncSchedules: true,
    replay: false,
    env: { ...process.env, WEIR_WEB_URL: webUrl },
  });
  started.push(worker);
  return worker;
}

async function stopFleet(worker: TestWorker): Promise<void> {
  started.splice(started.indexOf(worker), 1);
  await worker.shutdown();
}

async function describeOf(client: Client, dagId: string, taskQueue: string): Promise<ScheduleDescription> {
  return client.schedule.getHandle(scheduleIdFor(dagId, taskQueue)).describe();
}

function actionOf(description: ScheduleDescription) {
  if (description.action.type !== 'startWorkflow') throw new Error(`schedule ${description.scheduleId} does not start workflows`);
  return description.action;
}

afterAll(async () => {
  const client = started[0]?.client;
  if (client) {
    for (const queue of [queueA, queueB]) {
      for (const dagId of SCHEDULED) {
        await client.schedule
          .getHandle(scheduleIdFor(dagId, queue))
          .delete()
          .catch((error: unknown) => {
            if (!(error instanceof ScheduleNotFoundError)) throw error;
          });
      }
    }
  }
  for (const worker of [...started]) await worker.shutdown();
});

describe('worker fleets sharing Temporal schedules', () => {
  it('gives each task queue its own schedules, and one fleet leaves the other\'s as they are', async () => {
    const a = await startFleet(queueA, BASE, 'https://a.weir.example.com');
    expect([...(a.schedules?.created ?? [])].sort()).toEqual(SCHEDULED);
    const before = await describeOf(a.client, 'sched_hourly', queueA);
    await stopFleet(a);

    const b = await startFleet(queueB, BASE, 'https://b.weir.example.com');
    expect([...(b.schedules?.created ?? [])].sort()).toEqual(SCHEDULED);
    expect(b.schedules?.updated).toEqual([]);
    const ofA = await describeOf(b.client, 'sched_hourly', queueA);
    const ofB = await describeOf(b.client, 'sched_hourly', queueB);
    expect(actionOf(ofA)).toMatchObject({ taskQueue: queueA, staticDetails: '[Open DAG sched_hourly in Weir](https://a.weir.example.com/dags/sched_hourly)' });
    expect(actionOf(ofB)).toMatchObject({ taskQueue: queueB, staticDetails: '[Open DAG sched_hourly in Weir](https://b.weir.example.com/dags/sched_hourly)' });
    // Untouched: the server counts every update of a schedule.
    expect(ofA.info.lastUpdatedAt?.getTime()).toBe(before.info.lastUpdatedAt?.getTime());
    // Both fire at the same instants, so their runs' ids must differ too.
    expect(actionOf(ofA).workflowId).not.toBe(actionOf(ofB).workflowId);
    await stopFleet(b);
  });

  it('lets fleets of one queue with different web URLs agree, so restarts rewrite nothing', async () => {
    const restarts = [
      await startFleet(queueA, BASE, 'https://other.weir.example.com'),
      await startFleet(queueA, BASE),
      await startFleet(queueA, BASE, 'https://a.weir.example.com'),
      await startFleet(queueA, BASE, 'https://other.weir.example.com'),
    ];
    for (const fleet of restarts) expect(fleet.schedules).toMatchObject({ created: [], updated: [], deleted: [] });
    const hourly = await describeOf(restarts[0]?.client as Client, 'sched_hourly', queueA);
    // The links stay with the first fleet that had a web URL set.
    expect(actionOf(hourly).staticDetails).toBe('[Open DAG sched_hourly in Weir](https://a.weir.example.com/dags/sched_hourly)');
    for (const fleet of restarts) await stopFleet(fleet);
  });

  it("deletes only its own queue's schedules of DAGs it no longer serves", async () => {
    // In CHANGED, sched_catchup is gone and sched_parallel lost its schedule.
    const b = await startFleet(queueB, CHANGED);
    expect([...(b.schedules?.deleted ?? [])].sort()).toEqual(['sched_catchup', 'sched_parallel']);
    expect(b.schedules?.updated).toEqual(['sched_hourly']);
    await expect(describeOf(b.client, 'sched_catchup', queueB)).rejects.toBeInstanceOf(ScheduleNotFoundError);
    for (const dagId of SCHEDULED) expect(actionOf(await describeOf(b.client, dagId, queueA)).taskQueue).toBe(queueA);
    expect(actionOf(await describeOf(b.client, 'sched_hourly', queueB))).toMatchObject({ taskQueue: queueB });
    await stopFleet(b);
  });
});
