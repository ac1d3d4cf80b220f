import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dag, InvalidParamsError, NonRetryableError } from '../sdk/index.ts';
import { testStack } from '../test/stack.ts';
import { DatabaseNotConfiguredError, testDag, testTask, type DagTestResult } from './index.ts';
import { cachedWorkflowBundle } from './workflow-bundle-cache.ts';

const report = dag({ id: 'testing_report', params: z.object({ minRows: z.number().default(1000) }), defaults: { retries: 2, retryDelay: '30s' } })
  .task('extract', async () => ({ rows: 1200 }))
  .task('parts', async () => [1, 2, 3])
  .task('check', { needs: ['extract'] }, async (ctx) => ctx.outputs.extract.rows >= ctx.params.minRows)
  .branch('route', { needs: ['check'] }, (ctx) => (ctx.outputs.check ? 'publish' : 'alert'))
  .task('publish', { needs: ['route'] }, async () => ({ published: true }))
  .task('alert', { needs: ['route'] }, async (ctx) => ctx.log.warn('too few rows'))
  .map('scale', { over: 'parts' }, async (_ctx, part: number) => part * 10)
  .task('cleanup', { needs: ['publish', 'alert'], triggerRule: 'all_done' }, async () => 'done');

let attemptsOfFlaky = 0;
const broken = dag({ id: 'testing_broken', defaults: { retries: 3, retryDelay: '1s' } })
  .task('prepare', async () => 'ready')
  .task('load', { needs: ['prepare'] }, async () => {
    attemptsOfFlaky++;
    throw new Error('warehouse unreachable');
  })
  .task('explode', { needs: ['prepare'] }, async () => {
    throw new NonRetryableError('the input table is empty');
  })
  .task('publish', { needs: ['explode'] }, async () => 'never');

const usesDatabase = dag({ id: 'testing_database' }).task('count_runs', async (ctx) => {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from dag_runs`.execute(ctx.services.db);
  return rows[0]?.n ?? -1;
});

function task(result: DagTestResult, id: string) {
  const found = result.tasks.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no task ${id} in the result`);
  return found;
}

/** The shared test server, so most cases skip the start of one of their own. */
const shared = () => ({ temporalAddress: testStack().temporalAddress });

describe('testDag on the real interpreter', () => {
  it('runs every task and gives each one its state, duration and output', async () => {
    const seen = new Set<string>();
    const result = await testDag(report, { params: { minRows: 500 }, ...shared(), onProgress: (snapshot) => seen.add(snapshot.status) });
    expect(result.status).toBe('success');
    expect(result.params).toEqual({ minRows: 500 });
    expect(task(result, 'extract')).toMatchObject({ state: 'success', attempts: 1, output: { rows: 1200 } });
    expect(task(result, 'scale')).toMatchObject({ kind: 'map', state: 'success', output: [10, 20, 30] });
    expect(task(result, 'check').output).toBe(true);
    expect(task(result, 'route').output).toEqual(['publish']);
    expect(task(result, 'publish')).toMatchObject({ state: 'success', output: { published: true } });
    expect(task(result, 'alert')).toMatchObject({ state: 'skipped', output: undefined });
    expect(task(result, 'cleanup').output).toBe('done');
    expect(task(result, 'extract').durationMs).toBeGreaterThanOrEqual(0);
    expect(seen.has('success')).toBe(true);
  });

  it('takes the other branch when the params say so, on a dev server it starts and stops itself', async () => {
    const result = await testDag(report, { params: { minRows: 5000 } });
    expect(result.status).toBe('success');
    expect(task(result, 'route').output).toEqual(['alert']);
    expect(task(result, 'publish').state).toBe('skipped');
    expect(task(result, 'alert')).toMatchObject({ state: 'success', output: null });
  });

  it('reports a failed run with each task error and the states downstream', async () => {
    attemptsOfFlaky = 0;
    const result = await testDag(broken, { ...shared(), retries: false });
    expect(result.status).toBe('failed');
    expect(task(result, 'explode')).toMatchObject({ state: 'failed', error: expect.stringContaining('the input table is empty') as unknown });
    expect(task(result, 'load')).toMatchObject({ state: 'failed', attempts: 1, error: expect.stringContaining('warehouse unreachable') as unknown });
    expect(attemptsOfFlaky).toBe(1);
    expect(task(result, 'publish').state).toBe('upstream_failed');
    expect(task(result, 'prepare')).toMatchObject({ state: 'success', output: 'ready' });
  });

  it('honours retries unless told not to', async () => {
    attemptsOfFlaky = 0;
    const result = await testDag(dag({ id: 'testing_retry', defaults: { retries: 1, retryDelay: '1s' } }).task('load', async () => {
      attemptsOfFlaky++;
      if (attemptsOfFlaky < 2) throw new Error('first attempt fails');
      return 'loaded';
    }), shared());
    expect(task(result, 'load')).toMatchObject({ state: 'success', attempts: 2, output: 'loaded' });
  });

  it('rejects bad params before starting anything', async () => {
    await expect(testDag(report, { params: { minRows: 'many' }, ...shared() })).rejects.toBeInstanceOf(InvalidParamsError);
  });

  it('fails a task that queries Postgres without one, saying what to set, and runs it with DATABASE_URL', async () => {
    const without = await testDag(usesDatabase, shared());
    expect(without.status).toBe('failed');
    expect(task(without, 'count_runs').error).toMatch(/this test run has none: set DATABASE_URL/);
    const withDb = await testDag(usesDatabase, { ...shared(), databaseUrl: testStack().databaseUrl });
    expect(withDb.status).toBe('success');
    expect(typeof task(withDb, 'count_runs').output).toBe('number');
  });
});

describe('testTask with operators that use Postgres', () => {
  it('fails the first query without a database, and runs with DATABASE_URL', async () => {
    await expect(testTask(usesDatabase, 'count_runs')).rejects.toBeInstanceOf(DatabaseNotConfiguredError);
    const { output } = await testTask(usesDatabase, 'count_runs', { databaseUrl: testStack().databaseUrl });
    expect(typeof output).toBe('number');
  });
});

describe('cachedWorkflowBundle', () => {
  it('bundles the interpreter once and reuses the file while its source is unchanged', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'weir-bundle-cache-'));
    try {
      const first = await cachedWorkflowBundle(dir);
      const second = await cachedWorkflowBundle(dir);
      expect(first.built).toBe(true);
      expect(second).toEqual({ path: first.path, built: false });
      expect(await readdir(dir)).toEqual([path.basename(first.path)]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
