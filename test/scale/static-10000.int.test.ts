import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRunSnapshot, triggerRun, waitForRun } from '../../control/runs.ts';
import { startTestWorker, type TestWorker } from '../harness.ts';

const DAGS = fileURLToPath(new URL('../dags-scale/', import.meta.url));
/** Temporal ends a workflow at 51,200 events and refuses payloads over 2 MB. */
const HISTORY_LIMIT = 51_200;
const PAYLOAD_LIMIT = 2 * 1024 * 1024;

let weir: TestWorker;
beforeAll(async () => {
  weir = await startTestWorker({ dagsDir: DAGS, replay: false });
});
afterAll(async () => {
  await weir?.shutdown();
});

describe('the largest static DAG validation takes', () => {
  it('runs 10,000 static tasks to completion, its plan and state each under the payload limit', async () => {
    const runId = await triggerRun(weir.client, { dagId: 'static_10000', params: {}, taskQueue: weir.taskQueue });
    const done = await waitForRun(weir.client, runId, () => {}, 5000);
    expect(done.status).toBe('success');
    expect(done.tasks).toHaveLength(10_000);
    expect(done.tasks.every((t) => t.state === 'success')).toBe(true);
    const snapshot = await getRunSnapshot(weir.client, runId);
    expect(JSON.stringify(snapshot).length).toBeLessThan(PAYLOAD_LIMIT);
    const history = await weir.client.workflow.getHandle(runId).fetchHistory();
    const events = history.events ?? [];
    expect(events.length).toBeLessThan(HISTORY_LIMIT);
    // The plan arrived packed, in the one local-activity marker of prepareRun.
    const marker = events.find((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
    const markerBytes = Object.values(marker?.markerRecordedEventAttributes?.details ?? {}).reduce(
      (sum, payloads) => sum + (payloads.payloads ?? []).reduce((s, p) => s + (p.data?.length ?? 0), 0),
      0,
    );
    expect(markerBytes).toBeGreaterThan(0);
    expect(markerBytes).toBeLessThan(512 * 1024);
  }, 3_600_000);
});
