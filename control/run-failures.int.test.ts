import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRunSnapshot, triggerRun, type RunDetails } from './runs.ts';
import { startTestWorker, TEST_DAGS_DIR, type TestWorker } from '../test/harness.ts';
import { testStack } from '../test/stack.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WEIR = path.join(REPO, 'bin', 'weir.mjs');

let worker: TestWorker;

beforeAll(async () => {
  worker = await startTestWorker();
});
afterAll(async () => {
  await worker?.shutdown();
});

function weir(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { temporalAddress, databaseUrl } = testStack();
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, WEIR_TASK_QUEUE: worker.taskQueue };
  return new Promise((resolve) => {
    execFile(process.execPath, [WEIR, '--dags', TEST_DAGS_DIR, ...argv], { cwd: REPO, env, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Runs to the close of the workflow and returns what `runs show` would. */
async function closedRun(dagId: string, params: Record<string, unknown> = {}): Promise<RunDetails> {
  const runId = await triggerRun(worker.client, { dagId, params, taskQueue: worker.taskQueue });
  await worker.client.workflow.getHandle(runId).result().catch(() => {});
  return getRunSnapshot(worker.client, runId);
}

const task = (run: RunDetails, id: string) => run.tasks.find((candidate) => candidate.id === id);

describe('runs show: failures you can see', () => {
  it('gives the reason of a run that failed before any task ran: unknown DAG, bad params', async () => {
    const unknown = await closedRun('no_such_dag_here');
    expect(unknown.status).toBe('failed');
    expect(unknown.tasks).toEqual([]);
    expect(unknown.failure).toMatch(/no_such_dag_here/);
    const text = await weir('runs', 'show', unknown.runId);
    expect(text.stdout).toContain(`failed: ${unknown.failure}`);

    const badParams = await closedRun('strict_params', { rows: 'many' });
    expect(badParams.status).toBe('failed');
    expect(badParams.failure).toMatch(/InvalidParamsError: .*rows/);
    const json = JSON.parse((await weir('runs', 'show', badParams.runId, '--json')).stdout) as { failure?: string };
    expect(json.failure).toBe(badParams.failure);
  });

  it('gives each task’s error and why tasks did not run', async () => {
    const run = await closedRun('doomed');
    // `report` (all_done) is the only leaf and it ran, so the run itself succeeds, as in Airflow.
    expect(run).toMatchObject({ status: 'success' });
    expect(run.failure).toBeUndefined();
    expect(task(run, 'broken')).toMatchObject({ state: 'failed', error: 'the source table is gone', attempts: 2 });
    expect(task(run, 'downstream')).toMatchObject({ state: 'upstream_failed', reason: 'upstream `broken` failed' });
    expect(task(run, 'further')).toMatchObject({ state: 'upstream_failed', reason: 'upstream `downstream` did not run because its own upstream failed' });
    expect(task(run, 'report')).toMatchObject({ state: 'success' });
    const text = (await weir('runs', 'show', run.runId)).stdout;
    expect(text).toMatch(/downstream\s+upstream_failed\s+0\s+-\s+upstream `broken` failed/);
  });

  it('explains branch skips, and shows outputs with --outputs', async () => {
    const run = await closedRun('branching', { side: 'left' });
    expect(run.status).toBe('success');
    expect(task(run, 'right')).toMatchObject({ state: 'skipped', reason: 'branch `choose` chose `left`' });
    expect(task(run, 'right_after')).toMatchObject({ state: 'skipped', reason: 'upstream `right` was skipped' });
    const json = JSON.parse((await weir('runs', 'show', run.runId, '--json', '--outputs')).stdout) as { tasks: { id: string; output?: unknown }[] };
    expect(Object.fromEntries(json.tasks.filter((t) => 'output' in t).map((t) => [t.id, t.output]))).toEqual({
      start: 'left', choose: ['left'], left: 'L', left_after: 'L2', join: ['left_after'],
    });
  });

  it("takes each task's start and end from its attempt, inside the activity's scheduled..completed window", async () => {
    const run = await closedRun('branching', { side: 'right' });
    const history = await worker.client.workflow.getHandle(run.runId).fetchHistory();
    const eventTime = (event: NonNullable<typeof history.events>[number] | undefined) => {
      const seconds = Number(event?.eventTime?.seconds ?? 0);
      return seconds * 1000 + Math.floor((event?.eventTime?.nanos ?? 0) / 1e6);
    };
    const events = history.events ?? [];
    for (const id of ['start', 'choose', 'right', 'right_after']) {
      const scheduled = events.find((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === `branching.${id}`);
      const completed = events.find((event) => Number(event.activityTaskCompletedEventAttributes?.scheduledEventId) === Number(scheduled?.eventId));
      const state = task(run, id);
      const startedAt = Date.parse(state?.startedAt ?? '');
      const endedAt = Date.parse(state?.endedAt ?? '');
      // The workflow's own view starts before the activity is scheduled and ends after it completed.
      expect(startedAt).toBeGreaterThanOrEqual(eventTime(scheduled));
      expect(endedAt).toBeGreaterThanOrEqual(startedAt);
      expect(endedAt).toBeLessThanOrEqual(eventTime(completed));
    }
  });
});

describe('runs list', () => {
  it('filters by status and start time, and shows logical date and duration', async () => {
    const failed = await closedRun('strict_params', { rows: -1, table: 't' });
    const succeeded = await closedRun('branching', { side: 'left' });
    type Listed = { runId: string; status: string; logicalDate: string | null; durationMs: number | null }[];
    const list = async (status: string, wanted: string) => {
      let listed: Listed = [];
      // Visibility records follow the close of a run by a moment.
      for (let i = 0; i < 10 && !listed.some((run) => run.runId === wanted); i++) {
        listed = JSON.parse((await weir('runs', 'list', '--status', status, '--since', '10m', '--json')).stdout) as Listed;
      }
      return listed;
    };
    const failedOnes = await list('failed', failed.runId);
    expect(failedOnes.find((run) => run.runId === failed.runId)).toMatchObject({ status: 'failed' });
    expect(failedOnes.every((run) => run.status === 'failed')).toBe(true);
    expect(failedOnes.some((run) => run.runId === succeeded.runId)).toBe(false);
    const succeededOnes = await list('success', succeeded.runId);
    const mine = succeededOnes.find((run) => run.runId === succeeded.runId);
    // The logical date comes from the run's memo; the duration from Temporal.
    expect(mine).toMatchObject({ status: 'success', logicalDate: succeeded.logicalDate });
    expect(mine?.durationMs).toBeGreaterThan(0);
    expect(succeededOnes.some((run) => run.runId === failed.runId)).toBe(false);
    const future = JSON.parse((await weir('runs', 'list', '--since', new Date(Date.now() + 3_600_000).toISOString(), '--json')).stdout) as unknown[];
    expect(future).toEqual([]);
    const text = await weir('runs', 'list', '--status', 'bogus');
    expect(text.code).not.toBe(0);
    expect(text.stderr).toContain('"bogus" is not a run status');
  });

  it('reads the logical date of a run started as the Temporal UI starts one (no memo) from its run record', async () => {
    const runId = `ui-started-${Date.now().toString(36)}`;
    const logicalDate = '2026-01-05T00:00:00.000Z';
    // Workflow type = DAG id, params and the options argument as JSON, nothing else: what a person types in the UI.
    await worker.client.workflow.start('branching', { workflowId: runId, taskQueue: worker.taskQueue, args: [{ side: 'left' }, { logicalDate }] });
    await worker.client.workflow.getHandle(runId).result();
    let listed: { runId: string; logicalDate: string | null }[] = [];
    for (let i = 0; i < 10 && !listed.some((run) => run.runId === runId); i++) {
      listed = JSON.parse((await weir('runs', 'list', '--dag', 'branching', '--since', '10m', '--json')).stdout) as typeof listed;
    }
    expect(listed.find((run) => run.runId === runId)?.logicalDate).toBe(logicalDate);
  });
});
