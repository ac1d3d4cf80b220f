import { describe, expect, it } from 'vitest';
import { LogBatcher } from './log-batcher.ts';
import type { TaskLogLine } from './store.ts';

const line = (message: string): TaskLogLine => ({ runId: 'r', taskId: 't', mapIndex: -1, attempt: 1, at: '2026-11-30T00:00:00.000Z', level: 'info', message });

describe('LogBatcher', () => {
  it('writes the lines of many tasks in one batch, in the order logged', async () => {
    const batches: string[][] = [];
    const batcher = new LogBatcher(async (lines) => void batches.push(lines.map((l) => l.message)), { flushAfterMs: 10_000, maxBatch: 100 });
    const written = Promise.all(['a', 'b', 'c'].map((m) => batcher.add(line(m))));
    expect(batches).toEqual([]);
    await batcher.flush();
    await written;
    expect(batches).toEqual([['a', 'b', 'c']]);
  });

  it('writes at once when a batch is full, and hands a failed write to its own lines only', async () => {
    let calls = 0;
    const batcher = new LogBatcher(async () => {
      if (++calls === 1) throw new Error('database down');
    }, { flushAfterMs: 10_000, maxBatch: 2 });
    const first = batcher.add(line('1'));
    const second = batcher.add(line('2'));
    await expect(first).rejects.toThrow('database down');
    await expect(second).rejects.toThrow('database down');
    const third = batcher.add(line('3'));
    await batcher.flush();
    await expect(third).resolves.toBeUndefined();
  });
});
