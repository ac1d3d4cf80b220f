import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  const { temporalAddress, databaseUrl } = testStack();
  const traceFile = path.join(traceDir, `${argv.join('-').replace(/\W+/g, '_')}.txt`);
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, WEIR_MODULE_TRACE: traceFile };
  await new Promise<void>((resolve) => {
    execFile(process.execPath, ['--import', TRACE_PRELOAD, WEIR, '--dags', DAGS, ...argv], { cwd: REPO, env, timeout: 60_000 }, () => resolve());
  });
  return [...new Set((await readFile(traceFile, 'utf8')).split('\n').filter(Boolean))];
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

  // `runs list` reads each run's logical date from Postgres, so it loads the driver, but no more.
  it('models list loads no Temporal client', async () => {
    expect((await modulesLoadedBy('models', 'list')).filter((module) => /node_modules\/@temporalio\/client\//.test(module))).toEqual([]);
  });

  it('sees the bundler where a command needs it (dags validate compiles DAG files)', async () => {
    expect(heavyIn(await modulesLoadedBy('dags', 'validate'))).toContain('the bundler');
  });
});
