import { describe, expect, it } from 'vitest';
import { SecretMask } from '../logs/secret-mask.ts';
import type { TaskLogLine } from '../logs/store.ts';
import { testServices } from '../ops/test-services.ts';
import { OutputTooLargeError } from '../sdk/errors.ts';
import { openTaskAttempt, type TaskAttemptInputs } from './task-context.ts';

const SECRET = 'sk-live-4242';
const run = { runId: 'r-1', dagId: 'd', runType: 'manual' as const, logicalDate: '2026-01-01T00:00:00.000Z', dataIntervalStart: '2026-01-01T00:00:00.000Z', dataIntervalEnd: '2026-01-01T00:00:00.000Z' };

function attemptWith(overrides: Partial<TaskAttemptInputs> = {}) {
  const stored: TaskLogLine[] = [];
  const printed: string[] = [];
  const beats: unknown[] = [];
  const attempt = openTaskAttempt({
    run,
    taskId: 't',
    attempt: 3,
    mapIndex: 2,
    params: { n: 1 },
    upstream: { up: 'x' },
    signal: new AbortController().signal,
    services: testServices(),
    mask: new SecretMask([SECRET]),
    logSink: { store: async (line) => void stored.push(line), print: (line) => void printed.push(line) },
    heartbeat: (details) => void beats.push(details),
    lastHeartbeat: { done: 5 },
    ...overrides,
  });
  return { attempt, stored, printed, beats };
}

describe('openTaskAttempt', () => {
  it('gives the body its run, attempt, params, upstream outputs and last heartbeat', () => {
    const { ctx } = attemptWith().attempt;
    expect(ctx.run).toEqual({ ...run, attempt: 3 });
    expect([ctx.taskId, ctx.params, ctx.outputs, ctx.lastHeartbeat]).toEqual(['t', { n: 1 }, { up: 'x' }, { done: 5 }]);
  });

  it('masks the secrets in heartbeat details, events, log lines and the output', async () => {
    const { attempt, stored, printed, beats } = attemptWith();
    attempt.ctx.heartbeat({ token: SECRET });
    attempt.ctx.emit('drift', { why: `key ${SECRET}` });
    attempt.ctx.log.info(`using ${SECRET}`);
    await attempt.log.close();
    expect(beats).toEqual([{ token: '***' }]);
    expect(attempt.events).toEqual([{ type: 'drift', details: { why: 'key ***' } }]);
    expect(stored.map((line) => line.message)).toEqual(['using ***']);
    expect(printed.join('\n')).not.toContain(SECRET);
    expect(attempt.output({ echo: SECRET, when: new Date('2026-01-02T00:00:00Z') })).toEqual({ echo: '***', when: '2026-01-02T00:00:00.000Z' });
  });

  it('refuses an unknown event type and an output over the size limit', () => {
    const { attempt } = attemptWith();
    expect(() => attempt.ctx.emit('unheard-of' as 'drift', {})).toThrow(/unknown event type "unheard-of"/);
    expect(() => attempt.output('x'.repeat(300 * 1024))).toThrow(OutputTooLargeError);
    expect(attempt.output(undefined)).toBeNull();
  });

  it('has a heartbeat that does nothing when the caller records none (weir/testing)', () => {
    const { attempt } = attemptWith({ heartbeat: undefined });
    expect(() => attempt.ctx.heartbeat({ progress: 1 })).not.toThrow();
  });
});
