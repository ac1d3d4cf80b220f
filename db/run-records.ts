import { sql, type Kysely, type Transaction } from 'kysely';
import type { RunSnapshot, RunStatus, RunType, TaskState } from '../plan/types.ts';
import { WHOLE_TASK_MAP_INDEX, type Database, type DagRunRow, type NewTaskRunRow, type TaskRunRow } from './schema.ts';

/** Postgres takes at most 65,535 bind parameters per statement; a task row uses 8. */
const TASK_ROWS_PER_STATEMENT = 1_000;

/**
 * Stores what a run looks like now: the dag_runs row and one task_runs row per task and per
 * mapped instance, all in one transaction. Replaying the same snapshot changes nothing but
 * `updated_at`, so the workflow may retry the activity that calls this freely.
 *
 * @example
 * await recordRunSnapshot(db, snapshot); // from the weir.recordRun activity
 */
export async function recordRunSnapshot(db: Kysely<Database>, snapshot: RunSnapshot): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('dag_runs')
      .values({
        run_id: snapshot.runId,
        dag_id: snapshot.dagId,
        run_type: snapshot.runType,
        status: snapshot.status,
        logical_date: snapshot.logicalDate,
        params: JSON.stringify(snapshot.params),
        started_at: snapshot.startedAt,
        ended_at: snapshot.endedAt,
        updated_at: sql<Date>`now()`,
      })
      .onConflict((conflict) =>
        conflict.column('run_id').doUpdateSet((eb) => ({
          dag_id: eb.ref('excluded.dag_id'),
          run_type: eb.ref('excluded.run_type'),
          status: eb.ref('excluded.status'),
          logical_date: eb.ref('excluded.logical_date'),
          params: eb.ref('excluded.params'),
          started_at: eb.ref('excluded.started_at'),
          ended_at: eb.ref('excluded.ended_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();

    const rows = taskRowsOf(snapshot);
    for (let start = 0; start < rows.length; start += TASK_ROWS_PER_STATEMENT) {
      await upsertSnapshotTaskRows(trx, rows.slice(start, start + TASK_ROWS_PER_STATEMENT));
    }
  });
}

function taskRowsOf(snapshot: RunSnapshot): NewTaskRunRow[] {
  const rows: NewTaskRunRow[] = [];
  for (const task of snapshot.tasks) {
    rows.push({
      run_id: snapshot.runId,
      task_id: task.id,
      map_index: WHOLE_TASK_MAP_INDEX,
      state: task.state,
      attempts: task.attempts,
      started_at: task.startedAt,
      ended_at: task.endedAt,
      error: task.error,
    });
    for (const instance of task.instances ?? []) {
      rows.push({
        run_id: snapshot.runId,
        task_id: task.id,
        map_index: instance.index,
        state: instance.state,
        attempts: instance.attempts,
        started_at: null,
        ended_at: null,
        error: instance.error,
      });
    }
  }
  return rows;
}

async function upsertSnapshotTaskRows(trx: Transaction<Database>, rows: NewTaskRunRow[]): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto('task_runs')
    .values(rows.map((row) => ({ ...row, updated_at: sql<Date>`now()` })))
    .onConflict((conflict) =>
      conflict.columns(['run_id', 'task_id', 'map_index']).doUpdateSet((eb) => ({
        state: eb.ref('excluded.state'),
        attempts: eb.ref('excluded.attempts'),
        // Snapshots carry no times for mapped instances; keep the ones recordTaskAttempt wrote,
        // unless a clear sent the task back to pending.
        started_at: sql<Date | null>`case when excluded.state = 'pending' then excluded.started_at
          else coalesce(excluded.started_at, task_runs.started_at) end`,
        ended_at: sql<Date | null>`case when excluded.state = 'pending' then excluded.ended_at
          else coalesce(excluded.ended_at, task_runs.ended_at) end`,
        error: eb.ref('excluded.error'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

export interface TaskAttemptRecord {
  runId: string;
  taskId: string;
  /** -1 (the default) for an unmapped task. */
  mapIndex?: number;
  state: TaskState;
  /** 1-based attempt number, as Temporal's activity info reports it. */
  attempt: number;
  startedAt: string | Date | null;
  endedAt: string | Date | null;
  error: string | null;
}

/**
 * Records attempts of tasks (or mapped instances) as the activity sees them, in one statement.
 * A report from an older attempt that arrives late never overwrites a newer one. At most one
 * record per task and map index: Postgres cannot upsert the same row twice in one statement.
 */
export async function recordTaskAttempts(db: Kysely<Database>, records: readonly TaskAttemptRecord[]): Promise<void> {
  for (let start = 0; start < records.length; start += TASK_ROWS_PER_STATEMENT) {
    await upsertAttemptRows(db, records.slice(start, start + TASK_ROWS_PER_STATEMENT));
  }
}

/** One attempt: `recordTaskAttempts` with a single record. */
export async function recordTaskAttempt(db: Kysely<Database>, record: TaskAttemptRecord): Promise<void> {
  await recordTaskAttempts(db, [record]);
}

async function upsertAttemptRows(db: Kysely<Database>, records: readonly TaskAttemptRecord[]): Promise<void> {
  if (records.length === 0) return;
  await db
    .insertInto('task_runs')
    .values(
      records.map((record) => ({
        run_id: record.runId,
        task_id: record.taskId,
        map_index: record.mapIndex ?? WHOLE_TASK_MAP_INDEX,
        state: record.state,
        attempts: record.attempt,
        started_at: record.startedAt,
        ended_at: record.endedAt,
        error: record.error,
        updated_at: sql<Date>`now()`,
      })),
    )
    .onConflict((conflict) =>
      conflict
        .columns(['run_id', 'task_id', 'map_index'])
        .doUpdateSet((eb) => ({
          state: eb.ref('excluded.state'),
          attempts: eb.ref('excluded.attempts'),
          // The end-of-attempt report does not repeat the start time; keep the one recorded.
          started_at: eb.fn.coalesce('excluded.started_at', 'task_runs.started_at'),
          ended_at: eb.ref('excluded.ended_at'),
          error: eb.ref('excluded.error'),
          updated_at: eb.ref('excluded.updated_at'),
        }))
        .where('task_runs.attempts', '<=', (eb) => eb.ref('excluded.attempts')),
    )
    .execute();
}

/** A dag_runs row in the shape the CLI and API print: camelCase, ISO timestamps. */
export interface DagRunRecord {
  runId: string;
  dagId: string;
  runType: RunType;
  status: RunStatus;
  logicalDate: string;
  params: Record<string, unknown>;
  startedAt: string;
  endedAt: string | null;
  updatedAt: string;
}

export interface TaskRunRecord {
  runId: string;
  taskId: string;
  mapIndex: number;
  state: TaskState;
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  error: string | null;
  updatedAt: string;
}

/** Most recent runs first, optionally of one DAG. */
export async function listDagRuns(
  db: Kysely<Database>,
  options: { dagId?: string; limit: number },
): Promise<DagRunRecord[]> {
  let query = db.selectFrom('dag_runs').selectAll().orderBy('started_at', 'desc').orderBy('run_id').limit(options.limit);
  if (options.dagId !== undefined) query = query.where('dag_id', '=', options.dagId);
  return (await query.execute()).map(toDagRunRecord);
}

/** The logical dates of the given runs that have a record, by run id. */
export async function findLogicalDates(db: Kysely<Database>, runIds: readonly string[]): Promise<Map<string, string>> {
  if (runIds.length === 0) return new Map();
  const rows = await db.selectFrom('dag_runs').select(['run_id', 'logical_date']).where('run_id', 'in', [...runIds]).execute();
  return new Map(rows.map((row) => [row.run_id, row.logical_date.toISOString()]));
}

export async function findDagRun(db: Kysely<Database>, runId: string): Promise<DagRunRecord | null> {
  const row = await db.selectFrom('dag_runs').selectAll().where('run_id', '=', runId).executeTakeFirst();
  return row === undefined ? null : toDagRunRecord(row);
}

/** Tasks of a run in id order, each whole-task row before its mapped instances. */
export async function listTaskRuns(db: Kysely<Database>, runId: string): Promise<TaskRunRecord[]> {
  const rows = await db
    .selectFrom('task_runs')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('task_id')
    .orderBy('map_index')
    .execute();
  return rows.map(toTaskRunRecord);
}

function toDagRunRecord(row: DagRunRow): DagRunRecord {
  return {
    runId: row.run_id,
    dagId: row.dag_id,
    runType: row.run_type,
    status: row.status,
    logicalDate: row.logical_date.toISOString(),
    params: row.params,
    startedAt: row.started_at.toISOString(),
    endedAt: row.ended_at?.toISOString() ?? null,
    updatedAt: row.updated_at.toISOString(),
  };
}

function toTaskRunRecord(row: TaskRunRow): TaskRunRecord {
  return {
    runId: row.run_id,
    taskId: row.task_id,
    mapIndex: row.map_index,
    state: row.state,
    attempts: row.attempts,
    startedAt: row.started_at?.toISOString() ?? null,
    endedAt: row.ended_at?.toISOString() ?? null,
    error: row.error,
    updatedAt: row.updated_at.toISOString(),
  };
}
