import { describe, expect, it } from 'vitest';
import type { TaskRunState } from '../../plan/types.ts';
import { attemptWindowsFromLogs, buildGantt } from './gantt-model.ts';

const state = (id: string, extra: Partial<TaskRunState>): TaskRunState => ({ id, kind: 'task', state: 'pending', attempts: 0, startedAt: null, endedAt: null, error: null, ...extra });
const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();

describe('buildGantt', () => {
  it('draws the last attempt from the task times, earlier ones from their log windows, and leaves out tasks that never ran', () => {
    const model = buildGantt(
      [
        state('extract', { state: 'success', attempts: 1, startedAt: at(0), endedAt: at(10) }),
        state('train', { state: 'success', attempts: 2, startedAt: at(30), endedAt: at(40) }),
        state('alert', { state: 'skipped' }),
      ],
      attemptWindowsFromLogs([
        { taskId: 'train', attempt: 1, at: at(12), mapIndex: -1 },
        { taskId: 'train', attempt: 1, at: at(20), mapIndex: -1 },
        { taskId: 'train', attempt: 2, at: at(31), mapIndex: -1 },
      ]),
      t0 + 100_000,
    );
    expect(model.startMs).toBe(t0);
    expect(model.endMs).toBe(t0 + 40_000);
    expect(model.rows.map((row) => row.taskId)).toEqual(['extract', 'train']);
    const train = model.rows[1]!;
    expect(train.bars.map((bar) => [bar.attempt, bar.state, bar.startMs - t0, bar.endMs - t0])).toEqual([
      [1, 'failed', 12_000, 20_000],
      [2, 'success', 30_000, 40_000],
    ]);
    expect(train.bars[1]).toMatchObject({ leftPct: 75, widthPct: 25 });
    expect(model.rows[0]!.bars[0]).toMatchObject({ leftPct: 0, widthPct: 25 });
  });

  it('runs a running task until now', () => {
    const model = buildGantt([state('slow', { state: 'running', attempts: 1, startedAt: at(0) })], [], t0 + 5_000);
    expect(model.rows[0]!.bars[0]).toMatchObject({ startMs: t0, endMs: t0 + 5_000, state: 'running', widthPct: 100 });
  });
});
