import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerRun, waitForRun } from '../../control/runs.ts';
import { startTestWorker, type TestWorker } from '../harness.ts';
import { testStack } from '../stack.ts';
import { findSecrets, postgresRowsOf, rawHistoryBytes } from './leak-scan.ts';
import { expectContained, runWeir } from './outside.ts';
import { FAULT_SEED, replayHint, sampleFaults } from './seed.ts';

const DAGS = fileURLToPath(new URL('./dags/', import.meta.url));
const SLOTS = ['FAULT_SECRET_0', 'FAULT_SECRET_1', 'FAULT_SECRET_2', 'FAULT_SECRET_3'];
const taskQueue = `fault-secrets-${randomUUID().slice(0, 8)}`;

/**
 * Secrets with the characters that break naive masking: quotes and backslashes (JSON escapes),
 * `%`, `+`, `/`, `=` (URL and base64 forms), shell and template characters, tabs, non-ASCII.
 * A random middle keeps each one unique, so a match can only be a leak.
 */
const tricky = fc.string({
  unit: fc.constantFrom('"', "'", '\\', '$', '`', '%', '+', '/', '=', '&', '?', '@', ':', ' ', '{', '}', '<', '>', '\t', 'é', '日', '🔑', '*', 'a', 'Z', '9', '-', '_'),
  minLength: 2,
  maxLength: 10,
});
const secretArbitrary = fc.tuple(tricky, fc.stringMatching(/^[a-z0-9]{10}$/), tricky).map(([head, middle, tail]) => `${head}${middle}${tail}`);
/** A multi-line secret, as a PEM private key or a JSON key file is: a job that prints it prints several lines. */
const multiLineSecret = fc
  .tuple(fc.stringMatching(/^[A-Za-z0-9+/]{24,40}$/), fc.stringMatching(/^[A-Za-z0-9+/]{24,40}$/))
  .map(([first, second]) => `-----BEGIN FAULT KEY-----\n${first}\n${second}\n-----END FAULT KEY-----`);
const SECRETS = [...sampleFaults(secretArbitrary, 3), ...sampleFaults(multiLineSecret, 1)];

let worker: TestWorker;
let artifactRoot: string;
const terminal: string[] = [];
const savedEnv = new Map<string, string | undefined>();

function setEnv(name: string, value: string): void {
  if (!savedEnv.has(name)) savedEnv.set(name, process.env[name]);
  process.env[name] = value;
}

beforeAll(async () => {
  artifactRoot = await mkdtemp(path.join(os.tmpdir(), 'weir-fault-secrets-'));
  // The worker copies its environment when it starts, and hands each task the values of its secret names.
  SLOTS.forEach((slot, index) => setEnv(slot, SECRETS[index] as string));
  setEnv('WEIR_ARTIFACT_ROOT', artifactRoot);
  worker = await startTestWorker({ dagsDir: DAGS, taskQueue, log: (line) => terminal.push(line) });
});
afterAll(async () => {
  await worker?.shutdown();
  for (const [name, value] of savedEnv) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await rm(artifactRoot, { recursive: true, force: true });
});

function stackEnv(): NodeJS.ProcessEnv {
  const { temporalAddress, databaseUrl } = testStack();
  return { TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, WEIR_TASK_QUEUE: taskQueue };
}

interface ShownRun {
  status: string;
  failure?: string;
  tasks: { id: string; state: string; error: string | null; output?: unknown }[];
}

describe('secrets that tasks and jobs echo, return, throw and log', () => {
  // Concurrent: each case is one run of its own, and the three together take the time of one.
  it.concurrent.each(SLOTS.map((slot, index) => [slot, index] as const))('leave no trace of %s in history, Postgres, the CLI or the worker terminal', async (slot, index) => {
    const secret = SECRETS[index] as string;
    const context = `secret ${JSON.stringify(secret)} (seed ${FAULT_SEED}; ${replayHint(FAULT_SEED, null)})`;
    const runId = await triggerRun(worker.client, { dagId: 'fault_leaky', params: { slot: index }, taskQueue });
    expect((await waitForRun(worker.client, runId, () => {}, 200)).status, context).toBe('failed');
    // The last run record and the log lines are written as the run closes.
    await worker.client.workflow.getHandle(runId).result().catch(() => undefined);

    const shown = await runWeir(['runs', 'show', runId, '--json', '--outputs'], { env: stackEnv() });
    expectContained(shown);
    const run = JSON.parse(shown.stdout) as ShownRun;
    const byId = Object.fromEntries(run.tasks.map((task) => [task.id, task]));
    // The values are there, masked: it is the mask that keeps the secret out, not a missing value.
    expect(byId.returns?.output, context).toEqual({ value: '***', '***': 'as a key', nested: [{ deep: 'x***y' }] });
    expect(byId.throws?.state).toBe('failed');
    expect(byId.throws?.error, context).toContain('cannot log in with ***');
    expect(byId.job?.state, context).toBe('success');
    const job = byId.job?.output as { metrics: { token: string }; logUri: string };
    expect(job.metrics.token, context).toBe('*** *** *** ***');
    const logs = await runWeir(['logs', runId], { env: stackEnv() });
    expectContained(logs);
    expect(logs.stdout, context).toContain('the secret is ***');
    expect(logs.stdout, context).toContain('job echoes *** *** *** ***');
    const jobLog = await readFile(fileURLToPath(job.logUri), 'utf8');
    expect(jobLog).toContain('job complains *** *** *** ***');

    const everywhere: [string, string | Buffer][] = [
      ['weir runs show', shown.stdout + shown.stderr],
      ['weir logs', logs.stdout + logs.stderr],
      ['the job log artifact', jobLog],
      ['the raw Temporal history', await rawHistoryBytes(worker.client, runId)],
      ['the Postgres rows', await postgresRowsOf(worker.db, runId)],
      ['the worker terminal', terminal.join('\n')],
    ];
    for (const [where, text] of everywhere) expect(findSecrets(text, SECRETS), `${where} holds a ${context}`).toEqual([]);
    // Control: the search reaches inside the history's payloads, where the params are.
    expect((await rawHistoryBytes(worker.client, runId)).includes('"slot"')).toBe(true);
  });
});
