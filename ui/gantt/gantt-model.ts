import type { TaskRunState, TaskState } from '../../plan/types.ts';

/** When one attempt of a task ran. */
export interface AttemptWindow {
  taskId: string;
  attempt: number;
  startedAt: string;
  endedAt: string;
}

export interface GanttBar {
  attempt: number;
  /** The attempt's outcome: earlier attempts of a task failed (they were retried), the last has the task's state. */
  state: TaskState;
  startMs: number;
  endMs: number;
  /** Position and width in percent of the chart, so the page needs no script to draw it. */
  leftPct: number;
  widthPct: number;
}

export interface GanttRow {
  taskId: string;
  state: TaskState;
  bars: GanttBar[];
}

export interface GanttModel {
  startMs: number;
  endMs: number;
  rows: GanttRow[];
}

/**
 * A Gantt of attempts with real times. The last attempt of each task spans the task's own
 * `startedAt`..`endedAt` (the worker's clock; still running: until `nowMs`). Earlier attempts
 * come from `earlier` (the first and last log line of each attempt) when the task logged any.
 * Tasks that never started (pending, skipped, upstream_failed) have no row.
 */
export function buildGantt(tasks: readonly TaskRunState[], earlier: readonly AttemptWindow[], nowMs: number): GanttModel {
  const earlierByTask = new Map<string, AttemptWindow[]>();
  for (const window of earlier) earlierByTask.set(window.taskId, [...(earlierByTask.get(window.taskId) ?? []), window]);
  const rows: { taskId: string; state: TaskState; bars: Omit<GanttBar, 'leftPct' | 'widthPct'>[] }[] = [];
  for (const task of tasks) {
    if (!task.startedAt) continue;
    const lastStart = Date.parse(task.startedAt);
    const lastEnd = task.endedAt ? Date.parse(task.endedAt) : nowMs;
    const lastAttempt = Math.max(task.attempts, 1);
    const bars = (earlierByTask.get(task.id) ?? [])
      .filter((window) => window.attempt < lastAttempt)
      .sort((a, b) => a.attempt - b.attempt)
      .map((window) => ({ attempt: window.attempt, state: 'failed' as TaskState, startMs: Date.parse(window.startedAt), endMs: Date.parse(window.endedAt) }));
    bars.push({ attempt: lastAttempt, state: task.state, startMs: lastStart, endMs: Math.max(lastEnd, lastStart) });
    rows.push({ taskId: task.id, state: task.state, bars });
  }
  const starts = rows.flatMap((row) => row.bars.map((bar) => bar.startMs));
  const ends = rows.flatMap((row) => row.bars.map((bar) => bar.endMs));
  const startMs = starts.length > 0 ? Math.min(...starts) : nowMs;
  const endMs = ends.length > 0 ? Math.max(...ends, startMs + 1) : nowMs + 1;
  const span = endMs - startMs;
  /** A fraction of the chart as a percentage with two decimals. */
  const pct = (fraction: number) => Math.round(fraction * 10000) / 100;
  return {
    startMs,
    endMs,
    rows: rows
      .sort((a, b) => (a.bars[0]?.startMs ?? 0) - (b.bars[0]?.startMs ?? 0))
      .map((row) => ({
        ...row,
        bars: row.bars.map((bar) => ({ ...bar, leftPct: pct((bar.startMs - startMs) / span), widthPct: Math.max(0.2, pct((bar.endMs - bar.startMs) / span)) })),
      })),
  };
}

/** Attempt windows from log lines: the first and last line each attempt of each task logged. */
export function attemptWindowsFromLogs(lines: readonly { taskId: string; attempt: number; at: string; mapIndex: number }[]): AttemptWindow[] {
  const windows = new Map<string, AttemptWindow>();
  for (const line of lines) {
    if (line.mapIndex >= 0) continue;
    const key = `${line.taskId}\u0000${line.attempt}`;
    const known = windows.get(key);
    if (!known) windows.set(key, { taskId: line.taskId, attempt: line.attempt, startedAt: line.at, endedAt: line.at });
    else {
      if (line.at < known.startedAt) known.startedAt = line.at;
      if (line.at > known.endedAt) known.endedAt = line.at;
    }
  }
  return [...windows.values()];
}
