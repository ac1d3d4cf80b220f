import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForRun } from '../control/runs.ts';
import type { RunSnapshot, TaskState } from '../plan/types.ts';
import { startTestWorker, type TestWorker } from './harness.ts';
import { testStack } from './stack.ts';

const execFileAsync = promisify(execFile);

let weir: TestWorker;

beforeAll(async () => {
  weir = await startTestWorker();
});
afterAll(async () => {
  await weir?.shutdown();
});

/** `temporal workflow start`, exactly as an on-call engineer would type it. */
async function startWithCli(workflowType: string, input: string): Promise<string> {
  const { temporalAddress, temporalBin } = testStack();
  const workflowId = `cli-${workflowType}-${randomUUID().slice(0, 8)}`;
  const args = ['workflow', 'start', '--address', temporalAddress, '--namespace', 'default', '--task-queue', weir.taskQueue, '--type', workflowType, '--workflow-id', workflowId, '--input', input];
  const { stdout } = await execFileAsync(temporalBin, args, { timeout: 60_000 });
  expect(stdout).toContain(workflowId);
  return workflowId;
}

function states(snapshot: RunSnapshot): Record<string, TaskState> {
  return Object.fromEntries(snapshot.tasks.map((task) => [task.id, task.state]));
}

describe('runs started with the temporal CLI', () => {
  it('runs a DAG by its id, and the run tags itself with the DAG id and run type', async () => {
    const workflowId = await startWithCli('diamond', '{}');
    const snapshot = await waitForRun(weir.client, workflowId, () => {}, 200);
    expect(snapshot).toMatchObject({ status: 'success', dagId: 'diamond', runType: 'manual' });
    expect(states(snapshot)).toEqual({ start: 'success', left: 'success', right: 'success', join: 'success' });

    const handle = weir.client.workflow.getHandle(workflowId);
    // The snapshot says success a moment before the execution closes (it still records the run).
    await handle.result();
    const description = await handle.describe();
    expect(description.searchAttributes).toMatchObject({ WeirDagId: ['diamond'], WeirRunType: ['manual'] });
    // The CLI set no search attributes; the workflow upserted them.
    const events = (await handle.fetchHistory()).events ?? [];
    const started = events[0]?.workflowExecutionStartedEventAttributes;
    expect(Object.keys(started?.searchAttributes?.indexedFields ?? {})).toEqual([]);
    expect(events.some((event) => event.upsertWorkflowSearchAttributesEventAttributes)).toBe(true);
    // A manual run without an explicit logical date runs for the moment it started.
    const logicalDate = Date.parse(snapshot.logicalDate);
    expect(logicalDate).toBeGreaterThanOrEqual(description.startTime.getTime());
    expect(logicalDate).toBeLessThanOrEqual((description.closeTime as Date).getTime());
  });

  it('passes --input to the DAG as its params', async () => {
    const workflowId = await startWithCli('branching', '{"side":"right"}');
    const snapshot = await waitForRun(weir.client, workflowId, () => {}, 200);
    expect(snapshot.status).toBe('success');
    expect(snapshot.params).toEqual({ side: 'right' });
    expect(states(snapshot)).toEqual({
      start: 'success',
      choose: 'success',
      left: 'skipped',
      left_after: 'skipped',
      right: 'success',
      right_after: 'success',
      join: 'success',
    });
    const outputs = await weir.client.workflow.getHandle(workflowId).query<Record<string, unknown>>('weir.taskOutputs');
    expect(outputs.join).toEqual(['right_after']);
  });
});
