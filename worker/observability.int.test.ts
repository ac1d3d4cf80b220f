import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testStack } from '../test/stack.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WEIR = path.join(REPO, 'bin', 'weir.mjs');
const DAGS = path.join(REPO, 'cli', 'fixtures', 'dags');
const taskQueue = `metrics-${randomUUID().slice(0, 8)}`;

let worker: ChildProcess;
let baseUrl: string;

function env(): NodeJS.ProcessEnv {
  const { temporalAddress, databaseUrl } = testStack();
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, WEIR_TASK_QUEUE: taskQueue };
}

/** Starts the real `weir worker --metrics-port 0` and reads the address it prints. */
function startWorker(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [WEIR, '--dags', DAGS, 'worker', '--metrics-port', '0', '--no-sync-schedules'], { cwd: REPO, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /metrics and probes on (http:\/\/\S+)/.exec(output);
      if (found?.[1]) resolve({ child, url: found[1] });
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.once('exit', (code) => reject(new Error(`weir worker exited with ${code}: ${output.slice(-2000)}`)));
  });
}

function trigger(dagId: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [WEIR, '--dags', DAGS, 'trigger', dagId, '--wait'], { cwd: REPO, env: env(), timeout: 90_000 }, (error, stdout) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout });
    });
  });
}

/** The value of one sample line, e.g. `weir_runs_started_total{dag="cli_greet"} 1`. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{`) && labels.split(',').every((label) => candidate.includes(label)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

beforeAll(async () => {
  ({ child: worker, url: baseUrl } = await startWorker());
});
afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
  }
});

describe('weir worker --metrics-port', () => {
  it('answers the probes once it polls', async () => {
    expect((await fetch(`${baseUrl}/livez`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${baseUrl}/nowhere`)).status).toBe(404);
    expect((await fetch(`${baseUrl}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it("serves Weir's run and task metrics and the Temporal SDK's worker metrics in one scrape", async () => {
    const run = await trigger('cli_greet');
    expect(run.code).toBe(0);
    const text = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(sample(text, 'weir_runs_started_total', 'dag="cli_greet"')).toBe(1);
    expect(sample(text, 'weir_runs_finished_total', 'dag="cli_greet",status="success"')).toBe(1);
    expect(sample(text, 'weir_task_attempts_total', 'dag="cli_greet",outcome="success"')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'weir_task_duration_seconds_count', 'dag="cli_greet"')).toBeGreaterThanOrEqual(1);
    // The SDK's own exporter: its activity and workflow task counters carry the task queue.
    expect(text).toMatch(new RegExp(`^temporal_\\w+\\{[^}]*task_queue="${taskQueue}"[^}]*\\} \\d`, 'm'));
  });
});
