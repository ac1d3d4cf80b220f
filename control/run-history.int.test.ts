import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSnapshot } from '../plan/types.ts';
import type { RunOptions } from '../workflows/run-identity.ts';
import { startTestWorker, type TestWorker } from '../test/harness.ts';
import { clientActingAs } from './acting-client.ts';
import { actorIdentity } from './run-actor.ts';
import { readRunRecord, type ExecutionFacts } from './run-history.ts';
import { newRunId, runStartOptions } from './run-start.ts';
import { clearTask, decideApproval, getRunSnapshot, waitForRun } from './runs.ts';

const DAGS = fileURLToPath(new URL('../test/dags-scale/', import.meta.url));
/** Low enough that the 40 tasks of `continued_run` need several executions. */
const MAX_HISTORY_EVENTS = 120;

let weir: TestWorker;
let scratch: string;
beforeAll(async () => {
  weir = await startTestWorker({ dagsDir: DAGS });
  scratch = await mkdtemp(path.join(os.tmpdir(), 'weir-audit-'));
});
afterAll(async () => {
  await weir?.shutdown();
});

async function until<T>(what: string, look: () => Promise<T | undefined>): Promise<T> {
  for (let tries = 0; tries < 600; tries++) {
    const found = await look();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const stateOf = (snapshot: RunSnapshot, taskId: string) => snapshot.tasks.find((task) => task.id === taskId)?.state;

describe('the audit of a run that continued as new', () => {
  it('spans every execution: who triggered it, a decision and a clear, and the plan it recorded', async () => {
    const marker = path.join(scratch, 'fixed');
    const logicalDate = new Date().toISOString();
    const runId = newRunId('continued_run', 'manual', logicalDate);
    // As `weir trigger --as ada` starts it, with a history budget small enough to continue as new.
    const start = runStartOptions({ dagId: 'continued_run', runId, params: { marker }, taskQueue: weir.taskQueue, runType: 'manual', logicalDate, triggeredBy: 'ada' });
    const options: RunOptions = { runType: 'manual', logicalDate, maxHistoryEvents: MAX_HISTORY_EVENTS };
    const handle = await clientActingAs(weir.client, actorIdentity('ada', 'cli')).workflow.start('continued_run', { ...start, args: [{ marker }, options] });

    await until('fragile to fail after a continuation', async () => {
      const snapshot = await getRunSnapshot(weir.client, runId).catch(() => undefined);
      const continued = (await weir.client.workflow.getHandle(runId).describe()).runId !== handle.firstExecutionRunId;
      return snapshot && continued && stateOf(snapshot, 'fragile') === 'failed' ? true : undefined;
    });
    await decideApproval(clientActingAs(weir.client, actorIdentity('dana', 'ui')), runId, { taskId: 'sign_off', approved: true, actor: 'dana', comment: 'go' });
    await until('publish to finish', async () => (stateOf(await getRunSnapshot(weir.client, runId), 'publish') === 'success' ? true : undefined));
    await writeFile(marker, 'fixed');
    await clearTask(clientActingAs(weir.client, actorIdentity('bob', 'cli')), runId, 'fragile');
    expect((await waitForRun(weir.client, runId, () => {}, 200)).status).toBe('success');

    const cached = new Map<string, ExecutionFacts>();
    const record = await readRunRecord(weir.client, runId, cached);
    expect(record.executions).toBeGreaterThanOrEqual(3);
    // The trigger is the first execution's: later ones are started by the run itself.
    expect(record.triggeredBy).toMatchObject({ actor: 'ada', channel: 'cli', identity: 'ada via weir cli' });
    expect(record.actions.map(({ action, actor, channel, taskId }) => ({ action, actor, channel, taskId }))).toEqual([
      { action: 'approve', actor: 'dana', channel: 'ui', taskId: 'sign_off' },
      { action: 'clear', actor: 'bob', channel: 'cli', taskId: 'fragile' },
    ]);
    expect(record.actions[1]?.detail).toBe('reset fragile, total');
    // Both were sent after the first continuation, so neither is in the first execution's history.
    for (const action of record.actions) expect(action.execution).toBeGreaterThan(1);
    expect(record.recordedPlan?.tasks.map((task) => task.id)).toEqual((await getRunSnapshot(weir.client, runId)).tasks.map((task) => task.id));
    // Every execution has closed, so each was cached; a second read gives the same record from the cache.
    expect(cached.size).toBe(record.executions);
    expect(await readRunRecord(weir.client, runId, cached)).toEqual(record);
  }, 600_000);
});
