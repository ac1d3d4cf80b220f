import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TaskAttemptRecord } from '../db/run-records.ts';
import { AttemptBatcher, mergeAttempt } from './attempt-batch.ts';

const report = (taskId: string, attempt: number, state: 'running' | 'success' | 'failed', extra: Partial<TaskAttemptRecord> = {}): TaskAttemptRecord => ({
  runId: 'r1',
  taskId,
  attempt,
  state,
  startedAt: state === 'running' ? `start-${attempt}` : null,
  endedAt: state === 'running' ? null : `end-${attempt}`,
  error: state === 'failed' ? 'boom' : null,
  ...extra,
});

describe('mergeAttempt', () => {
  it('keeps the start time when the end of the same attempt arrives', () => {
    expect(mergeAttempt(report('t', 1, 'running'), report('t', 1, 'success'))).toEqual({ ...report('t', 1, 'success'), startedAt: 'start-1' });
  });

  it('lets a newer attempt replace an older one, and ignores an older one arriving late', () => {
    expect(mergeAttempt(report('t', 1, 'failed'), report('t', 2, 'running'))).toEqual(report('t', 2, 'running'));
    expect(mergeAttempt(report('t', 2, 'running'), report('t', 1, 'failed'))).toEqual(report('t', 2, 'running'));
  });
});

describe('AttemptBatcher', () => {
  afterEach(() => vi.useRealTimers());

  it('writes the reports of many tasks in one batch, start and end of a task merged', async () => {
    vi.useFakeTimers();
    const batches: TaskAttemptRecord[][] = [];
    const batcher = new AttemptBatcher(async (records) => void batches.push(records), { flushAfterMs: 100, maxBatch: 50 });
    const written = [batcher.add(report('a', 1, 'running')), batcher.add(report('b', 1, 'running')), batcher.add(report('a', 1, 'success'))];
    expect(batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(written);
    expect(batches).toEqual([[{ ...report('a', 1, 'success'), startedAt: 'start-1' }, report('b', 1, 'running')]]);
  });

  it('writes at once when the batch is full', async () => {
    const batches: TaskAttemptRecord[][] = [];
    const batcher = new AttemptBatcher(async (records) => void batches.push(records), { flushAfterMs: 60_000, maxBatch: 2 });
    await Promise.all([batcher.add(report('a', 1, 'running')), batcher.add(report('b', 1, 'running'))]);
    expect(batches).toHaveLength(1);
  });

  it('writes batches one after another, in order', async () => {
    const order: string[] = [];
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    const batcher = new AttemptBatcher(async (records) => {
      order.push(`begin ${records[0]!.state}`);
      if (records[0]!.state === 'running') await firstHeld;
      order.push(`end ${records[0]!.state}`);
    }, { flushAfterMs: 60_000, maxBatch: 100 });
    const first = batcher.add(report('a', 1, 'running'));
    void batcher.flush();
    const second = batcher.add(report('a', 1, 'success'));
    const flushed = batcher.flush();
    await Promise.resolve();
    releaseFirst();
    await Promise.all([first, second, flushed]);
    expect(order).toEqual(['begin running', 'end running', 'begin success', 'end success']);
  });

  it('rejects every report of a failed batch and keeps writing later ones', async () => {
    let fail = true;
    const batcher = new AttemptBatcher(async () => {
      if (fail) throw new Error('postgres is down');
    }, { flushAfterMs: 60_000, maxBatch: 100 });
    const lost = [batcher.add(report('a', 1, 'running')), batcher.add(report('b', 1, 'running'))];
    void batcher.flush();
    await expect(Promise.all(lost)).rejects.toThrow('postgres is down');
    await expect(Promise.allSettled(lost)).resolves.toEqual([expect.objectContaining({ status: 'rejected' }), expect.objectContaining({ status: 'rejected' })]);
    fail = false;
    const later = batcher.add(report('c', 1, 'running'));
    await batcher.flush();
    await expect(later).resolves.toBeUndefined();
  });

  it('resolves a flush with nothing waiting at once', async () => {
    await expect(new AttemptBatcher(async () => {}).flush()).resolves.toBeUndefined();
  });
});
