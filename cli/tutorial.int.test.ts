import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleIdFor, syncSchedules } from '../control/schedules.ts';
import { startTestWorker, type TestWorker } from '../test/harness.ts';
import { testStack } from '../test/stack.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WEIR = path.join(REPO, 'bin', 'weir.mjs');
// Inside the repository, so the DAG file's `import ... from 'weir'` resolves as in a user's project.
const PROJECT = path.join(REPO, '.weir', 'tmp', `tutorial-${randomUUID().slice(0, 8)}`);
const DAGS = path.join(PROJECT, 'dags');
const taskQueue = `tutorial-${randomUUID().slice(0, 8)}`;

interface Tutorial {
  dagFile: string;
  dagCode: string;
  /** Every `npx weir ...` line of the tutorial's shell blocks, in order, split into words. */
  commands: { argv: string[]; needsStack: boolean }[];
}

/** Reads the five-minute tutorial out of README.md, so the test runs what a reader types. */
async function readTutorial(): Promise<Tutorial> {
  const readme = await readFile(path.join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('## A five-minute tutorial');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end);
  const dagFile = /Create `(dags\/[\w-]+\.ts)`/.exec(section)?.[1];
  const dagCode = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!dagFile || !dagCode) throw new Error('the tutorial has no DAG file to create');
  const stackStartsAt = section.indexOf('`npx weir dev`');
  const commands: Tutorial['commands'] = [];
  for (const block of section.matchAll(/```bash\n([\s\S]*?)```/g)) {
    for (const line of (block[1] ?? '').split('\n')) {
      if (!line.startsWith('npx weir ')) continue;
      commands.push({ argv: shellWords(line).slice(2), needsStack: (block.index ?? 0) > stackStartsAt });
    }
  }
  return { dagFile, dagCode, commands };
}

/** Splits a command line as a POSIX shell would for the plain and single-quoted words the README uses. */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? '');
}

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function weir(argv: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [WEIR, ...argv], { cwd: PROJECT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

let tutorial: Tutorial;
let worker: TestWorker | undefined;

beforeAll(async () => {
  tutorial = await readTutorial();
  await mkdir(DAGS, { recursive: true });
  await writeFile(path.join(PROJECT, tutorial.dagFile), tutorial.dagCode);
});
afterAll(async () => {
  await worker?.client.schedule.getHandle(scheduleIdFor('churn_report', worker.taskQueue)).delete().catch(() => {});
  await worker?.shutdown();
  await rm(PROJECT, { recursive: true, force: true });
});

describe('the README five-minute tutorial', () => {
  it('lists the steps this test checks, in this order', () => {
    expect(tutorial.commands.map((command) => command.argv.slice(0, 2).join(' '))).toEqual([
      'dags validate',
      'dags test',
      'tasks test',
      'trigger churn_report',
      'runs show',
      'dags list',
      'pause churn_report',
      'unpause churn_report',
      'backfill churn_report',
    ]);
    expect(tutorial.commands.map((command) => command.needsStack)).toEqual([false, false, false, true, true, true, true, true, true]);
  });

  it('works step by step: validate, test without a stack, then run on the stack', async () => {
    const results: CliResult[] = [];
    let runId = '';
    for (const command of tutorial.commands) {
      if (command.needsStack && !worker) {
        worker = await startTestWorker({ dagsDir: DAGS, taskQueue });
        // What `weir dev`'s worker does at start; here without deleting the shared server's other schedules.
        await syncSchedules(worker.client, [...worker.catalog.dags.values()].map((loaded) => loaded.plan), taskQueue, { deleteOrphans: false });
      }
      const { temporalAddress, databaseUrl } = testStack();
      // Before `weir dev` the reader has no stack: no Temporal, no Postgres in the environment.
      const env: Record<string, string> = command.needsStack ? { TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, WEIR_TASK_QUEUE: taskQueue } : {};
      const argv = command.argv.map((word) => (word === '<runId>' ? runId : word));
      const result = await weir(argv, env);
      expect({ argv, ...result }).toMatchObject({ argv, code: 0 });
      if (argv[0] === 'trigger') runId = /^started run (\S+)$/m.exec(result.stdout)?.[1] ?? '';
      results.push(result);
    }
    const [validate, dagsTest, tasksTest, trigger, show, list, pause, unpause, backfill] = results.map((result) => result.stdout);
    expect(validate).toBe('1 DAG(s) OK\n');
    expect(dagsTest).toMatch(/^extract\s+success\s+1\s+\S+\s+\{"rows":1200\}$/m);
    expect(dagsTest).toMatch(/^publish\s+success\s+1\s+\S+\s+\{"published":true\}$/m);
    expect(dagsTest).toMatch(/^alert\s+skipped\s+0$/m);
    expect(dagsTest).toMatch(/test run of DAG churn_report succeeded\n$/);
    expect(tasksTest).toBe('false\n');
    expect(runId).toMatch(/^churn_report-manual-/);
    expect(trigger).toContain(`run ${runId} succeeded`);
    expect(show).toContain(`run ${runId}: success`);
    expect(show).toMatch(/^cleanup\s+success/m);
    expect(list).toMatch(/^churn_report\s+0 2 \* \* \*/m);
    expect(pause).toBe(`paused churn_report (schedule ${scheduleIdFor('churn_report', taskQueue)})\n`);
    expect(unpause).toBe(`unpaused churn_report (schedule ${scheduleIdFor('churn_report', taskQueue)})\n`);
    // 1, 2 and 3 January at 02:00 Berlin time, one at a time (maxActiveRuns: 1).
    expect(backfill).toMatch(/started 3 run\(s\); 0 already existed/);
  });
});
