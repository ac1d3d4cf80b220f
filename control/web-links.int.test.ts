import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../plan/types.ts';
import { testStack } from '../test/stack.ts';
import { triggerRun } from './runs.ts';
import { scheduleIdFor, syncSchedules } from './schedules.ts';

let connection: Connection;
let client: Client;
// No worker serves this queue: the runs only need to exist to carry their metadata.
const taskQueue = `links-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  connection = await Connection.connect({ address: testStack().temporalAddress });
  client = new Client({ connection, namespace: 'default' });
});
afterAll(async () => {
  await connection?.close();
});

describe("the Temporal UI's link back to Weir", () => {
  it("puts the run page's URL in a triggered run's user metadata", async () => {
    const runId = await triggerRun(client, { dagId: 'links_probe', params: {}, taskQueue, webUrl: 'https://weir.example.com' });
    try {
      const description = await client.workflow.getHandle(runId).describe();
      expect(await description.staticSummary()).toBe('Weir run of DAG links_probe');
      expect(await description.staticDetails()).toBe(`[Open this run in Weir](https://weir.example.com/runs/${runId})`);
    } finally {
      await client.workflow.getHandle(runId).terminate('test over');
    }
  });

  it("puts the DAG page's URL in each scheduled run's metadata, and a new URL updates the schedule", async () => {
    const dagId = `links_sched_${randomUUID().slice(0, 8)}`;
    const plan: Plan = {
      planVersion: 1,
      dagId,
      file: `${dagId}.ts`,
      schedule: { cron: '0 3 * * *', source: '0 3 * * *', timezone: 'UTC', catchup: false, maxActiveRuns: 1 },
      clearWindowMs: 0,
      tasks: [],
    };
    const handle = client.schedule.getHandle(scheduleIdFor(dagId, taskQueue));
    try {
      expect((await syncSchedules(client, [plan], taskQueue)).created).toEqual([dagId]);
      const first = await handle.describe();
      expect(first.action.type === 'startWorkflow' && first.action.staticDetails).toBe(`[Open DAG ${dagId} in Weir](http://127.0.0.1:8080/dags/${dagId})`);
      expect((await syncSchedules(client, [plan], taskQueue)).unchanged).toEqual([dagId]);
      expect((await syncSchedules(client, [plan], taskQueue, { webUrl: 'https://weir.example.com' })).updated).toEqual([dagId]);
      const second = await handle.describe();
      expect(second.action.type === 'startWorkflow' && second.action.staticDetails).toBe(`[Open DAG ${dagId} in Weir](https://weir.example.com/dags/${dagId})`);
    } finally {
      await handle.delete().catch(() => {});
    }
  });
});
