import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRunSnapshot, triggerRun, waitForRun } from '../../control/runs.ts';
import { DEFAULT_MAX_HISTORY_EVENTS } from '../../plan/types.ts';
import { startTestWorker, type TestWorker } from '../harness.ts';
import { executionHistories } from './executions.ts';

const DAGS = fileURLToPath(new URL('../dags-scale/', import.meta.url));
/** Temporal refuses payloads over 2 MB. */
const PAYLOAD_LIMIT = 2 * 1024 * 1024;

let weir: TestWorker;
beforeAll(async () => {
  weir = await startTestWorker({ dagsDir: DAGS, replay: false });
});
afterAll(async () => {
  await weir?.shutdown();
});

describe('a static DAG of 10,000 tasks', () => {
  it('runs to completion in executions of at most the history budget, its plan and state each under the payload limit', async () => {
    const runId = await triggerRun(weir.client, { dagId: 'static_10000', params: {}, taskQueue: weir.taskQueue });
    const done = await waitForRun(weir.client, runId, () => {}, 5000);
    expect(done.status).toBe('success');
    expect(done.tasks).toHaveLength(10_000);
    expect(done.tasks.every((t) => t.state === 'success')).toBe(true);
    const snapshot = await getRunSnapshot(weir.client, runId);
    expect(JSON.stringify(snapshot).length).toBeLessThan(PAYLOAD_LIMIT);
    // About 3.3 events a task would be 33,000 in one history; the run continued as new instead.
    const histories = await executionHistories(weir.client, runId);
    const lengths = histories.map((history) => history.events?.length ?? 0);
    console.log(`static 10,000: ${histories.length} executions of ${lengths.join(', ')} events`);
    expect(histories.length).toBeGreaterThanOrEqual(3);
    for (const length of lengths) expect(length).toBeLessThanOrEqual(DEFAULT_MAX_HISTORY_EVENTS);
    // The plan arrived packed, in the one local-activity marker of prepareRun in the first execution.
    const marker = histories[0]?.events?.find((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    const markerBytes = Object.values(marker?.markerRecordedEventAttributes?.details ?? {}).reduce(
      (sum, payloads) => sum + (payloads.payloads ?? []).reduce((s, p) => s + (p.data?.length ?? 0), 0),
      0,
    );
    expect(markerBytes).toBeGreaterThan(0);
    expect(markerBytes).toBeLessThan(512 * 1024);
  }, 3_600_000);
});
