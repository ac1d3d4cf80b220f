import { describe, expect, it } from 'vitest';
import { AttemptLog } from './attempt-log.ts';
import { SecretMask } from './secret-mask.ts';
import type { TaskLogLine } from './store.ts';

const identity = { dagId: 'churn', runId: 'r1', taskId: 'train', mapIndex: -1, attempt: 2 };

function attemptLog(limits?: { maxLines: number; maxBytes: number }) {
  const stored: TaskLogLine[] = [];
  const printed: string[] = [];
  const log = new AttemptLog({ identity, store: async (line) => void stored.push(line), print: (line) => printed.push(line), mask: new SecretMask(['s3cret-value']), ...(limits ? { limits } : {}) });
  return { log, stored, printed };
}

describe('AttemptLog', () => {
  it('prints one line per entry, labelled with task and attempt, and stores it with its level', async () => {
    const { log, stored, printed } = attemptLog();
    log.warn('disk almost full\nsecond line', { free: 3, path: '/data' });
    await log.close();
    expect(printed).toEqual(['churn.train#2 warn disk almost full\\nsecond line free=3 path=/data']);
    expect(stored).toMatchObject([{ runId: 'r1', taskId: 'train', mapIndex: -1, attempt: 2, level: 'warn', message: 'disk almost full\nsecond line', attrs: { free: 3, path: '/data' } }]);
    expect(Number.isNaN(Date.parse(stored[0]?.at ?? ''))).toBe(false);
  });

  it('masks secrets in messages and attributes before printing or storing', async () => {
    const { log, stored, printed } = attemptLog();
    log.info('token is s3cret-value', { token: 's3cret-value', error: new Error('bad s3cret-value') });
    await log.close();
    expect(JSON.stringify(stored)).not.toContain('s3cret-value');
    expect(printed.join('\n')).not.toContain('s3cret-value');
    expect(stored[0]?.attrs).toEqual({ token: '***', error: { name: 'Error', message: 'bad ***' } });
  });

  it('stops storing at the line limit, with a marker where lines were dropped and their count at the end', async () => {
    const { log, stored, printed } = attemptLog({ maxLines: 3, maxBytes: 1_000_000 });
    for (let i = 0; i < 10; i++) log.info(`line ${i}`);
    await log.close();
    expect(printed).toHaveLength(10);
    expect(stored.map((line) => line.message)).toEqual([
      'line 0',
      'line 1',
      'line 2',
      expect.stringContaining('log limit of this attempt reached'),
      expect.stringContaining('7 line(s)'),
    ]);
  });

  it('stops storing at the byte limit too', async () => {
    const { log, stored } = attemptLog({ maxLines: 1000, maxBytes: 25 });
    for (let i = 0; i < 5; i++) log.info('0123456789');
    await log.close();
    expect(stored.filter((line) => !line.message.startsWith('[weir]'))).toHaveLength(2);
    expect(stored.at(-1)?.message).toContain('3 line(s) (30 bytes)');
  });

  it('does not wait for a store that hangs longer than its close timeout', async () => {
    const log = new AttemptLog({ identity, store: () => new Promise<void>(() => {}), print: () => {}, closeTimeoutMs: 50 });
    log.info('never stored');
    await expect(log.close()).resolves.toBeUndefined();
  });
});
