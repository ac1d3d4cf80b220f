import { appendFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { dag } from 'weir';
import { z } from 'zod';

/** What the task heartbeats after each finished step, and what a retry resumes from. */
export interface StepProgress {
  done: number;
}

/**
 * A long task that works in steps, heartbeats the last finished step, and on a retry resumes
 * after the step its previous attempt last reported. Each step is logged to `progressFile`
 * as `<attempt> <step>` so a test can see which attempt did which step.
 */
export default dag({
  id: 'resume_from_heartbeat',
  params: z.object({ steps: z.number().int().positive(), stepMs: z.number().int().positive(), progressFile: z.string() }),
  defaults: { retries: 3, retryDelay: '200ms' },
}).task('count', { heartbeatTimeout: '3s', timeout: '5m' }, async (ctx) => {
  const previous = ctx.lastHeartbeat as StepProgress | undefined;
  const first = previous === undefined ? 0 : previous.done + 1;
  for (let step = first; step < ctx.params.steps; step++) {
    await sleep(ctx.params.stepMs, undefined, { signal: ctx.signal });
    await appendFile(ctx.params.progressFile, `${ctx.run.attempt} ${step}\n`);
    ctx.heartbeat({ done: step } satisfies StepProgress);
  }
  return { attempt: ctx.run.attempt, resumedFrom: first, resumedWith: previous ?? null };
});
