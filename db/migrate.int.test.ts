import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSnapshot } from '../plan/types.ts';
import { testStack } from '../test/stack.ts';
import {
  createDb,
  listDagRuns,
  listTaskRuns,
  migrateToLatest,
  MigrationError,
  recordRunSnapshot,
  recordTaskAttempt,
  recordTaskAttempts,
  type Database,
} from './index.ts';

/** A fresh database beside the shared one, so migrations can start from nothing. */
async function withScratchDatabase(use: (databaseUrl: string) => Promise<void>): Promise<void> {
  const sharedUrl = new URL(testStack().databaseUrl);
  const name = `weir_scratch_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: sharedUrl.href });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    const scratchUrl = new URL(sharedUrl.href);
    scratchUrl.pathname = `/${name}`;
    await use(scratchUrl.href);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

describe('migrateToLatest', () => {
  it('applies every migration once; a second run applies nothing', async () => {
    await withScratchDatabase(async (databaseUrl) => {
      const db = createDb(databaseUrl);
      try {
        const first = await migrateToLatest(db);
        expect(first.applied).toContain('2026_11_26_000000_run_records');
        const second = await migrateToLatest(db);
        expect(second.applied).toEqual([]);
        const tables = await db.introspection.getTables();
        expect(tables.map((table) => table.name)).toEqual(expect.arrayContaining(['dag_runs', 'task_runs']));
      } finally {
        await db.destroy();
      }
    });
  });

  it('names the failing migration and leaves the database as it was', async () => {
    await withScratchDatabase(async (databaseUrl) => {
      const db = createDb(databaseUrl);
      const broken: MigrationProvider = {
        getMigrations: async (): Promise<Record<string, Migration>> => ({
          '0001_good': { up: async (target) => void (await sql`create table good_one (id int)`.execute(target)) },
          '0002_broken': { up: async (target) => void (await sql`create table broken (id no_such_type)`.execute(target)) },
        }),
      };
      try {
        const attempt = migrateToLatest(db, broken);
        await expect(attempt).rejects.toBeInstanceOf(MigrationError);
        await expect(attempt).rejects.toMatchObject({ migrationName: '0002_broken' });
        const tables = await db.introspection.getTables();
        expect(tables.map((table) => table.name)).not.toContain('good_one');
      } finally {
        await db.destroy();
      }
    });
  });
});

describe('run records', () => {
  let db: Kysely<Database>;
  beforeAll(() => {
    db = createDb(testStack().databaseUrl);
  });
  afterAll(async () => {
    await db.destroy();
  });

  function snapshotOf(runId: string, dagId: string, startedAt: string): RunSnapshot {
    return {
      runId,
      dagId,
      runType: 'manual',
      status: 'running',
      logicalDate: '2026-11-23T00:00:00.000Z',
      startedAt,
      endedAt: null,
      params: { region: 'eu', sample: 0.5 },
      tasks: [
        {
          id: 'extract',
          kind: 'task',
          state: 'success',
          attempts: 2,
          startedAt,
          endedAt: '2026-11-26T10:01:00.000Z',
          error: null,
        },
        {
          id: 'score',
          kind: 'map',
          state: 'running',
          attempts: 1,
          startedAt: '2026-11-26T10:01:00.000Z',
          endedAt: null,
          error: null,
          instances: [
            { index: 0, state: 'success', attempts: 1, error: null },
            { index: 1, state: 'failed', attempts: 3, error: 'boom' },
          ],
        },
      ],
    };
  }

  it('upserts a snapshot idempotently, with a row per mapped instance', async () => {
    const runId = `run-${randomUUID()}`;
    const snapshot = snapshotOf(runId, 'records_dag', '2026-11-26T10:00:00.000Z');
    await recordRunSnapshot(db, snapshot);
    const firstTasks = await listTaskRuns(db, runId);
    await recordRunSnapshot(db, snapshot);

    const runs = await listDagRuns(db, { dagId: 'records_dag', limit: 100 });
    expect(runs.filter((run) => run.runId === runId)).toEqual([
      expect.objectContaining({ runId, status: 'running', params: { region: 'eu', sample: 0.5 }, endedAt: null }),
    ]);
    const tasks = await listTaskRuns(db, runId);
    const withoutUpdatedAt = (rows: typeof tasks) => rows.map(({ updatedAt: _updatedAt, ...row }) => row);
    expect(withoutUpdatedAt(tasks)).toEqual(withoutUpdatedAt(firstTasks));
    expect(tasks.map((task) => [task.taskId, task.mapIndex, task.state, task.attempts])).toEqual([
      ['extract', -1, 'success', 2],
      ['score', -1, 'running', 1],
      ['score', 0, 'success', 1],
      ['score', 1, 'failed', 3],
    ]);

    await recordRunSnapshot(db, { ...snapshot, status: 'success', endedAt: '2026-11-26T10:05:00.000Z' });
    const [finished] = await listDagRuns(db, { dagId: 'records_dag', limit: 1 });
    expect(finished).toMatchObject({ runId, status: 'success', endedAt: '2026-11-26T10:05:00.000Z' });
  });

  it('keeps instance times from task attempts, and ignores reports of older attempts', async () => {
    const runId = `run-${randomUUID()}`;
    await recordTaskAttempt(db, {
      runId,
      taskId: 'score',
      mapIndex: 1,
      state: 'failed',
      attempt: 3,
      startedAt: '2026-11-26T10:02:00.000Z',
      endedAt: '2026-11-26T10:03:00.000Z',
      error: 'boom',
    });
    await recordTaskAttempt(db, {
      runId,
      taskId: 'score',
      mapIndex: 1,
      state: 'running',
      attempt: 2,
      startedAt: '2026-11-26T10:01:30.000Z',
      endedAt: null,
      error: null,
    });
    await recordRunSnapshot(db, snapshotOf(runId, 'attempts_dag', '2026-11-26T10:00:00.000Z'));

    const instance = (await listTaskRuns(db, runId)).find((task) => task.taskId === 'score' && task.mapIndex === 1);
    expect(instance).toMatchObject({
      state: 'failed',
      attempts: 3,
      startedAt: '2026-11-26T10:02:00.000Z',
      endedAt: '2026-11-26T10:03:00.000Z',
      error: 'boom',
    });
  });

  it('records a batch of attempts of several tasks in one statement', async () => {
    const runId = `run-${randomUUID()}`;
    const attempt = (taskId: string, mapIndex: number, state: 'running' | 'success', n: number) => ({
      runId,
      taskId,
      mapIndex,
      state,
      attempt: n,
      startedAt: '2026-11-26T10:00:00.000Z',
      endedAt: state === 'success' ? '2026-11-26T10:00:01.000Z' : null,
      error: null,
    });
    await recordTaskAttempts(db, [attempt('a', -1, 'success', 1), attempt('b', -1, 'running', 2), attempt('m', 0, 'running', 1), attempt('m', 1, 'success', 1)]);
    // A later batch with an older attempt of b changes nothing about b.
    await recordTaskAttempts(db, [attempt('b', -1, 'success', 1), attempt('m', 0, 'success', 1)]);
    expect((await listTaskRuns(db, runId)).map((task) => [task.taskId, task.mapIndex, task.state, task.attempts])).toEqual([
      ['a', -1, 'success', 1],
      ['b', -1, 'running', 2],
      ['m', 0, 'success', 1],
      ['m', 1, 'success', 1],
    ]);
  });

  it('lists runs newest first, filtered by DAG and limited', async () => {
    const dagId = `list_dag_${randomUUID().slice(0, 8)}`;
    await recordRunSnapshot(db, snapshotOf(`run-${randomUUID()}`, dagId, '2026-11-20T00:00:00.000Z'));
    const newest = `run-${randomUUID()}`;
    await recordRunSnapshot(db, snapshotOf(newest, dagId, '2026-11-25T00:00:00.000Z'));
    await recordRunSnapshot(db, snapshotOf(`run-${randomUUID()}`, `${dagId}_other`, '2026-11-26T00:00:00.000Z'));

    const runs = await listDagRuns(db, { dagId, limit: 1 });
    expect(runs.map((run) => run.runId)).toEqual([newest]);
    expect(await listDagRuns(db, { dagId, limit: 10 })).toHaveLength(2);
  });
});
