import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WEIR = path.join(REPO, 'bin', 'weir.mjs');
const DAGS = path.join(REPO, 'cli', 'fixtures', 'dags');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real `weir` command with no stack at all: no TEMPORAL_ADDRESS, no DATABASE_URL, no stack.json. */
function weir(...argv: string[]): Promise<CliResult> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  return new Promise((resolve) => {
    execFile(process.execPath, [WEIR, '--dags', DAGS, ...argv], { cwd: path.join(DAGS, '..'), env, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('weir dags test without a stack', () => {
  it('prints progress and each task with its output, and exits 0 when the run succeeds', async () => {
    const result = await weir('dags', 'test', 'cli_greet', '--param', 'times=2', '--params-json', '{"name":"weir"}', '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { status: string; params: unknown; tasks: { id: string; state: string; output?: unknown }[] };
    expect(parsed.status).toBe('success');
    expect(parsed.params).toEqual({ name: 'weir', times: 2 });
    expect(parsed.tasks.every((task) => task.state === 'success' && 'output' in task)).toBe(true);
  });

  it('exits 1 and shows the failed task with its error, in the progress, the table and the last line', async () => {
    const result = await weir('dags', 'test', 'cli_broken');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^\d\d:\d\d:\d\d {2}explode {2}failed: .*the input table is empty/m);
    expect(result.stdout).toMatch(/^prepare\s+success\s+1\s+\S+\s+"ready"$/m);
    expect(result.stdout).toMatch(/^explode\s+failed\s+1\s+\S+\s+error: .*the input table is empty$/m);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^weir: test run of DAG cli_broken failed \(explode: .*the input table is empty\)$/);
  });

  it('refuses bad params and an unknown DAG before starting anything', async () => {
    const bad = await weir('dags', 'test', 'cli_greet', '--param', 'times=0');
    expect(bad).toMatchObject({ code: 1, stdout: '' });
    expect(bad.stderr).toMatch(/^weir: Invalid params for DAG cli_greet: times: /);
    const unknown = await weir('dags', 'test', 'no_such_dag');
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toMatch(/^weir: unknown DAG "no_such_dag" in .* \(known: cli_broken, cli_greet, cli_sign_off\)/);
  });
});

describe('weir tasks test', () => {
  it('runs one task body with the given upstream outputs and prints its output', async () => {
    const result = await weir('tasks', 'test', 'cli_broken', 'prepare');
    expect(result).toMatchObject({ code: 0, stdout: '"ready"\n' });
  });

  it('exits 1 with the task error, and with an unknown task, and 2 on malformed upstream JSON', async () => {
    const failed = await weir('tasks', 'test', 'cli_broken', 'explode', '--upstream-json', '{"prepare": "ready"}');
    expect(failed).toMatchObject({ code: 1, stdout: '' });
    expect(failed.stderr.trim()).toBe('weir: the input table is empty');
    const unknown = await weir('tasks', 'test', 'cli_broken', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('weir: DAG cli_broken has no task "nope" (tasks: prepare, explode)');
    const malformed = await weir('tasks', 'test', 'cli_broken', 'explode', '--upstream-json', '[1]');
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/--upstream-json.*must be a JSON object of upstream task id to output/);
  });
});
