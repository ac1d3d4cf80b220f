import { appendFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { dag } from 'weir';
import { z } from 'zod';

/**
 * A diamond of tasks that each take `taskMs`, heartbeating as they go, and log `<task> start`
 * and `<task> done <attempt>` to `progressFile`, so a test can break a service in the middle.
 */
const step = async (ctx: { taskId: string; params: { taskMs: number; progressFile: string }; run: { attempt: number }; signal: AbortSignal; heartbeat(details?: unknown): void }) => {
  await appendFile(ctx.params.progressFile, `${ctx.taskId} start ${ctx.run.attempt}\n`);
  const until = Date.now() + ctx.params.taskMs;
  while (Date.now() < until) {
    ctx.heartbeat();
    await sleep(Math.min(250, Math.max(0, until - Date.now())), undefined, { signal: ctx.signal });
  }
  await appendFile(ctx.params.progressFile, `${ctx.taskId} done ${ctx.run.attempt}\n`);
  return { taskId: ctx.taskId, attempt: ctx.run.attempt };
};

export default dag({
  id: 'steady_steps',
  params: z.object({ taskMs: z.number().int().positive(), progressFile: z.string() }),
  defaults: { retries: 5, retryDelay: '1s', maxRetryDelay: '5s', heartbeatTimeout: '15s', timeout: '2m' },
})
  .task('a', step)
  .task('b', { needs: ['a'] }, step)
  .task('c', { needs: ['a'] }, step)
  .task('d', { needs: ['b', 'c'] }, step);
