import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestWorker, runToEnd, type TestWorker } from '../harness.ts';
import { testStack } from '../stack.ts';
import { expectContained, lines, REPO, runWeir } from './outside.ts';

// Inside the repository, so `import { dag } from 'weir'` and `typescript` resolve as for users.
const root = path.join(REPO, 'test', '.tmp', `fault-dag-files-int-${process.pid}`);
const dags = path.join(root, 'dags');
const spawners = path.join(root, 'spawners');
const taskQueue = `fault-dagfiles-${randomUUID().slice(0, 8)}`;
// A short per-file load limit: a hang costs it twice (the batch, then the file alone), not 30 s twice.
const LOAD_LIMIT = { WEIR_DAG_LOAD_TIMEOUT_MS: '2000' };
// A marker no other process has in its command line, for the orphan check.
const ORPHAN_SECONDS = `${Math.floor(Math.random() * 1000) + 1000}.5`;

const DAG_FILES: Record<string, string> = {
  'good.ts': "import { dag } from 'weir';\nexport default dag({ id: 'fault_good' }).task('a', async () => 'ran');\n",
  'hangs.ts': "import { dag } from 'weir';\nwhile (true) {}\nexport default dag({ id: 'fault_hangs' }).task('a', async () => 1);\n",
  'exits.ts': 'process.exit(4);\n',
  'crashes.ts': "process.kill(process.pid, 'SIGSEGV');\n",
  'throws.ts': "import { dag } from 'weir';\nthrow new RangeError('no config for region eu-west-9');\n",
  'typed.ts': "import { dag } from 'weir';\nexport default dag({ id: 'fault_typed' }).task('a', async () => {\n  const rows: number = 'many';\n  return rows;\n});\n",
  'bad_default.ts':
    "import { dag } from 'weir';\nimport { z } from 'zod';\nexport default dag({ id: 'fault_bad_default', params: z.object({ n: z.number().int().min(1).default(0) }) }).task('a', async () => 1);\n",
};

let worker: TestWorker | undefined;
const workerLog: string[] = [];

beforeAll(async () => {
  await mkdir(dags, { recursive: true });
  await mkdir(spawners, { recursive: true });
  for (const [name, source] of Object.entries(DAG_FILES)) await writeFile(path.join(dags, name), source);
  await writeFile(
    path.join(spawners, 'spawns.ts'),
    `import { spawn } from 'node:child_process';\nimport { dag } from 'weir';\nspawn('sleep', ['${ORPHAN_SECONDS}'], { stdio: 'ignore' });\nexport default dag({ id: 'fault_spawns' }).task('a', async () => 1);\n`,
  );
});
afterAll(async () => {
  await worker?.shutdown();
  await rm(root, { recursive: true, force: true });
});

function weir(...argv: string[]) {
  const { temporalAddress, databaseUrl } = testStack();
  return runWeir(argv, { env: { TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, WEIR_TASK_QUEUE: taskQueue, ...LOAD_LIMIT }, deadlineMs: 150_000 });
}

const EXPECTED_PROBLEMS = [
  'bad_default.ts › dag fault_bad_default › field params.n: default 0 violates its own schema: Too small: expected number to be >=1',
  'crashes.ts: crashed the loading process (signal SIGSEGV) while it was imported',
  'exits.ts: exited with code 4 while it was imported',
  'hangs.ts: timed out after 2 s while it was imported',
  'throws.ts: the file threw while it was imported: RangeError: no config for region eu-west-9',
];

describe('a DAGs folder with files that hang, exit, crash, throw, mistype and misdefault', () => {
  it('weir dags validate names each offender in one line, with file:line for the type error, and checks the rest', async () => {
    const result = await weir('--dags', dags, 'dags', 'validate');
    expectContained(result);
    expect(result.code).toBe(1);
    expect(lines(result.stdout)).toEqual([...EXPECTED_PROBLEMS, "typed.ts:3:9: type error TS2322: Type 'string' is not assignable to type 'number'.", '2 DAG(s) OK']);
    expect(lines(result.stderr)).toEqual(['weir: 6 problem(s) in DAG files']);
  }, 160_000);

  it('weir dags list lists the DAGs that loaded and exits 0', async () => {
    const result = await weir('--dags', dags, 'dags', 'list', '--json');
    expectContained(result);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { id: string }[]).map((d) => d.id)).toEqual(['fault_good', 'fault_typed']);
  }, 160_000);

  it('the worker serves the DAGs that loaded, names each offender, and a run of a good DAG succeeds', async () => {
    worker = await startTestWorker({ dagsDir: dags, taskQueue, env: { ...process.env, ...LOAD_LIMIT }, log: (line) => workerLog.push(line) });
    const snapshot = await runToEnd(worker, 'fault_good');
    expect(snapshot.status).toBe('success');
    for (const problem of EXPECTED_PROBLEMS) expect(workerLog).toContain(`DAG problem: ${problem}`);
    expect(workerLog.join('\n')).toContain('loaded 2 DAG(s)');
  }, 160_000);

  it('a file that starts a process at import leaves none behind once validation is over', async () => {
    const result = await weir('--dags', spawners, 'dags', 'validate', '--no-typecheck', '--no-cache');
    // runWeir fails this on any process left in the command's process group: the sleep would be one.
    expectContained(result);
    expect(lines(result.stdout)).toEqual(['1 DAG(s) OK']);
  }, 60_000);
});
