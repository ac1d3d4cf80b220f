import type { Kysely } from 'kysely';
import { listDagRuns } from '../../db/run-records.ts';
import type { Database } from '../../db/schema.ts';
import type { GridRun, GridTaskRecord } from './grid-model.ts';

/** Runs in the DAG page's grid unless `?runs=` asks for another number. */
export const DEFAULT_GRID_RUNS = 25;
export const MAX_GRID_RUNS = 200;

/**
 * The last `limit` runs of a DAG and the recorded state of every task (and mapped instance) in
 * them, from the run records in Postgres: two queries whatever the number of runs.
 */
export async function loadGridData(db: Kysely<Database>, dagId: string, limit: number): Promise<{ runs: GridRun[]; records: GridTaskRecord[] }> {
  const runs = await listDagRuns(db, { dagId, limit });
  if (runs.length === 0) return { runs: [], records: [] };
  const rows = await db
    .selectFrom('task_runs')
    .select(['run_id', 'task_id', 'map_index', 'state'])
    .where('run_id', 'in', runs.map((run) => run.runId))
    .execute();
  return {
    runs: runs.map(({ runId, status, logicalDate, startedAt }) => ({ runId, status, logicalDate, startedAt })),
    records: rows.map((row) => ({ runId: row.run_id, taskId: row.task_id, mapIndex: row.map_index, state: row.state })),
  };
}
