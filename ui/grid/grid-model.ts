import type { PlanTask, RunStatus, TaskKind, TaskState } from '../../plan/types.ts';

/** One run as the grid needs it (from the run records in Postgres). */
export interface GridRun {
  runId: string;
  status: RunStatus;
  logicalDate: string;
  startedAt: string;
}

/** One recorded task row: a whole task (mapIndex -1) or one mapped instance. */
export interface GridTaskRecord {
  runId: string;
  taskId: string;
  mapIndex: number;
  state: TaskState;
}

/** A cell's state; `none` when the run has no record of the task (not reached yet, or the plan changed). */
export type GridCellState = TaskState | 'none';

export interface GridCell {
  runId: string;
  state: GridCellState;
  /** Mapped tasks: how many instances the run made, collapsed into this one cell. */
  instances?: number;
}

export interface GridRow {
  taskId: string;
  kind: TaskKind;
  cells: GridCell[];
}

export interface GridModel {
  /** Oldest run first, so the newest stands on the right, as in Airflow's grid. */
  runs: GridRun[];
  rows: GridRow[];
}

/**
 * Runs as columns, tasks as rows (in plan order), a cell per task instance. A mapped task is one
 * row whatever its fan-out: its cell takes the whole task's state and counts the instances.
 */
export function buildGrid(tasks: readonly Pick<PlanTask, 'id' | 'kind'>[], runs: readonly GridRun[], records: readonly GridTaskRecord[]): GridModel {
  const ordered = [...runs].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.runId.localeCompare(b.runId));
  const whole = new Map<string, TaskState>();
  const instanceCounts = new Map<string, number>();
  for (const record of records) {
    const key = cellKey(record.runId, record.taskId);
    if (record.mapIndex < 0) whole.set(key, record.state);
    else instanceCounts.set(key, (instanceCounts.get(key) ?? 0) + 1);
  }
  const rows = tasks.map((task): GridRow => ({
    taskId: task.id,
    kind: task.kind,
    cells: ordered.map((run): GridCell => {
      const key = cellKey(run.runId, task.id);
      const count = instanceCounts.get(key);
      return { runId: run.runId, state: whole.get(key) ?? 'none', ...(task.kind === 'map' && count !== undefined ? { instances: count } : {}) };
    }),
  }));
  return { runs: ordered, rows };
}

const cellKey = (runId: string, taskId: string) => `${runId}\u0000${taskId}`;
