import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable, Updateable } from 'kysely';
import type { RunStatus, RunType, TaskState } from '../plan/types.ts';
import type { ModelRegistryTables } from '../registry/schema.ts';
import type { BaselineTables } from '../ops/drift/tables.ts';
import type { TaskLogTables } from '../logs/tables.ts';

/** Reads come back as Date (pg parses timestamptz); writes accept ISO strings too. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
export type NullableTimestamp = ColumnType<Date | null, Date | string | null, Date | string | null>;
/** Filled by a `now()` default on insert; every upsert sets it explicitly. */
export type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

/** One row per DAG run, the latest snapshot the workflow reported. */
export interface DagRunsTable {
  run_id: string;
  dag_id: string;
  run_type: RunType;
  status: RunStatus;
  logical_date: Timestamp;
  params: JSONColumnType<Record<string, unknown>>;
  started_at: Timestamp;
  ended_at: NullableTimestamp;
  updated_at: UpdatedAt;
}

/**
 * One row per task of a run (map_index -1) plus one per mapped instance (map_index >= 0).
 * No foreign key to dag_runs: task activities may report an attempt before the workflow's
 * first snapshot lands.
 */
export interface TaskRunsTable {
  run_id: string;
  task_id: string;
  map_index: Generated<number>;
  state: TaskState;
  attempts: number;
  started_at: NullableTimestamp;
  ended_at: NullableTimestamp;
  error: string | null;
  updated_at: UpdatedAt;
}

export interface RunRecordTables {
  dag_runs: DagRunsTable;
  task_runs: TaskRunsTable;
}

/**
 * The one typed view of the database; migrations alone use `Kysely<any>`. Each feature declares
 * its own tables and joins them here.
 */
export type Database = RunRecordTables & ModelRegistryTables & BaselineTables & TaskLogTables;

export type DagRunRow = Selectable<DagRunsTable>;
export type NewDagRunRow = Insertable<DagRunsTable>;
export type DagRunUpdate = Updateable<DagRunsTable>;
export type TaskRunRow = Selectable<TaskRunsTable>;
export type NewTaskRunRow = Insertable<TaskRunsTable>;
export type TaskRunUpdate = Updateable<TaskRunsTable>;

/** map_index of the row that stands for the task as a whole. */
export const WHOLE_TASK_MAP_INDEX = -1;
