import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWorker, type TestWorker } from '../test/harness.ts';
import { testStack } from '../test/stack.ts';
import { RERUN_OF_MEMO } from './rerun.ts';
import { getRunOutputs, getRunSnapshot, triggerRun } from './runs.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WEIR = path.join(REPO, 'bin', 'weir.mjs');
const DAGS = fileURLToPath(new URL('../logs/fixtures/dags/', import.meta.url));

let worker: TestWorker;
let fixFile: string;
const saved = process.env.LOGS_RERUN_FIXED;

beforeAll(async () => {
  fixFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'weir-rerun-')), 'fixed');
  process.env.LOGS_RERUN_FIXED = fixFile;
  worker = await startTestWorker({ dagsDir: DAGS });
});
afterAll(async () => {
  await worker?.shutdown();
  if (saved === undefined) delete process.env.LOGS_RERUN_FIXED;
  else process.env.LOGS_RERUN_FIXED = saved;
});

function weir(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { temporalAddress, databaseUrl } = testStack();
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, WEIR_TASK_QUEUE: worker.taskQueue };
  return new Promise((resolve) => {
    execFile(process.execPath, [WEIR, '--dags', DAGS, ...argv], { cwd: REPO, env, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('weir runs clear on a closed run', () => {
  it('starts a linked new run that keeps recorded outputs and reruns the cleared task and its downstream', async () => {
    const logicalDate = new Date('2026-11-02T00:00:00Z');
    const originalId = await triggerRun(worker.client, { dagId: 'logs_rerun', params: { n: 3 }, taskQueue: worker.taskQueue, logicalDate });
    await worker.client.workflow.getHandle(originalId).result().catch(() => {});
    const original = await getRunSnapshot(worker.client, originalId);
    expect(original.status).toBe('failed');
    expect(Object.fromEntries(original.tasks.map((t) => [t.id, t.state]))).toEqual({ prepare: 'success', side: 'success', train: 'failed', publish: 'upstream_failed' });
    const originalOutputs = await getRunOutputs(worker.client, originalId);

    await writeFile(fixFile, 'fixed');
    const cleared = await weir('runs', 'clear', originalId, 'train');
    expect(cleared.code).toBe(0);
    const rerunId = /started run (\S+):/.exec(cleared.stdout)?.[1] ?? '';
    expect(rerunId.startsWith(`${originalId}--rerun-`)).toBe(true);
    await worker.client.workflow.getHandle(rerunId).result();

    const rerun = await getRunSnapshot(worker.client, rerunId);
    expect(rerun).toMatchObject({ status: 'success', dagId: 'logs_rerun', params: { n: 3 }, logicalDate: logicalDate.toISOString() });
    const outputs = await getRunOutputs(worker.client, rerunId);
    // prepare kept its recorded output (its timestamp too): it was not executed again.
    expect(outputs).toEqual({ prepare: originalOutputs.prepare, side: 'side work', train: 31, publish: 'published 31' });
    const history = await worker.client.workflow.getHandle(rerunId).fetchHistory();
    const executed = (history.events ?? []).flatMap((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? []).filter((name) => name.startsWith('logs_rerun.'));
    expect(executed.sort()).toEqual(['logs_rerun.publish', 'logs_rerun.train']);

    // Linked both ways: the memo the Temporal UI shows, and `runs show`.
    expect((await worker.client.workflow.getHandle(rerunId).describe()).memo?.[RERUN_OF_MEMO]).toBe(originalId);
    const shownRerun = JSON.parse((await weir('runs', 'show', rerunId, '--json')).stdout) as { rerunOf?: string };
    expect(shownRerun.rerunOf).toBe(originalId);
    let shownOriginal: { reruns?: string[] } = {};
    for (let i = 0; i < 10 && !shownOriginal.reruns?.includes(rerunId); i++) {
      shownOriginal = JSON.parse((await weir('runs', 'show', originalId, '--json')).stdout) as { reruns?: string[] };
    }
    expect(shownOriginal.reruns).toEqual([rerunId]);
    expect((await weir('runs', 'show', originalId)).stdout).toContain(`rerun as ${rerunId}`);
  });

  it('refuses a task the run does not have', async () => {
    const runId = await triggerRun(worker.client, { dagId: 'logs_rerun', params: {}, taskQueue: worker.taskQueue });
    await worker.client.workflow.getHandle(runId).result().catch(() => {});
    const result = await weir('runs', 'clear', runId, 'nope');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('has no task "nope"');
  });
});
