import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dataConverterFromEnv } from '../codec/data-converter.ts';
import { createDb } from '../db/index.ts';
import { testStack } from '../test/stack.ts';
import { createWeirWorker, type WeirWorker } from '../worker/create-worker.ts';

/*
 * A worker with WEIR_PAYLOAD_KEY runs the DAG; the real `weir` process reads the runs with the
 * key, without it, and with a wrong one. Without a working key it must still list and show what
 * Temporal's visibility record and Postgres hold, say what to set, and never print the sealed
 * values, ciphertext or a stack trace.
 */

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WEIR = path.join(REPO, 'bin', 'weir.mjs');
const DAGS = path.join(REPO, 'cli', 'fixtures', 'dags');
const KEYED = { WEIR_PAYLOAD_KEY: randomBytes(32).toString('base64'), WEIR_PAYLOAD_KEY_ID: 'cli-codec' };
const WRONG_KEY = { WEIR_PAYLOAD_KEY: randomBytes(32).toString('base64'), WEIR_PAYLOAD_KEY_ID: 'cli-codec' };
/** In the params of the run, so in its payloads only: it must never reach a process without the key. */
const SECRET = `secret-${randomUUID()}`;
const taskQueue = `cli-codec-${randomUUID().slice(0, 8)}`;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function weir(keys: Record<string, string>, ...argv: string[]): Promise<CliResult> {
  const { temporalAddress, databaseUrl } = testStack();
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, WEIR_TASK_QUEUE: taskQueue, ...keys };
  return new Promise((resolve) => {
    execFile(process.execPath, [WEIR, '--dags', DAGS, ...argv], { cwd: REPO, env, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** Nothing sealed leaks: not the secret, not the ciphertext's encoding, not a stack frame. */
function expectNothingSealed(result: CliResult): void {
  const all = result.stdout + result.stderr;
  expect(all).not.toContain(SECRET);
  expect(all).not.toContain('binary/encrypted');
  expect(all).not.toMatch(/^\s+at /m);
}

let connection: NativeConnection;
let worker: WeirWorker;
let running: Promise<void>;
const db = () => createDb(testStack().databaseUrl);
let database: ReturnType<typeof db>;
let runId: string;

beforeAll(async () => {
  connection = await NativeConnection.connect({ address: testStack().temporalAddress });
  database = db();
  worker = await createWeirWorker({
    connection,
    namespace: 'default',
    taskQueue,
    dagsDir: DAGS,
    db: database,
    dataConverter: dataConverterFromEnv(KEYED)!,
    workflowBundlePath: inject('workflowBundlePath'),
    log: () => {},
  });
  running = worker.runAll();
  const started = await weir(KEYED, 'trigger', 'cli_greet', '--params-json', JSON.stringify({ name: SECRET }), '--logical-date', '2026-03-04T05:06:07Z', '--wait');
  expect(started.stderr).toBe('');
  expect(started.code).toBe(0);
  runId = /^started run (\S+)$/m.exec(started.stdout)?.[1] ?? '';
  expect(runId).toMatch(/^cli_greet-manual-/);
});

afterAll(async () => {
  worker?.shutdownAll();
  await running;
  await connection?.close();
  await database?.destroy();
});

describe('weir runs list of encrypted runs', () => {
  it('without the key lists the run from its visibility record and says what to set', async () => {
    const result = await weir({}, 'runs', 'list', '--dag', 'cli_greet', '--limit', '5');
    expect(result.code).toBe(0);
    const row = result.stdout.split('\n').find((line) => line.startsWith(runId)) ?? '';
    expect(row).toMatch(/\bcli_greet\s+manual\s+success\s/);
    // The memo is sealed; the logical date comes from the run records in Postgres instead.
    expect(row).toContain('2026-03-04');
    expect(result.stderr).toMatch(/^\d+ of \d+ runs encrypted: set WEIR_PAYLOAD_KEY to read\n$/);
    expectNothingSealed(result);
  });

  it('without the key marks each sealed run in --json', async () => {
    const result = await weir({}, 'runs', 'list', '--dag', 'cli_greet', '--json');
    expect(result.code).toBe(0);
    const runs = JSON.parse(result.stdout) as Array<{ runId: string; status: string; encrypted?: string }>;
    expect(runs.find((run) => run.runId === runId)).toMatchObject({ status: 'success', encrypted: 'encrypted: set WEIR_PAYLOAD_KEY to read' });
    expectNothingSealed(result);
  });

  it('with the key reads the logical date from the memo and marks nothing', async () => {
    const result = await weir(KEYED, 'runs', 'list', '--dag', 'cli_greet', '--json');
    expect(result.code).toBe(0);
    const run = (JSON.parse(result.stdout) as Array<{ runId: string; logicalDate: string; encrypted?: string }>).find((listed) => listed.runId === runId);
    expect(run).toMatchObject({ logicalDate: '2026-03-04T05:06:07.000Z' });
    expect(run).not.toHaveProperty('encrypted');
    expect(result.stderr).toBe('');
  });

  it('with a wrong key lists the runs and says in one line that the key does not decrypt them', async () => {
    const result = await weir(WRONG_KEY, 'runs', 'list', '--dag', 'cli_greet', '--limit', '5');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(runId);
    expect(result.stderr).toMatch(/^\d+ of \d+ runs encrypted \(sealed with key "cli-codec"\), and WEIR_PAYLOAD_KEY does not decrypt it: [^\n]+\n$/);
    expectNothingSealed(result);
  });
});

describe('weir runs show of an encrypted run', () => {
  it('without the key shows status, logical date and tasks from the records, and marks params and outputs as encrypted', async () => {
    const result = await weir({}, 'runs', 'show', runId);
    expect(result.code).toBe(0);
    const out = result.stdout.split('\n');
    expect(out[0]).toBe(`run ${runId}: success`);
    expect(out[1]).toMatch(/^DAG cli_greet, manual run, logical date 2026-03-04/);
    expect(out).toContain('params and outputs encrypted: set WEIR_PAYLOAD_KEY to read');
    expect(out).toContainEqual(expect.stringMatching(/^compose\s+success\s+1\s/));
    expect(out).toContainEqual(expect.stringMatching(/^repeat\s+success\s+1\s/));
    expectNothingSealed(result);
  });

  it('without the key --json has no params and says why', async () => {
    const result = await weir({}, 'runs', 'show', runId, '--json', '--outputs');
    expect(result.code).toBe(0);
    const shown = JSON.parse(result.stdout) as { params: object; tasks: Array<{ id: string; output?: unknown }>; encrypted?: string };
    expect(shown).toMatchObject({ params: {}, encrypted: 'encrypted: set WEIR_PAYLOAD_KEY to read' });
    expect(shown.tasks.map((task) => task.id)).toEqual(['compose', 'repeat']);
    expect(shown.tasks.some((task) => 'output' in task)).toBe(false);
    expectNothingSealed(result);
  });

  it('with the key shows the params and each task', async () => {
    const result = await weir(KEYED, 'runs', 'show', runId, '--json');
    expect(result.code).toBe(0);
    const shown = JSON.parse(result.stdout) as { params: { name: string }; tasks: Array<{ id: string; state: string }>; encrypted?: string };
    expect(shown.params.name).toBe(SECRET);
    expect(shown.tasks.map((task) => [task.id, task.state])).toEqual([
      ['compose', 'success'],
      ['repeat', 'success'],
    ]);
    expect(shown).not.toHaveProperty('encrypted');
  });

  it('with a wrong key names the variable in one line', async () => {
    const result = await weir(WRONG_KEY, 'runs', 'show', runId, '--json');
    expect(result.code).toBe(0);
    const shown = JSON.parse(result.stdout) as { status: string; encrypted?: string };
    expect(shown.status).toBe('success');
    expect(shown.encrypted).toMatch(/^encrypted \(sealed with key "cli-codec"\), and WEIR_PAYLOAD_KEY does not decrypt it: [^\n]+$/);
    expectNothingSealed(result);
  });
});

describe('weir runs clear of a closed encrypted run', () => {
  it('without the key refuses to rerun it, in one line, and starts nothing', async () => {
    const before = await weir(KEYED, 'runs', 'list', '--dag', 'cli_greet', '--json');
    const result = await weir({}, 'runs', 'clear', runId, 'repeat');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`weir: run ${runId} cannot be rerun from here: its params and outputs are encrypted: set WEIR_PAYLOAD_KEY to read\n`);
    expectNothingSealed(result);
    const after = await weir(KEYED, 'runs', 'list', '--dag', 'cli_greet', '--json');
    expect((JSON.parse(after.stdout) as unknown[]).length).toBe((JSON.parse(before.stdout) as unknown[]).length);
  });
});

describe('weir trigger --wait without the key, on a worker that encrypts', () => {
  it('follows the run to its end from the visibility record', async () => {
    const result = await weir({}, 'trigger', 'cli_greet', '--wait');
    expectNothingSealed(result);
    expect(result.code).toBe(0);
    const started = /^started run (\S+)$/m.exec(result.stdout)?.[1] ?? '';
    expect(result.stdout).toContain(`run ${started} succeeded`);
  });

  it('ends a failed run with its failure in one line', async () => {
    const result = await weir({}, 'trigger', 'cli_broken', '--wait');
    expectNothingSealed(result);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').filter((line) => line !== '')).toEqual([
      expect.stringMatching(/^weir: run cli_broken-manual-\S+ failed: .*the input table is empty.*; see `weir runs show \S+`$/),
    ]);
  });
});

describe('weir approve without the key, on a run that waits', () => {
  it('approves, says so and exits 0, though the run answers in sealed payloads', async () => {
    const started = await weir(KEYED, 'trigger', 'cli_sign_off', '--params-json', JSON.stringify({ note: SECRET }));
    expect(started.code).toBe(0);
    const waiting = started.stdout.trim();
    const state = async () => (JSON.parse((await weir(KEYED, 'runs', 'show', waiting, '--json')).stdout) as { status: string; tasks: { id: string; state: string }[] });
    await expect.poll(async () => (await state()).tasks.find((task) => task.id === 'sign_off')?.state, { timeout: 60_000, interval: 500 }).toBe('running');

    const result = await weir({ WEIR_ACTOR: 'erin' }, 'approve', waiting, 'sign_off', '--comment', 'looks right');
    expectNothingSealed(result);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`approved task sign_off of run ${waiting} as erin\n`);
    await expect.poll(async () => (await state()).status, { timeout: 60_000, interval: 500 }).toBe('success');
  });
});
