import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWorker, type TestWorker } from '../../test/harness.ts';
import { testStack } from '../../test/stack.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const WEIR = path.join(REPO, 'bin', 'weir.mjs');
// Inside the repository, so `import { dag } from 'weir'` and `typescript` resolve as for users.
const root = path.join(REPO, 'test', '.tmp', `cli-isolation-${process.pid}`);
const dags = path.join(root, 'dags');
const workerDags = path.join(root, 'worker-dags');
const taskQueue = `cli-iso-${randomUUID().slice(0, 8)}`;
let worker: TestWorker;

function weir(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { temporalAddress, databaseUrl } = testStack();
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, WEIR_TASK_QUEUE: taskQueue };
  return new Promise((resolve) => {
    execFile(process.execPath, [WEIR, '--dags', dags, ...argv], { cwd: REPO, env, timeout: 150_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.split('\n').filter(Boolean);

beforeAll(async () => {
  await mkdir(dags, { recursive: true });
  await mkdir(workerDags, { recursive: true });
  await writeFile(path.join(dags, 'iso_good.ts'), "import { dag } from 'weir';\nexport default dag({ id: 'iso_good' }).task('a', async () => 1);\n");
  await writeFile(path.join(dags, 'iso_exits.ts'), 'process.exit(7);\n');
  await writeFile(
    path.join(dags, 'iso_typed.ts'),
    "import { dag } from 'weir';\nexport default dag({ id: 'iso_typed' }).task('a', async () => {\n  const label: string = 42;\n  return label;\n});\n",
  );
  // The worker serves another folder: it knows iso_other, not the CLI's DAGs.
  await writeFile(path.join(workerDags, 'iso_other.ts'), "import { dag } from 'weir';\nexport default dag({ id: 'iso_other' }).task('a', async () => 1);\n");
  worker = await startTestWorker({ dagsDir: workerDags, taskQueue });
});
afterAll(async () => {
  await worker?.shutdown();
  await rm(root, { recursive: true, force: true });
});

describe('weir dags validate with isolated loading and typecheck', () => {
  it('names the file that exits, reports a type error at file:line, and loads the others', async () => {
    const result = await weir('dags', 'validate');
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual([
      'iso_exits.ts: exited with code 7 while it was imported',
      "iso_typed.ts:3:9: type error TS2322: Type 'number' is not assignable to type 'string'.",
      '2 DAG(s) OK',
    ]);
    expect(lines(result.stderr)).toEqual(['weir: 2 problem(s) in DAG files']);
  });

  it('skips the typecheck with --no-typecheck', async () => {
    const result = await weir('dags', 'validate', '--no-typecheck');
    expect(lines(result.stdout)).toEqual(['iso_exits.ts: exited with code 7 while it was imported', '2 DAG(s) OK']);
  });

  it('lists the DAGs that loaded beside a file that exits', async () => {
    const result = await weir('dags', 'list', '--json');
    expect((JSON.parse(result.stdout) as { id: string }[]).map((d) => d.id)).toEqual(['iso_good', 'iso_typed']);
  });
});

describe('weir trigger of a DAG that no worker knows', () => {
  it('fails and names the reason', async () => {
    const result = await weir('trigger', 'iso_good', '--wait');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/This worker has no DAG "iso_good"/);
  });

  it('fails at once without --wait too, instead of printing a run id', async () => {
    const result = await weir('trigger', 'iso_good');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/This worker has no DAG "iso_good"/);
  });
});
