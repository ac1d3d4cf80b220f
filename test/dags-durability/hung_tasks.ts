import { appendFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { dag } from 'weir';
import { z } from 'zod';

type HangContext = { taskId: string; params: { progressFile: string }; run: { attempt: number }; signal: AbortSignal };

/**
 * Logs `<task> <attempt>` to the progress file, then hangs on the attempts listed: no
 * heartbeat, no result. It still gives way when the attempt is cancelled, as any task should.
 */
function hangOn(attempts: 'always' | 'first') {
  return async (ctx: HangContext) => {
    await appendFile(ctx.params.progressFile, `${ctx.taskId} ${ctx.run.attempt}\n`);
    if (attempts === 'always' || ctx.run.attempt === 1) await sleep(10 * 60_000, undefined, { signal: ctx.signal });
    return { attempt: ctx.run.attempt };
  };
}

/**
 * Tasks that hang. Two declare a 2 s heartbeat timeout and never heartbeat; two declare no
 * heartbeat timeout, only a 2 s start-to-close timeout. Of each pair, one hangs on every
 * attempt and one only on its first. Each is allowed one retry.
 */
export default dag({
  id: 'hung_tasks',
  params: z.object({ progressFile: z.string() }),
  defaults: { retries: 1, retryDelay: '200ms' },
})
  .task('silent_always', { heartbeatTimeout: '2s' }, hangOn('always'))
  .task('silent_once', { heartbeatTimeout: '2s' }, hangOn('first'))
  .task('slow_always', { timeout: '2s' }, hangOn('always'))
  .task('slow_once', { timeout: '2s' }, hangOn('first'));
