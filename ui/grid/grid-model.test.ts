import { describe, expect, it } from 'vitest';
import { buildGrid, type GridRun, type GridTaskRecord } from './grid-model.ts';

const tasks = [
  { id: 'list', kind: 'task' as const },
  { id: 'each', kind: 'map' as const },
  { id: 'route', kind: 'branch' as const },
  { id: 'late', kind: 'task' as const },
];
const run = (runId: string, startedAt: string): GridRun => ({ runId, status: 'success', logicalDate: startedAt, startedAt });

describe('buildGrid', () => {
  it('puts runs oldest first, tasks in plan order, and one cell per task and run', () => {
    const grid = buildGrid(tasks, [run('new', '2026-01-03T00:00:00Z'), run('old', '2026-01-01T00:00:00Z'), run('mid', '2026-01-02T00:00:00Z')], [
      { runId: 'old', taskId: 'list', mapIndex: -1, state: 'success' },
      { runId: 'new', taskId: 'list', mapIndex: -1, state: 'failed' },
      { runId: 'new', taskId: 'route', mapIndex: -1, state: 'upstream_failed' },
      { runId: 'mid', taskId: 'route', mapIndex: -1, state: 'skipped' },
    ]);
    expect(grid.runs.map((r) => r.runId)).toEqual(['old', 'mid', 'new']);
    expect(grid.rows.map((r) => r.taskId)).toEqual(['list', 'each', 'route', 'late']);
    expect(grid.rows[0]!.cells.map((c) => c.state)).toEqual(['success', 'none', 'failed']);
    expect(grid.rows[2]!.cells.map((c) => c.state)).toEqual(['none', 'skipped', 'upstream_failed']);
    expect(grid.rows[3]!.cells.every((c) => c.state === 'none')).toBe(true);
  });

  it('collapses a mapped task into one cell per run with the count of its instances', () => {
    const records: GridTaskRecord[] = [{ runId: 'r', taskId: 'each', mapIndex: -1, state: 'running' }];
    for (let index = 0; index < 10_000; index++) records.push({ runId: 'r', taskId: 'each', mapIndex: index, state: index % 2 ? 'success' : 'running' });
    const grid = buildGrid(tasks, [run('r', '2026-01-01T00:00:00Z')], records);
    expect(grid.rows[1]!.cells).toEqual([{ runId: 'r', state: 'running', instances: 10_000 }]);
    expect(grid.rows[0]!.cells[0]).toEqual({ runId: 'r', state: 'none' });
  });
});
