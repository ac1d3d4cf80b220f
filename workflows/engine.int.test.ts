import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRunSnapshot, triggerRun, waitForRun } from '../control/runs.ts';
import { listTaskRuns } from '../db/index.ts';
import type { RunSnapshot, TaskState } from '../plan/types.ts';
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

async function outputsOf(runId: string): Promise<Record<string, unknown>> {
  return weir.client.workflow.getHandle(runId).query<Record<string, unknown>>('weir.taskOutputs');
}

describe('the interpreter on a real Temporal server', () => {
  it('runs a diamond, passing outputs downstream', async () => {
    const snapshot = await run('diamond');
    expect(snapshot.status).toBe('success');
    expect(states(snapshot)).toEqual({ start: 'success', left: 'success', right: 'success', join: 'success' });
    expect((await outputsOf(snapshot.runId)).join).toEqual({ sum: 23 });
    const rows = await listTaskRuns(weir.db, snapshot.runId);
    expect(rows.map((row) => [row.taskId, row.state]).sort()).toEqual([
      ['join', 'success'],
      ['left', 'success'],
      ['right', 'success'],
      ['start', 'success'],
    ]);
  });

  it('runs independent tasks at the same time', async () => {
    const snapshot = await run('parallel');
    expect(snapshot.status).toBe('success');
    const joined = (await outputsOf(snapshot.runId)).join as Record<string, { startedAt: number; endedAt: number }>;
    const spans = Object.values(joined);
    expect(spans).toHaveLength(3);
    const latestStart = Math.max(...spans.map((s) => s.startedAt));
    const earliestEnd = Math.min(...spans.map((s) => s.endedAt));
    expect(latestStart).toBeLessThan(earliestEnd);
  });

  it('retries a task until it succeeds and reports the attempts', async () => {
    const snapshot = await run('flaky');
    expect(snapshot.status).toBe('success');
    const task = snapshot.tasks.find((t) => t.id === 'sometimes');
    expect(task?.attempts).toBe(3);
    expect((await outputsOf(snapshot.runId)).after).toBe(3);
  });

  it('marks everything downstream of a permanent failure upstream_failed', async () => {
    const snapshot = await run('doomed');
    // As in Airflow, the leaves decide: the all_done leaf succeeded, so the run succeeds.
    expect(snapshot.status).toBe('success');
    expect(states(snapshot)).toEqual({ broken: 'failed', downstream: 'upstream_failed', further: 'upstream_failed', report: 'success' });
    const broken = snapshot.tasks.find((t) => t.id === 'broken');
    expect(broken?.attempts).toBe(2);
    expect(broken?.error).toContain('the source table is gone');
  });

  it('applies every trigger rule to success, failure and skip', async () => {
    const snapshot = await run('trigger_rules');
    const s = states(snapshot);
    expect([s.up_ok, s.up_fail, s.up_skip]).toEqual(['success', 'failed', 'skipped']);
    // Expected outcomes follow Airflow's documented semantics for each rule.
    const ran = 'success';
    const expected: Record<string, [TaskState, TaskState, TaskState]> = {
      // The skip is known before the failure arrives, and all_success gives up at the first non-success.
      all_success: ['upstream_failed', 'skipped', 'skipped'],
      all_failed: ['skipped', 'skipped', 'skipped'],
      all_done: [ran, ran, ran],
      all_skipped: ['skipped', 'skipped', 'skipped'],
      one_success: [ran, ran, 'upstream_failed'],
      one_failed: [ran, 'skipped', ran],
      one_done: [ran, ran, ran],
      none_failed: ['upstream_failed', ran, 'upstream_failed'],
      none_failed_min_one_success: ['upstream_failed', ran, 'upstream_failed'],
      none_skipped: [ran, 'skipped', 'skipped'],
      always: [ran, ran, ran],
    };
    for (const [rule, [okFail, okSkip, failSkip]] of Object.entries(expected)) {
      expect({ rule, okFail: s[`${rule}__ok_fail`], okSkip: s[`${rule}__ok_skip`], failSkip: s[`${rule}__fail_skip`] }).toEqual({ rule, okFail, okSkip, failSkip });
    }
  });

  it('skips the branch not taken and propagates the skip', async () => {
    const left = await run('branching', { side: 'left' });
    expect(left.status).toBe('success');
    expect(states(left)).toEqual({ start: 'success', choose: 'success', left: 'success', left_after: 'success', right: 'skipped', right_after: 'skipped', join: 'success' });
    const right = await run('branching', { side: 'right' });
    expect(states(right)).toMatchObject({ left: 'skipped', left_after: 'skipped', right: 'success', join: 'success' });
    expect((await outputsOf(right.runId)).join).toEqual(['right_after']);
  });

  it('fans out over 200 items produced at run time', async () => {
    const snapshot = await run('fanout', { n: 200 });
    expect(snapshot.status).toBe('success');
    const square = snapshot.tasks.find((t) => t.id === 'square');
    expect(square?.instances).toHaveLength(200);
    expect(square?.instances?.every((i) => i.state === 'success')).toBe(true);
    expect((await outputsOf(snapshot.runId)).total).toBe((200 * 201 * 401) / 6);
  });

  it('splits a large fan-out into child workflows and still reports every instance', async () => {
    const snapshot = await run('fanout_batched', { n: 250 });
    expect(snapshot.status).toBe('success');
    const double = snapshot.tasks.find((t) => t.id === 'double');
    expect(double?.instances).toHaveLength(250);
    expect(double?.instances?.map((i) => i.index)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(double?.instances?.every((i) => i.state === 'success')).toBe(true);
    expect((await outputsOf(snapshot.runId)).total).toBe(249 * 250);
    const children = [];
    for await (const child of weir.client.workflow.list({ query: `ParentWorkflowId = '${snapshot.runId}'` })) children.push(child.type);
    expect(children).toEqual(Array(7).fill('weirMapBatch'));
  });

  it('skips a mapped task over an empty list', async () => {
    const snapshot = await run('fanout', { n: 0 });
    expect(states(snapshot)).toMatchObject({ numbers: 'success', square: 'skipped', total: 'skipped' });
    expect(snapshot.status).toBe('success');
  });

  it('rejects bad params before any task runs', async () => {
    const runId = await triggerRun(weir.client, { dagId: 'strict_params', params: { rows: -3 }, taskQueue: weir.taskQueue });
    await expect(weir.client.workflow.getHandle(runId).result()).rejects.toThrow();
    const handle = weir.client.workflow.getHandle(runId);
    const history = await handle.fetchHistory();
    // prepareRun ran as a local activity (one marker); no task activity was ever scheduled.
    const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes);
    expect(scheduled).toEqual([]);
    const localActivities = (history.events ?? []).filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    expect(localActivities).toHaveLength(1);
    const description = await handle.describe();
    expect(description.status.name).toBe('FAILED');
    await expect(handle.result()).rejects.toMatchObject({ cause: { type: 'InvalidParamsError', message: expect.stringMatching(/rows: Too small.*table: Invalid input/) } });
    expect(await listTaskRuns(weir.db, runId)).toEqual([]);
  });

  it('fails a task whose output is too large, telling the user to write an artifact', async () => {
    const snapshot = await run('big_output');
    expect(snapshot.status).toBe('failed');
    expect(snapshot.tasks[0]?.error).toMatch(/limit is 256 KiB.*artifact/);
    expect(snapshot.tasks[0]?.attempts).toBe(1);
  });

  it('answers the state query while a run is in progress', async () => {
    const runId = await triggerRun(weir.client, { dagId: 'parallel', params: {}, taskQueue: weir.taskQueue });
    let sawRunning = false;
    await waitForRun(weir.client, runId, (snapshot) => {
      if (snapshot.tasks.some((t) => t.state === 'running')) sawRunning = true;
    }, 100);
    expect(sawRunning).toBe(true);
    expect((await getRunSnapshot(weir.client, runId)).status).toBe('success');
  });
});
