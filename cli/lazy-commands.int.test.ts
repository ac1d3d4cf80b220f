import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { triggerRun } from '../control/runs.ts';
import { testStack } from '../test/stack.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const WEIR = path.join(REPO, 'bin', 'weir.mjs');
const TRACE_PRELOAD = path.join(REPO, 'test', 'module-trace', 'register.mjs');
const DAGS = path.join(REPO, 'cli', 'fixtures', 'dags');

/** What `weir --help`, `runs`, `models`, `approve` and `pause` must never load. */
const HEAVY = [
  { name: 'the worker package', pattern: /node_modules\/@temporalio\/worker\// },
  { name: 'the Weir worker', pattern: /\/dist\/worker\/create-worker\.js/ },
  { name: 'the bundler', pattern: /node_modules\/(esbuild|webpack|@swc)\// },
  { name: 'DuckDB', pattern: /node_modules\/@duckdb\// },
  { name: 'the operators', pattern: /\/dist\/ops\// },
  { name: 'the activities', pattern: /\/dist\/activities\// },
];

let traceDir: string;
beforeAll(async () => {
  traceDir = await mkdtemp(path.join(tmpdir(), 'weir-module-trace-'));
});
afterAll(async () => {
  await rm(traceDir, { recursive: true, force: true });
});

/** Runs the real `weir` (compiled dist/) and returns every module it loaded, whatever its exit code. */
async function modulesLoadedBy(...argv: string[]): Promise<string[]> {
  return (await tracedRun(...argv)).modules;
}

async function tracedRun(...argv: string[]): Promise<{ modules: string[]; stdout: string }> {
  const { temporalAddress, databaseUrl } = testStack();
  const traceFile = path.join(traceDir, `${argv.join('-').replace(/\W+/g, '_')}.txt`);
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, WEIR_MODULE_TRACE: traceFile };
  const stdout = await new Promise<string>((resolve) => {
    execFile(process.execPath, ['--import', TRACE_PRELOAD, WEIR, '--dags', DAGS, ...argv], { cwd: REPO, env, timeout: 60_000 }, (_error, out) => resolve(out));
  });
  return { modules: [...new Set((await readFile(traceFile, 'utf8')).split('\n').filter(Boolean))], stdout };
}

function heavyIn(modules: string[]): string[] {
  return HEAVY.filter(({ pattern }) => modules.some((module) => pattern.test(module))).map(({ name }) => name);
}

describe('each weir command loads only its own modules', () => {
  it.each(['--help', 'runs list', 'runs show no-such-run', 'models list', 'approve no-such-run review', 'pause no_such_dag'])(
    'weir %s never imports the worker, the bundler, DuckDB or the operators',
    async (commandLine) => {
      const modules = await modulesLoadedBy(...commandLine.split(' '));
      expect(modules.some((module) => module.includes('/dist/cli/'))).toBe(true);
      expect(heavyIn(modules)).toEqual([]);
    },
  );

  it('--help loads neither the Temporal client nor Kysely', async () => {
    const modules = await modulesLoadedBy('--help');
    expect(modules.filter((module) => /node_modules\/(@temporalio\/client|kysely|pg)\//.test(module))).toEqual([]);
  });

  it('runs list of runs Weir started reads their logical dates from the listing, without Kysely or pg', async () => {
    const connection = await Connection.connect({ address: testStack().temporalAddress });
    const client = new Client({ connection });
    const dagId = `lazy_list_${Date.now().toString(36)}`;
    // No worker serves this queue: the run stays open and listed, with the memo its start wrote.
    const runId = await triggerRun(client, { dagId, params: {}, taskQueue: `lazy-commands-${process.pid}`, logicalDate: new Date('2026-03-01T00:00:00Z') });
    try {
      let traced = { modules: [] as string[], stdout: '' };
      // Visibility records follow the start of a run by a moment.
      for (let i = 0; i < 20 && !traced.stdout.includes(runId); i++) traced = await tracedRun('runs', 'list', '--dag', dagId, '--json');
      expect(JSON.parse(traced.stdout)).toEqual([expect.objectContaining({ runId, logicalDate: '2026-03-01T00:00:00.000Z' })]);
      expect(traced.modules.filter((module) => /node_modules\/(kysely|pg)\//.test(module))).toEqual([]);
    } finally {
      await client.workflow.getHandle(runId).terminate('test over').catch(() => {});
      await connection.close();
    }
  });

  it('models list loads no Temporal client', async () => {
    expect((await modulesLoadedBy('models', 'list')).filter((module) => /node_modules\/@temporalio\/client\//.test(module))).toEqual([]);
  });

  it('sees the bundler where a command needs it (dags validate compiles DAG files)', async () => {
    expect(heavyIn(await modulesLoadedBy('dags', 'validate', '--no-cache'))).toContain('the bundler');
  });

  it('a warm dags validate (no file changed) loads neither the bundler nor the Temporal client', async () => {
    await modulesLoadedBy('dags', 'validate', '--no-typecheck');
    const { modules, stdout } = await tracedRun('dags', 'validate', '--no-typecheck');
    expect(stdout).toMatch(/\d+ DAG\(s\) OK/);
    expect(heavyIn(modules)).toEqual([]);
    expect(modules.filter((module) => /node_modules\/@temporalio\/client\//.test(module))).toEqual([]);
  });
});
