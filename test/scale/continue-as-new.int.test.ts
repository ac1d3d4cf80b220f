import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelRun, clearTask, decideApproval, getRunOutputs, getRunSnapshot, waitForRun } from '../../control/runs.ts';
import type { RunSnapshot } from '../../plan/types.ts';
import type { RunOptions } from '../../workflows/run-identity.ts';
import { HISTORIES_DIR, startTestWorker, type TestWorker } from '../harness.ts';
import { executionHistories } from './executions.ts';

const DAGS = fileURLToPath(new URL('../dags-scale/', import.meta.url));
/** Low enough that the 40 tasks of `continued_run` need several executions. */
const MAX_HISTORY_EVENTS = 120;
const WIDTH = 6;
const DEPTH = 6;

let weir: TestWorker;
let scratch: string;
beforeAll(async () => {
  weir = await startTestWorker({ dagsDir: DAGS });
  scratch = await mkdtemp(path.join(os.tmpdir(), 'weir-continue-'));
});
afterAll(async () => {
  await weir?.shutdown();
});

/** Starts a run as `weir trigger` does, with a history budget of the test's choosing. */
async function startRun(marker: string): Promise<{ runId: string; firstExecution: string }> {
  const runId = `continued_run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const options: RunOptions = { runType: 'manual', logicalDate: new Date().toISOString(), maxHistoryEvents: MAX_HISTORY_EVENTS };
  const handle = await weir.client.workflow.start('continued_run', { workflowId: runId, taskQueue: weir.taskQueue, args: [{ marker }, options] });
  return { runId, firstExecution: handle.firstExecutionRunId };
}

async function until<T>(what: string, look: () => Promise<T | undefined>): Promise<T> {
  for (let tries = 0; tries < 600; tries++) {
    const found = await look();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const stateOf = (snapshot: RunSnapshot, taskId: string) => snapshot.tasks.find((task) => task.id === taskId)?.state;

/** What `t{layer}_{i}` returns: 1 plus the outputs of the two tasks it needs. */
function expectedSum(): number {
  let layer = Array.from({ length: WIDTH }, () => 1);
  for (let depth = 1; depth < DEPTH; depth++) layer = layer.map((_, i) => 1 + (layer[i] ?? 0) + (layer[(i + 1) % WIDTH] ?? 0));
  return layer.reduce((a, b) => a + b, 0);
}

describe('a run larger than its history budget continues as new', () => {
  it('keeps state, outputs, queries, an approval and a clear across executions, each history within the budget', async () => {
    const marker = path.join(scratch, 'fixed');
    const { runId, firstExecution } = await startRun(marker);

    // The approval waits while the layers run through several executions, and `fragile` fails.
    const waiting = await until('fragile to fail after a continuation', async () => {
      const snapshot = await getRunSnapshot(weir.client, runId).catch(() => undefined);
      const continued = (await weir.client.workflow.getHandle(runId).describe()).runId !== firstExecution;
      return snapshot && continued && stateOf(snapshot, 'fragile') === 'failed' ? snapshot : undefined;
    });
    expect(waiting.tasks).toHaveLength(WIDTH * DEPTH + 4);
    expect(waiting.tasks.filter((task) => /^t\d/.test(task.id)).every((task) => task.state === 'success')).toBe(true);
    expect(stateOf(waiting, 'sign_off')).toBe('running');
    expect(waiting.startedAt <= waiting.tasks.find((task) => task.id === 't0_0')!.startedAt!).toBe(true);

    await decideApproval(weir.client, runId, { taskId: 'sign_off', approved: true, actor: 'ops' });
    const failed = await until('the run to fail with publish done', async () => {
      const snapshot = await getRunSnapshot(weir.client, runId);
      return snapshot.status === 'failed' && stateOf(snapshot, 'publish') === 'success' ? snapshot : undefined;
    });
    expect(stateOf(failed, 'total')).toBe('upstream_failed');

    // Cleared in a later execution than the one its upstream tasks ran in: their outputs were carried.
    await writeFile(marker, 'fixed');
    expect(await clearTask(weir.client, runId, 'fragile')).toEqual(['fragile', 'total']);
    const done = await waitForRun(weir.client, runId, () => {}, 200);
    expect(done.status).toBe('success');
    expect(done.tasks.every((task) => task.state === 'success')).toBe(true);
    const outputs = await getRunOutputs(weir.client, runId);
    expect(outputs.total).toEqual({ sum: expectedSum(), by: 'ops' });
    expect(Object.keys(outputs)).toHaveLength(WIDTH * DEPTH + 4);

    const histories = await executionHistories(weir.client, runId);
    const lengths = histories.map((history) => history.events?.length ?? 0);
    console.log(`continued_run: ${histories.length} executions of ${lengths.join(', ')} events (budget ${MAX_HISTORY_EVENTS})`);
    expect(histories.length).toBeGreaterThanOrEqual(3);
    for (const length of lengths) expect(length).toBeLessThanOrEqual(MAX_HISTORY_EVENTS);
    // Each task ran exactly once, though the run went through several executions (fragile twice).
    const scheduled = histories.flatMap((history) => history.events ?? []).filter((event) => event.activityTaskScheduledEventAttributes);
    const byType = new Map<string, number>();
    for (const event of scheduled) {
      const type = event.activityTaskScheduledEventAttributes?.activityType?.name ?? '';
      byType.set(type, (byType.get(type) ?? 0) + 1);
    }
    expect(byType.get('continued_run.fragile')).toBe(2);
    expect(byType.get('continued_run.t0_0')).toBe(1);
    expect(byType.get(`continued_run.t${DEPTH - 1}_0`)).toBe(1);
    // Each continuation starts from the run its predecessor carried, compressed.
    for (const history of histories.slice(1)) {
      const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[1];
      const options = defaultPayloadConverter.fromPayload<RunOptions>(input as Payload);
      expect(options.continued).toMatchObject({ carriedRunVersion: 2, encoding: 'deflate+base64' });
    }
    if (process.env.WEIR_RECORD_HISTORIES) await saveContinuation(histories);
  }, 600_000);

  it('cancels a run in a later execution', async () => {
    const { runId, firstExecution } = await startRun(path.join(scratch, 'never'));
    await until('a continuation', async () => ((await weir.client.workflow.getHandle(runId).describe()).runId !== firstExecution ? true : undefined));
    await expect(cancelRun(weir.client, runId)).resolves.toBe('cancelled');
    const snapshot = await getRunSnapshot(weir.client, runId);
    expect(snapshot.status).toBe('cancelled');
    expect(stateOf(snapshot, 'sign_off')).toBe('cancelled');
  }, 600_000);
});

/**
 * Keeps the first execution and a middle one (it starts from a carried run and continues again)
 * for replay. `continued_run.history.pb` and `continued_run.continuation.history.pb` keep the
 * runs recorded before the carried run was compressed, which must replay too.
 */
async function saveContinuation(histories: temporal.api.history.v1.IHistory[]): Promise<void> {
  await mkdir(HISTORIES_DIR, { recursive: true });
  const write = (name: string, history: temporal.api.history.v1.IHistory | undefined) =>
    history ? writeFile(path.join(HISTORIES_DIR, name), temporal.api.history.v1.History.encode(history).finish()) : Promise.resolve();
  await write('continued_run.compressed.history.pb', histories[0]);
  await write('continued_run.compressed-continuation.history.pb', histories[1]);
}
