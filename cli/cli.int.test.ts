import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWorker, type TestWorker } from '../test/harness.ts';
import { testStack } from '../test/stack.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WEIR = path.join(REPO, 'bin', 'weir.mjs');
const DAGS = path.join(REPO, 'cli', 'fixtures', 'dags');
const INVALID_DAGS = path.join(REPO, 'cli', 'fixtures', 'invalid');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let worker: TestWorker;
const taskQueue = `cli-${randomUUID().slice(0, 8)}`;

/** Runs the real `weir` command as a child process against the shared test stack. */
function weir(...argv: string[]): Promise<CliResult> {
  const { temporalAddress, databaseUrl } = testStack();
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, WEIR_TASK_QUEUE: taskQueue };
  return new Promise((resolve) => {
    execFile(process.execPath, [WEIR, '--dags', DAGS, ...argv], { cwd: REPO, env, timeout: 90_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

beforeAll(async () => {
  worker = await startTestWorker({ dagsDir: DAGS, taskQueue });
});
afterAll(async () => {
  await worker?.shutdown();
});

describe('weir dags validate', () => {
  it('reports every problem with its location and exits 1', async () => {
    const result = await weir('--dags', INVALID_DAGS, 'dags', 'validate');
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual([
      expect.stringMatching(/^bad_schedule\.ts › dag cli_validate_bad_schedule › field schedule: invalid cron expression/),
      expect.stringMatching(/^not_a_dag\.ts: the default export is not a DAG/),
      '1 DAG(s) OK',
    ]);
    expect(lines(result.stderr)).toEqual(['weir: 2 problem(s) in DAG files']);
  });

  it('exits 0 on a folder of good DAGs', async () => {
    const result = await weir('dags', 'validate');
    expect(result).toMatchObject({ code: 0, stdout: '3 DAG(s) OK\n' });
  });
});

describe('weir trigger --wait', () => {
  let succeededRunId: string;

  it('follows a run that succeeds and exits 0', async () => {
    const result = await weir('trigger', 'cli_greet', '--param', 'times=2', '--params-json', '{"name":"weir"}', '--wait');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = lines(result.stdout);
    succeededRunId = /^started run (\S+)$/.exec(out[0] ?? '')?.[1] ?? '';
    expect(succeededRunId).toMatch(/^cli_greet-manual-/);
    expect(out).toContainEqual(expect.stringMatching(/\brepeat\s+success$/));
    expect(out.at(-1)).toBe(`run ${succeededRunId} succeeded`);
  });

  it('exits 1 with the failed task and its error on one line when the run fails', async () => {
    const result = await weir('trigger', 'cli_broken', '--wait');
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(/^weir: run cli_broken-manual-\S+ failed \(explode: .*the input table is empty.*\); see `weir runs show \S+`$/),
    ]);
    expect(result.stdout).toMatch(/explode\s+failed/);
  });

  it('shows the run as JSON in the documented shape', async () => {
    const result = await weir('runs', 'show', succeededRunId, '--json');
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(run).toMatchObject({ runId: succeededRunId, dagId: 'cli_greet', status: 'success' });
    expect(run.tasks).toEqual([
      expect.objectContaining({ id: 'compose', state: 'success', attempts: 1, startedAt: expect.any(String), endedAt: expect.any(String), error: null }),
      expect.objectContaining({ id: 'repeat', state: 'success', attempts: 1, startedAt: expect.any(String), endedAt: expect.any(String), error: null }),
    ]);
  });

  it('lists the run under its DAG', async () => {
    // Temporal's visibility store is eventually consistent.
    let listed: { runId: string; dagId: string; status: string }[] = [];
    for (let attempt = 0; attempt < 20 && !listed.some((run) => run.runId === succeededRunId); attempt++) {
      const result = await weir('runs', 'list', '--dag', 'cli_greet', '--json');
      expect(result.code).toBe(0);
      listed = JSON.parse(result.stdout) as typeof listed;
      if (!listed.some((run) => run.runId === succeededRunId)) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(listed).toContainEqual(expect.objectContaining({ runId: succeededRunId, dagId: 'cli_greet', status: 'success' }));
    expect(listed.every((run) => run.dagId === 'cli_greet')).toBe(true);
  });
});

describe('weir trigger without --wait', () => {
  it('prints { runId } with --json', async () => {
    const result = await weir('trigger', 'cli_greet', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ runId: expect.stringMatching(/^cli_greet-manual-/) });
  });

  it('refuses bad params before starting a run', async () => {
    const result = await weir('trigger', 'cli_greet', '--param', 'times=0');
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^weir: Invalid params for DAG cli_greet: times: /)]);
  });
});

async function runJson(runId: string): Promise<{ status: string; tasks: { id: string; state: string }[] }> {
  const result = await weir('runs', 'show', runId, '--json');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as { status: string; tasks: { id: string; state: string }[] };
}

async function waitForRunJson(runId: string, done: (run: Awaited<ReturnType<typeof runJson>>) => boolean) {
  for (let attempt = 0; attempt < 40; attempt++) {
    const run = await runJson(runId);
    if (done(run)) return run;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`run ${runId} never reached the expected state`);
}

async function startSignOffRun(): Promise<string> {
  const started = await weir('trigger', 'cli_sign_off', '--json');
  expect(started.code).toBe(0);
  const { runId } = JSON.parse(started.stdout) as { runId: string };
  await waitForRunJson(runId, (run) => run.tasks.some((task) => task.id === 'sign_off' && task.state === 'running'));
  return runId;
}

describe('weir approve and weir runs cancel', () => {
  it('approves a waiting task, and the run finishes', async () => {
    const runId = await startSignOffRun();
    const wrongTask = await weir('approve', runId, 'publish');
    expect(wrongTask.code).toBe(1);
    expect(lines(wrongTask.stderr)).toEqual([expect.stringMatching(/^weir: .*"publish" is not an approval task of DAG cli_sign_off/)]);

    const approved = await weir('approve', runId, 'sign_off', '--comment', 'looks good');
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(/^approved task sign_off of run \S+ as /);
    const run = await waitForRunJson(runId, (r) => r.status !== 'running');
    expect(run.status).toBe('success');
  });

  it('cancels a waiting run', async () => {
    const runId = await startSignOffRun();
    const cancelled = await weir('runs', 'cancel', runId);
    expect(cancelled).toMatchObject({ code: 0, stdout: `run ${runId} cancelled\n` });
    const run = await waitForRunJson(runId, (r) => r.status !== 'running');
    expect(run.status).toBe('cancelled');
    const again = await weir('runs', 'cancel', runId);
    expect(again.code).toBe(1);
    expect(lines(again.stderr)).toEqual([`weir: run ${runId} is already closed (cancelled); there is nothing to cancel`]);
  });
});

describe('errors', () => {
  it('an unknown DAG is one line without a stack', async () => {
    const result = await weir('trigger', 'no_such_dag');
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([expect.stringMatching(/^weir: unknown DAG "no_such_dag" in .*\(known: cli_broken, cli_greet, cli_sign_off\)$/)]);
  });

  it('an unknown run is one line', async () => {
    const result = await weir('runs', 'show', 'no-such-run');
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual(['weir: no run "no-such-run" (check the id with `weir runs list`)']);
  });

  it('usage errors exit 2', async () => {
    const result = await weir('runs', 'show');
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual(["weir: missing required argument 'runId' (see --help)"]);
  });
});

describe('weir db migrate', () => {
  it('is harmless to run twice', async () => {
    for (let round = 0; round < 2; round++) {
      const result = await weir('db', 'migrate');
      expect(result).toMatchObject({ code: 0, stdout: 'database is up to date\n', stderr: '' });
    }
  });
});
