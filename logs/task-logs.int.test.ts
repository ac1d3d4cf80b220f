import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { temporal } from '@temporalio/proto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRunSnapshot, triggerRun, waitForRun } from '../control/runs.ts';
import { followRunLogs, readRunLogs } from '../control/task-logs.ts';
import { startTestWorker, type TestWorker } from '../test/harness.ts';
import { testStack } from '../test/stack.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WEIR = path.join(REPO, 'bin', 'weir.mjs');
const DAGS = fileURLToPath(new URL('./fixtures/dags/', import.meta.url));
const taskQueue = `logs-${randomUUID().slice(0, 8)}`;
const DAG_TOKEN = `dag-secret-${randomUUID()}`;
const JOB_TOKEN = `job-secret-${randomUUID()}`;
const SECRETS = [DAG_TOKEN, JOB_TOKEN];

let worker: TestWorker;
const terminal: string[] = [];
const savedEnv: Record<string, string | undefined> = {};

function setEnv(name: string, value: string): void {
  if (!(name in savedEnv)) savedEnv[name] = process.env[name];
  process.env[name] = value;
}

/** The real `weir` command, as a child process against the shared test stack. */
function weir(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { temporalAddress, databaseUrl } = testStack();
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, WEIR_TASK_QUEUE: taskQueue };
  return new Promise((resolve) => {
    execFile(process.execPath, [WEIR, '--dags', DAGS, ...argv], { cwd: REPO, env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Waits for the run to close, so its last record and callbacks are written too. */
async function runToEnd(dagId: string, params: Record<string, unknown> = {}) {
  const runId = await triggerRun(worker.client, { dagId, params, taskQueue });
  await waitForRun(worker.client, runId, () => {}, 200);
  await worker.client.workflow.getHandle(runId).result().catch(() => {});
  return runId;
}

beforeAll(async () => {
  setEnv('LEAKY_DAG_TOKEN', DAG_TOKEN);
  setEnv('LEAKY_JOB_TOKEN', JOB_TOKEN);
  setEnv('WEIR_ARTIFACT_ROOT', await mkdtemp(path.join(os.tmpdir(), 'weir-logs-')));
  worker = await startTestWorker({ dagsDir: DAGS, taskQueue, log: (line) => terminal.push(line) });
});
afterAll(async () => {
  await worker?.shutdown();
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('task logs', () => {
  it('streams a running task’s lines with --follow and ends when the task is done', async () => {
    const runId = await triggerRun(worker.client, { dagId: 'logs_stream', params: { lines: 5, pauseMs: 400 }, taskQueue });
    // In-process follower: the first line arrives while the task still runs.
    const seen: string[] = [];
    let stateAtFirstLine: string | undefined;
    const following = (async () => {
      for await (const line of followRunLogs(worker.db, worker.client, { runId, taskId: 'talker' }, { pollMs: 100 })) {
        if (seen.length === 0) stateAtFirstLine = (await getRunSnapshot(worker.client, runId)).tasks.find((task) => task.id === 'talker')?.state;
        seen.push(line.message);
      }
    })();
    const cli = await weir('logs', runId, 'talker', '--follow');
    await following;
    expect(stateAtFirstLine).toBe('running');
    expect(seen).toEqual([1, 2, 3, 4, 5].map((i) => `line ${i} of 5`));
    expect(cli.code).toBe(0);
    const printed = cli.stdout.split('\n').filter(Boolean);
    expect(printed).toHaveLength(5);
    printed.forEach((line, i) => expect(line).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z talker#1 info  line ${i + 1} of 5 i=${i + 1}$`)));
  });

  it('prints one readable terminal line per entry on the worker, with no task token', () => {
    const lines = terminal.filter((line) => line.startsWith('logs_stream.talker#1 '));
    expect(lines).toContain('logs_stream.talker#1 info line 1 of 5 i=1');
    expect(terminal.join('\n')).not.toMatch(/taskToken/i);
  });

  it('bounds an attempt’s lines, with a marker where they were dropped and their count', async () => {
    const runId = await runToEnd('logs_stream', { lines: 0, flood: 10_500 });
    const stored = await readRunLogs(worker.db, { runId, taskId: 'flood' });
    expect(stored).toHaveLength(10_002);
    expect(stored[9_999]?.message).toBe('flood 9999');
    expect(stored[10_000]).toMatchObject({ level: 'warn', message: expect.stringContaining('log limit of this attempt reached (10000 lines') });
    expect(stored[10_001]?.message).toContain('500 line(s)');
    const json = await weir('logs', runId, 'flood', '--attempt', '1', '--json');
    const parsed = json.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { taskId: string; attempt: number; level: string; message: string });
    expect(parsed).toHaveLength(10_002);
    expect(parsed[0]).toMatchObject({ taskId: 'flood', attempt: 1, level: 'info', message: 'flood 0' });
    expect((await weir('logs', runId, 'flood', '--attempt', '2')).stderr).toContain('no log lines');
  });
});

/**
 * Every workflow of the test's task queue as the protobuf bytes Temporal stores: history and
 * visibility record. Payloads are raw bytes there, so a byte search finds a value anywhere.
 */
async function historyBytes(): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const execution of worker.client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    const history = await worker.client.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    parts.push(Buffer.from(temporal.api.history.v1.History.encode(history).finish()));
    parts.push(Buffer.from(temporal.api.workflow.v1.WorkflowExecutionInfo.encode(execution.raw).finish()));
  }
  return Buffer.concat(parts);
}

/** Every row the run left in Postgres, as text. */
async function postgresRows(runId: string): Promise<string> {
  const tables = ['dag_runs', 'task_runs', 'task_logs'] as const;
  const texts = await Promise.all(
    tables.map(async (table) => {
      const result = await sql<{ row: string }>`select row_to_json(t)::text as row from ${sql.table(table)} t where run_id = ${runId}`.execute(worker.db);
      return result.rows.map((row) => row.row).join('\n');
    }),
  );
  return texts.join('\n');
}

describe('secret masking', () => {
  let runId: string;
  beforeAll(async () => {
    runId = await runToEnd('logs_leaky');
  });

  function expectNoSecret(where: string, text: string): void {
    for (const secret of SECRETS) {
      for (const form of [secret, Buffer.from(secret).toString('base64')]) expect(text.includes(form), `${where} holds a secret`).toBe(false);
    }
  }

  it('masks secrets a task logs, returns, emits and throws, and that its job prints and writes', async () => {
    const shown = await weir('runs', 'show', runId, '--json', '--outputs');
    const run = JSON.parse(shown.stdout) as { status: string; failure?: string; tasks: { id: string; state: string; error: string | null; output?: unknown }[] };
    expect(run.status).toBe('failed');
    const byId = Object.fromEntries(run.tasks.map((task) => [task.id, task]));
    // Where each secret was, `***` is: the masking is what keeps it out, not a missing value.
    expect(byId.chatty?.output).toEqual({ echoed: '***', '***': 'as a key' });
    expect(byId.job?.output).toMatchObject({ metrics: { token: '***' } });
    expect(byId.thrower?.error).toContain('https://ops:***@registry.example (token ***)');
    expect(run.failure).toContain('***');

    const chatty = await readRunLogs(worker.db, { runId, taskId: 'chatty' });
    expect(chatty.map((line) => [line.level, line.message])).toEqual([
      ['debug', 'starting'],
      ['info', 'token is ***'],
      ['warn', 'careful'],
      ['error', 'something looked wrong'],
    ]);
    expect(chatty[1]?.attrs).toEqual({ token: '***', encoded: '***' });
    const job = (await readRunLogs(worker.db, { runId, taskId: 'job' })).map((line) => line.message);
    expect(job).toEqual(expect.arrayContaining(['job token=***', 'stderr ***']));

    const logs = await weir('logs', runId);
    expect(logs.stdout).toContain('chatty#1 info  token is ***');
    expectNoSecret('weir runs show', shown.stdout + shown.stderr);
    expectNoSecret('weir logs', logs.stdout + logs.stderr);
  });

  it('leaves no secret in the raw Temporal history, the Postgres tables or the worker terminal', async () => {
    const bytes = await historyBytes();
    expect(bytes.includes('***')).toBe(true);
    for (const secret of SECRETS) expect(bytes.includes(secret), 'Temporal history holds a secret').toBe(false);
    const rows = await postgresRows(runId);
    expect(rows).toContain('***');
    expectNoSecret('Postgres', rows);
    expectNoSecret('worker terminal', terminal.join('\n'));
  });
});
