import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelRun, clearTask, decideApproval, getRunSnapshot, triggerRun, waitForRun } from '../control/runs.ts';
import type { RunSnapshot, TaskState } from '../plan/types.ts';
import { startTestWorker, type TestWorker } from '../test/harness.ts';

let weir: TestWorker;

beforeAll(async () => {
  weir = await startTestWorker();
});
afterAll(async () => {
  await weir?.shutdown();
});

function states(snapshot: RunSnapshot): Record<string, TaskState> {
  return Object.fromEntries(snapshot.tasks.map((task) => [task.id, task.state]));
}

/** Polls the run until the predicate holds. */
async function until(runId: string, predicate: (s: RunSnapshot) => boolean, client = weir.client): Promise<RunSnapshot> {
  for (let i = 0; i < 300; i++) {
    const snapshot = await getRunSnapshot(client, runId).catch(() => null);
    if (snapshot && predicate(snapshot)) return snapshot;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId} never reached the expected state`);
}

describe('approvals', () => {
  it('continues after an approval and hands the decision downstream', async () => {
    const runId = await triggerRun(weir.client, { dagId: 'approval', params: {}, taskQueue: weir.taskQueue });
    await until(runId, (s) => states(s).sign_off === 'running');
    await decideApproval(weir.client, runId, { taskId: 'sign_off', approved: true, comment: 'metrics look right', actor: 'dana' });
    const done = await waitForRun(weir.client, runId);
    expect(done.status).toBe('success');
    const outputs = await weir.client.workflow.getHandle(runId).query<Record<string, unknown>>('weir.taskOutputs');
    expect(outputs.publish).toEqual({ by: 'dana', comment: 'metrics look right' });
  });

  it('fails the approval task on rejection, and its downstream is upstream_failed', async () => {
    const runId = await triggerRun(weir.client, { dagId: 'approval', params: {}, taskQueue: weir.taskQueue });
    await until(runId, (s) => states(s).sign_off === 'running');
    await decideApproval(weir.client, runId, { taskId: 'sign_off', approved: false, comment: 'drift too high', actor: 'sam' });
    const done = await waitForRun(weir.client, runId);
    expect(done.status).toBe('failed');
    expect(states(done)).toEqual({ prepare: 'success', sign_off: 'failed', publish: 'upstream_failed' });
    expect(done.tasks.find((t) => t.id === 'sign_off')?.error).toBe('rejected by sam: drift too high');
  });

  it('fails the approval task when nobody decides in time', async () => {
    const runId = await triggerRun(weir.client, { dagId: 'approval_timeout', params: {}, taskQueue: weir.taskQueue });
    const done = await waitForRun(weir.client, runId);
    expect(states(done)).toEqual({ sign_off: 'failed', publish: 'upstream_failed' });
    expect(done.tasks[0]?.error).toMatch(/no decision within 2s/);
  });

  it('refuses a decision for a task that is not waiting', async () => {
    const runId = await triggerRun(weir.client, { dagId: 'approval', params: {}, taskQueue: weir.taskQueue });
    await until(runId, (s) => states(s).sign_off === 'running');
    await expect(decideApproval(weir.client, runId, { taskId: 'prepare', approved: true })).rejects.toThrow(/not an approval task/);
    await decideApproval(weir.client, runId, { taskId: 'sign_off', approved: true });
    await expect(decideApproval(weir.client, runId, { taskId: 'sign_off', approved: true })).rejects.toThrow(/not waiting|already finished/);
    expect((await waitForRun(weir.client, runId)).status).toBe('success');
  });
});

describe('cancel', () => {
  it('cancels running activities and marks them cancelled', async () => {
    const runId = await triggerRun(weir.client, { dagId: 'slow', params: {}, taskQueue: weir.taskQueue });
    await until(runId, (s) => states(s).long_a === 'running' && states(s).long_b === 'running');
    await cancelRun(weir.client, runId);
    const handle = weir.client.workflow.getHandle(runId);
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const snapshot = await getRunSnapshot(weir.client, runId);
    expect(snapshot.status).toBe('cancelled');
    expect(states(snapshot)).toEqual({ long_a: 'cancelled', long_b: 'cancelled', after: 'pending' });
  });
});

describe('clear', () => {
  it('reruns a failed task and everything downstream, in the same run', async () => {
    const marker = path.join(os.tmpdir(), `weir-marker-${Date.now()}`);
    const runId = await triggerRun(weir.client, { dagId: 'clearable', params: { marker }, taskQueue: weir.taskQueue });
    const failed = await until(runId, (s) => s.status === 'failed');
    expect(states(failed)).toEqual({ extract: 'success', fragile: 'failed', load: 'upstream_failed' });
    await writeFile(marker, 'ok');
    await expect(clearTask(weir.client, runId, 'nope')).rejects.toThrow(/no task "nope"/);
    const cleared = await clearTask(weir.client, runId, 'fragile');
    expect(cleared).toEqual(['fragile', 'load']);
    const done = await until(runId, (s) => s.status === 'success');
    expect(states(done)).toEqual({ extract: 'success', fragile: 'success', load: 'success' });
    await rm(marker, { force: true });
    await weir.client.workflow.getHandle(runId).result();
    await expect(clearTask(weir.client, runId, 'fragile')).rejects.toThrow(/already finished/);
  });
});

describe('a DAG file edited in the middle of a run', () => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dir = path.join(here, '..', 'test', '.tmp', `edit-${Date.now()}`);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('does not change the run that already started', async () => {
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, 'approval.ts');
    await cp(path.join(here, '..', 'test', 'dags', 'approval.ts'), file);
    const taskQueue = `edit-${Date.now()}`;
    const first = await startTestWorker({ dagsDir: dir, taskQueue });
    const runId = await triggerRun(first.client, { dagId: 'approval', params: {}, taskQueue });
    await until(runId, (s) => states(s).sign_off === 'running', first.client);
    await first.shutdown();

    const source = await readFile(file, 'utf8');
    await writeFile(file, source.replace(/;\s*$/, "\n  .task('added_later', { needs: ['publish'] }, async () => 'new');\n"));
    const second = await startTestWorker({ dagsDir: dir, taskQueue });
    try {
      await decideApproval(second.client, runId, { taskId: 'sign_off', approved: true });
      const done = await waitForRun(second.client, runId);
      expect(done.status).toBe('success');
      expect(done.tasks.map((t) => t.id)).toEqual(['prepare', 'sign_off', 'publish']);
      const fresh = await triggerRun(second.client, { dagId: 'approval', params: {}, taskQueue });
      await until(fresh, (s) => states(s).sign_off === 'running', second.client);
      expect((await getRunSnapshot(second.client, fresh)).tasks.map((t) => t.id)).toEqual(['prepare', 'sign_off', 'publish', 'added_later']);
      await cancelRun(second.client, fresh);
    } finally {
      await second.shutdown();
    }
  });
});

describe('run callbacks', () => {
  async function journal(runId: string): Promise<string[]> {
    const { journalOf } = await import('../test/dags/with_callbacks.ts');
    return (await readFile(journalOf(runId), 'utf8')).trim().split('\n');
  }

  it('delivers emitted events and the run outcome, retrying a failing delivery without touching the task', async () => {
    const runId = await triggerRun(weir.client, { dagId: 'with_callbacks', params: { failDeliveries: 2 }, taskQueue: weir.taskQueue });
    const done = await waitForRun(weir.client, runId);
    expect(done.status).toBe('success');
    expect(done.tasks[0]).toMatchObject({ state: 'success', attempts: 1 });
    await weir.client.workflow.getHandle(runId).result();
    // The drift delivery failed twice and was retried, so it may arrive after the success event.
    const lines = (await journal(runId)).sort();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^drift check \{"columns":\["temp_max"\]/);
    expect(lines[1]).toMatch(/^success - /);
  });

  it('calls onFailure with the failed task and its error', async () => {
    const runId = await triggerRun(weir.client, { dagId: 'with_callbacks', params: { fail: true }, taskQueue: weir.taskQueue });
    await expect(weir.client.workflow.getHandle(runId).result()).rejects.toThrow();
    const lines = await journal(runId);
    expect(lines.some((line) => line.startsWith('drift '))).toBe(false);
    expect(lines.find((line) => line.startsWith('failure'))).toMatch(/^failure check .*"error":"check failed"/);
  });
});
