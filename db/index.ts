export { createDb, type CreateDbOptions } from './connection.ts';
export { migrateToLatest, migrationsFolder, MigrationError, TypeScriptFolderMigrationProvider } from './migrate.ts';
export {
  recordRunSnapshot,
  recordTaskAttempt,
  recordTaskAttempts,
  listDagRuns,
  findDagRun,
  listTaskRuns,
  type TaskAttemptRecord,
  type DagRunRecord,
  type TaskRunRecord,
} from './run-records.ts';
export { WHOLE_TASK_MAP_INDEX } from './schema.ts';
export type {
  Database,
  DagRunsTable,
  TaskRunsTable,
  DagRunRow,
  NewDagRunRow,
  DagRunUpdate,
  TaskRunRow,
  NewTaskRunRow,
  TaskRunUpdate,
  Timestamp,
  NullableTimestamp,
} from './schema.ts';
